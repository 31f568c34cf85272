"""Filter design on traced parameters (osculate.scipy.signal's _filter_design):
values against SciPy, derivatives against finite differences, jit and vmap."""

import numpy as np
import pytest
import scipy.signal as ss

import osculate as osc
from osculate.ad import numpy as onp
from osculate.ad.core import Tracer
from osculate.scipy import signal as S
from osculate.testing import check_grads

BANDS = [("low", 0.3), ("high", 0.3), ("bandpass", [0.2, 0.5]), ("bandstop", [0.2, 0.5])]


def _traced_value(f, x):
    """``f`` evaluated with ``x`` traced (forward mode), the primal output."""
    return osc.jvp(f, (x,), (1.0,))[0]


def _same(got, want):
    got = got if isinstance(got, tuple) else (got,)
    want = want if isinstance(want, tuple) else (want,)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert not isinstance(g, Tracer)
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-11, atol=1e-13)


def _cut(W, t):
    return t if np.ndim(W) == 0 else [t, W[1]]


@pytest.mark.parametrize("output", ["ba", "zpk", "sos"])
@pytest.mark.parametrize("btype,W", BANDS)
def test_designs_match_scipy(output, btype, W):
    w0 = 0.3 if np.ndim(W) == 0 else 0.2
    cases = [
        (lambda t: S.butter(3, _cut(W, t), btype, output=output), lambda t: ss.butter(3, _cut(W, t), btype, output=output), w0),
        (lambda t: S.cheby1(4, t, W, btype, output=output), lambda t: ss.cheby1(4, t, W, btype, output=output), 1.0),
        (lambda t: S.cheby2(3, t, W, btype, output=output), lambda t: ss.cheby2(3, t, W, btype, output=output), 30.0),
        (lambda t: S.ellip(3, 1, 40, _cut(W, t), btype, output=output),
         lambda t: ss.ellip(3, 1, 40, _cut(W, t), btype, output=output), w0),
        (lambda t: S.bessel(3, _cut(W, t), btype, output=output), lambda t: ss.bessel(3, _cut(W, t), btype, output=output), w0),
    ]
    for ours, theirs, x in cases:
        _same(_traced_value(ours, x), theirs(x))


def test_analog_fs_notch_peak_comb_match_scipy():
    _same(_traced_value(lambda t: S.butter(3, t, analog=True), 2.0), ss.butter(3, 2.0, analog=True))
    _same(_traced_value(lambda t: S.iirfilter(4, t, rp=1, btype="low", ftype="cheby1", analog=True, output="zpk"), 2.0),
          ss.iirfilter(4, 2.0, rp=1, btype="low", ftype="cheby1", analog=True, output="zpk"))
    _same(_traced_value(lambda t: S.butter(3, 100.0, fs=t), 1000.0), ss.butter(3, 100.0, fs=1000.0))
    _same(_traced_value(lambda t: S.iirnotch(t, 10.0), 0.3), ss.iirnotch(0.3, 10.0))
    _same(_traced_value(lambda t: S.iirpeak(0.3, t, fs=3.0), 8.0), ss.iirpeak(0.3, 8.0, fs=3.0))
    for ftype in ("notch", "peak"):
        for pz in (False, True):
            _same(_traced_value(lambda t: S.iircomb(0.25, t, ftype, pass_zero=pz), 8.0),
                  ss.iircomb(0.25, 8.0, ftype, pass_zero=pz))


B, A = [1.0, 2.0, 0.5], [1.0, 0.4, 0.3, 0.1]
Z, P = [-1.0 + 0.5j, -1 - 0.5j], [-2, -0.5 + 1j, -0.5 - 1j]


