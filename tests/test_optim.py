"""Behaviour of osculate.optim: Newton properties, saddle safeguards, SciPy
agreement, least squares on NIST StRD data, bad input and non-finite cases.

Derivatives come from osculate's transforms unless a test passes its own.
"""

import doctest
import sys

import numpy as np
import pytest
import scipy.optimize as so
from scipy.sparse.linalg import aslinearoperator

import osculate as osc
import osculate.testing.problems as problems_module
from osculate.optim import METHODS, Objective, least_squares, minimize, scipy_callables
from osculate.testing.problems import get_nist_problem, get_problem

SECOND_ORDER = ["newton", "modified-newton", "damped-newton", "newton-cg",
                "saddle-free-newton", "trust-ncg", "trust-exact", "trust-krylov"]
Y_MIN = np.sqrt(0.525)


def saddle_fn(z):
    """f = x^2 - 1.05 y^2 + y^4: saddle at 0, minima at (0, +-sqrt(0.525))."""
    return z[0] ** 2 - 1.05 * z[1] ** 2 + z[1] ** 4


def _opts(method):
    return {"fisher": lambda x, v: v} if method == "natural-gradient" else {}


def rosen(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


# --------------------------------------------------------------------------- Newton


def test_convex_quadratic_solved_in_one_newton_step(rng):
    n = 6
    A = rng.standard_normal((n, n))
    A = A @ A.T + n * np.eye(n)
    b = rng.standard_normal(n)
    f = lambda x: 0.5 * x @ (A @ x) - b @ x  # noqa: E731
    xstar = np.linalg.solve(A, b)
    for method, opts in [("newton", {}), ("modified-newton", {}),
                         ("trust-exact", {"initial_radius": 1e3})]:
        res = minimize(f, np.zeros(n), method=method, **opts)
        assert res.success, res.message
        assert res.nit == 1, (method, res.nit)
        np.testing.assert_allclose(res.x, xstar, rtol=1e-10, atol=1e-12)


def test_newton_converges_quadratically_near_strict_minimum(rng):
    # strictly convex, minimiser 0, Hessian I + Laplacian at the solution
    def f(x):
        return np.sum(np.exp(x) - x) + 0.5 * np.sum((x[1:] - x[:-1]) ** 2)

    xs = []
    x0 = 0.8 * rng.standard_normal(8)
    res = minimize(f, x0, method="newton", tol=1e-14,
                   callback=lambda xk: xs.append(xk))
    assert res.success
    errs = [np.linalg.norm(x) for x in [x0] + xs]
    ratios = [e1 / e0 ** 2 for e0, e1 in zip(errs, errs[1:]) if e1 > 1e-15]
    assert len(ratios) >= 3
    # ||e_{k+1}|| <= C ||e_k||^2 with a modest C (third derivative / curvature)
    assert max(ratios) < 2.0, ratios
    assert errs[-1] < 1e-12 and res.nit <= 7


def test_trust_region_local_rates(rng):
    def f(x):
        return np.sum(np.exp(x) - x) + 0.5 * np.sum((x[1:] - x[:-1]) ** 2)

    x0 = 0.8 * rng.standard_normal(8)
    newton = minimize(f, x0, method="newton", tol=1e-10)
    # exact subproblem + a large enough region = Newton's iterates exactly
    res = minimize(f, x0, method="trust-exact", tol=1e-10, initial_radius=10.0)
    np.testing.assert_allclose(res.history["grad_norm"], newton.history["grad_norm"],
                               rtol=1e-6, atol=1e-13)
    # truncated Krylov solves with forcing eta_k = min(0.5, sqrt||g||):
    # superlinear, order 1.5
    for method in ["trust-krylov", "trust-ncg"]:
        res = minimize(f, x0, method=method, tol=1e-10, initial_radius=10.0)
        assert res.success
        g = res.history["grad_norm"]
        tail = [b / a ** 1.5 for a, b in zip(g, g[1:]) if a < 0.1]
        assert len(tail) >= 3 and max(tail) < 5.0, (method, g)
        assert g[-1] / g[-2] < 1e-2


# --------------------------------------------------------------------------- saddles


@pytest.mark.parametrize("method", list(METHODS))
def test_started_exactly_at_saddle(method):
    res = minimize(saddle_fn, np.zeros(2), method=method, **_opts(method))
    if res.success:
        assert abs(res.x[0]) < 1e-6 and abs(abs(res.x[1]) - Y_MIN) < 1e-6, res.x
        assert res.min_curvature is not None and res.min_curvature > 0
        assert res.escapes >= 1
    else:
        assert "saddle" in res.message or "curvature" in res.message


@pytest.mark.parametrize("method", list(METHODS))
def test_saddle_without_curvature_check_is_not_a_success(method):
    res = minimize(saddle_fn, np.zeros(2), method=method, check_curvature=False,
                   **_opts(method))
    assert not res.success
    assert res.status == 6
    assert "curvature was not checked" in res.message


@pytest.mark.parametrize("method,opts", [
    ("modified-newton", {"modification": "clip"}),
    ("modified-newton", {"modification": "abs"}),
    ("modified-newton", {"modification": "cholesky"}),
    ("saddle-free-newton", {}),
], ids=["clip", "abs", "cholesky", "saddle-free"])
def test_modified_and_saddle_free_newton_leave_the_saddle(method, opts):
    x0 = np.array([0.1, 0.1])
    plain = minimize(saddle_fn, x0, method="newton", safeguard=False)
    # plain Newton is attracted by the saddle — and says so
    assert np.linalg.norm(plain.x) < 1e-8
    assert not plain.success and plain.status == 4
    assert "saddle" in plain.message
    first = []
    res = minimize(saddle_fn, x0, method=method,
                   callback=lambda xk: first.append(xk), **opts)
    assert abs(first[0][1]) > x0[1]  # the very first step moves away
    assert res.success
    np.testing.assert_allclose(np.abs(res.x), [0.0, Y_MIN], atol=1e-7)
    assert res.escapes == 0  # no escape needed: the direction itself escaped


def test_maximum_is_escaped_to_the_ring_of_minima():
    f = lambda z: -np.sum(z ** 2) + np.sum(z ** 2) ** 2  # noqa: E731
    for method in SECOND_ORDER:
        res = minimize(f, np.zeros(3), method=method)
        assert res.success, (method, res.message)
        assert abs(np.sum(res.x ** 2) - 0.5) < 1e-8


def test_unbounded_below_is_reported():
    res = minimize(lambda z: -np.sum(z ** 2), np.zeros(2), method="trust-exact")
    assert not res.success and res.status == 7
    assert "unbounded" in res.message


def test_second_order_success_implies_positive_semidefinite_hessian():
    for method in SECOND_ORDER:
        res = minimize(saddle_fn, np.array([0.3, 1e-9]), method=method)
        assert res.success
        assert np.all(np.linalg.eigvalsh(osc.hessian(saddle_fn)(res.x)) > 0)


# --------------------------------------------------------------------------- SciPy


SCIPY_PAIRS = [("trust-ncg", "trust-ncg"), ("trust-exact", "trust-exact"),
               ("trust-krylov", "trust-krylov"), ("bfgs", "BFGS"),
               ("lbfgs", "L-BFGS-B"), ("newton-cg", "Newton-CG")]


# SciPy run to comparable (tight) tolerances, so that minimisers can be compared
SCIPY_TIGHT = {"trust-ncg": {"gtol": 1e-10}, "trust-exact": {"gtol": 1e-10},
               "trust-krylov": {"gtol": 1e-8}, "BFGS": {"gtol": 1e-9},
               "L-BFGS-B": {"gtol": 1e-10, "ftol": 1e-15},
               "Newton-CG": {"xtol": 1e-12}}


@pytest.mark.parametrize("ours,theirs", SCIPY_PAIRS)
@pytest.mark.parametrize("name", ["rosenbrock", "beale", "helical-valley",
                                  "extended-rosenbrock", "watson"])
def test_agrees_with_scipy(ours, theirs, name):
    p = get_problem(name)
    cb = scipy_callables(p.f)
    ref = so.minimize(cb.fun, p.x0, method=theirs, **cb.kwargs(theirs),
                      options={"maxiter": 5000, **SCIPY_TIGHT[theirs]})
    assert p.reached(ref.fun)
    res = minimize(p.f, p.x0, method=ours)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, ref.x, rtol=1e-5, atol=1e-5)
    assert res.fun <= ref.fun + 1e-8 * max(1.0, abs(ref.fun))
    # evaluation counts within a small factor of SciPy's
    ours_evals = res.nfev + res.ngev + res.nhvp + p.n * res.nhev
    theirs_evals = sum(cb.objective.counts()[k] for k in ("nfev", "ngev", "nhvp")) \
        + p.n * cb.objective.nhev
    assert ours_evals <= 2 * theirs_evals + 10, (ours_evals, theirs_evals)


