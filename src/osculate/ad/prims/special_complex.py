"""``scipy.special`` functions with complex values: Lambert's W, Faddeeva's
``wofz``, the Hankel functions, the Kelvin functions as complex numbers and
the modified Fresnel integrals.

Each value is SciPy's own; the derivatives are holomorphic (``z`` complex or
real, the output complex) and written with primitives, so every order and
nesting works, with the convention of every complex primitive here (the
tangent is ``f'(z) dz``, the cotangent ``f'(z) ct``):

* ``lambertw(z, k=0, tol=1e-8)``: ``W' = 1 / (e^W (1 + W))`` on every branch
  ``k`` (a constant), which is ``W / (z (1 + W))`` away from ``z = 0`` and 1
  there; infinite at the branch point ``z = -1/e``.
* ``wofz(z)``: ``w' = -2 z w + 2i/√π``.
* ``hankel1(v, z)``, ``hankel2(v, z)``: ``H' = (H_(v-1) - H_(v+1)) / 2``;
  the exponentially scaled ``hankel1e = H⁽¹⁾ e^(-iz)``, ``hankel2e = H⁽²⁾
  e^(iz)`` add ``∓ i`` times themselves.  The order ``v`` is a constant.
* ``kelvin(x) = (ber + i bei, ker + i kei, ber' + i bei', ker' + i kei')``,
  from the real Kelvin primitives.
* ``modfresnelp(x) = (F₊, K₊)`` with ``F₊ = ∫_x^∞ e^(it²) dt`` and ``K₊ = F₊
  e^(-i(x² + π/4)) / √π``: ``F₊' = -e^(ix²)``, ``K₊' = -e^(-iπ/4)/√π - 2ix K₊``;
  ``modfresnelm`` the same with ``-i`` for ``i``.  ``x`` is real; SciPy's
  values for ``x < 0`` do not follow the integral (their finite differences
  disagree with ``-e^(±ix²)``), so the derivatives there are nan.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from .arithmetic import where
from .jets import constant_argument as _constant
from .jets import elementwise
from .jets import reads_output as _reads_output
from .special_misc import _bind, ber_p, bei_p, beip_p, berp_p, kei_p, keip_p, ker_p, kerp_p
from .unary import UNARY

__all__ = ["COMPLEX_FUNCTIONS", "lambertw", "kelvin", "modfresnelp", "modfresnelm"]

#: name -> the osculate function with SciPy's signature (registered for
#: ``__array_ufunc__`` dispatch by :mod:`osculate.ad.numpy_dispatch` and
#: exported by :mod:`osculate.scipy.special`).
COMPLEX_FUNCTIONS: dict = {}

_exp = UNARY["exp"].bind
_TWO_I_OVER_SQRT_PI = 2j / math.sqrt(math.pi)
_INV_SQRT_PI = 1.0 / math.sqrt(math.pi)



# =========================================================================== Lambert W, Faddeeva w

lambertw_p = _reads_output(elementwise(
    "lambertw", lambda z, k=0, tol=1e-8: special.lambertw(z, k, tol),
    lambda i, args, out, **params: 1.0 / (_exp(out) * (1.0 + out))))


def lambertw(z, k=0, tol=1e-8):
    """Lambert's W on branch ``k`` (an integer constant), as :func:`scipy.special.lambertw`
    (complex); differentiable in ``z``.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.special import lambertw
    >>> complex(lambertw(0.0))
    0j
    >>> float(osc.grad(lambda x: np.real(lambertw(x)))(0.0))  # W'(0) = 1
    1.0
    """
    if isinstance(k, np.ndarray) and k.ndim == 0 or isinstance(k, (int, np.integer)):
        return lambertw_p.bind(z, k=int(k), tol=float(tol))
    raise TypeError(f"osculate.scipy.special.lambertw: the branch k must be an integer, got {k!r}")


wofz_p = _reads_output(elementwise(
    "wofz", special.wofz, lambda i, args, out, **params: _TWO_I_OVER_SQRT_PI - 2.0 * args[0] * out))


# =========================================================================== Hankel functions


def _hankel(name, fn, scaled_sign):
    """``H_v(z)`` (``scaled_sign = 0``) or its scaled form (``H e^(∓iz)``: ``scaled_sign = ∓1``)."""

    def partials(i, args, out, **params):
        if i == 0:
            return _constant(name, "the order v")()
        v, z = args
        d = 0.5 * (p.bind(v - 1.0, z) - p.bind(v + 1.0, z))
        return d + (1j * scaled_sign) * p.bind(v, z) if scaled_sign else d

    p = elementwise(name, fn, partials)
    return p


hankel1_p = _hankel("hankel1", special.hankel1, 0)
hankel2_p = _hankel("hankel2", special.hankel2, 0)
hankel1e_p = _hankel("hankel1e", special.hankel1e, -1)
hankel2e_p = _hankel("hankel2e", special.hankel2e, 1)


# =========================================================================== Kelvin, modified Fresnel


def kelvin(x):
    """``(Be, Ke, Bep, Kep)``: ``ber + i bei``, ``ker + i kei`` and their derivatives,
    as :func:`scipy.special.kelvin`, from the real Kelvin primitives.

    >>> import numpy as np
    >>> from osculate.scipy.special import kelvin
    >>> complex(kelvin(0.0)[0])
    (1+0j)
    """
    return (ber_p.bind(x) + 1j * bei_p.bind(x), ker_p.bind(x) + 1j * kei_p.bind(x),
            berp_p.bind(x) + 1j * beip_p.bind(x), kerp_p.bind(x) + 1j * keip_p.bind(x))


def _fresnel_part(sign, index):
    """``F`` (``index = 0``: ``F' = -e^(±ix²)``) or ``K`` (``index = 1``: ``K' = -e^(∓iπ/4)/√π ∓ 2ix K``)
    of ``modfresnelp`` (``sign = 1``) or ``modfresnelm`` (``sign = -1``)."""
    fn = special.modfresnelp if sign > 0 else special.modfresnelm
    phase = complex(np.exp(-sign * 1j * math.pi / 4.0)) * _INV_SQRT_PI

    def partials(i, args, out, **params):
        x = args[0]
        d = -_exp((sign * 1j) * (x * x)) if index == 0 else -phase - (sign * 2j) * x * out
        return where(x < 0.0, np.nan, d)  # (SciPy's values for x < 0 are not the integral's)

    p = elementwise(f"{fn.__name__}_{'fk'[index]}", lambda x: fn(x)[index], partials)
    return _reads_output(p) if index else p


_FRESNEL = {(s, k): _fresnel_part(s, k) for s in (1, -1) for k in (0, 1)}


def modfresnelp(x):
    """``(F₊, K₊)``: ``∫_x^∞ e^(it²) dt`` and ``F₊ e^(-i(x² + π/4)) / √π``, as
    :func:`scipy.special.modfresnelp`.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.special import modfresnelp
    >>> complex(osc.jacfwd(lambda x: modfresnelp(x)[0])(0.0)) + 0j  # -e^(i·0)
    (-1+0j)
    """
    return _FRESNEL[1, 0].bind(x), _FRESNEL[1, 1].bind(x)


def modfresnelm(x):
    """``(F₋, K₋)``: ``∫_x^∞ e^(-it²) dt`` and ``F₋ e^(i(x² + π/4)) / √π``, as
    :func:`scipy.special.modfresnelm`.

    >>> import numpy as np
    >>> from osculate.scipy.special import modfresnelm
    >>> bool(np.isclose(modfresnelm(0.0)[0], np.sqrt(np.pi / 2) * (1 - 1j) / 2))
    True
    """
    return _FRESNEL[-1, 0].bind(x), _FRESNEL[-1, 1].bind(x)


COMPLEX_FUNCTIONS.update({
    "lambertw": lambertw, "wofz": _bind(wofz_p), "hankel1": _bind(hankel1_p), "hankel2": _bind(hankel2_p),
    "hankel1e": _bind(hankel1e_p), "hankel2e": _bind(hankel2e_p), "kelvin": kelvin, "modfresnelp": modfresnelp,
    "modfresnelm": modfresnelm,
})
