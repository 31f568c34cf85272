"""The methods of binary ufuncs on traced values (reduce, accumulate, reduceat,
outer: ``osculate.ad.numpy.ufunc_methods``): NumPy's values and shapes, first
and second derivatives against finite differences in forward and reverse
mode, and NumPy's errors."""

from __future__ import annotations

import numpy as np
import pytest

import osculate as osc
from osculate.testing import check_grads

R = np.random.default_rng(20261207)
X = R.uniform(0.5, 1.5, (3, 5))
Y = R.uniform(0.5, 1.5, 4)

CASES = {
    "logaddexp.reduce": lambda x: np.logaddexp.reduce(x, axis=1),
    "logaddexp.reduce, every axis, keepdims": lambda x: np.logaddexp.reduce(x, axis=None, keepdims=True),
    "logaddexp2.reduce": lambda x: np.logaddexp2.reduce(x, axis=0),
    "subtract.reduce (a left fold)": lambda x: np.subtract.reduce(x, axis=1),
    "divide.reduce": lambda x: np.divide.reduce(x, axis=0),
    "hypot.reduce over two axes": lambda x: np.hypot.reduce(x, axis=(0, 1)),
    "add.reduce with initial": lambda x: np.add.reduce(x, axis=1, initial=2.0),
    "add.reduce with where": lambda x: np.add.reduce(x, axis=1, where=X > 1.0),
    "maximum.reduce with where and initial": lambda x: np.maximum.reduce(x, axis=0, where=X > 1.0, initial=0.7),
    "logaddexp.reduce with where": lambda x: np.logaddexp.reduce(x, axis=1, where=X > 1.0),
    "maximum.accumulate": lambda x: np.maximum.accumulate(x, axis=1),
    "minimum.accumulate": lambda x: np.minimum.accumulate(x, axis=0),
    "logaddexp.accumulate": lambda x: np.logaddexp.accumulate(x, axis=1),
    "hypot.accumulate (7 steps: odd length)": lambda x: np.hypot.accumulate(x.reshape(-1)[:7]),
    "subtract.accumulate": lambda x: np.subtract.accumulate(x, axis=1),
    "power.accumulate": lambda x: np.power.accumulate(x, axis=1),
    "add.reduceat": lambda x: np.add.reduceat(x, [0, 3, 1, 4], axis=1),
    "maximum.reduceat": lambda x: np.maximum.reduceat(x, [0, 2], axis=1),
    "subtract.reduceat": lambda x: np.subtract.reduceat(x, [0, 2], axis=1),
    "subtract.outer": lambda x: np.subtract.outer(x, Y),
    "multiply.outer (traced second)": lambda x: np.multiply.outer(Y, x),
    "arctan2.outer": lambda x: np.arctan2.outer(x[0], x[1]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_numpys_values_and_derivatives(name):
    f = CASES[name]
    want = f(X)
    got = osc.jvp(f, (X,), (np.zeros_like(X),))[0]
    assert np.shape(got) == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-13)
    check_grads(f, (X,), order=2, modes=("fwd", "rev"))


def test_a_running_maximum_passes_the_derivative_to_the_element_that_is_the_maximum():
    x = np.array([0.5, 2.0, 1.0, 3.0])
    np.testing.assert_array_equal(osc.grad(lambda x: np.sum(np.maximum.accumulate(x)))(x), [1.0, 2.0, 0.0, 1.0])


def test_logaddexp_of_two_equal_infinities_has_finite_partials():
    f = lambda v: np.logaddexp(v[0], v[1])  # noqa: E731
    np.testing.assert_array_equal(osc.grad(f)(np.array([-np.inf, -np.inf])), [0.5, 0.5])
    np.testing.assert_allclose(osc.hessian(f)(np.array([1.0, 1.0])), [[0.25, -0.25], [-0.25, 0.25]], rtol=1e-15)


@pytest.mark.parametrize("call, error, message", [
    (lambda x: np.maximum.reduce(x[:, :0], axis=1), ValueError, "no identity"),
    (lambda x: np.subtract.reduce(x, axis=(0, 1)), ValueError, "not reorderable"),
    (lambda x: np.maximum.reduce(x, where=X > 1.0), ValueError, "specify 'initial'"),
    (lambda x: np.add.reduceat(x, [0, 9], axis=1), IndexError, "out-of-bounds"),
    (lambda x: np.add.reduce(x, dtype=np.float32), TypeError, "dtype"),
    (lambda x: np.add.at(x, [0], 1.0), Exception, "add_at"),
])
def test_numpys_errors_in_one_line(call, error, message):
    with pytest.raises(error, match=message):
        osc.grad(lambda x: np.sum(call(x)))(X)
