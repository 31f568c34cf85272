"""SciPy's Schur-form functions on traced values, with SciPy's signatures
(``overwrite_*``, ``lwork`` and ``check_finite`` accepted and ignored):

* ``schur`` is a primitive (:func:`osculate.ad.prims.eig.schur`): its
  value is SciPy's ``(T, Z)`` and its derivative keeps ``T`` (block) upper
  triangular, the 2x2 blocks of a real form standardised, and ``Z`` unitary
  (see there).  It needs distinct eigenvalues; the place of the 2x2 blocks
  is read from the values, so inside ``jit``/``vmap`` a real form with
  blocks is refused with an error pointing to ``output='complex'``;
* ``ldl`` takes SciPy's pivoting (the permutation and which pivots are
  1x1 or 2x2 blocks) from the concrete values, holds it fixed and computes
  the block ``L D Lᵀ`` (``L D Lᴴ``) factorization of the permuted matrix
  with osculate's operations: SciPy's values, differentiable at 1x1 and
  2x2 pivots alike;
* ``qr_update``, ``qr_insert`` and ``qr_delete`` form the modified matrix
  (``Q R + u vᴴ``, rows or columns inserted or deleted) and take osculate's
  ``qr`` of it, then give each column of ``Q`` (row of ``R``) the sign or
  phase SciPy's Givens updates left it, read from SciPy's result on the
  values (and, for a full ``Q`` of a tall matrix, SciPy's basis of the
  orthogonal complement): SciPy's values, with ``qr``'s derivatives;
* ``expm_cond`` is SciPy's formula on the ``n²`` Fréchet derivatives of
  ``expm`` (one stacked ``expm_frechet``), differentiable where the largest
  singular value of their Kronecker form is simple;
* ``rsf2csf`` is SciPy's sequence of 2x2 rotations written with osculate's
  operations (which blocks to rotate, and which eigenvalue of a block leads,
  are read from the concrete values), so its values are SciPy's.
"""

from __future__ import annotations

import numpy as _np
from scipy import linalg as _scipy_linalg

from .. import numpy as _onp
from ..core import ConcretizationError as _ConcretizationError
from ..core import Tracer as _Tracer
from ..core import concrete as _concrete
from ..prims import decompositions as _dec
from ..prims import eig as _eig
from ..prims import matfun as _mf
from ..prims.arithmetic import where as _where
from ..prims.complex_parts import conj as _conj
from ..prims.complex_parts import is_complex as _is_complex
from ..prims.complex_parts import real as _real
from ..prims.linalg import matmul as _matmul
from ..prims.linalg import mH as _mH
from ..prims.linalg import mT as _mT
from ..prims.linalg import solve as _solve
from ..prims.structural import concatenate as _concatenate
from ..prims.structural import shape_of as _shape_of

__all__ = ["schur", "rsf2csf", "ldl", "qr_update", "qr_insert", "qr_delete", "expm_cond"]


def _matrix(x, name, what):
    """``x`` as one square matrix (integers become floats), or a one-line error naming ``what``."""
    if not isinstance(x, _Tracer):
        x = _np.asarray(x)
        x = x.astype(_np.result_type(x.dtype, _np.float32), copy=False)  # float32 stays float32, as in SciPy
    s = _shape_of(x)
    if len(s) != 2 or s[0] != s[1]:
        raise ValueError(f"{name}: {what} must be a square matrix (n, n), got shape {s}")
    return x


def _value(x, name, what):
    """The concrete value of ``x``, from which ``name`` chooses ``what``, or an error saying why not."""
    try:
        return _np.asarray(_concrete(x))
    except _ConcretizationError:
        raise ValueError(f"osculate.scipy.linalg.{name} chooses {what} from concrete values, which do not exist "
                         f"inside jit or vmap; call it outside them") from None


# --------------------------------------------------------------------------- schur


def _schur_output(output):
    if output in ("real", "r"):
        return "real"
    if output in ("complex", "c"):
        return "complex"
    raise ValueError(f"schur: output must be 'real' or 'complex', got {output!r}")


