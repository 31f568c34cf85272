"""Randomised estimators of the trace and the diagonal of a symmetric
operator, each with its standard error.

* :func:`hutchinson_trace` -- the mean of ``zᵀ A z`` over random probes.
* :func:`hutchpp_trace` -- Hutch++: a low-rank sketch taken exactly, the
  rest by Hutchinson; far smaller errors when the spectrum decays.
* :func:`hutchinson_diagonal` -- the mean of ``z ⊙ (A z)``.

All three take ``(A, n_probes, seed)`` then keyword options, in that order.
``n_probes`` is the budget: the number of operator-vector products the
estimate may use (for Hutchinson, one per random probe).  The results
(:class:`TraceEstimate`, :class:`DiagonalEstimate`) report the products
actually used as ``n_matvec``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np

from ..formatting import ToDictMixin, format_array, format_number
from ._checks import (
    Seed,
    check_dist,
    make_rng,
    mean_and_std_error,
    positive_int,
    probe_block_size,
    probes,
)
from .symmetric_operator import SymmetricOperator, counted_operator

__all__ = ["TraceEstimate", "DiagonalEstimate", "hutchinson_trace", "hutchpp_trace", "hutchinson_diagonal"]


def _show(value: Any, digits: int) -> str:
    if isinstance(value, np.ndarray):
        return format_array(value, threshold=8, edgeitems=3)
    return format_number(value, digits)


@dataclass(eq=False, repr=False)
class _Estimate(ToDictMixin):
    """An estimate with its standard error, the products it used and how it was made."""

    estimate: Any
    std_error: Any
    n_matvec: int
    method: str = "hutchinson"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(estimate={_show(self.estimate, 6)}, std_error={_show(self.std_error, 3)}, "
            f"n_matvec={self.n_matvec}, method={self.method!r})"
        )


@dataclass(eq=False, repr=False)
class TraceEstimate(_Estimate):
    """The trace of a symmetric operator, estimated or exact.

    Attributes
    ----------
    estimate : float
        The trace.
    std_error : float
        Estimated standard error of ``estimate``: 0 when it is exact,
        ``nan`` when it cannot be estimated from a single sample.
    n_matvec : int
        Operator-vector products used (for the exact Laplacian of
        :func:`osculate.hessian_trace`, the ``n`` second-order directional
        derivatives, each costing about one product).
    method : str
        ``"hutchinson"``, ``"hutch++"`` or ``"exact"``.
    """

    estimate: float
    std_error: float


@dataclass(eq=False, repr=False)
class DiagonalEstimate(_Estimate):
    """The diagonal of a symmetric operator, estimated or exact (fields as
    :class:`TraceEstimate`, with arrays for ``estimate`` and the elementwise
    ``std_error``)."""

    estimate: np.ndarray
    std_error: np.ndarray


def _start(
    A: Any, n: int | None, check_symmetry: bool, n_probes: Any, dist: str, seed: Seed, minimum: int = 1
) -> tuple[SymmetricOperator, int, int, np.random.Generator]:
    """The operator, its product count so far, the checked budget and the generator."""
    op, n0 = counted_operator(A, n, check_symmetry)
    n_probes = positive_int(n_probes, "n_probes", minimum)
    check_dist(dist)
    return op, n0, n_probes, make_rng(seed)


def _probe_products(
    op: SymmetricOperator, n_probes: int, rng: np.random.Generator, dist: str, block_size: int | None
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``(Z, A Z)`` for consecutive blocks of probes, ``n_probes`` in all."""
    N = op.shape[0]
    bs = probe_block_size(N, n_probes, block_size)
    for start in range(0, n_probes, bs):
        Z = probes(rng, N, min(bs, n_probes - start), dist)
        yield Z, op.matmat(Z)


def hutchinson_trace(
    A: Any,
    n_probes: int = 100,
    seed: Seed = 0,
    *,
    dist: str = "rademacher",
    block_size: int | None = None,
    n: int | None = None,
    check_symmetry: bool = False,
) -> TraceEstimate:
    """Hutchinson's randomised trace estimator.

    Averages ``z^T A z`` over independent probes ``z`` with ``E[z z^T] = I``.
    Its variance is ``2 * sum_(i != j) A_ij^2 / n_probes`` for Rademacher
    probes and ``2 ||A||_F^2 / n_probes`` for Gaussian ones, so the error
    decays like ``1 / sqrt(n_probes)``.

    Parameters
    ----------
    A : operator
        Symmetric operator: any input of :func:`~osculate.linop.as_symmetric_operator`, with its ``n``, ``check_symmetry``.
    n_probes : int, default 100
        Number of probes, i.e. of operator-vector products.
    seed : int, Generator or None, default 0
        Randomness for the probes.
    dist : {"rademacher", "gaussian"}, default "rademacher"
        Probe distribution.
    block_size : int, optional
        Probes per block product ``A.matmat(Z)``.  By default all probes go
        in one block unless that block would exceed about 128 MB.  The
        result does not depend on ``block_size``.

    Returns
    -------
    TraceEstimate
        ``std_error`` is the sample standard deviation of the ``z^T A z``
        divided by ``sqrt(n_probes)`` (``nan`` for one probe).

    Examples
    --------
    >>> import numpy as np
    >>> est = hutchinson_trace(np.diag(np.arange(1.0, 11.0)), n_probes=20)
    >>> est.estimate, est.std_error   # Rademacher probes are exact on diagonals
    (55.0, 0.0)
    >>> rng = np.random.default_rng(1)
    >>> B = rng.standard_normal((50, 50)); A = B + B.T
    >>> est = hutchinson_trace(A, n_probes=200)
    >>> bool(abs(est.estimate - np.trace(A)) < 3 * est.std_error), est.n_matvec
    (True, 200)
    """
    op, n0, n_probes, rng = _start(A, n, check_symmetry, n_probes, dist, seed)
    samples = [np.einsum("ij,ij->j", Z, AZ) for Z, AZ in _probe_products(op, n_probes, rng, dist, block_size)]
    est, se = mean_and_std_error(np.concatenate(samples))
    return TraceEstimate(est, se, op.n_matvec - n0, "hutchinson")


