"""Matrix decompositions: ``svd``, ``qr``, ``pinv`` and the sign alignment of
``eigh(a, UPLO='U')``.

Each is one primitive with all its rules.  The jvps are written with
primitives (matmul, solve, where...) and with the decomposition itself, so
differentiating them again gives second and higher derivatives by
composition.  Their vjps are the exact adjoints of those tangent maps.  The
Taylor rule of each is the generic one built from its jvp (the output's
derivative series is the jvp evaluated on the input's series, one order
lower, then integrated): any order, ``O(K³)`` in the order ``K``.  NumPy's
kernels accept stacks of matrices, so the batch rule is the primitive
itself; every output entry may depend on every input entry (dense sparsity).

Where a derivative does not exist, the rules follow fixed conventions
instead of producing inf or nan:

* **svd**, with ``s`` the singular values: ``Uᵀ dU`` and ``Vᵀ dV`` are the
  symmetric part of ``Uᵀ dA V`` over ``s_j − s_i`` plus or minus its
  antisymmetric part over ``s_j + s_i``.  For (numerically) equal singular
  values the first quotient is set to 0 (the singular vectors are not
  differentiable there: that part of ``dA`` would split the pair), for a
  (numerically) zero one ``1/s`` is 0, and the second quotient is kept, so
  ``U Vᵀ`` and with it the nuclear norm's gradient have their exact
  derivative at repeated nonzero singular values.  With ``full_matrices=True``
  the columns of ``U`` (rows of ``Vᴴ``) beyond ``min(m, n)`` span a fixed
  subspace but are not unique: they move only as much as they must to stay
  orthogonal to the others (``U⊥ᵀ dU⊥ = 0``); only functions of their span
  (``U⊥ U⊥ᵀ``) have a derivative that does not depend on that choice.
* **qr** needs the leading ``min(m, n)`` columns of ``a`` to be linearly
  independent (``R``'s leading square block invertible); the complete ``Q``
  of a tall matrix follows the same convention as the extra columns of the
  svd.
* **complex matrices**: the formulas above hold with conjugate transposes
  (``Uᴴ dA V``, ``A = U S Vᴴ``, ``A = Q R``).  The singular values stay real
  (``ds = Re diag(Uᴴ dA V)``); a singular vector pair's common phase is
  LAPACK's, and its derivative puts the phase change on ``U``
  (``diag(Uᴴ dU) = i Im diag(Uᴴ dA V) / s``, ``diag(Vᴴ dV) = 0``), so ``U``
  and ``Vh`` one by one follow that convention while functions invariant
  to the phases (``s``, ``U Vh``, ``|U|``, projections ``U Uᴴ``...) have
  exact derivatives.  ``R``'s diagonal is real, as LAPACK returns it, and
  stays real along every derivative (the phase of ``Q``'s columns is
  fixed by it, so ``Q`` and ``R`` are differentiable one by one).  The vjps
  of the complex rules are ``conj ∘ (Hermitian adjoint) ∘ conj``: under
  osculate's pairing ``Re(sum(c * t))`` that is the adjoint, and the
  Hermitian adjoint is the real one with conjugate transposes.
* **pinv** uses the derivative of the pseudo-inverse at constant rank
  (Golub and Pereyra's formula), exact wherever the rank (after NumPy's
  cutoff) does not change; where it can change, ``pinv`` is discontinuous
  and that formula is the derivative along perturbations that keep the rank.
"""

from __future__ import annotations

import numpy as np

from .. import sparsity
from ..core import Primitive, zero
from ..series import coeff_add
from ..taylor_trace import jvp_rule
from ..util import zeros_like
from .arithmetic import where
from .complex_parts import conj, imag, is_complex, real
from .linalg import einsum, matmul, mH, mT, solve
from .nondiff import nondiff
from .structural import concatenate, reshape, shape_of

__all__ = ["svd", "qr", "pinv", "eigh_upper_signs"]


