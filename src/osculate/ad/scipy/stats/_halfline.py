"""The continuous distributions of :mod:`osculate.ad.scipy.stats` on the half line
(support ``z >= 0``, or a part of it set by a shape parameter).

Each is written in the standard variable ``z = (x - loc) / scale`` with the
stable forms in the tails: a survival function ``exp(-t)`` keeps ``-t`` as its
log and ``-expm1(-t)`` as its complement, ``log(1 - e^t)`` switches between
``log(-expm1(t))`` and ``log1p(-exp(t))``, ``log(1 + z^c)`` is a softplus of
``c log z``.  The quantiles are closed forms, or the inverses of the incomplete
gamma and beta functions (``gammaincinv``, ``betaincinv``...), which are
differentiable in all their arguments, so they run under ``jit`` and ``vmap``;
only ``invgauss``, ``wald``, ``recipinvgauss`` and ``foldnorm`` start their
``ppf``/``isf`` from SciPy's values and add Newton steps (no ``jit``/``vmap``
for those two methods).

Limit: the logs of the cdfs and sfs that are incomplete gamma or beta functions
(chi, maxwell, nakagami, erlang, invgamma, gengamma, halfgennorm, f, betaprime)
are the logs of those values, so they become ``-inf`` where the value underflows
(below about 1e-308), as SciPy's do.
"""

from __future__ import annotations

import warnings as _warnings

import numpy as _np

from ... import numpy as _o
from ...util import lazy_module as _lazy_module
from .. import special as _sp
from ._continuous import laplace as _laplace
from ._base import (
    _LOG2, _LOG_SQRT_2PI, _all, _any, _exp, _expm1, _inf, _log, _log1p, _where, rv_continuous,
)

_ss = _lazy_module("scipy.stats")  # (SciPy's distributions: starting points of quantile searches)

__all__ = [
    "weibull_min", "halfnorm", "rayleigh", "pareto", "lomax", "invgamma", "f", "chi", "maxwell", "halfcauchy",
    "halflogistic", "fisk", "burr12", "burr", "gompertz", "genpareto", "invgauss", "wald", "betaprime", "nakagami",
    "exponweib", "invweibull", "levy", "gengamma", "erlang", "loglaplace", "powerlognorm", "recipinvgauss",
    "fatiguelife", "foldnorm", "halfgennorm", "mielke",
]

_SQRT2 = float(_np.sqrt(2.0))
_LOG_2_OVER_PI = float(_np.log(2.0 / _np.pi))


# --------------------------------------------------------------------------- helpers


def _softplus(t):
    """``log(1 + e^t)``."""
    return _o.logaddexp(0.0, t)


def _logaddexp(a, b):
    """``log(e^a + e^b)`` as ``max + log1p(exp(min - max))``: its derivatives stay exact when
    ``a`` and ``b`` are huge (``logaddexp``'s lose the difference ``log 2`` there)."""
    first = a >= b
    hi, lo = _where(first, a, b), _where(first, b, a)
    fin = _o.isfinite(hi)
    return _where(fin, hi + _log1p(_exp(_where(fin, lo - hi, 0.0))), hi)


def _log1mexp(t):
    """``log(1 - e^t)`` for ``t <= 0``: ``log(-expm1(t))`` near 0, ``log1p(-exp(t))`` below ``-log 2``."""
    near = t > -_LOG2
    return _where(near, _log(-_expm1(_where(near, t, -1.0))), _log1p(-_exp(_where(near, -1.0, t))))


def _logpos(z):
    """``log z`` for ``z >= 0`` (``-inf`` at 0, where the argument is kept safe for the derivatives)."""
    pos = z > 0.0
    return _where(pos, _log(_where(pos, z, 1.0)), -_inf)


def _pow(z, c):
    """``z ** c`` for ``z >= 0`` (``c > 0`` where ``z = 0``); at ``z = 0`` its derivative in ``z``
    is ``c 0^(c - 1)`` (1 when ``c = 1``) and in ``c`` the limit 0."""
    pos = z > 0.0
    return _where(pos, _o.power(_where(pos, z, 1.0), c), _o.power(_where(pos, 1.0, z), _o.stop_gradient(c)))


def _log1p_pow(z, c):
    """``log(1 + z^c)`` for ``z >= 0``: ``log1p(z^c)`` up to 1, ``c log z + log1p(z^-c)`` beyond."""
    small = z <= 1.0
    zb = _where(small, 2.0, z)
    return _where(small, _log1p(_pow(_where(small, z, 0.5), c)), c * _log(zb) + _log1p(_o.power(zb, -c)))


def _xlogz_at0(e):
    """The value of ``xlogy(e, 0)``: 0, ``+inf`` or ``-inf`` by the sign of ``e`` (no derivative)."""
    return _where(e == 0.0, 0.0, _where(e < 0.0, _inf, -_inf))


def _xlogz(e, z):
    """``e log z`` for ``z >= 0`` (``xlogy``), safe for the derivatives at ``z = 0``."""
    pos = z > 0.0
    return _where(pos, _sp.xlogy(e, _where(pos, z, 1.0)), _xlogz_at0(e))


def _scipy(method):
    """SciPy's ``method`` (``"invgauss.ppf"``...) on plain values, without its warnings: the
    start of a Newton inverse."""
    dist, name = method.split(".")

    def start(*args):
        fn = getattr(getattr(_ss, dist), name)  # (read here: SciPy's stats are imported on first use)
        with _warnings.catch_warnings(), _np.errstate(all="ignore"):
            _warnings.simplefilter("ignore")
            return fn(*args)

    return start


_TINY = float(_np.finfo(float).tiny)


def _odds(y, w):
    """``y / w`` for ``w = 1 - y`` from an inverse of ``betainc``: ``betaincinv`` stops at the
    smallest normal number, so ``w`` there stands for a smaller value and the ratio overflows."""
    under = w <= _TINY
    return _where(under, _inf, y / _where(under, 1.0, w))


def _ibeta(a, b, y, w):
    """``betainc(a, b, y)`` given both ``y`` and ``w = 1 - y`` (each computed accurately): above
    ``y = 1/2`` as ``betaincc(b, a, w)``, so that neither ``y`` nor ``w`` is rounded near 1."""
    low = y <= 0.5
    return _where(low, _sp.betainc(a, b, _where(low, y, 0.5)), _sp.betaincc(b, a, _where(low, 0.5, w)))


