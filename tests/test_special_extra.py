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


def _reg_gamma(a, x):
    return mp.gammainc(a, 0, x, regularized=True)


def _reg_beta(a, b, x):
    return mp.betainc(a, b, 0, x, regularized=True)


def _stdtr(nu, t):
    half = _reg_beta(nu / 2, mp.mpf(1) / 2, nu / (nu + t * t)) / 2
    return 1 - half if t > 0 else half


def _pseudo_huber(d, r):
    return d * d * (mp.sqrt(1 + (r / d) ** 2) - 1)


# name, SciPy call of the differentiated vector v (counts fixed), mpmath of v's components, point
DISTRIBUTION_CASES = [
    ("gdtr", lambda v: special.gdtr(v[0], v[1], v[2]), lambda a, b, x: _reg_gamma(b, a * x), [1.3, 2.2, 1.7]),
    ("gdtrc", lambda v: special.gdtrc(v[0], v[1], v[2]), lambda a, b, x: 1 - _reg_gamma(b, a * x), [0.7, 1.5, 2.5]),
    ("chdtr", lambda v: special.chdtr(v[0], v[1]), lambda n, x: _reg_gamma(n / 2, x / 2), [3.3, 2.1]),
    ("chdtrc", lambda v: special.chdtrc(v[0], v[1]), lambda n, x: 1 - _reg_gamma(n / 2, x / 2), [2.5, 4.0]),
    ("pdtr", lambda v: special.pdtr(3, v[0]), lambda m: 1 - _reg_gamma(4, m), [2.2]),
    ("pdtrc", lambda v: special.pdtrc(2, v[0]), lambda m: _reg_gamma(3, m), [1.4]),
    ("bdtr", lambda v: special.bdtr(3, 9, v[0]), lambda p: _reg_beta(6, 4, 1 - p), [0.35]),
    ("bdtrc", lambda v: special.bdtrc(3, 9, v[0]), lambda p: _reg_beta(4, 6, p), [0.35]),
    ("nbdtr", lambda v: special.nbdtr(3, 5, v[0]), lambda p: _reg_beta(5, 4, p), [0.4]),
    ("nbdtrc", lambda v: special.nbdtrc(3, 5, v[0]), lambda p: 1 - _reg_beta(5, 4, p), [0.4]),
    ("fdtr", lambda v: special.fdtr(v[0], v[1], v[2]),
     lambda a, b, x: _reg_beta(a / 2, b / 2, a * x / (b + a * x)), [3.5, 6.2, 1.3]),
    ("fdtrc", lambda v: special.fdtrc(v[0], v[1], v[2]),
     lambda a, b, x: 1 - _reg_beta(a / 2, b / 2, a * x / (b + a * x)), [2.5, 4.2, 0.8]),
    ("stdtr", lambda v: special.stdtr(v[0], v[1]), _stdtr, [4.5, 0.9]),
    ("stdtr, t < 0", lambda v: special.stdtr(v[0], v[1]), _stdtr, [3.2, -1.4]),
    ("huber, inside", lambda v: special.huber(v[0], v[1]), lambda d, r: r * r / 2, [1.5, 0.7]),
    ("huber, beyond", lambda v: special.huber(v[0], v[1]), lambda d, r: d * (abs(r) - d / 2), [1.0, -2.3]),
    ("pseudo_huber", lambda v: special.pseudo_huber(v[0], v[1]), _pseudo_huber, [1.3, 0.8]),
    ("boxcox", lambda v: special.boxcox(v[0], v[1]), lambda x, lam: (x ** lam - 1) / lam, [2.3, 0.4]),
    ("boxcox, λ near 0", lambda v: special.boxcox(v[0], v[1]), lambda x, lam: (x ** lam - 1) / lam, [2.3, 2e-4]),
    ("boxcox1p", lambda v: special.boxcox1p(v[0], v[1]), lambda x, lam: ((1 + x) ** lam - 1) / lam, [0.8, -0.6]),
    ("inv_boxcox", lambda v: special.inv_boxcox(v[0], v[1]), lambda y, lam: (1 + lam * y) ** (1 / lam), [0.9, 0.3]),
    ("inv_boxcox, λ near 0", lambda v: special.inv_boxcox(v[0], v[1]), lambda y, lam: (1 + lam * y) ** (1 / lam),
     [0.9, 5e-4]),
    ("inv_boxcox1p", lambda v: special.inv_boxcox1p(v[0], v[1]), lambda y, lam: (1 + lam * y) ** (1 / lam) - 1,
     [0.6, 0.7]),
    ("cosm1", lambda v: special.cosm1(v[0]), lambda x: mp.cos(x) - 1, [0.7]),
    ("tandg", lambda v: special.tandg(v[0]), lambda x: mp.tan(x * mp.pi / 180), [33.0]),
    ("cotdg", lambda v: special.cotdg(v[0]), lambda x: mp.cot(x * mp.pi / 180), [33.0]),
    ("erfi", lambda v: special.erfi(v[0]), mp.erfi, [0.8]),
    ("wrightomega", lambda v: special.wrightomega(v[0]), lambda z: mp.lambertw(mp.exp(z)), [0.6]),
    ("ellipk", lambda v: special.ellipk(v[0]), mp.ellipk, [0.4]),
    ("ellipe", lambda v: special.ellipe(v[0]), mp.ellipe, [-0.5]),
    ("ellipkm1", lambda v: special.ellipkm1(v[0]), lambda p: mp.ellipk(1 - p), [0.3]),
    ("ellipkinc", lambda v: special.ellipkinc(v[0], v[1]), mp.ellipf, [0.9, 0.4]),
    ("ellipeinc", lambda v: special.ellipeinc(v[0], v[1]), mp.ellipe, [0.9, -0.3]),
    ("powm1", lambda v: special.powm1(v[0], v[1]), lambda x, y: x ** y - 1, [1.7, 0.6]),
    ("binom", lambda v: special.binom(v[0], v[1]), mp.binomial, [5.5, 2.3]),
    ("owens_t", lambda v: special.owens_t(v[0], v[1]),
     lambda h, a: mp.quad(lambda x: mp.exp(-h * h * (1 + x * x) / 2) / (1 + x * x), [0, a]) / (2 * mp.pi), [0.8, 1.3]),
    ("kn", lambda v: special.kn(2, v[0]), lambda x: mp.besselk(2, x), [1.3]),
    ("jve", lambda v: special.jve(v[0], v[1]), mp.besselj, [1.3, 2.2]),
    ("yve", lambda v: special.yve(v[0], v[1]), mp.bessely, [0.7, 1.9]),
]


