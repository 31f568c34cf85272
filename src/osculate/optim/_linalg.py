"""Linear-algebra kernels used by the optimizers.

Everything here works either on dense symmetric matrices (small problems) or
on a ``matvec`` callable (matrix-free, e.g. Hessian-vector products).
"""
from __future__ import annotations

import numpy as np
import scipy.linalg as sla

from ..linop.krylov import lanczos as _spectral_lanczos

EPS = np.finfo(float).eps

__all__ = [
    "conjugate_gradient",
    "steihaug_toint",
    "lanczos",
    "tr_exact",
    "tr_krylov",
    "modified_cholesky",
    "eig_modify",
    "min_eigenpair",
    "boundary_roots",
]


# ---------------------------------------------------------------------------
# Conjugate gradients
# ---------------------------------------------------------------------------

def conjugate_gradient(matvec, b, rtol=1e-5, atol=0.0, maxiter=None,
                       precond=None, shift=0.0):
    """Solve ``(A + shift*I) x = b`` by (preconditioned) CG.

    Stops early when a direction of non-positive curvature is met.

    Returns
    -------
    x : ndarray
        Current iterate (zero if the first direction already had
        non-positive curvature).
    info : dict
        ``iters``, ``converged`` (bool), ``negative_curvature`` (bool) and
        ``direction`` (the offending direction, or None).
    """
    n = b.size
    maxiter = n if maxiter is None else maxiter
    x = np.zeros_like(b)
    r = b.copy()  # residual b - A x
    bnorm = np.linalg.norm(b)
    tol = max(rtol * bnorm, atol)
    info = dict(iters=0, converged=False, negative_curvature=False,
                direction=None)
    if bnorm <= tol or bnorm == 0.0:
        info["converged"] = True
        return x, info
    z = precond(r) if precond is not None else r
    d = z.copy()
    rz = r @ z
    for k in range(maxiter):
        Ad = matvec(d)
        if shift:
            Ad = Ad + shift * d
        curv = d @ Ad
        if not np.isfinite(curv) or curv <= 0.0:
            info.update(iters=k, negative_curvature=True, direction=d,
                        curvature=curv)
            return x, info
        alpha = rz / curv
        x = x + alpha * d
        r = r - alpha * Ad
        info["iters"] = k + 1
        if np.linalg.norm(r) <= tol:
            info["converged"] = True
            return x, info
        z = precond(r) if precond is not None else r
        rz_new = r @ z
        d = z + (rz_new / rz) * d
        rz = rz_new
    return x, info


def boundary_roots(z, d, radius):
    """Roots ``ta <= tb`` of ``||z + t d|| = radius``."""
    a = d @ d
    b = 2.0 * (z @ d)
    c = z @ z - radius * radius
    disc = max(b * b - 4.0 * a * c, 0.0)
    sq = np.sqrt(disc)
    # numerically stable pair
    if b >= 0:
        q = -0.5 * (b + sq)
    else:
        q = -0.5 * (b - sq)
    t1 = q / a
    t2 = c / q if q != 0 else -t1
    return (t1, t2) if t1 <= t2 else (t2, t1)


