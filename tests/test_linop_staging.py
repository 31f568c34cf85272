"""jit="auto" | True | False of hessian_operator, eigenvalues and
spectral_density (staged products, eager fallback with a note), and the
default eigensolver (Lanczos with partial reorthogonalisation)."""

import numpy as np
import pytest

import osculate as osc
from osculate.linop import eigenvalues, hessian_operator, spectral_density
from osculate.linop import krylov, operators
from osculate.linop.symmetric_operator import as_symmetric_operator


def _problem(n=40, seed=0):
    rng = np.random.default_rng(seed)
    B = rng.standard_normal((n, n)) / np.sqrt(n)
    A = B @ B.T
    c = rng.standard_normal(n)
    calls = {"f": 0}

    def f(x):
        calls["f"] += 1
        return 0.5 * x @ A @ x + np.sum(np.log(np.cosh(x))) + c @ x + np.sum(np.tanh(x) ** 3)

    return f, 0.3 * rng.standard_normal(n), calls


def _branchy(H):
    """A matvec with a Python ``if`` on the value of its input."""

    def mv(v):
        if v[0] > 0:
            return H @ v
        return -(H @ -v)

    return mv


# --------------------------------------------------------------------------- hessian_operator


def test_hessian_operator_auto_agrees_with_eager():
    f, x, _ = _problem()
    V = np.random.default_rng(1).standard_normal((x.size, 7))
    auto, eager = hessian_operator(f, x), hessian_operator(f, x, jit=False)
    assert auto.note is None and eager.note is None
    np.testing.assert_allclose(auto @ V[:, 0], eager @ V[:, 0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(auto @ V, eager @ V, rtol=0, atol=1e-12)
    np.testing.assert_allclose(hessian_operator(f, x, jit=True) @ V, eager @ V, rtol=0, atol=1e-12)
    ra, re = eigenvalues(auto, k=3), eigenvalues(eager, k=3)
    np.testing.assert_allclose(ra.values, re.values, rtol=0, atol=1e-12)
    assert ra.n_matvec == re.n_matvec and ra.note is None


def test_hessian_operator_traces_once_not_per_product():
    f, x, calls = _problem()
    V = np.random.default_rng(2).standard_normal((x.size, 5))
    op = hessian_operator(f, x)
    for i in range(10):
        op @ V[:, i % 5]
    op @ V
    op @ V
    staged = calls["f"]
    assert staged <= 4  # value and gradient, the product program, the block program
    for i in range(10):
        op @ V[:, i % 5]
    op @ V
    assert calls["f"] == staged
    calls["f"] = 0
    op = hessian_operator(f, x, jit=False)
    for i in range(10):
        op @ V[:, i % 5]
    assert calls["f"] >= 10


def test_hessian_operator_fallback_note_and_true_raises(monkeypatch):
    f, x, _ = _problem(n=6)

    def refuse(*args, **kwargs):
        raise osc.ConcretizationError("a Python branch on a staged value")

    monkeypatch.setattr(operators, "linearize", refuse)
    op = hessian_operator(f, x)
    assert "hessian_operator" in op.note and "ConcretizationError" in op.note and "\n" not in op.note
    np.testing.assert_allclose(op.to_dense(), hessian_operator(f, x, jit=False).to_dense(), rtol=0, atol=1e-12)
    assert eigenvalues(op, k=2).note == op.note
    with pytest.raises(osc.ConcretizationError):
        hessian_operator(f, x, jit=True)


def test_bad_jit_keyword():
    f, x, _ = _problem(n=4)
    for call in (lambda: hessian_operator(f, x, jit="yes"), lambda: eigenvalues(np.eye(4), k=1, jit=1.5),
                 lambda: spectral_density(np.eye(4), jit="never")):
        with pytest.raises(ValueError, match="jit must be"):
            call()


# --------------------------------------------------------------------------- eigenvalues / spectral_density on a callable


def test_callable_auto_agrees_with_eager_and_is_traced_once():
    f, x, calls = _problem()
    mv = lambda v: osc.hvp(f, x, v)  # noqa: E731
    auto = eigenvalues(mv, k=3, n=x.size)
    traced = calls["f"]
    calls["f"] = 0
    eager = eigenvalues(mv, k=3, n=x.size, jit=False)
    np.testing.assert_allclose(auto.values, eager.values, rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.abs(auto.vectors.T @ eager.vectors), np.eye(3), atol=1e-9)
    assert auto.n_matvec == eager.n_matvec >= 10 and auto.note is None
    assert traced <= 2 and calls["f"] >= eager.n_matvec  # staged once vs one call per product
    calls["f"] = 0
    sa = spectral_density(mv, n_probes=4, m=8, n=x.size)
    traced = calls["f"]
    se = spectral_density(mv, n_probes=4, m=8, n=x.size, jit=False)
    np.testing.assert_allclose(sa.nodes, se.nodes, rtol=0, atol=1e-12)
    np.testing.assert_allclose(sa.weights, se.weights, rtol=0, atol=1e-12)
    assert traced <= 3 and sa.note is None


def test_callable_with_python_if_falls_back_with_note():
    H = np.diag(np.arange(1.0, 31.0))
    mv = _branchy(H)
    res = eigenvalues(mv, k=2, n=30)
    assert res.note is not None and "eigenvalues" in res.note and "ConcretizationError" in res.note
    assert "\n" not in res.note
    np.testing.assert_allclose(res.values, [29.0, 30.0], atol=1e-8)
    eager = eigenvalues(mv, k=2, n=30, jit=False)
    assert eager.note is None
    np.testing.assert_allclose(res.values, eager.values, rtol=0, atol=1e-12)
    sd = spectral_density(mv, n_probes=3, m=6, n=30)
    assert "spectral_density" in sd.note
    np.testing.assert_allclose(sd.nodes, spectral_density(mv, n_probes=3, m=6, n=30, jit=False).nodes, atol=1e-12)
    with pytest.raises(osc.ConcretizationError):
        eigenvalues(mv, k=2, n=30, jit=True)
    with pytest.raises(osc.ConcretizationError):
        spectral_density(mv, n_probes=3, m=6, n=30, jit=True)


# --------------------------------------------------------------------------- the eigensolver


def _spectrum_matrix(vals, seed):
    n = vals.size
    U, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    return (U * vals) @ U.T


@pytest.mark.parametrize("which", ["LA", "SA", "BE"])
def test_default_lanczos_agrees_with_eigh_dense_200(which):
    rng = np.random.default_rng(3)
    B = rng.standard_normal((200, 200))
    A = (B + B.T) / 2
    ev, U = np.linalg.eigh(A)
    res = eigenvalues(A, k=6, which=which)
    pick = {"LA": np.arange(194, 200), "SA": np.arange(6), "BE": np.r_[0:3, 197:200]}[which]
    assert res.converged
    np.testing.assert_allclose(res.values, ev[pick], rtol=0, atol=1e-8)
    np.testing.assert_allclose(np.abs(np.sum(res.vectors * U[:, pick], axis=0)), 1.0, atol=1e-6)
    full = eigenvalues(A, k=6, which=which, reorthogonalize=True)
    np.testing.assert_allclose(res.values, full.values, rtol=0, atol=1e-9)


@pytest.mark.parametrize("tol", [1e-6, 1e-10, 1e-12])
def test_reported_residuals_are_true_residuals(tol):
    vals = np.concatenate([np.linspace(0.0, 1.0, 290), 2.0 + np.arange(10.0) ** 1.5])
    A = _spectrum_matrix(vals, 4)
    res = eigenvalues(A, k=5, tol=tol)
    assert res.converged
    true = np.linalg.norm(A @ res.vectors - res.vectors * res.values, axis=0)
    scale = np.abs(vals).max()
    np.testing.assert_allclose(res.residuals, true, rtol=1e-2, atol=1e-12 * scale)
    assert np.all(true <= 1.01 * tol * scale + 1e-13 * scale)
    np.testing.assert_allclose(np.linalg.norm(res.vectors, axis=0), 1.0, atol=1e-12)
    # each value lies within its residual of an eigenvalue
    assert np.all(np.min(np.abs(res.values[:, None] - vals[None, :]), axis=1) <= res.residuals + 1e-12 * scale)


def test_clustered_eigenvalues_converge():
    top = 10.0 + 1e-5 * np.arange(6)
    vals = np.concatenate([np.linspace(-1.0, 1.0, 244), top])
    A = _spectrum_matrix(vals, 5)
    res = eigenvalues(A, k=4, which="LA", tol=1e-12)
    assert res.converged
    np.testing.assert_allclose(res.values, top[-4:], rtol=0, atol=1e-9)
    np.testing.assert_allclose(res.vectors.T @ res.vectors, np.eye(4), atol=1e-8)


def test_partial_reorthogonalisation_keeps_the_basis_semi_orthogonal():
    vals = np.concatenate([np.linspace(0.0, 1.0, 390), np.linspace(1.5, 3.0, 10)])
    op = as_symmetric_operator(_spectrum_matrix(vals, 6))
    v0 = np.random.default_rng(7).standard_normal(400)
    run = krylov.LanczosRun(op, v0, 150, reorthogonalize="partial").run()
    Q = run.Q[0, :150]
    assert np.abs(Q @ Q.T - np.eye(150)).max() <= np.sqrt(np.finfo(float).eps)
    assert 0 < run.n_reorth < 150 // 2  # far fewer than one per step
    with pytest.raises(ValueError, match="reorthogonalize"):
        eigenvalues(np.eye(5), k=1, reorthogonalize="sometimes")


def test_hessian_operator_block_program_fallback(monkeypatch):
    f, x, _ = _problem(n=8)
    real = operators.linearize

    def linearize(fn, z):
        y, jvp_fn = real(fn, z)

        def refuse(T):
            raise osc.ConcretizationError("the block program cannot be staged")

        jvp_fn.batch = refuse
        return y, jvp_fn

    monkeypatch.setattr(operators, "linearize", linearize)
    op = hessian_operator(f, x)
    assert op.note is None
    V = np.random.default_rng(8).standard_normal((8, 3))
    np.testing.assert_allclose(op @ V, hessian_operator(f, x, jit=False) @ V, rtol=0, atol=1e-12)
    assert "batched Hessian-vector product" in op.note
    with pytest.raises(osc.ConcretizationError):
        hessian_operator(f, x, jit=True) @ V


def test_hessian_operator_python_if_on_a_tangent_falls_back():
    # a user rule with a Python branch on the value of the tangent: eager
    # products see a concrete tangent, a staged one sees a traced value
    @osc.custom_jvp
    def s(x):
        return np.sin(x)

    @s.defjvp
    def s_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        if np.all(t == 0):
            return np.sin(x), np.zeros_like(t)
        return np.sin(x), np.cos(x) * t

    f = lambda x: np.sum(s(x) * x) + np.sum(x ** 4)  # noqa: E731
    x = np.linspace(0.5, 1.5, 5)
    op = hessian_operator(f, x)
    assert op.note.startswith("hessian_operator: the Hessian-vector product runs eagerly")
    assert "ConcretizationError" in op.note and "\n" not in op.note
    np.testing.assert_allclose(op.to_dense(), hessian_operator(f, x, jit=False).to_dense(), rtol=0, atol=1e-12)
    res = eigenvalues(op, k=2)
    assert res.note == op.note and res.converged
    with pytest.raises(osc.ConcretizationError):
        hessian_operator(f, x, jit=True)
