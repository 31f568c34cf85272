"""Differentiable dense linear algebra: ``osculate.numpy.linalg``, the traced
counterpart of :mod:`numpy.linalg`.

Every function of ``numpy.linalg`` that has a derivative for real input is
here, with NumPy's signature and results (named tuples included):
``solve``, ``inv``, ``det``, ``slogdet``, ``cholesky``, ``eigh``,
``eigvalsh``, ``svd``, ``svdvals``, ``qr``, ``lstsq``, ``pinv``,
``matrix_power``, ``matrix_rank``, ``cond``, ``norm``, ``vector_norm``,
``matrix_norm``, ``multi_dot``, ``tensorsolve``, ``tensorinv``, and the
array-API spellings of ``numpy`` functions over the last axes (``cross``,
``diagonal``, ``matmul``, ``matrix_transpose``, ``outer``, ``tensordot``,
``trace``, ``vecdot``).  The
decompositions are primitives (:mod:`osculate.ad.prims.linalg`,
:mod:`osculate.ad.prims.decompositions`); everything else is composed from
them here, so its derivatives of every order come from theirs.

Where a derivative does not exist (repeated or zero singular values, a rank
drop, a norm at a kink) the result is still finite: each function says which
convention it follows.

Complex matrices work in every function and transform, with the conjugate
transposes in place of transposes (``a = U S Vᴴ``, ``a = Q R``, Hermitian
``cholesky``/``eigh``, norms of ``|a|``); singular values, norms and
eigenvalues of Hermitian matrices are real.  Singular vectors and
eigenvectors carry a phase LAPACK chooses: their derivatives follow a fixed
convention (see :func:`svd`), exact for functions invariant to the phases.
``eig``/``eigvals`` are complex for every input.

>>> import numpy as np, osculate as osc
>>> a = np.array([[3.0, 1.0], [0.0, 2.0], [1.0, 1.0]])
>>> g = osc.grad(lambda m: np.linalg.norm(m, "nuc"))(a)  # the nuclear norm's gradient is U Vᵀ
>>> u, s, vh = np.linalg.svd(a, full_matrices=False)
>>> bool(np.allclose(g, u @ vh))
True
"""

from __future__ import annotations

import collections as _collections
import operator as _operator

import numpy as _np

from ..core import ConcretizationError as _ConcretizationError, concrete as _concrete
from ..prims import decompositions as _dec, eig as _eig, linalg as _linalg
from ..prims.complex_parts import imag as _imag, is_complex as _is_complex, real as _real
from ..prims.structural import shape_of as _shape

__all__ = [
    "solve", "inv", "det", "slogdet", "cholesky", "eigh", "eigvalsh", "svd", "svdvals", "qr", "lstsq", "pinv",
    "matrix_power", "matrix_rank", "cond", "norm", "vector_norm", "matrix_norm", "multi_dot", "tensorsolve",
    "tensorinv", "eig", "eigvals", "cross", "diagonal", "matmul", "matrix_transpose", "outer", "tensordot", "trace",
    "vecdot", "SlogdetResult", "EighResult", "SVDResult", "QRResult", "EigResult",
]

SlogdetResult = _collections.namedtuple("SlogdetResult", ["sign", "logabsdet"])
EighResult = _collections.namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
EigResult = _collections.namedtuple("EigResult", ["eigenvalues", "eigenvectors"])
SVDResult = _collections.namedtuple("SVDResult", ["U", "S", "Vh"])
QRResult = _collections.namedtuple("QRResult", ["Q", "R"])

_EPS = _np.finfo(float).eps

inv = _linalg.inv
det = _linalg.det


def _mT(x):
    return _np.swapaxes(x, -1, -2)


def _check_matrix(name, a):
    if len(_shape(a)) < 2:
        raise _np.linalg.LinAlgError(
            f"{len(_shape(a))}-dimensional array given. Array must be at least two-dimensional ({name})")


def solve(a, b):
    """Solve ``a @ x = b``; derivatives in both ``a`` and ``b``.

    >>> import numpy as np, osculate as osc
    >>> a = np.array([[2.0, 0.0], [0.0, 4.0]])
    >>> osc.grad(lambda b: np.sum(np.linalg.solve(a, b)))(np.ones(2))
    array([0.5 , 0.25])
    """
    return _linalg.solve(a, b)


