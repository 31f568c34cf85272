"""Critical points in a box: multi-start Newton on ``∇f = 0``, deduplicated
and classified.

Every start runs Newton's method on the gradient equation with a
non-monotone backtracking line search on the merit function ``½‖∇f‖²``
(Armijo's condition against the largest of the last 10 merit values, which
lets Newton follow curved valleys such as Rosenbrock's): the step
solves ``H p = -∇f`` (pseudo-inverse on the non-singular part of ``H``), so
it is attracted to minima, maxima and saddles alike -- which is what is
wanted here, unlike in minimisation.  When the Newton step is not a descent
direction for the merit function (singular Hessian), a Levenberg-Marquardt
step ``-(H² + μI)⁻¹ H ∇f`` is used instead.  All starts advance in
lock-step and their gradients and Hessians are evaluated in one batched
(``vmap``) call per iteration; a function that cannot be batched is
evaluated start by start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

import numpy as np

from ..ad.batching import vmap
from ..ad.transforms import grad, hessian
from ._util import Result, as_point, plain
from .curvature import KINDS, CriticalPoint, curvature

__all__ = ["CriticalPointsResult", "find_critical_points"]


@dataclass(repr=False, eq=False)
class CriticalPointsResult(Result):
    """Critical points found by :func:`find_critical_points`.

    Behaves like a sequence of :class:`CriticalPoint` (``len``, iteration,
    indexing).

    Attributes
    ----------
    points : list of CriticalPoint
        Distinct critical points, sorted by value, then by coordinates.
    counts : dict
        Number of points of each kind (``"minimum"``, ``"maximum"``,
        ``"saddle"``, ``"inconclusive"``).
    bounds : ndarray, shape (d, 2)
        The search box.
    n_starts : int
        Starting points used.
    n_converged : int
        Starts that converged to a critical point inside the box.
    n_outside : int
        Starts that converged to a critical point outside the box (dropped).
    n_failed : int
        Starts that did not converge (stalled, left the box, or hit ``max_iter``).
    n_iterations : int
        Newton iterations of the longest run.
    """

    points: list
    counts: dict
    bounds: np.ndarray
    n_starts: int
    n_converged: int
    n_outside: int
    n_failed: int
    n_iterations: int = field(default=0)

    def __len__(self) -> int:
        return len(self.points)

    def __iter__(self) -> Iterator[CriticalPoint]:
        return iter(self.points)

    def __getitem__(self, i):
        return self.points[i]

    def of_kind(self, kind: str) -> list[CriticalPoint]:
        """The points whose ``kind`` is ``kind``."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        return [p for p in self.points if p.kind == kind]

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
        d = super().to_dict()
        d["points"] = [plain(p) for p in self.points]
        return d

    def __repr__(self) -> str:
        head = ", ".join(f"{v} {k}" for k, v in self.counts.items() if v)
        lines = [f"CriticalPointsResult({len(self.points)} points: {head or 'none'}; "
                 f"{self.n_converged}/{self.n_starts} starts converged)"]
        lines += [f"  {p!r}" for p in self.points]
        return "\n".join(lines)


# --------------------------------------------------------------------------- batched evaluation


