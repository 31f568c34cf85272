"""Fusion: the elementwise chains of a staged program compiled into single loops.

A staged program (:class:`osculate.ad.jit.Program`) runs one NumPy call per
operation, and each call is a full pass over memory: on a long vector the
derivative of a chain of ``k`` elementwise operations costs ``k`` passes.
Here such chains become one compiled loop over the elements, so every
value lives in a register for one iteration instead of in a temporary
array.  The compiler is `numba <https://numba.pydata.org>`_ (an optional
dependency, in the ``cli`` extra): it installs as a wheel and compiles a loop
in a fraction of a second.  Without it programs run unfused, as before.

How loops are cached and loaded.  A loop is generated as Python source,
written to the cache folder (``OSCULATE_CACHE_DIR``, else
``~/.cache/osculate``, under ``fusion/``) as ``fused_<hash of the source>.py``
and compiled by numba with an explicit signature of plain machine values:
each array is passed as the address of its NumPy object (the loop reads the
data pointer from it), each scalar as a number, and its sums are written to
a small output array -- so that one entry point serves every process, called
through :mod:`ctypes` without numba's argument conversion.  Besides numba's
own cache of it, the loop's machine code is stored as an object file for
this machine and these versions of numba and llvmlite
(:mod:`osculate.ad.native`).  A later process loads that object with
llvmlite alone, without importing numba (which costs about 0.2 s before
it has loaded anything): a program whose loops an earlier process compiled
is fused on its first replay in some 30 ms, most of it importing llvmlite
(once per process; a loop then loads in about a millisecond), besides the
unfused run the fused one is checked against.
When the object is missing, damaged, made for another machine, or needs a
symbol only numba provides, numba loads the loop from its cache or compiles
it, and stores the object anew; without numba, such a program runs unfused.

What fuses: regions of operations over one iteration space on float64
arrays -- a loop over ``L`` positions, with up to :data:`_MAX_ROWS` rows side
by side (a value of shape ``(..., L)`` whose other axes hold that many rows:
the colours of a sparse plan's batched products, the basis vectors of a small
batched pass; the rows are unrolled in the loop's body), or over the flat
index of a larger value --

* elementwise ufuncs (arithmetic, powers, exponentials and logarithms,
  trigonometric and hyperbolic functions...), comparisons and ``where`` on
  arrays of the result's shape or broadcasting to it (a bias ``(m,)``
  against ``(n, m)``, a vector against every row: read at the index the
  broadcast maps to), scalars and constant arrays;
* contiguous slices along the last axis, ``x[a:b]`` of a vector or
  ``X[:, a:b]`` of rows, read as ``x[i + a]``;
* gathers ``x[idx]`` of a vector by a constant integer array (a loop of
  their own, or the start of one: about twice as fast as fancy indexing);
* ``scatter`` / ``scatter-add`` of a value into a contiguous slice along the
  last axis (the adjoints of slicing): ``buf[i + a] += v_i``, with every
  element written once (see :func:`_rotated_writes`);
* ``sum`` of every element (four partial sums over a vector, fewer beside
  rows, each adding the terms of 64 positions -- of every row -- plainly,
  and those blocks with Kahan's compensation).

A region need not be a run of consecutive operations: an operation in
between that reads none of its values (a vector operation of another
length, a matrix product of other operands) runs before the loop, which
takes the place of the region's last operation.

Everything else -- matrix products, sums along some axes, linear algebra --
stays a NumPy call between loops.  A program's regions of at least
:data:`settings` ``["min_length"]`` elements are fused once it has been
replayed ``["after"]`` times, and its shorter runs once its replays have
taken about what compiling them costs: ``["pay_after"]`` seconds, or
``["pay_per_op2"]`` times the square of the program's length when that is
more (numba's compile time grows about so: 45, 116 and 170 fused operations
took 0.7, 5.9 and 12.8 s).  A program whose estimate exceeds
``["max_compile"]`` (about 58 operations) waits for that price before its
long runs are fused too -- unless its loops are in the disk cache already,
compiled by an earlier process, so that fusing costs only loading them.  So
the first calls of a program never wait more than about 2 s for a compile
(a distribution's log-likelihood differentiated twice is some 150
operations: about 7 s to compile, longer than many a whole fit takes
unfused), a very long program (a Lagrangian Hessian of tens of thousands
of operations) runs unfused instead of compiling for hours, a small
problem's derivative called in a long loop becomes one compiled call, and
short-lived programs pay no compile time.
``OSCULATE_FUSION=off`` (or ``settings["mode"] = "off"``) turns fusion off;
``"always"`` fuses every eligible program on its first replay.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pathlib
import sys
import threading
from typing import NamedTuple

import numpy as np

from . import native
from .core import Primitive

#: Whether numba (an optional dependency: without it programs run unfused,
#: unless an earlier process stored their loops) is installed.  It is imported
#: by the first loop that must be compiled, or that is in numba's cache but not
#: stored as machine code -- not with osculate (importing it takes about 0.2 s).
HAVE_NUMBA = importlib.util.find_spec("numba") is not None

__all__ = ["settings", "available", "fuse", "fused_p"]

#: ``mode``: ``"auto"`` (fuse hot programs), ``"always"`` or ``"off"``;
#: ``after``: replays of a program before its runs of at least ``min_length``
#: elements are fused; ``pay_after``: seconds of further replays before its
#: shorter runs are fused too, at least (about what compiling them costs: a small
#: problem's derivative called in a long loop becomes one compiled call);
#: ``pay_per_op2``: seconds per squared operation of the program, the estimate of
#: a long program's compile time that its replays must reach first; ``max_compile``:
#: the largest estimate (seconds) for which long runs are fused after ``after``
#: replays without waiting for that price (about 58 operations: the first calls of a
#: program stay within about 2 s), all for auto mode;
#: ``max_source_lines``: a region whose generated loop is longer stays unfused (any mode).
settings = {"mode": os.environ.get("OSCULATE_FUSION", "auto"), "after": 3, "min_length": 4096, "pay_after": 0.25,
            "pay_per_op2": 4.5e-4, "max_compile": 1.5, "max_source_lines": 2000}

_lock = threading.Lock()
_kernels: dict = {}  # source hash -> the loop's ctypes function (in this process)
_compiled_by_numba: dict = {}  # source hash -> numba's dispatcher, for the loops numba compiled or loaded here


def available() -> bool:
    """True when fusion is not turned off and loops can be had here: numba
    is installed, or loops compiled by an earlier process can be loaded
    without it (:func:`osculate.ad.native.possible`) -- and an array's data
    pointer was found in its object (:func:`osculate.ad.native.data_slot`:
    on an unusual Python build where it is not, programs run unfused)."""
    return settings["mode"] != "off" and native.data_slot() is not None and (HAVE_NUMBA or native.possible())


def wanted(replays: int, force: bool = False, spent: float = 0.0, n_ops: int = 0, on_disk=None):
    """Whether a program of ``n_ops`` operations replayed ``replays`` times,
    ``spent`` seconds of them after the first ``settings["after"]``, should be
    fused now: False, True (its long runs), or ``"any length"``.

    Fusing has a price: compiling the loops, estimated as
    ``settings["pay_per_op2"]`` times the square of the program's length, or
    only loading them when ``on_disk(any_length)`` says another process
    compiled them already (:func:`on_disk`; asked only when the answer
    matters): milliseconds from their stored machine code, but about
    ``settings["pay_after"]`` for the first loop a process loads from numba's
    cache (numba starts).  A program fuses its long runs on replay ``after`` when that
    price is within ``settings["max_compile"]``; every run, short ones too,
    once its replays have cost the price: the rule of renting skis until
    the rent reaches the price of buying, which never costs more than twice
    the best choice made knowing the future.  ``force``: its function asked
    for fusion, ``jit(f, fuse=True)``.  Without numba, only loops on disk
    can be had: a program fuses when they all are, else never."""
    if not available():
        return False
    answer = _wanted(replays, force, spent, n_ops, on_disk)
    if answer and not HAVE_NUMBA and not (on_disk is not None and on_disk(answer == "any length")):
        return False
    return answer


def _wanted(replays, force, spent, n_ops, on_disk):
    """:func:`wanted`'s answer where numba can compile what is not on disk."""
    if force or settings["mode"] == "always":
        return "any length"
    price = settings["pay_per_op2"] * n_ops * n_ops
    if spent >= max(settings["pay_after"], price):
        return "any length"
    if replays == settings["after"]:  # (starting numba to load loops from its cache costs some 0.3 s: not yet)
        if price <= settings["max_compile"] or on_disk is None:
            return price <= settings["max_compile"]
        found = on_disk(False)
        return found == "native" or (bool(found) and bool(_compiled_by_numba))
    if replays > settings["after"] and spent >= settings["pay_after"] and on_disk is not None and on_disk(True):
        return "any length"
    return False