def hutchpp_trace(
    A: Any,
    n_probes: int = 100,
    seed: Seed = 0,
    *,
    dist: str = "rademacher",
    n: int | None = None,
    check_symmetry: bool = False,
) -> TraceEstimate:
    """Hutch++ trace estimator (Meyer, Musco, Musco & Woodruff, 2021).

    Splits the budget into three equal parts: a random sketch ``A S`` with
    ``s = n_probes // 3`` columns gives an orthonormal basis ``Q`` of the
    dominant range; ``tr(Q^T A Q)`` is computed exactly (``s`` products);
    the trace of the deflated remainder ``(I - QQ^T) A (I - QQ^T)`` is
    estimated by Hutchinson with the remaining ``g = n_probes - 2 s`` probes.
    For matrices whose spectrum decays the error falls like
    ``1 / n_probes`` or faster, versus ``1 / sqrt(n_probes)`` for
    :func:`hutchinson_trace` with the same budget.

    Parameters
    ----------
    n_probes : int, default 100
        Total budget of operator-vector products, at least 3 (the same
        budget as :func:`hutchinson_trace`'s ``n_probes``).  If
        ``n_probes // 3 >= n`` the trace is computed exactly with ``2 n``
        products.
    A, seed, dist
        As in :func:`hutchinson_trace` (``seed`` and ``dist`` govern the
        sketch as well as the probes).

    Returns
    -------
    TraceEstimate
        ``std_error`` comes from the Hutchinson part (the low-rank part is
        exact given ``Q``): the sample standard deviation of the ``g``
        deflated quadratic forms over ``sqrt(g)`` (``nan`` if ``g == 1``,
        ``0`` if the trace was computed exactly).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> U = rng.standard_normal((200, 5))
    >>> A = U @ U.T                      # rank 5: the sketch captures it all
    >>> est = hutchpp_trace(A, n_probes=30)
    >>> bool(abs(est.estimate - np.trace(A)) < 1e-8 * np.trace(A)), est.n_matvec
    (True, 30)
    """
    op, n0, n_probes, rng = _start(A, n, check_symmetry, n_probes, dist, seed, minimum=3)
    N = op.shape[0]
    s = min(n_probes // 3, N)
    g = n_probes - 2 * s
    S = probes(rng, N, s, dist)
    Q, _ = np.linalg.qr(op.matmat(S))
    low_rank = float(np.einsum("ij,ij->", Q, op.matmat(Q)))
    if s == N:
        return TraceEstimate(low_rank, 0.0, op.n_matvec - n0, "hutch++")
    G = probes(rng, N, g, dist)
    G -= Q @ (Q.T @ G)
    rest, se = mean_and_std_error(np.einsum("ij,ij->j", G, op.matmat(G)))
    return TraceEstimate(low_rank + rest, se, op.n_matvec - n0, "hutch++")


def hutchinson_diagonal(
    A: Any,
    n_probes: int = 100,
    seed: Seed = 0,
    *,
    dist: str = "rademacher",
    block_size: int | None = None,
    n: int | None = None,
    check_symmetry: bool = False,
) -> DiagonalEstimate:
    """Randomised diagonal estimator (Bekas, Kokiopoulou & Saad, 2007).

    Averages ``z * (A z)`` (elementwise) over probes ``z``; entry ``i`` is
    unbiased for ``A_ii`` with variance ``sum_(j != i) A_ij^2 / n_probes``
    for Rademacher probes, so it is exact for diagonal matrices.

    Parameters
    ----------
    A, n_probes, seed, dist, block_size
        As in :func:`hutchinson_trace`.

    Returns
    -------
    DiagonalEstimate
        ``std_error[i]`` is the sample standard deviation of ``z_i (A z)_i``
        over ``sqrt(n_probes)``.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]])
    >>> d = hutchinson_diagonal(A, n_probes=4000)
    >>> bool(np.all(np.abs(d.estimate - np.diag(A)) < 4 * d.std_error))
    True
    >>> np.round(d.std_error * np.sqrt(4000), 1)     # sqrt(sum_{j != i} A_ij^2)
    array([1. , 1.4, 1. ])
    """
    op, n0, n_probes, rng = _start(A, n, check_symmetry, n_probes, dist, seed)
    N = op.shape[0]
    # running mean and sum of squared deviations, merged block by block (Chan et al.)
    mean, m2, count = np.zeros(N), np.zeros(N), 0
    for Z, AZ in _probe_products(op, n_probes, rng, dist, block_size):
        X = Z * AZ  # (N, b) samples
        b = X.shape[1]
        bmean = X.mean(axis=1)
        bm2 = np.sum((X - bmean[:, None]) ** 2, axis=1)
        total = count + b
        delta = bmean - mean
        mean = mean + delta * (b / total)
        m2 = m2 + bm2 + delta**2 * (count * b / total)
        count = total
    if n_probes > 1:
        se = np.sqrt(m2 / (n_probes - 1) / n_probes)
    else:
        se = np.full(N, np.nan)
    return DiagonalEstimate(mean, se, op.n_matvec - n0, "hutchinson")
