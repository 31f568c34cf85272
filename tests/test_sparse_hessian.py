"""Sparse Hessian and Jacobian plans: compressed evaluation equals the dense
derivative on every problem, with every colouring kind and ordering, in
every output format; colour counts reach the known optima on banded
patterns; every colouring a plan uses passes the independent checkers."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sps

import osculate as osc
from osculate.sparse import (
    ORDERINGS,
    is_acyclic_coloring,
    is_column_coloring,
    is_star_coloring,
)
from osculate.testing.sparse_problems import SPARSE_PROBLEMS, band_pattern

PROBLEMS = [pytest.param(p, id=name) for name, p in SPARSE_PROBLEMS.items()]
KINDS = ("star", "acyclic", "auto")


def check_structure(S, fmt, pattern):
    """Format, sorted duplicate-free indices, and structure = pattern ∪ diagonal."""
    assert sps.issparse(S) and S.format == fmt
    csr = sps.csr_matrix(S)
    assert csr.has_canonical_format
    n = pattern.shape[0]
    want = sps.csr_matrix(pattern, dtype=bool) + sps.eye(n, dtype=bool, format="csr")
    got = sps.csr_matrix((np.ones(csr.nnz, dtype=bool), csr.indices, csr.indptr), shape=csr.shape)
    assert (got != want).nnz == 0


def check_coloring(plan):
    c = plan.coloring_result
    assert c.colors.shape == (plan.pattern.shape[0],) and c.n_colors == plan.n_colors
    assert c.colors.min() == 0 and c.colors.max() == plan.n_colors - 1
    if c.kind == "star":
        assert is_star_coloring(plan.pattern, plan.coloring)
    else:
        assert c.kind == "acyclic"
        assert is_acyclic_coloring(plan.pattern, plan.coloring)


# --------------------------------------------------------------------------- sparse = dense, everywhere


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("p", PROBLEMS)
def test_sparse_hessian_equals_dense_hessian(p, kind, assert_rel):
    n = p.n
    x0 = p.x0(n, seed=0)
    points = [p.x0(n, seed=s) for s in (1, 2)]
    dense = [osc.hessian(p.f)(x) for x in points]
    for order in ORDERINGS:
        plan = osc.sparse_hessian(p.f, x0, coloring=kind, order=order, seed=3)
        assert plan.pattern.shape == (n, n) and plan.n_colors <= n
        check_coloring(plan)
        for x, H in zip(points, dense):
            B = plan.compressed(x)
            assert B.shape == (n, plan.n_colors)
            assert_rel(B, H @ plan.coloring_result.seed_matrix())
            for fmt in ("csr", "csc", "coo"):
                S = plan(x, format=fmt)
                check_structure(S, fmt, plan.pattern)
                assert_rel(S.toarray(), H)
                U = plan(x, format=fmt, symmetric_upper=True)
                assert U.format == fmt
                assert_rel(U.toarray(), np.triu(H))
                assert np.all(sps.tril(U, k=-1).toarray() == 0)


@pytest.mark.parametrize("p", PROBLEMS)
def test_auto_weighs_colours_against_recovery_and_acyclic_never_needs_more(p):
    x0 = p.x0(p.n)
    for order in ORDERINGS:
        star = osc.sparse_hessian(p.f, x0, coloring="star", order=order).n_colors
        acyc = osc.sparse_hessian(p.f, x0, coloring="acyclic", order=order).n_colors
        assert acyc <= star, f"{order}: acyclic {acyc} > star {star}"
        eager = osc.sparse_hessian(p.f, x0, coloring="auto", order=order, staged=False)
        assert eager.n_colors == min(star, acyc)
        assert eager.coloring_result.kind == ("acyclic" if acyc < star else "star")
        # staged, a colour is cheaper than acyclic substitution: acyclic must save two
        staged = osc.sparse_hessian(p.f, x0, coloring="auto", order=order)
        assert staged.coloring_result.kind == ("acyclic" if star - acyc >= 2 else "star")


def test_larger_problems_against_hessian_vector_products(rng, assert_rel):
    """n in the hundreds: check the sparse Hessian through products with random vectors."""
    for name, n in (("chained_rosenbrock", 400), ("bratu2d", 400), ("band9", 300), ("dixmaan", 300)):
        p = SPARSE_PROBLEMS[name]
        x = p.x0(n, seed=4)
        for kind in ("star", "acyclic"):
            H = osc.sparse_hessian(p.f, x, coloring=kind, order="smallest_last")(x, format="csc")
            for _ in range(2):
                v = rng.standard_normal(n)
                assert_rel(H @ v, osc.hvp(p.f, x, v))


# --------------------------------------------------------------------------- colour counts

BANDED = [pytest.param(p, id=name) for name, p in SPARSE_PROBLEMS.items() if p.diagonals]


@pytest.mark.parametrize("p", BANDED)
def test_banded_patterns_reach_the_optimal_colour_counts(p):
    """A band with rho = 2*beta + 1 diagonals: star colouring needs 2*floor(rho/2) + 1
    colours, acyclic colouring floor(rho/2) + 1 (the band graph is chordal with
    cliques of beta + 1); at least one ordering reaches both."""
    rho = p.diagonals
    star_opt, acyc_opt = 2 * (rho // 2) + 1, rho // 2 + 1
    for n in (p.n, 40):
        x0 = p.x0(n)
        star = {o: osc.sparse_hessian(p.f, x0, coloring="star", order=o).n_colors for o in ORDERINGS}
        acyc = {o: osc.sparse_hessian(p.f, x0, coloring="acyclic", order=o).n_colors for o in ORDERINGS}
        assert min(star.values()) == star_opt, star
        assert min(acyc.values()) == acyc_opt, acyc
        assert all(acyc[o] <= star[o] for o in ORDERINGS)
        assert all(v >= star_opt for v in star.values()) and all(v >= acyc_opt for v in acyc.values())


def test_named_colour_counts():
    tri = SPARSE_PROBLEMS["chained_rosenbrock"]
    nine = SPARSE_PROBLEMS["band9"]
    assert osc.sparse_hessian(tri.f, tri.x0(20), coloring="star").n_colors == 3
    assert osc.sparse_hessian(tri.f, tri.x0(20), coloring="acyclic").n_colors == 2
    assert osc.sparse_hessian(nine.f, nine.x0(30), coloring="star").n_colors == 9
    assert osc.sparse_hessian(nine.f, nine.x0(30), coloring="acyclic").n_colors == 5
    # dense pattern: one colour per variable; arrowheads: two colours
    dense = SPARSE_PROBLEMS["dense_row"]
    assert osc.sparse_hessian(dense.f, dense.x0(7)).n_colors == 7
    for name in ("arwhead", "arrowhead"):
        p = SPARSE_PROBLEMS[name]
        assert osc.sparse_hessian(p.f, p.x0(12), coloring="star").n_colors == 2
    # the patterns themselves, coloured directly, give the same counts
    assert osc.sparse.star_coloring(band_pattern(20, 1)).n_colors == 3


# --------------------------------------------------------------------------- plans


def test_plan_is_reusable_and_reports_itself(rng, assert_rel):
    p = SPARSE_PROBLEMS["broyden_tridiagonal"]
    plan = osc.sparse_hessian(p.f, p.x0(12), coloring="acyclic")
    for _ in range(3):
        x = rng.uniform(-1, 1, 12)
        assert_rel(plan(x).toarray(), osc.hessian(p.f)(x))
    assert set(plan.timings) == {"detection", "coloring"}
    assert all(t >= 0 for t in plan.timings.values())
    assert repr(plan) == f"SparseHessian(n=12, nnz={plan.pattern.nnz}, coloring=acyclic, n_colors={plan.n_colors})"
    assert plan.pattern.nnz == 12 + 2 * 11 + 2 * 10


def test_plan_for_a_matrix_argument(assert_rel):
    f = lambda X: np.sum(X[1:] * X[:-1]) + np.sum(np.sin(X))  # noqa: E731
    X = np.arange(6.0).reshape(3, 2) / 5.0
    plan = osc.sparse_hessian(f, X)
    assert_rel(plan(X).toarray(), osc.hessian(f)(X).reshape(6, 6))


def test_local_plans_follow_the_branch_of_their_point(assert_rel):
    def f(x):
        return np.sum(x ** 3) if x[0] > 0 else np.sum(x[1:] * x[:-1])

    plan = osc.sparse_hessian(f, np.ones(5), mode="local")
    assert plan.pattern.nnz == 5
    x = np.linspace(0.1, 0.5, 5)
    assert_rel(plan(x).toarray(), np.diag(6.0 * x))


@pytest.mark.parametrize("p", [q for q in PROBLEMS if q.values[0].residual is not None])
def test_sparse_jacobian_equals_jacfwd(p, assert_rel):
    n = p.n
    plan = osc.sparse_jacobian(p.residual, p.x0(n))
    assert is_column_coloring(plan.pattern, plan.coloring)
    for seed in (1, 2):
        x = p.x0(n, seed=seed)
        J = osc.jacfwd(p.residual)(x)
        for fmt in ("csr", "csc", "coo"):
            S = plan(x, format=fmt)
            assert S.format == fmt and S.shape == J.shape
            assert_rel(S.toarray(), J, 1e-14)
    if p.name == "dense_row":
        assert plan.n_colors == n  # one dense row: every column its own colour
    if p.name == "chained_rosenbrock":
        assert plan.n_colors == 2


# --------------------------------------------------------------------------- errors


def test_bad_input_to_plans():
    f = lambda x: np.sum(x ** 3)  # noqa: E731
    with pytest.raises(TypeError, match=r"needs a scalar function, but f returned shape \(3,\)"):
        osc.sparse_hessian(lambda x: x ** 2, np.ones(3))
    plan = osc.sparse_hessian(f, np.ones(3))
    with pytest.raises(ValueError, match=r"built for inputs of shape \(3,\) but x has shape \(4,\)"):
        plan(np.ones(4))
    with pytest.raises(ValueError, match=r"built for inputs of shape \(3,\) but x has shape \(3, 1\)"):
        plan(np.ones((3, 1)))
    with pytest.raises(TypeError, match="integer/bool dtype"):
        plan(np.ones(3, dtype=int))
    with pytest.raises(ValueError, match="format must be one of"):
        plan(np.ones(3), format="dense")
    with pytest.raises(ValueError, match="coloring must be one of"):
        osc.sparse_hessian(f, np.ones(3), coloring="greedy")
    with pytest.raises(ValueError, match="unknown order 'spiral'"):
        osc.sparse_hessian(f, np.ones(3), order="spiral")
    with pytest.raises(ValueError, match="mode must be 'global' or 'local'"):
        osc.sparse_hessian(f, np.ones(3), mode="point")
    with pytest.raises(ValueError, match="pass x0"):
        osc.sparse_hessian(f, mode="local")
    with pytest.raises(RuntimeError, match="has not seen a point yet"):
        osc.sparse_hessian(f).n_colors
    jplan = osc.sparse_jacobian(lambda x: x[1:] * x[:-1], np.ones(4))
    with pytest.raises(ValueError, match=r"built for inputs of shape \(4,\)"):
        jplan(np.ones(5))


LAZY_BUG = (
    "a plan created without x0 fails on its first call: SparseHessian.__call__ (and SparseJacobian.__call__) "
    "evaluate self._coloring.decompress(...) before self.compressed(x) has prepared the plan, so "
    "osc.sparse_hessian(f)(x) raises AttributeError: 'NoneType' object has no attribute 'decompress' "
    "(the docstring promises detection 'at x0 or at the first call')"
)


def test_plan_without_x0_prepares_on_first_call():
    plan = osc.sparse_hessian(lambda x: np.sum(x ** 3))
    np.testing.assert_array_equal(plan(np.ones(3)).toarray(), 6.0 * np.eye(3))


def test_jacobian_plan_without_x0_prepares_on_first_call():
    plan = osc.sparse_jacobian(np.sin)
    np.testing.assert_allclose(plan(np.zeros(3)).toarray(), np.eye(3))


def test_plans_keep_float32():
    x = np.linspace(0.5, 1.0, 4).astype(np.float32)
    f = lambda z: np.sum(z[1:] * z[:-1] ** 2)  # noqa: E731
    assert osc.hessian(f)(x).dtype == np.float32
    assert osc.sparse_hessian(f, x)(x).dtype == np.float32
    assert osc.sparse_jacobian(lambda z: z[1:] * z[:-1], x)(x).dtype == np.float32


def test_plan_without_x0_works_after_compressed():
    plan = osc.sparse_hessian(lambda x: np.sum(x ** 3))
    plan.compressed(np.ones(3))  # prepares the plan
    np.testing.assert_array_equal(plan(np.ones(3)).toarray(), 6.0 * np.eye(3))


# --------------------------------------------------------------------------- results own copies of the plan's structure


def _index_arrays(S):
    return S.coords if S.format == "coo" else (S.indices, S.indptr)


@pytest.mark.parametrize("jit", ["auto", False])
@pytest.mark.parametrize("fmt", ["csc", "csr", "coo"])
def test_results_own_their_index_arrays_and_values(fmt, jit, rng):
    """Every result of a plan holds index arrays and a data array of its own
    (the structure built once, copied per call): writing into one result,
    values or structure, changes neither the plan nor the next result."""
    p = SPARSE_PROBLEMS["chained_rosenbrock"]
    n = 40
    plan = osc.sparse_hessian(p.f, p.x0(n), coloring="star", jit=jit)
    x = rng.uniform(-1, 1, n)
    want = osc.hessian(p.f)(x)
    for upper in (False, True):
        H1, H2 = plan(x, format=fmt, symmetric_upper=upper), plan(x, format=fmt, symmetric_upper=upper)
        assert type(H1) is type(H2) is {"csc": sps.csc_array, "csr": sps.csr_array, "coo": sps.coo_array}[fmt]
        assert H1.has_canonical_format
        for a, b in zip(_index_arrays(H1), _index_arrays(H2)):
            assert a.flags.writeable and not np.shares_memory(a, b)
            np.testing.assert_array_equal(a, b)
            a[:] = 0  # garbage in this result's structure only
        assert not np.shares_memory(H1.data, H2.data) and H1.data.flags.writeable
        H1.data[:] = -7.0
        H3 = plan(x, format=fmt, symmetric_upper=upper)
        np.testing.assert_allclose(H3.toarray(), np.triu(want) if upper else want, rtol=1e-13, atol=0)
        np.testing.assert_array_equal(H2.toarray(), H3.toarray())
    # the canonical flag is true: sorted, one entry per position (for CSR/CSC, SciPy checks a copy afresh)
    H = plan(x, format=fmt)
    fresh = H.copy()
    assert all(a.flags.writeable for a in _index_arrays(fresh))
    if fmt == "coo":
        keys = H.row.astype(np.int64) * n + H.col
        assert np.all(np.diff(keys) > 0)
    else:
        for attr in ("_has_canonical_format", "_has_sorted_indices"):
            fresh.__dict__.pop(attr, None)  # computed anew by SciPy below
        assert fresh.has_canonical_format


@pytest.mark.parametrize("n", [50, 5000])  # staged and folded; fused with the seed as an argument (numba)
@pytest.mark.parametrize("scale", [1.0, 0.1])
def test_quadratic_results_are_fresh_copies_of_one_constant(n, scale):
    """A quadratic f (a constant Hessian) is evaluated once: each later call
    copies the constant (kept in a narrower dtype when that is exact), and a
    result's in-place changes never reach it."""
    f = lambda x: scale * np.sum(x[1:] * x[:-1]) + np.sum(x ** 2)  # noqa: E731
    plan = osc.sparse_hessian(f, np.zeros(n))
    x = np.linspace(-1, 1, n)
    first = plan(x, format="csc")
    want = first.toarray()
    np.testing.assert_array_equal(want, osc.hessian(f)(x))
    for k in range(4):
        H = plan(x * k, format="csc")
        assert H.data.dtype == np.float64 and H.data.tobytes() == first.data.tobytes()
        assert not np.shares_memory(H.data, first.data)
        H.data *= 2.0
    (evaluate,) = plan._evaluators.values()
    assert evaluate.constant is not None  # computed once, copied at every call
    assert evaluate.constant.dtype == {1.0: np.int8, 0.1: np.float64}[scale]
    eager = osc.sparse_hessian(f, np.zeros(n), jit=False)
    np.testing.assert_array_equal(eager(x, format="csc").toarray(), want)
    assert next(iter(eager._evaluators.values())).constant is None  # eager: evaluated every time


