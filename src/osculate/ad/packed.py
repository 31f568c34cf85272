"""Packed symmetric storage for dense Hessians.

A symmetric ``n × n`` matrix is determined by its upper triangle: ``n(n+1)/2``
numbers instead of ``n²`` — about half the memory.  :class:`SymmetricMatrix`
keeps exactly that (row-major upper triangle, which is LAPACK's column-major
*lower* packed layout, so BLAS ``dspmv`` multiplies it without unpacking).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.linalg import blas
from scipy.sparse.linalg import LinearOperator

__all__ = ["SymmetricMatrix"]


def _upper_indices(n):
    return np.triu_indices(n)


class SymmetricMatrix:
    """A symmetric matrix stored as its packed upper triangle.

    Parameters
    ----------
    packed:
        The upper triangle row by row, ``n(n+1)/2`` values.
    n:
        The matrix order.

    >>> import numpy as np
    >>> S = SymmetricMatrix.from_dense(np.array([[2.0, 1.0], [1.0, 3.0]]))
    >>> S.packed
    array([2., 1., 3.])
    >>> S @ np.array([1.0, 1.0])
    array([3., 4.])
    >>> S.to_dense()
    array([[2., 1.],
           [1., 3.]])
    """

    __array_priority__ = 100

    def __init__(self, packed, n):
        packed = np.ascontiguousarray(packed)
        if packed.ndim != 1 or packed.size != n * (n + 1) // 2:
            raise ValueError(f"SymmetricMatrix: packed must have n(n+1)/2 = {n * (n + 1) // 2} entries, got {packed.size}")
        self.packed = packed
        self.n = int(n)

    @classmethod
    def from_dense(cls, a, check=True, rtol=1e-12):
        a = np.asarray(a)
        if a.ndim != 2 or a.shape[0] != a.shape[1]:
            raise ValueError(f"SymmetricMatrix.from_dense: expected a square matrix, got shape {a.shape}")
        if check and not np.allclose(a, a.T, rtol=rtol, atol=0.0):
            raise ValueError("SymmetricMatrix.from_dense: the matrix is not symmetric")
        return cls(a[_upper_indices(a.shape[0])], a.shape[0])

    shape = property(lambda self: (self.n, self.n))
    dtype = property(lambda self: self.packed.dtype)
    nbytes = property(lambda self: self.packed.nbytes)

    def __repr__(self):
        return f"SymmetricMatrix(n={self.n}, packed {self.packed.size} of {self.n * self.n} entries)"

    def to_dense(self):
        out = np.empty((self.n, self.n), dtype=self.dtype)
        iu = _upper_indices(self.n)
        out[iu] = self.packed
        out.T[iu] = self.packed
        return out

    def __array__(self, dtype=None, copy=None):
        d = self.to_dense()
        return d if dtype is None else d.astype(dtype)

    def diagonal(self):
        n = self.n
        starts = np.arange(n) * n - np.arange(n) * (np.arange(n) - 1) // 2
        return self.packed[starts]

    def matvec(self, v):
        v = np.asarray(v, dtype=np.result_type(self.dtype, np.float64))
        if v.shape[0] != self.n:
            raise ValueError(f"SymmetricMatrix @: expected a vector of length {self.n}, got shape {v.shape}")
        ap = self.packed.astype(np.float64, copy=False)
        if v.ndim == 1:
            return blas.dspmv(self.n, 1.0, ap, v, lower=1)
        return np.stack([blas.dspmv(self.n, 1.0, ap, np.ascontiguousarray(c), lower=1) for c in v.T], axis=1)

    def __matmul__(self, v):
        return self.matvec(v)

    def __rmatmul__(self, v):
        return self.matvec(np.asarray(v).T).T

    def tocoo(self, upper=False):
        """As ``scipy.sparse.coo_matrix`` (full symmetric, or the upper triangle only)."""
        i, j = _upper_indices(self.n)
        if upper:
            return sp.coo_matrix((self.packed, (i, j)), shape=self.shape)
        off = i != j
        rows = np.concatenate([i, j[off]])
        cols = np.concatenate([j, i[off]])
        vals = np.concatenate([self.packed, self.packed[off]])
        return sp.coo_matrix((vals, (rows, cols)), shape=self.shape)

    def tocsr(self, upper=False):
        return self.tocoo(upper).tocsr()

    def aslinearoperator(self):
        return LinearOperator(self.shape, matvec=self.matvec, matmat=self.matvec, rmatvec=self.matvec, dtype=self.dtype)
