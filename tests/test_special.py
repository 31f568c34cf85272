"""SciPy's special functions on traced values (osculate.ad.prims.special).

Values equal SciPy's; first and second derivatives match mpmath to 1e-8
relative at a few points (including ``log_ndtr`` far in the left tail, where
the naive formula underflows); plain ``scipy.special.f(tracer)`` calls reach
osculate under grad and hessian; the Python-level functions (``logsumexp``,
``softmax``, ``log_softmax``) fail with an error naming osculate's, which
:mod:`osculate.scipy.special` provides with SciPy's signatures.  The
registry-driven tables (tests/test_ad_primitives.py, tests/test_taylor.py)
check every one against finite differences in four nestings, Taylor mode,
vmap, sparsity and jit.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
from scipy import special

import osculate as osc
import osculate.scipy.special as sps
from osculate.ad.core import UnsupportedFunctionError

mp.mp.dps = 40

# name: (mpmath function, points)
UNARY = {
    "ndtr": (mp.ncdf, [-3.0, -0.4, 1.2]),
    "log_ndtr": (lambda x: mp.log(mp.ncdf(x)), [-30.0, -5.0, 0.3, 4.0]),
    "ndtri": (lambda p: mp.sqrt(2) * mp.erfinv(2 * p - 1), [0.01, 0.3, 0.8]),
    "erfinv": (mp.erfinv, [-0.9, 0.2, 0.6]),
    "erfcinv": (lambda y: mp.erfinv(1 - y), [0.1, 0.7, 1.5]),
    "erfcx": (lambda x: mp.exp(x * x) * mp.erfc(x), [-1.0, 0.5, 3.0, 12.0]),
    "logit": (lambda p: mp.log(p / (1 - p)), [0.05, 0.5, 0.9]),
    "log_expit": (lambda x: -mp.log(1 + mp.exp(-x)), [-20.0, 0.3, 5.0]),
    "entr": (lambda x: -x * mp.log(x), [0.2, 1.0, 3.5]),
    "gamma": (mp.gamma, [0.3, 2.5, 7.0]),
    "loggamma": (mp.loggamma, [0.3, 2.5, 30.0]),
    "rgamma": (mp.rgamma, [0.3, 2.5, 5.0]),
    "i0": (lambda x: mp.besseli(0, x), [-1.5, 0.4, 3.0]),
    "i1": (lambda x: mp.besseli(1, x), [-1.5, 0.4, 3.0]),
    "i0e": (lambda x: mp.exp(-abs(x)) * mp.besseli(0, x), [-2.0, 0.4, 30.0]),
    "i1e": (lambda x: mp.exp(-abs(x)) * mp.besseli(1, x), [-2.0, 0.4, 30.0]),
    "j0": (lambda x: mp.besselj(0, x), [0.3, 2.0, 10.0]),
    "j1": (lambda x: mp.besselj(1, x), [-0.3, 2.0, 10.0]),
    "y0": (lambda x: mp.bessely(0, x), [0.3, 2.0, 10.0]),
    "y1": (lambda x: mp.bessely(1, x), [0.3, 2.0, 10.0]),
    "spence": (lambda x: mp.polylog(2, 1 - x), [0.2, 0.9, 2.5]),
    "exprel": (lambda x: mp.expm1(x) / x, [-2.0, 1e-4, 0.01, 1.5]),
    "sindg": (lambda x: mp.sin(mp.pi * x / 180), [10.0, 45.0, 100.0]),
    "cosdg": (lambda x: mp.cos(mp.pi * x / 180), [10.0, 45.0, 100.0]),
    "k0": (lambda x: mp.besselk(0, x), [0.3, 2.0, 10.0]),
    "k1": (lambda x: mp.besselk(1, x), [0.3, 2.0, 10.0]),
    "k0e": (lambda x: mp.exp(x) * mp.besselk(0, x), [0.3, 2.0, 50.0]),
    "k1e": (lambda x: mp.exp(x) * mp.besselk(1, x), [0.3, 2.0, 50.0]),
    "exp1": (mp.e1, [0.1, 1.5, 20.0]),
    "expi": (mp.ei, [-2.0, 0.5, 10.0]),
    "exp10": (lambda x: mp.mpf(10) ** x, [-1.5, 0.3, 2.0]),
    "dawsn": (lambda x: mp.sqrt(mp.pi) / 2 * mp.exp(-x * x) * mp.erfi(x), [-0.5, 1.1, 6.0]),
}
BINARY = {
    "xlogy": (lambda x, y: x * mp.log(y), [(0.5, 2.0), (-1.5, 0.3)]),
    "xlog1py": (lambda x, y: x * mp.log1p(y), [(0.5, 2.0), (-1.5, -0.3)]),
    "rel_entr": (lambda x, y: x * mp.log(x / y), [(0.5, 2.0), (1.5, 0.3)]),
    "kl_div": (lambda x, y: x * mp.log(x / y) - x + y, [(0.5, 2.0), (1.5, 0.3)]),
    "beta": (mp.beta, [(0.5, 2.0), (3.5, 1.3)]),
    "betaln": (lambda a, b: mp.log(mp.beta(a, b)), [(0.5, 2.0), (30.0, 1.3)]),
}
X_ONLY = {  # derivative in the second argument only
    "gammainc": (lambda a, x: mp.gammainc(a, 0, x, regularized=True), [(1.7, 0.5), (3.0, 4.0)]),
    "gammaincc": (lambda a, x: mp.gammainc(a, x, mp.inf, regularized=True), [(1.7, 0.5), (3.0, 4.0)]),
    "yn": (mp.bessely, [(2, 0.7), (0, 3.2)]),
    "ive": (lambda v, x: mp.exp(-abs(x)) * mp.besseli(v, x), [(2.0, -3.2)]),  # (x < 0: in x only)
}
BOTH = {  # derivatives in both arguments, the first one a parameter (ad/prims/bessel.py)
    "jv": (mp.besselj, [(1.5, 0.7), (-0.5, 2.0), (4.5, 0.2), (-3.3, 14.0)]),
    "yv": (mp.bessely, [(1.5, 0.7), (0.0, 3.2), (-2.6, 9.0)]),
    "iv": (mp.besseli, [(1.5, 0.7), (0.0, 3.2), (6.5, 1.1), (-1.7, 25.0)]),
    "ive": (lambda v, x: mp.exp(-x) * mp.besseli(v, x), [(1.5, 0.7), (-0.3, 40.0)]),
    "kv": (mp.besselk, [(1.5, 0.7), (-2.7, 12.0), (0.4, 1e-3), (30.0, 5.0)]),
    "kve": (lambda v, x: mp.exp(x) * mp.besselk(v, x), [(0.0, 30.0), (-4.2, 300.0)]),
    "zeta": (mp.zeta, [(2.5, 1.3), (1.05, 2.0), (7.5, 0.05), (3.0, 150.0)]),  # Hurwitz zeta(x, q)
}


def _close(got, want, rtol=1e-8, atol=1e-30):
    want = float(want)
    assert abs(float(got) - want) <= rtol * abs(want) + atol, (float(got), want)  # (mpmath's zeros are ~1e-50)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_values_and_two_derivatives_match_mpmath(name):
    ref, points = UNARY[name]
    f = getattr(special, name)
    for x0 in points:
        x = np.float64(x0)
        assert osc.jvp(f, (x,), (1.0,))[0] == f(x)  # SciPy's own value
        d1 = osc.grad(f)(x)
        d2 = osc.grad(osc.grad(f))(x)
        with mp.workdps(20):  # (mp.diffs raises the precision itself; 40 digits cost a minute for k1e at 50)
            _, want1, want2 = mp.diffs(ref, mp.mpf(x0), 2)
        _close(d1, want1, atol=1e-20)  # (20 digits: mpmath's zeros, logit'' at 0.5, are ~1e-23)
        _close(d2, want2, atol=1e-20)
        # forward over reverse agrees
        _close(osc.jvp(osc.grad(f), (x,), (1.0,))[1], want2, 1e-10, atol=1e-20)



@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_values_and_two_derivatives_match_mpmath(name):
    ref, points = BINARY[name]
    f = getattr(special, name)
    for x0, y0 in points:
        args = (np.float64(x0), np.float64(y0))
        assert osc.jvp(f, args, (1.0, 0.0))[0] == f(*args)
        H = osc.hessian(lambda z: f(z[0], z[1]))(np.array(args))
        g = osc.grad(lambda z: f(z[0], z[1]))(np.array(args))
        p = (mp.mpf(x0), mp.mpf(y0))
        for i, order in enumerate([(1, 0), (0, 1)]):
            _close(g[i], mp.diff(ref, p, order))
        for (i, j), order in {(0, 0): (2, 0), (0, 1): (1, 1), (1, 1): (0, 2)}.items():
            _close(H[i, j], mp.diff(ref, p, order))
            _close(H[j, i], mp.diff(ref, p, order))


@pytest.mark.parametrize("name", sorted(X_ONLY))
def test_in_x_only(name):
    ref, points = X_ONLY[name]
    f = getattr(special, name)
    for a0, x0 in points:
        g = lambda x: f(a0, x)  # noqa: E731
        assert osc.jvp(g, (np.float64(x0),), (1.0,))[0] == f(a0, x0)
        _close(osc.grad(g)(np.float64(x0)), mp.diff(lambda x: ref(a0, x), mp.mpf(x0), 1))
        _close(osc.grad(osc.grad(g))(np.float64(x0)), mp.diff(lambda x: ref(a0, x), mp.mpf(x0), 2))
    if name == "yn":  # (the derivative of gammainc in a: ad/prims/incomplete.py and its own tests)
        with pytest.raises(UnsupportedFunctionError, match=r"yn\(n, x\): n is an integer order"):
            osc.grad(lambda a: f(a, 1.0))(np.float64(2.0))


@pytest.mark.parametrize("name", sorted(BOTH))
def test_in_both_arguments_values_and_two_derivatives_match_mpmath(name):
    """The Bessel functions in the order v (Schläfli's integrals or the power series for jv,
    yv, iv, ive; the trapezoid rule on ∫ tⁿ c_n(vt) e^(-x cosh t) dt for kv, kve) and Hurwitz
    zeta in x (Euler–Maclaurin): every entry of the Hessian, in every nesting."""
    ref, points = BOTH[name]
    f = getattr(special, name)
    F = lambda z: f(z[0], z[1])  # noqa: E731
    for a0, x0 in points:
        z = np.array([a0, x0])
        assert osc.jvp(F, (z,), (np.ones(2),))[0] == f(a0, x0)
        with mp.workdps(20):  # (mp.diff works at a higher precision itself)
            p = (mp.mpf(a0), mp.mpf(x0))
            want = {o: mp.diff(ref, p, o) for o in [(1, 0), (0, 1), (2, 0), (1, 1), (0, 2)]}
        g = osc.grad(F)(z)
        for i, order in enumerate([(1, 0), (0, 1)]):
            _close(g[i], want[order])
        for m in osc.HVP_MODES:
            H = osc.hessian(F, mode=m)(z)
            for (i, j), order in {(0, 0): (2, 0), (0, 1): (1, 1), (1, 1): (0, 2)}.items():
                _close(H[i, j], want[order])
                _close(H[j, i], want[order])


def test_order_derivative_families_to_fourth_order():
    """Taylor mode through the self-similar families: ∂⁴Z_v/∂v⁴ and ∂⁴ζ(s, q)/∂s⁴."""
    for fn, ref, a0, x0 in [(special.kv, mp.besselk, 0.7, 1.3), (special.kve, lambda v, x: mp.exp(x) * mp.besselk(v, x), -1.1, 8.0),
                            (special.zeta, mp.zeta, 2.2, 0.6), (special.jv, mp.besselj, 0.8, 5.0),
                            (special.yv, mp.bessely, -1.4, 2.5), (special.iv, mp.besseli, 3.2, 0.6)]:
        d = osc.derivatives_along(lambda a: fn(a, x0), np.float64(a0), np.float64(1.0), order=4)
        with mp.workdps(20):
            want = mp.diffs(lambda a: ref(a, x0), mp.mpf(a0), 4)
            next(want)
            for k in range(1, 5):
                _close(d[k], next(want), 1e-9)


def test_riemann_zeta_is_differentiable_everywhere():
    """scipy.special.zeta(x) (no q: the ufunc _riemann_zeta) for every real x: Euler–Maclaurin
    for x ≥ 0, the reflection formula's derivative below; to third order against mpmath."""
    for x0 in (-12.5, -7.5, -2.0, -0.3, 0.0, 0.5, 0.99, 1.5, 3.0, 25.0):
        x = np.float64(x0)
        assert osc.jvp(special.zeta, (x,), (1.0,))[0] == special.zeta(x)
        d = osc.derivatives_along(special.zeta, x, np.float64(1.0), order=3)
        for k in range(1, 4):
            _close(d[k], mp.zeta(x0, 1, k), 1e-10)
        _close(osc.grad(osc.grad(special.zeta))(x), mp.zeta(x0, 1, 2), 1e-10)
    xs = np.array([-3.5, 0.5, 2.0])
    np.testing.assert_allclose(osc.grad(lambda z: np.sum(sps.zeta(z)))(xs), [float(mp.zeta(v, 1, 1)) for v in xs], rtol=1e-12)
    np.testing.assert_array_equal(sps.zeta(xs), special.zeta(xs))
    np.testing.assert_array_equal(sps.zeta(xs + 3.0, 2.0), special.zeta(xs + 3.0, 2.0))


