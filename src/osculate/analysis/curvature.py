"""Curvature report of a function at a point and classification of critical points.

The second-derivative test decides non-degenerate critical points: a
positive (negative) definite Hessian proves a strict local minimum
(maximum), an indefinite one a saddle.  When the Hessian is singular the
test says nothing, and :func:`curvature` goes on with a higher-order test
on the null space ``N`` of the Hessian:

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

Error model
-----------
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
:func:`curvature` probes it: from ``x ± h d`` (on the reduced curve, ``h`` a
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
eigen-directions as *near-degenerate*.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from ..ad.transforms import grad, hessian, hvp, value_and_grad, vhv
from ..linop.operators import hessian_operator
from ._taylor import curve_series, line_series, line_series_many
from ._util import Result, as_point, check_scalar_value, flat_function
from .spectrum import (
    DEFAULT_DENSE_LIMIT,
    DEFAULT_RTOL,
    Inertia,
    SpectrumReport,
    _lanczos_report,
    _zero_tolerance,
    spectrum_from_eigenpairs,
)

__all__ = [
    "CurvatureReport",
    "HigherOrderTest",
    "CriticalPoint",
    "curvature",
    "classify_point",
    "directional_curvature",
    "KINDS",
]

#: The values of ``kind``: a coarse label for filtering and counting.
KINDS = ("minimum", "maximum", "saddle", "inconclusive", "not critical")

#: Every ``classification`` and the ``kind`` that goes with it.
_KIND_OF = {
    "strict local minimum": "minimum",
    "strict local maximum": "maximum",
    "local minimum": "minimum",
    "local maximum": "maximum",
    "non-strict local minimum": "minimum",
    "non-strict local maximum": "maximum",
    "saddle point": "saddle",
    "inconclusive": "inconclusive",
    "not a critical point": "not critical",
}

EPS = float(np.finfo(np.float64).eps)
_SAFETY = 100.0  # C of the error model: err = C ε (magnitude of the terms)
_MARGIN = 10.0  # certified: beyond this many error estimates
_EXPLAIN = 10.0  # safety factor of the displacement rule
_MAX_NEAR_CHECKS = 8  # eigen-directions examined for near-degeneracy
_MAX_SCALE_DIRS = 16  # eigenvectors / axes used to estimate the derivative scales
_N_RANDOM_SCALE_DIRS = 4
_PROBE_STEP = 0.1  # probe distance, in units of the derivatives' length scale
_PROBE_TOL = 1e-8  # relative gradient (and value) of a critical point found by a probe
_PROBE_NEWTON = 12  # chord-Newton steps of a probe
_MAX_PROBES = 3  # flat directions probed


# --------------------------------------------------------------------------- results


@dataclass(repr=False, eq=False)
class HigherOrderTest(Result):
    """The higher-order test on the Hessian's null space.

    Attributes
    ----------
    null_dim : int
        Dimension of the (near-)null space tested.
    max_order : int
        Highest derivative order computed along each direction.
    n_directions : int
        Number of directions sampled in the null space.
    orders : list of int or None
        Lowest non-vanishing order along each direction (``None``: all
        derivatives up to ``max_order`` vanish within their error).
    signs : list of int
        Sign of that lowest-order coefficient (``0`` where ``orders`` is
        ``None``).
    verdict : str
        ``"minimum"``, ``"maximum"``, ``"non-strict minimum"``,
        ``"non-strict maximum"``, ``"saddle"`` or ``"inconclusive"``.
    certified : bool
        True when the verdict is proven beyond the error estimate (only a
        saddle can be); a minimum/maximum from this test is a heuristic.
    curve_corrected : bool
        Whether the reduced-function (curve) correction was applied, i.e.
        the Hessian had non-zero eigenvalues too.
    flat_directions : int
        Number of sampled directions along which every derivative up to
        ``max_order`` vanishes.
    non_isolated : bool
        Whether probes along those directions found critical points with
        the same value (``x`` lies on a curve or surface of critical points).
    reason : str
        Human-readable justification.
    derivative_scales : ndarray, shape (max_order + 2,)
        ``T_k``, estimates of ``‖D^k f(x)‖ / k!`` (see the module
        documentation), not shown in the repr.
    directions : ndarray, shape (n, m)
        The sampled unit directions (columns), not shown in the repr.
    coefficients : ndarray, shape (m, max_order + 1)
        Taylor coefficients ``g^(j)(0) / j!`` of the (reduced) function along
        each direction, not shown in the repr.
    errors : ndarray, shape (m, max_order + 1)
        What each coefficient may be without being significant: its rounding
        error estimate plus the parts explained by the distance from a
        nearby critical point (module documentation); not shown in the repr.
    """

    null_dim: int
    max_order: int
    n_directions: int
    orders: list
    signs: list
    verdict: str
    certified: bool
    curve_corrected: bool
    reason: str
    flat_directions: int = 0
    non_isolated: bool = False
    derivative_scales: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]
    directions: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]
    coefficients: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]
    errors: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]


@dataclass(repr=False, eq=False)
class CurvatureReport(Result):
    """Curvature of ``f`` at ``x`` (see :func:`curvature`).

    Attributes
    ----------
    classification : str
        ``"strict local minimum"``, ``"strict local maximum"``, ``"saddle
        point"`` (second-derivative test or higher-order proof),
        ``"local minimum"`` / ``"local maximum"`` (degenerate; higher-order
        heuristic), ``"non-strict local minimum"`` / ``"non-strict local
        maximum"`` (on a curve or surface of critical points),
        ``"inconclusive"`` or ``"not a critical point"``.
    kind : str
        Coarse label: ``"minimum"``, ``"maximum"``, ``"saddle"``,
        ``"inconclusive"`` or ``"not critical"``.
    gradient_norm : float
        ``‖∇f(x)‖``.
    value : float
        ``f(x)``.
    eigenvalues : ndarray
        Hessian eigenvalues, ascending (all of them, or the Lanczos extremes).
    inertia : Inertia
        Counts of positive / negative / zero eigenvalues.
    definiteness : str
        See :class:`SpectrumReport`.
    condition_number : float
        ``max|λ| / min|λ|`` (``inf`` if singular).
    degenerate : bool
        Whether the Hessian is singular at ``x`` or has near-degenerate
        directions (then the second-derivative test cannot decide).
    certified : bool
        Whether the classification is proven beyond the rounding-error
        estimate (see the module documentation) rather than heuristic.
    reason : str
        Why: the numbers behind the classification.
    tolerance : float
        Zero tolerance of the eigenvalues (at least ``eigenvalue_error``).
    grad_tol : float
        Gradient-norm threshold of "critical".
    n : int
        Dimension.
    method : str
        ``"dense"`` or ``"lanczos"``.
    n_matvec : int
        Hessian-vector products used by Lanczos (0 for dense).
    higher_order : HigherOrderTest or None
        The higher-order test, when one was run.
    eigenvalue_error : float
        Rounding-error estimate of the eigenvalues (dense only; 0 for Lanczos).
    non_isolated : bool
        Whether ``x`` was found to lie on a curve or surface of critical points.
    x, gradient, eigenvectors : ndarray
        The point, the gradient and the eigenvectors (none of them in the repr;
        the eigenvectors are not in ``to_dict()`` either).
    """

    classification: str
    kind: str
    gradient_norm: float
    value: float
    eigenvalues: np.ndarray
    inertia: Inertia
    definiteness: str
    condition_number: float
    degenerate: bool
    certified: bool
    reason: str
    tolerance: float
    grad_tol: float
    n: int
    method: str
    n_matvec: int
    higher_order: HigherOrderTest | None = None
    eigenvalue_error: float = 0.0
    non_isolated: bool = False
    x: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]
    gradient: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]
    eigenvectors: np.ndarray | None = field(default=None, repr=False, metadata={"to_dict": False})

    @property
    def is_critical(self) -> bool:
        """Whether ``‖∇f(x)‖ <= grad_tol``."""
        return self.kind != "not critical"


@dataclass(repr=False, eq=False)
class CriticalPoint(Result):
    """A classified point (returned by :func:`classify_point` and
    :func:`find_critical_points`).

    Attributes
    ----------
    x : ndarray
        The point.
    value : float
        ``f(x)``.
    classification, kind : str
        As in :class:`CurvatureReport`.
    gradient_norm : float
        ``‖∇f(x)‖``.
    eigenvalues : ndarray
        Hessian eigenvalues (ascending).
    degenerate, certified : bool
        As in :class:`CurvatureReport`.
    reason : str
        Why.
    n_hits : int
        How many starting points converged to it (1 for :func:`classify_point`).
    non_isolated : bool
        As in :class:`CurvatureReport`: the point lies on a curve or surface
        of critical points (a search returns samples of such sets).
    """

    x: np.ndarray
    value: float
    classification: str
    kind: str
    gradient_norm: float
    eigenvalues: np.ndarray
    degenerate: bool
    certified: bool
    reason: str
    n_hits: int = 1
    non_isolated: bool = False

    @classmethod
    def from_report(cls, rep: CurvatureReport, n_hits: int = 1) -> "CriticalPoint":
        """The point of ``rep``: every field but ``n_hits`` is the report's own."""
        shared = {f.name: getattr(rep, f.name) for f in fields(cls) if f.name != "n_hits"}
        return cls(**shared, n_hits=n_hits)

    def __repr__(self) -> str:
        x = np.array2string(np.asarray(self.x), precision=6, threshold=8, separator=", ", suppress_small=True)
        flags = " (degenerate)" if self.degenerate else ""
        cert = "" if self.certified else ", not certified"
        return (
            f"CriticalPoint(x={x}, value={self.value:.6g}, classification={self.classification!r}{flags}{cert}, "
            f"gradient_norm={self.gradient_norm:.2e})"
        )


