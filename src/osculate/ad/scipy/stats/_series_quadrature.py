"""Continuous distributions of :mod:`osculate.ad.scipy.stats` computed by series and quadrature: the limit
distribution of the Kolmogorov-Smirnov statistic (``kstwobign``), the Irwin-Hall
distribution (``irwinhall``), the generalized inverse Gaussian, normal-inverse Gaussian,
generalized hyperbolic and Gauss hypergeometric distributions (``geninvgauss``,
``norminvgauss``, ``genhyperbolic``, ``gausshyper``: densities with ``kve`` and ``hyp2f1``,
differentiable in every parameter, the Bessel functions' orders included; cdfs by
quadrature, see ``_quadrature``) and the normal-inverse-gamma distribution
(``normal_inverse_gamma``, bivariate: ``logpdf``/``pdf`` only).

``kstwobign`` is written with its two theta-function series, each where it
converges fast: for ``z >= 1`` the sf ``2 Σ (-1)^(k-1) e^(-2k²z²)``, below 1 the cdf
``√(2π)/z Σ e^(-(2k-1)²π²/(8z²))``; their logs keep the leading exponential apart,
so the log density, log cdf and log sf stay finite far in both tails (where SciPy's
underflow to ``-inf``).  ``irwinhall``'s density is the cardinal B-spline of order
``n``, evaluated by the recursion ``B_m(t) = (t B_(m-1)(t) + (m - t) B_(m-1)(t - 1))
/ (m - 1)`` (every term non-negative: no cancellation), its cdf the sum
``Σ_j B_(n+1)(z - j)`` of non-negative terms and its sf the same at ``n - z``.
"""

from __future__ import annotations

import numpy as _np

from ... import numpy as _o
from ...core import ConcretizationError, concrete
from .. import special as _sp
from ._base import _LOG2, _LOG_PI, _LOG_SQRT_2PI, _arr, _all, _exp, _inf, _log, _log1p, _nan, _quiet, _where, rv_continuous
from ._discrete import _logsum0
from ._halfline import _half, _logaddexp, _scipy
from ._multivariate import _cholesky, _frozen_multi, _matrices, _multi, _square, _squeeze, _values

__all__ = ["kstwobign", "irwinhall", "normal_inverse_gamma", "geninvgauss", "norminvgauss", "genhyperbolic",
           "gausshyper", "matrix_t"]

_SERIES = 6  # terms of each theta series (the sixth is below 1e-40 relative at z = 1)


# --------------------------------------------------------------------------- kstwobign


def _weighted_logsum(rates, weights, scale):
    """``log Σ_k w_k e^(-r_k s)`` for increasing ``r_k`` with ``r_0 = 0`` and ``w_0 > 0``; the
    later terms are corrections (they stay below ``w_0`` where the series is used)."""
    total = weights[0] + 0.0 * scale
    for r, w in zip(rates[1:], weights[1:]):
        total = total + w * _exp(-r * scale)
    return _log(total)


