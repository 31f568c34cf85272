"""``osculate.scipy.signal`` against SciPy: values over modes, methods and
shapes, derivatives (second order, forward and reverse, against finite
differences) in every array argument, vmap and jit, errors, and the refusal
of plain ``scipy.signal`` on traced values."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal as ss

import osculate as osc
from osculate.ad.core import UnsupportedConversionError
from osculate.scipy import signal as sg
from osculate.testing import check_grads

RNG = np.random.default_rng(7)
MODES = ["full", "same", "valid"]
SHAPES = [((7,), (3,)), ((3,), (6,)), ((4,), (4,)), ((1,), (3,)), ((4, 5), (2, 3)), ((2, 3), (4, 5)),
          ((3, 4, 2), (2, 2, 2))]


def _close(actual, expected, rtol=1e-12):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=0, atol=rtol * scale)


def _data(shape, complex_=False, rng=RNG):
    x = rng.standard_normal(shape)
    return x + 1j * rng.standard_normal(shape) if complex_ else x


# --------------------------------------------------------------------------- convolutions: values

@pytest.mark.parametrize("s1, s2", SHAPES, ids=[f"{a}x{b}" for a, b in SHAPES])
@pytest.mark.parametrize("complex_", [False, True], ids=["real", "complex"])
def test_convolve_and_correlate_match_scipy(s1, s2, complex_):
    a, b = _data(s1, complex_), _data(s2, complex_)
    for mode in MODES:
        for method in ("auto", "direct", "fft"):
            for name in ("convolve", "correlate"):
                try:
                    want = getattr(ss, name)(a, b, mode=mode, method=method)
                except ValueError:
                    with pytest.raises(ValueError, match="valid"):
                        getattr(sg, name)(a, b, mode=mode, method=method)
                    continue
                _close(getattr(sg, name)(a, b, mode=mode, method=method), want)
        for name in ("fftconvolve", "oaconvolve"):
            try:
                want = getattr(ss, name)(a, b, mode=mode)
            except ValueError:
                continue
            _close(getattr(sg, name)(a, b, mode=mode), want)


@pytest.mark.parametrize("mode", MODES)
def test_fftconvolve_over_some_axes_broadcasts_the_others(mode):
    a, b = _data((3, 8)), _data((1, 4))
    _close(sg.fftconvolve(a, b, mode, axes=1), ss.fftconvolve(a, b, mode, axes=1))
    _close(sg.oaconvolve(a, b, mode, axes=[-1]), ss.oaconvolve(a, b, mode, axes=[-1]))


def test_integer_inputs_stay_exact_on_the_direct_route():
    a, b = np.arange(6), np.array([2, -1, 3])
    for fn in ("convolve", "correlate"):
        got, want = getattr(sg, fn)(a, b), getattr(ss, fn)(a, b)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_large_auto_takes_the_fft_route():
    a, b = _data((3000,)), _data((600,))
    _close(sg.convolve(a, b), ss.convolve(a, b))


# --------------------------------------------------------------------------- IIR filters: values

FILTERS = [([1.0], [1.0, -0.5]), ([0.2, 0.3, 0.1], [1.0]), ([0.5, 0.2], [2.0, -0.3, 0.1, 0.05]),
           ([0.1, 0.2, 0.3, 0.4, 0.1], [1.0, -0.9]), ([0.3], [0.5])]


@pytest.mark.parametrize("b, a", FILTERS, ids=[f"b{len(b)}a{len(a)}" for b, a in FILTERS])
@pytest.mark.parametrize("n", [1, 2, 5, 700])  # 700: several blocks of the triangular solve
def test_lfilter_matches_scipy(b, a, n):
    x = _data((3, n))
    _close(sg.lfilter(b, a, x), ss.lfilter(b, a, x))
    _close(sg.lfilter(b, a, x.T, axis=0), ss.lfilter(b, a, x.T, axis=0))
    order = max(len(a), len(b)) - 1
    zi = _data((3, order))
    y, zf = sg.lfilter(b, a, x, zi=zi)
    ry, rzf = ss.lfilter(b, a, x, zi=zi)
    _close(y, ry)
    _close(zf, rzf)


def test_lfilter_zi_and_filtfilt_match_scipy():
    for b, a in FILTERS[:4]:
        _close(sg.lfilter_zi(b, a), ss.lfilter_zi(b, a))
        x = _data((2, 40))
        for padtype in ("odd", "even", "constant", None):
            _close(sg.filtfilt(b, a, x, padtype=padtype), ss.filtfilt(b, a, x, padtype=padtype))
        _close(sg.filtfilt(b, a, x.T, axis=0, padlen=2), ss.filtfilt(b, a, x.T, axis=0, padlen=2))


def test_sosfilt_matches_scipy():
    sos = ss.butter(4, 0.2, output="sos")
    x = _data((2, 50))
    _close(sg.sosfilt(sos, x), ss.sosfilt(sos, x))
    zi = _data((2, 2, 2))
    y, zf = sg.sosfilt(sos, x, zi=zi)
    ry, rzf = ss.sosfilt(sos, x, zi=zi)
    _close(y, ry)
    _close(zf, rzf)
    x3, zi0 = _data((50, 3)), _data((2, 2, 3))
    for got, want in zip(sg.sosfilt(sos, x3, axis=0, zi=zi0), ss.sosfilt(sos, x3, axis=0, zi=zi0)):
        _close(got, want)


def test_lfilter_edge_cases_match_scipy():
    b, a = [1.0, 0.5, 0.2], [1.0, -0.3]
    for x in (np.zeros(0), np.zeros((3, 0))):
        np.testing.assert_array_equal(sg.lfilter(b, a, x), ss.lfilter(b, a, x))
    y, zf = sg.lfilter(b, a, np.zeros(0), zi=[1.0, 2.0])
    np.testing.assert_array_equal(zf, [1.0, 2.0])
    x, zi = _data((3, 6)), _data((1, 2))  # a zi length of 1 broadcasts, as in SciPy
    for got, want in zip(sg.lfilter(b, a, x, zi=zi), ss.lfilter(b, a, x, zi=zi)):
        _close(got, want)
    x32 = np.ones(5, np.float32)
    assert sg.convolve(x32, x32[:2]).dtype == ss.convolve(x32, x32[:2]).dtype == np.float32
    assert sg.fftconvolve(x32, x32[:2]).dtype == np.float32


@pytest.mark.parametrize("b, a", FILTERS + [tuple(ss.butter(4, 0.2))], ids=[f"b{len(b)}a{len(a)}" for b, a in FILTERS]
                         + ["butter4"])
def test_filtfilt_gust_matches_scipy(b, a):
    for shape, axis in (((40,), -1), ((3, 40), -1), ((40, 3), 0)):
        x = _data(shape)
        for irlen in (None, 10, 25):
            _close(sg.filtfilt(b, a, x, axis=axis, method="gust", irlen=irlen),
                   ss.filtfilt(b, a, x, axis=axis, method="gust", irlen=irlen))


def test_sosfilt_zi_and_sosfiltfilt_match_scipy():
    sections = [ss.butter(4, 0.2, output="sos"), ss.cheby1(3, 1, 0.3, output="sos"),
                ss.ellip(5, 1, 40, 0.25, output="sos"), np.array([[0.5, 0.5, 0.0, 1.0, -0.3, 0.0]])]
    for sos in sections:
        _close(sg.sosfilt_zi(sos), ss.sosfilt_zi(sos))
        x = _data((3, 60))
        for padtype in ("odd", "even", "constant", None):
            _close(sg.sosfiltfilt(sos, x, padtype=padtype), ss.sosfiltfilt(sos, x, padtype=padtype))
            _close(sg.sosfiltfilt(sos, x.T, axis=0, padtype=padtype, padlen=5),
                   ss.sosfiltfilt(sos, x.T, axis=0, padtype=padtype, padlen=5))


def test_hilbert_matches_scipy():
    for shape, axis in (((8,), -1), ((7,), 0), ((3, 9), 1), ((10, 3), 0)):
        x = _data(shape)
        for n in (None, 5, 12):
            _close(sg.hilbert(x, n, axis), ss.hilbert(x, n, axis))


def test_nan_propagates_like_scipy():
    x = np.array([1.0, 2.0, np.nan, 3.0, 4.0])
    np.testing.assert_array_equal(np.isnan(sg.lfilter([1.0], [1.0, -0.5], x)),
                                  np.isnan(ss.lfilter([1.0], [1.0, -0.5], x)))
    np.testing.assert_array_equal(np.isnan(sg.convolve(x, [1.0, 1.0], method="direct")),
                                  np.isnan(ss.convolve(x, [1.0, 1.0], method="direct")))


# --------------------------------------------------------------------------- Savitzky-Golay, detrend: values

@pytest.mark.parametrize("window", [1, 2, 3, 4, 5, 7, 11])
def test_savgol_matches_scipy(window):
    x = _data((3, 12))
    for polyorder in range(min(window, 5)):
        for deriv in range(3):
            for pos in (None, 0, window - 1):
                for use in ("conv", "dot"):
                    _close(sg.savgol_coeffs(window, polyorder, deriv, 0.5, pos, use),
                           ss.savgol_coeffs(window, polyorder, deriv, 0.5, pos, use))
            for mode in ("interp", "mirror", "constant", "nearest", "wrap"):
                _close(sg.savgol_filter(x, window, polyorder, deriv, 0.7, mode=mode, cval=0.4),
                       ss.savgol_filter(x, window, polyorder, deriv, 0.7, mode=mode, cval=0.4))
    _close(sg.savgol_filter(x.T, window, 0, axis=0), ss.savgol_filter(x.T, window, 0, axis=0))


def test_detrend_matches_scipy():
    x = _data((4, 20))
    for kind in ("linear", "constant"):
        for bp in (0, [5, 12], 7):
            _close(sg.detrend(x, type=kind, bp=bp), ss.detrend(x, type=kind, bp=bp))
            _close(sg.detrend(x.T, axis=0, type=kind, bp=bp), ss.detrend(x.T, axis=0, type=kind, bp=bp))


# --------------------------------------------------------------------------- derivatives

X7 = RNG.standard_normal(7)
W3 = RNG.standard_normal(3)
M45 = RNG.standard_normal((4, 5))
DERIVATIVES = {
    "convolve-direct-same": (lambda a, b: sg.convolve(a, b, mode="same", method="direct"),
                             (M45, RNG.standard_normal((2, 3)))),
    "convolve-fft-valid": (lambda a, b: sg.convolve(a, b, mode="valid", method="fft"),
                           (M45, RNG.standard_normal((2, 3)))),
    "correlate-direct": (lambda a, b: sg.correlate(a, b, method="direct"), (X7, W3)),
    "correlate-fft": (lambda a, b: sg.correlate(a, b, method="fft"), (X7, W3)),
    "correlate-complex": (lambda a, b: sg.correlate(a, b, mode="same"), (X7 + 1j * X7[::-1], W3 - 0.5j)),
    "fftconvolve-complex": (lambda a, b: sg.fftconvolve(a, b), (X7 + 1j * X7[::-1], W3)),
    "oaconvolve": (lambda a, b: sg.oaconvolve(a, b, mode="same"), (X7, W3)),
    "lfilter": (lambda b, a, x: sg.lfilter(b, a, x), (np.array([0.3, 0.2]), np.array([1.0, -0.4, 0.1]), X7)),
    "lfilter-zi": (lambda b, a, x, z: sg.lfilter(b, a, x, zi=z),
                   (np.array([0.3, 0.2]), np.array([1.2, -0.4, 0.1]), X7, np.array([0.1, -0.2]))),
    "lfilter-fir": (lambda b, a, x: sg.lfilter(b, a, x), (W3, np.array([2.0]), X7)),
    "lfilter-long": (lambda a, x: sg.lfilter([0.5], a, x), (np.array([1.0, -0.6]), RNG.standard_normal(300))),
    "lfilter_zi": (sg.lfilter_zi, (np.array([0.3, 0.2, 0.1]), np.array([1.2, -0.4, 0.1]))),
    "filtfilt": (lambda b, a, x: sg.filtfilt(b, a, x, padlen=3), (np.array([0.3, 0.2]), np.array([1.0, -0.4]), X7)),
    "filtfilt-gust": (lambda b, a, x: sg.filtfilt(b, a, x, method="gust"),
                      (np.array([0.3, 0.2]), np.array([1.0, -0.5, 0.1]), X7)),
    "filtfilt-gust-irlen": (lambda b, a, x: sg.filtfilt(b, a, x, method="gust", irlen=3),
                            (np.array([0.3, 0.2]), np.array([1.0, -0.5]), RNG.standard_normal(12))),
    "sosfilt": (sg.sosfilt, (np.array([[0.2, 0.3, 0.1, 1.0, -0.3, 0.1], [1.0, 0.5, 0.0, 1.0, 0.2, 0.0]]), X7)),
    "sosfilt_zi": (sg.sosfilt_zi, (ss.butter(4, 0.3, output="sos"),)),
    "sosfiltfilt": (sg.sosfiltfilt, (ss.butter(2, 0.3, output="sos"), RNG.standard_normal(20))),
    "hilbert": (sg.hilbert, (X7,)),
    "hilbert-envelope": (lambda x: np.abs(sg.hilbert(x, 10)), (X7,)),
    "savgol-interp": (lambda x, d: sg.savgol_filter(x, 5, 2, deriv=1, delta=d), (X7, np.array(0.7))),
    "savgol-mirror": (lambda x, c: sg.savgol_filter(x, 5, 3, mode="constant", cval=c), (X7, np.array(0.3))),
    "savgol_coeffs": (lambda d: sg.savgol_coeffs(5, 3, deriv=2, delta=d), (np.array(0.9),)),
    "detrend": (lambda x: sg.detrend(x, bp=3), (X7,)),
}


@pytest.mark.parametrize("name", list(DERIVATIVES))
def test_second_derivatives_match_finite_differences(name):
    f, args = DERIVATIVES[name]
    check_grads(f, args, order=2, modes=("fwd", "rev"))


def test_vmap_and_jit():
    f = lambda x: sg.lfilter([0.3, 0.2], [1.0, -0.4], x)  # noqa: E731
    np.testing.assert_allclose(osc.vmap(f)(M45), ss.lfilter([0.3, 0.2], [1.0, -0.4], M45), rtol=1e-13)
    jf = osc.jit(f)
    for x in (X7, X7 + 1.0):
        np.testing.assert_allclose(jf(x), f(x), rtol=1e-13)
    ja = osc.jit(lambda a, x: sg.lfilter([0.2, 0.1], a, x))  # a traced denominator, a[0] included
    for a in ([1.0, -0.5], [2.0, -0.3]):
        np.testing.assert_allclose(ja(np.array(a), X7), ss.lfilter([0.2, 0.1], a, X7), rtol=1e-13)
    sos = ss.butter(2, 0.3, output="sos")
    js = osc.jit(lambda s, x: sg.sosfiltfilt(s, x, padlen=4))
    np.testing.assert_allclose(js(sos, X7), ss.sosfiltfilt(sos, X7, padlen=4), rtol=1e-13)
    with pytest.raises(ValueError, match="padlen"):  # the default padlen looks at the zeros of sos
        osc.jit(sg.sosfiltfilt)(sos, X7)
    g = lambda a, b: sg.convolve(a, b, mode="same")  # noqa: E731
    np.testing.assert_allclose(osc.vmap(g, in_axes=(0, None))(M45, W3), [ss.convolve(r, W3, "same") for r in M45],
                               rtol=1e-13)
    np.testing.assert_allclose(osc.jit(g)(X7, W3), ss.convolve(X7, W3, "same"), rtol=1e-13)


def test_taylor_mode_and_hessian_sparsity():
    f = lambda x: np.sum(sg.lfilter([0.3, 0.2], [1.0, -0.4], x) ** 3)  # noqa: E731
    g = lambda x: np.sum(sg.convolve(x, np.array([1.0, -1.0])) ** 3)  # noqa: E731
    v = RNG.standard_normal(7)
    for fn in (f, g):
        h = osc.hessian(fn)(X7)
        np.testing.assert_allclose(osc.derivatives_along(fn, X7, v, 3)[2], v @ h @ v, rtol=1e-12)
        pattern = osc.hessian_sparsity(fn, X7)
        pattern = np.asarray(pattern.toarray() if hasattr(pattern, "toarray") else pattern)
        assert np.all(pattern[np.abs(h) > 1e-12])
    pattern = osc.hessian_sparsity(g, X7)
    assert not np.all(np.asarray(pattern.toarray() if hasattr(pattern, "toarray") else pattern))  # banded


def test_vmap_over_coefficients_and_states():
    x = RNG.standard_normal(300)  # two blocks of the triangular solve
    dens = np.array([[1.0, -0.5, 0.1], [2.0, 0.3, -0.2], [1.0, 0.0, 0.5]])
    _close(osc.vmap(lambda a: sg.lfilter([0.3, 0.2], a, x))(dens), [ss.lfilter([0.3, 0.2], a, x) for a in dens])
    _close(osc.vmap(lambda a: sg.filtfilt([0.3, 0.2], a, x))(dens), [ss.filtfilt([0.3, 0.2], a, x) for a in dens])
    states = RNG.standard_normal((3, 2))
    _close(osc.vmap(lambda z: sg.lfilter([0.3, 0.2], dens[0], x, zi=z)[1])(states),
           [ss.lfilter([0.3, 0.2], dens[0], x, zi=z)[1] for z in states])
    sos = np.stack([ss.butter(2, f, output="sos") for f in (0.1, 0.2, 0.3)])
    _close(osc.vmap(lambda s: sg.sosfilt(s, x))(sos), [ss.sosfilt(s, x) for s in sos])
    kernels = RNG.standard_normal((4, 3))
    _close(osc.vmap(lambda w: sg.convolve(x, w, mode="same"))(kernels),
           [ss.convolve(x, w, mode="same") for w in kernels])
    _close(osc.vmap(lambda w: sg.fftconvolve(x, w, mode="valid"))(kernels),
           [ss.fftconvolve(x, w, mode="valid") for w in kernels])


# --------------------------------------------------------------------------- errors

def test_plain_scipy_on_a_tracer_names_the_osculate_function():
    refusal = r"scipy\.signal\.convolve .*osculate\.scipy\.signal\.convolve"
    with pytest.raises(UnsupportedConversionError, match=refusal):
        osc.grad(lambda x: np.sum(ss.convolve(x, np.ones(3))))(X7)
    with pytest.raises(UnsupportedConversionError, match=r"osculate\.scipy\.signal\.lfilter"):
        osc.grad(lambda x: np.sum(ss.lfilter([1.0], [1.0, 0.5], x)))(X7)


def test_bad_arguments_get_one_line_errors():
    with pytest.raises(ValueError, match="mode"):
        sg.convolve(X7, W3, mode="middle")
    with pytest.raises(ValueError, match="method"):
        sg.correlate(X7, W3, method="fast")
    with pytest.raises(ValueError, match="dimensionality"):
        sg.convolve(X7, M45)
    with pytest.raises(ValueError, match="valid"):
        sg.convolve(np.ones((2, 5)), np.ones((3, 2)), mode="valid")
    with pytest.raises(ValueError, match="a\\[0\\]"):
        sg.lfilter([1.0], [0.0, 1.0], X7)
    with pytest.raises(ValueError, match="zi"):
        sg.lfilter([1.0, 0.5], [1.0], X7, zi=np.ones(3))
    with pytest.raises(ValueError, match="padlen"):
        sg.filtfilt([1.0], [1.0, 0.5], X7[:5])
    with pytest.raises(ValueError, match="method"):
        sg.filtfilt([1.0], [1.0, 0.5], X7, method="pad-more")
    with pytest.raises(ValueError, match="polyorder"):
        sg.savgol_coeffs(3, 3)
    with pytest.raises(ValueError, match="window_length"):
        sg.savgol_filter(X7, 9, 2)
    with pytest.raises(ValueError, match="sos"):
        sg.sosfilt(np.ones((2, 5)), X7)
    with pytest.raises(ValueError, match="section"):
        sg.sosfilt(np.zeros((0, 6)), X7)
    with pytest.raises(ValueError, match="zi"):
        sg.lfilter([1.0, 0.5], [1.0], M45, zi=np.ones(1))  # one axis short, as SciPy refuses
    with pytest.raises(ValueError, match="type"):
        sg.detrend(X7, type="quadratic")
    with pytest.raises(ValueError, match="real"):
        sg.hilbert(X7 + 1j)
    with pytest.raises(ValueError, match="N must be"):
        sg.hilbert(X7, 0)
