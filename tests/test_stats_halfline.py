"""``osculate.scipy.stats``: the distributions on the half line against :mod:`scipy.stats`.

Every method of every distribution on grids with the far tails, the support's
ends, points outside it, NaN, ±inf, with and without loc/scale, at two or more
shape values.  Where SciPy's value is off (it underflows a log to -inf, loses
digits to a cancellation, or takes a limit as NaN), the value is checked
against mpmath instead: each such point is compared with an mpmath reference
written from the distribution's definition, so no disagreement with SciPy
passes unchecked.  The derivatives of the Newton-based quantiles (invgauss,
wald, recipinvgauss, foldnorm) are checked here, the others in the primitive
table (``tests/rows_stats_halfline.py``); and a maximum-likelihood fit.
"""

from __future__ import annotations

import warnings

import mpmath as mp
import numpy as np
import pytest
import scipy.stats as ss

import osculate as osc
from osculate.ad import core
from osculate.scipy import stats
from osculate.testing import check_grads

from _stats_cases import agree as _agree, scipy_values as _scipy

from test_stats import assert_traced_values_are_plain

X = np.array([-1e3, -3.0, -0.2, 0.0, 1e-300, 1e-20, 1e-3, 0.3, 0.5, 1.0, 1.7, 2.5, 8.0, 40.0, 1e3, 1e10,
              np.inf, -np.inf, np.nan])
Q = np.array([-0.1, 0.0, 1e-300, 1e-12, 0.01, 0.3, 0.5, 0.9, 1 - 1e-12, 1.0, 1.1, np.nan])
METHODS = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf"]

CASES = [
    ("weibull_min", (2.5,)), ("weibull_min", (0.5,)), ("weibull_min", (1.0,)), ("halfnorm", ()), ("rayleigh", ()),
    ("pareto", (2.5,)), ("pareto", (0.7,)), ("lomax", (2.5,)), ("lomax", (0.4,)), ("invgamma", (2.5,)),
    ("invgamma", (0.5,)), ("f", (3.0, 5.0)), ("f", (1.0, 0.7)), ("f", (2.0, 2.0)), ("chi", (3.0,)), ("chi", (1.0,)),
    ("chi", (0.5,)), ("maxwell", ()), ("halfcauchy", ()), ("halflogistic", ()), ("fisk", (2.5,)), ("fisk", (0.5,)),
    ("fisk", (1.0,)), ("burr12", (2.5, 0.7)), ("burr12", (0.5, 3.0)), ("burr", (2.5, 0.7)), ("burr", (0.5, 3.0)),
    ("burr", (2.0, 0.5)), ("gompertz", (2.5,)), ("gompertz", (0.3,)), ("genpareto", (0.5,)), ("genpareto", (-0.5,)),
    ("genpareto", (0.0,)), ("genpareto", (-2.0,)), ("genpareto", (-1.0,)), ("genpareto", (1e-5,)),
    ("genpareto", (3.0,)), ("invgauss", (0.7,)), ("invgauss", (3.0,)), ("invgauss", (0.05,)), ("wald", ()),
    ("betaprime", (2.5, 0.7)), ("betaprime", (0.5, 3.0)), ("nakagami", (2.5,)), ("nakagami", (0.6,)),
    ("exponweib", (2.5, 0.7)), ("exponweib", (0.5, 3.0)), ("exponweib", (1.0, 1.0)), ("invweibull", (2.5,)),
    ("invweibull", (0.5,)), ("levy", ()), ("gengamma", (2.5, 1.5)), ("gengamma", (0.5, -2.0)),
    ("gengamma", (1.5, -0.5)), ("erlang", (1,)), ("erlang", (3,)), ("loglaplace", (2.5,)), ("loglaplace", (0.5,)),
    ("powerlognorm", (2.5, 0.7)), ("powerlognorm", (0.5, 1.5)), ("recipinvgauss", (0.7,)), ("recipinvgauss", (3.0,)),
    ("fatiguelife", (0.7,)), ("fatiguelife", (3.0,)), ("foldnorm", (0.0,)), ("foldnorm", (1.5,)), ("foldnorm", (6.0,)),
    ("halfgennorm", (2.5,)), ("halfgennorm", (0.5,)), ("mielke", (2.5, 0.7)), ("mielke", (0.5, 3.0)),
]
LOC_SCALE = [{}, {"loc": 0.3, "scale": 2.0}]
NEWTON = ("invgauss", "wald", "recipinvgauss", "foldnorm")


