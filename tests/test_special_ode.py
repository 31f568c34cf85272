"""``osculate.ad.prims.special_ode``: SciPy's values untouched, first, second and
third derivatives in ``x`` against mpmath at 30 digits (the closed-form
families, the integrals of Bessel, Struve and Airy functions, the parabolic
cylinder functions), Mathieu's and the spheroidal wave functions against
their own equations and finite differences of SciPy's ``y'``, the limits at ``x = 0``, and the errors
for the constant arguments."""

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

mp.mp.dps = 30


def _wright(a, b, x, terms=120):
    a, b, x = mp.mpf(a), mp.mpf(b), mp.mpf(x)
    return mp.fsum(x ** k / (mp.factorial(k) * mp.gamma(a * k + b)) for k in range(terms))


def _at(f, x):
    return float(f(mp.mpf(x)))


# name, function of x (SciPy's ufunc on a traced x), its first derivative (mpmath), points
FAMILIES = [
    ("wright_bessel(0.5, 1.2, x)", lambda x: special.wright_bessel(0.5, 1.2, x),
     lambda x: _wright(0.5, 1.7, x), [0.0, 0.4, 2.5, 6.0]),
    ("wright_bessel(2, 0.3, x)", lambda x: special.wright_bessel(2.0, 0.3, x),
     lambda x: _wright(2.0, 2.3, x), [0.4, 3.0]),
    ("log_wright_bessel(0.5, 1.2, x)", lambda x: special.log_wright_bessel(0.5, 1.2, x),
     lambda x: _wright(0.5, 1.7, x) / _wright(0.5, 1.2, x), [0.4, 2.5, 6.0]),
    ("hyperu(0.7, 1.3, x)", lambda x: special.hyperu(0.7, 1.3, x),
     lambda x: -mp.mpf("0.7") * mp.hyperu(1.7, 2.3, x), [0.3, 1.5, 8.0]),
    ("hyperu(-0.4, 2.5, x)", lambda x: special.hyperu(-0.4, 2.5, x),
     lambda x: mp.mpf("0.4") * mp.hyperu(0.6, 3.5, x), [0.5, 4.0]),
    ("itj0y0[0]", lambda x: special.itj0y0(x)[0], lambda x: mp.besselj(0, x), [0.0, 0.3, 2.5, 12.0, -1.7]),
    ("itj0y0[1]", lambda x: special.itj0y0(x)[1], lambda x: mp.bessely(0, x), [0.3, 2.5, 12.0]),
    ("it2j0y0[0]", lambda x: special.it2j0y0(x)[0], lambda x: (1 - mp.besselj(0, x)) / x,
     [1e-3, 0.3, 0.999, 1.001, 2.5, 12.0, -1.7]),
    ("it2j0y0[1]", lambda x: special.it2j0y0(x)[1], lambda x: -mp.bessely(0, x) / x, [0.3, 2.5, 12.0]),
    ("iti0k0[0]", lambda x: special.iti0k0(x)[0], lambda x: mp.besseli(0, x), [0.0, 0.3, 2.5, 12.0, -1.7]),
    ("iti0k0[1]", lambda x: special.iti0k0(x)[1], lambda x: mp.besselk(0, x), [0.3, 2.5, 12.0]),
    ("it2i0k0[0]", lambda x: special.it2i0k0(x)[0], lambda x: (mp.besseli(0, x) - 1) / x,
     [1e-3, 0.3, 0.999, 1.001, 2.5, 12.0, -1.7]),
    ("it2i0k0[1]", lambda x: special.it2i0k0(x)[1], lambda x: -mp.besselk(0, x) / x, [0.3, 2.5, 12.0]),
    ("itstruve0", special.itstruve0, lambda x: mp.struveh(0, x), [0.3, 2.5, 12.0, -1.7]),
    ("it2struve0", special.it2struve0, lambda x: -mp.struveh(0, x) / x, [1e-3, 0.3, 0.999, 1.001, 2.5, 12.0, -1.7]),
    ("itmodstruve0", special.itmodstruve0, lambda x: mp.struvel(0, x), [0.0, 0.3, 2.5, 12.0, -1.7]),
]
FAMILIES += [(f"itairy[{k}]", lambda x, k=k: special.itairy(x)[k],
              lambda x, k=k: (mp.airyai, mp.airybi)[k % 2](-x if k >= 2 else x), [-4.0, -0.5, 0.0, 0.5, 3.0])
             for k in range(4)]


