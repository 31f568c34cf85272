"""Spectrum, inertia, definiteness and condition number of a symmetric matrix
or operator (a Hessian, a Gauss-Newton or Fisher matrix, or any user
operator).

The zero tolerance is relative to the scale of the spectrum:
``tol = rtol * max|λ|`` unless an absolute ``tol`` is given, so the counts do
not change when the function is multiplied by a constant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse
from scipy.sparse.linalg import LinearOperator

from ..linop.eigen import eigenvalues as _eigenvalues
from ..linop.symmetric_operator import as_symmetric_operator
from ._util import Result

__all__ = ["Inertia", "SpectrumReport", "operator_curvature", "DEFAULT_RTOL", "DEFAULT_DENSE_LIMIT"]

#: Default relative zero tolerance of eigenvalues (times ``max|λ|``).
DEFAULT_RTOL = 1e-8
#: Above this dimension the spectrum is analysed by Lanczos (extremes only).
DEFAULT_DENSE_LIMIT = 500

DEFINITENESS = (
    "positive definite",
    "negative definite",
    "positive semidefinite",
    "negative semidefinite",
    "indefinite",
    "zero",
)


@dataclass(repr=False, eq=False)
class Inertia(Result):
    """Sylvester inertia: the numbers of positive, negative and zero eigenvalues.

    ``unresolved`` counts eigenvalues whose sign was not determined (only
    when the extremes were computed by Lanczos for a large, indefinite or
    singular operator: the counts are then lower bounds).
    """

    positive: int
    negative: int
    zero: int
    unresolved: int = 0

    @property
    def exact(self) -> bool:
        """True when every eigenvalue's sign is known."""
        return self.unresolved == 0

    def as_tuple(self) -> tuple[int, int, int]:
        """``(positive, negative, zero)``."""
        return (self.positive, self.negative, self.zero)

    def __iter__(self):
        return iter(self.as_tuple())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Inertia):
            return self.to_dict() == other.to_dict()
        if isinstance(other, tuple) and len(other) == 3:
            return self.exact and self.as_tuple() == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        extra = f", unresolved={self.unresolved}" if self.unresolved else ""
        return f"Inertia(positive={self.positive}, negative={self.negative}, zero={self.zero}{extra})"


@dataclass(repr=False, eq=False)
class SpectrumReport(Result):
    """Spectral summary of a symmetric matrix or operator.

    Attributes
    ----------
    eigenvalues : ndarray
        All eigenvalues (``method="dense"``) or the computed extremes
        (``method="lanczos"``), ascending.
    inertia : Inertia
        Counts of positive / negative / zero eigenvalues (``|λ| <= tolerance``
        counts as zero).
    definiteness : str
        One of ``"positive definite"``, ``"negative definite"``,
        ``"positive semidefinite"``, ``"negative semidefinite"``,
        ``"indefinite"``, ``"zero"`` (every eigenvalue is zero), or
        ``"unknown"`` when Lanczos extremes cannot decide.
    condition_number : float
        ``max|λ| / min|λ|``: ``inf`` when some eigenvalue is zero, ``nan``
        when the smallest ``|λ|`` is an interior eigenvalue that Lanczos did
        not compute (large indefinite operators).
    tolerance : float
        The zero tolerance used.
    n : int
        Dimension.
    method : str
        ``"dense"`` or ``"lanczos"``.
    n_matvec : int
        Operator-vector products used (0 when a dense matrix was given).
    eigenvectors : ndarray or None
        Matching unit eigenvectors as columns (not in the repr or ``to_dict()``).
    """

    eigenvalues: np.ndarray
    inertia: Inertia
    definiteness: str
    condition_number: float
    tolerance: float
    n: int
    method: str
    n_matvec: int = 0
    eigenvectors: np.ndarray | None = field(default=None, repr=False, metadata={"to_dict": False})


def zero_tolerance(vals: np.ndarray, rtol: float, tol: float | None) -> float:
    """The absolute zero tolerance of the eigenvalues ``vals``: ``tol`` if
    given, else ``rtol * max|λ|`` (see the module documentation)."""
    if tol is not None:
        if not tol >= 0:
            raise ValueError(f"tol must be a non-negative number, got {tol}")
        return float(tol)
    if not rtol >= 0:
        raise ValueError(f"rtol must be a non-negative number, got {rtol}")
    scale = float(np.max(np.abs(vals))) if vals.size else 0.0
    return rtol * scale


def _definiteness(pos: int, neg: int, zero: int) -> str:
    if pos and neg:
        return "indefinite"
    if pos:
        return "positive semidefinite" if zero else "positive definite"
    if neg:
        return "negative semidefinite" if zero else "negative definite"
    return "zero"


