"""The continuous distributions of :mod:`osculate.ad.scipy.stats` on the whole real line (or a
part of it set by a shape parameter).

Each is written in its standard form ``z = (x - loc) / scale`` with osculate's
primitives, so ``x``, ``loc``, ``scale`` and the shape parameters are all
differentiable.  The ``ppf``/``isf`` are closed forms (``gammainccinv``,
``erfcinv``, ``ndtri``... are differentiable in all their arguments) except
those of ``skewnorm`` and ``exponnorm``, which start from SciPy's inverse and
add Newton steps (so they need values: no ``jit``/``vmap`` for those two).
"""

from __future__ import annotations

import numpy as _np

from ... import numpy as _o
from ...util import lazy_module as _lazy_module
from .. import special as _sp
from ._base import (
    _LOG2, _LOG_PI, _LOG_SQRT_2PI, _all, _any, _exp, _expm1, _inf, _log, _log1p, _log_of, _where, rv_continuous,
)

_ss = _lazy_module("scipy.stats")  # (SciPy's distributions: starting points of quantile searches)

__all__ = ["gumbel_r", "gumbel_l", "genextreme", "weibull_max", "hypsecant", "gennorm", "exponnorm", "johnsonsu",
           "loggamma", "dgamma", "dweibull", "genlogistic", "moyal", "laplace_asymmetric", "skewnorm", "crystalball"]

_LOG_2_OVER_PI = float(_np.log(2.0 / _np.pi))
_LOGXMIN = float(_np.log(_np.finfo(float).tiny))
_XMIN = float(_np.finfo(float).tiny)
_SQRT2 = float(_np.sqrt(2.0))
_GL_NODES, _GL_WEIGHTS = _np.polynomial.laguerre.laggauss(40)
_GL_LOG_WEIGHTS = _np.log(_GL_WEIGHTS)


def _neg_expm1(x):
    """``1 - eˣ`` for ``x <= 0``: ``-expm1(x)`` near 0 and ``1 - exp(x)`` below ``-log 2``, where the
    slope ``-eˣ`` then keeps its digits (``expm1``'s is computed as ``expm1(x) + 1``)."""
    far = x < -_LOG2
    return _where(far, 1.0 - _exp(_where(far, x, -1.0)), -_expm1(_where(far, -0.5, x)))


def _log_gammaincc(a, y, log_y):
    """``log gammaincc(a, y)`` (``log_y = log y`` given, so ``y = inf`` works): where
    ``y > max(700, 20 a)`` (it underflows there) the asymptotic series ``(a - 1) log y - y - gammaln(a)
    + log Σ_k (a-1)...(a-k) / yᵏ`` (12 terms, each at most 1/20 of the last), else the log of it."""
    far = _all(y > 700.0, y > 20.0 * a)
    yf, lf = _where(far, y, 1000.0), _where(far, log_y, _np.log(1000.0))
    term, series = 1.0 + 0.0 * lf, 1.0 + 0.0 * lf
    for k in range(1, 13):
        term = term * (a - k) / yf
        series = series + term
    return _where(far, (a - 1.0) * lf - yf - _o.gammaln(a) + _log(series), _log(_sp.gammaincc(a, _where(far, 1.0, y))))


def _log1mexp_neg(t):
    """``log(1 - exp(-t))`` for ``t >= 0``: ``log(-expm1(-t))`` near 0, ``log1p(-exp(-t))`` beyond."""
    small = t < _LOG2
    return _where(small, _log(-_expm1(-_where(small, t, 0.5))), _log1p(-_exp(-_where(small, 1.0, t))))


def _log_sf_gumbel(z):
    """``log(1 - exp(-exp(-z)))`` (the Gumbel log-sf): for ``z > 0`` as ``-z + log(exprel(-e^{-z}))``,
    which stays finite (about ``-z``) where the sf underflows."""
    big = z > 0.0
    zb = _where(big, z, 1.0)
    zs = _where(big, -1.0, z)
    return _where(big, -zb + _log(_sp.exprel(-_exp(-zb))), _log1mexp_neg(_exp(-zs)))


def _log1p_ratio(w):
    """``-log1p(-w) / w`` (1 at ``w = 0``), with its series ``Σ wᵏ / (k + 1)`` for ``|w| < 0.05``
    so that the derivatives in ``w`` stay accurate there."""
    small = _o.abs(w) < 0.05
    ws = _where(small, w, 0.0)
    series, power = 1.0 + 0.0 * ws, 1.0
    for k in range(1, 13):
        power = power * ws
        series = series + power / (k + 1)
    wb = _where(small, 0.5, w)
    return _where(small, series, -_log1p(-wb) / wb)