@pytest.mark.parametrize("name, fn, ref, point", DISTRIBUTION_CASES, ids=[c[0] for c in DISTRIBUTION_CASES])
def test_distributions_losses_and_box_cox_match_mpmath(name, fn, ref, point):
    """Value (SciPy's own), gradient and Hessian in every real argument against
    mpmath, two nestings."""
    v = np.array(point)
    m = len(point)
    e = np.eye(m, dtype=int)
    d = lambda *o: float(mp.diff(ref, [mp.mpf(p) for p in point], o))  # noqa: E731
    assert osc.jvp(fn, (v,), (np.ones(m),))[0] == fn(v)
    np.testing.assert_allclose(float(fn(v)), float(ref(*[mp.mpf(p) for p in point])), rtol=1e-12)
    np.testing.assert_allclose(osc.grad(fn)(v), [d(*e[i]) for i in range(m)], rtol=1e-9, atol=1e-14)
    want = np.array([[d(*(e[i] + e[j])) for j in range(m)] for i in range(m)])
    for mode in ("fwd-rev", "rev-rev"):
        np.testing.assert_allclose(osc.hessian(fn, mode=mode)(v), want, rtol=1e-7, atol=1e-12)


def test_limits_where_the_closed_forms_do_not_hold():
    """λ = 0 (Box-Cox), δ = 0 (pseudo-Huber), t = 0 (stdtr in ν), counts (0, or nan
    where SciPy's value is nan)."""
    x, y = np.float64(2.3), np.float64(0.9)
    np.testing.assert_allclose(osc.grad(lambda lam: special.boxcox(x, lam))(np.float64(0.0)), np.log(x) ** 2 / 2,
                               rtol=1e-15)
    np.testing.assert_allclose(osc.grad(lambda lam: special.boxcox1p(x, lam))(np.float64(0.0)), np.log1p(x) ** 2 / 2,
                               rtol=1e-15)
    np.testing.assert_allclose(osc.grad(lambda lam: special.inv_boxcox(y, lam))(np.float64(0.0)),
                               -np.exp(y) * y * y / 2, rtol=1e-15)
    np.testing.assert_allclose(osc.hessian(lambda lam: special.boxcox(x, lam))(np.float64(0.0)), np.log(x) ** 3 / 3,
                               rtol=1e-12)
    assert osc.grad(lambda d: special.pseudo_huber(d, 2.0))(np.float64(0.0)) == 2.0
    assert osc.grad(lambda r: special.pseudo_huber(1.0, r))(np.float64(0.0)) == 0.0
    assert osc.grad(lambda n: special.stdtr(n, 0.0))(np.float64(3.0)) == 0.0
    g = osc.grad(lambda k: np.sum(special.pdtr(k, 2.0)))(np.array([1.0, 2.5, -1.0]))
    np.testing.assert_array_equal(g, [0.0, 0.0, np.nan])  # SciPy's pdtr(-1, m) is nan
    np.testing.assert_array_equal(osc.grad(lambda p: np.sum(special.bdtr(3, 3, p)))(np.array([0.2, 0.7])), [0.0, 0.0])
    for loss in (special.huber, special.pseudo_huber):  # inf off the domain δ ≥ 0: no derivative there
        assert np.all(np.isnan(osc.grad(lambda v: loss(v[0], v[1]))(np.array([-1.0, 0.5]))))
    # the elliptic integrals at m = 0, where the closed forms of ∂/∂m are 0/0: the limits
    phi = np.float64(0.9)
    np.testing.assert_allclose(osc.grad(special.ellipk)(np.float64(0.0)), np.pi / 8, rtol=1e-15)
    np.testing.assert_allclose(osc.grad(special.ellipe)(np.float64(0.0)), -np.pi / 8, rtol=1e-15)
    np.testing.assert_allclose(osc.grad(lambda m: special.ellipkinc(phi, m))(np.float64(0.0)),
                               (2 * phi - np.sin(2 * phi)) / 8, rtol=1e-15)
    np.testing.assert_allclose(osc.grad(lambda m: special.ellipeinc(phi, m))(np.float64(0.0)),
                               -(2 * phi - np.sin(2 * phi)) / 8, rtol=1e-15)
    with pytest.raises(UnsupportedFunctionError, match=r"kn\(n, x\): n is an integer order.*use kv"):
        osc.grad(lambda n: special.kn(n, 0.5))(np.float64(2.0))


