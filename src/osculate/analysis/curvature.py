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

Decisions.  An odd lowest order along some direction, two directions with
even lowest orders of opposite signs, or a sign opposite to the definite
part of the Hessian *prove* a saddle (``f`` takes values above and below
``f(x)`` arbitrarily close to ``x``).  An even lowest order with the same
sign along *every* sampled direction (and consistent with the definite part)
is reported as ``"local minimum"`` / ``"local maximum"`` with
``certified=False``: this is a higher-order *sufficient-condition
heuristic*, not a proof, because finitely many directions cannot rule out a
curve on which the sign changes (e.g. ``(x² - y³)(x² - 2y³)`` restricted to a
two-dimensional null space).  If some direction shows no non-vanishing
derivative up to ``max_order`` and no saddle was proven, the answer is
``"inconclusive"``.

Points found numerically are only approximately critical.  Near a
degenerate critical point, small Hessian eigenvalues and small odd-order
coefficients appear that belong to the displacement, not to the function's
shape there.  A coefficient ``c_j`` is therefore treated as vanishing when
it is explained by the higher coefficients at the displacement radius
``ρ`` implied by ``‖∇f(x)‖`` (``|c_j| <= 10 Σ_{i>j} C(i,j) |c_i| ρ^(i-j)``);
at an exact critical point ``ρ = 0`` and only rounding-level coefficients
vanish.  The same rule marks Hessian eigen-directions as *near-degenerate*.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..ad.transforms import grad, hessian, value_and_grad, vhv
from ..linop.operators import hessian_operator
from ._taylor import curve_series, line_series
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

_EXPLAIN = 10.0  # safety factor of the displacement rule
_NOISE = 1e-10  # rounding-level coefficients, relative to the coefficient scale
_MAX_NEAR_CHECKS = 8  # eigen-directions examined for near-degeneracy


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
        derivatives up to ``max_order`` vanish).
    signs : list of int
        Sign of that lowest-order coefficient (``0`` where ``orders`` is
        ``None``).
    verdict : str
        ``"minimum"``, ``"maximum"``, ``"saddle"`` or ``"inconclusive"``.
    certified : bool
        True when the verdict is proven (a saddle); a minimum/maximum from
        this test is a heuristic (``False``).
    curve_corrected : bool
        Whether the reduced-function (curve) correction was applied, i.e.
        the Hessian had non-zero eigenvalues too.
    reason : str
        Human-readable justification.
    directions : ndarray, shape (n, m)
        The sampled unit directions (columns), not shown in the repr.
    coefficients : ndarray, shape (m, max_order + 1)
        Taylor coefficients ``g^(j)(0) / j!`` of the (reduced) function along
        each direction, not shown in the repr.
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
    directions: np.ndarray = field(repr=False)
    coefficients: np.ndarray = field(repr=False)


