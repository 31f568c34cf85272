"""The transformations: HVPs in four nestings, Hessians, Jacobians, higher
derivatives by nesting, perturbation confusion, argnums/has_aux/pytrees,
dtypes, control flow, custom rules, stop_gradient, IEEE special values,
threads and memory."""

from __future__ import annotations

import gc
import threading
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import special

import osculate as osc
import osculate.numpy as osc_np
from osculate.ad import core

from _cases import softplus_rule

MODES = osc.HVP_MODES


def d_fwd(f):
    """Derivative of a scalar function of a scalar by one forward pass."""
    return lambda x: osc.jvp(f, (x,), (np.ones_like(x),))[1]


D = {"f": d_fwd, "r": osc.grad}


# --------------------------------------------------------------------------- random composite functions

SMOOTH_UNARY = [np.sin, np.cos, np.tanh, np.arctan, special.expit, special.erf, osc_np.softplus,
                lambda z: np.exp(np.sin(z)), lambda z: np.sqrt(1.0 + z * z), lambda z: np.log1p(z * z)]
SMOOTH_BINARY = [np.multiply, np.add, np.subtract, np.logaddexp,
                 lambda a, b: a / (1.0 + b * b), lambda a, b: np.arctan2(a, 2.0 + np.cos(b))]


@st.composite
def composites(draw):
    """A random program over a vector input: a chain of smooth elementwise
    operations on ``x``, ``A @ x`` and ``roll(x)``, reduced to a scalar."""
    n = draw(st.integers(1, 4))
    steps = []
    for i in range(draw(st.integers(1, 6))):
        src = st.integers(0, i + 2)
        if draw(st.booleans()):
            steps.append((0, draw(st.integers(0, len(SMOOTH_UNARY) - 1)), draw(src), 0))
        else:
            steps.append((1, draw(st.integers(0, len(SMOOTH_BINARY) - 1)), draw(src), draw(src)))
    floats = st.floats(-1.5, 1.5, allow_nan=False, width=64)
    x = np.array(draw(st.lists(floats, min_size=n, max_size=n)))
    v = np.array(draw(st.lists(floats, min_size=n, max_size=n)))
    seed = draw(st.integers(0, 2**16))
    return steps, x, v, seed


def build(steps, n, seed):
    r = np.random.default_rng(seed)
    a = r.standard_normal((n, n)) / np.sqrt(n)
    w = r.standard_normal(n)

    def f(x):
        vals = [x, a @ x, np.roll(x, 1)]
        for kind, k, i, j in steps:
            vals.append(SMOOTH_UNARY[k](vals[i]) if kind == 0 else SMOOTH_BINARY[k](vals[i], vals[j]))
        return np.sum(w * vals[-1]) + 0.5 * np.sum(vals[-1] * vals[-2]) + np.prod(np.cos(x))

    return f


# (the one fixture the property tests take, assert_rel, is a stateless function:
# sharing it between examples is safe)
hyp = settings(max_examples=20, derandomize=True, deadline=None, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@hyp
@given(composites())
def test_all_hvp_modes_agree_on_random_composites(assert_rel, prog):
    steps, x, v, seed = prog
    f = build(steps, x.size, seed)
    ref = osc.hvp(f, x, v, mode="fwd-rev")
    for m in MODES:
        assert_rel(osc.hvp(f, x, v, mode=m), ref, 1e-10)


@hyp
@given(composites())
def test_hessian_vhv_and_hvp_are_consistent_on_random_composites(assert_rel, prog):
    steps, x, v, seed = prog
    f = build(steps, x.size, seed)
    n = x.size
    for m in MODES:
        h = osc.hessian(f, mode=m)(x)
        assert np.array_equal(h, h.T), f"hessian({m}) is not exactly symmetric"
        cols = np.stack([osc.hvp(f, x, e, mode=m) for e in np.eye(n)], axis=1)
        assert_rel(h, cols, 1e-10)
        assert_rel(osc.vhv(f, x, v), v @ h @ v, 1e-10)
    assert_rel(osc.jacfwd(osc.grad(f))(x), osc.jacrev(osc.grad(f))(x), 1e-10)


def test_hvp_modes_on_fixed_functions(rng, assert_rel):
    x = rng.uniform(0.5, 1.5, 5)
    v = rng.standard_normal(5)
    a = rng.standard_normal((5, 5))
    for f in [
        lambda x: np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2),
        lambda x: osc_np.logsumexp(a @ x) + np.sum(x * np.log(x)),
        lambda x: np.linalg.slogdet(np.outer(x, x) + np.diag(x) + 5 * np.eye(5))[1],
        lambda x: np.sum(np.linalg.solve(a @ a.T + np.diag(x), x) ** 2),
        lambda x: np.max(np.cumsum(np.sort(x))) * np.prod(x[::2]),
    ]:
        h = osc.hessian(f)(x)
        for m in MODES:
            assert_rel(osc.hvp(f, x, v, mode=m), h @ v, 1e-10)