def steihaug_toint(g, matvec, radius, rtol=None, maxiter=None):
    """Steihaug–Toint truncated CG for ``min g.p + p.Bp/2, ||p|| <= radius``.

    Returns
    -------
    p : ndarray
    pred : float
        Predicted reduction ``-(g.p + p.Bp/2)`` (non-negative).
    info : dict
        ``hits_boundary``, ``negative_curvature``, ``iters``.
    """
    n = g.size
    maxiter = n if maxiter is None else maxiter
    gnorm = np.linalg.norm(g)
    if rtol is None:
        rtol = min(0.5, np.sqrt(gnorm))
    tol = rtol * gnorm
    z = np.zeros_like(g)
    r = g.copy()  # r = g + B z (model gradient)
    d = -r
    info = dict(hits_boundary=False, negative_curvature=False, iters=0)
    if gnorm == 0.0:
        return z, 0.0, info

    def model(p, rp):
        return 0.5 * (g @ p + p @ rp)

    for k in range(maxiter):
        Bd = matvec(d)
        dBd = d @ Bd
        info["iters"] = k + 1
        if not np.isfinite(dBd):
            break
        if dBd <= 0.0:
            ta, tb = boundary_roots(z, d, radius)
            cands = []
            for t in (ta, tb):
                p = z + t * d
                rp = r + t * Bd
                cands.append((model(p, rp), p))
            m, p = min(cands, key=lambda c: c[0])
            info.update(hits_boundary=True, negative_curvature=True)
            return p, -m, info
        rr = r @ r
        alpha = rr / dBd
        z_next = z + alpha * d
        if np.linalg.norm(z_next) >= radius:
            _, tb = boundary_roots(z, d, radius)
            p = z + tb * d
            rp = r + tb * Bd
            info["hits_boundary"] = True
            return p, -model(p, rp), info
        r_next = r + alpha * Bd
        z, r = z_next, r_next
        if np.linalg.norm(r) < tol:
            break
        d = -r + ((r @ r) / rr) * d
    return z, -model(z, r), info


# ---------------------------------------------------------------------------
# Lanczos
# ---------------------------------------------------------------------------

def lanczos(matvec, q0, k, reorthogonalize=True):
    """Symmetric Lanczos ``Q.T A Q = T`` started at ``q0`` (at most ``k`` steps),
    in the layout the solvers use: ``(Q, alpha, beta)`` where ``beta[:-1]`` are
    the off-diagonals of ``T`` and ``beta[-1]`` the residual norm after the last
    step (0 on an invariant subspace).  A thin adapter over
    :func:`osculate.linop.lanczos`.
    """
    n = q0.size
    res = _spectral_lanczos(matvec, v0=q0, m=min(k, n), reorthogonalize=reorthogonalize, n=n)
    return res.Q, res.alpha, np.append(res.beta, res.residual_norm)


def _tridiag(alpha, beta):
    T = np.diag(alpha)
    if alpha.size > 1:
        off = beta[: alpha.size - 1]
        T += np.diag(off, 1) + np.diag(off, -1)
    return T


def min_eigenpair(matvec, n, rng, k=30):
    """Estimate the smallest eigenvalue/eigenvector of a symmetric operator.

    Lanczos with full reorthogonalisation from a random start vector.

    Returns ``(theta_min, v, theta_absmax, theta_max)`` (Ritz values).
    """
    q0 = rng.standard_normal(n)
    Q, a, b = lanczos(matvec, q0, k)
    w, U = np.linalg.eigh(_tridiag(a, b))
    v = Q @ U[:, 0]
    return w[0], v / np.linalg.norm(v), np.max(np.abs(w)), w[-1]


# ---------------------------------------------------------------------------
# Trust-region subproblems
# ---------------------------------------------------------------------------

def _chol(A):
    try:
        return np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        return None


