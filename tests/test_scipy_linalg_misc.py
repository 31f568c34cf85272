"""``osculate.scipy.linalg``'s ``matrix_balance``, ``cdf2rdf``,
``clarkson_woodruff_transform``, ``funm``, ``signm`` and the value checks
``bandwidth``, ``issymmetric``, ``ishermitian``, against SciPy, with their
derivatives (closed forms, second-order finite differences) and errors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sl
import scipy.sparse as sp

import osculate as osc
from osculate.scipy import linalg as la
from osculate.testing import check_grads

RNG = np.random.default_rng(11)
GRADED = np.array([[1.0, 100.0, 1e4], [0.01, 1.0, 100.0], [1e-4, 0.01, 1.0]])
PERMUTABLE = np.array([[1.0, 0.0, 2.0], [3.0, 4.0, 5.0], [0.0, 0.0, 6.0]])


@pytest.mark.parametrize("a", [GRADED, PERMUTABLE, RNG.standard_normal((4, 4))], ids=["graded", "permutable", "random"])
@pytest.mark.parametrize("permute, scale", [(True, True), (False, True), (True, False)])
def test_matrix_balance_matches_scipy(a, permute, scale):
    b, t = la.matrix_balance(a, permute=permute, scale=scale)
    rb, rt = sl.matrix_balance(a, permute=permute, scale=scale)
    np.testing.assert_array_equal(b, rb)  # exact: gathers and powers of 2
    np.testing.assert_array_equal(t, rt)
    b2, (s, p) = la.matrix_balance(a, permute=permute, scale=scale, separate=True)
    _, (rs, rp) = sl.matrix_balance(a, permute=permute, scale=scale, separate=True)
    np.testing.assert_array_equal(b2, rb)
    np.testing.assert_array_equal(s, rs)
    np.testing.assert_array_equal(p, rp)


def test_matrix_balance_is_linear_with_t_held():
    _, t = sl.matrix_balance(GRADED)
    jac = osc.jacfwd(lambda a: la.matrix_balance(a)[0])(GRADED)
    want = np.einsum("ik,lj->ijkl", np.linalg.inv(t), t)  # dB = T⁻¹ dA T
    np.testing.assert_allclose(jac, want, rtol=1e-15, atol=0)
    with pytest.raises(ValueError, match="inside jit or vmap"):
        osc.jit(lambda a: la.matrix_balance(a)[0])(GRADED)


def test_cdf2rdf_matches_scipy_and_differentiates():
    a = np.array([[1.0, 2.0, 0.0, 0.5], [-2.0, 1.0, 0.3, 0.0], [0.0, 0.2, 3.0, 1.0], [0.1, 0.0, -1.0, 3.0]])
    w, v = np.linalg.eig(a)
    wr, vr = la.cdf2rdf(w, v)
    rwr, rvr = sl.cdf2rdf(w, v)
    np.testing.assert_allclose(wr, rwr, rtol=1e-15)
    np.testing.assert_allclose(vr, rvr, rtol=1e-15)
    np.testing.assert_allclose(a @ vr, vr @ wr, atol=1e-12)
    # with eig inside: the real block form of a has derivatives; its similarity invariants are a's
    check_grads(lambda a: np.trace(la.cdf2rdf(*la.eig(a))[0]), (a,), order=2, modes=("fwd", "rev"))
    np.testing.assert_allclose(osc.grad(lambda a: np.trace(la.cdf2rdf(*la.eig(a))[0]))(a), np.eye(4), atol=1e-12)
    stack_w, stack_v = np.stack([w, w]), np.stack([v, v])
    np.testing.assert_allclose(la.cdf2rdf(stack_w, stack_v)[1], sl.cdf2rdf(stack_w, stack_v)[1], rtol=1e-15)
    with pytest.raises(ValueError, match="complex-conjugate pairs"):
        la.cdf2rdf(w[:3], v[:3, :3])


@pytest.mark.parametrize("rng", [0, 5])
def test_clarkson_woodruff_matches_scipy(rng):
    a = RNG.standard_normal((50, 3))
    np.testing.assert_allclose(la.clarkson_woodruff_transform(a, 7, rng=rng),
                               sl.clarkson_woodruff_transform(a, 7, rng=rng), rtol=1e-14, atol=1e-14)
    s = sl.clarkson_woodruff_transform(sp.identity(50, format="csc"), 7, rng=rng).toarray()
    jac = osc.jacrev(lambda a: la.clarkson_woodruff_transform(a, 7, rng=rng))(a)
    np.testing.assert_array_equal(jac, np.einsum("ik,jl->ijkl", s, np.eye(3)))


def test_value_checks_match_scipy():
    for a in (np.triu(np.ones((4, 4))), np.eye(3), np.diag(np.ones(3), -1), np.zeros((2, 2))):
        assert la.bandwidth(a) == sl.bandwidth(a)
    h = np.array([[1.0, 2 + 1j], [2 - 1j, 3.0]])
    for m in (np.eye(2), h, h.real, np.array([[1.0, 2.0], [2.0 + 1e-9, 1.0]])):
        assert la.issymmetric(m) == sl.issymmetric(m)
        assert la.ishermitian(m) == sl.ishermitian(m)
        assert la.issymmetric(m, atol=1e-6) == sl.issymmetric(m, atol=1e-6)
    seen = []
    osc.grad(lambda m: seen.append(la.issymmetric(m)) or np.sum(m))(np.eye(2))
    assert seen == [True]
    with pytest.raises(ValueError, match="inside jit or vmap"):
        osc.jit(lambda m: 1.0 * la.ishermitian(m))(np.eye(2))


DIAGONALISABLE = np.array([[1.0, 2.0, 0.3], [0.0, 3.0, -1.0], [0.5, 0.0, -2.0]])


@pytest.mark.parametrize("func", [np.exp, np.sin, lambda w: w ** 3 - 2.0 * w, np.sqrt],
                         ids=["exp", "sin", "cubic", "sqrt"])
def test_funm_matches_scipy(func):
    a = DIAGONALISABLE + (5.0 * np.eye(3) if func is np.sqrt else 0.0)
    got, want = la.funm(a, func), sl.funm(a, func)
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-12)
    f, err = la.funm(a, func, disp=False)
    assert err == sl.funm(a, func, disp=False)[1]
    c = RNG.standard_normal((3, 3)) + 1j * RNG.standard_normal((3, 3))
    np.testing.assert_allclose(la.funm(c, np.exp), sl.funm(c, np.exp), rtol=1e-11)


def test_funm_derivative_is_the_frechet_derivative():
    """funm(·, exp) against expm: the same function, so the same derivatives (to second order)."""
    e = RNG.standard_normal((3, 3))
    d_funm = osc.jvp(lambda a: la.funm(a, np.exp), (DIAGONALISABLE,), (e,))[1]
    d_expm = osc.jvp(la.expm, (DIAGONALISABLE,), (e,))[1]
    np.testing.assert_allclose(d_funm, d_expm, rtol=1e-9, atol=1e-10)
    h_funm = osc.hessian(lambda a: np.sum(la.funm(a, np.exp) ** 2))(DIAGONALISABLE)
    h_expm = osc.hessian(lambda a: np.sum(la.expm(a) ** 2))(DIAGONALISABLE)
    np.testing.assert_allclose(h_funm, h_expm, rtol=1e-8, atol=1e-8)


def test_signm_matches_scipy_and_differentiates():
    for a in (DIAGONALISABLE, RNG.standard_normal((5, 5)), np.array([[2.0, 1.0], [0.0, -3.0]])):
        np.testing.assert_allclose(la.signm(a), sl.signm(a), rtol=1e-10, atol=1e-11)
        s, err = la.signm(a, disp=False)
        assert err < 1e-10
    # S = sign(A) satisfies S² = I and S A = A S; so do its derivatives: S dS + dS S = 0
    e = RNG.standard_normal((3, 3))
    s, ds = osc.jvp(la.signm, (DIAGONALISABLE,), (e,))
    np.testing.assert_allclose(s @ ds + ds @ s, 0.0, atol=1e-10)
    np.testing.assert_allclose(ds @ DIAGONALISABLE + s @ e, e @ s + DIAGONALISABLE @ ds, atol=1e-10)
    check_grads(lambda a: np.real(la.signm(a)), (DIAGONALISABLE,), order=2, modes=("fwd", "rev"))


def test_lookups_read_a_traced_arrays_dtype():
    seen = []

    def f(x):
        seen.append((la.find_best_blas_type((x,)), la.get_blas_funcs("gemm", (x,)).typecode,
                     la.get_lapack_funcs(("getrf", "getrs"), (x.astype(np.float32),))[0].typecode))
        return np.sum(x)

    osc.grad(f)(np.ones((2, 2)))
    assert seen == [(sl.find_best_blas_type((np.ones((2, 2)),)), "d", "s")]
    np.testing.assert_array_equal(la.dft(4, scale="sqrtn"), sl.dft(4, scale="sqrtn"))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7])
@pytest.mark.parametrize("complex_", [False, True], ids=["real", "complex"])
def test_hessenberg_matches_scipy(n, complex_):
    a = RNG.standard_normal((n, n)) + (1j * RNG.standard_normal((n, n)) if complex_ else 0.0)
    h, q = la.hessenberg(a, calc_q=True)
    rh, rq = sl.hessenberg(a, calc_q=True)
    assert h.dtype == rh.dtype and q.dtype == rq.dtype
    np.testing.assert_allclose(h, rh, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(q, rq, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(la.hessenberg(a), rh, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(osc.jit(la.hessenberg)(a), rh, rtol=1e-12, atol=1e-13)  # generic: no skipped columns


def test_hessenberg_derivatives():
    """Qᴴ a Q = H stays Hessenberg and unitary to second order; finite differences agree."""
    a = RNG.standard_normal((5, 5))
    e = RNG.standard_normal((5, 5))
    (h, q), (dh, dq) = osc.jvp(lambda m: la.hessenberg(m, calc_q=True), (a,), (e,))
    np.testing.assert_allclose(np.tril(dh, -2), 0.0, atol=1e-12)
    np.testing.assert_allclose(dq.T @ q + q.T @ dq, 0.0, atol=1e-12)
    np.testing.assert_allclose(dq[:, 0], 0.0, atol=1e-13)  # Q e₁ = e₁
    np.testing.assert_allclose(dh, dq.T @ a @ q + q.T @ e @ q + q.T @ a @ dq, atol=1e-11)
    check_grads(lambda m: la.hessenberg(m, calc_q=True)[0], (a,), order=2, modes=("fwd", "rev"))
    check_grads(lambda m: np.real(la.hessenberg(m + 0.5j * np.eye(5) * m, calc_q=True)[1]), (a,), order=2,
                modes=("fwd", "rev"))
