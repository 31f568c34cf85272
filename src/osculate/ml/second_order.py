"""Second-order optimisers for networks written in plain NumPy: K-FAC (and
EKFAC), exact natural gradient, and Hessian-free.

They follow the convention of :mod:`osculate.ml.optimizers` (a factory
returns an :class:`~osculate.ml.optimizers.Optimizer`; ``state =
opt.init(params)``; ``updates, state = opt.update(grads, state, params,
batch)``; :func:`~osculate.ml.optimizers.apply_updates`).  Each factory
takes the loss ``loss(params, batch)`` as its first argument, so
``needs_loss`` is True and ``update`` needs ``params`` and the minibatch
``batch`` at which to measure the curvature.

Every update stages the loss at its minibatch (:func:`osculate.ml.trace_network`:
the batch is a constant of the staged program, so a new batch is a new
trace; about 1.5 ms for the 64-32-10 digits MLP at 128 examples, against
6-8 ms for the K-FAC statistics of the same step) and finds the dense
layers again; K-FAC checks that it finds the same layers at every step.

* :func:`kfac`: the gradient preconditioned by the damped inverse of a
  block-diagonal Kronecker-factored curvature (:class:`osculate.ml.KFAC`),
  with running averages of the factors and eigendecompositions refreshed
  every ``inverse_every`` steps.
* :func:`natural_gradient`: the exact damped Gauss-Newton (for softmax
  cross-entropy and squared error: Fisher) system of the minibatch solved by
  conjugate gradients -- for small models.
* :func:`hessian_free`: Martens' (2010) truncated Newton on the Gauss-Newton
  matrix: conjugate gradients warm-started from the previous solution,
  backtracking over the CG iterates, and Levenberg-Marquardt damping.

Public API
----------
kfac, natural_gradient, hessian_free
KFACState, NaturalGradientState, HessianFreeState
SECOND_ORDER_OPTIMIZERS -- the factories by name
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from ..ad.tree import describe, tree_leaves, tree_unflatten
from ..optim._linalg import conjugate_gradient
from .curvature import GGN, KFAC, _check_kind, _other_diagonals, ekfac_scales, kfac_block, layer_statistics
from .layers import trace_network
from .optimizers import Optimizer, _check_state, _count, _flat, _grads_and_params, _lr, _number

__all__ = ["kfac", "natural_gradient", "hessian_free", "KFACState", "NaturalGradientState", "HessianFreeState",
           "SECOND_ORDER_OPTIMIZERS"]


# --------------------------------------------------------------------------- shared steps


def _loss_callable(loss, who):
    if not callable(loss):
        raise TypeError(f"{who}: the first argument is the loss, loss(params, batch); got {describe(loss)}")


def _measure(loss, grads, state, params, batch, cls, who):
    """Check the arguments of ``update`` and stage the loss at ``(params,
    batch)``: returns ``(gradient leaves, parameter leaves, treedef, net)``."""
    _check_state(state, cls, who)
    if batch is None:
        raise ValueError(f"{who}: update needs the minibatch at which to measure the curvature: "
                         "update(grads, state, params, batch=batch)")
    g, p, td = _grads_and_params(grads, params, None, who, "the curvature is measured at params")
    net = trace_network(loss, tree_unflatten(td, p), batch)
    if not net.layers and not net.others:
        raise ValueError(f"{who}: the loss has no parameters")
    return g, p, td, net


def _flat_leaves(leaves):
    return np.concatenate([np.ravel(x) for x in leaves])


def _split(v, like):
    parts = np.split(v, np.cumsum([x.size for x in like])[:-1])
    return [part.reshape(x.shape) for part, x in zip(parts, like)]


# --------------------------------------------------------------------------- K-FAC


class KFACState(NamedTuple):
    """State of :func:`kfac`.

    ``factors``: per dense layer, the running averages ``(A, G)`` of its
    Kronecker factors; ``diagonals``: ``{leaf index: array}``, the running
    average of the diagonal block of each parameter outside dense layers;
    ``eigen``: per dense layer ``(qa, qg, scale)``, the factors'
    eigenvectors at the last refresh and the eigenvalues used in that basis;
    ``momentum``: the velocity (a pytree like the parameters, or None);
    ``layers``: what the trace found, to check later steps against; ``count``:
    the updates made.  Empty until the first update (the layers are found
    from the loss at a batch)."""

    factors: list
    diagonals: dict
    eigen: list
    momentum: Any
    layers: Any
    count: int


def _layer_signature(net):
    return (tuple((l.weight, l.bias, l.transposed, l.d_in, l.d_out) for l in net.layers), tuple(net.others))


def _average(old, new, beta):
    return new if old is None else beta * old + (1.0 - beta) * new


def kfac(loss, lr=0.1, damping=1e-2, momentum=0.9, ema=0.95, inverse_every=10, kind="fisher", ekfac=False,
         n_samples=1, seed=0, kl_clip=1e-3):
    """K-FAC (Martens & Grosse, 2015), or EKFAC (George et al., 2018) with
    ``ekfac=True``, for a loss whose dense layers osculate finds in its trace.

    At step ``t`` (from 0), on the minibatch ``batch``:

    1. the layer statistics of the minibatch (:func:`osculate.ml.curvature.layer_statistics`
       with ``kind``: ``"fisher"`` one Monte-Carlo draw of the targets per
       example (``n_samples``), ``"ggn"`` the exact Gauss-Newton statistics,
       ``"empirical"`` the observed gradients) give each layer's factors
       ``A``, ``G``; parameters outside dense layers get a diagonal block;
    2. running averages ``X ← β·X + (1 − β)·X_batch`` with
       ``β = min(ema, t / (t + 1))`` (so step 0 takes the batch's values);
    3. every ``inverse_every`` steps (at ``t = 0, T, 2T...``) the averaged
       factors are eigendecomposed again; in between the basis is kept.
       K-FAC's eigenvalues in that basis are ``λ_A λ_G``; EKFAC's are a
       running average of the exact diagonal of each minibatch's block in
       that basis (:func:`~osculate.ml.curvature.ekfac_scales`), restarted
       from ``λ_A λ_G`` at a refresh;
    4. the direction ``d = (C + damping·I)⁻¹ g`` (damping added to the
       eigenvalues: the exact inverse of the damped block-diagonal ``C``);
    5. unless ``kl_clip`` is None, ``d`` is scaled by
       ``min(1, sqrt(kl_clip / (lr² dᵀg)))`` (Ba et al.'s bound on the change
       of the model's output distribution, ``½ lr² dᵀCd ≈ ½ lr² dᵀg``; it
       keeps the early steps, when the averages are young, from
       overshooting);
    6. momentum: ``buf ← momentum·buf + d``; the update is ``−lr·buf``.

    The defaults train the 64-32-10 tanh MLP on the digits (minibatches of
    128) from a loss of 2.36 to 0.21 in 15 steps; without the clip, the same
    ``lr`` and ``damping`` diverge.  A step's cost: one staging of the loss, one backward pass per draw (or
    per output column for ``"ggn"``), the eigendecompositions of the factors
    (``(d_in + 1)³ + d_out³`` per layer) when refreshed, and four matrix
    products per layer.

    >>> import numpy as np, osculate as osc
    >>> from osculate.ml.second_order import kfac
    >>> from osculate.ml.optimizers import apply_updates
    >>> loss = lambda p, b: 0.5 * np.mean(np.sum((b[0] @ p["W"] + p["b"] - b[1]) ** 2, axis=1))
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(32, 3)); batch = (X, X @ np.ones((3, 2)) + 1.0)
    >>> params = {"W": np.zeros((3, 2)), "b": np.zeros(2)}
    >>> opt = kfac(loss, lr=1.0, damping=1e-9, momentum=0.0, kind="ggn", kl_clip=None)
    >>> state = opt.init(params)
    >>> updates, state = opt.update(osc.grad(loss)(params, batch), state, params, batch=batch)
    >>> params = apply_updates(params, updates)   # least squares: A ⊗ G is the Hessian, one step solves it
    >>> bool(loss(params, batch) < 1e-12), np.round(params["b"], 6)
    (True, array([1., 1.]))
    """
    who = "kfac"
    _loss_callable(loss, who)
    lr = _lr(lr, who)
    damping = _number(damping, "damping", who, low_open=True)
    momentum = _number(momentum, "momentum", who)
    ema = _number(ema, "ema", who, 0.0, 1.0, high_open=True)
    inverse_every = _count(inverse_every, "inverse_every", who)
    _check_kind(kind)
    ekfac = bool(ekfac)
    n_samples = _count(n_samples, "n_samples", who)
    seed = int(seed)
    if kl_clip is not None:
        kl_clip = _number(kl_clip, "kl_clip", who, low_open=True)

    def init(params):
        p, td = _flat(params, who, "params")
        buf = tree_unflatten(td, [np.zeros_like(a) for a in p]) if momentum else None
        return KFACState([], {}, [], buf, None, 0)

    def update(grads, state, params=None, batch=None):
        g, p, td, net = _measure(loss, grads, state, params, batch, KFACState, who)
        signature = _layer_signature(net)
        if state.layers is not None and signature != state.layers:
            raise ValueError(f"{who}: the loss has other dense layers at this batch than at the first step "
                             f"({signature} vs {state.layers}); K-FAC's running averages need the same layers")
        t = state.count
        stats = layer_statistics(net, kind, n_samples, seed=(seed, t))
        batch_diagonals = _other_diagonals(net, kind, n_samples, (seed, t), "mean")
        if batch_diagonals is None:
            names = ", ".join(net.names[i] for i in net.others)
            raise ValueError(f"{who}: the parameters {names} are outside dense layers and the loss depends on "
                             "parameters after its last dense layer, so their curvature cannot be measured per "
                             "example (see osculate.ml.describe)")
        beta = min(ema, t / (t + 1.0))
        first = not state.factors
        factors = [(_average(None if first else old[0], A, beta), _average(None if first else old[1], G, beta))
                   for old, (A, G) in zip(state.factors or [None] * len(stats), (st.factors() for st in stats))]
        diagonals = {i: _average(state.diagonals.get(i), d, beta) for i, d in batch_diagonals.items()}
        eigen = []
        for k, ((A, G), st) in enumerate(zip(factors, stats)):
            if t % inverse_every == 0:
                _, _, qa, qg, scale = kfac_block(A, G)
                if ekfac:
                    scale = _average(scale, ekfac_scales(st, qa, qg), beta)
            else:
                qa, qg, scale = state.eigen[k]
                if ekfac:
                    scale = _average(scale, ekfac_scales(st, qa, qg), beta)
            eigen.append((qa, qg, scale))
        K = KFAC(net, stats, diagonals, ekfac, blocks=[(A, G, qa, qg, s) for (A, G), (qa, qg, s) in zip(factors, eigen)])
        d = [np.asarray(x, dtype=float) for x in tree_leaves(K.solve(tree_unflatten(td, g), damping))]
        scale = 1.0
        if kl_clip is not None:
            dg = float(sum(np.sum(a * b) for a, b in zip(d, g)))
            if dg > 0:
                scale = min(1.0, math.sqrt(kl_clip / (lr * lr * dg)))
        d = [scale * x for x in d]
        buf = None
        if momentum:
            d = [momentum * b + x for b, x in zip(_flat(state.momentum, who, "the momentum")[0], d)]
            buf = tree_unflatten(td, d)
        updates = tree_unflatten(td, [-lr * x for x in d])
        return updates, KFACState(factors, diagonals, eigen, buf, signature, t + 1)

    return Optimizer("kfac", init, update, True,
                     dict(lr=lr, damping=damping, momentum=momentum, ema=ema, inverse_every=inverse_every,
                          kind=kind, ekfac=ekfac, n_samples=n_samples, seed=seed, kl_clip=kl_clip))


# --------------------------------------------------------------------------- natural gradient


class NaturalGradientState(NamedTuple):
    """State of :func:`natural_gradient`: ``count`` (updates made) and what
    the last conjugate-gradient solve did (``cg_iterations``,
    ``cg_converged``)."""

    count: int
    cg_iterations: int
    cg_converged: bool


def natural_gradient(loss, lr=1.0, damping=1e-4, cg_tol=1e-6, cg_maxiter=None):
    """Natural gradient with the exact curvature of the minibatch: the update
    is ``−lr·(C + damping·I)⁻¹ g`` with ``C`` the generalised Gauss-Newton
    matrix of ``loss`` at ``(params, batch)`` (:func:`osculate.ml.curvature.ggn_product`),
    which for softmax cross-entropy and squared error is the Fisher
    information of the model's predictive distribution.  The system is solved
    by conjugate gradients (:func:`osculate.optim._linalg.conjugate_gradient`)
    to relative residual ``cg_tol``, in at most ``cg_maxiter`` products
    (default: the number of parameters); each product costs about two
    gradients, so this is for small models.

    For a generalised linear model with its canonical link (logistic or
    softmax regression, least squares) ``C`` is the Hessian and, with
    ``lr=1`` and ``damping=0``, the update is Newton's step.

    There is no step control: the defaults (``lr=1``, little damping) take
    the full Gauss-Newton step, right on a full batch near a minimum but too
    long on minibatches far from one.  On the digits MLP (64-32-10,
    minibatches of 128) they diverge; ``lr=0.3, damping=0.1`` reach 95.6%
    test accuracy in three epochs.  :func:`hessian_free` adapts the damping
    itself.

    >>> import numpy as np, osculate as osc
    >>> from osculate.ml.second_order import natural_gradient
    >>> def loss(p, batch):                       # logistic regression, mean softmax cross-entropy
    ...     X, y = batch
    ...     z = X @ p["W"] + p["b"]
    ...     z = z - np.max(z, axis=1, keepdims=True)
    ...     return np.mean(np.log(np.sum(np.exp(z), axis=1)) - z[np.arange(len(y)), y])
    >>> rng = np.random.default_rng(0)
    >>> batch = (rng.normal(size=(40, 3)), rng.integers(0, 2, size=40))
    >>> params = {"W": rng.normal(size=(3, 2)), "b": np.zeros(2)}
    >>> opt = natural_gradient(loss, damping=1e-3, cg_tol=1e-12)
    >>> updates, state = opt.update(osc.grad(loss)(params, batch), opt.init(params), params, batch=batch)
    >>> flat, unravel = osc.ravel_pytree(params)
    >>> H = osc.hessian(lambda w: loss(unravel(w), batch))(flat)
    >>> newton = -np.linalg.solve(H + 1e-3 * np.eye(flat.size), osc.grad(lambda w: loss(unravel(w), batch))(flat))
    >>> bool(np.allclose(osc.ravel_pytree(updates)[0], newton, rtol=1e-9, atol=1e-12)), state.cg_converged
    (True, True)
    """
    who = "natural_gradient"
    _loss_callable(loss, who)
    lr = _lr(lr, who)
    damping = _number(damping, "damping", who)
    cg_tol = _number(cg_tol, "cg_tol", who)
    if cg_maxiter is not None:
        cg_maxiter = _count(cg_maxiter, "cg_maxiter", who)

    def init(params):
        _flat(params, who, "params")
        return NaturalGradientState(0, 0, True)

    def update(grads, state, params=None, batch=None):
        g, p, td, net = _measure(loss, grads, state, params, batch, NaturalGradientState, who)
        C = GGN(net).as_linear_operator()
        x, info = conjugate_gradient(C.matvec, -_flat_leaves(g), rtol=cg_tol, maxiter=cg_maxiter, shift=damping)
        updates = tree_unflatten(td, [lr * part for part in _split(x, g)])
        return updates, NaturalGradientState(state.count + 1, info["iters"], bool(info["converged"]))

    return Optimizer("natural_gradient", init, update, True,
                     dict(lr=lr, damping=damping, cg_tol=cg_tol, cg_maxiter=cg_maxiter))


# --------------------------------------------------------------------------- Hessian-free


class HessianFreeState(NamedTuple):
    """State of :func:`hessian_free`: the current ``damping`` λ; ``direction``,
    the last CG solution (a flat array, or None before the first step) from
    which the next solve starts; ``count``; and what the last step measured:
    ``rho`` (reduction ratio), ``loss`` and ``new_loss`` (the minibatch loss
    at θ and at θ + x, the step before ``lr`` scales it; equal when the step
    was rejected), ``cg_iterations``."""

    damping: float
    direction: Any
    count: int
    rho: float
    loss: float
    new_loss: float
    cg_iterations: int


def _martens_cg(matvec, b, x0, maxiter, tol, save_ratio=1.3):
    """Conjugate gradients for ``A x = b`` from ``x0`` with Martens' (2010)
    stopping rule on the quadratic ``φ(x) = ½xᵀAx − bᵀx``: stop at step
    ``i`` when ``φ(xᵢ) < 0`` and ``(φ(xᵢ) − φ(x_{i−k})) / φ(xᵢ) < k·tol`` for
    ``k = max(10, i/10)``, or after ``maxiter`` steps, or at a direction of
    non-positive curvature.  Returns the iterates kept at steps ``⌈1.3ʲ⌉``
    and the last one, as ``[(step, x)]``, and the number of steps."""
    x = x0.copy()
    r = b - matvec(x) if np.any(x) else b.copy()
    d = r.copy()
    rr = r @ r
    phis = [-0.5 * x @ (b + r)]  # φ(x) = −½ xᵀ(b + r) since A x = b − r
    kept, next_keep, i = [], 1, 0
    stop = 1e-15 * np.linalg.norm(b)
    while i < maxiter and np.sqrt(rr) > stop:
        Ad = matvec(d)
        curvature = d @ Ad
        if not (np.isfinite(curvature) and curvature > 0):
            break
        alpha = rr / curvature
        x = x + alpha * d
        r = r - alpha * Ad
        i += 1
        phis.append(-0.5 * x @ (b + r))
        if i >= next_keep:
            kept.append((i, x))
            next_keep = max(i + 1, math.ceil(next_keep * save_ratio))
        k = max(10, i // 10)
        if i > k and phis[i] < 0 and (phis[i] - phis[i - k]) / phis[i] < k * tol:
            break
        rr_new = r @ r
        d = r + (rr_new / rr) * d
        rr = rr_new
    if not kept or kept[-1][0] != i:
        kept.append((i, x))
    return kept, i


def hessian_free(loss, lr=1.0, damping=1.0, cg_maxiter=100, cg_tol=5e-4, warm_start=0.95, backtrack=True,
                 adapt_damping=True):
    """Hessian-free optimisation (Martens, 2010): a truncated Newton step on
    the generalised Gauss-Newton matrix ``C`` of the minibatch loss.

    At each step, with gradient ``g`` and damping ``λ``:

    1. conjugate gradients on ``(C + λI) x = −g`` (exact products,
       :func:`osculate.ml.curvature.ggn_product`), started from
       ``warm_start`` times the previous step's solution, stopped by Martens'
       relative-progress rule (``cg_tol``) or after ``cg_maxiter`` products;
    2. with ``backtrack``, the iterates kept at steps ``⌈1.3ʲ⌉`` are tried
       from the last backwards while the minibatch loss keeps falling, and
       the best is taken (CG's late iterates fit the quadratic model, not
       always the loss);
    3. the reduction ratio ``ρ = (f(θ + x) − f(θ)) / (gᵀx + ½xᵀCx)``
       (actual over predicted change, undamped model) adapts λ by the
       Levenberg-Marquardt rule: ``λ ← 2/3·λ`` if ``ρ > 3/4``, ``λ ← 3/2·λ``
       if ``ρ < 1/4`` (``adapt_damping=False`` keeps λ);
    4. a step that does not lower the minibatch loss is rejected (the update
       is zero, and λ grows); otherwise the update is ``lr·x``.

    The next solve starts from the last CG iterate (not the backtracked one),
    as in the paper.  ``state.rho``, ``state.loss``, ``state.new_loss`` and
    ``state.cg_iterations`` report the step.

    >>> import numpy as np, osculate as osc
    >>> from osculate.ml.second_order import hessian_free
    >>> loss = lambda p, b: 0.5 * np.mean(np.sum((b[0] @ p["W"] - b[1]) ** 2, axis=1))
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(20, 3)); batch = (X, X @ np.ones((3, 2)))
    >>> params = {"W": np.zeros((3, 2))}
    >>> opt = hessian_free(loss, damping=1e-6)
    >>> updates, state = opt.update(osc.grad(loss)(params, batch), opt.init(params), params, batch=batch)
    >>> round(state.rho, 6), state.damping == 1e-6 * 2 / 3   # a quadratic: the model is exact
    (1.0, True)
    """
    who = "hessian_free"
    _loss_callable(loss, who)
    lr = _lr(lr, who)
    damping = _number(damping, "damping", who, low_open=True)
    cg_maxiter = _count(cg_maxiter, "cg_maxiter", who)
    cg_tol = _number(cg_tol, "cg_tol", who)
    warm_start = _number(warm_start, "warm_start", who, 0.0, 1.0)
    backtrack, adapt_damping = bool(backtrack), bool(adapt_damping)

    def init(params):
        _flat(params, who, "params")
        return HessianFreeState(damping, None, 0, float("nan"), float("nan"), float("nan"), 0)

    def update(grads, state, params=None, batch=None):
        g, p, td, net = _measure(loss, grads, state, params, batch, HessianFreeState, who)
        lam = float(state.damping)
        C = GGN(net).as_linear_operator()
        f0 = float(net.values[net.loss_ref])
        gflat = _flat_leaves(g)
        x0 = np.zeros_like(gflat)
        if state.direction is not None:
            previous = np.asarray(state.direction, dtype=float)
            if previous.shape != gflat.shape:
                raise ValueError(f"{who}: the state's direction has {previous.size} entries, the parameters "
                                 f"{gflat.size}; call init on parameters of the same structure")
            x0 = warm_start * previous
        kept, iterations = _martens_cg(lambda v: C.matvec(v) + lam * v, -gflat, x0, cg_maxiter, cg_tol)

        def loss_at(x):
            trial = tree_unflatten(td, [a + b for a, b in zip(p, _split(x, p))])
            with np.errstate(all="ignore"):  # a probe may overflow: a non-finite loss is not taken
                value = float(np.asarray(loss(trial, batch)))
            return value if np.isfinite(value) else np.inf

        best = len(kept) - 1
        f_best = loss_at(kept[best][1])
        while backtrack and best > 0:
            f_prev = loss_at(kept[best - 1][1])
            if not f_prev < f_best:
                break
            best, f_best = best - 1, f_prev
        x = kept[best][1]
        predicted = float(gflat @ x + 0.5 * x @ C.matvec(x))
        rho = (f_best - f0) / predicted if predicted < 0 else -np.inf
        if adapt_damping:
            if rho > 0.75:
                lam *= 2.0 / 3.0
            elif rho < 0.25:
                lam *= 1.5
        accepted = np.isfinite(f_best) and f_best < f0
        step = lr * x if accepted else np.zeros_like(x)
        new_state = HessianFreeState(lam, kept[-1][1], state.count + 1, float(rho), f0,
                                     f_best if accepted else f0, iterations)
        return tree_unflatten(td, _split(step, p)), new_state

    return Optimizer("hessian_free", init, update, True,
                     dict(lr=lr, damping=damping, cg_maxiter=cg_maxiter, cg_tol=cg_tol, warm_start=warm_start,
                          backtrack=backtrack, adapt_damping=adapt_damping))


#: The factories of this module by name.
SECOND_ORDER_OPTIMIZERS = {"kfac": kfac, "natural_gradient": natural_gradient, "hessian_free": hessian_free}
