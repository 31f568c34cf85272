"""Sparsity detection: exact structural patterns on a problem set, precision
of the index-set rules, soundness on random programs and on every registered
primitive (the cases of the primitive table), local vs global mode.

The expected patterns of ``osculate.testing.sparse_problems`` are built from
the formulas by index arithmetic (no tracing); they are first validated
numerically here (the dense Hessian at a generic point has exactly that
nonzero structure), then detection must reproduce them entry for entry.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import osculate as osc
from osculate.ad import core
from osculate.ad.registry import engine_primitives
from osculate.ad.sparsity import SparsityTrace
from osculate.ad.tree import tree_leaves
from osculate.testing.sparse_problems import SPARSE_PROBLEMS, band_pattern, grid_pattern, laplacian_energy

from test_ad_primitives import CASES as PRIMITIVE_CASES  # the table of every primitive
from test_ad_primitives import cases_reaching, draw_args

PROBLEMS = [pytest.param(p, id=name) for name, p in SPARSE_PROBLEMS.items()]
OTHER_N = {  # a second admissible size per problem
    "chained_rosenbrock": 31, "broyden_tridiagonal": 17, "band9": 23, "arwhead": 19, "arrowhead": 7,
    "dixmaan": 24, "bratu2d": 49, "extended_powell": 20, "block_logistic": 30, "sparse_quadratic": 29,
    "dense_row": 5,
}


def entries(P):
    P = sps.coo_matrix(P)
    keep = P.data != 0
    return set(zip(P.row[keep].tolist(), P.col[keep].tolist()))


def nonzeros(H, rtol=1e-10):
    H = np.asarray(H)
    scale = max(1.0, float(np.max(np.abs(H), initial=0.0)))
    return set(map(tuple, np.argwhere(np.abs(H) > rtol * scale).tolist()))


# --------------------------------------------------------------------------- the problem set


def test_problem_set_is_complete():
    assert len(SPARSE_PROBLEMS) >= 10
    for name in ("chained_rosenbrock", "arwhead", "broyden_tridiagonal", "band9", "dixmaan", "bratu2d",
                 "arrowhead", "block_logistic", "sparse_quadratic", "dense_row"):
        assert name in SPARSE_PROBLEMS


@pytest.mark.parametrize("p", PROBLEMS)
def test_expected_patterns_are_the_structural_nonzeros(p):
    """The independent builders agree with the numbers: at generic points the
    dense Hessian is nonzero exactly on the expected pattern."""
    for n in (p.n, OTHER_N[p.name]):
        assert p.admissible(n)
        E = p.expected_pattern(n)
        assert E.shape == (n, n) and E.dtype == bool
        assert (E != E.T).nnz == 0
        seen = set()
        for seed in (1, 2):
            H = osc.hessian(p.f)(p.x0(n, seed=seed))
            nz = nonzeros(H)
            assert nz <= entries(E), f"{p.name}: Hessian nonzeros outside the pattern: {sorted(nz - entries(E))[:5]}"
            seen |= nz
        assert seen == entries(E), f"{p.name}: pattern entries that are never nonzero: {sorted(entries(E) - seen)[:5]}"


@pytest.mark.parametrize("mode", ["global", "local"])
@pytest.mark.parametrize("p", PROBLEMS)
def test_detected_hessian_pattern_equals_the_structural_pattern(p, mode):
    for n in (p.n, OTHER_N[p.name]):
        P = osc.hessian_sparsity(p.f, p.x0(n), mode=mode)
        assert sps.issparse(P) and P.shape == (n, n) and P.dtype == bool
        E = p.expected_pattern(n)
        assert entries(P) == entries(E), (
            f"{p.name} n={n}: missing {sorted(entries(E) - entries(P))[:5]}, extra {sorted(entries(P) - entries(E))[:5]}")


@pytest.mark.parametrize("p", [q for q in PROBLEMS if q.values[0].residual is not None])
def test_jacobian_pattern_of_residuals(p):
    for n in (p.n, OTHER_N[p.name]):
        x = p.x0(n, seed=3)
        want = p.jacobian_pattern(n)
        for mode in ("global", "local"):
            J = osc.jacobian_sparsity(p.residual, x, mode=mode)
            assert entries(J) == entries(want)
        assert nonzeros(osc.jacfwd(p.residual)(x)) == entries(want)
        np.testing.assert_allclose(np.sum(p.residual(x) ** 2), p.f(x), rtol=1e-13)


def test_problems_reject_inadmissible_sizes():
    with pytest.raises(ValueError, match="not an admissible size"):
        SPARSE_PROBLEMS["dixmaan"].check_n(10)
    assert SPARSE_PROBLEMS["bratu2d"].check_n(36) == 36
    assert not SPARSE_PROBLEMS["bratu2d"].admissible(35)


def test_laplacian_energy_and_band_helpers():
    n = 36
    assert entries(osc.hessian_sparsity(laplacian_energy, np.zeros(n))) == entries(grid_pattern(n))
    assert band_pattern(6, 2).nnz == 6 + 2 * 5 + 2 * 4


# --------------------------------------------------------------------------- precision of the rules

X3 = np.array([0.3, 0.7, 1.1])


def pat(f, x=X3, mode="global"):
    return entries(osc.hessian_sparsity(f, x, mode=mode))


@pytest.mark.parametrize("mode", ["global", "local"])
def test_elementary_precision(mode):
    assert pat(lambda x: x[0] * x[1], mode=mode) == {(0, 1), (1, 0)}
    assert pat(lambda x: x[0] / x[1], mode=mode) == {(0, 1), (1, 0), (1, 1)}
    assert pat(lambda x: x[0] ** 2, mode=mode) == {(0, 0)}
    assert pat(lambda x: x[0] * x[0] + np.square(x[2]), mode=mode) == {(0, 0), (2, 2)}
    assert pat(lambda x: 1.0 / x[2] + x[0], mode=mode) == {(2, 2)}
    assert pat(lambda x: np.exp(x[0]) + x[1], mode=mode) == {(0, 0)}
    assert pat(lambda x: x[0] ** x[1], mode=mode) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert pat(lambda x: x[0] * np.sum(x), mode=mode) == {(0, 0), (0, 1), (1, 0), (0, 2), (2, 0)}


@pytest.mark.parametrize("mode", ["global", "local"])
def test_linear_operations_add_no_pairs(mode):
    linear = [
        lambda x: np.sum(3.0 * x - np.cumsum(x) + np.flip(x)),
        lambda x: np.mean(x) + x[0] - x[2] / 4.0,
        lambda x: np.sum(np.roll(x, 1) + np.concatenate([x[1:], x[:1]])),
        lambda x: np.sum(np.reshape(np.tile(x, 2), (2, 3)).T @ np.ones(2)),
        lambda x: np.sum(x ** 1.0) + np.sum(x.at[0].set(2.0)),
        lambda x: np.sum(np.maximum(x, 0.5) + np.abs(x) + np.clip(x, 0.0, 0.9)),  # piecewise linear
        lambda x: np.max(x) + np.min(x),
        lambda x: np.trace(np.outer(x, np.ones(3))) + np.einsum("i,i->", x, np.arange(3.0)),
        lambda x: np.sum(osc.stop_gradient(x) * x),
    ]
    for f in linear:
        assert pat(f, mode=mode) == set()


@pytest.mark.parametrize("mode", ["global", "local"])
def test_constant_matrix_structural_zeros_add_no_entries(mode):
    A = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 2.0], [0.0, 3.0, 0.0]])
    want = {(0, 0), (1, 2), (2, 1)}
    for f in (
        lambda x: x @ (A @ x),
        lambda x: x @ A @ x,
        lambda x: np.dot(x, np.dot(A, x)),
        lambda x: np.einsum("i,ij,j->", x, A, x),
        lambda x: np.sum(A * x[:, None] * x[None, :]),
        lambda x: np.tensordot(x, A @ x, axes=1),
    ):
        assert pat(f, mode=mode) == want
    assert pat(lambda x: np.sum((A @ x) ** 2), mode=mode) == {(0, 0), (1, 1), (2, 2)}
    assert pat(lambda x: np.sum(x * np.array([0.0, 1.0, 0.0]) * x), mode=mode) == {(1, 1)}
    assert pat(lambda x: np.sum(x * 0.0 * x), mode=mode) == set()


@pytest.mark.parametrize("mode", ["global", "local"])
def test_pattern_of_a_matrix_argument_uses_flat_indices(mode):
    P = osc.hessian_sparsity(lambda X: np.sum(X[0] * X[1]), np.ones((2, 2)), mode=mode)
    assert entries(P) == {(0, 2), (2, 0), (1, 3), (3, 1)}


# --------------------------------------------------------------------------- local vs global


def branchy(x):
    if x[0] > 0:
        return np.sum(x ** 2)
    return x[0] * x[1] + x[2]


def test_local_mode_follows_python_control_flow():
    assert pat(branchy, np.array([1.0, 2.0, 3.0]), "local") == {(0, 0), (1, 1), (2, 2)}
    assert pat(branchy, np.array([-1.0, 2.0, 3.0]), "local") == {(0, 1), (1, 0)}


def test_global_mode_refuses_value_dependent_control_flow():
    with pytest.raises(core.ConcretizationError, match=r"mode='local'"):
        osc.hessian_sparsity(branchy, np.ones(3))
    with pytest.raises(core.ConcretizationError, match=r"mode='local'"):
        osc.jacobian_sparsity(lambda x: x * (1.0 if x[0] > 0 else 2.0), np.ones(3))
    with pytest.raises(core.ConcretizationError, match=r"mode='local'"):
        osc.sparse_hessian(branchy, np.ones(3))
    assert core.current_depth() == 0


def test_where_in_both_modes():
    g = lambda x: np.sum(np.where(x > 0, x ** 2, x * np.roll(x, 1)))  # noqa: E731
    x = np.array([1.0, -1.0, 2.0, -2.0])
    everything = {(0, 0), (1, 1), (2, 2), (3, 3), (0, 1), (1, 2), (2, 3), (3, 0)}
    everything |= {(j, i) for i, j in everything}
    assert pat(g, x, "global") == everything  # both branches, everywhere
    # local: x_i^2 where x_i > 0 (i = 0, 2), x_i x_{i-1} elsewhere (i = 1, 3)
    assert pat(g, x, "local") == {(0, 0), (2, 2), (0, 1), (1, 0), (2, 3), (3, 2)}
    for mode in ("global", "local"):
        H = osc.sparse_hessian(g, x, mode=mode)(x).toarray()
        np.testing.assert_allclose(H, osc.hessian(g)(x), rtol=1e-14)
    # the selected side changes with the point
    assert pat(g, -x, "local") == {(1, 1), (3, 3), (0, 3), (3, 0), (1, 2), (2, 1)}


def test_local_mode_uses_values_for_traced_indices_and_sort():
    f = lambda x: np.sort(x)[0] * x[2] + np.sum(x[x > 0.5] ** 2)  # noqa: E731
    assert pat(f, X3, "local") == {(0, 2), (2, 0), (1, 1), (2, 2)}


# --------------------------------------------------------------------------- Jacobian patterns


def test_jacobian_sparsity_matches_jacfwd(rng):
    A = np.where(rng.uniform(size=(4, 6)) < 0.4, rng.standard_normal((4, 6)), 0.0)

    def r(x):
        return np.concatenate([np.tanh(A @ x), x[1:] * x[:-1], np.cumsum(x)[-2:], np.reshape(x[0] * x[5], (1,))])

    x = rng.standard_normal(6)
    J = osc.jacfwd(r)(x)
    for mode in ("global", "local"):
        P = osc.jacobian_sparsity(r, x, mode=mode)
        assert P.shape == J.shape
        assert entries(P) == nonzeros(J)
        plan = osc.sparse_jacobian(r, x, mode=mode)
        for fmt in ("csr", "csc", "coo"):
            S = plan(x, format=fmt)
            assert S.format == fmt
            np.testing.assert_allclose(S.toarray(), J, rtol=1e-14, atol=0)
        assert osc.sparse.is_column_coloring(plan.pattern, plan.coloring)


# --------------------------------------------------------------------------- soundness on random programs

UNARY = [np.sin, np.exp, np.tanh, lambda z: z ** 2, lambda z: np.sqrt(1.0 + z * z), np.abs,
         lambda z: 1.0 / (1.0 + z * z), lambda z: z ** 3, lambda z: np.log1p(z * z), np.cos]
BINARY = [np.multiply, np.add, np.subtract, np.maximum, lambda a, b: a / (1.0 + b * b),
          lambda a, b: np.arctan2(a, 2.0 + np.cos(b)), lambda a, b: np.where(a > b, a * b, a + b),
          lambda a, b: a * np.sum(b)]
STRUCT = [lambda z: np.roll(z, 1), np.flip, np.cumsum, lambda z: np.concatenate([z[1:], z[:1]]),
          lambda z: z[::-1] * np.linspace(0.0, 1.0, z.shape[0]), lambda z: z.at[0].set(z[-1] * z[0]),
          lambda z: np.sum(np.reshape(np.concatenate([z, z[::-1]]), (2, -1)) ** 2, axis=0),
          lambda z: np.max(np.stack([z, 0.5 * z ** 2 + 0.1]), axis=0, keepdims=True)[0],
          lambda z: np.einsum("i,j->ij", z, np.cos(z)).sum(axis=1), lambda z: z * np.prod(np.cos(z[:2])),
          lambda z: np.cumprod(1.0 + 0.1 * z), lambda z: np.var(z) * z + np.mean(z),
          lambda z: np.linalg.norm(z) * z, lambda z: np.where(np.arange(z.shape[0]) % 2 == 0, z ** 2, z),
          lambda z: np.repeat(z[::2], 2)[: z.shape[0]] * z, lambda z: np.tile(z[:1], z.shape[0]) * z]


@st.composite
def programs(draw):
    n = draw(st.integers(2, 6))
    steps = []
    for i in range(draw(st.integers(1, 7))):
        src = st.integers(0, i + 1)
        kind = draw(st.integers(0, 3))
        if kind == 0:
            steps.append((0, draw(st.integers(0, len(UNARY) - 1)), draw(src), 0))
        elif kind == 1:
            steps.append((1, draw(st.integers(0, len(BINARY) - 1)), draw(src), draw(src)))
        elif kind == 2:
            steps.append((2, draw(st.integers(0, len(STRUCT) - 1)), draw(src), 0))
        else:
            steps.append((3, 0, draw(src), 0))  # product with a sparse constant matrix
    return n, steps, draw(st.integers(0, 2**16))


def build(n, steps, seed):
    r = np.random.default_rng(seed)
    A = np.where(r.uniform(size=(n, n)) < 0.35, r.standard_normal((n, n)), 0.0)
    w = r.standard_normal(n)

    def f(x):
        vals = [x, A @ x]
        for kind, k, i, j in steps:
            if kind == 0:
                vals.append(UNARY[k](vals[i]))
            elif kind == 1:
                vals.append(BINARY[k](vals[i], vals[j]))
            elif kind == 2:
                vals.append(STRUCT[k](vals[i]))
            else:
                vals.append(A @ vals[i])
        return np.sum(w * vals[-1]) + 0.5 * np.sum(vals[-1] * vals[-2])

    return f


@settings(max_examples=25, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_detected_pattern_contains_every_hessian_nonzero(prog):
    n, steps, seed = prog
    f = build(n, steps, seed)
    glob = pat(f, np.zeros(n))
    r = np.random.default_rng(seed)
    for _ in range(3):
        x = r.uniform(-1.5, 1.5, n)
        nz = nonzeros(osc.hessian(f)(x))
        loc = pat(f, x, "local")
        assert nz <= loc, f"local pattern misses {sorted(nz - loc)}"
        assert loc <= glob, f"local pattern has entries the global one lacks: {sorted(loc - glob)}"
        assert nz <= glob, f"global pattern misses {sorted(nz - glob)}"


# --------------------------------------------------------------------------- errors and known bugs


def test_bad_input():
    with pytest.raises(TypeError, match=r"needs a scalar function, but f returned shape \(3,\)"):
        osc.hessian_sparsity(np.sin, np.ones(3))
    with pytest.raises(ValueError, match="mode must be 'global' or 'local'"):
        osc.hessian_sparsity(np.sum, np.ones(3), mode="point")
    with pytest.raises(TypeError, match="single array"):
        osc.jacobian_sparsity(lambda x: (x, x), np.ones(3))
    assert osc.hessian_sparsity(lambda x: 2.0, np.ones(3)).nnz == 0  # no dependence at all
    assert core.current_depth() == 0


def test_slogdet_in_global_detection():
    f = lambda x: np.linalg.slogdet(np.reshape(x, (2, 2)) + 3.0 * np.eye(2))[1]  # noqa: E731
    assert osc.hessian_sparsity(f, np.zeros(4)).nnz == 16


# --------------------------------------------------------------------------- every registered primitive


def _scalar_of(param):
    """The table case as a scalar function of one flat vector: its arguments
    are slices of ``z``, and its output leaves are summed with fixed random
    weights (so a nonzero second derivative of any output entry shows)."""
    fn = param.values[1]
    args = draw_args(param)
    shapes = [a.shape for a in args]
    bounds = np.cumsum([0] + [a.size for a in args])
    weights = [np.random.default_rng(1).standard_normal(np.shape(leaf)) for leaf in tree_leaves(fn(*args))]

    def f(z):
        parts = [np.reshape(z[lo:hi], shape) for lo, hi, shape in zip(bounds[:-1], bounds[1:], shapes)]
        leaves = tree_leaves(fn(*parts))
        return sum(np.sum(w * leaf) for w, leaf in zip(weights, leaves))

    return f, np.concatenate([a.ravel() for a in args])


def _detect_locally(param):
    f, z = _scalar_of(param)
    osc.hessian_sparsity(f, z, mode="local")


@pytest.mark.parametrize("name", sorted(engine_primitives()))
def test_every_registered_primitive_has_a_pattern_containing_the_hessian(name):
    """For every primitive, the table cases it appears in (up to two): the
    detected pattern, global where the function allows it, holds every
    nonzero of the dense Hessian at three random points (and the local
    pattern at each point holds that point's nonzeros)."""
    prim = engine_primitives()[name]
    if not prim.handles("sparsity"):
        assert "sparsity" in prim.missing, f"primitive {name!r} has no sparsity rule and does not say why"
        return
    found = cases_reaching(name, SparsityTrace, _detect_locally, PRIMITIVE_CASES)
    assert found, f"no case of tests/test_ad_primitives.py reaches primitive {name!r} in sparsity detection"
    for param in found:
        f, z = _scalar_of(param)
        try:
            glob = entries(osc.hessian_sparsity(f, z))
        except core.ConcretizationError:  # value-dependent control flow: a pattern per point only
            glob = None
        r = np.random.default_rng(7)
        for k in range(3):
            point = z if k == 0 else z * (1.0 + 0.05 * r.standard_normal(z.shape))
            nz = nonzeros(osc.hessian(f)(point))
            loc = entries(osc.hessian_sparsity(f, point, mode="local"))
            assert nz <= loc, f"{param.id}: the local pattern misses {sorted(nz - loc)[:5]}"
            if glob is not None:
                assert nz <= glob, f"{param.id}: the global pattern misses {sorted(nz - glob)[:5]}"


def test_matmul_with_broadcast_batch_axes():
    """A batch axis of length 1 broadcasts against the other operand's (this used
    to fail: the einsum expansion gave it the other operand's length)."""
    r = np.random.default_rng(3)
    a0, b0 = r.standard_normal((2, 1, 3, 4)), r.standard_normal((3, 4, 2))

    def f(z):
        a, b = np.reshape(z[:24], (2, 1, 3, 4)), np.reshape(z[24:], (3, 4, 2))
        return np.sum(np.sin(a @ b))

    z = np.concatenate([a0.ravel(), b0.ravel()])
    assert nonzeros(osc.hessian(f)(z)) <= entries(osc.hessian_sparsity(f, z))
