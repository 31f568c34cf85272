"""The NumPy functions of ad/numpy/extras.py, polynomial.py, discrete.py and
sets.py: the traced value equals NumPy's own answer for each function and its
main options, plain calls still give NumPy's result, integer and boolean
results are the primal's (plain NumPy values when eager), the functions that
need values differentiate eagerly and refuse vmap, jit and global sparsity
detection with a ConcretizationError, and the in-place functions explain
their functional forms.  The derivatives of the functions that need no
values are checked by their rows in tests/rows_numpy_more.py (finite
differences, vmap, jit, sparsity, through tests/test_ad_primitives.py)."""

from __future__ import annotations

import numpy as np
import pytest

import osculate as osc
import osculate.numpy as osc_np
from osculate.ad import core
from osculate.testing import check_grads

R = np.random.default_rng(11)
X5 = R.standard_normal(5)
M35 = R.standard_normal((3, 5))
XS = np.linspace(0.0, 1.0, 9)
S20 = R.standard_normal((20, 2))
ROUNDED = np.round(2.0 * M35)  # repeated values for the set functions
IDX = np.array([[0], [2], [1]])


def _put_along(a):
    a = a * 1.0
    np.put_along_axis(a, IDX, 9.0, axis=1)
    return a


def _fill_diagonal(a):
    a = a[:3, :3] * 1.0
    np.fill_diagonal(a, [7.0, 8.0])
    return a


