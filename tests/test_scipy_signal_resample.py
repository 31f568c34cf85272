"""``osculate.scipy.signal``'s resampling (``upfirdn``, ``resample``,
``resample_poly``, ``decimate``) against SciPy: values over factors, modes,
windows and filter types, second derivatives against finite differences,
vmap and jit, and errors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal as ss

import osculate as osc
from osculate.scipy import signal as sg
from osculate.testing import check_grads

RNG = np.random.default_rng(5)
UPFIRDN_MODES = ["constant", "symmetric", "reflect", "edge", "wrap", "antisymmetric", "antireflect", "smooth", "line"]


def _close(actual, expected, tol=1e-12):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=0, atol=tol * scale)


@pytest.mark.parametrize("mode", UPFIRDN_MODES)
def test_upfirdn_matches_scipy(mode):
    for n in (1, 5, 13) if mode == "constant" else (5, 13):  # (SciPy's extension modes crash on 1 or 2 samples)
        for taps in (1, 4, 20):
            for up in (1, 2, 3):
                for down in (1, 2, 5):
                    x, h = RNG.standard_normal(n), RNG.standard_normal(taps)
                    _close(sg.upfirdn(h, x, up, down, mode=mode, cval=0.3),
                           ss.upfirdn(h, x, up, down, mode=mode, cval=0.3))
    x, h = RNG.standard_normal((7, 3)), RNG.standard_normal(5) + 0.5j
    _close(sg.upfirdn(h, x, 3, 2, axis=0, mode=mode), ss.upfirdn(h, x, 3, 2, axis=0, mode=mode))


@pytest.mark.parametrize("n", [1, 2, 5, 8, 9, 16])
def test_resample_matches_scipy(n):
    for num in (1, 2, 3, 4, 5, 8, 9, 16, 17):
        for complex_ in (False, True):
            for window in (None, "hann", lambda f: np.exp(-f ** 2)):
                for domain in ("time", "freq"):
                    x = RNG.standard_normal(n) + (1j * RNG.standard_normal(n) if complex_ else 0)
                    _close(sg.resample(x, num, window=window, domain=domain),
                           ss.resample(x, num, window=window, domain=domain))
    x, t, w = RNG.standard_normal((4, n)), np.linspace(0.0, 1.0, 4), RNG.uniform(0.5, 1.0, 4)
    for got, want in zip(sg.resample(x, 7, t=t, window=w), ss.resample(x, 7, t=t, window=w)):
        _close(got, want)


def test_resample_poly_matches_scipy():
    pads = ["constant", "mean", "median", "minimum", "maximum", "line", "smooth", "symmetric", "antireflect", "wrap"]
    for n in (5, 12, 31):
        for up, down in ((1, 2), (2, 1), (3, 2), (2, 3), (4, 4), (1, 5)):
            for padtype in pads:
                for window in (("kaiser", 5.0), "hamming", np.array([0.2, 0.5, 1.0, 0.5, 0.2])):
                    x = RNG.standard_normal(n)
                    _close(sg.resample_poly(x, up, down, window=window, padtype=padtype),
                           ss.resample_poly(x, up, down, window=window, padtype=padtype))
    x = RNG.standard_normal((12, 3))
    _close(sg.resample_poly(x, 3, 2, cval=0.5), ss.resample_poly(x, 3, 2, cval=0.5))


def test_decimate_matches_scipy():
    systems = ["iir", "fir", ss.dlti(*ss.butter(3, 0.3)), ss.dlti([0.2, 0.5, 0.2], [1.0])]
    for shape, axis in (((100,), -1), ((3, 90), -1), ((90, 2), 0)):
        x = RNG.standard_normal(shape)
        for q in (2, 3, 5):
            for ftype in systems:
                for zero_phase in (True, False):
                    for n in (None, 4) if isinstance(ftype, str) else (None,):
                        _close(sg.decimate(x, q, n, ftype, axis, zero_phase),
                               ss.decimate(x, q, n, ftype, axis, zero_phase), 1e-11)


X9 = RNG.standard_normal(9)
DERIVATIVES = {
    "upfirdn-constant": (lambda h, x, c: sg.upfirdn(h, x, 3, 2, cval=c), (RNG.standard_normal(4), X9, np.array(0.3))),
    "upfirdn-antireflect": (lambda h, x: sg.upfirdn(h, x, 2, 3, mode="antireflect"), (RNG.standard_normal(7), X9)),
    "upfirdn-smooth": (lambda x: sg.upfirdn([0.2, 0.3, 0.5, -0.1], x, 1, 2, mode="smooth"), (X9,)),
    "upfirdn-line": (lambda x: sg.upfirdn([0.2, 0.3, 0.5, -0.1], x, 2, 1, mode="line"), (X9,)),
    "upfirdn-antisymmetric": (lambda x: sg.upfirdn([0.2, 0.3, 0.5], x, 1, 1, mode="antisymmetric"), (X9,)),
    "resample-real": (lambda x, w: sg.resample(x, 6, window=w), (X9, RNG.uniform(0.5, 1.0, 9))),
    "resample-up-even": (lambda x: sg.resample(x, 13), (X9[:8],)),
    "resample-complex": (lambda x: sg.resample(x, 6), (X9[:8] + 1j * X9[1:],)),
    "resample-t": (lambda x, t: sg.resample(x, 5, t=t), (X9, np.linspace(0.0, 2.0, 9))),
    "resample_poly": (lambda x, w: sg.resample_poly(x, 3, 2, window=w), (X9, np.array([0.2, 0.5, 1.0, 0.5, 0.2]))),
    "resample_poly-mean": (lambda x: sg.resample_poly(x, 2, 3, padtype="mean"), (X9,)),
    "decimate-iir": (lambda x: sg.decimate(x, 2, n=4), (RNG.standard_normal(40),)),
    "decimate-fir": (lambda x: sg.decimate(x, 3, ftype="fir", zero_phase=False), (RNG.standard_normal(30),)),
}


@pytest.mark.parametrize("name", list(DERIVATIVES))
def test_second_derivatives_match_finite_differences(name):
    f, args = DERIVATIVES[name]
    check_grads(f, args, order=2, modes=("fwd", "rev"))


def test_vmap_and_jit():
    stack = RNG.standard_normal((3, 40))
    _close(osc.vmap(lambda x: sg.upfirdn([0.2, 0.5, 0.3], x, 3, 2, mode="smooth"))(stack),
           [ss.upfirdn([0.2, 0.5, 0.3], x, 3, 2, mode="smooth") for x in stack])
    _close(osc.vmap(lambda x: sg.resample(x, 11))(stack), ss.resample(stack, 11, axis=1))
    _close(osc.jit(lambda x: sg.resample_poly(x, 3, 2, padtype="median"))(stack[0]),
           ss.resample_poly(stack[0], 3, 2, padtype="median"))
    _close(osc.jit(lambda x: sg.decimate(x, 2))(stack[0]), ss.decimate(stack[0], 2))
    taps = RNG.standard_normal((4, 5))
    _close(osc.vmap(lambda h: sg.upfirdn(h, stack[0], 2, 3))(taps), [ss.upfirdn(h, stack[0], 2, 3) for h in taps])


def test_bad_arguments_get_clear_errors():
    with pytest.raises(ValueError, match="mode"):
        sg.upfirdn([1.0], X9, mode="periodic")
    with pytest.raises(ValueError, match="up"):
        sg.upfirdn([1.0], X9, up=0)
    with pytest.raises(ValueError, match="num"):
        sg.resample(X9, 0)
    with pytest.raises(ValueError, match="window"):
        sg.resample(X9, 4, window=np.ones(3))
    with pytest.raises(ValueError, match="cval"):
        sg.resample_poly(X9, 2, 1, padtype="mean", cval=1.0)
    with pytest.raises(ValueError, match="padtype"):
        sg.resample_poly(X9, 2, 1, padtype="zeros")
    with pytest.raises(ValueError, match="ftype"):
        sg.decimate(X9, 2, ftype="butter")
