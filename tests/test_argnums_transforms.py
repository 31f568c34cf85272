"""The evaluations that take the point directly (hvp, vhv, jvp, linearize,
taylor, derivatives_along, hessian_diagonal, sparse_hessian) and
hessian(symmetric=True) with pytree points, argnums and has_aux, each checked
against the same evaluation of the single-array form on the raveled vector
of the differentiated arguments (osc.ravel_pytree)."""

from __future__ import annotations

import numpy as np
import pytest

import osculate as osc
from osculate.ad.tree import tree_flatten, tree_map
from test_argnums import A, B, Pair, Params, _scalar  # the points and the function of jacfwd/jacrev/hessian's tests


def _with_data(data, x, k, how):
    assert how == "sum" and isinstance(k, int)  # the passed-through arguments arrive untouched
    return k * np.sum(data @ np.sin(x)) * np.sum(x ** 2)


# (name, f, positional arguments, argnums): argnums None means the point is args[0] itself
CASES = [
    ("dict", _scalar, ({"w": A, "b": B},), None),
    ("tuple", _scalar, ((A, B, np.array(0.3)),), None),
    ("dataclass", _scalar, (Params(A, B),), None),
    ("namedtuple", _scalar, (Pair(B, A),), None),
    ("data-int-string-passed-through", _with_data, (A, np.array([0.4, -1.2]), 3, "sum"), 1),
    ("tuple-argnums", lambda x, c, y: c * _scalar((x, y)), (B, 2.0, A), (0, 2)),
    ("tuple-argnums-trees", lambda p, q: _scalar((p, q)), ({"a": B}, Pair(A[0], A[1])), (0, 1)),
]
IDS = [c[0] for c in CASES]


def _setup(case):
    """``(x, kw, point, g, flat)``: what the tree form is called with (``x`` and
    the ``argnums`` keyword), the differentiated point, and ``f`` as a function
    of the raveled point ``flat``."""
    _, f, args, argnums = case
    if argnums is None:
        x, kw, point, call = args[0], {}, args[0], f
    else:
        x, kw = args, {"argnums": argnums}
        point = args[argnums] if isinstance(argnums, int) else tuple(args[i] for i in argnums)

        def call(d):
            full = list(args)
            for i, value in zip((argnums,) if isinstance(argnums, int) else argnums,
                                (d,) if isinstance(argnums, int) else d):
                full[i] = value
            return f(*full)

    flat, unravel = osc.ravel_pytree(point)
    return x, kw, point, (lambda v: call(unravel(v))), flat


def _direction(point, seed):
    rng = np.random.default_rng(seed)
    return tree_map(lambda leaf: rng.normal(size=np.shape(leaf)), point)


def _same(tree, ref):
    """``tree`` has the point's structure and ravels to ``ref``."""
    np.testing.assert_allclose(osc.ravel_pytree(tree)[0], ref, rtol=1e-12, atol=1e-12)


