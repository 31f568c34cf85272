"""Staging: trace a function once, then replay it as straight-line NumPy.

``jit(f)`` calls ``f`` once on tracers that record every primitive applied to
them and compiles the record into a Python function made of the primitives'
NumPy implementations only; the first call's result comes from running that
optimised function.  Recording computes values only where they are needed
(a decision of structured control flow, an operation without a shape rule,
small operands): a large elementwise chain is recorded by shapes and dtypes
alone (see :class:`JitTrace`), so the first call costs about what a replay
does, not what the unoptimised record would.  Later calls with arguments of
the same shapes and dtypes run that function: no tracers, no rule logic, no
dispatch.  Since the transforms (``grad``, ``hvp``, ``hessian``...) are
ordinary Python over primitives, ``jit`` of a transformed function stages
the derivative computation itself.

While compiling, the record is optimised:

* **constant folding** -- an operation none of whose inputs depends on the
  arguments runs once, at staging time (derivative seeds, the basis vectors
  of a dense Hessian, ``A @ I``...), and its result is kept as a constant;
* **scale folding** -- a chain of negations and multiplications by
  constants collapses into one multiplication (``-(2 * (3 * x)) -> -6 * x``)
  when the intermediate results have no other use;
* **scatter-add fusion** -- ``a + scatter(v)`` (the adjoint of slicing meeting
  a sum, everywhere in reverse mode) adds ``v`` into ``a``'s buffer in place
  instead of filling a fresh array of zeros and summing two full arrays;
* **dead-code elimination** -- operations whose results no output needs are
  dropped (e.g. the value of ``f`` inside ``grad(f)``);
* **buffer reuse** -- an elementwise operation writes into an operand that
  dies there and that the program itself allocated (``out=`` of the ufunc);
* **early release** -- every intermediate is dropped right after its last
  use, so the peak memory is that of the live values only.

The price is the usual one of staging: Python control flow must not depend
on the *values* of the arguments (shapes are fine), because the record
holds one path through the code.  A branch on a traced value, ``float(x)``
or a traced index raises :class:`~osculate.ad.core.ConcretizationError`
while staging instead of silently freezing the branch taken; pass such
arguments as static (``static_argnums``) or keep that function eager.

Value-dependent control flow is written with the structured operators of
:mod:`osculate.ad.control` (``cond``, ``switch``, ``while_loop``,
``fori_loop``, ``scan``), which stage in one of two ways:

* as a **node** whose branches or loop body are programs of their own
  (:func:`stage_subprogram`; values the body closes over become extra
  inputs), so one program serves every trip count and every branch;
* **guarded**, when a body mixes staged values with the tracers of a
  transformation applied inside ``jit`` (``jit(grad(f))`` with a loop in
  ``f``): the path taken is recorded operation by operation together with
  a guard on each decision (:func:`stage_guard`).  A replay whose decisions
  differ stops at the first failing guard and stages the new path; every
  path seen is kept, so alternating between a few trip counts stages each
  once.
"""

from __future__ import annotations

import collections
import functools
import math
import threading
import time
import weakref
from typing import Any, NamedTuple

import numpy as np

from . import fusion
from .batching import BatchTracer
from .core import ConcretizationError, LeakedTracerError, Primitive, Trace, Tracer, new_trace
from .prims.arithmetic import add_p, convert_p, mul_p, neg_p, select_p, stop_gradient_p
from .prims.complex_parts import imag_p, real_p
from .prims.reductions import cumprod_p, max_p, min_p, prod_p
from .prims.structural import (broadcast_p, concatenate_p, cumsum_p, flip_p, getitem_p, index_update_p, reshape_p,
                               roll_p, scatter_p, sum_p, transpose_p)
from .prims.unary import UNARY
from .sparsity import SparsityTracer
from .tree import tree_flatten, tree_unflatten

__all__ = ["jit", "Program", "Equation", "Var"]


class Equation(NamedTuple):
    """One staged operation: ``outs = prim(*args, **params)`` where argument
    ``i`` is the variable ``refs[i]``, or the constant ``consts[i]`` when
    ``refs[i]`` is None."""

    prim: Primitive
    refs: tuple
    consts: tuple
    params: dict
    outs: tuple

    @property
    def out(self) -> int:
        """The (first) variable the equation defines."""
        return self.outs[0]


class Var(NamedTuple):
    """What staging knows of a variable: its shape, its dtype, and whether it
    is a real ``ndarray`` (a buffer the program may write into)."""

    shape: tuple
    dtype: Any
    is_array: bool


class _Pending:
    """The value of a staged operation that has not been computed (yet)."""

    __slots__ = ()

    def __repr__(self):
        return "<pending>"


_PENDING = _Pending()


class _Referable(Tracer):
    """A tracer its trace can refer to weakly.  (A base of its own, so that
    the slots of :class:`JitTracer` -- which ``x[i] = v`` copies from the
    tracer of the updated array -- are its value and variable only.)"""

    __slots__ = ("__weakref__",)


class JitTracer(_Referable):
    """A value being staged: ``var`` its name in the program, ``value`` the
    concrete array -- computed on first access when the operation that made
    it was recorded by its shape rule alone (see :meth:`JitTrace.force`)."""

    __slots__ = ("_value", "var")

    def __init__(self, trace, value, var):
        self._trace = trace
        self._value = value
        self.var = var
        described = trace.described[var]
        self.shape = described.shape
        self.dtype = described.dtype

    @property
    def value(self):
        v = self._value
        if v is _PENDING:
            v = self._value = self._trace.force(self.var)
        return v

    def _primal(self):
        return self.value

    def _concrete_step(self):
        raise ConcretizationError(
            "osculate.jit: the function needs the value of a staged argument (a Python "
            "branch such as `if x > 0`, float()/int() of it, or an index computed from it), "
            "but a staged program must not depend on values. Write value-dependent branches and "
            "loops with osc.cond / osc.switch / osc.while_loop / osc.fori_loop, use np.where for "
            "elementwise choices, pass that argument through static_argnums, or call the function "
            "without jit"
        )


#: Values up to this many bytes that staging computes are kept until it ends
#: (recomputing a small value is cheap, but a chain of them costs dispatches).
_KEEP_BYTES = 1 << 16

#: Operations on operands of at most this many elements, all computed, are
#: computed while staging (cheaper than describing them and computing them later).
_EAGER_SIZE = 4096