def _condition(vals: np.ndarray, tol: float) -> float:
    mags = np.abs(vals)
    lo = float(mags.min())
    if lo <= tol or lo == 0.0:
        return float("inf")
    return float(mags.max() / lo)


def spectrum_from_eigenpairs(vals, vecs, tol, n, method="dense", n_matvec=0) -> SpectrumReport:
    """Report for a complete set of eigenvalues (ascending)."""
    pos = int(np.sum(vals > tol))
    neg = int(np.sum(vals < -tol))
    zero = int(vals.size - pos - neg)
    return SpectrumReport(
        eigenvalues=vals,
        inertia=Inertia(pos, neg, zero),
        definiteness=_definiteness(pos, neg, zero),
        condition_number=_condition(vals, tol),
        tolerance=tol,
        n=n,
        method=method,
        n_matvec=n_matvec,
        eigenvectors=vecs,
    )


def spectrum_from_extremes(vals, vecs, tol, n, n_matvec) -> SpectrumReport:
    """Report from the ``k`` smallest and ``k`` largest eigenvalues of a large operator."""
    lo, hi = float(vals[0]), float(vals[-1])
    pos = int(np.sum(vals > tol))
    neg = int(np.sum(vals < -tol))
    zero = int(np.sum(np.abs(vals) <= tol))
    if lo > tol:  # every eigenvalue is >= lo > 0
        inertia, definiteness = Inertia(n, 0, 0), "positive definite"
        cond = hi / lo
    elif hi < -tol:
        inertia, definiteness = Inertia(0, n, 0), "negative definite"
        cond = lo / hi
    else:
        inertia = Inertia(pos, neg, zero, unresolved=n - pos - neg - zero)
        if pos and neg:
            definiteness = "indefinite"
            cond = float("nan")  # min|λ| is interior: not computed
        elif lo >= -tol and hi > tol:
            definiteness = "positive semidefinite"
            cond = float("inf")
        elif hi <= tol and lo < -tol:
            definiteness = "negative semidefinite"
            cond = float("inf")
        elif abs(lo) <= tol and abs(hi) <= tol:
            inertia = Inertia(0, 0, n)
            definiteness = "zero"
            cond = float("inf")
        else:  # pragma: no cover - the cases above are exhaustive
            definiteness, cond = "unknown", float("nan")
    return SpectrumReport(
        eigenvalues=vals,
        inertia=inertia,
        definiteness=definiteness,
        condition_number=float(cond),
        tolerance=tol,
        n=n,
        method="lanczos",
        n_matvec=n_matvec,
        eigenvectors=vecs,
    )


def _dense_symmetric(A: Any, sym_rtol: float) -> np.ndarray | None:
    """A dense symmetric float matrix from an array-like, or None for operators."""
    if isinstance(A, LinearOperator):
        return None
    if not isinstance(A, np.ndarray) and not scipy.sparse.issparse(A):
        if hasattr(A, "matvec") or (callable(A) and not hasattr(A, "shape")):
            return None
    if scipy.sparse.issparse(A):
        M = A.toarray()
    elif hasattr(A, "to_dense") and not isinstance(A, np.ndarray):
        M = np.asarray(A.to_dense())
    else:
        M = np.asarray(A)
    if M.ndim != 2 or M.shape[0] != M.shape[1]:
        raise ValueError(f"the matrix must be square (n x n), got shape {M.shape}")
    if M.dtype.kind == "c":
        raise ValueError("complex matrices are not supported; pass a real symmetric matrix")
    M = np.asarray(M, dtype=np.float64)
    if not np.all(np.isfinite(M)):
        raise ValueError("the matrix contains NaN or inf entries")
    asym = float(np.max(np.abs(M - M.T))) if M.size else 0.0
    scale = float(np.max(np.abs(M))) if M.size else 0.0
    if asym > sym_rtol * max(scale, np.finfo(float).tiny):
        i, j = np.unravel_index(np.argmax(np.abs(M - M.T)), M.shape)
        raise ValueError(
            f"the matrix is not symmetric: A[{i},{j}] = {M[i, j]:.6g} but A[{j},{i}] = {M[j, i]:.6g} "
            f"(max |A - A^T| = {asym:.3g}, more than {sym_rtol:g} * max|A|); a Hessian is symmetric -- "
            "symmetrise it with (A + A.T) / 2 if the asymmetry is rounding error"
        )
    return 0.5 * (M + M.T)


