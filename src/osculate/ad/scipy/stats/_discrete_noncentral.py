"""More discrete distributions of :mod:`osculate.ad.scipy.stats`: the Poisson
binomial distribution (``poisson_binom``, differentiable in every success probability),
Fisher's and Wallenius' noncentral hypergeometric distributions (differentiable in the
odds ratio) and the multivariate hypergeometric distribution (``logpmf``/``pmf``).

The noncentral hypergeometric pmfs are SciPy's definitions, computed exactly rather
than by SciPy's BiasedUrn approximations (whose relative accuracy is about 1e-12):
Fisher's as the normalized terms ``C(n, k) C(M-n, N-k) odds^k`` summed over the
support, Wallenius' as ``C(n, k) C(M-n, N-k)`` times the integral ``D ∫_0^1 s^(D-1)
(1 - s^odds)^k (1 - s)^(N-k) ds``, ``D = odds (n-k) + (M-n) - (N-k)``, by Gauss-Legendre
quadrature on panels placed around the integrand's peak.
"""

from __future__ import annotations

import numpy as _np

from ... import numpy as _o
from ...core import ConcretizationError, concrete
from .. import special as _sp
from ._base import _all, _any, _arr, _bound_arguments, _exp, _inf, _log, _nan, _quiet, _where, rv_discrete
from ._discrete import _MAX_TERMS, _integral, _lncomb, _logsum0, _summed
from ._multivariate import _frozen_multi, _multi, _values

__all__ = ["poisson_binom", "nchypergeom_fisher", "nchypergeom_wallenius", "multivariate_hypergeom"]


# --------------------------------------------------------------------------- Poisson binomial


class poisson_binom_gen(rv_discrete):
    """The Poisson binomial distribution: the number of successes among independent trials
    with success probabilities ``p`` (its last axis: the trials; the others broadcast with
    ``k``).  The whole pmf is built by adding one trial at a time, ``P <- P (1 - p_i) +
    shift(P) p_i`` (non-negative terms only, so accurate to the far tails), and the cdf and
    sf are the sums of its two sides.  Differentiable in every ``p_i``.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import stats
    >>> round(float(stats.poisson_binom.pmf(1, [0.5, 0.25])), 12)  # 1/2 3/4 + 1/2 1/4
    0.5
    >>> [round(float(g), 12) for g in osc.grad(lambda p: stats.poisson_binom.pmf(2, p))(np.array([0.5, 0.25]))]
    [0.25, 0.5]
    """

    name, shapes, safe = "poisson_binom", ("p",), (0.5,)

    def _params(self, method, args, kwds):
        values = _bound_arguments("poisson_binom", method, ("p",), ("loc",), args, kwds)
        p = _arr(values["p"])
        if _o.ndim(p) == 0:
            p = _o.reshape(p, (1,))
        ok = _all(p >= 0.0, p <= 1.0)
        bad = _o.logical_not(_o.all(ok, axis=-1))
        return [_where(ok, p, 0.5)], _arr(values.get("loc", 0.0)), bad

    def _support(self, p):
        return 0.0, float(_o.shape(p)[-1])

    @staticmethod
    def _table(p):
        """The pmf at ``0..n`` along a new last axis."""
        n = _o.shape(p)[-1]
        P = _np.zeros(n + 1)
        P[0] = 1.0
        zero = _o.zeros_like(p[..., :1])
        for i in range(n):
            pi = p[..., i:i + 1]
            P = P * (1.0 - pi) + _o.concatenate([zero, (P + zero)[..., :-1]], axis=-1) * pi
        return P

    @staticmethod
    def _pick(table, k, keep):
        j = _np.arange(float(_o.shape(table)[-1]))
        return _o.sum(_where(keep(j, _o.expand_dims(k, -1)), table, 0.0), axis=-1)

    def _logpmf(self, k, p):
        return _log(self._pick(self._table(p), k, lambda j, k: j == k))

    def _cdf(self, k, p):
        return self._pick(self._table(p), k, lambda j, k: j <= k)

    def _sf(self, k, p):
        return self._pick(self._table(p), k, lambda j, k: j > k)


