"""Tests for osculate.sparse.coloring (graph colouring for sparse derivatives)."""

from __future__ import annotations

import ast
import doctest
import inspect
import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components

import osculate.sparse as osp
from osculate.sparse import coloring as coloring_module
from osculate.sparse.coloring import ORDERINGS, vertex_order
from osculate.sparse.coloring import AcyclicColoring, ColumnColoring, StarColoring
from osculate.sparse.coloring import acyclic_coloring, column_coloring, star_coloring
from osculate.sparse.coloring import is_acyclic_coloring, is_column_coloring, is_star_coloring
from osculate.sparse.coloring import checkers, graph, greedy, orderings, recovery

SUBMODULES = (graph, orderings, greedy, recovery, checkers)

SYMMETRIC_KINDS = {"star": star_coloring, "acyclic": acyclic_coloring}
CHECKERS = {"star": is_star_coloring, "acyclic": is_acyclic_coloring}


# ---------------------------------------------------------------------------
# pattern generators
# ---------------------------------------------------------------------------


def banded(n: int, rho: int) -> sp.csr_array:
    """n x n pattern with rho nonzero diagonals (bandwidth (rho - 1) / 2)."""
    beta = (rho - 1) // 2
    offsets = list(range(-beta, beta + 1))
    return sp.diags_array([1.0] * len(offsets), offsets=offsets, shape=(n, n), format="csr")


def grid_laplacian(k: int) -> sp.csr_array:
    """5-point Laplacian pattern on a k x k grid."""
    T = sp.diags_array([-1.0, 2.0, -1.0], offsets=[-1, 0, 1], shape=(k, k))
    eye = sp.eye_array(k)
    return (sp.kron(T, eye) + sp.kron(eye, T)).tocsr()


def arrowhead(n: int) -> sp.csr_array:
    A = sp.lil_array((n, n))
    A[0, :] = 1.0
    A[:, 0] = 1.0
    A.setdiag(1.0)
    return A.tocsr()


def block_diagonal(sizes, seed: int = 0) -> sp.csr_array:
    rng = np.random.default_rng(seed)
    blocks = [np.ones((s, s)) * rng.uniform(1, 2) for s in sizes]
    return sp.block_diag(blocks, format="csr")


def random_symmetric(n: int, density: float, seed: int) -> sp.csr_array:
    rng = np.random.default_rng(seed)
    A = sp.random_array((n, n), density=density, rng=rng, format="csr")
    return (A + A.T).tocsr()


