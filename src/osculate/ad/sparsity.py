"""Sparsity detection: the trace that carries index sets instead of values.

Each traced array element carries two sets, stored for a whole array at once
(one row per element, :class:`RowSets`):

* ``G`` (``size × n``): the inputs the element depends on (its gradient
  support) -- the Jacobian pattern;
* ``H`` (``size × n²``, column ``i·n + j`` with ``i ≤ j``): the input pairs
  with a nonzero mixed second derivative in that element -- the Hessian
  pattern.

A primitive's ``sparsity`` rule (beside the primitive, in
:mod:`osculate.ad.prims`) maps its inputs' sets to its output's: linear
operations move or union sets and add no pairs; ``x·y`` adds the pairs
``G(x) × G(y)``; a nonlinear unary function adds ``G(x) × G(x)``; and so on.
All set algebra is vectorised over whole arrays, never element by element in
Python.  This module holds the trace, the set algebra and the rules shared
by whole families (:func:`linear_rule`, :func:`nonlinear_rule`,
:func:`index_map_rule`, :func:`reduce_rule`...); the user-facing functions are
:func:`osculate.sparse.hessian_sparsity` and ``jacobian_sparsity``.

*Global* detection holds no values: its pattern is valid for every input,
and value-dependent Python control flow raises a clear error.  *Local*
detection carries the values of a given point along, follows the branches
taken there and uses the selected side of ``where``.
"""

from __future__ import annotations

import contextlib
import contextvars

import numpy as np
import scipy.sparse as sps

from .core import ConcretizationError, LeakedTracerError, Trace, Tracer, new_trace

__all__ = [
    "Deps", "RowSets", "SparsityTrace", "SparsityTracer", "BudgetExceeded", "entry_budget", "trace_dependencies",
    "pairs", "gather", "combine", "union", "vstack", "with_pairs", "drop_rows", "gathered", "gathered_args", "size_of",
    "reduction_matrix", "scan_matrix", "scatter_matrix", "linear_rule", "piecewise_linear_rule",
    "nonlinear_rule", "index_map_rule", "reduce_rule", "scan_rule", "dense_rule", "dense_linear_rule", "call_rule",
]


def size_of(shape):
    return int(np.prod(shape, dtype=np.int64))


# --------------------------------------------------------------------------- an optional size budget
# Detection's index sets can grow far beyond the function's own arrays (a sum
# fed to a nonlinear function couples every pair of inputs: n² entries).  A
# caller that only wants the pattern when it is cheap (the Hessian diagonal
# picks colouring or plain chunks) sets a budget; every operation that could
# create a large set checks the number of entries *before* allocating them.

_ENTRY_BUDGET = contextvars.ContextVar("osculate_sparsity_entry_budget", default=None)


class BudgetExceeded(RuntimeError):
    """An index-set array would hold more entries than the active budget."""


@contextlib.contextmanager
def entry_budget(limit):
    """Within the block, give up detection (:class:`BudgetExceeded`) as soon as one
    index-set array would exceed ``limit`` entries (8 bytes each)."""
    token = _ENTRY_BUDGET.set(int(limit))
    try:
        yield
    finally:
        _ENTRY_BUDGET.reset(token)


def _reserve(count):
    limit = _ENTRY_BUDGET.get()
    if limit is not None and count > limit:
        raise BudgetExceeded(f"sparsity detection needs an index set of {count} entries, over the budget of {limit}")


# --------------------------------------------------------------------------- index-set algebra


