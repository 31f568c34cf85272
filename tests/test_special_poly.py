"""SciPy's orthogonal polynomials and ``lpmv`` (``osculate.ad.prims.special_poly``), reached
by the plain SciPy call: values, first and second derivatives in ``x``
against mpmath at 30 digits (integer degrees 0 to 12 and float degrees, at
``x = ±1`` and beyond ``[-1, 1]``), SciPy's conventions for negative degrees,
degrees that broadcast, higher orders in Taylor mode, mixed Hessians, and the
errors for a traced degree or parameter."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
from scipy import special

import osculate as osc
import osculate.scipy.special as osc_special
from osculate.ad.core import UnsupportedFunctionError

mp.mp.dps = 30

_SQRT2 = mp.sqrt(2)


def _sh(f):
    """The shifted polynomial ``f(n, 2x - 1)``."""
    return lambda n, x: f(n, 2 * x - 1)


# name, SciPy's parameters (between n and x), the mpmath reference f(n, x), points x
_CLASSIC = [-2.2, -1.0, -0.63, 0.0, 0.35, 1.0, 1.7]
_SHIFTED = [-0.6, 0.0, 0.2, 0.5, 1.0, 1.35]
_LAGUERRE = [-1.5, 0.0, 0.7, 3.5, 12.0]
_HERMITE = [-2.5, -1.0, 0.0, 0.3, 1.0, 4.0]
FAMILIES = [
    ("eval_legendre", (), lambda n, x: mp.legendre(n, x), _CLASSIC),
    ("eval_chebyt", (), lambda n, x: mp.chebyt(n, x), _CLASSIC),
    ("eval_chebyu", (), lambda n, x: mp.chebyu(n, x), _CLASSIC),
    ("eval_chebyc", (), lambda n, x: 2 * mp.chebyt(n, x / 2), [-4.5, -2.0, -0.7, 0.0, 1.3, 2.0, 3.1]),
    ("eval_chebys", (), lambda n, x: mp.chebyu(n, x / 2), [-4.5, -2.0, -0.7, 0.0, 1.3, 2.0, 3.1]),
    ("eval_hermite", (), lambda n, x: mp.hermite(n, x), _HERMITE),
    ("eval_hermitenorm", (), lambda n, x: mp.hermite(n, x / _SQRT2) / _SQRT2 ** n, _HERMITE),
    ("eval_laguerre", (), lambda n, x: mp.laguerre(n, 0, x), _LAGUERRE),
    ("eval_genlaguerre", (0.7,), lambda n, x: mp.laguerre(n, 0.7, x), _LAGUERRE),
    ("eval_genlaguerre", (-0.3,), lambda n, x: mp.laguerre(n, -0.3, x), _LAGUERRE),
    ("eval_gegenbauer", (0.7,), lambda n, x: mp.gegenbauer(n, 0.7, x, zeroprec=200), _CLASSIC),
    ("eval_gegenbauer", (-0.3,), lambda n, x: mp.gegenbauer(n, -0.3, x, zeroprec=200), _CLASSIC),
    ("eval_gegenbauer", (2.5,), lambda n, x: mp.gegenbauer(n, 2.5, x, zeroprec=200), _CLASSIC),
    ("eval_jacobi", (0.7, -0.3), lambda n, x: mp.jacobi(n, 0.7, -0.3, x), _CLASSIC),
    ("eval_jacobi", (-0.3, 1.5), lambda n, x: mp.jacobi(n, -0.3, 1.5, x), _CLASSIC),
    ("eval_sh_legendre", (), _sh(mp.legendre), _SHIFTED),
    ("eval_sh_chebyt", (), _sh(mp.chebyt), _SHIFTED),
    ("eval_sh_chebyu", (), _sh(mp.chebyu), _SHIFTED),
    ("eval_sh_jacobi", (2.5, 1.3), lambda n, x: mp.jacobi(n, 1.2, 0.3, 2 * x - 1) / mp.binomial(2 * n + 1.5, n),
     _SHIFTED),
    ("eval_sh_jacobi", (0.7, 0.4), lambda n, x: mp.jacobi(n, 0.3, -0.6, 2 * x - 1) / mp.binomial(2 * n - 0.3, n),
     _SHIFTED),
]
DEGREES = [0, 1, 2, 5, 12]


def _ids(rows):
    return [f"{r[0]}{list(r[1]) if r[1] else ''}" for r in rows]


def _elementwise_derivatives(fn, x):
    """``(f, f', f'', f'' forward-over-forward)`` of the elementwise ``fn`` at the array ``x``."""
    d1 = lambda y: osc.grad(lambda z: np.sum(fn(z)))(y)  # noqa: E731
    ones = np.ones_like(x)
    return (fn(x), d1(x), osc.grad(lambda z: np.sum(d1(z)))(x),
            osc.jvp(lambda z: osc.jvp(fn, (z,), (ones,))[1], (x,), (ones,))[1])


def _reference(ref, n, points):  # (n: passed to ref, None when ref ignores it)
    """Value and two derivatives by mpmath, and a scale for the absolute tolerance (the size
    of the polynomial and its derivatives over the points: near a zero a relative error is
    meaningless)."""
    want = np.array([[float(mp.diff(lambda t: ref(n, t), mp.mpf(x), k)) for x in points] for k in range(3)])
    return want, np.max(np.abs(want))


@pytest.mark.parametrize("name, params, ref, points", FAMILIES, ids=_ids(FAMILIES))
@pytest.mark.parametrize("n", DEGREES)
def test_values_and_two_derivatives_match_mpmath(name, params, ref, points, n):
    scipy_fn = getattr(special, name)
    x = np.array(points)
    value, d1, d2, d2_fwd = _elementwise_derivatives(lambda z: scipy_fn(n, *params, z), x)
    want, scale = _reference(ref, n, points)
    np.testing.assert_array_equal(value, scipy_fn(n, *params, x))  # SciPy's own values
    np.testing.assert_allclose(value, want[0], rtol=1e-12, atol=1e-13 * scale)
    np.testing.assert_allclose(d1, want[1], rtol=1e-11, atol=1e-12 * scale)
    np.testing.assert_allclose(d2, want[2], rtol=1e-11, atol=1e-12 * scale)
    np.testing.assert_allclose(d2_fwd, want[2], rtol=1e-11, atol=1e-12 * scale)
    if n == 0:
        assert not np.any(d1) and not np.any(d2)
    if n == 1:
        assert not np.any(d2)


# float degrees: SciPy's hypergeometric continuation, on x > -1 (x > 0 for the shifted ones)
FLOAT_DEGREE = [
    ("eval_legendre", (), lambda n, x: mp.legendre(n, x), [-0.9, -0.3, 0.4, 1.0, 1.6]),
    ("eval_chebyt", (), lambda n, x: mp.chebyt(n, x), [-0.9, -0.3, 0.4, 1.0, 1.6]),
    ("eval_chebyu", (), lambda n, x: mp.chebyu(n, x), [-0.9, -0.3, 0.4, 1.0, 1.6]),
    ("eval_chebyc", (), lambda n, x: 2 * mp.chebyt(n, x / 2), [-1.5, 0.4, 2.0, 2.6]),
    ("eval_chebys", (), lambda n, x: mp.chebyu(n, x / 2), [-1.5, 0.4, 2.0, 2.6]),
    ("eval_laguerre", (), lambda n, x: mp.laguerre(n, 0, x), [-1.5, 0.0, 0.7, 3.5]),
    ("eval_genlaguerre", (0.7,), lambda n, x: mp.laguerre(n, 0.7, x), [-1.5, 0.0, 0.7, 3.5]),
    ("eval_gegenbauer", (0.7,), lambda n, x: mp.gegenbauer(n, 0.7, x), [-0.9, -0.3, 0.4, 1.0, 1.6]),
    ("eval_gegenbauer", (-0.3,), lambda n, x: mp.gegenbauer(n, -0.3, x), [-0.9, -0.3, 0.4, 1.0, 1.6]),
    ("eval_jacobi", (0.7, -0.3), lambda n, x: mp.jacobi(n, 0.7, -0.3, x), [-0.9, -0.3, 0.4, 1.0, 1.6]),
    ("eval_sh_legendre", (), _sh(mp.legendre), [0.05, 0.4, 1.0, 1.3]),
    ("eval_sh_chebyt", (), _sh(mp.chebyt), [0.05, 0.4, 1.0, 1.3]),
    ("eval_sh_chebyu", (), _sh(mp.chebyu), [0.05, 0.4, 1.0, 1.3]),
    ("eval_sh_jacobi", (2.5, 1.3), lambda n, x: mp.jacobi(n, 1.2, 0.3, 2 * x - 1) / mp.binomial(2 * n + 1.5, n),
     [0.05, 0.4, 1.0, 1.3]),
]


@pytest.mark.parametrize("name, params, ref, points", FLOAT_DEGREE, ids=_ids(FLOAT_DEGREE))
@pytest.mark.parametrize("n", [0.5, 2.5, 3.7, -1.5])
def test_float_degree_follows_scipys_continuation(name, params, ref, points, n):
    scipy_fn = getattr(special, name)
    x = np.array(points)
    value, d1, d2, d2_fwd = _elementwise_derivatives(lambda z: scipy_fn(n, *params, z), x)
    want, scale = _reference(ref, n, points)
    np.testing.assert_allclose(value, want[0], rtol=1e-9, atol=1e-11 * scale)
    np.testing.assert_allclose(d1, want[1], rtol=1e-9, atol=1e-10 * scale)
    np.testing.assert_allclose([d2, d2_fwd], [want[2]] * 2, rtol=1e-8, atol=1e-9 * scale)


def test_float_degree_beyond_minus_one_is_not_finite():
    """Beyond ``x = -1`` (and at it, but for the Jacobi one) SciPy's continuation of a
    non-integer degree is ``±inf``; so are its derivatives (no finite number is invented)."""
    for fn, points in ((lambda z: special.eval_legendre(2.5, z), (-1.0, -1.7)),
                       (lambda z: special.eval_chebyu(0.5, z), (-1.0, -1.7)),
                       (lambda z: special.eval_jacobi(2.5, 0.7, -0.3, z), (-1.7,))):  # (finite at -1)
        for x in map(np.float64, points):
            assert np.isinf(fn(x))
            assert not np.isfinite(osc.grad(fn)(x)) and not np.isfinite(osc.grad(osc.grad(fn))(x))


def test_integer_valued_float_degree_agrees_with_integer_degree():
    x = np.array([-1.0, -0.4, 0.3, 1.0, 1.5])
    for name, params in [("eval_legendre", ()), ("eval_chebyu", ()), ("eval_gegenbauer", (0.7,)),
                         ("eval_jacobi", (0.7, -0.3)), ("eval_laguerre", ()), ("eval_sh_chebyt", ())]:
        f = getattr(special, name)
        for n in (0, 3, 7):
            a = _elementwise_derivatives(lambda z: f(n, *params, z), x)
            b = _elementwise_derivatives(lambda z: f(float(n), *params, z), x)
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10, err_msg=f"{name} n={n}")


