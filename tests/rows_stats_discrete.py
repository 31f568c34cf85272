"""Rows of the primitive table for the discrete distributions of
``osculate.scipy.stats`` added beside poisson/binom/nbinom/bernoulli: one row
per distribution, the sum of its methods (logpmf, pmf, logcdf, cdf, logsf,
sf) at counts inside the support and away from its ends (where a log is
-inf), differentiated in the continuous shape parameters (to second order,
in all four nestings, and under vmap, jit and sparsity detection).  The
integer parameters (betabinom's ``n``, zipfian's ``n``, boltzmann's ``N``...)
are constants; hypergeom, nhypergeom and randint have no continuous
parameter, so they are tested by value only (``test_stats_discrete.py``).
"""

from __future__ import annotations

import numpy as np

from osculate.scipy import stats

from _cases import uniform


def _all(dist, k, *args):
    k = np.asarray(k, dtype=float)
    return (dist.logpmf(k, *args) + dist.pmf(k, *args) + dist.logcdf(k, *args) + dist.cdf(k, *args)
            + dist.logsf(k, *args) + dist.sf(k, *args))


def geom_all(p):
    return _all(stats.geom, [1.0, 3.0, 6.0], p)


def betabinom_all(a, b):
    return _all(stats.betabinom, [0.0, 3.0, 7.0], 10, a, b)


def zipf_all(a):
    return _all(stats.zipf, [1.0, 3.0, 10.0], a)


def zipfian_all(a):
    return _all(stats.zipfian, [1.0, 4.0, 9.0], a, 12)


def logser_all(p):
    return _all(stats.logser, [1.0, 2.0, 6.0], p)


def dlaplace_all(a):
    return _all(stats.dlaplace, [-3.0, -1.0, 0.0, 2.0], a)


def planck_all(lam):
    return _all(stats.planck, [0.0, 2.0, 5.0], lam)


def boltzmann_all(lam):
    return _all(stats.boltzmann, [0.0, 2.0, 7.0], lam, 10)


def yulesimon_all(alpha):
    return _all(stats.yulesimon, [1.0, 2.0, 9.0], alpha)


def betanbinom_all(a, b):
    return _all(stats.betanbinom, [0.0, 2.0, 6.0], 3, a, b)


def skellam_all(mu1, mu2):
    k = np.array([-3.0, -1.0, 0.0, 2.0])
    if stats.skellam.cdf is None:  # (its cdf needs osculate's chndtr)
        return stats.skellam.logpmf(k, mu1, mu2) + stats.skellam.pmf(k, mu1, mu2)
    return _all(stats.skellam, k, mu1, mu2)


ROWS = [
    ("stats.geom", geom_all, [uniform(0.2, 0.8)], "all"),
    ("stats.betabinom", betabinom_all, [uniform(0.6, 3.0), uniform(0.6, 3.0)], "all"),
    ("stats.zipf", zipf_all, [uniform(1.6, 4.0)], "all"),
    ("stats.zipfian", zipfian_all, [uniform(0.3, 2.5)], "all"),
    ("stats.logser", logser_all, [uniform(0.2, 0.8)], "all"),
    ("stats.dlaplace", dlaplace_all, [uniform(0.3, 2.0)], "all"),
    ("stats.planck", planck_all, [uniform(0.3, 2.0)], "all"),
    ("stats.boltzmann", boltzmann_all, [uniform(0.2, 1.5)], "all"),
    ("stats.yulesimon", yulesimon_all, [uniform(0.5, 3.0)], "all"),
    ("stats.betanbinom", betanbinom_all, [uniform(0.8, 3.0), uniform(0.8, 3.0)], "all"),
    ("stats.skellam", skellam_all, [uniform(0.5, 3.0), uniform(0.5, 3.0)], "all"),
]

TAYLOR_ROWS = [
    ("stats.geom", geom_all, [uniform(0.2, 0.8)], 0.05, True),
    ("stats.betabinom", betabinom_all, [uniform(0.6, 3.0), uniform(0.6, 3.0)], 0.05, True),
    ("stats.zipf", zipf_all, [uniform(1.6, 4.0)], 0.05, True),
]