# name -> (function written with plain NumPy, its arguments)
VALUES = {
    "ptp": (lambda a: np.ptp(a, axis=1, keepdims=True), (M35,)),
    "vecdot": (lambda a: np.vecdot(a, a[0]), (M35,)),
    "matvec": (lambda a: np.matvec(a, X5), (M35,)),
    "vecmat": (lambda a: np.vecmat(a[:, 0], a), (M35,)),
    "cumulative_sum": (lambda a: np.cumulative_sum(a, axis=1, include_initial=True), (M35,)),
    "cumulative_sum-1d": (np.cumulative_sum, (X5,)),
    "cumulative_prod": (lambda a: np.cumulative_prod(a, axis=0, include_initial=True), (M35,)),
    "nancumsum": (lambda a: np.nancumsum(np.where(a > 1, np.nan, a), axis=1), (M35,)),
    "nancumprod": (lambda a: np.nancumprod(np.where(a > 1, np.nan, a)), (M35,)),
    "nanprod": (lambda a: np.nanprod(np.where(a > 1, np.nan, a), axis=1), (M35,)),
    "heaviside": (lambda a: np.heaviside(np.round(a), 0.3), (M35,)),
    "heaviside-nan": (lambda a: np.heaviside(np.where(a > 1, np.nan, a), a), (M35,)),
    "copysign": (lambda a: np.copysign(a, a[::-1]), (X5,)),
    "copysign-zero": (lambda a: np.copysign(a * np.array([0.0, 1, 1, 0, 1]), -a), (X5,)),
    "fix": (np.fix, (3.0 * M35,)),
    "modf": (np.modf, (3.0 * M35,)),
    "frexp": (np.frexp, (3.0 * M35,)),
    "ldexp": (lambda a: np.ldexp(a, np.array([3, -1, 0, 2, 5])), (M35,)),
    "meshgrid": (lambda a, b: np.meshgrid(a, b), (X5, X5[:3])),
    "meshgrid-ij-sparse": (lambda a, b: np.meshgrid(a, b, X5, indexing="ij", sparse=True), (X5, X5[:3])),
    "meshgrid-3": (lambda a: np.meshgrid(a, a[:2], a[:3]), (X5,)),
    "block": (lambda a, b: np.block([[a, a[:, :2]], [b[:2], np.zeros((2, 2))]]), (M35, np.ones((3, 5)))),
    "block-1d": (lambda a: np.block([a, 1.0, a[:2]]), (X5,)),
    "block-deep": (lambda a: np.block([[[a[:2]]], [[a[2:4]]]]), (X5,)),
    "dstack": (lambda a: np.dstack([a, a ** 2]), (M35,)),
    "dstack-1d": (lambda a: np.dstack([a, a]), (X5,)),
    "diagflat": (lambda a: np.diagflat(a[:2, :2], 1), (M35,)),
    "unstack": (lambda a: np.unstack(a, axis=1), (M35,)),
    "trapezoid": (lambda a: np.trapezoid(a, axis=0), (M35,)),
    "trapezoid-x": (lambda a, x: np.trapezoid(a, x), (M35, np.cumsum(np.abs(X5)))),
    "trapezoid-x2d": (lambda a: np.trapezoid(a, a ** 2, axis=0), (M35,)),
    "cov": (np.cov, (M35,)),
    "cov-y-cols": (lambda a: np.cov(a, a[::-1] ** 2, rowvar=False, bias=True), (M35.T,)),
    "cov-weights": (lambda a: np.cov(a, fweights=[1, 2, 1, 3, 1], aweights=np.abs(a[0]) + 0.1, ddof=2), (M35,)),
    "cov-aweights": (lambda a: np.cov(a, aweights=np.abs(a[0]) + 0.1), (M35,)),
    "cov-1d": (np.cov, (X5,)),
    "corrcoef": (np.corrcoef, (M35,)),
    "corrcoef-pair": (lambda a: np.corrcoef(a[0], a[1]), (M35,)),
    "corrcoef-1d": (np.corrcoef, (X5,)),
    "resize": (lambda a: np.resize(a, (4, 4)), (M35,)),
    "trim_zeros": (lambda a: np.trim_zeros(np.concatenate([np.zeros(2), a, np.zeros(1)])), (X5,)),
    "trim_zeros-f": (lambda a: np.trim_zeros(np.concatenate([np.zeros(2), a, np.zeros(1)]), "f"), (X5,)),
    "trim_zeros-2d": (lambda a: np.trim_zeros(np.pad(a, 1)), (M35,)),
    "choose": (lambda a: np.choose([0, 2, 1, 0, 1], [a[0], a[1], a[2]]), (M35,)),
    "choose-wrap": (lambda a: np.choose([0, 5, -1, 0, 1], [a[0], a[1], a[2]], mode="wrap"), (M35,)),
    "compress": (lambda a: np.compress([True, False, True], a, axis=0), (M35,)),
    "compress-flat": (lambda a: np.compress(a.ravel() > 0, a), (M35,)),
    "extract": (lambda a: np.extract(a > 0, a), (M35,)),
    "apply_along_axis": (lambda a: np.apply_along_axis(lambda v: np.stack([v.sum(), (v ** 2).sum()]), 1, a), (M35,)),
    "apply_along_axis-matrix": (lambda a: np.apply_along_axis(lambda v: np.outer(v, v), 0, a), (M35,)),
    "apply_along_axis-scalar": (lambda a: np.apply_along_axis(np.sum, 1, a), (M35,)),
    "unwrap": (lambda a: np.unwrap(np.cumsum(a * 3)), (X5,)),
    "unwrap-period": (lambda a: np.unwrap(np.cumsum(a * 3, axis=1), period=4.0, axis=1), (M35,)),
    "put_along_axis": (_put_along, (M35,)),
    "fill_diagonal": (_fill_diagonal, (M35,)),
    "fill_diagonal-wrap": (lambda a: osc_np.set_diagonal(a, 5.0, wrap=True), (np.zeros((7, 3)) + M35[0, 0],)),
    "poly": (np.poly, (X5,)),
    "polyadd": (lambda a: np.polyadd(a, a[:2]), (X5,)),
    "polysub": (lambda a: np.polysub(a[:2], a), (X5,)),
    "polymul": (lambda a: np.polymul(a, a[:3]), (X5,)),
    "polydiv": (lambda a: np.polydiv(a, a[:3]), (X5,)),
    "polydiv-exact": (lambda a: np.polydiv(np.polymul(a, a[:3]), a[:3]), (X5,)),
    "polydiv-short": (lambda a: np.polydiv(a[:2], a), (X5,)),
    "polyder": (lambda a: np.polyder(a, 2), (X5,)),
    "polyder-past-degree": (lambda a: np.polyder(a[:2], 3), (X5,)),
    "polyint": (lambda a: np.polyint(a, 2, k=[1.0, 2.0]), (X5,)),
    "polyint-scalar-k": (lambda a: np.polyint(a, 3, k=2.0), (X5,)),
    "vander": (lambda a: np.vander(a, 4, increasing=True), (X5,)),
    "vander-square": (np.vander, (X5,)),
    "polyfit": (lambda y: np.polyfit(XS, y, 3), (np.sin(3 * XS),)),
    "polyfit-x": (lambda x: np.polyfit(x, np.sin(x), 2), (XS,)),
    "polyfit-w": (lambda y: np.polyfit(XS, y, 2, w=XS + 1), (np.sin(3 * XS),)),
    "polyfit-2d": (lambda y: np.polyfit(XS, y, 2), (np.stack([np.sin(XS), np.cos(XS)], 1),)),
    "polyfit-cov": (lambda y: np.polyfit(XS, y, 2, cov=True), (np.sin(3 * XS),)),
    "polyfit-cov-unscaled-2d": (lambda y: np.polyfit(XS, y, 2, cov="unscaled"), (np.stack([np.sin(XS), XS], 1),)),
    "polyfit-full": (lambda y: np.polyfit(XS, y, 2, full=True)[:2], (np.sin(3 * XS),)),
    "all": (lambda a: np.all(a > -1.0, axis=0), (M35,)),
    "any": (lambda a: np.any(a > 1, keepdims=True), (M35,)),
    "count_nonzero": (lambda a: np.count_nonzero(a > 0, axis=1), (M35,)),
    "isposinf": (lambda a: np.isposinf(np.where(a > 0.5, np.inf, -a)), (M35,)),
    "isneginf": (lambda a: np.isneginf(np.where(a > 0.5, -np.inf, a)), (M35,)),
    "nonzero": (lambda a: np.nonzero(a > 0), (M35,)),
    "argwhere": (lambda a: np.argwhere(a > 0), (M35,)),
    "flatnonzero": (lambda a: np.flatnonzero(a > 0), (M35,)),
    "searchsorted": (lambda a: np.searchsorted(np.sort(a), [0.1, -0.3], side="right"), (X5,)),
    "digitize": (lambda a: np.digitize(a, [-1, 0, 1], right=True), (M35,)),
    "nanargmax": (lambda a: np.nanargmax(np.where(a > 1, np.nan, a), axis=1), (M35,)),
    "nanargmin": (lambda a: np.nanargmin(np.where(a > 1, np.nan, a)), (M35,)),
    "argpartition": (lambda a: np.argpartition(a, 2), (X5,)),
    "lexsort": (lambda a: np.lexsort((a, np.round(a))), (X5,)),
    "array_equiv": (lambda a: np.array_equiv(a, a[:1] * 0 + a), (M35,)),
    "diag_indices_from": (lambda a: np.diag_indices_from(a[:3, :3]), (M35,)),
    "tril_indices_from": (lambda a: np.tril_indices_from(a, 1), (M35,)),
    "triu_indices_from": (lambda a: np.triu_indices_from(a, -1), (M35,)),
    "histogram": (lambda a: np.histogram(a, bins=4), (M35,)),
    "histogram-auto-density": (lambda a: np.histogram(a, bins="auto", density=True), (M35,)),
    "histogram-range": (lambda a: np.histogram(a, bins=3, range=(-1.0, 1.0)), (M35,)),
    "histogram-weights": (lambda w: np.histogram(M35, bins=3, weights=w), (M35 + 3.0,)),
    "histogram-weights-edges": (lambda w: np.histogram(M35, bins=[-2, 0, 0.5, 3], weights=w, density=True), (M35 ** 2,)),
    "histogram_bin_edges": (lambda a: np.histogram_bin_edges(a, bins="sturges"), (M35,)),
    "histogram2d": (lambda w: np.histogram2d(S20[:, 0], S20[:, 1], bins=3, weights=w), (np.abs(S20[:, 0]),)),
    "histogram2d-density-edges": (lambda w: np.histogram2d(S20[:, 0], S20[:, 1], bins=[3, np.array([-3, 0, 0.5, 3])],
                                                           weights=w, density=True), (np.abs(S20[:, 0]),)),
    "histogram2d-sample": (lambda x: np.histogram2d(x, S20[:, 1], bins=4), (S20[:, 0],)),
    "histogramdd": (lambda w: np.histogramdd(S20, bins=(2, 3), range=[(-1, 1), (-2, 2)], weights=w), (S20[:, 1],)),
    "histogramdd-list-density": (lambda w: np.histogramdd([S20[:, 0], S20[:, 1]], bins=3, weights=w, density=True),
                                 (np.abs(S20[:, 0]),)),
    "divmod": (lambda a: np.divmod(a * 3, 0.7), (M35,)),
    "imag": (np.imag, (M35,)),
    "real_if_close": (np.real_if_close, (M35,)),
    "matrix_transpose": (np.matrix_transpose, (M35,)),
    "apply_over_axes": (lambda a: np.apply_over_axes(np.sum, a, [0, 1]), (M35,)),
    "apply_over_axes-same-shape": (lambda a: np.apply_over_axes(lambda v, ax: np.cumsum(v, ax), a, 1), (M35,)),
    "bincount": (lambda w: np.bincount([0, 3, 3, 1, 0], weights=w, minlength=6), (X5,)),
    "unique": (lambda a: np.unique(a, return_index=True, return_inverse=True, return_counts=True), (ROUNDED,)),
    "unique-axis": (lambda a: np.unique(np.concatenate([a, a[:1]]), axis=0), (M35,)),
    "unique_values": (np.unique_values, (ROUNDED,)),
    "unique_counts": (np.unique_counts, (ROUNDED,)),
    "unique_inverse": (np.unique_inverse, (ROUNDED,)),
    "unique_all": (np.unique_all, (ROUNDED,)),
    "union1d": (lambda a: np.union1d(a[0], a[1]), (ROUNDED,)),
    "intersect1d": (lambda a: np.intersect1d(a[0], a[1], return_indices=True), (ROUNDED,)),
    "setdiff1d": (lambda a: np.setdiff1d(a[0], a[1]), (ROUNDED,)),
    "setdiff1d-unique": (lambda a: np.setdiff1d(a[0], a[1], assume_unique=True), (M35,)),
    "setxor1d": (lambda a: np.setxor1d(a[0], a[1]), (ROUNDED,)),
    "isin": (lambda a: np.isin(a, [0.0, 1.0, -2.0]), (ROUNDED,)),
    "isin-invert": (lambda a: np.isin(a, a[0], invert=True), (ROUNDED,)),
}


