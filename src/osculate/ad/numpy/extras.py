"""Further NumPy functions on traced values: covariance and correlation,
grids and stacking, integration by the trapezoid rule, vector products,
cumulative and NaN-aware reductions, selections, and the in-place updates
``put_along_axis`` and ``fill_diagonal``.

Re-exported by :mod:`osculate.ad.numpy` (public as :mod:`osculate.numpy`).
Each function has NumPy's signature and is a composite of operations that
already have every rule, so it is differentiable to any order and runs under
``vmap``, ``jit`` and sparsity detection, except where it says that it needs
the values (``compress``/``extract`` with a traced condition, ``frexp``,
``trim_zeros``): those run eagerly, and inside ``vmap``, ``jit`` or global
sparsity detection raise :class:`~osculate.ad.core.ConcretizationError`.

>>> import numpy as np, osculate as osc
>>> x = np.array([1.0, 2.0, 4.0, 7.0])
>>> float(np.trapezoid(x ** 2, x))
120.0
>>> osc.grad(lambda x: np.trapezoid(x ** 2, x))(x)
array([-1.5, -1.5, -2.5, 53.5])
"""

from __future__ import annotations

import builtins as _builtins

import numpy as _np

from .. import prims as _prims
from ..core import ConcretizationError as _ConcretizationError
from ..core import Tracer as _Tracer, concrete as _concrete
from ..prims.nondiff import NONDIFF as _NONDIFF
from ..prims.structural import shape_of as _shape
from .composites import _axis, _nd, asarray

# on a tracer NumPy dispatches to osculate.numpy; on plain arrays it computes the plain answer
concatenate, stack, moveaxis, reshape, ravel, where, sum, diff = (  # noqa: A001
    _np.concatenate, _np.stack, _np.moveaxis, _np.reshape, _np.ravel, _np.where, _np.sum, _np.diff)
take, take_along_axis, broadcast_to, broadcast_arrays, expand_dims = (
    _np.take, _np.take_along_axis, _np.broadcast_to, _np.broadcast_arrays, _np.expand_dims)
atleast_2d, atleast_3d, diag, sqrt, cumsum, cumprod, prod, average, dot, transpose = (
    _np.atleast_2d, _np.atleast_3d, _np.diag, _np.sqrt, _np.cumsum, _np.cumprod, _np.prod, _np.average, _np.dot,
    _np.transpose)

__all__ = [
    "ptp", "vecdot", "matvec", "vecmat", "cumulative_sum", "cumulative_prod", "nancumsum", "nancumprod", "nanprod",
    "heaviside", "copysign", "spacing", "nextafter", "fix", "modf", "frexp", "ldexp", "meshgrid", "block", "dstack",
    "diagflat", "unstack",
    "trapezoid", "cov", "corrcoef", "resize", "trim_zeros", "choose", "compress", "extract", "put_along_axis",
    "set_along_axis", "fill_diagonal", "set_diagonal", "apply_along_axis", "apply_over_axes", "unwrap", "divmod",
    "matrix_transpose", "ascontiguousarray", "asfortranarray", "asanyarray", "asarray_chkfinite", "require",
    "can_cast", "min_scalar_type", "common_type", "einsum_path", "ix_",
]


def _no_out(out, name):
    if out is not None:
        raise TypeError(f"osculate.numpy.{name}: the out= argument is not supported on traced values (values are immutable)")


# --------------------------------------------------------------------------- reductions and products


def ptp(a, axis=None, out=None, keepdims=False):
    """``max - min`` along ``axis`` (the derivative flows through the two extremes)."""
    _no_out(out, "ptp")
    a = asarray(a)
    return _prims.amax(a, axis, keepdims) - _prims.amin(a, axis, keepdims)


def _core_last(x, axis):
    x = asarray(x)
    return moveaxis(x, axis, -1) if axis not in (-1, _nd(x) - 1) else x


def vecdot(x1, x2, /, out=None, *, axis=-1, **kwargs):
    """The dot product of vectors along ``axis`` (real: no conjugation), broadcasting the other axes."""
    _no_out(out, "vecdot")
    _gufunc_kwargs(kwargs, "vecdot")
    return sum(_core_last(x1, axis) * _core_last(x2, axis), axis=-1)


