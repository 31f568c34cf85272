"""More continuous distributions of :mod:`osculate.ad.scipy.stats`: the noncentral
chi-square, F and t distributions, Rice's, and closed forms (gibrat, levy_l,
exponpow, kappa3, skewcauchy, genhalflogistic, powernorm, foldcauchy,
wrapcauchy, truncpareto: every method, quantiles included, in closed form and
stable in both tails, so they run under ``jit`` and ``vmap``).

The noncentral distribution functions are ``scipy.special``'s ``chndtr``,
``ncfdtr`` and ``nctdtr``, which osculate differentiates in every argument
(:mod:`osculate.ad.prims.special_stat`); their quantiles are ``chndtrix``,
``ncfdtri`` and ``nctdtrit`` (implicit-function derivatives, so they run
under ``jit`` and ``vmap``).  ``chndtr`` and ``ncfdtr`` have no complement in
``scipy.special``: the survival functions of ``ncx2``, ``ncf`` and ``rice``
are ``1 - cdf``, accurate in absolute terms only (where ``sf < 1e-16`` they
are 0 or carry rounding errors of the size of 1e-16, as do their logs), and
their ``isf`` starts from SciPy's inverse on the values and adds Newton steps
that carry the exact derivatives (no ``jit``/``vmap`` for those).  The
noncentral t distribution is symmetric under ``(x, nc) -> (-x, -nc)``, so
its survival function and ``isf`` are accurate in both tails.
"""

from __future__ import annotations

import numpy as _np

from ... import numpy as _o
from .. import special as _sp
from ._base import _LOG2, _LOG_SQRT_2PI, _all, _exp, _inf, _log, _log1p, _where, rv_continuous
from ._halfline import _half, _log1mexp, _logpos, _pow, _scipy, _xlogz

__all__ = ["ncx2", "ncf", "nct", "rice", "gibrat", "levy_l", "exponpow", "kappa3", "skewcauchy", "genhalflogistic",
           "powernorm", "foldcauchy", "wrapcauchy", "truncpareto"]

_LOG_PI = float(_np.log(_np.pi))
_SQRT2 = float(_np.sqrt(2.0))


def _log_chi2(z, df):
    """The log density of the central chi-square distribution at ``z >= 0``."""
    h = 0.5 * df
    return _xlogz(h - 1.0, z) - 0.5 * z - h * _LOG2 - _sp.gammaln(h)


def _log_ive(v, r):
    """``log ive(v, r)`` for ``r > 0``; beyond ``r = 1e8`` (where SciPy's ``ive`` is NaN) by
    Hankel's expansion ``(2πr)^(-1/2) (1 - (μ-1)/(8r) + (μ-1)(μ-9)/(2 (8r)²))``, ``μ = 4v²``."""
    big = r > 1e8
    rb, rs = _where(big, r, 1e8), _where(big, 1.0, r)
    mu = 4.0 * v * v
    e = 1.0 / (8.0 * rb)
    hankel = -0.5 * _log(2.0 * _np.pi * rb) + _log1p(-(mu - 1.0) * e + 0.5 * (mu - 1.0) * (mu - 9.0) * e * e)
    return _where(big, hankel, _log(_sp.ive(v, rs)))


# --------------------------------------------------------------------------- noncentral


