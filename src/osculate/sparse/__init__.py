"""Sparse derivative matrices: pattern detection, colouring and compressed
evaluation (sparse Hessians and Jacobians; the colouring engine of
:func:`osculate.hessian_diagonal` is :func:`osculate.sparse.compressed.diagonal_by_coloring`)."""

from .coloring import (
    ORDERINGS,
    AcyclicColoring,
    Coloring,
    ColumnColoring,
    StarColoring,
    acyclic_coloring,
    column_coloring,
    is_acyclic_coloring,
    is_column_coloring,
    is_star_coloring,
    star_coloring,
    vertex_order,
)
from .compressed import SparseHessian, SparseJacobian, sparse_hessian, sparse_jacobian
from .detect import hessian_sparsity, jacobian_sparsity

__all__ = [
    "ORDERINGS",
    "AcyclicColoring",
    "Coloring",
    "ColumnColoring",
    "StarColoring",
    "acyclic_coloring",
    "column_coloring",
    "is_acyclic_coloring",
    "is_column_coloring",
    "is_star_coloring",
    "star_coloring",
    "vertex_order",
    "SparseHessian",
    "SparseJacobian",
    "sparse_hessian",
    "sparse_jacobian",
    "hessian_sparsity",
    "jacobian_sparsity",
]
