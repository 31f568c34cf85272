"""Primitives for :mod:`scipy.linalg`: triangular solves, the LU factorization
and the matrix exponential.

``solve_triangular``
    ``op(T) x = b`` with ``T`` one triangle of ``a`` (its diagonal replaced by
    ones when ``unit=True``) and ``op`` the identity (``trans=0``), the
    transpose (``1``) or the conjugate transpose (``2``, the transpose for a
    real ``a``).  The
    rules differentiate exactly that function: entries of ``a`` outside the
    triangle it reads have no effect.  Tangents and Taylor coefficients are
    further triangular solves with the same matrix (never its inverse):
    ``dx = op(T)⁻¹ (db - op(dT) x)``.

``lu``
    SciPy's packed LU factor with partial pivoting, ``Q a = L U`` (``Q`` a
    permutation, ``L`` unit lower triangular, ``U`` upper triangular, both
    stored in one matrix ``lu``).  ``Q`` is piecewise constant, and with it
    fixed the tangent of ``lu`` follows from ``F = L⁻¹ Q da U⁻¹ = L⁻¹dL +
    dU U⁻¹``, whose strict lower part is ``L⁻¹dL`` and whose upper part is
    ``dU U⁻¹``.  Its companions: ``lu_pivots`` (LAPACK's pivot indices of the
    same factorization, piecewise constant) and ``lu_permute`` (``Q x`` or
    ``Qᵀ x`` from the pivots: linear in ``x``).

``expm``
    The matrix exponential.  Its tangent is the Fréchet derivative
    ``L(A, E)``, the top-right block of ``expm([[A, E], [0, A]])`` (written with
    ``expm`` itself, so it can be differentiated again); its cotangent is
    ``L(Aᵀ, G)``; its Taylor coefficients are the first block row of the
    exponential of the block Toeplitz matrix of the input series (truncated
    power series of matrices form an algebra, and that matrix represents it).

Complex matrices: ``lu`` and ``expm`` are holomorphic, and their rules hold
as written under osculate's pairing ``Re(sum(c * t))`` (the adjoint of
``t -> X t Y`` is ``c -> Xᵀ c Yᵀ``, no conjugation; ``L(Aᵀ, G)`` stays the
cotangent of ``expm``); ``solve_triangular`` with the conjugate transpose
is antilinear in ``a``, and its adjoint conjugates accordingly.

Every kernel here accepts stacks of matrices (SciPy's functions broadcast
leading axes), so the batch rules bind the primitive again with the batch
axis as one more stack axis; their sparsity is dense.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as _sla

from .. import sparsity
from ..batching import expand_batched
from ..core import Primitive, zero
from ..series import coeff_sub, coeff_sum, full
from .arithmetic import add_tangents, where
from .complex_parts import conj, is_complex
from .linalg import matmul, mH, mT
from .nondiff import nondiff
from .structural import broadcast_to, concatenate, getitem, shape_of, unbroadcast

__all__ = ["solve_triangular", "lu", "lu_pivots", "lu_permute", "expm", "expm_frechet"]


def _stack_batch(p):
    """The batch rule of a stacking kernel: bring every batched value to the
    same per-member rank (unit axes after the batch axis), so that NumPy's
    right-aligned broadcasting of the leading axes pairs members correctly."""

    def rule(vals, batched, size, **params):
        nd = max(len(shape_of(v)) - (1 if b else 0) for v, b in zip(vals, batched))
        vals = [expand_batched(v, nd) if b else v for v, b in zip(vals, batched)]
        return p.bind(*vals, **params)

    return rule


def _mask(n, lower, strict):
    """Boolean mask of one triangle of an n x n matrix."""
    if lower:
        return np.tri(n, n, -1 if strict else 0, dtype=bool)
    return ~np.tri(n, n, 0 if strict else -1, dtype=bool)


def _triangle(x, lower, strict):
    n = shape_of(x)[-1]
    return where(_mask(n, lower, strict), x, 0.0)


# --------------------------------------------------------------------------- solve_triangular


def _solve_triangular_impl(a, b, lower, trans, unit):
    return _sla.solve_triangular(a, b, trans=int(trans), lower=lower, unit_diagonal=unit, check_finite=False)


solve_triangular_p = Primitive("solve_triangular", _solve_triangular_impl)
solve_triangular_p.def_rule("batch", _stack_batch(solve_triangular_p))
solve_triangular_p.def_rule("sparsity", sparsity.dense_rule)


def _trans_mode(trans, a):
    """0 (``T``), 1 (``Tᵀ``) or 2 (``Tᴴ``; 1 for a real ``a``, where they agree); a bool is 0 or 1."""
    mode = int(trans)
    if mode not in (0, 1, 2):
        raise ValueError(f"solve_triangular: trans must be 0, 1 or 2, got {trans!r}")
    return 1 if mode == 2 and not is_complex(a) else mode


def solve_triangular(a, b, lower=False, trans=0, unit=False):
    """``x`` with ``op(T) x = b``: ``a`` is ``(..., n, n)``, ``b`` is ``(..., n, k)``;
    ``trans`` 0 (or False), 1 (or True) or 2 (the conjugate transpose)."""
    return solve_triangular_p.bind(a, b, lower=bool(lower), trans=_trans_mode(trans, a), unit=bool(unit))


def _op_tri(t, lower, trans, unit):
    """``op(dT)``: the part of ``t`` the solve reads, (conjugate) transposed as ``trans`` says."""
    part = _triangle(t, lower, unit)
    return part if not trans else mH(part) if trans == 2 else mT(part)


@solve_triangular_p.def_jvp
def _solve_triangular_jvp(primals, tangents, lower, trans, unit):
    a, b = primals
    ta, tb = tangents
    x = solve_triangular_p.bind(a, b, lower=lower, trans=trans, unit=unit)
    rhs = add_tangents(tb, zero if ta is zero else -matmul(_op_tri(ta, lower, trans, unit), x))
    if rhs is zero:
        return x, zero
    return x, solve_triangular_p.bind(a, rhs, lower=lower, trans=trans, unit=unit)


@solve_triangular_p.def_vjp
def _solve_triangular_vjp(ct, x, primals, wants, lower, trans, unit):
    a, b = primals
    if trans == 2:  # op(T)⁻ᵀ = conj(T)⁻¹
        g = conj(solve_triangular_p.bind(a, conj(ct), lower=lower, trans=0, unit=unit))
    else:
        g = solve_triangular_p.bind(a, ct, lower=lower, trans=int(not trans), unit=unit)  # op(T)⁻ᵀ ct
    ga = gb = None
    if wants[0]:
        outer = matmul(x, mT(g)) if trans else matmul(g, mT(x))
        if trans == 2:  # op(dT) = conj(dT)ᵀ: the pairing conjugates
            outer = conj(outer)
        ga = unbroadcast(-_triangle(outer, lower, unit), shape_of(a))
    if wants[1]:
        gb = unbroadcast(g, shape_of(b))
    return ga, gb


@solve_triangular_p.def_rule("taylor")
def _solve_triangular_taylor(primals, series, order, lower, trans, unit):
    a, b = primals
    x0 = solve_triangular_p.bind(a, b, lower=lower, trans=trans, unit=unit)
    A, B = full(a, series[0]), full(b, series[1])
    X = [x0]
    for k in range(1, order + 1):  # X_k = op(T₀)⁻¹ (B_k - Σ_{j≥1} op(T_j) X_{k-j})
        rhs = coeff_sub(B[k], coeff_sum(matmul(_op_tri(A[j], lower, trans, unit), X[k - j])
                                        for j in range(1, k + 1) if A[j] is not zero and X[k - j] is not zero))
        X.append(zero if rhs is zero else solve_triangular_p.bind(a, rhs, lower=lower, trans=trans, unit=unit))
    return x0, X[1:]


# --------------------------------------------------------------------------- lu


def _perm_of_pivots(piv):
    """Row order ``perm`` (``a[perm] = L U``) from LAPACK's sequential row swaps."""
    perm = np.arange(piv.shape[-1])
    for i, j in enumerate(piv):
        perm[[i, j]] = perm[[j, i]]
    return perm