class ncx2_gen(_half):
    """The noncentral chi-square distribution with ``df > 0`` degrees of freedom and
    noncentrality ``nc >= 0``: density ``e^(-(z+nc)/2) (z/nc)^(df/4-1/2) I_(df/2-1)(√(nc z)) / 2``
    (with ``ive``, the Bessel function scaled by ``e^(-√(nc z))``; the central chi-square
    density times ``e^(-nc/2)`` where ``nc z = 0``), cdf ``chndtr(z, df, nc)``, ppf
    ``chndtrix``.  The survival function is ``1 - cdf`` (absolute accuracy only where it is
    below 1e-16) and ``isf`` starts from SciPy's values (no ``jit``/``vmap``).  For large
    ``df`` and small ``nc z`` (where ``ive`` underflows) the log density is ``-inf``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.ncx2.cdf(2.0, 2.0, 0.0)), 12)  # 1 - e^(-1)
    0.632120558829
    """

    name, shapes, safe, lo, mid = "ncx2", ("df", "nc"), (1.0, 1.0), 0.0, 1.0

    def _valid(self, df, nc):
        return df > 0.0, nc >= 0.0

    def _logpdf(self, z, df, nc):
        u = nc * z
        pos = u > 0.0
        zs, ns = _where(pos, z, 1.0), _where(pos, nc, 1.0)
        r = _o.sqrt(zs * ns)
        v = 0.5 * df - 1.0
        bessel = (-_LOG2 - 0.5 * (zs + ns) + 0.5 * v * _log(zs / ns) + _log_ive(v, r) + r)
        return _where(pos, bessel, _log_chi2(z, df) - 0.5 * nc)

    def _cdf(self, z, df, nc):
        return _sp.chndtr(z, df, nc)

    def _ppf(self, q, df, nc):
        return _sp.chndtrix(q, df, nc)

    def _isf(self, q, df, nc):
        return self._newton("isf", _scipy("ncx2.isf"), self._sf, -1.0, q, df, nc)


def _ncf_isf(q, dfn, dfd, nc):
    """SciPy's ``ncf.isf`` on plain values; NaN where it fails (it raises an overflow error
    for tiny ``q``, where ``1 - cdf`` could not tell the answer either)."""
    q, dfn, dfd, nc = _np.broadcast_arrays(*(_np.asarray(v, dtype=float) for v in (q, dfn, dfd, nc)))
    out = _np.empty(q.shape)
    for i in _np.ndindex(q.shape):
        args = (q[i], dfn[i], dfd[i], nc[i])
        try:
            out[i] = _ISF(*args)
        except (OverflowError, ArithmeticError, ValueError):
            out[i] = _np.nan
    return out


_ISF = _scipy("ncf.isf")


class ncf_gen(_half):
    """The noncentral F distribution with ``dfn, dfd > 0`` degrees of freedom and
    noncentrality ``nc >= 0``: density ``e^(-nc/2) f(z; dfn, dfd) 1F1((dfn+dfd)/2; dfn/2; nc y/2)``,
    ``f`` the central F density and ``y = dfn z / (dfd + dfn z)`` (the Poisson mixture of
    F-type densities summed), cdf ``ncfdtr``, ppf ``ncfdtri``.  The survival function is
    ``1 - cdf`` (absolute accuracy only where it is below 1e-16), ``isf`` starts from
    SciPy's values (no ``jit``/``vmap``; NaN where SciPy's inverse fails, for ``q`` below
    about 1e-200); ``hyp1f1`` overflows for ``nc`` beyond about 1400.

    >>> from osculate.scipy import stats
    >>> round(float(stats.ncf.cdf(1.0, 4.0, 4.0, 0.0)), 12)
    0.5
    """

    name, shapes, safe, lo, mid = "ncf", ("dfn", "dfd", "nc"), (1.0, 1.0, 1.0), 0.0, 1.0

    def _valid(self, dfn, dfd, nc):
        return dfn > 0.0, dfd > 0.0, nc >= 0.0

    def _logpdf(self, z, dfn, dfd, nc):
        m, n = 0.5 * dfn, 0.5 * dfd
        d = dfd + dfn * z
        central = (m * _log(dfn) + n * _log(dfd) + _xlogz(m - 1.0, z) - (m + n) * _log(d) - _sp.betaln(m, n))
        return central - 0.5 * nc + _log(_sp.hyp1f1(m + n, m, 0.5 * nc * dfn * z / d))

    def _cdf(self, z, dfn, dfd, nc):
        return _sp.ncfdtr(dfn, dfd, nc, z)

    def _ppf(self, q, dfn, dfd, nc):
        return _sp.ncfdtri(dfn, dfd, nc, q)

    def _isf(self, q, dfn, dfd, nc):
        return self._newton("isf", _ncf_isf, self._sf, -1.0, q, dfn, dfd, nc)


