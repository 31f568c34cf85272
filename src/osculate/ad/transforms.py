"""User-facing transformations built from the two differentiating traces.

Everything here is a thin wrapper: :func:`jvp` (forward mode, beside its
trace in :mod:`osculate.ad.forward`) and :func:`vjp` (reverse mode,
:mod:`osculate.ad.reverse`) are re-exported, and the gradients, Jacobians and
second-order operators are compositions of the two.  Because each call
opens a fresh trace, any of them may be nested inside any other.
"""

from __future__ import annotations

import functools

import numpy as np

from . import numpy as osc_np
from .arguments import FlatPoint, argnums_tuple as _argnums_tuple, is_one_array, split_aux, substitute
from .batching import vmap
from .core import Tracer
from .forward import jvp
from .packed import SymmetricMatrix
from .ravel import ravel_pytree
from .reverse import vjp, vjp_once
from .staging import linearize
from .tree import tree_flatten, tree_unflatten
from .util import (
    BLOCK_NUMBERS, COMPLEX_HINT, as_float_input, as_tangent, basis_blocks, bounded_chunk, check_chunk, check_scalar,
    scalar_out,
)

__all__ = [
    "jvp", "vjp", "grad", "value_and_grad", "jacfwd", "jacrev", "hessian", "hvp", "vhv", "diagonal_by_chunks",
    "basis_diagonal", "stack_blocks", "HVP_MODES",
]

HVP_MODES = ("fwd-rev", "rev-fwd", "fwd-fwd", "rev-rev")


# --------------------------------------------------------------------------- gradients


def value_and_grad(f, argnums=0, has_aux=False, holomorphic=False):
    """Return a function computing ``(f(x), ∇f(x))`` with one reverse sweep.

    For complex inputs and a real ``f`` the gradient is ``∂f/∂x − i ∂f/∂y``
    (JAX's convention: step along its conjugate to descend); with
    ``holomorphic=True``, ``f`` complex-valued and holomorphic, it is the
    complex derivative ``f'(z)``.  See docs/engine.md, "Complex numbers".

    >>> import numpy as np, osculate as osc
    >>> value, g = osc.value_and_grad(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]))
    >>> float(value), g
    (9.0, array([ 3., 12.]))
    """
    nums = _argnums_tuple(argnums)

    @functools.wraps(f)
    def wrapped(*args):
        return _value_and_grad_at(f, argnums, nums, has_aux, args, holomorphic)

    return wrapped


def _value_and_grad_at(f, argnums, nums, has_aux, args, holomorphic=False, value=True, tangent_only=False):
    """``value_and_grad(f, argnums, has_aux)(*args)``; ``nums`` is ``argnums`` as a tuple.
    ``value=False``: the value is dropped before the backward sweep (``None``
    in its place), and with it whatever it alone keeps alive (the pending
    tangents of forward over reverse, :class:`~osculate.ad.forward.Pending`)."""
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

    if holomorphic:
        _check_holomorphic_inputs(diff, "grad")
    res = vjp_once(g, *diff, has_aux=has_aux, tangent_only=tangent_only)  # (the pullback runs once, below)
    y, pullback = res[0], res[1]
    aux = res[2] if has_aux else None
    if holomorphic:
        _check_complex_scalar(y, "grad")
    else:
        check_scalar(y, "grad")
    seed = np.array(1, dtype=getattr(y, "dtype", np.float64))
    if not value:
        y = res = None
    cts = pullback(seed)
    g_out = cts[0] if isinstance(argnums, int) else cts
    if has_aux:
        return (y, aux), g_out
    return y, g_out


def _gradient_of(f, has_aux=False, tangent_only=False):
    """``grad(f, has_aux=has_aux)`` for one argument, without the public
    wrapper's metadata copying (the transforms call it on every
    Hessian-vector product).  ``tangent_only``: the caller keeps only the
    gradient's tangent (forward over reverse; see
    :func:`osculate.ad.reverse.vjp_once`)."""
    if not has_aux:
        return lambda x: _value_and_grad_at(f, 0, (0,), False, (x,), value=False, tangent_only=tangent_only)[1]

    def gradient(x):
        (_, aux), g = _value_and_grad_at(f, 0, (0,), True, (x,), value=False, tangent_only=tangent_only)
        return g, aux

    return gradient