def test_transforms_match_scipy():
    for name in ("lp2lp", "lp2hp"):
        _same(_traced_value(lambda t: getattr(S, name)(B, A, t), 1.7), getattr(ss, name)(B, A, 1.7))
        _same(_traced_value(lambda t: getattr(S, name + "_zpk")(Z, P, 3.0, t), 1.7),
              getattr(ss, name + "_zpk")(Z, P, 3.0, 1.7))
    for name in ("lp2bp", "lp2bs"):
        _same(_traced_value(lambda t: getattr(S, name)(B, A, t, 0.6), 1.7), getattr(ss, name)(B, A, 1.7, 0.6))
        _same(_traced_value(lambda t: getattr(S, name + "_zpk")(Z, P, 3.0, 1.2, t), 0.7),
              getattr(ss, name + "_zpk")(Z, P, 3.0, 1.2, 0.7))
    _same(_traced_value(lambda t: S.bilinear(B, A, t), 3.0), ss.bilinear(B, A, 3.0))
    _same(_traced_value(lambda t: S.bilinear([1.0, t], A, 3.0), 0.4), ss.bilinear([1.0, 0.4], A, 3.0))
    _same(_traced_value(lambda t: S.bilinear_zpk([-1.0], P, 3.0, t), 3.0), ss.bilinear_zpk([-1.0], P, 3.0, 3.0))


def test_conversions_match_scipy():
    _same(_traced_value(lambda t: S.zpk2tf([-1.0, t], [t * 0.5 + 1j, t * 0.5 - 1j], 3.0), -0.4),
          ss.zpk2tf([-1.0, -0.4], [-0.2 + 1j, -0.2 - 1j], 3.0))
    _same(_traced_value(lambda t: S.tf2zpk([2.0, t, 1.0], [1.0, 0.3, t * 0.1]), 0.4),
          ss.tf2zpk([2.0, 0.4, 1.0], [1.0, 0.3, 0.04]))
    _same(_traced_value(lambda t: S.normalize([2.0, t, 1.0], [t, 0.3, 0.1]), 0.4),
          ss.normalize([2.0, 0.4, 1.0], [0.4, 0.3, 0.1]))
    sos = ss.cheby1(4, 1.0, 0.3, output="sos")
    scaled = lambda t: onp.concatenate([sos[:, :1] * t, sos[:, 1:]], axis=1)  # noqa: E731
    _same(_traced_value(lambda t: S.sos2tf(scaled(t)), 0.4),
          ss.sos2tf(np.concatenate([sos[:, :1] * 0.4, sos[:, 1:]], axis=1)))
    _same(_traced_value(lambda t: S.tf2sos([1.0, t, 1.0, 0.5], [1.0, 0.3, 0.2, 0.1]), 0.4),
          ss.tf2sos([1.0, 0.4, 1.0, 0.5], [1.0, 0.3, 0.2, 0.1]))
    z1, p1 = np.array([-1, -0.5 - 0.5j, -0.5 + 0.5j]), np.array([0.75, 0.8 + 0.1j, 0.8 - 0.1j])
    for pairing in ("nearest", "keep_odd", "minimal"):
        _same(_traced_value(lambda t: S.zpk2sos(z1, p1 * t, 1.5, pairing=pairing), 1.0),
              ss.zpk2sos(z1, p1, 1.5, pairing=pairing))


def test_fir_match_scipy():
    for pz in (True, False):
        _same(_traced_value(lambda t: S.firwin(11, t, pass_zero=pz), 0.3), ss.firwin(11, 0.3, pass_zero=pz))
        _same(_traced_value(lambda t: S.firwin(11, [t, 0.6], pass_zero=pz), 0.3), ss.firwin(11, [0.3, 0.6], pass_zero=pz))
    _same(_traced_value(lambda t: S.firwin(11, t, width=0.1, fs=3.0), 0.5), ss.firwin(11, 0.5, width=0.1, fs=3.0))
    _same(_traced_value(lambda t: S.firwin(11, [t, 0.6], scale=False, window="hann"), 0.3),
          ss.firwin(11, [0.3, 0.6], scale=False, window="hann"))
    _same(_traced_value(lambda t: S.firls(11, [0, t, 0.5, 1], [1, 1, 0, 0]), 0.3), ss.firls(11, [0, 0.3, 0.5, 1], [1, 1, 0, 0]))
    _same(_traced_value(lambda t: S.firls(9, [0, 0.3, 0.5, 1], [1, t, 0, 0.2], weight=[1, 3]), 0.7),
          ss.firls(9, [0, 0.3, 0.5, 1], [1, 0.7, 0, 0.2], weight=[1, 3]))


def test_plain_inputs_are_scipy():
    np.testing.assert_array_equal(S.butter(4, 0.2)[0], ss.butter(4, 0.2)[0])
    np.testing.assert_array_equal(S.firwin(7, 0.4), ss.firwin(7, 0.4))


# --------------------------------------------------------------------------- derivatives

