"""More of ``scipy.special`` as primitives: the Voigt profile, Struve, spherical
Bessel and Kelvin functions, Carlson's elliptic integrals and a few others.

Every function's value is SciPy's own; its derivatives are written with
primitives (so every order and every nesting works), from these rules:

* ``voigt_profile(x, σ, γ) = Re w(z) / (σ √(2π))``, ``z = (x + iγ) / (σ √2)``,
  ``w`` Faddeeva's function (``wofz``).  ``w`` is entire, with ``w'(z) = -2z
  w(z) + 2i/√π``, so ``∂x V = Re w'(z) / (2√π σ²)``, ``∂γ V = -Im w'(z) / (2√π
  σ²)`` and ``∂σ V = Re w''(z) / (2√(2π) σ²)`` (the heat equation ``∂σ V = σ
  ∂²ₓV``): no difference of large terms, in the Lorentzian regime (``σ ≪ γ``)
  as elsewhere.  ``Re w⁽ⁿ⁾`` and ``Im w⁽ⁿ⁾`` at ``(a, b) = (Re z, Im z)`` are
  the family of primitives ``faddeeva_re``/``faddeeva_im`` ``(a, b; n)``, with
  ``∂a = w⁽ⁿ⁺¹⁾``, ``∂b = i w⁽ⁿ⁺¹⁾``.  Their numbers: for ``|z| ≤ 2`` the
  recurrence ``w⁽ᵏ⁺¹⁾ = -2z w⁽ᵏ⁾ - 2k w⁽ᵏ⁻¹⁾`` from ``wofz``; up to ``|z| = 8``
  Cauchy's integral on a circle of radius ``0.3 |z|`` (64 points of ``wofz``,
  less ``e^(-z²)``, added back exactly, near the real axis); beyond, Laplace's
  continued fraction in truncated Taylor arithmetic; within ``0.01`` of the
  real axis, the Taylor series in ``Im z`` about it, whose real parts
  ``(e^(-a²))⁽ᵏ⁾`` are exact (so the Gaussian tails keep their relative
  accuracy); below the axis ``w(z) = 2e^(-z²) - w(-z)``.  Measured against
  mpmath: ``w⁽ⁿ⁾`` to 1e-13 relative for ``n ≤ 3``.  ``γ = 0`` (the Gaussian)
  needs no case of its own; at ``σ = 0`` SciPy's value is the Lorentzian
  ``L = γ / (π (x² + γ²))``, and so are the derivatives in ``x`` and ``γ``;
  the one in ``σ`` is its limit 0, written ``σ ∂²ₓL`` so that the second
  derivative in ``σ`` is right there too (``V`` is even in ``σ`` about
  ``σ = 0⁺``: ``V = L + σ²/2 ∂²ₓL + …``); higher ones at exactly ``σ = 0``
  are not.  ``σ = γ = 0``: derivatives nan where SciPy's value is inf.
* ``struve(v, x)``, ``modstruve(v, x)``: ``H'ᵥ = H_(v-1) - (v/x) Hᵥ``, ``L'ᵥ =
  L_(v-1) - (v/x) Lᵥ``; at ``x = 0`` the limit (``2/π`` for ``v = 0``, 0 for
  ``v > 0``), higher derivatives there are not.  ``v`` is a constant.
* ``spherical_jn``, ``spherical_yn``, ``spherical_in``, ``spherical_kn`` ``(n,
  z, derivative=False)``: the derivative is SciPy's own ``derivative=True``
  (a primitive), whose derivative is the recurrence ``f'ₙ = (n f_(n-1) -
  (n+1) f_(n+1)) / (2n+1)`` (``j``, ``y``; ``+`` for ``i``, ``-(…+…)`` for
  ``k``), regular at ``z = 0``.  ``n`` is an integer, a constant.  SciPy's
  functions are Python functions that convert ``z`` with ``np.asarray``:
  call ``osculate.scipy.special.spherical_jn`` (the same signature) instead.
* Kelvin's ``ber``, ``bei``, ``ker``, ``kei`` and their derivatives ``berp``,
  ``beip``, ``kerp``, ``keip``; the second derivatives from Kelvin's equation
  ``f'' = -f'/x + i f`` (``f = ber + i bei`` or ``ker + i kei``): ``ber'' =
  -ber'/x - bei``, ``bei'' = -bei'/x + ber``; at ``x = 0`` the limits (0 and
  1/2), higher derivatives there are not.
* ``zetac(x) = ζ(x) - 1`` (the derivative of ``ζ``, :mod:`.bessel`),
  ``hyp0f1(b, z)`` in both arguments (``∂z = hyp0f1(b+1, z) / b``; ``∂b`` by
  its series for ``|z| ≤ 10``, beyond by ``Γ(b) z^((1-b)/2) I_(b-1)(2√z)``
  (``J`` for ``z < 0``) and the Bessel functions' derivative in the order),
  ``betaincc = 1 - betainc`` and its inverse ``betainccinv`` in every argument
  (:mod:`.incomplete`, the implicit function theorem for the inverse),
  ``ndtri_exp(y)`` (the inverse of ``log_ndtr``: ``1 / log_ndtr'(x)`` at the
  output, by the continued fraction in the far tail).
* Carlson's ``elliprf``, ``elliprd``, ``elliprc``, ``elliprg``, ``elliprj``:
  the partial derivatives of ``R_F``, ``R_D`` and ``R_J`` are families of
  primitives ``elliprf_d(x, y, z; i, j, k)`` … , each member computed by
  Carlson's duplication algorithm in truncated Taylor arithmetic in all
  arguments (:mod:`.jets`): exact at coinciding arguments, where the
  closed forms (``∂x R_D = (R_D(y,z,x) - R_D(x,y,z)) / (2(x-z))``) are 0/0.
  ``R_C(x, y) = R_F(x, y, y)`` (``y < 0``: its Cauchy principal value
  ``√(x/(x-y)) R_C(x-y, -y)``); ``∂z R_G = (3R_F - z R_D(x, y, z)) / 12`` and
  permutations.  ``R_J`` for ``p < 0`` (its principal value) through DLMF
  19.20.14, in the same arithmetic.  The derivative in an argument that is 0
  (``R_F(0, y, z)``, the complete integrals) is infinite: nan, the others
  exact.  Measured against mpmath: 1e-15 relative to second order.
* ``agm(a, b) = π / (2 R_F(0, a², b²))``: ``∂a = 2|a| M² R_D(0, b², a²) /
  (3π)``, likewise in ``b``.
* ``round`` (piecewise constant: derivative 0), ``radian(d, m, s)`` (linear),
  ``diric(x, n)`` (SciPy's Python function: ``sin(nx/2) / (n sin(x/2))``
  written with primitives, ``n`` an integer constant; where ``|sin(x/2)|`` is
  below ``1e-7`` SciPy's value is the limit ``±1``, with the derivatives of
  the even series ``±(1 - (n²-1)h²/24 + (3n⁴-10n²+7)h⁴/5760)`` about it;
  nan, derivatives too, for ``n`` not a positive integer).
* ``airy(z) -> (Ai, Aip, Bi, Bip)`` for real ``z``: four primitives
  ``airy_ai``, ``airy_aip``, ``airy_bi``, ``airy_bip`` with ``Ai' = Aip``,
  ``Aip' = z Ai`` (Airy's equation), likewise for ``Bi``.
* ``ellipj(u, m) -> (sn, cn, dn, ph)``: four primitives ``ellipj_sn`` … in
  both arguments.  In ``u``: ``sn' = cn dn``, ``cn' = -sn dn``, ``dn' = -m sn
  cn``, ``ph' = dn``.  In ``m``, holding ``u = F(ph|m)`` fixed: ``∂m ph = (dn
  ((1-m) u - E(ph|m)) + m sn cn) / (2m(1-m))`` (``E`` the incomplete integral
  ``ellipeinc``, a primitive), then ``∂m sn = cn ∂m ph``, ``∂m cn = -sn ∂m
  ph``, ``∂m dn = -(sn² + 2m sn cn ∂m ph) / (2 dn)``.  At ``m = 0`` the first
  derivative in ``m`` is the limit (``∂m ph = -(2u - sin 2u) / 8``), higher
  ones there are not exact; at ``m = 1`` the derivatives in ``m`` are nan.
  For small ``m`` the closed form loses digits to cancellation (relative
  error about ``1e-16 / m``).
* ``comb(N, k, *, exact=False, repetition=False)`` and ``perm(N, k,
  exact=False)``, SciPy's Python functions: ``binom(N, k)`` and ``poch(N - k +
  1, k)`` where ``0 <= k <= N``, 0 elsewhere (``repetition``: ``binom(N + k -
  1, k)``, 1 for ``k = 0``, ``N >= 0``), written with those primitives and
  ``where``; ``exact=True`` (a Python integer) refuses traced values.  SciPy's
  functions convert their inputs with ``np.asarray``: call
  ``osculate.scipy.special.comb`` / ``perm`` (the same signatures) instead.

The one-argument functions (Kelvin's, ``zetac``, ``ndtri_exp``) are primitives
of the n-ary factory (:func:`.jets.elementwise`), reached from SciPy's ufuncs
through ``__array_ufunc__`` and exported by ``osculate.scipy.special``, not
members of ``osculate.numpy``'s unary family.
"""