def matvec(x1, x2, /, out=None, **kwargs):
    """Matrix times vector over the last axes, ``(..., m, n), (..., n) -> (..., m)``."""
    _no_out(out, "matvec")
    _gufunc_kwargs(kwargs, "matvec")
    return sum(asarray(x1) * expand_dims(asarray(x2), -2), axis=-1)


def vecmat(x1, x2, /, out=None, **kwargs):
    """Vector times matrix over the last axes, ``(..., n), (..., n, m) -> (..., m)``."""
    _no_out(out, "vecmat")
    _gufunc_kwargs(kwargs, "vecmat")
    return sum(expand_dims(asarray(x1), -1) * asarray(x2), axis=-2)


def _gufunc_kwargs(kwargs, name):
    if kwargs.get("dtype") in (None, float, _np.float64):
        kwargs.pop("dtype", None)
    for harmless in ("casting", "order", "subok"):
        kwargs.pop(harmless, None)
    if kwargs:
        raise TypeError(f"osculate.numpy.{name}: unsupported keyword argument(s) {sorted(kwargs)} on traced values")


def _cumulative(x, axis, include_initial, name, op, initial):
    x = asarray(x)
    if axis is None:
        if _nd(x) > 1:
            raise ValueError(f"{name}: axis must be given for an array of more than one dimension")
        axis = 0
    if _nd(x) == 0:
        raise ValueError(f"{name}: the array must have at least one dimension")
    axis = _axis(axis, _nd(x))
    out = op(x, axis=axis)
    if include_initial:
        shp = list(_shape(x))
        shp[axis] = 1
        out = concatenate([_np.full(shp, initial), out], axis=axis)
    return out


