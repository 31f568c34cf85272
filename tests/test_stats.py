"""``osculate.scipy.stats``: the distributions against :mod:`scipy.stats`.

Values of every (distribution, method) on grids that include the far tails,
the support's ends, points outside it, NaN, and invalid parameters; the
derivatives of the methods the primitive table (``tests/rows_stats.py``)
cannot hold (the ppf/isf that start from SciPy's inverse); a probit
log-likelihood whose Hessian is the closed form; masking that keeps
derivatives finite beside out-of-support points; the frozen form; the
multivariate distributions; and the error of a plain ``scipy.stats`` call on a
traced value.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
import scipy.stats as ss
from scipy.special import digamma

import osculate as osc
from osculate.ad import core
from osculate.ad.core import UnsupportedFunctionError
from osculate.scipy import stats
from osculate.testing import check_grads

X = np.array([-1e3, -40.0, -8.0, -3.0, -1.0, -0.2, 0.0, 1e-3, 0.3, 0.5, 1.0, 2.5, 8.0, 40.0, 1e3,
              np.inf, -np.inf, np.nan])
Q = np.array([-0.1, 0.0, 1e-300, 1e-12, 0.01, 0.3, 0.5, 0.9, 1 - 1e-12, 1.0, 1.1, np.nan])
K = np.array([-3.0, -1.0, 0.0, 0.5, 1.0, 2.0, 2.5, 3.0, 5.0, 10.0, 40.0, 200.0, np.nan])

CONTINUOUS = [
    ("norm", ()), ("t", (3.5,)), ("t", (0.7,)), ("gamma", (2.5,)), ("gamma", (0.5,)), ("beta", (2.5, 0.7)),
    ("beta", (0.5, 3.0)), ("expon", ()), ("laplace", ()), ("logistic", ()), ("cauchy", ()), ("chi2", (3.0,)),
    ("chi2", (1.0,)), ("lognorm", (0.7,)), ("uniform", ()),
]
CONT_METHODS = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf"]
DISCRETE = [
    ("poisson", (3.2,)), ("poisson", (0.0,)), ("binom", (10, 0.3)), ("binom", (3, 1.0)), ("binom", (3, 0.0)),
    ("nbinom", (2.5, 0.3)), ("nbinom", (3, 1.0)), ("bernoulli", (0.3,)), ("bernoulli", (0.0,)), ("bernoulli", (1.0,)),
]
DISC_METHODS = ["logpmf", "pmf", "logcdf", "cdf", "logsf", "sf"]
LOC_SCALE = [{}, {"loc": 0.3, "scale": 2.0}]


def _scipy(name, method, *args, **kwds):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return getattr(getattr(ss, name), method)(*args, **kwds)


def _same(got, want, method):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape
    if method.startswith("log"):
        # SciPy takes the log of an underflowed density (laplace.logpdf(1000) = -inf): where its value
        # is -inf and ours is finite, the two must agree once exponentiated
        under = np.isneginf(want) & np.isfinite(got)
        assert np.all(np.exp(got[under]) == 0.0)
        want = np.where(under, got, want)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("kw", LOC_SCALE, ids=["standard", "loc-scale"])
@pytest.mark.parametrize("name, shapes", CONTINUOUS, ids=[f"{n}{s}" for n, s in CONTINUOUS])
def test_continuous_values_match_scipy(name, shapes, kw):
    dist = getattr(stats, name)
    for method in CONT_METHODS:
        arg = Q if method in ("ppf", "isf") else X
        _same(getattr(dist, method)(arg, *shapes, **kw), _scipy(name, method, arg, *shapes, **kw), method)


@pytest.mark.parametrize("loc", [0.0, 1.0])
@pytest.mark.parametrize("name, shapes", DISCRETE, ids=[f"{n}{s}" for n, s in DISCRETE])
def test_discrete_values_match_scipy(name, shapes, loc):
    dist = getattr(stats, name)
    for method in DISC_METHODS:
        _same(getattr(dist, method)(K, *shapes, loc=loc), _scipy(name, method, K, *shapes, loc=loc), method)


INVALID = [("norm", (), -1.0), ("t", (-1.0,), 1.0), ("gamma", (0.0,), 1.0), ("beta", (1.0, -2.0), 1.0),
           ("lognorm", (-1.0,), 1.0), ("chi2", (np.nan,), 1.0), ("expon", (), 0.0), ("uniform", (), -2.0)]


@pytest.mark.parametrize("name, shapes, scale", INVALID, ids=[n for n, _, _ in INVALID])
def test_invalid_parameters_give_nan_without_warnings(name, shapes, scale):
    dist = getattr(stats, name)
    for method in CONT_METHODS:
        got = getattr(dist, method)(np.array([0.3, 0.5]), *shapes, scale=scale)
        assert np.all(np.isnan(got)), (method, got)
        assert np.all(np.isnan(_scipy(name, method, np.array([0.3, 0.5]), *shapes, scale=scale)))
    for name, shapes in [("poisson", (-1.0,)), ("binom", (2.5, 0.3)), ("binom", (3, 1.3)), ("nbinom", (0.0, 0.5)),
                         ("nbinom", (2.0, 0.0)), ("bernoulli", (-0.2,))]:
        for method in DISC_METHODS:
            assert np.all(np.isnan(getattr(getattr(stats, name), method)(K, *shapes))), (name, method)


def test_the_traced_values_are_the_plain_values():
    assert_traced_values_are_plain(CONTINUOUS, X[np.isfinite(X)])


def assert_traced_values_are_plain(cases, x):
    """For each ``(name, shapes)``, logpdf, cdf and logsf with a traced ``loc`` give the plain values
    (also used by the test files of the other distribution modules)."""
    for name, shapes in cases:
        dist = getattr(stats, name)
        for method in ("logpdf", "cdf", "logsf"):
            y, _ = osc.jvp(lambda loc: getattr(dist, method)(x, *shapes, loc=loc), (0.25,), (1.0,))
            np.testing.assert_array_equal(np.asarray(y), getattr(dist, method)(x, *shapes, loc=0.25))
    assert core.current_depth() == 0


def test_arguments_broadcast_like_scipy():
    x, loc, scale = np.linspace(-1.0, 2.0, 4)[:, None], np.array([0.0, 0.5, 1.0]), 2.0
    np.testing.assert_allclose(stats.t.cdf(x, np.array([[2.0], [3.0], [4.0], [9.0]]), loc, scale),
                               ss.t.cdf(x, np.array([[2.0], [3.0], [4.0], [9.0]]), loc, scale), rtol=1e-12)
    np.testing.assert_allclose(stats.gamma.logpdf(x + 2.0, np.array([1.0, 2.0, 3.0])),
                               ss.gamma.logpdf(x + 2.0, np.array([1.0, 2.0, 3.0])), rtol=1e-12)
    k = np.arange(6.0)[:, None]
    np.testing.assert_allclose(stats.binom.cdf(k, np.array([3, 5]), 0.4), ss.binom.cdf(k, np.array([3, 5]), 0.4),
                               rtol=1e-12)
    assert np.shape(stats.norm.logpdf(0.0)) == ()


# --------------------------------------------------------------------------- derivatives


def test_newton_inverses_are_differentiable_to_second_order():
    """ppf/isf of gamma, chi2, t, beta start from SciPy's inverse; their derivatives in q,
    loc and scale (by the implicit function) against finite differences."""
    q = np.array([0.01, 0.3, 0.7, 0.97])
    for dist, shapes in [(stats.gamma, (2.5,)), (stats.chi2, (3.0,)), (stats.t, (3.5,)), (stats.beta, (2.5, 1.5))]:
        for method in ("ppf", "isf"):
            f = getattr(dist, method)
            check_grads(lambda q, loc, s: f(q, *shapes, loc, s), (q, np.array(0.3), np.array(1.7)), order=2,
                        modes=("fwd", "rev"))
            want = getattr(getattr(ss, dist.name), method)(q, *shapes, 0.3, 1.7)
            np.testing.assert_allclose(f(q, *shapes, 0.3, 1.7), want, rtol=1e-12)
    # the first derivative is 1 / pdf at the quantile, the second -pdf' / pdf³
    g = osc.grad(lambda q: stats.gamma.ppf(q, 2.5))(0.3)
    y = ss.gamma.ppf(0.3, 2.5)
    np.testing.assert_allclose(g, 1.0 / ss.gamma.pdf(y, 2.5), rtol=1e-10)
    h = osc.hessian(lambda q: stats.gamma.ppf(q, 2.5))(0.3)
    dpdf = ss.gamma.pdf(y, 2.5) * (1.5 / y - 1.0)
    np.testing.assert_allclose(h, -dpdf / ss.gamma.pdf(y, 2.5) ** 3, rtol=1e-8)
    assert core.current_depth() == 0


def test_newton_inverses_name_jit_and_vmap():
    with pytest.raises(osc.ConcretizationError, match=r"stats\.gamma\.ppf .* cannot run under osculate\.jit or vmap"):
        osc.vmap(lambda q: stats.gamma.ppf(q, 2.0))(np.array([0.2, 0.4]))
    assert core.current_depth() == 0


def test_normal_hessian_in_loc_and_scale_is_the_closed_form():
    x = np.array([-0.4, 0.9, 2.2])

    def nll(p):
        return -np.sum(stats.norm.logpdf(x, p[0], p[1]))

    mu, s = 0.3, 1.4
    r = x - mu
    want = np.array([[len(x) / s**2, 2 * np.sum(r) / s**3],
                     [2 * np.sum(r) / s**3, -len(x) / s**2 + 3 * np.sum(r**2) / s**4]])
    for mode in osc.HVP_MODES:
        np.testing.assert_allclose(osc.hessian(nll, mode=mode)(np.array([mu, s])), want, rtol=1e-12)


def test_probit_hessian_is_the_closed_form():
    """Σ y log Φ(xβ) + (1 - y) log Φ(-xβ) with norm.logcdf; its Hessian is -Xᵀ diag(w) X with
    λ = q φ(qη) / Φ(qη), q = 2y - 1, w = λ (λ + η) (stable for large |η| by log_ndtr)."""
    r = np.random.default_rng(7)
    X_ = r.standard_normal((40, 3))
    y = (r.uniform(size=40) < 0.5).astype(float)
    beta = np.array([0.8, -1.5, 2.5])  # far tails: |η| up to ~10

    def loglik(b):
        eta = X_ @ b
        return np.sum(y * stats.norm.logcdf(eta) + (1.0 - y) * stats.norm.logcdf(-eta))

    eta = X_ @ beta
    q = 2.0 * y - 1.0
    lam = q * np.exp(ss.norm.logpdf(q * eta) - ss.norm.logcdf(q * eta))
    want = -(X_.T * (lam * (lam + eta))) @ X_
    for mode in osc.HVP_MODES:
        np.testing.assert_allclose(osc.hessian(loglik, mode=mode)(beta), want, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(osc.grad(loglik)(beta), X_.T @ lam, rtol=1e-10)


def test_derivatives_stay_finite_beside_points_outside_the_support():
    """The masked branches are computed at safe points: a shared scale's gradient and Hessian
    are finite (and right) although some x lie outside the support or below loc."""
    x = np.array([-1.0, 0.0, 0.5, 1.5, 3.0])
    for dist, shapes in [(stats.gamma, (2.5,)), (stats.expon, ()), (stats.beta, (2.0, 3.0)), (stats.uniform, ()),
                         (stats.lognorm, (0.8,))]:
        bounded = dist in (stats.beta, stats.uniform)  # (logsf is -inf above the support)
        for method in ("cdf", "sf") if bounded else ("cdf", "sf", "logsf"):
            f = lambda p: np.sum(getattr(dist, method)(x, *shapes, p[0], p[1]))  # noqa: E731
            p = np.array([0.1, 2.0])
            g, h = osc.grad(f)(p), osc.hessian(f)(p)
            assert np.all(np.isfinite(g)) and np.all(np.isfinite(h)), (dist, method)
            check_grads(f, (p,), order=2, modes=("fwd", "rev"))
    # poisson: counts outside the support beside valid ones
    k = np.array([-2.0, 0.0, 3.0, 2.5])
    f = lambda mu: np.sum(stats.poisson.logsf(k, mu) + stats.poisson.cdf(k, mu))  # noqa: E731
    check_grads(f, (np.array(1.7),), order=2, modes=("fwd", "rev"))


def test_tails_are_stable_and_differentiable():
    """norm.logcdf deep in the lower tail by log_ndtr: value, slope ≈ -z and curvature ≈ -1."""
    z = np.array([-40.0, -20.0])
    np.testing.assert_allclose(stats.norm.logcdf(z), ss.norm.logcdf(z), rtol=1e-13)
    g = osc.vmap(osc.grad(stats.norm.logcdf))(z)
    np.testing.assert_allclose(g, np.exp(ss.norm.logpdf(z) - ss.norm.logcdf(z)), rtol=1e-12)
    np.testing.assert_allclose(osc.grad(lambda x: stats.logistic.logcdf(x))(-800.0), 1.0)
    np.testing.assert_allclose(osc.grad(lambda x: stats.t.logsf(x, 3.0))(1e3), -ss.t.pdf(1e3, 3.0) / ss.t.sf(1e3, 3.0),
                               rtol=1e-10)


def test_t_cdf_at_its_centre_has_its_derivatives():
    f = lambda x: stats.t.cdf(x, 3.0, 0.0, 1.5)  # noqa: E731
    assert f(0.0) == 0.5
    for x in (0.0, 1e-200, -1e-30, 1e-8, 1e-3, -0.0259, -0.0261, 0.5, 2.59, 2.61, 40.0):
        np.testing.assert_allclose(osc.grad(f)(x), ss.t.pdf(x, 3.0, 0.0, 1.5), rtol=1e-12)
        # pdf' = -(df + 1) z / (df + z²) pdf / scale
        z = x / 1.5
        np.testing.assert_allclose(osc.hessian(f)(x), -4.0 * z / (3.0 + z * z) * ss.t.pdf(x, 3.0, 0.0, 1.5) / 1.5,
                                   rtol=1e-9, atol=1e-150)
    check_grads(lambda loc, s: stats.t.cdf(0.0, 3.0, loc, s), (np.array(0.0), np.array(1.5)), order=2)


def test_shape_parameters_of_the_cdfs():
    """Shape parameters in the logpdf, and in the cdfs, sfs and Newton inverses through the
    derivatives of gammainc/betainc in their parameters."""
    x = np.array([0.4, 1.3, 2.7])
    check_grads(lambda a: stats.gamma.logpdf(x, a, 0.1, 1.2), (np.array(2.2),), order=2)
    check_grads(lambda df: stats.t.logpdf(x, df, 0.1, 1.2), (np.array(2.2),), order=2)
    check_grads(lambda ab: stats.beta.logpdf(x / 3.0, ab[0], ab[1]), (np.array([1.7, 2.4]),), order=2)
    check_grads(lambda n: stats.nbinom.logpmf(np.array([0.0, 2.0, 5.0]), n, 0.3), (np.array(2.2),), order=2)
    xt = np.array([-3.0, -0.01, 1e-3, 0.4, 2.7])  # each of t.cdf's three forms
    q = np.array([0.05, 0.6])
    for fn, arg in [(lambda a: stats.gamma.cdf(x, a), 2.2), (lambda a: stats.gamma.logsf(x, a), 0.7),
                    (lambda df: stats.chi2.sf(x, df), 2.2), (lambda df: stats.t.cdf(xt, df), 2.2),
                    (lambda df: stats.t.logsf(xt, df, 0.2, 1.3), 5.5), (lambda a: stats.beta.cdf(x / 3.0, a, 2.0), 1.7),
                    (lambda b: stats.beta.sf(x / 3.0, 1.7, b), 0.8),
                    (lambda n: stats.nbinom.cdf(np.array([0.0, 2.0]), n, 0.3), 2.2),
                    (lambda a: stats.gamma.ppf(q, a), 2.2), (lambda df: stats.t.isf(q, df), 3.5),
                    (lambda ab: stats.beta.ppf(q, ab[0], ab[1]), np.array([1.7, 2.4]))]:
        check_grads(fn, (np.array(arg),), order=2, modes=("fwd", "rev"))
    assert core.current_depth() == 0


# --------------------------------------------------------------------------- frozen, multivariate


def test_frozen_distributions():
    x = np.array([0.2, 1.5, 3.0])
    assert np.array_equal(stats.norm(1.0, 2.0).logpdf(x), stats.norm.logpdf(x, 1.0, 2.0))
    assert np.array_equal(stats.gamma(2.0, scale=3.0).cdf(x), stats.gamma.cdf(x, 2.0, scale=3.0))
    assert np.array_equal(stats.poisson(2.0).logpmf(x.round()), stats.poisson.logpmf(x.round(), 2.0))
    g = osc.grad(lambda s: np.sum(stats.t(3.0, 0.0, s).logpdf(x)))(1.5)
    np.testing.assert_allclose(g, osc.grad(lambda s: np.sum(stats.t.logpdf(x, 3.0, 0.0, s)))(1.5))
    with pytest.raises(AttributeError):
        stats.norm().logpmf
    with pytest.raises(TypeError, match="missing the shape parameter"):
        stats.gamma.logpdf(1.0)


def test_multivariate_normal_matches_scipy_and_its_derivatives():
    r = np.random.default_rng(3)
    a = r.standard_normal((3, 3))
    cov = a @ a.T + np.eye(3)
    mean, x = r.standard_normal(3), r.standard_normal((5, 3))
    np.testing.assert_allclose(stats.multivariate_normal.logpdf(x, mean, cov),
                               ss.multivariate_normal.logpdf(x, mean, cov), rtol=1e-12)
    np.testing.assert_allclose(stats.multivariate_normal(mean, cov).pdf(x[0]), ss.multivariate_normal(mean, cov).pdf(x[0]),
                               rtol=1e-12)
    prec = np.linalg.inv(cov)
    dev = x[0] - mean
    # d/dmean = Σ⁻¹ (x - μ); d/dΣ = (Σ⁻¹ d dᵀ Σ⁻¹ - Σ⁻¹) / 2; d²/dmean² = -Σ⁻¹
    np.testing.assert_allclose(osc.grad(lambda m: stats.multivariate_normal.logpdf(x[0], m, cov))(mean), prec @ dev,
                               rtol=1e-10)
    np.testing.assert_allclose(osc.grad(lambda c: stats.multivariate_normal.logpdf(x[0], mean, c))(cov),
                               0.5 * (prec @ np.outer(dev, dev) @ prec - prec), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(osc.hessian(lambda m: stats.multivariate_normal.logpdf(x[0], m, cov))(mean), -prec,
                               rtol=1e-10)
    with pytest.raises(NotImplementedError, match="allow_singular"):
        stats.multivariate_normal.logpdf(x, mean, cov, allow_singular=True)
    with pytest.raises(np.linalg.LinAlgError):
        stats.multivariate_normal.logpdf(x, mean, np.ones((3, 3)))


def test_dirichlet_matches_scipy_and_checks_the_simplex():
    alpha = np.array([1.5, 2.0, 3.0])
    for x in [np.array([0.2, 0.3, 0.5]), np.array([0.2, 0.3]), np.array([[0.2, 0.1], [0.3, 0.6], [0.5, 0.3]]),
              np.array([0.0, 0.5, 0.5])]:
        np.testing.assert_allclose(stats.dirichlet.logpdf(x, alpha), ss.dirichlet.logpdf(x, alpha), rtol=1e-12)
    x = np.array([0.2, 0.3, 0.5])
    g = osc.grad(lambda a: stats.dirichlet.logpdf(x, a))(alpha)
    np.testing.assert_allclose(g, digamma(alpha.sum()) - digamma(alpha) + np.log(x), rtol=1e-12)
    with pytest.raises(ValueError, match="sum to 1"):
        stats.dirichlet.logpdf(np.array([0.2, 0.3, 0.6]), alpha)
    with pytest.raises(ValueError, match="positive"):
        stats.dirichlet.logpdf(x, -alpha)


# --------------------------------------------------------------------------- plain scipy.stats


def test_plain_scipy_stats_on_a_tracer_names_osculate_scipy_stats():
    with pytest.raises(UnsupportedFunctionError) as info:
        osc.grad(lambda x: ss.norm.logpdf(x, 0.5, 2.0))(1.0)
    message = str(info.value)
    assert "\n" not in message
    assert "osculate.scipy.stats" in message and "norm.logpdf(x, loc, scale)" in message
    assert core.current_depth() == 0


def test_the_package_docstring_lists_every_distribution():
    package_doc = sys.modules["osculate.ad.scipy.stats"].__doc__
    names = [n for n in stats.__all__ if not n.startswith("rv_")]
    missing = [n for n in names if f"``{n}``" not in package_doc]
    assert not missing, missing
