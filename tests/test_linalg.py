"""numpy.linalg on traced values: the values, shapes, dtypes and named tuples
NumPy returns; the conventions where a derivative does not exist; the
nuclear norm's gradient and Hessian (a nuclear-norm penalty relies on them);
NumPy's argument handling (rcond/rtol, UPLO, modes, ord).

Derivatives of every function against finite differences are the rows of
tests/rows_linalg.py (in the tables of test_ad_primitives, test_taylor,
test_batching, test_jit and test_sparsity)."""

from __future__ import annotations

import numpy as np
import pytest

import osculate as osc
import osculate.numpy as osc_np
from osculate.testing import check_grads

R = np.random.default_rng(20261206)
TALL, WIDE, SQUARE, STACK = R.standard_normal((5, 3)), R.standard_normal((3, 5)), R.standard_normal((4, 4)), \
    R.standard_normal((2, 4, 3))


def traced(fn, *args):
    """``fn(*args)`` computed on tracers (the primal of a forward pass), so the
    call goes through NumPy's dispatch to osculate.numpy.linalg."""
    return osc.jvp(lambda *a: fn(*a), args, tuple(np.zeros_like(a) for a in args))[0]


def same(got, want, rtol=1e-12, atol=1e-12):
    assert type(got).__name__ == type(want).__name__ or not isinstance(want, tuple)
    if isinstance(want, tuple):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            same(g, w, rtol, atol)
        return
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype.kind == want.dtype.kind, (got.shape, want.shape, got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


# --------------------------------------------------------------------------- values as NumPy's


@pytest.mark.parametrize("a", [TALL, WIDE, SQUARE, STACK], ids=["tall", "wide", "square", "stack"])
@pytest.mark.parametrize("full_matrices", [True, False])
def test_svd_is_numpys(a, full_matrices):
    got = traced(lambda m: np.linalg.svd(m, full_matrices=full_matrices), a)
    want = np.linalg.svd(a, full_matrices=full_matrices)
    assert type(got).__name__ == "SVDResult" and got._fields == ("U", "S", "Vh")
    same(tuple(got), tuple(want))
    same(traced(lambda m: np.linalg.svd(m, compute_uv=False), a), np.linalg.svd(a, compute_uv=False))
    same(traced(np.linalg.svdvals, a), np.linalg.svdvals(a))


@pytest.mark.parametrize("a", [TALL, WIDE, SQUARE, STACK], ids=["tall", "wide", "square", "stack"])
@pytest.mark.parametrize("mode", ["reduced", "complete", "r"])
def test_qr_is_numpys(a, mode):
    got = traced(lambda m: np.linalg.qr(m, mode=mode), a)
    want = np.linalg.qr(a, mode=mode)
    if mode == "r":
        same(got, want)
    else:
        assert type(got).__name__ == "QRResult" and got._fields == ("Q", "R")
        same(tuple(got), tuple(want))


def test_qr_raw_mode_is_refused_and_bad_modes_rejected():
    with pytest.raises(NotImplementedError, match="mode='raw'"):
        traced(lambda m: np.linalg.qr(m, mode="raw"), TALL)
    with pytest.raises(ValueError, match="Unrecognized mode"):
        osc_np.linalg.qr(TALL, mode="economic")


@pytest.mark.parametrize("a, b", [(TALL, R.standard_normal(5)), (TALL, R.standard_normal((5, 2))),
                                  (WIDE, R.standard_normal(3)), (SQUARE, R.standard_normal((4, 3)))],
                         ids=["tall-vector", "tall-matrix", "wide", "square"])
def test_lstsq_returns_numpys_four_tuple(a, b):
    x, res, rank, s = traced(np.linalg.lstsq, a, b)
    wx, wres, wrank, ws = np.linalg.lstsq(a, b)
    same(x, wx, rtol=1e-10)
    same(res, wres, rtol=1e-10)
    assert int(rank) == int(wrank)
    same(s, ws)


def test_lstsq_rank_deficient_and_rcond():
    a = np.column_stack([TALL[:, 0], TALL[:, 0], TALL[:, 1]])  # rank 2 of 3 columns
    b = R.standard_normal(5)
    for rcond in (None, -1, 1e-8):
        x, res, rank, s = osc_np.linalg.lstsq(a, b, rcond=rcond)
        wx, wres, wrank, ws = np.linalg.lstsq(a, b, rcond=rcond)
        same(x, wx, rtol=1e-9, atol=1e-12)
        assert res.shape == wres.shape == (0,) and int(rank) == int(wrank) == 2
    # a large rcond drops the smaller singular value, as LAPACK's gelsd does
    x, _, rank, s = osc_np.linalg.lstsq(TALL, b, rcond=0.9)
    wx, _, wrank, _ = np.linalg.lstsq(TALL, b, rcond=0.9)
    same(x, wx, rtol=1e-9) if int(wrank) == int(rank) else pytest.fail("rank differs")
    # the derivative of the solution is finite at the rank-deficient point (constant rank)
    g = osc.grad(lambda m: np.sum(np.linalg.lstsq(m, b)[0]))(a)
    assert np.all(np.isfinite(g))


def test_pinv_rcond_and_rtol_as_numpy():
    a = np.diag([1.0, 1e-12, 3.0])
    for kwargs in ({}, {"rcond": 1e-13}, {"rtol": None}, {"rtol": 1e-11}, {"hermitian": True}):
        same(traced(lambda m: np.linalg.pinv(m, **kwargs), a), np.linalg.pinv(a, **kwargs))
    same(traced(np.linalg.pinv, STACK), np.linalg.pinv(STACK))
    with pytest.raises(ValueError, match="can't be both set"):
        osc_np.linalg.pinv(a, rcond=1e-3, rtol=1e-3)


def test_matrix_power_and_rank_and_cond_are_numpys():
    for n in (-3, -1, 0, 1, 2, 5, 8):
        same(traced(lambda m: np.linalg.matrix_power(m, n), SQUARE), np.linalg.matrix_power(SQUARE, n), rtol=1e-10)
    same(traced(lambda m: np.linalg.matrix_power(m, 3), STACK[:, :3]), np.linalg.matrix_power(STACK[:, :3], 3))
    with pytest.raises(TypeError, match="integer"):
        osc_np.linalg.matrix_power(SQUARE, 1.5)
    low = np.outer(TALL[:, 0], WIDE[0])  # rank 1
    for m in (TALL, low, STACK):
        assert np.array_equal(traced(lambda x: np.linalg.matrix_rank(x) + 0.0, m), np.linalg.matrix_rank(m))
    for p in (None, 2, -2, 1, -1, np.inf, -np.inf, "fro", "nuc"):
        same(traced(lambda m: np.linalg.cond(m, p), SQUARE), np.linalg.cond(SQUARE, p), rtol=1e-10)
    same(traced(np.linalg.cond, STACK), np.linalg.cond(STACK))
    singular = np.outer(TALL[:3, 0], TALL[:3, 1])
    assert traced(np.linalg.cond, singular) > 1e15 and np.linalg.cond(singular) > 1e15


_VECTOR_ORDS = [None, 2, 1, np.inf, -np.inf, 0, 3, 0.5, -1, -2.5]
_MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]