def _close(got, want, rtol, what):
    assert abs(got - want) <= rtol * max(abs(want), 1e-20), (what, got, want)


@pytest.mark.parametrize("name, fn, d1, points", FAMILIES, ids=[c[0] for c in FAMILIES])
def test_derivative_families_match_mpmath(name, fn, d1, points):
    """SciPy's value untouched; the gradient, the Hessian (forward-over-reverse and
    reverse-over-reverse) and the third derivative (Taylor mode) against mpmath."""
    for x0 in points:
        x = np.float64(x0)
        value, _ = osc.jvp(fn, (x,), (np.float64(1.0),))
        assert value == fn(x)
        want = [_at(d1, x0)] + [float(mp.diff(d1, mp.mpf(x0), k)) for k in (1, 2)]
        _close(osc.grad(fn)(x), want[0], 1e-10, (name, x0, 1))  # (SciPy's hyperu: 1e-11)
        for mode in ("fwd-rev", "rev-rev"):
            _close(osc.hessian(fn, mode=mode)(x), want[1], 1e-9, (name, x0, 2, mode))
        d = osc.derivatives_along(fn, x, np.float64(1.0), 3)
        _close(d[3], want[2], 1e-9, (name, x0, 3))
    assert core.current_depth() == 0


def test_integrals_are_scipys_values_and_close_to_mpmath():
    """The values are SciPy's (to its own accuracy against the integrals: itairy to 1e-8)."""
    x = 1.3
    checks = [(special.itj0y0(x)[0], mp.quad(lambda t: mp.besselj(0, t), [0, x]), 1e-13),
              (special.iti0k0(x)[1], mp.quad(lambda t: mp.besselk(0, t), [0, x]), 1e-13),
              (special.it2i0k0(x)[0], mp.quad(lambda t: (mp.besseli(0, t) - 1) / t, [0, x]), 1e-13),
              (special.itstruve0(x), mp.quad(lambda t: mp.struveh(0, t), [0, x]), 1e-13),
              (special.itairy(x)[2], mp.quad(lambda t: mp.airyai(-t), [0, x]), 1e-8)]
    for got, want, tol in checks:
        _close(got, float(want), tol, "value")
    t = np.array([0.4, -2.0, 7.5])
    for fn in (sps.itj0y0, sps.it2j0y0, sps.iti0k0, sps.it2i0k0, sps.itairy):
        got, want = fn(t), getattr(special, fn.__name__)(t)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)


def test_limits_at_zero():
    """(1 - J₀)/x, (I₀ - 1)/x and H₀/x are their series about 0: exact there to every order."""
    zero = np.float64(0.0)
    one = np.float64(1.0)
    cases = [(lambda x: special.it2j0y0(x)[0], [0.0, 0.25, 0.0, -6 / 64]),  # x/4 - x³/64 + …
             (lambda x: special.it2i0k0(x)[0], [0.0, 0.25, 0.0, 6 / 64]),
             (special.it2struve0, [-2 / math.pi, 0.0, 4 / (9 * math.pi), 0.0])]  # -(2/π)(1 - x²/9 + …)
    for fn, want in cases:
        d = osc.derivatives_along(fn, zero, one, 4)
        np.testing.assert_allclose(d[1:], want, rtol=1e-15, atol=1e-300)
        assert osc.grad(fn)(zero) == want[0]
    # where Y₀ and K₀ are infinite, the derivatives of those parts are nan (and raise no warning)
    for fn in (lambda x: special.itj0y0(x)[1], lambda x: special.it2i0k0(x)[1]):
        assert np.isnan(osc.grad(fn)(zero)) and np.isnan(osc.hessian(fn)(zero))


def _besselpoly_d(a, lmb, nu, n):
    """``∂ⁿ/∂aⁿ ∫₀¹ t^λ J_ν(2at) dt`` by quadrature."""
    return float(mp.quad(lambda t: t ** lmb * (2 * t) ** n * mp.besselj(nu, 2 * a * t, derivative=n), [0, 1]))


