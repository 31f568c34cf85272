"""``minimize`` with bounds and constraints: the solvers (SciPy's
trust-constr, SLSQP and L-BFGS-B, IPOPT through cyipopt, osculate's TRON)
fed by one :class:`~osculate.sparse.lagrangian.LagrangianPlan`, and the
KKT report at the solution."""
from __future__ import annotations

import time
import warnings

import numpy as np
import scipy.optimize as so
from scipy.optimize import OptimizeResult

from ..analysis.constrained import classify_constrained
from ..analysis.curvature import classify_point
from ..sparse.lagrangian import LagrangianPlan
from ._constraints import Problem, check_scalar_objective
from ._objective import Objective
from ._tron import tron

__all__ = ["CONSTRAINED_METHODS", "minimize_constrained"]

#: method -> (accepts general constraints, accepts bounds)
CONSTRAINED_METHODS = {
    "trust-constr": (True, True),
    "ipopt": (True, True),
    "slsqp": (True, True),
    "l-bfgs-b": (False, True),
    "tron": (False, True),
}

CONVERGED, MAXITER, NO_PROGRESS, NONFINITE, SADDLE, CALLBACK, INFEASIBLE = 0, 1, 2, 3, 4, 5, 8


class _Timed:
    """The derivative callbacks of one run, each timed and counted."""

    def __init__(self, plan):
        self.plan = plan
        # f and its gradient come from one pass (value_and_grad), cached for the point
        self.seconds = {"f_and_grad": 0.0, "constraints": 0.0, "jacobian": 0.0, "hessian": 0.0}
        self.calls = dict.fromkeys(self.seconds, 0)
        self.first = dict.fromkeys(self.seconds, 0.0)  # the first call stages (traces, compiles)
        self._vg = None

    def _tick(self, what, t0):
        dt = time.perf_counter() - t0
        if not self.calls[what]:
            self.first[what] = dt
        self.seconds[what] += dt
        self.calls[what] += 1

    def _call(self, what, fn, *args):
        """``fn(*args)`` timed; NaN and inf propagate as in NumPy, without warnings."""
        t0 = time.perf_counter()
        with np.errstate(all="ignore"):
            out = fn(*args)
        self._tick(what, t0)
        return out

    def value_and_grad(self, x):
        if self._vg is None or not np.array_equal(self._vg[0], x):
            f, g = self._call("f_and_grad", self.plan.value_and_grad, x)
            self._vg = (x.copy(), f, g)
        return self._vg[1], self._vg[2]

    def f(self, x):
        return self.value_and_grad(np.asarray(x, dtype=float))[0]

    def g(self, x):
        return self.value_and_grad(np.asarray(x, dtype=float))[1].copy()

    def c(self, x):
        return self._call("constraints", self.plan.constraints, np.asarray(x, dtype=float))

    def jac_values(self, x):
        return self._call("jacobian", self.plan.jac_values, np.asarray(x, dtype=float))

    def jacobian(self, x, format="csr"):
        return self._call("jacobian", self.plan.jacobian, np.asarray(x, dtype=float), format)

    def hess_values(self, x, sigma, lam):
        return self._call("hessian", self.plan.hess_values, np.asarray(x, dtype=float), sigma, lam)

    def hessian(self, x, sigma, lam):
        return self._call("hessian", self.plan.hessian, np.asarray(x, dtype=float), sigma, lam)


# --------------------------------------------------------------------------- the methods


def _scipy_bounds(prob):
    return so.Bounds(prob.lb, prob.ub) if prob.has_bounds else None


