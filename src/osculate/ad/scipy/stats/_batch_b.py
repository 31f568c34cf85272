"""Continuous distributions of :mod:`osculate.ad.scipy.stats`, second batch: the limit
distribution of the Kolmogorov-Smirnov statistic (``kstwobign``), the Irwin-Hall
distribution (``irwinhall``) and the normal-inverse-gamma distribution
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
from ._base import _LOG2, _LOG_SQRT_2PI, _arr, _all, _exp, _inf, _log, _log1p, _nan, _quiet, _where
from ._halfline import _half, _scipy

__all__ = ["kstwobign", "irwinhall", "normal_inverse_gamma"]

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


kstwobign = kstwobign_gen()
irwinhall = irwinhall_gen()
normal_inverse_gamma = normal_inverse_gamma_gen()
