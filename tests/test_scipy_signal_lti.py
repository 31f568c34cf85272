"""``osculate.scipy.signal``'s frequency responses (``freqz``,
``freqz_sos``/``sosfreqz``, ``freqs``) against SciPy: values over the
frequency options, derivatives of the complex responses in the
coefficients against finite differences, vmap and jit, and errors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal as ss

import osculate as osc
from osculate.scipy import signal as sg
from osculate.testing import check_grads

RNG = np.random.default_rng(9)
BUTTER = ss.butter(4, 0.3)


def _close(actual, expected, tol=1e-11):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=0, atol=tol * scale)


@pytest.mark.parametrize("worN", [512, 7, 1, 0, np.array([0.1, 0.3, 2.0])], ids=["512", "7", "1", "0", "array"])
def test_freqz_matches_scipy(worN):
    filters = [BUTTER, (BUTTER[0], 1), ([0.2, 0.5 + 0.1j], [1.0, -0.3]), (np.array([1, 2, 3]), np.array([4]))]
    for b, a in filters:
        for whole in (False, True):
            for include_nyquist in (False, True):
                for fs in (2 * np.pi, 100.0):
                    got = sg.freqz(b, a, worN, whole, fs=fs, include_nyquist=include_nyquist)
                    want = ss.freqz(b, a, worN, whole, fs=fs, include_nyquist=include_nyquist)
                    _close(got[0], want[0])
                    _close(got[1], want[1])


def test_freqz_sos_and_freqs_match_scipy():
    sos = ss.butter(6, 0.2, output="sos")
    for worN in (512, 9, np.array([0.0, 0.5])):
        for whole in (False, True):
            for got, want in zip(sg.freqz_sos(sos, worN, whole, fs=10.0), ss.freqz_sos(sos, worN, whole, fs=10.0)):
                _close(got, want)
            _close(sg.sosfreqz(sos, worN, whole)[1], ss.sosfreqz(sos, worN, whole)[1])
    b, a = ss.butter(3, 2.0, analog=True)
    for worN in (200, 5, np.linspace(0.0, 5.0, 7)):
        for got, want in zip(sg.freqs(b, a, worN), ss.freqs(b, a, worN)):
            _close(got, want)
    seen = []
    sg.freqz(*BUTTER, worN=4, plot=lambda w, h: seen.append((w, h)))
    assert len(seen) == 1 and seen[0][1].shape == (4,)


W5 = np.array([0.1, 0.7, 1.5, 2.9, 3.1])
DERIVATIVES = {
    "freqz": (lambda b, a: sg.freqz(b, a, worN=W5)[1], (np.array([0.2, 0.3, 0.1]), np.array([1.2, -0.4, 0.1]))),
    "freqz-count": (lambda b, a: sg.freqz(b, a, worN=6, whole=True)[1], (np.array([0.2, 0.3]), np.array([1.0, -0.5]))),
    "freqz-complex-b": (lambda b: sg.freqz(b, [1.0, -0.3], worN=W5)[1], (np.array([0.2 + 0.1j, 0.5 - 0.2j]),)),
    "freqz-magnitude-db": (lambda b, a: 20 * np.log10(np.abs(sg.freqz(b, a, worN=W5)[1])),
                           (np.array([0.2, 0.3, 0.1]), np.array([1.2, -0.4, 0.1]))),
    "freqz_sos": (lambda s: sg.freqz_sos(s, worN=W5)[1], (ss.butter(4, 0.3, output="sos"),)),
    "freqs": (lambda b, a: sg.freqs(b, a, worN=W5)[1], (np.array([1.0, 0.5]), np.array([1.0, 1.4, 1.0]))),
}


@pytest.mark.parametrize("name", list(DERIVATIVES))
def test_second_derivatives_match_finite_differences(name):
    f, args = DERIVATIVES[name]
    check_grads(f, args, order=2, modes=("fwd", "rev"))


def test_vmap_and_jit():
    dens = np.array([[1.0, -0.5, 0.1], [2.0, 0.3, -0.2], [1.0, 0.0, 0.5]])
    _close(osc.vmap(lambda a: sg.freqz([0.3, 0.2], a, 16)[1])(dens), [ss.freqz([0.3, 0.2], a, 16)[1] for a in dens])
    _close(osc.jit(lambda b, a: sg.freqz(b, a, 16)[1])(*BUTTER), ss.freqz(*BUTTER, 16)[1])
    sos = np.stack([ss.butter(2, f, output="sos") for f in (0.1, 0.2, 0.3)])
    _close(osc.vmap(lambda s: sg.freqz_sos(s, 8)[1])(sos), [ss.freqz_sos(s, 8)[1] for s in sos])
    b, a = ss.butter(3, 2.0, analog=True)
    _close(osc.jit(lambda b, a: sg.freqs(b, a, W5)[1])(b, a), ss.freqs(b, a, W5)[1])


def test_bad_arguments_get_clear_errors():
    with pytest.raises(ValueError, match="1-d"):
        sg.freqz(np.ones((2, 3)), 1.0)
    with pytest.raises(ValueError, match="worN"):
        sg.freqz([1.0], 1.0, worN=-1)
    with pytest.raises(ValueError, match="fs"):
        sg.freqz([1.0], 1.0, fs=0.0)
    with pytest.raises(ValueError, match="sos"):
        sg.freqz_sos(np.ones((2, 5)))
    with pytest.raises(ValueError, match="worN"):  # a count needs the roots' values
        osc.jit(lambda b: sg.freqs(b, [1.0, 1.0])[1])(np.array([1.0]))