def _use_counts(eqns, out_vars):
    """How many times each variable is read (an output counts as one read)."""
    uses = {}
    for e in eqns:
        for r in e.refs:
            if r is not None:
                uses[r] = uses.get(r, 0) + 1
    for v in out_vars:
        uses[v] = uses.get(v, 0) + 1
    return uses


# --------------------------------------------------------------------------- what fuses

# ufunc name -> the expression of one element (numba, with NumPy's semantics for
# floats: error_model="numpy" gives inf/nan instead of exceptions)
_OPERATORS = {"add": "({0} + {1})", "subtract": "({0} - {1})", "multiply": "({0} * {1})",
              "divide": "({0} / {1})", "true_divide": "({0} / {1})", "negative": "(-{0})",
              "square": "({0} * {0})", "power": "({0} ** {1})", "where": "({1} if {0} else {2})"}
#: comparisons: boolean results, for a ``where`` in the same loop
_COMPARISONS = {"greater": "({0} > {1})", "greater_equal": "({0} >= {1})", "less": "({0} < {1})",
                "less_equal": "({0} <= {1})", "equal": "({0} == {1})", "not_equal": "({0} != {1})"}
_OPERATORS.update(_COMPARISONS)
_FUNCTIONS = {"exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "cbrt", "sin", "cos", "tan",
              "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
              "absolute", "reciprocal", "maximum", "minimum", "arctan2", "hypot", "copysign"}

_F64 = np.dtype(np.float64)
_BOOL = np.dtype(np.bool_)

#: Independent partial sums of a loop that ends in a ``sum`` (its body is unrolled this many
#: times), and the iterations each adds plainly before adding that block to its compensated total.
_LANES = 4
_BLOCK = 64


def _ufunc_name(prim, params):
    impl = getattr(prim.impl, "ufunc", prim.impl)  # (an impl wrapping a ufunc names it)
    if prim.name == "where" and impl is np.where and not params:
        return "where"
    if params or not isinstance(impl, np.ufunc) or impl.nout != 1:
        return None
    name = impl.__name__
    return name if (name in _OPERATORS or name in _FUNCTIONS) else None


#: The most rows (the product of all axes but the last) that a loop over a
#: value of two or more axes carries side by side: such a loop runs over the
#: last axis, with the rows unrolled in its body (the colours of a sparse plan's
#: batched products, say), so slices along the last axis are index offsets.
#: A value with more rows is looped over by its flat index.
_MAX_ROWS = 8


def _space(shape):
    """``(rows, length)`` of the loop over a value of ``shape``: its rows side
    by side along the last axis, or one row over the flat index."""
    if len(shape) >= 2:
        rows = _size(shape[:-1])
        if 1 < rows <= _MAX_ROWS:
            return rows, shape[-1]
    return 1, _size(shape)