def _log_diff(la, lb):
    """``log(exp(la) - exp(lb))`` for ``la >= lb``."""
    return la + _log1mexp_neg(la - lb)


def _log_gauss_mass(a, b):
    """``log(Φ(b) - Φ(a))`` for ``a <= b``: from the lower tails when ``b <= 0``, the upper ones when
    ``a > 0``, ``log1p(-Φ(a) - Φ(-b))`` between."""
    left, right = b <= 0.0, a > 0.0
    centre = _o.logical_not(_any(left, right))
    al, bl = _where(left, a, -2.0), _where(left, b, -1.0)
    ar, br = _where(right, a, 1.0), _where(right, b, 2.0)
    ac, bc = _where(centre, a, -1.0), _where(centre, b, 1.0)
    return _where(left, _log_diff(_o.log_ndtr(bl), _o.log_ndtr(al)),
                  _where(right, _log_diff(_o.log_ndtr(-ar), _o.log_ndtr(-br)),
                         _log1p(-_o.ndtr(ac) - _o.ndtr(-bc))))


class _rv_line(rv_continuous):
    """A continuous distribution whose support reaches ``±inf``: infinite ``z`` are handled as
    points outside it (the methods' limits there), not by the formulas."""

    def _inside(self, z, *s):
        return _all(rv_continuous._inside(self, z, *s), _o.isfinite(z))


# --------------------------------------------------------------------------- extreme values


class gumbel_r_gen(_rv_line):
    """The right-skewed Gumbel distribution: cdf ``exp(-exp(-z))``.

    >>> from osculate.scipy import stats
    >>> float(stats.gumbel_r.logcdf(0.0))
    -1.0
    """

    name = "gumbel_r"

    def _logpdf(self, z):
        return -z - _exp(-z)

    def _cdf(self, z):
        return _exp(-_exp(-z))

    def _logcdf(self, z):
        return -_exp(-z)

    def _sf(self, z):
        return _neg_expm1(-_exp(-z))

    def _logsf(self, z):
        return _log_sf_gumbel(z)

    def _ppf(self, q):
        return -_log(-_log(q))

    def _isf(self, q):
        return -_log(-_log1p(-q))


class gumbel_l_gen(_rv_line):
    """The left-skewed Gumbel distribution (the mirror image of ``gumbel_r``): sf ``exp(-exp(z))``.

    >>> from osculate.scipy import stats
    >>> float(stats.gumbel_l.logsf(0.0))
    -1.0
    """

    name = "gumbel_l"

    def _logpdf(self, z):
        return z - _exp(z)

    def _cdf(self, z):
        return _neg_expm1(-_exp(z))

    def _logcdf(self, z):
        return _log_sf_gumbel(-z)

    def _sf(self, z):
        return _exp(-_exp(z))

    def _logsf(self, z):
        return -_exp(z)

    def _ppf(self, q):
        return _log(-_log1p(-q))

    def _isf(self, q):
        return _log(-_log(q))


class genextreme_gen(_rv_line):
    """The generalized extreme value distribution with SciPy's sign of ``c``: cdf
    ``exp(-(1 - c z)^(1/c))`` on ``1 - c z > 0`` (the Gumbel ``gumbel_r`` at ``c = 0``).

    The support ends at ``1/c`` (above for ``c > 0``, below for ``c < 0``).  Near ``c = 0``
    ``-log1p(-c z) / c`` is a series, so the derivatives in ``c`` stay accurate there.

    >>> from osculate.scipy import stats
    >>> float(stats.genextreme.logcdf(0.0, 0.5))
    -1.0
    """

    name, shapes, safe = "genextreme", ("c",), (0.0,)

    def _valid(self, c):
        return (_o.isfinite(c),)

    def _bounds(self, c):
        cs = _where(c == 0.0, 1.0, c)
        return _where(c < 0.0, 1.0 / cs, -_inf), _where(c > 0.0, 1.0 / cs, _inf)

    def _middle(self, c):
        return 0.0 * c

    def _t(self, z, c):  # -log(-log cdf)
        return z * _log1p_ratio(c * z)

    def _logpdf(self, z, c):
        t = self._t(z, c)
        return -_exp(-t) - (1.0 - c) * t

    def _logcdf(self, z, c):
        return -_exp(-self._t(z, c))

    def _cdf(self, z, c):
        return _exp(self._logcdf(z, c))

    def _sf(self, z, c):
        return _neg_expm1(self._logcdf(z, c))

    def _logsf(self, z, c):
        return _log_sf_gumbel(self._t(z, c))

    def _ppf(self, q, c):
        t = -_log(-_log(q))
        return t * _sp.exprel(-c * t)

    def _isf(self, q, c):
        t = -_log(-_log1p(-q))
        return t * _sp.exprel(-c * t)


