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
  ``block_diag`` are written with the engine's dense kernels;
* ``svd``, ``svdvals``, ``qr``, ``pinv``, ``pinvh`` and ``lstsq`` forward to
  ``osculate.numpy.linalg`` with SciPy's arguments and return values (plain
  tuples, ``qr``'s modes and shapes, ``lstsq``'s scalar residue, cutoffs
  ``atol + rtol · max(s)``), and have its derivatives and their limits
  (distinct singular values, independent columns, constant rank);
* ``toeplitz``, ``circulant``, ``hankel``, ``companion`` and ``khatri_rao``
  are gathers and products: linear (bilinear) in their input;
* ``solve_sylvester`` (and ``solve_continuous_lyapunov``/``solve_lyapunov``,
  with ``b = aᴴ``) is a primitive whose value is SciPy's Bartels–Stewart
  solve (O(n³) time, O(n²) memory) and whose derivatives solve the
  differentiated equation ``a dX + dX b = dq − da X − X db`` (the adjoint:
  with ``aᵀ``, ``bᵀ``); ``solve_discrete_lyapunov`` likewise, with
  ``dX − a dX aᴴ = dq + da X aᴴ + a X daᴴ``;
* ``solve_continuous_are`` and ``solve_discrete_are`` take SciPy's value and
  differentiate by the implicit function theorem: with the gain ``K`` and the
  closed loop ``Ac = a − b K`` the derivative solves a Lyapunov (resp. Stein)
  equation in ``Ac``, written with the primitives above (``e`` and ``s`` are
  not supported);
* ``solve_banded``, ``solveh_banded``, ``cholesky_banded`` and
  ``cho_solve_banded`` are primitives with SciPy's values whose derivatives
  work on the band storage only (products from the band, solves with the
  transposed band, and for ``cholesky_banded`` a banded triangular system
  in the band entries): O(n · bandwidth) memory at every order;
* ``solve_toeplitz`` is a primitive with SciPy's Levinson value whose
  derivatives are Toeplitz solves again (``Tᵀ`` for the adjoint) with
  ``dT x`` from ``matmul_toeplitz``, itself an FFT product of the circulant
  embedding, linear in each argument;
* ``sinm``, ``cosm``, ``tanm``, ``sinhm``, ``coshm``, ``tanhm`` are built
  from ``expm`` (of ``iA`` for the trigonometric ones);
* ``orth`` and ``null_space`` slice the SVD at a rank chosen from the
  concrete singular values and held constant (full rank inside
  ``jit``/``vmap``): the subspaces (their projectors) have exact
  derivatives at constant rank; ``polar`` (``u = w vh``, ``p = vhᴴ s vh``),
  ``orthogonal_procrustes`` (``R = u vh``, ``scale = Σ s`` of ``Aᴴ B``) and
  ``subspace_angles`` (SciPy's arccos/arcsin algorithm, both branches
  computed) are products of ``svd``'s factors, with its derivatives
  (distinct, nonzero singular values);
* ``fractional_matrix_power`` is repeated products for an integer power
  (any square matrix) and otherwise ``V w^t Vᴴ`` from ``eigh`` for
  symmetric positive definite input only, like ``logm``, differentiable
  in the matrix and in ``t``;
* ``convolution_matrix`` (a Toeplitz gather), ``leslie``,
  ``fiedler_companion`` (a gather of ``−a/a₀``), ``diagsvd`` are linear in
  their input, ``fiedler`` is ``|aᵢ − aⱼ|``; ``hadamard`` is SciPy's
  constant matrix;
* ``rq`` is the QR decomposition of ``a`` transposed with rows and columns
  reversed (LAPACK's RQ reflected: SciPy's values and signs), and
  ``qr_multiply`` multiplies by the economic ``Q``; both have ``qr``'s
  derivatives;
* ``eig`` and ``eigvals`` are ``osculate.numpy.linalg.eig`` (complex, with
  its derivatives), with SciPy's dtypes; the generalized problem ``(a, b)``
  is that of ``solve(b, a)``, put in SciPy's order with SciPy's phases from
  the concrete values; ``eigh_tridiagonal``, ``eig_banded`` (and their
  eigenvalue-only forms) assemble the matrix and call ``eigh`` (``O(n³)``,
  derivatives in the stored entries only), keeping the eigenpairs
  ``select`` asks for and SciPy's eigenvector signs;
* ``dft`` is SciPy's constant matrix, and ``find_best_blas_type``,
  ``get_blas_funcs`` and ``get_lapack_funcs`` read a traced array's dtype;