def dense_row(n: int, seed: int) -> sp.csr_array:
    """Random sparse pattern plus one dense row, given *unsymmetrised*."""
    rng = np.random.default_rng(seed)
    A = sp.random_array((n, n), density=3.0 / n, rng=rng, format="lil")
    A[n // 3, :] = 1.0
    return A.tocsr()


SYMMETRIC_PATTERNS = {
    "band3": banded(40, 3),
    "band5": banded(40, 5),
    "band9": banded(60, 9),
    "grid": grid_laplacian(9),
    "arrowhead": arrowhead(30),
    "blockdiag": block_diagonal([1, 4, 2, 6, 3]),
    "random": random_symmetric(60, 0.06, seed=1),
    "random_dense": random_symmetric(25, 0.3, seed=2),
    "dense_row": dense_row(40, seed=3),
    "upper_triangle_only": sp.triu(random_symmetric(35, 0.1, seed=4), format="csr"),
}


def jacobian_patterns():
    rng = np.random.default_rng(11)
    pats = {
        "random_wide": sp.random_array((20, 45), density=0.08, rng=rng, format="csr"),
        "random_tall": sp.random_array((70, 30), density=0.05, rng=rng, format="csr"),
        "banded_rect": sp.diags_array([1.0, 1.0, 1.0], offsets=[0, 1, 2], shape=(30, 32)),
    }
    J = sp.random_array((25, 30), density=0.05, rng=rng, format="lil")
    J[7, :] = 1.0
    pats["dense_row"] = J.tocsr()
    J = sp.random_array((25, 30), density=0.05, rng=rng, format="lil")
    J[:, 4] = 1.0
    pats["dense_col"] = J.tocsr()
    pats["square_grid"] = grid_laplacian(6)
    return pats


JACOBIAN_PATTERNS = jacobian_patterns()


def offdiag_structure(pattern) -> sp.csr_array:
    """Symmetrised 0/1 off-diagonal structure (reference, via SciPy only)."""
    P = sp.coo_array(pattern)
    keep = (P.data != 0) & (P.row != P.col)
    r, c = P.row[keep], P.col[keep]
    S = sp.coo_array(
        (np.ones(2 * r.size), (np.concatenate((r, c)), np.concatenate((c, r)))), shape=P.shape
    ).tocsr()
    S.data[:] = 1.0
    S.sort_indices()
    return S


def random_hessian(pattern, seed: int) -> sp.csr_array:
    """Random symmetric matrix with structure = symmetrised pattern + diagonal."""
    rng = np.random.default_rng(seed)
    S = offdiag_structure(pattern)
    U = sp.triu(S, k=1, format="csr")
    U.data = rng.uniform(-1.0, 1.0, U.nnz) * rng.choice([1.0, 1e3], U.nnz)
    n = S.shape[0]
    H = (U + U.T + sp.diags_array(rng.uniform(1.0, 2.0, n))).tocsr()
    H.sort_indices()
    return H


def max_rel_err(R, H) -> float:
    scale = abs(H).max() if H.nnz else 1.0
    diff = (sp.csr_array(R) - H).tocsr()
    return float(abs(diff).max() / scale) if diff.nnz else 0.0


# ---------------------------------------------------------------------------
# independent, definition-based reference predicates (for the checkers)
# ---------------------------------------------------------------------------


def two_colored_components(pattern, colors):
    """Yield (n_vertices, n_edges, n_inner) for each two-coloured component.

    ``n_inner`` counts the vertices of degree > 1 inside the component.
    """
    S = offdiag_structure(pattern).tocoo()
    colors = np.asarray(colors)
    n = S.shape[0]
    for a, b in itertools.combinations(np.unique(colors), 2):
        keep = np.isin(colors[S.row], (a, b)) & np.isin(colors[S.col], (a, b))
        sub = sp.coo_array((np.ones(keep.sum()), (S.row[keep], S.col[keep])), shape=(n, n)).tocsr()
        _, labels = connected_components(sub, directed=False)
        deg = np.diff(sub.indptr)
        for lab in np.unique(labels[np.isin(colors, (a, b))]):
            members = labels == lab
            yield int(members.sum()), int(deg[members].sum() // 2), int((deg[members] > 1).sum())


def proper(pattern, colors) -> bool:
    S = offdiag_structure(pattern).tocoo()
    colors = np.asarray(colors)
    return bool(np.all(colors[S.row] != colors[S.col]))


def reference_star(pattern, colors) -> bool:
    """Proper, and every two-coloured component is a star (a tree with <= 1 inner vertex)."""
    if not proper(pattern, colors):
        return False
    return all(
        ne == nv - 1 and inner <= 1 for nv, ne, inner in two_colored_components(pattern, colors)
    )


def reference_acyclic(pattern, colors) -> bool:
    """Proper, and every two-coloured component is a tree."""
    if not proper(pattern, colors):
        return False
    return all(ne == nv - 1 for nv, ne, _ in two_colored_components(pattern, colors))


def reference_column(pattern, colors) -> bool:
    P = sp.csr_array(pattern)
    colors = np.asarray(colors)
    for r in range(P.shape[0]):
        cols = P.indices[P.indptr[r] : P.indptr[r + 1]][P.data[P.indptr[r] : P.indptr[r + 1]] != 0]
        if len(set(colors[cols].tolist())) != len(cols):
            return False
    return True


# ---------------------------------------------------------------------------
# checkers against hand-made colourings
# ---------------------------------------------------------------------------


def path(n):
    return sp.diags_array([1.0], offsets=[1], shape=(n, n), format="csr")


def cycle(n):
    A = sp.lil_array((n, n))
    for i in range(n):
        A[i, (i + 1) % n] = 1.0
    return A.tocsr()


@pytest.mark.parametrize(
    "pattern, colors, star, acyclic",
    [
        (path(4), [0, 1, 0, 2], True, True),
        (path(4), [0, 1, 2, 0], True, True),
        (path(4), [0, 1, 0, 1], False, True),  # bichromatic P4, but no cycle
        (path(4), [0, 0, 1, 2], False, False),  # not proper
        (path(3), [0, 1, 0], True, True),  # P3 may be bichromatic
        (cycle(4), [0, 1, 0, 1], False, False),  # bichromatic cycle
        (cycle(4), [0, 1, 0, 2], True, True),
        (cycle(6), [0, 1, 0, 1, 0, 2], False, True),
        (cycle(5), [0, 1, 0, 1, 2], False, True),
        (cycle(3), [0, 1, 2], True, True),
        (arrowhead(6), [0, 1, 1, 1, 1, 1], True, True),  # one big star
        (arrowhead(6), [1, 0, 0, 0, 0, 0], True, True),
        (sp.csr_array((3, 3)), [0, 0, 0], True, True),
        (sp.eye_array(3), [0, 0, 0], True, True),  # diagonal is ignored
    ],
)
def test_checkers_hand_made(pattern, colors, star, acyclic):
    assert is_star_coloring(pattern, colors) is star
    assert is_acyclic_coloring(pattern, colors) is acyclic
    assert reference_star(pattern, colors) is star
    assert reference_acyclic(pattern, colors) is acyclic


def test_checkers_on_two_joined_stars():
    # star 0-{1, 2} and star 3-{4, 5}, leaves 2 and 4 joined
    A = sp.lil_array((6, 6))
    for i, j in [(0, 1), (0, 2), (3, 4), (3, 5), (2, 4)]:
        A[i, j] = 1
    cases = [
        ([0, 1, 1, 0, 1, 1], False, False),  # 2-4 share a colour: improper
        ([0, 1, 2, 0, 1, 1], True, True),
        ([0, 1, 1, 2, 0, 0], False, True),  # path 1-0-2-4 coloured 1,0,1,0
        ([0, 1, 1, 2, 3, 3], True, True),
        ([0, 1, 1, 0, 2, 2], True, True),
    ]
    for colors, star, acyclic in cases:
        assert is_star_coloring(A, colors) is star, colors
        assert is_acyclic_coloring(A, colors) is acyclic, colors
        assert reference_star(A, colors) is star
        assert reference_acyclic(A, colors) is acyclic


def test_column_checker_hand_made():
    J = np.array([[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]])
    assert is_column_coloring(J, [0, 1, 0, 1])
    assert is_column_coloring(J, [0, 1, 2, 0])
    assert not is_column_coloring(J, [0, 0, 1, 2])
    assert not is_column_coloring(J, [0, 1, 1, 0])
    # a dense row forces all different colours
    D = np.ones((1, 4))
    assert not is_column_coloring(D, [0, 1, 2, 0])
    assert is_column_coloring(D, [3, 1, 2, 0])
    # explicit zeros are not part of the pattern
    Z = sp.csr_array((np.array([1.0, 0.0]), np.array([0, 1]), np.array([0, 2])), shape=(1, 2))
    assert is_column_coloring(Z, [0, 0])


@pytest.mark.parametrize("checker", [is_star_coloring, is_acyclic_coloring, is_column_coloring])
def test_checkers_reject_wrong_length(checker):
    with pytest.raises(ValueError, match=r"colors .*length 4"):
        checker(path(4), [0, 1, 0])
    with pytest.raises(ValueError, match="colors"):
        checker(path(4), np.zeros((2, 2), dtype=int))
    with pytest.raises(ValueError, match="colors"):
        checker(path(4), [0.5, 1.0, 0.0, 1.0])


@pytest.mark.parametrize("checker", [is_star_coloring, is_acyclic_coloring])
def test_symmetric_checkers_reject_non_square(checker):
    with pytest.raises(ValueError, match="square"):
        checker(sp.csr_array((3, 4)), [0, 0, 0])


# ---------------------------------------------------------------------------
# every ordering x kind on a set of patterns
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SYMMETRIC_PATTERNS))
@pytest.mark.parametrize("order", ORDERINGS)
def test_symmetric_colorings_valid(name, order):
    pattern = SYMMETRIC_PATTERNS[name]
    n = pattern.shape[0]
    star = star_coloring(pattern, order=order, seed=7)
    acyc = acyclic_coloring(pattern, order=order, seed=7)
    for col, kind in ((star, "star"), (acyc, "acyclic")):
        assert col.kind == kind
        assert col.order == order
        assert col.colors.dtype == np.int64
        assert col.colors.shape == (n,)
        assert col.n_colors == (col.colors.max() + 1 if n else 0)
        assert set(np.unique(col.colors)) == set(range(col.n_colors))  # no gaps
    assert isinstance(star, StarColoring) and isinstance(acyc, AcyclicColoring)
    assert is_star_coloring(pattern, star.colors)
    assert is_acyclic_coloring(pattern, acyc.colors)
    assert is_acyclic_coloring(pattern, star.colors)  # star implies acyclic
    assert acyc.n_colors <= star.n_colors


