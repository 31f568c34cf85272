"""jacfwd, jacrev and hessian with argnums, has_aux and pytree arguments and
outputs, checked block by block against the single-array transform of the
same function on the raveled vector of the differentiated arguments."""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np
import pytest

import osculate as osc
from osculate.ad.tree import tree_flatten

RNG = np.random.default_rng(17)
A = RNG.normal(size=(3, 2))
B = RNG.normal(size=3)


@dataclasses.dataclass
class Params:
    w: np.ndarray
    b: np.ndarray


class Pair(NamedTuple):
    x: np.ndarray
    y: np.ndarray


def _scalar(tree):
    leaves = tree_flatten(tree)[0]
    return sum(np.sum(np.sin(leaf) * leaf ** 2) for leaf in leaves) * (1.0 + np.sum(np.cos(leaves[0])))


def _vector(tree):
    leaves = tree_flatten(tree)[0]
    first = np.ravel(leaves[0])
    return np.tanh(first) * sum(np.sum(leaf ** 3) for leaf in leaves)


# (name, f, args, argnums, kind of output); kind "scalar" feeds hessian too
CASES = [
    ("dict", lambda p: _scalar(p), ({"w": A, "b": B},), 0),
    ("tuple", lambda p: _scalar(p), ((A, B, np.array(0.3)),), 0),
    ("dataclass", lambda p: _scalar(p), (Params(A, B),), 0),
    ("namedtuple", lambda p: _scalar(p), (Pair(B, A),), 0),
    ("second-arg-with-data-and-int", lambda data, x, k: k * np.sum(data @ np.sin(x)) * np.sum(x ** 2),
     (A, np.array([0.4, -1.2]), 3), 1),
    ("tuple-argnums", lambda x, c, y: c * _scalar((x, y)), (B, 2.0, A), (0, 2)),
    ("tuple-argnums-trees", lambda p, q: _scalar((p, q)), ({"a": B}, Pair(A[0], A[1])), (0, 1)),
]
IDS = [c[0] for c in CASES]


def _diff(args, argnums):
    return args[argnums] if isinstance(argnums, int) else tuple(args[i] for i in argnums)


def _flat_function(f, args, argnums):
    """``f`` as a function of the raveled differentiated arguments, and that vector."""
    flat, unravel = osc.ravel_pytree(_diff(args, argnums))

    def g(v):
        d = unravel(v)
        full = list(args)
        if isinstance(argnums, int):
            full[argnums] = d
        else:
            for i, x in zip(argnums, d):
                full[i] = x
        return f(*full)

    return g, flat


def _ravel_blocks(blocks, out_tree, in_tree):
    """The nested blocks back as one (raveled out) x (raveled in) matrix."""
    out_leaves = tree_flatten(out_tree)[0]
    rows = tree_flatten(blocks)[0]
    n_in = len(tree_flatten(in_tree)[0])
    assert len(rows) == len(out_leaves) * n_in
    sizes_out = [np.size(leaf) for leaf in out_leaves]
    sizes_in = [np.size(leaf) for leaf in tree_flatten(in_tree)[0]]
    return np.block([[np.reshape(rows[i * n_in + j], (sizes_out[i], sizes_in[j])) for j in range(n_in)]
                     for i in range(len(out_leaves))])


def _check_shapes(blocks, out_tree, in_tree):
    flat_blocks = tree_flatten(blocks)[0]
    k = 0
    for lo in tree_flatten(out_tree)[0]:
        for li in tree_flatten(in_tree)[0]:
            assert np.shape(flat_blocks[k]) == np.shape(lo) + np.shape(li)
            k += 1


def test_block_structure():
    f = lambda p: np.sum(p["a"] ** 2) * p["b"]  # noqa: E731
    H = osc.hessian(f)({"a": np.ones(2), "b": np.array(3.0)})
    assert set(H) == {"a", "b"} and set(H["a"]) == {"a", "b"}
    np.testing.assert_array_equal(H["a"]["b"], [2.0, 2.0])
    H = osc.hessian(lambda a, b: np.sum(a ** 2) * b, argnums=(0, 1))(np.ones(2), 3.0)
    assert isinstance(H, tuple) and all(isinstance(row, tuple) and len(row) == 2 for row in H)
    np.testing.assert_array_equal(H[0][0], 6.0 * np.eye(2))
    np.testing.assert_array_equal(H[1][0], [2.0, 2.0])
    J = osc.jacfwd(lambda p: Params(p.w * 2.0, np.sum(p.b)))(Params(np.ones(2), np.ones(3)))
    assert isinstance(J, Params) and isinstance(J.w, Params)
    assert J.w.w.shape == (2, 2) and J.w.b.shape == (2, 3) and J.b.w.shape == (2,) and J.b.b.shape == (3,)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("mode", ["fwd-rev", "rev-fwd", "fwd-fwd", "rev-rev"])
