"""``osculate.scipy.stats``: the distributions of ``_batch_a.py`` (vonmises, vonmises_line,
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
    y = (1 + z / r) / 2
    lp = ((a + mpf(1) / 2) * log(2 * y) + (b + mpf(1) / 2) * log(2 - 2 * y) - (a + b - 1) * log(2)
          - log(mp.beta(a, b)) - log(a + b) / 2)
    w = (a + b) / (2 * r * (r + z)) if z > 0 else 1 - y  # 1 - y without cancellation
    return lp, lambda: mp.betainc(a, b, 0, y, regularized=True), lambda: mp.betainc(b, a, 0, w, regularized=True)


REF = {"vonmises": _vonmises, "vonmises_line": lambda z, k: _vonmises(z, k, line=True), "pearson3": _pearson3,
       "genexpon": _genexpon, "alpha": _alpha, "kappa4": _kappa4, "tukeylambda": _tukeylambda,
       "rel_breitwigner": _rel_breitwigner, "jf_skew_t": _jf_skew_t}


def _reference(name, method, x, shapes, kw):
    """mpmath's value of ``name.method`` at one point; for ppf/isf, the probability of our
    quantile (to be compared with ``q``)."""
    loc, scale = kw.get("loc", 0.0), kw.get("scale", 1.0)
    s = [mpf(v) for v in shapes]
    with mp.workdps(40):
        if method in ("ppf", "isf"):
            y = float(getattr(getattr(stats, name), method)(x, *shapes, **kw))
            z = (mpf(y) - loc) / scale
            return float(REF[name](z, *s)[1 if method == "ppf" else 2]())
        z = (mpf(x) - loc) / scale
        lp, cdf, sf = REF[name](z, *s)
        if method in ("logpdf", "pdf"):
            lp = lp - log(scale)
            return float(lp if method == "logpdf" else exp(lp))
        p = cdf() if "cdf" in method else sf()
        if method.startswith("log"):  # (the von Mises cdf with its turns is negative below -π, as SciPy's)
            return float(log(p)) if p >= 0 else np.nan
        return float(p)


def _scipy(name, method, *args, **kwds):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return np.asarray(getattr(getattr(ss, name), method)(*args, **kwds), dtype=float)


def _agree(got, want, method, rtol):
    same = (got == want) | (np.isnan(got) & np.isnan(want)) | np.isclose(got, want, rtol=rtol, atol=1e-14)
    if method.startswith("log"):  # a log of an underflowed value: -inf against a value whose exp is 0
        same |= np.isneginf(want) & (np.exp(got) == 0.0)
    return same


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