def cumulative_sum(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """NumPy 2's ``cumulative_sum``: ``cumsum`` along ``axis``, with a leading 0 when ``include_initial``."""
    _no_out(out, "cumulative_sum")
    return _cumulative(x, axis, include_initial, "cumulative_sum", cumsum, 0.0)


def cumulative_prod(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """NumPy 2's ``cumulative_prod``: ``cumprod`` along ``axis``, with a leading 1 when ``include_initial``."""
    _no_out(out, "cumulative_prod")
    return _cumulative(x, axis, include_initial, "cumulative_prod", cumprod, 1.0)


def _nan_as(a, value):
    a = asarray(a)
    return where(_NONDIFF["isnan"].bind(a), value, a)


def nancumsum(a, axis=None, dtype=None, out=None):
    """``cumsum`` with NaN counted as 0 (derivative 0 there)."""
    _no_out(out, "nancumsum")
    return cumsum(_nan_as(a, 0.0), axis=axis)


def nancumprod(a, axis=None, dtype=None, out=None):
    """``cumprod`` with NaN counted as 1 (derivative 0 there)."""
    _no_out(out, "nancumprod")
    return cumprod(_nan_as(a, 1.0), axis=axis)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """``prod`` with NaN counted as 1 (derivative 0 there)."""
    _no_out(out, "nanprod")
    if initial is not None or where is not None:
        raise TypeError("osculate.numpy.nanprod: initial= and where= are not supported on traced values")
    return prod(_nan_as(a, 1.0), axis=axis, keepdims=keepdims)


# --------------------------------------------------------------------------- elementwise


def heaviside(x1, x2, /, out=None, **kwargs):
    """The step function: 0 below 0, ``x2`` at 0, 1 above (NaN stays NaN).
    Its derivative in ``x1`` is zero; in ``x2`` it is 1 where ``x1 == 0``."""
    _no_out(out, "heaviside")
    _gufunc_kwargs(kwargs, "heaviside")
    x1 = asarray(x1)
    step = where(_NONDIFF["greater"].bind(x1, 0.0), 1.0, where(_NONDIFF["equal"].bind(x1, 0.0), x2, 0.0))
    return where(_NONDIFF["isnan"].bind(x1), _np.nan, step)


def copysign(x1, x2, /, out=None, **kwargs):
    """``|x1|`` with the sign of ``x2``: ``x1`` or ``-x1`` (so the derivative in
    ``x1`` is ±1, also at ``x1 == 0``; in ``x2`` it is zero)."""
    _no_out(out, "copysign")
    _gufunc_kwargs(kwargs, "copysign")
    x1 = asarray(x1) * 1.0
    flip = _NONDIFF["logical_xor"].bind(_NONDIFF["signbit"].bind(x1), _NONDIFF["signbit"].bind(x2))
    return where(flip, -x1, x1)


def spacing(x, /, out=None, **kwargs):
    """The distance from ``x`` to the next float away from zero (one ulp), as
    ``numpy.spacing``: piecewise constant, derivative zero.

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: np.spacing(x) + x)(1.0))
    1.0
    """
    _no_out(out, "spacing")
    _gufunc_kwargs(kwargs, "spacing")
    return _NONDIFF["spacing"].bind(x)


def nextafter(x1, x2, /, out=None, **kwargs):
    """The next float after ``x1`` toward ``x2``, as ``numpy.nextafter``: ``x1``
    plus a piecewise-constant step (an ulp, or 0), so its derivative is 1 in
    ``x1`` and 0 in ``x2``.

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: np.nextafter(x, 2.0))(1.0))
    1.0
    """
    _no_out(out, "nextafter")
    _gufunc_kwargs(kwargs, "nextafter")
    x1 = asarray(x1) * 1.0
    after = _NONDIFF["nextafter"].bind(x1, x2)
    finite = _NONDIFF["isfinite"].bind(x1)
    return where(finite, x1 + _prims.stop_gradient(where(finite, after - x1, 0.0)), after)


def divmod(x1, x2, /, out=(None, None), **kwargs):  # noqa: A001 - NumPy's name
    """``(floor_divide(x1, x2), remainder(x1, x2))``: the quotient has
    derivative zero, the remainder ``x1 - q * x2`` is differentiable."""
    if out is not None and _builtins.any(o is not None for o in (out if isinstance(out, tuple) else (out,))):
        _no_out(out, "divmod")
    _gufunc_kwargs(kwargs, "divmod")
    q = _NONDIFF["floor_divide"].bind(x1, x2)
    return q, x1 - q * x2


def matrix_transpose(x, /):
    """The last two axes swapped."""
    x = asarray(x)
    if _nd(x) < 2:
        raise ValueError("Input array must be at least 2-dimensional")
    return _np.swapaxes(x, -1, -2)


def fix(x, out=None):
    """Round toward zero (derivative zero)."""
    _no_out(out, "fix")
    return _NONDIFF["trunc"].bind(x)


def modf(x, /, out=(None, None), **kwargs):
    """``(fractional part, integral part)``, both with the sign of ``x``; the
    fractional part has derivative 1, the integral part 0."""
    if out is not None and _builtins.any(o is not None for o in (out if isinstance(out, tuple) else (out,))):
        _no_out(out, "modf")
    _gufunc_kwargs(kwargs, "modf")
    whole = _NONDIFF["trunc"].bind(x)
    return x - whole, whole


def frexp(x, /, out=(None, None), **kwargs):
    """``(mantissa, exponent)`` with ``x = mantissa * 2**exponent``; the
    mantissa is differentiable (``2**-exponent``), the exponent an integer
    array.  The exponent needs the values of ``x``: eager only."""
    if out is not None and _builtins.any(o is not None for o in (out if isinstance(out, tuple) else (out,))):
        _no_out(out, "frexp")
    _gufunc_kwargs(kwargs, "frexp")
    exponent = _np.frexp(_np.asarray(_concrete(x), dtype=float))[1]
    return x * _np.ldexp(1.0, -exponent), exponent


def ldexp(x1, x2, /, out=None, **kwargs):
    """``x1 * 2**x2`` (NumPy wants an integer ``x2``; a traced one is taken as a float power)."""
    _no_out(out, "ldexp")
    _gufunc_kwargs(kwargs, "ldexp")
    if isinstance(x2, _Tracer):
        return x1 * 2.0 ** x2
    return x1 * _np.ldexp(1.0, _np.asarray(x2))


# --------------------------------------------------------------------------- building arrays


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate matrices from coordinate vectors (any may be traced)."""
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    ndim = len(xi)
    out = []
    for i, x in enumerate(xi):
        shp = [1] * ndim
        shp[i] = -1
        if indexing == "xy" and ndim > 1 and i < 2:
            shp[0], shp[1] = shp[1], shp[0]
        out.append(reshape(asarray(x), shp))
    if not sparse:
        out = [x if isinstance(x, _Tracer) else _np.array(x) for x in broadcast_arrays(*out)]
    return tuple(out)


def _list_depth(a, name="block"):
    if isinstance(a, tuple):
        raise TypeError(f"{name}: arrays is a tuple. Only lists can be used to arrange blocks, and np.block does "
                        "not allow implicit conversion from tuple to ndarray.")
    if isinstance(a, list):
        if not a:
            raise ValueError("List at arrays cannot be empty")
        depths = {_list_depth(x) for x in a}
        if len(depths) != 1:
            raise ValueError("List depths are mismatched")
        return depths.pop() + 1
    return 0


def block(arrays):
    """Assemble an array from nested lists of blocks: the innermost lists are
    joined along the last axis, the next ones along the second-last, ..."""
    depth = _list_depth(arrays)
    if depth == 0:
        return asarray(arrays)

    def leaves(a):
        return [y for x in a for y in leaves(x)] if isinstance(a, list) else [asarray(a)]

    ndim = _builtins.max([depth] + [_nd(x) for x in leaves(arrays)])

    def assemble(a, level):
        if level == depth:
            a = asarray(a)
            return reshape(a, (1,) * (ndim - _nd(a)) + _shape(a))
        return concatenate([assemble(x, level + 1) for x in a], axis=-(depth - level))

    return assemble(arrays, 0)


def dstack(tup):
    """Stack along the third axis (after ``atleast_3d``)."""
    arrs = atleast_3d(*[asarray(x) for x in tup])
    return concatenate([arrs] if not isinstance(arrs, (tuple, list)) else list(arrs), axis=2)


def diagflat(v, k=0):
    """A 2-d array with the flattened input on the ``k``-th diagonal."""
    return diag(ravel(asarray(v)), k)


def unstack(x, /, *, axis=0):
    """The slices along ``axis``, as a tuple."""
    x = asarray(x)
    axis = _axis(axis, _nd(x))
    return tuple(_prims.getitem(x, (slice(None),) * axis + (i,)) for i in range(_shape(x)[axis]))


def resize(a, new_shape):
    """A new array of ``new_shape`` filled by repeating the flattened input."""
    a = ravel(asarray(a))
    new_shape = (new_shape,) if isinstance(new_shape, (int, _np.integer)) else tuple(new_shape)
    if _builtins.any(s < 0 for s in new_shape):
        raise ValueError("all elements of `new_shape` must be non-negative")
    total = int(_np.prod(new_shape))
    n = _shape(a)[0]
    if n == 0 or total == 0:
        return _np.zeros(new_shape)
    return reshape(take(a, _np.arange(total) % n), new_shape)


def trim_zeros(filt, trim="fb", axis=None):
    """Leading and/or trailing zeros removed (which ones are zero needs the
    values: eager only)."""
    c = _np.asarray(_concrete(filt))
    if c.ndim == 1 and axis is None:
        nz = _np.flatnonzero(c)
        trim = trim.lower()
        lo = int(nz[0]) if nz.size and "f" in trim else (c.size if not nz.size and "f" in trim else 0)
        hi = int(nz[-1]) + 1 if nz.size and "b" in trim else (0 if not nz.size and "b" in trim else c.size)
        return _prims.getitem(asarray(filt), slice(lo, _builtins.max(lo, hi)))
    # n-d (or an explicit axis): the bounding box of the nonzeros, as NumPy
    axes = range(c.ndim) if axis is None else [_axis(ax, c.ndim) for ax in _np.atleast_1d(axis)]
    index = [slice(None)] * c.ndim
    nz = _np.argwhere(c)
    for ax in axes:
        if nz.size:
            lo, hi = int(nz[:, ax].min()), int(nz[:, ax].max()) + 1
        else:
            lo = hi = 0
        index[ax] = slice(lo if "f" in trim.lower() else 0, hi if "b" in trim.lower() else c.shape[ax])
    return _prims.getitem(asarray(filt), tuple(index))


# --------------------------------------------------------------------------- integration and statistics


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The trapezoid rule along ``axis``; differentiable in ``y`` and in the
    sample points ``x`` (or the spacing ``dx``)."""
    y = asarray(y)
    nd = _nd(y)
    axis = _axis(axis, nd)
    if x is None:
        d = dx
    else:
        x = asarray(x)
        if _nd(x) == 1:
            d = diff(x)
            shp = [1] * nd
            shp[axis] = _shape(d)[0]
            d = reshape(d, shp)
        else:
            d = diff(x, axis=axis)
    n = _shape(y)[axis]
    lo = _prims.getitem(y, (slice(None),) * axis + (slice(1, None),))
    hi = _prims.getitem(y, (slice(None),) * axis + (slice(None, n - 1),))
    return sum(d * (lo + hi) / 2.0, axis=axis)


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *, dtype=None):
    """NumPy's covariance matrix, differentiable in the data and in
    ``aweights`` (``fweights`` are integer counts, constants)."""
    if ddof is not None and ddof != int(ddof):
        raise ValueError("ddof must be integer")
    X = atleast_2d(asarray(m))
    if not rowvar and _shape(X)[0] != 1:
        X = transpose(X)
    if _shape(X)[0] == 0:
        return _np.array([]).reshape(0, 0)
    if y is not None:
        y = atleast_2d(asarray(y))
        if not rowvar and _shape(y)[0] != 1:
            y = transpose(y)
        X = concatenate([X, y], axis=0)
    if ddof is None:
        ddof = 0 if bias else 1
    n = _shape(X)[1]
    w = None
    if fweights is not None:
        f = _np.asarray(_concrete(fweights))
        if not _np.all(f == _np.around(f)):
            raise TypeError("fweights must be integer")
        if f.ndim > 1:
            raise RuntimeError("cannot handle multidimensional fweights")
        if f.shape[0] != n:
            raise RuntimeError("incompatible numbers of samples and fweights")
        if _np.any(f < 0):
            raise ValueError("fweights cannot be negative")
        w = f.astype(float)
    if aweights is not None:
        aw = asarray(aweights)
        if _nd(aw) > 1:
            raise RuntimeError("cannot handle multidimensional aweights")
        if _shape(aw)[0] != n:
            raise RuntimeError("incompatible numbers of samples and aweights")
        w = aw if w is None else w * aw
    avg, w_sum = average(X, axis=1, weights=w, returned=True)
    w_sum = _prims.getitem(w_sum, 0)
    if w is None:
        fact = n - ddof
    elif ddof == 0:
        fact = w_sum
    elif aweights is None:
        fact = w_sum - ddof
    else:
        fact = w_sum - ddof * sum(w * aw) / w_sum
    X = X - expand_dims(avg, 1)
    XT = _prims.conj(transpose(X if w is None else X * w))  # (conjugated for complex data, as NumPy)
    c = dot(X, XT) / fact
    return reshape(c, ()) if _shape(c) == (1, 1) else c


def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """Pearson correlation coefficients (``cov`` scaled by the standard
    deviations, clipped to [-1, 1] as NumPy does)."""
    c = cov(x, y, rowvar)
    if _nd(c) == 0:
        return c / c
    d = sqrt(_prims.real(diag(c)))
    c = c / expand_dims(d, 1) / expand_dims(d, 0)
    if _prims.is_complex(c):  # NumPy clips the real and imaginary parts separately
        return _clip_unit(_prims.real(c)) + 1j * _clip_unit(_prims.imag(c))
    return _clip_unit(c)


def _clip_unit(c):
    c = where(_NONDIFF["greater"].bind(c, 1.0), 1.0, c)
    return where(_NONDIFF["less"].bind(c, -1.0), -1.0, c)


def unwrap(p, discont=None, axis=-1, *, period=2 * _np.pi):
    """Phase unwrapping: jumps larger than ``discont`` replaced by their
    complement modulo ``period``.  The corrections are piecewise constant, so
    the derivative is that of ``p``."""
    p = asarray(p) * 1.0
    nd = _nd(p)
    axis = _axis(axis, nd)
    dd = diff(p, axis=axis)
    if discont is None:
        discont = period / 2
    high = period / 2
    dd_c = _prims.stop_gradient(dd)
    ddmod = _np.mod(dd_c + high, period) - high
    ddmod = where(_NONDIFF["logical_and"].bind(_NONDIFF["equal"].bind(ddmod, -high),
                                               _NONDIFF["greater"].bind(dd_c, 0.0)), high, ddmod)
    correct = where(_NONDIFF["less"].bind(_np.abs(dd_c), discont), 0.0, ddmod - dd_c)
    first = _prims.getitem(p, (slice(None),) * axis + (slice(0, 1),))
    rest = _prims.getitem(p, (slice(None),) * axis + (slice(1, None),))
    return concatenate([first, rest + cumsum(correct, axis=axis)], axis=axis)


# --------------------------------------------------------------------------- selections


def choose(a, choices, out=None, mode="raise"):
    """``choices[a[i]][i]`` elementwise; ``a`` is an integer array (a constant)."""
    _no_out(out, "choose")
    idx = _np.asarray(_concrete(a))
    choices = [asarray(c) for c in choices]
    n = len(choices)
    if mode == "wrap":
        idx = idx % n
    elif mode == "clip":
        idx = _np.clip(idx, 0, n - 1)
    elif mode == "raise":
        if _np.any((idx < 0) | (idx >= n)):
            raise ValueError("invalid entry in choice array")
    else:
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    shape = _np.broadcast_shapes(idx.shape, *[_shape(c) for c in choices])
    stacked = stack([broadcast_to(c * 1.0, shape) for c in choices], axis=0)
    return _prims.getitem(take_along_axis(stacked, _np.broadcast_to(idx, shape)[None], 0), 0)


def compress(condition, a, axis=None, out=None):
    """The slices of ``a`` along ``axis`` where ``condition`` holds (the
    condition is a constant, or needs its values: eager only)."""
    _no_out(out, "compress")
    cond = _np.asarray(_concrete(condition), dtype=bool).ravel()
    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), 0
    axis = _axis(axis, _nd(a))
    if cond.size > _shape(a)[axis]:
        raise IndexError(f"index {cond.size - 1} is out of bounds for axis {axis} with size {_shape(a)[axis]}")
    return take(a, _np.flatnonzero(cond), axis=axis)