class _half(rv_continuous):
    """The support without its infinite end (there the density is 0 and the cdf 1, given by
    the masking rather than by limits of the formulas); ``open_lo``: without its lower end
    either (where the formulas are undefined and the density vanishes)."""

    open_lo = False

    def _inside(self, z, *s):
        lo, hi = self._bounds(*s)
        return _all(z > lo if self.open_lo else z >= lo, z <= hi, z < _inf)


# --------------------------------------------------------------------------- Weibull and friends


class weibull_min_gen(_half):
    """The Weibull (minimum) distribution with shape ``c > 0``: sf ``exp(-z^c)``.

    >>> from osculate.scipy import stats
    >>> float(stats.weibull_min.logsf(2.0, 3.0))
    -8.0
    """

    name, shapes, safe, lo, mid = "weibull_min", ("c",), (1.0,), 0.0, 1.0

    def _valid(self, c):
        return (c > 0.0,)

    def _logpdf(self, z, c):
        return _log(c) + _xlogz(c - 1.0, z) - _pow(z, c)

    def _cdf(self, z, c):
        return -_expm1(-_pow(z, c))

    def _sf(self, z, c):
        return _exp(-_pow(z, c))

    def _logcdf(self, z, c):
        return _log1mexp(-_pow(z, c))

    def _logsf(self, z, c):
        return -_pow(z, c)

    def _ppf(self, q, c):
        return _exp(_log(-_log1p(-q)) / c)

    def _isf(self, q, c):
        return _exp(_log(-_log(q)) / c)


class halfnorm_gen(_half):
    """The half-normal distribution (``|N(0, 1)|``): cdf ``erf(z / √2)``.

    >>> from osculate.scipy import stats
    >>> float(stats.halfnorm.cdf(0.0))
    0.0
    """

    name, lo, mid = "halfnorm", 0.0, 1.0

    def _logpdf(self, z):
        return 0.5 * _LOG_2_OVER_PI - 0.5 * z * z

    def _cdf(self, z):
        return _sp.erf(z / _SQRT2)

    def _sf(self, z):
        return _sp.erfc(z / _SQRT2)

    def _logsf(self, z):
        return _LOG2 + _o.log_ndtr(-z)

    def _ppf(self, q):
        return _SQRT2 * _sp.erfinv(q)

    def _isf(self, q):
        return _SQRT2 * _sp.erfcinv(q)


class rayleigh_gen(_half):
    """The Rayleigh distribution: density ``z exp(-z²/2)``.

    >>> from osculate.scipy import stats
    >>> float(stats.rayleigh.logsf(2.0))
    -2.0
    """

    name, lo, mid, open_lo = "rayleigh", 0.0, 1.0, True  # as SciPy's

    def _logpdf(self, z):
        return _logpos(z) - 0.5 * z * z

    def _cdf(self, z):
        return -_expm1(-0.5 * z * z)

    def _sf(self, z):
        return _exp(-0.5 * z * z)

    def _logcdf(self, z):
        return _log1mexp(-0.5 * z * z)

    def _logsf(self, z):
        return -0.5 * z * z

    def _ppf(self, q):
        return _o.sqrt(-2.0 * _log1p(-q))

    def _isf(self, q):
        return _o.sqrt(-2.0 * _log(q))


class pareto_gen(_half):
    """The Pareto distribution with shape ``b > 0`` on ``z >= 1``: sf ``z^-b``.

    >>> from osculate.scipy import stats
    >>> float(stats.pareto.sf(4.0, 0.5))
    0.5
    """

    name, shapes, safe, lo, mid = "pareto", ("b",), (1.0,), 1.0, 2.0

    def _valid(self, b):
        return (b > 0.0,)

    def _logpdf(self, z, b):
        return _log(b) - (b + 1.0) * _log(z)

    def _cdf(self, z, b):
        return -_expm1(-b * _log(z))

    def _sf(self, z, b):
        return _exp(-b * _log(z))

    def _logcdf(self, z, b):
        return _log1mexp(-b * _log(z))

    def _logsf(self, z, b):
        return -b * _log(z)

    def _ppf(self, q, b):
        return _exp(-_log1p(-q) / b)

    def _isf(self, q, b):
        return _exp(-_log(q) / b)


class lomax_gen(_half):
    """The Lomax (Pareto II) distribution with shape ``c > 0``: sf ``(1 + z)^-c``.

    >>> from osculate.scipy import stats
    >>> float(stats.lomax.sf(3.0, 0.5))
    0.5
    """

    name, shapes, safe, lo, mid = "lomax", ("c",), (1.0,), 0.0, 1.0

    def _valid(self, c):
        return (c > 0.0,)

    def _logpdf(self, z, c):
        return _log(c) - (c + 1.0) * _log1p(z)

    def _cdf(self, z, c):
        return -_expm1(-c * _log1p(z))

    def _sf(self, z, c):
        return _exp(-c * _log1p(z))

    def _logcdf(self, z, c):
        return _log1mexp(-c * _log1p(z))

    def _logsf(self, z, c):
        return -c * _log1p(z)

    def _ppf(self, q, c):
        return _expm1(-_log1p(-q) / c)

    def _isf(self, q, c):
        return _expm1(-_log(q) / c)


class invgamma_gen(_half):
    """The inverted gamma distribution with shape ``a > 0`` (``1 / z`` is gamma): cdf
    ``gammaincc(a, 1 / z)``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.invgamma.cdf(1.0, 1.0)), 12)  # exp(-1)
    0.367879441171
    """

    name, shapes, safe, lo, mid = "invgamma", ("a",), (1.0,), 0.0, 1.0

    def _valid(self, a):
        return (a > 0.0,)

    open_lo = True

    def _logpdf(self, z, a):
        return -(a + 1.0) * _log(z) - _o.gammaln(a) - 1.0 / z

    def _cdf(self, z, a):
        return _sp.gammaincc(a, 1.0 / z)

    def _sf(self, z, a):
        return _sp.gammainc(a, 1.0 / z)

    def _ppf(self, q, a):
        return 1.0 / _sp.gammainccinv(a, q)

    def _isf(self, q, a):
        return 1.0 / _sp.gammaincinv(a, q)