class nct_gen(rv_continuous):
    """The noncentral t distribution with ``df > 0`` degrees of freedom and noncentrality
    ``nc``: cdf ``nctdtr(df, nc, z)``, survival function ``nctdtr(df, -nc, -z)`` (accurate in
    the upper tail too), ppf ``nctdtrit(df, nc, q)`` (SciPy's ppf, which like it is coarse for
    ``q`` below about 1e-20); ``isf`` starts from SciPy's values and adds Newton steps (no
    ``jit``/``vmap``).  Where ``scipy.special.nctdtr`` is NaN (in far tails where the
    probability is below about 1e-40 for large ``df |nc|``), so are the cdf, sf and their logs.
    The density is the sum of two confluent hypergeometric terms,
    ``C(z) [√2 nc z 1F1(df/2+1; 3/2; y) / (s Γ((df+1)/2)) + 1F1((df+1)/2; 1/2; y) / (√s Γ(df/2+1))]``
    with ``s = df + z²``, ``y = nc² z² / (2s)``, ``C(z) = df^(df/2) Γ(df+1) e^(-nc²/2) / (2^df
    s^(df/2) Γ(df/2))``; where ``nc z < 0`` the two terms have opposite signs and cancel: the
    density is accurate to about 1e-12 relative for ``|nc| <= 2``, but only to 1e-8 at ``df =
    3, nc = 5`` and not at all (NaN) where ``df nc²`` is large and ``nc z`` very negative
    (``df = 30, nc = -4, z > 5``).

    >>> from osculate.scipy import stats
    >>> round(float(stats.nct.cdf(0.0, 3.0, 0.0)), 12)
    0.5
    """

    name, shapes, safe = "nct", ("df", "nc"), (1.0, 0.0)

    def _valid(self, df, nc):
        return df > 0.0, _o.isfinite(nc)

    def _inside(self, z, *s):  # ±inf are limits (density 0, cdf 0 or 1), not points of the formulas
        return _all(z > -_inf, z < _inf)

    def _logpdf(self, z, df, nc):
        s = df + z * z
        y = nc * nc * z * z / (2.0 * s)
        h = 0.5 * df
        c = (h * _log(df) + _sp.gammaln(df + 1.0) - df * _LOG2 - 0.5 * nc * nc - h * _log(s) - _sp.gammaln(h))
        t1 = _SQRT2 * nc * z * _sp.hyp1f1(h + 1.0, 1.5, y) / (s * _exp(_sp.gammaln(h + 0.5)))
        t2 = _sp.hyp1f1(h + 0.5, 0.5, y) / (_o.sqrt(s) * _exp(_sp.gammaln(h + 1.0)))
        return c + _log(t1 + t2)

    def _cdf(self, z, df, nc):
        return _sp.nctdtr(df, nc, z)

    def _sf(self, z, df, nc):
        return _sp.nctdtr(df, -nc, -z)

    def _ppf(self, q, df, nc):
        return _sp.nctdtrit(df, nc, q)

    def _isf(self, q, df, nc):
        return self._newton("isf", _scipy("nct.isf"), self._sf, -1.0, q, df, nc)


