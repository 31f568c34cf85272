"""``osculate.scipy.stats``: the distributions of ``_more.py`` against :mod:`scipy.stats`.

Every method on grids with the far tails, the support's ends, points outside
it, NaN, ±inf, with and without loc/scale, at two or more shape values.  Where
SciPy's value differs, the point is checked against mpmath (a reference written
from the distribution's definition; a quantile by mpmath's cdf at our value),
so no disagreement passes unchecked.  The survival functions that are ``1 -
cdf`` (ncx2, ncf, rice: ``scipy.special`` has no complement of ``chndtr`` or
``ncfdtr``) are checked in absolute terms only where they disagree, as their
docstrings say.  The derivatives of the Newton-based ``isf`` are checked here,
the others in the primitive table (``tests/rows_stats_more.py``); and a
maximum-likelihood fit.
"""

from __future__ import annotations

import warnings

import mpmath as mp
import numpy as np
import pytest
import scipy.special as sc
import scipy.stats as ss

import osculate as osc
from osculate.ad import core
from osculate.scipy import stats
from osculate.testing import check_grads

from _stats_cases import agree as _agree, mpmath_value, scipy_values as _scipy

X = np.array([-1e3, -3.0, -0.2, 0.0, 1e-300, 1e-20, 1e-3, 0.3, 0.5, 1.0, 1.7, 2.5, 8.0, 40.0, 1e3, 1e10,
              np.inf, -np.inf, np.nan])
Q = np.array([-0.1, 0.0, 1e-300, 1e-12, 0.01, 0.3, 0.5, 0.9, 1 - 1e-12, 1.0, 1.1, np.nan])
METHODS = ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "ppf", "isf"]

CASES = [
    ("ncx2", (3.0, 1.5)), ("ncx2", (0.7, 4.0)), ("ncx2", (2.0, 0.0)), ("ncx2", (5.0, 0.3)),
    ("ncf", (3.0, 5.0, 1.5)), ("ncf", (1.0, 0.7, 3.0)), ("ncf", (4.0, 9.0, 0.0)),
    ("nct", (3.0, 1.0)), ("nct", (0.7, -2.0)), ("nct", (10.0, 0.0)), ("nct", (25.0, 0.5)),
    ("rice", (1.5,)), ("rice", (0.0,)), ("rice", (4.0,)), ("gibrat", ()), ("levy_l", ()),
    ("exponpow", (2.5,)), ("exponpow", (0.5,)), ("exponpow", (1.0,)), ("kappa3", (2.5,)), ("kappa3", (0.5,)),
    ("kappa3", (1.0,)), ("skewcauchy", (0.5,)), ("skewcauchy", (-0.7,)), ("skewcauchy", (0.0,)),
    ("genhalflogistic", (0.5,)), ("genhalflogistic", (1.0,)), ("genhalflogistic", (2.0,)), ("genhalflogistic", (0.05,)),
    ("powernorm", (0.5,)), ("powernorm", (1.0,)), ("powernorm", (4.0,)), ("foldcauchy", (0.0,)),
    ("foldcauchy", (1.5,)), ("foldcauchy", (20.0,)), ("wrapcauchy", (0.5,)), ("wrapcauchy", (0.05,)),
    ("wrapcauchy", (0.95,)), ("truncpareto", (2.0, 5.0)), ("truncpareto", (-1.5, 3.0)), ("truncpareto", (0.3, 1e4)),
    ("truncpareto", (1e-3, 2.0)),
]
LOC_SCALE = [{}, {"loc": 0.3, "scale": 2.0}]
ONE_MINUS_CDF = ("ncx2", "ncf", "rice")  # sf = 1 - cdf: absolute accuracy only
NEWTON_ISF = ("ncx2", "ncf", "nct", "rice")

# --------------------------------------------------------------------------- mpmath references

mpf, log, exp = mp.mpf, mp.log, mp.exp


def _poisson_sum(lam, term):
    """``Σⱼ e^(-λ) λʲ/j! term(j)`` (λ = nc/2)."""
    if lam == 0:
        return term(0)
    return mp.nsum(lambda j: exp(-lam + j * log(lam) - mp.loggamma(j + 1)) * term(j), [0, mp.inf])


