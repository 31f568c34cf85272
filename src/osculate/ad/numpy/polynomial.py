"""NumPy's polynomial functions (``numpy.poly*``, ``vander``) on traced
coefficients.

Re-exported by :mod:`osculate.ad.numpy` (public as :mod:`osculate.numpy`);
``polyval`` is in :mod:`osculate.ad.numpy.composites`.  Coefficients are
1-d, highest power first, as in NumPy.  Every function is a composite of
traced operations (``polyfit`` solves its least-squares problem with
:func:`numpy.linalg.lstsq`, differentiable in ``x``, ``y`` and ``w``), so
all transforms apply; ``polydiv`` trims the leading zeros of the remainder as
NumPy does, which needs the values (eager only).

>>> import numpy as np, osculate as osc
>>> x = np.linspace(0.0, 1.0, 5)
>>> np.round(np.polyfit(x, 3.0 * x ** 2 - x + 0.5, 2), 12)
array([ 3. , -1. ,  0.5])
>>> np.round(osc.jacfwd(lambda y: np.polyfit(x, y, 1))(x ** 2)[0], 12) + 0.0
array([-0.8, -0.4,  0. ,  0.4,  0.8])
"""

from __future__ import annotations

import builtins as _builtins

import numpy as _np

from .. import prims as _prims
from ..core import ConcretizationError as _ConcretizationError
from ..core import concrete as _concrete
from ..prims.structural import shape_of as _shape
from .composites import _nd, asarray

concatenate, stack, reshape, ravel, sum, sqrt, convolve, lstsq, inv, dot, outer = (  # noqa: A001
    _np.concatenate, _np.stack, _np.reshape, _np.ravel, _np.sum, _np.sqrt, _np.convolve, _np.linalg.lstsq,
    _np.linalg.inv, _np.dot, _np.outer)

__all__ = [
    "poly", "roots", "sort_complex", "polyadd", "polysub", "polymul", "polydiv", "polyder", "polyint", "polyfit", "vander",
]


def _coef(p):
    p = asarray(p)
    if _nd(p) == 0:
        p = reshape(p, (1,))
    if _nd(p) != 1:
        raise ValueError("polynomial coefficients must be a 1-d array")
    return p * 1.0


def _front_pad(p, n):
    k = n - _shape(p)[0]
    return concatenate([_np.zeros(k), p]) if k > 0 else p


def _values(x, name, what):
    """The concrete value of ``x``, from which ``name`` chooses ``what``, or an error saying why not."""
    try:
        return _np.asarray(_concrete(x))
    except _ConcretizationError:
        raise _ConcretizationError(f"osculate.numpy.{name} chooses {what} from concrete values, which do not "
                                   "exist inside jit or vmap") from None


def _conjugate_closed(r):
    """Whether the (concrete) complex values ``r`` come in conjugate pairs, NumPy's test."""
    return bool(_np.all(_np.sort_complex(r) == _np.sort_complex(_np.conj(r))))


def poly(seq_of_zeros):
    """The coefficients of the monic polynomial with the given roots, or of the
    characteristic polynomial of a square matrix (the roots are then its
    eigenvalues, by ``eig``, differentiable where they are distinct).  As in
    NumPy, complex roots that come in conjugate pairs (checked on the values)
    give real coefficients.

    >>> import numpy as np, osculate as osc
    >>> np.poly(np.array([[0.0, 1.0], [-2.0, 0.0]]))  # λ² + 2
    array([1., 0., 2.])
    >>> osc.grad(lambda a: np.poly(a)[-1])(np.array([[1.0, 2.0], [3.0, 4.0]]))  # d det/da
    array([[ 4., -3.],
           [-2.,  1.]])
    """
    r = asarray(seq_of_zeros)
    if _nd(r) == 2 and _shape(r)[0] == _shape(r)[1] and _shape(r)[0] > 0:
        r = _np.linalg.eigvals(r)
    elif _nd(r) != 1 and _nd(r) != 0:
        raise ValueError("input must be 1d or non-empty square 2d array.")
    r = ravel(r)
    a = _np.ones(1)
    for i in range(_shape(r)[0]):
        a = concatenate([a, _np.zeros(1)]) - _prims.getitem(r, i) * concatenate([_np.zeros(1), a])
    if _np.iscomplexobj(a) and _conjugate_closed(_values(r, "poly", "whether the coefficients are real")):
        a = _np.real(a)
    return a


