"""``osculate.scipy.signal``'s averaged spectra (``csd``, ``welch``,
``periodogram``, ``coherence``) against SciPy: values over windows,
overlaps, detrending, scaling, sidedness and averaging, second derivatives
against finite differences, vmap and jit, and errors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal as ss

import osculate as osc
from osculate.scipy import signal as sg
from osculate.testing import check_grads

RNG = np.random.default_rng(13)
WINDOWS = [("hann_periodic", 32), ("hann", 16), (("kaiser", 3.0), 20), (RNG.uniform(0.5, 1.0, 12), None)]


def _close(actual, expected, tol=1e-11):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=0, atol=tol * scale)


@pytest.mark.parametrize("shape, axis", [((64,), -1), ((3, 50), -1), ((50, 2), 0)], ids=["1d", "rows", "axis0"])
@pytest.mark.parametrize("complex_", [False, True], ids=["real", "complex"])
def test_welch_and_csd_match_scipy(shape, axis, complex_):
    x = RNG.standard_normal(shape) + (1j * RNG.standard_normal(shape) if complex_ else 0)
    y = RNG.standard_normal(shape)
    for window, nperseg in WINDOWS:
        for noverlap in (None, 3):
            for detrend in ("constant", "linear", False):
                for scaling in ("density", "spectrum"):
                    for onesided in (True, False):
                        for average in ("mean", "median"):
                            kw = dict(fs=3.0, window=window, nperseg=nperseg, noverlap=noverlap, nfft=None if
                                      noverlap is None else 70, detrend=detrend, return_onesided=onesided,
                                      scaling=scaling, axis=axis, average=average)
                            for name, args in (("welch", (x,)), ("csd", (x, y))):
                                for got, want in zip(getattr(sg, name)(*args, **kw), getattr(ss, name)(*args, **kw)):
                                    _close(got, want)


def test_periodogram_and_coherence_match_scipy():
    x, y = RNG.standard_normal((3, 40)), RNG.standard_normal((3, 40))
    for nfft in (None, 40, 30, 64):
        for window in ("boxcar", "hann", None):
            for detrend in ("constant", "linear"):
                for scaling in ("density", "spectrum"):
                    for got, want in zip(sg.periodogram(x, 2.0, window, nfft, detrend, True, scaling),
                                         ss.periodogram(x, 2.0, window, nfft, detrend, True, scaling)):
                        _close(got, want)
    _close(sg.periodogram(x.T, axis=0, return_onesided=False)[1], ss.periodogram(x.T, axis=0, return_onesided=False)[1])
    for got, want in zip(sg.coherence(x, x + y, nperseg=16), ss.coherence(x, x + y, nperseg=16)):
        _close(got, want)
    half = lambda d: d - np.mean(d, axis=-1, keepdims=True) * 0.5  # noqa: E731 (a detrend function)
    _close(sg.welch(x, detrend=half, nperseg=8)[1], ss.welch(x, detrend=half, nperseg=8)[1])
    with pytest.warns(UserWarning, match="nperseg"):  # the default 256 is longer than the signal, as SciPy warns
        got = sg.welch(x[0])
    with pytest.warns(UserWarning, match="nperseg"):
        want = ss.welch(x[0])
    _close(got[1], want[1])


X40 = RNG.standard_normal(40)
DERIVATIVES = {
    "welch": (lambda x: sg.welch(x, nperseg=16)[1], (X40,)),
    "welch-window-fs": (lambda x, w, fs: sg.welch(x, fs=fs, window=w, detrend="linear")[1],
                        (X40, RNG.uniform(0.5, 1.0, 12), np.array(2.0))),
    "welch-median": (lambda x: sg.welch(x, nperseg=8, average="median")[1], (X40,)),
    "csd": (lambda x, y: sg.csd(x, y, nperseg=16, scaling="spectrum")[1], (X40, RNG.standard_normal(40))),
    "csd-complex": (lambda x, y: sg.csd(x, y, nperseg=16)[1], (X40 + 1j * X40[::-1], RNG.standard_normal(40))),
    "periodogram": (lambda x: sg.periodogram(x, window="hann")[1], (X40[:15],)),
    "coherence": (lambda x, y: sg.coherence(x, y, nperseg=16)[1], (X40, X40 + RNG.standard_normal(40))),
}


@pytest.mark.parametrize("name", list(DERIVATIVES))
def test_second_derivatives_match_finite_differences(name):
    f, args = DERIVATIVES[name]
    check_grads(f, args, order=2, modes=("fwd", "rev"))


def test_vmap_and_jit():
    stack = RNG.standard_normal((3, 40))
    _close(osc.vmap(lambda x: sg.welch(x, nperseg=16)[1])(stack), ss.welch(stack, nperseg=16)[1])
    _close(osc.jit(lambda x: sg.periodogram(x, window="hann")[1])(stack[0]), ss.periodogram(stack[0], window="hann")[1])
    _close(osc.jit(lambda x, y: sg.coherence(x, y, nperseg=8)[1])(stack[0], stack[1]),
           ss.coherence(stack[0], stack[1], nperseg=8)[1])
    _close(osc.vmap(lambda x: sg.welch(x, nperseg=8, average="median")[1])(stack),
           ss.welch(stack, nperseg=8, average="median")[1])


def test_bad_arguments_get_clear_errors():
    with pytest.raises(ValueError, match="noverlap"):
        sg.welch(X40, nperseg=8, noverlap=8)
    with pytest.raises(ValueError, match="nfft"):
        sg.welch(X40, nperseg=16, nfft=8)
    with pytest.raises(ValueError, match="scaling"):
        sg.welch(X40, nperseg=8, scaling="power")
    with pytest.raises(ValueError, match="average"):
        sg.csd(X40, X40, nperseg=8, average="mode")
    with pytest.raises(ValueError, match="window"):
        sg.periodogram(X40, window=np.ones(3))
    with pytest.raises(ValueError, match="broadcast"):
        sg.csd(np.ones((2, 10)), np.ones((3, 10)), nperseg=4)
