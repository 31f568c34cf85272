"""The methods of NumPy's binary ufuncs on traced values: ``reduce``,
``accumulate``, ``reduceat`` and ``outer`` (``np.logaddexp.reduce(x)``,
``np.maximum.accumulate(x)``, ``np.add.reduceat(x, idx)``,
``np.subtract.outer(x, y)``).

Each is written with the ufunc itself applied to whole arrays, so it has
every derivative the ufunc has.  An associative ufunc (``add``,
``multiply``, ``maximum``, ``logaddexp``, ``hypot``, ...) is reduced by
halving, ``log2 n`` applications, and accumulated by a scan of ``log2 n``
steps (Hillis and Steele's); the others (``subtract``, ``divide``,
``power``, ...) are folded from the left as NumPy folds them, one
application per element along the axis.  The values equal NumPy's up to
rounding (the association of an associative operation may differ).

``np.add.at`` mutates its argument and stays refused (see
:func:`osculate.numpy.add_at`).

>>> import numpy as np, osculate as osc
>>> x = np.array([0.5, 2.0, 1.0])
>>> osc.grad(lambda x: np.logaddexp.reduce(x))(x)  # the softmax
array([0.14024438, 0.62853172, 0.2312239 ])
>>> osc.grad(lambda x: np.sum(np.maximum.accumulate(x)))(x)  # x[1] is the running max twice
array([1., 2., 0.])
"""

from __future__ import annotations

import operator as _operator

import numpy as _np

__all__ = ["reduce", "accumulate", "reduceat", "outer"]

#: Ufuncs whose reduction may be associated in any order.
ASSOCIATIVE = frozenset({
    _np.add, _np.multiply, _np.maximum, _np.minimum, _np.fmax, _np.fmin, _np.logaddexp, _np.logaddexp2, _np.hypot,
    _np.logical_and, _np.logical_or, _np.logical_xor,
})


def _checked(ufunc, method, kwargs, allowed):
    extra = sorted(k for k, v in kwargs.items() if k not in allowed and v is not None)
    if extra:
        raise TypeError(f"np.{ufunc.__name__}.{method} on traced values: keyword argument(s) {extra} are not "
                        f"supported (supported: {sorted(allowed)})")


def _fold(fn, parts):
    """``fn`` folded from the left across ``parts`` (in order), as NumPy
    reduces an operation that is not associative."""
    out = parts[0]
    for p in parts[1:]:
        out = fn(out, p)
    return out


def _halving(fn, x):
    """``fn`` reduced over the last axis of ``x`` (length > 0) by halving it."""
    while x.shape[-1] > 1:
        n = x.shape[-1]
        half = fn(x[..., 0:n - 1:2], x[..., 1:n:2])
        x = _np.concatenate([half, x[..., n - 1:]], axis=-1) if n % 2 else half
    return x[..., 0]


def _normalized_axes(axis, ndim, name):
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    out = []
    for a in axes:
        a = _operator.index(a)
        if not -ndim <= a < ndim:
            raise _np.exceptions.AxisError(f"axis {a} is out of bounds for array of dimension {ndim}")
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"np.{name}.reduce: duplicate value in 'axis'")
    return tuple(out)


