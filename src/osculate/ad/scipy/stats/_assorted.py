"""Further continuous distributions of :mod:`osculate.ad.scipy.stats`: the von Mises
distribution (``vonmises`` on the circle, ``vonmises_line`` on ``[-π, π]``),
``pearson3``, ``genexpon``, ``alpha``, ``kappa4``, ``tukeylambda``,
``rel_breitwigner`` and ``jf_skew_t``.

The von Mises cdf is a Fourier series (``Σ I_n(κ)/I_0(κ) sin(nx)/n``, 64 terms,
with ``ive``) for ``κ < 50`` and, above, an expansion of
``∫ exp(-κs²/2) (1 - s²/4)^(-1/2) ds`` (``s = 2 sin(t/2)``) in incomplete Gaussian
moments (60 terms); in the tails where these lose relative accuracy (the series'
probability below 1e-3, the expansion's beyond ``|x| = 1.8``) a quadrature of the
density towards ``±π`` (Gauss-Legendre panels, or Gauss-Laguerre after a change of
variable).  Against mpmath the cdf, sf and their logs agree to about 1e-13 relative
over ``[-π, π]`` for κ from 0 to 1e4; SciPy's normal approximation (which it uses
from ``κ = 50``) is off by about 1e-3 there.  The Tukey lambda cdf has no closed form: it
is the inverse of the quantile function, found on the values by Newton steps on
``log F`` (from ``scipy.special.tklmbda``, which loses the tails) and differentiated
through the implicit function (``_newton_inverse``), as are the quantiles of
``vonmises`` and ``rel_breitwigner`` (from SciPy's values, polished by Newton steps on
the log probability and, where those cannot reach a steep tail, bisection): those need
values (no ``jit``/``vmap``).
The rest are closed forms written without cancellation in either tail; the
limits ``h = 0``, ``k = 0`` of ``kappa4`` and ``lam = 0`` of ``tukeylambda`` are
the same formulas through ``exprel`` and ``log1p(u)/u``, so their derivatives in
the shape parameters are right there too.
"""

from __future__ import annotations

import numpy as _np
import scipy.special as _sc

from ... import numpy as _o
from .. import special as _sp
from ._base import (
    _LOG2, _LOG_SQRT_2PI, _all, _arr, _exp, _inf, _log, _log1p, _log_of, _nan, _newton_inverse, _quiet,
    _where, rv_continuous,
)
from ._halfline import _half, _ibeta, _log1mexp, _scipy
from ._realline import (
    _GL_NODES as _LAG_X, _GL_WEIGHTS as _LAG_W, _log1p_ratio, _log_gammaincc, _log_gauss_mass, _rv_line,
)

__all__ = ["vonmises", "vonmises_line", "pearson3", "genexpon", "alpha", "kappa4", "tukeylambda",
           "rel_breitwigner", "jf_skew_t"]

_TWO_PI = 2.0 * _np.pi
_LOG_2PI = float(_np.log(_TWO_PI))
_SQRT2, _SQRT_2PI = float(_np.sqrt(2.0)), float(_np.sqrt(_TWO_PI))
_GAUSS_X, _GAUSS_W = _np.polynomial.legendre.leggauss(20)


def _log_exprel(v):
    """``log(expm1(v) / v)``, also where ``expm1(v)`` overflows (``v - log v`` there)."""
    big = v > 50.0
    vb = _where(big, v, 100.0)
    return _where(big, vb - _log(vb) + _log1p(-_exp(-vb)), _log(_sp.exprel(_where(big, 1.0, v))))


def _log1p_over(u):
    """``log1p(u) / u`` (1 at ``u = 0``, with derivatives there)."""
    return _log1p_ratio(-u)


def _polished(start, residual, slope, steps=6, positive=False, within=None):
    """A start for :func:`_newton_inverse`: ``start`` on plain values, then plain Newton steps
    (``residual(y, q, *s)``, ``slope(y, *s)``: a log probability minus its target, and its
    derivative), which keep it where a step would leave the domain (a NaN); ``positive``: the
    steps are taken in ``log y`` (for a quantile on the half line with power-law tails);
    ``within``: an interval ``(lo, hi)`` the steps are kept in."""

    def solve(q, *s):
        with _np.errstate(all="ignore"):
            y = _np.asarray(start(q, *s), dtype=float)
            if positive:
                y = _np.clip(y, 1e-300, 1e300)
            for _ in range(steps):
                r = _np.asarray(residual(y, q, *s), dtype=float)
                d = _np.asarray(slope(y, *s), dtype=float)
                new = y * _np.exp(-r / (d * y)) if positive else y - r / d
                y = _np.where(_np.isfinite(new) & _np.isfinite(r), new, y)
                if within is not None:
                    y = _np.clip(y, *within)
            if within is not None:
                y = _bisect_rest(y, q, s, residual, within)
        return y

    return solve


def _bisect_rest(y, q, s, residual, within):
    """Where Newton steps left a residual above 1e-12 (a start far out in a steep tail), bisection
    of ``within`` (the residual is monotone), then Newton's answer is replaced by it."""
    r = _np.asarray(residual(y, q, *s), dtype=float)
    bad = ~(_np.abs(r) <= 1e-12)
    if not bad.any():
        return y
    lo, hi = _np.broadcast_arrays(_np.full(y.shape, within[0]), _np.full(y.shape, within[1]))
    lo, hi = lo.copy(), hi.copy()
    r_lo, r_hi = (_np.asarray(residual(e, q, *s), dtype=float) for e in (lo, hi))
    beyond = _np.sign(r_lo) == _np.sign(r_hi)  # no sign change: the nearer end (the value rounds to it)
    end = _np.where(_np.abs(r_lo) <= _np.abs(r_hi), lo, hi)
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        r_mid = _np.asarray(residual(mid, q, *s), dtype=float)
        same = _np.sign(r_mid) == _np.sign(r_lo)
        lo, hi = _np.where(same, mid, lo), _np.where(same, hi, mid)
    return _np.where(bad, _np.where(beyond, end, 0.5 * (lo + hi)), y)


# --------------------------------------------------------------------------- von Mises

