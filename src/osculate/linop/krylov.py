"""Lanczos tridiagonalisation of a symmetric operator.

* :func:`lanczos` -- ``A Q = Q T + beta q e^T`` from one starting vector,
  returned as a :class:`LanczosResult`.
* :class:`LanczosRun` -- the engine behind it and behind
  :func:`~osculate.linop.eigenvalues` and
  :func:`~osculate.linop.spectral_density`: several independent recursions
  advanced in lock-step, one block product per step.  It and the
  tridiagonal helpers below are shared by those modules and are not part of
  the :mod:`osculate.linop` API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np
import scipy.linalg

from ..formatting import format_array
from ._checks import Seed, make_rng, positive_int
from .symmetric_operator import SymmetricOperator, counted_operator

__all__ = ["LanczosResult", "lanczos"]

# A Lanczos step is treated as a breakdown (an invariant subspace was found)
# when the new residual norm drops below this fraction of the running
# estimate of ||A||.
BREAKDOWN_RTOL = 1e-12

#: Tridiagonal matrices up to this order are diagonalised densely.
SMALL_TRIDIAGONAL = 48


class LanczosRun:
    """Independent Lanczos recursions advanced in lock-step.

    Column ``p`` of ``V0`` starts recursion ``p``.  All recursions that are
    still active share one block product per step.  A recursion stops when
    it reaches ``max_steps`` or ``n`` steps, or breaks down (its Krylov space
    is invariant); with ``restart_rng`` a breakdown instead continues with a
    fresh random vector orthogonal to the basis so far (the coupling
    coefficient is then exactly zero).
    """

    def __init__(
        self,
        op: SymmetricOperator,
        V0: np.ndarray,
        max_steps: int,
        *,
        reorthogonalize: bool = True,
        store_basis: bool = True,
        restart_rng: np.random.Generator | None = None,
        capacity: int | None = None,
        reorth_level: float | None = None,
    ) -> None:
        n = op.shape[0]
        V0 = np.asarray(V0, dtype=np.float64)
        if V0.ndim == 1:
            V0 = V0[:, None]
        if V0.ndim != 2 or V0.shape[0] != n:
            raise ValueError(f"starting vector must have length n={n}, got shape {V0.shape}")
        norms = np.linalg.norm(V0, axis=0)
        if not np.all(np.isfinite(norms)) or np.any(norms == 0):
            raise ValueError("starting vectors must be nonzero and finite")
        self.op = op
        self.n = n
        self.P = V0.shape[1]
        self.max_steps = min(max_steps, n)
        if reorthogonalize not in (True, False, "partial"):
            raise ValueError(f"reorthogonalize must be True, False or 'partial', got {reorthogonalize!r}")
        self.partial = reorthogonalize == "partial"
        # partial: the orthogonality level that triggers a reorthogonalisation
        self.level = np.sqrt(np.finfo(float).eps) if reorth_level is None else float(reorth_level)
        self.reorth = reorthogonalize is True or reorthogonalize == 1
        self.store = bool(store_basis or reorthogonalize)
        self.restart_rng = restart_rng
        # per recursion: indices at which a fresh (restart) vector starts a new block
        self.restarts: list[list[int]] = [[] for _ in range(self.P)]
        cap = self.max_steps if capacity is None else max(1, min(capacity, self.max_steps))
        self.cap = cap
        self.alpha = np.zeros((self.P, cap))
        self.beta = np.zeros((self.P, cap))
        self.length = np.zeros(self.P, dtype=int)
        self.active = np.ones(self.P, dtype=bool)
        self.anorm = np.zeros(self.P)
        self.cur = (V0 / norms).T.copy()  # (P, n)
        self.prev = np.zeros_like(self.cur)
        self.beta_prev = np.zeros(self.P)
        self.j = 0  # common step count of the active recursions
        if self.store:
            # rows beyond the current length are never read: no need to zero them
            self.Q = np.empty((self.P, cap + 1, n))
            self.Q[:, 0] = self.cur
        else:
            self.Q = None
        if self.partial:
            # omega[p, i] estimates q_i . q_j of recursion p's current vector q_j
            # (omega_prev: of q_(j-1)); force[p]: reorthogonalise at the next step
            self.omega = np.zeros((self.P, cap + 1))
            self.omega[:, 0] = 1.0
            self.omega_prev = np.zeros((self.P, cap + 1))
            self.force = np.zeros(self.P, dtype=bool)
            self.n_reorth = 0  # steps (of one recursion) that were reorthogonalised
            # per recursion: (j, c) when A q_j had the components c along q_0..q_j
            # removed beyond the tridiagonal terms (see correction_matrix)
            self.corrections: list[list[tuple[int, np.ndarray]]] = [[] for _ in range(self.P)]

    def _grow(self) -> None:
        new = min(2 * self.cap, self.max_steps)
        pad = new - self.cap
        self.alpha = np.pad(self.alpha, ((0, 0), (0, pad)))
        self.beta = np.pad(self.beta, ((0, 0), (0, pad)))
        if self.store:
            Q = np.empty((self.P, new + 1, self.n))
            Q[:, : self.j + 1] = self.Q[:, : self.j + 1]
            self.Q = Q
        if self.partial:
            self.omega = np.pad(self.omega, ((0, 0), (0, pad)))
            self.omega_prev = np.pad(self.omega_prev, ((0, 0), (0, pad)))
        self.cap = new

    def _orthogonalize(self, W: np.ndarray, Qa: np.ndarray) -> np.ndarray:
        # classical Gram-Schmidt, twice ("twice is enough"); in place
        if W.shape[0] == 1:  # one recursion: two matrix-vector products (BLAS gemv)
            Q, w = Qa[0], W[0]
            for _ in range(2):
                w -= (Q @ w) @ Q
            return W
        for _ in range(2):
            coef = np.matmul(Qa, W[:, :, None])
            W -= np.matmul(Qa.transpose(0, 2, 1), coef)[:, :, 0]
        return W

    def _omega_step(self, p: int, j: int, alpha_j: float, beta_j: float) -> bool:
        """Advance recursion ``p``'s orthogonality estimates from ``q_j`` to
        ``q_(j+1) = w / beta_j``; whether ``w`` must be reorthogonalised
        (the estimates are then reset to rounding level)."""
        eps = np.finfo(float).eps
        om, op_ = self.omega[p], self.omega_prev[p]
        new = np.zeros(j + 2)
        anorm = max(float(self.anorm[p]), np.finfo(float).tiny)
        if beta_j > BREAKDOWN_RTOL * anorm and j > 0:
            a, b = self.alpha[p, :j], self.beta[p, :j]  # alpha_k, beta_k (q_k -> q_(k+1)), k < j
            t = b * om[1 : j + 1] + (a - alpha_j) * om[:j]
            t[1:] += b[: j - 1] * om[: j - 1]
            t -= self.beta_prev[p] * op_[:j]
            # rounding term of the recurrence (Simon's model), of either sign: take it adversely
            t += np.copysign(eps * (b + beta_j) * 0.3, t)
            new[:j] = t / beta_j
        new[j] = eps * np.sqrt(self.n) * anorm / max(beta_j, np.finfo(float).tiny)
        new[j + 1] = 1.0
        need = bool(self.force[p]) or (j > 0 and float(np.max(np.abs(new[: j + 1]))) > self.level)
        if need:
            new[: j + 1] = eps
            self.n_reorth += 1
        self.force[p] = need and not self.force[p]
        op_[: j + 1] = om[: j + 1]
        om[: j + 2] = new
        return need

    def _restart_vector(self, p: int, j: int) -> np.ndarray | None:
        """A fresh unit vector orthogonal to recursion ``p``'s basis (``None`` if none is found)."""
        q = self.restart_rng.standard_normal(self.n)
        q /= np.linalg.norm(q)
        q = self._orthogonalize(q[None, :], self.Q[p : p + 1, : j + 1])[0]
        qn = np.linalg.norm(q)
        return None if qn <= 1e-8 else q / qn

    def step(self) -> None:
        idx = np.flatnonzero(self.active)
        if idx.size == 0:
            return
        j = self.j
        if j >= self.cap:
            self._grow()
        every = idx.size == self.P
        sel = slice(None) if every else idx
        cur = self.cur[sel]
        W = np.array(self.op.matmat(cur.T).T, dtype=np.float64, order="C")
        self.anorm[idx] = np.maximum(self.anorm[idx], np.linalg.norm(W, axis=1))
        alpha = np.einsum("ij,ij->i", cur, W)
        W -= alpha[:, None] * cur
        if j > 0:
            W -= self.beta_prev[sel][:, None] * self.prev[sel]
        if self.reorth:
            W = self._orthogonalize(W, self.Q[sel, : j + 1])
        beta = np.linalg.norm(W, axis=1)
        if self.partial:
            # local reorthogonalisation against q_j (one dot product)
            a2 = np.einsum("ij,ij->i", cur, W)
            W -= a2[:, None] * cur
            alpha = alpha + a2
            beta = np.linalg.norm(W, axis=1)
            for r, p in enumerate(idx):
                if self._omega_step(p, j, alpha[r], beta[r]):
                    # Gram-Schmidt against the whole basis; a second pass only
                    # if the first removed much (Daniel-Gragg-Kaufman-Stewart:
                    # here it removes ~sqrt(eps) of w, so one pass is enough)
                    Q, w = self.Q[p, : j + 1], W[r]
                    c = Q @ w
                    w -= c @ Q
                    nw = np.linalg.norm(w)
                    if nw < 0.7 * beta[r]:
                        c2 = Q @ w
                        w -= c2 @ Q
                        c = c + c2
                        nw = np.linalg.norm(w)
                    self.corrections[p].append((j, c))
                    beta[r] = nw
        self.alpha[idx, j] = alpha
        self.beta[idx, j] = beta
        self.length[idx] = j + 1
        self.j = j + 1

        nxt = np.zeros_like(W)
        for r, p in enumerate(idx):
            if j + 1 >= self.max_steps:
                self.active[p] = False
            elif beta[r] <= BREAKDOWN_RTOL * self.anorm[p]:
                q = None if self.restart_rng is None else self._restart_vector(p, j)
                if q is None:
                    self.active[p] = False
                    continue
                nxt[r] = q
                self.beta[p, j] = 0.0
                self.restarts[p].append(j + 1)
                beta[r] = 0.0
            else:
                nxt[r] = W[r] / beta[r]
        keep = self.active[idx]
        if not np.any(keep):
            return
        idx, r = idx[keep], np.flatnonzero(keep)
        self.prev[idx] = self.cur[idx]
        self.cur[idx] = nxt[r]
        self.beta_prev[idx] = beta[r]
        if self.store:
            self.Q[idx, j + 1] = nxt[r]

    def correction_matrix(self, p: int, a: int, e: int) -> np.ndarray | None:
        """``C`` with ``A Q = Q (T + C) + beta q e^T`` on the block of steps
        ``a:e`` of recursion ``p`` (partial reorthogonalisation only; ``None``
        when no step of the block was reorthogonalised).  The residual of a
        Ritz pair ``(theta, s)`` of ``T`` is then ``Q C s + beta s_m q``."""
        if not self.partial:
            return None
        C = None
        for j, c in self.corrections[p]:
            if a <= j < e:
                if C is None:
                    C = np.zeros((e - a, e - a))
                C[: j + 1 - a, j - a] = c[a : j + 1]
        return C

    def run(self) -> "LanczosRun":
        while np.any(self.active):
            self.step()
        return self

    def tridiagonal(self, p: int = 0) -> tuple[np.ndarray, np.ndarray, float]:
        """(alpha, off-diagonal beta, residual beta) of recursion ``p``."""
        L = self.length[p]
        return self.alpha[p, :L].copy(), self.beta[p, : L - 1].copy(), float(self.beta[p, L - 1])


