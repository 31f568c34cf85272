"""Tests for the spectral tools of osculate.linop: eigenvalues, Lanczos,
trace/diagonal estimators and stochastic Lanczos quadrature on symmetric
operators."""

import json
import sys

import numpy as np
import pytest
import scipy.sparse
from scipy.integrate import trapezoid
from scipy.sparse.linalg import LinearOperator

from osculate.linop import eigen, krylov
from osculate.linop import (
    DiagonalEstimate,
    EigenResult,
    LanczosResult,
    SpectralDensity,
    SymmetricOperator,
    TraceEstimate,
    as_symmetric_operator,
    eigenvalues,
    hutchinson_diagonal,
    hutchinson_trace,
    hutchpp_trace,
    lanczos,
    spectral_density,
)

pytestmark = pytest.mark.filterwarnings("error")


# ---------------------------------------------------------------------------
# test matrices (built once per module, all seeded)
# ---------------------------------------------------------------------------


def _random_orthogonal(n, rng):
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    return Q * np.sign(np.diag(R))


@pytest.fixture(scope="module")
def spiked():
    """n=500: a Wigner matrix (bulk in [-2, 2]) plus ten well-separated spikes."""
    rng = np.random.default_rng(1234)
    n = 500
    G = rng.standard_normal((n, n))
    A = (G + G.T) / np.sqrt(2 * n)
    V, _ = np.linalg.qr(rng.standard_normal((n, 10)))
    spikes = np.array([3.0, 4.0, 5.0, 6.0, 7.0, -3.0, -4.0, -5.0, -6.0, -7.0])
    A = A + (V * spikes) @ V.T
    A = 0.5 * (A + A.T)
    return A, np.linalg.eigvalsh(A)


@pytest.fixture(scope="module")
def decaying():
    """n=100 PSD matrix with eigenvalues 1/i^2 and random eigenvectors."""
    rng = np.random.default_rng(99)
    n = 100
    Q = _random_orthogonal(n, rng)
    lam = 1.0 / np.arange(1, n + 1) ** 2
    A = (Q * lam) @ Q.T
    return 0.5 * (A + A.T), float(lam.sum())


@pytest.fixture(scope="module")
def wigner():
    """n=100 symmetric matrix with i.i.d. entries (dense, no decay)."""
    rng = np.random.default_rng(7)
    G = rng.standard_normal((100, 100))
    return (G + G.T) / 2


@pytest.fixture(scope="module")
def wigner200():
    """n=200 Wigner matrix: no gaps at the spectral edges."""
    rng = np.random.default_rng(8)
    G = rng.standard_normal((200, 200))
    return (G + G.T) / 2


@pytest.fixture(scope="module")
def clustered():
    """n=400 matrix with three well-separated eigenvalue clusters."""
    rng = np.random.default_rng(5)
    lam = np.concatenate(
        [
            rng.uniform(-5.5, -4.5, 160),  # 40 %
            rng.uniform(0.5, 1.5, 80),  # 20 %
            rng.uniform(9.0, 11.0, 160),  # 40 %
        ]
    )
    Q = _random_orthogonal(lam.size, rng)
    A = (Q * lam) @ Q.T
    return 0.5 * (A + A.T), lam


def _counting_operators(M):
    """A matvec-only LinearOperator and one with a batched matmat, sharing a call log."""
    calls = {"matvec": 0, "matmat": 0}

    def mv(v):
        calls["matvec"] += 1
        return M @ v

    def mm(X):
        calls["matmat"] += 1
        return M @ X

    only_matvec = LinearOperator(M.shape, matvec=mv, dtype=np.float64)
    batched = LinearOperator(M.shape, matvec=mv, matmat=mm, dtype=np.float64)
    return only_matvec, batched, calls


