"""``osculate.scipy.stats``: ``_series_quadrature.py`` and ``_discrete_noncentral.py`` against
:mod:`scipy.stats`, and against mpmath where SciPy loses digits: every method on grids with
the far tails, the support's ends, points outside it, NaN and ±inf, with and without
loc/scale; invalid parameters; first and second derivatives (forward and reverse) in ``x``
and in every real parameter; a maximum-likelihood fit against SciPy's.
"""

from __future__ import annotations

import warnings

import mpmath as mp
import numpy as np
import pytest
import scipy.stats as ss

import osculate as osc
from osculate.ad import core
from osculate.optim import minimize
from osculate.scipy import stats
from osculate.testing import check_grads

from _stats_cases import agree as _agree, scipy_values as _scipy

METHODS = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf"]
DMETHODS = ["logpmf", "pmf", "logcdf", "cdf", "logsf", "sf"]
Q = np.array([-0.1, 0.0, 1e-300, 1e-12, 0.01, 0.3, 0.5, 0.9, 1 - 1e-12, 1.0, 1.1, np.nan])
LOC_SCALE = [{}, {"loc": 0.3, "scale": 2.0}]
mpf = mp.mpf


def _ours(name, method, *args, **kwds):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return np.asarray(getattr(getattr(stats, name), method)(*args, **kwds), dtype=float)


# --------------------------------------------------------------------------- mpmath references


def _kstwobign(z):
    """(log pdf, cdf, sf) of kstwobign at z > 0 from the two theta series, whichever converges."""
    if z >= 1:
        terms = [(-1) ** (k - 1) * mp.exp(-2 * k * k * z * z) for k in range(1, 40)]
        sf = 2 * mp.fsum(terms)
        pdf = 8 * z * mp.fsum(k * k * t for k, t in zip(range(1, 40), terms))
        return mp.log(pdf), 1 - sf, sf
    a = [(2 * k - 1) ** 2 * mp.pi ** 2 / 8 for k in range(1, 40)]
    cdf = mp.sqrt(2 * mp.pi) / z * mp.fsum(mp.exp(-ak / z ** 2) for ak in a)
    pdf = mp.sqrt(2 * mp.pi) * mp.fsum(mp.exp(-ak / z ** 2) * (2 * ak / z ** 4 - 1 / z ** 2) for ak in a)
    return mp.log(pdf), cdf, 1 - cdf


def _irwinhall(z, n):
    """(log pdf, cdf, sf) of irwinhall(n) by the alternating sums, in exact rationals where z is."""
    n = int(n)

    def spline(t, m):  # the density of the sum of m uniforms (for m = 1, 1 on the closed interval)
        if m == 1:
            return mpf(1) if 0 <= t <= 1 else mpf(0)
        return mp.fsum((-1) ** k * mp.binomial(m, k) * (t - k) ** (m - 1) for k in range(0, int(mp.floor(t)) + 1)
                       ) / mp.factorial(m - 1)

    def cum(t):
        return mp.fsum((-1) ** k * mp.binomial(n, k) * (t - k) ** n for k in range(0, int(mp.floor(t)) + 1)
                       ) / mp.factorial(n)

    return mp.log(spline(z, n)), cum(z), cum(n - z)


REF = {"kstwobign": _kstwobign, "irwinhall": _irwinhall}


def _reference(name, method, x, shapes, kw):
    """mpmath's value of ``name.method`` at one point; for ppf/isf, the probability of our
    quantile (to be compared with ``q``)."""
    loc, scale = kw.get("loc", 0.0), kw.get("scale", 1.0)
    with mp.workdps(60):
        if method in ("ppf", "isf"):
            y = float(getattr(getattr(stats, name), method)(x, *shapes, **kw))
            z = (mpf(y) - loc) / scale
            return float(REF[name](z, *shapes)[1 if method == "ppf" else 2])
        z = (mpf(x) - loc) / scale
        lp, cdf, sf = REF[name](z, *shapes)
        if method in ("logpdf", "pdf"):
            lp = lp - mp.log(scale)
            return float(lp if method == "logpdf" else mp.exp(lp))
        p = cdf if "cdf" in method else sf
        return float(mp.log(p) if method.startswith("log") else p)


# --------------------------------------------------------------------------- continuous

CONT = [("kstwobign", ()), ("irwinhall", (1,)), ("irwinhall", (2,)), ("irwinhall", (3,)), ("irwinhall", (10,)),
        ("irwinhall", (25,))]
X = {"kstwobign": np.array([-1.0, 0.0, 1e-3, 0.04, 0.1, 0.3, 0.6, 0.83, 0.9, 0.999, 1.0, 1.001, 1.3, 2.0, 4.0,
                            12.0, 20.0, 40.0, np.inf, -np.inf, np.nan])}


def _grid(name, shapes):
    if name in X:
        return X[name]
    n = shapes[0]
    return np.concatenate([[-1.0, 0.0, 1e-3, 0.1, 0.5, 1.0], np.linspace(1.3, n - 0.2, 7), [n - 1e-3, n, n + 0.5,
                                                                                              np.inf, np.nan]])