def _ncx2(z, df, nc):
    h = df / 2
    if z == 0:
        lp = mp.inf if df < 2 else (log(mpf(1) / 2) - nc / 2 if df == 2 else -mp.inf)
    elif nc == 0:
        lp = (h - 1) * log(z) - z / 2 - h * log(2) - mp.loggamma(h)
    else:
        lp = (log(mpf(1) / 2) - (z + nc) / 2 + (df / 4 - mpf(1) / 2) * log(z / nc)
              + log(mp.besseli(h - 1, mp.sqrt(nc * z))))
    return (lp, lambda: _poisson_sum(nc / 2, lambda j: mp.gammainc(h + j, 0, z / 2, regularized=True)),
            lambda: _poisson_sum(nc / 2, lambda j: mp.gammainc(h + j, z / 2, mp.inf, regularized=True)))


def _ncf(z, m, n, nc):
    a, b = m / 2, n / 2
    d = n + m * z
    if z == 0:
        lp = mp.inf if m < 2 else (log(m / n) - nc / 2 if m == 2 else -mp.inf)
    else:
        lp = (a * log(m) + b * log(n) + (a - 1) * log(z) - (a + b) * log(d) - log(mp.beta(a, b)) - nc / 2
              + log(mp.hyp1f1(a + b, a, nc * m * z / (2 * d))))
    w = m * z / d
    return (lp, lambda: _poisson_sum(nc / 2, lambda j: mp.betainc(a + j, b, 0, w, regularized=True)),
            lambda: _poisson_sum(nc / 2, lambda j: mp.betainc(b, a + j, 0, n / d, regularized=True)))


def _nct_logpdf(z, df, nc):
    s = df + z * z
    y = nc * nc * z * z / (2 * s)
    h = df / 2
    c = h * log(df) + mp.loggamma(df + 1) - df * log(2) - nc * nc / 2 - h * log(s) - mp.loggamma(h)
    t1 = mp.sqrt(2) * nc * z * mp.hyp1f1(h + 1, mpf(3) / 2, y) / (s * mp.gamma(h + mpf(1) / 2))
    t2 = mp.hyp1f1(h + mpf(1) / 2, mpf(1) / 2, y) / (mp.sqrt(s) * mp.gamma(h + 1))
    return c + log(t1 + t2)


def _nct(z, df, nc):  # the cdf as P(N + nc <= z √(V/df)), V ~ chi2(df), by quadrature over V
    h = df / 2

    def dens(v):
        return exp((h - 1) * log(v) - v / 2 - h * log(2) - mp.loggamma(h))

    return (_nct_logpdf(z, df, nc), lambda: mp.quad(lambda v: dens(v) * mp.ncdf(z * mp.sqrt(v / df) - nc),
                                                     [0, df, mp.inf]),
            lambda: mp.quad(lambda v: dens(v) * mp.ncdf(nc - z * mp.sqrt(v / df)), [0, df, mp.inf]))


def _exponpow(z, b):
    lsf = -mp.expm1(z ** b) if z > 0 else mpf(0)
    lp = (log(b) + (b - 1) * log(z) + z ** b + lsf if z > 0 else (mp.inf if b < 1 else (log(b) if b == 1 else -mp.inf)))
    return lp, lambda: -mp.expm1(lsf), lambda: exp(lsf)


def _kappa3(z, a):
    lcdf = -mp.log1p(a * z ** -a) / a if z > 0 else -mp.inf
    return log(a) - (a + 1) / a * log(a + z ** a), lambda: exp(lcdf), lambda: -mp.expm1(lcdf)


def _skewcauchy(z, a):
    w = z / (1 + (a if z >= 0 else -a))
    if z < 0:
        low = (1 - a) / mp.pi * mp.atan((1 - a) / -z)
        return -log(mp.pi) - mp.log1p(w * w), lambda: low, lambda: 1 - low
    high = (1 + a) / mp.pi * (mp.atan((1 + a) / z) if z > 0 else mp.pi / 2)
    return -log(mp.pi) - mp.log1p(w * w), lambda: 1 - high, lambda: high


def _genhalflogistic(z, c):
    if c * z >= 1:  # the end of the support
        lp = log(2) if c == 1 else (-mp.inf if c < 1 else mp.inf)
        return lp, lambda: mpf(1), lambda: mpf(0)
    lt = mp.log1p(-c * z) / c
    t = exp(lt)
    return (log(2) + (1 / c - 1) * mp.log1p(-c * z) - 2 * mp.log1p(t), lambda: -mp.expm1(lt) / (1 + t),
            lambda: 2 * t / (1 + t))