class JitTrace(Trace):
    """The trace of ``jit``: records each operation as an :class:`Equation`.

    Recording does not compute an operation whose output's shape and dtype
    follow from its operands' by a rule of :func:`_described` (elementwise
    ufuncs, slicing, reshapes, sums, scatters...): that output stays pending,
    and gets its value only if something asks for it (a decision of
    structured control flow, an operation without a rule) -- most never do,
    because the first call's result comes from running the optimised program
    (:meth:`Program.run_knowing`).  The values staging did compute are held
    by their tracers (weakly here, so they die with them; small ones and those
    that cannot be recomputed -- inputs, control-flow nodes, guards -- are
    kept), and :meth:`force` recomputes whatever a pending value needs that
    is gone."""

    __slots__ = ("eqns", "described", "guards", "body", "kinds", "producer", "tracers", "kept", "sources")
    kind = "jit"

    def __init__(self, level):
        super().__init__(level)
        self.eqns: list[Equation] = []
        self.described: list[Var] = []
        self.guards: list[int] = []  # variables of the guards (kept by dead-code elimination)
        self.body = None  # the body being staged as a program of its own (see stage_subprogram)
        self.kinds: list[str] = []  # per variable: "a" an ndarray, "s" a NumPy scalar, "o" anything else
        self.producer: list[int] = []  # per variable: the index of its equation, or -1
        self.tracers: list = []  # per variable: a weak reference to its tracer
        self.kept: dict = {}  # variable -> value kept until staging ends
        self.sources: dict = {}  # variable -> function giving its value (an enclosing program's, pending)

    def _add(self, described, kind, producer, value):
        var = len(self.described)
        self.described.append(described)
        self.kinds.append(kind)
        self.producer.append(producer)
        tracer = JitTracer(self, value, var)
        self.tracers.append(weakref.ref(tracer))
        return tracer

    def new_var(self, value, producer=-1):
        """A tracer of a new variable whose value is known.  Without a
        producer (an input, a control-flow node's output, a guard) the value
        cannot be recomputed, so it is kept; else only a small one is."""
        tracer = self._add(Var(np.shape(value), np.result_type(value), type(value) is np.ndarray),
                           _kind_of(value), producer, value)
        if producer < 0 or _small(value):
            self.kept[tracer.var] = value
        return tracer

    def new_pending(self, outer):
        """A tracer of a new variable standing for ``outer``, a tracer of an
        enclosing program, without asking for its value (yet)."""
        if outer._value is not _PENDING:
            return self.new_var(outer._value)
        src = outer._trace
        tracer = self._add(src.described[outer.var], src.kinds[outer.var], -1, _PENDING)
        self.sources[tracer.var] = outer
        return tracer

    def process(self, prim, args, params):
        if not self.active:
            raise LeakedTracerError(f"a staged value escaped osculate.jit and reached '{prim.name}'")
        if self.body is not None:
            # inside a body: what it computes from the values it closes over belongs
            # to the body too (a branch not taken must not run, a loop may not run)
            return self.body.process(prim, args, params)
        if any(callable(p) or isinstance(p, Tracer) for p in params.values()):
            # a primitive that calls back into user code (custom rules,
            # checkpoint): stage what its implementation does, op by op
            return prim.impl(*args, **params)
        return self.record(prim, args, params)

    def evaluate(self, prim, vals, refs, params):
        """The value of one staged operation (``refs[i]`` is None for a constant)."""
        return prim.impl(*vals, **params)

    def record(self, prim, args, params):
        """Append ``prim`` to the program; compute it only when its output's
        shape and dtype have no rule (see :func:`_described`)."""
        refs, consts = [], []
        for a in args:
            if type(a) is JitTracer and a._trace is self:
                refs.append(a.var)
                consts.append(None)
            elif isinstance(a, Tracer):
                raise ConcretizationError(
                    "osculate.jit: the staged function uses a value traced by an enclosing "
                    f"transformation ({type(a).__name__}) that is not one of its arguments, "
                    f"in '{prim.name}'; pass that value as an argument instead of closing over it"
                )
            else:
                refs.append(None)
                consts.append(a)
        k = len(self.eqns)
        outs = None
        if not (prim.multiple_results or self._cheap(prim, args, refs, params)):
            outs = _described(self, prim, refs, consts, params)
        if outs is not None:
            tracers = (self._add(outs[0], outs[1], k, _PENDING),)
        else:
            vals = [c if r is None else a.value for a, r, c in zip(args, refs, consts)]
            out = self.evaluate(prim, vals, refs, params)
            tracers = tuple(self.new_var(o, k) for o in (out if prim.multiple_results else (out,)))
        self.eqns.append(Equation(prim, tuple(refs), tuple(consts), params, tuple(t.var for t in tracers)))
        return tracers if prim.multiple_results else tracers[0]

    def _cheap(self, prim, args, refs, params):
        """True when the operation is cheaper to compute than to describe:
        its operands are small and computed already."""
        for a, r in zip(args, refs):
            if r is not None and (a._value is _PENDING or math.prod(self.described[r].shape) > _EAGER_SIZE):
                return False
        return prim is not scatter_p or math.prod(params["shape"]) <= _EAGER_SIZE

    def _tracer(self, var):
        """The live tracer of ``var``, or None.  (``x[i] = v`` rebinds the
        tracer of ``x`` to the variable of the update, so one that now stands
        for another variable does not count.)"""
        tracer = self.tracers[var]()
        return tracer if tracer is not None and tracer.var == var else None

    def _known(self, var):
        tracer = self._tracer(var)
        if tracer is not None and tracer._value is not _PENDING:
            return tracer._value
        return self.kept.get(var, _PENDING)

    def _remember(self, var, value):
        tracer = self._tracer(var)
        if tracer is not None:
            tracer._value = value
        if _small(value):
            self.kept[var] = value

    def force(self, var):
        """Compute the value of ``var``: the equations it needs whose values
        are not known, in program order, each intermediate dropped after its
        last use here (and kept on its tracer while that lives)."""
        env, todo, stack = {}, set(), [var]
        while stack:
            v = stack.pop()
            if v in env:
                continue
            known = self._known(v)
            if known is _PENDING and v in self.sources:
                known = self.sources[v].value  # a value of an enclosing program
                self.kept[v] = known
                del self.sources[v]
            if known is not _PENDING:
                env[v] = known
                continue
            env[v] = _PENDING
            k = self.producer[v]
            todo.add(k)
            stack.extend(r for r in self.eqns[k].refs if r is not None and r not in env)
        order = sorted(todo)
        last = {}
        for k in order:
            for r in self.eqns[k].refs:
                if r is not None:
                    last[r] = k
        for k in order:
            prim, refs, consts, params, outs = self.eqns[k]
            vals = [c if r is None else env[r] for r, c in zip(refs, consts)]
            out = self.evaluate(prim, vals, refs, params)
            for o, value in zip(outs, out if prim.multiple_results else (out,)):
                env[o] = value
                self._remember(o, value)
            for r in refs:
                if r is not None and r != var and last[r] == k:
                    env.pop(r, None)
        return env[var]

    def known_values(self):
        """``{variable: value}`` of every variable whose value staging knows."""
        out = dict(self.kept)
        for var in range(len(self.tracers)):
            tracer = self._tracer(var)
            if tracer is not None and tracer._value is not _PENDING:
                out[var] = tracer._value
        return out


def _kind_of(value):
    t = type(value)
    return "a" if t is np.ndarray else "s" if isinstance(value, np.generic) else "o"


def _small(value):
    return not isinstance(value, np.ndarray) or value.nbytes <= _KEEP_BYTES


