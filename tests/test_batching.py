"""vmap against a Python loop, for every primitive, and composed with every transform.

The table of primitive cases is the one that proves the derivatives
(``tests/test_ad_primitives.py``: every function osculate can differentiate,
written with plain NumPy), extended here by the cases vmap needs on top of
it (custom rules, checkpoint, comparison/logical primitives, non-adjacent
advanced indices, index updates).  For each case ``vmap(fn)`` must equal
stacking ``fn`` over the batch members:

* every argument batched along axis 0;
* every argument batched along its last axis (``in_axes=-1``) with the
  batch axis of the outputs last (``out_axes=-1``);
* only one argument batched, the others passed with ``in_axes=None``;
* two nested vmaps (outer over axis 1, inner over axis 0);
* ``vmap`` of ``jvp`` (primals and tangents batched) and of the ``vjp``
  pullback (the batch rules of the derivative code itself).

Then vmap composes with the transforms in any order (vmap of grad, grad of a
vmapped sum, vmap of hvp in all four nestings, hvp of a vmapped function,
jacfwd/jacrev of vmap, vmap of hessian/jacobians/vhv/hessian_diagonal,
nested vmaps of grad), and bad input gives clear errors.
"""

from __future__ import annotations

import functools
import zlib

import numpy as np
import pytest

import osculate as osc
import osculate.numpy as osc_np
from osculate.ad import batching, core
from osculate.ad.registry import engine_primitives
from osculate.ad.tree import tree_flatten, tree_unflatten

from test_ad_primitives import CASES as PRIMITIVE_CASES  # the table of every primitive
from test_ad_primitives import distinct, normal
from _cases import softplus_rule

MODES = osc.HVP_MODES
B = 3  # batch size of the one-level variants
NESTED = (2, 3)  # inner, outer batch sizes of the nested variant


# --------------------------------------------------------------------------- extra cases (same format as the table)

EXTRA: list = []


def extra(tag, fn, *argmakers, label, marks=()):
    EXTRA.append(pytest.param(tag, fn, argmakers, id=f"extra-{tag}-{label}", marks=list(marks)))


# custom rules and checkpoint ---------------------------------------------------------------


@osc.custom_jvp
def scaled_exp(x, y):
    return x * np.exp(y)


@scaled_exp.defjvp
def _scaled_exp_jvp(primals, tangents):
    (x, y), (tx, ty) = primals, tangents
    e = np.exp(y)
    return x * e, tx * e + x * e * ty


@osc.custom_vjp
def sin_times(x, y):
    return np.sin(x) * y


sin_times.defvjp(
    lambda x, y: (np.sin(x) * y, (x, y)),
    lambda res, ct: (np.cos(res[0]) * res[1] * ct, np.sin(res[0]) * ct),
)

tanh_layer = osc.checkpoint(lambda a, x: np.tanh(a @ x) + 0.1 * x)

extra("custom_jvp", softplus_rule, normal(4), label="unary")
extra("custom_jvp", scaled_exp, normal(2, 3), normal(3), label="binary-broadcast")
extra("custom_vjp", sin_times, normal(4), normal(4), label="binary")
extra("custom_vjp", lambda x: sin_times(x, 2.0) ** 2, normal(2, 3), label="const-arg")
extra("checkpoint", tanh_layer, normal(3, 3), normal(3), label="matrix-vector")
extra("checkpoint", lambda x: osc.checkpoint(lambda z: np.sin(z) * z)(x) ** 2, normal(4), label="unary")

# comparison / logical / rounding primitives (their values are constant, but vmap must carry them)
extra("compare", lambda x, y: np.where(x >= y, x * y, np.sin(y)), distinct(5), distinct(5), label=">=")
extra("compare", lambda x, y: np.where(x <= y, x, y ** 2), distinct(5), distinct(5), label="<=")
extra("compare", lambda x, y: np.where(x != y, x, 0.0) + np.where(x == y, 1.0, y), normal(5), normal(5), label="!=")
extra("logical", lambda x: np.where(np.logical_and(x > -0.5, x < 0.5), x ** 2, x), normal(6), label="and")
extra("logical", lambda x: np.where(np.logical_or(x < -0.5, np.logical_not(x < 0.5)), x ** 2, x), normal(6), label="or-not")
extra("logical", lambda x, y: np.where(np.logical_xor(x > 0, y > 0), x, y), normal(6), normal(6), label="xor")
extra("nonfinite", lambda x: np.where(np.logical_or(np.isnan(x), np.isinf(x)), 0.0, x) * np.where(np.signbit(x), -1.0, 1.0), normal(5), label="isnan-isinf-signbit")
extra("rounding", lambda x: np.floor(x) * x + np.ceil(x) + np.rint(3.0 * x) * x, lambda r: r.uniform(-2, 2, 6) + 0.05, label="floor-ceil-rint")