class weibull_max_gen(_rv_line):
    """The Weibull distribution of maxima on ``z <= 0``: cdf ``exp(-(-z)^c)``.

    >>> from osculate.scipy import stats
    >>> float(stats.weibull_max.logcdf(-2.0, 3.0))
    -8.0
    """

    name, shapes, safe, lo, hi, mid = "weibull_max", ("c",), (1.0,), -_inf, 0.0, -1.0

    def _valid(self, c):
        return (c > 0.0,)

    def _logpdf(self, z, c):
        return _log(c) + _sp.xlogy(c - 1.0, -z) - _o.power(-z, c)

    def _logcdf(self, z, c):
        return -_o.power(-z, c)

    def _cdf(self, z, c):
        return _exp(-_o.power(-z, c))

    def _sf(self, z, c):
        return _neg_expm1(-_o.power(-z, c))

    def _logsf(self, z, c):
        return _log1mexp_neg(_o.power(-z, c))

    def _ppf(self, q, c):
        return -_o.power(-_log(q), 1.0 / c)

    def _isf(self, q, c):
        return -_o.power(-_log1p(-q), 1.0 / c)


# --------------------------------------------------------------------------- symmetric and skewed


class hypsecant_gen(_rv_line):
    """The hyperbolic secant distribution: density ``1 / (π cosh z)``, cdf ``(2/π) arctan(eᶻ)``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.hypsecant.cdf(0.0)), 12)
    0.5
    """

    name = "hypsecant"

    def _logpdf(self, z):
        return -_LOG_PI - _o.logaddexp(z, -z) + _LOG2

    def _cdf(self, z):
        return 2.0 / _np.pi * _o.arctan(_exp(z))

    def _sf(self, z):
        return 2.0 / _np.pi * _o.arctan(_exp(-z))

    def _logcdf(self, z):  # arctan(w) ≈ w (1 - w²/3) for w = eᶻ < e⁻²⁰: finite where the cdf underflows
        far = z < -20.0
        zf = _where(far, z, -21.0)
        w = _exp(zf)
        return _where(far, _LOG_2_OVER_PI + zf + _log1p(-w * w / 3.0),
                      _log_of(self._cdf(_where(far, 0.0, z)), self._sf(_where(far, 0.0, z))))

    def _logsf(self, z):
        return self._logcdf(-z)

    def _ppf(self, q):
        return _log(_o.tan(_np.pi * q / 2.0))

    def _isf(self, q):
        return -_log(_o.tan(_np.pi * q / 2.0))


class gennorm_gen(_rv_line):
    """The generalized normal distribution: density ``β exp(-|z|^β) / (2 Γ(1/β))``; its tails are
    ``gammaincc(1/β, |z|^β) / 2`` and the inverse ``gammainccinv``.

    >>> from osculate.scipy import stats
    >>> float(stats.gennorm.cdf(0.0, 1.5))
    0.5
    """

    name, shapes, safe = "gennorm", ("beta",), (2.0,)

    def _valid(self, beta):
        return (beta > 0.0,)

    @staticmethod
    def _pow(z, beta):  # |z|^β, 0 at z = 0 with slope 0 there (not 0 * inf)
        w = _o.abs(z)
        pos = w > 0.0
        return _where(pos, _o.power(_where(pos, w, 1.0), beta), 0.0)

    def _logpdf(self, z, beta):
        return _log(beta) - _LOG2 - _o.gammaln(1.0 / beta) - self._pow(z, beta)

    def _centre(self, z, beta):
        """For ``|z| < 1``: ``1/2 + z S(y) / 2``, ``y = |z|^β``, ``S = e⁻ʸ Σ yᵏ / Γ(1/β + k + 1)`` (so
        ``z S`` is ``sign(z) gammainc(1/β, y)``), smooth through ``z = 0`` where the other form's slope is 0 * inf."""
        a = 1.0 / beta
        y = self._pow(z, beta)
        term, total = 1.0 + 0.0 * y, 1.0 + 0.0 * y
        for k in range(1, 25):
            term = term * y / (a + k)
            total = total + term
        return 0.5 + 0.5 * z * _exp(_log(total) - y - _o.gammaln(a + 1.0))

    def _cdf(self, z, beta):
        small = _o.abs(z) < 1.0
        zs, zb = _where(small, z, 0.5), _where(small, 2.0, z)
        c = 0.5 * _o.sign(zb)
        return _where(small, self._centre(zs, beta), (0.5 + c) - c * _sp.gammaincc(1.0 / beta, self._pow(zb, beta)))

    def _sf(self, z, beta):
        return self._cdf(-z, beta)

    def _logcdf(self, z, beta):  # below -1: log(Q(1/β, |z|^β) / 2), finite where Q underflows
        low, high = z <= -1.0, z >= 1.0
        w = -_where(low, z, -2.0)
        zh, zs = _where(high, z, 2.0), _where(_any(low, high), 0.5, z)
        lower = _log_gammaincc(1.0 / beta, _o.power(w, beta), beta * _log(w)) - _LOG2
        upper = _log1p(-0.5 * _sp.gammaincc(1.0 / beta, _o.power(zh, beta)))
        return _where(low, lower, _where(high, upper, _log(self._centre(zs, beta))))

    def _logsf(self, z, beta):
        return self._logcdf(-z, beta)

    def _ppf(self, q, beta):
        c = _o.sign(q - 0.5)
        return c * _o.power(_sp.gammainccinv(1.0 / beta, (1.0 + c) - 2.0 * c * q), 1.0 / beta)

    def _isf(self, q, beta):
        return -self._ppf(q, beta)