def test_scipy_callables_shapes_and_values():
    cb = scipy_callables(rosen)
    x = np.array([0.3, -0.2, 0.5])
    fun, jac, hess, hessp, obj = cb
    assert fun(x) == rosen(x)
    H = hess(x)
    np.testing.assert_allclose(H, H.T)
    v = np.array([1.0, 2.0, -1.0])
    np.testing.assert_allclose(hessp(x, v), H @ v, rtol=1e-12)
    eps = 1e-6
    fd = np.array([(rosen(x + eps * e) - rosen(x - eps * e)) / (2 * eps) for e in np.eye(3)])
    np.testing.assert_allclose(jac(x), fd, rtol=1e-6)
    assert set(cb.kwargs("trust-exact")) == {"jac", "hess"}
    assert set(cb.kwargs("newton-cg")) == {"jac", "hessp"}
    assert obj.nfev == 1 and obj.nhev == 1


# --------------------------------------------------------------------------- least squares


@pytest.mark.parametrize("start", [0, 1])
@pytest.mark.parametrize("name", ["misra1a", "thurber"])
def test_lm_reaches_certified_nist_values(name, start):
    q = get_nist_problem(name)
    res = least_squares(q.residual, q.starts[start], method="lm",
                        ftol=1e-15, xtol=1e-15, gtol=1e-15)
    assert res.success, res.message
    # at least 6 significant digits of every certified parameter
    np.testing.assert_allclose(res.x, q.certified, rtol=5e-7)
    np.testing.assert_allclose(2 * res.cost, q.certified_rss, rtol=1e-8)