def schur(a, output="real", lwork=None, overwrite_a=False, sort=None, check_finite=True):
    """The Schur decomposition ``a = Z T Zᴴ`` as :func:`scipy.linalg.schur`:
    ``(T, Z)``, and ``sdim`` with ``sort`` (which then needs concrete values).

    The values are SciPy's (one LAPACK call on the values).  Derivatives hold
    ``T`` (quasi-)triangular and ``Z`` unitary: with ``Ω = Zᴴ dZ`` (skew),
    ``dT = Zᴴ da Z − (Ω T − T Ω)``, the lower part of ``Ω`` solving a
    (block) triangular Sylvester-type system whose pivots are differences of
    eigenvalues.  They exist for distinct eigenvalues; at repeated ones the
    Schur vectors are not differentiable and the pivots vanish, so the
    derivatives are inf or nan.  For complex ``Z`` the phases of its columns
    are LAPACK's and their derivative is set to 0 (``diag(Ω) = 0``): use
    functions that do not depend on them (``|T|``, ``|Z|``, ``Z T Zᴴ``,
    eigenvalues).  The 2x2 blocks of a real form (complex eigenvalues) stay
    in LAPACK's standard form ``[[a, b], [c, a]]``; a block with
    ``b + c = 0`` (a multiple of a rotation) has no unique Schur vectors and
    gives inf or nan.  Where the blocks are is read from the values, so
    inside ``jit``/``vmap`` (no values) a real form with blocks raises: use
    ``output='complex'`` there.  A traced stack is not accepted (SciPy's is
    one matrix), but ``vmap`` works.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import schur
    >>> a = np.array([[2.0, 1.0], [0.5, 3.0]])
    >>> t, z = schur(a)
    >>> np.allclose(z @ t @ z.T, a)
    True
    >>> g = osc.grad(lambda m: schur(m)[0][0, 0])(a)  # the derivative of the first eigenvalue
    >>> np.allclose(g, osc.grad(lambda m: np.sort(np.linalg.eigvals(m).real)[0])(a))
    True
    """
    output = _schur_output(output)
    a = _matrix(a, "schur", "a")
    if not isinstance(a, _Tracer):
        return _scipy_linalg.schur(a, output=output, sort=sort)
    try:
        reference = _scipy_linalg.schur(_np.asarray(_concrete(a)), output=output, sort=sort)
    except _ConcretizationError:
        reference = None  # (inside jit or vmap: no 2x2 blocks expected, the primitive refuses them)
    blocks = None
    if reference is not None and reference[0].dtype.kind == "f":
        blocks = tuple(int(i) for i in _np.flatnonzero(_np.diagonal(reference[0], -1)))
    t, z = _eig.schur(a, output=output, sort=sort, blocks=blocks)
    if sort is None:
        return t, z
    if reference is None:
        _value(a, "schur", "sdim (with sort)")
    return t, z, reference[2]


# --------------------------------------------------------------------------- rsf2csf


def _leading_eigenvalue(block, reference):
    """The eigenvalue of the 2x2 ``block`` (traced) nearest ``reference`` (SciPy's
    first one, from the values): half the trace plus or minus the root."""
    a, b, c, d = block[0, 0], block[0, 1], block[1, 0], block[1, 1]
    half = 0.5 * (a - d)
    root = _onp.sqrt(half * half + b * c)
    mean = 0.5 * (a + d)
    vals = _np.asarray(_concrete(mean)) + _np.array([1.0, -1.0]) * _np.asarray(_concrete(root))
    return mean + root if abs(vals[0] - reference) <= abs(vals[1] - reference) else mean - root


def _pick(n, start, dtype):
    """The ``n × 2`` matrix whose columns are ``e_start`` and ``e_start+1``: ``x @ P``
    takes two columns, ``Pᵀ @ x`` two rows (products, not slices: see below)."""
    p = _np.zeros((n, 2), dtype=_np.finfo(dtype).dtype)
    p[start, 0] = p[start + 1, 1] = 1.0
    return p


