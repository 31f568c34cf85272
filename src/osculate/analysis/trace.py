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

Both return the estimate types of :mod:`osculate.linop`
(:class:`~osculate.linop.TraceEstimate`, :class:`~osculate.linop.DiagonalEstimate`),
whose ``method`` says how the numbers were obtained.
"""

from __future__ import annotations

import numpy as np

from ..ad.core import MissingRuleError
from ..sparse.compressed import hessian_diagonal as _fwd_fwd_diagonal
from ..linop.estimators import DiagonalEstimate, TraceEstimate, hutchinson_diagonal, hutchinson_trace, hutchpp_trace
from ..linop.operators import hessian_operator
from . import _taylor
from ._util import as_point, flat_function

__all__ = ["hessian_trace", "laplacian", "hessian_diagonal_estimate"]

_TRACE_METHODS = ("exact", "hutchinson", "hutch++")

def _exact_diagonal(flat, z, chunk_size) -> np.ndarray:
    if _taylor.taylor_available():
        from ..ad.taylor import taylor_hessian_diagonal

        try:
            return np.asarray(taylor_hessian_diagonal(flat, z, chunk_size), dtype=np.float64)
        except MissingRuleError:
            pass
    return np.asarray(_fwd_fwd_diagonal(flat, z, chunk_size), dtype=np.float64)


def _setup(f, x, method, methods):
    """Check ``method``; the point, its flat copy and ``f`` on flat points."""
    if method not in methods:
        raise ValueError(f"method must be one of {methods}, got {method!r}")
    point = as_point(x)
    return point, point.reshape(-1), flat_function(f, point.shape)


def hessian_trace(
    f,
    x,
    method: str = "exact",
    *,
    n_probes: int = 100,
    seed: int = 0,
    dist: str = "rademacher",
    chunk_size: int | None = None,
) -> TraceEstimate:
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
        ``"hutchinson"`` averages ``zᵀHz`` over ``n_probes`` random probes;
        ``"hutch++"`` deflates a low-rank sketch first (much smaller error
        when the spectrum decays).
    n_probes : int, default 100
        Budget of Hessian-vector products for the stochastic methods.
    seed : int, default 0
        Seed of the probes.
    dist : {"rademacher", "gaussian"}, default "rademacher"
        Probe distribution.
    chunk_size : int, optional
        Basis directions per batched pass for the exact method (bounds memory).

    Returns
    -------
    TraceEstimate
        ``estimate`` and ``std_error`` (0 for ``"exact"``), ``n_matvec``
        and ``method``.

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.analysis import hessian_trace
    >>> f = lambda x: np.sum(x ** 2) + np.sin(x[0])
    >>> hessian_trace(f, np.zeros(3)).estimate
    6.0
    >>> est = hessian_trace(f, np.zeros(3), method="hutchinson", n_probes=50)
    >>> est.estimate, est.std_error           # Rademacher probes: exact on diagonal Hessians
    (6.0, 0.0)
    """
    point, z, flat = _setup(f, x, method, _TRACE_METHODS)
    if method == "exact":
        return TraceEstimate(float(np.sum(_exact_diagonal(flat, z, chunk_size))), 0.0, z.size, "exact")
    estimator = hutchinson_trace if method == "hutchinson" else hutchpp_trace
    est = estimator(hessian_operator(flat, z), n_probes, seed, dist=dist)
    return TraceEstimate(float(est.estimate), float(est.std_error), int(est.n_matvec), method)


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
    n_probes: int = 100,
    seed: int = 0,
    dist: str = "rademacher",
    chunk_size: int | None = None,
) -> DiagonalEstimate:
    """Diagonal of the Hessian of ``f`` at ``x``, exact or by Hutchinson's
    diagonal estimator (with elementwise standard errors).

    Parameters
    ----------
    method : {"exact", "hutchinson"}, default "exact"
        ``"exact"``: batched second-order directional derivatives;
        ``"hutchinson"``: ``mean(z ⊙ Hz)`` over ``n_probes`` probes.
    n_probes, seed, dist, chunk_size
        As in :func:`hessian_trace`.

    Returns
    -------
    DiagonalEstimate
        ``estimate`` and ``std_error`` shaped like ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.analysis import hessian_diagonal_estimate
    >>> f = lambda x: x[0] ** 2 * x[1] + x[1] ** 3
    >>> hessian_diagonal_estimate(f, np.array([1.0, 2.0])).estimate
    array([ 4., 12.])
    >>> est = hessian_diagonal_estimate(f, np.array([1.0, 2.0]), "hutchinson", n_probes=400)
    >>> bool(np.all(np.abs(est.estimate - [4.0, 12.0]) <= 4 * est.std_error))
    True
    """
    point, z, flat = _setup(f, x, method, ("exact", "hutchinson"))
    if method == "exact":
        d = _exact_diagonal(flat, z, chunk_size).reshape(point.shape)
        return DiagonalEstimate(d, np.zeros(point.shape), z.size, "exact")
    est = hutchinson_diagonal(hessian_operator(flat, z), n_probes, seed, dist=dist)
    shape = point.shape
    return DiagonalEstimate(est.estimate.reshape(shape), est.std_error.reshape(shape), int(est.n_matvec), method)
