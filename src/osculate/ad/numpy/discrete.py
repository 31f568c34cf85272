"""NumPy's functions with integer or boolean results, on traced values:
they answer for the primal (no derivative), and the counting ones
(``histogram``, ``bincount``) are differentiable in their ``weights``.

Re-exported by :mod:`osculate.ad.numpy` (public as :mod:`osculate.numpy`).
``all``, ``any``, ``count_nonzero``, ``isposinf``, ``isneginf`` and the
``*_indices_from`` functions need no values, so they also run under
``vmap``, ``jit`` and sparsity detection (there ``count_nonzero`` is a
traced float count).  The others (``nonzero``, ``searchsorted``,
``histogram``'s bins...) compute from the values: they run eagerly, and
inside ``vmap``, ``jit`` or global sparsity detection on a traced argument
raise :class:`~osculate.ad.core.ConcretizationError` (their result's shape
or entries depend on values); a constant argument is fine everywhere, so
``np.histogram(data, bins, weights=w)`` with traced ``w`` runs under every
transform.

>>> import numpy as np, osculate as osc
>>> data = np.array([0.1, 0.4, 0.45, 0.9])
>>> osc.jacfwd(lambda w: np.histogram(data, bins=2, range=(0, 1), weights=w)[0])(np.ones(4))
array([[1., 1., 1., 0.],
       [0., 0., 0., 1.]])
>>> bool(osc.grad(lambda x: np.sum(x ** 2) if np.all(x > 0) else 0.0)(np.ones(2))[0] == 2.0)
True
"""

from __future__ import annotations

import builtins as _builtins

import numpy as _np

from .. import prims as _prims
from ..core import Tracer as _Tracer, concrete as _concrete
from ..prims.nondiff import NONDIFF as _NONDIFF
from ..prims.structural import shape_of as _shape
from .composites import asarray, linspace as _linspace

ravel, where, sum = _np.ravel, _np.where, _np.sum  # noqa: A001

__all__ = [
    "all", "any", "count_nonzero", "isposinf", "isneginf", "nonzero", "argwhere", "flatnonzero", "searchsorted",
    "digitize", "nanargmax", "nanargmin", "argpartition", "lexsort", "array_equiv", "diag_indices_from",
    "tril_indices_from", "triu_indices_from", "histogram", "histogram_bin_edges", "histogram2d", "histogramdd",
    "bincount",
]


def _values(x):
    return _np.asarray(_concrete(x))


def _truth_count(a, axis, keepdims, negate=False):
    a = asarray(a)
    test = _NONDIFF["equal" if negate else "not_equal"].bind(a, 0)
    return sum(where(test, 1.0, 0.0), axis=axis, keepdims=keepdims)


def _plain_bool(r):
    return r if isinstance(r, _Tracer) else (_np.bool_(r) if _np.ndim(r) == 0 else _np.asarray(r, dtype=bool))


def all(a, axis=None, out=None, keepdims=False, *, where=None):  # noqa: A001
    """Whether every entry is nonzero (along ``axis``): a boolean, no derivative."""
    if out is not None or where is not None:
        raise TypeError("osculate.numpy.all: out= and where= are not supported on traced values")
    return _plain_bool(_NONDIFF["equal"].bind(_truth_count(a, axis, keepdims, negate=True), 0.0))


def any(a, axis=None, out=None, keepdims=False, *, where=None):  # noqa: A001
    """Whether some entry is nonzero (along ``axis``): a boolean, no derivative."""
    if out is not None or where is not None:
        raise TypeError("osculate.numpy.any: out= and where= are not supported on traced values")
    return _plain_bool(_NONDIFF["greater"].bind(_truth_count(a, axis, keepdims), 0.0))


