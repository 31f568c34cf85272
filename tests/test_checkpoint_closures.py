"""``osc.checkpoint`` of a function that closes over values traced by the
enclosing derivative (a layer's weights): the closed-over values become extra
inputs of the checkpoint (the function is staged once per call to find them),
so every nesting, vmap and jit give the derivatives of the plain function.
Without closures the function runs as before (Python control flow on values
allowed); with both, one clear error."""

from __future__ import annotations

import numpy as np
import pytest

import osculate as osc

RNG = np.random.default_rng(11)


def _mlp(checkpointed):
    def f(params, x):
        w1, w2 = params["w1"], params["w2"]

        def layer(h):  # closes over w1 (traced when params are differentiated)
            return np.tanh(h @ w1)

        layer = osc.checkpoint(layer) if checkpointed else layer
        return np.sum((layer(x) @ w2) ** 2)

    return f


def _params():
    return {"w1": RNG.standard_normal((3, 4)) * 0.5, "w2": RNG.standard_normal(4)}


def test_gradients_and_every_hvp_nesting_through_closed_over_weights():
    x = RNG.standard_normal((5, 3))
    p, v = _params(), _params()
    plain, ckpt = _mlp(False), _mlp(True)
    g0, g1 = osc.grad(plain)(p, x), osc.grad(ckpt)(p, x)
    for k in p:
        np.testing.assert_allclose(g1[k], g0[k], rtol=1e-12, atol=1e-14)
    for mode in ("fwd-rev", "rev-fwd", "rev-rev", "fwd-fwd"):
        h0 = osc.hvp(lambda q: plain(q, x), p, v, mode=mode)
        h1 = osc.hvp(lambda q: ckpt(q, x), p, v, mode=mode)
        for k in p:
            np.testing.assert_allclose(h1[k], h0[k], rtol=1e-11, atol=1e-13, err_msg=mode)


def test_closures_in_the_input_too_and_under_jit_and_vmap():
    def f(z, closing):
        inner = osc.checkpoint(lambda h: np.sin(h * z[0]) + z[1:] ** 2) if closing else (
            lambda h: np.sin(h * z[0]) + z[1:] ** 2)
        return np.sum(inner(z[1:]) ** 2)

    z = RNG.standard_normal(6)
    want = osc.hessian(lambda q: f(q, False))(z)
    np.testing.assert_allclose(osc.hessian(lambda q: f(q, True))(z), want, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(osc.jit(osc.grad(lambda q: f(q, True)))(z), osc.grad(lambda q: f(q, False))(z),
                               rtol=1e-12)
    zs = RNG.standard_normal((3, 6))
    np.testing.assert_allclose(osc.vmap(osc.grad(lambda q: f(q, True)))(zs),
                               osc.vmap(osc.grad(lambda q: f(q, False)))(zs), rtol=1e-12)


def test_closed_over_values_inside_containers_and_nested_functions():
    def f(z):
        weights = [z[0], {"b": z[1]}]

        def scale(h):
            return h * weights[1]["b"]

        return np.sum(osc.checkpoint(lambda h: np.exp(scale(h) * weights[0]))(z) ** 2)

    def plain(z):
        return np.sum(np.exp(z * z[1] * z[0]) ** 2)

    z = RNG.uniform(-0.5, 0.5, 4)
    np.testing.assert_allclose(osc.hessian(f)(z), osc.hessian(plain)(z), rtol=1e-11, atol=1e-13)


def test_without_closures_python_control_flow_still_works():
    layer = osc.checkpoint(lambda h: h ** 2 if np.sum(h) > 0 else -h)
    x = np.array([0.5, 1.0])
    np.testing.assert_allclose(osc.grad(lambda z: np.sum(layer(z)))(x), 2 * x)
    np.testing.assert_allclose(osc.grad(lambda z: np.sum(layer(z)))(-x), -np.ones(2))


def test_closures_and_control_flow_on_values_give_one_clear_error():
    def f(z):
        layer = osc.checkpoint(lambda h: h * z[0] if np.sum(h) > 0 else h)
        return np.sum(layer(z))

    with pytest.raises(TypeError, match="closes over traced values.*pass those values as arguments"):
        osc.grad(f)(np.array([0.5, 1.0]))


def test_a_staged_function_is_not_kept_by_the_rule_caches():
    """Each call stages its own function; the caches of the checkpoint's rules
    skip those (they would keep the staged constants alive), and keep serving
    plain functions."""
    from osculate.ad import remat

    big = RNG.standard_normal(2000)

    def f(z):
        return np.sum(osc.checkpoint(lambda h: np.sin(h * z[0]) * big)(z) ** 2)

    caches = (remat._jvp_of, remat._vjp_of, remat._vmapped)
    before = [c.cache_info().currsize for c in caches]
    for mode in ("fwd-rev", "rev-fwd", "rev-rev"):
        osc.hvp(f, np.full(2000, 0.1), np.ones(2000), mode=mode)
    assert [c.cache_info().currsize for c in caches] == before
    layer = osc.checkpoint(np.tanh)  # no closure: cached as before
    osc.hvp(lambda z: np.sum(layer(z) ** 2), np.full(3, 0.1), np.ones(3))
    assert sum(c.cache_info().currsize for c in caches) > sum(before)