def test_bessel_order_derivatives_at_negative_x_are_nan():
    """J_v(x) for x < 0 is not real for non-integer v; its derivative in v is nan there (SciPy's
    own value is nan too, except at integer orders)."""
    for name in ("jv", "iv", "ive"):
        g = osc.grad(lambda z, f=getattr(special, name): f(z[0], z[1]))(np.array([2.0, -1.5]))
        assert np.isnan(g[0]) and np.isfinite(g[1])


def test_betainc_in_x():
    ref = lambda a, b, x: mp.betainc(a, b, 0, x, regularized=True)  # noqa: E731
    for a, b, x0 in [(2.5, 1.5, 0.3), (0.5, 3, 0.05), (4, 2.0, 0.97)]:
        f = lambda x, a=a, b=b: special.betainc(a, b, x)  # noqa: E731
        assert osc.jvp(f, (np.float64(x0),), (1.0,))[0] == special.betainc(a, b, x0)
        _close(osc.grad(f)(np.float64(x0)), mp.diff(lambda x: ref(a, b, x), mp.mpf(x0), 1))
        _close(osc.grad(osc.grad(f))(np.float64(x0)), mp.diff(lambda x: ref(a, b, x), mp.mpf(x0), 2))
    np.testing.assert_array_equal(sps.betainc(2.0, 3.0, np.array([0.2, 0.5])), special.betainc(2.0, 3.0, np.array([0.2, 0.5])))


