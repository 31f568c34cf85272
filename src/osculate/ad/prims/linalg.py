"""Matrix primitives: matmul, einsum and the dense linear-algebra kernels.

Each primitive is one block with all its rules.  matmul and einsum are
(multi)linear: their jvps and Taylor rules are sums of the product with one
factor replaced, their vjps contractions with the cotangent.  The kernels
follow the series/derivative recurrences of ``A X = B`` (solve), ``A Y = I``
(inv), ``ℓ' = tr(A⁻¹A')`` (det, logabsdet), ``L Lᵀ = A`` (cholesky) and
``A V = V Λ`` (eigh, distinct eigenvalues assumed); NumPy's kernels accept
stacks of matrices, so their batch rule is the primitive itself, and their
sparsity is dense.

Symmetric-input kernels (``cholesky``, ``eigh``) read only the lower
triangle, as NumPy does; their rules differentiate exactly that function, so
a perturbation of the strict upper triangle has no effect.
"""

from __future__ import annotations

import numpy as np

from .. import sparsity
from ..batching import expand_batched
from ..core import Primitive, zero
from ..forward import one_input_jvp
from ..series import (
    coeff_add, coeff_sub, coeff_sum, full, is_constant, series_derivative, series_exp, series_integrate,
)
from .arithmetic import add_tangents, hypot, jvp_by_partials, where
from .complex_parts import conj, imag, is_complex, real
from .nondiff import nondiff
from .structural import broadcast_to, reshape, shape_of, sum_, transpose, unbroadcast

__all__ = ["matmul", "einsum", "inv", "solve", "det", "logabsdet", "sign_det", "cholesky", "eigh", "mT", "parse_einsum"]


def mT(x):
    """Swap the last two axes."""
    nd = len(shape_of(x))
    return transpose(x, tuple(range(nd - 2)) + (nd - 1, nd - 2))


def mH(x):
    """The conjugate transpose of the last two axes (``mT`` for a real ``x``)."""
    return conj(mT(x))


def _series_conv(op, a, b, k, lo=0, hi=None):
    """``Σ_{j=lo}^{hi} op(a_j, b_{k-j})`` for two series, skipping zeros."""
    hi = k if hi is None else hi
    return coeff_sum(op(a[j], b[k - j]) for j in range(lo, hi + 1) if a[j] is not zero and b[k - j] is not zero)


def _kernel(name, impl, multiple_results=False):
    """A dense linear-algebra kernel: NumPy's accepts stacks of matrices, so its
    batch rule is the primitive itself (the batch axis is one more stack axis),
    and every output entry depends on every input entry (dense sparsity)."""
    p = Primitive(name, impl, multiple_results)
    p.def_rule("batch", lambda vals, batched, size: p.bind(*_stacks_aligned(vals, batched)))
    p.def_rule("sparsity", sparsity.dense_rule)
    return p


def _stacks_aligned(vals, batched):
    """The operands of a kernel under vmap, each batched one with unit axes
    after its batch axis so that its stack axes line up with the others'
    (NumPy broadcasts stacks right-aligned: a batched ``(B, n, n)`` matrix
    against a ``(K, n, k)`` stack of right-hand sides must become
    ``(B, 1, n, n)``)."""
    stack = max(len(shape_of(v)) - b - 2 for v, b in zip(vals, batched))
    return [expand_batched(v, stack + 2) if b else v for v, b in zip(vals, batched)]


# --------------------------------------------------------------------------- matmul

matmul_p = Primitive("matmul", np.matmul)


def matmul(a, b):
    if len(shape_of(a)) == 0 or len(shape_of(b)) == 0:
        raise ValueError("matmul: input operands must have at least one dimension (use * for scalars)")
    return matmul_p.bind(a, b)


matmul_p.def_jvp(jvp_by_partials(matmul_p, lambda c, a, b, out: matmul_p.bind(c, b),
                                  lambda c, a, b, out: matmul_p.bind(a, c)))