class kstwobign_gen(_half):
    """The limit distribution of ``√n D_n``, the scaled Kolmogorov-Smirnov statistic:
    sf ``kolmogorov(z) = 2 Σ (-1)^(k-1) e^(-2k²z²)`` (used for ``z >= 1``), cdf ``√(2π)/z Σ
    e^(-(2k-1)²π²/(8z²))`` (used below 1), density the derivative of either; the logs keep the
    leading exponential apart, so they are finite far in both tails.  ``isf`` is
    ``kolmogi(q)``; ``ppf`` starts from SciPy's values and adds Newton steps that carry the
    derivatives (no ``jit``/``vmap`` for it).

    >>> from osculate.scipy import stats
    >>> round(float(stats.kstwobign.sf(1.0)), 12)
    0.269999671677
    """

    name, lo, mid, open_lo = "kstwobign", 0.0, 1.0, True

    # the sf series above z = 1: log sf = log 2 - 2z² + log Σ (-1)^(k-1) e^(-2(k²-1)z²)
    _UP_RATES = [2.0 * (k * k - 1.0) for k in range(1, _SERIES + 1)]
    _UP_SIGNS = [(-1.0) ** (k - 1) for k in range(1, _SERIES + 1)]
    # the cdf series below: log cdf = log √(2π) - log z - a_1/z² + log Σ e^(-(a_k - a_1)/z²)
    _A = [(2.0 * k - 1.0) ** 2 * _np.pi ** 2 / 8.0 for k in range(1, _SERIES + 1)]

    @staticmethod
    def _split(z):
        up = z >= 1.0
        return up, _where(up, z, 1.0), _where(up, 0.5, z)

    def _log_upper(self, zu):  # log sf for z >= 1
        return _LOG2 - 2.0 * zu * zu + _weighted_logsum(self._UP_RATES, self._UP_SIGNS, zu * zu)

    def _log_lower(self, zl):  # log cdf for z < 1
        a1 = self._A[0]
        rates = [a - a1 for a in self._A]
        return _LOG_SQRT_2PI - _log(zl) - a1 / (zl * zl) + _weighted_logsum(rates, [1.0] * _SERIES, 1.0 / (zl * zl))

    def _logsf(self, z):
        up, zu, zl = self._split(z)
        return _where(up, self._log_upper(zu), _log1p(-_exp(self._log_lower(zl))))

    def _logcdf(self, z):
        up, zu, zl = self._split(z)
        return _where(up, _log1p(-_exp(self._log_upper(zu))), self._log_lower(zl))

    def _sf(self, z):
        return _exp(self._logsf(z))

    def _cdf(self, z):
        return _exp(self._logcdf(z))

    def _logpdf(self, z):
        up, zu, zl = self._split(z)
        # -d/dz of the sf: 8z Σ (-1)^(k-1) k² e^(-2k²z²)
        upper = (_log(8.0 * zu) - 2.0 * zu * zu + _weighted_logsum(
            self._UP_RATES, [s * k * k for s, k in zip(self._UP_SIGNS, range(1, _SERIES + 1))], zu * zu))
        # d/dz of the cdf: √(2π) Σ e^(-a_k/z²) (2a_k/z⁴ - 1/z²), every term positive below z = 1
        a1, w = self._A[0], 1.0 / (zl * zl)
        total = 0.0
        for a in self._A:
            total = total + _exp(-(a - a1) * w) * (2.0 * a * w - 1.0)
        lower = _LOG_SQRT_2PI - 2.0 * _log(zl) - a1 * w + _log(total)
        return _where(up, upper, lower)

    def _ppf(self, q):
        return self._newton("ppf", _scipy("kstwobign.ppf"), self._cdf, 1.0, q)

    def _isf(self, q):
        return _sp.kolmogi(q)


# --------------------------------------------------------------------------- irwinhall


def _cardinal(t, order, count):
    """``B_order(t - j)`` for ``j = 0..count-1`` stacked on a new first axis: the cardinal
    B-spline of ``order`` (the density of a sum of ``order`` uniforms) by the recursion on the
    order, from the indicator of ``[0, 1)``."""
    size = count + order - 1
    shift = _np.arange(float(size)).reshape((-1,) + (1,) * _o.ndim(t))
    T = t - shift
    B = _where(_all(T >= 0.0, T < 1.0), 1.0, 0.0)
    for m in range(2, order + 1):
        head = T[:-1]
        B = (head * B[:-1] + (m - head) * B[1:]) / (m - 1.0)
        T = head
    return B


class irwinhall_gen(_half):
    """The Irwin-Hall distribution, of the sum of ``n`` standard uniform variables, on
    ``[0, n]`` (``n >= 1`` an integer count, a constant: not differentiable, and its values
    must be known, so not traced under ``jit``/``vmap``).  The density is the cardinal
    B-spline of order ``n`` by its recursion on the order (``O(n²)`` operations), the cdf
    ``Σ_j B_(n+1)(z - j)`` and the sf the same at ``n - z`` (sums of non-negative terms,
    accurate in both tails).  ``ppf`` and ``isf`` are ``(n! q)^(1/n)`` (and ``n`` minus it)
    where ``q <= 1/n!``; elsewhere they start from SciPy's values and add Newton steps that carry
    the derivatives in ``q``, ``loc`` and ``scale`` (no ``jit``/``vmap``).

    >>> from osculate.scipy import stats
    >>> round(float(stats.irwinhall.cdf(1.0, 3)), 12)  # 1/3!
    0.166666666667
    """

    name, shapes, safe = "irwinhall", ("n",), (1.0,)

    def _valid(self, n):
        return (_all(n >= 1.0, _o.floor(n) == n, n < _inf),)

    def _bounds(self, n):
        return 0.0, n

    def _middle(self, n):
        return 0.5 * n

    def _orders(self, n):
        try:
            values = _np.asarray(concrete(n), dtype=float)
        except ConcretizationError:
            raise ConcretizationError(
                "osculate.scipy.stats.irwinhall builds its B-spline recursion from the values of n, so n "
                "must not be traced (jit, vmap)") from None
        return [int(u) for u in _np.unique(values)]

    def _by_order(self, n, fn):
        out = 0.0
        for u in self._orders(n):
            out = _where(n == u, fn(u), out)
        return out

    def _logpdf(self, z, n):  # (n = 1 is the uniform density, 1 on the closed interval as in SciPy)
        return _log(self._by_order(n, lambda u: _cardinal(z, u, 1)[0] if u > 1 else _where(z <= 1.0, 1.0, 0.0)))

    def _sum(self, t, n):
        return self._by_order(n, lambda u: _o.sum(_cardinal(t, u + 1, u + 1), axis=0))

    def _cdf(self, z, n):
        return self._sum(z, n)

    def _sf(self, z, n):
        return self._sum(n - z, n)

    @staticmethod
    def _corner(q, n):
        """``(q, ppf(q))`` in the first unit cell, where the cdf is ``z^n / n!`` (``q <= 1/n!``):
        ``(n! q)^(1/n)`` in closed form (SciPy's root finder gives 0 for tiny ``q``)."""
        lg = _sp.gammaln(n + 1.0)
        low = _log(q) + lg <= 0.0
        return low, _exp((_log(_where(low, q, 0.5 * _exp(-lg))) + lg) / n)

    def _ppf(self, q, n):
        low, corner = self._corner(q, n)
        return _where(low, corner, self._newton("ppf", _scipy("irwinhall.ppf"), self._cdf, 1.0, q, n))

    def _isf(self, q, n):
        low, corner = self._corner(q, n)
        return _where(low, n - corner, self._newton("isf", _scipy("irwinhall.isf"), self._sf, -1.0, q, n))