class f_gen(_half):
    """The F distribution with ``dfn``, ``dfd`` degrees of freedom: cdf
    ``betainc(dfn/2, dfd/2, dfn z / (dfn z + dfd))`` (``betaincc`` of the complement above 1/2).

    >>> from osculate.scipy import stats
    >>> round(float(stats.f.cdf(1.0, 4.0, 4.0)), 12)
    0.5
    """

    name, shapes, safe, lo, mid = "f", ("dfn", "dfd"), (1.0, 1.0), 0.0, 1.0

    def _valid(self, dfn, dfd):
        return dfn > 0.0, dfd > 0.0

    def _logpdf(self, z, dfn, dfd):
        m, n = 0.5 * dfn, 0.5 * dfd
        return (m * _log(dfn) + n * _log(dfd) + _xlogz(m - 1.0, z) - (m + n) * _log(dfd + dfn * z)
                - _sp.betaln(m, n))

    def _cdf(self, z, dfn, dfd):
        d = dfn * z + dfd
        return _ibeta(0.5 * dfn, 0.5 * dfd, dfn * z / d, dfd / d)

    def _sf(self, z, dfn, dfd):
        d = dfn * z + dfd
        return _ibeta(0.5 * dfd, 0.5 * dfn, dfd / d, dfn * z / d)

    def _ppf(self, q, dfn, dfd):  # y / (1 - y) with y and 1 - y each from its own inverse
        m, n = 0.5 * dfn, 0.5 * dfd
        return dfd / dfn * _odds(_sp.betaincinv(m, n, q), _sp.betainccinv(n, m, q))

    def _isf(self, q, dfn, dfd):
        m, n = 0.5 * dfn, 0.5 * dfd
        return dfd / dfn * _odds(_sp.betainccinv(m, n, q), _sp.betaincinv(n, m, q))


class chi_gen(_half):
    """The chi distribution with ``df`` degrees of freedom (the norm of a standard normal
    vector): cdf ``gammainc(df / 2, z² / 2)``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.chi.sf(2.0, 2.0)), 12)  # exp(-2)
    0.135335283237
    """

    name, shapes, safe, lo, mid = "chi", ("df",), (1.0,), 0.0, 1.0

    def _valid(self, df):
        return (df > 0.0,)

    def _logpdf(self, z, df):
        return (1.0 - 0.5 * df) * _LOG2 + _xlogz(df - 1.0, z) - 0.5 * z * z - _o.gammaln(0.5 * df)

    def _cdf(self, z, df):
        return _sp.gammainc(0.5 * df, 0.5 * z * z)

    def _sf(self, z, df):
        return _sp.gammaincc(0.5 * df, 0.5 * z * z)

    def _ppf(self, q, df):
        return _o.sqrt(2.0 * _sp.gammaincinv(0.5 * df, q))

    def _isf(self, q, df):
        return _o.sqrt(2.0 * _sp.gammainccinv(0.5 * df, q))


class maxwell_gen(_half):
    """The Maxwell distribution (chi with 3 degrees of freedom).

    >>> from osculate.scipy import stats
    >>> float(stats.maxwell.cdf(0.0))
    0.0
    """

    name, lo, mid = "maxwell", 0.0, 1.0

    def _logpdf(self, z):
        return 0.5 * _LOG_2_OVER_PI + 2.0 * _logpos(z) - 0.5 * z * z

    def _cdf(self, z):
        return _sp.gammainc(1.5, 0.5 * z * z)

    def _sf(self, z):
        return _sp.gammaincc(1.5, 0.5 * z * z)

    def _ppf(self, q):
        return _o.sqrt(2.0 * _sp.gammaincinv(1.5, q))

    def _isf(self, q):
        return _o.sqrt(2.0 * _sp.gammainccinv(1.5, q))


class halfcauchy_gen(_half):
    """The half-Cauchy distribution: density ``2 / (π (1 + z²))``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.halfcauchy.cdf(1.0)), 12)
    0.5
    """

    name, lo, mid = "halfcauchy", 0.0, 1.0

    def _logpdf(self, z):
        return _LOG_2_OVER_PI - _log1p(z * z)

    def _cdf(self, z):
        return _o.arctan2(z, 1.0) * (2.0 / _np.pi)

    def _sf(self, z):
        return _o.arctan2(1.0, z) * (2.0 / _np.pi)

    def _ppf(self, q):  # tan(π q / 2); above 1/2 as 1 / tan(π (1 - q) / 2), without the pole's cancellation
        high = q > 0.5
        return _where(high, 1.0 / _o.tan(0.5 * _np.pi * (1.0 - _where(high, q, 0.25))),
                      _o.tan(0.5 * _np.pi * _where(high, 0.25, q)))

    def _isf(self, q):
        return 1.0 / self._ppf(q)


class halflogistic_gen(_half):
    """The half-logistic distribution: cdf ``tanh(z / 2)``, sf ``2 expit(-z)``.

    >>> from osculate.scipy import stats
    >>> float(stats.halflogistic.sf(0.0))
    1.0
    """

    name, lo, mid = "halflogistic", 0.0, 1.0

    def _logpdf(self, z):
        return _LOG2 + _o.log_expit(z) + _o.log_expit(-z)

    def _cdf(self, z):
        return _o.tanh(0.5 * z)

    def _sf(self, z):
        return 2.0 * _o.expit(-z)

    def _logsf(self, z):
        return _LOG2 + _o.log_expit(-z)

    def _ppf(self, q):
        return 2.0 * _o.arctanh(q)

    def _isf(self, q):
        return _log(2.0 - q) - _log(q)


class burr_gen(_half):
    """The Burr (type III) distribution with shapes ``c, d > 0``: cdf ``(1 + z^-c)^-d``.

    >>> from osculate.scipy import stats
    >>> float(stats.burr.cdf(1.0, 2.0, 1.0))
    0.5
    """

    name, shapes, safe, lo, mid = "burr", ("c", "d"), (1.0, 1.0), 0.0, 1.0

    def _valid(self, c, d):
        return c > 0.0, d > 0.0

    def _logpdf(self, z, c, d):
        return _log(c) + _log(d) + _xlogz(c * d - 1.0, z) - (d + 1.0) * _log1p_pow(z, c)

    def _logcdf(self, z, c, d):
        return -d * _softplus(-c * _logpos(z))

    def _cdf(self, z, c, d):
        return _exp(self._logcdf(z, c, d))

    def _sf(self, z, c, d):
        return -_expm1(self._logcdf(z, c, d))

    def _logsf(self, z, c, d):
        return _log1mexp(self._logcdf(z, c, d))

    def _ppf(self, q, c, d):
        return _exp(-_log(_expm1(-_log(q) / d)) / c)

    def _isf(self, q, c, d):
        return _exp(-_log(_expm1(-_log1p(-q) / d)) / c)


