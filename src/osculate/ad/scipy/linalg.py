"""``scipy.linalg`` on traced values, with SciPy's signatures.

Each function takes the arguments of its SciPy namesake (``overwrite_*`` and
``check_finite`` are accepted and ignored) and returns SciPy's values, and is
differentiable to any order in every floating-point argument:

* ``solve_triangular`` is a primitive of its own: its derivatives are further
  triangular solves, never an inverse, and only the triangle it reads (without
  the diagonal when ``unit_diagonal=True``) has a derivative;
* ``cholesky``/``cho_factor`` read one triangle of ``a`` as SciPy does (the
  upper one by default, ``lower=False``); ``cho_factor`` returns SciPy's
  ``(c, lower)``, the other triangle of ``c`` holding ``a``'s entries, and
  ``cho_solve((c, lower), b)`` is two triangular solves with ``c``, so
  derivatives flow through ``c`` back to ``a``;
* ``lu_factor`` returns SciPy's ``(lu, piv)``: ``lu`` is differentiable (the
  ``lu`` primitive), ``piv`` piecewise constant, and ``lu_solve`` is two
  triangular solves with ``lu``, so ``lu_solve(lu_factor(a), b)``
  differentiates as ``solve(a, b)`` in ``a`` and ``b``; ``lu`` gives
  ``(p, l, u)`` from the same primitive (square matrices);
* ``expm`` is a primitive whose tangent is the Fréchet derivative, computed as
  SciPy's ``expm_frechet`` defines it, from ``expm([[A, E], [0, A]])``;
  ``expm_frechet(A, E)`` is that function;
* ``logm`` and ``sqrtm`` are for symmetric (Hermitian) positive definite
  input only: ``V f(w) Vᴴ`` from ``eigh``, so, as ``eigh``, they read (and
  are differentiated in) the lower triangle, and their derivatives assume
  distinct eigenvalues; a matrix that is not Hermitian (to 1e-10 relative)
  or not positive definite raises ``ValueError``;
* complex matrices work throughout: ``cholesky``, ``cho_factor``,
  ``cho_solve`` and ``solve(assume_a='her'/'pos')`` are Hermitian (``Uᴴ U``,
  ``L Lᴴ``), ``trans=2``/``'C'`` is the conjugate transpose, and ``lu``,
  ``expm``, ``solve``, ``inv``, ``det`` are holomorphic;
* ``solve``, ``inv``, ``det``, ``eigh``, ``eigvalsh``, ``norm`` and
  ``block_diag`` are written with the engine's dense kernels.

>>> import numpy as np, osculate as osc
>>> import osculate.scipy.linalg as osla
>>> a = np.array([[4.0, 1.0], [1.0, 3.0]])
>>> f = lambda m: osla.cho_solve(osla.cho_factor(m), np.ones(2)).sum()
>>> osc.grad(f)(a)  # cho_factor reads the upper triangle, as SciPy's does
array([[-0.03305785, -0.09917355],
       [ 0.        , -0.07438017]])
"""

from __future__ import annotations

import numpy as _np

from ..core import ConcretizationError as _ConcretizationError
from ..core import Tracer as _Tracer
from ..core import concrete as _concrete
from ..numpy import linalg as _np_linalg
from ..prims import linalg as _linalg
from ..prims import matfun as _mf
from ..prims.arithmetic import where as _where
from ..prims.complex_parts import is_complex as _is_complex
from ..prims.complex_parts import real as _real
from ..prims.structural import concatenate as _concatenate
from ..prims.structural import reshape as _reshape
from ..prims.structural import shape_of as _shape_of
from ..prims.unary import UNARY as _UNARY

__all__ = [
    "solve_triangular", "cholesky", "cho_factor", "cho_solve", "lu_factor", "lu_solve", "lu", "solve", "inv",
    "det", "expm", "expm_frechet", "logm", "sqrtm", "eigh", "eigvalsh", "block_diag", "norm",
]