@pytest.mark.parametrize("name", list(JACOBIAN_PATTERNS))
@pytest.mark.parametrize("order", ORDERINGS)
def test_column_colorings_valid(name, order):
    J = JACOBIAN_PATTERNS[name]
    col = column_coloring(J, order=order, seed=3)
    assert isinstance(col, ColumnColoring)
    assert col.kind == "column" and col.order == order
    assert col.colors.shape == (J.shape[1],) and col.colors.dtype == np.int64
    assert is_column_coloring(J, col.colors)
    # at least as many colours as the densest row
    assert col.n_colors >= np.diff(sp.csr_array(J).indptr).max()


def test_dense_row_needs_all_colours():
    J = JACOBIAN_PATTERNS["dense_row"]
    assert column_coloring(J).n_colors == J.shape[1]


def test_triangle_gives_same_result_as_full_pattern():
    full = random_symmetric(50, 0.08, seed=5)
    for order in ORDERINGS:
        for f in (star_coloring, acyclic_coloring):
            a = f(full, order, seed=1)
            b = f(sp.triu(full), order, seed=1)
            c = f(sp.tril(full).T.tocoo(), order, seed=1)
            np.testing.assert_array_equal(a.colors, b.colors)
            np.testing.assert_array_equal(a.colors, c.colors)


