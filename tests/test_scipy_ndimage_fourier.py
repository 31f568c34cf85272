"""``osculate.scipy.ndimage``'s Fourier-domain filters (fourier_gaussian,
fourier_uniform, fourier_ellipsoid, fourier_shift) and the filters with the
user's window function (generic_filter, vectorized_filter) against SciPy:
values over shapes, real/complex input, ``n``/``axis``, modes and
footprints; derivatives in the input and the parameters against finite
differences to second order; vmap and jit; clear errors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as snd

import osculate as osc
from osculate.scipy import ndimage as nd
from osculate.testing import check_grads

RNG = np.random.default_rng(31)
FOURIER = ["fourier_gaussian", "fourier_uniform", "fourier_ellipsoid", "fourier_shift"]


def _traced(f, *args):
    return osc.jvp(f, args, tuple(np.zeros_like(a) for a in args))[0]


@pytest.mark.parametrize("name", FOURIER)
@pytest.mark.parametrize("shape", [(7,), (5, 6), (4, 5, 3), (1, 5)])
def test_fourier_filters_match_scipy(name, shape):
    x = RNG.standard_normal(shape)
    for inp in (x, np.fft.fftn(x), x.astype(np.float32), np.fft.fftn(x).astype(np.complex64)):
        for n, axis in ((-1, -1), (12, -1), (9, 0)):
            par = tuple(RNG.uniform(0.5, 2.0, len(shape)))
            for p in (par, par[0]):
                want = getattr(snd, name)(inp, p, n=n, axis=axis)
                got = _traced(lambda v: getattr(nd, name)(v, p, n=n, axis=axis), inp)
                assert got.dtype == want.dtype
                tol = 1e-6 if want.dtype in (np.float32, np.complex64) else 1e-13
                np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.abs(want).max())


def test_fourier_filters_plain_and_traced_parameters():
    xc = np.fft.fft2(RNG.standard_normal((5, 6)))
    for name in FOURIER:
        want = getattr(snd, name)(xc, (0.7, 1.3))
        np.testing.assert_array_equal(getattr(nd, name)(xc, (0.7, 1.3)), want)  # nothing traced: SciPy's
        got = _traced(lambda s: getattr(nd, name)(xc, s), np.array([0.7, 1.3]))
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-13 * np.abs(want).max())


@pytest.mark.parametrize("name", FOURIER)
def test_fourier_filter_derivatives(name):
    xc = np.fft.fft2(RNG.standard_normal((5, 6)))
    spatial = lambda s, x: np.real(np.fft.ifft2(getattr(nd, name)(x, s)))  # noqa: E731
    check_grads(spatial, (np.array([0.7, 1.3]), xc), order=2, modes=("fwd", "rev"))
    check_grads(lambda s: spatial(s, xc), (1.1,), order=2, modes=("fwd", "rev"))
    half = np.fft.rfft(RNG.standard_normal(9))  # the real transform of 9 samples: n=9
    check_grads(lambda s, x: getattr(nd, name)(x, s, n=9), (1.3, half), order=2, modes=("fwd", "rev"))


def test_fourier_filter_closed_forms():
    # a sub-sample shift of a sinusoid is a phase delay: d/ds cos(2 pi k (t - s) / N)
    N, k = 8, 2
    t = np.arange(N)
    signal = lambda s: np.real(np.fft.ifft(nd.fourier_shift(np.fft.fft(np.cos(2 * np.pi * k * t / N)), s)))  # noqa
    np.testing.assert_allclose(signal(0.3), np.cos(2 * np.pi * k * (t - 0.3) / N), atol=1e-13)
    np.testing.assert_allclose(osc.jacfwd(signal)(0.3), 2 * np.pi * k / N * np.sin(2 * np.pi * k * (t - 0.3) / N),
                               atol=1e-12)
    # the Gaussian's multiplier at frequency f: d/dsigma = -4 pi^2 sigma f^2 exp(-2 pi^2 sigma^2 f^2)
    g = osc.grad(lambda s: nd.fourier_gaussian(np.ones(4), s)[1])(0.8)
    np.testing.assert_allclose(g, -4 * np.pi ** 2 * 0.8 / 16 * np.exp(-2 * np.pi ** 2 * 0.64 / 16), rtol=1e-13)


@pytest.mark.parametrize("name", FOURIER)
def test_fourier_filters_vmap_and_jit(name):
    xc = np.fft.fft2(RNG.standard_normal((4, 5)))
    f = lambda s: getattr(nd, name)(xc, s)  # noqa: E731
    sigmas = np.array([0.5, 1.0, 2.0])
    batched = osc.vmap(f)(sigmas)
    for i, s in enumerate(sigmas):
        np.testing.assert_allclose(batched[i], getattr(snd, name)(xc, s), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(osc.jit(f)(1.5), getattr(snd, name)(xc, 1.5), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(osc.jit(osc.jacfwd(lambda s: np.abs(f(s))))(1.5), osc.jacfwd(lambda s: np.abs(f(s)))(1.5),
                               rtol=1e-12, atol=1e-12)


def test_fourier_filter_errors():
    x = np.ones((2, 2, 2, 2))
    with pytest.raises(NotImplementedError, match="1-d, 2-d and 3-d"):
        _traced(lambda v: nd.fourier_ellipsoid(v, 1.0), x)
    with pytest.raises(ValueError, match="sigma must be a single value or a sequence of 2"):
        _traced(lambda v: nd.fourier_gaussian(v, (1.0, 2.0, 3.0)), np.ones((3, 3)))
    with pytest.raises(TypeError, match="output="):
        _traced(lambda v: nd.fourier_shift(v, 1.0, output=np.empty(3, complex)), np.ones(3))


# --------------------------------------------------------------------------- the user's window functions

X = RNG.standard_normal((5, 6, 4))
WEIGHTS = RNG.standard_normal(27)
CASES = [dict(size=3), dict(size=(2, 3, 1)), dict(footprint=RNG.random((3, 3, 2)) > 0.3),
         dict(size=(3, 2), axes=(2, 0)), dict(footprint=RNG.random((3, 2)) > 0.4, axes=(2, 0), mode="constant"),
         dict(size=3, mode="wrap", origin=1), dict(size=2, mode="mirror", origin=(0, -1, 0)),
         dict(size=2, mode="nearest")]


def ordered(v):
    """A window function that depends on the order of the window's values."""
    return np.sum(v * WEIGHTS[:v.shape[-1]]) + np.max(v)