# --------------------------------------------------------------------------- shapes without values
#
# A rule gives the shape of a primitive's output from its operands' shapes, and
# finds its dtype and type (ndarray or NumPy scalar) the surest way there is:
# by running the primitive itself on stand-ins of the operands' dtypes --
# one-element arrays of the same number of dimensions (or NumPy scalars for
# scalars), or, for operations that only make views, read-only views of
# stride 0 of the real shape (which own no memory).  Constants go in as they
# are, so NumPy's rules for Python numbers (weak types, NEP 50) and for
# integer and boolean operands apply as they will in the program.  Anything a
# rule is unsure of -- an operand that is neither an ndarray nor a NumPy
# scalar of a numeric dtype, a stand-in that raises -- computes the value
# instead.


def _stand_in_small(trace, r, c):
    """A stand-in of operand ``(ref, const)`` with one element per axis, or None."""
    if r is None:
        if type(c) in (int, float, complex, bool):
            return c
        kind, dtype, ndim = _kind_of(c), getattr(c, "dtype", None), np.ndim(c)
    else:
        kind, (shape, dtype, _) = trace.kinds[r], trace.described[r]
        ndim = len(shape)
    if kind == "o" or dtype.kind not in "biufc":
        return None
    return np.ones((1,) * ndim, dtype) if kind == "a" else dtype.type(1)


def _operand_shape(trace, r, c):
    return np.shape(c) if r is None else trace.described[r].shape


def _by_broadcasting(trace, prim, refs, consts, params):
    """Elementwise: NumPy's broadcast of the operands' shapes."""
    smalls = [_stand_in_small(trace, r, c) for r, c in zip(refs, consts)]
    if any(x is None for x in smalls):
        return None
    return _broadcast(trace, refs, consts), prim.impl(*smalls, **params)


def _broadcast(trace, refs, consts):
    shapes = {np.shape(c) if r is None else trace.described[r].shape for r, c in zip(refs, consts)}
    shapes.discard(())
    return shapes.pop() if len(shapes) == 1 else np.broadcast_shapes(*shapes) if shapes else ()


def _signature_of(trace, r, c):
    """What an elementwise result's dtype and type depend on, for an operand:
    its dtype, whether it is an ndarray and whether it has axes -- or, for a
    Python number, its type (and an integer's value, which may not fit)."""
    if r is None:
        t = type(c)
        if t is int:
            return t, c
        if t is float or t is complex or t is bool:
            return t
        if t is np.ndarray:
            return c.dtype, "a", c.ndim > 0
        return (c.dtype, "s", False) if isinstance(c, np.generic) else None
    return trace.described[r].dtype, trace.kinds[r], len(trace.described[r].shape) > 0


#: (primitive, operand signatures) -> (dtype, kind) of an elementwise result, or None
_ELEMENTWISE_SEEN: dict = {}


def _as_operand(trace, prim, refs, consts, params):
    """The operand's shape (a cumulative sum or product, a roll)."""
    (r,), (c,) = refs, consts
    x = _stand_in_small(trace, r, c)
    if x is None or not isinstance(x, np.ndarray) or not x.ndim:
        return None
    return _operand_shape(trace, r, c), prim.impl(x, **params)


def _reduced(trace, prim, refs, consts, params):
    """A reduction over ``axis`` (None, an int or a tuple), keeping the
    reduced axes as ones with ``keepdims``."""
    (r,), (c,) = refs, consts
    x = _stand_in_small(trace, r, c)
    shape = _operand_shape(trace, r, c)
    if x is None or not isinstance(x, np.ndarray) or 0 in shape:
        return None  # (an empty reduction may raise: let it, with the value)
    axis = params.get("axis")
    axes = range(len(shape)) if axis is None else (axis,) if isinstance(axis, (int, np.integer)) else axis
    axes = {int(a) % len(shape) for a in axes} if shape else set()
    keep = params.get("keepdims", False)
    out = tuple(1 if i in axes else s for i, s in enumerate(shape) if keep or i not in axes)
    return out, prim.impl(x, **params)


def _viewed(trace, prim, refs, consts, params):
    """A view (a reshape, transpose, broadcast, flip, basic slice): the
    primitive itself on a view of stride 0 of the operand's shape."""
    if prim is getitem_p and any(isinstance(i, np.ndarray) for i in params["idx"]):
        return None  # a gather makes a new array: computed
    (r,), (c,) = refs, consts
    if r is None or trace.kinds[r] != "a":
        return None
    shape, dtype, _ = trace.described[r]
    if dtype.kind not in "biufc":
        return None
    out = prim.impl(np.broadcast_to(np.ones((), dtype), shape), **params)
    return np.shape(out), out


def _scattered(trace, prim, refs, consts, params):
    """A scatter into zeros of ``shape``: its dtype from the primitive on one
    0-d value."""
    (r,), (c,) = refs, consts
    v = _stand_in_small(trace, r, c)
    if v is None:
        return None
    return tuple(params["shape"]), prim.impl(np.ones((), np.result_type(v)), shape=(), idx=())


def _updated(trace, prim, refs, consts, params):
    """``x`` with ``v`` set or added at ``idx``: ``x``'s shape."""
    x, v = (_stand_in_small(trace, r, c) for r, c in zip(refs, consts))
    if x is None or v is None:
        return None
    x0 = np.ones((), np.result_type(x))
    v0 = v if type(v) in (int, float, complex, bool) else np.ones((), np.result_type(v))
    return _operand_shape(trace, refs[0], consts[0]), prim.impl(x0, v0, idx=(), mode=params["mode"])


def _joined(trace, prim, refs, consts, params):
    """A concatenation along ``axis``."""
    smalls = [_stand_in_small(trace, r, c) for r, c in zip(refs, consts)]
    if not smalls or any(not isinstance(x, np.ndarray) or not x.ndim for x in smalls):
        return None
    shapes = [_operand_shape(trace, r, c) for r, c in zip(refs, consts)]
    axis = params["axis"]
    if axis is None:
        return (sum(math.prod(s) for s in shapes),), prim.impl(*smalls, axis=None)
    nd = len(shapes[0])
    if not isinstance(axis, (int, np.integer)) or not -nd <= axis < nd:
        return None
    axis = int(axis) % nd
    rest = {s[:axis] + s[axis + 1:] for s in shapes}
    if len(rest) != 1 or any(len(s) != nd for s in shapes):
        return None
    out = list(shapes[0])
    out[axis] = sum(s[axis] for s in shapes)
    return tuple(out), prim.impl(*smalls, axis=axis)


_RULES = {
    select_p: _by_broadcasting, stop_gradient_p: _by_broadcasting, convert_p: _by_broadcasting,
    real_p: _by_broadcasting, imag_p: _by_broadcasting, UNARY["reciprocal"]: _by_broadcasting,
    cumsum_p: _as_operand, cumprod_p: _as_operand, roll_p: _as_operand,
    sum_p: _reduced, max_p: _reduced, min_p: _reduced, prod_p: _reduced,
    reshape_p: _viewed, transpose_p: _viewed, broadcast_p: _viewed, flip_p: _viewed, getitem_p: _viewed,
    scatter_p: _scattered, index_update_p: _updated, concatenate_p: _joined,
}