def tr_exact(H, g, radius, k_easy=0.1, k_hard=0.2, maxiter=60):
    """Moré–Sorensen solution of ``min g.p + p.Hp/2, ||p|| <= radius``.

    Newton's method on the secular equation ``1/||p(lam)|| = 1/radius`` with
    ``p(lam) = -(H + lam I)^{-1} g`` driven by Cholesky factorisations and a
    safeguarding interval ``[lam_lo, lam_hi]``; the "hard case" is completed
    with a step along an eigenvector of the smallest eigenvalue.

    Returns
    -------
    p : ndarray
    pred : float
        Predicted reduction ``-(g.p + p.Hp/2)``.
    info : dict
        ``lam``, ``hits_boundary``, ``hard_case``, ``iters``.
    """
    n = g.size
    gnorm = np.linalg.norm(g)
    I = np.eye(n)

    def result(p, lam, hits, hard=False, iters=0):
        pred = -(g @ p + 0.5 * (p @ (H @ p)))
        return p, pred, dict(lam=lam, hits_boundary=hits, hard_case=hard,
                             iters=iters)

    # safeguarding bounds on the multiplier (Gershgorin / Frobenius)
    absH = np.abs(H)
    diag = np.diag(H)
    offsum = absH.sum(axis=1) - np.abs(diag)
    gersh_lo = np.min(diag - offsum)
    gersh_hi = np.max(diag + offsum)
    hnorm = min(np.linalg.norm(H, "fro"), np.max(absH.sum(axis=1)))
    lam_lo = max(0.0, -np.min(diag), gnorm / radius - min(gersh_hi, hnorm))
    lam_hi = max(0.0, gnorm / radius + min(-gersh_lo, hnorm))

    # interior Newton step?
    L = _chol(H)
    if L is not None:
        p = -sla.cho_solve((L, True), g)
        if np.linalg.norm(p) <= radius:
            return result(p, 0.0, False)
        lam = 0.0
    else:
        lam = lam_lo
    eig_cache = {}

    def smallest_eig():
        if "w" not in eig_cache:
            w, V = np.linalg.eigh(H)
            eig_cache["w"], eig_cache["v"] = w[0], V[:, 0]
        return eig_cache["w"], eig_cache["v"]

    if gnorm == 0.0:
        # only curvature matters: step to the boundary along the smallest
        # eigenvector if it is negative
        w1, v1 = smallest_eig()
        if w1 < 0:
            return result(radius * v1, -w1, True, hard=True)
        return result(np.zeros(n), 0.0, False)

    for it in range(1, maxiter + 1):
        L = _chol(H + lam * I) if lam > 0 or L is None else L
        if L is None or lam < lam_lo:
            # not positive definite: lam is below -lambda_min
            lam_lo = max(lam_lo, lam)
            lam = max(np.sqrt(lam_lo * lam_hi), lam_lo + 0.01 * (lam_hi - lam_lo))
            L = None
            if lam_hi - lam_lo <= 10 * EPS * max(lam_hi, 1.0):
                break
            continue
        p = -sla.cho_solve((L, True), g)
        pn = np.linalg.norm(p)
        if abs(pn - radius) <= k_easy * radius:
            return result(p, lam, True, iters=it)
        if pn < radius:
            lam_hi = min(lam_hi, lam)
            if lam > 0:
                # possible hard case: complete p with an eigenvector z of the
                # smallest eigenvalue; accept when the Moré–Sorensen relative
                # error test  tau^2 z.(H+lam)z <= k_hard (p.(H+lam)p + lam D^2)
                w1, v1 = smallest_eig()
                ta, tb = boundary_roots(p, v1, radius)
                cands = [(ta, p + ta * v1), (tb, p + tb * v1)]
                tau, q = min(cands, key=lambda c: g @ c[1] + 0.5 * c[1] @ (H @ c[1]))
                lhs = tau * tau * max(w1 + lam, 0.0)
                rhs = k_hard * (p @ (H @ p) + lam * radius * radius)
                if lhs <= rhs:
                    return result(q, lam, True, hard=True, iters=it)
        else:
            lam_lo = max(lam_lo, lam)
        w = sla.solve_triangular(L, p, lower=True)
        lam_new = lam + (pn / np.linalg.norm(w)) ** 2 * (pn - radius) / radius
        L = None
        if lam_new <= lam_lo or lam_new >= lam_hi or not np.isfinite(lam_new):
            lam_new = max(np.sqrt(max(lam_lo * lam_hi, 0.0)),
                          lam_lo + 0.01 * (lam_hi - lam_lo))
        lam = lam_new
        if lam_hi - lam_lo <= 10 * EPS * max(lam_hi, 1.0):
            break
    # fall back on an eigendecomposition (always well defined)
    return tr_eig(H, g, radius)


