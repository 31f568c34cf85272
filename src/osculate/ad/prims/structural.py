"""Shape, indexing and reduction primitives and their rules.

Most are linear: their jvp applies the primitive to the tangent, their vjp
is the adjoint (reshape back, inverse permutation, scatter-add for
indexing, broadcast for sums).
"""

from __future__ import annotations

import numpy as np

from ..core import Primitive, Tracer, concrete, zero
from .arithmetic import NONDIFF, shape_of, where

__all__ = [
    "reshape", "transpose", "broadcast_to", "concatenate", "flip", "roll", "getitem",
    "index_update", "scatter_p", "sum_", "amax", "amin", "cumsum", "cumprod", "prod", "normalize_index",
    "zeros_like_shape",
]


def zeros_like_shape(x):
    return np.zeros(shape_of(x), dtype=getattr(x, "dtype", np.float64))


def _linear(name, impl, adjoint):
    """A primitive that is linear in its single array argument."""
    p = Primitive(name, impl)

    @p.def_jvp
    def jvp(primals, tangents, **params):
        out = p.bind(primals[0], **params)
        t = tangents[0]
        return out, (zero if t is zero else p.bind(t, **params))

    @p.def_vjp
    def vjp(ct, out, primals, wants, **params):
        return (adjoint(ct, primals[0], **params),)

    # a linear map's adjoint reads the input's shape, never its values
    p.def_rule("residuals", lambda wants: ((False,), False))
    return p


# --------------------------------------------------------------------------- reshape

reshape_p = _linear("reshape", lambda x, shape: np.reshape(x, shape), lambda ct, x, shape: reshape(ct, shape_of(x)))


def reshape(x, shape):
    shape = tuple(int(s) for s in shape)
    if shape_of(x) == shape:
        return x
    return reshape_p.bind(x, shape=shape)


# --------------------------------------------------------------------------- transpose


def _transpose_adjoint(ct, x, axes):
    return transpose(ct, tuple(np.argsort(axes)))


transpose_p = _linear("transpose", lambda x, axes: np.transpose(x, axes), _transpose_adjoint)


def transpose(x, axes=None):
    nd = len(shape_of(x))
    axes = tuple(range(nd))[::-1] if axes is None else tuple(int(a) % nd if nd else 0 for a in axes)
    if axes == tuple(range(nd)):
        return x
    return transpose_p.bind(x, axes=axes)


# --------------------------------------------------------------------------- broadcast_to


def _broadcast_adjoint(ct, x, shape):
    from .arithmetic import unbroadcast

    return unbroadcast(ct, shape_of(x))


broadcast_p = _linear("broadcast_to", lambda x, shape: np.broadcast_to(x, shape), _broadcast_adjoint)


def broadcast_to(x, shape):
    shape = tuple(int(s) for s in shape)
    if shape_of(x) == shape:
        return x
    return broadcast_p.bind(x, shape=shape)


# --------------------------------------------------------------------------- sum


def _sum_adjoint(ct, x, axis, keepdims):
    xshape = shape_of(x)
    if not keepdims:
        kshape = tuple(1 if i in axis else s for i, s in enumerate(xshape))
        ct = reshape(ct, kshape)
    return broadcast_to(ct, xshape)


sum_p = _linear("sum", lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims), _sum_adjoint)


def _norm_axes(axis, nd):
    if axis is None:
        return tuple(range(nd))
    if isinstance(axis, (int, np.integer)):
        axis = (axis,)
    out = []
    for a in axis:
        a = int(a)
        if not -nd <= a < max(nd, 1):
            raise np.exceptions.AxisError(f"axis {a} is out of bounds for array of dimension {nd}")
        out.append(a % nd if nd else 0)
    return tuple(sorted(set(out)))


def sum_(x, axis=None, keepdims=False):
    nd = len(shape_of(x))
    axis = _norm_axes(axis, nd)
    if not axis and nd:
        return x
    return sum_p.bind(x, axis=axis, keepdims=bool(keepdims))


# --------------------------------------------------------------------------- max / min


