"""``jit="auto" | True | False`` of the solvers and sparse plans (issue 18).

``"auto"`` stages each derivative once per call and must give the eager
results (to rounding); a function with value-dependent Python control flow
falls back to eager evaluation with a one-line note; ``jit=True`` lets the
staging error propagate; the function is traced O(1) times per call.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import osculate as osc
from osculate.ad.tree import tree_flatten
from osculate.analysis import find_critical_points
from osculate.optim import METHODS, Objective, least_squares, minimize


class Counting:
    """``fn`` that counts its traced calls (arguments that are not plain arrays)."""

    def __init__(self, fn):
        self.fn = fn
        self.traced = 0
        self.plain = 0

    def __call__(self, x, *args):
        leaves = tree_flatten(x)[0] if not isinstance(x, np.ndarray) else [x]
        if all(isinstance(v, (np.ndarray, float, int, np.generic)) for v in leaves):
            self.plain += 1
        else:
            self.traced += 1
        return self.fn(x, *args)


def rosen(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def branchy(x):
    """A Python ``if`` on a value: cannot be staged, fine eagerly."""
    if x[0] > 0:
        return np.sum((x - 1.0) ** 2) + 0.1 * np.sum(x**4)
    return np.sum((x + 1.0) ** 2) + 0.1 * np.sum(x**4)


X0 = np.tile([-1.2, 1.0], 5)
TOL = 1e-12


def close(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and np.all(np.abs(a - b) <= TOL * np.maximum(1.0, np.abs(b)))


# --------------------------------------------------------------------------- minimize


@pytest.mark.parametrize("method", [m for m in METHODS if m != "natural-gradient"])
def test_minimize_auto_matches_eager_on_rosenbrock(method):
    # gradient descent does not converge on Rosenbrock: stop it before one-ulp differences of the
    # staged gradient (scale folding rounds differently) grow along its long, ill-conditioned path
    kw = dict(maxiter=100) if method == "gradient-descent" else {}
    a = minimize(rosen, X0, method=method, jit="auto", **kw)
    b = minimize(rosen, X0, method=method, jit=False, **kw)
    assert a.note == "" and b.note == ""
    assert a.nit == b.nit and a.status == b.status and a.success == b.success
    assert close(a.x, b.x) and close(a.fun, b.fun) and close(a.grad, b.grad)
    assert (a.nfev, a.ngev, a.nhvp, a.nhev) == (b.nfev, b.ngev, b.nhvp, b.nhev)
    assert close(a.history["f"], b.history["f"])


def test_minimize_natural_gradient_auto_matches_eager():
    fisher = lambda x, v: v  # noqa: E731
    a = minimize(rosen, X0, method="natural-gradient", fisher=fisher, maxiter=200)
    b = minimize(rosen, X0, method="natural-gradient", fisher=fisher, maxiter=200, jit=False)
    assert a.nit == b.nit and close(a.x, b.x)


@pytest.mark.parametrize("method", ["newton", "trust-ncg", "newton-cg", "trust-exact", "bfgs"])
def test_minimize_traces_a_bounded_number_of_times(method):
    f = Counting(rosen)
    res = minimize(f, X0, method=method)
    assert res.success and res.nit > 20
    assert f.traced <= 3  # gradient, Hessian-vector product, Hessian: once each
    g = Counting(rosen)
    minimize(g, X0, method=method, jit=False)
    assert g.traced >= res.nit  # eager: traced at every iteration


@pytest.mark.parametrize("method", ["newton", "trust-ncg", "newton-cg", "bfgs"])
def test_minimize_falls_back_with_a_note(method):
    f = Counting(branchy)
    a = minimize(f, np.full(4, 0.5), method=method)
    b = minimize(branchy, np.full(4, 0.5), method=method, jit=False)
    assert a.note.startswith("jit='auto': staging the ") and "ConcretizationError" in a.note
    assert "\n" not in a.note and b.note == ""
    assert a.nit == b.nit and close(a.x, b.x) and close(a.fun, b.fun)
    with pytest.raises(osc.ConcretizationError):
        minimize(branchy, np.full(4, 0.5), method=method, jit=True)


def test_minimize_jit_true_matches_and_bad_value_rejected():
    a = minimize(rosen, X0, method="trust-ncg", jit=True)
    b = minimize(rosen, X0, method="trust-ncg", jit=False)
    assert close(a.x, b.x) and a.nit == b.nit
    with pytest.raises(ValueError, match="jit must be 'auto', True or False"):
        minimize(rosen, X0, jit="always")


def test_minimize_error_also_raised_eagerly_propagates():
    def bad(x):
        if x.shape[0] > 2:  # a shape test is fine when staging
            raise RuntimeError("user error")
        return np.sum(x**2)

    with pytest.raises(RuntimeError, match="user error"):
        minimize(bad, np.ones(3))


def test_minimize_callback_sees_points_and_pytrees_work():
    seen = []
    a = minimize(rosen, X0, method="newton-cg", callback=lambda xk: seen.append(np.copy(xk)))
    b_seen = []
    b = minimize(rosen, X0, method="newton-cg", jit=False, callback=lambda xk: b_seen.append(np.copy(xk)))
    assert len(seen) == a.nit == len(b_seen) and all(close(p, q) for p, q in zip(seen, b_seen))
    assert close(seen[-1], a.x)

    def tree_f(p):
        return rosen(np.concatenate([p["a"], p["b"]])) + (p["c"] - 2.0) ** 2

    x0 = {"a": X0[:4].copy(), "b": X0[4:].copy(), "c": 0.0}
    trees = []
    ta = minimize(tree_f, x0, method="trust-ncg", callback=lambda p: trees.append(p))
    tb = minimize(tree_f, x0, method="trust-ncg", jit=False)
    assert ta.note == "" and sorted(ta.x) == ["a", "b", "c"] and isinstance(trees[0], dict)
    for k in ("a", "b", "c"):
        assert close(ta.x[k], tb.x[k]) and close(ta.grad[k], tb.grad[k])


def test_objective_modes():
    obj = Objective(rosen)
    assert obj.jit == "auto" and obj.note == ""
    res = minimize(obj, X0, method="trust-exact")
    assert res.success and res.note == ""
    obj = Objective(branchy, jit="auto")
    obj.gradient(np.ones(3))
    assert "gradient" in obj.note
    with pytest.raises(osc.ConcretizationError):
        Objective(branchy, jit=True).gradient(np.ones(3))
    assert Objective(branchy, jit=False).gradient(np.ones(3)).shape == (3,)


# --------------------------------------------------------------------------- least_squares

T = np.linspace(0.0, 1.0, 30)
Y = 2.0 * np.exp(-1.5 * T) + 0.3 * np.sin(5.0 * T)


def fit(b):
    return b[0] * np.exp(-b[1] * T) + b[2] * np.sin(b[3] * T) - Y


B0 = np.array([1.0, 1.0, 0.1, 4.0])


@pytest.mark.parametrize("method", ["lm", "gauss-newton"])
@pytest.mark.parametrize("jac_mode", ["dense", "matvec"])
def test_least_squares_auto_matches_eager(method, jac_mode):
    r = Counting(fit)
    a = least_squares(r, B0, method=method, jac_mode=jac_mode)
    b = least_squares(fit, B0, method=method, jac_mode=jac_mode, jit=False)
    assert a.success and a.note == "" and a.nit == b.nit and a.status == b.status
    assert close(a.x, b.x) and close(a.cost, b.cost) and close(a.grad, b.grad)
    assert (a.nfev, a.njev, a.njvp, a.nvjp) == (b.nfev, b.njev, b.njvp, b.nvjp)
    assert r.traced <= B0.size < a.nit  # one staging: a Jacobian program (n JVPs), or a JVP and a VJP program
    eager = Counting(fit)
    least_squares(eager, B0, method=method, jac_mode=jac_mode, jit=False)
    assert eager.traced > a.nit


def test_least_squares_wide_and_pytree():
    A = np.random.default_rng(0).normal(size=(5, 8))
    wide = lambda x: A @ x + 0.1 * x[:5] ** 3 - 1.0  # noqa: E731  (n > m: Jacobian by rows)
    a, b = least_squares(wide, np.zeros(8), jac_mode="dense"), least_squares(wide, np.zeros(8), jac_mode="dense", jit=False)
    assert close(a.x, b.x) and close(a.jac, b.jac) and a.nvjp == b.nvjp > 0
    seen = []
    target = 2.0 * np.exp(-1.5 * T)
    tree_fit = lambda p: {"fit": p["a"] * np.exp(-p["k"] * T) - target, "prior": 1e-9 * p["k"]}  # noqa: E731
    res = least_squares(tree_fit, {"a": 1.0, "k": 1.0}, callback=seen.append)
    ref = least_squares(tree_fit, {"a": 1.0, "k": 1.0}, jit=False)
    assert res.note == "" and round(float(res.x["a"]), 6) == 2.0 and isinstance(seen[0], dict)
    assert close(res.x["a"], ref.x["a"]) and close(res.x["k"], ref.x["k"]) and len(seen) == res.nit


def test_least_squares_falls_back_and_jit_true_raises():
    def rb(x):
        if x[0] > 0:
            return np.concatenate([x - 1.0, 0.1 * x**2])
        return np.concatenate([x + 1.0, 0.1 * x**2])

    for mode in ("dense", "matvec"):
        a = least_squares(rb, np.full(3, 0.5), jac_mode=mode)
        b = least_squares(rb, np.full(3, 0.5), jac_mode=mode, jit=False)
        assert "ConcretizationError" in a.note and "\n" not in a.note
        assert close(a.x, b.x) and a.nit == b.nit
        with pytest.raises(osc.ConcretizationError):
            least_squares(rb, np.full(3, 0.5), jac_mode=mode, jit=True)


# --------------------------------------------------------------------------- find_critical_points


def quartic(x):
    return x[0] ** 4 + x[1] ** 4 - 2 * x[0] ** 2 - 2 * x[1] ** 2 + 1 + 0.3 * x[0] * x[1]


def test_critical_points_auto_matches_eager_and_traces_few_times():
    f = Counting(quartic)
    a = find_critical_points(f, [(-2, 2), (-2, 2)])
    b = find_critical_points(quartic, [(-2, 2), (-2, 2)], jit=False)
    assert a.staging_note == "" and len(a) == len(b) == 9 and a.n_iterations == b.n_iterations
    assert [p.kind for p in a] == [p.kind for p in b]
    assert all(close(p.x, q.x) and close(p.value, q.value) for p, q in zip(a, b))
    assert (a.n_converged, a.n_failed, a.complete) == (b.n_converged, b.n_failed, b.complete)
    newton = Counting(quartic)
    find_critical_points(newton, [(-2, 2), (-2, 2)], classify=False)
    eager = Counting(quartic)
    find_critical_points(eager, [(-2, 2), (-2, 2)], classify=False, jit=False)
    # staged: a few batch sizes (powers of two), not one trace per iteration and line-search trial
    assert newton.traced < eager.traced


def test_critical_points_fall_back_with_a_note_and_jit_true_raises():
    def g(x):
        if x[0] > 0:
            return (x[0] - 1) ** 2 + x[1] ** 2
        return (x[0] + 1) ** 2 + x[1] ** 2

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        a = find_critical_points(g, [(-2, 2), (-2, 2)], n_starts=64)
        b = find_critical_points(g, [(-2, 2), (-2, 2)], n_starts=64, jit=False)
        assert "ConcretizationError" in a.staging_note and b.staging_note == ""
        assert len(a) == len(b) and all(close(p.x, q.x) for p, q in zip(a, b))
        with pytest.raises(osc.ConcretizationError):
            find_critical_points(g, [(-2, 2), (-2, 2)], n_starts=64, jit=True)


# --------------------------------------------------------------------------- sparse plans


def test_sparse_plans_keyword():
    x = np.linspace(-1.0, 1.0, 12)
    H = osc.hessian(rosen)(x)
    for kw in ({}, {"jit": True}, {"jit": False}, {"staged": False}, {"staged": True}):
        plan = osc.sparse_hessian(rosen, x, **kw)
        assert close(plan(x).toarray(), H) and plan.note == ""
    assert osc.sparse_hessian(rosen, x).staged and not osc.sparse_hessian(rosen, x, jit=False).staged
    assert not osc.sparse_hessian(rosen, x, jit=True, staged=False).staged
    assert not osc.sparse_hessian(rosen, x, mode="local").staged
    jac = osc.sparse_jacobian(lambda z: z[1:] ** 2 - z[:-1], x, jit=False)
    assert not jac.staged and close(jac(x).toarray(), osc.jacfwd(lambda z: z[1:] ** 2 - z[:-1])(x))
    with pytest.raises(ValueError, match="jit must be"):
        osc.sparse_hessian(rosen, x, jit="yes")


def test_scipy_callables_keyword():
    from osculate.optim import scipy_callables

    x = np.linspace(-1.0, 1.0, 6)
    staged, eager = scipy_callables(rosen), scipy_callables(rosen, jit=False)
    assert staged.objective.jit == "auto" and eager.objective.jit is False
    assert close(staged.jac(x), eager.jac(x)) and close(staged.hessp(x, x), eager.hessp(x, x))
    assert close(staged.hess(x), eager.hess(x))
