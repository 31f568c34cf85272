"""The results of the curvature analysis: :class:`CurvatureReport` (what
:func:`~osculate.analysis.curvature` returns), :class:`HigherOrderTest` (the
test at a degenerate critical point, :mod:`osculate.analysis.higher_order`),
:class:`CriticalPoint` (a classified point, as returned by
:func:`~osculate.analysis.classify_point`) and :class:`CriticalPointSearch`
(the points :func:`~osculate.analysis.find_critical_points` found, with the
coverage of the search), with the values of their ``classification`` and
``kind``.

The error estimates and the meaning of ``certified`` are those of
:mod:`osculate.analysis.error_model`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from ..formatting import to_jsonable
from ._util import Result
from .spectrum import Inertia

__all__ = [
    "KINDS", "KIND_OF", "HigherOrderTest", "CurvatureReport", "CriticalPoint", "CriticalPointSearch",
    "CriticalPointsResult",
]

#: The values of ``kind``: a coarse label for filtering and counting.
KINDS = ("minimum", "maximum", "saddle", "inconclusive", "not critical")

#: Every ``classification`` and the ``kind`` that goes with it.
KIND_OF = {
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
        ``T_k``, estimates of ``‖D^k f(x)‖ / k!`` (see
        :mod:`osculate.analysis.error_model`), not shown in the repr.
    directions : ndarray, shape (n, m)
        The sampled unit directions (columns), not shown in the repr.
    coefficients : ndarray, shape (m, max_order + 1)
        Taylor coefficients ``g^(j)(0) / j!`` of the (reduced) function along
        each direction, not shown in the repr.
    errors : ndarray, shape (m, max_order + 1)
        What each coefficient may be without being significant: its rounding
        error estimate plus the parts explained by the distance from a
        nearby critical point (:mod:`osculate.analysis.error_model`); not
        shown in the repr.
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
        estimate (see :mod:`osculate.analysis.error_model`) rather than
        heuristic.
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


class CriticalPointSearch(list):
    """Critical points found by :func:`~osculate.analysis.find_critical_points`: a ``list`` of
    :class:`CriticalPoint` (sorted by value, then by coordinates) with the
    coverage of the search as attributes.

    Attributes
    ----------
    counts : dict
        Number of points of each kind (``"minimum"``, ``"maximum"``,
        ``"saddle"``, ``"inconclusive"``).
    bounds : ndarray, shape (d, 2)
        The search box.
    design : str
        How the starts were placed (``"sobol"``, ``"halton"``, ``"random"``,
        ``"grid"``).
    n_starts : int
        Starting points used (including ``x0``).
    n_converged : int
        Starts that converged to a critical point inside the box.
    n_repeats : int
        Of those, starts that reached an already known point
        (``n_converged - len(self)``).
    n_outside : int
        Starts that converged to a critical point outside the box (dropped).
    n_failed : int
        Starts that did not converge (stalled, left the box, or used all
        ``max_iter`` iterations).
    n_exhausted : int
        Of those, starts that used all ``max_iter`` iterations.
    n_iterations : int
        Newton iterations of the longest run.
    complete : bool
        Whether the search can claim to have found every critical point in
        the box -- a heuristic claim, defined in
        :mod:`osculate.analysis.critical`.
    note : str
        Why the search cannot claim completeness (``""`` when complete).
    staging_note : str
        One line saying which derivative could not be staged and why, when
        ``jit="auto"`` fell back to eager evaluation (else ``""``).
    """

    def __init__(self, points=(), *, counts=None, bounds=None, design="", n_starts=0, n_converged=0,
                 n_outside=0, n_failed=0, n_exhausted=0, n_iterations=0, complete=False, note="",
                 staging_note=""):
        super().__init__(points)
        self.counts = dict(counts) if counts is not None else {
            k: sum(p.kind == k for p in self) for k in ("minimum", "maximum", "saddle", "inconclusive")
        }
        self.bounds = bounds
        self.design = design
        self.n_starts = int(n_starts)
        self.n_converged = int(n_converged)
        self.n_repeats = int(n_converged) - len(self)
        self.n_outside = int(n_outside)
        self.n_failed = int(n_failed)
        self.n_exhausted = int(n_exhausted)
        self.n_iterations = int(n_iterations)
        self.complete = bool(complete)
        self.note = str(note)
        self.staging_note = str(staging_note)

    @property
    def points(self) -> list[CriticalPoint]:
        """The points as a plain list."""
        return list(self)

    def of_kind(self, kind: str) -> list[CriticalPoint]:
        """The points whose ``kind`` is ``kind``."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        return [p for p in self if p.kind == kind]

    @property
    def minima(self) -> list[CriticalPoint]:
        return self.of_kind("minimum")

    @property
    def maxima(self) -> list[CriticalPoint]:
        return self.of_kind("maximum")

    @property
    def saddles(self) -> list[CriticalPoint]:
        return self.of_kind("saddle")

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python (JSON-serialisable) dictionary: the points and the coverage."""
        return {
            "points": [to_jsonable(p) for p in self],
            "counts": dict(self.counts),
            "bounds": to_jsonable(self.bounds),
            "design": self.design,
            "n_starts": self.n_starts,
            "n_converged": self.n_converged,
            "n_repeats": self.n_repeats,
            "n_outside": self.n_outside,
            "n_failed": self.n_failed,
            "n_exhausted": self.n_exhausted,
            "n_iterations": self.n_iterations,
            "complete": self.complete,
            "note": self.note,
        }

    def __repr__(self) -> str:
        head = ", ".join(f"{v} {k}" for k, v in self.counts.items() if v)
        cov = "complete" if self.complete else "not complete"
        lines = [f"CriticalPointSearch({len(self)} points: {head or 'none'}; "
                 f"{self.n_converged}/{self.n_starts} starts converged, {self.n_repeats} repeats; {cov})"]
        shown = list(self) if len(self) <= 50 else list(self)[:50]
        lines += [f"  {p!r}" for p in shown]
        if len(self) > len(shown):
            lines.append(f"  ... {len(self) - len(shown)} more")
        if self.note:
            lines.append(f"  note: {self.note}")
        return "\n".join(lines)


#: Former name of :class:`CriticalPointSearch`.
CriticalPointsResult = CriticalPointSearch