from __future__ import annotations

import collections
import math
import threading

import numpy as np
from scipy import special

from .. import sparsity
from ..core import UnsupportedFunctionError, Tracer
from .arithmetic import stop_gradient, where
from .bessel import _riemann_zeta_d
from .incomplete import _betainc_d_partials
from .jets import constant_argument as _constant
from .jets import elementwise, jmul, jrecip, power_series
from .jets import reads_output as _reads_output
from .bessel import bessel_dv
from .nondiff import NONDIFF, equal, greater, nondiff
from .special import SPECIAL2, _log_ndtr_d
from .special_extra import binom_p, ellipeinc_p, poch_p
from .unary import UNARY

__all__ = ["MISC_FUNCTIONS", "faddeeva_d", "diric", "spherical_jn", "spherical_yn", "spherical_in",
           "spherical_kn", "airy", "ellipj", "comb", "perm"]

#: name -> the osculate function with SciPy's signature (registered for
#: ``__array_ufunc__`` dispatch by :mod:`osculate.ad.numpy_dispatch` and
#: exported by :mod:`osculate.scipy.special`).
MISC_FUNCTIONS: dict = {}

_SQRT_PI = math.sqrt(math.pi)
_ISPI = 1.0 / _SQRT_PI


def _u(name):
    return UNARY[name].bind



def _is_traced(x):
    return isinstance(x, Tracer)


# =========================================================================== Faddeeva w⁽ⁿ⁾ (plain NumPy)

_NEAR, _FAR = 2.0, 8.0  # |z| up to which the recurrence, then Cauchy's integral, then the continued fraction
_POINTS = 64  # points on Cauchy's circle
_AXIS = 0.01  # within it of the real axis, the Taylor series in Im z about the axis
_AXIS_TERMS = 10
_TAN20 = math.tan(math.radians(20.0))
_FACTORIAL = np.array([math.factorial(k) for k in range(60)], dtype=float)


def _gaussian_d(z, order):
    """``[dᵐ/dzᵐ e^(-z²) for m ≤ order] = (-1)ᵐ Hₘ(z) e^(-z²)`` (Hermite's recurrence)."""
    e = np.exp(-z * z)
    out = [e]
    h0, h = np.ones_like(z), 2.0 * z
    if order >= 1:
        out.append(-h * e)
    for k in range(1, order):
        h0, h = h, 2.0 * z * h - 2.0 * k * h0
        out.append((-1.0) ** (k + 1) * h * e)
    return np.stack(out)


def _series_reciprocal(s, order):
    out = np.zeros_like(s)
    out[0] = 1.0 / s[0]
    for k in range(1, order + 1):
        acc = s[1] * out[k - 1]
        for j in range(2, k + 1):
            acc = acc + s[j] * out[k - j]
        out[k] = -acc * out[0]
    return out


def _by_recurrence(z, order):
    w0 = special.wofz(z)
    out = [w0]
    if order:
        w1 = -2.0 * z * w0 + 2j * _ISPI
        out.append(w1)
        for k in range(1, order):
            w0, w1 = w1, -2.0 * z * w1 - 2.0 * k * w0
            out.append(w1)
    return np.stack(out)


def _by_cauchy(z, order):
    """Cauchy's integral ``w⁽ᵐ⁾(z) = m! / (2πi) ∮ w(ζ) / (ζ - z)^(m+1) dζ`` by the trapezoid rule
    on the circle of radius ``0.3 |z|``.  Near the real axis (``|Im z| < tan 20° |Re z|``) the
    circle stays where ``Re ζ² > 0`` and the integrand is ``w - e^(-ζ²)`` (whose Taylor
    coefficients decay like those of ``1/ζ``), ``e^(-z²)``'s derivatives added exactly; above,
    the circle stays in the upper half-plane, where ``w`` alone is small."""
    theta = 2.0 * np.pi * np.arange(_POINTS) / _POINTS
    r = 0.3 * np.abs(z)
    zeta = z[:, None] + r[:, None] * np.exp(1j * theta)
    sector = np.abs(z.imag) < _TAN20 * np.abs(z.real)
    values = special.wofz(zeta) - np.where(sector[:, None], np.exp(-zeta * zeta), 0.0)
    out = [special.wofz(z)]
    for m in range(1, order + 1):
        s = np.mean(values * np.exp(-1j * m * theta), axis=-1) * (_FACTORIAL[m] / r ** m)
        out.append(s + np.where(sector, _gaussian_d(z, m)[m], 0.0))
    return np.stack(out)


def _by_continued_fraction(z, order):
    """Laplace's continued fraction ``w = (i/√π) / (z - (1/2) / (z - 1 / (z - (3/2) / …)))``
    in Taylor arithmetic in ``z`` (Poppe and Wijers' number of terms, plus a few per order)."""
    rho = np.hypot(z.real / 6.3, z.imag / 4.4)
    terms = int(np.max(np.floor(3.0 + 1442.0 / (26.0 * rho + 77.0)), initial=0.0)) + 4 + 2 * order
    Z = np.zeros((order + 1,) + z.shape, dtype=complex)
    Z[0] = z
    if order:
        Z[1] = 1.0
    t = np.zeros_like(Z)
    for k in range(terms, 0, -1):
        t = (0.5 * k) * _series_reciprocal(Z - t, order)
    w = 1j * _ISPI * _series_reciprocal(Z - t, order)
    return w * _FACTORIAL[:order + 1].reshape((-1,) + (1,) * z.ndim)


