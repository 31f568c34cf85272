"""The real-line distributions of ``osculate.scipy.stats`` (``_realline.py``) against
:mod:`scipy.stats`, and where SciPy loses digits against exact references.

Values of all eight methods on grids with far tails, the support's ends, points
outside it, infinities, NaN, with and without loc/scale and at two or more shape
values; invalid parameters give NaN; the derivatives of the ppf/isf that start
from SciPy's inverse (exponnorm, skewnorm), which the table rows
(``rows_stats_realline.py``) cannot hold; genextreme's derivatives in ``c``
through ``c = 0``; a maximum-likelihood fit.
"""

from __future__ import annotations


import mpmath as mp
import numpy as np
import pytest
import scipy.special as sc
import scipy.stats as ss

import osculate as osc
from osculate.ad import core
from osculate.optim import minimize
from osculate.scipy import stats
from osculate.testing import check_grads

from _stats_cases import scipy_values as _scipy

X = np.array([-1e3, -40.0, -8.0, -3.0, -1.0, -0.2, 0.0, 1e-3, 0.3, 0.5, 1.0, 2.5, 8.0, 40.0, 1e3,
              np.inf, -np.inf, np.nan])
Q = np.array([-0.1, 0.0, 1e-300, 1e-12, 0.01, 0.3, 0.5, 0.9, 1 - 1e-12, 1.0, 1.1, np.nan])
METHODS = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf"]
LOC_SCALE = [{}, {"loc": 0.3, "scale": 2.0}]

CASES = [
    ("gumbel_r", ()), ("gumbel_l", ()), ("genextreme", (0.5,)), ("genextreme", (-0.3,)), ("genextreme", (0.0,)),
    ("genextreme", (1e-5,)), ("genextreme", (1.5,)), ("genextreme", (-2.0,)), ("weibull_max", (2.5,)),
    ("weibull_max", (0.7,)), ("hypsecant", ()), ("gennorm", (1.5,)), ("gennorm", (0.7,)), ("gennorm", (4.0,)),
    ("exponnorm", (1.5,)), ("exponnorm", (0.2,)), ("johnsonsu", (0.5, 1.5)), ("johnsonsu", (-2.0, 0.6)),
    ("loggamma", (2.5,)), ("loggamma", (0.3,)), ("dgamma", (2.5,)), ("dgamma", (0.6,)), ("dweibull", (2.5,)),
    ("dweibull", (0.7,)), ("genlogistic", (2.5,)), ("genlogistic", (0.4,)), ("moyal", ()),
    ("laplace_asymmetric", (2.0,)), ("laplace_asymmetric", (0.5,)), ("skewnorm", (0.0,)), ("skewnorm", (0.7,)),
    ("skewnorm", (-1.5,)), ("crystalball", (2.0, 3.0)), ("crystalball", (0.5, 1.5)), ("crystalball", (3.0, 10.0)),
]

# SciPy's isf of these is its ppf at 1 - q, which loses the digits of a tiny q (and crystalball's
# ppf near 1 takes ndtri of a difference near 1): there the inverse is checked through SciPy's
# sf and cdf (accurate), sf(isf(q)) = q, cdf(isf(q)) = 1 - q and the same for ppf
ROUND_TRIP = {("weibull_max", "isf"), ("genlogistic", "isf"), ("moyal", "isf"), ("crystalball", "isf"),
              ("crystalball", "ppf")}


def _compare(name, method, arg, got, want, shapes, kw):
    got = np.asarray(got, dtype=float)
    assert got.shape == want.shape
    want = want.copy()
    if method in ("logpdf", "pdf"):
        # SciPy's formulas give nan (inf - inf) at x = ±inf for some of these; the limit is 0
        at_inf = np.isinf(arg) & np.isnan(want)
        assert np.all(got[at_inf] == (-np.inf if method == "logpdf" else 0.0))
        want[at_inf] = got[at_inf]
    if method.startswith("log"):
        # where SciPy's value underflowed to -inf and ours is finite, ours must underflow once exponentiated
        under = np.isneginf(want) & np.isfinite(got)
        assert np.all(np.exp(got[under]) == 0.0), (name, method, arg[under], got[under])
        want[under] = got[under]
    if (name, method) in ROUND_TRIP:
        far = ((arg > 0.0) & (arg < 1e-6)) | ((arg < 1.0) & (arg > 1.0 - 1e-6))
        far &= ~np.isclose(got, want, rtol=1e-9, atol=1e-14)
        far &= getattr(stats, name).isf(arg, *shapes) != 0.0  # (not where the value underflows, as SciPy's)
        std = np.asarray(getattr(getattr(stats, name), method)(arg[far], *shapes))
        upper = (arg[far] < 0.5) == (method == "isf")  # the quantile in the upper tail: check the sf there
        np.testing.assert_allclose(_scipy(name, "sf", std[upper], *shapes),
                                   np.where(method == "isf", arg[far], 1.0 - arg[far])[upper], rtol=1e-9)
        np.testing.assert_allclose(_scipy(name, "cdf", std[~upper], *shapes),
                                   np.where(method == "ppf", arg[far], 1.0 - arg[far])[~upper], rtol=1e-9)
        np.testing.assert_allclose(got[far], kw.get("loc", 0.0) + kw.get("scale", 1.0) * std, rtol=1e-15)
        want[far] = got[far]
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-14, err_msg=f"{name}{shapes} {method} {kw}")


