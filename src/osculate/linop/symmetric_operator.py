"""The one operator type of :mod:`osculate.linop`: a real symmetric
:class:`scipy.sparse.linalg.LinearOperator` that counts its products.

* :class:`SymmetricOperator` -- built from a product ``v -> A v`` and,
  optionally, a block product ``V -> A V``.  The curvature operators
  (:func:`osculate.hessian_operator`, :func:`~osculate.ggn_operator`,
  :func:`~osculate.fisher_operator`) return one, and so does
  :func:`as_symmetric_operator`.
* :func:`as_symmetric_operator` -- turns any supported input (a
  ``LinearOperator``, a dense or sparse matrix, or a callable with ``n``)
  into a :class:`SymmetricOperator`; every routine of :mod:`osculate.linop`
  starts with it.
"""

from __future__ import annotations

import operator
from typing import Any, Callable

import numpy as np
import scipy.sparse
import scipy.sparse.linalg as spla
from scipy.sparse.linalg import LinearOperator

from ._checks import Seed, check_real_dtype, make_rng, square_dim

__all__ = ["SymmetricOperator", "as_symmetric_operator", "counted_operator"]


class SymmetricOperator(LinearOperator):
    """A real symmetric :class:`~scipy.sparse.linalg.LinearOperator` that
    counts the vectors it is applied to.

    Its adjoint and transpose are itself, so it works unchanged with
    ``eigsh``, ``cg``, ``minres`` and ``scipy.optimize.minimize(hessp=...)``.
    Every product is checked: an output of the wrong size or with complex
    values raises ``ValueError``, and so, with ``check_finite=True``, does
    one with ``nan`` or ``inf``.

    Parameters
    ----------
    matvec : callable
        ``x -> A @ x`` for a vector ``x`` of shape ``(n,)``.
    n : int
        Dimension of the operator.
    matmat : callable, optional
        ``X -> A @ X`` for a block ``X`` of shape ``(n, b)``.  Without it a
        block product loops over the columns.
    block_size : int, optional
        Columns per call of ``matmat``: a larger block product is made in
        pieces of this many columns (default: the whole block at once).
    name : str, optional
        What the operator is (``"Hessian"``, ...); shown in the repr.
    dtype : dtype, default float64
        The dtype of the products.
    check_finite : bool, default True
        Refuse products that contain ``nan`` or ``inf``.
    base : object, optional
        The object being wrapped (kept for reference only).

    Attributes
    ----------
    n_matvec : int
        Number of operator-vector products so far; a block product with
        ``b`` columns counts ``b``.
    n_calls : int
        Number of product requests so far (a block product counts once).
    note : str or None
        A one-line note when the products do not run as asked (e.g.
        ``hessian_operator(..., jit="auto")`` fell back to eager products
        because staging raised :class:`~osculate.ConcretizationError`).

    Examples
    --------
    >>> import numpy as np
    >>> op = as_symmetric_operator(np.diag([1.0, 2.0, 3.0]))
    >>> op.matmat(np.ones((3, 2)))[:, 0]
    array([1., 2., 3.])
    >>> op.n_matvec, op.n_calls
    (2, 1)
    >>> op.to_dense()[1]
    array([0., 2., 0.])
    """

    def __init__(
        self,
        matvec: Callable[[np.ndarray], Any],
        n: int,
        matmat: Callable[[np.ndarray], Any] | None = None,
        *,
        block_size: int | None = None,
        name: str | None = None,
        dtype: Any = np.float64,
        check_finite: bool = True,
        base: Any = None,
    ) -> None:
        super().__init__(dtype=np.dtype(dtype), shape=(n, n))
        self._mv = matvec
        self._mm = matmat
        self.block_size = block_size
        self.name = name
        self.check_finite = check_finite
        self.base = base
        self.n_matvec = 0
        self.n_calls = 0
        self.note: str | None = None

    def _input(self, x: Any) -> np.ndarray:
        x = np.asarray(x)
        return x if x.dtype == self.dtype else x.astype(np.result_type(x.dtype, self.dtype))

    def _check_output(self, y: Any, shape: tuple[int, ...]) -> np.ndarray:
        y = np.asarray(y)
        if y.dtype != self.dtype:
            if y.dtype.kind == "c":
                raise ValueError("the operator returned complex values; only real symmetric operators are supported")
            y = y.astype(self.dtype)
        if y.size != shape[0] * (shape[1] if len(shape) > 1 else 1):
            raise ValueError(f"the operator returned an array of shape {y.shape} for an input of shape {shape}")
        y = y.reshape(shape)
        if self.check_finite and not np.isfinite(y).all():
            raise ValueError("the operator returned non-finite values (nan or inf)")
        return y

    def _matvec(self, x: np.ndarray) -> np.ndarray:
        y = self._check_output(self._mv(self._input(x).reshape(-1)), (self.shape[0],))
        self.n_matvec += 1
        self.n_calls += 1
        return y

    def _matmat(self, X: np.ndarray) -> np.ndarray:
        X = self._input(X)
        n, b = self.shape[0], X.shape[1]
        if b == 0:
            return np.zeros((n, 0), dtype=self.dtype)
        Y = np.empty((n, b), dtype=self.dtype)
        if self._mm is None:
            for i in range(b):
                Y[:, i] = self._check_output(self._mv(np.ascontiguousarray(X[:, i])), (n,))
        else:
            step = b if self.block_size is None else self.block_size
            for s in range(0, b, step):
                cols = X[:, s : s + step]
                Y[:, s : s + cols.shape[1]] = self._check_output(self._mm(cols), cols.shape)
        self.n_matvec += b
        self.n_calls += 1
        return Y

    # symmetric: Aᵀ = Aᴴ = A
    def _rmatvec(self, x: np.ndarray) -> np.ndarray:
        return self._matvec(x)

    def _rmatmat(self, X: np.ndarray) -> np.ndarray:
        return self._matmat(X)

    def _adjoint(self) -> "SymmetricOperator":
        return self

    def _transpose(self) -> "SymmetricOperator":
        return self

    def to_dense(self) -> np.ndarray:
        """The matrix, formed column by column (``n`` products: small ``n`` only)."""
        return self.matmat(np.eye(self.shape[0], dtype=self.dtype))

    def __repr__(self) -> str:
        n = self.shape[0]
        what = f" ({self.name})" if self.name else ""
        return f"<{n}x{n} SymmetricOperator{what}, n_matvec={self.n_matvec}>"


