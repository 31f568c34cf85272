"""NumPy's statistics on traced values: NaN-aware reductions, weighted
averages, quantiles (every method of NumPy's), and predicates that answer
for the primal.

Re-exported by :mod:`osculate.ad.numpy` (public as :mod:`osculate.numpy`);
composites of traced operations like :mod:`osculate.ad.numpy.composites`, so
every transform applies.  ``quantile``/``percentile``/``median`` sort with
the values when they are known and with a sorting network under ``vmap``,
``jit`` and sparsity detection; the NaN-aware ones, weighted quantiles and
``partition`` need the values, so they run eagerly.
"""

from __future__ import annotations

import warnings as _warnings

import numpy as _np

from .. import prims as _prims
from ..core import ConcretizationError, Tracer as _Tracer, concrete as _concrete
from ..prims.nondiff import NONDIFF as _NONDIFF
from ..prims.structural import shape_of as _shape
from .composites import _axis, _nd, asarray

# on a tracer NumPy dispatches to osculate.numpy; on arrays it computes the plain answer
moveaxis, reshape, ravel, where, sum, mean, sqrt = (  # noqa: A001
    _np.moveaxis, _np.reshape, _np.ravel, _np.where, _np.sum, _np.mean, _np.sqrt)
concatenate, take, take_along_axis = _np.concatenate, _np.take, _np.take_along_axis

__all__ = [
    "nan_to_num", "nansum", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin", "average", "quantile", "percentile",
    "median", "nanquantile", "nanpercentile", "nanmedian", "partition", "allclose", "isclose", "array_equal",
]


# --------------------------------------------------------------------------- NaN-aware reductions and friends


def _isnan(a):
    return _NONDIFF["isnan"].bind(a)


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """NaN and infinities replaced by finite numbers (derivative 1 elsewhere, 0 there)."""
    fin = _np.finfo(_np.float64)
    posinf = fin.max if posinf is None else posinf
    neginf = fin.min if neginf is None else neginf
    x = asarray(x)
    x = where(_isnan(x), nan, x)
    x = where(_NONDIFF["equal"].bind(x, _np.inf), posinf, x)
    return where(_NONDIFF["equal"].bind(x, -_np.inf), neginf, x)


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
    return sum(where(_isnan(a), 0.0, a), axis=axis, keepdims=keepdims)


def _nancount(a, axis, keepdims):
    return sum(where(_isnan(a), 0.0, 1.0), axis=axis, keepdims=keepdims)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
    return nansum(a, axis=axis, keepdims=keepdims) / _nancount(a, axis, keepdims)


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
    m = _isnan(a)
    d = where(m, 0.0, a - nanmean(a, axis=axis, keepdims=True))
    return sum(d * d, axis=axis, keepdims=keepdims) / (_nancount(a, axis, keepdims) - ddof)


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
    return sqrt(nanvar(a, axis=axis, ddof=ddof, keepdims=keepdims))


def nanmax(a, axis=None, out=None, keepdims=False, **kw):
    return _prims.amax(where(_isnan(a), -_np.inf, a), axis, keepdims)


def nanmin(a, axis=None, out=None, keepdims=False, **kw):
    return _prims.amin(where(_isnan(a), _np.inf, a), axis, keepdims)


def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """The (weighted) mean; differentiable in ``a`` and in ``weights``."""
    a = asarray(a)
    if weights is None:
        avg = mean(a, axis=axis, keepdims=keepdims)
        scl = _np.full(_shape(avg), _np.prod(_shape(a)) / _np.prod(_shape(avg)))
    else:
        w = asarray(weights)
        if _shape(w) != _shape(a):
            if axis is None:
                raise TypeError("Axis must be specified when shapes of a and weights differ.")
            axes = (axis,) if _np.ndim(axis) == 0 else tuple(axis)
            axes = tuple(_axis(ax, _nd(a)) for ax in axes)
            shp = [1] * _nd(a)
            for ax, s in zip(axes, _shape(w)):
                shp[ax] = s
            w = reshape(w, tuple(shp))
        scl = sum(_prims.broadcast_to(w, _np.broadcast_shapes(_shape(w), _shape(a))), axis=axis, keepdims=keepdims)
        avg = sum(a * w, axis=axis, keepdims=keepdims) / scl
    return (avg, scl) if returned else avg


