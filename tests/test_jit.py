"""osculate.jit: a staged program replayed at a new point equals the eager result.

For every case of the primitive table (``tests/test_ad_primitives.py``), the
function, its gradient and a Hessian-vector product (forward over reverse)
are staged at one random point and replayed at another; the replay must
equal the eager computation at that second point.  That is the property
that matters: staging must not freeze anything that depends on values.
Cases whose rules need concrete values (sorting, argmax-style selection)
must refuse to stage with a clear error rather than replay a frozen branch.

Then: the optimisations (dead code, constant folding, buffer reuse) are
checked on their own, and so are the rules of use -- static arguments,
signatures, pytrees, nesting under other transforms, and bad input.
"""

from __future__ import annotations

import importlib
import tracemalloc
import zlib

import numpy as np
import pytest

import osculate as osc
from osculate.ad import core
from osculate.ad.tree import tree_leaves

from hypothesis import given
from hypothesis import strategies as st

from test_ad_primitives import CASES as PRIMITIVE_CASES
from test_ad_transforms import build, composites, hyp

jit_module = importlib.import_module("osculate.ad.jit")


def _scalar(fn):
    """A smooth scalar function of fn's outputs (sum of squares of every leaf)."""
    return lambda *a: sum(np.sum(o * o) for o in tree_leaves(fn(*a)))


def _draw(argmakers, seed):
    r = np.random.default_rng(seed)
    return tuple(np.asarray(m(r), dtype=float) for m in argmakers)


def _close(a, b):
    la, lb = tree_leaves(a), tree_leaves(b)
    assert len(la) == len(lb)
    for x, y in zip(la, lb):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=1e-12, atol=1e-12)


def _same(a, b):
    """Equal to 1e-12 with the same dtypes (and types: array or NumPy scalar)."""
    _close(a, b)
    for x, y in zip(tree_leaves(a), tree_leaves(b)):
        assert np.result_type(x) == np.result_type(y)
        assert isinstance(x, np.ndarray) == isinstance(y, np.ndarray)


# cases whose result depends on values in a way one straight-line program cannot
# hold: a mask computed from x selects a value-dependent number of entries, and
# sort permutes by value
VALUE_DEPENDENT = {"indexing-traced-mask", "indexing-sort", "__setitem__-mask"}


@pytest.mark.parametrize("tag, fn, argmakers", PRIMITIVE_CASES)
def test_replay_at_a_new_point_equals_eager(tag, fn, argmakers, request, monkeypatch):
    # staging computes the operations on small arrays as it records them; these
    # arguments are small, so that threshold is lowered to nothing here: every
    # operation with a shape rule is recorded without its value, and the first
    # call's result comes from the optimised program (the other tests of this
    # module keep the threshold, and with it the path that computes values)
    monkeypatch.setattr(jit_module, "_EAGER_SIZE", -1)
    cid = request.node.callspec.id
    seed = zlib.crc32(cid.encode())
    a1, a2 = _draw(argmakers, seed), _draw(argmakers, seed + 1)
    if cid in VALUE_DEPENDENT:
        with pytest.raises(osc.ConcretizationError, match="osculate.jit: the function needs the value"):
            osc.jit(fn)(*a1)
        assert core.current_depth() == 0
        _close(fn(*a2), fn(*a2))  # eager still fine afterwards
        return
    s = _scalar(fn)
    argnums = tuple(range(len(a1)))
    v = np.random.default_rng(seed + 2).standard_normal(np.shape(a1[0]))
    hvp = lambda *a: osc.hvp(lambda x: s(x, *a[2:]), a[1], a[0])  # noqa: E731
    variants = [
        (fn, a1, a2),
        (osc.grad(s, argnums=argnums), a1, a2),
        (hvp, (v,) + a1, (v,) + a2),
    ]
    for target, p1, p2 in variants:
        staged = osc.jit(target)
        first = staged(*p1)
        _close(first, target(*p1))  # the staging call's result
        _close(staged(*p2), target(*p2))  # the replay, at another point
        _same(first, staged(*p1))  # ... and at the first point: what the first call returned
        assert staged.cache_size() == 1
    assert core.current_depth() == 0


