"""The distributions of ``osculate.scipy.stats`` on bounded intervals (``_interval.py``)
against :mod:`scipy.stats`, and next to the support's ends (where SciPy computes
the sf as ``1 - cdf`` and loses digits) against mpmath.

Values of all eight methods on grids through and around the support, with and
without loc/scale and at two or more shape values; invalid parameters give NaN;
the derivatives of cosine's ppf/isf (Newton steps from SciPy's inverse), which the
table rows (``rows_stats_interval.py``) cannot hold; truncnorm far in its tails;
a maximum-likelihood fit.
"""

from __future__ import annotations


import mpmath as mp
import numpy as np
import pytest
import scipy.optimize as so
import scipy.stats as ss

import osculate as osc
from osculate.ad import core
from osculate.optim import minimize
from osculate.scipy import stats
from osculate.testing import check_grads

from _stats_cases import scipy_values as _scipy

XI = np.array([-1e3, -2.0, -1.0, -0.7, -0.3, 0.0, 1e-9, 1e-3, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999, 1.0, 1.5, 2.5, 8.0,
               1e3, np.inf, -np.inf, np.nan])
Q = np.array([-0.1, 0.0, 1e-300, 1e-12, 0.01, 0.3, 0.5, 0.9, 1 - 1e-12, 1.0, 1.1, np.nan])
METHODS = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf"]
LOC_SCALE = [{}, {"loc": 0.25, "scale": 2.0}]  # (x = loc + scale z is exact at the ends)

CASES = [
    ("truncnorm", (-1.0, 2.0)), ("truncnorm", (0.5, 3.0)), ("truncnorm", (-9.0, -8.0)), ("truncnorm", (8.0, 9.0)),
    ("truncnorm", (-np.inf, 0.5)), ("truncnorm", (2.0, np.inf)), ("truncnorm", (-np.inf, np.inf)),
    ("triang", (0.3,)), ("triang", (0.0,)), ("triang", (1.0,)), ("trapezoid", (0.2, 0.6)), ("trapezoid", (0.0, 1.0)),
    ("trapezoid", (0.3, 0.3)), ("arcsine", ()), ("anglit", ()), ("semicircular", ()), ("cosine", ()),
    ("bradford", (3.0,)), ("bradford", (0.1,)), ("powerlaw", (2.5,)), ("powerlaw", (0.4,)), ("powerlaw", (1.0,)),
    ("johnsonsb", (0.5, 1.5)), ("johnsonsb", (-1.0, 0.6)), ("loguniform", (0.5, 3.0)), ("reciprocal", (1e-3, 10.0)),
    ("truncexpon", (2.0,)), ("truncexpon", (50.0,)), ("rdist", (3.0,)), ("rdist", (0.7,)), ("rdist", (2.0,)),
    ("truncweibull_min", (2.5, 0.2, 2.0)), ("truncweibull_min", (0.7, 0.0, np.inf)),
    ("truncweibull_min", (1.5, 1.0, 1.01)), ("argus", (0.3,)), ("argus", (1.5,)), ("argus", (5.0,)),
]


def _grid(name, shapes):
    """XI and nine points across the support (the ends included), in standard form."""
    lo, hi = _scipy(name, "support", *shapes)
    if not (np.isfinite(lo) or np.isfinite(hi)):
        lo, hi = -5.0, 5.0
    a, b = (lo if np.isfinite(lo) else hi - 5.0), (hi if np.isfinite(hi) else lo + 5.0)
    return np.concatenate([XI, np.linspace(a, b, 9), [a + 1e-3 * (b - a), b - 1e-3 * (b - a)]])


def _argus_cdf(z, chi):
    """ARGUS's cdf in mpmath: the regularized incomplete gamma function of order 3/2 from
    v = χ² (1 - z²) / 2 to u = χ² / 2, over that from 0 to u."""
    z = float(z)
    # (1 - z² must keep z²'s digits, and the difference of the two e^{-u}-small tails its own)
    mp.mp.dps = 50 + (int(-2 * np.log10(z)) if 0.0 < z < 1.0 else 0) + int(chi * chi / 4.6)
    z, chi = mp.mpf(z), mp.mpf(chi)
    u = chi**2 / 2
    out = mp.gammainc(1.5, u * (1 - z * z), u, regularized=True) / mp.gammainc(1.5, 0, u, regularized=True)
    mp.mp.dps = 50
    return out


