"""``np.spacing`` and ``np.nextafter`` on traced values: NumPy's values
(zeros, subnormals, infinities, NaN), and the derivatives of a step of one ulp
(0 for ``spacing``; 1 in ``x1`` and 0 in ``x2`` for ``nextafter``) in every
mode, under jit and vmap.  Also two slopes that keep their digits where a
naive form loses them: ``expm1`` far below 0 and ``logaddexp`` at large
arguments."""

from __future__ import annotations

import numpy as np
from scipy import special

import osculate as osc

X = np.array([1.0, 0.0, -0.0, -2.5, 5e-324, np.inf, -np.inf, np.nan, 1e308, -3.0])
Y = np.array([2.0, -1.0, 1.0, -3.0, 0.0, 0.0, 0.0, 1.0, np.inf, -3.0])


def _same(got, want):
    np.testing.assert_array_equal(got, want)
    assert np.array_equal(np.signbit(got), np.signbit(want))


def test_values_are_numpys_in_every_transform():
    for fn, args in ((np.nextafter, (X, Y)), (np.spacing, (X,))):
        want = fn(*args)
        _same(osc.jvp(fn, args, tuple(np.ones_like(a) for a in args))[0], want)
        _same(osc.jit(fn)(*args), want)
        _same(osc.vmap(fn)(*args), want)
        _same(fn(*args), want)


def test_derivatives_are_those_of_a_step():
    finite = np.isfinite(X)
    for mode in (osc.jacfwd, osc.jacrev):
        j1 = mode(lambda a: np.nextafter(a, Y))(X)
        j2 = mode(lambda b: np.nextafter(X, b))(Y)
        np.testing.assert_array_equal(j1, np.diag(finite * 1.0))
        np.testing.assert_array_equal(j2, np.zeros((10, 10)))
        np.testing.assert_array_equal(mode(np.spacing)(X), np.zeros((10, 10)))
    x = np.array([0.3, 1.7])
    np.testing.assert_array_equal(osc.hessian(lambda a: np.sum(np.nextafter(a, 3.0) ** 2))(x), 2.0 * np.eye(2))


def test_expm1_slope_keeps_its_digits_far_below_zero():
    """expm1' = exp(x): written as y + 1 it would lose every digit where y ≈ -1 (x = -25: 4e-6 relative)."""
    x = np.array([-25.0, -40.0, -3.0, 1e-8, 2.0])
    for order, fn in ((1, osc.grad), (2, lambda f: osc.grad(osc.grad(f)))):
        got = np.array([fn(np.expm1)(v) for v in x])
        np.testing.assert_allclose(got, np.exp(x), rtol=1e-15)
    coeffs = osc.taylor(np.expm1, -30.0, [1.0], order=3)  # Taylor mode: y_k = exp(x) / k!
    np.testing.assert_allclose(np.ravel(coeffs[1:]), np.exp(-30.0) / np.array([1.0, 2.0, 6.0]), rtol=1e-14)


def test_logaddexp_slopes_keep_their_digits_at_large_arguments():
    """σ(x - y), not exp(x - o): at |x| ≈ 1e15 the output o rounds and exp(x - o) is off by 26%."""
    g = osc.grad(lambda z: np.logaddexp(-5e7 * z, -5e7 * z))(1e8)
    assert g == -5e7
    x = np.array([1e15, 1e15 + 8.0, 1e15 - 4.0])
    np.testing.assert_allclose(osc.jacfwd(lambda a: np.logaddexp(a, 1e15 + 2.0))(x).diagonal(),
                               1.0 / (1.0 + np.exp(1e15 + 2.0 - x)), rtol=1e-15)


def test_gammainc_at_zero_with_a_equal_one_has_the_exponentials_derivatives():
    """P(1, x) = 1 - e^(-x): at the support's end x = 0 the density e^(-x) keeps its slope -1."""
    for mode in osc.HVP_MODES:
        assert osc.hessian(lambda x: special.gammainc(1.0, x), mode=mode)(0.0) == -1.0
        assert osc.hessian(lambda x: special.gammaincc(1.0, x), mode=mode)(0.0) == 1.0
