"""The higher-order test at a degenerate critical point.

When the Hessian at a critical point ``x`` is singular, the second-derivative
test says nothing, and :func:`~osculate.analysis.curvature` runs
:func:`higher_order_test` on the null space ``N`` of the Hessian:

1. **Reduced function** (splitting lemma).  Along a null direction
   ``d = N z`` the function is followed on the curve
   ``c(t) = x + t d + R w(t)`` whose range-space part ``w(t)`` (a
   polynomial) cancels the range-space gradient order by order (``R`` spans
   the eigenvectors with non-zero eigenvalue).  The Taylor coefficients of
   ``g(t) = f(c(t))`` are those of the reduced function of the splitting
   lemma; without the correction the test would call the origin of Peano's
   surface ``(y - x²)(y - 2x²)`` a minimum (it is a saddle: ``f`` is negative
   on ``y = 1.5 x²``, although it has a minimum along every line).
2. **Lowest non-vanishing order** of ``g`` along each sampled direction:
   the ``r`` null-space eigenvectors plus ``n_directions`` seeded random
   unit vectors on the null-space sphere.

Decisions
---------
An odd lowest order along some direction, two directions with even lowest
orders of opposite signs, or a sign opposite to the definite part of the
Hessian *prove* a saddle (``f`` takes values above and below ``f(x)``
arbitrarily close to ``x``) -- provided the coefficient is significant.
An even lowest order with the same sign along *every* sampled direction
(and consistent with the definite part) is reported as ``"local minimum"`` /
``"local maximum"`` with ``certified=False``: this is a higher-order
*sufficient-condition heuristic*, not a proof, because finitely many
directions cannot rule out a curve on which the sign changes (e.g.
``(x² - y³)(x² - 2y³)`` restricted to a two-dimensional null space).

**Flat directions and non-isolated critical points.**  If all derivatives up
to ``max_order`` vanish (within their errors) along some null direction,
:func:`higher_order_test` probes it: from ``x ± h d`` (on the reduced curve, ``h`` a
tenth of the length scale ``min_k (T_k0 / T_k)^(1/(k - k0))`` of the
derivatives) a few Newton steps restricted to the hyperplane normal to ``d``
look for a critical point with the value ``f(x)`` (``‖∇f‖ <= 1e-8 Σ_k k T_k
h^(k-1)``).  When every probe finds one, ``x`` lies on a curve (or surface)
of critical points -- the circle of minima of ``(x² + y² - 1)²``, the
sphere of ``(x² + y² + z² - 1)²``, the line of ``(x - y)²`` -- and is
classified by the other directions: ``"non-strict local minimum"`` /
``"non-strict local maximum"`` (``non_isolated=True``), never certified.
(Along the null *line* such a point need not look flat: on the tangent line
of the circle ``f = t⁴``; on the reduced curve, which follows the circle,
``f`` is constant.)  If a probe finds no critical point, or no direction
gives a sign, the answer is ``"inconclusive"`` (raise ``max_order``).

Every "vanishes", "significant" and "certified" above is relative to the
error estimates of :mod:`osculate.analysis.error_model`.
"""

from __future__ import annotations

import math

import numpy as np

from ..ad.transforms import grad, hessian
from ._taylor import curve_series, line_series
from .error_model import (
    EPS,
    EXPLAIN,
    MARGIN,
    SAFETY,
    derivative_scales,
    explained_error,
    leading_order,
    line_errors,
    series_errors,
)
from .results import HigherOrderTest
from .spectrum import zero_tolerance

__all__ = ["higher_order_test", "near_degenerate", "near_candidate"]

_MAX_NEAR_CHECKS = 8  # eigen-directions examined for near-degeneracy
_PROBE_STEP = 0.1  # probe distance, in units of the derivatives' length scale
_PROBE_TOL = 1e-8  # relative gradient (and value) of a critical point found by a probe
_PROBE_NEWTON = 12  # chord-Newton steps of a probe
_MAX_PROBES = 3  # flat directions probed


# --------------------------------------------------------------------------- near-degenerate eigen-directions


