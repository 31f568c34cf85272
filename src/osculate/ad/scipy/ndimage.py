"""``scipy.ndimage``'s linear filters on traced values, with SciPy's signatures.

``correlate1d``, ``convolve1d``, ``correlate``, ``convolve``,
``gaussian_filter1d``, ``gaussian_filter``, ``uniform_filter1d``,
``uniform_filter``, the derivative filters built on them: ``sobel``,
``prewitt``, ``laplace``, ``gaussian_laplace``,
``gaussian_gradient_magnitude``, and the rank filters ``minimum_filter(1d)``,
``maximum_filter(1d)``, ``median_filter``, ``rank_filter``,
``percentile_filter`` (a gather, then a sort or a minimum/maximum: their
derivative is that of the value picked).

Spline interpolation (in :mod:`._ndimage_geometry`): ``map_coordinates``,
``affine_transform``, ``shift``, ``zoom``, ``rotate``,
``geometric_transform``, ``spline_filter`` and ``spline_filter1d``, orders
0-5 and every boundary mode, differentiable in the image and in the
sampling points (coordinates, matrix, offset, shift, angle).

Filters with the user's function of each window: ``generic_filter`` (the
function of the window's values, mapped over the windows with ``vmap``) and
``vectorized_filter`` (the function of all windows at once, reduced over
their axes); both differentiable as the function is.

Grey morphology: ``grey_erosion``, ``grey_dilation``, ``grey_opening``,
``grey_closing``, ``morphological_gradient``, ``morphological_laplace``,
``white_tophat``, ``black_tophat`` (the rank filters' gather with a
``structure`` added or subtracted: the derivative is that of the element
each window selects).

Measurements over labelled regions (in :mod:`._ndimage_measure`):
``sum_labels`` (``sum``), ``mean``, ``variance``, ``standard_deviation``,
``maximum``, ``minimum``, ``median``, ``extrema``, ``center_of_mass``
(constant labels and index; masked reductions of the input),
``labeled_comprehension`` (the user's function on each region's traced
values) and ``histogram`` (plain counts: piecewise constant).

Fourier-domain filters (in :mod:`._ndimage_fourier`): ``fourier_gaussian``,
``fourier_uniform``, ``fourier_ellipsoid``, ``fourier_shift`` (the input is
a transform; differentiable in it and in ``sigma``, ``size``, ``shift``).

SciPy's filters convert their input with ``np.asarray``, so plain
``scipy.ndimage.gaussian_filter1d(tracer, ...)`` cannot see a traced value
(its error names this module).  Here each filter is one gather and one
contraction: every output point reads the input at the positions its
window covers, with the positions that fall outside the array sent back
inside by the boundary ``mode`` (or replaced by ``cval`` for
``'constant'``), and the window is summed against the weights.  Both steps
are ordinary osculate operations, so the filters are differentiable to any
order in the input, in ``weights`` and in ``cval`` (when those are traced),
and work under ``vmap`` and ``jit``.

The boundary modes are SciPy's: ``'reflect'`` (``d c b a | a b c d | d c b
a``, alias ``'grid-mirror'``), ``'mirror'`` (``d c b | a b c d | c b a``),
``'nearest'``, ``'wrap'`` (alias ``'grid-wrap'``) and ``'constant'`` (alias
``'grid-constant'``).  ``output`` must be None (results are new arrays);
as in SciPy, the result has the input's type (float32 stays float32, integer
input gives integers truncated toward zero).

>>> import numpy as np, osculate as osc
>>> from osculate.scipy import ndimage
>>> ndimage.correlate1d(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 1.0]))
array([4., 6., 8.])
>>> osc.grad(lambda x: ndimage.uniform_filter1d(x, 3)[0])(np.array([1.0, 2.0, 3.0]))
array([0.66666667, 0.33333333, 0.        ])
"""

from __future__ import annotations

import numbers as _numbers
import warnings as _warnings

import numpy as _np
import scipy.ndimage as _scipy_ndimage

from .. import numpy as _o
from ..batching import vmap as _vmap
from ..core import ConcretizationError as _ConcretizationError, Tracer as _Tracer
from ._ndimage_fourier import fourier_ellipsoid, fourier_gaussian, fourier_shift, fourier_uniform
from ._ndimage_geometry import (affine_transform, geometric_transform, map_coordinates, rotate, shift,
                                spline_filter, spline_filter1d, zoom)
from ._ndimage_measure import (center_of_mass, extrema, histogram, labeled_comprehension, maximum, mean, median,
                               minimum, standard_deviation, sum, sum_labels, variance)
from ._ndimage_support import _array, _axis_index, _check_cval, _no_output, _per_axis

__all__ = [
    "correlate1d", "convolve1d", "correlate", "convolve", "gaussian_filter1d", "gaussian_filter",
    "uniform_filter1d", "uniform_filter", "sobel", "prewitt", "laplace", "gaussian_laplace",
    "gaussian_gradient_magnitude", "minimum_filter1d", "maximum_filter1d", "minimum_filter", "maximum_filter",
    "median_filter", "rank_filter", "percentile_filter", "generic_filter", "vectorized_filter",
    # interpolation (_ndimage_geometry)
    "spline_filter1d", "spline_filter", "map_coordinates", "affine_transform", "shift", "zoom", "rotate",
    "geometric_transform",
    # grey morphology
    "grey_erosion", "grey_dilation", "grey_opening", "grey_closing", "morphological_gradient",
    "morphological_laplace", "white_tophat", "black_tophat",
    # measurements over labelled regions (_ndimage_measure)
    "sum_labels", "sum", "mean", "variance", "standard_deviation", "maximum", "minimum", "median", "extrema",
    "center_of_mass", "labeled_comprehension", "histogram",
    # Fourier-domain filters (_ndimage_fourier)
    "fourier_gaussian", "fourier_uniform", "fourier_ellipsoid", "fourier_shift",
]

_MODES = {"reflect": "reflect", "grid-mirror": "reflect", "mirror": "mirror", "nearest": "nearest",
          "wrap": "wrap", "grid-wrap": "wrap", "constant": "constant", "grid-constant": "constant"}


# --------------------------------------------------------------------------- shared machinery

def _mode(mode, fname):
    if not isinstance(mode, str) or mode not in _MODES:
        raise ValueError(f"{fname}: mode must be one of {sorted(_MODES)}, not {mode!r}")
    return _MODES[mode]


def _axes_list(axes, ndim, fname):
    if axes is None:
        return list(range(ndim))
    axes = [axes] if isinstance(axes, (int, _np.integer)) else list(axes)
    out = [_axis_index(a, ndim, fname, "axes entry") for a in axes]
    if len(set(out)) != len(out):
        raise ValueError(f"{fname}: axes must be unique, not {tuple(axes)}")
    return out