def _trust_constr(prob, cb, x0, opts, maxiter, callback):
    cons = []
    if prob.m:
        zeros = np.zeros(prob.m)
        cons.append(so.NonlinearConstraint(cb.c, prob.cl, prob.cu, jac=lambda x: cb.jacobian(x),
                                           hess=lambda x, v: cb.hessian(x, 0.0, v)))
    else:
        zeros = None
    options = {"maxiter": maxiter, "gtol": 1e-12, "xtol": 1e-14, "barrier_tol": 1e-10, "verbose": 0}
    options.update(opts)
    user_cb = None
    if callback is not None:
        def user_cb(intermediate_result):
            return callback(np.copy(intermediate_result.x))
    def run(x_start, opts_run):
        return so.minimize(cb.f, x_start, method="trust-constr", jac=cb.g,
                           hess=lambda x: cb.hessian(x, 1.0, zeros), constraints=cons, bounds=_scipy_bounds(prob),
                           options=opts_run, callback=user_cb)

    res = run(x0, options)
    nit = int(res.nit)
    # SciPy's interior-point stops on the gradient of the barrier problem's Lagrangian, whatever the
    # barrier parameter: restart from the point with a much smaller barrier until it is below barrier_tol
    for _ in range(6):
        if res.method != "tr_interior_point" or res.status != 1 or res.barrier_parameter <= options["barrier_tol"]:
            break
        if nit >= options["maxiter"]:
            break
        mu = max(res.barrier_parameter * 1e-3, options["barrier_tol"])
        again = dict(options, initial_barrier_parameter=mu, initial_barrier_tolerance=mu,
                     maxiter=options["maxiter"] - nit)
        res = run(res.x, again)
        nit += int(res.nit)
    lam = np.asarray(res.v[0], dtype=float) if prob.m else np.zeros(0)
    z = np.asarray(res.v[-1], dtype=float) if prob.has_bounds else np.zeros(prob.n)
    status = {1: CONVERGED, 2: CONVERGED, 0: MAXITER, 3: CALLBACK}.get(res.status, NO_PROGRESS)
    return res.x, lam, z, nit, status, res.message


def _slsqp(prob, cb, x0, opts, maxiter, callback):
    eq = np.flatnonzero(prob.cl == prob.cu)
    lo = np.flatnonzero((prob.cl != prob.cu) & np.isfinite(prob.cl))
    hi = np.flatnonzero((prob.cl != prob.cu) & np.isfinite(prob.cu))
    cons = []
    if eq.size:
        cons.append({"type": "eq", "fun": lambda x: cb.c(x)[eq] - prob.cl[eq],
                     "jac": lambda x: cb.jacobian(x)[eq].toarray()})
    if lo.size or hi.size:
        def ineq(x):
            c = cb.c(x)
            return np.concatenate([c[lo] - prob.cl[lo], prob.cu[hi] - c[hi]])

        def ineq_jac(x):
            J = cb.jacobian(x)
            return np.vstack([J[lo].toarray(), -J[hi].toarray()])
        cons.append({"type": "ineq", "fun": ineq, "jac": ineq_jac})
    options = {"maxiter": maxiter, "ftol": 1e-9}
    options.update(opts)
    res = so.minimize(cb.f, x0, method="SLSQP", jac=cb.g, constraints=cons, bounds=_scipy_bounds(prob),
                      options=options, callback=callback)
    lam = np.zeros(prob.m)
    mult = np.asarray(getattr(res, "multipliers", np.zeros(eq.size + lo.size + hi.size)), dtype=float)
    # SciPy's SLSQP multipliers are >= 0 for "g(x) >= 0" and signed for "h(x) = 0", in the convention
    # grad f = sum(mu * grad c): here c's multipliers enter grad f + J^T lam = 0
    lam[eq] -= mult[:eq.size]
    lam[lo] -= mult[eq.size:eq.size + lo.size]
    lam[hi] += mult[eq.size + lo.size:]
    status = {0: CONVERGED, 9: MAXITER}.get(res.status, NO_PROGRESS)
    if res.status == 4 or "incompatible" in str(res.message).lower():
        status = INFEASIBLE
    return res.x, lam, None, int(res.nit), status, res.message