def test_log_ndtr_far_in_the_tail():
    """First and second derivatives to 1e-8 (measured: a few ulps) from x = -1e4 to 40:
    exp(logpdf - log_ndtr) above -10 (no underflow), Mills' continued fraction below
    (the second derivative -d (x + d) no longer cancels).  References: d = φ/Φ and
    -d (x + d) in 60 digits."""
    f = lambda x: np.sum(special.log_ndtr(x))  # noqa: E731
    with mp.workdps(60):
        for x0 in (-1e4, -2500.0, -300.0, -40.0, -10.5, -10.0, -9.5, -3.0, 0.4, 6.0, 25.0, 38.0, 40.0):
            d1 = mp.npdf(x0) / mp.ncdf(x0)
            d2 = -d1 * (x0 + d1)
            _close(osc.grad(f)(np.array([x0]))[0], d1, 1e-12)
            for m in osc.HVP_MODES:
                _close(osc.hessian(f, mode=m)(np.array([x0]))[0, 0], d2, 1e-11)
        d = osc.derivatives_along(special.log_ndtr, np.float64(-500.0), np.float64(1.0), order=3)
        _close(d[3], mp.diff(lambda t: mp.log(mp.ncdf(t)), mp.mpf(-500), 3), 1e-8)


def test_spence_is_right_to_every_order_at_and_near_one():
    """spence' = log(x) / (1 - x) is its series -Σ (1 - x)^k / (k + 1) within 0.05 of 1: a
    polynomial, so the derivatives of orders 1 to 4 match mpmath at x = 1 itself, near it
    and on both sides of the switch (measured: worst 4e-12, at the switch)."""
    ref = lambda x: mp.polylog(2, 1 - x)  # noqa: E731
    for x0 in (1.0, 1.0 + 1e-12, 0.999, 1.02, 0.9501, 0.9499, 1.0499, 1.0501, 1.3, 0.6):
        d = osc.derivatives_along(special.spence, np.float64(x0), np.float64(1.0), order=4)
        for k in range(1, 5):
            _close(d[k], mp.diff(ref, mp.mpf(x0), k), 1e-10)
        for m in osc.HVP_MODES:
            _close(osc.hessian(lambda z: np.sum(special.spence(z)), mode=m)(np.array([x0]))[0, 0], mp.diff(ref, mp.mpf(x0), 2), 1e-12)
    np.testing.assert_allclose(osc.derivatives_along(special.spence, np.float64(1.0), np.float64(1.0), order=4),
                               [0.0, -1.0, 0.5, -2.0 / 3.0, 1.5], rtol=1e-15, atol=0)


