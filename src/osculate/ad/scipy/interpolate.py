"""``scipy.interpolate`` on traced values, with SciPy's signatures and values.

SciPy's interpolators convert their data with ``np.asarray``, so building
``scipy.interpolate.CubicSpline(t, y)`` from a traced ``y`` is refused (the
error names the class here).  These classes are written with osculate's
NumPy operations only, so they are differentiable to every order, in forward
and reverse mode, under ``vmap`` and ``jit``: in the data values ``y``, in the
evaluation points and, for the splines whose coefficients are computed from
them, in the knots ``x``.

* :class:`CubicSpline` (every ``bc_type``; its slopes come from a tridiagonal
  system solved by :func:`osculate.scipy.linalg.solve_banded`, or a cyclic one
  by ``np.linalg.solve`` for ``'periodic'``), :class:`CubicHermiteSpline`,
  :class:`PchipInterpolator` (alias ``pchip``), :func:`pchip_interpolate`,
  :class:`Akima1DInterpolator` (``method='akima'`` or ``'makima'``) and the
  piecewise polynomial :class:`PPoly` they all are, and the Bernstein-basis
  :class:`BPoly` (with ``from_derivatives`` and ``from_power_basis``);
* :class:`BSpline` (Cox-de Boor recursion of the basis functions) and
  :func:`make_interp_spline` (the collocation system solved by
  ``np.linalg.solve``);
* FITPACK's ``(t, c, k)`` functions :func:`splev`, :func:`splder`,
  :func:`splantider`, :func:`splint`, :func:`spalde`, the bivariate
  :func:`bisplev`, and :func:`make_lsq_spline`;
* :class:`interp1d` (every ``kind``), :class:`RegularGridInterpolator` and
  :func:`interpn` (``'linear'``, ``'slinear'``, ``'nearest'``, ``'cubic'``,
  ``'quintic'``);
* FITPACK's fits :func:`splrep`, :class:`UnivariateSpline`,
  :class:`InterpolatedUnivariateSpline` and :class:`LSQUnivariateSpline`
  (SciPy's knots, a piecewise-constant function of the data held fixed; the
  least-squares or penalized coefficients recomputed on them, the penalty's
  weight an implicit function of the data), :func:`make_splrep`, the
  parametric curves :func:`splprep` and :func:`make_splprep` (likewise, every
  coordinate on the same knots with one penalty weight; the default
  chord-length parameters computed on the traced points; :func:`splev`
  evaluates such a curve), and :func:`sproot` (each root an implicit function
  of the spline);
* the interpolating polynomials :class:`KroghInterpolator`,
  :class:`BarycentricInterpolator`, :func:`krogh_interpolate` and
  :func:`barycentric_interpolate` (Newton's form, distinct nodes);
* radial basis functions :class:`RBFInterpolator` (every kernel, smoothing,
  degree, neighbors) and the legacy :class:`Rbf`: SciPy's linear system
  assembled and solved with osculate's operations, so differentiable in the
  data values and points, the evaluation points, smoothing and epsilon;
* scattered data on SciPy's Delaunay triangulation or k-d tree (computed on
  the plain points, a piecewise-constant choice): :class:`LinearNDInterpolator`
  (barycentric weights from the traced vertices), :class:`NearestNDInterpolator`
  and :func:`griddata` (``'nearest'``, ``'linear'``);
* the polynomials :func:`lagrange`, :func:`pade` and
  :func:`approximate_taylor_polynomial` (SciPy's ``poly1d`` on plain inputs,
  a ``poly1d`` with traced coefficients otherwise);
* :func:`make_smoothing_spline` (SciPy's penalized cubic spline: linear in
  ``y`` for a given ``lam``; with ``lam=None`` SciPy's GCV choice, given the
  derivatives of the exact minimizer of its score as an implicit function);
* :class:`RectBivariateSpline` (``s=0``: FITPACK's knots from the plain grid,
  the coefficients of the tensor-product collocation system, linear in ``z``).

Which piece of the interpolant a point falls in is decided from the primal
values, by comparisons with the breakpoints (as ``np.searchsorted`` would):
that choice is piecewise constant and has no derivative, exactly as in NumPy
and in :func:`osculate.numpy.interp`.  The choice is applied as a one-hot
matrix rather than an index, so it runs under ``jit`` and ``vmap`` too (at a
cost of one entry per point and piece).  Checks that need values (sorted
knots, ``bounds_error``) are made when the values are known and skipped
inside ``jit``.

>>> import numpy as np, osculate as osc
>>> from osculate.scipy.interpolate import CubicSpline
>>> x = np.linspace(0.0, 3.0, 7)
>>> float(CubicSpline(x, x ** 3)(1.2))  # not-a-knot reproduces a cubic
1.728
>>> round(float(osc.grad(lambda s: CubicSpline(x, x ** 3)(s))(1.2)), 12)
4.32
"""

from __future__ import annotations

import math as _math

import numpy as _np
from scipy import interpolate as _scipy_interpolate

from ..core import ConcretizationError as _ConcretizationError, Tracer as _Tracer, concrete as _concrete
from ..numpy import asarray as _asarray, stop_gradient as _stop_gradient
from . import _fitpack_smoothing as _fs, _smoothing_spline as _ss
from ._bivariate import RectBivariateSpline
from ._poly import approximate_taylor_polynomial, lagrange, pade
from ._rbf import RBFInterpolator, Rbf
from ._scattered import LinearNDInterpolator, NearestNDInterpolator, griddata
from .linalg import solve_banded as _solve_banded

__all__ = [
    "PPoly", "BPoly", "CubicHermiteSpline", "CubicSpline", "PchipInterpolator", "pchip_interpolate", "Akima1DInterpolator",
    "BSpline", "make_interp_spline", "make_lsq_spline", "splev", "splder", "splantider", "splint", "spalde",
    "bisplev", "interp1d",
    "RegularGridInterpolator", "interpn", "KroghInterpolator", "BarycentricInterpolator", "krogh_interpolate",
    "barycentric_interpolate", "pchip", "splrep", "sproot", "UnivariateSpline", "InterpolatedUnivariateSpline",
    "LSQUnivariateSpline", "make_splrep", "splprep", "make_splprep", "RBFInterpolator", "Rbf",
    "LinearNDInterpolator", "NearestNDInterpolator", "griddata", "lagrange", "pade",
    "approximate_taylor_polynomial", "RectBivariateSpline", "make_smoothing_spline",
]


# --------------------------------------------------------------------------- helpers


def _float(a):
    """A tracer as it is (lists holding tracers stacked); anything else a float array."""
    a = _asarray(a)
    if isinstance(a, _Tracer):
        return a
    return _np.asarray(a, dtype=complex if _np.iscomplexobj(a) else float)


def _known(a):
    """The concrete value of ``a``, or None inside a trace that has none (``jit``)."""
    try:
        return _np.asarray(_concrete(a))
    except _ConcretizationError:
        return None


def _axis(axis, ndim, name="axis"):
    if not isinstance(axis, (int, _np.integer)) or isinstance(axis, bool):
        raise TypeError(f"{name} must be an integer, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}={axis} is out of bounds for data with {ndim} dimension(s)")
    return int(axis) % ndim


def _knots(x, name, who):
    """The 1-D float knots ``x``, checked strictly increasing when their values are known."""
    x = _float(x)
    if _np.ndim(x) != 1:
        raise ValueError(f"{who}: {name} must be 1-dimensional, got shape {_np.shape(x)}")
    if _np.iscomplexobj(x):
        raise ValueError(f"{who}: {name} must be real, got complex values")
    if _np.shape(x)[0] < 2:
        raise ValueError(f"{who}: {name} must contain at least 2 elements")
    xv = _known(x)
    if xv is not None:
        if not _np.all(_np.isfinite(xv)):
            raise ValueError(f"{who}: {name} must contain only finite values")
        if _np.any(_np.diff(xv) <= 0):
            raise ValueError(f"{who}: {name} must be strictly increasing")
    return x


def _column(v, ndim):
    """``v`` of shape (n,) shaped (n, 1, ..., 1) to broadcast against data of ``ndim`` dimensions."""
    return _np.reshape(v, _np.shape(v) + (1,) * (ndim - 1))


def _step(cond):
    """1.0 where ``cond`` holds, else 0.0 (a constant: comparisons have no derivative)."""
    return _np.where(cond, 1.0, 0.0)


def _pieces(xs, bps, skip_empty=True):
    """One-hot ``(m, p)`` matrix of the piece of each of the ``m`` points ``xs``
    among the ``p`` pieces between the breakpoints ``bps`` (``p + 1`` of them,
    nondecreasing): piece ``j`` holds ``bps[j] <= x < bps[j+1]``, the first one
    extends to -inf, the last one to +inf (its right end included), as the
    intervals of :func:`numpy.searchsorted`.  Empty pieces at the ends (repeated
    end knots) are never chosen: the points beyond go to the nearest non-empty
    piece.  NaN falls in the first piece."""
    m, p = _np.shape(xs)[0], _np.shape(bps)[0] - 1
    if p == 1:
        return _np.ones((m, 1))
    inner = _np.expand_dims(bps[1:-1], 0)
    ge = _step(_np.expand_dims(xs, 1) >= inner)  # (m, p - 1), rows like 1 1 0 0
    if skip_empty:
        ge = _np.where(inner == bps[0], 1.0, _np.where(inner == bps[-1], 0.0, ge))
    ones = _np.ones((m, 1))
    return _np.concatenate([ones, ge], axis=1) * _np.concatenate([1.0 - ge, ones], axis=1)


def _piece_index(xs, bps, skip_empty=True):
    """The piece of each point as :func:`_pieces` chooses it, as integers computed
    from the values (``np.searchsorted``), or None where the values are not at
    hand (inside ``jit`` or ``vmap``, or in global sparsity detection): then
    the one-hot contraction is used.  With the indices, evaluation gathers the
    pieces' coefficients (O(points) instead of O(points × pieces))."""
    xv, bv = _known(xs), _known(bps)
    if xv is None or bv is None or xv.shape != _np.shape(xs) or bv.shape != _np.shape(bps):
        return None
    inner = bv[1:-1]
    idx = _np.searchsorted(inner, xv, side="right")
    if skip_empty:
        idx = _np.clip(idx, _np.sum(inner == bv[0]), _np.sum(inner < bv[-1]))
    return _np.where(_np.isnan(xv), 0, idx)


def _pick(weights, table, support=None, batched=False):
    """``sum_j weights[m, j] * table[j]`` (``batched``: ``table[m, j]``): with a
    one-hot ``weights``, the entry of the piece of each point (a contraction,
    not a gather, so that it runs under ``jit`` and ``vmap``).

    A contraction would spread a NaN or inf of ``table`` to every row (``0 *
    nan``); the non-finite entries are kept out of it and put back in the rows
    whose ``support`` (the entries a direct evaluation would read; default:
    ``weights``, nonnegative) reaches them, as SciPy's result has them."""
    def dot(w, tab):
        if batched:
            return _np.sum(tab * _np.reshape(w, _np.shape(w) + (1,) * (_np.ndim(tab) - 2)), axis=1)
        return _np.tensordot(w, tab, axes=([1], [0]))

    finite = _np.isfinite(table)
    known = _known(finite)
    if known is not None and known.all():
        return dot(weights, table)
    support = weights if support is None else support
    out = dot(weights, _np.where(finite, table, 0.0))
    nans = dot(support, _step(_np.isnan(table))) > 0.0
    pos = dot(support, _step(table == _np.inf)) > 0.0
    neg = dot(support, _step(table == -_np.inf)) > 0.0
    special = _np.where(nans | (pos & neg), _np.nan, _np.where(pos, _np.inf, -_np.inf))
    return _np.where(nans | pos | neg, special, out)


def _spline_at(t, k, xs, c, nu=0):
    """The spline ``sum_i c[i] B_i`` (or its ``nu``-th derivative) at the points ``xs``: ``(m, *trail)``.

    Through its piecewise-polynomial form (:func:`_spline_pieces`: O(points)
    with the points' values at hand) when the coefficients are known to be
    finite; else with the basis matrix of all the points, whose contraction
    keeps an inf coefficient an inf (the polynomial form would difference it
    into NaN)."""
    n = _np.shape(t)[0] - k - 1
    finite = _known(_np.isfinite(c))
    if finite is None or not finite.all() or nu > k:
        B, S = _basis(t, k, xs, nu, support=True)
        return _pick(B, c[:n], S)
    pp = PPoly._make(_spline_pieces(t, c, k, nu), t[k:n + 1], True, 0, skip_empty=k > 0)
    return pp._evaluate(pp.c, xs, True)


def _spline_pieces(t, c, k, nu=0):
    """The coefficients (descending powers, shape ``(k - nu + 1, n - k, *trail)``)
    of the ``nu``-th derivative of the spline on each span ``t[l] <= x < t[l+1]``,
    ``k <= l < n``, about its left end: the Taylor coefficients
    ``S^(r)(t[l]) / (r - nu)!``.  ``S^(r)`` is the spline of degree ``k - r``
    with the differenced coefficients, evaluated at ``t[l]`` by the triangular
    Cox-de Boor recursion on its ``k - r + 1`` local basis functions.  The
    indices are fixed by ``n`` and ``k`` alone (no values), so this is gathers
    and arithmetic under any transform, and O(n k²)."""
    n = _np.shape(t)[0] - k - 1
    spans = _np.arange(k, n)
    x = _np.take(t, spans)
    nd = _np.ndim(c)
    out = []
    deriv = BSpline._make(t, c[:n], k, True, 0)
    levels = [deriv]
    for _ in range(k):
        levels.append(levels[-1].derivative())
    for r in range(k, nu - 1, -1):
        tr, cr, q = levels[r].t, levels[r].c, k - r
        lp = spans - r  # the span's index in the knots of the r-th derivative
        N = [_np.ones(_np.shape(spans)) + 0.0 * x]
        left, right = [None] * (q + 1), [None] * (q + 1)
        for j in range(1, q + 1):
            left[j] = x - _np.take(tr, lp + 1 - j)
            right[j] = _np.take(tr, lp + j) - x
            saved, grown = 0.0, []
            for i in range(j):
                temp = _safe_div(N[i], right[i + 1] + left[j - i])
                grown.append(saved + right[i + 1] * temp)
                saved = left[j - i] * temp
            N = grown + [saved]
        value = 0.0
        for i in range(q + 1):
            value = value + _column(N[i], nd) * _np.take(cr, lp - q + i, axis=0)
        out.append(value / float(_math.factorial(r - nu)))
    return _np.stack(out)


def _place(out, lead_shape, axis, trail_ndim):
    """``out`` of shape ``(m, *trail)`` as SciPy returns it: the points' shape
    ``lead_shape`` put where the interpolation axis was."""
    out = _np.reshape(out, tuple(lead_shape) + tuple(_np.shape(out)[1:]))
    if axis == 0 or trail_ndim == 0:
        return out
    nl = len(lead_shape)
    order = list(range(nl, nl + axis)) + list(range(nl)) + list(range(nl + axis, nl + trail_ndim))
    return _np.transpose(out, order)


def _points(xs):
    xs = _float(xs)
    if _np.iscomplexobj(xs):
        raise ValueError("osculate.scipy.interpolate: the evaluation points must be real, got complex values")
    return xs, _np.shape(xs), _np.reshape(xs, (-1,))


def _fill_outside(out, outside, fill):
    """``fill`` where ``outside`` (shape (m,)) holds; ``out`` has shape (m, *trail)."""
    return _np.where(_column(outside, _np.ndim(out)), fill, out)


def _order(nu, who):
    if not isinstance(nu, (int, _np.integer)) or isinstance(nu, bool) or nu < 0:
        raise ValueError(f"{who}: the derivative order nu must be a non-negative integer, got {nu!r}")
    return int(nu)


def _check_extrapolate(extrapolate, who):
    if isinstance(extrapolate, str) and extrapolate == "periodic":
        return extrapolate
    if isinstance(extrapolate, (bool, _np.bool_)):
        return bool(extrapolate)
    raise ValueError(f"{who}: extrapolate must be True, False or 'periodic', got {extrapolate!r}")


# --------------------------------------------------------------------------- piecewise polynomials


