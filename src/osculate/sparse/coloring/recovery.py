"""Colouring results and the recovery of sparse matrices from compressed products.

A colouring with ``c`` colours turns ``n`` derivative columns into the
``c`` columns of ``B = H @ S`` (or ``J @ S``), ``S`` being the 0/1 seed
matrix.  The result objects here hold the colours and rebuild the sparse
derivative matrix from ``B``:

:class:`StarColoring`
    every entry is read directly from one entry of ``B``;
:class:`AcyclicColoring`
    entries are obtained by substitution along two-coloured trees, all at
    once with a cumulative sum;
:class:`ColumnColoring`
    every Jacobian entry stands alone in one entry of ``B``.

All the index arrays that a decompression needs are computed on first use
and cached per output format, so :meth:`Coloring.decompress` costs a few
vectorised NumPy gathers per call.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, connected_components

from .graph import Graph, JacobianPattern

__all__ = ["Coloring", "StarColoring", "AcyclicColoring", "ColumnColoring"]

_FORMATS = ("csr", "csc", "coo")


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
        >>> from osculate.sparse import acyclic_coloring
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
        >>> from osculate.sparse import star_coloring
        >>> H = sp.diags_array([[1., 2.], [5., 6., 7.], [1., 2.]], offsets=[-1, 0, 1])
        >>> col = star_coloring(H)
        >>> B = H @ col.seed_matrix()
        >>> col.decompress(B).toarray()
        array([[5., 1., 0.],
               [1., 6., 2.],
               [0., 2., 7.]])
        """
        data = self.stored_values(self._check_B(B), format, symmetric_upper)
        return self.assemble(data, format, symmetric_upper)

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
        g: Graph = self._pattern
        n = g.n
        diag = np.arange(n, dtype=np.int64)
        rows = np.concatenate((g.rows, diag))
        cols = np.concatenate((g.indices, diag))
        perm = np.argsort(rows * max(n, 1) + cols, kind="stable")
        return rows[perm], cols[perm], perm

    def _with_diagonal(self, off_src: np.ndarray, offset: int = 0):
        """Row-major ``(rows, cols, src)`` from the sources of the off-diagonal entries.

        ``off_src[p]`` is where the value of off-diagonal CSR position ``p``
        is read; the diagonal entry ``(i, i)`` is ``B[i, colors[i]]``, read
        at ``offset`` plus its colour-major flat index (see ``_check_B``).
        """
        rows, cols, where = self._layout
        n = self.colors.size
        diag_src = offset + self.colors * n + np.arange(n, dtype=np.int64)
        return rows, cols, np.concatenate((off_src, diag_src))[where]


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class StarColoring(_SymmetricColoring):
    """Star colouring of a symmetric pattern; decompression is direct.

    See :class:`Coloring` for the attributes and :func:`star_coloring` for an
    example.
    """

    @functools.cached_property
    def _entries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        g: Graph = self._pattern
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
        return self._with_diagonal(np.where(direct, colors[j] * n + i, colors[i] * n + j))


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
        g: Graph = self._pattern
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
        flat_pre, _, _, edge_pos = self._substitution
        # the value vector (see _values) is the edge values by preorder
        # position, one per tree node, followed by B in colour-major order
        return self._with_diagonal(edge_pos, offset=flat_pre.size)

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
        jp: JacobianPattern = self._pattern
        return (jp.m, jp.n)

    @functools.cached_property
    def _entries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        jp: JacobianPattern = self._pattern
        rows = jp.rows
        cols = jp.indices
        return rows, cols, self.colors[cols] * jp.m + rows
