"""Dense second-order objects: Hessians in every nesting and chunk size,
Jacobians by forward and reverse mode, packed symmetric Hessians, the exact
Hessian diagonal, and checkpointing (same derivatives, less memory).

Every dense matrix is checked column by column against the matrix-free
products it is assembled from (``hvp`` / ``jvp`` / ``vjp``), to 1e-12
relative.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sps

import osculate as osc
from osculate.ad.prims import linalg as linalg_prims
from osculate.analysis.trace import HESSIAN_DIAGONAL_METHODS, LAPLACIAN_METHODS
from osculate.linop import DiagonalEstimate
from osculate.testing.sparse_problems import chained_rosenbrock

MODES = osc.HVP_MODES


_C = np.random.default_rng(3).standard_normal((6, 6)) / 3.0


def f_vec(x):
    """Dense coupling (matrix product, prod, logsumexp) and a banded part."""
    x = np.ravel(x)
    k = x.size
    c = _C[:k, :k]
    return (np.sum(np.tanh(c @ x) ** 2) + np.log(np.sum(np.exp(x))) + np.prod(np.cos(x))
            + np.sum(np.sin(x) * np.roll(x, 1)) + np.sum(x ** 4) / 4.0)


def f_matrix(X):
    """A function of a matrix argument: trace of a product and a determinant."""
    return np.trace(X @ X.T @ X) + np.sum(np.sin(X) * X[::-1]) + np.linalg.det(X @ X.T + np.eye(X.shape[0]))


def _point(shape, seed=0):
    return np.random.default_rng(seed).uniform(-0.8, 0.8, shape)


CASES = [
    pytest.param(f_vec, (), id="0d"),
    pytest.param(f_vec, (1,), id="n1"),
    pytest.param(f_vec, (6,), id="n6"),
    pytest.param(f_vec, (2, 3), id="2x3-vector-fn"),
    pytest.param(f_matrix, (2, 3), id="2x3-matrix-fn"),
]


def _hessian_by_columns(f, x, mode):
    n = x.size
    cols = [np.ravel(osc.hvp(f, x, e.reshape(x.shape), mode=mode)) for e in np.eye(n)]
    return np.array(cols).T.reshape(x.shape + x.shape)


# --------------------------------------------------------------------------- dense Hessians


@pytest.mark.parametrize("f, shape", CASES)
@pytest.mark.parametrize("mode", MODES)
def test_hessian_equals_hvp_columns_for_every_chunk_size(f, shape, mode, assert_rel):
    x = _point(shape)
    n = x.size
    cols = _hessian_by_columns(f, x, mode)
    cols_default = _hessian_by_columns(f, x, "fwd-rev")
    for k in sorted({None, 1, 2, max(n - 1, 1), n, n + 3}, key=lambda v: -1 if v is None else v):
        h = osc.hessian(f, mode=mode, chunk_size=k)(x)
        assert h.shape == shape + shape
        assert_rel(h, 0.5 * (cols + np.swapaxes(cols.reshape(n, n), 0, 1).reshape(cols.shape)))
        assert_rel(h, cols_default, 1e-12)
        hm = np.asarray(h).reshape(n, n)
        assert np.array_equal(hm, hm.T), "the dense Hessian is exactly symmetric"


@pytest.mark.parametrize("mode", MODES)
def test_chunked_hessians_agree_with_one_pass(mode):
    # Chunks of different sizes fold the batch into matrix products of different shapes, so
    # BLAS may sum in a different order: agreement is to rounding, and every result is
    # exactly symmetric.
    x = _point(6, seed=1)
    full = osc.hessian(f_vec, mode=mode)(x)
    for k in (1, 4, 6, 50):
        h = osc.hessian(f_vec, mode=mode, chunk_size=k)(x)
        np.testing.assert_allclose(h, full, rtol=1e-13, atol=1e-13 * np.abs(full).max())
        assert np.array_equal(h, h.T)


def test_hessian_of_a_known_function_is_exact(assert_rel):
    # f = x0^2 x1 + exp(x2) x0 + x1^3  ->  known Hessian
    f = lambda x: x[0] ** 2 * x[1] + np.exp(x[2]) * x[0] + x[1] ** 3  # noqa: E731
    x = np.array([0.7, -1.3, 0.4])
    e = np.exp(0.4)
    want = np.array([[2 * -1.3, 2 * 0.7, e], [2 * 0.7, 6 * -1.3, 0.0], [e, 0.0, 0.7 * e]])
    for m in MODES:
        for k in (None, 1, 2):
            assert_rel(osc.hessian(f, mode=m, chunk_size=k)(x), want, 1e-15)


# --------------------------------------------------------------------------- Jacobians


def g_vec(x):
    x = np.ravel(x)
    return np.concatenate([np.tanh(_C[:4, : x.size] @ x), x[1:] * x[:-1], np.reshape(np.sum(x ** 3), (1,))])


def g_matrix(X):
    return np.sin(X.T @ X) + X.T[:, :1]


@pytest.mark.parametrize("g, shape", [
    pytest.param(g_vec, (5,), id="vector"),
    pytest.param(g_matrix, (2, 3), id="matrix-in-matrix-out"),
    pytest.param(lambda x: np.sin(x) * x, (), id="0d"),
    pytest.param(lambda x: np.sum(x ** 3), (4,), id="scalar-out"),
])
def test_jacobians_equal_jvp_columns_and_vjp_rows(g, shape, assert_rel):
    x = _point(shape, seed=2)
    y = g(x)
    n, m = x.size, np.size(y)
    cols = np.array([np.ravel(osc.jvp(g, (x,), (e.reshape(shape),))[1]) for e in np.eye(n)]).T
    _, pullback = osc.vjp(g, x)
    rows = np.array([np.ravel(pullback(e.reshape(np.shape(y)))[0]) for e in np.eye(m)])
    for k in (None, 1, 2, n, m, max(n, m) + 2):
        jf = osc.jacfwd(g, chunk_size=k)(x)
        jr = osc.jacrev(g, chunk_size=k)(x)
        assert jf.shape == np.shape(y) + shape and jr.shape == np.shape(y) + shape
        assert_rel(np.reshape(jf, (m, n)), cols)
        assert_rel(np.reshape(jr, (m, n)), rows)
        assert_rel(jf, jr)


def test_jacobian_of_a_function_that_ignores_its_input():
    for jac in (osc.jacfwd, osc.jacrev):
        np.testing.assert_array_equal(jac(lambda x: np.ones(2) * 3.0)(np.ones(3)), np.zeros((2, 3)))


# --------------------------------------------------------------------------- packed symmetric Hessians


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("chunk_size", [None, 1, 4, 100])
def test_symmetric_hessian_is_packed_and_consistent(mode, chunk_size, rng, assert_rel):
    x = _point((2, 3), seed=4)
    n = x.size
    dense = osc.hessian(f_vec, mode=mode)(x).reshape(n, n)
    S = osc.hessian(f_vec, mode=mode, chunk_size=chunk_size, symmetric=True)(x)
    assert isinstance(S, osc.SymmetricMatrix)
    assert S.shape == (n, n) and S.packed.shape == (n * (n + 1) // 2,)
    assert S.nbytes == n * (n + 1) // 2 * 8
    D = S.to_dense()
    assert np.array_equal(D, D.T)
    assert_rel(D, dense)
    assert_rel(S.packed, dense[np.triu_indices(n)])
    v = rng.standard_normal(n)
    V = rng.standard_normal((n, 3))
    assert_rel(S @ v, D @ v)
    assert_rel(S @ V, D @ V)
    assert_rel(v @ S, v @ D)
    assert_rel(V.T @ S, V.T @ D)
    assert_rel(S.aslinearoperator() @ v, D @ v)
    np.testing.assert_array_equal(S.diagonal(), np.diag(D))
    csr = S.tocsr()
    assert sps.issparse(csr) and csr.format == "csr"
    np.testing.assert_array_equal(csr.toarray(), D)
    up = S.tocoo(upper=True)
    assert up.nnz == n * (n + 1) // 2
    np.testing.assert_array_equal(up.toarray(), np.triu(D))
    np.testing.assert_array_equal(S.tocsr(upper=True).toarray(), np.triu(D))
    np.testing.assert_array_equal(S.tocoo().toarray(), D)
    np.testing.assert_array_equal(np.asarray(S), D)


def test_forward_forward_symmetric_computes_only_the_upper_triangle(monkeypatch, assert_rel):
    """symmetric=True with fwd-fwd evaluates n(n+1)/2 second directional derivatives."""
    from osculate.ad import transforms

    calls = []
    original = transforms._second_directional

    def counting(f, x, u, v):
        calls.append(np.shape(u))
        return original(f, x, u, v)

    monkeypatch.setattr(transforms, "_second_directional", counting)
    x = _point(5, seed=5)
    S = osc.hessian(f_vec, mode="fwd-fwd", symmetric=True, chunk_size=4)(x)
    assert len(calls) == -(-15 // 4)  # ceil(n(n+1)/2 / chunk) batched calls, 15 directions in all
    monkeypatch.setattr(transforms, "_second_directional", original)
    assert_rel(S.to_dense(), osc.hessian(f_vec)(x))


def test_symmetric_matrix_validation():
    with pytest.raises(ValueError, match=r"n\(n\+1\)/2 = 6 entries, got 5"):
        osc.SymmetricMatrix(np.ones(5), 3)
    with pytest.raises(ValueError, match="not symmetric"):
        osc.SymmetricMatrix.from_dense(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="square"):
        osc.SymmetricMatrix.from_dense(np.ones((2, 3)))
    with pytest.raises(ValueError, match="expected a vector of length 3"):
        osc.SymmetricMatrix(np.ones(6), 3) @ np.ones(4)


# --------------------------------------------------------------------------- hessian_diagonal


def test_hessian_diagonal_is_exact(assert_rel):
    # f = sum x^4 + sum sin(x_i) x_{i+1} + x0 x1 x2: diagonal 12 x_i^2 - sin(x_i) x_{i+1}
    def f(x):
        return np.sum(x ** 4) + np.sum(np.sin(x[:-1]) * x[1:]) + x[0] * x[1] * x[2]

    x = _point(7, seed=6)
    want = 12.0 * x ** 2
    want[:-1] -= np.sin(x[:-1]) * x[1:]
    for k in (None, 1, 3, 7, 20):
        d = osc.hessian_diagonal(f, x, chunk_size=k)
        assert_rel(d, want, 1e-15)
        assert_rel(d, np.diag(osc.hessian(f)(x)))
    X = x[:6].reshape(2, 3)
    dm = osc.hessian_diagonal(f_matrix, X)
    assert dm.shape == (2, 3)
    assert_rel(dm.ravel(), np.diag(osc.hessian(f_matrix)(X).reshape(6, 6)))


DIAGONAL_PROBLEMS = {
    "0d": (f_vec, ()),
    "dense-6": (f_vec, (6,)),
    "vector-fn-2x3": (f_vec, (2, 3)),
    "matrix-fn-2x3": (f_matrix, (2, 3)),
    "rosenbrock-40": (chained_rosenbrock, (40,)),
}


@pytest.mark.parametrize("name", sorted(DIAGONAL_PROBLEMS))
def test_every_diagonal_method_agrees_with_the_dense_hessian(name, assert_rel):
    f, shape = DIAGONAL_PROBLEMS[name]
    x = _point(shape, seed=8)
    n = x.size
    H = osc.hessian(f)(x).reshape(n, n)
    want = np.diag(H).reshape(shape)
    for method in HESSIAN_DIAGONAL_METHODS:
        for k in (None, 3):
            d = osc.hessian_diagonal(f, x, method, chunk_size=k)
            est = osc.hessian_diagonal(f, x, method, chunk_size=k, full_output=True)
            assert isinstance(est, DiagonalEstimate) and d.shape == est.estimate.shape == est.std_error.shape == shape
            np.testing.assert_array_equal(d, est.estimate)  # (the same seed: the same probes)
            if method == "hutchinson":
                # within the estimator's error: the probes' spread, entry by entry (about 0 where a row
                # of H has no off-diagonal entry: Rademacher probes are exact there)
                assert est.method == "hutchinson" and est.n_matvec == 100
                assert np.all(np.abs(d - want) <= 5.0 * est.std_error + 1e-12 * np.max(np.abs(want)))
                continue
            assert_rel(d, want)
            np.testing.assert_array_equal(est.std_error, 0.0)
            if method == "auto":  # chunks unless the basis needs several passes and colouring pays
                sparse = name == "rosenbrock-40" and k == 3
                assert est.method == ("coloring" if sparse else "dense-chunks")
                assert est.n_matvec == (2 if sparse else n)
            else:  # colouring: one product per colour (chained Rosenbrock is tridiagonal; the others dense)
                assert est.method == method
                assert est.n_matvec == (2 if method == "coloring" and name == "rosenbrock-40" else n)
    for method in LAPLACIAN_METHODS:
        assert float(osc.laplacian(f, x, method, chunk_size=3)) == pytest.approx(np.trace(H), rel=1e-12)
    assert osc.hessian_trace(f, x).estimate == pytest.approx(np.trace(H), rel=1e-12)


def test_the_diagonal_works_inside_transformations(assert_rel):
    x = _point(6, seed=9)
    want = np.diag(osc.hessian(f_vec)(x))
    for method in ("auto", "dense-chunks", "taylor"):
        assert_rel(osc.jit(lambda z, m=method: osc.hessian_diagonal(f_vec, z, m, chunk_size=2))(x), want)
    X = np.stack([x, 0.5 * x])
    assert_rel(osc.vmap(lambda z: osc.hessian_diagonal(f_vec, z, "taylor"))(X)[1],
               np.diag(osc.hessian(f_vec)(0.5 * x)))
    # d/dx of the Laplacian: the gradient of tr H, against finite differences of the Laplacian
    g = osc.grad(lambda z: osc.laplacian(f_vec, z))(x)
    e, h = np.eye(6), 1e-5
    fd = [(osc.laplacian(f_vec, x + h * e[i]) - osc.laplacian(f_vec, x - h * e[i])) / (2 * h) for i in range(6)]
    assert_rel(g, fd, 1e-6)


def test_one_hessian_diagonal_and_one_laplacian_in_the_public_api():
    for gone in ("taylor_hessian_diagonal", "hessian_diagonal_estimate"):
        assert gone not in osc.__all__
        for module in (osc, osc.ad, osc.analysis, osc.sparse):
            assert not hasattr(module, gone), (module, gone)
    assert not hasattr(osc.sparse, "hessian_diagonal")
    from osculate.ad import taylor as taylor_module

    assert not hasattr(taylor_module, "laplacian") and not hasattr(taylor_module, "taylor_hessian_diagonal")
    assert osc.hessian_diagonal is osc.analysis.hessian_diagonal
    assert osc.laplacian is osc.analysis.laplacian


# --------------------------------------------------------------------------- checkpoint

N_LAYERS = 20
_WS = [w / np.sqrt(8) for w in np.random.default_rng(20).standard_normal((N_LAYERS, 8, 8))]


def chain(x, ckpt):
    for w in _WS:
        layer = lambda z, w=w: np.tanh(w @ z)  # noqa: E731
        x = osc.checkpoint(layer)(x) if ckpt else layer(x)
    return np.sum(x ** 2) + np.sum(x[:3] * x[1:4])


plain_chain = lambda x: chain(x, False)  # noqa: E731
checkpointed_chain = lambda x: chain(x, True)  # noqa: E731


def test_checkpoint_gives_the_same_grad_and_hvp_in_every_mode(rng, assert_rel):
    x, v = rng.standard_normal(8), rng.standard_normal(8)
    assert_rel(osc.grad(checkpointed_chain)(x), osc.grad(plain_chain)(x), 1e-14)
    assert checkpointed_chain(x) == plain_chain(x)
    for m in MODES:
        assert_rel(osc.hvp(checkpointed_chain, x, v, mode=m), osc.hvp(plain_chain, x, v, mode=m), 1e-13)
        assert_rel(osc.hessian(checkpointed_chain, mode=m)(x), osc.hessian(plain_chain, mode=m)(x), 1e-13)
    assert_rel(osc.hessian_diagonal(checkpointed_chain, x), osc.hessian_diagonal(plain_chain, x), 1e-13)


def test_checkpoint_under_vmap(rng, assert_rel):
    X, V = rng.standard_normal((4, 8)), rng.standard_normal((4, 8))
    assert_rel(osc.vmap(checkpointed_chain)(X), [plain_chain(x) for x in X], 1e-14)
    assert_rel(osc.vmap(osc.grad(checkpointed_chain))(X), np.stack([osc.grad(plain_chain)(x) for x in X]), 1e-13)
    for m in MODES:
        got = osc.vmap(lambda x, v: osc.hvp(checkpointed_chain, x, v, mode=m))(X, V)
        assert_rel(got, np.stack([osc.hvp(plain_chain, x, v, mode=m) for x, v in zip(X, V)]), 1e-13)
    # checkpoint inside a vmapped function, and a checkpointed function of a batched and a shared argument
    layer = osc.checkpoint(lambda w, z: np.tanh(w @ z))
    W = np.stack(_WS[:4])
    got = osc.vmap(osc.grad(lambda w, z: np.sum(layer(w, z) ** 2)), in_axes=(0, None))(W, X[0])
    want = np.stack([osc.grad(lambda w: np.sum(np.tanh(w @ X[0]) ** 2))(w) for w in W])
    assert_rel(got, want, 1e-14)


def test_nested_checkpoints_and_several_arguments(rng, assert_rel):
    x, v = rng.standard_normal(8), rng.standard_normal(8)
    inner = osc.checkpoint(lambda y: np.sin(y) * y)
    outer = osc.checkpoint(lambda y: inner(inner(y)) ** 2)
    nested = lambda z: np.sum(outer(z))  # noqa: E731
    plain = lambda z: np.sum((np.sin(np.sin(z) * z) * (np.sin(z) * z)) ** 2)  # noqa: E731
    for m in MODES:
        assert_rel(osc.hvp(nested, x, v, mode=m), osc.hvp(plain, x, v, mode=m), 1e-13)
    two = osc.checkpoint(lambda a, b: np.tanh(a * b) + a)
    f2 = lambda a, b: np.sum(two(a, b) ** 2)  # noqa: E731
    g2 = lambda a, b: np.sum((np.tanh(a * b) + a) ** 2)  # noqa: E731
    for i in (0, 1):
        assert_rel(osc.grad(f2, argnums=i)(x, v), osc.grad(g2, argnums=i)(x, v), 1e-14)


def _peak(fn):
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


_WM = np.random.default_rng(21).standard_normal((40, 40)) / np.sqrt(40)


def _deep(z, segment):
    """36 tanh layers on a (40, 16) batch, optionally as 6 checkpointed segments of 6."""
    def seg(y):
        for _ in range(6):
            y = np.tanh(_WM @ y)
        return y

    step = osc.checkpoint(seg) if segment else seg
    for _ in range(6):
        z = step(z)
    return np.sum(z ** 2)


@pytest.mark.parametrize("which", ["grad", "fwd-rev"])
def test_checkpoint_reduces_peak_memory_of_grad_and_hvp(which, rng):
    x, v = rng.standard_normal((40, 16)), rng.standard_normal((40, 16))
    run = (lambda f: osc.grad(f)(x)) if which == "grad" else (lambda f: osc.hvp(f, x, v, mode="fwd-rev"))
    plain = _peak(lambda: run(lambda z: _deep(z, False)))
    ckpt = _peak(lambda: run(lambda z: _deep(z, True)))
    assert ckpt < 0.5 * plain, f"checkpointing kept {ckpt / plain:.2f} of the peak memory"


@pytest.mark.parametrize("mode", ["rev-fwd", "rev-rev"])
def test_checkpoint_reduces_peak_memory_of_reverse_over_x_hvps(mode, rng):
    x, v = rng.standard_normal((40, 16)), rng.standard_normal((40, 16))
    plain = _peak(lambda: osc.hvp(lambda z: _deep(z, False), x, v, mode=mode))
    ckpt = _peak(lambda: osc.hvp(lambda z: _deep(z, True), x, v, mode=mode))
    assert ckpt < 0.5 * plain, f"checkpointing kept {ckpt / plain:.2f} of the peak memory"


def _dense_sum(x):
    return np.sum(x) ** 2 + np.sum(np.sin(x))


def test_chunked_dense_hessian_peak_memory_is_close_to_the_result():
    n = 400
    x = np.linspace(-1.0, 1.0, n)
    osc.hessian(_dense_sum, chunk_size=20)(x)  # warm caches
    peak = _peak(lambda: osc.hessian(_dense_sum, chunk_size=20)(x))
    assert peak < 2.0 * n * n * 8, f"peak {peak / (n * n * 8):.2f} x the size of the Hessian"


def test_packed_chunked_hessian_peak_memory_is_below_the_dense_size():
    n = 400
    x = np.linspace(-1.0, 1.0, n)
    peak = _peak(lambda: osc.hessian(_dense_sum, chunk_size=20, symmetric=True)(x))
    assert peak < 1.0 * n * n * 8, f"peak {peak / (n * n * 8):.2f} x the size of the dense Hessian"


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("bad", [0, -1])
def test_chunk_size_must_be_positive(bad):
    x = np.ones(3)
    with pytest.raises(ValueError, match=f"chunk_size must be a positive integer, got {bad}"):
        osc.hessian(f_vec, chunk_size=bad)(x)
    with pytest.raises(ValueError, match="chunk_size must be a positive integer"):
        osc.hessian(f_vec, chunk_size=bad, symmetric=True, mode="fwd-fwd")(x)
    with pytest.raises(ValueError, match="chunk_size must be a positive integer"):
        osc.jacfwd(np.sin, chunk_size=bad)(x)
    with pytest.raises(ValueError, match="chunk_size must be a positive integer"):
        osc.jacrev(np.sin, chunk_size=bad)(x)
    for method in HESSIAN_DIAGONAL_METHODS:
        with pytest.raises(ValueError, match=f"chunk_size must be a positive integer, got {bad}"):
            osc.hessian_diagonal(f_vec, x, method, chunk_size=bad)


def test_fractional_chunk_size_is_rejected():
    with pytest.raises((ValueError, TypeError), match="chunk_size"):
        osc.hessian(f_vec, chunk_size=2.5)(np.ones(3))


def test_bad_hessian_inputs():
    with pytest.raises(ValueError, match="unknown mode 'fwd'"):
        osc.hessian(f_vec, mode="fwd")
    with pytest.raises(TypeError, match=r"requires f to return a scalar, but it returned shape \(3,\)"):
        osc.hessian(np.sin)(np.ones(3))
    with pytest.raises(TypeError, match="integer/bool dtype"):
        osc.hessian(f_vec)(np.ones(3, dtype=int))
    with pytest.raises(TypeError, match="integer/bool dtype"):
        osc.hessian_diagonal(f_vec, np.ones(3, dtype=int))


# --------------------------------------------------------------------------- efficiency of the batched pass

def test_batched_matrix_vector_products_use_one_matrix_product(monkeypatch):
    """Under vmap an unbatched matrix times a batched vector (A @ v, and the
    transposed product in its vjp) is one matrix-matrix product, not a stack of
    matrix-vector products re-reading A once per batch member."""
    shapes = []
    original = linalg_prims.matmul_p.impl

    def recording(a, b):
        shapes.append((np.shape(a), np.shape(b)))
        return original(a, b)

    monkeypatch.setattr(linalg_prims.matmul_p, "impl", recording)
    a = np.random.default_rng(0).standard_normal((30, 8))
    w = np.linspace(-1.0, 1.0, 8)
    loss = lambda z: np.sum(np.logaddexp(0.0, a @ z))  # noqa: E731
    osc.hessian(loss)(w)
    osc.jacfwd(lambda z: a @ z)(w)
    stacked = [s for s in shapes if len(s[0]) > 2 or len(s[1]) > 2]
    assert not stacked, f"stacks of matrix-vector products: {stacked[:3]}"
