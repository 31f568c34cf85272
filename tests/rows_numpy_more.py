"""Table rows for the NumPy functions of ad/numpy/extras.py, polynomial.py,
discrete.py and sets.py that need no values (so every row also runs under
vmap, jit and global sparsity detection; the value-dependent ones -- unique,
nonzero, polydiv, histogram of a traced sample... -- are checked eagerly in
tests/test_numpy_more.py).  Each row is checked against finite differences to
second order in tests/test_ad_primitives.py.  Integer and boolean results
(all, any, isin, count_nonzero) enter through ``where`` or arithmetic, with
constant thresholds far from the inputs."""

from __future__ import annotations

import numpy as np

import osculate.numpy as osc_np

from _cases import away, distinct, normal, uniform

_MASK = np.array([[False, True, False, False], [False, False, False, True], [True, False, False, False]])
_STEPS = np.array([[-1.0, 0.0, 2.0, 0.0], [0.0, 3.0, -2.0, 0.0], [1.0, 1.0, 0.0, -1.0]])
_XS = np.linspace(0.0, 1.0, 7)
_DATA = np.array([0.05, 0.3, 0.35, 0.6, 0.62, 0.9, 0.15])


def _put_along(a):
    a = a * 1.0
    np.put_along_axis(a, np.array([[1], [3], [0]]), a[:, 2:3] ** 2, axis=1)
    return a


def _fill_diagonal(a):
    a = a * 1.0
    np.fill_diagonal(a, np.sin(a[0, :2]))
    return a


def _block(a, b):
    return np.block([[a, b[:, :1]], [b[:1, :3] ** 2, np.ones((1, 1))]])


