"""``osculate.scipy.ndimage``'s labelled-region measurements against SciPy
(no labels, labels alone, scalar and sequence indices, missing labels), their
derivatives against finite differences, and vmap."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.ndimage as snd

import osculate as osc
from osculate.scipy import ndimage as nd
from osculate.testing import check_grads

RNG = np.random.default_rng(23)
X = RNG.standard_normal((5, 6))
LABELS = RNG.integers(0, 4, (5, 6))
NAMES = ["sum_labels", "sum", "mean", "variance", "standard_deviation", "maximum", "minimum", "median"]


def _traced(f, *args):
    return osc.jvp(f, args, tuple(np.zeros_like(a) for a in args))[0]


def _scipy(name, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SciPy's 0 / 0 for a label no sample carries
        return getattr(snd, name)(*args)


@pytest.mark.parametrize("name", NAMES + ["center_of_mass"])
def test_measurements_match_scipy(name):
    cases = [(), (LABELS,), (LABELS, 2), (LABELS, [1, 3, 0]), (LABELS, np.array([[1, 2], [3, 0]])),
             (LABELS[0], [1, 2])]  # labels broadcast against the input
    if name != "median":  # SciPy's median of a missing label is not defined by the data alone
        cases.append((LABELS, [1, 7]))
    for extra in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # 0 / 0 for a missing label, as SciPy warns
            got = _traced(lambda x: getattr(nd, name)(x, *extra), X)
        want = _scipy(name, X, *extra)
        np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), rtol=1e-13,
                                   atol=1e-13)
        assert np.shape(got) == np.shape(want)


def test_extrema_values_and_positions():
    for extra in [(), (LABELS,), (LABELS, 2), (LABELS, [1, 3])]:
        got = _traced(lambda x: nd.extrema(x, *extra)[:2], X)
        want = snd.extrema(X, *extra)
        np.testing.assert_allclose(got, want[:2], rtol=0, atol=0)
        assert osc.jvp(lambda x: nd.extrema(x, *extra), (X,), (X,))[0][2:] == want[2:]


@pytest.mark.parametrize("name", NAMES + ["center_of_mass"])
def test_second_derivatives_match_finite_differences(name):
    x = X + 3.0  # positive weights for the centre of mass
    check_grads(lambda v: getattr(nd, name)(v, LABELS, [1, 2, 3]), (x,), order=2, modes=("fwd", "rev"))


def test_vmap_and_plain_calls():
    stack = RNG.standard_normal((3, 5, 6))
    np.testing.assert_allclose(osc.vmap(lambda x: nd.variance(x, LABELS, [1, 2]))(stack),
                               [snd.variance(x, LABELS, [1, 2]) for x in stack], rtol=1e-13)
    assert nd.maximum(np.arange(4), [1, 1, 2, 2], [1, 2]).dtype == snd.maximum(np.arange(4), [1, 1, 2, 2], [1, 2]).dtype


def test_traced_labels_are_refused():
    with pytest.raises(TypeError, match="labels and index must be constants"):
        osc.grad(lambda lab: nd.sum_labels(X, lab))(LABELS.astype(float))


def _sum_of_squares_and_first(v):
    return np.sum(v * v) + v[0]   # depends on the order of the values SciPy passes


@pytest.mark.parametrize("extra", [(None, None), (LABELS, None), (LABELS, 2), (LABELS, [1, 3, 0, 7]),
                                   (LABELS[0], [1, 2])])
def test_labeled_comprehension_matches_scipy(extra):
    want = snd.labeled_comprehension(X, *extra, _sum_of_squares_and_first, float, -1.5)
    got = _traced(lambda x: nd.labeled_comprehension(x, *extra, _sum_of_squares_and_first, float, -1.5), X)
    np.testing.assert_allclose(got, want, rtol=1e-13)
    assert np.shape(got) == np.shape(want)


def test_labeled_comprehension_positions_dtypes_derivatives():
    weighted = lambda v, p: np.sum(v * p)  # noqa: E731
    np.testing.assert_allclose(
        _traced(lambda x: nd.labeled_comprehension(x, LABELS, [1, 2], weighted, float, 0.0, True), X),
        snd.labeled_comprehension(X, LABELS, [1, 2], weighted, float, 0.0, True), rtol=1e-13)
    counts = _traced(lambda x: nd.labeled_comprehension(x, LABELS, [1, 2], len, int, 0), X)  # integers: plain
    np.testing.assert_array_equal(counts, snd.labeled_comprehension(X, LABELS, [1, 2], len, int, 0))
    f = lambda x: nd.labeled_comprehension(x, LABELS, [1, 2, 3], _sum_of_squares_and_first, float, 0.0)  # noqa
    check_grads(f, (X,), order=2, modes=("fwd", "rev"))
    batched = osc.vmap(f)(np.stack([X, 2 * X]))
    np.testing.assert_allclose(batched[1], snd.labeled_comprehension(2 * X, LABELS, [1, 2, 3],
                                                                     _sum_of_squares_and_first, float, 0.0))
    np.testing.assert_allclose(osc.jit(f)(X), f(X), rtol=1e-13)
    with pytest.raises(TypeError, match="labels and index must be constants"):
        osc.grad(lambda i: nd.labeled_comprehension(X, LABELS, i, np.sum, float, 0.0))(1.0)
    with pytest.raises(ValueError, match="not at hand inside jit"):
        osc.jit(lambda x: nd.labeled_comprehension(x, LABELS, [1], len, int, 0))(X)


def test_histogram_is_piecewise_constant():
    for extra in [(), (LABELS,), (LABELS, [1, 2])]:
        want = snd.histogram(X, -1.0, 1.0, 4, *extra)
        got = _traced(lambda x: nd.histogram(x, -1.0, 1.0, 4, *extra), X)
        for g, w in zip(np.atleast_1d(got), np.atleast_1d(want)):
            np.testing.assert_array_equal(g, w)
    with pytest.raises(ValueError, match="piecewise constant"):
        osc.jit(lambda x: nd.histogram(x, -1.0, 1.0, 4))(X)
