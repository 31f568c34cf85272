"""Linear structural primitives: reshape, transpose, broadcast, sums, flips,
rolls, concatenation and indexing, and their rules.

Each is linear in its array argument, so one factory (:func:`linear`) gives
most of the rules: the jvp applies the primitive to the tangent, the vjp is
the adjoint (reshape back, the inverse permutation, a scatter-add for
indexing, a broadcast for sums), the Taylor rule maps every coefficient, and
the sparsity rule moves index sets the way the primitive moves elements.
What differs per primitive -- the adjoint, the batch rule -- sits in its
block.  :func:`unbroadcast`, the adjoint of NumPy's broadcasting, is here too:
every broadcasting rule uses it.
"""

from __future__ import annotations

import math

import numpy as np

from .. import sparsity, taylor_trace
from ..batching import expand_batched, materialize, move_batch_to_front
from ..core import Primitive, Tracer, concrete, zero
from ..forward import def_tangent
from ..reverse import Scaled
from ..util import zeros_like

__all__ = [
    "shape_of", "normalize_axes", "shift_axes", "unbroadcast", "linear", "sum_adjoint", "cumsum_adjoint", "reshape", "transpose", "broadcast_to", "sum_",
    "cumsum", "flip", "roll", "concatenate", "getitem", "scatter_p", "index_update", "normalize_index",
]


def shape_of(x):
    shape = getattr(x, "shape", None)
    return np.shape(x) if shape is None else shape


def normalize_axes(axis, nd):
    """``axis`` (None, an int or a sequence) as a sorted tuple of non-negative axes."""
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


def unbroadcast(g, shape):
    """Sum ``g`` over the axes along which an input of ``shape`` was broadcast
    (a :class:`~osculate.ad.reverse.Scaled` one keeping its factor)."""
    if type(g) is Scaled:
        return Scaled(unbroadcast(g.value, shape), g.factor)
    gshape = g.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and gshape[lead + i] != 1
    )
    if axes:
        g = sum_(g, axes, False)
    if g.shape != shape:
        g = reshape(g, shape)
    return g


def linear(name, impl, adjoint, batch, sparsity_rule=None):
    """A primitive that is linear in its single array argument.

    ``adjoint(ct, x, **params)`` is the vjp, ``batch`` its batch rule;
    ``sparsity_rule`` defaults to moving index sets as the primitive moves
    elements (:func:`osculate.ad.sparsity.index_map_rule`).
    """
    p = Primitive(name, impl)
    def_tangent(p, lambda out, primals, tangents, **params: p.bind(tangents[0], **params))

    @p.def_vjp
    def vjp(ct, out, primals, wants, **params):
        return (adjoint(ct, primals[0], **params),)

    # a linear map's adjoint reads the input's shape, never its values
    p.def_rule("residuals", lambda wants: ((False,), False))
    p.def_rule("batch", batch)
    p.def_rule("taylor", taylor_trace.linear_rule(p))
    p.def_rule("sparsity", sparsity_rule or sparsity.index_map_rule(p))
    return p


def shift_axes(axes):
    """Axis parameters (an int, a tuple or None) once a batch axis is in front."""
    if isinstance(axes, tuple):
        return tuple(a + 1 for a in axes)
    return None if axes is None else axes + 1


# --------------------------------------------------------------------------- reshape

def _reshape_impl(x, shape):
    return x.reshape(shape) if type(x) is np.ndarray else np.reshape(x, shape)


reshape_p = linear(
    "reshape", _reshape_impl, lambda ct, x, shape: reshape(ct, shape_of(x)),
    batch=lambda vals, b, size, shape: reshape_p.bind(vals[0], shape=(size,) + shape),
)


def reshape(x, shape):
    shape = tuple(map(int, shape))
    if shape_of(x) == shape:
        return x
    return reshape_p.bind(x, shape=shape)


# --------------------------------------------------------------------------- transpose

transpose_p = linear(
    "transpose", lambda x, axes: np.transpose(x, axes), lambda ct, x, axes: transpose(ct, tuple(np.argsort(axes))),
    batch=lambda vals, b, size, axes: transpose_p.bind(vals[0], axes=(0,) + tuple(a + 1 for a in axes)),
)