def _extremum(name, impl):
    p = Primitive(name, impl)

    def weights(x, out, axis, keepdims):
        # cotangent goes to the positions attaining the extremum, split at ties
        o = out if keepdims else reshape(out, tuple(1 if i in axis else s for i, s in enumerate(shape_of(x))))
        hit = where(NONDIFF["equal"].bind(x, o), 1.0, 0.0)
        return hit / sum_p.bind(hit, axis=axis, keepdims=True)

    @p.def_jvp
    def jvp(primals, tangents, axis, keepdims):
        x = primals[0]
        out = p.bind(x, axis=axis, keepdims=keepdims)
        t = tangents[0]
        if t is zero:
            return out, zero
        return out, sum_p.bind(t * weights(x, out, axis, keepdims), axis=axis, keepdims=keepdims)

    @p.def_vjp
    def vjp(ct, out, primals, wants, axis, keepdims):
        x = primals[0]
        return (_sum_adjoint(ct, x, axis, keepdims) * weights(x, out, axis, keepdims),)

    return p


max_p = _extremum("max", lambda x, axis, keepdims: np.max(x, axis=axis, keepdims=keepdims))
min_p = _extremum("min", lambda x, axis, keepdims: np.min(x, axis=axis, keepdims=keepdims))


def amax(x, axis=None, keepdims=False):
    return max_p.bind(x, axis=_norm_axes(axis, len(shape_of(x))), keepdims=bool(keepdims))


def amin(x, axis=None, keepdims=False):
    return min_p.bind(x, axis=_norm_axes(axis, len(shape_of(x))), keepdims=bool(keepdims))


# --------------------------------------------------------------------------- cumsum / cumprod / prod


def _cumsum_adjoint(ct, x, axis):
    return flip(cumsum(flip(ct, (axis,)), axis), (axis,))


cumsum_p = _linear("cumsum", lambda x, axis: np.cumsum(x, axis=axis), _cumsum_adjoint)


def cumsum(x, axis=None):
    if axis is None:
        x = reshape(x, (int(np.prod(shape_of(x))),))
        axis = 0
    return cumsum_p.bind(x, axis=int(axis) % max(len(shape_of(x)), 1))


cumprod_p = Primitive("cumprod", lambda x, axis: np.cumprod(x, axis=axis))


@cumprod_p.def_jvp
def _cumprod_jvp(primals, tangents, axis):
    x = primals[0]
    out = cumprod_p.bind(x, axis=axis)
    t = tangents[0]
    if t is zero:
        return out, zero
    # d y_j = y_j * sum_{i<=j} t_i / x_i  (requires nonzero x; documented)
    return out, out * cumsum_p.bind(t / x, axis=axis)


@cumprod_p.def_vjp
def _cumprod_vjp(ct, out, primals, wants, axis):
    x = primals[0]
    return (_cumsum_adjoint(ct * out, x, axis) / x,)


def cumprod(x, axis=None):
    if axis is None:
        x = reshape(x, (int(np.prod(shape_of(x))),))
        axis = 0
    return cumprod_p.bind(x, axis=int(axis) % max(len(shape_of(x)), 1))


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


prod_p = Primitive("prod", lambda x, axis: np.prod(x, axis=axis))


@prod_p.def_jvp
def _prod_jvp(primals, tangents, axis):
    x = primals[0]
    out = prod_p.bind(x, axis=axis)
    t = tangents[0]
    if t is zero:
        return out, zero
    return out, sum_(t * _exclusive_products(x, axis), axis)


@prod_p.def_vjp
def _prod_vjp(ct, out, primals, wants, axis):
    x = primals[0]
    return (_sum_adjoint(ct, x, (axis,), False) * _exclusive_products(x, axis),)


def prod(x, axis=None, keepdims=False):
    if axis is None:
        out = prod_p.bind(reshape(x, (int(np.prod(shape_of(x))),)), axis=0)
        return reshape(out, (1,) * len(shape_of(x))) if keepdims else out
    axes = _norm_axes(axis, len(shape_of(x)))
    out = x
    for a in sorted(axes, reverse=True):
        out = prod_p.bind(out, axis=a)
    if keepdims:
        out = reshape(out, tuple(1 if i in axes else s for i, s in enumerate(shape_of(x))))
    return out