class fisk_gen(_half):
    """The Fisk (log-logistic) distribution with shape ``c > 0``: cdf ``expit(c log z)``.

    >>> from osculate.scipy import stats
    >>> float(stats.fisk.cdf(1.0, 3.0))
    0.5
    """

    name, shapes, safe, lo, mid = "fisk", ("c",), (1.0,), 0.0, 1.0

    def _valid(self, c):
        return (c > 0.0,)

    def _logpdf(self, z, c):
        return _log(c) + _xlogz(c - 1.0, z) - 2.0 * _log1p_pow(z, c)

    def _logsf(self, z, c):  # -log(1 + z^c): burr12's with d = 1
        return -_log1p_pow(z, c)

    def _sf(self, z, c):
        return _exp(self._logsf(z, c))

    def _cdf(self, z, c):
        return -_expm1(self._logsf(z, c))

    def _logcdf(self, z, c):
        return _log1mexp(self._logsf(z, c))

    def _ppf(self, q, c):
        return _exp(_o.logit(q) / c)

    def _isf(self, q, c):
        return _exp(-_o.logit(q) / c)


class burr12_gen(_half):
    """The Burr type XII (Singh-Maddala) distribution with shapes ``c, d > 0``: sf
    ``(1 + z^c)^-d``.

    >>> from osculate.scipy import stats
    >>> float(stats.burr12.sf(1.0, 2.0, 1.0))
    0.5
    """

    name, shapes, safe, lo, mid = "burr12", ("c", "d"), (1.0, 1.0), 0.0, 1.0

    def _valid(self, c, d):
        return c > 0.0, d > 0.0

    def _logpdf(self, z, c, d):
        return _log(c) + _log(d) + _xlogz(c - 1.0, z) - (d + 1.0) * _log1p_pow(z, c)

    def _logsf(self, z, c, d):
        return -d * _log1p_pow(z, c)

    def _sf(self, z, c, d):
        return _exp(self._logsf(z, c, d))

    def _cdf(self, z, c, d):
        return -_expm1(self._logsf(z, c, d))

    def _logcdf(self, z, c, d):
        return _log1mexp(self._logsf(z, c, d))

    def _ppf(self, q, c, d):
        return _exp(_log(_expm1(-_log1p(-q) / d)) / c)

    def _isf(self, q, c, d):
        return _exp(_log(_expm1(-_log(q) / d)) / c)


class gompertz_gen(_half):
    """The Gompertz distribution with shape ``c > 0``: sf ``exp(-c (e^z - 1))``.

    >>> from osculate.scipy import stats
    >>> float(stats.gompertz.logsf(0.0, 2.0))
    -0.0
    """

    name, shapes, safe, lo, mid = "gompertz", ("c",), (1.0,), 0.0, 1.0

    def _valid(self, c):
        return (c > 0.0,)

    def _logpdf(self, z, c):
        return _log(c) + z - c * _expm1(z)

    def _logsf(self, z, c):
        return -c * _expm1(z)

    def _sf(self, z, c):
        return _exp(-c * _expm1(z))

    # the cdf is 1 (to the last bit) well before e^z overflows: z stops at 700 there, so that its
    # derivatives are 0 rather than 0 * inf
    def _cdf(self, z, c):
        return -_expm1(-c * _expm1(_o.minimum(z, 700.0)))

    def _logcdf(self, z, c):
        return _log1mexp(-c * _expm1(_o.minimum(z, 700.0)))

    def _ppf(self, q, c):
        return _log1p(-_log1p(-q) / c)

    def _isf(self, q, c):
        return _log1p(-_log(q) / c)


def _log1p_ratio(t):
    """``log1p(t) / t`` for ``t > -1``, by its series where ``|t|`` is small (1 at ``t = 0``)."""
    small = _o.abs(t) < 1e-3
    ts = _where(small, t, 0.0)
    series = 1.0 + ts * (-1.0 / 2 + ts * (1.0 / 3 + ts * (-1.0 / 4 + ts * (1.0 / 5 + ts * (-1.0 / 6)))))
    tb = _where(small, 1.0, t)
    return _where(small, series, _log1p(tb) / tb)


class genpareto_gen(_half):
    """The generalized Pareto distribution with shape ``c`` (any real): sf
    ``(1 + c z)^(-1/c)`` (``exp(-z)`` at ``c = 0``); the support is ``z >= 0``, cut at
    ``-1/c`` when ``c < 0``.

    >>> from osculate.scipy import stats
    >>> float(stats.genpareto.cdf(3.0, -0.5))  # beyond -1/c = 2
    1.0
    """

    name, shapes, safe = "genpareto", ("c",), (0.5,)

    def _valid(self, c):
        return (_o.isfinite(c),)

    def _bounds(self, c):
        neg = c < 0.0
        return 0.0, _where(neg, -1.0 / _where(neg, c, -1.0), _inf)

    def _middle(self, c):
        neg = c < 0.0
        return _where(neg, -0.5 / _where(neg, c, -1.0), 1.0)

    def _logsf(self, z, c):
        # -log1p(c z) / c = -z log1p(c z) / (c z); at the end -1/c of a c < 0 support, -inf
        return -z * _log1p_ratio(c * z)

    def _logpdf(self, z, c):
        # -(c + 1) log1p(c z) / c; written as xlog1py away from c z = 0 (0 at the end when c = -1)
        t = c * z
        small = _o.abs(t) < 1e-3
        cb = _where(small, 1.0, c)
        big = -_sp.xlog1py(cb + 1.0, _where(small, 1.0, t)) / cb
        return _where(small, -(c + 1.0) * z * _log1p_ratio(_where(small, t, 0.0)), big)

    def _sf(self, z, c):
        return _exp(self._logsf(z, c))

    def _cdf(self, z, c):
        return -_expm1(self._logsf(z, c))

    def _logcdf(self, z, c):
        return _log1mexp(self._logsf(z, c))

    def _ppf(self, q, c):  # ((1 - q)^-c - 1) / c = w exprel(c w) with w = -log1p(-q)
        w = -_log1p(-q)
        return w * _sp.exprel(c * w)

    def _isf(self, q, c):
        w = -_log(q)
        return w * _sp.exprel(c * w)