def _leaves(out):
    out = list(out) if isinstance(out, tuple) else [out]
    return [y for x in out for y in (x if isinstance(x, list) else [x])]  # (histogramdd's list of edges)


@pytest.mark.parametrize("name", sorted(VALUES))
def test_traced_value_is_numpys(name):
    fn, args = VALUES[name]
    want = fn(*args)
    got = osc.jvp(fn, args, tuple(np.ones_like(a) for a in args))[0]
    assert type(got) is type(want) or isinstance(want, (tuple, np.ndarray, np.generic, bool))
    gl, wl = _leaves(got), _leaves(want)
    assert len(gl) == len(wl)
    for g, w in zip(gl, wl):
        if isinstance(w, tuple):  # (nonzero's tuple of index arrays)
            g, w = np.stack(g), np.stack(w)
        assert np.shape(g) == np.shape(w)
        if np.asarray(w).dtype.kind in "biu":  # integers and booleans: the primal's answer, exactly, as NumPy's type
            assert np.asarray(g).dtype == np.asarray(w).dtype, (name, np.asarray(g).dtype)
            np.testing.assert_array_equal(g, w)
        else:
            np.testing.assert_allclose(np.asarray(g, dtype=float), w, rtol=1e-10, atol=1e-12)
    assert core.current_depth() == 0


