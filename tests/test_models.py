"""Realistic models, written the way a user writes them, differentiated unmodified.

Every model here is ordinary NumPy/SciPy code.  SciPy's ufuncs
(``scipy.special.gammaln``, ``log_ndtr``...) act on osculate's traced values
directly, so they are imported from SciPy as usual.  SciPy functions that
first convert their input with ``np.asarray`` (``scipy.stats.norm.logcdf``,
``scipy.linalg.cho_factor``, ``scipy.spatial.distance.pdist``,
``scipy.special.logsumexp``...) would throw the derivative away; a user
imports those from ``osculate.scipy``, which keeps SciPy's names and
signatures::

    from osculate.scipy.stats import norm, poisson
    from osculate.scipy.linalg import cho_factor, cho_solve
    from osculate.scipy.spatial.distance import pdist
    from osculate.scipy.special import logsumexp, log_softmax

For each model the dense Hessian (``osc.hessian``) is compared with central
differences of ``osc.grad`` and, where one exists, with the closed form; the
Hessian-vector products of every nesting in ``osc.HVP_MODES`` and the staged
(``osc.jit``) Hessian must agree with it.  The probit and Poisson fits
reproduce statsmodels' estimates and standard errors.

Tolerances (errors relative to the largest entry): central differences of the
gradient with a step of 1e-5 (relative to the coordinate) come within 3e-9 of
the AD Hessians here and are checked at 1e-6; second differences of the value
(step 1e-4) within 6e-7, checked at 1e-5; closed forms, the other HVP
nestings and the staged programs differ only by rounding (below 1e-14) and are
checked at 1e-12; statsmodels' estimates and standard errors at 1e-6, as asked
of a reimplementation (they agree to about 1e-12).
"""

from __future__ import annotations

import functools
from typing import Callable, NamedTuple

import numpy as np
import pytest
import scipy.special
from scipy.special import gammaln, log_ndtr

import osculate as osc
from osculate.scipy.linalg import cho_factor, cho_solve
from osculate.scipy.spatial.distance import pdist
from osculate.scipy.special import log_softmax, logsumexp
from osculate.scipy.stats import norm, poisson

import statsmodels.api as sm


# ---------------------------------------------------------------------------
# checking tools
# ---------------------------------------------------------------------------


def rel_err(actual, expected):
    """``max|a - e| / max|e|``: the error relative to the largest entry."""
    a, e = np.asarray(actual, float), np.asarray(expected, float)
    assert a.shape == e.shape, (a.shape, e.shape)
    return float(np.max(np.abs(a - e)) / np.max(np.abs(e)))


def assert_close(actual, expected, rtol):
    err = rel_err(actual, expected)
    assert err <= rtol, f"relative error {err:.2e} > {rtol:.0e}"


def fd_hessian(f, x, rel_step=1e-5):
    """Central differences of ``osc.grad(f)``, one column per coordinate."""
    g = osc.grad(f)
    H = np.empty((x.size, x.size))
    for j in range(x.size):
        xp, xm = x.copy(), x.copy()
        h = rel_step * max(1.0, abs(x[j]))
        xp[j] += h
        xm[j] -= h
        H[:, j] = (g(xp) - g(xm)) / (xp[j] - xm[j])
    return H


def fd_hessian_of_values(f, x, step=1e-4):
    """Second-order central differences of ``f`` itself (no AD at all)."""
    n = x.size
    H = np.empty((n, n))

    def at(i, si, j, sj):
        y = x.copy()
        y[i] += si * step
        y[j] += sj * step
        return float(f(y))

    for i in range(n):
        for j in range(i, n):
            H[i, j] = H[j, i] = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * step**2)
    return H


class Model(NamedTuple):
    f: Callable  # scalar objective of a flat parameter vector
    x: np.ndarray  # the point where it is differentiated
    hessian: Callable | None  # closed-form Hessian of f, if there is one
    fd_rtol: float = 1e-6  # tolerance against finite differences of the gradient