class RowSets:
    """One sorted set of column numbers per row, in CSR layout (``indptr``,
    ``indices``).  Columns may number up to ``n²`` (Hessian pairs), which is
    why SciPy's sparse products (whose workspace scales with the column
    count) are not used for the set algebra."""

    __slots__ = ("indptr", "indices", "ncols")

    def __init__(self, indptr, indices, ncols):
        self.indptr = indptr
        self.indices = indices
        self.ncols = ncols

    @property
    def nrows(self):
        return self.indptr.size - 1

    @classmethod
    def empty(cls, nrows, ncols):
        return cls(np.zeros(nrows + 1, dtype=np.int64), np.zeros(0, dtype=np.int64), ncols)

    @classmethod
    def from_pairs(cls, rows, cols, nrows, ncols):
        """Sets from (row, column) pairs, duplicates removed."""
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        _reserve(rows.size)
        if rows.size:
            # stable (radix/merge) sort: the keys usually arrive as a few sorted runs
            # (a union concatenates sorted sets), which it merges in linear time
            key = np.sort(rows * ncols + cols, kind="stable")
            key = key[np.concatenate(([True], key[1:] != key[:-1]))]  # unique (sort-based: fast)
            rows, cols = key // ncols, key % ncols
        indptr = np.zeros(nrows + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=nrows), out=indptr[1:])
        return cls(indptr, cols, ncols)

    def row_ids(self):
        return np.repeat(np.arange(self.nrows, dtype=np.int64), np.diff(self.indptr))

    def take(self, rows):
        """Row ``k`` of the result is row ``rows[k]``."""
        rows = np.asarray(rows, dtype=np.int64).ravel()
        counts = np.diff(self.indptr)[rows]
        _reserve(int(counts.sum()))
        indptr = np.zeros(rows.size + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        src = np.repeat(self.indptr[:-1][rows], counts) + _ragged_arange(counts)
        return RowSets(indptr, self.indices[src], self.ncols)

    def to_csr(self):
        return sps.csr_matrix(
            (np.ones(self.indices.size, dtype=bool), self.indices, self.indptr), shape=(self.nrows, self.ncols)
        )


def _ragged_arange(counts):
    """``concat([arange(c) for c in counts])`` without a Python loop."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.cumsum(counts) - counts
    return np.arange(total, dtype=np.int64) - np.repeat(starts, counts)


def union_sets(*sets):
    sets = [s for s in sets if s is not None]
    if len(sets) == 1:
        return sets[0]
    rows = np.concatenate([s.row_ids() for s in sets])
    cols = np.concatenate([s.indices for s in sets])
    return RowSets.from_pairs(rows, cols, sets[0].nrows, sets[0].ncols)


def combine_sets(s, R):
    """Row ``k`` of the result is the union of rows ``j`` with ``R[k, j] != 0``."""
    R = sps.coo_matrix(R)
    part = s.take(R.col)
    rows = np.repeat(R.row.astype(np.int64), np.diff(part.indptr))
    return RowSets.from_pairs(rows, part.indices, R.shape[0], s.ncols)


class Deps:
    """Dependency sets of every element of an array: ``G`` (inputs) and the
    optional ``H`` (input pairs), each a :class:`RowSets`."""

    __slots__ = ("G", "H")

    def __init__(self, G, H):
        self.G = G
        self.H = H

    @property
    def size(self):
        return self.G.nrows


def empty(size, n, hessian):
    return Deps(RowSets.empty(size, n), RowSets.empty(size, n * n) if hessian else None)


def gather(d: Deps, rows):
    """Row ``k`` of the result is row ``rows[k]`` of ``d``."""
    return Deps(d.G.take(rows), None if d.H is None else d.H.take(rows))


def combine(d: Deps, R):
    """Row ``k`` of the result is the union of rows ``j`` with ``R[k, j] != 0``."""
    return Deps(combine_sets(d.G, R), None if d.H is None else combine_sets(d.H, R))


def union(*ds):
    ds = [d for d in ds if d is not None]
    return Deps(union_sets(*[d.G for d in ds]), None if ds[0].H is None else union_sets(*[d.H for d in ds]))


def vstack(ds):
    def stack(sets):
        counts = np.concatenate([np.diff(s.indptr) for s in sets])
        indptr = np.zeros(counts.size + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return RowSets(indptr, np.concatenate([s.indices for s in sets]), sets[0].ncols)

    return Deps(stack([d.G for d in ds]), None if ds[0].H is None else stack([d.H for d in ds]))


def pairs(A: RowSets, B: RowSets, n):
    """Per row, all pairs ``(i, j)`` with ``i`` in the row of ``A`` and ``j`` in
    the row of ``B``, stored canonically as column ``min·n + max``."""
    ca = np.diff(A.indptr)
    cb = np.diff(B.indptr)
    _reserve(int(np.dot(ca, cb)))
    per_a = np.repeat(cb, ca)  # for each entry of A, the size of B's row
    a_entry = np.repeat(np.arange(A.indices.size, dtype=np.int64), per_a)
    b_start = np.repeat(np.repeat(B.indptr[:-1], ca), per_a)
    b_entry = b_start + _ragged_arange(per_a)
    i = A.indices[a_entry]
    j = B.indices[b_entry]
    rows = np.repeat(np.arange(A.nrows, dtype=np.int64), ca * cb)
    return RowSets.from_pairs(rows, np.minimum(i, j) * n + np.maximum(i, j), A.nrows, n * n)


def with_pairs(d: Deps, A, B, n):
    """``d`` with the pairs ``A × B`` added to its Hessian sets."""
    if d.H is None:
        return d
    return Deps(d.G, union_sets(d.H, pairs(A, B, n)))


def drop_rows(d: Deps, mask):
    """Empty the rows where ``mask`` is true (structural zeros)."""
    keep = np.flatnonzero(~np.asarray(mask, dtype=bool).ravel())
    R = sps.coo_matrix((np.ones(keep.size, dtype=bool), (keep, keep)), shape=(d.size, d.size))
    return combine(d, R)


# --------------------------------------------------------------------------- the trace


class SparsityTracer(Tracer):
    __slots__ = ("value", "deps")

    def __init__(self, trace, value, deps, shape, dtype):
        self._trace = trace
        self.value = value
        self.deps = deps
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)

    def _primal(self):
        return self._concrete_step()

    def _concrete_step(self):
        if self.value is None:
            raise ConcretizationError(
                "global sparsity detection found value-dependent control flow (an `if`, a "
                "comparison turned into a Python bool, float(), argmax, sort...): the pattern "
                "would depend on the point. Use np.where for value-dependent choices, "
                "osc.cond / osc.while_loop for branches and loops (the pattern is then the union "
                "over them), or detect locally at a point: mode='local' with x0"
            )
        return self.value


class SparsityTrace(Trace):
    __slots__ = ("n", "hessian", "local", "rng")
    kind = "sparsity"

    def __init__(self, level, n, hessian, local):
        super().__init__(level)
        self.n = n
        self.hessian = hessian
        self.local = local
        self.rng = np.random.default_rng(0)

    # helpers for rules
    def deps_of(self, a):
        if type(a) is SparsityTracer and a._trace is self:
            return a.deps
        return None

    def value_of(self, a):
        if type(a) is SparsityTracer and a._trace is self:
            return a.value
        return a

    def empty(self, size):
        return empty(size, self.n, self.hessian)

    def deps_or_empty(self, a, size):
        d = self.deps_of(a)
        return d if d is not None else self.empty(size)

    def wrap(self, value, deps, shape, dtype):
        return SparsityTracer(self, value, deps, shape, dtype)

    def _dummy(self, a):
        """A stand-in value with the right shape (global mode): well-conditioned,
        symmetric positive definite in the last two axes when they are square."""
        shape = a.shape
        x = self.rng.uniform(0.25, 0.75, size=shape).astype(a.dtype)
        if len(shape) >= 2 and shape[-1] == shape[-2]:
            x = 0.5 * (x + np.swapaxes(x, -1, -2)) + shape[-1] * np.eye(shape[-1])
        return x

    def process(self, prim, args, params):
        if not self.active:
            raise LeakedTracerError(f"a sparsity tracer escaped its detection and reached '{prim.name}'")
        mine = [type(a) is SparsityTracer and a._trace is self for a in args]
        if self.local:
            vals = [a.value if m else a for a, m in zip(args, mine)]
        else:
            vals = [self._dummy(a) if m else a for a, m in zip(args, mine)]
            stand_in = prim.rules.get("stand_in")
            if stand_in is not None:  # stand-ins in the primitive's domain
                vals = stand_in(vals, mine, **params)
        with np.errstate(all="ignore"):
            out = prim.bind(*vals, **params)
        if prim.constant_output:  # piecewise constant: depends on nothing
            deps = self.empty(size_of(np.shape(out)))
        else:
            deps = prim.rule("sparsity")(self, args, out, **params)
        if prim.multiple_results:
            return tuple(
                self.wrap(o if self.local else None, d, np.shape(o), getattr(o, "dtype", np.float64))
                for o, d in zip(out, deps)
            )
        return self.wrap(out if self.local else None, deps, np.shape(out), getattr(out, "dtype", np.float64))


# --------------------------------------------------------------------------- detection


def trace_dependencies(f, x, hessian, mode):
    """Run ``f`` on a tracer for ``x`` and return ``(deps, out_shape, n)``:
    the index sets of the output (pairs only when ``hessian``), valid for
    every input (``mode='global'``) or at the point ``x`` (``'local'``)."""
    if mode not in ("global", "local"):
        raise ValueError(f"sparsity detection mode must be 'global' or 'local', got {mode!r}")
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(float)
    n = x.size
    with new_trace(SparsityTrace, n, hessian, mode == "local") as trace:
        G = RowSets(np.arange(n + 1, dtype=np.int64), np.arange(n, dtype=np.int64), n)
        H = RowSets.empty(n, n * n) if hessian else None
        xt = SparsityTracer(trace, x if mode == "local" else None, Deps(G, H), x.shape, x.dtype)
        out = f(xt)
        if isinstance(out, (tuple, list, dict)):
            raise TypeError("sparsity detection needs f to return a single array")
        if type(out) is SparsityTracer and out._trace is trace:
            deps = out.deps
            shape = out.shape
        else:  # the output does not depend on x
            shape = np.shape(out)
            deps = trace.empty(int(np.prod(shape)))
    return deps, shape, n


# --------------------------------------------------------------------------- rule families
# A sparsity rule has the signature ``rule(trace, args, out, **params) -> Deps``
# where ``args`` are the primitive's raw arguments (tracers of ``trace`` or
# constants) and ``out`` its output value (a stand-in in global mode).


def broadcast_rows(arg_shape, out_shape):
    return np.broadcast_to(np.arange(size_of(arg_shape)).reshape(arg_shape), out_shape).ravel()


def gathered(trace, a, out_shape):
    d = trace.deps_of(a)
    return None if d is None else gather(d, broadcast_rows(a.shape, out_shape))


def gathered_args(trace, args, out):
    """Each argument's index sets broadcast to the output's shape (``None``
    for a constant): the operands of an elementwise rule."""
    shape = np.shape(out)
    return [gathered(trace, a, shape) for a in args]


def linear_rule(trace, args, out, **params):
    """Elementwise and linear in every traced argument (add, sub, neg, ...)."""
    return union(*gathered_args(trace, args, out))


piecewise_linear_rule = linear_rule  # abs, maximum, minimum, clip: zero second derivative a.e.


def nonlinear_rule(trace, args, out, **params):
    """Elementwise and nonlinear in every traced argument jointly (sin, arctan2, ...)."""
    d = linear_rule(trace, args, out)
    return with_pairs(d, d.G, d.G, trace.n)


def index_map_rule(prim):
    """Rules for data movement (reshape, transpose, getitem...): apply the
    primitive to an array of element numbers to learn where each output
    element comes from."""

    def rule(trace, args, out, **params):
        x = args[0]
        rows = prim.impl(np.arange(size_of(x.shape)).reshape(x.shape), **params)
        return gather(trace.deps_of(x), rows)

    return rule


def reduction_matrix(in_shape, axis):
    kshape = tuple(1 if i in axis else s for i, s in enumerate(in_shape))
    out_idx = np.broadcast_to(np.arange(size_of(kshape)).reshape(kshape), in_shape).ravel()
    n_in = size_of(in_shape)
    return sps.csr_matrix((np.ones(n_in, dtype=bool), (out_idx, np.arange(n_in))), shape=(size_of(kshape), n_in))


def reduce_rule(trace, args, out, axis, keepdims=False, **params):
    """sum / max / min over ``axis``: each output is the union of its group."""
    x = args[0]
    return combine(trace.deps_of(x), reduction_matrix(x.shape, axis))


def scan_matrix(shape, axis):
    idx = np.moveaxis(np.arange(size_of(shape)).reshape(shape), axis, -1)
    L = shape[axis]
    _reserve(size_of(shape) // max(L, 1) * (L * (L + 1) // 2))
    q, p = np.tril_indices(L)
    lines = idx.reshape(-1, L)
    rows, cols = lines[:, q].ravel(), lines[:, p].ravel()
    return sps.csr_matrix((np.ones(rows.size, dtype=bool), (rows, cols)), shape=(size_of(shape), size_of(shape)))


def scan_rule(trace, args, out, axis):
    x = args[0]
    return combine(trace.deps_of(x), scan_matrix(x.shape, axis))


def scatter_matrix(v_shape, shape, idx):
    target = np.arange(size_of(shape)).reshape(shape)[idx]
    src = np.broadcast_to(np.arange(size_of(v_shape)).reshape(v_shape), target.shape)
    return sps.csr_matrix(
        (np.ones(target.size, dtype=bool), (target.ravel(), src.ravel())), shape=(size_of(shape), size_of(v_shape))
    )


def dense_rule(trace, args, out, **params):
    """Every output element may depend nonlinearly on every input element
    (dense linear algebra kernels): one union set, all its pairs."""
    return _dense(trace, args, out, nonlinear=True)


def dense_linear_rule(trace, args, out, **params):
    """Every output element may depend linearly on every input element (the
    Fourier transforms): one union set, no new pairs."""
    return _dense(trace, args, out, nonlinear=False)


def _dense(trace, args, out, nonlinear):
    ds = [trace.deps_of(a) for a in args]
    ds = [d for d in ds if d is not None]
    ones = [sps.coo_matrix(np.ones((1, d.size), dtype=bool)) for d in ds]
    d = union(*[combine(di, o) for di, o in zip(ds, ones)])
    if nonlinear:
        d = with_pairs(d, d.G, d.G, trace.n)
    outs = out if isinstance(out, tuple) else (out,)
    res = tuple(gather(d, np.zeros(size_of(np.shape(o)), dtype=np.int64)) for o in outs)
    return res if isinstance(out, tuple) else res[0]


def call_rule(get_fun):
    """Rules for primitives that wrap user code (custom rules, checkpoint):
    trace the wrapped function itself."""

    def rule(trace, args, out, **params):
        res = get_fun(params)(*args)
        return trace.deps_or_empty(res, size_of(np.shape(out)))

    return rule