def test_hessian_of_squared_norm_is_2I_to_a_few_ulps(rng):
    x = rng.standard_normal(4)
    for f in [lambda x: np.sum(x**2), lambda x: x @ x, lambda x: np.dot(x, x), lambda x: np.sum(np.square(x)),
              lambda x: np.linalg.norm(x) ** 2]:
        for m in MODES:
            h = osc.hessian(f, mode=m)(x)
            assert np.array_equal(h, h.T)
            assert np.all(np.abs(h - 2 * np.eye(4)) <= 4 * np.spacing(2.0)), (m, h - 2 * np.eye(4))


def test_hessian_shapes_for_0d_and_matrix_inputs(assert_rel):
    assert osc.hessian(lambda x: x**4)(np.float64(2.0)) == 48.0
    X = np.array([[0.1, 0.2], [0.3, -0.4]])
    f = lambda x: np.sum(np.sin(x) * np.roll(x, 1) ** 2) + np.prod(x)  # noqa: E731
    for m in MODES:
        h = osc.hessian(f, mode=m)(X)
        assert h.shape == (2, 2, 2, 2)
        assert np.array_equal(h.reshape(4, 4), h.reshape(4, 4).T)
        assert_rel(h.reshape(4, 4), osc.jacrev(osc.grad(f))(X).reshape(4, 4), 1e-12)


def test_jacfwd_equals_jacrev(rng, assert_rel):
    X = rng.standard_normal((3, 2))
    for f in [lambda x: np.tanh(x @ x.T), lambda x: np.cumprod(x, axis=0), lambda x: np.sum(x**3, axis=1),
              lambda x: np.linalg.inv(x.T @ x + np.eye(2)), np.sin]:
        jf, jr = osc.jacfwd(f)(X), osc.jacrev(f)(X)
        assert jf.shape == np.shape(f(X)) + X.shape
        assert_rel(jf, jr, 1e-12)
    assert osc.jacfwd(np.sin)(np.float64(0.3)) == osc.jacrev(np.sin)(np.float64(0.3)) == np.cos(0.3)


# --------------------------------------------------------------------------- higher order by nesting


@pytest.mark.parametrize("combo", ["rrrr", "ffff", "frfr", "rffr", "rfrf", "ffrr", "rrff", "fffr", "rrrf"])
def test_fourth_derivative_of_sin_is_sin(combo, assert_rel):
    g = np.sin
    for c in combo:
        g = D[c](g)
    for x in (0.7, -1.3, 2.0):
        assert_rel(g(np.float64(x)), np.sin(x), 1e-14)