* ``funm`` is ``V diag(func(w)) V⁻¹`` from ``eig`` and ``signm`` is ``funm``
  of the sign (derivatives: distinct eigenvalues); ``matrix_balance`` and
  ``cdf2rdf`` choose their structure (SciPy's scaling, the complex pairs)
  from concrete values and are then linear; ``clarkson_woodruff_transform``
  applies SciPy's sketch for the same ``rng``; ``bandwidth``,
  ``issymmetric`` and ``ishermitian`` check concrete values;
* ``schur`` (a primitive: SciPy's values, derivatives for distinct
  eigenvalues, 2x2 blocks of the real form outside jit/vmap),
  ``rsf2csf``, ``ldl`` (SciPy's pivoting held fixed), ``qr_update``,
  ``qr_insert``, ``qr_delete`` (``qr`` of the modified matrix with SciPy's
  signs) and ``expm_cond`` are described in ``_linalg_decomp``.

>>> import numpy as np, osculate as osc
>>> import osculate.scipy.linalg as osla
>>> a = np.array([[4.0, 1.0], [1.0, 3.0]])
>>> f = lambda m: osla.cho_solve(osla.cho_factor(m), np.ones(2)).sum()
>>> osc.grad(f)(a)  # cho_factor reads the upper triangle, as SciPy's does
array([[-0.03305785, -0.09917355],
       [ 0.        , -0.07438017]])
"""

from __future__ import annotations

import functools as _functools

import numpy as _np
from scipy import linalg as _scipy_linalg
from scipy import sparse as _scipy_sparse

from ..core import ConcretizationError as _ConcretizationError
from ..core import Tracer as _Tracer
from ..core import concrete as _concrete
from .. import numpy as _onp
from ..numpy import linalg as _np_linalg
from ..numpy.extras import _dtype_stand_in
from ..prims import decompositions as _dec
from ..prims import eig as _eig
from ..prims import equations as _eq
from ..prims import linalg as _linalg
from ..prims import matfun as _mf
from ..prims.arithmetic import where as _where
from ..prims.complex_parts import conj as _conj
from ..prims.complex_parts import imag as _imag
from ..prims.complex_parts import is_complex as _is_complex
from ..prims.complex_parts import real as _real
from ..prims.structural import concatenate as _concatenate
from ..prims.structural import reshape as _reshape
from ..prims.structural import shape_of as _shape_of
from ..prims.unary import UNARY as _UNARY
from . import _linalg_decomp
from ._linalg_decomp import *  # noqa: F401,F403 (schur, rsf2csf, ...)

__all__ = [
    "solve_triangular", "cholesky", "cho_factor", "cho_solve", "lu_factor", "lu_solve", "lu", "solve", "inv",
    "det", "expm", "expm_frechet", "logm", "sqrtm", "eigh", "eigvalsh", "block_diag", "norm",
    "svd", "svdvals", "qr", "pinv", "pinvh", "lstsq", "toeplitz", "circulant", "hankel", "companion", "khatri_rao",
    "solve_sylvester", "solve_continuous_lyapunov", "solve_lyapunov", "solve_discrete_lyapunov",
    "solve_continuous_are", "solve_discrete_are", "solve_banded", "solveh_banded", "cholesky_banded",
    "cho_solve_banded", "solve_toeplitz", "matmul_toeplitz", "orth", "null_space", "polar", "orthogonal_procrustes",
    "subspace_angles", "fractional_matrix_power", "convolution_matrix", "leslie", "fiedler", "fiedler_companion",
    "diagsvd", "hadamard",
    "sinm", "cosm", "tanm", "sinhm", "coshm", "tanhm",
    "rq", "qr_multiply", "eig", "eigvals", "eigh_tridiagonal", "eigvalsh_tridiagonal", "eig_banded", "eigvals_banded",
    "matrix_balance", "cdf2rdf", "clarkson_woodruff_transform", "bandwidth", "issymmetric", "ishermitian",
    "funm", "signm", "dft", "find_best_blas_type", "get_blas_funcs", "get_lapack_funcs",
    "hessenberg",
]
__all__ += _linalg_decomp.__all__


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


def _concrete_single(x, ndim, name, what, instead):
    """The concrete value of ``x`` (of one matrix: ``ndim`` dimensions), from which
    ``name`` chooses ``what`` (a piecewise-constant choice), or an error saying why not."""
    v = _value_or_none(x)
    if v is None:
        raise ValueError(f"osculate.scipy.linalg.{name} chooses {what} from concrete values, which do not "
                         f"exist inside jit or vmap; {instead}")
    if v.ndim != ndim:
        raise NotImplementedError(f"osculate.scipy.linalg.{name}: a single matrix only, not a stack")
    return v


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


# --------------------------------------------------------------------------- svd, qr, pinv, lstsq


def svd(a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True, lapack_driver="gesdd"):
    """``(U, s, Vh)`` with ``a = U[:, :k] @ diag(s) @ Vh[:k]`` (``s`` descending),
    or ``s`` alone when ``compute_uv=False``, as :func:`scipy.linalg.svd`
    (a plain tuple; ``lapack_driver`` is checked and otherwise ignored).

    Computed by ``osculate.numpy.linalg.svd``, whose derivatives it has: they
    need distinct, nonzero singular values (at ties and zeros a finite
    convention is used, exact only for functions such as ``s.sum()`` or
    ``U @ Vh`` that do not see it); a pair of singular vectors is known only
    up to its sign (phase), and the derivative is that of the vectors
    returned, which move continuously away from ties.  With
    ``full_matrices=True`` only the span of the extra columns of ``U`` (rows
    of ``Vh``) has a derivative independent of that convention.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import svd
    >>> svd(np.diag([1.0, 3.0]), compute_uv=False)
    array([3., 1.])
    >>> osc.grad(lambda m: svd(m, compute_uv=False)[0])(np.diag([1.0, 3.0]))  # u₁ v₁ᵀ
    array([[0., 0.],
           [0., 1.]])
    """
    if lapack_driver not in ("gesdd", "gesvd"):
        raise ValueError(f'lapack_driver must be "gesdd" or "gesvd", not "{lapack_driver}"')
    a = _as_array(a)
    if not compute_uv:
        return _np_linalg.svd(a, compute_uv=False)
    return tuple(_np_linalg.svd(a, full_matrices=full_matrices))


def svdvals(a, overwrite_a=False, check_finite=True):
    """The singular values of ``a``, descending, as :func:`scipy.linalg.svdvals`
    (``svd(a, compute_uv=False)``; derivatives as :func:`svd`'s: exact where
    the singular values are distinct and nonzero, and for their sum always).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import svdvals
    >>> svdvals(np.array([[0.0, 2.0], [1.0, 0.0]]))
    array([2., 1.])
    """
    return svd(a, compute_uv=False)


def qr(a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    """The QR decomposition as :func:`scipy.linalg.qr`: ``(Q, R)`` with ``Q``
    ``m × m`` and ``R`` ``m × n`` (``mode='full'``), ``Q`` ``m × k`` and ``R``
    ``k × n`` (``'economic'``, ``k = min(m, n)``), or the 1-tuple ``(R,)``
    with ``R`` ``m × n`` (``'r'``); with ``pivoting=True`` the column
    permutation ``P`` (``a[:, P] = Q @ R``) is appended.

    Computed by ``osculate.numpy.linalg.qr`` (see there): the derivative
    exists where the first ``k`` columns of ``a`` (of ``a[:, P]``) are
    linearly independent; for a tall ``a`` the last ``m − k`` columns of the
    full ``Q`` are not unique and only their span has a derivative
    independent of osculate's convention.  With ``pivoting=True`` the
    permutation is SciPy's, chosen from the concrete value of ``a`` and held
    constant (piecewise constant, no derivative), then ``a[:, P]`` is
    factorised; inside ``jit``/``vmap`` there is no value to choose from and
    it raises ``ValueError``.  ``mode='raw'`` is not supported.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import qr
    >>> (r,) = qr(np.array([[3.0, 1.0], [4.0, 2.0], [0.0, 0.0]]), mode="r")
    >>> r.shape
    (3, 2)
    >>> g = osc.grad(lambda m: abs(qr(m, mode="r")[0][0, 0]))(np.array([[3.0, 1.0], [4.0, 2.0]]))
    >>> bool(np.allclose(g, [[0.6, 0.0], [0.8, 0.0]]))  # |R₀₀| = ‖a[:, 0]‖
    True
    """
    if mode not in ("full", "r", "economic", "raw"):
        raise ValueError("Mode argument should be one of ['full', 'r', 'economic', 'raw']")
    if mode == "raw":
        raise NotImplementedError("osculate.scipy.linalg.qr: mode='raw' (LAPACK's Householder reflectors) is not "
                                  "supported on traced values; use mode='full', 'economic' or 'r'")
    a = _as_array(a)
    s = _shape_of(a)
    if len(s) < 2:
        raise ValueError(f"qr: expected a matrix (..., m, n), got shape {s}")
    perm = None
    if pivoting:
        v = _concrete_single(a, 2, "qr(pivoting=True)", "the column permutation", "use pivoting=False there")
        perm = _scipy_linalg.qr(v, mode="r", pivoting=True)[1]
        a = a[:, perm]
    m, n = s[-2:]
    if mode == "r":
        r = _np_linalg.qr(a, mode="r")
        if m > n:  # SciPy's R has the m rows of the full factorisation
            r = _concatenate([r, _np.zeros(s[:-2] + (m - n, n), dtype=r.dtype)], axis=-2)
        out = (r,)
    else:
        out = tuple(_np_linalg.qr(a, mode="complete" if mode == "full" else "reduced"))
    return out + (perm,) if pivoting else out


_EPS = _np.finfo(float).eps


def _pinv(a, atol, rtol, return_rank, hermitian):
    """The pseudo-inverse keeping the singular values above ``atol + rtol · max(s)``
    (SciPy's defaults), from osculate's ``pinv`` primitive (derivative at constant rank)."""
    s = _shape_of(a)
    atol = 0.0 if atol is None else atol
    rtol = max(s[-2:]) * _EPS if rtol is None else rtol
    if _np.ndim(atol) or _np.ndim(rtol):
        raise NotImplementedError("osculate.scipy.linalg.pinv/pinvh: atol and rtol must be numbers, not arrays")
    if atol < 0.0 or rtol < 0.0:
        raise ValueError("atol and rtol values must be positive.")
    rcond = float(rtol)
    sv = _np_linalg.svdvals(a) if atol > 0.0 or return_rank else None
    if atol > 0.0:  # the primitive takes a relative cutoff: rtol + atol / max(s), from the concrete max(s)
        smax = _concrete_single(sv, 1, "pinv/pinvh with atol > 0", "the cutoff", "use rtol alone there")
        rcond += float(atol) / smax[0] if smax.size and smax[0] > 0 else 0.0
    x = _dec.pinv(a, rcond, hermitian)
    if not return_rank:
        return x
    cutoff = atol + rtol * sv[..., :1] if s[-1] and s[-2] else atol
    rank = _np.sum(sv > cutoff, axis=-1)
    return x, (_python_int(rank) if hermitian else rank)  # SciPy's pinvh gives an int, pinv a NumPy integer


def _python_int(n):
    """``n`` as a Python int where it has a single concrete value (not inside ``jit``/``vmap``)."""
    v = _value_or_none(n)
    return int(v) if v is not None and v.ndim == 0 else n


def rq(a, overwrite_a=False, lwork=None, mode="full", check_finite=True):
    """The RQ decomposition ``a = R @ Q`` as :func:`scipy.linalg.rq`: ``(R, Q)``
    with ``R`` ``m × n`` and ``Q`` ``n × n`` (``mode='full'``), ``R`` ``m × k`` and
    ``Q`` ``k × n`` (``'economic'``, ``k = min(m, n)``), or ``R`` alone (``'r'``).

    It is the QR decomposition of ``a`` transposed with its rows and columns
    reversed (``P_n aᵀ P_m = Q₁ R₁`` gives ``R = P_m R₁ᵀ P``, ``Q = P Q₁ᵀ P_n``),
    which is LAPACK's RQ reflected: the values are SciPy's, signs included,
    and the derivatives are :func:`qr`'s (the last ``k`` rows of ``a``
    linearly independent; for a wide ``a`` only the span of the extra rows of
    the full ``Q`` has a convention-free derivative).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import rq
    >>> r, q = rq(np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> bool(np.allclose(r @ q, [[1.0, 2.0], [3.0, 4.0]])), float(r[1, 0])
    (True, 0.0)
    >>> osc.grad(lambda m: abs(rq(m, mode="r")[1, 1]))(np.array([[1.0, 2.0], [3.0, 4.0]])) + 0.0  # ‖a[1]‖
    array([[0. , 0. ],
           [0.6, 0.8]])
    """
    if mode not in ("full", "r", "economic"):
        raise ValueError("Mode argument should be one of ['full', 'r', 'economic']")
    a = _as_array(a)
    if len(_shape_of(a)) != 2:
        raise ValueError(f"rq: expected a 2-d array, got shape {_shape_of(a)}")
    flipped = _onp.swapaxes(a, 0, 1)[::-1, ::-1]
    q1, r1 = qr(flipped, mode="economic" if mode == "economic" else "full")
    r = _onp.swapaxes(r1, 0, 1)[::-1, ::-1]
    if mode == "r":
        return r
    return r, _onp.swapaxes(q1, 0, 1)[::-1, ::-1]


def qr_multiply(a, c, mode="right", pivoting=False, conjugate=False, overwrite_a=False, overwrite_c=False):
    """``(c @ Q, R)`` (``mode='right'``) or ``(Q @ c, R)`` (``'left'``) from the
    economic QR decomposition of ``a`` (``Q`` ``m × k``, ``R`` ``k × n``), as
    :func:`scipy.linalg.qr_multiply`; ``conjugate=True`` uses ``conj(Q)``,
    ``pivoting=True`` appends SciPy's column permutation (see :func:`qr`).
    Differentiable in ``a`` (as :func:`qr`) and in ``c`` (linear).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import qr_multiply
    >>> cq, r = qr_multiply(np.array([[3.0, 0.0], [4.0, 5.0]]), np.eye(2))
    >>> cq
    array([[-0.6, -0.8],
           [-0.8,  0.6]])
    """
    if mode not in ("left", "right"):
        raise ValueError(f"qr_multiply: mode must be 'left' or 'right', got {mode!r}")
    a, c = _as_array(a), _as_array(c)
    if len(_shape_of(a)) != 2 or len(_shape_of(c)) not in (1, 2):
        raise ValueError(f"qr_multiply: a must be 2-d and c 1-d or 2-d, got shapes {_shape_of(a)} and {_shape_of(c)}")
    out = qr(a, mode="economic", pivoting=pivoting)
    q = _conj(out[0]) if conjugate else out[0]
    inner = _shape_of(c)[0] if mode == "left" else _shape_of(c)[-1]
    needed = _shape_of(q)[1] if mode == "left" else _shape_of(q)[0]
    if inner != needed:
        what = "Q @ c" if mode == "left" else "c @ Q"
        raise ValueError(f"qr_multiply: shapes of Q {_shape_of(q)} and c {_shape_of(c)} are not compatible for {what}")
    product = _linalg.matmul(q, c) if mode == "left" else _linalg.matmul(c, q)
    return (product,) + tuple(out[1:])


def pinv(a, *, atol=None, rtol=None, return_rank=False, check_finite=True):
    """The Moore–Penrose pseudo-inverse as :func:`scipy.linalg.pinv`: singular
    values at most ``atol + rtol · max(s)`` count as zero (by default
    ``atol = 0``, ``rtol = max(m, n) · eps``); ``(B, rank)`` when
    ``return_rank``.

    The derivative is the pseudo-inverse's at constant rank (exact for full
    rank and wherever the rank after the cutoff does not change nearby, also
    with repeated singular values); where the rank can change ``pinv`` is
    discontinuous.  ``rank`` is an integer without derivative.  ``atol > 0``
    needs the concrete singular values (not inside ``jit``/``vmap``).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import pinv
    >>> pinv(np.array([[2.0], [0.0]]))
    array([[0.5, 0. ]])
    >>> osc.grad(lambda a: pinv(a)[0, 0])(np.array([[2.0], [0.0]]))  # d (a₀/‖a‖²)
    array([[-0.25],
           [ 0.  ]])
    """
    a = _as_array(a)
    if len(_shape_of(a)) < 2:
        raise ValueError(f"pinv: expected a matrix (..., m, n), got shape {_shape_of(a)}")
    return _pinv(a, atol, rtol, return_rank, False)


def pinvh(a, atol=None, rtol=None, lower=True, return_rank=False, check_finite=True):
    """The pseudo-inverse of a symmetric (Hermitian) matrix, reading its
    ``lower`` (else upper) triangle, as :func:`scipy.linalg.pinvh`:
    eigenvalues with ``|w|`` at most ``atol + rtol · max|w|`` count as zero;
    ``(B, rank)`` when ``return_rank``.

    Differentiable in the triangle read, with :func:`pinv`'s derivative at
    constant rank (also at repeated eigenvalues).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import pinvh
    >>> pinvh(np.array([[2.0, 0.0], [0.0, 0.0]]))
    array([[0.5, 0. ],
           [0. , 0. ]])
    """
    return _pinv(_hermitian_from(_square(a, "pinvh"), lower), atol, rtol, return_rank, True)


def lstsq(a, b, cond=None, overwrite_a=False, overwrite_b=False, check_finite=True, lapack_driver=None):
    """The least-squares solution of ``a @ x = b`` as :func:`scipy.linalg.lstsq`:
    ``(x, residues, rank, s)``.

    Singular values at most ``cond · max(s)`` count as zero (by default
    ``cond = eps``); ``x`` is the minimum-norm solution (``pinv(a) @ b``),
    whose derivative in ``a`` and ``b`` is exact for ``a`` of full column rank
    and otherwise that at constant rank.  ``residues`` are the squared norms
    of the columns of ``b − a @ x`` (a scalar for a 1-d ``b``), differentiable,
    and, as in SciPy, an empty array unless ``m > n`` and ``rank == n``
    (inside ``jit``/``vmap`` full rank is assumed).  ``rank`` is an integer
    and ``s`` the singular values of ``a`` (see :func:`svd`); ``s`` is None
    for ``lapack_driver='gelsy'``, as in SciPy.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import lstsq
    >>> a = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> x, res, rank, s = lstsq(a, np.array([1.0, 2.0, 3.0]))
    >>> bool(np.allclose(x, [1.0, 2.0])), int(rank), bool(abs(res) < 1e-20)
    (True, 2, True)
    >>> osc.grad(lambda b: lstsq(a, b)[0][0])(np.zeros(3))  # the first row of pinv(a)
    array([ 0.66666667, -0.33333333,  0.33333333])
    """
    if lapack_driver not in (None, "gelsd", "gelsy", "gelss"):
        raise ValueError(f'LAPACK driver "{lapack_driver}" is not found')
    b = _as_array(b)
    x, res, rank, s = _np_linalg.lstsq(_as_array(a), b, rcond=-1 if cond is None else cond)
    if len(_shape_of(b)) == 1 and _shape_of(res) == (1,):
        res = res[0]
    return x, res, _python_int(rank), (None if lapack_driver == "gelsy" else s)


# --------------------------------------------------------------------------- structured matrices


def _by_index(vals, idx):
    """``vals[..., idx]`` (the structured matrices are gathers from a vector)."""
    return vals[..., idx]


def _vector(x):
    x = x if isinstance(x, _Tracer) else _np.asarray(x)
    return _reshape(x, (1,)) if not _shape_of(x) else x


def toeplitz(c, r=None):
    """The Toeplitz matrix with first column ``c`` and first row ``r`` (``r[0]``
    ignored; ``conj(c)`` when None), as :func:`scipy.linalg.toeplitz`
    (leading dimensions are batches).  A gather: linear, differentiable in
    ``c`` and ``r``.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import toeplitz
    >>> toeplitz([1.0, 2.0, 3.0], [1.0, 4.0, 5.0, 6.0])
    array([[1., 4., 5., 6.],
           [2., 1., 4., 5.],
           [3., 2., 1., 4.]])
    """
    c = _vector(c)
    r = _conj(c) if r is None else _vector(r)
    m, n = _shape_of(c)[-1], _shape_of(r)[-1]
    vals = _concatenate([c[..., ::-1], r[..., 1:]], axis=-1)  # vals[m - 1 - i + j] is T[i, j]
    return _by_index(vals, m - 1 - _np.arange(m)[:, None] + _np.arange(n)[None, :])


def hankel(c, r=None):
    """The Hankel matrix with first column ``c`` and last row ``r`` (``r[0]``
    ignored; zeros when None), as :func:`scipy.linalg.hankel` (1-d ``c`` and
    ``r``).  A gather, differentiable in ``c`` and ``r``.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import hankel
    >>> hankel([1.0, 2.0, 3.0], [3.0, 4.0])
    array([[1., 2.],
           [2., 3.],
           [3., 4.]])
    """
    c = _vector(c)
    r = _np.zeros(_shape_of(c), dtype=c.dtype) if r is None else _vector(r)
    if len(_shape_of(c)) > 1 or len(_shape_of(r)) > 1:  # SciPy 1.17 ravels them (batches from 1.19, it warns)
        raise ValueError("osculate.scipy.linalg.hankel: c and r must be 1-d; ravel them (as SciPy 1.17 does) "
                         "or build each matrix of a batch in turn")
    m, n = _shape_of(c)[-1], _shape_of(r)[-1]
    vals = _concatenate([c, r[..., 1:]], axis=-1)  # vals[i + j] is H[i, j]
    return _by_index(vals, _np.arange(m)[:, None] + _np.arange(n)[None, :])


def circulant(c):
    """The circulant matrix with first column ``c``, as :func:`scipy.linalg.circulant`
    (leading dimensions are batches).  A gather, differentiable in ``c``.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import circulant
    >>> circulant([1.0, 2.0, 3.0])
    array([[1., 3., 2.],
           [2., 1., 3.],
           [3., 2., 1.]])
    """
    c = _vector(c)
    n = _shape_of(c)[-1]
    return _by_index(c, (_np.arange(n)[:, None] - _np.arange(n)[None, :]) % n)


def companion(a):
    """The companion matrix of the polynomial with coefficients ``a`` (highest
    degree first), as :func:`scipy.linalg.companion`: first row
    ``-a[1:] / a[0]``, ones below the diagonal (leading dimensions are
    batches).  Differentiable in ``a`` (``a[0]`` must not be 0).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import companion
    >>> companion([1.0, -10.0, 31.0, -30.0])
    array([[ 10., -31.,  30.],
           [  1.,   0.,   0.],
           [  0.,   1.,   0.]])
    """
    a = _as_array(a)
    s = _shape_of(a)
    if len(s) < 1 or s[-1] < 2:
        raise ValueError("The length of `a` along the last axis must be at least 2.")
    v = _value_or_none(a)
    if v is not None and _np.any(v[..., 0] == 0):
        raise ValueError("The first coefficient(s) of `a` (i.e. elements of `a[..., 0]`) must not be zero.")
    n = s[-1] - 1
    first = -a[..., 1:] / a[..., :1]
    below = _np.broadcast_to(_np.eye(n - 1, n), s[:-1] + (n - 1, n)).astype(_np.result_type(first.dtype, float))
    return _concatenate([_reshape(first, s[:-1] + (1, n)), below], axis=-2)


def khatri_rao(a, b):
    """The column-wise Kronecker product of ``a`` (``n × k``) and ``b``
    (``p × k``), an ``np × k`` matrix, as :func:`scipy.linalg.khatri_rao`.
    Bilinear, differentiable in both.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import khatri_rao
    >>> khatri_rao(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 10.0]]))
    array([[ 1., 20.],
           [ 3., 40.]])
    """
    a, b = _as_array(a), _as_array(b)
    sa, sb = _shape_of(a), _shape_of(b)
    if len(sa) != 2 or len(sb) != 2:
        raise ValueError("The both arrays should be 2-dimensional.")
    if sa[1] != sb[1]:
        raise ValueError("The number of columns for both arrays should be equal.")
    return _reshape(_reshape(a, (sa[0], 1, sa[1])) * _reshape(b, (1,) + sb), (sa[0] * sb[0], sa[1]))


# --------------------------------------------------------------------------- Sylvester, Lyapunov and Riccati equations


def solve_sylvester(a, b, q):
    """The solution ``X`` of ``a X + X b = q`` (``a`` ``n × n``, ``b`` ``m × m``,
    ``q`` ``n × m``; leading axes are stacks), as :func:`scipy.linalg.solve_sylvester`.

    The value is SciPy's Bartels–Stewart solve (O(n³) time, O(n²) memory;
    the three inputs are first cast to one dtype, complex when any is:
    SciPy 1.17.1 answers a complex ``a`` with a real ``b`` wrongly).  The
    derivatives come from the equation: ``a dX + dX b = dq − da X − X db`` is
    another Sylvester equation with the same ``a`` and ``b`` (its adjoint one
    with ``aᵀ`` and ``bᵀ``), to any order, in ``a``, ``b`` and ``q``.  ``a``
    and ``−b`` must share no eigenvalue (else ``LinAlgError``).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import solve_sylvester
    >>> solve_sylvester(np.diag([1.0, 2.0]), np.array([[3.0]]), np.array([[4.0], [10.0]]))
    array([[1.],
           [2.]])
    >>> osc.grad(lambda q: solve_sylvester(np.diag([1.0, 2.0]), np.array([[3.0]]), q).sum())(np.ones((2, 1)))
    array([[0.25],
           [0.2 ]])
    """
    return _eq.sylvester(_as_array(a), _as_array(b), _as_array(q))


def solve_continuous_lyapunov(a, q):
    """The solution ``X`` of ``a X + X aᴴ = q``, as
    :func:`scipy.linalg.solve_continuous_lyapunov`: :func:`solve_sylvester`
    with ``b = aᴴ`` (its derivatives; O(n³)).  A real ``a`` with a complex
    ``q`` is solved as complex (SciPy 1.17.1's own solver answers that case
    wrongly).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import solve_continuous_lyapunov
    >>> solve_continuous_lyapunov(np.diag([-1.0, -2.0]), -np.eye(2))
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    a = _square(a, "solve_continuous_lyapunov")
    return _eq.sylvester(a, _linalg.mH(a), _as_array(q))