# --------------------------------------------------------------------------- mpmath references

mpf, log, exp, expm1, log1p = mp.mpf, mp.log, mp.exp, mp.expm1, mp.log1p


def _ginc(a, lo, hi):
    return mp.gammainc(a, lo, hi, regularized=True)


def _binc(a, b, y):
    return mp.betainc(a, b, 0, y, regularized=True)


def _lnpdf(t):
    return -t * t / 2 - log(2 * mp.pi) / 2


def _burr(z, c, d):
    lcdf = -d * log1p(z ** -c)
    return log(c) + log(d) - (c + 1) * log(z) - (d + 1) * log1p(z ** -c), exp(lcdf), -expm1(lcdf)


def _invgauss(z, mu):
    r = 1 / mp.sqrt(z)
    a, b = r * (z / mu - 1), r * (z / mu + 1)
    tail = exp(2 / mu) * mp.ncdf(-b)
    lp = -log(2 * mp.pi) / 2 - 1.5 * log(z) - (z / mu - 1) ** 2 / (2 * z)
    return lp, mp.ncdf(a) + tail, mp.ncdf(-a) - tail


def _gengamma(z, a, c):
    y = z ** c
    lower, upper = _ginc(a, 0, y), _ginc(a, y, mp.inf)
    return log(abs(c)) + (c * a - 1) * log(z) - y - mp.loggamma(a), *((lower, upper) if c > 0 else (upper, lower))


def _genpareto(z, c):
    if c == 0:
        return -z, -expm1(-z), exp(-z)
    lsf = -log1p(c * z) / c
    return -(c + 1) * log1p(c * z) / c, -expm1(lsf), exp(lsf)


def _exponweib(z, a, c):
    lcdf = a * log(-expm1(-z ** c))
    return log(a) + log(c) + (a - 1) * log(-expm1(-z ** c)) - z ** c + (c - 1) * log(z), exp(lcdf), -expm1(lcdf)


def _loglaplace(z, c):
    if z < 1:
        return log(c / 2) + (c - 1) * log(z), z ** c / 2, 1 - z ** c / 2
    return log(c / 2) - (c + 1) * log(z), 1 - z ** -c / 2, z ** -c / 2


def _log_ncdf(t):
    return log1p(-mp.ncdf(-t)) if t > 0 else log(mp.ncdf(t))


def _powerlognorm(z, c, s):
    u = log(z) / s
    lsf = c * _log_ncdf(-u)
    return log(c) - log(s) - log(z) + _lnpdf(u) + (c - 1) * _log_ncdf(-u), -expm1(lsf), exp(lsf)


def _fatiguelife(z, c):
    t = (mp.sqrt(z) - 1 / mp.sqrt(z)) / c
    lp = log1p(z) - log(2 * c) - log(2 * mp.pi) / 2 - 1.5 * log(z) - (z - 1) ** 2 / (2 * z * c * c)
    return lp, mp.ncdf(t), mp.ncdf(-t)


def _foldnorm(z, c):
    with mp.workdps(700):  # Φ(z - c) - Φ(-z - c) at z = 1e-300
        cdf, sf = +(mp.ncdf(z - c) - mp.ncdf(-z - c)), mp.ncdf(c - z) + mp.ncdf(-z - c)
        return log(mp.npdf(z - c) + mp.npdf(z + c)), cdf, sf


def _recipinvgauss(z, mu):
    _, cdf, sf = _invgauss(1 / z, mu)
    return -log(2 * mp.pi * z) / 2 - (1 - mu * z) ** 2 / (2 * z * mu * mu), sf, cdf


