"""``scipy.ndimage``'s measurements over labelled regions on traced values:
``sum_labels`` (``sum``), ``mean``, ``variance``, ``standard_deviation``,
``maximum``, ``minimum``, ``median``, ``extrema`` and ``center_of_mass``
(re-exported by :mod:`.ndimage`).

The labels and the index are constants (which sample belongs to which region
has no derivative); each region is a constant mask over the flattened input,
so every statistic is a masked reduction of osculate operations,
differentiable in the input (the maximum, minimum and median: in the sample
they select).  With nothing traced, SciPy's function is called.  As in
SciPy: no ``labels`` means one region (the whole input), ``labels`` without
``index`` one region of the samples labelled > 0, a scalar index a scalar
result, a sequence of indices one result per index (an index no sample
carries gives 0 for sums, maxima and minima, NaN for means and variances).

``labeled_comprehension`` applies the user's ``func`` to each region's
traced values (differentiable as ``func`` is, with a float ``out_dtype``);
``histogram`` counts samples, a piecewise-constant result returned as plain
counts (derivative zero) from the input's values.
"""

from __future__ import annotations

import numpy as _np
import scipy.ndimage as _snd

from .. import numpy as _o
from ._ndimage_support import _array, _known, _traced

__all__ = ["sum_labels", "sum", "mean", "variance", "standard_deviation", "maximum", "minimum", "median",
           "extrema", "center_of_mass", "labeled_comprehension", "histogram"]


def _regions(input, labels, index, fname):  # noqa: A002
    """The flattened float input, the ``(regions, samples)`` masks, and the
    shape of the result (``()`` for one region or a scalar index)."""
    x = _array(input, fname)
    if _np.iscomplexobj(x):
        raise TypeError(f"{fname}: complex input is not supported on traced values")
    if _traced(labels, index):
        raise TypeError(f"{fname}: labels and index must be constants (the regions have no derivative); compute "
                        "them outside the differentiated function")
    shape = _np.shape(x)
    xf = _o.reshape(x * 1.0, (-1,))
    if labels is None:
        return xf, _np.ones((1, xf.shape[0]), dtype=bool), (), shape
    lab = _np.broadcast_to(_np.asarray(labels), shape).ravel()
    if index is None:
        return xf, (lab > 0)[None, :], (), shape
    idx = _np.asarray(index)
    return xf, lab[None, :] == idx.ravel()[:, None], idx.shape, shape


def _shaped(values, out_shape):
    return _o.reshape(values, out_shape)


def _sums(xf, masks):
    return _o.sum(_o.where(masks, xf, 0.0), axis=1)


def _means(xf, masks):
    counts = masks.sum(axis=1)
    safe = _np.where(counts > 0, counts, 1)
    return _o.where(counts > 0, _sums(xf, masks) / safe, _np.nan), counts, safe


def sum_labels(input, labels=None, index=None):  # noqa: A002
    """The sum of the input over each labelled region, as :func:`scipy.ndimage.sum_labels`.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.ndimage import sum_labels
    >>> x, lab = np.arange(6.0), np.array([1, 1, 2, 0, 2, 3])
    >>> sum_labels(x, lab, [1, 2])
    array([1., 6.])
    >>> osc.jacfwd(lambda v: sum_labels(v, lab, [1, 2]))(x)
    array([[1., 1., 0., 0., 0., 0.],
           [0., 0., 1., 0., 1., 0.]])
    """
    if not _traced(input) and not _traced(labels, index):
        return _snd.sum_labels(input, labels, index)
    xf, masks, out_shape, _ = _regions(input, labels, index, "sum_labels")
    return _shaped(_sums(xf, masks), out_shape)


def sum(input, labels=None, index=None):  # noqa: A001,A002
    """:func:`sum_labels` under SciPy's older name :func:`scipy.ndimage.sum`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import sum
    >>> float(sum(np.arange(6.0), np.array([1, 1, 2, 0, 2, 3])))
    12.0
    """
    if not _traced(input) and not _traced(labels, index):
        return _snd.sum(input, labels, index)
    return sum_labels(input, labels, index)


