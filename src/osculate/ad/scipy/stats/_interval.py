"""The continuous distributions of :mod:`osculate.ad.scipy.stats` on bounded intervals.

Each is written in its standard form ``z = (x - loc) / scale`` with osculate's
primitives, so ``x``, ``loc``, ``scale`` and the shape parameters are all
differentiable.  Next to the support's ends the sf is not computed as
``1 - cdf`` (nor the cdf as ``1 - sf``) where that would lose digits.  The
``ppf``/``isf`` are closed forms (``rdist``'s and ``semicircular``'s through
``betaincinv``, truncnorm's through ``ndtri_exp``, all differentiable) except
those of ``cosine`` and ``argus``, which start from SciPy's inverse and add
Newton steps (so they need values: no ``jit``/``vmap`` for those two).

truncnorm: ``a`` and ``b`` are in standard units, as in SciPy.
"""

from __future__ import annotations

import numpy as _np

from ... import numpy as _o
from ...util import lazy_module as _lazy_module
from .. import special as _sp
from ._base import _LOG2, _LOG_PI, _LOG_SQRT_2PI, _all, _any, _exp, _expm1, _inf, _log, _log1p, _where, rv_continuous
from ._realline import _log1mexp_neg, _log_gauss_mass, _neg_expm1, _rv_line

_ss = _lazy_module("scipy.stats")  # (SciPy's distributions: starting points of quantile searches)

__all__ = ["truncnorm", "triang", "trapezoid", "arcsine", "anglit", "semicircular", "cosine", "bradford", "powerlaw",
           "johnsonsb", "loguniform", "reciprocal", "truncexpon", "rdist", "truncweibull_min", "argus"]

_LOG_2_OVER_PI = float(_np.log(2.0 / _np.pi))
_GL_NODES, _GL_WEIGHTS = _np.polynomial.legendre.leggauss(20)
_PI_LO = 1.2246467991473532e-16  # π - float(π): the ends of cosine and anglit computed as (π - |z|) + _PI_LO


class truncnorm_gen(_rv_line):
    """The normal distribution truncated to ``[a, b]`` (``a``, ``b`` in standard units, before
    ``loc`` and ``scale``, as SciPy).  The mass ``Φ(b) - Φ(a)`` and the cdfs are computed from
    whichever tail keeps them accurate, the inverses with ``ndtri_exp``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.truncnorm.cdf(0.0, -1.0, 1.0)), 12)
    0.5
    """

    name, shapes, safe = "truncnorm", ("a", "b"), (-1.0, 1.0)

    def _valid(self, a, b):
        ok = a < b
        return ok, ok

    def _bounds(self, a, b):
        return a, b

    def _middle(self, a, b):
        fa, fb = _o.isfinite(a), _o.isfinite(b)
        both = _all(fa, fb)
        return _where(both, 0.5 * (_where(fa, a, 0.0) + _where(fb, b, 0.0)),
                      _where(fa, _where(fa, a, 0.0) + 1.0, _where(fb, _where(fb, b, 0.0) - 1.0, 0.0)))

    def _logpdf(self, z, a, b):
        return -0.5 * z * z - _LOG_SQRT_2PI - _log_gauss_mass(a, b)

    def _raw(self, z, a, b):  # at the ends themselves the logs are -inf and 0 (not log(0), whose slope is inf)
        at_a, at_b = z <= a, z >= b
        zs = _where(_any(at_a, at_b), self._middle(a, b), z)
        mass = _log_gauss_mass(a, b)
        lc, ls = _log_gauss_mass(a, zs) - mass, _log_gauss_mass(zs, b) - mass
        return _where(at_a, -_inf, _where(at_b, 0.0, lc)), _where(at_b, -_inf, _where(at_a, 0.0, ls))

    def _logcdf(self, z, a, b):  # the complement's log1p where the log cdf is near 0 (as SciPy)
        lc, ls = self._raw(z, a, b)
        near = lc > -0.1
        return _where(near, _log1p(-_exp(_where(near, ls, -1.0))), lc)

    def _logsf(self, z, a, b):
        lc, ls = self._raw(z, a, b)
        near = ls > -0.1
        return _where(near, _log1p(-_exp(_where(near, lc, -1.0))), ls)

    def _cdf(self, z, a, b):
        return _exp(self._logcdf(z, a, b))

    def _sf(self, z, a, b):
        return _exp(self._logsf(z, a, b))

    def _ppf(self, q, a, b):
        mass = _log_gauss_mass(a, b)
        left = a < 0.0
        return _where(left, _sp.ndtri_exp(_o.logaddexp(_o.log_ndtr(a), _log(q) + mass)),
                      -_sp.ndtri_exp(_o.logaddexp(_o.log_ndtr(-b), _log1p(-q) + mass)))

    def _isf(self, q, a, b):  # the ppf's two forms at 1 - q (log1p(-q) and log q kept exact)
        mass = _log_gauss_mass(a, b)
        left = a < 0.0
        return _where(left, _sp.ndtri_exp(_o.logaddexp(_o.log_ndtr(a), _log1p(-q) + mass)),
                      -_sp.ndtri_exp(_o.logaddexp(_o.log_ndtr(-b), _log(q) + mass)))