# --------------------------------------------------------------------------- order statistics
#
# A quantile is a weighted pair of order statistics: ``(1 - t) * s[lo] + t * s[hi]``
# with ``s`` the sorted values, where ``lo``, ``hi`` and ``t`` depend only on the
# count ``n`` and on ``q`` (and on the method).  So the derivative in ``a`` flows
# through the two selected entries (away from ties), and in a traced ``q``
# through ``t`` for the methods that interpolate continuously.

#: The continuous methods of Hyndman and Fan by their (alpha, beta): the virtual
#: index is ``n q + alpha + q (1 - alpha - beta) - 1``.
_CONTINUOUS = {"interpolated_inverted_cdf": (0.0, 1.0), "hazen": (0.5, 0.5), "weibull": (0.0, 0.0),
               "linear": (1.0, 1.0), "median_unbiased": (1 / 3.0, 1 / 3.0), "normal_unbiased": (3 / 8.0, 3 / 8.0)}
#: Every ``method=`` NumPy's quantile functions accept.
QUANTILE_METHODS = ("inverted_cdf", "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf",
                    "hazen", "weibull", "linear", "median_unbiased", "normal_unbiased", "lower", "higher", "nearest",
                    "midpoint")


def _after(u, v):
    """Whether ``u`` belongs after ``v`` in ascending order (NaN last)."""
    nan_u, nan_v = _isnan(u), _isnan(v)
    return _NONDIFF["logical_or"].bind(
        _NONDIFF["greater"].bind(u, v), _NONDIFF["logical_and"].bind(nan_u, _NONDIFF["logical_not"].bind(nan_v)))


def _network_sort(a):
    """``a`` sorted along its last axis (NaN last) by a bitonic sorting network.

    Every step is a compare-and-exchange of fixed pairs of positions, a
    ``where`` on a comparison, so no value is needed to build it: this is the
    sort that runs under ``vmap``, ``jit`` and sparsity detection, where the
    values are not known (``O(n log^2 n)`` work in ``O(log^2 n)`` steps).  The
    length is padded to a power of two with NaN, which sorts last.
    """
    n = _shape(a)[-1]
    size = 1
    while size < n:
        size *= 2
    if size != n:
        a = concatenate([a, _np.full(_shape(a)[:-1] + (size - n,), _np.nan)], axis=-1)
    pos = _np.arange(size)
    k = 2
    while k <= size:
        j = k // 2
        while j >= 1:
            first = pos[(pos & j) == 0]
            second = first + j
            ascending = (first & k) == 0
            x, y = take(a, first, axis=-1), take(a, second, axis=-1)
            swap = _NONDIFF["logical_or"].bind(_NONDIFF["logical_and"].bind(ascending, _after(x, y)),
                                               _NONDIFF["logical_and"].bind(~ascending, _after(y, x)))
            merged = concatenate([where(swap, y, x), where(swap, x, y)], axis=-1)
            a = take(merged, _np.argsort(_np.concatenate([first, second])), axis=-1)
            j //= 2
        k *= 2
    return _prims.getitem(a, (Ellipsis, slice(0, n)))


def _sort_last(a):
    """``a`` sorted along its last axis: a gather by ``argsort`` of the values
    when they are known, else the sorting network (same values, same derivative
    away from ties)."""
    try:
        values = _concrete(a)
    except ConcretizationError:
        return _network_sort(a)
    return take_along_axis(a, _np.argsort(values, axis=-1), axis=-1)


def _virtual_index(n, q, method):
    if method == "linear":  # NumPy's own form, to round alike
        return (n - 1) * q
    alpha, beta = _CONTINUOUS[method]
    return n * q + (alpha + q * (1 - alpha - beta)) - 1