_VM_SWITCH = 50.0  # below: the Fourier series; from here: the Gaussian expansion
_VM_TERMS = 64
_VM_GAUSS_TERMS = 60


def _log_i0e(kappa):
    """``log(e^{-κ} I_0(κ))`` for ``κ >= 0``: ``log i0(κ) - κ`` below 1, so that the derivatives at
    ``κ = 0`` are the right-hand ones (``i0e`` is ``e^{-|κ|} I_0``, with a kink there)."""
    small = kappa < 1.0
    ks, kb = _where(small, kappa, 0.5), _where(small, 2.0, kappa)
    return _where(small, _log(_sp.i0(ks)) - ks, _log(_sp.i0e(kb)))


def _vm_fourier_tail(u, kappa):
    """``P(Y <= u)`` for ``-π <= u <= 0`` and ``κ < 50``: ``1/2 + u/2π + Σ I_n(κ)/I_0(κ) sin(nu)/(nπ)``."""
    norm = _sp.i0e(kappa)
    n = _np.arange(1.0, _VM_TERMS + 1.0)  # the terms along a new last axis
    terms = _sp.ive(n, _o.expand_dims(kappa, -1)) * _o.sin(n * _o.expand_dims(u, -1)) / n
    return _o.maximum(0.5 + u / _TWO_PI + _o.sum(terms, axis=-1) / (_np.pi * norm), 0.0)


def _vm_gauss_log_tail(u, kappa):
    """``log P(Y <= u)`` for ``-π <= u <= 0`` and ``κ >= 50``: with ``s = 2 sin(t/2)`` the
    probability is ``∫_{-2}^{w} e^{-κs²/2} Σ_j c_j (s/2)^{2j} ds / (2π i0e(κ))`` (``w = 2 sin(u/2)``,
    ``c_j = binom(2j, j)/4^j``); from ``-∞`` instead of ``-2`` (an error below ``e^{-2κ}``) each
    term is a Gaussian moment, ``Φ(z) ν_j`` with ``z = w√κ`` and the recurrence
    ``ν_j = ((2j-1) ν_{j-1} - z^{2j-1} φ(z)/Φ(z)) / (4κ)`` (all terms positive)."""
    z = 2.0 * _o.sin(0.5 * u) * _o.sqrt(kappa)
    log_cdf = _o.log_ndtr(z)
    mills = _exp(-0.5 * z * z - _LOG_SQRT_2PI - log_cdf)
    four_k = 4.0 * kappa
    nu, zeta, c, total = 1.0, z / four_k, 1.0, 1.0
    for j in range(1, _VM_GAUSS_TERMS + 1):
        nu = (2.0 * j - 1.0) * nu / four_k - zeta * mills
        c = c * (2.0 * j - 1.0) / (2.0 * j)
        total = total + c * nu
        zeta = zeta * z * z / four_k
    return log_cdf + _log(total) - 0.5 * _log(_TWO_PI * kappa) - _log(_sp.i0e(kappa))


_VM_PANELS = 8
_PANEL_X = (_np.arange(_VM_PANELS)[:, None] + 0.5 * (1.0 + _GAUSS_X)).ravel()  # in units of the panel width
_PANEL_W = _np.tile(_GAUSS_W, _VM_PANELS)
_PI_LOW = 1.2246467991473532e-16  # π minus its double


def _vm_quad_log_tail(u, kappa):
    """``log P(Y <= u)`` by quadrature, relative-accurate in the far tail: with ``v = π + u``,
    ``P = e^{-κ(1 + cos v)} J / (2π i0e(κ))``, ``J = ∫_0^v e^{-κ(cos φ - cos v)} dφ`` (the
    integrand rises to 1 at ``φ = v``).  Where ``R' = κ(cos(v/2) - cos v)`` is at most 40,
    Gauss-Legendre on 8 panels of ``[0, v]``; beyond, ``r = κ(cos φ - cos v)`` on ``[v/2, v]``
    gives ``J = ∫_0^{R'} e^{-r} ((R - r)(K + r))^{-1/2} dr`` (``R = κ(1 - cos v)``, ``K = κ(1 + cos
    v)``) by 40-point Gauss-Laguerre (the rest is below ``e^{-R'}`` of it)."""
    v = (u + _np.pi) + _PI_LOW  # π's rounding error matters near u = -π
    half = 0.5 * v
    r_split = 2.0 * kappa * _o.sin(1.5 * half) * _o.sin(0.5 * half)
    direct = r_split <= 40.0
    vd, kd = _where(direct, v, 1.0), _where(direct, kappa, 1.0)
    width = vd / _VM_PANELS
    ve, ke = _o.expand_dims(vd, -1), _o.expand_dims(kd, -1)  # the nodes along a new last axis
    phi = _o.expand_dims(width, -1) * _PANEL_X
    j_direct = 0.5 * width * _o.sum(_PANEL_W * _exp(-2.0 * ke * _o.sin(0.5 * (ve + phi)) * _o.sin(0.5 * (ve - phi))),
                                    axis=-1)
    vl, kl = _where(direct, 1.0, v), _where(direct, 100.0, kappa)
    big_r = 2.0 * kl * _o.sin(0.5 * vl) ** 2
    big_k = 2.0 * kl * _o.cos(0.5 * vl) ** 2
    r_cut = 2.0 * kl * _o.sin(0.75 * vl) * _o.sin(0.25 * vl)
    r = _o.minimum(_LAG_X, _o.expand_dims(r_cut, -1))
    lag = _o.sum(_LAG_W / _o.sqrt((_o.expand_dims(big_r, -1) - r) * (_o.expand_dims(big_k, -1) + r)), axis=-1)
    j = _where(direct, j_direct, lag)
    return -2.0 * kappa * _o.cos(half) ** 2 - _LOG_2PI - _log_i0e(kappa) + _log(j)


