"""Reverse mode: a tape recorded at its own level and one backward sweep.

Each primitive applied to a :class:`ReverseTracer` of this trace is evaluated
one level down and appended to the trace's tape as a record
``(primitive, primal inputs, params, output, parent nodes)``.  The backward
sweep walks the tape once in reverse, calls each primitive's ``vjp`` rule and
sums cotangents into the parents.  The rules are written with primitives, so
when the primal values are tracers of an outer transformation (forward over
reverse, reverse over reverse...), the sweep is itself traced by it.

:func:`vjp`, the reverse-mode transformation, records ``f`` on a fresh trace
and returns the sweep as a function.
"""

from __future__ import annotations

import math

import numpy as np

from .core import LeakedTracerError, Trace, Tracer, new_trace, zero
from .forward import JVPTrace, JVPTracer, flatten_leaf, unflatten_leaf
from .tree import tree_flatten, tree_unflatten
from .util import as_float_input, instantiate

__all__ = [
    "ReverseTrace", "ReverseTracer", "ShapeOnly", "Scaled", "scale", "uniform", "worth_folding", "backward", "vjp",
    "vjp_once",
]


class ShapeOnly:
    """Stands on the tape for a value its primitive's ``vjp`` does not read.

    A primitive may declare a ``residuals`` rule, ``residuals(wants) ->
    (keep_inputs, keep_output)`` (``wants[i]``: input ``i`` needs a
    cotangent), naming the values its ``vjp`` reads.  The others are recorded
    as their shape and dtype only, so the arrays themselves are freed as
    soon as the forward pass drops them -- as in ``a + b``, whose adjoint
    needs no values at all.
    """

    __slots__ = ("shape", "dtype")

    def __init__(self, x):
        self.shape = x.shape
        self.dtype = x.dtype

    @property
    def ndim(self):
        return len(self.shape)


# Values below this many elements stay on the tape even when their adjoint does
# not read them: they cost nothing to keep.  (The tests set it to 0, so that every
# value an adjoint does not declare is replaced and a wrong declaration fails.)
DROP_AT_SIZE = 1024


def _worth_dropping(x):
    if not DROP_AT_SIZE:
        return getattr(x, "shape", None) is not None
    if type(x) is np.ndarray:
        return x.ndim > 0 and x.size >= DROP_AT_SIZE
    shape = getattr(x, "shape", None)  # (None: a number)
    return shape is not None and len(shape) > 0 and math.prod(shape) >= DROP_AT_SIZE


# A tangent-only sweep (see _primal_needed) from inputs of this many elements: below it, the analysis
# costs more than the operations it leaves out.  (The tests set it to 0, so that the primitive tables
# check the tangent-only sweep on their small inputs.)
TANGENT_ONLY_AT_SIZE = 1024


def worth_folding(c):
    """Whether a constant factor of the cotangent ``c`` is worth keeping apart
    (:class:`Scaled`): a plain real array, or a reverse-mode tracer over one
    (the cotangents of eager reverse over reverse, where each multiplication
    is a recorded operation), of at least :data:`DROP_AT_SIZE` elements.
    (Forward over reverse sums its cotangents in place, see
    :class:`_Cotangents`, and keeping factors apart there measured slower;
    in a staged program the factors would split the fused loops.)"""
    if type(c) is ReverseTracer:
        c = c.primal
    return type(c) is np.ndarray and c.dtype.kind == "f" and (DROP_AT_SIZE == 0 or c.size >= DROP_AT_SIZE)


def uniform(c):
    """Whether ``c`` is a plain array holding one value broadcast to its
    shape (every stride 0), as the cotangent of a sum is."""
    return type(c) is np.ndarray and c.size > 1 and not any(c.strides)


def _one_value_times(c, k):
    """``c * k`` for a uniform ``c``: the one value scaled and broadcast again
    (computed on a one-element slice, so the dtype is the one ``c * k`` has)."""
    return np.broadcast_to(c[(slice(0, 1),) * c.ndim] * k, c.shape)