class exponnorm_gen(_rv_line):
    """The exponentially modified normal distribution with shape ``K`` (a normal plus an
    independent exponential of mean ``K``, in units of the normal's scale).

    Its ``ppf``/``isf`` start from SciPy's inverse and add Newton steps (no ``jit``/``vmap``).

    >>> from osculate.scipy import stats
    >>> round(float(stats.exponnorm.logpdf(1.0, 1.0)), 12)
    -1.19314718056
    """

    name, shapes, safe = "exponnorm", ("K",), (1.0,)

    def _valid(self, K):
        return (K > 0.0,)

    def _logprod(self, z, K):
        inv = 1.0 / K
        return inv * (0.5 * inv - z) + _o.log_ndtr(z - inv)

    def _logpdf(self, z, K):
        return self._logprod(z, K) - _log(K)

    def _cdf(self, z, K):
        far = z < -5.0
        zn = _where(far, 0.0, z)
        return _where(far, _exp(self._logcdf(z, K)), _o.ndtr(zn) - _exp(self._logprod(zn, K)))

    def _logcdf(self, z, K):
        """Below ``z = -5`` as ``log Φ(z) + log(1 - e^d)``, ``d = logprod - log Φ(z) < 0``: finite where
        both terms of ``Φ(z) - e^{logprod}`` underflow."""
        far = z < -5.0
        zf, zn = _where(far, z, -6.0), _where(far, 0.0, z)
        lf = _o.log_ndtr(zf)
        tail = lf + _log1mexp_neg(lf - self._logprod(zf, K))
        return _where(far, tail, _log_of(_o.ndtr(zn) - _exp(self._logprod(zn, K)), self._sf(zn, K)))

    def _sf(self, z, K):
        return _o.ndtr(-z) + _exp(self._logprod(z, K))

    def _ppf(self, q, K):
        return self._newton("ppf", lambda q, K: _ss.exponnorm.ppf(q, K), self._cdf, 1.0, q, K)

    def _isf(self, q, K):
        return self._newton("isf", lambda q, K: _ss.exponnorm.isf(q, K), self._sf, -1.0, q, K)


class johnsonsu_gen(_rv_line):
    """Johnson's SU distribution: ``a + b arcsinh(z)`` is standard normal.

    >>> from osculate.scipy import stats
    >>> float(stats.johnsonsu.cdf(0.0, 0.0, 2.0))
    0.5
    """

    name, shapes, safe = "johnsonsu", ("a", "b"), (0.0, 1.0)

    def _valid(self, a, b):
        return _o.logical_not(_o.isnan(a)), b > 0.0

    def _logpdf(self, z, a, b):
        w = a + b * _o.arcsinh(z)
        return _log(b) - 0.5 * _log1p(z * z) - 0.5 * w * w - _LOG_SQRT_2PI

    def _cdf(self, z, a, b):
        return _o.ndtr(a + b * _o.arcsinh(z))

    def _sf(self, z, a, b):
        return _o.ndtr(-(a + b * _o.arcsinh(z)))

    def _logcdf(self, z, a, b):
        return _o.log_ndtr(a + b * _o.arcsinh(z))

    def _logsf(self, z, a, b):
        return _o.log_ndtr(-(a + b * _o.arcsinh(z)))

    def _ppf(self, q, a, b):
        return _o.sinh((_o.ndtri(q) - a) / b)

    def _isf(self, q, a, b):
        return _o.sinh((-_o.ndtri(q) - a) / b)


