"""``osculate.scipy.stats``: the distributions of ``_assorted.py`` (vonmises, vonmises_line,
pearson3, genexpon, alpha, kappa4, tukeylambda, rel_breitwigner, jf_skew_t) against
:mod:`scipy.stats`.

Every method on grids with the far tails, the support's ends, points outside it, NaN and
±inf, with and without loc/scale, at two or more shape values.  Where SciPy's value
differs, mpmath decides (a reference written from the distribution's definition; for a
quantile, mpmath's cdf at our value), so no disagreement passes unchecked.  Then the far
tails where SciPy loses its digits (the von Mises cdf from ``κ = 50``, where SciPy uses a
normal approximation), derivatives to second order in every argument (forward and
reverse), the limits ``h = k = 0`` of kappa4 and ``skew = 0`` of pearson3, and a
maximum-likelihood fit.
"""

from __future__ import annotations

import warnings

import mpmath as mp
import numpy as np
import pytest
import scipy.stats as ss

import osculate as osc
from osculate.ad import core
from osculate.scipy import stats
from osculate.testing import check_grads

from _stats_cases import agree as _agree, mpmath_value, scipy_values as _scipy

mpf, log, exp = mp.mpf, mp.log, mp.exp

X = np.array([-1e3, -30.0, -3.0, -1.0, -0.2, 0.0, 1e-300, 1e-20, 1e-3, 0.3, 0.5, 1.0, 1.7, 2.5, 8.0, 40.0, 1e3,
              1e10, np.inf, -np.inf, np.nan])
X_CIRCLE = np.array([-9.0, -4.0, -3.14159, -3.0, -2.0, -0.5, 0.0, 0.2, 1.0, 2.9, 3.2, 7.5, np.inf, -np.inf, np.nan])
Q = np.array([-0.1, 0.0, 1e-300, 1e-12, 0.01, 0.3, 0.5, 0.9, 1 - 1e-12, 1.0, 1.1, np.nan])
METHODS = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf"]

CASES = [
    ("vonmises", (3.99,)), ("vonmises", (0.0,)), ("vonmises", (0.3,)), ("vonmises", (25.0,)),
    ("vonmises_line", (3.99,)), ("vonmises_line", (12.0,)),
    ("pearson3", (0.1,)), ("pearson3", (-2.0,)), ("pearson3", (1.3,)), ("pearson3", (0.0,)),
    ("genexpon", (9.13, 16.2, 3.28)), ("genexpon", (0.5, 2.0, 0.1)),
    ("alpha", (3.57,)), ("alpha", (0.4,)),
    ("kappa4", (0.0, 0.0)), ("kappa4", (-0.1, 0.1)), ("kappa4", (0.0, 0.1)), ("kappa4", (0.1, 0.0)),
    ("kappa4", (0.5, -0.3)), ("kappa4", (1.5, 0.4)), ("kappa4", (-1.2, -0.2)),
    ("tukeylambda", (3.13,)), ("tukeylambda", (0.0,)), ("tukeylambda", (-0.2,)), ("tukeylambda", (0.5,)),
    ("rel_breitwigner", (36.5,)), ("rel_breitwigner", (0.3,)),
    ("jf_skew_t", (8.0, 4.0)), ("jf_skew_t", (0.7, 2.5)),
]
LOC_SCALE = [{}, {"loc": 0.3, "scale": 2.0}]


# --------------------------------------------------------------------------- mpmath references


def _vm_mass(a, b, k):
    """``∫_a^b exp(κ(cos t - 1)) dt / (2π I_0(κ) e^-κ)`` for ``-π <= a <= b <= π`` (nodes packed
    towards the mode so that narrow peaks are resolved)."""
    if a == b:
        return mpf(0)
    if b - a < mpf(10) ** -8:  # the midpoint rule (exact to (b - a)²)
        return (b - a) * exp(k * (mp.cos((a + b) / 2) - 1)) / (2 * mp.pi * mp.besseli(0, k) * exp(-k))
    pts = {a, b}
    for c in (b, a):  # nodes approaching each end and 0
        for i in range(-1, 14):
            for p in (c - mpf(2) ** -i, c + mpf(2) ** -i):
                if a < p < b:
                    pts.add(p)
    if a < 0 < b:
        pts.add(mpf(0))
    m = b if b < 0 else (a if a > 0 else mpf(0))  # the mode's side: the integrand is scaled to 1 there
    integral = mp.quad(lambda t: exp(k * (mp.cos(t) - mp.cos(m))), sorted(pts))
    return integral * exp(k * (mp.cos(m) - 1)) / (2 * mp.pi * mp.besseli(0, k) * exp(-k))