# --------------------------------------------------------------------------- cdfs by quadrature

_GL15_X, _GL15_W = _np.polynomial.legendre.leggauss(15)
_GL15_X, _GL15_W = 0.5 * (_GL15_X + 1.0), 0.5 * _GL15_W
_QUAD_TOL = 1e-15  # the panels' error, relative to the element's integral
_QUAD_LEVELS = 45
_START_STEPS = 12  # Newton steps on the values from SciPy's quantile
_QUAD_PANELS = 400  # pending panels of one element beyond which it is not refined (rounding noise in the
# density near a finite end, where 1 - x carries the rounding of x, would refine forever)


def _panels(logf, count):
    """Panels of ``u`` in [0, 1] for each of ``count`` integrals ``∫_0^1 exp(logf(u, i)) du``
    (``logf`` vectorized over ``u`` and the element index ``i``), bisected until 15-point
    Gauss-Legendre on a panel agrees with the sum on its halves to ``_QUAD_TOL`` of the element's
    total.  Returns the nodes ``u`` and the log weights (padded with ``-inf``) as ``(P, count)``."""
    grid = (_np.arange(1.0, 200.0) / 200.0)[:, None]
    top = _np.max(logf(grid + 0.0 * _np.arange(count), _np.broadcast_to(_np.arange(count), (199, count))), axis=0)
    top = _np.where(_np.isfinite(top), top, 0.0)

    def gl(idx, a, b):
        u = a + (b - a) * _GL15_X[:, None]
        with _np.errstate(all="ignore"):
            f = _np.exp(logf(u, _np.broadcast_to(idx, u.shape)) - top[idx])
        return _np.sum(_np.where(_np.isfinite(f), f, 0.0) * _GL15_W[:, None], axis=0) * (b - a)

    idx = _np.repeat(_np.arange(count), 16)
    a = _np.tile(_np.arange(16.0) / 16.0, count)
    b = a + 1.0 / 16.0
    done = []
    for level in range(_QUAD_LEVELS):
        if idx.size == 0:
            break
        mid = 0.5 * (a + b)
        whole, left, right = gl(idx, a, b), gl(idx, a, mid), gl(idx, mid, b)
        halves = left + right
        total = _np.bincount(idx, halves, minlength=count) + sum(
            _np.bincount(i, v, minlength=count) for i, _, _, v in done)
        with _np.errstate(invalid="ignore"):
            ok = _np.abs(whole - halves) <= _QUAD_TOL * total[idx]
        # (a panel whose sums are not finite is not refined further, nor any past the last level or of an
        # element with more than _QUAD_PANELS pending)
        crowded = _np.bincount(idx, minlength=count)[idx] > _QUAD_PANELS
        ok |= ~_np.isfinite(whole - halves) | (level == _QUAD_LEVELS - 1) | crowded
        for lo_, hi_ in ((a, mid), (mid, b)):
            done.append((idx[ok], lo_[ok], hi_[ok], (left if lo_ is a else right)[ok]))
        idx, a, b = _np.concatenate([idx[~ok]] * 2), _np.concatenate([a[~ok], mid[~ok]]), \
            _np.concatenate([mid[~ok], b[~ok]])
    idx = _np.concatenate([d[0] for d in done])
    a = _np.concatenate([d[1] for d in done])
    b = _np.concatenate([d[2] for d in done])
    order = _np.argsort(idx, kind="stable")
    idx, a, b = idx[order], a[order], b[order]
    per = _np.bincount(idx, minlength=count)
    slot = _np.arange(idx.size) - _np.repeat(_np.cumsum(per) - per, per)
    rows = 15 * max(int(per.max(initial=0)), 1)
    u = _np.full((rows, count), 0.5)
    logw = _np.full((rows, count), -_inf)
    for j in range(15):
        u[15 * slot + j, idx] = a + (b - a) * _GL15_X[j]
        logw[15 * slot + j, idx] = _np.log((b - a) * _GL15_W[j])
    return u, logw