@hyp
@given(composites(), st.floats(-1.0, 1.0))
def test_replay_equals_eager_on_random_composites(assert_rel, prog, shift):
    # random chains of smooth operations with reused intermediates (buffer reuse must
    # not clobber a value still needed), plus slices whose adjoints become scatter-adds
    steps, x, v, seed = prog
    base = build(steps, x.size, seed)

    def f(z):
        return base(z) + np.sum(np.tanh(z[1:]) * z[:-1] ** 2) + np.sum(z[::2] ** 3)

    x2 = x + shift
    targets = [
        (f, (x,), (x2,)),
        (osc.grad(f), (x,), (x2,)),
        (lambda z, w: osc.hvp(f, z, w), (x, v), (x2, v)),
        (lambda z, w: osc.hvp(f, z, w, mode="rev-rev"), (x, v), (x2, v)),
    ]
    for target, first, second in targets:
        staged = osc.jit(target)
        staged(*first)
        assert_rel(staged(*second), target(*second), 1e-12)


# --------------------------------------------------------------------------- optimisations


def rosen(x):
    return np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def _names(program):
    return [eqn[0].name for eqn in program.eqns]


def test_dead_code_is_dropped():
    x = np.linspace(-1.0, 1.0, 6)
    grad_only = osc.jit(osc.grad(rosen)).program(x)
    both = osc.jit(osc.value_and_grad(rosen)).program(x)
    # the value of f (its final sum and the squares feeding only it) is not computed for grad
    assert "sum" not in _names(grad_only)
    assert "sum" in _names(both)
    assert grad_only.n_ops < both.n_ops


def test_slicing_adjoints_are_added_in_place():
    # reverse mode turns x[1:] and x[:-1] into scatters that meet in a sum; the staged
    # program adds them into one buffer instead of materialising zero-padded arrays
    x = np.linspace(-1.0, 1.0, 6)
    names = _names(osc.jit(osc.grad(rosen)).program(x))
    assert names.count("scatter") <= 1 and names.count("scatter_add") >= 1  # the first one still fills zeros
    # repeated integer indices accumulate (np.add.at), in place or not
    f = lambda x: np.sum(np.sin(x[[0, 0, 2, 1, 2]])) * np.sum(x[1:4]) + np.sum(x[:-1] ** 3)  # noqa: E731
    staged = osc.jit(lambda x, v: osc.hvp(f, x, v))
    v = np.arange(1.0, 5.0)
    staged(x[:4], v)
    assert "scatter_add" in _names(staged.program(x[:4], v))
    for point in (x[:4], x[2:], np.cos(x[:4])):
        np.testing.assert_allclose(staged(point, v), osc.hvp(f, point, v), rtol=1e-12, atol=1e-14)


def test_constants_are_folded_out_of_the_program():
    # a dense Hessian seeds the tangents with basis vectors: A @ I and everything
    # that depends only on constants is computed once, at staging time
    r = np.random.default_rng(0)
    a = r.standard_normal((30, 4))
    nll = lambda w: np.sum(np.logaddexp(0.0, a @ w))  # noqa: E731
    w = r.standard_normal(4)
    staged = osc.jit(osc.hessian(nll))
    names = _names(staged.program(w))
    assert names.count("matmul") == 2  # A @ w, then one product for all columns of the Hessian
    np.testing.assert_allclose(staged(w + 1.0), osc.hessian(nll)(w + 1.0), rtol=1e-12)


def test_buffer_reuse_never_touches_arguments_or_earlier_results():
    x = np.linspace(0.1, 2.0, 7)
    v = np.cos(np.arange(7.0))
    x0, v0 = x.copy(), v.copy()
    staged = osc.jit(lambda x, v: osc.hvp(rosen, x, v))
    program = staged.program(x, v)
    assert "in place of" in str(program)  # the program does reuse buffers...
    first = staged(x, v)
    keep = first.copy()
    second = staged(x * 0.5, v)
    np.testing.assert_array_equal(x, x0)  # ...but never the arguments
    np.testing.assert_array_equal(v, v0)
    np.testing.assert_array_equal(first, keep)  # ...nor what an earlier call returned
    np.testing.assert_allclose(second, osc.hvp(rosen, x * 0.5, v), rtol=1e-12)


