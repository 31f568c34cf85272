"""Primitives for the matrix equations of :mod:`scipy.linalg`: Sylvester,
discrete Lyapunov (Stein) and the continuous and discrete algebraic Riccati
equations.  Each value is SciPy's own solve; each derivative comes from the
implicit function theorem and is another solve of the same kind, so every
order follows by composition.

``sylvester``
    ``X`` with ``A X + X B = Q``: SciPy's Bartels–Stewart solve (Schur forms
    of ``A`` and ``Bᴴ``, LAPACK's ``trsyl``; O(n³) time, O(n²) memory), the
    three inputs cast to one dtype first (SciPy 1.17 solves a complex ``A``
    with a real ``B`` wrongly).  ``trsyl`` perturbing a (near) common
    eigenvalue of ``A`` and ``-B`` raises ``LinAlgError`` (SciPy returns the
    perturbed answer).  Tangent: ``A dX + dX B = dQ - dA X - X dB``, the
    primitive again.  Adjoint, under osculate's pairing ``Re(sum(c * t))``
    (no conjugation): ``Λ`` with ``Aᵀ Λ + Λ Bᵀ = X̄``, then ``Q̄ = Λ``,
    ``Ā = -Λ Xᵀ``, ``B̄ = -Xᵀ Λ``.  Taylor coefficients solve
    ``A X_k + X_k B = Q_k - Σ_{j≥1} (A_j X_{k-j} + X_{k-j} B_j)``.

``discrete_lyapunov``
    ``X`` with ``X - A X Aᴴ = Q`` (:func:`scipy.linalg.solve_discrete_lyapunov`,
    its ``method``; a (near) singular equation raises ``LinAlgError``).
    Tangent: ``dX - A dX Aᴴ = dQ + dA X Aᴴ + A X dAᴴ``, the primitive again;
    adjoint: ``Λ`` solves the equation with ``Aᵀ`` (``Λ - Aᵀ Λ conj(A) =
    X̄``), ``Q̄ = Λ``, ``Ā = Λ conj(A) Xᵀ + conj(Λᵀ A X)``.

``continuous_are``, ``discrete_are``
    The stabilising solutions of ``Aᴴ X + X A - X B R⁻¹ Bᴴ X + Q = 0`` and
    ``Aᴴ X A - X - Aᴴ X B (R + Bᴴ X B)⁻¹ Bᴴ X A + Q = 0`` (SciPy's values,
    ``balanced`` passed on).  With the gain ``K`` (``R⁻¹ Bᴴ X``, resp.
    ``(R + Bᴴ X B)⁻¹ Bᴴ X A``) and the closed loop ``Ac = A - B K``, both
    equations are stationary in ``K``, so (``dF = dA - dB K``)
    ``Acᴴ dX + dX Ac = -(dFᴴ X + X dF + Kᴴ dR K + dQ)`` (a Lyapunov
    equation: :data:`sylvester_p`) and ``dX - Acᴴ dX Ac = dFᴴ X Ac + Acᴴ X dF
    + Kᴴ dR K + dQ`` (a Stein equation: :data:`discrete_lyapunov_p`); ``Q``
    and ``R`` are Hermitian, as SciPy requires.  The adjoints transpose
    these tangent maps (one reverse pass over them), and Taylor mode
    integrates them (:func:`osculate.ad.taylor_trace.jvp_rule`).

Every primitive accepts stacks (leading axes broadcast), solved one member
at a time, so the batch rules bind the primitive again with the batch axis
as one more stack axis; their sparsity is dense.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.linalg as _sla
from scipy.linalg import get_lapack_funcs as _lapack

from .. import sparsity
from ..core import Primitive, zero
from ..series import coeff_sub, coeff_sum, full
from ..taylor_trace import jvp_rule
from .arithmetic import add_tangents
from .complex_parts import conj
from .linalg import matmul, mH, mT, solve
from .matfun import common_dtype, jvp_from_tangent, over_stacks, stack_batch, transposed_tangent
from .structural import shape_of, unbroadcast

__all__ = ["sylvester", "discrete_lyapunov", "continuous_are", "discrete_are"]


def _square_core(x, name, what):
    s = shape_of(x)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ValueError(f"{name}: {what} must be a square matrix (..., n, n), got shape {s}")
    return s[-1]


# --------------------------------------------------------------------------- Sylvester


def _schur_forms(a, b):
    """SciPy's Bartels–Stewart preparation: the Schur forms of ``a`` and ``bᴴ``."""
    r, u = _sla.schur(a, output="real")
    s, v = _sla.schur(b.conj().T, output="real")
    return r, u, s, v