class Scaled:
    """A cotangent ``value * factor`` whose product is not formed yet:
    ``value`` a plain real array or a real tracer of an outer transformation,
    ``factor`` a Python float.

    The adjoints of ``-x``, ``x - y`` and products by constants return one
    (:func:`scale`) instead of a negated or scaled copy.  Every adjoint is
    linear in its cotangent, so the backward sweep passes ``value`` to the
    next one and scales what it returns: a chain of constant factors costs
    one multiplication, and none where a factor -1 meets a sum (which becomes
    a subtraction) or a factor meets the same factor.  The sweep multiplies
    it out where nothing can take it (:meth:`materialize`).
    """

    __slots__ = ("value", "factor")

    def __init__(self, value, factor):
        self.value = value
        self.factor = factor

    @property
    def shape(self):
        return self.value.shape

    @property
    def dtype(self):
        return self.value.dtype

    def materialize(self):
        v, k = self.value, self.factor
        if k == 1.0:
            return v
        return _one_value_times(v, k) if uniform(v) else v * k


def scale(c, k):
    """``c * k`` for a cotangent ``c`` and a Python float ``k``, as the sweep
    keeps it: a uniform ``c`` stays one value broadcast, a large real array
    is kept :class:`Scaled` (and a scaled one scaled again), anything else
    is multiplied."""
    if type(c) is Scaled:  # (kept even when the factors cancel: the value may be another array's)
        return Scaled(c.value, c.factor * k)
    if uniform(c):
        return _one_value_times(c, k)
    if k != 0.0 and worth_folding(c):
        return Scaled(c, k)
    return c * k


def _materialized(c):
    return c.materialize() if type(c) is Scaled else c


def _result(c):
    """A cotangent the sweep returns: a :class:`Scaled` one multiplied out,
    into an array of its own when the factor is 1 (its value may be an
    input's or a residual's array, see :func:`osculate.ad.prims.arithmetic.scaled`)."""
    if type(c) is Scaled and c.factor == 1.0 and type(c.value) is np.ndarray and not uniform(c.value):
        return c.value.copy()
    return _materialized(c)


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
        wants = []
        below = None  # the innermost trace among the primal values
        for a in args:
            if type(a) is ReverseTracer and a._trace is self:
                parents.append((a.node, a.index))
                wants.append(True)
                a = a.primal
            else:
                if isinstance(a, Tracer) and a._trace.level == self.level:
                    a._check()
                parents.append(None)
                wants.append(False)
            primals.append(a)
            if isinstance(a, Tracer) and (below is None or a._trace.level > below.level):
                below = a._trace
        if prim.constant_output:  # piecewise constant: nothing to differentiate
            return prim.bind(*primals, **params)
        rules = prim.rules
        fwd = rules.get("fwd")
        if fwd is None:  # prim.bind(*primals, **params), without looking for the trace again
            if below is None:
                out = prim.impl(*primals, **params)
            elif type(below) is JVPTrace:  # forward over reverse: tangents only where something reads them
                out = below.process(prim, primals, params, _worth_dropping, ShapeOnly)
            else:
                out = below.process(prim, primals, params)
        else:  # a primitive that saves residuals for its own vjp (custom_vjp)
            out, residuals = fwd(*primals, **params)
            params = dict(params, residuals=residuals)
        policy = rules.get("residuals")
        kept_out = out
        wants = tuple(wants)
        if policy is not None:  # keep only what the vjp reads; the rest may be freed now
            keep_in, keep_out = policy(wants)
            for i, keep in enumerate(keep_in):
                if not keep and _worth_dropping(primals[i]):
                    primals[i] = ShapeOnly(primals[i])
            if not keep_out and _worth_dropping(out):
                kept_out = ShapeOnly(out)
        node = len(self.tape)
        self.tape.append((prim, primals, params, kept_out, parents, wants))
        if prim.multiple_results:
            return tuple(ReverseTracer(self, o, node, i) for i, o in enumerate(out))
        return ReverseTracer(self, out, node)