@pytest.mark.parametrize("kw", LOC_SCALE, ids=["standard", "loc-scale"])
@pytest.mark.parametrize("name, shapes", CASES, ids=[f"{n}{s}" for n, s in CASES])
def test_values_match_scipy(name, shapes, kw):
    dist = getattr(stats, name)
    for method in METHODS:
        arg = Q if method in ("ppf", "isf") else X
        want = _scipy(name, method, arg, *shapes, **kw)
        if name == "genlogistic" and method == "logcdf":
            # SciPy's -c log1p(exp(-z)) overflows at z = -1000 (-inf); -c logaddexp(0, -z) does not
            z = (arg - kw.get("loc", 0.0)) / kw.get("scale", 1.0)
            with np.errstate(all="ignore"):
                want = np.where(np.isfinite(z), -shapes[0] * np.logaddexp(0.0, -z), want)
        _compare(name, method, arg, getattr(dist, method)(arg, *shapes, **kw), want, shapes, kw)


def test_skewnorm_lower_tail_against_exact_references():
    """For a > 0 the cdf Φ(z) - 2 T(z, a) cancels below zero (SciPy then integrates the density
    numerically, itself off by up to 1e-3 relative in the log far out): osculate uses a
    Gauss-Laguerre form there.  At a = 1 the cdf is Φ(z)² exactly; elsewhere mpmath."""
    z = np.array([-0.5, -2.0, -5.0, -9.0, -27.0, -200.0])
    np.testing.assert_allclose(stats.skewnorm.logcdf(z, 1.0), 2.0 * sc.log_ndtr(z), rtol=1e-13)
    np.testing.assert_allclose(stats.skewnorm.logsf(-z, -1.0), 2.0 * sc.log_ndtr(z), rtol=1e-13)
    mp.mp.dps = 40
    for a, zz in [(0.1, -4.66), (3.0, -3.0), (3.0, -8.0), (5.0, -7.3), (20.0, -1.84), (100.0, -0.176), (0.6, -2.0)]:
        za, aa = mp.mpf(zz), mp.mpf(a)
        r = -za + aa * mp.npdf(aa * za) / mp.ncdf(aa * za)
        cuts = [0] + [k / r for k in (0.25, 0.5, 1, 2, 3, 5, 8, 12, 20, 40, 80, 200)] + [mp.inf]
        val = mp.quad(lambda s: 2 * mp.npdf(za - s) * mp.ncdf(aa * (za - s)), cuts, maxdegree=10)
        np.testing.assert_allclose(stats.skewnorm.logcdf(zz, a), float(mp.log(val)), rtol=1e-10)
        np.testing.assert_allclose(stats.skewnorm.cdf(zz, a), float(val), rtol=1e-9)
        np.testing.assert_allclose(stats.skewnorm.logsf(-zz, -a), float(mp.log(val)), rtol=1e-10)
    # and the derivative of the tail form is the density (to second order: the density's slope)
    for a, zz in [(3.0, -3.0), (1.0, -6.0)]:
        g = osc.grad(lambda x: stats.skewnorm.cdf(x, a))(zz)
        np.testing.assert_allclose(g, ss.skewnorm.pdf(zz, a), rtol=1e-10)
        h = osc.grad(osc.grad(lambda x: stats.skewnorm.logcdf(x, a)))(zz)
        lp = lambda x: ss.skewnorm.logpdf(x, a) - float(stats.skewnorm.logcdf(x, a))  # noqa: E731
        fd = (np.exp(lp(zz + 1e-5)) - np.exp(lp(zz - 1e-5))) / 2e-5
        np.testing.assert_allclose(h, fd, rtol=1e-6)