def test_third_derivatives_and_mixed_partials(assert_rel):
    f = lambda x: x[0] ** 3 * x[1] ** 2 + np.exp(x[0] * x[1])  # noqa: E731
    x = np.array([0.4, -0.7])
    # d3f/dx0^2 dx1 = 12 x0 x1 + (x1^2 * x0 * x1 ... ) via sympy-free closed form:
    a, b = x
    expected = 12 * a * b + np.exp(a * b) * (2 * b + a * b * b)
    e0, e1 = np.eye(2)
    d2 = lambda y: osc.vhv(f, y, e0)  # noqa: E731  (d^2/dx0^2, forward over forward)
    assert_rel(osc.grad(d2)(x)[1], expected, 1e-12)
    assert_rel(osc.jvp(d2, (x,), (e1,))[1], expected, 1e-12)
    third = osc.jacfwd(osc.hessian(f))(x)  # reverse inside forward inside forward
    assert third.shape == (2, 2, 2)
    assert_rel(third[0, 0, 1], expected, 1e-12)
    assert_rel(third[0, 1, 0], expected, 1e-12)
    assert_rel(third[1, 0, 0], expected, 1e-12)
    # fourth: d4/dx0^4 of x0^3 x1^2 is 0; of exp(x0 x1) is x1^4 exp(x0 x1)
    d4 = osc.grad(lambda y: osc.grad(lambda z: osc.vhv(f, z, e0))(y)[0])(x)[0]
    assert_rel(d4, b**4 * np.exp(a * b), 1e-12)


def test_nested_jvps_give_taylor_coefficients(assert_rel):
    f = lambda t: np.exp(2.0 * t) * np.sin(t)  # noqa: E731
    g = f
    derivs = []
    for _ in range(5):
        g = d_fwd(g)
        derivs.append(g(np.float64(0.0)))
    # (d/dt)^k [e^{2t} sin t] at 0 = Im((2 + i)^k)
    assert_rel(np.array(derivs), np.array([((2 + 1j) ** k).imag for k in range(1, 6)]), 1e-13)


# --------------------------------------------------------------------------- perturbation confusion


@pytest.mark.parametrize("outer, inner", [("f", "f"), ("r", "r"), ("f", "r"), ("r", "f")])
def test_perturbation_confusion(outer, inner):
    """d/dx [x * (d/dy (x + y))|_{y=1}] at x = 1 is 1 (a confused engine gives 2)."""
    h = D[outer](lambda x: x * D[inner](lambda y: x + y)(np.float64(1.0)))
    assert h(np.float64(1.0)) == 1.0


@pytest.mark.parametrize("outer, inner", [("f", "f"), ("r", "r"), ("f", "r"), ("r", "f")])
def test_perturbation_confusion_with_shared_closure(outer, inner):
    # d/dx [ d/dy (x * y)|_{y=x} * x ] = d/dx [x * x] = 2x
    h = D[outer](lambda x: D[inner](lambda y: x * y)(x) * x)
    assert h(np.float64(3.0)) == 6.0


# --------------------------------------------------------------------------- argnums, has_aux, value_and_grad, pytrees


def test_grad_argnums_and_has_aux():
    f = lambda x, y, z: np.sum(x * y**2) + z * np.sum(x)  # noqa: E731
    x, y, z = np.array([1.0, 2.0]), np.array([3.0, -1.0]), np.float64(0.5)
    np.testing.assert_array_equal(osc.grad(f)(x, y, z), y**2 + z)
    np.testing.assert_array_equal(osc.grad(f, argnums=1)(x, y, z), 2 * x * y)
    gx, gz = osc.grad(f, argnums=(0, 2))(x, y, z)
    np.testing.assert_array_equal(gx, y**2 + z)
    assert gz == np.sum(x)
    (gy,) = osc.grad(f, argnums=(1,))(x, y, z)
    np.testing.assert_array_equal(gy, 2 * x * y)

    def with_aux(x):
        s = np.sin(x)
        return np.sum(s**2), {"s": s, "tag": "ok"}

    g, aux = osc.grad(with_aux, has_aux=True)(x)
    np.testing.assert_allclose(g, np.sin(2 * x), rtol=1e-15)
    np.testing.assert_array_equal(aux["s"], np.sin(x))
    assert type(aux["s"]) is np.ndarray and aux["tag"] == "ok"  # aux comes back as plain values
    (val, aux2), g2 = osc.value_and_grad(with_aux, has_aux=True)(x)
    assert val == np.sum(np.sin(x) ** 2)
    np.testing.assert_array_equal(g2, g)
    np.testing.assert_array_equal(aux2["s"], np.sin(x))