def _holds(buffer, value):
    """Whether ``value`` can be added into ``buffer`` in place: its dtype is
    ``buffer``'s or promotes to it (a real cotangent into a complex buffer, not
    a complex one into a real buffer, which the sum must widen)."""
    return value.dtype == buffer.dtype or np.promote_types(buffer.dtype, value.dtype) == buffer.dtype


def _plain_jvp(x):
    """A forward-mode tracer over plain arrays (the cotangents of forward over
    reverse), whose arrays the sweep may update in place when it owns them."""
    return (
        type(x) is JVPTracer
        and type(x.primal) is np.ndarray
        and (x.tangent is zero or type(x.tangent) is np.ndarray)
    )


class _Cotangents:
    """Cotangent slots of one backward sweep.

    A slot first holds whatever a rule returned (possibly an alias of another
    slot).  When a second contribution arrives, a fresh sum is allocated and
    the slot becomes *owned*: further contributions are then added in place,
    and a primitive with an ``accumulate`` rule (``scatter``, the adjoint of
    indexing) adds its contribution straight into the owned buffer instead of
    materialising a full-size array first.  Owned slots are plain arrays, or
    -- in forward over reverse -- forward-mode tracers over plain arrays whose
    primal and tangent buffers the sweep created itself.  Deeper tracer
    cotangents are always combined functionally.
    """

    __slots__ = ("tape", "slots", "owned")

    def __init__(self, tape):
        self.tape = tape
        self.slots = [None] * len(tape)
        self.owned = set()

    def add(self, node, index, value):
        if index >= 0:  # one result of a multiple-results primitive
            value = _materialized(value)
            slot = self.slots[node]
            if slot is None:
                slot = self.slots[node] = [zero] * len(self.tape[node][3])
            slot[index] = value if slot[index] is zero else slot[index] + value
            return
        old = self.slots[node]
        if old is None:
            self.slots[node] = value
        elif type(old) is Scaled or type(value) is Scaled:
            self._add_scaled(node, old, value)
        elif (node in self.owned and type(value) is np.ndarray and type(old) is np.ndarray and value.shape == old.shape
              and _holds(old, value)):
            np.add(old, value, out=old, casting="same_kind")
        elif (node in self.owned and _plain_jvp(value) and _plain_jvp(old) and value._trace is old._trace
              and value.shape == old.shape and _holds(old.primal, value.primal)
              and (value.tangent is zero or old.tangent is zero or _holds(old.tangent, value.tangent))):
            np.add(old.primal, value.primal, out=old.primal, casting="same_kind")
            if value.tangent is not zero:
                if old.tangent is zero:
                    old.tangent = value.tangent.copy()
                else:
                    np.add(old.tangent, value.tangent, out=old.tangent, casting="same_kind")
        else:
            new = old + value
            self.slots[node] = new
            if type(new) is np.ndarray:
                self.owned.add(node)
            elif _plain_jvp(new) and _plain_jvp(old) and _plain_jvp(value) and (
                new.tangent is zero or (old.tangent is not zero and value.tangent is not zero)
            ):  # a fresh tracer whose primal and tangent are fresh sums
                self.owned.add(node)

    def _add_scaled(self, node, old, value):
        """:meth:`add` where ``old`` or ``value`` is :class:`Scaled`: a sum
        (or difference) of the two values under ``old``'s factor when the
        factors agree (or are opposite), else the products multiplied out."""
        o, ko = (old.value, old.factor) if type(old) is Scaled else (old, 1.0)
        v, kv = (value.value, value.factor) if type(value) is Scaled else (value, 1.0)
        ratio = kv / ko if ko != 0.0 else None
        if (ratio == 1.0 or ratio == -1.0) and o.shape == v.shape and o.dtype == v.dtype:
            if type(o) is np.ndarray and type(v) is np.ndarray:
                op = np.add if ratio == 1.0 else np.subtract
                new = op(o, v, out=o) if node in self.owned else op(o, v)
                self.slots[node] = new if ko == 1.0 else Scaled(new, ko)
                self.owned.add(node)
                return
        if ratio is not None and (isinstance(o, Tracer) or isinstance(v, Tracer)) and o.shape == v.shape and (
                o.dtype == v.dtype):
            # traced: one sum or difference under old's factor (and one product when the factors
            # differ otherwise), instead of a product per factor and a sum
            self.owned.discard(node)
            new = o + v if ratio == 1.0 else o - v if ratio == -1.0 else o + v * ratio
            self.slots[node] = new if ko == 1.0 else Scaled(new, ko)
            return
        self.slots[node] = self._unscaled(node)
        self.add(node, -1, _materialized(value))

    def _unscaled(self, node):
        """The value of ``node``'s slot with its factor multiplied out (in
        place when the slot owns its buffer)."""
        old = self.slots[node]
        if type(old) is not Scaled:
            return old
        if node in self.owned and type(old.value) is np.ndarray:
            return np.multiply(old.value, old.factor, out=old.value)
        self.owned.discard(node)
        return old.materialize()

    def add_lazy(self, node, prim, ct, params, factor=1.0):
        """Contribution ``prim(ct, **params) * factor``, added in place when possible."""
        old = self.slots[node]
        if factor != 1.0 and type(ct) is not np.ndarray and not _plain_jvp(ct):
            # a traced cotangent: the factor stays with the traced contribution (a traced sum, or a
            # difference where the factors are opposite, in add)
            self.add(node, -1, Scaled(prim.bind(ct, **params), factor))
            return
        if factor != 1.0:
            if old is None:  # a fresh buffer (or a traced value), its factor kept apart
                buffer = prim.bind(ct, **params)
                self.slots[node] = Scaled(buffer, factor)
                if type(buffer) is np.ndarray:
                    self.owned.add(node)
                return
            if type(old) is Scaled and old.factor == factor and node in self.owned and _holds(old.value, ct):
                prim.rules["accumulate"](old.value, ct, **params)
                return
            ct = ct * factor
        if type(old) is Scaled:
            old = self.slots[node] = self._unscaled(node)
        accumulate = prim.rules["accumulate"]
        if type(ct) is np.ndarray:
            if type(old) is np.ndarray and node in self.owned and _holds(old, ct):
                accumulate(old, ct, **params)
                return
            if old is None:
                self.slots[node] = prim.bind(ct, **params)
                self.owned.add(node)
                return
        elif _plain_jvp(ct):
            if old is None:  # a fresh tracer over fresh buffers
                t = zero if ct.tangent is zero else prim.impl(ct.tangent, **params)
                self.slots[node] = JVPTracer(ct._trace, prim.impl(ct.primal, **params), t)
                self.owned.add(node)
                return
            if (node in self.owned and _plain_jvp(old) and old._trace is ct._trace and _holds(old.primal, ct.primal)
                    and (ct.tangent is zero or old.tangent is zero or _holds(old.tangent, ct.tangent))):
                accumulate(old.primal, ct.primal, **params)
                if ct.tangent is not zero:
                    if old.tangent is zero:
                        old.tangent = prim.impl(ct.tangent, **params)
                    else:
                        accumulate(old.tangent, ct.tangent, **params)
                return
        self.add(node, -1, prim.bind(ct, **params))

    def pop(self, node):
        g = self.slots[node]
        self.slots[node] = None
        self.owned.discard(node)
        return g


