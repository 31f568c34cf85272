"""The multivariate distributions of :mod:`osculate.ad.scipy.stats`."""

from __future__ import annotations

import numpy as _np

from ... import numpy as _o
from ...core import ConcretizationError, concrete
from .. import special as _sp
from ._base import _LOG2, _LOG_PI, _LOG_SQRT_2PI, _arr, _exp, _inf, _log, _nan, _quiet, _where

__all__ = ["multivariate_normal", "dirichlet", "multivariate_t", "multinomial", "wishart", "invwishart",
           "matrix_normal", "dirichlet_multinomial", "vonmises_fisher"]


class _frozen_multi:
    """A multivariate distribution with its parameters fixed: ``dist(*params).method(x)``."""

    def __init__(self, dist, args, kwds):
        self.dist, self.args, self.kwds = dist, args, kwds

    def __getattr__(self, method):
        if method.startswith("_") or method not in type(self.dist)._methods:
            raise AttributeError(f"frozen {type(self.dist).name} has no method {method!r}")
        fn = getattr(self.dist, method)
        return lambda x: fn(x, *self.args, **self.kwds)


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
    _methods = ("logpdf", "pdf")

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
    _methods = ("logpdf", "pdf")

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





# --------------------------------------------------------------------------- helpers


def _values(*vs):
    """The values of ``vs`` as arrays, or None when one is traced under jit/vmap (checks on
    the values are then skipped)."""
    try:
        return [_np.asarray(concrete(v)) for v in vs]
    except ConcretizationError:
        return None


def _squeeze(out):
    return _o.squeeze(out) if _o.ndim(out) else out


def _cholesky(mat):
    """The lower Cholesky factor of the symmetric part of ``mat`` (so that the gradient in
    ``mat`` is symmetric) and ``log det mat``."""
    low = _o.linalg.cholesky(0.5 * (mat + _o.swapaxes(mat, -1, -2)))
    return low, 2.0 * _o.sum(_log(_o.diagonal(low, axis1=-2, axis2=-1)), axis=-1)


def _matrices(X, rows, cols, name):
    """``X`` as a stack of ``rows x cols`` matrices (one matrix gets a leading axis of 1), or the
    error naming the distribution."""
    X = _arr(X)
    if _o.ndim(X) == 2:
        X = _o.reshape(X, (1,) + _o.shape(X))
    if _o.ndim(X) < 2 or _o.shape(X)[-2:] != (rows, cols):
        raise ValueError(f"{name}: X must hold {rows} x {cols} matrices along its last two axes")
    return X


def _square(mat, dim, what):
    """A number (times the identity), a vector (a diagonal) or a ``dim x dim`` matrix, as a matrix."""
    mat = _arr(mat)
    if _o.ndim(mat) == 0:
        return mat * _np.eye(dim)
    if _o.ndim(mat) == 1:
        return _o.diag(mat)
    if _o.ndim(mat) != 2 or _o.shape(mat)[0] != _o.shape(mat)[1]:
        raise ValueError(f"{what} must be a number, a vector or a square matrix")
    return mat


class _multi:
    name = ""
    _methods = ("logpdf", "pdf")

    def __repr__(self):
        return f"<osculate.scipy.stats.{self.name}>"


# --------------------------------------------------------------------------- multivariate t


