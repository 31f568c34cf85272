"""Layer-wise curvature estimates: K-FAC, EKFAC and diagonals, from the trace.

For a dense layer ``s = a W + b`` (bias folded in as a last row of ones in
``a``), every curvature matrix here has the form, on that layer's block,

    C_l = Σ_i (a_i a_iᵀ) ⊗ (Σ_s g_si g_siᵀ)

where ``g_si`` are pre-activation cotangents chosen by ``kind``:

* ``"ggn"``: ``g_si = J_iᵀ c_is`` for the columns ``c_is`` of a square root
  of ``∇²_{z_i} loss`` (the loss's Hessian in example ``i``'s output row),
  so ``C`` is the exact generalised Gauss-Newton matrix of the loss as
  written (for softmax cross-entropy and squared error, the true Fisher).
  One backward pass per output column.
* ``"fisher"``: the Monte-Carlo version, ``c_is = Σ_k c_ik ξ_k / √S`` with
  standard normal ``ξ``: unbiased for the same matrix, ``n_samples`` backward
  passes.
* ``"empirical"``: the empirical Fisher of the per-example losses,
  ``g_i = √N ∂loss/∂s_i`` for a loss that is a mean over the ``N`` examples
  (``reduction="mean"``) or ``∂loss/∂s_i`` for a sum.

K-FAC replaces the sum over examples of Kronecker products by the Kronecker
product of averages, ``C_l ≈ A ⊗ G`` with ``A = Σ_i a_i a_iᵀ / N`` and
``G = Σ_i Σ_s g_si g_siᵀ``: exact when ``N = 1``.  EKFAC keeps K-FAC's
eigenbasis ``Q_A ⊗ Q_G`` and replaces its eigenvalues by the exact diagonal
of ``C_l`` in that basis.  Parameters outside dense layers get a diagonal
block (see :func:`diagonal`).

:class:`GGN` (made by :func:`ggn_product`) gives the exact products
``C v = Jᵀ ∇²head J v`` of the ``"ggn"`` matrix without forming it: one
linearised forward pass, one product with the head's Hessian and one
backward pass per vector; the natural-gradient and Hessian-free optimisers
and the approximation-quality studies use it.

Vectors are parameter pytrees (the structure of ``params``);
:meth:`KFAC.as_linear_operator` and :meth:`GGN.as_linear_operator` work on
the flat vector of :func:`osculate.ravel_pytree` (leaves in the order of
``tree_flatten``, each raveled in C order).

Random draws (``kind="fisher"``, the diagonals of parameters outside dense
layers) come from ``numpy.random.default_rng(seed)``; ``seed`` is an int or a
sequence of ints (an optimiser passes ``(seed, step)``).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import scipy.sparse.linalg as spla

from ..ad.reverse import vjp
from ..ad.staging import linearize
from ..ad.batching import vmap
from ..ad.transforms import grad, hvp
from ..ad.tree import tree_leaves, tree_unflatten
from .layers import Network, trace_network

__all__ = ["LayerStatistics", "layer_statistics", "KFAC", "kfac_curvature", "diagonal", "layer_indices",
           "GGN", "ggn_product", "ekfac_scales", "kfac_block", "to_flat", "to_tree"]

KINDS = ("ggn", "fisher", "empirical")


@dataclasses.dataclass(frozen=True)
class LayerStatistics:
    """What one batch says about one dense layer: activations ``a`` (``N ×
    (d_in [+1])``, a column of ones for the bias) and cotangents ``g``
    (``S × N × d_out``), such that the layer's curvature block is
    ``Σ_i (a_i a_iᵀ) ⊗ (Σ_s g_si g_siᵀ)``."""

    a: np.ndarray
    g: np.ndarray

    def factors(self):
        """K-FAC's Kronecker factors ``(A, G)``."""
        n = self.a.shape[0]
        return self.a.T @ self.a / n, np.einsum("sni,snj->ij", self.g, self.g)

    def exact_block(self):
        """The block ``Σ_i (a_i a_iᵀ) ⊗ (Σ_s g_si g_siᵀ)`` as a dense matrix
        (rows ordered like ``np.kron``: input index major)."""
        t = np.einsum("np,snq->snpq", self.a, self.g).reshape(self.g.shape[0] * self.a.shape[0], -1)
        return t.T @ t

    def exact_diagonal(self):
        """The diagonal of :meth:`exact_block`, as a ``(d_in [+1]) × d_out`` matrix."""
        return (self.a ** 2).T @ np.sum(self.g ** 2, axis=0)


