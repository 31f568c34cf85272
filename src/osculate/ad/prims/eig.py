"""The eigendecomposition of a general (non-symmetric) square matrix:
``eig(a) -> (w, v)`` with ``a v = v diag(w)``, always complex (the
eigenvalues of a real matrix may be complex; NumPy returns a real dtype when
they all happen to be real, osculate keeps one dtype so that the derivative
does not depend on the values).

With ``X = v⁻¹ da v`` and ``F_ij = 1 / (w_j − w_i)`` off the diagonal:

* ``dw = diag(X)``, exact for distinct eigenvalues;
* ``dv = v (F ∘ X)`` then, as NumPy normalises each eigenvector to unit
  length, ``dv_i − v_i Re(v_iᴴ dv_i)``.  An eigenvector's phase is whatever
  LAPACK returned; the derivative keeps that phase fixed to first order
  (``Im(v_iᴴ dv_i)`` is not zero in general), so use functions of the
  eigenvectors that do not depend on their phase (``|v|``, projections).

Repeated eigenvalues make ``F`` infinite: the derivative does not exist
there (NaN or inf propagate).  The vjp is the transpose of the jvp under the
pairing ``Re(sum(c * t))``; Taylor mode runs the jvp (written with
primitives) in Taylor mode.

``schur(a, output, sort)`` is SciPy's Schur decomposition ``a = Z T Zᴴ``
(one LAPACK call per matrix on the values).  Its jvp keeps ``T`` triangular
and ``Z`` unitary: ``Ω = Zᴴ dZ`` is skew with a zero diagonal (the phases of
complex Schur vectors stay LAPACK's) and its strictly lower part solves a
triangular Sylvester-type system, one triangular solve per column with
pivots ``T_jj − T_ii``: distinct eigenvalues are needed (repeated ones give
inf or nan).  A real form with 2x2 blocks (complex eigenvalues) is refused by
the primitive.  The vjp is the adjoint of that map (the same solves,
conjugate transposed, right to left); Taylor mode runs the jvp.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as _sla

from ..core import zero
from ..series import coeff_add
from ..util import zeros_like
from .arithmetic import where
from .complex_parts import conj, real
from .decompositions import _dense_kernel
from .linalg import _eig_gap_inverse, einsum, matmul, mH, mT, solve
from .matfun import solve_triangular
from .structural import concatenate, reshape, shape_of

__all__ = ["eig", "schur"]


def _eig_impl(a):
    w, v = np.linalg.eig(a)
    dtype = np.result_type(w.dtype, np.complex64)
    return w.astype(dtype), v.astype(dtype)


eig_p = _dense_kernel("eig", _eig_impl, multiple_results=True)


def eig(a):
    """Eigenvalues and right eigenvectors (unit columns) of a square matrix, complex."""
    return eig_p.bind(a)


def _row(s):
    return reshape(s, shape_of(s)[:-1] + (1, shape_of(s)[-1]))


@eig_p.def_jvp
def _eig_jvp(primals, tangents):
    a = primals[0]
    w, v = eig_p.bind(a)
    t = tangents[0]
    if t is zero:
        return (w, v), (zero, zero)
    x = solve(v, matmul(t, v))
    dw = einsum("...ii->...i", x)
    dv = matmul(v, _eig_gap_inverse(w) * x)
    dv = dv - v * _row(real(einsum("...mi,...mi->...i", conj(v), dv)))
    return (w, v), (dw, dv)


@eig_p.def_vjp
def _eig_vjp(cts, outs, primals, wants):
    w, v = outs
    cw, cv = cts
    n = shape_of(w)[-1]
    gx = 0.0
    if cw is not zero:
        gx = _row(cw) * np.eye(n)
    if cv is not zero:
        cv = cv - conj(v) * _row(real(einsum("...mi,...mi->...i", v, cv)))
        gx = gx + _eig_gap_inverse(w) * matmul(mT(v), cv)
    # X = v⁻¹ da v: the cotangent of da is v⁻ᵀ gx vᵀ
    return (solve(mT(v), matmul(gx, mT(v))),)


# --------------------------------------------------------------------------- schur
#
# ``a = Z T Zᴴ`` with ``Z`` unitary and ``T`` upper triangular (SciPy's
# ``schur``).  With ``Ω = Zᴴ dZ`` (skew-Hermitian) and ``C = Zᴴ da Z``,
# differentiating gives ``dT = C − (Ω T − T Ω)``; ``dT`` upper triangular
# fixes the strictly lower part ``L`` of ``Ω`` through
# ``lower(L T − T L) = lower(C)``, one triangular solve per column of ``L``
# (column ``j`` with ``T_jj I − T[j+1:, j+1:]``: singular where two
# eigenvalues are equal).  ``Ω = L − Lᴴ``: its diagonal (the phases of
# complex Schur vectors, free) is held at 0.


def _schur_one(m, output, sort):
    res = _sla.schur(m, output=output, sort=sort)
    t, z = res[0], res[1]
    if t.dtype.kind == "f" and t.shape[0] > 1 and np.any(np.diagonal(t, -1) != 0):
        raise ValueError("schur: the real Schur form of this matrix has 2x2 blocks (complex eigenvalues), which "
                         "osculate does not differentiate; use output='complex'")
    return t, z


def _schur_impl(a, output, sort):
    a = np.asarray(a)
    lead = a.shape[:-2]
    if not lead:
        return _schur_one(a, output, sort)
    pairs = [_schur_one(a[i], output, sort) for i in np.ndindex(*lead)]
    if not pairs:
        t, z = _schur_one(np.eye(a.shape[-1], dtype=a.dtype), output, sort)
        return np.zeros(lead + t.shape, t.dtype), np.zeros(lead + z.shape, z.dtype)
    return tuple(np.stack([p[k] for p in pairs]).reshape(lead + pairs[0][k].shape) for k in (0, 1))


schur_p = _dense_kernel("schur", _schur_impl, multiple_results=True)


def schur(a, output="real", sort=None):
    """``(t, z)`` of SciPy's ``schur(a, output, sort)`` on every matrix of a stack
    ``(..., n, n)``: ``a = z t zᴴ``, ``t`` upper triangular.  Derivatives need
    distinct eigenvalues (repeated ones make them inf or nan) and, for
    ``output='real'``, real eigenvalues (no 2x2 blocks: refused)."""
    return schur_p.bind(a, output=output, sort=sort)


def _lower_part(x):
    n = shape_of(x)[-1]
    return where(np.tri(n, n, -1, dtype=bool), x, 0.0)


def _shifted_block(t, j):
    """``T_jj I − T[j+1:, j+1:]`` (upper triangular)."""
    n = shape_of(t)[-1]
    return t[..., j:j + 1, j:j + 1] * np.eye(n - j - 1) - t[..., j + 1:, j + 1:]


def _column(t, j, part):
    """``part`` (..., n-j-1) placed below the diagonal of column ``j``, as (..., n, 1)."""
    lead = shape_of(t)[:-2]
    pad = zeros_like(t[..., :j + 1, :1])
    return concatenate([pad, reshape(part, lead + (shape_of(part)[-1], 1))], axis=-2)


def _schur_lower_solve(t, c):
    """The strictly lower ``L`` with ``lower(L T − T L) = lower(c)``: columns
    from the left, each a triangular solve with ``T_jj I − T₂₂``."""
    n = shape_of(t)[-1]
    cols = []
    for j in range(n - 1):
        rhs = c[..., j + 1:, j:j + 1]
        if j:
            rhs = rhs - matmul(concatenate(cols, axis=-1)[..., j + 1:, :], t[..., :j, j:j + 1])
        cols.append(_column(t, j, solve_triangular(_shifted_block(t, j), rhs)[..., 0]))
    cols.append(zeros_like(t[..., :, :1]))
    return concatenate(cols, axis=-1)


def _schur_lower_solve_adjoint(t, b):
    """The adjoint of :func:`_schur_lower_solve` (Hermitian pairing): the strictly
    lower ``Y`` with ``lower(Y Tᴴ − Tᴴ Y) = lower(b)``, columns from the right,
    each a solve with ``(T_jj I − T₂₂)ᴴ``."""
    n = shape_of(t)[-1]
    cols = [zeros_like(t[..., :, :1])]
    for j in range(n - 2, -1, -1):
        rhs = b[..., j + 1:, j:j + 1]
        if j < n - 2:
            right = concatenate(cols[::-1][:-1], axis=-1)  # columns j+1 .. n-2 (the last is 0)
            rhs = rhs - matmul(right[..., j + 1:, :], mT(conj(t[..., j:j + 1, j + 1:n - 1])))
        cols.append(_column(t, j, solve_triangular(_shifted_block(t, j), rhs, trans=2)[..., 0]))
    return concatenate(cols[::-1], axis=-1)


def _upper_part(x):
    n = shape_of(x)[-1]
    return where(np.tri(n, n, -1, dtype=bool), 0.0, x)


@schur_p.def_jvp
def _schur_jvp(primals, tangents, output, sort):
    t, z = outs = schur_p.bind(primals[0], output=output, sort=sort)
    da = tangents[0]
    if da is zero:
        return outs, (zero, zero)
    c = matmul(mH(z), matmul(da, z))
    low = _schur_lower_solve(t, c)
    omega = low - mH(low)
    dt = _upper_part(c - matmul(omega, t) + matmul(t, omega))
    return outs, (dt, matmul(z, omega))


@schur_p.def_vjp
def _schur_vjp(cts, outs, primals, wants, output, sort):
    # conj ∘ (the adjoint under the Hermitian pairing) ∘ conj, as for svd and qr
    gt, gz = (c if c is zero else conj(c) for c in cts)
    t, z = outs
    cbar = zero
    wbar = zero
    if gt is not zero:
        cbar = _upper_part(gt)
        wbar = matmul(mH(t), cbar) - matmul(cbar, mH(t))
    if gz is not zero:
        wbar = coeff_add(wbar, matmul(mH(z), gz))
    if wbar is not zero:
        cbar = coeff_add(cbar, _schur_lower_solve_adjoint(t, _lower_part(wbar - mH(wbar))))
    if cbar is zero:
        return (zeros_like(primals[0]),)
    return (conj(matmul(z, matmul(cbar, mH(z)))),)
