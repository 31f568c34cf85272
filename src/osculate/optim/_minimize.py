"""``minimize``: method registry, drivers and the second-order safeguard."""
from __future__ import annotations

import inspect
import time
import warnings

import numpy as np
from scipy.optimize import OptimizeResult

from ..ad.arguments import FlatPoint
from ..sparse._staging import check_jit
from . import _directions as D
from . import _linalg as la
from ._constrained import CONSTRAINED_METHODS, minimize_constrained
from ._linesearch import armijo, strong_wolfe
from ._objective import Objective, start_point

__all__ = ["minimize", "METHODS", "CONSTRAINED_METHODS"]

EPS = np.finfo(float).eps

# status codes
CONVERGED = 0
MAXITER = 1
NO_PROGRESS = 2
NONFINITE = 3
SADDLE = 4
CALLBACK = 5
UNCHECKED_STATIONARY = 6
UNBOUNDED = 7

_COMMON = {
    "gtol": 1e-8,
    "xtol": 1e-14,
    "check_curvature": True,
    "curvature_tol": 1e-6,
    "curvature_krylov_dim": 20,
    "seed": 0,
    "max_escapes": 10,
}
_LS = {"line_search": None, "c1": 1e-4, "c2": 0.9}
_TR = {"initial_radius": 1.0, "max_radius": 1e10, "eta": 0.15}

#: method -> (kind, builder(obj, opts), method-specific option defaults)
METHODS = {
    "newton": ("ls", lambda o, q: D.Newton(o, safeguard=q["safeguard"]),
               dict(_LS, safeguard=True)),
    "modified-newton": ("ls", lambda o, q: D.ModifiedNewton(o, q["modification"]),
                        dict(_LS, modification="cholesky")),
    "damped-newton": ("damped", lambda o, q: D.DampedNewtonModel(o),
                      dict(damping=None)),
    "newton-cg": ("ls", lambda o, q: D.NewtonCG(o, q["cg_maxiter"],
                                                q["preconditioner"], q["forcing"]),
                  dict(_LS, cg_maxiter=None, preconditioner=None, forcing=None)),
    "saddle-free-newton": ("ls", lambda o, q: D.SaddleFreeNewton(
        o, q["krylov_dim"], q["damping"]), dict(_LS, krylov_dim=20, damping=1e-14)),
    "trust-ncg": ("tr", lambda o, q: D.SteihaugModel(o, q["cg_maxiter"]),
                  dict(_TR, cg_maxiter=None)),
    "trust-exact": ("tr", lambda o, q: D.ExactModel(o), dict(_TR)),
    "trust-krylov": ("tr", lambda o, q: D.KrylovModel(o, q["krylov_maxiter"]),
                     dict(_TR, krylov_maxiter=None)),
    "bfgs": ("ls", lambda o, q: D.BFGS(o), dict(_LS)),
    "lbfgs": ("ls", lambda o, q: D.LBFGS(o, q["m"]), dict(_LS, m=10)),
    "sr1": ("tr", lambda o, q: D.SR1Model(o, q["skip_tol"]),
            dict(_TR, skip_tol=1e-8)),
    "natural-gradient": ("ls", lambda o, q: D.NaturalGradient(
        o, q["fisher"], q["damping"], q["cg_maxiter"], q["cg_rtol"]),
        dict(_LS, fisher=None, damping=1e-4, cg_maxiter=None, cg_rtol=1e-6)),
    "gradient-descent": ("ls", lambda o, q: D.SteepestDescent(o), dict(_LS)),
}

_DEFAULT_LINE_SEARCH = {
    "newton": "armijo", "modified-newton": "armijo", "newton-cg": "wolfe",
    "saddle-free-newton": "armijo", "bfgs": "wolfe", "lbfgs": "wolfe",
    "natural-gradient": "armijo", "gradient-descent": "armijo",
}
_FIRST_ORDER = {"bfgs", "lbfgs", "sr1", "natural-gradient", "gradient-descent"}

