"""How close the cheap curvature estimates come to the exact one.

:func:`approximation_quality` takes a loss ``loss(params, batch)`` of the
kind :func:`osculate.ml.trace_network` understands (dense layers, a loss
that depends on the parameters through the last layer's pre-activation, one
row per example), builds the exact generalised Gauss-Newton matrix ``G``
of the loss on that batch as a dense ``n × n`` array, and measures each
estimate ``C`` against it in two ways:

* the relative Frobenius error ``‖C − G‖_F / ‖G‖_F``, on each diagonal
  block (one per dense layer, weight and bias together; one per other
  parameter array) and over the whole matrix.  Every estimate here is
  block-diagonal, so the overall error also counts the blocks between
  layers that all of them leave out; the row ``block-ggn`` (the exact
  blocks of ``G`` itself) shows that floor;
* the cosine between the estimate's damped preconditioned gradient
  ``(C + λI)⁻¹ g`` and the exact damped natural-gradient direction
  ``(G + λI)⁻¹ g``, with ``g`` the gradient of the loss on the batch.

The estimates (``methods``; all by default), with their scale conventions
for a loss that is a mean over the ``N`` examples:

``block-ggn``
    the exact diagonal blocks of ``G`` (the best any block-diagonal
    estimate can do);
``kfac``, ``kfac-fisher``, ``ekfac``
    :func:`osculate.ml.kfac_curvature` with ``kind="ggn"`` (exact output-Hessian
    square roots), ``kind="fisher"`` (``fisher_samples`` Monte-Carlo
    output samples) and EKFAC (``kind="ggn"``, eigenvalues refitted);
``diag-ggn``
    the exact diagonal of ``G`` (the best diagonal, in Frobenius norm);
``diag-ef``
    the diagonal of the empirical Fisher ``(1/N) Σᵢ ∇ℓᵢ ∇ℓᵢᵀ``;
``hutchinson``
    Hutchinson's estimate of the diagonal of the *Hessian* (not the GGN:
    it can be negative) from ``hutchinson_probes`` Rademacher probes, as
    AdaHessian measures it; its preconditioner uses ``|d|``, as AdaHessian
    does;
``adam``
    Adam's second moment as a curvature estimate: ``v̂ = mean_b g_b²``
    over the ``N // B`` minibatches of ``B = minibatch_size`` examples of
    the batch (a seeded partition), the value Adam's moving average tracks
    when the parameters move slowly, times ``B``.  Since
    ``E[B g_b²] = diag(EF) + (B − 1) ḡ²`` for minibatches drawn with
    replacement (``ḡ`` the batch gradient), ``B·v̂`` estimates the
    empirical-Fisher diagonal, biased up by the squared mean gradient;
``adam-step``
    Adam's own direction ``g / (√v̂ + 1e-8)`` (a square root, no ``B``):
    only its cosine is reported;
``shampoo``
    the matrix whose inverse square root Shampoo applies: for a weight
    matrix with statistics ``L = B·mean_b G_b G_bᵀ`` and
    ``R = B·mean_b G_bᵀ G_b``, Shampoo's step ``L^(−1/4) G R^(−1/4)`` is
    ``P^(−1/2) g`` with ``P = L^(1/2) ⊗ R^(1/2)`` (for a vector, ``P = S``;
    for an order-``k`` tensor ``P = ⊗ᵢ Sᵢ^(1/k)``).  ``P`` is compared after
    scaling it to the trace of the statistics, ``s·P`` with
    ``s = tr(L) / (tr L^(1/2) · tr R^(1/2))``, so that
    ``tr(s·P) = tr(L) = B·mean_b ‖G_b‖²`` (the trace of ``adam`` on that
    array).  For one rank-one gradient ``s·P = g gᵀ`` exactly.  Each
    parameter array is its own tensor, as in Shampoo (no weight-bias
    coupling);
``shampoo-step``
    Shampoo's own direction ``G ×ᵢ (Sᵢ + ε·λ_max(Sᵢ)·I)^(−1/(2k))`` with
    ``ε = 1e-12``: only its cosine;
``sgd``
    the gradient itself (``C = I``): only its cosine.

The dense ``G`` is ``Σᵢ Jᵢᵀ Hᵢ Jᵢ`` with ``Jᵢ`` example ``i``'s output
Jacobian, from one forward-mode pass over the parameters in chunks of
``chunk_size`` directions (:func:`osculate.jacfwd`), and ``Hᵢ`` the
(positive part of the) Hessian of the loss in that example's output row.
It needs ``N·K·n`` numbers for the Jacobian (``K`` outputs) and ``n²`` for
``G``, never ``n²`` per example; its time is reported as ``ggn_seconds``.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import scipy.linalg as sla

from ..ad.transforms import grad, hvp, jacfwd
from ..ad.tree import tree_flatten, tree_leaves, tree_unflatten
from ..linop import hessian_operator, hutchinson_diagonal
from .curvature import diagonal, kfac_curvature, layer_indices
from .layers import trace_network

__all__ = ["approximation_quality", "ApproximationQuality", "QualityRow", "exact_ggn", "METHODS"]

#: The estimates :func:`approximation_quality` knows, with a one-line description.
METHODS = {
    "block-ggn": "exact GGN blocks, one per layer (block-diagonal floor)",
    "kfac": "K-FAC, exact output-Hessian roots (kind='ggn')",
    "kfac-fisher": "K-FAC, Monte-Carlo Fisher (kind='fisher')",
    "ekfac": "EKFAC (K-FAC eigenbasis, exact eigenvalues)",
    "diag-ggn": "exact GGN diagonal",
    "diag-ef": "empirical-Fisher diagonal",
    "hutchinson": "Hutchinson diagonal of the Hessian",
    "adam": "Adam second moment x minibatch size",
    "adam-step": "Adam's direction g / sqrt(v)",
    "shampoo": "Shampoo statistic L^1/2 (x) R^1/2, trace-scaled",
    "shampoo-step": "Shampoo's direction L^-1/4 G R^-1/4",
    "sgd": "the gradient (C = I)",
}
_DIRECTION_ONLY = ("adam-step", "shampoo-step", "sgd")


@dataclasses.dataclass(frozen=True)
class QualityRow:
    """One estimate: relative Frobenius errors per block and overall
    (None for the rows that are directions only), the ratio of its trace
    to the GGN's, the cosine of its damped preconditioned gradient with
    the exact damped natural gradient, and the seconds it took to form the
    estimate and its preconditioned gradient (errors and cosine excluded)."""

    method: str
    description: str
    block_errors: tuple | None
    overall_error: float | None
    trace_ratio: float | None
    cosine: float
    seconds: float


@dataclasses.dataclass(frozen=True)
class ApproximationQuality:
    """The result of :func:`approximation_quality`: plain data,
    :meth:`table` for reading and :meth:`to_dict` for saving."""

    rows: tuple
    block_names: tuple
    block_sizes: tuple
    n_params: int
    n_examples: int
    damping: float
    ggn_seconds: float
    gradient_norm: float
    notes: tuple = ()

    def row(self, method):
        """The :class:`QualityRow` of ``method``."""
        for r in self.rows:
            if r.method == method:
                return r
        raise KeyError(f"ml: no row {method!r}; the rows are {[r.method for r in self.rows]}")

    def to_dict(self):
        """Everything as built-in types (lists, floats, None), e.g. for ``json.dump``."""
        return {
            "n_params": self.n_params,
            "n_examples": self.n_examples,
            "damping": self.damping,
            "ggn_seconds": self.ggn_seconds,
            "gradient_norm": self.gradient_norm,
            "blocks": [{"name": n, "size": s} for n, s in zip(self.block_names, self.block_sizes)],
            "rows": [
                {
                    "method": r.method,
                    "description": r.description,
                    "block_errors": None if r.block_errors is None else [float(e) for e in r.block_errors],
                    "overall_error": r.overall_error,
                    "trace_ratio": r.trace_ratio,
                    "cosine": r.cosine,
                    "seconds": r.seconds,
                }
                for r in self.rows
            ],
            "notes": list(self.notes),
        }

    def table(self):
        """A text table: one row per estimate, the relative Frobenius error
        per block and overall, the trace ratio and the cosine."""
        heads = [f"{n} ({s})" for n, s in zip(self.block_names, self.block_sizes)]
        cols = heads + ["overall", "trace/GGN", "cos(nat. grad.)", "time [s]"]
        width = [max(9, len(c)) for c in cols]
        name_w = max(12, *(len(r.method) for r in self.rows))
        lines = [
            f"relative Frobenius error vs the exact GGN ({self.n_params} parameters, {self.n_examples} examples; "
            f"exact GGN formed in {self.ggn_seconds:.2f} s); cosine with (GGN + {self.damping:g} I)^-1 g",
            f"{'method':<{name_w}}  " + "  ".join(f"{c:>{w}}" for c, w in zip(cols, width)),
        ]
        for r in self.rows:
            errs = list(r.block_errors) if r.block_errors is not None else [None] * len(heads)
            cells = [_cell(e, "{:.3f}") for e in errs + [r.overall_error]]
            cells += [_cell(r.trace_ratio, "{:.3g}"), _cell(r.cosine, "{:.3f}"), _cell(r.seconds, "{:.2f}")]
            lines.append(f"{r.method:<{name_w}}  " + "  ".join(f"{c:>{w}}" for c, w in zip(cells, width)))
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self):
        return self.table()


def _cell(value, fmt):
    return "-" if value is None else fmt.format(value)


# --------------------------------------------------------------------------- the exact GGN


def _flat_leaves(net):
    sizes = [x.size for x in net.leaves]
    split = np.cumsum(sizes)[:-1]

    def unflat(w):
        return [part.reshape(leaf.shape) for part, leaf in zip(np.split(w, split), net.leaves)]

    return np.concatenate([x.ravel() for x in net.leaves]).astype(float), unflat


def _head_roots(net):
    """``R`` (``N × K × K``) with ``R[i] R[i]ᵀ`` the positive part of the
    loss's Hessian in output row ``i`` (rows do not interact: one
    Hessian-vector product per output column serves every row)."""
    z = net.values[net.output.preactivation]
    n, k = z.shape
    hess = np.empty((n, k, k))
    for j in range(k):
        e = np.zeros((n, k))
        e[:, j] = 1.0
        hess[:, :, j] = np.asarray(hvp(net.head, z, e))
    hess = 0.5 * (hess + np.swapaxes(hess, 1, 2))
    lam, q = np.linalg.eigh(hess)
    return q * np.sqrt(np.clip(lam, 0.0, None))[:, None, :]


def _ggn_of_network(net, chunk_size):
    net._need_output("the exact GGN")
    net.check_rows()
    w, unflat = _flat_leaves(net)
    jac = np.asarray(jacfwd(lambda v: net.output_value(unflat(v)), chunk_size=chunk_size)(w))  # N × K × n
    m = np.matmul(np.swapaxes(_head_roots(net), 1, 2), jac).reshape(-1, w.size)  # rows Rᵢᵀ Jᵢ
    del jac
    return m.T @ m


def exact_ggn(loss, params, batch, chunk_size=128):
    """The generalised Gauss-Newton matrix ``Σᵢ Jᵢᵀ Hᵢ Jᵢ`` of
    ``loss(params, batch)`` as a dense array over the raveled parameters
    (the order of :func:`osculate.ravel_pytree`), from the network output
    found by :func:`osculate.ml.trace_network`.  For softmax cross-entropy
    and squared error it is the Fisher information of the model.

    >>> import numpy as np, osculate as osc
    >>> from osculate.ml.quality import exact_ggn
    >>> def loss(p, batch):                       # linear model, squared error: GGN = Hessian
    ...     X, y = batch
    ...     return 0.5 * np.mean((X @ p["W"] + p["b"] - y) ** 2)
    >>> rng = np.random.default_rng(0)
    >>> p = {"W": rng.normal(size=(3, 2)), "b": np.zeros(2)}
    >>> batch = (rng.normal(size=(6, 3)), rng.normal(size=(6, 2)))
    >>> w, unravel = osc.ravel_pytree(p)
    >>> bool(np.allclose(exact_ggn(loss, p, batch), osc.hessian(lambda v: loss(unravel(v), batch))(w)))
    True
    """
    return _ggn_of_network(trace_network(loss, params, batch), chunk_size)


# --------------------------------------------------------------------------- the estimates


def _partition(net):
    """Index sets of the diagonal blocks: one per dense layer, one per other leaf."""
    offsets = net.offsets
    names, blocks = [], []
    for k, layer in enumerate(net.layers):
        names.append(f"dense {k}")
        blocks.append(layer_indices(net, layer))
    for i in net.others:
        names.append(net.names[i])
        blocks.append(np.arange(offsets[i], offsets[i + 1]))
    return names, blocks


def _kfac_blocks(est, blocks):
    """The partition's diagonal blocks of a :class:`~osculate.ml.KFAC`
    estimate: ``("kron", (Q_A, Q_G, scales))`` per dense layer (the block is
    ``(Q_A ⊗ Q_G) diag(scales) (Q_A ⊗ Q_G)ᵀ``), ``("diag", d)`` per other leaf."""
    out = [("kron", (qa, qg, np.asarray(scale))) for (_, _, qa, qg, scale) in est.blocks]
    out += [("diag", np.ravel(est.others[i])) for i in est.net.others]
    if len(out) != len(blocks):
        raise AssertionError("ml: the K-FAC estimate and the partition disagree on the blocks")
    return out


def _diagonal_blocks(d, blocks):
    return [("diag", d[idx]) for idx in blocks]


def _block_difference(block, exact):
    """``‖C − B‖_F`` for one block ``C`` of an estimate and ``B`` of the GGN,
    formed without cancellation (a Kronecker block is compared in its own
    eigenbasis, where it is diagonal: the Frobenius norm does not change)."""
    kind, value = block
    if kind == "dense":
        return np.linalg.norm(value - exact)
    if kind == "diag":
        diff = exact.copy()
        diff[np.diag_indices_from(diff)] -= value
        return np.linalg.norm(diff)
    qa, qg, scale = value
    p, q = qa.shape[0], qg.shape[0]
    t = np.tensordot(qa, exact.reshape(p, q, p, q), axes=(0, 0))  # (Q_Aᵀ ⊗ Q_Gᵀ) B (Q_A ⊗ Q_G), mode by mode
    t = np.tensordot(qg, t, axes=(0, 1))
    t = np.tensordot(np.tensordot(t, qa, axes=(2, 0)), qg, axes=(2, 0))
    rotated = t.transpose(1, 0, 2, 3).reshape(p * q, p * q)
    rotated[np.diag_indices_from(rotated)] -= scale.ravel()
    return np.linalg.norm(rotated)


def _block_trace(block):
    kind, value = block
    return float(np.trace(value)) if kind == "dense" else float(np.sum(value if kind == "diag" else value[2]))


def _block_solve(block, r, damping):
    """``(C + damping·I)⁻¹ r`` on one block."""
    kind, value = block
    if kind == "diag":
        return r / (value + damping)
    if kind == "kron":
        qa, qg, scale = value
        m = r.reshape(qa.shape[0], qg.shape[0])
        return (qa @ ((qa.T @ m @ qg) / (scale + damping)) @ qg.T).ravel()
    a = value + damping * np.eye(len(r))
    try:
        return sla.cho_solve(sla.cho_factor(a, lower=True), r)
    except np.linalg.LinAlgError:  # not positive definite after damping: a plain solve
        return np.linalg.solve(a, r)


def _minibatch_gradients(loss, params, batch, n_examples, size, seed):
    """Gradient leaves of ``loss`` on each minibatch of ``size`` rows of ``batch``
    (a seeded partition; the remainder is dropped)."""
    leaves, treedef = tree_flatten(batch)
    if not all(np.ndim(x) >= 1 and np.shape(x)[0] == n_examples for x in leaves):
        raise ValueError(
            f"ml: the adam and shampoo estimates split the batch into minibatches along the first axis; every "
            f"array of the batch needs {n_examples} rows (one per example), got shapes "
            f"{[np.shape(x) for x in leaves]}"
        )
    size = int(min(max(size, 1), n_examples))
    order = np.random.default_rng(seed).permutation(n_examples)
    g = grad(loss)
    out = []
    for start in range(0, n_examples - size + 1, size):
        idx = order[start:start + size]
        mb = tree_unflatten(treedef, [np.asarray(x)[idx] for x in leaves])
        out.append([np.asarray(x, dtype=float) for x in tree_leaves(g(params, mb))])
    return out, size


def _mode_gram(g, mode):
    other = tuple(a for a in range(g.ndim) if a != mode)
    return np.tensordot(g, g, axes=(other, other))


def _psd_power(s, p):
    lam, q = np.linalg.eigh(0.5 * (s + s.T))
    return (q * np.clip(lam, 0.0, None) ** p) @ q.T


def _shampoo_statistics(grads, scale):
    """Per leaf, per mode: ``scale · mean_b G_(i) G_(i)ᵀ`` of the minibatch gradients."""
    return [[scale * np.mean([_mode_gram(g[j], i) for g in grads], axis=0) for i in range(grads[0][j].ndim)]
            for j in range(len(grads[0]))]


def _shampoo_matrix(stats, mean_square):
    """``s · ⊗ᵢ Sᵢ^(1/k)`` over the leaf's raveled entries, ``s`` matching
    traces; a scalar parameter (no modes) gets its scaled mean squared gradient."""
    if not stats:
        return np.atleast_2d(mean_square)
    k = len(stats)
    out = np.ones((1, 1))
    denom = 1.0
    for s in stats:
        root = _psd_power(s, 1.0 / k)
        out = np.kron(out, root)
        denom *= np.trace(root)
    total = np.trace(stats[0])
    return out * (total / denom if denom > 0 else 0.0)


def _shampoo_step(stats, g, eps=1e-12):
    """Shampoo's preconditioned direction ``g ×ᵢ (Sᵢ + ε λ_max I)^(−1/(2k))``."""
    k = len(stats)
    d = g
    for i, s in enumerate(stats):
        lam, q = np.linalg.eigh(0.5 * (s + s.T))
        lam = np.clip(lam, 0.0, None)
        if not lam[-1] > 0:
            continue
        root = (q * (lam + eps * lam[-1]) ** (-1.0 / (2 * k))) @ q.T
        d = np.moveaxis(np.tensordot(root, d, axes=(1, i)), 0, i)
    return d


