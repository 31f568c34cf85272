"""Greedy colourings: distance-1 (column), star and acyclic.

Each public function builds the graph (:mod:`.graph`), resolves the vertex
ordering (:mod:`.orderings`), runs one sequential greedy sweep and wraps the
colours in a result object (:mod:`.recovery`) that knows how to decompress.

The sweeps are tight loops over Python lists: flat and preallocated, so the
garbage collector has nothing to traverse, and with the list operations
written out inline (a helper call per vertex or per list entry would cost a
noticeable share of the sweep).  Before a sweep, :func:`_sweep` lists for
every vertex its neighbours that come earlier in the ordering -- exactly the
neighbours that are already coloured when it is visited, the only ones a
greedy algorithm looks at.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .graph import Graph, jacobian_pattern, symmetric_graph
from .orderings import resolve_order
from .recovery import AcyclicColoring, ColumnColoring, StarColoring

__all__ = ["star_coloring", "acyclic_coloring", "column_coloring"]


class _Sweep(NamedTuple):
    """A vertex ordering prepared for the greedy kernels.

    ``order[i]`` is the i-th vertex to colour and ``earlier[ptr[i]:ptr[i+1]]``
    are its neighbours that come before it in the ordering.  Built with
    vectorised NumPy and handed to the kernels as Python lists, which iterate
    fastest.
    """

    order: list[int]
    ptr: list[int]
    earlier: list[int]


def _sweep(g: Graph, perm: np.ndarray) -> _Sweep:
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


def _greedy_distance1(g: Graph, sw: _Sweep) -> list[int]:
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


def _greedy_star(g: Graph, sw: _Sweep, limit: int | None = None) -> list[int] | None:
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

    Bookkeeping lives in flat preallocated lists (no per-vertex containers):

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
                fcol[nf] = c
                fnext[nf] = fhead[w]
                fhead[w] = nf
                nf += 1
                lcol[nl] = c
                lpart[nl] = -1
                lnext[nl] = head[w]
                head[w] = nl
                nl += 1
                if grp[d] == v:
                    continue  # v's entry for d was made with the first leaf
                grp[d] = v
            else:
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
            # v touches colour d through a star with two or more leaves
            lcol[nl] = d
            lpart[nl] = -1
            lnext[nl] = hv
            hv = nl
            nl += 1
        head[v] = hv
        fhead[v] = fv
        color[v] = c
    return color


def _greedy_acyclic(g: Graph, sw: _Sweep) -> list[int]:
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
    >>> from osculate.sparse import is_star_coloring
    >>> tri = sp.diags_array([1.0, 1.0, 1.0], offsets=[-1, 0, 1], shape=(5, 5))
    >>> col = star_coloring(tri)
    >>> col.colors, col.n_colors
    (array([0, 1, 0, 2, 0]), 3)
    >>> is_star_coloring(tri, col.colors)
    True
    """
    g = symmetric_graph(pattern)
    perm, name = resolve_order(g, order, seed)
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
        Whether to fall back on the star colouring of the same ordering when
        it needs fewer colours (see Notes).  Default True.

    Returns
    -------
    AcyclicColoring

    Raises
    ------
    ValueError
        If ``pattern`` is not square or ``order`` is unknown.

    Notes
    -----
    Every star colouring is also acyclic.  The greedy acyclic algorithm
    usually needs no more colours than the greedy star algorithm with the
    same ordering, but this is not guaranteed.  With ``fallback=True`` the
    star colouring with the same ordering is computed too and returned (as an
    :class:`AcyclicColoring`, decompressed by substitution) whenever it uses
    fewer colours; so the result never has more colours than
    :func:`star_coloring` with the same ``order`` and ``seed``.  The star
    sweep is abandoned as soon as it reaches as many colours as the acyclic
    one, so the check is usually almost free.

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
    g = symmetric_graph(pattern)
    perm, name = resolve_order(g, order, seed)
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
    jp = jacobian_pattern(jac_pattern, "jac_pattern")
    g = jp.column_intersection_graph()
    perm, name = resolve_order(g, order, seed)
    colors, k = _finish_colors(_greedy_distance1(g, _sweep(g, perm)))
    return ColumnColoring(colors, k, "column", name, jp)