def grad(f, argnums=0, has_aux=False, holomorphic=False):
    """Gradient of a scalar function by reverse mode (complex inputs: see
    :func:`value_and_grad`).

    >>> import numpy as np, osculate as osc
    >>> osc.grad(lambda x: np.sum(np.sin(x)))(np.zeros(2))
    array([1., 1.])
    """
    vg = value_and_grad(f, argnums, has_aux, holomorphic)

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


def _over_trees(single, array_transform, f, argnums, has_aux, second):
    """A dense derivative of ``f`` with ``argnums``, ``has_aux`` and pytrees.

    ``single`` is the transform of ``f`` itself, used unchanged for the plain
    call (one array or list argument, ``argnums=0``, no aux).  Otherwise the
    differentiated arguments are raveled into one vector, ``array_transform``
    is applied to ``f`` as a function of that vector (with its output raveled
    too, for a Jacobian), and the matrix is split into blocks by
    :func:`_split_blocks`.  ``second`` marks a Hessian: the rows then follow
    the differentiated arguments as well.
    """
    _argnums_tuple(argnums)
    plain = isinstance(argnums, int) and argnums == 0 and not has_aux

    def wrapped(*args):
        if plain and len(args) == 1 and is_one_array(args[0]):
            return single(*args)
        diff, call_f = substitute(f, args, argnums)
        flat, unravel = ravel_pytree(diff)

        def call(d):
            return split_aux(call_f(d), has_aux)

        if second:
            out_tree, aux = (diff, call(diff)[1]) if has_aux else (diff, None)
            mat = array_transform(lambda v: call(unravel(v))[0])(flat)
        else:
            out_tree, aux = call(diff)  # one evaluation, for the structure of the output
            mat = array_transform(lambda v: ravel_pytree(call(unravel(v))[0])[0])(flat)
        blocks = _split_blocks(mat, out_tree, diff)
        return (blocks, aux) if has_aux else blocks

    return wrapped


def _split_blocks(mat, out_tree, in_tree):
    """The rows and columns of ``mat`` (raveled ``out_tree`` by raveled
    ``in_tree``) as nested blocks: ``out_tree``'s structure outside,
    ``in_tree``'s inside, each block of shape ``out_leaf.shape + in_leaf.shape``."""
    out_leaves, out_def = tree_flatten(out_tree)
    in_leaves, in_def = tree_flatten(in_tree)
    in_shapes = [tuple(np.shape(leaf)) for leaf in in_leaves]
    outer, r = [], 0
    for leaf in out_leaves:
        so = tuple(np.shape(leaf))
        mo = int(np.prod(so, dtype=np.int64))
        inner, c = [], 0
        for si in in_shapes:
            ni = int(np.prod(si, dtype=np.int64))
            inner.append(osc_np.reshape(mat[r:r + mo, c:c + ni], so + si))
            c += ni
        outer.append(tree_unflatten(in_def, inner))
        r += mo
    return tree_unflatten(out_def, outer)


def stack_blocks(parts, axis):
    """The per-block results of a chunked computation, joined along ``axis``."""
    return parts[0] if len(parts) == 1 else osc_np.concatenate(parts, axis=axis)


def jacfwd(f, argnums=0, has_aux=False, chunk_size=None, holomorphic=False):
    """Jacobian by forward mode: one batched JVP pass (vmap over the basis).

    The result has shape ``f(x).shape + x.shape``.  A complex output of a
    real input gives the complex Jacobian; a complex input needs
    ``holomorphic=True`` (the complex derivative of a holomorphic ``f``).

    ``argnums`` (an int or a tuple) picks the differentiated positional
    arguments; the others are passed through.  Arguments and outputs may be
    pytrees: the result then nests blocks as JAX does, the output structure
    outside and the input structure inside, each block of shape
    ``out_leaf.shape + in_leaf.shape``.  With ``has_aux=True``, ``f`` returns
    ``(output, aux)`` and the result is ``(jacobian, aux)``.  A single list
    argument is read as one array, as before.

    >>> import numpy as np, osculate as osc
    >>> osc.jacfwd(lambda x: x ** 2)(np.array([1.0, 3.0]))
    array([[2., 0.],
           [0., 6.]])
    >>> J = osc.jacfwd(lambda p, c: p["a"] * c, argnums=0)({"a": np.array([1.0, 2.0])}, 3.0)
    >>> J["a"]
    array([[3., 0.],
           [0., 3.]])
    """
    return _over_trees(_jacfwd_array(f, chunk_size, holomorphic), lambda g: _jacfwd_array(g, chunk_size, holomorphic),
                       f, argnums, has_aux, second=False)


