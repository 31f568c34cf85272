"""Table rows for ``osculate.scipy.linalg`` and ``osculate.scipy.spatial.distance``.

``ROWS`` joins the finite-difference table of ``test_ad_primitives`` (and,
through it, the vmap, jit and sparsity tables); ``TAYLOR_ROWS`` joins
``test_taylor``'s.  The functions are written as a user writes them.
"""

from __future__ import annotations

import numpy as np

import osculate as osc
import osculate.scipy.linalg  # noqa: F401  (osc.scipy.linalg)
import osculate.scipy.spatial.distance  # noqa: F401

from _cases import away, distinct, general, normal, spd

la = osc.scipy.linalg
dist = osc.scipy.spatial.distance


def permuted(n):
    """Well-conditioned, with partial pivoting swapping rows (a fixed, clear-cut
    pivot order: small finite-difference steps do not change it)."""
    return lambda r: 0.3 * r.standard_normal((n, n)) + 3.0 * np.eye(n)[np.roll(np.arange(n), 1)]


def small(*shape):
    return lambda r: 0.5 * r.standard_normal(shape)


def contraction(n):
    """Spectral radius well below 1: X - A X Aᵀ = Q has a unique, well-conditioned solution."""
    return lambda r: 0.25 * r.standard_normal((n, n))


def band(l, u, n):
    """Band storage (l + u + 1, n) of a diagonally dominant banded matrix (diagonal row u)."""
    def make(r):
        ab = 0.5 * r.standard_normal((l + u + 1, n))
        ab[u] += 4.0
        return ab
    return make


def hband(k, n, lower=False):
    """Upper (lower) band storage of a diagonally dominant symmetric positive definite matrix."""
    def make(r):
        ab = 0.5 * r.standard_normal((k + 1, n))
        ab[0 if lower else k] = 3.0 + r.random(n)
        return ab
    return make


def toeplitz_column(n):
    """A first column or row with a dominant c[0]: a well-conditioned Toeplitz matrix."""
    def make(r):
        c = 0.4 * r.standard_normal(n)
        c[0] = 3.0
        return c
    return make


def _sym(m, k):
    return m @ m.T + k * np.eye(m.shape[0])


def _proj(q):
    """The projector onto the span of q's columns (a basis is unique only up to rotation)."""
    return q @ q.T


