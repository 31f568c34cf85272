"""Curvature of plane and space curves.

* Graph ``y = f(x)``: ``κ = |f''| / (1 + f'²)^{3/2}``.
* Parametric plane curve ``(x(t), y(t))``: ``κ = |x'y'' - y'x''| / (x'² + y'²)^{3/2}``.
* Space curve ``r(t)`` in 3-D: ``κ = |r' × r''| / |r'|³`` (in ``n`` dimensions
  the same quantity, ``sqrt(|r'|²|r''|² - (r'·r'')²) / |r'|³``).

The derivatives come from one second-order Taylor pass per point (nested
forward mode where Taylor mode has no rule).
"""

from __future__ import annotations

import numpy as np

from ._taylor import curve_series

__all__ = ["graph_curvature", "curve_curvature"]


def _first_two(fn, t0: float) -> tuple[np.ndarray, np.ndarray]:
    c = curve_series(fn, np.asarray(float(t0)), [np.ones(())], 2)
    return np.asarray(c[1], dtype=np.float64), 2.0 * np.asarray(c[2], dtype=np.float64)


def _points(t, what: str) -> tuple[np.ndarray, bool]:
    arr = np.asarray(t, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} contains NaN or inf")
    return arr, arr.ndim == 0


def graph_curvature(f, x, *, signed: bool = False):
    """Curvature ``κ = |f''(x)| / (1 + f'(x)²)^{3/2}`` of the graph ``y = f(x)``.

    Parameters
    ----------
    f : callable
        Scalar function of a scalar.
    x : float or array_like
        Point(s); an array gives an array of curvatures.
    signed : bool, default False
        Return ``f'' / (1 + f'²)^{3/2}`` (positive where the graph is convex).

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.analysis import graph_curvature
    >>> graph_curvature(lambda x: x ** 2, 0.0)            # 1 / radius of the osculating circle
    2.0
    >>> np.round(graph_curvature(np.sin, np.array([0.0, np.pi / 2])), 12)
    array([0., 1.])
    """
    pts, scalar = _points(x, "x")
    out = np.empty(pts.shape)
    for idx in np.ndindex(pts.shape):
        d1, d2 = _first_two(f, pts[idx])
        if d1.shape != () or d2.shape != ():
            raise TypeError(f"graph_curvature needs f to map a scalar to a scalar; f(x) has shape {d1.shape}")
        k = float(d2) / (1.0 + float(d1) ** 2) ** 1.5
        out[idx] = k if signed else abs(k)
    return float(out) if scalar else out


def curve_curvature(r, t, *, signed: bool = False):
    """Curvature of a parametric curve ``r(t)`` in 2-D, 3-D or ``n``-D.

    Parameters
    ----------
    r : callable
        ``t -> array of shape (d,)`` with ``d >= 2`` (e.g.
        ``lambda t: np.stack([np.cos(t), np.sin(t)])``).
    t : float or array_like
        Parameter value(s).
    signed : bool, default False
        For plane curves, return ``(x'y'' - y'x'') / |r'|³`` (positive when the
        curve turns left).

    Raises
    ------
    ValueError
        Where ``r'(t) = 0`` (a singular point of the parametrisation: the
        curvature is undefined there).

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.analysis import curve_curvature
    >>> circle = lambda t: np.stack([2.0 * np.cos(t), 2.0 * np.sin(t)])
    >>> round(curve_curvature(circle, 0.3), 12)           # 1 / radius
    0.5
    >>> helix = lambda t: np.stack([np.cos(t), np.sin(t), t])   # a / (a² + b²)
    >>> round(curve_curvature(helix, 1.0), 12)
    0.5
    """
    pts, scalar = _points(t, "t")
    out = np.empty(pts.shape)
    for idx in np.ndindex(pts.shape):
        d1, d2 = _first_two(r, pts[idx])
        if d1.ndim != 1 or d1.size < 2:
            raise TypeError(f"curve_curvature needs r(t) to return a vector of length >= 2, got shape {d1.shape}")
        speed2 = float(d1 @ d1)
        if speed2 == 0.0:
            raise ValueError(f"r'(t) = 0 at t = {pts[idx]:g}: the parametrisation is singular there and the curvature is undefined")
        if d1.size == 2:
            num = float(d1[0] * d2[1] - d1[1] * d2[0])
            if not signed:
                num = abs(num)
        elif d1.size == 3:
            num = float(np.linalg.norm(np.cross(d1, d2)))
        else:
            num = float(np.sqrt(max(speed2 * float(d2 @ d2) - float(d1 @ d2) ** 2, 0.0)))
        out[idx] = num / speed2**1.5
    return float(out) if scalar else out