class loggamma_gen(_rv_line):
    """The log-gamma distribution: ``exp(z)`` is gamma with shape ``c``; the cdf is
    ``gammainc(c, eᶻ)`` (``exp(c z) / Γ(c + 1)`` where ``eᶻ`` underflows, as SciPy).

    >>> from osculate.scipy import stats
    >>> round(float(stats.loggamma.logpdf(0.0, 1.0)), 12)
    -1.0
    """

    name, shapes, safe = "loggamma", ("c",), (1.0,)

    def _valid(self, c):
        return (c > 0.0,)

    def _logpdf(self, z, c):
        return c * z - _exp(z) - _o.gammaln(c)

    def _cdf(self, z, c):
        far = z < _LOGXMIN
        return _where(far, _exp(c * _where(far, z, -1.0) - _o.gammaln(c + 1.0)),
                      _sp.gammainc(c, _exp(_where(far, 0.0, z))))

    def _sf(self, z, c):
        far = z < _LOGXMIN
        return _where(far, _neg_expm1(c * _where(far, z, -1.0) - _o.gammaln(c + 1.0)),
                      _sp.gammaincc(c, _exp(_where(far, 0.0, z))))

    def _logsf(self, z, c):  # log gammaincc(c, eᶻ), its asymptotic series where it underflows
        far = z > 6.0
        zf, zn = _where(far, z, 7.0), _where(far, 0.0, z)
        return _where(far, _log_gammaincc(c, _exp(zf), zf), _log_of(self._sf(zn, c), self._cdf(zn, c)))

    def _ppf(self, q, c):
        g = _sp.gammaincinv(c, q)
        tiny = g < _XMIN
        return _where(tiny, (_log(q) + _o.gammaln(c + 1.0)) / c, _log(_where(tiny, 1.0, g)))

    def _isf(self, q, c):
        g = _sp.gammainccinv(c, q)
        tiny = g < _XMIN
        return _where(tiny, (_log1p(-q) + _o.gammaln(c + 1.0)) / c, _log(_where(tiny, 1.0, g)))


class dgamma_gen(_rv_line):
    """The double gamma distribution: ``|z|`` is gamma with shape ``a``, the sign fair.

    >>> from osculate.scipy import stats
    >>> float(stats.dgamma.cdf(0.0, 2.0))
    0.5
    """

    name, shapes, safe = "dgamma", ("a",), (1.0,)

    def _valid(self, a):
        return (a > 0.0,)

    def _logpdf(self, z, a):
        az = _o.abs(z)
        return _sp.xlogy(a - 1.0, az) - az - _LOG2 - _o.gammaln(a)

    def _cdf(self, z, a):
        pos = z > 0.0
        return _where(pos, 0.5 + 0.5 * _sp.gammainc(a, _where(pos, z, 1.0)),
                      0.5 * _sp.gammaincc(a, -_where(pos, -1.0, z)))

    def _sf(self, z, a):
        return self._cdf(-z, a)

    def _logcdf(self, z, a):  # below 0: log(Q(a, -z) / 2), finite where Q underflows
        neg = z <= 0.0
        w = -_where(neg, z, -1.0)
        return _where(neg, _log_gammaincc(a, w, _log(_where(w > 0.0, w, 1.0))) - _LOG2,
                      _log1p(-0.5 * _sp.gammaincc(a, _where(neg, 1.0, z))))

    def _logsf(self, z, a):
        return self._logcdf(-z, a)

    def _ppf(self, q, a):
        high = q > 0.5
        return _where(high, _sp.gammaincinv(a, 2.0 * _where(high, q, 0.75) - 1.0),
                      -_sp.gammainccinv(a, 2.0 * _where(high, 0.25, q)))

    def _isf(self, q, a):
        return -self._ppf(q, a)


class dweibull_gen(_rv_line):
    """The double Weibull distribution: ``|z|`` is Weibull with shape ``c``, the sign fair.

    >>> from osculate.scipy import stats
    >>> float(stats.dweibull.logcdf(-1.0, 2.0))  # log(exp(-1) / 2)
    -1.6931471805599454
    """

    name, shapes, safe = "dweibull", ("c",), (1.0,)

    def _valid(self, c):
        return (c > 0.0,)

    def _logpdf(self, z, c):
        az = _o.abs(z)
        return _log(c) - _LOG2 + _sp.xlogy(c - 1.0, az) - _o.power(az, c)

    def _logcdf(self, z, c):  # log(e^{-|z|^c} / 2) below 0, log1p(-e^{-z^c} / 2) above
        pos = z > 0.0
        w = _o.power(_o.abs(z), c)
        return _where(pos, _log1p(-0.5 * _exp(-_where(pos, w, 1.0))), -_where(pos, 1.0, w) - _LOG2)

    def _cdf(self, z, c):
        return _exp(self._logcdf(z, c))

    def _logsf(self, z, c):
        return self._logcdf(-z, c)

    def _sf(self, z, c):
        return _exp(self._logcdf(-z, c))

    def _ppf(self, q, c):  # the lower half from q, the upper from 1 - q
        high = q > 0.5
        w = _o.power(-_log(2.0 * _where(high, 1.0 - q, q)), 1.0 / c)
        return _where(high, w, -w)

    def _isf(self, q, c):
        high = q > 0.5
        w = _o.power(-_log(2.0 * _where(high, 1.0 - q, q)), 1.0 / c)
        return _where(high, -w, w)