def _lbfgsb(prob, cb, x0, opts, maxiter, callback):
    options = {"maxiter": maxiter, "gtol": 1e-8, "ftol": 1e-15}
    options.update(opts)
    res = so.minimize(cb.f, x0, method="L-BFGS-B", jac=cb.g, bounds=_scipy_bounds(prob), options=options,
                      callback=callback)
    status = {0: CONVERGED, 1: MAXITER}.get(res.status, NO_PROGRESS)
    return res.x, np.zeros(0), None, int(res.nit), status, res.message


def _tron(prob, cb, x0, opts, maxiter, callback, obj):
    known = {"gtol", "initial_radius", "cg_rtol", "max_rounds"}
    unknown = sorted(set(opts) - known)
    if unknown:
        raise ValueError(f"unknown option(s) {', '.join(map(repr, unknown))} for method 'tron'; valid options: "
                         f"{', '.join(sorted(known))}")
    x, f, g, nit, status, message = tron(obj, x0, prob.lb, prob.ub, maxiter=maxiter, callback=callback, **opts)
    return x, np.zeros(0), None, nit, status, message


_IPOPT_STATUS = {0: CONVERGED, 1: CONVERGED, -1: MAXITER, -4: MAXITER, 2: INFEASIBLE, -2: INFEASIBLE,
                 -3: NO_PROGRESS, 5: CALLBACK, -13: NONFINITE}


def _ipopt(prob, cb, x0, opts, maxiter, callback):
    try:
        import cyipopt
    except ImportError:
        raise ImportError("method='ipopt' needs the optional package cyipopt (and the Ipopt library): "
                          "pip install 'osculate[ipopt]'") from None
    if callback is not None:
        raise ValueError("method='ipopt' does not take a callback; use 'trust-constr', 'slsqp', 'l-bfgs-b' or "
                         "'tron' for one")
    plan = cb.plan
    hrows, hcols = plan.hess_structure
    jrows, jcols = plan.jac_structure
    counter = {"nit": 0}

    class _NLP:
        def objective(self, x):
            return cb.f(x)

        def gradient(self, x):
            return cb.g(x)

        def constraints(self, x):
            return cb.c(x)

        def jacobian(self, x):
            return cb.jac_values(x)

        def jacobianstructure(self):
            return jrows, jcols

        def hessian(self, x, lagrange, obj_factor):
            return cb.hess_values(x, obj_factor, lagrange)

        def hessianstructure(self):
            return hrows, hcols

        def intermediate(self, alg_mod, iter_count, obj_value, inf_pr, inf_du, mu, d_norm,
                         regularization_size, alpha_du, alpha_pr, ls_trials):
            counter["nit"] = int(iter_count)
            return True

    nlp = cyipopt.Problem(n=prob.n, m=prob.m, problem_obj=_NLP(), lb=prob.lb, ub=prob.ub,
                          cl=prob.cl, cu=prob.cu)
    settings = {"print_level": 0, "sb": "yes", "max_iter": int(maxiter), "tol": 1e-8}
    settings.update(opts)
    for key, value in settings.items():
        nlp.add_option(key, value)
    x, info = nlp.solve(np.asarray(x0, dtype=float))
    lam = np.asarray(info["mult_g"], dtype=float).reshape(-1)
    z = np.asarray(info["mult_x_U"], dtype=float) - np.asarray(info["mult_x_L"], dtype=float)
    status = _IPOPT_STATUS.get(int(info["status"]), NO_PROGRESS)
    msg = info["status_msg"]
    message = msg.decode() if isinstance(msg, bytes) else str(msg)
    return np.asarray(x, dtype=float), lam, z, counter["nit"], status, message


# --------------------------------------------------------------------------- the KKT report