def transpose(x, axes=None):
    nd = len(shape_of(x))
    axes = tuple(range(nd))[::-1] if axes is None else tuple(int(a) % nd if nd else 0 for a in axes)
    if axes == tuple(range(nd)):
        return x
    return transpose_p.bind(x, axes=axes)


# --------------------------------------------------------------------------- broadcast_to

def _broadcast_impl(x, shape):
    """``np.broadcast_to``; one value (a plain array of one element, the
    cotangent of a sum) is made a read-only view of stride 0 directly, at a
    third of NumPy's cost for small arrays."""
    if type(x) is np.ndarray and x.size == 1 and x.ndim <= len(shape):
        out = np.ndarray(shape, x.dtype, x, 0, (0,) * len(shape))
        out.flags.writeable = False
        return out
    return np.broadcast_to(x, shape)


broadcast_p = linear(
    "broadcast_to", _broadcast_impl, lambda ct, x, shape: unbroadcast(ct, shape_of(x)),
    batch=lambda vals, b, size, shape: broadcast_p.bind(expand_batched(vals[0], len(shape)), shape=(size,) + shape),
)


def broadcast_to(x, shape):
    shape = tuple(map(int, shape))
    if shape_of(x) == shape:
        return x
    return broadcast_p.bind(x, shape=shape)


# --------------------------------------------------------------------------- sum


def sum_adjoint(ct, x, axis, keepdims):
    """The cotangent of ``x`` from that of ``sum(x, axis, keepdims)``: a broadcast."""
    xshape = shape_of(x)
    if not keepdims:
        kshape = tuple(1 if i in axis else s for i, s in enumerate(xshape))
        if type(ct) is np.ndarray:
            ct = ct.reshape(kshape)
        else:
            ct = reshape(ct, kshape)
    return broadcast_to(ct, xshape)


def _sum_impl(x, axis, keepdims):
    if type(x) is np.ndarray:  # (what np.sum calls, without its wrapper)
        return np.add.reduce(x, axis=axis, keepdims=keepdims)
    return np.sum(x, axis=axis, keepdims=keepdims)


sum_p = linear(
    "sum", _sum_impl, sum_adjoint,
    batch=lambda vals, b, size, axis, keepdims: sum_p.bind(vals[0], axis=shift_axes(axis), keepdims=keepdims),
    sparsity_rule=sparsity.reduce_rule,
)


def sum_(x, axis=None, keepdims=False):
    nd = len(shape_of(x))
    axis = normalize_axes(axis, nd)
    if not axis and nd:
        return x
    return sum_p.bind(x, axis=axis, keepdims=bool(keepdims))


# --------------------------------------------------------------------------- cumsum


def cumsum_adjoint(ct, x, axis):
    return flip(cumsum(flip(ct, (axis,)), axis), (axis,))


cumsum_p = linear(
    "cumsum", lambda x, axis: np.cumsum(x, axis=axis), cumsum_adjoint,
    batch=lambda vals, b, size, axis: cumsum_p.bind(vals[0], axis=shift_axes(axis)), sparsity_rule=sparsity.scan_rule,
)


def cumsum(x, axis=None):
    if axis is None:
        x = reshape(x, (int(np.prod(shape_of(x))),))
        axis = 0
    return cumsum_p.bind(x, axis=int(axis) % max(len(shape_of(x)), 1))


# --------------------------------------------------------------------------- flip

flip_p = linear(
    "flip", lambda x, axes: np.flip(x, axes), lambda ct, x, axes: flip_p.bind(ct, axes=axes),
    batch=lambda vals, b, size, axes: flip_p.bind(vals[0], axes=shift_axes(axes)),
)


def flip(x, axis=None):
    return flip_p.bind(x, axes=normalize_axes(axis, len(shape_of(x))))


# --------------------------------------------------------------------------- roll


def _roll_batch(vals, b, size, shift, axis):
    x = vals[0]
    if axis is None:  # roll of the flattened example
        flat = reshape_p.bind(x, shape=(size, int(np.prod(x.shape[1:]))))
        return reshape_p.bind(roll_p.bind(flat, shift=shift, axis=1), shape=x.shape)
    axis = tuple(a % (len(x.shape) - 1) + 1 for a in axis) if isinstance(axis, tuple) else axis % (len(x.shape) - 1) + 1
    return roll_p.bind(x, shift=shift, axis=axis)