class genlogistic_gen(_rv_line):
    """The generalized (type I) logistic distribution: cdf ``(1 + e⁻ᶻ)^(-c)``, its log
    ``c log_expit(z)``.

    >>> from osculate.scipy import stats
    >>> float(stats.genlogistic.cdf(0.0, 1.0))
    0.5
    """

    name, shapes, safe = "genlogistic", ("c",), (1.0,)

    def _valid(self, c):
        return (c > 0.0,)

    def _logpdf(self, z, c):
        return _log(c) + c * _o.log_expit(z) + _o.log_expit(-z)

    def _logcdf(self, z, c):
        return c * _o.log_expit(z)

    def _cdf(self, z, c):
        return _exp(c * _o.log_expit(z))

    def _sf(self, z, c):
        return _neg_expm1(c * _o.log_expit(z))

    def _logsf(self, z, c):
        return _log1mexp_neg(-c * _o.log_expit(z))

    def _ppf(self, q, c):
        return -_log(_sp.powm1(q, -1.0 / c))

    def _isf(self, q, c):
        return -_log(_expm1(-_log1p(-q) / c))


class moyal_gen(_rv_line):
    """The Moyal distribution: density ``exp(-(z + e⁻ᶻ)/2) / √(2π)``, cdf ``erfc(e^{-z/2} / √2)``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.moyal.logpdf(0.0)), 12)
    -1.418938533205
    """

    name = "moyal"

    def _logpdf(self, z):
        return -0.5 * (z + _exp(-z)) - _LOG_SQRT_2PI

    def _cdf(self, z):
        return 2.0 * _o.ndtr(-_exp(-0.5 * z))

    def _logcdf(self, z):
        return _LOG2 + _o.log_ndtr(-_exp(-0.5 * z))

    def _sf(self, z):
        return _sp.erf(_exp(-0.5 * z) / _SQRT2)

    def _ppf(self, q):  # -log(2 erfcinv(q)²), without squaring (erfinv(q)² underflows for tiny q)
        return -_LOG2 - 2.0 * _log(_sp.erfcinv(q))

    def _isf(self, q):
        return -_LOG2 - 2.0 * _log(_sp.erfinv(q))


class laplace_asymmetric_gen(_rv_line):
    """The asymmetric Laplace distribution: density ``exp(-κ z)`` above 0 and ``exp(z / κ)``
    below, over ``κ + 1/κ``.

    >>> from osculate.scipy import stats
    >>> float(stats.laplace_asymmetric.cdf(0.0, 1.0))
    0.5
    """

    name, shapes, safe = "laplace_asymmetric", ("kappa",), (1.0,)

    def _valid(self, kappa):
        return (kappa > 0.0,)

    def _logpdf(self, z, k):
        return z * _where(z >= 0.0, -k, 1.0 / k) - _log(k + 1.0 / k)

    def _logcdf(self, z, k):  # below 0: log(κ² / (1 + κ²)) + z / κ; above: log1p(-e^{-κz} / (1 + κ²))
        pos = z >= 0.0
        zp, zn = _where(pos, z, 0.0), _where(pos, 0.0, z)
        return _where(pos, _log1p(-_exp(-k * zp) / (1.0 + k * k)), 2.0 * _log(k) - _log1p(k * k) + zn / k)

    def _logsf(self, z, k):  # the mirror image with 1/κ for κ
        return self._logcdf(-z, 1.0 / k)

    def _cdf(self, z, k):
        return _exp(self._logcdf(z, k))

    def _sf(self, z, k):
        return _exp(self._logsf(z, k))

    def _ppf(self, q, k):
        split = k * k / (1.0 + k * k)
        high = q >= split
        qh, ql = _where(high, q, 0.5 * (1.0 + split)), _where(high, 0.5 * split, q)
        return _where(high, -_log((1.0 - qh) * (1.0 + k * k)) / k, k * _log(ql * (1.0 + k * k) / (k * k)))

    def _isf(self, q, k):
        return -self._ppf(q, 1.0 / k)


