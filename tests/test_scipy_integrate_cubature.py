"""osculate.scipy.integrate.cubature against SciPy: values on SciPy's regions, derivatives, vmap, refusals."""

import math
import warnings

import numpy as np
import pytest
import scipy.integrate as si
from scipy.special import erf

import osculate as osc
from osculate.scipy import integrate
from osculate.testing import check_grads


def gauss(x, t=1.0):
    return np.exp(-t * np.sum(x ** 2, axis=-1))


def box(a, t):
    """∫ exp(-t |x|^2) over [a0, 1] x [a1, 2], closed form (a product of erfs)."""
    half = lambda lo, hi: math.sqrt(math.pi / t) / 2 * (erf(math.sqrt(t) * hi) - erf(math.sqrt(t) * lo))  # noqa: E731
    return half(a[0], 1.0) * half(a[1], 2.0)


@pytest.mark.parametrize("rule", ["gk21", "gk15", "genz-malik"])
@pytest.mark.parametrize("a, b", [([0.0, 0.0], [1.0, 2.0]), ([1.0, 0.0], [-0.5, 2.0]), ([0.5, 0.0], [np.inf, 1.0]),
                                  ([-np.inf, 0.0], [np.inf, 1.0])])
def test_values_match_scipy_on_its_regions(rule, a, b):
    ref = si.cubature(gauss, a, b, rule=rule)
    got = osc.jvp(lambda s: integrate.cubature(lambda x: s * gauss(x), a, b, rule=rule), (1.0,), (1.0,))
    res, tangent = got
    np.testing.assert_allclose(res.estimate, ref.estimate, rtol=1e-13)
    np.testing.assert_allclose(res.error, ref.error, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(tangent.estimate, ref.estimate, rtol=1e-13)   # (linear in s)
    assert res.status == ref.status and len(res.regions) == len(ref.regions)


def test_plain_inputs_give_scipys_result():
    ref = si.cubature(gauss, [0.0, 0.0], [1.0, 2.0], rtol=1e-10)
    res = integrate.cubature(gauss, [0.0, 0.0], [1.0, 2.0], rtol=1e-10)
    assert res.estimate == ref.estimate and res.error == ref.error
    ref = si.cubature(gauss, [1.0, 0.0], [-0.5, 2.0])                    # flipped limits: SciPy's sign
    res = integrate.cubature(gauss, [1.0, 0.0], [-0.5, 2.0])
    assert res.estimate == ref.estimate and res.error == ref.error


def test_workers_map_gives_the_same_derivative():
    g = lambda t, w: integrate.cubature(gauss, [0.0, 0.0], np.stack([1.0, t]), workers=w).estimate  # noqa: E731
    serial = osc.grad(g)(1.5, 1)
    assert osc.grad(g)(1.5, map) == serial
    np.testing.assert_allclose(serial, math.sqrt(math.pi) / 2 * erf(1.0) * math.exp(-2.25), rtol=1e-10)


def test_derivatives_in_limits_and_parameter_against_closed_forms():
    def g(a0, a1, t):
        return integrate.cubature(gauss, np.stack([a0, a1]), [1.0, 2.0], args=(t,), rtol=1e-12).estimate
    a0, a1, t = 0.3, -0.2, 0.8
    np.testing.assert_allclose(g(a0, a1, t), box([a0, a1], t), rtol=1e-11)
    # d/da0 = -exp(-t a0^2) * (∫ over the other side); d/dt = -∫ |x|^2 exp(-t|x|^2)
    other = math.sqrt(math.pi / t) / 2 * (erf(math.sqrt(t) * 2.0) - erf(math.sqrt(t) * a1))
    np.testing.assert_allclose(osc.grad(g, argnums=0)(a0, a1, t), -math.exp(-t * a0 ** 2) * other, rtol=1e-10)
    eps = 1e-5
    fd_t = (box([a0, a1], t + eps) - box([a0, a1], t - eps)) / (2 * eps)
    np.testing.assert_allclose(osc.grad(g, argnums=2)(a0, a1, t), fd_t, rtol=1e-8)
    # second order: d²/da0² = 2 t a0 exp(-t a0²) * other
    np.testing.assert_allclose(osc.grad(osc.grad(g, argnums=0), argnums=0)(a0, a1, t),
                               2 * t * a0 * math.exp(-t * a0 ** 2) * other, rtol=1e-9)
    check_grads(g, (a0, a1, t), order=2, modes=("fwd", "rev"))


def test_grads_upper_limit_closure_and_infinite_side():
    def g(b0, c):
        return integrate.cubature(lambda x: np.exp(-c * x[:, 0]) * np.cos(x[:, 1]), [0.0, 0.0], np.stack([b0, 1.0]),
                                  rule="genz-malik", rtol=1e-10).estimate
    check_grads(g, (1.3, 0.7), order=2, modes=("fwd", "rev"))
    # [s, inf): ∫_s^inf exp(-c x) dx = exp(-c s) / c, in s and c
    h = lambda s, c: integrate.cubature(lambda x: np.exp(-c * x[:, 0]), np.stack([s]), [np.inf]).estimate  # noqa: E731
    np.testing.assert_allclose(h(0.4, 1.5), math.exp(-0.6) / 1.5, rtol=1e-10)
    np.testing.assert_allclose(osc.grad(h, argnums=0)(0.4, 1.5), -math.exp(-0.6), rtol=1e-9)
    np.testing.assert_allclose(osc.grad(osc.grad(h, argnums=1), argnums=1)(0.4, 1.5),
                               math.exp(-0.6) * (0.16 / 1.5 + 2 * 0.4 / 1.5 ** 2 + 2 / 1.5 ** 3), rtol=1e-8)


def test_minus_infinity_side_is_integrated_correctly():
    # SciPy's (-inf, e] transform evaluates f on the mirrored side; here it is reflected first.
    h = lambda e: integrate.cubature(lambda x: np.exp(x[:, 0]), [-np.inf], np.stack([e])).estimate  # noqa: E731
    np.testing.assert_allclose(h(0.5), math.exp(0.5), rtol=1e-10)
    np.testing.assert_allclose(osc.grad(h)(0.5), math.exp(0.5), rtol=1e-9)


def test_vector_output_and_points():
    n = np.arange(4.0)
    ref = si.cubature(lambda x, n: x[:, :1] ** n, [0.0], [1.0], args=(n,), points=[[0.5]])
    got = integrate.cubature(lambda x, n: x[:, :1] ** n, [0.0], [1.0], args=(n * osc.numpy.asarray(1.0),),
                             points=[[0.5]])
    np.testing.assert_allclose(got.estimate, ref.estimate, rtol=1e-13)
    jac = osc.jacfwd(lambda p: integrate.cubature(lambda x: x[:, :1] ** p, [0.0], [1.0]).estimate)(n + 1.0)
    # the derivative is the rule's on the regions chosen for the value: x^p log x is less smooth at 0
    np.testing.assert_allclose(jac, np.diag(-1 / (n + 2.0) ** 2), rtol=1e-5, atol=1e-14)


def test_vmap_over_parameter_agrees():
    g = lambda t: integrate.cubature(gauss, [0.0, 0.0], [1.0, 1.0], args=(t,)).estimate  # noqa: E731
    ts = np.array([0.5, 1.0, 2.0])
    np.testing.assert_allclose(osc.vmap(g)(ts), [g(t) for t in ts], rtol=1e-12)


def test_refusals():
    with pytest.raises(TypeError, match="callable"):
        integrate.cubature(1.0, [0.0], [1.0])
    with pytest.raises(ValueError, match="1-D"):
        integrate.cubature(gauss, [[0.0]], [[1.0]])
    with pytest.raises(ValueError, match="unknown rule"):
        osc.grad(lambda t: integrate.cubature(gauss, [0.0], [1.0], args=(t,), rule="simpson").estimate)(1.0)
    with pytest.raises(Exception, match="outside jit"):
        osc.jit(lambda s: integrate.cubature(gauss, np.stack([s]), [1.0]).estimate)(0.0)
    with pytest.raises(NotImplementedError, match="vmap"):
        osc.vmap(lambda s: integrate.cubature(gauss, np.stack([s]), [1.0]).estimate)(np.array([0.0, 0.1]))


def test_a_nan_limit_gives_nan_value_and_derivative_as_numpy_would():
    f = lambda x: np.exp(-x[:, 0] ** 2)  # noqa: E731
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")   # (SciPy's own warnings about the NaN region)
        value, g = osc.value_and_grad(lambda a: integrate.cubature(f, a, np.array([1.0])).estimate)(np.array([np.nan]))
    assert np.isnan(value) and np.all(np.isnan(g))