def _vm_tail(u, kappa):
    """``(P, log P)`` with ``P = P(Y <= u)`` for ``-π <= u <= 0``: the Fourier series (``κ < 50``)
    or the Gaussian expansion, and the quadrature where they lose relative accuracy (the
    series' value below 1e-3, the expansion's beyond ``|u| = 1.8``)."""
    small = kappa < _VM_SWITCH
    ks, kb = _where(small, kappa, 1.0), _where(small, 2.0 * _VM_SWITCH, kappa)
    p = _vm_fourier_tail(u, ks)
    logp_g = _vm_gauss_log_tail(u, kb)
    far = _where(small, p < 1e-3, u < -1.8)
    logp_q = _vm_quad_log_tail(_where(far, u, -3.0), kappa)
    logp = _where(far, logp_q, _where(small, _log(p), logp_g))
    return _where(_all(small, _o.logical_not(far)), p, _exp(logp)), logp


class vonmises_gen(_rv_line):
    """The von Mises distribution with concentration ``kappa >= 0``, as SciPy defines it: the
    density ``exp(κ cos z) / (2π I_0(κ))`` on the whole line (periodic), the cdf that of ``[-π, π]``
    plus the number of turns (``cdf(z + 2π) = cdf(z) + 1``: above 1 and below 0 outside ``[-π,
    π]``, where the logs are NaN as in SciPy; the density at ``±inf`` is NaN, as SciPy's), ppf and
    isf in ``[-π, π]``.  The cdf is a Fourier series for ``κ < 50`` and an expansion in Gaussian
    moments above (accurate where SciPy's normal approximation is not), with a quadrature in
    the far tails (relative accuracy up to ``±π``); ppf and isf are Newton inverses from SciPy's
    values (no ``jit``/``vmap``).

    >>> from osculate.scipy import stats
    >>> round(float(stats.vonmises.cdf(1.0, 0.0)), 12)  # uniform: (1 + π) / 2π
    0.659154943092
    """

    name, shapes, safe = "vonmises", ("kappa",), (1.0,)
    _winds = True

    def _valid(self, kappa):
        return (kappa >= 0.0,)

    def _logpdf(self, z, kappa):
        return kappa * _sp.cosm1(z) - _LOG_2PI - _log_i0e(kappa)

    @_quiet
    def logpdf(self, x, *args, **kwds):  # the periodic density has no limit at ±inf: NaN there, as SciPy's
        out = rv_continuous.logpdf(self, x, *args, **kwds)
        if not self._winds:
            return out
        s, loc, scale, _ = self._params("logpdf", args, kwds)
        return _where(_o.isinf((_arr(x) - loc) / scale), _nan, out)

    def _parts(self, z, kappa):
        """``(turns, y <= 0 ?, P(Y <= -|y|), its log)`` for ``z = y + 2π turns``, ``y`` in ``[-π, π]``."""
        if self._winds:
            turns = _o.round(_o.stop_gradient(z) / _TWO_PI)  # (SciPy's: ±π are in [-π, π])
            y = z - _TWO_PI * turns
        else:
            turns, y = 0.0, z
        low = y <= 0.0
        p, logp = _vm_tail(_where(low, y, -y), kappa)
        return turns, low, p, logp

    @staticmethod
    def _both(turns, low, p):
        """(cdf, sf) with the turns: below -π the cdf is ``(turns + 1) - sf0`` and above π the sf
        ``-(turns - 1) - cdf0``, so that their (negative) signs are exact."""
        cdf0, sf0 = _where(low, p, 1.0 - p), _where(low, 1.0 - p, p)
        cdf = _where(turns < 0.0, (turns + 1.0) - sf0, turns + cdf0)
        sf = _where(turns > 0.0, (1.0 - turns) - cdf0, sf0 - turns)
        return cdf, sf

    def _cdf(self, z, kappa):
        return self._both(*self._parts(z, kappa)[:3])[0]

    def _sf(self, z, kappa):
        return self._both(*self._parts(z, kappa)[:3])[1]

    def _logcdf(self, z, kappa):
        turns, low, p, logp = self._parts(z, kappa)
        cdf, sf = self._both(turns, low, p)
        return _where(_all(turns == 0.0, low), logp, _log_of(cdf, sf))

    def _logsf(self, z, kappa):
        turns, low, p, logp = self._parts(z, kappa)
        cdf, sf = self._both(turns, low, p)
        return _where(_all(turns == 0.0, _o.logical_not(low)), logp, _log_of(sf, cdf))

    def _ppf(self, q, kappa):
        start = _polished(_scipy(self.name + ".ppf"), lambda y, q, k: self._logcdf(y, k) - _np.log(q),
                          lambda y, k: _exp(self._logpdf(y, k) - self._logcdf(y, k)), within=(-_np.pi, _np.pi))
        return self._newton("ppf", start, self._cdf, 1.0, q, kappa)

    def _isf(self, q, kappa):
        start = _polished(_scipy(self.name + ".isf"), lambda y, q, k: self._logsf(y, k) - _np.log(q),
                          lambda y, k: -_exp(self._logpdf(y, k) - self._logsf(y, k)), within=(-_np.pi, _np.pi))
        return self._newton("isf", start, self._sf, -1.0, q, kappa)


class vonmises_line_gen(vonmises_gen):
    """The von Mises distribution on ``[-π, π]`` (``vonmises_line``): the same density, 0
    outside, and the cdf between 0 and 1.

    >>> from osculate.scipy import stats
    >>> float(stats.vonmises_line.cdf(4.0, 2.0))
    1.0
    """

    name, lo, hi = "vonmises_line", -_np.pi, _np.pi
    _winds = False


# --------------------------------------------------------------------------- Pearson type III

_P3_NORMAL = 1.6e-5  # SciPy's switch to the normal distribution