def _described(trace, prim, refs, consts, params):
    """``(Var, kind)`` of ``prim``'s output by its rule, or None (no rule, or
    the rule is unsure): see the comment above."""
    rule = _RULES.get(prim)
    if rule is not None:
        return _by_rule(rule, trace, prim, refs, consts, params)
    if not _elementwise(prim, params) or getattr(prim.impl, "ufunc", prim.impl).signature is not None:
        return None  # (a generalised ufunc, matmul, is not elementwise)
    # the common case, arithmetic: the dtype and type found the last time
    # the primitive met operands of these dtypes and kinds
    key = (prim,) + tuple(_signature_of(trace, r, c) for r, c in zip(refs, consts))
    seen = _ELEMENTWISE_SEEN.get(key, _PENDING) if None not in key else None
    if seen is _PENDING:
        got = _by_rule(_by_broadcasting, trace, prim, refs, consts, params)
        seen = None if got is None else (got[0].dtype, got[1])
        if len(_ELEMENTWISE_SEEN) >= 4096:
            _ELEMENTWISE_SEEN.clear()
        _ELEMENTWISE_SEEN[key] = seen
        return got
    if seen is None:
        return _by_rule(_by_broadcasting, trace, prim, refs, consts, params)
    return Var(_broadcast(trace, refs, consts), seen[0], seen[1] == "a"), seen[1]


def _by_rule(rule, trace, prim, refs, consts, params):
    if prim is convert_p and any(r is not None and trace.described[r].dtype.kind == "c" for r in refs):
        return None  # a complex value cast to reals warns: computed, so the warning comes as it did
    try:
        with np.errstate(all="ignore"):
            got = rule(trace, prim, refs, consts, params)
    except Exception:  # noqa: BLE001 - a stand-in the primitive refuses: the real value says why
        return None
    if got is None:
        return None
    shape, out = got
    kind = _kind_of(out)
    if kind == "o" or (kind == "s" and len(shape)):
        return None
    return Var(tuple(shape), np.result_type(out), kind == "a"), kind


class GuardFailed(Exception):
    """A replay reached a guard whose decision differs from the staged one."""


class NotStageable(Exception):
    """A body cannot become a program of its own: it uses a tracer of a
    transformation applied inside ``jit`` (the caller falls back to the
    guarded path), or it needs a guard itself."""


def _guard_impl(x, expect, reduce):
    v = np.any(x) if reduce == "any" else x
    if not np.array_equal(v, expect):
        raise GuardFailed
    return np.bool_(True)


# A decision taken while staging (a loop's condition, a branch index).  It only
# exists inside staged programs: stage_guard records it, the replay runs it.
guard_p = Primitive("guard", _guard_impl)
for _kind in ("jvp", "vjp", "batch", "taylor", "sparsity"):
    guard_p.lacks(_kind, "made by osc.jit inside staged programs; never traced")


def stage_guard(tracer, expect, reduce=None):
    """Record in ``tracer``'s program that a decision was taken on its value:
    a replay with ``reduce(value) != expect`` raises :class:`GuardFailed`.
    ``reduce`` is ``None`` (the value itself) or ``"any"``."""
    trace = tracer._trace
    if isinstance(trace, _SubTrace):
        raise NotStageable("a guard inside a staged body")
    out = trace.new_var(np.bool_(True))
    trace.eqns.append(Equation(guard_p, (tracer.var,), (None,), {"expect": expect, "reduce": reduce}, (out.var,)))
    trace.guards.append(out.var)


class _SubTrace(JitTrace):
    """The trace of a body staged as a program of its own.  A staged value of
    an enclosing program that the body closes over becomes an extra input
    (``captured`` holds the outer tracers, in input order).  With
    ``value_of`` (see :func:`stage_replayable`) any other tracer it closes
    over is captured too, ``value_of`` giving an example value; without, such
    a tracer means the body cannot be separated from the transformation that
    made it (:class:`NotStageable`)."""

    __slots__ = ("parent", "captured", "capture_vars", "_memo", "value_of")

    def __init__(self, level, parent, value_of=None):
        super().__init__(level)
        self.parent = parent
        self.captured = []
        self.capture_vars = []
        self._memo = {}
        self.value_of = value_of

    @property
    def replayable(self):
        """True when the equations are replayed by binding their primitives
        (so they keep the primitives that call back into user code)."""
        return self.value_of is not None

    def owns(self, trace):
        """True when ``trace`` is this trace or one it is nested in."""
        t = self
        while isinstance(t, JitTrace):
            if t is trace:
                return True
            t = getattr(t, "parent", None)
        return False

    def capture(self, x):
        """This body's input standing for the enclosing value ``x``."""
        if x._trace is self:
            return x
        got = self._memo.get(id(x))
        if got is None:
            nested = type(x) is JitTracer and isinstance(self.parent, _SubTrace) and x._trace is not self.parent
            outer = self.parent.capture(x) if nested else x
            got = self.new_pending(outer) if type(outer) is JitTracer else self.new_var(self.value_of(outer))
            self.captured.append(outer)
            self.capture_vars.append(got.var)
            self._memo[id(x)] = got
            self._memo[id(outer)] = got
        return got

    def process(self, prim, args, params):
        if not self.active:
            raise LeakedTracerError(f"a staged value escaped its body and reached '{prim.name}'")
        if self.body is not None:  # a body nested in this one is being staged
            return self.body.process(prim, args, params)
        args = tuple(self.lift(a) for a in args)
        if self.replayable:
            return self.record(prim, args, params)
        return super().process(prim, args, params)

    def evaluate(self, prim, vals, refs, params):
        # A body runs here at example values only to learn its shapes (the node's
        # result is computed by running its programs): a branch not taken or a
        # loop body at a state never reached may fail at these values (a singular
        # solve), so it is staged at stand-ins of the same shapes instead.
        try:
            return prim.impl(*vals, **params)
        except Exception:  # noqa: BLE001 - any failure: retry at stand-ins
            pass
        try:
            with np.errstate(all="ignore"):
                return prim.impl(*[v if r is None else _stand_in(v) for v, r in zip(vals, refs)], **params)
        except Exception as err:  # noqa: BLE001
            raise NotStageable(f"'{prim.name}' fails at the example values of a body") from err

    def lift(self, a):
        if not isinstance(a, Tracer) or a._trace is self:
            return a
        if (type(a) is JitTracer and self.owns(a._trace)) or self.replayable:
            return self.capture(a)
        raise NotStageable(f"a {type(a).__name__} inside a staged body")


def _stand_in(v):
    """A well-conditioned value of ``v``'s shape and dtype: entries in [0.25,
    0.75], symmetric and diagonally dominant in the last two axes when they
    are square (so solves, factorisations and logarithms succeed)."""
    if not isinstance(v, np.ndarray) or v.dtype.kind not in "fc":
        return v
    x = np.random.default_rng(0).uniform(0.25, 0.75, v.shape).astype(v.dtype)
    if v.ndim >= 2 and v.shape[-1] == v.shape[-2]:
        x = 0.5 * (x + np.swapaxes(x, -1, -2)) + v.shape[-1] * np.eye(v.shape[-1], dtype=v.dtype)
    return x


