"""Sparse test functions with known structural Hessian patterns.

Each :class:`SparseProblem` bundles a scalar function ``f(x)`` of a vector
``x`` (any admissible size ``n``), a starting-point generator and a builder
of the *structural* Hessian pattern, written independently of ``f`` from the
formula (index arithmetic only, no tracing).  A structural nonzero is an
entry that is nonzero for generic ``x``; entries that vanish only at special
points (e.g. where two variables are equal) are included.

The functions use plain NumPy (ufuncs, slicing, reductions, ``@``,
``np.einsum``, ``np.concatenate``): no ``np.array([...])`` of computed
values and no in-place assignment, so osculate can trace them for
derivatives and for sparsity detection.  Constant data (the random matrix of
the sparse quadratic, the design matrices of the logistic regressions) is
generated from a fixed seed per ``n``, so ``f`` is a pure function.

=====================  ==============================  =====================
name                   Hessian structure               admissible n
=====================  ==============================  =====================
chained_rosenbrock     tridiagonal (3 diagonals)       n >= 2
broyden_tridiagonal    pentadiagonal (least squares)   n >= 3
band9                  9 diagonals (couplings k <= 4)  n >= 5
arwhead                diagonal + last row/column      n >= 2
arrowhead              diagonal + first row/column     n >= 2
dixmaan                diagonal, 1st, m-th, 2m-th      n = 3m, m >= 2
                       off-diagonals
bratu2d                5-point stencil on an m x m     n = m², m >= 2
                       grid
extended_powell        4 x 4 blocks without (1,3),     n = 4k
                       (2,4)
block_logistic         dense 5 x 5 diagonal blocks     n = 5k
sparse_quadratic       pattern of a seeded sparse Q    n >= 2
dense_row              dense (one dense residual row)  n >= 1
=====================  ==============================  =====================

>>> import numpy as np
>>> from osculate.testing.sparse_problems import get_sparse_problem
>>> p = get_sparse_problem("chained_rosenbrock")
>>> p.expected_pattern(4).toarray().astype(int)
array([[1, 1, 0, 0],
       [1, 1, 1, 0],
       [0, 1, 1, 1],
       [0, 0, 1, 1]])
>>> float(p.f(np.ones(4)))
0.0
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np
import scipy.sparse as sp

__all__ = ["SparseProblem", "SPARSE_PROBLEMS", "get_sparse_problem", "symmetric_pattern", "band_pattern"]


@dataclass(frozen=True)
class SparseProblem:
    """A scalar test function with a known structural Hessian pattern.

    Attributes
    ----------
    name : str
        Registry name.
    f : callable
        ``f(x) -> scalar`` for a 1-D ``x`` of an admissible size; traceable.
    n : int
        Default (small, test-sized) dimension.
    x0 : callable
        ``x0(n, seed=0) -> ndarray`` a generic (seeded) point.
    expected_pattern : callable
        ``expected_pattern(n) -> scipy.sparse.csr_matrix`` (bool, symmetric,
        sorted indices): the structural Hessian pattern, built from the
        formula by index arithmetic.
    admissible : callable
        ``admissible(n) -> bool``.
    diagonals : int or None
        Number of nonzero diagonals when the pattern is banded.
    residual : callable or None
        For least-squares problems (``f = sum(residual(x)**2)``): the vector
        residual, used to test sparse Jacobians.
    jacobian_pattern : callable or None
        ``jacobian_pattern(n)``: structural pattern of the residual's Jacobian.
    description : str
    """

    name: str
    f: Callable
    n: int
    x0: Callable
    expected_pattern: Callable
    admissible: Callable = lambda n: n >= 2
    diagonals: int | None = None
    residual: Callable | None = None
    jacobian_pattern: Callable | None = None
    description: str = ""

    def __call__(self, x):
        return self.f(x)

    def check_n(self, n):
        if not self.admissible(int(n)):
            raise ValueError(f"sparse problem {self.name!r}: n = {n} is not an admissible size")
        return int(n)


# --------------------------------------------------------------------------- pattern helpers


def symmetric_pattern(n, rows, cols, diagonal=True):
    """Boolean symmetric CSR pattern from index pairs (each pair added both ways).

    >>> symmetric_pattern(3, [0], [2], diagonal=False).toarray().astype(int)
    array([[0, 0, 1],
           [0, 0, 0],
           [1, 0, 0]])
    """
    rows = np.asarray(rows, dtype=np.int64).ravel()
    cols = np.asarray(cols, dtype=np.int64).ravel()
    if diagonal:
        d = np.arange(n, dtype=np.int64)
        rows, cols = np.concatenate([rows, d]), np.concatenate([cols, d])
    return _rect_pattern(n, n, np.concatenate([rows, cols]), np.concatenate([cols, rows]))


def band_pattern(n, half):
    """All entries with ``|i - j| <= half``."""
    rows, cols = [], []
    for k in range(1, half + 1):
        i = np.arange(n - k)
        rows.append(i)
        cols.append(i + k)
    if not rows:
        return symmetric_pattern(n, [], [])
    return symmetric_pattern(n, np.concatenate(rows), np.concatenate(cols))


def _rect_pattern(m, n, rows, cols):
    """Boolean ``m × n`` CSR pattern with ``True`` at each ``(rows[k], cols[k])``."""
    rows = np.asarray(rows, dtype=np.int64).ravel()
    cols = np.asarray(cols, dtype=np.int64).ravel()
    P = sp.coo_matrix((np.ones(rows.size, dtype=bool), (rows, cols)), shape=(m, n)).tocsr()
    P.sum_duplicates()
    P.sort_indices()
    P.data[:] = True
    return P


def _uniform(lo, hi):
    def x0(n, seed=0):
        return np.random.default_rng(seed).uniform(lo, hi, n)

    return x0


# --------------------------------------------------------------------------- 1. chained Rosenbrock


def _rosenbrock_residual(x):
    return np.concatenate([10.0 * (x[1:] - x[:-1] ** 2), 1.0 - x[:-1]])


def chained_rosenbrock(x):
    """``sum_i 100 (x_{i+1} - x_i²)² + (1 - x_i)²``."""
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def chained_rosenbrock_hessian_diagonal(x):
    """The exact diagonal of the Hessian of :func:`chained_rosenbrock`:
    ``1200 x_i² - 400 x_{i+1} + 2`` from the term ``i``, plus ``200`` from the
    term ``i - 1``.

    >>> chained_rosenbrock_hessian_diagonal(np.array([1.0, 1.0, 1.0]))
    array([ 802., 1002.,  200.])
    """
    d = np.zeros_like(x)
    d[:-1] += 1200.0 * x[:-1] ** 2 - 400.0 * x[1:] + 2.0
    d[1:] += 200.0
    return d


def _rosenbrock_jac(n):
    i = np.arange(n - 1)
    rows = np.concatenate([i, i, n - 1 + i])
    cols = np.concatenate([i, i + 1, i])
    return _rect_pattern(2 * (n - 1), n, rows, cols)


# --------------------------------------------------------------------------- 2. Broyden tridiagonal


def _broyden_residual(x):
    zero = np.zeros(1)
    left = np.concatenate([zero, x[:-1]])
    right = np.concatenate([x[1:], zero])
    return (3.0 - 2.0 * x) * x - left - 2.0 * right + 1.0


def broyden_tridiagonal(x):
    """``sum_i r_i²`` with ``r_i = (3 - 2x_i) x_i - x_{i-1} - 2 x_{i+1} + 1`` (``x_0 = x_{n+1} = 0``)."""
    r = _broyden_residual(x)
    return np.sum(r * r)


def _broyden_jac(n):
    i = np.arange(n)
    rows = np.concatenate([i, i[1:], i[:-1]])
    cols = np.concatenate([i, i[1:] - 1, i[:-1] + 1])
    return _rect_pattern(n, n, rows, cols)


# --------------------------------------------------------------------------- 3. nine diagonals


_BAND9_C = (1.0, 0.5, 0.25, 0.125)


def band9(x):
    """``sum_i x_i⁴/4 + sum_{k=1..4} c_k sum_i cos(x_i x_{i+k})``: 9 nonzero diagonals."""
    out = 0.25 * np.sum(x**4)
    for k, c in enumerate(_BAND9_C, start=1):
        out = out + c * np.sum(np.cos(x[:-k] * x[k:]))
    return out


# --------------------------------------------------------------------------- 4. ARWHEAD


def arwhead(x):
    """ARWHEAD (CUTEst): ``sum_{i<n} (-4 x_i + 3) + (x_i² + x_n²)²``."""
    return np.sum(-4.0 * x[:-1] + 3.0 + (x[:-1] ** 2 + x[-1] ** 2) ** 2)


def _arwhead_pattern(n):
    i = np.arange(n - 1)
    return symmetric_pattern(n, i, np.full(n - 1, n - 1))


# --------------------------------------------------------------------------- 5. arrowhead (hub first)


def arrowhead(x):
    """``(x_1 - 1)² + sum_{i>1} (x_1 - x_i²)²``: diagonal plus the first row and column."""
    return (x[0] - 1.0) ** 2 + np.sum((x[0] - x[1:] ** 2) ** 2)


def _arrowhead_pattern(n):
    i = np.arange(1, n)
    return symmetric_pattern(n, np.zeros(n - 1), i)


# --------------------------------------------------------------------------- 6. DIXMAAN (type B)


def dixmaan(x):
    """DIXMAANB (Dixon–Maany, CUTEst) with ``n = 3m``: α = 1, β = γ = δ = 1/16, all kᵢ = 0.

    ``1 + sum α x_i² + sum_{i<n} β x_i² (x_{i+1} + x_{i+1}²)² + sum_{i<=2m} γ x_i² x_{i+m}⁴
    + sum_{i<=m} δ x_i x_{i+2m}``.
    """
    m = x.shape[0] // 3
    return (
        1.0
        + np.sum(x**2)
        + 0.0625 * np.sum(x[:-1] ** 2 * (x[1:] + x[1:] ** 2) ** 2)
        + 0.0625 * np.sum(x[: 2 * m] ** 2 * x[m:] ** 4)
        + 0.0625 * np.sum(x[:m] * x[2 * m :])
    )


def _dixmaan_pattern(n):
    m = n // 3
    rows = np.concatenate([np.arange(n - 1), np.arange(2 * m), np.arange(m)])
    cols = np.concatenate([np.arange(1, n), np.arange(2 * m) + m, np.arange(m) + 2 * m])
    return symmetric_pattern(n, rows, cols)


# --------------------------------------------------------------------------- 7. 2-D Bratu energy


_BRATU_LAMBDA = 1.0


def bratu2d(x):
    """Bratu energy on an ``m × m`` grid (``n = m²``, ``h = 1/(m+1)``):
    ``½ sum |∇u|² - λ h² sum exp(u)`` with differences inside the grid."""
    m = int(round(np.sqrt(x.shape[0])))
    u = np.reshape(x, (m, m))
    h2 = 1.0 / (m + 1) ** 2
    du = u[1:, :] - u[:-1, :]
    dv = u[:, 1:] - u[:, :-1]
    return 0.5 * (np.sum(du**2) + np.sum(dv**2)) - _BRATU_LAMBDA * h2 * np.sum(np.exp(u))


def laplacian_energy(x):
    """``½ sum |∇u|²`` on an ``m × m`` grid (quadratic; same pattern as :func:`bratu2d`)."""
    m = int(round(np.sqrt(x.shape[0])))
    u = np.reshape(x, (m, m))
    return 0.5 * (np.sum((u[1:, :] - u[:-1, :]) ** 2) + np.sum((u[:, 1:] - u[:, :-1]) ** 2))


def grid_pattern(n):
    """5-point stencil pattern of an ``m × m`` grid, ``n = m²`` (row-major numbering)."""
    m = int(round(np.sqrt(n)))
    idx = np.arange(n).reshape(m, m)
    rows = np.concatenate([idx[:-1, :].ravel(), idx[:, :-1].ravel()])
    cols = np.concatenate([idx[1:, :].ravel(), idx[:, 1:].ravel()])
    return symmetric_pattern(n, rows, cols)


def _is_square(n):
    m = int(round(np.sqrt(n)))
    return m >= 2 and m * m == n


# --------------------------------------------------------------------------- 8. extended Powell singular


def _powell_residual(x):
    x1, x2, x3, x4 = x[0::4], x[1::4], x[2::4], x[3::4]
    return np.concatenate([x1 + 10.0 * x2, np.sqrt(5.0) * (x3 - x4), (x2 - 2.0 * x3) ** 2, np.sqrt(10.0) * (x1 - x4) ** 2])


def extended_powell(x):
    """Extended Powell singular function (MGH 22) as ``sum r²``: per block of four,
    pairs (1,2), (3,4), (2,3), (1,4) and the diagonal; never (1,3) or (2,4)."""
    r = _powell_residual(x)
    return np.sum(r * r)


def _powell_pattern(n):
    b = np.arange(0, n, 4)
    rows = np.concatenate([b, b + 2, b + 1, b])
    cols = np.concatenate([b + 1, b + 3, b + 2, b + 3])
    return symmetric_pattern(n, rows, cols)


def _powell_jac(n):
    k = n // 4
    b = np.arange(0, n, 4)
    blk = np.arange(k)
    rows = np.concatenate([blk, blk, k + blk, k + blk, 2 * k + blk, 2 * k + blk, 3 * k + blk, 3 * k + blk])
    cols = np.concatenate([b, b + 1, b + 2, b + 3, b + 1, b + 2, b, b + 3])
    return _rect_pattern(n, n, rows, cols)


# --------------------------------------------------------------------------- 9. block-diagonal logistic regression

_LOGIT_D = 5  # parameters per block
_LOGIT_N = 12  # observations per block


@functools.lru_cache(maxsize=8)
def _logistic_data(n):
    k = n // _LOGIT_D
    r = np.random.default_rng(1000 + n)
    A = r.standard_normal((k, _LOGIT_N, _LOGIT_D))
    y = np.where(r.uniform(size=(k, _LOGIT_N)) < 0.5, -1.0, 1.0)
    A.flags.writeable = False
    y.flags.writeable = False
    return A, y


def block_logistic(x):
    """``n / 5`` independent logistic regressions (5 weights, 12 observations
    each) with a ridge term: ``sum log(1 + exp(-y a·w)) + ½·0.1 |w|²``."""
    A, y = _logistic_data(x.shape[0])
    W = np.reshape(x, (A.shape[0], _LOGIT_D))
    z = np.einsum("knd,kd->kn", A, W)
    return np.sum(np.logaddexp(0.0, -y * z)) + 0.05 * np.sum(x * x)


def _block_pattern(n):
    d = _LOGIT_D
    rows, cols = [], []
    iu, ju = np.triu_indices(d, 1)
    for s in range(0, n, d):
        rows.append(s + iu)
        cols.append(s + ju)
    return symmetric_pattern(n, np.concatenate(rows), np.concatenate(cols))


# --------------------------------------------------------------------------- 10. sparse quadratic


@functools.lru_cache(maxsize=8)
def sparse_quadratic_matrix(n):
    """The seeded symmetric ``Q`` (dense array with structural zeros, about
    ``3/n`` density off the diagonal, and some zero diagonal entries)."""
    r = np.random.default_rng(2000 + n)
    mask = r.uniform(size=(n, n)) < min(1.0, 3.0 / n)
    vals = r.uniform(0.5, 1.5, (n, n)) * r.choice([-1.0, 1.0], (n, n))
    Q = np.triu(np.where(mask, vals, 0.0), 1)
    Q = Q + Q.T
    diag = np.where(r.uniform(size=n) < 0.7, r.uniform(1.0, 2.0, n), 0.0)
    Q = Q + np.diag(diag)
    Q.flags.writeable = False
    return Q


def sparse_quadratic(x):
    """``xᵀ Q x`` written as ``x @ (Q @ x)`` with ``Q`` a dense NumPy array containing zeros."""
    Q = sparse_quadratic_matrix(x.shape[0])
    return x @ (Q @ x)


def _quadratic_pattern(n):
    Q = sparse_quadratic_matrix(n)
    i, j = np.nonzero(Q)
    return symmetric_pattern(n, i, j, diagonal=False)


# --------------------------------------------------------------------------- 11. one dense residual row


def _dense_row_residual(x):
    return np.concatenate([np.reshape(np.sum(x), (1,)), x**2])


def dense_row(x):
    """``(sum x)² + sum x⁴``: least squares whose residual Jacobian has one dense
    row, so the Hessian is dense."""
    return np.sum(x) ** 2 + np.sum(x**4)


def _dense_pattern(n):
    i, j = np.triu_indices(n, 1)
    return symmetric_pattern(n, i, j)


def _dense_row_jac(n):
    i = np.arange(n)
    return _rect_pattern(n + 1, n, np.concatenate([np.zeros(n), 1 + i]), np.concatenate([i, i]))


# --------------------------------------------------------------------------- registry

SPARSE_PROBLEMS: dict[str, SparseProblem] = {
    p.name: p
    for p in [
        SparseProblem(
            "chained_rosenbrock", chained_rosenbrock, 12, _uniform(-1.0, 1.0), lambda n: band_pattern(n, 1),
            diagonals=3, residual=_rosenbrock_residual, jacobian_pattern=_rosenbrock_jac,
            description="chained Rosenbrock (tridiagonal)",
        ),
        SparseProblem(
            "broyden_tridiagonal", broyden_tridiagonal, 12, _uniform(-1.0, 1.0), lambda n: band_pattern(n, 2),
            admissible=lambda n: n >= 3, diagonals=5, residual=_broyden_residual, jacobian_pattern=_broyden_jac,
            description="Broyden tridiagonal residuals, sum of squares (pentadiagonal)",
        ),
        SparseProblem(
            "band9", band9, 15, _uniform(-1.0, 1.0), lambda n: band_pattern(n, 4),
            admissible=lambda n: n >= 5, diagonals=9, description="nonlinear couplings x_i x_{i+k}, k <= 4",
        ),
        SparseProblem("arwhead", arwhead, 10, _uniform(-1.0, 1.0), _arwhead_pattern, description="ARWHEAD"),
        SparseProblem("arrowhead", arrowhead, 10, _uniform(-1.0, 1.0), _arrowhead_pattern,
                      description="arrowhead with the hub first"),
        SparseProblem(
            "dixmaan", dixmaan, 15, _uniform(-1.0, 1.0), _dixmaan_pattern,
            admissible=lambda n: n % 3 == 0 and n >= 6, description="DIXMAANB",
        ),
        SparseProblem("bratu2d", bratu2d, 25, _uniform(-0.5, 0.5), grid_pattern, admissible=_is_square,
                      description="2-D Bratu energy, 5-point stencil"),
        SparseProblem(
            "extended_powell", extended_powell, 12, _uniform(-1.0, 1.0), _powell_pattern,
            admissible=lambda n: n % 4 == 0 and n >= 4, residual=_powell_residual, jacobian_pattern=_powell_jac,
            description="extended Powell singular (4 x 4 blocks)",
        ),
        SparseProblem(
            "block_logistic", block_logistic, 15, _uniform(-1.0, 1.0), _block_pattern,
            admissible=lambda n: n % _LOGIT_D == 0 and n >= _LOGIT_D,
            description="block-diagonal logistic regression (5 x 5 blocks)",
        ),
        SparseProblem("sparse_quadratic", sparse_quadratic, 16, _uniform(-1.0, 1.0), _quadratic_pattern,
                      description="x @ (Q @ x) with a seeded sparse Q"),
        SparseProblem(
            "dense_row", dense_row, 8, _uniform(-1.0, 1.0), _dense_pattern, admissible=lambda n: n >= 1,
            residual=_dense_row_residual, jacobian_pattern=_dense_row_jac,
            description="(sum x)^2 + sum x^4: one dense residual row, dense Hessian",
        ),
    ]
}


def get_sparse_problem(name):
    """Look a problem up by name (see :data:`SPARSE_PROBLEMS`)."""
    try:
        return SPARSE_PROBLEMS[name]
    except KeyError:
        raise KeyError(f"unknown sparse problem {name!r}; choose one of {sorted(SPARSE_PROBLEMS)}") from None