# indexing beyond the table: advanced indices separated by slices (NumPy moves their dims first)
_x456 = normal(4, 5, 6)
for _label, _idx in [
    ("arrays-nonadjacent", ([0, 1], slice(None), [2, 0])),
    ("int-slice-array", (0, slice(None), [1, 2])),
    ("array-slice-int", ([0, 3], slice(1, 4), 2)),
    ("broadcast-arrays-nonadjacent", (np.array([[0], [1]]), slice(None), np.array([[1, 2, 3]]))),
    ("None-nonadjacent", ([1, 2], None, slice(None), [0, 5])),
    ("negative-arrays", ([-1, -2], slice(None), [-1, 0])),
    ("array-int-array", ([0, 1], 2, [3, 4])),
    ("reversed-slice-array", (slice(None, None, -1), [1, 3], slice(None))),
    ("mask-last-axis", (Ellipsis, np.array([True, False, True, False, False, True]))),
]:
    extra("getitem", lambda x, i=_idx: x[i] * 1.5, _x456, label=_label)

# index updates: both operands batched, value broadcast, repeated indices
for _label, _idx, _vshape in [
    ("slice", (slice(1, 3),), (2, 5, 6)),
    ("arrays-adjacent", ([0, 3], [1, 2]), (2, 6)),
    ("arrays-nonadjacent", ([0, 1], slice(None), [2, 0]), (2, 5)),
    ("int-slice-array", (0, slice(None), [1, 2]), (2, 5)),
    ("scalar-value", ([0, 1], slice(None), [2, 0]), ()),
]:
    extra("at.set", lambda x, v, i=_idx: osc_np.set_at(x, i, v) * x, _x456, normal(*_vshape), label=_label)
    extra("at.add", lambda x, v, i=_idx: osc_np.add_at(x, i, v) ** 2, _x456, normal(*_vshape), label=_label)
extra("at.add", lambda x, v: osc_np.add_at(x, ([0, 0, 2], slice(None), [1, 1, 1]), v), _x456, normal(3, 5), label="repeated-nonadjacent")

# products with one side constant inside the function, einsum specs with a closed-over operand
_W = np.random.default_rng(7).standard_normal((3, 4))
extra("matmul", lambda x: _W @ x, normal(4), label="const-matrix-at-vector")
extra("matmul", lambda x: x @ _W, normal(2, 3), label="matrix-at-const")
extra("einsum", lambda x: np.einsum("ij,j->i", _W, x), normal(4), label="const-operand")
extra("einsum", lambda x, y: np.einsum("ij,kj->ik", x, y), normal(2, 4), normal(3, 4), label="ij,kj")
extra("solve", lambda a: np.linalg.solve(a, np.arange(1.0, 4.0)), lambda r: r.standard_normal((3, 3)) + 3 * np.eye(3), label="const-rhs")
extra("solve", lambda b: np.linalg.solve(np.diag([2.0, 3.0, 4.0]) + 0.1, b), normal(3), label="const-matrix")

ALL_CASES = list(PRIMITIVE_CASES) + EXTRA

# Cases whose *output shape* depends on values (boolean masks computed from the
# input): a batch of them is not an array, so vmap must refuse clearly.
DATA_DEPENDENT = {"indexing-traced-mask", "__setitem__-mask"}
# ``a.dot(b)`` with a plain ndarray ``a`` cannot see a traced ``b`` (ndarray methods do
# not dispatch), and the table's ``at_set``/``setitem`` helpers take the NumPy path
# for a plain ``x``: in these cases only the receiver may be the batched argument.
RECEIVER_METHOD = {"dot-method"}
RECEIVER_TAGS = {"at.set", "at.add", "at.multiply", "__setitem__"}