class rice_gen(_half):
    """Rice's distribution with ``b >= 0``: density ``z e^(-(z-b)²/2) i0e(b z)``, cdf
    ``chndtr(z², 2, b²)``, ppf ``√chndtrix(q, 2, b²)``; ``b = 0`` is ``rayleigh``.  The
    survival function is ``1 - cdf`` (absolute accuracy only where it is below 1e-16) and
    ``isf`` starts from SciPy's values (no ``jit``/``vmap``).

    >>> from osculate.scipy import stats
    >>> round(float(stats.rice.logpdf(1.0, 0.0)), 12)  # rayleigh: -1/2
    -0.5
    """

    name, shapes, safe, lo, mid = "rice", ("b",), (1.0,), 0.0, 1.0

    def _valid(self, b):
        return (b >= 0.0,)

    def _logpdf(self, z, b):
        return _logpos(z) - 0.5 * (z - b) ** 2 + _log(_sp.i0e(b * z))

    def _cdf(self, z, b):
        return _sp.chndtr(z * z, 2.0, b * b)

    def _ppf(self, q, b):
        return _o.sqrt(_sp.chndtrix(q, 2.0, b * b))

    def _isf(self, q, b):
        return self._newton("isf", _scipy("rice.isf"), self._sf, -1.0, q, b)


# --------------------------------------------------------------------------- closed forms


class gibrat_gen(_half):
    """Gibrat's distribution, ``lognorm`` with ``s = 1``: ``log z`` is standard normal.

    >>> from osculate.scipy import stats
    >>> round(float(stats.gibrat.cdf(1.0)), 12)
    0.5
    """

    name, lo, mid, open_lo = "gibrat", 0.0, 1.0, True

    def _logpdf(self, z):
        t = _log(z)
        return -_LOG_SQRT_2PI - t - 0.5 * t * t

    def _cdf(self, z):
        return _o.ndtr(_log(z))

    def _sf(self, z):
        return _o.ndtr(-_log(z))

    def _logcdf(self, z):
        return _o.log_ndtr(_log(z))

    def _logsf(self, z):
        return _o.log_ndtr(-_log(z))

    def _ppf(self, q):
        return _exp(_o.ndtri(q))

    def _isf(self, q):
        return _exp(-_o.ndtri(q))


class levy_l_gen(rv_continuous):
    """The left-skewed Lévy distribution (``-X`` for ``X ~ levy``), on ``z < 0``: cdf
    ``erf(1/√(-2z))``, sf ``erfc(1/√(-2z))`` (its log ``log 2 + log_ndtr(-1/√(-z))``), ppf
    ``-1/(2 erfinv(q)²)``, isf ``-1/(2 erfcinv(q)²)``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.levy_l.sf(-1.0)), 12)
    0.317310507863
    """

    name, lo, hi, mid = "levy_l", -_inf, 0.0, -1.0

    def _inside(self, z):
        return _all(z > -_inf, z < 0.0)

    def _logpdf(self, z):
        w = -z
        return -_LOG_SQRT_2PI - 1.5 * _log(w) - 0.5 / w

    def _cdf(self, z):
        return _sp.erf(1.0 / _o.sqrt(-2.0 * z))

    def _sf(self, z):
        return _sp.erfc(1.0 / _o.sqrt(-2.0 * z))

    def _logsf(self, z):
        return _LOG2 + _o.log_ndtr(-1.0 / _o.sqrt(-z))

    @staticmethod
    def _from(t):
        return -0.5 / (t * t)

    def _ppf(self, q):  # above 1/2 the complement 1 - q is exact
        high = q > 0.5
        return self._from(_where(high, _sp.erfcinv(1.0 - _where(high, q, 0.75)), _sp.erfinv(_where(high, 0.25, q))))

    def _isf(self, q):
        high = q > 0.5
        return self._from(_where(high, _sp.erfinv(1.0 - _where(high, q, 0.75)), _sp.erfcinv(_where(high, 0.25, q))))