class triang_gen(rv_continuous):
    """The triangular distribution on ``[0, 1]`` with its mode at ``c`` (``0 <= c <= 1``).

    >>> from osculate.scipy import stats
    >>> float(stats.triang.cdf(0.25, 0.5))
    0.125
    """

    name, shapes, safe, lo, hi, mid = "triang", ("c",), (0.5,), 0.0, 1.0, 0.5

    def _valid(self, c):
        return (_all(c >= 0.0, c <= 1.0),)

    def _logpdf(self, z, c):
        low = z < c
        cl = _where(low, c, 0.5)
        up = c < 1.0
        cu = _where(up, c, 0.5)
        return _where(low, _LOG2 + _log(z) - _log(cl),
                      _where(up, _LOG2 + _log1p(-z) - _log1p(-cu), _LOG2 + 0.0 * z))

    def _cdf(self, z, c):
        low = z < c
        cl = _where(low, c, 0.5)
        up = c < 1.0
        cu = _where(up, c, 0.5)
        return _where(low, z * z / cl, _where(up, (z * (2.0 - z) - cu) / (1.0 - cu), 1.0 + 0.0 * z))

    def _sf(self, z, c):
        return self._cdf(1.0 - z, 1.0 - c)

    def _ppf(self, q, c):  # (safe arguments in both branches: at c = 0 or 1 one of them is sqrt(0))
        low = q < c
        return _where(low, _o.sqrt(_where(low, c * q, 0.25)), 1.0 - _o.sqrt(_where(low, 0.25, (1.0 - c) * (1.0 - q))))

    def _isf(self, q, c):
        return 1.0 - self._ppf(q, 1.0 - c)


class trapezoid_gen(rv_continuous):
    """The trapezoidal distribution on ``[0, 1]``: rising on ``[0, c]``, flat on ``[c, d]``,
    falling on ``[d, 1]`` (``0 <= c <= d <= 1``).

    >>> from osculate.scipy import stats
    >>> float(stats.trapezoid.cdf(0.5, 0.25, 0.75))
    0.5
    """

    name, shapes, safe, lo, hi, mid = "trapezoid", ("c", "d"), (0.25, 0.75), 0.0, 1.0, 0.5

    def _valid(self, c, d):
        ok = _all(c >= 0.0, c <= d, d <= 1.0)
        return ok, ok

    def _logpdf(self, z, c, d):
        low, high = z < c, z > d
        cl, dh = _where(low, c, 0.5), _where(high, d, 0.5)
        logh = _LOG2 - _log1p(d - c)
        return logh + _where(low, _log(z) - _log(cl), _where(high, _log1p(-z) - _log1p(-dh), 0.0 * z))

    def _cdf(self, z, c, d):
        low, high = z < c, z > d
        cl, dh = _where(low, c, 0.5), _where(high, d, 0.5)
        w = 1.0 + d - c
        return _where(low, z * z / (cl * w), _where(high, 1.0 - (1.0 - z) ** 2 / (w * (1.0 - dh)), (2.0 * z - c) / w))

    def _sf(self, z, c, d):  # the mirror image: 1 - z under the shapes 1 - d, 1 - c
        return self._cdf(1.0 - z, 1.0 - d, 1.0 - c)

    def _ppf(self, q, c, d):
        w = 1.0 + d - c
        low, high = q < c / w, q > (2.0 * d - c) / w
        return _where(low, _o.sqrt(_where(low, q * c * w, 0.25)),
                      _where(high, 1.0 - _o.sqrt(_where(high, (1.0 - q) * w * (1.0 - d), 0.25)), 0.5 * (q * w + c)))

    def _isf(self, q, c, d):
        return 1.0 - self._ppf(q, 1.0 - d, 1.0 - c)