def test_gauss_newton_on_misra1a_and_fields_match_scipy():
    q = get_nist_problem("misra1a")
    res = least_squares(q.residual, q.starts[1], method="gauss-newton",
                        ftol=1e-14, xtol=1e-14)
    np.testing.assert_allclose(res.x, q.certified, rtol=5e-7)
    ref = so.least_squares(q.residual, q.starts[1], method="lm", xtol=1e-14,
                           ftol=1e-14)
    np.testing.assert_allclose(res.cost, ref.cost, rtol=1e-9)
    # the two solutions agree to ~5e-7 relative in x, which moves residuals of
    # size ~0.1 by up to ~1e-7 (SciPy 1.17's LM stops ~4e-8 away on one of them)
    np.testing.assert_allclose(res.fun, ref.fun, rtol=1e-6, atol=2e-7)
    np.testing.assert_allclose(res.jac, ref.jac, rtol=1e-5)
    assert res.jac.shape == (14, 2) and res.grad.shape == (2,)
    assert res.optimality == pytest.approx(np.max(np.abs(res.jac.T @ res.fun)))
    for field in ("x", "cost", "fun", "jac", "grad", "optimality", "active_mask",
                  "nfev", "njev", "status", "success", "message"):
        assert field in res


def test_least_squares_matrix_free_matches_dense():
    p = get_problem("extended-rosenbrock", n=20)
    dense = least_squares(p.residual, p.x0, jac_mode="dense")
    free = least_squares(p.residual, p.x0, jac_mode="matvec")
    assert dense.success and free.success
    np.testing.assert_allclose(free.x, dense.x, atol=1e-7)
    assert free.njvp > 0 and free.nvjp > 0
    v = np.ones(20)
    np.testing.assert_allclose(free.jac.matvec(v), osc.jacfwd(p.residual)(free.x) @ v,
                               rtol=1e-10)


def test_least_squares_on_mgh_reaches_published_minima():
    for name in ["rosenbrock", "bard", "meyer", "kowalik-osborne", "brown-dennis",
                 "biggs-exp6", "watson", "chebyquad"]:
        p = get_problem(name)
        res = least_squares(p.residual, p.x0, method="lm", max_nfev=3000)
        assert p.reached(2 * res.cost), (name, 2 * res.cost, res.message)


# --------------------------------------------------------------------------- bad input


def test_unknown_method_lists_valid_ones():
    with pytest.raises(ValueError, match="valid methods: newton.*trust-krylov"):
        minimize(rosen, np.zeros(2), method="newtn")


