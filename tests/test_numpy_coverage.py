"""NumPy functions written as composites in osculate.numpy (ad/numpy/composites.py),
and arrays built from traced values.

The derivatives of the composites are checked against finite differences to
second order in ``tests/test_ad_primitives.py`` (their rows there also run under
vmap, jit and sparsity detection).  Here: the traced value equals NumPy's own
answer for each of them, plain calls still give NumPy's result, Taylor mode
agrees with nested forward mode, sparsity patterns stay precise, predicates
give the primal's answer (median and quantile, which sort by value, run
eagerly: checked here rather than in the vmap/jit table), and ``osculate.numpy.array`` builds arrays from
nested lists of traced values while a plain ``np.array([...])`` of tracers says
what to write instead.
"""

from __future__ import annotations

import numpy as np
import pytest

import osculate as osc
import osculate.numpy as osc_np
from osculate.ad import core
from osculate.ad.numpy.statistics import QUANTILE_METHODS
from osculate.ad.taylor import derivatives_along
from osculate.ad.tree import tree_leaves
from osculate.testing import check_grads

from _cases import assert_trees_close
from rows_numpy import _pad_twice

R = np.random.default_rng(3)
X6 = R.standard_normal(6)
M34 = R.standard_normal((3, 4))
T234 = R.standard_normal((2, 3, 4))
NANS = np.where(M34 > 0.8, np.nan, M34)
NODES = np.array([-1.0, 0.0, 0.5, 2.0])
W4 = np.array([0.5, 0.0, 2.0, 1.0])

