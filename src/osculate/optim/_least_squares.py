"""Nonlinear least squares: Levenberg–Marquardt and Gauss–Newton.

The Gauss–Newton operator ``J.T J`` comes from osculate's ``jvp``/``vjp``:
for small problems ``J`` is formed densely (``n`` JVPs or ``m`` VJPs, the
cheaper of the two); for large ones the steps are solved matrix-free by CG,
one JVP and one VJP per product.
"""
from __future__ import annotations

import time

import numpy as np
from scipy.optimize import OptimizeResult
from scipy.sparse.linalg import LinearOperator

from ..ad.arguments import FlatPoint, is_array_point
from ..ad.ravel import ravel_pytree
from ..ad.transforms import jvp, vjp
from ..sparse._staging import Staging
from . import _linalg as la
from ._linesearch import armijo
from ._objective import start_point

__all__ = ["least_squares"]

EPS = np.finfo(float).eps

_LS_MESSAGES = {
    -1: "Stopped without convergence.",
    0: "The maximum number of function evaluations is exceeded.",
    1: "`gtol` termination condition is satisfied.",
    2: "`ftol` termination condition is satisfied.",
    3: "`xtol` termination condition is satisfied.",
    4: "Both `ftol` and `xtol` termination conditions are satisfied.",
}


class _Residual:
    """Residual function with Jacobian access and counters."""

    def __init__(self, fun, jac, args, mode, n, unravel=None, jit=False):
        if unravel is not None:  # a pytree x0: the solver works on its flat vector
            user, user_jac = fun, jac
            fun = lambda z, *a: user(unravel(z), *a)  # noqa: E731
            if jac is not None:
                jac = lambda z, *a: user_jac(unravel(z), *a)  # noqa: E731
        inner = fun
        self.fun = lambda x: _raveled(inner(x, *args))  # a pytree of residuals is raveled
        self.user_jac = (lambda x: jac(x, *args)) if (jac is not None and args) else jac
        self.nfev = 0
        self.njev = 0
        self.njvp = 0
        self.nvjp = 0
        self.mode = mode
        self.n = n
        self.staging = Staging(jit, "least_squares")
        f = self.fun

        def jvp_t(x, v):
            return jvp(f, (x,), (v,))[1]

        def vjp_t(x, u):
            out = vjp(f, x)[1](u)
            return out[0] if isinstance(out, (tuple, list)) else out

        def jac_cols(x):  # J column by column, as dense_jacobian's eager loop does
            eye = np.eye(x.size)
            return [jvp(f, (x,), (eye[i],))[1] for i in range(x.size)]

        def jac_rows(x):  # J row by row from one pullback
            pull = vjp(f, x)[1]
            rows = [pull(e) for e in np.eye(self._m)]
            return [r[0] if isinstance(r, (tuple, list)) else r for r in rows]

        self._m = None  # the number of residuals, known at the first Jacobian

        self._jvp = self.staging.wrap(jvp_t, "Jacobian-vector product")
        self._vjp = self.staging.wrap(vjp_t, "vector-Jacobian product")
        self._cols = self.staging.wrap(jac_cols, "Jacobian")
        self._rows = self.staging.wrap(jac_rows, "Jacobian")

    def __call__(self, x):
        with np.errstate(all="ignore"):
            r = np.asarray(self.fun(x), dtype=float)
        self.nfev += 1
        if r.ndim == 0:
            r = r.reshape(1)
        if r.ndim != 1:
            raise ValueError(f"the residual function must return a 1-D array, "
                             f"got shape {r.shape}")
        return r

    def jvp(self, x, v):
        self.njvp += 1
        with np.errstate(all="ignore"):
            if self.staging.active:
                t = self._jvp(x, v)
            else:
                _, t = jvp(self.fun, (x,), (v,))
        return np.asarray(t, dtype=float).reshape(-1)

    def vjp_fn(self, x):
        if self.staging.active:
            def pullback(u):
                self.nvjp += 1
                with np.errstate(all="ignore"):
                    out = self._vjp(x, u)
                return np.asarray(out, dtype=float).reshape(-1)

            return pullback
        with np.errstate(all="ignore"):
            _, pull = vjp(self.fun, x)

        def pullback(u):
            self.nvjp += 1
            with np.errstate(all="ignore"):
                out = pull(u)
            if isinstance(out, (tuple, list)):
                out = out[0]
            return np.asarray(out, dtype=float).reshape(-1)

        return pullback

    def dense_jacobian(self, x, m):
        self.njev += 1
        n = x.size
        if self.user_jac is not None:
            with np.errstate(all="ignore"):
                J = np.asarray(self.user_jac(x), dtype=float)
        elif self.staging.active:  # the whole Jacobian as one staged program
            with np.errstate(all="ignore"):
                if n <= m:
                    J = np.stack([np.asarray(c, dtype=float).reshape(-1) for c in self._cols(x)], axis=1)
                else:
                    self._m = m
                    J = np.stack([np.asarray(r, dtype=float).reshape(-1) for r in self._rows(x)], axis=0)
            if n <= m:
                self.njvp += n
            else:
                self.nvjp += m
        elif n <= m:
            eye = np.eye(n)
            J = np.stack([self.jvp(x, eye[i]) for i in range(n)], axis=1)
        else:
            vjp = self.vjp_fn(x)
            eye = np.eye(m)
            J = np.stack([vjp(eye[j]) for j in range(m)], axis=0)
        if J.shape != (m, n):
            raise ValueError(f"Jacobian has shape {J.shape}, expected {(m, n)}")
        return J

    def operator(self, x, m):
        """Matrix-free Jacobian as a LinearOperator."""
        self.njev += 1
        n = x.size
        vjp = self.vjp_fn(x)
        return LinearOperator((m, n), matvec=lambda v: self.jvp(x, np.ravel(v)),
                              rmatvec=lambda u: vjp(np.ravel(u)), dtype=float)


