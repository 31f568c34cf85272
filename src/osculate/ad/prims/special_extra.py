"""More of ``scipy.special`` as primitives: the exponential, sine/cosine and
Fresnel integrals and the Pochhammer symbol (with the confluent and Gauss
hypergeometric functions of :mod:`.hypergeometric`, in the table below).

The same factories as :mod:`.special` (one line per function, derivative
written with primitives, so every order works):

* ``expn(n, x)``: ``E_n' = -E_{n-1}``, and ``E_0' = -E_0 (1 + 1/x)`` for
  ``E_0(x) = e^-x / x``; ``n`` is an integer order, a constant.
* ``fresnel(x) -> (S, C)``: ``S' = sin(πx²/2)``, ``C' = cos(πx²/2)``; the two
  outputs are the primitives ``fresnel_s`` and ``fresnel_c``.
* ``sici(x) -> (Si, Ci)`` and ``shichi(x) -> (Shi, Chi)``: ``Si' = sin x / x``
  (1 at 0), ``Ci' = cos x / x``, ``Shi' = sinh x / x``, ``Chi' = cosh x / x``;
  at ``x = 0`` the first derivative of ``Si`` and ``Shi`` is the limit 1,
  their higher derivatives there are not (use a point away from 0).
* ``poch(z, m) = Γ(z + m) / Γ(z)``, in both arguments:
  ``∂z = poch · (ψ(z + m) − ψ(z))``, ``∂m = poch · ψ(z + m)``.
* ``hyp1f1`` and ``hyp2f1`` are in :mod:`.hypergeometric` (differentiable in
  every argument) and listed here with the rest.
* ``huber(δ, r)``: ``∂r = r`` for ``|r| ≤ δ``, ``δ sign(r)`` beyond;
  ``∂δ = 0`` inside, ``|r| - δ`` beyond.  ``pseudo_huber(δ, r) = δ² (√(1 +
  (r/δ)²) - 1)``: with ``h = hypot(δ, r)``, ``∂r = r δ / h`` and ``∂δ = r⁴ /
  (h (h + δ)²)`` (``|r|`` at ``δ = 0``); both losses are inf for ``δ < 0``
  (SciPy's domain is ``δ ≥ 0``), and their derivatives nan there.
* ``boxcox(x, λ) = (x^λ - 1) / λ`` (``log x`` at ``λ = 0``) and ``boxcox1p``
  (``1 + x`` for ``x``): ``∂x = x^(λ-1)``, ``∂λ = L² g(λL)`` with ``L = log
  x`` and ``g(u) = (u eᵘ - expm1(u)) / u²`` (its series below ``|u| = 10⁻³``,
  so ``λ = 0`` needs no case of its own).  ``inv_boxcox(y, λ) = (1 +
  λy)^(1/λ)`` (``exp y`` at 0) and ``inv_boxcox1p`` (that minus 1): ``∂y =
  (1 + λy)^(1/λ - 1)``, ``∂λ = (1 + λy)^(1/λ) y² h(λy)`` with ``h(v) = (v /
  (1 + v) - log1p(v)) / v²``, likewise.
* ``cosm1``, ``tandg``, ``cotdg``, ``erfi`` (``2/√π e^(x²)``), ``wrightomega``
  (``ω / (1 + ω)``), ``powm1``, ``binom`` (digammas), ``owens_t`` (``∂h =
  -φ(h) erf(a h / √2) / 2``, ``∂a = e^(-h²(1+a²)/2) / (2π (1 + a²))``), and the
  elliptic integrals ``ellipk``, ``ellipe``, ``ellipkm1``, ``ellipkinc``,
  ``ellipeinc`` by Legendre's relations (their ``m``-derivatives take their
  limits at ``m = 0``; higher derivatives there are not exact, as for ``Si``).
* The distribution functions ``gdtr``, ``chdtr``, ``pdtr``, ``bdtr``,
  ``nbdtr``, ``fdtr`` (with their complements) and ``stdtr`` are in
  :mod:`.incomplete`, beside the incomplete gamma and beta functions they are
  made of, and listed here too; so are the quantile functions
  ``gammaincinv``, ``gammainccinv``, ``betaincinv``, ``gdtrix``, ``chdtri``,
  ``pdtri``, ``bdtri``, ``nbdtri``, ``fdtri`` and ``stdtrit`` (by the implicit
  function theorem from those).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ..core import UnsupportedFunctionError
from .arithmetic import hypot, where
from .nondiff import equal
from .special import special2
from .hypergeometric import hyp1f1, hyp2f1
from .incomplete import DISTRIBUTIONS, INVERSES
from .nondiff import NONDIFF
from .unary import UNARY, unary

__all__ = ["EXTRA_FUNCTIONS", "fresnel", "sici", "shichi", "hyp1f1", "hyp2f1"]

_HALF_PI = 0.5 * np.pi


def _u(name):
    return UNARY[name].bind


def _constant_order(name, what):
    def d(n, x, out):
        raise UnsupportedFunctionError(
            f"scipy.special.{name}: {what} is an integer order, a constant: it cannot be differentiated "
            "(pass it as a number or an integer array)"
        )

    return d


def _over_x(f, at_zero):
    """``f(x) / x`` with the value ``at_zero`` at ``x = 0`` (the limit, removable for
    ``sin``/``sinh``; ``inf`` for ``cos``/``cosh``, without a division warning: ``sici``
    computes both outputs, so ``Ci``'s derivative is formed whenever ``Si``'s is)."""

    def d(x, y):
        xs = where(equal(x, 0.0), 1.0, x)
        return where(equal(x, 0.0), at_zero, f(xs) / xs)

    return d


# -- one argument
unary("fresnel_s", lambda x: special.fresnel(x)[0], lambda x, y: _u("sin")(_HALF_PI * (x * x)), reads="x")
unary("fresnel_c", lambda x: special.fresnel(x)[1], lambda x, y: _u("cos")(_HALF_PI * (x * x)), reads="x")
# Si' = sin(x)/x is entire: np.sinc(x/π) would be exact at 0 as well, but the where() form keeps every order
# right away from 0 and the first derivative right at 0 (its own derivatives at exactly 0 are those of 1)
unary("sici_si", lambda x: special.sici(x)[0], _over_x(_u("sin"), 1.0), reads="x")
unary("sici_ci", lambda x: special.sici(x)[1], _over_x(_u("cos"), np.inf), reads="x")
unary("shichi_shi", lambda x: special.shichi(x)[0], _over_x(_u("sinh"), 1.0), reads="x")
unary("shichi_chi", lambda x: special.shichi(x)[1], _over_x(_u("cosh"), np.inf), reads="x")


def fresnel(x):
    """``scipy.special.fresnel(x)``: the Fresnel integrals ``(S(x), C(x))``.

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: fresnel(x)[0])(np.float64(1.0)))  # sin(π/2)
    1.0
    """
    return UNARY["fresnel_s"].bind(x), UNARY["fresnel_c"].bind(x)


def sici(x):
    """``scipy.special.sici(x)``: the sine and cosine integrals ``(Si(x), Ci(x))``.

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: sici(x)[0])(np.float64(0.0)))  # sin(x)/x at 0
    1.0
    """
    return UNARY["sici_si"].bind(x), UNARY["sici_ci"].bind(x)


def shichi(x):
    """``scipy.special.shichi(x)``: the hyperbolic sine and cosine integrals ``(Shi(x), Chi(x))``.

    >>> import numpy as np, osculate as osc
    >>> round(float(osc.grad(lambda x: shichi(x)[1])(np.float64(1.0))), 6)  # cosh(1)
    1.543081
    """
    return UNARY["shichi_shi"].bind(x), UNARY["shichi_chi"].bind(x)


# -- two arguments
def _expn_dx(n, x, out):
    # E_n' = -E_{n-1} for n >= 1; E_0 = e^-x / x has E_0' = -E_0 (1 + 1/x), again in E_0
    # (SciPy's expn is nan for negative orders, so the recurrence stops there)
    e0 = expn_p.bind(0, x)
    lower = expn_p.bind(where(n >= 1, n - 1, 0), x)
    return where(n >= 1, -lower, -(e0 + e0 / x))


expn_p = special2("expn", special.expn, _constant_order("expn(n, x)", "n"), _expn_dx)
poch_p = special2("poch", special.poch,
                  lambda z, m, o: o * (_u("digamma")(z + m) - _u("digamma")(z)),
                  lambda z, m, o: o * _u("digamma")(z + m))



# -- robust losses and the Box-Cox transforms
def _off_domain(d, partial):
    """``partial``, nan where ``δ < 0`` (SciPy's Huber losses are inf there)."""
    return where(NONDIFF["less"].bind(d, 0.0), np.nan, partial)


def _huber_dr(d, r, out):
    return _off_domain(d, where(NONDIFF["less_equal"].bind(_u("abs")(r), d), r, d * NONDIFF["sign"].bind(r)))


def _huber_dd(d, r, out):
    ar = _u("abs")(r)
    return _off_domain(d, where(NONDIFF["less_equal"].bind(ar, d), 0.0, ar - d))


def _pseudo_huber_parts(d, r):
    """``(h, inside)``: ``hypot(δ, r)`` with 1 where it is 0 (``δ = r = 0``), and that mask."""
    h = hypot(d, r)
    zero_h = equal(h, 0.0)
    return where(zero_h, 1.0, h), zero_h


def _pseudo_huber_dr(d, r, out):
    h, zero_h = _pseudo_huber_parts(d, r)
    return _off_domain(d, where(zero_h, 0.0, r * d / h))


def _pseudo_huber_dd(d, r, out):
    h, zero_h = _pseudo_huber_parts(d, r)
    r2 = r * r
    return _off_domain(d, where(zero_h, 0.0, r2 * r2 / (h * (h + d) * (h + d))))


_SMALL = 1e-3  # below it, the series of g and h below (the closed forms lose digits to cancellation there)


def _g(u):
    """``(u eᵘ - expm1(u)) / u² = Σ_{n≥2} (n-1)/n! uⁿ⁻²`` (``1/2`` at 0)."""
    small = NONDIFF["less"].bind(_u("abs")(u), _SMALL)
    us = where(small, 1.0, u)
    closed = (us * _u("exp")(us) - _u("expm1")(us)) / (us * us)
    series = 0.5 + u * (1.0 / 3.0 + u * (1.0 / 8.0 + u * (1.0 / 30.0 + u * (1.0 / 144.0))))
    return where(small, series, closed)


def _h(v):
    """``(v / (1 + v) - log1p(v)) / v² = Σ_{n≥2} (-1)ⁿ⁺¹ (n-1)/n vⁿ⁻²`` (``-1/2`` at 0)."""
    small = NONDIFF["less"].bind(_u("abs")(v), _SMALL)
    vs = where(small, 1.0, v)
    closed = (vs / (1.0 + vs) - _u("log1p")(vs)) / (vs * vs)
    series = -0.5 + v * (2.0 / 3.0 + v * (-0.75 + v * (0.8 + v * (-5.0 / 6.0))))
    return where(small, series, closed)


def _boxcox_dl(log):
    def d(x, lam, out):
        L = log(x)
        return L * L * _g(lam * L)

    return d


def _inv_boxcox_dl(plus):
    def d(y, lam, out):
        return (out + plus) * (y * y) * _h(lam * y)

    return d


huber_p = special2("huber", special.huber, _huber_dd, _huber_dr)
pseudo_huber_p = special2("pseudo_huber", special.pseudo_huber, _pseudo_huber_dd, _pseudo_huber_dr)
boxcox_p = special2("boxcox", special.boxcox, lambda x, lam, o: _u("exp")((lam - 1.0) * _u("log")(x)),
                    _boxcox_dl(_u("log")))
boxcox1p_p = special2("boxcox1p", special.boxcox1p, lambda x, lam, o: _u("exp")((lam - 1.0) * _u("log1p")(x)),
                      _boxcox_dl(_u("log1p")))
inv_boxcox_p = special2("inv_boxcox", special.inv_boxcox, lambda y, lam, o: o / (1.0 + lam * y),
                        _inv_boxcox_dl(0.0))
inv_boxcox1p_p = special2("inv_boxcox1p", special.inv_boxcox1p, lambda y, lam, o: (o + 1.0) / (1.0 + lam * y),
                          _inv_boxcox_dl(1.0))


# -- elementary relatives, and the complete and incomplete elliptic integrals
_DEG = np.pi / 180.0
unary("cosm1", special.cosm1, lambda x, y: -_u("sin")(x), reads="x")
unary("tandg", special.tandg, lambda x, y: _DEG * (1.0 + y * y), reads="y")
unary("cotdg", special.cotdg, lambda x, y: -_DEG * (1.0 + y * y), reads="y")
unary("erfi", special.erfi, lambda x, y: (2.0 / np.sqrt(np.pi)) * _u("exp")(x * x), reads="x")
unary("wrightomega", special.wrightomega, lambda x, y: y / (1.0 + y), reads="y")


def _at_zero(m, value, f):
    """``f(m)``, and ``value`` (the limit) at ``m = 0``, where ``f``'s closed form is 0/0."""
    zero_m = equal(m, 0.0)
    return where(zero_m, value, f(where(zero_m, 0.5, m)))


def _ellipk_dm(m, y):  # K' = (E - (1 - m) K) / (2 m (1 - m)), π/8 at 0
    return _at_zero(m, np.pi / 8.0,
                    lambda ms: (_u("ellipe")(ms) - (1.0 - ms) * _u("ellipk")(ms)) / (2.0 * ms * (1.0 - ms)))


unary("ellipk", special.ellipk, _ellipk_dm, reads="x")
unary("ellipe", special.ellipe, lambda m, y: _at_zero(
    m, -np.pi / 8.0, lambda ms: (_u("ellipe")(ms) - _u("ellipk")(ms)) / (2.0 * ms)), reads="x")
unary("ellipkm1", special.ellipkm1, lambda p, y: -_ellipk_dm(1.0 - p, y), reads="x")


def _delta(phi, m):
    s = _u("sin")(phi)
    return _u("sqrt")(1.0 - m * s * s)


def _ellipkinc_dm(phi, m, out):
    # ∂F/∂m = E(φ|m) / (2m(1-m)) - F / (2m) - sin 2φ / (4 (1-m) Δ); (2φ - sin 2φ) / 8 at m = 0
    def f(ms):
        return (ellipeinc_p.bind(phi, ms) / (2.0 * ms * (1.0 - ms)) - ellipkinc_p.bind(phi, ms) / (2.0 * ms)
                - _u("sin")(2.0 * phi) / (4.0 * (1.0 - ms) * _delta(phi, ms)))

    return _at_zero(m, (2.0 * phi - _u("sin")(2.0 * phi)) / 8.0, f)


def _ellipeinc_dm(phi, m, out):
    # ∂E/∂m = (E(φ|m) - F(φ|m)) / (2m); -(2φ - sin 2φ) / 8 at m = 0
    return _at_zero(m, -(2.0 * phi - _u("sin")(2.0 * phi)) / 8.0,
                    lambda ms: (ellipeinc_p.bind(phi, ms) - ellipkinc_p.bind(phi, ms)) / (2.0 * ms))


ellipkinc_p = special2("ellipkinc", special.ellipkinc, lambda phi, m, o: 1.0 / _delta(phi, m), _ellipkinc_dm)
ellipeinc_p = special2("ellipeinc", special.ellipeinc, lambda phi, m, o: _delta(phi, m), _ellipeinc_dm)
powm1_p = special2("powm1", special.powm1, lambda x, y, o: y * _u("exp")((y - 1.0) * _u("log")(x)),
                   lambda x, y, o: (o + 1.0) * _u("log")(x))
binom_p = special2("binom", special.binom,
                   lambda n, k, o: o * (_u("digamma")(n + 1.0) - _u("digamma")(n - k + 1.0)),
                   lambda n, k, o: o * (_u("digamma")(n - k + 1.0) - _u("digamma")(k + 1.0)))
# Owen's T(h, a) = (1/2π) ∫₀^a e^(-h²(1+x²)/2) / (1+x²) dx: ∂h = -φ(h) erf(a h / √2) / 2
owens_t_p = special2("owens_t", special.owens_t,
                     lambda h, a, o: (-0.5 / np.sqrt(2.0 * np.pi)) * _u("exp")(-0.5 * h * h)
                     * _u("erf")(a * h / np.sqrt(2.0)),
                     lambda h, a, o: _u("exp")(-0.5 * h * h * (1.0 + a * a)) / (2.0 * np.pi * (1.0 + a * a)))


def _bind(p):
    return lambda *args: p.bind(*args)


#: ``scipy.special`` name -> osculate function, for every function of this module.
EXTRA_FUNCTIONS = {
    "expn": lambda n, x: expn_p.bind(n, x), "poch": lambda z, m: poch_p.bind(z, m),
    "fresnel": fresnel, "sici": sici, "shichi": shichi, "hyp1f1": hyp1f1, "hyp2f1": hyp2f1,
}
EXTRA_FUNCTIONS.update({name: _bind(p) for name, p in (
    ("huber", huber_p), ("pseudo_huber", pseudo_huber_p), ("boxcox", boxcox_p), ("boxcox1p", boxcox1p_p),
    ("inv_boxcox", inv_boxcox_p), ("inv_boxcox1p", inv_boxcox1p_p), ("ellipkinc", ellipkinc_p),
    ("ellipeinc", ellipeinc_p), ("powm1", powm1_p), ("binom", binom_p), ("owens_t", owens_t_p))})
EXTRA_FUNCTIONS.update({name: UNARY[name].bind for name in (
    "cosm1", "tandg", "cotdg", "erfi", "wrightomega", "ellipk", "ellipe", "ellipkm1")})
EXTRA_FUNCTIONS.update({name: _bind(p) for name, p in DISTRIBUTIONS.items()})
EXTRA_FUNCTIONS.update({name: _bind(p) for name, p in INVERSES.items()})
