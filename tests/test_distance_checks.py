"""The helpers of ``scipy.spatial.distance`` that read shapes or check values
(``num_obs_y``, ``num_obs_dm``, ``is_valid_y``, ``is_valid_dm``) and ``norm``,
on traced values, against SciPy."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.spatial.distance as sd

import osculate as osc
from osculate.scipy.spatial import distance as d


def test_counts_read_the_shape_even_under_jit():
    for n in (2, 3, 7):
        y = np.arange(n * (n - 1) // 2, dtype=float)
        assert d.num_obs_y(y) == sd.num_obs_y(y) == n
        assert osc.jit(lambda y: d.num_obs_y(y) * (y + 1.0))(y)[0] == n
        assert d.num_obs_dm(np.zeros((n, n))) == n
    with pytest.raises(ValueError, match="binomial coefficient"):
        d.num_obs_y(np.zeros(4))


def test_validity_checks_match_scipy_on_values():
    good = sd.pdist(np.random.default_rng(0).standard_normal((4, 2)))
    square = sd.squareform(good)
    bad = square.copy()
    bad[0, 1] += 1.0
    for y in (good, good[:-1], np.zeros((2, 2))):
        assert d.is_valid_y(y) == sd.is_valid_y(y)
    for m in (square, bad, np.ones((2, 2))):
        assert d.is_valid_dm(m) == sd.is_valid_dm(m)
        assert d.is_valid_dm(m, tol=2.0) == sd.is_valid_dm(m, tol=2.0)
    with pytest.raises(ValueError, match="must be symmetric"):
        d.is_valid_dm(bad, throw=True)
    seen = []
    osc.grad(lambda x: seen.append(d.is_valid_y(d.pdist(x))) or d.pdist(x).sum())(np.eye(3))
    assert seen == [True]
    with pytest.raises(ValueError, match="inside jit or vmap"):
        osc.jit(lambda y: 1.0 * d.is_valid_dm(y))(square)


def test_norm_is_scipys_with_derivatives():
    x = np.array([[3.0, -4.0], [1.0, 2.0]])
    for kw in ({}, {"ord": 1}, {"axis": 1}, {"ord": "fro"}):
        np.testing.assert_allclose(d.norm(x, **kw), sd.norm(x, **kw), rtol=1e-14)
    np.testing.assert_allclose(osc.grad(lambda v: d.norm(v))(x[0]), x[0] / 5.0, rtol=1e-14)