INVALID = [("genextreme", (np.nan,)), ("weibull_max", (0.0,)), ("gennorm", (-1.0,)), ("exponnorm", (0.0,)),
           ("johnsonsu", (0.5, -1.0)), ("johnsonsu", (np.nan, 1.0)), ("loggamma", (-0.5,)), ("dgamma", (0.0,)),
           ("dweibull", (-2.0,)), ("genlogistic", (0.0,)), ("laplace_asymmetric", (-1.0,)), ("skewnorm", (np.inf,)),
           ("crystalball", (0.0, 2.0)), ("crystalball", (1.0, 1.0))]


@pytest.mark.parametrize("name, shapes", INVALID, ids=[f"{n}{s}" for n, s in INVALID])
def test_invalid_parameters_give_nan_without_warnings(name, shapes):
    dist = getattr(stats, name)
    for method in METHODS:
        arg = np.array([0.3, 0.5]) if method in ("ppf", "isf") else np.array([-0.5, 0.3])
        for sh, scale in [(shapes, 1.0), (CASES_OK[name], -1.0)]:
            got = getattr(dist, method)(arg, *sh, scale=scale)
            assert np.all(np.isnan(got)), (name, method, sh, scale, got)
            assert np.all(np.isnan(_scipy(name, method, arg, *sh, scale=scale)))


CASES_OK = {n: s for n, s in reversed(CASES)}


@pytest.mark.parametrize("name", ["gumbel_r", "gumbel_l", "hypsecant", "moyal"])
def test_no_shape_parameters_a_bad_scale_or_nan_gives_nan(name):
    for method in METHODS:
        assert np.all(np.isnan(getattr(getattr(stats, name), method)(np.array([0.3, 0.5]), scale=-1.0)))
        assert np.all(np.isnan(getattr(getattr(stats, name), method)(np.array([np.nan]))))


def test_inverses_are_the_inverses_and_their_derivatives_are_one_over_the_density():
    q = np.array([1e-4, 0.05, 0.3, 0.7, 0.99])  # (genextreme's cdf is ill-conditioned next to its end 1/c)
    for name, shapes in [(n, s) for n, s in CASES if n not in ("exponnorm", "skewnorm")]:
        dist = getattr(stats, name)
        for method, back, sign in [("ppf", "cdf", 1.0), ("isf", "sf", -1.0)]:
            x = getattr(dist, method)(q, *shapes, 0.3, 2.0)
            np.testing.assert_allclose(getattr(dist, back)(x, *shapes, 0.3, 2.0), q, rtol=1e-9, err_msg=name)
            g = osc.vmap(osc.grad(lambda p: getattr(dist, method)(p, *shapes, 0.3, 2.0)))(q)
            np.testing.assert_allclose(g, sign / getattr(ss, name).pdf(x, *shapes, 0.3, 2.0), rtol=1e-8, err_msg=name)


def test_newton_inverses_are_differentiable_to_second_order():
    """exponnorm and skewnorm: ppf/isf from SciPy's inverse plus Newton steps; their derivatives
    in q, loc, scale and the shape against finite differences, the first against 1 / pdf."""
    q = np.array([0.01, 0.3, 0.7, 0.97])
    for dist, shape in [(stats.exponnorm, 1.5), (stats.skewnorm, 2.5), (stats.skewnorm, -0.7)]:
        for method in ("ppf", "isf"):
            f = getattr(dist, method)
            np.testing.assert_allclose(f(q, shape, 0.3, 1.7), _scipy(dist.name, method, q, shape, 0.3, 1.7),
                                       rtol=1e-12)
            check_grads(lambda q, k, loc, s: f(q, k, loc, s), (q, np.array(shape), np.array(0.3), np.array(1.7)),
                        order=2, modes=("fwd", "rev"))
        y = getattr(ss, dist.name).ppf(0.3, shape)
        np.testing.assert_allclose(osc.grad(lambda p: dist.ppf(p, shape))(0.3),
                                   1.0 / getattr(ss, dist.name).pdf(y, shape), rtol=1e-10)
    with pytest.raises(osc.ConcretizationError, match=r"stats\.skewnorm\.ppf .* cannot run under osculate\.jit"):
        osc.vmap(lambda q: stats.skewnorm.ppf(q, 2.0))(np.array([0.2, 0.4]))
    assert core.current_depth() == 0


