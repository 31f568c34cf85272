"""User-facing transformations built from the two traces.

Everything here is a thin wrapper: ``jvp`` opens a forward trace, ``vjp``
opens a reverse trace and returns the backward sweep as a function, and
the second-order operators are compositions of the two.  Because each call
opens a fresh trace, any of them may be nested inside any other.
"""

from __future__ import annotations

import functools

import numpy as np

from .core import Tracer, new_trace, zero
from .forward import JVPTrace, JVPTracer
from .reverse import ReverseTrace, ReverseTracer, backward
from .tree import tree_flatten, tree_unflatten

__all__ = [
    "jvp", "vjp", "grad", "value_and_grad", "jacfwd", "jacrev", "hessian", "hvp", "vhv", "hessian_diagonal",
    "HVP_MODES",
]

HVP_MODES = ("fwd-rev", "rev-fwd", "fwd-fwd", "rev-rev")


# --------------------------------------------------------------------------- input checking


def _as_float_input(x, what):
    if isinstance(x, Tracer):
        dt = x.dtype
        arr = x
    else:
        arr = np.asarray(x)
        dt = arr.dtype
    if dt.kind != "f":
        if dt.kind in "iub":
            raise TypeError(
                f"{what} has integer/bool dtype {dt}; derivatives need floating-point inputs — "
                f"pass it as float, e.g. np.asarray(x, dtype=float)"
            )
        raise TypeError(f"{what} has dtype {dt}; osculate differentiates real floating-point arrays only")
    return arr


def _as_tangent(t, primal, what):
    t = t if isinstance(t, Tracer) else np.asarray(t, dtype=primal.dtype if primal.dtype.kind == "f" else float)
    if t.shape != primal.shape:
        raise ValueError(f"{what} has shape {t.shape} but the matching primal has shape {primal.shape}; they must match")
    return t


def _instantiate(t, primal):
    if t is zero:
        return np.zeros(np.shape(primal), dtype=getattr(primal, "dtype", np.float64))
    return t


# --------------------------------------------------------------------------- forward mode