# name -> (function written with plain NumPy, its argument)
VALUES = {
    "diff": (lambda x: np.diff(x, n=2), X6),
    "diff-prepend-append": (lambda x: np.diff(x, prepend=0.5, append=x[:2]), X6),
    "diff-axis": (lambda m: np.diff(m, axis=0), M34),
    "ediff1d": (lambda m: np.ediff1d(m, to_begin=[1.0], to_end=m[0]), M34),
    "gradient": (np.gradient, X6),
    "gradient-2d": (lambda m: np.gradient(m, 0.5, edge_order=2), M34),
    "gradient-coords": (lambda x: np.gradient(x, np.cumsum(np.arange(1.0, 7.0)), edge_order=2), X6),
    "gradient-coords-1": (lambda x: np.gradient(x, np.cumsum(np.arange(1.0, 7.0))), X6),
    "gradient-axes": (lambda t: np.gradient(t, axis=(0, 2)), T234),
    "cross": (lambda m: np.cross(m[:, :3], m[::-1, 1:]), M34),
    "cross-axis": (lambda m: np.cross(m[:, :3].T, m[:, 1:].T, axis=0), M34),
    "interp": (lambda x: np.interp(x, NODES, [1.0, 3.0, -2.0, 0.5]), X6),
    "interp-fp": (lambda x: np.interp(np.array([-3, 0.2, 0.7, 3.0]), np.arange(6.0) / 3 - 0.5, x), X6),
    "interp-left-right": (lambda x: np.interp(3 * x, NODES, x[:4], left=-5.0, right=x[0]), X6),
    "interp-one-node": (lambda x: np.interp(x, [0.5], [2.0]), X6),
    "interp-period": (lambda x: np.interp(3 * x, [350.0, 10.0, 170.0, 190.0], x[:4], period=360.0), X6),
    "interp-period-x": (lambda x: np.interp(5 * x, [-1.0, 0.5, 2.0, 3.5], [1.0, 3.0, -2.0, 0.5], period=4.0), X6),
    "polyval": (lambda x: np.polyval(x[:3], x), X6),
    "select": (lambda x: np.select([x > 0.5, x < -0.5], [x**2, np.sin(x)], default=x), X6),
    "piecewise": (lambda x: np.piecewise(x, [x < 0, x >= 0], [lambda t: t**2, lambda t: np.sqrt(t)]), X6),
    "piecewise-default": (lambda x: np.piecewise(x, [x < -0.5, x > 0.5], [lambda t: t**3, 1.5, np.sin]), X6),
    "piecewise-0d": (lambda x: np.piecewise(x[0], [x[0] > 0], [lambda t: t**2, lambda t: t**3]), X6),
    "sinc": (np.sinc, np.array([0.0, 0.01, -0.02, 0.5, 1.3, -2.2])),
    "linspace": (lambda x: np.linspace(x[0], x[1], 5), X6),
    "linspace-no-endpoint-axis": (lambda x: np.linspace(x[:2], 3.0, 4, endpoint=False, axis=1), X6),
    "linspace-retstep": (lambda x: np.linspace(x[0], x[1], 5, retstep=True), X6),
    "logspace": (lambda x: np.logspace(x[0], x[1], 4, base=2.0), X6),
    "geomspace": (lambda x: np.geomspace(np.abs(x[0]), np.abs(x[1]) + 1, 5), X6),
    "geomspace-negative": (lambda x: np.geomspace(-np.abs(x[:2]), -2.0, 3, endpoint=False), X6),
    "rot90": (np.rot90, T234),
    "rot90-k3": (lambda t: np.rot90(t, -1, axes=(1, 2)), T234),
    "rot90-k2": (lambda t: np.rot90(t, 2), T234),
    "rollaxis": (lambda t: np.rollaxis(t, 2), T234),
    "rollaxis-start": (lambda t: np.rollaxis(t, 0, 3), T234),
    "atleast_3d": (np.atleast_3d, X6),
    "atleast_3d-2d": (np.atleast_3d, M34),
    "array_split": (lambda x: np.array_split(x, 4), X6),
    "array_split-axis": (lambda m: np.array_split(m, 3, axis=1), M34),
    "split": (lambda x: np.split(x, [2, 5]), X6),
    "hsplit": (lambda m: np.hsplit(m, 2), M34),
    "vsplit": (lambda m: np.vsplit(m, [1]), M34),
    "dsplit": (lambda t: np.dsplit(t, 2), T234),
    "append": (lambda m: np.append(m, m[0]), M34),
    "append-axis": (lambda m: np.append(m, m[:1], axis=0), M34),
    "insert": (lambda x: np.insert(x, 2, x[0] * 3), X6),
    "insert-list": (lambda x: np.insert(x, [1, 3, 3], x[:3]), X6),
    "insert-axis": (lambda m: np.insert(m, 1, m[:, 0] ** 2, axis=1), M34),
    "insert-scalar-list": (lambda m: np.insert(m, [0, 2], 5.0, axis=0), M34),
    "insert-slice": (lambda x: np.insert(x, slice(1, 4), x[:3]), X6),
    "delete": (lambda x: np.delete(x, [1, 3]), X6),
    "delete-axis": (lambda m: np.delete(m, 1, axis=1), M34),
    "delete-slice": (lambda m: np.delete(m, slice(0, 3, 2)), M34),
    "column_stack": (lambda x: np.column_stack([x, x**2]), X6),
    "nan_to_num": (lambda m: np.nan_to_num(m * 2.0), np.where(M34 > 0.8, np.nan, np.where(M34 < -1.0, np.inf, M34))),
    "nansum": (lambda m: np.nansum(m, axis=0), NANS),
    "nanmean": (lambda m: np.nanmean(m, axis=1), NANS),
    "nanvar": (lambda m: np.nanvar(m, axis=1, ddof=1), NANS),
    "nanstd": (np.nanstd, NANS),
    "nanmax": (lambda m: np.nanmax(m, axis=1), NANS),
    "nanmin": (lambda m: np.nanmin(m, axis=0, keepdims=True), NANS),
    "logaddexp2": (lambda x: np.logaddexp2(x, x[::-1]), X6),
    "degrees": (np.degrees, X6),
    "radians": (np.radians, X6),
    "rad2deg": (np.rad2deg, X6),
    "deg2rad": (np.deg2rad, X6),
    "average": (lambda m: np.average(m, axis=1, weights=np.abs(m[0]) + 1), M34),
    "average-full-weights": (lambda m: np.average(m, weights=m**2 + 1), M34),
    "average-returned": (lambda m: np.average(m, axis=0, returned=True), M34),
    "convolve": (lambda x: np.convolve(x, x[:3] ** 2), X6),
    "convolve-same": (lambda x: np.convolve(x[:4], x, mode="same"), X6),
    "convolve-same-long-first": (lambda x: np.convolve(x, x[:4], mode="same"), X6),
    "convolve-valid": (lambda x: np.convolve(x, x[:4], mode="valid"), X6),
    "correlate": (lambda x: np.correlate(x, x[:3] ** 2), X6),
    "correlate-full": (lambda x: np.correlate(x[:2], x, "full"), X6),
    "correlate-same": (lambda x: np.correlate(x, x[1:5], "same"), X6),
    "correlate-same-short-first": (lambda x: np.correlate(x[:3], x, "same"), X6),
    "pad": (lambda m: np.pad(m, 1), M34),
    "pad-constants": (lambda m: np.pad(m, ((1, 0), (2, 1)), constant_values=((1.0, 2.0), (3.0, 4.0))), M34),
    "pad-traced-constant": (lambda m: np.pad(m, 1, constant_values=m[0, 0]), M34),
    "pad-edge": (lambda m: np.pad(m, ((2, 1), (0, 3)), mode="edge"), M34),
    "pad-reflect": (lambda m: np.pad(m, 2, mode="reflect"), M34),
    "pad-symmetric": (lambda m: np.pad(m, (1, 5), mode="symmetric"), M34),
    "pad-wrap": (lambda m: np.pad(m, 6, mode="wrap"), M34),
    "pad-maximum": (lambda m: np.pad(m, ((1, 2), (3, 1)), mode="maximum"), M34),
    "pad-minimum-stat_length": (lambda m: np.pad(m, 2, mode="minimum", stat_length=2), M34),
    "pad-mean-stat_length": (lambda m: np.pad(m, ((1, 2), (0, 3)), mode="mean", stat_length=((1, 2), (3, 1))), M34),
    "pad-linear_ramp": (lambda m: np.pad(m, ((2, 1), (3, 2)), mode="linear_ramp"), M34),
    "pad-linear_ramp-end_values": (lambda m: np.pad(m, 2, mode="linear_ramp", end_values=((1.0, -2.0), (0.5, 3.0))), M34),
    "partition": (lambda m: np.partition(m, 2, axis=1), M34),
    "partition-kths": (lambda m: np.partition(m, (0, 2), axis=0), M34),
    "partition-flat": (lambda m: np.partition(m, 5, axis=None), M34),
    "median": (np.median, M34),
    "median-axis-keepdims": (lambda m: np.median(m, axis=0, keepdims=True), M34),
    "median-odd": (lambda m: np.median(m, axis=1), M34[:, :3]),
    "quantile": (lambda m: np.quantile(m, [0.1, 0.75], axis=1), M34),
    "quantile-2d-q-keepdims": (lambda m: np.quantile(m, np.array([[0.2], [0.9]]), keepdims=True), M34),
    "percentile": (lambda m: np.percentile(m, 30), M34),
    "percentile-ends": (lambda m: np.percentile(m, [0, 100], axis=0, keepdims=True), M34),
    "percentile-method": (lambda m: np.percentile(m, [12.5, 60], axis=1, method="closest_observation"), M34),
    "quantile-weights": (lambda m: np.quantile(m, [0.0, 0.2, 0.5, 1.0], axis=1, method="inverted_cdf",
                                               weights=W4), M34),
    "quantile-weights-full": (lambda m: np.quantile(m, 0.35, method="inverted_cdf", weights=np.abs(M34)), M34),
    "quantile-nan": (lambda m: np.quantile(m, [0.3, 0.8], axis=1, method="hazen"), NANS),
    "median-nan": (lambda m: np.median(m, axis=0), NANS),
    "pad-reflect-odd": (lambda m: np.pad(m, ((5, 1), (2, 9)), mode="reflect", reflect_type="odd"), M34),
    "pad-symmetric-odd": (lambda m: np.pad(m, 3, mode="symmetric", reflect_type="odd"), M34),
    "pad-median": (lambda m: np.pad(m, ((1, 2), (3, 1)), mode="median"), M34),
    "pad-median-stat_length": (lambda m: np.pad(m, 2, mode="median", stat_length=((1, 2), (3, 4))), M34),
    "pad-empty-interior": (lambda m: np.pad(m, 2, mode="empty")[2:-2, 2:-2], M34),
    "pad-callable": (lambda m: np.pad(m, ((1, 0), (2, 3)), _pad_twice, scale=0.5), M34),
}
for _m in QUANTILE_METHODS:
    VALUES[f"quantile-{_m}"] = (lambda m, _m=_m: np.quantile(m, [0.0, 0.1, 0.25, 0.5, 0.7, 1.0], axis=1, method=_m),
                                M34)


