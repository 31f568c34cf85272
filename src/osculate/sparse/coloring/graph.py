"""Sparsity patterns as graphs: input checks and canonical CSR structures.

Every colouring starts here.  :func:`pattern_entries` accepts whatever the
user passes as a pattern (any SciPy sparse format, or a dense 2-D array-like)
and returns the coordinates of its nonzeros; the two structures built from
them are

:class:`Graph`
    the adjacency graph of a symmetric pattern: undirected, no self-loops,
    sorted CSR rows -- what star and acyclic colourings work on;
:class:`JacobianPattern`
    the row-by-row structure of an ``m x n`` Jacobian pattern, from which the
    column intersection graph of a column colouring is formed.

Both hold only index arrays (``int64``), never values.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = [
    "CSRStructure",
    "Graph",
    "JacobianPattern",
    "pattern_entries",
    "symmetric_graph",
    "jacobian_pattern",
]


def _as_coo(pattern: Any, name: str):
    if sp.issparse(pattern):
        if pattern.ndim != 2:
            raise ValueError(f"{name} must be 2-D, got a {pattern.ndim}-D sparse array")
        return pattern.tocoo()
    if isinstance(pattern, (str, bytes)) or pattern is None:
        raise TypeError(
            f"{name} must be a scipy.sparse matrix or array, got {type(pattern).__name__}"
        )
    arr = np.asarray(pattern)
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D sparse matrix, got an array with shape {arr.shape}"
        )
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(
            f"{name} must be a scipy.sparse matrix or a numeric array, got dtype {arr.dtype}"
        )
    return sp.coo_array(arr)


def pattern_entries(pattern: Any, name: str) -> tuple[tuple[int, int], np.ndarray, np.ndarray]:
    """``(shape, rows, cols)`` of the stored nonzero entries of ``pattern``.

    ``name`` is the argument name used in error messages.  Duplicates may be
    present; explicitly stored zeros are dropped.

    Examples
    --------
    >>> import numpy as np
    >>> shape, rows, cols = pattern_entries(np.array([[0, 2], [3, 0]]), "pattern")
    >>> shape, rows.tolist(), cols.tolist()
    ((2, 2), [0, 1], [1, 0])
    """
    coo = _as_coo(pattern, name)
    shape = (int(coo.shape[0]), int(coo.shape[1]))
    keep = np.asarray(coo.data) != 0
    rows = np.asarray(coo.row)
    cols = np.asarray(coo.col)
    if not keep.all():
        rows, cols = rows[keep], cols[keep]
    return shape, rows, cols


@dataclasses.dataclass(frozen=True, eq=False)
class CSRStructure:
    """Sorted, duplicate-free CSR index arrays (``int64``) of a pattern."""

    shape: tuple[int, int]
    indptr: np.ndarray
    indices: np.ndarray

    @classmethod
    def from_entries(
        cls, shape: tuple[int, int], rows: np.ndarray, cols: np.ndarray, symmetrise: bool = False
    ):
        """Structure of the entries ``(rows[k], cols[k])``, duplicates merged.

        SciPy's compiled COO -> CSR conversion sums duplicates and sorts the
        column indices, which is cheaper than a global sort of linear keys.
        With ``symmetrise`` the transposed entries are added.
        """
        ones = np.ones(rows.size, dtype=np.int32)
        P = sp.coo_array((ones, (rows, cols)), shape=shape).tocsr()
        if symmetrise:
            P = (P + P.T).tocsr()
        P.sort_indices()
        return cls(shape, P.indptr.astype(np.int64), P.indices.astype(np.int64))

    @functools.cached_property
    def rows(self) -> np.ndarray:
        """Row index of every stored position (the companion of ``indices``)."""
        return np.repeat(np.arange(self.shape[0], dtype=np.int64), np.diff(self.indptr))


@dataclasses.dataclass(frozen=True, eq=False)
class Graph(CSRStructure):
    """Undirected simple graph on ``n`` vertices (symmetric, no loops, sorted rows)."""

    @classmethod
    def from_edges(cls, n: int, rows: np.ndarray, cols: np.ndarray) -> Graph:
        """Graph with an edge for every pair ``(rows[k], cols[k])``; loops are dropped."""
        off = rows != cols
        return cls.from_entries((n, n), rows[off], cols[off], symmetrise=True)

    @property
    def n(self) -> int:
        return self.shape[0]

    @functools.cached_property
    def degrees(self) -> np.ndarray:
        return np.diff(self.indptr)

    @functools.cached_property
    def rev(self) -> np.ndarray:
        """``rev[p]`` is the CSR position of the transposed entry of position ``p``.

        Positions are sorted by (row, col); a stable sort by column therefore
        lists them in (col, row) order, which is the CSR order of the transpose.
        Since the structure is symmetric the transpose has the same positions.
        """
        return np.argsort(self.indices, kind="stable")


@dataclasses.dataclass(frozen=True, eq=False)
class JacobianPattern(CSRStructure):
    """Structure of an ``m x n`` Jacobian pattern."""

    @property
    def m(self) -> int:
        return self.shape[0]

    @property
    def n(self) -> int:
        return self.shape[1]

    def column_intersection_graph(self) -> Graph:
        """Graph on the columns; two columns are adjacent iff they share a row."""
        P = sp.csr_array(
            (np.ones(self.indices.size, dtype=np.int64), self.indices, self.indptr),
            shape=self.shape,
        )
        C = (P.T @ P).tocoo()
        return Graph.from_edges(self.n, np.asarray(C.row), np.asarray(C.col))


def symmetric_graph(pattern: Any, name: str = "pattern") -> Graph:
    """Adjacency graph of the off-diagonal nonzeros of a square pattern (symmetrised).

    Examples
    --------
    >>> import numpy as np
    >>> g = symmetric_graph(np.array([[1, 1, 0], [0, 1, 1], [0, 0, 1]]))
    >>> g.n, g.degrees.tolist(), g.indices.tolist()
    (3, [1, 2, 1], [1, 0, 2, 1])
    """
    (m, n), rows, cols = pattern_entries(pattern, name)
    if m != n:
        raise ValueError(
            f"{name} must be square (n x n) for a symmetric colouring, got shape ({m}, {n})"
        )
    return Graph.from_edges(n, rows, cols)


def jacobian_pattern(pattern: Any, name: str = "pattern") -> JacobianPattern:
    """Canonical structure of a (rectangular) Jacobian pattern."""
    shape, rows, cols = pattern_entries(pattern, name)
    return JacobianPattern.from_entries(shape, rows, cols)