def _positions(n, q, method):
    """``(lo, hi, t, prev)`` for counts ``n`` and quantiles ``q`` (NumPy arrays
    that broadcast): the quantile is ``lerp(s[lo], s[hi], t)``; ``t`` is None
    for the methods that pick one order statistic, and ``prev`` is the floor
    of the virtual index (for a traced ``q``)."""
    n = _np.asarray(n, dtype=float)
    if method in _CONTINUOUS or method in ("averaged_inverted_cdf", "midpoint"):
        if method == "averaged_inverted_cdf":
            vi = n * q - 1
        elif method == "midpoint":
            vi = 0.5 * (_np.floor((n - 1) * q) + _np.ceil((n - 1) * q))
        else:
            vi = _virtual_index(n, q, method)
        prev = _np.floor(vi)
        t = vi - prev
        if method == "averaged_inverted_cdf":
            t = _np.where(t == 0, 0.5, 1.0)
        elif method == "midpoint":
            t = _np.where(vi % 1 == 0, 0.0, 0.5)
        lo, hi = prev.copy(), prev + 1
        for out_of_range, index in ((vi >= n - 1, n - 1), (vi < 0, 0.0)):  # the end values
            lo = _np.where(out_of_range, index, lo)
            hi = _np.where(out_of_range, index, hi)
        return lo.astype(_np.intp), hi.astype(_np.intp), t, prev
    if method in ("lower", "higher", "nearest"):
        idx = {"lower": _np.floor, "higher": _np.ceil, "nearest": _np.around}[method]((n - 1) * q)
    else:  # inverted_cdf, closest_observation: an order statistic picked by the fractional part
        index = n * q - 1 if method == "inverted_cdf" else n * q - 1 - 0.5
        prev = _np.floor(index)
        frac = index - prev
        lower = (frac == 0) if method == "inverted_cdf" else (frac == 0) & (prev % 2 == 1)
        idx = _np.maximum(_np.where(lower, prev, prev + 1), 0)
    idx = _np.broadcast_to(idx, _np.broadcast_shapes(n.shape, _np.shape(q))).astype(_np.intp)
    return idx, idx, None, None


def _check_quantiles(q, name):
    if _np.any((q < 0) | (q > 1)) or _np.any(_np.isnan(q)):
        raise ValueError("Percentiles must be in the range [0, 100]" if name.endswith("percentile")
                         else "Quantiles must be in the range [0, 1]")


def _reduced_last(a, axis):
    """``a`` with the reduced axes moved last and merged into one: ``(A, axes)``."""
    nd = _nd(a)
    if axis is None:
        axes = tuple(range(nd))
    else:
        axes = tuple(_axis(ax, nd) for ax in ((axis,) if _np.ndim(axis) == 0 else axis))
        if len(set(axes)) != len(axes):
            raise ValueError("repeated axis")
    a = moveaxis(a, axes, tuple(range(nd - len(axes), nd)))
    batch = _shape(a)[:nd - len(axes)]
    return reshape(a, batch + (int(_np.prod(_shape(a)[nd - len(axes):], dtype=int)),)), axes


