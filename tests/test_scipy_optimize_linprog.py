"""osculate.scipy.optimize.linprog: SciPy's solution, differentiable in the constraint
data through the active set (closed forms: x = G⁻¹ h on the active rows), the optimal
value's gradient is SciPy's duals, under jit the active set is found again at each
replay, and integer or failed solves are refused."""

import numpy as np
import pytest
import scipy.optimize as sopt

import osculate as osc
from osculate.scipy import optimize as oopt
from osculate.testing import check_grads

C = np.array([-1.0, -2.0, -0.3])   # (a strict optimum: every reduced cost nonzero)
A_UB = np.array([[1.0, 1.0, 1.0], [1.0, 3.0, 0.0], [0.0, 1.0, 2.0]])
B_UB = np.array([4.0, 6.0, 5.0])


def test_plain_call_is_scipys():
    ours, theirs = oopt.linprog(C, A_ub=A_UB, b_ub=B_UB), sopt.linprog(C, A_ub=A_UB, b_ub=B_UB)
    assert np.array_equal(ours.x, theirs.x) and ours.fun == theirs.fun


def test_solution_moves_with_the_active_constraints():
    res = sopt.linprog(C, A_ub=A_UB, b_ub=B_UB)
    sol = lambda A, b: oopt.linprog(C, A_ub=A, b_ub=b).x  # noqa: E731
    np.testing.assert_array_equal(sol(A_UB, B_UB), res.x)
    active = np.abs(A_UB @ res.x - B_UB) < 1e-9
    rows = [A_UB[active]] + [np.eye(3)[i:i + 1] for i in range(3) if res.x[i] == 0.0]
    G = np.vstack(rows)
    assert G.shape == (3, 3)   # a vertex
    dx_db = osc.jacfwd(lambda b: sol(A_UB, b))(B_UB)
    want = np.zeros((3, 3))
    want[:, active] = np.linalg.inv(G)[:, :int(active.sum())]
    np.testing.assert_allclose(dx_db, want, atol=1e-12)
    np.testing.assert_allclose(osc.jacrev(lambda b: sol(A_UB, b))(B_UB), dx_db, atol=1e-12)
    check_grads(lambda A: sol(A, B_UB), (A_UB,), order=2, modes=("fwd", "rev"), eps=1e-6, rtol=1e-5)


def test_value_gradient_is_the_duals_and_x_in_c():
    res = sopt.linprog(C, A_ub=A_UB, b_ub=B_UB)
    best = lambda c, b: oopt.linprog(c, A_ub=A_UB, b_ub=b).fun  # noqa: E731
    np.testing.assert_allclose(osc.grad(lambda b: best(C, b))(B_UB), res.ineqlin.marginals, atol=1e-12)
    np.testing.assert_allclose(osc.grad(lambda c: best(c, B_UB))(C), res.x, atol=1e-12)
    np.testing.assert_allclose(osc.hessian(lambda c: best(c, B_UB))(C), 0.0, atol=1e-12)


def test_equalities_bounds_and_fields():
    A_eq, b_eq = np.array([[1.0, -1.0, 0.0]]), np.array([0.5])
    bounds = [(0.0, 2.0), (None, None), (0.0, None)]
    res = sopt.linprog(C, A_ub=A_UB, b_ub=B_UB, A_eq=A_eq, b_eq=b_eq, bounds=bounds)
    seen = {}

    def value(b):
        r = oopt.linprog(C, A_ub=A_UB, b_ub=B_UB, A_eq=A_eq, b_eq=b, bounds=bounds)
        seen.update(x=r.x.primal, slack=r.slack.primal, con=r.con.primal)
        return r.fun

    g = osc.grad(value)(b_eq)
    np.testing.assert_allclose(g, res.eqlin.marginals, atol=1e-12)
    np.testing.assert_array_equal(seen["x"], res.x)
    np.testing.assert_allclose(seen["slack"], res.slack, atol=1e-12)
    np.testing.assert_allclose(seen["con"], res.con, atol=1e-12)


def test_jit_finds_the_active_set_again_at_each_replay():
    sol = lambda b: oopt.linprog(C, A_ub=A_UB, b_ub=b).x  # noqa: E731
    staged = osc.jit(osc.jacfwd(sol))
    for b in (B_UB, np.array([4.0, 6.0, 50.0]), np.array([1.0, 6.0, 5.0])):   # different active sets
        np.testing.assert_allclose(staged(b), osc.jacfwd(sol)(b), atol=1e-12)


def test_integrality_and_failed_solves_are_refused():
    with pytest.raises(ValueError, match="the solve failed"):
        osc.grad(lambda b: oopt.linprog(C, A_ub=A_UB, b_ub=b, A_eq=np.ones((1, 3)), b_eq=[100.0]).fun)(B_UB)
    with pytest.raises(ValueError, match="integrality"):
        osc.grad(lambda b: oopt.linprog(C, A_ub=A_UB, b_ub=b, integrality=[1, 0, 0]).fun)(B_UB)