def operator_curvature(
    A: Any,
    *,
    n: int | None = None,
    rtol: float = DEFAULT_RTOL,
    tol: float | None = None,
    method: str = "auto",
    k: int = 3,
    dense_limit: int = DEFAULT_DENSE_LIMIT,
    lanczos_tol: float = 1e-10,
    seed: int = 0,
    sym_rtol: float = 1e-8,
) -> SpectrumReport:
    """Eigenvalues, inertia, definiteness and condition number of a symmetric
    matrix or operator.

    Parameters
    ----------
    A : array_like, sparse matrix, LinearOperator or callable
        A real symmetric matrix or operator (a callable ``v -> A v`` needs
        ``n``).  Dense input is checked exactly for symmetry; operators are
        checked on three random vectors.  Either failure, a non-square shape
        or non-finite entries raise ``ValueError``.
    n : int, optional
        Dimension (required for a callable).
    rtol : float, default 1e-8
        Eigenvalues with ``|λ| <= rtol * max|λ|`` count as zero.
    tol : float, optional
        Absolute zero tolerance (overrides ``rtol``).
    method : {"auto", "dense", "lanczos"}, default "auto"
        ``"dense"`` computes every eigenvalue (forming ``A`` from ``n``
        products if it is an operator); ``"lanczos"`` computes the ``k``
        smallest and ``k`` largest by Lanczos on the operator.  ``"auto"``
        picks dense for ``n <= dense_limit``.
    k : int, default 3
        Eigenvalues computed at each end by Lanczos.
    dense_limit : int, default 500
        Largest ``n`` analysed densely by ``"auto"``.
    lanczos_tol : float, default 1e-10
        Relative residual tolerance of the Lanczos eigenvalues.
    seed : int, default 0
        Seed of the Lanczos start vector and of the symmetry probes.
    sym_rtol : float, default 1e-8
        Relative tolerance of the symmetry check.

    Returns
    -------
    SpectrumReport

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.analysis import operator_curvature
    >>> rep = operator_curvature(np.array([[2.0, 2.0], [2.0, 6.0]]))
    >>> np.round(rep.eigenvalues, 6), rep.definiteness, round(rep.condition_number, 4)
    (array([1.171573, 6.828427]), 'positive definite', 5.8284)
    >>> operator_curvature(np.array([[1.0, 2.0], [0.0, 1.0]]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: the matrix is not symmetric: ...
    """
    if method not in ("auto", "dense", "lanczos"):
        raise ValueError(f"method must be 'auto', 'dense' or 'lanczos', got {method!r}")
    M = _dense_symmetric(A, sym_rtol)
    if M is not None:
        if n is not None and n != M.shape[0]:
            raise ValueError(f"n={n} does not match the matrix shape {M.shape}")
        N = M.shape[0]
        if method == "lanczos" and 2 * k < N:
            return lanczos_report(as_symmetric_operator(M), N, k, rtol, tol, lanczos_tol, seed)
        vals, vecs = np.linalg.eigh(M)
        return spectrum_from_eigenpairs(vals, vecs, zero_tolerance(vals, rtol, tol), N)
    op = as_symmetric_operator(A, n, check_symmetry=True, rtol=sym_rtol, seed=seed)
    N = op.shape[0]
    use_dense = method == "dense" or (method == "auto" and N <= dense_limit) or 2 * k >= N
    if use_dense:
        n0 = op.n_matvec
        Mo = op.matmat(np.eye(N))
        asym = float(np.max(np.abs(Mo - Mo.T)))
        if asym > sym_rtol * max(float(np.max(np.abs(Mo))), np.finfo(float).tiny):
            raise ValueError(f"the operator is not symmetric (max |A - A^T| = {asym:.3g} on the formed matrix)")
        vals, vecs = np.linalg.eigh(0.5 * (Mo + Mo.T))
        return spectrum_from_eigenpairs(vals, vecs, zero_tolerance(vals, rtol, tol), N, "dense", op.n_matvec - n0)
    return lanczos_report(op, N, k, rtol, tol, lanczos_tol, seed)


def lanczos_report(op, N, k, rtol, tol, lanczos_tol, seed) -> SpectrumReport:
    """The report of the ``k`` smallest and ``k`` largest eigenvalues of the
    ``N x N`` operator ``op``, by Lanczos."""
    res = _eigenvalues(op, k=2 * k, which="BE", tol=lanczos_tol, seed=seed)
    vals = np.asarray(res.values)
    return spectrum_from_extremes(vals, res.vectors, zero_tolerance(vals, rtol, tol), N, res.n_matvec)