def _sylvester_reduced(forms, q):
    """The solve of one right-hand side ``q`` given :func:`_schur_forms` (LAPACK's ``trsyl``)."""
    r, u, s, v = forms
    f = u.conj().T @ q @ v
    (trsyl,) = _lapack(("trsyl",), (r, s, f))
    y, scale, info = trsyl(r, s, f, tranb="C")
    if info < 0:  # pragma: no cover - LAPACK argument error
        raise np.linalg.LinAlgError(f"solve_sylvester: illegal value in argument {-info} of trsyl")
    if info == 1:
        raise np.linalg.LinAlgError("solve_sylvester: a and -b have a common (or nearly common) eigenvalue, "
                                    "so A X + X B = Q has no unique solution")
    return u @ (scale * y) @ v.conj().T


def _sylvester_one(a, b, q):
    if a.size == 0 or b.size == 0:
        return np.zeros(q.shape, q.dtype)
    return _sylvester_reduced(_schur_forms(a, b), q)


def _sylvester_impl(a, b, q):
    a, b, q = common_dtype(a, b, q)
    if a.ndim == 2 and b.ndim == 2 and q.ndim > 2 and a.size and b.size:
        forms = _schur_forms(a, b)  # one pair of Schur forms for a stack of right-hand sides (batched tangents)
        return over_stacks(lambda p: _sylvester_reduced(forms, p), (2,), q)
    return over_stacks(_sylvester_one, (2, 2, 2), a, b, q)


sylvester_p = Primitive("sylvester", _sylvester_impl)
sylvester_p.def_rule("batch", stack_batch(sylvester_p, (2, 2, 2)))
sylvester_p.def_rule("sparsity", sparsity.dense_rule)
sylvester_p.def_rule("residuals", lambda wants: ((True, True, False), True))  # the vjp reads a, b and X


def sylvester(a, b, q):
    """``X`` with ``a X + X b = q`` (stacks broadcast)."""
    n = _square_core(a, "solve_sylvester", "a")
    m = _square_core(b, "solve_sylvester", "b")
    sq = shape_of(q)
    if len(sq) < 2 or sq[-2:] != (n, m):
        raise ValueError(f"solve_sylvester: q must have shape (..., {n}, {m}) for a {shape_of(a)} and "
                         f"b {shape_of(b)}, got {sq}")
    return sylvester_p.bind(a, b, q)


@sylvester_p.def_jvp
def _sylvester_jvp(primals, tangents):
    a, b, q = primals
    ta, tb, tq = tangents
    x = sylvester_p.bind(a, b, q)
    rhs = tq
    if ta is not zero:
        rhs = add_tangents(rhs, -matmul(ta, x))
    if tb is not zero:
        rhs = add_tangents(rhs, -matmul(x, tb))
    return x, (zero if rhs is zero else sylvester_p.bind(a, b, rhs))


@sylvester_p.def_vjp
def _sylvester_vjp(ct, x, primals, wants):
    a, b, q = primals
    lam = sylvester_p.bind(mT(a), mT(b), ct)
    return (unbroadcast(-matmul(lam, mT(x)), shape_of(a)) if wants[0] else None,
            unbroadcast(-matmul(mT(x), lam), shape_of(b)) if wants[1] else None,
            unbroadcast(lam, shape_of(q)) if wants[2] else None)