#: (logpdf, cdf, sf) of z inside the support, by the definitions
REF = {
    "weibull_min": lambda z, c: (log(c) + (c - 1) * log(z) - z ** c, -expm1(-z ** c), exp(-z ** c)),
    "halfnorm": lambda z: (log(2 / mp.pi) / 2 - z * z / 2, mp.erf(z / mp.sqrt(2)), mp.erfc(z / mp.sqrt(2))),
    "rayleigh": lambda z: (log(z) - z * z / 2, -expm1(-z * z / 2), exp(-z * z / 2)),
    "pareto": lambda z, b: (log(b) - (b + 1) * log(z), -expm1(-b * log(z)), z ** -b),
    "lomax": lambda z, c: (log(c) - (c + 1) * log1p(z), -expm1(-c * log1p(z)), exp(-c * log1p(z))),
    "invgamma": lambda z, a: (-(a + 1) * log(z) - mp.loggamma(a) - 1 / z, _ginc(a, 1 / z, mp.inf), _ginc(a, 0, 1 / z)),
    "f": lambda z, m, n: (m / 2 * log(m) + n / 2 * log(n) + (m / 2 - 1) * log(z) - (m + n) / 2 * log(n + m * z)
                          - log(mp.beta(m / 2, n / 2)), _binc(m / 2, n / 2, m * z / (m * z + n)),
                          _binc(n / 2, m / 2, n / (m * z + n))),
    "chi": lambda z, k: ((1 - k / 2) * log(2) + (k - 1) * log(z) - z * z / 2 - mp.loggamma(k / 2),
                         _ginc(k / 2, 0, z * z / 2), _ginc(k / 2, z * z / 2, mp.inf)),
    "maxwell": lambda z: REF["chi"](z, mpf(3)),
    "halfcauchy": lambda z: (log(2 / mp.pi) - log1p(z * z), 2 / mp.pi * mp.atan(z), 2 / mp.pi * mp.atan(1 / z)),
    "halflogistic": lambda z: (log(2) - z - 2 * log1p(exp(-z)), mp.tanh(z / 2), 2 / (1 + exp(z))),
    "fisk": lambda z, c: _burr(z, c, mpf(1)),
    "burr": _burr,
    "burr12": lambda z, c, d: (log(c) + log(d) + (c - 1) * log(z) - (d + 1) * log1p(z ** c),
                               -expm1(-d * log1p(z ** c)), exp(-d * log1p(z ** c))),
    "gompertz": lambda z, c: (log(c) + z - c * expm1(z), -expm1(-c * expm1(z)), exp(-c * expm1(z))),
    "genpareto": _genpareto,
    "invgauss": _invgauss,
    "wald": lambda z: _invgauss(z, mpf(1)),
    "recipinvgauss": _recipinvgauss,
    "betaprime": lambda z, a, b: ((a - 1) * log(z) - (a + b) * log1p(z) - log(mp.beta(a, b)), _binc(a, b, z / (1 + z)),
                                  _binc(b, a, 1 / (1 + z))),
    "nakagami": lambda z, nu: (log(2) + nu * log(nu) - mp.loggamma(nu) + (2 * nu - 1) * log(z) - nu * z * z,
                               _ginc(nu, 0, nu * z * z), _ginc(nu, nu * z * z, mp.inf)),
    "exponweib": _exponweib,
    "invweibull": lambda z, c: (log(c) - (c + 1) * log(z) - z ** -c, exp(-z ** -c), -expm1(-z ** -c)),
    "levy": lambda z: (-log(2 * mp.pi) / 2 - 1.5 * log(z) - 1 / (2 * z), mp.erfc(1 / mp.sqrt(2 * z)),
                       mp.erf(1 / mp.sqrt(2 * z))),
    "gengamma": _gengamma,
    "erlang": lambda z, a: ((a - 1) * log(z) - z - mp.loggamma(a), _ginc(a, 0, z), _ginc(a, z, mp.inf)),
    "loglaplace": _loglaplace,
    "powerlognorm": _powerlognorm,
    "fatiguelife": _fatiguelife,
    "foldnorm": _foldnorm,
    "halfgennorm": lambda z, b: (log(b) - mp.loggamma(1 / b) - z ** b, _ginc(1 / b, 0, z ** b),
                                 _ginc(1 / b, z ** b, mp.inf)),
    "mielke": lambda z, k, s: _burr(z, s, k / s),
}


