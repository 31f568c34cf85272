"""A few extreme eigenpairs of a symmetric operator: :func:`eigenvalues`
(own Lanczos, ARPACK ``eigsh`` or dense ``eigh``) and its
:class:`EigenResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse.linalg as spla

from ..formatting import ToDictMixin, format_array
from ._checks import Seed, make_rng, positive_int
from ._staging import staged_callable
from .krylov import LanczosRun, extreme_ritz_pairs, tridiagonal_eigh_dense
from .symmetric_operator import SymmetricOperator, counted_operator

__all__ = ["DENSE_LIMIT", "EigenResult", "eigenvalues"]

#: Largest dimension for which ``eigenvalues(..., method="dense")`` forms the
#: matrix without ``force_dense=True``.
DENSE_LIMIT = 2000

_WHICH = ("LA", "SA", "LM", "BE")
_METHODS = ("lanczos", "eigsh", "dense")


def _select(vals: np.ndarray, k: int, which: str) -> np.ndarray:
    """Indices (ascending) of the ``k`` wanted entries of ascending ``vals``."""
    L = vals.size
    if which == "LA":
        return np.arange(L - k, L)
    if which == "SA":
        return np.arange(k)
    if which == "BE":
        lo = k // 2
        return np.concatenate([np.arange(lo), np.arange(L - (k - lo), L)])
    # LM
    order = np.argsort(-np.abs(vals), kind="stable")[:k]
    return np.sort(order)


@dataclass(eq=False)
class EigenResult(ToDictMixin):
    """Eigenpairs returned by :func:`eigenvalues`.

    Attributes
    ----------
    values : ndarray, shape (k,)
        Eigenvalue approximations in ascending order.
    vectors : ndarray, shape (n, k), or None
        Corresponding unit eigenvectors (``None`` if not requested).
    residuals : ndarray, shape (k,)
        Residual norms ``||A x_i - lambda_i x_i||``: Lanczos estimates
        ``|beta_m s_(m,i)|`` for ``method="lanczos"``, computed for the other
        methods.  For a symmetric operator each ``values[i]`` lies within
        ``residuals[i]`` of a true eigenvalue.
    n_matvec : int
        Operator-vector products used.
    converged : bool
        Whether all ``k`` pairs met the tolerance.
    vector_trees : list or None
        For an operator at a pytree point (``hessian_operator(f, params)``
        with ``params`` a dict of weights...), the eigenvectors as trees
        shaped like that point (``op.unravel`` of each column of
        ``vectors``, whose rows are in :func:`osculate.ravel_pytree` order);
        ``None`` otherwise.
    note : str or None
        A one-line note when the products did not run as asked (a staged
        product fell back to eager evaluation, see ``jit``).
    """

    values: np.ndarray
    vectors: np.ndarray | None
    residuals: np.ndarray
    n_matvec: int
    converged: bool
    vector_trees: list | None = field(default=None, repr=False, metadata={"to_dict": False})
    note: str | None = field(default=None, repr=False, metadata={"to_dict": False})

    def __repr__(self) -> str:
        vec = "None" if self.vectors is None else f"<array {self.vectors.shape}>"
        maxres = float(np.max(self.residuals)) if self.residuals.size else 0.0
        return (
            f"EigenResult(values={format_array(self.values, threshold=8, edgeitems=3)}, vectors={vec}, "
            f"max_residual={maxres:.2e}, n_matvec={self.n_matvec}, "
            f"converged={self.converged})"
        )


def eigenvalues(
    A: Any,
    k: int = 6,
    which: str = "LA",
    method: str = "lanczos",
    tol: float = 1e-10,
    seed: Seed = 0,
    *,
    return_vectors: bool = True,
    max_iter: int | None = None,
    force_dense: bool = False,
    n: int | None = None,
    check_symmetry: bool = False,
    reorthogonalize: bool | str = "partial",
    jit: bool | str = "auto",
) -> EigenResult:
    """A few extreme eigenvalues (and eigenvectors) of a symmetric operator.

    Parameters
    ----------
    A : operator
        Symmetric operator: any input of :func:`~osculate.linop.as_symmetric_operator`, with its ``n``, ``check_symmetry``.
    k : int, default 6
        Number of eigenpairs; ``1 <= k < n`` for ``"lanczos"`` and
        ``"eigsh"``, ``1 <= k <= n`` for ``"dense"``.
    which : {"LA", "SA", "LM", "BE"}, default "LA"
        Largest algebraic, smallest algebraic, largest magnitude, or both
        ends (``k // 2`` from the bottom and the rest from the top).
    method : {"lanczos", "eigsh", "dense"}, default "lanczos"
        ``"lanczos"``: Lanczos expanded without restarts (one product per
        step) until the ``k`` wanted Ritz pairs satisfy ``residual <= tol *
        scale``, where ``scale`` estimates ``||A||_2`` (largest ``|Ritz
        value|`` or ``||A q_j||`` seen) and the residual is ``|beta_m
        s_(m,i)|`` (with partial reorthogonalisation, combined with what
        the reorthogonalisations removed, see ``reorthogonalize``).
        ``"eigsh"``: ARPACK via :func:`scipy.sparse.linalg.eigsh`
        (``k`` extra products to compute residuals).  ``"dense"``: forms the
        matrix as ``A @ I`` (``n`` products), symmetrises it and calls
        :func:`numpy.linalg.eigh`; refused for ``n > DENSE_LIMIT`` (2000)
        unless ``force_dense=True``.
    tol : float, default 1e-10
        Relative residual tolerance (``"lanczos"``) or ARPACK's relative
        accuracy (``"eigsh"``).  Ignored by ``"dense"``.
    seed : int, Generator or None, default 0
        Randomness for the starting vector.
    return_vectors : bool, default True
        Whether to return eigenvectors.
    max_iter : int, optional
        ``"lanczos"``: maximum number of steps (default ``n``, at which
        point the Krylov space is the whole space).  ``"eigsh"``: ARPACK's
        ``maxiter``.
    force_dense : bool, default False
        Allow ``method="dense"`` for ``n > DENSE_LIMIT``.
    reorthogonalize : {"partial", True, False}, default "partial"
        ``"lanczos"`` only.  ``"partial"`` (Simon, 1984) estimates the loss
        of orthogonality of the basis with a recurrence (``O(j)`` per step)
        and orthogonalises a new vector against the whole basis only when
        the estimate exceeds ``min(sqrt(eps), tol / 10)`` (then on that
        step and the next).  What such a reorthogonalisation removes from
        ``A q_j`` is kept in a small matrix ``C`` (``A Q = Q (T + C) +
        beta q e^T``), so the reported residual of a Ritz pair ``(theta, s)``
        is ``hypot(|beta_m s_m|, ||C s||)``: the same convergence test and
        the same honest residuals as full reorthogonalisation.  ``True``
        orthogonalises every step against the whole basis (Gram-Schmidt,
        twice: ``O(n j)`` per step, the default before); ``False`` never
        does (ghost copies of converged values may appear).
    jit : {"auto", True, False}, default "auto"
        For a plain callable ``A`` (``v -> A v`` with ``n``): ``"auto"``
        stages it once with :func:`osculate.jit` (and its batched form) and
        replays it for every product, falling back to eager calls -- with a
        one-line ``note`` on the result -- if staging raises
        :class:`~osculate.ConcretizationError`; ``True`` lets that error
        propagate; ``False`` calls ``A`` eagerly.  Operators and matrices
        are used as they are (:func:`~osculate.hessian_operator` stages its
        own products, see its ``jit``; its ``note`` is passed on).

        Why partial by default: on the MLP of
        ``benchmarks/bench_eigen.py`` (``n = 101 386``, top 5, ``tol=1e-8``)
        full reorthogonalisation spent 0.71 s on its own bookkeeping
        against 0.38 s in 84 Hessian-vector products; partial spends 0.15 s
        against 0.29 s for the same 84 products, the same eigenvalues and
        residuals (largest true ``||H v - lambda v||`` 9.4e-9), ahead of
        ARPACK (``"eigsh"``: 99 products, 0.19 s bookkeeping, 0.51 s in
        all against 0.44 s) and of LOBPCG (224 products in blocks of 8, not
        converged to the tolerance in 200 iterations).  See
        docs/curvature.md.

    Returns
    -------
    EigenResult
        ``values`` ascending, with ``vectors``, ``residuals``, ``n_matvec``
        and ``converged``.  Non-convergence is reported through
        ``converged=False`` rather than an exception.

    Notes
    -----
    Single-vector Krylov methods see one copy of each distinct eigenvalue:
    an eigenvalue of multiplicity ``r > 1`` is generally found only once
    (exactly repeated copies are picked up only when the iteration breaks
    down on an invariant subspace and continues with a fresh vector).  Use
    ``method="dense"`` when exact multiplicities matter.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.diag(np.arange(1.0, 101.0))
    >>> res = eigenvalues(A, k=3, which="LA")
    >>> np.round(res.values, 8)
    array([ 98.,  99., 100.])
    >>> res.converged, bool(res.residuals.max() < 1e-8)
    (True, True)
    >>> np.round(eigenvalues(A, k=2, which="BE", method="dense").values, 8)
    array([  1., 100.])

    The Hessian at a pytree point gives its eigenvectors as trees too:

    >>> import osculate as osc
    >>> f = lambda p: np.sum(p["w"] ** 2) + 3.0 * p["b"] ** 2
    >>> res = eigenvalues(osc.hessian_operator(f, {"w": np.ones(2), "b": 1.0}), k=1, method="dense")
    >>> res.values, abs(float(res.vector_trees[0]["b"]))
    (array([6.]), 1.0)
    """
    A, holder = staged_callable(A, n, jit, "eigenvalues")
    result = _eigenvalues(
        A, k, which, method, tol, seed, return_vectors, max_iter, force_dense, n, check_symmetry, reorthogonalize
    )
    result.note = getattr(holder, "note", None)
    unravel = getattr(A, "unravel", None)
    if unravel is not None and result.vectors is not None:
        result.vector_trees = [unravel(result.vectors[:, i].copy()) for i in range(result.vectors.shape[1])]
    return result


def _eigenvalues(
    A, k, which, method, tol, seed, return_vectors, max_iter, force_dense, n, check_symmetry,
    reorthogonalize="partial",
):
    """:func:`eigenvalues` on flat vectors."""
    if reorthogonalize not in (True, False, "partial"):
        raise ValueError(f"reorthogonalize must be 'partial', True or False, got {reorthogonalize!r}")
    op, n0 = counted_operator(A, n, check_symmetry)
    N = op.shape[0]
    k = positive_int(k, "k")
    if which not in _WHICH:
        raise ValueError(f"which must be one of {_WHICH}, got {which!r}")
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    if not tol >= 0:
        raise ValueError(f"tol must be non-negative, got {tol}")
    if method == "dense":
        if k > N:
            raise ValueError(f"k={k} must not exceed n={N}")
        if N > DENSE_LIMIT and not force_dense:
            raise ValueError(
                f"method='dense' forms the full {N}x{N} matrix, which exceeds "
                f"DENSE_LIMIT={DENSE_LIMIT}; pass force_dense=True or use "
                "method='lanczos'"
            )
        return _eig_dense(op, k, which, return_vectors, n0)
    if k >= N:
        raise ValueError(
            f"k={k} must be smaller than n={N} for method={method!r}; use "
            "method='dense' to compute all eigenvalues"
        )
    rng = make_rng(seed)
    if method == "eigsh":
        return _eig_eigsh(op, k, which, tol, rng, max_iter, return_vectors, n0)
    max_iter = N if max_iter is None else min(positive_int(max_iter, "max_iter"), N)
    return _eig_lanczos(op, k, which, tol, rng, max_iter, return_vectors, n0, reorthogonalize)


def _with_residuals(
    vals: np.ndarray, vecs: np.ndarray, AV: np.ndarray, return_vectors: bool, n_matvec: int, converged: bool
) -> EigenResult:
    """The result for eigenpairs ``(vals, vecs)`` with ``AV = A @ vecs`` giving the residuals."""
    residuals = np.linalg.norm(AV - vecs * vals, axis=0)
    return EigenResult(vals, vecs if return_vectors else None, residuals, n_matvec, converged)


def _eig_dense(op: SymmetricOperator, k: int, which: str, return_vectors: bool, n0: int) -> EigenResult:
    N = op.shape[0]
    M = op.matmat(np.eye(N))
    M = 0.5 * (M + M.T)
    vals, vecs = np.linalg.eigh(M)
    keep = _select(vals, k, which)
    vals, vecs = vals[keep], vecs[:, keep]
    return _with_residuals(vals, vecs, M @ vecs, return_vectors, op.n_matvec - n0, True)


def _eig_eigsh(
    op: SymmetricOperator,
    k: int,
    which: str,
    tol: float,
    rng: np.random.Generator,
    max_iter: int | None,
    return_vectors: bool,
    n0: int,
) -> EigenResult:
    v0 = rng.standard_normal(op.shape[0])
    converged = True
    try:
        vals, vecs = spla.eigsh(op, k=k, which=which, tol=tol, v0=v0, maxiter=max_iter)
    except spla.ArpackNoConvergence as err:
        vals, vecs = err.eigenvalues, err.eigenvectors
        converged = False
    order = np.argsort(vals)
    vals, vecs = np.asarray(vals[order]), np.asarray(vecs[:, order])
    AV = op.matmat(vecs)
    return _with_residuals(vals, vecs, AV, return_vectors, op.n_matvec - n0, converged)


def _converged_reach(vals: np.ndarray, converged: np.ndarray, start: float) -> float:
    """The last value of the leading run of converged ``vals`` (``start`` if the first is not)."""
    reach = start
    for v, ok in zip(vals, converged):
        if not ok:
            break
        reach = v
    return reach


def _boundary_ok(
    which: str,
    chosen_vals: np.ndarray,
    chosen_old: np.ndarray,
    lat_vals: np.ndarray,
    lat_conv: np.ndarray,
    slack: float,
) -> bool:
    """After a breakdown, may wanted values from earlier (exact) blocks be trusted?

    The latest block is a Krylov space of ``A`` restricted to the orthogonal
    complement of the earlier blocks, so its converged extreme Ritz values
    approximate that part of the spectrum from the outside in.  An earlier
    value ``v`` can be reported as, say, one of the largest only once the
    converged run of the latest block's top Ritz values reaches down to
    ``v`` -- otherwise an unexplored eigenvalue above ``v`` may remain.
    Comparisons allow ``slack`` (the residual tolerance) for rounding.
    """

    def top_reach() -> float:  # smallest value of the converged run from the top
        return _converged_reach(lat_vals[::-1], lat_conv[::-1], np.inf)

    def bottom_reach() -> float:  # largest value of the converged run from the bottom
        return _converged_reach(lat_vals, lat_conv, -np.inf)

    old = chosen_vals[chosen_old]
    if old.size == 0:
        return True
    if which == "LA":
        return top_reach() <= old.min() + slack
    if which == "SA":
        return bottom_reach() >= old.max() - slack
    if which == "BE":
        k = chosen_vals.size
        low = np.zeros(k, dtype=bool)
        low[: k // 2] = True
        ok = True
        if np.any(low & chosen_old):
            ok &= bottom_reach() >= chosen_vals[low & chosen_old].max() - slack
        if np.any(~low & chosen_old):
            ok &= top_reach() <= chosen_vals[~low & chosen_old].min() + slack
        return bool(ok)
    tau = np.abs(old).min()  # LM
    return bool(top_reach() <= tau + slack and bottom_reach() >= -tau - slack)


def _eig_lanczos(
    op: SymmetricOperator,
    k: int,
    which: str,
    tol: float,
    rng: np.random.Generator,
    max_iter: int,
    return_vectors: bool,
    n0: int,
    reorthogonalize: bool | str = "partial",
) -> EigenResult:
    N = op.shape[0]
    v0 = rng.standard_normal(N)
    run = LanczosRun(
        op,
        v0,
        max_iter,
        reorthogonalize=reorthogonalize,
        store_basis=True,
        restart_rng=rng,
        # room for the basis without growing it (a copy), up to ~256 MB: the
        # allocation is not zeroed, so rows never reached cost no memory
        capacity=max(4 * k, 64, min(256, (1 << 25) // N)),
        # the components removed by a reorthogonalisation (<= level * ||A||)
        # enter the residuals: keep them below the tolerance
        reorth_level=min(np.sqrt(np.finfo(float).eps), 0.1 * tol),
    )
    # Eigenpairs of completed blocks (those ended by a breakdown).  Such a
    # block spans an invariant subspace, so its Ritz pairs are exact.
    old_vals: list[np.ndarray] = []
    old_vecs: list[tuple[int, np.ndarray]] = []  # (block start, coefficient matrix)
    n_done = 0  # number of completed blocks already diagonalised
    converged = False
    pick = None
    while True:
        was_active = bool(run.active[0])
        if was_active:
            run.step()
        L = int(run.length[0])
        finished = not run.active[0]
        if L >= k:
            starts = [0] + [r for r in run.restarts[0] if r <= L - 1]
            for b in range(n_done, len(starts) - 1):
                a, e = starts[b], starts[b + 1]
                vals, S = tridiagonal_eigh_dense(run.alpha[0, a:e], run.beta[0, a : e - 1])
                old_vals.append(vals)
                old_vecs.extend((a, S[:, i]) for i in range(vals.size))
            n_done = len(starts) - 1
            bs = starts[-1]
            lat_vals, lat_S = extreme_ritz_pairs(
                run.alpha[0, bs:L], run.beta[0, bs : L - 1], k + 1
            )
            lat_res = np.abs(run.beta[0, L - 1] * lat_S[-1, :])
            C = run.correction_matrix(0, bs, L)
            if C is not None:  # the components the partial reorthogonalisations removed
                lat_res = np.hypot(lat_res, np.linalg.norm(C @ lat_S, axis=0))
            n_old = sum(v.size for v in old_vals)
            vals = np.concatenate(old_vals + [lat_vals])
            res = np.concatenate([np.zeros(n_old), lat_res])
            order = np.argsort(vals, kind="stable")
            chosen = order[_select(vals[order], k, which)]
            scale = max(float(run.anorm[0]), float(np.max(np.abs(vals))), np.finfo(float).tiny)
            thresh = tol * scale
            pick = (chosen, vals, res, n_old, bs, lat_S)
            if np.all(res[chosen] <= thresh) and (
                L >= N
                or _boundary_ok(
                    which, vals[chosen], chosen < n_old, lat_vals, lat_res <= thresh, thresh
                )
            ):
                converged = True
                break
        if finished:
            break
    if pick is None:  # pragma: no cover - k < n and max_iter >= k rule this out
        raise RuntimeError("Lanczos stopped before producing k Ritz values")
    chosen, vals, res, n_old, bs, lat_S = pick
    vectors = None
    if return_vectors:
        vectors = np.empty((N, k))
        latest = [col for col, i in enumerate(chosen) if i >= n_old]
        if latest:  # the Ritz vectors of the latest block: one pass over its basis
            S = lat_S[:, [chosen[col] - n_old for col in latest]]
            vectors[:, latest] = (S.T @ run.Q[0, bs : bs + S.shape[0]]).T
        for col, i in enumerate(chosen):
            if i < n_old:
                a, s = old_vecs[i]
                vectors[:, col] = run.Q[0, a : a + s.size].T @ s
        if reorthogonalize == "partial":  # a semi-orthogonal basis: norms 1 + O(sqrt(eps))
            vectors /= np.linalg.norm(vectors, axis=0)
    return EigenResult(vals[chosen], vectors, res[chosen], op.n_matvec - n0, converged)
