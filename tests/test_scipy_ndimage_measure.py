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