def _check_kind(kind):
    if kind not in KINDS:
        raise ValueError(f"ml: kind must be one of {KINDS}, not {kind!r}")


def _output_roots(net, n_samples, kind, rng):
    """Square-root columns ``c`` (``S × N × K``) of the per-example output Hessians."""
    z = net.values[net.output.preactivation]
    n, k = z.shape
    probes = np.zeros((k, n, k))
    probes[np.arange(k), :, np.arange(k)] = 1.0  # probe j: unit j in every row (examples are independent)
    columns = vmap(lambda e: hvp(net.head, z, e))(probes)  # one batched product (staging it costs more)
    hess = np.moveaxis(np.asarray(columns), 0, 2)  # hess[i, :, j] = row i of H e_j
    hess = 0.5 * (hess + np.swapaxes(hess, 1, 2))
    lam, q = np.linalg.eigh(hess)
    roots = q * np.sqrt(np.clip(lam, 0.0, None))[:, None, :]  # roots[i] @ roots[i].T = hess[i] (PSD part)
    if kind == "ggn":
        return np.moveaxis(roots, 2, 0)
    xi = rng.standard_normal((n_samples, n, k))
    return np.einsum("nkj,snj->snk", roots, xi) / np.sqrt(n_samples)


def _backward_to_taps(net, leaves, cotangents):
    """Pre-activation cotangents of every layer for each output cotangent."""
    zeros = [np.zeros((net.n_examples, layer.d_out)) for layer in net.layers]
    _, pullback = vjp(lambda *taps: net.output_value(leaves, list(taps)), *zeros)
    per_layer = [[] for _ in net.layers]
    for c in cotangents:
        for out, ct in zip(per_layer, pullback(c)):
            out.append(np.asarray(ct))
    return [np.stack(g) for g in per_layer]


def layer_statistics(net: Network, kind="ggn", n_samples=1, seed=0, reduction="mean"):
    """:class:`LayerStatistics` for every dense layer of ``net`` at its batch.

    ``kind`` chooses the cotangents (see the module docs); ``n_samples``
    is the number of Monte-Carlo draws of ``kind="fisher"``; ``reduction``
    says whether the loss is a mean (the default) or a sum over examples,
    which only the empirical Fisher needs to know.

    >>> import numpy as np, osculate as osc
    >>> from osculate.ml.curvature import layer_statistics
    >>> loss = lambda p, b: 0.5 * np.mean((b[0] @ p["W"] - b[1]) ** 2)
    >>> net = osc.ml.trace_network(loss, {"W": np.ones((3, 2))}, (np.ones((4, 3)), np.zeros((4, 2))))
    >>> [(st.a.shape, st.g.shape) for st in layer_statistics(net, "ggn")]   # K = 2 output columns
    [((4, 3), (2, 4, 2))]
    """
    _check_kind(kind)
    if reduction not in ("mean", "sum"):
        raise ValueError(f"ml: reduction must be 'mean' or 'sum', not {reduction!r}")
    leaves = net.leaves
    zeros = [np.zeros((net.n_examples, layer.d_out)) for layer in net.layers]
    (_, acts), pullback = vjp(lambda *taps: net.loss_and_activations(leaves, list(taps)), *zeros)
    acts = [np.asarray(a, dtype=float) for a in acts]
    if kind == "empirical":
        scale = np.sqrt(net.n_examples) if reduction == "mean" else 1.0
        cts = pullback((1.0, [np.zeros_like(a) for a in acts]))
        gs = [scale * np.asarray(c)[None] for c in cts]
    else:
        net._need_output(f"kind={kind!r}")
        gs = _backward_to_taps(net, leaves, _output_roots(net, n_samples, kind, np.random.default_rng(seed)))
    out = []
    for layer, a, g in zip(net.layers, acts, gs):
        if layer.bias is not None:
            a = np.hstack([a, np.ones((a.shape[0], 1))])
        out.append(LayerStatistics(a, g))
    return out