class arcsine_gen(rv_continuous):
    """The arcsine distribution on ``[0, 1]``: density ``1 / (π √(z (1 - z)))``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.arcsine.cdf(0.5)), 12)
    0.5
    """

    name, lo, hi, mid = "arcsine", 0.0, 1.0, 0.5

    def _logpdf(self, z):
        return -_LOG_PI - 0.5 * (_log(z) + _log1p(-z))

    def _cdf(self, z):
        return 2.0 / _np.pi * _o.arcsin(_o.sqrt(z))

    def _sf(self, z):
        return 2.0 / _np.pi * _o.arcsin(_o.sqrt(1.0 - z))

    def _ppf(self, q):
        return _o.sin(0.5 * _np.pi * q) ** 2

    def _isf(self, q):
        return _o.cos(0.5 * _np.pi * q) ** 2


class anglit_gen(rv_continuous):
    """The anglit distribution on ``[-π/4, π/4]``: density ``cos(2z)``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.anglit.cdf(0.0)), 12)
    0.5
    """

    name, lo, hi, mid = "anglit", -_np.pi / 4, _np.pi / 4, 0.0

    def _logpdf(self, z):  # cos 2z, and next to the ends sin(2 (π/4 - |z|)) with π/4 to double double
        far = _o.abs(z) > 0.5
        zc, zf = _where(far, 0.0, z), _where(far, z, 0.75)
        return _where(far, _log(_o.sin(2.0 * ((_np.pi / 4 - _o.abs(zf)) + _PI_LO / 4))), _log(_o.cos(2.0 * zc)))

    def _cdf(self, z):  # (0 and 1 at the rounded ends themselves, as SciPy)
        return _where(z == self.lo, 0.0, _o.sin((z + _np.pi / 4) + _PI_LO / 4) ** 2)

    def _sf(self, z):
        return _where(z == self.hi, 0.0, _o.sin((_np.pi / 4 - z) + _PI_LO / 4) ** 2)

    def _ppf(self, q):
        return _o.arcsin(_o.sqrt(q)) - _np.pi / 4

    def _isf(self, q):
        return _np.pi / 4 - _o.arcsin(_o.sqrt(q))


class rdist_gen(rv_continuous):
    """The R distribution on ``[-1, 1]``: density ``∝ (1 - z²)^(c/2 - 1)``; ``(z + 1) / 2`` is
    beta with both shapes ``c / 2``, so the cdf is ``betainc`` and the inverse ``betaincinv``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.rdist.cdf(0.0, 3.0)), 12)
    0.5
    """

    name, shapes, safe, lo, hi, mid = "rdist", ("c",), (2.0,), -1.0, 1.0, 0.0

    def _valid(self, c):
        return (c > 0.0,)

    def _logpdf(self, z, c):
        h = 0.5 * c
        return _sp.xlog1py(h - 1.0, z) + _sp.xlog1py(h - 1.0, -z) - _sp.betaln(h, h) - (c - 1.0) * _LOG2

    def _cdf(self, z, c):
        return _sp.betainc(0.5 * c, 0.5 * c, 0.5 * (1.0 + z))

    def _sf(self, z, c):
        return _sp.betainc(0.5 * c, 0.5 * c, 0.5 * (1.0 - z))

    def _ppf(self, q, c):
        return 2.0 * _sp.betaincinv(0.5 * c, 0.5 * c, q) - 1.0

    def _isf(self, q, c):
        return -self._ppf(q, c)


class semicircular_gen(rv_continuous):
    """Wigner's semicircle distribution on ``[-1, 1]``: density ``(2/π) √(1 - z²)`` (``rdist``
    with ``c = 3``; its cdf is computed as that ``betainc``, accurate near both ends).

    >>> from osculate.scipy import stats
    >>> round(float(stats.semicircular.cdf(0.0)), 12)
    0.5
    """

    name, lo, hi, mid = "semicircular", -1.0, 1.0, 0.0

    def _logpdf(self, z):
        return _LOG_2_OVER_PI + 0.5 * (_log1p(z) + _log1p(-z))

    def _cdf(self, z):
        return rdist._cdf(z, 3.0)

    def _sf(self, z):
        return rdist._sf(z, 3.0)

    def _ppf(self, q):
        return rdist._ppf(q, 3.0)

    def _isf(self, q):
        return -rdist._ppf(q, 3.0)