class multivariate_t_gen(_multi):
    """The multivariate t distribution: ``multivariate_t.logpdf(x, loc=None, shape=1, df=1)``.

    ``x`` holds points along its last axis (a 1-D ``x`` is one point, or several for a
    one-dimensional distribution); ``shape`` is a matrix (factored by Cholesky), a vector (a
    diagonal) or a number; ``df = inf`` is the normal distribution.  Differentiable in ``x``,
    ``loc``, ``shape`` and ``df``.  ``allow_singular=True`` is not supported.

    >>> import numpy as np
    >>> from osculate.scipy import stats
    >>> round(float(stats.multivariate_t.pdf(np.zeros(2), np.zeros(2), df=2.0)), 12)  # 1 / (2 pi)
    0.159154943092
    """

    name = "multivariate_t"

    def __call__(self, loc=None, shape=1, df=1, allow_singular=False):
        _no_singular(self.name, allow_singular)
        return _frozen_multi(self, (), {"loc": loc, "shape": shape, "df": df})

    @_quiet
    def logpdf(self, x, loc=None, shape=1, df=1):
        shape = _arr(shape)
        if loc is None:
            dim = _o.shape(shape)[0] if _o.ndim(shape) == 2 else 1
            loc = _np.zeros(dim)
        loc = _o.reshape(_arr(loc), (-1,))
        dim = _o.shape(loc)[0]
        if _o.ndim(shape) >= 1 and dim == 1:
            shape = _o.reshape(shape, (1, 1))
        shape = _square(shape, dim, "multivariate_t: shape")
        if _o.shape(shape) != (dim, dim):
            raise ValueError(f"multivariate_t: shape must be {dim} x {dim} to match loc")
        df = _arr(1.0 if df is None else df)
        if _o.ndim(df) != 0:
            raise ValueError("multivariate_t: df must be a number")
        known = _values(df)
        if known is not None and not float(known[0]) > 0.0:
            raise ValueError("multivariate_t: df must be positive (or inf)")
        x = _arr(x)
        if _o.ndim(x) == 0:
            x = _o.reshape(x, (1,))
        if _o.ndim(x) == 1:
            x = _o.reshape(x, (-1, 1) if dim == 1 else (1, -1))
        if _o.shape(x)[-1] != dim:
            raise ValueError(f"multivariate_t: x has {_o.shape(x)[-1]} components, loc {dim}")
        low, logdet = _cholesky(shape)
        dev = x - loc
        white = _o.linalg.solve(low, _o.transpose(_o.reshape(dev, (-1, dim))))
        maha = _o.reshape(_o.sum(white * white, axis=0), _o.shape(dev)[:-1])
        if known is not None and _np.isinf(known[0]):
            out = -0.5 * (dim * 2.0 * _LOG_SQRT_2PI + logdet + maha)
        else:
            half = 0.5 * (df + dim)
            out = (_o.gammaln(half) - _o.gammaln(0.5 * df) - 0.5 * dim * (_log(df) + _LOG_PI) - 0.5 * logdet
                   - half * _o.log1p(maha / df))
        return _squeeze(out)

    @_quiet
    def pdf(self, x, loc=None, shape=1, df=1, allow_singular=False):
        _no_singular(self.name, allow_singular)
        return _exp(self.logpdf(x, loc, shape, df))


def _no_singular(name, allow_singular):
    if allow_singular:
        raise NotImplementedError(f"osculate.scipy.stats.{name} does not support allow_singular=True: the "
                                  f"shape matrix must be positive definite (it is factored by Cholesky)")


# --------------------------------------------------------------------------- multinomial


class multinomial_gen(_multi):
    """The multinomial distribution: ``multinomial.logpmf(x, n, p)``, counts ``x`` (last axis:
    the categories) of ``n`` draws with probabilities ``p``.  Differentiable in ``p``;
    ``x`` and ``n`` are integer counts.  ``x`` off the support (negative, non-integer, or not
    summing to ``n``) gives ``-inf``; ``n < 0``, ``p`` outside [0, 1] or a row of ``p`` whose
    sum is not 1 (within 10 machine epsilons) give NaN (SciPy 1.17 still replaces the last
    entry of such a row by one minus the others, with a FutureWarning, and gives NaN from 1.18).

    >>> import numpy as np
    >>> from osculate.scipy import stats
    >>> float(stats.multinomial.pmf(np.array([1, 1]), 2, np.array([0.5, 0.5])))
    0.5
    """

    name = "multinomial"
    _methods = ("logpmf", "pmf")

    def __call__(self, n, p):
        return _frozen_multi(self, (n, p), {})

    @_quiet
    def logpmf(self, x, n, p):
        x, n, p = _arr(x), _arr(n), _arr(p)
        if _o.ndim(x) == 0:
            raise ValueError("multinomial: x must be an array (its last axis the categories)")
        if _o.ndim(p) == 0 or _o.shape(x)[-1] != _o.shape(p)[-1]:
            raise ValueError(f"multinomial: x has {_o.shape(x)[-1]} categories, p {(_o.shape(p) or (1,))[-1]}")
        total = _o.sum(p, axis=-1)
        bad_p = _o.logical_or(_o.any(_o.logical_or(p < 0.0, p > 1.0), axis=-1),
                              _o.abs(1.0 - total) > 10.0 * _np.finfo(float).eps)
        bad = _o.logical_or(_o.logical_or(bad_p, n < 0.0), _o.isnan(total))
        p = _where(_o.expand_dims(bad_p, -1), 0.5, p)
        off = _o.logical_or(_o.any(_o.logical_or(x < 0.0, _o.floor(x) != x), axis=-1), _o.sum(x, axis=-1) != n)
        xs = _where(_o.expand_dims(off, -1), 0.0, x)
        out = _o.gammaln(_where(n < 0.0, 0.0, n) + 1.0) + _o.sum(_sp.xlogy(xs, p) - _o.gammaln(xs + 1.0), axis=-1)
        return _where(bad, _nan, _where(off, -_inf, out))

    @_quiet
    def pmf(self, x, n, p):
        return _exp(self.logpmf(x, n, p))