# negative integer degrees: SciPy's reflections (P_{-n-1} = P_n, T_{-n} = T_n, U_{-n} = -U_{n-2}),
# zeros (the Gegenbauer, Jacobi and Laguerre families) and nans (Hermite, sh_jacobi)
NEGATIVE = [
    ("eval_legendre", (), lambda n, x: mp.legendre(-n - 1, x)),
    ("eval_chebyt", (), lambda n, x: mp.chebyt(-n, x)),
    ("eval_chebyu", (), lambda n, x: -mp.chebyu(-n - 2, x) if n < -1 else mp.mpf(0)),
    ("eval_chebyc", (), lambda n, x: 2 * mp.chebyt(-n, x / 2)),
    ("eval_chebys", (), lambda n, x: -mp.chebyu(-n - 2, x / 2) if n < -1 else mp.mpf(0)),
    ("eval_sh_legendre", (), _sh(lambda n, x: mp.legendre(-n - 1, x))),
    ("eval_sh_chebyt", (), _sh(lambda n, x: mp.chebyt(-n, x))),
    ("eval_sh_chebyu", (), _sh(lambda n, x: -mp.chebyu(-n - 2, x) if n < -1 else mp.mpf(0))),
    ("eval_laguerre", (), lambda n, x: mp.mpf(0)),
    ("eval_genlaguerre", (0.7,), lambda n, x: mp.mpf(0)),
    ("eval_gegenbauer", (0.7,), lambda n, x: mp.mpf(0)),
    ("eval_jacobi", (0.7, -0.3), lambda n, x: mp.mpf(0)),
]


