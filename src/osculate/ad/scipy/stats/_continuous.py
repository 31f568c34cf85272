"""The continuous distributions of :mod:`osculate.ad.scipy.stats`."""

from __future__ import annotations

import numpy as _np
from scipy import special as _sc

from ... import numpy as _o
from .. import special as _sp
from ._base import (
    _LOG2, _LOG_PI, _LOG_SQRT_2PI, _all, _any, _exp, _expm1, _inf, _log, _log1p, _where, rv_continuous,
)

__all__ = ["norm", "lognorm", "uniform", "expon", "laplace", "logistic", "cauchy", "gamma", "chi2", "beta", "t"]


class norm_gen(rv_continuous):
    """The normal distribution: ``norm.logpdf(x, loc=0, scale=1)`` and so on.

    >>> from osculate.scipy import stats
    >>> float(stats.norm.cdf(0.0, loc=0.0, scale=3.0))
    0.5
    """

    name = "norm"

    def _logpdf(self, z):
        return -0.5 * z * z - _LOG_SQRT_2PI

    def _cdf(self, z):
        return _o.ndtr(z)

    def _sf(self, z):
        return _o.ndtr(-z)

    def _logcdf(self, z):
        return _o.log_ndtr(z)

    def _logsf(self, z):
        return _o.log_ndtr(-z)

    def _ppf(self, q):
        return _o.ndtri(q)

    def _isf(self, q):
        return -_o.ndtri(q)


class lognorm_gen(rv_continuous):
    """The log-normal distribution: ``lognorm.logpdf(x, s, loc=0, scale=1)``
    (``log((x - loc) / scale)`` is normal with standard deviation ``s``).

    >>> from osculate.scipy import stats
    >>> float(stats.lognorm.cdf(1.0, 0.5))
    0.5
    """

    name, shapes, safe, lo, mid = "lognorm", ("s",), (1.0,), 0.0, 1.0

    def _valid(self, s):
        return (s > 0.0,)

    def _inside(self, z, s):
        return _all(z > 0.0, z <= _inf)

    def _logpdf(self, z, s):
        w = _log(z)
        return -0.5 * (w / s) ** 2 - w - _log(s) - _LOG_SQRT_2PI

    def _cdf(self, z, s):
        return _o.ndtr(_log(z) / s)

    def _sf(self, z, s):
        return _o.ndtr(-_log(z) / s)

    def _logcdf(self, z, s):
        return _o.log_ndtr(_log(z) / s)

    def _logsf(self, z, s):
        return _o.log_ndtr(-_log(z) / s)

    def _ppf(self, q, s):
        return _exp(s * _o.ndtri(q))

    def _isf(self, q, s):
        return _exp(-s * _o.ndtri(q))


class uniform_gen(rv_continuous):
    """The uniform distribution on ``[loc, loc + scale]``.

    >>> from osculate.scipy import stats
    >>> float(stats.uniform.cdf(1.5, loc=1.0, scale=2.0))
    0.25
    """

    name, lo, hi, mid = "uniform", 0.0, 1.0, 0.5

    def _logpdf(self, z):
        return 0.0 * z

    def _cdf(self, z):
        return z

    def _logcdf(self, z):
        return _log(z)

    def _logsf(self, z):
        return _log1p(-z)

    def _ppf(self, q):
        return q

    def _isf(self, q):
        return 1.0 - q


class expon_gen(rv_continuous):
    """The exponential distribution: density ``exp(-z) / scale`` for ``z >= 0``.

    >>> from osculate.scipy import stats
    >>> float(stats.expon.logsf(3.0))
    -3.0
    """

    name, lo, mid = "expon", 0.0, 1.0

    def _logpdf(self, z):
        return -z

    def _cdf(self, z):
        return -_expm1(-z)

    def _sf(self, z):
        return _exp(-z)

    def _logcdf(self, z):
        small = z < _LOG2  # log(-expm1(-z)) near 0, log1p(-exp(-z)) in the tail
        return _where(small, _log(-_expm1(-_where(small, z, 0.5))), _log1p(-_exp(-_where(small, 1.0, z))))

    def _logsf(self, z):
        return -z

    def _ppf(self, q):
        return -_log1p(-q)

    def _isf(self, q):
        return -_log(q)