def _as_array(x):
    if isinstance(x, _Tracer):
        return x
    x = _np.asarray(x)
    return x.astype(_np.result_type(x.dtype, float), copy=False)  # integers become floats; complex stays complex


def _square(a, name):
    a = _as_array(a)
    s = _shape_of(a)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ValueError(f"{name}: expected a square matrix (..., n, n), got shape {s}")
    return a


def _value_or_none(x):
    """The concrete value of ``x``, or None where there is none (vmap, jit,
    global sparsity): value checks are skipped there."""
    try:
        return _np.asarray(_concrete(x))
    except _ConcretizationError:
        return None


def _trans_flag(trans):
    """0 (``a``), 1 (``aᵀ``) or 2 (``aᴴ``; the same as 1 for real arrays)."""
    if trans in (0, "N", "n"):
        return 0
    if trans in (1, "T", "t"):
        return 1
    if trans in (2, "C", "c"):
        return 2
    raise ValueError(f"trans must be 0/1/2 or 'N'/'T'/'C', got {trans!r}")


def _as_columns(a, b, name):
    """``b`` as a matrix (..., n, k), and a function restoring its original shape."""
    b = _as_array(b)
    n, sb = _shape_of(a)[-1], _shape_of(b)
    if len(sb) == 1:
        if sb[0] != n:
            raise ValueError(f"{name}: shapes of a {_shape_of(a)} and b {sb} are incompatible")
        return _reshape(b, (n, 1)), lambda x: _reshape(x, (n,))
    if len(sb) == 0 or sb[-2] != n:
        raise ValueError(f"{name}: shapes of a {_shape_of(a)} and b {sb} are incompatible")
    return b, lambda x: x


# --------------------------------------------------------------------------- triangular and Cholesky


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, check_finite=True):
    """Solve ``a x = b`` (``trans=0``/``'N'``), ``aᵀ x = b`` (``1``/``'T'``) or
    ``aᴴ x = b`` (``2``/``'C'``) for a triangular ``a``, as
    :func:`scipy.linalg.solve_triangular` (real or complex).

    Only the ``lower`` (else upper) triangle of ``a`` is read, without its
    diagonal when ``unit_diagonal=True``; the derivative in ``a`` lives on that
    triangle, and is computed with triangular solves.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import solve_triangular
    >>> L = np.array([[2.0, 0.0], [1.0, 4.0]])
    >>> solve_triangular(L, np.array([2.0, 9.0]), lower=True)
    array([1., 2.])
    >>> osc.grad(lambda b: solve_triangular(L, b, lower=True).sum())(np.ones(2))
    array([0.375, 0.25 ])
    """
    a = _square(a, "solve_triangular")
    b, back = _as_columns(a, b, "solve_triangular")
    return back(_mf.solve_triangular(a, b, lower=lower, trans=_trans_flag(trans), unit=unit_diagonal))


def _cholesky_lower(a, lower):
    """The Cholesky factor ``L`` (``L Lᴴ = a``) of the triangle SciPy reads (``lower`` or upper)."""
    return _linalg.cholesky(a if lower else _linalg.mH(a))