#: NaN-aware order statistics: eager (counting the NaN needs the values), checked below
NAN_AWARE = {"nanquantile", "nanpercentile", "nanmedian"}


def _same(got, want):
    assert_trees_close(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(VALUES))
def test_traced_value_is_numpys_and_derivatives_match_finite_differences(name):
    fn, x = VALUES[name]
    want = fn(x)  # NumPy's own answer (no tracer involved)
    y, _ = osc.jvp(fn, (x,), (np.ones_like(x),))
    _same(y, want)
    if not np.isnan(x).any() and not name.startswith("pad-traced"):
        check_grads(fn, (x,), order=2, modes=("fwd", "rev"))
    assert core.current_depth() == 0


@pytest.mark.parametrize("name", sorted(({n.split("-")[0] for n in VALUES} | NAN_AWARE) - {"split"}))
def test_osculate_numpy_function_on_plain_arrays_gives_numpys_answer(name):
    fn, x = VALUES.get(name, (None, X6))
    assert callable(getattr(osc_np, name))
    # the plain call goes to NumPy itself; osculate.numpy's function on arrays must agree with it
    args = {"diff": (x,), "ediff1d": (x,), "gradient": (x,), "polyval": ([1.0, -2.0, 3.0], x),
            "sinc": (x,), "atleast_3d": (x,), "nan_to_num": (np.array([np.nan, 1.0, np.inf]),),
            "logaddexp2": (x, x[::-1]), "degrees": (x,), "radians": (x,), "rad2deg": (x,), "deg2rad": (x,),
            "rot90": (M34,), "rollaxis": (T234, 2), "array_split": (X6, 4), "hsplit": (M34, 2), "vsplit": (M34, 3),
            "dsplit": (T234, 2), "append": (M34, X6), "insert": (X6, [1, 3], 7.0), "delete": (X6, [0, 2]),
            "column_stack": ([X6, X6],), "nansum": (NANS,), "nanmean": (NANS,), "nanvar": (NANS,), "nanstd": (NANS,),
            "nanmax": (NANS,), "nanmin": (NANS,), "average": (M34,), "convolve": (X6, X6[:2]),
            "correlate": (X6, X6[:2]), "pad": (M34, 2), "cross": (M34[:, :3], M34[:, 1:]),
            "interp": (X6, NODES, [1.0, 3.0, -2.0, 0.5]), "select": ([X6 > 0], [X6]),
            "piecewise": (X6, [X6 > 0], [np.sin, np.cos]), "linspace": (0.0, 1.0, 5), "logspace": (0.0, 1.0, 5),
            "geomspace": (1.0, 8.0, 4), "median": (M34,), "quantile": (M34, [0.3, 0.5], 1),
            "percentile": (M34, 40.0), "partition": (X6, 3), "nanquantile": (NANS, [0.3, 0.5], 1),
            "nanpercentile": (NANS, 40.0), "nanmedian": (NANS,)}[name]
    _same(getattr(osc_np, name)(*args), getattr(np, name)(*args))