def test_logsumexp_with_large_inputs_second_derivatives():
    """diag(p) - p pᵀ with p = softmax(x), in 40 digits, for entries near 1000 (exp overflows)."""
    x = np.array([1000.0, 1001.5, 999.2, 960.0])
    p = [mp.exp(mp.mpf(v)) for v in x]
    p = [v / mp.fsum(p) for v in p]
    f = lambda z: sps.logsumexp(z)  # noqa: E731
    for i, g in enumerate(osc.grad(f)(x)):
        _close(g, p[i], 1e-12)
    for m in osc.HVP_MODES:
        H = osc.hessian(f, mode=m)(x)
        for i in range(4):
            for j in range(4):
                _close(H[i, j], (p[i] if i == j else 0) - p[i] * p[j], 1e-12)


def test_xlogy_at_zero_second_derivatives():
    """x log y and x log1p y at x = 0: the Hessian [[0, 1/y], [1/y, 0]] (the mixed entry was
    lost when the partial in y was a constant 0 there)."""
    for fn, ref, y0 in [(special.xlogy, lambda x, y: x * mp.log(y), 2.5), (special.xlog1py, lambda x, y: x * mp.log1p(y), 1.5),
                        (special.xlogy, lambda x, y: x * mp.log(y), 1e-3)]:
        F = lambda z, fn=fn: fn(z[0], z[1])  # noqa: E731
        p = (mp.mpf(0), mp.mpf(y0))
        for m in osc.HVP_MODES:
            H = osc.hessian(F, mode=m)(np.array([0.0, y0]))
            for (i, j), order in {(0, 0): (2, 0), (0, 1): (1, 1), (1, 1): (0, 2)}.items():
                _close(H[i, j], mp.diff(ref, p, order), 1e-12)
                _close(H[j, i], mp.diff(ref, p, order), 1e-12)


