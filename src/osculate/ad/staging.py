"""Linearisation: evaluate once, then apply the Jacobian many times cheaply.

``linearize(f, x)`` runs forward mode once with a *staged* tangent: primal
operations run eagerly as usual, while every operation on the tangent is
recorded on a tape (the linear part of the computation).  The returned
``jvp_fn`` replays only that tape -- no primal work, no rule logic -- for any
tangent; under :func:`~osculate.vmap` it replays for a whole block of
tangents in one batched pass.

Applied to a gradient this gives a Hessian operator whose products cost a
fraction of independent Hessian-vector products (see
:func:`osculate.hessian_operator`).
"""

from __future__ import annotations

import numpy as np

from .core import LeakedTracerError, Trace, Tracer, new_trace
from .transforms import _as_float_input, jvp

__all__ = ["linearize"]


class StagedTracer(Tracer):
    """A tangent whose operations are recorded; ``value`` is the probe value."""

    __slots__ = ("value", "node")

    def __init__(self, trace, value, node):
        self._trace = trace
        self.value = value
        self.node = node
        self.shape = value.shape
        self.dtype = value.dtype

    def _primal(self):
        return self.value


class StagingTrace(Trace):
    __slots__ = ("tape", "n_nodes")
    kind = "linearize"

    def __init__(self, level):
        super().__init__(level)
        self.tape = []
        self.n_nodes = 1  # node 0 is the input tangent

    def process(self, prim, args, params):
        if not self.active:
            raise LeakedTracerError(f"a staged tangent escaped linearize and reached '{prim.name}'")
        vals, refs = [], []
        for a in args:
            if type(a) is StagedTracer and a._trace is self:
                vals.append(a.value)
                refs.append(a.node)
            else:
                vals.append(a)
                refs.append(None)
        out = prim.bind(*vals, **params)
        outs = out if prim.multiple_results else (out,)
        nodes = tuple(range(self.n_nodes, self.n_nodes + len(outs)))
        self.n_nodes += len(outs)
        consts = tuple(v if r is None else None for v, r in zip(vals, refs))
        self.tape.append((prim, tuple(refs), consts, params, nodes))
        tracers = tuple(StagedTracer(self, o, nd) for o, nd in zip(outs, nodes))
        return tracers if prim.multiple_results else tracers[0]


class _Pending:
    """A scatter whose only consumer is an ``add``: kept as (values, index) so
    the add can place it straight into a buffer the replay owns."""

    __slots__ = ("v", "shape", "idx")

    def __init__(self, v, shape, idx):
        self.v, self.shape, self.idx = v, shape, idx


def _use_counts(tape, out_node):
    counts = {out_node: 1}
    for _, refs, _, _, _ in tape:
        for r in refs:
            if r is not None:
                counts[r] = counts.get(r, 0) + 1
    return counts


def _replay(tape, out_node, t, size=None, counts=None):
    """Evaluate the recorded linear operations on ``t``.

    With ``size`` set, ``t`` carries a leading batch axis of that length and
    each primitive's ``batch`` rule is called directly on plain arrays.  On
    plain arrays the replay also sums in place: an ``add`` whose operand is a
    fresh, single-use array of the replay's own accumulates into it, and a
    single-use ``scatter`` feeding an ``add`` is written straight into the
    other operand -- the same savings as the backward sweep's.
    """
    plain = type(t) is np.ndarray
    env = {0: t}
    batched = {0: size is not None}
    owned = set()
    for prim, refs, consts, params, nodes in tape:
        args = [consts[i] if r is None else env[r] for i, r in enumerate(refs)]
        flags = tuple(r is not None and batched[r] for r in refs)
        node = nodes[0]
        if plain and prim is _add and all(r is not None for r in refs):
            out = _fused_add(args, refs, flags, owned, counts, size)
            if out is not None:
                env[node], batched[node] = out, any(flags)
                owned.add(node)
                continue
            args = [_materialize(a, flags[i], size) for i, a in enumerate(args)]
        else:
            args = [_materialize(a, flags[i], size) for i, a in enumerate(args)]
        if plain and prim is _scatter and counts.get(node) == 1 and _feeds_add(tape, node):
            shape = (size,) + params["shape"] if flags[0] else params["shape"]
            idx = ((slice(None),) + params["idx"]) if flags[0] else params["idx"]
            v = args[0] if not flags[0] else _scatter_value(args[0], params)
            env[node], batched[node] = _Pending(v, shape, idx), flags[0]
            continue
        if size is not None and any(flags):
            out = prim.rule("batch")(args, flags, size, **params)
        else:
            out = prim.bind(*args, **params)
        outs = out if prim.multiple_results else (out,)
        for nd, o in zip(nodes, outs):
            env[nd], batched[nd] = o, size is not None and any(flags)
            if prim is _scatter or prim is _add:
                owned.add(nd)
    res = _materialize(env[out_node], batched[out_node], size)
    if size is not None and not batched[out_node]:
        res = np.broadcast_to(res, (size,) + np.shape(res)).copy()
    return res


