"""Forward mode: the JVP trace.

A :class:`JVPTracer` carries a ``primal`` value and a ``tangent`` (an array,
a tracer of an outer transformation, or the symbolic :data:`zero`).  When a
primitive reaches the trace, the primitive's own ``jvp`` rule maps primal and
tangent inputs to primal and tangent outputs.  Because rules are written with
primitives, the tangent computation is itself traced by any outer
transformation: that is all forward-over-reverse or forward-over-forward
needs.

:func:`jvp`, the forward-mode transformation, is a thin wrapper around the
trace (as :func:`~osculate.ad.batching.vmap` is around the batching trace).
:func:`one_input_jvp` is the jvp rule of any primitive with one array input,
given the map from its input tangent to its output tangent.
"""

from __future__ import annotations

import numpy as np

from .core import LeakedTracerError, Trace, Tracer, new_trace, zero
from .tree import tree_flatten, tree_unflatten
from .util import as_float_input, as_tangent, instantiate

__all__ = [
    "JVPTrace", "JVPTracer", "Pending", "jvp", "one_input_jvp", "jvp_of", "def_tangent", "flatten_leaf", "unflatten_leaf",
]

#: The structure of a single leaf (an array, a number, a tracer).
_LEAF_DEF = tree_flatten(0.0)[1]


def flatten_leaf(tree):
    """``tree_flatten(tree)``, with ``None`` as the structure of a single leaf:
    an array or a tracer (the common case) skips the pytree walk."""
    if type(tree) is np.ndarray or isinstance(tree, Tracer):
        return [tree], None
    leaves, treedef = tree_flatten(tree)
    return leaves, (None if treedef == _LEAF_DEF else treedef)


def unflatten_leaf(treedef, leaves):
    """The inverse of :func:`flatten_leaf`."""
    return leaves[0] if treedef is None else tree_unflatten(treedef, leaves)


def _all_leaves(xs):
    """Whether every entry of the tuple or list ``xs`` is an array or a tracer."""
    for x in xs:
        if type(x) is not np.ndarray and not isinstance(x, Tracer):
            return False
    return True


class Pending:
    """A tangent not computed yet: ``rule(out, primals, tangents, **params)``,
    the ``tangent`` rule of the primitive that made ``out``.

    Forward over reverse records the primal computation of ``f`` on a
    reverse tape, and many of the values it computes are read by nothing but
    the next primal operation: their tangents would be computed for nothing.
    :meth:`JVPTrace.process` gives such a value a pending tangent,
    which is computed when something reads it (:meth:`force`: a forward-mode
    rule that takes it as an input, the output of :func:`jvp`), and never
    otherwise.  It keeps only the values its rule reads (``primals`` and
    ``out``, the others stand-ins of their shape) and the tangents of the
    inputs, which may be pending themselves.
    """

    __slots__ = ("rule", "out", "primals", "tangents", "params", "value")

    def __init__(self, rule, out, primals, tangents, params):
        self.rule = rule
        self.out = out
        self.primals = primals
        self.tangents = tangents
        self.params = params
        self.value = None

    def force(self):
        """The tangent, computed (with the pending tangents it depends on,
        without recursion) and kept the first time."""
        stack = [self]
        while stack:
            p = stack[-1]
            if p.rule is None:  # computed already (reached twice through a diamond)
                stack.pop()
                continue
            waiting = [t for t in p.tangents if type(t) is Pending and t.rule is not None]
            if waiting:
                stack.extend(waiting)
                continue
            tangents = [t.value if type(t) is Pending else t for t in p.tangents]
            if all(t is zero for t in tangents):
                p.value = zero
            else:
                p.value = p.rule(p.out, p.primals, tangents, **p.params)
            p.rule = p.out = p.primals = p.tangents = p.params = None  # free what only the rule read
            stack.pop()
        return self.value