class exponpow_gen(_half):
    """The exponential power distribution with ``b > 0``: with ``t = expm1(z^b)``, the log
    survival function is ``-t``, the cdf ``-expm1(-t)``, the density ``b z^(b-1) e^(z^b - t)``;
    ppf ``log1p(-log1p(-q))^(1/b)``, isf ``log1p(-log q)^(1/b)``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.exponpow.logsf(1.0, 1.0)), 12)  # -(e - 1)
    -1.718281828459
    """

    name, shapes, safe, lo, mid = "exponpow", ("b",), (1.0,), 0.0, 1.0

    def _valid(self, b):
        return (b > 0.0,)

    def _logpdf(self, z, b):
        y = _pow(z, b)
        return _log(b) + _xlogz(b - 1.0, z) + y - _o.expm1(y)

    def _logsf(self, z, b):
        return -_o.expm1(_pow(z, b))

    def _sf(self, z, b):
        return _exp(self._logsf(z, b))

    def _cdf(self, z, b):
        return -_o.expm1(self._logsf(z, b))

    def _logcdf(self, z, b):
        return _log1mexp(self._logsf(z, b))

    def _ppf(self, q, b):
        return _o.power(_log1p(-_log1p(-q)), 1.0 / b)

    def _isf(self, q, b):
        return _o.power(_log1p(-_log(q)), 1.0 / b)


class kappa3_gen(_half):
    """The three-parameter kappa distribution with ``a > 0``: with ``u = log1p(a z^(-a)) / a``,
    the log cdf is ``-u`` (``z (a + z^a)^(-1/a)``), the sf ``-expm1(-u)``, the density
    ``a (a + z^a)^(-(a+1)/a)``; ppf ``(a / expm1(-a log q))^(1/a)``, isf with ``log1p(-q)``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.kappa3.cdf(1.0, 1.0)), 12)
    0.5
    """

    name, shapes, safe, lo, mid = "kappa3", ("a",), (1.0,), 0.0, 1.0

    def _valid(self, a):
        return (a > 0.0,)

    def _logpdf(self, z, a):
        return _log(a) - (a + 1.0) / a * _log(a + _pow(z, a))

    def _logcdf(self, z, a):  # below z = 1 as log z - (log a + log1p(z^a / a)) / a: no overflow of z^-a
        pos, big = z > 0.0, z >= 1.0
        zb, zl = _where(big, z, 1.0), _where(_all(pos, _o.logical_not(big)), z, 0.5)
        low = _log(zl) - (_log(a) + _log1p(_o.power(zl, a) / a)) / a
        return _where(big, -_log1p(a * _o.power(zb, -a)) / a, _where(pos, low, -_inf))

    def _cdf(self, z, a):
        return _exp(self._logcdf(z, a))

    def _sf(self, z, a):
        return -_o.expm1(self._logcdf(z, a))

    def _logsf(self, z, a):
        return _log1mexp(self._logcdf(z, a))

    def _ppf(self, q, a):
        return _o.power(a / _o.expm1(-a * _log(q)), 1.0 / a)

    def _isf(self, q, a):
        return _o.power(a / _o.expm1(-a * _log1p(-q)), 1.0 / a)


