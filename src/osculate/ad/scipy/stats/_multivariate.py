"""The multivariate distributions of :mod:`osculate.ad.scipy.stats`."""

from __future__ import annotations

import numpy as _np

from ... import numpy as _o
from ...core import ConcretizationError, concrete
from .. import special as _sp
from ._base import _LOG_SQRT_2PI, _arr, _exp, _log, _quiet

__all__ = ["multivariate_normal", "dirichlet"]


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

    @_quiet
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

    @_quiet
    def pdf(self, x, alpha):
        return _exp(self.logpdf(x, alpha))


multivariate_normal = multivariate_normal_gen()
dirichlet = dirichlet_gen()