ROWS = [
    # solve_triangular: every trans/lower/unit_diagonal, vector and matrix right-hand sides, stacks
    ("solve_triangular", lambda a, b: la.solve_triangular(a, b, lower=True), [general(2), normal(2)], "lower-vector"),
    ("solve_triangular", lambda a, b: la.solve_triangular(a, b), [general(3), normal(3, 2)], "upper-matrix"),
    ("solve_triangular", lambda a, b: la.solve_triangular(a, b, trans="T", lower=True), [general(3), normal(3, 2)],
     "lower-T"),
    ("solve_triangular", lambda a, b: la.solve_triangular(a, b, trans=1), [general(3), normal(3)], "upper-1"),
    ("solve_triangular", lambda a, b: la.solve_triangular(a, b, trans=2, lower=True, unit_diagonal=True),
     [general(3), normal(3)], "unit-C"),
    ("solve_triangular", lambda a, b: la.solve_triangular(a, b, unit_diagonal=True), [general(3), normal(3, 2)],
     "unit-upper"),
    ("solve_triangular", lambda a, b: la.solve_triangular(a, b, lower=True), [general(3, 2), normal(2, 3, 2)],
     "batched"),
    # Cholesky
    ("cholesky", lambda a: la.cholesky(a), [spd(3)], "scipy-upper"),
    ("cholesky", lambda a: la.cholesky(a, lower=True), [spd(3)], "scipy-lower"),
    ("cho_factor", lambda a: la.cho_factor(a)[0], [spd(3)], "upper"),
    ("cho_factor", lambda a: la.cho_factor(a, lower=True)[0], [spd(3)], "lower"),
    ("cho_solve", lambda a, b: la.cho_solve(la.cho_factor(a), b), [spd(3), normal(3)], "upper-vector"),
    ("cho_solve", lambda a, b: la.cho_solve(la.cho_factor(a, lower=True), b), [spd(3), normal(3, 2)],
     "lower-matrix"),
    # LU (the first rows are the small ones: the coverage tests take the first rows reaching a primitive)
    ("lu_solve", lambda a, b: la.lu_solve(la.lu_factor(a), b), [permuted(2), normal(2)], "vector"),
    ("lu_factor", lambda a: la.lu_factor(a)[0], [permuted(2)], "lu"),
    ("lu_factor", lambda a: la.lu_factor(a)[0], [general(3)], "no-swap"),
    ("lu_solve", lambda a, b: la.lu_solve(la.lu_factor(a), b, trans=1), [permuted(3), normal(3, 2)], "trans"),
    ("lu", lambda a: la.lu(a)[1:], [permuted(3)], "l-u"),
    ("lu", lambda a: la.lu(a, permute_l=True), [permuted(3)], "permute_l"),
    # solve / inv / det / norm
    ("solve", lambda a, b: la.solve(a, b), [general(3), normal(3)], "scipy-gen"),
    ("solve", lambda a, b: la.solve(a, b, transposed=True), [general(3), normal(3, 2)], "scipy-transposed"),
    ("solve", lambda a, b: la.solve(a, b, assume_a="sym"), [general(3), normal(3)], "scipy-sym-upper"),
    ("solve", lambda a, b: la.solve(a, b, assume_a="her", lower=True), [general(3), normal(3, 2)], "scipy-her-lower"),
    ("solve", lambda a, b: la.solve(a, b, assume_a="pos"), [spd(3), normal(3)], "scipy-pos"),
    ("solve", lambda a, b: la.solve(a, b, assume_a="diagonal"), [general(3), normal(3)], "scipy-diagonal"),
    ("solve", lambda a, b: la.solve(a, b, assume_a="tridiagonal"), [general(4), normal(4)], "scipy-tridiagonal"),
    ("solve", lambda a, b: la.solve(a, b, assume_a="upper triangular"), [general(3), normal(3)], "scipy-upper"),
    ("inv", lambda a: la.inv(a), [general(3)], "scipy"),
    ("inv", lambda a: la.inv(a, assume_a="pos", lower=True), [spd(3)], "scipy-pos"),
    ("det", lambda a: la.det(a), [general(3)], "scipy"),
    ("norm", lambda x: la.norm(x), [normal(3, 4)], "scipy-fro"),
    ("norm", lambda x: la.norm(x, 1, axis=1), [distinct(3, 4)], "scipy-rows-1"),
    # matrix functions
    ("expm_frechet", lambda a, e: la.expm_frechet(a, e, compute_expm=False), [small(2, 2), normal(2, 2)], "L"),
    ("expm", lambda a: la.expm(a), [small(2, 2)], "2x2"),
    ("expm", lambda a: la.expm(a), [normal(3, 3)], "matrix"),
    ("expm", lambda a: la.expm(a), [small(2, 2, 2)], "stack"),
    ("expm_frechet", lambda a, e: la.expm_frechet(a, e), [small(3, 3), normal(3, 3)], "both"),
    # logm/sqrtm take symmetric input (finite differences perturb every entry: symmetrize)
    ("logm", lambda a: la.logm(0.5 * (a + a.T)), [spd(3)], "spd"),
    ("sqrtm", lambda a: la.sqrtm(0.5 * (a + a.T)), [spd(3)], "spd"),
    ("eigh", lambda a: la.eigh(a, eigvals_only=True), [spd(3)], "scipy-values"),
    ("eigh", lambda a: la.eigh(a, lower=False)[1] ** 2, [spd(3)], "scipy-upper-vectors"),
    ("eigvalsh", lambda a: la.eigvalsh(a, lower=False), [spd(4)], "scipy"),
    ("block_diag", lambda a, b, c: la.block_diag(a, b, c, 2.0), [normal(2, 2), normal(3), normal(2, 1)], "mixed"),
    # matrix equations: SciPy's solves, derivatives by the implicit function theorem
    ("solve_sylvester", lambda a, b, q: la.solve_sylvester(a, b, q), [general(3), general(2), normal(3, 2)], "3x2"),
    ("solve_continuous_lyapunov", lambda a, q: la.solve_continuous_lyapunov(a, q), [general(3), normal(3, 3)], ""),
    ("solve_lyapunov", lambda a, q: la.solve_lyapunov(-a, q @ q.T), [general(2), normal(2, 2)], "alias"),
    ("solve_discrete_lyapunov", lambda a, q: la.solve_discrete_lyapunov(a, q), [contraction(3), normal(3, 3)], ""),
    ("solve_discrete_lyapunov", lambda a, q: la.solve_discrete_lyapunov(a, q, method="bilinear"),
     [contraction(2), normal(2, 2)], "bilinear"),
    ("solve_continuous_are", lambda a, b, q, r: la.solve_continuous_are(a, b, _sym(q, 1.0), _sym(r, 1.0)),
     [normal(3, 3), normal(3, 2), normal(3, 3), normal(2, 2)], ""),
    ("solve_discrete_are", lambda a, b, q, r: la.solve_discrete_are(a, b, _sym(q, 1.0), _sym(r, 1.0)),
     [normal(3, 3), normal(3, 2), normal(3, 3), normal(2, 2)], ""),
    # banded and Toeplitz systems
    ("solve_banded", lambda ab, b: la.solve_banded((1, 2), ab, b), [band(1, 2, 5), normal(5)], "vector"),
    ("solve_banded", lambda ab, b: la.solve_banded((2, 0), ab, b), [band(2, 0, 4), normal(4, 2)], "lower-matrix"),
    # (global sparsity detection reaches these with positive definite stand-in bands: their stand_in rule)
    ("solveh_banded", lambda ab, b: la.solveh_banded(ab, b), [hband(1, 4), normal(4)], "upper"),
    ("solveh_banded", lambda ab, b: la.solveh_banded(ab, b, lower=True), [hband(2, 5, lower=True), normal(5, 2)],
     "lower"),
    ("cholesky_banded", lambda ab: la.cholesky_banded(ab), [hband(2, 5)], "upper"),
    ("cholesky_banded", lambda ab: la.cholesky_banded(ab, lower=True), [hband(1, 4, lower=True)], "lower"),
    ("solveh_banded", lambda ab, b: la.solveh_banded(ab, b), [hband(0, 3), normal(3)], "diagonal"),
    ("solveh_banded", lambda ab, b: la.solveh_banded(ab, b, lower=True), [hband(0, 3), normal(3, 2)], "diagonal-lower"),
    ("cholesky_banded", lambda ab: la.cholesky_banded(ab), [hband(0, 3)], "diagonal"),
    ("cholesky_banded", lambda ab: la.cholesky_banded(ab, lower=True) ** 2, [hband(0, 3)], "diagonal-lower"),
    ("cho_solve_banded", lambda cb, b: la.cho_solve_banded((cb, False), b), [hband(1, 4), normal(4)], "upper"),
    ("cho_solve_banded", lambda cb, b: la.cho_solve_banded((cb, True), b), [hband(2, 4, lower=True), normal(4, 2)],
     "lower"),
    ("solve_toeplitz", lambda c, r, b: la.solve_toeplitz((c, r), b), [toeplitz_column(4), toeplitz_column(4),
                                                                       normal(4)], "c-r"),
    ("solve_toeplitz", lambda c, b: la.solve_toeplitz(c, b), [toeplitz_column(3), normal(3, 2)], "symmetric"),
    ("matmul_toeplitz", lambda c, r, x: la.matmul_toeplitz((c, r), x), [normal(3), normal(4), normal(4, 2)], ""),
    # subspaces, polar decomposition, Procrustes, powers, more structured matrices
    ("orth", lambda m: _proj(la.orth(m)), [normal(4, 2)], ""),
    ("null_space", lambda m: _proj(la.null_space(m)), [normal(2, 4)], "wide"),
    ("polar", lambda m: la.polar(m)[0] + la.polar(m, "left")[1], [general(3)], ""),
    ("orthogonal_procrustes", lambda a, b: la.orthogonal_procrustes(a, b)[0] * la.orthogonal_procrustes(a, b)[1],
     [normal(4, 2), normal(4, 2)], ""),
    ("subspace_angles", lambda a, b: la.subspace_angles(a, b), [normal(5, 2), normal(5, 2)], ""),
    ("fractional_matrix_power", lambda m, t: la.fractional_matrix_power(0.5 * (m + m.T), t),
     [spd(3), lambda r: np.asarray(r.uniform(0.2, 0.8))], "spd"),
    ("fractional_matrix_power", lambda m: la.fractional_matrix_power(m, 3), [general(3)], "integer"),
    ("convolution_matrix", lambda a: la.convolution_matrix(a, 3, "same") ** 2, [normal(4)], ""),
    ("leslie", lambda f, s: la.leslie(f, s) ** 2, [normal(3), normal(2)], ""),
    ("fiedler", lambda a: la.fiedler(a), [distinct(4)], ""),
    ("fiedler_companion", lambda a: la.fiedler_companion(a), [away(5)], ""),
    ("diagsvd", lambda s: la.diagsvd(s, 3, 4) ** 2, [normal(3)], ""),
    ("hadamard", lambda x: la.hadamard(4) @ x ** 2, [normal(4)], ""),
    # spatial.distance
    ("pdist", lambda x: dist.pdist(x), [normal(4, 3)], "euclidean"),
    ("pdist", lambda x: dist.pdist(x, "sqeuclidean"), [normal(4, 3)], "sqeuclidean"),
    ("pdist", lambda x: dist.pdist(x, "cityblock"), [distinct(4, 3)], "cityblock"),
    ("pdist", lambda x: dist.pdist(x, "minkowski", p=3), [distinct(4, 3)], "minkowski-3"),
    ("pdist", lambda x: dist.pdist(x, "minkowski", p=1.5, w=np.array([0.5, 1.0, 2.0])), [distinct(4, 3)],
     "minkowski-w"),
    ("pdist", lambda x: dist.pdist(x, "chebyshev"), [distinct(4, 3)], "chebyshev"),
    ("pdist", lambda x: dist.pdist(x, "cosine"), [normal(4, 3)], "cosine"),
    ("pdist", lambda x: dist.pdist(x, "correlation"), [normal(4, 3)], "correlation"),
    ("pdist", lambda x: dist.pdist(x, "seuclidean"), [normal(5, 2)], "seuclidean"),
    ("pdist", lambda x: dist.pdist(x, lambda u, v: np.sum((u - v) ** 4)), [normal(3, 2)], "callable"),
    ("cdist", lambda a, b: dist.cdist(a, b), [normal(3, 2), normal(4, 2)], "euclidean"),
    ("cdist", lambda a, b: dist.cdist(a, b, "cityblock"), [distinct(3, 2), distinct(4, 2)], "cityblock"),
    ("cdist", lambda a, b: dist.cdist(a, b, "minkowski", p=4), [normal(3, 2), normal(2, 2)], "minkowski"),
    ("cdist", lambda a, b: dist.cdist(a, b, "cosine"), [normal(3, 2), normal(2, 2)], "cosine"),
    ("squareform", lambda v: dist.squareform(v), [normal(6)], "tomatrix"),
    ("squareform", lambda x: dist.squareform(dist.squareform(dist.pdist(x)) ** 2), [normal(4, 2)], "round-trip"),
]