@pytest.mark.parametrize("kw", CASES)
def test_generic_filter_matches_scipy(kw):
    want = snd.generic_filter(X, ordered, **kw)
    np.testing.assert_array_equal(nd.generic_filter(X, ordered, **kw), want)
    np.testing.assert_allclose(_traced(lambda x: nd.generic_filter(x, ordered, **kw), X), want, rtol=1e-13,
                               atol=1e-13)


def test_generic_filter_extra_arguments_integers_and_branches():
    scaled = lambda v, a, b=0.0: a * np.mean(v) + b  # noqa: E731
    want = snd.generic_filter(X, scaled, size=2, extra_arguments=(2.0,), extra_keywords={"b": 1.0})
    got = _traced(lambda x: nd.generic_filter(x, scaled, size=2, extra_arguments=(2.0,), extra_keywords={"b": 1.0}),
                  X)
    np.testing.assert_allclose(got, want, rtol=1e-13)
    # a traced extra argument
    d = osc.grad(lambda a: np.sum(nd.generic_filter(X, scaled, size=2, extra_arguments=(a,))))(2.0)
    np.testing.assert_allclose(d, np.sum(snd.uniform_filter(X, 2)), rtol=1e-12)

    def branchy(v):  # Python control flow on the values: called window by window
        return v[0] if v[0] > 0 else -v[1]

    np.testing.assert_allclose(_traced(lambda x: nd.generic_filter(x, branchy, size=2), X[0]),
                               snd.generic_filter(X[0], branchy, size=2), rtol=0, atol=0)


def test_generic_filter_derivatives_vmap_jit():
    x = X[:, :, 0]
    f = lambda v: nd.generic_filter(v, lambda w: np.sqrt(np.mean(w * w)), size=(2, 3), mode="constant", cval=0.5)  # noqa
    check_grads(f, (x,), order=2, modes=("fwd", "rev"))
    xs = np.stack([x, 2 * x])
    batched = osc.vmap(f)(xs)
    for i in range(2):
        np.testing.assert_allclose(batched[i], f(xs[i]), rtol=1e-13)
    np.testing.assert_allclose(osc.jit(f)(x), f(x), rtol=1e-13)


@pytest.mark.parametrize("kw", CASES + [dict(size=(3, 2), axes=(0, 1), mode="valid"), dict(size=2, mode="valid")])
def test_vectorized_filter_matches_scipy(kw):
    kw = dict(kw)
    if kw.get("mode") == "constant":
        kw["cval"] = 0.25
    for fn in (np.mean, np.median, lambda v, axis: np.max(v, axis=axis) + np.sum(v[..., :1], axis=axis)):
        want = snd.vectorized_filter(X, fn, **kw)
        got = _traced(lambda x: nd.vectorized_filter(x, fn, **kw), X)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-13)


def test_vectorized_filter_derivatives_vmap_jit_errors():
    x = X[:, :, 0]
    f = lambda v, c: nd.vectorized_filter(v, np.std, size=(3, 2), mode="constant", cval=c)  # noqa: E731
    check_grads(f, (x, 0.3), order=2, modes=("fwd", "rev"))
    xs = np.stack([x, 2 * x])
    batched = osc.vmap(lambda v: f(v, 0.3))(xs)
    np.testing.assert_allclose(batched[1], snd.vectorized_filter(xs[1], np.std, size=(3, 2), mode="constant",
                                                                 cval=0.3), rtol=1e-12)
    np.testing.assert_allclose(osc.jit(f)(x, 0.3), f(x, 0.3), rtol=1e-13)
    with pytest.raises(ValueError, match="cval is compatible only"):
        _traced(lambda v: nd.vectorized_filter(v, np.mean, size=2, cval=1.0), x)
    with pytest.raises(ValueError, match="exactly one of size and footprint"):
        _traced(lambda v: nd.vectorized_filter(v, np.mean), x)