#: SciPy's other name of :func:`solve_continuous_lyapunov`.
solve_lyapunov = solve_continuous_lyapunov


def solve_discrete_lyapunov(a, q, method=None):
    """The solution ``X`` of ``a X aᴴ − X + q = 0``, as
    :func:`scipy.linalg.solve_discrete_lyapunov` (its value, with ``method``
    ``'direct'``, ``'bilinear'`` or None: SciPy's choice by size).

    Derivatives of every order in ``a`` and ``q`` solve the same kind of
    equation: ``dX − a dX aᴴ = dq + da X aᴴ + a X daᴴ``.  A unique solution
    needs no two eigenvalues of ``a`` with ``λᵢ conj(λⱼ) = 1`` (else
    ``LinAlgError``).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import solve_discrete_lyapunov
    >>> solve_discrete_lyapunov(np.diag([0.5, 0.0]), np.eye(2))
    array([[1.33333333, 0.        ],
           [0.        , 1.        ]])
    """
    if method is not None and str(method).lower() not in ("direct", "bilinear"):
        raise ValueError(f"Unknown solver {method}")
    return _eq.discrete_lyapunov(_square(a, "solve_discrete_lyapunov"), _as_array(q),
                                 None if method is None else str(method).lower())


def _are_args(a, b, q, r, e, s, name):
    if e is not None or s is not None:
        raise NotImplementedError(f"osculate.scipy.linalg.{name}: the generalized equation (e=..., s=...) is not "
                                  "supported; pass a, b, q, r only")
    out = []
    for x in (a, b, q, r):
        x = _as_array(x)
        nd = len(_shape_of(x))
        out.append(_reshape(x, (1,) * (2 - nd) + _shape_of(x)) if nd < 2 else x)  # np.atleast_2d, as SciPy
    return out


def solve_continuous_are(a, b, q, r, e=None, s=None, balanced=True):
    """The stabilising solution ``X`` of the continuous algebraic Riccati
    equation ``aᴴ X + X a − X b r⁻¹ bᴴ X + q = 0``, as
    :func:`scipy.linalg.solve_continuous_are` (``q`` and ``r`` Hermitian,
    ``r`` invertible; the generalized form with ``e`` or ``s`` is not
    supported).

    The value is SciPy's.  With the gain ``K = r⁻¹ bᴴ X`` and the closed loop
    ``Ac = a − b K``, the derivative solves the Lyapunov equation
    ``Acᴴ dX + dX Ac = −(dFᴴ X + X dF + Kᴴ dr K + dq)``, ``dF = da − db K``
    (the equation is stationary in ``K``), written with
    :func:`solve_sylvester`'s primitive and products, so it can be
    differentiated again: every order, in ``a``, ``b``, ``q`` and ``r``.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import solve_continuous_are
    >>> a, b, r = np.array([[0.0]]), np.array([[1.0]]), np.array([[1.0]])
    >>> solve_continuous_are(a, b, np.array([[4.0]]), r)  # X² = q
    array([[2.]])
    >>> float(osc.grad(lambda q: solve_continuous_are(a, b, q, r)[0, 0])(np.array([[4.0]]))[0, 0])  # 1 / (2 √q)
    0.25
    """
    a, b, q, r = _are_args(a, b, q, r, e, s, "solve_continuous_are")
    return _eq.continuous_are(a, b, q, r, balanced)