def _rotate(T, Z, g, m):
    """SciPy's update with the 2x2 rotation ``g`` at rows/columns ``m-1, m``:
    rows ``m-1, m`` of ``T`` from column ``m-1`` on by ``g`` from the left,
    columns ``m-1, m`` of ``T`` up to row ``m`` and of ``Z`` by ``gᴴ`` from the right.
    Written with products by constant matrices and masks rather than slices
    and concatenation."""
    n = _shape_of(T)[0]
    p = _pick(n, m - 1, T.dtype)
    gh = _conj(g).T
    rows, cols = _np.arange(n)[:, None], _np.arange(n)
    pair = (rows == m - 1) | (rows == m)
    T = _where(pair & (cols >= m - 1), _matmul(p, _matmul(g, _matmul(p.T, T))), T)
    T = _where(pair.T & (rows <= m), _matmul(_matmul(_matmul(T, p), gh), p.T), T)
    Z = _where(pair.T, _matmul(_matmul(_matmul(Z, p), gh), p.T), Z)
    return T, Z


def rsf2csf(T, Z, check_finite=True):
    """The complex Schur form ``(T, Z)`` from a real one, as
    :func:`scipy.linalg.rsf2csf`: each 2x2 block of ``T`` (a subdiagonal entry
    larger than ``eps`` times its neighbours on the diagonal) is
    triangularised by a 2x2 unitary rotation built from the block's
    eigenvalue, applied to ``T`` from both sides and to ``Z``; then the
    subdiagonal is set to 0.  The rotations are computed with osculate's
    operations, so the values are SciPy's and differentiable; which blocks
    are rotated, and which eigenvalue of a block is used, come from the
    concrete values (not available inside ``jit``/``vmap``).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import rsf2csf
    >>> t, z = rsf2csf(np.array([[1.0, 2.0], [-2.0, 1.0]]), np.eye(2))
    >>> np.round(np.diag(t), 12)
    array([1.+2.j, 1.-2.j])
    """
    T, Z = _matrix(T, "rsf2csf", "T"), _matrix(Z, "rsf2csf", "Z")
    if _shape_of(T) != _shape_of(Z):
        raise ValueError(f"rsf2csf: T and Z must have the same shape, got {_shape_of(T)} and {_shape_of(Z)}")
    dtype = _np.result_type(T.dtype, Z.dtype, _np.complex64)
    T, Z = _onp.asarray(T).astype(dtype), _onp.asarray(Z).astype(dtype)
    n = _shape_of(T)[0]
    eps = _np.finfo(float).eps
    for m in range(n - 1, 0, -1):
        tv = _value(T[m - 1:m + 1, m - 1:m + 1], "rsf2csf", "the blocks to rotate")
        if abs(tv[1, 0]) > eps * (abs(tv[0, 0]) + abs(tv[1, 1])):
            p = _pick(n, m - 1, T.dtype)
            block = _matmul(p.T, _matmul(T, p))
            mu = _leading_eigenvalue(block, _scipy_linalg.eigvals(tv)[0]) - block[1, 1]
            sub = block[1, 0]
            r = _onp.sqrt(_onp.abs(mu) ** 2 + _onp.abs(sub) ** 2)
            c, s = mu / r, sub / r
            g = _onp.stack([_onp.stack([_conj(c), s]), _onp.stack([-s, c])])
            T, Z = _rotate(T, Z, g, m)
        below = _np.zeros((n, n), dtype=bool)
        below[m, m - 1] = True
        T = _where(below, 0.0, T)
    return T, Z


# --------------------------------------------------------------------------- ldl


def _from_triangle(a, lower, hermitian):
    """The symmetric (Hermitian: with the real part of the diagonal) matrix
    that the ``lower`` (else upper) triangle of ``a`` stands for, as LAPACK reads it."""
    n = _shape_of(a)[0]
    strict = _np.tri(n, n, -1, dtype=bool)
    if not lower:
        strict = strict.T
    hermitian = hermitian and _is_complex(a)
    other = _mH(a) if hermitian else _mT(a)
    diagonal = _real(a) if hermitian else a
    return _where(strict, a, _where(strict.T, other, diagonal))


