"""osculate.scipy.integrate: SciPy's values, and derivatives against finite differences."""

import math

import numpy as np
import pytest
import scipy.integrate as si
import scipy.special as sp

import osculate as osc
from osculate.ad.core import UnsupportedConversionError
from osculate.ad.scipy import integrate as engine
from osculate.scipy import integrate as oi
from osculate.testing import check_grads

SAMPLED = ["trapezoid", "simpson", "cumulative_trapezoid", "cumulative_simpson"]


def _x(rng, shape, axis=-1):
    """Strictly increasing, unevenly spaced sample points along ``axis``."""
    return np.cumsum(rng.uniform(0.1, 1.0, shape), axis=axis)


# --------------------------------------------------------------------------- sampled data: values


@pytest.mark.parametrize("name", SAMPLED)
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 10])
@pytest.mark.parametrize("shape,axis", [((None,), -1), ((3, None), 1), ((None, 4), 0), ((2, None, 3), -2)])
def test_sampled_values_equal_scipy(name, n, shape, axis):
    rng = np.random.default_rng(n * 7 + len(shape))
    shape = tuple(n if s is None else s for s in shape)
    y = rng.normal(size=shape)
    cases = [{}, {"dx": 0.37}, {"x": _x(rng, n)}, {"x": _x(rng, shape, axis)}]
    if name == "cumulative_trapezoid":
        cases.append({"x": _x(rng, n), "initial": 0})
    if name == "cumulative_simpson":
        cases += [{"dx": 0.3, "initial": 1.5}, {"x": _x(rng, n), "initial": -0.25}]
    for kw in cases:
        want = getattr(si, name)(y, axis=axis, **kw)
        got = getattr(oi, name)(y, axis=axis, **kw)
        assert np.shape(got) == np.shape(want), (kw, np.shape(got), np.shape(want))
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-14, err_msg=str(kw))


@pytest.mark.parametrize("k", [0, 1, 2, 3, 4])
def test_romb_equals_scipy(k):
    rng = np.random.default_rng(k)
    for shape, axis in [((2 ** k + 1,), -1), ((3, 2 ** k + 1), 1), ((2 ** k + 1, 2), 0)]:
        y = rng.normal(size=shape)
        np.testing.assert_allclose(oi.romb(y, dx=0.7, axis=axis), si.romb(y, dx=0.7, axis=axis), rtol=1e-13,
                                   atol=1e-14)


def test_romb_show_prints_the_table(capsys):
    y = np.linspace(0.0, 1.0, 5) ** 3
    oi.romb(y, dx=0.25, show=True)
    ours = capsys.readouterr().out
    si.romb(y, dx=0.25, show=True)
    assert ours == capsys.readouterr().out


def test_integer_samples_give_floats():
    y = np.array([1, 2, 4, 7, 8])
    for name in SAMPLED:
        np.testing.assert_allclose(getattr(oi, name)(y), getattr(si, name)(y), rtol=1e-14)
    np.testing.assert_allclose(oi.romb(y), si.romb(y), rtol=1e-14)


@pytest.mark.parametrize("call", [
    lambda m: m.simpson(np.ones(4), x=np.arange(3.0)),
    lambda m: m.simpson(np.ones((2, 4)), x=np.ones((2, 2, 4))),
    lambda m: m.cumulative_trapezoid(np.ones(0)),
    lambda m: m.cumulative_trapezoid(np.ones(4), initial=1.0),
    lambda m: m.cumulative_trapezoid(np.ones((2, 4)), x=np.ones((2, 2, 4))),
    lambda m: m.cumulative_trapezoid(np.ones(4), x=np.arange(3.0)),
    lambda m: m.cumulative_simpson(np.ones(4), x=np.array([0.0, 1.0, 1.0, 2.0])),
    lambda m: m.cumulative_simpson(np.ones(4), x=np.arange(3.0)),
    lambda m: m.cumulative_simpson(np.ones((2, 4)), dx=np.ones(3)),
    lambda m: m.cumulative_simpson(np.ones(4), initial=np.ones(2)),
    lambda m: m.cumulative_simpson(np.ones(4), axis=1),
    lambda m: m.romb(np.ones(4)),
    lambda m: m.romb(np.ones(1)),
    lambda m: m.trapezoid(np.ones(3), axis=2),
], ids=lambda c: "")
def test_bad_input_is_refused_where_scipy_refuses_it(call):
    with pytest.raises((ValueError, IndexError)):
        call(si)
    with pytest.raises((ValueError, IndexError)) as err:
        call(oi)
    assert "osculate.scipy.integrate." in str(err.value) and "\n" not in str(err.value)