def extract(condition, arr):
    """The entries of ``arr`` where ``condition`` is nonzero, flattened (the
    condition is a constant, or needs its values: eager only)."""
    cond = _np.asarray(_concrete(condition)).ravel()
    return take(ravel(asarray(arr)), _np.flatnonzero(cond))


def _along_axis_index(arr, indices, axis):
    indices = _np.asarray(_concrete(indices))
    nd = _nd(arr)
    if axis is None:
        return (indices,), True
    axis = _axis(axis, nd)
    if indices.ndim != nd:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    idx = list(_np.ix_(*[_np.arange(s) for s in indices.shape]))
    idx[axis] = indices
    return tuple(_np.broadcast_arrays(*idx)), False


def set_along_axis(arr, indices, values, axis):
    """Functional ``put_along_axis``: a new array with ``values`` placed at
    ``indices`` along ``axis``, differentiable in ``arr`` and ``values``."""
    arr = asarray(arr)
    idx, flat = _along_axis_index(arr, indices, axis)
    if flat:
        return reshape(_prims.index_update(ravel(arr) * 1.0, values, idx, "set"), _shape(arr))
    return _prims.index_update(arr * 1.0, broadcast_to(values, _shape(idx[0])), idx, "set")


_IN_PLACE = ("osculate.numpy.{0}: NumPy's {0} modifies a plain array in place, which cannot hold a traced value; "
             "write a = osculate.numpy.{1}(a, ...) instead, which returns a new (traced) array")