@pytest.mark.parametrize("name, params, ref", NEGATIVE, ids=_ids(NEGATIVE))
@pytest.mark.parametrize("n", [-1, -2, -5])
def test_negative_degrees_follow_scipys_conventions(name, params, ref, n):
    """An integer degree against mpmath; the same degree as a float where SciPy's float path
    has a value (it is nan at some, e.g. ``eval_laguerre(-1.0, x)``: then so is every
    derivative)."""
    points = [-1.0, -0.4, 0.3, 1.0, 1.5]
    f = getattr(special, name)
    want, scale = _reference(ref, n, points)
    for degree in (n, float(n)):
        got = np.array(_elementwise_derivatives(lambda z: f(degree, *params, z), np.array(points)))
        nan = np.isnan(got[0])
        assert np.all(np.isnan(got[:, nan]))
        if isinstance(degree, int):
            assert not nan.any()
        np.testing.assert_allclose(got[:, ~nan], want[[0, 1, 2, 2]][:, ~nan], rtol=1e-11,
                                   atol=1e-12 * max(scale, 1.0))


@pytest.mark.parametrize("name, params", [("eval_hermite", ()), ("eval_hermitenorm", ()),
                                          ("eval_sh_jacobi", (2.5, 1.3))])
def test_nan_values_have_nan_derivatives(name, params):
    f = getattr(special, name)
    x = np.array([0.3, 0.8])
    value, d1, d2, d2_fwd = _elementwise_derivatives(lambda z: f(np.array([-1, -3]), *params, z), x)
    assert np.all(np.isnan([value, d1, d2, d2_fwd]))