def _vonmises(z, k, line=False):
    lp = k * mp.cos(z) - log(2 * mp.pi * mp.besseli(0, k))
    if line and abs(z) > mp.pi:
        return -mp.inf, (lambda: mpf(0 if z < 0 else 1)), (lambda: mpf(1 if z < 0 else 0))
    turns = mp.floor((z + mp.pi) / (2 * mp.pi))
    y = z - 2 * mp.pi * turns
    return lp, (lambda: turns + _vm_mass(-mp.pi, y, k)), (lambda: _vm_mass(y, mp.pi, k) - turns)


def _pearson3(z, skew):
    if skew == 0:
        return (-z * z / 2 - log(2 * mp.pi) / 2, lambda: mp.ncdf(z), lambda: mp.ncdf(-z))
    beta = 2 / skew
    a = beta * beta
    t = beta * z + a
    if t <= 0:
        lower, upper = (mpf(0), mpf(1)) if skew > 0 else (mpf(1), mpf(0))
        return -mp.inf, lambda: lower, lambda: upper
    lp = log(abs(beta)) + (a - 1) * log(t) - t - mp.loggamma(a)
    low = lambda: mp.gammainc(a, 0, t, regularized=True)  # noqa: E731
    high = lambda: mp.gammainc(a, t, mp.inf, regularized=True)  # noqa: E731
    return (lp, low, high) if skew > 0 else (lp, high, low)


def _genexpon(z, a, b, c):
    lsf = -(a + b) * z - b * mp.expm1(-c * z) / c
    return log(a - b * mp.expm1(-c * z)) + lsf, lambda: -mp.expm1(lsf), lambda: exp(lsf)


def _alpha(z, a):
    w = a - 1 / z
    return (-2 * log(z) - w * w / 2 - log(2 * mp.pi) / 2 - log(mp.ncdf(a)), lambda: mp.ncdf(w) / mp.ncdf(a),
            lambda: mp.quad(lambda s: mp.npdf(a - s), [0, 1 / z]) / mp.ncdf(a))


def _kappa4(z, h, k):
    ls = mp.log1p(-k * z) / k if k != 0 else -z
    s = exp(ls)
    lcdf = mp.log1p(-h * s) / h if h != 0 else -s
    lp = ls - mp.log1p(-k * z) + lcdf - mp.log1p(-h * s)
    return lp, lambda: exp(lcdf), lambda: -mp.expm1(lcdf)


def _tukey_q(p, lam):
    return log(p / (1 - p)) if lam == 0 else (p ** lam - (1 - p) ** lam) / lam


def _tukeylambda(z, lam):
    u = -abs(z)  # Newton steps in the lower tail, in log p, from osculate's value
    v = mpf(float(np.log(max(float(stats.tukeylambda.cdf(float(u), float(lam))), 1e-300))))
    for _ in range(60):
        p = exp(v)
        step = (_tukey_q(p, lam) - u) / (p ** lam + p * (1 - p) ** (lam - 1))
        v = min(v - step, (v - 0) / 2)
        if abs(step) < mpf(10) ** -35 * (1 + abs(v)):
            break
    p = exp(v)
    lp = -log(p ** (lam - 1) + (1 - p) ** (lam - 1))
    return lp, (lambda: p if z <= 0 else 1 - p), (lambda: 1 - p if z <= 0 else p)