_MESSAGES = {
    CONVERGED: "Optimization terminated successfully.",
    MAXITER: "Maximum number of iterations has been exceeded.",
    NO_PROGRESS: "Desired error not necessarily achieved due to precision loss.",
    NONFINITE: "Stopped: the objective became non-finite and no finite step "
               "could be found.",
    SADDLE: "Stopped at a saddle point or maximum.",
    CALLBACK: "Stopped by the callback.",
    UNCHECKED_STATIONARY: "x0 is a stationary point; curvature was not "
                          "checked (check_curvature=False), so it may be a "
                          "saddle point or maximum.",
    UNBOUNDED: "Stopped: the objective appears to be unbounded below.",
}


def _validate_options(method, options):
    kind, build, specific = METHODS[method]
    allowed = dict(_COMMON)
    allowed.update(specific)
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ValueError(f"unknown option(s) {', '.join(map(repr, unknown))} for "
                         f"method {method!r}; valid options: "
                         f"{', '.join(sorted(allowed))}")
    opts = dict(allowed)
    opts.update(options)
    if "line_search" in specific:
        ls = opts["line_search"] or _DEFAULT_LINE_SEARCH[method]
        if ls not in ("armijo", "wolfe"):
            raise ValueError(f"unknown line_search {ls!r}; valid: 'armijo', 'wolfe'")
        opts["line_search"] = ls
    for key in ("gtol", "xtol", "curvature_tol"):
        if not (np.isscalar(opts[key]) and opts[key] >= 0):
            raise ValueError(f"{key} must be a non-negative number")
    if "initial_radius" in opts:
        if not opts["initial_radius"] > 0 or not opts["max_radius"] >= opts["initial_radius"]:
            raise ValueError("need 0 < initial_radius <= max_radius")
        if not 0 <= opts["eta"] < 0.25:
            raise ValueError("eta must lie in [0, 0.25)")
    return kind, build, opts


def _wrap_callback(callback, unravel=None):
    """The driver's ``callback(result)`` calling the user's, with the point
    (and gradient) as trees when ``unravel`` is given (a pytree ``x0``)."""
    if callback is None:
        return None
    try:
        params = list(inspect.signature(callback).parameters)
    except (TypeError, ValueError):
        params = []
    shaped = unravel if unravel is not None else (lambda v: v)
    if params == ["intermediate_result"]:
        if unravel is None:
            return lambda res: callback(intermediate_result=res)
        return lambda res: callback(intermediate_result=OptimizeResult(
            res, x=unravel(res.x), grad=unravel(res.grad)))
    return lambda res: callback(shaped(np.copy(res.x)))


def tree_problem(point, f, grad, hvp, hess):
    """``f`` and the user's derivatives of a pytree point as functions of its
    flat vector (:class:`~osculate.ad.arguments.FlatPoint`): points and
    directions are unraveled before the call, gradients and products
    raveled after it; a user ``hess(x)`` returns the ``(n, n)`` matrix in
    ``ravel_pytree`` order."""
    un = point.unravel
    flat_f = point.function(f)
    flat_grad = None if grad is None else (lambda z, *a: point.vector(grad(un(z), *a), "grad(x)"))
    flat_hvp = None if hvp is None else (lambda z, v, *a: point.vector(hvp(un(z), un(v), *a), "hvp(x, v)"))
    flat_hess = None if hess is None else (lambda z, *a: hess(un(z), *a))
    return flat_f, flat_grad, flat_hvp, flat_hess


def _progress_bar(enabled, total, desc):
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        warnings.warn("progress=True needs the optional package 'tqdm'; "
                      "continuing without a progress bar", RuntimeWarning,
                      stacklevel=3)
        return None
    return tqdm(total=total, desc=desc, leave=False)


