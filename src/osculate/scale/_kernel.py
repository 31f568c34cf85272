"""What runs on one chunk of a finite sum: the worker side of :class:`FiniteSum`.

A :class:`Kernel` holds the user's ``fn`` and how to read its output; it is
pickled to every Dask worker (or called in process).  Its derivatives are
staged with :func:`osculate.jit` the first time a process needs them and
kept in :data:`_STAGED`, one entry per (finite sum, operation): ``jit`` then
keeps one program per chunk shape, so a worker stages once per chunk shape
and replays at every iteration.

The operations, each returning a tuple that is summed over chunks:

============== ===========================================================
``value``      ``(f,)``
``value_grad`` ``(f, g)``
``hessian``    ``(f, g, H)``
``hvp``        ``(H V,)`` for a block ``V`` of shape ``(n, k)``
``gauss``      ``(½‖r‖², JᵀJ, Jᵀr, m)`` (residual sums only; ``m``
               residuals)
``gn_product`` ``(Jᵀ J V,)`` (residual sums only)
``scores``     ``(Σ sᵢsᵢᵀ, count)``: per-row scores when ``fn`` returns one
               value (or residual) per row, else the chunk's ``g gᵀ``
============== ===========================================================
"""
from __future__ import annotations

from collections import OrderedDict

import numpy as np

from ..ad.jit import jit
from ..ad.transforms import hessian, hvp, jacfwd, value_and_grad, vmap
from ..ad.tree import tree_unflatten
from ..sparse._staging import Staging

__all__ = ["Kernel", "OPERATIONS", "tree_sum", "prepare_chunk", "common_rows", "FAN_IN"]

#: operations a kernel answers
OPERATIONS = ("value", "value_grad", "hessian", "hvp", "gauss", "gn_product", "scores")

#: how many partial results one reduction task adds (the tree's fan-in)
FAN_IN = 8

#: staged derivatives of this process, by (kernel token, operation); bounded
_STAGED: OrderedDict = OrderedDict()
_STAGED_MAX = 64


class ChunkError(ValueError):
    """A chunk of a finite sum is malformed (names the partition)."""


def common_rows(arrays, where="", error=ValueError):
    """The number of rows (first axis) that all ``arrays`` share; ``error``
    (prefixed by ``where``) for a scalar leaf or leaves of different lengths."""
    for a in arrays:
        if a.ndim == 0:
            raise error(f"{where}a data leaf is a scalar; every leaf needs a first axis of rows "
                        f"(pass constants through fn's closure)")
    rows = {a.shape[0] for a in arrays}
    if len(rows) != 1:
        raise error(f"{where}the data leaves have different numbers of rows {sorted(rows)}; every leaf "
                    f"must be split along the same rows")
    return rows.pop()


def prepare_chunk(index, leaves, nan_policy, empty):
    """Check one partition and apply the NaN policy; returns ``(index, leaves)``
    with the leaves as NumPy arrays, or ``(index, None)`` for an empty chunk
    that ``empty="skip"`` allows.

    Every leaf must have the same number of rows (its first axis).  With
    ``nan_policy="raise"`` a row with a NaN in any floating leaf is an error
    naming the partition and the row; ``"drop"`` removes such rows.
    """
    arrs = [np.asarray(leaf) for leaf in leaves]
    common_rows(arrs, f"partition {index}: ", ChunkError)
    bad = np.zeros(arrs[0].shape[0], dtype=bool)
    for a in arrs:
        if np.issubdtype(a.dtype, np.inexact) and a.size:
            bad |= np.isnan(a).reshape(a.shape[0], -1).any(axis=1)
    if bad.any():
        if nan_policy == "raise":
            row = int(np.flatnonzero(bad)[0])
            raise ChunkError(f"partition {index}: {int(bad.sum())} row(s) contain NaN (first: row {row} "
                             f"of the partition); pass nan_policy='drop' to leave them out")
        arrs = [a[~bad] for a in arrs]
    if arrs[0].shape[0] == 0:
        if empty == "raise":
            what = "has no rows left after dropping NaN rows" if bad.any() else "is empty (0 rows)"
            raise ChunkError(f"partition {index} {what}; pass empty='skip' to leave empty "
                             f"partitions out, or repartition the data")
        return index, None
    return index, tuple(np.ascontiguousarray(a) for a in arrs)


def _add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return tuple(x + y for x, y in zip(a, b))


def sum_group(*parts):
    """Left-to-right sum of partial results (``None`` for an empty chunk)."""
    out = None
    for p in parts:
        out = _add(out, p)
    return out


def tree_sum(parts, group=sum_group):
    """Sum ``parts`` in a tree of fan-in :data:`FAN_IN`.

    ``group`` adds one group; passing a delayed version builds the same tree
    as a Dask graph, so an in-memory and a distributed sum over the same
    chunks add in the same order and agree to the last bit.
    """
    parts = list(parts)
    if not parts:
        return None
    while len(parts) > 1:
        parts = [group(*parts[i:i + FAN_IN]) for i in range(0, len(parts), FAN_IN)]
    return parts[0]


