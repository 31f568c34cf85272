"""``osculate.scipy.stats``: the discrete distributions beyond poisson, binom,
nbinom and bernoulli, against :mod:`scipy.stats` (values of every method on a
grid with negative, non-integer, large and NaN counts, with ``loc``; invalid
parameters; the far tails where SciPy loses accuracy against mpmath), their
derivatives beyond the primitive table (closed forms, finite differences),
and maximum-likelihood fits.
"""

from __future__ import annotations

import warnings

import mpmath as mp
import numpy as np
import pytest
import scipy.stats as ss
from scipy.special import digamma

import osculate as osc
from osculate.ad import core
from osculate.optim import minimize
from osculate.scipy import stats
from osculate.testing import check_grads

K = np.array([-3.0, -1.0, 0.0, 0.5, 1.0, 2.0, 2.5, 3.0, 5.0, 10.0, 40.0, 200.0, np.nan])
METHODS = ["logpmf", "pmf", "logcdf", "cdf", "logsf", "sf"]
CASES = [
    ("geom", (0.3,)), ("geom", (1.0,)), ("betabinom", (10, 2.5, 0.7)), ("betabinom", (40, 0.5, 3.0)),
    ("hypergeom", (50, 20, 12)), ("hypergeom", (300, 120, 200)), ("hypergeom", (10, 0, 3)),
    ("nhypergeom", (50, 20, 12)), ("nhypergeom", (10, 3, 0)), ("zipf", (1.5,)), ("zipf", (4.0,)),
    ("zipfian", (1.2, 30)), ("zipfian", (0.0, 5)), ("zipfian", (0.6, 250)), ("logser", (0.3,)),
    ("logser", (0.95,)), ("dlaplace", (0.8,)), ("dlaplace", (3.0,)), ("randint", (-2, 7)), ("planck", (0.5,)),
    ("planck", (3.0,)), ("boltzmann", (0.4, 19)), ("boltzmann", (2.0, 300)), ("yulesimon", (2.5,)),
    ("yulesimon", (0.4,)), ("betanbinom", (5, 2.5, 3.5)), ("betanbinom", (1, 1.5, 0.7)), ("skellam", (2.0, 3.5)),
    ("skellam", (10.0, 0.5)),
]
# SciPy evaluates the cdf/sf of these at a non-integer k as given (not at floor(k)), although
# the cdf of a discrete distribution is a step function: they are compared at floor(k) there
NOT_FLOORED = {"hypergeom", "logser", "yulesimon"}
# SciPy takes these logsf as log(1 - cdf), which loses the far upper tail (-inf, or 1e-3 off):
# there they are compared with the closed forms in mpmath (test_far_tails_against_mpmath)
LOG_ONE_MINUS = {"dlaplace", "boltzmann", "skellam"}


def _scipy(name, method, *args, **kwds):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return getattr(getattr(ss, name), method)(*args, **kwds)


def _same(got, want, method, rtol=1e-9):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape
    if method.startswith("log"):  # SciPy's log of an underflowed probability is -inf
        under = np.isneginf(want) & np.isfinite(got)
        assert np.all(np.exp(got[under]) == 0.0)
        want = np.where(under, got, want)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-14)


@pytest.mark.parametrize("loc", [0.0, 1.0])
@pytest.mark.parametrize("name, shapes", CASES, ids=[f"{n}{s}" for n, s in CASES])
def test_values_match_scipy(name, shapes, loc):
    dist = getattr(stats, name)
    for method in METHODS:
        if getattr(dist, method) is None:  # (skellam's cdf needs osculate's chndtr)
            continue
        k = K
        if method == "logsf" and name in LOG_ONE_MINUS:
            k = K[(K < 10.0) | np.isnan(K)]
        at = np.floor(k) if name in NOT_FLOORED and method not in ("logpmf", "pmf") else k
        _same(getattr(dist, method)(k, *shapes, loc=loc), _scipy(name, method, at, *shapes, loc=loc), method)