class skewcauchy_gen(rv_continuous):
    """The skewed Cauchy distribution with ``-1 < a < 1``: density ``1 / (π (1 + (z / (1 + a
    sign z))²))``; below 0 the cdf is ``(1-a)/π atan2(1-a, -z)``, above it the sf ``(1+a)/π
    atan2(1+a, z)`` (each tail without cancellation); closed-form quantiles with ``tan``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.skewcauchy.cdf(0.0, 0.5)), 12)  # (1 - a) / 2
    0.25
    """

    name, shapes, safe = "skewcauchy", ("a",), (0.0,)

    def _valid(self, a):
        return (_all(a > -1.0, a < 1.0),)

    def _inside(self, z, *s):
        return _all(z > -_inf, z < _inf)

    def _logpdf(self, z, a):
        w = z / (1.0 + _where(z < 0.0, -a, a))
        return -_LOG_PI - _log1p(w * w)

    @staticmethod
    def _low(z, a):  # the cdf below 0 and the sf above it
        return (1.0 - a) / _np.pi * _o.arctan2(1.0 - a, -_o.minimum(z, 0.0))

    @staticmethod
    def _high(z, a):
        return (1.0 + a) / _np.pi * _o.arctan2(1.0 + a, _o.maximum(z, 0.0))

    def _cdf(self, z, a):
        return _where(z < 0.0, self._low(z, a), 1.0 - self._high(z, a))

    def _sf(self, z, a):
        return _where(z < 0.0, 1.0 - self._low(z, a), self._high(z, a))

    @staticmethod
    def _solve(q, a, lower):
        """``z`` with cdf ``q`` (``lower``) or sf ``q`` (not ``lower``), ``q`` the smaller side's
        probability in each branch."""
        m = 0.5 * (1.0 - a)  # the cdf at 0
        p = q if lower else 1.0 - q  # the cdf
        neg = p < m
        pn, pp = _where(neg, p, 0.5 * m), _where(neg, 0.5 * (1.0 + m), p)
        sp = 1.0 - pp if lower else _where(neg, 0.5 * (1.0 - m), q)
        pn = pn if lower else _where(neg, 1.0 - q, 0.5 * m)
        return _where(neg, -(1.0 - a) / _o.tan(_np.pi * pn / (1.0 - a)), (1.0 + a) / _o.tan(_np.pi * sp / (1.0 + a)))

    def _ppf(self, q, a):
        return self._solve(q, a, True)

    def _isf(self, q, a):
        return self._solve(q, a, False)


class genhalflogistic_gen(_half):
    """The generalized half-logistic distribution with ``c > 0`` on ``[0, 1/c]``: with
    ``log T = log1p(-c z) / c``, cdf ``(1 - T) / (1 + T)`` (``1 - T = -expm1(log T)``), sf
    ``2T / (1 + T)``, density ``2 (1 - cz)^(1/c - 1) / (1 + T)²``; quantiles
    ``(1 - T^c) / c`` with ``T = (1 - q) / (1 + q)`` (ppf) or ``q / (2 - q)`` (isf).

    >>> from osculate.scipy import stats
    >>> round(float(stats.genhalflogistic.cdf(0.5, 1.0)), 12)  # T = 1/2
    0.333333333333
    """

    name, shapes, safe, lo = "genhalflogistic", ("c",), (1.0,), 0.0

    def _valid(self, c):
        return (c > 0.0,)

    def _bounds(self, c):
        return 0.0, 1.0 / c

    def _middle(self, c):
        return 0.5 / c

    @staticmethod
    def _logt(z, c):
        end = c * z >= 1.0
        return _where(end, -_inf, _log1p(-c * _where(end, 0.5 / c, z)) / c)

    def _logpdf(self, z, c):
        end = c * z >= 1.0
        w = _log1p(-c * _where(end, 0.5 / c, z))
        power = _where(end, _where(c == 1.0, 0.0, _where(c < 1.0, -_inf, _inf)), (1.0 / c - 1.0) * w)
        return _LOG2 + power - 2.0 * _log1p(_exp(self._logt(z, c)))

    def _cdf(self, z, c):
        lt = self._logt(z, c)
        return -_o.expm1(lt) / (1.0 + _exp(lt))

    def _sf(self, z, c):
        t = _exp(self._logt(z, c))
        return 2.0 * t / (1.0 + t)

    def _logsf(self, z, c):
        lt = self._logt(z, c)
        return _LOG2 + lt - _log1p(_exp(lt))

    def _logcdf(self, z, c):
        lt = self._logt(z, c)
        return _log1mexp(lt) - _log1p(_exp(lt))

    @staticmethod
    def _from(logt, c):
        return -_o.expm1(c * logt) / c

    def _ppf(self, q, c):
        return self._from(_log1p(-q) - _log1p(q), c)

    def _isf(self, q, c):
        return self._from(_log(q) - _log(2.0 - q), c)


