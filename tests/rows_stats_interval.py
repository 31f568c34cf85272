"""Rows of the primitive table for the distributions of ``osculate.scipy.stats`` on
bounded intervals (``_interval.py``): one row per distribution summing all its
methods at the same parameters (second order in x, loc, scale, the shape
parameters and q, all four nestings, under vmap, jit and sparsity detection).
The arguments stay inside the support, away from its ends and from the kinks of
triang and trapezoid (each of their pieces has its own x and q).  The ``ppf``/``isf``
of cosine and argus need values (SciPy's inverse is their start), so they are checked in
``test_stats_interval.py``.
"""

from __future__ import annotations

from osculate.scipy import stats

from _cases import uniform


def _all(dist, x, q, *args):
    return (dist.logpdf(x, *args) + dist.pdf(x, *args) + dist.logcdf(x, *args) + dist.cdf(x, *args)
            + dist.logsf(x, *args) + dist.sf(x, *args) + 0.3 * dist.ppf(q, *args) + 0.2 * dist.isf(q, *args))


def truncnorm_all(x, q, a, b, loc, scale):
    return _all(stats.truncnorm, x, q, a, b, loc, scale)


def truncnorm_tail(x, q, a, b):  # far in the upper tail: the mass and cdfs from the upper tails
    return _all(stats.truncnorm, x, q, a, b)


def triang_all(xl, xu, ql, qu, c, loc, scale):  # each side of the mode c, each branch of the ppf
    d = stats.triang
    return (_all(d, xl, ql, c, loc, scale) + _all(d, xu, qu, c, loc, scale)).sum()


def trapezoid_all(x1, x2, x3, q1, q2, q3, c, d, scale):
    t = stats.trapezoid
    return (_all(t, x1, q1, c, d, 0.0, scale) + _all(t, x2, q2, c, d, 0.0, scale)
            + _all(t, x3, q3, c, d, 0.0, scale)).sum()


def arcsine_all(x, q, loc, scale):
    return _all(stats.arcsine, x, q, loc, scale)


def anglit_all(x, q, loc, scale):
    return _all(stats.anglit, x, q, loc, scale)


def semicircular_all(x, q, loc, scale):
    return _all(stats.semicircular, x, q, loc, scale)


def cosine_all(x, loc, scale):
    c = stats.cosine
    return (c.logpdf(x, loc, scale) + c.pdf(x, loc, scale) + c.logcdf(x, loc, scale) + c.cdf(x, loc, scale)
            + c.logsf(x, loc, scale) + c.sf(x, loc, scale))


def argus_all(x, chi, loc, scale):  # x below and above z² = 1/2 (the cdf's quadrature and 1 - sf or tails)
    a = stats.argus
    return (a.logpdf(x, chi, loc, scale) + a.pdf(x, chi, loc, scale) + a.logcdf(x, chi, loc, scale)
            + a.cdf(x, chi, loc, scale) + a.logsf(x, chi, loc, scale) + a.sf(x, chi, loc, scale))


def rdist_all(x, q, c, loc, scale):
    return _all(stats.rdist, x, q, c, loc, scale)


def bradford_all(x, q, c, loc, scale):
    return _all(stats.bradford, x, q, c, loc, scale)


def powerlaw_all(x, q, a, loc, scale):
    return _all(stats.powerlaw, x, q, a, loc, scale)


def johnsonsb_all(x, q, a, b, scale):
    return _all(stats.johnsonsb, x, q, a, b, 0.0, scale)


def loguniform_all(x, q, a, b, scale):
    return _all(stats.loguniform, x, q, a, b, 0.0, scale)


def reciprocal_all(x, q, a, b, loc):
    return _all(stats.reciprocal, x, q, a, b, loc)


def truncexpon_all(x, q, b, loc, scale):
    return _all(stats.truncexpon, x, q, b, loc, scale)


def truncweibull_min_all(x, q, c, a, b, scale):
    return _all(stats.truncweibull_min, x, q, c, a, b, 0.0, scale)