class JVPTracer(Tracer):
    """A primal value and its tangent (an array, a tracer of an outer
    transformation, :data:`zero`, or a :class:`Pending` one: read it with
    :meth:`tangent_value`)."""

    __slots__ = ("primal", "tangent")

    def __init__(self, trace, primal, tangent):
        self._trace = trace
        self.primal = primal
        self.tangent = tangent
        self.shape = primal.shape
        self.dtype = primal.dtype

    def _primal(self):
        return self.primal

    def tangent_value(self):
        """The tangent, computed now if it was pending."""
        t = self.tangent
        if type(t) is Pending:
            t = self.tangent = t.force()
        return t


class JVPTrace(Trace):
    __slots__ = ()
    kind = "jvp"

    def process(self, prim, args, params, worth_deferring=None, stand_in=None):
        """Apply ``prim`` to forward-mode tracers: its ``tangent`` rule after
        the output (when it has one), else its ``jvp`` rule.

        ``worth_deferring``: ``prim`` is applied to the primal values of
        forward over reverse (the reverse trace above passes its policy).
        When ``prim`` has a ``tangent`` rule and ``worth_deferring(out)``, or
        an input's tangent is pending, the output's tangent is left
        :class:`Pending`, to be computed only if something reads it.  The
        pending tangent keeps the values its rule reads (its ``residuals``
        rule, ``wants[i]`` meaning a nonzero tangent of input ``i``);
        ``stand_in(x)`` replaces the others when ``worth_deferring(x)``."""
        if not self.active:
            raise LeakedTracerError(f"a forward-mode tracer escaped its transformation and reached '{prim.name}'")
        defer = worth_deferring is not None
        primals = []
        tangents = []
        pending = False
        traced = False  # a primal value is a tracer of an outer transformation
        for a in args:
            if type(a) is JVPTracer and a._trace is self:
                p = a.primal
                primals.append(p)
                if not traced and isinstance(p, Tracer):
                    traced = True
                t = a.tangent
                if type(t) is Pending:
                    if defer:
                        pending = True
                    else:
                        t = a.tangent = t.force()
                tangents.append(t)
            else:
                if isinstance(a, Tracer):
                    traced = True
                    if a._trace.level == self.level:
                        a._check()
                primals.append(a)
                tangents.append(zero)
        if prim.constant_output:  # piecewise constant: no tangent
            return prim.bind(*primals, **params)
        rules = prim.rules
        tangent = rules.get("tangent")
        if tangent is None or prim.multiple_results:
            if pending:
                tangents = [t.force() if type(t) is Pending else t for t in tangents]
            rule = rules.get("jvp") or prim.rule("jvp")
            out, t_out = rule(primals, tangents, **params)
            if prim.multiple_results:
                return tuple(o if t is zero else JVPTracer(self, o, t) for o, t in zip(out, t_out))
        else:  # (what the jvp rule made by jvp_of does, and perhaps deferred)
            out = prim.bind(*primals, **params) if traced else prim.impl(*primals, **params)
            for t in tangents:
                if t is not zero:
                    break
            else:
                return out
            if pending or (defer and worth_deferring(out)):
                return JVPTracer(self, out, self._pending(prim, tangent, out, primals, tangents, params,
                                                          worth_deferring, stand_in))
            t_out = tangent(out, primals, tangents, **params)
        if t_out is zero:
            return out
        return JVPTracer(self, out, t_out)

    @staticmethod
    def _pending(prim, tangent, out, primals, tangents, params, worth_deferring, stand_in):
        """The :class:`Pending` tangent of ``out``, keeping what its rule reads."""
        policy = prim.rules.get("residuals")
        if policy is not None:
            keep_in, keep_out = policy(tuple(t is not zero for t in tangents))
            for i, keep in enumerate(keep_in):
                if not keep and worth_deferring(primals[i]):
                    primals[i] = stand_in(primals[i])
            if not keep_out and worth_deferring(out):
                out = stand_in(out)
        return Pending(tangent, out, primals, tangents, params)


def jvp_of(prim, tangent):
    """The jvp rule of ``prim`` from its ``tangent`` rule: the output by
    ``prim.bind``, then its tangent (zero when every input tangent is)."""

    def rule(primals, tangents, **params):
        out = prim.bind(*primals, **params)
        for t in tangents:
            if t is not zero:
                return out, tangent(out, primals, tangents, **params)
        return out, zero

    return rule