class pearson3_gen(_rv_line):
    """The Pearson type III distribution with ``skew`` (any finite value), standardized
    (mean 0, variance 1): with ``β = 2/skew``, ``α = β²``, ``t = βz + α``, the density is
    ``|β|`` times the gamma density of ``t`` with shape ``α`` (written as ``-log√(2π) - stirlerr(α)
    + α (log1p(u) - u) - log1p(u)``, ``u = z skew/2``, which does not cancel for small ``skew``
    as the gamma form's large terms do); for ``skew > 0`` the cdf is
    ``gammainc(α, t)``, for ``skew < 0`` its mirror ``gammaincc(α, t)``; quantiles by
    ``gammaincinv``/``gammainccinv``.  For ``|skew| < 1.6e-5`` it is SciPy's normal distribution,
    whose derivative in ``skew`` is that of the first-order (Edgeworth and Cornish-Fisher)
    correction, so the derivative in ``skew`` is right at 0 too.  The support is cut at
    ``-2/skew`` (below it for ``skew > 0``, above for ``skew < 0``).

    >>> from osculate.scipy import stats
    >>> round(float(stats.pearson3.cdf(0.0, 0.0)), 12)
    0.5
    """

    name, shapes, safe = "pearson3", ("skew",), (1.0,)

    def _valid(self, skew):
        return (_o.isfinite(skew),)

    @staticmethod
    def _split(skew):
        normal = _o.abs(skew) < _P3_NORMAL
        pos = skew > 0.0
        sk = _where(normal, 1.0, skew)
        beta = 2.0 / sk
        return normal, pos, beta, beta * beta, skew - _o.stop_gradient(skew)

    def _bounds(self, skew):
        normal, pos, beta, _, _ = self._split(skew)
        edge = -beta
        return (_where(_all(pos, _o.logical_not(normal)), edge, -_inf),
                _where(_any_neg(normal, pos), edge, _inf))

    def _middle(self, skew):
        return 0.0

    def _t(self, z, skew):
        normal, pos, beta, a, g = self._split(skew)
        return normal, pos, beta, a, g, _o.maximum(beta * (_where(normal, 0.0, z) + beta), 0.0)  # β(z - edge)

    def _logpdf(self, z, skew):
        # with u = (t - α)/α = z skew/2: -log√(2π) - stirlerr(α) + z² (log1p(u) - u)/u² - log1p(u),
        # without the cancellation of the gamma form's large terms (kept for u < -1/2, towards t = 0)
        normal, pos, beta, a, g, t = self._t(z, skew)
        zs = _where(normal, 0.0, z)
        u = zs / beta
        far = u < -0.5
        uc = _where(far, 0.0, u)
        tf = _where(far, t, a)
        gam = _log(_o.abs(beta)) + _sp.xlogy(a - 1.0, tf) - tf - _o.gammaln(a)
        close = -_LOG_SQRT_2PI - _stirlerr(a) + zs * zs * _log1p_minus_u_over_u2(uc) - _log1p(uc)
        return _where(normal, -0.5 * z * z - _LOG_SQRT_2PI + g * (z * z - 3.0) * z / 6.0, _where(far, gam, close))

    def _edgeworth(self, z, g):  # the first-order change of the normal cdf: -g φ(z) (z² - 1) / 6
        return -g * _exp(-0.5 * z * z - _LOG_SQRT_2PI) * (z * z - 1.0) / 6.0

    def _lower(self, a, t, log):  # gammainc (or its log)
        return _log(_sp.gammainc(a, t)) if log else _sp.gammainc(a, t)

    def _upper(self, a, t, log):
        return _log_gammaincc(a, t, _log(t)) if log else _sp.gammaincc(a, t)

    def _side(self, z, skew, upper, log):
        normal, pos, beta, a, g, t = self._t(z, skew)
        first = _where(pos, self._upper(a, t, log), self._lower(a, t, log)) if upper else \
            _where(pos, self._lower(a, t, log), self._upper(a, t, log))
        w = -z if upper else z
        e = -self._edgeworth(z, g) if upper else self._edgeworth(z, g)
        if log:  # e / Φ(w), the ratio φ(w)/Φ(w) by erfcx below 0 (finite where Φ(w) underflows)
            neg = w < 0.0
            wn, wp = _where(neg, w, -1.0), _where(neg, 1.0, w)
            ratio = _where(neg, 2.0 / (_SQRT_2PI * _sp.erfcx(-wn / _SQRT2)),
                           _exp(-0.5 * wp * wp - _LOG_SQRT_2PI) / _o.ndtr(wp))
            norm = _o.log_ndtr(w) + (-g if upper else g) * ratio * (1.0 - z * z) / 6.0
        else:
            norm = _o.ndtr(w) + e
        return _where(normal, norm, first)

    def _cdf(self, z, skew):
        return self._side(z, skew, False, False)

    def _sf(self, z, skew):
        return self._side(z, skew, True, False)

    def _logcdf(self, z, skew):
        return self._side(z, skew, False, True)

    def _logsf(self, z, skew):
        return self._side(z, skew, True, True)

    def _quantile(self, q, skew, upper):
        normal, pos, beta, a, g, _ = self._t(0.0, skew)
        lower_t = _where(pos != upper, _sp.gammaincinv(a, q), _sp.gammainccinv(a, q))
        x = _o.ndtri(q)
        norm = (-x if upper else x) + g * (x * x - 1.0) / 6.0
        return _where(normal, norm, (lower_t - a) / beta)

    def _ppf(self, q, skew):
        return self._quantile(q, skew, False)

    def _isf(self, q, skew):
        return self._quantile(q, skew, True)


def _stirlerr(a):
    """``gammaln(a) - ((a - 1/2) log a - a + log √(2π))``: its asymptotic series from ``a = 15``
    (five terms, to 1e-16), else directly."""
    big = a >= 15.0
    ab, r = _where(big, a, 15.0), _where(big, 1.0, a)
    w = 1.0 / (ab * ab)
    series = (1.0 / 12.0 - w * (1.0 / 360.0 - w * (1.0 / 1260.0 - w * (1.0 / 1680.0 - w / 1188.0)))) / ab
    return _where(big, series, _o.gammaln(r) - (r - 0.5) * _log(r) + r - _LOG_SQRT_2PI)


def _log1p_minus_u_over_u2(u):
    """``(log1p(u) - u) / u²`` for ``u > -1`` (-1/2 at 0): its series below ``|u| = 0.1``."""
    small = _o.abs(u) < 0.1
    us = _where(small, u, 0.0)
    total, power = 0.0 * us, 1.0
    for k in range(2, 20):
        total = total + (-1.0) ** (k + 1) * power / k
        power = power * us
    ub = _where(small, 0.5, u)
    return _where(small, total, (_log1p(ub) - ub) / (ub * ub))


def _any_neg(normal, pos):
    """``skew < 0`` and not normal (the support ends above)."""
    return _all(_o.logical_not(normal), _o.logical_not(pos))