def test_far_tails_against_mpmath():
    mp.mp.dps = 40
    for k in (10.0, 40.0, 200.0):
        for a in (0.8, 3.0):  # dlaplace: sf(k >= 0) = exp(-a (k + 1)) / (1 + exp(-a))
            want = float(-a * (k + 1) - mp.log1p(mp.exp(-a)))
            np.testing.assert_allclose(stats.dlaplace.logsf(k, a), want, rtol=1e-13)
        lam, n = 2.0, 300  # boltzmann: sf = (e^{-λ(k+1)} - e^{-λN}) / (1 - e^{-λN})
        want = float(mp.log((mp.exp(-lam * (k + 1)) - mp.exp(-lam * n)) / (1 - mp.exp(-lam * n))))
        np.testing.assert_allclose(stats.boltzmann.logsf(k, lam, n), want, rtol=1e-13)
    # hypergeom's lower tail by the sum of the smaller side (SciPy, by Boost, agrees)
    want = mp.fsum(mp.binomial(120, j) * mp.binomial(180, 200 - j) for j in range(20, 41)) / mp.binomial(300, 200)
    np.testing.assert_allclose(stats.hypergeom.logcdf(40, 300, 120, 200), float(mp.log(want)), rtol=1e-11)
    np.testing.assert_allclose(stats.hypergeom.logsf(40, 300, 120, 200), float(mp.log1p(-want)), rtol=1e-9)
    # zipf's sf by the Hurwitz zeta, logser's by the incomplete beta, far out
    np.testing.assert_allclose(stats.zipf.logsf(1e6, 3.5), float(mp.log(mp.zeta(3.5, 1e6 + 1) / mp.zeta(3.5))),
                               rtol=1e-12)
    want = mp.log(mp.nsum(lambda j: mp.mpf(0.6) ** j / j, [101, mp.inf]) / -mp.log1p(-0.6))
    np.testing.assert_allclose(stats.logser.logsf(100.0, 0.6), float(want), rtol=1e-10)
    mp.mp.dps = 15


INVALID = [("geom", (0.0,)), ("geom", (1.2,)), ("betabinom", (2.5, 1.0, 1.0)), ("betabinom", (3, -1.0, 1.0)),
           ("hypergeom", (10, 12, 3)), ("hypergeom", (10, 3, 2.5)), ("nhypergeom", (10, 3, 8)), ("zipf", (1.0,)),
           ("zipfian", (-0.5, 3)), ("zipfian", (1.0, 2.5)), ("logser", (1.0,)), ("dlaplace", (0.0,)),
           ("randint", (3, 3)), ("randint", (0.5, 3)), ("planck", (-1.0,)), ("boltzmann", (1.0, 2.5)),
           ("yulesimon", (0.0,)), ("betanbinom", (1.5, 1.0, 1.0)), ("skellam", (-1.0, 2.0)), ("skellam", (np.nan, 2.0))]


@pytest.mark.parametrize("name, shapes", INVALID, ids=[f"{n}{s}" for n, s in INVALID])
def test_invalid_parameters_give_nan_without_warnings(name, shapes):
    dist = getattr(stats, name)
    for method in METHODS:
        if getattr(dist, method) is None:
            continue
        assert np.all(np.isnan(getattr(dist, method)(K, *shapes))), method
        # (SciPy gives 0 or 1 outside the support of some invalid parameters, NaN inside)
        assert np.isnan(_scipy(name, method, 1.0, *shapes)), method


def test_broadcasting_and_frozen():
    k = np.arange(6.0)[:, None]
    _same(stats.betabinom.cdf(k, np.array([3, 5]), 1.5, np.array([[0.5], [2.0], [1.0], [3.0], [1.0], [1.0]])),
          ss.betabinom.cdf(k, np.array([3, 5]), 1.5, np.array([[0.5], [2.0], [1.0], [3.0], [1.0], [1.0]])), "cdf")
    _same(stats.hypergeom.sf(k, 20, np.array([4, 7, 12]), 6), ss.hypergeom.sf(k, 20, np.array([4, 7, 12]), 6), "sf")
    _same(stats.zipfian.logcdf(k + 1, np.array([0.5, 1.5]), 8), ss.zipfian.logcdf(k + 1, np.array([0.5, 1.5]), 8),
          "logcdf")
    assert np.array_equal(stats.geom(0.3).logsf(k), stats.geom.logsf(k, 0.3))
    assert np.shape(stats.yulesimon.pmf(3, 2.0)) == ()
    assert stats.skellam(1.0, 2.0).pmf(0) == stats.skellam.pmf(0, 1.0, 2.0)
    with pytest.raises(AttributeError):
        stats.skellam(1.0, 2.0).logpdf


def _skellam_pmf(m1, m2, j):
    """e^{-(μ1+μ2)} (μ1/μ2)^{k/2} I_|k|(2 sqrt(μ1 μ2)) in mpmath."""
    return mp.exp(-(m1 + m2)) * (m1 / m2) ** (mp.mpf(j) / 2) * mp.besseli(abs(int(j)), 2 * mp.sqrt(m1 * m2))