def test_value_and_grad():
    f = lambda x: np.sum(x**3)  # noqa: E731
    val, g = osc.value_and_grad(f)(np.array([1.0, 2.0]))
    assert val == 9.0
    np.testing.assert_array_equal(g, [3.0, 12.0])
    val, (g0, g1) = osc.value_and_grad(lambda a, b: np.sum(a * b), argnums=(0, 1))(np.ones(2), np.array([2.0, 3.0]))
    assert val == 5.0
    np.testing.assert_array_equal(g0, [2.0, 3.0])
    np.testing.assert_array_equal(g1, [1.0, 1.0])


def _params():
    return {"w": np.array([[1.0, 2.0], [0.5, -1.0]]), "b": (np.array([0.1, -0.2]), [np.array(2.0)])}


def _loss(p, x):
    h = np.tanh(p["w"] @ x + p["b"][0])
    return np.sum(h**2) * p["b"][1][0]


def test_pytrees_in_grad_jvp_vjp(assert_rel):
    p, x = _params(), np.array([0.3, -0.6])
    g = osc.grad(_loss)(p, x)
    assert set(g) == {"w", "b"} and isinstance(g["b"], tuple) and isinstance(g["b"][1], list)
    # compare with a flat-vector version of the same function
    flat = np.concatenate([p["w"].ravel(), p["b"][0], [2.0]])

    def loss_flat(v):
        return _loss({"w": v[:4].reshape(2, 2), "b": (v[4:6], [v[6]])}, x)

    gf = osc.grad(loss_flat)(flat)
    np.testing.assert_allclose(np.concatenate([g["w"].ravel(), g["b"][0], np.ravel(g["b"][1][0])]), gf, rtol=1e-14)

    t = {"w": np.ones((2, 2)), "b": (np.zeros(2), [np.array(1.0)])}
    y, ty = osc.jvp(_loss, (p, x), (t, np.zeros(2)))
    assert y == _loss(p, x)
    tflat = np.concatenate([np.ones(4), np.zeros(2), [1.0]])
    assert_rel(ty, gf @ tflat, 1e-14)

    out, pullback = osc.vjp(lambda p: {"h": p["w"] @ x, "s": [p["b"][1][0] * 2.0]}, p)
    (ct,) = pullback({"h": np.array([1.0, -1.0]), "s": [np.array(1.0)]})
    np.testing.assert_allclose(ct["w"], np.outer([1.0, -1.0], x))
    np.testing.assert_array_equal(ct["b"][0], np.zeros(2))
    assert ct["b"][1][0] == 2.0
    # tuple and list arguments
    gt = osc.grad(lambda tl: np.sum(tl[0] * tl[1][0]))((np.array([1.0, 2.0]), [np.array([3.0, 4.0])]))
    np.testing.assert_array_equal(gt[0], [3.0, 4.0])
    np.testing.assert_array_equal(gt[1][0], [1.0, 2.0])


# --------------------------------------------------------------------------- dtypes, control flow


def test_float32_stays_float32():
    x = np.array([0.5, 1.5], dtype=np.float32)
    f = lambda x: np.sum(np.sin(x) * x**2 + np.exp(x) / 3.0)  # noqa: E731  (Python float constants)
    assert osc.grad(f)(x).dtype == np.float32
    assert osc.value_and_grad(f)(x)[0].dtype == np.float32
    assert osc.jvp(f, (x,), (x,))[1].dtype == np.float32
    assert osc.vjp(np.sin, x)[1](x)[0].dtype == np.float32
    assert osc.jacfwd(np.sin)(x).dtype == np.float32
    assert osc.jacrev(np.sin)(x).dtype == np.float32
    assert osc.vhv(f, x, x).dtype == np.float32
    for m in MODES:
        assert osc.hvp(f, x, x, mode=m).dtype == np.float32
        h = osc.hessian(f, mode=m)(x)
        assert h.dtype == np.float32
        h64 = osc.hessian(f, mode=m)(x.astype(np.float64))
        np.testing.assert_allclose(h, h64, rtol=1e-5)