# --------------------------------------------------------------------------- genexpon


def _one_minus_exprel_neg(u):
    """``1 - (1 - e^{-u}) / u`` for ``u >= 0`` (0 at ``u = 0``): its series below ``u = 1/2``."""
    small = u < 0.5
    us = _where(small, u, 0.0)
    term, total = 1.0 + 0.0 * us, 0.0 * us
    for k in range(1, 22):
        term = -term * us / (k + 1)
        total = total - term
    ub = _where(small, 1.0, u)
    return _where(small, total, 1.0 + _o.expm1(-ub) / ub)


class genexpon_gen(_half):
    """The generalized exponential distribution with ``a, b, c > 0``: log sf
    ``-z (a + b (1 - (1 - e^{-cz})/(cz)))`` (without cancellation near 0), cdf ``-expm1`` of it,
    density ``(a + b (1 - e^{-cz}))`` times the sf; quantiles by the Lambert W function (SciPy's
    formula) plus one Newton step on the log sf, which keeps them accurate in both tails.

    >>> from osculate.scipy import stats
    >>> round(float(stats.genexpon.logsf(1.0, 1.0, 1.0, 1.0)), 12)  # -(2 - (1 - 1/e))
    -1.367879441171
    """

    name, shapes, safe, lo, mid = "genexpon", ("a", "b", "c"), (1.0, 1.0, 1.0), 0.0, 1.0

    def _valid(self, a, b, c):
        return a > 0.0, b > 0.0, c > 0.0

    def _logsf(self, z, a, b, c):
        return -z * (a + b * _one_minus_exprel_neg(c * z))

    def _hazard(self, z, a, b, c):
        return a - b * _o.expm1(-c * z)

    def _logpdf(self, z, a, b, c):
        return _log(self._hazard(z, a, b, c)) + self._logsf(z, a, b, c)

    def _sf(self, z, a, b, c):
        return _exp(self._logsf(z, a, b, c))

    def _cdf(self, z, a, b, c):
        return -_o.expm1(self._logsf(z, a, b, c))

    def _logcdf(self, z, a, b, c):
        return _log1mexp(self._logsf(z, a, b, c))

    def _solve(self, target, a, b, c):
        """``z`` with log sf ``target``: the Lambert W form, then a Newton step."""
        s = a + b
        t = (b - c * target) / s
        z = (t + _o.real(_sp.lambertw(-b / s * _exp(-t)))) / c
        z = _o.maximum(z, 0.0)
        return z + (self._logsf(z, a, b, c) - target) / self._hazard(z, a, b, c)

    def _ppf(self, q, a, b, c):
        return self._solve(_log1p(-q), a, b, c)

    def _isf(self, q, a, b, c):
        return self._solve(_log(q), a, b, c)


# --------------------------------------------------------------------------- alpha


def _log_gauss_gap(a, t):
    """``log(Φ(a) - Φ(a - t))`` for ``t > 0``: for small ``t (1 + |a|)`` as ``log φ(a) + log ∫_0^t
    e^{as - s²/2} ds`` (20-point Gauss-Legendre, no cancellation), else from the tails."""
    small = t * (1.0 + _o.abs(a)) <= 1.0
    ts = _where(small, t, 0.5 / (1.0 + _o.abs(a)))
    s = _o.expand_dims(0.5 * ts, -1) * (1.0 + _GAUSS_X)
    total = _o.sum(_GAUSS_W * _exp(_o.expand_dims(a, -1) * s - 0.5 * s * s), axis=-1)
    quad = -0.5 * a * a - _LOG_SQRT_2PI + _log(0.5 * ts * total)
    tb = _where(small, 2.0, t)
    return _where(small, quad, _log_gauss_mass(a - tb, a))


class alpha_gen(_half):
    """The alpha distribution with ``a > 0`` on ``z > 0``: log cdf ``log_ndtr(a - 1/z) -
    log_ndtr(a)``, log sf ``log(Φ(a) - Φ(a - 1/z)) - log_ndtr(a)`` (a quadrature of the Gaussian
    density where ``1/z`` is small, so the heavy upper tail keeps its digits), density ``φ(a -
    1/z) / (z² Φ(a))``; quantiles ``1/(a - ndtri(q Φ(a)))`` and, for the upper ones,
    ``1/(a + ndtri(Φ(-a) + q Φ(a)))`` (each used on its own side of 1/2).

    >>> from osculate.scipy import stats
    >>> round(float(stats.alpha.cdf(1.0, 1.0)), 12)  # Φ(0) / Φ(1)
    0.594286708673
    """

    name, shapes, safe, lo, mid, open_lo = "alpha", ("a",), (1.0,), 0.0, 1.0, True

    def _valid(self, a):
        return (a > 0.0,)

    def _logpdf(self, z, a):
        w = a - 1.0 / z
        return -2.0 * _log(z) - 0.5 * w * w - _LOG_SQRT_2PI - _o.log_ndtr(a)

    def _logcdf(self, z, a):
        return _o.log_ndtr(a - 1.0 / z) - _o.log_ndtr(a)

    def _logsf(self, z, a):
        return _log_gauss_gap(a, 1.0 / z) - _o.log_ndtr(a)

    def _cdf(self, z, a):
        return _exp(self._logcdf(z, a))

    def _sf(self, z, a):
        return _exp(self._logsf(z, a))

    @staticmethod
    def _low(p, a):  # the z with cdf p
        return 1.0 / (a - _o.ndtri(p * _o.ndtr(a)))

    @staticmethod
    def _high(p, a):
        """The z with sf ``p``; where ``d = p Φ(a)/φ(a)`` (about ``1/z``) is below 1e-6, from the
        expansion ``1/z = d - a d²/2`` (the closed form cancels there)."""
        d = p * _exp(_o.log_ndtr(a) + 0.5 * a * a + _LOG_SQRT_2PI)
        tiny = d < 1e-6
        ds = _where(tiny, d, 0.0)
        closed = a + _o.ndtri(_o.ndtr(-a) + _where(tiny, 0.5, p) * _o.ndtr(a))
        return 1.0 / _where(tiny, ds - 0.5 * a * ds * ds, closed)

    def _quantile(self, q, a, upper):
        """The closed form on the side of ``q`` (the cdf's below 1/2), then one Newton step on the
        log of that side's probability (the closed forms lose digits far out)."""
        low = q <= 0.5
        first, second = (self._high, self._low) if upper else (self._low, self._high)
        z = _where(low, first(_where(low, q, 0.5), a), second(1.0 - _where(low, 0.5, q), a))
        target = _where(low, _log(q), _log1p(-q))
        use_sf = low == upper  # the cdf's log for (ppf, low) and (isf, high)
        value = _where(use_sf, self._logsf(z, a), self._logcdf(z, a))
        slope = _exp(self._logpdf(z, a) - value)  # |d value / dz|
        step = (value - target) / slope
        return _where(use_sf, z + step, z - step)

    def _ppf(self, q, a):
        return self._quantile(q, a, False)

    def _isf(self, q, a):
        return self._quantile(q, a, True)