@matmul_p.def_vjp
def _matmul_vjp(ct, out, primals, wants):
    a, b = primals
    na, nb = len(shape_of(a)), len(shape_of(b))
    ga = gb = None
    if na == 1 and nb == 1:  # inner product, ct is a scalar
        ga = ct * b if wants[0] else None
        gb = ct * a if wants[1] else None
        return ga, gb
    if na == 1:  # (k,) @ (..., k, n) -> (..., n)
        ct2 = reshape(ct, shape_of(ct)[:-1] + (1, shape_of(ct)[-1]))  # (..., 1, n)
        if wants[0] and nb == 2:
            ga = matmul_p.bind(b, ct)  # (k, n) @ (n,): stays a matrix-vector product under vmap
        elif wants[0]:
            ga = unbroadcast(reshape(matmul_p.bind(ct2, mT(b)), shape_of(ct)[:-1] + (shape_of(a)[0],)), shape_of(a))
        if wants[1]:
            gb = unbroadcast(reshape(a, (shape_of(a)[0], 1)) * ct2, shape_of(b))
        return ga, gb
    if nb == 1:  # (..., m, k) @ (k,) -> (..., m)
        ct2 = reshape(ct, shape_of(ct) + (1,))  # (..., m, 1)
        if wants[0]:
            ga = unbroadcast(ct2 * b, shape_of(a))
        if wants[1] and na == 2:
            gb = matmul_p.bind(ct, a)  # (m,) @ (m, k): stays a matrix-vector product under vmap
        elif wants[1]:
            gb = unbroadcast(reshape(matmul_p.bind(mT(a), ct2), shape_of(ct)[:-1] + (shape_of(b)[0],)), shape_of(b))
        return ga, gb
    if wants[0]:
        ga = unbroadcast(matmul_p.bind(ct, mT(b)), shape_of(a))
    if wants[1]:
        gb = unbroadcast(matmul_p.bind(mT(a), ct), shape_of(b))
    return ga, gb


matmul_p.def_rule("residuals", lambda wants: ((wants[1], wants[0]), False))  # each side reads the other


@matmul_p.def_rule("batch")
def _matmul_batch(vals, batched, size):
    a, b = vals
    ba, bb = batched
    sa = tuple(a.shape[1:] if ba else shape_of(a))
    sb = tuple(b.shape[1:] if bb else shape_of(b))
    # One matrix against a batch of vectors or matrices on the left: fold the
    # batch into a single matrix product (one GEMM) instead of a stack.
    if ba and not bb and len(sb) == 2 and len(sa) in (1, 2):  # (B, [m,] n) @ (n, k)
        folded = matmul_p.bind(reshape(a, (size * int(np.prod(sa[:-1])), sa[-1])), b)
        return reshape(folded, (size,) + sa[:-1] + (sb[1],))
    if bb and not ba and len(sa) == 2 and len(sb) == 1:  # (m, n) @ (B, n) vectors
        return matmul_p.bind(b, mT(a))  # one (B, n) @ (n, m) product
    # (a batch of matrices against one matrix on the left stays a stack of GEMMs:
    # folding it would need two transposing copies of the batch)
    # promote 1-d operands to matrices, as matmul does, and undo it afterwards
    if len(sa) == 1:
        a = reshape(a, ((size,) if ba else ()) + (1, sa[0]))
    if len(sb) == 1:
        b = reshape(b, ((size,) if bb else ()) + (sb[0], 1))
    nd = max(len(sa), len(sb), 2)
    if ba:
        a = expand_batched(a, nd)
    if bb:
        b = expand_batched(b, nd)
    if ba and not bb and len(shape_of(b)) > nd:  # pragma: no cover - defensive
        raise ValueError("matmul batch: unexpected operand rank")
    if bb and not ba:
        a = reshape(a, (1,) * (nd + 1 - len(shape_of(a))) + tuple(shape_of(a)))
    if ba and not bb:
        b = reshape(b, (1,) * (nd + 1 - len(shape_of(b))) + tuple(shape_of(b)))
    out = matmul_p.bind(a, b)
    oshape = tuple(out.shape)
    if len(sa) == 1 and len(sb) == 1:
        return reshape(out, (size,))
    if len(sa) == 1:
        return reshape(out, oshape[:-2] + (oshape[-1],))
    if len(sb) == 1:
        return reshape(out, oshape[:-1])
    return out


