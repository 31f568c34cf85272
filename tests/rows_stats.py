"""Rows of the primitive table for ``osculate.scipy.stats``: one or two per
distribution, each the sum of its methods at the same parameters, so that one
row checks all of them (to second order in all four nestings, under vmap,
jit, sparsity detection and, for TAYLOR_ROWS, Taylor mode).

The "tails" rows hold the shape parameters of the cdfs written with
``gammainc``/``betainc`` constant, the "shape" rows differentiate in them.
The ``ppf``/``isf`` of gamma, chi2, t and beta need the values (SciPy's
inverse is their start), so they are tested in ``test_stats.py``, not here.
"""

from __future__ import annotations

import numpy as np

from osculate.scipy import stats

from _cases import const, normal, spd, uniform

K = np.array([0.0, 1.0, 3.0])  # counts of the discrete rows (constants)


def pos(lo=0.8, hi=1.6, *shape):
    return uniform(lo, hi, *shape)


def _all_cont(dist, x, q, *args):
    return (dist.logpdf(x, *args) + dist.pdf(x, *args) + dist.logcdf(x, *args) + dist.cdf(x, *args)
            + dist.logsf(x, *args) + dist.sf(x, *args) + 0.3 * dist.ppf(q, *args) + 0.2 * dist.isf(q, *args))


def _tails(dist, x, *args):
    return dist.logcdf(x, *args) + dist.cdf(x, *args) + dist.logsf(x, *args) + 2.0 * dist.sf(x, *args)


def _all_disc(dist, *args):
    return (dist.logpmf(K, *args) + dist.pmf(K, *args) + dist.logcdf(K, *args) + dist.cdf(K, *args)
            + dist.logsf(K, *args) + dist.sf(K, *args))


def norm_all(x, q, loc, scale):
    return _all_cont(stats.norm, x, q, loc, scale)


def logistic_all(x, q, loc, scale):
    return _all_cont(stats.logistic, x, q, loc, scale)


def cauchy_all(x, q, loc, scale):
    return _all_cont(stats.cauchy, x, q, loc, scale)


def laplace_all(x, q, loc, scale):
    return _all_cont(stats.laplace, x, q, loc, scale)


def expon_all(x, q, loc, scale):  # x - loc > 0
    return _all_cont(stats.expon, x, q, loc, scale)


def lognorm_all(x, q, s, scale):
    return _all_cont(stats.lognorm, x, q, s, 0.0, scale)


def uniform_all(x, q, loc, scale):  # x inside [loc, loc + scale]
    return _all_cont(stats.uniform, x, q, loc, scale)


def t_logpdf(x, df, loc, scale):
    return stats.t.logpdf(x, df, loc, scale) + stats.t.pdf(x, df, loc, scale)


def t_tails(x, loc, scale):
    return _tails(stats.t, x, 3.5, loc, scale)


def gamma_logpdf(x, a, loc, scale):
    return stats.gamma.logpdf(x, a, loc, scale) + stats.gamma.pdf(x, a, loc, scale)


def gamma_tails(x, loc, scale):
    return _tails(stats.gamma, x, 2.5, loc, scale)


def chi2_all(x, df, scale):
    return stats.chi2.logpdf(x, df, scale=scale) + _tails(stats.chi2, x, 3.0, 0.0, scale)


def beta_logpdf(x, a, b, scale):
    return stats.beta.logpdf(x, a, b, 0.0, scale) + stats.beta.pdf(x, a, b, 0.0, scale)


def beta_tails(x, loc, scale):
    return _tails(stats.beta, x, 2.5, 1.5, loc, scale)


def gamma_shape(x, a):  # the cdfs in the shape parameter (gammainc's a)
    return _tails(stats.gamma, x, a, 0.1, 1.2) + stats.gamma.logpdf(x, a, 0.1, 1.2)


def t_shape(x, df):  # x spans the three forms of t's cdf (series, centre, tail)
    return _tails(stats.t, x, df, 0.0, 1.0)


def beta_shape(x, a, b):
    return _tails(stats.beta, x, a, b)


def chi2_shape(x, df):
    return _tails(stats.chi2, x, df)


def nbinom_shape(n, p):
    return _all_disc(stats.nbinom, n, p)


def poisson_all(mu):
    return _all_disc(stats.poisson, mu)


def binom_all(p):
    return _all_disc(stats.binom, 5, p)


def nbinom_all(n, p):
    return stats.nbinom.logpmf(K, n, p) + _all_disc(stats.nbinom, 2.5, p)


def bernoulli_all(p):  # k = 0 and 1 (at k >= 1 the sf is 0: its log is -inf)
    b = stats.bernoulli
    k = np.array([0.0, 1.0])
    return b.logpmf(k, p) + b.pmf(k, p) + b.cdf(k, p) + b.sf(k, p) + b.logcdf(k, p) + b.logsf(0.0, p)