@pytest.mark.parametrize("a, lmb, nu", [(1.3, 0.5, 1.0), (0.7, 1.0, 0.0), (1.1, 0.3, -1.0), (0.9, 2.0, -2.0),
                                         (1.2, 1.0, -0.5), (1.2, 1.5, 2.5), (2.0, 0.0, 3.0)])
def test_besselpoly_in_a_matches_quadrature(a, lmb, nu):
    """Negative and fractional orders included: ∂a = besselpoly(a, λ+1, ν-1) - besselpoly(a, λ+1, ν+1)."""
    fn = lambda t: special.besselpoly(t, lmb, nu)  # noqa: E731
    x = np.float64(a)
    assert osc.jvp(fn, (x,), (np.float64(1.0),))[0] == special.besselpoly(a, lmb, nu)
    _close(special.besselpoly(a, lmb, nu), _besselpoly_d(a, lmb, nu, 0), 1e-12, "value")
    _close(osc.grad(fn)(x), _besselpoly_d(a, lmb, nu, 1), 1e-11, "first")
    for mode in ("fwd-rev", "rev-rev"):
        _close(osc.hessian(fn, mode=mode)(x), _besselpoly_d(a, lmb, nu, 2), 1e-10, "second")


# --------------------------------------------------------------------------- (y, y') pairs

PARABOLIC = [
    ("pbdv", lambda v, t: mp.pcfd(v, t), [(0.7, 1.3), (-1.4, 0.6), (2.0, -1.1), (1.5, 3.0), (0.0, 0.0)]),
    ("pbvv", lambda v, t: mp.pcfv(-v - mp.mpf(1) / 2, t), [(0.7, 1.3), (-1.4, 0.6), (2.0, -1.1), (1.5, 3.0)]),
    ("pbwa", lambda a, t: mp.pcfw(a, t), [(0.7, 1.3), (-1.4, 0.6), (2.0, -1.1), (0.0, 0.0)]),
]


@pytest.mark.parametrize("name, ref, points", PARABOLIC, ids=[c[0] for c in PARABOLIC])
def test_parabolic_cylinder_functions_match_mpmath(name, ref, points):
    """Both outputs SciPy's; ∂x y = SciPy's y' exactly, and ∂x y', the Hessians and the third
    derivatives (Weber's equation and its derivative) against mpmath."""
    scipy_fn, osc_fn = getattr(special, name), getattr(sps, name)
    for v, x0 in points:
        x = np.float64(x0)
        y, yp = osc_fn(v, x)
        assert (y, yp) == scipy_fn(v, x)
        f = lambda t: mp.mpf(ref(mp.mpf(v), t))  # noqa: E731
        d = [float(mp.diff(f, mp.mpf(x0), k)) for k in range(5)]
        _close(y, d[0], 1e-10, (name, "value"))
        assert osc.grad(lambda t: osc_fn(v, t)[0])(x) == yp
        _close(osc.grad(lambda t: osc_fn(v, t)[1])(x), d[2], 1e-9, (name, v, x0, "y''"))
        for k in (0, 1):
            for mode in ("fwd-rev", "rev-rev"):
                _close(osc.hessian(lambda t: osc_fn(v, t)[k])(x), d[2 + k], 1e-9, (name, v, x0, k, mode))
        along = osc.derivatives_along(lambda t: osc_fn(v, t)[0], x, np.float64(1.0), 4)
        np.testing.assert_allclose(along[2:], d[2:], rtol=1e-9, atol=1e-9 * max(map(abs, d)))
    assert core.current_depth() == 0


MATHIEU = [("mathieu_cem", special.mathieu_a, True), ("mathieu_sem", special.mathieu_b, True),
           ("mathieu_modcem1", special.mathieu_a, False), ("mathieu_modcem2", special.mathieu_a, False),
           ("mathieu_modsem1", special.mathieu_b, False), ("mathieu_modsem2", special.mathieu_b, False)]