def count_nonzero(a, axis=None, *, keepdims=False):
    """The number of nonzero entries (an integer; inside ``vmap``, ``jit`` or
    sparsity detection a traced float count)."""
    r = _truth_count(a, axis, keepdims)
    if isinstance(r, _Tracer):
        return r
    return _np.intp(r) if _np.ndim(r) == 0 else _np.asarray(r).astype(_np.intp)


def isposinf(x, out=None):
    """``x == +inf`` elementwise (boolean)."""
    if out is not None:
        raise TypeError("osculate.numpy.isposinf: out= is not supported on traced values")
    return _NONDIFF["equal"].bind(x, _np.inf)


def isneginf(x, out=None):
    """``x == -inf`` elementwise (boolean)."""
    if out is not None:
        raise TypeError("osculate.numpy.isneginf: out= is not supported on traced values")
    return _NONDIFF["equal"].bind(x, -_np.inf)


def nonzero(a):
    """The indices of the nonzero entries, from the values (eager only)."""
    return _np.nonzero(_values(a))


def argwhere(a):
    """The indices of the nonzero entries, grouped by entry (eager only)."""
    return _np.argwhere(_values(a))


def flatnonzero(a):
    """The flat indices of the nonzero entries (eager only)."""
    return _np.flatnonzero(_values(a))


def searchsorted(a, v, side="left", sorter=None):
    """Insertion indices keeping ``a`` sorted, from the values (eager only for traced arguments)."""
    return _np.searchsorted(_values(a), _values(v), side=side,
                            sorter=None if sorter is None else _values(sorter))


def digitize(x, bins, right=False):
    """The bin of each entry, from the values (eager only for traced arguments)."""
    return _np.digitize(_values(x), _values(bins), right=right)


def nanargmax(a, axis=None, out=None, *, keepdims=False):
    """The index of the largest non-NaN entry (eager only)."""
    return _np.nanargmax(_values(a), axis=axis, keepdims=keepdims)


def nanargmin(a, axis=None, out=None, *, keepdims=False):
    """The index of the smallest non-NaN entry (eager only)."""
    return _np.nanargmin(_values(a), axis=axis, keepdims=keepdims)


def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    """Indices that partition ``a`` around ``kth`` (eager only)."""
    return _np.argpartition(_values(a), _values(kth), axis=axis, kind=kind)


def lexsort(keys, axis=-1):
    """The indirect stable sort by several keys, the last one primary (eager only)."""
    if isinstance(keys, (list, tuple)):
        keys = [_values(k) for k in keys]
    else:
        keys = _values(keys)
    return _np.lexsort(keys, axis=axis)


def array_equiv(a1, a2):
    """Whether the two broadcast to equal arrays (eager only)."""
    return _np.array_equiv(_values(a1), _values(a2))


def diag_indices_from(arr):
    """The indices of the main diagonal of ``arr`` (from its shape only)."""
    shp = _shape(arr)
    if len(shp) < 2:
        raise ValueError("input array must be at least 2-d")
    if len(set(shp)) != 1:
        raise ValueError("All dimensions of input must be of equal length")
    return _np.diag_indices(shp[0], len(shp))


def tril_indices_from(arr, k=0):
    """The indices of the lower triangle of a 2-d ``arr`` (from its shape only)."""
    shp = _shape(arr)
    if len(shp) != 2:
        raise ValueError("input array must be 2-d")
    return _np.tril_indices(shp[-2], k=k, m=shp[-1])


def triu_indices_from(arr, k=0):
    """The indices of the upper triangle of a 2-d ``arr`` (from its shape only)."""
    shp = _shape(arr)
    if len(shp) != 2:
        raise ValueError("input array must be 2-d")
    return _np.triu_indices(shp[-2], k=k, m=shp[-1])


def _bins(bins):
    return bins if isinstance(bins, str) or _np.ndim(bins) == 0 else _values(bins)