class Kernel:
    """``fn(theta, chunk)`` and its staged derivatives on one chunk.

    ``residuals``: ``fn`` returns residuals (any shape, raveled) and the
    chunk's term is ``½‖r‖²``; otherwise the term is the sum of what ``fn``
    returns (a scalar, or one value per row).
    """

    def __init__(self, fn, treedef, residuals, jit_mode, token):
        self.fn = fn
        self.treedef = treedef
        self.residuals = bool(residuals)
        self.jit_mode = jit_mode
        self.token = token

    # -- the chunk's functions of theta ------------------------------------
    def _out(self, theta, leaves):
        return self.fn(theta, tree_unflatten(self.treedef, list(leaves)))

    def _vector(self, theta, *leaves):
        return np.ravel(self._out(theta, leaves))

    def _term(self, theta, *leaves):
        out = self._out(theta, leaves)
        if self.residuals:
            r = np.ravel(out)
            return 0.5 * np.sum(r * r)
        return np.sum(out)

    def _build(self, op):
        term = self._term
        if op == "value":
            return term
        if op == "value_grad":
            return value_and_grad(term)
        if op == "hessian":
            return hessian(term)
        if op == "hvp":
            def block(theta, V, *leaves):
                one = lambda v: hvp(lambda t: term(t, *leaves), theta, v)  # noqa: E731
                return vmap(one, in_axes=1, out_axes=1)(V)
            return block
        if op == "jacobian":  # of the residuals, or of the per-row values
            return jacfwd(self._vector)
        if op == "vector":
            return self._vector
        raise ValueError(f"unknown operation {op!r}")

    def staged(self, op):
        key = (self.token, op)
        fn = _STAGED.get(key)
        if fn is None:
            built = self._build(op)
            fn = Staging(self.jit_mode, "the finite sum").wrap(built, op) if self.jit_mode is not False else built
            _STAGED[key] = fn
            while len(_STAGED) > _STAGED_MAX:
                _STAGED.popitem(last=False)
        else:
            _STAGED.move_to_end(key)
        return fn

    # -- one chunk ----------------------------------------------------------
    def __call__(self, op, theta, extra, chunk):
        index, leaves = chunk
        if leaves is None:
            return None
        try:
            with np.errstate(all="ignore"):
                out = self._run(op, theta, extra, leaves, index)
        except ChunkError:
            raise
        except Exception as err:
            message = f"fn failed on partition {index} (theta of shape {np.shape(theta)}): {err}"
            try:
                wrapped = type(err)(message)
            except Exception:  # an exception type that takes other arguments
                wrapped = RuntimeError(f"{type(err).__name__}: {message}")
            raise wrapped from err
        return out

    def _run(self, op, theta, extra, leaves, index):
        s = self.staged
        if op == "value":
            value = s("value")(theta, *leaves)
            if np.iscomplexobj(value):
                raise ChunkError(f"partition {index}: fn returned complex values; a finite sum is real "
                                 f"(return np.real(...) or split real and imaginary parts)")
            return (float(value),)
        if op == "value_grad":
            f, g = s("value_grad")(theta, *leaves)
            return float(f), np.asarray(g, dtype=float)
        if op == "hessian":
            f, g = s("value_grad")(theta, *leaves)
            H = np.asarray(s("hessian")(theta, *leaves), dtype=float)
            return float(f), np.asarray(g, dtype=float), H
        if op == "hvp":
            return (np.asarray(s("hvp")(theta, extra, *leaves), dtype=float),)
        if op in ("gauss", "gn_product"):
            if not self.residuals:
                raise ValueError("Gauss-Newton quantities need a sum of squares: FiniteSum(..., residuals=True)")
            r = np.asarray(s("vector")(theta, *leaves), dtype=float)
            J = np.asarray(s("jacobian")(theta, *leaves), dtype=float).reshape(r.size, -1)
            if op == "gauss":
                return 0.5 * float(r @ r), J.T @ J, J.T @ r, r.size
            return (J.T @ (J @ extra),)
        if op == "scores":
            return self._scores(theta, leaves)
        raise ValueError(f"unknown operation {op!r}; valid: {', '.join(OPERATIONS)}")

    def _scores(self, theta, leaves):
        """Σ sᵢsᵢᵀ over the chunk's rows (per-row output) or ``g gᵀ`` of the chunk."""
        s = self.staged
        v = np.asarray(s("vector")(theta, *leaves), dtype=float)
        rows = leaves[0].shape[0]
        if v.size == rows and (self.residuals or v.size > 1):
            J = np.asarray(s("jacobian")(theta, *leaves), dtype=float).reshape(v.size, -1)
            S = J * v[:, None] if self.residuals else J  # a residual's score is r_i ∇r_i
            return S.T @ S, rows
        _, g = s("value_grad")(theta, *leaves)
        g = np.asarray(g, dtype=float)
        return np.outer(g, g), 1