# --------------------------------------------------------------------------- flip / roll

flip_p = _linear("flip", lambda x, axes: np.flip(x, axes), lambda ct, x, axes: flip_p.bind(ct, axes=axes))


def flip(x, axis=None):
    return flip_p.bind(x, axes=_norm_axes(axis, len(shape_of(x))))


roll_p = _linear(
    "roll",
    lambda x, shift, axis: np.roll(x, shift, axis),
    lambda ct, x, shift, axis: roll_p.bind(ct, shift=tuple(-s for s in shift) if isinstance(shift, tuple) else -shift, axis=axis),
)


def roll(x, shift, axis=None):
    if isinstance(shift, (list, np.ndarray)):
        shift = tuple(int(s) for s in shift)
    elif not isinstance(shift, tuple):
        shift = int(shift)
    if isinstance(axis, list):
        axis = tuple(axis)
    return roll_p.bind(x, shift=shift, axis=axis)


# --------------------------------------------------------------------------- concatenate

concatenate_p = Primitive("concatenate", lambda *xs, axis: np.concatenate(xs, axis=axis))


@concatenate_p.def_jvp
def _concatenate_jvp(primals, tangents, axis):
    out = concatenate_p.bind(*primals, axis=axis)
    if all(t is zero for t in tangents):
        return out, zero
    ts = [zeros_like_shape(p) if t is zero else t for p, t in zip(primals, tangents)]
    return out, concatenate_p.bind(*ts, axis=axis)


@concatenate_p.def_vjp
def _concatenate_vjp(ct, out, primals, wants, axis):
    res = []
    start = 0
    nd = len(shape_of(out))
    for p, w in zip(primals, wants):
        size = shape_of(p)[axis]
        if w:
            idx = (slice(None),) * axis + (slice(start, start + size),) + (slice(None),) * (nd - axis - 1)
            res.append(getitem(ct, idx))
        else:
            res.append(None)
        start += size
    return tuple(res)


concatenate_p.def_rule("residuals", lambda wants: ((False,) * len(wants), False))  # shapes only


def concatenate(xs, axis=0):
    xs = list(xs)
    if not xs:
        raise ValueError("need at least one array to concatenate")
    if axis is None:
        xs = [reshape(x, (int(np.prod(shape_of(x))),)) for x in xs]
        axis = 0
    nd = len(shape_of(xs[0]))
    return concatenate_p.bind(*xs, axis=int(axis) % max(nd, 1))


# --------------------------------------------------------------------------- indexing