class cosine_gen(rv_continuous):
    """The raised cosine distribution on ``[-π, π]``: density ``(1 + cos z) / (2π)``.

    The cdf ``(u - sin u) / (2π)`` (``u = π + z``) is a series near the lower end; the
    ``ppf``/``isf`` start from SciPy's inverse and add Newton steps (no ``jit``/``vmap``).

    >>> from osculate.scipy import stats
    >>> float(stats.cosine.cdf(0.0))
    0.5
    """

    name, lo, hi, mid = "cosine", -_np.pi, _np.pi, 0.0

    def _inside(self, z):  # the density vanishes at ±π: the (rounded) ends count as outside, as in SciPy
        return _all(z > self.lo, z < self.hi)

    def _logpdf(self, z):  # 1 + cos z = 2 cos²(z/2), next to the ends 2 sin²((π - |z|) / 2)
        far = _o.abs(z) > 2.0
        zc, zf = _where(far, 0.0, z), _where(far, z, 3.0)
        return _where(far, 2.0 * _log(_o.sin(0.5 * ((_np.pi - _o.abs(zf)) + _PI_LO))),
                      2.0 * _log(_o.cos(0.5 * zc))) - _LOG_PI

    def _cdf(self, z):  # the lower half directly, the upper as 1 - sf (so the slopes keep their digits too)
        up = z > 0.0
        return _where(up, 1.0 - self._lower(-_where(up, z, 1.0)), self._lower(_where(up, -1.0, z)))

    def _lower(self, z):
        u = (_np.pi + z) + _PI_LO
        small = u < 0.5
        us = _where(small, u, 0.25)
        term, series = us * us * us / 6.0, 0.0 * us
        for k in range(1, 10):  # u - sin u = Σ_{k>=1} (-1)^(k+1) u^(2k+1) / (2k+1)!
            series = series + term
            term = -term * us * us / ((2 * k + 2) * (2 * k + 3))
        ub = _where(small, 1.0, u)
        return _where(small, series, ub - _o.sin(ub)) / (2.0 * _np.pi)

    def _sf(self, z):
        return self._cdf(-z)

    def _logcdf(self, z):
        up = z > 0.0
        return _where(up, _log1p(-self._lower(-_where(up, z, 1.0))), _log(self._lower(_where(up, -1.0, z))))

    def _logsf(self, z):
        return self._logcdf(-z)

    def _ppf(self, q):
        return self._newton("ppf", lambda q: _ss.cosine.ppf(q), self._cdf, 1.0, q)

    def _isf(self, q):
        return self._newton("isf", lambda q: _ss.cosine.isf(q), self._sf, -1.0, q)


class bradford_gen(rv_continuous):
    """The Bradford distribution on ``[0, 1]``: density ``c / (log1p(c) (1 + c z))``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.bradford.cdf(1.0 / 3.0, 3.0)), 12)  # log(2) / log(4)
    0.5
    """

    name, shapes, safe, lo, hi, mid = "bradford", ("c",), (1.0,), 0.0, 1.0, 0.5

    def _valid(self, c):
        return (c > 0.0,)

    def _logpdf(self, z, c):
        return _log(c) - _log1p(c * z) - _log(_log1p(c))

    def _cdf(self, z, c):
        return _log1p(c * z) / _log1p(c)

    def _sf(self, z, c):  # log((1 + c) / (1 + c z)) / log1p(c)
        return _log1p(c * (1.0 - z) / (1.0 + c * z)) / _log1p(c)

    def _ppf(self, q, c):
        return _expm1(q * _log1p(c)) / c

    def _isf(self, q, c):
        return _expm1((1.0 - q) * _log1p(c)) / c