SORT_BUG = (
    "np.sort cannot be used under vmap: osculate.numpy.sort computes the permutation with "
    "np.argsort(concrete(x)), and a BatchTracer has no concrete value -> ConcretizationError, although the "
    "output shape does not depend on the values (a per-member argsort + take_along_axis would do)"
)
def _bugs(cid, kind="forward"):
    if cid == "indexing-sort":
        return SORT_BUG
    return None


def _bug_mark(bug):
    return pytest.mark.xfail(strict=True, raises=core.ConcretizationError, reason=bug)


def _forward_params():
    out = []
    for p in ALL_CASES:
        bug = _bugs(p.id, "forward")
        marks = [_bug_mark(bug)] if bug else []
        out.append(pytest.param(*p.values, id=p.id, marks=marks))
    return out


def _derivative_params():
    out = []
    for p in ALL_CASES:
        bug = _bugs(p.id, "derivative")
        marks = list(p.marks)  # known engine bugs of the table (e.g. matmul vjp) stay expected failures
        if bug:
            marks.append(_bug_mark(bug))
        out.append(pytest.param(*p.values, id=p.id, marks=marks))
    return out


# --------------------------------------------------------------------------- helpers


def _samples(cid, argmakers, count):
    r = np.random.default_rng(zlib.crc32(("vmap/" + cid).encode()))
    return [[np.asarray(m(r), dtype=float) for m in argmakers] for _ in range(count)], r


def _leaves(tree):
    return [np.asarray(x, dtype=float) for x in tree_flatten(tree)[0]]


def assert_batched_equal(got, per_member, axis=0, rtol=1e-12):
    """``got`` (a pytree) equals the members' results stacked along ``axis``."""
    g = _leaves(got)
    members = [_leaves(m) for m in per_member]
    assert all(len(m) == len(g) for m in members), "output structure differs"
    for k, leaf in enumerate(g):
        want = np.stack([m[k] for m in members], axis=axis)
        assert leaf.shape == want.shape, f"output #{k}: shape {leaf.shape}, loop gives {want.shape}"
        scale = max(1.0, float(np.max(np.abs(want), initial=0.0)))
        np.testing.assert_allclose(leaf, want, rtol=rtol, atol=rtol * scale)


def _ones_cotangent(out):
    leaves, td = tree_flatten(out)
    return tree_unflatten(td, [0.5 + np.zeros(np.shape(o)) for o in leaves])


# --------------------------------------------------------------------------- the table


@pytest.mark.parametrize("tag, fn, argmakers", _forward_params())
def test_vmap_matches_python_loop(tag, fn, argmakers, request):
    cid = request.node.callspec.id
    nargs = len(argmakers)
    samples, _ = _samples(cid, argmakers, NESTED[0] * NESTED[1])
    first = samples[:B]
    if cid in DATA_DEPENDENT:
        stacked = [np.stack([s[i] for s in first]) for i in range(nargs)]
        with pytest.raises(core.ConcretizationError, match="vmap"):
            osc.vmap(fn)(*stacked)
        return

    # every argument batched along axis 0
    stacked = [np.stack([s[i] for s in first]) for i in range(nargs)]
    assert_batched_equal(osc.vmap(fn)(*stacked), [fn(*s) for s in first])

    # along the last axis, outputs' batch axis last
    stacked_last = [np.stack([s[i] for s in first], axis=-1) for i in range(nargs)]
    assert_batched_equal(osc.vmap(fn, in_axes=-1, out_axes=-1)(*stacked_last), [fn(*s) for s in first], axis=-1)

    # one argument batched, the others not (in_axes=None)
    for j in range(1 if (cid in RECEIVER_METHOD or tag in RECEIVER_TAGS) else nargs if nargs > 1 else 0):
        axes = tuple(0 if i == j else None for i in range(nargs))
        args = [stacked[i] if i == j else first[0][i] for i in range(nargs)]
        want = [fn(*[s[i] if i == j else first[0][i] for i in range(nargs)]) for s in first]
        assert_batched_equal(osc.vmap(fn, in_axes=axes)(*args), want)

    # nested: outer vmap over axis 1 (size 3), inner over axis 0 (size 2)
    n_in, n_out = NESTED
    grid = [[samples[a * n_out + b] for b in range(n_out)] for a in range(n_in)]
    nested_args = [np.stack([np.stack([grid[a][b][i] for b in range(n_out)]) for a in range(n_in)]) for i in range(nargs)]
    got = osc.vmap(osc.vmap(fn), in_axes=1)(*nested_args)
    want = [_stack_tree([fn(*grid[a][b]) for a in range(n_in)]) for b in range(n_out)]
    assert_batched_equal(got, want)
    assert core.current_depth() == 0


