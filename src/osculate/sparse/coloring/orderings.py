"""Vertex orderings: the order in which a greedy colouring visits the vertices.

A greedy colouring gives each vertex the smallest colour its already
coloured neighbours allow, so the number of colours depends on the visiting
order.  :data:`ORDERINGS` names the orderings on offer; the colouring
functions and :func:`vertex_order` accept one of these names or an explicit
permutation.

The two dynamic orderings, smallest-last and incidence-degree, take one
vertex at a time and update a key of its neighbours (the remaining degree,
respectively the number of neighbours already taken).  Both run on the same
bucket queue, :func:`_bucket_elimination`, in ``O(n + nnz)``.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .graph import Graph, symmetric_graph

__all__ = ["ORDERINGS", "vertex_order", "resolve_order"]


def _order_natural(g: Graph, seed: Any) -> np.ndarray:
    return np.arange(g.n, dtype=np.int64)


def _order_largest_first(g: Graph, seed: Any) -> np.ndarray:
    # Stable sort: ties keep their natural order.
    return np.argsort(-g.degrees, kind="stable").astype(np.int64)


def _order_random(g: Graph, seed: Any) -> np.ndarray:
    return np.random.default_rng(seed).permutation(g.n).astype(np.int64)


def _by_degree(g: Graph) -> np.ndarray:
    """Vertices sorted by degree, and by decreasing index among equal degrees.

    Used as a stack: ``pop()`` then yields, of the largest degree, the
    lowest index first.
    """
    return np.lexsort((-np.arange(g.n), g.degrees))


def _bucket_elimination(g: Graph, key: list[int], buckets: list[list[int]], step: int) -> list[int]:
    """Take all vertices one at a time from a bucket queue indexed by ``key``.

    ``buckets[d]`` is a stack of vertices whose key was ``d`` when they were
    pushed; an entry is stale (and skipped) when the vertex's key has changed
    since or the vertex has been taken.  The scan starts at bucket 0.  When a
    vertex is taken, each neighbour not yet taken has its key changed by
    ``step`` and is pushed again, and the scan moves by ``step`` too; an empty
    bucket moves the scan by ``-step``.  So ``step=-1`` always takes a vertex
    of smallest key and ``step=+1`` one of largest key (the scan never
    overshoots: keys change by one per taken neighbour).  ``key`` is consumed.

    Returns the vertices in the order they were taken.
    """
    n = g.n
    ip = g.indptr.tolist()
    ix = g.indices.tolist()
    taken = -1 - n  # key of a taken vertex: no bucket index, and stays negative
    order = [0] * n
    k = 0
    d = 0
    while k < n:
        bucket = buckets[d]
        while bucket:
            v = bucket.pop()
            if key[v] == d:
                break
        else:
            d -= step
            continue
        key[v] = taken
        order[k] = v
        k += 1
        for q in range(ip[v], ip[v + 1]):
            w = ix[q]
            kw = key[w]
            if kw >= 0:
                kw += step
                key[w] = kw
                buckets[kw].append(w)
        d += step
        if d < 0:
            d = 0
    return order


def _order_smallest_last(g: Graph, seed: Any) -> np.ndarray:
    """Repeatedly remove a vertex of minimum remaining degree; colour in reverse.

    This is the Matula-Beck degeneracy ordering.  Within a degree the lowest
    index is removed first.
    """
    size = int(g.degrees.max(initial=0)) + 1
    by_deg = _by_degree(g).tolist()
    bounds = np.concatenate(([0], np.cumsum(np.bincount(g.degrees, minlength=size)))).tolist()
    buckets = [by_deg[bounds[d] : bounds[d + 1]] for d in range(size)]
    removed = _bucket_elimination(g, g.degrees.tolist(), buckets, step=-1)
    return np.asarray(removed[::-1], dtype=np.int64)


def _order_incidence_degree(g: Graph, seed: Any) -> np.ndarray:
    """Repeatedly pick a vertex with the most already-ordered neighbours.

    Ties are broken towards the vertex reached most recently (which makes the
    ordering sweep through banded and mesh-like graphs); the very first pick
    is a vertex of largest degree (lowest index among those).
    """
    buckets = [[] for _ in range(int(g.degrees.max(initial=0)) + 2)]
    buckets[0] = _by_degree(g).tolist()
    picked = _bucket_elimination(g, [0] * g.n, buckets, step=1)
    return np.asarray(picked, dtype=np.int64)


_ORDERING_FUNCS: dict[str, Callable[[Graph, Any], np.ndarray]] = {
    "natural": _order_natural,
    "largest_first": _order_largest_first,
    "smallest_last": _order_smallest_last,
    "incidence_degree": _order_incidence_degree,
    "random": _order_random,
}

#: Names accepted by the ``order=`` argument of the colouring functions.
ORDERINGS: tuple[str, ...] = tuple(_ORDERING_FUNCS)


def resolve_order(g: Graph, order: Any, seed: Any) -> tuple[np.ndarray, str]:
    """The permutation for ``order`` (a name or a permutation) and its name.

    An explicit permutation is checked and named ``"custom"``.
    """
    if isinstance(order, str):
        func = _ORDERING_FUNCS.get(order)
        if func is None:
            raise ValueError(
                f"unknown order {order!r}; valid orderings are: {', '.join(ORDERINGS)}"
            )
        return func(g, seed), order
    perm = np.asarray(order)
    if (
        perm.ndim != 1
        or perm.size != g.n
        or (perm.size and not np.issubdtype(perm.dtype, np.integer))
        or not np.array_equal(np.sort(perm), np.arange(g.n))
    ):
        raise ValueError(
            f"order must be one of {', '.join(ORDERINGS)} or a permutation of range({g.n})"
        )
    return perm.astype(np.int64), "custom"


def vertex_order(pattern: Any, order: Any = "natural", seed: Any = 0) -> np.ndarray:
    """Vertex ordering of the adjacency graph of a symmetric pattern.

    Parameters
    ----------
    pattern : scipy.sparse matrix or array, shape (n, n)
        Symmetric sparsity pattern (a single triangle is enough).
    order : str or array_like of int
        One of :data:`ORDERINGS` -- ``"natural"`` (0, 1, ..., n-1),
        ``"largest_first"`` (by decreasing degree), ``"smallest_last"``
        (Matula-Beck degeneracy ordering), ``"incidence_degree"``
        (most already-ordered neighbours next) and ``"random"`` -- or an
        explicit permutation of ``range(n)``.
    seed : int or numpy.random.Generator, optional
        Seed for ``order="random"``.

    Returns
    -------
    numpy.ndarray of int64
        The vertices in the order in which a greedy colouring visits them.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> arrow = sp.lil_array((4, 4)); arrow[0, :] = 1
    >>> vertex_order(arrow, "largest_first")
    array([0, 1, 2, 3])
    >>> vertex_order(arrow, "smallest_last")
    array([3, 0, 2, 1])
    """
    g = symmetric_graph(pattern)
    return resolve_order(g, order, seed)[0]