def _jacfwd_array(f, chunk_size, holomorphic):
    """:func:`jacfwd` of a function of one array."""
    def wrapped(x):
        x = _jacobian_input(x, "jacfwd", holomorphic)
        shape = tuple(x.shape)
        n = int(np.prod(shape))
        k = check_chunk(chunk_size, n)

        def column(t):
            return jvp(f, (x,), (osc_np.reshape(t, shape),))[1]

        parts = [vmap(column, out_axes=-1)(block) for block in basis_blocks(n, k, x.dtype)]
        if not parts:
            y = f(x)
            return np.zeros(np.shape(y) + shape)
        jac = stack_blocks(parts, -1)
        return osc_np.reshape(jac, tuple(jac.shape[:-1]) + shape)

    return wrapped


def jacrev(f, argnums=0, has_aux=False, chunk_size=None, holomorphic=False):
    """Jacobian by reverse mode: one forward pass, one batched backward sweep
    (complex values as in :func:`jacfwd`; a complex output of a real input
    takes a second sweep, for the imaginary part).  ``argnums``,
    ``has_aux`` and pytree arguments and outputs as in :func:`jacfwd`.

    >>> import numpy as np, osculate as osc
    >>> osc.jacrev(lambda x: np.cumsum(x))(np.ones(2))
    array([[1., 0.],
           [1., 1.]])
    >>> dx, dy = osc.jacrev(lambda x, y: x * y, argnums=(0, 1))(2.0, 5.0)
    >>> float(dx), float(dy)
    (5.0, 2.0)
    """
    return _over_trees(_jacrev_array(f, chunk_size, holomorphic), lambda g: _jacrev_array(g, chunk_size, holomorphic),
                       f, argnums, has_aux, second=False)


def _jacrev_array(f, chunk_size, holomorphic):
    """:func:`jacrev` of a function of one array."""
    def wrapped(x):
        x = _jacobian_input(x, "jacrev", holomorphic)
        y, pullback = vjp(f, x)
        yshape = tuple(np.shape(y))
        m = int(np.prod(yshape))
        k = check_chunk(chunk_size, m)
        dtype = getattr(y, "dtype", np.float64)
        row = lambda c: pullback(osc_np.reshape(c, yshape))[0]  # noqa: E731
        if dtype.kind == "c" and x.dtype.kind != "c":  # real input: Re and -Im of each row, by two sweeps
            row = lambda c, r=row: r(c) - 1j * r(1j * c)  # noqa: E731
        parts = [vmap(row)(block) for block in basis_blocks(m, k, dtype)]
        if not parts:
            return np.zeros(yshape + tuple(x.shape))
        return osc_np.reshape(stack_blocks(parts, 0), yshape + tuple(x.shape))

    return wrapped


