"""Every distribution of ``osculate.scipy.stats`` at the parameters SciPy's own
test suite uses for it (``scipy.stats._distr_params``): every method's values
at SciPy's quantiles, beside them and outside the support agree with SciPy's
to 1e-9, and the first derivatives in ``x`` and in each shape parameter agree
with central differences of SciPy's values."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.stats as ss

import osculate as osc
from osculate.scipy import stats

_distr_params = pytest.importorskip("scipy.stats._distr_params")

QS = np.array([1e-6, 0.01, 0.2, 0.5, 0.8, 0.99, 1 - 1e-6])
CASES = [(n, tuple(a)) for n, a in _distr_params.distcont + _distr_params.distdiscrete
         if isinstance(n, str) and n in stats.__all__]
# where SciPy's own values lose digits, the methods checked against mpmath in their own tests instead
# (kstwobign's density from scipy.special's _kolmogp to about 1e-8 near its mode; Wallenius' pmf from
# BiasedUrn, -inf or 1e-7 off in the tails at SciPy's parameters): tests/test_stats_series_quadrature.py
SCIPY_LOSES_DIGITS = {"kstwobign": ("logpdf", "pdf"),
                      "nchypergeom_wallenius": ("logpmf", "pmf", "logcdf", "cdf", "logsf", "sf"),
                      # (SciPy integrates these densities with quad: its cdfs and sfs, and so its quantiles,
                      # are 1e-8 to 1e-5 off in the tails; its norminvgauss.ppf raises for q near 1)
                      "gausshyper": ("logcdf", "cdf", "logsf", "sf", "ppf", "isf"),
                      "norminvgauss": ("logcdf", "cdf", "logsf", "sf", "ppf", "isf")}


def _quiet(fn, *args):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return np.asarray(fn(*args), dtype=float)
        except ValueError:  # SciPy's root finder fails at some points (norminvgauss.ppf near 1): NaN there
            q, *rest = args
            return np.array([_quiet(fn, v, *rest) if not np.isnan(v) else np.nan for v in np.ravel(q)]
                            ).reshape(np.shape(q)) if np.ndim(q) else np.asarray(np.nan)


def _points(ref, args, discrete):
    x = _quiet(ref.ppf, QS, *args)
    lo = _quiet(ref.support, *args)[0]
    x = np.concatenate([x, x + (1.0 if discrete else 0.37), [lo - 1.0]])
    return x[np.isfinite(x)]


def test_the_table_covers_most_distributions():
    assert len(CASES) >= 90, len(CASES)


@pytest.mark.parametrize("name, args", CASES, ids=[f"{n}{a}" for n, a in CASES])
def test_values_at_scipys_parameters(name, args):
    ours, ref = getattr(stats, name), getattr(ss, name)
    discrete = isinstance(ref, ss.rv_discrete)
    x = _points(ref, args, discrete)
    methods = stats.rv_discrete._methods if discrete else stats.rv_continuous._methods
    for m in methods:
        if m in SCIPY_LOSES_DIGITS.get(name, ()):
            continue
        arg = QS if m in ("ppf", "isf") else x
        got, want = _quiet(getattr(ours, m), arg, *args), _quiet(getattr(ref, m), arg, *args)
        with np.errstate(over="ignore"):
            underflow = np.isneginf(want) & (np.exp(got) == 0.0)  # SciPy's log of an underflowed value
        ok = np.isclose(got, want, rtol=1e-9, atol=1e-13, equal_nan=True) | underflow
        assert ok.all(), (m, arg[~ok], got[~ok], want[~ok])


@pytest.mark.parametrize("name, args", CASES, ids=[f"{n}{a}" for n, a in CASES])
def test_first_derivatives_at_scipys_parameters(name, args):
    ours, ref = getattr(stats, name), getattr(ss, name)
    discrete = isinstance(ref, ss.rv_discrete)
    x = _quiet(ref.ppf, np.array([0.3, 0.6]), *args)
    if discrete:
        x = np.floor(x)
    method = "logpmf" if discrete else "logpdf"
    h = 1e-6
    for m in (method, "cdf"):
        if not discrete:  # in x
            g = osc.jvp(lambda v: getattr(ours, m)(v, *args), (x,), (np.ones_like(x),))[1]
            fd = (_quiet(getattr(ref, m), x + h, *args) - _quiet(getattr(ref, m), x - h, *args)) / (2 * h)
            np.testing.assert_allclose(g, fd, rtol=2e-5, atol=1e-7, err_msg=f"{name}.{m} in x")
        for i, a in enumerate(args):  # in each (non-integer) shape parameter
            if np.ndim(a) or (float(a) == int(a) and (discrete or name in ("erlang", "irwinhall"))):
                continue
            if name == "kappa4" and a == 0.0:  # SciPy's general formula cancels at h, k = ±1e-6 (the limit's
                continue  # derivatives are checked against mpmath in test_stats_assorted)
            step = h * max(1.0, abs(a))

            def at(s, i=i):
                return tuple(args[:i]) + (s,) + tuple(args[i + 1:])

            g = osc.jvp(lambda s: getattr(ours, m)(x, *at(s)), (np.float64(a),), (np.float64(1.0),))[1]
            fd = (_quiet(getattr(ref, m), x, *at(a + step)) - _quiet(getattr(ref, m), x, *at(a - step))) / (2 * step)
            np.testing.assert_allclose(g, fd, rtol=2e-5, atol=1e-7, err_msg=f"{name}.{m} in shape {i}")