def test_grads_designs_second_order():
    check_grads(lambda w: S.butter(3, w)[0] + S.butter(3, w)[1], (np.array(0.3),), order=2)
    check_grads(lambda w: S.butter(2, w, "bandpass", output="sos"), (np.array([0.2, 0.5]),), order=2)
    check_grads(lambda rp: S.cheby1(3, rp, 0.3)[1], (np.array(1.0),), order=2)
    check_grads(lambda rs: S.cheby2(4, rs, [0.2, 0.4], "bandstop")[0], (np.array(30.0),), order=2)
    check_grads(lambda w: S.ellip(3, 1.0, 40.0, w, "high", output="sos"), (np.array(0.3),), order=2)
    check_grads(lambda w: S.bessel(3, w, output="zpk")[1], (np.array(0.3),), order=2)
    check_grads(lambda q: onp.concatenate(S.iirnotch(0.3, q)), (np.array(10.0),), order=2)
    check_grads(lambda w0, q: onp.concatenate(S.iirpeak(w0, q, fs=3.0)), (np.array(0.3), np.array(8.0)), order=2)
    check_grads(lambda q: onp.concatenate(S.iircomb(0.25, q, "peak")), (np.array(8.0),), order=2)


def test_grads_conversions_and_fir():
    check_grads(lambda wo: S.lp2bp(B, A, wo, 0.6)[1], (np.array(1.7),), order=2)
    check_grads(lambda wo: S.lp2bs(B, A, wo, 0.6)[0], (np.array(1.7),), order=2)
    check_grads(lambda wo: S.lp2hp(B, A, wo)[0], (np.array(1.7),), order=2)
    check_grads(lambda fs: S.bilinear(B, A, fs)[0], (np.array(3.0),), order=2)
    check_grads(lambda c: S.tf2zpk(onp.concatenate([np.ones(1), c]), A)[0], (np.array([0.4, 1.0]),), order=2)
    check_grads(lambda c: S.firwin(11, c, pass_zero=False), (np.array([0.3, 0.6]),), order=2)
    check_grads(lambda bd: S.firls(9, bd, [1, 1, 0, 0]), (np.array([0.05, 0.3, 0.5, 0.9]),), order=2)


def test_design_matches_finite_differences_of_scipy():
    eps = 1e-6
    d = osc.jacfwd(lambda w: S.butter(4, w, output="sos"))(0.3)
    fd = (ss.butter(4, 0.3 + eps, output="sos") - ss.butter(4, 0.3 - eps, output="sos")) / (2 * eps)
    np.testing.assert_allclose(d, fd, rtol=1e-6, atol=1e-8)
    d = osc.jacfwd(lambda rp: S.cheby1(4, rp, [0.2, 0.4], "bandpass")[1])(1.0)
    fd = (ss.cheby1(4, 1.0 + eps, [0.2, 0.4], "bandpass")[1] - ss.cheby1(4, 1.0 - eps, [0.2, 0.4], "bandpass")[1]) / (2 * eps)
    np.testing.assert_allclose(d, fd, rtol=1e-6, atol=1e-8)


def test_jit_and_vmap_ba():
    f = lambda w: S.butter(3, w)[0]  # noqa: E731
    ws = np.array([0.2, 0.3, 0.45])
    np.testing.assert_allclose(osc.vmap(f)(ws), np.stack([ss.butter(3, w)[0] for w in ws]), rtol=1e-11)
    np.testing.assert_allclose(osc.jit(f)(0.3), ss.butter(3, 0.3)[0], rtol=1e-11)
    g = lambda q: S.iirnotch(0.3, q)[1]  # noqa: E731
    np.testing.assert_allclose(osc.jit(osc.grad(lambda q: g(q)[1]))(10.0), osc.grad(lambda q: g(q)[1])(10.0), rtol=1e-12)


def test_errors():
    with pytest.raises(ValueError, match="traced rp or rs"):
        osc.grad(lambda rp: S.ellip(3, rp, 40.0, 0.3)[0][0])(1.0)
    with pytest.raises(ValueError, match="order N"):
        osc.grad(lambda n: S.butter(n, 0.3)[0][0])(3.0)
    with pytest.raises(ValueError, match="0 < Wn < 1"):
        osc.grad(lambda w: S.butter(3, w)[0][0])(1.3)
    with pytest.raises(ValueError, match="improper"):
        osc.grad(lambda w: S.lp2lp_zpk([1.0, 2.0], [1.0], 1.0, w)[2])(1.0)