def put_along_axis(arr, indices, values, axis):
    """NumPy's in-place ``put_along_axis``: on a traced ``arr`` the update is
    recorded in place (as ``arr[idx] = values``); a plain ``arr`` cannot hold
    traced values, see :func:`set_along_axis` for the functional form."""
    if not isinstance(arr, _Tracer):
        if isinstance(values, _Tracer):
            raise TypeError(_IN_PLACE.format("put_along_axis", "set_along_axis"))
        return _np.put_along_axis(arr, indices, values, axis)
    idx, flat = _along_axis_index(arr, indices, axis)
    if flat:
        arr[_np.unravel_index(idx[0], _shape(arr))] = values
    else:
        arr[idx] = broadcast_to(values, _shape(idx[0]))
    return None


def _diagonal_index(shape, wrap):
    if len(shape) < 2:
        raise ValueError("array must be at least 2-d")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise ValueError("All dimensions of input must be of equal length")
    if len(shape) == 2:
        rows, cols = shape
        step = cols + 1
        end = rows * cols if wrap else _builtins.min(rows, cols) * cols
        flat = _np.arange(0, end, step)
        return _np.unravel_index(flat, shape)
    i = _np.arange(shape[0])
    return (i,) * len(shape)


def set_diagonal(a, val, wrap=False):
    """Functional ``fill_diagonal``: a new array with ``val`` on the main
    diagonal (repeated cyclically if it is shorter), differentiable in both."""
    a = asarray(a)
    idx = _diagonal_index(_shape(a), wrap)
    k = idx[0].shape[0]
    val = ravel(asarray(val) * 1.0)
    nv = _shape(val)[0]
    if nv != 1 and nv != k:
        val = take(val, _np.arange(k) % nv)
    return _prims.index_update(a * 1.0, val if nv != 1 else reshape(val, ()), idx, "set")


