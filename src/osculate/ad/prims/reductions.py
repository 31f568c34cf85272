"""Nonlinear reductions and scans: ``max``/``min`` along axes, ``prod`` and
``cumprod``, each one block with all its rules.

(The linear ones, ``sum`` and ``cumsum``, are in
:mod:`osculate.ad.prims.structural`.)  ``max``/``min`` send derivatives to
the positions attaining the extremum, split evenly at ties; ``prod`` and
``cumprod`` differentiate through products of the other factors, and their
Taylor rules multiply series pairwise (a balanced tree and a Hillis-Steele
scan of Cauchy products), which stays exact at zeros.
"""

from __future__ import annotations

import numpy as np

from .. import sparsity
from ..core import Primitive, zero
from ..forward import one_input_jvp
from ..series import full, series_mul
from .arithmetic import where
from .nondiff import equal
from .structural import (
    concatenate, cumsum_adjoint, cumsum_p, flip, getitem, normalize_axes, reshape, shape_of, shift_axes,
    sum_, sum_adjoint, sum_p,
)

__all__ = ["amax", "amin", "prod", "cumprod"]


# --------------------------------------------------------------------------- max / min


def _extremum_weights(x, out, axis, keepdims):
    """1/(number of ties) where ``x`` attains the extremum along ``axis``, else 0."""
    o = out if keepdims else reshape(out, tuple(1 if i in axis else s for i, s in enumerate(shape_of(x))))
    hit = where(equal(x, o), 1.0, 0.0)
    return hit / sum_p.bind(hit, axis=axis, keepdims=True)


def _extremum(name, impl):
    p = Primitive(name, impl)
    p.def_jvp(one_input_jvp(p, lambda t, x, out, axis, keepdims: sum_p.bind(
        t * _extremum_weights(x, out, axis, keepdims), axis=axis, keepdims=keepdims)))

    @p.def_vjp
    def vjp(ct, out, primals, wants, axis, keepdims):
        x = primals[0]
        return (sum_adjoint(ct, x, axis, keepdims) * _extremum_weights(x, out, axis, keepdims),)

    p.def_rule("batch", lambda vals, b, size, axis, keepdims: p.bind(vals[0], axis=shift_axes(axis), keepdims=keepdims))

    @p.def_rule("taylor")
    def taylor(primals, series, order, axis, keepdims):
        x = primals[0]
        out = p.bind(x, axis=axis, keepdims=keepdims)
        w = _extremum_weights(x, out, axis, keepdims)
        return out, [zero if c is zero else sum_p.bind(c * w, axis=axis, keepdims=keepdims) for c in series[0]]

    p.def_rule("sparsity", sparsity.reduce_rule)
    return p


max_p = _extremum("max", lambda x, axis, keepdims: np.max(x, axis=axis, keepdims=keepdims))
min_p = _extremum("min", lambda x, axis, keepdims: np.min(x, axis=axis, keepdims=keepdims))


def amax(x, axis=None, keepdims=False):
    return max_p.bind(x, axis=normalize_axes(axis, len(shape_of(x))), keepdims=bool(keepdims))


def amin(x, axis=None, keepdims=False):
    return min_p.bind(x, axis=normalize_axes(axis, len(shape_of(x))), keepdims=bool(keepdims))


# helpers of the product rules


def _identity_pad(x, axis, width, j):
    """Coefficient ``j`` of the series of a block of ones ``width`` long along ``axis``."""
    shape = list(shape_of(x))
    shape[axis] = width
    dtype = getattr(x, "dtype", np.float64)
    return np.ones(shape, dtype) if j == 0 else np.zeros(shape, dtype)


def _along(axis, sl):
    return (slice(None),) * axis + (sl,)


def _along_axis(name, fn):
    """A primitive ``fn(x, axis=axis)`` along one axis; under vmap the batch
    axis in front shifts it."""
    p = Primitive(name, lambda x, axis: fn(x, axis=axis))
    p.def_rule("batch", lambda vals, b, size, axis: p.bind(vals[0], axis=shift_axes(axis)))
    return p


# --------------------------------------------------------------------------- cumprod

cumprod_p = _along_axis("cumprod", np.cumprod)


def cumprod(x, axis=None):
    if axis is None:
        x = reshape(x, (int(np.prod(shape_of(x))),))
        axis = 0
    return cumprod_p.bind(x, axis=int(axis) % max(len(shape_of(x)), 1))