def near_degenerate(flat, z, gn, lam, U, null_idx, max_order, first=None) -> list[int]:
    """Eigen-directions (smallest |λ| first) whose second-order coefficient is
    explained by the displacement from a nearby degenerate critical point.
    ``first = (i, coefficients)`` passes the line series (to order
    ``max(3, max_order) + 1``) along the first candidate, computed in a batch."""
    if gn <= 0.0:
        return []
    order = max(3, max_order)
    hnorm = float(np.max(np.abs(lam))) if lam.size else 0.0
    x_norm = float(np.linalg.norm(z))
    extra = []
    skip = set(null_idx)
    candidates = [int(i) for i in np.argsort(np.abs(lam), kind="stable") if int(i) not in skip]
    for i in candidates[:_MAX_NEAR_CHECKS]:
        if first is not None and first[0] == i and np.shape(first[1]) == (order + 2,):
            coeffs = np.asarray(first[1], dtype=np.float64)
        else:
            coeffs = line_series(flat, z, U[:, i], order + 1)
        err = line_errors(coeffs, x_norm, gn, hnorm)[: order + 1]
        lead = leading_order(coeffs[: order + 1], explained_error(coeffs[: order + 1], err, gn))
        if lead.order == 2:
            break
        extra.append(i)
    return extra


def near_candidate(lam: np.ndarray, rtol: float, tol: float | None, eig_err: float) -> int | None:
    """Index of the first eigen-direction the near-degeneracy check examines:
    the smallest ``|λ|`` above the zero tolerance (``None`` if there is none)."""
    tz = max(zero_tolerance(lam, rtol, tol), eig_err)
    for i in np.argsort(np.abs(lam), kind="stable"):
        if abs(lam[i]) > tz:
            return int(i)
    return None


# --------------------------------------------------------------------------- the reduced function