@pytest.mark.parametrize("name, characteristic, degrees", MATHIEU, ids=[c[0] for c in MATHIEU])
def test_mathieu_functions_follow_their_equations(name, characteristic, degrees):
    """``x`` in degrees for ce/se (SciPy's y' in radians): ∂x y is SciPy's y' (times π/180);
    ∂x y' is the equation's ``∓(a - 2q cos 2t) y`` (cosh for the modified ones), which matches a
    central difference of SciPy's y'; the third derivative is the equation differentiated,
    ``-(a - 2q cos 2t) y' - 4q sin 2t y`` (``(a - 2q cosh 2x) y' - 4q sinh 2x y``), in Taylor
    mode and in nested reverse mode."""
    scipy_fn, osc_fn = getattr(special, name), getattr(sps, name)
    scale = math.pi / 180 if degrees else 1.0
    points = [(0, 1.5, 40.0), (2, 0.7, -75.0), (3, 4.0, 10.0)] if degrees else [(1, 1.5, 0.4), (2, 0.7, 0.9),
                                                                               (3, 4.0, 0.25)]
    for m, q, x0 in points:
        if name.endswith(("sem", "sem1", "sem2")) and m == 0:
            continue
        x = np.float64(x0)
        y, yp = osc_fn(m, q, x)
        assert (y, yp) == scipy_fn(m, q, x)
        a = characteristic(m, q)
        t = x0 * scale
        if degrees:
            coef, dcoef = -(a - 2 * q * math.cos(2 * t)), -4 * q * math.sin(2 * t)
        else:
            coef, dcoef = a - 2 * q * math.cosh(2 * t), -4 * q * math.sinh(2 * t)
        ypp = coef * y
        yppp = coef * yp + dcoef * y
        assert osc.grad(lambda s: osc_fn(m, q, s)[0])(x) == scale * yp
        second = osc.hessian(lambda s: osc_fn(m, q, s)[0])(x)
        _close(second, scale ** 2 * ypp, 1e-13, (name, m, q, x0))
        h = 1e-3 if degrees else 1e-5
        fd = (scipy_fn(m, q, x0 + h)[1] - scipy_fn(m, q, x0 - h)[1]) / (2 * h)
        assert abs(fd - scale * ypp) <= 1e-5 * max(abs(ypp), 1.0), (name, m, q, x0, fd, scale * ypp)
        along = osc.derivatives_along(lambda s: osc_fn(m, q, s)[0], x, np.float64(1.0), 3)
        np.testing.assert_allclose(along, [y, scale * yp, scale ** 2 * ypp, scale ** 3 * yppp], rtol=1e-12,
                                   atol=1e-14)
        third = osc.grad(lambda s: osc.grad(lambda r: osc.grad(lambda u: osc_fn(m, q, u)[0])(r))(s))(x)
        _close(third, scale ** 3 * yppp, 1e-12, (name, m, q, x0, "third"))
    assert core.current_depth() == 0


