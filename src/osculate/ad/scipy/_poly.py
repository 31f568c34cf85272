"""Polynomials of :mod:`scipy.interpolate` on traced values: :func:`lagrange`,
:func:`pade` and :func:`approximate_taylor_polynomial`, re-exported by
:mod:`osculate.ad.scipy.interpolate`.

SciPy returns ``numpy.poly1d`` objects, which hold their coefficients with
``np.asarray`` and so cannot carry a tracer.  On plain inputs these functions
return SciPy's own result; when anything is traced they return a
:class:`poly1d` of this module: the same coefficients (highest power first),
called by Horner's rule with osculate's operations, so the polynomial's value
is differentiable in its coefficients and in the point.
"""

from __future__ import annotations

import numpy as _np
from scipy import interpolate as _scipy_interpolate

from ..core import Tracer as _Tracer
from ..numpy import asarray as _asarray
from ..tree import register_pytree_node as _register

__all__ = ["lagrange", "pade", "approximate_taylor_polynomial", "poly1d"]


def _traced(*values):
    return any(isinstance(v, _Tracer) for v in values)


class poly1d:  # noqa: N801 (NumPy's name)
    """A polynomial with possibly traced coefficients ``coeffs`` (highest power
    first), the part of :class:`numpy.poly1d` a model uses: calling it,
    ``coeffs``/``c``/``coef``, ``order``, ``deriv``, ``integ``, indexing by
    power, and ``+``, ``-``, ``*`` by numbers and by other polynomials.

    >>> import numpy as np
    >>> from osculate.ad.scipy._poly import poly1d
    >>> p = poly1d(np.array([1.0, 0.0, -2.0]))
    >>> float(p(3.0)), p.order, p.deriv().coeffs
    (7.0, 2, array([2., 0.]))
    """

    def __init__(self, coeffs):
        c = _asarray(coeffs)
        if _np.ndim(c) == 0:
            c = _np.reshape(c, (1,))
        self.coeffs = c

    c = coef = coefficients = property(lambda self: self.coeffs)

    @property
    def order(self):
        return _np.shape(self.coeffs)[0] - 1

    def __len__(self):
        return self.order

    def __iter__(self):
        return iter(self.coeffs)

    def __call__(self, x):
        if isinstance(x, poly1d):
            out = poly1d(self.coeffs[:1])
            for a in range(1, self.order + 1):
                out = out * x + self.coeffs[a]
            return out
        x = _asarray(x)
        out = _np.zeros(_np.shape(x)) + self.coeffs[0]
        for a in range(1, self.order + 1):
            out = out * x + self.coeffs[a]
        return out

    def __getitem__(self, power):
        if power > self.order or power < 0:
            return 0.0
        return self.coeffs[self.order - power]

    def deriv(self, m=1):
        c = self.coeffs
        for _ in range(m):
            n = _np.shape(c)[0] - 1
            c = c[:-1] * _np.arange(n, 0, -1.0) if n > 0 else _np.zeros((1,))
        return poly1d(c)

    def integ(self, m=1, k=0):
        c = self.coeffs
        ks = _np.broadcast_to(_np.asarray(k, dtype=float), (m,)) if _np.ndim(k) == 0 else k
        for i in range(m):
            n = _np.shape(c)[0]
            c = _np.concatenate([c / _np.arange(n, 0, -1.0), _np.reshape(_asarray(ks[i]) + 0.0, (1,))])
        return poly1d(c)

    @staticmethod
    def _pad(a, b):
        na, nb = _np.shape(a)[0], _np.shape(b)[0]
        if na < nb:
            a = _np.concatenate([_np.zeros((nb - na,)), a])
        elif nb < na:
            b = _np.concatenate([_np.zeros((na - nb,)), b])
        return a, b

    def _other(self, o):
        return o.coeffs if isinstance(o, poly1d) else _np.reshape(_asarray(o) + 0.0, (1,))

    def __add__(self, o):
        a, b = self._pad(self.coeffs, self._other(o))
        return poly1d(a + b)

    __radd__ = __add__

    def __neg__(self):
        return poly1d(-self.coeffs)

    def __sub__(self, o):
        return self + (-o if isinstance(o, poly1d) else -_asarray(o))

    def __rsub__(self, o):
        return (-self) + o

    def __mul__(self, o):
        if isinstance(o, poly1d):
            return poly1d(_np.convolve(self.coeffs, o.coeffs))
        return poly1d(self.coeffs * o)

    __rmul__ = __mul__

    def __truediv__(self, o):
        if isinstance(o, poly1d):
            raise TypeError("osculate's poly1d divides by numbers only")
        return poly1d(self.coeffs / o)

    def __repr__(self):
        return f"poly1d({self.coeffs!r})"