def _stack_tree(trees):
    leaves = [tree_flatten(t)[0] for t in trees]
    td = tree_flatten(trees[0])[1]
    return tree_unflatten(td, [np.stack([np.asarray(lv[k], dtype=float) for lv in leaves]) for k in range(len(leaves[0]))])


@pytest.mark.parametrize("tag, fn, argmakers", _derivative_params())
def test_vmap_of_jvp_and_vjp_matches_python_loop(tag, fn, argmakers, request):
    cid = request.node.callspec.id
    nargs = len(argmakers)
    samples, r = _samples(cid, argmakers, B)
    if cid in DATA_DEPENDENT:
        stacked = [np.stack([s[i] for s in samples]) for i in range(nargs)]
        with pytest.raises(core.ConcretizationError, match="vmap"):
            osc.vmap(lambda *a: osc.jvp(fn, a, a))(*stacked)
        return
    tangents = [[r.standard_normal(a.shape) for a in s] for s in samples]

    def jvp_fn(*a):
        return osc.jvp(fn, a[:nargs], a[nargs:])

    args = [np.stack([s[i] for s in samples]) for i in range(nargs)]
    targs = [np.stack([t[i] for t in tangents]) for i in range(nargs)]
    assert_batched_equal(osc.vmap(jvp_fn)(*args, *targs), [jvp_fn(*s, *t) for s, t in zip(samples, tangents)], rtol=1e-11)

    def vjp_fn(*a):
        out, pullback = osc.vjp(fn, *a)
        return pullback(_ones_cotangent(out))

    assert_batched_equal(osc.vmap(vjp_fn)(*args), [vjp_fn(*s) for s in samples], rtol=1e-11)
    if nargs > 1:  # pullbacks with an unbatched argument: its cotangent is per member
        axes = (0,) + (None,) * (nargs - 1)
        want = [vjp_fn(s[0], *samples[0][1:]) for s in samples]
        assert_batched_equal(osc.vmap(vjp_fn, in_axes=axes)(args[0], *samples[0][1:]), want, rtol=1e-11)


@functools.cache
def _batched_by_table():
    seen = set()
    original = batching.BatchTrace.process

    def process(self, prim, args, params):
        seen.add(prim.name)
        return original(self, prim, args, params)

    batching.BatchTrace.process = process
    try:
        for p in ALL_CASES:
            if p.id in DATA_DEPENDENT or _bugs(p.id) or _bugs(p.id, "derivative") or p.marks:
                continue
            tag, fn, argmakers = p.values
            samples, r = _samples(p.id, argmakers, 2)
            args = [np.stack([s[i] for s in samples]) for i in range(len(argmakers))]
            osc.vmap(fn)(*args)
            osc.vmap(lambda *a: osc.jvp(fn, a[: len(argmakers)], a[len(argmakers):]))(*args, *args)
            osc.vmap(lambda *a: osc.vjp(fn, *a)[1](_ones_cotangent(fn(*a))))(*args)
    finally:
        batching.BatchTrace.process = original
    return frozenset(seen)


@pytest.mark.parametrize("name", sorted(engine_primitives()))
def test_every_registered_primitive_is_exercised_under_vmap(name):
    """The table reaches every registered primitive through the batching trace,
    unless the primitive declares why it has no batch rule (logabsdet is
    reached only through slogdet, which is the known bug above)."""
    prim = engine_primitives()[name]
    if "batch" in prim.missing:
        return
    assert "batch" in prim.rules, f"primitive {name!r} has no batch rule and does not say why"
    if name != "logabsdet":
        assert name in _batched_by_table(), f"primitive {name!r} is never batched by the table"


