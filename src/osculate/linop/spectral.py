"""Spectral tools for symmetric linear operators.

Everything in this module works on any *real symmetric* linear operator:
a :class:`scipy.sparse.linalg.LinearOperator`, a dense or sparse matrix, or
a plain callable ``v -> A @ v`` together with its dimension ``n``.  The
routines only ever touch the operator through products ``A @ V``, which
makes them suitable for Hessians that are available solely through
Hessian-vector products.  Whenever an algorithm can use several vectors at
once it asks for a block product ``A.matmat(V)``, so an operator with a
batched ``matmat`` is called far fewer times than one with only ``matvec``.

Every result reports ``n_matvec``: the number of operator-vector products
it consumed (a block product with ``b`` columns counts ``b``).

Contents
--------
as_symmetric_operator
    Normalise any supported input into a counting :class:`SymmetricOperator`.
eigenvalues
    A few extreme eigenpairs (own Lanczos, ARPACK ``eigsh`` or dense ``eigh``).
lanczos
    The Lanczos tridiagonalisation ``A Q = Q T + beta q e^T``.
hutchinson_trace, hutchpp_trace
    Randomised trace estimators with standard errors.
hutchinson_diagonal
    Randomised diagonal estimator with elementwise standard errors.
spectral_density
    Stochastic Lanczos quadrature estimate of the eigenvalue density.

Randomness is always drawn from a :class:`numpy.random.Generator` created by
``numpy.random.default_rng(seed)``; ``seed`` may be an ``int``, ``None`` or an
existing ``Generator``.
"""

from __future__ import annotations

import math
import operator as _operator
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg as spla
from scipy.sparse.linalg import LinearOperator

__all__ = [
    "DENSE_LIMIT",
    "SymmetricOperator",
    "as_symmetric_operator",
    "EigenResult",
    "eigenvalues",
    "LanczosResult",
    "lanczos",
    "TraceEstimate",
    "hutchinson_trace",
    "hutchpp_trace",
    "DiagonalEstimate",
    "hutchinson_diagonal",
    "SpectralDensity",
    "spectral_density",
]

#: Largest dimension for which ``eigenvalues(..., method="dense")`` forms the
#: matrix without ``force_dense=True``.
DENSE_LIMIT = 2000

# A Lanczos step is treated as a breakdown (an invariant subspace was found)
# when the new residual norm drops below this fraction of the running
# estimate of ||A||.
_BREAKDOWN_RTOL = 1e-12

# Tridiagonal matrices up to this order are diagonalised densely.
_SMALL_TRIDIAGONAL = 48

_WHICH = ("LA", "SA", "LM", "BE")
_METHODS = ("lanczos", "eigsh", "dense")
_DISTS = ("rademacher", "gaussian")


# ---------------------------------------------------------------------------
# operator normalisation
# ---------------------------------------------------------------------------