def mean(input, labels=None, index=None):  # noqa: A002
    """The mean of each labelled region, as :func:`scipy.ndimage.mean`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import mean
    >>> mean(np.arange(6.0), np.array([1, 1, 2, 0, 2, 3]), [1, 2])
    array([0.5, 3. ])
    """
    if not _traced(input) and not _traced(labels, index):
        return _snd.mean(input, labels, index)
    xf, masks, out_shape, _ = _regions(input, labels, index, "mean")
    return _shaped(_means(xf, masks)[0], out_shape)


def _variances(input, labels, index, fname):  # noqa: A002
    xf, masks, out_shape, _ = _regions(input, labels, index, fname)
    means, counts, safe = _means(xf, masks)
    dev = xf[None, :] - _o.reshape(means, (-1, 1))
    sq = _o.sum(_o.where(masks, dev * dev, 0.0), axis=1)
    return _o.where(counts > 0, sq / safe, _np.nan), out_shape


def variance(input, labels=None, index=None):  # noqa: A002
    """The (population) variance of each labelled region, as :func:`scipy.ndimage.variance`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import variance
    >>> variance(np.arange(6.0), np.array([1, 1, 2, 0, 2, 3]), [1, 2])
    array([0.25, 1.  ])
    """
    if not _traced(input) and not _traced(labels, index):
        return _snd.variance(input, labels, index)
    v, out_shape = _variances(input, labels, index, "variance")
    return _shaped(v, out_shape)


def standard_deviation(input, labels=None, index=None):  # noqa: A002
    """The square root of :func:`variance`, as :func:`scipy.ndimage.standard_deviation`
    (its derivative is infinite for a constant region, as that of ``np.sqrt`` at 0).

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import standard_deviation
    >>> standard_deviation(np.arange(6.0), np.array([1, 1, 2, 0, 2, 3]), [1, 2])
    array([0.5, 1. ])
    """
    if not _traced(input) and not _traced(labels, index):
        return _snd.standard_deviation(input, labels, index)
    v, out_shape = _variances(input, labels, index, "standard_deviation")
    return _shaped(_o.sqrt(v), out_shape)


def _extreme(input, labels, index, fname, largest):  # noqa: A002
    xf, masks, out_shape, _ = _regions(input, labels, index, fname)
    fill = -_np.inf if largest else _np.inf
    picked = _o.where(masks, xf, fill)
    val = _o.max(picked, axis=1) if largest else _o.min(picked, axis=1)
    return _shaped(_o.where(masks.any(axis=1), val, 0.0), out_shape)


def maximum(input, labels=None, index=None):  # noqa: A002
    """The largest value of each labelled region, as :func:`scipy.ndimage.maximum`
    (differentiable in the sample it selects).

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import maximum
    >>> maximum(np.arange(6.0), np.array([1, 1, 2, 0, 2, 3]), [1, 2])
    array([1., 4.])
    """
    if not _traced(input) and not _traced(labels, index):
        return _snd.maximum(input, labels, index)
    return _extreme(input, labels, index, "maximum", True)


def minimum(input, labels=None, index=None):  # noqa: A002
    """The smallest value of each labelled region, as :func:`scipy.ndimage.minimum`.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import minimum
    >>> minimum(np.arange(6.0), np.array([1, 1, 2, 0, 2, 3]), [1, 2])
    array([0., 2.])
    """
    if not _traced(input) and not _traced(labels, index):
        return _snd.minimum(input, labels, index)
    return _extreme(input, labels, index, "minimum", False)


def median(input, labels=None, index=None):  # noqa: A002
    """The median of each labelled region (the mean of the two middle values
    for an even count), as :func:`scipy.ndimage.median`.  An index no sample
    carries gives NaN here.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import median
    >>> median(np.arange(6.0), np.array([1, 1, 2, 0, 2, 3]), [1, 2])
    array([0.5, 3. ])
    """
    if not _traced(input) and not _traced(labels, index):
        return _snd.median(input, labels, index)
    xf, masks, out_shape, _ = _regions(input, labels, index, "median")
    vals = [_o.median(_o.take(xf, _np.flatnonzero(m))) if m.any() else _np.nan for m in masks]
    return _shaped(_o.stack([v * 1.0 for v in vals]) if vals else _np.zeros(0), out_shape)