@matmul_p.def_rule("taylor")
def _matmul_taylor(primals, series, order):
    a, b = primals
    out = matmul_p.bind(a, b)
    A, B = full(a, series[0]), full(b, series[1])
    return out, [_series_conv(matmul_p.bind, A, B, k) for k in range(1, order + 1)]


@matmul_p.def_rule("sparsity")
def _matmul_sparsity(trace, args, out):  # as the einsum it is
    a, b = args
    na, nb = np.ndim(a), np.ndim(b)
    sa = "ij" if na >= 2 else "j"
    sb = "jk" if nb >= 2 else "j"
    so = ("i" if na >= 2 else "") + ("k" if nb >= 2 else "")
    ell = "..." if max(na, nb) > 2 else ""
    spec = parse_einsum(f"{ell if na > 2 else ''}{sa},{ell if nb > 2 else ''}{sb}->{ell}{so}", [np.shape(a), np.shape(b)])
    return _einsum_sparsity(trace, args, out, spec)



# --------------------------------------------------------------------------- einsum

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def parse_einsum(subscripts, shapes):
    """Normalise an einsum spec to explicit form without ellipses."""
    subscripts = subscripts.replace(" ", "")
    if "->" in subscripts:
        lhs, rhs = subscripts.split("->")
    else:
        lhs, rhs = subscripts, None
    ins = lhs.split(",")
    if len(ins) != len(shapes):
        raise ValueError(f"einsum: {len(ins)} operand subscripts for {len(shapes)} operands")
    used = set(c for c in subscripts if c.isalpha())
    free = [c for c in _LETTERS if c not in used]
    ell_nd = 0
    for s, shp in zip(ins, shapes):
        if "..." in s:
            ell_nd = max(ell_nd, len(shp) - (len(s) - 3))
    ell = "".join(free[:ell_nd])
    new_ins = []
    for s, shp in zip(ins, shapes):
        if "..." in s:
            k = len(shp) - (len(s) - 3)
            s = s.replace("...", ell[ell_nd - k:] if k else "")
        if len(s) != len(shp):
            raise ValueError(f"einsum: subscripts '{s}' do not match operand of shape {shp}")
        new_ins.append(s)
    if rhs is None:
        counts = {}
        for s in new_ins:
            for c in s:
                counts[c] = counts.get(c, 0) + 1
        rhs = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    else:
        rhs = rhs.replace("...", ell)
    return ",".join(new_ins) + "->" + rhs


einsum_p = Primitive("einsum", lambda *ops, spec: np.einsum(spec, *ops, optimize=len(ops) > 2))


def einsum(subscripts, *operands):
    spec = parse_einsum(subscripts, [shape_of(o) for o in operands])
    return einsum_p.bind(*operands, spec=spec)


@einsum_p.def_jvp
def _einsum_jvp(primals, tangents, spec):
    out = einsum_p.bind(*primals, spec=spec)
    t = zero
    for k, tk in enumerate(tangents):
        if tk is not zero:
            ops = list(primals)
            ops[k] = tk
            t = add_tangents(t, einsum_p.bind(*ops, spec=spec))
    return out, t


@einsum_p.def_vjp
def _einsum_vjp(ct, out, primals, wants, spec):
    lhs, rhs = spec.split("->")
    ins = lhs.split(",")
    res = []
    for k, (sk, w) in enumerate(zip(ins, wants)):
        if not w:
            res.append(None)
            continue
        uniq = "".join(dict.fromkeys(sk))  # operand letters, first occurrences only
        others = [s for j, s in enumerate(ins) if j != k]
        avail = set(rhs).union(*others) if others else set(rhs)
        kept = "".join(c for c in uniq if c in avail)
        ops = [ct] + [p for j, p in enumerate(primals) if j != k]
        g = einsum_p.bind(*ops, spec=",".join([rhs] + others) + "->" + kept)
        sizes = dict(zip(sk, shape_of(primals[k])))
        if kept != uniq:  # indices summed away within operand k only: broadcast back
            g = reshape(g, tuple(sizes[c] if c in avail else 1 for c in uniq))
            g = broadcast_to(g, tuple(sizes[c] for c in uniq))
        if uniq != sk:  # a repeated index took a diagonal: put g back on it
            g = _embed_diagonal(g, uniq, sk, sizes, set(spec))
        res.append(g)
    return tuple(res)