def _raveled(r):
    """A residual that is a pytree (not one array) as its flat vector."""
    return r if is_array_point(r) else ravel_pytree(r)[0]


def _converged_status(f_conv, x_conv, status):
    """SciPy's least_squares codes: 4 both tests, 2 cost (ftol), 3 step (xtol)."""
    if f_conv and x_conv:
        return 4
    if f_conv:
        return 2
    if x_conv:
        return 3
    return status


def least_squares(residual_fn, x0, method="lm", *, jac=None, ftol=1e-8,
                  xtol=1e-8, gtol=1e-8, max_nfev=None, x_scale="jac",
                  jac_mode="auto", args=(), callback=None, jit="auto"):
    """Solve ``min_x 0.5 * ||r(x)||^2`` by Levenberg–Marquardt or Gauss–Newton.

    Parameters
    ----------
    residual_fn : callable
        ``r(x, *args) -> ndarray (m,)`` in plain NumPy (traced by osculate).
        It may return a pytree of arrays (a dict of residual blocks...):
        its leaves are raveled into one vector (:func:`osculate.ravel_pytree`
        order), which is what ``result.fun`` and ``result.jac`` hold.
    x0 : array_like, shape (n,), or pytree
        A pytree (a dict of parameters...) is solved for as its flat
        ``ravel_pytree`` vector; ``result.x`` and ``result.grad`` then have
        ``x0``'s structure, the callback receives trees, and a user ``jac(x)``
        takes a tree and returns the ``(m, n)`` matrix in raveled order.
    method : {"lm", "gauss-newton"}
        ``"lm"``: Levenberg–Marquardt with Nielsen's damping update and
        (with ``x_scale="jac"``) Moré's diagonal scaling.
        ``"gauss-newton"``: Gauss–Newton step with Armijo backtracking.
    jac : callable, optional
        ``jac(x, *args) -> (m, n)``; default: osculate ``jvp``/``vjp``.
    ftol, xtol, gtol : float
        Termination tolerances with the meaning of
        :func:`scipy.optimize.least_squares`.
    max_nfev : int, optional
        Maximum residual evaluations (default ``100 * n``).
    x_scale : "jac" or None
        Scale variables by the Jacobian column norms (LM only).
    jac_mode : {"auto", "dense", "matvec"}
        ``"dense"`` forms J; ``"matvec"`` is matrix-free (CG on
        ``J.T J + mu I``); ``"auto"`` is dense when ``n <= 200`` and
        ``m * n <= 2e6``.
    callback : callable, optional
        ``callback(xk)`` after each accepted step.
    jit : {"auto", True, False}
        How the Jacobian (dense mode) or its products (matrix-free mode) are
        evaluated.  ``"auto"`` (default): staged once per call with
        :func:`osculate.jit` and replayed at every point; if staging fails
        (value-dependent Python control flow in ``residual_fn`` raises
        :class:`~osculate.ConcretizationError`) and eager evaluation does
        not, the rest of the call is eager and ``result.note`` says why.
        ``True``: staged, a staging error propagates.  ``False``: eager.
        A user ``jac`` is never staged.

    Returns
    -------
    scipy.optimize.OptimizeResult
        Fields as :func:`scipy.optimize.least_squares`: ``x, cost`` (``0.5
        ||r||^2``), ``fun`` (residuals), ``jac`` (array, or LinearOperator in
        matrix-free mode), ``grad``, ``optimality`` (``max|grad|``),
        ``active_mask``, ``nfev, njev, status, success, message``; plus
        ``nit``, ``njvp``, ``nvjp``, ``note`` (``jit="auto"``: one line on a
        staging fallback, else ``""``).

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.optim import least_squares
    >>> t = np.linspace(0, 1, 20)
    >>> y = 2.0 * np.exp(-1.5 * t)
    >>> res = least_squares(lambda b: b[0] * np.exp(-b[1] * t) - y,
    ...                     np.array([1.0, 1.0]))
    >>> res.success, np.round(res.x, 8).tolist()
    (True, [2.0, 1.5])
    >>> res = least_squares(lambda p: {"fit": p["a"] * np.exp(-p["k"] * t) - y, "prior": 1e-9 * p["k"]},
    ...                     {"a": 1.0, "k": 1.0})
    >>> round(float(res.x["a"]), 6), round(float(res.x["k"]), 6)
    (2.0, 1.5)
    """
    if method not in ("lm", "gauss-newton"):
        raise ValueError(f"unknown method {method!r}; valid methods: 'lm', "
                         f"'gauss-newton'")
    if jac_mode not in ("auto", "dense", "matvec"):
        raise ValueError("jac_mode must be 'auto', 'dense' or 'matvec'")
    if x_scale not in ("jac", None):
        raise ValueError("x_scale must be 'jac' or None")
    for nm, v in (("ftol", ftol), ("xtol", xtol), ("gtol", gtol)):
        if not v >= 0:
            raise ValueError(f"{nm} must be >= 0")
    if hasattr(residual_fn, "gauss_newton"):  # a sum of squares over chunks (osculate.FiniteSum)
        if jac is not None or args:
            raise ValueError("a FiniteSum carries its own derivatives and data: pass no jac or args")
        with residual_fn.session():
            return _solve(residual_fn, _Gram(residual_fn), start_point(x0), method, ftol, xtol, gtol,
                          max_nfev, x_scale, callback, None)
    point = FlatPoint(None, x0, name="least_squares", solver=True, point="x0")
    x = start_point(point.x)
    n = x.size
    res_fn = _Residual(residual_fn, jac, tuple(args), jac_mode, n, point.unravel, jit)
    if not point.plain and callback is not None:
        user_callback = callback
        callback = lambda xk: user_callback(point.unravel(xk))  # noqa: E731
    return _solve(res_fn, _Linearised(res_fn, jac_mode, jac is not None), x, method, ftol, xtol, gtol,
                  max_nfev, x_scale, callback, point)