def extrema(input, labels=None, index=None):  # noqa: A002
    """``(minimums, maximums, min_positions, max_positions)`` of each labelled
    region, as :func:`scipy.ndimage.extrema`: the values differentiable, the
    positions (index tuples, found from the values) constants.

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import extrema
    >>> extrema(np.array([[3.0, 1.0], [4.0, 1.5]]))
    (np.float64(1.0), np.float64(4.0), (np.int64(0), np.int64(1)), (np.int64(1), np.int64(0)))
    """
    if not _traced(input) and not _traced(labels, index):
        return _snd.extrema(input, labels, index)
    lo, hi = minimum(input, labels, index), maximum(input, labels, index)
    values = _known(input)
    if values is None:
        raise ValueError("extrema: the positions are found from the values, which are not at hand inside jit or "
                         "vmap; use minimum and maximum there")
    positions = _snd.extrema(values, labels, index)[2:]
    return (lo, hi) + tuple(positions)


def center_of_mass(input, labels=None, index=None):  # noqa: A002
    """The input-weighted mean index of each labelled region, one coordinate per
    axis, as :func:`scipy.ndimage.center_of_mass` (a tuple, or a list of
    tuples for a sequence of indices).

    >>> import numpy as np
    >>> from osculate.scipy.ndimage import center_of_mass
    >>> center_of_mass(np.array([[0.0, 1.0], [0.0, 3.0]]))
    (np.float64(0.75), np.float64(1.0))
    """
    if not _traced(input) and not _traced(labels, index):
        return _snd.center_of_mass(input, labels, index)
    xf, masks, out_shape, shape = _regions(input, labels, index, "center_of_mass")
    total = _sums(xf, masks)
    grids = _np.indices(shape, dtype=_np.float64).reshape(len(shape), -1)
    coords = [_sums(xf * g, masks) / total for g in grids]
    if out_shape == ():
        return tuple(c[0] for c in coords)
    # SciPy's arrangement: the (ndim, *index.shape) results transposed, then split along their first axis
    t = _o.transpose(_o.reshape(_o.stack(coords), (len(coords),) + tuple(out_shape)))
    return [tuple(t[i][j] for j in range(_np.shape(t)[1])) for i in range(_np.shape(t)[0])]


