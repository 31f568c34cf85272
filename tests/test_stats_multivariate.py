"""``osculate.scipy.stats``: the multivariate distributions beyond
multivariate_normal and dirichlet (multivariate_t, multinomial,
dirichlet_multinomial, wishart, invwishart, matrix_normal, vonmises_fisher)
against :mod:`scipy.stats` (values, SciPy's layouts of the arguments, invalid
points and parameters), their derivatives against closed forms, and
maximum-likelihood uses.  The primitive table's rows are in
``tests/rows_stats_multivariate.py``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.stats as ss
from scipy.optimize import minimize_scalar
from scipy.special import digamma, polygamma

import osculate as osc
from osculate.ad import core
from osculate.optim import minimize
from osculate.scipy import stats
from osculate.testing import check_grads

R = np.random.default_rng(5)


def _spd(n, r=R):
    a = r.standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


S3 = _spd(3)


def _close(got, want, rtol=1e-12):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-13)


# --------------------------------------------------------------------------- multivariate t


def test_multivariate_t_matches_scipy():
    x, loc = R.standard_normal((4, 5, 3)), R.standard_normal(3)
    for df in (0.7, 4.0, 1e6, np.inf):
        # (at df = 1e6 both lose ~1e-11 to the cancellation of gammaln((df + p)/2) - gammaln(df/2))
        _close(stats.multivariate_t.logpdf(x, loc, S3, df), ss.multivariate_t.logpdf(x, loc, S3, df),
               rtol=1e-9 if df == 1e6 else 1e-12)
        # (SciPy's pdf fails at df = inf, and its logpdf of one point has shape (1,) there: compared
        # with the exponential of its logpdf, squeezed)
        _close(stats.multivariate_t.pdf(x[0, 0], loc, S3, df),
               np.exp(np.squeeze(ss.multivariate_t.logpdf(x[0, 0], loc, S3, df))))
    # SciPy's defaults and layouts: a 1-D x is several points of a 1-D distribution, or one point
    for args in [(np.array([0.3, -1.2, 4.0]),), (np.array([0.3, -1.2]), np.zeros(2)),
                 (np.array([0.3, -1.2]), None, np.array([[2.0, 0.3], [0.3, 1.0]]), 2.5),
                 (np.array([0.3, -1.2]), [1.0, 2.0], [2.0, 0.5], 3.0), (1.5, 0.5, 2.0, 5.0)]:
        _close(stats.multivariate_t.logpdf(*args), ss.multivariate_t.logpdf(*args))
    _close(stats.multivariate_t(loc, S3, 3.0).logpdf(x[0]), ss.multivariate_t(loc, S3, 3.0).logpdf(x[0]))
    with pytest.raises(ValueError, match="df must be positive"):
        stats.multivariate_t.logpdf(x, loc, S3, -1.0)
    with pytest.raises(NotImplementedError, match="allow_singular"):
        stats.multivariate_t(loc, S3, 3.0, allow_singular=True)


def test_multivariate_t_derivatives():
    x, loc, df = R.standard_normal(3), R.standard_normal(3), 3.5
    prec = np.linalg.inv(S3)
    dev = x - loc
    maha = dev @ prec @ dev
    w = (df + 3) / (df + maha)
    # d/dloc = w Σ⁻¹ d; d/dΣ = (w Σ⁻¹ d dᵀ Σ⁻¹ - Σ⁻¹) / 2
    _close(osc.grad(lambda m: stats.multivariate_t.logpdf(x, m, S3, df))(loc), w * prec @ dev, rtol=1e-11)
    _close(osc.grad(lambda s: stats.multivariate_t.logpdf(x, loc, s, df))(S3),
           0.5 * (w * prec @ np.outer(dev, dev) @ prec - prec), rtol=1e-10)
    # d/ddf = (ψ((ν+p)/2) - ψ(ν/2) - p/ν - log(1 + m/ν) + (ν+p) m / (ν (ν+m))) / 2
    want = 0.5 * (digamma((df + 3) / 2) - digamma(df / 2) - 3 / df - np.log1p(maha / df)
                  + (df + 3) * maha / (df * (df + maha)))
    _close(osc.grad(lambda v: stats.multivariate_t.logpdf(x, loc, S3, v))(df), want, rtol=1e-11)
    xs = R.standard_normal((2, 3))
    check_grads(lambda v: stats.multivariate_t.logpdf(xs, loc, S3, v), (np.array(2.5),), order=2, modes=("fwd", "rev"))


# --------------------------------------------------------------------------- multinomial


def test_multinomial_matches_scipy():
    p = np.array([0.2, 0.3, 0.5])
    x = np.array([[1, 2, 3], [0, 0, 6], [1, 1, 3], [2, 2, 2.5], [-1, 4, 3], [6, 0, 0]])
    _close(stats.multinomial.logpmf(x, 6, p), ss.multinomial.logpmf(x, 6, p))
    _close(stats.multinomial.pmf(x, 6, p), ss.multinomial.pmf(x, 6, p))
    # broadcasting n and p against x, p with zeros, the frozen form
    ps = np.array([[0.2, 0.3, 0.5], [0.0, 0.4, 0.6]])
    _close(stats.multinomial.logpmf(x[:2, None], np.array([6, 6]), ps), ss.multinomial.logpmf(x[:2, None], [6, 6], ps))
    _close(stats.multinomial(6, p).pmf(x[0]), ss.multinomial(6, p).pmf(x[0]))
    # invalid n and p: NaN (without warnings), as SciPy
    for n, q in [(-1, p), (6, np.array([-0.2, 0.7, 0.5])), (6, np.array([1.2, -0.1, -0.1]))]:
        assert np.all(np.isnan(stats.multinomial.logpmf(x, n, q)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert np.all(np.isnan(ss.multinomial.logpmf(x, n, q)))
    # a p that does not sum to 1: NaN (SciPy 1.17 adjusts the last entry, with a FutureWarning)
    assert np.isnan(stats.multinomial.logpmf(x[0], 6, np.array([0.2, 0.3, 0.6])))
    with pytest.raises(ValueError, match="must be an array"):
        stats.multinomial.logpmf(3, 6, p)


def test_multinomial_derivatives():
    x, p = np.array([1.0, 2.0, 3.0]), np.array([0.2, 0.3, 0.5])
    _close(osc.grad(lambda p: stats.multinomial.logpmf(x, 6, p))(p), x / p)
    _close(osc.hessian(lambda p: stats.multinomial.logpmf(x, 6, p))(p), np.diag(-x / p**2))
    # a zero count beside a zero probability: finite derivatives in the other entries
    g = osc.grad(lambda p: stats.multinomial.logpmf(np.array([0.0, 2.0, 4.0]), 6, p))(np.array([0.0, 0.4, 0.6]))
    _close(g[1:], np.array([2.0 / 0.4, 4.0 / 0.6]))


def test_dirichlet_multinomial_matches_scipy_and_its_derivatives():
    alpha = np.array([0.7, 2.0, 3.5])
    x = np.array([[1, 2, 3], [0, 0, 6], [1, 1, 3], [6, 0, 0]])
    _close(stats.dirichlet_multinomial.logpmf(x, alpha, 6), ss.dirichlet_multinomial.logpmf(x, alpha, 6))
    _close(stats.dirichlet_multinomial.pmf(x, alpha, 6), ss.dirichlet_multinomial.pmf(x, alpha, 6))
    _close(stats.dirichlet_multinomial(alpha, 6).logpmf(x[0]), ss.dirichlet_multinomial(alpha, 6).logpmf(x[0]))
    a0, n = alpha.sum(), 6.0
    want = digamma(a0) - digamma(n + a0) + digamma(x[0] + alpha) - digamma(alpha)
    _close(osc.grad(lambda a: stats.dirichlet_multinomial.logpmf(x[0], a, 6))(alpha), want, rtol=1e-11)
    for args, match in [((x, -alpha, 6), "alpha"), ((x + 0.5, alpha, 6), "x must"), ((x, alpha, 2.5), "n must")]:
        with pytest.raises(ValueError, match=match):
            stats.dirichlet_multinomial.logpmf(*args)


# --------------------------------------------------------------------------- Wishart


def _stack(count, n=3, r=R):
    return np.stack([_spd(n, r) for _ in range(count)], axis=-1)


def test_wishart_and_invwishart_match_scipy():
    X = _stack(4)
    for name in ("wishart", "invwishart"):
        ours, theirs = getattr(stats, name), getattr(ss, name)
        for df in (2.5, 7.0):
            _close(ours.logpdf(X, df, S3), theirs.logpdf(X, df, S3), rtol=1e-11)
            _close(ours.pdf(X[:, :, 0], df, S3), theirs.pdf(X[:, :, 0], df, S3), rtol=1e-11)
        # SciPy's layouts: a diagonal scale, a number, a 1-D x (a diagonal; points for dim 1)
        for args in [(X, 5.0, np.array([1.0, 2.0, 3.0])), (np.array([1.0, 2.0, 0.5]), 3.0, 2.0),
                     (np.array([[2.0, 0.3], [0.3, 1.0]]), 4.0, np.eye(2)), (2.0, 2.5, np.eye(3))]:
            _close(ours.logpdf(*args), theirs.logpdf(*args), rtol=1e-11)
        _close(ours(5.0, S3).logpdf(X), theirs(5.0, S3).logpdf(X), rtol=1e-11)
        with pytest.raises(ValueError, match="df must be greater"):
            ours.logpdf(X, 1.5, S3)


def test_wishart_derivatives_are_the_closed_forms():
    X, df = _spd(3), 5.5
    sinv, xinv = np.linalg.inv(S3), np.linalg.inv(X)
    lw = lambda x, v, s: stats.wishart.logpdf(x, v, s)  # noqa: E731
    _close(osc.grad(lambda s: lw(X, df, s))(S3), 0.5 * (sinv @ X @ sinv - df * sinv), rtol=1e-10)
    _close(osc.grad(lambda x: lw(x, df, S3))(X), 0.5 * ((df - 4) * xinv - sinv), rtol=1e-10)
    ld = lambda v: lw(X, v, S3)  # noqa: E731
    i = np.arange(1, 4)
    want = (0.5 * (np.linalg.slogdet(X)[1] - 3 * np.log(2) - np.linalg.slogdet(S3)[1])
            - 0.5 * digamma((df + 1 - i) / 2).sum())
    _close(osc.grad(ld)(df), want, rtol=1e-11)
    _close(osc.hessian(ld)(df), -0.25 * polygamma(1, (df + 1 - i) / 2).sum(), rtol=1e-11)
    li = lambda x, s: stats.invwishart.logpdf(x, df, s)  # noqa: E731
    _close(osc.grad(lambda x: li(x, S3))(X), 0.5 * (xinv @ S3 @ xinv - (df + 4) * xinv), rtol=1e-10)
    _close(osc.grad(lambda s: li(X, s))(S3), 0.5 * (df * sinv - xinv), rtol=1e-10)
    assert core.current_depth() == 0


def test_wishart_df_by_maximum_likelihood():
    """Wishart(ν, S/ν) samples: the profile log-likelihood in ν, maximised by Newton steps on
    osculate's derivatives (through multigammaln), agrees with a bounded scalar search on SciPy's."""
    r = np.random.default_rng(2)
    X = ss.wishart.rvs(9.0, S3 / 9.0, size=40, random_state=r)
    Xs = np.moveaxis(X, 0, -1)

    def nll(t):
        v = 2.0 + np.exp(t[0])
        return -np.sum(stats.wishart.logpdf(Xs, v, S3 / v))

    res = minimize(nll, np.array([1.0]))
    assert res.success
    ref = minimize_scalar(lambda t: -np.sum(ss.wishart.logpdf(Xs, 2.0 + np.exp(t), S3 / (2.0 + np.exp(t)))),
                          bounds=(-2.0, 6.0), method="bounded", options={"xatol": 1e-10})
    np.testing.assert_allclose(res.x[0], ref.x, rtol=1e-6)


# --------------------------------------------------------------------------- matrix normal


def test_matrix_normal_matches_scipy_and_the_vectorised_normal():
    U, V = _spd(2), S3
    M, X = R.standard_normal((2, 3)), R.standard_normal((4, 2, 3))
    _close(stats.matrix_normal.logpdf(X, M, U, V), ss.matrix_normal.logpdf(X, M, U, V), rtol=1e-11)
    _close(stats.matrix_normal.pdf(X[0], M, U, V), ss.matrix_normal.pdf(X[0], M, U, V), rtol=1e-11)
    for args in [(X[0], None, 2.0 * np.eye(2), np.eye(3)), (X[0], M, np.array([1.0, 2.0]), 0.5), (X[0], M),
                 (np.array([[1.5]]),)]:
        _close(stats.matrix_normal.logpdf(*args), ss.matrix_normal.logpdf(*args), rtol=1e-11)
    _close(stats.matrix_normal(M, U, V).logpdf(X), ss.matrix_normal(M, U, V).logpdf(X), rtol=1e-11)
    # vec(X) (column-major) is normal with covariance V ⊗ U: the same values and derivatives
    vec = lambda a: np.reshape(np.swapaxes(a, -1, -2), a.shape[:-2] + (-1,))  # noqa: E731
    big = np.kron(V, U)

    def f(m):
        return np.sum(stats.matrix_normal.logpdf(X, m, U, V))

    def g(m):
        return np.sum(stats.multivariate_normal.logpdf(vec(X), vec(m), big))

    _close(f(M), g(M), rtol=1e-12)
    _close(osc.grad(f)(M), osc.grad(g)(M), rtol=1e-10)
    grad_u = osc.grad(lambda u: stats.matrix_normal.logpdf(X[0], M, u, V))(U)
    ui, vi, d = np.linalg.inv(U), np.linalg.inv(V), X[0] - M
    _close(grad_u, 0.5 * (ui @ d @ vi @ d.T @ ui - 3 * ui), rtol=1e-10)
    with pytest.raises(ValueError, match="X must hold 2 x 3"):
        stats.matrix_normal.logpdf(X[:, :, :2], M, U, V)


# --------------------------------------------------------------------------- von Mises-Fisher


def test_vonmises_fisher_matches_scipy_and_its_derivatives():
    mu = np.array([0.6, 0.8, 0.0])
    x = R.standard_normal((4, 3))
    x /= np.linalg.norm(x, axis=-1, keepdims=True)
    for kappa in (1e-3, 0.3, 5.0, 800.0):
        _close(stats.vonmises_fisher.logpdf(x, mu, kappa), ss.vonmises_fisher.logpdf(x, mu, kappa), rtol=1e-11)
    _close(stats.vonmises_fisher(mu, 2.0).pdf(x[0]), ss.vonmises_fisher(mu, 2.0).pdf(x[0]))
    m2 = np.array([0.0, 1.0])
    x2 = np.array([[1.0, 0.0], [0.6, -0.8]])
    _close(stats.vonmises_fisher.logpdf(x2, m2, 3.0), ss.vonmises_fisher.logpdf(x2, m2, 3.0))
    # in 3-D, log c(κ) = log κ - log(4π sinh κ): d/dκ log pdf = 1/κ - coth κ + μ·x
    for kappa in (0.3, 5.0, 800.0):
        g = osc.vmap(osc.grad(lambda k, y: stats.vonmises_fisher.logpdf(y, mu, k)), in_axes=(None, 0))(kappa, x)
        _close(g, 1.0 / kappa - 1.0 / np.tanh(kappa) + x @ mu, rtol=1e-10)
        h = osc.hessian(lambda k: stats.vonmises_fisher.logpdf(x[0], mu, k))(kappa)
        _close(h, -1.0 / kappa**2 + 4.0 * np.exp(-2 * kappa) / (1.0 - np.exp(-2 * kappa)) ** 2, rtol=1e-8)
    _close(osc.grad(lambda m: stats.vonmises_fisher.logpdf(x[0], m, 5.0))(mu), 5.0 * x[0])
    for args, match in [((x, np.array([1.0, 1.0, 0.0]), 1.0), "mu must be a unit"),
                        ((x, mu, -1.0), "kappa must be positive"), ((2 * x, mu, 1.0), "unit vectors"),
                        ((x[:, :2], mu, 1.0), "last axis")]:
        with pytest.raises(ValueError, match=match):
            stats.vonmises_fisher.logpdf(*args)


# --------------------------------------------------------------------------- use


def test_multinomial_fit_is_the_sample_frequencies():
    r = np.random.default_rng(9)
    counts = ss.multinomial.rvs(20, [0.2, 0.5, 0.3], size=50, random_state=r).astype(float)

    def nll(z):  # p = softmax(z1, z2, 0)
        e = np.exp(np.concatenate([z, np.zeros(1)]))
        return -np.sum(stats.multinomial.logpmf(counts, 20, e / np.sum(e)))

    res = minimize(nll, np.zeros(2))
    e = np.exp(np.concatenate([res.x, [0.0]]))
    _close(e / e.sum(), counts.sum(axis=0) / counts.sum(), rtol=1e-7)


def test_frozen_methods_and_coverage_names():
    assert set(stats.multinomial._methods) == {"logpmf", "pmf"}
    with pytest.raises(AttributeError):
        stats.multinomial(3, [0.5, 0.5]).logpdf
    for name in ("multivariate_t", "multinomial", "wishart", "invwishart", "matrix_normal", "dirichlet_multinomial",
                 "vonmises_fisher"):
        assert name in stats.__all__
        assert callable(getattr(stats, name).pmf if "multinomial" in name else getattr(stats, name).pdf)