# ---------------------------------------------------------------------------
# eigenvalues
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["LA", "SA"])
def test_lanczos_extremes_match_eigvalsh(spiked, which):
    A, ev = spiked
    res = eigenvalues(A, k=5, which=which, method="lanczos")
    expected = ev[-5:] if which == "LA" else ev[:5]
    assert res.converged
    np.testing.assert_allclose(res.values, expected, rtol=0, atol=1e-8)
    # reported residuals are honest and small; the vectors really are eigenvectors
    true_res = np.linalg.norm(A @ res.vectors - res.vectors * res.values, axis=0)
    np.testing.assert_allclose(res.residuals, true_res, rtol=1e-3, atol=1e-12)
    assert np.all(true_res < 1e-8)
    np.testing.assert_allclose(res.vectors.T @ res.vectors, np.eye(5), atol=1e-10)
    # restart-free Lanczos needs far fewer products than forming the matrix
    assert res.n_matvec < 100


@pytest.mark.parametrize("which", ["LA", "SA", "LM", "BE"])
def test_all_methods_agree(spiked, which):
    A, ev = spiked
    results = {m: eigenvalues(A, k=5, which=which, method=m) for m in ("lanczos", "eigsh", "dense")}
    for r in results.values():
        assert r.converged and r.values.shape == (5,) and r.vectors.shape == (500, 5)
        assert np.all(np.diff(r.values) >= 0)  # ascending
        np.testing.assert_allclose(r.values, results["dense"].values, rtol=0, atol=1e-8)
    assert results["dense"].n_matvec == 500
    if which == "LM":
        expected = np.sort(ev[np.argsort(-np.abs(ev))[:5]])
    elif which == "BE":
        expected = np.concatenate([ev[:2], ev[-3:]])
    else:
        expected = ev[-5:] if which == "LA" else ev[:5]
    np.testing.assert_allclose(results["dense"].values, expected, atol=1e-10)


@pytest.mark.parametrize("which", ["LA", "SA", "LM", "BE"])
def test_lanczos_on_clustered_edges_needs_long_run(wigner200, which):
    # a Wigner spectrum has no gap at its edges: the iteration runs well past the
    # initial basis capacity and the small-tridiagonal shortcut
    wigner = wigner200
    res = eigenvalues(wigner, k=4, which=which)
    ref = eigenvalues(wigner, k=4, which=which, method="dense")
    assert res.converged and 64 < res.n_matvec < 200
    np.testing.assert_allclose(res.values, ref.values, rtol=0, atol=1e-8)
    true_res = np.linalg.norm(wigner @ res.vectors - res.vectors * res.values, axis=0)
    assert np.all(true_res < 1e-7)


def test_eigenvalues_without_vectors_and_max_iter(spiked):
    A, ev = spiked
    r = eigenvalues(A, k=3, return_vectors=False)
    assert r.vectors is None and r.converged
    np.testing.assert_allclose(r.values, ev[-3:], atol=1e-8)
    r = eigenvalues(A, k=3, max_iter=8)
    assert not r.converged and r.n_matvec == 8 and r.values.shape == (3,)
    r = eigenvalues(A, k=3, tol=1e-4)
    assert r.converged and np.all(np.abs(r.values - ev[-3:]) <= r.residuals + 1e-12)


def test_eigenvalues_finds_repeated_and_null_eigenvalues():
    # identity: every step breaks down; the fresh restart vectors supply the copies
    r = eigenvalues(np.eye(50), k=6)
    np.testing.assert_allclose(r.values, np.ones(6))
    assert r.converged and r.n_matvec == 6
    # rank-3 PSD matrix: three positive eigenvalues and a 97-dimensional null space
    rng = np.random.default_rng(0)
    U = rng.standard_normal((100, 3))
    L = U @ U.T
    ev = np.linalg.eigvalsh(L)
    top = eigenvalues(L, k=6, which="LA")
    np.testing.assert_allclose(top.values, ev[-6:], atol=1e-10)
    assert top.converged and top.n_matvec <= 10
    bottom = eigenvalues(L, k=6, which="SA")  # all zeros: must not report the spikes
    np.testing.assert_allclose(bottom.values, np.zeros(6), atol=1e-10)
    assert bottom.converged