def test_removable_points_have_the_limit_as_first_derivative():
    for name, x0, want in [("i1", 0.0, 0.5), ("j1", 0.0, 0.5), ("i1e", 0.0, 0.5), ("spence", 1.0, -1.0),
                           ("exprel", 0.0, 0.5), ("i0", 0.0, 0.0)]:
        assert osc.grad(getattr(special, name))(np.float64(x0)) == pytest.approx(want, rel=1e-15, abs=1e-300)
    assert osc.grad(osc.grad(special.exprel))(np.float64(0.0)) == pytest.approx(1.0 / 3.0, rel=1e-15)


def test_odd_bessel_functions_are_right_to_every_order_at_zero():
    # i1 = x/2 + x³/16 + ..., j1 = x/2 - x³/16 + ...: the recurrence derivatives are regular at 0
    for fn, third in [(special.i1, 0.375), (special.j1, -0.375)]:
        d = osc.derivatives_along(fn, np.array(0.0), np.array(1.0), order=3)
        np.testing.assert_allclose(d, [0.0, 0.5, 0.0, third], rtol=1e-14, atol=1e-15)
        assert osc.grad(osc.grad(fn))(np.float64(0.0)) == 0.0


def test_xlogy_at_zero_is_scipys():
    f = lambda y: special.xlogy(np.zeros(2), y)  # noqa: E731
    y, t = osc.jvp(f, (np.array([0.0, 2.0]),), (np.ones(2),))
    np.testing.assert_array_equal(y, [0.0, 0.0])
    np.testing.assert_array_equal(t, [0.0, 0.0])  # d/dy x log y = x / y = 0 at x = 0, also at y = 0
    np.testing.assert_array_equal(osc.grad(lambda y: np.sum(special.xlog1py(0.0, y)))(np.array([-1.0, 2.0])), [0.0, 0.0])
    assert osc.grad(lambda x: special.xlogy(x, 2.0))(np.float64(0.0)) == np.log(2.0)