# --------------------------------------------------------------------------- error model


def eigenvalue_error(n: int, hessian_norm: float, third: float = 0.0) -> float:
    """Rounding-error estimate of the eigenvalues of a computed Hessian:
    ``C ε (n ‖H‖ + ‖D³f(x)[x]‖)`` (see the module documentation)."""
    third = third if math.isfinite(third) else 0.0
    return _SAFETY * EPS * (n * hessian_norm + third)


def gradient_floor(hessian_norm: float, x_norm: float) -> float:
    """Rounding level of a gradient at a point of norm ``x_norm``: ``C ε ‖H‖ ‖x‖``."""
    return _SAFETY * EPS * hessian_norm * x_norm


def default_grad_tol(value: float, hessian_norm: float = 0.0, x_norm: float = 0.0) -> float:
    """``max(1e-8 · max(1, |f|), C ε ‖H‖ ‖x‖)``."""
    return max(1e-8 * max(1.0, abs(value)), gradient_floor(hessian_norm, x_norm))


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
    return _SAFETY * EPS * (B + x_norm * Bp) + _EXPLAIN * offset * Bp


def _displacement_radius(a: np.ndarray, gn: float, err: np.ndarray) -> float:
    """Distance to a nearby exact critical point implied by ``‖∇f‖ = gn``."""
    if gn <= 0.0:
        return 0.0
    rho = 0.0
    for i in range(2, a.size):
        if a[i] > err[i] and a[i] > 0.0:
            rho = max(rho, (gn / (i * a[i])) ** (1.0 / (i - 1)))
    return rho