def _kkt(prob, x, g, c, J, lam, z, rtol):
    """Multipliers per constraint and bound, the active set and the KKT residuals.

    Sign convention: ``∇f + Jᵀλ + z = 0`` with ``λᵢ >= 0`` where the upper
    limit of ``cᵢ`` is active, ``<= 0`` where the lower one is (and ``z``
    the same for the bounds).  ``z`` is ``None`` when the solver does not
    report bound multipliers: it is then read from the stationarity
    residual on the active bounds."""
    scale_c = 1.0 + np.maximum(np.abs(np.where(np.isfinite(prob.cl), prob.cl, 0.0)),
                               np.abs(np.where(np.isfinite(prob.cu), prob.cu, 0.0)))
    at_cl = np.abs(c - prob.cl) <= rtol * scale_c
    at_cu = np.abs(prob.cu - c) <= rtol * scale_c
    at_lb = np.abs(x - prob.lb) <= rtol * (1.0 + np.abs(np.where(np.isfinite(prob.lb), prob.lb, 0.0)))
    at_ub = np.abs(prob.ub - x) <= rtol * (1.0 + np.abs(np.where(np.isfinite(prob.ub), prob.ub, 0.0)))
    r = g + (J.T @ lam if prob.m else 0.0)
    if z is None:
        z = np.where(at_lb | at_ub, -r, 0.0)
    stationarity = float(np.max(np.abs(r + z), initial=0.0))
    viol_c = np.maximum(np.maximum(prob.cl - c, c - prob.cu), 0.0)
    viol_x = np.maximum(np.maximum(prob.lb - x, x - prob.ub), 0.0)
    violation = float(max(np.max(viol_c, initial=0.0), np.max(viol_x, initial=0.0)))

    def comp(mult, val, lo, hi):
        # a positive multiplier pairs with the upper limit, a negative one with the lower
        dist_hi = np.where(np.isfinite(hi), np.abs(hi - val), np.inf)
        dist_lo = np.where(np.isfinite(lo), np.abs(val - lo), np.inf)
        pos, neg = np.maximum(mult, 0.0), np.maximum(-mult, 0.0)
        with np.errstate(invalid="ignore"):
            cp = np.where(pos > 0, pos * dist_hi, 0.0) + np.where(neg > 0, neg * dist_lo, 0.0)
        wrong = np.where(np.isinf(hi), pos, 0.0) + np.where(np.isinf(lo), neg, 0.0)
        cp = np.where(np.isinf(cp), 0.0, cp)
        return cp, wrong

    cp_c, wrong_c = comp(lam, c, prob.cl, prob.cu)
    cp_x, wrong_x = comp(z, x, prob.lb, prob.ub)
    kkt = {
        "stationarity": stationarity,
        "feasibility": violation,
        "complementarity": float(max(np.max(cp_c, initial=0.0), np.max(cp_x, initial=0.0))),
        "dual_feasibility": float(max(np.max(wrong_c, initial=0.0), np.max(wrong_x, initial=0.0))),
    }
    eq = prob.cl == prob.cu
    active_c = eq | at_cl | at_cu
    active = {
        "constraints": prob.split(active_c),
        "lower": np.flatnonzero(at_lb & ~(prob.lb == prob.ub)),
        "upper": np.flatnonzero(at_ub & ~(prob.lb == prob.ub)),
        "fixed": np.flatnonzero(prob.lb == prob.ub),
    }
    return z, kkt, active, violation


#: largest n for which second_order="auto" runs the (dense) second-order test
SECOND_ORDER_AUTO_N = 200