def test_every_new_function_is_reached_from_plain_numpy():
    """np.f(tracer) dispatches to osculate.numpy.f for every composite."""
    from osculate.ad.numpy import composites, statistics

    seen = {n.split("-")[0] for n in VALUES} | {"allclose", "isclose", "array_equal"} | NAN_AWARE
    new = set(composites.__all__) | set(statistics.__all__)
    assert new <= seen, new - seen
    for name in new:
        assert getattr(osc_np, name) is getattr(composites if name in composites.__all__ else statistics, name)


# --------------------------------------------------------------------------- quantiles: NaN-aware, traced q, errors

NAN_MASK = np.isnan(NANS)


@pytest.mark.parametrize("method", QUANTILE_METHODS)
@pytest.mark.parametrize("axis", [None, 1, 0])
def test_nan_aware_quantiles_equal_numpys_and_derivatives_match_finite_differences(method, axis):
    q = [0.0, 0.3, 0.5, 0.85, 1.0]
    for ours, theirs, qq in [(osc_np.nanquantile, np.nanquantile, q),
                             (osc_np.nanpercentile, np.nanpercentile, np.multiply(q, 100))]:
        _same(ours(NANS, qq, axis=axis, method=method, keepdims=True),
              theirs(NANS, qq, axis=axis, method=method, keepdims=True))
        y, _ = osc.jvp(lambda m: ours(m, qq, axis=axis, method=method), (NANS,), (M34,))
        _same(y, theirs(NANS, qq, axis=axis, method=method))
    f = lambda m: osc_np.nanquantile(np.where(NAN_MASK, np.nan, m), q, axis=axis, method=method)  # noqa: E731
    check_grads(f, (M34,), order=2, modes=("fwd", "rev"))
    _same(osc_np.nanmedian(NANS, axis=axis), np.nanmedian(NANS, axis=axis))