def _last_axis_slice(params, shape):
    """``(start, length)`` of a contiguous slice along the last axis of an
    array of ``shape`` that keeps every other axis whole, or None."""
    idx = params.get("idx")
    if not (isinstance(idx, tuple) and len(idx) == len(shape) and shape
            and all(isinstance(k, slice) for k in idx)):
        return None
    for k, d in zip(idx[:-1], shape[:-1]):
        if k.indices(d) != (0, d, 1):
            return None
    start, stop, step = idx[-1].indices(shape[-1])
    if step != 1 or stop <= start:
        return None
    return start, stop - start


def _gather_of(params, n):
    """The index array of a gather ``x[idx]`` from a length-``n`` vector
    (negative entries wrapped), or None when ``idx`` is not one integer array
    of valid indices."""
    idx = params.get("idx")
    if not (isinstance(idx, tuple) and len(idx) == 1 and isinstance(idx[0], np.ndarray)):
        return None
    g = idx[0]
    if g.ndim != 1 or g.dtype.kind not in "iu" or not g.size or n == 0:
        return None
    if g.min() < -n or g.max() >= n:
        return None
    return np.ascontiguousarray(np.where(g < 0, g + n, g), dtype=np.int64)


class _Op(NamedTuple):
    """One fusible operation: its kind, iteration length and details."""

    kind: str  # "getitem", "gather", "ufunc", "lazy" (computed where slices read it), "scatter", "scatter_add", "sum"
    length: int | None  # None for a lazy value
    detail: object  # the ufunc name, the slice start, or a gather's indices
    rows: int = 1  # rows side by side (see _space)


def _classify(eqn, described):
    """The :class:`_Op` of a fusible equation, or None."""
    prim, refs, consts, params, outs = eqn
    name = prim.name

    if name == "getitem" and refs[0] is not None:
        shape, dtype, _ = described[refs[0]]
        if dtype != _F64 or not shape:
            return None
        rows = _size(shape[:-1])
        sl = _last_axis_slice(params, shape)
        if sl is not None and (rows == 1 or _space(shape)[0] == rows):
            return _Op("getitem", sl[1], sl[0], rows)
        g = _gather_of(params, shape[0]) if len(shape) == 1 else None
        return None if g is None else _Op("gather", g.size, g)
    if name == "sum" and len(refs) == 1 and refs[0] is not None and params.get("keepdims") is False:
        shape, dtype, _ = described[refs[0]]
        axis = params.get("axis")
        axes = range(len(shape)) if axis is None else sorted(a % len(shape) for a in (
            axis if isinstance(axis, tuple) else (axis,))) if shape else ()
        if dtype == _F64 and shape and list(axes) == list(range(len(shape))):  # a sum of every element
            rows, length = _space(shape)
            return _Op("sum", length, None, rows)
        return None
    if name in ("scatter", "scatter_add"):
        v = refs[-1] if name == "scatter_add" else refs[0]
        shape = (params.get("shape") if name == "scatter" else described[refs[0]].shape if refs[0] is not None
                 else np.shape(consts[0]))
        if v is None or shape is None or not shape:
            return None
        shape = tuple(shape)
        if name == "scatter_add":
            base = described[refs[0]][:2] if refs[0] is not None else (
                (consts[0].shape, consts[0].dtype) if isinstance(consts[0], np.ndarray) else None)
            if base is None or base[1] != _F64 or tuple(base[0]) != shape:
                return None
        v_shape, v_dtype, _ = described[v]
        sl = _last_axis_slice(params, shape)
        rows = _size(shape[:-1])
        if (sl is None or v_dtype != _F64 or tuple(v_shape) != shape[:-1] + (sl[1],)
                or not (rows == 1 or _space(shape)[0] == rows)):
            return None
        return _Op(name, sl[1], sl[0], rows)
    uname = _ufunc_name(prim, params)
    if uname is None:
        return None
    shape, dtype, _ = described[outs[0]]
    if not shape or dtype != (_BOOL if uname in _COMPARISONS else _F64):
        return None
    # every operand has the result's shape (or is a scalar): the loop runs over the flat index;
    # booleans only as where's condition
    for k, (r, c) in enumerate(zip(refs, consts)):
        want = _BOOL if (uname == "where" and k == 0) else _F64
        if r is not None:
            s, d, _ = described[r]
            if not ((_broadcasts(s, shape) and d == want) or (s == () and d.kind in "fiub")):
                return None
        elif not _scalar_const(c) and not (isinstance(c, np.ndarray) and _broadcasts(c.shape, shape)
                                           and c.dtype == want):
            return None
    rows, length = _space(shape)
    return _Op("ufunc", length, uname, rows)


def _broadcasts(s, shape):
    """Whether an operand of shape ``s`` broadcasts to ``shape`` (a bias ``(m,)``
    against ``(n, m)``, a column ``(n, 1)``...), with no fewer elements per axis."""
    if len(s) > len(shape):
        return False
    return all(a == b or a == 1 for a, b in zip(s[::-1], shape[::-1]))


def _flat_index(s, shape, i="i"):
    """The flat index into an operand of shape ``s`` of element ``i`` (a flat
    index) of a result of shape ``shape`` it broadcasts to."""
    if tuple(s) == tuple(shape):
        return i
    terms, stride_out, stride_in = [], 1, 1
    for k in range(1, len(shape) + 1):
        d = shape[-k]
        a = s[-k] if k <= len(s) else 1
        if a == d and d != 1:
            coord = f"({i} // {stride_out})" if stride_out != 1 else i
            if k < len(shape):
                coord = f"{coord} % {d}"
            terms.append(f"({coord}) * {stride_in}" if stride_in != 1 else f"({coord})")
        stride_out *= d
        stride_in *= a
    return " + ".join(terms) if terms else "0"


def _size(shape):
    n = 1
    for k in shape:
        n *= k
    return n