def fill_diagonal(a, val, wrap=False):
    """NumPy's in-place ``fill_diagonal``: on a traced ``a`` the update is
    recorded in place; a plain ``a`` cannot hold traced values, see
    :func:`set_diagonal` for the functional form."""
    if not isinstance(a, _Tracer):
        if isinstance(val, _Tracer):
            raise TypeError(_IN_PLACE.format("fill_diagonal", "set_diagonal"))
        return _np.fill_diagonal(a, val, wrap)
    new = set_diagonal(a, val, wrap)
    a[...] = new
    return None


def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """``func1d`` called on each 1-d slice along ``axis`` (traced slices) and
    the results stacked where the axis was, as NumPy does."""
    arr = asarray(arr)
    nd = _nd(arr)
    axis = _axis(axis, nd)
    moved = moveaxis(arr, axis, -1)
    batch = _shape(moved)[:-1]
    if int(_np.prod(batch)) == 0:
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0")
    results = [asarray(func1d(_prims.getitem(moved, ix + (slice(None),)), *args, **kwargs))
               for ix in _np.ndindex(*batch)]
    res_shape = _shape(results[0])
    out = reshape(stack(results, axis=0), batch + res_shape)
    k = len(res_shape)
    if k == 0:
        return out
    # the result axes go where the applied axis was
    order = list(range(axis)) + list(range(len(batch), len(batch) + k)) + list(range(axis, len(batch)))
    return transpose(out, order)


