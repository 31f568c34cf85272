"""The rounding-error model of the curvature analysis.

Every threshold of :func:`~osculate.analysis.curvature` -- which eigenvalues
count as zero, when the gradient does, which Taylor coefficients vanish, when
a verdict is ``certified`` -- is an estimate of the rounding error of the
number it is compared with, computed here.

The thresholds of the classification are relative to the derivatives of
``f`` at ``x`` and to the scale of ``x``: multiplying ``f`` by ``c`` and
substituting ``s x`` for ``x`` scales every estimate like the quantity it
bounds (only the default ``grad_tol`` keeps its floor ``1e-8``).

* **Derivative scales.**  ``T_k`` estimates ``‖D^k f(x)‖ / k!``, the largest
  order-``k`` Taylor coefficient of ``t -> f(x + t v)`` over unit ``v``
  (for a symmetric ``k``-linear form this maximum *is* its norm).  It is
  the largest ``|coefficient|`` over the Hessian's eigenvectors, the
  coordinate axes (both capped at 16 directions), four seeded random unit
  vectors and the sampled null-space directions, computed to order
  ``max_order + 1`` in one batched Taylor pass; ``T_1 = ‖∇f‖`` and
  ``T_2 >= max|λ| / 2``.
* **Rounding error of a Taylor coefficient.**  The order-``k`` coefficient
  of ``f(c(t))`` along ``c(t) = x + s_1 t + s_2 t² + …`` is a sum of terms
  ``D^m f[s_j1, …, s_jm] / m!`` with ``j1 + … + jm = k``, each at most
  ``T_m ‖s_j1‖ ⋯ ‖s_jm‖``: their total magnitude is the order-``k``
  coefficient ``B_k`` of the majorant series ``Σ_m T_m σ(t)^m``,
  ``σ(t) = Σ_j ‖s_j‖ t^j``.  Floating point evaluates that sum with an error
  of about ``ε B_k``; rounding the point itself (``|δx| ≈ ε‖x‖``) adds
  ``ε ‖x‖ B'_k`` with ``B' = Σ_m m T_m σ^(m-1)`` (the next order's
  derivatives times the offset).  The estimate is
  ``err_k = C ε (B_k + ‖x‖ B'_k)`` with ``ε = 2⁻⁵²`` and a safety factor
  ``C = 100`` for operation counts and for directions the sampling missed.
  A coefficient with ``|c_k| <= err_k`` is zero.  Along a straight line
  this is ``C ε (T_k + (k + 1) ‖x‖ T_(k+1))``.
* **Hessian eigenvalues.**  ``err_λ = C ε (n ‖H‖ + ‖D³f(x)[x]‖)``: the
  eigensolver's backward error plus the change of ``H`` when ``x`` is
  rounded (the last term by a central difference of the Hessian along
  ``x``; above ``n = 16``, of a few Hessian-vector products).  Eigenvalues
  within ``max(rtol·max|λ|, err_λ)`` count as zero (``tolerance``;
  ``eigenvalue_error`` is reported).
* **Gradient.**  The default ``grad_tol`` is
  ``max(1e-8 · max(1, |f(x)|), C ε ‖H‖ ‖x‖)``: a gradient no larger than
  its rounding error from the point's own rounding is zero.
* **Significance.**  A verdict is ``certified`` only when the numbers it
  rests on exceed ten times their error estimate: the Hessian eigenvalues
  of a strict extremum or of a saddle, or the higher-order coefficient(s)
  proving a saddle, with every lower-order coefficient along that direction
  within its error.  A leading coefficient between one and ten times its
  error gives ``"inconclusive"``.

The model sees the magnitude of the Taylor terms, not cancellation inside
``f``'s own arithmetic (a function that subtracts huge, nearly equal numbers
can defeat it); it is an estimate, not an interval bound.

Near-critical points
--------------------
Points found numerically are only approximately critical.  Near a
degenerate critical point, small Hessian eigenvalues and small odd-order
coefficients appear that belong to the displacement, not to the function's
shape there.  Two terms join the rounding error ``err_j`` of a coefficient:

* along the null direction, the part explained by the higher coefficients
  at the displacement radius ``ρ`` implied by ``‖∇f(x)‖``:
  ``10 Σ_{i>j} C(i,j) |c_i| ρ^(i-j)``;
* across the range space, the Newton distance ``ρ_R = ‖H_R⁺ ∇f(x)‖`` to the
  critical set times the coefficient's sensitivity to moving ``x``:
  ``10 ρ_R B'_j`` (near a sphere of minima the range gradient otherwise
  shows up as an order-6 "signal" of size ``O(‖∇f‖)``).

A coefficient within the sum is treated as vanishing; at an exact critical
point both terms are zero.  The first rule also marks Hessian
eigen-directions as *near-degenerate*
(:func:`osculate.analysis.higher_order.near_degenerate`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..ad.transforms import hessian, hvp
from ._taylor import line_series_many

__all__ = [
    "EPS", "SAFETY", "MARGIN", "EXPLAIN", "eigenvalue_error", "gradient_floor", "default_grad_tol",
    "radial_third_derivative", "series_majorants", "series_errors", "line_errors", "explained_error", "Leading",
    "leading_order", "derivative_scales",
]

EPS = float(np.finfo(np.float64).eps)
SAFETY = 100.0  # C of the error model: err = C ε (magnitude of the terms)
MARGIN = 10.0  # certified: beyond this many error estimates
EXPLAIN = 10.0  # safety factor of the displacement rule
_MAX_SCALE_DIRS = 16  # eigenvectors / axes used to estimate the derivative scales
_N_RANDOM_SCALE_DIRS = 4


# --------------------------------------------------------------------------- derivative scales


def derivative_scales(flat, z, value, gn, lam, U, extra_dirs, order, seed) -> np.ndarray:
    """``T_0..T_order``: largest |Taylor coefficient| of each order over a set
    of unit directions (see the module documentation)."""
    n = z.size
    cols = []
    if n <= _MAX_SCALE_DIRS:
        cols += [U[:, i] for i in range(n)]
        cols += list(np.eye(n))
    else:
        idx = np.argsort(np.abs(lam), kind="stable")
        half = _MAX_SCALE_DIRS // 2
        cols += [U[:, i] for i in np.concatenate([idx[:half], idx[-half:]])]
    rng = np.random.default_rng([int(seed), 7])
    R = rng.standard_normal((_N_RANDOM_SCALE_DIRS, n))
    cols += list(R / np.linalg.norm(R, axis=1, keepdims=True))
    if extra_dirs is not None and extra_dirs.size:
        cols += list(extra_dirs.T)
    C = line_series_many(flat, z, np.stack(cols), order)
    with np.errstate(invalid="ignore"):
        T = np.nanmax(np.abs(C), axis=0)
    T = np.where(np.isfinite(T), T, 0.0)
    T[0] = abs(value)
    T[1] = max(T[1], gn)
    T[2] = max(T[2], 0.5 * (float(np.max(np.abs(lam))) if lam.size else 0.0))
    return T


# --------------------------------------------------------------------------- rounding error of Taylor coefficients


def _poly_powers(sig: np.ndarray, count: int) -> list[np.ndarray]:
    """``[σ⁰, σ¹, …, σ^count]`` truncated to ``len(sig)`` coefficients."""
    K1 = sig.size
    P = [np.zeros(K1)]
    P[0][0] = 1.0
    for _ in range(count):
        P.append(np.convolve(P[-1], sig)[:K1])
    return P


def series_majorants(T: np.ndarray, norms, K: int) -> tuple[np.ndarray, np.ndarray]:
    """``B_0..B_K`` and ``B'_0..B'_K``: the order-``k`` coefficients of
    ``Σ_m T_m σ(t)^m`` and ``Σ_m m T_m σ(t)^(m-1)``, ``σ(t) = Σ_j ‖s_j‖ t^j``
    (``norms[j-1] = ‖s_j‖``; ``T`` holds orders ``0..K+1``).  ``B_k`` bounds
    the magnitude of the terms forming the order-``k`` coefficient of
    ``f(x + s_1 t + s_2 t² + …)``; ``B'_k`` its change per unit move of ``x``."""
    sig = np.zeros(K + 1)
    m = min(len(norms), K)
    sig[1 : m + 1] = np.asarray(norms, dtype=np.float64)[:m]
    top = min(T.size - 1, K + 1)
    P = _poly_powers(sig, top)
    B = np.zeros(K + 1)
    Bp = np.zeros(K + 1)
    for j in range(1, top + 1):
        if j <= K:
            B += T[j] * P[j]
        Bp += j * T[j] * P[j - 1]
    return B, Bp