def _explained(coeffs: np.ndarray, err: np.ndarray, gn: float) -> np.ndarray:
    """Per order: what a coefficient may be without being significant --
    rounding error plus the part explained by the displacement."""
    a = np.abs(coeffs)
    K = a.size - 1
    rho = _displacement_radius(a, gn, err)
    out = err.copy()
    if rho > 0.0:
        for j in range(K + 1):
            out[j] += _EXPLAIN * sum(math.comb(i, j) * a[i] * rho ** (i - j) for i in range(j + 1, K + 1))
    return out


@dataclass
class _Leading:
    order: int | None  # lowest order whose coefficient exceeds what is explained
    sign: int
    significant: bool  # beyond _MARGIN × what is explained
    clean: bool  # every lower order within its error (not merely within the eigenvalue tolerance)


def _leading(coeffs: np.ndarray, explained: np.ndarray, zero2: float = 0.0) -> _Leading:
    a = np.abs(coeffs)
    for j in range(2, a.size):
        thr = explained[j] + (zero2 if j == 2 else 0.0)
        if a[j] > thr:
            clean = all(a[i] <= explained[i] for i in range(2, j))
            return _Leading(j, int(np.sign(coeffs[j])), bool(a[j] > _MARGIN * thr), clean)
    return _Leading(None, 0, False, True)


# --------------------------------------------------------------------------- higher-order machinery


def _line_errors(coeffs: np.ndarray, x_norm: float, gn: float, hnorm: float) -> np.ndarray:
    """Error estimates of the coefficients along one line, with the line's own
    coefficients standing in for the derivative scales."""
    T = np.abs(coeffs).copy()
    T[1] = max(T[1], gn)
    T[2] = max(T[2], 0.5 * hnorm)
    return series_errors(T, [1.0], x_norm, coeffs.size - 2)