class powernorm_gen(rv_continuous):
    """The power normal distribution with ``c > 0``: log sf ``c log_ndtr(-z)``, cdf
    ``-expm1`` of it, density ``c φ(z) Φ(-z)^(c-1)``; ppf ``-ndtri(exp(log1p(-q)/c))``, isf
    ``-ndtri(q^(1/c))``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.powernorm.cdf(0.0, 2.0)), 12)  # 1 - 1/4
    0.75
    """

    name, shapes, safe = "powernorm", ("c",), (1.0,)

    def _valid(self, c):
        return (c > 0.0,)

    def _inside(self, z, *s):
        return _all(z > -_inf, z < _inf)

    def _logpdf(self, z, c):
        return _log(c) - _LOG_SQRT_2PI - 0.5 * z * z + (c - 1.0) * _o.log_ndtr(-z)

    def _logsf(self, z, c):
        return c * _o.log_ndtr(-z)

    def _sf(self, z, c):
        return _exp(self._logsf(z, c))

    def _cdf(self, z, c):
        return -_o.expm1(self._logsf(z, c))

    def _logcdf(self, z, c):
        return _log1mexp(self._logsf(z, c))

    def _ppf(self, q, c):
        return -_o.ndtri(_exp(_log1p(-q) / c))

    def _isf(self, q, c):
        return -_o.ndtri(_exp(_log(q) / c))


class foldcauchy_gen(_half):
    """The folded Cauchy distribution with ``c >= 0``: density ``(1/(1+(z-c)²) + 1/(1+(z+c)²)) / π``,
    cdf ``atan2(2z, 1+c²-z²) / π`` and sf ``atan2(2z, z²-1-c²) / π`` (the two arctangents summed,
    accurate at both ends); quantiles from the quadratic ``sin(πp) z² + 2 cos(πp) z - sin(πp)(1+c²)
    = 0``, its root written without cancellation on each side of ``p = 1/2``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.foldcauchy.cdf(1.0, 0.0)), 12)
    0.5
    """

    name, shapes, safe, lo, mid = "foldcauchy", ("c",), (0.0,), 0.0, 1.0

    def _valid(self, c):
        return (c >= 0.0,)

    def _logpdf(self, z, c):
        return _log(1.0 / (1.0 + (z - c) ** 2) + 1.0 / (1.0 + (z + c) ** 2)) - _LOG_PI

    def _cdf(self, z, c):
        return _o.arctan2(2.0 * z, 1.0 + c * c - z * z) / _np.pi

    def _sf(self, z, c):
        return _o.arctan2(2.0 * z, z * z - 1.0 - c * c) / _np.pi

    @staticmethod
    def _root(q, c, co):
        s = _o.sin(_np.pi * _o.minimum(q, 1.0 - q))
        r = _o.sqrt(1.0 + s * s * c * c)
        up = co >= 0.0
        return _where(up, s * (1.0 + c * c) / (_where(up, co, 0.0) + r),
                      (r - _where(up, 0.0, co)) / _where(up, 1.0, s))

    def _ppf(self, q, c):
        return self._root(q, c, _o.sin(_np.pi * (0.5 - q)))

    def _isf(self, q, c):
        return self._root(q, c, _o.sin(_np.pi * (q - 0.5)))