class skewnorm_gen(_rv_line):
    """The skew-normal distribution: density ``2 φ(z) Φ(a z)``, cdf ``Φ(z) - 2 T(z, a)`` (Owen's T).

    Its ``ppf``/``isf`` start from SciPy's inverse and add Newton steps (no ``jit``/``vmap``).

    >>> from osculate.scipy import stats
    >>> round(float(stats.skewnorm.cdf(0.0, 1.0)), 12)  # 1/2 - 2 T(0, 1) = 1/4
    0.25
    """

    name, shapes, safe = "skewnorm", ("a",), (0.0,)

    def _valid(self, a):
        return (_o.isfinite(a),)

    def _logpdf(self, z, a):
        return _LOG2 - 0.5 * z * z - _LOG_SQRT_2PI + _o.log_ndtr(a * z)

    @staticmethod
    def _log_tail(z, a):
        """The log cdf for ``z < 0 < a``, where ``Φ(z) - 2 T(z, a)`` cancels: with ``f(s)`` the log
        integrand ``log(φ(z - s) Φ(a (z - s)))`` (log-concave) and ``r = -f'(0)``, the cdf is
        ``2 e^{f(0)} / r ∫ e^{-u} exp(f(u/r) - f(0) + u) du``, by 40-point Gauss-Laguerre."""
        z, a = z + 0.0 * a, a + 0.0 * z
        f0 = -0.5 * z * z - _LOG_SQRT_2PI + _o.log_ndtr(a * z)
        r = -z + a * _exp(-0.5 * (a * z) ** 2 - _LOG_SQRT_2PI - _o.log_ndtr(a * z))
        zu = z[..., None] - _GL_NODES / r[..., None]
        fu = -0.5 * zu * zu - _LOG_SQRT_2PI + _o.log_ndtr(a[..., None] * zu)
        terms = fu - f0[..., None] + _GL_NODES + _GL_LOG_WEIGHTS
        return _LOG2 + f0 - _log(r) + _o.logsumexp(terms, axis=-1)

    def _split(self, z, a):  # Owen's form, and where it has lost digits (below 1e-4, a > 0) the tail form
        t = 2.0 * _sp.owens_t(z, a)
        owen, owen_sf = _o.ndtr(z) - t, _o.ndtr(-z) + t
        tail = _all(a > 0.0, z < 0.0, owen < 1e-4)
        owen, owen_sf = _where(tail, 0.5, _o.clip(owen, 0.0, 1.0)), _where(tail, 0.5, _o.clip(owen_sf, 0.0, 1.0))
        return tail, owen, owen_sf, self._log_tail(_where(tail, z, -1.0), _where(tail, a, 1.0))

    def _small_side(self, z, a):  # the cdf, accurate (value and slopes) where it is at most about 1/2
        tail, owen, _, log_tail = self._split(z, a)
        return _where(tail, _exp(log_tail), owen), tail, owen, log_tail

    def _cdf(self, z, a):  # above 1/2 as 1 - sf, so that its slopes keep their digits there
        low, _, owen, _ = self._small_side(z, a)
        return _where(owen > 0.5, 1.0 - self._small_side(-z, -a)[0], low)

    def _logcdf(self, z, a):
        _, tail, owen, log_tail = self._small_side(z, a)
        high = owen > 0.5
        other = _where(high, self._small_side(-z, -a)[0], 0.0)
        return _where(tail, log_tail, _where(high, _log1p(-other), _log(_where(high, 0.5, owen))))

    def _sf(self, z, a):
        return self._cdf(-z, -a)

    def _logsf(self, z, a):
        return self._logcdf(-z, -a)

    def _ppf(self, q, a):
        return self._newton("ppf", lambda q, a: _ss.skewnorm.ppf(q, a), self._cdf, 1.0, q, a)

    def _isf(self, q, a):
        return self._newton("isf", lambda q, a: _ss.skewnorm.isf(q, a), self._sf, -1.0, q, a)