MODELS: dict[str, Callable[[], Model]] = {}


def model(builder):
    """Register a model builder (built once, on first use)."""
    MODELS[builder.__name__] = functools.cache(builder)
    return MODELS[builder.__name__]


# ---------------------------------------------------------------------------
# 1. Lennard-Jones cluster, with pdist
# ---------------------------------------------------------------------------

LJ_EPS, LJ_SIGMA = 1.0, 1.0


def lennard_jones(x):
    r = pdist(x.reshape(-1, 3))
    s6 = (LJ_SIGMA / r) ** 6
    return np.sum(4 * LJ_EPS * (s6**2 - s6))


def lennard_jones_hessian(x):
    """Pair blocks ``phi''(r) u uᵀ + phi'(r)/r (I - u uᵀ)`` with ``u`` the unit bond."""
    P = x.reshape(-1, 3)
    H = np.zeros((P.size, P.size))
    for i in range(len(P)):
        for j in range(i + 1, len(P)):
            d = P[i] - P[j]
            r = np.linalg.norm(d)
            u = np.outer(d, d) / r**2
            d1 = 4 * LJ_EPS * (-12 * LJ_SIGMA**12 / r**13 + 6 * LJ_SIGMA**6 / r**7)
            d2 = 4 * LJ_EPS * (156 * LJ_SIGMA**12 / r**14 - 42 * LJ_SIGMA**6 / r**8)
            B = d2 * u + d1 / r * (np.eye(3) - u)
            si, sj = slice(3 * i, 3 * i + 3), slice(3 * j, 3 * j + 3)
            H[si, si] += B
            H[sj, sj] += B
            H[si, sj] -= B
            H[sj, si] -= B
    return H


@model
def lj_cluster():
    # a trigonal bipyramid of 5 atoms with edges near the pair minimum 2^(1/6) sigma, jiggled
    a = 1.12
    ring = a / np.sqrt(3)
    apex = np.sqrt(a**2 - ring**2)
    angles = 2 * np.pi * np.arange(3) / 3
    P = np.vstack([np.c_[ring * np.cos(angles), ring * np.sin(angles), np.zeros(3)], [[0, 0, apex], [0, 0, -apex]]])
    P = P + 0.03 * np.random.default_rng(1).standard_normal(P.shape)
    return Model(lennard_jones, P.ravel(), lennard_jones_hessian)


# ---------------------------------------------------------------------------
# 2. A nonlinear Poisson problem on a grid, with np.pad for the boundary
# ---------------------------------------------------------------------------

GRID_N = 6
GRID_H = 1.0 / (GRID_N + 1)
GRID_F = 20 * np.random.default_rng(2).standard_normal((GRID_N, GRID_N))


def grid_energy(x):
    """``h² [½ Σ |∇u|² + Σ u⁴/4 - Σ f u]``: its minimiser solves ``-Δu + u³ = f``, ``u = 0`` on the boundary."""
    u = x.reshape(GRID_N, GRID_N)
    U = np.pad(u, 1)  # the Dirichlet boundary: zeros all round
    ux = np.diff(U, axis=0) / GRID_H
    uy = np.diff(U, axis=1) / GRID_H
    return GRID_H**2 * (0.5 * np.sum(ux**2) + 0.5 * np.sum(uy**2) + np.sum(u**4) / 4 - np.sum(GRID_F * u))


def five_point_laplacian(n):
    T = 2 * np.eye(n) - np.eye(n, k=1) - np.eye(n, k=-1)
    return np.kron(T, np.eye(n)) + np.kron(np.eye(n), T)


def grid_energy_hessian(x):
    return five_point_laplacian(GRID_N) + GRID_H**2 * np.diag(3 * x**2)


@model
def pde_grid():
    return Model(grid_energy, np.random.default_rng(3).uniform(-1, 1, GRID_N**2), grid_energy_hessian)


# ---------------------------------------------------------------------------
# 3. Probit regression, with norm.logcdf
# ---------------------------------------------------------------------------


