"""What the command writes besides its text: plots and the demo's folder
(both checked before any computation), JSON, and the one-line error and
warning messages on stderr."""

from __future__ import annotations

import json
import os
import sys

import numpy as np

from ..formatting import shorten, to_jsonable
from .errors import CLIError, one_line

__all__ = [
    "need_matplotlib",
    "check_plot_path",
    "prepare_output_dir",
    "save_figure",
    "landscape",
    "spectrum_figure",
    "print_json",
    "certified_text",
    "print_error",
    "print_warnings",
]


# --------------------------------------------------------------------------- plots


def need_matplotlib():
    """``matplotlib.pyplot`` on the file-only Agg backend (Matplotlib is an optional dependency)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise CLIError("plots need Matplotlib: pip install 'osculate[cli]'") from None
    return plt


def check_plot_path(path, option="--plot"):
    """Refuse, before any computation, a plot path that cannot be written."""
    if path is None:
        return None
    if not path.lower().endswith(".png"):
        raise CLIError(f"{option} must name a .png file, got {shorten(path)!r}")
    full = os.path.abspath(path)
    if os.path.isdir(full):
        raise CLIError(f"{option}: {shorten(path)!r} is a folder; name a .png file")
    folder = os.path.dirname(full)
    if not os.path.isdir(folder):
        raise CLIError(f"{option}: the folder {shorten(folder)!r} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CLIError(f"{option}: cannot write in the folder {shorten(folder)!r}")
    if os.path.exists(full) and not os.access(full, os.W_OK):
        raise CLIError(f"{option}: {shorten(path)!r} exists and cannot be overwritten")
    need_matplotlib()
    return path


def prepare_output_dir(path, option="--out"):
    """Create (or accept) a folder for output files, or refuse in one line."""
    if not path:
        raise CLIError(f"{option} is empty; name a folder")
    full = os.path.abspath(path)
    if os.path.exists(full) and not os.path.isdir(full):
        raise CLIError(f"{option}: {shorten(path)!r} exists and is not a folder")
    existing = full
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise CLIError(f"{option}: {shorten(existing)!r} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise CLIError(f"{option}: cannot write in {shorten(existing)!r}")
    try:
        os.makedirs(full, exist_ok=True)
    except OSError as e:
        raise CLIError(f"{option}: cannot create the folder {shorten(path)!r}: {e.strerror or e}") from None
    return path


def save_figure(fig, path, plt, quiet=False):
    """Write ``fig`` to ``path`` and close it; say so unless ``quiet``."""
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=110)
    except OSError as e:
        raise CLIError(f"cannot write {shorten(path)!r}: {e.strerror or e}") from None
    finally:
        plt.close(fig)
    if not quiet:
        print(f"plot written to {path}")


def landscape(ax, fn, paths, plt, box=None, vectorized=False):
    """Contours of a 2-variable ``fn`` (log scale) with iterate paths; the box is
    ``((xlo, xhi), (ylo, yhi))`` or fitted around the paths.  ``vectorized``:
    ``fn(np.stack([X, Y]))`` evaluates the whole grid at once."""
    if box is None:
        points = np.concatenate([p for _, p in paths])
        points = points[np.all(np.isfinite(points), axis=1)]
        lo, hi = points.min(axis=0), points.max(axis=0)
        pad = 0.25 * np.maximum(hi - lo, 0.5)
        box = ((lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1]))
    X, Y = np.meshgrid(np.linspace(*box[0], 160), np.linspace(*box[1], 160))
    with np.errstate(all="ignore"):
        if vectorized:
            Z = np.broadcast_to(np.asarray(fn(np.stack([X, Y])), dtype=float), X.shape)
        else:
            Z = np.vectorize(lambda a, b: float(fn(np.array([a, b]))))(X, Y)
        finite = np.isfinite(Z)
        if finite.any():
            Zs = np.where(finite, np.log1p(Z - Z[finite].min()), np.nan)
            cs = ax.contourf(X, Y, Zs, levels=30, cmap="viridis")
            plt.colorbar(cs, ax=ax, label="log(1 + f - min f)")
    for (name, p), color in zip(paths, ["#e41a1c", "#ff7f00", "#f781bf", "#ffffff", "#377eb8", "#a65628"]):
        ax.plot(p[:, 0], p[:, 1], "o-", color=color, ms=3, lw=1.5, label=f"{name} ({len(p) - 1} it)")
    ax.plot(*paths[0][1][0], "k*", ms=12, label="start")


def spectrum_figure(plt, density, extremes, title):
    """SLQ density on a log scale with the Lanczos extreme eigenvalues marked."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(density.grid, density.density, lw=1.8, label="SLQ density (smoothed)")
    for i, v in enumerate(extremes):
        ax.axvline(v, color="#d62728", lw=0.8, alpha=0.7, label="Lanczos extreme eigenvalues" if i == 0 else None)
    ax.set_yscale("log")
    ax.set_ylim(max(1e-6, float(np.max(density.density)) * 1e-6), None)
    ax.set_xlabel("eigenvalue")
    ax.set_ylabel("density")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return fig


# --------------------------------------------------------------------------- text


def print_json(obj):
    """``obj`` as strict JSON: every non-finite number (inf, nan) is ``null``."""
    print(json.dumps(to_jsonable(obj, strict=True), indent=2, allow_nan=False))


def certified_text(certified):
    """`` (certified)`` or `` (not certified)`` after a classification."""
    return " (certified)" if certified else " (not certified)"


def print_error(err):
    print(f"osculate: error: {one_line(err)}", file=sys.stderr)


def print_warnings(caught):
    """Each distinct warning as one line ``osculate: warning: ...`` (never a raw
    warning with its file path)."""
    seen = set()
    for w in caught:
        line = f"osculate: warning: {one_line(w.message)}"
        if line not in seen:
            seen.add(line)
            print(line, file=sys.stderr)
