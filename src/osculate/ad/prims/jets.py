"""Truncated Taylor arithmetic in plain NumPy ("jets"), a cache for the
tables of derivatives computed with it, and the factory of the elementwise
primitives whose derivatives are families of such tables.

A jet is an array ``c`` of shape ``(n1, n2) + S``: ``c[i, l]`` is the
coefficient of ``ε₁ⁱ ε₂ˡ`` (``∂ⁱ∂ˡ f / (i! l!)``) at each of the points ``S``,
truncated to ``i < n1``, ``l < n2`` (a rectangle: products stay in it).  The
special functions whose parameter derivatives have no closed form
(:mod:`.incomplete`, :mod:`.hypergeometric`) run their series and continued
fractions in this arithmetic.
"""

from __future__ import annotations

import collections
import functools
import itertools
import math
import threading

import numpy as np

from .. import sparsity, taylor_trace
from ..batching import elementwise_batch
from ..core import Primitive, zero
from .arithmetic import add_tangents
from .structural import broadcast_to, shape_of, unbroadcast

__all__ = ["jmul", "jexp", "jrecip", "power_series", "memo", "elementwise"]


@functools.lru_cache(maxsize=None)
def product_table(n1, n2):
    """The 0/1 matrix M with ``(f g)_c = Σ M[c, (d, e)] f_d g_e`` for jets flattened to n1·n2 coefficients."""
    n = n1 * n2
    table = np.zeros((n, n * n))
    for i, l, p, q in itertools.product(range(n1), range(n2), range(n1), range(n2)):
        if p <= i and q <= l:
            table[i * n2 + l, (p * n2 + q) * n + (i - p) * n2 + (l - q)] = 1.0
    return table


def jmul(f, g):
    """Product of two jets."""
    f, g = np.broadcast_arrays(f, g)
    n1, n2 = f.shape[:2]
    n = n1 * n2
    if n == 1:
        return f * g
    outer = f.reshape(n, 1, -1) * g.reshape(1, n, -1)
    return (product_table(n1, n2) @ outer.reshape(n * n, -1)).reshape(f.shape)


def power_series(f, coef):
    """``Σₘ coef[m] gᵐ`` with ``g = f - f[0, 0]`` (nilpotent: ``m < n1 + n2 - 1``)."""
    g = f.copy()
    g[0, 0] = 0.0
    out = np.zeros_like(f)
    out[0, 0] = coef[0]
    power = None
    for m in range(1, f.shape[0] + f.shape[1] - 1):
        power = g if power is None else jmul(power, g)
        out += coef[m] * power
    return out


def jexp(f):
    n = f.shape[0] + f.shape[1] - 1
    return np.exp(f[0, 0]) * power_series(f, [1.0 / math.factorial(m) for m in range(n)])


def jrecip(f):
    n = f.shape[0] + f.shape[1] - 1
    r = 1.0 / f[0, 0]
    return power_series(f * r, [(-1.0) ** m for m in range(n)]) * r


_MEMO: collections.OrderedDict = collections.OrderedDict()
_MEMO_FLOATS = 2_000_000  # at most this many numbers kept (16 MB), the least recently used go first
_MEMO_LOCK = threading.Lock()


def memo(key, need, floor, compute):
    """The derivatives table ``compute(n1, n2)`` for ``key``, of a size at least ``need``
    and ``floor`` (pairs): transforms ask for the same point again and again (each
    Taylor or nested-forward level for the next derivative, a Hessian for each pair of
    arguments), and one table serves them all."""
    with _MEMO_LOCK:
        hit = _MEMO.get(key)
        if hit is not None and hit[0][0] >= need[0] and hit[0][1] >= need[1]:
            _MEMO.move_to_end(key)
            return hit[1]
    size = (max(need[0], floor[0]), max(need[1], floor[1]))
    if hit is not None:  # grow by one beyond the last size: the next request is likely the next order
        size = (max(size[0], hit[0][0] + 1), max(size[1], hit[0][1] + (floor[1] > 1)))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # (extreme inputs: inf or nan, as SciPy)
        table = compute(*size)
    with _MEMO_LOCK:
        _MEMO[key] = (size, table)
        while len(_MEMO) > 1 and sum(t.size for _, t in _MEMO.values()) > _MEMO_FLOATS:
            _MEMO.popitem(last=False)
        if table.size > _MEMO_FLOATS:
            _MEMO.pop(key, None)
    return table


def elementwise(name, impl, partials):
    """An elementwise broadcasting primitive from ``partials(i, args, out, **params)``,
    its derivative in argument ``i`` written with primitives: jvp and vjp from them,
    Taylor mode from the jvp, elementwise batching, nonlinear sparsity."""
    p = Primitive(name, impl)

    @p.def_jvp
    def jvp(primals, tangents, **params):
        out = p.bind(*primals, **params)
        t = zero
        for i, ti in enumerate(tangents):
            if ti is not zero:
                t = add_tangents(t, ti * partials(i, primals, out, **params))
        if t is zero:
            return out, zero
        return out, (t if shape_of(t) == shape_of(out) else broadcast_to(t, shape_of(out)))

    @p.def_vjp
    def vjp(ct, out, primals, wants, **params):
        return tuple(unbroadcast(ct * partials(i, primals, out, **params), shape_of(v)) if w else None
                     for i, (v, w) in enumerate(zip(primals, wants)))

    p.def_rule("residuals", lambda wants: ((True,) * len(wants), False))  # the partials read the inputs only
    p.def_rule("batch", elementwise_batch(p))
    p.def_rule("taylor", taylor_trace.jvp_rule(p))
    p.def_rule("sparsity", sparsity.nonlinear_rule)
    return p