class laplace_gen(rv_continuous):
    """The Laplace (double exponential) distribution: density ``exp(-|z|) / (2 scale)``.

    >>> from osculate.scipy import stats
    >>> float(stats.laplace.cdf(0.0))
    0.5
    """

    name = "laplace"

    def _logpdf(self, z):
        return -_o.abs(z) - _LOG2

    def _logcdf(self, z):
        neg = z < 0.0
        return _where(neg, _where(neg, z, 0.0) - _LOG2, _log1p(-0.5 * _exp(-_where(neg, 0.0, z))))

    def _cdf(self, z):
        return _exp(self._logcdf(z))

    def _logsf(self, z):
        return self._logcdf(-z)

    def _sf(self, z):
        return _exp(self._logcdf(-z))

    def _ppf(self, q):
        low = q <= 0.5
        return _where(low, _log(2.0 * _where(low, q, 0.25)), -_log(2.0 - 2.0 * _where(low, 0.75, q)))

    def _isf(self, q):
        return -self._ppf(q)


class logistic_gen(rv_continuous):
    """The logistic distribution: cdf ``expit(z)``, its logs by ``log_expit``.

    >>> from osculate.scipy import stats
    >>> float(stats.logistic.ppf(0.5, loc=2.0))
    2.0
    """

    name = "logistic"

    def _logpdf(self, z):
        return _o.log_expit(z) + _o.log_expit(-z)

    def _cdf(self, z):
        return _o.expit(z)

    def _sf(self, z):
        return _o.expit(-z)

    def _logcdf(self, z):
        return _o.log_expit(z)

    def _logsf(self, z):
        return _o.log_expit(-z)

    def _ppf(self, q):
        return _o.logit(q)

    def _isf(self, q):
        return -_o.logit(q)


class cauchy_gen(rv_continuous):
    """The Cauchy distribution: density ``1 / (π scale (1 + z²))``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.cauchy.cdf(1.0)), 12)
    0.75
    """

    name = "cauchy"

    def _logpdf(self, z):
        return -_LOG_PI - _log1p(z * z)

    def _cdf(self, z):  # arctan2(1, -z) / π = 1/2 + arctan(z) / π, without cancellation in either tail
        return _o.arctan2(1.0, -z) / _np.pi

    def _sf(self, z):
        return _o.arctan2(1.0, z) / _np.pi

    def _ppf(self, q):  # tan(π (q - 1/2)); in the tails -1 / tan(π q), and 1 / tan(π (1 - q)) (1 - q exact)
        low, high = q < 0.25, q > 0.75
        mid = _where(_any(low, high), 0.5, q)
        return _where(low, -1.0 / _o.tan(_np.pi * _where(low, q, 0.25)),
                      _where(high, 1.0 / _o.tan(_np.pi * (1.0 - _where(high, q, 0.75))), _o.tan(_np.pi * (mid - 0.5))))

    def _isf(self, q):
        return -self._ppf(q)


class gamma_gen(rv_continuous):
    """The gamma distribution with shape ``a``: ``gamma.logpdf(x, a, loc=0, scale=1)``; the
    cdf is ``gammainc(a, z)``, the sf ``gammaincc(a, z)``.

    >>> import osculate as osc
    >>> from osculate.scipy import stats
    >>> round(float(osc.grad(lambda a: stats.gamma.logpdf(1.0, a))(1.0)), 12)  # -digamma(1)
    0.577215664902
    """

    name, shapes, safe, lo, mid = "gamma", ("a",), (1.0,), 0.0, 1.0

    def _valid(self, a):
        return (a > 0.0,)

    def _logpdf(self, z, a):
        return _sp.xlogy(a - 1.0, z) - z - _o.gammaln(a)

    def _cdf(self, z, a):
        return _sp.gammainc(a, z)

    def _sf(self, z, a):
        return _sp.gammaincc(a, z)

    def _ppf(self, q, a):
        return self._newton("ppf", lambda q, a: _sc.gammaincinv(a, q), self._cdf, 1.0, q, a)

    def _isf(self, q, a):
        return self._newton("isf", lambda q, a: _sc.gammainccinv(a, q), self._sf, -1.0, q, a)


class chi2_gen(rv_continuous):
    """The chi-squared distribution with ``df`` degrees of freedom (a gamma with ``a = df / 2``,
    ``scale = 2``).

    >>> from osculate.scipy import stats
    >>> round(float(stats.chi2.logsf(2.0, 2)), 12)
    -1.0
    """

    name, shapes, safe, lo, mid = "chi2", ("df",), (1.0,), 0.0, 1.0

    def _valid(self, df):
        return (df > 0.0,)

    def _logpdf(self, z, df):
        return gamma._logpdf(0.5 * z, 0.5 * df) - _LOG2

    def _cdf(self, z, df):
        return _sp.gammainc(0.5 * df, 0.5 * z)

    def _sf(self, z, df):
        return _sp.gammaincc(0.5 * df, 0.5 * z)

    def _ppf(self, q, df):
        return self._newton("ppf", lambda q, df: 2.0 * _sc.gammaincinv(0.5 * df, q), self._cdf, 1.0, q, df)

    def _isf(self, q, df):
        return self._newton("isf", lambda q, df: 2.0 * _sc.gammainccinv(0.5 * df, q), self._sf, -1.0, q, df)


