"""Rematerialisation: trade recomputation for memory in reverse mode.

``checkpoint(f)`` makes ``f`` a single primitive from the point of view of an
enclosing reverse pass: the tape records its inputs and output only, and the
backward sweep re-runs ``f`` under a fresh reverse trace to get its
cotangents.  The recomputation happens inside the sweep, with whatever outer
transformations are active, so second derivatives through a checkpointed
function are exact (forward over reverse re-traces it).
"""

from __future__ import annotations

import functools

from .core import Primitive, Tracer, zero

__all__ = ["checkpoint"]

checkpoint_p = Primitive("checkpoint", lambda *args, fun: fun(*args))


@checkpoint_p.def_jvp
def _checkpoint_jvp(primals, tangents, fun):
    from .transforms import jvp

    if all(t is zero for t in tangents):
        return checkpoint_p.bind(*primals, fun=fun), zero
    ts = tuple(_zeros(p) if t is zero else t for p, t in zip(primals, tangents))
    return jvp(fun, tuple(primals), ts)


@checkpoint_p.def_vjp
def _checkpoint_vjp(ct, out, primals, wants, fun):
    from .transforms import vjp

    _, pullback = vjp(fun, *primals)  # recompute the intermediates now
    cts = pullback(ct)
    return tuple(c if w else None for c, w in zip(cts, wants))


@checkpoint_p.def_rule("batch")
def _checkpoint_batch(vals, batched, size, fun):
    from .batching import vmap

    return checkpoint(vmap(fun, in_axes=tuple(0 if b else None for b in batched)))(*vals)


def _zeros(p):
    import numpy as np

    return np.zeros(p.shape, dtype=p.dtype)


def checkpoint(fun):
    """Wrap ``fun`` (array arguments, one array output) so reverse mode stores
    only its inputs and recomputes its intermediates during the backward sweep.

    >>> import numpy as np, osculate as osc
    >>> layer = osc.checkpoint(lambda x: np.tanh(np.tanh(x)))
    >>> x = np.array([0.3, -0.2])
    >>> np.allclose(osc.hvp(lambda z: np.sum(layer(z) ** 2), x, np.ones(2)),
    ...             osc.hvp(lambda z: np.sum(np.tanh(np.tanh(z)) ** 2), x, np.ones(2)))
    True
    """

    @functools.wraps(fun)
    def wrapped(*args):
        if not any(isinstance(a, Tracer) for a in args):
            return fun(*args)
        return checkpoint_p.bind(*args, fun=fun)

    return wrapped


def _install_sparsity_rules():
    from ..sparse import detect as D

    checkpoint_p.def_rule("sparsity", D.call_rule(lambda params: params["fun"]))


_install_sparsity_rules()


# --------------------------------------------------------------------------- taylor rules
# Taylor mode has no tape to save: run the checkpointed function under it.

def _install_taylor_rules():
    from . import taylor as T

    checkpoint_p.def_rule("taylor", T.call_rule(lambda params: params["fun"]))


_install_taylor_rules()
