"""More of ``scipy.special`` on traced values: the exponentially scaled
Airy functions and the inverses of the noncentral F and t distribution functions in
a parameter.

Every function's value is SciPy's own; its derivatives are written with primitives
(so every order and every nesting works), from these rules:

* ``airye(z) -> (eAi, eAip, eBi, eBip)`` for real ``z``: four primitives
  ``airye_ai``, ``airye_aip``, ``airye_bi``, ``airye_bip``.  For ``z > 0``,
  ``eAi = Ai e^ζ``, ``eBi = Bi e^(-ζ)`` with ``ζ = (2/3) z^(3/2)`` and ``ζ' = √z``,
  so Airy's equation ``y'' = z y`` gives ``eAi' = eAip + √z eAi``, ``eAip' = z eAi
  + √z eAip``, ``eBi' = eBip - √z eBi``, ``eBip' = z eBi - √z eBip``.  For ``z <
  0`` SciPy's ``eBi``, ``eBip`` are ``Bi``, ``Bip`` (``ζ`` is imaginary: the
  factor ``e^(-|Re ζ|)`` is 1), with the unscaled rules (``√z`` read as 0), and
  its ``eAi``, ``eAip`` are nan, so are their derivatives.  At ``z = 0`` the
  first derivatives are exact; the second ones are infinite from the right (the
  ``√z``) and are not.  For large ``z`` the two terms of each derivative nearly
  cancel (the scaled functions vary like ``z^(±1/4)``): the derivatives' relative
  error grows like ``1e-16 z^(3/2)``, as for ``kve``'s.
* The inverses of ``ncfdtr(dfn, dfd, nc, f)`` in ``dfd`` (``ncfdtridfd(dfn, p,
  nc, f)``), ``dfn`` (``ncfdtridfn(p, dfd, nc, f)``) and ``nc`` (``ncfdtrinc(dfn,
  dfd, p, f)``), and of ``nctdtr(df, nc, t)`` in ``df`` (``nctdtridf(p, nc,
  t)``) and ``nc`` (``nctdtrinc(df, p, t)``): as the other parameter inverses
  (:mod:`.special_stat`), ``∂θ/∂p = 1 / ∂θF`` and ``∂θ/∂u = -∂uF / ∂θF`` at
  SciPy's output, the partials of ``ncfdtr`` and ``nctdtr`` those of
  :mod:`.special_stat` (accurate to about 1e-14); derivative 0 where SciPy
  returns a search bound, nan where its value is nan.  SciPy's values solve their
  equations only approximately: ``ncfdtridfd``, ``ncfdtridfn`` and ``ncfdtrinc``
  invert cdflib's own noncentral F distribution function, good to about 1e-4
  relative (so their values differ from the exact inverse by up to about 1e-4,
  and their finite differences from the derivatives here, the exact inverse's,
  by as much); ``nctdtridf`` and ``nctdtrinc`` are good to about 1e-8.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ..core import Tracer, UnsupportedFunctionError
from .arithmetic import where
from .jets import elementwise
from .nondiff import greater
from .special_stat import _inverse, _ncfdtr_partials, _nctdtr_partials
from .unary import UNARY

__all__ = ["MORE_FUNCTIONS", "airye"]

#: name -> the osculate function with SciPy's signature (registered for
#: ``__array_ufunc__`` dispatch by :mod:`osculate.ad.numpy_dispatch` and
#: exported by :mod:`osculate.scipy.special`).
MORE_FUNCTIONS: dict = {}


# =========================================================================== the scaled Airy functions


def _airye_part(k):
    def impl(x):
        return special.airye(x)[k][()]

    return impl


def _airye_rule(name):
    """``eAi' = eAip + √z eAi``, ``eAip' = z eAi + √z eAip`` and, with ``-√z``, the same for ``eBi``;
    ``√z`` read as 0 for ``z ≤ 0``."""
    sign = 1.0 if name.startswith("a") else -1.0

    def d(i, args, out):
        z = args[0]
        positive = greater(z, 0.0)
        root = where(positive, UNARY["sqrt"].bind(where(positive, z, 1.0)), 0.0)
        value, slope = name.rstrip("p"), name.rstrip("p") + "p"
        first = _AIRYE[slope].bind(z) if name == value else z * _AIRYE[value].bind(z)
        return first + sign * root * _AIRYE[name].bind(z)

    return d


_AIRYE = {name: elementwise(f"airye_{name}", _airye_part(k), _airye_rule(name))
          for k, name in enumerate(("ai", "aip", "bi", "bip"))}
airye_ai_p, airye_aip_p, airye_bi_p, airye_bip_p = (_AIRYE[n] for n in ("ai", "aip", "bi", "bip"))


def airye(z):
    """``scipy.special.airye(z) -> (eAi, eAip, eBi, eBip)`` for real ``z``: the exponentially scaled
    Airy functions and their derivatives (``eAi = Ai e^ζ``, ``eBi = Bi e^(-|Re ζ|)``, ``ζ = (2/3)
    z^(3/2)``), SciPy's values (nan for ``eAi``, ``eAip`` at ``z < 0``), each differentiable to every
    order (at ``z = 0`` the first derivative only).

    >>> import numpy as np, osculate as osc
    >>> eai, eaip, ebi, ebip = airye(2.0)
    >>> bool(np.isclose(osc.grad(lambda t: airye(t)[0])(np.float64(2.0)), eaip + np.sqrt(2.0) * eai))
    True
    """
    if isinstance(z, Tracer) and np.dtype(z.dtype).kind == "c":
        raise UnsupportedFunctionError("scipy.special.airye: complex z is not supported on traced values "
                                       "(real z only)")
    return tuple(_AIRYE[n].bind(z) for n in ("ai", "aip", "bi", "bip"))


# =========================================================================== the noncentral inverses


def _bind(p):
    return lambda *args: p.bind(*args)


for _name, _forward, _at in (
    ("ncfdtridfd", _ncfdtr_partials, 1), ("ncfdtridfn", _ncfdtr_partials, 0), ("ncfdtrinc", _ncfdtr_partials, 2),
    ("nctdtridf", _nctdtr_partials, 0), ("nctdtrinc", _nctdtr_partials, 1),
):
    MORE_FUNCTIONS[_name] = _bind(_inverse(_name, _forward, _at))


# =========================================================================== the table

MORE_FUNCTIONS["airye"] = airye
