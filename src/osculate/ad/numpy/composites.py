"""More of NumPy's functions, written as composites of the traced namespace.

Re-exported by :mod:`osculate.ad.numpy` (public as :mod:`osculate.numpy`).
Each function has NumPy's signature and is built from operations that
already have every rule (slicing, gathers, ``where``, ``concatenate``,
arithmetic), so it inherits all transforms: jvp/vjp to any order, ``vmap``,
Taylor mode, sparsity detection and ``jit``.  Integer, boolean and index
arguments (``xp`` of :func:`interp`, the conditions of :func:`select` and
:func:`piecewise`, the spacings of :func:`gradient`) are constants.
"""

from __future__ import annotations

import builtins as _builtins
import operator as _operator

import numpy as _np

from .. import prims as _prims
from ..core import Tracer as _Tracer, concrete as _concrete
from ..prims.nondiff import NONDIFF as _NONDIFF
from ..prims.structural import shape_of as _shape

# The namespace's own functions are reached through NumPy's: on a tracer NumPy
# dispatches to osculate.numpy, on plain arrays it computes the plain answer
# (importing the namespace here would be an import cycle).
concatenate, stack, moveaxis, expand_dims, reshape, ravel = (
    _np.concatenate, _np.stack, _np.moveaxis, _np.expand_dims, _np.reshape, _np.ravel)
flip, take, transpose, where, sum, mean = _np.flip, _np.take, _np.transpose, _np.where, _np.sum, _np.mean  # noqa: A001
exp, log, sin, sqrt, logaddexp = _np.exp, _np.log, _np.sin, _np.sqrt, _np.logaddexp


def asarray(a):
    """A tracer as it is; a (nested) list or tuple holding tracers stacked; anything else a NumPy array."""
    if isinstance(a, _Tracer):
        return a
    if isinstance(a, (list, tuple)) and _holds_tracer(a):
        return _np.stack([asarray(x) for x in a])
    return _np.asarray(a)


def _holds_tracer(seq):
    return _builtins.any(isinstance(x, _Tracer) or (isinstance(x, (list, tuple)) and _holds_tracer(x)) for x in seq)


__all__ = [
    "diff", "ediff1d", "gradient", "cross", "interp", "polyval", "select", "piecewise", "sinc", "linspace",
    "logspace", "geomspace", "rot90", "rollaxis", "atleast_3d", "split", "array_split", "hsplit", "vsplit", "dsplit",
    "append", "insert", "delete", "logaddexp2", "degrees", "radians", "rad2deg", "deg2rad", "convolve", "correlate",
    "pad",
]


def _nd(a):
    return len(_shape(a))


def _axis(axis, nd):
    axis = _operator.index(axis)
    if not -nd <= axis < nd:
        raise _np.exceptions.AxisError(f"axis {axis} is out of bounds for array of dimension {nd}")
    return axis % nd


def _slice(a, axis, sl):
    return _prims.getitem(a, (slice(None),) * axis + (sl,))


def _traced(*args):
    return _builtins.any(isinstance(a, _Tracer) for a in args)


# --------------------------------------------------------------------------- differences


def diff(a, n=1, axis=-1, prepend=_np._NoValue, append=_np._NoValue):
    """``a[1:] - a[:-1]`` along ``axis``, ``n`` times."""
    a = asarray(a)
    nd = _nd(a)
    axis = _axis(axis, nd)
    parts = []
    for extra in (prepend, append):
        if extra is not _np._NoValue:
            extra = asarray(extra)
            if _nd(extra) == 0:
                shp = list(_shape(a))
                shp[axis] = 1
                extra = _prims.broadcast_to(extra, tuple(shp))
            parts.append(extra)
        else:
            parts.append(None)
    if parts[0] is not None or parts[1] is not None:
        a = concatenate([p for p in (parts[0], a, parts[1]) if p is not None], axis=axis)
    for _ in range(int(n)):
        a = _slice(a, axis, slice(1, None)) - _slice(a, axis, slice(None, -1))
    return a