TAYLOR_ROWS = [
    ("solve_triangular", lambda a, b: la.solve_triangular(a, b, lower=True), [general(3), normal(3, 2)], 0.3, True),
    ("solve_triangular", lambda a, b: la.solve_triangular(a, b, trans="T", unit_diagonal=True), [general(3), normal(3)],
     0.3, True),
    ("cho_solve", lambda a, b: la.cho_solve(la.cho_factor(a), b), [spd(3), normal(3)], 0.3, True),
    ("lu_factor", lambda a: la.lu_factor(a)[0], [permuted(2)], 0.3, True),
    ("lu_solve", lambda a, b: la.lu_solve(la.lu_factor(a), b, trans=1), [permuted(3), normal(3)], 0.3, True),
    ("expm", lambda a: la.expm(a), [small(3, 3)], 0.3, True),
    ("expm_frechet", lambda a, e: la.expm_frechet(a, e, compute_expm=False), [normal(2, 2), normal(2, 2)], 0.3, True),
    ("logm", lambda a: la.logm(0.5 * (a + a.T)), [spd(3)], 0.3, True),
    ("solve_sylvester", lambda a, b, q: la.solve_sylvester(a, b, q), [general(2), general(2), normal(2, 2)], 0.3, True),
    ("solve_discrete_lyapunov", lambda a, q: la.solve_discrete_lyapunov(a, q), [contraction(2), normal(2, 2)], 0.3,
     True),
    ("solve_continuous_are", lambda a, b, q, r: la.solve_continuous_are(a, b, _sym(q, 1.0), _sym(r, 1.0)),
     [normal(2, 2), normal(2, 1), normal(2, 2), normal(1, 1)], 0.2, True),
    ("solve_discrete_are", lambda a, b, q, r: la.solve_discrete_are(a, b, _sym(q, 1.0), _sym(r, 1.0)),
     [normal(2, 2), normal(2, 1), normal(2, 2), normal(1, 1)], 0.2, True),
    ("solve_banded", lambda ab, b: la.solve_banded((1, 1), ab, b), [band(1, 1, 4), normal(4)], 0.3, True),
    ("solveh_banded", lambda ab, b: la.solveh_banded(ab, b, lower=True), [hband(1, 4, lower=True), normal(4)], 0.3,
     True),
    ("cholesky_banded", lambda ab: la.cholesky_banded(ab), [hband(1, 4)], 0.3, True),
    ("cho_solve_banded", lambda cb, b: la.cho_solve_banded((cb, False), b), [hband(1, 3), normal(3)], 0.3, True),
    ("solve_toeplitz", lambda c, r, b: la.solve_toeplitz((c, r), b), [toeplitz_column(3), toeplitz_column(3),
                                                                       normal(3)], 0.3, True),
    ("pdist", lambda x: dist.pdist(x, "minkowski", p=3), [distinct(4, 2)], 0.3, True),
    ("cdist", lambda a, b: dist.cdist(a, b), [normal(3, 2), normal(2, 2)], 0.3, True),
]