def layer_indices(net: Network, layer):
    """Positions in the raveled parameter vector of the entries of the
    layer's ``(d_in [+1]) × d_out`` matrix (bias as the last row), in
    row-major order -- the order of :meth:`LayerStatistics.exact_block`."""
    offsets = net.offsets
    w = offsets[layer.weight] + np.arange(net.leaves[layer.weight].size).reshape(net.leaves[layer.weight].shape)
    rows = w.T if layer.transposed else w
    if layer.bias is not None:
        rows = np.vstack([rows, offsets[layer.bias] + np.arange(layer.d_out)[None]])
    return rows.ravel()


def _other_diagonals(net, kind, n_samples, seed, reduction):
    """Diagonal estimates for the leaves outside dense layers (``net.others``),
    unbiased by random signs over the examples; None when the loss has no
    output to sign (see :meth:`Network.check_rows`)."""
    if not net.others:
        return {}
    if net.output is None:
        return None
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1,)))  # a stream of its own
    z = net.values[net.output.preactivation]
    if kind == "empirical":
        _, pull = vjp(net.head, z)
        u = np.asarray(pull(1.0)[0]) * (np.sqrt(net.n_examples) if reduction == "mean" else 1.0)
        columns = [u[None]]
    else:
        columns = [_output_roots(net, n_samples, "ggn" if kind == "ggn" else "fisher", rng)]
    columns = np.concatenate(columns)
    _, pullback = vjp(lambda *ls: net.output_value(list(ls)), *net.leaves)
    acc = {i: np.zeros_like(net.leaves[i]) for i in net.others}
    draws = max(n_samples, 1)
    for _ in range(draws):
        signs = rng.choice([-1.0, 1.0], size=(z.shape[0], 1))
        for c in columns:
            grads = pullback(c * signs)
            for i in net.others:
                acc[i] += np.asarray(grads[i]) ** 2 / draws
    return acc


def ekfac_scales(stats: LayerStatistics, qa, qg):
    """The exact diagonal of a layer's block ``Σ_i (a_i a_iᵀ) ⊗ (Σ_s g_si
    g_siᵀ)`` in the basis ``qa ⊗ qg``, as a ``(d_in [+1]) × d_out`` matrix:
    EKFAC's eigenvalues (``qa``, ``qg``: eigenvectors of K-FAC's factors)."""
    return np.einsum("np,snq->pq", (stats.a @ qa) ** 2, np.einsum("snj,jq->snq", stats.g, qg) ** 2)


def kfac_block(A, G, stats=None):
    """``(A, G, qa, qg, scale)`` for factors ``A``, ``G``: their eigenvectors
    and the eigenvalues of the block in the basis ``qa ⊗ qg`` -- K-FAC's
    products ``λ_A λ_G`` (negative rounding clipped to zero), or EKFAC's
    exact ones when the layer's ``stats`` are given."""
    la, qa = np.linalg.eigh(A)
    lg, qg = np.linalg.eigh(G)
    if stats is not None:
        scale = ekfac_scales(stats, qa, qg)
    else:
        scale = np.outer(np.clip(la, 0, None), np.clip(lg, 0, None))
    return A, G, qa, qg, scale