def test_mathieu_characteristic_values_in_q():
    """At q = 0 the derivatives of the known series (a₀ = -q²/2 + 7q⁴/128, a₁ = 1 + q - q²/8 - q³/64
    - q⁴/1536, a₂ = 4 + 5q²/12 - 763q⁴/13824, b₁ = 1 - q - q²/8 + q³/64 - q⁴/1536, b₂ = 4 - q²/12
    + 5q⁴/13824); elsewhere ∂q a = 2⟨cos 2x y, y⟩ / ⟨y, y⟩ (by quadrature of SciPy's own ce and se)
    and five-point differences of SciPy's values, negative q included."""
    series = {("a", 0): [0.0, 0.0, -1.0, 0.0, 7 * 24 / 128], ("a", 1): [1.0, 1.0, -0.25, -6 / 64, -24 / 1536],
              ("a", 2): [4.0, 0.0, 5 / 6, 0.0, -763 * 24 / 13824],
              ("b", 1): [1.0, -1.0, -0.25, 6 / 64, -24 / 1536], ("b", 2): [4.0, 0.0, -1 / 6, 0.0, 5 * 24 / 13824]}
    for (kind, m), want in series.items():
        f = lambda t: getattr(special, f"mathieu_{kind}")(m, t)  # noqa: E731
        d = osc.derivatives_along(f, np.float64(0.0), np.float64(1.0), 4)
        np.testing.assert_allclose(d, want, rtol=1e-12, atol=1e-13)
    for kind, m, q in (("a", 0, 1.3), ("a", 3, 7.0), ("a", 2, -2.5), ("b", 1, 1.3), ("b", 4, 25.0), ("b", 3, -6.0)):
        f = lambda t: getattr(special, f"mathieu_{kind}")(m, t)  # noqa: E731
        y = lambda deg: getattr(special, "mathieu_cem" if kind == "a" else "mathieu_sem")(m, q, deg)[0]  # noqa: E731
        xs = np.linspace(0.0, 360.0, 2001)[:-1]  # the periodic trapezoid rule: spectrally accurate
        ys = y(xs)
        hf = 2 * np.sum(np.cos(2 * np.radians(xs)) * ys * ys) / np.sum(ys * ys)
        _close(osc.grad(f)(np.float64(q)), hf, 1e-10, (kind, m, q))
        h = 1e-2
        v = [f(q + k * h) for k in (-2, -1, 0, 1, 2)]
        fd1 = (v[0] - 8 * v[1] + 8 * v[3] - v[4]) / (12 * h)
        fd2 = (-v[0] + 16 * v[1] - 30 * v[2] + 16 * v[3] - v[4]) / (12 * h * h)
        _close(osc.grad(f)(np.float64(q)), fd1, 1e-8, (kind, m, q))
        for mode in ("fwd-rev", "rev-rev"):
            _close(osc.hessian(f, mode=mode)(np.float64(q)), fd2, 1e-6, (kind, m, q, mode))
    assert osc.jvp(lambda t: special.mathieu_a(2, t), (np.float64(1.3),), (np.float64(1.0),))[0] == special.mathieu_a(2, 1.3)
    assert np.isnan(osc.grad(lambda t: special.mathieu_b(0, t))(np.float64(1.3)))  # (b₀ does not exist)
    assert core.current_depth() == 0


def test_spheroidal_characteristic_values_in_c():
    """At c = 0: λ = n(n+1) ± c² (2(n(n+1) - m²) - 1) / ((2n-1)(2n+3)) + O(c⁴); elsewhere ∂c λ =
    ±2c ⟨x² S, S⟩ / ⟨S, S⟩ (Gauss-Legendre quadrature of SciPy's own pro_ang1/obl_ang1) and
    five-point differences of SciPy's values."""
    nodes, weights = np.polynomial.legendre.leggauss(80)
    for kind, sign in (("pro", 1.0), ("obl", -1.0)):
        cv = getattr(special, f"{kind}_cv")
        for m, n in ((0, 0), (1, 2), (2, 5), (3, 4)):
            f = lambda t: cv(m, n, t)  # noqa: E731
            d = osc.derivatives_along(f, np.float64(0.0), np.float64(1.0), 3)
            second = 2 * sign * (2 * (n * (n + 1) - m * m) - 1) / ((2 * n - 1) * (2 * n + 3))
            np.testing.assert_allclose(d, [n * (n + 1), 0.0, second, 0.0], rtol=1e-12, atol=1e-12)
            for c in (0.7, 2.5, 6.0):
                y = getattr(special, f"{kind}_ang1")(m, n, c, nodes)[0]
                hf = 2 * sign * c * np.sum(weights * nodes ** 2 * y * y) / np.sum(weights * y * y)
                _close(osc.grad(f)(np.float64(c)), hf, 1e-7, (kind, m, n, c))  # (SciPy's S: about 1e-8)
                h = 1e-2
                v = [f(c + k * h) for k in (-2, -1, 0, 1, 2)]
                fd1 = (v[0] - 8 * v[1] + 8 * v[3] - v[4]) / (12 * h)
                fd2 = (-v[0] + 16 * v[1] - 30 * v[2] + 16 * v[3] - v[4]) / (12 * h * h)
                _close(osc.grad(f)(np.float64(c)), fd1, 1e-8, (kind, m, n, c))
                for mode in ("fwd-rev", "rev-rev"):
                    _close(osc.hessian(f, mode=mode)(np.float64(c)), fd2, 1e-6, (kind, m, n, c, mode))
    assert osc.jvp(lambda t: special.pro_cv(1, 2, t), (np.float64(1.3),), (np.float64(1.0),))[0] == special.pro_cv(1, 2, 1.3)
    assert np.isnan(osc.grad(lambda t: special.obl_cv(3, 2, t))(np.float64(1.3)))  # (n < m)
    assert core.current_depth() == 0