def _rel_breitwigner(z, rho):
    c = mp.sqrt(2 * (1 + 1 / rho ** 2) / (1 + mp.sqrt(1 + 1 / rho ** 2))) * 2 / mp.pi

    def pdf(x):
        return c / (((x - rho) * (x + rho) / rho) ** 2 + 1)

    def tail(x):  # ∫_x^∞ pdf, as ∫_0^{1/x} pdf(1/v) / v² dv with v = t/x
        e = 1 / x
        return e ** 3 * mp.quad(lambda t: c * t * t / (((1 - rho * e * t) * (1 + rho * e * t) / rho) ** 2
                                                        + (e * t) ** 4), [0, 1])

    pts = [mpf(0), rho - 1, rho, rho + 1, 2 * rho + 2]
    if z >= 2 * rho + 2:
        return log(pdf(z)), lambda: 1 - tail(z), lambda: tail(z)
    return (log(pdf(z)), lambda: mp.quad(pdf, sorted([p for p in pts if 0 <= p < z] + [z])),
            lambda: mp.quad(pdf, [z] + [p for p in pts if p > z]) + tail(2 * rho + 2))


def _jf_skew_t(z, a, b):
    r = mp.sqrt(a + b + z * z)
    y = (1 + z / r) / 2 if z >= 0 else (a + b) / (2 * r * (r - z))  # y without cancellation
    lp = ((a + mpf(1) / 2) * log(2 * y) + (b + mpf(1) / 2) * log(2 - 2 * y) - (a + b - 1) * log(2)
          - log(mp.beta(a, b)) - log(a + b) / 2)
    w = (a + b) / (2 * r * (r + z)) if z > 0 else 1 - y  # 1 - y without cancellation
    if z < 0:  # each probability from the smaller side
        low = mp.betainc(a, b, 0, y, regularized=True)
        return lp, lambda: low, lambda: 1 - low
    high = mp.betainc(b, a, 0, w, regularized=True)
    return lp, lambda: 1 - high, lambda: high


REF = {"vonmises": _vonmises, "vonmises_line": lambda z, k: _vonmises(z, k, line=True), "pearson3": _pearson3,
       "genexpon": _genexpon, "alpha": _alpha, "kappa4": _kappa4, "tukeylambda": _tukeylambda,
       "rel_breitwigner": _rel_breitwigner, "jf_skew_t": _jf_skew_t}


def _reference(name, method, x, shapes, kw):
    """mpmath's value of ``name.method`` at one point (see ``_stats_cases.mpmath_value``)."""
    return mpmath_value(REF, name, method, x, shapes, kw, stats)


def _outside(name, shapes, z):
    """Whether the standard point ``z`` is outside the support (or on an open end)."""
    lo, hi = ss.__dict__[name].support(*shapes)
    if name == "pearson3" and shapes[0] != 0:
        edge = -2.0 / shapes[0]
        lo, hi = (edge, np.inf) if shapes[0] > 0 else (-np.inf, edge)
    return not lo < z < hi


def _check_point(name, method, arg, got, want, shapes, kw):
    """A point where osculate and SciPy disagree: mpmath decides."""
    z = (arg - kw.get("loc", 0.0)) / kw.get("scale", 1.0)
    if method not in ("ppf", "isf") and (not np.isfinite(arg) or _outside(name, shapes, z)):
        # outside the support, at its ends or at ±inf: SciPy's limits (NaN for some) against ours
        expected = {"logpdf": -np.inf, "pdf": 0.0}
        if method in expected and name != "vonmises":
            assert got == expected[method] or (np.isnan(arg) and np.isnan(got)), (method, arg, got, want)
            return
        if name == "pearson3" and method in ("cdf", "sf", "logcdf", "logsf"):  # SciPy: the support is the line
            mid = 0.0
            below = {"cdf": 0.0, "sf": 1.0, "logcdf": -np.inf, "logsf": 0.0}[method]
            above = {"cdf": 1.0, "sf": 0.0, "logcdf": 0.0, "logsf": -np.inf}[method]
            assert got == (below if z < mid else above), (method, arg, got, want)
            return
    if method in ("ppf", "isf") and arg in (0.0, 1.0) and name == "pearson3":  # the support's true ends
        edge = -2.0 / shapes[0] * kw.get("scale", 1.0) + kw.get("loc", 0.0) if shapes[0] != 0 else None
        assert edge is None or got == edge or np.isinf(got), (method, arg, got, want)
        return
    if method == "isf" and name == "vonmises" and arg in (0.0, 1.0):  # SciPy: isf(0) = inf, as ppf(1)
        assert np.isinf(got), (method, arg, got, want)
        return
    assert np.isfinite(arg) or method in ("ppf", "isf"), (method, arg, got, want)
    ref = _reference(name, method, arg, shapes, kw)
    if method in ("ppf", "isf"):  # mpmath's probability at our quantile is q (or q is between its
        if not np.isclose(ref, arg, rtol=1e-9, atol=0.0):  # values one ulp either side: a steep cdf)
            side = [_reference(name, method.replace("ppf", "cdf").replace("isf", "sf"), np.nextafter(got, t), shapes,
                               kw) for t in (-np.inf, np.inf)]
            assert min(side) <= arg <= max(side), (method, arg, got, want, ref, side)
    else:
        assert _agree(np.array([got]), np.array([ref]), method, 1e-10)[0], (method, arg, got, want, ref)