def _each(fn, lead, *xs):
    """``fn`` on every member of stacks whose leading axes broadcast to ``lead``,
    restacked (``fn`` returns one array)."""
    outs = [fn(*[x[i] for x in xs]) for i in np.ndindex(*lead)]
    return np.stack(outs).reshape(lead + outs[0].shape) if outs else np.zeros(lead)


def _inexact(a):
    """``a`` as a floating-point (float64 at least) or complex array."""
    a = np.asarray(a)
    return a.astype(np.result_type(a.dtype, float), copy=False)


def _lu_impl(a):
    a = _inexact(a)
    if a.ndim == 2:
        return _sla.lu_factor(a, check_finite=False)[0]
    return _each(lambda m: _sla.lu_factor(m, check_finite=False)[0], a.shape[:-2], a)


def _pivots_impl(a):
    a = _inexact(a)
    if a.ndim == 2:
        return _sla.lu_factor(a, check_finite=False)[1]
    return _each(lambda m: _sla.lu_factor(m, check_finite=False)[1], a.shape[:-2], a)


lu_p = Primitive("lu", _lu_impl)
lu_p.def_rule("batch", lambda vals, batched, size: lu_p.bind(vals[0]))
lu_p.def_rule("sparsity", sparsity.dense_rule)

# the pivots of the same factorization: piecewise constant
lu_pivots_p = nondiff("lu_pivots", _pivots_impl, batch=lambda vals, batched, size: lu_pivots_p.bind(vals[0]))