def test_buffer_reuse_respects_views_of_a_buffer():
    def g(x):
        a = np.sin(x) * 2.0  # a buffer the program allocates
        view = a[::-1]  # ... and a view of it
        b = a + 1.0  # the last elementwise use of a: writing b into a would corrupt the view
        t = a.reshape(2, 3).T  # another view, used last
        return np.sum(b * view) + np.sum(t * t[::-1])

    x = np.linspace(-1.0, 1.0, 6)
    for target, args in ((g, (x,)), (osc.grad(g), (x,)), (lambda z, w: osc.hvp(g, z, w), (x, np.cos(x)))):
        staged = osc.jit(target)
        staged(*args)
        moved = (args[0] * 1.7,) + args[1:]
        np.testing.assert_allclose(staged(*moved), target(*moved), rtol=1e-12, atol=1e-14)


def test_constant_outputs_are_fresh_copies():
    c = np.arange(3.0)
    staged = osc.jit(lambda x: (x * 2.0, c))
    staged(np.ones(2))
    _, out = staged(np.ones(2))
    out[0] = 99.0
    assert c[0] == 0.0
    assert staged(np.ones(2))[1][0] == 0.0


def test_intermediates_are_released_after_their_last_use():
    import tracemalloc

    n = 200_000
    x = np.linspace(-1.0, 1.0, n)
    staged = osc.jit(osc.grad(lambda x: np.sum(np.sin(np.cos(np.exp(np.tanh(x)))))))
    staged(x)
    tracemalloc.start()
    staged(x)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 6 * 8 * n  # a handful of live arrays, not one per operation (the chain has ~12)


# --------------------------------------------------------------------------- rules of use


def test_signature_cache_and_static_arguments():
    def f(x, power):
        return np.sum(x**power)

    staged = osc.jit(osc.grad(f), static_argnums=1)
    np.testing.assert_allclose(staged(np.arange(3.0), 2), 2 * np.arange(3.0))
    np.testing.assert_allclose(staged(np.arange(3.0), 3), 3 * np.arange(3.0) ** 2)
    np.testing.assert_allclose(staged(np.arange(4.0), 2), 2 * np.arange(4.0))
    np.testing.assert_allclose(staged(np.ones(3), 2), 2 * np.ones(3))
    assert staged.cache_size() == 3  # (3, power 2), (3, power 3), (4, power 2)


def test_value_dependent_branch_is_refused_and_leaves_state_clean():
    def f(x):
        return np.sum(x) if x[0] > 0 else -np.sum(x)

    with pytest.raises(osc.ConcretizationError, match="static_argnums"):
        osc.jit(f)(np.ones(3))
    assert core.current_depth() == 0
    staged = osc.jit(lambda x: np.where(x > 0, x, -x))  # the staged spelling of the same choice
    staged(np.ones(3))
    np.testing.assert_array_equal(staged(np.array([-1.0, 2.0])), [1.0, 2.0])


def test_pytrees_scalars_and_integer_data():
    def loss(params, data):
        w, b = params["w"], params["b"]
        xs, labels = data
        z = xs @ w + b
        return np.sum(np.logaddexp(0.0, z) - labels * z)

    r = np.random.default_rng(1)
    xs, labels = r.standard_normal((8, 3)), r.integers(0, 2, 8)
    params = {"w": r.standard_normal(3), "b": 0.5}
    staged = osc.jit(osc.grad(loss))
    staged(params, (xs, labels))
    p2 = {"w": params["w"] - 1.0, "b": -0.25}
    _close(staged(p2, (xs, labels)), osc.grad(loss)(p2, (xs, labels)))


def test_inline_under_an_enclosing_transform():
    staged = osc.jit(lambda x: np.sin(x) * x)
    x = np.array([0.3, 1.2])
    g = osc.grad(lambda x: np.sum(staged(x)))(x)
    np.testing.assert_allclose(g, np.cos(x) * x + np.sin(x), rtol=1e-14)
    assert staged.cache_size() == 0  # called with tracers: ran inline, nothing staged


def test_closing_over_an_enclosing_tracer_is_refused():
    def outer(y):
        return np.sum(osc.jit(lambda x: x * y)(np.ones(2)))

    with pytest.raises(osc.ConcretizationError, match="pass that value as an argument"):
        osc.grad(outer)(np.array([1.0, 2.0]))
    assert core.current_depth() == 0


