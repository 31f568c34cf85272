"""Fusion: the elementwise chains of a staged program compiled into single loops.

A staged program (:class:`osculate.ad.jit.Program`) runs one NumPy call per
operation, and each call is a full pass over memory: on a long vector the
derivative of a chain of ``k`` elementwise operations costs ``k`` passes.
Here such chains become one compiled loop over the elements, so every
value lives in a register for one iteration instead of in a temporary
array.  The compiler is `numba <https://numba.pydata.org>`_ (an optional
dependency, in the ``cli`` extra): it installs as a wheel, compiles a loop
in a fraction of a second, and caches the machine code on disk.  Without it
programs run unfused, as before.

What fuses: maximal runs of consecutive operations over one iteration space
of length ``L`` on float64 arrays --

* elementwise ufuncs (arithmetic, powers, exponentials and logarithms,
  trigonometric and hyperbolic functions...), comparisons and ``where`` on
  arrays of the result's shape (the loop runs over its flat index, so any
  number of axes) or broadcasting to it (a bias ``(m,)`` against
  ``(n, m)``: read at the index the broadcast maps to), scalars and
  constant arrays;
* contiguous slices ``x[a:b]`` of a vector, read as ``x[i + a]``;
* ``scatter`` / ``scatter-add`` of a length-``L`` value into a contiguous
  slice of a vector (the adjoints of slicing): ``buf[i + a] += v_i``, with
  every element written once (see :func:`_rotated_writes`);
* ``sum`` of every element of a value (four partial sums, each adding
  blocks of 64 terms with Kahan's compensation), which ends the chain.

Everything else -- matrix products, sums along some axes, gathers, linear
algebra -- stays a NumPy call between loops.  A program's runs of at least
:data:`settings` ``["min_length"]`` elements are fused once it has been
replayed ``["after"]`` times, and its shorter runs once its replays have
taken ``["pay_after"]`` seconds, about what compiling them costs (a small
problem's derivative called in a long loop becomes one compiled call), so
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

from .core import Primitive

try:  # an optional dependency: without it programs run unfused
    import numba
except ImportError:  # pragma: no cover - exercised where numba is absent
    numba = None

__all__ = ["settings", "available", "fuse", "fused_p"]

#: ``mode``: ``"auto"`` (fuse hot programs), ``"always"`` or ``"off"``;
#: ``after``: replays of a program before its runs of at least ``min_length``
#: elements are fused; ``pay_after``: seconds of further replays before its
#: shorter runs are fused too (about what compiling them costs: a small problem's
#: derivative called in a long loop becomes one compiled call); all for auto mode.
settings = {"mode": os.environ.get("OSCULATE_FUSION", "auto"), "after": 3, "min_length": 4096, "pay_after": 0.25}

_lock = threading.Lock()
_kernels: dict = {}  # source hash -> compiled kernel (in this process)


def available() -> bool:
    """True when numba is installed and fusion is not turned off."""
    return numba is not None and settings["mode"] != "off"


def wanted(replays: int, force: bool = False, spent: float = 0.0):
    """Whether a program replayed ``replays`` times, ``spent`` seconds of them
    after the first ``settings["after"]``, should be fused now: False, True
    (its long runs), or ``"any length"`` (its replays have cost as much as a
    compile, so even short runs pay from now on: the rule of renting skis
    until the rent reaches the price).  ``force``: its function asked for
    fusion, ``jit(f, fuse=True)``."""
    if not available():
        return False
    if force or settings["mode"] == "always" or spent >= settings["pay_after"]:
        return "any length"
    return replays == settings["after"]


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
    impl = prim.impl
    if prim.name == "where" and impl is np.where and not params:
        return "where"
    if params or not isinstance(impl, np.ufunc) or impl.nout != 1:
        return None
    name = impl.__name__
    return name if (name in _OPERATORS or name in _FUNCTIONS) else None


def _slice_of(params, n):
    """``(start, length)`` of a contiguous one-axis slice of a length-``n`` vector, or None."""
    idx = params.get("idx")
    if not (isinstance(idx, tuple) and len(idx) == 1 and isinstance(idx[0], slice)):
        return None
    start, stop, step = idx[0].indices(n)
    if step != 1 or stop <= start:
        return None
    return start, stop - start


class _Op(NamedTuple):
    """One fusible operation: its kind, iteration length and details."""

    kind: str  # "getitem", "ufunc", "lazy" (a ufunc computed where slices read it), "scatter", "scatter_add", "sum"
    length: int | None  # None for a lazy value
    detail: object  # the ufunc name, or the slice start


def _classify(eqn, described):
    """The :class:`_Op` of a fusible equation, or None."""
    prim, refs, consts, params, outs = eqn
    name = prim.name

    def vec(r):  # a float64 vector variable: its length, or None
        if r is None:
            return None
        shape, dtype, _ = described[r]
        return shape[0] if len(shape) == 1 and dtype == _F64 else None

    if name == "getitem" and refs[0] is not None and vec(refs[0]) is not None:
        sl = _slice_of(params, vec(refs[0]))
        return None if sl is None else _Op("getitem", sl[1], sl[0])
    if name == "sum" and len(refs) == 1 and refs[0] is not None and params.get("keepdims") is False:
        shape, dtype, _ = described[refs[0]]
        axis = params.get("axis")
        axes = range(len(shape)) if axis is None else sorted(a % len(shape) for a in (
            axis if isinstance(axis, tuple) else (axis,))) if shape else ()
        if dtype == _F64 and shape and list(axes) == list(range(len(shape))):  # a sum of every element
            return _Op("sum", _size(shape), None)
        return None
    if name in ("scatter", "scatter_add"):
        v = refs[-1] if name == "scatter_add" else refs[0]
        shape = params.get("shape") if name == "scatter" else described[refs[0]].shape if refs[0] is not None else None
        if vec(v) is None or shape is None or len(shape) != 1:
            return None
        if name == "scatter_add" and vec(refs[0]) is None:
            return None
        sl = _slice_of(params, shape[0])
        if sl is None or sl[1] != vec(v):
            return None
        return _Op(name, vec(v), sl[0])
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
    return _Op("ufunc", _size(shape), uname)


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
    """A run of consecutive fusible equations over one iteration length."""

    def __init__(self, length):
        self.length = length
        self.items = []  # (index in the program, equation, _Op)
        self.defined = set()
        self.lazy = set()  # lazy values (see _sliced_only)
        self.buffers = set()  # the results of its scatters and scatter-adds

    def add(self, k, eqn, op):
        self.items.append((k, eqn, op))
        self.defined.update(eqn.outs)
        if op.kind == "lazy":
            self.lazy.add(eqn.outs[0])
        elif op.kind in ("scatter", "scatter_add"):
            self.buffers.update(eqn.outs)

    def compute_count(self):
        return sum(op.kind in ("ufunc", "lazy", "sum") for _, _, op in self.items)

    def reads_lazy_values_inside(self, readers):
        """Whether every read of its lazy values is one of its equations
        (``readers``: variable -> indices of the equations that read it)."""
        first, last = self.items[0][0], self.items[-1][0]
        return all(first <= k <= last for v in self.lazy for k in readers.get(v, ()))


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
                eqns[k].prim.name == "getitem" and eqns[k].refs[0] == v and _classify(eqns[k], described) is not None
                for k in readers[v]):
            out.add(v)
    return out


def _regions(eqns, described, uses, out_vars=()):
    """Maximal runs of fusible equations over one iteration length.  A result
    read only through slices (see :func:`_sliced_only`) may join a run of
    another length as a lazy value, provided every slice of it is in the same
    run."""
    readers = _readers(eqns)
    lazy_ok = _sliced_only(eqns, described, set(out_vars), readers)
    out, current = [], None
    for k, eqn in enumerate(eqns):
        op = _classify(eqn, described)
        if op is not None and op.kind == "ufunc" and eqn.outs[0] in lazy_ok and not (current is not None and any(
                r in current.defined and r not in current.lazy for r in eqn.refs)):
            # (a value the loop computes at i cannot be read at another position)
            op = _Op("lazy", None, op.detail)
        if op is not None and current is not None and _fits(current, eqn, op, uses):
            if op.length in (None, current.length):
                current.add(k, eqn, op)
                continue
            if current.length is None:  # the run so far was lazy values only
                current.length = op.length
                current.add(k, eqn, op)
                continue
        if current is not None:
            out.append(current)
        current = None
        if op is not None and op.kind != "sum":
            current = _Region(op.length)
            if _fits(current, eqn, op, uses):
                current.add(k, eqn, op)
            else:
                current = None
    if current is not None:
        out.append(current)
    return [r for r in out if r.length is not None and r.compute_count() >= 2 and r.reads_lazy_values_inside(readers)]


def _fits(region, eqn, op, uses):
    """Whether ``eqn`` may join ``region`` (reads no scatter buffer of it except
    as the base of a scatter-add that is that buffer's only use)."""
    buffers = region.buffers
    refs = eqn.refs
    if op.kind == "scatter_add":
        base, v = refs[0], refs[1]
        if v in buffers:
            return False
        if base in buffers and uses[base] != 1:
            return False
        return True
    return not any(r in buffers for r in refs if r is not None)


# --------------------------------------------------------------------------- code generation


def _generate(region, eqns_after_uses, described):
    """The loop of ``region``: ``(source, args, buffer_init, out_vectors, sums,
    outputs)``.

    ``args``: the external operands in argument order, each ``("var", v)`` or
    ``("const", value)``; ``buffer_init``: the scatter buffers, each ``(name,
    argument holding its initial values or None for zeros, length)``; ``out_vectors`` and ``sums``: the
    vectors written element by element and the accumulators returned;
    ``outputs``: what the call defines, each ``(var, kind, name)`` with kind
    ``"buffer"``, ``"vector"`` or ``"sum"``."""
    L = region.length
    args, arg_of = [], {}
    lines = []
    temps = {}
    buffers = {}  # var -> argument name of its buffer
    buffer_init = []  # (buffer name, the argument holding its start or None for zeros, length)
    sums = []  # (var, accumulator name)
    out_vectors = []  # (var, argument name)
    contributions = {}  # buffer name -> [(slice start, expression added there)]

    def arg(key, value):
        if key not in arg_of:
            arg_of[key] = f"a{len(args)}"
            args.append(value)
        return arg_of[key]

    lazy = {}  # var -> its element at a position, as a function of the position's expression

    def operand(r, c, pos="i", out_shape=None):
        if r is not None and r in lazy:
            return lazy[r](pos)
        if r is not None and r in temps:
            return temps[r]
        if r is not None:
            shape = described[r].shape
            if shape == ():
                return arg(("s", r), ("var", r))
            if out_shape is not None and _size(shape) != _size(out_shape):  # broadcast against the result
                return f"{arg(('v', r), ('var', r))}[{_flat_index(shape, out_shape, pos)}]"
            return f"{arg(('v', r), ('var', r))}[{pos}]"
        if _scalar_const(c):
            if isinstance(c, (float, np.floating)) or (isinstance(c, np.ndarray) and c.dtype.kind == "f"):
                return repr(float(c)) if np.isfinite(c) else arg(("k", id(c)), ("const", float(c)))
            return repr(int(c))
        if c.size and np.isfinite(c.flat[0]) and (c == c.flat[0]).all():
            return repr(float(c.flat[0]))  # a broadcast scalar (an adjoint's seed, often): no memory traffic
        if out_shape is not None and c.size != _size(out_shape):
            return f"{arg(('c', id(c)), ('const', c))}[{_flat_index(c.shape, out_shape, pos)}]"
        return f"{arg(('c', id(c)), ('const', c))}[{pos}]"

    for _, eqn, op in region.items:
        prim, refs, consts, params, outs = eqn
        t = f"t{outs[0]}"
        if op.kind == "getitem":
            lines.append(f"{t} = {operand(refs[0], None, f'i + {op.detail}')}")
            temps[outs[0]] = t
        elif op.kind == "ufunc":
            shape = described[outs[0]].shape
            lines.append(f"{t} = {_element(op.detail, [operand(r, c, 'i', shape) for r, c in zip(refs, consts)])}")
            temps[outs[0]] = t
        elif op.kind == "lazy":
            lazy[outs[0]] = (lambda name, refs, consts: lambda pos: _element(
                name, [operand(r, c, pos) for r, c in zip(refs, consts)]))(op.detail, refs, consts)
        elif op.kind == "scatter":
            name = f"b{len(buffer_init)}"
            buffer_init.append((name, None, params["shape"][0]))
            buffers[outs[0]] = name
            contributions[name] = [(op.detail, operand(refs[0], consts[0]))]
        elif op.kind == "scatter_add":
            if refs[0] in buffers:
                name = buffers[refs[0]]
            else:  # into a vector from outside the region: its values are the buffer's start
                name = f"b{len(buffer_init)}"
                buffer_init.append((name, arg(("v", refs[0]), ("var", refs[0])), described[refs[0]].shape[0]))
                contributions[name] = []
            buffers[outs[0]] = name
            contributions[name].append((op.detail, operand(refs[1], consts[1])))
        else:  # sum: compensated (Kahan) partial sums, one per lane ("@" is the lane), combined at the end
            acc = f"acc{len(sums)}"
            sums.append((outs[0], acc))
            x = operand(refs[0], consts[0])
            lines.append(f"{acc}b@ += {x}")
    # vectors needed after the region are written out
    for _, eqn, op in region.items:
        v = eqn.outs[0]
        if (op.kind == "ufunc" or (op.kind == "getitem" and eqn.refs[0] in lazy)) and eqns_after_uses.get(v):
            name = f"o{len(out_vectors)}"
            out_vectors.append((v, name))
            lines.append(f"{name}[i] = {temps[v]}")
    head, tail = [], []
    for name, start, n in buffer_init:
        h, body, t = _rotated_writes(name, start, n, L, contributions[name])
        head += h
        lines += body
        tail += t
    # every buffer whose final version is used after the region is an output; a
    # scatter-add's base and result share one buffer, so only the last is named
    final_buffer = {}
    for v, name in buffers.items():
        final_buffer[name] = v
    params = list(arg_of.values()) + [name for name, *_ in buffer_init] + [name for _, name in out_vectors]
    src = ["import numpy as np", "from numba import njit", "",
           "@njit(cache=True, error_model='numpy', nogil=True)",
           f"def kernel({', '.join(params)}):"]
    src += [f"    {line}" for line in head]
    if sums:
        # The loop is unrolled over _LANES independent sums so that they do not
        # serialise it; each lane adds plainly within a block of _BLOCK iterations
        # and adds the block's sum to its total with Kahan's compensation.
        def kahan(k, indent):
            return [f"{indent}y_ = {acc}b{k} - {acc}c{k}", f"{indent}s_ = {acc}{k} + y_",
                    f"{indent}{acc}c{k} = (s_ - {acc}{k}) - y_", f"{indent}{acc}{k} = s_"]

        for _, acc in sums:
            src += [f"    {acc}{k} = 0.0\n    {acc}c{k} = 0.0" for k in range(_LANES)]
        whole = L - L % _LANES
        step = _LANES * _BLOCK
        src.append(f"    for j0 in range(0, {whole}, {step}):")
        src += [f"        {acc}b{k} = 0.0" for _, acc in sums for k in range(_LANES)]
        src.append(f"        for i0 in range(j0, min(j0 + {step}, {whole}), {_LANES}):")
        for k in range(_LANES):
            src.append(f"            i = i0 + {k}")
            src += [f"            {line.replace('@', str(k))}" for line in lines]
        for _, acc in sums:
            for k in range(_LANES):
                src += kahan(k, "        ")
        src += [f"    {acc}b0 = 0.0" for _, acc in sums]
        src.append(f"    for i in range({whole}, {L}):")
        src += [f"        {line.replace('@', '0')}" for line in lines]
        for _, acc in sums:
            src += kahan(0, "    ")
        for _, acc in sums:  # the lanes' sums, less their compensations, added with compensation
            src += [f"    {acc}t = 0.0", f"    {acc}e = 0.0"]
            for k in range(_LANES):
                src += [f"    y_ = ({acc}{k} - {acc}c{k}) - {acc}e", f"    s_ = {acc}t + y_",
                        f"    {acc}e = (s_ - {acc}t) - y_", f"    {acc}t = s_"]
    else:
        src.append(f"    for i in range({L}):")
        src += [f"        {line}" for line in lines]
    src += [f"    {line}" for line in tail]
    src.append(f"    return ({', '.join(f'{acc}t' for _, acc in sums)}{',' if len(sums) == 1 else ''})")
    source = "\n".join(src) + "\n"
    outputs = ([(final_buffer[name], "buffer", name) for name, *_ in buffer_init if final_buffer[name] in eqns_after_uses]
               + [(v, "vector", name) for v, name in out_vectors] + [(v, "sum", acc) for v, acc in sums])
    return source, args, buffer_init, out_vectors, sums, outputs


def _element(name, operands):
    """The expression of one element of the ufunc ``name`` of ``operands``."""
    if name in _OPERATORS:
        return _OPERATORS[name].format(*operands)
    return f"np.{name}({', '.join(operands)})"


def _rotated_writes(name, start, n, L, contributions):
    """``(head, body, tail)``: code that writes every element of the length-``n``
    buffer ``name`` exactly once, where iteration ``i`` adds each
    contribution ``(s, expr)`` to element ``i + s`` (``start``: the argument
    holding the buffer's initial values, or None for zeros).

    Element ``i + s_min`` is complete after iteration ``i``; what iteration
    ``i`` adds further ahead waits in registers ``q0, q1, ...`` (one per
    offset beyond ``s_min``), passed along one place per iteration -- so
    the loop never reads back what it wrote and needs no zero-filled buffer.
    """
    first = {}
    for s, expr in contributions:
        first.setdefault(s, []).append(expr)
    lo, hi = min(first), max(first)
    depth = hi - lo
    q = [f"{name}q{k}" for k in range(depth)]
    initial = (lambda p: f"{start}[{p}]") if start is not None else (lambda p: "0.0")
    added = {s: " + ".join(first[s]) for s in first}
    c = [added.get(lo + k, "0.0") for k in range(depth + 1)]
    head = [f"for p_ in range({lo}):", f"    {name}[p_] = {initial('p_')}"] + [f"{r} = 0.0" for r in q]
    body = [f"{name}[i + {lo}] = {initial(f'i + {lo}')} + {(q[0] + ' + ') if depth else ''}{c[0]}"]
    body += [f"{q[k]} = {q[k + 1]} + {c[k + 1]}" for k in range(depth - 1)]
    if depth:
        body.append(f"{q[depth - 1]} = {c[depth]}")
    tail = [f"{name}[{L + lo + k}] = {initial(L + lo + k)} + {q[k]}" for k in range(depth)]
    tail += [f"for p_ in range({L + hi}, {n}):", f"    {name}[p_] = {initial('p_')}"]
    return head, body, tail


def _compile(source):
    """The kernel of ``source``, compiled once per process and cached on disk."""
    key = hashlib.sha1(source.encode()).hexdigest()[:20]
    with _lock:
        fn = _kernels.get(key)
        if fn is None:
            folder = _cache_dir()
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
            fn = _kernels[key] = module.kernel
    return fn


def _cache_dir():
    base = os.environ.get("OSCULATE_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "osculate")
    folder = pathlib.Path(base) / "fusion"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --------------------------------------------------------------------------- the fused operation


class _Call:
    """How to run one compiled region (the parameter of :data:`fused_p`)."""

    __slots__ = ("kernel", "buffer_lengths", "vector_shapes", "length", "layout", "source")

    def __init__(self, kernel, buffer_lengths, vector_shapes, length, layout, source):
        self.kernel, self.buffer_lengths = kernel, buffer_lengths
        self.vector_shapes, self.length, self.layout, self.source = vector_shapes, length, layout, source

    def __repr__(self):
        return f"<fused loop over {self.length}>"


def _fused_impl(*operands, call):
    # arrays go in flat (a contiguous array's flat view; a strided one is copied)
    args = [(np.ascontiguousarray(a).reshape(-1) if a.ndim else a[()]) if isinstance(a, np.ndarray) else a
            for a in operands]
    buffers = [np.empty(n) for n in call.buffer_lengths]  # the kernel writes every element
    vectors = [np.empty(call.length, dtype) for _, dtype in call.vector_shapes]
    sums = call.kernel(*args, *buffers, *vectors)
    pools = {"buffer": buffers, "vector": [v.reshape(shape) for v, (shape, _) in zip(vectors, call.vector_shapes)],
             "sum": [np.float64(s) for s in sums]}
    return tuple(pools[kind][j] for kind, j in call.layout)


# A region of a staged program compiled into one loop.  It exists only inside
# fused programs (made by fuse, run by the replay); nothing traces it.
fused_p = Primitive("fused", _fused_impl, multiple_results=True)
for _kind in ("jvp", "vjp", "batch", "taylor", "sparsity"):
    fused_p.lacks(_kind, "made by osc.jit inside staged programs; never traced")


def fuse(eqns, described, out_vars, equation_cls, force=False):
    """``(equations, deferred)``: the equations with every fusible region
    replaced by one :data:`fused_p` equation, or None when nothing is worth
    fusing -- and then ``deferred`` says whether there are regions, all
    shorter than ``settings["min_length"]``.  ``out_vars`` are the program's
    output variables; ``equation_cls`` builds an equation; ``force`` fuses
    regions of any length."""
    uses = _use_counts(eqns, out_vars)
    found = _regions(eqns, described, uses, out_vars)
    regions = [r for r in found if force or settings["mode"] == "always" or r.length >= settings["min_length"]]
    if not regions:
        return None, bool(found)
    replaced = {}
    readers = _readers(eqns)
    returned = set(out_vars)
    for region in regions:
        idx = [k for k, _, _ in region.items]
        # variables of the region read after it (or returned): a region is a run of
        # consecutive equations, so every reader beyond its last one is outside it
        after = {v: sum(k > idx[-1] for k in readers.get(v, ())) + (v in returned) for v in region.defined}
        after = {v: n for v, n in after.items() if n}
        source, args, buffer_init, out_vectors, sums, outputs = _generate(region, after, described)
        kernel = _compile(source)
        layout, outs = [], []
        for v, kind, name in outputs:
            pool = {"buffer": [b[0] for b in buffer_init], "vector": [n for _, n in out_vectors],
                    "sum": [a for _, a in sums]}[kind]
            layout.append((kind, pool.index(name)))
            outs.append(v)
        lengths = tuple(n for _, _, n in buffer_init)
        shapes = tuple((described[v].shape, described[v].dtype) for v, _ in out_vectors)
        call = _Call(kernel, lengths, shapes, region.length, tuple(layout), source)
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