def probit_loglik(beta, X, y):
    eta = X @ beta
    return np.sum(y * norm.logcdf(eta) + (1 - y) * norm.logcdf(-eta))


@functools.cache
def probit_data():
    rng = np.random.default_rng(4)
    X = sm.add_constant(rng.standard_normal((400, 2)))
    y = (X @ np.array([0.3, -0.8, 0.5]) + rng.standard_normal(400) > 0).astype(float)
    return X, y


def probit_loglik_hessian(beta, X, y):
    """``-Σ λ (λ + z) x xᵀ`` with ``z = (2y - 1) xᵀβ`` and ``λ = φ(z)/Φ(z)``."""
    z = (2 * y - 1) * (X @ beta)
    lam = np.exp(-0.5 * z**2 - 0.5 * np.log(2 * np.pi) - log_ndtr(z))
    return -(X.T * (lam * (lam + z))) @ X


@model
def probit():
    X, y = probit_data()
    return Model(
        lambda b: -probit_loglik(b, X, y),
        np.array([0.2, -0.6, 0.7]),
        lambda b: -probit_loglik_hessian(b, X, y),
    )


# ---------------------------------------------------------------------------
# 4. Poisson regression (the canonical GLM), with scipy.special.gammaln
# ---------------------------------------------------------------------------


def poisson_loglik(beta, X, y):
    eta = X @ beta
    return np.sum(y * eta - np.exp(eta) - gammaln(y + 1))


@functools.cache
def poisson_data():
    rng = np.random.default_rng(5)
    X = sm.add_constant(rng.uniform(-1, 1, (300, 2)))
    y = rng.poisson(np.exp(X @ np.array([0.5, 0.8, -0.4]))).astype(float)
    return X, y


@model
def poisson_glm():
    X, y = poisson_data()
    return Model(
        lambda b: -poisson_loglik(b, X, y),
        np.array([0.4, 0.9, -0.3]),
        lambda b: (X.T * np.exp(X @ b)) @ X,  # Xᵀ diag(μ) X
    )


# ---------------------------------------------------------------------------
# 5. Gaussian mixture, with logsumexp and log_softmax
# ---------------------------------------------------------------------------

GMM_K = 3
GMM_DATA = np.concatenate(
    [np.random.default_rng(6).normal(m, s, k) for m, s, k in [(-2.0, 0.5, 20), (0.5, 0.8, 25), (3.0, 0.4, 15)]]
)


def gmm_loglik(theta, x):
    """Parameters: the means, the log-scales and the mixture logits of the K components."""
    mu, log_s, logits = theta[:GMM_K], theta[GMM_K : 2 * GMM_K], theta[2 * GMM_K :]
    z = (x[:, None] - mu) / np.exp(log_s)
    log_pdf = -0.5 * z**2 - log_s - 0.5 * np.log(2 * np.pi)
    return np.sum(logsumexp(log_softmax(logits) + log_pdf, axis=1))


@model
def gaussian_mixture():
    theta = np.array([-1.8, 0.3, 2.9, np.log(0.6), np.log(0.9), np.log(0.5), 0.1, 0.4, -0.2])
    return Model(lambda t: -gmm_loglik(t, GMM_DATA), theta, None)


# ---------------------------------------------------------------------------
# 6. Gaussian-process marginal likelihood, with cho_factor / cho_solve
# ---------------------------------------------------------------------------


@functools.cache
def gp_data():
    rng = np.random.default_rng(7)
    X = rng.uniform(-2, 2, (15, 2))
    y = np.sin(X[:, 0]) * np.cos(X[:, 1]) + 0.2 * rng.standard_normal(15)
    return X, y


def gp_nlml(theta, X, y):
    """Negative log marginal likelihood of an RBF-kernel GP in (log ℓ, log σ_f², log σ_n²)."""
    log_ell, log_sf2, log_sn2 = theta
    sqdist = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    K = np.exp(log_sf2 - 0.5 * sqdist / np.exp(2 * log_ell)) + np.exp(log_sn2) * np.eye(len(y))
    c, low = cho_factor(K, lower=True)
    alpha = cho_solve((c, low), y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(c))) + 0.5 * len(y) * np.log(2 * np.pi)