def _near_degenerate(flat, z, gn, lam, U, null_idx, max_order, first=None) -> list[int]:
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
        err = _line_errors(coeffs, x_norm, gn, hnorm)[: order + 1]
        lead = _leading(coeffs[: order + 1], _explained(coeffs[: order + 1], err, gn))
        if lead.order == 2:
            break
        extra.append(i)
    return extra


def near_candidate(lam: np.ndarray, rtol: float, tol: float | None, eig_err: float) -> int | None:
    """Index of the first eigen-direction the near-degeneracy check examines:
    the smallest ``|λ|`` above the zero tolerance (``None`` if there is none)."""
    tz = max(_zero_tolerance(lam, rtol, tol), eig_err)
    for i in np.argsort(np.abs(lam), kind="stable"):
        if abs(lam[i]) > tz:
            return int(i)
    return None


def _derivative_scales(flat, z, value, gn, lam, U, extra_dirs, order, seed) -> np.ndarray:
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
        if abs(fp - value) > _PROBE_TOL * fscale + _SAFETY * EPS * abs(value) + value_slack:
            return False, f"the critical point at distance {h:.3g} along it has another value ({fp:.6g})"
    return True, f"critical points with the same value at distance ±{h:.3g} along it"


def _higher_order_test(flat, z, value, g, lam, U, null_idx, tol, max_order, n_directions, seed) -> HigherOrderTest:
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
    T = _derivative_scales(flat, z, value, gn, lam, U, dirs, K + 1, seed)
    x_norm = float(np.linalg.norm(z))
    # distance to the critical set across the range space (Newton step there): the
    # coefficients stand for those at a point this far away
    rho_R = float(np.linalg.norm((R.T @ g) / lam_R)) if lam_R.size else 0.0
    coeffs, errs, curves, leads = [], [], [], []
    for m in range(dirs.shape[1]):
        c, series = _reduced_coefficients(flat, z, dirs[:, m], R, lam_R, K)
        err = series_errors(T, [float(np.linalg.norm(s)) for s in series], x_norm, K, rho_R)
        expl = _explained(c, err, gn)
        coeffs.append(c)
        errs.append(expl)
        curves.append(series)
        leads.append(_leading(c, expl, 0.5 * tol))  # c2 = dᵀHd/2 is zero to tolerance
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
            return False, f"; not certified: the order-{orders[m]} coefficient is within {_MARGIN:g}x its error"
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
            f"{_MARGIN:g}x its error estimate: the test cannot decide"
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
                ok, why_i = _probe(flat, z, value, curves[i], T, h, _EXPLAIN * gn * rho_R)
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


# --------------------------------------------------------------------------- public functions


