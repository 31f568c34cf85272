"""Solvers and curvature tools at pytree points (issue 17): minimize (every
method), least_squares, curvature, hessian_operator and eigenvalues with a
dict of weights give the numbers of the same call on the raveled vector
(to 1e-10) and return the point's structure; argnums and has_aux of
hessian_operator and curvature follow jacfwd's convention."""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np
import pytest

import osculate as osc
from osculate.analysis import curvature
from osculate.linop import eigenvalues, hessian_operator
from osculate.linop.operators import FlatPoint, is_array_point
from osculate.optim import METHODS, least_squares, minimize
from osculate.ad.tree import tree_flatten

RNG = np.random.default_rng(1717)
X = RNG.normal(size=(12, 3))
Y = np.tanh(X @ RNG.normal(size=(3, 2)))  # targets of a small 2-layer network

# a small 2-layer network: 3 inputs, 2 hidden units (tanh), 2 outputs
PARAMS = {
    "W1": 0.3 * RNG.normal(size=(3, 2)),
    "b1": 0.1 * RNG.normal(size=2),
    "W2": 0.3 * RNG.normal(size=(2, 2)),
    "b2": np.zeros(2),
}


def net(p, x):
    return np.tanh(x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]


def loss(p):
    r = net(p, X) - Y
    return 0.5 * np.mean(np.sum(r * r, axis=1)) + 1e-2 * sum(np.sum(p[k] ** 2) for k in ("W1", "W2", "b1", "b2"))


FLAT0, UNRAVEL = osc.ravel_pytree(PARAMS)


def flat_loss(v):
    return loss(UNRAVEL(v))


def _same_structure(tree, like):
    assert tree_flatten(tree)[1] == tree_flatten(like)[1]
    for a, b in zip(tree_flatten(tree)[0], tree_flatten(like)[0]):
        assert np.shape(a) == np.shape(b)


