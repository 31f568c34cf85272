"""The statistical functions of ``scipy.special`` in ``osculate.ad.prims.special_stat``:
values (SciPy's own, on traced inputs too), first and second derivatives against mpmath at
30 digits (the inverses by the implicit function theorem on mpmath's own cdfs, whose partials
mpmath differentiates numerically), higher orders of the derivative families, nan off the
domain, and the integer arguments' errors."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
from scipy import special, stats

import osculate as osc
import osculate.scipy.special as sps
from osculate.ad.core import UnsupportedFunctionError
from osculate.ad.prims.special_stat import chndtr_pdf, kolmogorov_d, smirnov_d

mp.mp.dps = 30


def _p(a, x):
    return mp.gammainc(a, 0, x, regularized=True)


def _i(a, b, x):
    return mp.betainc(a, b, 0, x, regularized=True)


def _student(df, t):
    half = _i(df / 2, mp.mpf(1) / 2, df / (df + t * t)) / 2
    return 1 - half if t > 0 else half


def _ncx2(x, k, nc):
    """The noncentral chi-square distribution function: the Poisson mixture of P(k/2 + j, x/2)."""
    terms = int(abs(float(nc)) / 2 + 12 * math.sqrt(abs(float(nc)) / 2) + 30)  # (the weights beyond: below 1e-30)
    half = nc / 2
    return sum(mp.exp(-half) * half ** j / mp.factorial(j) * _p(k / 2 + j, x / 2) for j in range(terms))


def _ncf(d1, d2, nc, x):
    """The noncentral F distribution function: the Poisson mixture of I_w(d1/2 + j, d2/2)."""
    w, half = d1 * x / (d2 + d1 * x), nc / 2
    terms = int(abs(float(half)) + 12 * math.sqrt(abs(float(half))) + 30)
    return sum(mp.exp(-half) * half ** j / mp.factorial(j) * _i(d1 / 2 + j, d2 / 2, w) for j in range(terms))


def _nct(nu, mu, t):
    """The noncentral t distribution function: Φ(-μ) ± ½ Σⱼ [pⱼ I_x(j + ½, ν/2) + qⱼ I_x(j + 1, ν/2)] at ±μ,
    x = t² / (t² + ν), pⱼ, qⱼ the Poisson-type weights in μ²/2."""
    x, m = t * t / (t * t + nu), (mu if t >= 0 else -mu)
    h = m * m / 2
    terms = int(abs(float(h)) + 12 * math.sqrt(abs(float(h))) + 30)
    s = sum(mp.exp(-h) * h ** j * (_i(j + mp.mpf(1) / 2, nu / 2, x) / mp.factorial(j)
                                   + m * _i(j + 1, nu / 2, x) / (mp.sqrt(2) * mp.gamma(j + mp.mpf(3) / 2)))
            for j in range(terms)) / 2
    return mp.ncdf(-mu) + (s if t >= 0 else -s)


# name, the cdf F (mpmath), the position of the parameter the inverse returns, points (SciPy's arguments)
INVERSES = [
    ("gdtria", lambda a, b, x: _p(b, a * x), 0, [(0.3, 2.3, 1.7), (0.8, 0.7, 3.0)]),
    ("gdtrib", lambda a, b, x: _p(b, a * x), 1, [(1.3, 0.4, 1.7), (0.5, 0.9, 2.0)]),
    ("chdtriv", lambda v, x: _p(v / 2, x / 2), 0, [(0.3, 3.0), (0.8, 1.2)]),
    ("pdtrik", lambda k, m: 1 - _p(k + 1, m), 0, [(0.3, 3.0), (0.7, 5.5)]),
    ("stdtridf", _student, 0, [(0.3, -1.2), (0.9, 1.7)]),
    ("fdtridfd", lambda d1, d2, x: _i(d1 / 2, d2 / 2, d1 * x / (d2 + d1 * x)), 1, [(3.0, 0.6, 1.2), (5.0, 0.8, 2.0)]),
    ("btdtria", _i, 0, [(0.3, 2.0, 0.4), (0.8, 1.5, 0.7)]),
    ("btdtrib", _i, 1, [(2.0, 0.3, 0.4), (1.2, 0.6, 0.3)]),
    ("bdtrik", lambda k, n, p: _i(n - k, k + 1, 1 - p), 0, [(0.3, 10.0, 0.4), (0.7, 7.5, 0.6)]),
    ("bdtrin", lambda k, n, p: _i(n - k, k + 1, 1 - p), 1, [(3.5, 0.3, 0.4), (2.0, 0.6, 0.3)]),
    ("nbdtrik", lambda k, n, p: _i(n, k + 1, p), 0, [(0.3, 4.0, 0.4), (0.7, 2.5, 0.6)]),
    ("nbdtrin", lambda k, n, p: _i(n, k + 1, p), 1, [(3.5, 0.3, 0.4), (2.0, 0.6, 0.3)]),
    ("chndtrix", lambda x, k, nc: _ncx2(x, k, nc), 0, [(0.3, 3.0, 1.5), (0.9, 2.5, 4.0)]),
    ("chndtridf", lambda x, k, nc: _ncx2(x, k, nc), 1, [(2.0, 0.3, 1.5), (10.0, 0.8, 4.0)]),
    ("chndtrinc", lambda x, k, nc: _ncx2(x, k, nc), 2, [(2.0, 3.0, 0.2), (10.0, 2.5, 0.6)]),
    ("ncfdtri", lambda d1, d2, nc, x: _ncf(d1, d2, nc, x), 3, [(3.0, 5.0, 1.5, 0.6), (5.0, 3.0, 0.5, 0.9)]),
    ("nctdtrit", lambda nu, mu, t: _nct(nu, mu, t), 2, [(5.0, 1.0, 0.6), (3.0, -0.5, 0.2)]),
    ("nrdtrimn", lambda m, s, x: mp.ncdf((x - m) / s), 0, [(0.3, 1.5, 0.3), (0.9, 0.7, -1.0)]),
    ("nrdtrisd", lambda m, s, x: mp.ncdf((x - m) / s), 1, [(0.3, 0.2, -1.0), (-0.5, 0.8, 1.0)]),
]
INVERSE_CASES = [pytest.param(name, cdf, at, point, id=f"{name}-{k}")
                 for name, cdf, at, points in INVERSES for k, point in enumerate(points)]


def _partial(f, args, i, n=1):
    return mp.diff(lambda t: f(*(args[:i] + [t] + args[i + 1:])), args[i], n)


def _inverse_reference(cdf, at, point, guess):
    """θ solving cdf(…, θ, …) = p; its gradient -∂F/∂θ⁻¹ (∂F/∂u for the others, 1 for p) and
    its second derivative in p, -F_θθ / F_θ³."""
    args = [mp.mpf(v) for v in point]
    p = args[at]
    theta = mp.findroot(lambda t: cdf(*(args[:at] + [t] + args[at + 1:])) - p, mp.mpf(guess))
    fargs = args[:at] + [theta] + args[at + 1:]
    f_theta = _partial(cdf, fargs, at)
    grad = [1 / f_theta if i == at else -_partial(cdf, fargs, i) / f_theta for i in range(len(args))]
    second = -_partial(cdf, fargs, at, 2) / f_theta ** 3
    return theta, grad, second


@pytest.mark.parametrize("name, cdf, at, point", INVERSE_CASES)
def test_inverses_against_mpmath(name, cdf, at, point):
    f = getattr(special, name)
    v = np.array(point)
    g_fn = osc.grad(lambda u: f(*u))
    value = f(*point)
    theta, grad, second = _inverse_reference(cdf, at, point, value)
    assert float(abs(value / theta - 1)) < 1e-10  # SciPy's search, to its tolerance
    np.testing.assert_allclose(g_fn(v), [float(t) for t in grad], rtol=1e-9)
    hessian = osc.hessian(lambda u: f(*u))(v)
    np.testing.assert_allclose(hessian[at, at], float(second), rtol=1e-8)
    np.testing.assert_allclose(hessian, hessian.T, rtol=1e-12, atol=1e-14)
    # the whole Hessian against central differences of the gradient
    h = 1e-5
    fd = np.stack([(g_fn(v + h * e) - g_fn(v - h * e)) / (2 * h) for e in np.eye(len(v))])
    np.testing.assert_allclose(hessian, fd, rtol=1e-5, atol=1e-7 * np.max(np.abs(hessian)))


@pytest.mark.parametrize("name", [n for n, *_ in INVERSES])
def test_values_on_traced_inputs_are_scipys(name):
    f = getattr(special, name)
    point = np.array(next(pts for n, _, _, pts in INVERSES if n == name)[0])
    out, _ = osc.jvp(lambda u: f(*u), (point,), (np.ones_like(point),))
    assert out == f(*point)
    assert getattr(sps, name)(*point) == f(*point)


def test_nan_off_the_domain():
    # p outside [0, 1]: SciPy's nan, and nan derivatives
    for f, args in ((special.gdtria, (1.5, 2.0, 1.0)), (special.bdtrik, (-0.2, 10.0, 0.4)),
                    (special.nrdtrimn, (1.3, 1.0, 0.0))):
        g = osc.grad(lambda u, f=f: f(*u))(np.array(args))
        assert np.isnan(f(*args)) and np.all(np.isnan(g))


def test_pdtrik_is_continuous_in_k():
    # SciPy's pdtr floors k; pdtrik inverts Q(k + 1, m), continuous: its derivative is not 0
    k = special.pdtrik(0.4, 3.0)
    assert k != math.floor(k)
    np.testing.assert_allclose(special.gammaincc(k + 1.0, 3.0), 0.4, rtol=1e-12)
    dk = osc.grad(lambda p: special.pdtrik(p, 3.0))(np.float64(0.4))
    assert dk > 0.0


# --------------------------------------------------------------------------- the noncentral chi-square distribution


@pytest.mark.parametrize("point", [(2.0, 3.0, 1.5), (10.0, 2.5, 4.0), (0.5, 1.0, 0.3), (50.0, 4.0, 30.0),
                                   (3.0, 1.5, 0.0)])
def test_chndtr_against_mpmath(point):
    f = lambda v: special.chndtr(v[0], v[1], v[2])  # noqa: E731
    v = np.array(point)
    a = tuple(mp.mpf(t) for t in point)
    with mp.workdps(20):
        grad = [mp.diff(_ncx2, a, tuple(int(r == i) for r in range(3))) for i in range(3)]
        hessian = [[mp.diff(_ncx2, a, tuple(int(r == i) + int(r == j) for r in range(3))) for j in range(3)]
                   for i in range(3)]
    np.testing.assert_allclose(osc.grad(f)(v), [float(t) for t in grad], rtol=1e-12)
    np.testing.assert_allclose(osc.hessian(f)(v), [[float(t) for t in row] for row in hessian], rtol=1e-11)
    # the density (the derivative in x) is SciPy's ncx2.pdf (chi2.pdf at nc = 0)
    x, k, nc = point
    want = stats.ncx2.pdf(x, k, nc) if nc > 0 else stats.chi2.pdf(x, k)
    np.testing.assert_allclose(chndtr_pdf(x, k, nc), want, rtol=1e-13)


def test_chndtr_third_order_in_df():
    # ∂³/∂k³ through the family ∂ₖᵃF, against mpmath
    d3 = osc.grad(osc.grad(osc.grad(lambda k: special.chndtr(4.0, k, 2.0))))
    want = mp.diff(lambda k: _ncx2(mp.mpf(4), k, mp.mpf(2)), mp.mpf(2.5), 3)
    np.testing.assert_allclose(d3(np.float64(2.5)), float(want), rtol=1e-10)


@pytest.mark.parametrize("point", [(3.0, 5.0, 1.5, 2.0), (2.0, 7.0, 4.0, 0.5), (4.0, 6.0, 0.0, 1.0),
                                   (3.0, 20.0, 2.0, 12.0)])
def test_ncfdtr_against_mpmath(point):
    f = lambda v: special.ncfdtr(*v)  # noqa: E731
    v = np.array(point)
    a = tuple(mp.mpf(t) for t in point)
    with mp.workdps(20):
        grad = [mp.diff(_ncf, a, tuple(int(r == i) for r in range(4))) for i in range(4)]
        upper = {(i, j): mp.diff(_ncf, a, tuple(int(r == i) + int(r == j) for r in range(4)))
                 for i in range(4) for j in range(i, 4)}
    hessian = [[upper[min(i, j), max(i, j)] for j in range(4)] for i in range(4)]
    np.testing.assert_allclose(osc.grad(f)(v), [float(t) for t in grad], rtol=1e-12)
    np.testing.assert_allclose(osc.hessian(f)(v), [[float(t) for t in row] for row in hessian], rtol=1e-11,
                               atol=1e-15)


def test_ncfdtr_upper_tail_keeps_relative_accuracy_in_nc():
    # F ≈ 1 - 1e-9: the derivative in nc weighs -betaincc, not betainc (no cancellation against 1)
    point = (3.0, 30.0, 2.0, 40.0)
    a = tuple(mp.mpf(t) for t in point)
    with mp.workdps(40):
        want = mp.diff(lambda nc: _ncf(a[0], a[1], nc, a[3]), a[2])
    got = osc.grad(lambda nc: special.ncfdtr(3.0, 30.0, nc, 40.0))(np.float64(2.0))
    assert 0 < -float(want) < 1e-6
    np.testing.assert_allclose(got, float(want), rtol=1e-11)


@pytest.mark.parametrize("point", [(5.0, 1.0, 1.5), (3.0, -0.5, -1.0), (10.0, 2.0, 3.0), (7.0, 0.5, -2.0)])
def test_nctdtr_against_mpmath(point):
    f = lambda v: special.nctdtr(*v)  # noqa: E731
    v = np.array(point)
    a = tuple(mp.mpf(t) for t in point)
    with mp.workdps(20):
        upper = {(i, j): mp.diff(_nct, a, tuple(int(r == i) + int(r == j) for r in range(3)))
                 for i in range(3) for j in range(i, 3)}
        grad = [mp.diff(_nct, a, tuple(int(r == i) for r in range(3))) for i in range(3)]
    hessian = [[upper[min(i, j), max(i, j)] for j in range(3)] for i in range(3)]
    assert float(abs(f(v) / _nct(*a) - 1)) < 1e-14
    np.testing.assert_allclose(osc.grad(f)(v), [float(t) for t in grad], rtol=1e-12)
    np.testing.assert_allclose(osc.hessian(f)(v), [[float(t) for t in row] for row in hessian], rtol=1e-11)


def test_nctdtr_at_t_zero():
    # F(0) = Φ(-μ) for every ν: the first derivatives there are the limits (the density at 0, -φ(μ), 0)
    g = osc.grad(lambda v: special.nctdtr(*v))(np.array([5.0, 1.0, 0.0]))
    density = math.exp(math.lgamma(3.0) - math.lgamma(2.5) - 0.5 * math.log(5.0 * math.pi) - 0.5)
    np.testing.assert_allclose(g, [0.0, -math.exp(-0.5) / math.sqrt(2.0 * math.pi), density], rtol=1e-14)


# --------------------------------------------------------------------------- kolmogorov, kolmogi


def _kolmogorov(y):
    if y >= 1:
        return 2 * mp.nsum(lambda k: (-1) ** (k - 1) * mp.exp(-2 * k * k * y * y), [1, mp.inf])
    return 1 - mp.sqrt(2 * mp.pi) / y * mp.nsum(lambda k: mp.exp(-(2 * k - 1) ** 2 * mp.pi ** 2 / (8 * y * y)),
                                                [1, mp.inf])


@pytest.mark.parametrize("y", [0.2, 0.5, 0.83, 0.999, 1.0, 1.4, 3.0])
def test_kolmogorov_derivatives_against_mpmath(y):
    want = [mp.diff(_kolmogorov, mp.mpf(y), n) for n in range(5)]
    for n in range(1, 5):
        np.testing.assert_allclose(kolmogorov_d(y, n), float(want[n]), rtol=5e-14)
    # the primitive's own derivatives, in forward and reverse mode, reach the family
    d1 = osc.grad(special.kolmogorov)
    np.testing.assert_allclose(d1(np.float64(y)), float(want[1]), rtol=5e-14)
    np.testing.assert_allclose(osc.grad(d1)(np.float64(y)), float(want[2]), rtol=5e-14)
    d4 = osc.grad(osc.grad(osc.grad(d1)))
    np.testing.assert_allclose(d4(np.float64(y)), float(want[4]), rtol=5e-13)


def test_kolmogorov_flat_regions():
    # K = 1 for y <= 0 (SciPy's value) and to double precision for small y; 0 far out
    for y in (-1.0, 0.0, 0.02, 50.0):
        assert osc.grad(special.kolmogorov)(np.float64(y)) == 0.0
    assert np.isnan(osc.grad(special.kolmogorov)(np.float64(np.nan)))


@pytest.mark.parametrize("p", [0.01, 0.3, 0.9])
def test_kolmogi_against_mpmath(p):
    def inverse(q):
        return mp.findroot(lambda t: _kolmogorov(t) - q, mp.mpf(special.kolmogi(float(q))))

    g = osc.grad(special.kolmogi)
    np.testing.assert_allclose(g(np.float64(p)), float(mp.diff(inverse, mp.mpf(p))), rtol=1e-12)
    np.testing.assert_allclose(osc.grad(g)(np.float64(p)), float(mp.diff(inverse, mp.mpf(p), 2)), rtol=1e-11)


# --------------------------------------------------------------------------- smirnov, smirnovi


def _smirnov_piece(n, d0):
    """Birnbaum and Tingey's sum with the range of j of the point d0: the polynomial that equals
    smirnov(n, ·) between the breakpoints around d0."""
    top = int(mp.floor(n * (1 - mp.mpf(d0))))

    def f(d):
        return sum(mp.binomial(n, j) * d * (d + mp.mpf(j) / n) ** (j - 1) * (1 - d - mp.mpf(j) / n) ** (n - j)
                   for j in range(top + 1))

    return f


@pytest.mark.parametrize("n, d", [(1, 0.3), (2, 0.2), (5, 0.33), (5, 0.7), (37, 0.1), (37, 0.45), (200, 0.05)])
def test_smirnov_derivatives_against_mpmath(n, d):
    f = _smirnov_piece(n, d)
    np.testing.assert_allclose(special.smirnov(n, d), float(f(mp.mpf(d))), rtol=1e-14)
    # the terms of the derivatives have both signs: about 1e-13 relative (up to n = 200)
    for k, rtol in ((1, 1e-12), (2, 1e-12), (3, 1e-9)):
        np.testing.assert_allclose(smirnov_d(n, d, k), float(mp.diff(f, mp.mpf(d), k)), rtol=rtol, atol=1e-12)
    g = osc.grad(lambda t: special.smirnov(n, t))
    np.testing.assert_allclose(g(np.float64(d)), float(mp.diff(f, mp.mpf(d))), rtol=1e-12)
    np.testing.assert_allclose(osc.grad(g)(np.float64(d)), float(mp.diff(f, mp.mpf(d), 2)), rtol=1e-12, atol=1e-12)


def test_smirnov_edges_and_n():
    # smirnov(1, d) = 1 - d on [0, 1]; outside [0, 1] SciPy's nan; n is an integer constant
    np.testing.assert_allclose(osc.jacfwd(lambda t: special.smirnov(1, t))(np.array([0.0, 0.4, 1.0])),
                               -np.eye(3))
    assert np.isnan(osc.grad(lambda t: special.smirnov(3, t))(np.float64(1.2)))
    # at a breakpoint d = 1 - j/n the derivatives from the right (from the left at d = 1)
    for n, d in ((4, 0.0), (4, 0.5), (7, 3.0 / 7.0), (3, 1.0)):
        lo = int(math.floor(n * (1 - d)))
        top = lo - 1 if d < 1 else 0

        def piece(t, n=n, top=top):
            return sum(mp.binomial(n, j) * t * (t + mp.mpf(j) / n) ** (j - 1) * (1 - t - mp.mpf(j) / n) ** (n - j)
                       for j in range(top + 1))

        want = float(mp.diff(piece, mp.mpf(d)))
        np.testing.assert_allclose(osc.grad(lambda t: special.smirnov(n, t))(np.float64(d)), want, rtol=1e-13,
                                   atol=1e-14)
    with pytest.raises(UnsupportedFunctionError, match="n"):
        osc.grad(lambda n: special.smirnov(n, 0.3))(np.float64(3.0))
    with pytest.raises(UnsupportedFunctionError, match="n"):
        osc.grad(lambda n: special.smirnovi(n, 0.3))(np.float64(3.0))


@pytest.mark.parametrize("n, p", [(3, 0.2), (10, 0.5), (40, 0.9)])
def test_smirnovi_against_mpmath(n, p):
    d0 = special.smirnovi(n, p)
    f = _smirnov_piece(n, d0)

    def inverse(q):
        return mp.findroot(lambda t: f(t) - q, mp.mpf(d0))

    g = osc.grad(lambda q: special.smirnovi(n, q))
    np.testing.assert_allclose(g(np.float64(p)), float(mp.diff(inverse, mp.mpf(p))), rtol=1e-12)
    np.testing.assert_allclose(osc.grad(g)(np.float64(p)), float(mp.diff(inverse, mp.mpf(p), 2)), rtol=1e-10)


# --------------------------------------------------------------------------- tklmbda


def _tukey(x, lam):
    """p with Q(p) = x (mpmath), Q(p) = (p^λ - (1-p)^λ) / λ, log(p / (1-p)) at λ = 0."""
    x, lam = mp.mpf(x), mp.mpf(lam)
    logistic = 1 / (1 + mp.exp(-x))
    if lam == 0:
        return logistic
    tiny = mp.mpf(10) ** -25
    return mp.findroot(lambda p: (p ** lam - (1 - p) ** lam) / lam - x, (tiny, 1 - tiny), solver="anderson")


@pytest.mark.parametrize("x, lam", [(-1.0, -0.5), (0.3, 0.0), (2.0, 0.0), (0.3, 0.14), (-1.0, 0.5), (0.3, 1e-3),
                                    (1.5, -0.02), (0.3, 2.0), (-4.0, -1.0)])
def test_tklmbda_against_mpmath(x, lam):
    f = lambda v: special.tklmbda(v[0], v[1])  # noqa: E731
    v = np.array([x, lam])
    point = (mp.mpf(x), mp.mpf(lam))
    grad = [mp.diff(_tukey, point, order) for order in ((1, 0), (0, 1))]
    hessian = [[mp.diff(_tukey, point, order) for order in row] for row in (((2, 0), (1, 1)), ((1, 1), (0, 2)))]
    np.testing.assert_allclose(osc.grad(f)(v), [float(t) for t in grad], rtol=1e-11)
    np.testing.assert_allclose(osc.hessian(f)(v), [[float(t) for t in row] for row in hessian], rtol=1e-10,
                               atol=1e-13)


def test_tklmbda_near_lambda_zero():
    # SciPy's value is the logistic one for |λ| < 1e-4; the derivatives are the exact function's, continuous
    # through λ = 0 (the series of ∂λQ where its closed form cancels)
    g = osc.grad(lambda v: special.tklmbda(v[0], v[1]))
    at0 = g(np.array([0.3, 0.0]))
    for lam in (-1e-6, 1e-6, 1e-3):
        np.testing.assert_allclose(g(np.array([0.3, lam])), at0, rtol=2e-3 * abs(lam) / 1e-3 + 1e-12)


def test_tklmbda_outside_the_support_is_flat():
    # λ > 0: the support is |x| <= 1/λ; beyond it the cdf is 0 or 1
    g = osc.grad(lambda v: special.tklmbda(v[0], v[1]))
    for x in (-3.0, 3.0):
        assert np.all(g(np.array([x, 0.5])) == 0.0)


def test_search_bounds_have_zero_derivatives():
    """No solution: SciPy returns a bound of its search, which stays put nearby; so do the derivatives."""
    cases = [(special.stdtridf, (np.array([0.2, 0.45, 0.7, 0.9]), np.array([0.35, 0.6, 0.15, 0.8]))),
             (special.pdtrik, (np.array([0.2]), np.array([0.35]))),
             (special.bdtrik, (np.array([0.2]), np.array([0.35]), np.array([0.55])))]
    for fn, args in cases:
        value = fn(*args)
        assert np.all((value == 0.0) | (np.abs(value) >= 1e10)), value
        for i in range(len(args)):
            f = lambda a, i=i: np.sum(fn(*args[:i], a, *args[i + 1:]))  # noqa: E731
            assert np.all(osc.grad(f)(args[i]) == 0.0)
            for mode in ("fwd-rev", "rev-rev"):
                assert np.all(osc.hessian(f, mode=mode)(args[i]) == 0.0)