def gp_kernel_derivatives(theta, X):
    """``K``, its first derivatives ``dK[i]`` and second derivatives ``ddK[i][j]`` in the log hyperparameters."""
    ell2, sf2, sn2 = np.exp(2 * theta[0]), np.exp(theta[1]), np.exp(theta[2])
    d2 = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1) / ell2
    Kf = sf2 * np.exp(-0.5 * d2)
    eye = np.eye(len(X))
    zero = np.zeros_like(Kf)
    dK = [Kf * d2, Kf, sn2 * eye]
    ddK = [[Kf * (d2**2 - 2 * d2), Kf * d2, zero], [Kf * d2, Kf, zero], [zero, zero, sn2 * eye]]
    return Kf + sn2 * eye, dK, ddK


def gp_nlml_gradient(theta, X, y):
    """``-½ tr((ααᵀ - K⁻¹) ∂K/∂θ)``, the textbook gradient."""
    K, dK, _ = gp_kernel_derivatives(theta, X)
    Kinv = np.linalg.inv(K)
    alpha = Kinv @ y
    return np.array([-0.5 * np.trace((np.outer(alpha, alpha) - Kinv) @ D) for D in dK])


def gp_nlml_hessian(theta, X, y):
    """``αᵀ K_i K⁻¹ K_j α - ½ αᵀ K_ij α + ½ tr(K⁻¹ K_ij) - ½ tr(K⁻¹ K_i K⁻¹ K_j)``."""
    K, dK, ddK = gp_kernel_derivatives(theta, X)
    Kinv = np.linalg.inv(K)
    alpha = Kinv @ y
    H = np.empty((3, 3))
    for i in range(3):
        for j in range(3):
            H[i, j] = (
                alpha @ dK[i] @ Kinv @ dK[j] @ alpha
                - 0.5 * alpha @ ddK[i][j] @ alpha
                + 0.5 * np.trace(Kinv @ ddK[i][j])
                - 0.5 * np.trace(Kinv @ dK[i] @ Kinv @ dK[j])
            )
    return H


@model
def gaussian_process():
    X, y = gp_data()
    return Model(
        lambda t: gp_nlml(t, X, y),
        np.array([np.log(0.9), np.log(0.6), np.log(0.08)]),
        lambda t: gp_nlml_hessian(t, X, y),
    )


# ---------------------------------------------------------------------------
# 7. Multinomial logistic regression, with log_softmax
# ---------------------------------------------------------------------------


@functools.cache
def softmax_data():
    rng = np.random.default_rng(8)
    X = np.c_[np.ones(40), rng.standard_normal((40, 2))]
    labels = np.argmax(X @ rng.standard_normal((3, 4)) + rng.gumbel(size=(40, 4)), axis=1)
    return X, np.eye(4)[labels]


def softmax_nll(w, X, Y):
    W = w.reshape(Y.shape[1], X.shape[1])  # one row of weights per class
    return -np.sum(Y * log_softmax(X @ W.T, axis=1))


def softmax_nll_hessian(w, X, Y):
    """``Σ_i (diag(p_i) - p_i p_iᵀ) ⊗ x_i x_iᵀ``."""
    P = scipy.special.softmax(X @ w.reshape(Y.shape[1], X.shape[1]).T, axis=1)
    return sum(np.kron(np.diag(p) - np.outer(p, p), np.outer(x, x)) for p, x in zip(P, X))


@model
def softmax_classifier():
    X, Y = softmax_data()
    w = 0.3 * np.random.default_rng(9).standard_normal(Y.shape[1] * X.shape[1])
    return Model(lambda w: softmax_nll(w, X, Y), w, lambda w: softmax_nll_hessian(w, X, Y))


# ---------------------------------------------------------------------------
# 8. Nuclear-norm penalised approximation, with np.linalg.svd
# ---------------------------------------------------------------------------

