"""The discrete distributions of :mod:`osculate.ad.scipy.stats`."""

from __future__ import annotations

import numpy as _np

from ... import numpy as _o
from ...core import ConcretizationError, concrete
from .. import special as _sp
from ._base import _LOG2, _all, _exp, _expm1, _inf, _log, _log1p, _where, rv_discrete

__all__ = ["poisson", "binom", "nbinom", "bernoulli", "geom", "betabinom", "hypergeom", "zipf", "zipfian",
           "logser", "dlaplace", "randint", "planck", "boltzmann", "skellam", "yulesimon", "betanbinom",
           "nhypergeom"]


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
        return _sp.betainc(n - k, k + 1.0, 1.0 - p)

    def _sf(self, k, n, p):
        return _sp.betainc(k + 1.0, n - k, p)


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
        return _sp.betainc(n, k + 1.0, p)

    def _sf(self, k, n, p):
        return _sp.betainc(k + 1.0, n, 1.0 - p)


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


# --------------------------------------------------------------------------- sums over the support


def _logsum0(terms, mask):
    """``log Σ exp(terms)`` along axis 0 over the entries where ``mask`` holds (``-inf`` if none);
    ``terms`` must be finite everywhere (the masked entries are computed at safe points)."""
    top = _o.stop_gradient(_o.max(_where(mask, terms, -_inf), axis=0))
    top = _where(_o.isfinite(top), top, 0.0)
    total = _o.sum(_where(mask, _exp(terms - top), 0.0), axis=0)
    some = total > 0.0
    return _where(some, _log(_where(some, total, 1.0)) + top, -_inf)


def _log1mexp(x):
    """``log(1 - exp(x))`` for ``x <= 0``, accurate on both sides of ``-log 2``."""
    near = x > -_LOG2
    return _where(near, _log(-_expm1(_where(near, x, -1.0))), _log1p(-_exp(_where(near, -1.0, x))))


class _summed(rv_discrete):
    """A discrete distribution whose cdf is the sum of its pmf from the lower end of the
    support to ``k`` (and, for a finite support, whose sf sums from ``k + 1`` to the upper
    end; otherwise ``sf = 1 - cdf``, as SciPy's generic method).  The summation range comes
    from the values of ``k`` and of the support's ends, which must not be traced under
    ``jit``/``vmap`` (the differentiable shape parameters may be)."""

    _bounded = True  # a finite upper end: the sf sums above k

    def _grid(self, k, s, upper):
        try:
            ends = [_np.asarray(concrete(v), dtype=float) for v in (k, *self._support(*s))]
        except ConcretizationError:
            raise ConcretizationError(
                f"osculate.scipy.stats.{self.name} sums its pmf over the support for its cdf/sf, so the "
                f"counts k and the parameters that set the support must not be traced (jit, vmap)"
            ) from None
        kv, lov, hiv = ends
        top = hiv if upper else kv
        if kv.size == 0:
            start, stop = 0.0, 0.0
        else:
            start = float(_np.min(lov))
            stop = float(_np.max(_np.where(_np.isfinite(top), top, kv)))
        dims = max([_o.ndim(v) for v in (k, *s)] + [0])
        terms = (max(stop, start) - start + 1.0) * max(kv.size, 1)
        if terms > _MAX_TERMS:
            raise ValueError(f"osculate.scipy.stats.{self.name}: its cdf/sf sums the pmf term by term and here "
                             f"would need {terms:.3g} terms (more than {_MAX_TERMS:.0e})")
        return _np.arange(start, max(stop, start) + 1.0).reshape((-1,) + (1,) * dims)

    def _sides(self, k, *s):
        """``(log cdf, log sf)``: the smaller side summed, the other ``log(1 - that)``
        (a sum near 1 carries the rounding of every term)."""
        lo, hi = self._support(*s)
        j = self._grid(k, s, False)
        mask = _all(j >= lo, j <= k)
        below = _logsum0(self._logpmf(_where(mask, j, lo), *s), mask)
        if not self._bounded:
            return below, _log1mexp(below)
        j = self._grid(k, s, True)
        mask = _all(j > k, j <= hi)
        above = _logsum0(self._logpmf(_where(mask, j, hi), *s), mask)
        small = below <= above
        return _where(small, below, _log1mexp(above)), _where(small, _log1mexp(below), above)

    def _logcdf(self, k, *s):
        return self._sides(k, *s)[0]

    def _logsf(self, k, *s):
        return self._sides(k, *s)[1]

    def _cdf(self, k, *s):
        return _exp(self._logcdf(k, *s))

    def _sf(self, k, *s):
        return _exp(self._logsf(k, *s))