def _compare(name, method, arg, got, want, shapes, kw):
    got = np.asarray(got, dtype=float)
    assert got.shape == want.shape
    want = want.copy()
    if name == "argus" and method in ("logcdf", "ppf", "isf"):
        # SciPy's argus cdf is 1 - sf, only absolutely accurate near 0 (its ppf, a root of it, too): where
        # they differ, ours against mpmath (the log cdf, or the cdf at our quantile)
        loc, scale = kw.get("loc", 0.0), kw.get("scale", 1.0)
        off = np.isfinite(got) & ~np.isclose(got, want, rtol=1e-9, atol=1e-14)
        for i in np.flatnonzero(off):
            if method == "logcdf":
                np.testing.assert_allclose(got[i], float(mp.log(_argus_cdf((arg[i] - loc) / scale, *shapes))),
                                           rtol=1e-12)
            else:  # the standard quantile (x = loc + scale z may round z away) has the cdf q
                z = float(getattr(stats.argus, method)(arg[i], *shapes))
                assert got[i] == loc + scale * z
                if 0.0 < z < 1.0:  # (a quantile rounded to the support's end has no cdf to check)
                    c = _argus_cdf(z, *shapes)
                    np.testing.assert_allclose(float(c if method == "ppf" else 1 - c), arg[i], rtol=1e-9)
        want[off] = got[off]
    if method.startswith("log"):
        # where SciPy's value underflowed to -inf and ours is finite, ours must underflow once exponentiated
        under = np.isneginf(want) & np.isfinite(got)
        assert np.all(np.exp(got[under]) == 0.0), (name, method, arg[under], got[under])
        want[under] = got[under]
    if method == "isf" and name == "truncnorm":
        # SciPy's truncnorm.isf takes a difference of the mass and q that cancels in the far tails
        # (it gives 8.64 for isf(1e-300, 2, inf), whose answer is 37.149): there the inverse is
        # checked through SciPy's sf and cdf, which are accurate
        far = ((arg > 0.0) & (arg < 1e-6)) | ((arg < 1.0) & (arg > 1 - 1e-6))
        far &= ~np.isclose(got, want, rtol=1e-9, atol=1e-14)  # (next to a finite end the sf is ill-conditioned)
        std = np.asarray(stats.truncnorm.isf(arg[far], *shapes))
        small = arg[far] < 0.5
        np.testing.assert_allclose(_scipy(name, "sf", std[small], *shapes), arg[far][small], rtol=1e-9)
        np.testing.assert_allclose(_scipy(name, "cdf", std[~small], *shapes), 1.0 - arg[far][~small], rtol=1e-9)
        np.testing.assert_allclose(got[far], kw.get("loc", 0.0) + kw.get("scale", 1.0) * std, rtol=1e-15)
        want[far] = got[far]
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-14, err_msg=f"{name}{shapes} {method} {kw}")


@pytest.mark.parametrize("kw", LOC_SCALE, ids=["standard", "loc-scale"])
@pytest.mark.parametrize("name, shapes", CASES, ids=[f"{n}{s}" for n, s in CASES])
def test_values_match_scipy(name, shapes, kw):
    dist = getattr(stats, name)
    x = kw.get("loc", 0.0) + kw.get("scale", 1.0) * _grid(name, shapes)
    for method in METHODS:
        arg = Q if method in ("ppf", "isf") else x
        _compare(name, method, arg, getattr(dist, method)(arg, *shapes, **kw), _scipy(name, method, arg, *shapes, **kw),
                 shapes, kw)


def _mp_cdf(name, z, *s):
    """The cdf in mpmath (50 digits) from its definition."""
    z = mp.mpf(z)
    if name == "triang":
        c = mp.mpf(s[0])
        return z * z / c if z < c else 1 - (1 - z) ** 2 / (1 - c)
    if name == "arcsine":
        return 2 / mp.pi * mp.asin(mp.sqrt(z))
    if name == "semicircular":
        return mp.mpf(1) / 2 + (z * mp.sqrt(1 - z * z) + mp.asin(z)) / mp.pi
    if name == "cosine":
        return (mp.pi + z + mp.sin(z)) / (2 * mp.pi)
    if name == "bradford":
        return mp.log1p(s[0] * z) / mp.log1p(s[0])
    if name == "rdist":
        h = mp.mpf(s[0]) / 2
        return mp.betainc(h, h, 0, (1 + z) / 2, regularized=True)
    if name == "truncexpon":
        return -mp.expm1(-z) / -mp.expm1(-s[0])
    if name == "truncweibull_min":
        c, a, b = (mp.mpf(v) for v in s)
        return (mp.exp(-a**c) - mp.exp(-z**c)) / (mp.exp(-a**c) - mp.exp(-b**c))
    if name == "anglit":
        return mp.sin(z + mp.pi / 4) ** 2
    if name == "argus":
        return _argus_cdf(z, *s)
    raise KeyError(name)


