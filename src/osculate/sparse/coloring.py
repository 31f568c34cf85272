"""Graph colouring for compressed evaluation of sparse derivative matrices.

A sparse Hessian ``H`` (``n x n``) or Jacobian ``J`` (``m x n``) can be
recovered from a handful of products with a *seed matrix* ``S`` (``n x c``,
one 0/1 column per colour group) when the variables are coloured so that the
entries of ``B = H @ S`` (or ``B = J @ S``) can be disentangled again.  This
module provides the three classical colourings for that purpose:

``star_coloring``
    Symmetric (Hessian) colouring in which every path on four vertices uses at
    least three colours.  Every nonzero of ``H`` can then be read off ``B``
    directly.
``acyclic_coloring``
    Symmetric colouring in which every cycle uses at least three colours.  It
    typically needs fewer colours than a star colouring; the nonzeros are
    recovered by substitution along the trees formed by each pair of colour
    classes.
``column_coloring``
    Distance-2 colouring of the columns of a (rectangular) Jacobian pattern:
    two columns that share a row get different colours, so every nonzero of
    ``J`` appears alone in its entry of ``B``.

All three are greedy algorithms driven by a vertex ordering (see
:data:`ORDERINGS`).  The symmetric algorithms follow the ideas of
Gebremedhin, Manne & Pothen, "What color is your Jacobian? Graph coloring
for computing derivatives" (SIAM Review 47, 2005) and Gebremedhin, Tarafdar,
Manne & Pothen, "New acyclic and star coloring algorithms with application
to computing Hessians" (SIAM J. Sci. Comput. 29, 2007): the colouring keeps
track of the two-coloured sub-structures (stars, respectively trees) built so
far, so that deciding the colour of a vertex only looks at its already
coloured neighbours and at short per-vertex lists of the colour classes they
touch.  The implementation is pure NumPy/SciPy: vectorised set-up, and tight
loops over Python lists (flat, preallocated, so the garbage collector has
nothing to traverse) for the inherently sequential greedy sweep.

The result objects precompute, once and lazily, all the index arrays needed
to turn ``B`` into a sparse matrix, so that :meth:`Coloring.decompress` costs
a few vectorised NumPy gathers per call.

Patterns are given as SciPy sparse matrices or arrays (any format; a dense
2-D array-like is accepted for convenience).  Stored entries whose value is
zero are ignored, so a pattern can be a numeric matrix after
``eliminate_zeros``-style cleaning or a boolean matrix.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any, Callable, NamedTuple

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, connected_components

__all__ = [
    "ORDERINGS",
    "vertex_order",
    "Coloring",
    "StarColoring",
    "AcyclicColoring",
    "ColumnColoring",
    "star_coloring",
    "acyclic_coloring",
    "column_coloring",
    "is_star_coloring",
    "is_acyclic_coloring",
    "is_column_coloring",
]

_FORMATS = ("csr", "csc", "coo")


# --------------------------------------------------------------------------
# Pattern handling
# --------------------------------------------------------------------------


def _to_coo(pattern: Any, name: str):
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


def _structure(pattern: Any, name: str) -> tuple[tuple[int, int], np.ndarray, np.ndarray]:
    """Return ``(shape, rows, cols)`` of the stored nonzero entries of ``pattern``.

    Duplicates may be present; explicitly stored zeros are dropped.
    """
    coo = _to_coo(pattern, name)
    shape = (int(coo.shape[0]), int(coo.shape[1]))
    keep = np.asarray(coo.data) != 0
    rows = np.asarray(coo.row)
    cols = np.asarray(coo.col)
    if not keep.all():
        rows, cols = rows[keep], cols[keep]
    return shape, rows, cols


def _canonical_csr(shape: tuple[int, int], rows: np.ndarray, cols: np.ndarray, symmetrise: bool):
    """Sorted, duplicate-free CSR structure (int64 ``indptr, indices``).

    Uses SciPy's compiled COO -> CSR conversion (which sums duplicates and
    sorts the column indices) rather than a global sort of linear keys.
    """
    ones = np.ones(rows.size, dtype=np.int32)
    P = sp.coo_array((ones, (rows, cols)), shape=shape).tocsr()
    if symmetrise:
        P = (P + P.T).tocsr()
    P.sort_indices()
    return P.indptr.astype(np.int64), P.indices.astype(np.int64)


@dataclasses.dataclass(frozen=True, eq=False)
class _Graph:
    """Undirected simple graph in CSR form (symmetric, no loops, sorted rows)."""

    n: int
    indptr: np.ndarray
    indices: np.ndarray

    @functools.cached_property
    def rows(self) -> np.ndarray:
        return np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self.indptr))

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


def _graph_from_pairs(n: int, rows: np.ndarray, cols: np.ndarray) -> _Graph:
    off = rows != cols
    indptr, indices = _canonical_csr((n, n), rows[off], cols[off], symmetrise=True)
    return _Graph(n, indptr, indices)


def _symmetric_graph(pattern: Any, name: str = "pattern") -> _Graph:
    (m, n), rows, cols = _structure(pattern, name)
    if m != n:
        raise ValueError(
            f"{name} must be square (n x n) for a symmetric colouring, got shape ({m}, {n})"
        )
    return _graph_from_pairs(n, rows, cols)


@dataclasses.dataclass(frozen=True, eq=False)
class _JacobianPattern:
    """Canonical CSR structure of an ``m x n`` Jacobian pattern."""

    m: int
    n: int
    indptr: np.ndarray
    indices: np.ndarray

    @functools.cached_property
    def rows(self) -> np.ndarray:
        return np.repeat(np.arange(self.m, dtype=np.int64), np.diff(self.indptr))

    def column_intersection_graph(self) -> _Graph:
        """Graph on the columns; two columns are adjacent iff they share a row."""
        P = sp.csr_array(
            (np.ones(self.indices.size, dtype=np.int64), self.indices, self.indptr),
            shape=(self.m, self.n),
        )
        C = (P.T @ P).tocoo()
        return _graph_from_pairs(self.n, np.asarray(C.row), np.asarray(C.col))


def _jacobian_pattern(pattern: Any, name: str = "pattern") -> _JacobianPattern:
    (m, n), rows, cols = _structure(pattern, name)
    indptr, indices = _canonical_csr((m, n), rows, cols, symmetrise=False)
    return _JacobianPattern(m, n, indptr, indices)


# --------------------------------------------------------------------------
# Vertex orderings
# --------------------------------------------------------------------------


def _order_natural(g: _Graph, seed: Any) -> np.ndarray:
    return np.arange(g.n, dtype=np.int64)


def _order_largest_first(g: _Graph, seed: Any) -> np.ndarray:
    # Stable sort: ties keep their natural order.
    return np.argsort(-g.degrees, kind="stable").astype(np.int64)


def _order_random(g: _Graph, seed: Any) -> np.ndarray:
    return np.random.default_rng(seed).permutation(g.n).astype(np.int64)


def _degree_buckets(deg: np.ndarray, size: int) -> list[list[int]]:
    """Vertices grouped by degree; within a bucket ``pop()`` yields low indices first."""
    n = deg.size
    by_deg = np.lexsort((-np.arange(n), deg)).tolist()
    bounds = np.concatenate(([0], np.cumsum(np.bincount(deg, minlength=size)))).tolist()
    return [by_deg[bounds[d] : bounds[d + 1]] for d in range(size)]


def _order_smallest_last(g: _Graph, seed: Any) -> np.ndarray:
    """Repeatedly remove a vertex of minimum remaining degree; colour in reverse.

    Buckets indexed by the current degree hold (possibly stale) vertex
    entries; an entry is valid when its vertex is still present (degree
    >= 0; removed vertices get -1) and its degree equals the bucket index.
    Total work is O(n + nnz).
    """
    n = g.n
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    ip = g.indptr.tolist()
    ix = g.indices.tolist()
    buckets = _degree_buckets(g.degrees, int(g.degrees.max()) + 1)
    deg = g.degrees.tolist()
    order = [0] * n
    k = n - 1
    d = 0
    while k >= 0:
        bucket = buckets[d]
        while bucket:
            v = bucket.pop()
            if deg[v] == d:
                break
        else:
            d += 1
            continue
        deg[v] = -1
        order[k] = v
        k -= 1
        for q in range(ip[v], ip[v + 1]):
            w = ix[q]
            dw = deg[w]
            if dw > 0:  # still present (a present neighbour has degree >= 1)
                dw -= 1
                deg[w] = dw
                buckets[dw].append(w)
        if d:
            d -= 1
    return np.asarray(order, dtype=np.int64)


def _order_incidence_degree(g: _Graph, seed: Any) -> np.ndarray:
    """Repeatedly pick a vertex with the most already-ordered neighbours.

    Ties are broken towards the vertex reached most recently (which makes the
    ordering sweep through banded and mesh-like graphs); the very first pick
    is a vertex of largest degree.  Lazy buckets as in smallest-last.
    """
    n = g.n
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    ip = g.indptr.tolist()
    ix = g.indices.tolist()
    buckets: list[list[int]] = [[] for _ in range(int(g.degrees.max()) + 2)]
    # pop() yields the largest degree first, ties by lowest index
    buckets[0] = np.lexsort((-np.arange(n), g.degrees)).tolist()
    inc = [0] * n
    done = -1 - n  # marks ordered vertices; stays negative under increments
    order = [0] * n
    k = 0
    d = 0
    while k < n:
        bucket = buckets[d]
        while bucket:
            v = bucket.pop()
            if inc[v] == d:
                break
        else:
            d -= 1
            continue
        inc[v] = done
        order[k] = v
        k += 1
        for q in range(ip[v], ip[v + 1]):
            w = ix[q]
            iw = inc[w]
            if iw >= 0:
                iw += 1
                inc[w] = iw
                buckets[iw].append(w)
        d += 1
    return np.asarray(order, dtype=np.int64)


_ORDERING_FUNCS: dict[str, Callable[[_Graph, Any], np.ndarray]] = {
    "natural": _order_natural,
    "largest_first": _order_largest_first,
    "smallest_last": _order_smallest_last,
    "incidence_degree": _order_incidence_degree,
    "random": _order_random,
}

#: Names accepted by the ``order=`` argument of the colouring functions.
ORDERINGS: tuple[str, ...] = tuple(_ORDERING_FUNCS)


def _resolve_order(g: _Graph, order: Any, seed: Any) -> tuple[np.ndarray, str]:
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
    g = _symmetric_graph(pattern)
    return _resolve_order(g, order, seed)[0]


# --------------------------------------------------------------------------
# Greedy colouring kernels (tight loops over Python lists)
# --------------------------------------------------------------------------


class _Sweep(NamedTuple):
    """A vertex ordering prepared for the greedy kernels.

    ``order[i]`` is the i-th vertex to colour and ``earlier[ptr[i]:ptr[i+1]]``
    are its neighbours that come before it in the ordering -- exactly the
    neighbours that are already coloured when it is visited (greedy
    algorithms never need to look at the others).  Built with vectorised
    NumPy and handed to the kernels as Python lists, which iterate fastest.
    """

    order: list[int]
    ptr: list[int]
    earlier: list[int]


def _sweep(g: _Graph, perm: np.ndarray) -> _Sweep:
    n = g.n
    rank = np.empty(n, dtype=np.int64)
    rank[perm] = np.arange(n, dtype=np.int64)
    row_rank = rank[g.rows]
    keep = rank[g.indices] < row_rank
    pos = row_rank[keep]
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(pos, minlength=n), out=ptr[1:])
    earlier = g.indices[keep][np.argsort(pos, kind="stable")]
    return _Sweep(perm.tolist(), ptr.tolist(), earlier.tolist())


def _greedy_distance1(g: _Graph, sw: _Sweep) -> list[int]:
    """Plain greedy proper colouring (used on the column intersection graph)."""
    n = g.n
    order, ptr, earlier = sw
    color = [-1] * n
    mark = [-1] * (n + 1)
    for i in range(n):
        v = order[i]
        for w in earlier[ptr[i] : ptr[i + 1]]:
            mark[color[w]] = v
        c = 0
        while mark[c] == v:
            c += 1
        color[v] = c
    return color


def _greedy_star(g: _Graph, sw: _Sweep, limit: int | None = None) -> list[int] | None:
    """Greedy star colouring maintaining the two-coloured stars.

    Invariant: restricted to the coloured vertices the colouring is proper
    and every connected two-coloured subgraph is a star.  When vertex ``v``
    receives colour ``c``, group its coloured neighbours by colour ``d``:

    * two or more neighbours of colour ``d``: ``v`` becomes the centre of a
      new ``{c, d}`` star whose leaves are these neighbours, so none of them
      may already touch colour ``c``: every colour adjacent to them is
      forbidden;
    * a single neighbour ``w`` of colour ``d``: ``v`` is hung as a leaf on
      ``w``, which is only wrong if ``w`` is itself a leaf of a star whose
      centre (of colour ``b``) has two or more leaves; each such ``b`` is
      forbidden.

    Bookkeeping lives in flat preallocated lists (no per-vertex containers,
    so the garbage collector has nothing to traverse):

    * per vertex ``u`` a singly linked list (``head``/``lnext``) of the colour
      classes ``b`` it touches; an entry stores ``b`` and, while the
      ``{color(u), b}`` star through ``u`` is a single edge, the vertex at its
      other end (else -1);
    * per vertex ``u`` a linked list (``fhead``/``fnext``) of the colours ``b``
      such that ``u`` is a leaf of a star with a centre of colour ``b`` and
      at least two leaves -- the colours forbidden by the second rule.

    Work per vertex: its degree plus the length of these short lists.  If
    ``limit`` is given, give up (return ``None``) as soon as ``limit``
    colours would be used.
    """
    n = g.n
    order, ptr, earlier = sw
    size = len(earlier) * 2 + 1
    color = [-1] * n
    mark = [-1] * (n + 1)  # mark[c] == v: colour c forbidden for v
    multi = [-1] * (n + 1)  # multi[d] == v: v has >= 2 coloured neighbours of colour d
    grp = [-1] * (n + 1)  # grp[d] == v: entry (v, d) already created
    head = [-1] * n
    lcol = [0] * size
    lpart = [0] * size
    lnext = [0] * size
    nl = 0
    fhead = [-1] * n
    fcol = [0] * size
    fnext = [0] * size
    nf = 0
    top = n + 1 if limit is None else limit - 1
    for i in range(n):
        v = order[i]
        cn = earlier[ptr[i] : ptr[i + 1]]
        if not cn:
            color[v] = 0
            continue
        for w in cn:
            cw = color[w]
            if mark[cw] == v:
                multi[cw] = v
            else:
                mark[cw] = v
        for w in cn:
            if multi[color[w]] == v:
                k = head[w]
                while k >= 0:
                    mark[lcol[k]] = v
                    k = lnext[k]
            else:
                k = fhead[w]
                while k >= 0:
                    mark[fcol[k]] = v
                    k = fnext[k]
        c = 0
        while mark[c] == v:
            c += 1
        if c >= top:
            return None
        hv = head[v]
        fv = fhead[v]
        for w in cn:
            d = color[w]
            if multi[d] == v:
                # v is the centre of a new {c, d} star; w is one of its leaves
                if grp[d] != v:
                    grp[d] = v
                    lcol[nl] = d
                    lpart[nl] = -1
                    lnext[nl] = hv
                    hv = nl
                    nl += 1
                lcol[nl] = c
                lpart[nl] = -1
                lnext[nl] = head[w]
                head[w] = nl
                nl += 1
                fcol[nf] = c
                fnext[nf] = fhead[w]
                fhead[w] = nf
                nf += 1
                continue
            k = head[w]
            while k >= 0 and lcol[k] != c:
                k = lnext[k]
            if k < 0:
                # w had no neighbour of colour c: the edge (v, w) is a new star
                lcol[nl] = c
                lpart[nl] = v
                lnext[nl] = head[w]
                head[w] = nl
                nl += 1
                lcol[nl] = d
                lpart[nl] = w
                lnext[nl] = hv
                hv = nl
                nl += 1
                continue
            # v becomes a leaf of the star centred at w
            x = lpart[k]
            if x >= 0:
                # the star was the single edge (w, x): x turns into a leaf too.
                # (x's own entry for colour d is left stale: it is never read
                # again, because d is now forbidden next to x.)
                lpart[k] = -1
                fcol[nf] = d
                fnext[nf] = fhead[x]
                fhead[x] = nf
                nf += 1
            fcol[nf] = d
            fnext[nf] = fv
            fv = nf
            nf += 1
            lcol[nl] = d
            lpart[nl] = -1
            lnext[nl] = hv
            hv = nl
            nl += 1
        head[v] = hv
        fhead[v] = fv
        color[v] = c
    return color


def _greedy_acyclic(g: _Graph, sw: _Sweep) -> list[int]:
    """Greedy acyclic colouring maintaining the two-coloured trees.

    Invariant: restricted to the coloured vertices the colouring is proper
    and every two-coloured subgraph is a forest.  The trees are tracked with
    a union-find structure whose elements are the pairs ``(u, b)`` "vertex
    ``u`` touches colour class ``b``" (all edges from ``u`` to colour ``b``
    lie in one ``{color(u), b}`` tree, so the pair identifies that tree).

    Giving ``v`` colour ``c`` closes a two-coloured cycle exactly when two
    distinct neighbours ``w1, w2`` of one colour ``d`` already lie in the
    same ``{c, d}`` tree.  Hence only colour groups with two or more
    neighbours need inspecting: for each such neighbour ``w`` and each colour
    ``b`` it touches, the tree of ``(w, b)`` is looked up, and the second
    distinct neighbour arriving at one tree forbids ``b``.  Afterwards the
    new edges are merged: ``(v, d)`` is united with ``(w, c)`` for every
    coloured neighbour ``w`` of colour ``d``.  The pairs are kept in flat
    linked lists as in :func:`_greedy_star`.
    """
    n = g.n
    order, ptr, earlier = sw
    size = len(earlier) * 2 + 1
    color = [-1] * n
    mark = [-1] * (n + 1)
    multi = [-1] * (n + 1)
    grp = [-1] * (n + 1)
    grp_node = [0] * (n + 1)
    head = [-1] * n
    lcol = [0] * size
    lnext = [0] * size
    nl = 0
    parent = [0] * size
    seen_v = [-1] * size  # per tree root: vertex being coloured when last reached
    seen_w = [-1] * size  # ... and the neighbour it was reached from
    for i in range(n):
        v = order[i]
        cn = earlier[ptr[i] : ptr[i + 1]]
        if not cn:
            color[v] = 0
            continue
        any_multi = False
        for w in cn:
            cw = color[w]
            if mark[cw] == v:
                multi[cw] = v
                any_multi = True
            else:
                mark[cw] = v
        if any_multi:
            for w in cn:
                if multi[color[w]] != v:
                    continue
                k = head[w]
                while k >= 0:
                    b = lcol[k]
                    if mark[b] != v:
                        t = k
                        while parent[t] != t:  # find, with path halving
                            pt = parent[parent[t]]
                            parent[t] = pt
                            t = pt
                        if seen_v[t] == v:
                            if seen_w[t] != w:
                                mark[b] = v
                        else:
                            seen_v[t] = v
                            seen_w[t] = w
                    k = lnext[k]
        c = 0
        while mark[c] == v:
            c += 1
        hv = head[v]
        for w in cn:
            d = color[w]
            if grp[d] != v:
                grp[d] = v
                a = nl
                nl += 1
                lcol[a] = d
                lnext[a] = hv
                hv = a
                parent[a] = a
                grp_node[d] = a
            else:
                a = grp_node[d]
            k = head[w]
            while k >= 0 and lcol[k] != c:
                k = lnext[k]
            if k < 0:
                # w did not touch colour c yet: (w, c) joins v's tree directly
                k = nl
                nl += 1
                lcol[k] = c
                lnext[k] = head[w]
                head[w] = k
                parent[k] = a
            else:
                while parent[a] != a:
                    a = parent[a]
                while parent[k] != k:
                    k = parent[k]
                if a != k:
                    parent[k] = a
        head[v] = hv
        color[v] = c
    return color


def _finish_colors(color: list[int]) -> tuple[np.ndarray, int]:
    arr = np.asarray(color, dtype=np.int64)
    arr.flags.writeable = False
    return arr, (int(arr.max()) + 1 if arr.size else 0)


# --------------------------------------------------------------------------
# Result objects
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class _Plan:
    """Precomputed output structure for one (format, triangle) choice."""

    gather: np.ndarray  # index into the per-call value vector, one per stored entry
    indptr: np.ndarray | None = None
    indices: np.ndarray | None = None
    row: np.ndarray | None = None
    col: np.ndarray | None = None


def _index_dtype(*maxvals: int) -> type:
    return np.int32 if max(maxvals, default=0) <= np.iinfo(np.int32).max else np.int64


def _make_plan(
    fmt: str, shape: tuple[int, int], rows: np.ndarray, cols: np.ndarray, src: np.ndarray
) -> _Plan:
    """Plan for entries given in row-major (CSR) order."""
    m, n = shape
    idt = _index_dtype(m, n, rows.size)
    if fmt == "coo":
        return _Plan(gather=src, row=rows.astype(idt), col=cols.astype(idt))
    if fmt == "csr":
        indptr = np.zeros(m + 1, dtype=idt)
        np.cumsum(np.bincount(rows, minlength=m), out=indptr[1:])
        return _Plan(gather=src, indptr=indptr, indices=cols.astype(idt))
    perm = np.lexsort((rows, cols))
    indptr = np.zeros(n + 1, dtype=idt)
    np.cumsum(np.bincount(cols, minlength=n), out=indptr[1:])
    return _Plan(gather=src[perm], indptr=indptr, indices=rows[perm].astype(idt))


def _assemble(fmt: str, shape: tuple[int, int], plan: _Plan, data: np.ndarray):
    # Index arrays are copied so that in-place operations on the result
    # (sort_indices, eliminate_zeros, ...) cannot corrupt the cached plan.
    if fmt == "csr":
        return sp.csr_array((data, plan.indices.copy(), plan.indptr.copy()), shape=shape)
    if fmt == "csc":
        return sp.csc_array((data, plan.indices.copy(), plan.indptr.copy()), shape=shape)
    return sp.coo_array((data, (plan.row.copy(), plan.col.copy())), shape=shape)


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Coloring:
    """Result of a colouring; base class of the three concrete result types.

    Attributes
    ----------
    colors : numpy.ndarray of int64, shape (n,)
        Colour of every variable (column), numbered ``0 .. n_colors - 1``.
        The array is read-only.
    n_colors : int
        Number of colours, i.e. the number of columns of the seed matrix.
    kind : str
        ``"star"``, ``"acyclic"`` or ``"column"``.
    order : str
        Name of the vertex ordering used (``"custom"`` for an explicit
        permutation).
    """

    colors: np.ndarray
    n_colors: int
    kind: str
    order: str
    _pattern: Any = dataclasses.field(default=None, compare=False)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(n={self.colors.size}, n_colors={self.n_colors}, "
            f"kind={self.kind!r}, order={self.order!r})"
        )

    @property
    def shape(self) -> tuple[int, int]:
        """Shape of the derivative matrix that :meth:`decompress` returns."""
        raise NotImplementedError

    def seed_matrix(self) -> np.ndarray:
        """The ``n x n_colors`` seed matrix ``S`` with ``S[j, colors[j]] = 1``.

        Returns
        -------
        numpy.ndarray of float64, shape (n, n_colors)

        Examples
        --------
        >>> import scipy.sparse as sp
        >>> col = acyclic_coloring(sp.eye_array(3, k=1))
        >>> col.seed_matrix()
        array([[1., 0.],
               [0., 1.],
               [1., 0.]])
        """
        n = self.colors.size
        S = np.zeros((n, self.n_colors))
        S[np.arange(n), self.colors] = 1.0
        return S

    # -- decompression ----------------------------------------------------

    @functools.cached_property
    def _plans(self) -> dict:
        return {}

    def _plan(self, fmt: str, upper: bool) -> _Plan:
        key = (fmt, upper)
        plan = self._plans.get(key)
        if plan is None:
            rows, cols, src = self._entries
            if upper:
                keep = rows <= cols
                rows, cols, src = rows[keep], cols[keep], src[keep]
            plan = _make_plan(fmt, self.shape, rows, cols, src)
            self._plans[key] = plan
        return plan

    @property
    def _entries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row-major (rows, cols, source index into the value vector)."""
        raise NotImplementedError

    def _values(self, Bflat: np.ndarray) -> np.ndarray:
        """Per-call vector from which all output entries are gathered."""
        return Bflat

    def _check_B(self, B: Any) -> np.ndarray:
        if sp.issparse(B):
            B = B.toarray()
        B = np.asarray(B)
        expected = (self.shape[0], self.n_colors)
        if B.shape != expected:
            what = "n_variables" if self.kind != "column" else "n_rows"
            raise ValueError(
                f"B must have shape {expected} ({what}, n_colors), got {B.shape}"
            )
        if not np.issubdtype(B.dtype, np.inexact):
            B = B.astype(np.float64)
        # colour-major flat layout (entry (i, b) at b * n_rows + i): the
        # compressed products come out of a batched pass one colour per row,
        # so B is usually the transpose of a C-ordered array and needs no copy
        return np.ascontiguousarray(B.T).reshape(-1)

    def decompress(self, B: Any, format: str = "csr", symmetric_upper: bool = False):
        """Recover the sparse derivative matrix from the compressed product.

        Parameters
        ----------
        B : array_like, shape (n, n_colors) or (m, n_colors)
            ``H @ S`` for symmetric colourings, ``J @ S`` for column
            colourings, where ``S = self.seed_matrix()``.
        format : {"csr", "csc", "coo"}
            Sparse format of the result.
        symmetric_upper : bool
            Symmetric colourings only: return just the upper triangle
            (including the diagonal).

        Returns
        -------
        scipy.sparse.csr_array, csc_array or coo_array
            For symmetric colourings an ``n x n`` matrix whose structure is the
            symmetrised pattern plus the full diagonal; for column colourings
            an ``m x n`` matrix with exactly the pattern's structure.  Indices
            are sorted and free of duplicates.  Integer ``B`` is converted to
            float64; complex ``B`` gives a complex result.

        Raises
        ------
        ValueError
            If ``B`` does not have shape ``(n, n_colors)`` (``(m, n_colors)``
            for column colourings), ``format`` is unknown, or
            ``symmetric_upper`` is requested for a column colouring.

        Notes
        -----
        All index arrays (output ``indptr``/``indices`` and the gather
        permutation that fills ``data``) are computed on the first call for a
        given ``format``/``symmetric_upper`` and cached on the object; later
        calls only gather from ``B`` (plus, for acyclic colourings, one
        cumulative sum) and copy the cached index arrays into the result.

        Examples
        --------
        >>> import numpy as np, scipy.sparse as sp
        >>> H = sp.diags_array([[1., 2.], [5., 6., 7.], [1., 2.]], offsets=[-1, 0, 1])
        >>> col = star_coloring(H)
        >>> B = H @ col.seed_matrix()
        >>> col.decompress(B).toarray()
        array([[5., 1., 0.],
               [1., 6., 2.],
               [0., 2., 7.]])
        """
        return self.assemble(self.stored_values(self._check_B(B), format, symmetric_upper), format, symmetric_upper)

    def stored_values(self, Bflat: Any, format: str = "csr", symmetric_upper: bool = False):
        """The ``data`` array of the result, from ``B`` flattened colour by colour.

        ``Bflat[b * n_rows + i]`` is ``B[i, b]`` (i.e. ``B.T.ravel()``).  Only
        NumPy operations on ``Bflat`` are used (gathers and, for acyclic
        colourings, one cumulative sum), so the recovery can be traced and
        staged together with the products that produce ``B`` (see
        :func:`osculate.jit`); :meth:`assemble` then wraps the values.
        """
        self._check_format(format, symmetric_upper)
        plan = self._plan(format, bool(symmetric_upper))
        return self._values(Bflat)[plan.gather]

    def assemble(self, data: np.ndarray, format: str = "csr", symmetric_upper: bool = False):
        """The SciPy sparse result holding ``data`` (from :meth:`stored_values`)."""
        self._check_format(format, symmetric_upper)
        return _assemble(format, self.shape, self._plan(format, bool(symmetric_upper)), data)

    def _check_format(self, format, symmetric_upper):
        if format not in _FORMATS:
            raise ValueError(f"format must be one of {_FORMATS}, got {format!r}")
        if symmetric_upper and self.kind == "column":
            raise ValueError("symmetric_upper=True is only meaningful for symmetric colourings")


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class _SymmetricColoring(Coloring):
    @property
    def shape(self) -> tuple[int, int]:
        n = self.colors.size
        return (n, n)

    @functools.cached_property
    def _layout(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Merge the off-diagonal CSR positions with the diagonal.

        Returns ``(rows, cols, where)`` in row-major order: ``where[k]`` is the
        off-diagonal CSR position ``p`` of entry ``k``, or ``nnz + i`` for the
        diagonal entry ``(i, i)`` (``nnz`` = number of off-diagonal entries).
        """
        g: _Graph = self._pattern
        n = g.n
        diag = np.arange(n, dtype=np.int64)
        rows = np.concatenate((g.rows, diag))
        cols = np.concatenate((g.indices, diag))
        perm = np.argsort(rows * max(n, 1) + cols, kind="stable")
        return rows[perm], cols[perm], perm


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class StarColoring(_SymmetricColoring):
    """Star colouring of a symmetric pattern; decompression is direct.

    See :class:`Coloring` for the attributes and :func:`star_coloring` for an
    example.
    """

    @functools.cached_property
    def _entries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        g: _Graph = self._pattern
        c = self.n_colors
        colors = self.colors
        i = g.rows
        j = g.indices
        # H[i, j] = B[i, color(j)] whenever j is the only neighbour of i with
        # that colour (i is a leaf of the {color(i), color(j)} star), and
        # otherwise H[i, j] = B[j, color(i)] (then j is the leaf).
        key = i * c + colors[j]
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        direct = counts[inverse] == 1
        n = g.n  # flat index of B[i, b] is b * n + i (see _check_B)
        src_off = np.where(direct, colors[j] * n + i, colors[i] * n + j)
        rows, cols, where = self._layout
        diag_src = colors * n + np.arange(n, dtype=np.int64)
        src = np.concatenate((src_off, diag_src))[where]
        return rows, cols, src


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class AcyclicColoring(_SymmetricColoring):
    """Acyclic colouring of a symmetric pattern; decompression by substitution.

    See :class:`Coloring` for the attributes and :func:`acyclic_coloring` for
    an example.

    Notes
    -----
    Every nonzero ``H[i, j]`` (``i != j``) is an edge of the two-coloured
    forest formed by the colour classes of ``i`` and ``j``.  A tree node
    ``(u, b)`` -- vertex ``u`` seen in its tree with colour ``b`` -- knows
    the sum ``B[u, b]`` of the values of its tree edges.  Rooting each tree,
    the value of the edge from ``x`` to its parent is the alternating sum of
    these node sums over the subtree of ``x``.  With the nodes laid out in
    depth-first preorder, subtrees are contiguous, so all edges of all trees
    are obtained from one cumulative sum: per call the substitution costs a
    handful of vectorised operations, independent of the depth of the trees
    (no level-by-level loop is needed).  The preorder, subtree extents and
    signs are computed once, on the first call to :meth:`decompress`.

    As with any substitution scheme, rounding errors accumulate along the
    trees; the absolute error of an entry is a small multiple of machine
    precision times the magnitude of the entries along its tree (about
    ``1e-14`` relative to ``max|H|`` in the benchmarks).
    """

    @functools.cached_property
    def _substitution(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Precompute the substitution schedule (once per colouring).

        Returns ``(flat_pre, sign_pre, end_pre, edge_pos)``:

        ``flat_pre``  flat index into ``B`` of each tree node's sum, in preorder;
        ``sign_pre``  +1/-1 parity of each node relative to its tree root;
        ``end_pre``   one past the last preorder position of each node's subtree;
        ``edge_pos``  for each off-diagonal CSR position, the preorder
                      position of the child node of its tree edge.
        """
        g: _Graph = self._pattern
        c = self.n_colors
        colors = self.colors
        # Tree nodes are the pairs (vertex, colour of the other class); the
        # node key vertex * c + colour names the entry B[vertex, colour] holding its sum.
        key = g.rows * c + colors[g.indices]
        node_keys, node_of = np.unique(key, return_inverse=True)
        node_of = node_of.reshape(-1)
        N = node_keys.size
        other = node_of[g.rev]  # node at the other end of each position's edge
        forest = sp.csr_array(
            (np.ones(node_of.size, dtype=np.int8), (node_of, other)), shape=(N, N)
        )
        n_trees, labels = connected_components(forest, directed=False)
        if N - n_trees != g.indices.size // 2:  # pragma: no cover - guarded by the algorithm
            raise RuntimeError("colouring is not acyclic: a two-coloured cycle exists")
        roots = np.full(n_trees, N, dtype=np.int64)
        np.minimum.at(roots, labels, np.arange(N, dtype=np.int64))
        # Root every tree with one breadth-first search from a virtual node N
        # joined to all roots (SciPy, compiled).
        hub = np.full(n_trees, N, dtype=np.int64)
        ext = sp.csr_array(
            (
                np.ones(node_of.size + 2 * n_trees, dtype=np.int8),
                (np.concatenate((node_of, hub, roots)), np.concatenate((other, roots, hub))),
            ),
            shape=(N + 1, N + 1),
        )
        bfs, pred = breadth_first_order(ext, N, directed=True, return_predecessors=True)
        parent = pred.astype(np.int64)
        parent[N] = N + 1  # the virtual node's own "parent": a dummy slot
        # Subtree sizes, bottom-up (reverse BFS order) ...
        par_l = parent.tolist()
        size = [1] * (N + 2)
        for u in bfs[::-1].tolist():
            size[par_l[u]] += size[u]
        size_a = np.asarray(size[: N + 1], dtype=np.int64)
        # ... then preorder positions, top-down: a node comes right after its
        # parent and after the subtrees of its earlier siblings.
        kids = bfs[1:]
        kp = parent[kids]
        grouped = kids[np.argsort(kp, kind="stable")]
        gp = parent[grouped]
        csum = np.cumsum(size_a[grouped])
        first = np.ones(grouped.size, dtype=bool)
        first[1:] = gp[1:] != gp[:-1]
        start = np.maximum.accumulate(np.where(first, np.arange(grouped.size), 0))
        before = csum - size_a[grouped] - (csum[start] - size_a[grouped[start]])
        off = np.zeros(N + 1, dtype=np.int64)
        off[grouped] = before + 1
        off_l = off.tolist()
        pos_l = [0] * (N + 2)
        pos_l[N] = -1
        for u in kids.tolist():
            pos_l[u] = pos_l[par_l[u]] + off_l[u]
        pos = np.asarray(pos_l[:N], dtype=np.int64)
        order = np.empty(N, dtype=np.int64)
        order[pos] = np.arange(N, dtype=np.int64)
        end_pre = np.arange(N, dtype=np.int64) + size_a[order]
        # Along a two-coloured tree the vertex colours alternate, so a node's
        # depth parity is whether its colour matches the colour of its root.
        vcol = colors[node_keys // c]
        sign = np.where(vcol == vcol[roots[labels]], 1.0, -1.0)
        node_pre = node_keys[order]
        flat_pre = (node_pre % c) * g.n + node_pre // c  # colour-major, see _check_B
        sign_pre = sign[order]
        # Each position's tree edge joins node_of[p] and other[p]; the child is
        # the end whose parent is the other one.
        child = np.where(parent[node_of] == other, node_of, other)
        edge_pos = pos[child]
        return flat_pre, sign_pre, end_pre, edge_pos

    @functools.cached_property
    def _entries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        _, _, _, edge_pos = self._substitution
        n_nodes = self._substitution[0].size
        rows, cols, where = self._layout
        c = self.n_colors
        n = self.colors.size
        # Value vector is concat(edge values by preorder position, B in colour-major order).
        diag_src = n_nodes + self.colors * n + np.arange(n, dtype=np.int64)
        src = np.concatenate((edge_pos, diag_src))[where]
        return rows, cols, src

    def _values(self, Bflat: np.ndarray) -> np.ndarray:
        flat_pre, sign_pre, end_pre, _ = self._substitution
        sign_pre = sign_pre.astype(Bflat.dtype, copy=False)  # keep float32 results float32
        t = Bflat[flat_pre] * sign_pre
        # functional spelling (no out=): a staged plan traces these operations
        csum = np.concatenate((np.zeros(1, dtype=sign_pre.dtype), np.cumsum(t)))
        edge = (csum[end_pre] - csum[:-1]) * sign_pre
        return np.concatenate((edge, Bflat))


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class ColumnColoring(Coloring):
    """Column (distance-2) colouring of a Jacobian pattern.

    See :class:`Coloring` for the attributes and :func:`column_coloring` for
    an example.
    """

    @property
    def shape(self) -> tuple[int, int]:
        jp: _JacobianPattern = self._pattern
        return (jp.m, jp.n)

    @functools.cached_property
    def _entries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        jp: _JacobianPattern = self._pattern
        rows = jp.rows
        cols = jp.indices
        return rows, cols, self.colors[cols] * jp.m + rows


# --------------------------------------------------------------------------
# Public colouring functions
# --------------------------------------------------------------------------


def star_coloring(pattern: Any, order: Any = "natural", seed: Any = 0) -> StarColoring:
    """Star colouring of a symmetric sparsity pattern (direct Hessian recovery).

    The colouring is proper on the adjacency graph of the off-diagonal
    nonzeros and every path on four vertices uses at least three colours.
    Each nonzero of ``H`` can then be read directly from ``B = H @ S``.

    Parameters
    ----------
    pattern : scipy.sparse matrix or array, shape (n, n)
        Sparsity pattern of the Hessian.  Only the structure matters; it is
        symmetrised, so passing one triangle is enough.  Diagonal entries may
        be present or not.
    order : str or array_like of int, optional
        Vertex ordering for the greedy algorithm, one of :data:`ORDERINGS`
        or an explicit permutation of ``range(n)``.
    seed : int or numpy.random.Generator, optional
        Seed for ``order="random"``.

    Returns
    -------
    StarColoring

    Raises
    ------
    ValueError
        If ``pattern`` is not square or ``order`` is unknown.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> tri = sp.diags_array([1.0, 1.0, 1.0], offsets=[-1, 0, 1], shape=(5, 5))
    >>> col = star_coloring(tri)
    >>> col.colors, col.n_colors
    (array([0, 1, 0, 2, 0]), 3)
    >>> is_star_coloring(tri, col.colors)
    True
    """
    g = _symmetric_graph(pattern)
    perm, name = _resolve_order(g, order, seed)
    colors, k = _finish_colors(_greedy_star(g, _sweep(g, perm)))
    return StarColoring(colors, k, "star", name, g)


def acyclic_coloring(
    pattern: Any, order: Any = "natural", seed: Any = 0, fallback: bool = True
) -> AcyclicColoring:
    """Acyclic colouring of a symmetric sparsity pattern (recovery by substitution).

    The colouring is proper on the adjacency graph of the off-diagonal
    nonzeros and contains no two-coloured cycle.  It typically needs fewer
    colours (fewer Hessian-vector products) than a star colouring; the
    nonzeros of ``H`` are recovered from ``B = H @ S`` by substitution.

    Parameters
    ----------
    pattern : scipy.sparse matrix or array, shape (n, n)
        Sparsity pattern of the Hessian (symmetrised; diagonal optional).
    order : str or array_like of int, optional
        Vertex ordering, one of :data:`ORDERINGS` or a permutation.
    seed : int or numpy.random.Generator, optional
        Seed for ``order="random"``.
    fallback : bool, optional
        Every star colouring is also acyclic.  The greedy acyclic algorithm
        usually needs no more colours than the greedy star algorithm with the
        same ordering, but this is not guaranteed.  With ``fallback=True``
        (default) the star colouring with the same ordering is computed too
        and returned (as an :class:`AcyclicColoring`, decompressed by
        substitution) whenever it uses fewer colours; so the result never has
        more colours than :func:`star_coloring` with the same ``order`` and
        ``seed``.  The star sweep is abandoned as soon as it reaches as many
        colours as the acyclic one, so the check is usually almost free.

    Returns
    -------
    AcyclicColoring

    Raises
    ------
    ValueError
        If ``pattern`` is not square or ``order`` is unknown.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> tri = sp.diags_array([1.0, 1.0, 1.0], offsets=[-1, 0, 1], shape=(5, 5))
    >>> col = acyclic_coloring(tri)
    >>> col.colors, col.n_colors
    (array([0, 1, 0, 1, 0]), 2)
    >>> H = sp.diags_array([[1., 2, 3, 4], [4., 5, 6, 7, 8], [1., 2, 3, 4]], offsets=[-1, 0, 1])
    >>> bool(np.allclose(col.decompress(H @ col.seed_matrix()).toarray(), H.toarray()))
    True
    """
    g = _symmetric_graph(pattern)
    perm, name = _resolve_order(g, order, seed)
    sw = _sweep(g, perm)
    colors, k = _finish_colors(_greedy_acyclic(g, sw))
    if fallback and k > 2:
        # Abandoned as soon as the star colouring reaches k colours, so this
        # costs little unless the star colouring is actually competitive.
        star = _greedy_star(g, sw, limit=k)
        if star is not None:
            colors, k = _finish_colors(star)
    return AcyclicColoring(colors, k, "acyclic", name, g)


def column_coloring(jac_pattern: Any, order: Any = "natural", seed: Any = 0) -> ColumnColoring:
    """Distance-2 column colouring of a Jacobian sparsity pattern.

    Columns that have a nonzero in a common row receive different colours
    (a proper colouring of the column intersection graph), so every nonzero
    ``J[i, j]`` equals ``B[i, colors[j]]`` with ``B = J @ S``.

    Parameters
    ----------
    jac_pattern : scipy.sparse matrix or array, shape (m, n)
        Sparsity pattern of the Jacobian.
    order : str or array_like of int, optional
        Ordering of the columns, one of :data:`ORDERINGS` (degrees are taken
        in the column intersection graph) or a permutation of ``range(n)``.
    seed : int or numpy.random.Generator, optional
        Seed for ``order="random"``.

    Returns
    -------
    ColumnColoring

    Raises
    ------
    ValueError
        If ``order`` is unknown or not a permutation of ``range(n)``.

    Notes
    -----
    The column intersection graph is formed explicitly (as the structure of
    ``P.T @ P`` with SciPy), so a row with ``k`` nonzeros contributes ``k**2``
    entries; such a row needs ``k`` colours anyway.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> J = sp.csr_array(np.array([[1., 2., 0., 0.], [0., 3., 4., 0.], [0., 0., 5., 6.]]))
    >>> col = column_coloring(J)
    >>> col.colors, col.n_colors
    (array([0, 1, 0, 1]), 2)
    >>> col.decompress(J @ col.seed_matrix()).toarray()
    array([[1., 2., 0., 0.],
           [0., 3., 4., 0.],
           [0., 0., 5., 6.]])
    """
    jp = _jacobian_pattern(jac_pattern, "jac_pattern")
    g = jp.column_intersection_graph()
    perm, name = _resolve_order(g, order, seed)
    colors, k = _finish_colors(_greedy_distance1(g, _sweep(g, perm)))
    return ColumnColoring(colors, k, "column", name, jp)


# --------------------------------------------------------------------------
# Independent checkers (simple and slow on purpose)
# --------------------------------------------------------------------------


def _check_colors(colors: Any, n: int) -> list[int]:
    arr = np.asarray(colors)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"colors must be a 1-D array of length {n}, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"colors must contain integers, got dtype {arr.dtype}")
    return arr.tolist()


def _adjacency_sets(pattern: Any, name: str) -> list[set[int]]:
    (m, n), rows, cols = _structure(pattern, name)
    if m != n:
        raise ValueError(f"{name} must be square (n x n), got shape ({m}, {n})")
    adj: list[set[int]] = [set() for _ in range(n)]
    for a, b in zip(rows.tolist(), cols.tolist()):
        if a != b:
            adj[a].add(b)
            adj[b].add(a)
    return adj


def is_star_coloring(pattern: Any, colors: Any) -> bool:
    """Check by brute force that ``colors`` is a star colouring of ``pattern``.

    Verifies that adjacent vertices have different colours and that no path
    ``v - w - x - y`` on four distinct vertices alternates between two colours.

    Parameters
    ----------
    pattern : scipy.sparse matrix or array, shape (n, n)
        Symmetric pattern (symmetrised; the diagonal is ignored).
    colors : array_like of int, shape (n,)

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> path = sp.diags_array([np.ones(3)], offsets=[1], shape=(4, 4))
    >>> is_star_coloring(path, [0, 1, 0, 2]), is_star_coloring(path, [0, 1, 0, 1])
    (True, False)
    """
    adj = _adjacency_sets(pattern, "pattern")
    col = _check_colors(colors, len(adj))
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
    """Check that ``colors`` is proper and has no two-coloured cycle.

    For every pair of colours the edges joining them are fed to a union-find
    structure; an edge whose ends are already connected closes a cycle.

    Parameters
    ----------
    pattern : scipy.sparse matrix or array, shape (n, n)
        Symmetric pattern (symmetrised; the diagonal is ignored).
    colors : array_like of int, shape (n,)

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> ring = sp.diags_array([np.ones(3)], offsets=[1], shape=(4, 4)).tolil()
    >>> ring[0, 3] = 1
    >>> is_acyclic_coloring(ring, [0, 1, 0, 2]), is_acyclic_coloring(ring, [0, 1, 0, 1])
    (True, False)
    """
    adj = _adjacency_sets(pattern, "pattern")
    col = _check_colors(colors, len(adj))
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
    """Check that columns sharing a row of ``pattern`` have different colours.

    Parameters
    ----------
    pattern : scipy.sparse matrix or array, shape (m, n)
        Jacobian sparsity pattern.
    colors : array_like of int, shape (n,)

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np
    >>> J = np.array([[1, 1, 0], [0, 1, 1]])
    >>> is_column_coloring(J, [0, 1, 0]), is_column_coloring(J, [0, 0, 1])
    (True, False)
    """
    (m, n), rows, cols = _structure(pattern, "pattern")
    col = _check_colors(colors, n)
    used: dict[int, dict[int, int]] = {}
    for r, j in zip(rows.tolist(), cols.tolist()):
        row_colors = used.setdefault(r, {})
        other = row_colors.setdefault(col[j], j)
        if other != j:
            return False
    return True