class _quadrature(rv_continuous):
    """A distribution whose cdf and sf are integrals of its density: ``L = ∫_lo^z`` and ``U =
    ∫_z^hi``, each by Gauss-Legendre panels refined on the values (relative accuracy about 1e-14
    on each side, so both tails are accurate), ``log cdf = log L - log(L + U)``.  The nodes come
    from the values of ``z`` and the shape parameters (so these methods do not run under
    ``jit``/``vmap``); the integrands carry the shape parameters' derivatives, and the
    derivatives in ``z`` come from Simpson's rule on ``[z₀, z]`` (``z₀`` the value of ``z``: the
    term is 0 there and its first three derivatives are exact)."""

    def _spread(self, *s):
        return 1.0

    def _values(self, z, s):
        try:
            return [_np.asarray(concrete(v), dtype=float) for v in (z, *s)]
        except ConcretizationError:
            raise ConcretizationError(
                f"osculate.scipy.stats.{self.name} integrates its density for its cdf and sf, with nodes "
                f"placed from the values of its arguments, so they cannot run under osculate.jit or vmap") from None

    def _side(self, z, s, upper):
        """``log ∫`` of the density below (or above) ``z``, shaped like ``z`` and ``s`` broadcast."""
        values = _np.broadcast_arrays(*self._values(z, s))
        shape = values[0].shape
        zv, sv = values[0].ravel(), [v.ravel() for v in values[1:]]
        lo, hi = (_np.broadcast_to(_np.asarray(e, dtype=float), shape).ravel()
                  for e in self._bounds(*[v.reshape(shape) for v in sv]))
        width = _np.broadcast_to(_np.asarray(self._spread(*sv), dtype=float), zv.shape)
        end = hi if upper else lo
        finite = _np.isfinite(end)
        span = _np.where(finite, _np.abs(end - zv), 1.0)
        sign = 1.0 if upper else -1.0

        def to_t(u, i):  # u in (0, 1) to the variable, and log dt/du
            fin = finite[i]
            with _np.errstate(all="ignore"):
                t = _np.where(fin, zv[i] + sign * span[i] * u, zv[i] + sign * width[i] * u / (1.0 - u))
                jac = _np.where(fin, _np.log(span[i]), _np.log(width[i]) - 2.0 * _np.log1p(-u))
            return t, jac

        def logf(u, i):  # (nodes rounded onto an end of the support, where the density may be singular: dropped)
            t, jac = to_t(u, i)
            with _np.errstate(all="ignore"):
                out = _np.asarray(self._logpdf(t, *[v[i] for v in sv]), dtype=float) + jac
            return _np.where((t > lo[i]) & (t < hi[i]), out, -_inf)

        u, logw = _panels(logf, zv.size)
        cols = _np.broadcast_to(_np.arange(zv.size), u.shape)
        t, jac = to_t(u, cols)
        flat = [_o.reshape(_o.broadcast_to(v, shape), (-1,)) for v in s]
        used = _np.isfinite(logw) & (t > lo[None, :]) & (t < hi[None, :])
        safe = _np.broadcast_to(_np.asarray(self._middle(*[v.reshape(shape) for v in sv]), dtype=float), shape).ravel()
        lf = self._logpdf(_np.where(used, t, safe[None, :]), *flat) + jac + logw
        return _o.reshape(_logsum0(_where(used, lf, 0.0), used), shape)

    def _sides(self, z, *s):
        """``(log cdf, log sf)``: both sides integrated, each corrected by Simpson's rule from the
        value of ``z`` to ``z`` (0 in value, exact derivatives to third order)."""
        lower, upper = self._side(z, s, False), self._side(z, s, True)
        z0 = _np.asarray(concrete(z), dtype=float)
        h = z - z0
        m = z0 + 0.5 * h
        simpson = [(1.0, z0), (4.0, m), (1.0, z)]
        lower = lower + _log1p(h / 6.0 * sum(c * _exp(self._logpdf(p, *s) - lower) for c, p in simpson))
        upper = upper + _log1p(-h / 6.0 * sum(c * _exp(self._logpdf(p, *s) - upper) for c, p in simpson))
        total = _logaddexp(lower, upper)
        return lower - total, upper - total

    def _logcdf(self, z, *s):
        return self._sides(z, *s)[0]

    def _logsf(self, z, *s):
        return self._sides(z, *s)[1]

    def _cdf(self, z, *s):
        return _exp(self._logcdf(z, *s))

    def _sf(self, z, *s):
        return _exp(self._logsf(z, *s))

    def _start(self, method):
        """The quantile on plain values: SciPy's inverse of the smaller tail (its ``ppf`` fails
        near 1 for some of these, its ``isf`` near 0), each point on its own (the middle of the
        support where SciPy's root finder fails or gives the support's end), then Newton steps on
        the log of that tail with this cdf/sf, in ``log(y - lo)`` (``log(hi - y)``) beside a
        finite end (steps there limited to a factor e^6)."""
        first, other = _scipy(f"{self.name}.ppf"), _scipy(f"{self.name}.isf")
        if method == "isf":
            first, other = other, first

        def start(q, *s):
            q, *s = _np.broadcast_arrays(*(_np.asarray(v, dtype=float) for v in (q, *s)))
            y = _np.empty(q.shape)
            for i in _np.ndindex(q.shape):
                args = [v[i] for v in s]
                try:
                    y[i] = first(q[i], *args) if q[i] <= 0.5 else other(1.0 - q[i], *args)
                except (ValueError, ArithmeticError, RuntimeError):
                    y[i] = _np.nan
            small = q <= 0.5  # the tail whose probability is q (or 1 - q) is refined
            below = small if method == "ppf" else ~small  # that tail is the cdf's
            target = _np.log(_np.where(small, q, 1.0 - q))
            lo, hi = (_np.broadcast_to(_np.asarray(e, dtype=float), q.shape) for e in self._bounds(*s))
            mid = _np.broadcast_to(_np.asarray(self._middle(*s), dtype=float), q.shape)
            scipy_y = y
            y = _np.where(_np.isfinite(y) & (y > lo) & (y < hi), y, mid)  # (SciPy gives the end for tiny q)
            # Newton steps in log(y - lo) near a finite lower end, log(hi - y) near a finite upper one
            near = _np.where(below, lo, hi)
            logged = _np.isfinite(near)
            with _np.errstate(all="ignore"):
                for _ in range(_START_STEPS):
                    lc, ls = (_np.asarray(v, dtype=float) for v in self._sides(y, *s))
                    lp = _np.asarray(self._logpdf(y, *s), dtype=float)
                    tail = _np.where(below, lc, ls)
                    step = (tail - target) * _np.exp(tail - lp) * _np.where(below, 1.0, -1.0)
                    gap = _np.where(logged, y - near, 1.0)
                    new = _np.where(logged, near + gap * _np.exp(_np.clip(-step / gap, -6.0, 6.0)), y - step)
                    y = _np.where(_np.isfinite(new) & (new > lo) & (new < hi) & _np.isfinite(q), new, y)
                lc, ls = (_np.asarray(v, dtype=float) for v in self._sides(y, *s))
            # not reached (the quantile rounds to the support's end): SciPy's value
            return _np.where(_np.abs(_np.where(below, lc, ls) - target) < 1e-3, y, scipy_y)

        return start

    def _ppf(self, q, *s):
        return self._newton("ppf", self._start("ppf"), self._cdf, 1.0, q, *s)

    def _isf(self, q, *s):
        return self._newton("isf", self._start("isf"), self._sf, -1.0, q, *s)