class crystalball_gen(_rv_line):
    """The Crystal Ball distribution: a normal core ``exp(-z²/2)`` above ``-β`` with a power-law
    tail ``∝ (m/β - β - z)^(-m)`` below (``β > 0``, ``m > 1``), in logs throughout.

    Each cdf is a sum of positive terms on its side (the sf above ``-β`` is ``N √(2π) Φ(-z)``,
    below it ``N (C (1 - r^(1-m)) + √(2π) Φ(β))``), so neither tail cancels.

    >>> from osculate.scipy import stats
    >>> round(float(stats.crystalball.cdf(0.0, 2.0, 3.0) + stats.crystalball.sf(0.0, 2.0, 3.0)), 12)
    1.0
    """

    name, shapes, safe = "crystalball", ("beta", "m"), (1.0, 2.0)

    def _valid(self, beta, m):
        return beta > 0.0, m > 1.0

    @staticmethod
    def _consts(beta, m):
        """``log C`` (the tail's mass before normalising) and ``log(1/N)``."""
        log_c = _log(m / beta / (m - 1.0)) - 0.5 * beta * beta
        return log_c, _o.logaddexp(log_c, _LOG_SQRT_2PI + _o.log_ndtr(beta))

    @staticmethod
    def _log_r(z, beta, m):  # log((m/β - β - z) / (m/β)) >= 0 in the tail
        return _log1p(-(beta + z) * beta / m)

    def _logpdf(self, z, beta, m):
        _, log_m = self._consts(beta, m)
        core = z > -beta
        zc, zt = _where(core, z, 0.0), _where(core, -beta - 1.0, z)
        tail = -0.5 * beta * beta - m * self._log_r(zt, beta, m)
        return _where(core, -0.5 * zc * zc, tail) - log_m

    def _logcdf(self, z, beta, m):
        log_c, log_m = self._consts(beta, m)
        core = z > -beta
        zc, zt = _where(core, z, 1.0 - beta), _where(core, -beta - 1.0, z)
        tail = log_c + (1.0 - m) * self._log_r(zt, beta, m)
        return _where(core, _o.logaddexp(log_c, _LOG_SQRT_2PI + _log_gauss_mass(-beta, zc)), tail) - log_m

    def _logsf(self, z, beta, m):
        log_c, log_m = self._consts(beta, m)
        core = z > -beta
        zc, zt = _where(core, z, 0.0), _where(core, -beta - 1.0, z)
        tail = _o.logaddexp(log_c + _log1mexp_neg((m - 1.0) * self._log_r(zt, beta, m)),
                            _LOG_SQRT_2PI + _o.log_ndtr(beta))
        return _where(core, _LOG_SQRT_2PI + _o.log_ndtr(-zc), tail) - log_m

    def _cdf(self, z, beta, m):
        return _exp(self._logcdf(z, beta, m))

    def _sf(self, z, beta, m):
        return _exp(self._logsf(z, beta, m))

    def _tail_inverse(self, log_p, beta, m):
        """The z below -β whose cdf is ``exp(log_p)``."""
        log_c, log_m = self._consts(beta, m)
        return m / beta - beta - (m / beta) * _exp((log_p + log_m - log_c) / (1.0 - m))

    def _quantile(self, p, pc, beta, m):
        """The z with cdf ``p`` and sf ``pc`` (= 1 - p, given exactly): the tail's closed form below
        ``-β``; in the core ``ndtri`` of ``Φ(z)`` below 0 and ``-ndtri`` of ``Φ(-z)`` above, each
        where its argument is at most 1/2."""
        log_c, log_m = self._consts(beta, m)
        tail = _log(p) < log_c - log_m
        p0 = _exp(self._logcdf(0.0 * p, beta, m))  # the cdf at 0
        below = p < p0
        # safe stand-ins for the branches not taken: the cdf at 1/2 of the way from -β to 0, the sf at 0 halved
        pt = _where(tail, p, 0.5)
        pl = _where(_all(below, _o.logical_not(tail)), p, 0.5 * (p0 + _exp(log_c - log_m)))
        pu = _where(below, 0.5 * (1.0 - p0), pc)
        lower = _o.ndtri(_o.ndtr(-beta) + (pl * _exp(log_m) - _exp(log_c)) / _np.sqrt(2.0 * _np.pi))
        upper = -_o.ndtri(_exp(_log(pu) + log_m - _LOG_SQRT_2PI))
        return _where(tail, self._tail_inverse(_log(pt), beta, m), _where(below, lower, upper))

    def _ppf(self, q, beta, m):
        return self._quantile(q, 1.0 - q, beta, m)

    def _isf(self, q, beta, m):
        return self._quantile(1.0 - q, q, beta, m)


gumbel_r = gumbel_r_gen()
gumbel_l = gumbel_l_gen()
genextreme = genextreme_gen()
weibull_max = weibull_max_gen()
hypsecant = hypsecant_gen()
gennorm = gennorm_gen()
exponnorm = exponnorm_gen()
johnsonsu = johnsonsu_gen()
loggamma = loggamma_gen()
dgamma = dgamma_gen()
dweibull = dweibull_gen()
genlogistic = genlogistic_gen()
moyal = moyal_gen()
laplace_asymmetric = laplace_asymmetric_gen()
skewnorm = skewnorm_gen()
crystalball = crystalball_gen()