def _blocks(d, lower):
    """``[(k, size)]``: where SciPy's block diagonal ``d`` has its 1x1 and 2x2 pivots."""
    n, k, out = d.shape[0], 0, []
    while k < n:
        size = 2 if k + 1 < n and (d[k + 1, k] != 0 or d[k, k + 1] != 0) else 1
        out.append((k, size))
        k += size
    return out


def _selection(start, stop, n, dtype):
    """The constant ``(stop − start) × n`` matrix ``E`` with ``E @ x == x[start:stop]``."""
    return _np.eye(n, dtype=_np.finfo(dtype).dtype)[start:stop]


def _block_ldl(b, blocks, hermitian):
    """``(L, D)`` with ``b = L D op(L)`` (``op`` the conjugate transpose when
    ``hermitian``, else the transpose), ``L`` unit lower triangular with
    identity blocks at the pivots, ``D`` block diagonal with the given
    blocks: one block column at a time, no pivoting.  Rows and columns are
    taken by products with constant selection matrices, not slices, because
    the engine's in-place accumulation of slice cotangents cannot yet mix a
    real and a complex contribution to one complex value."""
    op = _mH if hermitian else _mT
    n = _shape_of(b)[0]
    lcols, wcols, rows = [], [], []
    for k, size in blocks:
        pick = _selection(k, k + size, n, b.dtype)
        col = _matmul(b, pick.T)
        if k:
            done = _concatenate(lcols, axis=1)
            col = col - _matmul(_concatenate(wcols, axis=1), op(_matmul(pick, done)))
        dkk = _matmul(pick, col)
        parts = [_np.zeros((k, size), dtype=b.dtype)] if k else []
        parts.append(_np.eye(size, dtype=b.dtype))
        if k + size < n:
            below = _matmul(_selection(k + size, n, n, b.dtype), col)
            parts.append(below / dkk if size == 1 else _mT(_solve(_mT(dkk), _mT(below))))
        lcol = _concatenate(parts, axis=0)
        lcols.append(lcol)
        wcols.append(_matmul(lcol, dkk))
        row = ([_np.zeros((size, k), dtype=b.dtype)] if k else []) + [dkk]
        if k + size < n:
            row.append(_np.zeros((size, n - k - size), dtype=b.dtype))
        rows.append(_concatenate(row, axis=1))
    return _concatenate(lcols, axis=1), _concatenate(rows, axis=0)


def ldl(A, lower=True, hermitian=True, overwrite_a=False, check_finite=True):
    """The Bunch–Kaufman factorization ``A = lu d luᵀ`` (``luᴴ`` when ``hermitian``
    and ``A`` complex) as :func:`scipy.linalg.ldl`: ``(lu, d, perm)`` with
    ``lu[perm]`` triangular and ``d`` block diagonal (1x1 and 2x2 blocks).

    It reads the ``lower`` (else upper) triangle of ``A``, as SciPy does.
    The pivoting (``perm`` and the block sizes) is SciPy's, taken from the
    concrete values and held fixed, as it is under small perturbations; the
    factors are then the unique block factorization of the permuted matrix,
    computed with osculate's operations, so they are SciPy's values (to
    rounding) with derivatives, for 2x2 pivots too.  At a matrix where
    SciPy's pivoting would change (ties in its comparisons) the factors jump
    and the derivative is that of the fixed choice.  Inside ``jit``/``vmap``
    there are no concrete values: an error.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import ldl
    >>> a = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> lu, d, perm = ldl(a)
    >>> np.allclose(lu @ d @ lu.T, a)
    True
    >>> osc.grad(lambda m: ldl(m)[1][1, 1])(a)  # d₂ = a₂₂ − a₂₁² / a₁₁, lower triangle
    array([[ 0.25,  0.  ],
           [-1.  ,  1.  ]])
    """
    A = _matrix(A, "ldl", "A")
    if not isinstance(A, _Tracer) or _shape_of(A)[0] == 0:
        return _scipy_linalg.ldl(_value(A, "ldl", "its pivots"), lower=lower, hermitian=hermitian)
    hermitian = bool(hermitian) and _is_complex(A)
    value = _value(A, "ldl", "its pivots")
    if hermitian:  # (what LAPACK reads: SciPy's warning about an imaginary diagonal is for the user's own call)
        value = value.copy()
        _np.fill_diagonal(value, value.diagonal().real)
    _, d0, perm = _scipy_linalg.ldl(value, lower=lower, hermitian=hermitian)
    s = _from_triangle(A, lower, hermitian)
    b = s[perm][:, perm]
    blocks = _blocks(d0, lower)
    if lower:
        l, d = _block_ldl(b, blocks, hermitian)
    else:  # U D op(U) of b is the lower factorization of b reversed
        n = _shape_of(b)[0]
        l, d = _block_ldl(b[::-1, ::-1], [(n - k - size, size) for k, size in blocks[::-1]], hermitian)
        l, d = l[::-1, ::-1], d[::-1, ::-1]
    return l[_np.argsort(perm)], d, perm