@pytest.mark.parametrize("kw", LOC_SCALE, ids=["standard", "loc-scale"])
@pytest.mark.parametrize("name, shapes", CASES, ids=[f"{n}{s}" for n, s in CASES])
def test_values_match_scipy_or_mpmath(name, shapes, kw):
    dist = getattr(stats, name)
    for method in METHODS:
        arg = Q if method in ("ppf", "isf") else (X_CIRCLE if name.startswith("vonmises") else X)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            got = np.asarray(getattr(dist, method)(arg, *shapes, **kw), dtype=float)
        want = _scipy(name, method, arg, *shapes, **kw)
        assert got.shape == want.shape
        for i in np.flatnonzero(~_agree(got, want, method, 1e-9)):
            _check_point(name, method, arg[i], got[i], want[i], shapes, kw)


# --------------------------------------------------------------------------- far tails against mpmath

FAR = [  # (name, method, points, shapes): where SciPy loses digits or gives up
    ("vonmises", "cdf", [-3.1, -2.5, -1.0, -0.2, 0.3], (50.0,)),  # SciPy: a normal approximation from κ = 50
    ("vonmises", "logcdf", [-3.14159, -3.0, -2.0, -1.2, -0.3], (80.0,)),
    ("vonmises", "logsf", [0.01, 0.1, 0.2, 0.5, 1.0, 3.0], (500.0,)),
    ("vonmises", "cdf", [-0.03, -0.01, 0.0, 0.02], (1e4,)),
    ("vonmises", "logcdf", [-3.14159, -3.1, -2.6, -1.9], (3.0,)),  # the Fourier series' tail: by quadrature
    ("vonmises", "logsf", [3.14159, 3.0, 2.2, 1.5], (30.0,)),
    ("vonmises_line", "logcdf", [-3.14, -2.0, -1.0], (45.0,)),
    ("alpha", "logsf", [1e3, 1e6, 1e12, 1e100], (3.57,)),  # SciPy's sf is 1 - cdf
    ("alpha", "logsf", [1e3, 1e8, 1e200], (0.2,)),
    ("genexpon", "logcdf", [1e-12, 1e-6, 1e-3], (9.13, 16.2, 3.28)),
    ("genexpon", "logsf", [10.0, 100.0, 1e3], (0.5, 2.0, 0.1)),
    ("pearson3", "logsf", [5.0, 20.0, 60.0], (0.7,)),
    ("pearson3", "logpdf", [-3.0, -0.5, 1.0, 4.0], (1e-3,)),  # SciPy's gamma form cancels: 1e-9 here
    ("pearson3", "logpdf", [-3.0, 0.5, 6.0], (-4e-5,)),
    ("pearson3", "logcdf", [-8.0, -30.0, -100.0], (-0.3,)),
    ("kappa4", "logsf", [5.0, 20.0, 35.0], (0.0, 0.0)),
    ("kappa4", "logcdf", [-4.9, -4.99, -4.999], (-0.5, -0.2)),  # near the support's end 1/k
    ("tukeylambda", "logcdf", [-30.0, -1e3, -1e8], (-0.2,)),  # tklmbda loses the far tails
    ("tukeylambda", "logsf", [30.0, 500.0, 700.0], (0.0,)),
    ("tukeylambda", "logpdf", [-0.6, -0.66, -0.6666], (1.5,)),
    ("rel_breitwigner", "logsf", [50.0, 1e3, 1e9, 1e60], (5.0,)),
    ("rel_breitwigner", "logcdf", [1e-200, 1e-8, 0.1], (36.5,)),
    ("jf_skew_t", "logsf", [30.0, 1e4, 1e10], (8.0, 4.0)),
    ("jf_skew_t", "logcdf", [-30.0, -1e4, -1e10], (0.7, 2.5)),
]