def jvp(f, primals, tangents):
    """Forward mode: ``(f(*primals), J_f(primals) @ tangents)``.

    ``primals`` and ``tangents`` are tuples (of arrays or pytrees) of equal
    structure.

    >>> import numpy as np, osculate as osc
    >>> y, t = osc.jvp(np.sin, (0.0,), (2.0,))
    >>> float(y), float(t)
    (0.0, 2.0)
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp(f, primals, tangents): primals and tangents must be tuples, e.g. jvp(f, (x,), (v,))")
    p_leaves, p_tree = tree_flatten(tuple(primals))
    t_leaves, t_tree = tree_flatten(tuple(tangents))
    if p_tree != t_tree:
        raise ValueError("jvp: primals and tangents must have the same (pytree) structure")
    p_leaves = [_as_float_input(p, f"jvp primal #{i}") for i, p in enumerate(p_leaves)]
    t_leaves = [_as_tangent(t, p, f"jvp tangent #{i}") for i, (t, p) in enumerate(zip(t_leaves, p_leaves))]
    with new_trace(JVPTrace) as trace:
        ins = [JVPTracer(trace, p, t) for p, t in zip(p_leaves, t_leaves)]
        out = f(*tree_unflatten(p_tree, ins))
        o_leaves, o_tree = tree_flatten(out)
        outs, touts = [], []
        for o in o_leaves:
            if type(o) is JVPTracer and o._trace is trace:
                outs.append(o.primal)
                touts.append(o.tangent)
            else:
                o = o if isinstance(o, Tracer) else np.asarray(o)
                outs.append(o)
                touts.append(_instantiate(zero, o))
    return tree_unflatten(o_tree, outs), tree_unflatten(o_tree, touts)


# --------------------------------------------------------------------------- reverse mode


def vjp(f, *primals, has_aux=False):
    """Reverse mode: ``(f(*primals), vjp_fn)`` with ``vjp_fn(ct) -> tuple`` of
    cotangents, one per primal (same structure as the primals).

    >>> import numpy as np, osculate as osc
    >>> y, pullback = osc.vjp(lambda x: x ** 2, np.array([1.0, 2.0]))
    >>> pullback(np.ones(2))
    (array([2., 4.]),)
    """
    p_leaves, p_tree = tree_flatten(primals)
    p_leaves = [_as_float_input(p, f"argument #{i}") for i, p in enumerate(p_leaves)]
    with new_trace(ReverseTrace) as trace:
        ins = [trace.new_input(p) for p in p_leaves]
        out = f(*tree_unflatten(p_tree, ins))
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise TypeError("has_aux=True requires f to return a pair (output, aux)")
            out, aux = out
            aux = _lower(aux, trace)
        o_leaves, o_tree = tree_flatten(out)
        o_primals = [o.primal if (type(o) is ReverseTracer and o._trace is trace) else o for o in o_leaves]
    n_in = len(p_leaves)

    def vjp_fn(ct):
        c_leaves, c_tree = tree_flatten(ct)
        if c_tree != o_tree:
            raise ValueError("vjp_fn: the cotangent must have the structure of f's output")
        seeds = []
        for o, c, op in zip(o_leaves, c_leaves, o_primals):
            c = c if isinstance(c, Tracer) else np.asarray(c, dtype=getattr(op, "dtype", float))
            if np.shape(c) != np.shape(op):
                raise ValueError(f"vjp_fn: cotangent of shape {np.shape(c)} for an output of shape {np.shape(op)}")
            if type(o) is ReverseTracer and o._trace is trace:
                seeds.append((o, c))
        cts = backward(trace, seeds, n_in) if seeds else [None] * n_in
        res = [_instantiate(zero if c is None else c, p) for c, p in zip(cts, p_leaves)]
        return tree_unflatten(p_tree, res)

    out_val = tree_unflatten(o_tree, o_primals)
    return (out_val, vjp_fn, aux) if has_aux else (out_val, vjp_fn)


def _lower(tree, trace):
    leaves, td = tree_flatten(tree)
    return tree_unflatten(td, [x.primal if (type(x) is ReverseTracer and x._trace is trace) else x for x in leaves])


def _check_scalar(y, name):
    if y is None or isinstance(y, (tuple, list, dict)):
        raise TypeError(_not_a_scalar(y, name))
    shape = y.shape if hasattr(y, "shape") else np.shape(y)  # (np.shape of a tracer dispatches)
    if shape != ():
        raise TypeError(
            f"{name} requires f to return a scalar, but it returned shape {shape}; "
            "reduce it (e.g. np.sum) or use jacrev/jacfwd for vector outputs"
        )
    dt = y.dtype if hasattr(y, "dtype") else np.asarray(y).dtype
    if dt.kind != "f":
        raise TypeError(f"{name} requires a floating-point output, got dtype {dt}")


def _not_a_scalar(y, name):
    """The message for an ``f`` that returned a container (or None) where a scalar was needed."""
    from .tree import describe

    if isinstance(y, (tuple, list)) and len(y) == 1:
        fix = "return the scalar itself (return s, not (s,) or [s])"
    else:
        fix = "return a single scalar (e.g. lambda x: f(x)[0] to pick one output)"
    if name == "grad":
        fix += "; to return extra values next to it, use grad/value_and_grad(f, has_aux=True) with f returning (s, aux)"
    return f"{name} requires f to return a scalar, but it returned {describe(y)}; {fix}"


def _argnums_tuple(argnums):
    return (argnums,) if isinstance(argnums, int) else tuple(argnums)


def value_and_grad(f, argnums=0, has_aux=False):
    """Return a function computing ``(f(x), ∇f(x))`` with one reverse sweep.

    >>> import numpy as np, osculate as osc
    >>> value, g = osc.value_and_grad(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]))
    >>> float(value), g
    (9.0, array([ 3., 12.]))
    """
    nums = _argnums_tuple(argnums)

    @functools.wraps(f)
    def wrapped(*args):
        return _value_and_grad_at(f, argnums, nums, has_aux, args)

    return wrapped


def _value_and_grad_at(f, argnums, nums, has_aux, args):
    """``value_and_grad(f, argnums, has_aux)(*args)``; ``nums`` is ``argnums`` as a tuple."""
    for i in nums:
        if i >= len(args):
            raise TypeError(f"argnums={argnums} but f was called with {len(args)} positional argument(s)")
    if nums == (0,) and len(args) == 1:
        g, diff = f, args
    else:
        diff = tuple(args[i] for i in nums)

        def g(*d):
            full = list(args)
            for i, v in zip(nums, d):
                full[i] = v
            return f(*full)

    res = vjp(g, *diff, has_aux=has_aux)
    y, pullback = res[0], res[1]
    _check_scalar(y, "grad")
    cts = pullback(np.ones((), dtype=getattr(y, "dtype", np.float64)))
    g_out = cts[0] if isinstance(argnums, int) else cts
    if has_aux:
        return (y, res[2]), g_out
    return y, g_out


def _gradient_of(f):
    """``grad(f)`` for one argument, without the public wrapper's metadata copying
    (the transforms call it on every Hessian-vector product)."""
    return lambda x: _value_and_grad_at(f, 0, (0,), False, (x,))[1]


def grad(f, argnums=0, has_aux=False):
    """Gradient of a scalar function by reverse mode.

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda x: np.sum(np.sin(x)))(np.zeros(2))
    array([1., 1.])
    """
    vg = value_and_grad(f, argnums, has_aux)

    @functools.wraps(f)
    def wrapped(*args):
        (y_aux, g) = vg(*args)
        if has_aux:
            return g, y_aux[1]
        return g

    return wrapped


# --------------------------------------------------------------------------- Jacobians and Hessians
# Dense derivatives are one batched pass (vmap over basis vectors), optionally
# in chunks of ``chunk_size`` basis vectors to bound memory.


def _check_chunk(chunk_size, n):
    if chunk_size is None:
        return max(n, 1)
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or int(chunk_size) < 1:
        raise ValueError(f"chunk_size must be a positive integer, got {chunk_size}")
    return int(chunk_size)


# Where the work is n directional passes whatever the batching (the Hessian
# diagonal, forward-over-forward products and Hessians), the default chunk is
# bounded: one block of basis vectors holds at most this many numbers (8 MiB
# in float64), so the peak memory stays O(n) however large n is.
_BLOCK_NUMBERS = 1 << 20


def _bounded_chunk(chunk_size, n):
    """``chunk_size`` checked, or by default as many length-``n`` basis vectors
    as fit in ``_BLOCK_NUMBERS`` numbers (at least one, at most ``n``)."""
    if chunk_size is None:
        return max(1, min(n, _BLOCK_NUMBERS // max(n, 1)))
    return _check_chunk(chunk_size, n)


def _chunks(n, chunk_size, dtype):
    """Blocks of the identity, ``(k, n)`` each."""
    for start in range(0, n, chunk_size):
        stop = min(n, start + chunk_size)
        block = np.zeros((stop - start, n), dtype=dtype)
        block[np.arange(stop - start), np.arange(start, stop)] = 1.0
        yield block


def _stack_chunks(parts, axis):
    from .. import numpy as onp

    return parts[0] if len(parts) == 1 else onp.concatenate(parts, axis=axis)


def jacfwd(f, chunk_size=None):
    """Jacobian by forward mode: one batched JVP pass (vmap over the basis).

    The result has shape ``f(x).shape + x.shape``.

    >>> import numpy as np, osculate as osc
    >>> osc.jacfwd(lambda x: x ** 2)(np.array([1.0, 3.0]))
    array([[2., 0.],
           [0., 6.]])
    """
    from .batching import vmap

    def wrapped(x):
        x = _as_float_input(x, "jacfwd input")
        shape = tuple(x.shape)
        n = int(np.prod(shape))
        k = _check_chunk(chunk_size, n)

        def column(t):
            return jvp(f, (x,), (_reshape(t, shape),))[1]

        parts = [vmap(column, out_axes=-1)(block) for block in _chunks(n, k, x.dtype)]
        if not parts:
            y = f(x)
            return np.zeros(np.shape(y) + shape)
        jac = _stack_chunks(parts, -1)
        return _reshape(jac, tuple(jac.shape[:-1]) + shape)

    return wrapped


def jacrev(f, chunk_size=None):
    """Jacobian by reverse mode: one forward pass, one batched backward sweep.

    >>> import numpy as np, osculate as osc
    >>> osc.jacrev(lambda x: np.cumsum(x))(np.ones(2))
    array([[1., 0.],
           [1., 1.]])
    """
    from .batching import vmap

    def wrapped(x):
        x = _as_float_input(x, "jacrev input")
        y, pullback = vjp(f, x)
        yshape = tuple(np.shape(y))
        m = int(np.prod(yshape))
        k = _check_chunk(chunk_size, m)
        dtype = getattr(y, "dtype", np.float64)
        parts = [vmap(lambda c: pullback(_reshape(c, yshape))[0])(block) for block in _chunks(m, k, dtype)]
        if not parts:
            return np.zeros(yshape + tuple(x.shape))
        return _reshape(_stack_chunks(parts, 0), yshape + tuple(x.shape))

    return wrapped


def _reshape(a, shape):
    from .. import numpy as onp

    return onp.reshape(a, shape)


def hvp(f, x, v, mode="fwd-rev"):
    """Hessian-vector product ``∇²f(x) @ v`` without forming the Hessian.

    ``mode`` picks the nesting: ``"fwd-rev"`` (forward over reverse, the
    default: about the cost of a gradient), ``"rev-fwd"``, ``"rev-rev"``,
    or ``"fwd-fwd"`` (forward over forward: one second directional
    derivative ``eᵢᵀ H v`` per coordinate, so ``n`` directional passes; only
    sensible for small inputs, or where ``f`` has no reverse rules).  All
    four agree to rounding.

    Memory: the three modes with a reverse sweep need a few times the
    memory of ``f``.  ``"fwd-fwd"`` evaluates its ``n`` directions in
    batches of ``max(1, 2²⁰ // n)`` basis vectors generated one batch at a
    time, so a batch of basis vectors holds at most ``max(2²⁰, n)`` numbers
    and the peak is ``O(n)`` (``tests/test_memory_bounds.py`` runs its first
    passes at ``n = 10⁵`` with the address space capped at start-up +
    400 MB); its time grows as ``n`` passes of ``f``, so for large ``n`` use
    ``"fwd-rev"``.

    >>> import numpy as np, osculate as osc
    >>> f = lambda x: x[0] ** 2 * x[1]
    >>> osc.hvp(f, np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    array([4., 2.])
    """
    x = _as_float_input(x, "hvp point x")
    v = _as_tangent(v, x, "hvp direction v")
    f = _scalar_valued(f, "hvp")
    if mode == "fwd-rev":
        return jvp(_gradient_of(f), (x,), (v,))[1]
    if mode == "rev-fwd":
        return _gradient_of(lambda y: _scalar_out(jvp(f, (y,), (v,))[1], "hvp"))(x)
    if mode == "rev-rev":
        from .. import numpy as onp

        return _gradient_of(lambda y: onp.vdot(_gradient_of(f)(y), v))(x)
    if mode == "fwd-fwd":  # (e_i^T H v)_i: n second directional derivatives, batched in bounded chunks
        from .batching import vmap

        shape = tuple(x.shape)
        n = int(np.prod(shape))
        if n == 0:
            return np.zeros_like(x)
        fn = vmap(lambda e: _second_directional(f, x, _reshape(e, shape), v))
        parts = [fn(block) for block in _chunks(n, _bounded_chunk(None, n), x.dtype)]
        return _reshape(_stack_chunks(parts, 0), shape)
    raise ValueError(f"hvp: unknown mode {mode!r}; choose one of {HVP_MODES}")


def _scalar_valued(f, name):
    """``f`` with its output checked to be a float scalar (errors then name ``name``)."""

    def checked(*args):
        return _scalar_out(f(*args), name)

    return checked


def _scalar_out(y, name):
    _check_scalar(y, name)
    return y


def _second_directional(f, x, u, v):
    """``uᵀ ∇²f(x) v`` by forward over forward."""
    return jvp(lambda y: _scalar_out(jvp(f, (y,), (u,))[1], "vhv"), (x,), (v,))[1]


def vhv(f, x, v):
    """Directional second derivative ``vᵀ ∇²f(x) v = d²/dt² f(x + t v)`` at t=0,
    by forward over forward: about twice the cost of ``f``.

    >>> import numpy as np, osculate as osc
    >>> float(osc.vhv(lambda x: np.sum(x ** 3), np.array([1.0, 2.0]), np.array([1.0, 1.0])))
    18.0
    """
    x = _as_float_input(x, "vhv point x")
    v = _as_tangent(v, x, "vhv direction v")
    return _second_directional(f, x, v, v)


def hessian(f, mode="fwd-rev", chunk_size=None, symmetric=False):
    """Dense Hessian in one batched pass, exactly symmetric.

    ``mode`` picks the nesting (see :func:`hvp`).  The default,
    forward over reverse, runs the gradient once with a batch of basis
    tangents (``vmap``).  With ``chunk_size`` the gradient is linearised once
    (:func:`~osculate.linearize`) and its staged tangent operations are
    replayed for ``ceil(n / chunk_size)`` blocks of ``chunk_size`` tangents:
    peak memory is about the result plus one block's working set.  The result is symmetrised,
    ``(H + Hᵀ)/2``, so mixed partials computed along different paths agree
    to the last bit.

    ``symmetric=True`` returns a :class:`~osculate.linop.SymmetricMatrix`
    holding only the packed upper triangle (``n(n+1)/2`` numbers).  With
    ``mode="fwd-fwd"`` it also *computes* only the upper triangle: each mixed
    partial ``∂²f/∂xᵢ∂xⱼ`` (i ≤ j) is one forward-over-forward directional
    derivative, so ``n(n+1)/2`` instead of ``n²``.  Packing needs a concrete
    point: inside ``jit``, ``vmap`` or another derivative use the dense form.

    Memory: the result (``n²`` numbers, ``n(n+1)/2`` packed) plus one chunk's
    working set.  With the three modes that have a reverse sweep, a chunk is
    ``chunk_size`` basis vectors (default: all ``n`` in one pass, so the basis
    block is as large as the result).  With ``mode="fwd-fwd"`` the Hessian is
    always computed from its upper triangle, dense or packed, and a chunk is
    ``chunk_size`` entries, i.e. second directional derivatives (default
    ``max(1, 2²⁰ // n)``): two ``chunk_size × n`` basis blocks per pass.

    >>> import numpy as np, osculate as osc
    >>> osc.hessian(lambda x: x[0] ** 2 * x[1])(np.array([1.0, 2.0]))
    array([[4., 2.],
           [2., 0.]])
    >>> osc.hessian(lambda x: x[0] ** 2 * x[1], symmetric=True)(np.array([1.0, 2.0])).packed
    array([4., 2., 0.])
    """
    if mode not in HVP_MODES:
        raise ValueError(f"hessian: unknown mode {mode!r}; choose one of {HVP_MODES}")
    from .batching import vmap

    f = _scalar_valued(f, "hessian")

    def wrapped(x):
        x = _as_float_input(x, "hessian input")
        shape = tuple(x.shape)
        n = int(np.prod(shape))
        k = _check_chunk(chunk_size, n)
        if n == 0:
            return np.zeros(shape + shape)
        if symmetric and isinstance(x, Tracer):
            raise ValueError(
                "hessian(symmetric=True) packs a concrete matrix, but it was called inside another "
                "transformation (jit, vmap, grad...); use symmetric=False there (the dense result is "
                "exactly symmetric) and pack the result outside with SymmetricMatrix.from_dense"
            )
        if mode == "fwd-fwd":
            return _hessian_by_forward_forward(f, x, n, chunk_size, symmetric)
        if mode == "fwd-rev":
            g = grad(f)
            col = lambda e: jvp(g, (x,), (_reshape(e, shape),))[1]  # noqa: E731
        elif mode == "rev-fwd":
            col = lambda e: hvp(f, x, _reshape(e, shape), "rev-fwd")  # noqa: E731
        elif mode == "rev-rev":
            _, pullback = vjp(grad(f), x)
            col = lambda e: pullback(_reshape(e, shape))[0]  # noqa: E731
        if mode == "fwd-rev" and k < n and not isinstance(x, Tracer):
            # several chunks share one linearised gradient: the primal work is done
            # once, each chunk replays only the staged tangent operations
            from .staging import linearize

            flat = lambda z: f(_reshape(z, shape))  # noqa: E731
            _, hvp_fn = linearize(grad(flat), np.ravel(x))
            rows = (hvp_fn.batch(block) for block in _chunks(n, k, x.dtype))
        else:
            rows = (_reshape(vmap(col)(block), (block.shape[0], n)) for block in _chunks(n, k, x.dtype))
        if not isinstance(x, Tracer):
            return _assemble_hessian(rows, n, shape, x.dtype, symmetric)
        h = _stack_chunks(list(rows), 0)  # inside another transformation: stay functional
        return _reshape(0.5 * (h + h.T), shape + shape)

    return wrapped


def _assemble_hessian(rows, n, shape, dtype, symmetric, block=128):
    """Place row blocks into their final storage as they are computed, so the
    peak memory is the result plus one chunk's working set.

    Dense: rows go into one preallocated ``n × n`` array, symmetrised in place
    block pair by block pair.  Packed (``symmetric=True``): only each row's
    upper part is kept (the upper triangle defines the symmetric matrix).
    """
    if symmetric:
        from ..linop.symmetric import SymmetricMatrix

        packed = np.empty(n * (n + 1) // 2, dtype=dtype)
        start = i = 0
        for part in rows:
            part = np.asarray(part)
            for r in part:
                packed[start:start + n - i] = r[i:]
                start += n - i
                i += 1
        return SymmetricMatrix(packed, n)
    h = np.empty((n, n), dtype=dtype)
    i = 0
    for part in rows:
        part = np.asarray(part)
        h[i:i + part.shape[0]] = part
        i += part.shape[0]
    for a in range(0, n, block):  # h = (h + hᵀ)/2 without a second n × n array
        ea = min(n, a + block)
        d = h[a:ea, a:ea]
        d[...] = 0.5 * (d + d.T)
        for b in range(ea, n, block):
            eb = min(n, b + block)
            avg = 0.5 * (h[a:ea, b:eb] + h[b:eb, a:ea].T)
            h[a:ea, b:eb] = avg
            h[b:eb, a:ea] = avg.T
    return h.reshape(shape + shape)


def _upper_pairs(n, step):
    """The index pairs ``(i, j)``, ``i <= j``, of the upper triangle in packed
    (row-major) order, ``step`` pairs at a time: O(step + n) memory each."""
    starts = np.zeros(n + 1, dtype=np.int64)  # packed position where row i begins
    np.cumsum(np.arange(n, 0, -1, dtype=np.int64), out=starts[1:])
    total = int(starts[-1])
    for s in range(0, total, step):
        pos = np.arange(s, min(total, s + step), dtype=np.int64)
        i = np.searchsorted(starts, pos, side="right") - 1
        yield i, i + (pos - starts[i])


def _unit_rows(idx, n, dtype):
    """``len(idx) × n`` block whose row ``r`` is the basis vector ``e_{idx[r]}``."""
    block = np.zeros((idx.size, n), dtype=dtype)
    block[np.arange(idx.size), idx] = 1.0
    return block


def _hessian_by_forward_forward(f, x, n, chunk_size, symmetric):
    """The Hessian from its upper triangle, one forward-over-forward second
    directional derivative ``eᵢᵀ H eⱼ`` (i ≤ j) per entry, ``chunk_size``
    entries per batched pass (default ``max(1, 2²⁰ // n)``).

    Each pass builds two ``chunk_size × n`` basis blocks, so the memory is the
    result plus ``O(chunk_size · n)``.  Concrete points fill the dense or
    packed result in place; inside another transformation the packed values
    are gathered into the dense matrix (exactly symmetric either way).
    """
    from .batching import vmap

    shape = tuple(x.shape)
    step = _bounded_chunk(chunk_size, n) if chunk_size is not None else max(1, _BLOCK_NUMBERS // n)
    fn = vmap(lambda u, v: _second_directional(f, x, _reshape(u, shape), _reshape(v, shape)))
    entries = ((i, j, fn(_unit_rows(i, n, x.dtype), _unit_rows(j, n, x.dtype))) for i, j in _upper_pairs(n, step))
    if isinstance(x, Tracer):  # stay functional: gather the packed values into place
        packed = _stack_chunks([vals for _, _, vals in entries], 0)
        r = np.minimum.outer(np.arange(n), np.arange(n))
        c = np.maximum.outer(np.arange(n), np.arange(n))
        where = r * n - r * (r - 1) // 2 + (c - r)  # packed position of (min, max)
        return _reshape(packed[where], shape + shape)
    if symmetric:
        from ..linop.symmetric import SymmetricMatrix

        packed = np.empty(n * (n + 1) // 2, dtype=x.dtype)
        start = 0
        for _, _, vals in entries:
            packed[start:start + np.size(vals)] = vals
            start += np.size(vals)
        return SymmetricMatrix(packed, n)
    h = np.empty((n, n), dtype=x.dtype)
    for i, j, vals in entries:
        vals = np.asarray(vals)
        h[i, j] = vals
        h[j, i] = vals
    return h.reshape(shape + shape)


HESSIAN_DIAGONAL_METHODS = ("auto", "dense-chunks", "coloring")


def _detection_budget(n):
    """Entries one index set may hold while the diagonal detects a pattern
    (8 bytes each): enough for the banded and block patterns of
    ``osculate.testing.sparse_problems``, far below the n² of a dense one."""
    return 64 * n + (1 << 22)


def hessian_diagonal(f, x, chunk_size=None, method="auto"):
    """The exact diagonal ``∂²f/∂xᵢ²`` of the Hessian, without forming it.

    Two ways to get it, chosen by ``method``:

    ``"dense-chunks"``
        one forward-over-forward second directional derivative per basis
        vector, ``chunk_size`` of them per batched pass, each block of basis
        vectors generated only when its pass runs.  Time: ``n`` directional
        passes.  Memory: ``O(chunk_size · n)``; the default ``chunk_size`` is
        ``max(1, 2²⁰ // n)`` (at most ``n``), so a basis block holds at most
        ``max(2²⁰, n)`` numbers and the peak is ``O(n)``.
    ``"coloring"``
        detects the Hessian's sparsity pattern at ``x`` (local detection:
        one extra call of ``f`` with index sets), colours its adjacency
        graph so that no two variables coupled by a nonzero ``Hᵢⱼ`` share a
        colour (a distance-1 colouring: for the diagonal this is enough),
        and reads ``Hᵢᵢ`` from one Hessian-vector product (forward over
        reverse) per colour, ``chunk_size`` colours per pass.  Memory:
        ``O(n)`` for the pattern (detection gives up once one index set
        would exceed ``64 n + 2²²`` entries) plus ``O(chunk_size · n)`` for the
        products.  A tridiagonal Hessian needs 2 colours at any ``n``.
    ``"auto"`` (default)
        one dense pass when all ``n`` basis vectors fit in one chunk;
        otherwise colouring when detection succeeds within its budget and
        needs at most ``n / 4`` colours, else dense chunks.  Inside another
        transformation (``jit``, ``vmap``, ``grad``) it always uses dense
        chunks, since detection needs a concrete point.

    Checked by ``tests/test_memory_bounds.py`` at ``n = 10⁵`` with the
    address space capped at start-up + 400 MB (``n² · 8`` bytes would be
    80 GB): the colouring diagonal of chained Rosenbrock runs to the end;
    dense chunks run their first passes (every pass repeats the first's
    allocations; the whole run is ``O(n²)`` time).  Measured by
    ``benchmarks/bench_diagonal.py`` at ``n = 10⁶``: chained Rosenbrock's
    diagonal by colouring in about 3 s (most of it detection), traced peak
    448 bytes per variable.

    >>> import numpy as np, osculate as osc
    >>> osc.hessian_diagonal(lambda x: np.sum(x ** 3) + x[0] * x[1], np.array([1.0, 2.0]))
    array([ 6., 12.])
    >>> rosen = lambda x: np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    >>> x = np.linspace(-1.0, 1.0, 6)
    >>> d = osc.hessian_diagonal(rosen, x, method="coloring")
    >>> bool(np.allclose(d, np.diag(osc.hessian(rosen)(x))))
    True
    """
    if method not in HESSIAN_DIAGONAL_METHODS:
        raise ValueError(f"hessian_diagonal: unknown method {method!r}; choose one of {HESSIAN_DIAGONAL_METHODS}")
    x = _as_float_input(x, "hessian_diagonal input")
    shape = tuple(x.shape)
    n = int(np.prod(shape))
    k = _bounded_chunk(chunk_size, n)
    if n == 0:
        return np.zeros(shape)
    f = _scalar_valued(f, "hessian_diagonal")
    if method == "coloring" or (method == "auto" and n > k and not isinstance(x, Tracer)):
        d = _diagonal_by_coloring(f, x, shape, n, k, required=method == "coloring")
        if d is not None:
            return d
    return _diagonal_by_chunks(f, x, shape, n, k)


def _diagonal_by_chunks(f, x, shape, n, k):
    """``eᵢᵀ H eᵢ`` for every basis vector, ``k`` per batched pass."""
    from .batching import vmap

    fn = vmap(lambda e: _second_directional(f, x, _reshape(e, shape), _reshape(e, shape)))
    parts = [fn(block) for block in _chunks(n, k, x.dtype)]
    return _reshape(_stack_chunks(parts, 0), shape)


def _diagonal_by_coloring(f, x, shape, n, k, required):
    """The diagonal from one Hessian-vector product per colour of a distance-1
    colouring of the pattern, or None (``required=False``) when detection
    fails or colouring would not pay."""
    from ..sparse import detect
    from .batching import vmap

    if isinstance(x, Tracer):
        raise ValueError(
            "hessian_diagonal(method='coloring') detects the sparsity pattern at a concrete point, but it "
            "was called inside another transformation (jit, vmap, grad...); use method='dense-chunks' there"
        )
    try:
        with detect.entry_budget(_detection_budget(n)):
            pattern = detect.hessian_sparsity(f, x, mode="local")
    except detect._BudgetExceeded as err:
        if required:
            raise ValueError(
                f"hessian_diagonal(method='coloring'): the Hessian is too dense to colour in O(n) memory "
                f"({err}); use method='dense-chunks'"
            ) from None
        return None
    except Exception:  # noqa: BLE001 - auto: any detection failure means "use the chunks"
        if required:
            raise
        return None
    colors, n_colors = _adjacency_colors(pattern)
    if not required and 4 * n_colors > n:
        return None
    # variables sorted by colour: colour c owns by_color[bounds[c]:bounds[c + 1]]
    by_color = np.argsort(colors, kind="stable")
    bounds = np.searchsorted(colors[by_color], np.arange(n_colors + 1))
    g = _gradient_of(f)
    products = vmap(lambda s: jvp(g, (x,), (_reshape(s, shape),))[1])
    d = np.empty(n, dtype=x.dtype)
    for c0 in range(0, n_colors, k):
        c1 = min(n_colors, c0 + k)
        members = by_color[bounds[c0]:bounds[c1]]
        rows = colors[members] - c0
        seeds = np.zeros((c1 - c0, n), dtype=x.dtype)  # column c of the seed matrix S, as rows
        seeds[rows, members] = 1.0
        hs = np.asarray(_reshape(products(seeds), (c1 - c0, n)))
        d[members] = hs[rows, members]  # no other variable of its colour couples to a member
    return d.reshape(shape)


def _adjacency_colors(pattern):
    """A greedy distance-1 colouring of the pattern's adjacency graph: ``i != j``
    with a structural ``Hᵢⱼ`` get different colours.  (That separates every
    diagonal entry in ``H @ S``, though not the off-diagonal ones.)  It is the
    column colouring of the incidence matrix, one row per off-diagonal pair:
    two variables share a row exactly when they are coupled."""
    import scipy.sparse as sps

    from ..sparse import column_coloring

    upper = sps.triu(sps.coo_matrix(pattern), k=1)
    m = upper.nnz
    rows = np.concatenate((np.arange(m), np.arange(m)))
    cols = np.concatenate((upper.row, upper.col))
    incidence = sps.csr_matrix((np.ones(2 * m, dtype=bool), (rows, cols)), shape=(m, pattern.shape[0]))
    result = column_coloring(incidence)
    return np.asarray(result.colors), int(result.n_colors)