# --------------------------------------------------------------------------- firwin2

FIRWIN2_CASES = [
    (21, [0.0, 0.3, 0.6, 1.0], [1.0, 1.2, 0.4, 0.0], {}),                       # type I
    (20, [0.0, 0.25, 0.5, 1.0], [0.8, 1.0, 0.3, 0.0], {"window": None}),        # type II
    (19, [0.0, 0.3, 0.7, 1.0], [0.0, 1.0, 0.5, 0.0], {"antisymmetric": True}),  # type III
    (18, [0.0, 0.4, 0.4, 1.0], [0.0, 1.0, 0.5, 0.7], {"antisymmetric": True}),  # type IV, a jump at 0.4
    (25, [0.0, 20.0, 30.0, 50.0], [1.0, 1.0, 0.0, 0.0], {"fs": 100.0, "nfreqs": 129}),
]


@pytest.mark.parametrize("numtaps, freq, gain, kw", FIRWIN2_CASES)
def test_firwin2_values_and_derivatives(numtaps, freq, gain, kw):
    freq, gain = np.array(freq), np.array(gain)
    want = ss.firwin2(numtaps, freq, gain, **kw)
    got = osc.jvp(lambda g: S.firwin2(numtaps, freq, g, **kw), (gain,), (np.zeros_like(gain),))[0]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-13)
    J = osc.jacfwd(lambda g: S.firwin2(numtaps, freq, g, **kw))(gain)   # linear in the gains
    np.testing.assert_allclose(J @ gain, want, rtol=0, atol=1e-13)
    for k, e in enumerate(np.eye(len(gain))):   # (SciPy refuses a unit gain where the filter type needs a zero)
        if (kw.get("antisymmetric") and k == 0) or (numtaps % 2 == 0) != bool(kw.get("antisymmetric")) and k == len(gain) - 1 \
                or (kw.get("antisymmetric") and numtaps % 2 == 1 and k in (0, len(gain) - 1)):
            continue
        np.testing.assert_allclose(J[:, k], ss.firwin2(numtaps, freq, e, **kw), rtol=0, atol=1e-13)
    # in the interior frequencies (the ends are fixed at 0 and fs/2), where no node sits on a point of
    # the interpolation grid (there the response has a kink, and central differences average its two sides)
    inner = np.arange(1, len(freq) - 1)
    nfreqs = kw.get("nfreqs", 1 + 2 ** int(np.ceil(np.log2(numtaps))))
    grid = np.linspace(0.0, freq[-1], nfreqs)
    on_grid = np.any(np.isclose(freq[inner][:, None], grid[None, :], rtol=0, atol=1e-12))
    if len(set(freq[inner])) == len(inner) and not on_grid:
        def taps(f_inner):
            f = onp.concatenate([freq[:1], f_inner, freq[-1:]])
            return S.firwin2(numtaps, f, gain, **kw)
        h = 1e-6 * freq[-1]
        Jf = osc.jacfwd(taps)(freq[inner])
        fd = np.stack([(ss.firwin2(numtaps, freq + h * np.eye(len(freq))[k], gain, **kw)
                        - ss.firwin2(numtaps, freq - h * np.eye(len(freq))[k], gain, **kw)) / (2 * h) for k in inner], 1)
        np.testing.assert_allclose(Jf, fd, rtol=1e-5, atol=1e-7)


def test_firwin2_under_jit_in_the_gains_and_its_refusals():
    freq = np.array([0.0, 0.3, 0.6, 1.0])
    staged = osc.jit(lambda g: S.firwin2(21, freq, g))
    for g in (np.array([1.0, 1.2, 0.4, 0.0]), np.array([0.5, 0.2, 0.9, 0.1])):
        np.testing.assert_allclose(staged(g), ss.firwin2(21, freq, g), rtol=0, atol=1e-13)
    with pytest.raises(ValueError, match="fs must be a plain number"):
        osc.grad(lambda fs: S.firwin2(21, freq * fs / 2, np.ones(4), fs=fs)[3])(2.0)
    with pytest.raises(ValueError, match="Type II"):
        osc.grad(lambda g: S.firwin2(20, freq, g)[3])(np.ones(4))