# --------------------------------------------------------------------------- kappa4


class kappa4_gen(_rv_line):
    """The four-parameter kappa distribution with any real ``h`` and ``k``: with ``s = (1 -
    kz)^(1/k)`` (``e^{-z}`` at ``k = 0``), the log cdf is ``log1p(-h s)/h`` (``-s`` at ``h = 0``),
    the density ``(1-kz)^(1/k-1) (1-hs)^(1/h-1)``, ppf ``(1 - g^k)/k`` with ``g = (1 - q^h)/h``.
    All are written with ``exprel`` and ``log1p(u)/u``, so the limits ``h = 0`` and ``k = 0`` (the
    Gumbel distribution at both) are the same formulas, with their derivatives in ``h`` and ``k``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.kappa4.logcdf(0.0, 0.0, 0.0)), 12)  # Gumbel: -e^0
    -1.0
    """

    name, shapes, safe = "kappa4", ("h", "k"), (0.5, 0.5)

    def _valid(self, h, k):
        return _o.isfinite(h), _o.isfinite(k)

    def _bounds(self, h, k):
        kpos, hpos, kneg = k > 0.0, h > 0.0, k < 0.0
        kp, hp, kn = _where(kpos, k, 1.0), _where(hpos, h, 1.0), _where(kneg, k, -1.0)
        log_h = _log(hp)
        lo = _where(hpos, log_h * _sp.exprel(-k * log_h), _where(kneg, 1.0 / kn, -_inf))
        return lo, _where(kpos, 1.0 / kp, _inf)

    def _middle(self, h, k):
        return self._from_log(_np.log(0.5), h, k)

    @staticmethod
    def _from_log(log_p, h, k):
        """The z with log cdf ``log_p``: ``-log g exprel(k log g)`` with ``log g = log(-log_p) +
        log exprel(h log_p)`` (kept finite where ``g`` overflows)."""
        log_g = _log(-log_p) + _log_exprel(h * log_p)
        return -log_g * _sp.exprel(k * log_g)

    def _logs(self, z, k):
        return -z * _log1p_over(-k * z)

    def _parts(self, z, h, k):
        """``(far, log s, s, log cdf)``; ``far`` where ``s > e^600``, the cdf's log there
        ``(log(-h) + log s)/h`` for ``h < 0`` and ``-inf`` otherwise."""
        logs = self._logs(z, k)
        far = logs > 600.0
        hn = _where(h < 0.0, h, -1.0)
        s = _exp(_where(far, 0.0, logs))
        near = -s * _log1p_over(-h * s)
        far_log = _where(h < 0.0, (_log(-hn) + _where(far, logs, 1.0)) / hn, -_inf)
        return far, logs, s, _where(far, far_log, near)

    def _logcdf(self, z, h, k):
        return self._parts(z, h, k)[3]

    def _logpdf(self, z, h, k):
        # (1/k - 1) log1p(-kz) + (1/h - 1) log1p(-hs), each as -x (1 - c) log1p(-cx)/(-cx)
        far, logs, s, logcdf = self._parts(z, h, k)
        first = _where(k == 1.0, 0.0, -z * (1.0 - k) * _log1p_over(-k * z))
        second = _where(h == 1.0, 0.0, -s * (1.0 - h) * _log1p_over(-h * s))
        hn = _where(h < 0.0, h, -1.0)
        far_second = _where(h < 0.0, logcdf - _log(-hn) - _where(far, logs, 1.0), -_inf)
        return first + _where(far, far_second, second)

    def _cdf(self, z, h, k):
        return _exp(self._logcdf(z, h, k))

    def _sf(self, z, h, k):
        return -_o.expm1(self._logcdf(z, h, k))

    def _logsf(self, z, h, k):
        return _log1mexp(self._logcdf(z, h, k))

    def _ppf(self, q, h, k):
        return self._from_log(_log(q), h, k)

    def _isf(self, q, h, k):
        return self._from_log(_log1p(-q), h, k)


# --------------------------------------------------------------------------- Tukey lambda


def _tukey_q(log_p, log_1mp, lam):
    """The Tukey lambda quantile ``(p^λ - (1-p)^λ)/λ`` (``log(p/(1-p))`` at ``λ = 0``) from
    ``log p`` and ``log(1 - p)``."""
    return log_p * _sp.exprel(lam * log_p) - log_1mp * _sp.exprel(lam * log_1mp)


def _tukey_log_slope(log_p, log_1mp, lam):
    """``log dQ/dp = log(p^(λ-1) + (1-p)^(λ-1))`` (minus the log density)."""
    return _o.logaddexp((lam - 1.0) * log_p, (lam - 1.0) * log_1mp)


