"""SciPy's Legendre and spherical-harmonic functions of the newer API in
``osculate.scipy.special``: SciPy's values and shapes (every ``diff_n``,
``norm``, negative and out-of-range orders, the poles), the derivatives SciPy
returns equal osculate's derivatives of the values, second order by finite
differences, and the errors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special as sc

import osculate as osc
from osculate import UnsupportedFunctionError
from osculate.scipy import special as osp
from osculate.testing import check_grads

Z = np.array([-1.0, -0.93, -0.4, 0.0, 0.25, 0.8, 1.0])
THETA = np.array([0.0, 0.3, 1.2, np.pi / 2, 2.5, np.pi])
PHI = np.array([-1.0, 0.0, 0.7, 2.0, 3.5, 6.0])


def _close(got, want):
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            _close(g, w)
        return
    assert np.shape(got) == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("diff_n", [0, 1, 2])
def test_legendre_p_matches_scipy(diff_n):
    z = Z[1:-1]  # (SciPy's second derivative is exact at ±1 too, checked below)
    for n in range(6):
        _close(osp.legendre_p(n, z, diff_n=diff_n), sc.legendre_p(n, z, diff_n=diff_n))
    _close(osp.legendre_p_all(5, z, diff_n=diff_n), sc.legendre_p_all(5, z, diff_n=diff_n))
    _close(osp.legendre_p(4, Z, diff_n=diff_n), sc.legendre_p(4, Z, diff_n=diff_n))
    _close(osp.legendre_p(3, 0.5, diff_n=diff_n), sc.legendre_p(3, 0.5, diff_n=diff_n))


@pytest.mark.parametrize("norm", [False, True])
@pytest.mark.parametrize("diff_n", [0, 1, 2])
def test_assoc_legendre_p_matches_scipy(norm, diff_n):
    z = Z[1:-1]  # (the derivatives of odd m are infinite at ±1)
    for n in range(5):
        for m in range(-n - 1, n + 2):
            _close(osp.assoc_legendre_p(n, m, z, norm=norm, diff_n=diff_n),
                   sc.assoc_legendre_p(n, m, z, norm=norm, diff_n=diff_n))
    _close(osp.assoc_legendre_p_all(4, 3, z, norm=norm, diff_n=diff_n),
           sc.assoc_legendre_p_all(4, 3, z, norm=norm, diff_n=diff_n))
    _close(osp.assoc_legendre_p(3, 2, Z, norm=norm), sc.assoc_legendre_p(3, 2, Z, norm=norm))
    assert np.all(np.isnan(osp.assoc_legendre_p(2, 1, np.array([1.5, -2.0]))))  # SciPy's branch_cut=2: nan


@pytest.mark.parametrize("diff_n", [0, 1, 2])
def test_spherical_forms_match_scipy_through_the_poles(diff_n):
    for n in range(5):
        for m in range(-n - 1, n + 2):
            _close(osp.sph_legendre_p(n, m, THETA, diff_n=diff_n), sc.sph_legendre_p(n, m, THETA, diff_n=diff_n))
            _close(osp.sph_harm_y(n, m, THETA, PHI, diff_n=diff_n), sc.sph_harm_y(n, m, THETA, PHI, diff_n=diff_n))
    _close(osp.sph_legendre_p_all(4, 2, THETA, diff_n=diff_n), sc.sph_legendre_p_all(4, 2, THETA, diff_n=diff_n))
    _close(osp.sph_harm_y_all(3, 2, THETA, PHI, diff_n=diff_n), sc.sph_harm_y_all(3, 2, THETA, PHI, diff_n=diff_n))


def test_returned_derivatives_are_the_derivatives_of_the_values():
    z, t, p = np.array([-0.6, 0.1, 0.7]), np.array([0.4, 1.1, 2.9]), np.array([0.3, -2.0, 1.0])
    for f, x in ((lambda x, d=0: osp.legendre_p(4, x, diff_n=d), z),
                 (lambda x, d=0: osp.assoc_legendre_p(4, -3, x, norm=True, diff_n=d), z),
                 (lambda x, d=0: osp.sph_legendre_p(3, 2, x, diff_n=d), t)):
        d1 = osc.jvp(lambda y: f(y)[0], (x,), (np.ones(3),))[1]
        d2 = osc.jvp(lambda y: osc.jvp(lambda w: f(w)[0], (y,), (np.ones(3),))[1], (x,), (np.ones(3),))[1]
        np.testing.assert_allclose(f(x, 2)[1], d1, rtol=1e-13, atol=1e-14)
        np.testing.assert_allclose(f(x, 2)[2], d2, rtol=1e-12, atol=1e-13)
        check_grads(lambda y: f(y, 2), (x,), order=2, modes=("fwd", "rev"))
    y, jac, hess = osp.sph_harm_y(3, 2, t, p, diff_n=2)
    g_theta = osc.jacfwd(lambda a: np.real(osp.sph_harm_y(3, 2, a, p)))(t)
    g_phi = osc.jacrev(lambda b: np.imag(osp.sph_harm_y(3, 2, t, b)))(p)
    np.testing.assert_allclose(np.diag(g_theta), np.real(jac[:, 0]), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(np.diag(g_phi), np.imag(jac[:, 1]), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(hess[:, 1, 1], -4.0 * y, rtol=1e-13)


def test_orders_and_options_are_checked():
    with pytest.raises(TypeError, match="n must be an integer"):
        osp.legendre_p(2.5, 0.3)
    with pytest.raises(TypeError, match="n must be an integer"):
        osc.grad(lambda n: osp.legendre_p(n, 0.3)[0])(2.0)
    with pytest.raises(ValueError, match="diff_n must be 0, 1 or 2"):
        osp.sph_legendre_p(2, 1, 0.3, diff_n=3)
    with pytest.raises(NotImplementedError, match="branch_cut=2"):
        osp.assoc_legendre_p(2, 1, 1.5, branch_cut=3)


def test_plain_scipy_call_names_osculates_function():
    with pytest.raises(UnsupportedFunctionError, match=r"^scipy\.special\.legendre_p .*use osculate\.scipy\.special"
                                                       r"\.legendre_p instead"):
        osc.grad(lambda z: np.sum(sc.legendre_p(3, z)))(np.array([0.3]))


def test_a_negative_degree_is_refused():
    for fn in (lambda: osp.legendre_p(-1, 0.3), lambda: osp.assoc_legendre_p(-2, 0, 0.3),
               lambda: osp.sph_harm_y(-1, 0, 0.3, 0.1), lambda: osp.legendre_p_all(-1, 0.3)):
        with pytest.raises(ValueError, match="the degree n must be >= 0"):
            fn()
