"""Pytrees beyond tuples, lists and dicts: namedtuples, dataclasses and
registered user types, through grad, jvp, vjp, vmap and jit, each checked
against the same computation on the flat vector of ``ravel_pytree``; then
``ravel_pytree`` itself (round trips with mixed shapes and dtypes, traced
vectors) and the errors.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np
import pytest

import osculate as osc
from osculate.ad.tree import tree_flatten, tree_leaves, tree_map, tree_unflatten


class Pair(NamedTuple):
    w: np.ndarray
    b: np.ndarray


@dataclasses.dataclass
class Params:
    w: np.ndarray
    b: np.ndarray
    extra: object = None  # a None field: an empty subtree


@dataclasses.dataclass(frozen=True)
class Frozen:
    x: np.ndarray
    y: np.ndarray


@osc.register_pytree_node_class
class Layer:
    """A registered class whose aux data (an activation name) is static."""

    def __init__(self, w, b, act="tanh"):
        self.w, self.b, self.act = w, b, act

    def tree_flatten(self):
        return (self.w, self.b), self.act

    @classmethod
    def tree_unflatten(cls, act, children):
        return cls(*children, act=act)

    def __call__(self, x):
        return getattr(np, self.act)(self.w @ x + self.b)


class Box:
    def __init__(self, items, tag):
        self.items, self.tag = items, tag


osc.register_pytree_node(Box, lambda bx: (bx.items, bx.tag), lambda tag, ch: Box(list(ch), tag))


def _rng():
    return np.random.default_rng(0)


def _trees():
    r = _rng()
    w, b = r.normal(size=(3, 2)), r.normal(size=3)
    return {
        "namedtuple": Pair(w, b),
        "dataclass": Params(w, b),
        "frozen": Frozen(w, b),
        "registered": Layer(w, b),
        "box": Box([w, None, (b,)], ("t", 1)),
        "nested": {"p": Pair(w, b), "n": None, "l": [Layer(w, b, "sin")]},
    }


CASES = sorted(_trees())


def _loss(tree):
    x = np.array([0.5, -1.0])
    total = 0.0
    for leaf in tree_leaves(tree):
        total = total + np.sum(np.sin(leaf) * leaf) + np.sum(leaf[..., :1] ** 2) * np.sum(x ** 2)
    return total


def _same(a, b):
    la, ta = tree_flatten(a)
    lb, tb = tree_flatten(b)
    assert ta == tb
    for u, v in zip(la, lb):
        np.testing.assert_allclose(u, v, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_round_trip_keeps_types(case):
    tree = _trees()[case]
    leaves, td = tree_flatten(tree)
    back = tree_unflatten(td, leaves)
    assert type(back) is type(tree)
    assert tree_flatten(back)[1] == td and hash(tree_flatten(back)[1]) == hash(td)
    _same(back, tree)


def test_structure_details():
    r = _trees()
    assert tree_unflatten(tree_flatten(r["namedtuple"])[1], [1, 2]) == Pair(1, 2)
    p = tree_unflatten(tree_flatten(r["dataclass"])[1], [1, 2])
    assert p == Params(1, 2, None)
    f = tree_unflatten(tree_flatten(r["frozen"])[1], [1, 2])
    assert f == Frozen(1, 2)
    layer = tree_map(lambda a: 2 * a, r["registered"])
    assert isinstance(layer, Layer) and layer.act == "tanh"
    np.testing.assert_array_equal(layer.w, 2 * r["registered"].w)
    # the aux data is part of the structure
    assert tree_flatten(Layer(1.0, 2.0, "sin"))[1] != tree_flatten(Layer(1.0, 2.0, "tanh"))[1]
    assert tree_flatten(Layer(1.0, 2.0, "sin"))[1] == tree_flatten(Layer(3.0, 4.0, "sin"))[1]
    # a namedtuple is not a plain tuple, and dataclasses of different classes differ
    assert tree_flatten(Pair(1, 2))[1] != tree_flatten((1, 2))[1]
    assert tree_flatten(Frozen(1, 2))[1] != tree_flatten(Params(1, 2))[1]
    # a tuple of containers takes the general path
    assert tree_leaves((Pair(1, 2), Layer(3, 4), Params(5, 6))) == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("case", CASES)
def test_grad_equals_grad_on_the_raveled_vector(case):
    tree = _trees()[case]
    flat, unravel = osc.ravel_pytree(tree)
    g = osc.grad(_loss)(tree)
    assert type(g) is type(tree)
    g_flat = osc.grad(lambda v: _loss(unravel(v)))(flat)
    np.testing.assert_allclose(osc.ravel_pytree(g)[0], g_flat, rtol=1e-12)
    v, g2 = osc.value_and_grad(_loss)(tree)
    np.testing.assert_allclose(v, _loss(tree))
    _same(g2, g)


@pytest.mark.parametrize("case", CASES)
def test_jvp_vjp_hessian_through_ravel(case):
    tree = _trees()[case]
    flat, unravel = osc.ravel_pytree(tree)
    t = tree_map(lambda a: np.cos(a), tree)
    t_flat = osc.ravel_pytree(t)[0]
    y, dy = osc.jvp(_loss, (tree,), (t,))
    y2, dy2 = osc.jvp(lambda v: _loss(unravel(v)), (flat,), (t_flat,))
    np.testing.assert_allclose([y, dy], [y2, dy2], rtol=1e-12)
    # vjp of a tree-valued function
    f = lambda tr: tree_map(lambda a: np.exp(a) * np.sum(a), tr)  # noqa: E731
    out, pull = osc.vjp(f, tree)
    assert type(out) is type(tree)
    (ct,) = pull(t)
    assert type(ct) is type(tree)
    _, pull_flat = osc.vjp(lambda v: osc.ravel_pytree(f(unravel(v)))[0], flat)
    np.testing.assert_allclose(osc.ravel_pytree(ct)[0], pull_flat(t_flat)[0], rtol=1e-12)
    # the Hessian of a tree function, on the raveled vector; symmetric and equal to the Jacobian of the gradient
    H = osc.hessian(lambda v: _loss(unravel(v)))(flat)
    J = osc.jacfwd(lambda v: osc.ravel_pytree(osc.grad(_loss)(unravel(v)))[0])(flat)
    np.testing.assert_allclose(H, J, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(H, H.T, atol=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_vmap_and_jit(case):
    tree = _trees()[case]
    batched = tree_map(lambda a: np.stack([a, 2 * a, -a]), tree)
    f = lambda tr: tree_map(lambda a: np.sin(a) * np.sum(a ** 2), tr)  # noqa: E731
    out = osc.vmap(f)(batched)
    assert type(out) is type(tree)
    for i in range(3):
        _same(tree_map(lambda a: a[i], out), f(tree_map(lambda a: a[i], batched)))
    staged = osc.jit(f)
    _same(staged(tree), f(tree))
    g = osc.jit(osc.grad(_loss))(tree)
    _same(g, osc.grad(_loss)(tree))


def test_registered_type_hits_the_jit_cache():
    calls = []

    def f(layer, x):
        calls.append(1)
        return layer(x)

    staged = osc.jit(f)
    r = _rng()
    x = np.array([0.3, -0.2])
    for _ in range(3):
        layer = Layer(r.normal(size=(3, 2)), r.normal(size=3))
        np.testing.assert_allclose(staged(layer, x), layer(x), rtol=1e-12)
    assert staged.cache_size() == 1 and len(calls) == 1
    s = Layer(layer.w, layer.b, "sin")  # different aux data: a new entry
    np.testing.assert_allclose(staged(s, x), s(x), rtol=1e-12)
    assert staged.cache_size() == 2
    staged(Layer(layer.w, layer.b, "sin"), x)
    assert staged.cache_size() == 2 and len(calls) == 2


def test_grad_of_a_model_with_a_registered_layer():
    r = _rng()
    layer = Layer(r.normal(size=(3, 2)), r.normal(size=3))
    X = r.normal(size=(5, 2))
    loss = lambda ly: np.sum(osc.vmap(ly)(X) ** 2)  # noqa: E731
    g = osc.grad(loss)(layer)
    flat, unravel = osc.ravel_pytree(layer)
    np.testing.assert_allclose(osc.ravel_pytree(g)[0], osc.grad(lambda v: loss(unravel(v)))(flat), rtol=1e-12)
    eps = 1e-6
    e = np.zeros_like(flat)
    e[4] = eps
    fd = (loss(unravel(flat + e)) - loss(unravel(flat - e))) / (2 * eps)
    np.testing.assert_allclose(osc.ravel_pytree(g)[0][4], fd, rtol=1e-6)


def test_unhashable_aux_data_is_a_clear_error():
    class Bad:
        def __init__(self, x):
            self.x = x

    osc.register_pytree_node(Bad, lambda b: ((b.x,), [1, 2]), lambda aux, ch: Bad(ch[0]))
    with pytest.raises(TypeError, match="aux data of a .*Bad.* is not hashable"):
        tree_flatten(Bad(np.ones(2)))
    with pytest.raises(TypeError, match="not hashable"):
        osc.grad(lambda b: np.sum(b.x))(Bad(np.ones(2)))


def test_registration_errors():
    with pytest.raises(ValueError, match="already"):
        osc.register_pytree_node(Layer, lambda o: ((), None), lambda a, c: None)
    with pytest.raises(ValueError, match="already"):
        osc.register_pytree_node(dict, lambda o: ((), None), lambda a, c: None)
    with pytest.raises(TypeError, match="expected a class"):
        osc.register_pytree_node(Layer(1, 2), lambda o: ((), None), lambda a, c: None)
    with pytest.raises(TypeError, match="callables"):
        osc.register_pytree_node(type("T", (), {}), None, None)


# --------------------------------------------------------------------------- ravel_pytree


def test_ravel_round_trip_mixed_shapes_and_dtypes():
    tree = {
        "a": np.arange(6.0).reshape(2, 3),
        "b": (np.array(2.5, dtype=np.float32), np.arange(4, dtype=np.int32)),
        "c": Pair(np.ones((1, 2, 1)), 7.0),
        "d": None,
        "e": [],
    }
    flat, unravel = osc.ravel_pytree(tree)
    assert flat.dtype == np.float64 and flat.shape == (6 + 1 + 4 + 2 + 1,)
    back = unravel(flat)
    _same(back, tree)
    for u, v in zip(tree_leaves(back), tree_leaves(tree)):
        assert np.shape(u) == np.shape(v) and u.dtype == np.asarray(v).dtype
    assert back["d"] is None and back["e"] == [] and isinstance(back["c"], Pair)
    np.testing.assert_array_equal(osc.ravel_pytree(unravel(flat + 1))[0], flat + 1)


def test_ravel_dtypes():
    f32 = (np.ones(2, np.float32), np.zeros((1, 1), np.float32))
    flat, unravel = osc.ravel_pytree(f32)
    assert flat.dtype == np.float32
    assert all(x.dtype == np.float32 for x in unravel(flat))
    flat, _ = osc.ravel_pytree((np.ones(2, np.float32), np.array([1j])))
    assert flat.dtype == np.complex128
    flat, unravel = osc.ravel_pytree(None)
    assert flat.shape == (0,) and flat.dtype == np.float64 and unravel(flat) is None
    flat, unravel = osc.ravel_pytree(3.0)
    np.testing.assert_array_equal(flat, [3.0])
    assert unravel(np.array([4.0])) == 4.0


def test_unravel_checks_the_shape():
    _, unravel = osc.ravel_pytree((np.ones(2), np.ones(3)))
    with pytest.raises(ValueError, match=r"shape \(5,\).*got shape \(4,\)"):
        unravel(np.ones(4))
    with pytest.raises(ValueError, match="got shape"):
        unravel(np.ones((5, 1)))


def test_ravel_and_unravel_of_traced_values():
    r = _rng()
    tree = Params(r.normal(size=(2, 2)), r.normal(size=2), {"s": np.float32(1.5)})

    def f(v):  # unravel a traced vector, then ravel traced leaves again
        t = unravel(v)
        t2 = tree_map(lambda a: a * a, t)
        return np.sum(np.sin(osc.ravel_pytree(t2)[0]))

    flat, unravel = osc.ravel_pytree(tree)
    g = osc.grad(f)(flat)
    # the float32 leaf is rounded by unravel, whose cast is differentiated as the identity
    np.testing.assert_allclose(g, np.cos(flat ** 2) * 2 * flat, rtol=1e-6)
    H = osc.hessian(f)(flat)
    np.testing.assert_allclose(np.diag(H), 2 * np.cos(flat ** 2) - 4 * flat ** 2 * np.sin(flat ** 2), rtol=1e-5)
    # vmap over a batch of flat vectors
    V = np.stack([flat, 2 * flat])
    out = osc.vmap(lambda v: unravel(v))(V)
    assert isinstance(out, Params)
    np.testing.assert_allclose(out.w[1], 2 * tree.w, rtol=1e-12)
    # and under jit
    np.testing.assert_allclose(osc.jit(f)(flat), f(flat), rtol=1e-12)
