"""User-defined derivative rules: :class:`custom_jvp` and :class:`custom_vjp`.

Each wrapped function becomes a primitive whose rules call the user's code.
The missing direction is derived, not faked:

* a ``custom_jvp`` function used in reverse mode is transposed: its tangent
  map ``t -> jvp(primals, t)`` is linear, so its adjoint is obtained by one
  reverse pass over the user's JVP rule;
* a ``custom_vjp`` function used in forward mode is transposed the other
  way: ``J t = ∇_c <bwd(res, c), t>``, one reverse pass over the user's
  backward rule.

Forward-over-reverse (Hessian-vector products) through a ``custom_vjp``
needs nothing more: the backward rule is simply traced by the outer forward
transformation, so it must be written with NumPy/osculate operations (not
with ``np.asarray`` or SciPy calls) for second derivatives to exist.
"""

from __future__ import annotations

import functools

from . import numpy as osc_np
from . import sparsity, taylor_trace
from .batching import vmap
from .core import Primitive, Tracer, zero
from .reverse import vjp
from .transforms import grad
from .util import zeros_like

__all__ = ["custom_jvp", "custom_vjp"]


def _instantiate_all(primals, tangents):
    return tuple(zeros_like(p) if t is zero else t for p, t in zip(primals, tangents))


def _axes(batched):
    return tuple(0 if b else None for b in batched)


def _custom_call_impl(*args, fn):
    return fn.fun(*args)


class _CustomFunction:
    """What :class:`custom_jvp` and :class:`custom_vjp` share: a wrapper of
    ``fun`` that calls it as it is unless a tracer is among the arguments, and
    else binds the subclass's ``primitive`` (once the rules are given)."""

    primitive: Primitive
    _how = ""  # the call that gives the rules, for the error without them

    def __init__(self, fun):
        self.fun = fun
        functools.update_wrapper(self, fun)

    def _has_rules(self) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, *args):
        if not any(isinstance(a, Tracer) for a in args):
            return self.fun(*args)
        if not self._has_rules():
            raise TypeError(
                f"{self.primitive.name} function {self.fun.__name__!r} has no rule: call .{self._how} first"
            )
        return self.primitive.bind(*args, fn=self)


custom_jvp_p = Primitive("custom_jvp", _custom_call_impl)


class custom_jvp(_CustomFunction):
    """A function with a user-supplied forward-mode rule.

    >>> import numpy as np, osculate as osc
    >>> @osc.custom_jvp
    ... def log1pexp(x):
    ...     return np.logaddexp(0.0, x)
    >>> @log1pexp.defjvp
    ... def _(primals, tangents):
    ...     (x,), (t,) = primals, tangents
    ...     return log1pexp(x), t * osc.numpy.expit(x)
    >>> float(osc.grad(log1pexp)(1000.0))
    1.0
    >>> float(osc.hessian(log1pexp)(0.0))  # reverse mode and nesting use the rule too
    0.25
    """

    primitive = custom_jvp_p
    _how = "defjvp(rule)"

    def __init__(self, fun):
        self.jvp_rule = None
        super().__init__(fun)

    def defjvp(self, jvp_rule):
        """Register ``jvp_rule(primals, tangents) -> (out, tangent_out)``."""
        self.jvp_rule = jvp_rule
        return jvp_rule

    def _has_rules(self):
        return self.jvp_rule is not None


@custom_jvp_p.def_jvp
def _custom_jvp_jvp(primals, tangents, fn):
    if all(t is zero for t in tangents):
        return custom_jvp_p.bind(*primals, fn=fn), zero
    return fn.jvp_rule(tuple(primals), _instantiate_all(primals, tangents))


@custom_jvp_p.def_vjp
def _custom_jvp_vjp(ct, out, primals, wants, fn):  # the transposed tangent map
    primals = tuple(primals)
    idx = [i for i, w in enumerate(wants) if w]

    def tangent_map(*ts):
        full = [zeros_like(p) for p in primals]
        for i, t in zip(idx, ts):
            full[i] = t
        return fn.jvp_rule(primals, tuple(full))[1]

    _, pullback = vjp(tangent_map, *[zeros_like(primals[i]) for i in idx])
    cts = pullback(ct)
    res = [None] * len(primals)
    for i, c in zip(idx, cts):
        res[i] = c
    return tuple(res)


