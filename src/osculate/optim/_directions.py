"""Search directions (for line-search methods) and trust-region models.

A *direction* computes ``p`` from the current iterate; a *model* solves the
trust-region (or damped) subproblem.  The drivers in ``_minimize`` combine
them with a step control.
"""
from __future__ import annotations

import inspect

import numpy as np
import scipy.linalg as sla

from ..linop.symmetric_operator import as_symmetric_operator
from . import _linalg as la

EPS = np.finfo(float).eps


# ---------------------------------------------------------------------------
# Line-search directions
# ---------------------------------------------------------------------------

class Direction:
    """Base class.  ``dense_hessian`` tells whether the method forms H."""

    name = "direction"
    second_order = False
    dense_hessian = False
    plain = False  # take the full step without a line search

    def __init__(self, obj):
        self.obj = obj

    def reset(self):
        """Forget any accumulated curvature information."""

    def compute(self, x, f, g):
        raise NotImplementedError

    def update(self, s, y, x_new, g_new):
        """Called after an accepted step ``s`` with gradient change ``y``."""

    def initial_step(self, k, g, p):
        return 1.0


class SteepestDescent(Direction):
    name = "gradient-descent"

    def __init__(self, obj):
        super().__init__(obj)
        self._prev = None  # (alpha, slope)

    def reset(self):
        self._prev = None

    def compute(self, x, f, g):
        return -g

    def initial_step(self, k, g, p):
        slope = g @ p
        if self._prev is None:
            return min(1.0, 1.0 / max(np.linalg.norm(g), EPS))
        a_prev, slope_prev = self._prev
        # keep the first-order change a * g.p equal to the previous one
        return min(max(a_prev * slope_prev / slope, 1e-10), 1e10)

    def record(self, alpha, slope):
        self._prev = (alpha, slope)


class Newton(Direction):
    """Newton direction; if H is not positive definite, a multiple of the
    identity is added until a Cholesky factorisation succeeds (or, with
    ``safeguard=False``, the raw Newton step is taken)."""

    name = "newton"
    second_order = True
    dense_hessian = True

    def __init__(self, obj, safeguard=True, shift_beta=1e-3):
        super().__init__(obj)
        self.safeguard = safeguard
        self.plain = not safeguard
        self.shift_beta = shift_beta
        self.last_shift = 0.0

    def compute(self, x, f, g):
        H = self.obj.hessian(x)
        if not np.all(np.isfinite(H)):
            return None
        if not self.safeguard:
            try:
                return -np.linalg.solve(H, g)
            except np.linalg.LinAlgError:
                return -np.linalg.lstsq(H, g, rcond=None)[0]
        n = g.size
        dmin = np.min(np.diag(H))
        beta = self.shift_beta * max(1.0, np.max(np.abs(H)))
        tau = 0.0 if dmin > 0 else beta - dmin
        for _ in range(80):
            L = la._chol(H + tau * np.eye(n)) if tau else la._chol(H)
            if L is not None:
                self.last_shift = tau
                return -sla.cho_solve((L, True), g)
            tau = max(2.0 * tau, beta)
        return None


class ModifiedNewton(Direction):
    """Newton on a positive-definite modification of H."""

    name = "modified-newton"
    second_order = True
    dense_hessian = True
    MODIFICATIONS = ("clip", "abs", "cholesky")

    def __init__(self, obj, modification="cholesky", rel_floor=1e-8):
        super().__init__(obj)
        if modification not in self.MODIFICATIONS:
            raise ValueError(f"unknown modification {modification!r}; valid: "
                             f"{', '.join(self.MODIFICATIONS)}")
        self.modification = modification
        self.rel_floor = rel_floor

    def compute(self, x, f, g):
        H = self.obj.hessian(x)
        if not np.all(np.isfinite(H)):
            return None
        if self.modification == "cholesky":
            L, d, _ = la.modified_cholesky(H)
            return -la.solve_ldl(L, d, g)
        wm, V, _ = la.eig_modify(H, self.modification, self.rel_floor)
        return -V @ ((V.T @ g) / wm)


class NewtonCG(Direction):
    """Truncated Newton: CG on ``H p = -g`` with forcing sequence
    ``eta_k = min(0.5, sqrt(||g||))``; stops at negative curvature."""

    name = "newton-cg"
    second_order = True

    def __init__(self, obj, cg_maxiter=None, preconditioner=None, forcing=None):
        super().__init__(obj)
        self.cg_maxiter = cg_maxiter
        self.preconditioner = preconditioner
        self.forcing = forcing

    def compute(self, x, f, g):
        gnorm = np.linalg.norm(g)
        eta = self.forcing if self.forcing is not None else min(0.5, np.sqrt(gnorm))
        precond = None
        if self.preconditioner is not None:
            precond = as_operator(self.preconditioner(x), g.size,
                                  "preconditioner")
        maxiter = self.cg_maxiter if self.cg_maxiter is not None else 20 * g.size
        p, info = la.conjugate_gradient(lambda v: self.obj.hvp(x, v), -g,
                                        rtol=eta, maxiter=maxiter,
                                        precond=precond)
        if info["negative_curvature"] and not np.any(p):
            # -g itself has non-positive curvature: step along -g with the
            # length that minimises the model built with |curvature|
            curv = abs(info.get("curvature", 0.0))
            if precond is None and curv > 0 and np.isfinite(curv):
                return -((g @ g) / curv) * g
            return -g
        return p