def slogdet(a):
    """``(sign, log|det a|)`` as NumPy's named tuple; the sign is piecewise constant.

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda a: np.linalg.slogdet(a).logabsdet)(np.diag([2.0, 4.0]))  # inv(a).T
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    return SlogdetResult(_linalg.sign_det(a), _linalg.logabsdet(a))


def cholesky(a, /, *, upper=False):
    """The Cholesky factor ``L`` (``a = L Lᵀ``), or ``U = Lᵀ`` with
    ``upper=True``; as in NumPy, only the triangle of the factor is read
    (the lower one, the upper one with ``upper=True``).

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda a: np.linalg.cholesky(a)[0, 0])(np.diag([4.0, 9.0]))  # d sqrt(a00)
    array([[0.25, 0.  ],
           [0.  , 0.  ]])
    """
    if upper and _is_complex(a):  # U = Lᴴ with L the factor of aᴴ, whose lower triangle is a's upper one
        return _linalg.mH(_linalg.cholesky(_linalg.mH(a)))
    if upper:
        return _mT(_linalg.cholesky(_mT(a)))  # the lower triangle of aᵀ is the upper one of a
    return _linalg.cholesky(a)


def _symmetric_from(a, UPLO):
    if UPLO not in ("L", "U", "l", "u"):
        raise ValueError("UPLO argument must be 'L' or 'U'")
    return UPLO.upper() == "U"


def eigh(a, UPLO="L"):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix, as
    NumPy's named tuple.

    Only the triangle ``UPLO`` names is read (``'L'``, the default, or
    ``'U'``), so derivatives flow into that triangle only, and the vectors are
    NumPy's, signs included.  The derivative of the eigenvectors assumes
    distinct eigenvalues (it is infinite otherwise).

    >>> import numpy as np, osculate as osc
    >>> a = np.array([[2.0, 5.0], [1.0, 3.0]])  # 'U' sees [[2, 5], [5, 3]]
    >>> g = osc.grad(lambda m: np.linalg.eigh(m, UPLO="U").eigenvalues[1])(a)
    >>> bool(g[1, 0] == 0.0)  # nothing flows into the lower triangle
    True
    """
    if _symmetric_from(a, UPLO):
        # the lower triangle of aᵀ (aᴴ) is the upper one of a
        w, v = _linalg.eigh(_linalg.mH(a) if _is_complex(a) else _mT(a))
        return EighResult(w, v * _np.expand_dims(_dec.eigh_upper_signs(a), -2))
    return EighResult(*_linalg.eigh(a))


def eigvalsh(a, UPLO="L"):
    """The eigenvalues of a symmetric matrix (ascending), reading the triangle ``UPLO``.

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda a: np.sum(np.linalg.eigvalsh(a)))(np.eye(2))  # the trace
    array([[1., 0.],
           [0., 1.]])
    """
    if _symmetric_from(a, UPLO):
        return _linalg.eigh(_linalg.mH(a) if _is_complex(a) else _mT(a))[0]
    return _linalg.eigh(a)[0]


# --------------------------------------------------------------------------- svd / qr


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """NumPy's ``svd``: ``SVDResult(U, S, Vh)`` with ``a = (U[..., :k] * S) @ Vh[..., :k, :]``,
    or only ``S`` (descending) with ``compute_uv=False``; stacks of matrices too.

    Derivatives use the standard formulas, with ``1/(s_j² − s_i²)`` for the
    rotation of the singular vectors (split into a ``1/(s_j − s_i)`` part and
    a ``1/(s_j + s_i)`` part).  They do not exist where singular values
    repeat or vanish; there the result stays finite by a convention: the
    ``1/(s_j − s_i)`` part of equal singular values is 0 and ``1/s`` of a
    zero one is 0.  At repeated nonzero singular values the sum of the
    cluster (so the nuclear norm) and ``U Vh`` (its gradient) keep their
    exact derivatives; the singular values and vectors one by one, and
    ``U diag(S) Vh``, are exact only along perturbations that keep the tie.  Singular vectors have a sign ambiguity:
    their derivative is that of the vectors NumPy returns, which change
    continuously with ``a`` away from ties.  With ``full_matrices=True`` the
    columns of ``U`` (rows of ``Vh``) beyond ``k = min(m, n)`` are not unique;
    they move only to stay orthogonal to the first ``k``, so only their span
    has a derivative independent of that choice.  ``hermitian=True`` is
    computed as the general decomposition (the same ``S``; NumPy's vectors
    for a Hermitian input may differ in sign).

    Complex ``a``: ``S`` is real; a pair of singular vectors has a common
    phase (LAPACK's), and the derivative puts its change on ``U``
    (``diag(Vᴴ dV) = 0``), so functions invariant to the phases (``S``,
    ``U Vh``, ``|U|``, ``U Uᴴ``...) have exact derivatives, ``U`` and ``Vh``
    one by one follow that convention.

    >>> import numpy as np, osculate as osc
    >>> a = np.array([[2.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    >>> osc.grad(lambda m: np.linalg.svd(m, compute_uv=False)[0])(a)  # u₁ v₁ᵀ
    array([[1., 0.],
           [0., 0.],
           [0., 0.]])
    """
    _check_matrix("svd", a)
    if not compute_uv:
        return _dec.svd(a, full_matrices=False)[1]
    return SVDResult(*_dec.svd(a, full_matrices=full_matrices))


