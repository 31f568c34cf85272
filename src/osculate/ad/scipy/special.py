"""``scipy.special`` on traced values, with SciPy's signatures.

The ufuncs (``ndtr``, ``log_ndtr``, ``xlogy``, ``gamma``, ``i0``...) need no
import: ``scipy.special.ndtr(tracer)`` reaches the same primitive through
``__array_ufunc__``.  This module is for the functions SciPy writes in Python,
which convert their input with ``np.asarray`` and so cannot see a tracer
(``logsumexp``, ``softmax``, ``log_softmax``, ``polygamma``, ``multigammaln``, ``spherical_jn``,
``spherical_yn``, ``spherical_in``, ``spherical_kn``, ``diric``): call them from here instead.
Every function works on plain arrays too.

``gammainc(a, x)``, ``gammaincc(a, x)`` and ``betainc(a, b, x)`` are
differentiable in every argument, to every order (for ``a, b > 0`` and ``x``
in the domain; see :mod:`osculate.ad.prims.incomplete`).
``zeta(x, q=None)`` (Hurwitz's, or Riemann's) is differentiable in both
arguments; the Bessel functions ``jv``, ``yv``, ``iv``, ``ive``, ``kv``,
``kve`` in ``x`` and, for ``x > 0``, in the order ``v`` (not available for
``x ≤ 0``: nan); ``yn``'s order ``n`` is an integer (an error names it).

>>> import numpy as np, osculate as osc
>>> import osculate.scipy.special as sps
>>> float(osc.grad(lambda x: sps.logsumexp(x))(np.zeros(2))[0])
0.5
"""

from __future__ import annotations

import numpy as _np
from scipy import special as _scipy_special

from .. import numpy as _osc_np
from ..prims import special as _special
from ..prims import special_more as _special_more
from ..prims import special_complex as _special_complex
from ..prims import special_extra as _special_extra
from ..prims import special_misc as _special_misc
from ..prims import special_ode as _special_ode
from ..prims import special_poly as _special_poly
from ..prims import special_stat as _special_stat
from ..prims.unary import UNARY as _UNARY
from . import _legendre
from ._legendre import *  # noqa: F401,F403
from ._legendre_q import lqmn, lqn  # noqa: F401
from ._jacobi import j_roots, jacobi, js_roots, roots_jacobi, roots_sh_jacobi, sh_jacobi  # noqa: F401
from ._spheroidal_seq import obl_cv_seq, pro_cv_seq  # noqa: F401

__all__ = sorted(_special.FUNCTIONS) + [
    "erf", "erfc", "expit", "gammaln", "digamma", "psi", "polygamma", "multigammaln", "logsumexp", "softmax",
    "log_softmax", "factorial", "bernoulli",
] + sorted(_special_extra.EXTRA_FUNCTIONS) + sorted(_special_poly.POLY_FUNCTIONS) + sorted(_special_misc.MISC_FUNCTIONS)
__all__ += _legendre.__all__
__all__ += ["lqn", "lqmn"]
__all__ += ["jacobi", "sh_jacobi", "roots_jacobi", "roots_sh_jacobi", "j_roots", "js_roots"]
__all__ += ["pro_cv_seq", "obl_cv_seq"]
__all__ += sorted(_special_complex.COMPLEX_FUNCTIONS)
__all__ += sorted(_special_stat.STAT_FUNCTIONS)
__all__ += sorted(_special_ode.ODE_FUNCTIONS)
__all__ += sorted(_special_more.MORE_FUNCTIONS)

globals().update(_special.FUNCTIONS)
globals().update(_special_extra.EXTRA_FUNCTIONS)
globals().update(_special_poly.POLY_FUNCTIONS)
globals().update(_special_misc.MISC_FUNCTIONS)
globals().update(_special_complex.COMPLEX_FUNCTIONS)
globals().update(_special_stat.STAT_FUNCTIONS)
globals().update(_special_ode.ODE_FUNCTIONS)
globals().update(_special_more.MORE_FUNCTIONS)
erf = _UNARY["erf"].bind
erfc = _UNARY["erfc"].bind
expit = _UNARY["expit"].bind
gammaln = _UNARY["gammaln"].bind
digamma = psi = _UNARY["digamma"].bind


def polygamma(n, x):
    """``polygamma(n, x)``: the n-th derivative of the digamma function (``n`` an integer)."""
    return _osc_np.polygamma(n, x)


def multigammaln(a, d):
    """The log of the multivariate gamma function of dimension ``d`` (an integer):
    ``d (d - 1) / 4 log π + Σ_{j<d} gammaln(a - j / 2)`` (``a > (d - 1) / 2``)."""
    d = int(d)
    out = d * (d - 1) / 4.0 * _np.log(_np.pi)
    for j in range(d):
        out = out + gammaln(a - 0.5 * j)
    return out


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """``log(sum(b * exp(a)))`` along ``axis``, as :func:`scipy.special.logsumexp`
    (``return_sign=True`` is not supported: ``b`` must keep the sum positive)."""
    if return_sign:
        raise TypeError("osculate's logsumexp does not support return_sign=True")
    return _osc_np.logsumexp(a, axis=axis, keepdims=keepdims, b=b)


def softmax(x, axis=None):
    """``exp(x) / sum(exp(x))`` along ``axis`` (SciPy's default: all entries)."""
    return _osc_np.exp(log_softmax(x, axis))


def log_softmax(x, axis=None):
    """``x - logsumexp(x)`` along ``axis`` (SciPy's default: all entries)."""
    return x - _osc_np.logsumexp(x, axis=axis, keepdims=True)


def factorial(n, exact=False):
    """``scipy.special.factorial(n)``: ``Γ(n + 1)`` for ``n >= 0`` and 0 for
    negative ``n``, as SciPy's (``exact=True`` needs integers, not traced values).

    >>> import numpy as np, osculate as osc
    >>> float(factorial(np.float64(4.0)))
    24.0
    """
    if exact:
        return _scipy_special.factorial(n, exact=True)
    return _osc_np.where(n >= 0, _special.FUNCTIONS["gamma"](_osc_np.where(n >= 0, n, 0.0) + 1.0), 0.0)


#: Bernoulli numbers (of an integer count: nothing to differentiate), SciPy's own.
bernoulli = _scipy_special.bernoulli