@pytest.mark.parametrize(
    "convert",
    [
        lambda A: A,
        lambda A: sp.csr_matrix(A),
        lambda A: sp.csc_array(A),
        lambda A: sp.coo_matrix(A),
        lambda A: sp.lil_array(A),
        lambda A: sp.dok_array(A),
        lambda A: A.toarray(),
        lambda A: A.toarray() != 0,
    ],
    ids=["csr_array", "csr_matrix", "csc", "coo_matrix", "lil", "dok", "dense", "bool"],
)
def test_input_formats(convert):
    A = SYMMETRIC_PATTERNS["random"]
    ref = star_coloring(A, "smallest_last")
    got = star_coloring(convert(A), "smallest_last")
    np.testing.assert_array_equal(ref.colors, got.colors)


def test_explicit_zeros_and_duplicates():
    # an explicit zero is not an edge; duplicated entries are one edge
    rows = np.array([0, 1, 1, 2, 2, 0])
    cols = np.array([1, 2, 2, 3, 3, 3])
    data = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.0])
    A = sp.coo_array((data, (rows, cols)), shape=(4, 4))
    col = star_coloring(A)
    np.testing.assert_array_equal(col.colors, star_coloring(path(4)).colors)
    assert col.decompress(np.zeros((4, col.n_colors))).nnz == 4 + 6