# each quantile function, its forward function, the position of x, a point (counts as integers)
INVERSE_CASES = [
    ("gammaincinv", special.gammaincinv, special.gammainc, 1, [2.3, 0.4]),
    ("gammainccinv", special.gammainccinv, special.gammaincc, 1, [1.7, 0.3]),
    ("betaincinv", special.betaincinv, special.betainc, 2, [2.2, 3.1, 0.6]),
    ("gdtrix", special.gdtrix, special.gdtr, 2, [1.3, 2.2, 0.45]),
    ("chdtri", special.chdtri, special.chdtrc, 1, [3.5, 0.2]),
    ("fdtri", special.fdtri, special.fdtr, 2, [3.5, 6.2, 0.7]),
    ("stdtrit", special.stdtrit, special.stdtr, 1, [4.5, 0.8]),
    ("stdtrit, lower tail", special.stdtrit, special.stdtr, 1, [2.5, 0.1]),
]


@pytest.mark.parametrize("name, inverse, forward, at, point", INVERSE_CASES, ids=[c[0] for c in INVERSE_CASES])
def test_quantile_functions_invert_to_every_order(name, inverse, forward, at, point):
    """F(a, F⁻¹(a, y)) = y: its gradient is e_y and its Hessian 0 in every
    nesting, which holds only if the quantile's first and second derivatives
    are right in every argument; and the quantile's value is SciPy's."""
    v = np.array(point)

    def roundtrip(w):
        args = [w[i] for i in range(len(point))]
        x = inverse(*args)
        return forward(*(args[:at] + [x] + args[at + 1:]))

    assert osc.jvp(lambda w: inverse(*w), (v,), (np.ones(len(point)),))[0] == inverse(*point)
    np.testing.assert_allclose(osc.grad(roundtrip)(v), np.eye(len(point))[at], atol=1e-10)
    for mode in ("fwd-rev", "rev-fwd", "rev-rev"):
        np.testing.assert_allclose(osc.hessian(roundtrip, mode=mode)(v), 0.0, atol=1e-8)
