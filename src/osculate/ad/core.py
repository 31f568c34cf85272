"""The engine's kernel: primitives, traces, tracers and the level stack.

Everything else in :mod:`osculate.ad` is built from four ideas defined here.

``Primitive``
    A named operation.  Its rules live *beside it*: ``impl`` (plain NumPy),
    then one rule per kind of :data:`RULE_KINDS` (``jvp``, ``vjp``, ``batch``,
    ``taylor``, ``sparsity``...).  Rules are written with other primitives,
    so the derivative code they produce can be differentiated again.  Every
    primitive registers itself in :data:`PRIMITIVES`.

``Trace``
    One active transformation (a forward pass, a reverse pass, a batching
    pass...).  Each call of a transform opens a fresh trace with a unique
    ``level`` on a per-context stack, so nested transforms never mix up their
    perturbations.

``Tracer``
    The value a trace hands to user code in place of an array.  It speaks
    NumPy (operators, ``__array_ufunc__``, ``__array_function__``) and routes
    every operation back to ``Primitive.bind``.

``bind``
    Finds the innermost trace among the arguments and lets it process the
    primitive; with no tracer among the arguments the NumPy ``impl`` runs
    directly, so constants stay constants and cost nothing.
"""

from __future__ import annotations

import contextvars
import itertools
import math
from typing import Callable

import numpy as np

__all__ = [
    "Primitive",
    "PRIMITIVES",
    "RULE_KINDS",
    "REQUIRED_KINDS",
    "Trace",
    "Tracer",
    "Zero",
    "zero",
    "new_trace",
    "concrete",
    "concrete_or_none",
    "MissingRuleError",
    "LeakedTracerError",
    "ConcretizationError",
    "UnsupportedFunctionError",
    "UnsupportedConversionError",
]


class MissingRuleError(NotImplementedError):
    """A primitive has no rule for the transformation that reached it."""


class LeakedTracerError(RuntimeError):
    """A tracer was used after the transformation that created it ended."""


class UnsupportedFunctionError(TypeError):
    """A NumPy function that osculate cannot differentiate was given a tracer."""


class ConcretizationError(TypeError):
    """A traced value was converted to a concrete Python/NumPy value."""


class UnsupportedConversionError(UnsupportedFunctionError, ConcretizationError):
    """A NumPy or SciPy function osculate does not support converted a traced
    value to a plain array (``np.asarray`` inside ``scipy.special.logsumexp``,
    say).  Both an :class:`UnsupportedFunctionError` and a
    :class:`ConcretizationError`, so either ``except`` clause catches it."""


# --------------------------------------------------------------------------
# Symbolic zero
# --------------------------------------------------------------------------