def test_skellam_pmf():
    k = np.array([-6.0, -1.0, 0.0, 3.0, 30.0])
    _same(stats.skellam.logpmf(k, 2.0, 3.5), _scipy("skellam", "logpmf", k, 2.0, 3.5), "logpmf", rtol=1e-8)
    mp.mp.dps = 30
    pmf = _skellam_pmf
    for kk in (-4.0, 0.0, 3.0):
        g = osc.grad(lambda m: stats.skellam.logpmf(kk, m[0], m[1]))(np.array([2.0, 3.5]))
        want = [mp.diff(lambda a: mp.log(pmf(a, mp.mpf(3.5), kk)), 2.0),
                mp.diff(lambda b: mp.log(pmf(mp.mpf(2.0), b, kk)), 3.5)]
        np.testing.assert_allclose(g, np.array(want, dtype=float), rtol=1e-10)
    # far out, where ive underflows, the series of I_|k| (values and derivatives against mpmath)
    for m1, m2, kk in [(10.0, 0.5, 200), (10.0, 0.5, -200), (0.5, 10.0, 300), (2.0, 3.5, 1000)]:
        want = mp.log(pmf(mp.mpf(m1), mp.mpf(m2), kk))
        np.testing.assert_allclose(stats.skellam.logpmf(float(kk), m1, m2), float(want), rtol=1e-14)
        g = osc.grad(lambda a: stats.skellam.logpmf(float(kk), a, m2))(m1)
        np.testing.assert_allclose(g, float(mp.diff(lambda a: mp.log(pmf(a, mp.mpf(m2), kk)), m1)), rtol=1e-12)
    mp.mp.dps = 15
    check_grads(lambda m: stats.skellam.logpmf(np.array([-150.0, 150.0]), m[0], m[1]), (np.array([1.3, 2.1]),),
                order=2, modes=("fwd", "rev"))


@pytest.mark.skipif(stats.skellam.cdf is None, reason="skellam's cdf needs osculate.scipy.special.chndtr")
def test_skellam_tails():
    mp.mp.dps = 30
    pmf = _skellam_pmf
    # the far tails (the smaller side is a noncentral chi-square cdf) against sums in mpmath
    for m1, m2, kk in [(10.0, 0.5, 40), (2.0, 3.5, 40), (3.5, 2.0, -40), (10.0, 0.5, 200)]:
        sf = mp.fsum(pmf(mp.mpf(m1), mp.mpf(m2), j) for j in range(kk + 1, kk + 400))
        cdf = mp.fsum(pmf(mp.mpf(m1), mp.mpf(m2), j) for j in range(kk - 400, kk + 1))
        np.testing.assert_allclose(stats.skellam.logsf(float(kk), m1, m2), float(mp.re(mp.log(sf))), rtol=1e-12,
                                   atol=1e-30)
        np.testing.assert_allclose(stats.skellam.logcdf(float(kk), m1, m2), float(mp.re(mp.log(cdf))), rtol=1e-12,
                                   atol=1e-30)
    mp.mp.dps = 15
    # the cdf's derivatives in both means (through chndtr) against finite differences
    check_grads(lambda m: stats.skellam.cdf(np.array([-3.0, 0.0, 2.0]), m[0], m[1]), (np.array([1.3, 2.1]),),
                order=2, modes=("fwd", "rev"))


def test_closed_form_derivatives():
    # geom: d/dp log pmf(k) = 1/p - (k - 1)/(1 - p); d/dp log sf(k) = -k/(1 - p)
    k, p = np.array([1.0, 2.0, 7.0]), 0.35
    np.testing.assert_allclose(osc.jacfwd(lambda p: stats.geom.logpmf(k, p))(p), 1 / p - (k - 1) / (1 - p),
                               rtol=1e-13)
    np.testing.assert_allclose(osc.hessian(lambda p: stats.geom.logsf(4.0, p))(p), -4.0 / (1 - p) ** 2, rtol=1e-13)
    # betabinom: d/da log pmf = ψ(k+a) - ψ(n+a+b) - ψ(a) + ψ(a+b)
    n, a, b = 10, 1.7, 2.4
    want = digamma(k + a) - digamma(n + a + b) - digamma(a) + digamma(a + b)
    np.testing.assert_allclose(osc.jacfwd(lambda a: stats.betabinom.logpmf(k, n, a, b))(a), want, rtol=1e-12)
    # yulesimon: d/dα log sf(k) = ψ(α+1) - ψ(k+α+1)
    np.testing.assert_allclose(osc.jacfwd(lambda al: stats.yulesimon.logsf(k, al))(2.5),
                               digamma(3.5) - digamma(k + 3.5), rtol=1e-12)
    # zipf: d/da log pmf(k) = -log k - ζ'(a)/ζ(a) (mpmath)
    want = -np.log(k) - float(mp.diff(mp.zeta, 2.5) / mp.zeta(2.5))
    np.testing.assert_allclose(osc.jacfwd(lambda a: stats.zipf.logpmf(k, a))(2.5), want, rtol=1e-11)
    # the cdfs that are sums of the pmf and the other tails, against finite differences
    kk = np.array([0.0, 2.0, 5.0])
    for fn, x in [(lambda ab: stats.betabinom.logcdf(kk, 8, ab[0], ab[1]), np.array([1.3, 2.2])),
                  (lambda ab: stats.betanbinom.logsf(kk, 3, ab[0], ab[1]), np.array([1.3, 2.2])),
                  (lambda a: stats.zipfian.sf(kk + 1.0, a, 9), np.array(0.8)),
                  (lambda p: stats.logser.logcdf(kk + 1.0, p), np.array(0.7)),
                  (lambda a: stats.zipf.logcdf(kk + 1.0, a), np.array(2.2)),
                  (lambda a: stats.dlaplace.logcdf(kk - 3.0, a), np.array(0.7))]:
        check_grads(fn, (x,), order=2, modes=("fwd", "rev"))
    assert core.current_depth() == 0