def solve_discrete_are(a, b, q, r, e=None, s=None, balanced=True):
    """The stabilising solution ``X`` of the discrete algebraic Riccati
    equation ``aᴴ X a − X − aᴴ X b (r + bᴴ X b)⁻¹ bᴴ X a + q = 0``, as
    :func:`scipy.linalg.solve_discrete_are` (``q`` and ``r`` Hermitian; the
    generalized form with ``e`` or ``s`` is not supported).

    The value is SciPy's.  With the gain ``K = (r + bᴴ X b)⁻¹ bᴴ X a`` and
    ``Ac = a − b K``, the derivative solves the Stein equation
    ``dX − Acᴴ dX Ac = dFᴴ X Ac + Acᴴ X dF + Kᴴ dr K + dq``, ``dF = da − db K``,
    with :func:`solve_discrete_lyapunov`'s primitive: every order, in every
    argument.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import solve_discrete_are
    >>> solve_discrete_are(np.array([[1.0]]), np.array([[1.0]]), np.array([[1.0]]), np.array([[1.0]]))
    array([[1.61803399]])
    """
    a, b, q, r = _are_args(a, b, q, r, e, s, "solve_discrete_are")
    return _eq.discrete_are(a, b, q, r, balanced)


# --------------------------------------------------------------------------- banded and Toeplitz systems


def _band_columns(ab, b, name):
    """``b`` as ``(..., n, k)`` for a band ``ab`` ``(..., w, n)``, and the function restoring its shape."""
    b = _as_array(b)
    n, sb = _shape_of(ab)[-1], _shape_of(b)
    if len(sb) == 1 and sb[0] == n:
        return _reshape(b, (n, 1)), lambda x: _reshape(x, _shape_of(x)[:-1])
    if len(sb) != 2 or sb[0] != n:
        raise ValueError(f"{name}: shapes of ab {_shape_of(ab)} and b {sb} are not compatible (b must be (n,) "
                         "or (n, k))")
    return b, lambda x: x


def _band(ab, name, rows=None):
    ab = _as_array(ab)
    s = _shape_of(ab)
    if len(s) < 2:
        raise ValueError(f"{name}: ab must be a 2-d band (rows, n), got shape {s}")
    if rows is not None and s[-2] != rows:
        raise ValueError(f"{name}: invalid values for the number of lower and upper diagonals: l+u+1 ({rows}) "
                         f"does not equal ab.shape[0] ({s[-2]})")
    return ab


def solve_banded(l_and_u, ab, b, overwrite_ab=False, overwrite_b=False, check_finite=True):
    """Solve ``A x = b`` for the banded ``A`` with ``l`` sub- and ``u``
    superdiagonals in band storage ``ab[u + i − j, j] = A[i, j]``
    (``(l + u + 1) × n``; leading axes are stacks), as :func:`scipy.linalg.solve_banded`.

    The value is SciPy's (LAPACK ``gbsv``, O(n (l + u)²)); the derivatives
    are further banded solves, ``dx = A⁻¹ (db − dA x)`` with ``dA x`` computed
    from the band, and the adjoint solves with the transposed band (``u`` and
    ``l`` swapped): time and memory stay O(n · (l + u + 1)) per right-hand
    side, to every order, in ``ab`` and ``b``.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import solve_banded
    >>> ab = np.array([[0.0, 1.0, 1.0], [4.0, 4.0, 4.0], [1.0, 1.0, 0.0]])  # tridiagonal
    >>> solve_banded((1, 1), ab, np.array([5.0, 6.0, 5.0]))
    array([1., 1., 1.])
    >>> osc.grad(lambda d: solve_banded((1, 1), ab, d).sum())(np.ones(3))
    array([0.21428571, 0.14285714, 0.21428571])
    """
    l, u = (int(v) for v in l_and_u)
    if l < 0 or u < 0:
        raise ValueError(f"solve_banded: l and u must be non-negative, got {(l, u)}")
    ab = _band(ab, "solve_banded", l + u + 1)
    b, back = _band_columns(ab, b, "solve_banded")
    return back(_mf.solve_banded(ab, b, l, u))


def solveh_banded(ab, b, overwrite_ab=False, overwrite_b=False, lower=False, check_finite=True):
    """Solve ``A x = b`` for a Hermitian positive definite banded ``A`` whose
    upper triangle is stored as ``ab[u + i − j, j] = A[i, j]`` (``i ≤ j``), or
    with ``lower=True`` its lower one as ``ab[i − j, j]``, as
    :func:`scipy.linalg.solveh_banded` (LAPACK ``pbsv``; ``LinAlgError`` when
    ``A`` is not positive definite).

    Derivatives as :func:`solve_banded`'s: ``dA`` is the Hermitian matrix of
    the stored triangle of ``dab`` (the real part of its diagonal), applied
    from the band, so time and memory stay O(n · bandwidth).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import solveh_banded
    >>> ab = np.array([[0.0, -1.0, -1.0], [2.0, 2.0, 2.0]])  # upper form of tridiag(-1, 2, -1)
    >>> solveh_banded(ab, np.array([1.0, 0.0, 1.0]))
    array([1., 1., 1.])
    """
    ab = _band(ab, "solveh_banded")
    b, back = _band_columns(ab, b, "solveh_banded")
    return back(_mf.solveh_banded(ab, b, lower))


def cholesky_banded(ab, overwrite_ab=False, lower=False, check_finite=True):
    """The Cholesky factor of a positive definite banded matrix in SciPy's
    band storage (``U`` with ``Uᴴ U = A`` in the upper form, ``L`` with
    ``L Lᴴ = A`` when ``lower``), as :func:`scipy.linalg.cholesky_banded`.

    The value is SciPy's (``pbtrf``).  For real input the derivative solves
    ``Uᵀ dU + dUᵀ U = dA`` on the band: a lower triangular banded system in
    the band entries, column by column, with ``u²`` subdiagonals, solved by
    :func:`solve_banded`'s primitive, so time and memory stay O(n u³) at
    most and every order follows.  Derivatives of a complex (Hermitian)
    factor raise ``NotImplementedError``.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import cholesky_banded
    >>> cholesky_banded(np.array([[0.0, 2.0], [4.0, 5.0]]))  # [[4, 2], [2, 5]]
    array([[0., 1.],
           [2., 2.]])
    """
    return _mf.cholesky_banded(_band(ab, "cholesky_banded"), lower)


def cho_solve_banded(cb_and_lower, b, overwrite_b=False, check_finite=True):
    """Solve ``A x = b`` given ``cb = cholesky_banded(A_band, lower=lower)``, as
    :func:`scipy.linalg.cho_solve_banded` (``(cb, lower)`` as SciPy takes it).

    The value is SciPy's (``pbtrs``); the derivative in ``cb`` differentiates
    ``A = Uᴴ U`` (``L Lᴴ``) from the band, the one in ``b`` is the solve
    again, O(n · bandwidth), every order.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import cholesky_banded, cho_solve_banded
    >>> ab = np.array([[0.0, 2.0], [4.0, 5.0]])
    >>> cho_solve_banded((cholesky_banded(ab), False), np.array([6.0, 7.0]))
    array([1., 1.])
    """
    cb, lower = cb_and_lower
    cb = _band(cb, "cho_solve_banded")
    b, back = _band_columns(cb, b, "cho_solve_banded")
    return back(_mf.cho_solve_banded(cb, b, bool(lower)))


def _toeplitz_cr(c_or_cr, name):
    if isinstance(c_or_cr, tuple):
        c, r = c_or_cr
        c, r = _as_array(c), _as_array(r)
    else:
        c = _as_array(c_or_cr)
        r = _conj(c)
    for v, what in ((c, "c"), (r, "r")):
        if len(_shape_of(v)) != 1:
            raise ValueError(f"{name}: {what} must be 1-d, got shape {_shape_of(v)}")
    return c, r


def solve_toeplitz(c_or_cr, b, check_finite=True):
    """Solve ``T x = b`` for the Toeplitz ``T`` with first column ``c`` and
    first row ``r`` (``c_or_cr = (c, r)``, ``r[0]`` ignored; ``r = conj(c)``
    for ``c`` alone), as :func:`scipy.linalg.solve_toeplitz`.

    The value is SciPy's Levinson–Durbin recursion (O(n²) time, O(n)
    memory).  Derivatives: ``dx = T⁻¹ (db − dT x)`` with ``dT x`` a Toeplitz
    product through the FFT, and the adjoint solves with ``Tᵀ`` (first
    column ``r``, first row ``c``): memory O(n), every order, in ``c``,
    ``r`` and ``b``.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import solve_toeplitz
    >>> solve_toeplitz(([4.0, 1.0, 0.0], [4.0, 2.0, 0.0]), np.array([6.0, 7.0, 5.0]))
    array([1., 1., 1.])
    """
    c, r = _toeplitz_cr(c_or_cr, "solve_toeplitz")
    n = _shape_of(c)[0]
    if _shape_of(r)[0] != n:
        raise ValueError(f"solve_toeplitz: c {_shape_of(c)} and r {_shape_of(r)} must have the same length "
                         "(a square T)")
    b = _as_array(b)
    sb = _shape_of(b)
    if len(sb) not in (1, 2) or sb[0] != n:
        raise ValueError(f"solve_toeplitz: b must be ({n},) or ({n}, k), got shape {sb}")
    if len(sb) == 1:
        return _reshape(_mf.solve_toeplitz(c, r, _reshape(b, (n, 1))), (n,))
    return _mf.solve_toeplitz(c, r, b)


def matmul_toeplitz(c_or_cr, x, check_finite=False, workers=None):
    """``T @ x`` for the ``n × m`` Toeplitz ``T`` with first column ``c``
    (``n``) and first row ``r`` (``m``; ``c_or_cr = (c, r)``, ``r = conj(c)``
    for ``c`` alone), as :func:`scipy.linalg.matmul_toeplitz`: through the
    FFT of the circulant embedding (O((n + m) log(n + m)) per column, never
    forming ``T``).  Linear in ``c``, ``r`` and ``x``: differentiable in all.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import matmul_toeplitz
    >>> matmul_toeplitz(([1.0, 2.0, 3.0], [1.0, 4.0, 5.0, 6.0]), np.ones(4))
    array([16., 12., 10.])
    """
    c, r = _toeplitz_cr(c_or_cr, "matmul_toeplitz")
    m = _shape_of(r)[0]
    x = _as_array(x)
    sx = _shape_of(x)
    if len(sx) not in (1, 2) or sx[0] != m:
        raise ValueError(f"matmul_toeplitz: x must be ({m},) or ({m}, k) for a first row of length {m}, "
                         f"got shape {sx}")
    if len(sx) == 1:
        return _reshape(_mf.toeplitz_matmul(c, r, _reshape(x, (m, 1))), (_shape_of(c)[0],))
    return _mf.toeplitz_matmul(c, r, x)


# --------------------------------------------------------------------------- subspaces, polar decomposition, Procrustes


def _rank(sv, rcond, shape, name):
    """How many of the singular values ``sv`` exceed ``max(sv) · rcond``
    (SciPy's default ``rcond = eps · max(M, N)``): chosen from the concrete
    values and held constant; inside ``jit``/``vmap`` full rank is assumed."""
    rcond = _np.finfo(float).eps * max(shape) if rcond is None else rcond
    v = _value_or_none(sv)
    if v is None:
        return min(shape)
    return int(_np.sum(v > _np.amax(v, initial=0.0) * rcond))


def _matrix2(a, name):
    a = _as_array(a)
    if len(_shape_of(a)) != 2:
        raise ValueError(f"{name}: expected a 2-d array, got shape {_shape_of(a)}")
    return a


def orth(A, rcond=None):
    """An orthonormal basis of the range of ``A``, as :func:`scipy.linalg.orth`:
    the first ``rank`` left singular vectors (singular values above
    ``max(s) · rcond`` count, by default ``rcond = eps · max(M, N)``).

    The rank is chosen from the concrete values and held constant (inside
    ``jit``/``vmap``: full rank).  A basis is unique only up to a rotation
    (signs, for distinct singular values); the derivative is that of the
    basis returned (see :func:`svd`), and the projector ``Q Qᴴ`` has the
    exact derivative at constant rank.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import orth
    >>> orth(np.array([[2.0, 0.0], [0.0, 0.0]])).shape
    (2, 1)
    """
    A = _matrix2(A, "orth")
    u, sv, _ = _np_linalg.svd(A, full_matrices=False)
    return u[:, : _rank(sv, rcond, _shape_of(A), "orth")]