def test_eigen_result_repr_and_to_dict(spiked):
    A, _ = spiked
    r = eigenvalues(A, k=2)
    text = repr(r)
    assert text.startswith("EigenResult(values=[") and "converged=True" in text
    assert "n_matvec=" in text and "(500, 2)" in text
    d = r.to_dict()
    assert set(d) == {"values", "vectors", "residuals", "n_matvec", "converged"}
    assert json.loads(json.dumps(d))["values"] == pytest.approx(list(r.values))
    assert isinstance(r, EigenResult)


def test_dense_method_limit(monkeypatch):
    with pytest.raises(ValueError, match="DENSE_LIMIT"):
        eigenvalues(lambda v: v, n=eigen.DENSE_LIMIT + 1, k=1, method="dense")
    monkeypatch.setattr(eigen, "DENSE_LIMIT", 10)
    A = np.diag(np.arange(20.0))
    with pytest.raises(ValueError, match="force_dense=True"):
        eigenvalues(A, k=2, method="dense")
    r = eigenvalues(A, k=20, method="dense", force_dense=True)  # k == n allowed
    np.testing.assert_allclose(r.values, np.arange(20.0))


# ---------------------------------------------------------------------------
# Lanczos decomposition
# ---------------------------------------------------------------------------


def test_lanczos_decomposition(spiked):
    A, _ = spiked
    res = lanczos(A, m=40, seed=3)
    alpha, beta, Q = res  # unpacks as a triple
    assert isinstance(res, LanczosResult)
    assert alpha.shape == (40,) and beta.shape == (39,) and Q.shape == (500, 40)
    assert res.n_matvec == 40 and res.m == 40
    T = res.tridiagonal()
    np.testing.assert_allclose(Q.T @ Q, np.eye(40), atol=1e-12)
    np.testing.assert_allclose(Q.T @ A @ Q, T, atol=1e-10)
    # A Q - Q T is zero except the last column, whose norm is beta_m
    R = A @ Q - Q @ T
    assert np.linalg.norm(R[:, :-1]) < 1e-10
    assert np.linalg.norm(R[:, -1]) == pytest.approx(res.residual_norm, rel=1e-8)
    np.testing.assert_allclose(res.ritz_values(), np.linalg.eigvalsh(T), atol=1e-10)
    assert "LanczosResult(m=40" in repr(res)


def test_lanczos_start_vector_and_breakdown():
    A = np.diag(np.repeat([1.0, 2.0, 5.0], 10))
    v0 = np.ones(30)
    res = lanczos(A, v0=v0, m=20)
    # three distinct eigenvalues: the Krylov space is invariant after 3 steps
    assert res.m == 3 and res.n_matvec == 3 and res.residual_norm < 1e-10
    np.testing.assert_allclose(res.ritz_values(), [1.0, 2.0, 5.0], atol=1e-12)
    np.testing.assert_allclose(res.Q[:, 0], v0 / np.linalg.norm(v0))


def test_lanczos_without_reorthogonalization(spiked):
    A, _ = spiked
    full = lanczos(A, m=15, seed=1)
    plain = lanczos(A, m=15, seed=1, reorthogonalize=False)
    # identical in exact arithmetic; early coefficients agree closely
    np.testing.assert_allclose(plain.alpha[:8], full.alpha[:8], atol=1e-8)
    np.testing.assert_allclose(plain.beta[:7], full.beta[:7], atol=1e-8)
    assert plain.n_matvec == 15


def test_lockstep_lanczos_matches_separate_runs():
    # recursions that break down at different steps leave the block early
    A = np.diag(np.arange(1.0, 13.0))
    V0 = np.zeros((12, 3))
    V0[:2, 0] = 1.0  # sees 2 eigenvalues
    V0[:, 1] = 1.0  # sees all 12
    V0[:5, 2] = np.arange(1.0, 6.0)  # sees 5
    op = as_symmetric_operator(A)
    run = krylov.LanczosRun(op, V0, 12).run()
    assert list(run.length) == [2, 12, 5]
    assert op.n_matvec == 2 + 12 + 5
    for p in range(3):
        alpha, beta, _ = run.tridiagonal(p)
        single = lanczos(A, v0=V0[:, p], m=12)
        np.testing.assert_allclose(alpha, single.alpha, atol=1e-12)
        np.testing.assert_allclose(beta, single.beta, atol=1e-12)