def as_symmetric_operator(
    A: Any,
    n: int | None = None,
    *,
    check_symmetry: bool = False,
    rtol: float = 1e-6,
    seed: Seed = 0,
) -> SymmetricOperator:
    """Turn ``A`` into a counting real symmetric :class:`SymmetricOperator`.

    Parameters
    ----------
    A : LinearOperator, array_like, sparse matrix or callable
        The operator.  Accepted forms are a
        :class:`~scipy.sparse.linalg.LinearOperator` (its ``matmat`` is used
        for block products), any object with ``shape`` and ``matvec``, a
        dense 2-D array (or nested sequence), a :mod:`scipy.sparse` matrix or
        array, or a callable ``v -> A @ v`` (which then needs ``n``).  A
        float64 :class:`SymmetricOperator` that checks its products for
        non-finite values is returned unchanged, so its product counter
        keeps running; any other one is wrapped.
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
        Computing in float64 and refusing products that are complex,
        non-finite or of the wrong shape (``ValueError``).

    Raises
    ------
    ValueError
        If the operator is not square, is complex, ``n`` is missing for a
        callable or inconsistent with the shape, or (with
        ``check_symmetry=True``) the operator is detectably non-symmetric.

    Notes
    -----
    Symmetry is a precondition of every routine in :mod:`osculate.linop`;
    it is not verified unless ``check_symmetry=True`` because the check
    costs three products.

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
    if isinstance(A, SymmetricOperator) and A.dtype == np.float64 and A.check_finite:
        square_dim(A.shape, n)
        op = A
    else:
        op = _wrap(A, n)
    if check_symmetry:
        _check_symmetric(op, make_rng(seed), rtol)
    return op


def _wrap(A: Any, n: int | None) -> SymmetricOperator:
    if not isinstance(A, LinearOperator) and hasattr(A, "shape") and hasattr(A, "matvec"):
        A = spla.aslinearoperator(A)
    if isinstance(A, LinearOperator) or scipy.sparse.issparse(A):
        dim = square_dim(A.shape, n)
        check_real_dtype(A.dtype)
        if isinstance(A, LinearOperator):
            return SymmetricOperator(A.matvec, dim, A.matmat, base=A)
        M = A.tocsr()
        return SymmetricOperator(M.dot, dim, M.dot, base=A)
    if callable(A):
        if n is None:
            raise ValueError("n must be given when A is a callable matvec")
        dim = operator.index(n)
        if dim < 1:
            raise ValueError(f"n must be a positive integer, got {n}")
        return SymmetricOperator(A, dim, None, base=A)
    M = np.asarray(A)
    if M.ndim != 2:
        raise ValueError(f"expected a 2-D matrix, a LinearOperator or a callable, got an array with shape {M.shape}")
    dim = square_dim(M.shape, n)
    check_real_dtype(M.dtype)
    if M.dtype.kind not in "biuf":
        raise ValueError(f"unsupported matrix dtype {M.dtype}")
    M = np.asarray(M, dtype=np.float64)
    return SymmetricOperator(M.dot, dim, M.dot, base=A)


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


def counted_operator(A: Any, n: int | None, check_symmetry: bool) -> tuple[SymmetricOperator, int]:
    """``as_symmetric_operator(A, n, check_symmetry=...)`` and its product
    count so far: a routine reports ``op.n_matvec - n0`` as its own cost."""
    op = as_symmetric_operator(A, n, check_symmetry=check_symmetry)
    return op, op.n_matvec