def null_space(A, rcond=None, *, overwrite_a=False, check_finite=True, lapack_driver="gesdd"):
    """An orthonormal basis of the null space of ``A``, as
    :func:`scipy.linalg.null_space`: the right singular vectors of the
    singular values at most ``max(s) · rcond`` (and the extra ones of a wide
    ``A``).  The rank is held constant (full inside ``jit``/``vmap``); the
    derivative of the null space (of the projector ``Q Qᴴ``) is exact at
    constant rank, that of the basis follows :func:`svd`'s convention.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import null_space
    >>> q = null_space(np.array([[1.0, 1.0]]))
    >>> bool(np.allclose(q @ q.T, [[0.5, -0.5], [-0.5, 0.5]]))
    True
    """
    if lapack_driver not in ("gesdd", "gesvd"):
        raise ValueError(f'lapack_driver must be "gesdd" or "gesvd", not "{lapack_driver}"')
    A = _matrix2(A, "null_space")
    _, sv, vh = _np_linalg.svd(A, full_matrices=True)
    num = _rank(sv, rcond, _shape_of(A), "null_space")
    return _linalg.mH(vh[num:, :])


def polar(a, side="right"):
    """The polar decomposition ``a = u p`` (``side='right'``) or ``a = p u``
    (``'left'``), as :func:`scipy.linalg.polar`: ``u`` with orthonormal
    columns (rows), ``p`` Hermitian positive semidefinite, from the thin SVD
    ``w s vh``: ``u = w vh``, ``p = vhᴴ s vh`` (``w s wᴴ``).  Derivatives
    through :func:`svd`'s (distinct, nonzero singular values).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import polar
    >>> u, p = polar(np.array([[0.0, 2.0], [3.0, 0.0]]))
    >>> u
    array([[0., 1.],
           [1., 0.]])
    """
    if side not in ("right", "left"):
        raise ValueError("`side` must be either 'right' or 'left'")
    a = _as_array(a)
    if len(_shape_of(a)) != 2:
        raise ValueError("`a` must be a 2-D array.")
    w, sv, vh = _np_linalg.svd(a, full_matrices=False)
    u = _linalg.matmul(w, vh)
    if side == "right":
        return u, _linalg.matmul(_linalg.mH(vh) * sv, vh)
    return u, _linalg.matmul(w * sv, _linalg.mH(w))


def orthogonal_procrustes(A, B, check_finite=True):
    """``(R, scale)``: the unitary ``R`` minimising ``‖A R − B‖_F`` and the sum
    of the singular values of ``Aᴴ B``, as
    :func:`scipy.linalg.orthogonal_procrustes` (``R = u vh`` from the SVD of
    ``Aᴴ B``).  Differentiable through :func:`svd` (distinct, nonzero
    singular values of ``Aᴴ B``); ``scale`` everywhere that ``Aᴴ B`` has full rank.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import orthogonal_procrustes
    >>> R, scale = orthogonal_procrustes(np.eye(2), np.array([[0.0, 1.0], [1.0, 0.0]]))
    >>> R, float(scale)
    (array([[0., 1.],
           [1., 0.]]), 2.0)
    """
    A, B = _as_array(A), _as_array(B)
    if len(_shape_of(A)) != 2:
        raise ValueError(f"expected ndim to be 2, but observed {len(_shape_of(A))}")
    if _shape_of(A) != _shape_of(B):
        raise ValueError(f"the shapes of A and B differ ({_shape_of(A)} vs {_shape_of(B)})")
    u, w, vt = _np_linalg.svd(_linalg.matmul(_linalg.mH(A), B))
    return _linalg.matmul(u, vt), _np.sum(w)


def subspace_angles(A, B):
    """The principal angles between the column spaces of ``A`` and ``B``
    (descending, radians), as :func:`scipy.linalg.subspace_angles`: SciPy's
    algorithm (arccos of the singular values of ``QAᴴ QB``, arcsin of those
    of the residual where the cosine is at least √½), written with
    :func:`orth` and :func:`svdvals`.  Differentiable where the angles are
    distinct and strictly between 0 and π/2 (both branches are computed, the
    choice between them is piecewise constant).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import subspace_angles
    >>> round(float(subspace_angles(np.array([[1.0], [0.0]]), np.array([[1.0], [1.0]]))[0]), 12)  # π/4
    0.785398163397
    """
    A = _as_array(A)
    if len(_shape_of(A)) != 2:
        raise ValueError(f"expected 2D array, got shape {_shape_of(A)}")
    QA = orth(A)
    B = _as_array(B)
    if len(_shape_of(B)) != 2:
        raise ValueError(f"expected 2D array, got shape {_shape_of(B)}")
    if _shape_of(B)[0] != _shape_of(QA)[0]:
        raise ValueError(f"A and B must have the same number of rows, got {_shape_of(QA)[0]} and {_shape_of(B)[0]}")
    QB = orth(B)
    cross = _linalg.matmul(_linalg.mH(QA), QB)
    sigma = _np_linalg.svdvals(cross)
    if _shape_of(QA)[1] >= _shape_of(QB)[1]:
        rest = QB - _linalg.matmul(QA, cross)
    else:
        rest = QA - _linalg.matmul(QB, _linalg.mH(cross))
    mask = sigma ** 2 >= 0.5
    mu_arcsin = _np.arcsin(_np.clip(_np_linalg.svdvals(rest), -1.0, 1.0))
    return _np.where(mask, mu_arcsin, _np.arccos(_np.clip(sigma[::-1], -1.0, 1.0)))


def fractional_matrix_power(A, t):
    """``A`` to the power ``t``, as :func:`scipy.linalg.fractional_matrix_power`:
    for an integer ``t`` (a concrete number) repeated products and an
    inverse (any square ``A``, as SciPy does); otherwise for symmetric
    (Hermitian) positive definite ``A`` only, ``V w^t Vᴴ`` from ``eigh``, as
    :func:`logm` and :func:`sqrtm` (``ValueError`` for other input; the
    derivatives, in ``A`` and in a traced ``t``, assume distinct eigenvalues).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import fractional_matrix_power
    >>> fractional_matrix_power(np.diag([4.0, 9.0]), 1.5)
    array([[ 8.,  0.],
           [ 0., 27.]])
    """
    tv = _value_or_none(t) if isinstance(t, _Tracer) else _np.asarray(t)
    if not isinstance(t, _Tracer) and tv.ndim == 0 and float(tv) == int(float(tv)):
        return _np_linalg.matrix_power(_square(A, "fractional_matrix_power"), int(float(tv)))
    return _spd_function(A, "fractional_matrix_power", lambda w: w ** t)


# --------------------------------------------------------------------------- more structured matrices


def convolution_matrix(a, n, mode="full"):
    """The matrix ``C`` with ``C @ v == np.convolve(a, v, mode)`` for ``v`` of
    length ``n``, as :func:`scipy.linalg.convolution_matrix` (leading axes of
    ``a`` are batches): a Toeplitz gather, linear in ``a``.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import convolution_matrix
    >>> convolution_matrix(np.array([1.0, 2.0]), 3)
    array([[1., 0., 0.],
           [2., 1., 0.],
           [0., 2., 1.],
           [0., 0., 2.]])
    """
    if n <= 0:
        raise ValueError("n must be a positive integer.")
    a = _as_array(a)
    s = _shape_of(a)
    if not s or s[-1] == 0:
        raise ValueError("len(a) must be at least 1.")
    if mode not in ("full", "valid", "same"):
        raise ValueError("'mode' argument must be one of ('full', 'valid', 'same')")
    m = s[-1]
    pad = _np.zeros(s[:-1] + (n - 1,), dtype=a.dtype)
    az = _concatenate([a, pad], axis=-1)
    raz = _concatenate([a[..., ::-1], pad], axis=-1)
    size = m + n - 1
    if mode == "full":
        return toeplitz(az, raz[..., size - n:])
    tb = min(n, m) - 1
    te = tb
    if mode == "same":
        tb, te = tb // 2, tb - tb // 2
    return toeplitz(az[..., tb: size - te], raz[..., size - n - tb: size - tb])


def leslie(f, s):
    """The Leslie matrix with fecundities ``f`` (first row, length ``n``) and
    survival rates ``s`` (subdiagonal, length ``n − 1``), as
    :func:`scipy.linalg.leslie`: linear in both.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import leslie
    >>> leslie(np.array([0.1, 2.0, 1.0]), np.array([0.2, 0.8]))
    array([[0.1, 2. , 1. ],
           [0.2, 0. , 0. ],
           [0. , 0.8, 0. ]])
    """
    f, s = _vector(_as_array(f)), _vector(_as_array(s))
    if len(_shape_of(f)) != 1 or len(_shape_of(s)) != 1:
        raise ValueError("osculate.scipy.linalg.leslie: f and s must be 1-d (build each matrix of a batch in turn)")
    n = _shape_of(f)[0]
    if n != _shape_of(s)[0] + 1:
        raise ValueError("Incorrect lengths for f and s. The length of s along the last axis must be one less than "
                         "the length of f.")
    if n == 1:
        raise ValueError("The length of s must be at least 1.")
    lower = _np.eye(n - 1) * _reshape(s, (1, n - 1))
    return _concatenate([_reshape(f, (1, n)), _concatenate([lower, _np.zeros((n - 1, 1))], axis=1)], axis=0)


def fiedler(a):
    """The Fiedler matrix ``|a_i − a_j|`` of ``a``, as :func:`scipy.linalg.fiedler`
    (leading axes are batches); differentiable where the entries of ``a`` are distinct.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import fiedler
    >>> fiedler(np.array([1.0, 4.0, 2.0]))
    array([[0., 3., 1.],
           [3., 0., 2.],
           [1., 2., 0.]])
    """
    a = _vector(_as_array(a))
    if _shape_of(a)[-1] == 0:
        return _np.asarray([], dtype=_np.float64)
    s = _shape_of(a)
    return _np.abs(_reshape(a, s + (1,)) - _reshape(a, s[:-1] + (1, s[-1])))


@_functools.lru_cache(maxsize=32)
def _fiedler_companion_index(n):
    """The entry of ``[0, 1, −a₀/a₀, −a₁/a₀, …]`` each entry of the ``n × n``
    Fiedler companion matrix holds (SciPy's placement)."""
    idx = _np.zeros((n, n), dtype=_np.intp)
    idx[range(3, n, 2), range(1, n - 2, 2)] = 1
    idx[range(2, n, 2), range(1, n - 1, 2)] = 2 + _np.arange(3, n + 1, 2)
    idx[range(0, n - 2, 2), range(2, n, 2)] = 1
    idx[range(0, n - 1, 2), range(1, n, 2)] = 2 + _np.arange(2, n + 1, 2)
    idx[[0, 1], 0] = [3, 1]
    idx.setflags(write=False)
    return idx


