"""SciPy's sequences of spheroidal characteristic values, ``pro_cv_seq(m, n, c)`` and
``obl_cv_seq(m, n, c)``, on a traced ``c``: the values ``pro_cv(m, k, c)`` (``obl_cv``) for ``k =
m..n`` stacked, each differentiable in ``c`` to every order (:mod:`osculate.ad.prims.special_ode`).

SciPy computes the whole sequence in one call; the separate characteristic values agree with it to
about 1e-14 relative.  With a plain ``c`` the result is SciPy's own.  ``m`` and ``n`` are integer
constants with ``m <= n`` and ``n - m <= 199``, as SciPy's.
"""

from __future__ import annotations

import numpy as np
from scipy import special as _scipy_special

from .. import numpy as _onp
from ..core import Tracer
from ..prims.special_ode import ODE_FUNCTIONS
from ._legendre import _order

__all__ = ["pro_cv_seq", "obl_cv_seq"]


def _sequence(kind, m, n, c):
    name = f"{kind}_cv_seq"
    m, n = _order(m, name, "m"), _order(n, name, "n")
    if np.ndim(c) != 0:
        raise ValueError(f"osculate.scipy.special.{name}: c must be a scalar (as SciPy's), got shape {np.shape(c)}")
    if n - m > 199:
        raise ValueError(f"osculate.scipy.special.{name}: n - m must be at most 199 (as SciPy's), got {n - m}")
    if not isinstance(c, Tracer):
        return getattr(_scipy_special, name)(m, n, c)
    if m < 0 or n < m:
        raise ValueError(f"osculate.scipy.special.{name}: needs 0 <= m <= n, got m = {m}, n = {n}")
    value = ODE_FUNCTIONS[f"{kind}_cv"]
    return _onp.stack([value(m, k, c) for k in range(m, n + 1)])


def pro_cv_seq(m, n, c):
    """``scipy.special.pro_cv_seq(m, n, c)``: the prolate spheroidal characteristic values for the mode
    ``m`` and the degrees ``m..n``, differentiable in ``c`` (the characteristic values of ``pro_cv``).

    >>> import numpy as np, osculate as osc
    >>> from scipy import special
    >>> d = osc.jacfwd(lambda c: pro_cv_seq(1, 3, c))(np.float64(2.0))
    >>> bool(np.allclose(d, [osc.grad(lambda c: special.pro_cv(1, k, c))(np.float64(2.0)) for k in (1, 2, 3)]))
    True
    """
    return _sequence("pro", m, n, c)


def obl_cv_seq(m, n, c):
    """``scipy.special.obl_cv_seq(m, n, c)``: the oblate spheroidal characteristic values for the mode
    ``m`` and the degrees ``m..n``, differentiable in ``c`` (the characteristic values of ``obl_cv``).

    >>> import numpy as np
    >>> from scipy import special
    >>> bool(np.allclose(obl_cv_seq(0, 2, 1.5), special.obl_cv_seq(0, 2, 1.5)))
    True
    """
    return _sequence("obl", m, n, c)