def _log_kv(v, x):
    """``log K_v(x)`` for ``x > 0`` by the scaled ``kve`` (no overflow or underflow)."""
    return _log(_sp.kve(v, x)) - x


class geninvgauss_gen(_quadrature):
    """The generalized inverse Gaussian distribution with ``p`` real and ``b > 0`` on ``z > 0``:
    density ``z^(p-1) e^(-b (z + 1/z)/2) / (2 K_p(b))`` (``K_p`` by ``kve``, differentiable in
    the order ``p`` too).  cdf and sf by quadrature of the density (see the module; no
    ``jit``/``vmap``), ``ppf``/``isf`` from SciPy's values plus Newton steps.

    >>> from osculate.scipy import stats
    >>> round(float(stats.geninvgauss.pdf(1.0, 0.5, 1.0)), 12)  # e^-1 / (2 K_(1/2)(1))
    0.398942280401
    """

    name, shapes, safe = "geninvgauss", ("p", "b"), (1.0, 1.0)

    def _valid(self, p, b):
        return _o.isfinite(p), _all(b > 0.0, b < _inf)

    def _bounds(self, p, b):
        return 0.0, _inf

    def _middle(self, p, b):
        return 1.0

    def _inside(self, z, *s):
        return _all(z > 0.0, z < _inf)

    def _spread(self, p, b):
        return 1.0 + _np.abs(p) / b

    def _logpdf(self, z, p, b):
        return (p - 1.0) * _log(z) - 0.5 * b * (z + 1.0 / z) - _LOG2 - _log_kv(p, b)