def series_errors(T: np.ndarray, norms, x_norm: float, K: int, offset: float = 0.0) -> np.ndarray:
    """Error estimates ``err_0..err_K`` of the Taylor coefficients of
    ``f(x + s_1 t + s_2 t² + …)``: rounding, ``C ε (B_k + ‖x‖ B'_k)``, plus
    ``10 · offset · B'_k`` when ``x`` is only known to within ``offset`` of
    the critical point it stands for."""
    B, Bp = series_majorants(T, norms, K)
    return SAFETY * EPS * (B + x_norm * Bp) + EXPLAIN * offset * Bp


def line_errors(coeffs: np.ndarray, x_norm: float, gn: float, hnorm: float) -> np.ndarray:
    """Error estimates of the coefficients along one line, with the line's own
    coefficients standing in for the derivative scales."""
    T = np.abs(coeffs).copy()
    T[1] = max(T[1], gn)
    T[2] = max(T[2], 0.5 * hnorm)
    return series_errors(T, [1.0], x_norm, coeffs.size - 2)


# --------------------------------------------------------------------------- Hessian eigenvalues and gradient


def eigenvalue_error(n: int, hessian_norm: float, third: float = 0.0) -> float:
    """Rounding-error estimate of the eigenvalues of a computed Hessian:
    ``C ε (n ‖H‖ + ‖D³f(x)[x]‖)`` (see the module documentation)."""
    third = third if math.isfinite(third) else 0.0
    return SAFETY * EPS * (n * hessian_norm + third)