def test_nan_aware_quantile_of_an_all_nan_slice_is_nan_with_numpys_warning():
    a = np.where(np.arange(4) < 2, np.nan, M34)  # columns 0 and 1 are all NaN
    with pytest.warns(RuntimeWarning, match="All-NaN slice"):
        want = np.nanquantile(a, 0.5, axis=0)
    with pytest.warns(RuntimeWarning, match="All-NaN slice"):
        y, _ = osc.jvp(lambda m: osc_np.nanquantile(m, 0.5, axis=0), (a,), (M34,))
    _same(y, want)


def test_nan_aware_quantiles_are_reached_from_plain_numpy():
    g = osc.grad(lambda m: np.nanmedian(m) + np.nanquantile(m, 0.3) + np.nanpercentile(m, 70.0))(NANS)
    want = osc.grad(lambda m: osc_np.nanmedian(m) + osc_np.nanquantile(m, 0.3) + osc_np.nanpercentile(m, 70.0))(NANS)
    _same(g, want)


@pytest.mark.parametrize("method", QUANTILE_METHODS)
def test_traced_q_is_differentiated(method):
    """The continuous methods move between two entries as q moves; the others are steps in q."""
    q0 = np.array([0.23, 0.61, 0.87])
    check_grads(lambda q: np.quantile(M34, q, axis=1, method=method), (q0,), order=2, modes=("fwd", "rev"))
    check_grads(lambda q: np.percentile(M34, q, method=method), (100 * q0,), order=2, modes=("fwd", "rev"))
    J = osc.jacfwd(lambda q: np.quantile(M34, q, method=method))(q0)
    assert (np.count_nonzero(J) > 0) == (method in ("linear", "hazen", "weibull", "median_unbiased",
                                                   "normal_unbiased", "interpolated_inverted_cdf"))


