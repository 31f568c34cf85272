"""Step-length controls: Armijo backtracking and a strong-Wolfe search.

Both searches treat a non-finite objective value as "step too long" and
shrink; if no acceptable step is found they report failure instead of
returning a bad point.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["LineSearchResult", "armijo", "strong_wolfe"]


@dataclass
class LineSearchResult:
    success: bool
    alpha: float
    f: float
    g: np.ndarray | None  # gradient at the new point if computed
    nonfinite: bool = False  # a non-finite value was met on the way
    message: str = ""


def _interp_quadratic(a, phi0, dphi0, phia):
    """Minimiser of the quadratic through phi(0), phi'(0), phi(a)."""
    denom = 2.0 * (phia - phi0 - dphi0 * a)
    if denom <= 0 or not np.isfinite(denom):
        return 0.5 * a
    return -dphi0 * a * a / denom


def armijo(phi, phi0, dphi0, alpha0=1.0, c1=1e-4, maxiter=60, alpha_min=0.0,
           shrink=(0.1, 0.5)):
    """Backtracking search for ``phi(a) <= phi0 + c1 a dphi0``.

    ``phi(a)`` returns the objective along the ray.  Trial steps shrink by a
    safeguarded quadratic interpolation (factor in ``shrink``); a non-finite
    value shrinks by the lower factor.
    """
    a = alpha0
    nonfinite = False
    for _ in range(maxiter):
        if a <= alpha_min:
            break
        val = phi(a)
        if not np.isfinite(val):
            nonfinite = True
            a *= shrink[0]
            continue
        if val <= phi0 + c1 * a * dphi0:
            return LineSearchResult(True, a, val, None, nonfinite)
        new = _interp_quadratic(a, phi0, dphi0, val)
        a = min(max(new, shrink[0] * a), shrink[1] * a)
    msg = ("line search failed: the objective is not finite along the "
           "search direction" if nonfinite else
           "line search failed to find a sufficient decrease")
    return LineSearchResult(False, 0.0, phi0, None, nonfinite, msg)


def _cubic_min(a, fa, da, b, fb, db):
    """Minimiser of the cubic interpolating (a, fa, da) and (b, fb, db)."""
    d1 = da + db - 3.0 * (fa - fb) / (a - b)
    rad = d1 * d1 - da * db
    if rad < 0 or not np.isfinite(rad):
        return None
    d2 = np.sign(b - a) * np.sqrt(rad)
    den = db - da + 2.0 * d2
    if den == 0:
        return None
    return b - (b - a) * (db + d2 - d1) / den


def strong_wolfe(phi_dphi, phi0, dphi0, alpha0=1.0, c1=1e-4, c2=0.9,
                 alpha_max=1e10, maxiter=40, alpha_min=0.0):
    """Strong-Wolfe line search (bracketing phase + zoom).

    ``phi_dphi(a)`` returns ``(phi(a), phi'(a), extra)`` where ``extra`` is
    passed back (typically the gradient at the trial point).  Finds ``a``
    with ``phi(a) <= phi0 + c1 a dphi0`` and ``|phi'(a)| <= c2 |dphi0|``.
    Interpolation is cubic with bisection safeguards.
    """
    evals = 0
    nonfinite = False
    a_prev, f_prev, d_prev = 0.0, phi0, dphi0
    a = min(alpha0, alpha_max)
    best = None  # best Armijo point seen (fallback)

    def record(alpha, f, extra):
        nonlocal best
        if f <= phi0 + c1 * alpha * dphi0 and f < phi0 and \
                (best is None or f < best[1]):
            best = (alpha, f, extra)

    def zoom(lo, f_lo, d_lo, hi, f_hi, d_hi):
        nonlocal evals, nonfinite
        while evals < maxiter:
            width = hi - lo
            cand = None
            if np.isfinite(f_hi) and d_hi is not None:
                cand = _cubic_min(lo, f_lo, d_lo, hi, f_hi, d_hi)
            lo_b, hi_b = sorted((lo + 0.1 * width, hi - 0.1 * width))
            if cand is None or not (lo_b <= cand <= hi_b):
                cand = lo + 0.5 * width
            f, d, extra = phi_dphi(cand)
            evals += 1
            if not (np.isfinite(f) and np.isfinite(d)):
                nonfinite = True
                hi, f_hi, d_hi = cand, np.inf, None
                continue
            record(cand, f, extra)
            if f > phi0 + c1 * cand * dphi0 or f >= f_lo:
                hi, f_hi, d_hi = cand, f, d
            else:
                if abs(d) <= -c2 * dphi0:
                    return LineSearchResult(True, cand, f, extra, nonfinite)
                if d * (hi - lo) >= 0:
                    hi, f_hi, d_hi = lo, f_lo, d_lo
                lo, f_lo, d_lo = cand, f, d
            if abs(hi - lo) <= max(1e-14 * max(abs(lo), abs(hi)), alpha_min, 1e-300):
                break
        return None

    res = None
    for i in range(maxiter):
        f, d, extra = phi_dphi(a)
        evals += 1
        if not (np.isfinite(f) and np.isfinite(d)):
            # step too long: shrink towards the last good point
            nonfinite = True
            a = a_prev + 0.25 * (a - a_prev)
            if a - a_prev <= max(alpha_min, 1e-300):
                break
            continue
        record(a, f, extra)
        if f > phi0 + c1 * a * dphi0 or (i > 0 and f >= f_prev):
            res = zoom(a_prev, f_prev, d_prev, a, f, d)
            break
        if abs(d) <= -c2 * dphi0:
            return LineSearchResult(True, a, f, extra, nonfinite)
        if d >= 0:
            res = zoom(a, f, d, a_prev, f_prev, d_prev)
            break
        if a >= alpha_max or evals >= maxiter:
            res = None
            break
        a_prev, f_prev, d_prev = a, f, d
        a = min(4.0 * a, alpha_max)
    else:
        res = None
    if res is not None:
        return res
    if best is not None:
        # Armijo holds but the curvature condition could not be met within the
        # budget: still a decrease, report success with the best point
        a, f, extra = best
        return LineSearchResult(True, a, f, extra, nonfinite,
                                "curvature condition not satisfied")
    msg = ("line search failed: the objective is not finite along the "
           "search direction" if nonfinite else
           "line search failed to find a step satisfying the Wolfe conditions")
    return LineSearchResult(False, 0.0, phi0, None, nonfinite, msg)