class powerlaw_gen(rv_continuous):
    """The power-function distribution on ``[0, 1]``: cdf ``z^a``.

    >>> from osculate.scipy import stats
    >>> float(stats.powerlaw.cdf(0.5, 2.0))
    0.25
    """

    name, shapes, safe, lo, hi, mid = "powerlaw", ("a",), (1.0,), 0.0, 1.0, 0.5

    def _valid(self, a):
        return (a > 0.0,)

    def _inside(self, z, a):  # as SciPy, z = 0 is outside the support when a < 1 (the density is infinite there)
        return _all(_where(a < 1.0, z > 0.0, z >= 0.0), z <= 1.0)

    def _logpdf(self, z, a):
        return _log(a) + _sp.xlogy(a - 1.0, z)

    def _cdf(self, z, a):
        return _o.power(z, a)

    def _logcdf(self, z, a):
        return a * _log(z)

    def _sf(self, z, a):
        return -_sp.powm1(z, a)

    def _logsf(self, z, a):
        return _log(-_sp.powm1(z, a))

    def _ppf(self, q, a):
        return _o.power(q, 1.0 / a)

    def _isf(self, q, a):
        return _exp(_log1p(-q) / a)


class johnsonsb_gen(rv_continuous):
    """Johnson's SB distribution on ``[0, 1]``: ``a + b logit(z)`` is standard normal.

    >>> from osculate.scipy import stats
    >>> float(stats.johnsonsb.cdf(0.5, 0.0, 2.0))
    0.5
    """

    name, shapes, safe, lo, hi, mid = "johnsonsb", ("a", "b"), (0.0, 1.0), 0.0, 1.0, 0.5

    def _valid(self, a, b):
        return _o.logical_not(_o.isnan(a)), b > 0.0

    def _inside(self, z, a, b):  # the density vanishes at both ends: they are handled as outside
        return _all(z > 0.0, z < 1.0)

    def _logpdf(self, z, a, b):
        w = a + b * _o.logit(z)
        return _log(b) - _log(z) - _log1p(-z) - 0.5 * w * w - _LOG_SQRT_2PI

    def _cdf(self, z, a, b):
        return _o.ndtr(a + b * _o.logit(z))

    def _sf(self, z, a, b):
        return _o.ndtr(-(a + b * _o.logit(z)))

    def _logcdf(self, z, a, b):
        return _o.log_ndtr(a + b * _o.logit(z))

    def _logsf(self, z, a, b):
        return _o.log_ndtr(-(a + b * _o.logit(z)))

    def _ppf(self, q, a, b):
        return _o.expit((_o.ndtri(q) - a) / b)

    def _isf(self, q, a, b):
        return _o.expit((-_o.ndtri(q) - a) / b)


class reciprocal_gen(rv_continuous):
    """The log-uniform (reciprocal) distribution on ``[a, b]``, ``0 < a < b``: ``log z`` is uniform.
    ``loguniform`` and ``reciprocal`` are the same distribution, as in SciPy.

    >>> from osculate.scipy import stats
    >>> float(stats.loguniform.cdf(10.0, 1.0, 100.0))
    0.5
    """

    name, shapes, safe = "reciprocal", ("a", "b"), (1.0, 2.0)

    def _valid(self, a, b):
        ok = _all(a > 0.0, b > a)
        return ok, ok

    def _bounds(self, a, b):
        return a, b

    def _middle(self, a, b):
        return _o.sqrt(a * b)

    def _span(self, a, b):
        return _log(b) - _log(a)

    def _logpdf(self, z, a, b):
        return -_log(z) - _log(self._span(a, b))

    def _cdf(self, z, a, b):
        return (_log(z) - _log(a)) / self._span(a, b)

    def _sf(self, z, a, b):
        return (_log(b) - _log(z)) / self._span(a, b)

    def _ppf(self, q, a, b):
        return _exp(_log(a) + q * self._span(a, b))

    def _isf(self, q, a, b):
        return _exp(_log(b) - q * self._span(a, b))


class loguniform_gen(reciprocal_gen):
    """The log-uniform distribution on ``[a, b]`` (the same as ``reciprocal``).

    >>> from osculate.scipy import stats
    >>> round(float(stats.loguniform.ppf(0.5, 1.0, 100.0)), 12)
    10.0
    """

    name = "loguniform"