def svdvals(x, /):
    """The singular values, descending (``svd(x, compute_uv=False)``).

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda a: np.sum(np.linalg.svdvals(a)))(np.diag([3.0, -2.0]))  # U Vᵀ
    array([[ 1.,  0.],
           [ 0., -1.]])
    """
    return svd(x, compute_uv=False)


def qr(a, mode="reduced"):
    """NumPy's ``qr``: ``QRResult(Q, R)`` for ``mode='reduced'`` (the default)
    or ``'complete'``, ``R`` alone for ``mode='r'``; stacks of matrices too.

    The derivative exists where the first ``k = min(m, n)`` columns of ``a``
    are linearly independent (``R``'s leading ``k × k`` block invertible);
    it grows like ``1/|R_jj|`` as they approach dependence, and at dependent
    columns it is not defined: a ``LinAlgError`` (singular matrix) when a
    ``R_jj`` is exactly 0, else (rounding leaves ``R_jj ≈ 1e-16``) values of
    that size, so check ``R``'s diagonal before trusting it.
    For ``mode='complete'`` and a tall matrix (``m > n``) the last ``m − n``
    columns of ``Q`` are not unique: their derivative follows the convention
    that they move only to stay orthogonal to the first ``n`` (only their
    span, ``Q₂ Q₂ᵀ``, has a derivative that does not depend on it); for
    ``m ≤ n`` ``'complete'`` is ``'reduced'``.  For complex ``a`` the
    diagonal of ``R`` is real, as LAPACK returns it, and stays real along the
    derivative, which makes ``Q`` and ``R`` unique.  ``mode='raw'`` (LAPACK's
    Householder reflectors) is not supported.

    >>> import numpy as np, osculate as osc
    >>> a = np.array([[3.0, 1.0], [4.0, 2.0]])
    >>> g = osc.grad(lambda m: np.abs(np.linalg.qr(m, mode="r")[0, 0]))(a)  # |R₀₀| = ‖a[:, 0]‖
    >>> bool(np.allclose(g, [[0.6, 0.0], [0.8, 0.0]]))
    True
    """
    _check_matrix("qr", a)
    if mode not in ("reduced", "complete", "r", "raw"):
        raise ValueError(f"Unrecognized mode '{mode}'")
    if mode == "raw":
        raise NotImplementedError(
            "osculate.numpy.linalg.qr: mode='raw' (Householder reflectors) is not supported on traced "
            "values; use mode='reduced', 'complete' or 'r'")
    q, r = _dec.qr(a, complete=mode == "complete")
    return r if mode == "r" else QRResult(q, r)


# --------------------------------------------------------------------------- pinv / lstsq / rank


_NO_VALUE = object()


def pinv(a, rcond=None, hermitian=False, *, rtol=_NO_VALUE):
    """The Moore–Penrose pseudo-inverse, as NumPy's ``pinv`` computes it
    (singular values at most ``rcond · max(s)`` count as zero; ``rcond`` and
    ``rtol`` as in NumPy: by default ``rcond = 1e-15``, ``rtol=None`` means
    ``max(m, n) · eps``).

    The derivative is the pseudo-inverse's at constant rank,
    ``dA⁺ = −A⁺ dA A⁺ + A⁺A⁺ᵀ dAᵀ (I − A A⁺) + (I − A⁺A) dAᵀ A⁺ᵀ A⁺``: exact
    for a matrix of full rank and wherever the rank after the cutoff does not
    change nearby, also with repeated singular values.  At a matrix where the
    rank can change, ``pinv`` is discontinuous and this is the derivative
    along perturbations that keep the rank.  ``rcond``/``rtol`` must be
    numbers (not arrays).

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda a: np.linalg.pinv(a)[0, 0])(np.array([[2.0], [0.0]]))  # d (a₀/‖a‖²)
    array([[-0.25],
           [ 0.  ]])
    """
    _check_matrix("pinv", a)
    if rcond is None:
        if rtol is _NO_VALUE:
            rcond = 1e-15
        elif rtol is None:
            rcond = max(_shape(a)[-2:]) * _EPS
        else:
            rcond = rtol
    elif rtol is not _NO_VALUE:
        raise ValueError("`rtol` and `rcond` can't be both set.")
    if _np.ndim(rcond) != 0:
        raise NotImplementedError("osculate.numpy.linalg.pinv: rcond/rtol must be a number, not an array")
    return _dec.pinv(a, float(rcond), hermitian)