def roots(p):
    """The roots of the polynomial with coefficients ``p`` (highest power
    first), as ``numpy.roots``: the eigenvalues of the companion matrix, real
    when they all are.  The leading and trailing zeros NumPy strips are found
    on the values (eager only); the roots are differentiable in ``p`` where
    they are simple (``dr = -(dp)(r) / p'(r)``).

    >>> import numpy as np, osculate as osc
    >>> np.roots(np.array([1.0, -3.0, 2.0]))
    array([2., 1.])
    >>> osc.jacfwd(lambda p: np.roots(p))(np.array([1.0, -3.0, 2.0]))  # -(r², r, 1) / p'(r)
    array([[-4., -2., -1.],
           [ 1.,  1.,  1.]])
    """
    p = asarray(p)
    if _nd(p) != 1:
        raise ValueError("Input must be a rank-1 array.")
    values = _values(p, "roots", "the leading and trailing zeros to strip")
    nonzero = _np.flatnonzero(values)
    if nonzero.size == 0:
        return _np.array([])
    trailing = len(values) - nonzero[-1] - 1
    p = _prims.getitem(p, slice(int(nonzero[0]), int(nonzero[-1]) + 1)) * 1.0
    n = _shape(p)[0]
    if n > 1:
        first = reshape(-_prims.getitem(p, slice(1, None)) / _prims.getitem(p, 0), (1, n - 1))
        r = _np.linalg.eigvals(concatenate([first, _np.eye(n - 2, n - 1)]))
    else:
        r = _np.zeros(0, dtype=complex)
    r = concatenate([r, _np.zeros(trailing, dtype=complex)])
    if not _np.any(_np.imag(_values(r, "roots", "the dtype of the result"))):
        r = _np.real(r)
    return r


def sort_complex(a):
    """``a`` sorted by real part, then imaginary part, along its last axis, as
    ``numpy.sort_complex`` (complex): the order is read from the values (a
    permutation, piecewise constant) and the entries are gathered.

    >>> import numpy as np
    >>> np.sort_complex(np.array([2.0 + 1j, 1.0 - 1j, 2.0 - 3j]))
    array([1.-1.j, 2.-3.j, 2.+1.j])
    """
    a = asarray(a)
    v = _values(a, "sort_complex", "the order")
    order = _np.lexsort((_np.imag(v), _np.real(v)), axis=-1)
    return _np.take_along_axis(a, order, axis=-1) + 0j


def polyadd(a1, a2):
    """The sum of two polynomials (the shorter padded with leading zeros)."""
    a1, a2 = _coef(a1), _coef(a2)
    n = _builtins.max(_shape(a1)[0], _shape(a2)[0])
    return _front_pad(a1, n) + _front_pad(a2, n)


def polysub(a1, a2):
    """The difference of two polynomials."""
    a1, a2 = _coef(a1), _coef(a2)
    n = _builtins.max(_shape(a1)[0], _shape(a2)[0])
    return _front_pad(a1, n) - _front_pad(a2, n)


def polymul(a1, a2):
    """The product of two polynomials (a convolution of the coefficients)."""
    return convolve(_coef(a1), _coef(a2))


def polyder(p, m=1):
    """The ``m``-th derivative of a polynomial."""
    m = int(m)
    if m < 0:
        raise ValueError("Order of derivative must be positive (see polyint)")
    p = _coef(p)
    for _ in range(m):
        n = _builtins.max(_shape(p)[0] - 1, 0)
        p = _prims.getitem(p, slice(0, n)) * _np.arange(n, 0, -1, dtype=float)
    return p


