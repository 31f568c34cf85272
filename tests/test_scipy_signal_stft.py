"""``osculate.scipy.signal``'s short-time transforms (``stft``, ``istft``,
``spectrogram``) and ``lombscargle`` against SciPy: values over their
options, the stft/istft round trip, second derivatives against finite
differences, vmap and jit, and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.signal as ss

import osculate as osc
from osculate.scipy import signal as sg
from osculate.testing import check_grads

RNG = np.random.default_rng(21)
X = RNG.standard_normal((2, 50))


def _close(actual, expected, tol=1e-11):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=0, atol=tol * scale)


STFT_OPTIONS = [
    dict(nperseg=16),
    dict(nperseg=16, noverlap=5, nfft=20, boundary="even"),
    dict(nperseg=15, boundary="odd", padded=False, scaling="psd", detrend="linear", fs=4.0),
    dict(nperseg=8, boundary=None, return_onesided=False, detrend="constant"),
    dict(nperseg=8, boundary="constant", window=("kaiser", 2.0), padded=True),
    dict(window=RNG.uniform(0.5, 1.0, 10), nperseg=10, boundary="zeros", noverlap=6),
]


@pytest.mark.parametrize("options", STFT_OPTIONS, ids=range(len(STFT_OPTIONS)))
def test_stft_matches_scipy_and_istft_inverts_it(options):
    for x, axis in ((X, -1), (X.T, 0), (X[0] + 1j * X[1], -1)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # complex input: SciPy switches to two-sided, warning
            got, want = sg.stft(x, axis=axis, **options), ss.stft(x, axis=axis, **options)
        for g, w in zip(got, want):
            _close(g, w)
    f, t, z = ss.stft(X, **options)
    inverse = {k: v for k, v in options.items() if k in ("nperseg", "noverlap", "nfft", "window", "fs", "scaling")}
    inverse.update(input_onesided=options.get("return_onesided", True), boundary=options.get("boundary", "zeros") is not None)
    if options.get("boundary", "zeros") is None or not options.get("padded", True):
        return  # without the extension and padding the ends are not covered: SciPy warns, checked below
    for g, w in zip(sg.istft(z, **inverse), ss.istft(z, **inverse)):
        _close(g, w)
    _close(sg.istft(sg.stft(X, **options)[2], **inverse)[1][:, :50], X)  # the round trip


def test_istft_axes_and_the_nola_warning():
    z = ss.stft(X.T, nperseg=15, axis=0, return_onesided=False)[2]  # (frequencies, 2, segments)
    options = dict(nperseg=15, time_axis=-1, freq_axis=0, input_onesided=False)
    for g, w in zip(sg.istft(z, **options), ss.istft(z, **options)):
        _close(g, w)
    z = ss.stft(X, nperseg=8, boundary=None)[2]
    with pytest.warns(UserWarning, match="NOLA"):
        got = sg.istft(z, nperseg=8, boundary=False, window="hann", noverlap=0)
    with pytest.warns(UserWarning, match="NOLA"):
        want = ss.istft(z, nperseg=8, boundary=False, window="hann", noverlap=0)
    _close(got[1], want[1])


@pytest.mark.parametrize("mode", ["psd", "complex", "magnitude", "angle", "phase"])
def test_spectrogram_matches_scipy(mode):
    for options in (dict(nperseg=16), dict(nperseg=10, noverlap=3, nfft=12, detrend="linear", scaling="spectrum"),
                    dict(nperseg=8, return_onesided=False, fs=5.0), dict(window="hann", nperseg=12, detrend=False)):
        for x, axis in ((X, -1), (X.T, 0)):
            for g, w in zip(sg.spectrogram(x, axis=axis, mode=mode, **options),
                            ss.spectrogram(x, axis=axis, mode=mode, **options)):
                if mode in ("angle", "phase"):  # the sign of a zero imaginary part may put -pi for pi
                    g, w = np.exp(1j * np.asarray(g)), np.exp(1j * np.asarray(w))
                _close(g, w)
    with pytest.warns(UserWarning, match="nperseg"):  # the default 256 is longer than the signal, as SciPy warns
        got = sg.spectrogram(X[0], mode=mode)[2]
    with pytest.warns(UserWarning, match="nperseg"):
        want = ss.spectrogram(X[0], mode=mode)[2]
    if mode not in ("angle", "phase"):
        _close(got, want)


T = np.sort(RNG.uniform(0.0, 10.0, 30))
Y = np.sin(1.3 * T) + 0.1 * RNG.standard_normal(30)
W = RNG.uniform(0.5, 1.0, 30)
F = np.linspace(0.1, 3.0, 20)


def test_lombscargle_matches_scipy():
    for normalize in (False, True, "power", "normalize", "amplitude"):
        for floating_mean in (False, True):
            for weights in (None, W):
                _close(sg.lombscargle(T, Y, F, normalize=normalize, floating_mean=floating_mean, weights=weights),
                       ss.lombscargle(T, Y, F, normalize=normalize, floating_mean=floating_mean, weights=weights))
    with pytest.warns(DeprecationWarning, match="precenter"):
        got = sg.lombscargle(T, Y + 2.0, F, precenter=True)
    with pytest.warns(DeprecationWarning, match="precenter"):
        want = ss.lombscargle(T, Y + 2.0, F, precenter=True)
    _close(got, want)


X40 = RNG.standard_normal(40)
DERIVATIVES = {
    "stft": (lambda x: sg.stft(x, nperseg=8)[2], (X40,)),
    "stft-window-fs": (lambda x, w, fs: sg.stft(x, fs, w, 10, boundary="odd", scaling="psd", detrend="linear")[2],
                       (X40, RNG.uniform(0.5, 1.0, 10), np.array(2.0))),
    "istft": (lambda z: sg.istft(z, nperseg=8, noverlap=6)[1], (ss.stft(X40[:20], nperseg=8, noverlap=6)[2],)),
    "istft-window": (lambda w: sg.istft(ss.stft(X40[:20], nperseg=8)[2], window=w, scaling="psd", fs=2.0)[1],
                     (RNG.uniform(0.5, 1.0, 8),)),
    "spectrogram": (lambda x: sg.spectrogram(x, nperseg=8)[2], (X40,)),
    "spectrogram-magnitude": (lambda x: sg.spectrogram(x, nperseg=8, mode="magnitude")[2], (X40,)),
    "spectrogram-phase": (lambda x: sg.spectrogram(x, nperseg=8, mode="phase", return_onesided=False)[2], (X40,)),
    "lombscargle": (lambda t, y, f: sg.lombscargle(t, y, f, floating_mean=True), (T, Y, F[:6])),
    "lombscargle-normalize-weights": (lambda y, w: sg.lombscargle(T, y, F[:6], normalize=True, weights=w), (Y, W)),
    "lombscargle-amplitude": (lambda t, y, f: sg.lombscargle(t, y, f, normalize="amplitude"), (T, Y, F[:6])),
}


@pytest.mark.parametrize("name", list(DERIVATIVES))
def test_second_derivatives_match_finite_differences(name):
    f, args = DERIVATIVES[name]
    check_grads(f, args, order=2, modes=("fwd", "rev"))


def test_istft_of_stft_is_differentiable_as_the_identity():
    f = lambda x: sg.istft(sg.stft(x, nperseg=8)[2], nperseg=8)[1][:20]  # noqa: E731
    _close(osc.jacrev(f)(X40[:20]), np.eye(20))
    _close(osc.jacfwd(f)(X40[:20]), np.eye(20))


def test_vmap_and_jit():
    stack = RNG.standard_normal((3, 40))
    _close(osc.vmap(lambda x: sg.stft(x, nperseg=8)[2])(stack), ss.stft(stack, nperseg=8)[2])
    _close(osc.jit(lambda x: sg.spectrogram(x, nperseg=8, mode="magnitude")[2])(stack[0]),
           ss.spectrogram(stack[0], nperseg=8, mode="magnitude")[2])
    z = ss.stft(stack, nperseg=8)[2]
    _close(osc.vmap(lambda z: sg.istft(z, nperseg=8)[1])(z), ss.istft(z, nperseg=8)[1])
    _close(osc.jit(lambda z: sg.istft(z, nperseg=8)[1])(z), ss.istft(z, nperseg=8)[1])
    _close(osc.vmap(lambda y: sg.lombscargle(T, y, F))(np.stack([Y, 2 * Y])),
           [ss.lombscargle(T, y, F) for y in (Y, 2 * Y)])
    _close(osc.jit(lambda t, y, w: sg.lombscargle(t, y, F, weights=w, floating_mean=True))(T, Y, W),
           ss.lombscargle(T, Y, F, weights=W, floating_mean=True))


def test_bad_arguments_get_clear_errors():
    with pytest.raises(ValueError, match="noverlap"):
        sg.stft(X40, nperseg=8, noverlap=8)
    with pytest.raises(ValueError, match="boundary"):
        sg.stft(X40, nperseg=8, boundary="wrap")
    with pytest.raises(ValueError, match="scaling"):
        sg.stft(X40, nperseg=8, scaling="density")
    with pytest.raises(ValueError, match="longer than input"):
        sg.stft(X40[:3], window=np.ones(4), nperseg=4)
    with pytest.raises(ValueError, match="mode"):
        sg.spectrogram(X40, nperseg=8, mode="power")
    with pytest.raises(ValueError, match="2d"):
        sg.istft(np.ones(5))
    with pytest.raises(ValueError, match="differing"):
        sg.istft(np.ones((5, 4)), time_axis=0, freq_axis=0)
    with pytest.raises(ValueError, match="equal non-zero length"):
        sg.lombscargle(T, Y[:-1], F)
    with pytest.raises(ValueError, match="non-negative"):
        sg.lombscargle(T, Y, F, weights=-W)
    with pytest.raises(ValueError, match="normalize"):
        sg.lombscargle(T, Y, F, normalize="amp")