# ---------------------------------------------------------------------------
# quality
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("rho", [3, 5, 7, 9])
def test_banded_optimum(rho):
    A = banded(200, rho)
    star_opt = 2 * (rho // 2) + 1
    acyc_opt = rho // 2 + 1
    star_counts = {o: star_coloring(A, o, seed=0).n_colors for o in ORDERINGS}
    acyc_counts = {o: acyclic_coloring(A, o, seed=0).n_colors for o in ORDERINGS}
    assert min(star_counts.values()) == star_opt
    assert min(acyc_counts.values()) == acyc_opt
    # the natural ordering is optimal on band matrices
    assert star_counts["natural"] == star_opt
    assert acyc_counts["natural"] == acyc_opt


def test_tridiagonal_and_nine_diagonal_counts():
    assert star_coloring(banded(1000, 3)).n_colors == 3
    assert acyclic_coloring(banded(1000, 3)).n_colors == 2
    assert star_coloring(banded(1000, 9)).n_colors == 9
    assert acyclic_coloring(banded(1000, 9)).n_colors == 5


def test_grid_counts():
    G = grid_laplacian(30)
    assert star_coloring(G).n_colors == 5  # optimal for the 5-point stencil
    assert acyclic_coloring(G).n_colors <= 4
    # with the diagonal present, a column colouring of a symmetric pattern is
    # a distance-2 colouring, hence also a (usually wasteful) star colouring
    d2 = column_coloring(G)
    assert is_star_coloring(G, d2.colors) and d2.n_colors >= 5


def test_arrowhead_uses_two_colours():
    A = arrowhead(50)
    for order in ORDERINGS:
        assert star_coloring(A, order, seed=0).n_colors == 2
        assert acyclic_coloring(A, order, seed=0).n_colors == 2


def test_block_diagonal_colours_equal_largest_block():
    A = block_diagonal([3, 7, 2, 5])
    for order in ORDERINGS:
        assert star_coloring(A, order, seed=0).n_colors == 7
        assert acyclic_coloring(A, order, seed=0).n_colors == 7


def test_acyclic_fallback_to_star(monkeypatch):
    # force the acyclic kernel to do badly: the star colouring must be used
    A = banded(50, 5)
    worst = lambda g, sweep: list(range(g.n))  # noqa: E731
    monkeypatch.setattr(greedy, "_greedy_acyclic", worst)
    col = acyclic_coloring(A)
    assert col.n_colors == star_coloring(A).n_colors == 5
    assert col.kind == "acyclic"
    assert acyclic_coloring(A, fallback=False).n_colors == 50
    H = random_hessian(A, seed=0)
    assert max_rel_err(col.decompress(H @ col.seed_matrix()), H) < 1e-12


# ---------------------------------------------------------------------------
# orderings
# ---------------------------------------------------------------------------


def brute_degrees(A):
    S = offdiag_structure(A)
    return [set(S.indices[S.indptr[i] : S.indptr[i + 1]].tolist()) for i in range(S.shape[0])]


@pytest.mark.parametrize("name", ["random", "grid", "arrowhead", "dense_row"])
def test_orderings_are_permutations_with_their_defining_property(name):
    A = SYMMETRIC_PATTERNS[name]
    adj = brute_degrees(A)
    n = len(adj)
    for order in ORDERINGS:
        perm = vertex_order(A, order, seed=0)
        assert perm.dtype == np.int64
        assert sorted(perm.tolist()) == list(range(n))
    np.testing.assert_array_equal(vertex_order(A, "natural"), np.arange(n))
    deg = [len(a) for a in adj]
    lf = vertex_order(A, "largest_first").tolist()
    assert all(deg[a] >= deg[b] for a, b in zip(lf, lf[1:]))
    # smallest last: every vertex has minimum degree in the graph induced by
    # itself and the vertices before it
    sl = vertex_order(A, "smallest_last").tolist()
    for k in range(n):
        prefix = set(sl[: k + 1])
        d = {u: len(adj[u] & prefix) for u in prefix}
        assert d[sl[k]] == min(d.values())
    # incidence degree: every vertex has the maximum number of already
    # ordered neighbours among the remaining vertices
    idg = vertex_order(A, "incidence_degree").tolist()
    for k in range(n):
        done = set(idg[:k])
        counts = {u: len(adj[u] & done) for u in range(n) if u not in done}
        assert counts[idg[k]] == max(counts.values())


def test_random_order_is_seeded():
    A = SYMMETRIC_PATTERNS["random"]
    a = vertex_order(A, "random", seed=42)
    np.testing.assert_array_equal(a, vertex_order(A, "random", seed=42))
    assert not np.array_equal(a, vertex_order(A, "random", seed=43))
    s1 = star_coloring(A, "random", seed=5)
    s2 = star_coloring(A, "random", seed=5)
    np.testing.assert_array_equal(s1.colors, s2.colors)
    rng_seeded = star_coloring(A, "random", seed=np.random.default_rng(5))
    np.testing.assert_array_equal(s1.colors, rng_seeded.colors)


def test_custom_permutation_order():
    A = SYMMETRIC_PATTERNS["band5"]
    perm = np.arange(A.shape[0])[::-1]
    col = star_coloring(A, order=perm)
    assert col.order == "custom"
    assert is_star_coloring(A, col.colors)
    with pytest.raises(ValueError, match="permutation"):
        star_coloring(A, order=np.zeros(A.shape[0], dtype=int))
    with pytest.raises(ValueError, match="permutation"):
        star_coloring(A, order=[0, 1, 2])


@pytest.mark.parametrize("func", [star_coloring, acyclic_coloring, column_coloring, vertex_order])
def test_unknown_order_lists_valid_names(func):
    with pytest.raises(ValueError) as info:
        func(path(5), order="biggest_first")
    msg = str(info.value)
    assert "biggest_first" in msg
    for name in ORDERINGS:
        assert name in msg


# ---------------------------------------------------------------------------
# decompression
# ---------------------------------------------------------------------------


DECOMPRESSION_PATTERNS = ["band3", "band9", "grid", "arrowhead", "blockdiag", "random", "dense_row"]


@pytest.mark.parametrize("name", DECOMPRESSION_PATTERNS)
@pytest.mark.parametrize("kind", ["star", "acyclic"])
@pytest.mark.parametrize("order", ["natural", "smallest_last", "random"])
def test_symmetric_decompression_exact(name, kind, order):
    pattern = SYMMETRIC_PATTERNS[name]
    col = SYMMETRIC_KINDS[kind](pattern, order=order, seed=1)
    H = random_hessian(pattern, seed=sum(map(ord, name + kind + order)))
    S = col.seed_matrix()
    assert S.shape == (pattern.shape[0], col.n_colors)
    np.testing.assert_array_equal(S.sum(axis=1), 1.0)
    B = H @ S
    expected = (offdiag_structure(pattern) + sp.eye_array(pattern.shape[0])).tocsr()
    expected.sort_indices()
    for fmt in ("csr", "csc", "coo"):
        R = col.decompress(B, format=fmt)
        assert R.format == fmt and R.shape == H.shape
        assert max_rel_err(R, H) <= 1e-12
        Rc = sp.csr_array(R)
        Rc.sort_indices()
        np.testing.assert_array_equal(Rc.indptr, expected.indptr)
        np.testing.assert_array_equal(Rc.indices, expected.indices)
        assert R.nnz == expected.nnz  # no duplicates, nothing missing
        U = col.decompress(B, format=fmt, symmetric_upper=True)
        assert max_rel_err(U, sp.triu(H, format="csr")) <= 1e-12
        assert U.nnz == sp.triu(expected).nnz
    R = col.decompress(B, format="csr")
    assert R.has_sorted_indices
    Rcsc = col.decompress(B, format="csc")
    assert Rcsc.has_sorted_indices


def test_acyclic_substitution_on_long_path():
    # two colours on a path: a single tree of depth ~n, recovered by substitution
    A = banded(5000, 3)
    col = acyclic_coloring(A)
    assert col.n_colors == 2
    assert not is_star_coloring(A, col.colors)  # direct recovery impossible
    H = random_hessian(A, seed=9)
    R = col.decompress(H @ col.seed_matrix())
    assert max_rel_err(R, H) <= 1e-12


@pytest.mark.parametrize("seed", range(5))
def test_acyclic_decompression_random_large(seed):
    A = random_symmetric(400, 0.01, seed=100 + seed)
    col = acyclic_coloring(A, "smallest_last")
    star = star_coloring(A, "smallest_last")
    assert col.n_colors <= star.n_colors
    H = random_hessian(A, seed=seed)
    assert max_rel_err(col.decompress(H @ col.seed_matrix()), H) <= 1e-12


def test_decompression_complex_and_integer_B():
    A = banded(30, 5)
    col = acyclic_coloring(A)
    H = random_hessian(A, seed=1)
    Hc = (H + 1j * random_hessian(A, seed=2)).tocsr()
    R = col.decompress(Hc @ col.seed_matrix())
    assert np.iscomplexobj(R.data)
    assert max_rel_err(R, Hc) <= 1e-12
    Hi = sp.csr_array(np.round(H.toarray() * 10))
    Ri = col.decompress((Hi @ col.seed_matrix()).astype(np.int64))
    assert Ri.dtype == np.float64
    np.testing.assert_array_equal(Ri.toarray(), Hi.toarray())


@pytest.mark.parametrize("name", list(JACOBIAN_PATTERNS))
@pytest.mark.parametrize("order", ["natural", "largest_first", "random"])
def test_jacobian_decompression_exact(name, order):
    P = sp.csr_array(JACOBIAN_PATTERNS[name])
    col = column_coloring(P, order=order, seed=2)
    rng = np.random.default_rng(4)
    J = P.copy()
    J.data = rng.standard_normal(J.nnz)
    J.sort_indices()
    S = col.seed_matrix()
    assert S.shape == (P.shape[1], col.n_colors)
    B = J @ S
    for fmt in ("csr", "csc", "coo"):
        R = col.decompress(B, format=fmt)
        assert R.format == fmt and R.shape == J.shape and R.nnz == J.nnz
        Rc = sp.csr_array(R)
        Rc.sort_indices()
        np.testing.assert_array_equal(Rc.indptr, J.indptr)
        np.testing.assert_array_equal(Rc.indices, J.indices)
        np.testing.assert_array_equal(Rc.data, J.data)  # direct: exact


def test_decompress_reuses_precomputed_structure_and_results_are_independent():
    A = SYMMETRIC_PATTERNS["grid"]
    col = acyclic_coloring(A)
    H = random_hessian(A, seed=3)
    B = H @ col.seed_matrix()
    R1 = col.decompress(B)
    plan = col._plan("csr", False)
    R2 = col.decompress(B)
    assert col._plan("csr", False) is plan  # index arrays built once
    assert R1.indices is not R2.indices and not np.shares_memory(R1.indices, R2.indices)
    # in-place operations on a result must not leak into later results
    R1.data[:] = 0.0
    R1.eliminate_zeros()
    R3 = col.decompress(B)
    assert max_rel_err(R3, H) <= 1e-12
    assert not np.shares_memory(R3.data, B)


def test_decompress_does_not_modify_B():
    A = SYMMETRIC_PATTERNS["random"]
    col = acyclic_coloring(A)
    H = random_hessian(A, seed=0)
    B = np.asfortranarray(H @ col.seed_matrix())
    B0 = B.copy()
    col.decompress(B)
    np.testing.assert_array_equal(B, B0)


def test_colors_are_read_only():
    col = star_coloring(path(5))
    with pytest.raises(ValueError):
        col.colors[0] = 3


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("func", [star_coloring, acyclic_coloring, vertex_order])
def test_non_square_pattern_rejected(func):
    with pytest.raises(ValueError, match=r"pattern must be square.*\(3, 4\)"):
        func(sp.csr_array((3, 4)))


def test_pattern_must_be_two_dimensional():
    with pytest.raises(ValueError, match="2-D"):
        star_coloring(np.ones(4))
    with pytest.raises(ValueError, match="2-D"):
        column_coloring(np.ones((2, 2, 2)))
    with pytest.raises(TypeError):
        star_coloring("not a matrix")


@pytest.mark.parametrize("kind", ["star", "acyclic", "column"])
def test_decompress_rejects_wrong_B_shape(kind):
    if kind == "column":
        col = column_coloring(JACOBIAN_PATTERNS["random_wide"])
        m = JACOBIAN_PATTERNS["random_wide"].shape[0]
    else:
        col = SYMMETRIC_KINDS[kind](banded(10, 3))
        m = 10
    c = col.n_colors
    for bad in [np.zeros((m, c + 1)), np.zeros((m + 1, c)), np.zeros(m * c), np.zeros((c, m))]:
        with pytest.raises(ValueError, match=rf"B must have shape \({m}, {c}\)"):
            col.decompress(bad)


def test_decompress_rejects_bad_format_and_upper_for_jacobians():
    col = star_coloring(banded(10, 3))
    B = np.zeros((10, col.n_colors))
    with pytest.raises(ValueError, match="format"):
        col.decompress(B, format="dense")
    jcol = column_coloring(JACOBIAN_PATTERNS["random_wide"])
    with pytest.raises(ValueError, match="symmetric_upper"):
        jcol.decompress(np.zeros((20, jcol.n_colors)), symmetric_upper=True)


# ---------------------------------------------------------------------------
# misc API
# ---------------------------------------------------------------------------


def test_package_reexports():
    for name in coloring_module.__all__:
        assert getattr(osp, name) is getattr(coloring_module, name)
    public = {name for module in SUBMODULES for name in module.__all__}
    assert set(coloring_module.__all__) <= public


def test_submodules_import_one_way():
    # graph <- orderings <- greedy -> recovery -> graph; the checkers use only
    # the input checks of graph, so that they stay independent of the algorithms
    allowed = {
        graph: set(),
        orderings: {"graph"},
        recovery: {"graph"},
        greedy: {"graph", "orderings", "recovery"},
        checkers: {"graph"},
    }
    for module, deps in allowed.items():
        tree = ast.parse(inspect.getsource(module))
        found = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.level == 1
        }
        assert found == deps, module.__name__
        assert "osculate" not in {
            (node.module or "").split(".")[0]
            for node in tree.body
            if isinstance(node, ast.ImportFrom) and node.level == 0
        }


