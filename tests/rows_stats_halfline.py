"""Rows of the primitive table for the distributions of ``osculate.scipy.stats`` on
the half line (``_halfline.py``): one row per distribution (two where a shape
parameter's sign or a kink splits it) summing all its methods at the same
parameters, so that each row checks logpdf, pdf, logcdf, cdf, logsf, sf, ppf and
isf to second order in x, q, loc, scale and every shape parameter, in all four
nestings, under vmap, jit and sparsity detection.  The arguments stay inside the
support, away from its ends and from loglaplace's kink at 1.  The labels all
start with "halfline" (``pytest -k halfline``).  The ``ppf``/``isf`` of invgauss,
wald, recipinvgauss and foldnorm need values (SciPy's inverse is their start),
so they are left out here and checked in ``test_stats_halfline.py``.
"""

from __future__ import annotations

from osculate.scipy import stats

from _cases import uniform


def pos(lo=0.8, hi=1.6, *shape):
    return uniform(lo, hi, *shape)


def _tails(dist, x, *args):
    return (dist.logpdf(x, *args) + dist.pdf(x, *args) + dist.logcdf(x, *args) + dist.cdf(x, *args)
            + dist.logsf(x, *args) + dist.sf(x, *args))


def _all(dist, x, q, *args):
    return _tails(dist, x, *args) + 0.3 * dist.ppf(q, *args) + 0.2 * dist.isf(q, *args)


def _row(name, newton=False):
    dist = getattr(stats, name)
    if newton:
        def fn(x, *args):
            return _tails(dist, x, *args)
    else:
        def fn(x, q, *args):
            return _all(dist, x, q, *args)
    fn.__name__ = f"{name}_all"
    return fn


def loglaplace_parts(xl, xu, ql, qu, c, scale):  # each side of the kink at z = 1, each branch of the ppf
    d = stats.loglaplace
    return (_all(d, xl, ql, c, 0.0, scale) + _all(d, xu, qu, c, 0.0, scale)).sum()


x = uniform(0.6, 3.0, 3)  # with loc in (-0.3, 0.3) and scale in (0.8, 1.6): z in (0.18, 4.1)
unit = uniform(0.1, 0.9, 3)
loc = uniform(-0.3, 0.3)
shape = pos(0.8, 3.0)