def ediff1d(ary, to_end=None, to_begin=None):
    """The differences of the flattened array, with optional ends."""
    d = diff(ravel(ary))
    pieces = [ravel(asarray(to_begin))] if to_begin is not None else []
    pieces.append(d)
    if to_end is not None:
        pieces.append(ravel(asarray(to_end)))
    return concatenate(pieces) if len(pieces) > 1 else d


def gradient(f, *varargs, axis=None, edge_order=1):
    """Second-order central differences inside, one-sided at the ends (NumPy's
    scheme); the spacings (scalars or coordinate arrays) are constants."""
    f = asarray(f)
    nd = _nd(f)
    axes = tuple(range(nd)) if axis is None else tuple(
        _axis(ax, nd) for ax in ((axis,) if _np.ndim(axis) == 0 else axis))
    if len(varargs) == 0:
        spacing = [1.0] * len(axes)
    elif len(varargs) == 1 and _np.ndim(varargs[0]) == 0:
        spacing = [varargs[0]] * len(axes)
    elif len(varargs) == len(axes):
        spacing = list(varargs)
    else:
        raise TypeError("invalid number of arguments")
    if edge_order not in (1, 2):
        raise ValueError("'edge_order' greater than 2 not supported")
    out = []
    for ax, h in zip(axes, spacing):
        n = _shape(f)[ax]
        if n < edge_order + 1:
            raise ValueError("Shape of array too small to calculate a numerical gradient, "
                             "at least (edge_order + 1) elements are required.")
        h = _np.asarray(_concrete(h), dtype=float)
        dx = _np.full(n - 1, float(h)) if h.ndim == 0 else _np.diff(h)
        bshape = [1] * nd
        bshape[ax] = -1

        def coef(c):
            return _np.asarray(c, dtype=float).reshape(bshape)

        parts = []
        # ends
        f0, f1 = _slice(f, ax, slice(0, 1)), _slice(f, ax, slice(1, 2))
        fl, fl1 = _slice(f, ax, slice(-1, None)), _slice(f, ax, slice(-2, -1))
        if edge_order == 1:
            first = (f1 - f0) / dx[0]
            last = (fl - fl1) / dx[-1]
        else:
            d1, d2 = dx[0], dx[1]
            first = (-(2.0 * d1 + d2) / (d1 * (d1 + d2)) * f0 + (d1 + d2) / (d1 * d2) * f1
                     - d1 / (d2 * (d1 + d2)) * _slice(f, ax, slice(2, 3)))
            d1, d2 = dx[-2], dx[-1]
            last = (d2 / (d1 * (d1 + d2)) * _slice(f, ax, slice(-3, -2)) - (d2 + d1) / (d1 * d2) * fl1
                    + (2.0 * d2 + d1) / (d2 * (d1 + d2)) * fl)
        parts.append(first)
        if n > 2:
            hd, hs = dx[:-1], dx[1:]
            a = -hs / (hd * (hd + hs))
            b = (hs - hd) / (hd * hs)
            c = hd / (hs * (hd + hs))
            parts.append(coef(a) * _slice(f, ax, slice(None, -2)) + coef(b) * _slice(f, ax, slice(1, -1))
                         + coef(c) * _slice(f, ax, slice(2, None)))
        parts.append(last)
        out.append(concatenate(parts, axis=ax))
    return out[0] if len(out) == 1 else tuple(out)


