"""Batching: the ``vmap`` trace.

A :class:`BatchTracer` holds a value whose leading axis is the batch axis;
primitives see it through their ``batch`` rule, which maps a batch of inputs
to a batch of outputs in one NumPy call.  Rules receive
``(values, batched, size, **params)`` where ``batched[i]`` says whether
``values[i]`` carries the leading batch axis, and return output(s) batched
along axis 0.

The generic rules used by whole families of primitives are defined here
(elementwise broadcasting, adding a batch axis); primitive-specific rules
sit beside their primitives in :mod:`osculate.ad.prims`.  The helpers apply
NumPy functions (``np.reshape``, ``np.broadcast_to``, ``np.moveaxis``) to the
values they get: plain arrays stay plain, and tracers of enclosing
transformations route them to the primitives through NumPy's dispatch
protocols.
"""

from __future__ import annotations

import numpy as np

from .core import ConcretizationError, LeakedTracerError, Trace, Tracer, new_trace
from .tree import tree_flatten, tree_unflatten

__all__ = ["vmap", "BatchTrace", "BatchTracer", "elementwise_batch", "expand_batched", "move_batch_to_front"]


class BatchTracer(Tracer):
    __slots__ = ("val",)

    def __init__(self, trace, val):
        self._trace = trace
        self.val = val
        self.shape = val.shape[1:]
        self.dtype = val.dtype

    def _primal(self):  # pragma: no cover - replaced by _concrete_step
        return self.val

    def _concrete_step(self):
        raise ConcretizationError(
            "a value under vmap was converted to a concrete value (Python control flow, "
            "float(), argmax, a traced index...); each batch member could take a different "
            "branch. Use np.where for value-dependent choices inside vmap, and osc.cond / "
            "osc.switch / osc.while_loop for branches and loops"
        )


class BatchTrace(Trace):
    __slots__ = ("size",)
    kind = "batch"

    def __init__(self, level, size):
        super().__init__(level)
        self.size = size

    def process(self, prim, args, params):
        if not self.active:
            raise LeakedTracerError(f"a vmap tracer escaped its transformation and reached '{prim.name}'")
        vals = []
        batched = []
        for a in args:
            if type(a) is BatchTracer and a._trace is self:
                vals.append(a.val)
                batched.append(True)
            else:
                if isinstance(a, Tracer) and a._trace.level == self.level:
                    a._check()
                vals.append(a)
                batched.append(False)
        out = prim.rule("batch")(vals, tuple(batched), self.size, **params)
        if prim.multiple_results:
            return tuple(BatchTracer(self, o) for o in out)
        return BatchTracer(self, out)


# --------------------------------------------------------------------------- helpers for rules


def _ndim(x):
    return len(x.shape) if hasattr(x, "shape") else np.ndim(x)


def expand_batched(x, target_ndim):
    """Insert unit axes after the batch axis so ``x`` has ``1 + target_ndim`` axes
    (per-example shapes then broadcast right-aligned, as NumPy would)."""
    per = _ndim(x) - 1
    if per >= target_ndim:
        return x
    return np.reshape(x, (x.shape[0],) + (1,) * (target_ndim - per) + tuple(x.shape[1:]))


def materialize(x, size):
    """Give an unbatched value a leading batch axis of ``size``."""
    shape = tuple(np.shape(x)) if not hasattr(x, "shape") else tuple(x.shape)
    return np.broadcast_to(x, (size,) + shape)


def elementwise_batch(prim):
    """Batch rule for broadcasting elementwise primitives."""

    def rule(vals, batched, size, **params):
        nd = max(_ndim(v) - (1 if b else 0) for v, b in zip(vals, batched))
        args = [expand_batched(v, nd) if b else v for v, b in zip(vals, batched)]
        out = prim.bind(*args, **params)
        if prim.multiple_results:
            return out
        if _ndim(out) < nd + 1:  # every input was unbatched along the result's axes
            return materialize(out, size)
        return out

    return rule


def move_batch_to_front(x, axis):
    return np.moveaxis(x, axis, 0) if axis != 0 else x


# --------------------------------------------------------------------------- vmap


def _normalize_axes(axes, n, what):
    if isinstance(axes, (int, type(None))):
        return (axes,) * n
    axes = tuple(axes)
    if len(axes) != n:
        raise ValueError(f"vmap: {what} has {len(axes)} entries for {n} argument(s)")
    return axes


def vmap(f, in_axes=0, out_axes=0):
    """Vectorise ``f`` over a batch axis of its arguments.

    ``in_axes`` is an int, ``None`` (argument not batched) or a tuple with one
    such entry per positional argument; ``out_axes`` places the batch axis of
    each output.  Composes with every other transformation.

    >>> import numpy as np, osculate as osc
    >>> osc.vmap(lambda x, y: x @ y, in_axes=(0, None))(np.eye(2), np.array([3.0, 4.0]))
    array([3., 4.])
    >>> osc.vmap(osc.grad(lambda x: np.sum(x ** 3)))(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([[ 3., 12.],
           [27., 48.]])
    """

    def wrapped(*args):
        axes = _normalize_axes(in_axes, len(args), "in_axes")
        sizes = {}
        moved = []
        for i, (a, ax) in enumerate(zip(args, axes)):
            if ax is None:
                moved.append(None)
                continue
            leaves, td = tree_flatten(a)
            new_leaves = []
            for leaf in leaves:
                leaf = leaf if isinstance(leaf, Tracer) else np.asarray(leaf)
                nd = len(leaf.shape)
                if not -nd <= ax < nd:
                    raise ValueError(
                        f"vmap: in_axes={ax} is out of range for argument #{i} with shape {tuple(leaf.shape)}"
                    )
                sizes.setdefault(leaf.shape[ax], []).append(i)
                new_leaves.append(move_batch_to_front(leaf, ax % nd))
            moved.append((td, new_leaves))
        if not sizes:
            raise ValueError("vmap: at least one argument must be batched (in_axes are all None)")
        if len(sizes) > 1:
            desc = ", ".join(f"size {s} for argument(s) {v}" for s, v in sizes.items())
            raise ValueError(f"vmap: inconsistent batch sizes: {desc}")
        (size,) = sizes
        with new_trace(BatchTrace, size) as trace:
            call_args = []
            for a, m in zip(args, moved):
                if m is None:
                    call_args.append(a)
                else:
                    td, leaves = m
                    call_args.append(tree_unflatten(td, [BatchTracer(trace, x) for x in leaves]))
            out = f(*call_args)
            o_leaves, o_tree = tree_flatten(out)
            oaxes = _normalize_axes(out_axes, len(o_leaves), "out_axes")
            results = []
            for o, ax in zip(o_leaves, oaxes):
                if type(o) is BatchTracer and o._trace is trace:
                    val = o.val
                else:
                    val = materialize(o if isinstance(o, Tracer) else np.asarray(o), size)
                    if type(val) is np.ndarray:
                        val = val.copy()  # a writeable array, not a broadcast view
                if ax is None:
                    if type(o) is BatchTracer and o._trace is trace:
                        raise ValueError("vmap: out_axes=None is only allowed for outputs that are not batched")
                    results.append(o)
                    continue
                if ax != 0:
                    val = np.moveaxis(val, 0, ax)
                results.append(val)
        return tree_unflatten(o_tree, results)

    return wrapped