# ---------------------------------------------------------------------------
# trace and diagonal estimators
# ---------------------------------------------------------------------------


def _mean_abs_error(fn, A, exact, budget, seeds):
    return float(np.mean([abs(fn(A, budget, seed=s).estimate - exact) for s in seeds]))


def test_hutchinson_error_shrinks_like_inverse_sqrt(decaying):
    A, exact = decaying
    seeds = range(300)
    e10 = _mean_abs_error(hutchinson_trace, A, exact, 10, seeds)
    e40 = _mean_abs_error(hutchinson_trace, A, exact, 40, seeds)
    # 4x the products -> error / 2 for an O(1/sqrt(m)) method
    assert 1.6 < e10 / e40 < 2.5


def test_hutchpp_error_shrinks_faster_on_decaying_spectrum(decaying):
    A, exact = decaying
    seeds = range(120)
    h12 = _mean_abs_error(hutchpp_trace, A, exact, 12, seeds)
    h48 = _mean_abs_error(hutchpp_trace, A, exact, 48, seeds)
    plain48 = _mean_abs_error(hutchinson_trace, A, exact, 48, seeds)
    # at least O(1/m) (ratio 4); for eigenvalues 1/i^2 it is about O(1/m^2)
    assert h12 / h48 > 6
    assert h48 < plain48 / 10


@pytest.mark.parametrize(
    "estimator,budget,matrix",
    [
        (hutchinson_trace, 30, "wigner"),
        (hutchinson_trace, 30, "decaying"),
        (hutchpp_trace, 60, "wigner"),
        (hutchpp_trace, 60, "decaying"),
    ],
)
def test_trace_std_error_coverage(estimator, budget, matrix, request):
    A = request.getfixturevalue(matrix)
    A = A[0] if isinstance(A, tuple) else A
    exact = np.trace(A)
    ests = [estimator(A, budget, seed=s) for s in range(200)]
    err = np.array([e.estimate - exact for e in ests])
    se = np.array([e.std_error for e in ests])
    assert all(e.n_matvec == budget for e in ests)
    coverage = np.mean(np.abs(err) <= 2 * se)  # nominal ~95 %
    assert 0.85 <= coverage <= 0.995
    # the typical reported error matches the observed spread
    assert 0.7 < np.sqrt(np.mean(se**2)) / np.sqrt(np.mean(err**2)) < 1.4


def test_trace_estimators_exact_cases_and_options():
    D = np.diag(np.arange(1.0, 21.0))
    est = hutchinson_trace(D, n_probes=5)
    assert est.estimate == pytest.approx(210.0) and est.std_error == 0.0
    assert np.isnan(hutchinson_trace(D, n_probes=1).std_error)
    rng = np.random.default_rng(2)
    U = rng.standard_normal((80, 4))
    L = U @ U.T
    pp = hutchpp_trace(L, n_probes=15)  # sketch of 5 columns captures rank 4
    assert pp.estimate == pytest.approx(np.trace(L), rel=1e-10)
    assert pp.n_matvec == 15
    small = rng.standard_normal((6, 6))
    small = small + small.T
    exact = hutchpp_trace(small, n_probes=30)  # sketch >= n: exact with 2n products
    assert exact.estimate == pytest.approx(np.trace(small)) and exact.std_error == 0.0
    assert exact.n_matvec == 12
    g = hutchinson_trace(small, n_probes=50, dist="gaussian")
    assert isinstance(g, TraceEstimate) and g.n_matvec == 50
    assert repr(g).startswith("TraceEstimate(estimate=")
    assert json.loads(json.dumps(g.to_dict()))["n_matvec"] == 50


