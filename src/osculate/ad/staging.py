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


def _replay(tape, out_node, t):
    env = {0: t}
    for prim, refs, consts, params, nodes in tape:
        args = [consts[i] if r is None else env[r] for i, r in enumerate(refs)]
        out = prim.bind(*args, **params)
        if prim.multiple_results:
            env.update(zip(nodes, out))
        else:
            env[nodes[0]] = out
    return env[out_node]


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

    def jvp_fn(t):
        t = t if isinstance(t, Tracer) else np.asarray(t, dtype=x.dtype)
        if tuple(t.shape) != tuple(x.shape):
            raise ValueError(f"jvp_fn: tangent of shape {tuple(t.shape)} for a point of shape {tuple(x.shape)}")
        if out_node is None:
            return np.zeros(out_shape, dtype=x.dtype)
        return _replay(tape, out_node, t)

    jvp_fn.n_ops = len(tape)
    return y, jvp_fn