def _edges(a, bins, range, weights):  # noqa: A002
    """NumPy's edges; for a traced ``a`` binned by a count or a rule (no
    ``range``) they are ``linspace(min(a), max(a))``, traced like ``a``."""
    values = _values(a).ravel()
    edges = _np.histogram_bin_edges(values, bins=_bins(bins), range=range,
                                    weights=None if weights is None else _values(weights))
    if isinstance(a, _Tracer) and range is None and (isinstance(bins, str) or _np.ndim(bins) == 0) and values.size:
        lo, hi = _prims.amin(a, None, False), _prims.amax(a, None, False)
        if values.min() == values.max():
            lo, hi = lo - 0.5, hi + 0.5
        edges = _linspace(lo, hi, edges.size)
    return edges


def histogram_bin_edges(a, bins=10, range=None, weights=None):  # noqa: A002
    """NumPy's bin edges.  Their number (and with explicit ``bins`` or a
    ``range``, the edges themselves) come from the values of ``a`` (eager
    only for a traced ``a``); otherwise the edges span ``[min(a), max(a)]``
    and are differentiable in ``a`` through those two entries."""
    return _edges(a, bins, range, weights)


def histogram(a, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """``(counts, edges)`` as NumPy's.  Which bin each entry falls in comes
    from the values of ``a`` (eager only when ``a`` is traced; the counts
    have no derivative in ``a``, the edges do as in
    :func:`histogram_bin_edges`); with ``weights`` the counts are the weights
    summed per bin, differentiable in the weights.  ``density=True`` divides
    by the total and the bin widths."""
    values = _values(a).ravel()
    if not isinstance(weights, _Tracer):
        counts, plain_edges = _np.histogram(values, bins=_bins(bins), range=range,
                                            weights=None if weights is None else _np.asarray(weights))
    else:
        plain_edges = _np.histogram_bin_edges(values, bins=_bins(bins), range=range)
        w = ravel(asarray(weights))
        if _shape(w) != values.shape:
            raise ValueError("weights should have the same shape as a.")
        nb = plain_edges.size - 1
        # NumPy's bins are half-open [e_i, e_(i+1)), the last one closed
        index = _np.searchsorted(plain_edges, values, side="right") - 1
        index[values == plain_edges[-1]] = nb - 1
        inside = (values >= plain_edges[0]) & (values <= plain_edges[-1])
        counts = _prims.index_update(_np.zeros(nb), _prims.getitem(w, _np.flatnonzero(inside)), (index[inside],),
                                     "add")
    edges = _edges(a, bins, range, None) if isinstance(a, _Tracer) else plain_edges
    if density:
        counts = counts / (sum(counts) * _np.diff(edges))
    return counts, edges


def _weighted_counts(sample, edges, weights):
    """The counts of the ``(N, D)`` sample in the bins of ``edges`` (NumPy's
    rule: half-open bins, the last closed), weighted by the traced weights."""
    shape = tuple(e.size - 1 for e in edges)
    keep = _np.ones(sample.shape[0], dtype=bool)
    index = []
    for i, e in enumerate(edges):
        k = _np.searchsorted(e, sample[:, i], side="right") - 1
        k[sample[:, i] == e[-1]] = e.size - 2
        keep &= (k >= 0) & (k < e.size - 1)
        index.append(k)
    w = ravel(asarray(weights))
    if _shape(w) != (sample.shape[0],):
        raise ValueError("weights should have the same length as the sample.")
    picked = _np.flatnonzero(keep)
    return _prims.index_update(_np.zeros(shape), _prims.getitem(w, picked), tuple(k[keep] for k in index), "add")


def _bin_list(bins):
    """Plain bins: a count, or per axis a count or (the values of) edges."""
    if isinstance(bins, (int, _np.integer)):
        return bins
    if isinstance(bins, (list, tuple)):
        return [b if isinstance(b, (int, _np.integer)) else _values(b) for b in bins]
    return _values(bins)


def _dd(columns, bins, range, density, weights):  # noqa: A002
    """``histogramdd`` of the sample given by its ``D`` columns (traced or not)."""
    values = _np.stack([_values(c).ravel() for c in columns], axis=1)
    traced_w = isinstance(weights, _Tracer)
    counts, edges = _np.histogramdd(values, bins=bins, range=range,
                                    weights=None if weights is None or traced_w else _np.asarray(weights))
    plain_edges, edges = edges, list(edges)
    per_axis = bins if isinstance(bins, list) else [bins] * len(columns)
    for i, c in enumerate(columns):
        if (isinstance(c, _Tracer) and isinstance(per_axis[i], (int, _np.integer)) and values.shape[0]
                and (range is None or range[i] is None)):
            edges[i] = _span(c, values[:, i], edges[i].size)
    if traced_w:
        counts = _weighted_counts(values, plain_edges, weights)
    if density:
        widths = _np.ones(_shape(counts))
        for i, e in enumerate(edges):
            widths = widths * _np.reshape(_np.diff(e), [-1 if j == i else 1 for j in _builtins.range(len(edges))])
        counts = counts / (sum(counts) * widths)
    return counts, edges


def _span(column, values, n):
    """``linspace(min, max, n)`` of a traced column (NumPy's edges for a bin count)."""
    lo, hi = _prims.amin(column, None, False), _prims.amax(column, None, False)
    if values.min() == values.max():
        lo, hi = lo - 0.5, hi + 0.5
    return _linspace(lo, hi, n)


def histogramdd(sample, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """``(counts, edges)`` of a multidimensional histogram, as NumPy's.  The
    bins and which bin each point falls in come from the values (eager only
    for a traced sample); with traced ``weights`` the counts are
    differentiable in the weights, and the edges of an axis binned by a count
    without a range span the sample's ``[min, max]``, traced like it."""
    if hasattr(sample, "shape"):
        columns = [_prims.getitem(asarray(sample), (slice(None), i)) for i in _builtins.range(_shape(sample)[1])] \
            if len(_shape(sample)) == 2 else [sample]
    else:
        columns = list(sample)
    if not _builtins.any(isinstance(x, _Tracer) for x in columns + [weights]):
        return _np.histogramdd(sample, bins=bins, range=range, density=density, weights=weights)
    return _dd(columns, _bin_list(bins), range, density, weights)


def histogram2d(x, y, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """``(counts, xedges, yedges)`` as NumPy's, through :func:`histogramdd`."""
    if not _builtins.any(isinstance(v, _Tracer) for v in (x, y, weights)):
        return _np.histogram2d(x, y, bins=bins, range=range, density=density, weights=weights)
    if not isinstance(bins, (int, _np.integer)) and not (isinstance(bins, (list, tuple)) and len(bins) == 2):
        bins = [bins, bins]  # one array of edges for both
    counts, edges = _dd([x, y], _bin_list(bins), range, density, weights)
    return counts, edges[0], edges[1]


def bincount(x, weights=None, minlength=0):
    """The number of occurrences of each nonnegative integer in ``x`` (from
    its values); with traced ``weights`` the weights summed per value,
    differentiable in the weights."""
    idx = _values(x)
    if weights is None or not isinstance(weights, _Tracer):
        return _np.bincount(idx, weights=None if weights is None else _np.asarray(weights), minlength=minlength)
    idx = idx.ravel()
    if idx.size and (idx.min() < 0):
        raise ValueError("'list' argument must have no negative elements")
    if idx.dtype.kind not in "iub":
        if not _np.all(idx == _np.floor(idx)):
            raise TypeError("Cannot cast array data from dtype('float64') to dtype('int64') according to the rule 'safe'")
        idx = idx.astype(_np.intp)
    n = _builtins.max(int(idx.max()) + 1 if idx.size else 0, int(minlength))
    w = ravel(asarray(weights))
    if _shape(w) != idx.shape:
        raise ValueError("The weights and list don't have the same length.")
    return _prims.index_update(_np.zeros(n), w, (idx,), "add")
