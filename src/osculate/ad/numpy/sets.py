"""NumPy's set operations on traced values.

Re-exported by :mod:`osculate.ad.numpy` (public as :mod:`osculate.numpy`).
Which values are equal, and so the result's size, comes from the values:
these functions run eagerly, and inside ``vmap``, ``jit`` or global sparsity
detection on a traced argument raise
:class:`~osculate.ad.core.ConcretizationError` (``isin`` excepted: it needs
no values).  The derivative of each returned value flows from its *first
occurrence* in the input (``unique``, ``union1d``, ``setxor1d``: in the
concatenation of the inputs; ``intersect1d``, ``setdiff1d``: in ``ar1``);
the indices, inverse indices and counts are integers, as NumPy's.

>>> import numpy as np, osculate as osc
>>> x = np.array([3.0, 1.0, 3.0, 2.0])
>>> np.unique(x)
array([1., 2., 3.])
>>> osc.jacfwd(lambda x: np.unique(x))(x)
array([[0., 1., 0., 0.],
       [0., 0., 0., 1.],
       [1., 0., 0., 0.]])
"""

from __future__ import annotations

import numpy as _np

from ..core import concrete as _concrete
from ..prims.nondiff import NONDIFF as _NONDIFF
from ..prims.structural import shape_of as _shape
from .composites import _axis, _nd, asarray

ravel, take, concatenate, any, expand_dims = _np.ravel, _np.take, _np.concatenate, _np.any, _np.expand_dims  # noqa: A001

__all__ = ["unique", "unique_values", "unique_counts", "unique_inverse", "unique_all", "union1d", "intersect1d",
           "setdiff1d", "setxor1d", "isin"]


def _values(x):
    return _np.asarray(_concrete(x))


def _first_index(flat_values, wanted):
    """For each of ``wanted`` (values present in ``flat_values``), the index of
    its first occurrence there (NaNs are one value)."""
    uniq, first = _np.unique(flat_values, return_index=True)
    return first[_np.searchsorted(uniq, wanted)]


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *, equal_nan=True,
           sorted=True):  # noqa: A002
    """NumPy's ``unique``; each unique value (or slice, with ``axis``) is
    gathered from its first occurrence, so the derivative flows from there."""
    c = _values(ar)
    res = _np.unique(c, return_index=True, return_inverse=return_inverse, return_counts=return_counts, axis=axis,
                     equal_nan=equal_nan)
    index = res[1]
    x = asarray(ar)
    values = take(ravel(x), index) if axis is None else take(x, index, axis=_axis(axis, _nd(x)))
    out = [values]
    if return_index:
        out.append(index)
    out.extend(res[2:])
    return out[0] if len(out) == 1 else tuple(out)


def _gather_first(x, wanted):
    c = _values(x).ravel()
    return take(ravel(asarray(x)), _first_index(c, wanted))


def unique_values(x):
    """The unique values (derivative from each first occurrence)."""
    return _gather_first(x, _np.unique_values(_values(x)))


def unique_counts(x):
    """``(values, counts)``; the values differentiable from their first occurrences."""
    r = _np.unique_counts(_values(x))
    return type(r)(_gather_first(x, r.values), r.counts)


def unique_inverse(x):
    """``(values, inverse_indices)``; the values differentiable from their first occurrences."""
    r = _np.unique_inverse(_values(x))
    return type(r)(_gather_first(x, r.values), r.inverse_indices)


def unique_all(x):
    """``(values, indices, inverse_indices, counts)``; the values differentiable from their first occurrences."""
    r = _np.unique_all(_values(x))
    return type(r)(_gather_first(x, r.values), r.indices, r.inverse_indices, r.counts)


def _joined(ar1, ar2):
    return concatenate([ravel(asarray(ar1)), ravel(asarray(ar2))])


def union1d(ar1, ar2):
    """The sorted unique values of both (each from its first occurrence, ``ar1`` before ``ar2``)."""
    return unique(_joined(ar1, ar2))


def setxor1d(ar1, ar2, assume_unique=False):
    """The sorted values in exactly one of the two."""
    wanted = _np.setxor1d(_values(ar1), _values(ar2), assume_unique=assume_unique)
    return _gather_first(_joined(ar1, ar2), wanted)


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False):
    """The sorted values in both; the derivative flows from ``ar1`` (the first occurrence there)."""
    c1, c2 = _values(ar1), _values(ar2)
    values, i1, i2 = _np.intersect1d(c1, c2, assume_unique=assume_unique, return_indices=True)
    out = take(ravel(asarray(ar1)), i1)
    return (out, i1, i2) if return_indices else out


def setdiff1d(ar1, ar2, assume_unique=False):
    """The values of ``ar1`` not in ``ar2`` (sorted and unique unless ``assume_unique``)."""
    c1, c2 = _values(ar1).ravel(), _values(ar2)
    if assume_unique:
        return take(ravel(asarray(ar1)), _np.flatnonzero(~_np.isin(c1, c2, assume_unique=True)))
    return _gather_first(ar1, _np.setdiff1d(c1, c2))


def isin(element, test_elements, assume_unique=False, invert=False, *, kind=None):
    """Whether each entry of ``element`` is among ``test_elements`` (boolean,
    an elementwise comparison with all of them: no values needed)."""
    e = asarray(element)
    t = ravel(asarray(test_elements))
    hit = any(_NONDIFF["equal"].bind(expand_dims(e, -1), t), axis=-1) if _shape(t)[0] else \
        _np.zeros(_shape(e), dtype=bool)
    return _NONDIFF["logical_not"].bind(hit) if invert else hit