unit = uniform(0.1, 0.9, 3)
near = uniform(-0.05, 0.05)
one = uniform(0.95, 1.05)

ROWS = [
    ("stats.truncnorm", truncnorm_all, [uniform(-0.8, 0.8, 3), unit, uniform(-2.5, -1.5), uniform(1.0, 2.0),
                                        uniform(-0.1, 0.1), uniform(0.8, 1.2)], "all"),
    ("stats.truncnorm", truncnorm_tail, [uniform(4.2, 4.8, 3), unit, uniform(3.5, 4.0), uniform(5.0, 5.5)], "tail"),
    ("stats.triang", triang_all, [uniform(0.1, 0.3, 2), uniform(0.7, 0.9, 2), uniform(0.1, 0.3, 2),
                                  uniform(0.7, 0.9, 2), uniform(0.45, 0.55), near, one], "all"),
    ("stats.trapezoid", trapezoid_all, [uniform(0.05, 0.15, 2), uniform(0.35, 0.55, 2), uniform(0.8, 0.95, 2),
                                        uniform(0.01, 0.1, 2), uniform(0.3, 0.6, 2), uniform(0.85, 0.95, 2),
                                        uniform(0.2, 0.3), uniform(0.6, 0.7), one], "all"),
    ("stats.arcsine", arcsine_all, [uniform(0.2, 0.8, 3), unit, near, one], "all"),
    ("stats.anglit", anglit_all, [uniform(-0.6, 0.6, 3), unit, near, one], "all"),
    ("stats.semicircular", semicircular_all, [uniform(-0.8, 0.8, 3), unit, near, one], "all"),
    ("stats.cosine", cosine_all, [uniform(-2.5, 2.5, 3), near, one], "all"),
    ("stats.cosine", cosine_all, [uniform(-3.0, -2.9, 3), uniform(-0.01, 0.01), one], "series"),
    ("stats.argus", argus_all, [uniform(0.1, 0.95, 3), uniform(0.5, 2.5), near, one], "all"),
    ("stats.argus", argus_all, [uniform(0.2, 0.9, 3), uniform(3.0, 6.0), near, one], "large-chi"),
    ("stats.rdist", rdist_all, [uniform(-0.8, 0.8, 3), unit, uniform(1.5, 4.0), near, one], "all"),
    ("stats.bradford", bradford_all, [uniform(0.2, 0.8, 3), unit, uniform(0.5, 3.0), near, one], "all"),
    ("stats.powerlaw", powerlaw_all, [uniform(0.2, 0.8, 3), unit, uniform(0.5, 3.0), near, one], "all"),
    ("stats.johnsonsb", johnsonsb_all, [uniform(0.2, 0.8, 3), unit, uniform(-1.0, 1.0), uniform(0.8, 1.6), one],
     "all"),
    ("stats.loguniform", loguniform_all, [uniform(1.5, 2.5, 3), unit, uniform(0.5, 1.0), uniform(3.0, 4.0), one],
     "all"),
    ("stats.reciprocal", reciprocal_all, [uniform(1.5, 2.5, 3), unit, uniform(0.5, 1.0), uniform(3.0, 4.0), near],
     "all"),
    ("stats.truncexpon", truncexpon_all, [uniform(0.3, 1.5, 3), unit, uniform(2.0, 3.0), near, one], "all"),
    ("stats.truncweibull_min", truncweibull_min_all, [uniform(0.8, 1.6, 3), unit, uniform(0.8, 3.0),
                                                      uniform(0.3, 0.6), uniform(1.8, 2.5), one], "all"),
]

TAYLOR_ROWS = [
    ("stats.truncnorm", truncnorm_all, [uniform(-0.8, 0.8, 3), unit, uniform(-2.5, -1.5), uniform(1.0, 2.0),
                                        uniform(-0.1, 0.1), uniform(0.8, 1.2)], 0.05, True),
    ("stats.bradford", bradford_all, [uniform(0.2, 0.8, 3), unit, uniform(0.5, 3.0), near, one], 0.05, True),
]
