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
inf or nan).  Its vjp is the adjoint of that map (the same solves,
conjugate transposed, right to left).  A real form with 2x2 blocks (complex
eigenvalues) has the block structure as a parameter (read from the values by
``osculate.scipy.linalg.schur``; without it the primitive refuses blocks):
Sylvester solves per block column and one rotation per block that keeps the
block standardised (equal diagonal entries); its vjp is one reverse pass over
that tangent map.  Taylor mode runs the jvp.
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
from .equations import sylvester
from .matfun import linear_adjoint, solve_triangular
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
#
# A real Schur form with 2x2 blocks ``[[a, b], [c, a]]`` (LAPACK's
# standardised blocks, ``b c < 0``): ``dT`` must vanish below the blocks and
# keep each block's two diagonal entries equal.  Block column ``J`` of ``L``
# below its block solves the Sylvester equation
# ``X T_JJ − T₂₂ X = C[below, J] − L[below, :J] T[:J, J]`` and the rotation
# ``ω`` inside a 2x2 block (``Ω_JJ = [[0, −ω], [ω, 0]]``, which adds
# ``∓ω (b + c)`` to the block's diagonal) makes its diagonal entries equal:
# ``ω = (M₂₂ − M₁₁) / (2 (b + c))``.  Where ``b + c = 0`` the block is a
# multiple of a rotation, its Schur vectors are not unique and the
# derivative is inf or nan.  The block structure is a parameter (``blocks``:
# the first rows of the 2x2 blocks), read from SciPy's result on the values.


def _subdiagonal_starts(t):
    return tuple(int(i) for i in np.flatnonzero(np.diagonal(t, -1)))


def _schur_one(m, output, sort, blocks):
    res = _sla.schur(m, output=output, sort=sort)
    t, z = res[0], res[1]
    if t.dtype.kind == "f" and t.shape[0] > 1:
        found = _subdiagonal_starts(t)
        if blocks is None and found:
            raise ValueError("schur: the real Schur form of this matrix has 2x2 blocks (complex eigenvalues), which "
                             "osculate supports only outside jit and vmap (where their place is known); use "
                             "output='complex' there")
        if blocks is not None and found != blocks:
            raise ValueError(f"schur: the 2x2 blocks of the real Schur form start at rows {found}, not at {blocks} "
                             "as they did where this computation was traced")
    return t, z


def _schur_impl(a, output, sort, blocks):
    a = np.asarray(a)
    lead = a.shape[:-2]
    if not lead:
        return _schur_one(a, output, sort, blocks)
    pairs = [_schur_one(a[i], output, sort, blocks) for i in np.ndindex(*lead)]
    if not pairs:
        t, z = _schur_one(np.eye(a.shape[-1], dtype=a.dtype), output, sort, blocks)
        return np.zeros(lead + t.shape, t.dtype), np.zeros(lead + z.shape, z.dtype)
    return tuple(np.stack([p[k] for p in pairs]).reshape(lead + pairs[0][k].shape) for k in (0, 1))


schur_p = _dense_kernel("schur", _schur_impl, multiple_results=True)


def schur(a, output="real", sort=None, blocks=None):
    """``(t, z)`` of SciPy's ``schur(a, output, sort)`` on every matrix of a stack
    ``(..., n, n)``: ``a = z t zᴴ``, ``t`` upper triangular, or, for a real
    form, block triangular with 2x2 blocks starting at the rows ``blocks``
    (a tuple, the same for every matrix; ``None``: none expected, and 2x2
    blocks are refused).  Derivatives need distinct eigenvalues (repeated
    ones make them inf or nan)."""
    return schur_p.bind(a, output=output, sort=sort, blocks=None if blocks is None else tuple(blocks))


def _partition(n, blocks):
    """``[(start, size)]``: the diagonal blocks of a real Schur form."""
    starts, out, k = set(blocks or ()), [], 0
    while k < n:
        size = 2 if k in starts else 1
        out.append((k, size))
        k += size
    return out


def _schur_block_lower(t, c, blocks):
    """``L`` (strictly lower) for a real Schur form with 2x2 blocks: block
    columns from the left, a Sylvester solve below each block and the
    rotation ``ω`` inside each 2x2 block (see above)."""
    n = shape_of(t)[-1]
    lead = shape_of(t)[:-2]
    cols = []
    for k, size in _partition(n, blocks):
        end = k + size
        done = concatenate(cols, axis=-1) if cols else None
        below = zero
        if end < n:
            rhs = c[..., end:, k:end]
            if done is not None:
                rhs = rhs - matmul(done[..., end:, :], t[..., :k, k:end])
            below = sylvester(-t[..., end:, end:], t[..., k:end, k:end], rhs)
        inside = zeros_like(t[..., k:end, k:end])
        if size == 2:
            m = c[..., k:end, k:end]
            if done is not None:
                m = m - matmul(done[..., k:end, :], t[..., :k, k:end])
            if below is not zero:
                m = m + matmul(t[..., k:end, end:], below)
            b, cc = t[..., k, k + 1], t[..., k + 1, k]
            omega = (m[..., 1, 1] - m[..., 0, 0]) / (2.0 * (b + cc))
            inside = reshape(omega, lead + (1, 1)) * np.array([[0, 0], [1, 0]], dtype=np.finfo(t.dtype).dtype)
        parts = ([zeros_like(t[..., :k, k:end])] if k else []) + [inside] + ([below] if below is not zero else [])
        cols.append(concatenate(parts, axis=-2))
    return concatenate(cols, axis=-1)


def _block_lower_mask(n, blocks):
    """True strictly below the diagonal blocks (where ``dT`` vanishes)."""
    mask = np.tri(n, n, -1, dtype=bool)
    for k in blocks or ():
        mask[k + 1, k] = False
    return mask


def _schur_tangent(t, z, da, blocks):
    """``(dT, dZ)`` for the tangent ``da``."""
    c = matmul(mH(z), matmul(da, z))
    low = _schur_block_lower(t, c, blocks) if blocks else _schur_lower_solve(t, c)
    omega = low - mH(low)
    n = shape_of(t)[-1]
    dt = where(_block_lower_mask(n, blocks), 0.0, c - matmul(omega, t) + matmul(t, omega))
    return dt, matmul(z, omega)


def _lower_part(x):
    n = shape_of(x)[-1]
    return where(np.tri(n, n, -1, dtype=bool), x, 0.0)


def _shifted_block(t, j):
    """``T_jj I − T[j+1:, j+1:]`` (upper triangular)."""
    n = shape_of(t)[-1]
    return t[..., j:j + 1, j:j + 1] * np.eye(n - j - 1, dtype=np.finfo(t.dtype).dtype) - t[..., j + 1:, j + 1:]


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
def _schur_jvp(primals, tangents, output, sort, blocks):
    t, z = outs = schur_p.bind(primals[0], output=output, sort=sort, blocks=blocks)
    da = tangents[0]
    if da is zero:
        return outs, (zero, zero)
    return outs, _schur_tangent(t, z, da, blocks)


@schur_p.def_vjp
def _schur_vjp(cts, outs, primals, wants, output, sort, blocks):
    t, z = outs
    if blocks:  # the adjoint of the block tangent map: one reverse pass over it
        cts = tuple(zeros_like(o) if c is zero else c for c, o in zip(cts, outs))
        return linear_adjoint(lambda da: _schur_tangent(t, z, da, blocks), [primals[0]], cts)
    # conj ∘ (the adjoint under the Hermitian pairing) ∘ conj, as for svd and qr
    gt, gz = (c if c is zero else conj(c) for c in cts)
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