@pytest.mark.parametrize("name, method, points, shapes", FAR, ids=[f"{n}.{m}{s}" for n, m, _, s in FAR])
def test_far_tails_match_mpmath(name, method, points, shapes):
    got = np.asarray(getattr(getattr(stats, name), method)(np.array(points), *shapes))
    want = [_reference(name, method, x, shapes, {}) for x in points]
    np.testing.assert_allclose(got, want, rtol=1e-12 if method.startswith("log") else 1e-11, atol=1e-15)


def test_far_quantiles_invert_the_cdf():
    """Quantiles at probabilities down to 1e-300 (polished on values, or closed forms with a Newton
    step): mpmath's probability at them is q."""
    q = np.array([1e-300, 1e-100, 1e-20, 1e-8])
    for name, shapes in [("vonmises", (3.0,)), ("vonmises", (200.0,)), ("alpha", (3.57,)),
                         ("genexpon", (9.1, 16.2, 3.3)),
                         ("kappa4", (-0.3, 0.0)), ("tukeylambda", (-0.2,)), ("rel_breitwigner", (5.0,)),
                         ("jf_skew_t", (8.0, 4.0)), ("pearson3", (0.5,))]:
        for method in ("ppf", "isf"):
            got = getattr(getattr(stats, name), method)(q, *shapes)
            for qi, g in zip(q, got):
                _check_point(name, method, qi, g, np.nan, shapes, {})


# --------------------------------------------------------------------------- derivatives

GRAD_CASES = [("vonmises", (3.99,), [-2.5, -0.4, 1.0, 2.9]), ("vonmises", (70.0,), [-2.2, -0.05, 0.1, 2.0]),
              ("vonmises", (500.0,), [-2.0, -0.1, 0.05]),  # the Gauss-Laguerre tail at -2
              ("vonmises_line", (12.0,), [-2.0, 0.3]), ("pearson3", (0.7,), [-1.5, 0.2, 3.0]),
              ("pearson3", (-2.0,), [-3.0, 0.2, 0.9]), ("genexpon", (9.1, 16.2, 3.3), [0.01, 0.1, 0.5]),
              ("alpha", (3.57,), [0.1, 0.3, 5.0]), ("kappa4", (-0.1, 0.1), [-1.0, 0.5, 3.0]),
              ("kappa4", (0.4, -0.3), [0.0, 1.0, 4.0]), ("tukeylambda", (3.13,), [-0.2, 0.05, 0.25]),
              ("tukeylambda", (-0.2,), [-8.0, 0.4, 3.0]), ("rel_breitwigner", (2.5,), [0.5, 2.4, 8.0]),
              ("rel_breitwigner", (0.4,), [0.1, 3.0, 40.0]), ("jf_skew_t", (8.0, 4.0), [-2.0, 0.0, 0.3, 4.0])]


@pytest.mark.parametrize("name, shapes, zs", GRAD_CASES, ids=[f"{n}{s}" for n, s, _ in GRAD_CASES])
def test_second_derivatives_in_every_argument(name, shapes, zs):
    """logpdf, cdf, logsf, ppf and isf to second order (fwd and rev, all four nestings) in x or q,
    every shape parameter, loc and scale, against central differences."""
    dist = getattr(stats, name)
    x = 0.1 + 1.3 * np.array(zs)
    shape_args = tuple(np.array(v) for v in shapes)
    for method in ("logpdf", "cdf", "logsf"):
        check_grads(lambda x, loc, scale, *s, m=method: getattr(dist, m)(x, *s, loc, scale),
                    (x, np.array(0.1), np.array(1.3)) + shape_args, order=2, modes=("fwd", "rev"))
    q = np.array([0.02, 0.4, 0.93])
    for method in ("ppf", "isf"):
        check_grads(lambda q, loc, scale, *s, m=method: getattr(dist, m)(q, *s, loc, scale),
                    (q, np.array(0.1), np.array(1.3)) + shape_args, order=2, modes=("fwd", "rev"))
    assert core.current_depth() == 0