class _Run:
    """Mutable state shared by the drivers."""

    def __init__(self, obj, x, method, opts, maxiter, callback, progress, unravel=None):
        self.obj = obj
        self.x = x
        self.method = method
        self.opts = opts
        self.maxiter = maxiter
        self.callback = _wrap_callback(callback, unravel)
        self.bar = _progress_bar(progress, maxiter, method)
        self.rng = np.random.default_rng(opts["seed"])
        self.history = {"f": [], "grad_norm": []}
        self.nit = 0
        self.escapes = 0
        self.min_curvature = None
        self.curvature_checked = False
        self.f = None
        self.g = None
        self.extra_message = ""

    def record(self):
        gn = float(np.max(np.abs(self.g))) if self.g.size else 0.0
        self.history["f"].append(self.f)
        self.history["grad_norm"].append(gn)
        return gn

    def small_gradient(self, gnorm):
        """Gradient test ``max|g| <= gtol * max(1, |f|)``."""
        return gnorm <= self.opts["gtol"] * max(1.0, abs(self.f))

    def tick(self):
        """Bookkeeping after an iteration; returns True to stop."""
        self.nit += 1
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(f=f"{self.f:.6g}")
        if self.callback is not None:
            res = OptimizeResult(x=self.x.copy(), fun=self.f, grad=self.g.copy(),
                                 nit=self.nit)
            try:
                stop = self.callback(res)
            except StopIteration:
                return True
            return bool(stop)
        return False

    # -- second-order safeguard ----------------------------------------------
    def curvature(self, dense):
        """Estimate the smallest Hessian eigenpair at the current point."""
        x, n = self.x, self.x.size
        if dense:
            w, V = np.linalg.eigh(self.obj.hessian(x))
            return w[0], V[:, 0], np.max(np.abs(w)), w[-1]
        if self.obj.has_second_order:
            matvec = lambda v: self.obj.hvp(x, v)  # noqa: E731
        else:
            matvec = lambda v: self.obj.fd_hvp(x, v)  # noqa: E731
        k = min(n, self.opts["curvature_krylov_dim"])
        return la.min_eigenpair(matvec, n, self.rng, k)

    def next_iterate(self, part, escape_scale, plain=False):
        """The head of every driver's iteration: record the iterate; at a
        small gradient :meth:`settle` it (``escape_scale()`` is the scale of
        an escape step) and, after an escape step, check the new iterate the
        same way.  Returns a final status, or ``None`` to take a step."""
        while True:
            if not self.small_gradient(self.record()):
                return MAXITER if self.nit >= self.maxiter else None
            status = self.settle(part, escape_scale(), plain=plain)
            if status is not None:
                return status

    def settle(self, part, escape_scale, plain=False):
        """At a small gradient: a final status, or ``None`` after an escape
        step off a saddle (``part`` -- the direction or model -- is reset and
        the iteration counted; a callback asking to stop gives ``CALLBACK``)."""
        status = self.stationary(part.dense_hessian, escape_scale, plain=plain)
        if status is not None:
            return status
        part.reset()
        return CALLBACK if self.tick() else None

    def stationary(self, dense, escape_scale, plain=False):
        """Handle ``||g|| <= gtol``.

        Returns ``None`` when an escape step along negative curvature was
        taken (iteration continues) or a final status code.
        """
        if not self.opts["check_curvature"]:
            if self.nit == 0 and self.escapes == 0:
                return UNCHECKED_STATIONARY
            self.extra_message = (" The gradient is below gtol (first-order "
                                  "stationary point); curvature was not "
                                  "checked (check_curvature=False).")
            return CONVERGED
        lam, v, scale, lam_max = self.curvature(dense)
        self.curvature_checked = True
        self.min_curvature = float(lam)
        tol = self.opts["curvature_tol"] * max(1.0, scale)
        if not np.isfinite(lam):
            self.extra_message = " Curvature check produced non-finite values."
            return NONFINITE
        if lam >= -tol:
            return CONVERGED
        where = "maximum" if lam_max < -tol else "saddle point"
        if plain:
            self.extra_message = (f" Converged to a {where}: the Hessian has a "
                                  f"negative eigenvalue {lam:.3g} "
                                  f"(safeguard=False disables the escape).")
            return SADDLE
        if self.escapes >= self.opts["max_escapes"]:
            self.extra_message = (f" Stationary point with negative curvature "
                                  f"{lam:.3g}; gave up after {self.escapes} "
                                  f"escape attempts.")
            return SADDLE
        # escape along the negative-curvature direction
        d = v if self.g @ v <= 0 else -v
        f0, gd = self.f, self.g @ d
        alpha = escape_scale
        accepted = None
        for _ in range(60):
            xt = self.x + alpha * d
            ft = self.obj.value(xt)
            if np.isfinite(ft) and ft <= f0 + 1e-4 * (alpha * gd + 0.5 * alpha * alpha * lam) \
                    and ft < f0:
                accepted = (alpha, ft)
                break
            alpha *= 0.5
        if accepted is None:
            self.extra_message = (f" Stationary point with negative curvature "
                                  f"{lam:.3g} (a {where}), but no decrease "
                                  f"was found along the negative-curvature "
                                  f"direction.")
            return SADDLE
        # extrapolate while the decrease continues
        alpha, ft = accepted
        for _ in range(30):
            xt = self.x + 2 * alpha * d
            f2 = self.obj.value(xt)
            if not (np.isfinite(f2) and f2 < ft):
                break
            alpha, ft = 2 * alpha, f2
        else:
            self.x = self.x + alpha * d
            self.f, self.g = self.obj.value_and_grad(self.x)
            self.escapes += 1
            self.extra_message = (f" f = {self.f:.3g} after a step of "
                                  f"{alpha:.3g} along a direction of negative "
                                  f"curvature, still decreasing.")
            return UNBOUNDED
        self.x = self.x + alpha * d
        self.f, self.g = self.obj.value_and_grad(self.x)
        self.escapes += 1
        return None