class norminvgauss_gen(_quadrature):
    """The normal-inverse Gaussian distribution with ``a > 0``, ``|b| < a``: density
    ``a K_1(a √(1+z²)) e^(√(a²-b²) + b z) / (π √(1+z²))`` (``K_1`` by ``kve``).  cdf and sf by
    quadrature of the density (no ``jit``/``vmap``), ``ppf``/``isf`` from SciPy's values plus
    Newton steps.

    >>> from osculate.scipy import stats
    >>> round(float(stats.norminvgauss.cdf(0.0, 1.0, 0.0)), 12)
    0.5
    """

    name, shapes, safe = "norminvgauss", ("a", "b"), (1.0, 0.0)

    def _valid(self, a, b):
        ok = _all(a > 0.0, a < _inf, _o.abs(b) < a)
        return ok, ok

    def _inside(self, z, *s):
        return _all(z > -_inf, z < _inf)

    def _spread(self, a, b):
        return 1.0 + a / _np.maximum(a * a - b * b, 1e-300)

    def _logpdf(self, z, a, b):
        r = _o.sqrt(1.0 + z * z)
        return _log(a) - _LOG_PI + _log_kv(1.0, a * r) + _o.sqrt(a * a - b * b) + b * z - _log(r)


class genhyperbolic_gen(_quadrature):
    """The generalized hyperbolic distribution with ``p`` real, ``a > 0`` and ``|b| < a`` (``|b|
    <= a`` for ``p < 0``): density ``(a² - b²)^(p/2) e^(b z) K_(p-1/2)(a √(1+z²)) (1+z²)^((p-1/2)/2)
    / (√(2π) a^(p-1/2) K_p(√(a²-b²)))`` (at ``|b| = a``, ``p < 0``, the limit ``(a²-b²)^(p/2) /
    K_p(√(a²-b²)) -> 2^(p+1) / Γ(-p)``).  cdf and sf by quadrature of the density (no
    ``jit``/``vmap``), ``ppf``/``isf`` from SciPy's values plus Newton steps.

    >>> from osculate.scipy import stats
    >>> round(float(stats.genhyperbolic.cdf(0.0, 1.0, 2.0, 0.0)), 12)
    0.5
    """

    name, shapes, safe = "genhyperbolic", ("p", "a", "b"), (1.0, 1.0, 0.0)

    def _valid(self, p, a, b):
        ok = _all(_o.isfinite(p), a > 0.0, a < _inf,
                  _o.logical_or(_o.abs(b) < a, _all(_o.abs(b) <= a, p < 0.0)))
        return ok, ok, ok

    def _inside(self, z, *s):
        return _all(z > -_inf, z < _inf)

    def _spread(self, p, a, b):
        return 1.0 + (1.0 + _np.abs(p)) * a / _np.maximum(a * a - b * b, 1e-300)

    def _logpdf(self, z, p, a, b):
        g2 = a * a - b * b
        edge = g2 <= 0.0
        g = _o.sqrt(_where(edge, 1.0, g2))
        # log of (a² - b²)^(p/2) / K_p(√(a² - b²)), and its limit at |b| = a (p < 0)
        ratio = _where(edge, (p + 1.0) * _LOG2 - _sp.gammaln(_where(edge, -p, 1.0)), p * _log(g) - _log_kv(p, g))
        r = _o.sqrt(1.0 + z * z)
        return (ratio - _LOG_SQRT_2PI - (p - 0.5) * _log(a) + b * z + _log_kv(p - 0.5, a * r)
                + (p - 0.5) * _log(r))


