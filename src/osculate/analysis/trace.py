"""Trace (Laplacian) and diagonal of a Hessian, exact or estimated, without
forming the ``n x n`` matrix.

* ``method="exact"``: the diagonal from second-order directional
  derivatives along every basis vector, batched with ``vmap`` (Taylor mode,
  :func:`osculate.ad.taylor.taylor_hessian_diagonal`, or forward over forward,
  :func:`osculate.hessian_diagonal`, where Taylor mode has no rule) -- ``O(n)``
  memory, about ``n`` cheap passes; standard error 0.
* ``method="hutchinson"`` / ``"hutch++"``: randomised estimators on
  :func:`osculate.hessian_operator` (one linearisation, then cheap products),
  each returning its standard error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ad.core import MissingRuleError
from ..ad.transforms import hessian_diagonal as _fwd_fwd_diagonal
from ..linop.operators import hessian_operator
from ..linop.spectral import hutchinson_diagonal, hutchinson_trace, hutchpp_trace
from . import _taylor
from ._util import Result, as_point, flat_function

__all__ = ["HessianTrace", "HessianDiagonal", "hessian_trace", "laplacian", "hessian_diagonal_estimate"]

_TRACE_METHODS = ("exact", "hutchinson", "hutch++")


@dataclass(repr=False, eq=False)
class HessianTrace(Result):
    """Trace of a Hessian (the Laplacian of ``f``).

    Attributes
    ----------
    estimate : float
        The trace (exact for ``method="exact"``).
    std_error : float
        Estimated standard error (0 for the exact method).
    method : str
        ``"exact"``, ``"hutchinson"`` or ``"hutch++"``.
    n : int
        Dimension.
    n_products : int
        Hessian-vector products (stochastic methods) or second-order
        directional derivatives (exact method) used.
    """

    estimate: float
    std_error: float
    method: str
    n: int
    n_products: int
    _multiline = False


@dataclass(repr=False, eq=False)
class HessianDiagonal(Result):
    """Diagonal of a Hessian, exact or estimated (fields as :class:`HessianTrace`,
    with ``estimate`` and ``std_error`` arrays shaped like ``x``)."""

    estimate: np.ndarray
    std_error: np.ndarray
    method: str
    n: int
    n_products: int


def _exact_diagonal(flat, z, chunk_size) -> np.ndarray:
    if _taylor.taylor_available():
        from ..ad.taylor import taylor_hessian_diagonal

        try:
            return np.asarray(taylor_hessian_diagonal(flat, z, chunk_size), dtype=np.float64)
        except MissingRuleError:
            pass
    return np.asarray(_fwd_fwd_diagonal(flat, z, chunk_size), dtype=np.float64)


def hessian_trace(
    f,
    x,
    method: str = "exact",
    *,
    n_matvec: int = 100,
    seed: int = 0,
    dist: str = "rademacher",
    chunk_size: int | None = None,
) -> HessianTrace:
    """Trace of the Hessian of ``f`` at ``x`` (the Laplacian ``Δf(x)``).

    Parameters
    ----------
    f : callable
        Scalar function.
    x : array_like
        The point.
    method : {"exact", "hutchinson", "hutch++"}, default "exact"
        ``"exact"`` sums the exact diagonal (``n`` batched second-order
        directional derivatives, never the ``n x n`` matrix);
        ``"hutchinson"`` averages ``zᵀHz`` over ``n_matvec`` random probes;
        ``"hutch++"`` deflates a low-rank sketch first (much smaller error
        when the spectrum decays).
    n_matvec : int, default 100
        Budget of Hessian-vector products for the stochastic methods.
    seed : int, default 0
        Seed of the probes.
    dist : {"rademacher", "gaussian"}, default "rademacher"
        Probe distribution.
    chunk_size : int, optional
        Basis directions per batched pass for the exact method (bounds memory).

    Returns
    -------
    HessianTrace
        ``estimate`` and ``std_error`` (0 for ``"exact"``).

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.analysis import hessian_trace
    >>> f = lambda x: np.sum(x ** 2) + np.sin(x[0])
    >>> hessian_trace(f, np.zeros(3)).estimate
    6.0
    >>> est = hessian_trace(f, np.zeros(3), method="hutchinson", n_matvec=50)
    >>> est.estimate, est.std_error           # Rademacher probes: exact on diagonal Hessians
    (6.0, 0.0)
    """
    if method not in _TRACE_METHODS:
        raise ValueError(f"method must be one of {_TRACE_METHODS}, got {method!r}")
    point = as_point(x)
    z = point.reshape(-1)
    flat = flat_function(f, point.shape)
    n = z.size
    if method == "exact":
        d = _exact_diagonal(flat, z, chunk_size)
        return HessianTrace(float(np.sum(d)), 0.0, "exact", n, n)
    op = hessian_operator(flat, z)
    if method == "hutchinson":
        est = hutchinson_trace(op, n_samples=n_matvec, dist=dist, seed=seed)
    else:
        est = hutchpp_trace(op, n_matvec=n_matvec, seed=seed, dist=dist)
    return HessianTrace(float(est.estimate), float(est.std_error), method, n, int(est.n_matvec))


def laplacian(f, x, *, chunk_size: int | None = None) -> float:
    """Exact Laplacian ``Δf(x) = tr ∇²f(x)`` (``hessian_trace(f, x).estimate``).

    >>> import numpy as np
    >>> from osculate.analysis import laplacian
    >>> laplacian(lambda x: x[0] ** 2 * x[1] + x[1] ** 3, np.array([1.0, 2.0]))
    16.0
    """
    return hessian_trace(f, x, "exact", chunk_size=chunk_size).estimate


def hessian_diagonal_estimate(
    f,
    x,
    method: str = "exact",
    *,
    n_samples: int = 100,
    seed: int = 0,
    dist: str = "rademacher",
    chunk_size: int | None = None,
) -> HessianDiagonal:
    """Diagonal of the Hessian of ``f`` at ``x``, exact or by Hutchinson's
    diagonal estimator (with elementwise standard errors).

    Parameters
    ----------
    method : {"exact", "hutchinson"}, default "exact"
        ``"exact"``: batched second-order directional derivatives;
        ``"hutchinson"``: ``mean(z ⊙ Hz)`` over ``n_samples`` probes.
    n_samples, seed, dist, chunk_size
        As in :func:`hessian_trace`.

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.analysis import hessian_diagonal_estimate
    >>> f = lambda x: x[0] ** 2 * x[1] + x[1] ** 3
    >>> hessian_diagonal_estimate(f, np.array([1.0, 2.0])).estimate
    array([ 4., 12.])
    >>> est = hessian_diagonal_estimate(f, np.array([1.0, 2.0]), "hutchinson", n_samples=400)
    >>> bool(np.all(np.abs(est.estimate - [4.0, 12.0]) <= 4 * est.std_error))
    True
    """
    if method not in ("exact", "hutchinson"):
        raise ValueError(f"method must be 'exact' or 'hutchinson', got {method!r}")
    point = as_point(x)
    z = point.reshape(-1)
    flat = flat_function(f, point.shape)
    n = z.size
    if method == "exact":
        d = _exact_diagonal(flat, z, chunk_size).reshape(point.shape)
        return HessianDiagonal(d, np.zeros(point.shape), "exact", n, n)
    est = hutchinson_diagonal(hessian_operator(flat, z), n_samples=n_samples, seed=seed, dist=dist)
    return HessianDiagonal(
        est.estimate.reshape(point.shape), est.std_error.reshape(point.shape), "hutchinson", n, int(est.n_matvec)
    )