@pytest.mark.parametrize("call, error, match", [
    (lambda x: np.quantile(x, 0.5, method="bogus"), ValueError, "not a valid method"),
    (lambda x: np.quantile(x, 1.5), ValueError, r"range \[0, 1\]"),
    (lambda x: np.percentile(x, -1.0), ValueError, r"range \[0, 100\]"),
    (lambda x: np.quantile(x, 0.5, weights=np.ones(6)), ValueError, "Only method 'inverted_cdf'"),
    (lambda x: np.quantile(x, 0.5, method="inverted_cdf", weights=-np.ones(6)), ValueError, "non-negative"),
    (lambda x: osc_np.nanquantile(x, 0.5, method="inverted_cdf", weights=np.ones(6)), NotImplementedError,
     "drop the NaN"),
    (lambda x: np.pad(x, 2, mode="bogus"), ValueError, "not supported"),
    (lambda x: np.pad(x, 2, mode="reflect", reflect_type="sideways"), ValueError, "reflect_type"),
])
def test_quantile_and_pad_errors(call, error, match):
    with pytest.raises(error, match=match):
        osc.grad(lambda x: np.sum(call(x)))(X6)
    assert core.current_depth() == 0


def test_quantiles_under_vmap_jit_and_sparsity_sort_with_a_network():
    """Without values (vmap, jit, global sparsity) the sort is a sorting network: same values, same derivatives."""
    batch = R.standard_normal((4, 3, 7))
    batch[1, 2, 3] = np.nan  # NaN sorts last in the network too, and makes its slice's quantiles NaN
    for method in QUANTILE_METHODS:
        f = lambda m, method=method: np.quantile(m, [0.1, 0.5, 0.95], axis=-1, method=method)  # noqa: E731
        _same(osc.vmap(f)(batch), np.stack([f(b) for b in batch]))
        g = osc.grad(lambda m: np.sum(np.sin(f(m))))
        _same(osc.jit(g)(batch[0]), g(batch[0]))
        _same(osc.jit(g)(batch[2]), g(batch[2]))
    h = lambda x: np.median(x[:5]) * x[5] + np.percentile(x, 40) ** 2  # noqa: E731
    pattern = osc.hessian_sparsity(h, X6).toarray()
    H = osc.hessian(h)(X6)
    assert pattern[np.abs(H) > 1e-12].all()


# --------------------------------------------------------------------------- Taylor mode and sparsity

TAYLOR = ["quantile-hazen", "pad-median", "pad-reflect-odd", "pad-callable", "quantile-weights", "diff", "gradient-2d", "cross", "polyval", "select", "sinc", "linspace", "geomspace", "rot90", "insert-list",
          "logaddexp2", "average-full-weights", "convolve-same", "correlate-full", "pad-reflect", "pad-wrap",
          "pad-mean-stat_length", "pad-linear_ramp", "partition",
          "interp-fp", "nanvar", "piecewise-default", "median", "quantile"]


