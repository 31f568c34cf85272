"""``osculate.scipy.ndimage``'s linear filters against SciPy: every boundary
mode (and its grid-* alias), origins, shapes and axes; derivatives (second
order, forward and reverse, against finite differences) in the input, the
weights, ``cval`` and ``sigma``; vmap and jit; errors and the refusal of
plain ``scipy.ndimage`` on traced values."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.ndimage as snd

import osculate as osc
from osculate.ad.core import UnsupportedConversionError
from osculate.scipy import ndimage as nd
from osculate.testing import check_grads

RNG = np.random.default_rng(5)
MODES = ["reflect", "constant", "nearest", "mirror", "wrap", "grid-mirror", "grid-constant", "grid-wrap"]


def _close(actual, expected, rtol=1e-12):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=0, atol=rtol * scale)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("n", [1, 2, 3, 8])  # windows longer than the axis reflect/wrap more than once
def test_1d_filters_match_scipy(mode, n):
    x = RNG.standard_normal((n, 4))
    for k in (1, 2, 3, 4, 7, 12):
        w = RNG.standard_normal(k)
        for origin in range(-(k // 2), (k - 1) // 2 + 1):
            for axis in (0, 1, -1):
                kw = dict(mode=mode, cval=0.7, origin=origin)
                _close(nd.correlate1d(x, w, axis, **kw), snd.correlate1d(x, w, axis, **kw))
                _close(nd.convolve1d(x, w, axis, **kw), snd.convolve1d(x, w, axis, **kw))
                _close(nd.uniform_filter1d(x, k, axis, **kw), snd.uniform_filter1d(x, k, axis, **kw))


@pytest.mark.parametrize("mode", MODES)
def test_gaussian_filters_match_scipy(mode):
    for sigma, order, n in itertools.product((0.5, 1.0, 2.3), range(4), (3, 10)):
        x = RNG.standard_normal((n, 3))
        _close(nd.gaussian_filter1d(x, sigma, 0, order, mode=mode, cval=0.3),
               snd.gaussian_filter1d(x, sigma, 0, order, mode=mode, cval=0.3))
        _close(nd.gaussian_filter1d(x, sigma, 1, order, mode=mode, truncate=2.0),
               snd.gaussian_filter1d(x, sigma, 1, order, mode=mode, truncate=2.0))
        _close(nd.gaussian_filter1d(x, sigma, order=order, mode=mode, radius=2),
               snd.gaussian_filter1d(x, sigma, order=order, mode=mode, radius=2))
        _close(nd.gaussian_filter(x, sigma, order, mode=mode, cval=0.3),
               snd.gaussian_filter(x, sigma, order, mode=mode, cval=0.3))
        _close(nd.gaussian_filter(x, [sigma, 0.7], [order, 1], mode=[mode, "wrap"]),
               snd.gaussian_filter(x, [sigma, 0.7], [order, 1], mode=[mode, "wrap"]))
    y = RNG.standard_normal((4, 5, 6))
    _close(nd.gaussian_filter(y, (1.0, 0.0, 2.0), radius=(1, 2, 3), mode=mode),
           snd.gaussian_filter(y, (1.0, 0.0, 2.0), radius=(1, 2, 3), mode=mode))
    _close(nd.gaussian_filter(y, 1.5, axes=(2, 0), mode=mode), snd.gaussian_filter(y, 1.5, axes=(2, 0), mode=mode))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("wshape", [(1, 1), (2, 3), (3, 3), (4, 2)])
def test_nd_correlate_and_convolve_match_scipy(mode, wshape):
    x = RNG.standard_normal((5, 6, 4))
    w = RNG.standard_normal(wshape)
    ranges = [range(-(k // 2), (k - 1) // 2 + 1) for k in wshape]
    for origin in itertools.product(*ranges):
        kw = dict(mode=mode, cval=0.2, origin=origin)
        _close(nd.correlate(x[:, :, 0], w, **kw), snd.correlate(x[:, :, 0], w, **kw))
        _close(nd.convolve(x[:, :, 0], w, **kw), snd.convolve(x[:, :, 0], w, **kw))
    for axes in [(0, 2), (2, 0), (1, 2)]:  # the weights follow the sorted axes, as in SciPy
        _close(nd.correlate(x, w, mode=mode, axes=axes), snd.correlate(x, w, mode=mode, axes=axes))
        _close(nd.convolve(x, w, mode=mode, axes=axes), snd.convolve(x, w, mode=mode, axes=axes))
    w3 = RNG.standard_normal((2, 3, 2))
    _close(nd.correlate(x, w3, mode=mode), snd.correlate(x, w3, mode=mode))


def test_origin_sequence_follows_axes_as_given():
    x, w = RNG.standard_normal((5, 6, 4)), RNG.standard_normal((3, 3))
    _close(nd.correlate(x, w, origin=(0, 1), axes=(2, 0)), snd.correlate(x, w, origin=(0, 1), axes=(2, 0)))


@pytest.mark.parametrize("mode", MODES)
def test_uniform_filter_matches_scipy(mode):
    x = RNG.standard_normal((5, 6, 4))
    for size in (1, 2, 3, (2, 3, 1)):
        _close(nd.uniform_filter(x, size, mode=mode, cval=0.1), snd.uniform_filter(x, size, mode=mode, cval=0.1))
    kw = dict(mode=mode, origin=(1, 0, -1))
    _close(nd.uniform_filter(x, 3, **kw), snd.uniform_filter(x, 3, **kw))
    _close(nd.uniform_filter(x, (2, 4), mode=mode, axes=(0, 2)), snd.uniform_filter(x, (2, 4), mode=mode, axes=(0, 2)))


@pytest.mark.parametrize("mode", ["reflect", "constant", "mirror", "wrap", "nearest"])
def test_derivative_filters_match_scipy(mode):
    x = RNG.standard_normal((5, 6, 4))
    for axis in (0, 1, 2, -1):
        _close(nd.sobel(x, axis, mode=mode, cval=0.3), snd.sobel(x, axis, mode=mode, cval=0.3))
        _close(nd.prewitt(x, axis, mode=mode), snd.prewitt(x, axis, mode=mode))
    per_axis = [mode, "wrap", "constant"]
    _close(nd.sobel(x, 1, mode=per_axis), snd.sobel(x, 1, mode=per_axis))
    _close(nd.laplace(x, mode=mode, cval=0.2), snd.laplace(x, mode=mode, cval=0.2))
    _close(nd.laplace(x, mode=[mode, "wrap"], axes=(2, 0)), snd.laplace(x, mode=[mode, "wrap"], axes=(2, 0)))
    for sigma in (1.0, (0.7, 1.2, 2.0)):
        _close(nd.gaussian_laplace(x, sigma, mode=mode, cval=0.1), snd.gaussian_laplace(x, sigma, mode=mode, cval=0.1))
        _close(nd.gaussian_gradient_magnitude(x, sigma, mode=mode, truncate=3.0),
               snd.gaussian_gradient_magnitude(x, sigma, mode=mode, truncate=3.0))
    _close(nd.gaussian_laplace(x, (1.0, 2.0), axes=(0, 2), radius=2, mode=mode),
           snd.gaussian_laplace(x, (1.0, 2.0), axes=(0, 2), radius=2, mode=mode))
    # SciPy smooths over every axis here, and differentiates along `axes` only
    _close(nd.gaussian_gradient_magnitude(x, (1.5, 0.7, 2.0), mode=[mode, "wrap"], axes=(2, 1)),
           snd.gaussian_gradient_magnitude(x, (1.5, 0.7, 2.0), mode=[mode, "wrap"], axes=(2, 1)))
    xi = RNG.integers(-9, 9, (5, 6))
    for name in ("sobel", "prewitt", "laplace"):
        np.testing.assert_array_equal(getattr(nd, name)(xi), getattr(snd, name)(xi))
    for name in ("gaussian_laplace", "gaussian_gradient_magnitude"):
        got, want = getattr(nd, name)(xi, 1.0), getattr(snd, name)(xi, 1.0)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("mode", ["reflect", "constant", "nearest", "mirror", "wrap"])
def test_rank_filters_match_scipy(mode):
    for n, k in itertools.product((1, 2, 5, 9), (1, 2, 3, 6)):
        x = RNG.standard_normal((n, 4))
        for origin, axis in itertools.product(range(-(k // 2), (k - 1) // 2 + 1), (0, 1)):
            kw = dict(mode=mode, cval=0.5, origin=origin)
            np.testing.assert_array_equal(nd.minimum_filter1d(x, k, axis, **kw), snd.minimum_filter1d(x, k, axis, **kw))
            np.testing.assert_array_equal(nd.maximum_filter1d(x, k, axis, **kw), snd.maximum_filter1d(x, k, axis, **kw))
    x = RNG.standard_normal((6, 7, 3))
    img = x[:, :, 0]
    for size in (2, 3, (2, 3)):
        for name in ("minimum_filter", "maximum_filter", "median_filter"):
            np.testing.assert_array_equal(getattr(nd, name)(img, size=size, mode=mode, cval=0.1),
                                          getattr(snd, name)(img, size=size, mode=mode, cval=0.1))
        for rank in (0, 1, -1, -2):
            np.testing.assert_array_equal(nd.rank_filter(img, rank, size=size, mode=mode),
                                          snd.rank_filter(img, rank, size=size, mode=mode))
        for pct in (0, 20, 50, 75, 100, -30):
            np.testing.assert_array_equal(nd.percentile_filter(img, pct, size=size, mode=mode),
                                          snd.percentile_filter(img, pct, size=size, mode=mode))
    footprint = np.array([[1, 0, 1], [0, 1, 0]], dtype=bool)
    for origin in itertools.product((-1, 0), (-1, 0, 1)):
        for name in ("minimum_filter", "maximum_filter", "median_filter"):
            kw = dict(footprint=footprint, mode=mode, origin=origin, cval=0.2)
            np.testing.assert_array_equal(getattr(nd, name)(img, **kw), getattr(snd, name)(img, **kw))
    for axes in ((0, 2), (2, 0), (1, 2, 0)):
        size = (2, 3, 4)[:len(axes)]  # minimum/maximum read the sizes in the order of axes, the others sorted
        for name in ("minimum_filter", "maximum_filter", "median_filter"):
            np.testing.assert_array_equal(getattr(nd, name)(x, size=size, mode=mode, axes=axes),
                                          getattr(snd, name)(x, size=size, mode=mode, axes=axes))
    xi = RNG.integers(-9, 9, (6, 7))
    for name in ("minimum_filter", "maximum_filter", "median_filter"):
        got, want = getattr(nd, name)(xi, size=3), getattr(snd, name)(xi, size=3)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_complex_input_and_weights_match_scipy():
    x = RNG.standard_normal((6, 4)) + 1j * RNG.standard_normal((6, 4))
    w = np.array([1.0 + 2.0j, 0.5 - 1.0j, 0.3j])
    for mode in ("reflect", "constant"):
        kw = dict(mode=mode, cval=1.0 + 1.0j)
        for ours, theirs in ((nd.correlate1d, snd.correlate1d), (nd.convolve1d, snd.convolve1d)):
            _close(ours(x, w, 0, **kw), theirs(x, w, 0, **kw))  # correlations conjugate complex weights
            _close(ours(x.real, w, 1, mode=mode, cval=0.5), theirs(x.real, w, 1, mode=mode, cval=0.5))
            with pytest.raises(ValueError, match="complex cval"):
                ours(x.real, w, 1, **kw)
        for ours, theirs in ((nd.correlate, snd.correlate), (nd.convolve, snd.convolve)):
            _close(ours(x, np.outer(w[:2], w), **kw), theirs(x, np.outer(w[:2], w), **kw))
    _close(nd.gaussian_filter(x, 1.0), snd.gaussian_filter(x, 1.0))


def test_float32_stays_float32_and_empty_axes_pass_through():
    x32 = RNG.standard_normal((4, 5)).astype(np.float32)
    for ours, theirs in ((nd.correlate1d(x32, [1.0, 2.0]), snd.correlate1d(x32, [1.0, 2.0])),
                         (nd.gaussian_filter(x32, 1.0), snd.gaussian_filter(x32, 1.0)),
                         (nd.uniform_filter(x32, 2), snd.uniform_filter(x32, 2))):
        assert ours.dtype == theirs.dtype == np.float32
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)
    empty = np.zeros((0, 3))
    assert nd.gaussian_filter(empty, 1.0).shape == snd.gaussian_filter(empty, 1.0).shape
    assert nd.correlate1d(empty, [1.0, 2.0], axis=1).shape == (0, 3)


def test_integer_and_boolean_input_give_scipy_s_truncated_values_and_nan_propagates():
    rng = np.random.default_rng(2)
    xi = rng.integers(-20, 20, (6, 7))
    for dtype in (np.int64, np.int32, np.bool_):
        x = xi.astype(dtype)
        for ours, theirs in ((nd.uniform_filter(x, 3, mode="wrap"), snd.uniform_filter(x, 3, mode="wrap")),
                             (nd.uniform_filter1d(x, 4), snd.uniform_filter1d(x, 4)),
                             (nd.correlate1d(x, [0.5, 0.3], axis=0), snd.correlate1d(x, [0.5, 0.3], axis=0)),
                             (nd.gaussian_filter(x, 1.0), snd.gaussian_filter(x, 1.0))):
            assert ours.dtype == theirs.dtype == dtype
            np.testing.assert_array_equal(ours, theirs)
    x = np.array([1.0, 2.0, np.nan, 3.0, 4.0, 5.0, 6.0])
    np.testing.assert_array_equal(np.isnan(nd.correlate1d(x, [1.0, 1.0, 1.0])),
                                  np.isnan(snd.correlate1d(x, [1.0, 1.0, 1.0])))


# --------------------------------------------------------------------------- derivatives

X8 = RNG.standard_normal(8)
M45 = RNG.standard_normal((4, 5))
DERIVATIVES = {
    "correlate1d-constant-cval": (lambda x, w, c: nd.correlate1d(x, w, mode="constant", cval=c),
                                  (X8, RNG.standard_normal(3), np.array(0.3))),
    "convolve1d-mirror-origin": (lambda x, w: nd.convolve1d(x, w, mode="mirror", origin=1),
                                 (X8, RNG.standard_normal(4))),
    "correlate1d-wrap-axis0": (lambda x: nd.correlate1d(x, [0.2, -1.0, 0.5], axis=0, mode="wrap"), (M45,)),
    "gaussian_filter1d-order2": (lambda x: nd.gaussian_filter1d(x, 1.2, order=2, mode="reflect"), (X8,)),
    "gaussian_filter1d-sigma": (lambda x, s: nd.gaussian_filter1d(x, s, order=1, radius=3), (X8, np.array(1.1))),
    "gaussian_filter-sigma-order3": (lambda s: nd.gaussian_filter1d(X8, s, order=3, radius=4), (np.array(0.9),)),
    "gaussian_filter": (lambda x: nd.gaussian_filter(x, [0.8, 1.3], mode="nearest"), (M45,)),
    "uniform_filter1d": (lambda x: nd.uniform_filter1d(x, 4, mode="grid-wrap", origin=-1), (X8,)),
    "uniform_filter-cval": (lambda x, c: nd.uniform_filter(x, 3, mode="constant", cval=c), (M45, np.array(0.2))),
    "correlate-weights": (lambda x, w: nd.correlate(x, w, mode="reflect"), (M45, RNG.standard_normal((2, 3)))),
    "convolve-weights-cval": (lambda x, w, c: nd.convolve(x, w, mode="constant", cval=c),
                              (M45, RNG.standard_normal((3, 2)), np.array(-0.4))),
    "sobel": (lambda x: nd.sobel(x, 0, mode="nearest"), (M45,)),
    "prewitt-cval": (lambda x, c: nd.prewitt(x, 1, mode="constant", cval=c), (M45, np.array(0.4))),
    "laplace": (lambda x: nd.laplace(x, mode="mirror"), (M45,)),
    "gaussian_laplace": (lambda x: nd.gaussian_laplace(x, [0.8, 1.1], mode="wrap"), (M45,)),
    "gaussian_gradient_magnitude": (lambda x: nd.gaussian_gradient_magnitude(x, 1.0), (M45,)),
    "minimum_filter1d": (lambda x: nd.minimum_filter1d(x, 3, mode="constant", cval=5.0), (X8,)),
    "maximum_filter": (lambda x: nd.maximum_filter(x, size=(2, 3), mode="wrap"), (M45,)),
    "median_filter-footprint": (lambda x: nd.median_filter(x, footprint=np.array([[1, 0, 1], [0, 1, 0]], bool)),
                                (M45,)),
    "percentile_filter": (lambda x: nd.percentile_filter(x, 30, size=3, mode="mirror"), (M45,)),
    "correlate1d-complex": (lambda x, w: nd.correlate1d(x, w, mode="mirror"),
                            (X8 + 1j * X8[::-1], np.array([1.0 + 2.0j, 0.5 - 1.0j, 0.3j]))),
}


@pytest.mark.parametrize("name", list(DERIVATIVES))
def test_second_derivatives_match_finite_differences(name):
    f, args = DERIVATIVES[name]
    check_grads(f, args, order=2, modes=("fwd", "rev"))


def test_vmap_and_jit():
    g = lambda x: nd.gaussian_filter(x, 1.0, mode="mirror")  # noqa: E731
    stack = np.stack([M45, M45 + 1.0, -M45])
    np.testing.assert_allclose(osc.vmap(g)(stack), [snd.gaussian_filter(m, 1.0, mode="mirror") for m in stack],
                               rtol=1e-13)
    jg = osc.jit(g)
    for m in stack:
        np.testing.assert_allclose(jg(m), snd.gaussian_filter(m, 1.0, mode="mirror"), rtol=1e-13)
    h = lambda x, w: nd.correlate1d(x, w, mode="constant", cval=1.0)  # noqa: E731
    w = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(osc.vmap(h, in_axes=(0, None))(M45, w),
                               [snd.correlate1d(r, w, mode="constant", cval=1.0) for r in M45], rtol=1e-13)


def test_taylor_mode_and_hessian_sparsity():
    f = lambda x: np.sum(np.sin(nd.correlate1d(x, [1.0, 2.0, 1.0], mode="reflect")) ** 2)  # noqa: E731
    v = RNG.standard_normal(8)
    h = osc.hessian(f)(X8)
    np.testing.assert_allclose(osc.derivatives_along(f, X8, v, 3)[2], v @ h @ v, rtol=1e-12)
    pattern = osc.hessian_sparsity(f, X8)
    pattern = np.asarray(pattern.toarray() if hasattr(pattern, "toarray") else pattern)
    assert np.all(pattern[np.abs(h) > 1e-12]) and not np.all(pattern)  # banded, and covers the Hessian


def test_vmap_over_weights_cval_and_sigma():
    x = RNG.standard_normal((6, 7))
    kernels = RNG.standard_normal((4, 3))
    _close(osc.vmap(lambda w: nd.correlate1d(x, w, mode="wrap"))(kernels),
           [snd.correlate1d(x, w, mode="wrap") for w in kernels])
    cvals = np.array([0.0, 1.0, 2.0])
    _close(osc.vmap(lambda c: nd.uniform_filter(x, 3, mode="constant", cval=c))(cvals),
           [snd.uniform_filter(x, 3, mode="constant", cval=c) for c in cvals])
    sigmas = np.array([0.8, 1.0, 1.3])
    _close(osc.vmap(lambda s: nd.gaussian_filter1d(x, s, radius=4))(sigmas),
           [snd.gaussian_filter1d(x, s, radius=4) for s in sigmas])


# --------------------------------------------------------------------------- errors

def test_plain_scipy_on_a_tracer_names_the_osculate_function():
    with pytest.raises(UnsupportedConversionError,
                       match=r"scipy\.ndimage\.gaussian_filter1d .*osculate\.scipy\.ndimage\.gaussian_filter1d"):
        osc.grad(lambda x: np.sum(snd.gaussian_filter1d(x, 1.0)))(X8)


def test_bad_arguments_get_one_line_errors():
    with pytest.raises(ValueError, match="mode"):
        nd.correlate1d(X8, [1.0, 2.0], mode="periodic")
    with pytest.raises(ValueError, match="origin"):
        nd.correlate1d(X8, [1.0, 2.0, 3.0], origin=2)
    with pytest.raises(TypeError, match="output"):
        nd.convolve1d(X8, [1.0, 2.0], output=np.empty(8))
    with pytest.raises(ValueError, match="weights"):
        nd.correlate1d(X8, np.ones((2, 2)))
    with pytest.raises(RuntimeError, match="weights"):
        nd.correlate(M45, np.ones(3))
    with pytest.raises(ValueError, match="axis"):
        nd.gaussian_filter1d(X8, 1.0, axis=1)
    with pytest.raises(ValueError, match="order"):
        nd.gaussian_filter1d(X8, 1.0, order=-1)
    with pytest.raises(ValueError, match="radius"):
        osc.grad(lambda s: np.sum(nd.gaussian_filter1d(X8, s)))(1.0)
    with pytest.raises(ValueError, match="sigma must be positive"):
        nd.gaussian_filter1d(X8, 0.0)
    with pytest.raises(ValueError, match="size"):
        nd.uniform_filter1d(X8, 0)
    with pytest.raises(ValueError, match="sigma"):
        nd.gaussian_filter(M45, [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="order"):
        nd.gaussian_laplace(M45, 1.0, order=1)
    with pytest.raises(RuntimeError, match="footprint or filter size"):
        nd.median_filter(M45)
    with pytest.raises(ValueError, match="rank"):
        nd.rank_filter(M45, 9, size=3)
    with pytest.raises(ValueError, match="percentile"):
        nd.percentile_filter(M45, 120, size=3)
    with pytest.raises(TypeError, match="complex"):
        nd.median_filter(M45 + 1j, size=3)
