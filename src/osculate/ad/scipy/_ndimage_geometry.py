"""Spline interpolation of ``scipy.ndimage`` on traced values: ``map_coordinates``,
``affine_transform``, ``shift``, ``zoom``, ``rotate``, ``geometric_transform``,
``spline_filter`` and ``spline_filter1d`` (re-exported by :mod:`.ndimage`).

SciPy samples a B-spline of degree ``order`` (0 to 5) whose coefficients are
the image itself (``order`` <= 1, or ``prefilter=False``) or the image run
through the spline prefilter.  Both halves are written here with osculate's
operations, so the results are differentiable to any order in the image (and
``cval``) and in everything that moves the sampling points: the coordinates,
an affine matrix and offset, a shift, a rotation angle, the parameters a
``geometric_transform`` mapping closes over.

* The prefilter is linear in the image.  Along an axis of 32 samples or
  more it is SciPy's own O(n) recursive filter, as the primitive
  :data:`osculate.ad.prims.filters.spline_prefilter_p` (whose adjoint is the
  filter again, between two diagonal scalings); along a shorter one it is
  SciPy's filter applied to the identity (a matrix computed once per length
  and cached), contracted with the image.  ``'nearest'`` and
  ``'grid-constant'`` pad 12 samples first, as SciPy does.
* Each sampling point reads ``order + 1`` coefficients per axis, from the
  start SciPy chooses (``floor(c)`` for odd orders, ``floor(c + 0.5)`` for
  even ones), weighted by the B-spline at the point's offsets.  The start is
  piecewise constant (no derivative); the weights are polynomials in the
  fractional part, so the derivative in the coordinates is the spline's
  derivative.  The boundary ``mode`` maps the coordinate and the coefficient
  positions exactly as SciPy's C code does (``'constant'`` gives ``cval``
  outside ``[0, n - 1]``, ``'grid-constant'`` reads ``cval`` for every
  coefficient outside, ``'wrap'`` has period ``n - 1``...).
* Where the sampling points' values are at hand, the coefficients are
  gathered by index (``order + 1`` per axis and point).  Inside ``jit`` or
  ``vmap`` with traced points they are not: the choice is then a one-hot
  matrix per axis and the evaluation a contraction (exact, but it costs one
  entry per point and sample of the axis).

With nothing traced, SciPy's function is called (so ``output=`` and integer
results behave as SciPy's); traced results are float64 (complex128 for a
complex image).
"""

from __future__ import annotations

import functools as _functools
import math as _math
import warnings as _warnings

import numpy as _np
import scipy.ndimage as _snd

from .. import numpy as _o
from ..core import Tracer as _Tracer
from ..prims.filters import spline_prefilter as _spline_prefilter
from . import special as _special
from ._ndimage_support import _array, _axis_index, _check_cval, _known, _no_output, _traced

__all__ = ["spline_filter1d", "spline_filter", "map_coordinates", "affine_transform", "shift", "zoom", "rotate",
           "geometric_transform"]

_INTERP_MODES = {"constant": "constant", "grid-constant": "grid-constant", "nearest": "nearest",
                 "reflect": "reflect", "grid-mirror": "reflect", "mirror": "mirror", "wrap": "wrap",
                 "grid-wrap": "grid-wrap"}
_PREPAD = 12  # the samples SciPy pads before prefiltering for 'nearest' and 'grid-constant'


# --------------------------------------------------------------------------- checks

def _interp_mode(mode, fname):
    if not isinstance(mode, str) or mode not in _INTERP_MODES:
        raise RuntimeError(f"{fname}: boundary mode not supported: {mode!r} (one of {sorted(_INTERP_MODES)})")
    return _INTERP_MODES[mode]


def _spline_order(order, fname, low=0):
    if not isinstance(order, (int, _np.integer)) or isinstance(order, bool) or not low <= order <= 5:
        raise RuntimeError(f"{fname}: spline order not supported: {order!r} (an integer from {low} to 5)")
    return int(order)


def _float_image(x):
    if isinstance(x, _Tracer):
        return x
    return _np.asarray(x, dtype=_np.complex128 if _np.iscomplexobj(x) else _np.float64)


# --------------------------------------------------------------------------- prefilter

