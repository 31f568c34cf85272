"""The second part of ``osculate.scipy.linalg``: ``svd``, ``svdvals``, ``qr``,
``pinv``, ``pinvh``, ``lstsq``, the structured matrices (``toeplitz``,
``circulant``, ``hankel``, ``companion``, ``khatri_rao``), the Sylvester and
Lyapunov equations and the matrix trigonometric functions.

Values against SciPy itself on seeded random input (sign-invariant
quantities where a decomposition is unique only up to signs), gradients and
Hessians of scalar functions of the outputs against finite differences in
all four nestings (``check_grads``, order 2), Hessians of every HVP mode
against each other, the errors, and that the SciPy function on a traced
value names its osculate replacement.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla

import osculate as osc
import osculate.scipy.linalg as la
from osculate import UnsupportedFunctionError
from osculate.testing import check_grads


@pytest.fixture
def r():
    return np.random.default_rng(20261207)


def close(a, b, rtol=1e-12, atol=1e-12):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol)


def _low_rank(r, m=5, n=4, k=2):
    return r.standard_normal((m, k)) @ r.standard_normal((k, n))


def _hessians_agree(f, x, rtol=1e-9, atol=1e-10):
    want = osc.hessian(f, mode="fwd-rev")(x)
    for m in osc.HVP_MODES:
        close(osc.hessian(f, mode=m)(x), want, rtol=rtol, atol=atol)


# --------------------------------------------------------------------------- svd, svdvals


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4)])
def test_svd_matches_scipy(r, shape):
    for a in (r.standard_normal(shape), r.standard_normal(shape) + 1j * r.standard_normal(shape)):
        k = min(shape)
        for full in (True, False):
            out, want = la.svd(a, full_matrices=full), sla.svd(a, full_matrices=full)
            assert type(out) is tuple and len(out) == 3
            u, s, vh = out
            assert u.shape == want[0].shape and vh.shape == want[2].shape
            close(s, want[1])
            close((u[:, :k] * s) @ vh[:k], a)  # the factorisation
            close(u.conj().T @ u, np.eye(u.shape[1]), atol=1e-13)
            # each pair of singular vectors agrees with SciPy's up to a common phase
            close(np.abs(np.sum(u[:, :k].conj() * want[0][:, :k], axis=0)), np.ones(k))
            close(np.abs(np.sum(vh[:k].conj() * want[2][:k], axis=1)), np.ones(k))
        close(la.svd(a, compute_uv=False), sla.svd(a, compute_uv=False))
        close(la.svdvals(a), sla.svdvals(a))
        close(la.svd(a, lapack_driver="gesvd")[1], sla.svd(a, lapack_driver="gesvd")[1])


def test_svd_derivatives(r):
    a, w = r.standard_normal((4, 3)), r.standard_normal((4, 3))
    check_grads(lambda m: np.sum(la.svdvals(m) ** 3), (a,), order=2)
    # sign-invariant functions of the singular vectors: u₁ v₁ᵀ and the reconstruction
    check_grads(lambda m: np.sum(w * np.outer(la.svd(m)[0][:, 0], la.svd(m)[2][0])), (a,), order=2)
    check_grads(lambda m: np.sum(w * ((la.svd(m, False)[0] * la.svd(m, False)[1]) @ la.svd(m, False)[2])),
                (a,), order=2)
    # the gradient of the largest singular value is u₁ v₁ᵀ
    u, _, vh = sla.svd(a)
    close(osc.grad(lambda m: la.svdvals(m)[0])(a), np.outer(u[:, 0], vh[0]))
    _hessians_agree(lambda x: la.svdvals(x.reshape(3, 2))[0] ** 2 + la.svdvals(x.reshape(3, 2))[1], a[:3, :2].ravel())


# --------------------------------------------------------------------------- qr


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4)])
@pytest.mark.parametrize("mode", ["full", "economic", "r"])
@pytest.mark.parametrize("pivoting", [False, True])
def test_qr_matches_scipy(r, shape, mode, pivoting):
    for a in (r.standard_normal(shape), r.standard_normal(shape) + 1j * r.standard_normal(shape)):
        out, want = la.qr(a, mode=mode, pivoting=pivoting), sla.qr(a, mode=mode, pivoting=pivoting)
        assert type(out) is tuple and len(out) == len(want)
        for x, y in zip(out, want):
            assert np.shape(x) == np.shape(y)
        if pivoting:
            np.testing.assert_array_equal(out[-1], want[-1])
        # R is unique up to the phases of its rows, which LAPACK fixes alike: compare values
        rr, rw = (out[0], want[0]) if mode == "r" else (out[1], want[1])
        close(rr, rw, atol=1e-12)
        if mode != "r":
            close(out[0], want[0], atol=1e-12)
            close(out[0] @ out[1], a[:, want[-1]] if pivoting else a)


def test_qr_derivatives(r):
    a, w = r.standard_normal((4, 3)), r.standard_normal((4, 3))
    # Q[:, j] R[j, j] does not depend on the signs of the factorisation
    check_grads(lambda m: np.sum(w * la.qr(m, mode="economic")[0] * np.diagonal(la.qr(m, mode="economic")[1])),
                (a,), order=2)
    check_grads(lambda m: np.sum(la.qr(m, mode="r")[0] ** 2 * np.arange(1.0, 4.0)), (a,), order=2)
    check_grads(lambda m: np.sum(w * la.qr(m, pivoting=True)[0][:, :3] * np.diagonal(la.qr(m, pivoting=True)[1])),
                (a,), order=2)
    x = a[:3, :2].ravel()
    _hessians_agree(lambda v: np.sum(la.qr(v.reshape(3, 2), mode="r")[0][:2] ** 3), x)


# --------------------------------------------------------------------------- pinv, pinvh, lstsq


@pytest.mark.parametrize("kw", [{}, {"atol": 0.1}, {"rtol": 0.3}, {"atol": 1.0, "rtol": 1e-3}])
def test_pinv_and_pinvh_match_scipy(r, kw):
    a = _low_rank(r)
    for m in (a, a + 1j * _low_rank(r), r.standard_normal((3, 5))):
        close(la.pinv(m, **kw), sla.pinv(m, **kw), atol=1e-13)
        b, rank = la.pinv(m, return_rank=True, **kw)
        b_, rank_ = sla.pinv(m, return_rank=True, **kw)
        close(b, b_, atol=1e-13)
        assert rank == rank_
    s = a @ a.T
    for lower in (True, False):
        h = np.tril(s) if lower else np.triu(s)  # only the triangle read matters
        close(la.pinvh(h, lower=lower, **kw), sla.pinvh(h, lower=lower, **kw), atol=1e-13)
        b, rank = la.pinvh(h, lower=lower, return_rank=True, **kw)
        assert rank == sla.pinvh(h, lower=lower, return_rank=True, **kw)[1] and type(rank) is int


def test_pinv_derivatives(r):
    a, w, w4 = r.standard_normal((4, 3)), r.standard_normal((3, 4)), r.standard_normal((4, 4))
    check_grads(lambda m: np.sum(w * la.pinv(m)), (a,), order=2)
    check_grads(lambda m: np.sum(w4 * la.pinv(m @ m.T)), (a[:, :2],), order=2)  # rank 2 throughout
    check_grads(lambda m: np.sum(w4 * la.pinvh(m @ m.T)), (r.standard_normal((4, 2)),), order=2)  # rank 2
    check_grads(lambda m: np.sum(w4 * la.pinvh(m)), (a @ a.T + np.eye(4),), order=2)
    _hessians_agree(lambda v: np.sum(la.pinv(v.reshape(3, 2)) ** 2), a[:3, :2].ravel())


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4)])
def test_lstsq_matches_scipy(r, shape):
    a = r.standard_normal(shape)
    for m in (a, _low_rank(r, *shape)):
        for b in (r.standard_normal(shape[0]), r.standard_normal((shape[0], 2))):
            for cond in (None, 1e-3):
                x, res, rank, s = la.lstsq(m, b, cond=cond)
                x_, res_, rank_, s_ = sla.lstsq(m, b, cond=cond)
                close(x, x_, atol=1e-12)
                assert np.shape(res) == np.shape(res_)
                close(res, res_, atol=1e-12)
                assert rank == rank_ and type(rank) is int
                close(s, s_)
    assert la.lstsq(a, a[:, 0], lapack_driver="gelsy")[3] is None


def test_lstsq_derivatives(r):
    a, b = r.standard_normal((5, 3)), r.standard_normal(5)
    check_grads(lambda m, v: np.sum(la.lstsq(m, v)[0] ** 2) + la.lstsq(m, v)[1], (a, b), order=2)
    _hessians_agree(lambda v: la.lstsq(v.reshape(3, 2), b[:3])[1], a[:3, :2].ravel())


# --------------------------------------------------------------------------- structured matrices


def test_structured_matrices_match_scipy(r):
    c, row = r.standard_normal(4), r.standard_normal(3)
    cc = c + 1j * r.standard_normal(4)
    close(la.toeplitz(c, row), sla.toeplitz(c, row))
    close(la.toeplitz(cc), sla.toeplitz(cc))
    cb, rb = r.standard_normal((2, 4)), r.standard_normal((2, 3))  # leading dimensions are batches
    close(la.toeplitz(cb, rb), sla.toeplitz(cb, rb))
    close(la.hankel(c, row), sla.hankel(c, row))
    close(la.hankel(cc), sla.hankel(cc))
    close(la.circulant(c), sla.circulant(c))
    close(la.circulant(cb), sla.circulant(cb))
    close(la.companion(c), sla.companion(c))
    close(la.companion(cb), sla.companion(cb))
    a, b = r.standard_normal((3, 2)), r.standard_normal((4, 2))
    close(la.khatri_rao(a, b), sla.khatri_rao(a, b))
    np.testing.assert_array_equal(la.toeplitz([1, 2, 3]), sla.toeplitz([1, 2, 3]))  # integers stay integers


def test_structured_matrices_derivatives(r):
    c, row, w = r.standard_normal(4), r.standard_normal(3), r.standard_normal((4, 4))
    check_grads(lambda x, y: np.sum(w[:, :3] * la.toeplitz(x, y) ** 3), (c, row), order=2)
    check_grads(lambda x: np.sum(w * la.toeplitz(x) ** 3), (c,), order=2)
    check_grads(lambda x, y: np.sum(w[:, :3] * la.hankel(x, y) ** 3), (c, row), order=2)
    check_grads(lambda x: np.sum(w * la.circulant(x) ** 3), (c,), order=2)
    check_grads(lambda x: np.sum(w[:3, :3] * la.companion(x)), (c,), order=2)
    check_grads(lambda x, y: np.sum(la.khatri_rao(x, y) ** 2), (w[:2, :3], w[1:, :3]), order=2)
    _hessians_agree(lambda x: np.sum(w * la.circulant(x) ** 3) + np.sum(la.companion(x)), c)
    # the gradient of the sum of a Toeplitz matrix counts each entry's diagonals
    close(osc.grad(lambda x: np.sum(la.toeplitz(x)))(c), [4.0, 6.0, 4.0, 2.0])


# --------------------------------------------------------------------------- Sylvester and Lyapunov equations


def test_equations_match_scipy(r):
    a, b, q = r.standard_normal((4, 4)), r.standard_normal((3, 3)), r.standard_normal((4, 3))
    q4 = r.standard_normal((4, 4))
    x = la.solve_sylvester(a, b, q)
    close(x, sla.solve_sylvester(a, b, q), rtol=1e-10, atol=1e-10)
    close(a @ x + x @ b, q, atol=1e-12)
    ac = a + 1j * r.standard_normal((4, 4))
    for m in (a, ac):
        close(la.solve_continuous_lyapunov(m, q4), sla.solve_continuous_lyapunov(m, q4), rtol=1e-10, atol=1e-12)
        for method in (None, "direct", "bilinear"):
            close(la.solve_discrete_lyapunov(0.3 * m, q4, method=method),
                  sla.solve_discrete_lyapunov(0.3 * m, q4, method=method), rtol=1e-10, atol=1e-12)
    # SciPy 1.17.1 solves a complex a with a real b wrongly (its residual is of order 0.1 here); with b
    # made complex it is right, and osculate's answer is the same for both
    x = la.solve_sylvester(ac, b, q)
    close(ac @ x + x @ b, q, atol=1e-12)
    close(x, sla.solve_sylvester(ac, b + 0j, q), rtol=1e-10, atol=1e-10)


def test_equations_derivatives(r):
    a, b, q = r.standard_normal((3, 3)), r.standard_normal((2, 2)), r.standard_normal((3, 2))
    a = a - 3.0 * np.eye(3)  # well separated from -eig(b)
    check_grads(lambda x, y, z: np.sum(la.solve_sylvester(x, y, z) ** 2), (a, b, q), order=2)
    check_grads(lambda x, z: np.sum(la.solve_continuous_lyapunov(x, z @ z.T) ** 2), (a, q), order=2)
    check_grads(lambda x, z: np.sum(la.solve_discrete_lyapunov(0.3 * x, z @ z.T) ** 2), (a + 3.0 * np.eye(3), q),
                order=2)
    # the derivative solves the equation again: a dX + dX b = dq - da X - X db
    da = r.standard_normal((3, 3))
    x, dx = osc.jvp(lambda m: la.solve_sylvester(m, b, q), (a,), (da,))
    close(dx, sla.solve_sylvester(a, b, -da @ x), rtol=1e-10, atol=1e-12)
    _hessians_agree(lambda v: np.sum(la.solve_continuous_lyapunov(v.reshape(2, 2) - 2 * np.eye(2), np.eye(2)) ** 2),
                    a[:2, :2].ravel())
    # batched and staged
    stack = np.stack([a, a + 0.1 * da])
    close(osc.vmap(lambda m: la.solve_sylvester(m, b, q))(stack), [sla.solve_sylvester(m, b, q) for m in stack],
          rtol=1e-10, atol=1e-12)
    close(osc.jit(lambda m: la.solve_discrete_lyapunov(0.3 * m, q @ q.T))(a),
          sla.solve_discrete_lyapunov(0.3 * a, q @ q.T), rtol=1e-10, atol=1e-12)


# --------------------------------------------------------------------------- matrix trigonometric functions


@pytest.mark.parametrize("name", ["sinm", "cosm", "tanm", "sinhm", "coshm", "tanhm"])
def test_matrix_trig_functions(r, name):
    a = 0.5 * r.standard_normal((3, 3))
    ac = a + 0.3j * r.standard_normal((3, 3))
    ours, scipys = getattr(la, name), getattr(sla, name)
    close(ours(a), scipys(a), rtol=1e-12, atol=1e-13)
    assert ours(a).dtype == np.float64
    close(ours(ac), scipys(ac), rtol=1e-12, atol=1e-13)
    w = r.standard_normal((3, 3))
    check_grads(lambda m: np.sum(w * ours(m)), (a,), order=2)
    _hessians_agree(lambda v: np.sum(ours(v.reshape(2, 2)) ** 2), a[:2, :2].ravel())


def test_trig_identities(r):
    a = 0.4 * r.standard_normal((3, 3))
    close(la.cosm(a) @ la.cosm(a) + la.sinm(a) @ la.sinm(a), np.eye(3), atol=1e-13)
    close(la.coshm(a) @ la.coshm(a) - la.sinhm(a) @ la.sinhm(a), np.eye(3), atol=1e-13)
    # d/dt sinm(tA) at t = 1 is A cosm(A)
    close(osc.jvp(lambda t: la.sinm(t * a), (1.0,), (1.0,))[1], a @ la.cosm(a), atol=1e-13)


# --------------------------------------------------------------------------- errors and advice


NEW = ["svd", "svdvals", "qr", "pinv", "pinvh", "lstsq", "toeplitz", "circulant", "hankel", "companion",
       "khatri_rao", "solve_sylvester", "solve_continuous_lyapunov", "solve_discrete_lyapunov",
       "sinm", "cosm", "tanm", "sinhm", "coshm", "tanhm"]

CALLS = {
    "svd": lambda m: sla.svd(m)[1], "svdvals": sla.svdvals, "qr": lambda m: sla.qr(m)[1], "pinv": sla.pinv,
    "pinvh": sla.pinvh, "lstsq": lambda m: sla.lstsq(m, np.ones(3))[0], "toeplitz": lambda m: sla.toeplitz(m[0]),
    "circulant": lambda m: sla.circulant(m[0]), "hankel": lambda m: sla.hankel(m[0]),
    "companion": lambda m: sla.companion(m[0]), "khatri_rao": lambda m: sla.khatri_rao(m, m),
    "solve_sylvester": lambda m: sla.solve_sylvester(m, m, m),
    "solve_continuous_lyapunov": lambda m: sla.solve_continuous_lyapunov(m, m),
    "solve_discrete_lyapunov": lambda m: sla.solve_discrete_lyapunov(m, m),
}


@pytest.mark.parametrize("name", [n for n in NEW if n != "circulant"])
def test_the_scipy_function_on_a_traced_value_names_the_replacement(name):
    # scipy.linalg.circulant never converts its input with np.asarray (np.atleast_1d and np.concatenate
    # return tracers) and fails on the tracer's missing ``strides``: an AttributeError, not this message
    call = CALLS.get(name, getattr(sla, name))
    m = np.array([[2.0, 0.3, 0.1], [0.2, 3.0, 0.4], [0.1, 0.5, 4.0]])
    with pytest.raises(UnsupportedFunctionError, match=rf"scipy\.linalg\.{name} .*osculate\.scipy\.linalg\.{name}"):
        osc.grad(lambda x: np.sum(call(x)))(m)
    assert name in la.__all__


def test_errors(r):
    a = r.standard_normal((3, 3))
    with pytest.raises(NotImplementedError, match="raw"):
        la.qr(a, mode="raw")
    with pytest.raises(ValueError, match="Mode"):
        la.qr(a, mode="reduced")
    with pytest.raises(ValueError, match="pivoting.*jit or vmap"):
        osc.vmap(lambda m: la.qr(m, pivoting=True)[1])(np.stack([a, a]))
    with pytest.raises(ValueError, match="lapack_driver"):
        la.svd(a, lapack_driver="gesvj")
    with pytest.raises(ValueError, match="positive"):
        la.pinv(a, atol=-1.0)
    with pytest.raises(ValueError, match="atol > 0.*jit or vmap"):
        osc.vmap(lambda m: la.pinv(m, atol=0.1))(np.stack([a, a]))
    with pytest.raises(ValueError, match="1-d"):
        la.hankel(np.ones((2, 3)))
    with pytest.raises(ValueError, match="must not be zero"):
        la.companion([0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="columns"):
        la.khatri_rao(np.ones((2, 2)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="Unknown solver"):
        la.solve_discrete_lyapunov(a, a, method="schur")
    with pytest.raises(np.linalg.LinAlgError, match="common"):
        la.solve_sylvester(np.eye(2), -np.eye(2), np.eye(2))  # a and -b share an eigenvalue


# --------------------------------------------------------------------------- subspaces, polar, Procrustes, powers


def test_subspace_functions_match_scipy(r):
    a = r.standard_normal((5, 3))
    low = _low_rank(r, 5, 4, 2)
    for m in (a, a + 1j * r.standard_normal((5, 3)), low, low.T, a.T):
        for ours, theirs in ((la.orth, sla.orth), (la.null_space, sla.null_space)):
            q, want = ours(m), theirs(m)
            assert q.shape == want.shape
            close(q @ q.conj().T, want @ want.conj().T, atol=1e-13)  # the same subspace
        close(la.orth(m, rcond=0.5), sla.orth(m, rcond=0.5), atol=1e-13)
    for side in ("right", "left"):
        for m in (a, a.T, a + 1j * r.standard_normal((5, 3))):
            for x, y in zip(la.polar(m, side), sla.polar(m, side)):
                close(x, y, atol=1e-13)
    b = r.standard_normal((5, 3))
    for x, y in zip(la.orthogonal_procrustes(a, b), sla.orthogonal_procrustes(a, b)):
        close(x, y, atol=1e-13)
    near = a @ np.diag([1.0, 2.0, 3.0]) + 0.2 * b  # small angles: the arcsin branch
    for x, y in ((a, b), (a, b[:, :2]), (a[:, :1], b), (a, near)):
        # (two 3-d subspaces of R⁵ share a direction: that angle is 0 up to rounding, ~1e-8)
        close(la.subspace_angles(x, y), sla.subspace_angles(x, y), atol=1e-7)
    s = _low_rank(r, 4, 4, 4) + 4.0 * np.eye(4)
    s = s @ s.T
    for t in (0.3, -0.7, 2.5, 2, -1):
        close(la.fractional_matrix_power(s, t), sla.fractional_matrix_power(s, t), rtol=1e-12, atol=1e-12)
    close(la.fractional_matrix_power(a[:3], 3), sla.fractional_matrix_power(a[:3], 3), atol=1e-12)  # any matrix


def test_subspace_functions_derivatives_against_scipy(r):
    from test_scipy_linalg_equations import against_scipy

    proj = lambda q: q @ q.conj().T  # noqa: E731  (a basis is unique only up to rotation: compare subspaces)
    a, b = r.standard_normal((5, 3)), r.standard_normal((5, 3))
    against_scipy(lambda m: proj(la.orth(m)), lambda m: proj(sla.orth(m)), (a,), r)
    against_scipy(lambda m: proj(la.null_space(m)), lambda m: proj(sla.null_space(m)), (a.T,), r)
    # rank 2 throughout: the factors keep it
    against_scipy(lambda x, y: proj(la.orth(x @ y)), lambda x, y: proj(sla.orth(x @ y)),
                  (r.standard_normal((5, 2)), r.standard_normal((2, 4))), r)
    against_scipy(lambda x, y: proj(la.null_space(x @ y)), lambda x, y: proj(sla.null_space(x @ y)),
                  (r.standard_normal((5, 2)), r.standard_normal((2, 4))), r)
    for side in ("right", "left"):
        against_scipy(lambda m: la.polar(m, side)[0], lambda m: sla.polar(m, side)[0], (a,), r)
        against_scipy(lambda m: la.polar(m, side)[1], lambda m: sla.polar(m, side)[1], (a,), r)
    against_scipy(lambda x, y: la.orthogonal_procrustes(x, y)[0], lambda x, y: sla.orthogonal_procrustes(x, y)[0],
                  (a, b), r)
    against_scipy(lambda x, y: la.orthogonal_procrustes(x, y)[1], lambda x, y: sla.orthogonal_procrustes(x, y)[1],
                  (a, b), r)
    # in R⁷ two 3-d subspaces need not meet (a zero angle has no derivative)
    a7, b7 = r.standard_normal((7, 3)), r.standard_normal((7, 3))
    near = a7 @ np.diag([1.0, 2.0, 3.0]) + 0.3 * b7
    assert (sla.subspace_angles(a7, near) < np.pi / 4).any() and (sla.subspace_angles(a, b[:, :2]) > np.pi / 4).any()
    against_scipy(la.subspace_angles, sla.subspace_angles, (a, b[:, :2]), r)
    against_scipy(la.subspace_angles, sla.subspace_angles, (a7, near), r)  # both branches
    spd_of = lambda m: m @ m.T + np.eye(3)  # noqa: E731
    against_scipy(lambda m, t: la.fractional_matrix_power(spd_of(m), t[0]),
                  lambda m, t: np.real(sla.fractional_matrix_power(spd_of(m), t[0])), (a[:3], np.array([0.37])), r)
    against_scipy(lambda m: la.fractional_matrix_power(m, 3), lambda m: sla.fractional_matrix_power(m, 3), (a[:3],), r)


def test_structure_builders(r):
    a = r.standard_normal(4)
    for n in (1, 3, 6):
        for mode in ("full", "valid", "same"):
            close(la.convolution_matrix(a, n, mode), sla.convolution_matrix(a, n, mode))
            v = r.standard_normal(n)
            close(la.convolution_matrix(a, n, mode) @ v, np.convolve(a, v, mode), atol=1e-13)
    stack = r.standard_normal((2, 3))
    close(la.convolution_matrix(stack, 4, "same"), sla.convolution_matrix(stack, 4, "same"))
    f, s = r.standard_normal(4), r.standard_normal(3)
    close(la.leslie(f, s), sla.leslie(f, s))
    for k in (1, 2, 5):
        x = r.standard_normal(k)
        close(la.fiedler(x), sla.fiedler(x))
    for k in (1, 2, 3, 4, 5, 8):
        x = r.standard_normal(k)
        out, want = la.fiedler_companion(x), sla.fiedler_companion(x)
        assert np.shape(out) == np.shape(want)
        close(out, want)
    for m_, n_ in ((3, 5), (5, 3), (3, 3)):
        sv = r.standard_normal(min(m_, n_))
        close(la.diagsvd(sv, m_, n_), sla.diagsvd(sv, m_, n_))
    np.testing.assert_array_equal(la.hadamard(8), sla.hadamard(8))
    assert la.hadamard(4, dtype=float).dtype == np.float64
    w = r.standard_normal((5, 3))
    check_grads(lambda x: np.sum(w[:, :3] * la.convolution_matrix(x, 3) ** 2), (a[:3],), order=2)
    check_grads(lambda x, y: np.sum(la.leslie(x, y) ** 3), (f, s), order=2)
    check_grads(lambda x: np.sum(la.fiedler(x) ** 2 * w[:3, :3]), (np.array([0.3, 1.2, -0.8]),), order=2)
    check_grads(lambda x: np.sum(w[:3, :3] * la.fiedler_companion(x) ** 2), (a,), order=2)
    check_grads(lambda x: np.sum(w * la.diagsvd(x, 5, 3) ** 3), (a[:3],), order=2)
    _hessians_agree(lambda x: np.sum(la.fiedler_companion(x) ** 3) + np.sum(la.leslie(x, x[1:]) ** 2), a)


def test_subspace_and_builder_errors(r):
    a = r.standard_normal((3, 3))
    with pytest.raises(ValueError, match="2-d"):
        la.orth(np.ones(3))
    with pytest.raises(ValueError, match="lapack_driver"):
        la.null_space(a, lapack_driver="gesvj")
    with pytest.raises(ValueError, match="side"):
        la.polar(a, side="up")
    with pytest.raises(ValueError, match="shapes of A and B differ"):
        la.orthogonal_procrustes(a, a[:2])
    with pytest.raises(ValueError, match="same number of rows"):
        la.subspace_angles(a, a[:2])
    with pytest.raises(ValueError, match="not symmetric"):
        la.fractional_matrix_power(a, 0.5)
    with pytest.raises(ValueError, match="positive integer"):
        la.convolution_matrix(np.ones(3), 0)
    with pytest.raises(ValueError, match="mode"):
        la.convolution_matrix(np.ones(3), 2, mode="circular")
    with pytest.raises(ValueError, match="Incorrect lengths"):
        la.leslie(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="Leading coefficient is zero"):
        la.fiedler_companion(np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="Length of s must be M or N"):
        la.diagsvd(np.ones(2), 3, 4)