def tr_eig(H, g, radius):
    """Trust-region subproblem solved through a full eigendecomposition.

    Used as a robust fallback of :func:`tr_exact`.
    """
    w, V = np.linalg.eigh(H)
    gt = V.T @ g

    def result(p, lam, hits, hard=False):
        pred = -(g @ p + 0.5 * (p @ (H @ p)))
        return p, pred, dict(lam=lam, hits_boundary=hits, hard_case=hard,
                             iters=0)

    def coef(lam):
        den = w + lam
        with np.errstate(divide="ignore", invalid="ignore"):
            c = np.where(den > 0, -gt / np.where(den > 0, den, 1.0),
                         np.where(gt == 0, 0.0, -np.inf * np.sign(gt)))
        return c

    w1 = w[0]
    if w1 > 0:
        p = -V @ (gt / w)
        if np.linalg.norm(p) <= radius:
            return result(p, 0.0, False)
    lam_min = max(0.0, -w1)
    c0 = coef(lam_min)
    if np.all(np.isfinite(c0)) and np.linalg.norm(c0) <= radius:
        # hard case: complete with the eigenvector of the smallest eigenvalue
        p = V @ c0
        tau = np.sqrt(max(radius * radius - p @ p, 0.0))
        v1 = V[:, 0]
        if g @ v1 > 0:
            v1 = -v1
        return result(p + tau * v1, lam_min, True, hard=True)
    lo = lam_min
    hi = max(lam_min, 0.0) + np.linalg.norm(g) / radius + 1e-300
    while np.linalg.norm(coef(hi)) > radius:
        hi = 2 * hi + 1e-300
    lam = hi
    for _ in range(200):
        c = coef(lam)
        pn = np.linalg.norm(c)
        if abs(pn - radius) <= 1e-12 * radius:
            break
        if pn > radius:
            lo = lam
        else:
            hi = lam
        dpn = -np.sum(c ** 2 / (w + lam)) / pn
        new = lam + (pn - radius) * pn / (radius * (-dpn)) if dpn < 0 else lo
        if not (lo < new < hi):
            new = 0.5 * (lo + hi)
        lam = new
        if hi - lo <= 4 * EPS * max(hi, 1e-300):
            break
    p = V @ coef(lam)
    return result(p, lam, True)


def tr_krylov(g, matvec, radius, rtol=None, maxiter=None):
    """GLTR-style Lanczos trust-region solver (Gould, Lucidi, Roma, Toint).

    Builds the Lanczos decomposition ``Q.T B Q = T`` of the Krylov space
    spanned by ``g, Bg, B^2 g, ...`` and, at every step, solves the
    tridiagonal subproblem ``min ||g|| e1.h + h.Th/2, ||h|| <= radius``
    exactly (Moré–Sorensen on ``T``).  Stops when the model-gradient norm
    ``beta_{k+1} |e_k . h|`` falls below ``rtol * ||g||``.

    Returns ``p, pred, info`` as :func:`steihaug_toint`.
    """
    n = g.size
    maxiter = n if maxiter is None else min(maxiter, n)
    gnorm = np.linalg.norm(g)
    if rtol is None:
        rtol = min(0.5, np.sqrt(gnorm))
    info = dict(hits_boundary=False, negative_curvature=False, iters=0)
    if gnorm == 0.0:
        return np.zeros_like(g), 0.0, info
    # Lanczos basis, grown by doubling (maxiter may be as large as n)
    Q = np.zeros((n, min(maxiter, 16)))
    alpha = np.zeros(maxiter)
    beta = np.zeros(maxiter)
    q = g / gnorm
    q_prev = np.zeros(n)
    b_prev = 0.0
    h = None
    k = 0
    for k in range(maxiter):
        if k == Q.shape[1]:
            Q = np.concatenate([Q, np.zeros((n, min(Q.shape[1], maxiter - k)))], axis=1)
        Q[:, k] = q
        w = matvec(q)
        a = q @ w
        w = w - a * q - b_prev * q_prev
        Qk = Q[:, : k + 1]
        w = w - Qk @ (Qk.T @ w)
        w = w - Qk @ (Qk.T @ w)
        b = np.linalg.norm(w)
        alpha[k], beta[k] = a, b
        T = _tridiag(alpha[: k + 1], beta[: k + 1])
        e1 = np.zeros(k + 1)
        e1[0] = gnorm
        h, _, sub = tr_exact(T, e1, radius)
        info.update(iters=k + 1, hits_boundary=sub["hits_boundary"])
        info["negative_curvature"] = sub["lam"] > 0 and sub["hard_case"]
        if b * abs(h[-1]) <= rtol * gnorm or b <= np.sqrt(EPS) * max(abs(a), 1.0):
            break
        q_prev, q = q, w / b
        b_prev = b
    p = Q[:, : k + 1] @ h
    T = _tridiag(alpha[: k + 1], beta[: k + 1])
    e1 = np.zeros(k + 1)
    e1[0] = gnorm
    pred = -(e1 @ h + 0.5 * h @ (T @ h))
    return p, pred, info


