"""The eigenvalue density of a symmetric operator by stochastic Lanczos
quadrature: :func:`spectral_density` and its :class:`SpectralDensity`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..formatting import ToDictMixin
from ._checks import Seed, check_dist, make_rng, positive_int, probes
from ._staging import staged_callable
from .krylov import LanczosRun, tridiagonal_eigh
from .symmetric_operator import counted_operator

__all__ = ["SpectralDensity", "spectral_density"]


@dataclass(eq=False)
class SpectralDensity(ToDictMixin):
    """Stochastic Lanczos quadrature estimate of a spectral density.

    Attributes
    ----------
    nodes : ndarray
        Gaussian quadrature nodes (Ritz values) of all probes, ascending.
    weights : ndarray
        Matching weights, each probe's weights divided by the number of
        probes, so that they sum to 1: ``sum(weights * f(nodes))``
        estimates ``tr f(A) / n``.
    grid : ndarray
        Points at which ``density`` is evaluated.
    density : ndarray
        Gaussian-smoothed density ``sum_i weights_i N(t; nodes_i, sigma^2)``
        on ``grid``; integrates to 1 over the default grid.
    sigma : float
        Smoothing width used.
    n_matvec : int
        Operator-vector products used.
    note : str or None
        A one-line note when the products did not run as asked (a staged
        product fell back to eager evaluation, see ``jit``).
    """

    nodes: np.ndarray
    weights: np.ndarray
    grid: np.ndarray
    density: np.ndarray
    sigma: float = float("nan")
    n_matvec: int = 0
    note: str | None = field(default=None, repr=False, metadata={"to_dict": False})

    def mass(self, lo: float, hi: float) -> float:
        """Estimated fraction of eigenvalues in ``[lo, hi]`` (quadrature weight there)."""
        inside = (self.nodes >= lo) & (self.nodes <= hi)
        return float(np.sum(self.weights[inside]))

    def plot(self, ax: Any = None, *, show_nodes: bool = True, **kwargs: Any) -> Any:
        """Plot the smoothed density (and the quadrature nodes as a rug).

        Requires matplotlib.  Extra keyword arguments go to ``ax.plot``.
        Returns the axes.
        """
        try:
            import matplotlib.pyplot as plt
        except ImportError as err:
            raise ImportError(
                "SpectralDensity.plot requires matplotlib; install it with "
                "`pip install matplotlib` (or `pip install 'osculate[cli]'`)"
            ) from err
        if ax is None:
            _, ax = plt.subplots()
        ax.plot(self.grid, self.density, **kwargs)
        if show_nodes and self.nodes.size:
            ax.plot(
                self.nodes,
                np.zeros_like(self.nodes),
                "|",
                color="k",
                alpha=0.5,
                markersize=8,
            )
        ax.set_xlabel("eigenvalue")
        ax.set_ylabel("density")
        return ax

    def __repr__(self) -> str:
        lo = float(self.nodes.min()) if self.nodes.size else float("nan")
        hi = float(self.nodes.max()) if self.nodes.size else float("nan")
        return (
            f"SpectralDensity(n_nodes={self.nodes.size}, range=[{lo:.4g}, {hi:.4g}], "
            f"n_grid={self.grid.size}, sigma={self.sigma:.3g}, n_matvec={self.n_matvec})"
        )


def _gaussian_mixture(grid: np.ndarray, nodes: np.ndarray, weights: np.ndarray, sigma: float) -> np.ndarray:
    out = np.empty(grid.size)
    norm = 1.0 / (sigma * math.sqrt(2.0 * math.pi))
    chunk = max(1, (1 << 22) // max(nodes.size, 1))
    for start in range(0, grid.size, chunk):
        t = grid[start : start + chunk, None]
        out[start : start + chunk] = np.exp(-0.5 * ((t - nodes[None, :]) / sigma) ** 2) @ weights
    return out * norm


def spectral_density(
    A: Any,
    n_probes: int = 10,
    m: int = 30,
    grid: np.ndarray | None = None,
    sigma: float | None = None,
    seed: Seed = 0,
    *,
    n_grid: int = 1000,
    dist: str = "rademacher",
    reorthogonalize: bool = True,
    n: int | None = None,
    check_symmetry: bool = False,
    jit: bool | str = "auto",
) -> SpectralDensity:
    """Eigenvalue density by stochastic Lanczos quadrature (SLQ).

    For each normalised random probe ``v``, ``m`` Lanczos steps give a
    tridiagonal ``T = S diag(theta) S^T``; the nodes ``theta`` and weights
    ``S[0, :]**2`` form an ``m``-point Gauss quadrature for the measure
    ``sum_i (v . u_i)^2 delta(t - lambda_i)``, whose expectation is the
    spectral density ``(1/n) sum_i delta(t - lambda_i)`` (Ubaru, Chen &
    Saad, 2017; Ghorbani, Krishnan & Xiao, 2019).  The quadratures are
    averaged over probes and smoothed with a Gaussian kernel.  All probes
    advance together: each Lanczos step is one block product with
    ``n_probes`` columns.

    Parameters
    ----------
    A : operator
        Symmetric operator: any input of :func:`~osculate.linop.as_symmetric_operator`, with its ``n``, ``check_symmetry``.
    n_probes : int, default 10
        Number of random probes.
    m : int, default 30
        Lanczos steps per probe (capped at ``n``; fewer if a probe's Krylov
        space becomes invariant).  Total cost at most ``n_probes * m``
        products.
    grid : array_like, optional
        Points at which to evaluate the density.  Default: ``n_grid``
        equispaced points from ``min(nodes) - 6 sigma`` to
        ``max(nodes) + 6 sigma``, on which the density integrates to 1 (up
        to ~1e-8).  On a user grid the density is evaluated as is (not
        renormalised).
    sigma : float, optional
        Standard deviation of the Gaussian smoothing kernel.  Default:
        ``0.02 * (max(nodes) - min(nodes))``, i.e. 2 % of the estimated
        spectral width (``0.02 * max(|node|, 1)`` if all nodes coincide).
    seed : int, Generator or None, default 0
        Randomness for the probes.
    n_grid : int, default 1000
        Size of the default grid.
    dist : {"rademacher", "gaussian"}, default "rademacher"
        Probe distribution (probes are normalised to unit length).
    reorthogonalize : bool, default True
        Full reorthogonalisation in Lanczos (stores ``n_probes * m``
        vectors of length ``n``).  Without it only three vectors per probe
        are kept and ghost Ritz values may appear, which barely affects the
        quadrature.
    jit : {"auto", True, False}, default "auto"
        For a plain callable ``A`` (``v -> A v`` with ``n``): ``"auto"``
        stages it once with :func:`osculate.jit` (and its batched form, one
        program for the ``n_probes`` columns of a step) and replays it for
        every product, falling back to eager calls -- with a one-line
        ``note`` on the result -- if staging raises
        :class:`~osculate.ConcretizationError`; ``True`` lets that error
        propagate; ``False`` calls ``A`` eagerly.  Operators and matrices
        are used as they are (:func:`~osculate.hessian_operator` stages its
        own products, see its ``jit``).

    Returns
    -------
    SpectralDensity
        ``nodes``, ``weights`` (summing to 1), ``grid``, ``density`` plus
        ``sigma`` and ``n_matvec``; see also :meth:`SpectralDensity.mass`
        and :meth:`SpectralDensity.plot`.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.diag(np.repeat([-1.0, 2.0], [30, 70]))
    >>> sd = spectral_density(A, n_probes=5, m=10)
    >>> sd.nodes.size, round(float(sd.weights.sum()), 12)   # 2 nodes per probe
    (10, 1.0)
    >>> round(sd.mass(1.5, 2.5), 2)                          # 70 % of eigenvalues are 2
    0.7
    >>> from scipy.integrate import trapezoid
    >>> round(float(trapezoid(sd.density, sd.grid)), 6)
    1.0
    """
    A, holder = staged_callable(A, n, jit, "spectral_density")
    op, n0 = counted_operator(A, n, check_symmetry)
    N = op.shape[0]
    n_probes = positive_int(n_probes, "n_probes")
    m = min(positive_int(m, "m"), N)
    check_dist(dist)
    Z = probes(make_rng(seed), N, n_probes, dist)
    run = LanczosRun(op, Z, m, reorthogonalize=reorthogonalize, store_basis=reorthogonalize).run()
    node_list, weight_list = [], []
    for p in range(n_probes):
        alpha, beta, _ = run.tridiagonal(p)
        theta, S = tridiagonal_eigh(alpha, beta)
        node_list.append(theta)
        weight_list.append(S[0, :] ** 2 / n_probes)
    nodes = np.concatenate(node_list)
    weights = np.concatenate(weight_list)
    order = np.argsort(nodes, kind="stable")
    nodes, weights = nodes[order], weights[order]
    weights /= weights.sum()

    lo, hi = float(nodes[0]), float(nodes[-1])
    if sigma is None:
        width = hi - lo
        if width <= 1e-12 * max(abs(lo), abs(hi), 1.0):
            width = max(abs(lo), abs(hi), 1.0)
        sigma = 0.02 * width
    sigma = float(sigma)
    if not (sigma > 0 and math.isfinite(sigma)):
        raise ValueError(f"sigma must be positive and finite, got {sigma}")
    if grid is None:
        n_grid = positive_int(n_grid, "n_grid", minimum=2)
        grid = np.linspace(lo - 6 * sigma, hi + 6 * sigma, n_grid)
    else:
        grid = np.asarray(grid, dtype=np.float64)
        if grid.ndim != 1 or grid.size == 0:
            raise ValueError("grid must be a non-empty 1-D array")
    density = _gaussian_mixture(grid, nodes, weights, sigma)
    return SpectralDensity(nodes, weights, grid, density, sigma, op.n_matvec - n0, getattr(holder, "note", None))
