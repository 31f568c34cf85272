"""Curvature matrices as SciPy linear operators backed by AD.

* :func:`hessian_operator` -- ``∇²f(x)`` from Hessian-vector products.  The
  gradient computation is linearised once (:func:`osculate.linearize`), so
  each product replays only the recorded linear operations, and ``H @ V``
  (matmat) replays them once for the whole block through ``vmap``.
* :func:`ggn_operator` -- the (generalised) Gauss-Newton matrix ``Jᵀ J`` of
  residuals, or ``Jᵀ ∇²L J`` of a model composed with a loss: positive
  semidefinite whenever the loss is convex.
* :func:`fisher_operator` -- the empirical Fisher ``(1/N) Σ gᵢ gᵢᵀ`` of
  per-sample log-likelihood gradients, or the true Fisher (expectation
  under the model) from a user-supplied sampler.

All three return a :class:`~osculate.linop.SymmetricOperator`: a symmetric
``scipy.sparse.linalg.LinearOperator`` that counts its products
(``n_matvec``) and works unchanged with ``eigsh``, ``cg``, ``minres`` and
``scipy.optimize.minimize(hessp=...)``.

Points may be pytrees (a dict of network weights...): the transforms'
helper :class:`osculate.ad.arguments.FlatPoint` (``solver=True``: arrays
and plain lists/tuples of numbers are one array, pytrees become float64
vectors in ``ravel_pytree`` order) is the one place where a point becomes
a flat vector and back, and :func:`select_arguments` reduces ``argnums``
and ``has_aux`` to a function of one point; :func:`hessian_operator`,
:func:`osculate.curvature`, :func:`osculate.optim.minimize` and
:func:`osculate.optim.least_squares` all use them.
"""

from __future__ import annotations

import numpy as np

from ..ad.arguments import FlatPoint as _FlatPoint
from ..ad.arguments import argnums_tuple, is_array_point, select, split_aux
from ..ad.batching import vmap
from ..ad.core import ConcretizationError
from ..ad.staging import linearize
from ..ad.transforms import grad, hvp, value_and_grad, vjp
from ..ad.util import as_float_input
from ._staging import check_jit, fallback_note, staged_product
from .symmetric_operator import SymmetricOperator

__all__ = ["hessian_operator", "ggn_operator", "fisher_operator", "FlatPoint", "select_arguments", "is_array_point"]


# --------------------------------------------------------------------------- pytree points


class FlatPoint(_FlatPoint):
    """``FlatPoint(tree, what)``: a pytree point read as the solvers read it
    (:class:`osculate.ad.arguments.FlatPoint` with ``solver=True``; an
    array point stays as given), with the names it had here: ``flat`` is the
    vector, ``ravel(tree)`` checks and flattens a tree of its structure.

    >>> p = FlatPoint({"w": np.ones((2, 2)), "b": np.array([5.0])}, "x0")
    >>> p.flat
    array([5., 1., 1., 1., 1.])
    """

    def __init__(self, tree, what="x"):
        super().__init__(None, tree, solver=True, point=what)

    flat = property(lambda self: self.x)
    ravel = _FlatPoint.vector


def select_arguments(f, x, argnums=None, has_aux=False, name="f"):
    """``(g, point, with_aux)``: ``f`` as a function of one point, for the
    ``argnums``/``has_aux`` convention of :func:`osculate.jacfwd` (read by
    :func:`osculate.ad.arguments.select` and ``split_aux``, as in the
    transforms).

    ``argnums=None``: ``x`` is ``f``'s one argument.  Otherwise ``x`` is the
    tuple of all of ``f``'s positional arguments; ``argnums`` (an int or a
    tuple of ints) picks the differentiated ones, the point is that argument
    (or the tuple of them) and the others are passed through.  ``g`` returns
    ``f``'s value (without the aux); ``with_aux`` returns ``(value, aux)``
    (``aux`` is ``None`` unless ``has_aux``, when ``f`` returns a pair).
    """
    if argnums is not None:
        argnums_tuple(argnums)  # a malformed argnums is named before anything else
    point, call = select(f, x, argnums, name)

    def with_aux(z):
        return split_aux(call(z), has_aux)

    return ((lambda z: with_aux(z)[0]) if has_aux else call), point, with_aux


#: Columns per batched AD product: larger blocks only add memory traffic.
AD_BLOCK_SIZE = 16


def _ad_operator(n, dtype, product, batched_product, name):
    """A :class:`SymmetricOperator` from an AD product ``v -> A v`` and its
    batched form ``rows -> rows @ A`` (one vector per row), applied to at
    most :data:`AD_BLOCK_SIZE` columns at a time.  Non-finite products pass
    through (as from any NumPy function); the spectral routines, which
    re-wrap such an operator, refuse them."""

    def matmat(V):
        rows = np.ascontiguousarray(V.T)
        return np.asarray(batched_product(rows)).reshape(rows.shape[0], -1).T

    return SymmetricOperator(
        product, n, matmat, block_size=AD_BLOCK_SIZE, name=name, dtype=dtype, check_finite=False
    )