_register(poly1d, lambda p: ((p.coeffs,), None), lambda _, children: poly1d(children[0]))


def lagrange(x, w):
    """The Lagrange interpolating polynomial through ``(x[i], w[i])``, as
    :func:`scipy.interpolate.lagrange` (the same products of linear factors,
    so the same rounding); differentiable in ``x`` and ``w``.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.interpolate import lagrange
    >>> x = np.array([0.0, 1.0, 2.0])
    >>> lagrange(x, x ** 3).coeffs
    array([ 3., -2.,  0.])
    >>> osc.grad(lambda w: lagrange(x, w)(0.5))(x ** 3)
    array([ 0.375,  0.75 , -0.125])
    """
    if not _traced(x, w):
        return _scipy_interpolate.lagrange(x, w)
    x, w = _asarray(x), _asarray(w)
    m = _np.shape(x)[0]
    p = poly1d(_np.zeros((1,)))
    for j in range(m):
        pt = poly1d(w[j])
        for k in range(m):
            if k != j:
                pt = pt * (poly1d(_np.stack([_np.ones(()) + 0.0 * x[k], -x[k]])) / (x[j] - x[k]))
        p = p + pt
    return p


def pade(an, m, n=None):
    """The Padé approximant ``p / q`` of orders ``n``, ``m`` of the Taylor
    series with coefficients ``an`` (lowest power first), as
    :func:`scipy.interpolate.pade`: SciPy's linear system solved with
    ``np.linalg.solve``, so ``p`` and ``q`` are differentiable in ``an``.

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import pade
    >>> p, q = pade([1.0, 1.0, 0.5, 1.0 / 6.0], 1)
    >>> round(float(p(1.0) / q(1.0)), 12)  # e = 2.718..., the [2/1] approximant
    2.75
    """
    if not _traced(an, *(an if isinstance(an, (list, tuple)) else ())):
        return _scipy_interpolate.pade(an, m, n)
    an = _asarray(an)
    if isinstance(an, (list, tuple)):
        an = _np.stack([_asarray(a) + 0.0 for a in an])
    length = _np.shape(an)[0]
    if n is None:
        n = length - 1 - m
        if n < 0:
            raise ValueError("Order of q <m> must be smaller than len(an)-1.")
    if n < 0:
        raise ValueError("Order of p <n> must be greater than 0.")
    N = m + n
    if N > length - 1:
        raise ValueError("Order of q+p <m+n> must be smaller than len(an).")
    an = an[:N + 1]
    rows = []
    for row in range(N + 1):  # [the identity's row | minus the series coefficients, reversed]
        lo = max(0, row - m)
        tail = -an[lo:row][::-1] if row > 0 else _np.zeros((0,))
        pad = _np.zeros((m - (row - lo),))
        eye = _np.eye(N + 1, n + 1)[row]
        rows.append(_np.concatenate([eye, tail, pad]))
    pq = _np.linalg.solve(_np.stack(rows), an)
    p = pq[:n + 1]
    q = _np.concatenate([_np.ones((1,)), pq[n + 1:]])
    return poly1d(p[::-1]), poly1d(q[::-1])


def approximate_taylor_polynomial(f, x, degree, scale, order=None):
    """The Taylor polynomial of ``f`` at ``x`` (in powers of ``t - x``) of the
    polynomial interpolating ``f`` at ``order + 1`` points around ``x``, as
    :func:`scipy.interpolate.approximate_taylor_polynomial` (SciPy's points,
    ``x + scale * cos(pi k / (order + 1))``).  The interpolant's Taylor
    coefficients solve the Vandermonde system of the points about ``x``, so the
    result is differentiable in ``x``, ``scale`` and whatever ``f`` closes over.

    >>> import numpy as np
    >>> from osculate.scipy.interpolate import approximate_taylor_polynomial
    >>> p = approximate_taylor_polynomial(np.sin, 0.0, 3, 1.0, order=9)
    >>> [round(float(v), 6) + 0.0 for v in p.coeffs]
    [-0.166667, 0.0, 1.0, 0.0]
    """
    if order is None:
        order = degree
    n = order + 1
    xs = scale * _np.cos(_np.linspace(0.0, _np.pi, n, endpoint=False)) + x
    ys = f(xs)
    if not _traced(x, scale, xs, ys):
        return _scipy_interpolate.approximate_taylor_polynomial(f, x, degree, scale, order)
    ys = _asarray(ys)
    u = xs - x
    V = _np.stack([u ** k for k in range(n)], axis=1)
    c = _np.linalg.solve(V, ys)  # c[k] = the k-th derivative at x over k!
    return poly1d(c[:degree + 1][::-1])  # beyond the interpolant's degree the terms are 0 (poly1d drops them)