def test_outside_scipys_parameter_domain_every_derivative_is_nan():
    """SciPy's ``eval_gegenbauer`` is nan at ``α = -1/2`` (``n ≥ 2``) and ``eval_genlaguerre``
    for ``α ≤ -1``; their identities would give numbers (through ``α + 1``): the derivatives
    are nan like the value, at every order."""
    x = np.array([0.3, 0.8])
    for fn in (lambda z: special.eval_gegenbauer(3, -0.5, z), lambda z: special.eval_genlaguerre(4, -1.5, z)):
        value, d1, d2, d2_fwd = _elementwise_derivatives(fn, x)
        assert np.all(np.isnan([value, d1, d2, d2_fwd]))
        d3 = osc.derivatives_along(fn, x, np.ones(2), 3)
        assert np.all(np.isnan(d3))


def test_integer_array_degree_broadcasts_against_x():
    n = np.arange(7)[:, None]
    x = np.array([-1.0, -0.2, 0.5, 1.0])
    f = lambda z: special.eval_jacobi(n, 0.7, -0.3, z)  # noqa: E731
    assert f(x).shape == (7, 4)
    np.testing.assert_array_equal(f(x), special.eval_jacobi(n, 0.7, -0.3, x))
    y, t = osc.jvp(f, (x,), (np.ones(4),))
    want = np.array([[float(mp.diff(lambda s: mp.jacobi(k, 0.7, -0.3, s), mp.mpf(v), 1)) for v in x] for k in range(7)])
    assert t.shape == (7, 4)
    np.testing.assert_allclose(t, want, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(osc.grad(lambda z: np.sum(f(z)))(x), want.sum(axis=0), rtol=1e-12)
    jac = osc.jacfwd(lambda z: special.eval_hermite(np.array([[3], [5]]), z))(np.array([0.5, -1.2]))
    assert jac.shape == (2, 2, 2)
    np.testing.assert_allclose(jac[:, [0, 1], [0, 1]], [[6 * (4 * 0.25 - 2), 6 * (4 * 1.44 - 2)],
                                                        [10 * special.eval_hermite(4, 0.5),
                                                         10 * special.eval_hermite(4, -1.2)]], rtol=1e-13)


def test_every_order_in_taylor_mode():
    """``P_12`` up to its 13th derivative: ``P_n⁽ⁿ⁾ = (2n)! / (2ⁿ n!)`` and then 0; the
    other orders against mpmath."""
    x = np.float64(0.3)
    d = osc.derivatives_along(lambda z: special.eval_legendre(12, z), x, np.float64(1.0), 13)
    want = [float(mp.diff(lambda t: mp.legendre(12, t), mp.mpf(0.3), k)) for k in range(12)]
    np.testing.assert_allclose(d[:12], want, rtol=1e-10)
    assert d[12] == pytest.approx(float(mp.factorial(24) / (2**12 * mp.factorial(12))), rel=1e-10)
    assert d[13] == 0.0
    d = osc.derivatives_along(lambda z: special.eval_gegenbauer(6, 0.7, z) + special.eval_sh_jacobi(5, 2.5, 1.3, z),
                              np.float64(0.45), np.float64(1.0), 5)
    ref = lambda t: mp.gegenbauer(6, 0.7, t) + mp.jacobi(5, 1.2, 0.3, 2 * t - 1) / mp.binomial(11.5, 5)  # noqa: E731
    np.testing.assert_allclose(d, [float(mp.diff(ref, mp.mpf(0.45), k)) for k in range(6)], rtol=1e-10)


def test_hessian_of_a_sum_of_polynomials():
    def f(v):
        return (special.eval_legendre(5, v[0]) * special.eval_hermite(3, v[1])
                + special.eval_jacobi(4, 0.7, -0.3, v[0] * v[1]) + special.eval_chebyu(6, v[2]) * v[0]
                + special.eval_genlaguerre(3, -0.3, v[1] + v[2]))

    def ref(a, b, c):
        return (mp.legendre(5, a) * mp.hermite(3, b) + mp.jacobi(4, 0.7, -0.3, a * b) + mp.chebyu(6, c) * a
                + mp.laguerre(3, -0.3, b + c))

    v = np.array([0.4, -0.7, 0.9])
    e = np.eye(3, dtype=int)
    want_g = [float(mp.diff(ref, tuple(v), tuple(e[i]))) for i in range(3)]
    want_h = np.array([[float(mp.diff(ref, tuple(v), tuple(e[i] + e[j]))) for j in range(3)] for i in range(3)])
    np.testing.assert_allclose(osc.grad(f)(v), want_g, rtol=1e-12)
    for mode in osc.HVP_MODES:
        np.testing.assert_allclose(osc.hessian(f, mode=mode)(v), want_h, rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("call, arg", [
    (lambda t: special.eval_legendre(t, 0.3), "n"),
    (lambda t: special.eval_laguerre(t, 0.3), "n"),
    (lambda t: special.eval_jacobi(t, 0.7, -0.3, 0.3), "n"),
    (lambda t: special.eval_gegenbauer(3, t, 0.3), "alpha"),
    (lambda t: special.eval_genlaguerre(3, t, 0.3), "alpha"),
    (lambda t: special.eval_jacobi(3, 0.7, t, 0.3), "beta"),
    (lambda t: special.eval_sh_jacobi(3, t, 1.3, 0.3), "p"),
    (lambda t: special.eval_sh_jacobi(3, 2.5, t, 0.3), "q"),
])
def test_traced_degree_or_parameter_is_an_error_naming_it(call, arg):
    for transform in (osc.grad, lambda g: lambda t: osc.jvp(g, (t,), (1.0,))[1]):
        with pytest.raises(UnsupportedFunctionError, match=rf"\): {arg} is "):
            transform(call)(np.float64(2.0))


def test_constant_parameters_with_a_traced_x_and_the_namespace():
    """Constant parameters are fine; ``osculate.scipy.special`` has the same functions."""
    g = osc.grad(lambda x: osc_special.eval_gegenbauer(4, 0.7, x) + osc_special.eval_sh_chebyt(3, x))(np.float64(0.6))
    want = float(mp.diff(lambda t: mp.gegenbauer(4, 0.7, t) + mp.chebyt(3, 2 * t - 1), mp.mpf(0.6)))
    assert g == pytest.approx(want, rel=1e-13)
    assert sorted(n for n in dir(osc_special) if n.startswith("eval_")) == sorted(
        n for n in dir(special) if n.startswith("eval_"))
    assert osc_special.lpmv is not special.lpmv and osc_special.lpmv(1, 2.0, 0.5) == special.lpmv(1, 2.0, 0.5)


LPMV = [(1, 1.0), (2, 3.5), (-1, 2.0), (-2, 2.0), (-2, 0.5), (3, 7.0), (-3, 4.0), (1, 12.0), (2, -0.5), (0, 2.5),
        (0, 5.0)]


@pytest.mark.parametrize("m, v", LPMV)
def test_lpmv_matches_mpmath_inside(m, v):
    """``lpmv`` against Ferrers' function (mpmath's ``legenp(v, m, x, type=2)``, with the same
    Condon-Shortley phase) on ``(-1, 1)``, close to the ends too."""
    points = [-0.9, -0.3, 0.1, 0.6, 0.97]
    got = _elementwise_derivatives(lambda z: special.lpmv(m, v, z), np.array(points))
    want, scale = _reference(lambda n, x: mp.legenp(v, m, x, type=2), None, points)
    np.testing.assert_allclose(got, want[[0, 1, 2, 2]], rtol=1e-10, atol=1e-12 * scale)


def test_lpmv_of_order_zero_is_legendres_at_the_ends_and_beyond():
    x = np.array([-1.0, 1.0, 1.3])
    for v in (3.0, 2.5):
        got = np.array(_elementwise_derivatives(lambda z: special.lpmv(0, v, z), x))
        points = [1.0, 1.3] if v == 2.5 else [-1.0, 1.0, 1.3]  # (a non-integer degree is ±inf at -1)
        want, scale = _reference(lambda n, t: mp.legendre(v, t), None, points)
        np.testing.assert_allclose(got[:, -len(points):], want[[0, 1, 2, 2]], rtol=1e-11, atol=1e-12 * scale)


def test_lpmv_derivatives_are_nan_where_it_is_not_differentiable():
    """For ``m ≠ 0`` the recurrence divides by ``1 - x²``: at ``x = ±1`` and beyond (where SciPy's
    value is nan) every derivative is nan, in every mode; so where SciPy's value is nan inside."""
    for m, v, x in ((1, 2.0, [-1.0, 1.0, 1.4]), (2, 3.5, [1.0]), (-2, 1.0, [0.3, -0.6])):
        fn = lambda z: special.lpmv(m, v, z)  # noqa: E731
        got = _elementwise_derivatives(fn, np.array(x))
        assert np.all(np.isnan(got[1:]))
        assert np.all(np.isnan(osc.derivatives_along(fn, np.array(x), np.ones(len(x)), 3)[1:]))


def test_lpmv_order_broadcasts():
    m = np.array([[0], [1], [-2], [3]])
    x = np.array([-0.7, 0.2, 0.8])
    y, t = osc.jvp(lambda z: special.lpmv(m, 4.0, z), (x,), (np.ones(3),))
    assert t.shape == (4, 3)
    np.testing.assert_array_equal(y, special.lpmv(m, 4.0, x))
    want = [[float(mp.diff(lambda s: mp.legenp(4, int(k), s, type=2), mp.mpf(v))) for v in x] for k in m[:, 0]]
    np.testing.assert_allclose(t, want, rtol=1e-11)


@pytest.mark.parametrize("call, arg", [(lambda t: special.lpmv(t, 2.5, 0.3), "m"),
                                       (lambda t: special.lpmv(1, t, 0.3), "v")])
def test_lpmv_traced_order_or_degree_is_an_error(call, arg):
    with pytest.raises(UnsupportedFunctionError, match=rf"lpmv\(m, v, x\): {arg} is "):
        osc.grad(call)(np.float64(2.0))


def test_hermite_keeps_scipys_integer_degree():
    """SciPy's Hermite polynomials take integer degrees only: a float degree, traced or not, is
    SciPy's own error."""
    with pytest.raises(TypeError):
        osc.grad(lambda x: special.eval_hermite(2.5, x))(np.float64(0.3))
    with pytest.raises(TypeError):
        osc.grad(lambda t: special.eval_hermite(t, 0.3))(np.float64(2.0))


def test_dtypes_are_scipys():
    """An integer degree with float32 ``x`` is SciPy's float64 loop; a float32 degree keeps float32."""
    x = np.array([0.2, 0.7], dtype=np.float32)
    for fn in (lambda z: special.eval_legendre(4, z), lambda z: special.eval_chebyu(np.array([-3, 2]), z),
               lambda z: special.eval_legendre(np.float32(4.0), z),
               lambda z: special.eval_jacobi(np.float32(3.0), np.float32(0.7), np.float32(-0.3), z),
               lambda z: special.eval_chebyu(np.array([-3.0, 2.0], dtype=np.float32), z)):
        y, t = osc.jvp(fn, (x,), (np.ones(2, dtype=np.float32),))
        assert y.dtype == fn(x).dtype and t.dtype == y.dtype
    y, t = osc.jvp(lambda z: special.eval_legendre(np.float32(4.0), z), (x,), (np.ones(2, dtype=np.float32),))
    assert t.dtype == np.float32