@sylvester_p.def_rule("taylor")
def _sylvester_taylor(primals, series, order):
    a, b, q = primals
    x0 = sylvester_p.bind(a, b, q)
    A, B, Q = full(a, series[0]), full(b, series[1]), full(q, series[2])
    X = [x0]
    for k in range(1, order + 1):
        terms = [matmul(A[j], X[k - j]) for j in range(1, k + 1) if A[j] is not zero and X[k - j] is not zero]
        terms += [matmul(X[k - j], B[j]) for j in range(1, k + 1) if B[j] is not zero and X[k - j] is not zero]
        rhs = coeff_sub(Q[k], coeff_sum(terms))
        X.append(zero if rhs is zero else sylvester_p.bind(a, b, rhs))
    return x0, X[1:]


# --------------------------------------------------------------------------- discrete Lyapunov (Stein)


def _discrete_lyapunov_one(a, q, method):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            x = _sla.solve_discrete_lyapunov(a, q, method=method)
        except np.linalg.LinAlgError as e:
            raise np.linalg.LinAlgError(
                "solve_discrete_lyapunov: X - A X Aᴴ = Q has no unique solution (a has eigenvalues λ, μ with "
                f"λ·conj(μ) = 1, or -1 for the bilinear method): {e}") from None
    for w in caught:
        if "eigenvalue" in str(w.message):
            raise np.linalg.LinAlgError(
                "solve_discrete_lyapunov: X - A X Aᴴ = Q has no unique solution (a has eigenvalues λ, μ with "
                "λ·conj(μ) = 1, or nearly)")
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return x


def _discrete_lyapunov_impl(a, q, method):
    a, q = common_dtype(a, q)
    return over_stacks(lambda m, p: _discrete_lyapunov_one(m, p, method), (2, 2), a, q)


discrete_lyapunov_p = Primitive("discrete_lyapunov", _discrete_lyapunov_impl)
discrete_lyapunov_p.def_rule("batch", stack_batch(discrete_lyapunov_p, (2, 2)))
discrete_lyapunov_p.def_rule("sparsity", sparsity.dense_rule)
discrete_lyapunov_p.def_rule("residuals", lambda wants: ((True, False), True))


def discrete_lyapunov(a, q, method=None):
    """``X`` with ``X - a X aᴴ = q`` (stacks broadcast)."""
    n = _square_core(a, "solve_discrete_lyapunov", "a")
    sq = shape_of(q)
    if len(sq) < 2 or sq[-2:] != (n, n):
        raise ValueError(f"solve_discrete_lyapunov: q must have shape (..., {n}, {n}), got {sq}")
    return discrete_lyapunov_p.bind(a, q, method=method)


@discrete_lyapunov_p.def_jvp
def _discrete_lyapunov_jvp(primals, tangents, method):
    a, q = primals
    ta, tq = tangents
    x = discrete_lyapunov_p.bind(a, q, method=method)
    rhs = tq
    if ta is not zero:
        ax = matmul(a, x)
        rhs = add_tangents(rhs, matmul(matmul(ta, x), mH(a)) + matmul(ax, mH(ta)))
    return x, (zero if rhs is zero else discrete_lyapunov_p.bind(a, rhs, method=method))


@discrete_lyapunov_p.def_vjp
def _discrete_lyapunov_vjp(ct, x, primals, wants, method):
    a, q = primals
    lam = discrete_lyapunov_p.bind(mT(a), ct, method=method)
    ga = None
    if wants[0]:
        ga = unbroadcast(matmul(matmul(lam, conj(a)), mT(x)) + conj(matmul(matmul(mT(lam), a), x)), shape_of(a))
    return ga, (unbroadcast(lam, shape_of(q)) if wants[1] else None)


discrete_lyapunov_p.def_rule("taylor", jvp_rule(discrete_lyapunov_p))


# --------------------------------------------------------------------------- algebraic Riccati equations