def hessian_operator(f, x, reuse=True, *, argnums=None, has_aux=False, jit="auto"):
    """The Hessian ``∇²f(x)`` as a :class:`~osculate.linop.SymmetricOperator`.

    ``reuse=True`` (default) linearises the gradient once at ``x``; each
    product then replays only the linear part of forward-over-reverse, and
    ``op @ V`` replays it once for all columns.  ``reuse=False`` runs an
    independent Hessian-vector product per column instead.  The value and
    gradient at ``x`` are available as ``op.value`` and ``op.gradient``.

    ``jit``: with ``"auto"`` (default) or ``True`` and ``reuse=True``, the
    linearisation is staged with :func:`osculate.jit` (one program for a
    product, one for a block, each traced once; with numba installed a hot
    program's elementwise chains are also fused into compiled loops).
    Staging ``v -> hvp(f, x, v)`` directly instead measured the same per
    product on the MLP of ``benchmarks/bench_curvature.py`` (2.8 vs 2.9
    ms), so the linearisation stays.  If staging raises
    :class:`~osculate.ConcretizationError`, ``"auto"`` falls back to eager
    products and says so in ``op.note`` (``None`` otherwise); ``True`` lets
    the error propagate.  ``jit=False`` stages nothing: every product is an
    eager Hessian-vector product, as with ``reuse=False`` (an eager block
    product is one batched product, or one product per column when ``f``
    branches on a value under ``vmap``).  Staged and eager products agree
    to rounding.

    >>> import numpy as np, osculate as osc
    >>> op = osc.hessian_operator(lambda x: x[0] ** 2 + 3 * x[0] * x[1], np.array([1.0, 2.0]))
    >>> op @ np.array([1.0, 0.0])
    array([2., 3.])
    >>> op.to_dense()
    array([[2., 3.],
           [3., 0.]])

    **Pytree points.**  ``x`` may be a pytree (a dict of weights, a tuple of
    arrays...).  The operator still acts on *flat vectors*, in the order of
    :func:`osculate.ravel_pytree` (leaves in tree order, each raveled in C
    order), so it stays a SciPy ``LinearOperator`` of shape ``(n, n)``;
    ``op.gradient`` and ``op.x`` are flat vectors of that order too.
    ``op.unravel(v)`` turns such a vector (an eigenvector, a product) into a
    tree shaped like ``x``, ``op.ravel(tree)`` goes the other way, and
    ``op.point`` is ``x`` itself.  (An array point keeps the old attributes:
    ``op.unravel`` is ``None``.)

    ``argnums`` and ``has_aux`` follow :func:`osculate.jacfwd`: with
    ``argnums`` (an int or a tuple), ``x`` is the tuple of *all* positional
    arguments of ``f``, the Hessian is taken in the selected ones (their tuple
    for a tuple ``argnums``, raveled in that order) and the others are passed
    through.  With ``has_aux=True``, ``f`` returns ``(value, aux)`` and the
    result is ``(op, aux)``.

    >>> nll = lambda p, X, y: np.sum(np.log1p(np.exp(X @ p["w"] + p["b"])) - y * (X @ p["w"] + p["b"]))
    >>> X, y = np.array([[1.0, 0.0], [1.0, 1.0]]), np.array([0.0, 1.0])
    >>> op = osc.hessian_operator(nll, ({"w": np.zeros(2), "b": 0.0}, X, y), argnums=0)
    >>> op.shape, op.unravel(op @ np.array([1.0, 0.0, 0.0]))["w"]        # flat order: b, then w
    ((3, 3), array([0.5 , 0.25]))
    """
    jit = check_jit(jit, "hessian_operator")
    g, point, with_aux = select_arguments(f, x, argnums, has_aux, "hessian_operator")
    fp = _FlatPoint(None, point, name="hessian_operator", solver=True, point="the point x")
    if fp.plain:  # an array point: the operator acts on its raveled copy
        x = as_float_input(point, "hessian_operator point x")
        x_flat, shape_of = np.ravel(x), (lambda z: z.reshape(x.shape))
    else:
        x_flat, shape_of = fp.x, fp.unravel
    flat = lambda z: g(shape_of(z))  # noqa: E731
    aux = None
    if has_aux:
        (value, aux), gradient = value_and_grad(lambda z: with_aux(shape_of(z)), has_aux=True)(x_flat)
    else:
        value, gradient = value_and_grad(flat)(x_flat)
    eager = lambda v: hvp(flat, x_flat, v)  # noqa: E731
    eager_vmap = vmap(eager)

    def eager_block(rows):
        try:
            return eager_vmap(rows)
        except ConcretizationError:  # a branch on a value under vmap: one product per row
            return np.stack([np.asarray(eager(r)) for r in rows])

    product, batched, note, guard = eager, eager_block, None, None
    if reuse and jit is not False:
        try:
            _, hvp_fn = linearize(grad(flat), x_flat)  # stages the single product
        except ConcretizationError as err:
            if jit is True:
                raise
            note = fallback_note("hessian_operator: the Hessian-vector product", err)
        else:
            # the block program is staged on the first block product
            what = "hessian_operator: the batched Hessian-vector product"
            guard = staged_product(hvp_fn.batch, jit, what, eager=batched, prestaged=True)
            product, batched = hvp_fn, guard
    op = _ad_operator(x_flat.size, x_flat.dtype, product, batched, "Hessian")
    op.note = note
    if guard is not None:
        guard.sink = op
    op.value, op.gradient, op.x = value, gradient, x_flat
    op.unravel, op.ravel, op.point = fp.unravel, None if fp.plain else fp.vector, point
    return (op, aux) if has_aux else op