_TINY = 1e-100
_CHNDTR = getattr(_sp, "chndtr", None)  # the noncentral chi-square cdf (skellam's cdf), where osculate has it
_MAX_TERMS = 5e7  # the largest sum of pmf terms (over all the points) a summed cdf builds


def _lncomb(n, k):
    """``log C(n, k)`` for ``0 <= k <= n`` (by ``betaln``, accurate for large ``n``)."""
    return -_log1p(n) - _sp.betaln(n - k + 1.0, k + 1.0)


def _integral(v):
    return _o.floor(v) == v


# --------------------------------------------------------------------------- the distributions


class geom_gen(rv_discrete):
    """The geometric distribution: the number of trials up to the first success of
    probability ``p`` (support ``k >= 1``); ``sf = (1 - p)**k``.

    >>> import osculate as osc
    >>> from osculate.scipy import stats
    >>> float(stats.geom.pmf(2, 0.5))
    0.25
    >>> float(osc.grad(lambda p: stats.geom.logsf(3, p))(0.5))
    -6.0
    """

    name, shapes, safe = "geom", ("p",), (0.5,)

    def _valid(self, p):
        return (_all(p > 0.0, p <= 1.0),)

    def _support(self, p):
        return 1.0, _inf

    def _logpmf(self, k, p):
        return _sp.xlog1py(k - 1.0, -p) + _log(p)

    def _logsf(self, k, p):
        return k * _log1p(-p)

    def _logcdf(self, k, p):
        return _log(-_expm1(k * _log1p(-p)))

    def _sf(self, k, p):
        return _exp(self._logsf(k, p))

    def _cdf(self, k, p):
        return -_expm1(k * _log1p(-p))


class betabinom_gen(_summed):
    """The beta-binomial distribution: ``binom(n, P)`` with ``P ~ beta(a, b)``; ``n`` is a
    constant integer, ``a`` and ``b`` are differentiable.  The cdf and sf sum the pmf
    (the counts ``k`` and ``n`` must be known values).

    >>> from osculate.scipy import stats
    >>> round(float(stats.betabinom.pmf(1, 2, 1.0, 1.0)), 12)
    0.333333333333
    """

    name, shapes, safe = "betabinom", ("n", "a", "b"), (1.0, 1.0, 1.0)

    def _valid(self, n, a, b):
        return _all(n >= 0.0, _integral(n)), a > 0.0, b > 0.0

    def _support(self, n, a, b):
        return 0.0, n

    def _logpmf(self, k, n, a, b):
        return _lncomb(n, k) + _sp.betaln(k + a, n - k + b) - _sp.betaln(a, b)


class hypergeom_gen(_summed):
    """The hypergeometric distribution: successes ``k`` among ``N`` draws without
    replacement from ``M`` objects of which ``n`` are successes.  ``M``, ``n`` and ``N`` are
    integer counts (constants); the cdf and sf sum the pmf over the smaller side.

    >>> from osculate.scipy import stats
    >>> round(float(stats.hypergeom.pmf(1, 4, 2, 2)), 12)
    0.666666666667
    """

    name, shapes, safe = "hypergeom", ("M", "n", "N"), (2.0, 1.0, 1.0)

    def _valid(self, M, n, N):
        ok = _all(M >= 0.0, n >= 0.0, N >= 0.0, n <= M, N <= M, _integral(M), _integral(n), _integral(N))
        return ok, ok, ok

    def _support(self, M, n, N):
        return _o.maximum(0.0, N - (M - n)), _o.minimum(n, N)

    def _logpmf(self, k, M, n, N):
        return _lncomb(n, k) + _lncomb(M - n, N - k) - _lncomb(M, N)


