"""Forward mode: the JVP trace.

A :class:`JVPTracer` carries a ``primal`` value and a ``tangent`` (an array,
a tracer of an outer transformation, or the symbolic :data:`zero`).  When a
primitive reaches the trace, the primitive's own ``jvp`` rule maps primal and
tangent inputs to primal and tangent outputs.  Because rules are written with
primitives, the tangent computation is itself traced by any outer
transformation: that is all forward-over-reverse or forward-over-forward
needs.
"""

from __future__ import annotations

from .core import LeakedTracerError, Trace, Tracer, zero

__all__ = ["JVPTrace", "JVPTracer"]


class JVPTracer(Tracer):
    __slots__ = ("primal", "tangent")

    def __init__(self, trace, primal, tangent):
        self._trace = trace
        self.primal = primal
        self.tangent = tangent
        self.shape = primal.shape
        self.dtype = primal.dtype

    def _primal(self):
        return self.primal


class JVPTrace(Trace):
    __slots__ = ()
    kind = "jvp"

    def process(self, prim, args, params):
        if not self.active:
            raise LeakedTracerError(f"a forward-mode tracer escaped its transformation and reached '{prim.name}'")
        primals = []
        tangents = []
        for a in args:
            if type(a) is JVPTracer and a._trace is self:
                primals.append(a.primal)
                tangents.append(a.tangent)
            else:
                if isinstance(a, Tracer) and a._trace.level == self.level:
                    a._check()
                primals.append(a)
                tangents.append(zero)
        out, t_out = prim.rule("jvp")(primals, tangents, **params)
        if prim.multiple_results:
            return tuple(o if t is zero else JVPTracer(self, o, t) for o, t in zip(out, t_out))
        if t_out is zero:
            return out
        return JVPTracer(self, out, t_out)