def _rank_of(s, cutoff):
    """The number of singular values above ``cutoff`` (an integer, piecewise constant)."""
    return _np.sum(s > cutoff, axis=-1)


def lstsq(a, b, rcond=None):
    """The least-squares solution of ``a @ x = b``, as NumPy's 4-tuple
    ``(x, residuals, rank, s)``.

    ``x = pinv(a) @ b`` with NumPy's cutoff (singular values at most ``rcond ·
    max(s)`` count as zero; by default ``rcond = max(m, n) · eps``, a negative
    one means machine precision); its derivative in ``a`` and ``b`` is exact
    for ``a`` of full column rank, and otherwise the minimum-norm solution's
    at constant rank (see :func:`pinv`).  ``residuals`` are the squared
    residual norms of each column of ``b``, shape ``(K,)`` (``(1,)`` for a 1-d
    ``b``), differentiable; as in NumPy they are empty when ``rank < n`` or
    ``m <= n`` (inside ``jit``, ``vmap`` and global sparsity detection the
    rank has no concrete value and full rank is assumed).  ``rank`` is an
    integer (piecewise constant, no derivative) and ``s`` the singular values
    of ``a`` (see :func:`svd`).

    >>> import numpy as np, osculate as osc
    >>> a = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> x, res, rank, s = osc.numpy.linalg.lstsq(a, np.array([1.0, 2.0, 3.0]))
    >>> bool(np.allclose(x, [1.0, 2.0])), int(rank)
    (True, 2)
    >>> osc.grad(lambda b: np.linalg.lstsq(a, b)[0][0])(np.zeros(3))  # the first row of pinv(a)
    array([ 0.66666667, -0.33333333,  0.33333333])
    """
    sa, sb = _shape(a), _shape(b)
    if len(sa) != 2:
        raise _np.linalg.LinAlgError(f"{len(sa)}-dimensional array given. Array must be two-dimensional")
    if len(sb) not in (1, 2):
        raise _np.linalg.LinAlgError(f"{len(sb)}-dimensional array given. Array must be one or two-dimensional")
    m, n = sa
    if sb[0] != m:
        raise _np.linalg.LinAlgError("Incompatible dimensions")
    if rcond is None:
        rcond = _EPS * max(m, n)
    elif rcond < 0:
        rcond = _EPS
    s = svd(a, compute_uv=False)
    x = _np.matmul(_dec.pinv(a, float(rcond)), b)
    rank = _rank_of(s, rcond * s[..., 0]) if min(m, n) else _np.sum(s > 0)
    full_rank = True
    if m > n:
        try:
            full_rank = int(_concrete(rank)) == n
        except _ConcretizationError:  # jit, vmap, global sparsity: no value to decide by
            full_rank = True
    if m > n and full_rank:
        r = _np.matmul(a, x) - b
        residuals = _np.sum(_abs2(r), axis=0)
        if len(sb) == 1:
            residuals = _np.reshape(residuals, (1,))
    else:
        residuals = _np.zeros((0,))
    return x, residuals, rank, s


def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    """The number of singular values above the tolerance, as NumPy's
    ``matrix_rank`` (piecewise constant: no derivative).

    >>> import numpy as np, osculate as osc
    >>> int(osc.numpy.linalg.matrix_rank(np.array([[1.0, 2.0], [2.0, 4.0]])))
    1
    """
    if len(_shape(A)) < 2:
        return _np.any(A != 0)
    s = svd(A, compute_uv=False)
    if tol is None:
        if rtol is None:
            rtol = max(_shape(A)[-2:]) * _EPS
        else:
            rtol = _np.asarray(rtol)[..., None]
        tol = _np.max(s, axis=-1, keepdims=True) * rtol
    else:
        tol = _np.asarray(tol)[..., None]
    return _np.sum(s > tol, axis=-1)


