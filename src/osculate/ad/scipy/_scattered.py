"""Interpolation of scattered data on traced values: :class:`LinearNDInterpolator`,
:class:`NearestNDInterpolator` and :func:`griddata` (``'nearest'``, ``'linear'``),
re-exported by :mod:`osculate.ad.scipy.interpolate`.

Which triangle (simplex) or which data point an evaluation point falls to is
a piecewise-constant choice: it is made as SciPy makes it, by
``scipy.spatial.Delaunay`` (Qhull) or ``scipy.spatial.cKDTree`` on the plain
values, and has no derivative.  What follows it is written with osculate's
operations: the barycentric coordinates of the point in its simplex, from
the (possibly traced) vertices, and the weighted sum of the data values.  So
the linear interpolant is differentiable in the values, in the evaluation
points and in the data points (the triangulation held fixed), and the
nearest-neighbour one in the values.

The choice needs the values of the points, so it is made outside ``jit`` (or
with the points constant inside it); ``vmap`` over the data values works.
"""

from __future__ import annotations

import numpy as _np
from scipy.spatial import Delaunay as _Delaunay, cKDTree as _cKDTree

from ..core import Tracer as _Tracer, concrete_or_none as _known
from ..numpy import asarray as _asarray

__all__ = ["LinearNDInterpolator", "NearestNDInterpolator", "griddata"]




def _float(a):
    a = _asarray(a)
    if isinstance(a, _Tracer):
        return a
    return _np.asarray(a, dtype=complex if _np.iscomplexobj(a) else float)


def _coords(args, ndim=None):
    """SciPy's ``_ndim_coords_from_arrays``: a tuple of coordinate arrays
    broadcast and stacked along a last axis, or one array taken as ``(..., ndim)``."""
    if isinstance(args, tuple) and len(args) == 1:
        args = args[0]
    if isinstance(args, tuple):
        arrs = [_float(a) for a in args]
        shape = _np.broadcast_shapes(*[_np.shape(a) for a in arrs])
        return _np.stack([_np.broadcast_to(a, shape) for a in arrs], axis=-1)
    p = _float(args)
    if _np.ndim(p) == 0:
        raise ValueError("osculate.scipy.interpolate: the points must be an array of coordinates")
    if _np.ndim(p) == 1:
        p = _np.reshape(p, (-1, 1)) if ndim is None or ndim == 1 else _np.reshape(p, (1, -1))
    return p


def _needs(a, who, what):
    v = _known(a)
    if v is None or v.shape != _np.shape(a):
        raise ValueError(f"{who}: the {what} must be known values (the simplex or nearest data point is chosen "
                         "from them, piecewise constant); under jit, close over them as constants, or build "
                         "the interpolator outside jit")
    return v


class _Base:
    """The data: ``points`` ``(n, ndim)`` (with SciPy's ``rescale``) and ``values`` ``(n, ...)``."""

    def __init__(self, points, values, fill_value, rescale, who):
        points = _coords(points)
        if _np.ndim(points) != 2:
            raise ValueError(f"{who}: points must be a 2-D array of shape (npoints, ndim)")
        if _np.iscomplexobj(points):
            raise ValueError(f"{who}: the points must be real")
        values = _float(values)
        if _np.ndim(values) == 0 or _np.shape(values)[0] != _np.shape(points)[0]:
            raise ValueError(f"{who}: different number of values and points")
        self._who = who
        self.ndim = _np.shape(points)[1]
        self.fill_value = fill_value
        self.rescale = rescale
        self.values = values
        pv = _needs(points, who, "data points")
        if rescale:
            offset = _np.mean(points, axis=0)
            centred = pv - pv.mean(axis=0)
            scale = _np.max(points, axis=0) - _np.min(points, axis=0)
            scale = _np.where(_np.ptp(centred, axis=0) > 0, scale, 1.0)
            self.offset, self.scale = offset, scale
            points = (points - offset) / scale
        else:
            self.offset = self.scale = None
        self.points = points
        self._plain = _needs(points, who, "data points")

    def _xi(self, args):
        xi = _coords(args, self.ndim)
        if _np.shape(xi)[-1] != self.ndim:
            raise ValueError(f"{self._who}: number of dimensions in xi does not match x")
        if self.rescale:
            xi = (xi - self.offset) / self.scale
        return xi, tuple(_np.shape(xi)[:-1]), _np.reshape(xi, (-1, self.ndim))

    def _shape_out(self, out, lead):
        return _np.reshape(out, lead + tuple(_np.shape(self.values)[1:]))