def test_unknown_option_lists_valid_ones():
    with pytest.raises(ValueError, match="unknown option.*'gtoll'.*valid options:.*gtol"):
        minimize(rosen, np.zeros(2), method="bfgs", gtoll=1e-3)
    with pytest.raises(ValueError, match="modification"):
        minimize(rosen, np.zeros(2), method="modified-newton", modification="eig")
    with pytest.raises(ValueError, match="line_search"):
        minimize(rosen, np.zeros(2), method="bfgs", line_search="exact")
    with pytest.raises(ValueError, match="memory"):
        minimize(rosen, np.zeros(2), method="lbfgs", m=0)
    with pytest.raises(ValueError, match="fisher"):
        minimize(rosen, np.zeros(2), method="natural-gradient")


@pytest.mark.parametrize("x0", [np.array([0.0, np.nan]), np.array([np.inf, 1.0]),
                                np.zeros((2, 2))])
def test_bad_x0(x0):
    with pytest.raises(ValueError, match="x0"):
        minimize(rosen, x0)
    with pytest.raises(ValueError, match="x0"):
        least_squares(lambda x: x - 1.0, x0)


def test_non_scalar_objective_is_a_clear_error():
    with pytest.raises(ValueError, match="must return a scalar.*shape \\(3,\\).*least_squares"):
        minimize(lambda x: x ** 2, np.ones(3))


def test_non_finite_objective_at_x0():
    with pytest.raises(ValueError, match="not finite"):
        minimize(lambda x: np.sum(np.log(x)), np.array([-1.0, 1.0]))
    with pytest.raises(ValueError, match="least_squares|method"):
        least_squares(lambda x: x, np.ones(2), method="dogbox")


# --------------------------------------------------------------------------- non-finite


@pytest.mark.parametrize("method", list(METHODS))
def test_line_search_recovers_from_nan_region(method):
    # -sum(log x) + sum(x): NaN for x <= 0; the first Newton step from x=10
    # lands at x < 0 and must be cut back
    f = lambda x: -np.sum(np.log(x)) + np.sum(x)  # noqa: E731
    opts = {"fisher": lambda x, v: v / x ** 2} if method == "natural-gradient" else {}
    res = minimize(f, np.array([10.0, 0.1]), method=method, **opts)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, [1.0, 1.0], rtol=1e-6)


@pytest.mark.parametrize("method", list(METHODS))
def test_unrecoverable_nan_gives_honest_failure(method):
    # finite only on x >= 1 while every descent direction points to x < 1
    def f(x):
        return float(np.sum(x ** 2)) if np.all(x >= 1.0) else np.nan

    res = minimize(f, np.array([1.0, 1.0]), method=method, grad=lambda x: 2 * x,
                   hess=lambda x: 2 * np.eye(2), hvp=lambda x, v: 2 * v,
                   **_opts(method))
    assert not res.success
    assert res.status == 3
    assert "finite" in res.message
    np.testing.assert_array_equal(res.x, [1.0, 1.0])


# --------------------------------------------------------------------------- misc API


def test_callback_forms_and_stop():
    seen = []
    res = minimize(rosen, np.array([-1.2, 1.0]), method="bfgs",
                   callback=lambda xk: seen.append(xk.copy()))
    assert len(seen) == res.nit
    inter = []
    res = minimize(rosen, np.array([-1.2, 1.0]), method="trust-ncg",
                   callback=lambda intermediate_result: inter.append(intermediate_result.fun))
    assert len(inter) == res.nit and inter[-1] == res.fun

    def stop(xk):
        raise StopIteration

    res = minimize(rosen, np.array([-1.2, 1.0]), method="newton", callback=stop)
    assert res.status == 5 and res.nit == 1 and not res.success