def _quantile(a, q, axis, out, method, keepdims, weights, nan_aware, name):
    if out is not None:
        raise TypeError(f"osculate.numpy.{name}: the out= argument is not supported on traced values")
    if method not in QUANTILE_METHODS:
        raise ValueError(f"{method!r} is not a valid method. Use one of: {QUANTILE_METHODS}")
    if keepdims is _np._NoValue:
        keepdims = False
    qc = _np.asarray(_concrete(q), dtype=float)
    _check_quantiles(qc, name)
    a = asarray(a)
    shape_a = _shape(a)
    A, axes = _reduced_last(a, axis)
    batch, n = _shape(A)[:-1], _shape(A)[-1]
    qf = qc.reshape(-1)
    if weights is not None:
        if method != "inverted_cdf":
            raise ValueError(f"Only method 'inverted_cdf' supports weights. Got: {method}.")
        if nan_aware:
            raise NotImplementedError(f"osculate.numpy.{name}: weights= is not supported; drop the NaN entries "
                                      "and their weights, then call quantile(..., weights=w)")
        res = _weighted_inverted_cdf(A, _weights_last(weights, shape_a, axes, axis), qf)
    else:
        s = _sort_last(A)
        count = n
        if nan_aware:
            count = _np.sum(~_np.isnan(_np.asarray(_concrete(A))), axis=-1)
            if _np.any(count == 0):
                _warnings.warn("All-NaN slice encountered", RuntimeWarning, stacklevel=3)
        lo, hi, t, prev = _positions(_np.asarray(count)[..., None], qf, method)
        full = batch + (qf.size,)
        a_lo = take_along_axis(s, _np.broadcast_to(lo, full), axis=-1)
        if t is None:
            res = a_lo
        else:
            a_hi = take_along_axis(s, _np.broadcast_to(hi, full), axis=-1)
            upper = _np.broadcast_to(t >= 0.5, full)
            if isinstance(q, _Tracer) and method in _CONTINUOUS:  # t moves with q between the two entries
                qt = reshape(q, (-1,))
                t = _virtual_index(_np.asarray(count, dtype=float)[..., None], qt, method) - prev
            d = a_hi - a_lo
            res = where(upper, a_hi - d * (1 - t), a_lo + d * t)  # NumPy's _lerp, exact at both ends
        if not nan_aware:  # a NaN anywhere in a slice makes its quantiles NaN
            res = where(_isnan(_prims.getitem(s, (Ellipsis, slice(n - 1, n)))), _np.nan, res)
    res = reshape(res, batch + qc.shape)
    if qc.ndim:  # the quantile axes first, as NumPy
        res = moveaxis(res, tuple(range(len(batch), len(batch) + qc.ndim)), tuple(range(qc.ndim)))
    if keepdims:
        res = reshape(res, qc.shape + tuple(1 if i in axes else d for i, d in enumerate(shape_a)))
    if not isinstance(res, _Tracer) and _np.ndim(res) == 0:
        res = res[()]  # a NumPy scalar, as NumPy returns
    return res


def _weights_last(weights, shape_a, axes, axis):
    """The (constant) weights laid out like ``_reduced_last`` lays out ``a``."""
    w = _np.asarray(_concrete(weights), dtype=float)
    if w.shape != tuple(shape_a):
        if w.ndim != 1 or axis is None or len(axes) != 1 or w.shape[0] != shape_a[axes[0]]:
            raise ValueError("Shape of weights must be consistent with shape of a along specified axis.")
        w = _np.moveaxis(_np.broadcast_to(w, shape_a[:axes[0]] + shape_a[axes[0] + 1:] + w.shape), -1, axes[0])
    if _np.any(w < 0):
        raise ValueError("Weights must be non-negative.")
    nd = len(shape_a)
    w = _np.moveaxis(w, axes, tuple(range(nd - len(axes), nd)))
    return w.reshape(w.shape[:nd - len(axes)] + (-1,))


def _weighted_inverted_cdf(A, w, qf):
    """The weighted ``inverted_cdf`` quantiles: the first sorted entry whose
    cumulative weight reaches ``q``; eager (the order needs the values)."""
    n = _shape(A)[-1]
    perm = _np.argsort(_np.asarray(_concrete(A)), axis=-1)
    cdf = _np.cumsum(_np.take_along_axis(_np.broadcast_to(w, perm.shape), perm, axis=-1), axis=-1)
    with _np.errstate(invalid="ignore", divide="ignore"):
        cdf = cdf / cdf[..., -1:]
    if _np.isnan(cdf[..., -1]).any():
        raise ValueError("Weights included NaN, inf or were all zero.")
    if _np.any(cdf[..., 0] == 0):  # leading zero weights: the first entry with weight is the 0-quantile
        cdf = _np.where(cdf == 0, -1.0, cdf)
    pick = _np.empty(perm.shape[:-1] + (qf.size,), dtype=_np.intp)
    for idx in _np.ndindex(perm.shape[:-1]):
        pick[idx] = _np.minimum(_np.searchsorted(cdf[idx], qf, side="left"), n - 1)
    s = take_along_axis(A, _np.take_along_axis(perm, pick, axis=-1), axis=-1)
    last = take_along_axis(A, perm[..., -1:], axis=-1)
    return where(_isnan(last), _np.nan, s)


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None):
    """NumPy's ``quantile`` for every ``method=`` it accepts, and ``weights=``
    with ``method='inverted_cdf'`` (as NumPy).

    Each quantile is one sorted entry or an interpolation between two, so it
    is differentiable in ``a`` away from ties; a traced ``q`` is
    differentiated too for the continuous methods (``linear``, ``hazen``,
    ``weibull``, ``median_unbiased``, ``normal_unbiased``,
    ``interpolated_inverted_cdf``; the others are piecewise constant in ``q``).
    The sort uses the values when they are known and a sorting network
    otherwise, so it also runs under ``vmap``, ``jit`` and sparsity detection
    (``q`` and ``weights`` must then be constants).  A slice holding NaN gives NaN.

    >>> import numpy as np, osculate as osc
    >>> x = np.array([3.0, 1.0, 4.0, 1.5, 5.0])
    >>> [float(g) for g in osc.grad(lambda x: np.quantile(x, 0.625))(x)]  # halfway between 3 and 4
    [0.5, 0.0, 0.5, 0.0, 0.0]
    """
    return _quantile(a, q, axis, out, method, keepdims, weights, False, "quantile")


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None):
    """The ``q``-th percentiles: :func:`quantile` at ``q / 100`` (every method).

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: np.percentile(x, 50, method="lower"))(np.array([2.0, 1.0]))[1])
    1.0
    """
    return _quantile(a, _percent(q), axis, out, method, keepdims, weights, False, "percentile")