def _dense_kernel(name, impl, multiple_results=False):
    """A stacked-matrix kernel: batched by itself, dense index sets, and a
    Taylor rule from its jvp."""
    p = Primitive(name, impl, multiple_results)
    p.def_rule("batch", lambda vals, batched, size, **params: p.bind(*vals, **params))
    p.def_rule("sparsity", sparsity.dense_rule)
    p.def_rule("taylor", jvp_rule(p))
    return p


# --------------------------------------------------------------------------- helpers


def _diag(m):
    return einsum("...ii->...i", m)


def _row(s):
    """``s`` (..., k) as a row (..., 1, k): ``M * _row(s)`` is ``M @ diag(s)``."""
    return reshape(s, shape_of(s)[:-1] + (1, shape_of(s)[-1]))


def _col(s):
    """``s`` (..., k) as a column (..., k, 1): ``_col(s) * M`` is ``diag(s) @ M``."""
    return reshape(s, shape_of(s) + (1,))


def _tril(x, k):
    n, m = shape_of(x)[-2:]
    return where(np.tri(n, m, k, dtype=bool), x, 0.0)


def _safe_inverse(d, keep):
    """``1/d`` where ``keep``, else 0 (no inf, and no nan in any derivative)."""
    return where(keep, 1.0 / where(keep, d, 1.0), 0.0)


def _svd_conventions(s):
    """``1/(s_j − s_i)`` and ``1/(s_j + s_i)`` (together ``1/(s_j² − s_i²)``)
    and ``1/s``, each 0 where its denominator vanishes (the diagonal, equal
    singular values, zero ones), thresholded relative to the largest
    singular value."""
    k = shape_of(s)[-1]
    tol = (k * np.finfo(float).eps) * s[..., :1]  # NumPy's singular values are sorted, largest first
    sinv = _safe_inverse(s, s > tol)
    diff = _row(s) - _col(s)
    total = _row(s) + _col(s)
    off = ~np.eye(k, dtype=bool)
    return _safe_inverse(diff, off & (abs(diff) > _col(tol))), _safe_inverse(total, off & (total > _col(tol))), sinv


def _rotations(p, fm, fp):
    """``Uᴴ dU`` and ``Vᴴ dV`` for ``p = Uᴴ dA V``: the Hermitian part of ``p``
    over ``s_j − s_i`` (it would split equal singular values) plus or minus
    the skew-Hermitian part over ``s_j + s_i``."""
    sym = 0.5 * fm * (p + mH(p))
    skew = 0.5 * fp * (p - mH(p))
    return sym + skew, sym - skew


def _phase_diagonal(p, sinv):
    """``i Im(p_ii) / s_i`` on the diagonal: the part of ``Uᴴ dU`` that turns
    the phases of the singular vectors (put on ``U``, ``Vᴴ dV`` keeps a zero
    diagonal)."""
    n = shape_of(p)[-1]
    return (1j * _row(imag(_diag(p)) * sinv)) * np.eye(n)


# --------------------------------------------------------------------------- svd

svd_p = _dense_kernel("svd", lambda a, full_matrices: tuple(np.linalg.svd(a, full_matrices=full_matrices)),
                      multiple_results=True)


def svd(a, full_matrices=True):
    """``(u, s, vh)`` with ``a = u[..., :k] * s @ vh[..., :k, :]``, ``k = min(m, n)``
    (NumPy's ``svd(a, full_matrices)``); see the module docstring for the
    conventions where the derivative does not exist."""
    if len(shape_of(a)) < 2:
        raise ValueError(f"svd: a must have at least two dimensions, got shape {shape_of(a)}")
    return svd_p.bind(a, full_matrices=bool(full_matrices))


def _svd_parts(u, s, vh):
    k = shape_of(s)[-1]
    return u[..., :, :k], mH(vh[..., :k, :])