# --------------------------------------------------------------------------- products


def matrix_power(a, n):
    """``a`` raised to the integer power ``n`` by repeated squaring, as NumPy
    does; ``n = 0`` gives the identity (a constant), a negative ``n`` powers of
    ``inv(a)``.

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda a: np.trace(np.linalg.matrix_power(a, 3)))(np.diag([1.0, 2.0]))  # 3 (a²)ᵀ
    array([[ 3.,  0.],
           [ 0., 12.]])
    """
    sa = _shape(a)
    if len(sa) < 2 or sa[-1] != sa[-2]:
        raise _np.linalg.LinAlgError("Last 2 dimensions of the array must be square")
    try:
        n = _operator.index(n)
    except TypeError as e:
        raise TypeError("exponent must be an integer") from e
    if n == 0:
        return _np.broadcast_to(_np.eye(sa[-1]), sa).copy()
    if n < 0:
        a = _linalg.inv(a)
        n = -n
    result = square = None
    while n:
        square = a if square is None else _linalg.matmul(square, square)
        n, bit = divmod(n, 2)
        if bit:
            result = square if result is None else _linalg.matmul(result, square)
    return result


def _chain_order(dims):
    """The cheapest parenthesisation of a matrix chain with sizes ``dims``
    (matrix i is dims[i] × dims[i+1]): ``split[i][j]`` is where the product of
    matrices i..j is cut."""
    count = len(dims) - 1
    cost = [[0.0] * count for _ in range(count)]
    split = [[0] * count for _ in range(count)]
    for length in range(1, count):
        for i in range(count - length):
            j = i + length
            best = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if best is None or c < best:
                    best, split[i][j] = c, k
            cost[i][j] = best
    return split


def multi_dot(arrays, *, out=None):
    """The product of a chain of matrices in the cheapest order, as NumPy's
    ``multi_dot`` (the first and last may be vectors).

    >>> import numpy as np, osculate as osc
    >>> a, b = np.array([[1.0, 2.0]]), np.array([[3.0], [4.0]])
    >>> osc.grad(lambda x: np.linalg.multi_dot([a, np.diag(x), b])[0, 0])(np.ones(2))
    array([3., 8.])
    """
    if out is not None:
        raise TypeError("osculate.numpy.linalg.multi_dot: the out= argument is not supported on traced values")
    arrays = list(arrays)
    if len(arrays) < 2:
        raise ValueError("Expecting at least two arrays.")
    first_vec, last_vec = len(_shape(arrays[0])) == 1, len(_shape(arrays[-1])) == 1
    if first_vec:
        arrays[0] = _np.reshape(arrays[0], (1, -1))
    if last_vec:
        arrays[-1] = _np.reshape(arrays[-1], (-1, 1))
    for x in arrays:
        if len(_shape(x)) != 2:
            raise _np.linalg.LinAlgError(f"{len(_shape(x))}-dimensional array given. Array must be two-dimensional")
    split = _chain_order([_shape(arrays[0])[0]] + [_shape(x)[1] for x in arrays])

    def product(i, j):
        if i == j:
            return arrays[i]
        k = split[i][j]
        return _linalg.matmul(product(i, k), product(k + 1, j))

    res = product(0, len(arrays) - 1)
    if first_vec and last_vec:
        return res[0, 0]
    if first_vec:
        return res[0]
    if last_vec:
        return res[:, 0]
    return res