# --------------------------------------------------------------------------- noncentral hypergeometric


class _nchypergeom(_summed):
    """The two noncentral hypergeometric distributions: ``k`` successes among ``N`` draws from
    ``M`` objects of which ``n`` are successes, drawn with odds ratio ``odds`` (SciPy's names
    and checks: integer counts ``M, n, N >= 0`` with ``n, N <= M``, ``odds > 0``).  The counts
    are constants whose values must be known (the sums run over the support); ``odds`` is
    differentiable."""

    shapes, safe = ("M", "n", "N", "odds"), (2.0, 1.0, 1.0, 1.0)

    def _valid(self, M, n, N, odds):
        ok = _all(M >= 0.0, n >= 0.0, N >= 0.0, n <= M, N <= M, _integral(M), _integral(n), _integral(N),
                  odds > 0.0, odds < _inf)
        return ok, ok, ok, ok

    def _support(self, M, n, N, odds):
        return _o.maximum(0.0, N - (M - n)), _o.minimum(n, N)

    def _ends(self, M, n, N, odds):
        """The support's ends as values, for sums over it."""
        try:
            lo, hi = (_np.asarray(concrete(v), dtype=float) for v in self._support(M, n, N, odds))
        except ConcretizationError:
            raise ConcretizationError(
                f"osculate.scipy.stats.{self.name} sums over its support, so the counts M, n and N must "
                f"not be traced (jit, vmap)") from None
        return lo, hi


class nchypergeom_fisher_gen(_nchypergeom):
    """Fisher's noncentral hypergeometric distribution: ``pmf(k) ∝ C(n, k) C(M-n, N-k)
    odds^k`` on ``max(0, N-(M-n)) <= k <= min(n, N)``, normalized by the sum over the support;
    the cdf and sf sum the pmf over the smaller side.  Differentiable in ``odds``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.nchypergeom_fisher.pmf(1, 2, 1, 1, 3.0)), 12)  # 3 / (1 + 3)
    0.75
    """

    name = "nchypergeom_fisher"

    @staticmethod
    def _terms(k, M, n, N, odds):
        return _lncomb(n, k) + _lncomb(M - n, N - k) + k * _log(odds)

    def _lognorm(self, M, n, N, odds):
        lo, hi = self._ends(M, n, N, odds)
        if lo.size == 0:
            return 0.0
        start, stop = float(_np.min(lo)), float(_np.max(hi))
        if stop - start + 1.0 > _MAX_TERMS:
            raise ValueError(f"osculate.scipy.stats.{self.name}: its normalization sums {stop - start + 1:.3g} "
                             f"terms (more than {_MAX_TERMS:.0e})")
        j = _np.arange(start, max(stop, start) + 1.0).reshape((-1,) + (1,) * max(_o.ndim(v) for v in (M, n, N, odds)))
        lo_, hi_ = self._support(M, n, N, odds)
        mask = _all(j >= lo_, j <= hi_)
        return _logsum0(self._terms(_where(mask, j, lo_), M, n, N, odds), mask)

    def _logpmf(self, k, M, n, N, odds):
        return self._terms(k, M, n, N, odds) - self._lognorm(M, n, N, odds)


# Gauss-Legendre nodes and weights on [0, 1], and the panels (in widths about the peak)
_GL_X, _GL_W = _np.polynomial.legendre.leggauss(24)
_GL_X, _GL_W = 0.5 * (_GL_X + 1.0), 0.5 * _GL_W
_LEFT = _np.array([40.0, 32.0, 24.0, 16.0, 12.0, 8.0, 6.0, 4.0, 3.0, 2.0, 1.0, 0.0])  # widths below the peak
_RIGHT = 14  # panels above it, growing geometrically from one width to the end of the tail