ROWS = [
    ("ptp", lambda x: np.ptp(x, axis=1), [distinct(3, 4)], "axis"),
    ("ptp", np.ptp, [distinct(5)], "all"),
    ("vecdot", lambda a, b: np.vecdot(a, b), [normal(3, 4), normal(4)], "broadcast"),
    ("vecdot", lambda a, b: np.vecdot(a, b, axis=0), [normal(3, 4), normal(3, 4)], "axis0"),
    ("matvec", np.matvec, [normal(2, 3, 4), normal(4)], "batch"),
    ("vecmat", np.vecmat, [normal(3), normal(2, 3, 4)], "batch"),
    ("cumulative_sum", lambda x: np.cumulative_sum(x, axis=1, include_initial=True), [normal(3, 4)], "initial"),
    ("cumulative_prod", lambda x: np.cumulative_prod(x, axis=0), [away(3, 4)], "axis0"),
    ("nancumsum", lambda x: np.nancumsum(np.where(_MASK, np.nan, x), axis=1), [normal(3, 4)], "nan"),
    ("nancumprod", lambda x: np.nancumprod(np.where(_MASK, np.nan, x)), [away(3, 4)], "nan-flat"),
    ("nanprod", lambda x: np.nanprod(np.where(_MASK, np.nan, x), axis=0), [away(3, 4)], "nan"),
    ("heaviside", lambda x, h: np.heaviside(_STEPS, h) * x, [normal(3, 4), normal(3, 4)], "h0"),
    ("copysign", lambda x, y: np.copysign(x, y) + np.copysign(2.0, y) * x, [away(3, 4), away(3, 4)], "both"),
    ("fix", lambda x: np.fix(3.0 * x) * x, [away(5, lo=0.05, hi=0.3)], "times-x"),
    ("modf", lambda x: np.modf(3.0 * x)[0] + np.modf(x)[1] * x, [uniform(0.05, 0.3, 5)], "frac"),
    ("ldexp", lambda x: np.ldexp(x, np.array([0, 2, -1])), [normal(3)], "int-exponent"),
    ("meshgrid", lambda x, y: np.meshgrid(x, y ** 2), [normal(3), normal(2)], "xy"),
    ("meshgrid", lambda x, y: np.meshgrid(x, y, x, indexing="ij", sparse=True), [normal(3), normal(2)], "ij-sparse"),
    ("block", _block, [normal(2, 3), normal(2, 4)], "2x2"),
    ("dstack", lambda x, y: np.dstack([x, y ** 2]), [normal(2, 3), normal(2, 3)], "2d"),
    ("diagflat", lambda x: np.diagflat(x, -1), [normal(2, 2)], "k=-1"),
    ("unstack", lambda x: np.unstack(x, axis=1), [normal(2, 3)], "axis1"),
    ("trapezoid", lambda y: np.trapezoid(y, dx=0.5, axis=0), [normal(4, 3)], "dx"),
    ("trapezoid", lambda y, x: np.trapezoid(y, np.cumsum(x ** 2)), [normal(2, 5), normal(5)], "traced-x"),
    ("cov", np.cov, [normal(3, 6)], "rows"),
    ("cov", lambda x, w: np.cov(x, rowvar=False, aweights=w ** 2 + 0.5, fweights=[1, 2, 1, 1, 3]),
     [normal(5, 2), normal(5)], "weights"),
    ("cov", lambda x, y: np.cov(x, y, bias=True), [normal(6), normal(6)], "pair"),
    ("corrcoef", np.corrcoef, [normal(3, 6)], "rows"),
    ("resize", lambda x: np.resize(x, (3, 5)), [normal(2, 3)], "grow"),
    ("choose", lambda a, b: np.choose(np.array([[0, 1, 1], [1, 0, 1]]), [a, b]), [normal(2, 3), normal(3)], "broadcast"),
    ("compress", lambda x: np.compress([True, False, True], x, axis=1), [normal(2, 3)], "axis1"),
    ("extract", lambda x: np.extract(_MASK, x), [normal(3, 4)], "const-mask"),
    # traced nodes (near 1, 2, 3, 4: the points stay half a node away from every kink)
    ("interp", lambda x, z: np.interp(x, np.cumsum(np.exp(0.05 * z)), np.sin(np.arange(4.0)), left=-1.0),
     [lambda r: np.array([0.5, 1.5, 2.5, 3.5, 4.6]), normal(4)], "traced-nodes"),
    ("apply_along_axis", lambda x: np.apply_along_axis(lambda v: np.stack([np.sum(v ** 2), v[0] * v[1]]), 1, x),
     [normal(3, 4)], "vector-result"),
    ("apply_along_axis", lambda x: np.apply_along_axis(lambda v: np.outer(v, v), 0, x), [normal(2, 3)], "matrix-result"),
    ("unwrap", lambda x: np.unwrap(np.cumsum(np.array([0.0, 3.0, 3.5, -4.0, 0.2]) + 0.1 * x)), [normal(5)], "jumps"),
    ("put_along_axis", _put_along, [normal(3, 4)], "in-place"),
    ("put_along_axis", lambda a, v: osc_np.set_along_axis(a, np.array([[1], [3], [0]]), v, 1),
     [normal(3, 4), normal(3, 1)], "set_along_axis"),
    ("fill_diagonal", _fill_diagonal, [normal(3, 4)], "in-place"),
    ("fill_diagonal", lambda a, v: osc_np.set_diagonal(a, v, wrap=True), [normal(7, 3), normal(3)], "set_diagonal-wrap"),
    ("poly", np.poly, [normal(4)], "roots"),
    ("polyadd", np.polyadd, [normal(4), normal(2)], "lengths"),
    ("polysub", np.polysub, [normal(2), normal(4)], "lengths"),
    ("polymul", np.polymul, [normal(4), normal(3)], "lengths"),
    ("polyder", lambda p: np.polyder(p, 2), [normal(5)], "m2"),
    # (NumPy hands polyint to osculate only for a traced p: a traced k alone needs osculate.numpy.polyint)
    ("polyint", lambda p, k: osc_np.polyint(p, 2, k=k), [normal(4), normal(2)], "traced-k"),
    ("polyint", lambda p: np.polyint(p, 3, k=1.5), [normal(3)], "scalar-k"),
    ("vander", lambda x: np.vander(x, 4), [normal(5)], "N4"),
    ("vander", lambda x: np.vander(x, increasing=True), [normal(3)], "increasing"),
    ("polyfit", lambda x, y: np.polyfit(_XS + 0.05 * x, y, 2), [normal(7), normal(7)], "x-and-y"),
    ("polyfit", lambda y, w: np.polyfit(_XS, y, 3, w=w ** 2 + 1.0), [normal(7, 2), normal(7)], "weighted-2d"),
    ("histogram", lambda w: np.histogram(_DATA, bins=3, range=(0.0, 1.0), weights=w)[0], [normal(7)], "weights"),
    ("histogram", lambda w: np.histogram(_DATA, bins=[0.0, 0.2, 0.5, 1.0], weights=w ** 2 + 1.0, density=True)[0],
     [normal(7)], "density"),
    ("histogram2d", lambda w: np.histogram2d(_DATA, _DATA[::-1], bins=2, range=[(0, 1), (0, 1)], weights=w)[0],
     [normal(7)], "weights"),
    ("histogramdd", lambda w: np.histogramdd(np.stack([_DATA, _DATA ** 2], 1), bins=(2, 3), weights=w ** 2 + 1.0,
                                             density=True)[0], [normal(7)], "density"),
    ("divmod", lambda x: np.divmod(x, 0.7)[1] + np.divmod(x, 0.7)[0] * x, [uniform(0.1, 0.6, 4)], "both"),
    ("matrix_transpose", np.matrix_transpose, [normal(2, 3, 4)], "batch"),
    ("apply_over_axes", lambda x: np.apply_over_axes(np.sum, x ** 2, [0, 2]), [normal(2, 3, 2)], "sum"),
    ("bincount", lambda w: np.bincount(np.array([0, 3, 3, 1, 0]), weights=w, minlength=6), [normal(5)], "weights"),
    ("all", lambda x: np.where(np.all(x > -50.0, axis=0), x, -x), [normal(3, 4)], "where"),
    ("any", lambda x: np.where(np.any(x > 50.0, axis=1, keepdims=True), -x, x ** 2), [normal(3, 4)], "where"),
    ("count_nonzero", lambda x: x * np.count_nonzero(x), [normal(3, 4)], "times"),
    ("isin", lambda x: np.where(np.isin(x, [10.0, 20.0]), -x, x ** 2), [normal(3, 4)], "where"),
    ("isposinf", lambda x: np.where(np.isposinf(x) | np.isneginf(x), 0.0, np.sin(x)), [normal(4)], "where"),
]