roll_p = linear(
    "roll",
    lambda x, shift, axis: np.roll(x, shift, axis),
    lambda ct, x, shift, axis: roll_p.bind(ct, shift=tuple(-s for s in shift) if isinstance(shift, tuple) else -shift, axis=axis),
    batch=_roll_batch,
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


def concatenate(xs, axis=0):
    xs = list(xs)
    if not xs:
        raise ValueError("need at least one array to concatenate")
    if axis is None:
        xs = [reshape(x, (int(np.prod(shape_of(x))),)) for x in xs]
        axis = 0
    nd = len(shape_of(xs[0]))
    return concatenate_p.bind(*xs, axis=int(axis) % max(nd, 1))


@concatenate_p.def_jvp
def _concatenate_jvp(primals, tangents, axis):
    out = concatenate_p.bind(*primals, axis=axis)
    if all(t is zero for t in tangents):
        return out, zero
    ts = [zeros_like(p) if t is zero else t for p, t in zip(primals, tangents)]
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


@concatenate_p.def_rule("batch")
def _concatenate_batch(vals, batched, size, axis):
    xs = [v if bt else materialize(v, size) for v, bt in zip(vals, batched)]
    return concatenate_p.bind(*xs, axis=axis + 1)


@concatenate_p.def_rule("taylor")
def _concatenate_taylor(primals, series, order, axis):
    out = concatenate_p.bind(*primals, axis=axis)
    res = []
    for j in range(order):
        cs = [s[j] for s in series]
        if all(c is zero for c in cs):
            res.append(zero)
        else:
            res.append(concatenate_p.bind(*[zeros_like(p) if c is zero else c for p, c in zip(primals, cs)], axis=axis))
    return out, res


@concatenate_p.def_rule("sparsity")
def _concatenate_sparsity(trace, args, out, axis):
    blocks, ids, offset = [], [], 0
    for a in args:
        size = sparsity.size_of(np.shape(a))
        blocks.append(trace.deps_or_empty(a, size))
        ids.append(np.arange(offset, offset + size).reshape(np.shape(a)))
        offset += size
    return sparsity.gather(sparsity.vstack(blocks), np.concatenate(ids, axis=axis))


# --------------------------------------------------------------------------- indexing: getitem and its adjoint scatter


def normalize_index(idx):
    """Make an index concrete: boolean masks become integer arrays, lists
    become arrays, tracers used as indices are made concrete."""
    if not isinstance(idx, tuple):
        if type(idx) is slice or type(idx) is int:
            return (idx,)  # the common case: nothing to convert
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
    for i in idx:
        if isinstance(i, np.ndarray):
            return False
    return True


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


def _getitem_batch(vals, b, size, idx):
    out = getitem_p.bind(vals[0], idx=_batched_index(idx))
    k = _advanced_goes_first(idx)
    return move_batch_to_front(out, k) if k else out


getitem_p = linear(
    "getitem", lambda x, idx: x[idx], lambda ct, x, idx: scatter_p.bind(ct, shape=shape_of(x), idx=idx),
    batch=_getitem_batch,
)
# the backward sweep may add getitem's adjoint (a scatter) straight into a buffer it owns
getitem_p.def_rule(
    "adjoint_into", lambda primals, params: (scatter_p, {"shape": shape_of(primals[0]), "idx": params["idx"]})
)


def getitem(x, idx):
    return getitem_p.bind(x, idx=normalize_index(idx))


def _slice_box(idx, shape):
    """``[(start, stop), ...]`` of the leading axes when ``idx`` is one
    unit-step slice per leading axis (``x[1:]``, ``x[:, 2:5]``), else ``None``."""
    if len(idx) > len(shape):
        return None
    box = []
    for i, n in zip(idx, shape):
        if type(i) is not slice:
            return None
        start, stop, step = i.indices(n)
        if step != 1:
            return None
        box.append((start, max(start, stop)))
    return box


def _scatter_impl(v, shape, idx):
    dtype = np.result_type(v, np.float32)
    box = _slice_box(idx, shape) if math.prod(shape) >= 4096 else None
    if box is not None:
        # a large block: written once, and zeros only where the block is not (instead of
        # zero-filling the whole array and then writing the block over most of it)
        out = np.empty(shape, dtype=dtype)
        out[idx] = v
        lead = ()
        for (start, stop), n in zip(box, shape):
            if start > 0:
                out[lead + (slice(0, start),)] = 0
            if stop < n:
                out[lead + (slice(stop, n),)] = 0
            lead += (slice(start, stop),)
        return out
    out = np.zeros(shape, dtype=dtype)
    if _is_basic(idx):
        out[idx] = v
    else:
        np.add.at(out, idx, v)
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


def _scatter_batch(vals, b, size, shape, idx):
    v = _batched_update_value(vals[0], True, size, shape, idx)
    return scatter_p.bind(v, shape=(size,) + shape, idx=_batched_index(idx))


def _scatter_sparsity(trace, args, out, shape, idx):
    v = args[0]
    return sparsity.combine(trace.deps_of(v), sparsity.scatter_matrix(np.shape(v), shape, idx))


# scatter: zeros of ``shape`` with ``v`` added at ``idx`` -- the adjoint of getitem
scatter_p = linear(
    "scatter", _scatter_impl, lambda ct, v, shape, idx: getitem_p.bind(ct, idx=idx),
    batch=_scatter_batch, sparsity_rule=_scatter_sparsity,
)


@scatter_p.def_rule("accumulate")
def _scatter_into(buffer, v, idx, shape=None):
    """Add ``scatter(v)`` into ``buffer`` in place (used by the backward sweep
    and by staged programs when they own ``buffer``)."""
    if _is_basic(idx):
        buffer[idx] += v
    else:
        np.add.at(buffer, idx, v)


# --------------------------------------------------------------------------- index_update: x with x[idx] set to / incremented by v


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


def index_update(x, v, idx, mode="set"):
    if mode not in ("set", "add"):
        raise ValueError(f"index update mode must be 'set' or 'add', got {mode!r}")
    idx = normalize_index(idx)
    return index_update_p.bind(x, v, idx=idx, mode=mode)


@index_update_p.def_jvp
def _index_update_jvp(primals, tangents, idx, mode):
    x, v = primals
    tx, tv = tangents
    out = index_update_p.bind(x, v, idx=idx, mode=mode)
    if tx is zero and tv is zero:
        return out, zero
    if tx is zero:
        tx = zeros_like(out)
    return out, index_update_p.bind(tx, 0.0 if tv is zero else tv, idx=idx, mode=mode)


@index_update_p.def_vjp
def _index_update_vjp(ct, out, primals, wants, idx, mode):
    x, v = primals
    ct_x = None
    if wants[0]:
        ct_x = ct if mode == "add" else index_update_p.bind(ct, 0.0, idx=idx, mode="set")
    ct_v = unbroadcast(getitem_p.bind(ct, idx=idx), shape_of(v)) if wants[1] else None
    return ct_x, ct_v


index_update_p.def_rule("residuals", lambda wants: ((False, False), False))  # shapes only


@index_update_p.def_rule("batch")
def _index_update_batch(vals, batched, size, idx, mode):
    x, v = vals
    if not batched[0]:
        x = materialize(x, size)
    shape = x.shape[1:]
    v = _batched_update_value(v, batched[1], size, shape, idx)
    return index_update_p.bind(x, v, idx=_batched_index(idx), mode=mode)


@index_update_p.def_rule("taylor")
def _index_update_taylor(primals, series, order, idx, mode):
    x, v = primals
    out = index_update_p.bind(x, v, idx=idx, mode=mode)
    res = []
    for a, b in zip(*series):
        if a is zero and b is zero:
            res.append(zero)
        else:
            res.append(index_update_p.bind(zeros_like(out) if a is zero else a, 0.0 if b is zero else b,
                                           idx=idx, mode=mode))
    return out, res


@index_update_p.def_rule("sparsity")
def _index_update_sparsity(trace, args, out, idx, mode):
    x, v = args
    shape = np.shape(out)
    dx = sparsity.gathered(trace, x, shape)
    if dx is not None and mode == "set":
        hit = np.zeros(shape, dtype=bool)
        hit[idx] = True
        dx = sparsity.drop_rows(dx, hit)
    dv = trace.deps_of(v)
    dv = None if dv is None else sparsity.combine(dv, sparsity.scatter_matrix(np.shape(v), shape, idx))
    if dx is None and dv is None:
        return trace.empty(sparsity.size_of(shape))
    return sparsity.union(dx, dv)