def radial_third_derivative(flat, z: np.ndarray, H: np.ndarray, eig=None, seed: int = 0) -> float:
    """``‖D³f(x)[x]‖₂`` by a central difference along ``x``: of the Hessian
    when ``n <= 16``; otherwise of Hessian-vector products with the extreme
    eigenvectors, ``x/‖x‖`` and a random unit vector (an estimate from below,
    at the cost of a few gradients).  ``0`` at the origin, or when the
    neighbouring derivatives are not finite."""
    if not np.any(z):
        return 0.0
    eta = 2.0**-20
    n = z.size
    zp, zm = z * (1 + eta), z * (1 - eta)
    with np.errstate(all="ignore"):
        try:
            if n <= _MAX_SCALE_DIRS:
                hess = hessian(flat)
                Hp = np.asarray(hess(zp), dtype=np.float64).reshape(H.shape)
                Hm = np.asarray(hess(zm), dtype=np.float64).reshape(H.shape)
                D = (Hp - Hm) / (2 * eta)
                return float(np.linalg.norm(D, 2)) if np.all(np.isfinite(D)) else 0.0
            lam, U = np.linalg.eigh(H) if eig is None else eig
            rng = np.random.default_rng([int(seed), 11])
            r = rng.standard_normal(n)
            vecs = [z / np.linalg.norm(z), U[:, int(np.argmax(np.abs(lam)))], U[:, 0], U[:, -1],
                    r / np.linalg.norm(r)]
            best = 0.0
            for v in vecs:
                w = (np.asarray(hvp(flat, zp, v), dtype=np.float64) - np.asarray(hvp(flat, zm, v), dtype=np.float64))
                w = w.reshape(-1) / (2 * eta)
                if not np.all(np.isfinite(w)):
                    return 0.0
                best = max(best, float(np.linalg.norm(w)))
            return best
        except (ValueError, ArithmeticError):
            return 0.0


def gradient_floor(hessian_norm: float, x_norm: float) -> float:
    """Rounding level of a gradient at a point of norm ``x_norm``: ``C ε ‖H‖ ‖x‖``."""
    return SAFETY * EPS * hessian_norm * x_norm


def default_grad_tol(value: float, hessian_norm: float = 0.0, x_norm: float = 0.0) -> float:
    """``max(1e-8 · max(1, |f|), C ε ‖H‖ ‖x‖)``."""
    return max(1e-8 * max(1.0, abs(value)), gradient_floor(hessian_norm, x_norm))


# --------------------------------------------------------------------------- significance


@dataclass
class Leading:
    """The lowest significant order of a coefficient series (:func:`leading_order`)."""

    order: int | None  # lowest order whose coefficient exceeds what is explained
    sign: int
    significant: bool  # beyond MARGIN × what is explained
    clean: bool  # every lower order within its error (not merely within the eigenvalue tolerance)


def leading_order(coeffs: np.ndarray, explained: np.ndarray, zero2: float = 0.0) -> Leading:
    """The lowest order ``j >= 2`` whose coefficient exceeds what is
    ``explained`` (plus ``zero2`` at order 2, the eigenvalue tolerance)."""
    a = np.abs(coeffs)
    for j in range(2, a.size):
        thr = explained[j] + (zero2 if j == 2 else 0.0)
        if a[j] > thr:
            clean = all(a[i] <= explained[i] for i in range(2, j))
            return Leading(j, int(np.sign(coeffs[j])), bool(a[j] > MARGIN * thr), clean)
    return Leading(None, 0, False, True)


# --------------------------------------------------------------------------- near-critical points


def _displacement_radius(a: np.ndarray, gn: float, err: np.ndarray) -> float:
    """Distance to a nearby exact critical point implied by ``‖∇f‖ = gn``."""
    if gn <= 0.0:
        return 0.0
    rho = 0.0
    for i in range(2, a.size):
        if a[i] > err[i] and a[i] > 0.0:
            rho = max(rho, (gn / (i * a[i])) ** (1.0 / (i - 1)))
    return rho


def explained_error(coeffs: np.ndarray, err: np.ndarray, gn: float) -> np.ndarray:
    """Per order: what a coefficient may be without being significant --
    rounding error plus the part explained by the displacement."""
    a = np.abs(coeffs)
    K = a.size - 1
    rho = _displacement_radius(a, gn, err)
    out = err.copy()
    if rho > 0.0:
        for j in range(K + 1):
            out[j] += EXPLAIN * sum(math.comb(i, j) * a[i] * rho ** (i - j) for i in range(j + 1, K + 1))
    return out