# --------------------------------------------------------------------------- qr_update, qr_insert, qr_delete


def _values(name, *xs):
    return [_value(x, name, "the signs of its factors") for x in xs]


def _unit(x):
    """``x / |x|`` (1 where ``x`` is 0): the sign, or the phase of a complex number."""
    size = _np.abs(x)
    return _np.where(size > 0, x / _np.where(size > 0, size, 1.0), 1.0)


def _as_scipys(a, q1, r1, name):
    """The QR factorization of the (traced) matrix ``a`` with the shapes, signs
    and phases of SciPy's ``(q1, r1)`` (concrete): osculate's ``qr`` (complete
    when ``q1`` is square), each leading column of ``Q`` times the unit
    ``dᵢ`` that turns it into SciPy's (and row ``i`` of ``R`` times ``conj(dᵢ)``),
    the trailing columns of a complete ``Q`` rotated onto SciPy's basis of
    the orthogonal complement by a constant unitary matrix."""
    if 0 in _shape_of(a):  # nothing left to factor: SciPy's (constant) factors
        return q1, r1
    m = _shape_of(a)[0]
    complete = q1.shape[1] == m
    q, r = _dec.qr(a, complete=complete)
    k = min(m, _shape_of(a)[1])
    qv, rv = _values(name, q, r)
    rd, rd1 = _np.diagonal(rv)[:k], _np.diagonal(r1)[:k]
    by_r = _np.abs(rd) > 1e3 * _np.finfo(float).eps * max(1.0, _np.abs(rv).max())
    overlap = _np.sum(_np.conj(qv[:, :k]) * q1[:, :k], axis=0)  # where R's diagonal cannot tell
    d = _unit(_np.where(by_r, _np.conj(rd1 / _np.where(by_r, rd, 1.0)), overlap))  # r1ᵢᵢ = conj(dᵢ) rᵢᵢ
    d = d.real if not _np.iscomplexobj(d) else d
    lead = _matmul(q, _np.diag(_np.concatenate([d, _np.ones(q1.shape[1] - k, dtype=d.dtype)])))
    if complete and m > k:
        w = _np.conj(qv[:, k:]).T @ q1[:, k:]
        pad = _np.zeros((k, m - k), dtype=w.dtype)
        lead = _matmul(lead, _np.block([[_np.eye(k, dtype=w.dtype), pad], [pad.T, w]]))
    rows = _np.concatenate([_np.conj(d), _np.ones(_shape_of(r)[0] - k, dtype=d.dtype)])
    return lead, _matmul(_np.diag(rows), r)


def _product(Q, R):
    """``Q R`` (economic or complete factors)."""
    return _matmul(Q[:, :_shape_of(R)[0]], R)