NEAR_ENDS = [("triang", (0.3,)), ("arcsine", ()), ("semicircular", ()), ("cosine", ()), ("bradford", (3.0,)),
             ("rdist", (3.0,)), ("rdist", (0.7,)), ("truncexpon", (2.0,)), ("truncweibull_min", (2.5, 0.2, 2.0)),
             ("anglit", ()), ("argus", (0.3,)), ("argus", (5.0,)), ("argus", (20.0,))]


@pytest.mark.parametrize("name, shapes", NEAR_ENDS, ids=[f"{n}{s}" for n, s in NEAR_ENDS])
def test_next_to_the_ends_against_mpmath(name, shapes):
    """cdf, sf and their logs within 1e-9 .. 1e-5 of both ends, where the sf is not 1 - cdf."""
    mp.mp.dps = 50
    lo, hi = _scipy(name, "support", *shapes)
    dist = getattr(stats, name)
    for d in (1e-9, 1e-7, 1e-5):
        for z in (lo + d * (hi - lo), hi - d * (hi - lo)):
            cdf = _mp_cdf(name, z, *shapes)
            for method, want in [("cdf", cdf), ("sf", 1 - cdf), ("logcdf", mp.log(cdf)), ("logsf", mp.log1p(-cdf))]:
                np.testing.assert_allclose(getattr(dist, method)(z, *shapes), float(want), rtol=3e-9,
                                           err_msg=f"{name} {method} {z}")


INVALID = [("truncnorm", (1.0, 1.0)), ("truncnorm", (2.0, np.nan)), ("triang", (1.2,)), ("triang", (-0.1,)),
           ("trapezoid", (0.6, 0.4)), ("trapezoid", (0.2, 1.1)), ("bradford", (0.0,)), ("powerlaw", (-1.0,)),
           ("johnsonsb", (0.5, 0.0)), ("loguniform", (0.0, 1.0)), ("reciprocal", (2.0, 1.0)), ("truncexpon", (-1.0,)),
           ("rdist", (0.0,)), ("truncweibull_min", (1.0, 2.0, 1.0)), ("truncweibull_min", (1.0, -1.0, 1.0)),
           ("truncweibull_min", (0.0, 0.5, 1.0)), ("argus", (0.0,)), ("argus", (-1.0,))]
VALID = {n: s for n, s in reversed(CASES)}


@pytest.mark.parametrize("name, shapes", INVALID, ids=[f"{n}{s}" for n, s in INVALID])
def test_invalid_parameters_give_nan_without_warnings(name, shapes):
    dist = getattr(stats, name)
    for method in METHODS:
        arg = np.array([0.3, 0.5])
        for sh, scale in [(shapes, 1.0), (VALID[name], 0.0)]:
            got = getattr(dist, method)(arg, *sh, scale=scale)
            assert np.all(np.isnan(got)), (name, method, sh, scale, got)
            assert np.all(np.isnan(_scipy(name, method, arg, *sh, scale=scale)))


@pytest.mark.parametrize("name", ["cosine", "anglit", "arcsine", "semicircular"])
def test_no_shape_parameters_a_bad_scale_or_nan_gives_nan(name):
    for method in METHODS:
        assert np.all(np.isnan(getattr(getattr(stats, name), method)(np.array([0.3, 0.5]), scale=-1.0)))
        assert np.all(np.isnan(getattr(getattr(stats, name), method)(np.array([np.nan]))))


def test_inverses_are_the_inverses_and_their_derivatives_are_one_over_the_density():
    q = np.array([0.01, 0.05, 0.3, 0.7, 0.99])  # (an isf next to a finite end holds 1 - z only to ~1e-16 / q)
    for name, shapes in CASES:
        dist = getattr(stats, name)
        for method, back, sign in [("ppf", "cdf", 1.0), ("isf", "sf", -1.0)]:
            # (scale only: x = loc + scale z would round z next to the support's end, where the cdf is steep)
            x = getattr(dist, method)(q, *shapes, 0.0, 2.0)
            np.testing.assert_allclose(getattr(dist, back)(x, *shapes, 0.0, 2.0), q, rtol=1e-9, err_msg=name)
            inner = (lambda p: getattr(dist, method)(p, *shapes, 0.3, 2.0))  # noqa: E731
            newton = name in ("cosine", "argus")  # (their inverses need values: no vmap)
            g = np.array([osc.grad(inner)(p) for p in q]) if newton else osc.vmap(osc.grad(inner))(q)
            np.testing.assert_allclose(g, sign / getattr(ss, name).pdf(x + 0.3, *shapes, 0.3, 2.0), rtol=1e-8,
                                       err_msg=name)


