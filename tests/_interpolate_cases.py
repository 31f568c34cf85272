"""Helpers shared by the ``scipy.interpolate`` test files: agreement with SciPy
relative to the size of SciPy's finite values, and a function's value computed
on traced arguments (so through osculate's path, not the plain call that hands
over to SciPy)."""

from __future__ import annotations

import numpy as np

import osculate as osc


def close(a, b, tol=1e-12):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    finite = np.abs(b[np.isfinite(b)])
    np.testing.assert_allclose(a, b, rtol=0, atol=tol * max(1.0, float(finite.max(initial=0.0))))


def traced_value(f, *args):
    """``f``'s value computed on traced arguments (through osculate's path, not SciPy's)."""
    return osc.jvp(f, args, tuple(np.zeros_like(a) for a in args))[0]