NUC_SHAPE = (4, 3)
NUC_TARGET = np.random.default_rng(10).standard_normal(NUC_SHAPE)
NUC_LAMBDA = 0.7


def nuclear_objective(a):
    A = a.reshape(NUC_SHAPE)
    return 0.5 * np.sum((A - NUC_TARGET) ** 2) + NUC_LAMBDA * np.sum(np.linalg.svd(A, compute_uv=False))


def nuclear_objective_by_norm(a):
    A = a.reshape(NUC_SHAPE)
    return 0.5 * np.sum((A - NUC_TARGET) ** 2) + NUC_LAMBDA * np.linalg.norm(A, "nuc")


def nuclear_objective_hessian(a):
    """``I + λ d(U Vᵀ)``: the derivative of the polar factor ``Q = A S⁻¹``, ``S = (AᵀA)^½``.

    Along ``E``: ``dQ = (E - Q dS) S⁻¹`` where ``S dS + dS S = EᵀA + AᵀE``,
    solved in the right singular basis (entries divided by ``σ_i + σ_j``).
    """
    A = a.reshape(NUC_SHAPE)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    V = Vt.T
    Q, S_inv = U @ Vt, V @ np.diag(1 / s) @ Vt
    cols = []
    for e in np.eye(a.size):
        E = e.reshape(NUC_SHAPE)
        dS = V @ ((Vt @ (E.T @ A + A.T @ E) @ V) / (s[:, None] + s[None, :])) @ Vt
        cols.append((E - Q @ dS) @ S_inv)
    return np.eye(a.size) + NUC_LAMBDA * np.array([c.ravel() for c in cols]).T


@model
def nuclear_norm():
    A = NUC_TARGET + 0.3 * np.random.default_rng(11).standard_normal(NUC_SHAPE)
    return Model(nuclear_objective, A.ravel(), nuclear_objective_hessian)


# ---------------------------------------------------------------------------
# 9. A piecewise-linear fit, with np.interp
# ---------------------------------------------------------------------------

INTERP_NODES = np.linspace(0.0, 1.0, 6)


@functools.cache
def interp_data():
    rng = np.random.default_rng(12)
    t = np.sort(rng.uniform(0, 1, 30))
    return t, np.sin(2 * np.pi * t) + 0.1 * rng.standard_normal(30)


def interp_loss(fp, t, y):
    return 0.5 * np.sum((np.interp(t, INTERP_NODES, fp) - y) ** 2)


def interp_design(t):
    """The hat-function matrix ``B`` with ``np.interp(t, nodes, fp) = B @ fp``."""
    return np.array([np.interp(t, INTERP_NODES, e) for e in np.eye(len(INTERP_NODES))]).T


@model
def interp_fit():
    t, y = interp_data()
    B = interp_design(t)
    return Model(lambda fp: interp_loss(fp, t, y), np.random.default_rng(13).standard_normal(6), lambda fp: B.T @ B)


# ---------------------------------------------------------------------------
# every model: Hessian against finite differences, closed form, HVP modes, jit
# ---------------------------------------------------------------------------

NAMES = sorted(MODELS)


@pytest.mark.parametrize("name", NAMES)
def test_hessian_matches_finite_differences_of_the_gradient(name):
    m = MODELS[name]()
    H = osc.hessian(m.f)(m.x)
    assert H.shape == (m.x.size, m.x.size)
    assert_close(H, H.T, 1e-14)
    assert_close(H, fd_hessian(m.f, m.x), m.fd_rtol)


@pytest.mark.parametrize("name", [n for n in NAMES if MODELS[n]().hessian is not None])
def test_hessian_matches_closed_form(name):
    m = MODELS[name]()
    assert_close(osc.hessian(m.f)(m.x), m.hessian(m.x), 1e-12)