@einsum_p.def_rule("batch")
def _einsum_batch(vals, batched, size, spec):
    lhs, rhs = spec.split("->")
    letter = next(c for c in _LETTERS if c not in spec)
    ins = [letter + s if bt else s for s, bt in zip(lhs.split(","), batched)]
    return einsum_p.bind(*vals, spec=",".join(ins) + "->" + letter + rhs)


@einsum_p.def_rule("taylor")
def _einsum_taylor(primals, series, order, spec):
    out = einsum_p.bind(*primals, spec=spec)
    fulls = [full(p, s) for p, s in zip(primals, series)]
    live = [i for i, s in enumerate(series) if not is_constant(s)]

    def terms(k):
        # every split k = j_1 + ... + j_m over the operands with a series
        res = []

        def rec(pos, left, js):
            if pos == len(live) - 1:
                js = js + [left]
                ops = list(primals)
                for i, j in zip(live, js):
                    ops[i] = fulls[i][j]
                if all(o is not zero for o in ops):
                    res.append(einsum_p.bind(*ops, spec=spec))
                return
            for j in range(left + 1):
                if fulls[live[pos]][j] is not zero:
                    rec(pos + 1, left - j, js + [j])

        rec(0, k, [])
        return coeff_sum(res)

    return out, [terms(k) for k in range(1, order + 1)]


@einsum_p.def_rule("sparsity")
def _einsum_sparsity(trace, args, out, spec):
    """Expand the einsum into broadcast products and sums, traced by the mul and
    sum rules (so constant operands' structural zeros are respected)."""
    lhs, rhs = spec.split("->")
    ins = lhs.split(",")
    if any(len(set(s)) != len(s) for s in ins):
        return sparsity.dense_rule(trace, args, out)
    letters = list(dict.fromkeys("".join(ins)))
    prod = None
    for s, a in zip(ins, args):
        perm = sorted(range(len(s)), key=lambda k: letters.index(s[k]))
        t = transpose(a, perm) if perm != list(range(len(s))) else a
        sizes = dict(zip(s, np.shape(a)))  # the operand's own sizes: a broadcast axis of 1 stays 1
        t = reshape(t, tuple(sizes[c] if c in s else 1 for c in letters))
        prod = t if prod is None else prod * t
    summed = tuple(i for i, c in enumerate(letters) if c not in rhs)
    if summed:
        prod = sum_(prod, summed)
    kept = [c for c in letters if c in rhs]
    prod = transpose(prod, [kept.index(c) for c in rhs]) if kept != list(rhs) else prod
    return trace.deps_or_empty(prod, sparsity.size_of(np.shape(out)))


def _embed_diagonal(g, uniq, sk, sizes, used):
    """Adjoint of taking a diagonal: ``g[uniq]`` placed at ``x[sk]`` with zeros elsewhere."""
    fresh = iter(c for c in _LETTERS if c not in used)
    out, eyes, seen = [], [], set()
    for c in sk:
        if c in seen:
            d = next(fresh)
            out.append(d)
            eyes.append(c + d)
        else:
            seen.add(c)
            out.append(c)
    consts = [np.eye(sizes[e[0]]) for e in eyes]
    return einsum_p.bind(g, *consts, spec=",".join([uniq] + eyes) + "->" + "".join(out))


# --------------------------------------------------------------------------- inv / solve / det


