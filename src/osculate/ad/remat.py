"""Rematerialisation: trade recomputation for memory in reverse mode.

``checkpoint(f)`` makes ``f`` a single primitive from the point of view of an
enclosing reverse pass: the tape records its inputs and outputs only, and the
backward sweep re-runs ``f`` under a fresh reverse trace to get its
cotangents.  Values that ``f`` closes over and an enclosing transformation
traces are lifted into inputs first (``f`` staged once per call,
:func:`osculate.ad.jit.stage_replayable`), since the rules run ``f`` under
transformations of their own, which must not meet the enclosing one's tracers.

Every rule of the primitive binds *another* checkpoint: the forward rule is
the checkpointed function ``(primals, tangents) -> (outputs, tangents)`` and
the reverse rule the checkpointed pullback ``(primals, cotangents) ->
input cotangents``.  So whichever transformation wraps the one that meets the
checkpoint first -- reverse over forward, reverse over reverse, forward over
reverse -- it too records one call instead of the function's intermediates,
and second derivatives through a checkpointed function stay exact.
"""

from __future__ import annotations

import functools

import numpy as np

from .batching import vmap
from .core import ConcretizationError, Primitive, Tracer, new_trace, zero
from .forward import jvp
from .jit import NotStageable, Replayable, example_value, stage_replayable
from .reverse import vjp
from .taylor_trace import TaylorTrace, lift, lower
from .util import zeros_like

__all__ = ["checkpoint"]


def _call_flat(*args, fun):
    return tuple(fun(*args))


# ``fun`` always returns a tuple of arrays here; checkpoint() unwraps single outputs.
checkpoint_p = Primitive("checkpoint", _call_flat, multiple_results=True)


def _filled(values, likes):
    return tuple(zeros_like(p) if v is zero or v is None else v for v, p in zip(values, likes))


def _per_function(make):
    """``make(fun, *key)`` cached per function (so the checkpoints its rules
    bind are the same objects on every call), except for a function staged
    for one call (:func:`_lifted`) and the functions made from it, whose
    cached entries would only keep its constants alive."""
    cached = functools.lru_cache(maxsize=256)(make)

    @functools.wraps(make)
    def get(fun, *key):
        if type(fun) is Replayable or getattr(fun, "per_call", False):
            derived = make(fun, *key)
            derived.per_call = True
            return derived
        return cached(fun, *key)

    get.cache_info = cached.cache_info
    return get


@_per_function
def _jvp_of(fun, n_in):
    """The checkpointed function ``(*primals, *tangents) -> (*outs, *out_tangents)``."""
    def jvp_fun(*args):
        outs, touts = jvp(fun, tuple(args[:n_in]), tuple(args[n_in:]))
        return tuple(outs) + tuple(touts)

    return jvp_fun


@_per_function
def _vjp_of(fun, n_in):
    """The checkpointed pullback ``(*primals, *cts) -> input cotangents``: it
    recomputes ``fun``'s intermediates when it runs."""
    def vjp_fun(*args):
        _, pullback = vjp(fun, *args[:n_in])
        return tuple(pullback(tuple(args[n_in:])))

    return vjp_fun


@checkpoint_p.def_jvp
def _checkpoint_jvp(primals, tangents, fun):
    n = len(primals)
    if all(t is zero for t in tangents):
        outs = checkpoint_p.bind(*primals, fun=fun)
        return outs, (zero,) * len(outs)
    both = checkpoint_p.bind(*primals, *_filled(tangents, primals), fun=_jvp_of(fun, n))
    k = len(both) // 2
    return both[:k], both[k:]


@checkpoint_p.def_vjp
def _checkpoint_vjp(cts, outs, primals, wants, fun):
    in_cts = checkpoint_p.bind(*primals, *_filled(cts, outs), fun=_vjp_of(fun, len(primals)))
    return tuple(c if w else None for c, w in zip(in_cts, wants))


@checkpoint_p.def_rule("batch")
def _checkpoint_batch(vals, batched, size, fun):
    return checkpoint_p.bind(*vals, fun=_vmapped(fun, tuple(0 if b else None for b in batched)))