def def_tangent(prim, tangent):
    """Give ``prim`` the ``tangent`` rule ``tangent(out, primals, tangents,
    **params)`` and the jvp rule made from it (:func:`jvp_of`)."""
    prim.def_rule("tangent", tangent)
    prim.def_jvp(jvp_of(prim, tangent))
    return tangent


def one_input_jvp(prim, tangent):
    """The jvp rule of a primitive with one array input, from
    ``tangent(t, x, out, **params)``: the output's tangent for a nonzero input
    tangent ``t`` at the input ``x`` and output ``out`` (linear in ``t``, and
    written with primitives).  A zero tangent gives a zero one without calling
    it."""

    def rule(primals, tangents, **params):
        x = primals[0]
        out = prim.bind(x, **params)
        t = tangents[0]
        return out, (zero if t is zero else tangent(t, x, out, **params))

    return rule


def jvp(f, primals, tangents, has_aux=False):
    """Forward mode: ``(f(*primals), J_f(primals) @ tangents)``.

    ``primals`` and ``tangents`` are tuples (or lists) with one entry per
    positional argument of ``f``; each entry may be an array or a pytree
    (a dict, tuple, list, namedtuple, dataclass, registered class; ``None``
    is an empty tree), the tangent of the same structure and shapes as its
    primal.  The output and its tangent have the structure of ``f``'s
    output.  With ``has_aux=True``, ``f`` returns ``(output, aux)`` and the
    result is the triple ``(output, output_tangent, aux)`` (as in JAX),
    ``aux`` holding the values ``f`` returned, without this transform's
    tracers.

    >>> import numpy as np, osculate as osc
    >>> y, t = osc.jvp(np.sin, (0.0,), (2.0,))
    >>> float(y), float(t)
    (0.0, 2.0)
    >>> y, t, aux = osc.jvp(lambda p: (p["a"] * p["b"], "note"), ({"a": 2.0, "b": 3.0},), ({"a": 1.0, "b": 0.0},),
    ...                     has_aux=True)
    >>> float(y), float(t), aux
    (6.0, 3.0, 'note')
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp(f, primals, tangents): primals and tangents must be tuples, e.g. jvp(f, (x,), (v,))")
    if len(primals) == len(tangents) and _all_leaves(primals) and _all_leaves(tangents):
        p_leaves, t_leaves, p_tree = list(primals), list(tangents), None  # arrays: no pytree walk
    else:
        p_leaves, p_tree = tree_flatten(tuple(primals))
        t_leaves, t_tree = tree_flatten(tuple(tangents))
        if p_tree != t_tree:
            raise ValueError("jvp: primals and tangents must have the same (pytree) structure")
    p_leaves = [as_float_input(p, f"jvp primal #{i}", allow_complex=True) for i, p in enumerate(p_leaves)]
    t_leaves = [as_tangent(t, p, f"jvp tangent #{i}") for i, (t, p) in enumerate(zip(t_leaves, p_leaves))]
    with new_trace(JVPTrace) as trace:
        ins = [JVPTracer(trace, p, t) for p, t in zip(p_leaves, t_leaves)]
        out = f(*ins) if p_tree is None else f(*tree_unflatten(p_tree, ins))
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise TypeError("has_aux=True requires f to return a pair (output, aux)")
            out, aux = out
            if aux is not None:
                a_leaves, a_tree = tree_flatten(aux)
                aux = tree_unflatten(a_tree, [a.primal if (type(a) is JVPTracer and a._trace is trace) else a
                                              for a in a_leaves])
        o_leaves, o_tree = flatten_leaf(out)
        outs, touts = [], []
        for o in o_leaves:
            if type(o) is JVPTracer and o._trace is trace:
                outs.append(o.primal)
                touts.append(instantiate(o.tangent_value(), o.primal))
            else:
                o = o if isinstance(o, Tracer) else np.asarray(o)
                outs.append(o)
                touts.append(instantiate(zero, o))
    if has_aux:
        return unflatten_leaf(o_tree, outs), unflatten_leaf(o_tree, touts), aux
    return unflatten_leaf(o_tree, outs), unflatten_leaf(o_tree, touts)
