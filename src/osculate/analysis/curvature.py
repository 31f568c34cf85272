"""Curvature report of a function at a point and classification of critical points.

The second-derivative test decides non-degenerate critical points: a
positive (negative) definite Hessian proves a strict local minimum
(maximum), an indefinite one a saddle.  When the Hessian is singular the
test says nothing, and :func:`curvature` goes on with a higher-order test
on the null space of the Hessian.

The parts, one module each:

* here, the public functions -- :func:`curvature`, :func:`classify_point`,
  :func:`directional_curvature` -- and the dense and Lanczos analyses behind
  them (:func:`dense_report` also serves
  :func:`~osculate.analysis.find_critical_points`);
* :mod:`osculate.analysis.results`: what they return
  (:class:`~osculate.analysis.results.CurvatureReport`,
  :class:`~osculate.analysis.results.CriticalPoint`,
  :class:`~osculate.analysis.results.HigherOrderTest`, :data:`KINDS`);
* :mod:`osculate.analysis.higher_order`: the test at a degenerate critical
  point (reduced function, lowest non-vanishing orders, probes of flat
  directions) and how its verdicts are decided;
* :mod:`osculate.analysis.error_model`: the rounding-error estimates behind
  every threshold (zero eigenvalues, zero gradient, vanishing coefficients)
  and behind ``certified``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..ad.arguments import FlatPoint
from ..ad.transforms import hessian, value_and_grad, vhv
from ..linop.operators import hessian_operator, select_arguments
from ._util import as_point, check_scalar_value, flat_function
from .constrained import classify_constrained
from .error_model import MARGIN, default_grad_tol, eigenvalue_error, radial_third_derivative
from .higher_order import higher_order_test, near_degenerate
from .results import KIND_OF, KINDS, CriticalPoint, CurvatureReport, HigherOrderTest
from .spectrum import (
    DEFAULT_DENSE_LIMIT,
    DEFAULT_RTOL,
    SpectrumReport,
    lanczos_report,
    spectrum_from_eigenpairs,
    zero_tolerance,
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
    argnums=None,
    has_aux: bool = False,
    subject_to=None,
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
        gradient's rounding level, see :mod:`osculate.analysis.error_model`).
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
    argnums : int or tuple of ints, optional
        As in :func:`osculate.jacfwd`: ``x`` is then the tuple of *all*
        positional arguments of ``f``, the analysis is in the selected ones
        (their tuple for a tuple ``argnums``) and the others are passed
        through.  ``report.x`` is the selected argument(s).
    has_aux : bool, default False
        ``f`` returns ``(value, aux)``; the result is ``(report, aux)``.
    subject_to : callable or list of callables, optional
        Equality constraints ``c(x) = 0``: the point is then classified on
        the constraint set by :func:`~osculate.analysis.classify_constrained`
        (reduced Hessian of the Lagrangian; ``grad_tol`` is the stationarity
        tolerance) and the result is a
        :class:`~osculate.analysis.ConstrainedPoint`.

    Returns
    -------
    CurvatureReport
        For a pytree ``x`` (a dict of weights...), the analysis is of ``f``
        as a function of the flat vector of :func:`osculate.ravel_pytree`:
        ``report.x`` and ``report.gradient`` have ``x``'s structure, while
        ``report.eigenvectors`` are columns in that raveled order.

    Notes
    -----
    ``certified=True`` means the verdict holds beyond the rounding-error
    estimate of every number it rests on
    (:mod:`osculate.analysis.error_model`); the higher-order test is
    described in :mod:`osculate.analysis.higher_order`.  A
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
    >>> rep = curvature(lambda p, c: np.sum((p["w"] - c) ** 2) * (1 + p["b"] ** 2),
    ...                 ({"w": np.ones(2), "b": 0.0}, 1.0), argnums=0)
    >>> rep.classification, rep.x["w"], np.round(rep.eigenvalues, 6)
    ('non-strict local minimum', array([1., 1.]), array([0., 2., 2.]))
    """
    if subject_to is not None:
        if argnums is not None or has_aux or method == "lanczos":
            raise ValueError("subject_to= works with a function of one 1-D array, analysed densely: argnums, "
                             "has_aux and method='lanczos' are not supported with it")
        return classify_constrained(f, x, subject_to, stationarity_tol=grad_tol, rtol=rtol, tol=tol,
                                    higher_order=higher_order, max_order=max_order, n_directions=n_directions,
                                    seed=seed)
    aux = None
    if argnums is not None or has_aux:
        f, x, with_aux = select_arguments(f, x, argnums, has_aux, "curvature")
        if has_aux:
            aux = with_aux(x)[1]
    point = FlatPoint(f, x, name="curvature", solver=True, point="x")
    f, x = point.f, point.x
    report = _curvature(f, x, rtol, tol, grad_tol, method, k, dense_limit, higher_order, max_order, n_directions,
                        seed, lanczos_tol)
    if not point.plain:
        report.x, report.gradient = point.unravel(report.x), point.unravel(report.gradient)
    return (report, aux) if has_aux else report


