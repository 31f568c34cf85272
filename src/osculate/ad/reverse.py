"""Reverse mode: a tape recorded at its own level and one backward sweep.

Each primitive applied to a :class:`ReverseTracer` of this trace is evaluated
one level down and appended to the trace's tape as a record
``(primitive, primal inputs, params, output, parent nodes)``.  The backward
sweep walks the tape once in reverse, calls each primitive's ``vjp`` rule and
sums cotangents into the parents.  The rules are written with primitives, so
when the primal values are tracers of an outer transformation (forward over
reverse, reverse over reverse...), the sweep is itself traced by it.
"""

from __future__ import annotations

from .core import LeakedTracerError, Trace, Tracer, zero

__all__ = ["ReverseTrace", "ReverseTracer", "backward"]


class ReverseTracer(Tracer):
    __slots__ = ("primal", "node", "index")

    def __init__(self, trace, primal, node, index=-1):
        self._trace = trace
        self.primal = primal
        self.node = node
        self.index = index  # output position for multiple-result primitives
        self.shape = primal.shape
        self.dtype = primal.dtype

    def _primal(self):
        return self.primal


class ReverseTrace(Trace):
    __slots__ = ("tape",)
    kind = "vjp"

    def __init__(self, level):
        super().__init__(level)
        self.tape = []

    def new_input(self, primal):
        node = len(self.tape)
        self.tape.append(None)
        return ReverseTracer(self, primal, node)

    def process(self, prim, args, params):
        if not self.active:
            raise LeakedTracerError(f"a reverse-mode tracer escaped its transformation and reached '{prim.name}'")
        primals = []
        parents = []
        for a in args:
            if type(a) is ReverseTracer and a._trace is self:
                primals.append(a.primal)
                parents.append((a.node, a.index))
            else:
                if isinstance(a, Tracer) and a._trace.level == self.level:
                    a._check()
                primals.append(a)
                parents.append(None)
        fwd = prim.rules.get("fwd")
        if fwd is None:
            out = prim.bind(*primals, **params)
        else:  # a primitive that saves residuals for its own vjp (custom_vjp)
            out, residuals = fwd(*primals, **params)
            params = dict(params, residuals=residuals)
        node = len(self.tape)
        self.tape.append((prim, primals, params, out, parents))
        if prim.multiple_results:
            return tuple(ReverseTracer(self, o, node, i) for i, o in enumerate(out))
        return ReverseTracer(self, out, node)


def _accumulate(cts, node, index, value, tape):
    rec = tape[node]
    if rec is not None and rec[0].multiple_results:
        slot = cts[node]
        if slot is None:
            slot = cts[node] = [zero] * len(rec[3])
        slot[index] = value if slot[index] is zero else slot[index] + value
    else:
        old = cts[node]
        cts[node] = value if old is None else old + value


def backward(trace: ReverseTrace, seeds, n_inputs: int):
    """Run the backward sweep.

    ``seeds`` is a list of ``(tracer, cotangent)``; returns the cotangents of
    the first ``n_inputs`` tape nodes (the inputs), ``None`` where no
    cotangent reached an input.
    """
    tape = trace.tape
    cts: list = [None] * len(tape)
    for tracer, ct in seeds:
        _accumulate(cts, tracer.node, tracer.index, ct, tape)
    for i in range(len(tape) - 1, n_inputs - 1, -1):
        g = cts[i]
        if g is None:
            continue
        cts[i] = None
        prim, primals, params, out, parents = tape[i]
        wants = tuple(p is not None for p in parents)
        in_cts = prim.rule("vjp")(g, out, primals, wants, **params)
        for p, c in zip(parents, in_cts):
            if p is not None and c is not None and c is not zero:
                _accumulate(cts, p[0], p[1], c, tape)
    return cts[:n_inputs]