@_functools.lru_cache(maxsize=128)
def _prefilter_matrix(n, order, mode):
    """The ``(n, n)`` matrix of SciPy's spline prefilter along an axis of
    length ``n`` (its columns are the filtered unit vectors)."""
    m = _snd.spline_filter1d(_np.eye(n), order, axis=0, mode=mode)
    m.setflags(write=False)
    return m


#: From this many samples along an axis on, the prefilter runs as SciPy's O(n) recursive filter (a
#: primitive whose adjoint is the filter again, see osculate.ad.prims.filters); shorter axes use the
#: dense matrix, exact where SciPy's truncated start of the recursion is not yet symmetric.
_RECURSIVE_FROM = 32


def _filter_axis(x, order, axis, mode):
    n = _np.shape(x)[axis]
    if order < 2 or n <= 1:
        return x
    if n >= _RECURSIVE_FROM:
        return _spline_prefilter(x, order, axis, mode)
    out = _o.tensordot(_prefilter_matrix(n, order, mode), x, axes=([1], [axis]))
    return _o.moveaxis(out, 0, axis)


def _pad(x, npad, cval, constant, axes):
    """``x`` extended by ``npad`` samples at both ends of ``axes``: the edge
    sample repeated, or ``cval`` when ``constant``."""
    for axis in axes:
        n = _np.shape(x)[axis]
        j = _np.arange(-npad, n + npad)
        x = _o.take(x, _np.clip(j, 0, n - 1), axis=axis)
        if constant:
            inside = ((j >= 0) & (j < n)).reshape((-1,) + (1,) * (_np.ndim(x) - axis - 1))
            x = _o.where(inside, x, cval)
    return x


def _coefficients(x, order, mode, cval, prefilter, axes):
    """The spline coefficients SciPy samples over ``axes`` and its padding."""
    x = _float_image(x)
    npad = 0
    if prefilter and order > 1:
        if mode in ("nearest", "grid-constant"):
            npad = _PREPAD
            x = _pad(x, npad, cval, mode == "grid-constant", axes)
        for axis in axes:
            x = _filter_axis(x, order, axis, mode)
    if mode == "grid-constant":  # one more cell of cval: every position outside reads it
        x = _pad(x, 1, cval, True, axes)
    return x, npad


# --------------------------------------------------------------------------- sampling weights

def _map_coordinate(x, n, mode):
    """SciPy's mapping of a coordinate outside ``[0, n - 1]`` into the axis
    (``-1`` for ``'constant'``), written with elementwise NumPy operations so
    that it maps plain and traced coordinates alike (the integer parts are
    piecewise constant)."""
    with _np.errstate(invalid="ignore", divide="ignore"):
        if mode == "constant":
            return _np.where((x < 0) | (x > n - 1), -1.0, x)
        if mode == "nearest":
            return _np.where(x < 0, 0.0, _np.where(x > n - 1, float(n - 1), x))
        if n <= 1:
            return x * 0.0
        if mode == "mirror":
            s = 2 * n - 2
            lo = s * _np.trunc(-x / s) + x
            lo = _np.where(lo <= 1 - n, lo + s, -lo)
            hi = x - s * _np.trunc(x / s)
            hi = _np.where(hi >= n, s - hi, hi)
        elif mode == "reflect":
            s = 2 * n
            lo = _np.where(x < -s, s * _np.trunc(-x / s) + x, x)
            lo = _np.where(lo < -n, lo + s, _np.where(lo > -1e-15, 1e-15, -lo) - 1)
            hi = x - s * _np.trunc(x / s)
            hi = _np.where(hi >= n, s - hi - 1, hi)
        elif mode == "wrap":  # SciPy's 'wrap' repeats with period n - 1
            s = n - 1
            lo = x + s * (_np.trunc(-x / s) + 1)
            hi = x - s * _np.trunc(x / s)
        else:  # grid-wrap: period n
            lo = x + n * (_np.trunc((-1 - x) / n) + 1)
            hi = x - n * _np.trunc(x / n)
        return _np.where(x < 0, lo, _np.where(x > n - 1, hi, x))