def test_probe_blocks_do_not_change_results(wigner):
    a = hutchinson_trace(wigner, n_probes=50, seed=4)
    b = hutchinson_trace(wigner, n_probes=50, seed=4, block_size=7)
    assert a.estimate == pytest.approx(b.estimate, rel=1e-12)
    assert a.std_error == pytest.approx(b.std_error, rel=1e-10)
    c = hutchinson_diagonal(wigner, n_probes=50, seed=4)
    d = hutchinson_diagonal(wigner, n_probes=50, seed=4, block_size=7)
    np.testing.assert_allclose(c.estimate, d.estimate, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(c.std_error, d.std_error, rtol=1e-9)


def test_seeding(wigner):
    a = hutchinson_trace(wigner, 20, seed=1)
    assert a.estimate == hutchinson_trace(wigner, 20, seed=1).estimate
    assert a.estimate != hutchinson_trace(wigner, 20, seed=2).estimate
    gen = np.random.default_rng(1)
    assert hutchinson_trace(wigner, 20, seed=gen).estimate == a.estimate


def test_hutchinson_diagonal_errors(wigner):
    A = wigner
    N = 200
    d = hutchinson_diagonal(A, n_probes=N, seed=0, block_size=25)
    assert isinstance(d, DiagonalEstimate) and d.n_matvec == N
    # Rademacher: Var[z_i (Az)_i] = sum_{j != i} A_ij^2
    theory = np.sqrt((np.sum(A**2, axis=1) - np.diag(A) ** 2) / N)
    np.testing.assert_allclose(d.std_error, theory, rtol=0.25)
    coverage = np.mean(np.abs(d.estimate - np.diag(A)) <= 2 * d.std_error)
    assert 0.88 <= coverage <= 0.99
    z = np.abs(d.estimate - np.diag(A)) / theory
    assert 0.6 < np.mean(z) < 1.0  # E|N(0,1)| = 0.80
    # exact on a diagonal matrix
    D = hutchinson_diagonal(np.diag([1.0, -2.0, 3.0]), n_probes=3)
    np.testing.assert_array_equal(D.estimate, [1.0, -2.0, 3.0])
    np.testing.assert_array_equal(D.std_error, 0.0)
    assert "DiagonalEstimate(" in repr(D)
    assert json.loads(json.dumps(D.to_dict()))["estimate"] == [1.0, -2.0, 3.0]
    g = hutchinson_diagonal(A, n_probes=300, dist="gaussian", seed=1)
    assert np.mean(np.abs(g.estimate - np.diag(A)) <= 2 * g.std_error) > 0.85


# ---------------------------------------------------------------------------
# spectral density (stochastic Lanczos quadrature)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("reorthogonalize", [True, False])
def test_slq_density_matches_cluster_histogram(clustered, reorthogonalize):
    A, lam = clustered
    sd = spectral_density(A, n_probes=20, m=30, seed=0, reorthogonalize=reorthogonalize)
    assert isinstance(sd, SpectralDensity)
    assert sd.n_matvec == 20 * 30
    assert sd.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(sd.weights >= 0) and np.all(np.diff(sd.nodes) >= 0)
    assert sd.nodes.min() >= lam.min() - 1e-8 and sd.nodes.max() <= lam.max() + 1e-8
    assert trapezoid(sd.density, sd.grid) == pytest.approx(1.0, abs=1e-6)
    assert sd.sigma == pytest.approx(0.02 * (sd.nodes.max() - sd.nodes.min()))
    for lo, hi in [(-6.0, -4.0), (0.0, 2.0), (8.5, 11.5)]:
        hist = np.mean((lam >= lo) & (lam <= hi))
        assert sd.mass(lo, hi) == pytest.approx(hist, abs=0.05)
        window = (sd.grid >= lo - 1) & (sd.grid <= hi + 1)
        assert trapezoid(sd.density[window], sd.grid[window]) == pytest.approx(hist, abs=0.05)
    # nothing lives in the gaps between clusters
    gap = (sd.grid > -3.5) & (sd.grid < -0.5)
    assert np.max(sd.density[gap]) < 1e-3


def test_slq_quadrature_properties(wigner):
    # Rademacher probes on a diagonal matrix: every weight (v . e_i)^2 is 1/n,
    # so the quadrature mass of each eigenvalue is exact
    D = np.diag(np.repeat([-1.0, 0.5, 2.0], [25, 15, 60]))
    sd = spectral_density(D, n_probes=3, m=20)
    assert sd.nodes.size == 9
    assert sd.mass(-1.5, -0.5) == pytest.approx(0.25, abs=1e-12)
    assert sd.mass(1.5, 2.5) == pytest.approx(0.60, abs=1e-12)
    # Gauss quadrature with m nodes integrates polynomials up to degree 2m-1
    # exactly: sum(w * nodes^2) = mean over probes of v^T A^2 v
    sd = spectral_density(wigner, n_probes=4, m=60, seed=3)  # m > 48: tridiagonal solver path
    assert sd.n_matvec == 240
    rng = np.random.default_rng(3)
    Z = np.where(rng.random((4, 100)) < 0.5, -1.0, 1.0).T / np.sqrt(100)
    moment2 = np.mean(np.sum((wigner @ Z) ** 2, axis=0))
    assert np.sum(sd.weights * sd.nodes**2) == pytest.approx(moment2, rel=1e-10)
    assert trapezoid(sd.density, sd.grid) == pytest.approx(1.0, abs=1e-6)


def test_slq_custom_grid_sigma_and_small_operator():
    A = np.diag([1.0, 1.0, 3.0])
    sd = spectral_density(A, n_probes=4, m=30, grid=np.linspace(0, 4, 401), sigma=0.1)
    assert sd.nodes.size == 8  # m is capped at n; two distinct eigenvalues per probe
    assert sd.n_matvec == 8
    assert trapezoid(sd.density, sd.grid) == pytest.approx(1.0, abs=1e-6)
    assert sd.mass(0.5, 1.5) == pytest.approx(2 / 3, abs=0.3)
    d = sd.to_dict()
    assert json.loads(json.dumps(d))["sigma"] == 0.1
    assert "SpectralDensity(n_nodes=8" in repr(sd)


def test_slq_plot(clustered, monkeypatch):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    A, _ = clustered
    sd = spectral_density(A, n_probes=3, m=10)
    ax = sd.plot()
    assert len(ax.lines) == 2
    fig, ax2 = plt.subplots()
    assert sd.plot(ax=ax2, show_nodes=False) is ax2 and len(ax2.lines) == 1
    plt.close("all")
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        sd.plot()


# ---------------------------------------------------------------------------
# operator inputs and product counting
# ---------------------------------------------------------------------------


def test_matvec_only_and_batched_operators_agree(wigner):
    A = wigner
    only_mv, batched, calls = _counting_operators(A)

    def run_all(op):
        return [
            eigenvalues(op, k=3).values,
            eigenvalues(op, k=3, method="eigsh").values,
            eigenvalues(op, k=3, method="dense").values,
            hutchinson_trace(op, 40).estimate,
            hutchpp_trace(op, 30).estimate,
            hutchinson_diagonal(op, 40).estimate,
            spectral_density(op, n_probes=5, m=12).weights,
            lanczos(op, m=10).alpha,
        ]

    reference = run_all(A)
    for op in (only_mv, batched):
        for got, want in zip(run_all(op), reference):
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)

    # batched probes: one block product per Hutchinson run, one per SLQ step
    calls.update(matvec=0, matmat=0)
    hutchinson_trace(batched, 40)
    assert calls == {"matvec": 0, "matmat": 1}
    calls.update(matvec=0, matmat=0)
    sd = spectral_density(batched, n_probes=5, m=12)
    assert calls["matmat"] == 12 and sd.n_matvec == 60
    calls.update(matvec=0, matmat=0)
    est = hutchpp_trace(batched, 30)
    assert calls["matmat"] == 3 and est.n_matvec == 30
    # matvec-only: one call per probe
    calls.update(matvec=0, matmat=0)
    hutchinson_trace(only_mv, 40)
    assert calls == {"matvec": 40, "matmat": 0}