SPHEROIDAL = [("pro_ang1", special.pro_cv, "pro", [0.3, -0.7, 0.0]), ("pro_rad1", special.pro_cv, "pro", [1.2, 2.5]),
              ("obl_ang1", special.obl_cv, "obl_ang", [0.3, -0.7, 0.0]), ("obl_rad1", special.obl_cv, "obl_rad",
                                                                            [0.2, 0.9, 3.0])]


def _spheroidal_second(kind, m, c, lam, x, y, yp):
    """y'' from the equation (plain floats)."""
    if kind == "obl_rad":
        return (-2 * x * yp + (lam - c * c * x * x - m * m / (x * x + 1)) * y) / (x * x + 1)
    sign = -1.0 if kind == "pro" else 1.0
    return (2 * x * yp - (lam + sign * c * c * x * x - m * m / (1 - x * x)) * y) / (1 - x * x)


@pytest.mark.parametrize("name, cv, kind, xs", SPHEROIDAL, ids=[c[0] for c in SPHEROIDAL])
def test_spheroidal_functions_follow_their_equations(name, cv, kind, xs):
    """Both outputs SciPy's (the _cv variant at SciPy's characteristic value gives the same
    numbers); ∂x y = SciPy's y'; ∂x y' (and the Hessian) is the equation's y'', which matches a
    central difference of SciPy's y'; the third derivative (Taylor mode and nested reverse) matches
    a central difference of the equation's y''."""
    scipy_fn, osc_fn = getattr(special, name), getattr(sps, name)
    scipy_cv, osc_cv = getattr(special, f"{name}_cv"), getattr(sps, f"{name}_cv")
    for m, n, c in ((0, 0, 1.2), (1, 2, 0.8), (2, 3, 2.0)):
        lam = cv(m, n, c)
        for x0 in xs:
            x = np.float64(x0)
            y, yp = osc_fn(m, n, c, x)
            assert (y, yp) == scipy_fn(m, n, c, x) == scipy_cv(m, n, c, lam, x) == osc_cv(m, n, c, lam, x)
            ypp = _spheroidal_second(kind, m, c, lam, x0, y, yp)
            for f in (lambda t: osc_fn(m, n, c, t), lambda t: osc_cv(m, n, c, lam, t)):
                assert osc.grad(lambda t: f(t)[0])(x) == yp
                _close(osc.hessian(lambda t: f(t)[0])(x), ypp, 1e-13, (name, m, n, c, x0))
                _close(osc.grad(lambda t: f(t)[1])(x), ypp, 1e-13, (name, m, n, c, x0))
            h = 1e-5
            fd = (scipy_fn(m, n, c, x0 + h)[1] - scipy_fn(m, n, c, x0 - h)[1]) / (2 * h)
            assert abs(fd - ypp) <= 1e-6 * max(abs(y), abs(yp), abs(ypp)), (name, m, n, c, x0, fd, ypp)
            ypp_at = [_spheroidal_second(kind, m, c, lam, x0 + e, *scipy_fn(m, n, c, x0 + e)) for e in (h, -h)]
            yppp = (ypp_at[0] - ypp_at[1]) / (2 * h)
            along = osc.derivatives_along(lambda t: osc_fn(m, n, c, t)[0], x, np.float64(1.0), 3)
            assert abs(along[3] - yppp) <= 1e-6 * max(abs(yp), abs(ypp), abs(yppp)), (name, m, n, c, x0)
            third = osc.grad(lambda s: osc.grad(lambda r: osc.grad(lambda u: osc_fn(m, n, c, u)[0])(r))(s))(x)
            _close(third, along[3], 1e-12, (name, m, n, c, x0, "third"))
    assert core.current_depth() == 0