def polyint(p, m=1, k=None):
    """The ``m``-th antiderivative, with the integration constants ``k``
    (a scalar for all, or ``m`` values; they may be traced, but NumPy hands
    ``np.polyint`` to osculate only for a traced ``p``: with traced ``k`` and
    plain ``p`` call ``osculate.numpy.polyint``)."""
    m = int(m)
    if m < 0:
        raise ValueError("Order of integral must be positive (see polyder)")
    if k is None:
        k = [0.0] * m
    elif not isinstance(k, (list, tuple)):
        k = [k] * m if len(_shape(k)) == 0 else [_prims.getitem(asarray(k), i) for i in range(_shape(k)[0])]
    if len(k) < m:
        raise ValueError("k must be a scalar or a rank-1 array of length 1 or >m.")
    p = _coef(p)
    for j in range(m):
        n = _shape(p)[0]
        p = concatenate([p / _np.arange(n, 0, -1, dtype=float), reshape(asarray(k[j]) * 1.0, (1,))])
    return p


def polydiv(u, v):
    """Quotient and remainder of polynomial division (long division; the
    remainder's leading zeros are trimmed from the values, as NumPy does, so
    eager only for that step)."""
    u, v = _coef(u), _coef(v)
    m, n = _shape(u)[0] - 1, _shape(v)[0] - 1
    scale = 1.0 / _prims.getitem(v, 0)
    if m < n:
        return _np.zeros(1) * scale, u
    q = []
    r = [_prims.getitem(u, i) for i in range(m + 1)]
    vs = [_prims.getitem(v, i) for i in range(n + 1)]
    for k in range(m - n + 1):
        d = scale * r[k]
        q.append(d)
        for i in range(n + 1):
            r[k + i] = r[k + i] - d * vs[i]
    rem = [r[i] for i in range(m + 1)]
    values = _np.asarray([_concrete(x) for x in rem], dtype=float)
    start = 0
    while start < m and _np.allclose(values[start], 0, rtol=1e-14):
        start += 1
    return stack(q), stack(rem[start:])


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix: columns ``x**(N-1), ..., x, 1`` (or increasing)."""
    x = ravel(asarray(x))
    n = _shape(x)[0] if N is None else int(N)
    powers = range(n) if increasing else range(n - 1, -1, -1)
    cols = [x ** k if k else _np.ones(_shape(x)) + 0.0 * x for k in powers]
    return stack(cols, axis=1) if cols else _np.zeros((_shape(x)[0], 0))


def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """The least-squares polynomial fit of degree ``deg`` (NumPy's column
    scaling and weights), differentiable in ``x``, ``y`` and ``w``.  Returns
    what NumPy returns for ``full`` and ``cov``."""
    order = int(deg) + 1
    x = asarray(x) * 1.0
    y = asarray(y) * 1.0
    if deg < 0:
        raise ValueError("expected deg >= 0")
    if _nd(x) != 1:
        raise TypeError("expected 1D vector for x")
    if _shape(x)[0] == 0:
        raise TypeError("expected non-empty vector for x")
    if _nd(y) < 1 or _nd(y) > 2:
        raise TypeError("expected 1D or 2D array for y")
    if _shape(x)[0] != _shape(y)[0]:
        raise TypeError("expected x and y to have same length")
    if rcond is None:
        rcond = _shape(x)[0] * _np.finfo(float).eps
    lhs = vander(x, order)
    rhs = y
    if w is not None:
        w = asarray(w) * 1.0
        if _nd(w) != 1:
            raise TypeError("expected a 1-d array for weights")
        if _shape(w)[0] != _shape(y)[0]:
            raise TypeError("expected w and y to have the same length")
        lhs = lhs * reshape(w, (-1, 1))
        rhs = rhs * (w if _nd(rhs) == 1 else reshape(w, (-1, 1)))
    scale = sqrt(sum(lhs * lhs, axis=0))
    lhs = lhs / scale
    c, resids, rank, s = lstsq(lhs, rhs, rcond)
    c = c / (scale if _nd(c) == 1 else reshape(scale, (-1, 1)))
    if full:
        return c, resids, rank, s, rcond
    if cov:
        vbase = inv(dot(lhs.T, lhs)) / outer(scale, scale)
        if cov == "unscaled":
            fac = 1.0
        else:
            if _shape(x)[0] <= order:
                raise ValueError("the number of data points must exceed order to scale the covariance matrix")
            fac = resids / (_shape(x)[0] - order)
        if _nd(y) == 1:
            return c, vbase * (fac if _np.ndim(fac) == 0 else reshape(fac, ()))
        return c, reshape(vbase, _shape(vbase) + (1,)) * fac
    return c