class wrapcauchy_gen(_half):
    """The wrapped Cauchy distribution with ``0 < c < 1`` on ``[0, 2π]``: density ``(1 - c²) /
    (2π (1 + c² - 2c cos z))``; with ``r = (1+c)/(1-c)``, the cdf below ``π`` is ``atan(r
    tan(z/2)) / π`` and the sf above it ``atan(r tan(π - z/2)) / π`` (each the small side);
    quantiles ``2 atan(tan(πq) / r)`` and their reflections.

    >>> from osculate.scipy import stats
    >>> round(float(stats.wrapcauchy.cdf(3.141592653589793, 0.5)), 12)
    0.5
    """

    name, shapes, safe, lo, hi, mid = "wrapcauchy", ("c",), (0.5,), 0.0, 2.0 * _np.pi, _np.pi

    def _valid(self, c):
        return (_all(c > 0.0, c < 1.0),)

    def _logpdf(self, z, c):
        return _log1p(-c * c) - _log(2.0 * _np.pi) - _log(1.0 + c * c - 2.0 * c * _o.cos(z))

    @staticmethod
    def _side(w, c):  # the probability of [0, w] for w <= π
        return _o.arctan((1.0 + c) / (1.0 - c) * _o.tan(0.5 * w)) / _np.pi

    def _cdf(self, z, c):
        low = z < _np.pi
        return _where(low, self._side(_where(low, z, 1.0), c), 1.0 - self._side(2.0 * _np.pi - _where(low, 5.0, z), c))

    def _sf(self, z, c):
        low = z < _np.pi
        return _where(low, 1.0 - self._side(_where(low, z, 1.0), c), self._side(2.0 * _np.pi - _where(low, 5.0, z), c))

    @staticmethod
    def _angle(p, c):  # the w <= π with probability p <= 1/2 of [0, w]
        return 2.0 * _o.arctan((1.0 - c) / (1.0 + c) * _o.tan(_np.pi * p))

    def _ppf(self, q, c):
        low = q < 0.5
        upper = 2.0 * _np.pi - self._angle(1.0 - _where(low, 0.75, q), c)
        return _where(low, self._angle(_where(low, q, 0.25), c), upper)

    def _isf(self, q, c):
        low = q < 0.5
        upper = 2.0 * _np.pi - self._angle(_where(low, q, 0.25), c)
        return _where(low, upper, self._angle(1.0 - _where(low, 0.75, q), c))


class truncpareto_gen(_half):
    """The upper-truncated Pareto distribution with ``b != 0`` on ``[1, c]``, ``c > 1``: with ``E =
    expm1(-b log c)``, cdf ``expm1(-b log z) / E``, sf ``z^-b expm1(b log(z/c)) / E`` (no
    cancellation at either end), density ``-b z^(-b-1) / E``; ppf ``exp(-log1p(q E) / b)``,
    isf ``c exp(-log1p(-q E c^b) / b)``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.truncpareto.cdf(2.0, 1.0, 4.0)), 12)  # (1 - 1/2) / (1 - 1/4)
    0.666666666667
    """

    name, shapes, safe, lo = "truncpareto", ("b", "c"), (1.0, 2.0), 1.0

    def _valid(self, b, c):
        return _all(b != 0.0, _o.isfinite(b)), c > 1.0

    def _bounds(self, b, c):
        return 1.0, c

    def _middle(self, b, c):
        return 0.5 * (1.0 + c)

    @staticmethod
    def _e(b, c):
        return _o.expm1(-b * _log(c))

    def _logpdf(self, z, b, c):
        return _log(-b / self._e(b, c)) - (b + 1.0) * _log(z)

    def _cdf(self, z, b, c):
        return _o.expm1(-b * _log(z)) / self._e(b, c)

    def _sf(self, z, b, c):
        return _exp(-b * _log(z)) * _o.expm1(b * _log(z / c)) / self._e(b, c)

    def _ppf(self, q, b, c):
        return _exp(-_log1p(q * self._e(b, c)) / b)

    def _isf(self, q, b, c):
        return c * _exp(-_log1p(-q * self._e(b, c) * _exp(b * _log(c))) / b)


ncx2 = ncx2_gen()
ncf = ncf_gen()
nct = nct_gen()
rice = rice_gen()
gibrat = gibrat_gen()
levy_l = levy_l_gen()
exponpow = exponpow_gen()
kappa3 = kappa3_gen()
skewcauchy = skewcauchy_gen()
genhalflogistic = genhalflogistic_gen()
powernorm = powernorm_gen()
foldcauchy = foldcauchy_gen()
wrapcauchy = wrapcauchy_gen()
truncpareto = truncpareto_gen()
