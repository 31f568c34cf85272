"""``osculate.scipy.signal``'s simulations of linear systems (``dlsim``,
``dimpulse``, ``dstep``, ``lsim``, ``impulse``, ``step``) against SciPy:
values for every way of giving a system, second derivatives in the
system's coefficients, the input and the initial state against finite
differences, traced systems equal to SciPy's realisation, vmap and jit, and
errors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal as ss

import osculate as osc
from osculate.scipy import signal as sg
from osculate.testing import check_grads

RNG = np.random.default_rng(5)
A = np.array([[0.5, 0.2, 0.0], [-0.3, 0.6, 0.1], [0.0, 0.2, 0.4]])
B, C, D = RNG.standard_normal((3, 2)), RNG.standard_normal((2, 3)), RNG.standard_normal((2, 2))
U = RNG.standard_normal((300, 2))
X0 = RNG.standard_normal(3)
BUTTER = ss.butter(3, 0.3)
ZPK = ss.butter(3, 0.3, output="zpk")
AC = np.array([[-1.0, 2.0], [-2.0, -0.5]])
BC, CC, DC = np.array([[1.0], [0.5]]), np.array([[1.0, -1.0]]), np.array([[0.2]])
T = np.linspace(0.0, 5.0, 51)


def _close(actual, expected, tol=1e-11):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=0, atol=tol * scale)


def _all_close(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if isinstance(w, tuple):
            _all_close(g, w)
        else:
            _close(g, w)


def test_dlsim_and_responses_match_scipy():
    times = np.linspace(0.0, 29.9, 300) * 1.003  # resampled onto multiples of dt
    for system in ((A, B, C, D, 0.1), ss.dlti(A, B, C, D, dt=0.1)):
        _all_close(sg.dlsim(system, U, x0=X0), ss.dlsim(system, U, x0=X0))
        _all_close(sg.dlsim(system, U, t=times), ss.dlsim(system, U, t=times))
        _all_close(sg.dimpulse(system, n=20), ss.dimpulse(system, n=20))
        _all_close(sg.dstep(system, x0=X0, n=30), ss.dstep(system, x0=X0, n=30))
    for system in ((*BUTTER, 1.0), (*ZPK, 0.5), ss.dlti(*BUTTER)):
        _all_close(sg.dlsim(system, U[:, 0]), ss.dlsim(system, U[:, 0]))
        _all_close(sg.dimpulse(system), ss.dimpulse(system))
        _all_close(sg.dstep(system, n=7), ss.dstep(system, n=7))
    _all_close(sg.dlsim(([2.0], [4.0], 1.0), U[:5, 0]), ss.dlsim(([2.0], [4.0], 1.0), U[:5, 0]))  # no state


def test_lsim_and_responses_match_scipy():
    for system in ((AC, BC, CC, DC), ss.lti(AC, BC, CC, DC), ([1.0, 2.0], [1.0, 0.5, 3.0]),
                   ([-1.0], [-0.5 + 1j, -0.5 - 1j], 2.0)):
        for interp in (False, True):
            for times in (T, T + 0.5):
                _all_close(sg.lsim(system, np.sin(T), times, X0=[1.0, -1.0], interp=interp),
                           ss.lsim(system, np.sin(T), times, X0=[1.0, -1.0], interp=interp))
        _all_close(sg.lsim(system, None, T, X0=[1.0, 0.5]), ss.lsim(system, None, T, X0=[1.0, 0.5]))
        _all_close(sg.lsim(system, [1.0], [0.0]), ss.lsim(system, [1.0], [0.0]))
        _all_close(sg.impulse(system), ss.impulse(system))
        _all_close(sg.step(system, X0=[0.1, 0.2], T=T), ss.step(system, X0=[0.1, 0.2], T=T))
        _all_close(sg.step(system, N=20), ss.step(system, N=20))


def test_traced_systems_are_realised_as_scipy_does():
    got = osc.jit(lambda b, a, u: sg.dlsim((b, a, 1.0), u)[1])(*BUTTER, U[:, 0])
    _close(got, ss.dlsim((*BUTTER, 1.0), U[:, 0])[1])
    got = osc.jit(lambda z, p, k: sg.dimpulse((z, p, k, 1.0), n=25)[1][0])(*ZPK)
    _close(got, ss.dimpulse((*ZPK, 1.0), n=25)[1][0])
    got = osc.jit(lambda b, a: sg.lsim((b, a), np.cos(T), T)[1:])(np.array([1.0, 2.0]), np.array([1.0, 0.5, 3.0]))
    _all_close(got, ss.lsim(([1.0, 2.0], [1.0, 0.5, 3.0]), np.cos(T), T)[1:])


U40 = RNG.standard_normal((40, 2))
DERIVATIVES = {
    "dlsim-ss": (lambda a, b, c, d, u, x0: sg.dlsim((a, b, c, d, 0.1), u, x0=x0)[1:], (A, B, C, D, U40, X0)),
    "dlsim-tf": (lambda b, a, u: sg.dlsim((b, a, 1.0), u)[1], (*BUTTER, U40[:, 0])),
    "dlsim-zpk": (lambda p, k: sg.dlsim((ZPK[0], p, k, 1.0), U40[:, 0])[1], (np.array([0.3, 0.5, -0.2]), np.array(0.7))),
    "dlsim-t": (lambda u: sg.dlsim((A, B, C, D, 0.1), u, t=np.linspace(0.0, 3.9, 40) * 1.01)[1], (U40,)),
    "dimpulse": (lambda a, b: sg.dimpulse((b, a, 1.0), n=30)[1][0], (BUTTER[1], BUTTER[0])),
    "dstep": (lambda a: sg.dstep((a, B, C, D, 0.1), n=30)[1], (A,)),
    "lsim-zoh": (lambda a, b, c, d, u: sg.lsim((a, b, c, d), u, T[:12], interp=False)[1:], (AC, BC, CC, DC, T[:12] ** 2)),
    "lsim-foh": (lambda a, b, u, x0: sg.lsim((a, b, CC, DC), u, T[:12] + 0.3, X0=x0)[1:],
                 (AC, BC, np.sin(T[:12]), np.array([0.5, -0.2]))),
    "lsim-tf": (lambda b, a: sg.lsim((b, a), np.cos(T[:12]), T[:12])[1], (np.array([1.0, 2.0]), np.array([1.0, 0.5, 3.0]))),
    "impulse": (lambda a: sg.impulse((a, BC, CC, DC), T=T[:12])[1], (AC,)),
    "step": (lambda a, x0: sg.step((a, BC, CC, DC), X0=x0, T=T[:12])[1], (AC, np.array([0.1, 0.2]))),
}


@pytest.mark.parametrize("name", list(DERIVATIVES))
def test_second_derivatives_match_finite_differences(name):
    f, args = DERIVATIVES[name]
    check_grads(f, args, order=2, modes=("fwd", "rev"))


def test_vmap_and_jit():
    dens = np.array([[1.0, -0.5, 0.1], [2.0, 0.3, -0.2], [1.0, 0.0, 0.5]])
    _close(osc.vmap(lambda a: sg.dlsim(([0.3, 0.2], a, 1.0), U[:50, 0])[1])(dens),
           [ss.dlsim(([0.3, 0.2], a, 1.0), U[:50, 0])[1] for a in dens])
    _close(osc.vmap(lambda u: sg.dlsim((A, B, C, D, 0.1), u)[1])(np.stack([U, 2 * U])),
           [ss.dlsim((A, B, C, D, 0.1), u)[1] for u in (U, 2 * U)])
    _all_close(osc.jit(lambda a, b, u: sg.dlsim((a, b, C, D, 0.1), u, x0=X0))(A, B, U),
               ss.dlsim((A, B, C, D, 0.1), U, x0=X0))
    scales = np.array([0.5, 1.0, 2.0])
    _close(osc.vmap(lambda s: sg.lsim((AC * s, BC, CC, DC), np.sin(T), T)[1])(scales),
           [ss.lsim((AC * s, BC, CC, DC), np.sin(T), T)[1] for s in scales])
    _close(osc.jit(lambda a: sg.step((a, BC, CC, DC), T=T)[1])(AC), ss.step((AC, BC, CC, DC), T=T)[1])


def test_bad_arguments_get_clear_errors():
    with pytest.raises(AttributeError, match="discrete"):
        sg.dlsim(ss.lti(AC, BC, CC, DC), U)
    with pytest.raises(AttributeError, match="continuous"):
        sg.lsim(ss.dlti(A, B, C, D), U, T)
    with pytest.raises(ValueError, match="inputs"):
        sg.dlsim((A, B, C, D, 0.1), U[:, :1])
    with pytest.raises(ValueError, match="equally spaced"):
        sg.lsim((AC, BC, CC, DC), np.ones(4), np.array([0.0, 1.0, 3.0, 4.0]))
    with pytest.raises(ValueError, match="nonnegative"):
        sg.lsim((AC, BC, CC, DC), np.ones(3), np.array([-1.0, 0.0, 1.0]))
    with pytest.raises(ValueError, match="improper"):
        osc.jit(lambda b: sg.dlsim((b, [1.0, 0.5], 1.0), U[:, 0])[1])(np.ones(3))
    with pytest.raises(ValueError, match="pass T"):
        osc.jit(lambda a: sg.step((a, BC, CC, DC))[1])(AC)
    with pytest.raises(ValueError, match="items"):
        sg.dlsim((A, 0.1), U)