def cholesky(a, lower=False, overwrite_a=False, check_finite=True):
    """The Cholesky factor of a symmetric (Hermitian) positive definite matrix:
    upper ``U`` with ``Uᴴ U = a`` (SciPy's default) or lower ``L`` with
    ``L Lᴴ = a``.

    As SciPy, only the upper (``lower=False``) or lower triangle of ``a`` is
    read (and the real part of its diagonal).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import cholesky
    >>> cholesky(np.array([[4.0, 2.0], [2.0, 5.0]]))
    array([[2., 1.],
           [0., 2.]])
    """
    a = _square(a, "cholesky")
    lo = _cholesky_lower(a, lower)
    return lo if lower else _linalg.mH(lo)


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """``(c, lower)`` as :func:`scipy.linalg.cho_factor`: the Cholesky factor in
    the ``lower`` (else upper) triangle of ``c``, the other triangle holding
    ``a``'s own entries (as SciPy leaves them).  Pass it to :func:`cho_solve`;
    derivatives flow through ``c``.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import cho_factor
    >>> c, low = cho_factor(np.array([[4.0, 2.0], [2.0, 5.0]]))
    >>> c, low
    (array([[2., 1.],
           [2., 2.]]), False)
    """
    a = _square(a, "cho_factor")
    lo = _cholesky_lower(a, lower)
    n = _shape_of(a)[-1]
    if lower:
        return _where(_np.tri(n, n, 0, dtype=bool), lo, a), True
    return _where(_np.tri(n, n, -1, dtype=bool), a, _linalg.mH(lo)), False


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """Solve ``a x = b`` given ``(c, lower) = cho_factor(a)``: two triangular
    solves with the factor in ``c`` (differentiable in ``c`` and ``b``).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import cho_factor, cho_solve
    >>> a = np.array([[4.0, 2.0], [2.0, 5.0]])
    >>> cho_solve(cho_factor(a), np.array([6.0, 7.0]))
    array([1., 1.])
    """
    c, lower = c_and_lower
    c = _square(c, "cho_solve")
    b, back = _as_columns(c, b, "cho_solve")
    lower = bool(lower)
    # lower: L Lᴴ x = b; upper: Uᴴ U x = b (U stored in c's upper triangle)
    y = _mf.solve_triangular(c, b, lower=lower, trans=0 if lower else 2)
    return back(_mf.solve_triangular(c, y, lower=lower, trans=2 if lower else 0))


# --------------------------------------------------------------------------- LU


def lu_factor(a, overwrite_a=False, check_finite=True):
    """``(lu, piv)`` as :func:`scipy.linalg.lu_factor` (a square matrix).

    ``lu`` (``L`` below the diagonal, ``U`` on and above it) is differentiable;
    the pivots ``piv`` are piecewise constant.  :func:`lu_solve` differentiates
    through ``lu``, so ``lu_solve(lu_factor(a), b)`` has the derivatives of
    ``solve(a, b)``.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import lu_factor
    >>> lu, piv = lu_factor(np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> piv
    array([1, 1], dtype=int32)
    """
    a = _square(a, "lu_factor")
    return _mf.lu(a), _mf.lu_pivots(a)


def lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """Solve ``a x = b`` (``trans=0``), ``aᵀ x = b`` (``1``) or ``aᴴ x = b`` (``2``) given
    ``(lu, piv) = lu_factor(a)``: triangular solves with ``lu``.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import lu_factor, lu_solve
    >>> a = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> lu_solve(lu_factor(a), np.array([5.0, 11.0]))
    array([1., 2.])
    """
    lu_, piv = lu_and_piv
    lu_ = _square(lu_, "lu_solve")
    b, back = _as_columns(lu_, b, "lu_solve")
    mode = _trans_flag(trans)
    if not mode:  # q a = L U:  x = U⁻¹ L⁻¹ q b
        y = _mf.solve_triangular(lu_, _mf.lu_permute(piv, b), lower=True, unit=True)
        return back(_mf.solve_triangular(lu_, y, lower=False))
    y = _mf.solve_triangular(lu_, b, lower=False, trans=mode)  # aᵀ = Uᵀ Lᵀ q (aᴴ = Uᴴ Lᴴ q)
    return back(_mf.lu_permute(piv, _mf.solve_triangular(lu_, y, lower=True, trans=mode, unit=True), trans=True))


def lu(a, permute_l=False, overwrite_a=False, check_finite=True, p_indices=False):
    """``(p, l, u)`` with ``a = p @ l @ u`` as :func:`scipy.linalg.lu` (square
    matrices); ``(p @ l, u)`` when ``permute_l``; ``p`` as row indices
    (``a = l[p] @ u``) when ``p_indices``.  ``l`` and ``u`` are differentiable.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import lu
    >>> p, l, u = lu(np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> u
    array([[3.        , 4.        ],
           [0.        , 0.66666667]])
    """
    a = _square(a, "lu")
    lu_, piv = _mf.lu(a), _mf.lu_pivots(a)
    n = _shape_of(a)[-1]
    low = _where(_np.tri(n, n, -1, dtype=bool), lu_, _np.eye(n))
    up = _where(_np.tri(n, n, -1, dtype=bool), 0.0, lu_)
    if permute_l:
        return _mf.lu_permute(piv, low, trans=True), up
    if p_indices:
        pv = _value_or_none(piv)
        if pv is None:
            raise ValueError("lu(p_indices=True) needs the concrete pivots (not available under vmap or jit)")
        return _np.argsort(_mf.lu_permute(pv, _np.arange(n, dtype=float)[:, None])[..., 0], axis=-1), low, up
    return _mf.lu_permute(piv, _np.eye(n), trans=True), low, up