def mvn_logpdf(x, mean, cov):
    return stats.multivariate_normal.logpdf(x, mean, cov) + 0.5 * stats.multivariate_normal.pdf(x, mean, cov)


def mvn_diag(x, mean, var):
    return stats.multivariate_normal.logpdf(x, mean, var)


def dirichlet_logpdf(x, alpha):  # x: the first K - 1 components (the last is 1 - their sum)
    return stats.dirichlet.logpdf(x, alpha) + stats.dirichlet.pdf(x, alpha)


unit = uniform(0.1, 0.9, 3)

ROWS = [
    ("stats.norm", norm_all, [normal(3), unit, normal(), pos()], "all"),
    ("stats.logistic", logistic_all, [normal(3), unit, normal(), pos()], "all"),
    ("stats.cauchy", cauchy_all, [normal(3), unit, normal(), pos()], "all"),
    ("stats.laplace", laplace_all, [uniform(0.3, 2.0, 3), unit, uniform(-0.2, 0.2), pos()], "all"),
    ("stats.expon", expon_all, [uniform(0.5, 3.0, 3), unit, uniform(-0.3, 0.3), pos()], "all"),
    ("stats.lognorm", lognorm_all, [uniform(0.5, 3.0, 3), unit, pos(0.5, 1.2), pos()], "all"),
    ("stats.uniform", uniform_all, [uniform(0.3, 1.2, 3), unit, uniform(-0.2, 0.2), uniform(1.5, 2.0)], "all"),
    ("stats.t", t_logpdf, [normal(3), pos(1.5, 6.0), normal(), pos()], "logpdf"),
    ("stats.t", t_tails, [normal(3), normal(), pos()], "tails"),
    ("stats.gamma", gamma_logpdf, [uniform(1.0, 3.0, 3), pos(0.8, 3.0), uniform(-0.3, 0.3), pos()], "logpdf"),
    ("stats.gamma", gamma_tails, [uniform(1.0, 3.0, 3), uniform(-0.3, 0.3), pos()], "tails"),
    ("stats.chi2", chi2_all, [uniform(1.0, 4.0, 3), pos(1.0, 5.0), pos()], "all"),
    ("stats.beta", beta_logpdf, [uniform(0.2, 0.8, 3), pos(0.8, 3.0), pos(0.8, 3.0), uniform(1.0, 1.2)], "logpdf"),
    ("stats.beta", beta_tails, [uniform(0.2, 0.8, 3), uniform(-0.05, 0.05), uniform(0.95, 1.05)], "tails"),
    ("stats.gamma", gamma_shape, [uniform(1.0, 3.0, 3), pos(0.8, 3.0)], "shape"),
    ("stats.t", t_shape, [const([-3.0, -0.005, 0.4, 2.7]), pos(1.5, 6.0)], "shape"),
    ("stats.beta", beta_shape, [uniform(0.2, 0.8, 3), pos(0.8, 3.0), pos(0.8, 3.0)], "shape"),
    ("stats.chi2", chi2_shape, [uniform(1.0, 4.0, 3), pos(1.0, 5.0)], "shape"),
    ("stats.nbinom", nbinom_shape, [pos(1.0, 4.0), uniform(0.2, 0.8)], "shape"),
    ("stats.poisson", poisson_all, [pos(0.5, 4.0)], "all"),
    ("stats.binom", binom_all, [uniform(0.2, 0.8)], "all"),
    ("stats.nbinom", nbinom_all, [pos(1.0, 4.0), uniform(0.2, 0.8)], "all"),
    ("stats.bernoulli", bernoulli_all, [uniform(0.2, 0.8)], "all"),
    ("stats.multivariate_normal", mvn_logpdf, [normal(2, 3), normal(3), spd(3)], "cov"),
    ("stats.multivariate_normal", mvn_diag, [normal(3), normal(3), pos(0.5, 2.0, 3)], "diag"),
    ("stats.dirichlet", dirichlet_logpdf, [uniform(0.2, 0.3, 2), pos(0.8, 3.0, 3)], ""),
]

TAYLOR_ROWS = [
    ("stats.norm", norm_all, [normal(3), unit, normal(), pos()], 0.1, True),
    ("stats.t", t_tails, [normal(3), normal(), pos()], 0.1, True),
    ("stats.gamma", gamma_logpdf, [uniform(1.0, 3.0, 3), pos(0.8, 3.0), uniform(-0.3, 0.3), pos()], 0.1, True),
    ("stats.poisson", poisson_all, [pos(0.5, 4.0)], 0.1, True),
    ("stats.multivariate_normal", mvn_logpdf, [normal(2, 3), normal(3), spd(3)], 0.05, True),
]