class _Evaluator:
    """Gradients and Hessians of ``f`` at many points: one ``vmap`` call when
    ``f`` can be batched, a loop otherwise."""

    def __init__(self, f, d: int):
        self.f, self.d = f, d
        self._g, self._h = grad(f), hessian(f)
        self._bg, self._bh = vmap(self._g), vmap(self._h)
        self.batched: bool | None = None

    def _loop(self, fn, X, shape):
        return np.array([np.asarray(fn(x), dtype=np.float64).reshape(shape) for x in X])

    def _decide(self, X):
        """Batch if ``vmap`` works and agrees with the unbatched result."""
        try:
            G = np.asarray(self._bg(X[:2]), dtype=np.float64)
            ok = G.shape == (min(2, len(X)), self.d)
        except Exception:  # noqa: BLE001 - any failure to batch means: evaluate point by point
            ok = False
        if ok:
            ref = self._loop(self._g, X[:2], (self.d,))
            ok = bool(np.allclose(G, ref, rtol=1e-10, atol=0.0, equal_nan=True))
        self.batched = ok

    def grad(self, X: np.ndarray) -> np.ndarray:
        if self.batched is None:
            self._decide(X)
        if self.batched:
            return np.asarray(self._bg(X), dtype=np.float64).reshape(len(X), self.d)
        return self._loop(self._g, X, (self.d,))

    def hess(self, X: np.ndarray) -> np.ndarray:
        if self.batched is None:
            self._decide(X)
        if self.batched:
            return np.asarray(self._bh(X), dtype=np.float64).reshape(len(X), self.d, self.d)
        return self._loop(self._h, X, (self.d, self.d))


# --------------------------------------------------------------------------- Newton on the gradient


_MEMORY = 10  # merit values remembered by the non-monotone line search


def _starts(bounds: np.ndarray, n_starts: int, starts: str, seed: int) -> np.ndarray:
    lo, hi = bounds[:, 0], bounds[:, 1]
    d = bounds.shape[0]
    if starts == "grid":
        m = max(2, int(round(n_starts ** (1.0 / d))))
        if m**d > 100_000:
            raise ValueError(
                f"a grid of {m}^{d} = {m ** d} starts is too large; use starts='random' in {d} dimensions"
            )
        axes = [lo[i] + (np.arange(m) + 0.5) * (hi[i] - lo[i]) / m for i in range(d)]
        return np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, d)
    if starts == "random":
        rng = np.random.default_rng(seed)
        return lo + rng.random((int(n_starts), d)) * (hi - lo)
    raise ValueError(f"starts must be 'grid' or 'random', got {starts!r}")


