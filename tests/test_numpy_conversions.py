"""NumPy's conversion and dtype helpers on traced values: ``ascontiguousarray``,
``asfortranarray``, ``asanyarray``, ``asarray_chkfinite``, ``require`` (in
``osculate.numpy``: NumPy converts their input itself), ``can_cast``,
``min_scalar_type``, ``common_type``, ``einsum_path`` and ``ix_`` (routed by
NumPy): NumPy's answers, derivatives passed through, dtypes kept."""

from __future__ import annotations

import numpy as np
import pytest

import osculate as osc
import osculate.numpy as onp

X = np.array([[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]])


@pytest.mark.parametrize("name", ["ascontiguousarray", "asfortranarray", "asanyarray", "asarray_chkfinite", "require"])
def test_conversions_pass_values_and_derivatives(name):
    ours = getattr(onp, name)
    np.testing.assert_array_equal(ours(X), getattr(np, name)(X))
    g = osc.grad(lambda x: np.sum(ours(x) ** 2))(X)
    np.testing.assert_array_equal(g, 2.0 * X)
    y = osc.jvp(lambda x: ours(x, dtype=np.float32), (X,), (X,))
    assert y[0].dtype == np.float32 and y[1].dtype == np.float32
    np.testing.assert_array_equal(osc.jit(ours)(X), X)


def test_asarray_chkfinite_checks_values_where_there_are_some():
    bad = X.copy()
    bad[0, 0] = np.inf
    for value in (bad, np.where(X > 2, np.nan, X)):
        with pytest.raises(ValueError, match="must not contain infs or NaNs"):
            osc.grad(lambda x: np.sum(onp.asarray_chkfinite(x)))(value)
        with pytest.raises(ValueError, match="must not contain infs or NaNs"):
            np.asarray_chkfinite(value)
    np.testing.assert_array_equal(osc.jit(onp.asarray_chkfinite)(bad), bad)  # no values inside jit: not checked


def test_dtype_helpers_answer_as_numpy():
    seen = {}

    def f(x):
        seen["can_cast"] = [np.can_cast(x, t, c) for t in (np.float32, np.float64, np.int64)
                            for c in ("safe", "same_kind", "unsafe")]
        seen["common_type"] = np.common_type(x, np.ones(2, np.float32))
        seen["min_scalar_type"] = (np.min_scalar_type(x), np.min_scalar_type(x[0, 0]))
        seen["einsum_path"] = np.einsum_path("ij,jk,kl->il", x, x.T, x, optimize="greedy")
        return np.sum(x)

    osc.grad(f)(X)
    assert seen["can_cast"] == [np.can_cast(X, t, c) for t in (np.float32, np.float64, np.int64)
                                for c in ("safe", "same_kind", "unsafe")]
    assert seen["common_type"] is np.common_type(X, np.ones(2, np.float32))
    assert seen["min_scalar_type"] == (np.min_scalar_type(X), np.min_scalar_type(X[0, 0]))
    assert seen["einsum_path"] == np.einsum_path("ij,jk,kl->il", X, X.T, X, optimize="greedy")


def test_ix_reshapes_traced_sequences():
    a, b = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0])
    got = osc.jvp(lambda a, b: np.ix_(a, b), (a, b), (a, b))[0]
    for g, w in zip(got, np.ix_(a, b)):
        np.testing.assert_array_equal(g, w)
    h = osc.hessian(lambda a: np.sum(np.ix_(a, a)[0] * np.ix_(a, a)[1]))(a)  # (Σa)²
    np.testing.assert_array_equal(h, 2.0 * np.ones((3, 3)))
    with pytest.raises(ValueError, match="1 dimensional"):
        osc.grad(lambda x: np.sum(np.ix_(x)[0]))(X)