class truncexpon_gen(rv_continuous):
    """The exponential distribution truncated to ``[0, b]``: density ``e⁻ᶻ / (1 - e⁻ᵇ)``.

    >>> from osculate.scipy import stats
    >>> float(stats.truncexpon.cdf(2.0, 2.0))
    1.0
    """

    name, shapes, safe = "truncexpon", ("b",), (1.0,)

    def _valid(self, b):
        return (b > 0.0,)

    def _bounds(self, b):
        return 0.0 * b, b

    def _middle(self, b):
        return 0.5 * b

    def _logpdf(self, z, b):
        return -z - _log1mexp_neg(b)

    def _cdf(self, z, b):
        return _neg_expm1(-z) / _neg_expm1(-b)

    def _logcdf(self, z, b):  # log1p(-sf) where the sf is small (the difference of logs cancels there)
        sf = self._sf(z, b)
        return _where(sf < 0.5, _log1p(-_where(sf < 0.5, sf, 0.0)), _log1mexp_neg(z) - _log1mexp_neg(b))

    def _sf(self, z, b):  # e⁻ᶻ (1 - e^{z - b}) / (1 - e⁻ᵇ)
        return _exp(-z) * _neg_expm1(z - b) / _neg_expm1(-b)

    def _logsf(self, z, b):
        cdf = self._cdf(z, b)
        return _where(cdf < 0.5, _log1p(-_where(cdf < 0.5, cdf, 0.0)), -z + _log1mexp_neg(b - z) - _log1mexp_neg(b))

    def _ppf(self, q, b):
        return -_log1p(q * _expm1(-b))

    def _isf(self, q, b):
        return -_log(_exp(-b) - q * _expm1(-b))


class truncweibull_min_gen(_rv_line):
    """The Weibull distribution (shape ``c``) truncated to ``[a, b]``, ``0 <= a < b``: with
    ``A = aᶜ``, ``B = bᶜ``, ``X = zᶜ`` the cdf is ``expm1(A - X) / expm1(A - B)``.

    >>> from osculate.scipy import stats
    >>> float(stats.truncweibull_min.cdf(2.0, 1.0, 0.0, 2.0))
    1.0
    """

    name, shapes, safe = "truncweibull_min", ("c", "a", "b"), (1.0, 0.0, 1.0)

    def _valid(self, c, a, b):
        ok = _all(a >= 0.0, b > a)
        return c > 0.0, ok, ok

    def _bounds(self, c, a, b):
        return a, b

    def _middle(self, c, a, b):
        return _where(_o.isfinite(b), 0.5 * (a + _where(_o.isfinite(b), b, 0.0)), a + 1.0)

    @staticmethod
    def _ends(c, a, b):
        """``aᶜ`` and ``bᶜ`` (a constant inf for an infinite ``b``, so no slope of inf reaches c)."""
        fb = _o.isfinite(b)
        return _o.power(a, c), _where(fb, _o.power(_where(fb, b, 1.0), c), _inf)

    @staticmethod
    def _diffs(z, c, a, b):
        """``A = aᶜ``, ``B = bᶜ`` and the differences ``X - A``, ``X - B`` (``X = zᶜ``) as
        ``aᶜ expm1(c log1p((z - a) / a))``..., accurate next to the ends."""
        pa, fb = a > 0.0, _o.isfinite(b)
        a1, b1 = _where(pa, a, 1.0), _where(fb, b, 1.0)
        A, B = truncweibull_min_gen._ends(c, a, b)
        xa = _where(pa, A * _expm1(c * _log1p((z - a1) / a1)), _o.power(z, c))
        xb = _where(fb, _where(fb, B, 1.0) * _expm1(c * _log1p((z - b1) / b1)), -_inf)
        return A, B, xa, xb

    def _logpdf(self, z, c, a, b):
        A, B, xa, _ = self._diffs(z, c, a, b)
        return _log(c) + _sp.xlogy(c - 1.0, z) - xa - _log1mexp_neg(B - A)

    def _cdf(self, z, c, a, b):
        A, B, xa, _ = self._diffs(z, c, a, b)
        return _neg_expm1(-xa) / _neg_expm1(A - B)

    def _logcdf(self, z, c, a, b):  # log1p(-sf) where the sf is small (the difference of logs cancels there)
        A, B, xa, _ = self._diffs(z, c, a, b)
        sf = self._sf(z, c, a, b)
        small = sf < 0.5
        return _where(small, _log1p(-_where(small, sf, 0.0)), _log1mexp_neg(xa) - _log1mexp_neg(B - A))

    def _sf(self, z, c, a, b):
        A, B, xa, xb = self._diffs(z, c, a, b)
        return _exp(-xa) * _neg_expm1(xb) / _neg_expm1(A - B)

    def _logsf(self, z, c, a, b):
        A, B, xa, xb = self._diffs(z, c, a, b)
        cdf = self._cdf(z, c, a, b)
        small = cdf < 0.5
        return _where(small, _log1p(-_where(small, cdf, 0.0)), -xa + _log1mexp_neg(-xb) - _log1mexp_neg(B - A))

    @staticmethod
    def _solve(p, pc, A, B):
        """``-log((1 - p) e^{-A} + p e^{-B})`` (``pc = 1 - p`` given exactly): ``A - log1p(p expm1(A - B))``,
        or where that ``expm1`` is below -1/2, ``A - log(pc + p e^{A - B})`` (a sum, no cancellation)."""
        e = _expm1(A - B)
        near = e > -0.5
        return A - _where(near, _log1p(p * _where(near, e, 0.0)), _log(pc + p * _exp(A - B)))

    def _ppf(self, q, c, a, b):
        return _o.power(self._solve(q, 1.0 - q, *self._ends(c, a, b)), 1.0 / c)

    def _isf(self, q, c, a, b):
        return _o.power(self._solve(1.0 - q, q, *self._ends(c, a, b)), 1.0 / c)


