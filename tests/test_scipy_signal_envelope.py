"""``osculate.scipy.signal.hilbert2`` and ``envelope`` against SciPy: values
over their options, second derivatives against finite differences, vmap
and jit, and errors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal as ss

import osculate as osc
from osculate.scipy import signal as sg
from osculate.testing import check_grads

RNG = np.random.default_rng(17)


def _close(actual, expected, tol=1e-11):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=0, atol=tol * scale)


def test_hilbert2_matches_scipy():
    x = RNG.standard_normal((5, 6, 7))
    for n in (None, 8, (4, 9)):
        for axes in ((-2, -1), (0, 2), (2, 0)):
            _close(sg.hilbert2(x, n, axes), ss.hilbert2(x, n, axes))
    _close(sg.hilbert2(x[0, 0]), ss.hilbert2(x[0, 0]))  # 1-d is a single row
    _close(sg.hilbert2(np.arange(12).reshape(3, 4)), ss.hilbert2(np.arange(12).reshape(3, 4)))


SIGNALS = {"even": RNG.standard_normal((3, 20)), "odd": RNG.standard_normal((3, 21)),
           "complex": RNG.standard_normal((3, 20)) + 1j * RNG.standard_normal((3, 20)),
           "complex-odd": RNG.standard_normal((3, 21)) + 1j * RNG.standard_normal((3, 21))}


@pytest.mark.parametrize("name", list(SIGNALS))
def test_envelope_matches_scipy(name):
    z = SIGNALS[name]
    tried = 0
    for bp in ((1, None), (None, None), (2, 6), (-4, 3), (-5, -1), (0, 4)):
        for n_out in (None, 12, 31, 13):
            for squared in (False, True):
                for residual in ("lowpass", "all", None):
                    try:
                        want = ss.envelope(z, bp, n_out=n_out, squared=squared, residual=residual)
                    except ValueError:  # a band SciPy refuses for this signal
                        with pytest.raises(ValueError, match="bp_in"):
                            sg.envelope(z, bp, n_out=n_out, squared=squared, residual=residual)
                        continue
                    _close(sg.envelope(z, bp, n_out=n_out, squared=squared, residual=residual), want)
                    tried += 1
    assert tried > 100
    _close(sg.envelope(z.T, (2, 7), axis=0), ss.envelope(z.T, (2, 7), axis=0))


X = RNG.standard_normal(16)
DERIVATIVES = {
    "hilbert2": (lambda x: sg.hilbert2(x, (5, 6)), (RNG.standard_normal((4, 5)),)),
    "envelope": (lambda z: sg.envelope(z, residual=None), (X + 3.0 * np.cos(np.arange(16.0)),)),
    "envelope-band-resampled": (lambda z: sg.envelope(z, (2, 6), n_out=11, squared=True), (X,)),
    "envelope-complex": (lambda z: sg.envelope(z, (-3, 4), n_out=20, residual="all"), (X + 1j * X[::-1],)),
}


@pytest.mark.parametrize("name", list(DERIVATIVES))
def test_second_derivatives_match_finite_differences(name):
    f, args = DERIVATIVES[name]
    check_grads(f, args, order=2, modes=("fwd", "rev"))


def test_vmap_and_jit():
    stack = RNG.standard_normal((3, 20))
    _close(osc.vmap(lambda z: sg.envelope(z, (1, 8), n_out=30))(stack),
           [ss.envelope(z, (1, 8), n_out=30) for z in stack])
    _close(osc.jit(lambda z: sg.envelope(z, squared=True))(stack), ss.envelope(stack, squared=True))
    images = RNG.standard_normal((2, 4, 5))
    _close(osc.vmap(sg.hilbert2)(images), [ss.hilbert2(x) for x in images])
    _close(osc.jit(lambda x: sg.hilbert2(x, 6))(images[0]), ss.hilbert2(images[0], 6))


def test_bad_arguments_get_clear_errors():
    with pytest.raises(ValueError, match="real"):
        sg.hilbert2(np.ones((3, 3)) + 1j)
    with pytest.raises(ValueError, match="distinct"):
        sg.hilbert2(np.ones((3, 3)), axes=(0, 0))
    with pytest.raises(ValueError, match="positive"):
        sg.hilbert2(np.ones((3, 3)), N=0)
    with pytest.raises(ValueError, match="bp_in"):
        sg.envelope(X, (5, 2))
    with pytest.raises(ValueError, match="n_out"):
        sg.envelope(X, n_out=0)
    with pytest.raises(ValueError, match="residual"):
        sg.envelope(X, residual="highpass")
    with pytest.raises(ValueError, match="axis"):
        sg.envelope(X, axis=1)