class gausshyper_gen(_quadrature):
    """The Gauss hypergeometric distribution with ``a, b > 0``, ``c`` real and ``z > -1`` on
    ``[0, 1]``: density ``x^(a-1) (1-x)^(b-1) (1 + z x)^(-c) / (B(a, b) 2F1(c, a; a+b; -z))``
    (``hyp2f1``, differentiable in all its arguments).  cdf and sf by quadrature of the density
    (no ``jit``/``vmap``), ``ppf``/``isf`` from SciPy's values plus Newton steps (limit: far in
    the upper tail, ``isf`` below about 1e-12 may stay SciPy's value, 1).

    >>> from osculate.scipy import stats
    >>> round(float(stats.gausshyper.cdf(0.5, 1.0, 1.0, 0.0, 0.0)), 12)  # uniform
    0.5
    """

    name, shapes, safe = "gausshyper", ("a", "b", "c", "z"), (1.0, 1.0, 0.0, 0.0)

    def _valid(self, a, b, c, z):
        return _all(a > 0.0, a < _inf), _all(b > 0.0, b < _inf), _o.isfinite(c), _all(z > -1.0, z < _inf)

    def _bounds(self, a, b, c, z):
        return 0.0, 1.0

    def _middle(self, a, b, c, z):
        return 0.5

    def _inside(self, x, *s):
        return _all(x > 0.0, x < 1.0)

    def _logpdf(self, x, a, b, c, z):
        return ((a - 1.0) * _log(x) + (b - 1.0) * _log1p(-x) - c * _log1p(z * x) - _sp.betaln(a, b)
                - _log(_sp.hyp2f1(c, a, a + b, -z)))

    @_quiet
    def logpdf(self, x, *args, **kwds):
        """The density's log; at the ends of ``[0, 1]`` its limit, as SciPy's (``+inf`` where
        ``a < 1`` at 0 or ``b < 1`` at 1, finite where that parameter is 1, else ``-inf``)."""
        out = super().logpdf(x, *args, **kwds)
        (a, b, c, z), loc, scale, bad = self._params("logpdf", args, kwds)
        t = (_arr(x) - loc) / scale
        norm = _sp.betaln(a, b) + _log(_sp.hyp2f1(c, a, a + b, -z)) + _log(scale)
        at0 = _where(a < 1.0, _inf, _where(a == 1.0, -norm, -_inf))
        at1 = _where(b < 1.0, _inf, _where(b == 1.0, -c * _log1p(z) - norm, -_inf))
        return _where(bad, _nan, _where(t == 0.0, at0, _where(t == 1.0, at1, out)))


# --------------------------------------------------------------------------- normal-inverse-gamma


class _frozen_pair:
    """A bivariate distribution with its parameters fixed: ``dist(*params).logpdf(x, s2)``."""

    def __init__(self, dist, kwds):
        self.dist, self.kwds = dist, kwds

    def __getattr__(self, method):
        if method.startswith("_") or method not in type(self.dist)._methods:
            raise AttributeError(f"frozen {type(self.dist).name} has no method {method!r}")
        fn = getattr(self.dist, method)
        return lambda x, s2: fn(x, s2, **self.kwds)


class normal_inverse_gamma_gen:
    """The normal-inverse-gamma distribution: ``s2 ~ invgamma(a, scale=b)`` and, given it,
    ``x ~ norm(mu, √(s2/lmbda))``; ``normal_inverse_gamma.logpdf(x, s2, mu=0, lmbda=1, a=1, b=1)``.
    Arguments broadcast; ``s2 <= 0`` gives ``-inf``, ``lmbda``, ``a`` or ``b`` not positive
    NaN.  Differentiable in every argument.

    >>> from osculate.scipy import stats
    >>> round(float(stats.normal_inverse_gamma.logpdf(0.0, 1.0)), 12)  # log φ(0) - 1
    -1.918938533205
    """

    name = "normal_inverse_gamma"
    _methods = ("logpdf", "pdf")

    def __repr__(self):
        return f"<osculate.scipy.stats.{self.name}>"

    def __call__(self, mu=0, lmbda=1, a=1, b=1):
        return _frozen_pair(self, {"mu": mu, "lmbda": lmbda, "a": a, "b": b})

    @_quiet
    def logpdf(self, x, s2, mu=0, lmbda=1, a=1, b=1):
        x, s2, mu, lmbda, a, b = (_arr(v) for v in (x, s2, mu, lmbda, a, b))
        bad = _o.logical_not(_all(lmbda > 0.0, a > 0.0, b > 0.0))
        lmbda, a, b = (_where(v > 0.0, v, 1.0) for v in (lmbda, a, b))
        pos = s2 > 0.0
        v = _where(pos, s2, 1.0)
        out = (0.5 * _log(lmbda) - _LOG_SQRT_2PI - 0.5 * _log(v) + a * _log(b) - _sp.gammaln(a)
               - (a + 1.0) * _log(v) - (b + 0.5 * lmbda * (x - mu) ** 2) / v)
        out = _where(pos, out, _where(_o.isnan(s2), _nan, -_inf))
        return _where(bad, _nan, out)

    @_quiet
    def pdf(self, x, s2, mu=0, lmbda=1, a=1, b=1):
        return _exp(self.logpdf(x, s2, mu, lmbda, a, b))