def _close(tree, flat):
    np.testing.assert_allclose(osc.ravel_pytree(tree)[0], flat, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("method", [m for m in METHODS if m != "natural-gradient"])
def test_minimize_dict_matches_flat(method):
    opts = dict(maxiter=25)
    res_t = minimize(loss, PARAMS, method=method, **opts)
    res_f = minimize(flat_loss, FLAT0, method=method, **opts)
    _same_structure(res_t.x, PARAMS)
    _same_structure(res_t.grad, PARAMS)
    assert res_t.jac is res_t.grad
    _close(res_t.x, res_f.x)
    _close(res_t.grad, res_f.grad)
    assert res_t.fun == pytest.approx(res_f.fun, rel=1e-10, abs=1e-14)
    assert (res_t.nit, res_t.status, res_t.success) == (res_f.nit, res_f.status, res_f.success)


def test_minimize_natural_gradient_and_user_derivatives_take_trees():
    fisher = lambda x, v: 2.0 * v  # noqa: E731  (flat vectors, ravel order)
    f = lambda p: np.sum((p["a"] - 1.0) ** 2) + np.sum((p["b"] + 2.0) ** 2)  # noqa: E731
    x0 = {"a": np.zeros((2, 2)), "b": np.zeros(3)}
    res = minimize(f, x0, method="natural-gradient", fisher=fisher, damping=1e-8)
    assert res.success
    np.testing.assert_allclose(res.x["a"], np.ones((2, 2)), atol=1e-8)
    np.testing.assert_allclose(res.x["b"], -2.0 * np.ones(3), atol=1e-8)
    seen = []
    grad = lambda p: {"a": 2 * (p["a"] - 1.0), "b": 2 * (p["b"] + 2.0)}  # noqa: E731
    hvp = lambda p, v: {"a": 2 * v["a"], "b": 2 * v["b"]}  # noqa: E731
    for kw in (dict(grad=grad, hvp=hvp), dict(grad=grad, hess=lambda p: 2.0 * np.eye(7))):
        res = minimize(f, x0, method="newton", callback=lambda xk: seen.append(xk), **kw)
        assert res.success and set(res.x) == {"a", "b"} and res.nit == 1
        np.testing.assert_allclose(res.x["b"], -2.0 * np.ones(3))
    assert all(set(x) == {"a", "b"} for x in seen)
    with pytest.raises(ValueError, match="grad"):
        minimize(f, x0, grad=lambda p: {"a": p["a"]})


def test_minimize_structures_and_old_calls():
    @dataclasses.dataclass
    class Params:
        w: np.ndarray
        c: float

    class Pair(NamedTuple):
        u: np.ndarray
        v: np.ndarray

    f = lambda p: np.sum((p.w - 3.0) ** 2) + (p.c - 1.0) ** 2  # noqa: E731
    res = minimize(f, Params(np.zeros(2), 0), method="bfgs")
    assert isinstance(res.x, Params) and res.x.w.shape == (2,) and np.shape(res.x.c) == ()
    assert float(res.x.c) == pytest.approx(1.0)  # an int leaf still gives a float result
    g = lambda p: np.sum((p.u - 1.0) ** 2) + np.sum(p.v ** 4 + p.v ** 2)  # noqa: E731
    res = minimize(g, Pair(np.zeros((2, 2)), np.ones(3)), method="trust-exact")
    assert isinstance(res.x, Pair) and res.success
    res = minimize(lambda t: np.sum((t[0] - 1.0) ** 2) + np.sum(t[1] ** 2), (np.zeros(2), np.ones((1, 2))))
    assert isinstance(res.x, tuple) and res.x[1].shape == (1, 2)
    # a list or tuple of numbers is still one array
    for x0 in ([1.0, 2.0], (1.0, 2.0)):
        res = minimize(lambda x: np.sum(x ** 2), x0)
        assert isinstance(res.x, np.ndarray) and res.x.shape == (2,)
    with pytest.raises(TypeError, match="Objective"):
        minimize(osc.optim.Objective(lambda x: np.sum(x ** 2)), {"a": np.ones(2)})


def test_minimize_jit_and_intermediate_result():
    got = []

    def cb(intermediate_result):
        got.append(intermediate_result)

    res_t = minimize(loss, PARAMS, method="trust-ncg", jit=True, callback=cb, maxiter=5)
    res_f = minimize(flat_loss, FLAT0, method="trust-ncg", maxiter=5)
    _close(res_t.x, res_f.x)
    assert got and all(set(r.x) == set(PARAMS) and set(r.grad) == set(PARAMS) for r in got)


def test_least_squares_dict_matches_flat():
    def resid(p):
        return (net(p, X) - Y).ravel()

    for method in ("lm", "gauss-newton"):
        for jac_mode in ("dense", "matvec"):
            res_t = least_squares(resid, PARAMS, method=method, jac_mode=jac_mode, max_nfev=30)
            res_f = least_squares(lambda v: resid(UNRAVEL(v)), FLAT0, method=method, jac_mode=jac_mode, max_nfev=30)
            _same_structure(res_t.x, PARAMS)
            _same_structure(res_t.grad, PARAMS)
            _close(res_t.x, res_f.x)
            _close(res_t.grad, res_f.grad)
            np.testing.assert_allclose(res_t.fun, res_f.fun, rtol=1e-10, atol=1e-12)
            assert res_t.cost == pytest.approx(res_f.cost, rel=1e-10)
            assert (res_t.nfev, res_t.status) == (res_f.nfev, res_f.status)


def test_least_squares_pytree_residuals_user_jac_and_callback():
    t = np.linspace(0.0, 1.0, 15)
    y = 2.0 * np.exp(-1.5 * t)

    def resid(p):
        return {"fit": p["a"] * np.exp(-p["k"] * t) - y, "pull": 1e-6 * (p["k"] - 1.5)}

    def flat_resid(v):
        return np.concatenate([v[0] * np.exp(-v[1] * t) - y, np.atleast_1d(1e-6 * (v[1] - 1.5))])  # keys sorted

    seen = []
    res_t = least_squares(resid, {"a": 1.0, "k": 1.0}, callback=seen.append)
    res_f = least_squares(flat_resid, np.array([1.0, 1.0]))
    assert res_t.success and res_t.fun.shape == (16,) and res_t.jac.shape == (16, 2)
    np.testing.assert_allclose([res_t.x["a"], res_t.x["k"]], res_f.x, rtol=1e-10)
    np.testing.assert_allclose(res_t.fun, res_f.fun, rtol=1e-10, atol=1e-14)
    assert seen and all(set(s) == {"a", "k"} for s in seen)

    # a pytree of residuals with an array x0; a user jac taking the tree
    res = least_squares(lambda b: {"r": b[0] * np.exp(-b[1] * t) - y}, np.array([1.0, 1.0]))
    np.testing.assert_allclose(res.x, [2.0, 1.5], rtol=1e-8)
    jac = lambda p: np.stack([np.exp(-p["k"] * t), -p["a"] * t * np.exp(-p["k"] * t)], axis=1)  # noqa: E731
    res = least_squares(lambda p: p["a"] * np.exp(-p["k"] * t) - y, {"a": 1.0, "k": 1.0}, jac=jac)
    assert res.success and float(res.x["k"]) == pytest.approx(1.5, rel=1e-8)


def test_hessian_operator_dict_matches_flat():
    op_t = hessian_operator(loss, PARAMS)
    op_f = hessian_operator(flat_loss, FLAT0)
    assert op_t.shape == op_f.shape == (FLAT0.size, FLAT0.size)
    np.testing.assert_allclose(op_t.to_dense(), op_f.to_dense(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(op_t.gradient, op_f.gradient, rtol=1e-10, atol=1e-12)
    assert op_t.value == pytest.approx(float(op_f.value), rel=1e-12)
    np.testing.assert_array_equal(op_t.x, FLAT0)
    v = RNG.normal(size=FLAT0.size)
    hv = op_t.unravel(op_t @ v)
    _same_structure(hv, PARAMS)
    np.testing.assert_allclose(op_t.ravel(hv), op_f @ v, rtol=1e-10)
    assert op_t.point is PARAMS
    dense = osc.hessian(loss)(PARAMS)["W1"]["b2"]  # the block agrees with hessian's dict of dicts
    np.testing.assert_allclose(op_t.unravel(op_t.to_dense()[:, FLAT0.size - 2])["W1"], dense[:, :, 0], atol=1e-12)
    op_r = hessian_operator(loss, PARAMS, reuse=False)
    np.testing.assert_allclose(op_r @ v, op_f @ v, rtol=1e-10)
    # an array point keeps the old attributes
    assert hessian_operator(flat_loss, FLAT0).unravel is None


def test_hessian_operator_argnums_and_has_aux():
    def nll(p, x, y):
        z = x @ p["w"] + p["b"]
        return np.sum(np.log1p(np.exp(z)) - y * z)

    yb = (Y[:, 0] > 0).astype(float)
    p = {"w": np.array([0.2, -0.1, 0.3]), "b": np.array(0.1)}
    op = hessian_operator(nll, (p, X, yb), argnums=0)
    ref = osc.hessian(lambda v: nll(osc.ravel_pytree(p)[1](v), X, yb))(osc.ravel_pytree(p)[0])
    np.testing.assert_allclose(op.to_dense(), ref, rtol=1e-12)
    op2 = hessian_operator(lambda w, c, x: c * np.sum(np.sin(x @ w)), (np.ones(3), 2.0, X), argnums=(0, 1))
    assert op2.shape == (4, 4) and isinstance(op2.unravel(np.arange(4.0)), tuple)
    op3, aux = hessian_operator(lambda w, c: (c * np.sum(w ** 3), {"norm": np.sum(w ** 2)}),
                                (np.ones(2), 2.0), argnums=0, has_aux=True)
    assert float(aux["norm"]) == 2.0
    np.testing.assert_allclose(op3.to_dense(), 12.0 * np.eye(2))
    op4, aux = hessian_operator(lambda w: (np.sum(w ** 4), "note"), np.ones(2), has_aux=True)
    assert aux == "note" and op4.unravel is None
    np.testing.assert_allclose(op4.to_dense(), 12.0 * np.eye(2))
    with pytest.raises(TypeError, match="tuple of all positional arguments"):
        hessian_operator(lambda w: np.sum(w), np.ones(2), argnums=0)
    with pytest.raises(TypeError, match="argnums"):
        hessian_operator(lambda w: np.sum(w), (np.ones(2),), argnums=3)
    with pytest.raises(TypeError, match="pair"):
        hessian_operator(lambda w: np.sum(w), np.ones(2), has_aux=True)


def test_eigenvalues_dict_matches_flat():
    op_t = hessian_operator(loss, PARAMS)
    op_f = hessian_operator(flat_loss, FLAT0)
    for method in ("lanczos", "dense", "eigsh"):
        r_t = eigenvalues(op_t, k=3, which="BE", method=method, seed=3)
        r_f = eigenvalues(op_f, k=3, which="BE", method=method, seed=3)
        np.testing.assert_allclose(r_t.values, r_f.values, rtol=1e-10, atol=1e-12)
        assert r_f.vector_trees is None and len(r_t.vector_trees) == 3
        for i, tree in enumerate(r_t.vector_trees):
            _same_structure(tree, PARAMS)
            np.testing.assert_allclose(osc.ravel_pytree(tree)[0], r_t.vectors[:, i])
    assert "vector_trees" not in r_t.to_dict()


def test_curvature_dict_matches_flat():
    res = minimize(loss, PARAMS, method="trust-exact")
    assert res.success
    for method in ("dense", "lanczos"):
        rep_t = curvature(loss, res.x, method=method, k=2)
        rep_f = curvature(flat_loss, osc.ravel_pytree(res.x)[0], method=method, k=2)
        assert rep_t.classification == rep_f.classification
        np.testing.assert_allclose(rep_t.eigenvalues, rep_f.eigenvalues, rtol=1e-10, atol=1e-12)
        assert rep_t.gradient_norm == pytest.approx(rep_f.gradient_norm, rel=1e-8, abs=1e-14)
        _same_structure(rep_t.x, PARAMS)
        _same_structure(rep_t.gradient, PARAMS)
        _close(rep_t.gradient, rep_f.gradient)
        assert rep_t.eigenvectors.shape[0] == FLAT0.size
    assert "strict local minimum" in rep_t.classification
    point = osc.classify_point(loss, res.x)
    assert set(point.x) == set(PARAMS) and "minimum" in point.classification


def test_curvature_argnums_and_has_aux():
    f = lambda w, c, data: c * np.sum((data @ w) ** 2) + np.sum(w ** 4)  # noqa: E731
    w = np.array([0.5, -0.2, 0.1])
    rep = curvature(f, (w, 2.0, X), argnums=0)
    ref = curvature(lambda w: f(w, 2.0, X), w)
    np.testing.assert_allclose(rep.eigenvalues, ref.eigenvalues, rtol=1e-12)
    np.testing.assert_array_equal(rep.x, w)
    rep2 = curvature(f, (w, 2.0, X), argnums=(0, 1))
    assert isinstance(rep2.x, tuple) and rep2.n == 4
    rep3, aux = curvature(lambda p: (np.sum(p["a"] ** 2), "aux"), {"a": np.zeros(2)}, has_aux=True)
    assert aux == "aux" and rep3.classification == "strict local minimum" and set(rep3.x) == {"a"}
    point, aux = osc.classify_point(lambda p, c: (np.sum((p["a"] - c) ** 2), c), ({"a": np.ones(2)}, 1.0),
                                    argnums=0, has_aux=True)
    assert aux == 1.0 and point.classification == "strict local minimum" and set(point.x) == {"a"}


def test_is_array_point_and_flat_point():
    assert is_array_point(np.ones(2)) and is_array_point(1.0) and is_array_point([[1.0, 2.0], [3.0, 4.0]])
    assert not is_array_point({"a": 1.0}) and not is_array_point([np.ones(2)]) and not is_array_point(None)
    fp = FlatPoint({"b": np.array([1, 2]), "a": 0.5})
    assert fp.flat.dtype == np.float64 and fp.size == 3
    assert fp.unravel(np.array([1.5, 2.5, 3.5]))["b"].dtype == np.float64
    with pytest.raises(ValueError, match="structure"):
        fp.ravel({"b": np.ones(2)})
    with pytest.raises(TypeError, match="complex"):
        FlatPoint({"a": np.ones(2) * 1j})