def backward(trace: ReverseTrace, seeds, n_inputs: int, release: bool = False, tangent_of=None):
    """Run the backward sweep.

    ``seeds`` is a list of ``(node, index, cotangent)`` (a traced output's
    ``node`` and ``index``); returns the cotangents of
    the first ``n_inputs`` tape nodes (the inputs), ``None`` where no
    cotangent reached an input.  ``release``: the tape is swept only once, so
    each record is dropped once its adjoint has run, and the values only it
    kept are freed as the sweep goes (their memory is reused at once).
    """
    tape = trace.tape
    cts = _Cotangents(tape)
    need = None if tangent_of is None else _primal_needed(tape, n_inputs)
    for node, index, ct in seeds:
        if need is not None and not need[node]:
            ct = _tangent_part(ct, tangent_of)
            if ct is None:
                continue
        cts.add(node, index, ct)
    slots, owned = cts.slots, cts.owned
    for i in range(len(tape) - 1, n_inputs - 1, -1):
        g = slots[i]
        if g is None:
            continue
        slots[i] = None
        owned.discard(i)
        prim, primals, params, out, parents, wants = tape[i]
        if release:
            tape[i] = None
        factor = None
        if type(g) is Scaled:
            # the adjoint is linear in g: it gets the value, and what it returns the factor (unless
            # traced residuals would make that a traced multiplication: reverse tracers over plain
            # arrays keep factors apart themselves, see worth_folding)
            if any(isinstance(x, Tracer) and not worth_folding(x) for x in primals):
                g = g.materialize()
            else:
                g, factor = g.value, g.factor
        rules = prim.rules
        adjoint = rules.get("adjoint_into")
        if adjoint is not None and parents[0][1] < 0:
            # a linear primitive whose adjoint can be accumulated in place (indexing:
            # a scatter); parents[0][1] < 0: its input is a single-result node
            adjoint_prim, adjoint_params = adjoint(primals, params)
            node = parents[0][0]
            if need is not None and need[i] and not need[node]:
                g = _tangent_part(g, tangent_of)
                if g is None:
                    continue
            cts.add_lazy(node, adjoint_prim, g, adjoint_params, 1.0 if factor is None else factor)
            continue
        rule = rules.get("vjp") or prim.rule("vjp")
        in_cts = rule(g, out, primals, wants, **params)
        for p, c, x in zip(parents, in_cts, primals):
            if p is not None and c is not None and c is not zero:
                if need is not None and need[i] and not need[p[0]]:
                    c = _tangent_part(c, tangent_of)
                    if c is None:
                        continue
                if factor is not None:
                    c = scale(c, factor)
                dt = getattr(c, "dtype", None)
                if dt is not None and dt.kind == "c":
                    c = _for_real_primal(c, x)
                cts.add(p[0], p[1], c)
    return [_result(c) for c in slots[:n_inputs]]