def _ravel(tree):
    return osc.ravel_pytree(tree)[0]


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("mode", osc.HVP_MODES)
def test_hvp(case, mode):
    x, kw, point, g, flat = _setup(case)
    v = _direction(point, 1)
    hv = osc.hvp(case[1], x, v, mode, **kw)
    assert tree_flatten(hv)[1] == tree_flatten(point)[1]
    _same(hv, osc.hvp(g, flat, _ravel(v), mode))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_vhv_and_jvp(case):
    x, kw, point, g, flat = _setup(case)
    v = _direction(point, 2)
    np.testing.assert_allclose(osc.vhv(case[1], x, v, **kw), osc.vhv(g, flat, _ravel(v)), rtol=1e-12)
    y, t = osc.jvp(lambda p: g(_ravel(p)), (point,), (v,))  # jvp takes pytrees (and tuples of them) as they are
    y_ref, t_ref = osc.jvp(g, (flat,), (_ravel(v),))
    np.testing.assert_allclose([y, t], [y_ref, t_ref], rtol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_linearize(case):
    x, kw, point, g, flat = _setup(case)
    v, w = _direction(point, 3), _direction(point, 4)
    vector_out = lambda *a: {"s": case[1](*a), "v": np.tanh(_ravel(a[0]))}  # noqa: E731 - a pytree output
    y, jvp_fn = osc.linearize(vector_out, x, **kw)
    _, lin = osc.linearize(g, flat)
    _, scalar_fn = osc.linearize(case[1], x, **kw)
    np.testing.assert_allclose(scalar_fn(v), lin(_ravel(v)), rtol=1e-12, atol=1e-12)
    batch = tree_map(lambda a, b: np.stack([a, b]), v, w)
    np.testing.assert_allclose(scalar_fn.batch(batch), lin.batch(np.stack([_ravel(v), _ravel(w)])),
                               rtol=1e-12, atol=1e-12)
    assert set(y) == {"s", "v"} and set(jvp_fn(v)) == {"s", "v"}
    np.testing.assert_allclose(jvp_fn(v)["s"], scalar_fn(v), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_taylor_and_derivatives_along(case):
    x, kw, point, g, flat = _setup(case)
    v, w = _direction(point, 5), _direction(point, 6)
    s = osc.taylor(case[1], x, [v, w], order=3, **kw)
    ref = osc.taylor(g, flat, [_ravel(v), _ravel(w)], order=3)
    np.testing.assert_allclose(np.array(s), np.array(ref), rtol=1e-12, atol=1e-12)
    line = osc.taylor(case[1], x, v, order=3, **kw)  # one tree of the point's structure: the line x + t v
    np.testing.assert_allclose(np.array(line), np.array(osc.taylor(g, flat, _ravel(v), order=3)),
                               rtol=1e-12, atol=1e-12)
    d = osc.derivatives_along(case[1], x, v, 4, **kw)
    np.testing.assert_allclose(d, osc.derivatives_along(g, flat, _ravel(v), 4), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("method", ["dense-chunks", "taylor", "coloring", "auto"])
def test_hessian_diagonal(case, method):
    x, kw, point, g, flat = _setup(case)
    d = osc.hessian_diagonal(case[1], x, method, **kw)
    assert tree_flatten(d)[1] == tree_flatten(point)[1]
    _same(d, osc.hessian_diagonal(g, flat, method))
    est = osc.hessian_diagonal(case[1], x, method, full_output=True, **kw)
    _same(est.estimate, _ravel(d))
    assert tree_flatten(est.std_error)[1] == tree_flatten(point)[1]


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("staged", [True, False])
def test_sparse_hessian_is_over_the_raveled_point(case, staged):
    x, kw, point, g, flat = _setup(case)
    dense = osc.hessian(g)(flat)
    plan = osc.sparse_hessian(case[1], x, staged=staged, **kw)
    np.testing.assert_allclose(plan(x).toarray(), dense, rtol=1e-12, atol=1e-12)
    later = osc.sparse_hessian(case[1], staged=staged, **kw)  # prepared at its first point
    np.testing.assert_allclose(later(x).toarray(), osc.sparse_hessian(g, staged=staged)(flat).toarray(),
                               rtol=1e-12, atol=1e-12)


def test_sparse_hessian_restages_for_other_data():
    f = lambda x, c: np.sum(c * x[1:] * x[:-1])  # noqa: E731
    x = np.arange(1.0, 5.0)
    plan = osc.sparse_hessian(f, (x, np.ones(3)), argnums=0)
    np.testing.assert_array_equal(plan((x, np.ones(3))).toarray(), osc.hessian(f)(x, np.ones(3)))
    c = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(plan((x, c)).toarray(), osc.hessian(f)(x, c))
    with pytest.raises(ValueError, match="structure"):
        osc.sparse_hessian(lambda p: np.sum(p["a"] ** 2), {"a": np.ones(2)})({"b": np.ones(2)})


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("mode", ["fwd-fwd", "fwd-rev"])
def test_symmetric_hessian_blocks(case, mode):
    x, kw, point, g, flat = _setup(case)
    argnums = kw.get("argnums", 0)
    args = x if "argnums" in kw else (x,)
    H = osc.hessian(case[1], argnums=argnums, mode=mode, symmetric=True)(*args)
    dense = osc.hessian(case[1], argnums=argnums, mode=mode)(*args)
    ref = osc.hessian(g, mode=mode, symmetric=True)(flat).to_dense()
    assert tree_flatten(H)[1] == tree_flatten(dense)[1]
    for block, other in zip(tree_flatten(H)[0], tree_flatten(dense)[0]):
        assert np.shape(block) == np.shape(other)
    np.testing.assert_allclose(np.concatenate([np.ravel(b) for b in tree_flatten(H)[0]]),
                               np.concatenate([np.ravel(b) for b in tree_flatten(dense)[0]]), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.sort(np.concatenate([np.ravel(b) for b in tree_flatten(H)[0]])),
                               np.sort(np.ravel(ref)), rtol=1e-12, atol=1e-12)


AUX = {"note": np.arange(3), "label": "x"}


def _with_aux(p):
    return _scalar(p), {"note": AUX["note"], "first": tree_flatten(p)[0][0], "label": AUX["label"]}


def _check_aux(aux, point):
    assert aux["label"] == "x" and aux["note"] is AUX["note"]
    first = aux["first"]
    assert type(first) is np.ndarray  # the value itself, no tracer
    np.testing.assert_array_equal(first, tree_flatten(point)[0][0])


@pytest.mark.parametrize("mode", osc.HVP_MODES)
def test_has_aux_hvp(mode):
    x = {"w": A, "b": B}
    v = _direction(x, 7)
    hv, aux = osc.hvp(_with_aux, x, v, mode, has_aux=True)
    _check_aux(aux, x)
    _same(hv, _ravel(osc.hvp(_scalar, x, v, mode)))
    hv, aux = osc.hvp(lambda c, p: (c * _scalar(p), c), (2.0, x), v, mode, argnums=1, has_aux=True)
    assert aux == 2.0
    _same(hv, 2.0 * _ravel(osc.hvp(_scalar, x, v, mode)))


def test_has_aux_jvp_linearize_taylor():
    x = {"w": A, "b": B}
    v = _direction(x, 8)
    y, t, aux = osc.jvp(_with_aux, (x,), (v,), has_aux=True)
    _check_aux(aux, x)
    assert (y, t) == osc.jvp(_scalar, (x,), (v,))
    y, jvp_fn, aux = osc.linearize(_with_aux, x, has_aux=True)
    _check_aux(aux, x)
    assert y == _scalar(x)
    np.testing.assert_allclose(jvp_fn(v), t, rtol=1e-12)
    s, aux = osc.taylor(_with_aux, x, [v], order=2, has_aux=True)
    _check_aux(aux, x)
    np.testing.assert_array_equal(np.array(s), np.array(osc.taylor(_scalar, x, [v], order=2)))
    for call in (lambda: osc.jvp(_scalar, (x,), (v,), has_aux=True), lambda: osc.hvp(_scalar, x, v, has_aux=True),
                 lambda: osc.linearize(_scalar, x, has_aux=True), lambda: osc.taylor(_scalar, x, [v], has_aux=True)):
        with pytest.raises(TypeError, match="pair"):
            call()


def test_has_aux_inside_grad():
    # the aux of an inner evaluation is the value at the inner point: a tracer of the outer grad only
    def outer(s):
        hv, aux = osc.hvp(lambda p: (np.sum(p["a"] ** 3), p["a"]), {"a": s * np.ones(2)}, {"a": np.ones(2)},
                          has_aux=True)
        return np.sum(hv["a"]) + np.sum(aux)

    np.testing.assert_allclose(osc.grad(outer)(1.5), 12.0 + 2.0)


def test_a_direction_of_the_wrong_structure_is_named():
    x = {"w": A, "b": B}
    bad = {"w": A}
    calls = [
        lambda: osc.hvp(_scalar, x, bad),
        lambda: osc.vhv(_scalar, x, bad),
        lambda: osc.linearize(_scalar, x)[1](bad),
        lambda: osc.hvp(_with_data, (A, np.ones(2), 3, "sum"), (np.ones(2),), argnums=1),
        lambda: osc.hvp(lambda x, c, y: c * _scalar((x, y)), (B, 2.0, A), B, argnums=(0, 2)),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="must have the structure of the differentiated argument"):
            call()
    with pytest.raises(ValueError, match="leaf #1 of the direction v has shape"):
        osc.hvp(_scalar, x, {"w": B, "b": B})
    with pytest.raises(ValueError, match="leaf #0 of the tangents has shape"):
        osc.linearize(_scalar, x)[1].batch({"w": A, "b": B})
    with pytest.raises(ValueError, match="structure"):
        osc.taylor(_scalar, x, [bad])
    with pytest.raises(ValueError, match="structure"):
        osc.derivatives_along(_scalar, x, bad, 2)


def test_argnums_errors():
    f = lambda x, c: c * np.sum(x ** 2)  # noqa: E731
    with pytest.raises(TypeError, match="tuple of all positional arguments"):
        osc.hvp(f, np.ones(2), np.ones(2), argnums=0)
    with pytest.raises(TypeError, match="argnums=2 but f was called with 2"):
        osc.hessian_diagonal(f, (np.ones(2), 1.0), argnums=2)
    for call in (lambda bad: osc.hvp(f, (np.ones(2), 1.0), np.ones(2), argnums=bad),
                 lambda bad: osc.taylor(f, (np.ones(2), 1.0), [np.ones(2)], argnums=bad),
                 lambda bad: osc.sparse_hessian(f, (np.ones(2), 1.0), argnums=bad)):
        for bad in ("a", (), True, 1.5):
            with pytest.raises(TypeError, match=r"^argnums must be an int or a non-empty tuple of ints, got "):
                call(bad)


def test_one_array_calls_unchanged():
    f = lambda x: x[0] ** 2 * x[1] + np.sum(np.sin(x))  # noqa: E731
    x, v = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    H = osc.hessian(f)(x)
    for mode in osc.HVP_MODES:
        np.testing.assert_allclose(osc.hvp(f, [1.0, 2.0], [0.5, -1.0], mode), H @ v, rtol=1e-12)
    np.testing.assert_allclose(osc.hvp(f, x, v, argnums=None), H @ v, rtol=1e-12)
    np.testing.assert_array_equal(osc.hvp(lambda x, c: c * f(x), (x, 2.0), v, argnums=0), 2.0 * osc.hvp(f, x, v))
    np.testing.assert_allclose(osc.hessian_diagonal(f, [1.0, 2.0]), np.diag(H), rtol=1e-12)
    with pytest.raises(ValueError, match="shape"):
        osc.hvp(f, x, np.ones(3))
    with pytest.raises(ValueError, match="unknown mode"):
        osc.hvp(f, x, v, "sideways")
    with pytest.raises(TypeError, match="scalar"):
        osc.hvp(lambda x: x, x, v)