def fiedler_companion(a):
    """The Fiedler companion matrix of the polynomial with coefficients ``a``
    (highest degree first), as :func:`scipy.linalg.fiedler_companion`: a
    gather of ``−a[k] / a[0]``, ones and zeros (pentadiagonal);
    differentiable in ``a`` (``a[0]`` must not be 0).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import fiedler_companion
    >>> fiedler_companion(np.array([1.0, -6.0, 11.0, -6.0]))
    array([[  6., -11.,   1.],
           [  1.,   0.,   0.],
           [  0.,   6.,   0.]])
    """
    a = _vector(_as_array(a))
    if len(_shape_of(a)) != 1:
        raise ValueError("osculate.scipy.linalg.fiedler_companion: a must be 1-d (build each matrix of a batch "
                         "in turn)")
    size = _shape_of(a)[0]
    if size <= 2:
        if size == 2:
            return _reshape(-a[1:] / a[:1], (1, 1))
        return _np.array([], dtype=a.dtype)
    v = _value_or_none(a)
    if v is not None and v[0] == 0.0:
        raise ValueError("Leading coefficient is zero.")
    n = size - 1
    vals = _concatenate([_np.array([0.0, 1.0]), -a / a[:1]], axis=0)
    return vals[_fiedler_companion_index(n)]


def hadamard(n, dtype=int):
    """The ``n × n`` Hadamard matrix (``n`` a power of 2), as
    :func:`scipy.linalg.hadamard`: SciPy's own, a constant (it has no
    floating-point input); products with traced values differentiate as
    products with any constant.

    >>> from osculate.scipy.linalg import hadamard
    >>> hadamard(2)
    array([[ 1,  1],
           [ 1, -1]])
    """
    return _scipy_linalg.hadamard(n, dtype=dtype)


def diagsvd(s, M, N):
    """The ``M × N`` matrix with ``s`` on its diagonal (``len(s)`` is ``M`` or
    ``N``), as :func:`scipy.linalg.diagsvd`: linear in ``s``.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import diagsvd
    >>> diagsvd(np.array([3.0, 2.0]), 2, 3)
    array([[3., 0., 0.],
           [0., 2., 0.]])
    """
    s = _as_array(s)
    k = _shape_of(s)[-1] if _shape_of(s) else 1
    part = _np.eye(k) * _reshape(s, (1, k))
    if k == M:
        return _concatenate([part, _np.zeros((M, N - M))], axis=1)
    if k == N:
        return _concatenate([part, _np.zeros((M - N, N))], axis=0)
    raise ValueError("Length of s must be M or N.")


# --------------------------------------------------------------------------- matrix trigonometric functions


def _cos_sin(A, name):
    """``(cosm(A), sinm(A))`` from ``expm(±iA)`` (the real and imaginary parts of ``expm(iA)`` for a real ``A``)."""
    A = _square(A, name)
    if _is_complex(A):
        ep, em = _mf.expm(1j * A), _mf.expm(-1j * A)
        return 0.5 * (ep + em), -0.5j * (ep - em)
    e = _mf.expm(1j * A)
    return _real(e), _imag(e)


def _cosh_sinh(A, name):
    """``(coshm(A), sinhm(A))`` from ``expm(±A)``."""
    A = _square(A, name)
    ep, em = _mf.expm(A), _mf.expm(-A)
    return 0.5 * (ep + em), 0.5 * (ep - em)


def cosm(A):
    """The matrix cosine, as :func:`scipy.linalg.cosm`: ``Re expm(iA)`` for a
    real ``A``, ``(expm(iA) + expm(−iA)) / 2`` for a complex one; derivatives
    of every order through :func:`expm`'s (Fréchet derivatives).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import cosm
    >>> cosm(np.diag([0.0, np.pi]))
    array([[ 1.,  0.],
           [ 0., -1.]])
    """
    return _cos_sin(A, "cosm")[0]


def sinm(A):
    """The matrix sine, as :func:`scipy.linalg.sinm`: ``Im expm(iA)`` for a
    real ``A``, ``(expm(iA) − expm(−iA)) / 2i`` for a complex one; derivatives
    through :func:`expm`'s.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import sinm
    >>> np.round(sinm(np.diag([0.0, np.pi / 2])), 12)
    array([[0., 0.],
           [0., 1.]])
    """
    return _cos_sin(A, "sinm")[1]


def tanm(A):
    """The matrix tangent ``cosm(A)⁻¹ sinm(A)``, as :func:`scipy.linalg.tanm`
    (a solve; defined where ``cosm(A)`` is invertible).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import tanm
    >>> np.round(tanm(np.diag([0.0, np.pi / 4])), 12)
    array([[0., 0.],
           [0., 1.]])
    """
    c, s = _cos_sin(A, "tanm")
    return _linalg.solve(c, s)


def coshm(A):
    """The matrix hyperbolic cosine ``(expm(A) + expm(−A)) / 2``, as
    :func:`scipy.linalg.coshm`; derivatives through :func:`expm`'s.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import coshm
    >>> coshm(np.zeros((2, 2)))
    array([[1., 0.],
           [0., 1.]])
    """
    return _cosh_sinh(A, "coshm")[0]


def sinhm(A):
    """The matrix hyperbolic sine ``(expm(A) − expm(−A)) / 2``, as
    :func:`scipy.linalg.sinhm`; derivatives through :func:`expm`'s.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import sinhm
    >>> round(float(sinhm(np.array([[1.0]]))[0, 0]), 12)  # sinh(1)
    1.175201193644
    """
    return _cosh_sinh(A, "sinhm")[1]


def tanhm(A):
    """The matrix hyperbolic tangent ``coshm(A)⁻¹ sinhm(A)``, as
    :func:`scipy.linalg.tanhm` (a solve).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import tanhm
    >>> np.round(tanhm(np.diag([0.0, 1.0])), 8)
    array([[0.        , 0.        ],
           [0.        , 0.76159416]])
    """
    c, s = _cosh_sinh(A, "tanhm")
    return _linalg.solve(c, s)


# --------------------------------------------------------------------------- eig, eigvals; tridiagonal and banded eigh


def _eig_parts(a, b, name):
    """``(w, v)`` of ``a v = w v`` (``a v = w b v`` with ``b``): complex, unit columns,
    in SciPy's order and with SciPy's phases when ``b`` is given."""
    a = _square(a, name)
    if b is None:
        return _eig.eig(a)
    b = _square(b, name)
    w, v = _eig.eig(_linalg.solve(b, a))  # the eigenpairs of b⁻¹ a (b nonsingular)
    av, bv = _value_or_none(a), _value_or_none(b)
    if av is None or bv is None:
        raise ValueError(f"osculate.scipy.linalg.{name}(a, b) orders the eigenvalues and sets the phases of the "
                         "eigenvectors as SciPy's generalized solver does, from concrete values, which do not exist "
                         "inside jit or vmap; use eig(solve(b, a)) there (the same eigenvalues, in LAPACK's order)")
    if av.ndim != 2:
        raise NotImplementedError(f"osculate.scipy.linalg.{name}(a, b): a single pair of matrices, not a stack")
    ref_w, ref_v = _scipy_linalg.eig(av, bv)
    ours = _np.asarray(_concrete(w))
    order, free = [], list(range(len(ours)))
    for x in ref_w:  # SciPy's eigenvalues, each matched to the nearest of ours not taken yet
        k = min(free, key=lambda j: abs(ours[j] - x))
        free.remove(k)
        order.append(k)
    order = _np.array(order)
    w, v = w[order], v[:, order]
    return w, v * _phases(_np.asarray(_concrete(v)), ref_v)


def _phases(ours, reference):
    """The unit factors (signs, for real vectors) that turn each column of ``ours`` into the
    same column of ``reference`` (both unit columns of the same eigenvectors; a constant)."""
    s = _np.sum(_np.conj(ours) * reference, axis=-2, keepdims=True)
    return _np.where(s == 0, 1.0, s / _np.where(s == 0, 1.0, _np.abs(s)))


def _real_if_scipy_is(a, w, v):
    """``v`` real when SciPy's is (a real matrix whose eigenvalues are all real), else as it is."""
    av, wv = _value_or_none(a), _value_or_none(w)
    if av is None or wv is None or _np.iscomplexobj(av) or _np.any(_np.imag(wv) != 0):
        return v
    return _real(v)


def eig(a, b=None, left=False, right=True, overwrite_a=False, overwrite_b=False, check_finite=True,
        homogeneous_eigvals=False):
    """Eigenvalues ``w`` and unit right eigenvectors ``v`` (``a v = v diag(w)``, or
    ``a v = b v diag(w)`` with ``b``), as :func:`scipy.linalg.eig`: ``w`` complex,
    ``v`` real when SciPy's is (a real matrix with real eigenvalues), ``w`` alone
    when ``right=False``, ``w`` stacked over ones (shape ``(2, n)``) when
    ``homogeneous_eigvals=True``.

    Derivatives are those of ``osculate.numpy.linalg.eig`` (distinct eigenvalues;
    an eigenvector's phase is a convention: use functions of ``v`` that do not see
    it).  The generalized problem is that of ``solve(b, a)`` (``b`` nonsingular),
    put in SciPy's order with SciPy's phases from the concrete values (so not
    inside ``jit``/``vmap``).  ``left=True`` is not supported: the left
    eigenvectors of ``a`` are the right ones of ``a.conj().T``.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import eig
    >>> eig(np.array([[2.0, 1.0], [0.0, 3.0]]), right=False)
    array([2.+0.j, 3.+0.j])
    >>> osc.grad(lambda a: np.real(eig(a, right=False)).max())(np.array([[2.0, 1.0], [0.0, 3.0]]))
    array([[0., 0.],
           [1., 1.]])
    """
    if left:
        raise NotImplementedError("osculate.scipy.linalg.eig: left=True is not supported; the left eigenvectors of "
                                  "a are the right eigenvectors of a.conj().T (eig(a.conj().T))")
    if homogeneous_eigvals and b is not None:
        raise NotImplementedError("osculate.scipy.linalg.eig(a, b, homogeneous_eigvals=True): the pairs "
                                  "(alpha, beta) are LAPACK's scaling; use homogeneous_eigvals=False (w = alpha/beta)")
    w, v = _eig_parts(a, b, "eig")
    if homogeneous_eigvals:
        w = _concatenate([_reshape(w, (1,) + _shape_of(w)), _np.ones((1,) + _shape_of(w), dtype=complex)], axis=0)
    if not right:
        return w
    return w, _real_if_scipy_is(a, w, v)


def eigvals(a, b=None, overwrite_a=False, check_finite=True, homogeneous_eigvals=False):
    """The eigenvalues (complex) of ``a`` (of the pencil ``(a, b)``), as
    :func:`scipy.linalg.eigvals`: ``eig(a, b, right=False)``.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import eigvals
    >>> eigvals(np.diag([3.0, 1.0]), np.diag([1.0, 2.0]))
    array([3. +0.j, 0.5+0.j])
    """
    return eig(a, b, right=False, homogeneous_eigvals=homogeneous_eigvals)


def _selected(w, v, select, select_range, name):
    """The eigenpairs SciPy's ``select`` keeps: all (``'a'``), the indices ``il..iu``
    (``'i'``), or the eigenvalues in ``(vl, vu]`` (``'v'``, counted on the concrete values)."""
    if select in (0, "a", "all"):
        return w, v
    if select_range is None or len(select_range) != 2:
        raise ValueError(f"{name}: select={select!r} needs select_range=(lo, hi)")
    lo, hi = select_range
    if select in (1, "v", "value"):
        wv = _value_or_none(w)
        if wv is None:
            raise ValueError(f"osculate.scipy.linalg.{name}(select='v') counts the eigenvalues in the range from "
                             "concrete values, which do not exist inside jit or vmap; use select='i' there")
        keep = _np.flatnonzero((wv > lo) & (wv <= hi))
        lo, hi = (int(keep[0]), int(keep[-1])) if keep.size else (0, -1)
    elif select in (2, "i", "index"):
        n = _shape_of(w)[-1]
        lo, hi = int(lo), int(hi)
        if not 0 <= lo <= hi < n:
            raise ValueError(f"{name}: select_range {select_range} must be indices 0 <= lo <= hi < {n}")
    else:
        raise ValueError(f"{name}: select must be 'a', 'v' or 'i', got {select!r}")
    return w[..., lo:hi + 1], (None if v is None else v[..., lo:hi + 1])