def test_repr_is_short():
    col = star_coloring(banded(10000, 3))
    r = repr(col)
    assert r == "StarColoring(n=10000, n_colors=3, kind='star', order='natural')"


def test_empty_and_trivial_patterns():
    for n in (0, 1, 3):
        E = sp.csr_array((n, n))
        for f in (star_coloring, acyclic_coloring):
            col = f(E)
            assert col.n_colors == (1 if n else 0)
            R = col.decompress(np.arange(n * col.n_colors, dtype=float).reshape(n, col.n_colors))
            assert R.shape == (n, n) and R.nnz == n
    col = column_coloring(sp.csr_array((3, 0)))
    assert col.n_colors == 0 and col.decompress(np.zeros((3, 0))).shape == (3, 0)


def test_doctests():
    attempted = 0
    for module in SUBMODULES:
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
        attempted += result.attempted
    assert attempted >= 20


# ---------------------------------------------------------------------------
# property-based tests
# ---------------------------------------------------------------------------


@st.composite
def small_patterns(draw):
    n = draw(st.integers(min_value=1, max_value=11))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    edges = draw(st.lists(pairs, max_size=3 * n))
    rows = np.array([e[0] for e in edges], dtype=np.int64)
    cols = np.array([e[1] for e in edges], dtype=np.int64)
    A = sp.coo_array((np.ones(len(edges)), (rows, cols)), shape=(n, n))
    return A.tocsr()