@pytest.mark.parametrize("ord", _VECTOR_ORDS, ids=str)
def test_vector_norms_are_numpys(ord):
    x = np.array([[1.5, -0.2, 0.0, 3.0], [0.7, -2.0, 1.0, -0.1]])  # a zero: the count, and |0|ᵖ = inf for p < 0
    for axis in (0, 1, -1):
        for keepdims in (False, True):
            with np.errstate(divide="ignore"):  # NumPy's own warning for 0 ** negative
                want = np.linalg.norm(x, ord, axis, keepdims)
            same(traced(lambda v: np.linalg.norm(v, ord, axis, keepdims), x), want)
    x = x + (x == 0)
    same(traced(lambda v: np.linalg.norm(v, ord), x[0]), np.linalg.norm(x[0], ord))
    v_ord = 2 if ord is None else ord
    for axis in (None, 0, (0, 1)):
        same(traced(lambda v: np.linalg.vector_norm(v, axis=axis, ord=v_ord), x), np.linalg.vector_norm(x, axis=axis, ord=v_ord))


@pytest.mark.parametrize("ord", _MATRIX_ORDS, ids=str)
def test_matrix_norms_are_numpys(ord):
    x = R.standard_normal((3, 2, 4))
    for axis in ((0, 1), (2, 0), (-1, -2)):
        for keepdims in (False, True):
            same(traced(lambda m: np.linalg.norm(m, ord, axis, keepdims), x), np.linalg.norm(x, ord, axis, keepdims))
    same(traced(lambda m: np.linalg.norm(m, ord), TALL), np.linalg.norm(TALL, ord))
    m_ord = "fro" if ord is None else ord
    same(traced(lambda m: np.linalg.matrix_norm(m, ord=m_ord, keepdims=True), x),
         np.linalg.matrix_norm(x, ord=m_ord, keepdims=True))