def _wallenius_peak(k, D, N, odds):
    """The peak ``w*`` of ``f(w) = log D - D w + k log(1 - e^(-odds w)) + (N-k) log(1 - e^(-w))``
    (concave: bisection on ``log w`` for the root of ``f'``) and a width ``1/√(-f''(w*))`` (``1/D``
    where ``N = 0``: the integrand is then ``D e^(-D w)``),
    on plain values."""
    k, D, N, odds = _np.broadcast_arrays(*(_np.asarray(v, dtype=float) for v in (k, D, N, odds)))
    D = _np.where(D > 0.0, D, 1.0)

    def slope(w):
        return -D + k * odds / _np.expm1(odds * w) + (N - k) / _np.expm1(w)

    lo, hi = _np.full(D.shape, -70.0), _np.full(D.shape, 70.0)
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        up = slope(_np.exp(mid)) > 0.0
        lo, hi = _np.where(up, mid, lo), _np.where(up, hi, mid)
    w = _np.exp(0.5 * (lo + hi))
    eo, e1 = _np.expm1(odds * w), _np.expm1(w)
    curv = k * odds * odds * (eo + 1.0) / (eo * eo) + (N - k) * (e1 + 1.0) / (e1 * e1)
    return w, _np.where(curv > 0.0, 1.0 / _np.sqrt(_np.where(curv > 0.0, curv, 1.0)), 1.0 / D)


class nchypergeom_wallenius_gen(_nchypergeom):
    """Wallenius' noncentral hypergeometric distribution: ``pmf(k) = C(n, k) C(M-n, N-k) I(k)``
    with ``I(k) = ∫_0^1 (1 - t^(odds/D))^k (1 - t^(1/D))^(N-k) dt``, ``D = odds (n-k) + (M-n) -
    (N-k)`` (``I = 1`` where ``D = 0``: every object drawn).  With ``t = e^(-D w)`` the integrand
    ``D e^(-D w) (1 - e^(-odds w))^k (1 - e^(-w))^(N-k)`` is log-concave in ``w``: it is
    integrated by Gauss-Legendre panels from 40 widths below its peak to ``max(40 widths, 60/D)``
    above it, the upper ones growing geometrically (the peak is found on the values, so the
    counts and ``odds`` must be known: no ``jit``/``vmap``).  The cdf and sf
    sum the pmf over the smaller side.  Differentiable in ``odds``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.nchypergeom_wallenius.pmf(1, 2, 1, 1, 3.0)), 12)  # 3 / (1 + 3)
    0.75
    """

    name = "nchypergeom_wallenius"

    def _log_integral(self, k, M, n, N, odds):
        D = odds * (n - k) + (M - n) - (N - k)
        full = D <= 0.0
        Ds = _where(full, 1.0, D)
        try:
            kv, Dv, Nv, ov = (concrete(v) for v in (k, Ds, N, odds))
        except ConcretizationError:
            raise ConcretizationError(
                "osculate.scipy.stats.nchypergeom_wallenius places its quadrature from the values of its "
                "arguments, so they must not be traced (jit, vmap)") from None
        peak, width = _wallenius_peak(kv, Dv, Nv, ov)
        # below the peak the log-integrand's curvature grows (like N/w²): 40 widths suffice; above it
        # the decay slows down to the rate D, so the panels reach max(40 widths, 60/D)
        reach = _np.maximum(40.0 * width, 60.0 / _np.where(Dv > 0.0, Dv, 1.0))
        ratio = (reach / width) ** (1.0 / (_RIGHT - 1))
        edges = [_np.maximum(0.0, peak - c * width) for c in _LEFT]
        edges += [peak + width * ratio ** i for i in range(_RIGHT)]
        axis = (-1,) + (1,) * peak.ndim
        logs = []
        for a, b in zip(edges[:-1], edges[1:]):
            step = b - a
            w = a + step * _GL_X.reshape(axis)
            with _np.errstate(divide="ignore"):
                lw = _np.log(step * _GL_W.reshape(axis))
            logs.append(_log(Ds) - Ds * w + _sp.xlogy(k, -_o.expm1(-odds * w)) + _sp.xlogy(N - k, -_o.expm1(-w)) + lw)
        lf = _o.concatenate(logs, axis=0)
        fin = _o.isfinite(lf)
        return _where(full, 0.0, _logsum0(_where(fin, lf, 0.0), fin))

    def _logpmf(self, k, M, n, N, odds):
        return _lncomb(n, k) + _lncomb(M - n, N - k) + self._log_integral(k, M, n, N, odds)