def test_python_control_flow_on_values(assert_rel):
    def f(x):
        y = x * 2 if x[0] > 0 else x**3
        n = 0
        while np.sum(y * y) < 10:
            y = y * 1.5
            n += 1
        return np.sum(y**2) * x[1]

    # x = (1, 1): y = 3x after one loop, f = 9 (x0^2 + x1^2) x1
    np.testing.assert_array_equal(osc.grad(f)(np.array([1.0, 1.0])), [18.0, 36.0])
    np.testing.assert_array_equal(osc.hessian(f)(np.array([1.0, 1.0])), [[18.0, 18.0], [18.0, 54.0]])
    # x = (-1, 1): y = 2.25 x^3 after two loops, f = 5.0625 (x0^6 + x1^6) x1
    np.testing.assert_allclose(osc.grad(f)(np.array([-1.0, 1.0])), [-30.375, 40.5], rtol=1e-15)
    for m in MODES:
        np.testing.assert_allclose(osc.hessian(f, mode=m)(np.array([-1.0, 1.0])),
                                   [[151.875, -30.375], [-30.375, 212.625]], rtol=1e-14)

    def piecewise(x):
        for _ in range(3):
            if x < 1.0:
                x = x * x + 0.5
            else:
                x = np.sqrt(x)
        return x

    x0 = np.float64(0.3)  # 0.3 -> 0.59 -> 0.8481 -> 1.21927...
    assert_rel(osc.grad(piecewise)(x0), 8 * 0.3 * 0.59 * 0.8481, 1e-14)


# --------------------------------------------------------------------------- custom rules


def _custom_jvp_sincx():
    @osc.custom_jvp
    def f(x):
        return np.sin(x) * x

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return f(x), t * (np.cos(x) * x + np.sin(x))

    return f


def test_custom_jvp_used_in_reverse_mode_and_hessian():
    f = _custom_jvp_sincx()
    x = np.array([0.3, 1.1, -2.0])
    np.testing.assert_allclose(osc.grad(lambda x: np.sum(f(x)))(x), np.cos(x) * x + np.sin(x), rtol=1e-15)
    for m in MODES:
        h = osc.hessian(lambda x: np.sum(f(x)), mode=m)(x)
        np.testing.assert_allclose(h, np.diag(2 * np.cos(x) - x * np.sin(x)), rtol=1e-14, atol=1e-15)


def test_custom_jvp_rule_is_what_gets_differentiated():
    """A rule that disagrees with the function wins, in every mode and nesting."""

    @osc.custom_jvp
    def f(x):
        return x  # the "true" derivative would be 1

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return f(x), t * 3.0 * x**2  # pretend f = x^3

    x = np.float64(2.0)
    assert osc.jvp(f, (x,), (np.float64(1.0),))[1] == 12.0
    assert osc.grad(f)(x) == 12.0
    for m in MODES:
        assert osc.hessian(f, mode=m)(x) == 12.0  # d/dx 3x^2
    # stable softplus: naive AD of log1p(exp(x)) gives nan at 1000, the rule does not
    assert osc.grad(softplus_rule)(np.float64(1000.0)) == 1.0
    assert osc.hessian(softplus_rule)(np.float64(0.0)) == 0.25


def _custom_vjp_expxy():
    @osc.custom_vjp
    def g(x, y):
        return np.exp(x) * y

    def g_fwd(x, y):
        e = np.exp(x)
        return e * y, (e, y)

    def g_bwd(res, ct):
        e, y = res
        return ct * e * y, ct * e

    g.defvjp(g_fwd, g_bwd)
    return g


