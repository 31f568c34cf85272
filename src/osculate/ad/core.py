"""The engine's kernel: primitives, traces, tracers and the level stack.

Everything else in :mod:`osculate.ad` is built from four ideas defined here.

``Primitive``
    A named operation.  Its rules live *beside it* as attributes: ``impl``
    (plain NumPy), ``jvp`` (forward), ``vjp`` (reverse), and later ``batch``,
    ``taylor`` and ``sparsity``.  Rules are written with other primitives, so
    the derivative code they produce can be differentiated again.

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
from typing import Callable

import numpy as np

__all__ = [
    "Primitive",
    "Trace",
    "Tracer",
    "Zero",
    "zero",
    "new_trace",
    "concrete",
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
# Primitives
# --------------------------------------------------------------------------


class Primitive:
    """A named operation with its transformation rules kept beside it.

    Parameters
    ----------
    name:
        Name used in error messages and graph dumps.
    impl:
        The NumPy implementation ``impl(*args, **params)``.
    multiple_results:
        ``True`` when ``impl`` returns a tuple of arrays.

    Rules are attached with the ``def_*`` methods (usable as decorators):

    * ``jvp(primals, tangents, **params) -> (out, tangent_out)``; tangents
      are arrays, tracers or :data:`zero`.
    * ``vjp(ct, out, primals, wants, **params) -> tuple`` of input cotangents
      (``None`` where an input needs none; ``wants[i]`` says which inputs
      need one).
    * ``residuals(wants) -> (keep_inputs, keep_output)``, optional: the
      values ``vjp`` reads; reverse mode records the others by shape only
      (see :class:`osculate.ad.reverse.ShapeOnly`).
    * ``batch``, ``taylor``, ``sparsity``: added by later transforms in the
      same way.

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.ad.core import Primitive
    >>> double = Primitive("double", lambda x: 2 * x)
    >>> double.bind(np.array([1.5]))
    array([3.])
    """

    __slots__ = ("name", "impl", "multiple_results", "rules")

    def __init__(self, name: str, impl: Callable, multiple_results: bool = False):
        self.name = name
        self.impl = impl
        self.multiple_results = multiple_results
        self.rules: dict[str, Callable] = {}

    def __repr__(self) -> str:
        return f"Primitive({self.name})"

    def bind(self, *args, **params):
        """Apply the primitive to ``args``, dispatching to the innermost trace."""
        top = None
        level = -1
        for a in args:
            if isinstance(a, Tracer):
                t = a._trace
                if t.level > level:
                    level = t.level
                    top = t
        if top is None:
            return self.impl(*args, **params)
        return top.process(self, args, params)

    def rule(self, kind: str) -> Callable:
        """Return the ``kind`` rule or raise :class:`MissingRuleError`."""
        try:
            return self.rules[kind]
        except KeyError:
            raise MissingRuleError(
                f"primitive '{self.name}' has no {kind} rule, so it cannot be "
                f"differentiated/transformed in {kind} mode; define one with "
                f"`{self.name}_p.def_rule('{kind}', ...)` or wrap the code in "
                f"osculate.custom_jvp / custom_vjp"
            ) from None

    def def_rule(self, kind: str, fn: Callable | None = None):
        """Attach a rule; usable as ``@prim.def_rule('jvp')``."""
        if fn is None:
            return lambda f: self.def_rule(kind, f)
        self.rules[kind] = fn
        return fn

    def def_jvp(self, fn):
        return self.def_rule("jvp", fn)

    def def_vjp(self, fn):
        return self.def_rule("vjp", fn)


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
        return int(np.prod(self.shape, dtype=np.int64))

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

    def item(self):
        self._no_scalar("item")

    def tolist(self):
        self._no_scalar("tolist")

    # NumPy's protocols (``__array_ufunc__``, ``__array_function__``) and the
    # Python operators are installed by :mod:`osculate.ad.numpy_dispatch`.