def test_input_forms():
    rng = np.random.default_rng(11)
    B = rng.standard_normal((30, 30))
    A = B + B.T
    ref = eigenvalues(A, k=2, method="dense").values
    forms = [
        A.tolist(),
        scipy.sparse.csr_matrix(A),
        scipy.sparse.csr_array(A),
        LinearOperator(A.shape, matvec=lambda v: A @ v, dtype=np.float64),
        scipy.sparse.linalg.aslinearoperator(A),
    ]
    for form in forms:
        np.testing.assert_allclose(eigenvalues(form, k=2).values, ref, atol=1e-8)
    np.testing.assert_allclose(eigenvalues(lambda v: A @ v, k=2, n=30).values, ref, atol=1e-8)
    op = as_symmetric_operator(lambda v: A @ v, n=30)
    assert isinstance(op, SymmetricOperator) and op.shape == (30, 30)
    assert as_symmetric_operator(op) is op
    op @ np.ones(30)
    op.matmat(np.ones((30, 4)))
    assert op.n_matvec == 5 and op.n_calls == 2
    assert op.T is op and op.H is op
    # a shared SymmetricOperator keeps counting across calls
    r = hutchinson_trace(op, 10)
    assert r.n_matvec == 10 and op.n_matvec == 15


def test_symmetry_check(wigner):
    op = as_symmetric_operator(wigner, check_symmetry=True)
    assert op.n_matvec == 3  # one block of three probes
    nonsym = wigner + np.triu(np.ones_like(wigner), 1)
    with pytest.raises(ValueError, match="not symmetric"):
        as_symmetric_operator(nonsym, check_symmetry=True)
    with pytest.raises(ValueError, match="not symmetric"):
        eigenvalues(
            LinearOperator(nonsym.shape, matvec=lambda v: nonsym @ v, dtype=float),
            k=2,
            check_symmetry=True,
        )
    with pytest.raises(ValueError, match="not symmetric"):
        hutchinson_trace(lambda v: nonsym @ v, n=nonsym.shape[0], check_symmetry=True)
    # unchecked by default (the check costs products)
    assert hutchinson_trace(nonsym, 5).n_matvec == 5