def test_newton_inverses_are_differentiable_to_second_order():
    """cosine and argus: SciPy's inverse (argus's refined by plain Newton steps on osculate's cdf,
    SciPy's being off in the lower tail), then Newton steps carrying the derivatives."""
    q = np.array([1e-3, 0.3, 0.7, 0.97])
    for method in ("ppf", "isf"):
        f = getattr(stats.cosine, method)
        np.testing.assert_allclose(f(q, 0.3, 1.7), _scipy("cosine", method, q, 0.3, 1.7), rtol=1e-12)
        check_grads(lambda q, loc, s: f(q, loc, s), (q, np.array(0.3), np.array(1.7)), order=2, modes=("fwd", "rev"))
        g = getattr(stats.argus, method)
        np.testing.assert_allclose(g(q, 1.5, 0.3, 1.7), _scipy("argus", method, q, 1.5, 0.3, 1.7), rtol=1e-10)
        check_grads(lambda q, chi, loc, s: g(q, chi, loc, s), (q, np.array(1.5), np.array(0.3), np.array(1.7)),
                    order=2, modes=("fwd", "rev"))
    with pytest.raises(osc.ConcretizationError, match=r"stats\.cosine\.ppf .* cannot run under osculate\.jit"):
        osc.jit(lambda q: stats.cosine.ppf(q))(np.array([0.2, 0.4]))
    assert core.current_depth() == 0


def test_truncnorm_far_tails_and_their_derivatives():
    """Truncated to [8, 9] (the mass is 6e-16): the log-density, the logs of cdf and sf, and the
    derivatives in x, a and b against mpmath; the inverse of a tiny q."""
    mp.mp.dps = 50
    a, b = 8.0, 9.0
    mass = mp.ncdf(b) - mp.ncdf(a)
    for x in (8.001, 8.3, 8.9):
        xm = mp.mpf(x)
        np.testing.assert_allclose(stats.truncnorm.logcdf(x, a, b), float(mp.log((mp.ncdf(xm) - mp.ncdf(a)) / mass)),
                                   rtol=1e-11)
        np.testing.assert_allclose(stats.truncnorm.logsf(x, a, b), float(mp.log((mp.ncdf(b) - mp.ncdf(xm)) / mass)),
                                   rtol=1e-11)
        # d/da logpdf = φ(a) / (Φ(b) - Φ(a)), d/db = -φ(b) / (Φ(b) - Φ(a))
        g = osc.grad(lambda s: stats.truncnorm.logpdf(x, s[0], s[1]))(np.array([a, b]))
        np.testing.assert_allclose(g, [float(mp.npdf(a) / mass), float(-mp.npdf(b) / mass)], rtol=1e-10)
    check_grads(lambda x, a, b: stats.truncnorm.logcdf(x, a, b) + stats.truncnorm.logsf(x, a, b),
                (np.array([8.1, 8.6]), np.array(8.0), np.array(9.0)), order=2)
    x = stats.truncnorm.isf(1e-300, 2.0, np.inf)
    want = mp.findroot(lambda t: mp.log(mp.ncdf(-t) / mp.ncdf(-2)) - mp.log(mp.mpf(1e-300)), 37.0)
    np.testing.assert_allclose(x, float(want), rtol=1e-13)


def test_slopes_of_the_cdfs_are_the_density():
    """d logcdf/dx = pdf / cdf, d logsf/dx = -pdf / sf, d cdf/dx = pdf, from next to the ends (where
    e.g. cosine's cdf is 1 minus its series, truncweibull_min's uses differences of powers) inward;
    and an infinite upper end of truncweibull_min leaves the slope in c finite."""
    for name, shapes in CASES:
        dist = getattr(stats, name)
        lo, hi = _scipy(name, "support", *shapes)
        lo, hi = (lo if np.isfinite(lo) else -8.0), (hi if np.isfinite(hi) else lo + 30.0)
        x = lo + (hi - lo) * np.array([1e-5, 1e-3, 0.1, 0.45, 0.8, 0.999, 1 - 1e-5])
        lp, lc, ls = (np.asarray(getattr(dist, m)(x, *shapes)) for m in ("logpdf", "logcdf", "logsf"))
        ok = np.isfinite(lp) & np.isfinite(lc) & np.isfinite(ls)
        lp, lc, ls = lp[ok], lc[ok], ls[ok]
        for method, want in [("logcdf", np.exp(lp - lc)), ("logsf", -np.exp(lp - ls)), ("cdf", np.exp(lp))]:
            g = np.array([osc.grad(lambda t: getattr(dist, method)(t, *shapes))(v) for v in x[ok]])
            np.testing.assert_allclose(g, want, rtol=1e-7, atol=1e-100, err_msg=f"{name}{shapes} {method}")
    for method in ("logpdf", "cdf", "logsf", "ppf", "isf"):
        arg = np.array([0.3, 0.6]) if method in ("ppf", "isf") else np.array([0.5, 2.0])
        check_grads(lambda c: getattr(stats.truncweibull_min, method)(arg, c, 0.2, np.inf), (np.array(1.3),), order=2)