def test_spheroidal_angular_functions_in_c():
    """∂c and ∂²c of S and S' against five-point differences of SciPy's values, the mixed ∂x∂c
    against differences in c of SciPy's S', and at c = 0 (S = Pₙᵐ, even in c) a zero first
    derivative and S itself without the Condon–Shortley phase."""
    for kind in ("pro", "obl"):
        scipy_fn = getattr(special, f"{kind}_ang1")
        for m, n, c, x in ((0, 0, 1.2, 0.3), (1, 2, 0.8, -0.6), (2, 3, 2.0, 0.3), (1, 4, 3.0, 0.5), (0, 3, 5.0, -0.2)):
            h = 1e-3
            for which in (0, 1):
                f = lambda t: scipy_fn(m, n, t, x)[which]  # noqa: E731
                v = [f(c + k * h) for k in (-2, -1, 0, 1, 2)]
                fd1 = (v[0] - 8 * v[1] + 8 * v[3] - v[4]) / (12 * h)
                fd2 = (-v[0] + 16 * v[1] - 30 * v[2] + 16 * v[3] - v[4]) / (12 * h * h)
                scale = max(abs(fd1), abs(fd2), 1.0)
                assert abs(osc.grad(f)(np.float64(c)) - fd1) <= 1e-9 * scale, (kind, m, n, c, which)
                for mode in ("fwd-rev", "rev-rev"):
                    assert abs(osc.hessian(f, mode=mode)(np.float64(c)) - fd2) <= 1e-5 * scale, (kind, m, n, c, mode)
            g = lambda w: scipy_fn(m, n, w[0], w[1])[0]  # noqa: E731
            hess = osc.hessian(g)(np.array([c, x]))
            v = [scipy_fn(m, n, c + k * h, x)[1] for k in (-2, -1, 1, 2)]
            mixed = (v[0] - 8 * v[1] + 8 * v[2] - v[3]) / (12 * h)
            np.testing.assert_allclose([hess[0, 1], hess[1, 0]], mixed, rtol=1e-8, atol=1e-10)
        x = np.float64(0.4)
        y = scipy_fn(1, 3, 0.0, x)[0]
        np.testing.assert_allclose(y, -special.lpmv(1, 3, x), rtol=1e-13)  # (no Condon–Shortley phase)
        assert abs(osc.grad(lambda t: scipy_fn(1, 3, t, x)[0])(np.float64(0.0))) <= 1e-14
    assert core.current_depth() == 0


def test_spheroidal_angular_functions_at_the_singular_points():
    """At x = ±1 SciPy's values are nan, and so are the derivatives (no warnings)."""
    for x in (1.0, -1.0):
        f = lambda t: special.pro_ang1(1, 2, 0.8, t)[0]  # noqa: E731
        assert np.isnan(osc.grad(f)(np.float64(x))) and np.isnan(osc.hessian(f)(np.float64(x)))


def test_mathieu_ce_se_in_q():
    """∂q and ∂²q of ce/se and of their y' against five-point differences of SciPy's values, the
    mixed ∂x∂q (both orders of differentiation) against differences in q of SciPy's y', and at q = 0
    the first terms of the series: ce₀ = (1 - (q/2) cos 2x)/√2, ce₁ = cos x - (q/8) cos 3x, se₁ = sin x
    - (q/8) sin 3x."""
    for kind, m, q, x in (("cem", 0, 1.3, 37.0), ("cem", 1, 2.0, -20.0), ("cem", 2, -2.5, 70.0), ("cem", 5, 7.0, 10.0),
                          ("sem", 1, 2.0, -20.0), ("sem", 2, -2.5, 70.0), ("sem", 3, -6.0, 100.0), ("sem", 6, 30.0, 41.0)):
        scipy_fn = getattr(special, f"mathieu_{kind}")
        h = 1e-3
        for which in (0, 1):
            f = lambda t: scipy_fn(m, t, x)[which]  # noqa: E731
            v = [f(q + k * h) for k in (-2, -1, 0, 1, 2)]
            fd1 = (v[0] - 8 * v[1] + 8 * v[3] - v[4]) / (12 * h)
            fd2 = (-v[0] + 16 * v[1] - 30 * v[2] + 16 * v[3] - v[4]) / (12 * h * h)
            scale = max(abs(fd1), abs(fd2), 1.0)
            assert abs(osc.grad(f)(np.float64(q)) - fd1) <= 1e-9 * scale, (kind, m, q, which)
            for mode in ("fwd-rev", "rev-rev", "rev-fwd"):
                assert abs(osc.hessian(f, mode=mode)(np.float64(q)) - fd2) <= 1e-5 * scale, (kind, m, q, which, mode)
        g = lambda w: scipy_fn(m, w[0], w[1])[0]  # noqa: E731
        hess = osc.hessian(g)(np.array([q, x]))
        v = [scipy_fn(m, q + k * h, x)[1] for k in (-2, -1, 1, 2)]
        mixed = (v[0] - 8 * v[1] + 8 * v[2] - v[3]) / (12 * h) * math.pi / 180
        np.testing.assert_allclose([hess[0, 1], hess[1, 0]], mixed, rtol=1e-8, atol=1e-11)
    t = np.array([0.3, 1.1, 2.0])  # radians
    deg = np.degrees(t)
    cases = [("cem", 0, -np.cos(2 * t) / (2 * math.sqrt(2))), ("cem", 1, -np.cos(3 * t) / 8),
             ("sem", 1, -np.sin(3 * t) / 8)]
    for kind, m, want in cases:
        got = osc.jacfwd(lambda w: getattr(special, f"mathieu_{kind}")(m, w, deg)[0])(np.zeros(3))
        np.testing.assert_allclose(np.diag(got), want, rtol=1e-12, atol=1e-14)
    assert core.current_depth() == 0