class KFAC:
    """A K-FAC (or EKFAC) curvature estimate for one batch.

    ``blocks``: per dense layer, ``(A, G, qa, qg, scale)``: the factors,
    their eigenvectors and the block's eigenvalues in the basis ``qa ⊗ qg``
    (computed from ``stats``, or given, e.g. from running averages);
    ``others``: diagonal blocks ``{leaf index: array}`` for the remaining
    leaves.  ``matvec(v)`` and ``solve(v, damping)`` act on parameter
    pytrees; damping is added to the eigenvalues, so ``solve`` is the exact
    inverse of ``C + damping·I`` for the block-diagonal ``C``.
    """

    def __init__(self, net, stats, others, ekfac=False, blocks=None):
        self.net = net
        self.stats = stats
        self.ekfac = ekfac
        if blocks is None:
            blocks = [kfac_block(*st.factors(), st if ekfac else None) for st in stats]
        if len(blocks) != len(net.layers):
            raise ValueError(f"ml: {len(blocks)} K-FAC blocks for {len(net.layers)} dense layers")
        self.blocks = list(blocks)
        if others is None:
            names = ", ".join(net.names[i] for i in net.others)
            raise ValueError(
                f"ml: the parameters {names} are outside dense layers and the loss has no network output "
                "(a parameter is used after the last dense layer), so their diagonal cannot be estimated "
                "per example; restructure the loss, or use kind='empirical' with an optimiser's own diagonal"
            )
        self.others = others

    # -------------------------------------------------------------- products

    def _apply(self, v, fn):
        leaves = [np.asarray(x, dtype=float) for x in _leaves_of(self.net, v)]
        out = [None] * len(leaves)
        for layer, block in zip(self.net.layers, self.blocks):
            m = fn(layer.gradient_matrix(leaves), block)
            for i, part in layer.split(m).items():
                out[i] = part.reshape(leaves[i].shape)
        return leaves, out

    def matvec(self, v):
        """``C v`` for a parameter pytree ``v``."""
        def block_product(m, block):
            _, _, qa, qg, s = block
            return qa @ ((qa.T @ m @ qg) * s) @ qg.T

        leaves, out = self._apply(v, block_product)
        for i, d in self.others.items():
            out[i] = d * leaves[i]
        return tree_unflatten(self.net.treedef, out)

    def solve(self, v, damping):
        """``(C + damping·I)⁻¹ v`` for a parameter pytree ``v``."""
        damping = float(damping)
        if not damping >= 0:
            raise ValueError(f"ml: damping must be >= 0, not {damping!r}")
        if not damping > 0 and not (all(np.all(b[4] > 0) for b in self.blocks)
                                    and all(np.all(d > 0) for d in self.others.values())):
            raise ValueError("ml: K-FAC solve needs damping > 0 (the estimate is singular)")

        def block_solve(m, block):
            _, _, qa, qg, s = block
            return qa @ ((qa.T @ m @ qg) / (s + damping)) @ qg.T

        leaves, out = self._apply(v, block_solve)
        for i, d in self.others.items():
            out[i] = leaves[i] / (d + damping)
        return tree_unflatten(self.net.treedef, out)

    def to_dense(self):
        """The block-diagonal estimate as a dense matrix over the raveled parameters."""
        n = sum(x.size for x in self.net.leaves)
        out = np.zeros((n, n))
        for layer, (_, _, qa, qg, s) in zip(self.net.layers, self.blocks):
            q = np.kron(qa, qg)
            idx = layer_indices(self.net, layer)
            out[np.ix_(idx, idx)] = (q * s.ravel()) @ q.T
        offsets = self.net.offsets
        for i, d in self.others.items():
            k = offsets[i] + np.arange(d.size)
            out[k, k] = d.ravel()
        return out

    def as_linear_operator(self, damping=0.0, inverse=False):
        """A SciPy ``LinearOperator`` on the raveled parameter vector: ``C +
        damping·I``, or its inverse with ``inverse=True``."""
        if inverse:
            return _flat_operator(self.net, lambda t: self.solve(t, damping))
        return _flat_operator(self.net, self.matvec, damping)


def _leaves_of(net, tree):
    """The leaves of the parameter-shaped pytree ``tree``, checked against ``net``'s."""
    leaves = tree_leaves(tree)
    if len(leaves) != len(net.leaves) or any(np.shape(a) != b.shape for a, b in zip(leaves, net.leaves)):
        got = [np.shape(a) for a in leaves]
        want = [b.shape for b in net.leaves]
        raise ValueError(f"ml: the vector must have the structure and shapes of params: leaf shapes {got}, "
                         f"expected {want}")
    return leaves


def to_flat(net, tree):
    """A parameter-shaped pytree as one flat vector (the order of :func:`osculate.ravel_pytree`)."""
    return np.concatenate([np.ravel(np.asarray(x, dtype=float)) for x in _leaves_of(net, tree)])