def test_kappa4_limits_have_the_derivatives_of_the_general_formula():
    """At h = 0 and k = 0 (SciPy's separate formulas) the derivatives in h and k are the limits of
    the general formula's: against central differences of it at 60 digits."""
    z = [-1.0, 0.4, 2.0]
    for h0, k0 in [(0.0, 0.0), (0.0, 0.2), (0.3, 0.0)]:
        for method in ("logpdf", "logcdf"):
            index = 0 if method == "logpdf" else 1

            def general(h, k, x):
                with mp.workdps(60):  # (a zero stands for 1e-45: its effect on the differences is below 1e-20)
                    h = h if h != 0 else mpf(10) ** -45
                    k = k if k != 0 else mpf(10) ** -45
                    return _kappa4(mpf(x), h, k)[0] if index == 0 else log(_kappa4(mpf(x), h, k)[1]())

            for x in z:
                with mp.workdps(60):  # central differences with a step of 1e-12 at 60 digits
                    e = mpf(10) ** -12
                    fh = [general(mpf(h0) + t * e, mpf(k0), x) for t in (-1, 0, 1)]
                    dh, dhh = (fh[2] - fh[0]) / (2 * e), (fh[2] - 2 * fh[1] + fh[0]) / e ** 2
                    dk = (general(mpf(h0), mpf(k0) + e, x) - general(mpf(h0), mpf(k0) - e, x)) / (2 * e)
                g = osc.grad(lambda p: getattr(stats.kappa4, method)(x, p[0], p[1]))(np.array([h0, k0]))
                hh = osc.hessian(lambda p: getattr(stats.kappa4, method)(x, p[0], p[1]))(np.array([h0, k0]))
                np.testing.assert_allclose(g, [float(dh), float(dk)], rtol=1e-9, atol=1e-12)
                np.testing.assert_allclose(hh[0, 0], float(dhh), rtol=1e-9, atol=1e-12)


def test_pearson3_near_zero_skew():
    """|skew| < 1.6e-5 is SciPy's normal distribution (values equal to SciPy's); its derivative in skew
    is the first-order correction's, which matches the gamma form's just outside."""
    x = np.array([-1.3, 0.2, 2.1])
    for method in ("logpdf", "cdf", "logsf", "ppf"):
        arg = np.array([0.1, 0.5, 0.8]) if method == "ppf" else x
        fn = getattr(stats.pearson3, method)
        np.testing.assert_allclose(fn(arg, 1e-6), _scipy("pearson3", method, arg, 1e-6), rtol=1e-13)
        at0 = osc.vmap(osc.grad(lambda s, a: fn(a, s)), in_axes=(None, 0))(0.0, arg)
        h = 1e-3
        fd = (fn(arg, h) - fn(arg, -h)) / (2 * h)
        np.testing.assert_allclose(at0, fd, rtol=1e-5, atol=1e-6)


def test_von_mises_derivatives_in_kappa_at_zero_are_the_right_hand_ones():
    """κ = 0 (the uniform distribution) is the end of the parameter range: d/dκ logpdf = cos z - I_1/I_0 = cos z,
    d²/dκ² = -(1/2) (the variance of cos), d/dκ cdf = sin z / (2π)... against central differences on κ > 0."""
    z = np.array([-2.0, 0.3, 1.1])
    g = osc.vmap(osc.grad(lambda k, x: stats.vonmises.logpdf(x, k)), in_axes=(None, 0))(0.0, z)
    np.testing.assert_allclose(g, np.cos(z), rtol=1e-14)
    h = osc.vmap(osc.grad(osc.grad(lambda k, x: stats.vonmises.logpdf(x, k))), in_axes=(None, 0))(0.0, z)
    np.testing.assert_allclose(h, -0.5, rtol=1e-12)
    for method in ("cdf", "logsf"):
        fn = getattr(stats.vonmises, method)
        g = osc.vmap(osc.grad(lambda k, x: fn(x, k)), in_axes=(None, 0))(0.0, z)
        e = 1e-6  # one-sided: f(0), f(e), f(2e)
        fd = (-3.0 * fn(z, 0.0) + 4.0 * fn(z, e) - fn(z, 2 * e)) / (2 * e)
        np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-10)