def stage_subprogram(trace, fn, examples):
    """Stage ``fn`` (flat list of arrays -> flat list of arrays) as a program
    of its own inside ``trace``'s.  ``examples`` are the inputs' values (or
    ``trace``'s tracers, whose values are taken).  Returns ``(program,
    captured, values)``: the program takes the inputs followed by the values
    it closes over, ``captured`` are those values as tracers of ``trace`` (or
    of a trace it is nested in), ``values`` the outputs at the examples.
    Raises :class:`NotStageable` when ``fn`` uses other tracers."""
    with new_trace(_SubTrace, trace) as sub:
        ins = [sub.new_pending(x) if type(x) is JitTracer else sub.new_var(x) for x in examples]
        trace.body = sub
        try:
            with np.errstate(all="ignore"):
                outs = fn(ins)
        finally:
            trace.body = None
        out_refs, values = [], []
        for o in outs:
            o = sub.lift(o)
            if type(o) is JitTracer:
                out_refs.append(("var", o.var))
                values.append(o.value)
            else:
                out_refs.append(("const", o))
                values.append(o)
    program = Program(sub.eqns, [t.var for t in ins] + sub.capture_vars, out_refs, sub.described)
    return program, list(sub.captured), values


class Replayable:
    """Staged equations replayed by binding their primitives, so every
    transformation applies to the replay (unlike :class:`Program`, which runs
    the NumPy implementations only).  Made by :func:`stage_replayable`."""

    def __init__(self, eqns, in_vars, out_refs):
        self.eqns = tuple(eqns)
        self.in_vars = tuple(in_vars)
        self.out_refs = tuple(out_refs)

    def __call__(self, *args):
        env = dict(zip(self.in_vars, args))
        for prim, refs, consts, params, outs in self.eqns:
            out = prim.bind(*[c if r is None else env[r] for r, c in zip(refs, consts)], **params)
            env.update(zip(outs, out if prim.multiple_results else (out,)))
        return tuple(env[v] if kind == "var" else v for kind, v in self.out_refs)


# --------------------------------------------------------------------------- values of tracers


class Decision(NamedTuple):
    """What a predicate or index is: ``value`` its concrete value (every batch
    member's when ``batched``), ``staged`` the jit tracer it came through
    (``None`` when it is not staged)."""

    value: np.ndarray
    batched: bool
    staged: JitTracer | None


def decision(x):
    """The :class:`Decision` for ``x``, or ``None`` when its value is unknown
    (global sparsity detection)."""
    batched, staged = False, None
    while isinstance(x, Tracer):
        if type(x) is BatchTracer:
            batched, x = True, x.val
        elif type(x) is JitTracer:
            staged, x = staged or x, x.value
        elif type(x) is SparsityTracer and x.value is None:
            return None
        else:
            x = x._concrete_step()
    return Decision(np.asarray(x), batched, staged)


def example_value(x):
    """A concrete value of ``x``'s shape and dtype (one batch member's; any
    value of that shape in global sparsity detection): the ``value_of`` of
    :func:`stage_replayable`."""
    if not isinstance(x, Tracer):
        return x
    d = decision(x)
    if d is None:  # global sparsity detection: any value of the right shape
        return np.full(x.shape, 0.5, x.dtype)
    v = d.value
    return v if v.shape == tuple(x.shape) else v.reshape((-1,) + tuple(x.shape))[0]


def stage_replayable(fn, examples, value_of):
    """Stage ``fn`` (flat list of arrays -> flat list of arrays) with every
    value it closes over -- tracers of any transformation -- turned into an
    extra input.  ``examples`` are the inputs' values and ``value_of(tracer)``
    an example value of a tracer.  Returns ``(replayable, captured)``: call
    ``replayable(*inputs, *captured)``.  Raises :class:`NotStageable` for
    structured control flow inside ``fn`` and
    :class:`~osculate.ad.core.ConcretizationError` for Python control flow on
    values."""
    with new_trace(_SubTrace, None, value_of) as sub:
        ins = [sub.new_var(value_of(x) if isinstance(x, Tracer) else x) for x in examples]
        with np.errstate(all="ignore"):
            outs = [sub.lift(o) for o in fn(ins)]
    out_refs = [("var", o.var) if type(o) is JitTracer else ("const", o) for o in outs]
    return Replayable(sub.eqns, [t.var for t in ins] + sub.capture_vars, out_refs), list(sub.captured)


def stage_node(trace, prim, operands, params, like):
    """Append ``outs = prim(*operands, **params)`` to ``trace``'s program
    (operands: its tracers, tracers of traces it is nested in, or constants)
    and return the outputs as tracers of ``trace``.  Their values are computed
    by running ``prim`` -- except inside a body being staged, where only
    shapes matter: there ``like`` (values of the outputs' shapes and dtypes)
    stands in, so a nested loop is not run at a body's example values."""
    if getattr(trace, "replayable", False):
        raise NotStageable("a control-flow node inside a replayable body")
    refs, consts = [], []
    for a in operands:
        if type(a) is JitTracer:
            if a._trace is not trace:
                a = trace.capture(a)
            refs.append(a.var)
            consts.append(None)
        else:
            refs.append(None)
            consts.append(a)
    if isinstance(trace, _SubTrace):
        values = like
    else:
        values = prim.impl(*[x.value if type(x) is JitTracer else x for x in operands], **params)
    tracers = tuple(trace.new_var(v) for v in values)
    trace.eqns.append(Equation(prim, tuple(refs), tuple(consts), params, tuple(t.var for t in tracers)))
    return tracers


def _elementwise(prim, params):
    impl = getattr(prim.impl, "ufunc", prim.impl)  # (an impl wrapping a ufunc names it)
    return isinstance(impl, np.ufunc) and impl.nout == 1 and not params


_scatter_into = scatter_p.rule("accumulate")


def _scatter_add_impl(base, v, idx, own=False):
    out = base if own else base.copy()
    _scatter_into(out, v, idx=idx)
    return out


# ``base + scatter(v, idx)`` as one operation.  It exists only inside staged
# programs (made by _scatters_fused below, run by the replay); nothing ever
# traces it, so it has no rules.  ``own=True`` (decided by _donations) lets it
# add into ``base``'s buffer instead of a copy.
scatter_add_p = Primitive("scatter_add", _scatter_add_impl)
for _kind in ("jvp", "vjp", "batch", "taylor", "sparsity"):
    scatter_add_p.lacks(_kind, "made by osc.jit inside staged programs; never traced")


def _fresh(prim, params):
    """True when the primitive always returns a buffer nobody else holds."""
    return _elementwise(prim, params) or prim is scatter_p or prim is scatter_add_p


def _aliases(prim, params):
    """False when the primitive never returns or keeps a view of an operand."""
    return not (_elementwise(prim, params) or prim is scatter_add_p)


