"""More of ``scipy.special`` (``osculate.ad.prims.special_misc``): values (SciPy's
own), first and second derivatives against mpmath at 30 digits, reached by the
plain SciPy call (or ``osculate.scipy.special`` for SciPy's Python functions),
the edges where a closed form is 0/0, and the constant orders' errors."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
from scipy import special

import osculate as osc
import osculate.scipy.special as sps
from osculate.ad import core
from osculate.ad.core import UnsupportedFunctionError
from osculate.ad.prims.special_misc import faddeeva_d

mp.mp.dps = 30


def _w(z):
    return mp.exp(-z * z) * mp.erfc(-1j * z)


def _voigt(x, s, g):
    z = (x + 1j * g) / (s * mp.sqrt(2))
    return mp.re(_w(z)) / (s * mp.sqrt(2 * mp.pi))


def _sph(kind):
    bessel, factor = {"jn": (mp.besselj, 1), "yn": (mp.bessely, 1), "in": (mp.besseli, 1), "kn": (mp.besselk, 1)}[kind]
    return lambda n, z: factor * mp.sqrt(mp.pi / (2 * z)) * bessel(n + mp.mpf(1) / 2, z)


def _ndtri_exp(y):
    return mp.findroot(lambda x: mp.log(mp.ncdf(x)) - y, float(special.ndtri_exp(float(y))))


def _rj_principal(x, y, z, p):
    """R_J(x, y, z, p) for p < 0 (Cauchy's principal value, as SciPy), by DLMF 19.20.14 with y the largest."""
    x, y, z = sorted([x, y, z])[0], sorted([x, y, z])[2], sorted([x, y, z])[1]
    q = -p
    pp = (y * (x + z + q) - x * z) / (y + q)
    return ((pp - y) * mp.elliprj(x, y, z, pp) - 3 * mp.elliprf(x, y, z)
            + 3 * mp.sqrt(x * y * z / (x * z + pp * q)) * mp.elliprc(x * z + pp * q, pp * q)) / (y + q)


def _diric(n):
    return lambda x: mp.sin(n * x / 2) / (n * mp.sin(x / 2))


# name, osculate-side function of the vector v, mpmath function of its components, points
CASES = [
    ("voigt_profile", lambda v: special.voigt_profile(v[0], v[1], v[2]), _voigt,
     [[1.0, 1.0, 0.5], [0.3, 0.7, 2.0], [5.0, 0.4, 0.05], [12.0, 1.0, 1e-3], [1.5, 0.01, 1.0], [-2.0, 1.3, 3e-6],
      [40.0, 2.0, 5.0], [0.0, 1.0, 1.0], [3.0, 1.0, 10.0], [1.0, -0.8, 0.5], [1.0, 0.8, -0.5]]),
    ("voigt_profile, γ = 0", lambda v: special.voigt_profile(v[0], v[1], 0.0), lambda x, s: _voigt(x, s, 0),
     [[1.3, 0.8], [9.0, 0.8], [-0.2, 3.0]]),
    ("struve(0, x)", lambda v: special.struve(0.0, v[0]), lambda x: mp.struveh(0, x), [[0.4], [1.7], [8.0], [-2.5]]),
    ("struve(2.5, x)", lambda v: special.struve(2.5, v[0]), lambda x: mp.struveh(2.5, x), [[0.4], [1.7], [12.0]]),
    ("struve(-0.5, x)", lambda v: special.struve(-0.5, v[0]), lambda x: mp.struveh(-0.5, x), [[0.8], [3.0]]),
    ("modstruve(1, x)", lambda v: special.modstruve(1.0, v[0]), lambda x: mp.struvel(1, x), [[0.4], [1.7], [6.0]]),
    ("modstruve(0.7, x)", lambda v: special.modstruve(0.7, v[0]), lambda x: mp.struvel(0.7, x), [[1.1]]),
    ("ber", lambda v: special.ber(v[0]), lambda x: mp.ber(0, x), [[0.3], [1.7], [-2.2], [6.0]]),
    ("bei", lambda v: special.bei(v[0]), lambda x: mp.bei(0, x), [[0.3], [1.7], [-2.2]]),
    ("ker", lambda v: special.ker(v[0]), lambda x: mp.ker(0, x), [[0.3], [1.7], [6.0]]),
    ("kei", lambda v: special.kei(v[0]), lambda x: mp.kei(0, x), [[0.3], [1.7], [6.0]]),
    ("berp", lambda v: special.berp(v[0]), lambda x: mp.diff(lambda t: mp.ber(0, t), x), [[0.3], [2.4]]),
    ("beip", lambda v: special.beip(v[0]), lambda x: mp.diff(lambda t: mp.bei(0, t), x), [[0.3], [2.4]]),
    ("kerp", lambda v: special.kerp(v[0]), lambda x: mp.diff(lambda t: mp.ker(0, t), x), [[0.3], [2.4]]),
    ("keip", lambda v: special.keip(v[0]), lambda x: mp.diff(lambda t: mp.kei(0, t), x), [[0.3], [2.4]]),
    ("zetac", lambda v: special.zetac(v[0]), lambda x: mp.zeta(x) - 1, [[1.2], [2.5], [30.0], [0.3], [-1.5], [-7.3]]),
    ("hyp0f1(1.5, z)", lambda v: special.hyp0f1(1.5, v[0]), lambda z: mp.hyp0f1(1.5, z), [[0.7], [-3.0], [0.0]]),
    ("hyp0f1(0.3, z)", lambda v: special.hyp0f1(0.3, v[0]), lambda z: mp.hyp0f1(0.3, z), [[5.0], [-12.0]]),
    # in b too: its series for |z| <= 10, the Bessel functions beyond
    ("hyp0f1(b, z)", lambda v: special.hyp0f1(v[0], v[1]), mp.hyp0f1,
     [[1.5, 0.7], [1.5, -3.0], [2.5, 9.9], [2.5, 10.1], [2.5, -10.1], [0.7, 25.0], [3.3, -40.0], [-1.5, 2.0],
      [1.5, 0.0]]),
    ("betaincc", lambda v: special.betaincc(v[0], v[1], v[2]),
     lambda a, b, x: mp.betainc(a, b, x, 1, regularized=True), [[2.2, 3.1, 0.4], [0.7, 5.0, 0.95], [30.0, 2.0, 0.5]]),
    ("ndtri_exp", lambda v: special.ndtri_exp(v[0]), _ndtri_exp, [[-0.8], [-1e-3], [-25.0], [-300.0]]),
    ("elliprf", lambda v: special.elliprf(v[0], v[1], v[2]), mp.elliprf,
     [[0.7, 1.9, 1.2], [1.2, 1.2, 1.2], [1e-3, 1.0, 50.0]]),
    ("elliprd", lambda v: special.elliprd(v[0], v[1], v[2]), mp.elliprd,
     [[0.7, 1.9, 1.2], [0.7, 1.9, 0.7], [2.0, 2.0, 2.0]]),
    ("elliprc", lambda v: special.elliprc(v[0], v[1]), mp.elliprc, [[0.7, 1.9], [1.3, 1.3], [2.5, 0.1], [0.7, -1.9]]),
    ("elliprg", lambda v: special.elliprg(v[0], v[1], v[2]), mp.elliprg, [[0.7, 1.9, 1.2], [1.1, 1.1, 1.1]]),
    ("elliprj", lambda v: special.elliprj(v[0], v[1], v[2], v[3]), mp.elliprj,
     [[0.7, 1.9, 1.2, 2.6], [0.7, 1.9, 1.2, 1.2], [1.5, 1.5, 1.5, 1.5]]),
    # an argument at 0 (the complete integrals): the derivatives in the others
    ("elliprf(0, y, z)", lambda v: special.elliprf(0.0, v[0], v[1]), lambda y, z: mp.elliprf(0, y, z), [[1.9, 1.2]]),
    ("elliprd(0, y, z)", lambda v: special.elliprd(0.0, v[0], v[1]), lambda y, z: mp.elliprd(0, y, z), [[1.9, 1.2]]),
    ("elliprj(0, y, z, p)", lambda v: special.elliprj(0.0, v[0], v[1], v[2]), lambda y, z, p: mp.elliprj(0, y, z, p),
     [[1.9, 1.2, 0.3]]),
    ("elliprj, p < 0", lambda v: special.elliprj(v[0], v[1], v[2], v[3]), _rj_principal,
     [[0.7, 1.9, 1.2, -2.6], [3.0, 0.2, 1.1, -0.05]]),
    ("agm", lambda v: special.agm(v[0], v[1]), mp.agm, [[1.3, 2.9], [1.3, 1.3], [1e-3, 5.0]]),
    ("agm, negative", lambda v: special.agm(v[0], v[1]), lambda a, b: -mp.agm(-a, -b), [[-1.3, -2.9]]),
    ("radian", lambda v: special.radian(v[0], v[1], v[2]), lambda d, m, s: (d + m / 60 + s / 3600) * mp.pi / 180,
     [[30.0, 20.0, 10.0], [-5.0, 1.5, 70.0]]),
    ("diric(x, 5)", lambda v: sps.diric(v[0], 5), _diric(5), [[1.1], [-2.7], [9.0]]),
    ("diric(x, 4)", lambda v: sps.diric(v[0], 4), _diric(4), [[0.5], [7.5]]),
]
CASES += [(f"spherical_{k}({n}, z)", lambda v, k=k, n=n: getattr(sps, f"spherical_{k}")(n, v[0]),
           lambda z, k=k, n=n: _sph(k)(n, z), [[0.4], [1.3], [7.5]])
          for k in ("jn", "yn", "in", "kn") for n in (0, 1, 4)]
CASES += [(f"spherical_{k}({n}, z, derivative=True)", lambda v, k=k, n=n: getattr(sps, f"spherical_{k}")(n, v[0], True),
           lambda z, k=k, n=n: mp.diff(lambda t: _sph(k)(n, t), z), [[0.6], [2.3]]) for k in ("jn", "yn", "in", "kn")
          for n in (0, 2)]
_AIRY_POINTS = [[-5.0], [-1.0], [0.0], [0.5], [3.0]]
CASES += [(f"airy[{k}]", lambda v, k=k: special.airy(v[0])[k],
           lambda x, k=k: (mp.airyai, mp.airybi)[k // 2](x, derivative=k % 2), _AIRY_POINTS) for k in range(4)]


def _am(u, m):
    """The amplitude: ``F(ph|m) = u``, solved from SciPy's value."""
    return mp.findroot(lambda p: mp.ellipf(p, m) - u, float(special.ellipj(float(u), float(m))[3]))


_ELLIPJ_REF = [lambda u, m: mp.ellipfun("sn", u, m=m), lambda u, m: mp.ellipfun("cn", u, m=m),
               lambda u, m: mp.ellipfun("dn", u, m=m), _am]
CASES += [(f"ellipj[{k}]", lambda v, k=k: special.ellipj(v[0], v[1])[k], _ELLIPJ_REF[k],
           [[0.7, 0.3], [2.5, 0.8], [-1.2, 0.05], [5.0, 0.99], [0.0, 0.5], [12.0, 0.6]]) for k in range(4)]
CASES += [("comb", lambda v: sps.comb(v[0], v[1]), mp.binomial, [[7.5, 2.3], [10.0, 3.0], [4.2, 0.5], [6.0, 6.0]]),
          ("comb, repetition", lambda v: sps.comb(v[0], v[1], repetition=True),
           lambda n, k: mp.binomial(n + k - 1, k), [[7.5, 2.3], [4.0, 3.0], [0.5, 1.5]]),
          ("perm", lambda v: sps.perm(v[0], v[1]), mp.ff, [[7.5, 2.3], [10.0, 3.0], [4.2, 0.5], [6.0, 6.0]])]
CASES += [("spherical_jn(2, z), z < 0", lambda v: sps.spherical_jn(2, v[0]), lambda z: _sph("jn")(2, -z), [[-1.5]]),
          ("spherical_yn(1, z), z < 0", lambda v: sps.spherical_yn(1, v[0]), lambda z: _sph("yn")(1, -z), [[-1.5]])]


def _rel(got, want):
    """The largest error relative to the largest reference (1e-25 absolute for a zero reference)."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    return float(np.max(np.abs(got - want)) / max(float(np.max(np.abs(want))), 1e-25))


@pytest.mark.parametrize("name, fn, ref, points", CASES, ids=[c[0] for c in CASES])
def test_values_gradients_and_hessians_match_mpmath(name, fn, ref, points):
    """SciPy's value, and the gradient and Hessian in every real argument against
    mpmath's at 30 digits, forward-over-reverse and reverse-over-reverse."""
    for point in points:
        v = np.array(point, dtype=float)
        m = len(point)
        e = np.eye(m, dtype=int)
        mpt = [mp.mpf(p) for p in point]
        d = lambda *o: float(mp.diff(ref, mpt, o))  # noqa: E731
        value, _ = osc.jvp(fn, (v,), (np.ones(m),))
        assert value == fn(v)  # the plain value, untouched by tracing
        assert _rel(value, float(ref(*mpt))) < 1e-10  # (SciPy's own accuracy: ker(6) to 5e-12)
        assert _rel(osc.grad(fn)(v), [d(*e[i]) for i in range(m)]) < 1e-10, point
        want = np.array([[d(*(e[i] + e[j])) for j in range(m)] for i in range(m)])
        for mode in ("fwd-rev", "rev-rev"):
            assert _rel(osc.hessian(fn, mode=mode)(v), want) < 1e-9, (point, mode)
    assert core.current_depth() == 0


@pytest.mark.parametrize("name, fn, ref, x", [
    ("voigt in x", lambda t: special.voigt_profile(t, 0.8, 0.5),
     lambda t: _voigt(t, mp.mpf("0.8"), mp.mpf("0.5")), 1.1),
    ("voigt in σ", lambda t: special.voigt_profile(1.2, t, 0.5), lambda t: _voigt(mp.mpf("1.2"), t, mp.mpf("0.5")), 0.9),
    ("struve", lambda t: special.struve(1.5, t), lambda t: mp.struveh(1.5, t), 1.1),
    ("kei", special.kei, lambda t: mp.kei(0, t), 1.1),
    ("spherical_kn", lambda t: sps.spherical_kn(2, t), lambda t: _sph("kn")(2, t), 1.1),
    ("elliprj", lambda t: special.elliprj(0.5, t, 2.0, t), lambda t: mp.elliprj(0.5, t, 2.0, t), 1.1),
    ("ndtri_exp", special.ndtri_exp, _ndtri_exp, -1.1),
    ("agm", lambda t: special.agm(t, 2.0), lambda t: mp.agm(t, 2), 0.7),
])
def test_fourth_order_in_taylor_mode(name, fn, ref, x):
    d = osc.derivatives_along(fn, np.float64(x), np.float64(1.0), 4)
    want = [float(mp.diff(ref, mp.mpf(x), k)) for k in range(5)]
    np.testing.assert_allclose(d, want, rtol=1e-11)


@pytest.mark.parametrize("a", [0.0, 0.3, 1.7, 2.5, 5.9, 7.9, 8.1, 15.0, 300.0, -4.0])
@pytest.mark.parametrize("b", [0.0, 1e-12, 1e-3, 0.2, 1.5, 4.0, 9.0, -0.5, -2.0])
def test_faddeeva_derivatives_match_mpmath(a, b):
    """``w⁽ⁿ⁾(a + ib)`` for n ≤ 3 in every region of the algorithm: both parts relative to
    themselves (down to Gaussian tails), or to ``|w⁽ⁿ⁾|`` where a part is exactly 0."""
    z = mp.mpc(a, b)
    for n in range(4):
        want = complex(mp.diff(_w, z, n)) if n else complex(_w(z))
        re, im = faddeeva_d(np.float64(a), np.float64(b), n)
        for got, part in ((re, want.real), (im, want.imag)):
            assert abs(got - part) <= 2e-13 * max(abs(part), 1e-20 * abs(want)), (n, got, part)


def test_voigt_profile_lorentzian_and_gaussian_limits():
    """σ = 0: SciPy's Lorentzian L, whose derivatives in x and γ are L's, in σ the limit 0
    and ∂²σ = ∂²ₓL; γ = 0: the Gaussian to relative accuracy far in its tail."""
    x, g = np.float64(0.7), np.float64(0.4)
    f = lambda v: special.voigt_profile(v[0], v[1], v[2])  # noqa: E731
    v = np.array([x, 0.0, g])
    r2 = x * x + g * g
    assert osc.jvp(f, (v,), (np.ones(3),))[0] == special.voigt_profile(x, 0.0, g)
    grad = osc.grad(f)(v)
    np.testing.assert_allclose(grad, [-2 * g * x / (np.pi * r2 ** 2), 0.0, (x * x - g * g) / (np.pi * r2 ** 2)],
                               rtol=1e-14)
    lxx = 2 * g / np.pi * (3 * x * x - g * g) / r2 ** 3
    np.testing.assert_allclose(osc.hessian(f)(v)[1, 1], lxx, rtol=1e-14)
    # and the limit matches small σ
    eps = 1e-4
    np.testing.assert_allclose(osc.grad(f)(np.array([x, eps, g]))[1], eps * lxx, rtol=1e-6)
    # the Gaussian tail, x = 12σ: derivatives relative to e^-72
    s = np.float64(1.0)
    tail = osc.grad(lambda t: special.voigt_profile(t, s, 0.0))(np.float64(12.0))
    want = -12.0 * np.exp(-72.0) / np.sqrt(2 * np.pi)
    assert abs(tail - want) <= 1e-13 * abs(want)  # (exp(-x²/2) has condition number x² = 144)
    # σ = γ = 0: SciPy's inf at x = 0, so nan derivatives there
    assert np.all(np.isnan(osc.grad(f)(np.zeros(3))))


def test_limits_at_zero():
    """Struve at x = 0 (2/π for v = 0, 0 for v > 0), Kelvin's second derivatives at 0, agm's symmetry."""
    np.testing.assert_allclose(osc.grad(lambda t: special.struve(0.0, t))(np.float64(0.0)), 2 / np.pi, rtol=1e-15)
    np.testing.assert_allclose(osc.grad(lambda t: special.modstruve(0.0, t))(np.float64(0.0)), 2 / np.pi, rtol=1e-15)
    assert osc.grad(lambda t: special.struve(1.0, t))(np.float64(0.0)) == 0.0
    assert osc.grad(lambda t: special.struve(2.5, t))(np.float64(0.0)) == 0.0
    assert osc.hessian(special.ber)(np.float64(0.0)) == 0.0
    assert osc.hessian(special.bei)(np.float64(0.0)) == 0.5
    np.testing.assert_allclose(osc.grad(lambda t: sps.spherical_jn(1, t))(np.float64(0.0)), 1 / 3, rtol=1e-15)
    np.testing.assert_allclose(osc.hessian(lambda t: sps.spherical_jn(0, t))(np.float64(0.0)), -1 / 3, rtol=1e-15)
    np.testing.assert_allclose(osc.grad(lambda v: special.agm(v[0], v[1]))(np.array([1.5, 1.5])), [0.5, 0.5],
                               rtol=1e-15)


def test_diric_near_its_limit_points():
    """Where |sin(x/2)| < 1e-7 SciPy's value is ±1; the derivatives are those of the series."""
    for n, x0 in ((4, 2 * np.pi), (3, 0.0), (5, -4 * np.pi), (4, 1e-8)):
        x = np.float64(x0)
        assert sps.diric(x, n) == special.diric(x, n)
        sign = special.diric(x, n)
        np.testing.assert_allclose(osc.hessian(lambda t: sps.diric(t, n))(x), -sign * (n * n - 1) / 12, rtol=1e-7)
    x = np.array([0.0, 1.3, 2 * np.pi, 7.0])
    np.testing.assert_array_equal(sps.diric(x, np.array([3, 2, 0, 2.5])), special.diric(x, np.array([3, 2, 0, 2.5])))


def test_inverses_round_trip_to_every_order():
    """betaincc(a, b, betainccinv(a, b, y)) = y and log_ndtr(ndtri_exp(y)) = y: gradient e_y, Hessian 0."""
    v = np.array([2.2, 3.1, 0.3])
    roundtrip = lambda w: special.betaincc(w[0], w[1], special.betainccinv(w[0], w[1], w[2]))  # noqa: E731
    np.testing.assert_allclose(osc.grad(roundtrip)(v), [0.0, 0.0, 1.0], atol=1e-12)
    for mode in ("fwd-rev", "rev-fwd", "rev-rev"):
        np.testing.assert_allclose(osc.hessian(roundtrip, mode=mode)(v), 0.0, atol=1e-10)
    y = np.array([-0.5, -40.0, -1e-4])
    f = lambda t: np.sum(special.log_ndtr(special.ndtri_exp(t)))  # noqa: E731
    np.testing.assert_allclose(osc.grad(f)(y), 1.0, rtol=1e-10)
    np.testing.assert_allclose(osc.hessian(f)(y), 0.0, atol=1e-8)


def test_round_is_piecewise_constant_and_radian_linear():
    x = np.array([0.4, 1.5, 2.5, -2.6])
    np.testing.assert_array_equal(osc.grad(lambda t: np.sum(special.round(t) * t))(x), special.round(x))
    np.testing.assert_allclose(osc.grad(lambda v: special.radian(v[0], v[1], v[2]))(np.ones(3)),
                               np.array([1, 1 / 60, 1 / 3600]) * np.pi / 180, rtol=1e-15)


@pytest.mark.parametrize("call, what", [
    (lambda v: special.struve(v, 1.5), r"struve\(v, x\): the order v is a constant"),
    (lambda v: special.modstruve(v, 1.5), r"modstruve\(v, x\): the order v is a constant"),
    (lambda n: sps.spherical_jn(n, 1.5), r"spherical_jn\(n, z\): the order n \(an integer\) is a constant"),
    (lambda n: sps.diric(1.5, n), r"diric\(x, n\): n \(an integer\) is a constant"),
])
def test_a_traced_constant_is_named(call, what):
    with pytest.raises(UnsupportedFunctionError, match=what):
        osc.grad(call)(np.float64(2.0))
    assert core.current_depth() == 0


@pytest.mark.parametrize("name", ["spherical_jn", "spherical_yn", "spherical_in", "spherical_kn", "diric"])
def test_scipy_python_functions_name_their_replacement(name):
    """SciPy's spherical Bessel functions and diric convert their input with np.asarray: the
    error names osculate.scipy.special's function, which gives SciPy's values."""
    args = (lambda z: (1, z)) if name != "diric" else (lambda z: (z, 3))
    with pytest.raises(UnsupportedFunctionError, match=rf"scipy\.special\.{name} .*osculate\.scipy\.special\.{name}"):
        osc.grad(lambda z: getattr(special, name)(*args(z)))(np.float64(1.3))
    z = np.array([0.3, 1.3, 4.0])
    np.testing.assert_array_equal(getattr(sps, name)(*args(z)), getattr(special, name)(*args(z)))
    if name != "diric":
        np.testing.assert_array_equal(getattr(sps, name)(2, z, True), getattr(special, name)(2, z, True))
    assert core.current_depth() == 0


def test_every_function_is_exported_and_reached_by_the_plain_call():
    """The ufuncs reach the primitives through __array_ufunc__; the Python functions are
    osculate.scipy.special's."""
    import osculate.ad.prims.special_misc as misc

    for name in misc.MISC_FUNCTIONS:
        assert callable(getattr(sps, name)), name
        assert name in sps.__all__
    ufuncs = [n for n in misc.MISC_FUNCTIONS if isinstance(getattr(special, n), np.ufunc)]
    assert len(ufuncs) >= 20
    for name in ufuncs:  # (traced in the last argument: the first is an order for some)
        nin = getattr(special, name).nin
        args = [np.float64(v) for v in (0.6, 1.3, 0.8, 2.1)[:nin]]
        value = osc.jvp(lambda x: getattr(special, name)(*args[:-1], x), (args[-1],), (np.float64(1.0),))[0]
        np.testing.assert_array_equal(value, getattr(special, name)(*args), err_msg=name)
    assert math.isclose(float(sps.voigt_profile(1.0, 1.0, 0.5)), special.voigt_profile(1.0, 1.0, 0.5))


def test_airy_is_scipys_tuple_and_follows_airys_equation():
    """A tuple of four like SciPy's, the same values (nan, 0 and SciPy's nan for a huge Bi
    propagate), Ai'' = x Ai, and Bi to fourth order in Taylor mode; complex z is refused."""
    x = np.array([-5.0, -1.0, 0.0, 0.5, 3.0, np.nan, np.inf, 200.0])
    got = sps.airy(x)
    assert isinstance(got, tuple) and len(got) == 4
    for a, b in zip(got, special.airy(x)):
        np.testing.assert_array_equal(a, b)
    value, tangent = osc.jvp(special.airy, (x[:5],), (np.ones(5),))
    assert isinstance(value, tuple) and len(value) == 4
    ai, aip, bi, bip = special.airy(x[:5])
    np.testing.assert_array_equal(tangent[0], aip)
    np.testing.assert_allclose(tangent[1], x[:5] * ai, rtol=1e-15)
    for t0 in (-1.0, 0.5, 2.0):
        want = [float(mp.airybi(t0, derivative=k)) for k in range(5)]
        d = osc.derivatives_along(lambda t: special.airy(t)[2], np.float64(t0), np.float64(1.0), 4)
        np.testing.assert_allclose(d, want, rtol=1e-12)
    with pytest.raises(UnsupportedFunctionError, match="airy: complex z"):
        osc.jvp(lambda z: special.airy(z * (1.0 + 1.0j))[0], (np.float64(0.5),), (np.float64(1.0),))
    assert core.current_depth() == 0


def test_ellipj_is_scipys_tuple_with_its_limits_in_m():
    """A tuple of four like SciPy's, the same values (nan off 0 <= m <= 1); at m = 0 the first
    derivatives in m are the limits (mpmath's), at m = 1 nan; fourth order in u in Taylor mode."""
    u = np.array([0.7, 0.7, 0.7, 0.7, np.nan, 5.0])
    m = np.array([-0.5, 0.0, 1.0, 1.5, 0.3, 0.99])
    got = sps.ellipj(u, m)
    assert isinstance(got, tuple) and len(got) == 4
    for a, b in zip(got, special.ellipj(u, m)):
        np.testing.assert_array_equal(a, b)
    for k in range(4):
        for u0 in (0.7, -2.3):
            d = osc.grad(lambda t: special.ellipj(u0, t)[k])(np.float64(0.0))
            want = float(mp.re(mp.diff(lambda t: _ELLIPJ_REF[k](mp.mpf(u0), t), mp.mpf(0), direction=1)))
            assert abs(d - want) <= 1e-14 * max(abs(want), 1.0), (k, u0, d, want)
        assert np.isnan(osc.grad(lambda t: special.ellipj(0.7, t)[k])(np.float64(1.0)))
        np.testing.assert_allclose(osc.grad(lambda t: special.ellipj(t, 1.0)[k])(np.float64(0.7)),
                                   float(mp.diff(lambda t: _ELLIPJ_REF[k](t, mp.mpf(1)), mp.mpf("0.7"))), rtol=1e-13)
        d = osc.derivatives_along(lambda t: special.ellipj(t, 0.4)[k], np.float64(1.1), np.float64(1.0), 4)
        want = [float(mp.diff(lambda t: _ELLIPJ_REF[k](t, mp.mpf("0.4")), mp.mpf("1.1"), j)) for j in range(5)]
        np.testing.assert_allclose(d, want, rtol=1e-11, atol=1e-13)
    assert core.current_depth() == 0


def test_comb_and_perm_are_scipys_and_zero_outside():
    """SciPy's values on and off 0 <= k <= N (0 there, derivative 0), with repetition (1 at k = 0),
    exact=True's Python integers untraced, and a clear error for exact=True on traced values."""
    N = np.array([5.0, 5.0, -1.0, 3.0, 0.0, 7.5, 4.0, 0.0, 3.0])
    k = np.array([2.0, 7.0, 1.0, -1.0, 0.0, 2.3, 4.0, 3.0, 0.0])
    for name, fn in (("comb", sps.comb), ("perm", sps.perm)):
        want = getattr(special, name)(N, k)
        np.testing.assert_array_equal(fn(N, k), want)
        value, tangent = osc.jvp(lambda n, kk: fn(n, kk), (N, k), (np.ones(9), np.ones(9)))
        np.testing.assert_array_equal(value, want)
        assert np.all(tangent[want == 0] == 0) and np.all(np.isfinite(tangent))
        assert getattr(sps, name)(10, 3, exact=True) == getattr(special, name)(10, 3, exact=True)
        assert type(getattr(sps, name)(10, 3, exact=True)) is int
        with pytest.raises(UnsupportedFunctionError, match=rf"scipy\.special\.{name}: exact=True .*cannot be traced"):
            osc.grad(lambda t: getattr(sps, name)(t, 3, exact=True))(np.float64(5.0))
    Nr, kr = np.array([5.0, 0.0, 7.5, 4.0, 2.0]), np.array([2.0, 0.0, 2.3, 0.0, 3.0])
    want = special.comb(Nr, kr, repetition=True)
    value, tangent = osc.jvp(lambda n: sps.comb(n, kr, repetition=True), (Nr,), (np.ones(5),))
    np.testing.assert_array_equal(value, want)
    assert tangent[1] == 0.0 and tangent[3] == 0.0
    assert sps.comb(10, 3, exact=True, repetition=True) == special.comb(10, 3, exact=True, repetition=True)
    assert type(sps.comb(5.0, 2.0)) is type(special.comb(5.0, 2.0))
    assert core.current_depth() == 0
