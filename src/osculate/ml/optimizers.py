"""Minibatch optimisers: first-order (SGD, Adam, AdamW), a diagonal-Hessian
method (AdaHessian) and per-mode preconditioning (Shampoo), in one convention.

The convention
--------------
It is the one of optax, with plain NumPy data:

* a *factory* (``sgd(lr=...)``, ``adam(...)``...) fixes the hyper-parameters
  and returns an :class:`Optimizer`, a small frozen object with a ``name``,
  ``needs_loss`` and two functions;
* ``state = opt.init(params)`` builds the initial state for a pytree of
  parameters (a dict, list or tuple of arrays, nested as you like);
* ``updates, state = opt.update(grads, state, params, batch=None)`` returns the
  step to *add* to the parameters (a pytree like ``params``) and the next
  state; :func:`apply_updates` adds it leaf by leaf.

States are plain data: NamedTuples of pytrees of arrays, lists of arrays and
a step ``count`` (an int, the number of updates made).  ``update`` never
modifies its arguments in place, so an old state can be kept and reused.

Optimisers that measure curvature of the loss take the loss as the first
argument of their factory (``adahessian(loss, lr=...)``, with ``loss(params,
batch)``); their ``needs_loss`` is True and their ``update`` requires the
minibatch ``batch`` (and ``params``) at which to measure it.

>>> import numpy as np, osculate as osc
>>> from osculate.ml.optimizers import adam, apply_updates
>>> loss = lambda p, batch: np.sum((p["w"] - batch) ** 2)
>>> params, opt = {"w": np.zeros(2)}, adam(lr=0.1)
>>> state = opt.init(params)
>>> for _ in range(200):
...     grads = osc.grad(loss)(params, np.array([1.0, -2.0]))
...     updates, state = opt.update(grads, state, params)
...     params = apply_updates(params, updates)
>>> np.round(params["w"], 3), state.count
(array([ 1., -2.]), 200)

Public API
----------
Optimizer, apply_updates, OPTIMIZERS
sgd, adam, adamw, adahessian, shampoo
SgdState, AdamState, AdaHessianState, ShampooState
adam_diagonal(state, eps) — Adam's bias-corrected ``sqrt(v̂) + eps``, a diagonal curvature estimate
hutchinson_diagonal(loss, params, batch, n_samples, seed) — the estimate AdaHessian uses
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, NamedTuple

import numpy as np

from ..ad.transforms import hvp
from ..ad.tree import describe, tree_flatten, tree_unflatten

__all__ = [
    "Optimizer", "apply_updates", "OPTIMIZERS",
    "sgd", "adam", "adamw", "adahessian", "shampoo",
    "SgdState", "AdamState", "AdaHessianState", "ShampooState",
    "adam_diagonal", "hutchinson_diagonal",
]


# --------------------------------------------------------------------------- the convention


@dataclasses.dataclass(frozen=True)
class Optimizer:
    """An optimiser: ``init(params) -> state`` and ``update(grads, state,
    params=None, batch=None) -> (updates, state)``.

    ``name`` is the factory's name, ``needs_loss`` says whether ``update``
    evaluates the loss (then it needs ``params`` and ``batch``), and
    ``hyperparams`` records the factory's arguments.

    >>> import numpy as np
    >>> from osculate.ml.optimizers import sgd
    >>> opt = sgd(lr=0.5)
    >>> opt
    sgd(lr=0.5, momentum=0.0, nesterov=False, weight_decay=0.0)
    >>> updates, state = opt.update([np.array([2.0])], opt.init([np.array([1.0])]))
    >>> updates, opt.name, opt.needs_loss
    ([array([-1.])], 'sgd', False)
    """

    name: str
    init: Callable = dataclasses.field(repr=False)
    update: Callable = dataclasses.field(repr=False)
    needs_loss: bool = False
    hyperparams: dict = dataclasses.field(default_factory=dict, compare=False)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparams.items())
        return f"{self.name}({args})"


def apply_updates(params, updates):
    """``params + updates`` leaf by leaf (each result keeps its parameter's
    floating dtype); the two pytrees must have the same structure.

    >>> import numpy as np
    >>> from osculate.ml.optimizers import apply_updates
    >>> apply_updates({"w": np.ones(2), "b": np.zeros(1)}, {"w": np.array([0.5, -1.0]), "b": np.array([2.0])})
    {'b': array([2.]), 'w': array([1.5, 0. ])}
    """
    p, ptd = _flat(params, "apply_updates", "params")
    u, utd = _flat(updates, "apply_updates", "updates")
    _same_tree(ptd, utd, "apply_updates", "updates", updates, "params", params)
    _same_shapes(p, u, "apply_updates", "updates")
    return tree_unflatten(ptd, [np.asarray(a + b, dtype=a.dtype) for a, b in zip(p, u)])


# --------------------------------------------------------------------------- leaves and checks


def _flat(tree, who, what):
    """The leaves of ``tree`` as floating arrays, and its structure."""
    leaves, td = tree_flatten(tree)
    out = []
    for leaf in leaves:
        a = np.asarray(leaf)
        if a.dtype.kind not in "fiub":  # real floating, integer, boolean
            raise TypeError(f"{who}: the leaves of {what} must be real arrays, got {describe(leaf)} "
                            f"of dtype {a.dtype}")
        if a.dtype.kind != "f":
            a = a.astype(np.float64)
        out.append(a)
    return out, td


def _same_tree(td_a, td_b, who, name_a, tree_a, name_b, tree_b):
    if td_a != td_b:
        raise ValueError(f"{who}: {name_a} and {name_b} must be pytrees of the same structure; "
                         f"{name_a} is {describe(tree_a)} and {name_b} is {describe(tree_b)} "
                         f"({td_a} vs {td_b})")


def _same_shapes(ref, other, who, what):
    for i, (a, b) in enumerate(zip(ref, other)):
        if a.shape != b.shape:
            raise ValueError(f"{who}: leaf {i} of {what} has shape {b.shape}, expected {a.shape}")


def _grads_and_params(grads, params, state_leaves, who, need_params):
    """Flatten ``grads`` (and ``params``), check them against each other and
    against the leaves the state holds; return ``(g, p or None, treedef)``."""
    g, gtd = _flat(grads, who, "grads")
    p = None
    if params is not None:
        p, ptd = _flat(params, who, "params")
        _same_tree(ptd, gtd, who, "grads", grads, "params", params)
        _same_shapes(p, g, who, "grads")
    elif need_params:
        raise ValueError(f"{who}: update needs params here ({need_params}); "
                         "call update(grads, state, params)")
    if state_leaves is not None:
        if len(state_leaves) != len(g):
            raise ValueError(f"{who}: the state was made for {len(state_leaves)} parameter arrays but "
                             f"grads has {len(g)}; call init on parameters of the same structure")
        _same_shapes(state_leaves, g, who, "grads (against the state made by init)")
    return g, p, gtd


def _state_leaves(tree):
    leaves, _ = tree_flatten(tree)
    return [np.asarray(a) for a in leaves]


def _check_state(state, cls, who):
    if not isinstance(state, cls):
        raise TypeError(f"{who}: expected the state made by this optimiser's init ({cls.__name__}), "
                        f"got {type(state).__name__}")


def _number(value, name, who, low=0.0, high=np.inf, low_open=False, high_open=False):
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{who}: {name} must be a real number, got {value!r}") from None
    too_low = x <= low if low_open else x < low
    too_high = x >= high if high_open else x > high
    if not np.isfinite(x) or too_low or too_high:
        lo, hi = "(" if low_open else "[", ")" if high_open or high == np.inf else "]"
        raise ValueError(f"{who}: {name} must lie in {lo}{low:g}, {high:g}{hi}, got {value!r}")
    return x


def _lr(lr, who):
    return _number(lr, "lr", who)


# --------------------------------------------------------------------------- SGD


class SgdState(NamedTuple):
    """State of :func:`sgd`: ``momentum`` (the velocity, a pytree like the
    parameters; ``None`` without momentum) and ``count``."""

    momentum: Any
    count: int


def sgd(lr, momentum=0.0, nesterov=False, weight_decay=0.0):
    """Stochastic gradient descent, with heavy-ball or Nesterov momentum and
    L2 weight decay, as ``torch.optim.SGD`` (no dampening) defines them::

        g ← g + weight_decay · p
        buf ← momentum · buf + g          (buf starts at 0)
        d ← g + momentum · buf   if nesterov   else buf
        update = −lr · d

    >>> import numpy as np
    >>> from osculate.ml.optimizers import sgd
    >>> opt = sgd(lr=0.1, momentum=0.9)
    >>> p, g = np.array([1.0]), np.array([1.0])
    >>> u1, s = opt.update(g, opt.init(p), p)
    >>> u2, s = opt.update(g, s, p)
    >>> u1, u2                                      # buf = 1, then 0.9 + 1
    (array([-0.1]), array([-0.19]))
    """
    who = "sgd"
    lr = _lr(lr, who)
    momentum = _number(momentum, "momentum", who)
    weight_decay = _number(weight_decay, "weight_decay", who)
    nesterov = bool(nesterov)
    if nesterov and momentum == 0.0:
        raise ValueError("sgd: nesterov=True needs a positive momentum")

    def init(params):
        p, td = _flat(params, who, "params")
        buf = tree_unflatten(td, [np.zeros_like(a) for a in p]) if momentum else None
        return SgdState(buf, 0)

    def update(grads, state, params=None, batch=None):
        _check_state(state, SgdState, who)
        bufs = _state_leaves(state.momentum) if momentum else None
        g, p, td = _grads_and_params(grads, params, bufs, who,
                                     weight_decay and "weight_decay is not zero")
        if weight_decay:
            g = [gi + weight_decay * pi for gi, pi in zip(g, p)]
        new_buf = None
        if momentum:
            bufs = [momentum * b + gi for b, gi in zip(bufs, g)]
            d = [gi + momentum * b for gi, b in zip(g, bufs)] if nesterov else bufs
            new_buf = tree_unflatten(td, bufs)
        else:
            d = g
        updates = tree_unflatten(td, [-lr * di for di in d])
        return updates, SgdState(new_buf, state.count + 1)

    return Optimizer("sgd", init, update, False,
                     dict(lr=lr, momentum=momentum, nesterov=nesterov, weight_decay=weight_decay))


# --------------------------------------------------------------------------- Adam and AdamW


class AdamState(NamedTuple):
    """State of :func:`adam` and :func:`adamw`: the first and second moment
    estimates ``m`` and ``v`` (pytrees like the parameters, not yet
    bias-corrected), ``count`` (updates made) and the decay rate ``b2`` of
    ``v`` (kept so that :func:`adam_diagonal` can bias-correct it)."""

    m: Any
    v: Any
    count: int
    b2: float


def _adam_like(name, lr, b1, b2, eps, weight_decay, decoupled):
    who = name
    lr = _lr(lr, who)
    b1 = _number(b1, "b1", who, 0.0, 1.0, high_open=True)
    b2 = _number(b2, "b2", who, 0.0, 1.0, high_open=True)
    eps = _number(eps, "eps", who)
    weight_decay = _number(weight_decay, "weight_decay", who)

    def init(params):
        p, td = _flat(params, who, "params")
        zeros = tree_unflatten(td, [np.zeros_like(a) for a in p])
        return AdamState(zeros, tree_unflatten(td, [np.zeros_like(a) for a in p]), 0, b2)

    def update(grads, state, params=None, batch=None):
        _check_state(state, AdamState, who)
        m, v = _state_leaves(state.m), _state_leaves(state.v)
        g, p, td = _grads_and_params(grads, params, m, who, weight_decay and "weight_decay is not zero")
        if weight_decay and not decoupled:
            g = [gi + weight_decay * pi for gi, pi in zip(g, p)]
        t = state.count + 1
        m = [b1 * mi + (1.0 - b1) * gi for mi, gi in zip(m, g)]
        v = [b2 * vi + (1.0 - b2) * gi * gi for vi, gi in zip(v, g)]
        corr1, root_corr2 = 1.0 - b1 ** t, np.sqrt(1.0 - b2 ** t)
        steps = [-lr * (mi / corr1) / (np.sqrt(vi) / root_corr2 + eps) for mi, vi in zip(m, v)]
        if weight_decay and decoupled:
            steps = [s - lr * weight_decay * pi for s, pi in zip(steps, p)]
        return tree_unflatten(td, steps), AdamState(tree_unflatten(td, m), tree_unflatten(td, v), t, b2)

    return Optimizer(name, init, update, False, dict(lr=lr, b1=b1, b2=b2, eps=eps, weight_decay=weight_decay))


def adam(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0):
    """Adam (Kingma & Ba), as ``torch.optim.Adam`` defines it, with L2
    regularisation added to the gradient::

        g ← g + weight_decay · p
        m ← b1 · m + (1 − b1) · g,    v ← b2 · v + (1 − b2) · g²
        update = −lr · (m / (1 − b1ᵗ)) / (sqrt(v / (1 − b2ᵗ)) + eps)

    ``sqrt(v / (1 − b2ᵗ)) + eps`` is a diagonal curvature estimate (the
    square root of the mean squared gradient): :func:`adam_diagonal`.

    >>> import numpy as np
    >>> from osculate.ml.optimizers import adam
    >>> opt = adam(lr=0.1)
    >>> p = np.array([1.0, 1.0])
    >>> updates, state = opt.update(np.array([3.0, -0.5]), opt.init(p), p)
    >>> np.round(updates, 8)                        # the first step is −lr · sign(g)
    array([-0.1,  0.1])
    """
    return _adam_like("adam", lr, b1, b2, eps, weight_decay, decoupled=False)


def adamw(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=1e-2):
    """AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, as
    ``torch.optim.AdamW`` defines it::

        update = −lr · weight_decay · p − lr · (m / (1 − b1ᵗ)) / (sqrt(v / (1 − b2ᵗ)) + eps)

    with ``m`` and ``v`` the moments of the plain gradient.

    >>> import numpy as np
    >>> from osculate.ml.optimizers import adamw
    >>> opt = adamw(lr=0.1, weight_decay=0.5)
    >>> p = np.array([2.0])
    >>> updates, state = opt.update(np.array([0.0]), opt.init(p), p)
    >>> updates                                     # only the decay: −0.1 · 0.5 · 2
    array([-0.1])
    """
    return _adam_like("adamw", lr, b1, b2, eps, weight_decay, decoupled=True)


def adam_diagonal(state, eps=1e-8):
    """Adam's diagonal curvature estimate from its state: ``sqrt(v̂) + eps``
    with ``v̂ = v / (1 − b2ᵗ)`` the bias-corrected second moment, a pytree
    like the parameters (Adam's step is ``−lr · m̂ / adam_diagonal(state)``).

    >>> import numpy as np
    >>> from osculate.ml.optimizers import adam, adam_diagonal
    >>> opt = adam()
    >>> p = {"w": np.zeros(2)}
    >>> _, state = opt.update({"w": np.array([3.0, -4.0])}, opt.init(p), p)
    >>> adam_diagonal(state, eps=0.0)               # after one step, |g|
    {'w': array([3., 4.])}
    """
    _check_state(state, AdamState, "adam_diagonal")
    if state.count < 1:
        raise ValueError("adam_diagonal: the state has seen no gradient yet (count = 0)")
    eps = _number(eps, "eps", "adam_diagonal")
    leaves, td = tree_flatten(state.v)
    corr2 = 1.0 - state.b2 ** state.count
    return tree_unflatten(td, [np.sqrt(np.asarray(v) / corr2) + eps for v in leaves])


# --------------------------------------------------------------------------- AdaHessian


class AdaHessianState(NamedTuple):
    """State of :func:`adahessian`: the moments ``m`` (of the gradient) and
    ``v`` (of the squared Hutchinson diagonal), pytrees like the parameters,
    and ``count``.  The random probes of step ``t`` come from
    ``numpy.random.default_rng([seed, t])``, so the state needs no generator."""

    m: Any
    v: Any
    count: int


def _rademacher(leaves, rng):
    return [(rng.integers(0, 2, size=a.shape) * 2 - 1).astype(a.dtype) for a in leaves]


def _hutchinson(loss, params, batch, n_samples, rng, who):
    """``mean over samples of z ⊙ (H z)`` for Rademacher ``z``, as flat leaves."""
    p, td = _flat(params, who, "params")
    params = tree_unflatten(td, p)
    total = [np.zeros_like(a) for a in p]
    for _ in range(n_samples):
        z = _rademacher(p, rng)
        hz, _ = tree_flatten(hvp(loss, (params, batch), tree_unflatten(td, z), argnums=0))
        total = [t + zi * np.asarray(h) for t, zi, h in zip(total, z, hz)]
    return [t / n_samples for t in total], td


def _count(n, name, who):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{who}: {name} must be a positive integer, got {n!r}")
    return int(n)


def hutchinson_diagonal(loss, params, batch, n_samples=1, seed=0):
    """Hutchinson's estimate of the diagonal of the Hessian of ``loss(params,
    batch)`` in ``params``: the mean of ``z ⊙ (H z)`` over ``n_samples``
    Rademacher vectors ``z`` (entries ±1) drawn from
    ``numpy.random.default_rng(seed)`` (a seed or a Generator; each probe
    is drawn leaf by leaf in the order of ``tree_flatten(params)``).  Unbiased:
    ``E[z ⊙ Hz] = diag(H)``.  Returns a pytree like ``params``.

    >>> import numpy as np
    >>> from osculate.ml.optimizers import hutchinson_diagonal
    >>> loss = lambda p, batch: np.sum(batch * p["w"] ** 2)        # H = diag(2 · batch)
    >>> hutchinson_diagonal(loss, {"w": np.ones(3)}, np.array([1.0, 2.0, 3.0]))
    {'w': array([2., 4., 6.])}
    """
    who = "hutchinson_diagonal"
    n_samples = _count(n_samples, "n_samples", who)
    diag, td = _hutchinson(loss, params, batch, n_samples, np.random.default_rng(seed), who)
    return tree_unflatten(td, diag)


def adahessian(loss, lr=0.15, b1=0.9, b2=0.999, eps=1e-4, hessian_power=1.0, n_samples=1, seed=0,
               weight_decay=0.0):
    """AdaHessian (Yao et al., 2021): Adam with the squared gradient replaced
    by the square of Hutchinson's estimate ``D`` of the Hessian diagonal of
    the minibatch loss::

        D = mean over n_samples of z ⊙ (H z),   H = ∇² loss(params, batch), z Rademacher
        m ← b1 · m + (1 − b1) · g,    v ← b2 · v + (1 − b2) · D²
        update = −lr · [ (m / (1 − b1ᵗ)) / ((sqrt(v) / sqrt(1 − b2ᵗ))^hessian_power + eps)
                         + weight_decay · p ]

    The weight decay is decoupled (as in the authors' implementation).  The
    Hessian-vector products are taken with ``osc.hvp`` of ``loss(params,
    batch)`` at the current parameters, so ``update`` needs ``params`` and
    ``batch``.  Step ``t`` draws its probes from
    ``numpy.random.default_rng([seed, t])``: runs are reproducible.  The
    probes are drawn leaf by leaf in the order of ``tree_flatten(params)``, so
    a dict and a list holding the same arrays get different (equally valid)
    probes.  (The spatial averaging of the paper is for convolution kernels;
    dense parameters do not use it.)

    >>> import numpy as np
    >>> from osculate.ml.optimizers import adahessian
    >>> loss = lambda p, batch: 0.5 * np.sum(batch * p ** 2)         # H = diag(batch)
    >>> opt = adahessian(loss, lr=0.5, eps=0.0)
    >>> p, batch = np.array([1.0, 1.0]), np.array([1.0, 4.0])
    >>> updates, state = opt.update(batch * p, opt.init(p), p, batch=batch)
    >>> updates                                     # the first step: −lr · g / |D| = −lr · p
    array([-0.5, -0.5])
    """
    who = "adahessian"
    if not callable(loss):
        raise TypeError(f"adahessian: the first argument is the loss, loss(params, batch); "
                        f"got {describe(loss)}")
    lr = _lr(lr, who)
    b1 = _number(b1, "b1", who, 0.0, 1.0, high_open=True)
    b2 = _number(b2, "b2", who, 0.0, 1.0, high_open=True)
    eps = _number(eps, "eps", who)
    hessian_power = _number(hessian_power, "hessian_power", who, 0.0, 1.0)
    n_samples = _count(n_samples, "n_samples", who)
    weight_decay = _number(weight_decay, "weight_decay", who)
    seed = int(seed)

    def init(params):
        p, td = _flat(params, who, "params")
        return AdaHessianState(tree_unflatten(td, [np.zeros_like(a) for a in p]),
                               tree_unflatten(td, [np.zeros_like(a) for a in p]), 0)

    def update(grads, state, params=None, batch=None):
        _check_state(state, AdaHessianState, who)
        if batch is None:
            raise ValueError("adahessian: update needs the minibatch at which to measure the curvature: "
                             "update(grads, state, params, batch=batch)")
        m, v = _state_leaves(state.m), _state_leaves(state.v)
        g, p, td = _grads_and_params(grads, params, m, who, "the Hessian is measured at params")
        t = state.count + 1
        diag, _ = _hutchinson(loss, tree_unflatten(td, p), batch, n_samples,
                              np.random.default_rng([seed, state.count]), who)
        m = [b1 * mi + (1.0 - b1) * gi for mi, gi in zip(m, g)]
        v = [b2 * vi + (1.0 - b2) * d * d for vi, d in zip(v, diag)]
        corr1, root_corr2 = 1.0 - b1 ** t, np.sqrt(1.0 - b2 ** t)
        steps = []
        for mi, vi, pi in zip(m, v, p):
            denom = (np.sqrt(vi) / root_corr2) ** hessian_power + eps
            steps.append(-lr * ((mi / corr1) / denom + weight_decay * pi))
        return tree_unflatten(td, steps), AdaHessianState(tree_unflatten(td, m), tree_unflatten(td, v), t)

    return Optimizer("adahessian", init, update, True,
                     dict(lr=lr, b1=b1, b2=b2, eps=eps, hessian_power=hessian_power, n_samples=n_samples,
                          seed=seed, weight_decay=weight_decay))


# --------------------------------------------------------------------------- Shampoo


class ShampooState(NamedTuple):
    """State of :func:`shampoo`.  ``stats`` and ``roots`` are lists with one
    entry per parameter array (in the order of ``tree_flatten(params)``), each
    a tuple with one matrix per tensor mode: the statistic ``Σ G₍ᵢ₎ G₍ᵢ₎ᵀ`` (or
    its moving average) and its cached damped inverse root, ``None`` for a mode
    left unpreconditioned.  ``momentum`` is a pytree like the parameters (or
    ``None``), ``graft`` the grafted optimiser's accumulator (a list of arrays,
    or ``None``), ``count`` the updates made."""

    stats: list
    roots: list
    momentum: Any
    graft: Any
    count: int


_GRAFTS = ("adam", "sgd", "adagrad", None)


def _unfolded_gram(g, mode):
    """``G₍ᵢ₎ G₍ᵢ₎ᵀ`` for the mode-``i`` unfolding of ``g``."""
    other = tuple(a for a in range(g.ndim) if a != mode)
    return np.tensordot(g, g, axes=(other, other))


def _mode_product(a, g, mode):
    """``g ×ᵢ a``: multiply mode ``i`` of ``g`` by the matrix ``a``."""
    return np.moveaxis(np.tensordot(a, g, axes=(1, mode)), 0, mode)


def _accumulate(stat, gram, beta2):
    """The sum (``beta2 = 1``) or the moving average of the statistics."""
    return stat + gram if beta2 == 1.0 else beta2 * stat + (1.0 - beta2) * gram


def _check_shampoo_state(state, g):
    matches = len(state.stats) == len(g) and all(
        len(s) == gi.ndim and all(m is None or m.shape == (n, n) for m, n in zip(s, gi.shape))
        for s, gi in zip(state.stats, g))
    if not matches:
        raise ValueError("shampoo: grads do not match the shapes of the state made by init; "
                         "call init on parameters of the same structure")


def _damped_inverse_root(stat, p, eps):
    """``(S + eps · λ_max(S) · I)^(−1/p)`` by a symmetric eigendecomposition
    (eigenvalues rounded below zero are taken as zero; a zero ``S`` gives
    the identity, as its gradients were all zero)."""
    w, vecs = np.linalg.eigh(stat)
    w = np.maximum(w, 0.0)
    top = w[-1]
    if not top > 0.0:
        return np.eye(stat.shape[0], dtype=stat.dtype)
    return (vecs * (w + eps * top) ** (-1.0 / p)) @ vecs.T


def shampoo(lr=1e-3, eps=1e-12, update_every=1, beta2=1.0, grafting="adam", momentum=0.9,
            graft_b2=0.999, graft_eps=1e-8, max_preconditioner_dim=1024):
    """Shampoo (Gupta, Koren & Singer, 2018): per-mode preconditioning of each
    parameter tensor, with grafting and momentum.

    For a gradient tensor ``G`` of order ``k`` (a matrix: ``k = 2``), each mode
    ``i`` keeps a statistic ``Sᵢ`` of size ``nᵢ × nᵢ``, the sum (``beta2 = 1``,
    the paper's accumulation) or the moving average (``beta2 < 1``:
    ``Sᵢ ← beta2 · Sᵢ + (1 − beta2) · G₍ᵢ₎ G₍ᵢ₎ᵀ``) of ``G₍ᵢ₎ G₍ᵢ₎ᵀ``, where
    ``G₍ᵢ₎`` is the mode-``i`` unfolding (``nᵢ`` rows).  The preconditioned
    direction is ``P = G ×₁ R₁ ×₂ R₂ … ×ₖ Rₖ`` with
    ``Rᵢ = (Sᵢ + eps · λ_max(Sᵢ) · I)^(−1/(2k))``; for a matrix
    ``P = L^(−1/4) G R^(−1/4)``.  The damping ``eps`` is *relative* to the
    largest eigenvalue of each statistic, so the method does not depend on
    the scale of the loss; the roots come from a symmetric eigendecomposition
    and are recomputed every ``update_every`` steps (the statistics are
    updated at every step).  A mode longer than ``max_preconditioner_dim`` is
    left unpreconditioned and ``k`` counts only the preconditioned modes
    (a scalar parameter is not preconditioned).

    Grafting (Agarwal et al.) takes the step size of another optimiser: each
    tensor's ``P`` is rescaled to the norm of the grafted direction,
    ``g / (sqrt(v̂) + graft_eps)`` for ``"adam"`` (``v̂`` the bias-corrected
    moving average of ``g²`` with rate ``graft_b2``), ``g / (sqrt(Σ g²) +
    graft_eps)`` for ``"adagrad"``, ``g`` for ``"sgd"``; ``None`` keeps ``P``.
    Momentum is applied once, to the grafted direction (heavy ball:
    ``buf ← momentum · buf + P``, ``update = −lr · buf``), so the grafted
    optimiser contributes its per-tensor step size but not its own momentum.

    >>> import numpy as np
    >>> from osculate.ml.optimizers import shampoo
    >>> G = np.array([[2.0, 0.0], [0.0, 0.5]])
    >>> opt = shampoo(lr=1.0, grafting=None, momentum=0.0, eps=0.0)
    >>> updates, state = opt.update(G, opt.init(np.zeros((2, 2))))
    >>> updates                                     # L^(−1/4) G R^(−1/4) = −(G G)^(−1/2) G
    array([[-1., -0.],
           [-0., -1.]])
    """
    who = "shampoo"
    lr = _lr(lr, who)
    eps = _number(eps, "eps", who)
    update_every = _count(update_every, "update_every", who)
    beta2 = _number(beta2, "beta2", who, 0.0, 1.0, low_open=True)
    if grafting not in _GRAFTS:
        raise ValueError(f"shampoo: grafting must be one of {list(_GRAFTS)}, got {grafting!r}")
    momentum = _number(momentum, "momentum", who)
    graft_b2 = _number(graft_b2, "graft_b2", who, 0.0, 1.0, high_open=True)
    graft_eps = _number(graft_eps, "graft_eps", who)
    max_dim = _count(max_preconditioner_dim, "max_preconditioner_dim", who)

    def init(params):
        p, td = _flat(params, who, "params")
        stats = [tuple(np.zeros((n, n), dtype=a.dtype) if n <= max_dim else None for n in a.shape) for a in p]
        roots = [tuple(None for _ in a.shape) for a in p]
        buf = tree_unflatten(td, [np.zeros_like(a) for a in p]) if momentum else None
        graft = [np.zeros_like(a) for a in p] if grafting in ("adam", "adagrad") else None
        return ShampooState(stats, roots, buf, graft, 0)

    def update(grads, state, params=None, batch=None):
        _check_state(state, ShampooState, who)
        g, p, td = _grads_and_params(grads, params, None, who, False)
        _check_shampoo_state(state, g)
        t = state.count + 1
        refresh = state.count % update_every == 0
        stats, roots, directions = [], [], []
        for gi, s_old, r_old in zip(g, state.stats, state.roots):
            s_new = tuple(None if s is None else _accumulate(s, _unfolded_gram(gi, i), beta2)
                          for i, s in enumerate(s_old))
            order = sum(s is not None for s in s_new)   # the preconditioned modes
            if refresh:
                r_new = tuple(None if s is None else _damped_inverse_root(s, 2 * order, eps) for s in s_new)
            else:
                r_new = r_old
            d = gi
            for i, r in enumerate(r_new):
                if r is not None:
                    d = _mode_product(r, d, i)
            stats.append(s_new)
            roots.append(r_new)
            directions.append(d)
        graft = state.graft
        if grafting is not None:
            if grafting == "adam":
                graft = [graft_b2 * a + (1.0 - graft_b2) * gi * gi for a, gi in zip(graft, g)]
                corr2 = 1.0 - graft_b2 ** t
                grafted = [gi / (np.sqrt(a / corr2) + graft_eps) for a, gi in zip(graft, g)]
            elif grafting == "adagrad":
                graft = [a + gi * gi for a, gi in zip(graft, g)]
                grafted = [gi / (np.sqrt(a) + graft_eps) for a, gi in zip(graft, g)]
            else:
                grafted = g
            scaled = []
            for d, gd in zip(directions, grafted):
                norm = np.linalg.norm(d)
                scaled.append(d * (np.linalg.norm(gd) / norm) if norm > 0 else np.zeros_like(d))
            directions = scaled
        new_buf = None
        if momentum:
            bufs = [momentum * b + d for b, d in zip(_state_leaves(state.momentum), directions)]
            directions = bufs
            new_buf = tree_unflatten(td, bufs)
        updates = tree_unflatten(td, [-lr * d for d in directions])
        return updates, ShampooState(stats, roots, new_buf, graft, t)

    return Optimizer("shampoo", init, update, False,
                     dict(lr=lr, eps=eps, update_every=update_every, beta2=beta2, grafting=grafting,
                          momentum=momentum, graft_b2=graft_b2, graft_eps=graft_eps,
                          max_preconditioner_dim=max_dim))


#: The factories of this module by name (``osculate.ml.training`` looks methods up here).
OPTIMIZERS = {"sgd": sgd, "adam": adam, "adamw": adamw, "adahessian": adahessian, "shampoo": shampoo}