def _reference(name, method, x, shapes, kw):
    """mpmath's value of ``name.method`` at one point (x is q for ppf/isf)."""
    loc, scale = kw.get("loc", 0.0), kw.get("scale", 1.0)
    s = [mpf(v) for v in shapes]
    ref = REF[name]
    with mp.workdps(60):
        if method in ("ppf", "isf"):
            target = log(mpf(x))
            k = 1 if method == "ppf" else 2
            ours = (float(getattr(getattr(stats, name), method)(x, *shapes)))
            u = mp.findroot(lambda u: log(ref(exp(u), *s)[k]) - target, log(mpf(ours)))
            return float(loc + scale * exp(u))
        z = (mpf(x) - loc) / scale
        if z == mp.inf:
            lp, cdf, sf = -mp.inf, mpf(1), mpf(0)
        else:
            lp, cdf, sf = ref(z, *s)
        return float({"logpdf": lp, "pdf": exp(lp), "cdf": cdf, "sf": sf, "logcdf": log(cdf), "logsf": log(sf)}[method])


@pytest.mark.parametrize("kw", LOC_SCALE, ids=["standard", "loc-scale"])
@pytest.mark.parametrize("name, shapes", CASES, ids=[f"{n}{s}" for n, s in CASES])
def test_values_match_scipy_or_mpmath(name, shapes, kw):
    dist = getattr(stats, name)
    for method in METHODS:
        arg = Q if method in ("ppf", "isf") else X
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            got = np.asarray(getattr(dist, method)(arg, *shapes, **kw), dtype=float)
        want = _scipy(name, method, arg, *shapes, **kw)
        assert got.shape == want.shape
        for i in np.flatnonzero(~_agree(got, want, method, 1e-9)):
            # SciPy is off here: the point must be a regular one, with mpmath on our side
            assert np.isfinite(arg[i]) or arg[i] == np.inf, (method, arg[i], got[i], want[i])
            ref = _reference(name, method, arg[i], shapes, kw)
            assert _agree(np.array([got[i]]), np.array([ref]), method, 1e-10)[0], (method, arg[i], got[i], want[i], ref)


#: shape parameters far from 1, on a log-spaced grid of x from 1e-30 to 1e30
EXTREME = {
    "weibull_min": [(0.1,), (7.0,)], "pareto": [(0.1,), (12.0,)], "lomax": [(0.05,), (9.0,)],
    "invgamma": [(0.05,), (30.0,)], "f": [(0.3, 40.0), (50.0, 0.4), (7.0, 100.0)], "chi": [(0.2,), (40.0,)],
    "fisk": [(0.1,), (15.0,)], "burr12": [(0.2, 8.0), (6.0, 0.1)], "burr": [(0.2, 8.0), (6.0, 0.1)],
    "gompertz": [(0.01,), (20.0,)], "genpareto": [(-0.9,), (-5.0,), (0.001,), (-0.001,), (8.0,)],
    "invgauss": [(0.2,), (20.0,)], "betaprime": [(0.2, 0.3), (20.0, 30.0)], "nakagami": [(0.5,), (30.0,)],
    "exponweib": [(0.1, 0.3), (7.0, 4.0)], "invweibull": [(0.2,), (9.0,)],
    "gengamma": [(0.3, 0.4), (4.0, -5.0), (0.2, 8.0)], "erlang": [(10,)], "loglaplace": [(0.1,), (10.0,)],
    "powerlognorm": [(0.1, 0.2), (10.0, 3.0)], "recipinvgauss": [(0.1,), (20.0,)], "fatiguelife": [(0.05,), (10.0,)],
    "foldnorm": [(0.05,), (20.0,), (3.0,)], "halfgennorm": [(0.2,), (8.0,)], "mielke": [(0.2, 8.0), (6.0, 0.3)],
}
XLOG = np.concatenate([[0.0], np.logspace(-30, 30, 41), np.linspace(0.05, 5.0, 12)])
QLOG = np.array([1e-200, 1e-30, 1e-8, 1e-3, 0.2, 0.5, 0.8, 0.999, 1 - 1e-9])