def _scalar_const(c):
    return isinstance(c, (bool, int, float, np.bool_, np.integer, np.floating)) or (
        isinstance(c, np.ndarray) and c.shape == () and c.dtype.kind in "fiub")


# --------------------------------------------------------------------------- regions


class _Region:
    """Fusible equations over one iteration space (``rows`` side by side,
    ``length`` along the loop), not necessarily consecutive: the equations
    between them that it skips read none of its values, so the loop may run
    where its last equation stood."""

    def __init__(self, length, rows=1):
        self.length = length
        self.rows = rows
        self.items = []  # (index in the program, equation, _Op)
        self.members = set()  # the indices of its equations
        self.defined = set()
        self.lazy = set()  # lazy values (see _sliced_only)
        self.buffers = set()  # the results of its scatters and scatter-adds
        self.sums = set()  # the results of its sums (known only once the loop has ended)

    def add(self, k, eqn, op):
        self.items.append((k, eqn, op))
        self.members.add(k)
        self.defined.update(eqn.outs)
        if op.length is not None and self.length is None:
            self.length = op.length
        if op.rows > 1:
            self.rows = op.rows
        if op.kind == "lazy":
            self.lazy.add(eqn.outs[0])
        elif op.kind in ("scatter", "scatter_add"):
            self.buffers.update(eqn.outs)
        elif op.kind == "sum":
            self.sums.update(eqn.outs)

    def accepts(self, op):
        """Whether ``op``'s iteration space is this region's (a one-row value
        is computed once per iteration beside rows of any number)."""
        if op.length is not None and self.length is not None and op.length != self.length:
            return False
        return op.rows == 1 or self.rows in (1, op.rows)

    def compute_count(self):
        return sum(op.kind in ("ufunc", "lazy", "sum", "gather") for _, _, op in self.items)

    def worth_it(self):
        """Two computations or more in one loop, or a gather (a compiled
        gather is about twice as fast as NumPy's fancy indexing)."""
        return self.compute_count() >= 2 or any(op.kind == "gather" for _, _, op in self.items)

    def reads_lazy_values_inside(self, readers):
        """Whether every read of its lazy values is one of its equations
        (``readers``: variable -> indices of the equations that read it)."""
        return all(k in self.members for v in self.lazy for k in readers.get(v, ()))


def _readers(eqns):
    """Variable -> indices of the equations that read it."""
    out = {}
    for k, e in enumerate(eqns):
        for r in e.refs:
            if r is not None:
                out.setdefault(r, []).append(k)
    return out


def _sliced_only(eqns, described, out_vars, readers):
    """Elementwise results that are read only through contiguous slices: a
    loop over the slices' length computes them where the slices read them
    (``lazy``), whatever their own length."""
    out = set()
    for e in eqns:
        v = e.outs[0]
        if v in out_vars or not readers.get(v):
            continue
        op = _classify(e, described)
        if op is not None and op.kind == "ufunc" and all(
                eqns[k].prim.name == "getitem" and eqns[k].refs[0] == v
                and getattr(_classify(eqns[k], described), "kind", None) == "getitem"
                for k in readers[v]):
            out.add(v)
    return out


def _regions(eqns, described, uses, out_vars=()):
    """Regions of fusible equations, each over one iteration space.  An
    equation joins an open region of its space -- one it reads from, if any
    -- and closes the other open regions it reads from (their loops run
    first); an equation that cannot join a region it reads from closes it.  A result
    read only through slices (see :func:`_sliced_only`) may join a region of
    another length as a lazy value, provided every slice of it is in the same
    region."""
    readers = _readers(eqns)
    lazy_ok = _sliced_only(eqns, described, set(out_vars), readers)
    open_, done = [], []
    owner = {}  # variable -> the open region that defines it

    def close(region):
        open_.remove(region)
        done.append(region)
        for v in region.defined:
            owner.pop(v, None)

    for k, eqn in enumerate(eqns):
        op = _classify(eqn, described)
        touched = []
        for r in eqn.refs:
            if r is not None and r in owner and owner[r] not in touched:
                touched.append(owner[r])
        if op is not None and op.kind == "ufunc" and eqn.outs[0] in lazy_ok and not any(
                r in owner and r not in owner[r].lazy for r in eqn.refs if r is not None):
            # (a value the loop computes at i cannot be read at another position)
            op = op._replace(kind="lazy", length=None)
        target = None
        if op is not None:
            for region in touched or open_:
                if region.accepts(op) and _fits(region, eqn, op, uses):
                    target = region
                    break
        for region in touched:
            if region is not target:
                close(region)
        if op is not None and target is None and op.kind != "sum":
            target = _Region(op.length, op.rows)
            if _fits(target, eqn, op, uses):
                open_.append(target)
            else:
                target = None
        if target is not None:
            target.add(k, eqn, op)
            for o in eqn.outs:
                owner[o] = target
    for region in list(open_):
        close(region)
    done.sort(key=lambda r: r.items[0][0])
    return [r for r in done if r.length is not None and r.worth_it() and r.reads_lazy_values_inside(readers)]


def _fits(region, eqn, op, uses):
    """Whether ``eqn`` may join ``region``: it reads no sum of it (known only
    at the end), gathers nothing it computes (the loop has only the current
    element), and reads no scatter buffer of it except as the base of a
    scatter-add that is that buffer's only use."""
    refs = eqn.refs
    if any(r in region.sums for r in refs if r is not None):
        return False
    if op.kind == "gather" and refs[0] in region.defined:
        return False
    buffers = region.buffers
    if op.kind == "scatter_add":
        base, v = refs[0], refs[1]
        if v in buffers:
            return False
        if base in buffers and uses[base] != 1:
            return False
        return True
    return not any(r in buffers for r in refs if r is not None)


# --------------------------------------------------------------------------- code generation