def _check_origin(origin, k, fname):
    if not isinstance(origin, (int, _np.integer)) or isinstance(origin, bool):
        raise TypeError(f"{fname}: origin must be an integer, not {origin!r}")
    if origin < -(k // 2) or origin > (k - 1) // 2:
        raise ValueError(f"{fname}: invalid origin {origin}; it must satisfy -(len // 2) <= origin <= (len - 1) // 2 "
                         f"for a window of length {k}")
    return int(origin)


def _source(j, n, mode):
    """Where the (possibly outside) positions ``j`` of an axis of length ``n``
    read from under ``mode``: the index inside ``[0, n)`` and whether the
    position was inside (only ``'constant'`` uses it)."""
    inside = (j >= 0) & (j < n)
    if mode == "constant" or mode == "nearest":
        return _np.clip(j, 0, n - 1), inside
    if mode == "wrap":
        return _np.mod(j, n), inside
    if mode == "reflect":  # the edge sample repeated: period 2n
        m = _np.mod(j, 2 * n)
        return _np.where(m < n, m, 2 * n - 1 - m), inside
    if n == 1:  # mirror of one sample
        return _np.zeros_like(j), inside
    m = _np.mod(j, 2 * n - 2)  # mirror: the edge sample not repeated, period 2n - 2
    return _np.where(m < n, m, 2 * n - 2 - m), inside


def _gather(x, sizes, axes, starts, lengths, modes, cval):
    """Every window of ``x``: each of the (increasing) ``axes`` becomes two,
    ``(length, size)``, holding ``x_ext[i + k + start]`` for ``i`` in
    ``range(length)`` and ``k`` in ``range(size)``, where ``x_ext`` is ``x``
    extended by the boundary ``modes`` (``cval`` outside for ``'constant'``).
    Returns the gathered array and the positions of its window axes."""
    g = x
    window_axes, insides = [], []
    for i, (axis, k, start, length, mode) in enumerate(zip(axes, sizes, starts, lengths, modes)):
        n = _np.shape(x)[axis]
        j = _np.arange(length)[:, None] + _np.arange(k)[None, :] + start
        idx, inside = _source(j, n, mode)
        g = _o.take(g, idx, axis=axis + i)  # the axis becomes two: (length, k)
        window_axes.append(axis + i + 1)
        if mode == "constant" and not inside.all():
            insides.append((axis + i, inside))
    mask = None
    nd = len(_np.shape(g))
    for pos, inside in insides:
        m = inside.reshape((1,) * pos + inside.shape + (1,) * (nd - pos - 2))
        mask = m if mask is None else mask & m
    if mask is not None:
        g = _o.where(mask, g, cval)
    return g, window_axes


def _windows(x, weights, axes, starts, lengths, modes, cval):
    """``out[i] = sum_k weights[k] * x_ext[i + k + start]`` over the ``axes``
    of ``x`` (one weights axis each, in order), for ``i`` in
    ``range(length)`` on each axis (see :func:`_gather`): a gather of every
    window, then a contraction."""
    g, window_axes = _gather(x, _np.shape(weights), axes, starts, lengths, modes, cval)
    return _o.tensordot(g, weights, axes=(window_axes, list(range(len(axes)))))


def _float_input(x):
    """SciPy's filters compute in floating point: integers become float64."""
    if isinstance(x, _Tracer) or _np.asarray(x).dtype.kind in "fc":
        return x
    return _np.asarray(x, dtype=_np.float64)


def _conj(x):
    """The complex conjugate of a complex ``x``; a real one as it is."""
    return _o.conj(x) if _np.dtype(x.dtype).kind == "c" else x


def _weights(weights, fname):
    w = _array(weights, fname, "weights")
    return w if isinstance(w, _Tracer) or w.dtype.kind in "fc" else w.astype(_np.float64)


def _weights1d(weights, fname):
    w = _weights(weights, fname)
    if _np.ndim(w) != 1 or _np.shape(w)[0] < 1:
        raise ValueError(f"{fname}: weights must be a non-empty 1-d array, not shape {_np.shape(w)}")
    return w


def _check_complex_cval(x, cval, fname):
    if _np.iscomplexobj(cval) and _np.dtype(x.dtype).kind != "c":
        raise ValueError(f"{fname}: a complex cval needs a complex input (the input is real)")


def _like_input(out, x):
    """The result in the input's type, as SciPy returns it: float32 stays
    float32, and integer (boolean) input gives integers (booleans), each value
    truncated toward zero as C casts it."""
    if isinstance(x, _Tracer) or isinstance(out, _Tracer) or out.dtype == x.dtype:
        return out
    if out.dtype.kind == "c" and x.dtype.kind != "c":
        return out
    if x.dtype == _np.bool_:  # C's cast to a boolean byte: the truncated value, nonzero or not
        return _np.trunc(out) != 0
    with _np.errstate(invalid="ignore", over="ignore"):
        return out.astype(x.dtype)


def _filter1d(x, w, axis, mode, cval, origin, fname, divisor=None):
    """Correlate ``x`` with the 1-d ``w`` along ``axis`` (then divide by
    ``divisor``), output the size of the input."""
    k = _np.shape(w)[0]
    origin = _check_origin(origin, k, fname)
    _check_complex_cval(x, cval, fname)
    n = _np.shape(x)[axis]
    if n == 0:
        return x
    out = _windows(_float_input(x), w, [axis], [-origin - k // 2], [n], [mode], cval)
    return _like_input(out if divisor is None else out / divisor, x)


# --------------------------------------------------------------------------- 1-d filters

def correlate1d(input, weights, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):  # noqa: A002
    """One-dimensional correlation along ``axis``, as :func:`scipy.ndimage.correlate1d`:
    ``out[i] = sum_k weights[k] * input[i + k - len(weights) // 2 - origin]``,
    with the positions outside the array given by ``mode`` (complex weights
    are conjugated, as SciPy does).

    Differentiable in ``input``, ``weights`` and ``cval``.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import correlate1d
    >>> correlate1d(np.array([2.0, 8.0, 0.0, 4.0, 1.0]), np.array([1.0, 3.0]))
    array([ 8., 26.,  8., 12.,  7.])
    """
    fname = "correlate1d"
    _no_output(output, fname)
    x = _array(input, fname)
    w = _conj(_weights1d(weights, fname))  # SciPy's correlation conjugates complex weights
    axis = _axis_index(axis, _np.ndim(x), fname)
    return _filter1d(x, w, axis, _mode(mode, fname), _check_cval(cval, fname), origin, fname)


def convolve1d(input, weights, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):  # noqa: A002
    """One-dimensional convolution along ``axis``, as :func:`scipy.ndimage.convolve1d`
    (the correlation with the reversed weights, the window centred SciPy's way).

    Differentiable in ``input``, ``weights`` and ``cval``.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import convolve1d
    >>> convolve1d(np.array([2.0, 8.0, 0.0, 4.0, 1.0]), np.array([1.0, 3.0]))
    array([14., 24.,  4., 13.,  4.])
    """
    fname = "convolve1d"
    _no_output(output, fname)
    x = _array(input, fname)
    w = _weights1d(weights, fname)
    axis = _axis_index(axis, _np.ndim(x), fname)
    k = _np.shape(w)[0]
    _check_origin(origin, k, fname)
    origin = -int(origin) - (0 if k % 2 else 1)
    return _filter1d(x, _o.flip(w, 0), axis, _mode(mode, fname), _check_cval(cval, fname), origin, fname)


def _gaussian_kernel(sigma, order, radius):
    """The sampled Gaussian on ``-radius..radius`` normalized to sum 1, times the
    polynomial that makes it its ``order``-th derivative (``sigma`` may be traced)."""
    t = _np.arange(-radius, radius + 1, dtype=_np.float64)
    s2 = sigma * sigma
    phi = _o.exp(-0.5 * t * t / s2) if isinstance(s2, _Tracer) else _np.exp(-0.5 * t * t / s2)
    phi = phi / _o.sum(phi)
    if order == 0:
        return phi
    # d^n/dt^n exp(-t^2 / (2 s2)) = q_n(t) exp(...), with q_0 = 1 and q_{n+1} = q_n' - (t / s2) q_n;
    # q_n is kept as its coefficient list in powers of t (entries may be traced through s2)
    q = [1.0]
    for _ in range(order):
        nxt = [0.0] * (len(q) + 1)
        for p, c in enumerate(q):
            if p:
                nxt[p - 1] = nxt[p - 1] + p * c
            nxt[p + 1] = nxt[p + 1] - c / s2
        q = nxt
    poly = 0.0
    for p, c in enumerate(q):
        if not (isinstance(c, float) and c == 0.0):
            poly = poly + c * t ** p
    return poly * phi


def _radius(sigma, truncate, radius, fname):
    if radius is not None:
        if not isinstance(radius, (int, _np.integer)) or isinstance(radius, bool) or radius < 0:
            raise ValueError(f"{fname}: radius must be a nonnegative integer, not {radius!r}")
        return int(radius)
    if isinstance(sigma, _Tracer) or isinstance(truncate, _Tracer):
        raise ValueError(f"{fname}: with a traced sigma the kernel length cannot follow its value; pass radius= "
                         "(an integer)")
    return int(float(truncate) * float(sigma) + 0.5)


def _check_sigma(sigma, fname):
    if isinstance(sigma, _Tracer):
        if _np.ndim(sigma) != 0:
            raise ValueError(f"{fname}: sigma must be a single number per axis, not shape {_np.shape(sigma)}")
        return sigma
    if not isinstance(sigma, _numbers.Real) and _np.ndim(sigma) != 0:
        raise TypeError(f"{fname}: sigma must be a number, not {sigma!r}")
    if not float(sigma) > 0:
        raise ValueError(f"{fname}: sigma must be positive, not {sigma!r}")
    return float(sigma)


def _check_order(order, fname):
    if not isinstance(order, (int, _np.integer)) or isinstance(order, bool) or order < 0:
        raise ValueError(f"{fname}: order must be a nonnegative integer, not {order!r}")
    return int(order)


def gaussian_filter1d(input, sigma, axis=-1, order=0, output=None, mode="reflect", cval=0.0,  # noqa: A002
                      truncate=4.0, *, radius=None):
    """One-dimensional Gaussian filter (``order`` > 0: the filter with the
    ``order``-th derivative of the Gaussian), as :func:`scipy.ndimage.gaussian_filter1d`.

    The kernel reaches ``radius = int(truncate * sigma + 0.5)`` samples each
    side unless ``radius`` is given.  Differentiable in ``input`` and
    ``cval``, and in ``sigma`` too when ``radius`` is given (a traced sigma
    cannot choose the kernel's length).

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import gaussian_filter1d
    >>> gaussian_filter1d(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), 1)
    array([1.42704095, 2.06782203, 3.        , 3.93217797, 4.57295905])
    """
    fname = "gaussian_filter1d"
    _no_output(output, fname)
    x = _array(input, fname)
    axis = _axis_index(axis, _np.ndim(x), fname)
    sigma = _check_sigma(sigma, fname)
    order = _check_order(order, fname)
    r = _radius(sigma, truncate, radius, fname)
    kernel = _gaussian_kernel(sigma, order, r)
    # the kernel is applied as a convolution (odd length: reversing it keeps it centred)
    return _filter1d(x, _o.flip(kernel, 0), axis, _mode(mode, fname), _check_cval(cval, fname), 0, fname)


def uniform_filter1d(input, size, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):  # noqa: A002
    """One-dimensional moving average over ``size`` samples, as
    :func:`scipy.ndimage.uniform_filter1d`.

    Differentiable in ``input`` and ``cval``.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import uniform_filter1d
    >>> uniform_filter1d(np.array([2.0, 8.0, 0.0, 4.0, 1.0]), 3)
    array([4.        , 3.33333333, 4.        , 1.66666667, 2.        ])
    """
    fname = "uniform_filter1d"
    _no_output(output, fname)
    x = _array(input, fname)
    axis = _axis_index(axis, _np.ndim(x), fname)
    size = _check_size(size, fname)
    # the window sums, then one division (exact sums of integers, as SciPy's running sum)
    return _filter1d(x, _np.ones(size), axis, _mode(mode, fname), _check_cval(cval, fname), origin, fname, size)


def _check_size(size, fname):
    if not isinstance(size, (int, _np.integer)) or isinstance(size, bool) or size < 1:
        raise ValueError(f"{fname}: size must be a positive integer, not {size!r}")
    return int(size)


# --------------------------------------------------------------------------- n-d filters

def _nd_filter(input, weights, output, mode, cval, origin, axes, fname, flip):
    _no_output(output, fname)
    x = _array(input, fname)
    w = _weights(weights, fname)
    axes = _axes_list(axes, _np.ndim(x), fname)
    if _np.ndim(w) != len(axes):
        raise RuntimeError(f"{fname}: weights must have one dimension per filtered axis ({len(axes)}), "
                           f"not {_np.ndim(w)}")
    if any(k == 0 for k in _np.shape(w)):
        raise ValueError(f"{fname}: weights must not be empty, not shape {_np.shape(w)}")
    # as in SciPy: the weights' dimensions follow the filtered axes in increasing order, while a sequence of
    # origins (or modes) follows ``axes`` as given
    origin_of = dict(zip(axes, _per_axis(origin, len(axes), fname, "origin")))
    mode_of = dict(zip(axes, _per_axis(mode, len(axes), fname, "mode")))
    axes = sorted(axes)
    modes = [_mode(mode_of[a], fname) for a in axes]
    cval = _check_cval(cval, fname)
    _check_complex_cval(x, cval, fname)
    origins = [_check_origin(origin_of[a], k, fname) for a, k in zip(axes, _np.shape(w))]
    if flip and axes:
        w = _o.flip(w, tuple(range(len(axes))))
        origins = [-o - (0 if k % 2 else 1) for o, k in zip(origins, _np.shape(w))]
    if not axes:
        return x * w
    if any(_np.shape(x)[a] == 0 for a in axes):
        return x
    starts = [-o - k // 2 for o, k in zip(origins, _np.shape(w))]
    lengths = [_np.shape(x)[a] for a in axes]
    return _like_input(_windows(_float_input(x), w, axes, starts, lengths, modes, cval), x)


def correlate(input, weights, output=None, mode="reflect", cval=0.0, origin=0, *, axes=None):  # noqa: A002
    """Multidimensional correlation with ``weights`` (one weights axis per
    filtered axis: all of them, or ``axes``), as :func:`scipy.ndimage.correlate`.

    Complex weights are conjugated, as SciPy does.  The weights' dimensions
    go with the filtered axes in increasing order;
    ``origin`` (and ``mode``) may be given per axis, in the order of
    ``axes``, as SciPy reads them.  Differentiable in
    ``input``, ``weights`` and ``cval``.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import correlate
    >>> correlate(np.arange(9.0).reshape(3, 3), np.array([[0.0, 1.0], [1.0, 0.0]]), mode="constant")
    array([[ 0.,  0.,  1.],
           [ 0.,  4.,  6.],
           [ 3., 10., 12.]])
    """
    w = _conj(_weights(weights, "correlate"))  # SciPy's correlation conjugates complex weights
    return _nd_filter(input, w, output, mode, cval, origin, axes, "correlate", flip=False)


def convolve(input, weights, output=None, mode="reflect", cval=0.0, origin=0, *, axes=None):  # noqa: A002
    """Multidimensional convolution with ``weights``, as :func:`scipy.ndimage.convolve`
    (the correlation with the weights reversed on every axis, centred SciPy's way).

    Differentiable in ``input``, ``weights`` and ``cval``.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import convolve
    >>> convolve(np.arange(9.0).reshape(3, 3), np.array([[0.0, 1.0], [1.0, 0.0]]), mode="constant")
    array([[ 4.,  6.,  5.],
           [10., 12.,  8.],
           [ 7.,  8.,  0.]])
    """
    return _nd_filter(input, weights, output, mode, cval, origin, axes, "convolve", flip=True)


def gaussian_filter(input, sigma, order=0, output=None, mode="reflect", cval=0.0, truncate=4.0,  # noqa: A002
                    *, radius=None, axes=None):
    """Multidimensional Gaussian filter, one :func:`gaussian_filter1d` per axis,
    as :func:`scipy.ndimage.gaussian_filter`.

    ``sigma``, ``order``, ``mode``, ``radius`` may be given per axis (of
    ``axes``, all by default); axes with ``sigma`` of (about) zero are left
    alone.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import gaussian_filter
    >>> gaussian_filter(np.eye(3), 1.0).round(4)
    array([[0.5024, 0.3292, 0.1684],
           [0.3292, 0.3417, 0.3292],
           [0.1684, 0.3292, 0.5024]])
    """
    fname = "gaussian_filter"
    _no_output(output, fname)
    x = _array(input, fname)
    axes = _axes_list(axes, _np.ndim(x), fname)
    n = len(axes)
    sigmas = _per_axis(sigma, n, fname, "sigma")
    orders = _per_axis(order, n, fname, "order")
    modes = _per_axis(mode, n, fname, "mode")
    radii = _per_axis(radius, n, fname, "radius") if radius is not None else [None] * n
    for axis, s, o, m, r in zip(axes, sigmas, orders, modes, radii):
        if isinstance(s, _Tracer) or float(s) > 1e-15:
            x = gaussian_filter1d(x, s, axis, o, None, m, cval, truncate, radius=r)
    return x


def uniform_filter(input, size=3, output=None, mode="reflect", cval=0.0, origin=0, *, axes=None):  # noqa: A002
    """Multidimensional moving average, one :func:`uniform_filter1d` per axis,
    as :func:`scipy.ndimage.uniform_filter` (``size``, ``mode``, ``origin``
    may be given per axis).

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import uniform_filter
    >>> uniform_filter(np.eye(2), 2, mode="constant")
    array([[0.25, 0.25],
           [0.25, 0.5 ]])
    """
    fname = "uniform_filter"
    _no_output(output, fname)
    x = _array(input, fname)
    axes = _axes_list(axes, _np.ndim(x), fname)
    n = len(axes)
    sizes = _per_axis(size, n, fname, "size")
    modes = _per_axis(mode, n, fname, "mode")
    origins = _per_axis(origin, n, fname, "origin")
    for axis, s, m, o in zip(axes, sizes, modes, origins):
        if int(s) > 1:
            x = uniform_filter1d(x, s, axis, None, m, cval, o)
    return x


# --------------------------------------------------------------------------- derivative filters

def _modes_for(mode, n, fname):
    return _per_axis(mode, n, fname, "mode")


def _edge_filter(input, axis, mode, cval, smooth, fname):  # noqa: A002
    """The central difference ``[-1, 0, 1]`` along ``axis``, smoothed by
    ``smooth`` along every other axis (SciPy's order of passes)."""
    x = _array(input, fname)
    nd = _np.ndim(x)
    axis = _axis_index(axis, nd, fname)
    modes = _modes_for(mode, nd, fname)
    out = correlate1d(x, [-1.0, 0.0, 1.0], axis, None, modes[axis], cval, 0)
    for other in range(nd):
        if other != axis:
            out = correlate1d(out, smooth, other, None, modes[other], cval, 0)
    return out


def sobel(input, axis=-1, output=None, mode="reflect", cval=0.0):  # noqa: A002
    """The Sobel derivative along ``axis`` (smoothed by ``[1, 2, 1]`` across the
    other axes), as :func:`scipy.ndimage.sobel`; ``mode`` may be given per axis.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import sobel
    >>> sobel(np.array([[0.0, 1.0, 3.0], [0.0, 1.0, 3.0]]))
    array([[ 4., 12.,  8.],
           [ 4., 12.,  8.]])
    """
    _no_output(output, "sobel")
    return _edge_filter(input, axis, mode, cval, [1.0, 2.0, 1.0], "sobel")


def prewitt(input, axis=-1, output=None, mode="reflect", cval=0.0):  # noqa: A002
    """The Prewitt derivative along ``axis`` (smoothed by ``[1, 1, 1]`` across
    the other axes), as :func:`scipy.ndimage.prewitt`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import prewitt
    >>> prewitt(np.array([[0.0, 1.0, 3.0], [0.0, 1.0, 3.0]]))
    array([[3., 9., 6.],
           [3., 9., 6.]])
    """
    _no_output(output, "prewitt")
    return _edge_filter(input, axis, mode, cval, [1.0, 1.0, 1.0], "prewitt")


def _sum_over_axes(x, term, axes, mode, fname):
    """``sum(term(axis, mode_of_axis))`` over ``axes`` (the input itself when there are none)."""
    modes = _modes_for(mode, len(axes), fname)
    if not axes:
        return x
    out = term(axes[0], modes[0])
    for axis, m in zip(axes[1:], modes[1:]):
        out = out + term(axis, m)
    return out


def laplace(input, output=None, mode="reflect", cval=0.0, *, axes=None):  # noqa: A002
    """The discrete Laplacian, the sum of the second differences
    ``[1, -2, 1]`` along ``axes`` (all by default), as :func:`scipy.ndimage.laplace`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import laplace
    >>> laplace(np.array([0.0, 1.0, 4.0, 9.0]))
    array([ 1.,  2.,  2., -5.])
    """
    fname = "laplace"
    _no_output(output, fname)
    x = _array(input, fname)
    axes = _axes_list(axes, _np.ndim(x), fname)
    return _sum_over_axes(x, lambda a, m: correlate1d(x, [1.0, -2.0, 1.0], a, None, m, cval, 0), axes, mode, fname)


def _gaussian_derivative(x, sigma, axes, order_axis, order, mode, cval, kwargs, fname):
    """The Gaussian filter over ``axes`` with the derivative of ``order`` along ``order_axis``."""
    sigmas = _per_axis(sigma, len(axes), fname, "sigma")
    orders = [order if a == order_axis else 0 for a in axes]
    return gaussian_filter(x, sigmas, orders, None, mode, cval, axes=axes, **kwargs)


def _gaussian_kwargs(kwargs, fname):
    unknown = set(kwargs) - {"truncate", "radius"}
    if unknown:
        raise TypeError(f"{fname}: unexpected keyword argument(s) {sorted(unknown)} "
                        "(only truncate and radius are passed on)")
    return kwargs


def gaussian_laplace(input, sigma, output=None, mode="reflect", cval=0.0, *, axes=None, **kwargs):  # noqa: A002
    """The Laplacian of the Gaussian-smoothed input (the sum over ``axes`` of
    the second Gaussian derivatives), as :func:`scipy.ndimage.gaussian_laplace`;
    ``truncate`` and ``radius`` are passed to :func:`gaussian_filter`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import gaussian_laplace
    >>> gaussian_laplace(np.array([0.0, 1.0, 4.0, 9.0, 16.0]), 1.0).round(6)
    array([ 1.320967,  1.701699,  1.583153, -0.50982 , -4.09816 ])
    """
    fname = "gaussian_laplace"
    _no_output(output, fname)
    kwargs = _gaussian_kwargs(kwargs, fname)
    x = _array(input, fname)
    axes = _axes_list(axes, _np.ndim(x), fname)
    return _sum_over_axes(
        x, lambda a, m: _gaussian_derivative(x, sigma, axes, a, 2, m, cval, kwargs, fname), axes, mode, fname)


def gaussian_gradient_magnitude(input, sigma, output=None, mode="reflect", cval=0.0, *, axes=None,  # noqa: A002
                                **kwargs):
    """The length of the gradient of the Gaussian-smoothed input (the square
    root of the summed squares of the first Gaussian derivatives along
    ``axes``), as :func:`scipy.ndimage.gaussian_gradient_magnitude`.  As in
    SciPy, the smoothing is over every axis of the input (a sequence ``sigma``
    has one value per axis of the input) even when ``axes`` picks some.  (Its
    derivative is infinite where the gradient vanishes, as for ``np.sqrt``.)

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import gaussian_gradient_magnitude
    >>> gaussian_gradient_magnitude(np.array([0.0, 1.0, 4.0, 9.0, 16.0]), 1.0).round(6)
    array([0.636143, 2.145584, 3.8805  , 4.645193, 2.274133])
    """
    fname = "gaussian_gradient_magnitude"
    _no_output(output, fname)
    kwargs = _gaussian_kwargs(kwargs, fname)
    x = _array(input, fname)
    axes = _axes_list(axes, _np.ndim(x), fname)

    def squared(a, m):
        # as SciPy does: the smoothing is over every axis (sigma given per axis of the input), the
        # derivative along the axes asked for
        d = _gaussian_derivative(x, sigma, list(range(_np.ndim(x))), a, 1, m, cval, kwargs, fname)
        return d * d

    total = _sum_over_axes(x, squared, axes, mode, fname)
    if not axes:
        return total
    return _like_input(_o.sqrt(_float_input(total)), x)


# --------------------------------------------------------------------------- rank filters

def _footprint(size, footprint, n, fname):
    if footprint is None:
        if size is None:
            raise RuntimeError(f"{fname}: no footprint or filter size provided")
        sizes = [_check_size(k, fname) for k in _per_axis(size, n, fname, "size")]
        return _np.ones(sizes, dtype=bool)
    fp = _np.asarray(footprint, dtype=bool)
    if fp.ndim != n:
        raise RuntimeError(f"{fname}: footprint must have one dimension per filtered axis ({n}), not {fp.ndim}")
    if not fp.any():
        raise ValueError(f"{fname}: an all-zero footprint is not supported")
    return fp


def _rank_windows(input, size, footprint, output, mode, cval, origin, axes, fname, separable):  # noqa: A002
    """Every window's values under the footprint, along a last axis, the
    input, and the footprint's count."""
    _no_output(output, fname)
    x = _array(input, fname)
    if _np.dtype(x.dtype).kind == "c":
        raise TypeError(f"{fname}: complex input is not supported (values are ranked)")
    axes = _axes_list(axes, _np.ndim(x), fname)
    fp = _footprint(size, footprint, len(axes), fname)
    if footprint is None and separable:  # SciPy's minimum/maximum filters take the sizes in the order of `axes`
        fp = _np.transpose(fp, _np.argsort(axes))
    # as for correlate: the footprint's dimensions follow the sorted axes, origins (modes) follow `axes` as given
    origin_of = dict(zip(axes, _per_axis(origin, len(axes), fname, "origin")))
    mode_of = dict(zip(axes, _per_axis(mode, len(axes), fname, "mode")))
    axes = sorted(axes)
    modes = [_mode(mode_of[a], fname) for a in axes]
    cval = _check_cval(cval, fname)
    origins = [_check_origin(origin_of[a], k, fname) for a, k in zip(axes, fp.shape)]
    if any(_np.shape(x)[a] == 0 for a in axes) or not axes:
        return None, x, int(fp.sum())
    starts = [-o - k // 2 for o, k in zip(origins, fp.shape)]
    g, window_axes = _gather(x, fp.shape, axes, starts, [_np.shape(x)[a] for a in axes], modes, cval)
    rest = [i for i in range(len(_np.shape(g))) if i not in window_axes]
    g = _o.transpose(g, tuple(rest + window_axes))
    g = _o.reshape(g, _np.shape(g)[:len(rest)] + (fp.size,))
    if not fp.all():
        g = _o.take(g, _np.flatnonzero(fp), axis=-1)
    return g, x, int(fp.sum())


def _ranked(input, rank, size, footprint, output, mode, cval, origin, axes, fname, kind="rank"):  # noqa: A002
    separable = kind in ("minimum", "maximum")
    g, x, count = _rank_windows(input, size, footprint, output, mode, cval, origin, axes, fname, separable)
    if separable:
        rank = 0 if kind == "minimum" else count - 1
    if kind == "median":
        rank = count // 2
    elif kind == "percentile":
        p = float(rank)
        p = p + 100.0 if p < 0 else p
        if not 0 <= p <= 100:
            raise ValueError(f"{fname}: percentile must lie in [-100, 100], not {rank!r}")
        rank = count - 1 if p == 100 else int(count * p / 100.0)
    elif not isinstance(rank, (int, _np.integer)) or isinstance(rank, bool):
        raise TypeError(f"{fname}: rank must be an integer, not {rank!r}")
    rank = int(rank) + (count if rank < 0 else 0)
    if not 0 <= rank < count:
        raise ValueError(f"{fname}: rank {rank} is not within the footprint's {count} elements")
    if g is None:
        return x
    if rank == 0:
        out = _o.min(g, axis=-1)
    elif rank == count - 1:
        out = _o.max(g, axis=-1)
    else:
        out = _o.take(_o.sort(g, axis=-1), rank, axis=-1)
    return _like_input(out, x)


def minimum_filter1d(input, size, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):  # noqa: A002
    """The minimum over a window of ``size`` samples along ``axis``, as
    :func:`scipy.ndimage.minimum_filter1d`.  Differentiable (almost
    everywhere) in ``input`` and ``cval``: the derivative is that of the
    smallest value.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import minimum_filter1d
    >>> minimum_filter1d(np.array([2.0, 8.0, 0.0, 4.0, 1.0]), 3)
    array([2., 0., 0., 0., 1.])
    """
    x = _array(input, "minimum_filter1d")
    axis = _axis_index(axis, _np.ndim(x), "minimum_filter1d")
    return _ranked(x, 0, _check_size(size, "minimum_filter1d"), None, output, mode, cval, origin, [axis],
                   "minimum_filter1d", "minimum")


def maximum_filter1d(input, size, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):  # noqa: A002
    """The maximum over a window of ``size`` samples along ``axis``, as
    :func:`scipy.ndimage.maximum_filter1d`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import maximum_filter1d
    >>> maximum_filter1d(np.array([2.0, 8.0, 0.0, 4.0, 1.0]), 3)
    array([8., 8., 8., 4., 4.])
    """
    x = _array(input, "maximum_filter1d")
    axis = _axis_index(axis, _np.ndim(x), "maximum_filter1d")
    return _ranked(x, -1, _check_size(size, "maximum_filter1d"), None, output, mode, cval, origin, [axis],
                   "maximum_filter1d", "maximum")


def minimum_filter(input, size=None, footprint=None, output=None, mode="reflect", cval=0.0, origin=0, *,  # noqa: A002
                   axes=None):
    """The minimum over each window (a box of ``size``, or the True entries of
    ``footprint``), as :func:`scipy.ndimage.minimum_filter`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import minimum_filter
    >>> minimum_filter(np.array([[3.0, 1.0], [4.0, 5.0]]), size=2)
    array([[3., 1.],
           [3., 1.]])
    """
    return _ranked(input, 0, size, footprint, output, mode, cval, origin, axes, "minimum_filter", "minimum")


def maximum_filter(input, size=None, footprint=None, output=None, mode="reflect", cval=0.0, origin=0, *,  # noqa: A002
                   axes=None):
    """The maximum over each window, as :func:`scipy.ndimage.maximum_filter`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import maximum_filter
    >>> maximum_filter(np.array([[3.0, 1.0], [4.0, 5.0]]), size=2)
    array([[3., 3.],
           [4., 5.]])
    """
    return _ranked(input, -1, size, footprint, output, mode, cval, origin, axes, "maximum_filter", "maximum")


def median_filter(input, size=None, footprint=None, output=None, mode="reflect", cval=0.0, origin=0, *,  # noqa: A002
                  axes=None):
    """The median of each window, as :func:`scipy.ndimage.median_filter` (for
    an even count, the upper of the two middle values, as SciPy picks it).

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import median_filter
    >>> median_filter(np.array([2.0, 8.0, 0.0, 4.0, 1.0]), size=3)
    array([2., 2., 4., 1., 1.])
    """
    return _ranked(input, None, size, footprint, output, mode, cval, origin, axes, "median_filter", "median")


def rank_filter(input, rank, size=None, footprint=None, output=None, mode="reflect", cval=0.0,  # noqa: A002
                origin=0, *, axes=None):
    """The ``rank``-th smallest value of each window (negative ``rank`` counts
    from the largest), as :func:`scipy.ndimage.rank_filter`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import rank_filter
    >>> rank_filter(np.array([2.0, 8.0, 0.0, 4.0, 1.0]), 1, size=3)
    array([2., 2., 4., 1., 1.])
    """
    return _ranked(input, rank, size, footprint, output, mode, cval, origin, axes, "rank_filter")


def percentile_filter(input, percentile, size=None, footprint=None, output=None, mode="reflect",  # noqa: A002
                      cval=0.0, origin=0, *, axes=None):
    """The ``percentile`` of each window (the value of rank
    ``int(count * percentile / 100)``), as :func:`scipy.ndimage.percentile_filter`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import percentile_filter
    >>> percentile_filter(np.array([2.0, 8.0, 0.0, 4.0, 1.0]), 20, size=3)
    array([2., 0., 0., 0., 1.])
    """
    return _ranked(input, percentile, size, footprint, output, mode, cval, origin, axes, "percentile_filter",
                   "percentile")


# --------------------------------------------------------------------------- the user's window functions

def generic_filter(input, function, size=None, footprint=None, output=None, mode="reflect", cval=0.0,  # noqa: A002
                   origin=0, extra_arguments=(), extra_keywords=None, *, axes=None):
    """``function`` of each window's values (a 1-d array, the window's entries
    under the footprint in C order), as :func:`scipy.ndimage.generic_filter`,
    the result in the input's type.

    ``function`` is written with NumPy operations and returns a number; it
    is mapped over every window at once with :func:`osculate.vmap` (when
    its Python code branches on the values, which ``vmap`` cannot see, it is
    called window by window instead, as SciPy does).  Differentiable in the
    input (and ``cval``) as ``function`` is.  SciPy's ``LowLevelCallable``
    kernels are compiled code, which traced values cannot enter.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.ndimage import generic_filter
    >>> rms = lambda w: np.sqrt(np.mean(w * w))
    >>> generic_filter(np.array([3.0, 4.0, 0.0]), rms, size=2)
    array([3.        , 3.53553391, 2.82842712])
    >>> osc.grad(lambda x: generic_filter(x, rms, size=2)[1])(np.array([3.0, 4.0, 0.0]))
    array([0.42426407, 0.56568542, 0.        ])
    """
    fname = "generic_filter"
    kwargs = {} if extra_keywords is None else dict(extra_keywords)
    extra = tuple(extra_arguments) if isinstance(extra_arguments, (tuple, list)) else (extra_arguments,)
    if not _traced_any(input, cval, extra, tuple(kwargs.values())):
        return _scipy_ndimage.generic_filter(input, function, size=size, footprint=footprint, output=output,
                                             mode=mode, cval=cval, origin=origin, extra_arguments=extra,
                                             extra_keywords=kwargs, axes=axes)
    if not callable(function):
        raise TypeError(f"{fname}: function must be a Python callable written with NumPy operations (a "
                        "LowLevelCallable cannot take traced values)")
    x = _array(input, fname)
    if _np.dtype(x.dtype).kind == "c":
        raise TypeError(f"{fname}: complex input is not supported (as in SciPy)")
    g, x, count = _rank_windows(_float_input(x), size, footprint, output, mode, cval, origin, axes, fname, False)
    if g is None:
        return x
    lead = _np.shape(g)[:-1]
    flat = _o.reshape(g, (-1, count))

    def one(window):
        return _o.asarray(function(window, *extra, **kwargs))

    try:
        values = _vmap(one)(flat)
    except _ConcretizationError:  # the function branches on values: one window at a time
        values = _o.stack([one(flat[i]) for i in range(_np.shape(flat)[0])])
    if _np.ndim(values) != 1:
        raise RuntimeError(f"{fname}: function must return a single number per window, not shape "
                           f"{_np.shape(values)[1:]}")
    return _like_input(_o.reshape(values, lead), _array(input, fname))


def _traced_any(*values):
    for v in values:
        if isinstance(v, _Tracer) or (isinstance(v, (tuple, list)) and _traced_any(*v)):
            return True
    return False


_VECTORIZED_MODES = dict(_MODES, valid="valid")


def vectorized_filter(input, function, *, size=None, footprint=None, output=None, mode="reflect",  # noqa: A002
                      cval=None, origin=None, axes=None, batch_memory=2 ** 30):
    """``function`` of all windows at once, as :func:`scipy.ndimage.vectorized_filter`:
    it gets an array of the windows (the filtered ``axes`` moved last in the
    order given, then one window axis per filtered axis) and the keyword
    ``axis`` naming the window axes (with ``footprint``: the window's entries
    under it along one last axis, ``axis=-1``), and reduces over them, as
    ``np.mean(w, axis=axis)`` does.

    Boundary modes as the other filters, and ``'valid'`` (no extension: the
    result shrinks by the window).  Differentiable in the input and ``cval``
    as ``function`` is; ``batch_memory`` is accepted and ignored (the windows
    are one traced array).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.ndimage import vectorized_filter
    >>> vectorized_filter(np.array([1.0, 2.0, 4.0, 8.0]), np.mean, size=2, mode="valid")
    array([1.5, 3. , 6. ])
    >>> np.round(osc.grad(lambda x: vectorized_filter(x, np.std, size=3)[1])(np.array([1.0, 2.0, 4.0, 8.0])), 6)
    array([-0.356348, -0.089087,  0.445435,  0.      ])
    """
    fname = "vectorized_filter"
    if not _traced_any(input, cval):
        return _scipy_ndimage.vectorized_filter(input, function, size=size, footprint=footprint, output=output,
                                                mode=mode, cval=cval, origin=origin, axes=axes,
                                                batch_memory=batch_memory)
    _no_output(output, fname)
    if not callable(function):
        raise ValueError(f"{fname}: function must be a callable")
    if (size is None) == (footprint is None):
        raise ValueError(f"{fname}: give exactly one of size and footprint")
    x = _array(input, fname)
    nd = _np.ndim(x)
    axes = tuple(range(-nd, 0)) if axes is None else ((axes,) if _np.isscalar(axes) else tuple(axes))
    if len(axes) > nd:
        raise ValueError(f"{fname}: the length of axes may not exceed the dimensionality of the input")
    axes = tuple(_axis_index(a, nd, fname, "axes entry") for a in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{fname}: axes must be unique, not {axes}")
    if footprint is not None:
        fp = _np.asarray(footprint, dtype=bool)
        sizes = fp.shape
    else:
        fp = None
        sizes = (size,) * len(axes) if _np.isscalar(size) else tuple(size)
        if not all(isinstance(k, (int, _np.integer)) and not isinstance(k, bool) and k > 0 for k in sizes):
            raise ValueError(f"{fname}: every element of size must be a positive integer")
    if len(sizes) != len(axes):
        raise ValueError(f"{fname}: axes must match the dimensionality of the window (size or footprint)")
    origins = (0,) * len(axes) if origin is None else ((origin,) * len(axes) if _np.isscalar(origin)
                                                      else tuple(origin))
    if len(origins) != len(axes) or not all(isinstance(o, (int, _np.integer)) for o in origins):
        raise ValueError(f"{fname}: origin must be an integer or a tuple of one integer per axis")
    if mode not in _VECTORIZED_MODES:
        raise ValueError(f"{fname}: mode must be one of {sorted(_VECTORIZED_MODES)}, not {mode!r}")
    mode = _VECTORIZED_MODES[mode]
    if mode == "valid" and any(origins):
        raise ValueError(f"{fname}: mode='valid' is incompatible with origin")
    if cval is None:
        cval = 0.0
    elif mode != "constant":
        raise ValueError(f"{fname}: cval is compatible only with mode='constant'")
    cval = _check_cval(cval, fname)
    if _np.size(x) == 0:
        return x
    # every window, gathered along the sorted axes: axis a becomes (output position, window offset)
    order = _np.argsort(axes)
    sorted_axes = [axes[i] for i in order]
    n_of = [_np.shape(x)[a] for a in sorted_axes]
    k_of = [sizes[i] for i in order]
    o_of = [origins[i] for i in order]
    if mode == "valid":
        starts, lengths, modes = [0] * len(axes), [n - k + 1 for n, k in zip(n_of, k_of)], ["constant"] * len(axes)
        if any(m < 1 for m in lengths):
            raise ValueError(f"{fname}: with mode='valid' the window must fit in the input")
    else:
        starts, lengths, modes = [-o - k // 2 for o, k in zip(o_of, k_of)], n_of, [mode] * len(axes)
    g, window_axes = _gather(x, k_of, sorted_axes, starts, lengths, modes, cval)
    # SciPy's arrangement: the other axes, the filtered axes in the order given, then their windows
    position_axes = {a: w - 1 for a, w in zip(sorted_axes, window_axes)}
    window_of = {a: w for a, w in zip(sorted_axes, window_axes)}
    rest = [i for i in range(_np.ndim(g)) if i not in set(window_axes) | set(position_axes.values())]
    g = _o.transpose(g, tuple(rest + [position_axes[a] for a in axes] + [window_of[a] for a in axes]))
    n = len(axes)
    if fp is None:
        out = function(g, axis=tuple(range(-n, 0)))
    else:
        flat = _o.reshape(g, _np.shape(g)[:_np.ndim(g) - n] + (fp.size,))
        out = function(_o.take(flat, _np.flatnonzero(fp.ravel()), axis=-1), axis=-1)
    return _o.moveaxis(out, tuple(range(-n, 0)), axes)


# --------------------------------------------------------------------------- grey morphology

def _grey(input, size, footprint, structure, output, mode, cval, origin, axes, fname, dilate):  # noqa: A002
    """SciPy's grey erosion (``min(x[i + k] - structure[k])``) or dilation
    (``max(x[i + k] + structure'[k])`` with the footprint and structure
    reflected and the origin moved as SciPy moves it) over the footprint."""
    _no_output(output, fname)
    if size is None and footprint is None and structure is None:
        raise ValueError(f"{fname}: size, footprint, or structure must be specified")
    x = _array(input, fname)
    nd = _np.ndim(x)
    s = None if structure is None else _np.asarray(structure, dtype=_np.float64)
    fp = None if footprint is None else _np.asarray(footprint, dtype=bool)
    if dilate:
        s = None if s is None else s[(slice(None, None, -1),) * s.ndim]
        fp = None if fp is None else fp[(slice(None, None, -1),) * fp.ndim]
    if fp is None and s is not None:
        fp = _np.ones(s.shape, dtype=bool)
    if s is not None and s.shape != fp.shape:
        raise RuntimeError(f"{fname}: structure and footprint must have the same shape, not {s.shape} and {fp.shape}")
    n_axes = len(_axes_list(axes, nd, fname))
    origins = [int(o) for o in _per_axis(origin, n_axes, fname, "origin")]
    if dilate:
        for i in range(n_axes):
            k = fp.shape[i] if fp is not None else (size if _np.ndim(size) == 0 else list(size)[i])
            origins[i] = -origins[i] - (0 if int(k) & 1 else 1)
    g, x, _ = _rank_windows(x, size if fp is None else None, fp, None, mode, cval, origins, axes, fname,
                            separable=fp is None)
    if g is None:
        return x
    if s is not None:
        sv = s.ravel()[_np.flatnonzero(fp.ravel())]
        g = g + sv if dilate else g - sv
    return _like_input(_o.max(g, axis=-1) if dilate else _o.min(g, axis=-1), x)


def grey_erosion(input, size=None, footprint=None, structure=None, output=None, mode="reflect",  # noqa: A002
                 cval=0.0, origin=0, *, axes=None):
    """Grey erosion: the minimum over the footprint of the input minus the
    ``structure``, as :func:`scipy.ndimage.grey_erosion`.  Differentiable
    (almost everywhere) in ``input`` and ``cval``: the derivative is that of
    the element selected.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import grey_erosion
    >>> grey_erosion(np.array([2.0, 8.0, 0.0, 4.0, 1.0]), structure=np.array([0.0, 1.0, 0.0]))
    array([ 1.,  0., -1.,  0.,  0.])
    """
    return _grey(input, size, footprint, structure, output, mode, cval, origin, axes, "grey_erosion", False)


def grey_dilation(input, size=None, footprint=None, structure=None, output=None, mode="reflect",  # noqa: A002
                  cval=0.0, origin=0, *, axes=None):
    """Grey dilation: the maximum over the reflected footprint of the input
    plus the reflected ``structure``, as :func:`scipy.ndimage.grey_dilation`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import grey_dilation
    >>> grey_dilation(np.array([2.0, 8.0, 0.0, 4.0, 1.0]), size=2)
    array([8., 8., 4., 4., 1.])
    """
    return _grey(input, size, footprint, structure, output, mode, cval, origin, axes, "grey_dilation", True)


def _morph_pair(input, size, footprint, structure, output, mode, cval, origin, axes, fname):  # noqa: A002
    _no_output(output, fname)
    if size is not None and footprint is not None:
        _warnings.warn("ignoring size because footprint is set", UserWarning, stacklevel=3)
    kw = dict(size=size, footprint=footprint, structure=structure, mode=mode, cval=cval, origin=origin, axes=axes)
    return kw


def grey_opening(input, size=None, footprint=None, structure=None, output=None, mode="reflect",  # noqa: A002
                 cval=0.0, origin=0, *, axes=None):
    """Grey opening, the erosion then the dilation, as :func:`scipy.ndimage.grey_opening`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import grey_opening
    >>> grey_opening(np.array([2.0, 8.0, 0.0, 4.0, 1.0]), size=2)
    array([2., 2., 0., 1., 1.])
    """
    kw = _morph_pair(input, size, footprint, structure, output, mode, cval, origin, axes, "grey_opening")
    return grey_dilation(grey_erosion(input, **kw), **kw)


def grey_closing(input, size=None, footprint=None, structure=None, output=None, mode="reflect",  # noqa: A002
                 cval=0.0, origin=0, *, axes=None):
    """Grey closing, the dilation then the erosion, as :func:`scipy.ndimage.grey_closing`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import grey_closing
    >>> grey_closing(np.array([2.0, 8.0, 0.0, 4.0, 1.0]), size=2)
    array([8., 8., 4., 4., 1.])
    """
    kw = _morph_pair(input, size, footprint, structure, output, mode, cval, origin, axes, "grey_closing")
    return grey_erosion(grey_dilation(input, **kw), **kw)


def morphological_gradient(input, size=None, footprint=None, structure=None, output=None,  # noqa: A002
                           mode="reflect", cval=0.0, origin=0, *, axes=None):
    """The dilation minus the erosion, as :func:`scipy.ndimage.morphological_gradient`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import morphological_gradient
    >>> morphological_gradient(np.array([2.0, 8.0, 0.0, 4.0, 1.0]), size=3)
    array([6., 8., 8., 4., 3.])
    """
    kw = _morph_pair(input, size, footprint, structure, output, mode, cval, origin, axes, "morphological_gradient")
    return grey_dilation(input, **kw) - grey_erosion(input, **kw)


def morphological_laplace(input, size=None, footprint=None, structure=None, output=None,  # noqa: A002
                          mode="reflect", cval=0.0, origin=0, *, axes=None):
    """The dilation plus the erosion minus twice the input, as
    :func:`scipy.ndimage.morphological_laplace`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import morphological_laplace
    >>> morphological_laplace(np.array([2.0, 8.0, 0.0, 4.0, 1.0]), size=3)
    array([ 6., -8.,  8., -4.,  3.])
    """
    kw = _morph_pair(input, size, footprint, structure, output, mode, cval, origin, axes, "morphological_laplace")
    x = _array(input, "morphological_laplace")
    return grey_dilation(x, **kw) + grey_erosion(x, **kw) - 2 * x


def white_tophat(input, size=None, footprint=None, structure=None, output=None, mode="reflect",  # noqa: A002
                 cval=0.0, origin=0, *, axes=None):
    """The input minus its grey opening, as :func:`scipy.ndimage.white_tophat`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import white_tophat
    >>> white_tophat(np.array([2.0, 8.0, 0.0, 4.0, 1.0]), size=2)
    array([0., 6., 0., 3., 0.])
    """
    kw = _morph_pair(input, size, footprint, structure, output, mode, cval, origin, axes, "white_tophat")
    x = _array(input, "white_tophat")
    opened = grey_dilation(grey_erosion(x, **kw), **kw)
    if not isinstance(x, _Tracer) and x.dtype == _np.bool_:
        return _np.bitwise_xor(x, opened)
    return x - opened


def black_tophat(input, size=None, footprint=None, structure=None, output=None, mode="reflect",  # noqa: A002
                 cval=0.0, origin=0, *, axes=None):
    """The grey closing minus the input, as :func:`scipy.ndimage.black_tophat`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import black_tophat
    >>> black_tophat(np.array([2.0, 8.0, 0.0, 4.0, 1.0]), size=2)
    array([6., 0., 4., 0., 0.])
    """
    kw = _morph_pair(input, size, footprint, structure, output, mode, cval, origin, axes, "black_tophat")
    x = _array(input, "black_tophat")
    closed = grey_erosion(grey_dilation(x, **kw), **kw)
    if not isinstance(x, _Tracer) and x.dtype == _np.bool_:
        return _np.bitwise_xor(x, closed)
    return closed - x
