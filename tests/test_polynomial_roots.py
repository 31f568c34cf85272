"""``np.roots``, ``np.poly`` of a matrix and ``np.sort_complex`` on traced
values against NumPy, with derivatives: the roots' closed form
``dr = -(dp)(r) / p'(r)`` (real and complex roots), second order by finite
differences, and the characteristic polynomial's coefficients (``det``)."""

from __future__ import annotations

import numpy as np
import pytest

import osculate as osc
from osculate.ad.core import ConcretizationError
from osculate.testing import check_grads

POLYS = [
    [1.0, -3.0, 2.0], [2.0, 0.0, 1.0], [1.0, -6.0, 11.0, -6.0], [0.0, 0.0, 1.0, 2.0, 0.0, 0.0],
    [3.0], [0.0, 4.0, 0.0], [1.0, 2.0, 3.0, 4.0, 5.0], [1.0 + 1j, 2.0, -1j],
]


@pytest.mark.parametrize("p", POLYS, ids=[str(i) for i in range(len(POLYS))])
def test_roots_match_numpy(p):
    p = np.asarray(p)
    traced = osc.jvp(np.roots, (p,), (np.ones_like(p),))[0]
    for got in (traced, np.roots(p)):
        want = np.roots(p)
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("p", [[1.0, -6.0, 11.0, -6.0], [1.0, 2.0, 3.0, 4.0, 5.0], [2.0, 1.0, 3.0]],
                         ids=["real-roots", "complex-roots", "complex-pair"])
def test_root_derivative_is_the_closed_form(p):
    p = np.asarray(p)
    r = np.roots(p)
    n = len(p) - 1
    dp = np.polyder(p)
    jac = osc.jacfwd(lambda q: np.real(np.roots(q)))(p) + 1j * osc.jacfwd(lambda q: np.imag(np.roots(q)))(p)
    want = -(r[:, None] ** np.arange(n, -1, -1)[None, :]) / np.polyval(dp, r)[:, None]
    np.testing.assert_allclose(jac, want, rtol=1e-10, atol=1e-12)
    check_grads(lambda q: np.abs(np.roots(q)), (p,), order=2, modes=("fwd", "rev"))


def test_poly_of_a_matrix():
    rng = np.random.default_rng(3)
    for a in (rng.standard_normal((4, 4)), rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3)),
              np.array([[0.0, 1.0], [-2.0, 0.0]])):
        got = osc.jvp(np.poly, (a,), (np.ones_like(a),))[0]
        want = np.poly(a)
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-12)
    a = rng.standard_normal((4, 4))
    # the constant coefficient is det(a) (n even), the next-to-leading one -trace(a)
    np.testing.assert_allclose(osc.grad(lambda m: np.poly(m)[-1])(a), np.linalg.det(a) * np.linalg.inv(a).T,
                               rtol=1e-10)
    np.testing.assert_allclose(osc.grad(lambda m: np.poly(m)[1])(a), -np.eye(4), atol=1e-12)
    with pytest.raises(ValueError, match="square 2d"):
        osc.grad(lambda m: np.poly(m)[0])(np.ones((2, 3)))


def test_sort_complex_matches_numpy_and_gathers():
    z = np.array([2.0 + 1j, 1.0 - 1j, 2.0 - 3j, -1.0 + 0j])
    np.testing.assert_array_equal(osc.jvp(np.sort_complex, (z,), (z,))[0], np.sort_complex(z))
    x = np.array([3.0, -1.0, 2.0])
    np.testing.assert_array_equal(osc.jvp(np.sort_complex, (x,), (x,))[0], np.sort_complex(x))
    jac = osc.jacfwd(lambda v: np.real(np.sort_complex(v)))(x)
    np.testing.assert_array_equal(jac, np.eye(3)[[1, 2, 0]])


def test_value_dependent_choices_say_so_under_jit():
    with pytest.raises(ConcretizationError, match="osculate.numpy.roots chooses the leading and trailing zeros"):
        osc.jit(lambda p: np.real(np.roots(p)))(np.array([1.0, -3.0, 2.0]))