def _sym_lower(e):
    """The symmetric (Hermitian) matrix a lower-triangle-reading kernel actually
    sees: the strict lower triangle, its (conjugate) transpose, and the real
    part of the diagonal."""
    lo = tril_const(e, -1)
    return lo + mH(lo) + _real_diagonal(e)


def _real_diagonal(e):
    n = shape_of(e)[-1]
    return real(e) * np.eye(n)


def _sym_lower_adjoint(g):
    # under the pairing Re(sum(c * t)): the strict lower triangle of g + gᴴ, the real diagonal of g
    return tril_const(g + mH(g), -1) + _real_diagonal(g)


def tril_const(x, k):
    n, m = shape_of(x)[-2:]
    mask = np.tri(n, m, k, dtype=bool)
    return where(mask, x, 0.0)


inv_p = _kernel("inv", np.linalg.inv)


def inv(a):
    return inv_p.bind(a)


inv_p.def_jvp(one_input_jvp(inv_p, lambda t, a, y: -matmul(matmul(y, t), y)))


@inv_p.def_vjp
def _inv_vjp(ct, y, primals, wants):
    yt = mT(y)
    return (-matmul(matmul(yt, ct), yt),)


@inv_p.def_rule("taylor")
def _inv_taylor(primals, series, order):
    a = primals[0]
    y0 = inv_p.bind(a)
    A = full(a, series[0])
    Y = [y0]
    for k in range(1, order + 1):  # Y_k = -Y_0 sum_{j>=1} A_j Y_{k-j}
        Y.append(-matmul(y0, _series_conv(matmul_p.bind, A, Y, k, 1)))
    return y0, Y[1:]


solve_p = _kernel("solve", np.linalg.solve)


def solve(a, b):
    sa, sb = shape_of(a), shape_of(b)
    if len(sa) < 2 or sa[-1] != sa[-2]:
        raise ValueError(f"solve: a must be a square matrix (..., n, n), got shape {sa}")
    if len(sb) == 1:
        return reshape(solve_p.bind(a, reshape(b, (sb[0], 1))), (sa[-1],))
    return solve_p.bind(a, b)


@solve_p.def_jvp
def _solve_jvp(primals, tangents):
    a, b = primals
    ta, tb = tangents
    x = solve_p.bind(a, b)
    rhs = add_tangents(tb, zero if ta is zero else -matmul(ta, x))
    return x, (zero if rhs is zero else solve_p.bind(a, rhs))


@solve_p.def_vjp
def _solve_vjp(ct, x, primals, wants):
    a, b = primals
    g = solve_p.bind(mT(a), ct)
    return (unbroadcast(-matmul(g, mT(x)), shape_of(a)) if wants[0] else None, unbroadcast(g, shape_of(b)) if wants[1] else None)



def _solve_series(a, A, B, K, x0):
    """X with A X = B: X_k = solve(A_0, B_k - sum_{j>=1} A_j X_{k-j})."""
    X = [x0]
    for k in range(1, K + 1):
        rhs = coeff_sub(B[k], _series_conv(matmul_p.bind, A, X, k, 1))
        X.append(zero if rhs is zero else solve_p.bind(a, rhs))
    return X


@solve_p.def_rule("taylor")
def _solve_taylor(primals, series, order):
    a, b = primals
    x0 = solve_p.bind(a, b)
    X = _solve_series(a, full(a, series[0]), full(b, series[1]), order, x0)
    return x0, X[1:]


def _trace_last2(x):
    return einsum_p.bind(x, spec=parse_einsum("...ii->...", [shape_of(x)]))


def _expand2(x):
    return reshape(x, shape_of(x) + (1, 1))


def _logdet_series(a, sa, K, ell0):
    """Series of ``ℓ = log|det A|`` to order K from ``ℓ' = tr(A⁻¹ A')``,
    with ``ℓ₀ = ell0``."""
    A = full(a, sa)
    dA = series_derivative(A, K)
    X = _solve_series(a, A, dA, K - 1, zero if dA[0] is zero else solve_p.bind(a, dA[0]))
    return series_integrate([zero if x is zero else _trace_last2(x) for x in X], K, ell0)