def test_plain_calls_of_osculate_numpy_are_numpys():
    for name, args in [("ptp", (M35,)), ("cov", (M35,)), ("corrcoef", (M35,)), ("trapezoid", (M35,)),
                       ("polyfit", (XS, np.sin(XS), 2)), ("vander", (X5, 3)), ("unique", (ROUNDED,)),
                       ("histogram", (M35,)), ("bincount", ([0, 2, 2],)), ("all", (M35 > 0,)), ("any", (M35 > 0,)),
                       ("count_nonzero", (M35 > 0,)), ("isin", (ROUNDED, [0.0])), ("polyint", (X5,))]:
        want = getattr(np, name)(*args)
        got = getattr(osc_np, name)(*args)
        for g, w in zip(_leaves(got), _leaves(want)):
            assert not isinstance(g, core.Tracer)
            np.testing.assert_allclose(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-12)


def test_predicates_answer_for_the_primal_and_steer_python():
    def f(x):
        assert isinstance(np.all(x > 0), np.bool_) and isinstance(np.count_nonzero(x), np.integer)
        return np.sum(x ** 2) if np.all(x > 0) and not np.any(np.isinf(x)) else np.sum(x)

    np.testing.assert_allclose(osc.grad(f)(np.array([1.0, 2.0])), [2.0, 4.0])
    np.testing.assert_allclose(osc.grad(f)(np.array([1.0, -2.0])), [1.0, 1.0])
    # inside vmap a count is a traced float
    np.testing.assert_allclose(osc.vmap(lambda x: np.count_nonzero(x > 0) * 1.0)(M35), np.sum(M35 > 0, axis=1))