def _powernorm(z, c):
    lphi = log(mp.ncdf(-z)) if z > 0 else mp.log1p(-mp.ncdf(z))  # log Φ(-z)
    lsf = c * lphi
    return (log(c) - log(2 * mp.pi) / 2 - z * z / 2 + (c - 1) * lphi, lambda: -mp.expm1(lsf),
            lambda: exp(lsf))


def _foldcauchy(z, c):
    lp = log(1 / (1 + (z - c) ** 2) + 1 / (1 + (z + c) ** 2)) - log(mp.pi)
    return (lp, lambda: mp.atan2(2 * z, 1 + c * c - z * z) / mp.pi,
            lambda: (mp.atan2(1, z - c) + mp.atan2(1, z + c)) / mp.pi)


def _wrapcauchy(z, c):
    lp = mp.log1p(-c * c) - log(2 * mp.pi) - log(1 + c * c - 2 * c * mp.cos(z))
    r = (1 + c) / (1 - c)
    low = mp.atan(r * mp.tan(min(z, 2 * mp.pi - z) / 2)) / mp.pi  # the probability of the nearer end's side
    if z < mp.pi:
        return lp, lambda: low, lambda: 1 - low
    return lp, lambda: 1 - low, lambda: low


def _truncpareto(z, b, c):
    e = mp.expm1(-b * log(c))
    return (log(-b / e) - (b + 1) * log(z), lambda: mp.expm1(-b * log(z)) / e,
            lambda: z ** -b * mp.expm1(b * log(z / c)) / e)


def _rice(z, b):
    lp = -mp.inf if z == 0 else log(z) - (z * z + b * b) / 2 + log(mp.besseli(0, z * b))
    _, cdf, sf = _ncx2(z * z, mpf(2), b * b)
    return lp, cdf, sf


REF = {
    "ncx2": _ncx2, "ncf": _ncf, "nct": _nct, "rice": _rice, "exponpow": _exponpow, "kappa3": _kappa3,
    "skewcauchy": _skewcauchy, "genhalflogistic": _genhalflogistic, "powernorm": _powernorm, "foldcauchy": _foldcauchy,
    "wrapcauchy": _wrapcauchy, "truncpareto": _truncpareto,
    "gibrat": lambda z: (-log(2 * mp.pi) / 2 - log(z) - log(z) ** 2 / 2, lambda: mp.ncdf(log(z)),
                         lambda: mp.ncdf(-log(z))),
    "levy_l": lambda z: (-log(2 * mp.pi) / 2 - 1.5 * log(-z) + 1 / (2 * z), lambda: mp.erf(1 / mp.sqrt(-2 * z)),
                         lambda: mp.erfc(1 / mp.sqrt(-2 * z))),
}


def _reference(name, method, x, shapes, kw):
    """mpmath's value of ``name.method`` at one point (see ``_stats_cases.mpmath_value``)."""
    return mpmath_value(REF, name, method, x, shapes, kw, stats)


def _check_point(name, method, arg, got, want, shapes, kw):
    """A point where osculate and SciPy disagree: mpmath decides."""
    if name == "nct" and np.isnan(got) and method not in ("ppf", "isf", "logpdf", "pdf"):
        # scipy.special.nctdtr fails in far tails (the documented limit): the cdf there is below 1e-40
        z = (arg - kw.get("loc", 0.0)) / kw.get("scale", 1.0)
        assert np.isnan(sc.nctdtr(shapes[0], shapes[1], z)) or np.isnan(sc.nctdtr(shapes[0], -shapes[1], -z))
        assert min(want, 1.0 - want) < 1e-40 if method in ("cdf", "sf") else True
        return
    if name == "ncf" and method == "isf" and np.isnan(got):  # SciPy's inverse raised (the documented limit)
        assert np.isnan(want) and 0.0 < arg < 1e-100
        return
    assert np.isfinite(arg) or arg == np.inf or method in ("ppf", "isf"), (method, arg, got, want)
    ref = _reference(name, method, arg, shapes, kw)
    if method in ("ppf", "isf"):  # mpmath's probability at our quantile is q
        assert np.isclose(ref, arg, rtol=1e-9, atol=0.0), (method, arg, got, want, ref)
    elif name in ONE_MINUS_CDF and method in ("sf", "logsf"):  # 1 - cdf: absolute accuracy
        g, r = (np.exp(got), np.exp(ref)) if method == "logsf" else (got, ref)
        assert abs(g - r) <= 1e-15, (method, arg, got, want, ref)
    else:
        assert _agree(np.array([got]), np.array([ref]), method, 1e-10)[0], (method, arg, got, want, ref)