def curvature(
    f,
    x,
    *,
    rtol: float = DEFAULT_RTOL,
    tol: float | None = None,
    grad_tol: float | None = None,
    method: str = "auto",
    k: int = 3,
    dense_limit: int = DEFAULT_DENSE_LIMIT,
    higher_order: bool = True,
    max_order: int = 6,
    n_directions: int = 24,
    seed: int = 0,
    lanczos_tol: float = 1e-10,
) -> CurvatureReport:
    """Curvature report of ``f`` at ``x``: gradient norm, Hessian eigenvalues,
    inertia, definiteness, condition number, and the classification of ``x``
    if it is a critical point.

    Parameters
    ----------
    f : callable
        Scalar function of an array (plain NumPy code).
    x : array_like
        The point (any shape; NaN/inf raise ``ValueError``).
    rtol : float, default 1e-8
        Eigenvalues with ``|λ| <= rtol * max|λ|`` count as zero (and so do
        eigenvalues within their rounding-error estimate, whatever ``rtol``).
    tol : float, optional
        Absolute zero tolerance for eigenvalues (overrides ``rtol``; the
        rounding-error estimate still applies).
    grad_tol : float, optional
        ``x`` is critical when ``‖∇f(x)‖ <= grad_tol``; default
        ``max(1e-8 * max(1, |f(x)|), C ε ‖H‖ ‖x‖)`` (the second term is the
        gradient's rounding level, see the module documentation).
    method : {"auto", "dense", "lanczos"}, default "auto"
        ``"dense"`` forms the Hessian (one batched pass) and computes every
        eigenvalue; ``"lanczos"`` computes the ``k`` smallest and ``k``
        largest eigenvalues from Hessian-vector products
        (:func:`osculate.hessian_operator`).  ``"auto"``: dense for
        ``n <= dense_limit``.
    k : int, default 3
        Eigenvalues per end for Lanczos.
    dense_limit : int, default 500
        Largest dimension analysed densely by ``"auto"``.
    higher_order : bool, default True
        Run the higher-order test at degenerate critical points (dense only).
    max_order : int, default 6
        Highest derivative order used by that test.
    n_directions : int, default 24
        Random null-space directions sampled by that test (in addition to
        the null-space eigenvectors) when the null space has dimension > 1.
    seed : int, default 0
        Seed of the sampled directions and of Lanczos.
    lanczos_tol : float, default 1e-10
        Relative residual tolerance of the Lanczos eigenvalues.

    Returns
    -------
    CurvatureReport

    Notes
    -----
    ``certified=True`` means the verdict holds beyond the rounding-error
    estimate of every number it rests on (module documentation).  A
    degenerate point reported as ``"local minimum"``/``"local maximum"``
    rests on a higher-order sufficient-condition *heuristic*; a point on a
    curve or surface of critical points is a ``"non-strict local
    minimum"``/``"maximum"``; neither is certified.  With Lanczos only the
    extremes are known, so a singular (semidefinite) Hessian gives
    ``"inconclusive"``.

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.analysis import curvature
    >>> rep = curvature(lambda x: x[0] ** 2 + 2 * x[0] * x[1] + 3 * x[1] ** 2, np.zeros(2))
    >>> rep.classification, np.round(rep.eigenvalues, 4), round(rep.condition_number, 4)
    ('strict local minimum', array([1.1716, 6.8284]), 5.8284)
    >>> curvature(lambda x: x[0] ** 4 + x[1] ** 4, np.zeros(2)).classification
    'local minimum'
    >>> curvature(lambda x: x[0] ** 3 - 3 * x[0] * x[1] ** 2, np.zeros(2)).classification
    'saddle point'
    >>> ring = lambda x: (x[0] ** 2 + x[1] ** 2 - 1) ** 2      # a circle of minima
    >>> rep = curvature(ring, np.array([0.6, 0.8]))
    >>> rep.classification, rep.certified, rep.non_isolated
    ('non-strict local minimum', False, True)
    """
    point = as_point(x)
    shape = point.shape if point.ndim else (1,)
    z = point.reshape(-1)
    flat = flat_function(f, shape) if point.ndim else (lambda w: f(w[0]))
    n = z.size
    if method not in ("auto", "dense", "lanczos"):
        raise ValueError(f"method must be 'auto', 'dense' or 'lanczos', got {method!r}")
    if int(max_order) < 3 and higher_order:
        raise ValueError(f"max_order must be at least 3 for the higher-order test, got {max_order}")
    dense = method == "dense" or (method == "auto" and n <= dense_limit) or 2 * int(k) >= n
    if dense:
        with np.errstate(all="ignore"):  # non-finite results are reported below, with a clear message
            value, g = value_and_grad(flat)(z)
            value = check_scalar_value(value)
            H = np.asarray(hessian(flat)(z), dtype=np.float64).reshape(n, n)
        if not np.all(np.isfinite(H)):
            raise ValueError("the Hessian at x contains NaN or inf; curvature analysis needs a finite Hessian")
        eig = np.linalg.eigh(H)
        third = radial_third_derivative(flat, z, H, eig, seed)
        return _dense_report(
            flat, point, value, g, H, third,
            rtol=rtol, tol=tol, grad_tol=grad_tol, higher_order=higher_order, max_order=max_order,
            n_directions=n_directions, seed=seed, eig=eig,
        )  # fmt: skip
    with np.errstate(all="ignore"):
        op = hessian_operator(flat, z)
    value, g = check_scalar_value(op.value), op.gradient
    spec = _lanczos_report(op, n, int(k), rtol, tol, lanczos_tol, seed)
    g = np.asarray(g, dtype=np.float64).reshape(-1)
    gn = float(np.linalg.norm(g))
    if not math.isfinite(gn):
        raise ValueError("the gradient at x is not finite")
    hnorm = float(np.max(np.abs(spec.eigenvalues))) if spec.eigenvalues.size else 0.0
    gtol = default_grad_tol(value, hnorm, float(np.linalg.norm(z))) if grad_tol is None else float(grad_tol)
    report = _report_fields(point, value, g, gn, spec, gtol)
    if gn > gtol:
        return _not_critical(report, spec.inertia.zero > 0, gn, gtol)
    return _classify_from_extremes(spec, report, spec.inertia.zero > 0)


