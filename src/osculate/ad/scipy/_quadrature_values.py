"""The plain values inside traced ones, for the integrators that choose their
points from the integrand's values (quad, tanhsinh, nsum, cubature): the
value and every derivative part that forward mode carries already, with
``vmap``'s batch axes moved to the end."""

from __future__ import annotations

import numpy as _np

from ..batching import BatchTracer as _BatchTracer
from ..core import ConcretizationError as _ConcretizationError
from ..core import Tracer as _Tracer
from ..core import concrete as _concrete
from ..core import zero as _zero
from ..forward import JVPTracer as _JVPTracer
from ..reverse import ReverseTracer as _ReverseTracer
from ..taylor_trace import TaylorTracer as _TaylorTracer


def _value_or_none(v):
    """The concrete value of ``v``, or None where there is none (jit, vmap): value checks are skipped there."""
    try:
        return _np.asarray(_concrete(v))
    except _ConcretizationError:
        return None


def _limit_values(v):
    """The plain value(s) of a limit under any number of tracer layers (a
    batch of them under vmap); None inside jit."""
    while isinstance(v, _Tracer):
        if isinstance(v, _BatchTracer):
            v = v.val
        elif isinstance(v, (_JVPTracer, _ReverseTracer, _TaylorTracer)):
            v = v.primal
        else:
            return _value_or_none(v)
    return _np.asarray(v, dtype=float)


def _components(v, path=()):
    """``{path: (plain array, number of batch axes)}``: the value and every
    derivative part that the tracer layers of ``v`` carry already (forward
    tangents, Taylor coefficients), with ``vmap``'s batch axes moved to the
    end; the value's path is made of "p" steps only."""
    if isinstance(v, _JVPTracer):
        out = _components(v.primal, path + ("p",))
        tangent = v.tangent_value()
        if tangent is not _zero:
            out.update(_components(tangent, path + ("t",)))
        return out
    if isinstance(v, _TaylorTracer):
        out = _components(v.primal, path + ("p",))
        for i, c in enumerate(v.series):
            if c is not _zero:
                out.update(_components(c, path + (f"s{i}",)))
        return out
    if isinstance(v, _ReverseTracer):
        return _components(v.primal, path)
    if isinstance(v, _BatchTracer):
        found = _components(v.val, path)
        return {k: (_np.moveaxis(c, 0, -1), nb + 1) for k, (c, nb) in found.items()}  # (val's batch axis is first)
    if isinstance(v, _Tracer):
        return {path: (_np.asarray(_concrete(v)), 0)}  # (raises under jit: quad needs values)
    return {path: (_np.asarray(v), 0)}


def _is_value_path(path):
    return all(step == "p" for step in path)


def primal(v):
    """``(plain value, number of batch axes)`` of ``v`` (its value part, batch axes at the end)."""
    for path, found in _components(v).items():
        if _is_value_path(path):
            return found
    raise AssertionError("no value part")  # (every tracer has one)