def test_hessian_blocks_match_raveled(case, mode):
    _, f, args, argnums = case
    H = osc.hessian(f, argnums=argnums, mode=mode)(*args)
    g, flat = _flat_function(f, args, argnums)
    ref = osc.hessian(g, mode=mode)(flat)
    diff = _diff(args, argnums)
    _check_shapes(H, diff, diff)
    np.testing.assert_allclose(_ravel_blocks(H, diff, diff), ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("transform", [osc.jacfwd, osc.jacrev], ids=["jacfwd", "jacrev"])
def test_jacobian_blocks_match_raveled(case, transform):
    _, f, args, argnums = case

    def vec(*a):  # a vector output and a dict output of the same arguments
        return {"s": f(*a), "v": _vector(_diff(a, argnums))}

    J = transform(vec, argnums=argnums)(*args)
    g, flat = _flat_function(vec, args, argnums)
    out = vec(*args)
    ref = transform(lambda v: osc.ravel_pytree(g(v))[0])(flat)
    diff = _diff(args, argnums)
    assert set(J) == {"s", "v"}
    _check_shapes(J, out, diff)
    np.testing.assert_allclose(_ravel_blocks(J, out, diff), ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("transform", [osc.jacfwd, osc.jacrev, osc.hessian], ids=["jacfwd", "jacrev", "hessian"])
def test_has_aux(transform):
    x = {"a": np.array([0.5, -1.0]), "b": np.array(2.0)}
    aux = {"note": np.arange(3)}
    res, got_aux = transform(lambda p, c: (c * _scalar(p), aux), argnums=0, has_aux=True)(x, 1.5)
    assert got_aux is aux
    ref = transform(lambda p: 1.5 * _scalar(p))(x)
    for r, e in zip(tree_flatten(res)[0], tree_flatten(ref)[0]):
        np.testing.assert_array_equal(r, e)
    with pytest.raises(TypeError, match="pair"):
        transform(lambda p: _scalar(p), has_aux=True)(x)


def test_nll_hessian():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3))
    y = (rng.random(20) < 0.5).astype(float)
    beta = np.array([0.2, -0.1, 0.3])

    def nll(b, X, y):
        z = X @ b
        return np.sum(np.log1p(np.exp(z)) - y * z)

    H = osc.hessian(nll, argnums=0)(beta, X, y)
    p = 1 / (1 + np.exp(-X @ beta))
    np.testing.assert_allclose(H, X.T @ ((p * (1 - p))[:, None] * X), rtol=1e-12)
    np.testing.assert_array_equal(H, H.T)
    H01 = osc.hessian(nll, argnums=(0, 2))(beta, X, y)
    np.testing.assert_allclose(H01[0][0], H, rtol=1e-13)
    np.testing.assert_allclose(H01[0][1], -X.T, rtol=1e-13)
    np.testing.assert_array_equal(H01[0][1], H01[1][0].T)
    assert H01[1][1].shape == (20, 20)


def test_old_calls_unchanged():
    f = lambda x: np.sum(x[0] ** 2 * np.sin(x[1:]))  # noqa: E731
    x = np.array([1.0, 2.0, 0.5])
    H = osc.hessian(f)(x)
    assert H.dtype == np.float64 and H.shape == (3, 3)
    np.testing.assert_array_equal(H, H.T)
    np.testing.assert_array_equal(osc.hessian(f, argnums=0)(x), H)
    packed = osc.hessian(f, symmetric=True)(x)
    assert isinstance(packed, osc.SymmetricMatrix)
    # a list argument is still one array
    np.testing.assert_array_equal(osc.hessian(f)([1.0, 2.0, 0.5]), H)
    np.testing.assert_array_equal(osc.jacfwd(np.sin)([1.0, 2.0]), np.diag(np.cos([1.0, 2.0])))
    np.testing.assert_array_equal(osc.jacrev(np.sin)([1.0, 2.0]), np.diag(np.cos([1.0, 2.0])))
    # complex handling is kept
    z = np.array([1.0 + 0.5j, -0.3j])
    np.testing.assert_allclose(osc.jacfwd(lambda z: z ** 2, holomorphic=True)(z), np.diag(2 * z))
    np.testing.assert_allclose(osc.jacrev(lambda x: np.exp(1j * x))(np.array([0.3])), [[1j * np.exp(0.3j)]])
    with pytest.raises(TypeError, match="holomorphic"):
        osc.jacfwd(lambda z: z ** 2)(z)
    # complex and holomorphic through argnums
    J = osc.jacfwd(lambda c, z: c * z ** 2, argnums=1, holomorphic=True)(2.0, z)
    np.testing.assert_allclose(J, np.diag(4 * z))
    Hz = osc.hessian(lambda c, z: c * np.sum(z ** 3), argnums=1, holomorphic=True)(2.0, z)
    np.testing.assert_allclose(Hz, np.diag(12 * z))


def test_errors():
    with pytest.raises(TypeError, match="argnums"):
        osc.hessian(lambda x, y: np.sum(x * y), argnums=2)(np.ones(2), np.ones(2))


def test_nested_inside_grad():
    # the tree path stays functional inside another transformation
    def trace_h(s):
        H = osc.hessian(lambda p, c: c * np.sum(p["a"] ** 3), argnums=0)({"a": s * np.ones(2)}, 2.0)
        return H["a"]["a"][0, 0] + H["a"]["a"][1, 1]

    np.testing.assert_allclose(osc.grad(trace_h)(1.5), 24.0)


@pytest.mark.parametrize("bad", ["a", (), True, (0, "x"), 1.0])
@pytest.mark.parametrize("transform", [osc.grad, osc.jacfwd, osc.jacrev, osc.hessian])
def test_a_malformed_argnums_is_named_in_one_line(transform, bad):
    with pytest.raises(TypeError, match=r"^argnums must be an int or a non-empty tuple of ints, got "):
        transform(lambda a, b: np.sum(a * b), argnums=bad)(np.ones(2), np.ones(2))