def test_genextreme_is_smooth_in_c_through_zero():
    """At c = 0 the cdf is Gumbel's; -log1p(-c z) / c is a series near c = 0, so the derivatives
    in c there are right: d/dc logpdf at c = 0 is e^{-z} z²/2 + z - z²/2."""
    z = np.array([-1.3, 0.4, 2.0])
    for c in (0.0, 1e-9, -1e-7):
        g = osc.vmap(osc.grad(lambda c, x: stats.genextreme.logpdf(x, c)))(np.full(3, c), z)
        np.testing.assert_allclose(g, np.exp(-z) * z * z / 2 + z - z * z / 2, rtol=1e-6, atol=1e-12)
    check_grads(lambda c: stats.genextreme.logpdf(z, c) + stats.genextreme.cdf(z, c) + stats.genextreme.ppf(0.3, c),
                (np.array(0.0),), order=2)
    check_grads(lambda c: stats.genextreme.logsf(z, c) + stats.genextreme.isf(0.3, c), (np.array(0.02),), order=2)
    np.testing.assert_allclose(stats.genextreme.cdf(z, 0.0), ss.gumbel_r.cdf(z), rtol=1e-15)


def test_tails_are_finite_where_scipy_underflows():
    """gumbel_r.logsf and genlogistic.logcdf stay finite (≈ -z and c z) where the sf/cdf underflow."""
    np.testing.assert_allclose(stats.gumbel_r.logsf(800.0), -800.0, rtol=1e-15)
    np.testing.assert_allclose(stats.gumbel_l.logcdf(-800.0), -800.0, rtol=1e-15)
    np.testing.assert_allclose(osc.grad(lambda x: stats.gumbel_r.logsf(x))(800.0), -1.0)
    np.testing.assert_allclose(stats.hypsecant.logcdf(-800.0), np.log(2 / np.pi) - 800.0, rtol=1e-15)
    np.testing.assert_allclose(osc.grad(lambda x: stats.genlogistic.logcdf(x, 0.4))(-1000.0), 0.4)


def test_loggamma_upper_tail_beyond_underflow():
    """loggamma's sf is gammaincc(c, eᶻ), which underflows near z = 6.6 (SciPy's logsf is -inf
    there): osculate's logsf is the asymptotic series, against mpmath, and its slope -pdf / sf."""
    mp.mp.dps = 30
    for c in (0.3, 2.5, 40.0):
        for z in (5.0, 6.6, 7.0, 10.0, 25.0):
            want = mp.log(mp.gammainc(c, mp.exp(z), mp.inf, regularized=True))
            np.testing.assert_allclose(stats.loggamma.logsf(z, c), float(want), rtol=1e-13)
        g = osc.grad(lambda x: stats.loggamma.logsf(x, c))(10.0)
        lp, ls = stats.loggamma.logpdf(10.0, c), stats.loggamma.logsf(10.0, c)
        np.testing.assert_allclose(g, -np.exp(lp - ls), rtol=1e-9)
    check_grads(lambda x, c: stats.loggamma.logsf(x, c), (np.array([7.5, 9.0]), np.array(1.7)), order=2)


def test_exponnorm_lower_tail_against_mpmath():
    """Below z = -5 exponnorm's log cdf is log Φ(z) + log(1 - e^d): it stays finite where both terms of
    Φ(z) - e^{...} Φ(z - 1/K) underflow (SciPy's is -inf at z = -40)."""
    mp.mp.dps = 60
    for K in (0.2, 1.5, 10.0):
        for z in (-4.9, -5.1, -8.0, -40.0, -300.0):
            zm, k = mp.mpf(z), mp.mpf(K)
            want = mp.log(mp.ncdf(zm) - mp.exp((1 / k) * (1 / (2 * k) - zm)) * mp.ncdf(zm - 1 / k))
            np.testing.assert_allclose(stats.exponnorm.logcdf(z, K), float(want), rtol=1e-11)
    check_grads(lambda x, K: stats.exponnorm.logcdf(x, K), (np.array([-30.0, -6.0]), np.array(1.5)), order=2)