@pytest.mark.parametrize("kw", LOC_SCALE, ids=["standard", "loc-scale"])
@pytest.mark.parametrize("name, shapes", CASES, ids=[f"{n}{s}" for n, s in CASES])
def test_values_match_scipy_or_mpmath(name, shapes, kw):
    dist = getattr(stats, name)
    for method in METHODS:
        arg = Q if method in ("ppf", "isf") else (-X if name == "levy_l" else X)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            got = np.asarray(getattr(dist, method)(arg, *shapes, **kw), dtype=float)
        want = _scipy(name, method, arg, *shapes, **kw)
        assert got.shape == want.shape
        if method in ("pdf", "logpdf"):  # SciPy's density at +inf is NaN for some of these: ours is 0
            inf = np.abs(arg) == np.inf
            assert np.all(got[inf] == (0.0 if method == "pdf" else -np.inf))
            want = np.where(inf, got, want)
        for i in np.flatnonzero(~_agree(got, want, method, 1e-9)):
            _check_point(name, method, arg[i], got[i], want[i], shapes, kw)


EXTREME = {
    "ncx2": [(0.3, 0.2), (50.0, 30.0), (4.0, 200.0)], "ncf": [(0.5, 40.0, 2.0), (20.0, 3.0, 10.0)],
    "nct": [(0.5, 1.5), (3.0, -2.0), (60.0, 1.0)], "rice": [(0.1,), (8.0,)],
    "exponpow": [(0.1,), (7.0,)], "kappa3": [(0.1,), (9.0,)], "skewcauchy": [(0.99,), (-0.999,)],
    "powernorm": [(0.05,), (30.0,)], "foldcauchy": [(1e-3,), (1e4,)],
}
XLOG = np.concatenate([np.logspace(-30, 30, 31), np.linspace(0.05, 5.0, 8)])
QLOG = np.array([1e-30, 1e-8, 1e-3, 0.2, 0.5, 0.8, 0.999, 1 - 1e-9])


@pytest.mark.parametrize("name", sorted(EXTREME))
def test_extreme_shapes_match_scipy_or_mpmath(name):
    dist = getattr(stats, name)
    for shapes in EXTREME[name]:
        for method in METHODS:
            for arg in [QLOG] if method in ("ppf", "isf") else ([XLOG, -XLOG] if name == "nct" else [XLOG]):
                if name == "nct" and method == "ppf":  # nctdtrit (SciPy's ppf too) is coarse for tiny q
                    arg = arg[arg > 1e-20]
                with warnings.catch_warnings():
                    warnings.simplefilter("error")
                    got = np.asarray(getattr(dist, method)(arg, *shapes), dtype=float)
                want = _scipy(name, method, arg, *shapes)
                for i in np.flatnonzero(~_agree(got, want, method, 1e-9)):
                    _check_point(name, method, arg[i], got[i], want[i], shapes, {})


def test_nct_density_where_its_two_terms_cancel():
    """Where nc z < 0 the density's two hypergeometric terms have opposite signs: to 1e-11 for
    |nc| <= 2, to 1e-7 at nc = 5 (the limits the docstring gives), against mpmath."""
    z = -np.array([0.3, 1.0, 2.0, 5.0, 30.0, 300.0])
    for (df, nc), rtol in [((3.0, 2.0), 1e-11), ((0.7, 2.0), 1e-11), ((10.0, 1.0), 1e-11), ((3.0, 5.0), 1e-7)]:
        got = stats.nct.logpdf(z, df, nc)
        with mp.workdps(80):
            want = [float(_nct_logpdf(mpf(v), mpf(df), mpf(nc))) for v in z]
        np.testing.assert_allclose(got, want, rtol=rtol)
        np.testing.assert_allclose(stats.nct.logpdf(-z, df, -nc), got, rtol=1e-15)