# --------------------------------------------------------------------------- solve, inv, det


_ASSUME = {
    None: "gen", "gen": "gen", "general": "gen", "sym": "sym", "symmetric": "sym", "her": "her",
    "hermitian": "her", "pos": "pos", "positive definite": "pos", "diagonal": "diagonal",
    "tridiagonal": "tridiagonal", "upper triangular": "upper", "lower triangular": "lower",
}


def _symmetric_from(a, lower):
    """The symmetric matrix of the ``lower`` (else upper) triangle of ``a``."""
    n = _shape_of(a)[-1]
    mask = _np.tri(n, n, 0, dtype=bool)
    if not lower:
        mask = mask.T
    return _where(mask, a, _linalg.mT(a))


def _hermitian_from(a, lower):
    """The Hermitian matrix of the ``lower`` (else upper) triangle of ``a``, the
    real part of its diagonal (``_symmetric_from`` for a real ``a``)."""
    if not _is_complex(a):
        return _symmetric_from(a, lower)
    n = _shape_of(a)[-1]
    mask = _np.tri(n, n, -1, dtype=bool)
    if not lower:
        mask = mask.T
    off = _where(mask, a, 0.0)
    return off + _linalg.mH(off) + _real(a) * _np.eye(n)


def solve(a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True, assume_a=None,
          transposed=False):
    """Solve ``a x = b`` (``aᵀ x = b`` when ``transposed``) as :func:`scipy.linalg.solve`.

    ``assume_a``: ``None``/``'gen'`` (a general matrix), ``'sym'``/``'her'``
    (only the ``lower``, else upper, triangle is read: completed to a
    symmetric, resp. Hermitian matrix with a real diagonal), ``'pos'``
    (Hermitian, through a Cholesky factor; ``LinAlgError`` when not positive definite),
    ``'diagonal'``, ``'tridiagonal'``, ``'upper triangular'`` and ``'lower
    triangular'`` (only those entries are read).  ``'banded'`` is not supported.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import solve
    >>> solve(np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([3.0, 4.0]), assume_a="pos")
    array([1., 1.])
    """
    kind = _ASSUME.get(assume_a)
    if kind is None:
        raise ValueError(f"solve: assume_a={assume_a!r} is not supported; use one of {sorted(k for k in _ASSUME if k)}")
    a = _square(a, "solve")
    n = _shape_of(a)[-1]
    if kind == "sym":
        a = _symmetric_from(a, lower)
    elif kind in ("her", "pos"):
        a = _hermitian_from(a, lower)
        if kind == "pos":
            return cho_solve(cho_factor(a, lower=True), b)
    elif kind == "diagonal":
        a = _where(_np.eye(n, dtype=bool), a, 0.0)
    elif kind == "tridiagonal":
        i = _np.arange(n)
        a = _where(_np.abs(i[:, None] - i[None, :]) <= 1, a, 0.0)
    elif kind in ("upper", "lower"):
        return solve_triangular(a, b, trans=1 if transposed else 0, lower=kind == "lower")
    if transposed:
        a = _linalg.mT(a)
    b = _as_array(b)
    _as_columns(a, b, "solve")
    return _linalg.solve(a, b)