class dirichlet_multinomial_gen(_multi):
    """The Dirichlet-multinomial distribution: ``dirichlet_multinomial.logpmf(x, alpha, n)``,
    multinomial counts ``x`` (last axis: the categories) of ``n`` draws whose probabilities
    are Dirichlet(``alpha``).  Differentiable in ``alpha``; ``x`` and ``n`` are integer counts
    (``-inf`` where ``x`` does not sum to ``n``).  As in SciPy, invalid values (a negative or
    non-integer count, ``alpha <= 0``) are errors, checked when the values are known.

    >>> import numpy as np
    >>> from osculate.scipy import stats
    >>> round(float(stats.dirichlet_multinomial.pmf(np.array([1, 1]), np.ones(2), 2)), 12)
    0.333333333333
    """

    name = "dirichlet_multinomial"
    _methods = ("logpmf", "pmf")

    def __call__(self, alpha, n):
        return _frozen_multi(self, (alpha, n), {})

    @_quiet
    def logpmf(self, x, alpha, n):
        x, alpha, n = _arr(x), _arr(alpha), _arr(n)
        known = _values(x, alpha, n)
        if known is not None:
            xv, av, nv = known
            if _np.any(xv < 0) or _np.any(xv != _np.floor(xv)):
                raise ValueError("dirichlet_multinomial: x must hold non-negative integers")
            if _np.any(av <= 0):
                raise ValueError("dirichlet_multinomial: alpha must be positive")
            if _np.any(nv < 0) or _np.any(nv != _np.floor(nv)):
                raise ValueError("dirichlet_multinomial: n must be a non-negative integer")
        x = x + 0.0 * alpha  # (broadcast together, as SciPy does)
        alpha = alpha + 0.0 * x
        a0 = _o.sum(alpha, axis=-1)
        out = (_o.gammaln(a0) + _o.gammaln(n + 1.0) - _o.gammaln(n + a0)
               + _o.sum(_o.gammaln(x + alpha) - _o.gammaln(alpha) - _o.gammaln(x + 1.0), axis=-1))
        return _where(_o.sum(x, axis=-1) != n, -_inf, out)

    @_quiet
    def pmf(self, x, alpha, n):
        return _exp(self.logpmf(x, alpha, n))


# --------------------------------------------------------------------------- Wishart


def _wishart_args(name, x, df, scale):
    """SciPy's conventions: ``scale`` a number, a vector (diagonal) or a matrix; ``x`` one
    matrix, or matrices along a third axis (``x[:, :, i]``), a vector (a diagonal; points for
    dim 1) or a number (times the identity).  Returns ``x`` as ``(points, dim, dim)``."""
    scale = _arr(1.0 if scale is None else scale)
    if _o.ndim(scale) == 0:
        scale = _o.reshape(scale, (1, 1))
    elif _o.ndim(scale) == 1:
        scale = _o.diag(scale)
    elif _o.ndim(scale) != 2 or _o.shape(scale)[0] != _o.shape(scale)[1]:
        raise ValueError(f"{name}: scale must be a number, a vector or a square matrix")
    dim = _o.shape(scale)[0]
    df = _arr(dim if df is None else df)
    if _o.ndim(df) != 0:
        raise ValueError(f"{name}: df must be a number")
    known = _values(df)
    if known is not None and not float(known[0]) > dim - 1:
        raise ValueError(f"{name}: df must be greater than the dimension minus 1")
    x = _arr(x)
    if _o.ndim(x) == 0:
        x = _o.reshape(x * _np.eye(dim), (dim, dim, 1))
    elif _o.ndim(x) == 1:
        x = _o.reshape(x, (1, 1, -1)) if dim == 1 else _o.reshape(_o.diag(x), (dim, dim, 1))
    elif _o.ndim(x) == 2:
        x = _o.reshape(x, _o.shape(x) + (1,))
    if _o.ndim(x) != 3 or _o.shape(x)[:2] != (dim, dim):
        raise ValueError(f"{name}: x must hold {dim} x {dim} matrices along its first two axes")
    return _o.moveaxis(x, -1, 0), df, scale, dim