@svd_p.def_jvp
def _svd_jvp(primals, tangents, full_matrices):
    a = primals[0]
    u, s, vh = outs = svd_p.bind(a, full_matrices=full_matrices)
    t = tangents[0]
    if t is zero:
        return outs, (zero, zero, zero)
    m, n = shape_of(a)[-2:]
    k = min(m, n)
    u1, v1 = _svd_parts(u, s, vh)
    fm, fp, sinv = _svd_conventions(s)
    tv = matmul(t, v1)
    p = matmul(mH(u1), tv)  # Uᴴ dA V
    ds = real(_diag(p))
    ru, rv = _rotations(p, fm, fp)
    if is_complex(p):
        ru = ru + _phase_diagonal(p, sinv)
    du = matmul(u1, ru)
    dv = matmul(v1, rv)
    if m > k:  # the part of dA V outside the column space of U
        du = du + (tv - matmul(u1, p)) * _row(sinv)
    if n > k:
        du_t = matmul(mH(t), u1)
        dv = dv + (du_t - matmul(v1, mH(p))) * _row(sinv)
    if full_matrices and m > k:
        u2 = u[..., :, k:]
        du = concatenate([du, -matmul(u1, _col(sinv) * mH(matmul(mH(u2), tv)))], axis=-1)
    if full_matrices and n > k:
        v2 = mH(vh[..., k:, :])
        dv = concatenate([dv, -matmul(v1, _col(sinv) * matmul(mH(u1), matmul(t, v2)))], axis=-1)
    return outs, (du, ds, mH(dv))


@svd_p.def_vjp
def _svd_vjp(cts, outs, primals, wants, full_matrices):
    # For complex matrices: the adjoint under Re(sum(c * t)) of a map is conj ∘ (its adjoint under the
    # Hermitian pairing Re(sum(conj(c) t))) ∘ conj, and the Hermitian adjoint is the real one with every
    # transpose a conjugate transpose; conj and mH are the identity and mT on real values.
    gu, gs, gvh = (c if c is zero else conj(c) for c in cts)
    u, s, vh = outs
    m, n = shape_of(u)[-2], shape_of(vh)[-1]
    k = min(m, n)
    u1, v1 = _svd_parts(u, s, vh)
    fm, fp, sinv = _svd_conventions(s)
    pbar = zero if gs is zero else _row(real(gs)) * np.eye(k)
    extra = zero  # cotangent terms of dA that are not of the form U P Vᴴ
    if gu is not zero:
        gu1 = gu[..., :, :k]
        g = matmul(mH(u1), gu1)
        pbar = coeff_add(pbar, (0.5 * (fm + fp)) * (g - mH(g)))
        if is_complex(g):
            pbar = coeff_add(pbar, _phase_diagonal(g, sinv))
        if m > k:
            e = gu1 * _row(sinv)
            pbar = coeff_add(pbar, -matmul(mH(u1), e))
            extra = coeff_add(extra, matmul(e, mH(v1)))
        if full_matrices and m > k:
            u2 = u[..., :, k:]
            zbar = -mH(_col(sinv) * matmul(mH(u1), gu[..., :, k:]))
            extra = coeff_add(extra, matmul(matmul(u2, zbar), mH(v1)))
    if gvh is not zero:
        gv = mH(gvh)
        gv1 = gv[..., :, :k]
        h = matmul(mH(v1), gv1)
        pbar = coeff_add(pbar, (0.5 * (fm - fp)) * (h - mH(h)))
        if n > k:
            e = gv1 * _row(sinv)
            pbar = coeff_add(pbar, -matmul(mH(e), v1))
            extra = coeff_add(extra, matmul(u1, mH(e)))
        if full_matrices and n > k:
            v2 = mH(vh[..., k:, :])
            wbar = -(_col(sinv) * matmul(mH(v1), gv[..., :, k:]))
            extra = coeff_add(extra, matmul(matmul(u1, wbar), mH(v2)))
    ga = zero if pbar is zero else matmul(matmul(u1, pbar), mH(v1))
    if extra is not zero:
        ga = extra if ga is zero else ga + extra
    return (zeros_like(primals[0]) if ga is zero else conj(ga),)


# --------------------------------------------------------------------------- qr