def test_von_mises_cdf_derivative_in_kappa_at_the_series_switch():
    """The two cdf expansions (κ < 50 and above) agree at the switch, in value and in the derivative
    in κ (against mpmath's numerical derivative of the quadrature)."""
    x = np.array([-1.0, -0.2, 0.3])
    for k in (49.999999, 50.0):
        g = osc.vmap(osc.grad(lambda kk, xx: stats.vonmises.cdf(xx, kk)), in_axes=(None, 0))(k, x)
        want = [float(mp.diff(lambda kk: _vm_mass(-mp.pi, mpf(v), kk), mpf(k))) for v in x]
        np.testing.assert_allclose(g, want, rtol=1e-10)


# --------------------------------------------------------------------------- checks, transformations, fit


INVALID = [("vonmises", (-1.0,)), ("vonmises_line", (np.nan,)), ("pearson3", (np.inf,)), ("genexpon", (0.0, 1.0, 1.0)),
           ("genexpon", (1.0, -1.0, 1.0)), ("genexpon", (1.0, 1.0, 0.0)), ("alpha", (0.0,)), ("alpha", (-2.0,)),
           ("tukeylambda", (np.nan,)), ("rel_breitwigner", (0.0,)),
           ("jf_skew_t", (0.0, 1.0)), ("jf_skew_t", (1.0, -1.0))]


@pytest.mark.parametrize("name, shapes", INVALID, ids=[f"{n}{s}" for n, s in INVALID])
def test_invalid_parameters_give_nan_without_warnings(name, shapes):
    dist = getattr(stats, name)
    good = {"vonmises": (1.0,), "vonmises_line": (1.0,), "pearson3": (0.5,), "kappa4": (0.1, 0.1),
            "tukeylambda": (0.5,)}.get(name)
    for method in METHODS:
        arg = np.array([0.3, 0.5])
        for args, kw in ([shapes, {}],) + (([good, {"scale": -1.0}], [good, {"scale": 0.0}]) if good else ()):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                got = getattr(dist, method)(arg, *args, **kw)
            assert np.all(np.isnan(got)), (name, method, args, kw, got)
            assert np.all(np.isnan(_scipy(name, method, arg, *args, **kw))), (name, method, args, kw)


def test_bad_arguments_raise_one_line_errors():
    with pytest.raises(TypeError, match=r"vonmises\.cdf\(\) missing the shape parameter\(s\) kappa"):
        stats.vonmises.cdf(0.3)
    with pytest.raises(TypeError, match=r"genexpon\.logpdf\(\) got an unexpected or repeated argument 'd'"):
        stats.genexpon.logpdf(0.3, 1.0, 1.0, 1.0, d=2.0)


def test_arguments_broadcast_and_frozen_form():
    x = np.linspace(-2.0, 2.0, 4)[:, None]
    k = np.array([0.5, 3.0, 60.0])
    np.testing.assert_allclose(stats.vonmises.cdf(x, k[:2], 0.1, 1.2), ss.vonmises.cdf(x, k[:2], 0.1, 1.2), rtol=1e-12)
    np.testing.assert_allclose(stats.jf_skew_t.logpdf(x, np.array([1.0, 3.0]), 2.0),
                               ss.jf_skew_t.logpdf(x, np.array([1.0, 3.0]), 2.0), rtol=1e-12)
    np.testing.assert_array_equal(stats.kappa4(0.2, -0.1, scale=2.0).logsf(x),
                                  stats.kappa4.logsf(x, 0.2, -0.1, scale=2.0))
    assert np.shape(stats.tukeylambda.logpdf(0.5, 0.3)) == ()