def _trail(w, ndim):
    """``w`` with axes of length 1 appended to reach ``ndim`` dimensions (to broadcast against values)."""
    return _np.reshape(w, _np.shape(w) + (1,) * (ndim - _np.ndim(w)))


class LinearNDInterpolator(_Base):
    """Piecewise linear interpolation on SciPy's Delaunay triangulation, as
    :class:`scipy.interpolate.LinearNDInterpolator` (``fill_value`` outside
    the convex hull, ``rescale``).  The triangulation and the simplex of each
    point are computed on the plain values; the barycentric coordinates are
    computed from the traced vertices, so the result is differentiable in
    the values, the evaluation points and the data points (simplices fixed).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.interpolate import LinearNDInterpolator
    >>> pts = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> f = lambda v, x: LinearNDInterpolator(pts, v)(x)
    >>> v = pts[:, 0] + 3 * pts[:, 1]
    >>> [round(float(s), 12) for s in f(v, np.array([[0.25, 0.5]]))]
    [1.75]
    >>> [round(float(s), 12) for s in osc.grad(lambda x: f(v, x).sum())(np.array([[0.25, 0.5]]))[0]]
    [1.0, 3.0]
    """

    def __init__(self, points, values, fill_value=_np.nan, rescale=False):
        if hasattr(points, "simplices") and hasattr(points, "find_simplex"):  # a Delaunay given by the user
            tri, points = points, points.points
        else:
            tri = None
        super().__init__(points, values, fill_value, rescale, "LinearNDInterpolator")
        self.tri = tri if tri is not None else _Delaunay(self._plain)

    def __call__(self, *args):
        xi, lead, flat = self._xi(args)
        xv = _needs(flat, "LinearNDInterpolator", "evaluation points")
        simplex = self.tri.find_simplex(xv)
        inside = simplex >= 0
        verts = self.tri.simplices[_np.where(inside, simplex, 0)]  # (m, ndim + 1), constants
        lam = _barycentric(_np.take(self.points, verts, axis=0), flat)  # (m, ndim + 1)
        vals = _np.take(self.values, verts, axis=0)  # (m, ndim + 1, ...)
        out = _np.sum(_trail(lam, _np.ndim(vals)) * vals, axis=1)
        if not inside.all():
            out = _np.where(_trail(inside, _np.ndim(out)), out, self.fill_value)
        return self._shape_out(out, lead)


def _barycentric(V, x):
    """The barycentric coordinates ``(m, ndim + 1)`` of the points ``x`` ``(m, ndim)``
    in the simplices of vertices ``V`` ``(m, ndim + 1, ndim)``: ``x = sum_j lam_j V_j``."""
    nd = _np.shape(x)[1]
    last = V[:, nd, :]
    T = _np.transpose(V[:, :nd, :] - _np.expand_dims(last, 1), (0, 2, 1))  # columns v_j - v_n
    r = x - last
    if nd == 1:
        lam = r / T[:, :, 0]
    elif nd == 2:  # Cramer's rule, exact and cheap
        det = T[:, 0, 0] * T[:, 1, 1] - T[:, 0, 1] * T[:, 1, 0]
        l0 = (r[:, 0] * T[:, 1, 1] - r[:, 1] * T[:, 0, 1]) / det
        l1 = (T[:, 0, 0] * r[:, 1] - T[:, 1, 0] * r[:, 0]) / det
        lam = _np.stack([l0, l1], axis=1)
    else:
        lam = _np.linalg.solve(T, _np.expand_dims(r, -1))[..., 0]
    return _np.concatenate([lam, 1.0 - _np.sum(lam, axis=1, keepdims=True)], axis=1)


class NearestNDInterpolator(_Base):
    """Nearest-neighbour interpolation, as :class:`scipy.interpolate.NearestNDInterpolator`
    (``rescale``, ``tree_options``, and the query options ``eps``, ``p``,
    ``distance_upper_bound``, ``workers`` of the call).  The neighbour is found
    by SciPy's ``cKDTree`` on the plain values; the result is the traced value
    there: differentiable in the values, piecewise constant in the points.

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import NearestNDInterpolator
    >>> f = NearestNDInterpolator(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([1.0, 2.0]))
    >>> f(np.array([[0.2, 0.1], [0.9, 0.7]]))
    array([1., 2.])
    """

    def __init__(self, x, y, rescale=False, tree_options=None):
        super().__init__(x, y, _np.nan, rescale, "NearestNDInterpolator")
        self.tree = _cKDTree(self._plain, **(tree_options or {}))

    def __call__(self, *args, **query_options):
        xi, lead, flat = self._xi(args)
        xv = _needs(flat, "NearestNDInterpolator", "evaluation points")
        dist, idx = self.tree.query(xv, **query_options)
        valid = _np.isfinite(dist)
        out = _np.take(self.values, _np.where(valid, idx, 0), axis=0)
        if not valid.all():
            out = _np.where(_trail(valid, _np.ndim(out)), out, _np.nan)
        return self._shape_out(out, lead)