class _Linearised:
    """The residuals ``r(x)`` and their Jacobian (dense, or matrix-free)."""

    gram = False

    def __init__(self, res_fn, jac_mode, user_jac):
        self.res_fn = res_fn
        self.jac_mode = jac_mode
        self.user_jac = user_jac
        self.dense = None

    def residuals(self, x):
        """``(r, ½‖r‖²)``."""
        r = self.res_fn(x)
        if self.dense is None:  # the first call: choose dense or matrix-free
            if not np.all(np.isfinite(r)):
                raise ValueError("the residuals at x0 are not finite")
            m, n = r.size, x.size
            self.m = m
            self.dense = self.jac_mode == "dense" or self.user_jac or (
                self.jac_mode == "auto" and n <= 200 and m * n <= 2_000_000)
        with np.errstate(all="ignore"):
            return r, 0.5 * (r @ r)

    def linearise(self, x, r):
        """``(J, g, column norms of J)``."""
        if self.dense:
            J = self.res_fn.dense_jacobian(x, self.m)
            return J, J.T @ r, np.linalg.norm(J, axis=0)
        J = self.res_fn.operator(x, self.m)
        return J, J.rmatvec(r), None

    def solve(self, J, r, g, mu, d):
        """Minimise ``||J p + r||² + mu ||D p||²``: ``p`` and the predicted
        reduction of the cost."""
        n = g.size
        if self.dense:
            A = np.vstack([J, np.sqrt(mu) * np.diag(d)]) if mu > 0 else J
            b = np.concatenate([-r, np.zeros(n)]) if mu > 0 else -r
            p = np.linalg.lstsq(A, b, rcond=None)[0]
            Jp = J @ p
        else:  # matrix-free: CG on (J^T J + mu D^2) p = -g
            d2 = d * d
            p, info = la.conjugate_gradient(lambda v: J.rmatvec(J.matvec(v)) + mu * d2 * v, -g,
                                            rtol=1e-10, maxiter=10 * n)
            Jp = J.matvec(p)
        return p, -(g @ p + 0.5 * (Jp @ Jp))

    def counts(self):
        f = self.res_fn
        return dict(nfev=f.nfev, njev=f.njev, njvp=f.njvp, nvjp=f.nvjp, note=f.staging.note)