def _line_search_driver(run, direction):
    obj, opts = run.obj, run.opts
    use_wolfe = opts["line_search"] == "wolfe"
    tried_sd = False
    while True:
        status = run.next_iterate(direction, lambda: max(1.0, np.linalg.norm(run.x)), plain=direction.plain)
        if status is not None:
            return status
        x, f, g = run.x, run.f, run.g
        p = direction.compute(x, f, g)
        if direction.plain:
            if p is None or not np.all(np.isfinite(p)):
                run.extra_message = " The Newton system could not be solved."
                return NONFINITE
            x_new = x + p
            f_new, g_new = obj.value_and_grad(x_new)
            if not (np.isfinite(f_new) and np.all(np.isfinite(g_new))):
                run.extra_message = (" The full Newton step produced a "
                                     "non-finite objective (safeguard=False "
                                     "disables the line search).")
                return NONFINITE
        else:
            if p is None or not np.all(np.isfinite(p)) or not (g @ p < 0):
                direction.reset()
                p = -g
            slope = g @ p
            alpha0 = direction.initial_step(run.nit, g, p)
            alpha_min = EPS * max(1.0, np.linalg.norm(x)) / max(np.linalg.norm(p), 1e-300)
            if use_wolfe:
                def phi_dphi(a):
                    xa = x + a * p
                    fa, ga = obj.value_and_grad(xa)
                    return fa, ga @ p, ga
                ls = strong_wolfe(phi_dphi, f, slope, alpha0, opts["c1"],
                                  opts["c2"], alpha_min=alpha_min)
                g_new = ls.g
            else:
                ls = armijo(lambda a: obj.value(x + a * p), f, slope, alpha0,
                            opts["c1"], alpha_min=alpha_min)
                g_new = None
            if not ls.success:
                if not tried_sd and not isinstance(direction, D.SteepestDescent) \
                        and np.linalg.norm(p + g) > 0:
                    # retry once from the steepest-descent direction
                    direction.reset()
                    tried_sd = True
                    run.history["f"].pop()
                    run.history["grad_norm"].pop()
                    continue
                run.extra_message = " " + ls.message + "."
                return NONFINITE if ls.nonfinite else NO_PROGRESS
            tried_sd = False
            if isinstance(direction, D.SteepestDescent):
                direction.record(ls.alpha, slope)
            x_new = x + ls.alpha * p
            f_new = ls.f
            if g_new is None:
                g_new = obj.gradient(x_new)
            if not np.all(np.isfinite(g_new)):
                run.extra_message = " The gradient is not finite at the new point."
                return NONFINITE
        s = x_new - x
        direction.update(s, g_new - g, x_new, g_new)
        run.x, run.f, run.g = x_new, f_new, g_new
        if run.tick():
            run.record()
            return CALLBACK
        if np.linalg.norm(s) <= opts["xtol"] * (1.0 + np.linalg.norm(x)) \
                and abs(f_new - f) <= 4 * EPS * max(abs(f), 1e-300):
            run.record()
            if run.small_gradient(np.max(np.abs(g_new))):
                continue
            return NO_PROGRESS


