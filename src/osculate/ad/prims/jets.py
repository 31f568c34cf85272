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
from ..core import Primitive, UnsupportedFunctionError, zero
from .arithmetic import add_tangents
from .structural import broadcast_to, shape_of, unbroadcast

__all__ = ["jmul", "jexp", "jrecip", "power_series", "memo", "elementwise"]


@functools.lru_cache(maxsize=None)
def product_table(dims):
    """The 0/1 matrix M with ``(f g)_c = Σ M[c, (d, e)] f_d g_e`` for jets of the orders
    ``dims`` flattened to ``prod(dims)`` coefficients."""
    index = list(itertools.product(*(range(n) for n in dims)))
    flat = {ix: k for k, ix in enumerate(index)}
    n = len(index)
    table = np.zeros((n, n * n))
    for c in index:
        for d in itertools.product(*(range(i + 1) for i in c)):
            table[flat[c], flat[d] * n + flat[tuple(i - j for i, j in zip(c, d))]] = 1.0
    return table


def jmul(f, g, nvars=2):
    """Product of two jets in ``nvars`` variables (the leading ``nvars`` axes)."""
    f, g = np.broadcast_arrays(f, g)
    dims = f.shape[:nvars]
    n = math.prod(dims)
    if n == 1:
        return f * g
    outer = f.reshape(n, 1, -1) * g.reshape(1, n, -1)
    return (product_table(dims) @ outer.reshape(n * n, -1)).reshape(f.shape)


def _degree(f, nvars):
    """One more than the highest total degree a jet holds (its nilpotent part's index)."""
    return sum(n - 1 for n in f.shape[:nvars]) + 1


def power_series(f, coef, nvars=2):
    """``Σₘ coef[m] gᵐ`` with ``g = f - f₀`` (nilpotent: ``m`` below :func:`_degree`)."""
    origin = (0,) * nvars
    g = f.copy()
    g[origin] = 0.0
    out = np.zeros_like(f)
    out[origin] = coef[0]
    power = None
    for m in range(1, _degree(f, nvars)):
        power = g if power is None else jmul(power, g, nvars)
        out += coef[m] * power
    return out


def jexp(f, nvars=2):
    n = _degree(f, nvars)
    return np.exp(f[(0,) * nvars]) * power_series(f, [1.0 / math.factorial(m) for m in range(n)], nvars)


def jrecip(f, nvars=2):
    n = _degree(f, nvars)
    r = 1.0 / f[(0,) * nvars]
    return power_series(f * r, [(-1.0) ** m for m in range(n)], nvars) * r


_MEMO: collections.OrderedDict = collections.OrderedDict()
_MEMO_FLOATS = 2_000_000  # at most this many numbers kept (16 MB), the least recently used go first
_MEMO_LOCK = threading.Lock()


def memo(key, need, floor, compute):
    """The derivatives table ``compute(*size)`` for ``key``, of a size at least ``need``
    and ``floor`` (tuples, one order per variable): transforms ask for the same point
    again and again (each Taylor or nested-forward level for the next derivative, a
    Hessian for each pair of arguments), and one table serves them all."""
    with _MEMO_LOCK:
        hit = _MEMO.get(key)
        if hit is not None and all(h >= n for h, n in zip(hit[0], need)):
            _MEMO.move_to_end(key)
            return hit[1]
    size = tuple(max(n, f) for n, f in zip(need, floor))
    if hit is not None:  # grow by one beyond the last size: the next request is likely the next order
        size = tuple(max(s, h + (i == 0 or f > 1)) for i, (s, h, f) in enumerate(zip(size, hit[0], floor)))
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


def constant_argument(function, what):
    """The partial derivative of ``scipy.special.function`` in an argument that is a
    constant (an order, a count, a parameter with no derivative available): an error
    that names it."""

    def d(*args, **params):
        raise UnsupportedFunctionError(
            f"scipy.special.{function}: {what} is a constant: it cannot be differentiated "
            "(pass it as a number or an array)"
        )

    return d


def reads_output(p):
    """``p``'s partials read its output: reverse mode keeps the output on its tape."""
    p.def_rule("residuals", lambda wants: ((True,) * len(wants), True))
    return p