def reduce(fn, ufunc, array, axis=0, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """``ufunc.reduce(array, axis, keepdims=..., initial=...)`` with ``fn``
    the traced ufunc."""
    _checked(ufunc, "reduce", dict(dtype=dtype, out=out), set())
    x = array
    if where is not True:  # skipped elements replaced by what leaves the result unchanged
        if ufunc.identity is not None:
            fill = ufunc.identity
        elif initial is not None and ufunc in (_np.maximum, _np.minimum, _np.fmax, _np.fmin):
            fill = initial
        else:
            raise ValueError(f"reduction operation '{ufunc.__name__}' does not have an identity, so to use a "
                             f"where mask one has to specify 'initial'")
        x = _np.where(where, x, _np.asarray(fill, dtype=_np.result_type(x)))
    nd = _np.ndim(x)
    axes = _normalized_axes(axis, nd, ufunc.__name__)
    if len(axes) > 1 and ufunc not in ASSOCIATIVE:
        raise ValueError(f"reduction operation '{ufunc.__name__}' is not reorderable, so at most one axis may "
                         f"be specified")
    shape = _np.shape(x)
    kept = [d for d in range(nd) if d not in axes]
    x = _np.transpose(x, kept + list(axes))
    n = 1
    for d in axes:
        n *= shape[d]
    x = _np.reshape(x, tuple(shape[d] for d in kept) + (n,))
    if initial is not None:
        x = _np.concatenate([_np.broadcast_to(_np.asarray(initial, dtype=_np.result_type(x)), x.shape[:-1] + (1,)),
                             x], axis=-1)
    elif n == 0:
        if ufunc.identity is None:
            raise ValueError(f"zero-size array to reduction operation {ufunc.__name__} which has no identity")
        x = _np.full(x.shape[:-1] + (1,), ufunc.identity, dtype=_np.result_type(x))
    if ufunc in ASSOCIATIVE:
        res = _halving(fn, x)
    else:
        res = _fold(fn, [x[..., k] for k in range(x.shape[-1])])
    if keepdims:
        res = _np.reshape(res, tuple(1 if d in axes else shape[d] for d in range(nd)))
    return res


def accumulate(fn, ufunc, array, axis=0, dtype=None, out=None):
    """``ufunc.accumulate(array, axis)`` with ``fn`` the traced ufunc."""
    _checked(ufunc, "accumulate", dict(dtype=dtype, out=out), set())
    if _np.ndim(array) == 0:
        raise ValueError("cannot accumulate on a scalar")
    x = _np.moveaxis(array, axis, -1)
    n = x.shape[-1]
    if ufunc in ASSOCIATIVE:  # Hillis-Steele: after the step with shift s, y[i] combines x[i-2s+1..i]
        y, shift = x, 1
        while shift < n:
            y = _np.concatenate([y[..., :shift], fn(y[..., :n - shift], y[..., shift:])], axis=-1)
            shift *= 2
    else:
        parts = [x[..., 0]]
        for k in range(1, n):
            parts.append(fn(parts[-1], x[..., k]))
        y = _np.stack(parts, axis=-1) if n else x
    return _np.moveaxis(y, -1, axis)


def reduceat(fn, ufunc, array, indices, axis=0, dtype=None, out=None):
    """``ufunc.reduceat(array, indices, axis)``: for each ``i``, the reduction
    of ``array[indices[i]:indices[i + 1]]`` along ``axis`` (the last one
    runs to the end), or ``array[indices[i]]`` where ``indices[i] >=
    indices[i + 1]``, as NumPy defines it."""
    _checked(ufunc, "reduceat", dict(dtype=dtype, out=out), set())
    idx = _np.asarray(indices)
    if idx.ndim != 1 or idx.dtype.kind not in "iu":
        raise TypeError(f"np.{ufunc.__name__}.reduceat: indices must be a 1-d array of integers")
    x = _np.moveaxis(array, axis, -1)
    n = x.shape[-1]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = int(idx.min() if idx.min() < 0 else idx.max())
        raise IndexError(f"index {bad} out-of-bounds in {ufunc.__name__}.reduceat [0, {n})")
    parts = []
    for k, lo in enumerate(idx.tolist()):
        hi = idx[k + 1] if k + 1 < idx.size else n
        if lo >= hi:
            parts.append(x[..., lo])
        elif ufunc in ASSOCIATIVE:
            parts.append(_halving(fn, x[..., lo:hi]))
        else:
            parts.append(_fold(fn, [x[..., j] for j in range(lo, hi)]))
    return _np.moveaxis(_np.stack(parts, axis=-1), -1, axis)


def outer(fn, ufunc, a, b, **kwargs):
    """``ufunc.outer(a, b)``: ``fn(a[i...], b[j...])`` for every pair."""
    _checked(ufunc, "outer", kwargs, set())
    return fn(_np.reshape(a, _np.shape(a) + (1,) * _np.ndim(b)), b)
