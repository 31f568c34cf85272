"""``osculate.scipy.signal``'s waveforms against SciPy: values over methods
and options, derivatives in the times and every float parameter against
finite differences, vmap and jit, and errors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal as ss

import osculate as osc
from osculate.scipy import signal as sg
from osculate.testing import check_grads

T = np.linspace(-0.3, 2.1, 13)
METHODS = ["linear", "quadratic", "logarithmic", "hyperbolic"]


@pytest.mark.parametrize("method", METHODS)
def test_chirp_matches_scipy(method):
    for vertex_zero in (True, False):
        for complex_ in (False, True):
            np.testing.assert_allclose(sg.chirp(T, 1.5, 1.2, 4.0, method, 30, vertex_zero, complex=complex_),
                                       ss.chirp(T, 1.5, 1.2, 4.0, method, 30, vertex_zero, complex=complex_),
                                       rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sg.chirp(T, 2.0, 1.0, 2.0, method), ss.chirp(T, 2.0, 1.0, 2.0, method), rtol=1e-12,
                               atol=1e-12)  # a constant frequency
    np.testing.assert_allclose(osc.jit(lambda f: sg.chirp(T, f, 1.0, f, method))(2.0),
                               ss.chirp(T, 2.0, 1.0, 2.0, method), rtol=1e-12, atol=1e-12)


def test_gausspulse_matches_scipy():
    t = np.linspace(-1e-3, 1e-3, 11)
    for retquad in (False, True):
        for retenv in (False, True):
            got = sg.gausspulse(t, 2000, 0.4, -5, -50, retquad, retenv)
            want = ss.gausspulse(t, 2000, 0.4, -5, -50, retquad, retenv)
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(sg.gausspulse("cutoff", 2000, 0.4, -5, -50), ss.gausspulse("cutoff", 2000, 0.4, -5, -50),
                               rtol=1e-13)
    np.testing.assert_allclose(sg.gausspulse(t), ss.gausspulse(t), rtol=1e-12, atol=1e-14)


def test_sawtooth_square_and_unit_impulse_match_scipy():
    t = np.linspace(-7.0, 20.0, 50)
    for w in (0.0, 0.3, 0.5, 1.0, 1.2, -0.1):
        np.testing.assert_allclose(sg.sawtooth(t, w), ss.sawtooth(t, w), rtol=1e-13, atol=1e-14)
        np.testing.assert_array_equal(sg.square(t, w), ss.square(t, w))
    widths = np.linspace(0.0, 1.0, 50)
    np.testing.assert_allclose(sg.sawtooth(t, widths), ss.sawtooth(t, widths), rtol=1e-13, atol=1e-14)
    np.testing.assert_array_equal(sg.square(t, widths), ss.square(t, widths))
    np.testing.assert_array_equal(sg.unit_impulse((3, 3), "mid"), ss.unit_impulse((3, 3), "mid"))


DERIVATIVES = {
    **{f"chirp-{m}": (lambda t, f0, t1, f1, phi, m=m: sg.chirp(t, f0, t1, f1, m, phi),
                      (T[1:6], np.array(1.5), np.array(1.2), np.array(4.0), np.array(20.0))) for m in METHODS},
    "chirp-quadratic-vertex-t1": (lambda t, f1: sg.chirp(t, 1.0, 1.3, f1, "quadratic", vertex_zero=False),
                                  (T[1:6], np.array(2.5))),
    "chirp-complex": (lambda t, f1: sg.chirp(t, 1.0, 1.3, f1, complex=True), (T[1:6], np.array(2.5))),
    "gausspulse": (lambda t, fc, bw: sg.gausspulse(t, fc, bw, retquad=True, retenv=True),
                   (np.linspace(-1.0, 1.0, 5), np.array(1.5), np.array(0.6))),
    "gausspulse-cutoff": (lambda fc, bwr, tpr: sg.gausspulse("cutoff", fc, 0.5, bwr, tpr),
                          (np.array(1.5), np.array(-6.0), np.array(-40.0))),
    "sawtooth": (sg.sawtooth, (np.array([0.4, 2.0, 4.5, 7.0, -1.0]), np.array(0.6))),
}


@pytest.mark.parametrize("name", list(DERIVATIVES))
def test_second_derivatives_match_finite_differences(name):
    f, args = DERIVATIVES[name]
    check_grads(f, args, order=2, modes=("fwd", "rev"))


def test_square_is_piecewise_constant_and_everything_maps():
    t = np.array([0.4, 2.0, 4.5, 7.0])
    np.testing.assert_array_equal(osc.grad(lambda t: np.sum(sg.square(t, 0.3)))(t), np.zeros(4))
    freqs = np.array([1.0, 2.0, 3.5])
    np.testing.assert_allclose(osc.vmap(lambda f: sg.chirp(T, 1.0, 1.0, f, "logarithmic"))(freqs),
                               [ss.chirp(T, 1.0, 1.0, f, "logarithmic") for f in freqs], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(osc.vmap(lambda w: sg.sawtooth(T, w))(np.array([0.2, 0.5])),
                               [ss.sawtooth(T, w) for w in (0.2, 0.5)], rtol=1e-13, atol=1e-14)
    np.testing.assert_array_equal(osc.jit(sg.square)(T), ss.square(T))
    np.testing.assert_allclose(osc.jit(lambda t, fc: sg.gausspulse(t, fc))(T * 1e-3, 900.0),
                               ss.gausspulse(T * 1e-3, 900.0), rtol=1e-12, atol=1e-14)


def test_bad_arguments_get_clear_errors():
    with pytest.raises(ValueError, match="method"):
        sg.chirp(T, 1.0, 1.0, 2.0, "cubic")
    with pytest.raises(ValueError, match="same sign"):
        sg.chirp(T, 1.0, 1.0, -2.0, "logarithmic")
    with pytest.raises(ValueError, match="nonzero"):
        sg.chirp(T, 0.0, 1.0, 2.0, "hyperbolic")
    with pytest.raises(ValueError, match="bw"):
        sg.gausspulse(T, bw=0.0)
    with pytest.raises(ValueError, match="cutoff"):
        sg.gausspulse("start")