def _primal_needed(tape, n_inputs):
    """For a sweep whose caller keeps only the tangents of its cotangents
    (forward over reverse, where the Hessian-vector product is the tangent
    of the gradient and the gradient itself is dropped): ``need[i]``, whether
    the primal part of node ``i``'s cotangent is read at all.

    It is read where node ``i``'s adjoint reads a traced residual (the
    tangent of ``c * y`` reads ``c`` when ``y`` has one; the ``residuals``
    rule says which values an adjoint reads), and where it flows into a
    parent whose primal is read.  A node with ``need[i]`` false has only
    constant residuals, so its adjoint is one fixed linear map: the sweep
    applies it to the tangent alone, and the primal parts that only the
    dropped gradient would have summed (the final scatters into the input's
    cotangent, a negation...) are never computed.  Inputs are never needed.
    Parents that are one result of several, primitives with their own saved
    residuals (``custom_vjp``) and primitives with a function among their
    parameters (which may close over a traced value) count as read."""
    need = [False] * len(tape)
    for i in range(n_inputs, len(tape)):
        prim, primals, params, out, parents, wants = tape[i]
        policy = prim.rules.get("residuals")
        keep_in, keep_out = policy(wants) if policy is not None else ((True,) * len(primals), True)
        if prim.multiple_results or "fwd" in prim.rules or (keep_out and isinstance(out, Tracer)) or any(
                keep and isinstance(x, Tracer) for keep, x in zip(keep_in, primals)) or any(
                _may_hold_tracers(x) for x in params.values()):
            need[i] = True
            continue
        for p in parents:
            if p is not None and (p[1] >= 0 or need[p[0]]):
                need[i] = True
                break
    return need