def test_slogdet_logabsdet_under_vmap():
    a = np.stack([np.diag([1.0, 2.0, 3.0]), np.diag([2.0, 2.0, 2.0])])
    np.testing.assert_allclose(osc.vmap(lambda m: np.linalg.slogdet(m)[1])(a), [np.log(6.0), np.log(8.0)])


def test_index_update_nonadjacent_advanced_indices_with_unbatched_value():
    x = np.arange(3 * 4 * 5 * 6, dtype=float).reshape(3, 4, 5, 6)
    idx = ([0, 1], slice(None), [2, 0])
    v = -np.arange(10.0).reshape(2, 5)
    want = x.copy()
    for k in range(3):
        want[k][idx] = v
    np.testing.assert_array_equal(osc.vmap(lambda z: z.at[idx].set(v))(x), want)


def test_index_update_nonadjacent_silently_wrong_when_sizes_coincide():
    x = np.zeros((2, 2, 3, 2))
    idx = ([0, 1], slice(None), [1, 0])
    v = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    want = x.copy()
    for k in range(2):
        want[k][idx] = v
    np.testing.assert_array_equal(osc.vmap(lambda z: osc_np.set_at(z, idx, v))(x), want)


BOOL_OPS_BUG = (
    "boolean masks computed from tracers do not support the operators |, &, ^, ~ (TypeError: unsupported "
    "operand type(s) for |: 'BatchTracer' and 'BatchTracer'; same for ReverseTracer/SparsityTracer, and "
    "np.bitwise_or raises UnsupportedFunctionError), so the common NumPy idiom np.where((x > a) & (x < b), ...) "
    "fails under vmap, grad and sparsity detection; np.logical_and/or work"
)


def test_boolean_operators_on_traced_masks():
    x = np.array([[1.0, -2.0, -0.5], [0.2, 3.0, -1.5]])
    f = lambda z: np.where((z > 0) & (z < 2) | ~(z > -1), z ** 2, z)  # noqa: E731
    want = np.stack([np.where((z > 0) & (z < 2) | ~(z > -1), z ** 2, z) for z in x])
    np.testing.assert_array_equal(osc.vmap(f)(x), want)
    np.testing.assert_array_equal(osc.grad(lambda z: np.sum(f(z)))(x[0]), [2.0, -4.0, 1.0])


# --------------------------------------------------------------------------- vmap API


def test_in_axes_none_negative_and_out_axes(rng):
    a = rng.standard_normal((3, 4))
    y = rng.standard_normal(3)
    f = lambda col, v: np.tanh(col * v) + np.sum(col)  # noqa: E731
    # batch over the columns of a (axis -1 == axis 1), y shared
    members = [f(a[:, k], y) for k in range(4)]
    assert_batched_equal(osc.vmap(f, in_axes=(-1, None))(a, y), members)
    assert_batched_equal(osc.vmap(f, in_axes=(1, None))(a, y), members)
    assert_batched_equal(osc.vmap(f, in_axes=(-2, None))(a.T, y), members)
    # out_axes moves the batch axis of the result
    outer = osc.vmap(lambda v: np.outer(v, y), out_axes=1)(a.T)  # per member (3, 3); batch axis 1
    assert outer.shape == (3, 4, 3)
    np.testing.assert_allclose(outer, np.stack([np.outer(a[:, k], y) for k in range(4)], axis=1))
    outer = osc.vmap(lambda v: np.outer(v, y), out_axes=-1)(a.T)
    np.testing.assert_allclose(outer, np.stack([np.outer(a[:, k], y) for k in range(4)], axis=-1))
    # a per-output tuple of out_axes, with None for an output that is not batched
    s, const = osc.vmap(lambda v: (np.sum(v * y), np.ones(2)), out_axes=(0, None))(a.T)
    np.testing.assert_allclose(s, a.T @ y)
    np.testing.assert_array_equal(const, np.ones(2))


