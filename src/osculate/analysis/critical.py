"""Critical points in a box: multi-start Newton on ``∇f = 0`` from a
space-filling design, deduplicated, classified, with a coverage report.

**Starts.**  By default a scrambled Sobol' sequence (``scipy.stats.qmc``,
seeded) of ``n_starts`` points fills the box; its default size grows with the
dimension ``d``: ``512 d`` rounded up to a power of two, at most 4096
(``default_budget(d)``).  ``starts="halton"``, ``"random"`` (uniform) and
``"grid"`` (cell centres) are the alternatives.

**Newton on the gradient.**  Every start runs Newton's method on the
gradient equation with a non-monotone backtracking line search on the merit
function ``½‖∇f‖²`` (Armijo's condition against the largest of the last 10
merit values, which lets Newton follow curved valleys such as Rosenbrock's):
the step solves ``H p = -∇f`` (pseudo-inverse on the non-singular part of
``H``), so it is attracted to minima, maxima and saddles alike -- which is
what is wanted here, unlike in minimisation.  When the Newton step is not a
descent direction for the merit function (singular Hessian), a
Levenberg-Marquardt step ``-(H² + μI)⁻¹ H ∇f`` is used instead.  All starts
advance in lock-step and their gradients and Hessians are evaluated in one
batched (``vmap``) call per iteration; a function that cannot be batched is
evaluated start by start.  The points reached are deduplicated (points
closer than ``dedup_tol`` are one) and classified by the dense analysis of
:func:`~osculate.analysis.curvature`, fed with batched derivatives.

**Coverage.**  A multistart search never proves that it found every
critical point: a point whose Newton basin covers a small share of the box
is missed by chance.  :class:`CriticalPointSearch` reports what was done
(``n_starts``, ``n_converged``, ``n_repeats`` -- starts that reached an
already known point) and sets ``complete=True`` only when

1. every distinct point was reached by at least two starts, so the
   Good-Turing estimate of the chance that one more start reaches an unseen
   point, ``f₁ / n_starts`` (``f₁``: points reached once), is zero;
2. no start ran out of iterations (``max_iter``) before converging;
3. no point found lies on a curve or surface of critical points (such a set
   has infinitely many points; the search returns samples of it);
4. at least one start converged to a critical point in the box.

So ``complete=True`` means: with this budget the search saw no sign of
points it missed; a point whose basin is smaller than about
``1 / n_starts`` of the box can still be missing.  Otherwise ``note`` says
which conditions failed, with the Good-Turing and Chao1 estimates, and a
``UserWarning`` carries the same note.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..ad.batching import vmap
from ..ad import numpy as osc_np
from ..ad.transforms import grad, hessian, jacfwd
from ..sparse._staging import Staging
from ._taylor import line_series_points
from ._util import as_point
from .constrained import classify_constrained, constraint_function
from .curvature import curvature, dense_report
from .error_model import EPS, SAFETY, eigenvalue_error
from .higher_order import near_candidate
from .results import CriticalPoint, CriticalPointSearch, CriticalPointsResult

__all__ = [
    "CriticalPointSearch", "CriticalPointsResult", "find_critical_points", "find_constrained_critical_points",
    "default_budget",
]

_MAX_BUDGET = 4096


def default_budget(d: int) -> int:
    """Default number of starts in ``d`` dimensions: ``512 d`` rounded up to a
    power of two, at most 4096 (a Sobol' design is balanced at powers of two).

    >>> [default_budget(d) for d in (1, 2, 3, 10)]
    [512, 1024, 2048, 4096]
    """
    return int(min(_MAX_BUDGET, 2 ** math.ceil(math.log2(512 * max(1, int(d))))))


# --------------------------------------------------------------------------- batched evaluation


def _bucket(k: int, largest: int) -> int:
    """The batch size a staged batched evaluation of ``k`` points runs at:
    the smallest of 64, 256, 1024... that holds them, but no more than the
    largest batch of the search, so that the shrinking sets of active starts
    reuse a handful of staged programs (measured: powers of two stage too
    often for a short search, powers of sixteen waste work).

    >>> [_bucket(k, 1025) for k in (1, 64, 65, 300, 1024, 1025)]
    [64, 64, 256, 1024, 1024, 1025]
    """
    size = 64
    while size < k:
        size *= 4
    return max(int(k), min(size, int(largest)))


class _Evaluator:
    """Values, gradients and Hessians of ``f`` at many points: one ``vmap``
    call when ``f`` can be batched, a loop otherwise.  With staging
    (``jit``), each derivative is staged once per batch size (batches are
    padded to :func:`_bucket` sizes) or, point by point, once."""

    largest = 0  # the largest batch evaluated so far

    def __init__(self, f, d: int, jit="auto"):
        self.f, self.d = f, d
        self._eg, self._eh = grad(f), hessian(f)
        self._ebf, self._ebg, self._ebh = vmap(f), vmap(self._eg), vmap(self._eh)
        self.staging = Staging(jit, "find_critical_points")
        wrap = self.staging.wrap
        self._sg, self._sh = wrap(self._eg, "gradient"), wrap(self._eh, "Hessian")
        self._sbf, self._sbg, self._sbh = (wrap(self._ebf, "batched value"), wrap(self._ebg, "batched gradient"),
                                           wrap(self._ebh, "batched Hessian"))
        self.batched: bool | None = None

    # the functions in use: staged while staging is active, else eager
    @property
    def _g(self):
        return self._sg if self.staging.active else self._eg

    @property
    def _h(self):
        return self._sh if self.staging.active else self._eh

    def _padded(self, staged, eager, X):
        k = len(X)
        if not self.staging.active or k == 0:
            return eager(X)
        self.largest = max(self.largest, k)
        size = _bucket(k, self.largest)
        if size != k:
            X = np.concatenate([X, np.repeat(X[-1:], size - k, axis=0)])
        return np.asarray(staged(X))[:k]

    def _bf(self, X):
        return self._padded(self._sbf, self._ebf, X)

    def _bg(self, X):
        return self._padded(self._sbg, self._ebg, X)

    def _bh(self, X):
        return self._padded(self._sbh, self._ebh, X)

    def _loop(self, fn, X, shape):
        return np.array([np.asarray(fn(x), dtype=np.float64).reshape(shape) for x in X])

    def _decide(self, X):
        """Batch if ``vmap`` works and agrees with the unbatched result."""
        try:
            G = np.asarray(self._ebg(X[:2]), dtype=np.float64)
            ok = G.shape == (min(2, len(X)), self.d)
        except Exception:  # noqa: BLE001 - any failure to batch means: evaluate point by point
            ok = False
        if ok:
            ref = self._loop(self._eg, X[:2], (self.d,))
            ok = bool(np.allclose(G, ref, rtol=1e-10, atol=0.0, equal_nan=True))
        self.batched = ok

    def value(self, X: np.ndarray) -> np.ndarray:
        if self.batched is None:
            self._decide(X)
        if self.batched:
            try:
                V = np.asarray(self._bf(X), dtype=np.float64)
            except Exception:  # noqa: BLE001 - a gradient that batches with a value that does not
                V = None
            if V is not None and V.shape == (len(X),):
                return V
        return np.array([float(np.asarray(self.f(x), dtype=np.float64).reshape(())) for x in X])

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


# --------------------------------------------------------------------------- starts


_DESIGNS = ("sobol", "halton", "random", "grid")


def _qmc_sampler(kind: str, d: int, seed: int):
    from scipy.stats import qmc

    cls = qmc.Sobol if kind == "sobol" else qmc.Halton
    try:
        return cls(d, scramble=True, rng=np.random.default_rng(seed))
    except TypeError:  # SciPy < 1.15 names the generator ``seed``
        return cls(d, scramble=True, seed=np.random.default_rng(seed))


def _starts(bounds: np.ndarray, n_starts: int, starts: str, seed: int) -> np.ndarray:
    lo, hi = bounds[:, 0], bounds[:, 1]
    d = bounds.shape[0]
    if starts == "grid":
        m = max(2, int(round(n_starts ** (1.0 / d))))
        if m**d > 100_000:
            raise ValueError(
                f"a grid of {m}^{d} = {m ** d} starts is too large; use starts='sobol' in {d} dimensions"
            )
        axes = [lo[i] + (np.arange(m) + 0.5) * (hi[i] - lo[i]) / m for i in range(d)]
        return np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, d)
    if starts == "random":
        rng = np.random.default_rng(seed)
        return lo + rng.random((int(n_starts), d)) * (hi - lo)
    if starts in ("sobol", "halton"):
        sampler = _qmc_sampler(starts, d, seed)
        if starts == "sobol":  # balanced at powers of two: draw 2^m, keep the first n
            U = sampler.random_base2(max(0, math.ceil(math.log2(int(n_starts)))))[: int(n_starts)]
        else:
            U = sampler.random(int(n_starts))
        return lo + U * (hi - lo)
    raise ValueError(f"starts must be one of {', '.join(map(repr, _DESIGNS))}, got {starts!r}")


# --------------------------------------------------------------------------- Newton on the gradient


_MEMORY = 10  # merit values remembered by the non-monotone line search


def _newton_steps(G: np.ndarray, H: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pseudo-inverse Newton steps, the merit slopes ``(H G)·p`` and ``max|λ(H)|``."""
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
    return P, slope, scale[:, 0]


def _deduplicate(X: np.ndarray, order: np.ndarray, radius: float) -> tuple[list[int], list[int]]:
    """Greedy clustering in the given order: each point not yet claimed
    becomes a representative and claims every unclaimed point within
    ``radius``.  Returns the representatives and their hit counts."""
    from scipy.spatial import cKDTree

    if order.size == 0:
        return [], []
    tree = cKDTree(X[order])
    claimed = np.zeros(order.size, dtype=bool)
    reps: list[int] = []
    hits: list[int] = []
    for pos in range(order.size):
        if claimed[pos]:
            continue
        near = np.asarray(tree.query_ball_point(X[order[pos]], radius), dtype=int)
        near = near[~claimed[near]]
        claimed[near] = True
        claimed[pos] = True
        reps.append(int(order[pos]))
        hits.append(int(max(near.size, 1)))
    return reps, hits


_DENSE_OPTIONS = {"rtol", "tol", "grad_tol", "higher_order", "max_order", "n_directions", "seed"}


def _classify(f, ev: _Evaluator, X: np.ndarray, gtol: np.ndarray, hits: list[int], seed: int,
              options: dict) -> list[CriticalPoint]:
    """Classify the representatives: batched value, gradient, Hessian and the
    Hessians at ``x (1 ± η)`` (the eigenvalues' rounding-error estimate), then
    the dense analysis of :func:`curvature` point by point."""
    d = X.shape[1]
    batched_ok = set(options) <= _DENSE_OPTIONS and d <= 500
    points = []
    if not batched_ok or len(X) == 0:
        for x, gt, h in zip(X, gtol, hits):
            rep = curvature(f, x, grad_tol=float(gt), seed=seed, **options)
            points.append(CriticalPoint.from_report(rep, n_hits=h))
        return points
    eta = 2.0**-20
    with np.errstate(all="ignore"):
        V = ev.value(X)
        G = ev.grad(X)
        H = ev.hess(X)
        D3 = (ev.hess(X * (1 + eta)) - ev.hess(X * (1 - eta))) / (2 * eta)
    lam, U = np.linalg.eigh(H)
    n_points = len(X)
    thirds = np.zeros(n_points)
    for i in range(n_points):
        if np.any(X[i]) and np.all(np.isfinite(D3[i])):
            thirds[i] = float(np.linalg.norm(D3[i], 2))
    rtol, tol = options.get("rtol", 1e-8), options.get("tol")
    max_order = int(options.get("max_order", 6))
    # the near-degeneracy check's first line series, batched over the points
    first: list = [None] * n_points
    order = max(3, max_order) + 1
    cand = []
    for i in range(n_points):
        if np.all(np.isfinite(H[i])) and np.any(G[i]):
            hnorm = float(np.max(np.abs(lam[i])))
            c = near_candidate(lam[i], rtol, tol, eigenvalue_error(d, hnorm, thirds[i]))
            if c is not None:
                cand.append((i, c))
    if cand and options.get("higher_order", True):
        idx = np.array([i for i, _ in cand])
        dirs = np.stack([U[i][:, c] for i, c in cand])
        lines = line_series_points(f, X[idx], dirs, order) if ev.batched else None
        if lines is not None:
            for (i, c), row in zip(cand, lines):
                first[i] = (c, row)
    opts = dict(rtol=rtol, tol=tol, higher_order=options.get("higher_order", True),
                max_order=max_order, n_directions=options.get("n_directions", 24),
                seed=options.get("seed", seed))
    for i, (x, gt, h) in enumerate(zip(X, gtol, hits)):
        if not (np.isfinite(V[i]) and np.all(np.isfinite(H[i])) and np.all(np.isfinite(G[i]))):
            rep = curvature(f, x, grad_tol=float(gt), **opts)
        else:
            with np.errstate(all="ignore"):
                rep = dense_report(f, x.copy(), float(V[i]), G[i], H[i], thirds[i], grad_tol=float(gt),
                                    eig=(lam[i], U[i]), near_first=first[i], **opts)
        points.append(CriticalPoint.from_report(rep, n_hits=h))
    return points


def _coverage(points, n_total, n_converged, n_exhausted) -> tuple[bool, str]:
    """``complete`` and ``note`` (see the module documentation)."""
    reasons = []
    if n_converged == 0:
        reasons.append("no start converged to a critical point in the box (there may be none, or Newton failed "
                       "from every start)")
    nonisol = [p for p in points if getattr(p, "non_isolated", False)]
    if nonisol:
        reasons.append(
            f"{len(nonisol)} of the points found lie on curves or surfaces of critical points (non-isolated): "
            "the search returns samples of those sets, not all their points"
        )
    isolated = [p for p in points if not getattr(p, "non_isolated", False)]
    S = len(isolated)
    f1 = sum(p.n_hits == 1 for p in isolated)
    f2 = sum(p.n_hits == 2 for p in isolated)
    if f1:
        chao = S + (f1 * f1 / (2.0 * f2) if f2 else f1 * (f1 - 1) / 2.0)
        reasons.append(
            f"{f1} of the {S} {'isolated ' if nonisol else ''}points were reached by a single start: the "
            f"Good-Turing estimate of the chance that one more start reaches an unseen critical point is "
            f"{100.0 * f1 / n_total:.2g}%, and the Chao1 estimate of the number of critical points is about {chao:.0f}; "
            f"raise n_starts (now {n_total})"
        )
    if n_exhausted:
        reasons.append(f"{n_exhausted} start(s) used all max_iter iterations without converging")
    if not reasons:
        return True, ""
    return False, "the search cannot claim to have found every critical point in the box: " + "; ".join(reasons)


def find_critical_points(
    f,
    bounds,
    *,
    n_starts: int | None = None,
    starts: str = "sobol",
    x0=None,
    seed: int = 0,
    max_iter: int = 200,
    grad_tol: float | None = None,
    xtol: float = 1e-10,
    dedup_tol: float | None = None,
    classify: bool = True,
    jit="auto",
    subject_to=None,
    **classify_options: Any,
) -> CriticalPointSearch:
    """Find and classify the critical points of ``f`` in a box, and say how
    completely the box was searched.

    Parameters
    ----------
    f : callable
        Scalar function of a 1-D array of length ``d``.
    bounds : array_like, shape (d, 2)
        ``[(lo_1, hi_1), ..., (lo_d, hi_d)]``.
    n_starts : int, optional
        Number of starting points; default :func:`default_budget` ``(d)``
        (``512 d`` rounded up to a power of two, at most 4096).  A grid uses
        ``round(n_starts^(1/d))`` cell centres per axis.
    starts : {"sobol", "halton", "random", "grid"}, default "sobol"
        Scrambled Sobol' or Halton sequence (seeded, ``scipy.stats.qmc``),
        seeded uniform random points, or a cell-centred grid.
    x0 : array_like, shape (m, d), optional
        Extra starting points.
    seed : int, default 0
        Seed of the starts and of the classification's sampled directions.
    max_iter : int, default 200
        Newton iterations per start (degenerate critical points converge
        only linearly and use the most).
    grad_tol : float, optional
        A point is critical when ``‖∇f‖ <= grad_tol``; default as in
        :func:`curvature`: ``max(1e-8 * max(1, |f|), C ε ‖H‖ ‖x‖)``.
    xtol : float, default 1e-10
        A run stops when its step is below ``xtol`` times the box diameter
        (and the gradient is small).
    dedup_tol : float, optional
        Points closer than this are one point (default ``1e-6`` times the
        box diameter, at least ``100 * xtol`` times it).
    classify : bool, default True
        Classify each point as :func:`curvature` does (otherwise ``kind`` is
        ``"inconclusive"`` and ``classification`` ``"unclassified"``).
    jit : {"auto", True, False}, default "auto"
        How the Newton iterations' gradients and Hessians are evaluated.
        ``"auto"``: staged with :func:`osculate.jit` (once per batch size:
        the active starts are padded to 64, 256, 1024... points) and replayed at
        every iteration; if staging fails (value-dependent Python control
        flow in ``f`` raises :class:`~osculate.ConcretizationError`) and
        eager evaluation does not, the rest of the search is eager and
        ``result.staging_note`` says why.  ``True``: staged, a staging
        error propagates.  ``False``: eager.
    subject_to : callable or list of callables, optional
        Equality constraints ``c(x) = 0`` (as ``eq`` of
        :func:`~osculate.analysis.classify_constrained`): the search is then
        for the critical points of ``f`` on the constraint set, by Newton on
        the Lagrange system ``∇f = Aᵀλ, c(x) = 0`` in ``(x, λ)`` (see
        :func:`find_constrained_critical_points`), and the points are
        :class:`~osculate.analysis.ConstrainedPoint` objects.
    **classify_options
        Passed to :func:`curvature` (``rtol``, ``max_order``...), or to
        :func:`~osculate.analysis.classify_constrained` with ``subject_to``.

    Returns
    -------
    CriticalPointSearch
        A list of the distinct points with the coverage (``n_starts``,
        ``n_converged``, ``n_repeats``, ``complete``, ``note``...).  When
        ``complete`` is False a ``UserWarning`` repeats the note.

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
    >>> res.n_starts, res.complete, res.n_repeats == res.n_converged - 9
    (1024, True, True)
    """
    if subject_to is not None:
        return find_constrained_critical_points(
            f, bounds, subject_to, n_starts=n_starts, starts=starts, x0=x0, seed=seed, max_iter=max_iter,
            grad_tol=grad_tol, xtol=xtol, dedup_tol=dedup_tol, classify=classify, jit=jit, _stacklevel=3,
            **classify_options)
    B, n_starts = _check_box(bounds, n_starts, starts)
    d = B.shape[0]
    X = _starts(B, int(n_starts), starts, seed)
    if x0 is not None:
        extra = as_point(x0, "x0").reshape(-1, d)
        X = np.concatenate([X, extra])
    result = _search(f, B, X, max_iter, grad_tol, xtol, dedup_tol, jit)
    points = _classify_found(f, result, seed, classify, classify_options)
    return _finish(f, points, result, starts, 2)


def _check_box(bounds, n_starts, starts):
    """The box as a ``(d, 2)`` array and the number of starts, checked."""
    B = as_point(bounds, "bounds")
    if B.ndim == 1 and B.size == 2:
        B = B.reshape(1, 2)
    if B.ndim != 2 or B.shape[1] != 2:
        raise ValueError(f"bounds must have shape (d, 2): one (lo, hi) pair per coordinate, got shape {B.shape}")
    if np.any(B[:, 1] <= B[:, 0]):
        i = int(np.flatnonzero(B[:, 1] <= B[:, 0])[0])
        raise ValueError(f"bounds[{i}] = ({B[i, 0]:g}, {B[i, 1]:g}) is empty: lo must be below hi")
    d = B.shape[0]
    if n_starts is None:
        n_starts = default_budget(d)
    if (isinstance(n_starts, bool) or not isinstance(n_starts, (int, float, np.integer, np.floating))
            or not float(n_starts).is_integer() or n_starts < 1):
        raise ValueError(f"n_starts must be a positive integer, got {n_starts!r}")
    n_starts = int(n_starts)
    if starts not in _DESIGNS:
        raise ValueError(f"starts must be one of {', '.join(map(repr, _DESIGNS))}, got {starts!r}")
    return B, n_starts


def _search(f, B, X, max_iter, grad_tol, xtol, dedup_tol, jit) -> dict:
    """Newton on ``∇f = 0`` from the rows of ``X``: the distinct points
    reached in the box ``B`` and the counts of the coverage report."""
    d = B.shape[0]
    n_total = len(X)
    diam = float(np.linalg.norm(B[:, 1] - B[:, 0]))
    step_tol = xtol * diam
    dedup = dedup_tol if dedup_tol is not None else max(1e-6, 100 * xtol) * diam
    slack = np.maximum(0.5 * (B[:, 1] - B[:, 0]), 1e-12)
    far_lo, far_hi = B[:, 0] - slack, B[:, 1] + slack

    ev = _Evaluator(f, d, jit)
    G = ev.grad(X)
    with np.errstate(all="ignore"):
        vals = ev.value(X)
    gtol0 = np.array([grad_tol if grad_tol is not None else 1e-8 * max(1.0, abs(v)) for v in vals])
    floor = np.zeros(n_total)  # rounding level of the gradient, C ε ‖H‖ ‖x‖ (default grad_tol only)
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
        P, slope, hscale = _newton_steps(G[act], H)
        if grad_tol is None:
            floor[act] = SAFETY * EPS * hscale * np.linalg.norm(X[act], axis=1)
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
        small_g = gn <= np.maximum(gtol0[act], floor[act])
        exact = phi[act] == 0.0
        done[act] = (small_g & (last_step[act] <= step_tol)) | exact | (stalled & small_g)
        alive[act[stalled & ~small_g]] = False
        outside = np.any((X[act] < far_lo) | (X[act] > far_hi), axis=1)
        alive[act[outside]] = False
    gnorm = np.sqrt(2.0 * phi)
    if grad_tol is None:  # the default threshold scales with |f| at the point reached
        with np.errstate(all="ignore"):
            final = np.full(n_total, np.nan)
            if np.any(alive):
                final[alive] = ev.value(X[alive])
        gtol = np.where(np.isfinite(final), 1e-8 * np.maximum(1.0, np.abs(final)), gtol0)
        gtol = np.maximum(gtol, floor)
    else:
        gtol = gtol0
    converged = alive & np.isfinite(gnorm) & (gnorm <= gtol)
    exhausted = alive & ~done & ~converged
    inside = np.all((X >= B[:, 0] - 1e-9 * diam) & (X <= B[:, 1] + 1e-9 * diam), axis=1)
    n_outside = int(np.sum(converged & ~inside))
    keep = np.flatnonzero(converged & inside)
    # deduplicate: best (smallest gradient) representative first
    reps, hits = _deduplicate(X, keep[np.argsort(gnorm[keep], kind="stable")], dedup)
    R = X[reps] if reps else np.zeros((0, d))
    return dict(ev=ev, R=R, reps=reps, hits=hits, gtol=gtol, gnorm=gnorm, bounds=B, n_starts=n_total,
                n_converged=int(keep.size), n_outside=n_outside, n_failed=int(n_total - np.sum(converged)),
                n_exhausted=int(np.sum(exhausted)), n_iterations=iters)


def _classify_found(f, found: dict, seed, classify, classify_options) -> list:
    """The points of a :func:`_search`, classified or not."""
    ev, R, reps, hits, gtol, gnorm = (found[k] for k in ("ev", "R", "reps", "hits", "gtol", "gnorm"))
    if classify:
        return _classify(f, ev, R, gtol[reps], hits, seed, classify_options)
    vr = ev.value(R) if len(R) else np.zeros(0)
    return [
        CriticalPoint(R[j].copy(), float(vr[j]), "unclassified", "inconclusive", float(gnorm[i]), np.array([]),
                      False, False, "classify=False", h)
        for j, (i, h) in enumerate(zip(reps, hits))
    ]


def _finish(f, points, found: dict, design, stacklevel, extra_note="") -> CriticalPointSearch:
    """Sort the points, judge the coverage, warn when it is not complete."""
    points.sort(key=lambda p: (float(f"{p.value:.10e}"), tuple(np.round(p.x, 9))))
    complete, note = _coverage(points, found["n_starts"], found["n_converged"], found["n_exhausted"])
    if extra_note:
        complete = False
        note = (note + "; " if note else "the search cannot claim to have found every critical point in the box: ") \
            + extra_note
    result = CriticalPointSearch(
        points,
        bounds=found["bounds"],
        design=design,
        n_starts=found["n_starts"],
        n_converged=found["n_converged"],
        n_outside=found["n_outside"],
        n_failed=found["n_failed"],
        n_exhausted=found["n_exhausted"],
        n_iterations=found["n_iterations"],
        complete=complete,
        note=note,
        staging_note=found["ev"].staging.note,
    )
    if not complete:
        warnings.warn(note, UserWarning, stacklevel=stacklevel + 1)
    return result


# --------------------------------------------------------------------------- on a constraint set


_MULTIPLIER_MARGIN = 4.0  # the multipliers' box: this many times the largest least-squares multiplier seen
_MAX_HIGHER_ORDER_POINTS = 32  # degenerate points of one search given the (costly) higher-order test


def _least_squares_multipliers(f, c, X: np.ndarray, m: int) -> np.ndarray:
    """``λ(x)`` minimising ``‖∇f(x) - A(x)ᵀλ‖`` at every row of ``X`` (NaN
    where the derivatives are not finite): batched when possible."""
    d = X.shape[1]
    with np.errstate(all="ignore"):
        try:
            G = np.asarray(vmap(grad(f))(X), dtype=np.float64).reshape(len(X), d)
            A = np.asarray(vmap(jacfwd(c))(X), dtype=np.float64).reshape(len(X), m, d)
        except Exception:  # noqa: BLE001 - any failure to batch means: point by point
            G = np.array([np.asarray(grad(f)(x), dtype=np.float64).reshape(d) for x in X])
            A = np.array([np.asarray(jacfwd(c)(x), dtype=np.float64).reshape(m, d) for x in X])
    lam = np.full((len(X), m), np.nan)
    ok = np.all(np.isfinite(G), axis=1) & np.all(np.isfinite(A), axis=(1, 2))
    if np.any(ok):
        lam[ok] = np.einsum("kij,kj->ki", np.linalg.pinv(np.transpose(A[ok], (0, 2, 1)), rcond=1e-12), G[ok])
    return lam


_PROJECTION_STEPS = 30


def _project(c, X: np.ndarray, m: int) -> tuple[np.ndarray, float]:
    """The starts moved towards the constraint set by minimum-norm Newton
    steps ``x <- x - A⁺c(x)`` (Gauss-Newton on ``½‖c‖²``, batched); a start
    where a step is not finite keeps its last finite position.  Also returns
    the smallest ``‖c(x)‖`` reached (``inf`` if ``c`` is nowhere finite)."""
    d = X.shape[1]
    X = X.copy()
    cb, jb = vmap(c), vmap(jacfwd(c))
    best = math.inf
    for _ in range(_PROJECTION_STEPS + 1):
        with np.errstate(all="ignore"):
            try:
                C = np.asarray(cb(X), dtype=np.float64).reshape(len(X), m)
                A = np.asarray(jb(X), dtype=np.float64).reshape(len(X), m, d)
            except Exception:  # noqa: BLE001 - any failure to batch means: point by point
                C = np.array([np.asarray(c(x), dtype=np.float64).reshape(m) for x in X])
                A = np.array([np.asarray(jacfwd(c)(x), dtype=np.float64).reshape(m, d) for x in X])
        ok = np.all(np.isfinite(C), axis=1) & np.all(np.isfinite(A), axis=(1, 2))
        if not np.any(ok):
            break
        best = float(np.min(np.linalg.norm(C[ok], axis=1)))
        if best == 0.0 and np.max(np.abs(C[ok])) == 0.0:
            break
        step = np.einsum("kij,kj->ki", np.linalg.pinv(A[ok], rcond=1e-10), C[ok])
        good = np.all(np.isfinite(step), axis=1)
        idx = np.flatnonzero(ok)[good]
        X[idx] -= step[good]
    return X, best


def find_constrained_critical_points(
    f,
    bounds,
    subject_to,
    *,
    n_starts: int | None = None,
    starts: str = "sobol",
    x0=None,
    seed: int = 0,
    max_iter: int = 200,
    grad_tol: float | None = None,
    xtol: float = 1e-10,
    dedup_tol: float | None = None,
    classify: bool = True,
    jit="auto",
    _stacklevel: int = 2,
    **classify_options: Any,
) -> CriticalPointSearch:
    """Find and classify the critical points of ``f`` on the constraint set
    ``c(x) = 0`` in a box (``find_critical_points(f, bounds, subject_to=c)``).

    The Lagrange conditions ``∇f(x) = A(x)ᵀλ, c(x) = 0`` are the critical
    points of ``Φ(x, λ) = f(x) - λᵀc(x)`` in ``(x, λ)``, whose Hessian is the
    bordered matrix ``[[∇²L, -Aᵀ], [-A, 0]]``: the search of
    :func:`find_critical_points` runs on ``Φ`` (the same multi-start Newton,
    batched and staged, with the exact Hessian of the Lagrangian and the
    constraint Jacobian from the engine), each start ``x`` paired with its
    least-squares multipliers (``grad_tol``: the tolerance of ``‖∇Φ‖``, and
    the stationarity tolerance of the classification).  The multipliers' box is ``±(4 max|λ(x)| + 1)``
    over the starts (a point whose multiplier falls outside is dropped and
    counted in ``n_outside``).  Every distinct point is classified by
    :func:`~osculate.analysis.classify_constrained`; the higher-order test
    runs at the 32 most reached degenerate points only (a curve of critical
    points gives a new point per start; the others say so in ``reason``).  Infeasible or
    inconsistent constraints give an empty result (no start converges) whose
    ``note`` says so, never a point.

    Returns
    -------
    CriticalPointSearch
        Of :class:`~osculate.analysis.ConstrainedPoint` objects (sorted by value).

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.analysis import find_critical_points
    >>> res = find_critical_points(lambda x: x[0] * x[1], [(-2, 2), (-2, 2)],
    ...                            subject_to=lambda x: x[0] ** 2 + x[1] ** 2 - 1)
    >>> [(p.classification, round(p.value, 12), p.certified) for p in res]  # doctest: +NORMALIZE_WHITESPACE
    [('strict constrained local minimum', -0.5, True), ('strict constrained local minimum', -0.5, True),
     ('strict constrained local maximum', 0.5, True), ('strict constrained local maximum', 0.5, True)]
    >>> res.complete, res.counts
    (True, {'minimum': 2, 'maximum': 2, 'saddle': 0, 'inconclusive': 0})
    """
    B, n_starts = _check_box(bounds, n_starts, starts)
    d = B.shape[0]
    c, parts = constraint_function(subject_to)
    X = _starts(B, int(n_starts), starts, seed)
    if x0 is not None:
        X = np.concatenate([X, as_point(x0, "x0").reshape(-1, d)])
    m = None
    for x in X:  # the number of constraint components, at the first start where c is finite
        with np.errstate(all="ignore"):
            v = np.asarray(c(x), dtype=np.float64).reshape(-1)
        if np.all(np.isfinite(v)):
            m = v.size
            break
    if m is None:
        raise ValueError("the constraints are not finite at any starting point in the box")
    X, closest = _project(c, X, m)
    lam = _least_squares_multipliers(f, c, X, m)
    finite = np.all(np.isfinite(lam), axis=1)
    top = np.max(np.abs(lam[finite]), axis=0) if np.any(finite) else np.zeros(m)
    span = _MULTIPLIER_MARGIN * top + 1.0
    lam = np.where(np.isfinite(lam), np.clip(lam, -span, span), 0.0)
    W = np.concatenate([X, lam], axis=1)
    BW = np.concatenate([B, np.stack([-span, span], axis=1)])

    def lagrangian(w):
        return f(w[:d]) - w[d:] @ c(w[:d])

    found = _search(lagrangian, BW, W, max_iter, grad_tol, xtol, dedup_tol, jit)
    if grad_tol is not None:
        classify_options.setdefault("stationarity_tol", grad_tol)
    points: list = []
    higher = classify_options.pop("higher_order", True)
    n_higher = 0
    order = np.argsort(-np.asarray(found["hits"], dtype=int), kind="stable")  # most-reached points first
    for idx in order:
        w, h = found["R"][idx], found["hits"][idx]
        x = w[:d].copy()
        if classify:
            p = classify_constrained(f, x, parts, seed=seed, higher_order=False, **classify_options)
            if p.degenerate and p.licq and higher and p.kind == "inconclusive":
                if n_higher < _MAX_HIGHER_ORDER_POINTS:
                    p = classify_constrained(f, x, parts, seed=seed, higher_order=True, **classify_options)
                    n_higher += 1
                else:
                    p.reason += (f" (the search runs the higher-order test on its {_MAX_HIGHER_ORDER_POINTS} most "
                                 "reached degenerate points only: classify this one with classify_constrained)")
            p.n_hits = int(h)
        else:
            with np.errstate(all="ignore"):
                v = float(np.asarray(f(x), dtype=np.float64))
            p = CriticalPoint(x, v, "unclassified", "inconclusive", 0.0, np.array([]), False, False,
                              "classify=False", int(h))
        points.append(p)
    found["bounds"] = B
    extra = ""
    if not points and closest > 1e-8:
        extra = (f"no feasible point was reached: from every start, Gauss-Newton on the constraints stopped at "
                 f"‖c(x)‖ >= {closest:.3g} (the constraints may be inconsistent, or have no solution in the box)")
    elif found["n_outside"]:
        extra = (f"{found['n_outside']} start(s) converged outside the box (or with a multiplier outside "
                 f"±{float(np.max(span)):.3g})")
    return _finish(f, points, found, starts, _stacklevel, extra)
