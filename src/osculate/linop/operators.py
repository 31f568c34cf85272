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
"""

from __future__ import annotations

import numpy as np

from ..ad.batching import vmap
from ..ad.staging import linearize
from ..ad.transforms import grad, hvp, value_and_grad, vjp
from ..ad.util import as_float_input
from .symmetric_operator import SymmetricOperator

__all__ = ["hessian_operator", "ggn_operator", "fisher_operator"]


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


def _flat_fn(f, shape):
    return lambda z: f(z.reshape(shape))


def hessian_operator(f, x, reuse=True):
    """The Hessian ``∇²f(x)`` as a :class:`~osculate.linop.SymmetricOperator`.

    ``reuse=True`` (default) linearises the gradient once at ``x``; each
    product then replays only the linear part of forward-over-reverse, and
    ``op @ V`` replays it once for all columns.  ``reuse=False`` runs an
    independent Hessian-vector product per column instead.  The value and
    gradient at ``x`` are available as ``op.value`` and ``op.gradient``.

    >>> import numpy as np, osculate as osc
    >>> op = osc.hessian_operator(lambda x: x[0] ** 2 + 3 * x[0] * x[1], np.array([1.0, 2.0]))
    >>> op @ np.array([1.0, 0.0])
    array([2., 3.])
    >>> op.to_dense()
    array([[2., 3.],
           [3., 0.]])
    """
    x = as_float_input(x, "hessian_operator point x")
    shape = tuple(x.shape)
    flat = _flat_fn(f, shape)
    x_flat = np.ravel(x)
    value, gradient = value_and_grad(flat)(x_flat)
    if reuse:
        _, hvp_fn = linearize(grad(flat), x_flat)
        product, batched = hvp_fn, hvp_fn.batch
    else:
        product = lambda v: hvp(flat, x_flat, v)  # noqa: E731
        batched = vmap(product)
    op = _ad_operator(x_flat.size, x.dtype, product, batched, "Hessian")
    op.value, op.gradient, op.x = value, gradient, x_flat
    return op


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