qr_p = _dense_kernel("qr", lambda a, complete: tuple(np.linalg.qr(a, mode="complete" if complete else "reduced")),
                     multiple_results=True)


def qr(a, complete=False):
    """``(q, r)`` of NumPy's ``qr(a, mode='complete' if complete else 'reduced')``;
    differentiable where the leading ``min(m, n)`` columns of ``a`` are
    linearly independent (see the module docstring for the complete ``q``)."""
    if len(shape_of(a)) < 2:
        raise ValueError(f"qr: a must have at least two dimensions, got shape {shape_of(a)}")
    return qr_p.bind(a, complete=bool(complete))


def _right_solve(x, r):
    """``x @ inv(r)``."""
    return mT(solve(mT(r), mT(x)))


def _qr_core(q, r):
    """The pieces of the tangent map shared by the jvp and its adjoint."""
    m, n = shape_of(q)[-2], shape_of(r)[-1]
    k = min(m, n)
    return m, n, k, q[..., :, :k], r[..., :k, :k]


def _real_diagonal_part(c, d):
    """``d`` with ``i Im(c_ii)`` taken off its diagonal (nothing for real ``c``)."""
    if not is_complex(c):
        return d
    n = shape_of(c)[-1]
    return d - (1j * _row(imag(_diag(c)))) * np.eye(n)


@qr_p.def_jvp
def _qr_jvp(primals, tangents, complete):
    a = primals[0]
    q, r = outs = qr_p.bind(a, complete=complete)
    t = tangents[0]
    if t is zero:
        return outs, (zero, zero)
    m, n, k, q1, r1 = _qr_core(q, r)
    x = _right_solve(t[..., :, :k], r1)  # dA₁ R₁⁻¹
    c = matmul(mH(q1), x)  # Q₁ᴴ dQ₁ (skew-Hermitian) + dR₁ R₁⁻¹ (upper triangular, real diagonal)
    low = _tril(c, -1)
    d = _real_diagonal_part(c, c - low + mH(low))  # dR₁ R₁⁻¹
    dr = matmul(d, r1)
    dq = x - matmul(q1, d)
    if n > k:  # the columns beyond the leading square block
        dr = concatenate([dr, matmul(mH(q1), t[..., :, k:] - matmul(dq, r[..., :k, k:]))], axis=-1)
    if complete and m > k:
        q2 = q[..., :, k:]
        dq = concatenate([dq, -matmul(q1, matmul(mH(x), q2))], axis=-1)
        dr = concatenate([dr, zeros_like(r[..., k:, :])], axis=-2)
    return outs, (dq, dr)


@qr_p.def_vjp
def _qr_vjp(cts, outs, primals, wants, complete):
    # complex matrices: conj ∘ (the Hermitian adjoint, the real one with conjugate transposes) ∘ conj, as for svd
    gq, gr = (c if c is zero else conj(c) for c in cts)
    q, r = outs
    m, n, k, q1, r1 = _qr_core(q, r)
    xbar = zero
    dbar = zero
    gq1 = zero if gq is zero else gq[..., :, :k]
    gy = zero
    if gr is not zero and n > k:
        gr2 = gr[..., :k, k:]
        gy = matmul(q1, gr2)
        gq1 = coeff_add(gq1, -matmul(gy, mH(r[..., :k, k:])))
    if gq is not zero and complete and m > k:
        xbar = -matmul(matmul(q[..., :, k:], mH(gq[..., :, k:])), q1)
    if gq1 is not zero:
        xbar = coeff_add(xbar, gq1)
        dbar = -matmul(mH(q1), gq1)
    if gr is not zero:
        dbar = coeff_add(dbar, matmul(gr[..., :k, :k], mH(r1)))
    if dbar is not zero:
        cbar = _real_diagonal_part(dbar, dbar - _tril(dbar, -1) + _tril(mH(dbar), -1))
        xbar = coeff_add(xbar, matmul(q1, cbar))
    gx = zeros_like(r1 if m == k else q1) if xbar is zero else mH(solve(r1, mH(xbar)))  # X̄ R₁⁻ᴴ
    if n > k:
        gx = concatenate([gx, zeros_like(primals[0][..., :, k:]) if gy is zero else gy], axis=-1)
    return (conj(gx),)


