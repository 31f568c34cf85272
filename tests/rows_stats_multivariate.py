"""Rows of the primitive table for the multivariate distributions of
``osculate.scipy.stats`` added beside multivariate_normal and dirichlet: each
row sums ``logpdf`` and ``pdf`` (``logpmf`` and ``pmf``), differentiated in
the points and every continuous parameter (to second order in all four
nestings, and under vmap, jit and sparsity detection).  Probabilities that
must sum to 1 and unit vectors are built inside the rows (a softmax, angles),
so that the finite differences stay on the simplex and the sphere.
"""

from __future__ import annotations

import numpy as np

from osculate.scipy import stats

from _cases import normal, spd, uniform

COUNTS = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 6.0], [4.0, 1.0, 1.0]])


def mvt_all(x, loc, shape, df):
    return stats.multivariate_t.logpdf(x, loc, shape, df) + 0.5 * stats.multivariate_t.pdf(x, loc, shape, df)


def mvt_diag(x, loc, diag):
    return stats.multivariate_t.logpdf(x, loc, diag, 3.5)


def multinomial_all(z):
    p = np.exp(z) / np.sum(np.exp(z))
    return stats.multinomial.logpmf(COUNTS, 6, p) + stats.multinomial.pmf(COUNTS, 6, p)


def dirichlet_multinomial_all(alpha):
    return stats.dirichlet_multinomial.logpmf(COUNTS, alpha, 6) + stats.dirichlet_multinomial.pmf(COUNTS, alpha, 6)


def wishart_all(x, df, scale):
    return stats.wishart.logpdf(x, df, scale) + np.exp(0.5 * stats.wishart.logpdf(x, df, scale))


def wishart_stack(x, scale):  # x: two matrices, stacked along the third axis as SciPy wants
    return stats.wishart.logpdf(np.moveaxis(x, 0, -1), 4.5, scale)


def invwishart_all(x, df, scale):
    return stats.invwishart.logpdf(x, df, scale) + np.exp(0.5 * stats.invwishart.logpdf(x, df, scale))


def invwishart_stack(x, scale):
    return stats.invwishart.logpdf(np.moveaxis(x, 0, -1), 4.5, scale)


def matrix_normal_all(x, mean, rowcov, colcov):
    return stats.matrix_normal.logpdf(x, mean, rowcov, colcov) + stats.matrix_normal.pdf(x, mean, rowcov, colcov)


def vonmises_fisher_all(t, s, kappa):  # x on the sphere by two angles each, mu by two angles
    x = np.stack([np.cos(t[:, 0]) * np.cos(t[:, 1]), np.cos(t[:, 0]) * np.sin(t[:, 1]), np.sin(t[:, 0])], axis=-1)
    mu = np.stack([np.cos(s[0]) * np.cos(s[1]), np.cos(s[0]) * np.sin(s[1]), np.sin(s[0])])
    return stats.vonmises_fisher.logpdf(x, mu, kappa) + stats.vonmises_fisher.pdf(x, mu, kappa)


ROWS = [
    ("stats.multivariate_t", mvt_all, [normal(2, 3), normal(3), spd(3), uniform(1.5, 6.0)], "shape"),
    ("stats.multivariate_t", mvt_diag, [normal(3), normal(3), uniform(0.5, 2.0, 3)], "diag"),
    ("stats.multinomial", multinomial_all, [normal(3)], ""),
    ("stats.dirichlet_multinomial", dirichlet_multinomial_all, [uniform(0.5, 3.0, 3)], ""),
    ("stats.wishart", wishart_all, [spd(3), uniform(3.5, 7.0), spd(3)], ""),
    ("stats.wishart", wishart_stack, [spd(3, 2), spd(3)], "stack"),
    ("stats.invwishart", invwishart_all, [spd(3), uniform(3.5, 7.0), spd(3)], ""),
    ("stats.invwishart", invwishart_stack, [spd(3, 2), spd(3)], "stack"),
    ("stats.matrix_normal", matrix_normal_all, [normal(2, 2, 3), normal(2, 3), spd(2), spd(3)], ""),
    ("stats.vonmises_fisher", vonmises_fisher_all, [uniform(-1.0, 1.0, 2, 2), uniform(-1.0, 1.0, 2),
                                                   uniform(0.5, 4.0)], ""),
]

TAYLOR_ROWS = [
    ("stats.multivariate_t", mvt_all, [normal(2, 3), normal(3), spd(3), uniform(1.5, 6.0)], 0.05, True),
    ("stats.wishart", wishart_all, [spd(3), uniform(3.5, 7.0), spd(3)], 0.05, True),
    ("stats.matrix_normal", matrix_normal_all, [normal(2, 2, 3), normal(2, 3), spd(2), spd(3)], 0.05, True),
]