def lu(a):
    """SciPy's packed ``lu`` factor of a square matrix (or stack)."""
    sa = shape_of(a)
    if len(sa) < 2 or sa[-1] != sa[-2]:
        raise ValueError(f"lu: expected a square matrix (..., n, n), got shape {sa}")
    return lu_p.bind(a)


def lu_pivots(a):
    """LAPACK's pivot indices (``int32``, as :func:`scipy.linalg.lu_factor`) of ``a``."""
    return lu_pivots_p.bind(a)


# --- applying the row permutation of the pivots: linear in x


def _permute_impl(piv, x, trans):
    piv, x = np.asarray(piv), np.asarray(x)
    lead = tuple(np.broadcast_shapes(piv.shape[:-1], x.shape[:-2]))
    piv = np.broadcast_to(piv, lead + piv.shape[-1:])
    x = np.broadcast_to(x, lead + x.shape[-2:])

    def one(p, m):
        perm = _perm_of_pivots(p)
        if not trans:
            return m[perm]  # q x
        out = np.empty_like(m)
        out[perm] = m  # qᵀ x
        return out

    return one(piv, x) if not lead else _each(one, lead, piv, x)


lu_permute_p = Primitive("lu_permute", _permute_impl)


def lu_permute(piv, x, trans=False):
    """``q x`` (``qᵀ x`` when ``trans``) for the permutation ``q`` of the pivots
    ``piv`` (``q a = L U``); ``x`` is ``(..., n, k)``."""
    return lu_permute_p.bind(piv, x, trans=bool(trans))


lu_permute_p.def_jvp(lambda primals, tangents, trans: (
    lu_permute_p.bind(*primals, trans=trans),
    zero if tangents[1] is zero else lu_permute_p.bind(primals[0], tangents[1], trans=trans)))
lu_permute_p.def_vjp(lambda ct, out, primals, wants, trans: (
    None, unbroadcast(lu_permute_p.bind(primals[0], ct, trans=not trans), shape_of(primals[1])) if wants[1] else None))
lu_permute_p.def_rule("residuals", lambda wants: ((True, False), False))
lu_permute_p.def_rule("taylor", lambda primals, series, order, trans: (
    lu_permute_p.bind(*primals, trans=trans),
    [zero if c is zero else lu_permute_p.bind(primals[0], c, trans=trans) for c in series[1]]))
lu_permute_p.def_rule("sparsity", sparsity.dense_rule)


@lu_permute_p.def_rule("batch")
def _lu_permute_batch(vals, batched, size, trans):
    (piv, x), (bp, bx) = vals, batched
    rp = len(shape_of(piv)) - 1 - (1 if bp else 0)  # leading (stack) axes per member
    rx = len(shape_of(x)) - 2 - (1 if bx else 0)
    r = max(rp, rx)
    if bp:
        piv = expand_batched(piv, r + 1)
    if bx:
        x = expand_batched(x, r + 2)
    return lu_permute_p.bind(piv, x, trans=trans)


# --- the rules of lu


def _lower_unit_solve(lu_, y, trans=False):
    return solve_triangular_p.bind(lu_, y, lower=True, trans=int(trans), unit=True)


def _right_upper_solve(y, lu_, trans=False):
    """``y U⁻¹`` (``y U⁻ᵀ`` when ``trans``), as a solve with the transpose."""
    return mT(solve_triangular_p.bind(lu_, mT(y), lower=False, trans=int(not trans), unit=False))


def _lu_tangent(lu_, f):
    """``L sl(F) + triu(F) U`` with L, U packed in ``lu_``."""
    slf = _triangle(f, True, True)
    return slf + matmul(_triangle(lu_, True, True), slf) + matmul(_triangle(f, False, False), _triangle(lu_, False, False))


@lu_p.def_jvp
def _lu_jvp(primals, tangents):
    (a,), (t,) = primals, tangents
    lu_ = lu_p.bind(a)
    if t is zero:
        return lu_, zero
    f = _right_upper_solve(_lower_unit_solve(lu_, lu_permute_p.bind(lu_pivots_p.bind(a), t, trans=False)), lu_)
    return lu_, _lu_tangent(lu_, f)