class PPoly:
    """A piecewise polynomial, as :class:`scipy.interpolate.PPoly`: on
    ``x[i] <= s < x[i+1]`` its value is ``sum_m c[m, i] * (s - x[i]) ** (k - m)``.

    ``c`` (shape ``(k + 1, len(x) - 1, ...)``) and ``x`` may be traced; the
    value is differentiable in both and in the points.  ``extrapolate`` is
    True (the end pieces continue), False (NaN outside) or ``'periodic'``.

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import PPoly
    >>> p = PPoly(np.array([[1.0, 2.0], [0.0, 1.0]]), np.array([0.0, 1.0, 2.0]))
    >>> p(np.array([0.5, 1.5])), float(p.integrate(0.0, 2.0))
    (array([0.5, 2. ]), 2.5)
    """

    _skip_empty = True  # points beyond repeated end breakpoints go to the nearest non-empty piece
    _needs_width = False  # whether the evaluation needs each piece's width (the Bernstein basis does)

    def __init__(self, c, x, extrapolate=None, axis=0):
        c, x = _float(c), _float(x)
        if _np.ndim(x) != 1 or _np.shape(x)[0] < 2:
            raise ValueError("PPoly: x must be 1-dimensional with at least 2 breakpoints")
        if _np.ndim(c) < 2:
            raise ValueError(f"PPoly: c must have at least 2 dimensions, got shape {_np.shape(c)}")
        axis = _axis(axis, _np.ndim(c) - 1)
        if axis:  # the degree and piece axes of c sit at axis, axis + 1 (as SciPy's): move them first
            c = _np.moveaxis(_np.moveaxis(c, axis + 1, 0), axis + 1, 0)
        if _np.shape(c)[1] != _np.shape(x)[0] - 1:
            raise ValueError(f"PPoly: c must have {_np.shape(x)[0] - 1} pieces along axis {axis + 1}, "
                             f"got shape {_np.shape(c)}")
        xv = _known(x)
        if xv is not None and _np.any(_np.diff(xv) < 0):
            if _np.any(_np.diff(xv) > 0):
                raise ValueError("PPoly: x must be strictly increasing or decreasing (as in SciPy)")
            raise ValueError("PPoly: decreasing breakpoints are not supported on traced values yet (each piece's "
                             "polynomial is in powers of s - x[i] from its right end there): build the "
                             "piecewise polynomial on increasing breakpoints")
        self.c, self.x, self.axis = c, x, axis
        self.extrapolate = _check_extrapolate(True if extrapolate is None else extrapolate, "PPoly")

    @classmethod
    def _make(cls, c, x, extrapolate, axis, skip_empty=True):
        obj = object.__new__(PPoly)
        obj.c, obj.x, obj.extrapolate, obj.axis, obj._skip_empty = c, x, extrapolate, axis, skip_empty
        return obj

    def __call__(self, x, nu=0, extrapolate=None):
        """The value (or the ``nu``-th derivative) at ``x``."""
        nu = _order(nu, "PPoly")
        c = self.c if nu == 0 else self.derivative(nu).c
        extrapolate = self.extrapolate if extrapolate is None else _check_extrapolate(extrapolate, "PPoly")
        return self._evaluate(c, x, extrapolate)

    def _evaluate(self, c, xs, extrapolate):
        xs, lead, flat = _points(xs)
        x0, x1 = self.x[0], self.x[-1]
        if extrapolate == "periodic":
            flat = x0 + _np.mod(flat - x0, x1 - x0)
        trail = _np.shape(c)[2:]
        idx = _piece_index(flat, self.x, self._skip_empty)
        width = None
        if idx is not None:
            coef = _np.take(_np.moveaxis(c, 1, 0), idx, axis=0)  # (m, k + 1, *trail)
            left = _np.take(self.x, idx)
            if self._needs_width:
                width = _np.take(self.x, idx + 1) - left
        else:
            onehot = _pieces(flat, self.x, self._skip_empty)
            coef, left = _pick(onehot, _np.moveaxis(c, 1, 0)), _pick(onehot, self.x[:-1])
            if self._needs_width:
                width = _pick(onehot, self.x[1:]) - left
        out = self._combine(coef, _column(flat - left, 1 + len(trail)),
                            None if width is None else _column(width, 1 + len(trail)))
        if _np.shape(c)[0] == 1 or self._needs_width:  # (higher powers carry a NaN point through d)
            out = _fill_outside(out, _np.isnan(flat), _np.nan)
        if extrapolate is False:
            out = _fill_outside(out, (flat < x0) | (flat > x1), _np.nan)
        return _place(out, lead, self.axis, len(trail))

    @staticmethod
    def _combine(coef, d, width):
        """The pieces' polynomials (coefficients ``coef[:, m]``, descending powers) at the offsets ``d``."""
        out = coef[:, 0]
        for m in range(1, _np.shape(coef)[1]):
            out = out * d + coef[:, m]
        return out

    def derivative(self, nu=1):
        """The ``nu``-th derivative, a :class:`PPoly` of degree ``k - nu``."""
        nu = int(nu)
        if nu < 0:
            return self.antiderivative(-nu)
        c = self.c
        for _ in range(nu):
            k = _np.shape(c)[0] - 1
            if k == 0:
                c = c * 0.0
                break
            c = c[:-1] * _column(_np.arange(k, 0, -1.0), _np.ndim(c))
        return PPoly._make(c, self.x, self.extrapolate, self.axis)

    def antiderivative(self, nu=1):
        """The ``nu``-th antiderivative, zero at ``x[0]`` and continuous."""
        nu = int(nu)
        if nu < 0:
            return self.derivative(-nu)
        c = self.c
        h = self.x[1:] - self.x[:-1]
        for _ in range(nu):
            k = _np.shape(c)[0] - 1
            raised = c / _column(_np.arange(k + 1, 0, -1.0), _np.ndim(c))  # powers k+1 ... 1
            hc = _column(h, _np.ndim(c) - 1)
            ends = raised[0] * 0.0
            for m in range(k + 1):
                ends = (ends + raised[m]) * hc  # each piece's integral over itself
            start = _np.cumsum(ends, axis=0) - ends
            c = _np.concatenate([raised, _np.expand_dims(start, 0)], axis=0)
        extrapolate = self.extrapolate
        return PPoly._make(c, self.x, extrapolate, self.axis)

    def integrate(self, a, b, extrapolate=None):
        """The definite integral from ``a`` to ``b`` (``'periodic'``: whole periods counted)."""
        extrapolate = self.extrapolate if extrapolate is None else _check_extrapolate(extrapolate, "PPoly")
        F = self.antiderivative()
        a, b = _float(a), _float(b)
        if extrapolate != "periodic":
            ab = _np.stack([a, b])
            v = F._evaluate(F.c, ab, extrapolate)
            return _np.take(v, 1, axis=self.axis) - _np.take(v, 0, axis=self.axis)
        x0, x1 = self.x[0], self.x[-1]
        period = x1 - x0
        sign = _np.where(b < a, -1.0, 1.0)
        lo, hi = _np.minimum(a, b), _np.maximum(a, b)
        whole = _np.floor((hi - lo) / period)
        rest = (hi - lo) - whole * period
        start = x0 + _np.mod(lo - x0, period)
        end = start + rest
        wraps = end > x1
        pts = _np.stack([x0, x1, start, _np.where(wraps, end - period, end)])
        v = _np.moveaxis(F._evaluate(F.c, pts, True), self.axis, 0)
        full = v[1] - v[0]
        part = _np.where(wraps, v[1] - v[2] + v[3] - v[0], v[3] - v[2])
        return sign * (whole * full + part)


def _bernstein_raise(c, d):
    """The coefficients (first axis) of the same polynomial in the Bernstein basis of degree ``k + d``."""
    if d == 0:
        return c
    k = _np.shape(c)[0] - 1
    out = [0.0 * c[0]] * (k + d + 1)
    for a in range(k + 1):
        f = c[a] * float(_math.comb(k, a))
        for j in range(d + 1):
            out[a + j] = out[a + j] + f * (_math.comb(d, j) / _math.comb(k + d, a + j))
    return _np.stack(out)


def _bernstein_from_derivatives(xa, xb, ya, yb):
    """The Bernstein coefficients on ``[xa, xb]`` of the polynomial of degree
    ``len(ya) + len(yb) - 1`` with the derivatives ``ya`` at ``xa`` and ``yb`` at
    ``xb``: the ``q``-th derivative at an end involves only the ``q + 1``
    coefficients nearest it, so each is solved for in turn (the same recursion
    as SciPy's)."""
    na, nb = len(ya), len(yb)
    n = na + nb
    h = xb - xa
    c = [None] * n
    for q in range(na):  # poch(n - q, q) = (n - q)(n - q + 1)...(n - 1)
        v = ya[q] / float(_math.prod(range(n - q, n))) * h ** q
        for j in range(q):
            v = v - (-1.0) ** (j + q) * _math.comb(q, j) * c[j]
        c[q] = v
    for q in range(nb):
        v = yb[q] / float(_math.prod(range(n - q, n))) * (-1.0) ** q * h ** q
        for j in range(q):
            v = v - (-1.0) ** (j + 1) * _math.comb(q, j + 1) * c[n - q + j]
        c[n - q - 1] = v
    return _np.stack(c)