def apply_over_axes(func, a, axes):
    """``func(a, axis)`` applied over each of ``axes`` in turn, keeping the
    dimensions (as NumPy does)."""
    val = asarray(a)
    nd = _nd(val)
    for axis in _np.atleast_1d(axes):
        axis = int(axis) + nd if axis < 0 else int(axis)
        res = asarray(func(val, axis))
        if _nd(res) == _nd(val):
            val = res
        else:
            res = expand_dims(res, axis)
            if _nd(res) != _nd(val):
                raise ValueError("function is not returning an array of the correct shape")
            val = res
    return val


# --------------------------------------------------------------------------- conversions and dtypes
# A traced array has no memory layout to choose and cannot be written to, so the
# layout requests below are met by the array itself; the dtype ones are read
# from the tracer's dtype.


def _as_dtype(a, dtype):
    a = asarray(a)
    if dtype is None or _np.dtype(dtype) == a.dtype:
        return a
    if not isinstance(a, _Tracer):
        return _np.asarray(a, dtype=dtype)
    return a.astype(dtype)


def ascontiguousarray(a, dtype=None, *, like=None):
    """``a`` as an array of ``dtype``, as ``numpy.ascontiguousarray`` (a traced
    array has no layout; NumPy does not hand this call to osculate, so call
    this one, or drop the call).

    >>> import numpy as np, osculate as osc, osculate.numpy as onp
    >>> osc.grad(lambda x: onp.ascontiguousarray(x).sum())(np.ones(2))
    array([1., 1.])
    """
    return _as_dtype(a, dtype)


def asfortranarray(a, dtype=None, *, like=None):
    """``a`` as an array of ``dtype``, as ``numpy.asfortranarray`` (see :func:`ascontiguousarray`).

    >>> import numpy as np, osculate.numpy as onp
    >>> onp.asfortranarray(np.eye(2)).shape
    (2, 2)
    """
    return _as_dtype(a, dtype)


def asanyarray(a, dtype=None, order=None, *, like=None):
    """``a`` as an array of ``dtype``, as ``numpy.asanyarray`` (see :func:`ascontiguousarray`).

    >>> import osculate.numpy as onp
    >>> onp.asanyarray([1.0, 2.0])
    array([1., 2.])
    """
    return _as_dtype(a, dtype)