# ---------------------------------------------------------------------------
# Hessian modifications
# ---------------------------------------------------------------------------

def modified_cholesky(A):
    """Gill–Murray–Wright modified Cholesky factorisation.

    Computes a unit lower-triangular ``L`` and positive ``d`` with
    ``L diag(d) L.T = A + E``, where ``E`` is a non-negative diagonal matrix
    that is zero when ``A`` is sufficiently positive definite.

    Returns ``L, d, e`` (``e`` is the diagonal of ``E``).
    """
    A = np.asarray(A, dtype=float)
    n = A.shape[0]
    gamma = np.max(np.abs(np.diag(A))) if n else 0.0
    off = np.abs(A - np.diag(np.diag(A)))
    xi = np.max(off) if n > 1 else 0.0
    nu = max(1.0, np.sqrt(n * n - 1.0))
    beta2 = max(gamma, xi / nu, EPS)
    delta = EPS * max(gamma + xi, 1.0)
    L = np.eye(n)
    d = np.zeros(n)
    e = np.zeros(n)
    for j in range(n):
        # column j of the reduced matrix
        cjj = A[j, j] - np.sum(d[:j] * L[j, :j] ** 2)
        if j + 1 < n:
            cij = A[j + 1:, j] - L[j + 1:, :j] @ (d[:j] * L[j, :j])
            theta = np.max(np.abs(cij))
        else:
            cij = np.zeros(0)
            theta = 0.0
        dj = max(abs(cjj), theta * theta / beta2, delta)
        d[j] = dj
        e[j] = dj - cjj
        if j + 1 < n:
            L[j + 1:, j] = cij / dj
    return L, d, e


def solve_ldl(L, d, b):
    """Solve ``L diag(d) L.T x = b`` for unit lower-triangular ``L``."""
    y = sla.solve_triangular(L, b, lower=True, unit_diagonal=True)
    return sla.solve_triangular(L.T, y / d, lower=False, unit_diagonal=True)


def eig_modify(H, mode="abs", rel_floor=1e-8):
    """Eigenvalue modification of a symmetric matrix.

    ``mode="clip"`` replaces eigenvalues below ``delta`` by ``delta``;
    ``mode="abs"`` uses ``max(|lambda|, delta)``.  ``delta`` is
    ``rel_floor * max(1, max|lambda|)``.

    Returns ``w_mod, V, w`` with ``V diag(w_mod) V.T`` the modified matrix
    and ``w`` the original eigenvalues.
    """
    w, V = np.linalg.eigh(H)
    delta = rel_floor * max(1.0, np.max(np.abs(w)))
    if mode == "clip":
        wm = np.maximum(w, delta)
    elif mode == "abs":
        wm = np.maximum(np.abs(w), delta)
    else:
        raise ValueError(f"unknown eigenvalue modification {mode!r}")
    return wm, V, w