class invgauss_gen(_half):
    """The inverse Gaussian distribution with mean ``mu > 0`` (shape 1): cdf
    ``Φ((z/mu - 1)/√z) + exp(2/mu) Φ(-(z/mu + 1)/√z)``, summed (and, for the sf, subtracted)
    in logs.  ``ppf``/``isf`` start from SciPy's values (no ``jit``/``vmap``).

    >>> from osculate.scipy import stats
    >>> round(float(stats.invgauss.logpdf(1.0, 1.0)), 12)  # -log(2π) / 2
    -0.918938533205
    """

    name, shapes, safe, lo, mid, open_lo = "invgauss", ("mu",), (1.0,), 0.0, 1.0, True

    def _valid(self, mu):
        return (mu > 0.0,)

    def _logpdf(self, z, mu):
        return -_LOG_SQRT_2PI - 1.5 * _log(z) - (z / mu - 1.0) ** 2 / (2.0 * z)

    @staticmethod
    def _terms(z, mu):
        r = 1.0 / _o.sqrt(z)
        return r * (z / mu - 1.0), r * (z / mu + 1.0)

    def _logcdf(self, z, mu):
        a, b = self._terms(z, mu)
        return _logaddexp(_o.log_ndtr(a), 2.0 / mu + _o.log_ndtr(-b))

    def _logsf(self, z, mu):
        # log(Φ(-a) - exp(2/mu) Φ(-b)) = log Φ(-a) + log(1 - e^d); for a > 0, as b² - a² = 4/mu,
        # d = log(erfcx(b/√2) / erfcx(a/√2)) exactly, without the cancellation of the two logs
        # far out (a > 30) erfcx(x) = S(x) / (x √π) with S's asymptotic series, so that
        # d = -log1p(2 mu / (z - mu)) + log S(b/√2) - log S(a/√2), without the ratio's rounding
        a, b = self._terms(z, mu)
        la = _o.log_ndtr(-a)
        pos, far = a > 0.0, a > 30.0
        mid = _o.logical_and(pos, _o.logical_not(far))
        ap, bp = _where(mid, a, 1.0), _where(mid, b, 2.0)
        d_mid = _log(_sp.erfcx(bp / _SQRT2) / _sp.erfcx(ap / _SQRT2))
        af, bf, zf = _where(far, a, 31.0), _where(far, b, 32.0), _where(far, z, 2.0)
        muf = _where(far, mu, 1.0)
        d_far = -_log1p(2.0 * muf / (zf - muf)) + self._log_s(bf) - self._log_s(af)
        d = _where(far, d_far, _where(pos, d_mid, 2.0 / mu + _o.log_ndtr(-b) - la))
        return la + _log1mexp(_o.minimum(d, 0.0))

    @staticmethod
    def _log_s(a):
        """``log(erfcx(a/√2) (a/√2) √π)`` for ``a > 30``: log1p of ``Σ_k (-1)^k (2k-1)!! / a^(2k)``."""
        w = 1.0 / (a * a)
        term, total = 1.0, 0.0
        for k in range(1, 10):
            term = -term * (2 * k - 1) * w
            total = total + term
        return _log1p(total)

    def _cdf(self, z, mu):
        return _exp(self._logcdf(z, mu))

    def _sf(self, z, mu):
        return _exp(self._logsf(z, mu))

    def _ppf(self, q, mu):
        return self._newton("ppf", _scipy("invgauss.ppf"), self._cdf, 1.0, q, mu)

    def _isf(self, q, mu):
        return self._newton("isf", _scipy("invgauss.isf"), self._sf, -1.0, q, mu)


class wald_gen(_half):
    """The Wald distribution: ``invgauss`` with ``mu = 1``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.wald.logpdf(1.0)), 12)
    -0.918938533205
    """

    name, lo, mid, open_lo = "wald", 0.0, 1.0, True

    def _logpdf(self, z):
        return invgauss._logpdf(z, 1.0)

    def _logcdf(self, z):
        return invgauss._logcdf(z, 1.0)

    def _logsf(self, z):
        return invgauss._logsf(z, 1.0)

    def _cdf(self, z):
        return invgauss._cdf(z, 1.0)

    def _sf(self, z):
        return invgauss._sf(z, 1.0)

    def _ppf(self, q):
        return self._newton("ppf", _scipy("wald.ppf"), self._cdf, 1.0, q)

    def _isf(self, q):
        return self._newton("isf", _scipy("wald.isf"), self._sf, -1.0, q)


class recipinvgauss_gen(_half):
    """The reciprocal inverse Gaussian distribution with shape ``mu > 0`` (``1 / z`` is
    ``invgauss(mu)``: the cdf is invgauss's sf at ``1 / z``).  ``ppf``/``isf`` start from
    SciPy's values (no ``jit``/``vmap``).

    >>> from osculate.scipy import stats
    >>> round(float(stats.recipinvgauss.logpdf(1.0, 1.0)), 12)
    -0.918938533205
    """

    name, shapes, safe, lo, mid, open_lo = "recipinvgauss", ("mu",), (1.0,), 0.0, 1.0, True

    def _valid(self, mu):
        return (mu > 0.0,)

    def _logpdf(self, z, mu):
        return -_LOG_SQRT_2PI - 0.5 * _log(z) - (1.0 - mu * z) ** 2 / (2.0 * z * mu * mu)

    def _logcdf(self, z, mu):
        return invgauss._logsf(1.0 / z, mu)

    def _logsf(self, z, mu):
        return invgauss._logcdf(1.0 / z, mu)

    def _cdf(self, z, mu):
        return invgauss._sf(1.0 / z, mu)

    def _sf(self, z, mu):
        return invgauss._cdf(1.0 / z, mu)

    def _ppf(self, q, mu):
        return self._newton("ppf", _scipy("recipinvgauss.ppf"), self._cdf, 1.0, q, mu)

    def _isf(self, q, mu):
        return self._newton("isf", _scipy("recipinvgauss.isf"), self._sf, -1.0, q, mu)


class betaprime_gen(_half):
    """The beta prime distribution with shapes ``a, b > 0`` (``y / (1 - y)`` for a beta
    ``y``): cdf ``betainc(a, b, z / (1 + z))``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.betaprime.cdf(1.0, 2.0, 2.0)), 12)
    0.5
    """

    name, shapes, safe, lo, mid, open_lo = "betaprime", ("a", "b"), (1.0, 1.0), 0.0, 1.0, True  # as SciPy's

    def _valid(self, a, b):
        return a > 0.0, b > 0.0

    def _logpdf(self, z, a, b):
        return _xlogz(a - 1.0, z) - (a + b) * _log1p(z) - _sp.betaln(a, b)

    def _cdf(self, z, a, b):
        return _ibeta(a, b, z / (1.0 + z), 1.0 / (1.0 + z))

    def _sf(self, z, a, b):
        return _ibeta(b, a, 1.0 / (1.0 + z), z / (1.0 + z))

    def _ppf(self, q, a, b):  # y / (1 - y), each from its own inverse
        return _odds(_sp.betaincinv(a, b, q), _sp.betainccinv(b, a, q))

    def _isf(self, q, a, b):
        return _odds(_sp.betainccinv(a, b, q), _sp.betaincinv(b, a, q))


