"""Rows of the primitive table for the real-line distributions of ``osculate.scipy.stats``
(``_realline.py``): one row per distribution summing all its methods at the same
parameters (second order in x, loc, scale, the shape parameters and q, all four
nestings, under vmap, jit and sparsity detection).  The arguments stay away from
the kinks at ``z = 0`` (dgamma, dweibull, gennorm, laplace_asymmetric), from the
support's end (genextreme, weibull_max) and from ``q = 1/2`` where a ppf switches
branches.  The ``ppf``/``isf`` of exponnorm and skewnorm need values (SciPy's
inverse is their start), so they are checked in ``test_stats_realline.py``.
"""

from __future__ import annotations

import numpy as np

from osculate.scipy import stats

from _cases import away, normal, uniform


def pos(lo=0.8, hi=1.6, *shape):
    return uniform(lo, hi, *shape)


def _pieces(lo, hi, high=False):
    """Three probabilities: one in [lo, hi], one in (0.1, 0.3) and one in (0.7, 0.95) (reversed for high)."""
    def make(r):
        p = np.array([r.uniform(lo, hi), r.uniform(0.1, 0.3), r.uniform(0.7, 0.95)])
        return np.array([p[0], 1.0 - p[1], 1.0 - p[2]]) if high else p
    return make


def _all(dist, x, q, *args):
    return (dist.logpdf(x, *args) + dist.pdf(x, *args) + dist.logcdf(x, *args) + dist.cdf(x, *args)
            + dist.logsf(x, *args) + dist.sf(x, *args) + 0.3 * dist.ppf(q, *args) + 0.2 * dist.isf(q, *args))


def _no_inverse(dist, x, *args):
    return (dist.logpdf(x, *args) + dist.pdf(x, *args) + dist.logcdf(x, *args) + dist.cdf(x, *args)
            + dist.logsf(x, *args) + dist.sf(x, *args))


def gumbel_r_all(x, q, loc, scale):
    return _all(stats.gumbel_r, x, q, loc, scale)


def gumbel_l_all(x, q, loc, scale):
    return _all(stats.gumbel_l, x, q, loc, scale)


def genextreme_all(x, q, c, loc, scale):
    return _all(stats.genextreme, x, q, c, loc, scale)


def weibull_max_all(x, q, c, loc, scale):
    return _all(stats.weibull_max, x, q, c, loc, scale)


def hypsecant_all(x, q, loc, scale):
    return _all(stats.hypsecant, x, q, loc, scale)


def gennorm_all(x, q, beta, loc, scale):
    return _all(stats.gennorm, x, q, beta, loc, scale)


def exponnorm_all(x, K, loc, scale):
    return _no_inverse(stats.exponnorm, x, K, loc, scale)


def johnsonsu_all(x, q, a, b, scale):
    return _all(stats.johnsonsu, x, q, a, b, 0.1, scale)


def loggamma_all(x, q, c, loc, scale):
    return _all(stats.loggamma, x, q, c, loc, scale)


def dgamma_all(x, q, a, loc, scale):
    return _all(stats.dgamma, x, q, a, loc, scale)


def dweibull_all(x, q, c, loc, scale):
    return _all(stats.dweibull, x, q, c, loc, scale)


def genlogistic_all(x, q, c, loc, scale):
    return _all(stats.genlogistic, x, q, c, loc, scale)


def moyal_all(x, q, loc, scale):
    return _all(stats.moyal, x, q, loc, scale)


def laplace_asymmetric_all(x, q, kappa, loc, scale):
    return _all(stats.laplace_asymmetric, x, q, kappa, loc, scale)


def skewnorm_all(x, a, loc, scale):  # x spans the lower tail (Gauss-Laguerre form) and Owen's form
    return _no_inverse(stats.skewnorm, x, a, loc, scale)