det_p = _kernel("det", np.linalg.det)


def det(a):
    return det_p.bind(a)


det_p.def_jvp(one_input_jvp(det_p, lambda t, a, d: d * _trace_last2(solve_p.bind(a, t))))


@det_p.def_vjp
def _det_vjp(ct, d, primals, wants):
    return (_expand2(ct * d) * mT(inv_p.bind(primals[0])),)


@det_p.def_rule("taylor")
def _det_taylor(primals, series, order):  # det' = det · ℓ': exp's recurrence from d (ℓ₀ unused)
    a = primals[0]
    d = det_p.bind(a)
    return d, series_exp(_logdet_series(a, series[0], order, zero), order, d)[1:]


logabsdet_p = _kernel("logabsdet", lambda a: np.linalg.slogdet(a)[1])


def logabsdet(a):
    return logabsdet_p.bind(a)


# of a complex A, log|det A| = Re log det A: the real parts of the same formulas
logabsdet_p.def_jvp(one_input_jvp(logabsdet_p, lambda t, a, out: real(_trace_last2(solve_p.bind(a, t)))))


@logabsdet_p.def_vjp
def _logabsdet_vjp(ct, out, primals, wants):
    return (_expand2(ct) * mT(inv_p.bind(primals[0])),)


@logabsdet_p.def_rule("taylor")
def _logabsdet_taylor(primals, series, order):
    a = primals[0]
    out = logabsdet_p.bind(a)
    return out, [c if c is zero else real(c) for c in _logdet_series(a, series[0], order, out)[1:]]


# the sign of the determinant: piecewise constant for a real matrix (a nondiff primitive, so it
# batches and is traced like any other); for a complex one the phase det / |det|, which is smooth
sign_det_p = nondiff("sign_det", lambda a: np.linalg.slogdet(a)[0],
                     batch=lambda vals, batched, size: sign_det_p.bind(*vals))


def sign_det(a):
    if is_complex(a):
        d = det_p.bind(a)
        return d / hypot(real(d), imag(d))
    return sign_det_p.bind(a)


# --------------------------------------------------------------------------- cholesky


def _phi(x):
    """Lower triangle with the diagonal halved."""
    return 0.5 * (tril_const(x, 0) + tril_const(x, -1))


cholesky_p = _kernel("cholesky", np.linalg.cholesky)


def cholesky(a):
    return cholesky_p.bind(a)


def _cholesky_tangent(t, a, lo):
    s = solve_p.bind(lo, mH(solve_p.bind(lo, _sym_lower(t))))  # L^-1 dA L^-H
    return matmul(lo, _phi(s))


cholesky_p.def_jvp(one_input_jvp(cholesky_p, _cholesky_tangent))


@cholesky_p.def_vjp
def _cholesky_vjp(ct, lo, primals, wants):
    p = _phi(matmul(mT(lo), ct))
    g = solve_p.bind(mT(lo), mT(solve_p.bind(mH(lo), mT(p))))  # L^-T P conj(L)^-1
    return (_sym_lower_adjoint(g),)



@cholesky_p.def_rule("taylor")
def _cholesky_taylor(primals, series, order):
    a = primals[0]
    lo = cholesky_p.bind(a)
    L = [lo]
    for k in range(1, order + 1):
        ak = series[0][k - 1]
        rhs = zero if ak is zero else _sym_lower(ak)
        # L_0 L_kᴴ + L_k L_0ᴴ = R_k = S_k - sum_{j=1}^{k-1} L_j L_{k-j}ᴴ
        rhs = coeff_sub(rhs, _series_conv(lambda u, v: matmul(u, mH(v)), L, L, k, 1, k - 1))
        if rhs is zero:
            L.append(zero)
            continue
        m = solve_p.bind(lo, mH(solve_p.bind(lo, rhs)))  # L^-1 R L^-H
        L.append(matmul(lo, _phi(m)))
    return lo, L[1:]


# --------------------------------------------------------------------------- eigh

eigh_p = _kernel("eigh", lambda a: tuple(np.linalg.eigh(a)), multiple_results=True)


