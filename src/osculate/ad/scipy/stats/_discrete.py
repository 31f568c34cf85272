"""The discrete distributions of :mod:`osculate.ad.scipy.stats`."""

from __future__ import annotations

from ... import numpy as _o
from .. import special as _sp
from ._base import _all, _log, _log1p, rv_discrete

__all__ = ["poisson", "binom", "nbinom", "bernoulli"]


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