class SaddleFreeNewton(Direction):
    """Saddle-free Newton (Dauphin et al., 2014) in a Krylov subspace.

    Lanczos on H started from g gives ``Q, T`` with ``Q.T H Q = T``;
    ``|T| = U |theta| U.T`` and ``p = -Q U (|theta| + damping)^{-1} U.T Q.T g``.
    """

    name = "saddle-free-newton"
    second_order = True

    def __init__(self, obj, krylov_dim=20, damping=1e-6):
        super().__init__(obj)
        self.krylov_dim = krylov_dim
        self.damping = damping

    def compute(self, x, f, g):
        n = g.size
        k = min(n, self.krylov_dim)
        Q, a, b = la.lanczos(lambda v: self.obj.hvp(x, v), g, k)
        T = la._tridiag(a, b)
        theta, U = np.linalg.eigh(T)
        absval = np.abs(theta)
        lam = self.damping * max(1.0, np.max(absval))
        gk = Q.T @ g
        c = U.T @ gk
        return -Q @ (U @ (c / (absval + lam)))


class _QuasiNewton(Direction):
    """BFGS and L-BFGS: steepest descent, its first step at most 1 long,
    until a curvature pair ``(s, y)`` is stored; pairs whose ``sᵀy`` is not
    safely positive are skipped."""

    def has_curvature(self):
        raise NotImplementedError

    def store(self, s, y, sy):
        raise NotImplementedError

    def initial_step(self, k, g, p):
        if not self.has_curvature():
            return min(1.0, 1.0 / max(np.linalg.norm(g), EPS))
        return 1.0

    def update(self, s, y, x_new, g_new):
        sy = s @ y
        if not np.isfinite(sy) or sy <= 1e-12 * np.linalg.norm(s) * np.linalg.norm(y):
            return
        self.store(s, y, sy)


class BFGS(_QuasiNewton):
    """Dense inverse-Hessian BFGS."""

    name = "bfgs"

    def __init__(self, obj):
        super().__init__(obj)
        self.Hinv = None

    def reset(self):
        self.Hinv = None

    def has_curvature(self):
        return self.Hinv is not None

    def compute(self, x, f, g):
        if self.Hinv is None:
            return -g
        return -self.Hinv @ g

    def store(self, s, y, sy):
        n = s.size
        if self.Hinv is None:
            self.Hinv = (sy / (y @ y)) * np.eye(n)
        rho = 1.0 / sy
        Hy = self.Hinv @ y
        # (I - rho s y^T) H (I - rho y s^T) + rho s s^T, expanded
        self.Hinv += (rho * rho * (y @ Hy) + rho) * np.outer(s, s) \
            - rho * (np.outer(Hy, s) + np.outer(s, Hy))


class LBFGS(_QuasiNewton):
    """Limited-memory BFGS (two-loop recursion) with memory ``m``."""

    name = "lbfgs"

    def __init__(self, obj, m=10):
        super().__init__(obj)
        if int(m) < 1:
            raise ValueError("lbfgs memory m must be >= 1")
        self.m = int(m)
        self.reset()

    def reset(self):
        self.S, self.Y, self.rho = [], [], []

    def has_curvature(self):
        return bool(self.S)

    def compute(self, x, f, g):
        if not self.S:
            return -g
        q = g.copy()
        alphas = []
        for s, y, r in zip(reversed(self.S), reversed(self.Y), reversed(self.rho)):
            a = r * (s @ q)
            alphas.append(a)
            q -= a * y
        gamma = (self.S[-1] @ self.Y[-1]) / (self.Y[-1] @ self.Y[-1])
        z = gamma * q
        for (s, y, r), a in zip(zip(self.S, self.Y, self.rho), reversed(alphas)):
            b = r * (y @ z)
            z += (a - b) * s
        return -z

    def store(self, s, y, sy):
        self.S.append(s)
        self.Y.append(y)
        self.rho.append(1.0 / sy)
        if len(self.S) > self.m:
            del self.S[0], self.Y[0], self.rho[0]


def as_operator(op, n, what):
    """``v -> A v`` of a matrix / LinearOperator / callable ``op``, through the
    one counting symmetric operator type (:func:`osculate.linop.as_symmetric_operator`),
    with ``what`` named in a shape error."""
    try:
        return as_symmetric_operator(op, n).matvec
    except ValueError as err:
        raise ValueError(f"{what}: {err}") from None


def _n_required_positional(fn):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    count = 0
    for prm in sig.parameters.values():
        if prm.kind in (prm.POSITIONAL_ONLY, prm.POSITIONAL_OR_KEYWORD) \
                and prm.default is prm.empty:
            count += 1
        elif prm.kind is prm.VAR_POSITIONAL:
            return None
    return count