def eigh(a):
    """Eigenvalues (ascending, real) and eigenvectors of a symmetric (or
    Hermitian) matrix, from its lower triangle.

    Derivatives assume distinct eigenvalues (they are infinite otherwise);
    a complex eigenvector's phase is NumPy's, and its derivative keeps
    ``vᴴ dv = 0`` (functions invariant to the phase are well defined).
    """
    return eigh_p.bind(a)


def _eig_gap_inverse(w):
    n = shape_of(w)[-1]
    off = ~np.eye(n, dtype=bool)
    wi = reshape(w, shape_of(w)[:-1] + (n, 1))
    wj = reshape(w, shape_of(w)[:-1] + (1, n))
    diff = wj - wi + np.eye(n)
    return where(off, 1.0 / diff, 0.0)  # F_ij = 1 / (w_j - w_i), 0 on the diagonal


@eigh_p.def_jvp
def _eigh_jvp(primals, tangents):
    a = primals[0]
    w, v = eigh_p.bind(a)
    t = tangents[0]
    if t is zero:
        return (w, v), (zero, zero)
    m = matmul(matmul(mH(v), _sym_lower(t)), v)
    dw = real(einsum_p.bind(m, spec=parse_einsum("...ii->...i", [shape_of(m)])))
    dv = matmul(v, _eig_gap_inverse(w) * m)
    return (w, v), (dw, dv)


@eigh_p.def_vjp
def _eigh_vjp(cts, outs, primals, wants):
    w, v = outs
    cw, cv = cts
    inner = 0.0
    if cw is not zero:
        n = shape_of(w)[-1]
        inner = reshape(cw, shape_of(cw)[:-1] + (1, n)) * np.eye(n)
    if cv is not zero:
        inner = inner + _eig_gap_inverse(w) * matmul(mT(v), cv)
    g = matmul(matmul(conj(v), inner), mT(v))
    return (_sym_lower_adjoint(g),)



@eigh_p.def_rule("taylor")
def _eigh_taylor(primals, series, order):
    a = primals[0]
    w, v = eigh_p.bind(a)
    n = shape_of(w)[-1]
    eye = np.eye(n)
    gap = _eig_gap_inverse(w)  # 1 / (w_j - w_i) off the diagonal
    # B(t) = V0ᴴ A(t) V0 = W(t) Lambda(t) W(t)ᴴ with W(0) = I
    B = [zero] + [zero if c is zero else matmul(matmul(mH(v), _sym_lower(c)), v) for c in series[0]]
    W = [zero]  # W_0 = I, handled explicitly
    lam = [w]
    diag_of = lambda m: einsum_p.bind(m, spec=parse_einsum("...ii->...i", [shape_of(m)]))  # noqa: E731
    for k in range(1, order + 1):
        r = B[k]
        for j in range(1, k):
            if B[j] is not zero and W[k - j] is not zero:
                r = coeff_add(r, matmul(B[j], W[k - j]))
            if W[j] is not zero and lam[k - j] is not zero:
                r = coeff_sub(r, W[j] * reshape(lam[k - j], shape_of(lam[k - j])[:-1] + (1, n)))
        if r is zero:
            lam.append(zero)
            W.append(zero)
            continue
        lam.append(real(diag_of(r)))
        wk = gap * r
        # orthogonality: diag(W_k) = -1/2 diag(sum_{j=1}^{k-1} W_jᴴ W_{k-j})
        cross = coeff_sum(
            einsum_p.bind(conj(W[j]), W[k - j], spec=parse_einsum("...mi,...mi->...i", [shape_of(W[j]), shape_of(W[k - j])]))
            for j in range(1, k) if W[j] is not zero and W[k - j] is not zero
        )
        if cross is not zero:
            wk = wk + reshape(cross * -0.5, shape_of(cross)[:-1] + (1, n)) * eye
        W.append(wk)
    vs = [zero if c is zero else matmul(v, c) for c in W[1:]]
    return (w, v), (lam[1:], vs)