class wishart_gen(_multi):
    """The Wishart distribution: ``wishart.logpdf(x, df, scale)``.

    As in SciPy, ``x`` is a ``dim x dim`` matrix or a stack of them along a *third* axis
    (``x[:, :, i]``); ``scale`` a matrix, a vector (diagonal) or a number.  Differentiable
    in ``x``, ``scale`` and ``df`` (through ``multigammaln``).

    >>> import numpy as np
    >>> from osculate.scipy import stats
    >>> round(float(stats.wishart.logpdf(np.eye(2), 3.0, np.eye(2))), 10)
    -3.531024247
    """

    name = "wishart"

    def __call__(self, df=None, scale=None):
        return _frozen_multi(self, (df, scale), {})

    @_quiet
    def logpdf(self, x, df, scale):
        x, df, scale, dim = _wishart_args(self.name, x, df, scale)
        low, logdet_scale = _cholesky(scale)
        _, logdet_x = _cholesky(x)
        prec = _o.linalg.inv(0.5 * (scale + _o.transpose(scale)))
        trace = _o.sum(prec * x, axis=(-2, -1))  # (both symmetric)
        out = (0.5 * (df - dim - 1.0) * logdet_x - 0.5 * trace - 0.5 * df * dim * _LOG2 - 0.5 * df * logdet_scale
               - _sp.multigammaln(0.5 * df, dim))
        return _squeeze(out)

    @_quiet
    def pdf(self, x, df, scale):
        return _exp(self.logpdf(x, df, scale))


class invwishart_gen(_multi):
    """The inverse Wishart distribution: ``invwishart.logpdf(x, df, scale)``, with SciPy's
    layout of ``x`` (see :data:`wishart`).  Differentiable in ``x``, ``scale`` and ``df``.

    >>> import numpy as np
    >>> from osculate.scipy import stats
    >>> round(float(stats.invwishart.logpdf(1.0, 3.0, 1.0)), 12)  # 1-D: invgamma(df/2, scale=s/2)
    -1.418938533205
    """

    name = "invwishart"

    def __call__(self, df=None, scale=None):
        return _frozen_multi(self, (df, scale), {})

    @_quiet
    def logpdf(self, x, df, scale):
        x, df, scale, dim = _wishart_args(self.name, x, df, scale)
        _, logdet_scale = _cholesky(scale)
        _, logdet_x = _cholesky(x)
        inv_x = _o.linalg.inv(0.5 * (x + _o.swapaxes(x, -1, -2)))
        trace = _o.sum(scale * inv_x, axis=(-2, -1))
        out = (0.5 * df * logdet_scale - 0.5 * trace - 0.5 * df * dim * _LOG2 - 0.5 * (df + dim + 1.0) * logdet_x
               - _sp.multigammaln(0.5 * df, dim))
        return _squeeze(out)

    @_quiet
    def pdf(self, x, df, scale):
        return _exp(self.logpdf(x, df, scale))


# --------------------------------------------------------------------------- matrix normal


class matrix_normal_gen(_multi):
    """The matrix normal distribution: ``matrix_normal.logpdf(X, mean=None, rowcov=1, colcov=1)``;
    ``X`` holds ``m x n`` matrices along its last two axes; ``rowcov`` (``m x m``) and
    ``colcov`` (``n x n``) are matrices, vectors (diagonals) or numbers.  Differentiable in
    ``X``, ``mean``, ``rowcov`` and ``colcov``.

    >>> import numpy as np
    >>> from osculate.scipy import stats
    >>> float(stats.matrix_normal.logpdf(np.zeros((1, 2)), colcov=np.eye(2))) == 2 * float(stats.norm.logpdf(0.0))
    True
    """

    name = "matrix_normal"

    def __call__(self, mean=None, rowcov=1, colcov=1):
        return _frozen_multi(self, (), {"mean": mean, "rowcov": rowcov, "colcov": colcov})

    @_quiet
    def logpdf(self, X, mean=None, rowcov=1, colcov=1):
        if mean is not None:
            mean = _arr(mean)
            if _o.ndim(mean) != 2:
                raise ValueError("matrix_normal: mean must be two-dimensional")
        rows, cols = (_o.shape(mean) if mean is not None else (1, 1))
        rowcov, colcov = _arr(rowcov), _arr(colcov)
        rowcov = rowcov * _np.eye(rows) if _o.ndim(rowcov) == 0 else _square(rowcov, rows, "matrix_normal: rowcov")
        colcov = colcov * _np.eye(cols) if _o.ndim(colcov) == 0 else _square(colcov, cols, "matrix_normal: colcov")
        rows, cols = _o.shape(rowcov)[0], _o.shape(colcov)[0]
        if mean is None:
            mean = _np.zeros((rows, cols))
        if _o.shape(mean) != (rows, cols):
            raise ValueError("matrix_normal: mean, rowcov and colcov have incompatible shapes")
        X = _matrices(X, rows, cols, "matrix_normal")
        _, logdet_row = _cholesky(rowcov)
        _, logdet_col = _cholesky(colcov)
        dev = X - mean
        left = _o.matmul(_o.linalg.inv(0.5 * (rowcov + _o.transpose(rowcov))), dev)
        right = _o.matmul(dev, _o.linalg.inv(0.5 * (colcov + _o.transpose(colcov))))
        quad = _o.sum(left * right, axis=(-2, -1))  # tr(V⁻¹ Dᵀ U⁻¹ D)
        out = -0.5 * (rows * cols * 2.0 * _LOG_SQRT_2PI + cols * logdet_row + rows * logdet_col + quad)
        return _squeeze(out)

    @_quiet
    def pdf(self, X, mean=None, rowcov=1, colcov=1):
        return _exp(self.logpdf(X, mean, rowcov, colcov))