def tensorsolve(a, b, axes=None):
    """``x`` with ``tensordot(a, x, x.ndim) = b``, as NumPy's ``tensorsolve``;
    derivatives in ``a`` and ``b`` (through :func:`solve`).

    >>> import numpy as np, osculate as osc
    >>> a = np.reshape(np.eye(4) * 2.0, (2, 2, 2, 2))
    >>> osc.grad(lambda b: np.sum(np.linalg.tensorsolve(a, b)))(np.ones((2, 2)))
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    nd = len(_shape(a))
    if axes is not None:
        axes = [ax % nd for ax in axes]
        rest = [k for k in range(nd) if k not in axes]
        a = _np.transpose(a, rest + axes)
    sa = _shape(a)
    lead = sa[len(_shape(b)):]  # the shape of x
    rows = int(_np.prod(_shape(b), dtype=int))
    cols = int(_np.prod(lead, dtype=int))
    if rows != cols:
        raise _np.linalg.LinAlgError("Input arrays must satisfy the requirement prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim])")
    x = _linalg.solve(_np.reshape(a, (rows, cols)), _np.reshape(b, (rows,)))
    return _np.reshape(x, lead)


def tensorinv(a, ind=2):
    """The inverse of ``a`` seen as a linear map from its first ``ind`` axes
    to the others, as NumPy's ``tensorinv``.

    >>> import numpy as np, osculate as osc
    >>> a = np.reshape(np.eye(4) * 2.0, (4, 2, 2))
    >>> float(osc.grad(lambda m: np.linalg.tensorinv(m, ind=1)[0, 0, 0])(a)[0, 0, 0])  # -1/a²
    -0.25
    """
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    sa = _shape(a)
    lead, rest = sa[:ind], sa[ind:]
    rows = int(_np.prod(lead, dtype=int))
    if rows != int(_np.prod(rest, dtype=int)):
        raise _np.linalg.LinAlgError("Last 2 dimensions of the array must be square")
    return _np.reshape(_linalg.inv(_np.reshape(a, (rows, -1))), rest + lead)


# --------------------------------------------------------------------------- norms


def _abs2(x):
    """``|x|²`` elementwise, real (``x * x`` for a real ``x``)."""
    if _is_complex(x):
        re, im = _real(x), _imag(x)
        return re * re + im * im
    return x * x


def _root_of_sum(total):
    """``sqrt(total)`` with the derivative 0 (not nan) where ``total`` is 0: a
    norm is not differentiable at zero, and 0 is in its subdifferential."""
    pos = total > 0
    return _np.where(pos, _np.sqrt(_np.where(pos, total, 1.0)), 0.0)


def _vector_norm(x, ord, axis, keepdims):
    """The vector ``ord``-norm over the axes ``axis`` (a tuple)."""
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    if ord is None or ord == 2:
        return _root_of_sum(_np.sum(_abs2(x), axis=axis, keepdims=keepdims))
    if ord == _np.inf:
        return _np.max(_np.abs(x), axis=axis, keepdims=keepdims)
    if ord == -_np.inf:
        return _np.min(_np.abs(x), axis=axis, keepdims=keepdims)
    if ord == 0:
        return _np.sum(_np.where(x != 0, 1.0, 0.0), axis=axis, keepdims=keepdims)
    if ord == 1:
        return _np.sum(_np.abs(x), axis=axis, keepdims=keepdims)
    p = float(ord)
    nonzero = x != 0  # |0|ᵖ is 0 (p > 0) or inf (p < 0), with derivative 0 rather than inf · 0
    powers = _np.where(nonzero, _np.abs(_np.where(nonzero, x, 1.0)) ** p, 0.0 if p > 0 else _np.inf)
    total = _np.sum(powers, axis=axis, keepdims=keepdims)
    if p > 0:  # the norm of zeros is 0, with derivative 0
        pos = total > 0
        return _np.where(pos, _np.where(pos, total, 1.0) ** (1.0 / p), 0.0)
    return total ** (1.0 / p)  # a zero entry makes the sum inf and the "norm" 0, as in NumPy


def _matrix_norm(x, ord, row, col, keepdims):
    """The matrix ``ord``-norm over the axes ``(row, col)``."""
    if ord in (2, -2, "nuc"):
        s = svd(_np.moveaxis(x, (row, col), (-2, -1)), compute_uv=False)
        ret = s[..., 0] if ord == 2 else s[..., -1] if ord == -2 else _np.sum(s, axis=-1)
    elif ord in (1, -1):
        pick = _np.max if ord == 1 else _np.min
        ret = pick(_np.sum(_np.abs(x), axis=row), axis=col - 1 if col > row else col)
    elif ord in (_np.inf, -_np.inf):
        pick = _np.max if ord == _np.inf else _np.min
        ret = pick(_np.sum(_np.abs(x), axis=col), axis=row - 1 if row > col else row)
    elif ord in (None, "fro", "f"):
        ret = _root_of_sum(_np.sum(_abs2(x), axis=(row, col)))
    else:
        raise ValueError("Invalid norm order for matrices.")
    if keepdims:
        shape = list(_shape(x))
        shape[row] = shape[col] = 1
        ret = _np.reshape(ret, tuple(shape))
    return ret


def norm(x, ord=None, axis=None, keepdims=False):
    """Every norm of NumPy's ``norm``, with NumPy's rules for ``ord``, ``axis``
    (an int for vectors, a pair for matrices) and ``keepdims``.

    Vectors: ``ord`` None/2 (Euclidean), 1, inf, -inf, 0 (the number of
    nonzero entries: piecewise constant, derivative 0) and any other real
    ``p``, negative included (``(Σ|x|ᵖ)^(1/p)``).  Matrices: ``'fro'``,
    ``'nuc'`` (the sum of the singular values), 1/-1 (max/min column sum),
    inf/-inf (max/min row sum), 2/-2 (largest/smallest singular value).

    Norms have kinks: at a point where the norm is not differentiable the
    derivative is one element of the subdifferential (0 at the zero vector
    for the 2-norm and positive ``p``; ``sign(x)`` for ``|x|`` with
    ``sign(0) = 0``; ties of max/min share the derivative), and the
    singular-value norms follow :func:`svd`'s conventions (``'nuc'`` has
    its exact gradient ``U Vᵀ`` and Hessian also at repeated singular
    values, as long as they are nonzero; 2 and -2 at a repeated largest or
    smallest singular value are not differentiable).

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda x: np.linalg.norm(x, 3))(np.array([1.0, -1.0]))  # sign(x)|x|²/‖x‖₃²
    array([ 0.62996052, -0.62996052])
    >>> float(osc.grad(lambda a: np.linalg.norm(a, 2))(np.diag([3.0, 1.0]))[0, 0])  # u₁ v₁ᵀ
    1.0
    """
    nd = len(_shape(x))
    if axis is None:
        if ord is None or (ord in ("f", "fro") and nd == 2) or (ord == 2 and nd == 1):
            ret = _root_of_sum(_np.sum(_abs2(x)))
            return _np.reshape(ret, (1,) * nd) if keepdims else ret
        axis = tuple(range(nd))
    elif not isinstance(axis, tuple):
        try:
            axis = (_operator.index(axis),)
        except TypeError as e:
            raise TypeError("'axis' must be None, an integer or a tuple of integers") from e
    if len(axis) == 1:
        return _vector_norm(x, ord, axis, keepdims)
    if len(axis) == 2:
        row, col = (int(ax) % nd if -nd <= ax < nd else _bad_axis(ax, nd) for ax in axis)
        if row == col:
            raise ValueError("Duplicate axes given.")
        return _matrix_norm(x, ord, row, col, keepdims)
    raise ValueError("Improper number of dimensions to norm.")


def _bad_axis(ax, nd):
    raise _np.exceptions.AxisError(ax, nd)


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """NumPy's ``vector_norm``: the vector ``ord``-norm over ``axis`` (None:
    all of ``x``, flattened; a tuple: those axes together).

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda x: np.linalg.vector_norm(x, ord=1))(np.array([[1.0, -2.0]]))
    array([[ 1., -1.]])
    """
    nd = len(_shape(x))
    if axis is None:
        axes = tuple(range(nd))
    elif isinstance(axis, tuple):
        axes = tuple(int(ax) % nd for ax in axis)
    else:
        axes = (int(axis) % nd,)
    ret = _vector_norm(x, ord, axes, keepdims=True) if nd else _vector_norm(_np.reshape(x, (1,)), ord, (0,), False)
    if not nd or keepdims:
        return ret
    return _np.reshape(ret, tuple(s for k, s in enumerate(_shape(x)) if k not in axes))


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """NumPy's ``matrix_norm``: :func:`norm` over the last two axes.

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda a: np.linalg.matrix_norm(a, ord="nuc"))(np.diag([2.0, -1.0]))
    array([[ 1.,  0.],
           [ 0., -1.]])
    """
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


def cond(x, p=None):
    """The condition number in the norm ``p``, as NumPy's ``cond``: for
    None/2/-2 the ratio of the largest and smallest singular values (of a
    stack too); for 1/-1/inf/-inf/'fro'/'nuc' ``norm(x, p) · norm(inv(x), p)``
    (square ``x``).  Derivatives follow :func:`svd` and :func:`norm`; a
    singular ``x`` has no derivative (NumPy's value is inf or an error).

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda a: np.linalg.cond(a))(np.diag([4.0, 2.0]))  # d (s₁/s₂)
    array([[ 0.5,  0. ],
           [ 0. , -1. ]])
    """
    _check_matrix("cond", x)
    if p is None or p in (2, -2):
        s = svd(x, compute_uv=False)
        with _np.errstate(divide="ignore", invalid="ignore"):  # a singular x: inf, as in NumPy
            return s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
    sx = _shape(x)
    if sx[-1] != sx[-2]:
        raise _np.linalg.LinAlgError("Last 2 dimensions of the array must be square")
    return norm(x, p, axis=(-2, -1)) * norm(_linalg.inv(x), p, axis=(-2, -1))


def eig(a):
    """Eigenvalues and unit right eigenvectors of a general square matrix, as
    NumPy's named tuple, always complex (see :mod:`osculate.ad.prims.eig` for
    the derivative's conventions: distinct eigenvalues; eigenvectors up to
    their phase).

    >>> import numpy as np, osculate as osc
    >>> a = np.array([[2.0, 1.0], [0.0, 3.0]])
    >>> osc.jacfwd(lambda a: np.real(np.linalg.eigvals(a)))(a)[1]  # d(λ=3)/da = u vᵀ / uᵀv
    array([[0., 0.],
           [1., 1.]])
    """
    return EigResult(*_eig.eig(a))


def eigvals(a):
    """The eigenvalues of a general square matrix (complex); see :func:`eig`."""
    return _eig.eig(a)[0]


# ---------------------------------------------------------------- the array API's spellings of numpy functions
# NumPy 2's linalg namespace repeats eight numpy functions with the array API's signatures (the last
# axes, keyword-only options).  Each is the numpy function, which NumPy hands to osculate for traced
# arguments, after the same checks NumPy makes.


def cross(x1, x2, /, *, axis=-1):
    """NumPy's ``linalg.cross``: ``np.cross`` of 3-vectors along ``axis``.

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda a: np.linalg.cross(a, np.array([0.0, 0.0, 1.0]))[0])(np.ones(3))
    array([0., 1., 0.])
    """
    d1, d2 = _shape(x1)[axis], _shape(x2)[axis]
    if d1 != 3 or d2 != 3:
        raise ValueError(f"Both input arrays must be (arrays of) 3-dimensional vectors, but they are {d1} and {d2} "
                         f"dimensional instead.")
    return _np.cross(x1, x2, axis=axis)


def diagonal(x, /, *, offset=0):
    """NumPy's ``linalg.diagonal``: the diagonals of the last two axes.

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda a: np.sum(np.linalg.diagonal(a) ** 2))(np.eye(2))
    array([[2., 0.],
           [0., 2.]])
    """
    return _np.diagonal(x, offset, axis1=-2, axis2=-1)


def matmul(x1, x2, /):
    """NumPy's ``linalg.matmul``: ``x1 @ x2``.

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda a: np.linalg.matmul(a, np.array([1.0, 2.0])).sum())(np.eye(2))
    array([[1., 2.],
           [1., 2.]])
    """
    return _np.matmul(x1, x2)


def matrix_transpose(x, /):
    """NumPy's ``linalg.matrix_transpose``: the last two axes swapped.

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda a: np.linalg.matrix_transpose(a)[0, 1])(np.zeros((2, 2)))
    array([[0., 0.],
           [1., 0.]])
    """
    return _np.matrix_transpose(x)


def outer(x1, x2, /):
    """NumPy's ``linalg.outer``: the outer product of two vectors.

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda a: np.linalg.outer(a, a).sum())(np.array([1.0, 2.0]))
    array([6., 6.])
    """
    n1, n2 = _np.ndim(x1), _np.ndim(x2)
    if n1 != 1 or n2 != 1:
        raise ValueError(f"Input arrays must be one-dimensional, but they are x1.ndim={n1} and x2.ndim={n2}.")
    return _np.outer(x1, x2)


def tensordot(x1, x2, /, *, axes=2):
    """NumPy's ``linalg.tensordot``: ``np.tensordot`` with ``axes`` a keyword.

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda a: np.linalg.tensordot(a, a, axes=1))(np.array([1.0, 2.0]))
    array([2., 4.])
    """
    return _np.tensordot(x1, x2, axes=axes)


def trace(x, /, *, offset=0, dtype=None):
    """NumPy's ``linalg.trace``: the traces of the last two axes.

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda a: np.linalg.trace(a @ a))(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([[2., 6.],
           [4., 8.]])
    """
    return _np.trace(x, offset, axis1=-2, axis2=-1, dtype=dtype)


def vecdot(x1, x2, /, *, axis=-1):
    """NumPy's ``linalg.vecdot``: ``sum(conj(x1) * x2)`` along ``axis``.

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda a: np.linalg.vecdot(a, a))(np.array([1.0, 2.0]))
    array([2., 4.])
    """
    return _np.vecdot(x1, x2, axis=axis)