def inv(a, overwrite_a=False, check_finite=True, *, assume_a=None, lower=False):
    """The inverse of a square matrix, as :func:`scipy.linalg.inv`; with
    ``assume_a='sym'``/``'her'``/``'pos'`` only the ``lower`` (else upper)
    triangle is read, with ``'upper triangular'``/``'lower triangular'`` that
    triangle, with ``'diagonal'`` the diagonal (the inverse of the diagonal
    matrix: SciPy 1.17 leaves the off-diagonal entries of ``a`` in its result).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import inv
    >>> inv(np.array([[2.0, 0.0], [0.0, 4.0]]))
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    a = _square(a, "inv")
    kind = _ASSUME.get(assume_a)
    if kind == "sym":
        a = _symmetric_from(a, lower)
    elif kind in ("her", "pos"):
        a = _hermitian_from(a, lower)
    elif kind == "diagonal":
        a = _where(_np.eye(_shape_of(a)[-1], dtype=bool), a, 0.0)
    elif kind in ("upper", "lower"):
        n = _shape_of(a)[-1]
        return solve_triangular(a, _np.broadcast_to(_np.eye(n), _shape_of(a)), lower=kind == "lower")
    elif kind != "gen":
        raise ValueError(f"inv: assume_a={assume_a!r} is not supported")
    return _linalg.inv(a)


def det(a, overwrite_a=False, check_finite=True):
    """The determinant, as :func:`scipy.linalg.det`.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import det
    >>> round(float(det(np.array([[2.0, 1.0], [1.0, 3.0]]))), 12)
    5.0
    """
    return _linalg.det(_square(a, "det"))


def norm(a, ord=None, axis=None, keepdims=False, check_finite=True):
    """As :func:`scipy.linalg.norm`, through ``osculate.numpy.linalg.norm``
    (vector norms ``ord=None/1/2/inf`` and the Frobenius norm).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import norm
    >>> float(norm(np.array([3.0, 4.0])))
    5.0
    """
    return _np_linalg.norm(_as_array(a), ord=ord, axis=axis, keepdims=keepdims)


# --------------------------------------------------------------------------- matrix functions


def expm(A):
    """The matrix exponential, as :func:`scipy.linalg.expm` (stacks too).  Its
    derivative is the Fréchet derivative :func:`expm_frechet`.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import expm
    >>> expm(np.zeros((2, 2)))
    array([[1., 0.],
           [0., 1.]])
    """
    return _mf.expm(_square(A, "expm"))


def expm_frechet(A, E, method=None, compute_expm=True, check_finite=True):
    """``(expm(A), L(A, E))`` (only ``L`` when ``compute_expm=False``), as
    :func:`scipy.linalg.expm_frechet`: ``L(A, E)`` is the derivative of ``expm``
    at ``A`` in the direction ``E``, the top-right block of
    ``expm([[A, E], [0, A]])`` (``method`` is accepted and ignored).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import expm_frechet
    >>> ea, l = expm_frechet(np.zeros((2, 2)), np.eye(2))
    >>> l
    array([[1., 0.],
           [0., 1.]])
    """
    ea, le = _mf.expm_frechet(_square(A, "expm_frechet"), _square(E, "expm_frechet"))
    return (ea, le) if compute_expm else le


def _spd_function(A, name, f):
    A = _square(A, name)
    v = _value_or_none(A)
    if v is not None and v.size:
        scale = max(1.0, float(_np.max(_np.abs(v))))
        if float(_np.max(_np.abs(v - _np.conj(_np.swapaxes(v, -1, -2))))) > 1e-10 * scale:
            raise ValueError(f"osculate.scipy.linalg.{name} supports symmetric positive definite (or Hermitian "
                             "positive definite) matrices only; this matrix is not symmetric (Hermitian)")
        if float(_np.min(_np.linalg.eigvalsh(v))) <= 0:
            raise ValueError(f"osculate.scipy.linalg.{name} supports symmetric positive definite (or Hermitian "
                             "positive definite) matrices only; this matrix has an eigenvalue <= 0")
    w, vecs = _linalg.eigh(A)
    fw = f(w)
    return _linalg.matmul(vecs * _reshape(fw, _shape_of(fw)[:-1] + (1, _shape_of(fw)[-1])), _linalg.mH(vecs))


def logm(A, disp=True):
    """The matrix logarithm of a symmetric (Hermitian) positive definite matrix,
    ``V log(w) Vᴴ`` from ``eigh`` (``ValueError`` for other input; the
    derivatives assume distinct eigenvalues, as ``eigh``'s).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import logm
    >>> logm(np.diag([1.0, np.e]))
    array([[0., 0.],
           [0., 1.]])
    """
    return _spd_function(A, "logm", _UNARY["log"].bind)


def sqrtm(A, disp=True, blocksize=64):
    """The principal square root of a symmetric (Hermitian) positive definite matrix,
    ``V sqrt(w) Vᴴ`` from ``eigh`` (``ValueError`` for other input; the
    derivatives assume distinct eigenvalues, as ``eigh``'s).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import sqrtm
    >>> sqrtm(np.diag([4.0, 9.0]))
    array([[2., 0.],
           [0., 3.]])
    """
    return _spd_function(A, "sqrtm", _UNARY["sqrt"].bind)


# --------------------------------------------------------------------------- eigh, block_diag


def _no_generalized(b, name, kw):
    if b is not None:
        raise NotImplementedError(f"osculate.scipy.linalg.{name}: the generalized problem (b=...) is not supported")
    bad = [k for k, v in kw.items() if v is not None and k in ("subset_by_index", "subset_by_value")]
    if bad or kw.get("type", 1) != 1:
        raise NotImplementedError(f"osculate.scipy.linalg.{name}: {', '.join(bad) or 'type'} is not supported")


def eigh(a, b=None, *, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False, type=1,
         check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix, reading
    its ``lower`` (else upper) triangle, as :func:`scipy.linalg.eigh` (``w``
    alone when ``eigvals_only``).  Derivatives assume distinct eigenvalues.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import eigh
    >>> eigh(np.array([[2.0, 1.0], [1.0, 2.0]]), eigvals_only=True)
    array([1., 3.])
    """
    _no_generalized(b, "eigh", {"subset_by_index": subset_by_index, "subset_by_value": subset_by_value, "type": type})
    a = _square(a, "eigh")
    w, v = _linalg.eigh(a if lower else _linalg.mH(a))
    return w if eigvals_only else (w, v)


def eigvalsh(a, b=None, *, lower=True, overwrite_a=False, overwrite_b=False, type=1, check_finite=True,
             subset_by_index=None, subset_by_value=None, driver=None):
    """Eigenvalues (ascending) of a symmetric matrix, as :func:`scipy.linalg.eigvalsh`.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import eigvalsh
    >>> eigvalsh(np.diag([3.0, 1.0]))
    array([1., 3.])
    """
    _no_generalized(b, "eigvalsh", {"subset_by_index": subset_by_index, "subset_by_value": subset_by_value,
                                    "type": type})
    return eigh(a, lower=lower, eigvals_only=True)


def block_diag(*arrs):
    """The block-diagonal matrix of the given blocks, as :func:`scipy.linalg.block_diag`
    (a 1-d block is a row, a 0-d block a 1 x 1 matrix).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import block_diag
    >>> block_diag(np.array([[1.0, 2.0]]), 3.0)
    array([[1., 2., 0.],
           [0., 0., 3.]])
    """
    if not arrs:
        return _np.empty((1, 0))
    blocks = []
    for x in arrs:
        x = _as_array(x)
        s = _shape_of(x)
        if len(s) > 2:
            raise ValueError(f"block_diag: blocks must have at most 2 dimensions, got shape {s}")
        blocks.append(_reshape(x, (1,) * (2 - len(s)) + tuple(s)) if len(s) < 2 else x)
    cols = [_shape_of(x)[1] for x in blocks]
    rows = []
    for i, x in enumerate(blocks):
        r = _shape_of(x)[0]
        parts = [x if j == i else _np.zeros((r, c)) for j, c in enumerate(cols)]
        rows.append(_concatenate(parts, axis=1))
    return _concatenate(rows, axis=0)
