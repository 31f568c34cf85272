"""osculate.scipy.integrate.tanhsinh and nsum against SciPy: values, levels, derivatives, vmap."""

import numpy as np
import pytest
import scipy.integrate as si

import osculate as osc
from osculate.scipy import integrate
from osculate.testing import check_grads


@pytest.mark.parametrize("a, b", [(0.0, 1.0), (1.0, 0.0), (0.5, np.inf), (-np.inf, 0.5), (-np.inf, np.inf),
                                  (2.0, 2.0)])
def test_tanhsinh_values_and_levels_match_scipy(a, b):
    f = lambda x, c: np.exp(-c * x * x) * (1.0 + 0.3 * x)  # noqa: E731
    c = np.array([0.5, 1.0, 2.0])
    ref = si.tanhsinh(f, a, b, args=(c,))
    got = osc.jvp(lambda c: integrate.tanhsinh(f, a, b, args=(c,)).integral, (c,), (np.ones(3),))[0]
    res = integrate.tanhsinh(f, a, b, args=(osc.numpy.asarray(c),))
    np.testing.assert_allclose(got, ref.integral, rtol=1e-13, atol=1e-300)
    traced = osc.jvp(lambda c: integrate.tanhsinh(f, a, b, args=(c,)).maxlevel, (c,), (np.ones(3),))[0]
    np.testing.assert_array_equal(traced, ref.maxlevel)
    np.testing.assert_array_equal(res.status, ref.status)


def test_tanhsinh_plain_call_is_scipys():
    res = integrate.tanhsinh(np.sin, 0.0, np.array([1.0, 2.0]))
    ref = si.tanhsinh(np.sin, 0.0, np.array([1.0, 2.0]))
    for k in ("integral", "error", "nfev", "maxlevel", "status"):
        np.testing.assert_array_equal(res[k], ref[k])


def test_tanhsinh_singular_end_and_nfev():
    f = lambda x, p: x ** p  # noqa: E731
    ref = si.tanhsinh(f, 0.0, 1.0, args=(-0.5,))
    got = osc.jvp(lambda p: integrate.tanhsinh(f, 0.0, 1.0, args=(p,)), (-0.5,), (1.0,))[0]
    assert abs(got["integral"] - ref.integral) < 1e-12
    assert got["nfev"] == ref.nfev and got["maxlevel"] == ref.maxlevel
    d = osc.grad(lambda p: integrate.tanhsinh(f, 0.0, 1.0, args=(p,)).integral)(-0.5)
    assert abs(d + 1.0 / 0.25) < 1e-8  # d/dp 1/(p+1) = -1/(p+1)²


def test_tanhsinh_grads_in_args_and_limits():
    def g(c, a, b):
        return integrate.tanhsinh(lambda x, c: np.exp(c * x) * np.cos(x), a, b, args=(c,)).integral
    check_grads(g, (0.7, 0.2, 1.3), order=2, modes=("fwd", "rev"))
    # Leibniz: d/db ∫_a^b f = f(b), d/da = -f(a)
    da, db = osc.grad(g, argnums=(1, 2))(0.7, 0.2, 1.3)
    assert abs(db - np.exp(0.7 * 1.3) * np.cos(1.3)) < 1e-10
    assert abs(da + np.exp(0.7 * 0.2) * np.cos(0.2)) < 1e-10


def test_tanhsinh_infinite_limit_grads():
    def g(t, a):
        return integrate.tanhsinh(lambda x: np.exp(-t * x), a, np.inf).integral  # exp(-t a) / t
    check_grads(g, (1.5, 0.3), order=2, modes=("fwd", "rev"))
    assert abs(osc.grad(g)(1.5, 0.3) - osc.grad(lambda t, a: np.exp(-t * a) / t)(1.5, 0.3)) < 1e-8


def test_tanhsinh_vmap_and_jit():
    f = lambda c: integrate.tanhsinh(lambda x, c: np.exp(c * x), 0.0, 1.0, args=(c,)).integral  # noqa: E731
    cs = np.array([0.5, 1.0, 3.0])
    np.testing.assert_allclose(osc.vmap(f)(cs), [f(c) for c in cs], rtol=1e-12)
    with pytest.raises(ValueError, match="fixed_quad"):
        osc.jit(f)(1.0)


def test_tanhsinh_bad_input():
    with pytest.raises(ValueError, match="callable"):
        integrate.tanhsinh(1.0, 0.0, 1.0)
    with pytest.raises(NotImplementedError, match="log=True"):
        osc.grad(lambda c: integrate.tanhsinh(lambda x: c * x, 0.0, 1.0, log=True).integral)(1.0)
    with pytest.raises(ValueError, match="atol"):
        integrate.tanhsinh(np.sin, 0.0, 1.0, atol=-1.0)


@pytest.mark.parametrize("a, b", [(1.0, np.inf), (0.0, 10.0), (-np.inf, -1.0), (-np.inf, np.inf), (3.0, 1.0)])
def test_nsum_values_match_scipy(a, b):
    f = lambda k, p: 1.0 / (1.0 + k * k) ** p  # noqa: E731
    p = np.array([1.0, 1.5])
    ref = si.nsum(f, a, b, args=(p,))
    got = osc.jvp(lambda p: integrate.nsum(f, a, b, args=(p,)).sum, (p,), (np.ones(2),))[0]
    np.testing.assert_allclose(got, ref.sum, rtol=1e-13)


def test_nsum_grads():
    s = lambda p: integrate.nsum(lambda k, p: k ** -p, 1.0, np.inf, args=(p,)).sum  # noqa: E731
    assert abs(osc.grad(s)(2.0) + 0.9375482543158437) < 1e-9   # zeta'(2)
    check_grads(lambda p, a: integrate.nsum(lambda k, p: np.exp(-p * k), a, a + 6.0, args=(p,)).sum, (0.4, 0.3),
                order=2, modes=("fwd", "rev"))
    check_grads(lambda p: integrate.nsum(lambda k, p: 1.0 / (1.0 + k * k) ** p, 0.0, np.inf, args=(p,)).sum, (1.2,),
                order=1, modes=("fwd", "rev"), eps=1e-4, rtol=1e-5)