def test_closed_forms_run_under_jit_and_vmap_and_newton_ones_say_why_not():
    q = np.array([0.05, 0.4, 0.9])
    for name, shapes in [("kappa4", (0.3, -0.2)), ("tukeylambda", (0.5,)), ("jf_skew_t", (3.0, 2.0)),
                         ("pearson3", (0.5,)), ("alpha", (1.5,)), ("genexpon", (1.0, 2.0, 0.5))]:
        fn = getattr(stats, name).ppf
        g = osc.vmap(osc.grad(lambda p: fn(p, *shapes)))(q)
        np.testing.assert_allclose(osc.jit(osc.vmap(osc.grad(lambda p: fn(p, *shapes))))(q), g, rtol=1e-13)
        np.testing.assert_allclose(g, 1.0 / _scipy(name, "pdf", fn(q, *shapes), *shapes), rtol=1e-9)
    x = np.array([0.2, 0.5])
    for name, method, shapes in [("vonmises", "logpdf", (2.0,)), ("vonmises", "cdf", (2.0,)),
                                 ("kappa4", "cdf", (0.1, 0.2)), ("rel_breitwigner", "logsf", (2.0,)),
                                 ("jf_skew_t", "cdf", (2.0, 3.0))]:
        f = getattr(getattr(stats, name), method)
        np.testing.assert_allclose(osc.jit(lambda v: f(v, *shapes))(x), f(x, *shapes), rtol=1e-14)
    for name, method, shapes in [("tukeylambda", "cdf", (0.5,)), ("vonmises", "ppf", (2.0,)),
                                 ("rel_breitwigner", "isf", (2.0,))]:
        with pytest.raises(osc.ConcretizationError, match=rf"stats\.{name}\.\w+ .* cannot run under osculate\.jit"):
            osc.jit(lambda v: getattr(getattr(stats, name), method)(v, *shapes))(x)
    assert core.current_depth() == 0


def test_vonmises_fit_matches_scipy():
    """The maximum-likelihood (loc, kappa) of von Mises data by Newton steps on osculate's gradient
    and Hessian, against SciPy's fit (which solves A(κ) = R̄ and takes the circular mean)."""
    r = np.random.default_rng(11)
    data = ss.vonmises.rvs(4.0, loc=0.7, size=300, random_state=r)

    def nll(p):
        return -np.mean(stats.vonmises.logpdf(data, np.exp(p[1]), p[0]))

    mean = np.mean(np.exp(1j * data))  # the circular mean and a rough κ from its length R: the start
    p = np.array([np.angle(mean), np.log(1.0 / (1.0 - abs(mean)))])
    for _ in range(20):
        p = p - np.linalg.solve(osc.hessian(nll)(p), osc.grad(nll)(p))
    kappa, loc, _ = ss.vonmises.fit(data, fscale=1.0)
    np.testing.assert_allclose([p[0], np.exp(p[1])], [loc, kappa], rtol=1e-8)
    np.testing.assert_allclose(osc.grad(nll)(p), 0.0, atol=1e-10)


def test_jf_skew_t_fit_with_minimize():
    """A (a, b, loc, scale) fit by osculate.optim.minimize; its log-likelihood is at least SciPy's
    fit's (a derivative-free optimiser), and the Hessian is positive definite."""
    r = np.random.default_rng(5)
    data = ss.jf_skew_t.rvs(3.0, 1.5, loc=0.5, scale=2.0, size=500, random_state=r)

    def nll(p):
        return -np.mean(stats.jf_skew_t.logpdf(data, np.exp(p[0]), np.exp(p[1]), p[2], np.exp(p[3])))

    res = osc.optim.minimize(nll, np.array([0.0, 0.0, 0.0, 0.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a, b, loc, scale = ss.jf_skew_t.fit(data)
    assert nll(res.x) <= -np.mean(ss.jf_skew_t.logpdf(data, a, b, loc, scale)) + 1e-9
    np.testing.assert_allclose([*np.exp(res.x[:2]), res.x[2], np.exp(res.x[3])], [a, b, loc, scale], rtol=0.05)
    assert np.all(np.linalg.eigvalsh(osc.hessian(nll)(res.x)) > 0)
