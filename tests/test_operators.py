"""Tests for the curvature operators of osculate.linop.operators:
hessian_operator, ggn_operator, fisher_operator.

They must agree with dense Hessians (matvec, matmat, symmetry), give
Lanczos extremes equal to dense eigvalsh, satisfy the Gauss-Newton and
Fisher identities, and work unmodified in SciPy (minimize with Newton-type
methods, eigsh, cg, minres).
"""

import numpy as np
import pytest
import scipy.optimize
import scipy.sparse.linalg as spla
from scipy.sparse.linalg import LinearOperator

import osculate as osc
from osculate.linop import (
    SymmetricOperator,
    as_symmetric_operator,
    eigenvalues,
    fisher_operator,
    ggn_operator,
    hessian_operator,
)


def rosen(x):
    return np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def mixed(x):  # seed 003, Example 1, summed over pairs
    return np.sum(x[:-1] ** 2 * x[1:] + np.sin(x[:-1] * x[1:]))


def softmax_loss(x):
    W = x.reshape(3, 4)
    logits = np.array([[1.0, -0.5, 2.0], [0.3, 0.1, -1.0]]) @ W
    return np.sum(osc.numpy.logsumexp(logits, axis=1)) - logits[0, 1] - logits[1, 3] + 0.1 * np.sum(W**2)


def tiny_mlp(x):
    W1, b1, W2 = x[:12].reshape(3, 4), x[12:16], x[16:20]
    X = np.array([[0.5, -1.0, 2.0], [1.5, 0.2, -0.3], [-0.7, 0.9, 0.4]])
    h = np.tanh(X @ W1 + b1)
    return np.mean((h @ W2 - np.array([1.0, -1.0, 0.5])) ** 2)


FUNCTIONS = [
    ("rosen", rosen, 7),
    ("mixed", mixed, 5),
    ("softmax", softmax_loss, 12),
    ("mlp", tiny_mlp, 20),
]