def _checked(name, Q, R, *others):
    Q, R = _onp.asarray(Q), _onp.asarray(R)
    if len(_shape_of(Q)) != 2 or len(_shape_of(R)) != 2:
        raise ValueError(f"{name}: Q and R must be matrices, got shapes {_shape_of(Q)} and {_shape_of(R)}")
    return (Q, R) + tuple(_onp.asarray(x) for x in others)


def qr_update(Q, R, u, v, overwrite_qruv=False, check_finite=True):
    """The QR factorization of ``A + u vᵀ`` (``u vᴴ`` for complex ``A``) from that of
    ``A = Q R``, as :func:`scipy.linalg.qr_update`: rank 1 (vectors ``u``,
    ``v``) or rank ``k`` (``(M, k)`` and ``(N, k)``), complete or economic.

    The value is osculate's ``qr`` of ``Q R + u vᴴ`` with the signs (phases)
    of SciPy's Givens update, read from SciPy's result on the values; it is
    differentiable in all four arguments as that function of them (on
    factors that are a QR factorization: perturbing ``Q`` away from
    orthogonal changes SciPy's result differently), with ``qr``'s
    conditions (independent leading columns).  Real signs are locally
    constant, so real factors have exact derivatives one by one.  Complex
    phases are not: SciPy's move with the input, while here the phase of
    each column relative to ``qr``'s real-diagonal convention is held, so
    complex factors have exact derivatives only in functions that do not
    depend on those phases (``Q R``, ``|R|``, ``|Q|``, ``Q Qᴴ``).  The
    trailing columns of a complete ``Q`` of a tall matrix follow ``qr``'s
    convention (only their span ``Q₂ Q₂ᴴ`` has a derivative that does not
    depend on it).

    >>> import numpy as np, scipy.linalg as sl
    >>> from osculate.scipy.linalg import qr_update
    >>> a = np.array([[2.0, 1.0], [1.0, 3.0], [0.0, 1.0]])
    >>> q, r = sl.qr(a)
    >>> q1, r1 = qr_update(q, r, np.ones(3), np.array([1.0, 0.0]))
    >>> np.allclose(q1 @ r1, a + np.outer(np.ones(3), [1.0, 0.0]))
    True
    """
    Q, R, u, v = _checked("qr_update", Q, R, u, v)
    q1, r1 = _scipy_linalg.qr_update(*_values("qr_update", Q, R, u, v))
    if len(_shape_of(u)) == 1:
        u, v = _onp.reshape(u, (-1, 1)), _onp.reshape(v, (-1, 1))
    a = _product(Q, R) + _matmul(u, _mH(v) if _is_complex(v) else _mT(v))
    return _as_scipys(a, q1, r1, "qr_update")


def _which(which, name):
    if which not in ("row", "col"):
        raise ValueError(f"{name}: which must be 'row' or 'col', got {which!r}")
    return which


def qr_insert(Q, R, u, k, which="row", rcond=None, overwrite_qru=False, check_finite=True):
    """The QR factorization of ``A = Q R`` with rows (``which='row'``: ``u`` of
    shape ``(N,)`` or ``(p, N)``) or columns (``'col'``: ``(M,)`` or
    ``(M, p)``) inserted before index ``k``, as :func:`scipy.linalg.qr_insert`
    (complete factors; economic ones for columns, with SciPy's ``rcond``
    check).

    The value is osculate's ``qr`` of the enlarged matrix with SciPy's
    signs (phases) and, for a complete ``Q`` of a tall matrix, SciPy's basis
    of the complement (see :func:`qr_update`); derivatives as there.

    >>> import numpy as np, scipy.linalg as sl
    >>> from osculate.scipy.linalg import qr_insert
    >>> q, r = sl.qr(np.array([[2.0, 1.0], [1.0, 3.0]]))
    >>> q1, r1 = qr_insert(q, r, np.array([5.0, 7.0]), 1)
    >>> np.round(q1 @ r1, 12) + 0.0
    array([[2., 1.],
           [5., 7.],
           [1., 3.]])
    """
    which = _which(which, "qr_insert")
    Q, R, u = _checked("qr_insert", Q, R, u)
    q1, r1 = _scipy_linalg.qr_insert(*_values("qr_insert", Q, R, u), k, which=which, rcond=rcond)
    a = _product(Q, R)
    m, n = _shape_of(a)
    k = int(k)
    if which == "row":
        k = k + m if k < 0 else k
        rows = _onp.reshape(u, (-1, n))
        a = _concatenate([x for x in (a[:k], rows, a[k:]) if _shape_of(x)[0]], axis=0)
    else:
        k = k + n if k < 0 else k
        cols = _onp.reshape(u, (m, -1))
        a = _concatenate([x for x in (a[:, :k], cols, a[:, k:]) if _shape_of(x)[1]], axis=1)
    return _as_scipys(a, q1, r1, "qr_insert")