def _eigh_like_scipy(m, eigvals_only, select, select_range, name, reference):
    """``eigh`` of the full matrix ``m``, the eigenpairs ``select`` keeps, and the
    eigenvectors' signs (phases) set to those of SciPy's ``reference()`` when the
    values are concrete (inside jit or vmap they are eigh's)."""
    w, v = _linalg.eigh(m)
    w, v = _selected(w, None if eigvals_only else v, select, select_range, name)
    if eigvals_only:
        return w
    vv = _value_or_none(v)
    if vv is not None and vv.ndim == 2 and vv.shape[1]:
        v = v * _phases(vv, reference()[1])
    return w, v


def _tridiagonal(d, e, name):
    d, e = _as_array(d), _as_array(e)
    sd, se = _shape_of(d), _shape_of(e)
    if len(sd) != 1 or len(se) != 1 or se[0] != max(sd[0] - 1, 0):
        raise ValueError(f"{name}: d must be 1-d of length n and e 1-d of length n - 1, got shapes {sd} and {se}")
    n = sd[0]
    i = _np.arange(n)
    full = _onp.zeros((n, n), dtype=_np.result_type(_np.float64, d.dtype, e.dtype))
    full = _onp.where(i[:, None] == i[None, :], d[None, :], full)
    if n > 1:
        sub = _onp.concatenate([e, _np.zeros(1)])  # e[j] at (j + 1, j) and (j, j + 1)
        full = _onp.where(i[:, None] == i[None, :] + 1, sub[None, :], full)
        full = _onp.where(i[:, None] + 1 == i[None, :], _onp.conj(sub)[:, None], full)
    return full


def eigh_tridiagonal(d, e, eigvals_only=False, select="a", select_range=None, check_finite=True, tol=0.0,
                     lapack_driver="auto"):
    """Eigenvalues (ascending) and eigenvectors of the symmetric tridiagonal matrix
    with diagonal ``d`` and off-diagonal ``e``, as :func:`scipy.linalg.eigh_tridiagonal`
    (``select``: ``'a'`` all, ``'i'`` the indices ``select_range``, ``'v'`` the
    eigenvalues in ``(lo, hi]``, counted on the concrete values).

    Computed as ``eigh`` of the assembled matrix (``O(n³)``, like SciPy's
    ``stev``), so derivatives in ``d`` and ``e`` are ``eigh``'s (distinct
    eigenvalues); the eigenvectors' signs are SciPy's when the values are
    concrete.  ``tol`` and ``lapack_driver`` are accepted and ignored.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import eigh_tridiagonal
    >>> eigh_tridiagonal(np.array([2.0, 2.0]), np.array([1.0]), eigvals_only=True)
    array([1., 3.])
    >>> osc.grad(lambda e: eigh_tridiagonal(np.array([2.0, 2.0]), e, eigvals_only=True)[1])(np.array([1.0]))
    array([1.])
    """
    m = _tridiagonal(d, e, "eigh_tridiagonal")
    return _eigh_like_scipy(m, eigvals_only, select, select_range, "eigh_tridiagonal",
                            lambda: _scipy_linalg.eigh_tridiagonal(_np.asarray(_concrete(d)), _np.asarray(_concrete(e)),
                                                                   select=select, select_range=select_range))


def eigvalsh_tridiagonal(d, e, select="a", select_range=None, check_finite=True, tol=0.0, lapack_driver="auto"):
    """The eigenvalues (ascending) of a symmetric tridiagonal matrix, as
    :func:`scipy.linalg.eigvalsh_tridiagonal`: ``eigh_tridiagonal(d, e, eigvals_only=True)``.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import eigvalsh_tridiagonal
    >>> eigvalsh_tridiagonal(np.array([1.0, 1.0, 1.0]), np.array([0.0, 0.0]), select="i", select_range=(0, 1))
    array([1., 1.])
    """
    return eigh_tridiagonal(d, e, eigvals_only=True, select=select, select_range=select_range)


def _from_band(a_band, lower, name):
    """The full Hermitian matrix of LAPACK's band storage (``a_band[u + i - j, j] = a[i, j]``
    for ``i <= j``, upper; ``a_band[i - j, j] = a[i, j]`` for ``i >= j``, lower)."""
    a_band = _as_array(a_band)
    s = _shape_of(a_band)
    if len(s) != 2:
        raise ValueError(f"{name}: a_band must be 2-d (bandwidth + 1, n), got shape {s}")
    u, n = s[0] - 1, s[1]
    i, j = _np.indices((n, n))
    band_row = (i - j) if lower else (u + i - j)
    stored = (i >= j) if lower else (i <= j)
    inside = stored & (band_row >= 0) & (band_row <= u)
    g = a_band[_np.clip(band_row, 0, u), j]
    g = _onp.where(inside, g, 0.0)
    return _onp.where(stored, g, _onp.conj(_onp.swapaxes(g, 0, 1)))


def eig_banded(a_band, lower=False, eigvals_only=False, overwrite_a_band=False, select="a", select_range=None,
               max_ev=0, check_finite=True):
    """Eigenvalues (ascending) and eigenvectors of a symmetric (Hermitian) band
    matrix in LAPACK's band storage, as :func:`scipy.linalg.eig_banded`
    (``select`` as in :func:`eigh_tridiagonal`; ``max_ev`` is ignored).

    Computed as ``eigh`` of the assembled matrix, so derivatives in the stored
    band are ``eigh``'s (distinct eigenvalues); the eigenvectors' signs are
    SciPy's when the values are concrete.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import eig_banded
    >>> eig_banded(np.array([[0.0, 1.0], [2.0, 2.0]]), eigvals_only=True)  # [[2, 1], [1, 2]]
    array([1., 3.])
    """
    m = _from_band(a_band, lower, "eig_banded")
    return _eigh_like_scipy(m, eigvals_only, select, select_range, "eig_banded",
                            lambda: _scipy_linalg.eig_banded(_np.asarray(_concrete(a_band)), lower=lower,
                                                             select=select, select_range=select_range))


def eigvals_banded(a_band, lower=False, overwrite_a_band=False, select="a", select_range=None, check_finite=True):
    """The eigenvalues (ascending) of a symmetric (Hermitian) band matrix, as
    :func:`scipy.linalg.eigvals_banded`: ``eig_banded(..., eigvals_only=True)``.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import eigvals_banded
    >>> eigvals_banded(np.array([[2.0, 2.0], [1.0, 0.0]]), lower=True)
    array([1., 3.])
    """
    return eig_banded(a_band, lower=lower, eigvals_only=True, select=select, select_range=select_range)


# --------------------------------------------------------------------------- balancing, cdf2rdf, sketches, checks


def _values_for(x, name, what):
    """The concrete value of ``x``, from which ``name`` chooses ``what``, or an error inside jit/vmap."""
    v = _value_or_none(x)
    if v is None:
        raise ValueError(f"osculate.scipy.linalg.{name} chooses {what} from concrete values, which do not exist "
                         "inside jit or vmap: call it outside the transformed function")
    return v


def matrix_balance(A, permute=True, scale=True, separate=False, overwrite_a=False):
    """``(B, T)`` with ``B = T⁻¹ A T`` balanced, as :func:`scipy.linalg.matrix_balance`
    (``(B, (scale, perm))`` with ``separate=True``).

    ``T`` (a permutation times a diagonal of powers of 2) is chosen by SciPy on
    the concrete values and held constant, so ``B`` is linear in ``A``:
    ``B[i, j] = A[pᵢ, pⱼ] tⱼ / tᵢ``, exact in floating point.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import matrix_balance
    >>> A = np.array([[1.0, 100.0], [0.01, 1.0]])
    >>> matrix_balance(A)[0]
    array([[1.    , 1.5625],
           [0.64  , 1.    ]])
    >>> osc.grad(lambda a: matrix_balance(a)[0][0, 1])(A)  # t₁ / t₀
    array([[0.      , 0.015625],
           [0.      , 0.      ]])
    """
    A = _square(A, "matrix_balance")
    value = _values_for(A, "matrix_balance", "the permutation and scaling")
    if value.ndim != 2:
        raise NotImplementedError("osculate.scipy.linalg.matrix_balance: a single matrix only, not a stack")
    _, (t, perm) = _scipy_linalg.matrix_balance(value, permute=permute, scale=scale, separate=True)
    _, T = _scipy_linalg.matrix_balance(value, permute=permute, scale=scale)
    rows = _np.argmax(_np.abs(T), axis=0)  # T[:, j] = t'ⱼ e_(rowsⱼ)
    factors = T[rows, _np.arange(len(rows))]
    B = A[rows[:, None], rows[None, :]] * (factors[None, :] / factors[:, None])
    return (B, (t, perm)) if separate else (B, T)


def cdf2rdf(w, v):
    """The real block-diagonal eigenvalues ``wr`` and real eigenvectors ``vr`` of
    complex eigenpairs ``(w, v)`` (conjugate pairs adjacent, as ``eig`` returns
    them), as :func:`scipy.linalg.cdf2rdf`: ``a vr = vr wr``.

    Which eigenvalues are complex is read from the concrete values (held
    constant); ``wr`` and ``vr`` are then linear in ``Re w, Im w`` and ``v``.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import cdf2rdf, eig
    >>> a = np.array([[1.0, 2.0], [-2.0, 1.0]])
    >>> wr, vr = cdf2rdf(*eig(a))
    >>> wr
    array([[ 1.,  2.],
           [-2.,  1.]])
    >>> bool(np.allclose(a @ vr, vr @ wr))
    True
    """
    w, v = _as_array(w), _as_array(v)
    wv = _values_for(w, "cdf2rdf", "which eigenvalues are complex")
    sw, sv = _shape_of(w), _shape_of(v)
    if len(sw) < 1 or len(sv) < 2 or sv[-1] != sv[-2] or tuple(sv[:-1]) != tuple(sw):
        raise ValueError(f"cdf2rdf: expected w of shape (..., n) and v of shape (..., n, n), got {sw} and {sv}")
    mask = _np.iscomplex(wv)
    if _np.any(mask.sum(axis=-1) % 2):
        raise ValueError("expected complex-conjugate pairs of eigenvalues")
    n = sw[-1]
    pairs = _np.zeros(tuple(sw) + (n,))  # pairs[..., j, k] = 1 and pairs[..., k, j] = 1 for each pair (j, k)
    u = _np.zeros(tuple(sw) + (n,), dtype=complex)
    u[..., range(n), range(n)] = 1.0
    for index in _np.ndindex(*sw[:-1]):
        where = _np.flatnonzero(mask[index])
        for j, k in zip(where[0::2], where[1::2]):
            pairs[index + (j, k)] = pairs[index + (k, j)] = 1.0
            u[index + (j, j)], u[index + (j, k)], u[index + (k, j)], u[index + (k, k)] = 0.5j, 0.5, -0.5j, 0.5
    eye = _np.eye(n, dtype=bool)
    diagonal = _onp.where(eye, _reshape(_real(w), tuple(sw[:-1]) + (1, n)), 0.0)
    wr = diagonal + pairs * _reshape(_imag(w), tuple(sw) + (1,))
    return wr, _real(_linalg.matmul(v, u))