def test_slopes_of_the_cdfs_are_the_density():
    """d logcdf/dx = pdf / cdf, d logsf/dx = -pdf / sf, d cdf/dx = pdf, across each support and
    into the tails (the branches the table rows do not reach)."""
    for name, shapes in CASES:
        dist = getattr(stats, name)
        x = np.array([-6.0, -2.5, -0.7, 0.4, 1.3, 3.0, 7.0])
        lo, hi = getattr(ss, name).support(*shapes)
        x = x[(x > lo + 1e-3) & (x < hi - 1e-3)]
        lp, lc, ls = (np.asarray(getattr(dist, m)(x, *shapes)) for m in ("logpdf", "logcdf", "logsf"))
        for method, want in [("logcdf", np.exp(lp - lc)), ("logsf", -np.exp(lp - ls)), ("cdf", np.exp(lp))]:
            g = np.array([osc.grad(lambda t: getattr(dist, method)(t, *shapes))(v) for v in x])
            np.testing.assert_allclose(g, want, rtol=1e-8, atol=1e-100, err_msg=f"{name}{shapes} {method}")


def test_derivatives_at_loc_itself():
    """At x = loc (z = 0, where |z|^β and the two-sided forms meet) the gradient and Hessian in
    (loc, scale) are finite, and d cdf/dx is the density (gennorm's cdf is a series there)."""
    for name, shapes in [("gennorm", (0.7,)), ("gennorm", (1.5,)), ("gennorm", (4.0,)), ("dgamma", (2.5,)),
                         ("dweibull", (2.5,)), ("laplace_asymmetric", (2.0,)), ("skewnorm", (2.0,)), ("hypsecant", ())]:
        dist = getattr(stats, name)
        for method in ("logpdf", "logcdf", "logsf", "cdf", "sf"):
            f = lambda p: getattr(dist, method)(0.0, *shapes, p[0], p[1])  # noqa: E731
            p = np.array([0.0, 1.0])
            assert np.all(np.isfinite(osc.grad(f)(p))) and np.all(np.isfinite(osc.hessian(f)(p))), (name, method)
        np.testing.assert_allclose(osc.grad(lambda x: dist.cdf(x, *shapes))(0.0), getattr(ss, name).pdf(0.0, *shapes),
                                   rtol=1e-12)


def test_derivatives_stay_finite_beside_points_outside_the_support():
    x = np.array([-3.0, -0.5, 0.5, 1.9, 5.0])
    for dist, shapes in [(stats.weibull_max, (2.0,)), (stats.genextreme, (0.5,)), (stats.genextreme, (-0.5,))]:
        for method in ("logpdf", "cdf", "sf", "logcdf"):
            f = lambda p: np.sum(np.where(np.isfinite(getattr(dist, method)(x, *shapes, 0.0, 1.0)),  # noqa: E731
                                          getattr(dist, method)(x, *shapes, p[0], p[1]), 0.0))
            p = np.array([0.0, 1.0])
            assert np.all(np.isfinite(osc.grad(f)(p))) and np.all(np.isfinite(osc.hessian(f)(p))), (dist, method)


def test_gumbel_maximum_likelihood_fit_matches_scipy():
    """Fit loc and log(scale) of gumbel_r by Newton's method on the negative log-likelihood;
    the optimum is SciPy's fit and the Hessian there matches finite differences."""
    r = np.random.default_rng(11)
    data = ss.gumbel_r.rvs(loc=1.5, scale=0.7, size=400, random_state=r)

    def nll(p):
        return -np.sum(stats.gumbel_r.logpdf(data, p[0], np.exp(p[1])))

    res = minimize(nll, np.array([0.0, 0.0]))
    loc, scale = ss.gumbel_r.fit(data)
    np.testing.assert_allclose(res.x, [loc, np.log(scale)], rtol=1e-6, atol=1e-7)
    h = osc.hessian(nll)(res.x)
    eps = 1e-5
    fd = np.array([(osc.grad(nll)(res.x + eps * e) - osc.grad(nll)(res.x - eps * e)) / (2 * eps) for e in np.eye(2)])
    np.testing.assert_allclose(h, fd, rtol=1e-6)
    assert np.all(np.linalg.eigvalsh(h) > 0)


def test_frozen_and_broadcasting():
    x = np.linspace(-2.0, 2.0, 5)[:, None]
    c = np.array([-0.2, 0.0, 0.3])
    np.testing.assert_allclose(stats.genextreme.cdf(x, c, 0.1, 1.5), ss.genextreme.cdf(x, c, 0.1, 1.5), rtol=1e-12)
    np.testing.assert_array_equal(stats.johnsonsu(0.5, 1.5, scale=2.0).logpdf(x),
                                  stats.johnsonsu.logpdf(x, 0.5, 1.5, 0, 2.0))
