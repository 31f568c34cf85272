"""``scipy.stats`` distributions on traced values, with SciPy's signatures.

``scipy.stats.norm.logpdf(x)`` converts ``x`` with ``np.asarray`` and so
cannot see a tracer; the distributions here take the same arguments
(``norm.logpdf(x, loc=0, scale=1)``, ``t.cdf(x, df, loc=0, scale=1)``,
``poisson.logpmf(k, mu)``...) and are written with osculate's primitives, so
``x``, ``loc``, ``scale`` and the shape parameters are all differentiable, to
any order, under every transformation.  They follow SciPy's conventions:
arguments broadcast; outside the support ``logpdf`` is ``-inf``, ``pdf`` and
``cdf`` are 0 or 1; invalid parameters (``scale <= 0``, a probability outside
[0, 1]...) and ``q`` outside [0, 1] give NaN, without warnings.  Calling a
distribution freezes it: ``norm(loc, scale).logpdf(x)``.

Continuous (``logpdf pdf logcdf cdf logsf sf ppf isf``): ``norm``, ``t``,
``gamma``, ``beta``, ``chi2``, ``expon``, ``laplace``, ``logistic``,
``cauchy``, ``lognorm``, ``uniform``.  Discrete (``logpmf pmf logcdf cdf
logsf sf``, ``k`` integer-valued): ``poisson``, ``binom``, ``nbinom``,
``bernoulli``.  Multivariate (``logpdf pdf``): ``multivariate_normal`` (by a
Cholesky factor), ``dirichlet``.

The tails use the stable forms: ``norm.logcdf`` is ``log_ndtr``, ``logistic``
uses ``log_expit``, the t and beta cdfs are ``betainc``, the gamma, chi2 and
Poisson cdfs ``gammainc``/``gammaincc``, the binomial ones ``betainc``.

Limits: a cdf that goes through ``gammainc``/``betainc`` (gamma, chi2, t,
beta, nbinom) is differentiable in ``x``, ``loc``, ``scale`` and the
probability/rate parameters, and in its shape parameter (gamma's ``a``,
chi2's and t's ``df``, beta's ``a``/``b``, nbinom's ``n``) only where those
special functions are (an error says so).  The ``ppf``/``isf`` of gamma,
chi2, t and beta start from SciPy's inverse on the values and add Newton
steps that carry the derivatives (exact to third order); they need the
values, so they do not run under ``jit`` or ``vmap``.

>>> import numpy as np, osculate as osc
>>> from osculate.scipy import stats
>>> float(stats.norm.logpdf(0.0))
-0.9189385332046727
>>> float(osc.grad(lambda m: stats.norm.logpdf(1.0, loc=m, scale=2.0))(0.0))
0.25
"""

from __future__ import annotations

import functools

import numpy as _np
from scipy import special as _sc

from .. import numpy as _o
from ..core import ConcretizationError, Tracer, UnsupportedFunctionError, concrete
from . import special as _sp

__all__ = [
    "norm", "t", "gamma", "beta", "chi2", "expon", "laplace", "logistic", "cauchy", "lognorm", "uniform",
    "poisson", "binom", "nbinom", "bernoulli", "multivariate_normal", "dirichlet",
    "rv_continuous", "rv_discrete", "rv_frozen",
]

_inf, _nan = _np.inf, _np.nan
_LOG2 = float(_np.log(2.0))
_LOG_SQRT_2PI = float(0.5 * _np.log(2.0 * _np.pi))
_LOG_PI = float(_np.log(_np.pi))

_where = _o.where
_log, _exp, _log1p, _expm1 = _o.log, _o.exp, _o.log1p, _o.expm1


def _arr(v):
    """A tracer as it is, anything else as a float array (SciPy accepts lists)."""
    return v if isinstance(v, Tracer) else _np.asarray(v, dtype=float)


def _all(*conds):
    out = True
    for c in conds:
        out = _o.logical_and(out, c)
    return out


def _any(*conds):
    out = False
    for c in conds:
        out = _o.logical_or(out, c)
    return out


