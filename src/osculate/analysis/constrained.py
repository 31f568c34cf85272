"""The second-order test on a constraint set: is ``x`` a constrained local
minimum, maximum or saddle of ``f`` subject to ``c(x) = 0``?

:func:`classify_constrained` checks, at a point ``x``:

1. **Feasibility.**  ``‖c(x)‖ <= feasibility_tol``, else ``"infeasible point"``.
2. **Regularity (LICQ).**  The constraint Jacobian ``A = ∂c/∂x`` (one forward
   pass, :func:`osculate.jacfwd`) has full row rank ``m``.  The rank is read
   from its singular values against their rounding-error estimate
   ``C ε (max(m, n) ‖A‖ + ‖x‖ ‖∂²c‖)`` (or ``rank_rtol`` times ``‖A‖``,
   whichever is larger); a singular value within ten times that estimate
   makes the rank, and so every verdict, uncertain.  When LICQ fails the
   tangent-space test does not apply -- a constrained extremum need not even
   satisfy the Lagrange conditions there (the cusp ``y² = x³``) -- and the
   answer is ``"inconclusive"`` with the reason.
3. **Stationarity (KKT).**  ``∇f(x) = Aᵀλ``: the multipliers are given or
   the least-squares solution; the residual ``‖∇f - Aᵀλ‖`` must be at most
   ``stationarity_tol``, else ``"not a critical point on the constraint set"``.
4. **Second-order test.**  The Hessian of the Lagrangian
   ``L(x) = f(x) - λᵀc(x)`` is computed in one second-order pass
   (:func:`osculate.hessian` of ``L``), ``Z`` is an orthonormal basis of the
   null space of ``A`` (the tangent space of the constraint set, from the
   SVD) and the eigenvalues ``μ`` of the reduced Hessian ``ZᵀHZ`` decide:
   all positive -- strict constrained local minimum; all negative -- strict
   constrained local maximum; both signs -- saddle on the constraint set.
   The bordered (KKT) matrix ``K = [[H, Aᵀ], [A, 0]]`` is reported too: by
   the inertia theorem its inertia is that of ``ZᵀHZ`` plus ``(m, m, 0)``,
   and ``bordered_agrees`` says whether the two views agree.
5. **Degenerate points.**  A zero ``μ`` leaves the second-order test
   inconclusive.  The higher-order test of
   :mod:`osculate.analysis.higher_order` is then run on the *reduced
   function* ``φ(u) = f(x(u))``, where ``x(u) = x + Zu + Yw(u)`` follows the
   constraint set (``Y`` spans the row space of ``A``; ``w(u)`` solves
   ``c(x(u)) = 0`` by chord-Newton iterations, enough of them for the
   Taylor coefficients up to ``max_order + 1`` to be exact), so the verdicts
   and their honesty are those of the unconstrained test.

**Certified.**  The eigenvalues ``μ`` carry an error estimate made of the
rounding error of ``H`` (:func:`~osculate.analysis.error_model.eigenvalue_error`),
the error of ``Z`` (``2 ‖H‖ θ``, ``θ`` the null space's angle error, the
rounding error of ``A`` over its smallest kept singular value), the error of
the multipliers (their distance from the least-squares multipliers plus the
stationarity residual over that singular value, times the size of the
constraints' second derivatives on the tangent space) and the distance to the
exact KKT point implied by the residuals (times the third derivatives of
``L``).  A verdict is ``certified`` only when every ``|μ|`` it rests on
exceeds ten times (``MARGIN``) that estimate and the rank decision is clear;
otherwise it is reported with ``certified=False``.

**Active inequalities.**  ``active_ineq`` takes constraints ``g(x) >= 0`` that
hold with equality at ``x``; they are treated as equalities, and then the
signs of their multipliers matter: a minimum on the set where they are
active is a minimum of the inequality problem only if every such multiplier
is positive (``f`` grows into the interior ``g > 0``); one of the wrong sign
(beyond its error) makes the point a saddle of the inequality problem, and a
zero one makes the verdict inconclusive (no strict complementarity).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..ad import numpy as osc_np
from ..ad.transforms import hessian, jacfwd, value_and_grad
from ._util import Result, as_point, check_scalar_value
from ._taylor import curve_series
from .error_model import (
    EPS,
    EXPLAIN,
    MARGIN,
    SAFETY,
    derivative_scales,
    eigenvalue_error,
    radial_third_derivative,
    series_errors,
)
from .higher_order import higher_order_test
from .spectrum import DEFAULT_RTOL, Inertia, zero_tolerance

__all__ = [
    "ConstrainedPoint",
    "CONSTRAINED_KIND_OF",
    "classify_constrained",
    "constraint_function",
    "reduced_function",
]

#: Every ``classification`` of :func:`classify_constrained` and its ``kind``.
CONSTRAINED_KIND_OF = {
    "strict constrained local minimum": "minimum",
    "strict constrained local maximum": "maximum",
    "constrained local minimum": "minimum",
    "constrained local maximum": "maximum",
    "non-strict constrained local minimum": "minimum",
    "non-strict constrained local maximum": "maximum",
    "constrained saddle point": "saddle",
    "isolated feasible point": "isolated",
    "inconclusive": "inconclusive",
    "not a critical point on the constraint set": "not critical",
    "infeasible point": "infeasible",
}

_SMALL_THIRD = 16  # up to this dimension the third derivatives of L are formed
_MAX_CURVATURE_ENTRIES = 2_000_000  # up to m n² entries, every constraint Hessian is formed (error model)


@dataclass(repr=False, eq=False)
class ConstrainedPoint(Result):
    """A point classified on a constraint set (see :func:`classify_constrained`).

    Attributes
    ----------
    x : ndarray
        The point.
    value : float
        ``f(x)``.
    classification : str
        ``"strict constrained local minimum"`` / ``"... maximum"``,
        ``"constrained saddle point"``, ``"constrained local minimum"`` /
        ``"... maximum"`` (degenerate; higher-order heuristic),
        ``"non-strict constrained local minimum"`` / ``"... maximum"`` (on a
        curve of constrained critical points), ``"isolated feasible point"``
        (the constraints leave no tangent direction), ``"inconclusive"``,
        ``"not a critical point on the constraint set"`` or ``"infeasible point"``.
    kind : str
        ``"minimum"``, ``"maximum"``, ``"saddle"``, ``"isolated"``,
        ``"inconclusive"``, ``"not critical"`` or ``"infeasible"``.
    certified : bool
        Whether the verdict holds beyond the error estimate (module documentation).
    degenerate : bool
        Whether the reduced Hessian has a zero eigenvalue (within its tolerance).
    reason : str
        The numbers behind the verdict.
    multipliers : ndarray, shape (m,)
        ``λ`` with ``∇f = Aᵀλ`` (equality constraints first, then the active
        inequalities).
    stationarity, feasibility : float
        ``‖∇f - Aᵀλ‖`` and ``‖c(x)‖`` (the KKT residuals).
    stationarity_tol, feasibility_tol : float
        Their thresholds.
    n_constraints : int
        ``m``, the number of constraint components (equalities and active inequalities).
    n_active_ineq : int
        How many of them are active inequalities (the last ones).
    rank : int
        Numerical rank of the constraint Jacobian.
    licq : bool
        Whether ``rank == m`` (linear independence constraint qualification).
    singular_values : ndarray
        Singular values of the constraint Jacobian, descending.
    reduced_eigenvalues : ndarray
        Eigenvalues of ``ZᵀHZ``, ascending (``n - rank`` of them).
    reduced_inertia : Inertia
        Their signs, with ``tolerance`` as the zero threshold.
    kkt_inertia : Inertia
        Inertia of the bordered matrix ``[[H, Aᵀ], [A, 0]]``.
    bordered_agrees : bool
        Whether ``kkt_inertia == reduced_inertia + (m, m, 0)`` (only
        meaningful when ``licq``).
    eigenvalue_error : float
        Error estimate of the reduced eigenvalues.
    tolerance : float
        Their zero threshold (at least ``eigenvalue_error``).
    higher_order : HigherOrderTest or None
        The test on the reduced function at a degenerate point.
    non_isolated : bool
        Whether the point lies on a curve or surface of constrained critical points.
    n_hits : int
        Starts of a search that reached the point (1 otherwise).
    gradient, jacobian, lagrangian_hessian, tangent_basis : ndarray
        ``∇f``, ``A``, ``∇²L`` and ``Z`` (not in the repr nor in ``to_dict()``).
    """

    x: np.ndarray
    value: float
    classification: str
    kind: str
    certified: bool
    degenerate: bool
    reason: str
    multipliers: np.ndarray
    stationarity: float
    feasibility: float
    stationarity_tol: float
    feasibility_tol: float
    n_constraints: int
    n_active_ineq: int
    rank: int
    licq: bool
    singular_values: np.ndarray
    reduced_eigenvalues: np.ndarray
    reduced_inertia: Inertia
    kkt_inertia: Inertia
    bordered_agrees: bool
    eigenvalue_error: float
    tolerance: float
    higher_order: Any = None
    non_isolated: bool = False
    n_hits: int = 1
    gradient: np.ndarray = field(default=None, repr=False, metadata={"to_dict": False})  # type: ignore[assignment]
    jacobian: np.ndarray = field(default=None, repr=False, metadata={"to_dict": False})  # type: ignore[assignment]
    lagrangian_hessian: np.ndarray = field(default=None, repr=False,  # type: ignore[assignment]
                                           metadata={"to_dict": False})
    tangent_basis: np.ndarray = field(default=None, repr=False, metadata={"to_dict": False})  # type: ignore[assignment]

    @property
    def is_critical(self) -> bool:
        """Whether ``x`` is feasible and satisfies the Lagrange conditions (or the test could not tell)."""
        return self.kind not in ("not critical", "infeasible")

    @property
    def gradient_norm(self) -> float:
        """The stationarity residual (the constrained counterpart of ``‖∇f‖``)."""
        return self.stationarity

    @property
    def eigenvalues(self) -> np.ndarray:
        """The reduced Hessian's eigenvalues (the constrained counterpart of the Hessian's)."""
        return self.reduced_eigenvalues

    def __repr__(self) -> str:
        x = np.array2string(np.asarray(self.x), precision=6, threshold=8, separator=", ", suppress_small=True)
        lam = np.array2string(np.asarray(self.multipliers), precision=6, threshold=8, separator=", ",
                              suppress_small=True)
        flags = " (degenerate)" if self.degenerate else ""
        cert = "" if self.certified else ", not certified"
        return (
            f"ConstrainedPoint(x={x}, value={self.value:.6g}, classification={self.classification!r}{flags}{cert}, "
            f"multipliers={lam}, stationarity={self.stationarity:.2e}, feasibility={self.feasibility:.2e})"
        )


# --------------------------------------------------------------------------- the constraints


def _as_callables(spec, what: str) -> list:
    if spec is None:
        return []
    if callable(spec):
        return [spec]
    if isinstance(spec, (list, tuple)):
        for i, c in enumerate(spec):
            if not callable(c):
                raise TypeError(f"{what}[{i}] must be a callable c(x), got {type(c).__name__}")
        return list(spec)
    raise TypeError(f"{what} must be a callable c(x) returning a scalar or a vector, or a list of them; "
                    f"got {type(spec).__name__}")


def constraint_function(eq=None, active_ineq=None):
    """The constraints as one function ``c(x)`` returning a 1-D vector
    (the equalities' components first, then the active inequalities'),
    and the list of callables it concatenates.

    >>> c, parts = constraint_function([lambda x: x[0] + x[1] - 1, lambda x: x[0] * x[1]])
    >>> c(np.array([2.0, 3.0])).tolist(), len(parts)
    ([4.0, 6.0], 2)
    """
    parts = _as_callables(eq, "eq") + _as_callables(active_ineq, "active_ineq")
    if not parts:
        raise ValueError("no constraints were given: pass eq= (and/or active_ineq=); without constraints use "
                         "classify_point or curvature")

    def c(x):
        return osc_np.concatenate([osc_np.reshape(p(x), (-1,)) for p in parts])

    return c, parts


def _constraint_values(parts, z: np.ndarray) -> np.ndarray:
    """``c(z)`` component by component, with a clear error for a non-finite one."""
    vals = []
    for i, p in enumerate(parts):
        with np.errstate(all="ignore"):
            v = np.asarray(p(z), dtype=np.float64).reshape(-1)
        if not np.all(np.isfinite(v)):
            raise ValueError(
                f"constraint {i} is not finite at x (value {v.tolist() if v.size > 1 else float(v[0])}); "
                "the constraint set is not defined there"
            )
        vals.append(v)
    return np.concatenate(vals) if vals else np.zeros(0)


def reduced_function(f, c, x, Z, Y, M, n_iter: int):
    """``φ(u) = f(x + Zu + Yw(u))`` on the constraint set ``c = 0``: ``w(u)``
    by ``n_iter`` chord-Newton steps ``w <- w - M c(x + Zu + Yw)`` from
    ``w = 0`` (``M = (AY)⁻¹``).  Each step makes one more Taylor coefficient
    of ``w`` exact, so ``n_iter`` steps give the coefficients of ``φ`` up to
    order ``n_iter + 1``.  ``φ.curve`` is ``u -> x(u)``.

    >>> x = np.array([1.0, 0.0]); Z = np.array([[0.0], [1.0]]); Y = np.array([[1.0], [0.0]])
    >>> phi = reduced_function(lambda p: p[0], lambda p: osc_np.stack([p[0] ** 2 + p[1] ** 2 - 1]),
    ...                        x, Z, Y, np.array([[0.5]]), 12)
    >>> round(float(phi(np.array([0.6]))), 6)   # x = sqrt(1 - 0.36) on the circle
    0.8
    """

    def phi(u):
        return f(on_set(u))

    def on_set(u):
        base = x + Z @ u
        w = None
        for _ in range(int(n_iter)):
            p = base if w is None else base + Y @ w
            step = -(M @ c(p))
            w = step if w is None else w + step
        return base if w is None else base + Y @ w

    phi.curve = on_set  # u -> x(u), the point on the constraint set
    return phi


# --------------------------------------------------------------------------- the classification


def _norm2(M: np.ndarray) -> float:
    return float(np.linalg.norm(M, 2)) if M.size else 0.0


def _inertia(vals: np.ndarray, tol: float) -> Inertia:
    pos = int(np.sum(vals > tol))
    neg = int(np.sum(vals < -tol))
    return Inertia(pos, neg, int(vals.size - pos - neg))


def classify_constrained(
    f,
    x,
    eq=None,
    *,
    active_ineq=None,
    multipliers=None,
    stationarity_tol: float | None = None,
    feasibility_tol: float | None = None,
    rank_rtol: float = DEFAULT_RTOL,
    rtol: float = DEFAULT_RTOL,
    tol: float | None = None,
    higher_order: bool = True,
    max_order: int = 6,
    n_directions: int = 24,
    seed: int = 0,
) -> ConstrainedPoint:
    """Classify ``x`` as a constrained local minimum, maximum or saddle of
    ``f`` on the set ``c(x) = 0`` (the second-order test on the tangent space
    of the constraints; see :mod:`osculate.analysis.constrained`).

    Parameters
    ----------
    f : callable
        Scalar function of a 1-D array of length ``n``.
    x : array_like, shape (n,)
        The point.
    eq : callable or list of callables
        Equality constraints ``c(x) = 0``: one callable returning a scalar or
        a vector, or a list of them.
    active_ineq : callable or list of callables, optional
        Inequality constraints ``g(x) >= 0`` active at ``x`` (``g(x) = 0``),
        treated as equalities; their multipliers' signs are checked.
    multipliers : array_like, shape (m,), optional
        ``λ`` of ``∇f = Aᵀλ`` (``m`` = number of constraint components,
        equalities first); default: least squares.
    stationarity_tol : float, optional
        ``x`` is a Lagrange point when ``‖∇f - Aᵀλ‖ <= stationarity_tol``;
        default ``max(1e-8 · max(1, |f|, ‖∇f‖), C ε (‖∇²L‖ ‖x‖ + ‖∇f‖ + ‖A‖ ‖λ‖))``.
    feasibility_tol : float, optional
        ``x`` is feasible when ``‖c(x)‖ <= feasibility_tol``; default
        ``max(1e-8 · max(1, ‖A‖ ‖x‖), C ε ‖A‖ ‖x‖)``.
    rank_rtol : float, default 1e-8
        Singular values of ``A`` below ``rank_rtol · ‖A‖`` (or their
        rounding-error estimate) count as zero.
    rtol, tol : float
        Zero tolerance of the reduced eigenvalues, relative to ``‖∇²L‖``
        (or absolute); their error estimate always applies.
    higher_order, max_order, n_directions, seed
        The higher-order test at a degenerate point, as in
        :func:`~osculate.analysis.curvature`.

    Returns
    -------
    ConstrainedPoint

    Examples
    --------
    The extrema of ``xy`` on the unit circle:

    >>> import numpy as np
    >>> from osculate.analysis import classify_constrained
    >>> f = lambda x: x[0] * x[1]
    >>> circle = lambda x: x[0] ** 2 + x[1] ** 2 - 1
    >>> s = 1 / np.sqrt(2)
    >>> p = classify_constrained(f, [s, s], circle)
    >>> p.classification, p.certified, np.round(p.multipliers, 12), np.round(p.reduced_eigenvalues, 12)
    ('strict constrained local maximum', True, array([0.5]), array([-2.]))
    >>> p.kkt_inertia.as_tuple(), p.bordered_agrees
    ((1, 2, 0), True)
    >>> classify_constrained(f, [s, -s], circle).classification
    'strict constrained local minimum'
    >>> classify_constrained(f, [1.0, 0.0], circle).classification
    'not a critical point on the constraint set'
    """
    z = as_point(x)
    if z.ndim != 1:
        raise ValueError(f"x must be a 1-D array (a vector of n coordinates), got shape {z.shape}")
    n = z.size
    c, parts = constraint_function(eq, active_ineq)
    n_ineq = len(_as_callables(active_ineq, "active_ineq"))
    if int(max_order) < 3 and higher_order:
        raise ValueError(f"max_order must be at least 3 for the higher-order test, got {max_order}")
    with np.errstate(all="ignore"):
        value, g = value_and_grad(f)(z)
    value = check_scalar_value(value)
    g = np.asarray(g, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(g)):
        raise ValueError("the gradient of f at x is not finite")
    cval = _constraint_values(parts, z)
    m = cval.size
    # the active inequalities' components are the last ones
    n_ineq_comp = 0
    if n_ineq:
        n_ineq_comp = sum(np.asarray(p(z)).size for p in parts[len(parts) - n_ineq:])
    with np.errstate(all="ignore"):
        A = np.asarray(jacfwd(c)(z), dtype=np.float64).reshape(m, n)
    if not np.all(np.isfinite(A)):
        raise ValueError("the constraint Jacobian at x contains NaN or inf; the tangent space is not defined")
    if multipliers is not None:
        lam_given = np.asarray(multipliers, dtype=np.float64).reshape(-1)
        if lam_given.size != m:
            raise ValueError(f"multipliers has {lam_given.size} entries but the constraints have {m} components "
                             "(one multiplier per component, equalities first)")
        if not np.all(np.isfinite(lam_given)):
            raise ValueError("multipliers contains NaN or inf")
    # the constraints' second derivatives, for the error model only: all of them in one
    # forward-over-forward pass for small problems, else one random combination of them
    C2 = _constraint_curvatures(c, z, m, seed)
    x_norm = float(np.linalg.norm(z))
    c2_norm = float(np.sqrt(sum(_norm2(C2[i]) ** 2 for i in range(len(C2)))))

    # --- rank of A (LICQ) and the tangent space
    U, sv, Vt = np.linalg.svd(A)
    a_norm = float(sv[0]) if sv.size else 0.0
    a_err = SAFETY * EPS * (max(m, n) * a_norm + x_norm * c2_norm)
    rank_tol = max(rank_rtol * a_norm, a_err)
    r = int(np.sum(sv > rank_tol))
    licq = r == m
    sig_r = float(sv[r - 1]) if r else 0.0
    rank_clear = (r == 0 or sig_r > MARGIN * rank_tol) and not np.any((sv > rank_tol / MARGIN) & (sv <= rank_tol))
    Z = Vt[r:].T  # n x (n - r)
    Y = Vt[:r].T
    k = n - r

    # --- multipliers (least squares on the rank-r part)
    lam_ls = U[:, :r] @ ((Vt[:r] @ g) / sv[:r]) if r else np.zeros(m)
    lam = lam_given if multipliers is not None else lam_ls
    res = float(np.linalg.norm(g - A.T @ lam))
    res_ls = float(np.linalg.norm(g - A.T @ lam_ls))
    feas = float(np.linalg.norm(cval))

    # --- the Hessian of the Lagrangian, one pass
    lam_c = lam.copy()

    def lagrangian(p):
        return f(p) - lam_c @ c(p)

    with np.errstate(all="ignore"):
        H = np.asarray(hessian(lagrangian)(z), dtype=np.float64).reshape(n, n)
    if not np.all(np.isfinite(H)):
        raise ValueError("the Hessian of the Lagrangian at x contains NaN or inf")
    H = 0.5 * (H + H.T)
    h_norm = _norm2(H)
    g_norm = float(np.linalg.norm(g))
    lam_norm = float(np.linalg.norm(lam))
    if stationarity_tol is None:
        stationarity_tol = max(1e-8 * max(1.0, abs(value), g_norm),
                               SAFETY * EPS * (h_norm * x_norm + g_norm + a_norm * lam_norm))
    if feasibility_tol is None:
        feasibility_tol = max(1e-8 * max(1.0, a_norm * x_norm), SAFETY * EPS * a_norm * x_norm)

    # --- the reduced Hessian and its error estimate
    R = Z.T @ H @ Z
    R = 0.5 * (R + R.T)
    mu, W = np.linalg.eigh(R) if k else (np.zeros(0), np.zeros((0, 0)))
    third = radial_third_derivative(lagrangian, z, H, seed=seed)
    err_h = eigenvalue_error(n, h_norm, third)
    theta = a_err / sig_r if r else 0.0
    err_z = 2.0 * h_norm * theta
    if r:
        d_lam = float(np.linalg.norm(lam - lam_ls)) + (res_ls + SAFETY * EPS * (g_norm + a_norm * lam_norm)) / sig_r
    else:
        d_lam = 0.0
    cz = float(np.sqrt(sum(_norm2(Z.T @ C2[i] @ Z) ** 2 for i in range(len(C2))))) if k else 0.0
    err_lam = d_lam * cz
    # distance to the exact Lagrange point implied by the residuals, times the third derivatives of L
    K = np.block([[H, A.T], [A, np.zeros((m, m))]])
    kev = np.linalg.eigvalsh(K)
    k_min = float(np.min(np.abs(kev))) if kev.size else 0.0
    err_disp = 0.0
    if (res > 0 or feas > 0) and k_min > 0:
        rho = math.hypot(res, feas) / k_min
        if n <= _SMALL_THIRD:
            with np.errstate(all="ignore"):
                D3 = np.asarray(jacfwd(hessian(lagrangian))(z), dtype=np.float64).reshape(n, n * n)
            t3 = _norm2(D3) if np.all(np.isfinite(D3)) else 0.0
        else:
            t3 = third / x_norm if x_norm else 0.0
        err_disp = EXPLAIN * rho * t3
    err_mu = err_h + err_z + err_lam + err_disp
    tz = max(zero_tolerance(np.array([h_norm]), rtol, tol), err_mu)
    red_inertia = _inertia(mu, tz)
    k_tol = max(zero_tolerance(kev, rtol, tol), SAFETY * EPS * (n + m) * _norm2(K), err_mu)
    kkt_inertia = _inertia(kev, k_tol)
    p0, n0, z0 = red_inertia.as_tuple()
    bordered_agrees = licq and kkt_inertia.as_tuple() == (p0 + m, n0 + m, z0)

    base = dict(
        x=z.copy(), value=value, multipliers=lam, stationarity=res, feasibility=feas,
        stationarity_tol=float(stationarity_tol), feasibility_tol=float(feasibility_tol), n_constraints=m,
        n_active_ineq=n_ineq_comp, rank=r, licq=licq, singular_values=sv, reduced_eigenvalues=mu,
        reduced_inertia=red_inertia, kkt_inertia=kkt_inertia, bordered_agrees=bool(bordered_agrees),
        eigenvalue_error=err_mu, tolerance=tz, gradient=g, jacobian=A, lagrangian_hessian=H, tangent_basis=Z,
    )

    def verdict(classification, certified, reason, degenerate=False, **extra):
        return ConstrainedPoint(classification=classification, kind=CONSTRAINED_KIND_OF[classification],
                                certified=bool(certified), degenerate=bool(degenerate), reason=reason,
                                **base, **extra)

    rank_note = "" if rank_clear else (
        f"; not certified: a singular value of the constraint Jacobian ({_closest(sv, rank_tol):.3g}) is within "
        f"{MARGIN:g}x its rounding error {rank_tol:.2g}, so the rank {r} is uncertain"
    )
    if feas > feasibility_tol:
        return verdict("infeasible point", True,
                       f"‖c(x)‖ = {feas:.3g} > feasibility_tol = {feasibility_tol:.3g}: x is not on the constraint set")
    if not licq:
        why = (
            f"the constraint Jacobian has rank {r} < {m} constraints at x (LICQ fails): "
        )
        if res <= stationarity_tol:
            why += ("the multipliers are not unique and the tangent-space test does not apply (the linearized "
                    "constraints need not describe the constraint set)")
        else:
            why += (f"∇f is not a combination of the constraint gradients (residual {res:.3g}), but at such a point "
                    "a constrained extremum need not satisfy the Lagrange conditions, so nothing is concluded")
        return verdict("inconclusive", False, why, degenerate=True)
    if res > stationarity_tol:
        return verdict("not a critical point on the constraint set", True,
                       f"‖∇f - Aᵀλ‖ = {res:.3g} > stationarity_tol = {stationarity_tol:.3g}: x is feasible but "
                       "not a Lagrange point (f changes to first order along the constraint set)")
    if k == 0:
        return verdict("isolated feasible point", rank_clear,
                       f"the {m} constraint gradients span every direction: the constraint set is the single "
                       f"point x near x, so there is nothing to compare f(x) with{rank_note}")

    def eig_note(vals) -> tuple[bool, str]:
        small = float(np.min(np.abs(vals)))
        if small > MARGIN * err_mu and rank_clear:
            return True, ""
        if small > MARGIN * err_mu:
            return False, rank_note
        return False, (f"; not certified: |μ| = {small:.3g} is within {MARGIN:g}x the reduced eigenvalues' error "
                       f"estimate {err_mu:.2g}{rank_note}")

    nonzero = mu[np.abs(mu) > tz]
    degenerate = red_inertia.zero > 0
    ineq_lam = lam[m - n_ineq_comp:] if n_ineq_comp else np.zeros(0)
    if nonzero.size and nonzero.min() < 0 < nonzero.max():
        certified, note = eig_note([nonzero.min(), nonzero.max()])
        reason = (f"reduced Hessian ZᵀHZ indefinite: eigenvalues {nonzero.min():.6g} < 0 < {nonzero.max():.6g} "
                  f"(second-order test on the tangent space of {m} constraint(s)){note}")
        return verdict("constrained saddle point", certified, reason, degenerate)
    if not degenerate:
        kind = "minimum" if mu.min() > 0 else "maximum"
        certified, note = eig_note(mu)
        reason = (f"reduced Hessian ZᵀHZ {'positive' if kind == 'minimum' else 'negative'} definite: eigenvalues "
                  f"in [{mu.min():.6g}, {mu.max():.6g}] (second-order test on the tangent space of {m} "
                  f"constraint(s); bordered matrix inertia {kkt_inertia.as_tuple()}){note}")
        return _inequality_signs(verdict(f"strict constrained local {kind}", certified, reason), ineq_lam, d_lam)
    within = f"within {tz:.2g}" if tz > 0 else "exactly"
    null_note = f"reduced Hessian ZᵀHZ singular ({red_inertia.zero} eigenvalue(s) zero {within})"
    if not higher_order:
        return verdict("inconclusive", False,
                       f"{null_note}: the second-order test is inconclusive and the higher-order test is disabled",
                       True)
    terms = _term_scales(f, parts, z, value, g, A, cval, lam, H, Z @ W[:, np.abs(mu) <= tz], int(max_order) + 1, seed)
    test = _reduced_test(lagrangian, c, z, Z, Y, U[:, :r], sv[:r], tz, int(max_order), n_directions, seed, terms)
    classification = {
        "saddle": "constrained saddle point",
        "minimum": "constrained local minimum",
        "maximum": "constrained local maximum",
        "non-strict minimum": "non-strict constrained local minimum",
        "non-strict maximum": "non-strict constrained local maximum",
        "inconclusive": "inconclusive",
    }[test.verdict]
    reason = (f"{null_note}: the second-order test is inconclusive; higher-order test on the reduced function "
              f"f(x(u)) along the constraint set: {test.reason}")
    point = verdict(classification, test.certified, reason, True, higher_order=test,
                    non_isolated=bool(test.non_isolated))
    return _inequality_signs(point, ineq_lam, d_lam)


def _constraint_curvatures(c, z: np.ndarray, m: int, seed: int) -> np.ndarray:
    """The Hessians of the constraint components, shape ``(m, n, n)``, when
    ``m n²`` is at most :data:`_MAX_CURVATURE_ENTRIES`; above, the Hessian of
    ``rᵀc`` for a seeded standard normal ``r`` (shape ``(1, n, n)``), whose
    squared norm estimates the sum of theirs.  Non-finite entries count as 0."""
    n = z.size
    with np.errstate(all="ignore"):
        if m * n * n <= _MAX_CURVATURE_ENTRIES:
            C2 = np.asarray(jacfwd(jacfwd(c))(z), dtype=np.float64).reshape(m, n, n)
        else:
            r = np.random.default_rng([int(seed), 21]).standard_normal(m)
            C2 = np.asarray(hessian(lambda p: r @ c(p))(z), dtype=np.float64).reshape(1, n, n)
    return np.where(np.isfinite(C2), C2, 0.0)


def _closest(sv: np.ndarray, tol: float) -> float:
    """The singular value nearest the rank threshold (in ratio)."""
    pos = sv[sv > 0]
    if pos.size == 0:
        return 0.0
    return float(pos[np.argmin(np.abs(np.log(pos / tol)))])


def _term_scales(f, parts, z, value, g, A, cval, lam, H, dirs, order, seed) -> np.ndarray:
    """Derivative scales (:func:`~osculate.analysis.error_model.derivative_scales`)
    of the terms the reduced function adds up: ``T(f) + Σ |λ_i| T(c_i)`` in
    ``x``-space, orders ``0..order``."""
    lam_h, U_h = np.linalg.eigh(H)
    T = derivative_scales(f, z, value, float(np.linalg.norm(g)), lam_h, U_h, dirs, order, seed)
    row = 0
    for p in parts:
        size = int(np.asarray(p(z)).size)
        for j in range(size):
            if lam[row] != 0.0:
                if size == 1:
                    ci = p
                else:
                    def ci(x, p=p, j=j):
                        return osc_np.reshape(p(x), (-1,))[j]
                T = T + abs(lam[row]) * derivative_scales(ci, z, float(cval[row]), float(np.linalg.norm(A[row])),
                                                          lam_h, U_h, dirs, order, seed)
            row += 1
    return T


def _reduced_test(lagrangian, c, z, Z, Y, Ur, sr, tz, max_order, n_directions, seed, terms):
    """The higher-order test of :mod:`osculate.analysis.higher_order` on the
    reduced function ``φ(u) = f(x(u))`` at ``u = 0``, evaluated as
    ``L(x(u))``: on the constraint set the two agree, and the Lagrangian's
    vanishing gradient keeps the large first-order terms out of the
    high-order coefficients (``x² + y²`` on the unit circle is then exactly
    constant instead of rounding noise of size ε at order 6)."""
    M = (Ur / sr).T  # (AY)⁻¹ = S⁻¹ Uᵀ when A = U S Yᵀ has full row rank
    phi = reduced_function(lagrangian, c, z, Z, Y, M, max_order + 3)
    k = Z.shape[1]
    u0 = np.zeros(k)
    with np.errstate(all="ignore"):
        value, gphi = value_and_grad(phi)(u0)
        Hphi = np.asarray(hessian(phi)(u0), dtype=np.float64).reshape(k, k)
    value = check_scalar_value(value, "f on the constraint set")
    gphi = np.asarray(gphi, dtype=np.float64).reshape(-1)
    lam, V = np.linalg.eigh(0.5 * (Hphi + Hphi.T))
    null_idx = [int(i) for i in np.flatnonzero(np.abs(lam) <= tz)]
    if not null_idx:  # the reduced function's own Hessian sees no zero: test its smallest direction
        null_idx = [int(np.argmin(np.abs(lam)))]
    # the rounding error of the terms f(x(u)) and λᵀc(x(u)), which cancel in φ: their scales along the
    # curve x(u) (its Taylor coefficients along the null directions)
    norms = np.zeros(max_order)
    for i in null_idx:
        with np.errstate(all="ignore"):
            series = curve_series(phi.curve, u0, [V[:, i]], max_order)
        for j in range(1, max_order + 1):
            norms[j - 1] = max(norms[j - 1], float(np.linalg.norm(np.asarray(series[j], dtype=np.float64))))
    norms[0] = max(norms[0], 1.0)
    floor = series_errors(terms, norms, float(np.linalg.norm(z)), max_order)
    return higher_order_test(phi, u0, value, gphi, lam, V, null_idx, tz, max_order, n_directions, seed,
                             error_floor=floor)


def _inequality_signs(point: ConstrainedPoint, ineq_lam: np.ndarray, d_lam: float) -> ConstrainedPoint:
    """An extremum on the set where the active inequalities ``g >= 0`` hold
    with equality is one of the inequality problem only when the multipliers
    have the right sign (positive for a minimum, negative for a maximum)."""
    if ineq_lam.size == 0 or point.kind not in ("minimum", "maximum"):
        return point
    want = 1.0 if point.kind == "minimum" else -1.0
    err = max(MARGIN * d_lam, point.stationarity_tol)
    wrong = ineq_lam * want < -err
    zero = np.abs(ineq_lam) <= err
    if np.any(wrong):
        i = int(np.flatnonzero(wrong)[0])
        point.classification, point.kind = "constrained saddle point", "saddle"
        point.reason += (f"; but active inequality {i} has multiplier {ineq_lam[i]:.6g} of the wrong sign, so f "
                         f"{'decreases' if want > 0 else 'increases'} into the interior g > 0: a saddle of the "
                         "inequality problem")
    elif np.any(zero):
        i = int(np.flatnonzero(zero)[0])
        point.classification, point.kind, point.certified = "inconclusive", "inconclusive", False
        point.reason += (f"; active inequality {i} has a zero multiplier ({ineq_lam[i]:.3g}): without strict "
                         "complementarity the test on the active set does not decide the inequality problem")
    return point
