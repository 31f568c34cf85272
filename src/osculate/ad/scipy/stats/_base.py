"""The machinery of :mod:`osculate.ad.scipy.stats`: the helpers, the frozen form and the
continuous and discrete base classes (a distribution in standard form, the support,
the masking that keeps discarded branches finite)."""

from __future__ import annotations

import functools

import numpy as _np

from ... import numpy as _o
from ...core import ConcretizationError, Tracer, concrete

__all__ = ["rv_continuous", "rv_discrete", "rv_frozen"]

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


def _bound_arguments(name, method, shapes, others, args, kwds):
    """``{parameter: value}`` of a call ``name.method(x, *args, **kwds)`` whose
    parameters are ``shapes`` (required) then ``others`` (``loc``, ``scale``:
    optional), positionally or by keyword, as SciPy binds them; one-line
    TypeErrors otherwise."""
    names = tuple(shapes) + tuple(others)
    if len(args) > len(names):
        raise TypeError(f"{name}.{method}() takes at most {len(names)} parameters ({', '.join(names)})")
    values = dict(zip(names, args))
    for key, v in kwds.items():
        if key not in names or key in values:
            raise TypeError(f"{name}.{method}() got an unexpected or repeated argument {key!r}")
        values[key] = v
    missing = [n for n in shapes if n not in values]
    if missing:
        raise TypeError(f"{name}.{method}() missing the shape parameter(s) {', '.join(missing)}")
    return values


class rv_continuous:
    """A continuous distribution in standard form (``z = (x - loc) / scale``).

    A subclass gives ``shapes`` (names), ``safe`` (values that stand in for invalid
    ones, so that discarded branches stay finite), the support ``lo``, ``hi`` of ``z``
    and a point ``mid`` inside it (or, when they depend on the shape parameters,
    ``_bounds(*s)`` and ``_middle(*s)``), ``_valid``, and ``_logpdf``, ``_cdf``, ``_sf``,
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
        values = _bound_arguments(self.name, method, self.shapes, ("loc", "scale"), args, kwds)
        shapes = [_arr(values[n]) for n in self.shapes]
        loc, scale = _arr(values.get("loc", 0.0)), _arr(values.get("scale", 1.0))
        valid = self._valid(*shapes)  # one condition per shape parameter, which replaces only that one
        ok = _all(*valid, scale > 0.0)
        shapes = [_where(c, s, d) for s, c, d in zip(shapes, valid, self.safe)]
        return shapes, loc, _where(scale > 0.0, scale, 1.0), _o.logical_not(ok)

    def _valid(self, *shapes):
        return ()

    def _bounds(self, *s):
        """The support ``(lo, hi)`` of ``z`` at the (valid) shape parameters ``s``."""
        return self.lo, self.hi

    def _middle(self, *s):
        """A point inside the support at ``s``: it stands in for ``z`` outside it."""
        return self.mid

    def _inside(self, z, *s):
        lo, hi = self._bounds(*s)
        return _all(z >= lo, z <= hi)

    def _z(self, method, x, args, kwds):
        s, loc, scale, bad = self._params(method, args, kwds)
        z = (_arr(x) - loc) / scale
        inside = self._inside(z, *s)
        return _where(inside, z, self._middle(*s)), s, scale, inside, _any(bad, _o.isnan(z)), z

    @staticmethod
    def _finish(out, bad):
        return _where(bad, _nan, out)

    def _tails(self, method, x, args, kwds, below, above):
        zs, s, scale, inside, bad, z = self._z(method, x, args, kwds)
        out = _where(inside, getattr(self, "_" + method)(zs, *s), _where(z < self._middle(*s), below, above))
        return self._finish(out, bad)

    # -- the methods
    @_quiet
    def logpdf(self, x, *args, **kwds):
        zs, s, scale, inside, bad, z = self._z("logpdf", x, args, kwds)
        return self._finish(_where(inside, self._logpdf(zs, *s) - _log(scale), -_inf), bad)

    @_quiet
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

    def _inverse(self, method, q, args, kwds):
        s, loc, scale, bad = self._params(method, args, kwds)
        lo, hi = self._bounds(*s)
        at0, at1 = (lo, hi) if method == "ppf" else (hi, lo)
        q = _arr(q)
        interior = _all(q > 0.0, q < 1.0)
        y = getattr(self, "_" + method)(_where(interior, q, 0.5), *s)
        edge = _where(q == 0.0, at0, _where(q == 1.0, at1, 0.0))
        out = loc + scale * _where(interior, y, edge)
        return self._finish(out, _any(bad, _o.logical_not(_any(interior, q == 0.0, q == 1.0))))

    @_quiet
    def ppf(self, q, *args, **kwds):
        return self._inverse("ppf", q, args, kwds)

    @_quiet
    def isf(self, q, *args, **kwds):
        return self._inverse("isf", q, args, kwds)

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
        values = _bound_arguments(self.name, method, self.shapes, ("loc",), args, kwds)
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

    @_quiet
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
