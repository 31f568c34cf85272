"""``osculate.scipy.linalg.rq`` and ``qr_multiply`` against SciPy (values,
signs, shapes of every mode, real and complex, wide and tall), their
derivatives (closed forms and second-order finite differences) and errors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sl

import osculate as osc
from osculate.scipy import linalg as la
from osculate.testing import check_grads

RNG = np.random.default_rng(7)
SHAPES = [(4, 4), (3, 5), (5, 3), (1, 4), (4, 1)]


def _matrix(shape, complex_):
    a = RNG.standard_normal(shape)
    return a + 1j * RNG.standard_normal(shape) if complex_ else a


@pytest.mark.parametrize("complex_", [False, True], ids=["real", "complex"])
@pytest.mark.parametrize("shape", SHAPES, ids=[f"{m}x{n}" for m, n in SHAPES])
@pytest.mark.parametrize("mode", ["full", "economic", "r"])
def test_rq_matches_scipy(shape, complex_, mode):
    a = _matrix(shape, complex_)
    got, want = la.rq(a, mode=mode), sl.rq(a, mode=mode)
    if mode == "r":
        got, want = (got,), (want,)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-13)


def test_rq_derivatives():
    """|R[-1, -1]| = ‖a[-1]‖ (the last row spans the last row of Q); R Q = a to second order."""
    a = _matrix((3, 5), False)
    g = osc.grad(lambda m: abs(la.rq(m, mode="r")[-1, -1]))(a)
    want = np.zeros_like(a)
    want[-1] = a[-1] / np.linalg.norm(a[-1])
    np.testing.assert_allclose(g, want, rtol=1e-12, atol=1e-14)
    for mode in ("economic", "full"):
        check_grads(lambda m: np.concatenate([x.ravel() for x in la.rq(m, mode=mode)]), (_matrix((3, 4), False),),
                    order=2, modes=("fwd", "rev"))
    check_grads(lambda m: la.rq(m, mode="economic")[0], (_matrix((4, 3), False),), order=2, modes=("fwd", "rev"))


def test_rq_errors():
    with pytest.raises(ValueError, match="Mode argument"):
        la.rq(np.eye(2), mode="raw")
    with pytest.raises(ValueError, match="2-d"):
        la.rq(np.ones(3))


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4)], ids=["tall", "wide", "square"])
@pytest.mark.parametrize("conjugate", [False, True])
def test_qr_multiply_matches_scipy(shape, conjugate):
    a = _matrix(shape, True)
    m, n = shape
    k = min(m, n)
    for mode, cshape in [("left", (k, 2)), ("left", (k,)), ("right", (2, m)), ("right", (m,))]:
        c = RNG.standard_normal(cshape)
        got, want = la.qr_multiply(a, c, mode=mode, conjugate=conjugate), sl.qr_multiply(a, c, mode=mode,
                                                                                          conjugate=conjugate)
        for g, w in zip(got, want):
            assert g.shape == w.shape
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-13)
    c = RNG.standard_normal((2, m))
    got, want = la.qr_multiply(a.real, c, pivoting=True), sl.qr_multiply(a.real, c, pivoting=True)
    assert len(got) == 3
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-13)


def test_qr_multiply_derivatives_and_errors():
    a, c = _matrix((5, 3), False), RNG.standard_normal((2, 5))
    check_grads(lambda a, c: la.qr_multiply(a, c)[0], (a, c), order=2, modes=("fwd", "rev"))
    check_grads(lambda a, c: la.qr_multiply(a, c, mode="left")[0], (a, c.T[:3]), order=2, modes=("fwd", "rev"))
    with pytest.raises(ValueError, match="not compatible for c @ Q"):
        la.qr_multiply(a, np.ones((2, 3)))
    with pytest.raises(ValueError, match="not compatible for Q @ c"):
        la.qr_multiply(a, np.ones((5, 2)), mode="left")
    with pytest.raises(ValueError, match="'left' or 'right'"):
        la.qr_multiply(a, c, mode="both")