class nhypergeom_gen(_summed):
    """The negative hypergeometric distribution: the successes ``k`` drawn (without
    replacement, from ``M`` objects of which ``n`` are successes) before the ``r``-th failure.
    ``M``, ``n`` and ``r`` are integer counts (constants).

    >>> from osculate.scipy import stats
    >>> round(float(stats.nhypergeom.pmf(0, 3, 1, 1)), 12)
    0.666666666667
    """

    name, shapes, safe = "nhypergeom", ("M", "n", "r"), (2.0, 1.0, 1.0)

    def _valid(self, M, n, r):
        ok = _all(n >= 0.0, n <= M, r >= 0.0, r <= M - n, _integral(M), _integral(n), _integral(r))
        return ok, ok, ok

    def _support(self, M, n, r):
        return 0.0, n

    def _logpmf(self, k, M, n, r):
        # C(k + r - 1, k) is 1 at k = 0 even when r = 0
        first = _where(k == 0.0, 0.0, _lncomb(k + r - 1.0, _where(k == 0.0, 0.0, k)))
        return first + _lncomb(M - r - k, n - k) - _lncomb(M, n)


class zipf_gen(rv_discrete):
    """The Zipf (zeta) distribution: ``pmf = k**-a / zeta(a)`` on ``k >= 1`` (``a > 1``); the
    sf is the Hurwitz zeta function ``zeta(a, k + 1) / zeta(a)``, differentiable in ``a``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.zipf.pmf(1, 2.0)), 12)
    0.607927101854
    """

    name, shapes, safe = "zipf", ("a",), (2.0,)

    def _valid(self, a):
        return (a > 1.0,)

    def _support(self, a):
        return 1.0, _inf

    def _logpmf(self, k, a):
        return -a * _log(k) - _log(_sp.zeta(a, 1.0))

    def _logsf(self, k, a):
        return _log(_sp.zeta(a, k + 1.0)) - _log(_sp.zeta(a, 1.0))

    def _sf(self, k, a):
        return _sp.zeta(a, k + 1.0) / _sp.zeta(a, 1.0)

    def _cdf(self, k, a):
        return -_expm1(self._logsf(k, a))

    def _logcdf(self, k, a):
        return _log1mexp(self._logsf(k, a))


class zipfian_gen(_summed):
    """The Zipfian distribution: ``pmf = k**-a / H(n, a)`` on ``1 <= k <= n`` with
    ``H(n, a) = Σ_{j <= n} j**-a`` (``a >= 0``, ``n`` a constant integer up to 5e7, as the sum
    is taken term by term); differentiable in ``a``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.zipfian.pmf(1, 1.0, 2)), 12)
    0.666666666667
    """

    name, shapes, safe = "zipfian", ("a", "n"), (1.0, 1.0)

    def _valid(self, a, n):
        return a >= 0.0, _all(n >= 1.0, _integral(n))

    def _support(self, a, n):
        return 1.0, n

    def _lognorm(self, a, n):
        try:
            nv = _np.asarray(concrete(n), dtype=float)
        except ConcretizationError:
            raise ConcretizationError(
                "osculate.scipy.stats.zipfian sums j**-a over 1..n, so n must not be traced (jit, vmap)") from None
        top = max(float(_np.max(nv, initial=1.0)), 1.0)
        if top > _MAX_TERMS:
            raise ValueError(f"osculate.scipy.stats.zipfian sums j**-a over 1..n term by term: n = {top:.3g} is "
                             f"more than {_MAX_TERMS:.0e}")
        j = _np.arange(1.0, top + 1.0)
        j = j.reshape((-1,) + (1,) * max(_o.ndim(a), _o.ndim(n)))
        return _logsum0(-a * _np.log(j), _all(j <= n, _o.isfinite(a)))

    def _logpmf(self, k, a, n):
        return -a * _log(k) - self._lognorm(a, n)