def _second_order(prob, fx, x, lam, z, active):
    """The second-order test on the active set at ``x``
    (:func:`osculate.analysis.classify_constrained`): equalities and fixed
    variables as equalities, active limits and bounds as active
    inequalities ``g(x) >= 0``, with the solver's multipliers converted to
    its convention ``∇f = Aᵀμ``."""
    c = prob.c
    eq = np.flatnonzero(prob.cl == prob.cu)
    act = np.concatenate(active["constraints"]) if prob.m else np.zeros(0, dtype=bool)
    c_val = c(x) if prob.m else np.zeros(0)
    mid = 0.5 * (np.where(np.isfinite(prob.cl), prob.cl, -np.inf) + np.where(np.isfinite(prob.cu), prob.cu, np.inf))
    ineq = act & (prob.cl != prob.cu)
    lo = np.flatnonzero(ineq & ((c_val <= mid) | ~np.isfinite(prob.cu)))
    hi = np.flatnonzero(ineq & ~np.isin(np.arange(prob.m), lo))
    fixed, lbi, ubi = active["fixed"], active["lower"], active["upper"]
    parts_eq, parts_in, mu_eq, mu_in = [], [], [], []
    if eq.size:
        parts_eq.append(lambda v: c(v)[eq] - prob.cl[eq])
        mu_eq.append(-lam[eq])
    if fixed.size:
        parts_eq.append(lambda v: v[fixed] - prob.lb[fixed])
        mu_eq.append(-z[fixed])
    if lo.size:
        parts_in.append(lambda v: c(v)[lo] - prob.cl[lo])
        mu_in.append(-lam[lo])
    if hi.size:
        parts_in.append(lambda v: prob.cu[hi] - c(v)[hi])
        mu_in.append(lam[hi])
    if lbi.size:
        parts_in.append(lambda v: v[lbi] - prob.lb[lbi])
        mu_in.append(-z[lbi])
    if ubi.size:
        parts_in.append(lambda v: prob.ub[ubi] - v[ubi])
        mu_in.append(z[ubi])
    if not (parts_eq or parts_in):  # nothing active: the unconstrained test
        return classify_point(fx, x)
    mu = np.concatenate(mu_eq + mu_in)
    return classify_constrained(fx, x, parts_eq or None, active_ineq=parts_in or None, multipliers=mu)


_MESSAGES = {
    CONVERGED: "Optimization terminated successfully.",
    MAXITER: "Maximum number of iterations has been exceeded.",
    NO_PROGRESS: "Stopped without meeting the tolerances.",
    NONFINITE: "Stopped: non-finite values.",
    CALLBACK: "Stopped by the callback.",
    SADDLE: "Stopped at a first-order point that the second-order test certifies is not a minimum.",
    INFEASIBLE: "Stopped: no feasible point was found (the constraints may be inconsistent).",
}


def _solve(method, prob, cb, x0, opts, maxiter, callback, fx, jit):
    if method == "ipopt":
        return _ipopt(prob, cb, x0, opts, maxiter, callback) + (None,)
    if method == "trust-constr":
        return _trust_constr(prob, cb, x0, opts, maxiter, callback) + (None,)
    if method == "slsqp":
        return _slsqp(prob, cb, x0, opts, maxiter, callback) + (None,)
    if method == "l-bfgs-b":
        return _lbfgsb(prob, cb, x0, opts, maxiter, callback) + (None,)
    obj = Objective(fx, jit=jit)
    return _tron(prob, cb, x0, opts, maxiter, callback, obj) + (obj,)