def test_plain_scipy_calls_dispatch_under_grad_and_hessian():
    x = np.array([0.3, 1.1, 2.4])

    def f(z):
        return np.sum(special.log_ndtr(z) * special.gamma(z) + special.xlogy(z, z + 1.0) + special.i0e(z))

    def reference(z):
        return np.sum(sps.log_ndtr(z) * sps.gamma(z) + sps.xlogy(z, z + 1.0) + sps.i0e(z))

    np.testing.assert_allclose(osc.grad(f)(x), osc.grad(reference)(x), rtol=1e-15)
    for m in osc.HVP_MODES:
        np.testing.assert_allclose(osc.hessian(f, mode=m)(x), osc.hessian(reference)(x), rtol=1e-13)
    h = 1e-5
    fd = np.array([(osc.grad(f)(x + h * e) - osc.grad(f)(x - h * e)) / (2 * h) for e in np.eye(3)])
    np.testing.assert_allclose(osc.hessian(f)(x), fd, rtol=1e-6, atol=1e-8)
    assert f(x) == reference(x)


def test_keyword_arguments_are_refused_by_name():
    with pytest.raises(TypeError, match=r"scipy\.special\.ndtr: keyword argument\(s\) \['out'\]"):
        osc.grad(lambda z: np.sum(special.ndtr(z, out=np.empty(2))))(np.ones(2))


@pytest.mark.parametrize("name", ["logsumexp", "softmax", "log_softmax"])
def test_python_level_functions_name_osculates_and_the_namespace_has_them(name):
    x = np.array([0.3, -1.0, 2.0])
    with pytest.raises(UnsupportedFunctionError, match=rf"osculate\.(numpy|scipy\.special)\.{name}"):
        osc.grad(lambda z: np.sum(getattr(special, name)(z) * z))(x)
    ours, theirs = getattr(sps, name), getattr(special, name)
    np.testing.assert_allclose(ours(x), theirs(x), rtol=1e-15)
    m = np.array([[0.3, -1.0], [2.0, 0.5]])
    np.testing.assert_allclose(ours(m, axis=1), theirs(m, axis=1), rtol=1e-15)
    g = osc.grad(lambda z: np.sum(ours(z) * z))(x)
    h = 1e-6
    fd = [(np.sum(theirs(x + h * e) * (x + h * e)) - np.sum(theirs(x - h * e) * (x - h * e))) / (2 * h) for e in np.eye(3)]
    np.testing.assert_allclose(g, fd, rtol=1e-7)


def test_namespace_values_are_scipys_on_plain_arrays():
    x = np.array([0.2, 0.5, 0.9])
    for name in sorted(UNARY):
        np.testing.assert_array_equal(getattr(sps, name)(x), getattr(special, name)(x))
    for name in sorted(BINARY) + sorted(X_ONLY) + sorted(BOTH):
        a = np.array([0, 1, 2]) if name == "yn" else x
        np.testing.assert_array_equal(getattr(sps, name)(a, x + 1.0), getattr(special, name)(a, x + 1.0))
    np.testing.assert_array_equal(sps.gammasgn(np.array([-2.5, -0.5, 0.7])), [-1.0, -1.0, 1.0])
    np.testing.assert_allclose(sps.logsumexp(x, b=x), special.logsumexp(x, b=x), rtol=1e-15)
    np.testing.assert_allclose(sps.polygamma(2, x), special.polygamma(2, x), rtol=1e-15)
    np.testing.assert_allclose(sps.multigammaln(x + 2.0, 3), special.multigammaln(x + 2.0, 3), rtol=1e-14)


def test_multigammaln_derivatives():
    d = 3
    ref = lambda a: mp.log(mp.pi) * d * (d - 1) / 4 + mp.fsum(mp.loggamma(a - mp.mpf(j) / 2) for j in range(d))  # noqa: E731
    for a0 in (1.3, 4.0):
        _close(osc.grad(lambda a: sps.multigammaln(a, d))(np.float64(a0)), mp.diff(ref, mp.mpf(a0), 1))
        _close(osc.grad(osc.grad(lambda a: sps.multigammaln(a, d)))(np.float64(a0)), mp.diff(ref, mp.mpf(a0), 2))


def test_gammasgn_is_piecewise_constant():
    x = np.array([-2.5, -0.5, 0.7])
    np.testing.assert_array_equal(osc.grad(lambda z: np.sum(special.gammasgn(z) * z))(x), [-1.0, -1.0, 1.0])