class nakagami_gen(_half):
    """The Nakagami distribution with shape ``nu > 0``: cdf ``gammainc(nu, nu z²)``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.nakagami.sf(1.0, 1.0)), 12)  # exp(-1)
    0.367879441171
    """

    name, shapes, safe, lo, mid = "nakagami", ("nu",), (1.0,), 0.0, 1.0

    def _valid(self, nu):
        return (nu > 0.0,)

    def _logpdf(self, z, nu):
        return _LOG2 + nu * _log(nu) - _o.gammaln(nu) + _xlogz(2.0 * nu - 1.0, z) - nu * z * z

    def _cdf(self, z, nu):
        return _sp.gammainc(nu, nu * z * z)

    def _sf(self, z, nu):
        return _sp.gammaincc(nu, nu * z * z)

    def _ppf(self, q, nu):
        return _o.sqrt(_sp.gammaincinv(nu, q) / nu)

    def _isf(self, q, nu):
        return _o.sqrt(_sp.gammainccinv(nu, q) / nu)


class exponweib_gen(_half):
    """The exponentiated Weibull distribution with shapes ``a, c > 0``: cdf
    ``(1 - exp(-z^c))^a``, its log ``a log(-expm1(-z^c))``.

    >>> from osculate.scipy import stats
    >>> float(stats.exponweib.logcdf(1.0, 2.0, 1.0) / stats.weibull_min.logcdf(1.0, 1.0))
    2.0
    """

    name, shapes, safe, lo, mid = "exponweib", ("a", "c"), (1.0, 1.0), 0.0, 1.0

    def _valid(self, a, c):
        return a > 0.0, c > 0.0

    def _logpdf(self, z, a, c):
        pos = z > 0.0
        zs = _where(pos, z, 1.0)
        inner = (a - 1.0) * _log1mexp(-_pow(zs, c))  # (a - 1) log(1 - exp(-z^c)); xlogy's value at z = 0
        return _log(a) + _log(c) + _where(pos, inner, _xlogz_at0(a - 1.0)) - _pow(z, c) + _xlogz(c - 1.0, z)

    def _logcdf(self, z, a, c):
        return a * _log1mexp(-_pow(z, c))

    def _cdf(self, z, a, c):  # as a power (not the exp of a log), so that z = 0 has its derivatives
        return _pow(-_expm1(-_pow(z, c)), a)

    def _logsf(self, z, a, c):
        # 1 - (1 - s)^a with t = z^c, s = e^-t: where the cdf is below 1/2, log1p(-cdf); above,
        # with u = a log1p(-s) = -a s L(-s) (L(v) = log1p(v) / v) and 1 - e^u = -u exprel(u),
        # log a - t + log L(-s) + log exprel(u), which holds however small s is
        cdf = self._cdf(z, a, c)
        low = cdf < 0.5
        t = _pow(_where(low, 1.0, z), c)
        ls = _log1p_ratio(-_exp(-t))
        u = -a * _exp(-t) * ls
        high = _log(a) - t + _log(ls) + _log(_sp.exprel(u))
        return _where(low, _log1p(-_where(low, cdf, 0.0)), high)

    def _sf(self, z, a, c):
        cdf = self._cdf(z, a, c)
        low = cdf < 0.5
        return _where(low, 1.0 - cdf, _exp(self._logsf(_where(low, 1.0, z), a, c)))

    def _ppf(self, q, a, c):
        return _exp(_log(-_log1mexp(_log(q) / a)) / c)

    def _isf(self, q, a, c):
        return _exp(_log(-_log1mexp(_log1p(-q) / a)) / c)


class invweibull_gen(_half):
    """The inverted Weibull (Fréchet) distribution with shape ``c > 0``: cdf ``exp(-z^-c)``.

    >>> from osculate.scipy import stats
    >>> float(stats.invweibull.logcdf(1.0, 2.0))
    -1.0
    """

    name, shapes, safe, lo, mid, open_lo = "invweibull", ("c",), (1.0,), 0.0, 1.0, True

    def _valid(self, c):
        return (c > 0.0,)

    def _logpdf(self, z, c):
        w = _log(z)
        return _log(c) - (c + 1.0) * w - _exp(-c * w)

    def _logcdf(self, z, c):
        return -_exp(-c * _log(z))

    def _cdf(self, z, c):
        return _exp(self._logcdf(z, c))

    def _sf(self, z, c):
        return -_expm1(self._logcdf(z, c))

    def _logsf(self, z, c):
        return _log1mexp(self._logcdf(z, c))

    def _ppf(self, q, c):
        return _exp(-_log(-_log(q)) / c)

    def _isf(self, q, c):
        return _exp(-_log(-_log1p(-q)) / c)


class levy_gen(_half):
    """The Lévy distribution: cdf ``erfc(1 / √(2z))``, sf ``erf(1 / √(2z))``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.levy.logpdf(1.0)), 12)  # -(log(2π) + 1) / 2
    -1.418938533205
    """

    name, lo, mid, open_lo = "levy", 0.0, 1.0, True

    def _logpdf(self, z):
        return -_LOG_SQRT_2PI - 1.5 * _log(z) - 0.5 / z

    def _cdf(self, z):
        return _sp.erfc(1.0 / _o.sqrt(2.0 * z))

    def _sf(self, z):
        return _sp.erf(1.0 / _o.sqrt(2.0 * z))

    def _logcdf(self, z):
        return _LOG2 + _o.log_ndtr(-1.0 / _o.sqrt(z))

    def _ppf(self, q):
        return 0.5 / _sp.erfcinv(q) ** 2

    def _isf(self, q):
        return 0.5 / _sp.erfinv(q) ** 2