@pytest.mark.parametrize("name", sorted(EXTREME))
def test_extreme_shapes_match_scipy_or_mpmath(name):
    dist = getattr(stats, name)
    for shapes in EXTREME[name]:
        for method in METHODS:
            if name in NEWTON and method in ("ppf", "isf"):  # SciPy's own values
                continue
            arg = QLOG if method in ("ppf", "isf") else XLOG
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                got = np.asarray(getattr(dist, method)(arg, *shapes), dtype=float)
            want = _scipy(name, method, arg, *shapes)
            for i in np.flatnonzero(~_agree(got, want, method, 1e-9)):
                ref = _reference(name, method, arg[i], shapes, {})
                assert _agree(np.array([got[i]]), np.array([ref]), method, 1e-9)[0], (shapes, method, arg[i], got[i],
                                                                                      want[i], ref)


INVALID = [("weibull_min", (0.0,)), ("pareto", (-1.0,)), ("f", (1.0, -2.0)), ("genpareto", (np.nan,)),
           ("genpareto", (np.inf,)), ("gengamma", (1.0, 0.0)), ("gengamma", (-1.0, 1.0)), ("foldnorm", (-0.5,)),
           ("mielke", (1.0, np.nan)), ("burr", (0.0, 1.0)), ("halfnorm", ()), ("levy", ()), ("invgauss", (0.0,)),
           ("exponweib", (1.0, -1.0)), ("powerlognorm", (1.0, 0.0))]


@pytest.mark.parametrize("name, shapes", INVALID, ids=[f"{n}{s}" for n, s in INVALID])
def test_invalid_parameters_give_nan_without_warnings(name, shapes):
    dist = getattr(stats, name)
    x = np.array([0.3, 0.5])
    for method in METHODS:
        for args, kw in ([shapes, {"scale": -1.0}], [shapes, {"scale": 0.0}]) + (([shapes, {}],) if shapes else ()):
            if not shapes and not kw:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                got = getattr(dist, method)(x, *args, **kw)
            assert np.all(np.isnan(got)), (method, args, kw, got)
            assert np.all(np.isnan(_scipy(name, method, x, *args, **kw))), (method, args, kw)


def test_genpareto_support_is_cut_at_minus_one_over_c():
    """For c < 0 the support is [0, -1/c]: outside it the density is 0 and the cdf 1; the
    quantile at q = 1 is the end."""
    for c in (-0.5, -2.0):
        end = -1.0 / c
        x = np.array([0.5 * end, end, 1.001 * end, 10.0 * end])
        np.testing.assert_array_equal(stats.genpareto.cdf(x[1:], c), [1.0, 1.0, 1.0])
        np.testing.assert_array_equal(stats.genpareto.pdf(x[2:], c), [0.0, 0.0])
        assert stats.genpareto.ppf(1.0, c, 0.5, 3.0) == 0.5 + 3.0 * end
        np.testing.assert_allclose(stats.genpareto.isf(0.3, c), ss.genpareto.isf(0.3, c), rtol=1e-13)
    # the derivative in c is continuous through c = 0 (the series of log1p(t)/t there)
    x = np.array([0.3, 2.0])
    g = [osc.grad(lambda c: np.sum(stats.genpareto.logpdf(x, c) + stats.genpareto.logsf(x, c)))(c)
         for c in (-1e-9, 0.0, 1e-9)]
    want = np.sum(x * x / 2.0 - x + x * x / 2.0)  # d/dc of -(1 + c) log1p(cz)/c and -log1p(cz)/c at c = 0
    np.testing.assert_allclose(g, want, rtol=1e-7)