def test_norm_rejects_what_numpy_rejects():
    with pytest.raises(ValueError, match="Invalid norm order 'fro' for vectors"):
        osc_np.linalg.norm(TALL[0], "fro")
    with pytest.raises(ValueError, match="Invalid norm order for matrices"):
        osc_np.linalg.norm(TALL, 3)
    with pytest.raises(ValueError, match="Duplicate axes"):
        osc_np.linalg.norm(TALL, axis=(0, -2))
    with pytest.raises(ValueError, match="Improper number of dimensions"):
        osc_np.linalg.norm(STACK, 2)


def test_products_and_tensor_functions_are_numpys():
    a, b, c, d = R.standard_normal(3), R.standard_normal((3, 10)), R.standard_normal((10, 2)), R.standard_normal(2)
    for arrays in ([a, b, c, d], [b, c], [a, b, c], [b, c, d], [b.T, b, b.T]):
        same(traced(lambda *xs: np.linalg.multi_dot(list(xs)), *arrays), np.linalg.multi_dot(arrays), rtol=1e-10)
    t = np.reshape(np.eye(6) * 3.0 + 0.2 * R.standard_normal((6, 6)), (2, 3, 6))
    rhs = R.standard_normal((2, 3))
    same(traced(np.linalg.tensorsolve, t, rhs), np.linalg.tensorsolve(t, rhs), rtol=1e-10)
    t2 = np.reshape(t, (6, 2, 3))
    same(traced(lambda u, r: np.linalg.tensorsolve(u, r, axes=(0,)), t2, rhs),
         np.linalg.tensorsolve(t2, rhs, axes=(0,)), rtol=1e-10)
    same(traced(np.linalg.tensorinv, t), np.linalg.tensorinv(t), rtol=1e-10)
    same(traced(lambda u: np.linalg.tensorinv(u, ind=1), t2), np.linalg.tensorinv(t2, ind=1), rtol=1e-10)


_ARRAY_API = {  # NumPy 2's linalg spellings of numpy functions: (call, arguments)
    "cross": (lambda x, y: np.linalg.cross(x, y), (R.standard_normal((4, 3)), R.standard_normal(3))),
    "cross axis=0": (lambda x, y: np.linalg.cross(x, y, axis=0), (R.standard_normal((3, 2)), R.standard_normal((3, 2)))),
    "diagonal": (lambda x: np.linalg.diagonal(x, offset=1), (STACK,)),
    "matmul": (lambda x, y: np.linalg.matmul(x, y), (STACK, R.standard_normal(3))),
    "matrix_transpose": (lambda x: np.linalg.matrix_transpose(x), (STACK,)),
    "outer": (lambda x, y: np.linalg.outer(x, y), (R.standard_normal(3), R.standard_normal(2))),
    "tensordot": (lambda x, y: np.linalg.tensordot(x, y, axes=([1, 2], [0, 1])), (STACK, R.standard_normal((4, 3)))),
    "trace": (lambda x: np.linalg.trace(x, offset=-1), (STACK,)),
    "vecdot": (lambda x, y: np.linalg.vecdot(x, y, axis=1), (STACK, R.standard_normal((2, 4, 3)))),
}


@pytest.mark.parametrize("name", list(_ARRAY_API))
def test_the_array_api_spellings_are_numpys_and_differentiable(name):
    fn, args = _ARRAY_API[name]
    same(traced(fn, *args), fn(*args))
    check_grads(fn, args, order=2, modes=("fwd", "rev"))


def test_the_array_api_spellings_check_what_numpy_checks():
    for call, message in [(lambda x: np.linalg.cross(x, x), "3-dimensional vectors, but they are 2 and 2"),
                          (lambda x: np.linalg.outer(x, x[None]), "x1.ndim=1 and x2.ndim=2")]:
        with pytest.raises(ValueError, match=message):
            call(np.ones(2))
        with pytest.raises(ValueError, match=message):
            osc.grad(lambda x: np.sum(call(x)))(np.ones(2))


