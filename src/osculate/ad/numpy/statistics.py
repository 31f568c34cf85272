"""NumPy's statistics on traced values: NaN-aware reductions, weighted
averages, quantiles, and predicates that answer for the primal.

Re-exported by :mod:`osculate.ad.numpy` (public as :mod:`osculate.numpy`);
composites of traced operations like :mod:`osculate.ad.numpy.composites`, so
every transform applies.  ``quantile``/``percentile``/``median``/``partition``
sort by value, so they run eagerly (not under ``vmap`` or ``jit``).
"""

from __future__ import annotations

import numpy as _np

from .. import prims as _prims
from ..core import concrete as _concrete
from ..prims.nondiff import NONDIFF as _NONDIFF
from ..prims.structural import shape_of as _shape
from .composites import _axis, _nd, asarray

# on a tracer NumPy dispatches to osculate.numpy; on arrays it computes the plain answer
moveaxis, reshape, ravel, where, sum, mean, sqrt = (  # noqa: A001
    _np.moveaxis, _np.reshape, _np.ravel, _np.where, _np.sum, _np.mean, _np.sqrt)

__all__ = [
    "nan_to_num", "nansum", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin", "average", "quantile", "percentile",
    "median", "partition", "allclose", "isclose", "array_equal",
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


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None):
    """The ``q``-quantiles (``method='linear'``): sorted values interpolated
    linearly.  Differentiable in ``a`` away from ties (the sort needs the
    values of ``a``, so it runs eagerly: not under ``vmap`` or ``jit``)."""
    if out is not None:
        raise TypeError("osculate.numpy.quantile: the out= argument is not supported on traced values")
    if method != "linear" or weights is not None:
        raise NotImplementedError(f"osculate.numpy.quantile: only method='linear' without weights is supported "
                                  f"on traced values (not method={method!r})")
    q = _np.asarray(_concrete(q), dtype=float)
    if _np.any((q < 0) | (q > 1)):
        raise ValueError("Quantiles must be in the range [0, 1]")
    a = asarray(a)
    nd = _nd(a)
    if axis is None:
        s = _np.sort(ravel(a))
        ax = 0
    else:
        if _np.ndim(axis) != 0:
            raise NotImplementedError("osculate.numpy.quantile: a tuple of axes is not supported on traced values")
        ax = _axis(axis, nd)
        s = moveaxis(_np.sort(a, axis=ax), ax, -1)
    n = _shape(s)[-1]
    pos = q * (n - 1)
    lo = _np.floor(pos).astype(int)
    hi = _np.minimum(lo + 1, n - 1)
    t = pos - lo
    a_lo, a_hi = _prims.getitem(s, (Ellipsis, lo)), _prims.getitem(s, (Ellipsis, hi))
    res = where(t >= 0.5, a_hi - (a_hi - a_lo) * (1 - t), a_lo + (a_hi - a_lo) * t)  # NumPy's _lerp
    if q.ndim:  # the quantile axes first, as NumPy
        res = moveaxis(res, tuple(range(-q.ndim, 0)), tuple(range(q.ndim)))
    if keepdims:
        kept = [1] * nd if axis is None else [1 if i == ax else d for i, d in enumerate(_shape(a))]
        res = reshape(res, q.shape + tuple(kept))
    return res


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """NumPy's partition: the entries gathered in the order ``np.argpartition``
    gives (a permutation, so differentiable; eager, since it needs values)."""
    if axis is None:
        a, axis = ravel(asarray(a)), 0
    idx = _np.argpartition(_np.asarray(_concrete(a)), kth, axis=axis, kind=kind)
    return _np.take_along_axis(a, idx, axis=axis)


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None):
    """The ``q``-th percentiles: :func:`quantile` at ``q / 100``."""
    return quantile(a, _np.asarray(_concrete(q), dtype=float) / 100.0, axis, out, overwrite_input, method, keepdims,
                    weights=weights)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The median (the mean of the two middle values for an even count)."""
    return quantile(a, 0.5, axis, out, overwrite_input, keepdims=keepdims)


# --------------------------------------------------------------------------- predicates: the primal's answer


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _np.allclose(_concrete(a), _concrete(b), rtol=rtol, atol=atol, equal_nan=equal_nan)


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _np.isclose(_concrete(a), _concrete(b), rtol=rtol, atol=atol, equal_nan=equal_nan)


def array_equal(a1, a2, equal_nan=False):
    return _np.array_equal(_concrete(a1), _concrete(a2), equal_nan=equal_nan)