class logser_gen(rv_discrete):
    """The logarithmic (log-series) distribution: ``pmf = -p**k / (k log(1 - p))`` on
    ``k >= 1`` (``0 < p < 1``); the sf is ``B(p; k + 1, 0) / (-log(1 - p))``, the incomplete beta
    integral with ``b = 0`` (taken at ``b = 1e-100``, as SciPy does).

    >>> from osculate.scipy import stats
    >>> round(float(stats.logser.pmf(1, 0.5)), 12)
    0.721347520444
    """

    name, shapes, safe = "logser", ("p",), (0.5,)

    def _valid(self, p):
        return (_all(p > 0.0, p < 1.0),)

    def _support(self, p):
        return 1.0, _inf

    def _logpmf(self, k, p):
        return k * _log(p) - _log(k) - _log(-_log1p(-p))

    def _logsf(self, k, p):
        # Σ_{j > k} p^j / j is the incomplete beta integral B(p; k + 1, 0), taken at b = 1e-100
        return (_log(_sp.betainc(k + 1.0, _TINY, p)) + _sp.betaln(k + 1.0, _TINY)
                - _log(-_log1p(-p)))

    def _sf(self, k, p):
        return _exp(self._logsf(k, p))

    def _cdf(self, k, p):
        return -_expm1(self._logsf(k, p))

    def _logcdf(self, k, p):
        return _log1mexp(self._logsf(k, p))


class dlaplace_gen(rv_discrete):
    """The discrete Laplace distribution: ``pmf = tanh(a/2) exp(-a |k|)`` on the integers (``a > 0``).

    >>> from osculate.scipy import stats
    >>> round(float(stats.dlaplace.cdf(-1, 1.0) + stats.dlaplace.sf(-1, 1.0)), 12)
    1.0
    """

    name, shapes, safe = "dlaplace", ("a",), (1.0,)

    def _valid(self, a):
        return (a > 0.0,)

    def _support(self, a):
        return -_inf, _inf

    def _logpmf(self, k, a):
        k = _where(_o.isfinite(k), k, 0.0)  # (the base class stands -inf in for a non-integer k)
        return _log(_o.tanh(0.5 * a)) - a * _o.abs(k)

    @staticmethod
    def _sides(k, a):
        # below 0: log cdf(k) = a k - log(1 + e^-a); from 0 up: log sf(k) = -a (k + 1) - log(1 + e^-a)
        up = k >= 0.0
        c = _log1p(_exp(-a))
        return up, a * _where(up, -1.0, k) - c, -a * (_where(up, k, 0.0) + 1.0) - c

    def _cdf(self, k, a):
        up, low, high = self._sides(k, a)
        return _where(up, -_expm1(high), _exp(low))

    def _sf(self, k, a):
        up, low, high = self._sides(k, a)
        return _where(up, _exp(high), -_expm1(low))

    def _logcdf(self, k, a):
        up, low, high = self._sides(k, a)
        return _where(up, _log1mexp(high), low)

    def _logsf(self, k, a):
        up, low, high = self._sides(k, a)
        return _where(up, high, _log1mexp(low))


class randint_gen(rv_discrete):
    """The discrete uniform distribution on ``low, low + 1, ..., high - 1`` (integers).

    >>> from osculate.scipy import stats
    >>> float(stats.randint.cdf(2, 0, 4))
    0.75
    """

    name, shapes, safe = "randint", ("low", "high"), (0.0, 1.0)

    def _valid(self, low, high):
        ok = _all(high > low, _integral(low), _integral(high))
        return ok, ok

    def _support(self, low, high):
        return low, high - 1.0

    def _logpmf(self, k, low, high):
        return -_log(high - low) + 0.0 * k

    def _cdf(self, k, low, high):
        return (k - low + 1.0) / (high - low)

    def _sf(self, k, low, high):
        return (high - 1.0 - k) / (high - low)

    def _logcdf(self, k, low, high):
        return _log(k - low + 1.0) - _log(high - low)

    def _logsf(self, k, low, high):
        return _log(high - 1.0 - k) - _log(high - low)


class planck_gen(rv_discrete):
    """The Planck (discrete exponential) distribution: ``pmf = (1 - e^-λ) e^(-λ k)`` on ``k >= 0``.

    >>> from osculate.scipy import stats
    >>> float(stats.planck.logsf(1, 0.5))
    -1.0
    """

    name, shapes, safe = "planck", ("lambda_",), (1.0,)

    def _valid(self, lam):
        return (lam > 0.0,)

    def _logpmf(self, k, lam):
        return _log(-_expm1(-lam)) - lam * k

    def _logsf(self, k, lam):
        return -lam * (k + 1.0)

    def _sf(self, k, lam):
        return _exp(-lam * (k + 1.0))

    def _cdf(self, k, lam):
        return -_expm1(-lam * (k + 1.0))

    def _logcdf(self, k, lam):
        return _log1mexp(-lam * (k + 1.0))