def _griddata_1d(points, values, xi, method, fill_value):
    """SciPy's 1-D ``griddata``: ``interp1d`` on the sorted points (nearest extrapolates)."""
    x = _np.reshape(points, (-1,))
    if isinstance(xi, tuple):
        if len(xi) != 1:
            raise ValueError("invalid number of dimensions in xi")
        xi, = xi
    xi = _float(xi)
    order = _np.argsort(_needs(x, "griddata", "data points"), kind="stable")
    x, values = _np.take(x, order), _np.take(values, order, axis=0)
    xv = _known(x)
    xs = _np.reshape(xi, (-1,))
    sv = _needs(xs, "griddata", "evaluation points")
    n = xv.shape[0]
    if method == "nearest":  # interp1d's 'nearest': midpoints, ties to the left point
        mids = (xv[1:] + xv[:-1]) / 2.0
        idx = _np.clip(_np.searchsorted(mids, sv, side="left"), 0, n - 1)
        out = _np.take(values, idx, axis=0)
    else:
        j = _np.clip(_np.searchsorted(xv, sv, side="left") - 1, 0, n - 2)  # interp1d's interval choice
        x0, x1 = _np.take(x, j), _np.take(x, j + 1)
        w = (xs - x0) / (x1 - x0)
        y0, y1 = _np.take(values, j, axis=0), _np.take(values, j + 1, axis=0)
        out = y0 + _trail(w, _np.ndim(y0)) * (y1 - y0)
        outside = (sv < xv[0]) | (sv > xv[-1])
        if outside.any():
            out = _np.where(_trail(outside, _np.ndim(out)), fill_value, out)
    return _np.reshape(out, _np.shape(xi) + tuple(_np.shape(values)[1:]))


def griddata(points, values, xi, method="linear", fill_value=_np.nan, rescale=False):
    """Interpolate scattered data at ``xi``, as :func:`scipy.interpolate.griddata`
    with ``method='nearest'`` or ``'linear'`` (in 1-D, SciPy's ``interp1d`` of
    the sorted points).  Differentiable in the values and, for ``'linear'``,
    in the points and ``xi``.  ``'cubic'`` (the Clough-Tocher interpolant,
    whose gradients SciPy estimates by an iteration that stops on a
    tolerance) is not available here.

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import griddata
    >>> pts = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> griddata(pts, pts.sum(axis=1), np.array([[0.5, 0.25]]))
    array([0.75])
    """
    if method not in ("nearest", "linear", "cubic"):
        raise ValueError(f"Unknown interpolation method {method!r}")
    values = _float(values)
    pts = _coords(points)
    ndim = _np.ndim(pts) if _np.ndim(pts) < 2 else _np.shape(pts)[-1]
    if ndim == 1 and method == "cubic":
        raise NotImplementedError("osculate.scipy.interpolate.griddata: method='cubic' in 1-D is interp1d's "
                                  "cubic spline: use osculate.scipy.interpolate.interp1d(points, values, "
                                  "kind='cubic', bounds_error=False, fill_value=...) on the sorted points")
    if ndim == 1:
        return _griddata_1d(pts, values, xi, method, fill_value)
    if method == "nearest":
        return NearestNDInterpolator(pts, values, rescale=rescale)(xi)
    if method == "linear":
        return LinearNDInterpolator(pts, values, fill_value=fill_value, rescale=rescale)(xi)
    if ndim != 2:
        raise ValueError(f"Unknown interpolation method {method!r} for {ndim} dimensional data")
    raise NotImplementedError("osculate.scipy.interpolate.griddata: method='cubic' (Clough-Tocher, with "
                              "SciPy's iteratively estimated gradients) is not available on traced values: "
                              "use method='linear', or osculate.scipy.interpolate.RBFInterpolator(points, "
                              "values, kernel='cubic') for a smooth interpolant")