def _may_hold_tracers(param):
    """Whether a primitive's parameter is or may hold a traced value (a
    tracer, a function that may close over one, or a sequence of such)."""
    if isinstance(param, (tuple, list)):
        return any(_may_hold_tracers(x) for x in param)
    return isinstance(param, Tracer) or callable(param)


def _tangent_part(c, dual):
    """The tangent, in the forward-mode trace ``dual``, of the cotangent
    contribution ``c``; ``None`` when it is zero (``c`` is not one of that
    trace's tracers: constant along its direction)."""
    if type(c) is Scaled:
        t = _tangent_part(c.value, dual)
        return None if t is None else scale(t, c.factor)
    if type(c) is JVPTracer and c._trace is dual:
        t = c.tangent_value()
        return None if t is zero else t
    return None


def _for_real_primal(c, x):
    """The cotangent ``c`` of the input ``x``: its real part when ``x`` is real
    but ``c`` complex (a real value promoted into complex arithmetic).

    Cotangents pair with tangents as ``Re(sum(c * t))``, without conjugation
    (JAX's and autograd's convention), so a real input's cotangent is the
    real part of the complex one that the rule wrote."""
    if getattr(c, "dtype", None) is not None and c.dtype.kind == "c" and getattr(x, "dtype", np.dtype(float)).kind != "c":
        return np.real(c)
    return c



def vjp(f, *primals, has_aux=False):
    """Reverse mode: ``(f(*primals), vjp_fn)`` with ``vjp_fn(ct) -> tuple`` of
    cotangents, one per primal (same structure as the primals).

    >>> import numpy as np, osculate as osc
    >>> y, pullback = osc.vjp(lambda x: x ** 2, np.array([1.0, 2.0]))
    >>> pullback(np.ones(2))
    (array([2., 4.]),)
    """
    return _vjp(f, primals, has_aux, once=False)


def vjp_once(f, *primals, has_aux=False, tangent_only=False):
    """:func:`vjp` for a caller that calls ``vjp_fn`` once (a gradient): the
    sweep frees each recorded value as soon as its adjoint has used it.

    ``tangent_only``: the caller reads only the tangents of the cotangents
    it gets, in the forward-mode trace of the primals (forward over reverse,
    :func:`osculate.hvp`): when every primal is such a tracer over a plain
    array, the sweep leaves out what only the primal parts need (see
    :func:`_primal_needed`), and the primal part of each result is a
    placeholder (nan, broadcast)."""
    return _vjp(f, primals, has_aux, once=True, tangent_only=tangent_only)


def _dual_trace(leaves):
    """The forward-mode trace of which every leaf is a tracer over a plain
    array, or ``None`` (also when the arrays are too small for the skipped
    work to pay for the analysis: below :data:`TANGENT_ONLY_AT_SIZE`
    elements)."""
    dual = None
    worth = False
    for p in leaves:
        if type(p) is not JVPTracer or type(p.primal) is not np.ndarray or (dual is not None and p._trace is not dual):
            return None
        dual = p._trace
        worth = worth or p.primal.size >= TANGENT_ONLY_AT_SIZE
    return dual if worth else None


def _placeholder(tangent, p):
    """The forward-mode tracer with tangent ``tangent`` and, as its primal, nan
    broadcast to the input ``p``'s primal (a tangent-only sweep's result)."""
    primal = np.broadcast_to(np.array(np.nan, dtype=p.primal.dtype), p.primal.shape)
    return JVPTracer(p._trace, primal, tangent)