def test_erlang_with_a_non_integer_shape_is_gamma():
    x = np.array([0.2, 1.0, 3.0])
    for method in ("logpdf", "cdf", "logsf"):
        np.testing.assert_allclose(getattr(stats.erlang, method)(x, 2.5), getattr(ss.gamma, method)(x, 2.5),
                                   rtol=1e-12)


def test_the_traced_values_are_the_plain_values():
    assert_traced_values_are_plain(CASES, X[np.isfinite(X)])


def test_arguments_broadcast_like_scipy():
    x, c = np.linspace(0.6, 3.0, 4)[:, None], np.array([0.5, 1.5, 3.0])
    for name in ("weibull_min", "lomax", "fisk", "nakagami", "invweibull", "genpareto"):
        np.testing.assert_allclose(getattr(stats, name).logpdf(x, c, 0.0, np.array([[1.0], [2.0], [1.0], [0.5]])),
                                   _scipy(name, "logpdf", x, c, 0.0, np.array([[1.0], [2.0], [1.0], [0.5]])),
                                   rtol=1e-12)
    np.testing.assert_allclose(stats.f.cdf(x, c, c[:, None, None]), ss.f.cdf(x, c, c[:, None, None]), rtol=1e-12)
    assert np.shape(stats.halfnorm.logpdf(0.5)) == ()


def test_frozen_form():
    x = np.array([0.2, 1.5, 3.0])
    np.testing.assert_array_equal(stats.burr12(2.0, 3.0, scale=2.0).logsf(x),
                                  stats.burr12.logsf(x, 2.0, 3.0, scale=2.0))
    np.testing.assert_array_equal(stats.levy(0.1).cdf(x), stats.levy.cdf(x, 0.1))


# --------------------------------------------------------------------------- derivatives


def test_newton_quantiles_are_differentiable_to_second_order():
    """invgauss, wald, recipinvgauss and foldnorm start ppf/isf from SciPy's values: their
    derivatives in q, the shape, loc and scale against finite differences, and the first
    derivative in q against 1 / pdf at the quantile."""
    q = np.array([0.01, 0.3, 0.7, 0.97])
    for name, shapes in [("invgauss", (0.7,)), ("wald", ()), ("recipinvgauss", (1.3,)), ("foldnorm", (0.8,))]:
        dist = getattr(stats, name)
        for method in ("ppf", "isf"):
            fn = getattr(dist, method)
            check_grads(lambda q, loc, s: fn(q, *shapes, loc, s), (q, np.array(0.3), np.array(1.7)), order=2,
                        modes=("fwd", "rev"))
            if shapes:
                check_grads(lambda m: fn(q, m), (np.array(shapes[0]),), order=2, modes=("fwd", "rev"))
            np.testing.assert_allclose(fn(q, *shapes, 0.3, 1.7), _scipy(name, method, q, *shapes, 0.3, 1.7),
                                       rtol=1e-12)
            sign = 1.0 if method == "ppf" else -1.0
            g = [osc.grad(lambda p: fn(p, *shapes))(p) for p in q]
            np.testing.assert_allclose(g, sign / _scipy(name, "pdf", fn(q, *shapes), *shapes), rtol=1e-9)
    with pytest.raises(osc.ConcretizationError, match=r"stats\.invgauss\.ppf .* cannot run under osculate\.jit"):
        osc.jit(lambda q: stats.invgauss.ppf(q, 1.0))(np.array([0.2, 0.4]))
    assert core.current_depth() == 0