ROWS = [
    ("stats.weibull_min", _row("weibull_min"), [x, unit, shape, loc, pos()], "halfline"),
    ("stats.halfnorm", _row("halfnorm"), [x, unit, loc, pos()], "halfline"),
    ("stats.rayleigh", _row("rayleigh"), [x, unit, loc, pos()], "halfline"),
    ("stats.pareto", _row("pareto"), [uniform(2.5, 4.0, 3), unit, shape, loc, pos()], "halfline"),
    ("stats.lomax", _row("lomax"), [x, unit, shape, loc, pos()], "halfline"),
    ("stats.invgamma", _row("invgamma"), [x, unit, shape, loc, pos()], "halfline"),
    ("stats.f", _row("f"), [x, unit, pos(1.0, 5.0), pos(1.0, 6.0), loc, pos()], "halfline"),
    ("stats.chi", _row("chi"), [x, unit, pos(1.0, 5.0), loc, pos()], "halfline"),
    ("stats.maxwell", _row("maxwell"), [x, unit, loc, pos()], "halfline"),
    ("stats.halfcauchy", _row("halfcauchy"), [x, unit, loc, pos()], "halfline"),
    ("stats.halflogistic", _row("halflogistic"), [x, unit, loc, pos()], "halfline"),
    ("stats.fisk", _row("fisk"), [x, unit, shape, loc, pos()], "halfline"),
    ("stats.burr12", _row("burr12"), [x, unit, shape, shape, loc, pos()], "halfline"),
    ("stats.burr", _row("burr"), [x, unit, shape, shape, loc, pos()], "halfline"),
    ("stats.gompertz", _row("gompertz"), [x, unit, shape, loc, pos()], "halfline"),
    # c < 0 cuts the support at -1/c >= 5 > z; |c z| crosses the series' threshold 1e-3 for small c
    ("stats.genpareto", _row("genpareto"), [uniform(0.5, 2.0, 3), unit, uniform(-0.2, 0.5), loc, pos()], "halfline"),
    ("stats.genpareto", _row("genpareto"), [uniform(0.5, 2.0, 3), unit, uniform(-3e-4, 3e-4), loc, pos()],
     "halfline-near0"),
    ("stats.invgauss", _row("invgauss", True), [x, pos(0.5, 3.0), loc, pos()], "halfline"),
    ("stats.invgauss", _row("invgauss", True), [uniform(350.0, 450.0, 3), uniform(0.4, 0.6), loc, pos(0.8, 1.0)],
     "halfline-far"),  # (z/mu - 1)/√z about 30: both forms of the far sf
    ("stats.wald", _row("wald", True), [x, loc, pos()], "halfline"),
    ("stats.recipinvgauss", _row("recipinvgauss", True), [x, pos(0.5, 3.0), loc, pos()], "halfline"),
    ("stats.betaprime", _row("betaprime"), [x, unit, shape, shape, loc, pos()], "halfline"),
    ("stats.nakagami", _row("nakagami"), [x, unit, shape, loc, pos()], "halfline"),
    ("stats.exponweib", _row("exponweib"), [x, unit, shape, shape, loc, pos()], "halfline"),
    ("stats.invweibull", _row("invweibull"), [x, unit, shape, loc, pos()], "halfline"),
    ("stats.levy", _row("levy"), [x, unit, loc, pos()], "halfline"),
    ("stats.gengamma", _row("gengamma"), [x, unit, shape, pos(0.5, 2.0), loc, pos()], "halfline"),
    ("stats.gengamma", _row("gengamma"), [x, unit, shape, uniform(-2.0, -0.5), loc, pos()], "halfline-negative-c"),
    ("stats.erlang", _row("erlang"), [x, unit, pos(0.8, 4.0), loc, pos()], "halfline"),
    ("stats.loglaplace", loglaplace_parts, [uniform(0.15, 0.6, 2), uniform(1.8, 3.0, 2), uniform(0.1, 0.4, 2),
                                            uniform(0.6, 0.9, 2), shape, pos(0.9, 1.2)], "halfline"),
    ("stats.powerlognorm", _row("powerlognorm"), [x, unit, shape, pos(0.5, 2.0), loc, pos()], "halfline"),
    ("stats.fatiguelife", _row("fatiguelife"), [x, unit, pos(0.5, 2.0), loc, pos()], "halfline"),
    ("stats.foldnorm", _row("foldnorm", True), [x, pos(0.2, 3.0), loc, pos()], "halfline"),
    ("stats.foldnorm", _row("foldnorm", True),  # z < 0.04: the cdf's series near 0 and its switch
     [uniform(0.3, 0.32, 3), pos(0.2, 1.0), uniform(0.29, 0.295), pos(0.8, 1.0)], "halfline-near0"),
    ("stats.halfgennorm", _row("halfgennorm"), [x, unit, shape, loc, pos()], "halfline"),
    ("stats.mielke", _row("mielke"), [x, unit, shape, shape, loc, pos()], "halfline"),
]

# Taylor mode (to the table's order, against nested forward mode and finite differences) for the
# closed forms: powers and logs of z, log1p/expm1/softplus tails, the genpareto series near c = 0
TAYLOR_ROWS = [
    ("stats.weibull_min", _row("weibull_min"), [x, unit, shape, loc, pos()], 0.1, True),
    ("stats.lomax", _row("lomax"), [x, unit, shape, loc, pos()], 0.1, True),
    ("stats.burr12", _row("burr12"), [x, unit, shape, shape, loc, pos()], 0.1, True),
    ("stats.genpareto", _row("genpareto"), [uniform(0.5, 2.0, 3), unit, uniform(-0.2, 0.5), loc, pos()], 0.05, True),
    ("stats.gompertz", _row("gompertz"), [x, unit, shape, loc, pos()], 0.1, True),
    ("stats.halflogistic", _row("halflogistic"), [x, unit, loc, pos()], 0.1, True),
    ("stats.fatiguelife", _row("fatiguelife"), [x, unit, pos(0.5, 2.0), loc, pos()], 0.1, True),
]