class beta_gen(rv_continuous):
    """The beta distribution on [0, 1] with shapes ``a``, ``b``; the cdf is ``betainc(a, b, z)``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.beta.cdf(0.5, 2.0, 2.0)), 12)
    0.5
    """

    name, shapes, safe, lo, hi, mid = "beta", ("a", "b"), (1.0, 1.0), 0.0, 1.0, 0.5

    def _valid(self, a, b):
        return a > 0.0, b > 0.0

    def _logpdf(self, z, a, b):
        return _sp.xlogy(a - 1.0, z) + _sp.xlog1py(b - 1.0, -z) - _sp.betaln(a, b)

    def _cdf(self, z, a, b):
        return _sp.betainc(a, b, z)

    def _sf(self, z, a, b):
        return _sp.betainc(b, a, 1.0 - z)

    def _ppf(self, q, a, b):
        return self._newton("ppf", lambda q, a, b: _sc.betaincinv(a, b, q), self._cdf, 1.0, q, a, b)

    def _isf(self, q, a, b):
        return self._newton("isf", lambda q, a, b: _sc.betainccinv(a, b, q), self._sf, -1.0, q, a, b)


class t_gen(rv_continuous):
    """Student's t distribution with ``df`` degrees of freedom; its tails are
    ``betainc(df / 2, 1 / 2, df / (df + z²)) / 2``.

    >>> from osculate.scipy import stats
    >>> float(stats.t.cdf(0.0, 3.0))
    0.5
    """

    name, shapes, safe = "t", ("df",), (1.0,)

    def _valid(self, df):
        return (df > 0.0,)

    def _logpdf(self, z, df):
        return (_o.gammaln(0.5 * (df + 1.0)) - _o.gammaln(0.5 * df) - 0.5 * _log(df * _np.pi)
                - 0.5 * (df + 1.0) * _log1p(z * z / df))

    def _cdf(self, z, df):
        # three forms, each without cancellation in its value and first two derivatives:
        # for z² < 1e-4 df the series 1/2 + pdf(0) Σ_k C(-(df+1)/2, k) z^(2k+1) / ((2k+1) df^k);
        # up to z² = df, 1/2 ± betainc(1/2, df/2, z² / (df + z²)) / 2; beyond, the tail
        # betainc(df/2, 1/2, df / (df + z²)) / 2 (there df / (df + z²) < 1/2)
        w = z * z / df
        tiny = w < 1e-4
        near = _all(w < 1.0, _o.logical_not(tiny))
        far = _o.logical_not(_any(near, tiny))
        zt, zn, zf = _where(tiny, z, 0.0), _where(near, z, 1.0), _where(far, z, 1.0)
        wt, m = zt * zt / df, 0.5 * (df + 1.0)
        coef, power, series = 1.0, zt, zt
        for k in range(1, 6):
            coef = -coef * (m + (k - 1)) / k
            power = power * wt
            series = series + coef * power / (2 * k + 1)
        small = 0.5 + series * _exp(self._logpdf(0.0 * z, df))
        centre = 0.5 + 0.5 * _o.sign(zn) * _sp.betainc(0.5, 0.5 * df, zn * zn / (df + zn * zn))
        tail = 0.5 * _sp.betainc(0.5 * df, 0.5, df / (df + zf * zf))
        return _where(tiny, small, _where(near, centre, _where(zf < 0.0, tail, 1.0 - tail)))

    def _sf(self, z, df):
        return self._cdf(-z, df)

    def _ppf(self, q, df):
        return self._newton("ppf", lambda q, df: _sc.stdtrit(df, q), self._cdf, 1.0, q, df)

    def _isf(self, q, df):
        return self._newton("isf", lambda q, df: -_sc.stdtrit(df, q), self._sf, -1.0, q, df)


norm = norm_gen()
lognorm = lognorm_gen()
uniform = uniform_gen()
expon = expon_gen()
laplace = laplace_gen()
logistic = logistic_gen()
cauchy = cauchy_gen()
gamma = gamma_gen()
chi2 = chi2_gen()
beta = beta_gen()
t = t_gen()
