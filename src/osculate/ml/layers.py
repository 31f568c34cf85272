"""Dense layers found in the trace of a plain NumPy loss.

``loss(params, batch)`` is staged once per batch shape with the batch held
constant (:func:`osculate.ad.jit.stage_replayable`), which yields the list of
primitive applications the loss performs.  A *dense layer* is a ``matmul``
whose right operand is a two-dimensional parameter leaf ``W`` (or its
transpose ``W.T``, the ``(out, in)`` storage of torch) and whose left operand
is a two-dimensional activation ``a`` with one row per example; when its
result is used only by an ``add`` of a one-dimensional parameter leaf ``b``,
that is the layer's bias.  The layer's *pre-activation* is ``s = a W (+ b)``.
A leaf used in any other way (shared weights, a scale, an embedding) is not
part of a layer: the curvature estimates give it a diagonal block.

:class:`Network` replays the staged equations by binding their primitives,
so every transformation applies to the replay, with two additions: a *tap*
added to each layer's pre-activation (``s + t``; ``∂L/∂t`` is the
pre-activation cotangent, one row per example) and the activations recorded
on the way.  The *output* is the last layer's pre-activation when the loss
depends on the parameters through it alone; the loss is then
``head(output(θ))`` and its generalised Gauss-Newton matrix is
``Jᵀ ∇²head J``.

Rows are examples: the curvature estimates assume, as every K-FAC
implementation does, that row ``i`` of a pre-activation affects only the
loss of example ``i`` (no batch normalisation or other cross-example
operations); :meth:`Network.check_rows` tests this on the output.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..ad.jit import stage_replayable
from ..ad.prims.arithmetic import add_p
from ..ad.prims.linalg import matmul_p
from ..ad.prims.structural import transpose_p
from ..ad.tree import tree_flatten, tree_unflatten
from ..sparse import hessian_sparsity

__all__ = ["DenseLayer", "Network", "trace_network", "describe"]


@dataclasses.dataclass(frozen=True)
class DenseLayer:
    """One dense layer ``s = a @ W (+ b)`` found in the trace.

    ``weight`` and ``bias`` are indices into the flat list of parameter
    leaves (``bias`` None without one); ``transposed`` means the loss used
    ``a @ W.T``; ``d_in``/``d_out`` are the widths of ``a`` and ``s``.
    """

    name: str
    weight: int
    bias: int | None
    transposed: bool
    d_in: int
    d_out: int
    activation: Any  # the variable of a, or the constant array itself (the input)
    preactivation: int  # the variable of s

    @property
    def n_params(self) -> int:
        return (self.d_in + (self.bias is not None)) * self.d_out

    def gradient_matrix(self, leaves):
        """The layer's parameters as one ``(d_in [+1]) × d_out`` matrix
        (bias as the last row), in the orientation of ``a @ W``."""
        w = np.asarray(leaves[self.weight])
        w = w.T if self.transposed else w
        if self.bias is None:
            return w
        return np.vstack([w, np.asarray(leaves[self.bias]).reshape(1, -1)])

    def split(self, matrix):
        """Inverse of :meth:`gradient_matrix`: ``{leaf index: array}``."""
        w = matrix[: self.d_in]
        out = {self.weight: w.T if self.transposed else w}
        if self.bias is not None:
            out[self.bias] = matrix[self.d_in]
        return out


def _leaf_paths(treedef):
    """The name of every leaf of ``treedef``: ``['W1']``, ``[0][1]``, ``.w``."""
    out = []

    def walk(node, prefix):
        if node.kind == "leaf":
            out.append(prefix or "params")
            return
        if node.kind == "dict":
            names = [f"[{k!r}]" for k in node.meta]
        elif node.kind == "namedtuple":
            names = [f".{k}" for k in node.meta._fields]
        elif node.kind == "dataclass":
            names = [f".{k}" for k in node.meta[1]]
        else:
            names = [f"[{i}]" for i in range(len(node.children))]
        for name, child in zip(names, node.children):
            walk(child, prefix + name)

    walk(treedef, "")
    return out


class Network:
    """A loss staged at one batch, with its dense layers.

    Made by :func:`trace_network`.  ``layers`` are in program order;
    ``others`` are the leaf indices no layer claims; ``output`` is the layer
    whose pre-activation carries all of the loss's dependence on the
    parameters (None when there is none, e.g. a weight reused after the last
    layer); ``n_examples`` is the number of rows of the pre-activations.
    """

    def __init__(self, loss, params, batch):
        leaves, self.treedef = tree_flatten(params)
        self.leaves = [np.asarray(x) for x in leaves]
        self.names = _leaf_paths(self.treedef)
        for name, x in zip(self.names, self.leaves):
            if x.dtype.kind != "f":
                raise TypeError(f"ml: parameter {name} has dtype {x.dtype}; parameters must be real floating point")
        #: where each leaf starts in the raveled parameter vector (and, last, its length)
        self.offsets = np.cumsum([0] + [x.size for x in self.leaves])
        self.loss = loss
        self.batch = batch

        def flat(ls):
            out = loss(tree_unflatten(self.treedef, list(ls)), batch)
            if np.ndim(out) != 0:
                raise ValueError(f"ml: the loss must return a scalar; it returned shape {np.shape(out)}")
            return [out]

        program, captured = stage_replayable(flat, self.leaves, None)
        if captured:
            raise ValueError("ml: the loss closes over values traced by an enclosing transformation")
        kind, self.loss_ref = program.out_refs[0]
        if kind != "var":
            raise ValueError("ml: the loss does not depend on the parameters")
        self.eqns = program.eqns
        self.in_vars = program.in_vars
        self.values = self._evaluate()  # every variable's value at the staged point
        self.layers = self._find_layers()
        claimed = {i for layer in self.layers for i in (layer.weight, layer.bias) if i is not None}
        self.others = [i for i in range(len(self.leaves)) if i not in claimed]
        self.output, self._head_start = self._find_output()
        self.n_examples = np.shape(self.values[self.layers[0].preactivation])[0] if self.layers else None

    # ------------------------------------------------------------------ discovery

    def _evaluate(self):
        env = dict(zip(self.in_vars, self.leaves))
        with np.errstate(all="ignore"):
            for e in self.eqns:
                out = e.prim.impl(*[c if r is None else env[r] for r, c in zip(e.refs, e.consts)], **e.params)
                env.update(zip(e.outs, out if e.prim.multiple_results else (out,)))
        return env

    def _find_layers(self):
        leaf_of = {v: i for i, v in enumerate(self.in_vars)}
        uses: dict = {}
        for e in self.eqns:
            for r in e.refs:
                if r is not None:
                    uses[r] = uses.get(r, 0) + 1
        transposed_of = {}  # variable -> index of the 2-D leaf it is the transpose of
        for e in self.eqns:
            if (e.prim is transpose_p and e.refs[0] in leaf_of and self.leaves[leaf_of[e.refs[0]]].ndim == 2
                    and e.params.get("axes") in (None, (1, 0))):
                transposed_of[e.out] = leaf_of[e.refs[0]]
        users = {}
        for e in self.eqns:
            for r in e.refs:
                users.setdefault(r, []).append(e)
        found = []
        for e in self.eqns:
            if e.prim is not matmul_p:
                continue
            ra, rw = e.refs
            if rw in leaf_of and uses[rw] == 1:
                w, transposed = leaf_of[rw], False
            elif rw in transposed_of and uses[rw] == 1 and uses[self.in_vars[transposed_of[rw]]] == 1:
                w, transposed = transposed_of[rw], True
            else:
                continue
            a = e.consts[0] if ra is None else self.values[ra]
            if np.ndim(a) != 2 or self.leaves[w].ndim != 2 or ra in leaf_of or ra in transposed_of:
                continue
            d_in, d_out = self.leaves[w].shape[::-1] if transposed else self.leaves[w].shape
            out, bias = e.out, None
            if uses.get(out) == 1:
                add = users[out][0]
                (other,) = [r for r in add.refs if r != out] or [None]
                if (add.prim is add_p and other in leaf_of and uses[other] == 1
                        and self.leaves[leaf_of[other]].shape in ((d_out,), (1, d_out))):
                    bias, out = leaf_of[other], add.out
            found.append(DenseLayer(
                name=self.names[w], weight=w, bias=bias, transposed=transposed, d_in=d_in, d_out=d_out,
                activation=ra if ra is not None else np.asarray(e.consts[0]), preactivation=out))
        rows = {np.shape(self.values[layer.preactivation])[0] for layer in found}
        if len(rows) > 1:  # layers over different numbers of rows: not one batch of examples
            return []
        return found

    def _find_output(self):
        """The last layer, when the loss depends on the parameters through its
        pre-activation only, and the index of the first equation after it."""
        if not self.layers:
            return None, None
        last = self.layers[-1]
        roots = {v: {v} for v in self.in_vars}
        start = None
        for k, e in enumerate(self.eqns):
            for o in e.outs:
                if o == last.preactivation:
                    roots[o], start = {"output"}, k + 1
                else:
                    roots[o] = set().union(*[roots.get(r, set()) for r in e.refs if r is not None])
        if roots.get(self.loss_ref, set()) <= {"output"}:
            return last, start
        return None, None

    # ------------------------------------------------------------------ replay

    def _replay(self, env, eqns, taps=None, stop=None):
        for e in eqns:
            out = e.prim.bind(*[c if r is None else env[r] for r, c in zip(e.refs, e.consts)], **e.params)
            for v, o in zip(e.outs, out if e.prim.multiple_results else (out,)):
                env[v] = o + taps[v] if taps is not None and v in taps else o
            if stop is not None and stop in e.outs:
                break
        return env

    def _taps(self, taps):
        if taps is None:
            return None
        if len(taps) != len(self.layers):
            raise ValueError(f"ml: {len(taps)} taps given for {len(self.layers)} layers")
        return {layer.preactivation: t for layer, t in zip(self.layers, taps) if t is not None}

    def loss_and_activations(self, leaves, taps=None):
        """The loss at parameter leaves ``leaves`` (tracers allowed) and the
        activations ``a`` of the layers; ``taps`` (one array per layer, or
        None) are added to the pre-activations, so ``∂loss/∂taps`` are the
        pre-activation cotangents."""
        env = self._replay(dict(zip(self.in_vars, leaves)), self.eqns, self._taps(taps))
        acts = [env[layer.activation] if isinstance(layer.activation, int) else layer.activation
                for layer in self.layers]
        return env[self.loss_ref], acts

    def _need_output(self, what):
        if self.output is None:
            raise ValueError(
                f"ml: {what} needs the loss to depend on the parameters only through the pre-activation of "
                "its last dense layer (the network's output); here it does not (a parameter is used after it, "
                "or no dense layer was found). Use kind='empirical', or the exact osc.ggn_operator with an "
                "explicit model and loss."
            )

    def output_value(self, leaves, taps=None):
        """The output ``z`` (the last layer's pre-activation, taps added)."""
        self._need_output("the output")
        env = self._replay(dict(zip(self.in_vars, leaves)), self.eqns, self._taps(taps), stop=self.output.preactivation)
        return env[self.output.preactivation]

    def head(self, z):
        """The loss as a function of the output ``z`` alone."""
        self._need_output("the loss head")
        env = dict(self.values)
        env[self.output.preactivation] = z
        return self._replay(env, self.eqns[self._head_start:])[self.loss_ref]

    def check_rows(self):
        """Raise ValueError when the loss's Hessian in the output couples two
        examples (rows), which the layer-wise estimates assume it does not."""
        self._need_output("the row check")
        z = self.values[self.output.preactivation]
        n, k = z.shape
        pattern = hessian_sparsity(lambda zf: self.head(zf.reshape(n, k)), z.ravel()).tocoo()
        bad = pattern.row // k != pattern.col // k
        if bad.any():
            i, j = pattern.row[bad][0] // k, pattern.col[bad][0] // k
            raise ValueError(
                f"ml: the loss couples examples {i} and {j} through the network output (a cross-example "
                "operation such as batch normalisation or a batch-wide softmax); K-FAC and the per-example "
                "diagonals do not apply. Use the exact osc.ggn_operator instead."
            )

    def describe(self) -> str:
        """A table of the curvature blocks: one per dense layer, diagonal for the rest."""
        lines = [f"{'block':<8} {'parameters':<28} {'shape':<16} {'size':>8}  input"]
        for k, layer in enumerate(self.layers):
            names = self.names[layer.weight] + (".T" if layer.transposed else "")
            if layer.bias is not None:
                names += " + " + self.names[layer.bias]
            source = "batch" if not isinstance(layer.activation, int) else (
                "layer " + str(self._source_layer(layer)) if self._source_layer(layer) is not None else "computed")
            kron = f"K-FAC {layer.d_in + (layer.bias is not None)}x{layer.d_out}"
            lines.append(f"{'dense ' + str(k):<8} {names:<28} {kron:<16} {layer.n_params:>8}  {source}")
        for i in self.others:
            lines.append(f"{'diag':<8} {self.names[i]:<28} {str(self.leaves[i].shape):<16} {self.leaves[i].size:>8}  "
                         + self.why_diagonal(i))
        if self.output is not None:
            out = f"output: pre-activation of dense {len(self.layers) - 1}, {self.n_examples} examples x {self.output.d_out}"
        else:
            out = ("output: none (no dense layer found): no layer-wise estimate applies; use the exact "
                   "osc.hessian_operator or osc.hutchinson_diagonal" if not self.layers else
                   "output: none (the loss uses parameters after the last dense layer): only empirical "
                   "estimates apply, to the dense layers")
        return "\n".join(lines + [out])

    def why_diagonal(self, i):
        """Why leaf ``i`` (one of ``others``) has a diagonal block: the
        operations that use it, e.g. ``'not a layer: used by mul'`` or
        ``'not a layer: used by matmul x2'`` (a shared weight)."""
        var = self.in_vars[i]
        counts: dict = {}
        for e in self.eqns:
            for r in e.refs:
                if r == var:
                    counts[e.prim.name] = counts.get(e.prim.name, 0) + 1
        if not counts:
            return "unused by the loss"
        if counts == {"matmul": 1}:
            (e,) = [e for e in self.eqns if e.prim is matmul_p and var in e.refs]
            if self.leaves[i].ndim != 2:
                return f"not a layer: a {self.leaves[i].ndim}-D weight in a matmul (a dense layer's is a 2-D matrix)"
            if e.refs[0] == var:
                return "not a layer: multiplies from the left (a dense layer is a @ W, rows are examples)"
            if not self.layers:
                return "not a layer: its input is not a 2-D batch of rows, or the matmuls differ in rows"
        return "not a layer: used by " + ", ".join(f"{k} x{c}" if c > 1 else k for k, c in counts.items())

    def _source_layer(self, layer):
        """Index of the layer whose pre-activation ``layer``'s input is computed from, if any."""
        index = {l.preactivation: k for k, l in enumerate(self.layers)}
        producer = {o: e for e in self.eqns for o in e.outs}
        v, seen = layer.activation, 0
        while v in producer and seen < 64:  # follow the chain of one-input operations back
            if v in index:
                return index[v]
            refs = [r for r in producer[v].refs if r is not None]
            if len(refs) != 1:
                return None
            v, seen = refs[0], seen + 1
        return index.get(v)


def trace_network(loss, params, batch):
    """Stage ``loss(params, batch)`` and find its dense layers (see the module docs).

    >>> import numpy as np, osculate as osc
    >>> def loss(p, batch):
    ...     X, y = batch
    ...     z = np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
    ...     return 0.5 * np.mean((z - y) ** 2)
    >>> rng = np.random.default_rng(0)
    >>> p = {"W1": rng.normal(size=(3, 4)), "b1": np.zeros(4), "W2": rng.normal(size=(4, 2)), "b2": np.zeros(2)}
    >>> net = osc.ml.trace_network(loss, p, (rng.normal(size=(5, 3)), rng.normal(size=(5, 2))))
    >>> [(layer.name, layer.d_in, layer.d_out) for layer in net.layers]
    [("['W1']", 3, 4), ("['W2']", 4, 2)]
    """
    return Network(loss, params, batch)


def describe(loss, params, batch) -> str:
    """Which curvature blocks osculate finds in ``loss(params, batch)``: a
    K-FAC block per dense layer (bias folded in), a diagonal block for every
    other parameter, and the output used by the Gauss-Newton estimates.

    >>> import numpy as np, osculate as osc
    >>> def loss(p, batch):
    ...     X, y = batch
    ...     return np.mean((np.tanh(X @ p["W"] + p["b"]) * p["scale"] - y) ** 2)
    >>> p = {"W": np.ones((3, 2)), "b": np.zeros(2), "scale": np.ones(2)}
    >>> print(osc.ml.describe(loss, p, (np.ones((4, 3)), np.zeros((4, 2)))))  # doctest: +NORMALIZE_WHITESPACE
    block    parameters                   shape                size  input
    dense 0  ['W'] + ['b']                K-FAC 4x2               8  batch
    diag     ['scale']                    (2,)                    2  not a layer: used by mul
    output: none (the loss uses parameters after the last dense layer): only empirical estimates apply, to the dense layers
    """
    return trace_network(loss, params, batch).describe()