@pytest.mark.parametrize("name", TAYLOR)
def test_taylor_mode_matches_nested_forward_mode(name):
    base, x = VALUES[name]
    fn = lambda z: sum(np.sum(np.sin(leaf)) for leaf in tree_leaves(base(z)))  # noqa: E731 - one output, curved
    v = np.random.default_rng(5).standard_normal(x.shape)
    if np.isnan(x).any():
        v = np.where(np.isnan(x), 0.0, v)
    d = derivatives_along(fn, x, v, order=3)
    h = lambda t: fn(x + t * v)  # noqa: E731
    for k in range(1, 4):
        h = (lambda g: lambda t: osc.jvp(g, (t,), (1.0,))[1])(h)
        np.testing.assert_allclose(d[k], h(0.0), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("name, fn, band", [
    ("diff", lambda x: np.sum(np.diff(x) ** 2), 1),
    ("gradient", lambda x: np.sum(np.gradient(x) ** 2), 2),
    ("pad-edge", lambda x: np.sum(np.diff(np.pad(x, 2, mode="edge")) ** 4), 1),
    ("convolve", lambda x: np.sum(np.convolve(x, [1.0, -2.0, 1.0], mode="valid") ** 2), 2),
    ("interp", lambda x: np.sum(np.interp(x, NODES, [1.0, 3.0, -2.0, 0.5]) ** 2), 0),
    ("sinc", lambda x: np.sum(np.sinc(x)), 0),
    ("nansum", lambda x: np.nansum(x**3), 0),
])
def test_sparsity_patterns_stay_banded(name, fn, band):
    x = np.linspace(-1.7, 2.3, 8)
    pattern = osc.hessian_sparsity(fn, x).toarray()
    H = osc.hessian(fn)(x)
    assert pattern[np.abs(H) > 1e-12].all()
    i, j = np.nonzero(pattern)
    assert np.max(np.abs(i - j)) <= band


# --------------------------------------------------------------------------- predicates


def test_predicates_give_the_primals_answer():
    def f(x):
        assert np.allclose(x, X6) and np.isclose(x, X6 + 1e-12).all() and np.array_equal(x, X6)
        assert not np.allclose(x, X6 + 1.0) and not np.array_equal(x, X6[::-1])
        assert isinstance(np.isclose(x, X6), np.ndarray)
        return np.sum(x**2)

    np.testing.assert_allclose(osc.grad(f)(X6), 2 * X6)
    np.testing.assert_allclose(osc.hessian(f)(X6), 2 * np.eye(6))


# --------------------------------------------------------------------------- arrays from traced values


def nested(x):
    return osc_np.array([[x[0], 1.0], (2, x[1] ** 2), x[1:] * 2.0, np.array([5.0, 6.0])])


def nested_ref(x):
    return np.array([[x[0], 1.0], [2.0, x[1] ** 2], [2 * x[1], 2 * x[2]], [5.0, 6.0]])


@pytest.mark.parametrize("build", [
    nested,
    lambda x: osc_np.asarray([x, np.ones(3), [1, 2, x[0]]]) * x,
    lambda x: osc_np.array((x[0] * x[1], x[2])),
    lambda x: osc_np.array([[[x[0]], [x[1]]]], dtype=float),
])
def test_array_from_nested_lists_of_traced_values(build):
    x = np.array([0.3, -1.2, 0.7])
    check_grads(build, (x,), order=2, modes=("fwd", "rev"))
    f = lambda z: np.sum(np.sin(build(z)))  # noqa: E731
    X = np.stack([x, 2 * x, x - 1])
    np.testing.assert_allclose(osc.vmap(f)(X), [f(z) for z in X], rtol=1e-13)
    np.testing.assert_allclose(osc.jit(f)(x + 0.1), f(x + 0.1), rtol=1e-13)
    np.testing.assert_allclose(osc.hessian(f)(x), osc.hessian(f, mode="rev-rev")(x), rtol=1e-12, atol=1e-14)


def test_array_of_nested_list_values_and_derivatives():
    x = np.array([0.3, -1.2, 0.7])
    _same(nested(x), nested_ref(x))
    J = osc.jacfwd(nested)(x)
    assert J.shape == (4, 2, 3)
    assert J[0, 0, 0] == 1.0 and J[1, 1, 1] == 2 * x[1] and J[2, 0, 1] == J[2, 1, 2] == 2.0 and np.count_nonzero(J) == 4


@pytest.mark.parametrize("transform", [
    osc.grad, lambda f: (lambda x: osc.jvp(f, (x,), (x,))[1]), lambda f: osc.hessian(f),
    lambda f: (lambda x: osc.vmap(f)(np.stack([x, x]))),
])
@pytest.mark.parametrize("build", [lambda x: np.array([x[0], x[1]]), lambda x: np.array([x, np.ones(3)]),
                                   lambda x: np.asarray((x[0], 2.0))])
def test_plain_np_array_of_traced_values_names_stack_and_osculate_array(transform, build):
    with pytest.raises(osc.ConcretizationError, match=r"np\.stack\(\[a, b, \.\.\.\]\).*osculate\.numpy\.array"):
        transform(lambda x: np.sum(build(x)))(np.array([0.3, -1.2, 0.7]))
    assert core.current_depth() == 0
