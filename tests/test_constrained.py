"""Constrained minimisation (issue 21, the optimisation half): the Lagrangian
plan's exact sparse derivatives, Hock–Schittkowski problems with known
solutions by every method, osculate's own bound-constrained TRON, the KKT
report, and bad input."""

import importlib.util

import numpy as np
import pytest
import scipy.optimize as so

import osculate as osc
from osculate.optim import CONSTRAINED_METHODS
from osculate.sparse.lagrangian import LagrangianPlan

HAVE_CYIPOPT = importlib.util.find_spec("cyipopt") is not None
needs_ipopt = pytest.mark.skipif(not HAVE_CYIPOPT, reason="cyipopt is not installed (pip install 'osculate[ipopt]')")
GENERAL = ["trust-constr", pytest.param("ipopt", marks=needs_ipopt), "slsqp"]
BOUNDS_ONLY = ["tron", "l-bfgs-b", "trust-constr", pytest.param("ipopt", marks=needs_ipopt)]


def _kkt_ok(res, tol=1e-6):
    assert res.kkt["stationarity"] <= tol * max(1.0, np.max(np.abs(res.grad))), res.kkt
    assert res.kkt["feasibility"] <= tol, res.kkt
    assert res.kkt["complementarity"] <= 1e-5, res.kkt
    assert res.kkt["dual_feasibility"] <= tol, res.kkt


# --------------------------------------------------------------------------- the Lagrangian plan


def _chain(n):
    f = lambda x: np.sum(x[1:] * x[:-1]) + np.sum(np.sin(x))  # noqa: E731
    c = lambda x: np.concatenate([x[1:] ** 2 * x[:-1] - 1.0, np.sum(x ** 2)[None]])  # noqa: E731
    return f, c, n