def to_tree(net, v):
    """Inverse of :func:`to_flat`."""
    v = np.asarray(v, dtype=float).ravel()
    n = sum(x.size for x in net.leaves)
    if v.size != n:
        raise ValueError(f"ml: a flat parameter vector has {n} entries, got {v.size}")
    parts = np.split(v, net.offsets[1:-1])
    return tree_unflatten(net.treedef, [p.reshape(x.shape) for p, x in zip(parts, net.leaves)])


def _flat_operator(net, tree_fn, shift=0.0):
    """A SciPy ``LinearOperator`` for ``v -> tree_fn(v) + shift·v`` on raveled parameter vectors."""
    n = sum(x.size for x in net.leaves)

    def fn(v):
        out = to_flat(net, tree_fn(to_tree(net, v)))
        return out + shift * np.asarray(v, dtype=float).ravel() if shift else out

    return spla.LinearOperator((n, n), matvec=fn, rmatvec=fn, dtype=float)


class GGN:
    """Exact products with the generalised Gauss-Newton matrix ``C = Jᵀ H J``
    of a traced loss at its parameters and batch (``J`` the Jacobian of the
    network output in the parameters, ``H`` the Hessian of the loss head in
    the output; for softmax cross-entropy and squared error, ``C`` is the
    Fisher information).  Made by :func:`ggn_product`.

    The output map and the head's gradient are linearised once; a product
    ``matvec(v)`` then replays a forward (JVP) program, one head-Hessian
    product and one backward pass.  ``value`` is the loss and ``output`` the
    network output at the traced point; ``net`` the :class:`Network`.
    """

    def __init__(self, net: Network):
        net._need_output("the Gauss-Newton matrix")
        self.net = net
        leaves = tuple(net.leaves)
        z, self._jvp = linearize(lambda ls: net.output_value(list(ls)), leaves)
        self.output = np.asarray(z)
        _, self._pullback = vjp(lambda *ls: net.output_value(list(ls)), *leaves)
        _, self._head_hvp = linearize(grad(net.head), self.output)
        self.value = float(net.values[net.loss_ref])
        self.size = sum(x.size for x in net.leaves)

    def _product_leaves(self, leaves):
        u = np.asarray(self._head_hvp(np.asarray(self._jvp(tuple(leaves)))))
        return [np.asarray(x) for x in self._pullback(u)]

    def matvec(self, v, damping=0.0):
        """``(C + damping·I) v`` for a parameter pytree ``v``."""
        leaves = [np.asarray(x, dtype=float) for x in _leaves_of(self.net, v)]
        out = self._product_leaves(leaves)
        if damping:
            out = [o + damping * x for o, x in zip(out, leaves)]
        return tree_unflatten(self.net.treedef, out)

    __call__ = matvec

    def quadratic(self, v, gradient):
        """The model ``gᵀv + ½ vᵀ C v`` of the change of the loss along ``v``."""
        return float(to_flat(self.net, gradient) @ to_flat(self.net, v)
                     + 0.5 * to_flat(self.net, v) @ to_flat(self.net, self.matvec(v)))

    def as_linear_operator(self, damping=0.0):
        """``C + damping·I`` as a SciPy ``LinearOperator`` on the raveled parameter vector."""
        return _flat_operator(self.net, self.matvec, damping)

    def to_dense(self):
        """``C`` as a dense matrix over the raveled parameters (all columns in
        one batched forward replay and one batched head product)."""
        eye = np.eye(self.size)
        parts = np.split(eye, self.net.offsets[1:-1], axis=1)
        tangents = tuple(p.reshape((self.size,) + x.shape) for p, x in zip(parts, self.net.leaves))
        J = np.asarray(self._jvp.batch(tangents)).reshape(self.size, -1)  # row j: J e_j
        HJ = np.asarray(self._head_hvp.batch(J.reshape((self.size,) + self.output.shape))).reshape(self.size, -1)
        out = J @ HJ.T
        return 0.5 * (out + out.T)