@_per_function
def _vmapped(fun, in_axes):
    return vmap(fun, in_axes=in_axes)


@checkpoint_p.def_rule("taylor")
def _checkpoint_taylor(primals, series, order, fun):
    """Taylor mode has no tape to save: run the checkpointed function under it."""
    with new_trace(TaylorTrace, order) as trace:
        res = fun(*[lift(trace, p, s) for p, s in zip(primals, series)])
        lowered = [lower(trace, r, order) for r in res]
    return tuple(p for p, _ in lowered), tuple(s for _, s in lowered)


@checkpoint_p.def_rule("sparsity")
def _checkpoint_sparsity(trace, args, outs, fun):  # the pattern of the function itself
    res = fun(*args)
    return tuple(trace.deps_or_empty(r, int(np.prod(np.shape(o)))) for r, o in zip(res, outs))


def checkpoint(fun):
    """Wrap ``fun`` (array arguments; one array or a tuple of arrays out) so
    reverse mode stores only its inputs and recomputes its intermediates
    during the backward sweep -- also when the reverse pass is the outer one
    of a second-order nesting.

    ``fun`` may close over values the enclosing derivative traces (a layer's
    weights): each call then stages ``fun`` once (one evaluation at the
    call's values) to make them extra inputs of the checkpoint, and ``fun``
    must not branch on values with Python control flow (a ``TypeError`` says
    so; pass such values as arguments instead).  Without such closures
    ``fun`` runs as it is, Python control flow included.

    >>> import numpy as np, osculate as osc
    >>> layer = osc.checkpoint(lambda x: np.tanh(np.tanh(x)))
    >>> x = np.array([0.3, -0.2])
    >>> np.allclose(osc.hvp(lambda z: np.sum(layer(z) ** 2), x, np.ones(2)),
    ...             osc.hvp(lambda z: np.sum(np.tanh(np.tanh(z)) ** 2), x, np.ones(2)))
    True
    """
    single = []

    def flat(*args):
        out = fun(*args)
        if isinstance(out, tuple):
            return out
        single.append(True)
        return (out,)

    @functools.wraps(fun)
    def wrapped(*args):
        if not any(isinstance(a, Tracer) for a in args):
            return fun(*args)
        if _closes_over_tracers(fun):
            replay, captured = _lifted(flat, args)
            outs = checkpoint_p.bind(*args, *captured, fun=replay)
        else:
            outs = checkpoint_p.bind(*args, fun=flat)
        return outs[0] if single else outs

    return wrapped


def _closes_over_tracers(fun, depth=2):
    """Whether ``fun``'s closure holds a traced value (directly, or in a tuple,
    list or dict it holds, or in the closure of a function it holds, to
    ``depth`` levels)."""
    def holds(v, d):
        if isinstance(v, Tracer):
            return True
        if d <= 0:
            return False
        if isinstance(v, (tuple, list)):
            return any(holds(x, d - 1) for x in v)
        if isinstance(v, dict):
            return any(holds(x, d - 1) for x in v.values())
        if callable(v) and getattr(v, "__closure__", None):
            return _closes_over_tracers(v, d - 1)
        return False

    for cell in getattr(fun, "__closure__", None) or ():
        try:
            v = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if holds(v, depth):
            return True
    return False


def _lifted(flat, args):
    """``(replay, captured)``: ``flat`` staged once at ``args`` with the traced
    values it closes over turned into extra inputs, so the checkpoint's rules
    -- which run the function again under transformations of their own --
    never meet a tracer of the enclosing one (``replay(*args, *captured)`` is
    ``flat(*args)``)."""
    try:
        replay, captured = stage_replayable(lambda ins: flat(*ins), list(args), example_value)
    except (NotStageable, ConcretizationError) as err:
        raise TypeError(
            "osculate.checkpoint: the function closes over traced values (parameters of the enclosing "
            "derivative), so it is staged once to make them inputs, and then it must not branch on values "
            f"with Python control flow nor contain cond/while_loop/scan ({err}); pass those values as "
            "arguments instead: checkpoint(lambda h, w: ...)(h, w)"
        ) from None
    return replay, captured