def labeled_comprehension(input, labels, index, func, out_dtype, default, pass_positions=False):  # noqa: A002
    """``func`` applied to the values of each labelled region, as
    :func:`scipy.ndimage.labeled_comprehension`: ``func(values)`` (with
    ``pass_positions``, ``func(values, flat_positions)``) per entry of
    ``index``, ``default`` for an index no sample carries; without
    ``labels``, ``func`` of the whole flattened input; with ``labels`` and
    no ``index``, of the samples labelled > 0.

    The values reach ``func`` traced, in SciPy's order (sorted by label), so
    with a float or complex ``out_dtype`` the result is differentiable as
    ``func`` is (write it with NumPy operations).  An integer or boolean
    ``out_dtype`` gives plain values (no derivative), computed from the
    input's values, which are not at hand inside ``jit`` or ``vmap``.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.ndimage import labeled_comprehension
    >>> x, lab = np.arange(6.0), np.array([1, 1, 2, 0, 2, 3])
    >>> labeled_comprehension(x, lab, [1, 2, 5], lambda v: np.sum(v * v), float, -1.0)
    array([ 1., 20., -1.])
    >>> osc.jacfwd(lambda v: labeled_comprehension(v, lab, [1, 2], np.prod, float, 0.0))(x)
    array([[1., 0., 0., 0., 0., 0.],
           [0., 0., 4., 0., 2., 0.]])
    """
    fname = "labeled_comprehension"
    if not _traced(input, labels, index):
        return _snd.labeled_comprehension(input, labels, index, func, out_dtype, default, pass_positions)
    if _traced(labels, index):
        raise TypeError(f"{fname}: labels and index must be constants (the regions have no derivative); compute "
                        "them outside the differentiated function")
    if _np.dtype(out_dtype).kind not in "fc":
        values = _known(input)
        if values is None:
            raise ValueError(f"{fname}: an integer or boolean out_dtype has no derivative and is computed from the "
                             "input's values, which are not at hand inside jit or vmap; use a float out_dtype")
        return _snd.labeled_comprehension(values, labels, index, func, out_dtype, default, pass_positions)
    x = _array(input, fname)
    shape = _np.shape(x)
    flat = _o.reshape(x, (-1,))
    positions = _np.arange(int(_np.prod(shape))).reshape(shape)

    def call(where):
        picked = _o.take(flat, where)
        return func(picked, where) if pass_positions else func(picked)

    if labels is None:
        if index is not None:
            raise ValueError(f"{fname}: index without defined labels")
        return call(positions.ravel())
    lab = _np.asarray(labels)
    try:
        lab = _np.broadcast_to(lab, _np.broadcast_shapes(shape, lab.shape))
        positions = _np.broadcast_to(positions, lab.shape)
    except ValueError as e:
        raise ValueError(f"{fname}: input and labels must have the same shape (excepting dimensions with width "
                         "1)") from e
    if lab.shape != shape:
        raise ValueError(f"{fname}: labels must not enlarge the traced input (shape {shape}, labels {lab.shape})")
    if index is None:
        return call(positions[lab > 0])
    as_scalar = _np.isscalar(index)
    idx = _np.atleast_1d(index)
    if _np.any(idx.astype(lab.dtype).astype(idx.dtype) != idx):
        raise ValueError(f"{fname}: cannot convert index values from <{idx.dtype}> to <{lab.dtype}> (labels' type) "
                         "without loss of precision")
    idx = idx.astype(lab.dtype)
    # SciPy's arrangement: the samples with labels in [min(index), max(index)], sorted by label
    keep = (lab >= idx.min()) & (lab <= idx.max())
    kept_labels, kept_positions = lab[keep], positions[keep]
    order = kept_labels.argsort()
    kept_labels, kept_positions = kept_labels[order], kept_positions[order]
    dtype = _np.dtype(out_dtype)
    results = []
    for i in idx.ravel():
        lo, hi = _np.searchsorted(kept_labels, i, side="left"), _np.searchsorted(kept_labels, i, side="right")
        value = call(kept_positions[lo:hi]) if hi > lo else _np.asarray(default, dtype=dtype)
        results.append(_o.astype(_o.asarray(value), dtype))
    out = _o.reshape(_o.stack(results), idx.shape)
    return out[0] if as_scalar else out


def histogram(input, min, max, bins, labels=None, index=None):  # noqa: A002
    """The counts of the input's values in ``bins`` equal bins over
    ``[min, max]`` per labelled region, as :func:`scipy.ndimage.histogram`.

    Counts are piecewise constant in the values (their derivative is zero
    wherever it exists), so the result is SciPy's plain counts of the
    input's values: no derivative flows through it, and the values must be
    at hand (not inside ``jit`` or ``vmap``).  For a differentiable density,
    use a smooth kernel estimate (``scipy.stats.gaussian_kde``) instead.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.ndimage import histogram
    >>> histogram(np.array([0.1, 0.4, 0.45, 0.9]), 0.0, 1.0, 2)
    array([3, 1])
    """
    if not _traced(input, min, max):
        return _snd.histogram(input, min, max, bins, labels, index)
    if _traced(labels, index, bins):
        raise TypeError("histogram: labels, index and bins must be constants")
    values, lo, hi = _known(input), _known(min), _known(max)
    if values is None or lo is None or hi is None:
        raise ValueError("histogram: its counts are piecewise constant and are computed from the values, which are "
                         "not at hand inside jit or vmap; compute the histogram outside them")
    return _snd.histogram(values, lo[()], hi[()], bins, labels, index)
