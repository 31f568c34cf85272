"""Rows of the primitive table for the distributions of ``osculate.scipy.stats`` in
``_more.py``: one row per distribution summing its methods at the same parameters,
so that each row checks logpdf, pdf, logcdf, cdf, logsf, sf and the quantiles that
are closed forms to second order in x, q, loc, scale and every shape parameter, in
all four nestings, under vmap, jit and sparsity detection.  The arguments stay
inside the support and away from its ends (nc > 0, where the noncentral densities
switch to the central one at nc z = 0).  The labels all start with "more"
(``pytest -k more``).  The ``isf`` of ncx2, ncf, nct and rice needs values (SciPy's
inverse is its start), so it is left out here and checked in ``test_stats_more.py``.
"""

from __future__ import annotations

from osculate.scipy import stats

from _cases import uniform


def pos(lo=0.8, hi=1.6, *shape):
    return uniform(lo, hi, *shape)


def _tails(dist, x, *args):
    return (dist.logpdf(x, *args) + dist.pdf(x, *args) + dist.logcdf(x, *args) + dist.cdf(x, *args)
            + dist.logsf(x, *args) + dist.sf(x, *args))


def _row(name, isf=True):
    dist = getattr(stats, name)

    def fn(x, q, *args):
        out = _tails(dist, x, *args) + 0.3 * dist.ppf(q, *args)
        return out + 0.2 * dist.isf(q, *args) if isf else out

    fn.__name__ = f"{name}_all"
    return fn


x = uniform(0.6, 3.0, 3)  # with loc in (-0.3, 0.3) and scale in (0.8, 1.6): z in (0.18, 4.1)
unit = uniform(0.1, 0.9, 3)
loc = uniform(-0.3, 0.3)

ROWS = [
    ("stats.ncx2", _row("ncx2", False), [x, unit, pos(1.0, 5.0), pos(0.5, 3.0), loc, pos()], "more"),
    ("stats.ncf", _row("ncf", False), [x, unit, pos(1.0, 5.0), pos(2.0, 6.0), pos(0.5, 3.0), loc, pos()], "more"),
    ("stats.nct", _row("nct", False), [uniform(-2.0, 3.0, 3), unit, pos(2.0, 6.0), uniform(-1.0, 1.5), loc, pos()],
     "more"),
    ("stats.rice", _row("rice", False), [x, unit, pos(0.3, 2.0), loc, pos()], "more"),
    ("stats.gibrat", _row("gibrat"), [x, unit, loc, pos()], "more"),
    ("stats.levy_l", _row("levy_l"), [uniform(-3.0, -0.6, 3), unit, loc, pos()], "more"),
    ("stats.exponpow", _row("exponpow"), [x, unit, pos(0.5, 2.5), loc, pos()], "more"),
    ("stats.kappa3", _row("kappa3"), [x, unit, pos(0.5, 3.0), loc, pos()], "more"),
    # each side of the kink at z = 0 (and of the quantiles' switch at q = (1 - a) / 2)
    ("stats.skewcauchy", _row("skewcauchy"), [x, uniform(0.7, 0.95, 3), uniform(-0.6, 0.6), loc, pos()], "more"),
    ("stats.skewcauchy", _row("skewcauchy"), [uniform(-3.0, -0.6, 3), uniform(0.05, 0.15, 3), uniform(-0.6, 0.6), loc,
                                              pos()], "more-negative"),
    # c in (0.2, 0.5): the support [0, 1/c] holds z in (0.125, 1.63)
    ("stats.genhalflogistic", _row("genhalflogistic"), [uniform(0.5, 1.0, 3), unit, uniform(0.2, 0.5), loc, pos()],
     "more"),
    ("stats.powernorm", _row("powernorm"), [uniform(-2.0, 2.0, 3), unit, pos(0.5, 3.0), loc, pos()], "more"),
    ("stats.foldcauchy", _row("foldcauchy"), [x, unit, uniform(0.2, 2.0), loc, pos()], "more"),
    # each side of π (where the cdf's and the quantiles' formulas switch)
    ("stats.wrapcauchy", _row("wrapcauchy"), [uniform(0.6, 2.2, 3), uniform(0.1, 0.4, 3), uniform(0.2, 0.8), loc,
                                              uniform(0.9, 1.1)], "more"),
    ("stats.wrapcauchy", _row("wrapcauchy"), [uniform(4.0, 5.2, 3), uniform(0.6, 0.9, 3), uniform(0.2, 0.8), loc,
                                              uniform(0.9, 1.1)], "more-upper"),
    # support [1, c] with c in (6, 8): z in (1.2, 4.5)
    ("stats.truncpareto", _row("truncpareto"), [uniform(1.5, 3.5, 3), unit, uniform(0.3, 2.0), uniform(6.0, 8.0),
                                                loc, uniform(0.9, 1.1)], "more"),
    ("stats.truncpareto", _row("truncpareto"), [uniform(1.5, 3.5, 3), unit, uniform(-1.5, -0.3), uniform(6.0, 8.0),
                                                loc, uniform(0.9, 1.1)], "more-negative-b"),
]
