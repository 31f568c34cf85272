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