@settings(max_examples=100, deadline=None, derandomize=True)
@given(small_patterns(), st.sampled_from(ORDERINGS), st.integers(0, 2**16))
def test_property_colorings_and_decompression(pattern, order, seed):
    star = star_coloring(pattern, order, seed=seed)
    acyc = acyclic_coloring(pattern, order, seed=seed)
    assert is_star_coloring(pattern, star.colors)
    assert reference_star(pattern, star.colors)
    assert is_acyclic_coloring(pattern, acyc.colors)
    assert reference_acyclic(pattern, acyc.colors)
    assert acyc.n_colors <= star.n_colors
    H = random_hessian(pattern, seed=seed)
    for col in (star, acyc):
        R = col.decompress(H @ col.seed_matrix())
        assert max_rel_err(R, H) <= 1e-12
        assert R.nnz == offdiag_structure(pattern).nnz + pattern.shape[0]
    jac = column_coloring(pattern, order, seed=seed)
    assert is_column_coloring(pattern, jac.colors)
    assert reference_column(pattern, jac.colors)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(small_patterns(), st.data())
def test_property_checkers_match_definitions(pattern, data):
    n = pattern.shape[0]
    k = data.draw(st.integers(1, 4))
    colors = data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
    assert is_star_coloring(pattern, colors) == reference_star(pattern, colors)
    assert is_acyclic_coloring(pattern, colors) == reference_acyclic(pattern, colors)
    assert is_column_coloring(pattern, colors) == reference_column(pattern, colors)
    if is_star_coloring(pattern, colors):
        assert is_acyclic_coloring(pattern, colors)