# --------------------------------------------------------------------------- products and polynomials


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of 3-vectors (or the z component for 2-vectors)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a = moveaxis(asarray(a), axisa, -1)
    b = moveaxis(asarray(b), axisb, -1)
    na, nb = _shape(a)[-1], _shape(b)[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n(dimension must be 2 or 3)")

    def c(v, i, n):
        return _prims.getitem(v, (Ellipsis, i)) if i < n else 0.0

    a0, a1, a2 = (c(a, i, na) for i in range(3))
    b0, b1, b2 = (c(b, i, nb) for i in range(3))
    z = a0 * b1 - a1 * b0
    if na == 2 and nb == 2:
        return z
    out = stack(_broadcast_all([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, z]), axis=-1)
    return moveaxis(out, -1, axisc)


def _broadcast_all(xs):
    shape = _np.broadcast_shapes(*[_shape(x) for x in xs])
    return [_prims.broadcast_to(asarray(x), shape) for x in xs]


def polyval(p, x):
    """Horner's rule: ``p[0] * x**(n-1) + ... + p[n-1]``."""
    p = asarray(p)
    y = 0.0 * asarray(x)
    for i in range(_shape(p)[0]):
        y = y * x + _prims.getitem(p, i)
    return y


def interp(x, xp, fp, left=None, right=None, period=None):
    """Piecewise-linear interpolation, differentiable in ``x``, ``xp`` and ``fp``
    (the derivative in ``x`` jumps at the nodes).

    Written as ``fp[0] + sum_j (fp[j+1] - fp[j]) * clip((x - xp[j]) / (xp[j+1] - xp[j]), 0, 1)``,
    which needs no value of ``x`` or ``xp`` to pick the segment, so it also runs under
    ``vmap``, ``jit`` and sparsity detection (at a cost of ``len(xp)`` per entry of ``x``).
    A traced ``xp`` moves the nodes: the segments' offsets and widths carry its
    derivative (``period`` then needs a plain ``xp``: it sorts the nodes by value).
    """
    traced_nodes = isinstance(xp, _Tracer)
    if traced_nodes:
        if period is not None:
            raise NotImplementedError("osculate.numpy.interp: period with a traced xp is not supported (the nodes "
                                      "are sorted by value): pass xp as a plain array, or wrap the nodes yourself")
    else:
        xp = _np.asarray(xp, dtype=float)
    fp = asarray(fp)
    if period is not None:  # as NumPy: everything modulo the period, the nodes extended by one on each side
        if period == 0:
            raise ValueError("period must be a non-zero value")
        period = abs(float(period))
        x = _np.remainder(asarray(x), period)
        xp = _np.remainder(xp, period)
        order = _np.argsort(xp, kind="stable")
        xp, fp = xp[order], take(fp, order)
        xp = _np.concatenate([xp[-1:] - period, xp, xp[:1] + period])
        fp = concatenate([_prims.getitem(fp, slice(-1, None)), fp, _prims.getitem(fp, slice(0, 1))])
        left = right = None
    if _nd(xp) != 1 or _shape(fp) != _shape(xp):
        raise ValueError("fp and xp are not of the same length.")
    x = asarray(x)
    y = _prims.broadcast_to(_prims.getitem(fp, 0), _shape(x)) * 1.0
    if _shape(xp)[0] > 1:
        xe = expand_dims(x, -1)
        t = (xe - _prims.getitem(xp, slice(None, -1))) / (diff(xp) if traced_nodes else _np.diff(xp))
        t = where(_NONDIFF["less"].bind(t, 0.0), 0.0, where(_NONDIFF["greater"].bind(t, 1.0), 1.0, t))
        y = y + sum(t * diff(fp), axis=-1)
    if left is not None:
        y = where(_NONDIFF["less"].bind(x, _prims.getitem(xp, 0)), left, y)
    if right is not None:
        y = where(_NONDIFF["greater"].bind(x, _prims.getitem(xp, -1)), right, y)
    return y


def select(condlist, choicelist, default=0):
    """The choice of the first true condition, elementwise (conditions are constants)."""
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    out = default
    for cond, choice in zip(reversed(condlist), reversed(choicelist)):
        out = where(cond, choice, out)
    return _prims.broadcast_to(asarray(out), _np.broadcast_shapes(
        _shape(out), *[_shape(c) for c in condlist], *[_shape(c) for c in choicelist]))


def piecewise(x, condlist, funclist, *args, **kw):
    """Each function evaluated on the entries where its condition holds (as
    NumPy does), so a branch never sees the other branches' inputs."""
    x = asarray(x)
    nd = _nd(x)
    if nd == 0:
        return reshape(piecewise(reshape(x, (1,)), [_np.atleast_1d(c) for c in _cond_list(condlist, 0)],
                                 funclist, *args, **kw), ())
    conds = [_np.broadcast_to(c, _shape(x)) for c in _cond_list(condlist, nd)]
    n = len(conds)
    if len(funclist) == n + 1:
        conds.append(~_np.any(conds, axis=0) if n else _np.ones(_shape(x), dtype=bool))
    elif len(funclist) != n:
        raise ValueError(f"with {n} condition(s), either {n} or {n + 1} functions are expected")
    out = _np.zeros(_shape(x), dtype=_np.result_type(getattr(x, "dtype", float), float))
    for cond, func in zip(conds, funclist):
        if not callable(func):
            out = _prims.index_update(out, asarray(func), cond, "set")
        elif cond.any():
            out = _prims.index_update(out, func(_prims.getitem(x, cond), *args, **kw), cond, "set")
    return out


def _cond_list(condlist, nd):
    if _np.isscalar(condlist) or (isinstance(condlist, (list, tuple, _np.ndarray, _Tracer)) and len(condlist)
                                  and not isinstance(condlist[0], (list, _np.ndarray, _Tracer)) and nd != 0):
        condlist = [condlist]
    return [_np.asarray(_concrete(c), dtype=bool) for c in condlist]


def sinc(x):
    """``sin(pi x) / (pi x)``, 1 at 0, with every derivative (a series near 0)."""
    y = _np.pi * asarray(x)
    small = _NONDIFF["less"].bind(_prims.UNARY["abs"].bind(y), 0.1)
    ys = where(small, 1.0, y)  # the quotient is evaluated only away from 0
    y2 = where(small, y, 0.0) ** 2
    series = 1.0 + y2 * (-1.0 / 6 + y2 * (1.0 / 120 + y2 * (-1.0 / 5040 + y2 / 362880.0)))
    return where(small, series, sin(ys) / ys)


# --------------------------------------------------------------------------- ranges with traced endpoints


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *, device=None):
    """NumPy's ``linspace``; with traced ``start``/``stop`` the values are traced."""
    if not _traced(start, stop):
        return _np.linspace(start, stop, num, endpoint, retstep, dtype, axis)
    num = _operator.index(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    start, stop = asarray(start) * 1.0, asarray(stop) * 1.0
    shape = _np.broadcast_shapes(_shape(start), _shape(stop))
    div = (num - 1) if endpoint else num
    delta = stop - start
    k = _np.arange(num, dtype=float).reshape((-1,) + (1,) * len(shape))
    if div > 0:
        step = delta / div
        y = k * step + start
    else:
        step = _np.nan * delta
        y = k * delta + start
    y = _prims.broadcast_to(y, (num,) + shape)
    if endpoint and num > 1:
        y = concatenate([_prims.getitem(y, slice(None, -1)),
                         _prims.broadcast_to(expand_dims(stop, 0), (1,) + shape)], axis=0)
    if axis != 0:
        y = moveaxis(y, 0, axis)
    return (y, step) if retstep else y


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """``base ** linspace(start, stop)``."""
    if not _traced(start, stop, base):
        return _np.logspace(start, stop, num, endpoint, base, dtype, axis)
    y = linspace(start, stop, num, endpoint=endpoint, axis=axis)
    if _nd(base):
        base = expand_dims(asarray(base), axis)
    return asarray(base) ** y


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """A geometric progression from ``start`` to ``stop`` (same sign, nonzero)."""
    if not _traced(start, stop):
        return _np.geomspace(start, stop, num, endpoint, dtype, axis)
    for end in (start, stop):
        if not isinstance(end, _Tracer) and _np.any(_np.asarray(end) == 0):
            raise ValueError("Geometric sequence cannot include zero")
    sign = _NONDIFF["sign"].bind(start)  # start and stop have the same sign (their logs are taken)
    y = exp(linspace(log(start * sign), log(stop * sign), num, endpoint=endpoint))
    shape = _np.broadcast_shapes(_shape(start), _shape(stop))
    if num > 0:  # the ends exactly, as NumPy does
        first = _prims.broadcast_to(expand_dims(asarray(start) * sign * 1.0, 0), (1,) + shape)
        pieces = [first, _prims.getitem(y, slice(1, num - 1 if endpoint and num > 1 else None))]
        if endpoint and num > 1:
            pieces.append(_prims.broadcast_to(expand_dims(asarray(stop) * sign * 1.0, 0), (1,) + shape))
        y = concatenate(pieces, axis=0)
    y = y * sign
    return moveaxis(y, 0, axis) if axis != 0 else y


# --------------------------------------------------------------------------- shapes


def rot90(m, k=1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes``."""
    nd = _nd(m)
    a0, a1 = _axis(axes[0], nd), _axis(axes[1], nd)
    if a0 == a1:
        raise ValueError("Axes must be different.")
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, a0), a1)
    perm = list(range(nd))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return transpose(flip(m, a1), perm)
    return flip(transpose(m, perm), a1)


def rollaxis(a, axis, start=0):
    """Roll ``axis`` backwards until it lies before ``start``."""
    nd = _nd(a)
    axis = _axis(axis, nd)
    if start < 0:
        start += nd
    if not 0 <= start < nd + 1:
        raise _np.exceptions.AxisError(f"'start' arg requires {-nd} <= start < {nd + 1}, but {start} was passed in")
    if axis < start:
        start -= 1
    if axis == start:
        return a
    perm = list(range(nd))
    perm.remove(axis)
    perm.insert(start, axis)
    return transpose(a, tuple(perm))


def atleast_3d(*arys):
    out = []
    for a in arys:
        a = asarray(a)
        shp = _shape(a)
        if len(shp) == 0:
            a = reshape(a, (1, 1, 1))
        elif len(shp) == 1:
            a = reshape(a, (1, shp[0], 1))
        elif len(shp) == 2:
            a = reshape(a, shp + (1,))
        out.append(a)
    return out[0] if len(out) == 1 else tuple(out)


def array_split(ary, indices_or_sections, axis=0):
    """Split into parts along ``axis``; ``N`` sections may be unequal (as NumPy's)."""
    nd = _nd(ary)
    axis = _axis(axis, nd)
    n = _shape(ary)[axis]
    if _np.ndim(indices_or_sections) == 0:
        sections = _operator.index(indices_or_sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.")
        each, extras = divmod(n, sections)
        sizes = [0] + extras * [each + 1] + (sections - extras) * [each]
        bounds = list(_np.cumsum(sizes))
    else:
        bounds = [0] + [int(i) for i in indices_or_sections] + [n]
    return [_slice(ary, axis, slice(lo, hi)) for lo, hi in zip(bounds[:-1], bounds[1:])]


def split(ary, indices_or_sections, axis=0):
    """Split into equal parts (or at the given indices) along ``axis``."""
    if _np.ndim(indices_or_sections) == 0 and _shape(ary)[axis] % _operator.index(indices_or_sections):
        raise ValueError("array split does not result in an equal division")
    return array_split(ary, indices_or_sections, axis)


def hsplit(ary, indices_or_sections):
    if _nd(ary) == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(ary, indices_or_sections, 1 if _nd(ary) > 1 else 0)


def vsplit(ary, indices_or_sections):
    if _nd(ary) < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(ary, indices_or_sections, 0)


def dsplit(ary, indices_or_sections):
    if _nd(ary) < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(ary, indices_or_sections, 2)


def append(arr, values, axis=None):
    """``concatenate`` of the two (flattened first when ``axis`` is None)."""
    if axis is None:
        return concatenate([ravel(asarray(arr)), ravel(asarray(values))])
    return concatenate([asarray(arr), asarray(values)], axis=axis)


def _positions(obj, n):
    if isinstance(obj, slice):
        return _np.arange(*obj.indices(n))
    return _np.asarray(_concrete(obj))


def delete(arr, obj, axis=None):
    """A copy without the entries ``obj`` along ``axis`` (a gather)."""
    arr = asarray(arr)
    if axis is None:
        arr, axis = ravel(arr), 0
    axis = _axis(axis, _nd(arr))
    n = _shape(arr)[axis]
    keep = _np.delete(_np.arange(n), obj if isinstance(obj, slice) else _positions(obj, n))
    return take(arr, keep, axis=axis)


def insert(arr, obj, values, axis=None):
    """``values`` inserted before the positions ``obj`` along ``axis`` (both may be traced)."""
    arr = asarray(arr)
    if axis is None:
        arr, axis = ravel(arr), 0
    nd = _nd(arr)
    axis = _axis(axis, nd)
    n = _shape(arr)[axis]
    idx = _positions(obj, n)
    v = asarray(values)
    if _nd(v) < nd:
        v = reshape(v, (1,) * (nd - _nd(v)) + _shape(v))
    if idx.ndim == 0:
        v = moveaxis(v, 0, axis)
        numnew = _shape(v)[axis]
        pos = _np.insert(_np.arange(n), idx, n + _np.arange(numnew))
    else:
        numnew = idx.size if idx.size != 1 else _shape(v)[axis]
        markers = n + _np.arange(numnew)
        pos = _np.insert(_np.arange(n), _np.repeat(idx, numnew) if idx.size == 1 else idx, markers)
    block = list(_shape(arr))
    block[axis] = numnew
    v = _prims.broadcast_to(v, tuple(block))
    return take(concatenate([arr, v], axis=axis), pos, axis=axis)


# --------------------------------------------------------------------------- elementwise


_LN2 = _np.log(2.0)


def logaddexp2(x1, x2, /, out=None, **kwargs):
    """``log2(2**x1 + 2**x2)`` computed stably."""
    return logaddexp(x1 * _LN2, x2 * _LN2) / _LN2


def degrees(x, /, out=None, **kwargs):
    return x * (180.0 / _np.pi)


def radians(x, /, out=None, **kwargs):
    return x * (_np.pi / 180.0)


rad2deg = degrees
deg2rad = radians


def convolve(a, v, mode="full"):
    """The discrete linear convolution of two 1-d sequences (a gather and a sum)."""
    a, v = ravel(asarray(a)), ravel(asarray(v))
    n, m = _shape(a)[0], _shape(v)[0]
    if n == 0 or m == 0:
        raise ValueError("v cannot be empty" if m == 0 else "a cannot be empty")
    if m > n:
        a, v, n, m = v, a, m, n
    k = _np.arange(n + m - 1)[:, None] - _np.arange(n)[None, :]  # full[k] = sum_i a[i] v[k - i]
    idx = _np.where((k >= 0) & (k < m), k, m)
    vpad = concatenate([v, _np.zeros(1)])
    full = sum(_prims.getitem(vpad, idx) * a, axis=1)
    if mode == "full":
        return full
    if mode == "same":
        lo = (m - 1) // 2
        return _prims.getitem(full, slice(lo, lo + n))
    if mode == "valid":
        return _prims.getitem(full, slice(m - 1, n))
    raise ValueError(f"mode must be one of 'full', 'same' or 'valid', not {mode!r}")


def correlate(a, v, mode="valid"):
    """The cross-correlation of two 1-d sequences (real: no conjugation)."""
    a, v = ravel(asarray(a)), ravel(asarray(v))
    if _shape(v)[0] > _shape(a)[0]:
        return flip(convolve(v, flip(a, 0), mode), 0)
    return convolve(a, flip(v, 0), mode)


_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap", "linear_ramp", "maximum", "minimum", "mean",
              "median", "empty")
# (np.median on a tracer is osculate.numpy.median: the mean of the two middle values for an even count)
_PAD_STATS = {"maximum": _np.max, "minimum": _np.min, "mean": _np.mean, "median": _np.median}


def pad(array, pad_width, mode="constant", **kwargs):
    """NumPy's ``pad`` for every mode, each differentiable in ``array``.

    ``constant`` (the values may be traced), ``edge``, ``reflect`` and
    ``symmetric`` (both values of ``reflect_type``; ``'odd'`` is ``2 * edge -
    reflection``), ``wrap``, ``linear_ramp``, and the statistics ``maximum``,
    ``minimum``, ``mean``, ``median`` (with ``stat_length``; the median of an
    even count is the mean of its two middle values).  Axes are padded one
    after the other, as NumPy does.  ``'empty'``, whose padding NumPy leaves
    undefined, pads with zeros here (derivative zero there).  A callable
    ``mode`` is called as NumPy calls it, ``mode(vector, iaxis_pad_width,
    iaxis, kwargs)`` on each 1-d line of the zero-padded array in turn, but on
    a traced copy of the line: it must modify ``vector`` in place with
    assignments (``vector[:k] = value``), which on a traced value record the
    update.  That is one call per line, so it suits small arrays.

    >>> import numpy as np, osculate as osc
    >>> x = np.array([1.0, 2.0, 4.0])
    >>> np.pad(x, 2, mode="reflect", reflect_type="odd")
    array([-2.,  0.,  1.,  2.,  4.,  6.,  7.])
    >>> osc.jacfwd(lambda x: np.pad(x, 1, mode="reflect", reflect_type="odd"))(x)[0]
    array([ 2., -1.,  0.])
    """
    if not callable(mode) and mode not in _PAD_MODES:
        raise ValueError(f"mode {mode!r} is not supported")
    array = asarray(array)
    nd = _nd(array)
    widths = _np.broadcast_to(_np.asarray(pad_width, dtype=int), (nd, 2))
    if _np.any(widths < 0):
        raise ValueError("index can't contain negative values")
    if callable(mode):
        return _pad_callable(array, widths, mode, kwargs)
    if mode == "empty":
        mode = "constant"
        kwargs = {}
    reflect_type = kwargs.get("reflect_type", "even")
    if mode in ("reflect", "symmetric") and reflect_type not in ("even", "odd"):
        raise ValueError(f"reflect_type must be 'even' or 'odd', not {reflect_type!r}")
    if mode == "constant":
        values = kwargs.get("constant_values", 0)
        if isinstance(values, _Tracer):  # one traced value for every side
            values = [[values, values]] * nd
        else:
            values = _np.broadcast_to(_np.asarray(values, dtype=float), (nd, 2))
    if mode == "linear_ramp":
        ends = _np.broadcast_to(_np.asarray(kwargs.get("end_values", 0.0), dtype=float), (nd, 2))
    if mode in _PAD_STATS:
        lengths = kwargs.get("stat_length")
        lengths = _np.full((nd, 2), -1) if lengths is None else _np.broadcast_to(_np.asarray(lengths, dtype=int), (nd, 2))
    for ax in range(nd):
        before, after = int(widths[ax, 0]), int(widths[ax, 1])
        if before == 0 and after == 0:
            continue
        n = _shape(array)[ax]
        if mode in ("linear_ramp",) + tuple(_PAD_STATS):
            pieces = []
            for side, width in ((0, before), (1, after)):
                if not width:
                    pieces.append(None)
                    continue
                if mode == "linear_ramp":
                    edge = _slice(array, ax, slice(0, 1) if side == 0 else slice(n - 1, n))
                    frac = (_np.arange(width, dtype=float) / width).reshape([-1 if i == ax else 1 for i in range(nd)])
                    if side == 1:
                        frac = _np.flip(frac, ax)
                    pieces.append(ends[ax, side] + (edge - ends[ax, side]) * frac)
                else:
                    length = n if lengths[ax, side] < 0 else _builtins.min(_builtins.max(int(lengths[ax, side]), 1), n)
                    chunk = _slice(array, ax, slice(0, length) if side == 0 else slice(n - length, n))
                    shp = list(_shape(array))
                    shp[ax] = width
                    pieces.append(_prims.broadcast_to(_PAD_STATS[mode](chunk, axis=ax, keepdims=True), tuple(shp)))
            array = concatenate([q for q in (pieces[0], array, pieces[1]) if q is not None], axis=ax)
        elif mode == "constant":
            shp = list(_shape(array))
            pieces = []
            if before:
                shp[ax] = before
                pieces.append(_prims.broadcast_to(asarray(values[ax][0]) * 1.0, tuple(shp)))
            pieces.append(array)
            if after:
                shp[ax] = after
                pieces.append(_prims.broadcast_to(asarray(values[ax][1]) * 1.0, tuple(shp)))
            array = concatenate(pieces, axis=ax)
        elif reflect_type == "odd" and mode in ("reflect", "symmetric"):
            array = _pad_linear(array, ax, before, after, mode)
        else:
            array = take(array, _np.pad(_np.arange(n), (before, after), mode=mode), axis=ax)
    return array


def _pad_linear(array, ax, before, after, mode):
    """Padding that is a linear map of each line (odd reflection: ``2 * edge -
    reflection``, repeated as NumPy repeats it for wide pads).  The map is
    NumPy's own ``pad`` applied to the identity; each padded entry combines
    few entries, so it is applied as a sum of gathers with constant weights."""
    n = _shape(array)[ax]
    P = _np.pad(_np.eye(n), ((before, after), (0, 0)), mode=mode, reflect_type="odd")
    k = _builtins.max(1, int(_np.max(_np.count_nonzero(P, axis=1))))
    cols = _np.zeros((P.shape[0], k), dtype=int)
    coef = _np.zeros((P.shape[0], k))
    for i, row in enumerate(P):
        nz = _np.flatnonzero(row)
        cols[i, :nz.size], coef[i, :nz.size] = nz, row[nz]
    bshape = [1] * _nd(array)
    bshape[ax] = -1
    out = None
    for j in range(k):
        term = take(array, cols[:, j], axis=ax) * coef[:, j].reshape(bshape)
        out = term if out is None else out + term
    return out


def _pad_callable(array, widths, function, kwargs):
    """NumPy's callable ``pad``: ``function(vector, iaxis_pad_width, iaxis,
    kwargs)`` modifies each 1-d line of the zero-padded array in place; here
    each line is a traced copy and its final value is gathered back."""
    nd = _nd(array)
    padded = pad(array, widths, mode="constant")
    if not isinstance(padded, _Tracer):
        padded = _np.array(padded, dtype=float)
    for ax in range(nd):
        view = moveaxis(padded, ax, -1)
        batch = _shape(view)[:-1]
        lines = []
        for idx in _np.ndindex(*batch):
            line = _prims.getitem(view, idx + (Ellipsis,))
            if not isinstance(line, _Tracer):
                line = _np.array(line)  # a plain line: NumPy's own in-place semantics
            function(line, widths[ax], ax, kwargs)
            lines.append(line)
        stacked = stack(lines, axis=0) if lines else view
        padded = moveaxis(reshape(stacked, _shape(view)), -1, ax)
    return padded
