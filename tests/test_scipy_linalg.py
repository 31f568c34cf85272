"""``osculate.scipy.linalg`` and ``osculate.scipy.spatial.distance``: values
against SciPy itself for every option, derivatives against SciPy's own
Fréchet derivative and finite differences, two user models (a Gaussian
process fitted with ``cho_factor``/``cho_solve``, a Lennard-Jones cluster
written with ``pdist``), sparsity, and the errors.

Finite-difference checks of every function to second order in all four
nestings are the rows of ``tests/rows_scipy_linalg.py`` (run by
``test_ad_primitives``, ``test_batching``, ``test_jit``, ``test_sparsity``
and ``test_taylor``).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.spatial.distance as ssd

import osculate as osc
import osculate.ad.scipy.linalg as engine_linalg
import osculate.ad.scipy.spatial.distance as engine_distance
import osculate.scipy.linalg as la
import osculate.scipy.spatial.distance as dist
from osculate.ad.core import PRIMITIVES
from osculate.testing import check_grads


@pytest.fixture
def r():
    return np.random.default_rng(20261206)


def _general(r, n=4):
    return r.standard_normal((n, n)) + 3.0 * np.eye(n)


def _spd(r, n=4):
    q, _ = np.linalg.qr(r.standard_normal((n, n)))
    return (q * (1.0 + 1.5 * np.arange(n))) @ q.T


def close(a, b, rtol=1e-12, atol=1e-12):
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol, atol=atol)


# --------------------------------------------------------------------------- values against SciPy


@pytest.mark.parametrize("trans", [0, 1, 2, "N", "T", "C"])
@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize("unit_diagonal", [False, True])
def test_solve_triangular_matches_scipy(r, trans, lower, unit_diagonal):
    a = _general(r)
    for b in (r.standard_normal(4), r.standard_normal((4, 3))):
        close(la.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal),
              sla.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal))
    stack, bs = np.stack([_general(r), _general(r)]), r.standard_normal((2, 4, 2))
    close(la.solve_triangular(stack, bs, trans=trans, lower=lower, unit_diagonal=unit_diagonal),
          sla.solve_triangular(stack, bs, trans=trans, lower=lower, unit_diagonal=unit_diagonal))


def test_solve_triangular_derivative_lives_on_the_triangle_and_forms_no_inverse(r, monkeypatch):
    a, b = _general(r), r.standard_normal(4)
    g = osc.grad(lambda m: np.sum(la.solve_triangular(m, b, lower=True, unit_diagonal=True) ** 2))(a)
    assert np.all(g[np.triu_indices(4)] == 0) and np.all(g[np.tril_indices(4, -1)] != 0)
    called = []
    for name in ("inv", "solve"):  # neither an inverse nor a general solve: triangular solves only
        monkeypatch.setattr(PRIMITIVES[name], "impl", lambda *x, name=name: called.append(name))
    osc.hessian(lambda bb: np.sum(la.solve_triangular(a, bb, trans="T") ** 3))(b)
    osc.hessian(lambda m: np.sum(la.solve_triangular(m.reshape(4, 4), b, lower=True) ** 3))(a.ravel())
    assert not called


@pytest.mark.parametrize("lower", [False, True])
def test_cholesky_and_cho_factor_match_scipy(r, lower):
    a = _spd(r)
    noise = r.standard_normal((4, 4))
    a_skew = a + (np.triu(noise, 1) if lower else np.tril(noise, -1))  # SciPy ignores the other triangle
    for m in (a, a_skew):
        close(la.cholesky(m, lower=lower), sla.cholesky(m, lower=lower))
        c, low = la.cho_factor(m, lower=lower)
        c_ref, low_ref = sla.cho_factor(m, lower=lower)
        assert low is low_ref
        close(c, c_ref)  # both triangles: SciPy leaves a's entries in the other one
        b = r.standard_normal((4, 2))
        close(la.cho_solve((c, low), b), sla.cho_solve((c_ref, low_ref), b))
        close(la.cho_solve((c, low), b[:, 0]), sla.cho_solve((c_ref, low_ref), b[:, 0]))


@pytest.mark.parametrize("trans", [0, 1, 2])
def test_lu_factor_and_lu_solve_match_scipy(r, trans):
    a = r.standard_normal((5, 5))
    lu, piv = la.lu_factor(a)
    lu_ref, piv_ref = sla.lu_factor(a)
    close(lu, lu_ref)
    assert piv.dtype == piv_ref.dtype and np.array_equal(piv, piv_ref)
    for b in (r.standard_normal(5), r.standard_normal((5, 2))):
        close(la.lu_solve((lu, piv), b, trans=trans), sla.lu_solve((lu_ref, piv_ref), b, trans=trans), rtol=1e-10)


def test_lu_matches_scipy_with_every_option(r):
    a = r.standard_normal((4, 4))
    for kw in ({}, {"permute_l": True}, {"p_indices": True}):
        for got, want in zip(la.lu(a, **kw), sla.lu(a, **kw)):
            close(got, want)
    stack = r.standard_normal((2, 3, 3))
    close(la.lu_factor(stack)[0], sla.lu_factor(stack)[0])
    assert np.array_equal(la.lu_factor(stack)[1], sla.lu_factor(stack)[1])


def test_lu_solve_differentiates_as_solve(r):
    a, b = r.standard_normal((4, 4)), r.standard_normal(4)
    via_lu = lambda m, v: np.sum(np.sin(la.lu_solve(la.lu_factor(m), v)))  # noqa: E731
    direct = lambda m, v: np.sum(np.sin(np.linalg.solve(m, v)))  # noqa: E731
    for k in (0, 1):
        close(osc.grad(via_lu, argnums=k)(a, b), osc.grad(direct, argnums=k)(a, b), rtol=1e-10)
    close(osc.hessian(lambda v: via_lu(a, v))(b), osc.hessian(lambda v: direct(a, v))(b), rtol=1e-9, atol=1e-12)
    close(osc.hessian(lambda m: via_lu(m, b))(a), osc.hessian(lambda m: direct(m, b))(a), rtol=1e-8, atol=1e-11)


@pytest.mark.parametrize("assume_a", [None, "gen", "general", "sym", "her", "pos", "diagonal", "tridiagonal",
                                      "upper triangular", "lower triangular"])
@pytest.mark.parametrize("lower", [False, True])
def test_solve_matches_scipy(r, assume_a, lower):
    a = _spd(r) + np.triu(0.1 * r.standard_normal((4, 4)), 1)  # not symmetric: which triangle is read matters
    for b in (r.standard_normal(4), r.standard_normal((4, 2))):
        for transposed in (False, True):
            if transposed and assume_a in ("sym", "her", "pos"):
                continue  # SciPy: transposed is for general matrices
            close(la.solve(a, b, lower=lower, assume_a=assume_a, transposed=transposed),
                  sla.solve(a, b, lower=lower, assume_a=assume_a, transposed=transposed), rtol=1e-10)


def test_inv_det_norm_eigh_block_diag_match_scipy(r):
    a, s = _general(r), _spd(r)
    close(la.inv(a), sla.inv(a), rtol=1e-10)
    for assume_a in ("pos", "sym"):
        for lower in (False, True):
            m = s + np.triu(r.standard_normal((4, 4)), 1) * 0.1
            close(la.inv(m, assume_a=assume_a, lower=lower), sla.inv(m, assume_a=assume_a, lower=lower), rtol=1e-10)
    close(la.det(a), sla.det(a))
    for kw in ({}, {"ord": 1}, {"ord": np.inf}, {"axis": 0}, {"ord": 2, "axis": 1, "keepdims": True}):
        close(la.norm(a if kw else a.ravel(), **kw), sla.norm(a if kw else a.ravel(), **kw))
    close(la.norm(a), sla.norm(a))
    s_skew = s + np.triu(r.standard_normal((4, 4)), 1)
    for lower in (True, False):
        m = s_skew if not lower else s_skew.T
        w, v = la.eigh(m, lower=lower)
        w_ref, v_ref = sla.eigh(m, lower=lower)
        close(w, w_ref, rtol=1e-12)
        close(np.abs(v), np.abs(v_ref), rtol=1e-10)  # eigenvectors up to sign
        close(la.eigh(m, lower=lower, eigvals_only=True), w_ref)
        close(la.eigvalsh(m, lower=lower), sla.eigvalsh(m, lower=lower))
    blocks = (r.standard_normal((2, 2)), r.standard_normal(3), 5.0, r.standard_normal((1, 2)))
    close(la.block_diag(*blocks), sla.block_diag(*blocks))
    assert la.block_diag().shape == sla.block_diag().shape


def test_matrix_functions_match_scipy(r):
    a, e, s = 0.5 * r.standard_normal((4, 4)), r.standard_normal((4, 4)), _spd(r)
    close(la.expm(a), sla.expm(a), rtol=1e-13)
    stack = 0.5 * r.standard_normal((2, 3, 3))
    close(la.expm(stack), sla.expm(stack), rtol=1e-13)
    ea, le = la.expm_frechet(a, e)
    ea_ref, le_ref = sla.expm_frechet(a, e)
    close(ea, ea_ref, rtol=1e-12)
    close(le, le_ref, rtol=1e-12, atol=1e-13)
    close(la.expm_frechet(a, e, compute_expm=False), le_ref, rtol=1e-12, atol=1e-13)
    close(la.logm(s), sla.logm(s), rtol=1e-11, atol=1e-13)
    close(la.sqrtm(s), sla.sqrtm(s), rtol=1e-11, atol=1e-13)


def test_expm_derivatives_are_scipys_frechet_derivative(r):
    a, e, g = 0.7 * r.standard_normal((4, 4)), r.standard_normal((4, 4)), r.standard_normal((4, 4))
    y, t = osc.jvp(la.expm, (a,), (e,))
    close(y, sla.expm(a), rtol=1e-13)
    close(t, sla.expm_frechet(a, e)[1], rtol=1e-11, atol=1e-12)
    _, pullback = osc.vjp(la.expm, a)
    close(pullback(g)[0], sla.expm_frechet(a.T, g)[1], rtol=1e-11, atol=1e-12)  # L(Aᵀ, G)
    # second order: d/ds L(A + s E2, E) by central differences of SciPy's expm_frechet
    e2, h = r.standard_normal((4, 4)), 1e-5
    second = osc.jvp(lambda m: osc.jvp(la.expm, (m,), (e,))[1], (a,), (e2,))[1]
    fd = (sla.expm_frechet(a + h * e2, e)[1] - sla.expm_frechet(a - h * e2, e)[1]) / (2 * h)
    close(second, fd, rtol=1e-7, atol=1e-7)
    for m in osc.HVP_MODES:
        f = lambda x: np.sum(la.expm(x.reshape(3, 3)) ** 2)  # noqa: E731
        close(osc.hessian(f, mode=m)(a[:3, :3].ravel()), osc.hessian(f, mode="fwd-rev")(a[:3, :3].ravel()),
              rtol=1e-10, atol=1e-10)


def test_expm_taylor_coefficients_on_a_commuting_line(r):
    # A(t) = A + t A: exp((1 + t) A) = exp(A) Σ tᵏ Aᵏ / k!
    a = 0.6 * r.standard_normal((3, 3))
    c = osc.taylor(la.expm, a, a, order=4)
    term = sla.expm(a)
    for k in range(5):
        close(c[k], term, rtol=1e-11, atol=1e-12)
        term = term @ a / (k + 1)


@pytest.mark.parametrize("metric, kw", [
    ("euclidean", {}), ("sqeuclidean", {}), ("cityblock", {}), ("minkowski", {}), ("minkowski", {"p": 3}),
    ("minkowski", {"p": 1.5, "w": np.array([0.5, 1.0, 2.0])}), ("minkowski", {"p": 1}), ("minkowski", {"p": np.inf}),
    ("euclidean", {"w": np.array([0.5, 1.0, 2.0])}), ("cityblock", {"w": np.array([0.5, 1.0, 2.0])}),
    ("chebyshev", {}), ("chebyshev", {"w": np.array([1.0, 0.0, 2.0])}), ("cosine", {}),
    ("cosine", {"w": np.array([0.5, 1.0, 2.0])}), ("correlation", {}), ("correlation", {"w": np.array([0.5, 1.0, 2.0])}),
    ("seuclidean", {}), ("seuclidean", {"V": np.array([0.5, 1.0, 2.0])}),
])
def test_pdist_and_cdist_match_scipy(r, metric, kw):
    X, Y = r.standard_normal((5, 3)), r.standard_normal((4, 3))
    close(dist.pdist(X, metric, **kw), ssd.pdist(X, metric, **kw), rtol=1e-13, atol=1e-14)
    close(dist.cdist(X, Y, metric, **kw), ssd.cdist(X, Y, metric, **kw), rtol=1e-13, atol=1e-14)


def test_callable_metric_and_squareform_match_scipy(r):
    X, Y = r.standard_normal((4, 2)), r.standard_normal((3, 2))
    m = lambda u, v: np.sum(np.abs(u - v) ** 3)  # noqa: E731
    close(dist.pdist(X, m), ssd.pdist(X, m))
    close(dist.cdist(X, Y, m), ssd.cdist(X, Y, m))
    v = ssd.pdist(X)
    close(dist.squareform(v), ssd.squareform(v))
    close(dist.squareform(ssd.squareform(v)), v)
    close(dist.squareform(v, force="tomatrix"), ssd.squareform(v, force="tomatrix"))
    close(dist.squareform(np.zeros(0)), ssd.squareform(np.zeros(0)))
    close(dist.squareform(np.zeros((1, 1))), ssd.squareform(np.zeros((1, 1))))
    bad = ssd.squareform(v) + np.diag(np.ones(4))
    with pytest.raises(ValueError, match="diagonal"):
        dist.squareform(bad)
    close(dist.squareform(bad, checks=False), ssd.squareform(bad, checks=False))
    with pytest.raises(ValueError, match="symmetric"):
        dist.squareform(np.triu(ssd.squareform(v)))
    with pytest.raises(ValueError, match="binomial"):
        dist.squareform(np.ones(4))


# --------------------------------------------------------------------------- user models


def _gp_nll(theta, X, y):
    """Negative log marginal likelihood of a GP with a squared-exponential
    kernel: theta = (log length scale, log signal variance, log noise variance)."""
    ell, sf2, sn2 = np.exp(theta[0]), np.exp(theta[1]), np.exp(theta[2])
    d2 = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    K = sf2 * np.exp(-0.5 * d2 / ell**2) + sn2 * np.eye(len(y))
    c, low = la.cho_factor(K, lower=True)
    alpha = la.cho_solve((c, low), y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(c))) + 0.5 * len(y) * np.log(2 * np.pi)


def test_gaussian_process_likelihood_gradient_and_hessian(r):
    X = r.uniform(-2, 2, (12, 2))
    y = np.sin(X[:, 0]) + 0.3 * X[:, 1] + 0.1 * r.standard_normal(12)
    theta = np.array([0.1, 0.2, -2.0])
    f = lambda t: _gp_nll(t, X, y)  # noqa: E731
    # the value is SciPy's
    K = np.exp(theta[1]) * np.exp(-0.5 * ssd.squareform(ssd.pdist(X, "sqeuclidean")) / np.exp(theta[0]) ** 2)
    K += np.exp(theta[2]) * np.eye(12)
    cf = sla.cho_factor(K, lower=True)
    want = 0.5 * y @ sla.cho_solve(cf, y) + np.sum(np.log(np.diag(cf[0]))) + 6 * np.log(2 * np.pi)
    close(f(theta), want, rtol=1e-12)
    check_grads(f, (theta,), order=2, modes=("fwd", "rev"))
    # gradient and Hessian against central differences of SciPy's own evaluation
    g, h = osc.grad(f)(theta), 1e-5
    fd = np.array([(f(theta + h * e) - f(theta - h * e)) / (2 * h) for e in np.eye(3)])
    close(g, fd, rtol=1e-6, atol=1e-7)
    fd_h = np.array([(osc.grad(f)(theta + h * e) - osc.grad(f)(theta - h * e)) / (2 * h) for e in np.eye(3)])
    for m in osc.HVP_MODES:
        H = osc.hessian(f, mode=m)(theta)
        close(H, H.T, rtol=1e-10, atol=1e-10)
        close(H, fd_h, rtol=1e-5, atol=1e-6)


def _lennard_jones(x):
    r2 = dist.pdist(x.reshape(-1, 3), "sqeuclidean")
    inv6 = 1.0 / r2**3
    return np.sum(4.0 * (inv6**2 - inv6))


def test_lennard_jones_energy_hessian(r):
    base = np.array([[0, 0, 0], [1.1, 0, 0], [0, 1.1, 0], [0, 0, 1.1], [1.1, 1.1, 0.2]], dtype=float)
    x = (base + 0.05 * r.standard_normal(base.shape)).ravel()
    # the value from SciPy's distances
    d = ssd.pdist(x.reshape(-1, 3))
    close(_lennard_jones(x), np.sum(4 * (d**-12.0 - d**-6.0)), rtol=1e-12)
    # with the euclidean metric as well (distances away from zero)
    e_euclid = lambda z: np.sum(4.0 * (dist.pdist(z.reshape(-1, 3)) ** -12 - dist.pdist(z.reshape(-1, 3)) ** -6))  # noqa: E731
    close(osc.grad(e_euclid)(x), osc.grad(_lennard_jones)(x), rtol=1e-10)
    h = 1e-6
    fd = np.array([(osc.grad(_lennard_jones)(x + h * e) - osc.grad(_lennard_jones)(x - h * e)) / (2 * h)
                   for e in np.eye(x.size)])
    for m in osc.HVP_MODES:
        H = osc.hessian(_lennard_jones, mode=m)(x)
        close(H, fd, rtol=1e-5, atol=1e-4 * np.max(np.abs(fd)))
        close(H, osc.hessian(e_euclid, mode=m)(x), rtol=1e-9, atol=1e-9 * np.max(np.abs(H)))
    # translation invariance: the Hessian annihilates a rigid shift
    shift = np.tile([1.0, -0.5, 0.25], 5)
    close(osc.hessian(_lennard_jones)(x) @ shift, np.zeros(x.size), atol=1e-8 * np.max(np.abs(fd)))


def test_each_distance_depends_on_its_two_rows_only(r):
    m, d = 5, 2
    X = r.standard_normal((m, d))
    i, j = np.triu_indices(m, 1)
    want = np.zeros((len(i), m * d), dtype=bool)
    for k, (a, b) in enumerate(zip(i, j)):
        want[k, a * d:(a + 1) * d] = want[k, b * d:(b + 1) * d] = True
    for metric in ("euclidean", "cityblock", "cosine", "chebyshev"):
        for mode in ("global", "local"):
            J = osc.jacobian_sparsity(lambda x, mt=metric: dist.pdist(x.reshape(m, d), mt), X.ravel(), mode=mode)
            assert np.array_equal(J.toarray(), want), (metric, mode)
    # a chain of neighbour distances has a banded Hessian
    f = lambda x: np.sum(dist.cdist(x.reshape(m, d)[:-1], x.reshape(m, d)[1:])[np.arange(m - 1), np.arange(m - 1)] ** 3)  # noqa: E731
    P = osc.hessian_sparsity(f, X.ravel()).toarray()
    rows = np.arange(m * d) // d
    assert np.array_equal(P, np.abs(rows[:, None] - rows[None, :]) <= 1)


def test_coincident_points_have_no_euclidean_derivative():
    X = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 2.0]])
    with np.errstate(divide="ignore", invalid="ignore"):
        g = osc.grad(lambda x: np.sum(dist.pdist(x)))(X)
    assert not np.all(np.isfinite(g[:2]))  # sqrt at 0, as np.sqrt: documented
    assert np.all(np.isfinite(osc.grad(lambda x: np.sum(dist.pdist(x, "sqeuclidean")))(X)))


# --------------------------------------------------------------------------- errors


def test_errors_are_clear(r):
    with pytest.raises(ValueError, match="symmetric positive definite.*not symmetric"):
        la.logm(r.standard_normal((3, 3)))
    with pytest.raises(ValueError, match="symmetric positive definite.*eigenvalue <= 0"):
        la.sqrtm(np.diag([1.0, -1.0]))
    with pytest.raises(ValueError, match="eigenvalue <= 0"):
        osc.grad(lambda m: np.sum(la.logm(m)))(np.diag([1.0, 0.0]))
    with pytest.raises(np.linalg.LinAlgError):
        la.cho_factor(np.diag([1.0, -1.0]))
    with pytest.raises(ValueError, match="banded"):
        la.solve(np.eye(2), np.ones(2), assume_a="banded")
    with pytest.raises(ValueError, match="trans"):
        la.solve_triangular(np.eye(2), np.ones(2), trans=3)
    with pytest.raises(ValueError, match="square"):
        la.expm(np.ones((2, 3)))
    with pytest.raises(NotImplementedError, match="generalized"):
        la.eigh(np.eye(2), np.eye(2))
    with pytest.raises(ValueError, match="metric 'kulczynski1' is not supported"):  # (SciPy 1.17 dropped it too)
        dist.pdist(np.ones((3, 2)), "kulczynski1")
    with pytest.raises(ValueError, match="same number of columns"):
        dist.cdist(np.ones((3, 2)), np.ones((3, 3)))


def test_public_namespace_reexports_the_engine_side():
    assert la.__all__ == engine_linalg.__all__ and dist.__all__ == engine_distance.__all__
    for name in la.__all__:
        assert getattr(la, name) is getattr(engine_linalg, name)
        fn = getattr(sla, name)  # each is a SciPy function (or SciPy's alias of one: solve_lyapunov)
        assert fn.__name__ == name or getattr(sla, fn.__name__) is fn
    for name in dist.__all__:
        assert getattr(ssd, name).__name__ == name