class gengamma_gen(_half):
    """The generalized gamma distribution with shapes ``a > 0`` and ``c != 0``: ``z^c`` is
    gamma(a); the cdf is ``gammainc(a, z^c)`` (``gammaincc`` when ``c < 0``).

    >>> from osculate.scipy import stats
    >>> round(float(stats.gengamma.sf(1.0, 1.0, 2.0)), 12)  # exp(-1)
    0.367879441171
    """

    name, shapes, safe, lo, mid = "gengamma", ("a", "c"), (1.0, 1.0), 0.0, 1.0

    def _valid(self, a, c):
        return a > 0.0, _all(c != 0.0, _o.isfinite(c))

    def _inside(self, z, a, c):  # at z = 0 the density is 0 when c < 0 (z^c = inf there)
        return _all(z >= 0.0, z < _inf, _any(z > 0.0, c > 0.0))

    def _logpdf(self, z, a, c):
        return _log(_o.abs(c)) + _xlogz(c * a - 1.0, z) - _pow(z, c) - _o.gammaln(a)

    def _cdf(self, z, a, c):
        y = _pow(z, c)
        return _where(c > 0.0, _sp.gammainc(a, y), _sp.gammaincc(a, y))

    def _sf(self, z, a, c):
        y = _pow(z, c)
        return _where(c > 0.0, _sp.gammaincc(a, y), _sp.gammainc(a, y))

    def _ppf(self, q, a, c):
        return _exp(_log(_where(c > 0.0, _sp.gammaincinv(a, q), _sp.gammainccinv(a, q))) / c)

    def _isf(self, q, a, c):
        return _exp(_log(_where(c > 0.0, _sp.gammainccinv(a, q), _sp.gammaincinv(a, q))) / c)


class erlang_gen(_half):
    """The Erlang distribution: the gamma distribution with an integer shape ``a`` (a
    non-integer ``a > 0`` gives gamma's values, without SciPy's warning).

    >>> from osculate.scipy import stats
    >>> round(float(stats.erlang.sf(1.0, 2)), 12)  # 2 exp(-1)
    0.735758882343
    """

    name, shapes, safe, lo, mid = "erlang", ("a",), (1.0,), 0.0, 1.0

    def _valid(self, a):
        return (a > 0.0,)

    def _logpdf(self, z, a):
        return _xlogz(a - 1.0, z) - z - _o.gammaln(a)

    def _cdf(self, z, a):
        return _sp.gammainc(a, z)

    def _sf(self, z, a):
        return _sp.gammaincc(a, z)

    def _ppf(self, q, a):
        return _sp.gammaincinv(a, q)

    def _isf(self, q, a):
        return _sp.gammainccinv(a, q)


class loglaplace_gen(_half):
    """The log-Laplace distribution with shape ``c > 0``: ``c log z`` is Laplace (cdf
    ``z^c / 2`` below 1, ``1 - z^-c / 2`` above).

    >>> from osculate.scipy import stats
    >>> float(stats.loglaplace.cdf(1.0, 3.0))
    0.5
    """

    name, shapes, safe, lo, mid = "loglaplace", ("c",), (1.0,), 0.0, 1.0

    def _valid(self, c):
        return (c > 0.0,)

    def _logpdf(self, z, c):
        below = z < 1.0
        zb = _where(below, z, 0.5)
        return _log(0.5 * c) + _where(below, _xlogz(c - 1.0, zb), -(c + 1.0) * _log(_where(below, 2.0, z)))

    def _logcdf(self, z, c):
        return _laplace._logcdf(c * _logpos(z))

    def _logsf(self, z, c):
        return _laplace._logcdf(-c * _logpos(z))

    def _cdf(self, z, c):
        return _exp(self._logcdf(z, c))

    def _sf(self, z, c):
        return _exp(self._logsf(z, c))

    def _ppf(self, q, c):
        return _exp(_laplace._ppf(q) / c)

    def _isf(self, q, c):
        return _exp(-_laplace._ppf(q) / c)


class powerlognorm_gen(_half):
    """The power log-normal distribution with shapes ``c, s > 0``: sf ``Φ(-log(z) / s)^c``
    (its log ``c log_ndtr(-log(z) / s)``; the quantiles by ``ndtri_exp``).

    >>> from osculate.scipy import stats
    >>> float(stats.powerlognorm.sf(1.0, 2.0, 1.0))
    0.25
    """

    name, shapes, safe, lo, mid, open_lo = "powerlognorm", ("c", "s"), (1.0, 1.0), 0.0, 1.0, True

    def _valid(self, c, s):
        return c > 0.0, s > 0.0

    def _logpdf(self, z, c, s):
        w = _log(z)
        u = w / s
        return _log(c) - _log(s) - w - _LOG_SQRT_2PI - 0.5 * u * u + (c - 1.0) * _o.log_ndtr(-u)

    def _logsf(self, z, c, s):
        return c * _o.log_ndtr(-_log(z) / s)

    def _sf(self, z, c, s):
        return _exp(self._logsf(z, c, s))

    def _cdf(self, z, c, s):
        return -_expm1(self._logsf(z, c, s))

    def _logcdf(self, z, c, s):
        # 1 - (1 - p)^c with p = Φ(log(z) / s): below the median of Φ, with v = c log1p(-p) =
        # -c p L(-p) (L(t) = log1p(t) / t) and 1 - e^v = -v exprel(v), log c + log p + log L(-p)
        # + log exprel(v), which stays finite where p underflows; above it, log1mexp(logsf)
        u = _log(z) / s
        low = u < 0.0
        ul = _where(low, u, -1.0)
        lp = _o.log_ndtr(ul)
        lr = _log1p_ratio(-_exp(lp))
        small = _log(c) + lp + _log(lr) + _log(_sp.exprel(-c * _exp(lp) * lr))
        return _where(low, small, _log1mexp(self._logsf(_where(low, 1.0, z), c, s)))

    def _ppf(self, q, c, s):
        return _exp(-s * _sp.ndtri_exp(_log1p(-q) / c))

    def _isf(self, q, c, s):
        return _exp(-s * _sp.ndtri_exp(_log(q) / c))


class fatiguelife_gen(_half):
    """The fatigue-life (Birnbaum-Saunders) distribution with shape ``c > 0``: cdf
    ``Φ((√z - 1/√z) / c)``.

    >>> from osculate.scipy import stats
    >>> float(stats.fatiguelife.cdf(1.0, 0.5))
    0.5
    """

    name, shapes, safe, lo, mid, open_lo = "fatiguelife", ("c",), (1.0,), 0.0, 1.0, True

    def _valid(self, c):
        return (c > 0.0,)

    def _logpdf(self, z, c):
        return (_log1p(z) - _log(2.0 * c) - _LOG_SQRT_2PI - 1.5 * _log(z)
                - (z - 1.0) ** 2 / (2.0 * z * c * c))

    @staticmethod
    def _t(z, c):
        r = _o.sqrt(z)
        return (r - 1.0 / r) / c

    def _cdf(self, z, c):
        return _o.ndtr(self._t(z, c))

    def _sf(self, z, c):
        return _o.ndtr(-self._t(z, c))

    def _logcdf(self, z, c):
        return _o.log_ndtr(self._t(z, c))

    def _logsf(self, z, c):
        return _o.log_ndtr(-self._t(z, c))

    @staticmethod
    def _square(t):  # v² where v - 1/v = t, v > 0: ((|t| + √(t² + 4)) / 2)^(±2), the sign of t
        r = _o.abs(t) + _o.sqrt(t * t + 4.0)
        return _where(t >= 0.0, 0.25 * r * r, 4.0 / (r * r))

    def _ppf(self, q, c):
        return self._square(c * _o.ndtri(q))

    def _isf(self, q, c):
        return self._square(-c * _o.ndtri(q))