class BPoly(PPoly):
    """A piecewise polynomial in the Bernstein basis, as
    :class:`scipy.interpolate.BPoly`: on ``x[i] <= s < x[i+1]`` its value is
    ``sum_a c[a, i] * b(a, k; (s - x[i]) / (x[i+1] - x[i]))`` with
    ``b(a, k; t) = comb(k, a) t**a (1 - t)**(k - a)``.

    Everything SciPy computes is a polynomial or rational expression in ``c``,
    the breakpoints ``x`` and the points, so all are differentiable here (the
    piece a point falls in is the piecewise-constant choice of :class:`PPoly`);
    :meth:`from_derivatives` is differentiable in the breakpoints and the
    prescribed derivatives.  The breakpoints must be increasing.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.interpolate import BPoly
    >>> bp = BPoly.from_derivatives([0.0, 1.0], [[0.0, 1.0], [1.0, 0.0]])  # a cubic Hermite piece
    >>> round(float(bp(0.5)), 12), round(float(bp.integrate(0.0, 1.0)), 12)
    (0.625, 0.583333333333)
    >>> round(float(osc.grad(lambda s: bp(s, nu=1))(0.25)), 12)  # the second derivative
    0.5
    """

    _needs_width = True

    def __init__(self, c, x, extrapolate=None, axis=0):
        super().__init__(c, x, extrapolate, axis)
        xv = _known(self.x)
        if xv is not None and _np.any(_np.diff(xv) <= 0):
            raise ValueError("BPoly: the breakpoints x must be strictly increasing (decreasing breakpoints are "
                             "not supported on traced values: reverse x and the pieces of c)")

    @classmethod
    def _make(cls, c, x, extrapolate, axis, skip_empty=True):
        obj = object.__new__(BPoly)
        obj.c, obj.x, obj.extrapolate, obj.axis, obj._skip_empty = c, x, extrapolate, axis, skip_empty
        return obj

    @classmethod
    def construct_fast(cls, c, x, extrapolate=None, axis=0):
        """A :class:`BPoly` from ``c`` and ``x`` without checks (SciPy's constructor of the same name)."""
        c = _float(c)
        axis = _axis(axis, _np.ndim(c) - 1)
        if axis:
            c = _np.moveaxis(_np.moveaxis(c, axis + 1, 0), axis + 1, 0)
        return cls._make(c, _float(x), True if extrapolate is None else extrapolate, axis)

    @staticmethod
    def _combine(coef, d, width):
        """The Bernstein sums at the offsets ``d`` in pieces of widths ``width``."""
        k = _np.shape(coef)[1] - 1
        s = d / width
        r = 1.0 - s
        out = 0.0
        for a in range(k + 1):
            out = out + float(_math.comb(k, a)) * s ** a * r ** (k - a) * coef[:, a]
        return out

    def __call__(self, x, nu=0, extrapolate=None):
        """The value (or the ``nu``-th derivative) at ``x``."""
        nu = _order(nu, "BPoly")
        c = self.c if nu == 0 else self.derivative(nu).c
        extrapolate = self.extrapolate if extrapolate is None else _check_extrapolate(extrapolate, "BPoly")
        return self._evaluate(c, x, extrapolate)

    def derivative(self, nu=1):
        """The ``nu``-th derivative, a :class:`BPoly` of degree ``k - nu``: ``k`` times the
        differences of the coefficients, over the piece's width."""
        nu = int(nu)
        if nu < 0:
            return self.antiderivative(-nu)
        c = self.c
        h = _column(self.x[1:] - self.x[:-1], _np.ndim(c) - 1)
        for _ in range(nu):
            k = _np.shape(c)[0] - 1
            c = c * 0.0 if k == 0 else k * (c[1:] - c[:-1]) / h
        return BPoly._make(c, self.x, self.extrapolate, self.axis)

    def antiderivative(self, nu=1):
        """The ``nu``-th antiderivative, zero at ``x[0]`` and continuous (``'periodic'`` becomes False)."""
        nu = int(nu)
        if nu < 0:
            return self.derivative(-nu)
        c = self.c
        h = _column(self.x[1:] - self.x[:-1], _np.ndim(c) - 1)
        for _ in range(nu):
            k = _np.shape(c)[0]
            c = _np.concatenate([0.0 * c[:1], _np.cumsum(c, axis=0) / float(k)], axis=0) * h
            ends = c[k]  # each piece's integral over itself
            c = c + _np.expand_dims(_np.cumsum(ends, axis=0) - ends, 0)
        extrapolate = False if self.extrapolate == "periodic" else self.extrapolate
        return BPoly._make(c, self.x, extrapolate, self.axis)

    @classmethod
    def from_power_basis(cls, pp, extrapolate=None):
        """The :class:`BPoly` equal to the :class:`PPoly` ``pp`` (SciPy's or osculate's)."""
        if isinstance(pp, _scipy_interpolate.PPoly):
            pp = PPoly(pp.c, pp.x, pp.extrapolate, pp.axis)
        if type(pp) is not PPoly:
            raise TypeError(f"BPoly.from_power_basis only accepts PPoly instances, got {type(pp).__name__}")
        c = pp.c
        k = _np.shape(c)[0] - 1
        dx = _column(pp.x[1:] - pp.x[:-1], _np.ndim(c) - 1)
        out = [0.0 * c[0]] * (k + 1)
        for a in range(k + 1):
            factor = c[a] / float(_math.comb(k, k - a)) * dx ** (k - a)
            for j in range(k - a, k + 1):
                out[j] = out[j] + factor * float(_math.comb(j, k - a))
        return cls._make(_np.stack(out), pp.x, pp.extrapolate if extrapolate is None else extrapolate, pp.axis)

    @classmethod
    def from_derivatives(cls, xi, yi, orders=None, extrapolate=None):
        """The piecewise polynomial with the derivatives ``yi[i] = [f(xi[i]), f'(xi[i]), ...]``
        at the breakpoints ``xi``, as SciPy's: on each piece, of the lowest degree
        that matches them (or ``orders``), raised to the common degree."""
        xi = _float(xi)
        if len(xi) != len(yi):
            raise ValueError("BPoly.from_derivatives: xi and yi need to have the same length")
        xv = _known(xi)
        if xv is not None and _np.any(xv[1:] - xv[:1] <= 0):
            raise ValueError("BPoly.from_derivatives: x coordinates are not in increasing order")
        m = len(xi) - 1
        try:
            k = max(len(yi[i]) + len(yi[i + 1]) for i in range(m))
        except TypeError as e:
            raise ValueError("BPoly.from_derivatives: using a 1-D array for y? Please .reshape(-1, 1)") from e
        if orders is None:
            orders = [None] * m
        else:
            if isinstance(orders, (int, _np.integer)):
                orders = [orders] * m
            k = max(k, max(orders))
            if any(o <= 0 for o in orders):
                raise ValueError("BPoly.from_derivatives: orders must be positive")
        pieces = []
        for i in range(m):
            y1, y2 = yi[i], yi[i + 1]
            if orders[i] is None:
                n1, n2 = len(y1), len(y2)
            else:  # SciPy's split of the order between the ends (its second line reads len(y2))
                n = orders[i] + 1
                n1 = min(n // 2, len(y1))
                n2 = min(n - n1, len(y2))
                n1 = min(n - n2, len(y2))
                if n1 + n2 != n:
                    raise ValueError(f"BPoly.from_derivatives: point {i} has {len(y1)} derivatives, point {i + 1} "
                                     f"has {len(y2)} derivatives, but order {orders[i]} requested")
                if not (n1 <= len(y1) and n2 <= len(y2)):
                    raise ValueError("BPoly.from_derivatives: `order` input incompatible with length y1 or y2")
            ya = [_float(v) for v in list(y1)[:n1]]
            yb = [_float(v) for v in list(y2)[:n2]]
            if {_np.shape(v) for v in ya} != {_np.shape(v) for v in yb} and ya and yb:
                raise ValueError(f"BPoly.from_derivatives: shapes of the derivatives at points {i} and {i + 1} "
                                 "are incompatible")
            b = _bernstein_from_derivatives(xi[i], xi[i + 1], ya, yb)
            pieces.append(_bernstein_raise(b, k - _np.shape(b)[0]))
        c = _np.stack(pieces, axis=1)
        return cls._make(c, xi, True if extrapolate is None else _check_extrapolate(extrapolate, "BPoly"), 0)


def _hermite_coefficients(x, y, dydx):
    """The cubic pieces with values ``y`` and slopes ``dydx`` at ``x`` (data axis first)."""
    nd = _np.ndim(y)
    h = _column(x[1:] - x[:-1], nd)
    slope = (y[1:] - y[:-1]) / h
    s0, s1 = dydx[:-1], dydx[1:]
    t = (s0 + s1 - 2.0 * slope) / h
    return _np.stack([t / h, (slope - s0) / h - t, s0, y[:-1]])


def _real(y, who):
    if _np.iscomplexobj(y):
        raise ValueError(f"{who}: y must be real (its slopes compare signs); interpolate the real and "
                         "imaginary parts separately")


def _prepare(x, y, axis, who, finite=True):
    x = _knots(x, "x", who)
    y = _float(y)
    if _np.ndim(y) == 0:
        raise ValueError(f"{who}: y must be at least 1-dimensional")
    yv = _known(y) if finite else None
    if yv is not None and not _np.all(_np.isfinite(yv)):
        raise ValueError(f"{who}: y must contain only finite values")
    axis = _axis(axis, _np.ndim(y))
    y = _np.moveaxis(y, axis, 0)
    if _np.shape(y)[0] != _np.shape(x)[0]:
        raise ValueError(f"{who}: x and y have different lengths along the interpolation axis "
                         f"({_np.shape(x)[0]} and {_np.shape(y)[0]})")
    return x, y, axis


class CubicHermiteSpline(PPoly):
    """The piecewise cubic with given values and first derivatives at the
    knots, as :class:`scipy.interpolate.CubicHermiteSpline`.

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import CubicHermiteSpline
    >>> float(CubicHermiteSpline([0.0, 1.0], [0.0, 1.0], [0.0, 3.0])(0.5))
    0.125
    """

    def __init__(self, x, y, dydx, axis=0, extrapolate=None):
        x, y, axis = _prepare(x, y, axis, "CubicHermiteSpline")
        dydx = _np.moveaxis(_float(dydx), axis, 0)
        if _np.shape(dydx) != _np.shape(y):
            raise ValueError(f"CubicHermiteSpline: dydx must have the shape of y, got {_np.shape(dydx)}")
        self._setup(x, y, dydx, axis, extrapolate)

    def _setup(self, x, y, dydx, axis, extrapolate):
        self.x, self.axis = x, axis
        self.c = _hermite_coefficients(x, y, dydx)
        self.extrapolate = _check_extrapolate(True if extrapolate is None else extrapolate, type(self).__name__)


_BC_NAMES = {"clamped": (1, 0.0), "natural": (2, 0.0)}


def _boundary(bc, side, trail):
    """``'not-a-knot'`` or ``(order, value)`` with ``value`` shaped like one data row."""
    if isinstance(bc, str):
        if bc == "not-a-knot":
            return bc
        if bc in _BC_NAMES:
            order, value = _BC_NAMES[bc]
            return order, _np.zeros(trail)
        raise ValueError(f"CubicSpline: bc_type {side} {bc!r} is not one of 'not-a-knot', 'clamped', 'natural' "
                         "or (order, value)")
    try:
        order, value = bc
    except (TypeError, ValueError):
        raise ValueError(f"CubicSpline: bc_type {side} must be a string or a pair (order, value), got {bc!r}") from None
    if order not in (1, 2):
        raise ValueError(f"CubicSpline: bc_type {side} derivative order must be 1 or 2, got {order!r}")
    value = _float(value)
    if _np.shape(value) != tuple(trail):
        try:
            value = _np.broadcast_to(value, trail) * 1.0
        except ValueError:
            raise ValueError(f"CubicSpline: bc_type {side} value must have shape {tuple(trail)}, "
                             f"got {_np.shape(value)}") from None
    return int(order), value


class CubicSpline(CubicHermiteSpline):
    """The cubic spline through ``(x, y)``, twice continuously differentiable,
    as :class:`scipy.interpolate.CubicSpline`.

    ``bc_type`` is ``'not-a-knot'`` (default), ``'clamped'``, ``'natural'``,
    ``'periodic'`` or a pair of ``(order, value)`` conditions (or those
    names) for the two ends.  The knot slopes solve a tridiagonal system with
    :func:`osculate.scipy.linalg.solve_banded` (a cyclic one with
    ``np.linalg.solve`` when periodic), so the spline is differentiable in
    ``y``, in ``x``, in the end conditions' values and in the points.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.interpolate import CubicSpline
    >>> x = np.array([0.0, 1.0, 2.0, 3.0])
    >>> s = CubicSpline(x, np.array([0.0, 1.0, 0.0, 1.0]), bc_type="natural")
    >>> round(float(s(1.5)), 6), round(float(s(1.5, nu=1)), 6), round(float(s.integrate(0.0, 3.0)), 6)
    (0.5, -1.333333, 1.5)
    >>> osc.grad(lambda y: CubicSpline(x, y, bc_type="natural")(1.5))(np.zeros(4))
    array([-0.075,  0.575,  0.575, -0.075])
    """

    def __init__(self, x, y, axis=0, bc_type="not-a-knot", extrapolate=None):
        x, y, axis = _prepare(x, y, axis, "CubicSpline")
        trail = _np.shape(y)[1:]
        if isinstance(bc_type, str) and bc_type == "periodic":
            yv = _known(y)
            if yv is not None and not _np.allclose(yv[0], yv[-1], rtol=1e-15, atol=1e-15):
                raise ValueError(f"CubicSpline: the first and last y along axis {axis} must be equal "
                                 "when bc_type='periodic'")
            bc = "periodic"
        elif isinstance(bc_type, str):
            bc = (_boundary(bc_type, "start", trail), _boundary(bc_type, "end", trail))
        else:
            try:
                first, last = bc_type
            except (TypeError, ValueError):
                raise ValueError("CubicSpline: bc_type must be a string or a pair of conditions, "
                                 f"got {bc_type!r}") from None
            bc = (_boundary(first, "start", trail), _boundary(last, "end", trail))
        if extrapolate is None:
            extrapolate = "periodic" if bc == "periodic" else True
        self._setup(x, y, _cubic_slopes(x, y, bc), axis, extrapolate)


def _cubic_slopes(x, y, bc):
    n, nd = _np.shape(x)[0], _np.ndim(y)
    dx = x[1:] - x[:-1]
    h = _column(dx, nd)
    m = (y[1:] - y[:-1]) / h
    if bc != "periodic" and n == 2:  # one piece: not-a-knot means the straight line
        bc = tuple((1, m[0]) if b == "not-a-knot" else b for b in bc)
    if n == 2 and bc == "periodic":
        return _np.concatenate([m, m])
    if n == 3 and bc == ("not-a-knot", "not-a-knot"):  # the parabola through the three points
        A = _np.stack([_np.stack([1.0 + 0.0 * dx[0], 1.0 + 0.0 * dx[0], 0.0 * dx[0]]),
                       _np.stack([dx[1], 2.0 * (dx[0] + dx[1]), dx[0]]),
                       _np.stack([0.0 * dx[0], 1.0 + 0.0 * dx[0], 1.0 + 0.0 * dx[0]])])
        rhs = _np.stack([2.0 * m[0], 3.0 * (h[0] * m[1] + h[1] * m[0]), 2.0 * m[1]])
        return _solve_columns(A, rhs)
    if bc == "periodic":  # unknowns s_0 .. s_{n-2}, with s_{n-1} = s_0
        N = n - 1
        prev_h, prev_m = _np.roll(dx, 1), _np.roll(m, 1, axis=0)
        eye = _np.eye(N)
        down, up = _np.roll(eye, -1, axis=1), _np.roll(eye, 1, axis=1)
        A = (_column(2.0 * (prev_h + dx), 2) * eye + _column(dx, 2) * down + _column(prev_h, 2) * up)
        rhs = 3.0 * (h * prev_m + _column(prev_h, nd) * m)
        s = _solve_columns(A, rhs)
        return _np.concatenate([s, s[:1]], axis=0)
    (first, last), zero = bc, 0.0 * dx[0]
    if first == "not-a-knot":
        d = x[2] - x[0]
        a00, a01 = dx[1], d
        b0 = ((dx[0] + 2.0 * d) * dx[1] * m[0] + dx[0] ** 2 * m[1]) / d
    elif first[0] == 1:
        a00, a01, b0 = 1.0 + zero, zero, first[1]
    else:
        a00, a01, b0 = 2.0 + zero, 1.0 + zero, 3.0 * m[0] - 0.5 * first[1] * dx[0]
    if last == "not-a-knot":
        d = x[-1] - x[-3]
        ann, ann1 = dx[-2], d
        bn = (dx[-1] ** 2 * m[-2] + (2.0 * d + dx[-1]) * dx[-2] * m[-1]) / d
    elif last[0] == 1:
        ann, ann1, bn = 1.0 + zero, zero, last[1]
    else:
        ann, ann1, bn = 2.0 + zero, 1.0 + zero, 3.0 * m[-1] + 0.5 * last[1] * dx[-1]
    ab = _np.stack([
        _np.concatenate([_np.stack([zero, a01]), dx[:-1]]),
        _np.concatenate([_np.stack([a00]), 2.0 * (dx[:-1] + dx[1:]), _np.stack([ann])]),
        _np.concatenate([dx[1:], _np.stack([ann1, zero])]),
    ])
    inner = 3.0 * (h[1:] * m[:-1] + h[:-1] * m[1:])
    rhs = _np.concatenate([_np.expand_dims(b0 + 0.0 * m[0], 0), inner, _np.expand_dims(bn + 0.0 * m[0], 0)])
    cols = _np.reshape(rhs, (n, -1))
    return _np.reshape(_solve_banded((1, 1), ab, cols), _np.shape(rhs))


def _solve_columns(A, rhs):
    """``A⁻¹ rhs`` for a right-hand side of any trailing shape."""
    cols = _np.reshape(rhs, (_np.shape(rhs)[0], -1))
    return _np.reshape(_np.linalg.solve(A, cols), _np.shape(rhs))


def _safe_div(num, den):
    """``num / den`` where ``den != 0``, else 0 (no warning, finite derivatives)."""
    ok = den != 0.0
    return _np.where(ok, num / _np.where(ok, den, 1.0), 0.0)


def _pchip_slopes(x, y):
    nd = _np.ndim(y)
    h = _column(x[1:] - x[:-1], nd)
    m = (y[1:] - y[:-1]) / h
    if _np.shape(x)[0] == 2:
        return _np.concatenate([m, m])
    h0, h1 = h[:-1], h[1:]
    w1, w2 = 2.0 * h1 + h0, h1 + 2.0 * h0
    ma, mb = m[:-1], m[1:]
    flat = (_np.sign(ma) != _np.sign(mb)) | (ma == 0.0) | (mb == 0.0)
    inv = _np.where(flat, 1.0, w1 / _np.where(flat, 1.0, ma) + w2 / _np.where(flat, 1.0, mb))
    inner = _np.where(flat, 0.0, (w1 + w2) / inv)

    def end(ha, hb, ma, mb):  # the shape-preserving three-point estimate at an end
        d = ((2.0 * ha + hb) * ma - ha * mb) / (ha + hb)
        wrong = _np.sign(d) != _np.sign(ma)
        steep = (_np.sign(ma) != _np.sign(mb)) & (_np.abs(d) > _np.abs(3.0 * ma))
        return _np.where(wrong, 0.0, _np.where(steep, 3.0 * ma, d))

    first = end(h[0], h[1], m[0], m[1])
    last = end(h[-1], h[-2], m[-1], m[-2])
    return _np.concatenate([_np.expand_dims(first, 0), inner, _np.expand_dims(last, 0)])


class PchipInterpolator(CubicHermiteSpline):
    """The monotonicity-preserving piecewise cubic (PCHIP, Fritsch-Butland
    slopes), as :class:`scipy.interpolate.PchipInterpolator`.  Its slopes
    switch form where the data's differences change sign (piecewise, from the
    primal values); within each case they are smooth in ``x`` and ``y``.

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import PchipInterpolator
    >>> float(PchipInterpolator([0.0, 1.0, 2.0], [0.0, 1.0, 1.0])(0.5))
    0.6875
    """

    def __init__(self, x, y, axis=0, extrapolate=None):
        x, y, axis = _prepare(x, y, axis, "PchipInterpolator")
        _real(y, "PchipInterpolator")
        self._setup(x, y, _pchip_slopes(x, y), axis, extrapolate)


def pchip_interpolate(xi, yi, x, der=0, axis=0):
    """The PCHIP interpolant of ``(xi, yi)`` (or its derivatives ``der``, an
    int or a list of them) at ``x``, as :func:`scipy.interpolate.pchip_interpolate`.

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import pchip_interpolate
    >>> pchip_interpolate([0.0, 1.0, 2.0], [0.0, 1.0, 1.0], [0.5, 1.5])
    array([0.6875, 1.    ])
    """
    p = PchipInterpolator(xi, yi, axis=axis)
    if isinstance(der, (list, tuple)):
        return [p(x, nu=d) for d in der]
    return p(x, nu=der)


def _akima_slopes(x, y, method):
    nd = _np.ndim(y)
    n = _np.shape(x)[0]
    h = _column(x[1:] - x[:-1], nd)
    m = (y[1:] - y[:-1]) / h
    if n == 2:
        return _np.concatenate([m, m])
    # two extra slopes beyond each end, continuing the differences linearly
    before1 = 2.0 * m[0] - m[1]
    before2 = 2.0 * before1 - m[0]
    after1 = 2.0 * m[-1] - m[-2]
    after2 = 2.0 * after1 - m[-1]
    me = _np.concatenate([_np.stack([before2, before1]), m, _np.stack([after1, after2])])
    dm = _np.abs(me[1:] - me[:-1])
    if method == "makima":
        pm = _np.abs(me[1:] + me[:-1])
        f1, f2 = dm[2:] + 0.5 * pm[2:], dm[:-2] + 0.5 * pm[:-2]
    else:
        f1, f2 = dm[2:], dm[:-2]
    f12 = f1 + f2
    big = _known(f12)
    big = None if big is None else big.max()
    if big is None:
        big = _np.max(f12)
    weighted = f12 > 1e-9 * big
    mid = 0.5 * (me[3:] + me[:-3])
    return _np.where(weighted, (f1 * me[1:-2] + f2 * me[2:-1]) / _np.where(weighted, f12, 1.0), mid)


class Akima1DInterpolator(CubicHermiteSpline):
    """Akima's piecewise cubic (``method='akima'``) or the modified one
    (``'makima'``), as :class:`scipy.interpolate.Akima1DInterpolator`
    (``extrapolate`` defaults to False: NaN outside the data).

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import Akima1DInterpolator
    >>> x = np.arange(5.0)
    >>> Akima1DInterpolator(x, x ** 2)(np.array([1.5, 2.5]))
    array([2.25, 6.25])
    """

    def __init__(self, x, y, axis=0, *, method="akima", extrapolate=None):
        if method not in ("akima", "makima"):
            raise NotImplementedError(f"Akima1DInterpolator: method must be 'akima' or 'makima', got {method!r}")
        x, y, axis = _prepare(x, y, axis, "Akima1DInterpolator")
        _real(y, "Akima1DInterpolator")
        self._setup(x, y, _akima_slopes(x, y, method), axis, False if extrapolate is None else extrapolate)


# --------------------------------------------------------------------------- B-splines


def _basis(t, k, xs, nu=0, support=False):
    """The ``(m, len(t) - k - 1)`` matrix of the B-spline basis functions of
    degree ``k`` on the knots ``t`` (or their ``nu``-th derivatives) at the
    points ``xs``, by the Cox-de Boor recursion.  A point outside
    ``[t[k], t[n]]`` gets the polynomial of the nearest end interval."""
    nt = _np.shape(t)[0]
    n = nt - k - 1
    m = _np.shape(xs)[0]
    # (m, n - k): the span t[j] <= x < t[j + 1], k <= j < n; degree 0 keeps SciPy's
    # choice of the last (empty) span from t[n] on, so that the spline there is c[n - 1]
    onehot = _pieces(xs, t[k:n + 1], skip_empty=k > 0)
    if support:  # the k + 1 functions that do not vanish on the span (the coefficients de Boor reads)
        S = _np.concatenate([onehot, _np.zeros((m, k))], axis=1)
        for shift in range(1, k + 1):
            S = S + _np.concatenate([_np.zeros((m, shift)), onehot, _np.zeros((m, k - shift))], axis=1)
        return _basis(t, k, xs, nu), S
    if nu > k:
        return _np.zeros((m, n)) + 0.0 * _np.expand_dims(xs, 1)
    B = _np.concatenate([_np.zeros((m, k)), onehot, _np.zeros((m, nt - 1 - n))], axis=1)
    xe = _np.expand_dims(xs, 1)
    if k == 0:  # NaN points give NaN (higher degrees get it from the recursion)
        B = B + _np.where(_np.isnan(xe), _np.nan, 0.0)
    for p in range(1, k - nu + 1):  # degree p from degree p - 1: nt - 1 - p columns
        w = _safe_div(xe - t[:nt - p], t[p:] - t[:nt - p])
        B = w[:, :-1] * B[:, :-1] + (1.0 - w[:, 1:]) * B[:, 1:]
    for p in range(k - nu + 1, k + 1):  # derivatives raise the degree without the x factors
        inv = _safe_div(1.0, t[p:] - t[:nt - p])
        B = p * (inv[:-1] * B[:, :-1] - inv[1:] * B[:, 1:])
    return B


class BSpline:
    """The spline ``sum_i c[i] B_i(x)`` of degree ``k`` on the knots ``t``, as
    :class:`scipy.interpolate.BSpline`.  ``t`` and ``c`` may be traced; the
    basis functions are evaluated by the Cox-de Boor recursion with NumPy
    operations, so the value is differentiable in ``c``, ``t`` and the points.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.interpolate import BSpline
    >>> b = BSpline(np.array([0.0, 0.0, 0.0, 1.0, 2.0, 2.0, 2.0]), np.array([0.0, 1.0, 1.0, 0.0]), 2)
    >>> float(b(1.0)), round(float(b.integrate(0.0, 2.0)), 12)
    (1.0, 1.333333333333)
    >>> osc.grad(lambda c: b.__class__(b.t, c, 2)(0.5))(np.zeros(4))
    array([0.25 , 0.625, 0.125, 0.   ])
    """

    def __init__(self, t, c, k, extrapolate=True, axis=0):
        k = int(k)
        if k < 0:
            raise ValueError(f"BSpline: k must be non-negative, got {k}")
        t, c = _float(t), _float(c)
        if _np.ndim(t) != 1:
            raise ValueError(f"BSpline: t must be 1-dimensional, got shape {_np.shape(t)}")
        n = _np.shape(t)[0] - k - 1
        if n < k + 1:
            raise ValueError(f"BSpline: need at least {2 * k + 2} knots for degree {k}, got {_np.shape(t)[0]}")
        if _np.ndim(c) == 0:
            raise ValueError("BSpline: c must be at least 1-dimensional")
        axis = _axis(axis, _np.ndim(c))
        c = _np.moveaxis(c, axis, 0)
        if _np.shape(c)[0] < n:
            raise ValueError(f"BSpline: need at least {n} coefficients for {_np.shape(t)[0]} knots and degree {k}")
        tv = _known(t)
        if tv is not None and _np.any(_np.diff(tv) < 0):
            raise ValueError("BSpline: the knots t must be in non-decreasing order")
        self.t, self.c, self.k, self.axis = t, c[:n], k, axis
        self.extrapolate = _check_extrapolate(extrapolate, "BSpline")

    @classmethod
    def _make(cls, t, c, k, extrapolate, axis):
        obj = object.__new__(BSpline)
        obj.t, obj.c, obj.k, obj.extrapolate, obj.axis = t, c, k, extrapolate, axis
        return obj

    @classmethod
    def construct_fast(cls, t, c, k, extrapolate=True, axis=0):
        """The spline without the checks of the constructor, as SciPy's."""
        c = _float(c)
        return BSpline._make(_float(t), _np.moveaxis(c, axis, 0) if _np.ndim(c) else c, int(k),
                             _check_extrapolate(extrapolate, "BSpline"), axis)

    @property
    def tck(self):
        return self.t, self.c, self.k

    def __call__(self, x, nu=0, extrapolate=None):
        """The value (or ``nu``-th derivative) at ``x``."""
        extrapolate = self.extrapolate if extrapolate is None else _check_extrapolate(extrapolate, "BSpline")
        xs, lead, flat = _points(x)
        k, n = self.k, _np.shape(self.c)[0]
        lo, hi = self.t[k], self.t[n]
        if extrapolate == "periodic":
            flat = lo + _np.mod(flat - lo, hi - lo)
        out = _spline_at(self.t, k, flat, self.c, _order(nu, "BSpline"))
        if extrapolate is False:
            out = _fill_outside(out, (flat < lo) | (flat > hi), _np.nan)
        return _place(out, lead, self.axis, _np.ndim(self.c) - 1)

    def derivative(self, nu=1):
        """The ``nu``-th derivative, a :class:`BSpline` of degree ``k - nu``."""
        t, c, k = self.t, self.c, self.k
        for _ in range(int(nu)):
            if k == 0:
                raise ValueError("BSpline.derivative: the order of derivative exceeds the degree")
            n = _np.shape(c)[0]
            scale = _safe_div(float(k), t[k + 1:k + n] - t[1:n])
            c = _column(scale, _np.ndim(c)) * (c[1:] - c[:-1])
            t, k = t[1:-1], k - 1
        return BSpline._make(t, c, k, self.extrapolate, self.axis)

    def antiderivative(self, nu=1):
        """The ``nu``-th antiderivative, zero at ``t[0]``."""
        t, c, k = self.t, self.c, self.k
        for _ in range(int(nu)):
            n = _np.shape(c)[0]
            width = _column(t[k + 1:k + 1 + n] - t[:n], _np.ndim(c))
            c = _np.concatenate([c[:1] * 0.0, _np.cumsum(c * width, axis=0) / (k + 1)])
            t, k = _np.concatenate([t[:1], t, t[-1:]]), k + 1
        return BSpline._make(t, c, k, self.extrapolate, self.axis)

    def integrate(self, a, b, extrapolate=None):
        """The definite integral from ``a`` to ``b`` (without extrapolation the
        limits are clipped to ``[t[k], t[n]]``)."""
        extrapolate = self.extrapolate if extrapolate is None else _check_extrapolate(extrapolate, "BSpline")
        F = self.antiderivative()
        lo, hi = self.t[self.k], self.t[_np.shape(self.c)[0]]
        a, b = _float(a), _float(b)
        if extrapolate == "periodic":
            period = hi - lo
            sign = _np.where(b < a, -1.0, 1.0)
            s, e = _np.minimum(a, b), _np.maximum(a, b)
            whole = _np.floor((e - s) / period)
            start = lo + _np.mod(s - lo, period)
            end = start + (e - s) - whole * period
            wraps = end > hi
            v = _spline_at(F.t, F.k, _np.stack([lo, hi, start, _np.where(wraps, end - period, end)]), F.c)
            part = _np.where(wraps, v[1] - v[2] + v[3] - v[0], v[3] - v[2])
            out = sign * (whole * (v[1] - v[0]) + part)
        else:
            if extrapolate is False:
                a, b = _np.clip(a, lo, hi), _np.clip(b, lo, hi)
            v = _spline_at(F.t, F.k, _np.stack([a, b]), F.c)
            out = v[1] - v[0]
        return _place(_np.expand_dims(out, 0), (), self.axis, _np.ndim(self.c) - 1)


def _interp_knots(x, k, bc):
    ends = lambda v: _np.stack([v] * (k + 1))  # noqa: E731
    if bc is None:
        if k % 2:
            inner = x[(k + 1) // 2:-((k + 1) // 2)]
        else:
            mids = 0.5 * (x[1:] + x[:-1])
            inner = mids[k // 2:-(k // 2)]
    else:
        inner = x[1:-1]
    return _np.concatenate([ends(x[0]), inner, ends(x[-1])])


def _derivative_conditions(bc, trail, side):
    if bc is None:
        return []
    if isinstance(bc, str):
        raise ValueError(f"make_interp_spline: bc_type {side} {bc!r} is not one of None, 'clamped', 'natural' "
                         "or a list of (order, value)")
    out = []
    for item in bc:
        try:
            order, value = item
        except (TypeError, ValueError):
            raise ValueError(f"make_interp_spline: bc_type {side} must be a list of (order, value) pairs") from None
        value = _float(value)
        try:
            value = _np.broadcast_to(value, trail) * 1.0
        except ValueError:
            raise ValueError(f"make_interp_spline: bc_type {side} value must have shape {tuple(trail)}") from None
        out.append((int(order), value))
    return out


def make_interp_spline(x, y, k=3, t=None, bc_type=None, axis=0, check_finite=True):
    """The B-spline of degree ``k`` through ``(x, y)``, as
    :func:`scipy.interpolate.make_interp_spline` (a :class:`BSpline`).

    ``bc_type`` is None (not-a-knot), ``'clamped'``, ``'natural'`` (one first
    or second derivative zero at each end: ``k=3``), ``'periodic'`` or a pair
    of lists of ``(order, value)`` end conditions; ``t`` may be given.  The
    coefficients solve the collocation system with
    :func:`osculate.scipy.linalg.solve_banded` (``np.linalg.solve`` when it is
    not banded, periodic, or inside ``jit``), so they are differentiable in
    ``y``, ``x`` and the end conditions.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.interpolate import make_interp_spline
    >>> x = np.linspace(0.0, 1.0, 6)
    >>> round(float(make_interp_spline(x, x ** 3)(0.3)), 12)
    0.027
    >>> round(float(osc.grad(lambda y: make_interp_spline(x, y, k=1)(0.3))(x ** 3)[1]), 12)
    0.5
    """
    k = int(k)
    x, y, axis = _prepare(x, y, axis, "make_interp_spline", finite=check_finite)
    trail = _np.shape(y)[1:]
    n = _np.shape(x)[0]
    if isinstance(bc_type, (list, tuple)) and "periodic" in [b for b in bc_type if isinstance(b, str)]:
        raise ValueError("make_interp_spline: 'periodic' is a bc_type of its own, not one end's condition")
    if isinstance(bc_type, str) and bc_type == "periodic":
        if k <= 1:  # (as SciPy: the end values already agree)
            bc_type = None
        else:
            return _periodic_spline(x, y, k, t, axis)
    if k == 0 or (k == 1 and t is None):
        if bc_type is not None:
            raise ValueError(f"make_interp_spline: bc_type must be None for k={k}")
        knots = _np.concatenate([x, x[-1:]]) if k == 0 else _np.concatenate([x[:1], x, x[-1:]])
        return BSpline._make(knots, y, k, True, axis)
    if isinstance(bc_type, str) or bc_type is None:
        first = last = bc_type
    else:
        try:
            first, last = bc_type
        except (TypeError, ValueError):
            raise ValueError(f"make_interp_spline: bc_type must be None, a string or a pair, got {bc_type!r}") from None
    if first == "not-a-knot":
        first = None
    if last == "not-a-knot":
        last = None

    def conditions(bc, side):
        if isinstance(bc, str) and bc in _BC_NAMES:
            if k % 2 == 0:
                raise ValueError(f"make_interp_spline: bc_type {bc!r} needs an odd k, got {k}")
            return [(_BC_NAMES[bc][0], _np.zeros(trail))]
        return _derivative_conditions(bc, trail, side)

    left, right = conditions(first, "start"), conditions(last, "end")
    if t is None:
        if (first is None) != (last is None):
            raise ValueError("make_interp_spline: mixing not-a-knot with derivative conditions needs the knots t")
        knots = _interp_knots(x, k, None if first is None else "derivs")
    else:
        knots = _float(t)
    nc = _np.shape(knots)[0] - k - 1
    if nc != n + len(left) + len(right):
        raise ValueError(f"make_interp_spline: {n} points and {len(left) + len(right)} end conditions do not "
                         f"determine {nc} coefficients (k={k})")
    # the rows in the order of the unknowns' spans: the start's conditions, the points, the end's
    rows = [_basis(knots, k, x[:1], order) for order, _ in left] + [_basis(knots, k, x)]
    rows += [_basis(knots, k, x[-1:], order) for order, _ in right]
    rhs = [_np.expand_dims(value + 0.0 * y[0], 0) for _, value in left] + [y]
    rhs += [_np.expand_dims(value + 0.0 * y[0], 0) for _, value in right]
    c = _solve_collocation(_np.concatenate(rows, axis=0), _np.concatenate(rhs, axis=0), k)
    return BSpline._make(knots, c, k, True, axis)


def _periodic_spline(x, y, k, t, axis):
    """The periodic interpolating spline: knots continued by the period at both
    ends, coefficients with ``c[j] = c[j + n - 1]`` for ``j < k`` (so every
    derivative matches at the ends), as SciPy's ``bc_type='periodic'``."""
    n = _np.shape(x)[0]
    yv = _known(y)
    if yv is not None and not _np.allclose(yv[0], yv[-1], atol=1e-15):
        raise ValueError("make_interp_spline: the first and last y must be equal for bc_type='periodic'")
    if n < k + 1:
        raise ValueError(f"make_interp_spline: bc_type='periodic' with k={k} needs at least {k + 1} points")
    if t is None:
        period = x[-1] - x[0]
        if k % 2:
            inner = x
        else:
            mids = 0.5 * (x[1:] + x[:-1])
            inner = _np.concatenate([x[:1], mids[:-1], x[-1:]])
        t = _np.concatenate([inner[-k - 1:-1] - period, inner, inner[1:k + 1] + period])
    else:
        t = _float(t)
    nc = n + k - 1
    if _np.shape(t)[0] != nc + k + 1:
        raise ValueError(f"make_interp_spline: a periodic spline of degree {k} through {n} points needs "
                         f"{nc + k + 1} knots, got {_np.shape(t)[0]}")
    rows = _basis(t, k, x[:-1])
    tie = _np.zeros((k, nc))
    tie[_np.arange(k), _np.arange(k)] = 1.0
    tie[_np.arange(k), _np.arange(k) + n - 1] = -1.0
    A = _np.concatenate([rows, tie], axis=0)
    rhs = _np.concatenate([y[:-1], _np.zeros((k,) + tuple(_np.shape(y)[1:]))], axis=0)
    return BSpline._make(t, _solve_columns(A, rhs), k, "periodic", axis)


def _solve_collocation(A, rhs, k):
    """``A⁻¹ rhs`` for a collocation matrix: with ``solve_banded`` (O(n k²))
    when its values show it within ``k`` diagonals of the main one, else dense."""
    Av = _known(A)
    n = _np.shape(A)[0]
    if Av is None or n <= 2 * k + 1 or _np.any(_np.triu(Av, k + 1)) or _np.any(_np.tril(Av, -k - 1)):
        return _solve_columns(A, rhs)
    band = []
    for offset in range(k, -k - 1, -1):  # band row k - offset holds the diagonal A[i, i + offset]
        diag = _np.diagonal(A, offset)
        pad = _np.zeros(abs(offset))
        band.append(_np.concatenate([pad, diag] if offset > 0 else [diag, pad]))
    cols = _np.reshape(rhs, (n, -1))
    return _np.reshape(_solve_banded((k, k), _np.stack(band), cols), _np.shape(rhs))


# --------------------------------------------------------------------------- interp1d


_SPLINE_KINDS = {"zero": 0, "slinear": 1, "quadratic": 2, "cubic": 3}
_STEP_KINDS = ("nearest", "nearest-up", "previous", "next")


class interp1d:  # noqa: N801 (SciPy's name)
    """Interpolation of 1-D data ``y = f(x)``, as :class:`scipy.interpolate.interp1d`.

    ``kind`` is ``'linear'``, ``'nearest'``, ``'nearest-up'``, ``'previous'``,
    ``'next'``, ``'zero'``, ``'slinear'``, ``'quadratic'``, ``'cubic'`` or a
    spline order.  ``fill_value`` is a value, a pair ``(below, above)`` or
    ``'extrapolate'``; ``bounds_error`` (default: True unless extrapolating)
    is checked when the points' values are known.  The value is
    differentiable in ``y`` and, for the continuous kinds, in the points and
    ``x`` (the step kinds are piecewise constant in the points).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.interpolate import interp1d
    >>> f = interp1d([0.0, 1.0, 2.0], [0.0, 2.0, 3.0])
    >>> float(f(0.5)), float(osc.grad(lambda s: f(s))(1.5))
    (1.0, 1.0)
    """

    def __init__(self, x, y, kind="linear", axis=-1, copy=True, bounds_error=None, fill_value=_np.nan,
                 assume_sorted=False):
        if isinstance(kind, (int, _np.integer)) and not isinstance(kind, bool):
            order = int(kind)
            kind = "spline"
        elif kind in _SPLINE_KINDS:
            order = _SPLINE_KINDS[kind]
        elif kind == "linear" or kind in _STEP_KINDS:
            order = None
        else:
            raise NotImplementedError(f"interp1d: kind {kind!r} is not supported; use 'linear', 'nearest', "
                                      "'nearest-up', 'previous', 'next', 'zero', 'slinear', 'quadratic', "
                                      "'cubic' or an integer order")
        x, y = _float(x), _float(y)
        if _np.ndim(x) != 1:
            raise ValueError(f"interp1d: x must be 1-dimensional, got shape {_np.shape(x)}")
        if _np.ndim(y) == 0:
            raise ValueError("interp1d: y must be at least 1-dimensional")
        axis = _axis(axis, _np.ndim(y))
        y = _np.moveaxis(y, axis, 0)
        if _np.shape(y)[0] != _np.shape(x)[0]:
            raise ValueError(f"interp1d: x and y arrays must be equal in length along the interpolation axis "
                             f"({_np.shape(x)[0]} and {_np.shape(y)[0]})")
        if not assume_sorted:
            xv = _known(x)
            if xv is None:
                raise ValueError("interp1d: inside jit, x must be sorted and assume_sorted=True given")
            order_ = _np.argsort(xv, kind="mergesort")
            if _np.any(order_ != _np.arange(len(order_))):
                x, y = _np.take(x, order_), _np.take(y, order_, axis=0)
        self.x, self.y, self.axis, self.kind = x, y, axis, kind
        self.trail = _np.shape(y)[1:]
        self._extrapolate = isinstance(fill_value, str) and fill_value == "extrapolate"
        if isinstance(fill_value, str) and not self._extrapolate:
            raise ValueError(f"interp1d: fill_value must be a value, a pair or 'extrapolate', got {fill_value!r}")
        if bounds_error is None:
            bounds_error = not self._extrapolate
        if bounds_error and self._extrapolate:
            raise ValueError("interp1d: cannot extrapolate and raise at the same time (bounds_error=True with "
                             "fill_value='extrapolate')")
        self.bounds_error = bool(bounds_error)
        if not self._extrapolate:
            if isinstance(fill_value, tuple) and len(fill_value) == 2:
                below, above = fill_value
            else:
                below = above = fill_value
            self._below, self._above = (self._fill_shape(v) for v in (below, above))
            self.fill_value = fill_value
        else:
            self.fill_value = fill_value
        n = _np.shape(x)[0]
        if kind == "linear":
            if n < 2:
                raise ValueError("interp1d: x and y arrays must have at least 2 entries")
            self._spline = make_interp_spline(x, y, k=1, check_finite=False)
        elif kind in _STEP_KINDS:
            if n < 1:
                raise ValueError("interp1d: x and y arrays must have at least 1 entry")
            self._spline = None
        else:
            if n < order + 1:
                raise ValueError(f"interp1d: x and y arrays must have at least {order + 1} entries for kind {kind!r}")
            self._spline = make_interp_spline(x, y, k=order, check_finite=False)

    def _fill_shape(self, v):
        v = _float(v)
        try:
            _np.broadcast_shapes(_np.shape(v), self.trail)
        except ValueError:
            raise ValueError(f"interp1d: fill_value must broadcast to {self.trail}, got shape {_np.shape(v)}") from None
        return v

    def _steps(self, flat):
        x, kind = self.x, self.kind
        n = _np.shape(x)[0]
        fv, xv = _known(flat), _known(x)
        if fv is not None and xv is not None and fv.shape == _np.shape(flat):  # the values at hand: a gather
            if kind in ("nearest", "nearest-up"):
                count = _np.searchsorted(0.5 * (xv[1:] + xv[:-1]), fv, side="left" if kind == "nearest" else "right")
            elif kind == "previous":
                count = _np.searchsorted(xv, fv, side="right") - 1
            else:
                count = _np.searchsorted(xv, fv, side="left")
            out = _np.take(self.y, _np.clip(count, 0, n - 1), axis=0)
        else:  # the same counts from traced comparisons, applied as a one-hot contraction
            xe = _np.expand_dims(flat, 1)
            if kind in ("nearest", "nearest-up"):
                mids = 0.5 * (x[1:] + x[:-1])
                count = _np.sum(_step(xe > mids if kind == "nearest" else xe >= mids), axis=1)
            elif kind == "previous":
                count = _np.sum(_step(xe >= x), axis=1) - 1.0
            else:
                count = _np.sum(_step(xe > x), axis=1)
            out = _pick(_step(_np.expand_dims(count, 1) == _np.arange(float(n))), self.y)
        # 'previous' below x[0] and 'next' above x[-1] have no value; NaN points get the last one, as SciPy's
        out = _fill_outside(out, (count < 0.0) | (count > n - 1.0), _np.nan)
        return _fill_outside(out, _np.isnan(flat), self.y[-1])

    def __call__(self, x):
        """The interpolated values at ``x`` (shape: ``y``'s with the axis replaced by ``x``'s)."""
        xs, lead, flat = _points(x)
        if self._spline is None:
            out = self._steps(flat)
        else:
            out = _spline_at(self._spline.t, self._spline.k, flat, self._spline.c)
        x0, x1 = self.x[0], self.x[-1]
        below, above = flat < x0, flat > x1
        if self.bounds_error:
            fv = _known(flat)
            if fv is not None:
                if _np.any(fv < _known(x0)):
                    bad = fv[fv < _known(x0)][0]
                    raise ValueError(f"interp1d: A value ({bad}) in x_new is below the interpolation range's "
                                     f"minimum value ({_known(x0)}).")
                if _np.any(fv > _known(x1)):
                    bad = fv[fv > _known(x1)][0]
                    raise ValueError(f"interp1d: A value ({bad}) in x_new is above the interpolation range's "
                                     f"maximum value ({_known(x1)}).")
        if not self._extrapolate:
            out = _fill_outside(out, below, self._below)
            out = _fill_outside(out, above, self._above)
        return _place(out, lead, self.axis, len(self.trail))


# --------------------------------------------------------------------------- regular grids


class RegularGridInterpolator:
    """Interpolation on a rectilinear grid in any dimension, as
    :class:`scipy.interpolate.RegularGridInterpolator` (``method`` is
    ``'linear'``, ``'slinear'``, ``'nearest'``, ``'cubic'`` or ``'quintic'``:
    the tensor-product not-a-knot splines, their coefficients solved along
    each axis in turn).  Differentiable in ``values`` and in the query points
    (``'nearest'``: in ``values`` only).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.interpolate import RegularGridInterpolator
    >>> g = np.array([0.0, 1.0, 2.0])
    >>> f = RegularGridInterpolator((g, g), np.add.outer(g, 10 * g))
    >>> float(f(np.array([0.5, 1.5]))[0]), osc.grad(lambda p: f(p)[0])(np.array([0.5, 1.5]))
    (15.5, array([ 1., 10.]))
    """

    _METHODS = ("linear", "slinear", "nearest", "cubic", "quintic")
    _ORDERS = {"cubic": 3, "quintic": 5}

    def __init__(self, points, values, method="linear", bounds_error=True, fill_value=_np.nan, *, solver=None,
                 solver_args=None):
        if method not in self._METHODS:
            raise NotImplementedError(f"RegularGridInterpolator: method {method!r} is not supported in osculate; "
                                      "use 'linear', 'slinear', 'nearest', 'cubic' or 'quintic'")
        if isinstance(points, _np.ndarray) and points.ndim == 1:
            points = (points,)
        grids = []
        values = _float(values)
        if len(points) > _np.ndim(values):
            raise ValueError(f"RegularGridInterpolator: there are {len(points)} point arrays, but values has "
                             f"{_np.ndim(values)} dimensions")
        for i, g in enumerate(points):
            g = _float(g)
            if _np.ndim(g) != 1:
                raise ValueError(f"RegularGridInterpolator: the points in dimension {i} must be 1-dimensional")
            gv = _known(g)
            if gv is not None and _np.shape(g)[0] > 1 and _np.all(_np.diff(gv) < 0):
                g, values = _np.flip(g), _np.flip(values, axis=i)
                gv = gv[::-1]
            if gv is not None and _np.any(_np.diff(gv) <= 0):
                raise ValueError(f"RegularGridInterpolator: the points in dimension {i} must be strictly "
                                 "ascending or descending")
            if _np.shape(g)[0] != _np.shape(values)[i]:
                raise ValueError(f"RegularGridInterpolator: there are {_np.shape(g)[0]} points and "
                                 f"{_np.shape(values)[i]} values in dimension {i}")
            if _np.shape(g)[0] < 2 and method != "nearest":
                raise ValueError(f"RegularGridInterpolator: dimension {i} needs at least 2 points for {method!r}")
            grids.append(g)
        self.grid, self.values, self.method = tuple(grids), values, method
        self._splines = {}
        if method in self._ORDERS:
            self._spline_coefficients(method)
        self.bounds_error = bounds_error
        if fill_value is not None:
            fill_value = _float(fill_value)
        self.fill_value = fill_value

    def _spline_coefficients(self, method):
        """The knots of each dimension and the tensor-product coefficients of the
        not-a-knot splines of degree 3 or 5 through the values (SciPy's 'cubic'
        and 'quintic': a 1-D interpolating spline along each axis in turn)."""
        if method not in self._splines:
            k = self._ORDERS[method]
            coef, knots = self.values, []
            for i, g in enumerate(self.grid):
                n = _np.shape(g)[0]
                if n <= k:
                    raise ValueError(f"RegularGridInterpolator: there are {n} points in dimension {i}, but method "
                                     f"{method!r} needs at least {k + 1} points per dimension")
                t = _interp_knots(g, k, None)
                moved = _np.moveaxis(coef, i, 0)
                coef = _np.moveaxis(_solve_columns(_basis(t, k, g), moved), 0, i)
                knots.append(t)
            self._splines[method] = (k, knots, coef)
        return self._splines[method]

    def _weights(self, g, xi, method):
        """``(m, len(g))`` weights of the grid points of one dimension, and their support."""
        m, n = _np.shape(xi)[0], _np.shape(g)[0]
        if method == "nearest":
            if n == 1:
                return _np.ones((m, 1)), _np.ones((m, 1))
            gt = _step(_np.expand_dims(xi, 1) > _np.expand_dims(0.5 * (g[1:] + g[:-1]), 0))
            ones = _np.ones((m, 1))
            W = _np.concatenate([ones, gt], axis=1) * _np.concatenate([1.0 - gt, ones], axis=1)
            return W, W
        onehot = _pieces(xi, g)
        left, right = _pick(onehot, g[:-1]), _pick(onehot, g[1:])
        w = _np.expand_dims((xi - left) / (right - left), 1)
        zero = _np.zeros((m, 1))
        W = _np.concatenate([onehot * (1.0 - w), zero], axis=1) + _np.concatenate([zero, onehot * w], axis=1)
        return W, _np.concatenate([onehot, zero], axis=1) + _np.concatenate([zero, onehot], axis=1)

    def __call__(self, xi, method=None, *, nu=None):
        """The interpolated values at ``xi`` (shape ``(..., ndim)``, or a tuple of coordinate arrays)."""
        if nu is not None:
            raise NotImplementedError("RegularGridInterpolator: nu= is not supported in osculate")
        method = self.method if method is None else method
        if method not in self._METHODS:
            raise NotImplementedError(f"RegularGridInterpolator: method {method!r} is not supported")
        d = len(self.grid)
        if isinstance(xi, tuple):
            xi = _np.stack(_np.broadcast_arrays(*[_float(v) for v in xi]), axis=-1) if not any(
                isinstance(v, _Tracer) for v in xi) else _np.stack(_broadcast_all(xi), axis=-1)
        xi = _float(xi)
        if _np.ndim(xi) == 1 and d > 1 and _np.shape(xi)[0] == d:  # one point
            xi = _np.expand_dims(xi, 0)
        if _np.ndim(xi) == 0 or _np.shape(xi)[-1] != d:
            if _np.ndim(xi) == 1 and d == 1:
                xi = _np.expand_dims(xi, -1)
            else:
                raise ValueError(f"RegularGridInterpolator: the requested sample points xi have dimension "
                                 f"{_np.shape(xi)[-1] if _np.ndim(xi) else 0}, but this interpolator has "
                                 f"dimension {d}")
        lead = _np.shape(xi)[:-1]
        pts = _np.reshape(xi, (-1, d))
        m = _np.shape(pts)[0]
        out = None
        outside = _np.zeros(m, dtype=bool)
        nan = _np.zeros(m, dtype=bool)
        spline = self._spline_coefficients(method) if method in self._ORDERS else None
        table = self.values if spline is None else spline[2]
        for i, g in enumerate(self.grid):
            col = pts[:, i]
            if spline is None:
                W, S = self._weights(g, col, method)
            else:
                W, S = _basis(spline[1][i], spline[0], col, support=True)
            out = _pick(W, table, S) if out is None else _pick(W, out, S, batched=True)
            outside = outside | (col < g[0]) | (col > g[-1])
            nan = nan | _np.isnan(col)
        if self.bounds_error:
            ov = _known(outside)
            if ov is not None and _np.any(ov):
                raise ValueError("RegularGridInterpolator: one of the requested xi is out of bounds")
        out = _fill_outside(out, nan, _np.nan)
        if self.fill_value is not None:
            out = _fill_outside(out, outside, self.fill_value)
        return _np.reshape(out, tuple(lead) + tuple(_np.shape(out)[1:]))


def _broadcast_all(xs):
    xs = [_float(v) for v in xs]
    shape = _np.broadcast_shapes(*[_np.shape(v) for v in xs])
    return [_np.broadcast_to(v, shape) for v in xs]


def interpn(points, values, xi, method="linear", bounds_error=True, fill_value=_np.nan):
    """Interpolation on a regular grid, as :func:`scipy.interpolate.interpn`
    (``'linear'``, ``'slinear'``, ``'nearest'``, ``'cubic'`` or ``'quintic'``;
    see :class:`RegularGridInterpolator`).

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import interpn
    >>> g = np.array([0.0, 1.0])
    >>> interpn((g, g), np.array([[0.0, 1.0], [2.0, 3.0]]), np.array([[0.5, 0.5]]))
    array([1.5])
    """
    return RegularGridInterpolator(points, values, method=method, bounds_error=bounds_error,
                                   fill_value=fill_value)(xi)


# --------------------------------------------------------------------------- FITPACK's tck functions


def _tck(tck, who):
    if isinstance(tck, BSpline):
        return tck.t, tck.c, tck.k, tck
    try:
        t, c, k = tck
    except (TypeError, ValueError):
        raise ValueError(f"{who}: tck must be a BSpline or a tuple (t, c, k)") from None
    if isinstance(c, (list, tuple)) and not isinstance(c, _Tracer):
        raise NotImplementedError(f"{who}: parametric splines (c a list of arrays, from splprep) are not "
                                  "supported in osculate")
    return _float(t), _float(c), int(k), None


def splev(x, tck, der=0, ext=0):
    """The spline ``tck`` (``(t, c, k)`` or a :class:`BSpline`) or its
    derivative ``der`` at ``x``, as :func:`scipy.interpolate.splev` (a list,
    one array per coordinate, for a curve ``[t, [c_1, ...], k]`` from :func:`splprep`).  ``ext``
    says what happens outside ``[t[k], t[n]]``: 0 extrapolate, 1 zero, 2
    raise ``ValueError``, 3 the value at the nearest end (as SciPy's, the
    derivatives ``der > 0`` extrapolate with ``ext=3``).

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import splev
    >>> t = np.array([0.0, 0.0, 1.0, 2.0, 2.0])
    >>> splev(np.array([0.5, 3.0]), (t, np.array([0.0, 1.0, 0.0]), 1), ext=1)
    array([0.5, 0. ])
    """
    if not isinstance(tck, BSpline) and len(tck) == 3 and isinstance(tck[1], (list, tuple)):
        return [splev(x, (tck[0], ci, tck[2]), der, ext) for ci in tck[1]]  # a curve from splprep
    t, c, k, _ = _tck(tck, "splev")
    if ext not in (0, 1, 2, 3):
        raise ValueError(f"splev: ext must be 0, 1, 2 or 3, got {ext!r}")
    der = _order(der, "splev")
    if der > k:
        raise ValueError(f"splev: the order of derivative der={der} must be <= the degree k={k}")
    n = _np.shape(t)[0] - k - 1
    spline = BSpline._make(t, c[:n], k, True, 0)
    xs, lead, flat = _points(x)
    lo, hi = t[k], t[n]
    if ext == 3 and der == 0:  # (SciPy's derivatives extrapolate under ext=3)
        flat = _np.clip(flat, lo, hi)
    out = spline(flat, nu=der)
    outside = (flat < lo) | (flat > hi)
    if ext == 1:
        out = _fill_outside(out, outside, 0.0)
    elif ext == 2:
        ov = _known(outside)
        if ov is not None and _np.any(ov):
            raise ValueError("splev: x is outside the interval of the spline (ext=2)")
    return _np.reshape(out, tuple(lead) + tuple(_np.shape(out)[1:]))


def splder(tck, n=1):
    """The ``n``-th derivative of the spline ``tck``, as :func:`scipy.interpolate.splder`
    (a tuple for a tuple, a :class:`BSpline` for a BSpline).

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import splder
    >>> t, c, k = splder((np.array([0.0, 0.0, 1.0, 1.0]), np.array([0.0, 2.0]), 1))
    >>> c, k
    (array([2.]), 0)
    """
    t, c, k, obj = _tck(tck, "splder")
    n = _order(n, "splder")
    if n > k:
        raise ValueError(f"splder: the order of derivative n={n} must be <= the degree k={k}")
    m = _np.shape(t)[0] - k - 1
    d = BSpline._make(t, c[:m], k, True, 0).derivative(n)
    if obj is not None:
        return BSpline._make(d.t, d.c, d.k, obj.extrapolate, obj.axis)
    return d.t, d.c, d.k


def splantider(tck, n=1):
    """The ``n``-th antiderivative of the spline ``tck``, as
    :func:`scipy.interpolate.splantider`.

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import splantider
    >>> t, c, k = splantider((np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0]), 0))
    >>> c, k
    (array([0., 1., 4.]), 1)
    """
    t, c, k, obj = _tck(tck, "splantider")
    n = _order(n, "splantider")
    m = _np.shape(t)[0] - k - 1
    a = BSpline._make(t, c[:m], k, True, 0).antiderivative(n)
    if obj is not None:
        return BSpline._make(a.t, a.c, a.k, obj.extrapolate, obj.axis)
    return a.t, a.c, a.k


def splint(a, b, tck, full_output=0):
    """The integral of the spline ``tck`` from ``a`` to ``b``, the spline taken
    as zero outside ``[t[k], t[n]]``, as :func:`scipy.interpolate.splint`.

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import splint
    >>> float(splint(-1.0, 5.0, (np.array([0.0, 0.0, 2.0, 2.0]), np.array([1.0, 1.0]), 1)))
    2.0
    """
    if full_output:
        raise NotImplementedError("splint: full_output is not supported in osculate")
    t, c, k, _ = _tck(tck, "splint")
    m = _np.shape(t)[0] - k - 1
    return BSpline._make(t, c[:m], k, False, 0).integrate(a, b, extrapolate=False)


def spalde(x, tck):
    """The value and every derivative (orders 0 to ``k``) of the spline ``tck``
    at ``x``, the orders last, as :func:`scipy.interpolate.spalde`; ``x`` must
    lie within ``[t[k], t[n]]``.

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import spalde
    >>> spalde(0.5, (np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0]), np.array([0.0, 0.0, 1.0]), 2))
    array([0.25, 1.  , 2.  ])
    """
    t, c, k, _ = _tck(tck, "spalde")
    n = _np.shape(t)[0] - k - 1
    xv = _known(_float(x))
    if xv is not None and (_np.any(xv < _known(t[k])) or _np.any(xv > _known(t[n]))):
        raise ValueError("spalde: x must lie within [t[k], t[n]] (the interval of the spline)")
    return _np.stack([splev(x, (t, c, k), d) for d in range(k + 1)], axis=-1)


def bisplev(x, y, tck, dx=0, dy=0):
    """The bivariate spline ``tck = (tx, ty, c, kx, ky)`` (or its partial
    derivative of orders ``dx``, ``dy``) on the grid ``x × y``, as
    :func:`scipy.interpolate.bisplev` (shape ``(len(x), len(y))``, with the
    length-1 axes dropped as SciPy's).  Differentiable in ``c`` and in the points.

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import bisplev
    >>> t = np.array([0.0, 0.0, 1.0, 1.0])
    >>> float(bisplev(0.5, 0.25, (t, t, np.array([0.0, 0.0, 0.0, 1.0]), 1, 1)))
    0.125
    """
    try:
        tx, ty, c, kx, ky = tck
    except (TypeError, ValueError):
        raise ValueError("bisplev: tck must be a tuple (tx, ty, c, kx, ky)") from None
    tx, ty, c, kx, ky = _float(tx), _float(ty), _float(c), int(kx), int(ky)
    dx, dy = _order(dx, "bisplev"), _order(dy, "bisplev")
    if dx >= kx + 1 or dy >= ky + 1:
        raise ValueError(f"bisplev: the derivative orders must be below kx + 1 and ky + 1, got dx={dx}, dy={dy}")
    nx, ny = _np.shape(tx)[0] - kx - 1, _np.shape(ty)[0] - ky - 1
    if _np.shape(c) != (nx * ny,) and _np.shape(c)[0] < nx * ny:
        raise ValueError(f"bisplev: c must hold {nx * ny} coefficients, got shape {_np.shape(c)}")
    C = _np.reshape(_np.reshape(c, (-1,))[:nx * ny], (nx, ny))
    xs = _np.reshape(_float(x), (-1,))
    ys = _np.reshape(_float(y), (-1,))
    Bx, Sx = _basis(tx, kx, xs, dx, support=True)
    By, Sy = _basis(ty, ky, ys, dy, support=True)
    z = _np.transpose(_pick(By, _np.transpose(_pick(Bx, C, Sx)), Sy))  # (len(x), len(y))
    if _np.shape(z)[0] > 1:
        return z
    return z[0] if _np.shape(z)[1] > 1 else z[0, 0]


def make_lsq_spline(x, y, t, k=3, w=None, axis=0, check_finite=True, *, method="qr"):
    """The B-spline of degree ``k`` on the knots ``t`` closest to ``(x, y)`` in
    weighted least squares (``sum((w * (spl(x) - y)) ** 2)`` least), as
    :func:`scipy.interpolate.make_lsq_spline`; the coefficients come from
    ``np.linalg.lstsq``, so they are differentiable in ``y``, ``w``, ``x``
    and the interior knots.

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import make_lsq_spline
    >>> x = np.linspace(0.0, 1.0, 9)
    >>> t = np.array([0.0, 0.0, 0.5, 1.0, 1.0])
    >>> make_lsq_spline(x, 2 * x + 1, t, k=1).c
    array([1., 2., 3.])
    """
    if method not in ("qr", "norm-eq"):
        raise ValueError(f"make_lsq_spline: method must be 'qr' or 'norm-eq', got {method!r}")
    k = int(k)
    if _np.ndim(_float(x)) != 1:
        raise ValueError("make_lsq_spline: x must be 1-dimensional")
    x, y, axis = _prepare(x, y, axis, "make_lsq_spline", finite=check_finite)
    t = _float(t)
    nc = _np.shape(t)[0] - k - 1
    if nc < k + 1:
        raise ValueError(f"make_lsq_spline: need at least {2 * k + 2} knots for degree {k}")
    if _np.shape(x)[0] < nc:
        raise ValueError(f"make_lsq_spline: {_np.shape(x)[0]} points cannot determine {nc} coefficients")
    A = _basis(t, k, x)
    rhs = _np.reshape(y, (_np.shape(y)[0], -1))
    if w is not None:
        w = _float(w)
        if _np.shape(w) != (_np.shape(x)[0],):
            raise ValueError(f"make_lsq_spline: w must have shape ({_np.shape(x)[0]},), got {_np.shape(w)}")
        A, rhs = A * _np.expand_dims(w, 1), rhs * _np.expand_dims(w, 1)
    c = _np.linalg.lstsq(A, rhs, rcond=None)[0]
    return BSpline._make(t, _np.reshape(c, (nc,) + tuple(_np.shape(y)[1:])), k, True, axis)


# --------------------------------------------------------------------------- polynomial interpolation


def _newton(xi, yi):
    """The divided differences of ``(xi, yi)`` (data axis first): the Newton form's coefficients."""
    n = _np.shape(xi)[0]
    coef = [yi[0]]
    level = yi
    for j in range(1, n):
        level = (level[1:] - level[:-1]) / _column(xi[j:] - xi[:-j], _np.ndim(yi))
        coef.append(level[0])
    return _np.stack(coef)


def _newton_eval(xi, coef, xs, der):
    """The Newton-form polynomial and its derivatives up to ``der`` at ``xs``: a list of ``(m, *trail)`` arrays."""
    n = _np.shape(xi)[0]
    trail = _np.ndim(coef) - 1
    d = _column(xs, 1 + trail)
    vals = [_np.expand_dims(coef[n - 1], 0) + 0.0 * d] + [0.0 * d * coef[n - 1]] * der
    for j in range(n - 2, -1, -1):
        shift = d - xi[j]
        new = [vals[0] * shift + coef[j]]
        for r in range(1, der + 1):
            new.append(vals[r] * shift + r * vals[r - 1])
        vals = new
    return vals


class KroghInterpolator:
    """The polynomial through the points ``(xi, yi)``, as
    :class:`scipy.interpolate.KroghInterpolator` (distinct ``xi``: repeated
    nodes, which prescribe derivatives, are not supported).  Evaluated in
    Newton's form from divided differences, so it is differentiable in
    ``xi``, ``yi`` and the points.

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import KroghInterpolator
    >>> p = KroghInterpolator([0.0, 1.0, 2.0], [1.0, 2.0, 5.0])
    >>> p(3.0), p.derivatives(1.0)
    (array(10.), array([2., 2., 2.]))
    """

    def __init__(self, xi, yi, axis=0):
        xi = _float(xi)
        if _np.ndim(xi) != 1:
            raise ValueError(f"{type(self).__name__}: xi must be 1-dimensional, got shape {_np.shape(xi)}")
        xv = _known(xi)
        if xv is not None and len(_np.unique(xv)) != len(xv):
            raise NotImplementedError(f"{type(self).__name__}: repeated xi (derivative data) are not "
                                      "supported in osculate")
        yi = _float(yi)
        if _np.ndim(yi) == 0:
            raise ValueError(f"{type(self).__name__}: yi must be at least 1-dimensional")
        axis = _axis(axis, _np.ndim(yi))
        yi = _np.moveaxis(yi, axis, 0)
        if _np.shape(yi)[0] != _np.shape(xi)[0]:
            raise ValueError(f"{type(self).__name__}: xi and yi have different lengths "
                             f"({_np.shape(xi)[0]} and {_np.shape(yi)[0]})")
        self.xi, self.yi, self.axis = xi, yi, axis
        self._coef = _newton(xi, yi)

    def _values(self, x, der):
        xs, lead, flat = _points(x)
        vals = _newton_eval(self.xi, self._coef, flat, der)
        trail = _np.ndim(self.yi) - 1
        return [_place(v, lead, self.axis, trail) for v in vals]

    def __call__(self, x):
        """The value at ``x``."""
        return self._values(x, 0)[0]

    def derivative(self, x, der=1):
        """The ``der``-th derivative at ``x``."""
        return self._values(x, _order(der, type(self).__name__))[-1]

    def derivatives(self, x, der=None):
        """The value and the derivatives up to ``der - 1`` (default: all) at ``x``, stacked first."""
        der = _np.shape(self.xi)[0] if der is None else _order(der, type(self).__name__)
        if der == 0:
            raise ValueError(f"{type(self).__name__}.derivatives: der must be at least 1")
        return _np.stack(self._values(x, der - 1))


class BarycentricInterpolator(KroghInterpolator):
    """The polynomial through the points ``(xi, yi)``, as
    :class:`scipy.interpolate.BarycentricInterpolator` (same values; osculate
    evaluates it in Newton's form, smooth through the nodes, so it is
    differentiable there too).  ``yi=None``, ``set_yi`` and ``wi`` are not
    supported.

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import BarycentricInterpolator
    >>> BarycentricInterpolator([0.0, 1.0, 2.0], [1.0, 2.0, 5.0])(np.array([0.5, 1.0]))
    array([1.25, 2.  ])
    """

    def __init__(self, xi, yi=None, axis=0, *, wi=None, rng=None, random_state=None):
        if yi is None or wi is not None:
            raise NotImplementedError("BarycentricInterpolator: give yi (and no wi) in osculate")
        super().__init__(xi, yi, axis=axis)


def krogh_interpolate(xi, yi, x, der=0, axis=0):
    """The polynomial through ``(xi, yi)`` (or its derivatives ``der``, an int
    or a list) at ``x``, as :func:`scipy.interpolate.krogh_interpolate`.

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import krogh_interpolate
    >>> krogh_interpolate([0.0, 1.0, 2.0], [1.0, 2.0, 5.0], 3.0, der=[0, 1])
    array([10.,  6.])
    """
    p = KroghInterpolator(xi, yi, axis=axis)
    if isinstance(der, (list, tuple)):
        if not der:
            return _np.zeros((0,))
        vals = p._values(x, max(_order(d, "krogh_interpolate") for d in der))
        return _np.stack([vals[d] for d in der])
    return p.derivative(x, der) if der else p(x)


def barycentric_interpolate(xi, yi, x, axis=0, *, der=0, rng=None):
    """The polynomial through ``(xi, yi)`` (or its derivatives ``der``, an int
    or a list) at ``x``, as :func:`scipy.interpolate.barycentric_interpolate`.

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import barycentric_interpolate
    >>> barycentric_interpolate([0.0, 1.0, 2.0], [1.0, 2.0, 5.0], np.array([3.0]))
    array([10.])
    """
    p = BarycentricInterpolator(xi, yi, axis=axis)
    if isinstance(der, (list, tuple)):
        return krogh_interpolate(xi, yi, x, der=der, axis=axis)
    return p.derivative(x, der) if der else p(x)


pchip = PchipInterpolator  # SciPy's alias


# --------------------------------------------------------------------------- FITPACK's smoothing splines


def _any_traced(*values):
    return any(isinstance(v, _Tracer) for v in values)


_NEEDS_VALUES = ("chooses its knots from the values of y and w, which are not at hand inside jit or vmap; "
                 "call it outside jit/vmap, or fix the knots (s=0, or make_lsq_spline / LSQUnivariateSpline / "
                 "splrep(task=-1, t=...))")


def _following_knots(tv, sources, x, xb, xe):
    """The knots ``tv`` (plain), each one that sits on a data point (or a
    midpoint of two, or an end of the interval) replaced by that traced
    value, so that the knots move with the data as SciPy's would."""
    if not _any_traced(x, xb, xe):
        return tv
    zero = 0.0 * x[0]
    parts = []
    for v, (kind, i) in zip(tv, sources):
        if kind == "x":
            parts.append(x[i])
        elif kind == "mid":
            parts.append(0.5 * (x[i] + x[i + 1]))
        elif kind == "b":
            parts.append(xb + zero)
        elif kind == "e":
            parts.append(xe + zero)
        else:
            parts.append(zero + float(v))
    return _np.stack(parts)


#: Newton steps taken from the plain solution of an implicit equation: each doubles the
#: number of derivative orders that are exact (the solution's derivatives to order
#: 2**steps - 1), while the value stays the solution's.
_NEWTON_STEPS = 3


def _penalized_coefficients(A, rhs, P, lam0, target):
    """The coefficients of FITPACK's smoothing fit, ``(AᵀA + lam P)⁻¹ Aᵀ rhs``,
    with ``lam`` the implicit function of the data that holds the residual sum
    ``|rhs - A c|²`` at ``target`` (FITPACK's condition ``fp = s``).

    ``lam`` is FITPACK's value ``lam0`` (a constant) followed by Newton steps
    on the traced data: at the root the steps leave the value alone but give
    ``lam`` the derivatives of the implicit function (exact to order
    ``2 ** _NEWTON_STEPS - 1``), with plain operations that run under every
    transformation."""
    N, g = _np.transpose(A) @ A, _np.transpose(A) @ rhs
    lam = lam0
    for _ in range(_NEWTON_STEPS):
        M = N + lam * P
        c = _np.linalg.solve(M, g)
        r = rhs - A @ c
        dc = -_np.linalg.solve(M, P @ c)  # d c / d lam
        lam = lam - (_np.sum(r * r) - target) / (-2.0 * _np.sum(r * (A @ dc)))
    return _np.linalg.solve(N + lam * P, g)


class _Fit:
    """A FITPACK fit on traced data: knots ``t`` (SciPy's choice on the plain
    values, following the data points they sit on), coefficients ``c`` (the
    least-squares or penalized fit on those knots, recomputed with osculate
    operations), residual ``fp``, and SciPy's ``ier``/``msg``."""

    def __init__(self, kind, who, x, y, w, xb, xe, k, s, t):
        k = int(k)
        if not 1 <= k <= 5:
            raise ValueError(f"{who}: the degree k must be between 1 and 5, got {k}")
        x, y = _float(x), _float(y)
        if _np.ndim(x) != 1 or _np.ndim(y) != 1:
            raise ValueError(f"{who}: x and y must be 1-dimensional, got shapes {_np.shape(x)} and {_np.shape(y)}")
        m = _np.shape(x)[0]
        if _np.shape(y)[0] != m:
            raise ValueError(f"{who}: x and y must have the same length, got {m} and {_np.shape(y)[0]}")
        if m <= k:
            raise ValueError(f"{who}: need more than k={k} data points, got {m}")
        if _np.iscomplexobj(y):
            raise ValueError(f"{who}: y must be real; fit the real and imaginary parts separately")
        w = _np.ones(m) if w is None else _float(w)
        if _np.shape(w) != (m,):
            raise ValueError(f"{who}: w must have shape ({m},), got {_np.shape(w)}")
        if isinstance(s, _Tracer) or isinstance(xb, _Tracer) or isinstance(xe, _Tracer):
            raise TypeError(f"{who}: s and the interval ends must be plain numbers (they steer FITPACK's knot "
                            "choice)")
        xv, yv, wv = _known(x), _known(y), _known(w)
        if xv is None:
            raise ValueError(f"{who}: {_NEEDS_VALUES}")
        if _np.any(_np.diff(xv) < 0):
            raise ValueError(f"{who}: x must be increasing")
        xb_, xe_ = float(xv[0] if xb is None else xb), float(xv[-1] if xe is None else xe)
        lsq = t is not None
        if s is None:
            s = m - _np.sqrt(2.0 * m) if kind in ("splrep", "make_splrep") else float(m)  # SciPy's defaults (splrep: with w)
        s = float(s)
        if yv is None or wv is None:
            if not (lsq or s == 0.0):
                raise ValueError(f"{who}: {_NEEDS_VALUES}")
        if lsq:
            t = _float(t)
            tv = _known(t)
            ends = lambda v: _np.stack([v] * (k + 1))  # noqa: E731
            xb_t = x[0] if (xb is None and isinstance(x, _Tracer)) else xb_
            xe_t = x[-1] if (xe is None and isinstance(x, _Tracer)) else xe_
            knots = _np.concatenate([ends(xb_t + 0.0 * x[0]), t + 0.0 * x[0], ends(xe_t + 0.0 * x[0])])
            c0 = None
            self.ier, self.msg = 0, ""
            if tv is not None and yv is not None and wv is not None:  # SciPy's checks (Schoenberg-Whitney)
                _, c0, _, self.ier, self.msg = _fs.fitpack_fit(kind, xv, yv, wv, k, s, xb, xe, tv)
            lam = None
        else:
            values_known = yv is not None and wv is not None
            tv, c0, _, self.ier, self.msg = _fs.fitpack_fit(
                kind, xv, yv if yv is not None else _np.zeros(m), wv if wv is not None else _np.ones(m), k, s,
                xb, xe)
            if not values_known:
                c0 = None
            knots = _following_knots(tv, _fs.knot_sources(tv, xv, xb_, xe_), x, x[0] if xb is None else xb_,
                                     x[-1] if xe is None else xe_)
            lam = None
            if s > 0.0 and values_known:
                Ap = _basis(tv, k, xv) * wv[:, None]
                D = _fs.jump_matrix(tv, k)
                lam = _fs.recover_lambda(Ap, wv * yv, D, c0)
        B = _basis(knots, k, x)
        A, rhs = B * _np.expand_dims(w, 1), w * y
        if lam is None:
            c = _np.linalg.lstsq(A, rhs, rcond=None)[0]
        else:
            P = D.T @ D
            r0 = wv * (yv - (_basis(tv, k, xv) @ c0))
            c = _penalized_coefficients(A, rhs, P, lam, float(r0 @ r0))
        if c0 is not None and _np.shape(c) == _np.shape(c0):  # FITPACK's values, the derivatives of the fit
            c = c0 + (c - _stop_gradient(c))
        self.t, self.c, self.k = knots, c, k
        r = rhs - A @ c
        self.fp = _np.sum(r * r)


def splrep(x, y, w=None, xb=None, xe=None, k=3, task=0, s=None, t=None, full_output=0, per=0, quiet=1):
    """The spline ``(t, c, k)`` that FITPACK fits to ``(x, y)``, as
    :func:`scipy.interpolate.splrep`: interpolating (``s=0``), smoothing
    (``s > 0``: ``sum((w * (y - spl(x))) ** 2) <= s``) or least squares on
    given interior knots (``task=-1, t=...``).

    The knots are SciPy's choice on the plain values and are a piecewise-
    constant function of the data (held fixed; knots that sit on data points
    move with them).  On those knots the coefficients are recomputed with
    osculate operations: the weighted least-squares spline (linear in ``y``),
    or, where FITPACK smooths, the fit penalizing the jumps of the ``k``-th
    derivative whose weight keeps ``sum((w * (y - spl(x))) ** 2)`` at its
    value: that weight is an implicit function of the data, differentiated
    as such.  So ``c`` is differentiable in ``y``, ``w`` and ``x``.  With
    ``s > 0`` the knots need the values (not inside ``jit``/``vmap``);
    ``s=0`` with a constant ``x``, and ``task=-1``, work there too.
    ``per=1`` and ``task=1`` are not supported on traced values.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.interpolate import splrep, splev
    >>> x = np.linspace(0.0, 3.0, 12)
    >>> y = np.sin(x)
    >>> g = osc.grad(lambda y: splev(1.3, splrep(x, y, s=0.01)))(y)
    >>> g.shape, bool(abs(g.sum() - 1.0) < 1e-8)   # a smoother reproduces constants
    ((12,), True)
    """
    if not _any_traced(x, y, w, xb, xe, t, s):
        return _scipy_interpolate.splrep(x, y, w=w, xb=xb, xe=xe, k=k, task=task, s=s, t=t,
                                         full_output=full_output, per=per, quiet=quiet)
    if per:
        raise NotImplementedError("splrep: periodic fits (per=1) are not supported on traced values; use "
                                  "make_interp_spline(x, y, bc_type='periodic') for a periodic interpolant")
    if task not in (0, -1):
        raise NotImplementedError("splrep: task=1 (continuing a previous fit) is not supported on traced values; "
                                  "call splrep again with task=0")
    if task == -1 and t is None:
        raise ValueError("splrep: task=-1 needs the interior knots t")
    if s is None and w is None:
        s = 0.0
    fit = _Fit("splrep", "splrep", x, y, w, xb, xe, k, s, t if task == -1 else None)
    tck = (fit.t, _np.concatenate([fit.c, _np.zeros(fit.k + 1)]), fit.k)
    if full_output:
        return tck, fit.fp, fit.ier, fit.msg
    return tck


def sproot(tck, mest=10):
    """The zeros of the cubic spline ``tck``, as :func:`scipy.interpolate.sproot`.

    SciPy finds them on the plain values; each (simple) root ``r`` of
    ``spl(r) = 0`` is then an implicit function of the coefficients and the
    knots, differentiated by the implicit function theorem
    (``dr = -dspl(r) / spl'(r)``, by Newton steps from SciPy's roots).  How many roots there are is a
    piecewise-constant function of the spline: the values must be at hand
    (not inside ``jit``/``vmap``).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.interpolate import make_interp_spline, sproot
    >>> x = np.linspace(0.0, 4.0, 9)
    >>> round(float(sproot(make_interp_spline(x, x ** 2 - 2.0).tck)[0]), 12)  # a quadratic: exact
    1.414213562373
    >>> round(float(osc.grad(lambda a: sproot(make_interp_spline(x, x ** 2 - a).tck)[0])(2.0)), 12)
    0.353553390593
    """
    t, c, k, _ = _tck(tck, "sproot")
    if not _any_traced(t, c):
        return _scipy_interpolate.sproot((_np.asarray(t), _np.asarray(c), k), mest=mest)
    if k != 3:
        raise ValueError(f"sproot: the spline must be cubic (k=3), got k={k}")
    if _np.ndim(c) != 1:
        raise NotImplementedError("sproot: one spline at a time on traced values (c 1-dimensional)")
    tv, cv = _known(t), _known(c)
    if tv is None or cv is None:
        raise ValueError("sproot: the number of roots depends on the values, which are not at hand inside jit or "
                         "vmap; call sproot outside jit/vmap")
    n = _np.shape(t)[0] - k - 1

    roots = _np.asarray(_scipy_interpolate.sproot((tv, cv, k), mest=mest), dtype=float)
    if roots.size == 0:
        return _np.zeros(0) + 0.0 * c[0]
    spline = BSpline._make(t, c[:n], k, True, 0)
    slope = spline.derivative()
    for _ in range(_NEWTON_STEPS):  # SciPy's roots, with the implicit function's derivatives (see _NEWTON_STEPS)
        roots = roots - spline(roots) / slope(roots)
    return roots


def make_splrep(x, y, *, w=None, xb=None, xe=None, k=3, s=0, t=None, nest=None, bc_type=None):
    """The smoothing spline of SciPy's :func:`scipy.interpolate.make_splrep`
    (its own knot search, FITPACK's criterion) as a :class:`BSpline`, on
    traced data: as :func:`splrep`, SciPy's knots are held fixed (piecewise
    constant in the data) and the coefficients recomputed on them, the
    penalty's weight an implicit function of ``y``, ``w`` and ``x``.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.interpolate import make_splrep
    >>> x = np.linspace(0.0, 3.0, 12)
    >>> g = osc.grad(lambda y: make_splrep(x, y, s=0.01)(1.3))(np.sin(x))
    >>> bool(abs(g.sum() - 1.0) < 1e-8)
    True
    """
    if not _any_traced(x, y, w, xb, xe, t, s):
        return _scipy_interpolate.make_splrep(x, y, w=w, xb=xb, xe=xe, k=k, s=s, t=t, nest=nest, bc_type=bc_type)
    if t is not None or bc_type is not None or nest is not None:
        raise NotImplementedError("make_splrep: t, nest and bc_type are not supported on traced values; use "
                                  "make_lsq_spline for given knots")
    if s == 0:
        return make_interp_spline(x, y, k=k)
    fit = _Fit("make_splrep", "make_splrep", x, y, w, xb, xe, k, s, None)
    return BSpline._make(fit.t, fit.c, fit.k, True, 0)


def _chord_parameters(x):
    """SciPy's default parameters of a curve through the columns of ``x``:
    the cumulative chord length, scaled to end at 1 (written on the traced
    points, so the parameters move with them)."""
    d = _np.sqrt(_np.sum((x[:, 1:] - x[:, :-1]) ** 2, axis=0))
    v = _np.concatenate([0.0 * d[:1], _np.cumsum(d)])
    return v / v[-1]


def _parametric_fit(kind, who, x, w, u, ub, ue, k, s):
    """A FITPACK curve fit on traced points ``x`` (``(idim, m)``): returns
    ``(knots, c (n, idim), fp, ier, msg, u)``.  As :class:`_Fit`: SciPy's knots
    on the plain values (following the parameters they sit on), the
    least-squares or penalized coefficients of every coordinate recomputed on
    them with one penalty weight, an implicit function of the data."""
    k = int(k)
    if not 1 <= k <= 5:
        raise ValueError(f"{who}: the degree k must be between 1 and 5, got {k}")
    if isinstance(x, (list, tuple)):
        x = _np.stack([_float(xi) for xi in x])
    x = _float(x)
    if _np.ndim(x) == 1:
        x = _np.expand_dims(x, 0)
    if _np.ndim(x) != 2 or not 0 < _np.shape(x)[0] < 11:
        raise ValueError(f"{who}: x must be a list of 1 to 10 coordinate arrays of one length, got shape "
                         f"{_np.shape(x)}")
    if _np.iscomplexobj(x):
        raise ValueError(f"{who}: x must be real")
    m = _np.shape(x)[1]
    if m <= k:
        raise ValueError(f"{who}: need more than k={k} points, got {m}")
    w = _np.ones(m) if w is None else _float(w)
    if _np.shape(w) != (m,):
        raise ValueError(f"{who}: w must have shape ({m},), got {_np.shape(w)}")
    if u is not None:
        u = _float(u)
        if _np.shape(u) != (m,):
            raise ValueError(f"{who}: u must have shape ({m},), got {_np.shape(u)}")
    if _any_traced(s, ub, ue):
        raise TypeError(f"{who}: s and the interval ends ub, ue must be plain numbers (they steer FITPACK's knot "
                        "choice)")
    xv, wv, uv = _known(x), _known(w), None if u is None else _known(u)
    if xv is None or wv is None or (u is not None and uv is None):
        raise ValueError(f"{who}: chooses its knots and parameters from the values of x, w and u, which are not at "
                         "hand inside jit or vmap; call it outside jit/vmap")
    if s is None:
        s = m - _np.sqrt(2.0 * m)
    s = float(s)
    tv, c0, _, ier, msg, u0 = _fs.parametric_fit(kind, xv, wv, uv, ub, ue, k, s)
    if u is None:
        u, ub_, ue_ = _chord_parameters(x), 0.0, 1.0  # FITPACK's interval for its own parameters
        u = u0 + (u - _stop_gradient(u))  # SciPy's values to the last bit, the derivatives of the chords
        ub_t, ue_t = ub_, ue_
    else:
        ub_ = float(u0[0] if ub is None else ub)
        ue_ = float(u0[-1] if ue is None else ue)
        ub_t = u[0] if ub is None else ub_
        ue_t = u[-1] if ue is None else ue_
    knots = _following_knots(tv, _fs.knot_sources(tv, u0, ub_, ue_), u, ub_t, ue_t)
    lam = None
    if s > 0.0:
        Ap = _basis(tv, k, u0) * wv[:, None]
        D = _fs.jump_matrix(tv, k)
        lam = _fs.recover_lambda(Ap, wv[:, None] * xv.T, D, c0)
    B = _basis(knots, k, u)
    A, rhs = B * _np.expand_dims(w, 1), _np.expand_dims(w, 1) * _np.transpose(x)
    if lam is None:
        c = _np.linalg.lstsq(A, rhs, rcond=None)[0]
    else:
        r0 = wv[:, None] * (xv.T - _basis(tv, k, u0) @ c0)
        c = _penalized_coefficients(A, rhs, D.T @ D, lam, float(_np.sum(r0 * r0)))
    c = c0 + (c - _stop_gradient(c))  # FITPACK's values, the derivatives of the fit
    r = rhs - A @ c
    return knots, c, _np.sum(r * r), ier, msg, u


def splprep(x, w=None, u=None, ub=None, ue=None, k=3, task=0, s=None, t=None, full_output=0, nest=None, per=0,
            quiet=1):
    """The parametric spline curve ``([t, [c_1, ..., c_idim], k], u)`` that
    FITPACK fits through the points ``x`` (a list of coordinate arrays), as
    :func:`scipy.interpolate.splprep`.

    Without ``u`` the points are parametrised by their cumulative chord
    length (scaled to ``[0, 1]``), computed on the traced points so that
    ``u`` is differentiable too.  The knots are SciPy's choice on the plain
    values, held fixed (those sitting on parameter values move with them);
    the coefficients of every coordinate are recomputed with osculate
    operations: least squares, or FITPACK's penalized fit whose one weight
    keeps the residual sum at its value (an implicit function of the data).
    The values need to be at hand (not inside ``jit``/``vmap``); ``per=1``,
    ``task=±1`` and ``nest`` are not supported on traced values.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.interpolate import splprep, splev
    >>> th = np.linspace(0.0, 3.0, 12)
    >>> curve = lambda r: splev(0.4, splprep([r * np.cos(th), r * np.sin(th)], s=0)[0])
    >>> bool(np.allclose(osc.jacfwd(lambda r: np.stack(curve(r)))(2.0), np.stack(curve(1.0))))
    True
    """
    if not _any_traced(x, w, u, ub, ue, s, t) and not (isinstance(x, (list, tuple)) and _any_traced(*x)):
        return _scipy_interpolate.splprep(x, w=w, u=u, ub=ub, ue=ue, k=k, task=task, s=s, t=t,
                                          full_output=full_output, nest=nest, per=per, quiet=quiet)
    if per:
        raise NotImplementedError("splprep: periodic curves (per=1) are not supported on traced values; use "
                                  "make_interp_spline(u, x, bc_type='periodic', axis=1) on the parameters")
    if task != 0 or t is not None:
        raise NotImplementedError("splprep: task=1 and task=-1 (given knots) are not supported on traced values; "
                                  "use make_lsq_spline(u, x.T, t) on the parameters")
    if nest is not None:
        raise NotImplementedError("splprep: nest is not supported on traced values; leave it None")
    t, c, fp, ier, msg, u = _parametric_fit("splprep", "splprep", x, w, u, ub, ue, k, s)
    tcku = [t, [c[:, i] for i in range(_np.shape(c)[1])], int(k)], u
    if full_output:
        return tcku, fp, ier, msg
    return tcku


def make_splprep(x, *, w=None, u=None, ub=None, ue=None, k=3, s=0, t=None, nest=None, bc_type=None):
    """The parametric smoothing curve of SciPy's
    :func:`scipy.interpolate.make_splprep`: ``(spl, u)`` with ``spl`` a
    :class:`BSpline` whose values have the shape of ``x`` (``axis=1``).  As
    :func:`splprep`: chord-length parameters computed on the traced points,
    SciPy's knots held fixed, coefficients recomputed (``s=0`` interpolates
    with :func:`make_interp_spline`).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.interpolate import make_splprep
    >>> th = np.linspace(0.0, 3.0, 12)
    >>> f = lambda a: make_splprep([np.cos(th) + a, np.sin(th)], s=0.01)[0](0.4)
    >>> np.round(osc.jacfwd(f)(0.0), 10)   # shifting the points shifts the curve
    array([1., 0.])
    """
    if not _any_traced(x, w, u, ub, ue, s, t) and not (isinstance(x, (list, tuple)) and _any_traced(*x)):
        return _scipy_interpolate.make_splprep(x, w=w, u=u, ub=ub, ue=ue, k=k, s=s, t=t, nest=nest,
                                               bc_type=bc_type)
    if t is not None or bc_type is not None or nest is not None:
        raise NotImplementedError("make_splprep: t, nest and bc_type are not supported on traced values; use "
                                  "make_lsq_spline(u, x.T, t) on the parameters")
    if s == 0:
        if w is not None:
            raise ValueError("make_splprep: s=0 is for interpolation only (w must be None)")
        xs = _np.stack([_float(xi) for xi in x]) if isinstance(x, (list, tuple)) else _float(x)
        if u is None:
            u = _chord_parameters(xs)
            uv = _known(u)
            if uv is not None:  # SciPy's parameters to the last bit
                u = _scipy_interpolate.make_splprep(_known(xs), k=k, s=0)[1] + (u - _stop_gradient(u))
        return make_interp_spline(u, xs, k=k, axis=1), u
    t, c, _, _, _, u = _parametric_fit("make_splprep", "make_splprep", x, w, u, ub, ue, k, s)
    return BSpline(t, _np.transpose(c), k, axis=1), u


def make_smoothing_spline(x, y, w=None, lam=None, *, axis=0):
    """SciPy's penalized cubic smoothing spline
    (:func:`scipy.interpolate.make_smoothing_spline`), minimizing
    ``sum w_i (y_i - f(x_i))**2 + lam * integral f''**2``, as a :class:`BSpline`.

    With ``lam`` given, the coefficients solve SciPy's system in the basis of
    natural splines (formed dense, see :mod:`._smoothing_spline`): linear in
    ``y``, smooth in ``x``, ``w`` and ``lam`` (all may be traced, also under
    ``jit``/``vmap``).  With ``lam=None`` SciPy chooses ``lam`` by generalized
    cross-validation (a bounded search to 1e-5); here the value is SciPy's and
    its derivatives in ``x``, ``w``, ``y`` are those of the exact minimizer of
    the score, differentiated as an implicit function (when SciPy's choice
    sits at an end of its interval it is held constant).  That needs the
    values (not inside ``jit``/``vmap``).  The dense solve is O(n³): meant for
    hundreds of points, not many thousands.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.interpolate import make_smoothing_spline
    >>> x = np.linspace(0.0, 3.0, 12)
    >>> g = osc.grad(lambda y: make_smoothing_spline(x, y, lam=0.1)(1.3))(np.sin(x))
    >>> g.shape, bool(abs(g.sum() - 1.0) < 1e-12)   # reproduces constants
    ((12,), True)
    """
    if not _any_traced(x, y, w, lam):
        return _scipy_interpolate.make_smoothing_spline(x, y, w=w, lam=lam, axis=axis)
    x, y = _float(x), _float(y)
    who = "make_smoothing_spline"
    if _np.iscomplexobj(y) or _np.iscomplexobj(x):
        raise ValueError(f"{who}: x and y must be real")
    axis = _axis(axis, _np.ndim(y))
    n = _np.shape(x)[0] if _np.ndim(x) == 1 else -1
    if _np.ndim(x) != 1 or n != _np.shape(y)[axis]:
        raise ValueError(f"{who}: x should be 1-D with as many points as y along axis {axis}, got shapes "
                         f"{_np.shape(x)} and {_np.shape(y)}")
    if n <= 4:
        raise ValueError(f"{who}: x and y must have at least 5 points")
    xv = _known(x)
    if xv is not None and _np.any(_np.diff(xv) <= 0):
        raise ValueError(f"{who}: x should be strictly increasing")
    w = _np.ones(n) if w is None else _float(w)
    wv = _known(w)
    if _np.shape(w) != (n,):
        raise ValueError(f"{who}: w must have shape ({n},), got {_np.shape(w)}")
    if wv is not None and _np.any(wv <= 0):
        raise ValueError(f"{who}: the weights must be positive")
    if lam is not None and not isinstance(lam, _Tracer) and float(lam) < 0.0:
        raise ValueError(f"{who}: the regularization parameter lam must be non-negative")
    yd = _np.moveaxis(y, axis, 0)
    trail = _np.shape(yd)[1:]
    y2 = _np.reshape(yd, (n, -1))
    t = _np.concatenate([_np.stack([x[0]] * 3), x, _np.stack([x[-1]] * 3)])
    T = _ss.natural_basis(x)
    X = _basis(t, 3, x) @ T
    K = _ss.penalty(x, w)
    yv, lamv = _known(y2), _known(lam) if lam is not None else None
    ref = None
    if xv is not None and yv is not None and wv is not None and (lam is None or lamv is not None):
        ref = _scipy_interpolate.make_smoothing_spline(xv, _np.asarray(yv), w=wv, axis=0,
                                                       lam=None if lam is None else float(lamv))
    if lam is not None:
        c = _ss.fit(X, K, y2, lam)
    else:
        if ref is None:
            raise ValueError(f"{who}: with lam=None the GCV choice of lam needs the values of x, y and w, which "
                             "are not at hand inside jit or vmap; call it outside, or give lam")
        tv = _np.r_[[xv[0]] * 3, xv, [xv[-1]] * 3]
        Tv = _ss.natural_basis(xv)
        Xv, Kv = _basis(tv, 3, xv) @ Tv, _ss.penalty(xv, wv)
        cv = _np.linalg.lstsq(Tv, _np.reshape(ref.c, (n + 2, -1)), rcond=None)[0]
        cols = []
        for j in range(_np.shape(yv)[1]):
            lam0 = _ss.recover_lambda(Xv, Kv, yv[:, j], cv[:, j])
            lam_j = _ss.gcv_lambda(X, K, w, y2[:, j], lam0, Xv, Kv, wv, yv[:, j])
            cols.append(_ss.fit(X, K, y2[:, j], lam_j))
        c = _np.stack(cols, axis=1)
    cb = T @ c
    if ref is not None:  # SciPy's values (its banded solve), the derivatives of the fit
        cb = _np.reshape(ref.c, (n + 2, -1)) + (cb - _stop_gradient(cb))
    return BSpline._make(t, _np.reshape(cb, (n + 2,) + tuple(trail)), 3, True, axis)


_EXT = {"extrapolate": 0, "zeros": 1, "raise": 2, "const": 3, 0: 0, 1: 1, 2: 2, 3: 3}


def _ext(ext, who):
    try:
        return _EXT[ext]
    except (KeyError, TypeError):
        raise ValueError(f"{who}: ext must be one of 'extrapolate', 'zeros', 'raise', 'const' or 0-3, "
                         f"got {ext!r}") from None


class UnivariateSpline:
    """A 1-D smoothing spline fitted by FITPACK, as
    :class:`scipy.interpolate.UnivariateSpline` (``s`` defaults to ``len(x)``).

    As :func:`splrep`: the knots are SciPy's choice (piecewise constant in the
    data, held fixed), the coefficients are recomputed on them (least squares,
    or FITPACK's penalized fit with its weight an implicit function of the
    data), so the spline is differentiable in ``y``, ``w``, ``x`` and the
    evaluation points.  ``set_smoothing_factor`` is not supported.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.interpolate import UnivariateSpline
    >>> x = np.linspace(0.0, 3.0, 10)
    >>> spl = UnivariateSpline(x, 2.0 * x + 1.0, s=0.1)
    >>> round(float(spl(1.25)), 12), round(float(spl.derivative()(1.25)), 12)
    (3.5, 2.0)
    >>> round(float(osc.grad(lambda y: UnivariateSpline(x, y, s=0.1)(1.25))(2.0 * x + 1.0).sum()), 12)
    1.0
    """

    _kind = "univariate"

    def __init__(self, x, y, w=None, bbox=[None, None], k=3, s=None, ext=0, check_finite=False):  # noqa: B006
        self._setup(x, y, w, bbox, k, s, None, ext, check_finite)

    def _setup(self, x, y, w, bbox, k, s, t, ext, check_finite):
        who = type(self).__name__
        self.ext = _ext(ext, who)
        if check_finite:
            for name, v in (("x", x), ("y", y), ("w", w)):
                vv = None if v is None else _known(_float(v))
                if vv is not None and not _np.all(_np.isfinite(vv)):
                    raise ValueError(f"{who}: {name} must contain only finite values")
        xb, xe = bbox
        fit = _Fit(self._kind if t is None else "lsq", who, x, y, w, xb, xe, k, s, t)
        self._t, self._c, self._k, self._fp = fit.t, fit.c, fit.k, fit.fp

    @classmethod
    def _from_tck(cls, tck, ext=0):
        obj = object.__new__(cls)
        t, c, k = tck
        n = _np.shape(t)[0] - k - 1
        obj._t, obj._c, obj._k, obj._fp, obj.ext = t, c[:n], k, _np.nan, ext
        return obj

    @property
    def _tck(self):
        return self._t, self._c, self._k

    def __call__(self, x, nu=0, ext=None):
        """The value (or ``nu``-th derivative) at ``x``; ``ext`` as :func:`splev`'s."""
        ext = self.ext if ext is None else _ext(ext, type(self).__name__)
        return splev(x, self._tck, nu, ext)

    def get_knots(self):
        """The knots without the repeated ends (``t[k:-k]``)."""
        return self._t[self._k:_np.shape(self._t)[0] - self._k]

    def get_coeffs(self):
        """The B-spline coefficients."""
        return self._c

    def get_residual(self):
        """The weighted sum of squared residuals ``sum((w * (y - spl(x))) ** 2)``."""
        return self._fp

    def integral(self, a, b):
        """The integral from ``a`` to ``b`` (zero outside the knots' interval)."""
        return splint(a, b, self._tck)

    def derivatives(self, x):
        """The value and every derivative (orders 0 to k) at the point ``x``."""
        return spalde(x, self._tck)

    def roots(self):
        """The zeros of the spline (cubic splines only, as SciPy's)."""
        if self._k != 3:
            raise NotImplementedError(f"{type(self).__name__}.roots: finding roots is only supported for cubic "
                                      f"splines (k=3), got k={self._k}")
        return sproot(self._tck)

    def derivative(self, n=1):
        """The ``n``-th derivative, a spline of degree ``k - n``."""
        return UnivariateSpline._from_tck(splder(self._tck, n), self.ext)

    def antiderivative(self, n=1):
        """The ``n``-th antiderivative."""
        return UnivariateSpline._from_tck(splantider(self._tck, n), self.ext)

    def set_smoothing_factor(self, s):
        raise NotImplementedError(f"{type(self).__name__}.set_smoothing_factor is not supported in osculate; "
                                  "build a new UnivariateSpline with the new s")


class InterpolatedUnivariateSpline(UnivariateSpline):
    """The interpolating spline (``s=0``) through ``(x, y)`` fitted by FITPACK,
    as :class:`scipy.interpolate.InterpolatedUnivariateSpline`.  Its knots are
    the data points (midpoints for even ``k``) and move with them; the
    coefficients are linear in ``y``.  Works under ``jit`` and ``vmap`` in
    ``y`` (with a constant ``x``).

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import InterpolatedUnivariateSpline
    >>> x = np.linspace(0.0, 2.0, 7)
    >>> round(float(InterpolatedUnivariateSpline(x, x ** 3)(1.1)), 12)
    1.331
    """

    def __init__(self, x, y, w=None, bbox=[None, None], k=3, ext=0, check_finite=False):  # noqa: B006
        self._setup(x, y, w, bbox, k, 0.0, None, ext, check_finite)


class LSQUnivariateSpline(UnivariateSpline):
    """The weighted least-squares spline on the interior knots ``t``, as
    :class:`scipy.interpolate.LSQUnivariateSpline`; linear in ``y``,
    differentiable in ``y``, ``w``, ``x`` and ``t``; works under ``jit`` and
    ``vmap`` (with a constant ``x``).

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import LSQUnivariateSpline
    >>> x = np.linspace(0.0, 2.0, 21)
    >>> round(float(LSQUnivariateSpline(x, x ** 2, [0.5, 1.0, 1.5])(0.3)), 12)
    0.09
    """

    def __init__(self, x, y, t, w=None, bbox=[None, None], k=3, ext=0, check_finite=False):  # noqa: B006
        self._setup(x, y, w, bbox, k, 0.0, t, ext, check_finite)