def asarray_chkfinite(a, dtype=None, order=None):
    """``a`` as an array, raising ``ValueError`` when it holds inf or NaN, as
    ``numpy.asarray_chkfinite`` (which NumPy does not hand to osculate: call
    this one); the check reads the values, so inside ``jit`` and ``vmap``
    (where there are none) it is skipped.

    >>> import numpy as np, osculate as osc, osculate.numpy as onp
    >>> osc.grad(lambda x: onp.asarray_chkfinite(x).sum())(np.ones(2))
    array([1., 1.])
    """
    a = _as_dtype(a, dtype)
    try:
        value = _np.asarray(_concrete(a))
    except _ConcretizationError:
        return a
    if value.dtype.kind in "fc" and not _np.isfinite(value).all():
        raise ValueError("array must not contain infs or NaNs")
    return a


def require(a, dtype=None, requirements=None, *, like=None):
    """``a`` as an array of ``dtype``, as ``numpy.require`` (which NumPy does not
    hand to osculate: call this one): the layout and ownership requirements
    hold for a traced array as it is (it is never written to).

    >>> import numpy as np, osculate as osc, osculate.numpy as onp
    >>> osc.grad(lambda x: onp.require(x, requirements="C").sum())(np.ones(2))
    array([1., 1.])
    """
    return _as_dtype(a, dtype)


def _dtype_stand_in(a):
    """A plain array with ``a``'s shape and dtype (a traced ``a``'s value is not needed)."""
    return _np.zeros(_shape(a), dtype=a.dtype) if isinstance(a, _Tracer) else a


def can_cast(from_, to, casting="safe"):
    """Whether ``from_`` (a dtype, or an array: its dtype) casts to ``to``, as ``numpy.can_cast``.

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda x: x.sum() * np.can_cast(x, np.float32))(np.ones(2))
    array([0., 0.])
    """
    return _np.can_cast(from_.dtype if isinstance(from_, _Tracer) else from_, to, casting=casting)


def min_scalar_type(a):
    """The smallest dtype holding ``a``, as ``numpy.min_scalar_type``: for an
    array with dimensions its dtype; for a 0-d one it depends on the value
    (read from it; inside ``jit``/``vmap`` the dtype).

    >>> import numpy as np, osculate as osc
    >>> seen = []
    >>> _ = osc.grad(lambda x: seen.append(np.min_scalar_type(x)) or x * 1.0)(3.0)
    >>> seen
    [dtype('float16')]
    """
    if isinstance(a, _Tracer) and len(_shape(a)) == 0:
        try:
            return _np.min_scalar_type(_np.asarray(_concrete(a)))
        except _ConcretizationError:
            return a.dtype
    return _np.min_scalar_type(_dtype_stand_in(a))


def common_type(*arrays):
    """The inexact scalar type of the arrays, as ``numpy.common_type`` (from their dtypes).

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda x: x.sum() * (np.common_type(x) is np.float64))(np.ones(2))
    array([1., 1.])
    """
    return _np.common_type(*[_dtype_stand_in(a) for a in arrays])


def einsum_path(subscripts, *operands, optimize="greedy", einsum_call=False):
    """The contraction order of ``np.einsum``, as ``numpy.einsum_path``: it
    reads only the shapes, so traced operands stand in by zeros of theirs.

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda x: x.sum() + 0.0 * len(np.einsum_path("i,i->", x, x)[0]))(np.ones(2))
    array([1., 1.])
    """
    return _np.einsum_path(_dtype_stand_in(subscripts), *[_dtype_stand_in(o) for o in operands],
                           optimize=optimize, einsum_call=einsum_call)


def ix_(*args):
    """Open-mesh views of 1-d sequences, as ``numpy.ix_``: the ``k``-th reshaped
    to have its length on axis ``k`` (traced sequences reshape; integer and
    boolean index arrays are plain values).

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda x: (np.ix_(x, x)[0] * np.ix_(x, x)[1]).sum())(np.array([1.0, 2.0]))
    array([6., 6.])
    """
    if not _builtins.any(isinstance(a, _Tracer) for a in args):
        return _np.ix_(*args)
    out = []
    for k, a in enumerate(args):
        a = asarray(a)
        if len(_shape(a)) != 1:
            raise ValueError("Cross index must be 1 dimensional")
        if a.dtype == bool:
            a = _np.nonzero(a)[0]
        shape = [1] * len(args)
        shape[k] = _shape(a)[0]
        out.append(reshape(a, tuple(shape)))
    return tuple(out)