@pytest.mark.parametrize("kw", LOC_SCALE, ids=["standard", "loc-scale"])
@pytest.mark.parametrize("name, shapes", CONT, ids=[f"{n}{s}" for n, s in CONT])
def test_continuous_values_match_scipy_or_mpmath(name, shapes, kw):
    """Where SciPy's value differs (beyond 1e-12), mpmath decides to 1e-12 (a quantile by
    mpmath's cdf at ours)."""
    worst = 0.0
    for method in METHODS:
        arg = Q if method in ("ppf", "isf") else kw.get("loc", 0.0) + kw.get("scale", 1.0) * _grid(name, shapes)
        got = _ours(name, method, arg, *shapes, **kw)
        want = _scipy(name, method, arg, *shapes, **kw)
        assert got.shape == want.shape
        for i in np.flatnonzero(~_agree(got, want, method, 1e-12)):
            assert np.isfinite(arg[i]), (method, arg[i], got[i], want[i])
            ref = _reference(name, method, arg[i], shapes, kw)
            target = arg[i] if method in ("ppf", "isf") else ref
            value = ref if method in ("ppf", "isf") else got[i]
            assert _agree(np.array([value]), np.array([target]), method, 1e-12)[0], (method, arg[i], got[i],
                                                                                       want[i], ref)
            if method not in ("ppf", "isf") and np.isfinite(want[i]) and target:
                worst = max(worst, abs(want[i] / target - 1.0))
    assert worst < 1e-6  # where SciPy's value disagrees, it is off by at most this (not a far-tail underflow)


def test_kstwobign_far_tails_are_finite_against_mpmath():
    """SciPy's log sf underflows to -inf beyond z = 19 and its log cdf below z = 0.04; ours are
    the series' logs, to 1e-13 relative."""
    for method, k, z in (("logpdf", 0, np.array([0.01, 0.02, 0.05, 25.0, 50.0, 200.0])),
                         ("logcdf", 1, np.array([0.01, 0.02, 0.05])), ("logsf", 2, np.array([25.0, 50.0, 200.0]))):
        got = stats.kstwobign.__getattribute__(method)(z)
        with mp.workdps(60):
            want = []
            for v in z:
                r = _kstwobign(mpf(v))
                want.append(float(r[0] if k == 0 else mp.log(r[k])))
        np.testing.assert_allclose(got, want, rtol=1e-13)
    assert np.isneginf(ss.kstwobign.logsf(25.0))


def test_irwinhall_corner_quantiles_are_closed_forms():
    """Where the cdf is z^n/n! (q <= 1/n!), ppf is (n! q)^(1/n): SciPy's root finder gives 0
    for q = 1e-300; ours is exact, and isf is its reflection n - ppf."""
    q = np.array([1e-300, 1e-100, 1e-20, 1e-9])
    for n in (2, 3, 10):
        fact = float(mp.factorial(n))
        np.testing.assert_allclose(stats.irwinhall.ppf(q, n), (fact * q) ** (1.0 / n), rtol=1e-13)
        np.testing.assert_allclose(stats.irwinhall.isf(q, n), n - (fact * q) ** (1.0 / n), rtol=1e-15)
    assert ss.irwinhall.ppf(1e-300, 3) == 0.0


def test_irwinhall_sums_of_uniforms():
    """n = 1 is the uniform distribution, n = 2 the triangular one on [0, 2]."""
    x = np.array([0.1, 0.4, 0.9, 1.3, 1.9])
    for method in ("logpdf", "cdf", "logsf"):
        np.testing.assert_allclose(getattr(stats.irwinhall, method)(x[:3], 1), getattr(ss.uniform, method)(x[:3]),
                                   rtol=1e-14)
        np.testing.assert_allclose(getattr(stats.irwinhall, method)(x, 2), getattr(ss.triang, method)(x, 0.5, 0, 2),
                                   rtol=1e-13)


INVALID = [("kstwobign", ()), ("irwinhall", (0,)), ("irwinhall", (2.5,)), ("irwinhall", (-1,)),
           ("irwinhall", (np.nan,))]


@pytest.mark.parametrize("name, shapes", INVALID, ids=[f"{n}{s}" for n, s in INVALID])
def test_invalid_parameters_give_nan_without_warnings(name, shapes):
    for method in METHODS:
        arg = np.array([0.3, 0.5])
        for kw in ({"scale": -1.0}, {"scale": 0.0}) + (({},) if shapes else ()):
            got = _ours(name, method, arg, *shapes, **kw)
            assert np.all(np.isnan(got)), (name, method, shapes, kw, got)
            assert np.all(np.isnan(_scipy(name, method, arg, *shapes, **kw))), (name, method, shapes, kw)


