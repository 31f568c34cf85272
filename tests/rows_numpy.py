"""Table rows for NumPy composites of osculate.numpy (ad/numpy/composites.py and
statistics.py): every quantile method, and the pad modes added after the rows of
tests/test_ad_primitives.py.  Each row is checked against finite differences to
second order there, and reused by vmap, jit and sparsity detection (quantiles
sort with a sorting network where the values are not known).  Inputs are
``distinct`` where a sort or a median picks entries, so that no two tie."""

from __future__ import annotations

import numpy as np

import osculate.numpy as osc_np

from _cases import distinct, normal


def _pad_twice(vector, pad_width, iaxis, kwargs):
    """A callable pad mode (NumPy's protocol: modify ``vector`` in place)."""
    before, after = pad_width
    if before:
        vector[:before] = 2.0 * vector[before]
    if after:
        vector[-after:] = vector[-after - 1] ** 2 * kwargs.get("scale", 1.0)


_METHODS = ("inverted_cdf", "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf", "hazen",
            "weibull", "linear", "median_unbiased", "normal_unbiased", "lower", "higher", "nearest", "midpoint")

ROWS = [
    ("pad", lambda x: np.pad(x, ((3, 1), (2, 5)), mode="reflect", reflect_type="odd"), [normal(2, 3)], "reflect-odd"),
    ("pad", lambda x: np.pad(x, (4, 2), mode="symmetric", reflect_type="odd"), [normal(3)], "symmetric-odd"),
    ("pad", lambda x: np.pad(x, ((1, 2), (2, 1)), mode="median"), [distinct(3, 4)], "median"),
    ("pad", lambda x: np.pad(x, 2, mode="median", stat_length=((2, 3), (1, 4))), [distinct(3, 4)], "median-stat_length"),
    # NumPy leaves the padding of "empty" undefined; osculate.numpy.pad fills zeros, on arrays too
    ("pad", lambda x: osc_np.pad(x, 1, mode="empty"), [normal(2, 3)], "empty"),
    ("pad", lambda x: np.pad(x, ((1, 0), (2, 1)), _pad_twice, scale=0.5), [normal(2, 3)], "callable"),
    ("median", np.median, [distinct(6)], "even"),
    ("median", lambda x: np.median(x, axis=1, keepdims=True), [distinct(2, 5)], "axis-odd"),
    ("percentile", lambda x: np.percentile(x, [10.0, 65.0], axis=0), [distinct(5, 2)], "axis0"),
    ("quantile", lambda x: np.quantile(x, 0.3, axis=(0, 2)), [distinct(2, 3, 2)], "axes-tuple"),
] + [
    ("quantile", lambda x, m=m: np.quantile(x, [0.0, 0.15, 0.5, 0.62, 1.0], axis=-1, method=m), [distinct(2, 7)], m)
    for m in _METHODS
]