class _Gram:
    """Normal equations of a sum of squares whose residuals are never
    gathered: ``½‖r‖²``, ``JᵀJ`` and ``Jᵀr`` in one round trip
    (:meth:`osculate.FiniteSum.gauss_newton`)."""

    gram = True
    dense = True

    def __init__(self, fs):
        self.fs = fs
        self.nfev = 0
        self.njev = 0

    def residuals(self, x):
        self.nfev += 1
        cost = self.fs.value(x)
        if self.nfev == 1 and not np.isfinite(cost):
            raise ValueError("the residuals at x0 are not finite")
        return None, cost

    def linearise(self, x, r):
        self.njev += 1
        _, JTJ, JTr = self.fs.gauss_newton(x)
        return JTJ, JTr, np.sqrt(np.maximum(np.diag(JTJ), 0.0))

    def solve(self, JTJ, r, g, mu, d):
        A = JTJ + mu * np.diag(d * d)
        try:
            p = -np.linalg.solve(A, g) if mu > 0 else -np.linalg.lstsq(A, g, rcond=None)[0]
        except np.linalg.LinAlgError:
            p = -np.linalg.lstsq(A, g, rcond=None)[0]
        return p, -(g @ p + 0.5 * (p @ (JTJ @ p)))

    def counts(self):
        return dict(nfev=self.nfev, njev=self.njev, njvp=0, nvjp=0, note="")