@lu_p.def_vjp
def _lu_vjp(c, lu_, primals, wants):
    # <c, L sl(F) + triu(F) U> = <G, F>,  G = sl(Lᵀ sl(c)) + triu(triu(c) Uᵀ)
    slc = _triangle(c, True, True)
    g = _triangle(slc + matmul(mT(_triangle(lu_, True, True)), slc), True, True)
    g = g + _triangle(matmul(_triangle(c, False, False), mT(_triangle(lu_, False, False))), False, False)
    # <G, L⁻¹ Q dA U⁻¹> = <Qᵀ L⁻ᵀ G U⁻ᵀ, dA>
    w = _right_upper_solve(_lower_unit_solve(lu_, g, trans=True), lu_, trans=True)
    return (lu_permute_p.bind(lu_pivots_p.bind(primals[0]), w, trans=True),)


@lu_p.def_rule("taylor")
def _lu_taylor(primals, series, order):
    a = primals[0]
    lu_ = lu_p.bind(a)
    piv = lu_pivots_p.bind(a)
    A = full(a, series[0])
    LU = [lu_]
    for k in range(1, order + 1):
        # Q A_k - Σ_{j=1}^{k-1} L_j U_{k-j} = L₀ U_k + L_k U₀: with R_k = L₀⁻¹ (that) U₀⁻¹,
        # L_k = L₀ sl(R_k) and U_k = triu(R_k) U₀, packed as one matrix
        rhs = zero if A[k] is zero else lu_permute_p.bind(piv, A[k], trans=False)
        rhs = coeff_sub(rhs, coeff_sum(matmul(_triangle(LU[j], True, True), _triangle(LU[k - j], False, False))
                                       for j in range(1, k) if LU[j] is not zero and LU[k - j] is not zero))
        if rhs is zero:
            LU.append(zero)
            continue
        LU.append(_lu_tangent(lu_, _right_upper_solve(_lower_unit_solve(lu_, rhs), lu_)))
    return lu_, LU[1:]


# --------------------------------------------------------------------------- expm

expm_p = Primitive("expm", lambda a: _sla.expm(_inexact(a)))
expm_p.def_rule("batch", lambda vals, batched, size: expm_p.bind(vals[0]))
expm_p.def_rule("sparsity", sparsity.dense_rule)


def expm(a):
    sa = shape_of(a)
    if len(sa) < 2 or sa[-1] != sa[-2]:
        raise ValueError(f"expm: expected a square matrix (..., n, n), got shape {sa}")
    return expm_p.bind(a)


def _block_upper(blocks, shape):
    """The block upper-triangular Toeplitz matrix with first block row ``blocks``
    (``zero`` for an absent block), each block of ``shape``."""
    m = len(blocks)
    z = np.zeros(shape)
    rows = []
    for r in range(m):
        row = [z] * r + [z if b is zero else b for b in blocks[: m - r]]
        rows.append(concatenate(row, axis=-1))
    return concatenate(rows, axis=-2)


def _first_block_row(big, n, m):
    return [getitem(big, (Ellipsis, slice(0, n), slice(k * n, (k + 1) * n))) for k in range(m)]


def expm_frechet(a, e):
    """``(expm(a), L(a, e))``: the exponential and its Fréchet derivative in the
    direction ``e``, from one exponential of ``[[a, e], [0, a]]``."""
    shape = tuple(np.broadcast_shapes(shape_of(a), shape_of(e)))
    a, e = broadcast_to(a, shape), broadcast_to(e, shape)
    ea, le = _first_block_row(expm_p.bind(_block_upper([a, e], shape)), shape[-1], 2)
    return ea, le


expm_p.def_jvp(lambda primals, tangents: (
    expm_p.bind(primals[0]),
    zero if tangents[0] is zero else expm_frechet(primals[0], tangents[0])[1]))


@expm_p.def_vjp
def _expm_vjp(ct, out, primals, wants):
    return (expm_frechet(mT(primals[0]), ct)[1],)


expm_p.def_rule("residuals", lambda wants: ((True,), False))  # the vjp reads a, not the output


@expm_p.def_rule("taylor")
def _expm_taylor(primals, series, order):
    a = primals[0]
    out = expm_p.bind(a)
    A = full(a, series[0])
    if all(c is zero for c in A[1:]):
        return out, [zero] * order
    coeffs = _first_block_row(expm_p.bind(_block_upper(A, shape_of(a))), shape_of(a)[-1], order + 1)
    return out, coeffs[1:]