def test_outputs_that_ignore_the_batch_are_broadcast_and_writeable():
    out = osc.vmap(lambda v: np.arange(3.0))(np.ones((4, 2)))
    assert out.shape == (4, 3)
    np.testing.assert_array_equal(out, np.tile(np.arange(3.0), (4, 1)))
    out[0, 0] = 7.0  # a real array, not a read-only broadcast view
    assert osc.vmap(lambda v: 2.0)(np.ones(5)).tolist() == [2.0] * 5


def test_pytree_arguments_and_outputs(rng):
    p = {"w": rng.standard_normal((5, 3)), "b": rng.standard_normal(5)}
    x = rng.standard_normal(3)

    def f(params, z):
        h = np.tanh(params["w"] @ z + params["b"])
        return {"h": h, "s": np.sum(h)}

    members = [f({"w": p["w"], "b": p["b"][k] * np.ones(5)}, x) for k in range(5)]
    got = osc.vmap(lambda b: f({"w": p["w"], "b": b * np.ones(5)}, x))(p["b"])
    assert_batched_equal(got, members)
    # a whole dict batched along axis 0 of every leaf
    batch = {"w": rng.standard_normal((4, 5, 3)), "b": rng.standard_normal((4, 5))}
    got = osc.vmap(f, in_axes=(0, None))(batch, x)
    assert_batched_equal(got, [f({"w": batch["w"][k], "b": batch["b"][k]}, x) for k in range(4)])


def test_nested_vmap_with_different_axes_computes_a_table(rng):
    xs = rng.standard_normal((4, 2))
    ys = rng.standard_normal((2, 5))
    k = lambda x, y: np.exp(-np.sum((x - y) ** 2))  # noqa: E731
    table = osc.vmap(osc.vmap(k, in_axes=(None, 1)), in_axes=(0, None))(xs, ys)
    want = np.array([[k(x, ys[:, j]) for j in range(5)] for x in xs])
    np.testing.assert_allclose(table, want, rtol=1e-14)
    # three levels, with the middle one unbatched in the first argument
    cube = rng.standard_normal((2, 3, 4))
    got = osc.vmap(osc.vmap(osc.vmap(lambda a, b: a * b, in_axes=(0, None)), in_axes=(None, 0)), in_axes=(0, 0))(
        cube[:, 0, :], cube[:, :, 0])
    want = np.array([[[cube[i, 0, l] * cube[i, j, 0] for l in range(4)] for j in range(3)] for i in range(2)])
    np.testing.assert_allclose(got, want)


def test_empty_batch():
    out = osc.vmap(lambda v: np.sum(v ** 2))(np.ones((0, 3)))
    assert out.shape == (0,)


# --------------------------------------------------------------------------- vmap composed with the transforms

_A = np.random.default_rng(11).standard_normal((4, 4)) / 2.0


def f_test(x):
    return np.sum(np.tanh(_A @ x) ** 2) + np.log(np.sum(np.exp(x))) + x[0] * x[1] ** 3 + np.prod(np.cos(x))


def g_pair(x, y):
    return np.sum(np.sin(x) * y ** 2) + np.sum(x * x) * y[0]


@pytest.fixture
def batch(rng):
    return rng.standard_normal((5, 4)), rng.standard_normal((5, 4))