def _reduced_coefficients(flat, z, d, R, lam_R, max_order) -> tuple[np.ndarray, list[np.ndarray]]:
    """Taylor coefficients of ``t -> f(x + t d + R w(t))``, where the
    polynomial ``w(t) = a_2 t² + … + a_m t^m`` (``m = max_order // 2``)
    cancels the range-space gradient ``Rᵀ∇f`` order by order; the error of
    ``w`` enters ``f`` quadratically, so orders up to ``max_order`` are
    those of the reduced function of the splitting lemma.  Also returns the
    curve's series ``[d, R a_2, …]``."""
    series: list[np.ndarray] = [d]
    if R.shape[1]:
        g = grad(flat)

        def range_gradient(c):
            return R.T @ g(c)

        for j in range(2, max_order // 2 + 1):
            try:  # Taylor mode over the reverse pass
                res = curve_series(range_gradient, z, series, j)[j]
            except Exception:  # noqa: BLE001 - nested forward mode (2^j passes) computes the same numbers
                res = curve_series(range_gradient, z, series, j, nested=True)[j]
            series.append(R @ (-np.asarray(res).reshape(-1) / lam_R))
    coeffs = curve_series(flat, z, series, max_order)
    return np.array([float(np.asarray(c).reshape(())) for c in coeffs]), series


# --------------------------------------------------------------------------- probing flat directions


def _length_scale(T: np.ndarray, z: np.ndarray) -> float:
    """Distance over which the Taylor terms of different orders trade places:
    ``min_k (T_k0 / T_k)^(1/(k - k0))`` for the lowest ``k0 >= 2`` with
    ``T_k0 > 0``; ``max(‖x‖, 1)`` when a single order is present."""
    nz = [k for k in range(2, T.size) if T[k] > 0.0]
    if len(nz) < 2:
        return max(float(np.linalg.norm(z)), 1.0)
    k0 = nz[0]
    return min((T[k0] / T[k]) ** (1.0 / (k - k0)) for k in nz[1:])


def _probe(flat, z, value, series, T, h, value_slack=0.0) -> tuple[bool, str]:
    """Look for critical points with the value ``f(x)`` at ``x ± h d`` (on the
    reduced curve), by chord-Newton steps (the Hessian of the starting point)
    in the hyperplane normal to ``d``.  ``value_slack``: how far ``f(x)`` may
    be from the critical value when ``x`` is only nearly critical."""
    d = series[0]
    n = z.size
    P = np.eye(n) - np.outer(d, d)
    g_fn, h_fn = grad(flat), hessian(flat)
    gscale = sum(k * T[k] * h ** (k - 1) for k in range(2, T.size))
    fscale = sum(T[k] * h**k for k in range(2, T.size))
    unfinite = False, f"the function is not finite at distance {h:.3g} along it"
    for t in (h, -h):
        p = z + sum(s * t ** (j + 1) for j, s in enumerate(series))
        with np.errstate(all="ignore"):
            H = np.asarray(h_fn(p), dtype=np.float64).reshape(n, n)
            if not np.all(np.isfinite(H)):
                return unfinite
            A = np.linalg.pinv(P @ H @ P, rcond=1e-10, hermitian=True)
            for it in range(_PROBE_NEWTON + 1):
                g = np.asarray(g_fn(p), dtype=np.float64).reshape(n)
                if not np.all(np.isfinite(g)):
                    return unfinite
                if it == _PROBE_NEWTON or np.linalg.norm(g) <= 1e-2 * _PROBE_TOL * gscale:
                    break
                step = -(P @ (A @ (P @ g)))
                p = p + step
                if np.linalg.norm(step) <= 1e-15 * (np.linalg.norm(p) + h):
                    g = np.asarray(g_fn(p), dtype=np.float64).reshape(n)
                    break
            fp = float(np.asarray(flat(p)))
        gp = float(np.linalg.norm(g))
        dist = float(np.linalg.norm(p - z))
        if not (math.isfinite(gp) and math.isfinite(fp)):
            return unfinite
        if not 0.5 * h <= dist <= 2.0 * h:
            return False, f"Newton left the probe region at distance {h:.3g} along it"
        if gp > _PROBE_TOL * gscale:
            return False, (
                f"no critical point at distance {h:.3g} along it (‖∇f‖ = {gp:.3g} there, "
                f"against {_PROBE_TOL * gscale:.3g})"
            )
        if abs(fp - value) > _PROBE_TOL * fscale + SAFETY * EPS * abs(value) + value_slack:
            return False, f"the critical point at distance {h:.3g} along it has another value ({fp:.6g})"
    return True, f"critical points with the same value at distance ±{h:.3g} along it"


# --------------------------------------------------------------------------- the test


def higher_order_test(flat, z, value, g, lam, U, null_idx, tol, max_order, n_directions, seed,
                      error_floor=None) -> HigherOrderTest:
    """The test of the module documentation at the point ``z`` of the flat
    function ``flat`` (value ``value``, gradient ``g``), with the Hessian's
    eigenpairs ``lam, U``, the (near-)null eigen-directions ``null_idx`` and
    the eigenvalues' zero tolerance ``tol``.  ``error_floor`` (orders
    ``0..max_order``) is added to every coefficient's error estimate: the
    rounding error of terms that ``flat`` cancels internally, which its own
    derivative scales do not show (the reduced function on a constraint
    set, :mod:`osculate.analysis.constrained`)."""
    n = z.size
    gn = float(np.linalg.norm(g))
    null_idx = sorted(null_idx)
    range_idx = [i for i in range(n) if i not in set(null_idx)]
    N, R, lam_R = U[:, null_idx], U[:, range_idx], lam[range_idx]
    sigma = int(np.sign(lam_R[0])) if lam_R.size else 0  # range part is definite here
    r = N.shape[1]
    rng = np.random.default_rng(seed)
    zs = [np.eye(r)[i] for i in range(r)]
    if r > 1:
        for _ in range(int(n_directions)):
            w = rng.standard_normal(r)
            zs.append(w / np.linalg.norm(w))
    dirs = np.stack([N @ w for w in zs], axis=1)
    K = int(max_order)
    T = derivative_scales(flat, z, value, gn, lam, U, dirs, K + 1, seed)
    x_norm = float(np.linalg.norm(z))
    # distance to the critical set across the range space (Newton step there): the
    # coefficients stand for those at a point this far away
    rho_R = float(np.linalg.norm((R.T @ g) / lam_R)) if lam_R.size else 0.0
    coeffs, errs, curves, leads = [], [], [], []
    for m in range(dirs.shape[1]):
        c, series = _reduced_coefficients(flat, z, dirs[:, m], R, lam_R, K)
        err = series_errors(T, [float(np.linalg.norm(s)) for s in series], x_norm, K, rho_R)
        if error_floor is not None:
            err = err + np.asarray(error_floor, dtype=np.float64)[: K + 1]
        expl = explained_error(c, err, gn)
        coeffs.append(c)
        errs.append(expl)
        curves.append(series)
        leads.append(leading_order(c, expl, 0.5 * tol))  # c2 = dᵀHd/2 is zero to tolerance
    coeffs_a, errs_a = np.stack(coeffs), np.stack(errs)
    orders = [ld.order for ld in leads]
    signs = [ld.sign for ld in leads]

    def where(m):
        return "null-space eigenvector #%d" % m if m < r else "sampled null-space direction #%d" % (m - r)

    def coef(m):
        k = orders[m]
        return f"{coeffs_a[m][k]:.6g} (error estimate {errs_a[m][k]:.2g})"

    def cert_note(ms):
        bad = [m for m in ms if not (leads[m].significant and leads[m].clean)]
        if not bad:
            return True, ""
        m = bad[0]
        if not leads[m].significant:
            return False, f"; not certified: the order-{orders[m]} coefficient is within {MARGIN:g}x its error"
        return False, (
            f"; not certified: a lower-order coefficient along {where(m)} is below the eigenvalue tolerance "
            "but above its rounding error"
        )

    sig_ = [m for m, ld in enumerate(leads) if ld.order is not None and ld.significant]
    odd = [m for m in sig_ if orders[m] % 2 == 1]
    even_pos = [m for m in sig_ if orders[m] % 2 == 0 and signs[m] > 0]
    even_neg = [m for m in sig_ if orders[m] % 2 == 0 and signs[m] < 0]
    unresolved = [m for m, ld in enumerate(leads) if ld.order is not None and not ld.significant]
    vanish = [m for m, k in enumerate(orders) if k is None]
    flat_dirs = len(vanish)
    non_isolated = False
    verdict, certified = "inconclusive", False
    # a saddle: the directions that prove it and why
    saddle = None
    if odd:
        m = odd[0]
        saddle = [m], (
            f"odd lowest non-vanishing order {orders[m]} along {where(m)} "
            f"(coefficient {coef(m)}): f - f(x) changes sign along that curve"
        )
    elif even_pos and even_neg:
        p, q = even_pos[0], even_neg[0]
        saddle = [p, q], (
            f"order-{orders[p]} coefficient {coef(p)} > 0 along {where(p)} but order-{orders[q]} coefficient "
            f"{coef(q)} < 0 along {where(q)}: f rises and falls arbitrarily close to x"
        )
    elif sigma and (even_neg if sigma > 0 else even_pos):
        # the reduced function's sign along a null direction opposes the Hessian's on its range
        m = (even_neg if sigma > 0 else even_pos)[0]
        on_range, reduced = ("positive", "negative") if sigma > 0 else ("negative", "positive")
        saddle = [m], (
            f"the Hessian is {on_range} on its range but the reduced function has a {reduced} order-{orders[m]} "
            f"coefficient {coef(m)} along {where(m)}"
        )
    if saddle is not None:
        certified, note = cert_note(saddle[0])
        verdict, reason = "saddle", saddle[1] + note
    elif unresolved:
        m = unresolved[0]
        reason = (
            f"the lowest non-vanishing coefficient along {where(m)} (order {orders[m]}: {coef(m)}) is within "
            f"{MARGIN:g}x its error estimate: the test cannot decide"
        )
    elif vanish:
        m = vanish[0]
        sign = sigma if sigma else (1 if even_pos else -1 if even_neg else 0)
        what = (
            f"all derivatives up to order {K} vanish (within their rounding error) along {where(m)}"
            + (f" and {len(vanish) - 1} other sampled direction(s)" if len(vanish) > 1 else "")
        )
        if sign == 0:
            reason = f"{what}, and no direction shows a sign: the test cannot decide (f is flat to order {K})"
        else:
            h = _PROBE_STEP * _length_scale(T, z)
            probed = sorted(vanish, key=lambda i: (i >= r, i))[:_MAX_PROBES]
            found, why = True, ""
            for i in probed:
                ok, why_i = _probe(flat, z, value, curves[i], T, h, EXPLAIN * gn * rho_R)
                if not ok:
                    found, why = False, f"{why_i} ({where(i)})"
                    break
                why = why_i
            if not found:
                reason = (
                    f"{what}; {why}: the test cannot decide (raise max_order, or the function may be flat there)"
                )
            else:
                non_isolated = True
                verdict = "non-strict minimum" if sign > 0 else "non-strict maximum"
                shape = "a curve" if r == 1 or len(probed) == 1 else "a curve or surface"
                others = (
                    f"the Hessian is {'positive' if sign > 0 else 'negative'} on its range"
                    if sigma
                    else f"the other sampled directions have even lowest orders with {'positive' if sign > 0 else 'negative'} sign"
                )
                reason = (
                    f"{what}; {why}: x lies on {shape} of critical points (non-isolated); {others}: "
                    f"non-strict local {'minimum' if sign > 0 else 'maximum'}. Not certified: it rests on "
                    "directions along which the computed derivatives vanish"
                )
    else:
        positive = bool(even_pos)
        verdict = "minimum" if positive else "maximum"
        used = sorted({k for k in orders if k is not None})
        reason = (
            f"higher-order sufficient-condition heuristic: lowest non-vanishing order "
            f"{'/'.join(map(str, used))} (even) with {'positive' if positive else 'negative'} sign along all "
            f"{len(orders)} sampled null-space directions"
            + (" (reduced function, range space eliminated)" if R.shape[1] else "")
            + "; not a proof for curves between the sampled directions"
        )
    return HigherOrderTest(
        null_dim=r,
        max_order=K,
        n_directions=len(orders),
        orders=orders,
        signs=signs,
        verdict=verdict,
        certified=certified,
        curve_corrected=bool(R.shape[1]),
        reason=reason,
        flat_directions=flat_dirs,
        non_isolated=non_isolated,
        derivative_scales=T,
        directions=dirs,
        coefficients=coeffs_a,
        errors=errs_a,
    )