@dataclass(repr=False, eq=False)
class CurvatureReport(Result):
    """Curvature of ``f`` at ``x`` (see :func:`curvature`).

    Attributes
    ----------
    classification : str
        ``"strict local minimum"``, ``"strict local maximum"``, ``"saddle
        point"`` (second-derivative test or higher-order proof),
        ``"local minimum"`` / ``"local maximum"`` (degenerate; higher-order
        heuristic), ``"inconclusive"`` or ``"not a critical point"``.
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
        Whether the classification is proven (for a point that is exactly
        critical) rather than heuristic.
    reason : str
        Why: the numbers behind the classification.
    tolerance : float
        Zero tolerance of the eigenvalues.
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

    @classmethod
    def from_report(cls, rep: CurvatureReport, n_hits: int = 1) -> "CriticalPoint":
        return cls(
            x=rep.x,
            value=rep.value,
            classification=rep.classification,
            kind=rep.kind,
            gradient_norm=rep.gradient_norm,
            eigenvalues=rep.eigenvalues,
            degenerate=rep.degenerate,
            certified=rep.certified,
            reason=rep.reason,
            n_hits=n_hits,
        )

    def __repr__(self) -> str:
        x = np.array2string(np.asarray(self.x), precision=6, threshold=8, separator=", ", suppress_small=True)
        flags = " (degenerate)" if self.degenerate else ""
        return (
            f"CriticalPoint(x={x}, value={self.value:.6g}, classification={self.classification!r}{flags}, "
            f"gradient_norm={self.gradient_norm:.2e})"
        )


# --------------------------------------------------------------------------- higher-order machinery


def _coefficient_noise(coeffs: np.ndarray, value: float) -> float:
    scale = max(abs(value), float(np.max(np.abs(coeffs[2:]))) if coeffs.size > 2 else 0.0)
    return _NOISE * scale


def _displacement_radius(a: np.ndarray, gn: float, noise: float) -> float:
    """Distance to a nearby exact critical point implied by ``‖∇f‖ = gn``."""
    if gn <= 0.0:
        return 0.0
    rho = 0.0
    for i in range(2, a.size):
        if a[i] > noise:
            rho = max(rho, (gn / (i * a[i])) ** (1.0 / (i - 1)))
    return rho


def _leading_order(coeffs: np.ndarray, gn: float, value: float, zero2: float) -> tuple[int | None, int]:
    """Lowest order ``j >= 2`` whose coefficient is not explained by rounding
    or by the displacement from a nearby critical point; with its sign."""
    a = np.abs(coeffs)
    K = a.size - 1
    noise = _coefficient_noise(coeffs, value)
    rho = _displacement_radius(a, gn, noise)
    for j in range(2, K + 1):
        explained = noise + (zero2 if j == 2 else 0.0)
        if rho > 0.0:
            explained += _EXPLAIN * sum(math.comb(i, j) * a[i] * rho ** (i - j) for i in range(j + 1, K + 1))
        if a[j] > explained:
            return j, int(np.sign(coeffs[j]))
    return None, 0


def _near_degenerate(flat, z, value, gn, lam, U, null_idx, max_order) -> list[int]:
    """Eigen-directions (smallest |λ| first) whose second-order coefficient is
    explained by the displacement from a nearby degenerate critical point."""
    if gn <= 0.0:
        return []
    order = max(3, max_order)
    extra = []
    skip = set(null_idx)
    candidates = [int(i) for i in np.argsort(np.abs(lam), kind="stable") if int(i) not in skip]
    for i in candidates[:_MAX_NEAR_CHECKS]:
        coeffs = line_series(flat, z, U[:, i], order)
        k, _ = _leading_order(coeffs, gn, value, 0.0)
        if k is not None and k == 2:
            break
        extra.append(i)
    return extra


def _reduced_coefficients(flat, z, d, R, lam_R, max_order) -> np.ndarray:
    """Taylor coefficients of ``t -> f(x + t d + R w(t))``, where the
    polynomial ``w(t) = a_2 t² + … + a_m t^m`` (``m = max_order // 2``)
    cancels the range-space gradient ``Rᵀ∇f`` order by order; the error of
    ``w`` enters ``f`` quadratically, so orders up to ``max_order`` are
    those of the reduced function of the splitting lemma."""
    series: list[np.ndarray] = [d]
    if R.shape[1]:
        g = grad(flat)
        for j in range(2, max_order // 2 + 1):
            res = curve_series(lambda c: R.T @ g(c), z, series, j, nested=True)[j]  # low order: 2^j passes
            series.append(R @ (-np.asarray(res).reshape(-1) / lam_R))
    coeffs = curve_series(flat, z, series, max_order)
    return np.array([float(np.asarray(c).reshape(())) for c in coeffs])


def _higher_order_test(flat, z, value, gn, lam, U, null_idx, tol, max_order, n_directions, seed) -> HigherOrderTest:
    n = z.size
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
    coeffs = np.stack([_reduced_coefficients(flat, z, dirs[:, m], R, lam_R, max_order) for m in range(dirs.shape[1])])
    orders, signs = [], []
    for m in range(dirs.shape[1]):
        k, s = _leading_order(coeffs[m], gn, value, 0.5 * tol)  # c2 = dᵀHd/2 is zero to tolerance
        orders.append(k)
        signs.append(s)

    def where(m):
        return "null-space eigenvector #%d" % m if m < r else "sampled null-space direction #%d" % (m - r)

    verdict, certified = "inconclusive", False
    odd = [m for m, k in enumerate(orders) if k is not None and k % 2 == 1]
    even_pos = [m for m, k in enumerate(orders) if k is not None and k % 2 == 0 and signs[m] > 0]
    even_neg = [m for m, k in enumerate(orders) if k is not None and k % 2 == 0 and signs[m] < 0]
    vanish = [m for m, k in enumerate(orders) if k is None]
    if odd:
        m = odd[0]
        verdict, certified = "saddle", True
        reason = (
            f"odd lowest non-vanishing order {orders[m]} along {where(m)} "
            f"(coefficient {coeffs[m][orders[m]]:.6g}): f - f(x) changes sign along that curve"
        )
    elif even_pos and even_neg:
        p, q = even_pos[0], even_neg[0]
        verdict, certified = "saddle", True
        reason = (
            f"order-{orders[p]} coefficient > 0 along {where(p)} but order-{orders[q]} coefficient < 0 "
            f"along {where(q)}: f rises and falls arbitrarily close to x"
        )
    elif sigma > 0 and even_neg:
        q = even_neg[0]
        verdict, certified = "saddle", True
        reason = (
            f"the Hessian is positive on its range but the reduced function has a negative order-{orders[q]} "
            f"coefficient along {where(q)}"
        )
    elif sigma < 0 and even_pos:
        p = even_pos[0]
        verdict, certified = "saddle", True
        reason = (
            f"the Hessian is negative on its range but the reduced function has a positive order-{orders[p]} "
            f"coefficient along {where(p)}"
        )
    elif vanish:
        m = vanish[0]
        reason = (
            f"all derivatives up to order {max_order} vanish along {where(m)}: the test cannot decide "
            "(raise max_order, or the function may be flat there)"
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
        max_order=int(max_order),
        n_directions=len(orders),
        orders=orders,
        signs=signs,
        verdict=verdict,
        certified=certified,
        curve_corrected=bool(R.shape[1]),
        reason=reason,
        directions=dirs,
        coefficients=coeffs,
    )


# --------------------------------------------------------------------------- public functions


def _default_grad_tol(value: float) -> float:
    return 1e-8 * max(1.0, abs(value))


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
        Eigenvalues with ``|λ| <= rtol * max|λ|`` count as zero.
    tol : float, optional
        Absolute zero tolerance for eigenvalues (overrides ``rtol``).
    grad_tol : float, optional
        ``x`` is critical when ``‖∇f(x)‖ <= grad_tol``; default
        ``1e-8 * max(1, |f(x)|)``.
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
    A degenerate point reported as ``"local minimum"``/``"local maximum"``
    rests on a higher-order sufficient-condition *heuristic*
    (``certified=False``); see the module documentation.  With Lanczos only
    the extremes are known, so a singular (semidefinite) Hessian gives
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
        lam, U = np.linalg.eigh(H)
        spec = spectrum_from_eigenpairs(lam, U, _zero_tolerance(lam, rtol, tol), n)
    else:
        with np.errstate(all="ignore"):
            op = hessian_operator(flat, z)
        value, g = check_scalar_value(op.value), op.gradient
        spec = _lanczos_report(op, n, int(k), rtol, tol, lanczos_tol, seed)
    g = np.asarray(g, dtype=np.float64).reshape(-1)
    gn = float(np.linalg.norm(g))
    if not math.isfinite(gn):
        raise ValueError("the gradient at x is not finite")
    gtol = _default_grad_tol(value) if grad_tol is None else float(grad_tol)
    report = dict(
        gradient_norm=gn,
        value=value,
        eigenvalues=spec.eigenvalues,
        inertia=spec.inertia,
        definiteness=spec.definiteness,
        condition_number=spec.condition_number,
        tolerance=spec.tolerance,
        grad_tol=gtol,
        n=n,
        method=spec.method,
        n_matvec=spec.n_matvec,
        x=point.copy(),
        gradient=g.reshape(shape) if point.ndim else g,
        eigenvectors=spec.eigenvectors,
    )
    singular = spec.inertia.zero > 0
    if gn > gtol:
        return CurvatureReport(
            classification="not a critical point",
            kind="not critical",
            degenerate=singular,
            certified=True,
            reason=f"‖∇f(x)‖ = {gn:.3g} > grad_tol = {gtol:.3g}",
            **report,
        )
    if not dense:
        return _classify_from_extremes(spec, report, singular)
    lam, U, tz = spec.eigenvalues, spec.eigenvectors, spec.tolerance
    null_idx = [int(i) for i in np.flatnonzero(np.abs(lam) <= tz)]
    near = _near_degenerate(flat, z, value, gn, lam, U, null_idx, max_order) if higher_order else []
    null_all = sorted(null_idx + near)
    rest = np.delete(lam, null_all)
    degenerate = bool(null_all)
    near_note = (
        f"; {len(near)} eigen-direction(s) near-degenerate (their curvature is explained by the distance "
        f"‖∇f‖ = {gn:.2e} from a degenerate critical point)"
        if near
        else ""
    )
    if rest.size and rest.min() < 0 < rest.max():
        return CurvatureReport(
            classification="saddle point",
            kind="saddle",
            degenerate=degenerate,
            certified=True,
            reason=(
                f"Hessian indefinite: eigenvalues {rest.min():.6g} < 0 < {rest.max():.6g} "
                f"(second-derivative test){near_note}"
            ),
            **report,
        )
    if not degenerate:
        sign = "positive" if rest.min() > 0 else "negative"
        return CurvatureReport(
            classification=f"strict local {'minimum' if sign == 'positive' else 'maximum'}",
            kind="minimum" if sign == "positive" else "maximum",
            degenerate=False,
            certified=True,
            reason=f"Hessian {sign} definite: eigenvalues in [{lam.min():.6g}, {lam.max():.6g}] (second-derivative test)",
            **report,
        )
    if not higher_order:
        return CurvatureReport(
            classification="inconclusive",
            kind="inconclusive",
            degenerate=True,
            certified=False,
            reason=f"Hessian singular ({len(null_all)} zero eigenvalue(s)): the second-derivative test is "
            "inconclusive and the higher-order test is disabled",
            **report,
        )
    test = _higher_order_test(flat, z, value, gn, lam, U, null_all, tz, int(max_order), n_directions, seed)
    label = {
        "saddle": ("saddle point", "saddle"),
        "minimum": ("local minimum", "minimum"),
        "maximum": ("local maximum", "maximum"),
        "inconclusive": ("inconclusive", "inconclusive"),
    }[test.verdict]
    return CurvatureReport(
        classification=label[0],
        kind=label[1],
        degenerate=True,
        certified=test.certified,
        reason=f"degenerate Hessian ({len(null_all)}-dimensional null space){near_note}; {test.reason}",
        higher_order=test,
        **report,
    )


def _classify_from_extremes(spec: SpectrumReport, report: dict, singular: bool) -> CurvatureReport:
    lo, hi = float(spec.eigenvalues[0]), float(spec.eigenvalues[-1])
    d = spec.definiteness
    if d in ("positive definite", "negative definite"):
        mn = d == "positive definite"
        return CurvatureReport(
            classification=f"strict local {'minimum' if mn else 'maximum'}",
            kind="minimum" if mn else "maximum",
            degenerate=False,
            certified=True,
            reason=f"Hessian {d}: extreme eigenvalues {lo:.6g}, {hi:.6g} (Lanczos; second-derivative test)",
            **report,
        )
    if d == "indefinite":
        return CurvatureReport(
            classification="saddle point",
            kind="saddle",
            degenerate=singular,
            certified=True,
            reason=f"Hessian indefinite: extreme eigenvalues {lo:.6g} < 0 < {hi:.6g} (Lanczos; second-derivative test)",
            **report,
        )
    return CurvatureReport(
        classification="inconclusive",
        kind="inconclusive",
        degenerate=True,
        certified=False,
        reason=(
            f"Hessian {d} with extreme eigenvalues {lo:.6g}, {hi:.6g}: singular, and with Lanczos the null space "
            "is not resolved, so no higher-order test was run (use method='dense' for small n)"
        ),
        **report,
    )


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