def minimize_constrained(f, x0, method, maxiter, callback, args, jit, bounds, constraints, tol, options):
    """The body of ``minimize`` for the constrained methods (see its docstring)."""
    x0 = np.asarray(x0, dtype=float)
    fx = (lambda x: f(x, *args)) if args else f
    with np.errstate(all="ignore"):
        f0 = check_scalar_objective(fx(x0))
    if not np.isfinite(f0):
        raise ValueError(f"f(x0) is not finite ({f0})")
    prob = Problem(fx, x0, bounds, constraints)
    accepts_constraints, _ = CONSTRAINED_METHODS[method]
    if prob.m and not accepts_constraints:
        general = [k for k, (c, _) in CONSTRAINED_METHODS.items() if c]
        raise ValueError(f"method {method!r} accepts bounds only, not general constraints; methods that accept "
                         f"constraints: {', '.join(map(repr, general))}")
    opts = dict(options)
    ctol = float(opts.pop("ctol", 1e-6))
    second_order = opts.pop("second_order", "auto")
    if second_order not in ("auto", True, False):
        raise ValueError(f"second_order must be 'auto', True or False, got {second_order!r}")
    if tol is not None:
        key = {"trust-constr": "gtol", "ipopt": "tol", "slsqp": "ftol", "l-bfgs-b": "gtol", "tron": "gtol"}[method]
        opts.setdefault(key, tol)
        if method == "trust-constr":
            opts.setdefault("barrier_tol", tol)
    if maxiter is None:
        maxiter = 3000 if method in ("ipopt", "trust-constr") else max(1000, 20 * prob.n)
    if int(maxiter) < 0:
        raise ValueError("maxiter must be >= 0")
    t0 = time.perf_counter()
    plan = LagrangianPlan(fx, prob.c, x0, prob.m, jit=jit)
    cb = _Timed(plan)
    obj = None
    # the solver's warnings (SciPy's "Singular Jacobian matrix..." on rank-deficient constraints) are
    # reported in the result, not raised mid-run
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x, lam, z, nit, status, solver_msg, obj = _solve(method, prob, cb, x0, opts, maxiter, callback, fx, jit)
    solver_warnings = list(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    with np.errstate(all="ignore"):
        f_x, g = plan.value_and_grad(x)
        c = plan.constraints(x)
        J = plan.jacobian(x) if prob.m else None
    z, kkt, active, violation = _kkt(prob, x, g, c, J, lam, z, rtol=max(ctol, 1e-8))
    if not (np.isfinite(f_x) and np.all(np.isfinite(g)) and np.all(np.isfinite(c))):
        status = NONFINITE
    elif violation > ctol and status in (CONVERGED, NO_PROGRESS, MAXITER):
        status = INFEASIBLE
    solver_msg = str(solver_msg).strip().rstrip(".")
    message = f"{_MESSAGES[status]} {method}: {solver_msg}."
    if status == INFEASIBLE:
        message += f" Largest constraint violation {violation:.3g} > ctol = {ctol:.3g}."
    if solver_warnings:
        message += " Solver warnings: " + "; ".join(solver_warnings)
    so_result, so_note = None, ""
    if second_order is True or (second_order == "auto" and status == CONVERGED and prob.n <= SECOND_ORDER_AUTO_N):
        try:
            so_result = _second_order(prob, fx, x, lam, z, active)
        except (ValueError, np.linalg.LinAlgError) as err:
            so_note = f"the second-order test could not run: {err}"
    elif second_order == "auto":
        so_note = ("second-order test skipped: " + (f"n = {prob.n} > {SECOND_ORDER_AUTO_N} (it is dense; "
                   "second_order=True forces it)" if status == CONVERGED else "the run did not converge"))
    if so_result is not None and status == CONVERGED and getattr(so_result, "kind", None) in ("maximum", "saddle"):
        if so_result.certified:
            status = SADDLE
            message = f"{_MESSAGES[status]} {method}: {solver_msg}."
        message += (f" The second-order test on the active set says: {so_result.classification} "
                    f"(certified={so_result.certified}).")
    timings = dict(cb.seconds)
    calls = dict(cb.calls)
    if obj is not None:
        counts = obj.counts()
        calls.update(nfev=counts["nfev"], ngev=counts["ngev"], nhvp=counts["nhvp"])
    result = OptimizeResult(
        x=x, fun=f_x, grad=g, jac=g, nit=nit, status=status, success=status == CONVERGED, message=message,
        method=method, multipliers=prob.split(lam) if prob.m else [], lagrange=lam, bound_multipliers=z,
        active=active, kkt=kkt, constr_violation=violation, constr=prob.split(c) if prob.m else [],
        derivative_seconds=timings, derivative_first_seconds=dict(cb.first), derivative_calls=calls,
        note=plan.note, time=time.perf_counter() - t0,
        plan=plan, warnings=solver_warnings, second_order=so_result, second_order_note=so_note,
        nfev=calls.get("nfev", calls["f_and_grad"]), ngev=calls.get("ngev", calls["f_and_grad"]),
        njev=calls.get("ngev", calls["f_and_grad"]))
    return result