def _source_positions(j, n, mode):
    """Where the coefficient positions ``j`` read from: SciPy's mirror for
    ``'constant'`` and ``'wrap'``, the mode itself otherwise, and for
    ``'grid-constant'`` the cval cell (``0`` or ``n + 1``) of the padded
    coefficients outside."""
    if mode == "grid-constant":
        return _np.clip(j, -1, n) + 1
    return _map_coordinate(j, n, "mirror" if mode in ("constant", "wrap") else mode)


# the B-spline pieces in powers of a = |t|: inner, middle (orders 4, 5); the outer piece is (h - a)^n / n!
_INNER = {2: (0.75, 0.0, -1.0), 3: (2 / 3, 0.0, -1.0, 0.5), 4: (115 / 192, 0.0, -5 / 8, 0.0, 0.25),
          5: (11 / 20, 0.0, -0.5, 0.0, 0.25, -1 / 12)}
_MIDDLE = {4: (55 / 96, 5 / 24, -1.25, 5 / 6, -1 / 6), 5: (17 / 40, 0.625, -1.75, 1.25, -0.375, 1 / 24)}


def _poly(coeffs, a):
    out = coeffs[-1]
    for c in coeffs[-2::-1]:
        out = out * a + c
    return out


def _weights(t, order):
    """The ``order + 1`` B-spline weights of the coefficients from the start,
    for the fractional offsets ``t`` (``c - floor(c)`` for odd orders, in
    ``[0, 1)``; ``c - floor(c + 0.5)`` for even ones, in ``[-1/2, 1/2)``):
    stacked on a last axis.  Which piece of the B-spline each weight uses is
    fixed by its position, so each is one polynomial in ``t``."""
    if order == 0:
        return _o.expand_dims(t * 0.0 + 1.0, -1)
    if order == 1:
        return _o.stack([1.0 - t, t], axis=-1)
    m = order // 2
    half = (order + 1) / 2
    outer = (order + 1) // 2 - (order % 2)  # the piece number of the outer piece
    out = []
    for k in range(order + 1):
        a = t + (m - k) if k <= m else (k - m) - t  # |offset| of coefficient k (t itself for the centre)
        piece = m - k if k <= m else k - m - (order % 2)
        if piece == 0:
            w = _poly(_INNER[order], a)
        elif piece == outer:
            w = (half - a) ** order / _math.factorial(order)
        else:
            w = _poly(_MIDDLE[order], a)
        out.append(w)
    return _o.stack(out, axis=-1)


