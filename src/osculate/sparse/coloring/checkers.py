"""Independent validity checks of colourings, simple and slow on purpose.

They share nothing with the greedy algorithms but the input checks of
:func:`.graph.pattern_entries`, so the tests can use them as ground truth.
Each takes

``pattern``
    a sparsity pattern as the colouring functions accept it: square for the
    symmetric checks (symmetrised, the diagonal ignored), ``m x n`` for
    :func:`is_column_coloring`;
``colors``
    one integer per vertex (column), array_like of shape ``(n,)``;

returns a plain ``bool`` and raises ``ValueError`` when ``colors`` has the
wrong length or type (or a symmetric check gets a non-square pattern).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .graph import pattern_entries

__all__ = ["is_star_coloring", "is_acyclic_coloring", "is_column_coloring"]


def _color_list(colors: Any, n: int) -> list[int]:
    arr = np.asarray(colors)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"colors must be a 1-D array of length {n}, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"colors must contain integers, got dtype {arr.dtype}")
    return arr.tolist()


def _adjacency_sets(pattern: Any, colors: Any) -> tuple[list[set[int]], list[int]]:
    """Neighbour sets of the symmetrised off-diagonal pattern, and the colours as a list."""
    (m, n), rows, cols = pattern_entries(pattern, "pattern")
    if m != n:
        raise ValueError(f"pattern must be square (n x n), got shape ({m}, {n})")
    adj: list[set[int]] = [set() for _ in range(n)]
    for a, b in zip(rows.tolist(), cols.tolist()):
        if a != b:
            adj[a].add(b)
            adj[b].add(a)
    return adj, _color_list(colors, n)


def is_star_coloring(pattern: Any, colors: Any) -> bool:
    """Whether ``colors`` is a star colouring of ``pattern``, checked by brute force.

    Adjacent vertices must have different colours, and no path
    ``v - w - x - y`` on four distinct vertices may alternate between two
    colours.

    >>> import numpy as np, scipy.sparse as sp
    >>> path = sp.diags_array([np.ones(3)], offsets=[1], shape=(4, 4))
    >>> is_star_coloring(path, [0, 1, 0, 2]), is_star_coloring(path, [0, 1, 0, 1])
    (True, False)
    """
    adj, col = _adjacency_sets(pattern, colors)
    for w, nw in enumerate(adj):
        for x in nw:
            if col[w] == col[x]:
                return False
            for v in nw:
                if v == x or col[v] != col[x]:
                    continue
                for y in adj[x]:
                    if y != w and y != v and col[y] == col[w]:
                        return False
    return True


def is_acyclic_coloring(pattern: Any, colors: Any) -> bool:
    """Whether ``colors`` is proper on ``pattern`` and has no two-coloured cycle.

    For every pair of colours the edges joining them are fed to a union-find
    structure; an edge whose ends are already connected closes a cycle.

    >>> import numpy as np, scipy.sparse as sp
    >>> ring = sp.diags_array([np.ones(3)], offsets=[1], shape=(4, 4)).tolil()
    >>> ring[0, 3] = 1
    >>> is_acyclic_coloring(ring, [0, 1, 0, 2]), is_acyclic_coloring(ring, [0, 1, 0, 1])
    (True, False)
    """
    adj, col = _adjacency_sets(pattern, colors)
    parent: dict[tuple[int, int, int], tuple[int, int, int]] = {}

    def find(a):
        root = a
        while parent.get(root, root) != root:
            root = parent[root]
        while a != root:  # path compression
            parent[a], a = root, parent[a]
        return root

    for v, nv in enumerate(adj):
        for w in nv:
            if w < v:
                continue
            if col[v] == col[w]:
                return False
            pair = (min(col[v], col[w]), max(col[v], col[w]))
            rv, rw = find((v, *pair)), find((w, *pair))
            if rv == rw:
                return False
            parent[rv] = rw
    return True


def is_column_coloring(pattern: Any, colors: Any) -> bool:
    """Whether columns of ``pattern`` that share a row have different colours.

    >>> import numpy as np
    >>> J = np.array([[1, 1, 0], [0, 1, 1]])
    >>> is_column_coloring(J, [0, 1, 0]), is_column_coloring(J, [0, 0, 1])
    (True, False)
    """
    (m, n), rows, cols = pattern_entries(pattern, "pattern")
    col = _color_list(colors, n)
    used: dict[int, dict[int, int]] = {}
    for r, j in zip(rows.tolist(), cols.tolist()):
        row_colors = used.setdefault(r, {})
        other = row_colors.setdefault(col[j], j)
        if other != j:
            return False
    return True