def _leaf_blocks_to_partition(net, blocks, leaf_matrices):
    """Place per-leaf dense matrices (no coupling between leaves) into the
    partition's blocks."""
    offsets = net.offsets
    where = {}
    for b, idx in enumerate(blocks):
        for pos, flat in enumerate(idx):
            where[int(flat)] = (b, pos)
    out = [np.zeros((len(idx), len(idx))) for idx in blocks]
    for j, mat in enumerate(leaf_matrices):
        flat = np.arange(offsets[j], offsets[j + 1])
        b = where[int(flat[0])][0]
        pos = np.array([where[int(f)][1] for f in flat])
        out[b][np.ix_(pos, pos)] = mat
    return [("dense", m) for m in out]


# --------------------------------------------------------------------------- measuring


def _cosine(a, b):
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return float(a @ b / (na * nb)) if na > 0 and nb > 0 else float("nan")


def approximation_quality(loss, params, batch, damping=1e-3, methods=tuple(METHODS), minibatch_size=32,
                          hutchinson_probes=10, fisher_samples=1, seed=0, reduction="mean", chunk_size=128):
    """Compare curvature estimates of ``loss(params, batch)`` with its exact
    GGN (see the module documentation for the estimates and the measures).

    ``damping`` is the ``λ`` of the preconditioned directions; ``methods``
    a subset of :data:`METHODS`; ``minibatch_size`` the ``B`` of the adam
    and shampoo estimates; ``reduction`` says whether the loss is a mean or
    a sum over the examples (the scale of the empirical Fisher and of the
    adam estimate).  Returns an :class:`ApproximationQuality`.

    >>> import numpy as np
    >>> from osculate.ml.quality import approximation_quality
    >>> def loss(p, batch):
    ...     X, y = batch
    ...     z = np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
    ...     z = z - np.max(z, axis=1, keepdims=True)
    ...     return np.mean(np.log(np.sum(np.exp(z), axis=1)) - np.sum(z * y, axis=1))
    >>> rng = np.random.default_rng(0)
    >>> p = {"W1": rng.normal(size=(4, 5)) / 2, "b1": np.zeros(5), "W2": rng.normal(size=(5, 3)) / 2,
    ...      "b2": np.zeros(3)}
    >>> batch = (rng.normal(size=(16, 4)), np.eye(3)[rng.integers(0, 3, 16)])
    >>> q = approximation_quality(loss, p, batch, damping=1e-2, methods=("block-ggn", "kfac", "diag-ggn"))
    >>> q.block_names, q.block_sizes
    (('dense 0', 'dense 1'), (25, 18))
    >>> q.row("block-ggn").block_errors
    (0.0, 0.0)
    >>> bool(q.row("kfac").overall_error < q.row("diag-ggn").overall_error)
    True
    >>> print(q.table())  # doctest: +ELLIPSIS
    relative Frobenius error vs the exact GGN (43 parameters, 16 examples; ...
    method        dense 0 (25)  dense 1 (18)  overall  trace/GGN  cos(nat. grad.)  time [s]
    block-ggn            0.000         0.000  ...
    """
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"ml: unknown methods {unknown}; the methods are {list(METHODS)}")
    if not damping > 0:
        raise ValueError(f"ml: damping must be positive, got {damping!r}")
    if reduction not in ("mean", "sum"):
        raise ValueError(f"ml: reduction must be 'mean' or 'sum', not {reduction!r}")
    net = trace_network(loss, params, batch)
    t0 = time.perf_counter()
    G = _ggn_of_network(net, chunk_size)
    ggn_seconds = time.perf_counter() - t0
    names, blocks = _partition(net)
    n = G.shape[0]
    g = np.concatenate([np.ravel(x) for x in tree_leaves(grad(loss)(params, batch))]).astype(float)
    exact = sla.cho_solve(sla.cho_factor(G + damping * np.eye(n), lower=True), g)
    g_blocks = [G[np.ix_(idx, idx)] for idx in blocks]
    g_norms = [np.linalg.norm(b) for b in g_blocks]
    total_norm = np.linalg.norm(G)
    off_block_sq = max(total_norm ** 2 - sum(x ** 2 for x in g_norms), 0.0)
    trace_g = np.trace(G)

    cache = {}

    def minibatch():
        if "mb" not in cache:
            grads, size = _minibatch_gradients(loss, params, batch, net.n_examples, minibatch_size, seed)
            scale = size if reduction == "mean" else net.n_examples / size
            cache["mb"] = grads, scale
        return cache["mb"]

    def adam_v():
        grads, _ = minibatch()
        return np.mean([np.concatenate([x.ravel() for x in gs]) ** 2 for gs in grads], axis=0)

    def shampoo_stats():
        if "stats" not in cache:
            grads, scale = minibatch()
            cache["stats"] = _shampoo_statistics(grads, scale), scale
        return cache["stats"]

    rows = []
    for method in methods:
        t0 = time.perf_counter()
        mats = direction = None
        if method == "block-ggn":
            mats = [("dense", b) for b in g_blocks]
        elif method in ("kfac", "kfac-fisher", "ekfac"):
            kind = "fisher" if method == "kfac-fisher" else "ggn"
            est = kfac_curvature(loss, params, batch, kind=kind, ekfac=method == "ekfac", n_samples=fisher_samples,
                       seed=seed, reduction=reduction)
            mats = _kfac_blocks(est, blocks)
        elif method in ("diag-ggn", "diag-ef"):
            d = diagonal(loss, params, batch, kind="ggn" if method == "diag-ggn" else "empirical",
                         reduction=reduction)
            mats = _diagonal_blocks(np.concatenate([np.ravel(x) for x in tree_leaves(d)]), blocks)
        elif method == "hutchinson":
            w, unflat = _flat_leaves(net)
            op = hessian_operator(lambda v: net.loss_and_activations(unflat(v))[0], w)
            d = np.asarray(hutchinson_diagonal(op, n_probes=hutchinson_probes, seed=seed).estimate)
            mats = _diagonal_blocks(d, blocks)
            direction = g / (np.abs(d) + damping)  # AdaHessian's |d|
        elif method == "adam":
            _, scale = minibatch()
            mats = _diagonal_blocks(scale * adam_v(), blocks)
        elif method == "adam-step":
            direction = g / (np.sqrt(adam_v()) + 1e-8)
        elif method == "shampoo":
            stats, scale = shampoo_stats()
            grads, _ = minibatch()
            leaf_mats = [_shampoo_matrix(s, scale * np.mean([gs[j] ** 2 for gs in grads]))
                         for j, s in enumerate(stats)]
            mats = _leaf_blocks_to_partition(net, blocks, leaf_mats)
        elif method == "shampoo-step":
            stats, _ = shampoo_stats()
            leaves = np.split(g, net.offsets[1:-1])
            direction = np.concatenate([
                _shampoo_step(s, part.reshape(leaf.shape)).ravel() for s, part, leaf in zip(stats, leaves, net.leaves)
            ])
        else:  # sgd
            direction = g
        if direction is None:
            direction = np.zeros_like(g)
            for block, idx in zip(mats, blocks):
                direction[idx] = _block_solve(block, g[idx], damping)
        seconds = time.perf_counter() - t0
        if mats is None:
            errors = overall = trace_ratio = None
        else:
            diffs = [_block_difference(m, b) for m, b in zip(mats, g_blocks)]
            errors = tuple(float(e / x) if x > 0 else float("nan") for e, x in zip(diffs, g_norms))
            overall = float(np.sqrt(sum(e ** 2 for e in diffs) + off_block_sq) / total_norm)
            trace_ratio = float(sum(_block_trace(m) for m in mats) / trace_g)
        rows.append(QualityRow(method, METHODS[method], errors, overall, trace_ratio, _cosine(direction, exact),
                               seconds))
    notes = []
    if any(m in methods for m in ("adam", "adam-step", "shampoo", "shampoo-step")):
        grads, _ = minibatch()
        notes.append(f"adam/shampoo statistics: {len(grads)} minibatches of "
                     f"{min(minibatch_size, net.n_examples)} examples at fixed parameters")
    return ApproximationQuality(
        rows=tuple(rows), block_names=tuple(names), block_sizes=tuple(len(b) for b in blocks), n_params=n,
        n_examples=int(net.n_examples), damping=float(damping), ggn_seconds=float(ggn_seconds),
        gradient_norm=float(np.linalg.norm(g)), notes=tuple(notes),
    )