def test_eigh_upper_is_numpys_and_reads_only_the_upper_triangle():
    a = SQUARE + SQUARE.T + 8.0 * np.eye(4) + np.tril(R.standard_normal((4, 4)), -1)  # noise below the diagonal
    for uplo in ("U", "L"):
        got = traced(lambda m: np.linalg.eigh(m, UPLO=uplo), a)
        same(tuple(got), tuple(np.linalg.eigh(a, UPLO=uplo)))
        same(traced(lambda m: np.linalg.eigvalsh(m, UPLO=uplo), a), np.linalg.eigvalsh(a, UPLO=uplo))
    g = osc.grad(lambda m: np.sum(np.linalg.eigh(m, UPLO="U")[1][0] ** 3))(a)
    assert np.all(np.tril(g, -1) == 0.0) and np.any(np.triu(g, 1) != 0.0)
    g = osc.grad(lambda m: np.sum(np.linalg.eigvalsh(m, UPLO="L") ** 2))(a)
    assert np.all(np.triu(g, 1) == 0.0)
    with pytest.raises(ValueError, match="UPLO"):
        osc_np.linalg.eigh(a, UPLO="X")


def test_cholesky_upper_is_numpys():
    a = SQUARE @ SQUARE.T + np.eye(4) + np.triu(R.standard_normal((4, 4)), 1)
    same(traced(lambda m: np.linalg.cholesky(m, upper=True), a), np.linalg.cholesky(a, upper=True))
    same(traced(np.linalg.cholesky, a), np.linalg.cholesky(a))


# --------------------------------------------------------------------------- the nuclear norm


def _nuclear_gradient(w):
    """The textbook gradient of the nuclear norm: U Vᵀ of the reduced SVD."""
    u, _, vh = np.linalg.svd(w, full_matrices=False)
    return u @ vh


@pytest.mark.parametrize("shape", [(4, 3), (3, 5), (3, 3)])
def test_nuclear_norm_gradient_and_hessian_against_finite_differences(shape):
    w = np.random.default_rng(sum(shape)).standard_normal(shape)
    f = lambda m: np.linalg.norm(m, "nuc")  # noqa: E731
    np.testing.assert_allclose(osc.grad(f)(w), _nuclear_gradient(w), rtol=1e-12, atol=1e-13)
    h, n = 1e-5, w.size
    fd_grad = np.array([(f(w + h * e) - f(w - h * e)) / (2 * h) for e in np.eye(n).reshape((n,) + shape)])
    np.testing.assert_allclose(osc.grad(f)(w).ravel(), fd_grad, rtol=1e-8, atol=1e-9)
    fd_hess = np.array([(_nuclear_gradient(w + h * e) - _nuclear_gradient(w - h * e)).ravel() / (2 * h)
                        for e in np.eye(n).reshape((n,) + shape)])
    for mode in osc.HVP_MODES:
        hess = osc.hessian(f, mode=mode)(w).reshape(n, n)
        np.testing.assert_allclose(hess, hess.T, atol=1e-12)
        np.testing.assert_allclose(hess, fd_hess, rtol=1e-6, atol=1e-7)
    check_grads(f, (w,), order=2, modes=("fwd", "rev"))


def test_nuclear_norm_penalty_model_fits():
    """Low-rank regression with a nuclear-norm penalty: the gradient and Hessian
    of the penalised loss against finite differences, and a Newton step's
    decrease."""
    r = np.random.default_rng(7)
    x, y = r.standard_normal((8, 3)), r.standard_normal((8, 2))
    loss = lambda w: np.sum((x @ w - y) ** 2) + 0.3 * np.linalg.norm(w, "nuc")  # noqa: E731
    w = r.standard_normal((3, 2))
    check_grads(loss, (w,), order=2, modes=("fwd", "rev"))
    g, hess = osc.grad(loss)(w).ravel(), osc.hessian(loss)(w).reshape(6, 6)
    assert np.all(np.linalg.eigvalsh(hess) > 0)
    step = np.linalg.solve(hess, g).reshape(w.shape)
    assert loss(w - step) < loss(w)


# --------------------------------------------------------------------------- where the derivative does not exist


def _with_singular_values(s, seed):
    r = np.random.default_rng(seed)
    u, _ = np.linalg.qr(r.standard_normal((len(s), len(s))))
    v, _ = np.linalg.qr(r.standard_normal((len(s), len(s))))
    return (u * s) @ v.T