def _quiet(fn):
    """Evaluate without NumPy's floating-point warnings (log(0) = -inf is an answer here)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with _np.errstate(all="ignore"):
            return fn(*args, **kwargs)

    return wrapper


def _betainc(a, b, x):
    """``betainc(a, b, x)``; constant arrays ``a``, ``b`` are split into their distinct pairs
    (osculate's betainc takes them as numbers)."""
    try:
        return _sp.betainc(a, b, x)
    except UnsupportedFunctionError as exc:
        if isinstance(a, Tracer) or isinstance(b, Tracer):
            raise UnsupportedFunctionError(
                f"{exc}. In osculate.scipy.stats this is a shape parameter of a cdf written with betainc "
                f"(t's df, beta's a and b, nbinom's n): pass it as a constant"
            ) from None
    a, b = _np.broadcast_arrays(_np.asarray(a, dtype=float), _np.asarray(b, dtype=float))
    out = _np.zeros(_np.broadcast_shapes(a.shape, _np.shape(x)))
    for ai, bi in set(zip(a.ravel().tolist(), b.ravel().tolist())):
        out = _where(_all(a == ai, b == bi), _sp.betainc(ai, bi, x), out)
    return out


def _log_of(p, other):
    """``log(p)`` where ``p <= 1/2``, else ``log1p(-other)`` (``other = 1 - p``, accurate)."""
    high = p > 0.5
    return _where(high, _log1p(-_where(high, other, 0.0)), _log(_where(high, 0.5, p)))


def _newton_inverse(name, start, residual, slope, q, shapes):
    """The solution ``y`` of ``residual(y, q, *shapes) = 0``: SciPy's ``start`` on the values,
    then Newton steps whose numerical correction is removed (the value stays SciPy's) but whose
    derivatives are those of the implicit function (each step doubles the exact order)."""
    try:
        values = [concrete(v) for v in (q, *shapes)]
    except ConcretizationError:
        raise ConcretizationError(
            f"osculate.scipy.stats.{name} needs the values of its arguments (it starts from SciPy's "
            f"inverse and refines it by Newton steps), so it cannot run under osculate.jit or vmap"
        ) from None
    y = _np.asarray(start(*values), dtype=float)
    if not any(isinstance(v, Tracer) for v in (q, *shapes)):
        return y
    for _ in range(2):
        r = residual(y, q, *shapes)
        d = slope(y, *shapes)
        y = y - (r - _o.stop_gradient(r)) / _where(d == 0.0, _inf, d)
    return y


# --------------------------------------------------------------------------- frozen


class rv_frozen:
    """A distribution with its parameters fixed: ``norm(1.0, 2.0).logpdf(x)`` is
    ``norm.logpdf(x, 1.0, 2.0)``.

    >>> from osculate.scipy import stats
    >>> float(stats.expon(scale=2.0).cdf(0.0))
    0.0
    """

    def __init__(self, dist, args, kwds):
        self.dist, self.args, self.kwds = dist, args, kwds

    def __getattr__(self, method):
        if method.startswith("_") or method not in self.dist._methods:
            raise AttributeError(f"frozen {self.dist.name} has no method {method!r}")
        fn = getattr(self.dist, method)
        return lambda x: fn(x, *self.args, **self.kwds)

    def __repr__(self):
        return f"<frozen osculate.scipy.stats.{self.dist.name}{self.args!r}{self.kwds!r}>"


# --------------------------------------------------------------------------- continuous


class rv_continuous:
    """A continuous distribution in standard form (``z = (x - loc) / scale``).

    A subclass gives ``shapes`` (names), ``safe`` (values that stand in for invalid
    ones, so that discarded branches stay finite), the support ``lo``, ``hi`` of ``z``
    and a point ``mid`` inside it, ``_valid``, and ``_logpdf``, ``_cdf``, ``_sf``,
    ``_logcdf``, ``_logsf``, ``_ppf``, ``_isf`` evaluated inside the support.

    >>> from osculate.scipy import stats
    >>> float(stats.uniform.pdf(0.5, loc=0.0, scale=2.0))
    0.5
    """

    name = ""
    shapes: tuple = ()
    safe: tuple = ()
    lo, hi, mid = -_inf, _inf, 0.0
    _methods = ("logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf")

    def __call__(self, *args, **kwds):
        return rv_frozen(self, args, kwds)

    def __repr__(self):
        return f"<osculate.scipy.stats.{self.name}>"

    # -- parameters
    def _params(self, method, args, kwds):
        names = self.shapes + ("loc", "scale")
        if len(args) > len(names):
            raise TypeError(f"{self.name}.{method}() takes at most {len(names)} parameters ({', '.join(names)})")
        values = dict(zip(names, args))
        for key, v in kwds.items():
            if key not in names or key in values:
                raise TypeError(f"{self.name}.{method}() got an unexpected or repeated argument {key!r}")
            values[key] = v
        missing = [n for n in self.shapes if n not in values]
        if missing:
            raise TypeError(f"{self.name}.{method}() missing the shape parameter(s) {', '.join(missing)}")
        shapes = [_arr(values[n]) for n in self.shapes]
        loc, scale = _arr(values.get("loc", 0.0)), _arr(values.get("scale", 1.0))
        valid = self._valid(*shapes)  # one condition per shape parameter, which replaces only that one
        ok = _all(*valid, scale > 0.0)
        shapes = [_where(c, s, d) for s, c, d in zip(shapes, valid, self.safe)]
        return shapes, loc, _where(scale > 0.0, scale, 1.0), _o.logical_not(ok)

    def _valid(self, *shapes):
        return ()

    def _inside(self, z, *s):
        return _all(z >= self.lo, z <= self.hi)

    def _z(self, method, x, args, kwds):
        s, loc, scale, bad = self._params(method, args, kwds)
        z = (_arr(x) - loc) / scale
        inside = self._inside(z, *s)
        return _where(inside, z, self.mid), s, scale, inside, _any(bad, _o.isnan(z)), z

    @staticmethod
    def _finish(out, bad):
        return _where(bad, _nan, out)

    def _tails(self, method, x, args, kwds, below, above):
        zs, s, scale, inside, bad, z = self._z(method, x, args, kwds)
        out = _where(inside, getattr(self, "_" + method)(zs, *s), _where(z < self.mid, below, above))
        return self._finish(out, bad)

    # -- the methods
    @_quiet
    def logpdf(self, x, *args, **kwds):
        zs, s, scale, inside, bad, z = self._z("logpdf", x, args, kwds)
        return self._finish(_where(inside, self._logpdf(zs, *s) - _log(scale), -_inf), bad)

    def pdf(self, x, *args, **kwds):
        return _exp(self.logpdf(x, *args, **kwds))

    @_quiet
    def cdf(self, x, *args, **kwds):
        return self._tails("cdf", x, args, kwds, 0.0, 1.0)

    @_quiet
    def logcdf(self, x, *args, **kwds):
        return self._tails("logcdf", x, args, kwds, -_inf, 0.0)

    @_quiet
    def sf(self, x, *args, **kwds):
        return self._tails("sf", x, args, kwds, 1.0, 0.0)

    @_quiet
    def logsf(self, x, *args, **kwds):
        return self._tails("logsf", x, args, kwds, 0.0, -_inf)

    def _inverse(self, method, q, args, kwds, at0, at1):
        s, loc, scale, bad = self._params(method, args, kwds)
        q = _arr(q)
        interior = _all(q > 0.0, q < 1.0)
        y = getattr(self, "_" + method)(_where(interior, q, 0.5), *s)
        edge = _where(q == 0.0, at0, _where(q == 1.0, at1, 0.0))
        out = loc + scale * _where(interior, y, edge)
        return self._finish(out, _any(bad, _o.logical_not(_any(interior, q == 0.0, q == 1.0))))

    @_quiet
    def ppf(self, q, *args, **kwds):
        return self._inverse("ppf", q, args, kwds, self.lo, self.hi)

    @_quiet
    def isf(self, q, *args, **kwds):
        return self._inverse("isf", q, args, kwds, self.hi, self.lo)

    # defaults in terms of one another: the log of the smaller of cdf and sf, log1p of the other
    def _logcdf(self, z, *s):
        return _log_of(self._cdf(z, *s), self._sf(z, *s))

    def _logsf(self, z, *s):
        return _log_of(self._sf(z, *s), self._cdf(z, *s))

    def _sf(self, z, *s):
        return 1.0 - self._cdf(z, *s)

    def _newton(self, method, start, fn, sign, q, *s):
        """ppf (sign=1, fn the cdf) or isf (sign=-1, fn the sf) from SciPy's ``start``."""
        return _newton_inverse(f"{self.name}.{method}", start, lambda y, q, *s: fn(y, *s) - q,
                               lambda y, *s: sign * _exp(self._logpdf(y, *s)), q, s)


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
        return _betainc(a, b, z)

    def _sf(self, z, a, b):
        return _betainc(b, a, 1.0 - z)

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
        centre = 0.5 + 0.5 * _o.sign(zn) * _betainc(0.5, 0.5 * df, zn * zn / (df + zn * zn))
        tail = 0.5 * _betainc(0.5 * df, 0.5, df / (df + zf * zf))
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


# --------------------------------------------------------------------------- discrete


class rv_discrete:
    """A discrete distribution on the integers ``lo..hi`` (shifted by ``loc``); ``k`` is
    integer-valued (a non-integer ``k`` has probability 0 and the cdf of ``floor(k)``).

    A subclass gives ``shapes``, ``safe``, ``_valid``, ``_support`` and ``_logpmf``,
    ``_cdf``, ``_sf`` (``_logcdf``, ``_logsf``) on ``k`` inside the support.

    >>> from osculate.scipy import stats
    >>> float(stats.bernoulli.pmf(1, 0.25))
    0.25
    """

    name = ""
    shapes: tuple = ()
    safe: tuple = ()
    _methods = ("logpmf", "pmf", "logcdf", "cdf", "logsf", "sf")

    def __call__(self, *args, **kwds):
        return rv_frozen(self, args, kwds)

    def __repr__(self):
        return f"<osculate.scipy.stats.{self.name}>"

    def _params(self, method, args, kwds):
        names = self.shapes + ("loc",)
        if len(args) > len(names):
            raise TypeError(f"{self.name}.{method}() takes at most {len(names)} parameters ({', '.join(names)})")
        values = dict(zip(names, args))
        for key, v in kwds.items():
            if key not in names or key in values:
                raise TypeError(f"{self.name}.{method}() got an unexpected or repeated argument {key!r}")
            values[key] = v
        missing = [n for n in self.shapes if n not in values]
        if missing:
            raise TypeError(f"{self.name}.{method}() missing the shape parameter(s) {', '.join(missing)}")
        shapes = [_arr(values[n]) for n in self.shapes]
        valid = self._valid(*shapes)
        shapes = [_where(c, s, d) for s, c, d in zip(shapes, valid, self.safe)]
        return shapes, _arr(values.get("loc", 0.0)), _o.logical_not(_all(*valid))

    def _support(self, *s):
        return 0.0, _inf

    def _k(self, method, k, args, kwds):
        s, loc, bad = self._params(method, args, kwds)
        k = _arr(k) - loc
        lo, hi = self._support(*s)
        return k, s, lo, hi, _any(bad, _o.isnan(k))

    @_quiet
    def logpmf(self, k, *args, **kwds):
        k, s, lo, hi, bad = self._k("logpmf", k, args, kwds)
        inside = _all(k >= lo, k <= hi, _o.floor(k) == k)
        return _where(bad, _nan, _where(inside, self._logpmf(_where(inside, k, lo), *s), -_inf))

    def pmf(self, k, *args, **kwds):
        return _exp(self.logpmf(k, *args, **kwds))

    def _tails(self, method, k, args, kwds, below, above):
        k, s, lo, hi, bad = self._k(method, k, args, kwds)
        k = _o.floor(k)
        inner = _all(k >= lo, k < hi)
        out = _where(inner, getattr(self, "_" + method)(_where(inner, k, lo), *s), _where(k < lo, below, above))
        return _where(bad, _nan, out)

    @_quiet
    def cdf(self, k, *args, **kwds):
        return self._tails("cdf", k, args, kwds, 0.0, 1.0)

    @_quiet
    def logcdf(self, k, *args, **kwds):
        return self._tails("logcdf", k, args, kwds, -_inf, 0.0)

    @_quiet
    def sf(self, k, *args, **kwds):
        return self._tails("sf", k, args, kwds, 1.0, 0.0)

    @_quiet
    def logsf(self, k, *args, **kwds):
        return self._tails("logsf", k, args, kwds, 0.0, -_inf)

    def _logcdf(self, k, *s):
        return _log_of(self._cdf(k, *s), self._sf(k, *s))

    def _logsf(self, k, *s):
        return _log_of(self._sf(k, *s), self._cdf(k, *s))


class poisson_gen(rv_discrete):
    """The Poisson distribution with mean ``mu``: ``poisson.logpmf(k, mu, loc=0)``; its cdf is
    ``gammaincc(k + 1, mu)`` (differentiable in ``mu``).

    >>> import osculate as osc
    >>> from osculate.scipy import stats
    >>> float(osc.grad(lambda mu: stats.poisson.logpmf(3, mu))(2.0))
    0.5
    """

    name, shapes, safe = "poisson", ("mu",), (1.0,)

    def _valid(self, mu):
        return (mu >= 0.0,)

    def _logpmf(self, k, mu):
        return _sp.xlogy(k, mu) - mu - _o.gammaln(k + 1.0)

    def _cdf(self, k, mu):
        return _sp.gammaincc(k + 1.0, mu)

    def _sf(self, k, mu):
        return _sp.gammainc(k + 1.0, mu)


class binom_gen(rv_discrete):
    """The binomial distribution of ``n`` trials with success probability ``p``; its cdf is
    ``betainc(n - k, k + 1, 1 - p)`` (differentiable in ``p``; ``n`` a constant integer).

    >>> from osculate.scipy import stats
    >>> round(float(stats.binom.pmf(1, 2, 0.5)), 12)
    0.5
    """

    name, shapes, safe = "binom", ("n", "p"), (1.0, 0.5)

    def _valid(self, n, p):
        return _all(n >= 0.0, _o.floor(n) == n), _all(p >= 0.0, p <= 1.0)

    def _support(self, n, p):
        return 0.0, n

    def _logpmf(self, k, n, p):
        return (_o.gammaln(n + 1.0) - _o.gammaln(k + 1.0) - _o.gammaln(n - k + 1.0)
                + _sp.xlogy(k, p) + _sp.xlog1py(n - k, -p))

    def _cdf(self, k, n, p):
        return _betainc(n - k, k + 1.0, 1.0 - p)

    def _sf(self, k, n, p):
        return _betainc(k + 1.0, n - k, p)


class nbinom_gen(rv_discrete):
    """The negative binomial distribution: failures ``k`` before the ``n``-th success of
    probability ``p``; its cdf is ``betainc(n, k + 1, p)``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.nbinom.pmf(0, 2, 0.5)), 12)
    0.25
    """

    name, shapes, safe = "nbinom", ("n", "p"), (1.0, 0.5)

    def _valid(self, n, p):
        return n > 0.0, _all(p > 0.0, p <= 1.0)

    def _logpmf(self, k, n, p):
        return (_o.gammaln(k + n) - _o.gammaln(n) - _o.gammaln(k + 1.0)
                + n * _log(p) + _sp.xlog1py(k, -p))

    def _cdf(self, k, n, p):
        return _betainc(n, k + 1.0, p)

    def _sf(self, k, n, p):
        return _betainc(k + 1.0, n, 1.0 - p)


class bernoulli_gen(rv_discrete):
    """The Bernoulli distribution: 1 with probability ``p``, 0 otherwise.

    >>> from osculate.scipy import stats
    >>> float(stats.bernoulli.cdf(0, 0.25))
    0.75
    """

    name, shapes, safe = "bernoulli", ("p",), (0.5,)

    def _valid(self, p):
        return (_all(p >= 0.0, p <= 1.0),)

    def _support(self, p):
        return 0.0, 1.0

    def _logpmf(self, k, p):
        return _sp.xlogy(k, p) + _sp.xlog1py(1.0 - k, -p)

    def _cdf(self, k, p):  # only k = 0 is inside (0 <= k < 1)
        return 1.0 - p + 0.0 * k

    def _sf(self, k, p):
        return p + 0.0 * k

    def _logcdf(self, k, p):
        return _log1p(-p) + 0.0 * k

    def _logsf(self, k, p):
        return _log(p) + 0.0 * k


poisson = poisson_gen()
binom = binom_gen()
nbinom = nbinom_gen()
bernoulli = bernoulli_gen()


# --------------------------------------------------------------------------- multivariate


class _frozen_multi:
    def __init__(self, dist, args, kwds):
        self.dist, self.args, self.kwds = dist, args, kwds

    def logpdf(self, x):
        return self.dist.logpdf(x, *self.args, **self.kwds)

    def pdf(self, x):
        return self.dist.pdf(x, *self.args, **self.kwds)


class multivariate_normal_gen:
    """The multivariate normal distribution: ``multivariate_normal.logpdf(x, mean=None, cov=1)``.

    ``x`` holds points along its last axis (as in SciPy, a 1-D ``x`` is one point, or
    several for a one-dimensional distribution; the result is squeezed); ``cov`` is a
    matrix (factored by Cholesky), a vector (a diagonal) or a number.  Differentiable in
    ``x``, ``mean`` and ``cov``.  ``allow_singular=True`` is not supported.

    >>> import numpy as np
    >>> from osculate.scipy import stats
    >>> float(stats.multivariate_normal.logpdf(np.zeros(2), cov=np.eye(2))) == 2 * float(stats.norm.logpdf(0.0))
    True
    """

    name = "multivariate_normal"

    def __call__(self, mean=None, cov=1, allow_singular=False):
        self._check(allow_singular)
        return _frozen_multi(self, (), {"mean": mean, "cov": cov})

    @staticmethod
    def _check(allow_singular):
        if allow_singular:
            raise NotImplementedError(
                "osculate.scipy.stats.multivariate_normal does not support allow_singular=True: "
                "the covariance must be positive definite (it is factored by Cholesky)"
            )

    @_quiet
    def logpdf(self, x, mean=None, cov=1, allow_singular=False):
        self._check(allow_singular)
        cov = _arr(cov)
        if mean is None:
            dim = _o.shape(cov)[0] if _o.ndim(cov) >= 1 else 1
            mean = _np.zeros(dim)
        mean = _arr(mean)
        if _o.ndim(mean) != 1:
            mean = _o.reshape(mean, (-1,))
        dim = _o.shape(mean)[0]
        x = _arr(x)
        if _o.ndim(x) == 0:
            x = _o.reshape(x, (1,))
        if _o.ndim(x) == 1:
            x = _o.reshape(x, (-1, 1) if dim == 1 else (1, -1))
        if _o.shape(x)[-1] != dim:
            raise ValueError(f"multivariate_normal: x has {_o.shape(x)[-1]} components, the mean {dim}")
        dev = x - mean
        if _o.ndim(cov) <= 1:  # a number (times the identity) or the diagonal
            var = cov * _np.ones(dim)
            maha = _o.sum(dev * dev / var, axis=-1)
            logdet = _o.sum(_log(var))
        else:
            low = _o.linalg.cholesky(0.5 * (cov + _o.swapaxes(cov, -1, -2)))  # (a symmetric gradient)
            flat = _o.reshape(dev, (-1, dim))
            white = _o.linalg.solve(low, _o.transpose(flat))  # (dim, points)
            maha = _o.reshape(_o.sum(white * white, axis=0), _o.shape(dev)[:-1])
            logdet = 2.0 * _o.sum(_log(_o.diagonal(low)))
        out = -0.5 * (dim * 2.0 * _LOG_SQRT_2PI + logdet + maha)
        return _o.squeeze(out) if _o.ndim(out) else out

    def pdf(self, x, mean=None, cov=1, allow_singular=False):
        return _exp(self.logpdf(x, mean, cov, allow_singular))


class dirichlet_gen:
    """The Dirichlet distribution: ``dirichlet.logpdf(x, alpha)``.

    As in SciPy, ``x`` holds the components along its *first* axis (``K`` of them, or
    ``K - 1`` and the last is ``1 - sum``), and points outside the simplex are an error
    (checked when the values are known).  Differentiable in ``x`` and ``alpha``.

    >>> import numpy as np
    >>> from osculate.scipy import stats
    >>> float(stats.dirichlet.pdf(np.array([0.2, 0.8]), np.ones(2)))
    1.0
    """

    name = "dirichlet"

    def __call__(self, alpha):
        return _frozen_multi(self, (alpha,), {})

    @_quiet
    def logpdf(self, x, alpha):
        alpha, x = _arr(alpha), _arr(x)
        if _o.ndim(alpha) != 1:
            raise ValueError("dirichlet: alpha must be a one-dimensional array")
        n = _o.shape(alpha)[0]
        if _o.ndim(x) == 0 or _o.shape(x)[0] not in (n, n - 1):
            raise ValueError(f"dirichlet: x must have {n} or {n - 1} components along its first axis")
        if _o.shape(x)[0] == n - 1:
            x = _o.concatenate([x, 1.0 - _o.sum(x, axis=0, keepdims=True)], axis=0)
        self._check(alpha, x)
        a = _o.reshape(alpha, (n,) + (1,) * (_o.ndim(x) - 1))
        norm_const = _o.gammaln(_o.sum(alpha)) - _o.sum(_o.gammaln(alpha))
        return norm_const + _o.sum(_sp.xlogy(a - 1.0, x), axis=0)

    @staticmethod
    def _check(alpha, x):
        try:
            a, xv = concrete(alpha), concrete(x)
        except ConcretizationError:
            return
        if _np.any(a <= 0):
            raise ValueError("dirichlet: every entry of alpha must be positive")
        if _np.any(xv < 0) or _np.any(xv > 1):
            raise ValueError("dirichlet: every entry of x must lie in [0, 1]")
        if _np.any(_np.abs(_np.sum(xv, axis=0) - 1.0) > 1e-9):
            raise ValueError("dirichlet: the components of x (its first axis) must sum to 1")

    def pdf(self, x, alpha):
        return _exp(self.logpdf(x, alpha))


multivariate_normal = multivariate_normal_gen()
dirichlet = dirichlet_gen()