def _percent(q):
    return q / 100.0 if isinstance(q, _Tracer) else _np.true_divide(q, 100.0)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The median (the mean of the two middle values for an even count).

    >>> import numpy as np, osculate as osc
    >>> [float(g) for g in osc.grad(np.median)(np.array([4.0, 1.0, 3.0, 2.0]))]
    [0.0, 0.0, 0.5, 0.5]
    """
    return _quantile(a, 0.5, axis, out, "linear", keepdims, None, False, "median")


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=_np._NoValue, *,
                weights=None):
    """:func:`quantile` of the entries that are not NaN (every method; no
    weights).  Counting them needs the values, so it runs eagerly (not under
    ``vmap`` or ``jit``); an all-NaN slice gives NaN with NumPy's warning.

    >>> import numpy as np, osculate as osc, osculate.numpy as onp
    >>> x = np.array([3.0, np.nan, 1.0, 2.0])
    >>> [float(g) for g in osc.grad(lambda x: onp.nanquantile(x, 0.25))(x)]
    [0.0, 0.0, 0.5, 0.5]
    """
    return _quantile(a, q, axis, out, method, keepdims, weights, True, "nanquantile")


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=_np._NoValue, *,
                  weights=None):
    """:func:`nanquantile` at ``q / 100``.

    >>> import numpy as np, osculate.numpy as onp
    >>> float(onp.nanpercentile(np.array([np.nan, 1.0, 3.0]), 50))
    2.0
    """
    return _quantile(a, _percent(q), axis, out, method, keepdims, weights, True, "nanpercentile")


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=_np._NoValue):
    """The median of the entries that are not NaN (eager, as :func:`nanquantile`).

    >>> import numpy as np, osculate as osc, osculate.numpy as onp
    >>> [float(g) for g in osc.grad(onp.nanmedian)(np.array([np.nan, 2.0, 1.0]))]
    [0.0, 0.5, 0.5]
    """
    return _quantile(a, 0.5, axis, out, "linear", keepdims, None, True, "nanmedian")


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """NumPy's partition: the entries gathered in the order ``np.argpartition``
    gives (a permutation, so differentiable; eager, since it needs values)."""
    if axis is None:
        a, axis = ravel(asarray(a)), 0
    idx = _np.argpartition(_np.asarray(_concrete(a)), kth, axis=axis, kind=kind)
    return _np.take_along_axis(a, idx, axis=axis)


# --------------------------------------------------------------------------- predicates: the primal's answer


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _np.allclose(_concrete(a), _concrete(b), rtol=rtol, atol=atol, equal_nan=equal_nan)


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _np.isclose(_concrete(a), _concrete(b), rtol=rtol, atol=atol, equal_nan=equal_nan)


def array_equal(a1, a2, equal_nan=False):
    return _np.array_equal(_concrete(a1), _concrete(a2), equal_nan=equal_nan)