def _curvature(f, x, rtol, tol, grad_tol, method, k, dense_limit, higher_order, max_order, n_directions, seed,
               lanczos_tol):
    """:func:`curvature` at an array point."""
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
        return dense_report(
            flat, point, value, g, H, third,
            rtol=rtol, tol=tol, grad_tol=grad_tol, higher_order=higher_order, max_order=max_order,
            n_directions=n_directions, seed=seed, eig=eig,
        )  # fmt: skip
    with np.errstate(all="ignore"):
        op = hessian_operator(flat, z)
    value, g = check_scalar_value(op.value), op.gradient
    spec = lanczos_report(op, n, int(k), rtol, tol, lanczos_tol, seed)
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
    its ``kind`` (from ``KIND_OF``) and the reason."""
    return CurvatureReport(
        classification=classification,
        kind=KIND_OF[classification],
        degenerate=degenerate,
        certified=certified,
        reason=reason,
        **extra,
        **report,
    )


def _not_critical(report: dict, singular: bool, gn: float, gtol: float) -> CurvatureReport:
    return _verdict(report, "not a critical point", singular, True, f"‖∇f(x)‖ = {gn:.3g} > grad_tol = {gtol:.3g}")


def dense_report(
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
    spec = spectrum_from_eigenpairs(lam, U, max(zero_tolerance(lam, rtol, tol), eig_err), n)
    gtol = default_grad_tol(value, hnorm, float(np.linalg.norm(z))) if grad_tol is None else float(grad_tol)
    report = _report_fields(point, value, g, gn, spec, gtol, eig_err)
    singular = spec.inertia.zero > 0
    if gn > gtol:
        return _not_critical(report, singular, gn, gtol)
    lam, U, tz = spec.eigenvalues, spec.eigenvectors, spec.tolerance
    null_idx = [int(i) for i in np.flatnonzero(np.abs(lam) <= tz)]
    near = near_degenerate(flat, z, gn, lam, U, null_idx, max_order, near_first) if higher_order else []
    null_all = sorted(null_idx + near)
    rest = np.delete(lam, null_all)
    degenerate = bool(null_all)
    near_note = (
        f"; {len(near)} eigen-direction(s) near-degenerate (their curvature is explained by the distance "
        f"‖∇f‖ = {gn:.2e} from a degenerate critical point)"
        if near
        else ""
    )
    margin = MARGIN * eig_err

    def eig_note(vals) -> tuple[bool, str]:
        small = float(np.min(np.abs(vals)))
        if small > margin:
            return True, ""
        return False, (
            f"; not certified: |λ| = {small:.3g} is within {MARGIN:g}x the eigenvalues' rounding error "
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
    test = higher_order_test(flat, z, value, g, lam, U, null_all, tz, int(max_order), n_directions, seed)
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

    Takes the keyword options of :func:`curvature` (``argnums`` and pytree
    points too) and returns the :class:`CriticalPoint` summary of its report
    (``(point, aux)`` with ``has_aux=True``).

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

    With ``subject_to=``, on a constraint set (a
    :class:`~osculate.analysis.ConstrainedPoint`):

    >>> classify_point(lambda x: x[0] + x[1], [-0.5 ** 0.5] * 2,
    ...                subject_to=lambda x: x[0] ** 2 + x[1] ** 2 - 1).classification
    'strict constrained local minimum'
    """
    if options.get("subject_to") is not None:
        return curvature(f, x, **options)
    if options.get("has_aux"):  # (point, aux), as curvature's (report, aux)
        report, aux = curvature(f, x, **options)
        return CriticalPoint.from_report(report), aux
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