def test_nan_propagates():
    y = np.array([1.0, np.nan, 2.0, 3.0, 4.0])
    for name in SAMPLED:
        np.testing.assert_array_equal(np.isnan(getattr(oi, name)(y)), np.isnan(getattr(si, name)(y)))


# --------------------------------------------------------------------------- sampled data: derivatives


@pytest.mark.parametrize("name", SAMPLED)
@pytest.mark.parametrize("n", [3, 4, 5, 6])
def test_sampled_derivatives_in_y_and_x(name, n):
    rng = np.random.default_rng(n)
    y = rng.normal(size=(2, n))
    x = _x(rng, n)
    fn = getattr(oi, name)
    check_grads(lambda y, x: fn(y, x=x, axis=1) ** 2, (y, x), order=2, modes=("fwd", "rev"))
    xn = _x(rng, (n, 2), axis=0)
    check_grads(lambda y, x: fn(y, x=x, axis=0), (y.T.copy(), xn), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name", SAMPLED)
def test_sampled_derivatives_in_dx(name):
    y = np.array([0.3, -1.2, 0.8, 2.0, 0.1, 0.7])
    fn = getattr(oi, name)
    check_grads(lambda y, dx: np.sum(fn(y, dx=dx) ** 2), (y, np.float64(0.4)), order=2, modes=("fwd", "rev"))


def test_romb_derivatives():
    rng = np.random.default_rng(3)
    check_grads(lambda y, dx: oi.romb(y, dx=dx) ** 2, (rng.normal(size=9), np.float64(0.3)), order=2,
                modes=("fwd", "rev"))


def test_sampled_functions_under_vmap_and_jit():
    rng = np.random.default_rng(5)
    ys, x = rng.normal(size=(4, 6)), _x(rng, 6)
    for name in SAMPLED:
        fn = getattr(oi, name)
        want = getattr(si, name)(ys, x=x)
        np.testing.assert_allclose(osc.vmap(lambda y: fn(y, x=x))(ys), want, rtol=1e-13)
        np.testing.assert_allclose(osc.vmap(lambda xx: fn(ys[0], x=xx))(np.stack([x, x])), np.stack([want[0]] * 2),
                                   rtol=1e-13)
        jitted = osc.jit(lambda y, xx: fn(y, x=xx))
        np.testing.assert_allclose(jitted(ys, x), want, rtol=1e-13)
        np.testing.assert_allclose(jitted(2 * ys, x), 2 * want, rtol=1e-13)
    np.testing.assert_allclose(osc.jit(oi.romb)(ys[:, :5]), si.romb(ys[:, :5]), rtol=1e-13)


def test_plain_scipy_call_on_a_tracer_names_the_osculate_function():
    with pytest.raises(UnsupportedConversionError, match=r"use osculate\.scipy\.integrate\.simpson instead"):
        osc.grad(lambda y: si.simpson(y))(np.ones(5))
    with pytest.raises(UnsupportedConversionError, match=r"use osculate\.scipy\.integrate\.quad instead"):
        osc.grad(lambda t: si.quad(lambda s: np.exp(-t * s), 0.0, 1.0)[0])(1.0)


# --------------------------------------------------------------------------- quadrature rules


def test_gauss_kronrod_rule_is_exact_to_degree_31():
    nodes, kronrod, gauss = engine._GK_NODES, engine._GK_WEIGHTS, engine._GK_GAUSS
    assert nodes.shape == (21,) and np.all(np.diff(nodes) > 0) and np.count_nonzero(gauss) == 10
    for degree in range(32):
        exact = 2.0 / (degree + 1) if degree % 2 == 0 else 0.0
        assert abs(np.sum(kronrod * nodes ** degree) - exact) < 2e-15, degree
        if degree < 20:
            assert abs(np.sum(gauss * nodes ** degree) - exact) < 2e-15, degree
    assert abs(np.sum(kronrod * nodes ** 32) - 2.0 / 33) > 1e-12  # (and not beyond)


@pytest.mark.parametrize("n", [1, 2, 5, 9])
def test_fixed_quad_equals_scipy_and_differentiates(n):
    f = lambda s, c: np.exp(c * s) * np.cos(s)  # noqa: E731
    want = si.fixed_quad(f, -0.3, 1.7, args=(0.8,), n=n)
    got = oi.fixed_quad(f, -0.3, 1.7, args=(0.8,), n=n)
    assert got[1] is None and abs(got[0] - want[0]) <= 1e-13 * abs(want[0])
    check_grads(lambda c, a, b: oi.fixed_quad(f, a, b, args=(c,), n=n)[0], tuple(np.float64([0.8, -0.3, 1.7])), order=2)
    jitted = osc.jit(lambda c, a: oi.fixed_quad(f, a, 1.7, args=(c,), n=n)[0])
    np.testing.assert_allclose(jitted(0.8, -0.3), want[0], rtol=1e-13)
    with pytest.raises(ValueError, match="finite limits"):
        oi.fixed_quad(f, 0.0, np.inf, args=(0.8,))


@pytest.mark.parametrize("f,a,b,kw", [
    (np.exp, 0.0, 1.0, {}),
    (lambda s: np.sin(30 * s), 0.0, 3.0, {}),
    (lambda s: np.exp(-s), 0.0, np.inf, {}),
    (lambda s: np.exp(-s), np.inf, 0.0, {}),
    (lambda s: np.exp(s), -np.inf, 0.0, {}),
    (lambda s: np.exp(-s * s), -np.inf, np.inf, {}),
    (lambda s: 1.0 / (1.0 + s * s), 0.0, np.inf, {}),
    (lambda s: np.abs(s - 0.3), 0.0, 1.0, {"points": [0.3]}),
    (lambda s: np.abs(s - 0.3), 1.0, 0.0, {"points": [0.3, 5.0]}),
    (lambda s, c: np.log(c + s), 0.5, 2.0, {"args": (1.5,)}),
    (np.cos, 2.0, 2.0, {}),
])
def test_quad_values_equal_scipy(f, a, b, kw):
    value, err = oi.quad(f, a, b, **kw)
    want, want_err = si.quad(f, a, b, **kw)
    assert isinstance(value, float) and isinstance(err, float)
    assert abs(value - want) <= 1e-13 * max(1.0, abs(want)) and err <= max(1.49e-8, 1.49e-8 * abs(want))


def _gaussian_integral(theta):
    """∫_0^1 exp(-θ s²) ds and its derivative in θ, in closed form."""
    r = math.sqrt(theta)
    value = math.sqrt(math.pi) / (2 * r) * math.erf(r)
    return value, -math.sqrt(math.pi) / 4 * theta ** -1.5 * math.erf(r) + math.exp(-theta) / (2 * theta)


def test_quad_derivative_in_a_parameter_is_the_analytic_one():
    f = lambda t: oi.quad(lambda s: np.exp(-t * s * s), 0.0, 1.0)[0]  # noqa: E731
    for theta in (0.3, 1.0, 4.0):
        value, slope = _gaussian_integral(theta)
        assert abs(f(theta) - value) < 1e-14
        assert abs(osc.grad(f)(theta) - slope) < 1e-13
        assert abs(osc.jvp(f, (theta,), (1.0,))[1] - slope) < 1e-13
    check_grads(f, (np.float64(1.3),), order=2, modes=("fwd", "rev"))


def test_quad_traced_limits_follow_leibniz_rule():
    F = lambda a, b, t: oi.quad(lambda s: np.cos(t * s), a, b)[0]  # noqa: E731
    a, b, t = 0.2, 1.9, 1.3
    grads = osc.grad(F, argnums=(0, 1, 2))(a, b, t)
    want = (-math.cos(t * a), math.cos(t * b), (b * math.cos(t * b) - a * math.cos(t * a)) / t
            - (math.sin(t * b) - math.sin(t * a)) / t ** 2)
    np.testing.assert_allclose(grads, want, rtol=1e-12)
    check_grads(F, tuple(np.float64([a, b, t])), order=2, modes=("fwd", "rev"))
    check_grads(lambda a, b: oi.quad(lambda s: np.abs(s - 0.3), a, b, points=[0.3])[0],
                tuple(np.float64([0.1, 0.8])), order=2)


def test_quad_on_an_infinite_interval():
    f = lambda t: oi.quad(lambda s: np.exp(-t * s), 0.0, np.inf)[0]  # noqa: E731
    for theta in (0.5, 2.0):
        assert abs(f(theta) - 1 / theta) < 1e-13
        assert abs(osc.grad(f)(theta) + 1 / theta ** 2) < 1e-12
        assert abs(osc.jvp(f, (theta,), (1.0,))[1] + 1 / theta ** 2) < 1e-12
        assert abs(osc.hessian(f)(theta) - 2 / theta ** 3) < 1e-10
    check_grads(f, (np.float64(1.5),), order=2, modes=("fwd", "rev"))
    g = lambda a: oi.quad(lambda s: np.exp(-s * s), a, np.inf)[0]  # noqa: E731  d/da = -exp(-a²)
    assert abs(osc.grad(g)(0.4) + math.exp(-0.16)) < 1e-12
    assert abs(g(0.4) - math.sqrt(math.pi) / 2 * sp.erfc(0.4)) < 1e-13
    h = lambda b: oi.quad(lambda s: np.exp(s), -np.inf, b)[0]  # noqa: E731
    assert abs(osc.grad(h)(0.7) - math.exp(0.7)) < 1e-12


def test_hessian_of_a_quad_based_function_matches_finite_differences():
    def f(p):
        return oi.quad(lambda s: np.exp(-p[0] * s * s) * np.cos(p[1] * s) + p[0] * p[1] * s, 0.0, 1.5)[0]

    p = np.array([0.7, 1.9])
    eps = 1e-5
    fd = np.empty((2, 2))
    for i in range(2):
        e = np.zeros(2)
        e[i] = eps
        fd[:, i] = (osc.grad(f)(p + e) - osc.grad(f)(p - e)) / (2 * eps)
    for mode in ("fwd-rev", "rev-fwd", "fwd-fwd", "rev-rev"):
        np.testing.assert_allclose(osc.hessian(f, mode=mode)(p), fd, rtol=1e-7, atol=1e-9, err_msg=mode)
    check_grads(f, (p,), order=2, modes=("fwd", "rev"))


def test_forward_mode_refines_for_the_tangent():
    # at t = 0 the integrand is 1 (one subinterval resolves it); its tangent |s - 0.3| needs more
    f = lambda t: oi.quad(lambda s: np.exp(t * np.abs(s - 0.3)), 0.0, 1.0)[0]  # noqa: E731
    value, tangent = osc.jvp(f, (0.0,), (1.0,))
    assert value == 1.0 and abs(tangent - 0.29) < 1.5e-8


def test_quad_under_vmap_and_refused_under_jit():
    ts = np.array([0.3, 1.0, 4.0])
    f = lambda t: oi.quad(lambda s: np.exp(-t * s * s), 0.0, 1.0)[0]  # noqa: E731
    np.testing.assert_allclose(osc.vmap(f)(ts), [_gaussian_integral(t)[0] for t in ts], rtol=1e-13)
    np.testing.assert_allclose(osc.vmap(osc.grad(f))(ts), [_gaussian_integral(t)[1] for t in ts], rtol=1e-12)
    with pytest.raises(ValueError, match="fixed_quad"):
        osc.jit(f)(1.0)


def test_quad_warns_when_it_runs_out_of_subintervals():
    with pytest.warns(si.IntegrationWarning, match="maximum number of subdivisions"):
        value, err = oi.quad(lambda s: np.sin(1 / s), 1e-3, 1.0, limit=3)
    assert err > 1e-8
    with pytest.warns(si.IntegrationWarning, match="not finite"):
        value, err = oi.quad(lambda s: np.nan * s, 0.0, 1.0)
    assert math.isnan(value)


@pytest.mark.parametrize("kw,match", [
    ({"limit": 0}, "limit"),
    ({"epsabs": 0.0, "epsrel": 0.0}, "epsrel"),
    ({"full_output": 1}, "full_output"),
    ({"weight": "cosine", "wvar": 1.0}, "weight"),
    ({"weight": "alg", "wvar": 1.0}, "wvar"),
    ({"weight": "cauchy", "wvar": 1.0}, "wvar"),
])
def test_quad_refuses_bad_or_unsupported_arguments(kw, match):
    with pytest.raises((ValueError, NotImplementedError), match=match):
        oi.quad(np.exp, 0.0, 1.0, **kw)
    with pytest.raises(ValueError, match="break points"):
        oi.quad(np.exp, 0.0, np.inf, points=[1.0])
    with pytest.raises(ValueError, match="single number"):
        oi.quad(np.exp, np.zeros(2), 1.0)


# --------------------------------------------------------------------------- quad_vec


def _vector_integrand(s):
    return np.stack([np.exp(-s * s), np.cos(s) * np.exp(-s * s), s * s * np.exp(-s * s)])


@pytest.mark.parametrize("a,b", [(0.0, 1.0), (2.0, 0.5), (0.0, np.inf), (-np.inf, 0.3), (-np.inf, np.inf)])
@pytest.mark.parametrize("norm", ["2", "max"])
def test_quad_vec_values_equal_scipy(a, b, norm):
    value, err = oi.quad_vec(_vector_integrand, a, b, norm=norm)
    want, want_err = si.quad_vec(_vector_integrand, a, b, norm=norm)
    np.testing.assert_allclose(value, want, rtol=1e-13, atol=1e-15)
    assert isinstance(err, float) and err <= 1e-8 * np.linalg.norm(want)


def test_quad_vec_derivatives():
    def f(t, b):
        return oi.quad_vec(lambda s: np.stack([np.exp(-t * s), s * np.cos(t * s)]), 0.0, b)[0]

    check_grads(f, tuple(np.float64([0.7, 1.3])), order=2, modes=("fwd", "rev"))

    def g(t):
        return oi.quad_vec(lambda s, c: c * np.stack([np.exp(-t * s), s * np.exp(-t * s)]), 0.0, np.inf,
                           args=(2.0,))[0]

    np.testing.assert_allclose(osc.jacfwd(g)(2.0), [-0.5, -0.5], rtol=1e-12)   # 2 [1/t, 1/t²]'
    np.testing.assert_allclose(osc.jacrev(g)(2.0), [-0.5, -0.5], rtol=1e-12)
    np.testing.assert_allclose(osc.vmap(g)(np.array([1.0, 2.0])), [[2.0, 2.0], [1.0, 0.5]], rtol=1e-12)


def test_quad_asks_for_quad_vec_for_arrays():
    with pytest.raises(ValueError, match="quad_vec"):
        oi.quad(lambda s: np.stack([s, s]), 0.0, 1.0)
    with pytest.raises(ValueError, match="norm"):
        oi.quad_vec(_vector_integrand, 0.0, 1.0, norm="1")


def test_derivative_parts_that_integrate_to_zero_stop_at_rounding_error():
    # the tangent in c integrates to 0 (odd): with quad_vec's epsabs=1e-200 only rounding error is left
    f = lambda c: oi.quad_vec(lambda s: np.stack([np.exp(-s * s) + c * s, np.cos(s)]), -1.0, 1.0)  # noqa: E731
    value, tangent = osc.jvp(lambda c: f(c)[0], (np.float64(0.5),), (np.float64(1.0),))
    np.testing.assert_allclose(value, si.quad_vec(lambda s: np.stack([np.exp(-s * s) + 0.5 * s, np.cos(s)]),
                                                  -1.0, 1.0)[0], rtol=1e-14)
    assert np.max(np.abs(tangent)) < 1e-15
    with pytest.warns(si.IntegrationWarning, match="rounding"):
        oi.quad(np.sin, -1.0, 1.0, epsabs=0.0)


@pytest.mark.parametrize("f,a,b,kw,exact", [
    (lambda s: 1 / np.sqrt(s), 0.0, 1.0, {}, 2.0),
    (lambda s: s ** -0.9, 0.0, 1.0, {}, 10.0),
    (np.log, 0.0, 1.0, {}, -1.0),
    (lambda s: s ** -0.5, 2.0, 0.0, {}, -2 * math.sqrt(2.0)),
    (lambda s: 1 / np.sqrt(1 - s), 0.0, 1.0, {}, 2.0),
    (lambda s: np.abs(s - 0.3) ** -0.5, 0.0, 1.0, {"points": [0.3]}, 2 * (math.sqrt(0.3) + math.sqrt(0.7))),
    (lambda s: np.exp(-s) / np.sqrt(s), 0.0, np.inf, {}, math.sqrt(math.pi)),
    (lambda s: np.log(s) * np.exp(-s), 0.0, np.inf, {}, -np.euler_gamma),
])
def test_quad_resolves_integrable_end_singularities(f, a, b, kw, exact):
    value, err = oi.quad(f, a, b, **kw)
    tolerance = 1.49e-8 * max(1.0, abs(exact))
    assert abs(value - exact) <= tolerance and abs(value - exact) <= 3 * err + 1e-15


def test_derivatives_through_an_end_singularity():
    f = lambda t: oi.quad(lambda s: s ** (t - 1), 0.0, 1.0)[0]  # noqa: E731  = 1/t
    for t in (0.5, 0.8):
        assert abs(f(t) - 1 / t) < 1e-13
        assert abs(osc.grad(f)(t) + 1 / t ** 2) < 1e-12
        assert abs(osc.jvp(f, (t,), (1.0,))[1] + 1 / t ** 2) < 1e-12
        assert abs(osc.hessian(f)(t) - 2 / t ** 3) < 1e-10
    # a singularity that moves with a traced limit: g(a) = e^-a sqrt(pi) erf(1), so g' = -g and g'' = g
    # (to the tolerance; finite differences of g are too noisy for a second derivative here)
    g = lambda a: oi.quad(lambda s: (s - a) ** -0.5 * np.exp(-s), a, a + 1.0)[0]  # noqa: E731
    exact = math.exp(-0.3) * math.sqrt(math.pi) * math.erf(1.0)
    # (forward mode carries the exact 0 tangent of s - a; in reverse mode the cotangents of s and of a, huge
    # near the end, cancel with rounding error)
    assert abs(g(0.3) - exact) < 3e-8 and abs(osc.jvp(g, (0.3,), (1.0,))[1] + exact) < 3e-8
    assert abs(osc.hessian(g, mode="fwd-fwd")(0.3) - exact) < 3e-8
    assert abs(osc.grad(g)(0.3) + exact) < 1e-6
    for mode in ("fwd-rev", "rev-rev"):
        assert abs(osc.hessian(g, mode=mode)(0.3) - exact) < 1e-6


def test_quad_of_a_complex_integrand():
    f = lambda t: oi.quad(lambda s: np.exp(1j * t * s), 0.0, 1.0, complex_func=True)  # noqa: E731
    value, err = f(1.3)
    want, want_err = si.quad(lambda s: np.exp(1j * 1.3 * s), 0.0, 1.0, complex_func=True)
    assert abs(value - want) < 1e-14 and isinstance(err, complex) and abs(err) < 1e-12
    _, tangent = osc.jvp(lambda t: f(t)[0], (np.float64(1.3),), (np.float64(1.0),))
    exact = -1j * (np.exp(1.3j) * (1.3j - 1) + 1) / 1.3 ** 2  # d/dt (e^{it} - 1) / (it)
    assert abs(tangent - exact) < 1e-13
    check_grads(lambda t: np.abs(f(t)[0]) ** 2, (np.float64(1.3),), order=2)


@pytest.mark.parametrize("weight,wvar,a,b", [
    ("cos", 3.0, 0.0, 2.0), ("sin", 5.0, 3.0, 0.5), ("alg", (-0.5, 0.3), 0.0, 1.0), ("alg", (-0.9, -0.2), 1.0, 3.0),
    ("alg", (-0.5, -0.5), 3.0, 1.0), ("alg-loga", (0.2, -0.4), 0.0, 2.0), ("alg-logb", (-0.3, 0.0), 0.0, 1.0),
    ("alg-log", (0.5, 0.5), -1.0, 1.0), ("cauchy", 0.4, 0.0, 1.0), ("cauchy", 0.4, 1.0, 0.0), ("cauchy", 2.0, 0.0, 1.0),
])
def test_quad_weights_equal_scipy(weight, wvar, a, b):
    f = lambda s: np.exp(-s) * (1 + s * s)  # noqa: E731
    value, err = oi.quad(f, a, b, weight=weight, wvar=wvar)
    want, _ = si.quad(f, a, b, weight=weight, wvar=wvar)
    assert abs(value - want) < 1e-13 * max(1.0, abs(want)) and err < 1e-8


def test_quad_weights_differentiate_in_wvar_and_the_integrand():
    g = lambda c, t: oi.quad(lambda s: np.exp(-t * s), 0.0, 1.0, weight="cauchy", wvar=c)[0]  # noqa: E731
    check_grads(g, tuple(np.float64([0.4, 0.7])), order=2, modes=("fwd", "rev"))
    h = lambda alpha, t: oi.quad(lambda s: np.exp(-t * s), 0.0, 1.0, weight="alg", wvar=(alpha, 0.3))[0]  # noqa: E731
    check_grads(h, tuple(np.float64([-0.5, 0.7])), order=2, modes=("fwd", "rev"), rtol=1e-4)
    k = lambda w: oi.quad(lambda s: np.exp(-s), 0.0, 2.0, weight="sin", wvar=w)[0]  # noqa: E731
    check_grads(k, (np.float64(3.0),), order=2, modes=("fwd", "rev"))
    with pytest.raises(NotImplementedError, match="Fourier"):
        oi.quad(np.exp, 0.0, np.inf, weight="cos", wvar=1.0)
    with pytest.raises(ValueError, match="infinite interval"):
        oi.quad(np.exp, 0.0, np.inf, weight="alg", wvar=(0.0, 0.0))


# --------------------------------------------------------------------------- iterated integrals


def _plane(y, x, c):
    return np.exp(-c * x * y) * np.cos(x + y)


def test_dblquad_tplquad_nquad_equal_scipy():
    cases = [
        ("dblquad", (_plane, 0.0, 1.0, lambda x: x, lambda x: 1 + x * x), {"args": (0.7,)}),
        ("dblquad", (_plane, 2.0, 0.0, 0.5, 1.0), {"args": (1.3,)}),
        ("tplquad", (lambda z, y, x: np.exp(-(x * x + y * y + z * z)), 0.0, 1.0, 0.0, lambda x: 1 - x, 0.0,
                     lambda x, y: 1 - x - y), {}),
        ("nquad", (lambda x0, x1, x2, c: x0 * x1 ** 2 * np.sin(c * x2), [(0, 1), lambda x2, c: (0, x2 + 1), (0, 2)]),
         {"args": (0.5,)}),
        ("nquad", (lambda x, y: np.abs(x - y), [(0.0, 1.0), (0.0, 1.0)]),
         {"opts": [lambda y: {"points": [y]}, {}]}),
    ]
    for name, args, kw in cases:
        value, err = getattr(oi, name)(*args, **kw)
        want, _ = getattr(si, name)(*args, **kw)
        assert abs(value - want) < 1e-13 and err < 1e-8, name


def test_iterated_integrals_differentiate():
    F = lambda c: oi.dblquad(_plane, 0.0, 1.0, lambda x: x, lambda x: 1 + x * x, args=(c,))[0]  # noqa: E731
    eps = 1e-5
    assert abs(osc.grad(F)(0.7) - (F(0.7 + eps) - F(0.7 - eps)) / (2 * eps)) < 1e-8
    assert abs(osc.hessian(F)(0.7) - (osc.grad(F)(0.7 + eps) - osc.grad(F)(0.7 - eps)) / (2 * eps)) < 1e-7
    # limits that depend on the outer variable and on a traced radius: the disc's area π r², its derivative 2 π r
    area = lambda r: oi.dblquad(lambda y, x: 1.0, -r, r, lambda x: -np.sqrt(r * r - x * x),  # noqa: E731
                                lambda x: np.sqrt(r * r - x * x))[0]
    assert abs(area(1.5) - math.pi * 2.25) < 1e-8 and abs(osc.grad(area)(1.5) - 3 * math.pi) < 1e-7
    G = lambda t: oi.nquad(lambda x, y: np.exp(-t * (x + y)), [(0.0, 1.0), (0.0, 1.0)])[0]  # noqa: E731
    exact = lambda t: ((1 - np.exp(-t)) / t) ** 2  # noqa: E731
    assert abs(osc.grad(G)(1.2) - osc.grad(exact)(1.2)) < 1e-13
    assert abs(osc.jvp(G, (1.2,), (1.0,))[1] - osc.grad(exact)(1.2)) < 1e-13


def test_array_spacings_and_broadcast_sample_points():
    rng = np.random.default_rng(11)
    y = rng.normal(size=(3, 6, 2))
    dx, initial = rng.uniform(0.1, 1.0, (3, 1, 2)), rng.normal(size=(3, 1, 2))
    for n in (2, 5, 6):
        np.testing.assert_allclose(oi.cumulative_simpson(y[:, :n], dx=dx, axis=1, initial=initial),
                                   si.cumulative_simpson(y[:, :n], dx=dx, axis=1, initial=initial), rtol=1e-13)
    x = np.cumsum(rng.uniform(0.1, 1.0, (1, 6, 1)), axis=1)
    np.testing.assert_allclose(oi.trapezoid(y, x=x, axis=1), si.trapezoid(y, x=x, axis=1), rtol=1e-13)
    check_grads(lambda dx: oi.cumulative_simpson(y, dx=dx, axis=1), (dx,), order=2, modes=("fwd", "rev"))


def test_quad_calls_an_elementwise_integrand_on_arrays_and_others_point_by_point():
    shapes = []

    def elementwise(s, c):
        shapes.append(np.shape(s))
        return np.exp(-c * s * s)

    f = lambda c: oi.quad(elementwise, -np.inf, np.inf, args=(c,))[0]  # noqa: E731
    assert abs(f(2.0) - math.sqrt(math.pi / 2.0)) < 1e-13
    assert (21,) in shapes and shapes.count(()) == 21  # (one subinterval point by point, then arrays)
    assert abs(osc.grad(f)(2.0) + math.sqrt(math.pi) / 2 * 2.0 ** -1.5) < 1e-13

    def branchy(s):  # (a Python branch: only for one number)
        return s * s if s > 0.5 else s

    assert abs(oi.quad(branchy, 0.0, 1.0)[0] - (0.125 + 0.875 / 3)) < 1e-13
    centred = lambda s: s - np.mean(s)  # noqa: E731  (not elementwise: 0 for one number)
    assert oi.quad(centred, 0.0, 1.0)[0] == 0.0