def _trust_region_driver(run, model, damped):
    obj, opts = run.obj, run.opts
    nonfinite_seen = False
    if damped:
        param = opts["damping"]
        nu = 2.0
    else:
        param = opts["initial_radius"]

    def escape_scale():
        if damped:
            return max(1.0, np.linalg.norm(run.x))
        return max(param, 1e-8 * max(1.0, np.linalg.norm(run.x)))

    while True:
        status = run.next_iterate(model, escape_scale)
        if status is not None:
            return status
        x, f, g = run.x, run.f, run.g
        if damped and param is None:
            H = obj.hessian(x)
            param = 1e-3 * max(1.0, np.max(np.abs(np.diag(H))))
        p, pred, info = model.solve(x, f, g, param)
        if damped:
            param = info.get("mu", param)
        if info.get("failed") or not np.all(np.isfinite(p)):
            run.extra_message = " The subproblem could not be solved (non-finite model)."
            return NONFINITE
        x_try = x + p
        if model.needs_trial_gradient:
            f_try, g_try = obj.value_and_grad(x_try)
        else:
            f_try, g_try = obj.value(x_try), None
        if np.isfinite(f_try) and pred > 0:
            rho = (f - f_try) / pred
        else:
            rho = -np.inf
        if not np.isfinite(f_try):
            nonfinite_seen = True
        if g_try is not None and np.isfinite(f_try):
            model.update(p, g_try - g)
        accept = rho > (1e-4 if damped else opts["eta"])
        pnorm = np.linalg.norm(p)
        # step-size control
        if damped:
            if accept:
                param = param * max(1.0 / 3.0, 1.0 - (2.0 * rho - 1.0) ** 3)
                nu = 2.0
            else:
                param = param * nu
                nu *= 2.0
        else:
            if rho < 0.25:
                param = 0.25 * param
            elif rho > 0.75 and info.get("hits_boundary", False):
                param = min(2.0 * param, opts["max_radius"])
        if accept:
            if g_try is None:
                g_try = obj.gradient(x_try)
            if not np.all(np.isfinite(g_try)):
                run.extra_message = " The gradient is not finite at the new point."
                return NONFINITE
            run.x, run.f, run.g = x_try, f_try, g_try
            nonfinite_seen = False
        if run.tick():
            run.record()
            return CALLBACK
        # precision / collapse checks
        tiny_pred = pred <= 4 * EPS * max(abs(f), 1e-300)
        if not accept and (tiny_pred or pnorm <= opts["xtol"] * (1 + np.linalg.norm(x))):
            run.record()
            if nonfinite_seen:
                run.extra_message = (" Trial points near the current iterate "
                                     "give a non-finite objective.")
                return NONFINITE
            return NO_PROGRESS
        if damped:
            if param > 1e20 * max(1.0, np.max(np.abs(obj.hessian(run.x)))):
                run.record()
                run.extra_message = " Damping parameter exploded."
                return NONFINITE if nonfinite_seen else NO_PROGRESS
        elif param <= 1e-15 * max(1.0, np.linalg.norm(run.x)):
            run.record()
            run.extra_message = " Trust-region radius collapsed."
            return NONFINITE if nonfinite_seen else NO_PROGRESS