@pytest.mark.parametrize("s", [[1.0, 1.0, 1.0], [3.0, 1.0, 1.0], [2.0, 2.0, 0.5]], ids=["all-equal", "low-pair", "top-pair"])
def test_nuclear_norm_derivatives_are_exact_at_repeated_singular_values(s):
    """The svd is not differentiable at a tie, but the nuclear norm is (for
    nonzero singular values): its gradient U Vᵀ and Hessian stay exact."""
    w = _with_singular_values(s, 3)
    f = lambda m: np.linalg.norm(m, "nuc")  # noqa: E731
    np.testing.assert_allclose(osc.grad(f)(w), _nuclear_gradient(w), atol=1e-12)
    h = 1e-5
    fd_hess = np.array([(_nuclear_gradient(w + h * e) - _nuclear_gradient(w - h * e)).ravel() / (2 * h)
                        for e in np.eye(9).reshape(9, 3, 3)])
    for mode in osc.HVP_MODES:
        np.testing.assert_allclose(osc.hessian(f, mode=mode)(w).reshape(9, 9), fd_hess, atol=1e-7)
    # along a perturbation that keeps the singular values, the reconstruction is exact
    u, _, vh = np.linalg.svd(w)
    k = np.random.default_rng(4).standard_normal((3, 3))
    t = u @ (k - k.T + np.diag([0.3, -0.2, 0.5])) @ vh
    np.testing.assert_allclose(osc.jvp(_reconstructed, (w,), (t,))[1], t, atol=1e-12)


def test_repeated_and_zero_singular_values_give_finite_derivatives():
    q = _with_singular_values([1.0, 1.0, 1.0], 5)
    for a in (q, np.diag([2.0, 0.0, 0.0]), np.zeros((3, 2)), np.outer([1.0, 2.0, 0.5], [1.0, -1.0])):
        for fn in (lambda m: np.linalg.norm(m, "nuc"), lambda m: np.sum(_reconstructed(m)),
                   lambda m: np.sum(np.linalg.svd(m)[0]), lambda m: np.linalg.norm(m, 2)):
            assert np.all(np.isfinite(osc.grad(fn)(a)))
            assert np.all(np.isfinite(osc.hessian(fn)(a)))


def _reconstructed(m):
    u, s, vh = np.linalg.svd(m, full_matrices=False)
    return (u * s) @ vh


def test_pinv_derivative_is_exact_with_repeated_singular_values():
    q, _ = np.linalg.qr(np.random.default_rng(4).standard_normal((3, 3)))
    a = 2.0 * q  # pinv = inv, every singular value 2
    t = np.random.default_rng(5).standard_normal((3, 3))
    _, dp = osc.jvp(np.linalg.pinv, (a,), (t,))
    ai = np.linalg.inv(a)
    np.testing.assert_allclose(dp, -ai @ t @ ai, atol=1e-13)


def test_norms_at_zero_have_a_finite_subgradient():
    for f in (np.linalg.norm, lambda v: np.linalg.norm(v, 3), lambda v: np.linalg.norm(v, 1),
              lambda v: np.linalg.norm(v, 0)):
        g = osc.grad(f)(np.zeros(3))
        np.testing.assert_array_equal(g, np.zeros(3))
    np.testing.assert_array_equal(osc.grad(lambda m: np.linalg.norm(m, "fro"))(np.zeros((2, 2))), np.zeros((2, 2)))


def test_svd_complement_convention_keeps_projections_exact():
    """The columns of a full U beyond n are not unique; their projector is, and
    its derivative matches finite differences (checked in rows_linalg too)."""
    a = TALL
    t = R.standard_normal(a.shape)
    proj = lambda m: (lambda u: u[:, 3:] @ u[:, 3:].T)(np.linalg.svd(m)[0])  # noqa: E731
    _, d = osc.jvp(proj, (a,), (t,))
    h = 1e-6
    np.testing.assert_allclose(d, (proj(a + h * t) - proj(a - h * t)) / (2 * h), atol=1e-8)
    u, du = osc.jvp(lambda m: np.linalg.svd(m)[0], (a,), (t,))
    np.testing.assert_allclose(u[:, 3:].T @ du[:, 3:], 0.0, atol=1e-12)  # the complement does not rotate in itself