def _upper(z, order):
    """``w⁽ᵐ⁾(z)`` for ``m ≤ order``, ``Im z ≥ 0`` (1-d ``z``), accurate relative to ``|w⁽ᵐ⁾|``."""
    out = np.empty((order + 1,) + z.shape, dtype=complex)
    size = np.abs(z)
    for mask, method in ((size <= _NEAR, _by_recurrence), ((size > _NEAR) & (size <= _FAR), _by_cauchy),
                         (size > _FAR, _by_continued_fraction)):
        if mask.any():
            out[:, mask] = method(z[mask], order)
    return out


def _faddeeva(a, b, n):
    """``w⁽ⁿ⁾(a + ib)`` (complex, NumPy)."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    shape = a.shape
    a, b = a.ravel(), b.ravel()
    out = np.full(a.shape, np.nan + 0j)
    ok = np.isfinite(a) & np.isfinite(b)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        z = a[ok] + 1j * b[ok]
        lower = z.imag < 0
        u = np.where(lower, -z, z)
        w = _upper(u, n)[n]
        near = u.imag < _AXIS
        if near.any():
            # w⁽ⁿ⁾(a + ib) = Σₖ (ib)ᵏ/k! w⁽ⁿ⁺ᵏ⁾(a), with Re w⁽ᵐ⁾(a) = (e^(-a²))⁽ᵐ⁾ exactly: the real
            # parts keep their relative accuracy (they are tiny in the Gaussian tails)
            ar, br = u.real[near], u.imag[near]
            top = n + _AXIS_TERMS
            E = _gaussian_d(ar, top)
            J = _upper(ar + 0j, top).imag
            re, im, power = np.zeros_like(ar), np.zeros_like(ar), np.ones_like(ar)
            for k in range(_AXIS_TERMS + 1):
                c, s = ((1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0))[k % 4]  # iᵏ
                re = re + power * (c * E[n + k] - s * J[n + k])
                im = im + power * (c * J[n + k] + s * E[n + k])
                power = power * br / (k + 1)
            w[near] = re + 1j * im
        # on the imaginary axis w⁽ⁿ⁾ is real for even n, imaginary for odd n
        w = np.where(u.real == 0, w.real + 0j if n % 2 == 0 else 1j * w.imag, w)
        if lower.any():
            w = np.where(lower, 2.0 * _gaussian_d(z, n)[n] - (-1.0) ** n * w, w)
    out[ok] = w
    return out.reshape(shape)


def _faddeeva_part(part):
    def impl(a, b, n):
        w = _faddeeva(a, b, n)
        return (w.real if part == "re" else w.imag)[()]

    return impl


# Re w⁽ⁿ⁾ and Im w⁽ⁿ⁾ as functions of (a, b): ∂a w⁽ⁿ⁾ = w⁽ⁿ⁺¹⁾, ∂b w⁽ⁿ⁾ = i w⁽ⁿ⁺¹⁾
faddeeva_re_p = elementwise(
    "faddeeva_re", _faddeeva_part("re"),
    lambda i, args, out, n: faddeeva_re_p.bind(*args, n=n + 1) if i == 0 else -faddeeva_im_p.bind(*args, n=n + 1))
faddeeva_im_p = elementwise(
    "faddeeva_im", _faddeeva_part("im"),
    lambda i, args, out, n: (faddeeva_im_p if i == 0 else faddeeva_re_p).bind(*args, n=n + 1))


def faddeeva_d(a, b, n=1):
    """``(Re w⁽ⁿ⁾(a + ib), Im w⁽ⁿ⁾(a + ib))``, ``w`` Faddeeva's function (``scipy.special.wofz``):
    differentiable in ``a`` and ``b`` to every order.

    >>> import numpy as np
    >>> re, im = faddeeva_d(np.float64(0.5), np.float64(0.0), 1)  # w' = -2z w + 2i/√π on the real axis
    >>> bool(np.isclose(re, -np.exp(-0.25)))
    True
    """
    return faddeeva_re_p.bind(a, b, n=int(n)), faddeeva_im_p.bind(a, b, n=int(n))


# =========================================================================== the Voigt profile

_INV_SQRT2 = 1.0 / math.sqrt(2.0)


def _voigt_partials(i, args, out):
    x, s, g = args
    lorentz = equal(s, 0.0)
    ss = where(lorentz, 1.0, s)
    a, b = x * (_INV_SQRT2 / ss), g * (_INV_SQRT2 / ss)
    s2 = ss * ss
    # σ = 0: SciPy's Lorentzian L = γ / (π r²), r² = x² + γ²
    r2 = x * x + g * g
    bad = equal(r2, 0.0)
    rs = where(bad, 1.0, r2)
    if i == 0:
        general = faddeeva_re_p.bind(a, b, n=1) / ((2.0 * _SQRT_PI) * s2)
        limit = (-2.0 / math.pi) * g * x / (rs * rs)
    elif i == 2:
        general = -faddeeva_im_p.bind(a, b, n=1) / ((2.0 * _SQRT_PI) * s2)
        limit = (x * x - g * g) / (math.pi * rs * rs)
    else:
        general = faddeeva_re_p.bind(a, b, n=2) / ((2.0 * math.sqrt(2.0 * math.pi)) * s2)
        limit = s * ((2.0 / math.pi) * g * (3.0 * x * x - g * g) / (rs * rs * rs))  # σ ∂²ₓL: 0, and ∂σ of it ∂²ₓL
    return where(lorentz, where(bad, np.nan, limit), general)


voigt_profile_p = elementwise("voigt_profile", special.voigt_profile, _voigt_partials)


# =========================================================================== Struve functions


def _struve_dx(name):
    def d(i, args, out):
        if i == 0:
            _constant(f"{name}(v, x)", "the order v")()
        v, x = args
        p = _STRUVE[name]
        zero_x = equal(x, 0.0)
        xs = where(zero_x, 1.0, x)
        general = p.bind(v - 1.0, xs) - v / xs * p.bind(v, xs)
        # x = 0: H'ᵥ(0) = 2/π for v = 0, 0 for v > 0, +inf for -1 < v < 0 (Hᵥ ~ x^(v+1)); nan below
        limit = where(equal(v, 0.0), 2.0 / math.pi,
                      where(greater(v, 0.0), 0.0, where(greater(v, -1.0), np.inf, np.nan)))
        return where(zero_x, limit, general)

    return d


struve_p = elementwise("struve", special.struve, _struve_dx("struve"))
modstruve_p = elementwise("modstruve", special.modstruve, _struve_dx("modstruve"))
_STRUVE = {"struve": struve_p, "modstruve": modstruve_p}


# =========================================================================== spherical Bessel functions

_SPHERICAL = {}  # "jn" -> (primitive of the function, primitive of its derivative)


def _spherical_recurrence(kind):
    """``f'ₙ = cₙ (n f_(n-1) ± (n+1) f_(n+1)) / (2n+1)`` for the ``derivative`` primitive
    (``f_(-1)`` does not occur: ``n = 0`` has the factor ``n``)."""
    lower_sign, overall = {"jn": (1.0, 1.0), "yn": (1.0, 1.0), "in": (1.0, 1.0), "kn": (1.0, -1.0)}[kind]
    upper_sign = -1.0 if kind in ("jn", "yn") else 1.0

    def d(i, args, out):
        if i == 0:
            _constant(f"spherical_{kind}(n, z)", "the order n")()
        n, z = args
        n = np.asarray(n)
        deriv = _SPHERICAL[kind][1]
        with np.errstate(invalid="ignore", divide="ignore"):
            c_lo = np.where(n < 0, np.nan, overall * lower_sign * n / (2.0 * n + 1.0))
            c_hi = np.where(n < 0, np.nan, overall * upper_sign * (n + 1.0) / (2.0 * n + 1.0))
        below = np.maximum(n - 1, 0)
        return c_lo * deriv.bind(below, z) + c_hi * deriv.bind(n + 1, z)

    return d


def _spherical_dz(kind):
    def d(i, args, out):
        if i == 0:
            _constant(f"spherical_{kind}(n, z)", "the order n")()
        return _SPHERICAL[kind][1].bind(*args)

    return d


def _spherical_impl(fn, derivative):
    return lambda n, z: fn(n, z, derivative)


def _spherical_pair(kind):
    fn = getattr(special, f"spherical_{kind}")
    _SPHERICAL[kind] = (elementwise(f"spherical_{kind}", _spherical_impl(fn, False), _spherical_dz(kind)),
                        elementwise(f"spherical_{kind}_d", _spherical_impl(fn, True), _spherical_recurrence(kind)))
    return _SPHERICAL[kind]


spherical_jn_p, spherical_jn_d_p = _spherical_pair("jn")
spherical_yn_p, spherical_yn_d_p = _spherical_pair("yn")
spherical_in_p, spherical_in_d_p = _spherical_pair("in")
spherical_kn_p, spherical_kn_d_p = _spherical_pair("kn")


def _spherical(kind):
    value_p, derivative_p = _SPHERICAL[kind]

    def fn(n, z, derivative=False):
        if _is_traced(n):
            _constant(f"spherical_{kind}(n, z)", "the order n (an integer)")()
        n = np.asarray(n, dtype=np.dtype("long"))
        return (derivative_p if derivative else value_p).bind(n, z)

    fn.__name__ = f"spherical_{kind}"
    fn.__doc__ = (f"``scipy.special.spherical_{kind}(n, z, derivative=False)``, differentiable in ``z`` "
                  "to every order (``n`` an integer constant).")
    return fn


spherical_jn = _spherical("jn")
spherical_yn = _spherical("yn")
spherical_in = _spherical("in")
spherical_kn = _spherical("kn")


# =========================================================================== Kelvin functions


def _kelvin_second(prime, other, sign, at_zero):
    """``f'' = -f'/x + sign · g`` (Kelvin's equation), with the limit ``at_zero`` at ``x = 0``."""

    def d(i, args, out):
        (x,) = args
        zero_x = equal(x, 0.0)
        xs = where(zero_x, 1.0, x)
        return where(zero_x, at_zero, -_ONE_ARG[prime].bind(xs) / xs + sign * _ONE_ARG[other].bind(xs))

    return d


def _derivative_is(name):
    return lambda i, args, out: _ONE_ARG[name].bind(*args)


# (one-argument primitives of the n-ary factory, not of osculate.numpy's unary family)
ber_p = elementwise("ber", special.ber, _derivative_is("berp"))
bei_p = elementwise("bei", special.bei, _derivative_is("beip"))
ker_p = elementwise("ker", special.ker, _derivative_is("kerp"))
kei_p = elementwise("kei", special.kei, _derivative_is("keip"))
berp_p = elementwise("berp", special.berp, _kelvin_second("berp", "bei", -1.0, 0.0))
beip_p = elementwise("beip", special.beip, _kelvin_second("beip", "ber", 1.0, 0.5))
kerp_p = elementwise("kerp", special.kerp, _kelvin_second("kerp", "kei", -1.0, np.nan))
keip_p = elementwise("keip", special.keip, _kelvin_second("keip", "ker", 1.0, np.nan))


# =========================================================================== zetac, hyp0f1, ndtri_exp

zetac_p = elementwise("zetac", special.zetac, lambda i, args, out: _riemann_zeta_d(args[0], None))
# ndtri_exp(y) = x with log_ndtr(x) = y: dx/dy = 1 / log_ndtr'(x), whose form reads log_ndtr(x) = y itself
ndtri_exp_p = elementwise("ndtri_exp", special.ndtri_exp, lambda i, args, out: 1.0 / _log_ndtr_d(out, args[0]))
_reads_output(ndtri_exp_p)  # the partial reads the output
_ONE_ARG = {p.name: p for p in (ber_p, bei_p, ker_p, kei_p, berp_p, beip_p, kerp_p, keip_p, zetac_p, ndtri_exp_p)}


_HYP0F1_SERIES = 10.0  # |z| up to which ∂b is the power series (beyond: the Bessel functions)
_HYP0F1_TERMS = 48


def _hyp0f1_db(b, z):
    """``∂b ₀F₁(; b; z)``.  For ``|z| ≤ 10`` the series ``-Σₙ zⁿ / (n! (b)ₙ) Σ_(k<n) 1/(b+k)``
    (48 terms); beyond, ``₀F₁ = Γ(b) z^((1-b)/2) I_(b-1)(2√z)`` (``J`` and ``-z`` for ``z < 0``)
    differentiated with the Bessel functions' derivative in the order (:mod:`.bessel`), ``I``
    scaled (``ive``) against overflow."""
    small = NONDIFF["less_equal"].bind(_u("abs")(z), _HYP0F1_SERIES)
    zs = where(small, z, 0.0)
    term, harmonic, total = 1.0, 0.0, 0.0
    for n in range(1, _HYP0F1_TERMS + 1):
        term = term * zs / (n * (b + (n - 1)))
        harmonic = harmonic + 1.0 / (b + (n - 1))
        total = total - term * harmonic
    positive = greater(z, 0.0)
    y = where(small, 2.0 * _HYP0F1_SERIES, _u("abs")(z))
    t = 2.0 * _u("sqrt")(y)
    v = b - 1.0
    half_log = 0.5 * _u("log")(y)
    scale = NONDIFF["gammasgn"].bind(b) * _u("exp")(_u("gammaln")(b) - v * half_log)
    modified = _u("exp")(t) * (SPECIAL2["ive"].bind(v, t) * (_u("digamma")(b) - half_log) + bessel_dv("ive", v, t))
    ordinary = SPECIAL2["jv"].bind(v, t) * (_u("digamma")(b) - half_log) + bessel_dv("jv", v, t)
    return where(small, total, scale * where(positive, modified, ordinary))


def _hyp0f1_partials(i, args, out):
    b, z = args
    return _hyp0f1_db(b, z) if i == 0 else hyp0f1_p.bind(b + 1.0, z) / b


hyp0f1_p = elementwise("hyp0f1", special.hyp0f1, _hyp0f1_partials)


# =========================================================================== betaincc and its inverse

betaincc_p = elementwise("betaincc", special.betaincc,
                         lambda i, args, out: -_betainc_d_partials(i, args, None))


def _betainccinv_partials(i, args, out):
    # x = betainccinv(a, b, y) solves betaincc(a, b, x) = y: ∂x/∂y = 1 / ∂ₓQ, ∂x/∂a = -∂ₐQ / ∂ₓQ
    a, b, y = args
    fargs = (a, b, out)
    dx = -_betainc_d_partials(2, fargs, None)
    d = 1.0 / dx if i == 2 else _betainc_d_partials(i, fargs, None) / dx
    return d + 0.0 * stop_gradient(out)  # nan where SciPy's value is (off the domain)


betainccinv_p = elementwise("betainccinv", special.betainccinv, _betainccinv_partials)
_reads_output(betainccinv_p)  # the partials read the output


# =========================================================================== Carlson's elliptic integrals
# The partial derivatives ∂ⁱ∂ʲ∂ᵏ of R_F(x, y, z), R_D(x, y, z) and ∂ⁱ∂ʲ∂ᵏ∂ˡ of R_J(x, y, z, p), by
# Carlson's duplication algorithm run in truncated Taylor arithmetic in every argument (one jet
# variable per argument); the series at the end is Carlson's (1995), reached once the deviations
# |Xᵢ| are below 1e-3 (its truncation error is then far below an ulp, in every coefficient, since
# the duplications shrink the deviations' derivatives by the same factor 4 per step).


def _plus(jet, c, nvars):
    """``jet + c`` (``c`` added to the value only)."""
    out = jet.copy()
    out[(0,) * nvars] = out[(0,) * nvars] + c
    return out


def _jsqrt(f, nvars):
    origin = (0,) * nvars
    c0 = f[origin]
    degree = sum(n - 1 for n in f.shape[:nvars]) + 1
    coef = [1.0]
    for m in range(1, degree):
        coef.append(coef[-1] * (0.5 - (m - 1)) / m)  # binom(1/2, m)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.sqrt(c0) * power_series(f / c0, coef, nvars)
        flat = f.reshape((-1,) + f.shape[nvars:])
        constant_zero = (c0 == 0) & np.all(flat[1:] == 0, axis=0) if flat.shape[0] > 1 else (c0 == 0)
    return np.where(constant_zero, 0.0, out)


def _jvariables(values, dims):
    """The jets of the arguments: ``values[i] + ε_i`` (no ``ε_i`` where ``dims[i] == 1``)."""
    nvars = len(dims)
    out = []
    for i, v in enumerate(values):
        jet = np.zeros(dims + v.shape)
        jet[(0,) * nvars] = v
        if dims[i] > 1:
            jet[tuple(1 if k == i else 0 for k in range(nvars))] = 1.0
        out.append(jet)
    return out


def _duplicate(args, nvars):
    """One duplication step: ``(λ, the arguments (t + λ) / 4)``, ``λ = Σ √tᵢ√tⱼ`` over the first three."""
    roots = [_jsqrt(t, nvars) for t in args[:3]]
    lam = jmul(roots[0], roots[1], nvars) + jmul(roots[1], roots[2], nvars) + jmul(roots[2], roots[0], nvars)
    return lam, roots


def _steps(args, A0):
    """The number of duplication steps after which ``4⁻ᵐ max|A0 - tᵢ| ≤ 1e-3 A_m`` for every
    element (run on the values alone; at most 60)."""
    spread = np.max(np.abs(np.stack(args) - A0), axis=0)
    t, A = list(args[:3]), A0
    with np.errstate(invalid="ignore"):
        for m in range(61):
            if not np.any(4.0 ** -m * spread > 1e-3 * A):
                return max(m, 1)
            roots = [np.sqrt(v) for v in t]
            lam = roots[0] * roots[1] + roots[1] * roots[2] + roots[2] * roots[0]
            t = [(v + lam) / 4.0 for v in t]
            A = (A + lam) / 4.0
    return 60


def _value(jet, nvars):
    return jet[(0,) * nvars]


def _rf_jet(X, Y, Z, nvars):
    """The jet of ``R_F`` at the jets ``X, Y, Z``."""
    A0 = (X + Y + Z) / 3.0
    m = _steps(tuple(_value(v, nvars) for v in (X, Y, Z)), _value(A0, nvars))
    t, A = [X, Y, Z], A0
    for _ in range(m):
        lam, _roots = _duplicate(t, nvars)
        t = [(v + lam) / 4.0 for v in t]
        A = (A + lam) / 4.0
    scale = 4.0 ** -m * jrecip(A, nvars)
    dx, dy = jmul(A0 - X, scale, nvars), jmul(A0 - Y, scale, nvars)
    dz = -(dx + dy)
    e2 = jmul(dx, dy, nvars) - jmul(dz, dz, nvars)
    e3 = jmul(jmul(dx, dy, nvars), dz, nvars)
    series = _plus(-e2 / 10.0 + e3 / 14.0 + jmul(e2, e2, nvars) / 24.0 - 3.0 * jmul(e2, e3, nvars) / 44.0, 1.0, nvars)
    return jmul(series, jrecip(_jsqrt(A, nvars), nvars), nvars)


def _rj_jet(X, Y, Z, P, nvars):
    """The jet of ``R_J`` at the jets ``X, Y, Z, P`` (``P > 0``; ``P = Z``: ``R_D``)."""
    A0 = (X + Y + Z + 2.0 * P) / 5.0
    m = _steps(tuple(_value(v, nvars) for v in (X, Y, Z, P)), _value(A0, nvars))
    delta = jmul(jmul(P - X, P - Y, nvars), P - Z, nvars)
    t, q, A = [X, Y, Z], P, A0
    total = np.zeros_like(A0)
    for k in range(m):
        lam, roots = _duplicate(t, nvars)
        sp = _jsqrt(q, nvars)
        d = jmul(jmul(sp + roots[0], sp + roots[1], nvars), sp + roots[2], nvars)
        e = 4.0 ** (-3 * k) * jmul(delta, jrecip(jmul(d, d, nvars), nvars), nvars)
        total = total + 4.0 ** -k * jmul(_rc_one(e, nvars), jrecip(d, nvars), nvars)
        t = [(v + lam) / 4.0 for v in t]
        q = (q + lam) / 4.0
        A = (A + lam) / 4.0
    scale = 4.0 ** -m * jrecip(A, nvars)
    dx, dy, dz = (jmul(A0 - v, scale, nvars) for v in (X, Y, Z))
    dp = -(dx + dy + dz) / 2.0
    xyz = jmul(jmul(dx, dy, nvars), dz, nvars)
    xy_z = jmul(dx, dy, nvars) + jmul(dx, dz, nvars) + jmul(dy, dz, nvars)
    p2 = jmul(dp, dp, nvars)
    p3 = jmul(p2, dp, nvars)
    e2 = xy_z - 3.0 * p2
    e3 = xyz + 2.0 * jmul(dp, e2, nvars) + 4.0 * p3
    e4 = jmul(dp, 2.0 * xyz + jmul(dp, e2, nvars) + 3.0 * p3, nvars)
    e5 = jmul(xyz, p2, nvars)
    series = _plus(-3.0 * e2 / 14.0 + e3 / 6.0 + 9.0 * jmul(e2, e2, nvars) / 88.0 - 3.0 * e4 / 22.0
                   - 9.0 * jmul(e2, e3, nvars) / 52.0 + 3.0 * e5 / 26.0, 1.0, nvars)
    root = _jsqrt(A, nvars)
    head = 4.0 ** -m * jmul(series, jrecip(jmul(A, root, nvars), nvars), nvars)
    return head + 6.0 * total


def _rj_negative_jet(X, Y, Z, P, nvars):
    """``R_J`` for ``P < 0``, SciPy's Cauchy principal value, by DLMF 19.20.14:
    ``(y + q) R_J(x, y, z, -q) = (p - y) R_J(x, y, z, p) - 3 R_F(x, y, z) + 3 √(xyz / (xz + pq))
    R_C(xz + pq, pq)`` with ``p = (y (x + z + q) - xz) / (y + q)``, ``y`` the largest of the three
    (``R_J`` is symmetric in them; then ``p > 0``), ``R_C(u, v) = R_F(u, v, v)``."""
    vals = np.stack([_value(v, nvars) for v in (X, Y, Z)])
    top = np.argmax(vals, axis=0)
    jets = np.stack([X, Y, Z])
    y = np.choose(top, jets)
    x = np.choose((top + 1) % 3, jets)
    z = np.choose((top + 2) % 3, jets)
    q = -P
    yq = jrecip(y + q, nvars)
    xz = jmul(x, z, nvars)
    p = jmul(jmul(y, x + z + q, nvars) - xz, yq, nvars)
    pq = jmul(p, q, nvars)
    u = xz + pq
    root = _jsqrt(jmul(jmul(xz, y, nvars), jrecip(u, nvars), nvars), nvars)
    total = (jmul(p - y, _rj_jet(x, y, z, p, nvars), nvars) - 3.0 * _rf_jet(x, y, z, nvars)
             + 3.0 * jmul(root, _rf_jet(u, pq, pq, nvars), nvars))
    return jmul(total, yq, nvars)


def _rj_any(x, y, z, p, dims):
    """The jet of ``R_J(x, y, z, p)`` in four variables, ``p`` of either sign."""
    nvars = len(dims)
    X, Y, Z, P = _jvariables((x, y, z, p), dims)
    out = np.empty(dims + x.shape)
    for mask, fn in ((p > 0, _rj_jet), (p < 0, _rj_negative_jet)):
        if mask.any():
            out[..., mask] = fn(*(v[..., mask] for v in (X, Y, Z, P)), nvars)
    return out


def _rc_one(e, nvars):
    """The jet of ``R_C(1, 1 + e)`` from the derivatives of ``f(e) = R_C(1, 1 + e)`` at ``e₀``:
    ``f⁽ᵏ⁾(e) = (-1)ᵏ k! ₂F₁(k+1, k+1/2; k+3/2; -e) / (2k+1)``."""
    origin = (0,) * nvars
    e0 = e[origin]
    degree = sum(n - 1 for n in e.shape[:nvars]) + 1
    coef = [(-1.0) ** k * special.hyp2f1(k + 1.0, k + 0.5, k + 1.5, -e0) / (2.0 * k + 1.0) for k in range(degree)]
    g = e.copy()
    g[origin] = 0.0
    out = np.zeros_like(e)
    out[origin] = coef[0]
    power = None
    for k in range(1, degree):
        power = g if power is None else jmul(power, g, nvars)
        out = out + coef[k] * power
    return out


_TABLES: collections.OrderedDict = collections.OrderedDict()
_TABLES_FLOATS = 1_000_000  # at most this many numbers kept, the least recently used go first
_TABLES_LOCK = threading.Lock()


def _tables(key, need, compute):
    """A table of derivatives at the point ``key`` of a size at least ``need`` (one order per
    argument): one already computed if it covers ``need``, else ``compute(*need)`` exactly.  (The
    Carlson jets cost the square of their number of coefficients, so the requests of a Hessian,
    ``(2, 1, 1)``, ``(1, 2, 1)``, ``(1, 1, 2)``…, are cheaper apart than one merged
    rectangle; :func:`.jets.memo` grows a single table.)"""
    with _TABLES_LOCK:
        for size, table in _TABLES.get(key, ()):
            if all(s >= n for s, n in zip(size, need)):
                _TABLES.move_to_end(key)
                return table
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        table = compute(*need)
    with _TABLES_LOCK:
        _TABLES.setdefault(key, []).append((need, table))
        _TABLES.move_to_end(key)
        while len(_TABLES) > 1 and sum(t.size for ts in _TABLES.values() for _, t in ts) > _TABLES_FLOATS:
            _TABLES.popitem(last=False)
    return table


def _carlson_table(name, jet, nargs):
    """The family impl ``∂^(orders) R(args)`` (``orders`` a tuple of ints), from ``jet``."""

    def impl(*args, orders):
        args = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in args))
        shape = args[0].shape
        flat = [v.ravel() for v in args]

        def compute(*dims):
            out = np.full(dims + flat[0].shape, np.nan)
            ok = np.all([np.isfinite(v) & (v >= 0) for v in flat[:3]] + [np.isfinite(flat[-1])], axis=0)
            ok &= (flat[-1] != 0) if name == "elliprj" else (flat[-1] >= 0)
            # an argument at 0 (R_F(0, y, z), the complete integrals) has an infinite derivative, and its
            # jet variable would fill the whole jet with nan: where it is 0 it is not a variable (those
            # derivatives stay nan) and the others are exact
            zeros = np.stack([v == 0 for v in flat])
            for pattern in {tuple(c) for c in zeros[:, ok].T}:
                sel = ok & np.all(zeros == np.array(pattern)[:, None], axis=0)
                sub = tuple(1 if z else n for z, n in zip(pattern, dims))
                fac = np.ones(sub)
                for i, n in enumerate(sub):
                    shape_i = [1] * len(sub)
                    shape_i[i] = n
                    fac = fac * _FACTORIAL[:n].reshape(shape_i)
                j = jet(*(v[sel] for v in flat), sub)
                out[tuple(slice(0, n) for n in sub) + (sel,)] = j * fac.reshape(sub + (1,))
            return out

        key = (name, shape) + tuple(v.tobytes() for v in flat)
        need = tuple(o + 1 for o in orders)
        table = _tables(key, need, compute)
        return table[tuple(orders)].reshape(shape)[()].copy()

    return impl


def _next_order(family):
    def partials(i, args, out, orders):
        return _CARLSON[family].bind(*args, orders=tuple(o + (k == i) for k, o in enumerate(orders)))

    return partials


def _first_order(family, nargs):
    def partials(i, args, out):
        return _CARLSON[family].bind(*args, orders=tuple(int(k == i) for k in range(nargs)))

    return partials


def _rf_variables(x, y, z, dims):
    return _rf_jet(*_jvariables((x, y, z), dims), len(dims))


def _rd_variables(x, y, z, dims):
    X, Y, Z = _jvariables((x, y, z), dims)
    return _rj_jet(X, Y, Z, Z, len(dims))


elliprf_d_p = elementwise("elliprf_d", _carlson_table("elliprf", _rf_variables, 3), _next_order("elliprf_d"))
elliprd_d_p = elementwise("elliprd_d", _carlson_table("elliprd", _rd_variables, 3), _next_order("elliprd_d"))
elliprj_d_p = elementwise("elliprj_d", _carlson_table("elliprj", _rj_any, 4), _next_order("elliprj_d"))
_CARLSON = {"elliprf_d": elliprf_d_p, "elliprd_d": elliprd_d_p, "elliprj_d": elliprj_d_p}
elliprf_p = elementwise("elliprf", special.elliprf, _first_order("elliprf_d", 3))
elliprd_p = elementwise("elliprd", special.elliprd, _first_order("elliprd_d", 3))
elliprj_p = elementwise("elliprj", special.elliprj, _first_order("elliprj_d", 4))


def _rc_positive(i, x, y):
    """``∂R_C/∂x`` or ``∂R_C/∂y`` for ``y > 0``, where ``R_C(x, y) = R_F(x, y, y)``."""
    rf = _CARLSON["elliprf_d"]
    return rf.bind(x, y, y, orders=(1, 0, 0)) if i == 0 else 2.0 * rf.bind(x, y, y, orders=(0, 1, 0))


def _rc_partials(i, args, out):
    x, y = args
    positive = greater(y, 0.0)
    inside = _rc_positive(i, x, where(positive, y, 1.0))
    # y < 0: the principal value √(x / (x - y)) R_C(x - y, -y)
    yn = where(positive, -1.0, y)
    u, v = x - yn, -yn
    s = _u("sqrt")(x / u)
    rc, ru, rv = elliprc_p.bind(u, v), _rc_positive(0, u, v), _rc_positive(1, u, v)
    if i == 0:
        outside = (0.5 / s) * (-yn / (u * u)) * rc + s * ru
    else:
        outside = (0.5 / s) * (x / (u * u)) * rc - s * (ru + rv)
    return where(positive, inside, outside)


elliprc_p = elementwise("elliprc", special.elliprc, _rc_partials)


def _rg_partials(i, args, out):
    # ∂z R_G(x, y, z) = (3 R_F - z R_D(x, y, z)) / 12, and the permutations (R_G is symmetric)
    x, y, z = args
    own, rd_args = ((x, (y, z, x)), (y, (z, x, y)), (z, (x, y, z)))[i]
    return (3.0 * elliprf_p.bind(x, y, z) - own * elliprd_p.bind(*rd_args)) / 12.0


elliprg_p = elementwise("elliprg", special.elliprg, _rg_partials)


def _agm_partials(i, args, out):
    # agm(a, b) = π / (2 R_F(0, a², b²)): ∂a = 2|a| M² R_D(0, b², a²) / (3π), likewise in b
    a, b = args
    own, other = (a, b) if i == 0 else (b, a)
    return (2.0 / (3.0 * math.pi)) * _u("abs")(own) * (out * out) * elliprd_p.bind(0.0, other * other, own * own)


agm_p = elementwise("agm", special.agm, _agm_partials)
_reads_output(agm_p)  # the partials read the output


# =========================================================================== round, radian, diric

round_p = nondiff("special_round", special.round)
_DEG = math.pi / 180.0
radian_p = elementwise("radian", special.radian, lambda i, args, out: (_DEG, _DEG / 60.0, _DEG / 3600.0)[i])
radian_p.def_rule("sparsity", sparsity.linear_rule)

_DIRIC_SMALL = 1e-7  # SciPy's threshold on |sin(x/2)| for float64


def diric(x, n):
    """``scipy.special.diric(x, n)``: the periodic sinc ``sin(nx/2) / (n sin(x/2))``, with
    SciPy's values (``n`` a positive integer constant; nan otherwise), differentiable in ``x``.

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda t: diric(t, 3))(np.float64(0.0)))
    0.0
    """
    if _is_traced(n):
        _constant("diric(x, n)", "n (an integer)")()
    n = np.asarray(n)
    nf = n.astype(float)
    bad = (n <= 0) | (nf != np.floor(nf))
    ns = np.where(bad, 1.0, nf)
    half = x * 0.5
    s = _u("sin")(half)
    small = NONDIFF["less"].bind(_u("abs")(s), _DIRIC_SMALL)
    # where sin(x/2) ≈ 0 SciPy's value is (-1)^(round(x/2π) (n-1)); about x₀ = 2πk the function is
    # ±(1 - (n²-1) h²/24 + (3n⁴-10n²+7) h⁴/5760 - …), h = x - x₀: its derivatives, SciPy's value
    k = NONDIFF["special_round"].bind(stop_gradient(x) / (2.0 * math.pi))
    sign = _u("cos")(math.pi * k * (ns - 1.0))  # (-1)^(k (n-1)), exactly ±1 for integers
    sign = NONDIFF["sign"].bind(sign)
    h = x - 2.0 * math.pi * k
    h2 = h * h
    n2 = ns * ns
    series = sign * (1.0 - (n2 - 1.0) / 24.0 * h2 + (3.0 * n2 * n2 - 10.0 * n2 + 7.0) / 5760.0 * (h2 * h2))
    near = sign + (series - stop_gradient(series))
    ss = where(small, 1.0, s)
    general = _u("sin")(ns * half) / (ns * ss)
    out = where(small, near, general)
    return where(bad, np.nan * x, out) if np.any(bad) else out  # (nan derivatives there too)


# =========================================================================== Airy functions


def _airy_part(k):
    def impl(x):
        return special.airy(x)[k][()]

    return impl


def _airy_rule(name):
    """``Ai' = Aip``, ``Aip' = x Ai`` (Airy's equation ``y'' = x y``), likewise for ``Bi``."""
    if name.endswith("p"):
        value = name[:-1]
        return lambda i, args, out: args[0] * _AIRY[value].bind(args[0])
    return lambda i, args, out: _AIRY[name + "p"].bind(args[0])


_AIRY = {name: elementwise(f"airy_{name}", _airy_part(k), _airy_rule(name))
         for k, name in enumerate(("ai", "aip", "bi", "bip"))}
airy_ai_p, airy_aip_p, airy_bi_p, airy_bip_p = (_AIRY[n] for n in ("ai", "aip", "bi", "bip"))


def airy(z):
    """``scipy.special.airy(z) -> (Ai, Aip, Bi, Bip)`` for real ``z``: the Airy functions and their
    derivatives, SciPy's values, each differentiable to every order (``Aip' = z Ai``).

    >>> import numpy as np, osculate as osc
    >>> bool(np.isclose(osc.grad(lambda t: airy(t)[1])(np.float64(0.5)), 0.5 * airy(0.5)[0]))
    True
    """
    if _is_traced(z) and np.dtype(z.dtype).kind == "c":
        raise UnsupportedFunctionError("scipy.special.airy: complex z is not supported on traced values "
                                       "(real z only)")
    return tuple(_AIRY[n].bind(z) for n in ("ai", "aip", "bi", "bip"))


# =========================================================================== Jacobi's elliptic functions


def _ellipj_part(k):
    def impl(u, m):
        return special.ellipj(u, m)[k][()]

    return impl


def _ellipj_parts(u, m):
    return tuple(_ELLIPJ[n].bind(u, m) for n in ("sn", "cn", "dn", "ph"))


def _ellipj_rule(name):
    """In ``u``: ``sn' = cn dn``, ``cn' = -sn dn``, ``dn' = -m sn cn``, ``ph' = dn``.  In ``m``:
    ``∂m ph = (dn ((1-m) u - E(ph|m)) + m sn cn) / (2m(1-m))`` (``u = F(ph|m)`` held fixed),
    ``∂m sn = cn ∂m ph``, ``∂m cn = -sn ∂m ph``, ``∂m dn = -(sn² + 2m sn cn ∂m ph) / (2 dn)``;
    at ``m = 0`` the limits (``∂m ph = -(2u - sin 2u) / 8``), at ``m = 1`` nan."""

    def d(i, args, out):
        u, m = args
        if i == 0:
            sn, cn, dn, _ph = _ellipj_parts(u, m)
            return {"sn": cn * dn, "cn": -sn * dn, "dn": -m * sn * cn, "ph": dn}[name]
        zero_m, one_m = equal(m, 0.0), equal(m, 1.0)
        ms = where(zero_m, 0.5, where(one_m, 0.5, m))
        sn, cn, dn, ph = _ellipj_parts(u, ms)
        dph = (dn * ((1.0 - ms) * u - ellipeinc_p.bind(ph, ms)) + ms * sn * cn) / (2.0 * ms * (1.0 - ms))
        general = {"sn": cn * dph, "cn": -sn * dph, "dn": -(sn * sn + 2.0 * ms * sn * cn * dph) / (2.0 * dn),
                   "ph": dph}[name]
        s, c = _u("sin")(u), _u("cos")(u)
        dph0 = -(2.0 * u - _u("sin")(2.0 * u)) / 8.0
        limit = {"sn": c * dph0, "cn": -s * dph0, "dn": -0.5 * s * s, "ph": dph0}[name]
        return where(zero_m, limit, where(one_m, np.nan, general))

    return d


_ELLIPJ = {name: elementwise(f"ellipj_{name}", _ellipj_part(k), _ellipj_rule(name))
           for k, name in enumerate(("sn", "cn", "dn", "ph"))}
ellipj_sn_p, ellipj_cn_p, ellipj_dn_p, ellipj_ph_p = (_ELLIPJ[n] for n in ("sn", "cn", "dn", "ph"))


def ellipj(u, m):
    """``scipy.special.ellipj(u, m) -> (sn, cn, dn, ph)``: Jacobi's elliptic functions and the
    amplitude ``ph = am(u|m)``, SciPy's values, differentiable to every order in ``u`` and in
    ``m`` for ``0 < m < 1`` (at ``m = 0`` the first derivative in ``m`` is the limit, higher
    ones there are not exact; at ``m = 1`` the derivatives in ``m`` are nan).

    >>> import numpy as np, osculate as osc
    >>> sn, cn, dn, ph = ellipj(0.7, 0.3)
    >>> bool(np.isclose(osc.grad(lambda t: ellipj(t, 0.3)[0])(np.float64(0.7)), cn * dn))
    True
    """
    return tuple(_ELLIPJ[n].bind(u, m) for n in ("sn", "cn", "dn", "ph"))


# =========================================================================== comb and perm


def _exact_refused(name, args):
    if any(_is_traced(a) for a in args):
        raise UnsupportedFunctionError(
            f"scipy.special.{name}: exact=True computes a Python integer, which cannot be traced "
            "(use exact=False, differentiable in N and k)")


def _counting(N, k, value, ok, fill):
    """``where(ok, value(N, k), fill)``, ``value`` evaluated at ``(1, 0)`` where not ``ok`` (so
    that neither its value nor its derivatives there are nan or inf)."""
    vals = value(where(ok, N, 1.0), where(ok, k, 0.0))
    return where(ok, vals, fill)


def _between(N, k):
    """SciPy's ``(k <= N) & (N >= 0) & (k >= 0)``."""
    land = NONDIFF["logical_and"].bind
    return land(land(NONDIFF["less_equal"].bind(k, N), NONDIFF["greater_equal"].bind(N, 0.0)),
                NONDIFF["greater_equal"].bind(k, 0.0))


def comb(N, k, *, exact=False, repetition=False):
    """``scipy.special.comb(N, k, *, exact=False, repetition=False)``: the number of combinations,
    ``binom(N, k)`` for ``0 <= k <= N`` and 0 elsewhere (with ``repetition``, ``binom(N + k - 1,
    k)``, and 1 for ``k = 0``, ``N >= 0``), SciPy's values, differentiable in ``N`` and ``k``
    (``binom``'s derivatives; 0 where the value is a constant 0 or 1).  ``exact=True`` gives
    SciPy's Python integer and refuses traced values.

    >>> import numpy as np, osculate as osc
    >>> float(comb(5.0, 2.0)), float(comb(5.0, 7.0)), float(comb(3.0, 2.0, repetition=True))
    (10.0, 0.0, 6.0)
    """
    if exact:
        _exact_refused("comb", (N, k))
        return special.comb(N, k, exact=True, repetition=repetition)
    if not (_is_traced(N) or _is_traced(k)):
        return special.comb(N, k, exact=False, repetition=repetition)
    if repetition:
        first = NONDIFF["logical_and"].bind(equal(k, 0.0), NONDIFF["greater_equal"].bind(N, 0.0))
        return _counting(N, k, lambda n, kk: binom_p.bind(n + kk - 1.0, kk), NONDIFF["logical_not"].bind(first), 1.0)
    return _counting(N, k, binom_p.bind, _between(N, k), 0.0)


def perm(N, k, exact=False):
    """``scipy.special.perm(N, k, exact=False)``: the number of ``k``-permutations of ``N``,
    ``poch(N - k + 1, k)`` for ``0 <= k <= N`` and 0 elsewhere, SciPy's values, differentiable in
    ``N`` and ``k`` (``poch``'s derivatives; 0 where the value is the constant 0).  ``exact=True``
    gives SciPy's Python integer and refuses traced values.

    >>> float(perm(5.0, 2.0)), float(perm(2.0, 5.0))
    (20.0, 0.0)
    """
    if exact:
        _exact_refused("perm", (N, k))
        return special.perm(N, k, exact=True)
    if not (_is_traced(N) or _is_traced(k)):
        return special.perm(N, k, exact=False)
    return _counting(N, k, lambda n, kk: poch_p.bind(n - kk + 1.0, kk), _between(N, k), 0.0)


# =========================================================================== the table


def _bind(p):
    return lambda *args: p.bind(*args)


MISC_FUNCTIONS.update({
    "voigt_profile": _bind(voigt_profile_p), "struve": _bind(struve_p), "modstruve": _bind(modstruve_p),
    "spherical_jn": spherical_jn, "spherical_yn": spherical_yn,
    "spherical_in": spherical_in, "spherical_kn": spherical_kn, "hyp0f1": _bind(hyp0f1_p),
    "betaincc": _bind(betaincc_p), "betainccinv": _bind(betainccinv_p), "elliprf": _bind(elliprf_p),
    "elliprd": _bind(elliprd_p), "elliprc": _bind(elliprc_p), "elliprg": _bind(elliprg_p),
    "elliprj": _bind(elliprj_p), "agm": _bind(agm_p), "round": round_p.bind, "radian": _bind(radian_p),
    "diric": diric, "airy": airy, "ellipj": ellipj, "comb": comb, "perm": perm,
})
MISC_FUNCTIONS.update({name: p.bind for name, p in _ONE_ARG.items()})