def qr_delete(Q, R, k, p=1, which="row", overwrite_qr=False, check_finite=True):
    """The QR factorization of ``A = Q R`` with ``p`` rows (``which='row'``) or
    columns (``'col'``) deleted from index ``k`` on, as
    :func:`scipy.linalg.qr_delete` (complete or economic factors).

    The value is osculate's ``qr`` of the reduced matrix with SciPy's signs
    (phases) and, for a complete ``Q`` of a tall matrix, SciPy's basis of the
    complement (see :func:`qr_update`); derivatives as there.

    >>> import numpy as np, scipy.linalg as sl
    >>> from osculate.scipy.linalg import qr_delete
    >>> a = np.array([[2.0, 1.0], [5.0, 7.0], [1.0, 3.0]])
    >>> q1, r1 = qr_delete(*sl.qr(a), 1)
    >>> np.round(q1 @ r1, 12) + 0.0
    array([[2., 1.],
           [1., 3.]])
    """
    which = _which(which, "qr_delete")
    Q, R = _checked("qr_delete", Q, R)
    q1, r1 = _scipy_linalg.qr_delete(*_values("qr_delete", Q, R), k, p, which=which)
    a = _product(Q, R)
    m, n = _shape_of(a)
    k, p = int(k), int(p)
    if which == "row":
        k = k + m if k < 0 else k
        a = _concatenate([x for x in (a[:k], a[k + p:]) if _shape_of(x)[0]] or [a[:0]], axis=0)
    else:
        k = k + n if k < 0 else k
        a = _concatenate([x for x in (a[:, :k], a[:, k + p:]) if _shape_of(x)[1]] or [a[:, :0]], axis=1)
    return _as_scipys(a, q1, r1, "qr_delete")


# --------------------------------------------------------------------------- expm_cond


def expm_cond(A, check_finite=True):
    """The relative condition number of the matrix exponential in the Frobenius
    norm, as :func:`scipy.linalg.expm_cond`: ``‖K‖₂ ‖A‖_F / ‖expm(A)‖_F`` with
    ``K`` the ``n² × n²`` matrix of the Fréchet derivative ``L(A, ·)``, whose
    columns are ``L(A, E)`` for the ``n²`` unit matrices ``E``, all computed
    by one stacked :func:`expm_frechet`.  Differentiable where ``K``'s
    largest singular value is simple (``O(n⁶)`` for ``‖K‖₂``).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import expm_cond
    >>> a = np.array([[-0.3, 0.2, 0.6], [0.6, 0.3, -0.1], [-0.7, 1.2, 0.9]])
    >>> round(float(expm_cond(a)), 12)
    1.778780586447
    >>> osc.grad(expm_cond)(a).shape
    (3, 3)
    """
    A = _matrix(A, "expm_cond", "A")
    n = _shape_of(A)[0]
    units = _np.eye(n * n, dtype=_np.finfo(A.dtype).dtype).reshape(n * n, n, n)
    x, frechet = _mf.expm_frechet(A, units)
    kron = _onp.reshape(frechet, (n * n, n * n))  # (rows: the directions; the 2-norm does not mind)
    return _onp.linalg.norm(kron, 2) * _onp.linalg.norm(A, "fro") / _onp.linalg.norm(x[0], "fro")