def ggn_operator(residual_fn=None, x=None, *, model=None, loss=None):
    """Gauss-Newton curvature, always positive semidefinite for convex losses.

    Either ``residual_fn`` (``r: Rⁿ → Rᵐ``; the matrix is ``Jᵀ J``, the
    Hessian of ``½‖r‖²`` without its second-order residual terms) or
    ``model`` and ``loss`` (``z = model(x)``, scalar ``loss(z)``; the matrix
    is ``Jᵀ ∇²loss(z) J``, the generalised Gauss-Newton matrix).

    >>> import numpy as np, osculate as osc
    >>> A = np.array([[1.0, 2.0], [0.0, 1.0], [1.0, 1.0]])
    >>> G = osc.ggn_operator(lambda x: A @ x - 1.0, np.zeros(2))
    >>> bool(np.allclose(G.to_dense(), A.T @ A))
    True
    """
    if x is None:
        raise TypeError("ggn_operator needs the point x")
    if (residual_fn is None) == (model is None):
        raise TypeError("ggn_operator takes either residual_fn, or model= and loss= (not both)")
    if model is not None and loss is None:
        raise TypeError("ggn_operator: model= needs a loss=")
    x = as_float_input(x, "ggn_operator point x")
    inner = residual_fn if residual_fn is not None else model
    z, jvp_fn = linearize(inner, x)
    _, pullback = vjp(inner, x)
    if loss is None:

        def product(v):
            return pullback(jvp_fn(v))[0]

    else:
        _, loss_hvp = linearize(grad(loss), np.asarray(z))

        def product(v):
            return pullback(loss_hvp(jvp_fn(v)))[0]

    op = _ad_operator(x.size, x.dtype, product, vmap(product), "Gauss-Newton")
    op.x = x
    return op


def fisher_operator(loglik, x, data, kind="empirical", sampler=None, n_samples=1, seed=0):
    """The Fisher information of a log-likelihood as a :class:`~osculate.linop.SymmetricOperator`.

    ``loglik(x, data)`` returns the per-sample log-likelihoods (shape
    ``(N,)``).  ``kind="empirical"`` uses the observed data:
    ``F = (1/N) Σ ∇ℓᵢ ∇ℓᵢᵀ``.  ``kind="true"`` averages over targets drawn
    from the model, ``sampler(x, data, rng) -> data'`` (``n_samples`` draws);
    in expectation it equals the Hessian of the negative mean log-likelihood
    for exponential families in their natural parameters.

    ``n_samples`` counts data sets drawn from the model, not random probe
    vectors (the ``n_probes`` of the estimators): the operator is fixed once
    built, and each of its products costs one JVP and one VJP per draw.

    >>> import numpy as np, osculate as osc
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]); y = np.array([1.0, 0.0, 1.0])
    >>> ll = lambda w, d: -np.logaddexp(0.0, -(2 * d[1] - 1) * (d[0] @ w))
    >>> F = osc.fisher_operator(ll, np.zeros(2), (X, y))
    >>> F.shape
    (2, 2)
    """
    if kind not in ("empirical", "true"):
        raise ValueError(f"fisher_operator: kind must be 'empirical' or 'true', got {kind!r}")
    x = as_float_input(x, "fisher_operator point x")
    if kind == "true" and sampler is None:
        raise TypeError("fisher_operator(kind='true') needs sampler(x, data, rng) drawing targets from the model")
    rng = np.random.default_rng(seed)
    datasets = [data] if kind == "empirical" else [sampler(x, data, rng) for _ in range(int(n_samples))]
    pieces = []
    for d in datasets:
        per_sample = lambda w, _d=d: loglik(w, _d)  # noqa: E731
        lp, jvp_fn = linearize(per_sample, x)
        _, pullback = vjp(per_sample, x)
        if np.ndim(lp) != 1:
            raise ValueError(f"fisher_operator: loglik must return per-sample log-likelihoods of shape (N,), got {np.shape(lp)}")
        pieces.append((jvp_fn, pullback, np.shape(lp)[0]))
    scale = 1.0 / sum(N for _, _, N in pieces)

    def product(v):
        total = 0.0
        for jvp_fn, pullback, _ in pieces:
            total = total + pullback(jvp_fn(v))[0]
        return scale * total

    op = _ad_operator(x.size, x.dtype, product, vmap(product), f"Fisher, {kind}")
    op.x = x
    return op