def test_progress_without_tqdm_warns(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    with pytest.warns(RuntimeWarning, match="tqdm"):
        res = minimize(rosen, np.array([-1.2, 1.0]), progress=True)
    assert res.success


def test_progress_bar_with_tqdm(monkeypatch):
    events = []

    class FakeBar:
        def __init__(self, total, desc, leave):
            events.append(("open", total, desc))

        def update(self, k):
            events.append(("update", k))

        def set_postfix(self, **kw):
            pass

        def close(self):
            events.append(("close",))

    fake = type(sys)("tqdm")
    fake.tqdm = FakeBar
    monkeypatch.setitem(sys.modules, "tqdm", fake)
    res = minimize(rosen, np.array([-1.2, 1.0]), method="trust-exact", progress=True)
    assert events[0][0] == "open" and events[-1] == ("close",)
    assert sum(1 for e in events if e[0] == "update") == res.nit


def test_result_fields_and_history():
    res = minimize(rosen, np.array([-1.2, 1.0]), method="trust-krylov")
    for field in ("x", "fun", "grad", "jac", "nit", "nfev", "ngev", "njev", "nhvp",
                  "nhev", "status", "success", "message", "history"):
        assert field in res
    assert len(res.history["f"]) == res.nit + 1
    assert res.history["f"][0] == pytest.approx(24.2)
    assert np.all(np.diff(res.history["f"]) <= 0)  # monotone decrease


def test_objective_counts_and_user_derivatives():
    calls = {"f": 0, "g": 0, "h": 0}

    def f(x):
        calls["f"] += 1
        return rosen(x)

    def g(x):
        calls["g"] += 1
        return osc.grad(rosen)(x)

    def h(x):
        calls["h"] += 1
        return osc.hessian(rosen)(x)

    res = minimize(f, np.array([-1.2, 1.0]), method="newton", grad=g, hess=h)
    assert res.success
    assert (res.nfev, res.ngev, res.nhev) == (calls["f"], calls["g"], calls["h"])
    assert res.nhvp == 0
    obj = Objective(rosen)
    x = np.array([0.5, 0.5])
    obj.value_and_grad(x)
    obj.value(x)
    obj.gradient(x)
    assert (obj.nfev, obj.ngev) == (1, 1)  # cached
    np.testing.assert_allclose(obj.hvp(x, np.array([1.0, 0.0])),
                               obj.hessian(x)[:, 0], rtol=1e-12)



def test_user_hessian_is_checked_and_symmetrised_once_for_hvp_and_hessian():
    # hvp and hessian share one cache, holding the checked, symmetrised matrix
    calls = []

    def hess(x):
        calls.append(x.copy())
        return np.array([[2.0, 1.0], [0.0, 2.0]])  # not symmetric: stands for ½(H + Hᵀ)

    obj = Objective(lambda x: x @ x, hess=hess)
    x, v = np.array([0.3, -0.2]), np.array([1.0, 0.0])
    sym = np.array([[2.0, 0.5], [0.5, 2.0]])
    np.testing.assert_array_equal(obj.hvp(x, v), sym @ v)
    np.testing.assert_array_equal(obj.hessian(x), sym)
    assert len(calls) == obj.nhev == 1 and obj.nhvp == 1
    np.testing.assert_array_equal(obj.hvp(x, np.array([0.0, 1.0])), sym[:, 1])
    assert len(calls) == 1
    wrong = Objective(lambda x: x @ x, hess=lambda x: np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"Hessian has shape \(1, 2\), expected \(2, 2\)"):
        wrong.hvp(x, v)
    with pytest.raises(ValueError, match="Hessian has shape"):
        wrong.hessian(x)

def test_args_are_passed_through():
    f = lambda x, a: np.sum((x - a) ** 2)  # noqa: E731
    res = minimize(f, np.zeros(3), method="trust-exact", args=(np.arange(3.0),))
    np.testing.assert_allclose(res.x, np.arange(3.0), atol=1e-10)


def _logistic_problem(rng, m=200, n=5, lam=1e-2):
    X = rng.standard_normal((m, n))
    y = np.where(X @ rng.standard_normal(n) + 0.3 * rng.standard_normal(m) > 0, 1.0, -1.0)

    def f(w):
        t = -y * (X @ w)
        return np.sum(np.maximum(t, 0.0) + np.log1p(np.exp(-np.abs(t)))) / m \
            + 0.5 * lam * np.sum(w * w)

    def fisher_matrix(w):
        p = 1.0 / (1.0 + np.exp(-(X @ w)))
        return (X.T * (p * (1 - p))) @ X / m + lam * np.eye(n)

    return f, fisher_matrix, n


def test_natural_gradient_fisher_forms_agree(rng):
    f, F, n = _logistic_problem(rng)
    ref = minimize(f, np.zeros(n), method="trust-exact")
    assert ref.success
    forms = [lambda w, v: F(w) @ v,  # matvec
             F,  # factory -> matrix
             lambda w: aslinearoperator(F(w)),  # factory -> LinearOperator
             lambda w: (lambda v: F(w) @ v)]  # factory -> callable
    for fisher in forms:
        res = minimize(f, np.zeros(n), method="natural-gradient", fisher=fisher)
        assert res.success, res.message
        np.testing.assert_allclose(res.x, ref.x, atol=1e-7)
        assert res.nit <= 15  # the Fisher is the exact Hessian of the loss here


def test_newton_cg_preconditioner_hook_is_used():
    d = np.logspace(0, 4, 30)
    f = lambda x: 0.5 * np.sum(d * x ** 2) + 0.25 * np.sum(x ** 4)  # noqa: E731
    x0 = np.ones(30)
    used = []

    def jacobi(x):
        used.append(1)
        return lambda r: r / (d + 3 * x ** 2)

    plain = minimize(f, x0, method="newton-cg")
    pre = minimize(f, x0, method="newton-cg", preconditioner=jacobi)
    assert plain.success and pre.success and used
    assert pre.nhvp < plain.nhvp


def test_lbfgs_memory_option():
    p = get_problem("extended-rosenbrock", n=20)
    counts = []
    for m in (2, 20):
        res = minimize(p.f, p.x0, method="lbfgs", m=m)
        assert res.success and p.reached(res.fun)
        counts.append(res.nit)
    assert counts[1] < counts[0]


def test_line_search_choice_changes_nothing_essential():
    for ls in ("armijo", "wolfe"):
        for method in ("newton", "bfgs", "gradient-descent"):
            res = minimize(lambda x: np.sum((x - 1) ** 2) + np.sum(x ** 4) / 10,
                           np.zeros(3), method=method, line_search=ls)
            assert res.success, (ls, method, res.message)


def test_problem_module_doctests():
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(problems_module, problems_module.__name__):
        runner.run(test)
    failed, attempted = runner.summarize(verbose=False)
    assert attempted > 0 and failed == 0


def test_problem_registry_values():
    # spot checks of encoded data against published values
    p = get_problem("freudenstein-roth")
    assert p.f(np.array([5.0, 4.0])) == 0.0
    assert p.f(np.array([11.4127791, -0.896805240])) == pytest.approx(48.9842, rel=1e-5)
    assert get_problem("kowalik-osborne").f(
        np.array([0.192807, 0.191282, 0.123056, 0.136062])) == pytest.approx(3.07505e-4, rel=1e-4)
    assert get_problem("box-3d").f(np.array([1.0, 10.0, 1.0])) == pytest.approx(0.0, abs=1e-30)
    assert get_problem("gulf").f(np.array([50.0, 25.0, 1.5])) == pytest.approx(0.0, abs=1e-28)
    assert get_problem("wood").f(np.ones(4)) == 0.0
    assert get_problem("biggs-exp6").f(np.array([1.0, 10.0, 1.0, 5.0, 4.0, 3.0])) < 1e-28
    with pytest.raises(ValueError, match="valid names"):
        get_problem("nope")
    q = get_nist_problem("thurber")
    assert np.sum(q.residual(q.certified) ** 2) == pytest.approx(q.certified_rss, rel=1e-9)


@pytest.mark.parametrize("method", ["newton-cg", "trust-exact", "trust-krylov", "lbfgs"])
def test_jit_stages_the_derivatives_and_follows_the_same_path(method):
    f = lambda x, a: np.sum(a * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)  # noqa: E731
    x0 = np.linspace(-1.0, 0.5, 8)
    eager = minimize(f, x0, method=method, args=(100.0,))
    staged = minimize(f, x0, method=method, args=(100.0,), jit=True)
    assert staged.success and eager.success
    assert (staged.nit, staged.ngev, staged.nhvp, staged.nhev) == (eager.nit, eager.ngev, eager.nhvp, eager.nhev)
    np.testing.assert_allclose(staged.x, eager.x, rtol=1e-9, atol=1e-12)


def test_jit_refuses_value_dependent_control_flow():
    f = lambda x: np.sum(x ** 2) if x[0] > 0 else np.sum(x ** 4)  # noqa: E731
    with pytest.raises(osc.ConcretizationError, match="osculate.jit"):
        minimize(f, np.ones(3), method="newton-cg", jit=True)
    assert minimize(f, np.ones(3), method="newton-cg").success  # eager follows the branch