# --------------------------------------------------------------------------- multivariate hypergeometric


class multivariate_hypergeom_gen(_multi):
    """The multivariate hypergeometric distribution: ``multivariate_hypergeom.logpmf(x, m, n)``,
    the counts ``x`` (last axis: the types) among ``n`` draws without replacement from a
    population with ``m`` objects of each type: ``Σ log C(m_i, x_i) - log C(Σ m_i, n)``.  As in
    SciPy: ``x`` off the support (negative, above ``m``, not summing to ``n``) gives ``-inf``;
    a negative ``m``, ``n < 0`` or ``n > Σ m`` NaN; counts that are not integers are errors
    (checked when the values are known).

    >>> import numpy as np
    >>> from osculate.scipy import stats
    >>> round(float(stats.multivariate_hypergeom.pmf(np.array([1, 1]), np.array([2, 2]), 2)), 12)  # 4 / 6
    0.666666666667
    """

    name = "multivariate_hypergeom"
    _methods = ("logpmf", "pmf")

    def __call__(self, m, n):
        return _frozen_multi(self, (m, n), {})

    @_quiet
    def logpmf(self, x, m, n):
        x, m, n = _arr(x), _arr(m), _arr(n)
        if _o.ndim(m) == 0:
            raise ValueError("multivariate_hypergeom: m must be an array with at least one dimension")
        if _o.ndim(x) == 0:
            raise ValueError("multivariate_hypergeom: x must be an array with at least one dimension")
        if _o.shape(x)[-1] != _o.shape(m)[-1]:
            raise ValueError(f"multivariate_hypergeom: x has {_o.shape(x)[-1]} types, m {_o.shape(m)[-1]}")
        known = _values(x, m, n)
        if known is not None:
            for name, v in zip(("x", "m", "n"), known):
                if _np.any(_np.isfinite(v) & (v != _np.floor(v))):
                    raise TypeError(f"multivariate_hypergeom: {name} must hold integers")
        total = _o.sum(m, axis=-1)
        bad = _any(_o.any(m < 0.0, axis=-1), n < 0.0, n > total)
        off = _any(_o.any(_o.logical_or(x < 0.0, x > m), axis=-1), _o.sum(x, axis=-1) != n)
        inside = _o.logical_not(_any(off, bad))
        ms = _where(_o.expand_dims(_o.logical_not(bad), -1), m, 1.0)
        xs = _where(_o.expand_dims(inside, -1), x, 0.0) + 0.0 * ms
        ms = ms + 0.0 * xs
        ns = _where(inside, n, 0.0)
        out = _o.sum(_lncomb(ms, xs), axis=-1) - _lncomb(_o.sum(ms, axis=-1), ns)
        return _where(bad, _nan, _where(off, -_inf, out))

    @_quiet
    def pmf(self, x, m, n):
        return _exp(self.logpmf(x, m, n))


poisson_binom = poisson_binom_gen()
nchypergeom_fisher = nchypergeom_fisher_gen()
nchypergeom_wallenius = nchypergeom_wallenius_gen()
multivariate_hypergeom = multivariate_hypergeom_gen()
