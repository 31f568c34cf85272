"""Helpers shared by the ``scipy.stats`` test files: SciPy's values without
its warnings, whether two arrays of a method's values agree, and mpmath's value
of a method from a table of definitions."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.stats as ss
from mpmath import exp, log, mp, mpf


def scipy_values(name, method, *args, **kwds):
    """SciPy's ``name.method(*args, **kwds)`` as a float array, its warnings
    silenced (an overflow SciPy raises, as ``ncf.isf`` does for tiny ``q``,
    gives nan)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return np.asarray(getattr(getattr(ss, name), method)(*args, **kwds), dtype=float)
        except OverflowError:
            return np.full(np.broadcast(*args).shape, np.nan)


def agree(got, want, method, rtol):
    """Elementwise: equal, both nan, close (``rtol``, ``atol=1e-14``), or, for a
    log method, ``-inf`` against a value whose exponential underflows to 0."""
    same = (got == want) | (np.isnan(got) & np.isnan(want)) | np.isclose(got, want, rtol=rtol, atol=1e-14)
    if method.startswith("log"):
        same |= np.isneginf(want) & (np.exp(got) == 0.0)
    return same


def mpmath_value(ref, name, method, x, shapes, kw, ours):
    """mpmath's value of ``name.method`` at one point, from ``ref[name](z,
    *shapes) -> (log density, cdf thunk, sf thunk)`` at 40 digits; for ppf/isf,
    the probability of ``ours``' quantile (to compare with ``q``).  A log of a
    negative probability (the von Mises cdf below -π counts whole turns) is nan."""
    loc, scale = kw.get("loc", 0.0), kw.get("scale", 1.0)
    s = [mpf(v) for v in shapes]
    with mp.workdps(40):
        if method in ("ppf", "isf"):
            y = float(getattr(getattr(ours, name), method)(x, *shapes, **kw))
            z = (mpf(y) - loc) / scale
            return float(ref[name](z, *s)[1 if method == "ppf" else 2]())
        z = (mpf(x) - loc) / scale
        lp, cdf, sf = ref[name](z, *s)
        if method in ("logpdf", "pdf"):
            lp = lp - log(scale)
            return float(lp if method == "logpdf" else exp(lp))
        p = cdf() if "cdf" in method else sf()
        if method.startswith("log"):
            return float(log(p)) if p >= 0 else np.nan
        return float(p)