class boltzmann_gen(rv_discrete):
    """The Boltzmann (truncated Planck) distribution on ``0..N-1``:
    ``pmf = (1 - e^-λ) e^(-λ k) / (1 - e^(-λ N))`` (``N`` an integer).

    >>> from osculate.scipy import stats
    >>> float(stats.boltzmann.cdf(0, 1.0, 1))
    1.0
    """

    name, shapes, safe = "boltzmann", ("lambda_", "N"), (1.0, 1.0)

    def _valid(self, lam, N):
        return lam > 0.0, _all(N > 0.0, _integral(N))

    def _support(self, lam, N):
        return 0.0, N - 1.0

    def _logpmf(self, k, lam, N):
        return _log(-_expm1(-lam)) - lam * k - _log(-_expm1(-lam * N))

    def _logcdf(self, k, lam, N):
        return _log1mexp(-lam * (k + 1.0)) - _log1mexp(-lam * N)

    def _logsf(self, k, lam, N):  # k < N - 1 here
        return -lam * (k + 1.0) + _log1mexp(-lam * (N - k - 1.0)) - _log1mexp(-lam * N)

    def _cdf(self, k, lam, N):
        return _exp(self._logcdf(k, lam, N))

    def _sf(self, k, lam, N):
        return _exp(self._logsf(k, lam, N))


class yulesimon_gen(rv_discrete):
    """The Yule-Simon distribution: ``pmf = α B(k, α + 1)`` on ``k >= 1``; ``sf = k B(k, α + 1)``.

    >>> from osculate.scipy import stats
    >>> round(float(stats.yulesimon.pmf(1, 1.0)), 12)
    0.5
    """

    name, shapes, safe = "yulesimon", ("alpha",), (1.0,)

    def _valid(self, alpha):
        return (alpha > 0.0,)

    def _support(self, alpha):
        return 1.0, _inf

    def _logpmf(self, k, alpha):
        return _log(alpha) + _sp.betaln(k, alpha + 1.0)

    def _logsf(self, k, alpha):
        return _log(k) + _sp.betaln(k, alpha + 1.0)

    def _sf(self, k, alpha):
        return _exp(self._logsf(k, alpha))

    def _cdf(self, k, alpha):
        return -_expm1(self._logsf(k, alpha))

    def _logcdf(self, k, alpha):
        return _log1mexp(self._logsf(k, alpha))


class betanbinom_gen(_summed):
    """The beta-negative-binomial distribution: ``nbinom(n, P)`` with ``P ~ beta(a, b)``;
    ``n`` is a constant integer (as in SciPy), ``a`` and ``b`` are differentiable.  The cdf sums
    the pmf from 0 to ``k`` and ``sf = 1 - cdf`` (``k`` must be known values).

    >>> from osculate.scipy import stats
    >>> round(float(stats.betanbinom.pmf(0, 1, 1.0, 1.0)), 12)
    0.5
    """

    name, shapes, safe = "betanbinom", ("n", "a", "b"), (1.0, 1.0, 1.0)
    _bounded = False

    def _valid(self, n, a, b):
        return _all(n >= 0.0, _integral(n)), a > 0.0, b > 0.0

    def _logpmf(self, k, n, a, b):
        return (_o.gammaln(n + k) - _o.gammaln(k + 1.0) - _o.gammaln(n)
                + _sp.betaln(a + n, b + k) - _sp.betaln(a, b))


def _log_iv(v, z):
    """``log I_v(z)`` (``v >= 0``, ``z > 0``): ``log ive(v, z) + z``, or where ``ive`` underflows
    (an order far above the argument) the series ``(z/2)^v / Γ(v+1) 0F1(; v+1; z²/4)``, whose
    hypergeometric factor is then moderate."""
    far = _sp.ive(v, z) < 1e-280
    near_v, near_z = _where(far, 0.0, v), _where(far, 1.0, z)
    far_v, far_z = _where(far, v, 0.0), _where(far, z, 1.0)
    series = (far_v * _log(0.5 * far_z) - _o.gammaln(far_v + 1.0)
              + _log(_sp.hyp0f1(far_v + 1.0, 0.25 * far_z * far_z)))
    return _where(far, series, _log(_sp.ive(near_v, near_z)) + near_z)