def test_custom_rules_and_checkpoint_are_staged_through():
    @osc.custom_vjp
    def softplus(x):
        return np.logaddexp(0.0, x)

    def fwd(x):
        return np.logaddexp(0.0, x), x

    def bwd(x, ct):
        return (ct / (1.0 + np.exp(-x)),)

    softplus.defvjp(fwd, bwd)
    f = lambda x: np.sum(osc.checkpoint(lambda z: np.tanh(z) ** 2)(softplus(x)) * x)  # noqa: E731
    staged = osc.jit(lambda x, v: osc.hvp(f, x, v, mode="rev-rev"))
    x, v = np.array([0.2, -0.7, 1.1]), np.array([1.0, 0.5, -2.0])
    staged(x, v)
    np.testing.assert_allclose(staged(-x, v), osc.hvp(f, -x, v, mode="rev-rev"), rtol=1e-12)


def test_non_numeric_arguments_must_be_static():
    def f(x, how):
        return np.sum(x) if how == "sum" else np.prod(x)

    with pytest.raises(TypeError, match="static_argnums"):
        osc.jit(f)(np.ones(2), "sum")
    np.testing.assert_allclose(osc.jit(f, static_argnums=1)(np.full(2, 3.0), "prod"), 9.0)


def test_bad_static_argnums():
    with pytest.raises(ValueError, match="static_argnums"):
        osc.jit(lambda x: x, static_argnums=3)(np.ones(2))
    with pytest.raises(TypeError, match="hashable"):
        osc.jit(lambda x, opts: x * 2.0, static_argnums=1)(np.ones(2), [1, 2])


def test_packed_hessian_is_refused_inside_a_transform():
    with pytest.raises(ValueError, match="symmetric=False"):
        osc.jit(osc.hessian(rosen, symmetric=True))(np.ones(3))
    assert core.current_depth() == 0


def test_keyword_arguments_are_staged_too():
    staged = osc.jit(lambda x, scale=1.0: np.sum(scale * x ** 2))
    np.testing.assert_allclose(staged(np.ones(3), scale=2.0), 6.0)
    np.testing.assert_allclose(staged(np.ones(3), scale=3.0), 9.0)  # a value, not a new signature
    assert staged.cache_size() == 1
    np.testing.assert_allclose(staged(np.ones(3)), 3.0)  # no keyword: another signature
    assert staged.cache_size() == 2


def test_threads_share_one_staged_program():
    from concurrent.futures import ThreadPoolExecutor

    staged = osc.jit(lambda x, v: osc.hvp(rosen, x, v))
    points = [np.linspace(-1.0, 1.0, 50) * (1 + 0.1 * k) for k in range(16)]
    v = np.ones(50)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda p: staged(p, v), points))
    for p, r in zip(points, results):
        np.testing.assert_allclose(r, osc.hvp(rosen, p, v), rtol=1e-12)
    assert staged.cache_size() == 1


def _smooth(x):
    return np.sum(np.exp(np.sin(x)) * np.log1p(x ** 2)) + x[0] * x[1] ** 3


_V = np.array([1.0, 0.5, -1.0])
COMPOSED = {
    "derivatives_along": lambda x: osc.derivatives_along(_smooth, x, _V, order=5),
    "laplacian": lambda x: osc.laplacian(_smooth, x),
    "hessian_diagonal-taylor": lambda x: osc.hessian_diagonal(_smooth, x, "taylor"),
    "hessian_diagonal": lambda x: osc.hessian_diagonal(_smooth, x),
    "jacfwd": lambda x: osc.jacfwd(lambda z: np.sin(z) * z[0])(x),
    "jacrev": lambda x: osc.jacrev(lambda z: np.sin(z) * z[0])(x),
    "vhv": lambda x: osc.vhv(_smooth, x, _V),
    "hessian-fwd-fwd": lambda x: osc.hessian(_smooth, mode="fwd-fwd")(x),
    "hessian-rev-rev": lambda x: osc.hessian(_smooth, mode="rev-rev")(x),
    "hessian-chunked": lambda x: osc.hessian(_smooth, chunk_size=2)(x),
    "grad-of-grad-norm": lambda x: osc.grad(lambda z: np.sum(osc.grad(_smooth)(z) ** 2))(x),
}


@pytest.mark.parametrize("name", sorted(COMPOSED))
def test_higher_level_transforms_stage(name):
    fn = COMPOSED[name]
    staged = osc.jit(fn)
    staged(np.array([0.3, -0.2, 0.7]))
    x2 = np.array([1.1, 0.4, -0.5])
    _close(staged(x2), fn(x2))