@pytest.mark.parametrize("name, f, n", FUNCTIONS, ids=[c[0] for c in FUNCTIONS])
@pytest.mark.parametrize("reuse", [True, False])
def test_operator_agrees_with_dense_hessian(name, f, n, reuse, rng):
    x = 0.5 * rng.standard_normal(n)
    H = osc.hessian(f)(x)
    op = hessian_operator(f, x, reuse=reuse)
    assert isinstance(op, LinearOperator) and op.shape == (n, n) and op.dtype == np.float64
    v = rng.standard_normal(n)
    np.testing.assert_allclose(op @ v, H @ v, rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(op.matvec(v), osc.hvp(f, x, v), rtol=1e-12, atol=1e-12)
    V = rng.standard_normal((n, 5))
    np.testing.assert_allclose(op @ V, H @ V, rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(op.matmat(V), np.stack([op @ c for c in V.T], axis=1), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(op.to_dense(), H, rtol=1e-11, atol=1e-11)
    # symmetry: uᵀ(H w) = wᵀ(H u), and the adjoint is the operator itself
    u, w = rng.standard_normal(n), rng.standard_normal(n)
    assert u @ (op @ w) == pytest.approx(w @ (op @ u), rel=1e-11, abs=1e-11)
    np.testing.assert_allclose(op.rmatvec(v), op.matvec(v), rtol=0, atol=0)
    assert op.H is op and op.T is op
    # value and gradient come along
    assert op.value == pytest.approx(float(f(x)), rel=1e-14)
    np.testing.assert_allclose(op.gradient, osc.grad(f)(x), rtol=1e-13, atol=1e-14)


def test_operator_counts_products_and_handles_any_shape(rng):
    f = lambda X: np.sum(X**3) + np.sum(X[0] * X[1])  # noqa: E731
    X = rng.standard_normal((2, 3))
    op = hessian_operator(f, X)
    assert op.shape == (6, 6) and op.n_matvec == 0
    op @ np.ones(6)
    op @ np.ones((6, 4))
    assert op.n_matvec == 5 and repr(op) == "<6x6 SymmetricOperator (Hessian), n_matvec=5>"
    H = osc.hessian(lambda z: f(z.reshape(2, 3)))(X.reshape(-1))
    np.testing.assert_allclose(op.to_dense(), H, rtol=1e-12)


# --------------------------------------------------------------------------- Lanczos on the operator, n = 500


def test_lanczos_extremes_match_dense_eigvalsh_n500(rng):
    n = 500
    C = rng.standard_normal((n, n)) / np.sqrt(n)
    A = C + C.T
    V, _ = np.linalg.qr(rng.standard_normal((n, 6)))
    A = A + (V * np.array([6.0, 8.0, 10.0, -5.0, -7.0, -9.0])) @ V.T   # separated extremes
    c = rng.standard_normal(n)

    def f(x):
        return 0.5 * x @ A @ x + np.sum(np.log(np.cosh(x))) + c @ x

    x = 0.3 * rng.standard_normal(n)
    op = hessian_operator(f, x)
    dense = np.linalg.eigvalsh(A + np.diag(1 / np.cosh(x) ** 2))   # the Hessian in closed form
    top = eigenvalues(op, k=5, which="LA", tol=1e-12)
    bottom = eigenvalues(op, k=5, which="SA", tol=1e-12)
    assert top.converged and bottom.converged
    np.testing.assert_allclose(top.values, dense[-5:], rtol=0, atol=1e-8)
    np.testing.assert_allclose(bottom.values, dense[:5], rtol=0, atol=1e-8)
    assert top.n_matvec < n and op.n_matvec == top.n_matvec + bottom.n_matvec
    # ARPACK on the same operator agrees
    vals = spla.eigsh(op, k=3, which="LA", tol=1e-12, v0=np.ones(n))[0]
    np.testing.assert_allclose(np.sort(vals), dense[-3:], rtol=0, atol=1e-8)


# --------------------------------------------------------------------------- Gauss-Newton


def test_ggn_equals_hessian_for_linear_residuals_and_is_psd(rng):
    m, n = 12, 5
    A = rng.standard_normal((m, n))
    b = rng.standard_normal(m)
    x = rng.standard_normal(n)
    G = ggn_operator(lambda z: A @ z - b, x)
    H = osc.hessian(lambda z: 0.5 * np.sum((A @ z - b) ** 2))(x)
    np.testing.assert_allclose(G.to_dense(), H, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(G.to_dense(), A.T @ A, rtol=1e-12, atol=1e-12)
    # nonlinear residuals: the Hessian can be indefinite, the GGN stays PSD
    r = lambda z: np.sin(3 * A @ z) - b  # noqa: E731
    G = ggn_operator(r, x).to_dense()
    H = osc.hessian(lambda z: 0.5 * np.sum(r(z) ** 2))(x)
    J = osc.jacfwd(r)(x)
    np.testing.assert_allclose(G, J.T @ J, rtol=1e-10, atol=1e-10)
    assert np.linalg.eigvalsh(G).min() > -1e-10
    assert np.linalg.eigvalsh(H).min() < 0          # the point of the approximation
    # model + convex loss: Jᵀ ∇²L J, exact for a linear model
    X = rng.standard_normal((6, n))
    model = lambda z: X @ z  # noqa: E731
    loss = lambda logits: osc.numpy.logsumexp(logits) - logits[2]  # noqa: E731
    G = ggn_operator(model=model, loss=loss, x=x).to_dense()
    np.testing.assert_allclose(G, osc.hessian(lambda z: loss(model(z)))(x), rtol=1e-11, atol=1e-12)
    assert np.linalg.eigvalsh(G).min() > -1e-12


# --------------------------------------------------------------------------- Fisher at the MLE of a logistic model


def _logistic_data(rng, N=20000):
    X = np.column_stack([np.ones(N), rng.standard_normal((N, 2))])
    w_true = np.array([0.5, -1.0, 2.0])
    y = (rng.random(N) < 1 / (1 + np.exp(-X @ w_true))).astype(float)
    return X, y


def _loglik(w, data):
    X, y = data
    z = X @ w
    return y * z - np.logaddexp(0.0, z)


def test_fisher_equals_hessian_of_nll_at_the_mle(rng):
    """At the MLE of a well-specified logistic model, E[F] = ∇²NLL.  The
    Hessian of the mean NLL is (1/N) Σ p(1-p) x xᵀ.

    * Empirical Fisher (1/N) Σ (y-p)² x xᵀ: each term has mean p(1-p) x xᵀ
      under the model, so the difference is a mean of N independent
      zero-mean terms; its standard error is estimated from the terms and
      the test allows 5 standard errors (about 1/sqrt(N) relative).
    * True Fisher with S sampled label sets: Var[(y-p)²] = p(1-p)(1-2p)²,
      giving an exact standard error ∝ 1/sqrt(N S); again 5 of them.
    """
    X, y = _logistic_data(rng)
    N = X.shape[0]
    nll = lambda w: -np.mean(_loglik(w, (X, y)))  # noqa: E731
    w = np.zeros(3)
    for _ in range(25):  # Newton to the MLE
        w = w - np.linalg.solve(osc.hessian(nll)(w), osc.grad(nll)(w))
    assert np.linalg.norm(osc.grad(nll)(w)) < 1e-12
    H = osc.hessian(nll)(w)
    p = 1 / (1 + np.exp(-X @ w))
    np.testing.assert_allclose(H, (X.T * (p * (1 - p))) @ X / N, rtol=1e-10)
    outer = X[:, :, None] * X[:, None, :]

    F_emp = fisher_operator(_loglik, w, (X, y)).to_dense()
    np.testing.assert_allclose(F_emp, (X.T * (y - p) ** 2) @ X / N, rtol=1e-10)
    terms = ((y - p) ** 2 - p * (1 - p))[:, None, None] * outer
    se_emp = terms.std(axis=0, ddof=1) / np.sqrt(N)
    assert np.all(np.abs(F_emp - H) <= 5 * se_emp)
    assert np.max(np.abs(F_emp - H)) / np.max(np.abs(H)) < 0.05

    S = 8

    def sampler(w_, data, gen):
        X_, _ = data
        return X_, (gen.random(X_.shape[0]) < 1 / (1 + np.exp(-X_ @ w_))).astype(float)

    F_true = fisher_operator(_loglik, w, (X, y), kind="true", sampler=sampler, n_samples=S, seed=7).to_dense()
    var = p * (1 - p) * (1 - 2 * p) ** 2
    se_true = np.sqrt(np.einsum("i,ijk->jk", var, outer**2) / S) / N
    assert np.all(np.abs(F_true - H) <= 5 * se_true)
    assert np.max(np.abs(F_true - H)) < np.max(np.abs(F_emp - H)) + 5 * se_emp.max()
    for F in (F_emp, F_true):  # Fisher matrices are PSD
        assert np.linalg.eigvalsh(F).min() > 0


# --------------------------------------------------------------------------- SciPy interoperability


def _x0(n=6):
    x0 = np.full(n, -0.5)
    x0[::2] = 1.2
    return x0


@pytest.mark.parametrize("method", ["trust-krylov", "trust-ncg", "Newton-CG", "trust-constr"])
def test_scipy_minimize_with_hessp(method):
    options = {"gtol": 1e-10, "xtol": 1e-14, "maxiter": 3000} if method == "trust-constr" else {}
    if method == "Newton-CG":
        options = {"xtol": 1e-12}
    res = scipy.optimize.minimize(
        rosen, _x0(), jac=osc.grad(rosen), method=method,
        hessp=lambda x, p: osc.hessian_operator(rosen, x) @ p, options=options,
    )
    assert res.success, res.message
    np.testing.assert_allclose(res.x, 1.0, atol=1e-5)


@pytest.mark.parametrize("method", ["Newton-CG", "trust-constr"])
def test_scipy_minimize_with_an_operator_returning_hess(method):
    options = {"gtol": 1e-10, "xtol": 1e-14, "maxiter": 3000} if method == "trust-constr" else {"xtol": 1e-12}
    seen = []

    def hess(x):
        op = osc.hessian_operator(rosen, x)
        seen.append(op)
        return op

    res = scipy.optimize.minimize(rosen, _x0(), jac=osc.grad(rosen), method=method, hess=hess, options=options)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, 1.0, atol=1e-5)
    assert seen and all(isinstance(op, SymmetricOperator) for op in seen)
    assert sum(op.n_matvec for op in seen) > 0   # SciPy used the products, never a matrix


def test_scipy_eigsh_cg_minres(rng):
    n = 40
    f = lambda x: np.sum(np.cosh(x)) + 0.5 * np.sum((x[1:] - x[:-1]) ** 2)  # noqa: E731  (PD Hessian)
    x = 0.3 * rng.standard_normal(n)
    op = hessian_operator(f, x)
    H = osc.hessian(f)(x)
    ref = np.linalg.eigvalsh(H)
    vals, vecs = spla.eigsh(op, k=4, which="LA", v0=np.ones(n))
    np.testing.assert_allclose(np.sort(vals), ref[-4:], rtol=1e-9)
    np.testing.assert_allclose(H @ vecs, vecs * vals, atol=1e-8)
    b = rng.standard_normal(n)
    sol, info = spla.cg(op, b, rtol=1e-12)
    assert info == 0 and np.linalg.norm(H @ sol - b) < 1e-9 * np.linalg.norm(b)
    # indefinite: MINRES
    g = lambda x: f(x) - 1.2 * np.sum(x**2)  # noqa: E731
    op2 = hessian_operator(g, x)
    H2 = osc.hessian(g)(x)
    assert np.linalg.eigvalsh(H2).min() < 0 < np.linalg.eigvalsh(H2).max()
    sol, info = spla.minres(op2, b, rtol=1e-12)
    assert info == 0 and np.linalg.norm(H2 @ sol - b) < 1e-8 * np.linalg.norm(b)


# --------------------------------------------------------------------------- user operators: bad input


def test_non_square_and_non_symmetric_user_operators_are_rejected(rng):
    with pytest.raises(ValueError, match="square"):
        as_symmetric_operator(LinearOperator((4, 3), matvec=lambda v: np.ones(4), dtype=float))
    M = np.triu(rng.standard_normal((5, 5)))
    with pytest.raises(ValueError, match="not symmetric"):
        as_symmetric_operator(LinearOperator((5, 5), matvec=lambda v: M @ v, dtype=float), check_symmetry=True)
    with pytest.raises(ValueError, match="not symmetric"):
        eigenvalues(M, k=2, check_symmetry=True)
    with pytest.raises(ValueError, match="non-finite"):
        eigenvalues(as_symmetric_operator(lambda v: np.full(5, np.nan), n=5), k=2)
    # the AD operators pass the symmetry check
    op = hessian_operator(mixed, rng.standard_normal(5))
    assert as_symmetric_operator(op, check_symmetry=True, rtol=1e-10).shape == (5, 5)