@pytest.mark.parametrize("mode", osc.HVP_MODES)
@pytest.mark.parametrize("name", NAMES)
def test_hvp_every_nesting_agrees_with_the_hessian(name, mode):
    m = MODELS[name]()
    v = np.random.default_rng(14).standard_normal(m.x.size)
    H = osc.hessian(m.f)(m.x)
    assert_close(osc.hvp(m.f, m.x, v, mode=mode), H @ v, 1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_staged_hessian_and_hvp_replay_at_a_new_point(name):
    m = MODELS[name]()
    hess = osc.jit(osc.hessian(m.f))
    hvp = osc.jit(lambda x, v: osc.hvp(m.f, x, v))
    v = np.random.default_rng(15).standard_normal(m.x.size)
    for x in (m.x, m.x + 1e-2 * np.random.default_rng(16).standard_normal(m.x.size)):  # staged, then replayed
        H = osc.hessian(m.f)(x)
        assert_close(hess(x), H, 1e-12)
        assert_close(hvp(x, v), H @ v, 1e-12)


# ---------------------------------------------------------------------------
# model by model: what the closed forms and the references add
# ---------------------------------------------------------------------------


def test_lennard_jones_against_second_differences_and_symmetries():
    m = MODELS["lj_cluster"]()
    H = osc.hessian(m.f)(m.x)
    assert_close(H, fd_hessian_of_values(m.f, m.x), 1e-5)
    # translating the cluster changes nothing: the gradient sums to zero per axis,
    # and every rigid translation is a null vector of the Hessian
    g = osc.grad(m.f)(m.x)
    shifts = np.tile(np.eye(3), (len(m.x) // 3, 1))
    assert np.max(np.abs(g @ shifts)) <= 1e-12 * np.max(np.abs(g))
    assert np.max(np.abs(H @ shifts)) <= 1e-12 * np.max(np.abs(H))


def test_grid_energy_against_second_differences_and_its_minimiser_solves_the_pde():
    m = MODELS["pde_grid"]()
    assert_close(osc.hessian(m.f)(m.x), fd_hessian_of_values(m.f, m.x), 1e-5)
    res = osc.minimize(grid_energy, np.zeros(GRID_N**2), method="newton", tol=1e-12)
    assert res.success, res.message
    u = res.x
    residual = five_point_laplacian(GRID_N) @ u / GRID_H**2 + u**3 - GRID_F.ravel()
    assert np.max(np.abs(residual)) <= 1e-8 * np.max(np.abs(GRID_F))


def _fit(negll, x0):
    res = osc.minimize(negll, x0, method="newton", tol=1e-10)
    assert res.success, res.message
    cov = np.linalg.inv(osc.hessian(negll)(res.x))  # inverse observed information
    return res.x, np.sqrt(np.diag(cov))


def test_probit_fit_reproduces_statsmodels():
    X, y = probit_data()
    params, bse = _fit(lambda b: -probit_loglik(b, X, y), np.zeros(3))
    ref = sm.Probit(y, X).fit(method="newton", tol=1e-12, maxiter=100, disp=False)
    assert ref.mle_retvals["converged"]
    np.testing.assert_allclose(params, ref.params, rtol=1e-6)
    np.testing.assert_allclose(bse, ref.bse, rtol=1e-6)
    # the log-likelihood and the closed form of its Hessian agree with statsmodels' too
    np.testing.assert_allclose(probit_loglik(params, X, y), ref.llf, rtol=1e-12)
    np.testing.assert_allclose(probit_loglik_hessian(params, X, y), ref.model.hessian(ref.params), rtol=1e-6)


def test_poisson_fit_reproduces_statsmodels():
    X, y = poisson_data()
    params, bse = _fit(lambda b: -poisson_loglik(b, X, y), np.zeros(3))
    ref = sm.GLM(y, X, family=sm.families.Poisson()).fit(tol=1e-13, tol_criterion="params", maxiter=100)
    assert ref.converged
    np.testing.assert_allclose(params, ref.params, rtol=1e-6)
    np.testing.assert_allclose(bse, ref.bse, rtol=1e-6)
    np.testing.assert_allclose(poisson_loglik(params, X, y), ref.llf, rtol=1e-12)


def test_poisson_loglik_by_the_distribution_is_the_same_model():
    X, y = poisson_data()
    by_pmf = lambda b: np.sum(poisson.logpmf(y, np.exp(X @ b)))  # noqa: E731
    b = MODELS["poisson_glm"]().x
    np.testing.assert_allclose(by_pmf(b), poisson_loglik(b, X, y), rtol=1e-12)
    assert_close(osc.grad(by_pmf)(b), osc.grad(lambda b: poisson_loglik(b, X, y))(b), 1e-12)
    assert_close(osc.hessian(by_pmf)(b), -(X.T * np.exp(X @ b)) @ X, 1e-12)


def test_gaussian_mixture_gradient_is_the_responsibility_formula():
    theta = MODELS["gaussian_mixture"]().x
    mu, s, logits = theta[:GMM_K], np.exp(theta[GMM_K : 2 * GMM_K]), theta[2 * GMM_K :]
    z = (GMM_DATA[:, None] - mu) / s
    pi = scipy.special.softmax(logits)
    r = scipy.special.softmax(np.log(pi) - 0.5 * z**2 - np.log(s), axis=1)  # responsibilities
    expected = np.concatenate([np.sum(r * z / s, axis=0), np.sum(r * (z**2 - 1), axis=0), np.sum(r - pi, axis=0)])
    assert_close(osc.grad(gmm_loglik)(theta, GMM_DATA), expected, 1e-12)
    # shifting every logit by the same amount changes nothing: a null vector of the Hessian
    H = osc.hessian(lambda t: gmm_loglik(t, GMM_DATA))(theta)
    shift = np.r_[np.zeros(2 * GMM_K), np.ones(GMM_K)]
    assert np.max(np.abs(H @ shift)) <= 1e-12 * np.max(np.abs(H))


def test_gaussian_process_gradient_is_the_trace_formula():
    X, y = gp_data()
    theta = MODELS["gaussian_process"]().x
    assert_close(osc.grad(gp_nlml)(theta, X, y), gp_nlml_gradient(theta, X, y), 1e-12)
    # the value is the Gaussian log-density of y, negated
    K, _, _ = gp_kernel_derivatives(theta, X)
    sign, logdet = np.linalg.slogdet(K)
    np.testing.assert_allclose(gp_nlml(theta, X, y), 0.5 * y @ np.linalg.solve(K, y) + 0.5 * logdet + 7.5 * np.log(2 * np.pi))


def test_nuclear_norm_by_svd_and_by_norm_agree():
    m = MODELS["nuclear_norm"]()
    s = np.linalg.svd(m.x.reshape(NUC_SHAPE), compute_uv=False)
    assert np.min(-np.diff(s)) > 0.1 and s[-1] > 0.1  # distinct, nonzero singular values: smooth here
    np.testing.assert_allclose(nuclear_objective_by_norm(m.x), nuclear_objective(m.x), rtol=1e-14)
    U, _, Vt = np.linalg.svd(m.x.reshape(NUC_SHAPE), full_matrices=False)
    gradient = m.x - NUC_TARGET.ravel() + NUC_LAMBDA * (U @ Vt).ravel()  # ∂‖A‖_* = U Vᵀ
    assert_close(osc.grad(nuclear_objective)(m.x), gradient, 1e-12)
    assert_close(osc.grad(nuclear_objective_by_norm)(m.x), gradient, 1e-12)
    assert_close(osc.hessian(nuclear_objective_by_norm)(m.x), osc.hessian(nuclear_objective)(m.x), 1e-12)


def test_interp_fit_is_least_squares_on_the_hat_basis():
    t, y = interp_data()
    res = osc.minimize(lambda fp: interp_loss(fp, t, y), np.zeros(len(INTERP_NODES)), method="newton", tol=1e-12)
    assert res.success, res.message
    expected = np.linalg.lstsq(interp_design(t), y, rcond=None)[0]
    assert_close(res.x, expected, 1e-10)
