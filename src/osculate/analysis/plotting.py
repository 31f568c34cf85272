"""Plots of spectra and of 2-D landscapes with their critical points.

Matplotlib is optional: it is imported inside the functions, and a missing
installation raises ``ImportError`` with the install command.  When a
``path`` is given and no ``ax``, the figure is drawn on a standalone
:class:`matplotlib.figure.Figure` (no pyplot state, no GUI backend needed),
saved with the requested pixel size and released.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..linop.density import SpectralDensity
from ..linop.eigen import EigenResult
from ._util import as_point
from .results import CriticalPoint, CriticalPointSearch, CurvatureReport
from .spectrum import SpectrumReport

__all__ = ["plot_spectrum", "plot_landscape"]

_STYLE = {  # kind -> (marker, face colour, label)
    "minimum": ("o", "#1f77b4", "minimum"),
    "maximum": ("^", "#d62728", "maximum"),
    "saddle": ("X", "#ff7f0e", "saddle"),
    "inconclusive": ("s", "#7f7f7f", "inconclusive"),
    "not critical": ("D", "#9467bd", "not critical"),
}


def _matplotlib():
    try:
        import matplotlib  # noqa: F401
        from matplotlib.figure import Figure
    except ImportError as err:
        raise ImportError(
            "plotting needs matplotlib, which is not installed; install it with "
            "`pip install matplotlib` (or `pip install 'osculate[cli]'`)"
        ) from err
    return Figure


def _new_axes(ax, path, figsize, dpi):
    """(figure, axes, owned): a pyplot figure when shown interactively, a
    standalone Figure when only saved."""
    Figure = _matplotlib()
    if ax is not None:
        return ax.figure, ax, False
    if path is not None:
        fig = Figure(figsize=figsize, dpi=dpi)
        return fig, fig.add_subplot(), True
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(figsize=figsize, dpi=dpi)
    return fig, axes, False


def _finish(fig, path, dpi):
    if path is not None:
        fig.savefig(path, dpi=dpi)


def _spectrum_source(obj: Any):
    """('values', eigenvalues, tolerance, title) or ('density', SpectralDensity, None, title)."""
    if isinstance(obj, SpectralDensity):
        return "density", obj, None, "Spectral density (stochastic Lanczos quadrature)"
    if isinstance(obj, (CurvatureReport, SpectrumReport)):
        which = "all" if obj.method == "dense" else "extreme"
        return "values", np.asarray(obj.eigenvalues), obj.tolerance, f"Hessian spectrum ({which} eigenvalues, n={obj.n})"
    if isinstance(obj, EigenResult):
        return "values", np.asarray(obj.values), None, f"Eigenvalues ({obj.values.size} computed)"
    vals = np.asarray(obj, dtype=np.float64).reshape(-1)
    if vals.size == 0:
        raise ValueError("plot_spectrum: no eigenvalues to plot")
    return "values", vals, None, f"Spectrum ({vals.size} eigenvalues)"


def plot_spectrum(
    result_or_density,
    path=None,
    ax=None,
    *,
    title: str | None = None,
    bins: int | None = None,
    figsize=(6.4, 4.0),
    dpi: int = 100,
):
    """Plot a spectrum: eigenvalues (stems coloured by sign, or a histogram
    when there are many) or a spectral density.

    Parameters
    ----------
    result_or_density : CurvatureReport, SpectrumReport, EigenResult, SpectralDensity or array_like
        What to plot.  Eigenvalues within the report's zero tolerance are
        drawn as zero.
    path : str or path-like, optional
        Save the figure there (PNG, SVG, PDF... by extension).
    ax : matplotlib Axes, optional
        Draw into these axes.
    title : str, optional
        Title (a descriptive default otherwise).
    bins : int, optional
        Histogram bins; by default a histogram is used above 60 eigenvalues.
    figsize, dpi
        Size of a new figure: ``figsize * dpi`` pixels.

    Returns
    -------
    matplotlib.axes.Axes
    """
    kind, data, tol, default_title = _spectrum_source(result_or_density)
    fig, axes, _ = _new_axes(ax, path, figsize, dpi)
    if kind == "density":
        axes.fill_between(data.grid, data.density, color="#1f77b4", alpha=0.25, linewidth=0)
        axes.plot(data.grid, data.density, color="#1f77b4", label="smoothed density")
        axes.plot(data.nodes, np.zeros_like(data.nodes), "|", color="k", markersize=10, alpha=0.6,
                  label=f"quadrature nodes ({data.nodes.size})")
        axes.set_ylabel("density")
        axes.set_ylim(bottom=0.0)
    else:
        vals = np.sort(data)
        t = tol if tol is not None else 1e-8 * max(float(np.max(np.abs(vals))), np.finfo(float).tiny)
        groups = [
            (vals < -t, "#d62728", "negative"),
            (np.abs(vals) <= t, "#7f7f7f", "zero"),
            (vals > t, "#1f77b4", "positive"),
        ]
        if bins is None and vals.size <= 60:
            for mask, colour, label in groups:
                if np.any(mask):
                    v = vals[mask]
                    axes.vlines(v, 0.0, 1.0, colors=colour, linewidth=2)
                    axes.plot(v, np.ones_like(v), "o", color=colour, label=f"{label} ({int(mask.sum())})")
            axes.set_ylim(0.0, 1.25)
            axes.set_yticks([])
            axes.set_ylabel("eigenvalue positions")
        else:
            nb = bins or min(80, max(10, int(np.sqrt(vals.size))))
            edges = np.histogram_bin_edges(vals, bins=nb)
            for mask, colour, label in groups:
                if np.any(mask):
                    axes.hist(vals[mask], bins=edges, color=colour, alpha=0.8, label=f"{label} ({int(mask.sum())})")
            axes.set_ylabel("count")
        axes.axvline(0.0, color="k", linewidth=0.8, linestyle=":")
    axes.set_xlabel("eigenvalue")
    axes.set_title(title or default_title)
    axes.legend(loc="best", fontsize="small")
    axes.grid(True, alpha=0.3)
    fig.tight_layout()
    _finish(fig, path, dpi)
    return axes


def _grid_values(f, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """``f`` on a grid: one vectorised call when ``f`` broadcasts, else point by point."""
    with np.errstate(all="ignore"):
        try:
            Z = np.asarray(f(np.stack([X, Y])), dtype=np.float64)
        except Exception:  # noqa: BLE001 - f does not broadcast over a grid: evaluate point by point
            Z = None
        if Z is None or Z.shape != X.shape:
            Z = np.array([float(np.asarray(f(np.array([a, b])))) for a, b in zip(X.ravel(), Y.ravel())]).reshape(X.shape)
    return Z


def _points_by_kind(points) -> dict[str, list[np.ndarray]]:
    out: dict[str, list[np.ndarray]] = {}
    if points is None:
        return out
    if isinstance(points, CriticalPointSearch):
        points = points.points
    if isinstance(points, (CriticalPoint, CurvatureReport)):
        points = [points]
    for p in points:
        if isinstance(p, (CriticalPoint, CurvatureReport)):
            out.setdefault(p.kind, []).append(np.asarray(p.x, dtype=np.float64).reshape(-1))
        else:
            out.setdefault("inconclusive", []).append(as_point(p, "point").reshape(-1))
    for kind, pts in out.items():
        for q in pts:
            if q.size != 2:
                raise ValueError(f"plot_landscape marks 2-D points, got a point with {q.size} coordinates")
    return out


def plot_landscape(
    f,
    bounds,
    points=None,
    path=None,
    ax=None,
    *,
    n_grid: int = 160,
    levels: int = 30,
    title: str | None = None,
    labels=("$x_1$", "$x_2$"),
    cmap: str = "viridis",
    figsize=(6.4, 5.2),
    dpi: int = 100,
):
    """Filled contour plot of a function of two variables, with critical
    points marked by kind.

    Parameters
    ----------
    f : callable
        ``f(x)`` for ``x`` of shape ``(2,)``.  If ``f`` also broadcasts over
        ``x`` of shape ``(2, ny, nx)`` the grid is evaluated in one call.
    bounds : array_like, shape (2, 2)
        ``[(x_lo, x_hi), (y_lo, y_hi)]``.
    points : CriticalPointSearch, list of CriticalPoint, or array_like, optional
        Points to mark (plain coordinates are drawn as "inconclusive").
    path : str or path-like, optional
        Save the figure there.
    ax : matplotlib Axes, optional
        Draw into these axes.
    n_grid : int, default 160
        Grid points per axis.
    levels : int, default 30
        Contour levels.
    title : str, optional
        Title (default: "Landscape with critical points" and the counts).
    labels : pair of str
        Axis labels.
    cmap : str, default "viridis"
        Colour map.
    figsize, dpi
        Size of a new figure: ``figsize * dpi`` pixels.

    Returns
    -------
    matplotlib.axes.Axes
    """
    B = as_point(bounds, "bounds")
    if B.shape != (2, 2) or np.any(B[:, 1] <= B[:, 0]):
        raise ValueError(f"bounds must be [(x_lo, x_hi), (y_lo, y_hi)] with lo < hi, got {B.tolist()}")
    marks = _points_by_kind(points)
    fig, axes, _ = _new_axes(ax, path, figsize, dpi)
    xs = np.linspace(B[0, 0], B[0, 1], int(n_grid))
    ys = np.linspace(B[1, 0], B[1, 1], int(n_grid))
    X, Y = np.meshgrid(xs, ys)
    Z = _grid_values(f, X, Y)
    cs = axes.contourf(X, Y, np.ma.masked_invalid(Z), levels=levels, cmap=cmap)
    axes.contour(X, Y, np.ma.masked_invalid(Z), levels=cs.levels, colors="k", linewidths=0.3, alpha=0.4)
    bar = fig.colorbar(cs, ax=axes)
    bar.set_label("f(x)")
    for kind in ("minimum", "maximum", "saddle", "inconclusive", "not critical"):
        pts = marks.get(kind)
        if not pts:
            continue
        P = np.array(pts)
        marker, colour, label = _STYLE[kind]
        axes.scatter(P[:, 0], P[:, 1], marker=marker, s=90, c=colour, edgecolors="white", linewidths=1.2,
                     zorder=3, label=f"{label} ({len(pts)})")
    axes.set_xlabel(labels[0])
    axes.set_ylabel(labels[1])
    axes.set_xlim(B[0, 0], B[0, 1])
    axes.set_ylim(B[1, 0], B[1, 1])
    if title is None:
        title = "Landscape with critical points" if marks else "Landscape"
    axes.set_title(title)
    if marks:
        axes.legend(loc="upper right", fontsize="small", framealpha=0.85, title="critical points")
    fig.tight_layout()
    _finish(fig, path, dpi)
    return axes
