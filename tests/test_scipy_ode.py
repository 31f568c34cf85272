"""osculate.scipy.integrate.solve_ivp / odeint: SciPy's values, and the derivatives of the replayed steps
against closed forms, finite differences of SciPy's own solutions, and each other."""

import numpy as np
import pytest
import scipy.integrate as si

import osculate as osc
from osculate.ad.core import UnsupportedConversionError
from osculate.scipy import integrate as oi
from osculate.testing import check_grads

METHODS = ["RK23", "RK45", "DOP853"]


def lotka(t, y, a, b):
    return np.stack([a * y[0] - 0.5 * y[0] * y[1], -b * y[1] + 0.3 * y[0] * y[1]])


Y0 = np.array([1.5, 1.0])


@pytest.mark.parametrize("method", METHODS)
def test_values_equal_scipy(method):
    t_eval = np.linspace(0.0, 6.0, 17)
    for kw in [{}, {"rtol": 1e-8, "atol": 1e-10}, {"t_eval": t_eval}, {"t_eval": t_eval[::-1] * 0.5,
                                                                       "span": (3.0, 0.0)}]:
        kw = dict(kw)
        span = kw.pop("span", (0.0, 6.0))
        want = si.solve_ivp(lotka, span, Y0, method=method, args=(1.0, 0.7), dense_output=True, **kw)
        got = oi.solve_ivp(lotka, span, Y0, method=method, args=(1.0, 0.7), dense_output=True, **kw)
        assert got.success and got.status == want.status and got.message == want.message
        np.testing.assert_array_equal(got.t, want.t)
        np.testing.assert_allclose(got.y, want.y, rtol=1e-12, atol=0)
        dense = np.linspace(*span, 23)
        np.testing.assert_allclose(got.sol(dense), want.sol(dense), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(got.sol(dense[5]), want.sol(dense[5]), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("method", METHODS)
def test_exponential_decay_against_closed_form(method):
    t_eval = np.array([0.0, 0.5, 1.3, 2.0])

    def y(k):
        return oi.solve_ivp(lambda t, y: -k * y, (0.0, 2.0), np.array([1.0]), method=method, t_eval=t_eval,
                            rtol=1e-10, atol=1e-13).y[0]

    k = 0.8
    exact = np.exp(-k * t_eval)
    tol = 1e-6 if method == "RK23" else 1e-7   # (the dense output between the few, long steps)
    np.testing.assert_allclose(y(k), exact, rtol=tol)
    np.testing.assert_allclose(osc.jacfwd(y)(k), -t_eval * exact, rtol=tol, atol=1e-14)
    np.testing.assert_allclose(osc.jacrev(y)(k), -t_eval * exact, rtol=tol, atol=1e-14)
    np.testing.assert_allclose(osc.jacfwd(osc.jacrev(y))(k), t_eval ** 2 * exact, rtol=tol, atol=1e-14)
    np.testing.assert_allclose(osc.hessian(lambda k: y(k)[-1])(k), 4.0 * exact[-1], rtol=tol)
    # the initial value: dy/dy0 = exp(-k t)
    d0 = osc.jacfwd(lambda y0: oi.solve_ivp(lambda t, y: -k * y, (0.0, 2.0), y0, method=method, t_eval=t_eval,
                                            rtol=1e-10, atol=1e-13).y[0])(np.array([1.0]))
    np.testing.assert_allclose(d0[:, 0], exact, rtol=tol)


def test_lotka_volterra_gradient_against_finite_differences_of_scipy():
    t_eval = np.linspace(0.0, 4.0, 9)
    tight = {"rtol": 1e-12, "atol": 1e-12}

    def end(p, solver):
        return solver(lotka, (0.0, 4.0), Y0, method="DOP853", args=(p[0], p[1]), t_eval=t_eval, **tight).y

    p = np.array([1.0, 0.7])
    got = osc.jacrev(lambda p: end(p, oi.solve_ivp))(p)
    eps = 1e-6
    for i in range(2):
        e = np.zeros(2)
        e[i] = eps
        fd = (end(p + e, si.solve_ivp) - end(p - e, si.solve_ivp)) / (2 * eps)
        np.testing.assert_allclose(got[..., i], fd, rtol=1e-6, atol=1e-7)


def _loss(p, method="DOP853"):
    t_eval = np.linspace(0.0, 3.0, 7)
    data = np.stack([1.5 + 0.2 * t_eval, 1.0 - 0.1 * t_eval])
    sol = oi.solve_ivp(lotka, (0.0, 3.0), p[2:], method=method, args=(p[0], p[1]), t_eval=t_eval, rtol=1e-12,
                       atol=1e-12)
    return 0.5 * np.sum((sol.y - data) ** 2)


def test_least_squares_hessian_against_finite_differences():
    p = np.array([1.0, 0.7, 1.5, 1.0])
    check_grads(_loss, (p,), order=2, modes=("fwd", "rev"))
    h = osc.hessian(_loss)(p)
    g = osc.grad(_loss)
    eps = 1e-5
    fd = np.stack([(g(p + eps * e) - g(p - eps * e)) / (2 * eps) for e in np.eye(4)], axis=1)
    np.testing.assert_allclose(h, fd, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(h, h.T, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("method", METHODS)
def test_jacrev_equals_jacfwd(method):
    def states(p):
        return oi.solve_ivp(lotka, (0.0, 2.0), p[2:], method=method, args=(p[0], p[1]),
                            t_eval=np.array([0.5, 1.0, 2.0])).y

    p = np.array([1.0, 0.7, 1.5, 1.0])
    np.testing.assert_allclose(osc.jacrev(states)(p), osc.jacfwd(states)(p), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(osc.hessian(lambda p: states(p).sum())(p),
                               osc.jacfwd(osc.jacfwd(lambda p: states(p).sum()))(p), rtol=1e-11, atol=1e-13)


def test_odeint_against_scipy():
    t = np.linspace(0.0, 3.0, 11)

    def rhs(y, t, a, b):
        return lotka(t, y, a, b)

    want = si.odeint(rhs, Y0, t, args=(1.0, 0.7), rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(oi.odeint(rhs, Y0, t, args=(1.0, 0.7), rtol=1e-10, atol=1e-10), want)
    traced = osc.jacfwd(lambda y0: oi.odeint(rhs, y0, t, args=(1.0, 0.7), rtol=1e-10, atol=1e-10))
    jac = traced(Y0)
    assert jac.shape == (11, 2, 2)
    values = oi.odeint(lambda y, t, a: rhs(y, t, a, 0.7), osc.numpy.asarray(Y0), t, args=(1.0,), rtol=1e-10,
                       atol=1e-10)
    np.testing.assert_allclose(values, want, rtol=1e-7)
    # tfirst, and a parameter closed over
    end = lambda a: oi.odeint(lambda t, y: lotka(t, y, a, 0.7), Y0, t, tfirst=True, rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(end(1.0), want, rtol=1e-7)
    eps = 1e-6
    fd = (si.odeint(rhs, Y0, t, args=(1.0 + eps, 0.7), rtol=1e-12, atol=1e-12)
          - si.odeint(rhs, Y0, t, args=(1.0 - eps, 0.7), rtol=1e-12, atol=1e-12)) / (2 * eps)
    np.testing.assert_allclose(osc.jacrev(end)(1.0), fd, rtol=1e-5, atol=1e-7)


def test_refusals():
    with pytest.raises(UnsupportedConversionError, match="osculate.scipy.integrate.solve_ivp"):
        osc.grad(lambda k: si.solve_ivp(lambda t, y: -k * y, (0.0, 1.0), [1.0]).y[0, -1])(1.0)
    with pytest.raises(ValueError, match="use an explicit method"):
        osc.grad(lambda k: oi.solve_ivp(lambda t, y: -k * y, (0.0, 1.0), [1.0], method="Radau").y[0, -1])(1.0)
    with pytest.raises(ValueError, match="use an explicit method"):
        osc.grad(lambda y0: oi.solve_ivp(lambda t, y: -y, (0.0, 1.0), y0, method="BDF").y[0, -1])(np.ones(1))
    with pytest.raises(ValueError, match="t_span must be plain"):
        osc.grad(lambda tf: oi.solve_ivp(lambda t, y: -y, (0.0, tf), [1.0]).y[0, -1])(1.0)
    with pytest.raises(ValueError, match="y0 must be 1-dimensional"):
        oi.solve_ivp(lambda t, y: -y, (0.0, 1.0), np.ones((2, 2)))
    with pytest.raises(ValueError, match="inside jit or vmap"):
        osc.jit(lambda y0: oi.solve_ivp(lambda t, y: -y, (0.0, 1.0), y0).y)(np.ones(1))
    # plain values through the implicit methods are SciPy's
    got = oi.solve_ivp(lambda t, y: -y, (0.0, 1.0), [1.0], method="Radau")
    np.testing.assert_array_equal(got.y, si.solve_ivp(lambda t, y: -y, (0.0, 1.0), [1.0], method="Radau").y)


def test_a_right_hand_side_that_is_not_finite_at_the_start_gives_nan_in_bounded_time():
    """SciPy's explicit solvers loop forever when f(t0, y0) is nan (the step size becomes nan);
    here the solution is nan at every requested time, with status -1, and so is its derivative."""
    decay = lambda t, y, k: -k * y  # noqa: E731
    res = oi.solve_ivp(decay, (0.0, 2.0), np.array([1.0]), args=(np.nan,), t_eval=[0.5, 1.0])
    assert res.status == -1 and not res.success and "not finite" in res.message
    assert res.y.shape == (1, 2) and np.all(np.isnan(res.y))
    g = osc.grad(lambda k: oi.solve_ivp(decay, (0.0, 2.0), np.array([1.0]), args=(k,)).y[0, -1])(np.nan)
    assert np.isnan(g)