def tridiagonal_matrix(alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """The dense symmetric tridiagonal matrix with diagonal ``alpha`` and off-diagonal ``beta``."""
    T = np.diag(alpha)
    if beta.size:
        T += np.diag(beta, 1) + np.diag(beta, -1)
    return T


def tridiagonal_eigh_dense(alpha: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All eigenpairs (values ascending) of a tridiagonal matrix, by dense ``eigh``."""
    return np.linalg.eigh(tridiagonal_matrix(alpha, beta))


def tridiagonal_eigh(alpha: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All eigenpairs of a tridiagonal matrix: dense ``eigh`` while small, the
    tridiagonal solver beyond :data:`SMALL_TRIDIAGONAL`."""
    if alpha.size > SMALL_TRIDIAGONAL:
        return scipy.linalg.eigh_tridiagonal(alpha, beta)
    return tridiagonal_eigh_dense(alpha, beta)


def extreme_ritz_pairs(alpha: np.ndarray, beta: np.ndarray, c: int) -> tuple[np.ndarray, np.ndarray]:
    """Eigenpairs of a tridiagonal matrix: all of them if it is small, else
    the ``c`` lowest and ``c`` highest.  Values ascending."""
    L = alpha.size
    if L <= max(SMALL_TRIDIAGONAL, 2 * c):
        return tridiagonal_eigh_dense(alpha, beta)
    lo_v, lo_s = scipy.linalg.eigh_tridiagonal(alpha, beta, select="i", select_range=(0, c - 1))
    hi_v, hi_s = scipy.linalg.eigh_tridiagonal(alpha, beta, select="i", select_range=(L - c, L - 1))
    return np.concatenate([lo_v, hi_v]), np.concatenate([lo_s, hi_s], axis=1)


@dataclass(eq=False)
class LanczosResult:
    """Output of :func:`lanczos`: ``A Q = Q T + residual_norm * q_next e_m^T``.

    Unpacks as ``alpha, beta, Q = lanczos(...)``.

    Attributes
    ----------
    alpha : ndarray, shape (m,)
        Diagonal of the tridiagonal matrix ``T``.
    beta : ndarray, shape (m - 1,)
        Off-diagonal of ``T``.
    Q : ndarray, shape (n, m)
        Lanczos basis (orthonormal up to rounding when reorthogonalised).
    residual_norm : float
        ``beta_m``, the norm of the part of ``A q_m`` outside ``span(Q)``;
        (near) zero when an invariant subspace was found.
    n_matvec : int
        Operator-vector products used (one per step).
    """

    alpha: np.ndarray
    beta: np.ndarray
    Q: np.ndarray
    residual_norm: float
    n_matvec: int

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.alpha, self.beta, self.Q))

    @property
    def m(self) -> int:
        """Number of Lanczos steps performed."""
        return int(self.alpha.size)

    def tridiagonal(self) -> np.ndarray:
        """The tridiagonal matrix ``T = Q^T A Q`` as a dense ``(m, m)`` array."""
        return tridiagonal_matrix(self.alpha, self.beta)

    def ritz_values(self) -> np.ndarray:
        """Eigenvalues of ``T`` (Ritz values), ascending."""
        if self.alpha.size == 1:
            return self.alpha.copy()
        return scipy.linalg.eigh_tridiagonal(self.alpha, self.beta, eigvals_only=True)

    def __repr__(self) -> str:
        return (
            f"LanczosResult(m={self.m}, alpha={format_array(self.alpha, threshold=8, edgeitems=3)}, "
            f"beta={format_array(self.beta, threshold=8, edgeitems=3)}, "
            f"residual_norm={self.residual_norm:.3e}, n_matvec={self.n_matvec})"
        )