INVALID = [("ncx2", (0.0, 1.0)), ("ncx2", (2.0, -0.5)), ("ncf", (1.0, -2.0, 1.0)), ("ncf", (1.0, 2.0, -1.0)),
           ("nct", (-1.0, 0.5)), ("nct", (np.nan, 0.5)), ("rice", (-0.5,)), ("gibrat", ()), ("levy_l", ()),
           ("exponpow", (0.0,)), ("kappa3", (-1.0,)), ("skewcauchy", (1.0,)), ("skewcauchy", (-1.5,)),
           ("genhalflogistic", (0.0,)), ("powernorm", (-1.0,)), ("foldcauchy", (-0.5,)), ("wrapcauchy", (1.0,)),
           ("wrapcauchy", (0.0,)), ("truncpareto", (0.0, 2.0)), ("truncpareto", (1.0, 0.5))]


@pytest.mark.parametrize("name, shapes", INVALID, ids=[f"{n}{s}" for n, s in INVALID])
def test_invalid_parameters_give_nan_without_warnings(name, shapes):
    dist = getattr(stats, name)
    x = np.array([0.3, 0.5]) if name != "levy_l" else np.array([-0.3, -0.5])
    for method in METHODS:
        for args, kw in ([shapes, {"scale": -1.0}], [shapes, {"scale": 0.0}]) + (([shapes, {}],) if shapes else ()):
            arg = np.array([0.3, 0.5]) if method in ("ppf", "isf") else x
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                got = getattr(dist, method)(arg, *args, **kw)
            assert np.all(np.isnan(got)), (name, method, args, kw, got)
            assert np.all(np.isnan(_scipy(name, method, arg, *args, **kw))), (name, method, args, kw)


def test_special_cases_are_the_central_distributions():
    x = np.array([0.2, 1.0, 2.0, 3.5])  # (rice's and ncx2's sf is 1 - cdf: not far in the upper tail)
    for method in ("logpdf", "cdf", "logsf"):
        np.testing.assert_allclose(getattr(stats.ncx2, method)(x, 3.0, 0.0), getattr(ss.chi2, method)(x, 3.0),
                                   rtol=1e-12)
        np.testing.assert_allclose(getattr(stats.rice, method)(x, 0.0), getattr(ss.rayleigh, method)(x), rtol=1e-12)
        np.testing.assert_allclose(getattr(stats.nct, method)(x - 2.0, 4.0, 0.0), getattr(ss.t, method)(x - 2.0, 4.0),
                                   rtol=1e-12)
        np.testing.assert_allclose(getattr(stats.gibrat, method)(x), getattr(ss.lognorm, method)(x, 1.0), rtol=1e-12)
        np.testing.assert_allclose(getattr(stats.levy_l, method)(-x), getattr(ss.levy, method.replace("cdf", "xx")
                                   .replace("sf", "cdf").replace("xx", "sf"))(x), rtol=1e-12)


def test_arguments_broadcast_and_frozen_form():
    x, nc = np.linspace(0.6, 3.0, 4)[:, None], np.array([0.5, 1.5, 3.0])
    np.testing.assert_allclose(stats.ncx2.logpdf(x, 2.5, nc, 0.0, np.array([[1.0], [2.0], [1.0], [0.5]])),
                               ss.ncx2.logpdf(x, 2.5, nc, 0.0, np.array([[1.0], [2.0], [1.0], [0.5]])), rtol=1e-12)
    np.testing.assert_allclose(stats.nct.cdf(x, nc[:, None, None], nc), ss.nct.cdf(x, nc[:, None, None], nc),
                               rtol=1e-12)
    np.testing.assert_array_equal(stats.ncf(2.0, 3.0, 1.0, scale=2.0).logsf(x), stats.ncf.logsf(x, 2.0, 3.0, 1.0,
                                                                                              scale=2.0))
    assert np.shape(stats.rice.logpdf(0.5, 1.0)) == ()


# --------------------------------------------------------------------------- derivatives


def test_newton_isf_is_differentiable_to_second_order():
    """The isf of ncx2, ncf, nct and rice starts from SciPy's values: its derivatives in q, the
    shapes, loc and scale against finite differences, and in q against -1 / pdf."""
    q = np.array([0.01, 0.3, 0.7, 0.97])
    for name, shapes in [("ncx2", (3.0, 1.5)), ("ncf", (3.0, 5.0, 1.5)), ("nct", (4.0, 0.7)), ("rice", (1.3,))]:
        fn = getattr(stats, name).isf
        check_grads(lambda q, loc, s: fn(q, *shapes, loc, s), (q, np.array(0.3), np.array(1.7)), order=2,
                    modes=("fwd", "rev"))
        for k in range(len(shapes)):
            def in_shape(v, k=k):
                return fn(q, *shapes[:k], v, *shapes[k + 1:])

            check_grads(in_shape, (np.array(shapes[k]),), order=2, modes=("fwd", "rev"), eps=1e-4)
        np.testing.assert_allclose(fn(q, *shapes, 0.3, 1.7), _scipy(name, "isf", q, *shapes, 0.3, 1.7), rtol=1e-12)
        g = [osc.grad(lambda p: fn(p, *shapes))(p) for p in q]
        np.testing.assert_allclose(g, -1.0 / _scipy(name, "pdf", fn(q, *shapes), *shapes), rtol=1e-9)
    with pytest.raises(osc.ConcretizationError, match=r"stats\.ncx2\.isf .* cannot run under osculate\.jit"):
        osc.jit(lambda q: stats.ncx2.isf(q, 2.0, 1.0))(np.array([0.2, 0.4]))
    assert core.current_depth() == 0