_EYE10 = np.eye(10)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: as_symmetric_operator(np.ones((3, 4))), "must be square"),
        (lambda: eigenvalues(LinearOperator((5, 4), matvec=lambda v: v[:5], dtype=float), k=1), "must be square"),
        (lambda: hutchinson_trace(scipy.sparse.random(4, 6, density=0.5, random_state=0)), "must be square"),
        (lambda: as_symmetric_operator(np.ones(5)), "2-D"),
        (lambda: as_symmetric_operator(lambda v: v), "n must be given"),
        (lambda: as_symmetric_operator(_EYE10, n=11), "does not match"),
        (lambda: as_symmetric_operator(np.eye(3) * 1j), "complex"),
        (lambda: hutchinson_trace(lambda v: 1j * v, n=3), "complex"),
        (lambda: eigenvalues(_EYE10, k=10, method="lanczos"), "k=10 must be smaller than n=10"),
        (lambda: eigenvalues(_EYE10, k=12, method="eigsh"), "smaller than n"),
        (lambda: eigenvalues(_EYE10, k=11, method="dense"), "must not exceed"),
        (lambda: eigenvalues(_EYE10, k=0), "k must be >= 1"),
        (lambda: eigenvalues(_EYE10, k=2, which="XX"), "which"),
        (lambda: eigenvalues(_EYE10, k=2, method="power"), "method"),
        (lambda: lanczos(_EYE10, m=11), "m must satisfy"),
        (lambda: lanczos(_EYE10, v0=np.zeros(10)), "nonzero"),
        (lambda: lanczos(_EYE10, v0=np.ones(9)), "length"),
        (lambda: hutchpp_trace(_EYE10, n_probes=2), "n_probes must be >= 3"),
        (lambda: hutchinson_trace(_EYE10, dist="uniform"), "dist"),
        (lambda: hutchinson_diagonal(_EYE10, n_probes=0), "n_probes"),
        (lambda: spectral_density(_EYE10, sigma=-1.0), "sigma"),
        (lambda: hutchinson_trace(lambda v: v[:3], n=10), "returned an array of shape"),
        (lambda: eigenvalues(lambda v: np.full_like(v, np.nan), n=10, k=2), "non-finite"),
    ],
)
def test_bad_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call()