def test_custom_vjp_used_in_forward_mode():
    g = _custom_vjp_expxy()
    x, y = np.array([0.3, -1.1]), np.array([2.0, -1.0])
    _, tx = osc.jvp(g, (x, y), (np.ones(2), np.zeros(2)))
    np.testing.assert_allclose(tx, np.exp(x) * y, rtol=1e-15)
    _, ty = osc.jvp(g, (x, y), (np.zeros(2), np.array([1.0, 2.0])))
    np.testing.assert_allclose(ty, np.exp(x) * [1.0, 2.0], rtol=1e-15)
    np.testing.assert_allclose(osc.jacfwd(lambda x: g(x, y))(x), np.diag(np.exp(x) * y), rtol=1e-15)


def test_hessian_through_custom_vjp_all_modes():
    g = _custom_vjp_expxy()
    x, y = np.array([0.3, -1.1]), np.array([2.0, -1.0])
    want = np.diag(np.exp(x) * y)
    for m in MODES:  # fwd-rev traces bwd with the outer forward pass; the others transpose it
        np.testing.assert_allclose(osc.hessian(lambda x: np.sum(g(x, y)), mode=m)(x), want, rtol=1e-14)
    # a Hessian over both arguments: d2/dxdy of e^x y is e^x
    xy = np.concatenate([x, y])
    h = osc.hessian(lambda v: np.sum(g(v[:2], v[2:]) ** 2))(xy)
    e = np.exp(x)
    np.testing.assert_allclose(h[:2, :2], np.diag(4 * e**2 * y**2), rtol=1e-14)
    np.testing.assert_allclose(h[:2, 2:], np.diag(4 * e**2 * y), rtol=1e-14)
    np.testing.assert_allclose(h[2:, 2:], np.diag(2 * e**2), rtol=1e-14)


def test_custom_vjp_rule_is_what_gets_differentiated():
    @osc.custom_vjp
    def f(x):
        return x

    f.defvjp(lambda x: (x, x), lambda x, ct: (ct * 3.0 * x**2,))  # pretend f = x^3
    x = np.float64(2.0)
    assert osc.grad(f)(x) == 12.0
    assert osc.jvp(f, (x,), (np.float64(1.0),))[1] == 12.0
    for m in MODES:
        assert osc.hessian(f, mode=m)(x) == 12.0


# --------------------------------------------------------------------------- stop_gradient, IEEE specials


def test_stop_gradient():
    assert osc.grad(lambda x: x * osc.stop_gradient(x))(np.float64(3.0)) == 3.0
    x = np.array([1.0, 2.0])
    for m in MODES:
        np.testing.assert_array_equal(osc.hessian(lambda x: np.sum(x**2 * osc.stop_gradient(x)), mode=m)(x),
                                      np.diag(2 * x))
    # only the enclosing transformations see a constant; the value is unchanged
    assert osc.stop_gradient(np.float64(4.0)) == 4.0
    inner = lambda x: osc.grad(lambda y: y * osc.stop_gradient(x * y))(np.float64(2.0))  # noqa: E731
    assert osc.grad(inner)(np.float64(5.0)) == 0.0  # without stop_gradient inner(x) = 4x, slope 4


def test_nan_and_inf_propagate_like_numpy():
    with np.errstate(all="ignore"):
        assert osc.grad(np.log)(np.float64(0.0)) == np.inf
        assert osc.grad(np.log)(np.float64(-0.0)) == -np.inf
        assert np.isnan(osc.grad(np.sqrt)(np.float64(-1.0)))
        assert osc.grad(np.sqrt)(np.float64(0.0)) == np.inf
        x = np.array([0.0, -1.0, np.inf, np.nan, 2.0])
        y, t = osc.jvp(np.log, (x,), (np.ones(5),))
        np.testing.assert_array_equal(y, np.log(x))
        np.testing.assert_array_equal(t, [np.inf, -1.0, 0.0, np.nan, 0.5])
        np.testing.assert_array_equal(osc.grad(lambda x: np.sum(np.log(x)))(x), [np.inf, -1.0, 0.0, np.nan, 0.5])
        h = osc.hessian(lambda x: np.sum(np.log(x)))(np.array([0.0, 1.0]))
        assert h[0, 0] == -np.inf and h[1, 1] == -1.0
        assert osc.grad(lambda x: np.sum(np.exp(x)))(np.array([1000.0]))[0] == np.inf
        assert np.isnan(osc.hvp(lambda x: np.sum(np.sqrt(x)), np.array([-1.0]), np.array([1.0]))[0])
    # and NumPy's warnings still fire when not silenced (warnings are errors here)
    with pytest.raises(RuntimeWarning, match="divide by zero"):
        osc.grad(np.log)(np.float64(0.0))
    assert core.current_depth() == 0