def _are_check(a, b, q, r, name):
    n = _square_core(a, name, "a")
    m_ = _square_core(r, name, "r")
    _square_core(q, name, "q")
    sb = shape_of(b)
    if len(sb) != 2 or len(shape_of(a)) != 2 or len(shape_of(q)) != 2 or len(shape_of(r)) != 2:
        raise ValueError(f"{name}: a, b, q and r must be 2-d (one equation), got shapes {shape_of(a)}, {sb}, "
                         f"{shape_of(q)}, {shape_of(r)}")
    if sb[0] != n:
        raise ValueError(f"{name}: a {shape_of(a)} and b {sb} must have the same number of rows")
    if shape_of(q)[-1] != n:
        raise ValueError(f"{name}: a {shape_of(a)} and q {shape_of(q)} must have the same shape")
    if sb[1] != m_:
        raise ValueError(f"{name}: b {sb} must have as many columns as r {shape_of(r)} has rows")


def _care_impl(a, b, q, r, balanced):
    a, b, q, r = common_dtype(a, b, q, r)
    return over_stacks(lambda *m: _sla.solve_continuous_are(*m, balanced=balanced), (2, 2, 2, 2), a, b, q, r)


def _dare_impl(a, b, q, r, balanced):
    a, b, q, r = common_dtype(a, b, q, r)
    return over_stacks(lambda *m: _sla.solve_discrete_are(*m, balanced=balanced), (2, 2, 2, 2), a, b, q, r)


continuous_are_p = Primitive("continuous_are", _care_impl)
discrete_are_p = Primitive("discrete_are", _dare_impl)


def continuous_are(a, b, q, r, balanced=True):
    """The stabilising ``X`` of ``aᴴ X + X a - X b r⁻¹ bᴴ X + q = 0``."""
    _are_check(a, b, q, r, "solve_continuous_are")
    return continuous_are_p.bind(a, b, q, r, balanced=bool(balanced))


def discrete_are(a, b, q, r, balanced=True):
    """The stabilising ``X`` of ``aᴴ X a - X - aᴴ X b (r + bᴴ X b)⁻¹ bᴴ X a + q = 0``."""
    _are_check(a, b, q, r, "solve_discrete_are")
    return discrete_are_p.bind(a, b, q, r, balanced=bool(balanced))


def _are_rhs(x, k, left, right, tangents):
    """``dFᴴ · left + right · dF + Kᴴ dR K + dQ`` with ``dF = dA - dB K`` (zero-aware)."""
    ta, tb, tq, tr = tangents
    df = ta
    if tb is not zero:
        df = add_tangents(df, -matmul(tb, k))
    rhs = tq
    if df is not zero:
        rhs = add_tangents(rhs, matmul(mH(df), left) + matmul(right, df))
    if tr is not zero:
        rhs = add_tangents(rhs, matmul(matmul(mH(k), tr), k))
    return rhs


def _care_tangent(x, primals, tangents, balanced):
    a, b, q, r = primals
    k = solve(r, matmul(mH(b), x))  # the gain R⁻¹ Bᴴ X
    ac = a - matmul(b, k)
    rhs = _are_rhs(x, k, x, x, tangents)
    return zero if rhs is zero else sylvester_p.bind(mH(ac), ac, -rhs)


def _dare_tangent(x, primals, tangents, balanced):
    a, b, q, r = primals
    bx = matmul(mH(b), x)
    k = solve(r + matmul(bx, b), matmul(bx, a))  # the gain (R + Bᴴ X B)⁻¹ Bᴴ X A
    ac = a - matmul(b, k)
    xac = matmul(x, ac)
    rhs = _are_rhs(x, k, xac, mH(xac), tangents)
    return zero if rhs is zero else discrete_lyapunov_p.bind(mH(ac), rhs, method=None)


for _p, _tangent in ((continuous_are_p, _care_tangent), (discrete_are_p, _dare_tangent)):
    _p.def_jvp(jvp_from_tangent(_p, _tangent))
    _p.def_vjp(transposed_tangent(_tangent))
    _p.def_rule("taylor", jvp_rule(_p))
    _p.def_rule("batch", stack_batch(_p, (2, 2, 2, 2)))
    _p.def_rule("sparsity", sparsity.dense_rule)