class skellam_gen(rv_discrete):
    """The Skellam distribution: the difference of two independent Poisson counts of means
    ``mu1`` and ``mu2``.  The pmf uses the exponentially scaled Bessel function
    ``ive(|k|, 2 sqrt(mu1 mu2))`` (its series far out, where ``ive`` underflows); the cdf and
    sf are noncentral chi-square cdfs, ``chndtr(2 mu2, -2k, 2 mu1)`` below 0 and
    ``chndtr(2 mu1, 2(k + 1), 2 mu2)`` (the sf) from 0 up, so the smaller tail is always
    computed directly.  Differentiable in both means.  (The cdf methods need osculate's
    ``chndtr``; without it the distribution has ``logpmf`` and ``pmf`` only.)

    >>> from osculate.scipy import stats
    >>> round(float(stats.skellam.pmf(0, 1e-300, 1.0)), 12)
    0.367879441171
    """

    name, shapes, safe = "skellam", ("mu1", "mu2"), (1.0, 1.0)
    if _CHNDTR is None:  # (without osculate's chndtr: logpmf and pmf only)
        _methods = ("logpmf", "pmf")
        logcdf = cdf = logsf = sf = None

    def _valid(self, mu1, mu2):
        return mu1 > 0.0, mu2 > 0.0

    def _support(self, mu1, mu2):
        return -_inf, _inf

    def _logpmf(self, k, mu1, mu2):
        k = _where(_o.isfinite(k), k, 0.0)  # (the base class stands -inf in for a non-integer k)
        z = 2.0 * _o.sqrt(mu1 * mu2)
        return _log_iv(_o.abs(k), z) - mu1 - mu2 + 0.5 * k * (_log(mu1) - _log(mu2))

    def _parts(self, k, mu1, mu2):
        """``k < 0``, the cdf there and the sf from 0 up (each at safe degrees of freedom on the
        other side).  The chi-square degrees of freedom are kept >= 4: at k = -1 and k = 0 the
        tail is the next one plus a pmf term (chndtr's second derivative in x is NaN at 2 degrees
        of freedom, where it needs the density at 0)."""
        neg = k < 0.0
        low = _CHNDTR(2.0 * mu2, _where(neg, _o.maximum(-2.0 * k, 4.0), 4.0), 2.0 * mu1)
        up = _CHNDTR(2.0 * mu1, _where(neg, 4.0, _o.maximum(2.0 * (k + 1.0), 4.0)), 2.0 * mu2)
        low = low + _where(k == -1.0, _exp(self._logpmf(-1.0 + 0.0 * k, mu1, mu2)), 0.0)
        up = up + _where(k == 0.0, _exp(self._logpmf(1.0 + 0.0 * k, mu1, mu2)), 0.0)
        return neg, low, up

    def _cdf(self, k, mu1, mu2):
        neg, low, up = self._parts(k, mu1, mu2)
        return _where(neg, low, 1.0 - up)

    def _sf(self, k, mu1, mu2):
        neg, low, up = self._parts(k, mu1, mu2)
        return _where(neg, 1.0 - low, up)

    def _logcdf(self, k, mu1, mu2):
        neg, low, up = self._parts(k, mu1, mu2)
        return _where(neg, _log(low), _log1p(-up))

    def _logsf(self, k, mu1, mu2):
        neg, low, up = self._parts(k, mu1, mu2)
        return _where(neg, _log1p(-low), _log(up))


geom = geom_gen()
betabinom = betabinom_gen()
hypergeom = hypergeom_gen()
nhypergeom = nhypergeom_gen()
zipf = zipf_gen()
zipfian = zipfian_gen()
logser = logser_gen()
dlaplace = dlaplace_gen()
randint = randint_gen()
planck = planck_gen()
boltzmann = boltzmann_gen()
yulesimon = yulesimon_gen()
betanbinom = betanbinom_gen()
skellam = skellam_gen()