def test_vectors_broadcast_and_vmap():
    v = np.array([0.7, -1.4, 2.0])
    x = np.array([[0.3, 1.1, -0.8], [1.6, -0.2, 0.9]])
    jac = osc.jacfwd(lambda t: special.pbdv(v, t)[0])(x[0])
    np.testing.assert_array_equal(jac, np.diag(special.pbdv(v, x[0])[1]))
    got = osc.vmap(lambda t: osc.grad(lambda s: np.sum(special.mathieu_modcem1(2, 1.5, s)[1]))(t))(np.abs(x))
    a = special.mathieu_a(2, 1.5)
    want = (a - 3.0 * np.cosh(2 * np.abs(x))) * special.mathieu_modcem1(2, 1.5, np.abs(x))[0]
    np.testing.assert_allclose(got, want, rtol=1e-14)


@pytest.mark.parametrize("fn, point, what", [
    (lambda v: special.wright_bessel(v[0], 1.2, v[1]), [0.5, 1.3], "wright_bessel"),
    (lambda v: special.wright_bessel(0.5, v[0], v[1]), [1.2, 1.3], "wright_bessel"),
    (lambda v: special.log_wright_bessel(0.5, v[0], v[1]), [1.2, 1.3], "log_wright_bessel"),
    (lambda v: special.hyperu(v[0], 1.3, v[1]), [0.7, 1.3], "hyperu"),
    (lambda v: special.besselpoly(v[1], 1.0, v[0]), [1.0, 1.3], "besselpoly"),
    (lambda v: special.besselpoly(v[1], v[0], 1.0), [1.0, 1.3], "besselpoly"),
    (lambda v: special.pbdv(v[0], v[1])[0], [0.7, 1.3], "the order v"),
    (lambda v: special.pbwa(v[0], v[1])[1], [0.7, 1.3], "the parameter a"),
    (lambda v: special.mathieu_cem(v[0], 1.5, v[1])[0], [2.0, 30.0], "the order m"),
    (lambda v: special.mathieu_modsem2(2, v[0], v[1])[1], [1.5, 0.3], "the parameter q"),
    (lambda v: special.mathieu_a(v[0], v[1]), [2.0, 1.3], "the order m"),
    (lambda v: special.pro_cv(v[0], 2, v[1]), [1.0, 1.3], "the order m"),
    (lambda v: special.pro_rad1(1, 2, v[0], v[1])[0], [0.8, 1.3], "the parameter c"),
    (lambda v: special.pro_ang1(1, v[0], 0.8, v[1])[0], [2.0, 0.3], "the order m"),
    (lambda v: special.obl_rad1_cv(1, 2, 0.8, v[0], v[1])[1], [3.0, 0.3], "cv"),
])
def test_constant_arguments_are_refused(fn, point, what):
    with pytest.raises(UnsupportedFunctionError, match=what):
        osc.grad(fn)(np.array(point))
    assert core.current_depth() == 0