def test_closed_form_quantiles_run_under_jit_and_vmap():
    """The other quantiles are closed forms or gammaincinv/betaincinv (differentiable in all
    their arguments): jit and vmap of their gradients are those of the plain calls."""
    q = np.array([0.05, 0.4, 0.9])
    for name, shapes in [("invgamma", (2.5,)), ("f", (3.0, 5.0)), ("betaprime", (2.5, 1.5)), ("gengamma", (1.5, -0.7)),
                         ("powerlognorm", (2.0, 0.6)), ("genpareto", (-0.3,))]:
        fn = getattr(getattr(stats, name), "ppf")
        g = osc.vmap(osc.grad(lambda p: fn(p, *shapes)))(q)
        np.testing.assert_allclose(osc.jit(osc.vmap(osc.grad(lambda p: fn(p, *shapes))))(q), g, rtol=1e-13)
        np.testing.assert_allclose(g, 1.0 / _scipy(name, "pdf", fn(q, *shapes), *shapes), rtol=1e-9)


def test_derivatives_stay_finite_beside_points_outside_the_support():
    x = np.array([-1.0, 0.0, 0.5, 1.5, 3.0, 50.0])
    p = np.array([0.1, 2.0])
    for name, shapes in [("weibull_min", (1.5,)), ("invgamma", (2.0,)), ("genpareto", (-0.4,)), ("levy", ()),
                         ("burr", (2.0, 1.5)), ("gengamma", (1.5, -2.0)), ("foldnorm", (1.0,)), ("invgauss", (0.8,)),
                         ("pareto", (2.0,)), ("loglaplace", (2.0,))]:
        dist = getattr(stats, name)
        for method in ("cdf", "sf", "logpdf"):
            def f(p):  # logpdf is -inf outside the support: the sum keeps the finite terms
                v = getattr(dist, method)(x, *shapes, p[0], p[1])
                return np.sum(np.where(np.isfinite(v), v, 0.0))

            g, h = osc.grad(f)(p), osc.hessian(f)(p)
            assert np.all(np.isfinite(g)) and np.all(np.isfinite(h)), (name, method, g, h)
            check_grads(f, (p,), order=2, modes=("fwd", "rev"))
    assert core.current_depth() == 0


def test_derivatives_at_the_lower_end_of_the_support():
    """At x = loc (z = 0) the one-sided derivatives in x of the members that reduce to expon
    or lomax there: weibull_min(1), exponweib(1, 1), gengamma(1, 1), halfgennorm(1) are
    expon; burr12(1, d) and fisk(1) (= burr12(1, 1)) are lomax(d).  (The cdfs of gengamma and
    halfgennorm are gammainc(a, z^c), whose second derivative in z at z = 0 osculate's
    gammainc gives as 0, so only their logpdf is compared there.)"""
    for method in ("logpdf", "cdf", "sf", "logsf"):
        gammainc_based = [(stats.gengamma, (1.0, 1.0)), (stats.halfgennorm, (1.0,))] if method == "logpdf" else []
        for want_dist, want_shapes, cases in [
            (stats.expon, (), [(stats.weibull_min, (1.0,)), (stats.exponweib, (1.0, 1.0))] + gammainc_based),
            (stats.lomax, (2.5,), [(stats.burr12, (1.0, 2.5))]), (stats.lomax, (1.0,), [(stats.fisk, (1.0,))])]:
            want = [osc.grad(lambda x: getattr(want_dist, method)(x, *want_shapes, 0.5, 2.0))(0.5),
                    osc.hessian(lambda x: getattr(want_dist, method)(x, *want_shapes, 0.5, 2.0))(0.5)]
            for dist, shapes in cases:
                got = [osc.grad(lambda x: getattr(dist, method)(x, *shapes, 0.5, 2.0))(0.5),
                       osc.hessian(lambda x: getattr(dist, method)(x, *shapes, 0.5, 2.0))(0.5)]
                np.testing.assert_allclose(got, want, rtol=1e-13, err_msg=f"{dist.name} {method}")
    assert osc.grad(lambda x: stats.lomax.logpdf(x, 2.5))(0.0) == -3.5