def _newton_steps(G: np.ndarray, H: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pseudo-inverse Newton steps and the merit slopes ``(H G)·p``."""
    lam, U = np.linalg.eigh(H)
    scale = np.max(np.abs(lam), axis=1, keepdims=True)
    keep = np.abs(lam) > 1e-12 * scale
    inv = np.zeros_like(lam)
    np.divide(1.0, lam, out=inv, where=keep)
    coef = np.einsum("kji,kj->ki", U, G)  # Uᵀ g
    P = -np.einsum("kij,kj->ki", U, inv * coef)
    slope = np.einsum("ki,ki->k", np.einsum("kij,kj->ki", H, G), P)
    # Levenberg-Marquardt where the Newton step does not decrease ½‖g‖²
    bad = ~(slope < 0)
    if np.any(bad):
        mu = 1e-3 * np.maximum(scale[bad, 0] ** 2, 1e-300)
        lm = lam[bad]
        w = lm / (lm**2 + mu[:, None])
        P[bad] = -np.einsum("kij,kj->ki", U[bad], w * coef[bad])
        slope[bad] = np.einsum("ki,ki->k", np.einsum("kij,kj->ki", H[bad], G[bad]), P[bad])
    return P, slope


def find_critical_points(
    f,
    bounds,
    *,
    n_starts: int = 64,
    starts: str = "grid",
    x0=None,
    seed: int = 0,
    max_iter: int = 200,
    grad_tol: float | None = None,
    xtol: float = 1e-10,
    dedup_tol: float | None = None,
    classify: bool = True,
    **classify_options: Any,
) -> CriticalPointsResult:
    """Find and classify the critical points of ``f`` in a box.

    Parameters
    ----------
    f : callable
        Scalar function of a 1-D array of length ``d``.
    bounds : array_like, shape (d, 2)
        ``[(lo_1, hi_1), ..., (lo_d, hi_d)]``.
    n_starts : int, default 64
        Number of starting points (a grid uses ``round(n_starts^(1/d))``
        cell centres per axis).
    starts : {"grid", "random"}, default "grid"
        Cell-centred grid, or seeded uniform random points.
    x0 : array_like, shape (m, d), optional
        Extra starting points.
    seed : int, default 0
        Seed of random starts and of the classification's sampled directions.
    max_iter : int, default 200
        Newton iterations per start (degenerate critical points converge
        only linearly and use the most).
    grad_tol : float, optional
        A point is critical when ``‖∇f‖ <= grad_tol``; default
        ``1e-8 * max(1, |f|)`` as in :func:`curvature`.
    xtol : float, default 1e-10
        A run stops when its step is below ``xtol`` times the box diameter
        (and the gradient is small).
    dedup_tol : float, optional
        Points closer than this are one point (default ``1e-6`` times the
        box diameter, at least ``100 * xtol`` times it).
    classify : bool, default True
        Classify each point with :func:`curvature` (otherwise ``kind`` is
        ``"inconclusive"`` and ``classification`` ``"unclassified"``).
    **classify_options
        Passed to :func:`curvature` (``rtol``, ``max_order``...).

    Returns
    -------
    CriticalPointsResult

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.analysis import find_critical_points
    >>> f = lambda x: x[0] ** 4 + x[1] ** 4 - 2 * x[0] ** 2 - 2 * x[1] ** 2 + 1
    >>> res = find_critical_points(f, [(-2, 2), (-2, 2)])
    >>> len(res), res.counts
    (9, {'minimum': 4, 'maximum': 1, 'saddle': 4, 'inconclusive': 0})
    >>> [round(float(c), 6) for c in res.maxima[0].x]
    [0.0, 0.0]
    """
    B = as_point(bounds, "bounds")
    if B.ndim == 1 and B.size == 2:
        B = B.reshape(1, 2)
    if B.ndim != 2 or B.shape[1] != 2:
        raise ValueError(f"bounds must have shape (d, 2): one (lo, hi) pair per coordinate, got shape {B.shape}")
    if np.any(B[:, 1] <= B[:, 0]):
        i = int(np.flatnonzero(B[:, 1] <= B[:, 0])[0])
        raise ValueError(f"bounds[{i}] = ({B[i, 0]:g}, {B[i, 1]:g}) is empty: lo must be below hi")
    d = B.shape[0]
    if n_starts < 1:
        raise ValueError(f"n_starts must be positive, got {n_starts}")
    X = _starts(B, n_starts, starts, seed)
    if x0 is not None:
        extra = as_point(x0, "x0").reshape(-1, d)
        X = np.concatenate([X, extra])
    n_total = len(X)
    diam = float(np.linalg.norm(B[:, 1] - B[:, 0]))
    step_tol = xtol * diam
    dedup = dedup_tol if dedup_tol is not None else max(1e-6, 100 * xtol) * diam
    slack = np.maximum(0.5 * (B[:, 1] - B[:, 0]), 1e-12)
    far_lo, far_hi = B[:, 0] - slack, B[:, 1] + slack

    ev = _Evaluator(f, d)
    G = ev.grad(X)
    with np.errstate(all="ignore"):
        vals = np.array([float(np.asarray(f(x))) for x in X])
    gtol = np.array([grad_tol if grad_tol is not None else 1e-8 * max(1.0, abs(v)) for v in vals])
    phi = 0.5 * np.sum(G**2, axis=1)
    history = np.repeat(phi[:, None], _MEMORY, axis=1)  # recent merit values (non-monotone search)
    alive = np.isfinite(phi)
    done = np.zeros(n_total, dtype=bool)
    last_step = np.full(n_total, np.inf)
    iters = 0
    for it in range(int(max_iter)):
        act = np.flatnonzero(alive & ~done)
        if act.size == 0:
            break
        iters = it + 1
        H = ev.hess(X[act])
        finite = np.all(np.isfinite(H), axis=(1, 2))
        alive[act[~finite]] = False
        act, H = act[finite], H[finite]
        if act.size == 0:
            break
        P, slope = _newton_steps(G[act], H)
        alpha = np.ones(act.size)
        pending = np.ones(act.size, dtype=bool)
        Xn, Gn, phin = X[act].copy(), G[act].copy(), phi[act].copy()
        for _ in range(40):
            idx = np.flatnonzero(pending)
            if idx.size == 0:
                break
            trial = X[act[idx]] + alpha[idx, None] * P[idx]
            with np.errstate(all="ignore"):
                Gt = ev.grad(trial)
            pt = 0.5 * np.sum(Gt**2, axis=1)
            ref = np.max(history[act[idx]], axis=1)
            ok = np.isfinite(pt) & (pt <= ref + 1e-4 * alpha[idx] * slope[idx])
            acc = idx[ok]
            Xn[acc], Gn[acc], phin[acc] = trial[ok], Gt[ok], pt[ok]
            pending[acc] = False
            alpha[idx[~ok]] *= 0.5
        stalled = pending  # no acceptable step: Newton cannot make progress here
        steps = np.linalg.norm(Xn - X[act], axis=1)
        X[act], G[act], phi[act] = Xn, Gn, phin
        history[act, it % _MEMORY] = phin
        last_step[act] = np.where(stalled, 0.0, steps)
        gn = np.sqrt(2.0 * phi[act])
        small_g = gn <= gtol[act]
        exact = phi[act] == 0.0
        done[act] = (small_g & (last_step[act] <= step_tol)) | exact | (stalled & small_g)
        alive[act[stalled & ~small_g]] = False
        outside = np.any((X[act] < far_lo) | (X[act] > far_hi), axis=1)
        alive[act[outside]] = False
    gnorm = np.sqrt(2.0 * phi)
    if grad_tol is None:  # the default threshold scales with |f| at the point reached
        with np.errstate(all="ignore"):
            final = np.array([float(np.asarray(f(x))) if a else np.nan for x, a in zip(X, alive)])
        gtol = np.where(np.isfinite(final), 1e-8 * np.maximum(1.0, np.abs(final)), gtol)
    converged = alive & np.isfinite(gnorm) & (gnorm <= gtol)
    inside = np.all((X >= B[:, 0] - 1e-9 * diam) & (X <= B[:, 1] + 1e-9 * diam), axis=1)
    n_outside = int(np.sum(converged & ~inside))
    keep = np.flatnonzero(converged & inside)
    # deduplicate: best (smallest gradient) representative first
    reps: list[int] = []
    hits: list[int] = []
    for i in keep[np.argsort(gnorm[keep], kind="stable")]:
        for r, j in enumerate(reps):
            if np.linalg.norm(X[i] - X[j]) <= dedup:
                hits[r] += 1
                break
        else:
            reps.append(int(i))
            hits.append(1)
    points = []
    for i, h in zip(reps, hits):
        if classify:
            rep = curvature(f, X[i], grad_tol=float(gtol[i]), seed=seed, **classify_options)
            points.append(CriticalPoint.from_report(rep, n_hits=h))
        else:
            v = float(np.asarray(f(X[i])))
            points.append(
                CriticalPoint(X[i].copy(), v, "unclassified", "inconclusive", float(gnorm[i]), np.array([]),
                              False, False, "classify=False", h)
            )
    points.sort(key=lambda p: (float(f"{p.value:.10e}"), tuple(np.round(p.x, 9))))
    counts = {k: sum(p.kind == k for p in points) for k in ("minimum", "maximum", "saddle", "inconclusive")}
    return CriticalPointsResult(
        points=points,
        counts=counts,
        bounds=B,
        n_starts=n_total,
        n_converged=int(keep.size),
        n_outside=n_outside,
        n_failed=int(n_total - np.sum(converged)),
        n_iterations=iters,
    )