class Program:
    """A staged function: equations over numbered variables, compiled to Python.

    ``str(program)`` lists the equations after optimisation; ``program.source``
    is the generated Python.  Calling it with the flat list of argument arrays
    returns the flat list of outputs.
    """

    def __init__(self, eqns, in_vars, out_refs, described, keep=(), fuse=None):
        self.in_vars = tuple(in_vars)
        self.out_refs = tuple(out_refs)  # ("var", v) or ("const", value)
        self._keep = tuple(keep)
        outs = {v for kind, v in out_refs if kind == "var"} | set(keep)  # keep: guards
        live = _dead_code_eliminated(eqns, outs)
        live = _scatters_fused(_scales_folded(live, described, outs), described, outs)
        self.eqns = _dead_code_eliminated(live, outs)
        self._described = described
        self._donations = _donations(self.eqns, self.in_vars, self.out_refs, described)
        self.source, self._fn = self._compile()
        self._replays = 0
        self._spent = 0.0  # seconds of replays of a program whose runs are all short
        self._force = fuse is True  # fuse on the first replay, whatever the length
        self._fused = False if fuse is False else None  # a fused Program, False (none), None (not yet tried)
        self._loops_on_disk = {}  # any_length -> whether the loops fusion would compile are in the disk cache

    def run_knowing(self, leaves, known):
        """The outputs at ``leaves`` (the first call's result), taking the
        values of ``known`` (``{variable: value}``, what staging computed)
        instead of computing them: an equation runs only when an output needs
        it and some of its own outputs are not known.  Like a replay it
        writes into buffers it allocated itself and drops each value after
        its last use."""
        needed = {v for kind, v in self.out_refs if kind == "var"}
        run = []
        for k in range(len(self.eqns) - 1, -1, -1):
            _, refs, _, _, outs = self.eqns[k]
            if any(o in needed for o in outs) and not all(o in known for o in outs):
                run.append(k)
                needed.update(r for r in refs if r is not None)
        if len(run) == len(self.eqns):
            return self._fn(*leaves)  # nothing to take: the replay itself
        run.reverse()
        env = {v: known[v] for v in needed if v in known}
        env.update(zip(self.in_vars, leaves))
        keep = {v for kind, v in self.out_refs if kind == "var"}
        last = {r: k for k in run for r in self.eqns[k].refs if r is not None}
        mine = set()  # variables computed here: their buffers may be reused
        for k in run:
            prim, refs, consts, params, outs = self.eqns[k]
            args = [c if r is None else env[r] for r, c in zip(refs, consts)]
            into = self._donations.get(k)
            if into is not None and into in mine:
                out = prim.impl(*args, **params, own=True) if prim is scatter_add_p else \
                    prim.impl(*args, **params, out=env[into])
            else:
                out = prim.impl(*args, **params)
            for o, value in zip(outs, out if prim.multiple_results else (out,)):
                env[o] = value
                mine.add(o)
            for r in refs:
                if r is not None and last.get(r) == k and r not in keep:
                    env.pop(r, None)
        return [env[v] if kind == "var" else _copy(v) for kind, v in self.out_refs]

    @property
    def n_ops(self) -> int:
        """Number of NumPy operations one call performs."""
        return len(self.eqns)

    def __call__(self, leaves):
        fused = self._fused
        if fused is None:
            self._replays += 1
            wanted = fusion.wanted(self._replays, self._force, self._spent, len(self.eqns), self._on_disk)
            if wanted:
                return self._first_fused_call(leaves, wanted == "any length")
            if self._replays > fusion.settings["after"]:  # only short runs: fused once replays cost a compile
                start = time.perf_counter()
                out = self._fn(*leaves)
                self._spent += time.perf_counter() - start
                return out
        elif fused:
            return fused._fn(*leaves)
        return self._fn(*leaves)

    def _on_disk(self, any_length):
        """Whether the loops fusing this program needs are compiled already
        (:func:`osculate.ad.fusion.on_disk`, asked once per kind of run)."""
        known = self._loops_on_disk.get(any_length)
        if known is None:
            outs = [v for kind, v in self.out_refs if kind == "var"]
            known = self._loops_on_disk[any_length] = fusion.on_disk(self.eqns, self._described, outs, any_length)
        return known

    @property
    def fused(self):
        """The fused version of this program (see :mod:`osculate.ad.fusion`), or
        None when it has none (yet)."""
        return self._fused or None

    def _first_fused_call(self, leaves, any_length):
        """Fuse the program, and keep the fused version only if it reproduces
        the unfused one on these arguments (it is run once beside it).  Short
        runs are fused only with ``any_length`` (a program whose replays have
        cost as much as compiling it); without, a program with only short
        runs tries again when they have."""
        want = self._fn(*leaves)
        self._fused = False
        try:
            eqns, deferred = fusion.fuse(self.eqns, self._described,
                                         [v for kind, v in self.out_refs if kind == "var"], Equation,
                                         self._force or any_length)
            if eqns is None:
                if deferred:
                    self._fused = None  # only short runs: worth it once the program is hot
                return want
            fused = Program(eqns, self.in_vars, self.out_refs, self._described, keep=self._keep, fuse=False)
            got = fused._fn(*leaves)
        except Exception:  # noqa: BLE001 - a region that does not compile or run: stay unfused
            return want
        if all(_same_result(a, b) for a, b in zip(got, want)):
            self._fused = fused
        return want

    def __str__(self):
        lines = [f"program({', '.join(f'v{v}' for v in self.in_vars)}):"]
        for k, (prim, refs, consts, params, outs) in enumerate(self.eqns):
            args = [f"v{r}" if r is not None else _short(c) for r, c in zip(refs, consts)]
            nested = []  # the programs of a control-flow node, listed below it
            for name, p in params.items():
                progs = [p] if isinstance(p, Program) else list(p) if _all_programs(p) else []
                if not progs:
                    args.append(f"{name}={_short(p)}")
                    continue
                labels = [name] if isinstance(p, Program) else [f"{name}[{j}]" for j in range(len(progs))]
                args.append(f"{name}={labels[0]}" if isinstance(p, Program) else f"{name}=[{', '.join(labels)}]")
                nested += zip(labels, progs)
            into = f"  [in place of v{self._donations[k]}]" if k in self._donations else ""
            lines.append(f"  {', '.join(f'v{o}' for o in outs)} = {prim.name}({', '.join(args)}){into}")
            for label, q in nested:
                lines += ["    " + line for line in f"{label} = {q}".splitlines()]
        rets = [f"v{v}" if kind == "var" else _short(v) for kind, v in self.out_refs]
        lines.append(f"  return {', '.join(rets)}")
        return "\n".join(lines)

    def _compile(self):
        last_use = {}
        for k, (_, refs, _, _, outs) in enumerate(self.eqns):
            for r in refs:
                if r is not None:
                    last_use[r] = k
            for o in outs:
                last_use.setdefault(o, k)
        keep = set(self.in_vars) | {v for kind, v in self.out_refs if kind == "var"}
        dies_at: dict[int, list] = {}
        for v, k in last_use.items():
            if v not in keep:
                dies_at.setdefault(k, []).append(v)
        g: dict = {}
        body = []
        for k, (prim, refs, consts, params, outs) in enumerate(self.eqns):
            g[f"f{k}"] = prim.impl
            args = []
            for j, (r, c) in enumerate(zip(refs, consts)):
                if r is None:
                    g[f"c{k}_{j}"] = c
                    args.append(f"c{k}_{j}")
                else:
                    args.append(f"v{r}")
            for name, p in params.items():
                g[f"p{k}_{name}"] = p
                args.append(f"{name}=p{k}_{name}")
            if k in self._donations:
                if prim is scatter_add_p:
                    args.append("own=True")
                else:
                    args.append(f"out=v{self._donations[k]}")
            lhs = ", ".join(f"v{o}" for o in outs) + ("," if prim.multiple_results and len(outs) == 1 else "")
            body.append(f"{lhs} = f{k}({', '.join(args)})")
            if k in dies_at:
                body.append(f"del {', '.join(f'v{v}' for v in sorted(dies_at[k]))}")
        rets = []
        for i, (kind, v) in enumerate(self.out_refs):
            if kind == "var":
                rets.append(f"v{v}")
            else:
                g[f"out{i}"] = v
                rets.append(f"_copy(out{i})")
        g["_copy"] = _copy
        params = ", ".join(f"v{v}" for v in self.in_vars)
        src = f"def staged({params}):\n" + "".join(f"    {line}\n" for line in body)
        src += f"    return [{', '.join(rets)}]\n"
        exec(compile(src, "<osculate.jit>", "exec"), g)  # noqa: S102 - our own generated code
        return src, g["staged"]