# --------------------------------------------------------------------------- functions that need values

_X = np.array([0.3, -1.2, 0.3, 2.0, -1.2, 0.7])  # repeated values
_D = np.array([0.3, -1.2, 0.9, 2.0, -0.6, 0.7])  # distinct: a small step keeps the order (finite differences)

# name -> (a function of one traced array whose float result needs values, its argument)
EAGER = {
    "unique": (lambda x: np.unique(x) * np.arange(1.0, 7.0), _D),
    "unique-return": (lambda x: np.unique(x, return_counts=True)[0] ** 2, _D),
    "unique_all": (lambda x: np.unique_all(x).values ** 3, _D),
    "union1d": (lambda x: np.union1d(x[:4], x[2:]) ** 2, _D),
    "intersect1d": (lambda x: np.intersect1d(x[:4], x[2:]) ** 2, _D),
    "setdiff1d": (lambda x: np.setdiff1d(x, x[4:]) ** 2, _D),
    "setxor1d": (lambda x: np.setxor1d(x[:4], x[2:]) ** 2, _D),
    "polydiv": (lambda x: np.concatenate(np.polydiv(x, x[:3])), X5),
    "trim_zeros": (lambda x: np.trim_zeros(np.concatenate([np.zeros(2), x])) ** 2, X5),
    "frexp": (lambda x: np.frexp(x)[0] ** 2, 3.0 * X5),
    "compress-traced-condition": (lambda x: np.compress(x > 0, x) ** 2, X5),
    "extract-traced-condition": (lambda x: np.extract(x > 0, x) ** 2, X5),
    "histogram-edges": (lambda x: np.histogram(x, bins=3, density=True)[0] + np.histogram(x, bins=3)[1][1], _D),
}


@pytest.mark.parametrize("name", sorted(EAGER))
def test_value_dependent_functions_differentiate_eagerly(name):
    fn, x = EAGER[name]
    check_grads(fn, (x,), order=2, modes=("fwd", "rev"))
    assert core.current_depth() == 0