def hvp(f, x, v, mode="fwd-rev", *, argnums=None, has_aux=False):
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

    Pytrees and ``argnums``: ``x`` may be a pytree (a dict, tuple,
    dataclass...) and ``v`` a tree of the same structure; the product then
    has that structure too (it is computed on the raveled vector,
    :func:`~osculate.ravel_pytree`).  With ``argnums`` (an int or a tuple),
    ``x`` is the tuple of *all* positional arguments of ``f``: those not
    picked pass through untouched (data arrays, ints, strings), and ``v``
    has the structure of the picked argument (an int) or is a tuple with one
    tree per picked argument (a tuple).  With ``has_aux=True``, ``f``
    returns ``(value, aux)`` and the result is ``(product, aux)``, ``aux``
    as ``f`` returned it at ``x`` (no tracers).

    >>> import numpy as np, osculate as osc
    >>> f = lambda x: x[0] ** 2 * x[1]
    >>> osc.hvp(f, np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    array([4., 2.])
    >>> nll = lambda b, X: np.sum(np.log1p(np.exp(X @ b["w"])))
    >>> X = np.array([[1.0, 0.0], [1.0, 1.0]])
    >>> osc.hvp(nll, ({"w": np.zeros(2)}, X), {"w": np.array([1.0, 0.0])}, argnums=0)
    {'w': array([0.5 , 0.25])}
    """
    point = FlatPoint(f, x, argnums, "hvp")
    x = as_float_input(point.x, "hvp point x")
    v = as_tangent(point.vector(v, "the direction v"), x, "hvp direction v")
    hv, aux = _hvp_array(_with_aux(point.f, has_aux, "hvp"), x, v, mode, has_aux)
    hv = point.tree_of(hv)
    return (hv, aux) if has_aux else hv


def _hvp_array(f, x, v, mode, has_aux):
    """``(∇²f(x) v, aux)`` for ``f`` returning ``(scalar, aux)`` (see :func:`_with_aux`)."""
    if mode == "fwd-rev":
        # (only the gradient's tangent is kept: the sweep leaves out what its primal alone needs)
        return jvp(_gradient_of(f, has_aux=True, tangent_only=True), (x,), (v,), has_aux=True)[1:]
    if mode == "rev-fwd":
        return _gradient_of(lambda y: jvp(f, (y,), (v,), has_aux=True)[1:], has_aux=True)(x)
    if mode == "rev-rev":
        def along_v(y):
            g, aux = _gradient_of(f, has_aux=True)(y)
            return osc_np.sum(g * v), aux  # vᵀ g (real: g and v have x's shape and dtype kind)

        return _gradient_of(along_v, has_aux=True)(x)
    if mode == "fwd-fwd":  # (e_i^T H v)_i: n second directional derivatives, batched in bounded chunks
        aux = f(x)[1] if has_aux else None  # one more evaluation, beside the n passes
        value = lambda y: f(y)[0]  # noqa: E731
        shape = tuple(x.shape)
        n = int(np.prod(shape))
        if n == 0:
            return np.zeros_like(x), aux
        fn = vmap(lambda e: _second_directional(value, x, osc_np.reshape(e, shape), v))
        parts = [fn(block) for block in basis_blocks(n, bounded_chunk(None, n), x.dtype)]
        return osc_np.reshape(stack_blocks(parts, 0), shape), aux
    raise ValueError(f"hvp: unknown mode {mode!r}; choose one of {HVP_MODES}")


def _scalar_valued(f, name):
    """``f`` with its output checked to be a float scalar (errors then name ``name``)."""

    def checked(*args):
        return scalar_out(f(*args), name)

    return checked


def _with_aux(f, has_aux, name):
    """``f`` returning ``(scalar, aux)``: its output checked to be a float
    scalar (errors name ``name``), ``aux`` its second output with
    ``has_aux``, else ``None``."""

    def checked(*args):
        value, aux = split_aux(f(*args), has_aux)
        return scalar_out(value, name), aux

    return checked


def _second_directional(f, x, u, v):
    """``uᵀ ∇²f(x) v`` by forward over forward."""
    return jvp(lambda y: scalar_out(jvp(f, (y,), (u,))[1], "vhv"), (x,), (v,))[1]


def vhv(f, x, v, *, argnums=None):
    """Directional second derivative ``vᵀ ∇²f(x) v = d²/dt² f(x + t v)`` at t=0,
    by forward over forward: about twice the cost of ``f``.

    ``x`` may be a pytree with ``v`` of the same structure, and ``argnums``
    picks the differentiated arguments when ``x`` is the tuple of all of
    ``f``'s positional arguments, as in :func:`hvp`.

    >>> import numpy as np, osculate as osc
    >>> float(osc.vhv(lambda x: np.sum(x ** 3), np.array([1.0, 2.0]), np.array([1.0, 1.0])))
    18.0
    >>> float(osc.vhv(lambda p, c: c * p["a"] ** 2, ({"a": 3.0}, 5.0), {"a": 1.0}, argnums=0))
    10.0
    """
    point = FlatPoint(f, x, argnums, "vhv")
    x = as_float_input(point.x, "vhv point x")
    v = as_tangent(point.vector(v, "the direction v"), x, "vhv direction v")
    return _second_directional(point.f, x, v, v)


def hessian(f, argnums=0, has_aux=False, mode="fwd-rev", chunk_size=None, symmetric=False, holomorphic=False):
    """Dense Hessian in one batched pass, exactly symmetric.

    The input is real (a real-valued ``f`` of complex variables has the
    real Hessian :func:`~osculate.real_hessian` and the Wirtinger forms
    :func:`~osculate.wirtinger_hessian`), unless ``holomorphic=True``: then
    ``f`` is a holomorphic function of a complex input and the result is
    its complex second derivative (``mode`` "fwd-rev" only).

    ``mode`` picks the nesting (see :func:`hvp`).  The default,
    forward over reverse, runs the gradient once with a batch of basis
    tangents (``vmap``).  With ``chunk_size`` the gradient is linearised once
    (:func:`~osculate.linearize`) and its staged tangent operations are
    replayed for ``ceil(n / chunk_size)`` blocks of ``chunk_size`` tangents:
    peak memory is about the result plus one block's working set.  The result is symmetrised,
    ``(H + Hᵀ)/2``, so mixed partials computed along different paths agree
    to the last bit.

    ``symmetric=True`` returns a :class:`~osculate.SymmetricMatrix`
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

    ``argnums`` and ``has_aux`` as in :func:`jacfwd`: several positional
    arguments, the undifferentiated ones passed through, pytree arguments.
    With ``argnums=(0, 1)`` the result is ``((H00, H01), (H10, H11))``; for a
    dict argument it is a dict of dicts, block ``[a][b]`` of shape
    ``a.shape + b.shape``.  With ``symmetric=True`` and pytrees or
    ``argnums`` the Hessian of the raveled arguments is assembled packed (with
    ``mode="fwd-fwd"`` only its upper triangle is computed) and the dense
    blocks are read from it: the result is blocks, not a
    :class:`~osculate.SymmetricMatrix` (that needs one array argument).

    >>> nll = lambda b, X, y: np.sum(np.log1p(np.exp(X @ b)) - y * (X @ b))
    >>> X, y = np.array([[1.0, 0.0], [1.0, 1.0]]), np.array([0.0, 1.0])
    >>> osc.hessian(nll, argnums=0)(np.zeros(2), X, y)
    array([[0.5 , 0.25],
           [0.25, 0.25]])
    """
    if mode not in HVP_MODES:
        raise ValueError(f"hessian: unknown mode {mode!r}; choose one of {HVP_MODES}")

    def array_hessian(g):
        h = _hessian_array(g, mode, chunk_size, symmetric, holomorphic)
        return (lambda v: h(v).to_dense()) if symmetric else h  # blocks are read from the packed matrix

    single = _hessian_array(f, mode, chunk_size, symmetric, holomorphic)
    return _over_trees(single, array_hessian, f, argnums, has_aux, second=True)


def _hessian_array(f, mode, chunk_size, symmetric, holomorphic):
    """:func:`hessian` of a function of one array."""
    original, f = f, _scalar_valued(f, "hessian")

    def wrapped(x):
        if holomorphic:
            return _holomorphic_hessian(original, x, mode, symmetric)
        x = as_float_input(x, "hessian input")
        shape = tuple(x.shape)
        n = int(np.prod(shape))
        k = check_chunk(chunk_size, n)
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
            g = _gradient_of(f, tangent_only=True)  # (only the gradient's tangent is read)
            col = lambda e: jvp(g, (x,), (osc_np.reshape(e, shape),))[1]  # noqa: E731
        elif mode == "rev-fwd":
            col = lambda e: hvp(f, x, osc_np.reshape(e, shape), "rev-fwd")  # noqa: E731
        elif mode == "rev-rev":
            _, pullback = vjp(grad(f), x)
            col = lambda e: pullback(osc_np.reshape(e, shape))[0]  # noqa: E731
        if mode == "fwd-rev" and k < n and not isinstance(x, Tracer):
            # several chunks share one linearised gradient: the primal work is done
            # once, each chunk replays only the staged tangent operations
            flat = lambda z: f(osc_np.reshape(z, shape))  # noqa: E731
            _, hvp_fn = linearize(grad(flat), np.ravel(x))
            rows = (hvp_fn.batch(block) for block in basis_blocks(n, k, x.dtype))
        else:
            rows = (osc_np.reshape(vmap(col)(block), (block.shape[0], n)) for block in basis_blocks(n, k, x.dtype))
        if not isinstance(x, Tracer):
            return _assemble_hessian(rows, n, shape, x.dtype, symmetric)
        h = stack_blocks(list(rows), 0)  # inside another transformation: stay functional
        return osc_np.reshape(0.5 * (h + h.T), shape + shape)

    return wrapped


def _check_holomorphic_inputs(xs, name):
    for x in xs:
        dtype = x.dtype if hasattr(x, "dtype") else np.asarray(x).dtype
        if dtype.kind != "c":
            raise TypeError(
                f"{name}(holomorphic=True) needs complex inputs, got {dtype}; "
                "pass a complex array (x + 0j), or drop holomorphic=True for a real input"
            )


def _check_complex_scalar(y, name):
    dtype = y.dtype if hasattr(y, "dtype") else np.asarray(y).dtype
    if np.shape(y) != () or dtype.kind != "c":
        raise TypeError(
            f"{name}(holomorphic=True) needs f to return a complex scalar, got shape {np.shape(y)} and dtype {dtype}"
        )


def _jacobian_input(x, name, holomorphic):
    x = as_float_input(x, f"{name} input", allow_complex=True)
    if holomorphic and x.dtype.kind != "c":
        _check_holomorphic_inputs((x,), name)
    if x.dtype.kind == "c" and not holomorphic:
        raise TypeError(
            f"{name} of a function of a complex input needs holomorphic=True (its complex derivative); "
            f"for a non-holomorphic f, {COMPLEX_HINT}"
        )
    return x


def _holomorphic_hessian(f, x, mode, symmetric):
    if mode != "fwd-rev" or symmetric:
        raise ValueError("hessian(holomorphic=True) supports mode='fwd-rev' and symmetric=False only")
    _check_holomorphic_inputs((x,), "hessian")
    return jacfwd(grad(f, holomorphic=True), holomorphic=True)(x)


def _assemble_hessian(rows, n, shape, dtype, symmetric, block=128):
    """Place row blocks into their final storage as they are computed, so the
    peak memory is the result plus one chunk's working set.

    Dense: rows go into one preallocated ``n × n`` array, symmetrised in place
    block pair by block pair.  Packed (``symmetric=True``): only each row's
    upper part is kept (the upper triangle defines the symmetric matrix).
    """
    if symmetric:
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
    shape = tuple(x.shape)
    step = bounded_chunk(chunk_size, n) if chunk_size is not None else max(1, BLOCK_NUMBERS // n)
    fn = vmap(lambda u, v: _second_directional(f, x, osc_np.reshape(u, shape), osc_np.reshape(v, shape)))
    entries = ((i, j, fn(_unit_rows(i, n, x.dtype), _unit_rows(j, n, x.dtype))) for i, j in _upper_pairs(n, step))
    if isinstance(x, Tracer):  # stay functional: gather the packed values into place
        packed = stack_blocks([vals for _, _, vals in entries], 0)
        r = np.minimum.outer(np.arange(n), np.arange(n))
        c = np.maximum.outer(np.arange(n), np.arange(n))
        where = r * n - r * (r - 1) // 2 + (c - r)  # packed position of (min, max)
        return osc_np.reshape(packed[where], shape + shape)
    if symmetric:
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


def diagonal_by_chunks(f, x, chunk_size=None):
    """The exact diagonal ``∂²f/∂xᵢ²`` of the Hessian by forward over forward:
    ``eᵢᵀ H eᵢ`` for every basis vector, ``chunk_size`` of them per batched
    pass, each block of basis vectors generated only when its pass runs.

    Time: ``n`` directional passes.  Memory: ``O(chunk_size · n)``; the
    default ``chunk_size`` is ``max(1, 2²⁰ // n)`` (at most ``n``), so the
    peak is ``O(n)``.  The engine of ``osculate.hessian_diagonal(f, x,
    method="dense-chunks")`` (:mod:`osculate.analysis.trace`), which offers
    the other methods too.

    >>> import numpy as np
    >>> from osculate.ad.transforms import diagonal_by_chunks
    >>> diagonal_by_chunks(lambda x: np.sum(x ** 3) + x[0] * x[1], np.array([1.0, 2.0]))
    array([ 6., 12.])
    """
    f = _scalar_valued(f, "hessian_diagonal")
    return basis_diagonal(x, chunk_size, lambda x, e: _second_directional(f, x, e, e))


def basis_diagonal(x, chunk_size, entry):
    """``entry(x, e)`` for every basis vector ``e`` (shaped like ``x``), in
    batched passes (``vmap``) of ``chunk_size`` vectors, each block generated
    only when its pass runs, and shaped like ``x``: the loop of the exact
    Hessian diagonals (:func:`diagonal_by_chunks`,
    :func:`osculate.ad.taylor.diagonal_by_taylor`).  ``chunk_size=None``
    takes as many vectors as fit in 2²⁰ numbers."""
    x = as_float_input(x, "hessian_diagonal input")
    shape = tuple(x.shape)
    n = int(np.prod(shape))
    k = bounded_chunk(chunk_size, n)
    if n == 0:
        return np.zeros(shape)
    fn = vmap(lambda e: entry(x, osc_np.reshape(e, shape)))
    parts = [fn(block) for block in basis_blocks(n, k, x.dtype)]
    return osc_np.reshape(stack_blocks(parts, 0), shape)