class SymmetricOperator(LinearOperator):
    """A real symmetric :class:`~scipy.sparse.linalg.LinearOperator` that counts products.

    Instances are normally created with :func:`as_symmetric_operator`.  The
    operator computes in ``float64``; its adjoint and transpose are itself.

    Parameters
    ----------
    matvec : callable
        ``x -> A @ x`` for a vector ``x`` of shape ``(n,)``.
    n : int
        Dimension of the operator.
    matmat : callable, optional
        ``X -> A @ X`` for a block ``X`` of shape ``(n, b)``.  Without it a
        block product loops over the columns.
    base : object, optional
        The object being wrapped (kept for reference only).

    Attributes
    ----------
    n_matvec : int
        Number of operator-vector products so far; a block product with
        ``b`` columns counts ``b``.
    n_calls : int
        Number of product requests so far (a block product counts once).

    Examples
    --------
    >>> import numpy as np
    >>> op = as_symmetric_operator(np.diag([1.0, 2.0, 3.0]))
    >>> op.matmat(np.ones((3, 2)))[:, 0]
    array([1., 2., 3.])
    >>> op.n_matvec, op.n_calls
    (2, 1)
    """

    def __init__(
        self,
        matvec: Callable[[np.ndarray], Any],
        n: int,
        matmat: Callable[[np.ndarray], Any] | None = None,
        *,
        base: Any = None,
    ) -> None:
        super().__init__(dtype=np.dtype(np.float64), shape=(n, n))
        self._mv = matvec
        self._mm = matmat
        self.base = base
        self.n_matvec = 0
        self.n_calls = 0

    def _check_output(self, y: Any, shape: tuple[int, ...]) -> np.ndarray:
        y = np.asarray(y)
        if np.iscomplexobj(y):
            raise ValueError(
                "the operator returned complex values; only real symmetric "
                "operators are supported"
            )
        if y.size != math.prod(shape):
            raise ValueError(
                f"the operator returned an array of shape {y.shape} for an "
                f"input of shape {shape}"
            )
        y = np.asarray(y, dtype=np.float64).reshape(shape)
        if not np.all(np.isfinite(y)):
            raise ValueError("the operator returned non-finite values (nan or inf)")
        return y

    def _matvec(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        y = self._check_output(self._mv(x), (self.shape[0],))
        self.n_matvec += 1
        self.n_calls += 1
        return y

    def _matmat(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        n, b = self.shape[0], X.shape[1]
        if b == 0:
            return np.zeros((n, 0))
        if self._mm is not None:
            Y = self._check_output(self._mm(X), (n, b))
        else:
            Y = np.empty((n, b))
            for i in range(b):
                Y[:, i] = self._check_output(self._mv(np.ascontiguousarray(X[:, i])), (n,))
        self.n_matvec += b
        self.n_calls += 1
        return Y

    # symmetric: A^T = A^H = A
    def _rmatvec(self, x: np.ndarray) -> np.ndarray:
        return self._matvec(x)

    def _rmatmat(self, X: np.ndarray) -> np.ndarray:
        return self._matmat(X)

    def _adjoint(self) -> "SymmetricOperator":
        return self

    def _transpose(self) -> "SymmetricOperator":
        return self

    def __repr__(self) -> str:
        n = self.shape[0]
        return f"<{n}x{n} SymmetricOperator, n_matvec={self.n_matvec}>"


def _square_dim(shape: tuple[int, ...], n: int | None) -> int:
    shape = tuple(int(s) for s in shape)
    if len(shape) != 2 or shape[0] != shape[1]:
        raise ValueError(f"the operator must be square, got shape {shape}")
    if shape[0] < 1:
        raise ValueError("the operator must have dimension n >= 1")
    if n is not None and _operator.index(n) != shape[0]:
        raise ValueError(f"n={n} does not match the operator shape {shape}")
    return shape[0]


def _check_real_dtype(dtype: Any) -> None:
    if dtype is not None and np.dtype(dtype).kind == "c":
        raise ValueError(
            "complex operators are not supported; only real symmetric "
            "operators are"
        )


def as_symmetric_operator(
    A: Any,
    n: int | None = None,
    *,
    check_symmetry: bool = False,
    rtol: float = 1e-6,
    seed: int | np.random.Generator | None = 0,
) -> SymmetricOperator:
    """Normalise ``A`` into a counting real symmetric linear operator.

    Parameters
    ----------
    A : LinearOperator, array_like, sparse matrix or callable
        The operator.  Accepted forms are a
        :class:`~scipy.sparse.linalg.LinearOperator` (its ``matmat`` is used
        for block products), any object with ``shape`` and ``matvec``, a
        dense 2-D array (or nested sequence), a :mod:`scipy.sparse` matrix or
        array, or a callable ``v -> A @ v`` (which then needs ``n``).  An
        existing :class:`SymmetricOperator` is returned unchanged, so its
        product counter keeps running.
    n : int, optional
        Dimension.  Required for a callable; checked against the shape
        otherwise.
    check_symmetry : bool, default False
        If true, draw three random vectors ``x_i``, form ``M = X^T A X`` with
        one block product and require ``|M_ij - M_ji| <= rtol *
        (|x_i| |A x_j| + |x_j| |A x_i|)``.  These three products are counted
        by the returned operator.
    rtol : float, default 1e-6
        Relative tolerance of the symmetry check.
    seed : int, Generator or None, default 0
        Randomness for the symmetry check.

    Returns
    -------
    SymmetricOperator

    Raises
    ------
    ValueError
        If the operator is not square, is complex, ``n`` is missing for a
        callable or inconsistent with the shape, or (with
        ``check_symmetry=True``) the operator is detectably non-symmetric.
        The returned operator raises ``ValueError`` whenever a product has
        the wrong shape or contains complex or non-finite values.

    Notes
    -----
    Symmetry is a precondition of every routine in this module; it is not
    verified unless ``check_symmetry=True`` because the check costs three
    products.

    Examples
    --------
    >>> import numpy as np
    >>> op = as_symmetric_operator(lambda v: 2.0 * v, n=4)
    >>> op.shape, op @ np.ones(4)
    ((4, 4), array([2., 2., 2., 2.]))
    >>> as_symmetric_operator(np.array([[1.0, 2.0], [0.0, 1.0]]),
    ...                       check_symmetry=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: the operator is not symmetric: ...
    """
    if isinstance(A, SymmetricOperator):
        _square_dim(A.shape, n)
        op = A
    else:
        if not isinstance(A, LinearOperator) and hasattr(A, "shape") and hasattr(A, "matvec"):
            A = spla.aslinearoperator(A)
        if isinstance(A, LinearOperator):
            dim = _square_dim(A.shape, n)
            _check_real_dtype(A.dtype)
            op = SymmetricOperator(A.matvec, dim, A.matmat, base=A)
        elif scipy.sparse.issparse(A):
            dim = _square_dim(A.shape, n)
            _check_real_dtype(A.dtype)
            M = A.tocsr()
            op = SymmetricOperator(lambda x: M @ x, dim, lambda X: M @ X, base=A)
        elif callable(A):
            if n is None:
                raise ValueError("n must be given when A is a callable matvec")
            dim = _operator.index(n)
            if dim < 1:
                raise ValueError(f"n must be a positive integer, got {n}")
            op = SymmetricOperator(A, dim, None, base=A)
        else:
            M = np.asarray(A)
            if M.ndim != 2:
                raise ValueError(
                    f"expected a 2-D matrix, a LinearOperator or a callable, got an "
                    f"array with shape {M.shape}"
                )
            dim = _square_dim(M.shape, n)
            _check_real_dtype(M.dtype)
            if M.dtype.kind not in "biuf":
                raise ValueError(f"unsupported matrix dtype {M.dtype}")
            M = np.asarray(M, dtype=np.float64)
            op = SymmetricOperator(lambda x: M @ x, dim, lambda X: M @ X, base=A)
    if check_symmetry:
        _check_symmetric(op, np.random.default_rng(seed), rtol)
    return op


def _check_symmetric(op: SymmetricOperator, rng: np.random.Generator, rtol: float) -> None:
    n = op.shape[0]
    X = rng.standard_normal((n, min(3, n)))
    Y = op.matmat(X)
    M = X.T @ Y
    scale = np.outer(np.linalg.norm(X, axis=0), np.linalg.norm(Y, axis=0))
    scale = scale + scale.T
    diff = np.abs(M - M.T)
    rel = np.zeros_like(diff)
    np.divide(diff, scale, out=rel, where=scale > 0)
    i, j = np.unravel_index(np.argmax(rel), rel.shape)
    if rel[i, j] > rtol:
        raise ValueError(
            "the operator is not symmetric: for random vectors v, w it gives "
            f"v^T A w = {M[i, j]:.6g} but w^T A v = {M[j, i]:.6g} (relative "
            f"difference {rel[i, j]:.2e} > rtol={rtol:g}); the spectral tools "
            "require a symmetric operator such as a Hessian"
        )


def _prepare(A: Any, n: int | None, check_symmetry: bool) -> tuple[SymmetricOperator, int, int]:
    op = as_symmetric_operator(A, n, check_symmetry=check_symmetry)
    return op, op.shape[0], op.n_matvec


def _rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    return np.random.default_rng(seed)


def _positive_int(value: Any, name: str, minimum: int = 1) -> int:
    try:
        v = _operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None
    if v < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {v}")
    return v


def _probes(rng: np.random.Generator, n: int, b: int, dist: str) -> np.ndarray:
    """``b`` random probe vectors as the columns of an ``(n, b)`` array.

    Draws are made probe by probe, so splitting a request into blocks gives
    the same vectors as a single request.
    """
    if dist == "rademacher":
        Z = np.where(rng.random((b, n)) < 0.5, -1.0, 1.0)
    elif dist == "gaussian":
        Z = rng.standard_normal((b, n))
    else:
        raise ValueError(f"dist must be one of {_DISTS}, got {dist!r}")
    return np.ascontiguousarray(Z.T)


def _fmt(a: np.ndarray | None) -> str:
    if a is None:
        return "None"
    return np.array2string(np.asarray(a), precision=6, threshold=8, edgeitems=3, separator=", ")


def _jsonable(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    return x


# ---------------------------------------------------------------------------
# Lanczos
# ---------------------------------------------------------------------------


class _LanczosRun:
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
        self.reorth = reorthogonalize
        self.store = store_basis or reorthogonalize
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
            self.Q = np.zeros((self.P, cap + 1, n))
            self.Q[:, 0] = self.cur
        else:
            self.Q = None

    def _grow(self) -> None:
        new = min(2 * self.cap, self.max_steps)
        pad = new - self.cap
        self.alpha = np.pad(self.alpha, ((0, 0), (0, pad)))
        self.beta = np.pad(self.beta, ((0, 0), (0, pad)))
        if self.store:
            self.Q = np.concatenate([self.Q, np.zeros((self.P, pad, self.n))], axis=1)
        self.cap = new

    def _orthogonalize(self, W: np.ndarray, Qa: np.ndarray) -> np.ndarray:
        # classical Gram-Schmidt, twice ("twice is enough")
        for _ in range(2):
            coef = np.matmul(Qa, W[:, :, None])
            W -= np.matmul(Qa.transpose(0, 2, 1), coef)[:, :, 0]
        return W

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
        self.alpha[idx, j] = alpha
        self.beta[idx, j] = beta
        self.length[idx] = j + 1
        self.j = j + 1

        nxt = np.zeros_like(W)
        for r, p in enumerate(idx):
            if j + 1 >= self.max_steps:
                self.active[p] = False
            elif beta[r] <= _BREAKDOWN_RTOL * self.anorm[p]:
                if self.restart_rng is None:
                    self.active[p] = False
                    continue
                q = self.restart_rng.standard_normal(self.n)
                q /= np.linalg.norm(q)
                q = self._orthogonalize(q[None, :], self.Q[p : p + 1, : j + 1])[0]
                qn = np.linalg.norm(q)
                if qn <= 1e-8:
                    self.active[p] = False
                    continue
                nxt[r] = q / qn
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

    def run(self) -> "_LanczosRun":
        while np.any(self.active):
            self.step()
        return self

    def tridiagonal(self, p: int = 0) -> tuple[np.ndarray, np.ndarray, float]:
        """(alpha, off-diagonal beta, residual beta) of recursion ``p``."""
        L = self.length[p]
        return self.alpha[p, :L].copy(), self.beta[p, : L - 1].copy(), float(self.beta[p, L - 1])


def _tridiag_eigh_dense(alpha: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    T = np.diag(alpha)
    if beta.size:
        T += np.diag(beta, 1) + np.diag(beta, -1)
    return np.linalg.eigh(T)


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


def _ritz_candidates(alpha: np.ndarray, beta: np.ndarray, c: int) -> tuple[np.ndarray, np.ndarray]:
    """Eigenpairs of a tridiagonal matrix: all of them if it is small, else
    the ``c`` lowest and ``c`` highest.  Values ascending."""
    L = alpha.size
    if L <= max(_SMALL_TRIDIAGONAL, 2 * c):
        return _tridiag_eigh_dense(alpha, beta)
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
        T = np.diag(self.alpha)
        if self.beta.size:
            T += np.diag(self.beta, 1) + np.diag(self.beta, -1)
        return T

    def ritz_values(self) -> np.ndarray:
        """Eigenvalues of ``T`` (Ritz values), ascending."""
        if self.alpha.size == 1:
            return self.alpha.copy()
        return scipy.linalg.eigh_tridiagonal(self.alpha, self.beta, eigvals_only=True)

    def __repr__(self) -> str:
        return (
            f"LanczosResult(m={self.m}, alpha={_fmt(self.alpha)}, beta={_fmt(self.beta)}, "
            f"residual_norm={self.residual_norm:.3e}, n_matvec={self.n_matvec})"
        )


def lanczos(
    A: Any,
    v0: np.ndarray | None = None,
    m: int | None = None,
    seed: int | np.random.Generator | None = 0,
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
        Symmetric operator in any form accepted by :func:`as_symmetric_operator`.
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
    n : int, optional
        Dimension, required when ``A`` is a callable.
    check_symmetry : bool, default False
        Verify symmetry on random vectors first (see :func:`as_symmetric_operator`).

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
    op, N, n0 = _prepare(A, n, check_symmetry)
    m = min(30, N) if m is None else _positive_int(m, "m")
    if m > N:
        raise ValueError(f"m must satisfy 1 <= m <= n={N}, got m={m}")
    if v0 is None:
        v0 = _rng(seed).standard_normal(N)
    else:
        v0 = np.asarray(v0, dtype=np.float64).reshape(-1)
        if v0.size != N:
            raise ValueError(f"v0 must have length n={N}, got {v0.size}")
    run = _LanczosRun(op, v0, m, reorthogonalize=reorthogonalize, store_basis=True).run()
    alpha, beta, res = run.tridiagonal(0)
    Q = run.Q[0, : alpha.size].T.copy()
    return LanczosResult(alpha, beta, Q, res, op.n_matvec - n0)


# ---------------------------------------------------------------------------
# eigenvalues
# ---------------------------------------------------------------------------


@dataclass(eq=False)
class EigenResult:
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
    """

    values: np.ndarray
    vectors: np.ndarray | None
    residuals: np.ndarray
    n_matvec: int
    converged: bool

    def __repr__(self) -> str:
        vec = "None" if self.vectors is None else f"<array {self.vectors.shape}>"
        maxres = float(np.max(self.residuals)) if self.residuals.size else 0.0
        return (
            f"EigenResult(values={_fmt(self.values)}, vectors={vec}, "
            f"max_residual={maxres:.2e}, n_matvec={self.n_matvec}, "
            f"converged={self.converged})"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python (JSON-serialisable) dictionary of the fields."""
        return {
            "values": _jsonable(self.values),
            "vectors": None if self.vectors is None else _jsonable(self.vectors),
            "residuals": _jsonable(self.residuals),
            "n_matvec": int(self.n_matvec),
            "converged": bool(self.converged),
        }


def eigenvalues(
    A: Any,
    k: int = 6,
    which: str = "LA",
    method: str = "lanczos",
    tol: float = 1e-10,
    seed: int | np.random.Generator | None = 0,
    *,
    return_vectors: bool = True,
    max_iter: int | None = None,
    force_dense: bool = False,
    n: int | None = None,
    check_symmetry: bool = False,
) -> EigenResult:
    """A few extreme eigenvalues (and eigenvectors) of a symmetric operator.

    Parameters
    ----------
    A : operator
        Symmetric operator in any form accepted by :func:`as_symmetric_operator`.
    k : int, default 6
        Number of eigenpairs; ``1 <= k < n`` for ``"lanczos"`` and
        ``"eigsh"``, ``1 <= k <= n`` for ``"dense"``.
    which : {"LA", "SA", "LM", "BE"}, default "LA"
        Largest algebraic, smallest algebraic, largest magnitude, or both
        ends (``k // 2`` from the bottom and the rest from the top).
    method : {"lanczos", "eigsh", "dense"}, default "lanczos"
        ``"lanczos"``: Lanczos with full reorthogonalisation, expanded
        without restarts (one product per step) until the ``k`` wanted Ritz
        pairs satisfy ``|beta_m s_(m,i)| <= tol * scale``, where ``scale``
        estimates ``||A||_2`` (largest ``|Ritz value|`` or ``||A q_j||``
        seen).  ``"eigsh"``: ARPACK via :func:`scipy.sparse.linalg.eigsh`
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
    n : int, optional
        Dimension, required when ``A`` is a callable.
    check_symmetry : bool, default False
        Verify symmetry on random vectors first (see :func:`as_symmetric_operator`).

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
    """
    op, N, n0 = _prepare(A, n, check_symmetry)
    k = _positive_int(k, "k")
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
    rng = _rng(seed)
    if method == "eigsh":
        return _eig_eigsh(op, k, which, tol, rng, max_iter, return_vectors, n0)
    max_iter = N if max_iter is None else min(_positive_int(max_iter, "max_iter"), N)
    return _eig_lanczos(op, k, which, tol, rng, max_iter, return_vectors, n0)


def _eig_dense(op: SymmetricOperator, k: int, which: str, return_vectors: bool, n0: int) -> EigenResult:
    N = op.shape[0]
    M = op.matmat(np.eye(N))
    M = 0.5 * (M + M.T)
    vals, vecs = np.linalg.eigh(M)
    keep = _select(vals, k, which)
    vals, vecs = vals[keep], vecs[:, keep]
    residuals = np.linalg.norm(M @ vecs - vecs * vals, axis=0)
    return EigenResult(
        vals, vecs if return_vectors else None, residuals, op.n_matvec - n0, True
    )


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
    residuals = np.linalg.norm(op.matmat(vecs) - vecs * vals, axis=0)
    return EigenResult(
        vals, vecs if return_vectors else None, residuals, op.n_matvec - n0, converged
    )


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
        reach = np.inf
        for v, ok in zip(lat_vals[::-1], lat_conv[::-1]):
            if not ok:
                break
            reach = v
        return reach

    def bottom_reach() -> float:  # largest value of the converged run from the bottom
        reach = -np.inf
        for v, ok in zip(lat_vals, lat_conv):
            if not ok:
                break
            reach = v
        return reach

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
) -> EigenResult:
    N = op.shape[0]
    v0 = rng.standard_normal(N)
    run = _LanczosRun(
        op,
        v0,
        max_iter,
        reorthogonalize=True,
        store_basis=True,
        restart_rng=rng,
        capacity=max(4 * k, 64),
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
                vals, S = _tridiag_eigh_dense(run.alpha[0, a:e], run.beta[0, a : e - 1])
                old_vals.append(vals)
                old_vecs.extend((a, S[:, i]) for i in range(vals.size))
            n_done = len(starts) - 1
            bs = starts[-1]
            lat_vals, lat_S = _ritz_candidates(
                run.alpha[0, bs:L], run.beta[0, bs : L - 1], k + 1
            )
            lat_res = np.abs(run.beta[0, L - 1] * lat_S[-1, :])
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
        for col, i in enumerate(chosen):
            if i < n_old:
                a, s = old_vecs[i]
                vectors[:, col] = run.Q[0, a : a + s.size].T @ s
            else:
                s = lat_S[:, i - n_old]
                vectors[:, col] = run.Q[0, bs : bs + s.size].T @ s
    return EigenResult(vals[chosen], vectors, res[chosen], op.n_matvec - n0, converged)


# ---------------------------------------------------------------------------
# trace and diagonal estimation
# ---------------------------------------------------------------------------


@dataclass(eq=False)
class TraceEstimate:
    """A randomised trace estimate.

    Attributes
    ----------
    estimate : float
        Estimated trace.
    std_error : float
        Estimated standard error of ``estimate`` (``nan`` when it cannot be
        estimated from a single sample).
    n_matvec : int
        Operator-vector products used.
    """

    estimate: float
    std_error: float
    n_matvec: int

    def __repr__(self) -> str:
        return (
            f"TraceEstimate(estimate={self.estimate:.6g}, std_error={self.std_error:.3g}, "
            f"n_matvec={self.n_matvec})"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python dictionary of the fields."""
        return {
            "estimate": float(self.estimate),
            "std_error": float(self.std_error),
            "n_matvec": int(self.n_matvec),
        }


def _mean_and_se(values: np.ndarray) -> tuple[float, float]:
    m = values.size
    mean = float(np.mean(values))
    if m < 2:
        return mean, float("nan")
    return mean, float(np.std(values, ddof=1) / math.sqrt(m))


def _auto_block(n: int, total: int, block_size: int | None) -> int:
    if block_size is None:
        # keep a probe block below ~128 MB of float64
        return max(1, min(total, (1 << 24) // n))
    return _positive_int(block_size, "block_size")


def hutchinson_trace(
    A: Any,
    n_samples: int = 100,
    dist: str = "rademacher",
    seed: int | np.random.Generator | None = 0,
    *,
    block_size: int | None = None,
    n: int | None = None,
    check_symmetry: bool = False,
) -> TraceEstimate:
    """Hutchinson's randomised trace estimator.

    Averages ``z^T A z`` over independent probes ``z`` with ``E[z z^T] = I``.
    Its variance is ``2 * sum_(i != j) A_ij^2 / n_samples`` for Rademacher
    probes and ``2 ||A||_F^2 / n_samples`` for Gaussian ones, so the error
    decays like ``1 / sqrt(n_samples)``.

    Parameters
    ----------
    A : operator
        Symmetric operator in any form accepted by :func:`as_symmetric_operator`.
    n_samples : int, default 100
        Number of probes, i.e. of operator-vector products.
    dist : {"rademacher", "gaussian"}, default "rademacher"
        Probe distribution.
    seed : int, Generator or None, default 0
        Randomness for the probes.
    block_size : int, optional
        Probes per block product ``A.matmat(Z)``.  By default all probes go
        in one block unless that block would exceed about 128 MB.  The
        result does not depend on ``block_size``.
    n : int, optional
        Dimension, required when ``A`` is a callable.
    check_symmetry : bool, default False
        Verify symmetry on random vectors first (see :func:`as_symmetric_operator`).

    Returns
    -------
    TraceEstimate
        ``std_error`` is the sample standard deviation of the ``z^T A z``
        divided by ``sqrt(n_samples)`` (``nan`` for one sample).

    Examples
    --------
    >>> import numpy as np
    >>> est = hutchinson_trace(np.diag(np.arange(1.0, 11.0)), n_samples=20)
    >>> est.estimate, est.std_error   # Rademacher probes are exact on diagonals
    (55.0, 0.0)
    >>> rng = np.random.default_rng(1)
    >>> B = rng.standard_normal((50, 50)); A = B + B.T
    >>> est = hutchinson_trace(A, n_samples=200)
    >>> bool(abs(est.estimate - np.trace(A)) < 3 * est.std_error), est.n_matvec
    (True, 200)
    """
    op, N, n0 = _prepare(A, n, check_symmetry)
    n_samples = _positive_int(n_samples, "n_samples")
    if dist not in _DISTS:
        raise ValueError(f"dist must be one of {_DISTS}, got {dist!r}")
    rng = _rng(seed)
    bs = _auto_block(N, n_samples, block_size)
    vals = np.empty(n_samples)
    for start in range(0, n_samples, bs):
        b = min(bs, n_samples - start)
        Z = _probes(rng, N, b, dist)
        vals[start : start + b] = np.einsum("ij,ij->j", Z, op.matmat(Z))
    est, se = _mean_and_se(vals)
    return TraceEstimate(est, se, op.n_matvec - n0)


def hutchpp_trace(
    A: Any,
    n_matvec: int = 100,
    seed: int | np.random.Generator | None = 0,
    *,
    dist: str = "rademacher",
    n: int | None = None,
    check_symmetry: bool = False,
) -> TraceEstimate:
    """Hutch++ trace estimator (Meyer, Musco, Musco & Woodruff, 2021).

    Splits the budget into three equal parts: a random sketch ``A S`` with
    ``s = n_matvec // 3`` columns gives an orthonormal basis ``Q`` of the
    dominant range; ``tr(Q^T A Q)`` is computed exactly (``s`` products);
    the trace of the deflated remainder ``(I - QQ^T) A (I - QQ^T)`` is
    estimated by Hutchinson with the remaining ``g = n_matvec - 2 s`` probes.
    For matrices whose spectrum decays the error falls like
    ``1 / n_matvec`` or faster, versus ``1 / sqrt(n_matvec)`` for
    :func:`hutchinson_trace`.

    Parameters
    ----------
    A : operator
        Symmetric operator in any form accepted by :func:`as_symmetric_operator`.
    n_matvec : int, default 100
        Total budget of operator-vector products, at least 3.  If
        ``n_matvec // 3 >= n`` the trace is computed exactly with ``2 n``
        products.
    seed : int, Generator or None, default 0
        Randomness for the sketch and the probes.
    dist : {"rademacher", "gaussian"}, default "rademacher"
        Distribution of the sketch and probe vectors.
    n : int, optional
        Dimension, required when ``A`` is a callable.
    check_symmetry : bool, default False
        Verify symmetry on random vectors first (see :func:`as_symmetric_operator`).

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
    >>> est = hutchpp_trace(A, n_matvec=30)
    >>> bool(abs(est.estimate - np.trace(A)) < 1e-8 * np.trace(A)), est.n_matvec
    (True, 30)
    """
    op, N, n0 = _prepare(A, n, check_symmetry)
    n_matvec = _positive_int(n_matvec, "n_matvec", minimum=3)
    if dist not in _DISTS:
        raise ValueError(f"dist must be one of {_DISTS}, got {dist!r}")
    rng = _rng(seed)
    s = min(n_matvec // 3, N)
    g = n_matvec - 2 * s
    S = _probes(rng, N, s, dist)
    Q, _ = np.linalg.qr(op.matmat(S))
    low_rank = float(np.einsum("ij,ij->", Q, op.matmat(Q)))
    if s == N:
        return TraceEstimate(low_rank, 0.0, op.n_matvec - n0)
    G = _probes(rng, N, g, dist)
    G -= Q @ (Q.T @ G)
    vals = np.einsum("ij,ij->j", G, op.matmat(G))
    rest, se = _mean_and_se(vals)
    return TraceEstimate(low_rank + rest, se, op.n_matvec - n0)


@dataclass(eq=False)
class DiagonalEstimate:
    """A randomised estimate of the diagonal of an operator.

    Attributes
    ----------
    estimate : ndarray, shape (n,)
        Estimated diagonal.
    std_error : ndarray, shape (n,)
        Elementwise estimated standard errors (``nan`` for one sample).
    n_matvec : int
        Operator-vector products used.
    """

    estimate: np.ndarray
    std_error: np.ndarray
    n_matvec: int

    def __repr__(self) -> str:
        return (
            f"DiagonalEstimate(estimate={_fmt(self.estimate)}, "
            f"std_error={_fmt(self.std_error)}, n_matvec={self.n_matvec})"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python (JSON-serialisable) dictionary of the fields."""
        return {
            "estimate": _jsonable(self.estimate),
            "std_error": _jsonable(self.std_error),
            "n_matvec": int(self.n_matvec),
        }


def hutchinson_diagonal(
    A: Any,
    n_samples: int = 100,
    seed: int | np.random.Generator | None = 0,
    *,
    dist: str = "rademacher",
    block_size: int | None = None,
    n: int | None = None,
    check_symmetry: bool = False,
) -> DiagonalEstimate:
    """Randomised diagonal estimator (Bekas, Kokiopoulou & Saad, 2007).

    Averages ``z * (A z)`` (elementwise) over probes ``z``; entry ``i`` is
    unbiased for ``A_ii`` with variance ``sum_(j != i) A_ij^2 / n_samples``
    for Rademacher probes, so it is exact for diagonal matrices.

    Parameters
    ----------
    A : operator
        Symmetric operator in any form accepted by :func:`as_symmetric_operator`.
    n_samples : int, default 100
        Number of probes, i.e. of operator-vector products.
    seed : int, Generator or None, default 0
        Randomness for the probes.
    dist : {"rademacher", "gaussian"}, default "rademacher"
        Probe distribution.
    block_size : int, optional
        Probes per block product (see :func:`hutchinson_trace`).
    n : int, optional
        Dimension, required when ``A`` is a callable.
    check_symmetry : bool, default False
        Verify symmetry on random vectors first (see :func:`as_symmetric_operator`).

    Returns
    -------
    DiagonalEstimate
        ``std_error[i]`` is the sample standard deviation of ``z_i (A z)_i``
        over ``sqrt(n_samples)``.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]])
    >>> d = hutchinson_diagonal(A, n_samples=4000)
    >>> bool(np.all(np.abs(d.estimate - np.diag(A)) < 4 * d.std_error))
    True
    >>> np.round(d.std_error * np.sqrt(4000), 1)     # sqrt(sum_{j != i} A_ij^2)
    array([1. , 1.4, 1. ])
    """
    op, N, n0 = _prepare(A, n, check_symmetry)
    n_samples = _positive_int(n_samples, "n_samples")
    if dist not in _DISTS:
        raise ValueError(f"dist must be one of {_DISTS}, got {dist!r}")
    rng = _rng(seed)
    bs = _auto_block(N, n_samples, block_size)
    mean = np.zeros(N)
    m2 = np.zeros(N)
    count = 0
    for start in range(0, n_samples, bs):
        b = min(bs, n_samples - start)
        Z = _probes(rng, N, b, dist)
        X = Z * op.matmat(Z)  # (N, b) samples
        bmean = X.mean(axis=1)
        bm2 = np.sum((X - bmean[:, None]) ** 2, axis=1)
        total = count + b
        delta = bmean - mean
        mean = mean + delta * (b / total)
        m2 = m2 + bm2 + delta**2 * (count * b / total)
        count = total
    if n_samples > 1:
        se = np.sqrt(m2 / (n_samples - 1) / n_samples)
    else:
        se = np.full(N, np.nan)
    return DiagonalEstimate(mean, se, op.n_matvec - n0)


# ---------------------------------------------------------------------------
# spectral density
# ---------------------------------------------------------------------------


@dataclass(eq=False)
class SpectralDensity:
    """Stochastic Lanczos quadrature estimate of a spectral density.

    Attributes
    ----------
    nodes : ndarray
        Gaussian quadrature nodes (Ritz values) of all probes, ascending.
    weights : ndarray
        Matching weights, each probe's weights divided by the number of
        probes, so that they sum to 1: ``sum(weights * f(nodes))``
        estimates ``tr f(A) / n``.
    grid : ndarray
        Points at which ``density`` is evaluated.
    density : ndarray
        Gaussian-smoothed density ``sum_i weights_i N(t; nodes_i, sigma^2)``
        on ``grid``; integrates to 1 over the default grid.
    sigma : float
        Smoothing width used.
    n_matvec : int
        Operator-vector products used.
    """

    nodes: np.ndarray
    weights: np.ndarray
    grid: np.ndarray
    density: np.ndarray
    sigma: float = float("nan")
    n_matvec: int = 0

    def mass(self, lo: float, hi: float) -> float:
        """Estimated fraction of eigenvalues in ``[lo, hi]`` (quadrature weight there)."""
        inside = (self.nodes >= lo) & (self.nodes <= hi)
        return float(np.sum(self.weights[inside]))

    def plot(self, ax: Any = None, *, show_nodes: bool = True, **kwargs: Any) -> Any:
        """Plot the smoothed density (and the quadrature nodes as a rug).

        Requires matplotlib.  Extra keyword arguments go to ``ax.plot``.
        Returns the axes.
        """
        try:
            import matplotlib.pyplot as plt
        except ImportError as err:
            raise ImportError(
                "SpectralDensity.plot requires matplotlib; install it with "
                "`pip install matplotlib` (or `pip install 'osculate[cli]'`)"
            ) from err
        if ax is None:
            _, ax = plt.subplots()
        ax.plot(self.grid, self.density, **kwargs)
        if show_nodes and self.nodes.size:
            ax.plot(
                self.nodes,
                np.zeros_like(self.nodes),
                "|",
                color="k",
                alpha=0.5,
                markersize=8,
            )
        ax.set_xlabel("eigenvalue")
        ax.set_ylabel("density")
        return ax

    def __repr__(self) -> str:
        lo = float(self.nodes.min()) if self.nodes.size else float("nan")
        hi = float(self.nodes.max()) if self.nodes.size else float("nan")
        return (
            f"SpectralDensity(n_nodes={self.nodes.size}, range=[{lo:.4g}, {hi:.4g}], "
            f"n_grid={self.grid.size}, sigma={self.sigma:.3g}, n_matvec={self.n_matvec})"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python (JSON-serialisable) dictionary of the fields."""
        return {
            "nodes": _jsonable(self.nodes),
            "weights": _jsonable(self.weights),
            "grid": _jsonable(self.grid),
            "density": _jsonable(self.density),
            "sigma": float(self.sigma),
            "n_matvec": int(self.n_matvec),
        }


def _gaussian_mixture(grid: np.ndarray, nodes: np.ndarray, weights: np.ndarray, sigma: float) -> np.ndarray:
    out = np.empty(grid.size)
    norm = 1.0 / (sigma * math.sqrt(2.0 * math.pi))
    chunk = max(1, (1 << 22) // max(nodes.size, 1))
    for start in range(0, grid.size, chunk):
        t = grid[start : start + chunk, None]
        out[start : start + chunk] = np.exp(-0.5 * ((t - nodes[None, :]) / sigma) ** 2) @ weights
    return out * norm


def spectral_density(
    A: Any,
    n_probes: int = 10,
    m: int = 30,
    grid: np.ndarray | None = None,
    sigma: float | None = None,
    seed: int | np.random.Generator | None = 0,
    *,
    n_grid: int = 1000,
    dist: str = "rademacher",
    reorthogonalize: bool = True,
    n: int | None = None,
    check_symmetry: bool = False,
) -> SpectralDensity:
    """Eigenvalue density by stochastic Lanczos quadrature (SLQ).

    For each normalised random probe ``v``, ``m`` Lanczos steps give a
    tridiagonal ``T = S diag(theta) S^T``; the nodes ``theta`` and weights
    ``S[0, :]**2`` form an ``m``-point Gauss quadrature for the measure
    ``sum_i (v . u_i)^2 delta(t - lambda_i)``, whose expectation is the
    spectral density ``(1/n) sum_i delta(t - lambda_i)`` (Ubaru, Chen &
    Saad, 2017; Ghorbani, Krishnan & Xiao, 2019).  The quadratures are
    averaged over probes and smoothed with a Gaussian kernel.  All probes
    advance together: each Lanczos step is one block product with
    ``n_probes`` columns.

    Parameters
    ----------
    A : operator
        Symmetric operator in any form accepted by :func:`as_symmetric_operator`.
    n_probes : int, default 10
        Number of random probes.
    m : int, default 30
        Lanczos steps per probe (capped at ``n``; fewer if a probe's Krylov
        space becomes invariant).  Total cost at most ``n_probes * m``
        products.
    grid : array_like, optional
        Points at which to evaluate the density.  Default: ``n_grid``
        equispaced points from ``min(nodes) - 6 sigma`` to
        ``max(nodes) + 6 sigma``, on which the density integrates to 1 (up
        to ~1e-8).  On a user grid the density is evaluated as is (not
        renormalised).
    sigma : float, optional
        Standard deviation of the Gaussian smoothing kernel.  Default:
        ``0.02 * (max(nodes) - min(nodes))``, i.e. 2 % of the estimated
        spectral width (``0.02 * max(|node|, 1)`` if all nodes coincide).
    seed : int, Generator or None, default 0
        Randomness for the probes.
    n_grid : int, default 1000
        Size of the default grid.
    dist : {"rademacher", "gaussian"}, default "rademacher"
        Probe distribution (probes are normalised to unit length).
    reorthogonalize : bool, default True
        Full reorthogonalisation in Lanczos (stores ``n_probes * m``
        vectors of length ``n``).  Without it only three vectors per probe
        are kept and ghost Ritz values may appear, which barely affects the
        quadrature.
    n : int, optional
        Dimension, required when ``A`` is a callable.
    check_symmetry : bool, default False
        Verify symmetry on random vectors first (see :func:`as_symmetric_operator`).

    Returns
    -------
    SpectralDensity
        ``nodes``, ``weights`` (summing to 1), ``grid``, ``density`` plus
        ``sigma`` and ``n_matvec``; see also :meth:`SpectralDensity.mass`
        and :meth:`SpectralDensity.plot`.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.diag(np.repeat([-1.0, 2.0], [30, 70]))
    >>> sd = spectral_density(A, n_probes=5, m=10)
    >>> sd.nodes.size, round(float(sd.weights.sum()), 12)   # 2 nodes per probe
    (10, 1.0)
    >>> round(sd.mass(1.5, 2.5), 2)                          # 70 % of eigenvalues are 2
    0.7
    >>> from scipy.integrate import trapezoid
    >>> round(float(trapezoid(sd.density, sd.grid)), 6)
    1.0
    """
    op, N, n0 = _prepare(A, n, check_symmetry)
    n_probes = _positive_int(n_probes, "n_probes")
    m = min(_positive_int(m, "m"), N)
    if dist not in _DISTS:
        raise ValueError(f"dist must be one of {_DISTS}, got {dist!r}")
    rng = _rng(seed)
    Z = _probes(rng, N, n_probes, dist)
    run = _LanczosRun(
        op, Z, m, reorthogonalize=reorthogonalize, store_basis=reorthogonalize
    ).run()
    node_list, weight_list = [], []
    for p in range(n_probes):
        alpha, beta, _ = run.tridiagonal(p)
        if alpha.size > _SMALL_TRIDIAGONAL:
            theta, S = scipy.linalg.eigh_tridiagonal(alpha, beta)
        else:
            theta, S = _tridiag_eigh_dense(alpha, beta)
        node_list.append(theta)
        weight_list.append(S[0, :] ** 2 / n_probes)
    nodes = np.concatenate(node_list)
    weights = np.concatenate(weight_list)
    order = np.argsort(nodes, kind="stable")
    nodes, weights = nodes[order], weights[order]
    weights /= weights.sum()

    lo, hi = float(nodes[0]), float(nodes[-1])
    if sigma is None:
        width = hi - lo
        if width <= 1e-12 * max(abs(lo), abs(hi), 1.0):
            width = max(abs(lo), abs(hi), 1.0)
        sigma = 0.02 * width
    sigma = float(sigma)
    if not (sigma > 0 and math.isfinite(sigma)):
        raise ValueError(f"sigma must be positive and finite, got {sigma}")
    if grid is None:
        n_grid = _positive_int(n_grid, "n_grid", minimum=2)
        grid = np.linspace(lo - 6 * sigma, hi + 6 * sigma, n_grid)
    else:
        grid = np.asarray(grid, dtype=np.float64)
        if grid.ndim != 1 or grid.size == 0:
            raise ValueError("grid must be a non-empty 1-D array")
    density = _gaussian_mixture(grid, nodes, weights, sigma)
    return SpectralDensity(nodes, weights, grid, density, sigma, op.n_matvec - n0)