def _vjp(f, primals, has_aux, once, tangent_only=False):
    if all(type(p) is np.ndarray or isinstance(p, Tracer) for p in primals):
        p_leaves, p_tree = list(primals), None  # arrays: no pytree walk
    else:
        p_leaves, p_tree = tree_flatten(primals)
    p_leaves = [as_float_input(p, f"argument #{i}", allow_complex=True) for i, p in enumerate(p_leaves)]
    with new_trace(ReverseTrace) as trace:
        ins = [trace.new_input(p) for p in p_leaves]
        out = f(*ins) if p_tree is None else f(*tree_unflatten(p_tree, ins))
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise TypeError("has_aux=True requires f to return a pair (output, aux)")
            out, aux = out
            aux = _lower(aux, trace)
        o_leaves, o_tree = flatten_leaf(out)
        o_primals = [o.primal if (type(o) is ReverseTracer and o._trace is trace) else o for o in o_leaves]
    n_in = len(p_leaves)

    def vjp_fn(ct):
        nonlocal o_leaves, o_primals
        if once and trace.tape is None:
            raise RuntimeError("this pullback was made to be called once (osculate.ad.reverse.vjp_once)")
        c_leaves, c_tree = flatten_leaf(ct)
        if c_tree != o_tree:
            raise ValueError("vjp_fn: the cotangent must have the structure of f's output")
        seeds = _seeds(trace, o_leaves, o_primals, c_leaves)
        if once:  # the outputs are not needed by the sweep (nor what their pending tangents keep)
            o_leaves = o_primals = None
        dual = _dual_trace(p_leaves) if tangent_only else None
        cts = backward(trace, seeds, n_in, release=once, tangent_of=dual) if seeds else [None] * n_in
        if once:
            trace.tape = None
        if dual is not None:
            cts = [None if c is None else _placeholder(c, p) for c, p in zip(cts, p_leaves)]
        res = [_as_dtype_of(instantiate(zero if c is None else c, p), p) for c, p in zip(cts, p_leaves)]
        return tuple(res) if p_tree is None else tree_unflatten(p_tree, res)

    out_val = unflatten_leaf(o_tree, o_primals)
    return (out_val, vjp_fn, aux) if has_aux else (out_val, vjp_fn)


def _seeds(trace, o_leaves, o_primals, c_leaves):
    """``(node, index, cotangent)`` for each output of ``trace`` among
    ``o_leaves`` (primal values ``o_primals``), its cotangent from
    ``c_leaves`` checked against it (shape) and converted to its dtype."""
    seeds = []
    for o, c, op in zip(o_leaves, c_leaves, o_primals):
        dtype = getattr(op, "dtype", None)
        if not (isinstance(c, Tracer) or (type(c) is np.ndarray and c.dtype == dtype)):
            c = np.asarray(c, dtype=float if dtype is None else dtype)
        cshape = c.shape
        oshape = op.shape if dtype is not None else np.shape(op)
        if cshape != oshape:
            raise ValueError(f"vjp_fn: cotangent of shape {cshape} for an output of shape {oshape}")
        if type(o) is ReverseTracer and o._trace is trace:
            seeds.append((o.node, o.index, c))
    return seeds


_CASTS = {("f", "f"), ("f", "c"), ("c", "c")}  # (cotangent kind, primal kind); never complex to real


def _as_dtype_of(c, p):
    """A plain cotangent cast to its primal's dtype, as JAX returns it: a
    complex input whose cotangent happened to be real gets a complex one, and
    a float32 or complex64 input mixed into double-precision arithmetic a
    cotangent of its own precision.  A cotangent the sweep kept as one value
    broadcast (a read-only view, see ``prims.arithmetic.scaled``) is returned
    as an array of its own."""
    if type(c) is np.ndarray:
        if c.dtype != p.dtype and (c.dtype.kind, p.dtype.kind) in _CASTS:
            return c.astype(p.dtype)
        if not c.flags.writeable and c.size > 1 and not any(c.strides):
            return c.copy()
    return c


def _lower(tree, trace):
    if tree is None:
        return None
    leaves, td = tree_flatten(tree)
    return tree_unflatten(td, [x.primal if (type(x) is ReverseTracer and x._trace is trace) else x for x in leaves])