def test_lagrangian_hessian_equals_dense_and_finite_differences():
    f, c, n = _chain(12)
    m = n
    rng = np.random.default_rng(0)
    plan = LagrangianPlan(f, c, rng.standard_normal(n), m)
    for _ in range(3):  # new points and new multipliers: the same staged program
        x, lam, sigma = rng.standard_normal(n), rng.standard_normal(m), rng.uniform(0.5, 2.0)
        H = plan.hessian(x, sigma, lam).toarray()
        dense = osc.hessian(lambda z: sigma * f(z) + lam @ c(z))(x)
        np.testing.assert_allclose(H, dense, rtol=1e-12, atol=1e-12)
        gL = osc.grad(lambda z: sigma * f(z) + lam @ c(z))
        h = 1e-6
        fd = np.stack([(gL(x + h * e) - gL(x - h * e)) / (2 * h) for e in np.eye(n)], axis=1)
        np.testing.assert_allclose(H, fd, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(plan.jacobian(x).toarray(), osc.jacfwd(c)(x), rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(plan.constraints(x), c(x))
    assert plan.note == ""
    rows, cols = plan.hess_structure
    assert np.all(rows >= cols)
    # one colouring for the union: a tridiagonal pattern plus sum(x**2)'s diagonal; the Jacobian's dense
    # row (the gradient of sum(x**2)) makes every column its own colour
    assert plan.n_colors <= 4 and plan.jac_colors == n
    banded = LagrangianPlan(f, lambda x: x[1:] ** 2 * x[:-1], np.ones(n), n - 1)
    assert banded.jac_colors == 2 and banded.n_colors <= 4


def test_lagrangian_objective_factor_and_no_constraints():
    f = lambda x: np.sum(x ** 4)  # noqa: E731
    plan = LagrangianPlan(f, None, np.ones(5), 0)
    x = np.arange(5.0)
    np.testing.assert_allclose(plan.hessian(x, 3.0).toarray(), 3.0 * np.diag(12 * x ** 2))
    assert plan.jacobian(x).shape == (0, 5)
    with pytest.raises(ValueError, match="lam must have shape"):
        LagrangianPlan(f, lambda x: x[:2], np.ones(5), 2).hess_values(x, 1.0, np.ones(3))


# --------------------------------------------------------------------------- Hock–Schittkowski


def hs071():
    f = lambda x: x[0] * x[3] * (x[0] + x[1] + x[2]) + x[2]  # noqa: E731
    cons = [osc.Ineq(lambda x: np.prod(x), 25.0), osc.Eq(lambda x: np.sum(x ** 2), 40.0)]
    return f, np.array([1.0, 5.0, 5.0, 1.0]), [(1.0, 5.0)] * 4, cons


HS071_X = np.array([1.0, 4.74299963, 3.82114998, 1.37940829])


@pytest.mark.parametrize("method", GENERAL)
def test_hs071(method):
    f, x0, bounds, cons = hs071()
    res = osc.minimize(f, x0, method=method, bounds=bounds, constraints=cons)
    assert res.success, res.message
    assert abs(res.fun - 17.0140173) < 1e-6
    np.testing.assert_allclose(res.x, HS071_X, atol=1e-6)
    _kkt_ok(res)
    # IPOPT's documented multipliers: 0.55229366 (prod >= 25, active at its lower limit: negative here)
    # and -0.16146857 (IPOPT's sign for sum(x**2) = 40 in its own example is the opposite of f + lam c)
    np.testing.assert_allclose(res.multipliers[0], [-0.55229366], atol=1e-5)
    np.testing.assert_allclose(res.multipliers[1], [0.16146857], atol=1e-5)
    assert res.active["constraints"][0].tolist() == [True]
    np.testing.assert_allclose(res.bound_multipliers[0], -1.08787121, atol=1e-4)


def _hs6():
    return (lambda x: (1 - x[0]) ** 2, np.array([-1.2, 1.0]), None,
            [osc.Eq(lambda x: 10 * (x[1] - x[0] ** 2))], np.array([1.0, 1.0]), 0.0)


def _hs7():
    return (lambda x: np.log(1 + x[0] ** 2) - x[1], np.array([2.0, 2.0]), None,
            [{"type": "eq", "fun": lambda x: (1 + x[0] ** 2) ** 2 + x[1] ** 2 - 4}],
            np.array([0.0, np.sqrt(3.0)]), -np.sqrt(3.0))


def _hs35():
    f = lambda x: (9 - 8 * x[0] - 6 * x[1] - 4 * x[2] + 2 * x[0] ** 2 + 2 * x[1] ** 2 + x[2] ** 2  # noqa: E731
                   + 2 * x[0] * x[1] + 2 * x[0] * x[2])
    return (f, np.full(3, 0.5), so.Bounds(np.zeros(3), np.full(3, np.inf)),
            [so.LinearConstraint(np.array([[1.0, 1.0, 2.0]]), -np.inf, 3.0)],
            np.array([4 / 3, 7 / 9, 4 / 9]), 1 / 9)


def _hs71_scipy_form():
    f, x0, bounds, _ = hs071()
    cons = [so.NonlinearConstraint(lambda x: np.prod(x), 25.0, np.inf),
            {"type": "eq", "fun": lambda x: np.sum(x ** 2) - 40.0}]
    return f, x0, so.Bounds(np.ones(4), np.full(4, 5.0)), cons, HS071_X, 17.0140173


@pytest.mark.parametrize("problem", [_hs6, _hs7, _hs35, _hs71_scipy_form])
@pytest.mark.parametrize("method", GENERAL)
def test_hock_schittkowski(problem, method):
    f, x0, bounds, cons, xstar, fstar = problem()
    res = osc.minimize(f, x0, method=method, bounds=bounds, constraints=cons)
    assert res.success, res.message
    assert abs(res.fun - fstar) < 1e-6
    np.testing.assert_allclose(res.x, xstar, atol=1e-6)
    _kkt_ok(res)


def _hs38():
    f = lambda x: (100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2 + 90 * (x[3] - x[2] ** 2) ** 2  # noqa: E731
                   + (1 - x[2]) ** 2 + 10.1 * ((x[1] - 1) ** 2 + (x[3] - 1) ** 2) + 19.8 * (x[1] - 1) * (x[3] - 1))
    return f, np.array([-3.0, -1.0, -3.0, -1.0]), [(-10, 10)] * 4, np.ones(4), 0.0


def _hs3():
    return lambda x: x[1] + 1e-5 * (x[1] - x[0]) ** 2, np.array([10.0, 1.0]), [(None, None), (0, None)], \
        np.zeros(2), 0.0


def _hs5():
    f = lambda x: np.sin(x[0] + x[1]) + (x[0] - x[1]) ** 2 - 1.5 * x[0] + 2.5 * x[1] + 1  # noqa: E731
    return (f, np.zeros(2), [(-1.5, 4.0), (-3.0, 3.0)],
            np.array([-np.pi / 3 + 0.5, -np.pi / 3 - 0.5]), -np.sqrt(3) / 2 - np.pi / 3)


@pytest.mark.parametrize("problem", [_hs38, _hs3, _hs5])
@pytest.mark.parametrize("method", BOUNDS_ONLY)
def test_bound_constrained_hs(problem, method):
    f, x0, bounds, xstar, fstar = problem()
    res = osc.minimize(f, x0, method=method, bounds=bounds)
    assert res.success, res.message
    assert abs(res.fun - fstar) < 1e-7
    np.testing.assert_allclose(res.x, xstar, atol=1e-4 if method in ("l-bfgs-b", "trust-constr") else 1e-6)


def _rosen(x):
    return np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def test_tron_bounded_rosenbrock_agrees_with_lbfgsb_and_trust_constr():
    n = 10
    bounds = so.Bounds(np.full(n, -2.0), np.r_[np.full(n - 3, 2.0), 0.5, 0.3, 0.2])
    x0 = np.full(n, -1.0)
    res = {m: osc.minimize(_rosen, x0, method=m, bounds=bounds) for m in ("tron", "l-bfgs-b", "trust-constr")}
    for m, r in res.items():
        assert r.success, (m, r.message)
    np.testing.assert_allclose(res["tron"].x, res["l-bfgs-b"].x, atol=1e-6)
    np.testing.assert_allclose(res["tron"].x, res["trust-constr"].x, atol=1e-6)
    tron = res["tron"]
    assert tron.active["upper"].tolist() == [n - 3]  # x[7] = 0.5 holds; x[8], x[9] sit inside
    assert tron.bound_multipliers[n - 3] > 0
    _kkt_ok(tron, 1e-8)
    assert tron.derivative_calls["nhvp"] > 0


def test_tron_active_bounds_quadratic():
    # a convex quadratic whose unconstrained minimiser lies outside the box on 4 of 6 coordinates
    rng = np.random.default_rng(1)
    A = rng.standard_normal((6, 6))
    Q = A @ A.T + np.eye(6)
    t = np.array([3.0, -3.0, 0.2, 0.1, 2.5, -0.1])
    f = lambda x: 0.5 * (x - t) @ Q @ (x - t)  # noqa: E731
    bounds = [(-1.0, 1.0)] * 6
    a = osc.minimize(f, np.zeros(6), method="tron", bounds=bounds)
    b = osc.minimize(f, np.zeros(6), method="l-bfgs-b", bounds=bounds, gtol=1e-12)
    assert a.success and b.success
    np.testing.assert_allclose(a.x, b.x, atol=1e-6)
    assert a.active["lower"].size + a.active["upper"].size >= 2
    _kkt_ok(a, 1e-8)


def test_tron_callback_and_unknown_option():
    seen = []
    res = osc.minimize(_rosen, np.zeros(4), method="tron", bounds=[(0, 0.5)] * 4,
                       callback=lambda xk: seen.append(xk) or len(seen) >= 2)
    assert res.status == 5 and len(seen) == 2 and not res.success
    with pytest.raises(ValueError, match="unknown option.*'tron'"):
        osc.minimize(_rosen, np.zeros(4), method="tron", bounds=[(0, 1)] * 4, radius=3)


# --------------------------------------------------------------------------- forms and conventions


def test_ineq_default_is_scipy_dict_convention():
    f = lambda x: (x[0] - 3.0) ** 2  # noqa: E731
    a = osc.minimize(f, np.zeros(1), method="slsqp", constraints=[osc.Ineq(lambda x: 1.0 - x[0])])
    b = osc.minimize(f, np.zeros(1), method="slsqp", constraints={"type": "ineq", "fun": lambda x: 1.0 - x[0]})
    c = osc.minimize(f, np.zeros(1), method="trust-constr", constraints=[osc.Ineq(lambda x: x[0], -np.inf, 1.0)])
    d = osc.minimize(f, np.zeros(1), method="trust-constr", constraints=[osc.Ineq(lambda x: x[0], ub=1.0)])
    assert (osc.Ineq(np.sin).limits, osc.Ineq(np.sin, lb=2.0).limits) == ((0.0, np.inf), (2.0, np.inf))
    for r in (a, b, c, d):
        assert r.success, r.message
        np.testing.assert_allclose(r.x, [1.0], atol=1e-6)
    assert abs(c.x[0] - 1.0) < 1e-6
    # grad f + lam * dc/dx = 0: -4 + lam * (-1) = 0 for 1 - x >= 0 (lower limit active, lam <= 0)
    np.testing.assert_allclose(a.multipliers[0], [-4.0], atol=1e-6)
    np.testing.assert_allclose(c.multipliers[0], [4.0], atol=1e-5)


def test_args_and_vector_constraints():
    f = lambda x, w: w @ x ** 2  # noqa: E731
    cons = [osc.Eq(lambda x: x[:2] + x[2:], np.array([1.0, 2.0]))]
    res = osc.minimize(f, np.zeros(4), method="trust-constr", constraints=cons, args=(np.ones(4),))
    assert res.success
    np.testing.assert_allclose(res.x, [0.5, 1.0, 0.5, 1.0], atol=1e-6)
    assert res.multipliers[0].shape == (2,) and res.constr[0].shape == (2,)


@needs_ipopt
def test_ipopt_infeasible_start_and_timings():
    f, _, bounds, cons = hs071()
    res = osc.minimize(f, np.full(4, 2.0), method="ipopt", bounds=bounds, constraints=cons)
    assert res.success and abs(res.fun - 17.0140173) < 1e-6
    assert res.derivative_calls["hessian"] >= 1 and res.derivative_seconds["hessian"] > 0


def test_trust_constr_infeasible_start():
    f, _, bounds, cons = hs071()
    res = osc.minimize(f, np.full(4, 2.0), method="trust-constr", bounds=bounds, constraints=cons)
    assert res.success and abs(res.fun - 17.0140173) < 1e-6


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("method", GENERAL)
def test_inconsistent_constraints_fail_honestly(method):
    cons = [osc.Eq(lambda x: x[0], 1.0), osc.Eq(lambda x: x[0], 2.0)]
    res = osc.minimize(lambda x: np.sum(x ** 2), np.zeros(2), method=method, constraints=cons, maxiter=200)
    assert not res.success
    assert res.status == 8 and "no feasible point" in res.message
    assert res.constr_violation >= 0.49


def test_bounds_lb_above_ub():
    with pytest.raises(ValueError, match="lb > ub for variable 1"):
        osc.minimize(_rosen, np.zeros(2), method="tron", bounds=[(0, 1), (2, 1)])
    with pytest.raises(ValueError, match="lb > ub at position 0"):
        osc.minimize(_rosen, np.zeros(2), method="ipopt", constraints=[osc.Ineq(lambda x: x[0], 1.0, 0.0)])
    with pytest.raises(ValueError, match="2 .low, high. pairs"):
        osc.minimize(_rosen, np.zeros(2), method="tron", bounds=[(0, 1)])


def test_nonfinite_constraint_at_start():
    with pytest.raises(ValueError, match=r"constraint 1 \(Ineq\) is not finite at x0"):
        osc.minimize(_rosen, np.zeros(2), method="trust-constr",
                     constraints=[osc.Eq(lambda x: x[0]), osc.Ineq(lambda x: np.log(x[1]))])


def test_wrong_shapes():
    with pytest.raises(ValueError, match="returns a scalar or a 1-D array"):
        osc.minimize(_rosen, np.zeros(4), method="slsqp", constraints=[osc.Eq(lambda x: np.outer(x, x))])
    with pytest.raises(ValueError, match="lb has shape"):
        osc.minimize(_rosen, np.zeros(4), method="slsqp", constraints=[osc.Ineq(lambda x: x[:2], np.zeros(3))])
    with pytest.raises(ValueError, match="objective must return a scalar"):
        osc.minimize(lambda x: x, np.zeros(4), method="tron", bounds=[(0, 1)] * 4)
    with pytest.raises(TypeError, match="constraint 0: expected osculate.Eq"):
        osc.minimize(_rosen, np.zeros(4), method="slsqp", constraints=[lambda x: x[0]])


def test_methods_that_do_not_take_constraints():
    with pytest.raises(ValueError, match="'newton' is unconstrained.*'tron'"):
        osc.minimize(_rosen, np.zeros(2), method="newton", bounds=[(0, 1)] * 2)
    with pytest.raises(ValueError, match="accepts bounds only.*'trust-constr', 'ipopt', 'slsqp'"):
        osc.minimize(_rosen, np.zeros(2), method="tron", constraints=[osc.Eq(lambda x: x[0])])
    with pytest.raises(ValueError, match="computes every derivative itself"):
        osc.minimize(_rosen, np.zeros(2), method="trust-constr", grad=lambda x: x)
    assert set(CONSTRAINED_METHODS) == {"trust-constr", "ipopt", "slsqp", "l-bfgs-b", "tron"}


@needs_ipopt
def test_nonfinite_values_during_the_run_are_reported():
    # log(x) is fine at x0 but the unconstrained optimum of the objective pulls x below 0
    res = osc.minimize(lambda x: (x[0] + 3.0) ** 2, np.array([1.0]), method="ipopt",
                       constraints=[osc.Ineq(lambda x: np.log(x[0]), -10.0)])
    assert res.success  # IPOPT backs off from the NaN trial points: the answer is x = exp(-10)
    np.testing.assert_allclose(res.x, [np.exp(-10.0)], rtol=1e-4)  # IPOPT's tol = 1e-8 on scaled KKT


@pytest.mark.parametrize("method", ["slsqp", "trust-constr"])
def test_nonfinite_values_during_the_run_fail_honestly(method):
    # SciPy's solvers step to x < 0 where log(x) is NaN: no warning escapes, no success is claimed
    res = osc.minimize(lambda x: (x[0] + 3.0) ** 2, np.array([1.0]), method=method,
                       constraints=[osc.Ineq(lambda x: np.log(x[0]), -10.0)], maxiter=100)
    assert not res.success and res.status in (1, 3, 8) and res.note == ""


def test_ipopt_missing_is_a_clear_error(monkeypatch):
    import builtins

    real = builtins.__import__

    def fake(name, *a, **k):
        if name == "cyipopt":
            raise ImportError("no cyipopt")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(ImportError, match=r"osculate\[ipopt\]"):
        osc.minimize(_rosen, np.zeros(2), method="ipopt", bounds=[(0, 1)] * 2)


# --------------------------------------------------------------------------- the second-order test at the solution


def test_second_order_test_attached():
    f, x0, bounds, cons = hs071()
    res = osc.minimize(f, x0, method="slsqp", bounds=bounds, constraints=cons)
    so_ = res.second_order
    assert so_.classification == "strict constrained local minimum" and so_.certified
    # the active set handed over: 1 equality, the product >= 25 and the bound x[0] >= 1
    assert so_.n_constraints == 3 and so_.n_active_ineq == 2
    np.testing.assert_allclose(so_.reduced_eigenvalues, [1.18229], atol=1e-5)
    interior = osc.minimize(_rosen, np.zeros(3), method="tron", bounds=[(-5, 5)] * 3)
    assert interior.second_order.classification == "strict local minimum"
    off = osc.minimize(_rosen, np.zeros(3), method="tron", bounds=[(-5, 5)] * 3, second_order=False)
    assert off.second_order is None and off.second_order_note == ""


def test_second_order_test_reports_a_constrained_maximum():
    # x0 * x1 on x0 + x1 = 0 is -x0**2: the Lagrange point 0 is a maximum along the line
    res = osc.minimize(lambda x: x[0] * x[1], np.array([0.5, 0.5]), method="slsqp",
                       constraints=[osc.Eq(lambda x: x[0] + x[1])])
    assert res.status == 4 and not res.success
    assert "strict constrained local maximum (certified=True)" in res.message


def test_second_order_skipped_for_large_n():
    n = 300
    res = osc.minimize(lambda x: np.sum((x - 2.0) ** 2), np.zeros(n), method="tron", bounds=[(0, 1)] * n)
    assert res.success and res.second_order is None
    assert "skipped: n = 300 > 200" in res.second_order_note
    np.testing.assert_allclose(res.x, np.ones(n))
    np.testing.assert_allclose(res.bound_multipliers, np.full(n, 2.0))