# --------------------------------------------------------------------------- threads, memory


def test_concurrent_transforms_in_threads_do_not_share_state():
    n_threads = 4
    barrier = threading.Barrier(n_threads)
    funcs = [
        (lambda x: np.sum(np.sin(x) * x), lambda x: np.diag(2 * np.cos(x) - x * np.sin(x))),
        (lambda x: np.sum(x**3), lambda x: np.diag(6 * x)),
        (lambda x: np.sum(np.exp(x)), lambda x: np.diag(np.exp(x))),
        (lambda x: x[0] * x[1] * x[2], lambda x: np.array([[0, x[2], x[1]], [x[2], 0, x[0]], [x[1], x[0], 0]])),
    ]
    first = threading.local()

    def task(k, wait=True):
        f, hess = funcs[k % len(funcs)]
        depths = []

        def traced(x):
            depths.append(core.current_depth())  # the trace stack this thread sees
            if wait and not getattr(first, "done", False):  # all threads are inside a transform at once
                first.done = True
                barrier.wait(timeout=30)
            return f(x)

        x = np.array([0.3, -0.7, 1.1]) + 0.01 * k
        assert core.current_depth() == 0
        h = {m: osc.hessian(traced, mode=m)(x) for m in MODES}
        g = osc.grad(traced)(x)
        assert core.current_depth() == 0
        return h, g, hess(x), depths

    serial = [task(k, wait=False) for k in range(4 * n_threads)]
    with ThreadPoolExecutor(n_threads) as pool:
        results = list(pool.map(task, range(4 * n_threads)))
    assert core.current_depth() == 0
    for k, ((h, g, want, depths), (h1, g1, _, depths1)) in enumerate(zip(results, serial)):
        for m in MODES:
            np.testing.assert_allclose(h[m], want, rtol=1e-13, atol=1e-15, err_msg=f"task {k} mode {m}")
            np.testing.assert_array_equal(h[m], h1[m])
        np.testing.assert_array_equal(g, g1)
        # another thread's open transformations never show up on this thread's stack
        assert depths == depths1 and min(depths) >= 1


def test_a_thread_started_inside_a_transform_sees_no_trace():
    seen = {}

    def f(x):
        assert core.current_depth() == 1
        with ThreadPoolExecutor(1) as pool:
            seen["depth"] = pool.submit(core.current_depth).result()
            seen["grad"] = pool.submit(lambda: osc.grad(lambda y: np.sum(y**2))(np.array([1.0, 2.0]))).result()
        return np.sum(x**3)

    np.testing.assert_array_equal(osc.grad(f)(np.array([1.0, 2.0])), [3.0, 12.0])
    assert seen["depth"] == 0
    np.testing.assert_array_equal(seen["grad"], [2.0, 4.0])


def test_repeated_hvps_do_not_grow_memory():
    f = lambda x: np.sin(x) @ x  # noqa: E731
    x, v = np.array([0.1, 0.2, 0.3]), np.array([1.0, -1.0, 0.5])
    want = (2 * np.cos(x) - x * np.sin(x)) * v
    for _ in range(50):  # warm caches
        osc.hvp(f, x, v)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(10_000):
            h = osc.hvp(f, x, v)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    np.testing.assert_allclose(h, want, rtol=1e-14)
    assert grown < 1_000_000, f"10^4 HVPs grew traced memory by {grown} bytes"