def test_constants_are_kept_narrow_only_when_exact():
    from osculate.sparse.compressed import _narrowest

    cases = [
        ([2.0, -1.0, 4.0], np.int8), ([300.0, -1.0], np.int16), ([0.5, 1.5], np.float16),
        ([70000.0, 1.0], np.int32), ([0.1, 2.0], np.float64), ([-0.0, 1.0], np.float16),
        ([np.inf, 1.0], np.float16), ([np.nan, 1.0], np.float16), ([1e10, 0.25], np.float32),
        ([1e300, 1.0], np.float64), ([], np.int8),
    ]
    for values, want in cases:
        a = np.array(values)
        narrow = _narrowest(a)
        assert narrow.dtype == want, (values, narrow.dtype)
        assert narrow.astype(np.float64).tobytes() == a.tobytes() and not np.shares_memory(narrow, a)
    a32 = np.array([0.1, 3.0], dtype=np.float32)
    assert _narrowest(a32).dtype == np.float32 and _narrowest(np.array([3.0], dtype=np.float32)).dtype == np.int8


@pytest.mark.parametrize("fmt", ["csc", "csr", "coo"])
def test_scipy_operations_on_plan_results(fmt, rng):
    """The usual SciPy operations work on a plan's result, the in-place
    structural ones too (eliminate_zeros, resize, a new entry), and none of
    them reaches the plan or its other results."""
    import scipy.sparse.linalg as spla

    p = SPARSE_PROBLEMS["chained_rosenbrock"]
    n = 30
    x = np.linspace(-1, 1, n)
    plan = osc.sparse_hessian(p.f, x)
    D = osc.hessian(p.f)(x)
    v = rng.standard_normal(n)
    H = plan(x, format=fmt)
    np.testing.assert_allclose(H @ v, D @ v, rtol=1e-13)
    np.testing.assert_array_equal(H.toarray(), D)
    np.testing.assert_array_equal((H + H).toarray(), 2 * D)
    np.testing.assert_array_equal(H.T.toarray(), D.T)
    np.testing.assert_array_equal(H.tocsr().toarray(), D)
    np.testing.assert_array_equal(H.tocsc().toarray(), D)
    np.testing.assert_allclose(D @ spla.spsolve(H.tocsc(), v), v, atol=1e-9)
    np.testing.assert_allclose(D @ spla.splu(H.tocsc()).solve(v), v, atol=1e-9)
    if fmt != "coo":
        np.testing.assert_allclose(D @ spla.spsolve(H, v), v, atol=1e-9)
        H.sort_indices()  # already sorted: nothing to do
    H.sum_duplicates()  # already canonical: nothing to do
    np.testing.assert_array_equal(H.toarray(), D)

    Z = plan(x, format=fmt)
    Z.data[:3] = 0.0
    Z.eliminate_zeros()  # (CSR/CSC rewrite their index arrays in place)
    assert Z.nnz == H.nnz - 3
    np.testing.assert_array_equal(Z.toarray()[Z.toarray() != 0], D[(Z.toarray() != 0)])
    R = plan(x, format=fmt)
    R.resize((n - 1, n - 1))
    np.testing.assert_array_equal(R.toarray(), D[:-1, :-1])
    if fmt != "coo":
        Y = plan(x, format=fmt)
        with pytest.warns(sps.SparseEfficiencyWarning):
            Y[0, n - 1] = 1.0  # a new entry: SciPy builds new index arrays
        assert Y.nnz == H.nnz + 1
    np.testing.assert_array_equal(plan(x, format=fmt).toarray(), D)
    np.testing.assert_array_equal(H.toarray(), D)


@pytest.mark.parametrize("fmt", ["csc", "csr", "coo"])
def test_jacobian_results_own_their_index_arrays(fmt, assert_rel):
    r = lambda x: np.concatenate([10 * (x[1:] - x[:-1] ** 2), 1 - x[:-1]])  # noqa: E731
    x = np.linspace(-1, 1, 12)
    plan = osc.sparse_jacobian(r, x)
    J1, J2 = plan(x, format=fmt), plan(2 * x, format=fmt)
    for a, b in zip(_index_arrays(J1), _index_arrays(J2)):
        assert a.flags.writeable and not np.shares_memory(a, b)
        a[:] = 0
    J1.data[:] = 0.0
    assert_rel(plan(x, format=fmt).toarray(), osc.jacfwd(r)(x))
    assert_rel(J2.toarray(), osc.jacfwd(r)(2 * x))