def clarkson_woodruff_transform(input_matrix, sketch_size, rng=None, *, seed=None):
    """``S @ input_matrix`` for SciPy's random sketch ``S`` (``sketch_size`` rows,
    one ``±1`` per column), as :func:`scipy.linalg.clarkson_woodruff_transform`
    with the same ``rng``/``seed``: ``S`` is drawn by SciPy (from a sparse
    identity, ``O(n)`` memory) and the product is a signed sum of rows, linear
    in the input.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import clarkson_woodruff_transform
    >>> clarkson_woodruff_transform(np.ones((5, 2)), 2, rng=0).shape
    (2, 2)
    """
    a = _as_array(input_matrix)
    s = _shape_of(a)
    if len(s) != 2:
        raise ValueError(f"clarkson_woodruff_transform: expected a 2-d array, got shape {s}")
    kw = {"seed": seed} if seed is not None else {}
    sketch = _scipy_linalg.clarkson_woodruff_transform(_scipy_sparse.identity(s[0], format="csc"), sketch_size,
                                                       rng=rng, **kw).tocoo()
    out = _onp.zeros((int(sketch_size), s[1]), dtype=_np.result_type(a.dtype, float))
    return _onp.add_at(out, sketch.row, sketch.data[:, None] * a[sketch.col])


def bandwidth(a):
    """``(lower, upper)`` bandwidths of a matrix, as :func:`scipy.linalg.bandwidth`,
    on its concrete value (integers: no derivative).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import bandwidth
    >>> bandwidth(np.triu(np.ones((3, 3))))
    (0, 2)
    """
    return _scipy_linalg.bandwidth(_values_for(a, "bandwidth", "its integer result"))


def issymmetric(a, atol=None, rtol=None):
    """Whether ``a`` is symmetric (to ``atol``/``rtol``), as
    :func:`scipy.linalg.issymmetric`, on its concrete value (a boolean).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import issymmetric
    >>> issymmetric(np.eye(2))
    True
    """
    return _scipy_linalg.issymmetric(_values_for(a, "issymmetric", "its boolean result"), atol=atol, rtol=rtol)


def ishermitian(a, atol=None, rtol=None):
    """Whether ``a`` is Hermitian (to ``atol``/``rtol``), as
    :func:`scipy.linalg.ishermitian`, on its concrete value (a boolean).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import ishermitian
    >>> ishermitian(np.array([[1.0, 2j], [-2j, 1.0]]))
    True
    """
    return _scipy_linalg.ishermitian(_values_for(a, "ishermitian", "its boolean result"), atol=atol, rtol=rtol)


# --------------------------------------------------------------------------- funm, signm


def _maybe_real(a, f):
    """``Re f`` when ``a`` is real and ``f``'s imaginary part is below SciPy's
    tolerance (``1e6 eps``, on the concrete values), else ``f``."""
    if _is_complex(a) or not _is_complex(f):
        return f
    value = _value_or_none(f)
    if value is None or not _np.allclose(value.imag, 0.0, atol=1e6 * _np.finfo(value.real.dtype).eps):
        return f
    return _real(f)


def _by_eigenvalues(A, func, name):
    """``V diag(func(w)) V⁻¹`` from ``eig(A)``, as ``V`` transposed solves."""
    A = _square(A, name)
    w, v = _eig.eig(A)
    fw = func(w)
    scaled = v * _reshape(fw, _shape_of(fw)[:-1] + (1, _shape_of(fw)[-1]))
    return A, _linalg.mT(_linalg.solve(_linalg.mT(v), _linalg.mT(scaled)))


def funm(A, func, disp=True):
    """The matrix function ``f(A)`` of the scalar function ``func`` (applied to a
    1-d complex array of eigenvalues and written with NumPy functions, as for
    SciPy), as :func:`scipy.linalg.funm`; ``(F, errest)`` when ``disp=False``,
    ``errest`` SciPy's estimate on the concrete values.

    Computed as ``V diag(func(w)) V⁻¹`` from ``eig`` (SciPy uses the Schur form
    and Parlett's recurrence: the same matrix for a diagonalisable ``A``, to
    the conditioning of ``V``), real when ``A`` is real and the imaginary part
    is below SciPy's tolerance.  Derivatives are those of ``eig`` and
    ``func``: exact where the eigenvalues are distinct (the divided
    differences of ``func``), not at repeated ones.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import funm
    >>> a = np.array([[1.0, 2.0], [0.0, 3.0]])
    >>> np.round(funm(a, np.exp), 6)
    array([[ 2.718282, 17.367255],
           [ 0.      , 20.085537]])
    >>> osc.grad(lambda m: np.trace(funm(m, np.exp)))(a)  # exp(A)ᵀ
    array([[ 2.71828183,  0.        ],
           [17.36725509, 20.08553692]])
    """
    A, f = _by_eigenvalues(A, func, "funm")
    f = _maybe_real(A, f)
    if disp:
        return f
    value = _values_for(A, "funm", "its error estimate (disp=False)")
    return f, _scipy_linalg.funm(value, func, disp=False)[1]


def _sign_of_real_part(w):
    """SciPy's rounded sign: ``sign(Re w)``, 0 within ``1e3 eps max|w|`` of 0 (piecewise constant)."""
    rw = _real(w)
    value = _value_or_none(w)
    cut = 0.0 if value is None or not value.size else 1e3 * _np.finfo(rw.dtype).eps * _np.max(_np.abs(value))
    return _onp.sign(_where(_onp.abs(rw) > cut, rw, 0.0)) + 0j


def signm(A, disp=True):
    """The matrix sign function ``A (A²)^(-1/2)`` (eigenvalues off the imaginary
    axis), as :func:`scipy.linalg.signm`: :func:`funm` of the sign of the real
    part, so its derivative is the Fréchet derivative of the sign function
    (distinct eigenvalues), 0 for a diagonalisable ``A`` with commuting
    perturbations.  ``disp=False`` (deprecated by SciPy) gives ``(S, ‖S² − I‖₁)``.

    >>> import numpy as np
    >>> from osculate.scipy.linalg import signm
    >>> np.round(signm(np.array([[2.0, 1.0], [0.0, -3.0]])), 12)
    array([[ 1. ,  0.4],
           [ 0. , -1. ]])
    """
    A, s = _by_eigenvalues(A, _sign_of_real_part, "signm")
    s = _maybe_real(A, s)
    if disp:
        return s
    n = _shape_of(s)[-1]
    residual = _np.asarray(_values_for(s, "signm", "its error estimate (disp=False)"))
    return s, float(_np.linalg.norm(residual @ residual - _np.eye(n), 1))


# --------------------------------------------------------------------------- constants and BLAS/LAPACK lookups


def dft(n, scale=None):
    """The ``n × n`` discrete Fourier transform matrix, as :func:`scipy.linalg.dft`
    (``n`` an integer: a constant, SciPy's own).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import dft
    >>> np.round(dft(2).real, 12)
    array([[ 1.,  1.],
           [ 1., -1.]])
    """
    return _scipy_linalg.dft(n, scale=scale)


def _stand_ins(arrays):
    """Plain zero arrays in place of traced ones (their dtype and shape: what the lookups read)."""
    return tuple(_dtype_stand_in(a) for a in arrays)


def find_best_blas_type(arrays=(), dtype=None):
    """``(prefix, dtype, prefer_fortran)`` for the arrays, as
    :func:`scipy.linalg.find_best_blas_type`, reading a traced array's dtype (it has
    no memory layout: C order is reported).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import find_best_blas_type
    >>> seen = []
    >>> _ = osc.grad(lambda x: seen.append(find_best_blas_type((x,))[0]) or x.sum())(np.ones(2))
    >>> seen
    ['d']
    """
    return _scipy_linalg.find_best_blas_type(_stand_ins(arrays), dtype)


def get_blas_funcs(names, arrays=(), dtype=None, ilp64=False):
    """SciPy's BLAS routines for the arrays' dtype, as :func:`scipy.linalg.get_blas_funcs`
    (a traced array's dtype is read; the routines themselves run on plain arrays).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import get_blas_funcs
    >>> get_blas_funcs("gemm", (np.ones(2),)).typecode
    'd'
    """
    return _scipy_linalg.get_blas_funcs(names, _stand_ins(arrays), dtype, ilp64)


def get_lapack_funcs(names, arrays=(), dtype=None, ilp64=False):
    """SciPy's LAPACK routines for the arrays' dtype, as
    :func:`scipy.linalg.get_lapack_funcs` (see :func:`get_blas_funcs`).

    >>> import numpy as np
    >>> from osculate.scipy.linalg import get_lapack_funcs
    >>> get_lapack_funcs("getrf", (np.ones(2, dtype=np.float32),)).typecode
    's'
    """
    return _scipy_linalg.get_lapack_funcs(names, _stand_ins(arrays), dtype, ilp64)


# --------------------------------------------------------------------------- hessenberg


def _reflector(x):
    """LAPACK's elementary reflector for the vector ``x``: ``(v, tau, beta)`` with
    ``v[0] = 1`` and ``(I - tau v vᴴ) x = beta e₁``, ``beta`` real (``-sign(Re x₀) ‖x‖``);
    ``None`` when ``x`` is already ``beta e₁`` (a real ``x₀`` and the rest 0, on the values)."""
    alpha, rest = x[0], x[1:]
    if _shape_of(x)[0] == 1 and not _is_complex(x):
        return None  # (a real number is beta e₁ already: no values needed)
    value = _value_or_none(x)
    if value is not None and not _np.any(value[1:]) and _np.imag(value[0]) == 0:
        return None
    size = _onp.sqrt(_onp.sum(_real(x * _conj(x))))
    beta = -_onp.copysign(size, _real(alpha))
    tau = (beta - _conj(alpha)) / beta
    return _concatenate([_np.ones(1, dtype=x.dtype), rest / (alpha - beta)]), tau, beta


def hessenberg(a, calc_q=False, overwrite_a=False, check_finite=True):
    """The upper Hessenberg form ``H = Qᴴ a Q`` (and ``Q`` with ``calc_q``), as
    :func:`scipy.linalg.hessenberg`: LAPACK's Householder reduction written with
    osculate's operations, so the values are SciPy's (signs included: real
    subdiagonal, ``Q e₁ = e₁``) and differentiable.  The derivative exists where
    every reflected column is nonzero below the subdiagonal (a generic matrix;
    not, e.g., at one already in Hessenberg form).  A column that needs no
    reflector is recognised on the values; inside ``jit``/``vmap`` (no
    values) it gets one, which changes signs, and an all-zero column gives
    nan.  ``O(n³)``, with ``n`` Python steps.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.linalg import hessenberg
    >>> a = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [0.0, 8.0, 9.0]])
    >>> np.round(hessenberg(a), 12) + 0.0  # (already Hessenberg: unchanged)
    array([[1., 2., 3.],
           [4., 5., 6.],
           [0., 8., 9.]])
    """
    a = _square(a, "hessenberg")
    if len(_shape_of(a)) != 2:
        raise NotImplementedError("osculate.scipy.linalg.hessenberg: a single matrix only, not a stack")
    n = _shape_of(a)[0]
    if n <= 2:  # (SciPy's: returned as it is, with a real identity)
        return (a, _np.eye(n)) if calc_q else a
    q = _np.eye(n, dtype=a.dtype)
    for k in range(n - 1):
        r = _reflector(a[k + 1:, k])
        if r is None:
            continue
        v, tau, _ = r
        v = _concatenate([_np.zeros(k + 1, dtype=v.dtype), v])
        vh = _conj(v)
        a = a - tau * _onp.outer(v, _linalg.matmul(vh, a))
        a = a - _conj(tau) * _onp.outer(_linalg.matmul(a, v), vh)
        q = q - _conj(tau) * _onp.outer(_linalg.matmul(q, v), vh)
    h = _onp.triu(a, -1)
    return (h, q) if calc_q else h