def lanczos(
    A: Any,
    v0: np.ndarray | None = None,
    m: int | None = None,
    seed: Seed = 0,
    reorthogonalize: bool = True,
    *,
    n: int | None = None,
    check_symmetry: bool = False,
) -> LanczosResult:
    """Lanczos tridiagonalisation of a symmetric operator.

    Builds an orthonormal basis ``Q = [q_1, ..., q_m]`` of the Krylov space
    ``span{v0, A v0, ..., A^(m-1) v0}`` and the tridiagonal ``T = Q^T A Q``
    with diagonal ``alpha`` and off-diagonal ``beta``, so that
    ``A Q = Q T + beta_m q_(m+1) e_m^T``.

    Parameters
    ----------
    A : operator
        Symmetric operator: any input of :func:`~osculate.linop.as_symmetric_operator`, with its ``n``, ``check_symmetry``.
    v0 : array_like, shape (n,), optional
        Starting vector (normalised internally).  Random Gaussian if omitted.
    m : int, optional
        Number of steps, ``1 <= m <= n`` (default ``min(30, n)``).  Fewer
        are taken if the Krylov
        space becomes invariant (breakdown), in which case ``T`` has exactly
        the eigenvalues of ``A`` that ``v0`` "sees".
    seed : int, Generator or None, default 0
        Randomness for the starting vector.
    reorthogonalize : bool, default True
        Full reorthogonalisation (classical Gram-Schmidt applied twice)
        against all previous basis vectors.  Without it the basis loses
        orthogonality and ``T`` may acquire spurious copies of converged
        Ritz values.

    Returns
    -------
    LanczosResult
        Unpacks as ``alpha, beta, Q``; also carries ``residual_norm`` and
        ``n_matvec`` (one product per step).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.diag(np.arange(1.0, 11.0))
    >>> alpha, beta, Q = lanczos(A, m=10)
    >>> np.allclose(Q.T @ A @ Q, np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1))
    True
    >>> np.round(np.linalg.eigvalsh(np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1)), 8)
    array([ 1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10.])
    """
    op, n0 = counted_operator(A, n, check_symmetry)
    N = op.shape[0]
    m = min(30, N) if m is None else positive_int(m, "m")
    if m > N:
        raise ValueError(f"m must satisfy 1 <= m <= n={N}, got m={m}")
    if v0 is None:
        v0 = make_rng(seed).standard_normal(N)
    else:
        v0 = np.asarray(v0, dtype=np.float64).reshape(-1)
        if v0.size != N:
            raise ValueError(f"v0 must have length n={N}, got {v0.size}")
    run = LanczosRun(op, v0, m, reorthogonalize=reorthogonalize, store_basis=True).run()
    alpha, beta, res = run.tridiagonal(0)
    Q = run.Q[0, : alpha.size].T.copy()
    return LanczosResult(alpha, beta, Q, res, op.n_matvec - n0)