def crystalball_all(xt, xc, qp, qi, beta, m, loc, scale):
    """x in the power-law tail and in the normal core; q in the ppf's three pieces (tail, core below
    0, core above), the isf's the same from the other side."""
    d = stats.crystalball
    return (_no_inverse(d, xt, beta, m, loc, scale).sum() + _no_inverse(d, xc, beta, m, loc, scale).sum()
            + (0.3 * d.ppf(qp, beta, m, loc, scale) + 0.2 * d.isf(qi, beta, m, loc, scale)).sum())


unit = uniform(0.1, 0.9, 3)
low = uniform(0.1, 0.35, 3)  # below 1/2: one branch of the two-sided inverses
near = uniform(-0.1, 0.1)

ROWS = [
    ("stats.gumbel_r", gumbel_r_all, [normal(3), unit, normal(), pos()], "all"),
    ("stats.gumbel_l", gumbel_l_all, [normal(3), unit, normal(), pos()], "all"),
    ("stats.genextreme", genextreme_all, [uniform(-1.5, 1.5, 3), unit, uniform(-0.3, 0.3), near, pos()], "all"),
    ("stats.genextreme", genextreme_all, [uniform(-1.5, 1.5, 3), unit, uniform(-0.01, 0.01), near, pos()], "c~0"),
    ("stats.weibull_max", weibull_max_all, [uniform(-2.5, -0.5, 3), unit, pos(0.8, 3.0), near, pos()], "all"),
    ("stats.hypsecant", hypsecant_all, [normal(3), unit, normal(), pos()], "all"),
    ("stats.gennorm", gennorm_all, [away(3, lo=0.4, hi=2.0), low, pos(0.8, 3.0), near, pos()], "all"),
    ("stats.exponnorm", exponnorm_all, [normal(3), pos(0.5, 2.0), normal(), pos()], "all"),
    ("stats.johnsonsu", johnsonsu_all, [normal(3), unit, normal(), pos(), pos()], "all"),
    ("stats.loggamma", loggamma_all, [normal(3), unit, pos(0.8, 3.0), near, pos()], "all"),
    ("stats.dgamma", dgamma_all, [away(3, lo=0.4, hi=2.0), low, pos(0.8, 3.0), near, pos()], "all"),
    ("stats.dweibull", dweibull_all, [away(3, lo=0.4, hi=2.0), low, pos(0.8, 3.0), near, pos()], "all"),
    ("stats.genlogistic", genlogistic_all, [normal(3), unit, pos(0.5, 3.0), normal(), pos()], "all"),
    ("stats.moyal", moyal_all, [normal(3), unit, normal(), pos()], "all"),
    ("stats.laplace_asymmetric", laplace_asymmetric_all,
     [away(3, lo=0.4, hi=2.0), uniform(0.05, 0.25, 3), pos(), near, pos()], "all"),
    ("stats.skewnorm", skewnorm_all, [uniform(-6.0, 2.0, 3), pos(1.0, 4.0), near, pos()], "all"),
    ("stats.skewnorm", skewnorm_all, [normal(3), uniform(-2.0, 2.0), near, pos()], "a"),
    ("stats.crystalball", crystalball_all, [uniform(-5.0, -3.0, 2), uniform(-1.0, 2.0, 2), _pieces(0.002, 0.015),
                                            _pieces(0.985, 0.998, high=True), uniform(1.8, 2.2), uniform(2.5, 3.5),
                                            uniform(-0.05, 0.05), uniform(0.95, 1.05)], "all"),
]

TAYLOR_ROWS = [
    ("stats.gumbel_r", gumbel_r_all, [normal(3), unit, normal(), pos()], 0.1, True),
    ("stats.genextreme", genextreme_all, [uniform(-1.5, 1.5, 3), unit, uniform(-0.3, 0.3), near, pos()], 0.05, True),
    ("stats.johnsonsu", johnsonsu_all, [normal(3), unit, normal(), pos(), pos()], 0.05, True),
]