# Under vmap a custom function is replaced by the custom function of its
# vmapped pieces, so the user's rules keep applying to every batch member.
@custom_jvp_p.def_rule("batch")
def _custom_jvp_batch(vals, batched, size, fn):
    axes = _axes(batched)
    k = len(vals)
    batched_fn = custom_jvp(vmap(fn.fun, in_axes=axes))
    batched_fn.defjvp(
        lambda p, t: vmap(lambda *pt: fn.jvp_rule(pt[:k], pt[k:]), in_axes=axes + axes)(*p, *t)
    )
    return batched_fn(*vals)


# Taylor mode through the user's rule: the output's derivative series
# y'(t) = J(x(t)) x'(t) is the rule evaluated by Taylor mode one order lower,
# then integrated, so every order respects the rule.
custom_jvp_p.def_rule("taylor", taylor_trace.jvp_rule(custom_jvp_p))
# the pattern of a custom function is the pattern of the function itself
custom_jvp_p.def_rule("sparsity", sparsity.call_rule(lambda params: params["fn"].fun))


custom_vjp_p = Primitive("custom_vjp", _custom_call_impl)


class custom_vjp(_CustomFunction):
    """A function with a user-supplied reverse-mode rule.

    ``fwd(*args) -> (out, residuals)`` and ``bwd(residuals, ct) -> tuple``
    (one cotangent per argument, ``None`` for non-differentiable ones).
    Write ``bwd`` with NumPy operations on its inputs and the Hessian works
    too (forward-over-reverse traces ``bwd``); forward mode is derived by
    transposing ``bwd``.

    >>> import numpy as np, osculate as osc
    >>> @osc.custom_vjp
    ... def square(x):
    ...     return x * x
    >>> square.defvjp(lambda x: (x * x, x), lambda x, ct: (2.0 * x * ct,))
    >>> float(osc.hessian(lambda x: np.sum(square(x)))(np.ones(1))[0, 0])
    2.0
    """

    primitive = custom_vjp_p
    _how = "defvjp(fwd, bwd)"

    def __init__(self, fun):
        self.fwd = None
        self.bwd = None
        super().__init__(fun)

    def defvjp(self, fwd, bwd):
        self.fwd = fwd
        self.bwd = bwd

    def _has_rules(self):
        return self.fwd is not None


def _custom_vjp_fwd(*primals, fn):
    """Used by the reverse trace: run ``fwd`` once and keep its residuals."""
    out, res = fn.fwd(*primals)
    return out, res


custom_vjp_p.def_rule("fwd", _custom_vjp_fwd)


@custom_vjp_p.def_vjp
def _custom_vjp_vjp(ct, out, primals, wants, fn, residuals=None):
    if residuals is None:
        _, residuals = fn.fwd(*primals)
    cts = fn.bwd(residuals, ct)
    if not isinstance(cts, (tuple, list)) or len(cts) != len(primals):
        raise TypeError(
            f"custom_vjp bwd of {fn.fun.__name__!r} must return a tuple with one cotangent per "
            f"argument ({len(primals)}), got {type(cts).__name__}"
        )
    return tuple(c if w else None for c, w in zip(cts, wants))


@custom_vjp_p.def_jvp
def _custom_vjp_jvp(primals, tangents, fn):  # J t = ∇_c <bwd(res, c), t>
    out, res = fn.fwd(*primals)
    if all(t is zero for t in tangents):
        return out, zero

    def pairing(c):  # Re(sum(c * t)), the pairing of complex cotangents and tangents (no conjugation)
        cts = fn.bwd(res, c)
        total = 0.0
        for cti, ti in zip(cts, tangents):
            if cti is not None and ti is not zero:
                total = total + osc_np.real(osc_np.sum(cti * ti))
        return total

    return out, grad(pairing)(zeros_like(out))


@custom_vjp_p.def_rule("batch")
def _custom_vjp_batch(vals, batched, size, fn):
    axes = _axes(batched)
    batched_fn = custom_vjp(vmap(fn.fun, in_axes=axes))

    def bwd(res, ct):
        cts = vmap(fn.bwd, in_axes=(0, 0))(res, ct)
        # arguments that were not batched receive the sum over the batch
        return tuple(c if (b or c is None) else osc_np.sum(c, axis=0) for c, b in zip(cts, batched))

    batched_fn.defvjp(vmap(fn.fwd, in_axes=axes), bwd)
    return batched_fn(*vals)


custom_vjp_p.def_rule("taylor", taylor_trace.jvp_rule(custom_vjp_p))  # the transposed bwd, as for custom_jvp
custom_vjp_p.def_rule("sparsity", sparsity.call_rule(lambda params: params["fn"].fun))