# d y_j = y_j * sum_{i<=j} t_i / x_i  (requires nonzero x; documented)
cumprod_p.def_jvp(one_input_jvp(cumprod_p, lambda t, x, out, axis: out * cumsum_p.bind(t / x, axis=axis)))


@cumprod_p.def_vjp
def _cumprod_vjp(ct, out, primals, wants, axis):
    x = primals[0]
    return (cumsum_adjoint(ct * out, x, axis) / x,)


@cumprod_p.def_rule("taylor")
def _cumprod_taylor(primals, series, order, axis):
    x = primals[0]
    out = cumprod_p.bind(x, axis=axis)
    n = shape_of(x)[axis]
    ys = full(x, series[0])
    d = 1
    while d < n:  # y_i <- y_i * y_{i-d}
        shifted = [zero if c is zero else concatenate([_identity_pad(x, axis, d, j), getitem(c, _along(axis, slice(0, n - d)))], axis)
                   for j, c in enumerate(ys)]
        ys = series_mul(ys, shifted, order)
        d *= 2
    return out, ys[1:]


@cumprod_p.def_rule("sparsity")
def _cumprod_sparsity(trace, args, out, axis):  # conservative: every pair within the prefix
    d = sparsity.scan_rule(trace, args, out, axis)
    return sparsity.with_pairs(d, d.G, d.G, trace.n)


# --------------------------------------------------------------------------- prod along one axis

prod_p = _along_axis("prod", np.prod)


def prod(x, axis=None, keepdims=False):
    if axis is None:
        out = prod_p.bind(reshape(x, (int(np.prod(shape_of(x))),)), axis=0)
        return reshape(out, (1,) * len(shape_of(x))) if keepdims else out
    axes = normalize_axes(axis, len(shape_of(x)))
    out = x
    for a in sorted(axes, reverse=True):
        out = prod_p.bind(out, axis=a)
    if keepdims:
        out = reshape(out, tuple(1 if i in axes else s for i, s in enumerate(shape_of(x))))
    return out


def _exclusive_products(x, axis):
    """prod_{k != i} x_k along ``axis``, without dividing (exact at zeros)."""
    n = shape_of(x)[axis]
    ones_shape = list(shape_of(x))
    ones_shape[axis] = 1
    ones = np.ones(ones_shape, dtype=x.dtype)
    lead = [slice(None)] * len(ones_shape)
    head = tuple(lead[:axis] + [slice(0, n - 1)])
    left = cumprod_p.bind(concatenate([ones, getitem(x, head)], axis), axis=axis)
    rev = flip(x, (axis,))
    right = flip(cumprod_p.bind(concatenate([ones, getitem(rev, head)], axis), axis=axis), (axis,))
    return left * right


prod_p.def_jvp(one_input_jvp(prod_p, lambda t, x, out, axis: sum_(t * _exclusive_products(x, axis), axis)))


@prod_p.def_vjp
def _prod_vjp(ct, out, primals, wants, axis):
    x = primals[0]
    return (sum_adjoint(ct, x, (axis,), False) * _exclusive_products(x, axis),)


@prod_p.def_rule("taylor")
def _prod_taylor(primals, series, order, axis):
    x = primals[0]
    out = prod_p.bind(x, axis=axis)
    n = shape_of(x)[axis]
    if n == 0:
        return out, (zero,) * order
    ys = full(x, series[0])
    while n > 1:  # pairwise products: a balanced tree
        if n % 2:
            ys = [zero if c is zero else concatenate([c, _identity_pad(x, axis, 1, j)], axis) for j, c in enumerate(ys)]
            n += 1
        even = [zero if c is zero else getitem(c, _along(axis, slice(0, None, 2))) for c in ys]
        odd = [zero if c is zero else getitem(c, _along(axis, slice(1, None, 2))) for c in ys]
        ys = series_mul(even, odd, order)
        n //= 2
    oshape = shape_of(out)
    return out, [zero if c is zero else reshape(c, oshape) for c in ys[1:]]


@prod_p.def_rule("sparsity")
def _prod_sparsity(trace, args, out, axis):  # conservative: every pair within the group
    d = sparsity.reduce_rule(trace, args, out, axis=(axis,))
    return sparsity.with_pairs(d, d.G, d.G, trace.n)
