"""The eigensolvers of ``osculate.scipy.linalg`` against SciPy: ``eig`` and
``eigvals`` (standard and generalized: SciPy's order, phases and dtypes),
``eigh_tridiagonal``/``eigvalsh_tridiagonal`` and ``eig_banded``/
``eigvals_banded`` (every ``select``, SciPy's eigenvector signs), their
derivatives against closed forms and finite differences, and the errors of
what is not supported."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sl

import osculate as osc
from osculate.scipy import linalg as la
from osculate.testing import check_grads

RNG = np.random.default_rng(20261207)
A = RNG.standard_normal((5, 5))
B = RNG.standard_normal((5, 5)) + 4.0 * np.eye(5)
C = RNG.standard_normal((4, 4)) + 1j * RNG.standard_normal((4, 4))
SYM = np.triu(RNG.standard_normal((4, 4)), 1)
SYM = SYM + SYM.T + np.diag([1.0, 3.0, 5.0, 7.0])


@pytest.mark.parametrize("a", [A, C, SYM, np.diag([3.0, 1.0, 2.0])], ids=["real", "complex", "symmetric", "diag"])
def test_eig_matches_scipy(a):
    w, v = la.eig(a)
    rw, rv = sl.eig(a)
    np.testing.assert_allclose(w, rw, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(v, rv, rtol=1e-10, atol=1e-12)
    assert w.dtype == rw.dtype and v.dtype == rv.dtype  # v real where SciPy's is
    np.testing.assert_allclose(la.eigvals(a), sl.eigvals(a), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(la.eig(a, right=False), rw, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(la.eig(a, homogeneous_eigvals=True)[0], sl.eig(a, homogeneous_eigvals=True)[0],
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("a, b", [(A, B), (C, B[:4, :4]), (SYM, np.diag([1.0, 2.0, 3.0, 4.0]))],
                         ids=["real", "complex", "diagonal-b"])
def test_generalized_eig_has_scipys_order_and_phases(a, b):
    w, v = la.eig(a, b)
    rw, rv = sl.eig(a, b)
    np.testing.assert_allclose(w, rw, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(v, rv, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(a @ v, b @ v * w, atol=1e-10)
    np.testing.assert_allclose(la.eigvals(a, b), sl.eigvals(a, b), rtol=1e-10, atol=1e-12)


def test_eigenvalue_derivative_is_the_closed_form():
    """dλᵢ/da = conj(uᵢ vᵢᵀ / uᵢᵀvᵢ) for right v and left u eigenvectors (the real part's gradient)."""
    a = SYM + np.triu(np.ones((4, 4)), 1)  # non-symmetric, real distinct eigenvalues
    w, v = np.linalg.eig(a)
    u = np.linalg.inv(v).T
    for i in range(4):
        g = osc.grad(lambda m: np.real(la.eigvals(m)[i]))(a)
        np.testing.assert_allclose(g, np.outer(u[:, i], v[:, i]), rtol=1e-10, atol=1e-12)


def test_generalized_eigenvalues_differentiate_in_a_and_b():
    """λ of (a, b): dλ = uᵀ(da − λ db)v / uᵀ b v, checked by finite differences to second order."""
    a, b = SYM, np.diag([1.0, 2.0, 3.0, 4.0]) + 0.1 * np.ones((4, 4))
    check_grads(lambda a, b: np.real(la.eigvals(a, b)), (a, b), order=2, modes=("fwd", "rev"))


def test_generalized_eig_needs_values():
    with pytest.raises(ValueError, match="inside jit or vmap"):
        osc.jit(lambda a, b: np.real(la.eigvals(a, b)))(A, B)


def test_unsupported_options_name_the_alternative():
    with pytest.raises(NotImplementedError, match=r"eig\(a.conj\(\).T\)"):
        la.eig(A, left=True)
    with pytest.raises(NotImplementedError, match="homogeneous_eigvals=False"):
        la.eig(A, B, homogeneous_eigvals=True)
    with pytest.raises(ValueError, match="square"):
        la.eig(np.ones((2, 3)))


D = np.array([4.0, 1.0, 3.0, -2.0, 0.5])
E = np.array([0.7, -1.2, 0.4, 2.0])
SELECTS = [("a", None), ("i", (1, 3)), ("i", (0, 0)), ("v", (-1.0, 3.5)), ("v", (10.0, 11.0))]


@pytest.mark.parametrize("select, rng", SELECTS, ids=[f"{s}{r}" for s, r in SELECTS])
def test_eigh_tridiagonal_matches_scipy(select, rng):
    w, v = la.eigh_tridiagonal(D, E, select=select, select_range=rng)
    rw, rv = sl.eigh_tridiagonal(D, E, select=select, select_range=rng)
    np.testing.assert_allclose(w, rw, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(v, rv, rtol=1e-10, atol=1e-12)  # SciPy's signs
    np.testing.assert_allclose(la.eigvalsh_tridiagonal(D, E, select=select, select_range=rng),
                               sl.eigvalsh_tridiagonal(D, E, select=select, select_range=rng), rtol=1e-12, atol=1e-12)


def test_eigh_tridiagonal_derivatives():
    """dλᵢ/dd = vᵢ², dλᵢ/de = 2 vᵢ[:-1] vᵢ[1:]; second order by finite differences."""
    w, v = sl.eigh_tridiagonal(D, E)
    jd = osc.jacfwd(lambda d: la.eigvalsh_tridiagonal(d, E))(D)
    je = osc.jacrev(lambda e: la.eigvalsh_tridiagonal(D, e))(E)
    np.testing.assert_allclose(jd, (v ** 2).T, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(je, (2.0 * v[:-1] * v[1:]).T, rtol=1e-10, atol=1e-12)
    check_grads(lambda d, e: la.eigh_tridiagonal(d, e)[1] ** 2, (D, E), order=2, modes=("fwd", "rev"))
    with pytest.raises(ValueError, match="length n - 1"):
        la.eigh_tridiagonal(D, E[:2])
    with pytest.raises(ValueError, match="select_range"):
        la.eigh_tridiagonal(D, E, select="i")


def _band_of(m, u, lower):
    n = m.shape[0]
    band = np.zeros((u + 1, n), dtype=m.dtype)
    for j in range(n):
        for i in range(n):
            if lower and 0 <= i - j <= u:
                band[i - j, j] = m[i, j]
            if not lower and 0 <= j - i <= u:
                band[u + i - j, j] = m[i, j]
    return band


def _banded_matrix(n, u, complex_=False):
    m = np.diag(np.linspace(1.0, 9.0, n))
    for k in range(1, u + 1):
        off = RNG.standard_normal(n - k) + (1j * RNG.standard_normal(n - k) if complex_ else 0.0)
        m = m + np.diag(off, k) + np.diag(np.conj(off), -k)
    return m


@pytest.mark.parametrize("lower", [False, True], ids=["upper", "lower"])
@pytest.mark.parametrize("complex_", [False, True], ids=["real", "hermitian"])
@pytest.mark.parametrize("select, rng", [("a", None), ("i", (2, 4)), ("v", (2.0, 8.0))], ids=["a", "i", "v"])
def test_eig_banded_matches_scipy(lower, complex_, select, rng):
    m = _banded_matrix(6, 2, complex_)
    band = _band_of(m, 2, lower)
    w, v = la.eig_banded(band, lower=lower, select=select, select_range=rng)
    rw, rv = sl.eig_banded(band, lower=lower, select=select, select_range=rng)
    np.testing.assert_allclose(w, rw, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(v, rv, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(la.eigvals_banded(band, lower=lower, select=select, select_range=rng),
                               sl.eigvals_banded(band, lower=lower, select=select, select_range=rng), rtol=1e-12)


def test_eig_banded_derivative_reads_only_the_stored_band():
    m = _banded_matrix(5, 1)
    band = _band_of(m, 1, False)
    g = osc.grad(lambda b: la.eigvals_banded(b)[-1])(band)
    v = np.linalg.eigh(m)[1][:, -1]
    want = np.zeros_like(band)
    want[1] = v ** 2  # the diagonal
    want[0, 1:] = 2.0 * v[:-1] * v[1:]  # the superdiagonal (row 0, columns 1..n-1)
    np.testing.assert_allclose(g, want, rtol=1e-10, atol=1e-12)
    check_grads(lambda b: la.eig_banded(b)[0], (band,), order=2, modes=("fwd", "rev"))