def _feeds_add(tape, node):
    for prim, refs, _, _, _ in tape:
        if node in refs:
            return prim is _add
    return False


def _scatter_value(v, params):
    from .prims.structural import _batched_update_value

    return _batched_update_value(v, True, v.shape[0], params["shape"], params["idx"])


def _materialize(a, is_batched, size):
    if type(a) is _Pending:
        out = np.zeros(a.shape, dtype=np.result_type(a.v, np.float32))
        _scatter.rules["accumulate"](out, a.v, a.idx)
        return out
    return a


def _fused_add(args, refs, flags, owned, counts, size):
    """In-place ``a + b`` when one operand is an owned, single-use buffer of the
    full result shape; ``None`` when that is not possible."""
    for k in (0, 1):
        a, b = args[k], args[1 - k]
        if type(a) is np.ndarray and refs[k] in owned and counts.get(refs[k]) == 1 and flags[k] >= flags[1 - k]:
            if type(b) is _Pending:
                if b.shape == a.shape:
                    _scatter.rules["accumulate"](a, b.v, b.idx)
                    return a
                continue
            if type(b) is np.ndarray:
                if flags[k] and flags[1 - k] and b.ndim < a.ndim:  # align per-example ranks after the batch axis
                    b = b.reshape((b.shape[0],) + (1,) * (a.ndim - b.ndim) + b.shape[1:])
                try:
                    fits = np.broadcast_shapes(a.shape, b.shape) == a.shape
                except ValueError:
                    fits = False
                if fits:
                    np.add(a, b, out=a)
                    return a
    return None


def linearize(f, x):
    """``(f(x), jvp_fn)`` where ``jvp_fn(t) = J_f(x) @ t`` replays a recorded tape.

    ``f`` takes and returns a single array.  The first evaluation costs one
    forward-mode pass; each ``jvp_fn`` call costs only the linear
    operations.

    >>> import numpy as np, osculate as osc
    >>> y, jvp_fn = osc.linearize(lambda x: np.sin(x) * x, np.array([0.0, 1.0]))
    >>> jvp_fn(np.array([1.0, 0.0]))
    array([0., 0.])
    >>> bool(np.allclose(jvp_fn(np.array([0.0, 1.0])), [0.0, np.sin(1.0) + np.cos(1.0)]))
    True
    """
    x = _as_float_input(x, "linearize point x")
    probe = np.zeros(np.shape(x), dtype=x.dtype)
    with new_trace(StagingTrace) as trace:
        t_in = StagedTracer(trace, probe, 0)
        y, t_out = jvp(f, (x,), (t_in,))
    tape = trace.tape
    if type(t_out) is StagedTracer and t_out._trace is trace:
        out_node = t_out.node
        out_shape = t_out.shape
    else:  # f's output does not depend on x
        out_node = None
        out_shape = np.shape(t_out)

    counts = _use_counts(tape, out_node)

    def jvp_fn(t):
        t = t if isinstance(t, Tracer) else np.asarray(t, dtype=x.dtype)
        if tuple(t.shape) != tuple(x.shape):
            raise ValueError(f"jvp_fn: tangent of shape {tuple(t.shape)} for a point of shape {tuple(x.shape)}")
        if out_node is None:
            return np.zeros(out_shape, dtype=x.dtype)
        return _replay(tape, out_node, t, counts=counts)

    def jvp_batch(T):
        """``jvp_fn`` for every row of ``T`` (shape ``(k,) + x.shape``) in one replay."""
        T = np.asarray(T, dtype=x.dtype)
        if tuple(T.shape[1:]) != tuple(x.shape):
            raise ValueError(f"jvp_batch: tangents of shape {tuple(T.shape)}; expected (k,) + {tuple(x.shape)}")
        if out_node is None:
            return np.zeros((T.shape[0],) + tuple(out_shape), dtype=x.dtype)
        return _replay(tape, out_node, T, size=T.shape[0], counts=counts)

    jvp_fn.batch = jvp_batch
    jvp_fn.n_ops = len(tape)
    return y, jvp_fn


from .prims.arithmetic import add_p as _add  # noqa: E402
from .prims.structural import scatter_p as _scatter  # noqa: E402