# --------------------------------------------------------------------------- matrix t


class matrix_t_gen(_multi):
    """The matrix t distribution: ``matrix_t.logpdf(X, mean=None, row_spread=1, col_spread=1,
    df=1)``; ``X`` holds ``m x n`` matrices along its last two axes, ``row_spread`` (``m x m``) and
    ``col_spread`` (``n x n``) are matrices, vectors (diagonals) or numbers, ``df > 0``.  The
    density is SciPy's, ``Γ_n((df+m+n-1)/2) / (π^(mn/2) Γ_n((df+n-1)/2)) |Σ|^(-n/2) |Ω|^(-m/2)
    |I + (X-M)ᵀ Σ⁻¹ (X-M) Ω⁻¹|^(-(df+m+n-1)/2)``, the last determinant as ``|Ω + (X-M)ᵀ Σ⁻¹
    (X-M)| / |Ω|`` (Cholesky factors).  Differentiable in ``X``, ``mean``, both spreads and ``df``.

    >>> import numpy as np
    >>> from osculate.scipy import stats
    >>> round(float(stats.matrix_t.logpdf(np.zeros((1, 1)), df=1.0)), 12)  # the Cauchy density at 0
    -1.144729885849
    """

    name = "matrix_t"

    def __call__(self, mean=None, row_spread=1, col_spread=1, df=1):
        return _frozen_multi(self, (), {"mean": mean, "row_spread": row_spread, "col_spread": col_spread, "df": df})

    @_quiet
    def logpdf(self, X, mean=None, row_spread=1, col_spread=1, df=1):
        if mean is not None:
            mean = _arr(mean)
            if _o.ndim(mean) != 2:
                raise ValueError("matrix_t: mean must be two-dimensional")
        rows, cols = (_o.shape(mean) if mean is not None else (1, 1))
        row_spread, col_spread = _arr(row_spread), _arr(col_spread)
        row_spread = (row_spread * _np.eye(rows) if _o.ndim(row_spread) == 0
                      else _square(row_spread, rows, "matrix_t: row_spread"))
        col_spread = (col_spread * _np.eye(cols) if _o.ndim(col_spread) == 0
                      else _square(col_spread, cols, "matrix_t: col_spread"))
        rows, cols = _o.shape(row_spread)[0], _o.shape(col_spread)[0]
        if mean is None:
            mean = _np.zeros((rows, cols))
        if _o.shape(mean) != (rows, cols):
            raise ValueError("matrix_t: mean, row_spread and col_spread have incompatible shapes")
        df = _arr(1.0 if df is None else df)
        if _o.ndim(df) != 0:
            raise ValueError("matrix_t: df must be a number")
        known = _values(df)
        if known is not None and not float(known[0]) > 0.0:
            raise ValueError("matrix_t: df must be positive")
        X = _matrices(X, rows, cols, "matrix_t")
        _, logdet_row = _cholesky(row_spread)
        _, logdet_col = _cholesky(col_spread)
        dev = X - mean
        inner = _o.matmul(_o.swapaxes(dev, -1, -2),
                          _o.matmul(_o.linalg.inv(0.5 * (row_spread + _o.transpose(row_spread))), dev))
        _, logdet_sum = _cholesky(col_spread + inner)
        half = 0.5 * (df + rows + cols - 1.0)
        out = (_sp.multigammaln(half, cols) - _sp.multigammaln(0.5 * (df + cols - 1.0), cols)
               - 0.5 * rows * cols * _LOG_PI - 0.5 * cols * logdet_row - 0.5 * rows * logdet_col
               - half * (logdet_sum - logdet_col))
        return _squeeze(out)

    @_quiet
    def pdf(self, X, mean=None, row_spread=1, col_spread=1, df=1):
        return _exp(self.logpdf(X, mean, row_spread, col_spread, df))


kstwobign = kstwobign_gen()
irwinhall = irwinhall_gen()
normal_inverse_gamma = normal_inverse_gamma_gen()
geninvgauss = geninvgauss_gen()
norminvgauss = norminvgauss_gen()
genhyperbolic = genhyperbolic_gen()
gausshyper = gausshyper_gen()
matrix_t = matrix_t_gen()