def _tukey_lower_start(u, lam):
    """``F(u)`` for ``u <= 0`` on plain values: from the better of ``tklmbda`` (which loses the far
    tails) and the tail's ``(1 + λu)^(1/λ)``, damped Newton steps on ``log F``."""
    u, lam = _np.broadcast_arrays(_np.asarray(u, dtype=float), _np.asarray(lam, dtype=float))

    def residual(v):
        return _np.asarray(_tukey_q(v, _np.log1p(-_np.exp(v)), lam)) - u

    with _np.errstate(all="ignore"):
        f = _sc.tklmbda(u, lam)
        lam_u = _np.maximum(lam * u, -1.0 + 1e-16)
        tail = _np.where(lam == 0.0, u, _np.log1p(lam_u) / _np.where(lam == 0.0, 1.0, lam))
        cands = [_np.minimum(_np.log(_np.where(f > 0.0, f, 1e-300)), _np.log(0.5)), _np.minimum(tail, _np.log(0.5))]
        errs = [_np.abs(residual(c)) for c in cands]
        v = _np.where(errs[0] <= errs[1], cands[0], cands[1])
        r = residual(v)
        for _ in range(60):
            d = _np.exp(v + _np.asarray(_tukey_log_slope(v, _np.log1p(-_np.exp(v)), lam)))  # p Q'(p)
            new = _np.minimum(v - r / d, -1e-300)
            rn = residual(new)
            for _ in range(30):  # halve a step that does not reduce the residual
                bad = ~(_np.abs(rn) <= _np.abs(r))
                if not bad.any():
                    break
                new = _np.where(bad, 0.5 * (v + new), new)
                rn = _np.where(bad, residual(new), rn)
            done = _np.all(_np.abs(new - v) <= 1e-15 * _np.abs(v))
            v, r = _np.where(_np.isfinite(rn), new, v), _np.where(_np.isfinite(rn), rn, r)
            if done:
                break
    return _np.exp(v)


class tukeylambda_gen(_rv_line):
    """Tukey's lambda distribution with any finite ``lam``: ppf ``(q^λ - (1-q)^λ)/λ`` (the
    logistic ``log(q/(1-q))`` at ``λ = 0``, the same formula through ``exprel``), support
    ``(-1/λ, 1/λ)`` for ``λ > 0``.  The cdf is the inverse of the ppf: on the values by
    Newton steps on ``log F`` in the lower tail (and ``1 - F(-z)`` above 0), with the
    implicit function's derivatives; the density is ``1 / Q'(F)``.  The cdf and the density
    need values (no ``jit``/``vmap``); the quantiles are closed forms.

    >>> from osculate.scipy import stats
    >>> round(float(stats.tukeylambda.cdf(0.0, 0.5)), 12)
    0.5
    """

    name, shapes, safe = "tukeylambda", ("lam",), (0.5,)

    def _valid(self, lam):
        return (_o.isfinite(lam),)

    def _bounds(self, lam):
        pos = lam > 0.0
        edge = _where(pos, 1.0 / _where(pos, lam, 1.0), _inf)
        return -edge, edge

    def _inside(self, z, lam):
        lo, hi = self._bounds(lam)
        return _all(z > lo, z < hi)

    def _lower(self, z, lam):
        """``(low, F(u))`` with ``u = -|z|`` (``F`` the cdf, by the implicit function)."""
        low = z <= 0.0
        u = _where(low, z, -z)

        def residual(p, u, lam):
            return _tukey_q(_log(p), _log1p(-p), lam) - u

        def slope(p, lam):
            return _exp(_tukey_log_slope(_log(p), _log1p(-p), lam))

        return low, _newton_inverse("tukeylambda.cdf", _tukey_lower_start, residual, slope, u, (lam,))

    def _logpdf(self, z, lam):
        _, p = self._lower(z, lam)
        return -_tukey_log_slope(_log(p), _log1p(-p), lam)

    def _cdf(self, z, lam):
        low, p = self._lower(z, lam)
        return _where(low, p, 1.0 - p)

    def _sf(self, z, lam):
        low, p = self._lower(z, lam)
        return _where(low, 1.0 - p, p)

    def _logcdf(self, z, lam):
        low, p = self._lower(z, lam)
        return _where(low, _log(p), _log1p(-p))

    def _logsf(self, z, lam):
        low, p = self._lower(z, lam)
        return _where(low, _log1p(-p), _log(p))

    def _ppf(self, q, lam):
        return _tukey_q(_log(q), _log1p(-q), lam)

    def _isf(self, q, lam):
        return -_tukey_q(_log(q), _log1p(-q), lam)


# --------------------------------------------------------------------------- rel_breitwigner

_RBW_TERMS = 32