def test_deep_tails_have_their_derivatives():
    """logsf far in the upper tail: d/dx logsf = -pdf / sf (the hazard), by the stable forms."""
    for name, shapes, x in [("weibull_min", (2.0,), 30.0), ("lomax", (1.5,), 1e8), ("invgauss", (0.5,), 400.0),
                            ("fisk", (3.0,), 1e6), ("burr12", (2.0, 0.5), 1e5), ("powerlognorm", (2.0, 0.5), 1e4),
                            ("gompertz", (0.5,), 6.0), ("halflogistic", (), 700.0), ("levy", (), 1e-3),
                            ("exponweib", (7.0, 4.0), 3.0), ("foldnorm", (0.5,), 1e6), ("invgauss", (2.0,), 1e5),
                            ("invgauss", (0.1,), 1e6)]:
        dist = getattr(stats, name)
        g = osc.grad(lambda x: dist.logsf(x, *shapes))(x)
        with mp.workdps(60):
            lp, _, sf = REF[name](mpf(x), *[mpf(v) for v in shapes])
            want = float(-exp(lp) / sf)
        np.testing.assert_allclose(g, want, rtol=1e-9, err_msg=name)
    # and logcdf far in the lower tail: d/dx logcdf = pdf / cdf (powerlognorm's below 1e-308)
    for name, shapes, x in [("powerlognorm", (0.1, 0.2), 1e-8), ("invweibull", (2.0,), 0.05), ("burr", (2.0, 0.5), 1e-3),
                            ("fatiguelife", (0.5,), 0.01), ("gompertz", (0.5,), 1e-6)]:
        dist = getattr(stats, name)
        with mp.workdps(60):
            lp, cdf, _ = REF[name](mpf(x), *[mpf(v) for v in shapes])
            want_value, want = float(log(cdf)), float(exp(lp) / cdf)
        np.testing.assert_allclose(dist.logcdf(x, *shapes), want_value, rtol=1e-12, err_msg=name)
        np.testing.assert_allclose(osc.grad(lambda x: dist.logcdf(x, *shapes))(x), want, rtol=1e-9, err_msg=name)


# --------------------------------------------------------------------------- a realistic use


def test_weibull_maximum_likelihood_by_newton():
    """Fit weibull_min(c, scale) to data by Newton's method on the exact Hessian of the
    log-likelihood; at the optimum the gradient is 0 and the scale has its closed form
    (mean of x^c)^(1/c); the Hessian matches finite differences of the gradient."""
    r = np.random.default_rng(11)
    x = ss.weibull_min.rvs(1.8, scale=2.5, size=400, random_state=r)

    def nll(p):
        return -np.sum(stats.weibull_min.logpdf(x, p[0], 0.0, p[1]))

    p = np.array([1.0, 1.0])
    for _ in range(30):
        p = p - np.linalg.solve(osc.hessian(nll)(p), osc.grad(nll)(p))
    c, scale = p
    np.testing.assert_allclose(osc.grad(nll)(p), 0.0, atol=1e-9)
    np.testing.assert_allclose(scale, np.mean(x ** c) ** (1.0 / c), rtol=1e-12)
    want = ss.weibull_min.fit(x, floc=0.0)
    np.testing.assert_allclose([c, scale], [want[0], want[2]], rtol=1e-4)
    h, eps = osc.hessian(nll)(p), 1e-6
    fd = np.array([(osc.grad(nll)(p + eps * e) - osc.grad(nll)(p - eps * e)) / (2 * eps) for e in np.eye(2)])
    np.testing.assert_allclose(h, fd, rtol=1e-6)


def test_genpareto_fit_with_minimize():
    """Peaks over a threshold: a generalized Pareto fit of (c, scale) with osculate.optim.minimize,
    against SciPy's fit."""
    r = np.random.default_rng(5)
    x = ss.genpareto.rvs(0.2, scale=1.5, size=300, random_state=r)

    def nll(p):
        return -np.mean(stats.genpareto.logpdf(x, p[0], 0.0, np.exp(p[1])))

    res = osc.optim.minimize(nll, np.array([0.0, 0.0]))
    want = ss.genpareto.fit(x, floc=0.0)
    np.testing.assert_allclose([res.x[0], np.exp(res.x[1])], [want[0], want[2]], rtol=2e-4)
    np.testing.assert_allclose(osc.grad(nll)(res.x), 0.0, atol=1e-7)