class NaturalGradient(Direction):
    """Natural gradient ``p = -(F(x) + damping I)^{-1} g`` by CG.

    ``fisher`` is either ``fisher(x, v) -> F(x) v`` or a factory
    ``fisher(x) -> F`` returning a matrix, a ``LinearOperator`` or a
    callable ``v -> F v``.
    """

    name = "natural-gradient"

    def __init__(self, obj, fisher=None, damping=1e-4, cg_maxiter=None,
                 cg_rtol=1e-6):
        super().__init__(obj)
        if fisher is None or not callable(fisher):
            raise ValueError(
                "method 'natural-gradient' needs the option fisher=, either "
                "a matvec fisher(x, v) or a factory fisher(x) returning a "
                "matrix, LinearOperator or callable")
        self.fisher = fisher
        nreq = _n_required_positional(fisher)
        self.factory = nreq == 1
        self.damping = float(damping)
        if self.damping < 0:
            raise ValueError("damping must be >= 0")
        self.cg_maxiter = cg_maxiter
        self.cg_rtol = cg_rtol

    def compute(self, x, f, g):
        n = g.size
        if self.factory:
            F = as_operator(self.fisher(x), n, "Fisher")
        else:
            F = lambda v: np.asarray(self.fisher(x, v), dtype=float).reshape(-1)  # noqa: E731
        maxiter = self.cg_maxiter if self.cg_maxiter is not None else 10 * n
        p, info = la.conjugate_gradient(F, -g, rtol=self.cg_rtol,
                                        maxiter=maxiter, shift=self.damping)
        if info["negative_curvature"] and not np.any(p):
            return -g
        return p


# ---------------------------------------------------------------------------
# Trust-region / damped models
# ---------------------------------------------------------------------------

class Model:
    name = "model"
    second_order = True
    dense_hessian = False
    needs_trial_gradient = False

    def __init__(self, obj):
        self.obj = obj

    def solve(self, x, f, g, param):
        raise NotImplementedError

    def update(self, s, y):
        pass

    def reset(self):
        pass


class _MatrixFreeModel(Model):
    """The trust-region step by an iterative solver (``subproblem``) that
    sees the Hessian only through products; ``maxiter`` caps its iterations."""

    subproblem = None  # la.steihaug_toint or la.tr_krylov

    def __init__(self, obj, maxiter=None):
        super().__init__(obj)
        self.maxiter = maxiter

    def solve(self, x, f, g, radius):
        return self.subproblem(g, lambda v: self.obj.hvp(x, v), radius,
                               maxiter=self.maxiter)


class SteihaugModel(_MatrixFreeModel):
    name = "trust-ncg"
    subproblem = staticmethod(la.steihaug_toint)


class KrylovModel(_MatrixFreeModel):
    name = "trust-krylov"
    subproblem = staticmethod(la.tr_krylov)


class ExactModel(Model):
    name = "trust-exact"
    dense_hessian = True

    def solve(self, x, f, g, radius):
        H = self.obj.hessian(x)
        return la.tr_exact(H, g, radius)


class DampedNewtonModel(Model):
    """``(H + mu I) p = -g`` with mu raised until the matrix is PD."""

    name = "damped-newton"
    dense_hessian = True

    def solve(self, x, f, g, mu):
        H = self.obj.hessian(x)
        n = g.size
        mu_used = mu
        for _ in range(100):
            L = la._chol(H + mu_used * np.eye(n))
            if L is not None:
                break
            mu_used = max(10.0 * mu_used, 1e-10 * max(1.0, np.max(np.abs(H))))
        else:
            return np.zeros_like(g), 0.0, dict(mu=mu_used, failed=True)
        p = -sla.cho_solve((L, True), g)
        pred = -(g @ p + 0.5 * p @ (H @ p))
        return p, pred, dict(mu=mu_used, hits_boundary=False)


class SR1Model(Model):
    """Symmetric-rank-one quasi-Newton model solved exactly (Moré–Sorensen)."""

    name = "sr1"
    second_order = False
    needs_trial_gradient = True

    def __init__(self, obj, skip_tol=1e-8):
        super().__init__(obj)
        self.B = None
        self.skip_tol = skip_tol

    def reset(self):
        self.B = None

    def solve(self, x, f, g, radius):
        if self.B is None:
            self.B = np.eye(g.size)
            self._scaled = False
        return la.tr_exact(self.B, g, radius)

    def update(self, s, y):
        if not (np.all(np.isfinite(y)) and np.all(np.isfinite(s))):
            return
        if not self._scaled:
            sy = s @ y
            if sy > 0:
                self.B = (y @ y) / sy * np.eye(s.size)
            self._scaled = True
        r = y - self.B @ s
        rs = r @ s
        if abs(rs) >= self.skip_tol * np.linalg.norm(s) * np.linalg.norm(r) and rs != 0:
            self.B += np.outer(r, r) / rs
