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
    needs fewer colours than a star colouring; the nonzeros are recovered by
    substitution along the trees formed by each pair of colour classes.
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
far, which keeps the work per vertex proportional to the size of its
distance-2 neighbourhood.

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
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp

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


def _structure(pattern: Any, name: str) -> tuple[tuple[int, int], np.ndarray, np.ndarray]:
    """Return ``(shape, rows, cols)`` of the nonzero entries of ``pattern``.

    Duplicates may be present; explicit zeros are dropped.
    """
    if sp.issparse(pattern):
        if pattern.ndim != 2:
            raise ValueError(f"{name} must be 2-D, got a {pattern.ndim}-D sparse array")
        coo = pattern.tocoo()
    else:
        try:
            arr = np.asarray(pattern)
        except Exception as exc:  # pragma: no cover - exotic inputs
            raise TypeError(f"{name} must be a scipy.sparse matrix or array") from exc
        if arr.ndim != 2:
            raise ValueError(f"{name} must be a 2-D sparse matrix, got an array with shape {arr.shape}")
        if arr.dtype == object:
            raise TypeError(f"{name} must be a scipy.sparse matrix or a numeric array")
        coo = sp.coo_array(arr)
    shape = (int(coo.shape[0]), int(coo.shape[1]))
    data = np.asarray(coo.data)
    keep = data != 0
    rows = np.asarray(coo.row, dtype=np.int64)
    cols = np.asarray(coo.col, dtype=np.int64)
    if not keep.all():
        rows, cols = rows[keep], cols[keep]
    return shape, rows, cols