# --------------------------------------------------------------------------- von Mises-Fisher


class vonmises_fisher_gen(_multi):
    """The von Mises-Fisher distribution on the unit sphere: ``vonmises_fisher.logpdf(x, mu,
    kappa=1)`` (``x``: unit vectors along the last axis; ``mu`` a unit vector, ``kappa > 0``
    a number).  The normalising constant uses the scaled Bessel function ``ive``, so large
    ``kappa`` stays finite.  Differentiable in ``x``, ``mu`` and ``kappa`` (the unit norms are
    checked on the values, not imposed on the derivatives).

    >>> import numpy as np
    >>> from osculate.scipy import stats
    >>> round(float(stats.vonmises_fisher.pdf(np.array([0.0, 1.0]), np.array([1.0, 0.0]), 1.0)
    ...             * 2 * np.pi * np.i0(1.0)), 12)
    1.0
    """

    name = "vonmises_fisher"

    def __call__(self, mu=None, kappa=1):
        return _frozen_multi(self, (), {"mu": mu, "kappa": kappa})

    @_quiet
    def logpdf(self, x, mu=None, kappa=1):
        if mu is None:
            raise ValueError("vonmises_fisher: mu (a unit vector of at least two entries) is required")
        mu, kappa, x = _arr(mu), _arr(kappa), _arr(x)
        if _o.ndim(mu) != 1 or _o.shape(mu)[0] < 2:
            raise ValueError("vonmises_fisher: mu must be a one-dimensional unit vector of at least two entries")
        if _o.ndim(kappa) != 0:
            raise ValueError("vonmises_fisher: kappa must be a positive number")
        dim = _o.shape(mu)[0]
        if _o.ndim(x) == 0 or _o.shape(x)[-1] != dim:
            raise ValueError(f"vonmises_fisher: the last axis of x must have {dim} entries")
        known = _values(mu, kappa, x)
        if known is not None:
            mv, kv, xv = known
            if not _np.allclose(_np.linalg.norm(mv), 1.0):
                raise ValueError("vonmises_fisher: mu must be a unit vector")
            if not float(kv) > 0.0:
                raise ValueError("vonmises_fisher: kappa must be positive")
            if not _np.allclose(_np.linalg.norm(xv, axis=-1), 1.0):
                raise ValueError("vonmises_fisher: x must hold unit vectors along its last axis")
        half = 0.5 * dim
        lognorm = ((half - 1.0) * _log(kappa) - half * 2.0 * (_LOG_SQRT_2PI) - _log(_sp.ive(half - 1.0, kappa))
                   - kappa)
        return lognorm + kappa * _o.sum(x * mu, axis=-1)

    @_quiet
    def pdf(self, x, mu=None, kappa=1):
        return _exp(self.logpdf(x, mu, kappa))


multivariate_normal = multivariate_normal_gen()
dirichlet = dirichlet_gen()
multivariate_t = multivariate_t_gen()
multinomial = multinomial_gen()
dirichlet_multinomial = dirichlet_multinomial_gen()
wishart = wishart_gen()
invwishart = invwishart_gen()
matrix_normal = matrix_normal_gen()
vonmises_fisher = vonmises_fisher_gen()