# --------------------------------------------------------------------------- pinv

pinv_p = _dense_kernel("pinv", lambda a, rcond, hermitian: np.linalg.pinv(a, rcond=rcond, hermitian=hermitian))


def pinv(a, rcond, hermitian=False):
    """NumPy's ``pinv(a, rcond=rcond, hermitian=hermitian)`` (a float ``rcond``);
    the derivative is that at constant rank."""
    if len(shape_of(a)) < 2:
        raise ValueError(f"pinv: a must have at least two dimensions, got shape {shape_of(a)}")
    return pinv_p.bind(a, rcond=float(rcond), hermitian=bool(hermitian))


def _pinv_tangent(t, a, x):
    """``dX = −X dA X + X Xᴴ dAᴴ (I − A X) + (I − X A) dAᴴ Xᴴ X``."""
    tt = mH(t)
    first = -matmul(matmul(x, t), x)
    second = matmul(matmul(x, mH(x)), tt - matmul(matmul(tt, a), x))
    third = matmul(tt - matmul(x, matmul(a, tt)), matmul(mH(x), x))
    return first + second + third


@pinv_p.def_jvp
def _pinv_jvp(primals, tangents, rcond, hermitian):
    a = primals[0]
    x = pinv_p.bind(a, rcond=rcond, hermitian=hermitian)
    t = tangents[0]
    return x, (zero if t is zero else _pinv_tangent(t, a, x))


@pinv_p.def_vjp
def _pinv_vjp(ct, x, primals, wants, rcond, hermitian):
    # complex matrices: conj ∘ (the Hermitian adjoint, the real one with conjugate transposes) ∘ conj, as for svd
    a = primals[0]
    ct = conj(ct)
    gt = mH(ct)
    xt = mH(x)
    first = -matmul(matmul(xt, ct), xt)
    left = matmul(gt, matmul(x, xt))  # Gᴴ X Xᴴ, then (I − A X) from the left
    second = left - matmul(a, matmul(x, left))
    right = matmul(matmul(xt, x), gt)  # Xᴴ X Gᴴ, then (I − X A) from the right
    third = right - matmul(matmul(right, x), a)
    return (conj(first + second + third),)


# --------------------------------------------------------------------------- eigh(a, UPLO='U')


def _upper_signs(a):
    """±1 per eigenvector: NumPy's ``eigh(a, 'U')`` vectors over those of
    ``eigh(aᵀ, 'L')`` (the same symmetric matrix, possibly other signs); for
    a complex ``a`` the unit phases of ``eigh(a, 'U')``'s vectors over those
    of ``eigh(aᴴ, 'L')``."""
    vu = np.linalg.eigh(a, UPLO="U")[1]
    if np.iscomplexobj(a):
        vl = np.linalg.eigh(np.conj(np.swapaxes(a, -1, -2)), UPLO="L")[1]
        ph = np.sum(np.conj(vl) * vu, axis=-2)
        return ph / np.abs(ph)
    vl = np.linalg.eigh(np.swapaxes(a, -1, -2), UPLO="L")[1]
    return np.where(np.sum(vu * vl, axis=-2) < 0, -1.0, 1.0)


# piecewise constant: the signs LAPACK picks, the same for nearby matrices
eigh_upper_signs_p = nondiff("eigh_upper_signs", _upper_signs,
                             batch=lambda vals, batched, size: eigh_upper_signs_p.bind(*vals))


def eigh_upper_signs(a):
    """The signs (phases, complex ``a``) that turn the eigenvectors of ``eigh(aᵀ)``
    (``eigh(aᴴ)``) into NumPy's ``eigh(a, UPLO='U')``'s."""
    return eigh_upper_signs_p.bind(a)