def _same_result(a, b):
    """Whether a fused program's output ``a`` reproduces the unfused ``b``."""
    if np.shape(a) != np.shape(b) or np.result_type(a) != np.result_type(b):
        return False
    return bool(np.allclose(a, b, rtol=1e-9, atol=1e-300, equal_nan=True))


def _copy(v):
    return v.copy(order="K") if isinstance(v, np.ndarray) else v  # keeps the layout (e.g. a transpose)


def _all_programs(p):
    return isinstance(p, tuple) and bool(p) and all(isinstance(q, Program) for q in p)


def _short(v):
    if isinstance(v, np.ndarray) and v.size > 4:
        return f"<{v.dtype}{list(v.shape)}>"
    r = repr(v)
    return r if len(r) <= 40 else r[:37] + "..."


def _scaling(eqn):
    """``(var, c)`` when the equation computes ``c * var`` for a constant ``c``."""
    prim, refs, consts, params, _ = eqn
    if prim is neg_p and refs[0] is not None:
        return refs[0], -1.0
    if prim is mul_p and (refs[0] is None) != (refs[1] is None):
        k = 0 if refs[0] is None else 1
        c = consts[k]
        if isinstance(c, (float, np.floating)) or (isinstance(c, np.ndarray) and c.dtype.kind == "f"):
            return refs[1 - k], c
    return None


def _use_counts(eqns, outputs):
    """How many times each variable is read (an output counts as one read)."""
    uses = collections.Counter(r for e in eqns for r in e.refs if r is not None)
    uses.update(outputs)
    return uses


def _scales_folded(eqns, described, outputs):
    """Merge ``c2 * (c1 * y)`` into ``(c2 * c1) * y`` (negation is ``c = -1``)
    when ``c1 * y`` has no other use and the merge changes neither the
    result's shape nor its dtype.  The inner equation is left for dead-code
    elimination."""
    uses = _use_counts(eqns, outputs)
    producer = {}
    out = []
    for eqn in eqns:
        outer = _scaling(eqn)
        if outer is not None and uses[outer[0]] == 1 and outer[0] in producer:
            inner = _scaling(producer[outer[0]])
            if inner is not None:
                y, c = inner[0], _product(inner[1], outer[1])
                shape, dtype, _ = described[eqn.out]
                y_shape, y_dtype, _ = described[y]
                if (np.broadcast_shapes(y_shape, np.shape(c)) == shape
                        and np.result_type(np.empty(0, y_dtype), c) == dtype):
                    eqn = Equation(mul_p, (y, None), (None, c), {}, eqn.outs)
        for o in eqn.outs:
            producer[o] = eqn
        out.append(eqn)
    return out


def _product(a, b):
    """``a * b`` for two constant scales.  Reverse mode's scales are often one
    number broadcast with stride 0 (the seed of a sum); their product stays
    one, instead of an array of the full length the program would keep and
    read on every run."""
    one_a, one_b = _one_value(a), _one_value(b)
    shape = np.broadcast_shapes(np.shape(a), np.shape(b))
    if one_a is None or one_b is None or not shape:
        return np.multiply(a, b)
    return np.broadcast_to(np.multiply(one_a, one_b), shape)


def _one_value(c):
    """The value ``c`` repeats (a scalar), or None when it is an array of
    several values (as far as its strides tell)."""
    if not isinstance(c, np.ndarray):
        return c
    return c[(0,) * c.ndim] if c.size and not any(c.strides) else None


def _scatters_fused(eqns, described, outputs):
    """Replace ``add(a, s)`` where ``s = scatter(v, idx)`` has no other use by
    ``scatter_add(a, v, idx)`` (same shape and dtype as ``a``; the scatter is
    left for dead-code elimination)."""
    uses = _use_counts(eqns, outputs)
    producer = {}
    out = []
    for eqn in eqns:
        prim, refs, consts, params, outs = eqn
        if prim is add_p:
            shape, dtype, _ = described[outs[0]]
            for k in (0, 1):
                s = refs[k]
                scat = producer.get(s) if s is not None and uses[s] == 1 else None
                if scat is None or scat.prim is not scatter_p or scat.refs[0] is None or described[s].shape != shape:
                    continue  # (a scatter broadcast against a larger base is left alone)
                base_ref, base_const = refs[1 - k], consts[1 - k]
                if base_ref is not None:
                    base_shape, base_dtype, base_array = described[base_ref]
                else:
                    base_shape, base_dtype = np.shape(base_const), np.result_type(base_const)
                    base_array = type(base_const) is np.ndarray
                if base_array and base_shape == shape and base_dtype == dtype:
                    eqn = Equation(scatter_add_p, (base_ref, scat.refs[0]), (base_const, None),
                                   {"idx": scat.params["idx"]}, outs)
                    break
        for o in eqn.outs:
            producer[o] = eqn
        out.append(eqn)
    return out


def _dead_code_eliminated(eqns, needed):
    needed = set(needed)
    kept = []
    for eqn in reversed(eqns):
        if any(o in needed for o in eqn.outs):
            kept.append(eqn)
            needed.update(r for r in eqn.refs if r is not None)
    kept.reverse()
    return kept