def _csr_from_keys(keys: np.ndarray, n_rows: int, n_cols: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR ``indptr, indices`` from sorted unique linear keys ``row * n_cols + col``."""
    if n_cols == 0:
        rows = keys
        cols = keys
    else:
        rows = keys // n_cols
        cols = keys - rows * n_cols
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
    return indptr, cols


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
    rows, cols = rows[off], cols[off]
    keys = np.unique(np.concatenate((rows * n + cols, cols * n + rows)))
    indptr, indices = _csr_from_keys(keys, n, n)
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
        nnz = self.indices.size
        P = sp.csr_array(
            (np.ones(nnz, dtype=np.int64), self.indices, self.indptr), shape=(self.m, self.n)
        )
        C = (P.T @ P).tocoo()
        return _graph_from_pairs(
            self.n, np.asarray(C.row, dtype=np.int64), np.asarray(C.col, dtype=np.int64)
        )


def _jacobian_pattern(pattern: Any, name: str = "pattern") -> _JacobianPattern:
    (m, n), rows, cols = _structure(pattern, name)
    keys = np.unique(rows * n + cols) if n else np.zeros(0, dtype=np.int64)
    indptr, indices = _csr_from_keys(keys, m, n)
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


def _order_smallest_last(g: _Graph, seed: Any) -> np.ndarray:
    """Repeatedly remove a vertex of minimum remaining degree; colour in reverse.

    Buckets indexed by the current degree hold (possibly stale) vertex
    entries; an entry is valid when the vertex is still present and its
    degree equals the bucket index.  Total work is O(n + nnz).
    """
    n = g.n
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    ip = g.indptr.tolist()
    ix = g.indices.tolist()
    deg = g.degrees.tolist()
    buckets: list[list[int]] = [[] for _ in range(max(deg) + 1)]
    for v in range(n - 1, -1, -1):  # pop() then yields low indices first
        buckets[deg[v]].append(v)
    gone = [False] * n
    order = [0] * n
    k = n - 1
    d = 0
    while k >= 0:
        bucket = buckets[d]
        v = -1
        while bucket:
            u = bucket.pop()
            if not gone[u] and deg[u] == d:
                v = u
                break
        if v < 0:
            d += 1
            continue
        gone[v] = True
        order[k] = v
        k -= 1
        for q in range(ip[v], ip[v + 1]):
            w = ix[q]
            if not gone[w]:
                dw = deg[w] - 1
                deg[w] = dw
                buckets[dw].append(w)
        if d > 0:
            d -= 1
    return np.asarray(order, dtype=np.int64)


def _order_incidence_degree(g: _Graph, seed: Any) -> np.ndarray:
    """Repeatedly pick a vertex with most already-ordered neighbours.

    Ties are broken towards the vertex reached most recently (which makes the
    ordering sweep through banded and mesh-like graphs), the very first pick
    is a vertex of largest degree.  Lazy buckets as in smallest-last.
    """
    n = g.n
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    ip = g.indptr.tolist()
    ix = g.indices.tolist()
    start = np.argsort(-g.degrees, kind="stable")
    buckets: list[list[int]] = [[] for _ in range(int(g.degrees.max()) + 2)]
    buckets[0] = start[::-1].tolist()  # pop() yields the largest degree first
    inc = [0] * n
    done = [False] * n
    order = [0] * n
    k = 0
    d = 0
    while k < n:
        bucket = buckets[d]
        v = -1
        while bucket:
            u = bucket.pop()
            if not done[u] and inc[u] == d:
                v = u
                break
        if v < 0:
            d -= 1
            continue
        done[v] = True
        order[k] = v
        k += 1
        for q in range(ip[v], ip[v + 1]):
            w = ix[q]
            if not done[w]:
                iw = inc[w] + 1
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
    >>> vertex_order(arrow, "smallest_last")[0]
    np.int64(0)
    """
    g = _symmetric_graph(pattern)
    return _resolve_order(g, order, seed)[0]


# --------------------------------------------------------------------------
# Greedy colouring kernels (tight loops over Python lists)
# --------------------------------------------------------------------------


def _greedy_distance1(g: _Graph, perm: np.ndarray) -> list[int]:
    """Plain greedy proper colouring (used on the column intersection graph)."""
    n = g.n
    ip = g.indptr.tolist()
    ix = g.indices.tolist()
    color = [-1] * n
    mark = [-1] * (n + 1)
    for v in perm.tolist():
        for q in range(ip[v], ip[v + 1]):
            c = color[ix[q]]
            if c >= 0:
                mark[c] = v
        c = 0
        while mark[c] == v:
            c += 1
        color[v] = c
    return color


def _greedy_star(g: _Graph, perm: np.ndarray) -> list[int]:
    """Greedy star colouring maintaining the two-coloured stars.

    Invariant: on the coloured vertices the colouring is proper and every
    connected two-coloured subgraph is a star.  Each edge between coloured
    vertices carries the id of its star; ``hub[s]`` is the centre of star
    ``s`` or -1 while ``s`` is a single edge (either end may become centre).

    When vertex ``v`` is coloured ``c``, look at its coloured neighbours,
    grouped by colour ``d``:

    * two or more neighbours of colour ``d``: ``v`` becomes the centre of a
      new ``{c, d}`` star, so none of them may already have a neighbour of
      colour ``c``; every colour next to them is forbidden;
    * exactly one neighbour ``w`` of colour ``d``: ``v`` becomes a leaf hung
      on ``w``, which is fine unless ``w`` is a leaf of a star whose centre
      is some ``x``; then ``color(x)`` is forbidden.
    """
    n = g.n
    ip = g.indptr.tolist()
    ix = g.indices.tolist()
    rv = g.rev.tolist()
    color = [-1] * n
    mark = [-1] * (n + 1)  # mark[c] == v: colour c forbidden for v
    seen = [-1] * (n + 1)  # seen[c] == v: some neighbour of v has colour c
    multi = [-1] * (n + 1)  # multi[c] == v: at least two neighbours have colour c
    grp = [-1] * (n + 1)  # grp[d] == v: star for colour group d created
    grp_star = [0] * (n + 1)
    estar = [-1] * len(ix)  # star id of each CSR position (both directions)
    hub: list[int] = []
    for v in perm.tolist():
        cn = []
        for q in range(ip[v], ip[v + 1]):
            cw = color[ix[q]]
            if cw >= 0:
                cn.append(q)
                mark[cw] = v
                if seen[cw] == v:
                    multi[cw] = v
                else:
                    seen[cw] = v
        if not cn:
            color[v] = 0
            continue
        for q in cn:
            w = ix[q]
            if multi[color[w]] == v:
                for r in range(ip[w], ip[w + 1]):
                    cx = color[ix[r]]
                    if cx >= 0:
                        mark[cx] = v
            else:
                for r in range(ip[w], ip[w + 1]):
                    x = ix[r]
                    cx = color[x]
                    if cx >= 0 and hub[estar[r]] == x:
                        mark[cx] = v
        c = 0
        while mark[c] == v:
            c += 1
        # Record the new edges in their stars (v itself is still uncoloured).
        for q in cn:
            w = ix[q]
            cw = color[w]
            if multi[cw] == v:
                if grp[cw] != v:
                    grp[cw] = v
                    grp_star[cw] = len(hub)
                    hub.append(v)
                s = grp_star[cw]
            else:
                s = -1
                for r in range(ip[w], ip[w + 1]):
                    if color[ix[r]] == c:
                        s = estar[r]
                        break
                if s < 0:
                    s = len(hub)
                    hub.append(-1)
                else:
                    hub[s] = w
            estar[q] = s
            estar[rv[q]] = s
        color[v] = c
    return color


def _greedy_acyclic(g: _Graph, perm: np.ndarray) -> list[int]:
    """Greedy acyclic colouring maintaining the two-coloured trees.

    Invariant: on the coloured vertices the colouring is proper and every
    two-coloured subgraph is a forest.  Edges between coloured vertices are
    grouped into trees with a union-find structure (one element per edge).

    Colouring ``v`` with ``c`` closes a cycle exactly when two neighbours
    ``w1 != w2`` of the same colour ``d`` already lie in one ``{c, d}``
    tree.  Scanning the coloured neighbours ``x`` of every coloured
    neighbour ``w`` visits each tree through which ``v`` could close a
    cycle; the second distinct ``w`` reaching a tree forbids ``color(x)``.
    """
    n = g.n
    ip = g.indptr.tolist()
    ix = g.indices.tolist()
    rv = g.rev.tolist()
    color = [-1] * n
    mark = [-1] * (n + 1)
    grp = [-1] * (n + 1)
    grp_set = [0] * (n + 1)
    eset = [-1] * len(ix)  # union-find element of each CSR position
    parent: list[int] = []
    size: list[int] = []
    visit_v: list[int] = []  # per tree root: vertex being coloured when last visited
    visit_w: list[int] = []  # ... and the neighbour through which it was reached
    for v in perm.tolist():
        cn = []
        for q in range(ip[v], ip[v + 1]):
            cw = color[ix[q]]
            if cw >= 0:
                cn.append(q)
                mark[cw] = v
        if not cn:
            color[v] = 0
            continue
        for q in cn:
            w = ix[q]
            for r in range(ip[w], ip[w + 1]):
                cx = color[ix[r]]
                if cx < 0 or mark[cx] == v:
                    continue
                t = eset[r]
                while parent[t] != t:
                    pt = parent[parent[t]]
                    parent[t] = pt
                    t = pt
                if visit_v[t] == v:
                    if visit_w[t] != w:
                        mark[cx] = v
                else:
                    visit_v[t] = v
                    visit_w[t] = w
        c = 0
        while mark[c] == v:
            c += 1
        for q in cn:
            w = ix[q]
            cw = color[w]
            if grp[cw] != v:
                grp[cw] = v
                s = len(parent)
                parent.append(s)
                size.append(1)
                visit_v.append(-1)
                visit_w.append(-1)
                grp_set[cw] = s
            else:
                s = grp_set[cw]
            estar = s
            eset[q] = estar
            eset[rv[q]] = estar
            for r in range(ip[w], ip[w + 1]):
                if color[ix[r]] == c:
                    # union(s, eset[r])
                    a = s
                    while parent[a] != a:
                        a = parent[a]
                    b = eset[r]
                    while parent[b] != b:
                        b = parent[b]
                    if a != b:
                        if size[a] < size[b]:
                            a, b = b, a
                        parent[b] = a
                        size[a] += size[b]
                    break
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
        return np.ascontiguousarray(B).reshape(-1)

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
            are sorted and free of duplicates.

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
        if format not in _FORMATS:
            raise ValueError(f"format must be one of {_FORMATS}, got {format!r}")
        if symmetric_upper and self.kind == "column":
            raise ValueError("symmetric_upper=True is only meaningful for symmetric colourings")
        Bflat = self._check_B(B)
        plan = self._plan(format, bool(symmetric_upper))
        data = self._values(Bflat)[plan.gather]
        return _assemble(format, self.shape, plan, data)


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class _SymmetricColoring(Coloring):
    @property
    def shape(self) -> tuple[int, int]:
        n = self.colors.size
        return (n, n)

    @functools.cached_property
    def _layout(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Merge the off-diagonal CSR positions with the diagonal.

        Returns ``(rows, cols, where)`` in row-major order, ``where[k]`` is the
        off-diagonal CSR position of entry ``k`` or ``-1 - i`` for diagonal
        entry ``(i, i)``.
        """
        g: _Graph = self._pattern
        n = g.n
        diag = np.arange(n, dtype=np.int64)
        rows = np.concatenate((g.rows, diag))
        cols = np.concatenate((g.indices, diag))
        where = np.concatenate((np.arange(g.indices.size, dtype=np.int64), -1 - diag))
        perm = np.argsort(rows * max(n, 1) + cols, kind="stable")
        return rows[perm], cols[perm], where[perm]


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
        src_off = np.where(direct, key, j * c + colors[i])
        rows, cols, where = self._layout
        diag_src = rows * c + colors[rows]
        src = np.where(where >= 0, src_off[np.maximum(where, 0)], diag_src)
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
    handful of vectorised operations, independent of the depth of the trees.
    """

    @functools.cached_property
    def _substitution(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Precompute the substitution schedule.

        Returns ``(flat_pre, sign_pre, end_pre, edge_pre)``:

        ``flat_pre``  flat index into ``B`` of the node sums, in preorder;
        ``sign_pre``  +1/-1 parity of each node relative to its tree root;
        ``end_pre``   one past the last preorder position of each subtree;
        ``edge_pos``  for each off-diagonal CSR position, the preorder
                      position of the child node of its tree edge.
        """
        g: _Graph = self._pattern
        c = self.n_colors
        colors = self.colors
        i = g.rows
        j = g.indices
        nnz = j.size
        # Tree nodes: (vertex, colour of the other class) pairs.
        key = i * c + colors[j]
        node_keys, node_of = np.unique(key, return_inverse=True)
        node_of = node_of.reshape(-1)
        N = node_keys.size
        other = node_of[g.rev]  # node at the other end of each position
        # Node adjacency in CSR form (each position p gives the arc node_of[p] -> other[p]).
        arc_order = np.argsort(node_of, kind="stable")
        nptr = np.zeros(N + 1, dtype=np.int64)
        np.cumsum(np.bincount(node_of, minlength=N), out=nptr[1:])
        nadj = other[arc_order]

        # Iterative DFS over the forest: preorder position and subtree end.
        ip = nptr.tolist()
        ax = nadj.tolist()
        pos = [-1] * N
        end = [0] * N
        sign = [0] * N
        par = [-1] * N
        nxt = ip[:-1]
        counter = 0
        tree_edges = 0
        for root in range(N):
            if pos[root] >= 0:
                continue
            pos[root] = counter
            counter += 1
            sign[root] = 1
            stack = [root]
            while stack:
                u = stack[-1]
                k = nxt[u]
                if k < ip[u + 1]:
                    nxt[u] = k + 1
                    w = ax[k]
                    if pos[w] >= 0:
                        continue
                    pos[w] = counter
                    counter += 1
                    sign[w] = -sign[u]
                    par[w] = u
                    tree_edges += 1
                    stack.append(w)
                else:
                    end[u] = counter
                    stack.pop()
        if tree_edges * 2 != nnz:  # pragma: no cover - guarded by the algorithm
            raise RuntimeError("colouring is not acyclic; cannot build substitution schedule")
        pos_a = np.asarray(pos, dtype=np.int64)
        order = np.empty(N, dtype=np.int64)
        order[pos_a] = np.arange(N, dtype=np.int64)
        flat_pre = node_keys[order]  # node key == vertex * c + other colour == flat index into B
        sign_pre = np.asarray(sign, dtype=np.float64)[order]
        end_pre = np.asarray(end, dtype=np.int64)[order]
        # For each position, its tree edge joins node_of[p] and other[p]; the
        # child is whichever has the other as DFS parent.
        par_a = np.asarray(par, dtype=np.int64)
        child = np.where(par_a[node_of] == other, node_of, other)
        edge_pos = pos_a[child]
        return flat_pre, sign_pre, end_pre, edge_pos

    @functools.cached_property
    def _entries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        _, _, _, edge_pos = self._substitution
        n_nodes = self._substitution[0].size
        rows, cols, where = self._layout
        c = self.n_colors
        # Value vector is concat(edge values by preorder position, B.ravel()).
        diag_src = n_nodes + rows * c + self.colors[rows]
        src = np.where(where >= 0, edge_pos[np.maximum(where, 0)], diag_src)
        return rows, cols, src

    def _values(self, Bflat: np.ndarray) -> np.ndarray:
        flat_pre, sign_pre, end_pre, _ = self._substitution
        t = Bflat[flat_pre] * sign_pre
        csum = np.zeros(t.size + 1, dtype=t.dtype)
        np.cumsum(t, out=csum[1:])
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
        return rows, cols, rows * self.n_colors + self.colors[cols]


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
    >>> tri = sp.diags_array([1, 1, 1], offsets=[-1, 0, 1], shape=(5, 5))
    >>> col = star_coloring(tri)
    >>> col.colors, col.n_colors
    (array([0, 1, 0, 2, 0]), 3)
    >>> is_star_coloring(tri, col.colors)
    True
    """
    g = _symmetric_graph(pattern)
    perm, name = _resolve_order(g, order, seed)
    colors, k = _finish_colors(_greedy_star(g, perm))
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
        same ordering, but this is not guaranteed; with ``fallback=True``
        (default) the star colouring is computed as well and returned (as an
        :class:`AcyclicColoring`) whenever it uses fewer colours.

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
    >>> tri = sp.diags_array([1, 1, 1], offsets=[-1, 0, 1], shape=(5, 5))
    >>> col = acyclic_coloring(tri)
    >>> col.colors, col.n_colors
    (array([0, 1, 0, 1, 0]), 2)
    >>> H = sp.diags_array([[1., 2, 3, 4], [4., 5, 6, 7, 8], [1., 2, 3, 4]], offsets=[-1, 0, 1])
    >>> bool(np.allclose(col.decompress(H @ col.seed_matrix()).toarray(), H.toarray()))
    True
    """
    g = _symmetric_graph(pattern)
    perm, name = _resolve_order(g, order, seed)
    colors, k = _finish_colors(_greedy_acyclic(g, perm))
    if fallback and k > 2:
        star_colors, k_star = _finish_colors(_greedy_star(g, perm))
        if k_star < k:
            colors, k = star_colors, k_star
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
    colors, k = _finish_colors(_greedy_distance1(g, perm))
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