def _solve(res_fn, model, x, method, ftol, xtol, gtol, max_nfev, x_scale, callback, point):
    """Levenberg–Marquardt / Gauss–Newton on a :class:`_Linearised` or :class:`_Gram` model."""
    n = x.size
    r, cost = model.residuals(x)
    if max_nfev is None:
        max_nfev = 100 * n
    t0 = time.perf_counter()
    J, g, colnorm = model.linearise(x, r)
    if colnorm is None:
        colnorm = np.ones(n)
    d = np.where(colnorm > 0, colnorm, 1.0) if (x_scale == "jac" and method == "lm") else np.ones(n)
    mu = None
    nu = 2.0
    status = None
    nit = 0
    extra = ""

    def nfev():
        return model.counts()["nfev"]

    while status is None:
        if np.max(np.abs(g)) <= gtol:
            status = 1
            break
        if nfev() >= max_nfev:
            status = 0
            break
        if method == "lm":
            if mu is None:
                if model.dense:
                    mu = 1e-3 * max(np.max(colnorm ** 2 / (d * d)), EPS)
                else:
                    mu = 1e-3 * max(np.linalg.norm(g), 1.0)
            p, pred = model.solve(J, r, g, mu, d)
            x_new = x + p
            r_new, cost_new = model.residuals(x_new)
            if not np.isfinite(cost_new):
                cost_new = np.inf
            rho = (cost - cost_new) / pred if (pred > 0 and np.isfinite(cost_new)) else -np.inf
            if rho > 1e-4:
                dx_norm = np.linalg.norm(d * p)
                x_norm = np.linalg.norm(d * x)
                f_conv = (cost - cost_new) <= ftol * cost and pred <= 2 * ftol * cost
                x_conv = dx_norm <= xtol * (xtol + x_norm)
                x, r, cost = x_new, r_new, cost_new
                J, g, colnorm = model.linearise(x, r)
                if model.dense and x_scale == "jac":
                    d = np.maximum(d, colnorm)
                mu *= max(1.0 / 3.0, 1.0 - (2.0 * rho - 1.0) ** 3)
                nu = 2.0
                nit += 1
                if callback is not None:
                    callback(x.copy())
                status = _converged_status(f_conv, x_conv, status)
            else:
                mu *= nu
                nu *= 2.0
                # no representable progress possible any more
                if pred <= EPS * cost or np.linalg.norm(d * p) <= EPS * (EPS + np.linalg.norm(d * x)):
                    if np.isfinite(cost_new):
                        status = 3 if np.linalg.norm(d * p) <= xtol * (xtol + np.linalg.norm(d * x)) else 2
                    else:
                        status = -1
                        extra = " The residuals are not finite near the current point."
                elif mu > 1e30:
                    status = -1
                    extra = " Damping parameter exploded."
        else:  # Gauss-Newton with backtracking
            p, pred = model.solve(J, r, g, 0.0, d)
            slope = g @ p
            if not np.all(np.isfinite(p)) or not slope < 0:
                p, slope = -g, -(g @ g)

            def phi(a):
                val = model.residuals(x + a * p)[1]
                return val if np.isfinite(val) else np.inf

            ls = armijo(phi, cost, slope, 1.0)
            if not ls.success:
                status = -1
                extra = " Gauss-Newton " + ls.message + "."
                break
            x_new = x + ls.alpha * p
            r_new, cost_new = model.residuals(x_new)
            # like MINPACK: both the actual and the predicted (full-step)
            # relative reductions must be small
            f_conv = (cost - cost_new) <= ftol * cost and pred <= ftol * cost
            x_conv = np.linalg.norm(p) <= xtol * (xtol + np.linalg.norm(x))
            x, r, cost = x_new, r_new, cost_new
            J, g, colnorm = model.linearise(x, r)
            nit += 1
            if callback is not None:
                callback(x.copy())
            status = _converged_status(f_conv, x_conv, status)
    plain = point is None or point.plain
    x_out, g_out = (x, g) if plain else (point.unravel(x.copy()), point.unravel(np.array(g, dtype=float)))
    fields = dict(x=x_out, cost=cost, fun=r, jac=J, grad=g_out, optimality=float(np.max(np.abs(g))),
                  active_mask=np.zeros(n, dtype=int), nit=nit, status=status, success=status > 0,
                  message=_LS_MESSAGES[status] + extra, method=method, time=time.perf_counter() - t0)
    fields.update(model.counts())
    if model.gram:  # the residuals stay on the chunks: the result holds the normal equations
        fields.update(fun=None, jac=None, jtj=J, round_trips=res_fn.round_trips)
    return OptimizeResult(**fields)