def _donations(eqns, in_vars, out_refs, described):
    """``{equation index: variable}``: equations that may write their result
    into an operand's buffer -- an elementwise ufunc (``out=``) or a fused
    scatter-add (into its base).

    A variable's buffer may be reused when the program allocated it (its
    producer always returns a fresh buffer, so nothing else can see it), no
    use of it can create a view, the equation is its last use, it is neither
    an argument nor an output, and it has the result's exact shape and dtype.
    """
    protected = set(in_vars) | {v for kind, v in out_refs if kind == "var"}
    fresh, no_views, last_use = set(), {}, {}
    for k, (prim, refs, _, params, outs) in enumerate(eqns):
        if _fresh(prim, params):
            fresh.update(outs)
        for r in refs:
            if r is not None:
                no_views[r] = no_views.get(r, True) and not _aliases(prim, params)
                last_use[r] = k
    out = {}
    for k, (prim, refs, _, params, outs) in enumerate(eqns):
        if prim is scatter_add_p:
            candidates = refs[:1]  # only the base is overwritten
        elif _elementwise(prim, params):
            candidates = refs
        else:
            continue
        want = described[outs[0]]
        for r in candidates:
            if (r is not None and r in fresh and r not in protected and last_use[r] == k
                    and no_views[r] and described[r] == want and want.is_array):
                out[k] = r
                break
    return out


#: How many guarded paths ``jit`` keeps per argument signature.
_MAX_PATHS = 16


def jit(fun=None, *, static_argnums=(), fuse=None):
    """Stage ``fun`` once per argument signature and replay it as plain NumPy.

    ``fun`` takes arrays, scalars or pytrees of them (positional or keyword
    arguments) and returns the same.  The first call with a new signature -- the
    structure, shapes and dtypes of the arguments, and the values of the
    arguments listed in ``static_argnums`` -- traces ``fun`` and returns its
    result; later calls replay the optimised program (see this module's
    documentation for what is optimised and for the rule on value-dependent
    control flow).  Called with tracers of an enclosing transformation (e.g.
    ``grad(jit(f))``), ``fun`` simply runs inline.

    ``jitted.program(*args)`` returns the staged :class:`Program` for those
    arguments' signature (``print`` it to see the operations).

    ``fuse``: with numba installed, a hot program's elementwise chains are
    compiled into loops (:mod:`osculate.ad.fusion`): ``None`` (default) when
    it has been replayed a few times and its vectors are long enough,
    ``True`` on its first replay whatever their length, ``False`` never.

    >>> import numpy as np, osculate as osc
    >>> f = lambda x: np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    >>> hvp = osc.jit(lambda x, v: osc.hvp(f, x, v))
    >>> hvp(np.array([1.0, 1.0]), np.array([1.0, 0.0]))
    array([ 802., -400.])
    >>> hvp(np.array([0.0, 0.0]), np.array([1.0, 0.0]))  # replayed, new point
    array([2., 0.])
    """
    if fun is None:
        return functools.partial(jit, static_argnums=static_argnums, fuse=fuse)
    static = frozenset(static_argnums if isinstance(static_argnums, (tuple, list, set, frozenset)) else (static_argnums,))
    cache: dict = {}
    lock = threading.Lock()

    def split(args, kwargs):
        for i in static:
            if not -len(args) <= i < len(args):
                raise ValueError(f"jit: static_argnums has {i} but {len(args)} arguments were given")
        norm = {i % len(args) for i in static} if args else set()
        dynamic = (tuple(a for i, a in enumerate(args) if i not in norm), dict(kwargs))
        fixed = tuple((i, a) for i, a in enumerate(args) if i in norm)
        leaves, tree = tree_flatten(dynamic)
        leaves = [a if isinstance(a, (Tracer, np.ndarray)) else np.asarray(a) for a in leaves]
        for a in leaves:
            if a.dtype.kind in "OUSV":
                raise TypeError(
                    f"jit: an argument of dtype {a.dtype} (not numbers) cannot be staged; pass it "
                    "through static_argnums (a hashable value) or close over it"
                )
        try:
            key = (tree, fixed, tuple((np.shape(x), np.result_type(x).str) for x in leaves))
            hash(key)
        except TypeError:
            raise TypeError("jit: static arguments must be hashable (numbers, strings, tuples...)") from None
        return leaves, tree, fixed, key, len(args)

    def rebuild(tree, fixed, nargs, leaves):
        positional, kwargs = tree_unflatten(tree, leaves)
        dyn = iter(positional)
        fixed = dict(fixed)
        return tuple(fixed[i] if i in fixed else next(dyn) for i in range(nargs)), kwargs

    def stage(leaves, tree, fixed, nargs):
        with new_trace(JitTrace) as trace:
            ins = [trace.new_var(x) for x in leaves]
            args, kwargs = rebuild(tree, fixed, nargs, ins)
            out = fun(*args, **kwargs)
            o_leaves, o_tree = tree_flatten(out)
        out_refs = []
        for o in o_leaves:
            if type(o) is JitTracer and o._trace is trace:
                out_refs.append(("var", o.var))
            elif isinstance(o, Tracer):
                raise ConcretizationError("jit: the function returned a value traced by an enclosing transformation")
            elif not isinstance(o, (np.ndarray, np.generic, int, float, complex, bool, str)):
                # an object the staged program cannot rebuild (and which may hold staged values)
                raise TypeError(
                    f"jit: the function returned a {type(o).__name__}; a staged function must return "
                    "arrays, numbers or tuples/lists/dicts of them"
                )
            else:
                out_refs.append(("const", o))
        program = Program(trace.eqns, [t.var for t in ins], out_refs, trace.described, keep=trace.guards, fuse=fuse)
        # the first call's result: the optimised program, taking what staging computed
        return program, o_tree, tree_unflatten(o_tree, program.run_knowing(leaves, trace.known_values()))

    # The common call -- positional ndarrays, nothing static -- finds its signature's
    # key by shapes and dtypes alone, without flattening the arguments as a pytree.
    quick: dict = {}
    quick_ok = not static

    @functools.wraps(fun)
    def jitted(*args, **kwargs):
        if quick_ok and not kwargs and all(type(a) is np.ndarray for a in args):
            qkey = tuple((a.shape, a.dtype.str) for a in args)
            key = quick.get(qkey)
            if key is not None:
                done, result = replay(key, list(args))
                if done:
                    return result
        leaves, tree, fixed, key, nargs = split(args, kwargs)
        if any(isinstance(x, Tracer) for x in leaves):
            return fun(*args, **kwargs)
        if quick_ok and not kwargs and all(type(a) is np.ndarray for a in args):
            quick[tuple((a.shape, a.dtype.str) for a in args)] = key
        done, result = replay(key, leaves)
        if done:
            return result
        with lock:
            done, result = replay(key, leaves)  # another thread may have staged it meanwhile
            if done:
                return result
            program, o_tree, result = stage(leaves, tree, fixed, nargs)
            cache[key] = ((program, o_tree),) + cache.get(key, ())[:_MAX_PATHS - 1]  # newest first
        return result

    def replay(key, leaves):
        for program, o_tree in cache.get(key, ()):
            try:
                return True, tree_unflatten(o_tree, program(leaves))
            except GuardFailed:  # a guarded decision went the other way: try the next path
                continue
        return False, None

    def program(*args, **kwargs):
        leaves, tree, fixed, key, nargs = split(args, kwargs)
        if key not in cache:
            jitted(*args, **kwargs)
        return cache[key][0][0]

    jitted.program = program
    jitted.cache_size = lambda: len(cache)
    return jitted