def _constrained(f, x0, method, tol, maxiter, callback, progress, grad, hvp, hess, args, jit, bounds,
                 constraints, options):
    """``minimize`` for the methods of :data:`CONSTRAINED_METHODS`: checks of
    what they do not take, then :func:`minimize_constrained`."""
    if isinstance(f, Objective):
        raise TypeError(f"method {method!r} takes the function f, not an Objective (its derivatives come from one "
                        "Lagrangian plan)")
    if grad is not None or hvp is not None or hess is not None:
        raise ValueError(f"method {method!r} computes every derivative itself (the Lagrangian plan); do not pass "
                         "grad=, hvp= or hess=")
    if progress:
        raise ValueError(f"progress=True is not available with method {method!r}")
    x = start_point(x0) if isinstance(x0, np.ndarray) or np.ndim(x0) == 1 else None
    if x is None:
        raise TypeError(f"method {method!r} needs x0 as a 1-D array (pytree points are for the unconstrained "
                        "methods)")
    check_jit(jit, "minimize")
    return minimize_constrained(f, x, method, maxiter, callback, tuple(args), jit, bounds, constraints, tol,
                                options)


def minimize(f, x0, method="newton", tol=None, maxiter=None, callback=None,
             progress=False, *, grad=None, hvp=None, hess=None, args=(),
             jit="auto", bounds=None, constraints=None, **options):
    """Minimize a scalar function of a 1-D array (or of a pytree of arrays)
    with a second-order method.

    Parameters
    ----------
    f : callable or Objective
        ``f(x, *args) -> float``, plain NumPy code (traced by osculate to get
        derivatives).  An :class:`Objective` may be passed instead.
    x0 : array_like, shape (n,), or pytree
        Starting point (finite).  A pytree -- a dict of network weights
        ``{"W1": (3, 4) array, "b1": (4,), ...}``, a tuple of arrays, a
        dataclass... -- is optimised as the flat vector of
        :func:`osculate.ravel_pytree` (float64), and ``result.x``,
        ``result.grad``/``jac`` and the callback's point come back with
        ``x0``'s structure.  User derivatives then take and return trees:
        ``grad(x)`` and ``hvp(x, v)`` a tree like ``x0``, while ``hess(x)``
        returns the ``(n, n)`` matrix in ``ravel_pytree`` order; the
        method options that are callables (``preconditioner``, ``fisher``)
        work on the flat vectors.  (A plain list or tuple of numbers is an
        array, as before.)
    method : str
        ``"newton"`` (line search; shift to positive definite when H is not),
        ``"damped-newton"`` (Levenberg–Marquardt-style damping),
        ``"modified-newton"`` (``modification="clip"|"abs"|"cholesky"``),
        ``"trust-ncg"`` (Steihaug–Toint CG), ``"trust-exact"``
        (Moré–Sorensen), ``"trust-krylov"`` (GLTR-style Lanczos),
        ``"newton-cg"`` (truncated Newton, ``preconditioner=`` hook),
        ``"saddle-free-newton"`` (Krylov |H|), ``"bfgs"``, ``"lbfgs"``
        (memory ``m``), ``"sr1"`` (trust region), ``"natural-gradient"``
        (``fisher=`` required) or ``"gradient-descent"``.  With bounds or
        constraints (see :data:`CONSTRAINED_METHODS` and
        ``docs/constrained.md``): ``"trust-constr"`` (SciPy's, given the
        exact sparse Hessian of the Lagrangian), ``"ipopt"`` (IPOPT through
        the optional cyipopt, with the sparse structures), ``"slsqp"``,
        ``"l-bfgs-b"`` (bounds only) or ``"tron"`` (osculate's projected
        trust-region Newton-CG with exact Hessian-vector products, bounds
        only).
    tol : float, optional
        Gradient tolerance: stop when ``max|grad| <= tol`` (same as
        ``gtol``; default 1e-6).
    maxiter : int, optional
        Maximum number of iterations (default ``max(1000, 200 n)``).
    callback : callable, optional
        Called after every iteration as ``callback(xk)``, or with an
        ``OptimizeResult`` if its only parameter is named
        ``intermediate_result``.  Returning True or raising
        ``StopIteration`` stops the run (status 5).
    progress : bool
        Show a ``tqdm`` progress bar (if tqdm is installed).
    grad, hvp, hess : callable, optional
        Derivatives to use instead of osculate's transforms:
        ``grad(x)``, ``hvp(x, v)``, ``hess(x)``.
    args : tuple
        Extra arguments for ``f`` and the derivatives.
    jit : {"auto", True, False}
        How the derivatives osculate computes (gradient, Hessian-vector
        products, dense Hessians) are evaluated.  ``"auto"`` (default):
        staged once per call with :func:`osculate.jit` and replayed at every
        iterate (much less overhead per iteration); if staging fails --
        ``f``'s Python control flow depends on values, which raises
        :class:`~osculate.ConcretizationError` -- and the eager evaluation
        does not, the rest of the call is eager and ``result.note`` says
        what fell back and why.  ``True``: staged, a staging error
        propagates.  ``False``: eager.  User derivatives are never staged.
    bounds : scipy.optimize.Bounds or sequence of (low, high) pairs, optional
        ``lb <= x <= ub`` (``None`` in a pair is unbounded); only for the
        constrained methods.
    constraints : list, optional
        :class:`~osculate.optim.Eq` (``fun(x) == value``),
        :class:`~osculate.optim.Ineq` (``lb <= fun(x) <= ub``, by default
        ``fun(x) >= 0``), SciPy's ``NonlinearConstraint`` and
        ``LinearConstraint``, or dicts ``{"type": "eq"|"ineq", "fun": ...}``
        (SciPy's convention: ``"ineq"`` means ``fun(x) >= 0``).  Their
        derivatives are always osculate's (a given ``jac``/``hess`` is
        ignored).  The result then also has ``multipliers`` (one array per
        constraint), ``bound_multipliers``, ``active``, ``kkt``,
        ``constr_violation``, ``constr``, ``derivative_seconds`` and
        ``derivative_calls``; ``status`` 8 means no feasible point was found.
    **options
        Method options.  Common to all methods: ``gtol``, ``xtol``,
        ``check_curvature`` (default True: at a stationary point the smallest
        Hessian eigenvalue is estimated — exactly for dense methods, by
        Lanczos otherwise — and negative curvature is followed),
        ``curvature_tol``, ``curvature_krylov_dim``, ``seed``,
        ``max_escapes``.  Line-search methods: ``line_search``
        (``"armijo"|"wolfe"``), ``c1``, ``c2``.  Trust-region methods:
        ``initial_radius``, ``max_radius``, ``eta``.  See
        ``docs/optimizers.md`` for the per-method options.

    Returns
    -------
    scipy.optimize.OptimizeResult
        ``x, fun, grad`` (alias ``jac``), ``nit, nfev, ngev`` (alias
        ``njev``), ``nhvp, nhev, status, success, message, history`` (dict
        with lists ``f`` and ``grad_norm``), ``min_curvature`` (smallest
        Hessian eigenvalue estimate at the end, if checked), ``method``,
        ``note`` (``jit="auto"``: one line on a staging fallback, else ``""``).
        ``success`` is True only when the gradient tolerance was met and —
        unless ``check_curvature=False`` — no negative curvature was found.

    Raises
    ------
    ValueError
        Unknown method or option, ``x0`` not 1-D or not finite, ``f(x0)``
        not a finite scalar.

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.optim import minimize
    >>> rosen = lambda x: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
    >>> res = minimize(rosen, np.array([-1.2, 1.0]), method="trust-exact")
    >>> res.success, np.round(res.x, 6).tolist()
    (True, [1.0, 1.0])
    >>> res = minimize(lambda p: np.sum((p["w"] - 1.0) ** 2) + (p["b"] + 2.0) ** 2,
    ...                {"w": np.zeros(2), "b": 0.0})
    >>> sorted(res.x), np.round(res.x["w"], 6).tolist(), round(float(res.x["b"]), 6)
    (['b', 'w'], [1.0, 1.0], -2.0)

    Bounds (here by osculate's own ``"tron"``) and constraints:

    >>> res = minimize(rosen, np.zeros(2), method="tron", bounds=[(-2, 0.5), (-2, 2)])
    >>> res.success, np.round(res.x, 6).tolist(), res.active["upper"].tolist()
    (True, [0.5, 0.25], [0])
    >>> from osculate.optim import Eq
    >>> res = minimize(rosen, np.array([0.5, 0.5]), method="slsqp",
    ...                constraints=[Eq(lambda x: x[0] ** 2 + x[1] ** 2, 0.5)])
    >>> res.success, np.round(res.x, 5).tolist(), res.kkt["stationarity"] < 1e-6
    (True, [0.60548, 0.36523], True)
    """
    if isinstance(method, str) and method.lower() in CONSTRAINED_METHODS:
        return _constrained(f, x0, method.lower(), tol, maxiter, callback, progress, grad, hvp, hess, args, jit,
                            bounds, constraints, options)
    if not isinstance(method, str) or method.lower() not in METHODS:
        raise ValueError(f"unknown method {method!r}; valid methods: "
                         f"{', '.join(list(METHODS) + list(CONSTRAINED_METHODS))}")
    method = method.lower()
    if bounds is not None or (constraints is not None and not (isinstance(constraints, (list, tuple))
                                                               and len(constraints) == 0)):
        given = "bounds" if bounds is not None else "constraints"
        raise ValueError(f"method {method!r} is unconstrained and does not accept {given}=; methods that accept "
                         f"bounds: {', '.join(map(repr, CONSTRAINED_METHODS))}; that accept general "
                         f"constraints: {', '.join(repr(k) for k, (c, _) in CONSTRAINED_METHODS.items() if c)}")
    if tol is not None:
        options.setdefault("gtol", tol)
    kind, build, opts = _validate_options(method, options)
    point = FlatPoint(None, x0, name="minimize", solver=True, point="x0")
    if not point.plain:
        if isinstance(f, Objective):
            raise TypeError("minimize: an Objective works on 1-D arrays; with a pytree x0 pass the function "
                            "(and grad=/hvp=/hess= taking trees) instead")
        f, grad, hvp, hess = tree_problem(point, f, grad, hvp, hess)
    x = start_point(point.x)
    if isinstance(f, Objective):
        if grad is not None or hvp is not None or hess is not None or args or \
                (check_jit(jit, "minimize") != "auto" and jit != f.jit):
            raise ValueError("pass grad/hvp/hess/args/jit to the Objective, not to "
                             "minimize, when f is an Objective")
        obj = f
    else:
        obj = Objective(f, grad=grad, hvp=hvp, hess=hess, args=args, jit=jit)
    n = x.size
    if maxiter is None:
        maxiter = max(1000, 200 * n)
    if int(maxiter) < 0:
        raise ValueError("maxiter must be >= 0")
    direction = build(obj, opts)
    f0 = obj.value(x)
    if not np.isfinite(f0):
        raise ValueError(f"f(x0) is not finite ({f0})")
    t0 = time.perf_counter()
    run = _Run(obj, x, method, opts, int(maxiter), callback, progress, point.unravel)
    with obj.session():  # a FiniteSum keeps its cluster open for the call
        run.f, run.g = obj.value_and_grad(x)
        try:
            if not np.all(np.isfinite(run.g)):
                run.record()
                run.extra_message = " The gradient at x0 is not finite."
                status = NONFINITE
            elif kind == "ls":
                status = _line_search_driver(run, direction)
            else:
                status = _trust_region_driver(run, direction, damped=(kind == "damped"))
        finally:
            if run.bar is not None:
                run.bar.close()
    message = _MESSAGES[status] + run.extra_message
    if status == CONVERGED and run.curvature_checked:
        message += f" Smallest Hessian eigenvalue estimate: {run.min_curvature:.3g}."
    if run.escapes:
        message += f" ({run.escapes} escape step(s) along negative curvature.)"
    counts = obj.counts()
    x_out, g_out = (run.x, run.g) if point.plain else (point.unravel(run.x.copy()), point.unravel(run.g.copy()))
    return OptimizeResult(
        x=x_out, fun=run.f, grad=g_out, jac=g_out, nit=run.nit,
        nfev=counts["nfev"], ngev=counts["ngev"], njev=counts["ngev"],
        nhvp=counts["nhvp"], nhev=counts["nhev"], status=status,
        success=status == CONVERGED, message=message, history=run.history,
        min_curvature=run.min_curvature, method=method,
        escapes=run.escapes, note=obj.note, time=time.perf_counter() - t0)