def test_unique_derivative_flows_from_the_first_occurrence():
    jac = osc.jacfwd(lambda x: np.unique(x))(_X)
    want = np.zeros((4, 6))
    want[[0, 1, 2, 3], [1, 0, 5, 3]] = 1.0
    np.testing.assert_array_equal(jac, want)
    jac = osc.jacrev(lambda x: np.intersect1d(x[:3], x[3:]))(_X)  # from ar1
    np.testing.assert_array_equal(jac, [[0, 1.0, 0, 0, 0, 0]])


@pytest.mark.parametrize("name", ["unique", "polydiv", "trim_zeros", "compress-traced-condition", "histogram-edges"])
def test_value_dependent_functions_refuse_vmap_jit_and_global_sparsity(name):
    fn, x = EAGER[name]
    scalar = lambda x: np.sum(fn(x))  # noqa: E731
    with pytest.raises(core.ConcretizationError):
        osc.vmap(fn)(np.stack([x, x]))
    with pytest.raises(core.ConcretizationError):
        osc.jit(fn)(x)
    with pytest.raises(core.ConcretizationError):
        osc.hessian_sparsity(scalar, x)
    assert core.current_depth() == 0
    osc.hessian_sparsity(scalar, x, mode="local")  # at a point the values are known


def test_histogram_and_bincount_of_constant_data_run_everywhere():
    data = np.array([0.1, 0.4, 0.45, 0.9, 0.2])
    f = lambda w: np.histogram(data, bins=2, range=(0.0, 1.0), weights=w)[0]  # noqa: E731
    w = np.stack([X5, 2.0 * X5])
    np.testing.assert_allclose(osc.vmap(f)(w), [f(v) for v in w])
    np.testing.assert_allclose(osc.jit(f)(X5), f(X5))
    np.testing.assert_allclose(osc.jacrev(lambda w: np.bincount([1, 1, 0, 2, 1], weights=w))(X5),
                               [[0, 0, 1, 0, 0], [1, 1, 0, 0, 1], [0, 0, 0, 1, 0]])


def test_in_place_updates_of_plain_arrays_name_the_functional_form():
    with pytest.raises(TypeError, match=r"osculate\.numpy\.set_along_axis"):
        osc.grad(lambda x: np.sum(np.put_along_axis(np.zeros((3, 5)), IDX, x[:3, None], 1) or 0.0))(X5)
    with pytest.raises(TypeError, match=r"osculate\.numpy\.set_diagonal"):
        osc.grad(lambda x: np.sum(np.fill_diagonal(np.zeros((3, 3)), x[:3]) or 0.0))(X5)
    assert core.current_depth() == 0
    a = np.zeros((3, 3))
    assert osc_np.fill_diagonal(a, 2.0) is None and np.trace(a) == 6.0  # plain: NumPy's own, in place


def test_apply_along_axis_and_polyfit_hessians_agree_across_modes():
    f = lambda x: np.sum(np.apply_along_axis(lambda v: np.polyfit(XS[:5], v, 2), 1, x) ** 2)  # noqa: E731
    hs = [osc.hessian(f, mode=m)(M35) for m in osc.HVP_MODES]
    for h in hs[1:]:
        np.testing.assert_allclose(h, hs[0], rtol=1e-9, atol=1e-10)


def test_all_any_nonzero_methods_of_traced_arrays():
    def f(x):
        keep = (x > 0).all(axis=1, keepdims=True) & ~(x > 50.0).any()
        return np.where(keep, x, -x)

    x = np.abs(M35) * np.array([[1.0], [-1.0], [1.0]])
    want = np.where([[True], [False], [True]], x, -x)
    np.testing.assert_allclose(osc.vmap(f)(np.stack([x, x])), [want, want])
    np.testing.assert_allclose(osc.jit(f)(x), want)
    rows, cols = osc.jvp(lambda x: np.stack(x.nonzero()) * 1.0, (x - x[0, 0],), (x,))[0]
    np.testing.assert_array_equal(np.stack([rows, cols]), np.stack(np.nonzero(x - x[0, 0])))
