"""Linearisation: evaluate once, then apply the Jacobian many times cheaply.

``linearize(f, x)`` is :func:`~osculate.jit` applied to the tangent map
``t -> J_f(x) t`` with the point ``x`` held fixed.  Staging runs forward mode
once; everything that depends only on ``x`` -- all the primal work -- is
constant there and is folded away, so the staged program holds only the
linear operations on the tangent.  ``jvp_fn`` replays that program for any
tangent, and ``jvp_fn.batch`` a batched version of it (one program per block
size) for a whole block of tangents at once.

Because ``x`` is a constant rather than a staged argument, ``f`` may branch on
the values of ``x`` freely: only the tangent is staged, and nothing branches
on a tangent.

Applied to a gradient this gives a Hessian operator whose products cost a
fraction of independent Hessian-vector products (see
:func:`osculate.hessian_operator`).
"""

from __future__ import annotations

import numpy as np

from .arguments import FlatPoint
from .batching import vmap
from .core import Tracer
from .forward import jvp
from .jit import jit
from .util import as_float_input

__all__ = ["linearize"]


def linearize(f, x, *, argnums=None, has_aux=False):
    """``(f(x), jvp_fn)`` where ``jvp_fn(t) = J_f(x) @ t`` replays a staged program.

    Creating the linearisation costs one forward-mode pass (which also
    stages it); each ``jvp_fn`` call costs only the linear operations.
    ``jvp_fn.batch(T)`` applies it to every row of ``T`` in one batched
    replay.  With ``x`` a tracer of an enclosing transformation nothing is
    staged: ``jvp_fn`` runs forward mode each time.

    ``x`` may be a pytree: then ``jvp_fn`` takes a tangent of its structure
    and ``jvp_fn.batch`` a tree of that structure whose leaves have one more
    leading axis (the ``k`` tangents).  With ``argnums`` (an int or a tuple)
    ``x`` is the tuple of all positional arguments of ``f``; the others are
    held fixed, and the tangent has the structure of the picked argument (a
    tuple of them for a tuple).  The output of ``f`` may be a pytree too.
    With ``has_aux=True``, ``f`` returns ``(output, aux)`` and the result is
    the triple ``(output, jvp_fn, aux)``.

    >>> import numpy as np, osculate as osc
    >>> y, jvp_fn = osc.linearize(lambda x: np.sin(x) * x, np.array([0.0, 1.0]))
    >>> jvp_fn(np.array([1.0, 0.0]))
    array([0., 0.])
    >>> bool(np.allclose(jvp_fn(np.array([0.0, 1.0])), [0.0, np.sin(1.0) + np.cos(1.0)]))
    True
    >>> y, jvp_fn = osc.linearize(lambda p, c: c * p["a"] ** 2, ({"a": np.array([1.0, 2.0])}, 3.0), argnums=0)
    >>> jvp_fn({"a": np.array([1.0, 1.0])})
    array([ 6., 12.])
    """
    point = FlatPoint(f, x, argnums, "linearize")
    x = as_float_input(point.x, "linearize point x", allow_complex=True)
    g = point.f
    shape = tuple(x.shape)
    primal = []

    def tangent_map(t):
        res = jvp(g, (x,), (t,), has_aux=has_aux)
        if not primal:
            primal.append(res)  # f(x) does not depend on t: kept from the staging call
        return res[1]

    if isinstance(x, Tracer):  # under another transformation: no staging
        one, many = tangent_map, vmap(tangent_map)
    else:
        one, many = jit(tangent_map), jit(vmap(tangent_map))
    one(np.zeros(shape, dtype=x.dtype))  # stages the single-tangent program, computes f(x)

    def jvp_fn(t):
        t = point.vector(t, "the tangent")
        t = t if isinstance(t, Tracer) else np.asarray(t, dtype=x.dtype)
        if tuple(t.shape) != shape:
            raise ValueError(f"jvp_fn: tangent of shape {tuple(t.shape)} for a point of shape {shape}")
        return one(t)

    def jvp_batch(T):
        """``jvp_fn`` for every row of ``T`` (shape ``(k,) + x.shape``) in one replay."""
        T = np.asarray(point.vectors(T, "the tangents"), dtype=x.dtype)
        if tuple(T.shape[1:]) != shape:
            raise ValueError(f"jvp_batch: tangents of shape {tuple(T.shape)}; expected (k,) + {shape}")
        return many(T)

    jvp_fn.batch = jvp_batch
    y = primal[0][0]
    return (y, jvp_fn, primal[0][2]) if has_aux else (y, jvp_fn)