def ggn_product(loss, params, batch):
    """The exact generalised Gauss-Newton matrix of ``loss(params, batch)``
    as a :class:`GGN` (products with parameter pytrees, a flat
    ``LinearOperator``, or dense for small models).  The loss must depend
    on the parameters only through the pre-activation of its last dense
    layer (see :func:`osculate.ml.describe`).

    >>> import numpy as np, osculate as osc
    >>> def loss(p, batch):
    ...     X, y = batch
    ...     return 0.5 * np.mean((np.tanh(X @ p["W1"]) @ p["W2"] - y) ** 2)
    >>> rng = np.random.default_rng(0)
    >>> p = {"W1": rng.normal(size=(3, 4)), "W2": rng.normal(size=(4, 2))}
    >>> batch = (rng.normal(size=(5, 3)), rng.normal(size=(5, 2)))
    >>> from osculate.ml.curvature import ggn_product
    >>> C = ggn_product(loss, p, batch)
    >>> v = {"W1": np.ones((3, 4)), "W2": np.zeros((4, 2))}
    >>> Cv = C.matvec(v)                          # a pytree like p
    >>> flat, unravel = osc.ravel_pytree(p)
    >>> model = lambda w: np.tanh(batch[0] @ unravel(w)["W1"]) @ unravel(w)["W2"]
    >>> head = lambda z: 0.5 * np.mean((z - batch[1]) ** 2)
    >>> dense = osc.ggn_operator(model=model, loss=head, x=flat).to_dense()
    >>> bool(np.allclose(osc.ravel_pytree(Cv)[0], dense @ osc.ravel_pytree(v)[0]))
    True
    """
    return GGN(trace_network(loss, params, batch))


def kfac_curvature(loss, params, batch, kind="ggn", ekfac=False, n_samples=1, seed=0, reduction="mean"):
    """K-FAC (``ekfac=True``: EKFAC) estimate of the curvature of
    ``loss(params, batch)``, with the layers found in its trace.

    >>> import numpy as np, osculate as osc
    >>> def loss(p, batch):
    ...     X, y = batch
    ...     return 0.5 * np.mean((X @ p["W"] + p["b"] - y) ** 2)
    >>> rng = np.random.default_rng(0)
    >>> p = {"W": rng.normal(size=(3, 2)), "b": np.zeros(2)}
    >>> batch = (rng.normal(size=(1, 3)), rng.normal(size=(1, 2)))  # one example: K-FAC is exact
    >>> C = osc.ml.kfac_curvature(loss, p, batch).to_dense()
    >>> bool(np.allclose(C, osc.hessian(lambda w: loss(osc.ravel_pytree(p)[1](w), batch))(osc.ravel_pytree(p)[0])))
    True
    """
    net = trace_network(loss, params, batch)
    if not net.layers and not net.others:
        raise ValueError("ml: the loss has no parameters")
    stats = layer_statistics(net, kind, n_samples, seed, reduction)
    others = _other_diagonals(net, kind, n_samples, seed, reduction)
    return KFAC(net, stats, others, ekfac=ekfac)


def diagonal(loss, params, batch, kind="ggn", n_samples=1, seed=0, reduction="mean"):
    """The diagonal of the GGN / Fisher / empirical Fisher of
    ``loss(params, batch)`` as a pytree like ``params``: exact on dense
    layers (per-example squares from the layer statistics), an unbiased
    random-sign estimate on other parameters.

    >>> import numpy as np, osculate as osc
    >>> def loss(p, batch):
    ...     X, y = batch
    ...     return 0.5 * np.mean((X @ p["W"] - y) ** 2)
    >>> X = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> osc.ml.diagonal(loss, {"W": np.zeros((2, 1))}, (X, np.zeros((2, 1))))["W"]  # diag of XᵀX / N
    array([[ 5.],
           [10.]])
    """
    net = trace_network(loss, params, batch)
    stats = layer_statistics(net, kind, n_samples, seed, reduction)
    others = _other_diagonals(net, kind, n_samples, seed, reduction)
    if others is None:
        raise ValueError("ml: parameters outside dense layers need the loss's output (see Network.describe)")
    out = [None] * len(net.leaves)
    for layer, st in zip(net.layers, stats):
        for i, part in layer.split(st.exact_diagonal()).items():
            out[i] = part.reshape(net.leaves[i].shape)
    for i, d in others.items():
        out[i] = d
    return tree_unflatten(net.treedef, out)