def _axis_plan(c, n, order, mode, npad):
    """For the coordinates ``c`` (any shape) along an axis of ``n`` coefficients:
    the coefficient positions read (shape ``c.shape + (order + 1,)``: integers
    when the values are at hand, else traced floats), their weights, and for
    ``'constant'`` where the point lies outside (its value is ``cval``)."""
    if npad:
        c = c + float(npad)
    if mode not in ("grid-constant", "nearest"):
        c = _map_coordinate(c, n, mode)
    outside = ~(c > -1.0) if mode == "constant" else None
    cv = _known(c)
    half = 0.0 if order % 2 else 0.5
    if cv is not None:
        with _np.errstate(invalid="ignore"):
            base = _np.floor(cv + half)
        base = _np.where(_np.isfinite(base), base, 0.0)
        if outside is not None:
            outside = _known(outside)
    else:
        base = _np.floor(c + half)
    w = _weights(c - base, order)
    j = _np.expand_dims(base, -1) + (_np.arange(order + 1) - order // 2)
    src = _source_positions(j, n, mode)
    if cv is not None:
        src = _np.asarray(src).astype(_np.intp)
    return src, w, outside


def _onehot(src, w, size):
    """``(points, size)``: the weights summed onto the positions they read."""
    hits = _np.expand_dims(src, -1) == _np.arange(size)
    return _o.sum(_o.where(hits, _o.expand_dims(w, -1), 0.0), axis=-2)


def _sample(coef, plans, batch):
    """The spline with coefficients ``coef`` (``batch`` leading axes, then one
    per plan) at the points of ``plans`` (per axis: positions and weights,
    each of shape ``(points, order + 1)``): shape ``batch_shape + (points,)``."""
    d = len(plans)
    lead = (slice(None),) * batch
    if all(not isinstance(src, _Tracer) for src, _ in plans):  # positions known: a gather
        index, weight = [], None
        for a, (src, w) in enumerate(plans):
            shape = (src.shape[0],) + (1,) * a + (src.shape[1],) + (1,) * (d - 1 - a)
            index.append(src.reshape(shape))
            wa = _o.reshape(w, shape)
            weight = wa if weight is None else weight * wa
        g = coef[lead + tuple(index)]
        return _o.sum(g * weight, axis=tuple(range(batch + 1, batch + 1 + d)))
    # positions unknown (jit / vmap over the points): one-hot contractions, last axis first
    sizes = _np.shape(coef)[batch:]
    t = _o.tensordot(coef, _onehot(plans[-1][0], plans[-1][1], sizes[-1]), axes=([batch + d - 1], [1]))
    for a in range(d - 2, -1, -1):
        oh = _o.transpose(_onehot(plans[a][0], plans[a][1], sizes[a]))  # (n_a, points)
        t = _o.sum(t * oh, axis=batch + a)
    return t


def _outside_mask(outsides):
    mask = None
    for o in outsides:
        if o is not None:
            mask = o if mask is None else (mask | o)
    return mask


def _interpolate_points(x, coords, order, mode, cval, prefilter, batch=0):
    """The image ``x`` (``batch`` leading axes not interpolated) sampled at
    ``coords`` (a list, one array of the output's shape per interpolated
    axis)."""
    axes = list(range(batch, _np.ndim(x)))
    coef, npad = _coefficients(x, order, mode, cval, prefilter, axes)
    out_shape = _np.shape(coords[0])
    plans, outsides = [], []
    for a, c in zip(axes, coords):
        n = _np.shape(coef)[a] - (2 if mode == "grid-constant" else 0)
        src, w, outside = _axis_plan(_o.reshape(c, (-1,)), n, order, mode, npad)
        plans.append((src, w))
        outsides.append(outside)
    out = _sample(coef, plans, batch)
    mask = _outside_mask(outsides)
    if mask is not None:
        out = _o.where(mask, cval, out)
    return _o.reshape(out, _np.shape(x)[:batch] + tuple(out_shape))


def _interpolate_separable(x, coords, order, mode, cval, prefilter):
    """The image sampled on the grid ``coords[0] x coords[1] x ...`` (one
    vector of coordinates per axis: zoom and shift), one axis at a time."""
    axes = list(range(_np.ndim(x)))
    coef, npad = _coefficients(x, order, mode, cval, prefilter, axes)
    mask = None
    for a, c in enumerate(coords):
        n = _np.shape(coef)[a] - (2 if mode == "grid-constant" else 0)
        src, w, outside = _axis_plan(c, n, order, mode, npad)
        m = _np.shape(src)[0]
        if not isinstance(src, _Tracer):
            g = _o.take(coef, src.reshape(-1), axis=a)
            g = _o.reshape(g, _np.shape(coef)[:a] + (m, order + 1) + _np.shape(coef)[a + 1:])
            coef = _o.sum(g * _o.reshape(w, (m, order + 1) + (1,) * (len(axes) - a - 1)), axis=a + 1)
        else:
            coef = _o.moveaxis(_o.tensordot(coef, _onehot(src, w, _np.shape(coef)[a]), axes=([a], [1])), -1, a)
        if outside is not None:
            o = _o.reshape(outside, (m,) + (1,) * (len(axes) - a - 1))
            mask = o if mask is None else (mask | o)
    if mask is not None:
        coef = _o.where(mask, cval, coef)
    return coef


def _checked(input, output, order, mode, cval, fname, low=0):  # noqa: A002
    _no_output(output, fname)
    x = _array(input, fname)
    if _np.ndim(x) < 1:
        raise RuntimeError(f"{fname}: input and output rank must be > 0")
    order = _spline_order(order, fname, low)
    mode = _interp_mode(mode, fname)
    cval = _check_cval(cval, fname)
    if _np.iscomplexobj(cval) and not _np.iscomplexobj(x):
        raise ValueError(f"{fname}: a complex cval needs a complex input (the input is real)")
    return x, order, mode, cval


def _float_list(values, n, fname, what):
    """A scalar or a sequence of ``n`` numbers (each may be traced)."""
    if isinstance(values, _Tracer) and _np.ndim(values) == 1:
        values = [values[i] for i in range(_np.shape(values)[0])]
    elif _np.ndim(values) == 0 or isinstance(values, str):
        values = [values] * n
    values = list(values)
    if len(values) != n:
        raise RuntimeError(f"{fname}: {what} must be a single number or a sequence of {n} numbers, "
                           f"not {len(values)}")
    return values


# --------------------------------------------------------------------------- public functions

def spline_filter1d(input, order=3, axis=-1, output=_np.float64, mode="mirror"):  # noqa: A002
    """The B-spline prefilter along ``axis`` (the coefficients whose spline of
    degree ``order`` interpolates the samples), as :func:`scipy.ndimage.spline_filter1d`.

    Linear in ``input`` (a constant matrix per axis length, order and mode):
    the gradient of one output is a row of that matrix.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.ndimage import spline_filter1d
    >>> spline_filter1d(np.array([0.0, 1.0, 0.0, 0.0]), order=2).round(6)
    array([-0.485714,  1.457143, -0.257143,  0.085714])
    >>> osc.grad(lambda x: spline_filter1d(x, order=3)[1])(np.zeros(4)).round(6)
    array([-0.466667,  1.866667, -0.533333,  0.133333])
    """
    fname = "spline_filter1d"
    if not _traced(input):
        return _snd.spline_filter1d(input, order, axis, output, mode)
    if output not in (_np.float64, float, None, _np.complex128, complex):
        raise TypeError(f"{fname}: output= must be a float64 or complex128 dtype on traced values")
    order = _spline_order(order, fname)
    x = _float_image(_array(input, fname))
    axis = _axis_index(axis, _np.ndim(x), fname)
    return _filter_axis(x, order, axis, _interp_mode(mode, fname))


def spline_filter(input, order=3, output=_np.float64, mode="mirror"):  # noqa: A002
    """The B-spline prefilter along every axis, as :func:`scipy.ndimage.spline_filter`
    (``order`` from 2 to 5).

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import spline_filter
    >>> spline_filter(np.eye(2)).round(6)
    array([[ 5., -4.],
           [-4.,  5.]])
    """
    fname = "spline_filter"
    if not _traced(input):
        return _snd.spline_filter(input, order, output, mode)
    if output not in (_np.float64, float, None, _np.complex128, complex):
        raise TypeError(f"{fname}: output= must be a float64 or complex128 dtype on traced values")
    order = _spline_order(order, fname, low=2)
    mode = _interp_mode(mode, fname)
    x = _float_image(_array(input, fname))
    for axis in range(_np.ndim(x)):
        x = _filter_axis(x, order, axis, mode)
    return x


def map_coordinates(input, coordinates, output=None, order=3, mode="constant", cval=0.0,  # noqa: A002
                    prefilter=True):
    """The image sampled at ``coordinates`` (shape ``(input.ndim, *out_shape)``,
    in array indices) by the spline of degree ``order``, as
    :func:`scipy.ndimage.map_coordinates`.

    Differentiable in ``input``, ``cval`` and ``coordinates`` (the spline's
    derivative; piecewise for ``order`` 0 and 1).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.ndimage import map_coordinates
    >>> img = np.arange(12.0).reshape(4, 3)
    >>> map_coordinates(img, [[0.5, 2.0], [0.5, 1.0]], order=1)
    array([2., 7.])
    >>> osc.grad(lambda c: map_coordinates(img, c, order=1)[0])(np.array([[0.5], [0.5]]))
    array([[3.],
           [1.]])
    """
    fname = "map_coordinates"
    if not _traced(input, coordinates, cval):
        return _snd.map_coordinates(input, coordinates, output, order, mode, cval, prefilter)
    x, order, mode, cval = _checked(input, output, order, mode, cval, fname)
    coords = _array(coordinates, fname, "coordinates")
    if _np.iscomplexobj(coords):
        raise TypeError(f"{fname}: complex coordinates are not supported")
    if _np.ndim(coords) < 2:
        raise RuntimeError(f"{fname}: input and output rank must be > 0 (coordinates of shape "
                           f"(input.ndim, *output_shape))")
    if _np.shape(coords)[0] != _np.ndim(x):
        raise RuntimeError(f"{fname}: invalid shape for coordinate array: {_np.shape(coords)} for an input "
                           f"of dimension {_np.ndim(x)}")
    coords = [coords[i] for i in range(_np.ndim(x))]
    return _interpolate_points(x, coords, order, mode, cval, prefilter)


def _affine_coordinates(matrix, offset, out_shape):
    """SciPy's input coordinates of every output point: ``offset + matrix @ o``,
    summed in SciPy's order."""
    grid = _np.indices(out_shape, dtype=_np.float64)
    coords = []
    for h in range(_np.shape(matrix)[0]):
        c = offset[h]
        for ll in range(len(out_shape)):
            c = c + grid[ll] * matrix[h, ll]
        coords.append(_o.broadcast_to(c, out_shape))
    return coords


def affine_transform(input, matrix, offset=0.0, output_shape=None, output=None, order=3,  # noqa: A002
                     mode="constant", cval=0.0, prefilter=True):
    """The image resampled at ``matrix @ o + offset`` for every output index
    ``o``, as :func:`scipy.ndimage.affine_transform` (``matrix`` square or
    ``(ndim, out_ndim)``, a diagonal given as a vector, or homogeneous
    ``(ndim + 1, ndim + 1)`` / ``(ndim, ndim + 1)`` with the offset in its last
    column).

    Differentiable in ``input``, ``cval``, ``matrix`` and ``offset``.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import affine_transform
    >>> affine_transform(np.arange(4.0), [[1.0]], offset=0.5, order=1)
    array([0.5, 1.5, 2.5, 0. ])
    """
    fname = "affine_transform"
    if not _traced(input, matrix, offset, cval):
        return _snd.affine_transform(input, matrix, offset, output_shape, output, order, mode, cval, prefilter)
    x, order, mode, cval = _checked(input, output, order, mode, cval, fname)
    nd = _np.ndim(x)
    if output_shape is None:
        output_shape = _np.shape(x)
    output_shape = tuple(int(s) for s in output_shape)
    if len(output_shape) < 1:
        raise RuntimeError(f"{fname}: input and output rank must be > 0")
    m = _array(matrix, fname, "matrix")
    if _np.ndim(m) not in (1, 2) or _np.shape(m)[0] < 1:
        raise RuntimeError(f"{fname}: no proper affine matrix provided")
    if _np.ndim(m) == 2 and _np.shape(m)[1] == nd + 1 and _np.shape(m)[0] in (nd, nd + 1):
        if _np.shape(m)[0] == nd + 1:
            last = _known(m[nd])
            if last is not None and not _np.all(last == [0] * nd + [1]):
                raise ValueError(f"{fname}: expected a homogeneous transformation matrix with bottom row "
                                 f"{[0] * nd + [1]}, not {last.tolist()}")
        offset = [m[i, nd] for i in range(nd)]
        m = m[:nd, :nd]
    if _np.shape(m)[0] != nd:
        raise RuntimeError(f"{fname}: affine matrix has wrong number of rows")
    if _np.ndim(m) == 2 and _np.shape(m)[1] != len(output_shape):
        raise RuntimeError(f"{fname}: affine matrix has wrong number of columns")
    offset = _float_list(offset, nd, fname, "offset")
    if _np.ndim(m) == 1:  # a diagonal: SciPy's zoom-and-shift, ((o + offset / m) * m) per axis
        coords = [(_np.arange(s, dtype=_np.float64) + offset[i] / m[i]) * m[i] for i, s in enumerate(output_shape)]
        return _interpolate_separable(x, coords, order, mode, cval, prefilter)
    coords = _affine_coordinates(m, offset, output_shape)
    return _interpolate_points(x, coords, order, mode, cval, prefilter)


def shift(input, shift, output=None, order=3, mode="constant", cval=0.0, prefilter=True):  # noqa: A002
    """The image moved by ``shift`` samples (one per axis, or one for all), as
    :func:`scipy.ndimage.shift`.

    Differentiable in ``input``, ``cval`` and ``shift``.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.ndimage import shift
    >>> shift(np.array([0.0, 1.0, 4.0, 9.0]), 0.5, order=1, mode="nearest")
    array([0. , 0.5, 2.5, 6.5])
    >>> float(osc.grad(lambda s: shift(np.array([0.0, 1.0, 4.0, 9.0]), s, order=1, mode="nearest")[2])(0.5))
    -3.0
    """
    fname = "shift"
    if not _traced(input, shift, cval):
        return _snd.shift(input, shift, output, order, mode, cval, prefilter)
    x, order, mode, cval = _checked(input, output, order, mode, cval, fname)
    shifts = _float_list(shift, _np.ndim(x), fname, "shift")
    coords = [_np.arange(n, dtype=_np.float64) + (-s) for n, s in zip(_np.shape(x), shifts)]
    return _interpolate_separable(x, coords, order, mode, cval, prefilter)


def zoom(input, zoom, output=None, order=3, mode="constant", cval=0.0, prefilter=True, *,  # noqa: A002
         grid_mode=False):
    """The image resampled to ``round(shape * zoom)`` samples per axis, as
    :func:`scipy.ndimage.zoom` (``grid_mode`` aligns the pixel edges instead
    of the centres of the first and last samples).

    Differentiable in ``input`` and ``cval``; the sampling points follow from
    the shapes alone, so ``zoom`` itself must be known (it sets the shape).

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import zoom
    >>> zoom(np.array([0.0, 1.0, 4.0]), 5 / 3, order=1)
    array([0. , 0.5, 1. , 2.5, 4. ])
    """
    fname = "zoom"
    if _traced(zoom):
        raise TypeError(f"{fname}: zoom sets the output's shape and cannot be traced; to differentiate in a "
                        "scale, use affine_transform with a diagonal matrix")
    if not _traced(input, cval):
        return _snd.zoom(input, zoom, output, order, mode, cval, prefilter, grid_mode=grid_mode)
    x, order, mode_code, cval = _checked(input, output, order, mode, cval, fname)
    factors = _float_list(zoom, _np.ndim(x), fname, "zoom")
    shape_in = _np.shape(x)
    shape_out = tuple(int(round(n * float(z))) for n, z in zip(shape_in, factors))
    if all(float(z) == 1 for z in factors) and prefilter:
        return _float_image(x) if isinstance(x, _Tracer) else x.copy()
    if grid_mode:
        suggest = {"constant": "grid-constant", "wrap": "grid-wrap"}.get(mode)
        if suggest is not None:
            _warnings.warn(f"It is recommended to use mode = {suggest} instead of {mode} when grid_mode is True.",
                           UserWarning, stacklevel=2)
    div = _np.array(shape_out) - (0 if grid_mode else 1)
    num = _np.array(shape_in) - (0 if grid_mode else 1)
    ratio = _np.divide(num, div, out=_np.ones(len(shape_in)), where=div != 0)
    coords = []
    for m, z in zip(shape_out, ratio):
        k = _np.arange(m, dtype=_np.float64)
        coords.append((k + 0.5) * z - 0.5 if grid_mode else k * z)
    return _interpolate_separable(x, coords, order, mode_code, cval, prefilter)


def rotate(input, angle, axes=(1, 0), reshape=True, output=None, order=3, mode="constant", cval=0.0,  # noqa: A002
           prefilter=True):
    """The image rotated by ``angle`` degrees in the plane of ``axes``, as
    :func:`scipy.ndimage.rotate` (``reshape``: the output grows to hold the
    whole rotated image).

    Differentiable in ``input``, ``cval`` and ``angle``.  With a traced
    ``angle`` inside ``jit`` or ``vmap``, ``reshape=True`` cannot size the
    output: pass ``reshape=False``.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import rotate
    >>> rotate(np.array([[1.0, 2.0], [3.0, 4.0]]), 90, order=1)
    array([[2., 4.],
           [1., 3.]])
    """
    fname = "rotate"
    if not _traced(input, angle, cval):
        return _snd.rotate(input, angle, axes, reshape, output, order, mode, cval, prefilter)
    x, order, mode, cval = _checked(input, output, order, mode, cval, fname)
    nd = _np.ndim(x)
    if nd < 2:
        raise ValueError(f"{fname}: input array should be at least 2D")
    axes = list(axes)
    if len(axes) != 2:
        raise ValueError(f"{fname}: axes should contain exactly two values")
    if not all(float(a).is_integer() for a in axes):
        raise ValueError(f"{fname}: axes should contain only integer values")
    axes = [int(a) + nd if a < 0 else int(a) for a in axes]
    if any(a < 0 or a >= nd for a in axes):
        raise ValueError(f"{fname}: invalid rotation plane specified")
    axes.sort()
    c, s = _special.cosdg(angle), _special.sindg(angle)
    in_plane = _np.array([_np.shape(x)[a] for a in axes])
    if reshape:
        cv, sv = _known(c), _known(s)
        if cv is None or sv is None:
            raise ValueError(f"{fname}: with a traced angle inside jit or vmap, reshape=True cannot size the "
                             "output; pass reshape=False")
        rot = _np.array([[cv, sv], [-sv, cv]])
        iy, ix = in_plane
        bounds = rot @ [[0, 0, iy, iy], [0, ix, 0, ix]]
        out_plane = (_np.ptp(bounds, axis=1) + 0.5).astype(int)
    else:
        out_plane = in_plane
    # SciPy's offset: in_center - rot @ out_center
    oc = (out_plane - 1) / 2
    ic = (in_plane - 1) / 2
    offset = [ic[0] - (c * oc[0] + s * oc[1]), ic[1] - (-s * oc[0] + c * oc[1])]
    matrix = _o.stack([_o.stack([c, s]), _o.stack([-s, c])]) if _traced(c, s) else _np.array([[c, s], [-s, c]])
    coords = _affine_coordinates(matrix, offset, tuple(int(v) for v in out_plane))
    rest = [a for a in range(nd) if a not in axes]
    moved = _o.transpose(x, rest + axes)  # the plane last: the other axes are batch axes, not interpolated
    out = _interpolate_points(moved, coords, order, mode, cval, prefilter, batch=nd - 2)
    return _o.transpose(out, list(_np.argsort(rest + axes)))


def geometric_transform(input, mapping, output_shape=None, output=None, order=3, mode="constant",  # noqa: A002
                        cval=0.0, prefilter=True, extra_arguments=(), extra_keywords=None):
    """The image sampled at ``mapping(o)`` for every output index tuple ``o``,
    as :func:`scipy.ndimage.geometric_transform`.

    ``mapping`` is first called once with a tuple of integer index arrays (the
    whole output grid); if it does not accept arrays or does not return one
    coordinate per input axis, it is called per output point as SciPy does.
    Differentiable in ``input``, ``cval`` and in whatever traced values the
    mapping computes the coordinates from.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import geometric_transform
    >>> geometric_transform(np.arange(4.0), lambda o: (o[0] + 0.5,), order=1, mode="nearest")
    array([0.5, 1.5, 2.5, 3. ])
    """
    fname = "geometric_transform"
    if extra_keywords is None:
        extra_keywords = {}
    x = _array(input, fname)
    out_shape = _np.shape(x) if output_shape is None else tuple(int(s) for s in output_shape)
    if len(out_shape) < 1 or _np.ndim(x) < 1:
        raise RuntimeError(f"{fname}: input and output rank must be > 0")
    coords = _mapped_coordinates(mapping, out_shape, _np.ndim(x), extra_arguments, extra_keywords)
    if not _traced(x, cval, *coords):
        return _snd.geometric_transform(input, mapping, output_shape, output, order, mode, cval, prefilter,
                                        extra_arguments, extra_keywords)
    x, order, mode, cval = _checked(x, output, order, mode, cval, fname)
    return _interpolate_points(x, coords, order, mode, cval, prefilter)


def _mapped_coordinates(mapping, out_shape, nd, args, kwargs):
    grid = tuple(_np.indices(out_shape))
    try:
        with _np.errstate(all="ignore"):
            got = mapping(grid, *args, **kwargs)
        got = list(got)
        if len(got) == nd and all(_np.shape(g) in ((), tuple(out_shape)) for g in got):
            return [_o.broadcast_to(g * 1.0, out_shape) for g in got]
    except Exception:  # noqa: BLE001 - a mapping written for scalars: called per point below
        pass
    points = [mapping(tuple(int(i) for i in o), *args, **kwargs) for o in _np.ndindex(*out_shape)]
    for p in points[:1]:
        if len(p) != nd:
            raise RuntimeError(f"geometric_transform: the mapping must return {nd} coordinates, not {len(p)}")
    return [_o.reshape(_o.stack([p[i] * 1.0 for p in points]), out_shape) for i in range(nd)]