def normalize_index(idx):
    """Make an index hashable-free and concrete: boolean masks become integer
    arrays, lists become arrays, tracers used as indices are made concrete."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    out = []
    for i in idx:
        if isinstance(i, Tracer):
            i = concrete(i)
        if isinstance(i, list):
            i = np.asarray(i)
        if isinstance(i, np.ndarray):
            if i.dtype == bool:
                out.extend(np.nonzero(i))
                continue
            if not np.issubdtype(i.dtype, np.integer):
                raise IndexError(f"arrays used as indices must be integer or boolean, got {i.dtype}")
        elif isinstance(i, (np.integer,)):
            i = int(i)
        elif isinstance(i, np.bool_) or isinstance(i, bool):
            out.append(np.asarray(i))
            continue
        out.append(i)
    return tuple(out)


def _is_basic(idx):
    return not any(isinstance(i, np.ndarray) for i in idx)


def _getitem_adjoint(ct, x, idx):
    return scatter_p.bind(ct, shape=shape_of(x), idx=idx)


getitem_p = _linear("getitem", lambda x, idx: x[idx], _getitem_adjoint)


def getitem(x, idx):
    return getitem_p.bind(x, idx=normalize_index(idx))


def _scatter_impl(v, shape, idx):
    out = np.zeros(shape, dtype=np.result_type(v, np.float32))
    if _is_basic(idx):
        out[idx] = v
    else:
        np.add.at(out, idx, v)
    return out


def _scatter_into(buffer, v, idx):
    """Add ``scatter(v)`` into ``buffer`` in place (used by the backward sweep
    when it owns ``buffer``)."""
    if _is_basic(idx):
        buffer[idx] += v
    else:
        np.add.at(buffer, idx, v)


# scatter: zeros of ``shape`` with ``v`` added at ``idx`` -- the adjoint of getitem
scatter_p = _linear("scatter", _scatter_impl, lambda ct, v, shape, idx: getitem_p.bind(ct, idx=idx))
scatter_p.def_rule("accumulate", _scatter_into)
# the backward sweep may add getitem's adjoint (a scatter) straight into a buffer it owns
getitem_p.def_rule(
    "adjoint_into", lambda primals, params: (scatter_p, {"shape": shape_of(primals[0]), "idx": params["idx"]})
)


def _index_update_impl(x, v, idx, mode):
    out = np.array(x, dtype=np.result_type(x, v), copy=True)
    if mode == "set":
        out[idx] = v
    elif _is_basic(idx):
        out[idx] += v
    else:
        np.add.at(out, idx, v)
    return out


index_update_p = Primitive("index_update", _index_update_impl)


@index_update_p.def_jvp
def _index_update_jvp(primals, tangents, idx, mode):
    x, v = primals
    tx, tv = tangents
    out = index_update_p.bind(x, v, idx=idx, mode=mode)
    if tx is zero and tv is zero:
        return out, zero
    if tx is zero:
        tx = zeros_like_shape(out)
    return out, index_update_p.bind(tx, 0.0 if tv is zero else tv, idx=idx, mode=mode)


@index_update_p.def_vjp
def _index_update_vjp(ct, out, primals, wants, idx, mode):
    from .arithmetic import unbroadcast

    x, v = primals
    ct_x = None
    if wants[0]:
        ct_x = ct if mode == "add" else index_update_p.bind(ct, 0.0, idx=idx, mode="set")
    ct_v = unbroadcast(getitem_p.bind(ct, idx=idx), shape_of(v)) if wants[1] else None
    return ct_x, ct_v


index_update_p.def_rule("residuals", lambda wants: ((False, False), False))  # shapes only


def index_update(x, v, idx, mode="set"):
    if mode not in ("set", "add"):
        raise ValueError(f"index update mode must be 'set' or 'add', got {mode!r}")
    idx = normalize_index(idx)
    return index_update_p.bind(x, v, idx=idx, mode=mode)


# --------------------------------------------------------------------------- batch rules
# Values reach these rules with the batch axis in front; axis parameters shift by one.

from ..batching import expand_batched, materialize  # noqa: E402


def _b_shift_axes(p, key):
    def rule(vals, batched, size, **params):
        a = params[key]
        if isinstance(a, tuple):
            params[key] = tuple(i + 1 for i in a)
        elif a is not None:
            params[key] = a + 1
        return p.bind(vals[0], **params)

    p.def_rule("batch", rule)


for _p, _key in [(sum_p, "axis"), (max_p, "axis"), (min_p, "axis"), (cumsum_p, "axis"), (cumprod_p, "axis"),
                 (prod_p, "axis"), (flip_p, "axes")]:
    _b_shift_axes(_p, _key)

reshape_p.def_rule("batch", lambda vals, b, size, shape: reshape_p.bind(vals[0], shape=(size,) + shape))
transpose_p.def_rule(
    "batch", lambda vals, b, size, axes: transpose_p.bind(vals[0], axes=(0,) + tuple(a + 1 for a in axes))
)
broadcast_p.def_rule(
    "batch",
    lambda vals, b, size, shape: broadcast_p.bind(expand_batched(vals[0], len(shape)), shape=(size,) + shape),
)


@roll_p.def_rule("batch")
def _roll_batch(vals, b, size, shift, axis):
    x = vals[0]
    if axis is None:  # roll of the flattened example
        flat = reshape_p.bind(x, shape=(size, int(np.prod(x.shape[1:]))))
        return reshape_p.bind(roll_p.bind(flat, shift=shift, axis=1), shape=x.shape)
    axis = tuple(a % (len(x.shape) - 1) + 1 for a in axis) if isinstance(axis, tuple) else axis % (len(x.shape) - 1) + 1
    return roll_p.bind(x, shift=shift, axis=axis)


@concatenate_p.def_rule("batch")
def _concatenate_batch(vals, batched, size, axis):
    xs = [v if bt else materialize(v, size) for v, bt in zip(vals, batched)]
    return concatenate_p.bind(*xs, axis=axis + 1)


def _advanced_goes_first(idx):
    """NumPy moves advanced-index dimensions to the front when the advanced
    indices (arrays, and integers alongside them) are not adjacent."""
    adv = [i for i, t in enumerate(idx) if isinstance(t, np.ndarray) or (isinstance(t, int) and not isinstance(t, bool))]
    if not any(isinstance(t, np.ndarray) for t in idx):
        return 0
    if adv != list(range(adv[0], adv[0] + len(adv))):
        return len(np.broadcast_shapes(*[np.shape(idx[i]) for i in adv]))
    return 0


def _batched_index(idx):
    return (slice(None),) + idx


@getitem_p.def_rule("batch")
def _getitem_batch(vals, b, size, idx):
    out = getitem_p.bind(vals[0], idx=_batched_index(idx))
    k = _advanced_goes_first(idx)
    if k:
        from .. import batching

        out = batching.move_batch_to_front(out, k)
    return out


def _batched_update_value(v, batched_v, size, shape, idx):
    """Shape a (possibly batched) update so it broadcasts against x[(:,) + idx]."""
    k = _advanced_goes_first(idx)
    if not batched_v:
        if not k:
            return v  # broadcasts against (batch, *indexed) as it is
        v = materialize(v, size)  # the batch axis sits after the advanced dimensions
    target = np.broadcast_to(np.empty((), dtype=np.int8), shape)[idx].shape
    v = expand_batched(v, len(target))
    if k:
        perm = tuple(range(1, k + 1)) + (0,) + tuple(range(k + 1, len(v.shape)))
        v = transpose(v, perm)
    return v


@scatter_p.def_rule("batch")
def _scatter_batch(vals, b, size, shape, idx):
    v = _batched_update_value(vals[0], True, size, shape, idx)
    return scatter_p.bind(v, shape=(size,) + shape, idx=_batched_index(idx))


@index_update_p.def_rule("batch")
def _index_update_batch(vals, batched, size, idx, mode):
    x, v = vals
    if not batched[0]:
        x = materialize(x, size)
    shape = x.shape[1:]
    v = _batched_update_value(v, batched[1], size, shape, idx)
    return index_update_p.bind(x, v, idx=_batched_index(idx), mode=mode)


# --------------------------------------------------------------------------- sparsity rules

def _install_sparsity_rules():
    from ...sparse import detect as D

    for p in (reshape_p, transpose_p, broadcast_p, flip_p, roll_p, getitem_p):
        p.def_rule("sparsity", D.index_map_rule(p))
    for p in (sum_p, max_p, min_p):
        p.def_rule("sparsity", D.reduce_rule)
    prod_p.def_rule("sparsity", D.product_reduce_rule)
    cumsum_p.def_rule("sparsity", D.scan_rule)
    cumprod_p.def_rule("sparsity", D.product_scan_rule)
    concatenate_p.def_rule("sparsity", D.concatenate_rule)
    scatter_p.def_rule("sparsity", D.scatter_rule)
    index_update_p.def_rule("sparsity", D.index_update_rule)


_install_sparsity_rules()


# --------------------------------------------------------------------------- taylor rules
# Univariate Taylor propagation (osculate.ad.taylor).  Linear primitives map
# each coefficient; max/min select the coefficients where the extremum is
# attained; prod and cumprod multiply series pairwise (a balanced tree and a
# Hillis-Steele scan of Cauchy products), which stays exact at zeros.

def _install_taylor_rules():
    from .. import taylor as T

    for p in (reshape_p, transpose_p, broadcast_p, sum_p, cumsum_p, flip_p, roll_p, getitem_p, scatter_p):
        p.def_rule("taylor", T.linear_rule(p))

    def extremum_rule(p):
        def rule(primals, series, order, axis, keepdims):
            x = primals[0]
            out = p.bind(x, axis=axis, keepdims=keepdims)
            kshape = tuple(1 if i in axis else s for i, s in enumerate(shape_of(x)))
            o = out if keepdims else reshape(out, kshape)
            hit = where(NONDIFF["equal"].bind(x, o), 1.0, 0.0)
            w = hit / sum_p.bind(hit, axis=axis, keepdims=True)
            return out, [zero if c is zero else sum_p.bind(c * w, axis=axis, keepdims=keepdims) for c in series[0]]

        return rule

    max_p.def_rule("taylor", extremum_rule(max_p))
    min_p.def_rule("taylor", extremum_rule(min_p))

    def identity_pad(x, axis, width, j):
        shape = list(shape_of(x))
        shape[axis] = width
        dtype = getattr(x, "dtype", np.float64)
        return np.ones(shape, dtype) if j == 0 else np.zeros(shape, dtype)

    def along(axis, sl):
        return (slice(None),) * axis + (sl,)

    @cumprod_p.def_rule("taylor")
    def _cumprod_taylor(primals, series, order, axis):
        x = primals[0]
        out = cumprod_p.bind(x, axis=axis)
        n = shape_of(x)[axis]
        ys = T.full(x, series[0])
        d = 1
        while d < n:  # y_i <- y_i * y_{i-d}
            shifted = [zero if c is zero else concatenate([identity_pad(x, axis, d, j), getitem(c, along(axis, slice(0, n - d)))], axis)
                       for j, c in enumerate(ys)]
            ys = T.series_mul(ys, shifted, order)
            d *= 2
        return out, ys[1:]

    @prod_p.def_rule("taylor")
    def _prod_taylor(primals, series, order, axis):
        x = primals[0]
        out = prod_p.bind(x, axis=axis)
        n = shape_of(x)[axis]
        if n == 0:
            return out, (zero,) * order
        ys = T.full(x, series[0])
        while n > 1:  # pairwise products: a balanced tree
            if n % 2:
                ys = [zero if c is zero else concatenate([c, identity_pad(x, axis, 1, j)], axis) for j, c in enumerate(ys)]
                n += 1
            even = [zero if c is zero else getitem(c, along(axis, slice(0, None, 2))) for c in ys]
            odd = [zero if c is zero else getitem(c, along(axis, slice(1, None, 2))) for c in ys]
            ys = T.series_mul(even, odd, order)
            n //= 2
        oshape = shape_of(out)
        return out, [zero if c is zero else reshape(c, oshape) for c in ys[1:]]

    @concatenate_p.def_rule("taylor")
    def _concatenate_taylor(primals, series, order, axis):
        out = concatenate_p.bind(*primals, axis=axis)
        res = []
        for j in range(order):
            cs = [s[j] for s in series]
            if all(c is zero for c in cs):
                res.append(zero)
            else:
                res.append(concatenate_p.bind(*[zeros_like_shape(p) if c is zero else c for p, c in zip(primals, cs)], axis=axis))
        return out, res

    @index_update_p.def_rule("taylor")
    def _index_update_taylor(primals, series, order, idx, mode):
        x, v = primals
        out = index_update_p.bind(x, v, idx=idx, mode=mode)
        res = []
        for a, b in zip(*series):
            if a is zero and b is zero:
                res.append(zero)
            else:
                res.append(index_update_p.bind(zeros_like_shape(out) if a is zero else a, 0.0 if b is zero else b,
                                               idx=idx, mode=mode))
        return out, res


_install_taylor_rules()
