"""More of ``scipy.special``: values, first and second derivatives against
mpmath (``osculate.ad.prims.special_extra``), reached by the plain SciPy call."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
from scipy import special

import osculate as osc
from osculate.ad.core import UnsupportedFunctionError

mp.mp.dps = 30


def _d(fn, x, k):
    return float(mp.diff(fn, mp.mpf(x), k))


CASES = [  # name, osculate-side function of x (plain SciPy calls), mpmath function, points
    ("fresnel S", lambda x: special.fresnel(x)[0], mp.fresnels, [0.2, 1.3, 3.7]),
    ("fresnel C", lambda x: special.fresnel(x)[1], mp.fresnelc, [0.2, 1.3, 3.7]),
    ("Si", lambda x: special.sici(x)[0], mp.si, [0.0, 0.4, 5.0]),
    ("Ci", lambda x: special.sici(x)[1], mp.ci, [0.4, 5.0]),
    ("Shi", lambda x: special.shichi(x)[0], mp.shi, [0.0, 0.4, 3.0]),
    ("Chi", lambda x: special.shichi(x)[1], mp.chi, [0.4, 3.0]),
    ("expn(3, x)", lambda x: special.expn(3, x), lambda x: mp.expint(3, x), [0.1, 1.0, 20.0]),
    ("expn(1, x)", lambda x: special.expn(1, x), lambda x: mp.expint(1, x), [0.1, 1.0]),
    ("poch(x, 2.5)", lambda x: special.poch(x, 2.5), lambda x: mp.rf(x, 2.5), [0.3, 4.0]),
    ("poch(1.5, x)", lambda x: special.poch(1.5, x), lambda x: mp.rf(1.5, x), [-0.7, 0.3, 4.0]),
    ("hyp1f1", lambda x: special.hyp1f1(0.5, 1.5, x), lambda x: mp.hyp1f1(0.5, 1.5, x), [-3.0, 0.0, 2.0]),
    ("hyp2f1", lambda x: special.hyp2f1(0.5, 1.5, 2.5, x), lambda x: mp.hyp2f1(0.5, 1.5, 2.5, x), [-0.9, 0.0, 0.7]),
]


@pytest.mark.parametrize("name, fn, ref, points", CASES, ids=[c[0] for c in CASES])
def test_values_and_two_derivatives_match_mpmath(name, fn, ref, points):
    for x in points:
        x = np.float64(x)
        d1 = osc.grad(fn)(x)
        d2 = osc.grad(osc.grad(fn))(x)
        d2_fwd = osc.jvp(lambda z: osc.jvp(fn, (z,), (1.0,))[1], (x,), (1.0,))[1]
        np.testing.assert_allclose(float(fn(x)), float(ref(mp.mpf(x))), rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(d1, _d(ref, x, 1), rtol=1e-9, atol=1e-14)
        np.testing.assert_allclose([d2, d2_fwd], [_d(ref, x, 2)] * 2, rtol=1e-8, atol=1e-13)


def test_third_derivative_in_taylor_mode():
    x = np.float64(1.1)
    d = osc.derivatives_along(lambda z: special.fresnel(z)[0] + special.sici(z)[1], x, np.float64(1.0), 4)
    want = [_d(lambda z: mp.fresnels(z) + mp.ci(z), x, k) for k in range(5)]
    np.testing.assert_allclose(d, want, rtol=1e-9)


def test_factorial_is_gamma_of_n_plus_one_and_zero_below():
    import osculate.scipy.special as sps

    n = np.array([-1.5, 0.0, 2.5, 4.0])
    np.testing.assert_allclose(sps.factorial(n), special.factorial(n))
    np.testing.assert_allclose(osc.grad(lambda t: sps.factorial(t))(np.float64(2.5)),
                               special.gamma(3.5) * special.digamma(3.5), rtol=1e-12)
    assert sps.factorial(5, exact=True) == 120
    np.testing.assert_array_equal(sps.bernoulli(4), special.bernoulli(4))


@pytest.mark.parametrize("a, b, x", [(1.0, 2.0, 1.5), (0.5, 1.5, -3.0), (2.5, 0.7, 10.0), (-1.5, 3.0, 2.0),
                                     (3.0, 5.0, -20.0), (12.0, 20.0, 30.0)])
def test_hyp1f1_in_every_argument_matches_mpmath(a, b, x):
    """Gradient and Hessian in (a, b, x) against mpmath's derivatives, two nestings."""
    f = lambda v: special.hyp1f1(v[0], v[1], v[2])  # noqa: E731
    v = np.array([a, b, x])
    ref = lambda i, j, k: float(mp.diff(lambda A, B, X: mp.hyp1f1(A, B, X), (a, b, x), (i, j, k)))  # noqa: E731
    e = np.eye(3, dtype=int)
    np.testing.assert_allclose(osc.grad(f)(v), [ref(*e[i]) for i in range(3)], rtol=1e-10)
    want = np.array([[ref(*(e[i] + e[j])) for j in range(3)] for i in range(3)])
    for mode in ("fwd-rev", "rev-rev"):
        np.testing.assert_allclose(osc.hessian(f, mode=mode)(v), want, rtol=1e-9)


@pytest.mark.parametrize("a, b, c, x", [(0.5, 1.5, 2.5, 0.3), (1.0, 2.0, 3.5, -0.7), (-1.5, 3.0, 2.2, -4.0),
                                        (0.3, 0.4, 5.0, 0.95)])
def test_hyp2f1_in_every_argument_matches_mpmath(a, b, c, x):
    """Gradient and Hessian in (a, b, c, x) against mpmath's derivatives."""
    f = lambda v: special.hyp2f1(v[0], v[1], v[2], v[3])  # noqa: E731
    v = np.array([a, b, c, x])
    ref = lambda *o: float(mp.diff(lambda A, B, C, X: mp.hyp2f1(A, B, C, X), (a, b, c, x), o))  # noqa: E731
    e = np.eye(4, dtype=int)
    np.testing.assert_allclose(osc.grad(f)(v), [ref(*e[i]) for i in range(4)], rtol=1e-10)
    want = np.array([[ref(*(e[i] + e[j])) for j in range(4)] for i in range(4)])
    np.testing.assert_allclose(osc.hessian(f)(v), want, rtol=1e-9)


def test_a_traced_integer_order_is_named():
    with pytest.raises(UnsupportedFunctionError, match=r"expn\(n, x\): n is an integer order"):
        osc.grad(lambda n: special.expn(n, 0.5))(np.float64(2.0))
