"""``osculate.scipy.signal``'s 2-d convolutions, median/order filters, Wiener
filter, deconvolution and ``lfiltic`` against SciPy: values over modes and
boundaries, second derivatives against finite differences, vmap and jit,
and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.signal as ss

import osculate as osc
from osculate.scipy import signal as sg
from osculate.testing import check_grads

RNG = np.random.default_rng(11)
SHAPES2 = [((5, 6), (2, 3)), ((4, 4), (3, 3)), ((1, 7), (1, 1)), ((3, 4), (5, 6)), ((3, 9), (5, 2))]


def _close(actual, expected, tol=1e-12):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=0, atol=tol * scale)


@pytest.mark.parametrize("s1, s2", SHAPES2, ids=[f"{a}x{b}" for a, b in SHAPES2])
@pytest.mark.parametrize("complex_", [False, True], ids=["real", "complex"])
def test_convolve2d_and_correlate2d_match_scipy(s1, s2, complex_):
    a, b = RNG.standard_normal(s1), RNG.standard_normal(s2)
    if complex_:
        a, b = a + 1j * RNG.standard_normal(s1), b - 1j * RNG.standard_normal(s2)
    for name in ("convolve2d", "correlate2d"):
        for mode in ("full", "same", "valid"):
            for boundary in ("fill", "wrap", "symm"):
                try:
                    want = getattr(ss, name)(a, b, mode, boundary, 0.7)
                except ValueError:
                    with pytest.raises(ValueError, match="valid"):
                        getattr(sg, name)(a, b, mode, boundary, 0.7)
                    continue
                _close(getattr(sg, name)(a, b, mode, boundary, 0.7), want)


def test_convolve2d_integers_stay_integers():
    a, b = np.arange(12).reshape(3, 4), np.array([[1, 2], [3, -1]])
    for name in ("convolve2d", "correlate2d"):
        got, want = getattr(sg, name)(a, b, "same", "fill", 2), getattr(ss, name)(a, b, "same", "fill", 2)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_median_and_order_filters_match_scipy():
    for shape in ((9,), (5, 6), (3, 4, 5)):
        x = RNG.standard_normal(shape)
        for k in (None, 1, 3, 5):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # SciPy warns when the kernel is larger than the array
                want = ss.medfilt(x, k)
            np.testing.assert_array_equal(sg.medfilt(x, k), want)
    x = RNG.standard_normal((5, 6))
    np.testing.assert_array_equal(sg.medfilt(x, [3, 5]), ss.medfilt(x, [3, 5]))
    for k in (3, 5, [5, 3]):
        np.testing.assert_array_equal(sg.medfilt2d(x, k), ss.medfilt2d(x, k))
    xi = RNG.integers(0, 10, (5, 6))
    np.testing.assert_array_equal(sg.medfilt(xi), ss.medfilt(xi))
    domain = np.array([[1, 0, 1], [0, 1, 1], [1, 1, 0]])
    for rank in range(5):
        np.testing.assert_array_equal(sg.order_filter(x, domain, rank), ss.order_filter(x, domain, rank))


def test_wiener_matches_scipy():
    x = RNG.standard_normal((5, 6))
    for size in (None, 3, [3, 5], 5):
        for noise in (None, 0.1, 2.0):
            _close(sg.wiener(x, size, noise), ss.wiener(x, size, noise))
    _close(sg.wiener(x[0]), ss.wiener(x[0]))


def test_deconvolve_and_lfiltic_match_scipy():
    for n, d in ((6, 2), (6, 6), (5, 1)):
        s, div = RNG.standard_normal(n), RNG.standard_normal(d) + np.r_[2.0, np.zeros(d - 1)]
        for got, want in zip(sg.deconvolve(s, div), ss.deconvolve(s, div)):
            _close(got, want)
    q, r = sg.deconvolve([1.0, 2.0], [1.0, 2.0, 3.0])
    assert q == [] and np.array_equal(r, [1.0, 2.0])  # a longer divisor: SciPy's empty quotient
    for b, a in (([1.0, 0.5, 0.2], [1.0, -0.3]), ([0.5], [2.0, -0.3, 0.1, 0.2]), ([1.0, 2.0, 3.0, 4.0], [1.0])):
        for y in ([1.0], [1.0, 2.0, 3.0, 4.0, 5.0]):
            for x in (None, [0.5], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]):
                _close(sg.lfiltic(b, a, y, x), ss.lfiltic(b, a, y, x))
    # lfiltic's state continues the filter: filtering the rest equals filtering the whole
    b, a = [0.3, 0.2, 0.1], [1.0, -0.5, 0.2]
    u = RNG.standard_normal(12)
    whole = ss.lfilter(b, a, u)
    zi = sg.lfiltic(b, a, whole[5::-1], u[5::-1])
    _close(sg.lfilter(b, a, u[6:], zi=zi)[0], whole[6:])


X56 = RNG.standard_normal((5, 6))
K23 = RNG.standard_normal((2, 3))
X9 = RNG.permutation(9) * 0.37 + RNG.standard_normal(9) * 0.01  # distinct values: the ranks are unambiguous
DERIVATIVES = {
    "convolve2d-fill": (lambda a, b, c: sg.convolve2d(a, b, "same", "fill", c), (X56, K23, np.array(0.4))),
    "convolve2d-wrap": (lambda a, b: sg.convolve2d(a, b, "full", "wrap"), (X56[:3, :4], K23)),
    "correlate2d-symm": (lambda a, b: sg.correlate2d(a, b, "same", "symm"), (X56, K23)),
    "correlate2d-valid-swap": (lambda a, b: sg.correlate2d(a, b, "valid"), (K23, X56[:3, :4])),
    "correlate2d-complex": (lambda a, b: sg.correlate2d(a, b, "same"), (X56[:3] + 1j * X56[2:], K23 - 0.5j)),
    "medfilt": (sg.medfilt, (X9,)),
    "medfilt2d": (lambda x: sg.medfilt2d(x), (X9.reshape(3, 3),)),
    "order_filter": (lambda x: sg.order_filter(x, np.ones(3), 2), (X9,)),
    "wiener": (lambda x, s: sg.wiener(x, 3, s), (np.array([1.0, 4.0, 2.0, 8.0, 3.0, 3.5]), np.array(1.3))),
    "wiener-noise-estimate": (sg.wiener, (np.array([1.0, 4.0, 2.0, 8.0, 3.0, 3.5]),)),
    "deconvolve": (lambda s, d: sg.deconvolve(s, d), (RNG.standard_normal(6), np.array([2.0, 0.3, -0.1]))),
    "lfiltic": (lambda b, a, y, x: sg.lfiltic(b, a, y, x),
                (np.array([0.3, 0.2, 0.1]), np.array([1.5, -0.5]), np.array([1.0, 2.0]), np.array([0.5, -1.0]))),
}


@pytest.mark.parametrize("name", list(DERIVATIVES))
def test_second_derivatives_match_finite_differences(name):
    f, args = DERIVATIVES[name]
    check_grads(f, args, order=2, modes=("fwd", "rev"))


def test_vmap_and_jit():
    stack = RNG.standard_normal((3, 5, 6))
    f = lambda x, k: sg.convolve2d(x, k, "same", "symm")  # noqa: E731
    _close(osc.vmap(f, in_axes=(0, None))(stack, K23), [ss.convolve2d(x, K23, "same", "symm") for x in stack])
    _close(osc.jit(f)(X56, K23), ss.convolve2d(X56, K23, "same", "symm"))
    _close(osc.vmap(sg.medfilt)(stack[:, 0]), [ss.medfilt(x) for x in stack[:, 0]])
    _close(osc.jit(lambda x: sg.wiener(x, 3))(X56), ss.wiener(X56, 3))
    _close(osc.vmap(lambda x: sg.wiener(x, 3, 0.5))(stack), [ss.wiener(x, 3, 0.5) for x in stack])
    _close(osc.jit(lambda b, a: sg.lfiltic(b, a, [1.0, 2.0]))(np.array([0.3, 0.2]), np.array([2.0, -0.5])),
           ss.lfiltic([0.3, 0.2], [2.0, -0.5], [1.0, 2.0]))


def test_bad_arguments_get_clear_errors():
    with pytest.raises(ValueError, match="2-D"):
        sg.convolve2d(np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="boundary"):
        sg.correlate2d(X56, K23, boundary="reflect")
    with pytest.raises(ValueError, match="mode"):
        sg.convolve2d(X56, K23, mode="middle")
    with pytest.raises(ValueError, match="odd"):
        sg.medfilt(X9, 4)
    with pytest.raises(ValueError, match="odd"):
        sg.order_filter(X9, np.ones(2), 0)
    with pytest.raises(ValueError, match="rank"):
        sg.order_filter(X9, np.ones(3), 3)
    with pytest.raises(ValueError, match="1-d"):
        sg.deconvolve(np.ones((2, 2)), np.ones(2))
    with pytest.raises(ValueError, match="non-zero"):
        sg.lfiltic([1.0], [0.0, 1.0], [1.0])
    with pytest.raises(ValueError, match="mysize"):
        sg.wiener(X56, [3, 3, 3])