class foldnorm_gen(_half):
    """The folded normal distribution ``|N(c, 1)|`` with ``c >= 0``: sf ``Φ(c - z) + Φ(-c - z)``,
    cdf ``Φ(z - c) - Φ(-z - c)`` (in logs; by its odd series near ``z = 0``).  ``ppf``/``isf``
    start from SciPy's values (no ``jit``/``vmap``).

    >>> from osculate.scipy import stats
    >>> round(float(stats.foldnorm.cdf(1.0, 0.0)), 12)  # halfnorm's
    0.682689492137
    """

    name, shapes, safe, lo, mid = "foldnorm", ("c",), (1.0,), 0.0, 1.0

    def _valid(self, c):
        return (c >= 0.0,)

    def _logpdf(self, z, c):
        return -_LOG_SQRT_2PI - 0.5 * (z - c) ** 2 + _log1p(_exp(-2.0 * c * z))

    def _logsf(self, z, c):
        return _logaddexp(_o.log_ndtr(c - z), _o.log_ndtr(-c - z))

    def _sf(self, z, c):
        return _exp(self._logsf(z, c))

    def _logcdf_direct(self, z, c):
        # near z = 0 the density (even in z) integrated term by term: 2 φ(c) (z + He2(c) z³/6 + He4(c) z⁵/120)
        small = z * (1.0 + c) < 0.01
        zs = _where(small, z, 1e-3 / (1.0 + c))
        c2 = c * c
        series = _log(zs) + _LOG2 - _LOG_SQRT_2PI - 0.5 * c2 + _log1p(
            zs * zs * ((c2 - 1.0) / 6.0 + zs * zs * (c2 * c2 - 6.0 * c2 + 3.0) / 120.0))
        zb = _where(small, 1.0, z)
        la = _o.log_ndtr(zb - c)
        big = la + _log1mexp(_o.minimum(_o.log_ndtr(-zb - c) - la, 0.0))
        return _where(small, series, big)

    def _logcdf(self, z, c):
        sf = self._sf(z, c)
        low = sf < 0.5
        return _where(low, _log1p(-_where(low, sf, 0.0)), self._logcdf_direct(_where(low, 1.0, z), c))

    def _cdf(self, z, c):
        return _exp(self._logcdf(z, c))

    def _ppf(self, q, c):
        return self._newton("ppf", _scipy("foldnorm.ppf"), self._cdf, 1.0, q, c)

    def _isf(self, q, c):
        return self._newton("isf", _scipy("foldnorm.isf"), self._sf, -1.0, q, c)


class halfgennorm_gen(_half):
    """The upper half of the generalized normal distribution with shape ``beta > 0``: density
    ``beta exp(-z^beta) / Γ(1/beta)``, cdf ``gammainc(1/beta, z^beta)``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.halfgennorm.sf(1.0, 1.0)), 12)  # exp(-1)
    0.367879441171
    """

    name, shapes, safe, lo, mid = "halfgennorm", ("beta",), (1.0,), 0.0, 1.0

    def _valid(self, beta):
        return (beta > 0.0,)

    def _logpdf(self, z, beta):
        return _log(beta) - _o.gammaln(1.0 / beta) - _pow(z, beta)

    def _cdf(self, z, beta):
        return _sp.gammainc(1.0 / beta, _pow(z, beta))

    def _sf(self, z, beta):
        return _sp.gammaincc(1.0 / beta, _pow(z, beta))

    def _ppf(self, q, beta):
        return _exp(_log(_sp.gammaincinv(1.0 / beta, q)) / beta)

    def _isf(self, q, beta):
        return _exp(_log(_sp.gammainccinv(1.0 / beta, q)) / beta)


class mielke_gen(_half):
    """Mielke's beta-kappa distribution with shapes ``k, s > 0``: cdf
    ``z^k / (1 + z^s)^(k/s)`` (Burr III with ``c = s``, ``d = k / s``).

    >>> from osculate.scipy import stats
    >>> float(stats.mielke.cdf(1.0, 2.0, 2.0))
    0.5
    """

    name, shapes, safe, lo, mid = "mielke", ("k", "s"), (1.0, 1.0), 0.0, 1.0

    def _valid(self, k, s):
        return k > 0.0, s > 0.0

    def _logpdf(self, z, k, s):
        return burr._logpdf(z, s, k / s)

    def _logcdf(self, z, k, s):
        return burr._logcdf(z, s, k / s)

    def _cdf(self, z, k, s):
        return burr._cdf(z, s, k / s)

    def _sf(self, z, k, s):
        return burr._sf(z, s, k / s)

    def _logsf(self, z, k, s):
        return burr._logsf(z, s, k / s)

    def _ppf(self, q, k, s):
        return burr._ppf(q, s, k / s)

    def _isf(self, q, k, s):
        return burr._isf(q, s, k / s)


weibull_min = weibull_min_gen()
halfnorm = halfnorm_gen()
rayleigh = rayleigh_gen()
pareto = pareto_gen()
lomax = lomax_gen()
invgamma = invgamma_gen()
f = f_gen()
chi = chi_gen()
maxwell = maxwell_gen()
halfcauchy = halfcauchy_gen()
halflogistic = halflogistic_gen()
fisk = fisk_gen()
burr12 = burr12_gen()
burr = burr_gen()
gompertz = gompertz_gen()
genpareto = genpareto_gen()
invgauss = invgauss_gen()
wald = wald_gen()
recipinvgauss = recipinvgauss_gen()
betaprime = betaprime_gen()
nakagami = nakagami_gen()
exponweib = exponweib_gen()
invweibull = invweibull_gen()
levy = levy_gen()
gengamma = gengamma_gen()
erlang = erlang_gen()
loglaplace = loglaplace_gen()
powerlognorm = powerlognorm_gen()
fatiguelife = fatiguelife_gen()
foldnorm = foldnorm_gen()
halfgennorm = halfgennorm_gen()
mielke = mielke_gen()