def test_outputs_must_be_arrays_or_containers_of_them():
    class Report:
        def __init__(self, value):
            self.value = value

    with pytest.raises(TypeError, match="returned a Report"):
        osc.jit(lambda x: Report(np.sum(x)))(np.ones(2))
    assert core.current_depth() == 0
    staged = osc.jit(lambda x: {"n": 3, "twice": (x * 2.0, [np.sum(x)])})
    staged(np.ones(2))
    out = staged(np.arange(2.0))
    assert out["n"] == 3
    np.testing.assert_array_equal(out["twice"][0], [0.0, 2.0])
    assert float(out["twice"][1][0]) == 1.0


def test_a_scatter_broadcast_in_a_sum_is_not_fused():
    # add(a, scatter(v)) where the scatter (shape (4,)) broadcasts against a (3, 4): adding
    # v "in place" at the scatter's index would address rows instead of columns
    import importlib

    from osculate.ad.prims.arithmetic import add_p
    from osculate.ad.prims.structural import scatter_p

    jit_module = importlib.import_module("osculate.ad.jit")
    Equation, Var = jit_module.Equation, jit_module.Var
    f64 = np.dtype(float)
    described = [Var((3, 4), f64, True), Var((2,), f64, True), Var((4,), f64, True), Var((3, 4), f64, True)]
    idx = (slice(1, 3),)
    eqns = [
        Equation(scatter_p, (1,), (None,), {"shape": (4,), "idx": idx}, (2,)),
        Equation(add_p, (0, 2), (None, None), {}, (3,)),
    ]
    assert [e.prim for e in jit_module._scatters_fused(eqns, described, {3})] == [scatter_p, add_p]
    described[2] = Var((3, 4), f64, True)  # the same sum without broadcasting is fused
    eqns[0] = Equation(scatter_p, (1,), (None,), {"shape": (3, 4), "idx": idx}, (2,))
    assert jit_module._scatters_fused(eqns, described, {3})[1].prim is jit_module.scatter_add_p


# --------------------------------------------------------------------------- staging without values
#
# Staging records an operation whose output's shape and dtype follow from a rule
# (elementwise, slicing, reshapes, reductions, scatters) without computing it;
# the first call's result comes from the optimised program.  These arguments are
# above the size below which staging computes as it records.

N_BIG = 3 * 4096 + 7


def test_staging_does_not_compute_what_the_program_drops():
    # the unoptimised record of an hvp holds dozens of full-length intermediates; the
    # first call must cost the memory of the optimised program, as a replay does
    n = 200_000
    x = np.linspace(-1.0, 1.0, n)
    v = np.cos(x)
    for mode in ("fwd-rev", "rev-rev"):
        staged = osc.jit(lambda x, v: osc.hvp(rosen, x, v, mode=mode), fuse=False)
        tracemalloc.start()
        first = staged(x, v)
        staging_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        tracemalloc.start()
        again = staged(x, v)
        replay_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert staging_peak <= replay_peak + 8 * n  # (before: 8 to 12 arrays of length n, against 4)
        np.testing.assert_array_equal(first, again)
        np.testing.assert_allclose(first, osc.hvp(rosen, x, v, mode=mode), rtol=1e-12, atol=1e-12)