def test_closed_form_quantiles_run_under_jit_and_vmap():
    q = np.array([0.05, 0.4, 0.9])
    for name, shapes in [("ncx2", (2.5, 1.0)), ("ncf", (3.0, 5.0, 1.5)), ("nct", (4.0, 0.7)), ("rice", (1.3,))]:
        fn = getattr(stats, name).ppf
        g = osc.vmap(osc.grad(lambda p: fn(p, *shapes)))(q)
        np.testing.assert_allclose(osc.jit(osc.vmap(osc.grad(lambda p: fn(p, *shapes))))(q), g, rtol=1e-13)
        np.testing.assert_allclose(g, 1.0 / _scipy(name, "pdf", fn(q, *shapes), *shapes), rtol=1e-9)


def test_noncentrality_derivative_of_the_cdf_is_minus_the_shifted_density():
    """d/dnc ncx2.cdf(x, df, nc) = -ncx2.pdf(x, df + 2, nc) (a closed form)."""
    x = np.array([0.5, 2.0, 6.0])
    for df, nc in [(3.0, 1.5), (0.8, 4.0)]:
        g = osc.vmap(osc.grad(lambda n, xi: stats.ncx2.cdf(xi, df, n)), in_axes=(None, 0))(nc, x)
        np.testing.assert_allclose(g, -ss.ncx2.pdf(x, df + 2.0, nc), rtol=1e-10)


def test_derivatives_stay_finite_beside_points_outside_the_support():
    x = np.array([-1.0, 0.0, 0.5, 1.5, 3.0, 50.0])
    p = np.array([0.1, 2.0])
    for name, shapes in [("ncx2", (3.0, 1.0)), ("ncf", (3.0, 5.0, 1.0)), ("rice", (1.0,)), ("gibrat", ()),
                         ("levy_l", ()), ("nct", (3.0, 0.5))]:
        dist = getattr(stats, name)
        xs = -x if name == "levy_l" else x
        for method in ("cdf", "sf", "logpdf"):
            def f(p):
                v = getattr(dist, method)(xs, *shapes, p[0], p[1])
                return np.sum(np.where(np.isfinite(v), v, 0.0))

            g, h = osc.grad(f)(p), osc.hessian(f)(p)
            assert np.all(np.isfinite(g)) and np.all(np.isfinite(h)), (name, method, g, h)
    assert core.current_depth() == 0


def test_rice_fit_with_minimize():
    """A Rice fit of (b, scale) by maximum likelihood with osculate.optim.minimize, against
    SciPy's fit; the Hessian of the log-likelihood against finite differences."""
    r = np.random.default_rng(7)
    x = ss.rice.rvs(2.0, scale=1.5, size=400, random_state=r)

    def nll(p):
        return -np.mean(stats.rice.logpdf(x, np.exp(p[0]), 0.0, np.exp(p[1])))

    res = osc.optim.minimize(nll, np.array([0.0, 0.0]))
    want = ss.rice.fit(x, floc=0.0)
    np.testing.assert_allclose(np.exp(res.x), [want[0], want[2]], rtol=2e-4)
    np.testing.assert_allclose(osc.grad(nll)(res.x), 0.0, atol=1e-7)
    h = osc.hessian(nll)(res.x)
    eps = 1e-5
    fd = np.array([(osc.grad(nll)(res.x + eps * e) - osc.grad(nll)(res.x - eps * e)) / (2 * eps) for e in np.eye(2)])
    np.testing.assert_allclose(h, fd, rtol=1e-6, atol=1e-9)
    assert np.all(np.linalg.eigvalsh(h) > 0)