def test_vmap_of_grad_and_grad_of_vmapped_sum(batch):
    X, _ = batch
    loop = np.stack([osc.grad(f_test)(x) for x in X])
    np.testing.assert_allclose(osc.vmap(osc.grad(f_test))(X), loop, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(osc.grad(lambda Z: np.sum(osc.vmap(f_test)(Z)))(X), loop, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(osc.vmap(osc.value_and_grad(f_test))(X)[0], [f_test(x) for x in X], rtol=1e-14)
    # gradient w.r.t. an argument the vmap does not batch: the sum of the members' gradients
    y = np.linspace(0.2, 0.8, 4)
    got = osc.grad(lambda w: np.sum(osc.vmap(g_pair, in_axes=(0, None))(X, w)))(y)
    np.testing.assert_allclose(got, sum(osc.grad(g_pair, argnums=1)(x, y) for x in X), rtol=1e-13)
    # vmap of grad with argnums over both arguments, the second one unbatched
    gx, gy = osc.vmap(osc.grad(g_pair, argnums=(0, 1)), in_axes=(0, None))(X, y)
    for k, x in enumerate(X):
        ex, ey = osc.grad(g_pair, argnums=(0, 1))(x, y)
        np.testing.assert_allclose(gx[k], ex, rtol=1e-14)
        np.testing.assert_allclose(gy[k], ey, rtol=1e-14)


@pytest.mark.parametrize("mode", MODES)
def test_vmap_of_hvp_and_hvp_of_vmap(batch, mode):
    X, V = batch
    loop = np.stack([osc.hvp(f_test, x, v, mode=mode) for x, v in zip(X, V)])
    np.testing.assert_allclose(osc.vmap(lambda x, v: osc.hvp(f_test, x, v, mode=mode))(X, V), loop, rtol=1e-12, atol=1e-13)
    # one direction for the whole batch
    loop1 = np.stack([osc.hvp(f_test, x, V[0], mode=mode) for x in X])
    np.testing.assert_allclose(osc.vmap(lambda x: osc.hvp(f_test, x, V[0], mode=mode))(X), loop1, rtol=1e-12, atol=1e-13)
    # one point, a batch of directions
    loop2 = np.stack([osc.hvp(f_test, X[0], v, mode=mode) for v in V])
    np.testing.assert_allclose(osc.vmap(lambda v: osc.hvp(f_test, X[0], v, mode=mode))(V), loop2, rtol=1e-12, atol=1e-13)
    # the Hessian of a vmapped sum is block diagonal: its products are the members' products
    F = lambda Z: np.sum(osc.vmap(f_test)(Z))  # noqa: E731
    np.testing.assert_allclose(osc.hvp(F, X, V, mode=mode), loop, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(osc.vmap(lambda x, v: osc.vhv(f_test, x, v))(X, V),
                               [osc.vhv(f_test, x, v) for x, v in zip(X, V)], rtol=1e-12)


def test_jacobians_of_vmap_and_vmap_of_jacobians(batch):
    X, _ = batch
    H = np.stack([osc.hessian(f_test)(x) for x in X])
    vg = osc.vmap(osc.grad(f_test))
    for J in (osc.jacfwd(vg)(X), osc.jacrev(vg)(X), osc.jacfwd(vg, chunk_size=3)(X), osc.jacrev(vg, chunk_size=7)(X)):
        assert J.shape == (5, 4, 5, 4)
        for i in range(5):
            np.testing.assert_allclose(J[i, :, i, :], H[i], rtol=1e-12, atol=1e-13)
            off = np.delete(J[i], i, axis=1)
            assert np.all(off == 0.0), "members of a vmap must not interact"
    np.testing.assert_allclose(osc.vmap(osc.jacfwd(osc.grad(f_test)))(X), H, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(osc.vmap(osc.jacrev(osc.grad(f_test)))(X), H, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(osc.vmap(lambda x: osc.hessian_diagonal(f_test, x))(X),
                               np.stack([np.diag(h) for h in H]), rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("chunk_size", [None, 1, 3, 10])
def test_vmap_of_dense_hessian(batch, mode, chunk_size):
    X, _ = batch
    want = np.stack([osc.hessian(f_test, mode=mode)(x) for x in X])
    got = osc.vmap(osc.hessian(f_test, mode=mode, chunk_size=chunk_size))(X)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13)


def test_nested_vmap_of_grad_and_grad_inside_vmap_inside_grad(rng):
    X = rng.standard_normal((2, 3, 4))
    got = osc.vmap(osc.vmap(osc.grad(f_test)))(X)
    np.testing.assert_allclose(got, np.array([[osc.grad(f_test)(x) for x in row] for row in X]), rtol=1e-13, atol=1e-14)
    # d/dZ sum_k |grad f(z_k)|^2 = 2 H(z_k) grad f(z_k)
    Z = X[0]
    got = osc.grad(lambda Y: np.sum(osc.vmap(osc.grad(f_test))(Y) ** 2))(Z)
    want = np.stack([2.0 * osc.hvp(f_test, z, osc.grad(f_test)(z)) for z in Z])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13)


def test_vmap_through_custom_rules_and_checkpoint_with_second_derivatives(rng):
    X = rng.standard_normal((4, 3))
    y = rng.standard_normal(3)

    def h(x):
        return np.sum(softplus_rule(x) * sin_times(x, y)) + np.sum(tanh_layer(np.outer(y, y), x) ** 2)

    def h_plain(x):
        return np.sum(np.logaddexp(0.0, x) * np.sin(x) * y) + np.sum((np.tanh(np.outer(y, y) @ x) + 0.1 * x) ** 2)

    for m in MODES:
        got = osc.vmap(osc.hessian(h, mode=m))(X)
        np.testing.assert_allclose(got, np.stack([osc.hessian(h_plain, mode=m)(x) for x in X]), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(osc.vmap(h)(X), [h_plain(x) for x in X], rtol=1e-14)


# --------------------------------------------------------------------------- errors


def test_inconsistent_batch_sizes():
    with pytest.raises(ValueError, match=r"inconsistent batch sizes: size 3 .*\[0\].*size 4 .*\[1\]"):
        osc.vmap(lambda a, b: a * b)(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="inconsistent batch sizes"):
        osc.vmap(lambda d: d["a"] * d["b"])({"a": np.ones(3), "b": np.ones(4)})
    with pytest.raises(ValueError, match="inconsistent batch sizes"):
        osc.vmap(lambda a, b: a * b, in_axes=(0, 1))(np.ones((3, 4)), np.ones((3, 4)))


@pytest.mark.parametrize("axis", [2, -3, 5])
def test_in_axes_out_of_range(axis):
    with pytest.raises(ValueError, match=rf"in_axes={axis} is out of range for argument #1 with shape \(3, 3\)"):
        osc.vmap(lambda a, b: a * b, in_axes=(0, axis))(np.ones(3), np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"in_axes=0 is out of range for argument #0 with shape \(\)"):
        osc.vmap(np.sin)(np.float64(1.0))


def test_all_none_in_axes_and_wrong_number_of_axes():
    for axes in (None, (None, None)):
        with pytest.raises(ValueError, match="at least one argument must be batched"):
            osc.vmap(lambda a, b: a * b, in_axes=axes)(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match=r"in_axes has 1 entries for 2 argument\(s\)"):
        osc.vmap(lambda a, b: a * b, in_axes=(0,))(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match=r"out_axes has 1 entries for 2"):
        osc.vmap(lambda a: (a, a), out_axes=(0,))(np.ones(3))


def test_out_axes_none_for_a_batched_output():
    with pytest.raises(ValueError, match="out_axes=None is only allowed for outputs that are not batched"):
        osc.vmap(lambda a: a * 2.0, out_axes=None)(np.ones(3))


def test_value_dependent_python_control_flow_is_refused():
    with pytest.raises(core.ConcretizationError, match="np.where"):
        osc.vmap(lambda a: a if a > 0 else -a)(np.array([1.0, -2.0]))
    np.testing.assert_array_equal(osc.vmap(lambda a: np.where(a > 0, a, -a))(np.array([1.0, -2.0])), [1.0, 2.0])


def test_out_axes_out_of_range_is_an_error():
    with pytest.raises((ValueError, np.exceptions.AxisError), match="out of"):
        osc.vmap(lambda a: a * 2.0, out_axes=5)(np.ones((3, 2)))




def test_nested_vmap_of_a_solve_aligns_the_stacks_of_its_operands():
    # the outer vmap batches the matrix, the inner one a stack of right-hand sides of each
    rng = np.random.default_rng(3)
    A = rng.normal(size=(3, 2, 2)) + 3 * np.eye(2)
    B = rng.normal(size=(3, 4, 2))
    want = np.array([[np.linalg.solve(A[i], B[i, j]) for j in range(4)] for i in range(3)])
    got = osc.vmap(lambda a, b: osc.vmap(lambda bb: np.linalg.solve(a, bb))(b))(A, B)
    np.testing.assert_allclose(got, want, rtol=1e-13)
    got = osc.vmap(lambda b, a: osc.vmap(lambda aa: np.linalg.solve(aa, b))(a))(B[:, 0], np.stack([A] * 4, 1))
    np.testing.assert_allclose(got, np.array([[np.linalg.solve(A[i], B[i, 0])] * 4 for i in range(3)]), rtol=1e-13)