class rel_breitwigner_gen(_half):
    """The relativistic Breit-Wigner distribution with ``rho > 0`` on ``z >= 0``: density
    ``N / ((z² - ρ²)² + ρ²)``.  The quartic factors as ``(z² - γz + m²)(z² + γz + m²)`` (``m² =
    ρ√(ρ²+1)``, ``γ² = 2(m² + ρ²)``, ``δ² = m² - γ²/4``), so the cdf is ``(δ/(πγ)) log1p(2γz/P) +
    atan2(2δz, m² - z²)/π`` (``P = (z - γ/2)² + δ²``; both terms positive), ``N = 4m²δ/π``.
    From ``z = 2m`` on, the sf is the series ``N Σ_k t_k z^{-2k-3}/(2k+3)`` of the tail
    ``∫ v² / (1 - 2ρ²v² + m⁴v⁴)`` in ``v = 1/z`` (32 terms; the closed forms cancel there).
    ppf and isf are Newton inverses from SciPy's values (no ``jit``/``vmap``).

    >>> from osculate.scipy import stats
    >>> round(float(stats.rel_breitwigner.cdf(1e300, 1.0)), 12)
    1.0
    """

    name, shapes, safe, lo, mid = "rel_breitwigner", ("rho",), (1.0,), 0.0, 1.0

    def _valid(self, rho):
        return (rho > 0.0,)

    @staticmethod
    def _consts(rho):
        root = _o.sqrt(rho * rho + 1.0)
        m2 = rho * root
        gamma = _o.sqrt(2.0 * (m2 + rho * rho))
        delta = _o.sqrt(0.5 * rho / (root + rho))  # √((m² - ρ²)/2)
        return m2, gamma, delta, _log(4.0 * m2 * delta / _np.pi)

    def _middle(self, rho):
        return _o.sqrt(rho * _o.sqrt(rho * rho + 1.0))

    def _logpdf(self, z, rho):
        _, _, _, log_n = self._consts(rho)
        d = (z - rho) * (z + rho)  # log(d² + ρ²), also where d² overflows
        big = _all(z > 1e60, z > 1e10 * rho)
        zb, ds = _where(big, z, 1e100), _where(big, 0.0, d)
        return log_n - _where(big, 4.0 * _log(zb) + 2.0 * _log1p(-(rho / zb) ** 2), _log(ds * ds + rho * rho))

    def _near(self, z, rho):
        """(cdf, sf) by the closed form, for ``z < 2m``."""
        m2, gamma, delta, _ = self._consts(rho)
        m = _o.sqrt(m2)
        p = (z - 0.5 * gamma) ** 2 + delta * delta
        lg = delta / (_np.pi * gamma) * _log1p(2.0 * gamma * z / p)
        cdf = lg + _o.arctan2(2.0 * delta * z, (m - z) * (m + z)) / _np.pi
        sf = _o.arctan2(2.0 * delta * z, (z - m) * (z + m)) / _np.pi - lg
        return cdf, sf

    def _far_logsf(self, z, rho):
        """log sf by the series, for ``z >= 2m``."""
        m2, _, _, log_n = self._consts(rho)
        y = 1.0 / (z * z)
        a, b = 2.0 * rho * rho * y, m2 * m2 * y * y
        prev, term = 0.0 * y, 1.0 + 0.0 * y
        total = term / 3.0
        for k in range(1, _RBW_TERMS + 1):
            prev, term = term, a * term - b * prev
            total = total + term / (2.0 * k + 3.0)
        return log_n - 3.0 * _log(z) + _log(total)

    def _split(self, z, rho):
        far = z >= 2.0 * self._middle(rho)
        zn = _where(far, 0.5 * self._middle(rho), z)
        zf = _where(far, z, 3.0 * self._middle(rho))
        return far, self._near(zn, rho), self._far_logsf(zf, rho)

    def _cdf(self, z, rho):
        far, (cdf, _), lsf = self._split(z, rho)
        return _where(far, -_o.expm1(lsf), cdf)

    def _sf(self, z, rho):
        far, (_, sf), lsf = self._split(z, rho)
        return _where(far, _exp(lsf), sf)

    def _logsf(self, z, rho):
        far, (cdf, sf), lsf = self._split(z, rho)
        return _where(far, lsf, _log_of(sf, cdf))

    def _logcdf(self, z, rho):
        far, (cdf, sf), lsf = self._split(z, rho)
        return _where(far, _log1mexp(lsf), _log_of(cdf, sf))

    def _ppf(self, q, rho):
        start = _polished(_scipy("rel_breitwigner.ppf"), lambda z, q, r: self._logcdf(z, r) - _np.log(q),
                          lambda z, r: _exp(self._logpdf(z, r) - self._logcdf(z, r)), steps=12, positive=True)
        return self._newton("ppf", start, self._cdf, 1.0, q, rho)

    def _isf(self, q, rho):
        start = _polished(_scipy("rel_breitwigner.isf"), lambda z, q, r: self._logsf(z, r) - _np.log(q),
                          lambda z, r: -_exp(self._logpdf(z, r) - self._logsf(z, r)), steps=12, positive=True)
        return self._newton("isf", start, self._sf, -1.0, q, rho)


# --------------------------------------------------------------------------- jf_skew_t


class jf_skew_t_gen(_rv_line):
    """Jones and Faddy's skew t distribution with ``a, b > 0``: with ``r = √(a + b + z²)``,
    ``y = (1 + z/r)/2`` is beta(a, b) distributed; ``y`` and ``1 - y`` are both computed without
    cancellation (``(a+b) / (2r(r + |z|))`` on the small side), the cdf is ``betainc(a, b, y)``
    (``betaincc`` of the complement above 1/2), the density ``(2y)^(a+1/2) (2(1-y))^(b+1/2) /
    (2^(a+b-1) B(a, b) √(a+b))``; quantiles ``(y - w) √(a+b) / (2√(y w))`` from ``betaincinv``
    and ``betainccinv``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.jf_skew_t.cdf(0.0, 2.0, 2.0)), 12)
    0.5
    """

    name, shapes, safe = "jf_skew_t", ("a", "b"), (1.0, 1.0)

    def _valid(self, a, b):
        return a > 0.0, b > 0.0

    @staticmethod
    def _yw(z, a, b):
        r = _o.sqrt(a + b + z * z)
        pos = z >= 0.0
        p = r + _where(pos, z, -z)  # r + |z|, with the derivative of each side at 0
        small, big = (a + b) / (2.0 * r * p), p / (2.0 * r)
        return _where(pos, big, small), _where(pos, small, big)

    def _logpdf(self, z, a, b):
        y, w = self._yw(z, a, b)
        return ((a + 0.5) * _log(2.0 * y) + (b + 0.5) * _log(2.0 * w) - (a + b - 1.0) * _LOG2
                - _sp.betaln(a, b) - 0.5 * _log(a + b))

    def _cdf(self, z, a, b):
        y, w = self._yw(z, a, b)
        return _ibeta(a, b, y, w)

    def _sf(self, z, a, b):
        y, w = self._yw(z, a, b)
        return _ibeta(b, a, w, y)

    @staticmethod
    def _from(y1, w2, a, b):
        """z from ``y1`` (the y of an inverse) and ``w2`` (the 1 - y of the other), each used
        where it is the smaller side."""
        first = y1 <= 0.5
        y = _where(first, y1, 1.0 - w2)
        w = _where(first, 1.0 - y1, w2)
        return (y - w) * _o.sqrt(a + b) / (2.0 * _o.sqrt(y * w))

    def _ppf(self, q, a, b):
        return self._from(_sp.betaincinv(a, b, q), _sp.betainccinv(b, a, q), a, b)

    def _isf(self, q, a, b):
        return self._from(_sp.betainccinv(a, b, q), _sp.betaincinv(b, a, q), a, b)


vonmises = vonmises_gen()
vonmises_line = vonmises_line_gen()
pearson3 = pearson3_gen()
genexpon = genexpon_gen()
alpha = alpha_gen()
kappa4 = kappa4_gen()
tukeylambda = tukeylambda_gen()
rel_breitwigner = rel_breitwigner_gen()
jf_skew_t = jf_skew_t_gen()