def test_staging_computes_no_elementwise_operation_it_can_describe(monkeypatch):
    calls = []
    evaluate = jit_module.JitTrace.evaluate

    def counting(self, prim, vals, refs, params):
        calls.append(prim.name)
        return evaluate(self, prim, vals, refs, params)

    monkeypatch.setattr(jit_module.JitTrace, "evaluate", counting)
    x = np.linspace(-1.0, 1.0, N_BIG)
    for target, args in ((osc.grad(rosen), (x,)), (lambda x, v: osc.hvp(rosen, x, v), (x, np.sin(x)))):
        calls.clear()
        got = osc.jit(target, fuse=False)(*args)
        assert calls == []  # nothing evaluated while staging
        np.testing.assert_allclose(got, target(*args), rtol=1e-12, atol=1e-12)
    calls.clear()
    osc.jit(osc.grad(rosen), fuse=False)(x[:100])  # small arguments: computed as they are recorded
    assert calls


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32, np.int64, np.bool_, np.uint8, np.complex64])
def test_dtypes_without_values_follow_numpy(dtype):
    # the dtype rules of NumPy 2 (Python numbers are weak, NumPy scalars and arrays are not;
    # integers and booleans promote as NumPy says), without computing the values
    r = np.random.default_rng(3)
    x = (r.uniform(1.0, 3.0, N_BIG) * 4).astype(dtype)
    y = x[::2]  # a non-contiguous argument

    def f(x, y):
        a = x[1:] * 2 + 1  # Python int: the dtype of x (bool: int)
        b = x[:-1] * 2.5  # Python float: floating, x's precision when x is floating
        c = np.float32(1.5) * x[1:]  # a NumPy scalar is not weak
        d = np.where(x[1:] > x[:-1], a, b)
        e = (x[:-1] == x[1:]) & (x[1:] != 0)
        s = np.sum(y) + np.sum(c, keepdims=True)
        t = np.max(d.reshape(1, -1), axis=0)[::3]
        u = np.concatenate([y, y[::-1]]).astype(np.result_type(x.dtype, np.float64)) ** 2
        return a, b, c, d, e, s, t, u, y * y, y / 3

    staged = osc.jit(f, fuse=False)
    first = staged(x, y)
    want = f(x, y)
    for got, expect, again in zip(first, want, staged(x, y)):
        assert np.result_type(got) == np.result_type(expect) == np.result_type(again)
        assert np.shape(got) == np.shape(expect)
        np.testing.assert_array_equal(got, again)
        single = np.result_type(expect) in (np.float32, np.complex64)
        np.testing.assert_allclose(got, expect, rtol=1e-5 if single else 1e-12)


def test_values_are_computed_when_control_flow_asks(monkeypatch):
    # a decision on a value recorded without it (an intermediate whose tracer is gone by
    # then, and an array updated in place) computes what it needs; the staged switch
    # replays both ways
    def f(x):
        y = np.sin(x) * 2.0
        z = y[1:] - y[:-1]
        del y
        w = x * 1.5
        w[:3] = z[:3] * 4.0  # rebinds w to the update
        s = np.sum(z * z) - np.sum(w[:3])
        return osc.cond(s > 0.0, lambda a: a[1:] * 2.0 + z, lambda a: a[:-1] - z, x)

    x = np.linspace(-1.0, 1.0, N_BIG)
    for point in (x, -x, x ** 3):
        staged = osc.jit(f, fuse=False)
        np.testing.assert_allclose(staged(point), f(point), rtol=1e-12, atol=1e-12)
        for other in (x, -x, x ** 3):
            np.testing.assert_allclose(staged(other), f(other), rtol=1e-12, atol=1e-12)


def test_guarded_loops_and_scans_on_values_recorded_without_them():
    # jit(grad(f)) with a while loop in f stages the path taken with guards (every
    # decision computes its predicate); a scan over slices of a large array is a node
    def f(x):
        def body(c):
            return c[0] * 0.5, c[1] + 1

        y, k = osc.while_loop(lambda c: np.sum(c[0] * c[0]) > 1.0, body, (x * 3.0, 0))
        carry, ys = osc.scan(lambda c, row: (c + np.sum(row * row), row[:2] * c), 0.0, y.reshape(-1, 7)[:50])
        return np.sum(y ** 2) * k + carry + np.sum(ys)

    x = np.linspace(-0.01, 0.02, 7 * 2000)
    for target in (f, osc.grad(f)):
        staged = osc.jit(target, fuse=False)
        np.testing.assert_allclose(staged(x), target(x), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(staged(x * 2.0), target(x * 2.0), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(staged(x), target(x), rtol=1e-12, atol=1e-12)


def test_first_call_equals_replay_float32_and_views():
    x = np.linspace(-1.0, 1.0, 2 * N_BIG).astype(np.float32)[::2]  # float32, strided
    v = np.ones(N_BIG, np.float32)
    targets = [(osc.grad(rosen), (x,)), (lambda x, v: osc.hvp(rosen, x, v), (x, v)),
               (lambda x, v: osc.hvp(rosen, x, v, mode="rev-rev"), (x, v))]
    for target, args in targets:
        staged = osc.jit(target, fuse=False)
        first = staged(*args)
        assert first.dtype == np.float32 == target(*args).dtype
        np.testing.assert_array_equal(first, staged(*args))
        want = target(*args)  # (float32 rounding, differently ordered by the program's folded scales)
        np.testing.assert_allclose(first, want, rtol=1e-5, atol=1e-5 * np.abs(want).max())
