"""Sparse derivative matrices: colouring and compressed evaluation."""

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
]