def _report_fields(point, value, g, gn, spec, gtol, eig_err=0.0) -> dict:
    return dict(
        gradient_norm=gn,
        value=value,
        eigenvalues=spec.eigenvalues,
        inertia=spec.inertia,
        definiteness=spec.definiteness,
        condition_number=spec.condition_number,
        tolerance=spec.tolerance,
        grad_tol=gtol,
        n=spec.n,
        method=spec.method,
        n_matvec=spec.n_matvec,
        eigenvalue_error=eig_err,
        x=point.copy(),
        gradient=g.reshape(point.shape) if point.ndim else g,
        eigenvectors=spec.eigenvectors,
    )


def _verdict(
    report: dict, classification: str, degenerate: bool, certified: bool, reason: str, **extra: Any
) -> CurvatureReport:
    """The :class:`CurvatureReport` of ``report``'s fields with a classification,
    its ``kind`` (from ``_KIND_OF``) and the reason."""
    return CurvatureReport(
        classification=classification,
        kind=_KIND_OF[classification],
        degenerate=degenerate,
        certified=certified,
        reason=reason,
        **extra,
        **report,
    )


def _not_critical(report: dict, singular: bool, gn: float, gtol: float) -> CurvatureReport:
    return _verdict(report, "not a critical point", singular, True, f"‖∇f(x)‖ = {gn:.3g} > grad_tol = {gtol:.3g}")


def _dense_report(
    flat, point, value, g, H, third, *, rtol, tol, grad_tol, higher_order, max_order, n_directions, seed,
    eig=None, near_first=None,
) -> CurvatureReport:  # fmt: skip
    """The dense analysis once ``f(x)``, ``∇f(x)``, ``∇²f(x)`` and
    ``‖D³f(x)[x]‖`` are known (:func:`find_critical_points` computes them in
    batches); ``eig`` optionally passes ``np.linalg.eigh(H)`` and
    ``near_first`` the first line series of the near-degeneracy check."""
    z = point.reshape(-1)
    n = z.size
    g = np.asarray(g, dtype=np.float64).reshape(-1)
    gn = float(np.linalg.norm(g))
    if not math.isfinite(gn):
        raise ValueError("the gradient at x is not finite")
    lam, U = np.linalg.eigh(H) if eig is None else eig
    hnorm = float(np.max(np.abs(lam))) if lam.size else 0.0
    eig_err = eigenvalue_error(n, hnorm, third)
    spec = spectrum_from_eigenpairs(lam, U, max(_zero_tolerance(lam, rtol, tol), eig_err), n)
    gtol = default_grad_tol(value, hnorm, float(np.linalg.norm(z))) if grad_tol is None else float(grad_tol)
    report = _report_fields(point, value, g, gn, spec, gtol, eig_err)
    singular = spec.inertia.zero > 0
    if gn > gtol:
        return _not_critical(report, singular, gn, gtol)
    lam, U, tz = spec.eigenvalues, spec.eigenvectors, spec.tolerance
    null_idx = [int(i) for i in np.flatnonzero(np.abs(lam) <= tz)]
    near = _near_degenerate(flat, z, gn, lam, U, null_idx, max_order, near_first) if higher_order else []
    null_all = sorted(null_idx + near)
    rest = np.delete(lam, null_all)
    degenerate = bool(null_all)
    near_note = (
        f"; {len(near)} eigen-direction(s) near-degenerate (their curvature is explained by the distance "
        f"‖∇f‖ = {gn:.2e} from a degenerate critical point)"
        if near
        else ""
    )
    margin = _MARGIN * eig_err

    def eig_note(vals) -> tuple[bool, str]:
        small = float(np.min(np.abs(vals)))
        if small > margin:
            return True, ""
        return False, (
            f"; not certified: |λ| = {small:.3g} is within {_MARGIN:g}x the eigenvalues' rounding error "
            f"{eig_err:.2g}"
        )

    if rest.size and rest.min() < 0 < rest.max():
        certified, note = eig_note([rest.min(), rest.max()])
        reason = (
            f"Hessian indefinite: eigenvalues {rest.min():.6g} < 0 < {rest.max():.6g} "
            f"(second-derivative test){near_note}{note}"
        )
        return _verdict(report, "saddle point", degenerate, certified, reason)
    if not degenerate:
        sign = "positive" if rest.min() > 0 else "negative"
        certified, note = eig_note(rest)
        classification = f"strict local {'minimum' if sign == 'positive' else 'maximum'}"
        reason = (
            f"Hessian {sign} definite: eigenvalues in [{lam.min():.6g}, {lam.max():.6g}] "
            f"(second-derivative test){note}"
        )
        return _verdict(report, classification, False, certified, reason)
    if not higher_order:
        reason = (
            f"Hessian singular ({len(null_all)} zero eigenvalue(s)): the second-derivative test is "
            "inconclusive and the higher-order test is disabled"
        )
        return _verdict(report, "inconclusive", True, False, reason)
    test = _higher_order_test(flat, z, value, g, lam, U, null_all, tz, int(max_order), n_directions, seed)
    classification = {
        "saddle": "saddle point",
        "minimum": "local minimum",
        "maximum": "local maximum",
        "non-strict minimum": "non-strict local minimum",
        "non-strict maximum": "non-strict local maximum",
        "inconclusive": "inconclusive",
    }[test.verdict]
    report["non_isolated"] = test.non_isolated
    reason = f"degenerate Hessian ({len(null_all)}-dimensional null space){near_note}; {test.reason}"
    return _verdict(report, classification, True, test.certified, reason, higher_order=test)