def test_broadcasting_and_frozen_form():
    x = np.linspace(0.2, 2.8, 4)[:, None]
    n = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(stats.irwinhall.cdf(x, n), ss.irwinhall.cdf(x, n), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(stats.irwinhall.logpdf(x, n, 0.1, np.array([[1.0], [2.0], [1.0], [0.5]])),
                               ss.irwinhall.logpdf(x, n, 0.1, np.array([[1.0], [2.0], [1.0], [0.5]])), rtol=1e-13)
    np.testing.assert_array_equal(stats.kstwobign(0.1, 2.0).logsf(x), stats.kstwobign.logsf(x, 0.1, 2.0))
    assert np.shape(stats.kstwobign.logpdf(0.5)) == ()


def test_continuous_derivatives_to_second_order():
    """In x, loc and scale (fwd and rev), for every method; the quantiles in q (kstwobign's
    ppf and irwinhall's by Newton steps from SciPy's values, kstwobign's isf by kolmogi)."""
    xs = {"kstwobign": 0.1 + 1.3 * np.array([0.05, 0.3, 0.8, 0.99, 1.01, 1.5, 3.0]),
          "irwinhall": 0.1 + 1.3 * np.array([0.2, 0.9, 1.5, 2.7, 3.6])}
    qs = np.array([1e-3, 0.2, 0.6, 0.99])
    for name, shapes in [("kstwobign", ()), ("irwinhall", (4,))]:
        dist = getattr(stats, name)
        for method in METHODS:
            arg = qs if method in ("ppf", "isf") else xs[name]
            check_grads(lambda x, loc, scale, m=method: getattr(dist, m)(x, *shapes, loc, scale),
                        (arg, np.array(0.1), np.array(1.3)), order=2, modes=("fwd", "rev"))
    # the quantiles' derivatives in q are 1 / pdf at them
    for name, shapes in [("kstwobign", ()), ("irwinhall", (4,)), ("irwinhall", (2,))]:
        dist = getattr(stats, name)
        g = np.array([osc.grad(lambda p: dist.ppf(p, *shapes))(p) for p in qs])
        np.testing.assert_allclose(g, 1.0 / _scipy(name, "pdf", dist.ppf(qs, *shapes), *shapes), rtol=1e-8)
    assert core.current_depth() == 0


def test_kstwobign_isf_runs_under_jit_and_vmap():
    q = np.array([0.05, 0.4, 0.9])
    g = osc.vmap(osc.grad(lambda p: stats.kstwobign.isf(p)))(q)
    np.testing.assert_allclose(osc.jit(osc.vmap(osc.grad(lambda p: stats.kstwobign.isf(p))))(q), g, rtol=1e-13)
    np.testing.assert_allclose(g, -1.0 / ss.kstwobign.pdf(ss.kstwobign.isf(q)), rtol=1e-9)
    with pytest.raises(osc.ConcretizationError, match=r"irwinhall .* n must not be traced"):
        osc.jit(lambda n: stats.irwinhall.logpdf(0.5, n))(np.array(3.0))
    assert core.current_depth() == 0


def test_kstwobign_fit_with_minimize():
    """A (loc, scale) fit by maximum likelihood with osculate.optim.minimize, against SciPy's
    fit; the gradient vanishes at the optimum and the Hessian is positive definite."""
    r = np.random.default_rng(11)
    x = ss.kstwobign.rvs(loc=0.5, scale=2.0, size=300, random_state=r)

    def nll(p):
        return -np.mean(stats.kstwobign.logpdf(x, p[0], np.exp(p[1])))

    res = minimize(nll, np.array([0.0, 0.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loc, scale = ss.kstwobign.fit(x)
    np.testing.assert_allclose([res.x[0], np.exp(res.x[1])], [loc, scale], rtol=1e-4)
    np.testing.assert_allclose(osc.grad(nll)(res.x), 0.0, atol=1e-7)
    assert np.all(np.linalg.eigvalsh(osc.hessian(nll)(res.x)) > 0)


# --------------------------------------------------------------------------- normal-inverse-gamma


def test_normal_inverse_gamma_values_and_derivatives():
    x = np.array([-1.0, 0.3, 1.5, 4.0])[:, None]
    s2 = np.array([0.5, 2.0, 1e-3, -1.0, 0.0, np.inf])
    for params in [(0.0, 1.0, 1.0, 1.0), (0.2, 1.5, 2.0, 3.0), (-1.0, 0.3, 0.5, 0.01)]:
        for method in ("logpdf", "pdf"):
            got = _ours("normal_inverse_gamma", method, x, s2, *params)
            want = _scipy("normal_inverse_gamma", method, x, s2, *params)
            np.testing.assert_allclose(got, want, rtol=1e-13, atol=0.0)
            np.testing.assert_array_equal(getattr(stats.normal_inverse_gamma(*params), method)(x, s2), got)
    for bad in [(0.0, 0.0, 1.0, 1.0), (0.0, 1.0, -1.0, 1.0), (0.0, 1.0, 1.0, 0.0)]:
        assert np.all(np.isnan(_ours("normal_inverse_gamma", "logpdf", x, s2, *bad)))
        assert np.all(np.isnan(_scipy("normal_inverse_gamma", "logpdf", x, s2, *bad)))
    check_grads(lambda x, s2, mu, lm, a, b: stats.normal_inverse_gamma.logpdf(x, s2, mu, lm, a, b),
                (np.array([-1.0, 0.3, 1.5]), np.array([0.5, 2.0, 1.2]), np.array(0.2), np.array(1.5),
                 np.array(2.0), np.array(3.0)), order=2, modes=("fwd", "rev"))


# --------------------------------------------------------------------------- discrete

DISC = [("poisson_binom", ([0.1, 0.6, 0.7, 0.8],)), ("poisson_binom", ([0.5, 0.0, 1.0, 1e-9, 0.3, 0.999],)),
        ("poisson_binom", (np.linspace(0.01, 0.99, 30),)),
        ("nchypergeom_fisher", (140, 80, 60, 0.5)), ("nchypergeom_fisher", (20, 7, 12, 3.0)),
        ("nchypergeom_fisher", (10, 3, 10, 2.0)), ("nchypergeom_fisher", (50, 10, 45, 1e-3)),
        ("nchypergeom_wallenius", (20, 7, 12, 3.0)), ("nchypergeom_wallenius", (10, 3, 4, 0.05)),
        ("nchypergeom_wallenius", (10, 3, 10, 2.0)), ("nchypergeom_wallenius", (50, 10, 45, 0.2)),
        ("nchypergeom_wallenius", (5, 2, 2, 100.0))]
K = np.array([-3.0, -1.0, 0.0, 0.5, 1.0, 2.0, 2.5, 3.0, 5.0, 10.0, 29.5, 40.0, 200.0, np.nan])


def _fisher_exact(k, M, n, N, odds):
    """Fisher's pmf in exact rational arithmetic (mpmath at high precision)."""
    lo, hi = max(0, N - (M - n)), min(n, N)
    terms = {j: mp.binomial(n, j) * mp.binomial(M - n, N - j) * mpf(odds) ** j for j in range(lo, hi + 1)}
    return terms, mp.fsum(terms.values())


def _exact_pmf(name, shapes):
    """{k: pmf} over the support in mpmath: poisson_binom by adding one trial at a time,
    Fisher's by its normalized terms, Wallenius' by mpmath's quadrature."""
    if name == "poisson_binom":
        table = [mpf(1)]
        for p in shapes[0]:
            p = mpf(float(p))
            table = [(table[j] if j < len(table) else 0) * (1 - p) + (table[j - 1] * p if j else 0)
                     for j in range(len(table) + 1)]
        return dict(enumerate(table))
    M, n, N, odds = shapes
    if name == "nchypergeom_fisher":
        terms, total = _fisher_exact(None, M, n, N, odds)
        return {j: t / total for j, t in terms.items()}
    lo, hi = max(0, N - (M - n)), min(n, N)
    return {j: mp.exp(_wallenius_mp(j, M, n, N, odds)) for j in range(lo, hi + 1)}


def _exact(name, method, k, shapes, table):
    if np.isnan(k):
        return np.nan
    f = np.floor(k)
    if method in ("logpmf", "pmf"):
        v = table.get(int(k), mpf(0)) if f == k else mpf(0)
    elif "cdf" in method:
        v = mp.fsum(p for j, p in table.items() if j <= f)
    else:
        v = mp.fsum(p for j, p in table.items() if j > f)
    if method.startswith("log"):
        return float(mp.log(v)) if v else -np.inf
    return float(v)


@pytest.mark.parametrize("loc", [0.0, 2.0])
@pytest.mark.parametrize("name, shapes", DISC, ids=[f"{n}{i}" for i, (n, s) in enumerate(DISC)])
def test_discrete_values_match_scipy_or_mpmath(name, shapes, loc):
    """To 1e-12 against SciPy; where SciPy differs (its poisson_binom logsf is log(1 - cdf),
    its noncentral hypergeometric pmfs come from BiasedUrn, good to about 1e-12), against the
    exact values in mpmath, to 1e-12."""
    table = None
    for method in DMETHODS:
        got = _ours(name, method, K + loc, *shapes, loc=loc)
        want = _scipy(name, method, K + loc, *shapes, loc=loc)
        for i in np.flatnonzero(~_agree(got, want, method, 1e-12)):
            with mp.workdps(40):
                table = _exact_pmf(name, shapes) if table is None else table
                ref = _exact(name, method, K[i], shapes, table)
            assert _agree(np.array([got[i]]), np.array([ref]), method, 1e-12)[0], (method, K[i], got[i], want[i], ref)


def test_fisher_against_exact_sums():
    """At SciPy's own test parameters (140, 80, 60, 0.5), where BiasedUrn's tails lose digits,
    against the exact normalized sums: every method to 1e-13 relative."""
    args = (140, 80, 60, 0.5)
    k = np.arange(0, 61)
    with mp.workdps(50):
        terms, total = _fisher_exact(None, *args)
        pmf = [terms.get(int(j), mpf(0)) / total for j in k]
        cdf = [mp.fsum(pmf[: i + 1]) for i in range(len(k))]
        sf = [mp.fsum(pmf[i + 1:]) for i in range(len(k))]
        want = {"logpmf": [float(mp.log(p)) if p else -np.inf for p in pmf],
                "logcdf": [float(mp.log(c)) if c else -np.inf for c in cdf],
                "logsf": [float(mp.log(s)) if s else -np.inf for s in sf]}
    for method, w in want.items():
        got = stats.nchypergeom_fisher.__getattribute__(method)(k, *args)
        fin = np.isfinite(w)
        np.testing.assert_allclose(got[fin], np.array(w)[fin], rtol=1e-13, atol=1e-15)
        assert np.all(np.isneginf(got[~fin]))


def _wallenius_mp(k, M, n, N, odds):
    """log pmf of Wallenius' distribution by mpmath's quadrature, split at the integrand's peak."""
    k, M, n, N, w = (mpf(float(v)) for v in (k, M, n, N, odds))
    D = w * (n - k) + (M - n) - (N - k)
    base = mp.log(mp.binomial(n, k) * mp.binomial(M - n, N - k))

    def lf(u):
        return mp.log(D) - D * u + k * mp.log(-mp.expm1(-w * u)) + (N - k) * mp.log(-mp.expm1(-u))

    a, b = mpf("1e-30"), mpf(1e4)  # the peak: the root of the log-integrand's slope
    for _ in range(120):
        m = mp.sqrt(a * b)
        if -D + k * w / mp.expm1(w * m) + (N - k) / mp.expm1(m) > 0:
            a = m
        else:
            b = m
    s = 1 / mp.sqrt(-mp.diff(lf, a, 2))
    top = lf(a)
    pts = [mpf(0)] + [a + j * s for j in (-20, -10, -5, -2, 0, 2, 5, 10, 20, 40) if a + j * s > 0] + [mp.inf]
    return base + top + mp.log(mp.quad(lambda u: mp.exp(lf(u) - top) if u > 0 else mpf(0), pts))


def test_wallenius_against_mpmath_and_normalization():
    """At SciPy's own test parameters (140, 80, 60, 0.5) BiasedUrn gives -inf or values 1e-7
    off in the tails: ours against mpmath's quadrature at the mode and in both tails (1e-13),
    and the pmf sums to 1 over the support (the quadrature is not normalized)."""
    args = (140, 80, 60, 0.5)
    k = np.array([2, 10, 28, 50, 60])
    got = stats.nchypergeom_wallenius.logpmf(k, *args)
    with mp.workdps(30):
        want = [float(_wallenius_mp(j, *args)) for j in k]
    np.testing.assert_allclose(got, want, rtol=1e-13)
    for args in [(140, 80, 60, 0.5), (300, 150, 100, 7.0), (400, 200, 300, 0.01), (400, 20, 300, 30.0),
                 (50, 25, 3, 80.0), (2, 1, 1, 3.0)]:
        lo, hi = ss.nchypergeom_wallenius.support(*args)
        total = np.sum(stats.nchypergeom_wallenius.pmf(np.arange(lo, hi + 1), *args))
        assert abs(total - 1.0) < 1e-12, (args, total)


def test_noncentral_hypergeometric_with_odds_one_is_hypergeom():
    k = np.arange(-1, 14)
    for name in ("nchypergeom_fisher", "nchypergeom_wallenius"):
        for method in DMETHODS:
            np.testing.assert_allclose(getattr(getattr(stats, name), method)(k, 30, 12, 13, 1.0),
                                       getattr(ss.hypergeom, method)(k, 30, 12, 13), rtol=1e-13, atol=1e-300)


def test_poisson_binom_batches_and_binomial_case():
    """A batch of trial vectors (the last axis of p) broadcasts with k as in SciPy; equal p is
    binom; the far tails (a product of small probabilities) against the exact value."""
    p = np.array([[0.1, 0.5, 0.9], [0.2, 0.3, 0.0]])
    k = np.array([[0], [1], [2], [3], [-1], [4]])
    for method in DMETHODS:
        np.testing.assert_allclose(stats.poisson_binom.__getattribute__(method)(k, p),
                                   _scipy("poisson_binom", method, k, p), rtol=1e-13)
    np.testing.assert_allclose(stats.poisson_binom.logpmf(np.arange(9), np.full(8, 0.3)),
                               ss.binom.logpmf(np.arange(9), 8, 0.3), rtol=1e-13)
    q = np.array([1e-5, 2e-7, 3e-9, 4e-11])
    np.testing.assert_allclose(stats.poisson_binom.logsf(3, q), np.log(np.prod(q)), rtol=1e-13)
    np.testing.assert_allclose(stats.poisson_binom.logcdf(0, 1.0 - q), np.log(np.prod(1.0 - (1.0 - q))), rtol=1e-13)
    assert np.isnan(stats.poisson_binom.pmf(1, [0.2, 1.5]))
    np.testing.assert_array_equal(stats.poisson_binom(p).cdf(1), stats.poisson_binom.cdf(1, p))


def test_discrete_invalid_parameters_give_nan():
    for name, shapes in [("nchypergeom_fisher", (10, 3, 4, 0.0)), ("nchypergeom_fisher", (10, 11, 4, 1.0)),
                         ("nchypergeom_fisher", (10, 3, 12, 1.0)), ("nchypergeom_fisher", (10.5, 3, 4, 1.0)),
                         ("nchypergeom_wallenius", (10, 3, 4, -1.0)), ("nchypergeom_wallenius", (10, -3, 4, 1.0)),
                         ("poisson_binom", ([0.2, -0.1],))]:
        for method in DMETHODS:
            got = _ours(name, method, np.array([1.0, 2.0]), *shapes)
            assert np.all(np.isnan(got)), (name, shapes, method, got)
            if method in ("logpmf", "pmf"):  # (SciPy's Wallenius cdf is 1 at n = -3)
                assert np.all(np.isnan(_scipy(name, method, np.array([1.0, 2.0]), *shapes))), (name, shapes, method)


def test_discrete_derivatives_to_second_order():
    """In every success probability of poisson_binom and in the odds of the noncentral
    hypergeometric distributions, fwd and rev; the Fisher score is k - E[k]."""
    p = np.array([0.1, 0.6, 0.7, 0.8])
    k = np.array([0.0, 1.0, 2.0, 3.0])
    for method in DMETHODS:
        check_grads(lambda p, m=method: getattr(stats.poisson_binom, m)(k, p), (p,), order=2, modes=("fwd", "rev"))
        for name in ("nchypergeom_fisher", "nchypergeom_wallenius"):
            check_grads(lambda o, m=method, d=getattr(stats, name): getattr(d, m)(k, 12, 5, 6, o),
                        (np.array(1.7),), order=2, modes=("fwd", "rev"))
    # d/d(log odds) of Fisher's log pmf is k - E[k]
    j = np.arange(0.0, 6.0)
    mean = float(np.sum(j * stats.nchypergeom_fisher.pmf(j, 12, 5, 6, 1.7)))
    g = [osc.grad(lambda t: stats.nchypergeom_fisher.logpmf(kk, 12, 5, 6, np.exp(t)))(np.log(1.7)) for kk in j]
    np.testing.assert_allclose(g, j - mean, rtol=1e-12, atol=1e-13)
    with pytest.raises(osc.ConcretizationError, match="nchypergeom_wallenius .* must not be traced"):
        osc.jit(lambda o: stats.nchypergeom_wallenius.logpmf(1.0, 12, 5, 6, o))(np.array(2.0))
    assert core.current_depth() == 0


def test_multivariate_hypergeom():
    x = np.array([[1, 1, 0], [2, 0, 0], [0, 1, 1], [3, -1, 0], [1, 1, 1], [0, 2, 0]])
    m = np.array([2, 1, 3])
    for n in (2, 3, -1, 7):
        for method in ("logpmf", "pmf"):
            np.testing.assert_allclose(getattr(stats.multivariate_hypergeom, method)(x, m, n),
                                       getattr(ss.multivariate_hypergeom, method)(x, m, n), rtol=1e-13)
    mm = np.array([[2, 2], [3, -1], [40, 25]])
    np.testing.assert_allclose(stats.multivariate_hypergeom.logpmf(np.array([1, 1]), mm, 2),
                               ss.multivariate_hypergeom.logpmf(np.array([1, 1]), mm, 2), rtol=1e-13)
    np.testing.assert_array_equal(stats.multivariate_hypergeom(m, 2).logpmf(x),
                                  stats.multivariate_hypergeom.logpmf(x, m, 2))
    # two types: the hypergeometric distribution
    np.testing.assert_allclose(stats.multivariate_hypergeom.pmf(np.array([[3, 9], [5, 7]]), np.array([20, 30]), 12),
                               ss.hypergeom.pmf([3, 5], 50, 20, 12), rtol=1e-13)
    with pytest.raises(TypeError, match="multivariate_hypergeom: m must hold integers"):
        stats.multivariate_hypergeom.logpmf(np.array([1, 1]), np.array([2.5, 2.0]), 2)
    with pytest.raises(ValueError, match="multivariate_hypergeom: x has 2 types, m 3"):
        stats.multivariate_hypergeom.logpmf(np.array([1, 1]), m, 2)


# --------------------------------------------------------------------------- cdfs by quadrature

QUAD = [("geninvgauss", (2.3, 1.5)), ("geninvgauss", (-0.7, 4.0)), ("norminvgauss", (1.25, 0.5)),
        ("norminvgauss", (3.0, -2.0)), ("genhyperbolic", (0.5, 1.5, -0.5)), ("genhyperbolic", (-1.0, 2.0, 1.0)),
        ("gausshyper", (13.76, 3.12, 2.51, 5.18)), ("gausshyper", (0.7, 2.0, -1.5, -0.5))]
# log cdf and log sf computed once with mpmath (mp.quad of the density, written with mp.besselk and
# mp.hyp2f1, at 25-30 digits, split at the point and at fixed breakpoints; geninvgauss at 0.001 with
# breakpoints accumulating at the point): a minute per point, so stored here rather than recomputed
MPMATH = {
    ("geninvgauss", (2.3, 1.5)): [(0.001, -772.9731534371388808, 0.0), (0.1, -15.679009411536715, -1.5512891842157397e-07),
                                  (10.0, -0.01031121345178428, -4.579674467977686),
                                  (40.0, -9.765192485089883e-12, -25.352196840064305)],
    ("norminvgauss", (1.25, 0.5)): [(-10.0, -21.292368738928563, -5.660329982410525e-10),
                                    (3.0, -0.02163178750666649, -3.844387798841164),
                                    (20.0, -5.743186667862639e-09, -18.975251614918427)],
    ("genhyperbolic", (0.5, 1.5, -0.5)): [(-8.0, -8.551961038992424, -0.00019318458092318244),
                                          (1.5, -0.021499046371323584, -3.850476964206104),
                                          (12.0, -9.455186490409942e-12, -25.384457690018433)],
    ("gausshyper", (13.76, 3.12, 2.51, 5.18)): [(0.01, -54.42076875837236, None),
                                                (0.6, -3.0448644238680416, -0.048773067931872374),
                                                (0.999, -1.741593400025298e-07, -15.563295296711184)],
}


@pytest.mark.parametrize("name, shapes", QUAD, ids=[f"{n}{s}" for n, s in QUAD])
def test_quadrature_distributions_match_scipy(name, shapes):
    """The densities to 1e-12 everywhere, with loc/scale; the cdfs, sfs and quantiles to SciPy's
    within 1e-8 where SciPy's own quadrature is good to that (between its 1e-4 and 1 - 1e-4
    quantiles), cdf + sf = 1, and every method outside the support, at NaN and ±inf."""
    ref = getattr(ss, name)
    x = _scipy(name, "ppf", np.array([1e-4, 0.01, 0.2, 0.5, 0.8, 0.99]), *shapes)
    x = np.concatenate([x, [np.nan, np.inf, -np.inf]])
    if name in ("geninvgauss", "gausshyper"):
        x = np.concatenate([x, [-1.0, 0.0]] + ([[1.0, 1.5]] if name == "gausshyper" else []))
    def scipy_at(method, xs, kw):  # point by point (SciPy's norminvgauss.sf zips x with a 1-element a)
        out = []
        for v in xs:
            try:
                out.append(_scipy(name, method, v, *shapes, **kw))
            except ValueError:  # SciPy's root finder fails (its quantiles near 1): not compared
                out.append(np.nan)
        return np.array(out)

    for kw in LOC_SCALE:
        xs = kw.get("loc", 0.0) + kw.get("scale", 1.0) * x
        for method in ("logpdf", "pdf"):
            got, want = _ours(name, method, xs, *shapes, **kw), scipy_at(method, xs, kw)
            inf = np.isinf(xs)  # SciPy's density at ±inf is NaN for some: ours is 0
            assert np.all(got[inf] == (0.0 if method == "pdf" else -np.inf))
            np.testing.assert_allclose(got[~inf], want[~inf], rtol=1e-12, atol=1e-300, err_msg=method)
        inner = slice(0, 9)  # (at the ends of gausshyper's support SciPy's quad-based values are noise: the
        for method in ("logcdf", "cdf", "logsf", "sf"):  # limits 0 and 1 are checked below)
            got, want = _ours(name, method, xs, *shapes, **kw), scipy_at(method, xs, kw)
            np.testing.assert_allclose(got[inner], want[inner], rtol=1e-8, atol=1e-11, err_msg=method)
            if name == "gausshyper" and not kw:  # (with loc/scale, 0.3 + 2 * 1 - 0.3 is not 2)
                assert np.all(got[9:] == ({"cdf": [0, 0, 1, 1], "sf": [1, 1, 0, 0]}.get(method) or
                                          {"logcdf": [-np.inf, -np.inf, 0, 0], "logsf": [0, 0, -np.inf, -np.inf]}[method]))
        total = _ours(name, "cdf", xs, *shapes, **kw) + _ours(name, "sf", xs, *shapes, **kw)
        np.testing.assert_allclose(total[np.isfinite(x)], 1.0, rtol=1e-14)
    q = np.array([0.0, 1e-4, 0.3, 0.5, 0.9, 1.0, -0.5, np.nan])
    for method in ("ppf", "isf"):
        want = []
        for v in q:
            try:  # (SciPy's root finders can fail near 1)
                want.append(_scipy(name, method, v, *shapes) if v <= 0.5 or not 0 < v < 1 else
                            _scipy(name, "isf" if method == "ppf" else "ppf", 1.0 - v, *shapes))
            except ValueError:
                want.append(np.nan)
        got, want = _ours(name, method, q, *shapes), np.array(want)
        known = ~np.isnan(want) | np.isnan(q) | (q < 0)
        np.testing.assert_allclose(got[known], want[known], rtol=1e-8, err_msg=method)
    assert ref is not None


@pytest.mark.parametrize("key", list(MPMATH), ids=[f"{n}{s}" for n, s in MPMATH])
def test_quadrature_tails_against_mpmath(key):
    """Far in both tails, where SciPy's quad-based values are 1e-7 to 1e-4 off (or -inf): ours to
    1e-13 against mpmath; the quantiles of those tails give back q (checked with our cdf/sf,
    just verified)."""
    name, shapes = key
    dist = getattr(stats, name)
    for x, logcdf, logsf in MPMATH[key]:
        np.testing.assert_allclose(dist.logcdf(x, *shapes), logcdf, rtol=1e-13, atol=1e-300)
        if logsf is not None:
            np.testing.assert_allclose(dist.logsf(x, *shapes), logsf, rtol=1e-13, atol=1e-300)
    for method, tail in (("ppf", "logcdf"), ("isf", "logsf")):
        # (gausshyper's isf below 1e-12 is SciPy's, 1: the documented limit)
        q = np.array([1e-12, 1e-5] if (name, method) == ("gausshyper", "isf") else [1e-300, 1e-30, 1e-12, 1e-5])
        y = getattr(dist, method)(q, *shapes)
        np.testing.assert_allclose(getattr(dist, tail)(y, *shapes), np.log(q), rtol=1e-12)


def test_quadrature_distributions_derivatives():
    """Second order, fwd and rev, in x and every shape parameter (the order of the Bessel
    functions included), for the log density, log cdf, sf and the quantiles."""
    cases = [("geninvgauss", (2.3, 1.5), [0.3, 1.0, 3.0]), ("norminvgauss", (1.25, 0.5), [-2.0, 0.0, 1.5]),
             ("gausshyper", (13.76, 3.12, 2.51, 5.18), [0.6, 0.8, 0.9])]
    for name, shapes, x in cases:
        dist = getattr(stats, name)
        for method in ("logpdf", "logcdf", "sf", "ppf", "isf"):
            arg = np.array([0.1, 0.5, 0.9]) if method in ("ppf", "isf") else np.array(x)
            check_grads(lambda x, *s, m=method: getattr(dist, m)(x, *s), (arg,) + tuple(np.array(v) for v in shapes),
                        order=2, modes=("fwd", "rev"), eps=1e-4)
    # genhyperbolic (Bessel functions of two orders: slower) at fewer points
    check_grads(lambda x, p, a, b: stats.genhyperbolic.logcdf(x, p, a, b),
                (np.array([-1.0, 2.0]), np.array(0.5), np.array(1.5), np.array(-0.5)), order=2, modes=("fwd", "rev"),
                eps=1e-4)
    # d cdf / dx is the density; the quantiles' derivative in q is 1 / density
    x = np.array([0.5, 2.0, 6.0])
    g = np.array([osc.grad(lambda v: stats.geninvgauss.cdf(v, 2.3, 1.5))(v) for v in x])
    np.testing.assert_allclose(g, ss.geninvgauss.pdf(x, 2.3, 1.5), rtol=1e-12)
    with pytest.raises(osc.ConcretizationError, match="cannot run under osculate.jit or vmap"):
        osc.jit(lambda v: stats.geninvgauss.cdf(v, 2.3, 1.5))(np.array([1.0]))
    assert core.current_depth() == 0


def test_quadrature_distributions_invalid_parameters():
    for name, shapes in [("geninvgauss", (1.0, 0.0)), ("geninvgauss", (np.nan, 1.0)), ("norminvgauss", (1.0, 1.0)),
                         ("norminvgauss", (-1.0, 0.0)), ("genhyperbolic", (0.5, 1.0, 1.0)),
                         ("genhyperbolic", (0.5, -1.0, 0.0)), ("gausshyper", (0.0, 1.0, 1.0, 1.0)),
                         ("gausshyper", (1.0, 1.0, 1.0, -1.0))]:
        for method in METHODS:
            got = _ours(name, method, np.array([0.3, 0.5]), *shapes)
            assert np.all(np.isnan(got)), (name, shapes, method, got)
            assert np.all(np.isnan(_scipy(name, method, np.array([0.3, 0.5]), *shapes))), (name, shapes, method)


def test_genhyperbolic_edge_and_special_cases():
    """|b| = a is allowed for p < 0 (the limit of the normalization, 2^(p+1)/Γ(-p)); p = -1/2 is
    norminvgauss (with the same a, b)."""
    x = np.array([-3.0, -0.5, 0.0, 1.0, 4.0])
    # (SciPy's value at |b| = a is NaN: against its values just inside, which tend to the limit)
    np.testing.assert_allclose(stats.genhyperbolic.logpdf(x, -1.0, 2.0, 2.0),
                               _scipy("genhyperbolic", "logpdf", x, -1.0, 2.0, 2.0 * (1.0 - 1e-12)), rtol=1e-9)
    assert np.all(np.isnan(_scipy("genhyperbolic", "logpdf", x, -1.0, 2.0, 2.0)))
    np.testing.assert_allclose(stats.genhyperbolic.logpdf(x, -0.5, 1.25, 0.5), _scipy("norminvgauss", "logpdf", x, 1.25, 0.5),
                               rtol=1e-12)
    np.testing.assert_allclose(stats.genhyperbolic.logcdf(x, -0.5, 1.25, 0.5), stats.norminvgauss.logcdf(x, 1.25, 0.5),
                               rtol=1e-13)


# --------------------------------------------------------------------------- matrix t


def test_matrix_t_values_and_derivatives():
    r = np.random.default_rng(3)
    M = np.arange(6.0).reshape(3, 2)
    row = np.array([[1.0, 0.2, 0.0], [0.2, 2.0, 0.3], [0.0, 0.3, 3.0]])
    col = np.array([[0.35, 0.05], [0.05, 0.3]])
    X = M + r.normal(size=(4, 3, 2))
    for df in (0.5, 3.0, 40.0):
        for method in ("logpdf", "pdf"):
            np.testing.assert_allclose(getattr(stats.matrix_t, method)(X, M, row, col, df),
                                       getattr(ss.matrix_t, method)(X, M, row, col, df), rtol=1e-12)
    np.testing.assert_allclose(stats.matrix_t.logpdf(X[0], M, np.diag(row), 0.3, 2.0),
                               ss.matrix_t.logpdf(X[0], M, np.diag(row), 0.3, 2.0), rtol=1e-12)
    assert np.shape(stats.matrix_t.logpdf(X[0], M, row, col, 2.0)) == ()
    np.testing.assert_array_equal(stats.matrix_t(M, row, col, 2.0).logpdf(X), stats.matrix_t.logpdf(X, M, row, col, 2.0))
    # one column: the multivariate t distribution with shape row * col / df
    x = r.normal(size=(5, 3, 1))
    np.testing.assert_allclose(stats.matrix_t.logpdf(x, np.zeros((3, 1)), row, 0.5, 4.0),
                               ss.multivariate_t.logpdf(x[..., 0], np.zeros(3), 0.5 * row / 4.0, df=4.0),
                               rtol=1e-12)
    check_grads(lambda X, M, S, O, df: stats.matrix_t.logpdf(X, M, S, O, df), (X, M, row, col, np.array(3.0)),
                order=2, modes=("fwd", "rev"))
    with pytest.raises(ValueError, match="matrix_t: df must be positive"):
        stats.matrix_t.logpdf(X, M, row, col, -1.0)
    with pytest.raises(ValueError, match="matrix_t: X must hold 3 x 2 matrices"):
        stats.matrix_t.logpdf(np.zeros((2, 2)), M, row, col, 1.0)