def _index(o, s, row, pos):
    """The flat index into an operand of shape ``o`` of the element at ``(row,
    pos)`` of a result of shape ``s`` it broadcasts to (``pos``: the position
    along the loop, an expression; ``row``: the row, a number, see
    :func:`_space`)."""
    rows, _ = _space(s)
    if rows == 1:
        return pos if tuple(o) == tuple(s) else _flat_index(o, s, pos)
    o = (1,) * (len(s) - len(o)) + tuple(o)
    coords = np.unravel_index(row, s[:-1])
    off = 0
    for c, d, od in zip(coords, s[:-1], o[:-1]):
        off = off * od + (int(c) if od == d else 0)
    off *= o[-1]
    inner = pos if o[-1] == s[-1] else "0"
    return inner if off == 0 else f"{off} + {inner}"


def _generate(region, eqns_after_uses, described):
    """The loop of ``region``: ``(source, args, buffer_init, out_vectors, sums,
    outputs, kinds)``.

    ``args``: the external operands in argument order, each ``("var", v)`` or
    ``("const", value)``; ``buffer_init``: the scatter buffers, each ``(name,
    argument holding its initial values or None for zeros, shape)``; ``out_vectors`` and ``sums``: the
    vectors written element by element and the accumulators written to the
    output array ``sums`` (its last parameter, when there are any);
    ``outputs``: what the call defines, each ``(var, kind, name)`` with kind
    ``"buffer"``, ``"vector"`` or ``"sum"``; ``kinds``: a letter per parameter
    (operands, buffers, vectors, sums), see :data:`_ARRAY_TYPES` and :func:`_param_kind`.

    The loop runs over ``region.length`` positions ``i``; a value with rows
    (see :func:`_space`) has one temporary per row, ``t{var}_{row}``."""
    L = region.length
    args, arg_of = [], {}
    lines = []
    temps = {}  # var -> the names of its rows' temporaries
    buffers = {}  # var -> argument name of its buffer
    buffer_init = []  # (buffer name, the argument holding its start or None for zeros, shape)
    sums = []  # (var, accumulator name)
    out_vectors = []  # (var, argument name)
    contributions = {}  # buffer name -> [(row, slice start, expression added there)]

    def arg(key, value):
        if key not in arg_of:
            arg_of[key] = f"a{len(args)}"
            args.append(value)
        return arg_of[key]

    lazy = {}  # var -> its element at (position, row), as a function of them

    def operand(r, c, pos, row, out_shape):
        """The element at ``(row, pos)`` of a result of ``out_shape`` that the operand ``r``/``c`` broadcasts to."""
        if r is not None and r in lazy:
            return lazy[r](pos, row)
        if r is not None and r in temps:
            names = temps[r]
            return names[row] if len(names) > 1 else names[0]
        if r is not None:
            shape = described[r].shape
            if shape == ():
                return arg(("s", r), ("var", r))
            return f"{arg(('v', r), ('var', r))}[{_index(shape, out_shape, row, pos)}]"
        if _scalar_const(c):
            if isinstance(c, (float, np.floating)) or (isinstance(c, np.ndarray) and c.dtype.kind == "f"):
                return repr(float(c)) if np.isfinite(c) else arg(("k", id(c)), ("const", float(c)))
            return repr(int(c))
        if c.size and np.isfinite(c.flat[0]) and (c == c.flat[0]).all():
            return repr(float(c.flat[0]))  # a broadcast scalar (an adjoint's seed, often): no memory traffic
        return f"{arg(('c', id(c)), ('const', c))}[{_index(c.shape, out_shape, row, pos)}]"

    def shape_of(r, c):
        return described[r].shape if r is not None else np.shape(c)

    for _, eqn, op in region.items:
        prim, refs, consts, params, outs = eqn
        v = outs[0]
        if op.kind == "getitem":
            src = shape_of(refs[0], None)
            temps[v] = [f"t{v}_{row}" for row in range(op.rows)]
            lines += [f"t{v}_{row} = {operand(refs[0], None, f'i + {op.detail}', row, src)}" for row in range(op.rows)]
        elif op.kind == "gather":
            g = arg(("c", id(op.detail)), ("const", op.detail))
            temps[v] = [f"t{v}_0"]
            lines.append(f"t{v}_0 = {arg(('v', refs[0]), ('var', refs[0]))}[{g}[i]]")
        elif op.kind == "ufunc":
            shape = described[v].shape
            temps[v] = [f"t{v}_{row}" for row in range(op.rows)]
            lines += [f"t{v}_{row} = {_element(op.detail, [operand(r, c, 'i', row, shape) for r, c in zip(refs, consts)])}"
                      for row in range(op.rows)]
        elif op.kind == "lazy":
            lazy[v] = (lambda name, refs, consts, shape: lambda pos, row: _element(
                name, [operand(r, c, pos, row, shape) for r, c in zip(refs, consts)]))(
                    op.detail, refs, consts, described[v].shape)
        elif op.kind in ("scatter", "scatter_add"):
            value = refs[-1] if op.kind == "scatter_add" else refs[0]
            value_c = consts[-1] if op.kind == "scatter_add" else consts[0]
            if op.kind == "scatter":
                shape = tuple(params["shape"])
                name = f"b{len(buffer_init)}"
                buffer_init.append((name, None, shape))
                contributions[name] = []
            elif refs[0] is not None and refs[0] in buffers:
                name = buffers[refs[0]]
                shape = described[refs[0]].shape
            else:  # into an array from outside the region: its values are the buffer's start
                shape = shape_of(refs[0], consts[0])
                name = f"b{len(buffer_init)}"
                start = (arg(("v", refs[0]), ("var", refs[0])) if refs[0] is not None
                         else arg(("c", id(consts[0])), ("const", consts[0])))
                buffer_init.append((name, start, tuple(shape)))
                contributions[name] = []
            buffers[v] = name
            v_shape = shape_of(value, value_c)
            contributions[name] += [(row, op.detail, operand(value, value_c, "i", row, v_shape))
                                    for row in range(op.rows)]
        else:  # sum: compensated (Kahan) partial sums, one per lane ("@" is the lane), combined at the end
            acc = f"acc{len(sums)}"
            sums.append((v, acc))
            shape = shape_of(refs[0], consts[0])
            x = " + ".join(operand(refs[0], consts[0], "i", row, shape) for row in range(op.rows))
            lines.append(f"{acc}b@ += {x}" if op.rows == 1 else f"{acc}b@ += ({x})")
    # vectors needed after the region are written out
    for _, eqn, op in region.items:
        v = eqn.outs[0]
        if (op.kind in ("ufunc", "gather") or (op.kind == "getitem" and eqn.refs[0] in lazy)) and eqns_after_uses.get(v):
            name = f"o{len(out_vectors)}"
            out_vectors.append((v, name))
            lines += [f"{name}[{row * L} + i] = {t}" if row else f"{name}[i] = {t}" for row, t in enumerate(temps[v])]
    head, tail = [], []
    for name, start, shape in buffer_init:
        n = shape[-1]
        by_row = {}
        for row, s_, expr in contributions[name]:
            by_row.setdefault(row, []).append((s_, expr))
        for row in range(_size(shape[:-1])):
            h, body, t = _rotated_writes(name, start, n, L, by_row.get(row, []), row * n, f"r{row}")
            head += h
            lines += body
            tail += t
    # every buffer whose final version is used after the region is an output; a
    # scatter-add's base and result share one buffer, so only the last is named
    final_buffer = {}
    for v, name in buffers.items():
        final_buffer[name] = v
    params = list(arg_of.values()) + [name for name, *_ in buffer_init] + [name for _, name in out_vectors]
    kinds = [_param_kind(key, value, described) for key, value in zip(arg_of, args)]
    kinds += ["F"] * len(buffer_init) + [_ARRAY_KINDS[np.dtype(described[v].dtype)] for v, _ in out_vectors]
    if sums:
        params.append("sums")
        kinds.append("F")
    slot = native.data_slot()
    # the entry point takes plain machine values (see osculate.ad.native): an array as the
    # address of its object, whose word `slot` is its data pointer
    src = ["import numpy as np", "from numba import njit, types", "",
           *[f"{k} = types.CPointer(types.CPointer(types.{t}))" for k, t in _ARRAY_TYPES.items()],
           "d = types.float64", "q = types.int64", "",
           f"@njit(types.void({', '.join(kinds)}), cache=True, error_model='numpy', nogil=True,",
           "      no_cpython_wrapper=True, no_cfunc_wrapper=True)",
           f"def kernel({', '.join(p + '_' if k in _ARRAY_TYPES else p for p, k in zip(params, kinds))}):"]
    src += [f"    {p} = {p}_[{slot}]" for p, k in zip(params, kinds) if k in _ARRAY_TYPES]
    src += [f"    {line}" for line in head]
    if sums:
        # The loop is unrolled over independent sums (_LANES, fewer when the body
        # already holds rows side by side: it grows with both, and so does the
        # compile time) so that they do not serialise it; each lane adds plainly
        # within a block of _BLOCK iterations and adds the block's sum to its
        # total with Kahan's compensation.
        lanes = max(1, _LANES // region.rows)

        def kahan(k, indent):
            return [f"{indent}y_ = {acc}b{k} - {acc}c{k}", f"{indent}s_ = {acc}{k} + y_",
                    f"{indent}{acc}c{k} = (s_ - {acc}{k}) - y_", f"{indent}{acc}{k} = s_"]

        for _, acc in sums:
            src += [f"    {acc}{k} = 0.0\n    {acc}c{k} = 0.0" for k in range(lanes)]
        whole = L - L % lanes
        step = lanes * _BLOCK
        src.append(f"    for j0 in range(0, {whole}, {step}):")
        src += [f"        {acc}b{k} = 0.0" for _, acc in sums for k in range(lanes)]
        src.append(f"        for i0 in range(j0, min(j0 + {step}, {whole}), {lanes}):")
        for k in range(lanes):
            src.append(f"            i = i0 + {k}")
            src += [f"            {line.replace('@', str(k))}" for line in lines]
        for _, acc in sums:
            for k in range(lanes):
                src += kahan(k, "        ")
        src += [f"    {acc}b0 = 0.0" for _, acc in sums]
        src.append(f"    for i in range({whole}, {L}):")
        src += [f"        {line.replace('@', '0')}" for line in lines]
        for _, acc in sums:
            src += kahan(0, "    ")
        for _, acc in sums:  # the lanes' sums, less their compensations, added with compensation
            src += [f"    {acc}t = 0.0", f"    {acc}e = 0.0"]
            for k in range(lanes):
                src += [f"    y_ = ({acc}{k} - {acc}c{k}) - {acc}e", f"    s_ = {acc}t + y_",
                        f"    {acc}e = (s_ - {acc}t) - y_", f"    {acc}t = s_"]
    else:
        src.append(f"    for i in range({L}):")
        src += [f"        {line}" for line in lines]
    src += [f"    {line}" for line in tail]
    src += [f"    sums[{j}] = {acc}t" for j, (_, acc) in enumerate(sums)]
    source = "\n".join(src) + "\n"
    outputs = ([(final_buffer[name], "buffer", name) for name, *_ in buffer_init if final_buffer[name] in eqns_after_uses]
               + [(v, "vector", name) for v, name in out_vectors] + [(v, "sum", acc) for v, acc in sums])
    return source, args, buffer_init, out_vectors, sums, outputs, "".join(kinds)


#: The loops' arrays by element type: the letter of their parameter (see
#: :mod:`osculate.ad.native`) and numba's type of an element (booleans as bytes).
_ARRAY_TYPES = {"F": "float64", "I": "int64", "B": "uint8"}
_ARRAY_KINDS = {_F64: "F", np.dtype(np.int64): "I", _BOOL: "B"}
_KIND_DTYPES = {k: d for d, k in _ARRAY_KINDS.items()}


def _param_kind(key, value, described):
    """The letter of a loop's operand (see :data:`_ARRAY_TYPES`; a scalar:
    ``"d"`` a float, or a boolean, read as 0.0 or 1.0, ``"q"`` an integer)
    from its key in :func:`_generate` and its ``("var" | "const", value)``."""
    what, v = value
    if key[0] == "s":
        return "q" if np.dtype(described[v].dtype).kind in "iu" else "d"
    if key[0] == "k":
        return "d"
    return _ARRAY_KINDS[np.dtype(described[v].dtype if what == "var" else v.dtype)]


def _element(name, operands):
    """The expression of one element of the ufunc ``name`` of ``operands``."""
    if name in _OPERATORS:
        return _OPERATORS[name].format(*operands)
    return f"np.{name}({', '.join(operands)})"


def _rotated_writes(name, start, n, L, contributions, off=0, tag=""):
    """``(head, body, tail)``: code that writes every element of the length-``n``
    row at offset ``off`` of the buffer ``name`` exactly once, where iteration
    ``i`` adds each contribution ``(s, expr)`` to element ``i + s`` of the row
    (``start``: the argument holding the buffer's initial values, or None for
    zeros; ``tag`` keeps the registers of different rows apart).

    Element ``i + s_min`` is complete after iteration ``i``; what iteration
    ``i`` adds further ahead waits in registers ``q0, q1, ...`` (one per
    offset beyond ``s_min``), passed along one place per iteration -- so
    the loop never reads back what it wrote and needs no zero-filled buffer.
    A row without contributions is its start (or zeros).
    """
    at = (lambda p: f"{off} + {p}") if off else (lambda p: f"{p}")
    initial = (lambda p: f"{start}[{at(p)}]") if start is not None else (lambda p: "0.0")
    if not contributions:
        return [f"for p_ in range({n}):", f"    {name}[{at('p_')}] = {initial('p_')}"], [], []
    first = {}
    for s, expr in contributions:
        first.setdefault(s, []).append(expr)
    lo, hi = min(first), max(first)
    depth = hi - lo
    q = [f"{name}{tag}q{k}" for k in range(depth)]
    added = {s: " + ".join(first[s]) for s in first}
    c = [added.get(lo + k, "0.0") for k in range(depth + 1)]
    head = [f"for p_ in range({lo}):", f"    {name}[{at('p_')}] = {initial('p_')}"] + [f"{r} = 0.0" for r in q]
    body = [f"{name}[{at(f'i + {lo}')}] = {initial(f'i + {lo}')} + {(q[0] + ' + ') if depth else ''}{c[0]}"]
    body += [f"{q[k]} = {q[k + 1]} + {c[k + 1]}" for k in range(depth - 1)]
    if depth:
        body.append(f"{q[depth - 1]} = {c[depth]}")
    tail = [f"{name}[{at(L + lo + k)}] = {initial(L + lo + k)} + {q[k]}" for k in range(depth)]
    tail += [f"for p_ in range({L + hi}, {n}):", f"    {name}[{at('p_')}] = {initial('p_')}"]
    return head, body, tail


def _key(source):
    return hashlib.sha1(source.encode()).hexdigest()[:20]


def _cached(source):
    """Whether the loop of ``source`` is ready in this process or on disk:
    ``"native"`` when loaded here already or stored as machine code for this
    machine (:mod:`osculate.ad.native`), True when only numba's cache has it
    (``__pycache__/fused_<key>.kernel-*.nbi``) and numba is installed, else
    False."""
    key = _key(source)
    folder = _cache_dir()
    if key in _kernels or native.stored(folder, key):
        return "native"
    return HAVE_NUMBA and any((folder / "__pycache__").glob(f"fused_{key}.kernel-*.nbi"))


def _compile(source, kinds):
    """The loop of ``source`` (parameters of ``kinds``, see :func:`_generate`)
    as a ctypes function, made once per process: loaded from its stored
    object when there is one for this machine (numba is not imported), else
    compiled by numba -- or loaded from numba's own cache -- and then stored
    for the next process."""
    key = _key(source)
    with _lock:
        fn = _kernels.get(key)
        if fn is None:
            folder = _cache_dir()
            address = native.load(folder, key)
            if address is None:
                if not HAVE_NUMBA:
                    raise RuntimeError("this fused loop is not stored for this machine, and numba is not installed")
                kernel = _numba_kernel(folder, key, source)
                address, symbol, obj = native.from_numba(kernel)
                native.store(folder, key, symbol, obj)
                _compiled_by_numba[key] = kernel  # (keeps the code alive)
            fn = _kernels[key] = native.function(address, kinds)
    return fn


def _numba_kernel(folder, key, source):
    """numba's dispatcher of the loop of ``source``, compiled (or loaded
    from numba's disk cache) as its module is executed."""
    path = folder / f"fused_{key}.py"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(source)
        os.replace(tmp, path)  # atomic: another process may write the same file
    name = f"osculate_fused_{key}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # numba's disk cache imports the kernel's module by name
    spec.loader.exec_module(module)
    return module.kernel


def _cache_dir():
    base = os.environ.get("OSCULATE_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "osculate")
    folder = pathlib.Path(base) / "fusion"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --------------------------------------------------------------------------- the fused operation


class _Call:
    """How to run one compiled region (the parameter of :data:`fused_p`):
    its loop (a ctypes function, see :func:`_compile`), the element type of
    each operand that is an array (None for a scalar), the shapes of the
    arrays it fills, how many sums it returns, and which of those the
    equation defines, in order."""

    __slots__ = ("kernel", "dtypes", "buffer_shapes", "vector_shapes", "n_sums", "length", "layout", "source")

    def __init__(self, kernel, dtypes, buffer_shapes, vector_shapes, n_sums, length, layout, source):
        self.kernel, self.dtypes, self.buffer_shapes, self.vector_shapes = kernel, dtypes, buffer_shapes, vector_shapes
        self.n_sums, self.length, self.layout, self.source = n_sums, length, layout, source

    def __repr__(self):
        return f"<fused loop over {self.length}>"


def _fused_impl(*operands, call):
    # arrays go in contiguous, of the loop's element type (a strided one is copied): the loop
    # reads their data through their objects; scalars go as numbers
    args = [np.ascontiguousarray(a, dtype) if dtype is not None else (a[()] if isinstance(a, np.ndarray) else a)
            for a, dtype in zip(operands, call.dtypes)]
    buffers = [np.empty(shape) for shape in call.buffer_shapes]  # the loop writes every element
    vectors = [np.empty(shape, dtype) for shape, dtype in call.vector_shapes]
    sums = np.empty(call.n_sums) if call.n_sums else None
    status = call.kernel(native.RET, native.EXC, *args, *buffers, *vectors, *((sums,) if call.n_sums else ()))
    if status:
        native.check(status)
    pools = {"buffer": buffers, "vector": vectors, "sum": sums}
    return tuple(pools[kind][j] for kind, j in call.layout)


# A region of a staged program compiled into one loop.  It exists only inside
# fused programs (made by fuse, run by the replay); nothing traces it.
fused_p = Primitive("fused", _fused_impl, multiple_results=True)
for _kind in ("jvp", "vjp", "batch", "taylor", "sparsity"):
    fused_p.lacks(_kind, "made by osc.jit inside staged programs; never traced")


def _planned(eqns, described, out_vars, force):
    """``(planned, deferred)``: the regions worth fusing -- each with the
    variables read after it and its generated loop -- (``force``: of any
    length, else only those of ``settings["min_length"]`` elements or more),
    and whether the program has regions, all shorter than that."""
    uses = _use_counts(eqns, out_vars)
    found = _regions(eqns, described, uses, out_vars)
    regions = [r for r in found if force or settings["mode"] == "always" or r.rows * r.length >= settings["min_length"]]
    readers = _readers(eqns) if regions else {}
    returned = set(out_vars)
    planned = []
    for region in regions:
        # variables of the region read after it (or returned): the equations it skips
        # read none of its values, so every reader outside it comes after its last one
        after = {v: sum(k not in region.members for k in readers.get(v, ())) + (v in returned)
                 for v in region.defined}
        after = {v: n for v, n in after.items() if n}
        generated = _generate(region, after, described)
        if generated[0].count("\n") > settings["max_source_lines"]:
            continue  # a loop body that grows with the data (constant indices spelled out) stays unfused
        planned.append((region, after, generated))
    return planned, bool(found) and not regions


def on_disk(eqns, described, out_vars, force=False):
    """Whether every loop that :func:`fuse` would compile for this program is
    in the disk cache already (another process compiled it): then fusing
    costs loading it, not compiling it (seconds).  ``"native"`` when each is
    loaded here already or stored as machine code for this machine (loading
    costs about 1 ms a loop, and some 40 ms once per process for llvmlite),
    True when some are in numba's cache only (loading them needs numba:
    some 0.3 s to import and start), else False."""
    planned, _ = _planned(eqns, described, out_vars, force)
    if not planned:
        return False
    found = [_cached(generated[0]) for _, _, generated in planned]
    return "native" if all(f == "native" for f in found) else all(found)


def fuse(eqns, described, out_vars, equation_cls, force=False):
    """``(equations, deferred)``: the equations with every fusible region
    replaced by one :data:`fused_p` equation, or None when nothing is worth
    fusing -- and then ``deferred`` says whether there are regions, all
    shorter than ``settings["min_length"]``.  ``out_vars`` are the program's
    output variables; ``equation_cls`` builds an equation; ``force`` fuses
    regions of any length."""
    planned, deferred = _planned(eqns, described, out_vars, force)
    if not planned:  # nothing long enough, or every region's loop too long to compile
        return None, deferred
    replaced = {}
    for region, after, (source, args, buffer_init, out_vectors, sums, outputs, kinds) in planned:
        idx = [k for k, _, _ in region.items]
        kernel = _compile(source, kinds)
        layout, outs = [], []
        for v, kind, name in outputs:
            pool = {"buffer": [b[0] for b in buffer_init], "vector": [n for _, n in out_vectors],
                    "sum": [a for _, a in sums]}[kind]
            layout.append((kind, pool.index(name)))
            outs.append(v)
        buffer_shapes = tuple(shape for _, _, shape in buffer_init)
        shapes = tuple((described[v].shape, described[v].dtype) for v, _ in out_vectors)
        dtypes = tuple(_KIND_DTYPES.get(k) for k in kinds[:len(args)])  # (None: a scalar)
        call = _Call(kernel, dtypes, buffer_shapes, shapes, len(sums), region.length, tuple(layout), source)
        refs = [v if kind == "var" else None for kind, v in args]
        consts = [v if kind == "const" else None for kind, v in args]
        fused = equation_cls(fused_p, tuple(refs), tuple(consts), {"call": call}, tuple(outs))
        # a slice read after the region stays a (cheap) view outside it
        lazy = region.lazy  # (a slice of a lazy value has no base outside the loop: the loop writes it out)
        views = [e for _, e, op in region.items if op.kind == "getitem" and e.outs[0] in after and e.refs[0] not in lazy]
        replaced[idx[-1]] = views + ([fused] if outs else [])
        for k in idx[:-1]:
            replaced[k] = []
    new = []
    for k, e in enumerate(eqns):
        new.extend(replaced.get(k, [e]))
    return new, False