def _classify_from_extremes(spec: SpectrumReport, report: dict, singular: bool) -> CurvatureReport:
    lo, hi = float(spec.eigenvalues[0]), float(spec.eigenvalues[-1])
    d = spec.definiteness
    if d in ("positive definite", "negative definite"):
        classification = f"strict local {'minimum' if d == 'positive definite' else 'maximum'}"
        reason = f"Hessian {d}: extreme eigenvalues {lo:.6g}, {hi:.6g} (Lanczos; second-derivative test)"
        return _verdict(report, classification, False, True, reason)
    if d == "indefinite":
        reason = f"Hessian indefinite: extreme eigenvalues {lo:.6g} < 0 < {hi:.6g} (Lanczos; second-derivative test)"
        return _verdict(report, "saddle point", singular, True, reason)
    reason = (
        f"Hessian {d} with extreme eigenvalues {lo:.6g}, {hi:.6g}: singular, and with Lanczos the null space "
        "is not resolved, so no higher-order test was run (use method='dense' for small n)"
    )
    return _verdict(report, "inconclusive", True, False, reason)


def classify_point(f, x, **options: Any) -> CriticalPoint:
    """Classify ``x``: strict local minimum / maximum, saddle point,
    (degenerate) local minimum / maximum, inconclusive, or not a critical point.

    Takes the keyword options of :func:`curvature` and returns the
    :class:`CriticalPoint` summary of its report.

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.analysis import classify_point
    >>> f = lambda x: x[0] ** 4 - x[1] ** 4
    >>> classify_point(f, np.zeros(2)).classification
    'saddle point'
    >>> p = classify_point(f, np.array([1.0, 0.0]))
    >>> p.classification, p.gradient_norm
    ('not a critical point', 4.0)
    """
    return CriticalPoint.from_report(curvature(f, x, **options))


def directional_curvature(f, x, v) -> float:
    """Curvature of ``f`` at ``x`` along ``v``: ``vᵀ ∇²f(x) v / ‖v‖²``.

    Computed with one forward-over-forward pass (:func:`osculate.vhv`),
    without forming the Hessian.  For a unit eigenvector it is the
    eigenvalue.

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.analysis import directional_curvature
    >>> f = lambda x: x[0] ** 2 + 4 * x[1] ** 2
    >>> directional_curvature(f, np.zeros(2), np.array([0.0, 3.0]))
    8.0
    >>> directional_curvature(f, np.zeros(2), np.array([1.0, 1.0]))
    5.0
    """
    point = as_point(x)
    direction = as_point(v, "v")
    if direction.shape != point.shape:
        raise ValueError(f"v has shape {direction.shape} but x has shape {point.shape}; they must match")
    norm2 = float(np.sum(direction**2))
    if norm2 == 0.0:
        raise ValueError("v is the zero vector; the curvature along it is undefined")
    return float(np.asarray(vhv(f, point, direction))) / norm2