class argus_gen(rv_continuous):
    """The ARGUS distribution on ``[0, 1]`` with ``χ > 0``: density ``∝ z √(1 - z²) exp(-χ² (1 - z²) / 2)``.

    With ``u = χ²/2`` and ``v = u (1 - z²)`` the sf is ``gammainc(3/2, v) / gammainc(3/2, u)``; the
    cdf is the integral of ``√t e⁻ᵗ`` over ``[v, u]``: by 20-point Gauss-Legendre where that
    interval is short (``u - v <= 2``) and away from 0 (``z² <= 1/2``), as
    ``gammaincc(3/2, v) - gammaincc(3/2, u)`` where it is long, else (a cdf above 1/4) as
    ``1 - sf``: accurate where ``1 - sf`` alone cancels.  The ``ppf``/``isf`` start from SciPy's
    inverse refined by plain Newton steps on these values, then add Newton steps that carry the
    derivatives (no ``jit``/``vmap``).

    >>> from osculate.scipy import stats
    >>> round(float(stats.argus.cdf(1.0, 1.5)), 12)
    1.0
    """

    name, shapes, safe, lo, hi, mid = "argus", ("chi",), (1.0,), 0.0, 1.0, 0.5

    def _valid(self, chi):
        return (chi > 0.0,)

    def _logpdf(self, z, chi):
        u = 0.5 * chi * chi
        return (3.0 * _log(chi) - _LOG_SQRT_2PI - _log(0.5 * _sp.gammainc(1.5, u)) + _log(z) + 0.5 * _log1p(-z * z)
                - u * (1.0 - z * z))

    def _sf(self, z, chi):
        u = 0.5 * chi * chi
        return _sp.gammainc(1.5, u * (1.0 - z) * (1.0 + z)) / _sp.gammainc(1.5, u)

    def _cdf(self, z, chi):
        u = 0.5 * chi * chi
        w = u * z * z  # u - v
        quad = _all(z * z <= 0.5, w <= 2.0)  # a short interval away from t = 0: Gauss-Legendre
        tails = w > 2.0  # (then u > 2) gammaincc(v) - gammaincc(u), the second at most e^{-2} √2 of the first
        zq, zt = _where(quad, z, 0.5), _where(tails, z, 0.9)
        uq, ut = _where(quad, u, 1.0), _where(tails, u, 4.0)
        half = 0.5 * uq * zq * zq
        t = (uq - half) + half * _GL_NODES.reshape((-1,) + (1,) * _np.ndim(z * chi))
        integral = half * _o.sum(_GL_WEIGHTS.reshape(t.shape[:1] + (1,) * (t.ndim - 1)) * _o.sqrt(t) * _exp(-t), axis=0)
        head = integral / (0.5 * _np.sqrt(_np.pi)) / _sp.gammainc(1.5, uq)
        diff = (_sp.gammaincc(1.5, ut * (1.0 - zt) * (1.0 + zt)) - _sp.gammaincc(1.5, ut)) / _sp.gammainc(1.5, ut)
        rest = _any(quad, tails)  # else z² > 1/2 with u < 4: the cdf is not small, 1 - sf
        return _where(quad, head, _where(tails, diff, 1.0 - self._sf(_where(rest, 0.9, z), _where(rest, 1.0, chi))))

    def _logsf(self, z, chi):  # log1p(-cdf) where the cdf is small (the difference of logs cancels there)
        u = 0.5 * chi * chi
        cdf = self._cdf(z, chi)
        low = cdf < 0.5
        zh = _where(low, 0.9, z)
        return _where(low, _log1p(-_where(low, cdf, 0.0)),
                      _log(_sp.gammainc(1.5, u * (1.0 - zh) * (1.0 + zh))) - _log(_sp.gammainc(1.5, u)))

    def _logcdf(self, z, chi):
        cdf = self._cdf(z, chi)
        high = cdf > 0.5
        return _where(high, _log1p(-self._sf(_where(high, z, 0.9), chi)), _log(_where(high, 0.5, cdf)))

    def _refined(self, method, q, chi):
        """SciPy's inverse (off in the lower tail, where its cdf is 1 - sf), then plain Newton steps on
        this module's log cdf in ``log z`` where the cdf is the smaller side, else on the log sf in
        ``log(1 - z)`` (both steps are near 2 and 3/2 at the ends, so a rough start does)."""
        q, chi = _np.broadcast_arrays(_np.asarray(q, dtype=float), _np.asarray(chi, dtype=float))
        with _np.errstate(all="ignore"):
            y = _np.asarray(getattr(_ss.argus, method)(q, chi), dtype=float)
            p = q if method == "ppf" else 1.0 - q  # the cdf sought
            lower = p < 0.5
            target = _np.where(lower, _np.log(_np.where(method == "ppf", q, -_np.expm1(_np.log(q)))),
                               _np.log(_np.where(method == "ppf", -_np.expm1(_np.log(q)), q)))
            inside = (y > 0.0) & (y < 1.0) & _np.isfinite(target)
            # in the far tails start from cdf ≈ c₀ z² and sf ≈ c₁ (1 - z)^(3/2)
            c0 = _np.exp(_np.asarray(self._logcdf(_np.full_like(chi, 1e-4), chi))) / 1e-8
            c1 = _np.exp(_np.asarray(self._logsf(_np.full_like(chi, 1.0 - 1e-4), chi))) / 1e-6
            y = _np.where(lower & (target < -20.0), _np.sqrt(_np.exp(target) / c0), y)
            y = _np.where(~lower & (target < -20.0), 1.0 - (_np.exp(target) / c1) ** (2.0 / 3.0), y)
            y = _np.where(inside, y, 0.5)
            for _ in range(8):
                s = 1.0 - y
                logpdf = _np.asarray(self._logpdf(y, chi))
                lc, ls = _np.asarray(self._logcdf(y, chi)), _np.asarray(self._logsf(y, chi))
                step_low = _np.clip((lc - target) / _np.exp(_np.log(y) + logpdf - lc), -5.0, 5.0)
                step_up = _np.clip((ls - target) / _np.exp(_np.log(s) + logpdf - ls), -5.0, 5.0)
                y = _np.where(lower, y * _np.exp(-step_low), 1.0 - s * _np.exp(-step_up))
                y = _np.clip(y, 1e-300, 1.0 - 1e-16)
            return _np.where(inside, y, _np.asarray(getattr(_ss.argus, method)(q, chi), dtype=float))

    def _ppf(self, q, chi):
        return self._newton("ppf", lambda q, chi: self._refined("ppf", q, chi), self._cdf, 1.0, q, chi)

    def _isf(self, q, chi):
        return self._newton("isf", lambda q, chi: self._refined("isf", q, chi), self._sf, -1.0, q, chi)


truncnorm = truncnorm_gen()
triang = triang_gen()
trapezoid = trapezoid_gen()
arcsine = arcsine_gen()
anglit = anglit_gen()
rdist = rdist_gen()
semicircular = semicircular_gen()
cosine = cosine_gen()
bradford = bradford_gen()
powerlaw = powerlaw_gen()
johnsonsb = johnsonsb_gen()
reciprocal = reciprocal_gen()
loguniform = loguniform_gen()
truncexpon = truncexpon_gen()
truncweibull_min = truncweibull_min_gen()
argus = argus_gen()
