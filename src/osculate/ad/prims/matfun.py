"""Primitives for :mod:`scipy.linalg`: triangular solves, the LU factorization,
the matrix exponential, banded and Toeplitz systems (the matrix equations are
in :mod:`.equations`).

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

``solve_banded``, ``solveh_banded``
    ``A x = b`` with ``A`` in SciPy's band storage (``ab[u + i - j, j] =
    A[i, j]``; for ``solveh_banded`` one triangle of a Hermitian positive
    definite ``A``), SciPy's values.  Tangent ``dx = A⁻¹ (db - dA x)``, with
    ``dA x`` a product computed from the band (:func:`band_matmul`, gathers
    and sums, O(n · w)); adjoint ``Λ = A⁻ᵀ x̄`` with the transposed band
    (:func:`band_transpose`: ``l`` and ``u`` swapped, rows shifted) or, for a
    Hermitian ``A``, ``conj(A⁻¹ conj(x̄))``, then ``b̄ = Λ`` and ``āb = -`` the
    band part of ``Λ xᵀ`` (:func:`band_outer`).  Nothing n × n is formed.

``cholesky_banded``, ``cho_solve_banded``
    SciPy's banded Cholesky factor and the solve with it.  The factor's
    tangent (real input) solves ``Uᵀ dU + dUᵀ U = dA`` on the band: ordered
    column by column, the band entries of ``dU`` solve a lower triangular
    banded system with ``u²`` subdiagonals whose entries are entries of
    ``U`` (:func:`_cholesky_tangent_system`), solved with ``solve_banded``;
    the lower form goes through transposed bands, and the unused corner of
    the band (which SciPy returns untouched) passes its tangent through.
    ``cho_solve_banded`` differentiates ``A = Uᴴ U`` (``L Lᴴ``) from the band.
    Their adjoints transpose these linear maps by a reverse pass
    (:func:`transposed_tangent`, :func:`linear_adjoint`).

``solve_toeplitz``
    SciPy's Levinson–Durbin solve of ``T x = b`` (first column ``c``, first
    row ``r``).  Tangent ``dx = T⁻¹ (db - dT x)`` with ``dT x`` from
    :func:`toeplitz_matmul` (an FFT product of the circulant embedding);
    adjoint ``Λ = T⁻ᵀ x̄``, the Toeplitz solve with first column
    ``[c₀, r₁, …]`` and first row ``c``, and ``(c̄, r̄)`` by transposing
    ``(dc, dr) -> -dT x``.  Memory O(n).

The banded, Toeplitz and equation primitives take Taylor rules from their
jvp rules (:func:`osculate.ad.taylor_trace.jvp_rule`) where no recurrence is
written, cast their inputs to one dtype (complex when any is) before calling
SciPy, and solve stacks one member at a time (one call for a single band
with stacked right-hand sides).

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

import functools

import numpy as np
import scipy.linalg as _sla

from .. import sparsity
from ..batching import expand_batched
from ..core import Primitive, zero
from ..reverse import vjp as _vjp
from ..series import coeff_sub, coeff_sum, full
from ..taylor_trace import jvp_rule
from ..util import zeros_like
from . import fft as _fft
from .arithmetic import add_tangents, where
from .complex_parts import conj, is_complex, real
from .linalg import matmul, mH, mT
from .nondiff import nondiff
from .structural import broadcast_to, concatenate, flip, getitem, reshape, shape_of, sum_, unbroadcast

__all__ = ["solve_triangular", "lu", "lu_pivots", "lu_permute", "expm", "expm_frechet", "solve_banded",
           "solveh_banded", "cholesky_banded", "cho_solve_banded", "solve_toeplitz", "toeplitz_matmul",
           "band_matmul", "band_transpose"]


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


# --------------------------------------------------------------------------- helpers of the solvers below and of .equations


def common_dtype(*xs):
    """The arrays as one floating-point dtype (float32 stays float32), complex for
    all when any is complex (SciPy 1.17's solve_sylvester mixes them up)."""
    xs = [np.asarray(x) for x in xs]
    dt = np.result_type(*[x.dtype for x in xs], np.float32)
    return [x.astype(dt, copy=False) for x in xs]


def over_stacks(fn, cores, *xs):
    """``fn`` on every member of stacks: ``xs[i]`` has ``cores[i]`` trailing
    core axes and their leading axes broadcast; the results restacked."""
    lead = tuple(np.broadcast_shapes(*(x.shape[: x.ndim - c] for x, c in zip(xs, cores))))
    if not lead:
        return fn(*xs)
    xs = [np.broadcast_to(x, lead + x.shape[x.ndim - c:]) for x, c in zip(xs, cores)]
    members = list(np.ndindex(*lead))
    if not members:  # an empty stack: one member's result shape, from zeros
        one = fn(*[np.zeros(x.shape[len(lead):], x.dtype) for x in xs])
        return np.zeros(lead + one.shape, one.dtype)
    outs = [fn(*[x[i] for x in xs]) for i in members]
    return np.stack(outs).reshape(lead + outs[0].shape)


def stack_batch(prim, cores):
    """The batch rule of a primitive over stacks whose inputs have ``cores``
    core axes: batched values get unit axes after the batch axis so that all
    have as many leading axes, then the primitive again."""

    def rule(vals, batched, size, **params):
        lead = max(len(shape_of(v)) - c - (1 if b else 0) for v, b, c in zip(vals, batched, cores))
        vals = [expand_batched(v, lead + c) if b else v for v, b, c in zip(vals, batched, cores)]
        return prim.bind(*vals, **params)

    return rule


def linear_adjoint(f, likes, ct):
    """The adjoint of the linear map ``f`` (written with primitives) applied to
    ``ct``: one reverse pass, at zeros shaped like ``likes``.  A complex
    ``ct`` of a real-valued map pairs through its real part."""
    out, pullback = _vjp(f, *[zeros_like(x) for x in likes])
    if is_complex(ct) and not is_complex(out):
        ct = real(ct)
    return pullback(ct)


def transposed_tangent(tangent):
    """A vjp rule from a ``tangent(out, primals, tangents, **params)`` rule
    (linear in the tangents, written with primitives): the adjoint of the
    tangent map by one reverse pass over it."""

    def rule(ct, out, primals, wants, **params):
        primals = tuple(primals)
        idx = [i for i, w in enumerate(wants) if w]

        def tangent_map(*ts):
            tangents = [zero] * len(primals)
            for i, t in zip(idx, ts):
                tangents[i] = t
            return tangent(out, primals, tangents, **params)

        res = [None] * len(primals)
        for i, c in zip(idx, linear_adjoint(tangent_map, [primals[i] for i in idx], ct)):
            res[i] = c
        return tuple(res)

    return rule


def jvp_from_tangent(prim, tangent):
    """The jvp rule of ``prim`` from ``tangent(out, primals, tangents, **params)``."""

    def rule(primals, tangents, **params):
        out = prim.bind(*primals, **params)
        if all(t is zero for t in tangents):
            return out, zero
        return out, tangent(out, primals, tangents, **params)

    return rule


# --------------------------------------------------------------------------- band storage
#
# SciPy's band storage of an n × n matrix A with l sub- and u superdiagonals:
# ab[u + i - j, j] = A[i, j], an (l + u + 1) × n array.  The helpers below are
# gathers (linear, differentiable) with index arrays of the band's size, so
# nothing n × n is ever formed.


def _gather(x, idx):
    """The entries of the band ``x`` ``(..., w, n)`` at the flat indices ``idx``
    (over its last two axes), zero where ``idx`` is -1."""
    s = shape_of(x)
    lead, size = s[:-2], s[-2] * s[-1]
    flat = concatenate([reshape(x, lead + (size,)), np.zeros(lead + (1,), dtype=x.dtype)], axis=len(lead))
    return getitem(flat, (Ellipsis, np.where(idx < 0, size, idx)))


def _rows(x, idx):
    """Rows ``idx`` of ``x`` ``(..., n, k)``: ``(..., *idx.shape, k)``, zero rows where ``idx`` is -1."""
    s = shape_of(x)
    lead, n = s[:-2], s[-2]
    padded = concatenate([x, np.zeros(lead + (1, s[-1]), dtype=x.dtype)], axis=len(lead))
    return getitem(padded, (Ellipsis, np.where(idx < 0, n, idx), slice(None)))


@functools.lru_cache(maxsize=64)
def _band_indices(l, u, n):
    """Index arrays of the band (l, u) of an n × n matrix, each ``(w, n)``, -1
    outside the matrix: ``shifted[r, i] = i + u - r`` (the column ``j`` whose
    band row ``r`` holds ``A[i, j]``) and ``coeff`` the flat band index of that
    entry; ``down[r, j] = j + r - u`` (the row ``i`` of band entry ``(r, j)``);
    ``transposed`` the flat band indices of the band ``(u, l)`` of ``Aᵀ``
    (``abT[r', j] = ab[w - 1 - r', j + r' - l]``)."""
    w = l + u + 1
    r = np.arange(w)[:, None]
    j = np.arange(n)[None, :]
    shifted = np.where((j + u - r >= 0) & (j + u - r < n), j + u - r, -1)
    coeff = np.where(shifted >= 0, r * n + shifted, -1)
    down = np.where((j + r - u >= 0) & (j + r - u < n), j + r - u, -1)
    transposed = np.where((j + r - l >= 0) & (j + r - l < n), (w - 1 - r) * n + j + r - l, -1)
    for a in (shifted, coeff, down, transposed):
        a.setflags(write=False)
    return shifted, coeff, down, transposed


def band_transpose(ab, l, u):
    """The band storage ``(u, l)`` of ``Aᵀ`` from that of ``A`` (``(l, u)``)."""
    return _gather(ab, _band_indices(l, u, shape_of(ab)[-1])[3])


def band_matmul(ab, x, l, u):
    """``A @ x`` for ``A`` in band storage ``ab`` ``(..., w, n)``, ``x`` ``(..., n, k)``:
    ``Σ_r ab[r, i + u - r] x[i + u - r]``, O(n · w · k)."""
    shifted, coeff, _, _ = _band_indices(l, u, shape_of(ab)[-1])
    coeffs = _gather(ab, coeff)
    return sum_(reshape(coeffs, shape_of(coeffs) + (1,)) * _rows(x, shifted), -3, False)


def band_outer(y, x, l, u):
    """The band ``(l, u)`` part of ``y @ xᵀ`` (``y``, ``x`` ``(..., n, k)``): entry
    ``(r, j)`` is ``Σ_k y[j + r - u, k] x[j, k]`` (the adjoint of :func:`band_matmul` in ``ab``)."""
    down = _band_indices(l, u, shape_of(y)[-2])[2]
    sx = shape_of(x)
    return sum_(_rows(y, down) * reshape(x, sx[:-2] + (1,) + sx[-2:]), -1, False)


@functools.lru_cache(maxsize=64)
def _mirror_indices(k, n, lower):
    """Flat band indices of the mirrored triangle of a Hermitian band with ``k``
    off-diagonals: for the upper form, rows ``1..k`` of the lower part of the
    full band (``G[k + ρ, j] = conj(ab[k - ρ, j + ρ])``), for the lower form,
    rows ``0..k-1`` of the upper part (``G[ρ, j] = conj(ab[k - ρ, j - k + ρ])``)."""
    j = np.arange(n)[None, :]
    if lower:
        rho = np.arange(k)[:, None]
        col = j - k + rho
        idx = np.where(col >= 0, (k - rho) * n + col, -1)
    else:
        rho = np.arange(1, k + 1)[:, None]
        col = j + rho
        idx = np.where(col < n, (k - rho) * n + col, -1)
    idx.setflags(write=False)
    return idx


def _hermitian_band(ab, lower):
    """The full band ``(k, k)`` of the Hermitian matrix whose upper (else
    ``lower``) triangle is stored in ``ab`` ``(..., k + 1, n)``, with the real
    part of its diagonal, as :func:`scipy.linalg.solveh_banded` reads it."""
    s = shape_of(ab)
    k, n = s[-2] - 1, s[-1]
    d = slice(0, 1) if lower else slice(k, k + 1)
    diag = real(getitem(ab, (Ellipsis, d, slice(None))))
    if is_complex(ab):
        diag = diag * (1.0 + 0j)
    if not k:
        return diag
    mirror = conj(_gather(ab, _mirror_indices(k, n, lower)))
    if lower:
        return concatenate([mirror, diag, getitem(ab, (Ellipsis, slice(1, None), slice(None)))], axis=-2)
    return concatenate([getitem(ab, (Ellipsis, slice(0, k), slice(None))), diag, mirror], axis=-2)


def _columns_solve(solve_one, ab, b):
    """``solve_one(ab, b)`` over stacks; with a single band, every leading axis
    of ``b`` is folded into its columns (one LAPACK call)."""
    if ab.ndim == 2:
        n, k = b.shape[-2:]
        lead = b.shape[:-2]
        cols = np.moveaxis(b, -2, 0).reshape(n, -1)
        x = solve_one(ab, cols)
        return np.moveaxis(x.reshape((n,) + lead + (k,)), 0, -2)
    return over_stacks(solve_one, (2, 2), ab, b)


# --------------------------------------------------------------------------- solve_banded


def _solve_banded_impl(ab, b, l, u):
    ab, b = common_dtype(ab, b)
    return _columns_solve(lambda m, c: _sla.solve_banded((l, u), m, c, check_finite=False), ab, b)


solve_banded_p = Primitive("solve_banded", _solve_banded_impl)
solve_banded_p.def_rule("batch", stack_batch(solve_banded_p, (2, 2)))
solve_banded_p.def_rule("sparsity", sparsity.dense_rule)
solve_banded_p.def_rule("residuals", lambda wants: ((True, False), True))  # the vjp reads ab and x


def solve_banded(ab, b, l, u):
    """``x`` with ``A x = b``, ``A`` in band storage ``ab`` ``(..., l + u + 1, n)``, ``b`` ``(..., n, k)``."""
    return solve_banded_p.bind(ab, b, l=int(l), u=int(u))


@solve_banded_p.def_jvp
def _solve_banded_jvp(primals, tangents, l, u):
    ab, b = primals
    tab, tb = tangents
    x = solve_banded_p.bind(ab, b, l=l, u=u)
    rhs = add_tangents(tb, zero if tab is zero else -band_matmul(tab, x, l, u))
    return x, (zero if rhs is zero else solve_banded_p.bind(ab, rhs, l=l, u=u))


@solve_banded_p.def_vjp
def _solve_banded_vjp(ct, x, primals, wants, l, u):
    ab, b = primals
    lam = solve_banded_p.bind(band_transpose(ab, l, u), ct, l=u, u=l)  # A⁻ᵀ ct
    gab = None
    if wants[0]:
        gab = -band_outer(lam, x, l, u)
        gab = unbroadcast(real(gab) if is_complex(gab) and not is_complex(ab) else gab, shape_of(ab))
    return gab, (unbroadcast(lam, shape_of(b)) if wants[1] else None)


@solve_banded_p.def_rule("taylor")
def _solve_banded_taylor(primals, series, order, l, u):
    ab, b = primals
    x0 = solve_banded_p.bind(ab, b, l=l, u=u)
    A, B = full(ab, series[0]), full(b, series[1])
    X = [x0]
    for k in range(1, order + 1):  # X_k = A₀⁻¹ (B_k - Σ_{j≥1} A_j X_{k-j})
        rhs = coeff_sub(B[k], coeff_sum(band_matmul(A[j], X[k - j], l, u)
                                        for j in range(1, k + 1) if A[j] is not zero and X[k - j] is not zero))
        X.append(zero if rhs is zero else solve_banded_p.bind(ab, rhs, l=l, u=u))
    return x0, X[1:]


# --------------------------------------------------------------------------- solveh_banded


def _solveh_banded_impl(ab, b, lower):
    ab, b = common_dtype(ab, b)
    return _columns_solve(lambda m, c: _sla.solveh_banded(m, c, lower=lower, check_finite=False), ab, b)


solveh_banded_p = Primitive("solveh_banded", _solveh_banded_impl)
solveh_banded_p.def_rule("batch", stack_batch(solveh_banded_p, (2, 2)))
solveh_banded_p.def_rule("sparsity", sparsity.dense_rule)
solveh_banded_p.def_rule("residuals", lambda wants: ((True, False), True))


def _positive_definite_band(values, traced, lower, **_):
    """Global sparsity detection's stand-in for a traced band ``ab``: its
    diagonal row raised to ``2k + 1`` (the other entries are in [0.25, 0.75]),
    so the Hermitian band it stores is diagonally dominant, positive definite."""
    ab = values[0]
    if not traced[0]:
        return values
    ab = np.array(ab, copy=True)
    ab[..., 0 if lower else -1, :] = 2.0 * ab.shape[-2] - 1.0
    return [ab] + list(values[1:])


solveh_banded_p.def_rule("stand_in", _positive_definite_band)


def solveh_banded(ab, b, lower=False):
    """``x`` with ``A x = b`` for the Hermitian positive definite ``A`` whose
    upper (``lower``) triangle is stored in ``ab`` ``(..., k + 1, n)``; ``b`` ``(..., n, m)``."""
    return solveh_banded_p.bind(ab, b, lower=bool(lower))


def _hermitian_matmul(tab, x, lower):
    k = shape_of(tab)[-2] - 1
    return band_matmul(_hermitian_band(tab, lower), x, k, k)


@solveh_banded_p.def_jvp
def _solveh_banded_jvp(primals, tangents, lower):
    ab, b = primals
    tab, tb = tangents
    x = solveh_banded_p.bind(ab, b, lower=lower)
    rhs = add_tangents(tb, zero if tab is zero else -_hermitian_matmul(tab, x, lower))
    return x, (zero if rhs is zero else solveh_banded_p.bind(ab, rhs, lower=lower))


@solveh_banded_p.def_vjp
def _solveh_banded_vjp(ct, x, primals, wants, lower):
    ab, b = primals
    lam = conj(solveh_banded_p.bind(ab, conj(ct), lower=lower))  # A⁻ᵀ ct = conj(A⁻¹ conj(ct)): A is Hermitian
    gab = None
    if wants[0]:
        k = shape_of(ab)[-2] - 1
        g = -band_outer(lam, x, k, k)  # the cotangent of the full band, then through its construction
        gab = unbroadcast(linear_adjoint(lambda t: _hermitian_band(t, lower), [ab], g)[0], shape_of(ab))
    return gab, (unbroadcast(lam, shape_of(b)) if wants[1] else None)


solveh_banded_p.def_rule("taylor", jvp_rule(solveh_banded_p))


# --------------------------------------------------------------------------- cholesky_banded, cho_solve_banded


def _cholesky_banded_impl(ab, lower):
    (ab,) = common_dtype(ab)
    return over_stacks(lambda m: _sla.cholesky_banded(m, lower=lower, check_finite=False), (2,), ab)


cholesky_banded_p = Primitive("cholesky_banded", _cholesky_banded_impl)
cholesky_banded_p.def_rule("batch", stack_batch(cholesky_banded_p, (2,)))
cholesky_banded_p.def_rule("sparsity", sparsity.dense_rule)
cholesky_banded_p.def_rule("stand_in", _positive_definite_band)


def cholesky_banded(ab, lower=False):
    """SciPy's banded Cholesky factor (``U`` with ``Uᴴ U = A`` in upper band
    storage, or ``L`` with ``L Lᴴ = A`` in lower storage)."""
    return cholesky_banded_p.bind(ab, lower=bool(lower))


@functools.lru_cache(maxsize=16)
def _cholesky_tangent_system(u, n):
    """The linear system of the tangent of an upper banded Cholesky factor.

    Unknowns and equations are the band entries ``(i, j)``, ``j - u ≤ i ≤ j``,
    in the order ``p = j (u + 1) + (u + i - j)`` (column by column; entries
    with ``i < 0`` are placeholders solving ``z = 0``).  Equation ``(i, j)`` of
    ``Uᵀ dU + dUᵀ U = dA`` is ``Σ_{k=j-u}^{i} (U[k, i] dU[k, j] + U[k, j] dU[k, i])
    = dA[i, j]``: lower triangular with ``u²`` (at least ``u``) subdiagonals in
    this order.  Returns ``(src, coef, const, lower_bw, valid)``: the band of
    the system, in :func:`solve_banded`'s storage ``(lower_bw, 0)``, is
    ``coef · U.flat[src] + const`` (``src`` -1: no entry), and ``valid`` masks
    the band entries inside the matrix."""
    w = u + 1
    N = n * w
    lbw = max(u * u, u)
    src = np.full((lbw + 1, N), -1, dtype=np.intp)
    coef = np.zeros((lbw + 1, N))
    const = np.zeros((lbw + 1, N))
    j = np.arange(n)
    for r in range(w):  # equation row i = j - u + r
        i = j - u + r
        p = j * w + r
        ok_i = i >= 0
        const[0, p[~ok_i]] = 1.0  # a placeholder: z_p = 0
        for t in range(r + 1):  # k = j - u + t, from j - u to i
            k = j - u + t
            ok = ok_i & (k >= 0)
            # U[k, i] dU[k, j]: the unknown (k, j) at j w + t, U[k, i] at band (u + k - i, i)
            q2 = j * w + t
            s2 = (u + t - r) * n + i
            c2 = 2.0 if r == u else 1.0  # i = j: the two terms are one
            src[p[ok] - q2[ok], q2[ok]] = s2[ok]
            coef[p[ok] - q2[ok], q2[ok]] = c2
            if r == u:
                continue
            # U[k, j] dU[k, i]: the unknown (k, i) at i w + (u + t - r), U[k, j] at band (t, j)
            q1 = i * w + (u + t - r)
            s1 = t * n + j
            src[p[ok] - q1[ok], q1[ok]] = s1[ok]
            coef[p[ok] - q1[ok], q1[ok]] = 1.0
    valid = (np.arange(w)[:, None] - u + j[None, :]) >= 0
    for a in (src, coef, const, valid):
        a.setflags(write=False)
    return src, coef, const, lbw, valid


def _upper_cholesky_tangent(cb, tab):
    """``dU`` (upper band storage) from ``U`` and ``dA`` (upper band storage, real)."""
    s = shape_of(cb)
    lead, w, n = s[:-2], s[-2], s[-1]
    src, coef, const, lbw, valid = _cholesky_tangent_system(w - 1, n)
    system = _gather(cb, src) * coef + const
    rhs = reshape(mT(where(valid, tab, 0.0)), lead + (n * w, 1))
    z = solve_banded_p.bind(system, rhs, l=lbw, u=0)
    return where(valid, mT(reshape(z, lead + (n, w))), 0.0)


def _cholesky_banded_tangent(cb, primals, tangents, lower):
    (ab,), (tab,) = primals, tangents
    if is_complex(ab) or is_complex(tab):
        raise NotImplementedError("osculate.scipy.linalg.cholesky_banded: derivatives of a complex (Hermitian) "
                                  "banded Cholesky factor are not supported; the real symmetric case is")
    w, n = shape_of(ab)[-2:]
    k = w - 1
    if not lower:
        du = _upper_cholesky_tangent(cb, tab)
        outside = np.arange(w)[:, None] + np.arange(n)[None, :] < k  # the unused corner: SciPy leaves ab there
    else:  # L = Uᵀ: through the transposed bands
        du = band_transpose(_upper_cholesky_tangent(band_transpose(cb, k, 0), band_transpose(tab, k, 0)), 0, k)
        outside = np.arange(w)[:, None] + np.arange(n)[None, :] >= n
    return where(outside, tab, du) if outside.any() else du


cholesky_banded_p.def_jvp(jvp_from_tangent(cholesky_banded_p, _cholesky_banded_tangent))
cholesky_banded_p.def_vjp(transposed_tangent(_cholesky_banded_tangent))
cholesky_banded_p.def_rule("taylor", jvp_rule(cholesky_banded_p))


def _cho_solve_banded_impl(cb, b, lower):
    cb, b = common_dtype(cb, b)
    return _columns_solve(lambda m, c: _sla.cho_solve_banded((m, lower), c, check_finite=False), cb, b)


cho_solve_banded_p = Primitive("cho_solve_banded", _cho_solve_banded_impl)
cho_solve_banded_p.def_rule("batch", stack_batch(cho_solve_banded_p, (2, 2)))
cho_solve_banded_p.def_rule("sparsity", sparsity.dense_rule)
cho_solve_banded_p.def_rule("residuals", lambda wants: ((True, False), True))


def cho_solve_banded(cb, b, lower=False):
    """``x`` with ``A x = b`` given the banded Cholesky factor ``cb`` of ``A``."""
    return cho_solve_banded_p.bind(cb, b, lower=bool(lower))


def _factor_product(tcb, cb, x, lower):
    """``dA x`` for ``A = Uᴴ U`` (``L Lᴴ``), ``dA = dUᴴ U + Uᴴ dU``, from the factor ``cb`` and its tangent ``tcb``."""
    k = shape_of(cb)[-2] - 1
    if lower:  # U = Lᴴ: its upper band is the conjugate of L's transposed band
        cb, tcb = conj(band_transpose(cb, k, 0)), conj(band_transpose(tcb, k, 0))
    ux, dux = band_matmul(cb, x, 0, k), band_matmul(tcb, x, 0, k)
    return (band_matmul(conj(band_transpose(tcb, 0, k)), ux, k, 0)
            + band_matmul(conj(band_transpose(cb, 0, k)), dux, k, 0))


@cho_solve_banded_p.def_jvp
def _cho_solve_banded_jvp(primals, tangents, lower):
    cb, b = primals
    tcb, tb = tangents
    x = cho_solve_banded_p.bind(cb, b, lower=lower)
    rhs = add_tangents(tb, zero if tcb is zero else -_factor_product(tcb, cb, x, lower))
    return x, (zero if rhs is zero else cho_solve_banded_p.bind(cb, rhs, lower=lower))


@cho_solve_banded_p.def_vjp
def _cho_solve_banded_vjp(ct, x, primals, wants, lower):
    cb, b = primals
    lam = conj(cho_solve_banded_p.bind(cb, conj(ct), lower=lower))  # A is Hermitian
    gcb = None
    if wants[0]:
        gcb = unbroadcast(linear_adjoint(lambda t: -_factor_product(t, cb, x, lower), [cb], lam)[0], shape_of(cb))
    return gcb, (unbroadcast(lam, shape_of(b)) if wants[1] else None)


cho_solve_banded_p.def_rule("taylor", jvp_rule(cho_solve_banded_p))


# --------------------------------------------------------------------------- Toeplitz


def toeplitz_matmul(c, r, x):
    """``T @ x`` for the Toeplitz ``T`` with first column ``c`` ``(..., n)`` and
    first row ``r`` ``(..., m)`` (``r[0]`` not read), ``x`` ``(..., m, k)``: the
    product with the circulant embedding of size ``n + m - 1``, through the FFT
    (O((n + m) log(n + m)) per column, linear in each argument)."""
    n, m = shape_of(c)[-1], shape_of(r)[-1]
    size = n + m - 1
    v = concatenate([c, flip(getitem(r, (Ellipsis, slice(1, None))), -1)], axis=-1) if m > 1 else c
    cplx = is_complex(v) or is_complex(x)
    fwd, back = (_fft.fft_p, _fft.ifft_p) if cplx else (_fft.rfft_p, _fft.irfft_p)
    sv = fwd.bind(v, s=(size,), axes=(-1,), norm="backward")
    sx = fwd.bind(x, s=(size,), axes=(-2,), norm="backward")
    y = back.bind(reshape(sv, shape_of(sv) + (1,)) * sx, s=(size,), axes=(-2,), norm="backward")
    return getitem(y, (Ellipsis, slice(0, n), slice(None)))


def _solve_toeplitz_impl(c, r, b):
    c, r, b = common_dtype(c, r, b)
    return over_stacks(lambda cc, rr, bb: _sla.solve_toeplitz((cc, rr), bb, check_finite=False), (1, 1, 2), c, r, b)


solve_toeplitz_p = Primitive("solve_toeplitz", _solve_toeplitz_impl)
solve_toeplitz_p.def_rule("batch", stack_batch(solve_toeplitz_p, (1, 1, 2)))
solve_toeplitz_p.def_rule("sparsity", sparsity.dense_rule)
solve_toeplitz_p.def_rule("residuals", lambda wants: ((True, True, False), True))


def solve_toeplitz(c, r, b):
    """``x`` with ``T x = b`` (Levinson–Durbin, SciPy's), ``T`` Toeplitz with
    first column ``c`` and first row ``r`` ``(..., n)``, ``b`` ``(..., n, k)``."""
    return solve_toeplitz_p.bind(c, r, b)


def _toeplitz_part(tc, tr, c, r):
    return (zeros_like(c) if tc is zero else tc), (zeros_like(r) if tr is zero else tr)


@solve_toeplitz_p.def_jvp
def _solve_toeplitz_jvp(primals, tangents):
    c, r, b = primals
    tc, tr, tb = tangents
    x = solve_toeplitz_p.bind(c, r, b)
    rhs = tb
    if tc is not zero or tr is not zero:
        rhs = add_tangents(rhs, -toeplitz_matmul(*_toeplitz_part(tc, tr, c, r), x))
    return x, (zero if rhs is zero else solve_toeplitz_p.bind(c, r, rhs))


@solve_toeplitz_p.def_vjp
def _solve_toeplitz_vjp(ct, x, primals, wants):
    c, r, b = primals
    # Tᵀ: first column [c₀, r₁, r₂, ...], first row c
    lam = solve_toeplitz_p.bind(concatenate([getitem(c, (Ellipsis, slice(0, 1))),
                                             getitem(r, (Ellipsis, slice(1, None)))], axis=-1), c, ct)
    gc = gr = None
    if wants[0] or wants[1]:
        gc, gr = linear_adjoint(lambda tc, tr: -toeplitz_matmul(tc, tr, x), [c, r], lam)
        gc = unbroadcast(gc, shape_of(c)) if wants[0] else None
        gr = unbroadcast(gr, shape_of(r)) if wants[1] else None
    return gc, gr, (unbroadcast(lam, shape_of(b)) if wants[2] else None)


solve_toeplitz_p.def_rule("taylor", jvp_rule(solve_toeplitz_p))