def test_derivatives_stay_finite_beside_points_outside_the_support():
    k = np.array([-2.0, 0.0, 1.0, 2.5, 4.0, 30.0])
    for fn, x in [(lambda p: np.sum(stats.geom.pmf(k, p) + stats.geom.cdf(k, p) + stats.geom.logsf(k, p)), 0.4),
                  (lambda a: np.sum(stats.betabinom.pmf(k, 5, a, 1.5) + stats.betabinom.sf(k, 5, a, 1.5)), 1.2),
                  (lambda a: np.sum(stats.dlaplace.pmf(k, a) + stats.dlaplace.cdf(k, a)), 0.9),
                  (lambda m: np.sum(stats.skellam.pmf(k, m, 2.0)), 1.5),
                  (lambda a: np.sum(stats.zipfian.pmf(k, a, 4) + stats.zipfian.cdf(k, a, 4)), 1.1)]:
        g, h = osc.grad(fn)(x), osc.hessian(fn)(x)
        assert np.isfinite(g) and np.isfinite(h)
        check_grads(fn, (np.array(x),), order=2, modes=("fwd", "rev"))


def test_summed_cdfs_need_known_counts():
    with pytest.raises(osc.ConcretizationError, match=r"stats\.betabinom sums its pmf"):
        osc.vmap(lambda k: stats.betabinom.cdf(k, 5, 1.0, 2.0))(np.array([1.0, 2.0]))
    # the shape parameters may be traced under vmap and jit (the counts are constants)
    a = np.array([0.7, 1.4, 2.9])
    got = osc.vmap(lambda a: stats.betabinom.logsf(3.0, 9, a, 2.0))(a)
    _same(got, ss.betabinom.logsf(3.0, 9, a, 2.0), "logsf")
    got = osc.jit(lambda a: stats.zipfian.cdf(np.array([2.0, 5.0]), a, 7))(1.3)
    _same(got, ss.zipfian.cdf(np.array([2.0, 5.0]), 1.3, 7), "cdf")
    with pytest.raises(ValueError, match=r"betanbinom: its cdf/sf sums the pmf term by term"):
        stats.betanbinom.cdf(1e9, 3, 1.0, 2.0)
    with pytest.raises(ValueError, match=r"zipfian sums j\*\*-a over 1..n term by term"):
        stats.zipfian.logpmf(3.0, 1.5, 1e9)
    assert core.current_depth() == 0


def test_maximum_likelihood_fits():
    r = np.random.default_rng(11)
    # geom: the estimate is 1 / mean(k)
    k = ss.geom.rvs(0.3, size=200, random_state=r).astype(float)
    res = minimize(lambda t: -np.sum(stats.geom.logpmf(k, 1.0 / (1.0 + np.exp(-t[0])))), np.array([0.0]))
    np.testing.assert_allclose(1.0 / (1.0 + np.exp(-res.x[0])), 1.0 / k.mean(), rtol=1e-8)
    # betabinom(12, a, b) in log a, log b: the gradient vanishes at the fit and its Hessian is
    # that of the finite differences (and of SciPy's log-likelihood)
    k = ss.betabinom.rvs(12, 2.0, 3.0, size=300, random_state=r).astype(float)

    def nll(t):
        return -np.sum(stats.betabinom.logpmf(k, 12, np.exp(t[0]), np.exp(t[1])))

    res = minimize(nll, np.array([0.0, 0.0]))
    assert res.success
    np.testing.assert_allclose(osc.grad(nll)(res.x), 0.0, atol=1e-4)  # (the NLL is ~600)

    def nll_scipy(t):
        return -np.sum(ss.betabinom.logpmf(k, 12, np.exp(t[0]), np.exp(t[1])))

    h, e = osc.hessian(nll)(res.x), 1e-4
    fd = np.array([[(nll_scipy(res.x + e * (i + j)) - nll_scipy(res.x + e * (i - j)) - nll_scipy(res.x - e * (i - j))
                     + nll_scipy(res.x - e * (i + j))) / (4 * e * e) for j in np.eye(2)] for i in np.eye(2)])
    np.testing.assert_allclose(h, fd, rtol=1e-5)
    assert np.all(np.linalg.eigvalsh(h) > 0)
