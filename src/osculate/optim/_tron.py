"""``method="tron"``: bound-constrained minimisation with exact Hessian-vector
products, a projected trust-region Newton method in the manner of Lin and
Moré (1999): a projected-gradient Cauchy step, then truncated CG on the
variables the Cauchy point leaves free, each CG direction followed by a
projected search, inside a trust region whose radius follows the ratio of
actual to predicted decrease.  Convergence is on the projected gradient
``P(x - g) - x``."""
from __future__ import annotations

import numpy as np

from ._linalg import boundary_roots

__all__ = ["tron"]

_MU0 = 0.01  # sufficient decrease of the model along projected paths


class _Model:
    """The quadratic model ``q(s) = gᵀs + ½ sᵀHs`` at ``x``, in the box."""

    def __init__(self, obj, x, g, lb, ub):
        self.obj, self.x, self.g, self.lb, self.ub = obj, x, g, lb, ub
        self.nhvp = 0

    def hv(self, v):
        self.nhvp += 1
        return self.obj.hvp(self.x, v)

    def q(self, s, Hs=None):
        if Hs is None:
            Hs = self.hv(s)
        return self.g @ s + 0.5 * s @ Hs, Hs

    def step(self, base, d, t):
        """``P(x + base + t d) - x``: a step that stays in the box."""
        return np.clip(self.x + base + t * d, self.lb, self.ub) - self.x


def projected_gradient(x, g, lb, ub):
    """``P(x - g) - x``, zero exactly at a first-order point of the box problem."""
    return np.clip(x - g, lb, ub) - x


def _cauchy(model, delta, alpha):
    """A step along the projected steepest-descent path with sufficient
    decrease inside the radius; returns ``(s, alpha)`` (Lin–Moré's search:
    extrapolate from the last ``alpha`` while it holds, else backtrack)."""
    g = model.g

    def ok(a):
        s = model.step(0.0, -g, a)
        if np.linalg.norm(s) > delta:
            return False, s
        q, _ = model.q(s)
        return q <= _MU0 * (g @ s), s

    good, s = ok(alpha)
    if good:
        for _ in range(20):
            a2 = alpha * 10.0
            good2, s2 = ok(a2)
            if not good2 or np.array_equal(s2, s):
                break
            alpha, s = a2, s2
        return s, alpha
    for _ in range(60):
        alpha *= 0.1
        good, s = ok(alpha)
        if good:
            return s, alpha
    return np.zeros_like(g), alpha


def _subspace_cg(model, s, Hs, free, delta, rtol, maxiter):
    """Steihaug CG for ``min q(s + w)`` over ``w`` supported on ``free`` with
    ``||s + w|| <= delta``; returns ``w``."""
    r = -(model.g + Hs)
    r[~free] = 0.0
    w = np.zeros_like(s)
    stop = rtol * np.linalg.norm(r)
    p = r.copy()
    rr = r @ r
    for _ in range(maxiter):
        if np.sqrt(rr) <= stop:
            break
        Hp = model.hv(p)
        Hp[~free] = 0.0
        curv = p @ Hp
        if curv <= 0:
            return w + boundary_roots(s + w, p, delta)[1] * p
        a = rr / curv
        if np.linalg.norm(s + w + a * p) >= delta:
            return w + boundary_roots(s + w, p, delta)[1] * p
        w = w + a * p
        r = r - a * Hp
        rr_new = r @ r
        p = r + (rr_new / rr) * p
        rr = rr_new
    return w


def _free(x_plus_s, lb, ub):
    span = 1e-12 * (1.0 + np.abs(x_plus_s))
    return (x_plus_s > lb + span) & (x_plus_s < ub - span)


def tron_step(model, delta, alpha, cg_rtol, max_rounds):
    """The trial step of one TRON iteration: ``(s, predicted decrease, alpha)``."""
    s, alpha = _cauchy(model, delta, alpha)
    q, Hs = model.q(s)
    n = s.size
    for _ in range(max_rounds):
        free = _free(model.x + s, model.lb, model.ub)
        if not free.any():
            break
        w = _subspace_cg(model, s, Hs, free, delta, cg_rtol, n)
        if not np.any(w):
            break
        gq = model.g + Hs
        t, moved = 1.0, False
        for _ in range(40):
            s_new = model.step(s, w, t)
            q_new, Hs_new = model.q(s_new)
            if q_new <= q + _MU0 * (gq @ (s_new - s)):
                moved = True
                break
            t *= 0.5
        if not moved or q_new >= q:
            break
        hit_new_bound = not np.allclose(s_new, s + t * w, rtol=0, atol=0)
        s, q, Hs = s_new, q_new, Hs_new
        if not hit_new_bound or t < 1.0:
            break
    return s, -q, alpha


def tron(obj, x0, lb, ub, *, gtol=1e-8, maxiter=1000, initial_radius=None, cg_rtol=0.1, max_rounds=10,
         callback=None):
    """Minimise ``obj`` over ``lb <= x <= ub``; returns ``(x, f, g, nit, status, message)``.

    ``status``: 0 converged (``max|P(x - g) - x| <= gtol``), 1 iteration
    limit, 2 no progress (the radius collapsed), 3 non-finite values, 5
    stopped by the callback.
    """
    x = np.clip(np.asarray(x0, dtype=float), lb, ub)
    f, g = obj.value_and_grad(x)
    if not (np.isfinite(f) and np.all(np.isfinite(g))):
        return x, f, g, 0, 3, "The objective or its gradient is not finite at the (projected) start."
    pg = projected_gradient(x, g, lb, ub)
    delta = float(initial_radius) if initial_radius else max(1.0, float(np.linalg.norm(pg)))
    alpha = 1.0
    nit = 0
    while True:
        pg = projected_gradient(x, g, lb, ub)
        if np.max(np.abs(pg), initial=0.0) <= gtol:
            return x, f, g, nit, 0, "Optimization terminated successfully (projected gradient below gtol)."
        if nit >= maxiter:
            return x, f, g, nit, 1, "Maximum number of iterations has been exceeded."
        model = _Model(obj, x, g, lb, ub)
        s, pred, alpha = tron_step(model, delta, alpha, cg_rtol, max_rounds)
        snorm = float(np.linalg.norm(s))
        if snorm == 0.0 or not pred > 0:
            delta *= 0.25
            f_new = np.inf
            rho = -np.inf
        else:
            x_new = x + s
            f_new = obj.value(x_new)
            rho = (f - f_new) / pred if np.isfinite(f_new) else -np.inf
        if rho > 1e-4:
            g_new = obj.gradient(x_new)
            if not np.all(np.isfinite(g_new)):
                return x, f, g, nit, 3, "The gradient is not finite at an accepted point."
            x, f, g = x_new, f_new, g_new
        if rho < 0.25:
            delta = 0.25 * min(delta, snorm) if snorm > 0 else 0.25 * delta
        elif rho > 0.75 and snorm >= 0.99 * delta:
            delta = 2.0 * delta
        nit += 1
        if callback is not None and callback(x.copy()):
            return x, f, g, nit, 5, "Stopped by the callback."
        if delta <= 1e-15 * max(1.0, float(np.linalg.norm(x))):
            pgn = np.max(np.abs(projected_gradient(x, g, lb, ub)), initial=0.0)
            return x, f, g, nit, 2, (f"Desired error not necessarily achieved due to precision loss (trust "
                                     f"radius collapsed; max|projected gradient| = {pgn:.3g}).")