def test_derivatives_stay_finite_beside_points_outside_the_support():
    x = np.array([-1.0, 0.2, 0.5, 0.9, 3.0])
    for dist, shapes in [(stats.triang, (0.4,)), (stats.bradford, (2.0,)), (stats.truncnorm, (-1.0, 1.5)),
                         (stats.truncexpon, (2.0,)), (stats.rdist, (3.0,)), (stats.johnsonsb, (0.2, 1.3))]:
        for method in ("logpdf", "cdf", "sf"):
            f = lambda p: np.sum(np.where(np.isfinite(getattr(dist, method)(x, *shapes, 0.0, 1.0)),  # noqa: E731
                                          getattr(dist, method)(x, *shapes, p[0], p[1]), 0.0))
            p = np.array([0.0, 1.0])
            assert np.all(np.isfinite(osc.grad(f)(p))) and np.all(np.isfinite(osc.hessian(f)(p))), (dist, method)


def test_truncated_normal_maximum_likelihood_fit():
    """Data from a normal truncated to [0, 2] (in x): fit its mean and log standard deviation by
    Newton's method; the gradient vanishes at the optimum and matches SciPy's numerical fit."""
    r = np.random.default_rng(5)
    mu, sigma, lo, hi = 0.6, 0.8, 0.0, 2.0
    data = ss.truncnorm.rvs((lo - mu) / sigma, (hi - mu) / sigma, loc=mu, scale=sigma, size=500, random_state=r)

    def nll(p):
        s = np.exp(p[1])
        return -np.sum(stats.truncnorm.logpdf(data, (lo - p[0]) / s, (hi - p[0]) / s, p[0], s))

    res = minimize(nll, np.array([1.0, 0.0]))
    assert np.linalg.norm(osc.grad(nll)(res.x)) < 1e-8
    from_scipy = _fit_with_scipy(data, lo, hi)
    np.testing.assert_allclose(res.x, from_scipy, rtol=1e-5, atol=1e-6)
    assert np.all(np.linalg.eigvalsh(osc.hessian(nll)(res.x)) > 0)


def _fit_with_scipy(data, lo, hi):
    """The same fit with SciPy only (its own density and a derivative-free optimiser)."""
    def nll(p):
        s = np.exp(p[1])
        return -np.sum(ss.truncnorm.logpdf(data, (lo - p[0]) / s, (hi - p[0]) / s, p[0], s))

    return so.minimize(nll, np.array([1.0, 0.0]), method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12}).x


def test_shape_parameters_broadcast_like_scipy():
    x, q = np.linspace(0.05, 0.95, 4)[:, None], np.array([[0.1], [0.5], [0.9]])
    for name, shapes in [("argus", (np.array([0.5, 2.0, 6.0]),)),
                         ("truncnorm", (np.array([-1.0, 0.2]), np.array([1.0, 3.0]))),
                         ("truncweibull_min", (np.array([0.7, 2.0]), 0.1, np.array([1.0, np.inf]))),
                         ("trapezoid", (np.array([0.1, 0.2]), np.array([0.5, 0.9])))]:
        for method in ("logpdf", "cdf", "logsf", "ppf", "isf"):
            arg = q if method in ("ppf", "isf") else x
            got = getattr(getattr(stats, name), method)(arg, *shapes)
            want = _scipy(name, method, arg, *shapes)
            assert np.shape(got) == want.shape
            np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-14, err_msg=f"{name} {method}")
    np.testing.assert_array_equal(stats.truncnorm(-1.0, 2.0, loc=0.5).cdf(x), stats.truncnorm.cdf(x, -1.0, 2.0, 0.5))