class Zero:
    """The symbolic zero tangent / cotangent.

    An absent derivative is represented by the singleton :data:`zero` rather
    than an allocated array of zeros, and rules skip work when they see it.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "zero"

    def __bool__(self) -> bool:  # pragma: no cover - defensive
        raise TypeError("the symbolic zero has no truth value")


zero = Zero()


# --------------------------------------------------------------------------
# Rule kinds and the registry of primitives
# --------------------------------------------------------------------------

#: Every kind of rule a primitive may carry, with its signature and contract.
#: :meth:`Primitive.def_rule` refuses any other kind, and ``docs/engine.md``
#: shows this table.  ``primals``/``args`` are the primitive's inputs one level
#: below the trace that processes it (arrays or tracers of outer traces);
#: ``params`` its keyword parameters; :data:`zero` stands for an absent
#: tangent, cotangent or Taylor coefficient.
RULE_KINDS: dict[str, str] = {
    "jvp": "jvp(primals, tangents, **params) -> (out, tangent_out). Forward mode: the output and its "
           "tangent (zero when every tangent is zero). Written with primitives, so it can be "
           "differentiated again.",
    "tangent": "tangent(out, primals, tangents, **params) -> tangent_out. Optional: the jvp rule's tangent, given "
               "the output (osculate.ad.forward.def_tangent makes the jvp rule from it; at least one tangent is "
               "nonzero). Forward over reverse then computes a tangent only when something reads it, keeping "
               "meanwhile the values the residuals rule names (wants[i]: tangent i is nonzero).",
    "vjp": "vjp(ct, out, primals, wants, **params) -> tuple of input cotangents. Reverse mode: one "
           "cotangent per input, None where wants[i] is False; ct and out are tuples for a primitive "
           "with multiple results. Written with primitives.",
    "residuals": "residuals(wants) -> (keep_inputs, keep_output). Optional: the values vjp reads; reverse "
                 "mode records the others by shape and dtype only (osculate.ad.reverse.ShapeOnly). "
                 "Without it, every input and the output are kept.",
    "fwd": "fwd(*primals, **params) -> (out, residuals). Optional: reverse mode calls it instead of impl "
           "and passes residuals=... to vjp (custom_vjp).",
    "batch": "batch(values, batched, size, **params) -> out. vmap: batched[i] says whether values[i] "
             "carries a leading batch axis of length size; out carries it (every result of a "
             "multiple-results primitive).",
    "taylor": "taylor(primals, series, order, **params) -> (out, out_series). Taylor mode: series[i] holds "
              "the `order` normalised coefficients x_1..x_K of input i; out_series the output's, each "
              "shaped like the output or zero (a tuple of such per result for multiple results).",
    "sparsity": "sparsity(trace, args, out, **params) -> Deps. Sparsity detection: the index sets of the "
                "output from those of the traced args (trace.deps_of(a)); out is the output value "
                "(a stand-in in global mode). See osculate.ad.sparsity.",
    "stand_in": "stand_in(values, traced, **params) -> values. Optional: global sparsity detection runs "
                "each primitive on random stand-ins for its traced inputs (traced[i]); this puts them in the "
                "primitive's domain (a positive definite band...). Only the output's shape and dtype are used.",
    "accumulate": "accumulate(buffer, v, **params) -> None. Optional, for a linear primitive: add "
                  "prim(v, **params) into buffer in place (the backward sweep's owned buffers).",
    "adjoint_into": "adjoint_into(primals, params) -> (linear_prim, linear_params). Optional: the adjoint "
                    "of this linear primitive is linear_prim (which has an accumulate rule), so the "
                    "backward sweep adds its contribution in place instead of calling vjp.",
}

#: The kinds every primitive of the engine either has or declares missing
#: with :meth:`Primitive.lacks`; the other kinds are optional.
REQUIRED_KINDS: tuple[str, ...] = ("jvp", "vjp", "batch", "taylor", "sparsity")

#: Every primitive, by name (names are unique): :class:`Primitive` adds itself.
PRIMITIVES: dict[str, "Primitive"] = {}

_HINTS = {
    "taylor": "where rule(primals, series, order, **params) -> (out, out_series)",
    "sparsity": "where rule(trace, args, out, **params) -> Deps",
    "batch": "where rule(values, batched, size, **params) -> out",
}


# --------------------------------------------------------------------------
# Primitives
# --------------------------------------------------------------------------


class Primitive:
    """A named operation with its transformation rules kept beside it.

    Parameters
    ----------
    name:
        Unique name, used in error messages, graph dumps and the registry
        :data:`PRIMITIVES`.
    impl:
        The NumPy implementation ``impl(*args, **params)``.
    multiple_results:
        ``True`` when ``impl`` returns a tuple of arrays.
    constant_output:
        ``True`` for a piecewise-constant operation (comparisons, ``floor``,
        ``stop_gradient``): every derivative and Taylor coefficient of its
        output is zero and its index sets are empty, so the differentiating
        traces and sparsity detection need no rule for it (reverse mode does
        not even record it).

    Rules are attached with :meth:`def_rule` (usable as a decorator), one per
    kind of :data:`RULE_KINDS`; :meth:`lacks` records why a primitive has no
    rule of some kind, and that reason is part of the
    :class:`MissingRuleError` a transformation raises.

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.ad.core import Primitive
    >>> double = Primitive("double", lambda x: 2 * x)
    >>> double.bind(np.array([1.5]))
    array([3.])
    """

    __slots__ = ("name", "impl", "multiple_results", "constant_output", "rules", "missing")

    registry = PRIMITIVES

    def __init__(self, name: str, impl: Callable, multiple_results: bool = False, *, constant_output: bool = False):
        if name in PRIMITIVES:
            raise ValueError(
                f"a primitive named {name!r} already exists; primitive names are unique (they key "
                f"osculate.ad.core.PRIMITIVES): choose another name"
            )
        self.name = name
        self.impl = impl
        self.multiple_results = multiple_results
        self.constant_output = constant_output
        self.rules: dict[str, Callable] = {}
        self.missing: dict[str, str] = {}
        PRIMITIVES[name] = self

    def __repr__(self) -> str:
        return f"Primitive({self.name})"

    def bind(self, *args, **params):
        """Apply the primitive to ``args``, dispatching to the innermost trace."""
        top = None
        for a in args:
            if isinstance(a, Tracer):
                t = a._trace
                if top is None or t.level > top.level:
                    top = t
        if top is None:
            return self.impl(*args, **params)
        return top.process(self, args, params)

    def rule(self, kind: str) -> Callable:
        """Return the ``kind`` rule or raise :class:`MissingRuleError`."""
        try:
            return self.rules[kind]
        except KeyError:
            raise MissingRuleError(self.missing_message(kind)) from None

    def missing_message(self, kind: str) -> str:
        """Why this primitive cannot be transformed in ``kind`` mode."""
        why = self.missing.get(kind)
        because = f" ({why})" if why else ""
        hint = _HINTS.get(kind, "")
        return (
            f"primitive '{self.name}' has no {kind} rule{because}, so it cannot be differentiated/"
            f"transformed in {kind} mode; define one with `{self.name}_p.def_rule('{kind}', rule)`"
            f"{' ' + hint if hint else ''} or wrap the code in osculate.custom_jvp / custom_vjp"
        )

    def def_rule(self, kind: str, fn: Callable | None = None):
        """Attach a rule of a kind listed in :data:`RULE_KINDS`; usable as
        ``@prim.def_rule('jvp')``."""
        if kind not in RULE_KINDS:
            flag = " (a flag: pass constant_output=True to Primitive)" if kind == "constant_output" else ""
            raise ValueError(f"unknown rule kind {kind!r}{flag}; the kinds are {sorted(RULE_KINDS)}")
        if fn is None:
            return lambda f: self.def_rule(kind, f)
        self.rules[kind] = fn
        self.missing.pop(kind, None)
        return fn

    def def_jvp(self, fn):
        return self.def_rule("jvp", fn)

    def def_vjp(self, fn):
        return self.def_rule("vjp", fn)

    def lacks(self, kind: str, why: str) -> None:
        """Declare that this primitive has no ``kind`` rule, and why (shown in
        :class:`MissingRuleError` and in the table of ``docs/engine.md``)."""
        if kind not in RULE_KINDS:
            raise ValueError(f"unknown rule kind {kind!r}; the kinds are {sorted(RULE_KINDS)}")
        if kind in self.rules:
            raise ValueError(f"primitive '{self.name}' has a {kind} rule; it cannot also lack one")
        self.missing[kind] = why

    def handles(self, kind: str) -> bool:
        """True when the ``kind`` transformation can process this primitive:
        it has the rule, or its output is constant and ``kind`` is one of the
        transformations that need no rule for that."""
        return kind in self.rules or (self.constant_output and kind in _CONSTANT_KINDS)


#: What ``constant_output=True`` stands in for.
_CONSTANT_KINDS = frozenset({"jvp", "vjp", "taylor", "sparsity"})


# --------------------------------------------------------------------------
# Traces and the level stack
# --------------------------------------------------------------------------

_stack: contextvars.ContextVar[tuple] = contextvars.ContextVar("osculate_trace_stack", default=())
_ids = itertools.count()


class Trace:
    """One active transformation.  Subclasses implement :meth:`process`.

    ``level`` orders traces: a larger level is nested more deeply; when a
    primitive sees tracers of several traces the one with the largest level
    processes it and treats the others as constants.
    """

    __slots__ = ("level", "uid", "active", "__weakref__")

    kind = "trace"

    def __init__(self, level: int):
        self.level = level
        self.uid = next(_ids)
        self.active = True

    def process(self, prim: Primitive, args: tuple, params: dict):  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(level={self.level})"


class new_trace:
    """Context manager pushing a fresh trace of class ``cls`` on the stack.

    The trace is deactivated on exit, so a tracer that escapes its
    transformation raises :class:`LeakedTracerError` when used again.
    """

    __slots__ = ("cls", "args", "trace", "token")

    def __init__(self, cls, *args):
        self.cls = cls
        self.args = args

    def __enter__(self):
        stack = _stack.get()
        self.trace = self.cls(len(stack), *self.args)
        self.token = _stack.set(stack + (self.trace,))
        return self.trace

    def __exit__(self, exc_type, exc, tb):
        self.trace.active = False
        _stack.reset(self.token)
        if exc_type is ValueError and isinstance(exc.__cause__, ConcretizationError):
            # ``array[i] = tracer`` on a plain ndarray: NumPy calls the tracer's
            # __float__, whose explanation it buries under its own "setting an
            # array element with a sequence" ValueError.  Every transformation
            # runs the user's code inside this context, so this is the one place
            # that can put osculate's explanation back on top.
            raise exc.__cause__.with_traceback(tb) from None
        return False


def current_depth() -> int:
    return len(_stack.get())


def innermost_trace():
    """The most deeply nested active trace, or ``None`` outside every transformation."""
    stack = _stack.get()
    return stack[-1] if stack else None


# --------------------------------------------------------------------------
# Tracers
# --------------------------------------------------------------------------


def concrete(x):
    """The fully concrete NumPy value under any number of tracer layers.

    Used for non-differentiable queries (comparisons, ``argmax``, shapes of
    masks).  A trace that has no concrete value (e.g. global sparsity
    detection) raises :class:`ConcretizationError` from its tracer.
    """
    while isinstance(x, Tracer):
        x = x._concrete_step()
    return x


def concrete_or_none(x):
    """:func:`concrete` as a NumPy array, or None where a trace has no value
    (inside ``jit`` or ``vmap``): code that may look at values to make a
    piecewise-constant choice (indices, knots, a simplex) then falls back to a
    formulation without them, or refuses."""
    try:
        return np.asarray(concrete(x))
    except ConcretizationError:
        return None


class Tracer:
    """A traced value.  Behaves like a NumPy array of float dtype.

    Subclasses store their own payload (primal, tangent, node...) and define
    :meth:`_primal` (the value one level down) and ``_trace``.
    """

    __slots__ = ("_trace", "shape", "dtype")
    __array_priority__ = 1000

    # -- structure -------------------------------------------------------
    def _concrete_step(self):
        return self._primal()

    def _primal(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _check(self):
        if not self._trace.active:
            raise LeakedTracerError(
                f"a {type(self).__name__} escaped the transformation that created it "
                "(e.g. stored in a global or a closure and used after grad/jvp returned); "
                "return values from the transformed function instead"
            )

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d traced array")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d traced array")
        return (self[i] for i in range(self.shape[0]))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(shape={self.shape}, dtype={self.dtype}, level={self._trace.level})"

    # -- conversions that cannot be traced ---------------------------------
    def _conversion_error(self, kind):
        """The error for converting this value with ``kind`` (``"asarray"``,
        ``"float"``, ``"int"``...).  :mod:`osculate.ad.numpy_dispatch` refines
        it where it can tell more: a store into a NumPy array, a NumPy or SciPy
        function osculate does not support."""
        if kind == "asarray":
            return ConcretizationError(
                "np.asarray()/np.array() was called on a traced value inside a function "
                "being differentiated; the result would carry no derivative. Use NumPy "
                "functions directly on the value (np.sin(x), x @ A, np.stack([...])) or "
                "osculate.numpy, and call osculate.stop_gradient(x) if you really want a "
                "constant"
            )
        if kind == "strides":
            return ConcretizationError(
                "the memory layout (strides) of a traced value was asked for inside a function being "
                "differentiated: a traced value has none. Use NumPy functions on it (reshape, slicing, "
                "indexing) instead of views built from its strides"
            )
        return ConcretizationError(
            f"{kind}() was called on a traced value inside a function being "
            "differentiated; a Python number carries no derivative. Keep the value as "
            "an array (e.g. use x[0] instead of float(x[0]))"
        )

    def __array__(self, dtype=None, copy=None):
        raise self._conversion_error("asarray")

    def _no_scalar(self, kind):
        raise self._conversion_error(kind)

    def __float__(self):
        self._no_scalar("float")

    def __int__(self):
        self._no_scalar("int")

    def __complex__(self):
        self._no_scalar("complex")

    def __index__(self):
        self._no_scalar("index")

    def __bool__(self):
        # Eager tracing: Python control flow on a value is allowed and follows
        # the branch taken at this point (it is not differentiated).
        return bool(concrete(self))

    def __hash__(self):
        return id(self)

    @property
    def strides(self):
        """A traced value has no memory layout: code that builds views from
        strides (``as_strided``, some SciPy functions) gets an error saying
        so, naming osculate's replacement where there is one."""
        raise self._conversion_error("strides")

    def item(self):
        self._no_scalar("item")

    def tolist(self):
        self._no_scalar("tolist")

    # NumPy's protocols (``__array_ufunc__``, ``__array_function__``) and the
    # Python operators are installed by :mod:`osculate.ad.numpy_dispatch`.
