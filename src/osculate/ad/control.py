"""Structured control flow: ``cond``, ``switch``, ``while_loop``, ``fori_loop``, ``scan``.

A Python ``if`` or ``while`` on a traced value works eagerly (the tracer
gives its value and the branch taken is differentiated), but it cannot be
staged by :func:`~osculate.jit`, batched by :func:`~osculate.vmap` or seen
by global sparsity detection: each needs the *whole* construct, not one
path through it.  These operators hand it over.  What they do depends on
what the decision -- the predicate, the branch index, the loop condition --
turns out to be:

* **a concrete value** (plain arrays, or any stack of differentiating traces
  over them: forward, reverse, Taylor, local sparsity): they run like the
  Python they replace.  Every derivative follows the path taken, to any
  order and in every nesting; reverse mode through ``while_loop`` keeps the
  residuals of each iteration as the loop runs, so its trip count may be
  known only at run time.  ``scan(..., checkpoint=True)`` keeps only the
  carries and recomputes each step in the backward sweep.
* **a batched value** (``vmap`` with a different decision per member):
  ``cond`` and ``switch`` evaluate every branch and select per member with
  ``np.where``; ``while_loop`` runs until every member is done, and a member
  that is done keeps its state (masking).
* **a staged value** (``jit``): the construct becomes one node of the
  program whose branches or body are programs of their own (values they
  close over become inputs), so one program replays for every trip count
  and branch.  When a body mixes staged values with the tracers of a
  transformation applied inside ``jit`` (``jit(grad(f))``), the path is
  staged operation by operation with a guard on every decision, and a
  replay that decides differently stages its own path (see
  :mod:`osculate.ad.jit`).
* **an unknown value** (global sparsity detection): the pattern is the
  union over the branches, and for ``while_loop`` the union over every
  number of iterations, iterated until it no longer grows.

``fori_loop`` with Python-integer bounds and ``scan`` have a trip count
known in advance and simply iterate (``scan`` stages as a node under
``jit``).

The state of a loop (and the results of the branches) are pytrees whose
structure, shapes and dtypes stay the same from one iteration (branch) to
the next; anything else raises a ``TypeError`` that names the leaf.
"""

from __future__ import annotations

import numpy as np

from .core import ConcretizationError, Primitive, Tracer, innermost_trace
from .jit import (JitTrace, JitTracer, NotStageable, decision as _decision, example_value as _example, stage_guard,
                  stage_node, stage_replayable, stage_subprogram)
from .remat import checkpoint as _checkpoint
from .sparsity import SparsityTracer
from .tree import tree_flatten, tree_unflatten

__all__ = ["cond", "switch", "while_loop", "fori_loop", "scan"]

#: Global sparsity detection gives up on a ``while_loop`` whose pattern still
#: grows after this many passes of the body.
MAX_PATTERN_PASSES = 10_000


def _scalar(x, what):
    shape = tuple(np.shape(x))
    if shape != ():
        raise TypeError(f"{what} must be a scalar (one value per batch member), got shape {shape}")
    if _dtype(x).kind not in "biufc":
        raise TypeError(f"{what} must be a boolean or a number, got {type(x).__name__} of dtype {_dtype(x)}")
    return x


# --------------------------------------------------------------------------- pytrees of operands


def _operands(tree):
    """Flatten ``tree``; plain numbers become arrays so every leaf has a dtype."""
    leaves, td = tree_flatten(tree)
    return [x if isinstance(x, (Tracer, np.ndarray)) else np.asarray(x) for x in leaves], td


def _dtype(x):
    # (np.asarray, not np.result_type, for other objects: result_type reads a string as a dtype name)
    return np.dtype(x.dtype) if isinstance(x, (Tracer, np.ndarray, np.generic)) else np.asarray(x).dtype


def _signature(leaves):
    return [(tuple(np.shape(x)), _dtype(x)) for x in leaves]


def _check_like(new, td_new, sig, td, what):
    """``new`` (flattened with ``td_new``) has the structure, shapes and dtypes ``sig``/``td``."""
    if td_new != td:
        raise TypeError(f"{what} changed the structure of the state: {td} became {td_new}")
    for k, (x, (shape, dtype)) in enumerate(zip(new, sig)):
        got = (tuple(np.shape(x)), _dtype(x))
        if got != (shape, dtype):
            raise TypeError(
                f"{what}: leaf #{k} changed from shape {shape}, dtype {dtype} to shape {got[0]}, "
                f"dtype {got[1]}; keep the state's shapes and dtypes fixed (e.g. start a float "
                "counter at 0.0, not 0)"
            )


def _select(pred, a, b):
    """Leafwise ``np.where(pred, a, b)`` (``pred`` per batch member)."""
    return [np.where(pred, x, y) for x, y in zip(a, b)]


def _same_pattern(old, new):
    """True when the sparsity patterns of two states are the same."""
    for a, b in zip(old, new):
        if type(a) is not type(b):
            return False
        if type(a) is SparsityTracer:
            for s, t in ((a.deps.G, b.deps.G), (a.deps.H, b.deps.H)):
                if s is None:
                    continue
                if not (np.array_equal(s.indptr, t.indptr) and np.array_equal(s.indices, t.indices)):
                    return False
    return True


# A body is staged as a program of its own by running it once at example
# values (operations that fail there are retried at stand-ins: see
# jit._SubTrace.evaluate).  Whatever else stops a node from being staged --
# NotStageable (a tracer of another transformation), an error of the user's
# code on a path that may never run -- falls back to the guarded path, which
# stages only what runs, and raises the error again if it is real.
_UNSTAGEABLE = Exception


def _staging_trace(decision, leaves):
    """The jit trace a construct can be staged in as a node: the innermost of
    the traces of the decision and of the staged leaves, provided every
    traced value belongs to it or to a trace it is nested in.  ``None`` when
    some value carries another transformation (the guarded path then)."""
    tracers = [x for x in leaves if isinstance(x, Tracer)]
    if decision is not None:
        tracers.append(decision)
    if not tracers or any(type(x) is not JitTracer for x in tracers):
        return None
    trace = max((x._trace for x in tracers), key=lambda t: t.level)
    owns = getattr(trace, "owns", lambda t: t is trace)
    return trace if all(owns(x._trace) for x in tracers) else None


# --------------------------------------------------------------------------- switch / cond


def _switch_impl(index, *ops, branches, n_ops, n_caps):
    k = int(np.clip(np.asarray(index).astype(np.int64), 0, len(branches) - 1))
    start = n_ops + sum(n_caps[:k])
    return tuple(branches[k](list(ops[:n_ops]) + list(ops[start:start + n_caps[k]])))


# A staged ``switch``/``cond``: its branches are programs.  It exists only
# inside staged programs (made below, run by the replay); nothing traces it.
switch_p = Primitive("switch", _switch_impl, multiple_results=True)


def switch(index, branches, *operands):
    """``branches[index](*operands)``, with ``index`` clamped to the valid range.

    Every branch returns a pytree of the same structure, shapes and dtypes.
    ``index`` may be traced: under ``vmap`` each member takes its own branch
    (all are evaluated and the results selected), under ``jit`` the choice is
    staged (see :mod:`osculate.ad.control`).

    >>> import numpy as np, osculate as osc
    >>> fns = [np.sin, np.cos, np.tanh]
    >>> float(osc.switch(1, fns, 0.0))
    1.0
    >>> osc.vmap(lambda i, x: osc.switch(i, fns, x))(np.array([0, 1, 5]), np.zeros(3))
    array([0., 1., 0.])
    """
    branches = list(branches)
    if not branches or not all(callable(b) for b in branches):
        raise TypeError("switch: branches must be a non-empty sequence of functions")
    if _dtype(index).kind not in "biu":
        raise TypeError(f"switch: the index must be an integer, got dtype {_dtype(index)}")
    return _switch(_scalar(index, "switch index"), branches, operands, "switch")


def cond(pred, true_fn, false_fn, *operands):
    """``true_fn(*operands)`` if ``pred`` else ``false_fn(*operands)``.

    Both branches return a pytree of the same structure, shapes and dtypes.
    Eagerly (and under forward, reverse or Taylor mode) only the branch taken
    runs; under ``vmap`` with a per-member predicate both run and the results
    are selected; under ``jit`` the choice is staged.

    >>> import numpy as np, osculate as osc
    >>> f = lambda x: osc.cond(x > 0, lambda y: y ** 2, lambda y: -y, x)
    >>> float(osc.grad(f)(3.0)), float(osc.grad(f)(-3.0))
    (6.0, -1.0)
    >>> osc.vmap(f)(np.array([-2.0, 2.0]))
    array([2., 4.])
    """
    if not (callable(true_fn) and callable(false_fn)):
        raise TypeError("cond: true_fn and false_fn must be functions")
    pred = _scalar(pred, "cond predicate")
    if _dtype(pred).kind != "b":
        pred = pred != 0  # truthiness, as Python's `if`
    return _switch(pred, [false_fn, true_fn], operands, "cond")


def _switch(index, branches, operands, what):
    ops, td = _operands(operands)

    def call(k, leaves):
        return _operands(branches[k](*tree_unflatten(td, leaves)))

    d = _decision(index)
    n = len(branches)
    if d is not None and not d.batched:
        k = int(np.clip(d.value.astype(np.int64), 0, n - 1))
        if d.staged is not None:
            trace = _staging_trace(d.staged, ops)
            if trace is not None:
                staged = _staged_switch(trace, index, branches, call, ops)
                if staged is not None:
                    return staged
            stage_guard(d.staged, d.value)
        leaves, td_out = call(k, ops)
        return tree_unflatten(td_out, leaves)
    # per-member choices, or unknown ones (sparsity): every branch, then a selection
    results = [call(k, ops) for k in range(n)]
    out, out_td = results[-1]
    sig = _signature(out)
    for k in range(n - 1):
        _check_like(results[k][0], results[k][1], sig, out_td, f"{what}: branch {k} and branch {n - 1}")
    for k in range(n - 2, -1, -1):  # branch k where index == k (or below the range, for k = 0)
        out = _select(index <= 0 if k == 0 else index == k, results[k][0], out)
    return tree_unflatten(out_td, out)


def _staged_switch(trace, index, branches, call, ops):
    """``switch`` as one node of ``trace``'s program, or ``None`` when a
    branch cannot be staged on its own."""
    programs, caps, tds = [], [], []
    try:
        for j in range(len(branches)):
            box = []

            def body(leaves, j=j, box=box):
                out, td = call(j, leaves)
                box.append(td)
                return out

            program, captured, values = stage_subprogram(trace, body, ops)
            programs.append(program)
            caps.append(captured)
            tds.append((box[0], _signature(values)))
    except _UNSTAGEABLE:
        return None
    td, sig = tds[-1]
    for j, (tdj, sigj) in enumerate(tds[:-1]):
        if (tdj, sigj) != (td, sig):
            raise TypeError(f"switch: branch {j} returns {tdj} {sigj} but the last branch {td} {sig}")
    params = {"branches": tuple(programs), "n_ops": len(ops), "n_caps": tuple(len(c) for c in caps)}
    outs = stage_node(trace, switch_p, [index, *ops, *(c for cs in caps for c in cs)], params, values)
    return tree_unflatten(td, list(outs))


# --------------------------------------------------------------------------- while_loop / fori_loop


def _while_impl(*ops, cond, body, n_state, n_cond):
    state = list(ops[:n_state])
    cond_caps = list(ops[n_state:n_state + n_cond])
    body_caps = list(ops[n_state + n_cond:])
    while cond(state + cond_caps)[0]:
        state = body(state + body_caps)
    return tuple(state)


# A staged ``while_loop``: condition and body are programs (see switch_p).
while_p = Primitive("while", _while_impl, multiple_results=True)


def while_loop(cond_fun, body_fun, init):
    """``state = init; while cond_fun(state): state = body_fun(state)``; returns ``state``.

    ``state`` is any pytree; ``body_fun`` keeps its structure, shapes and
    dtypes, and ``cond_fun`` returns a scalar.  Differentiable in every mode
    and to any order, including reverse mode with a trip count known only at
    run time (the residuals of each iteration are kept as the loop runs);
    batched under ``vmap`` (a member that is done keeps its state while the
    others go on); one staged node under ``jit`` that replays for any trip
    count.

    >>> import numpy as np, osculate as osc
    >>> def sqrt(a):  # Newton's iteration, to convergence
    ...     step = lambda x: 0.5 * (x + a / x)
    ...     return osc.while_loop(lambda x: abs(step(x) - x) > 1e-15 * x, step, a)
    >>> float(sqrt(2.0)), float(osc.grad(sqrt)(4.0))
    (1.414213562373095, 0.25)
    >>> float(osc.jit(sqrt)(9.0)), osc.vmap(sqrt)(np.array([1.0, 16.0]))
    (3.0, array([1., 4.]))
    """
    if not (callable(cond_fun) and callable(body_fun)):
        raise TypeError("while_loop: cond_fun and body_fun must be functions")
    state, td = _operands(init)
    sig = _signature(state)

    def test(leaves):
        return _scalar(cond_fun(tree_unflatten(td, leaves)), "while_loop cond_fun")

    def step(leaves):
        new, td_new = _operands(body_fun(tree_unflatten(td, leaves)))
        _check_like(new, td_new, sig, td, "while_loop body_fun")
        return new

    tried = False  # staging the rest of the loop as a node (once: the first time a decision is staged)
    while True:
        pred = test(state)
        d = _decision(pred)
        if d is None:
            return tree_unflatten(td, _while_pattern(test, step, state))
        if not tried and d.staged is not None and not d.batched:
            # (iterations before this one decided on values that do not depend on
            # the staged arguments: they ran as Python, and the node runs the rest)
            tried = True
            trace = _staging_trace(d.staged, state)
            staged = None if trace is None else _staged_while(trace, test, step, state)
            if staged is not None:
                return tree_unflatten(td, list(staged))
        go = bool(np.any(d.value))
        if d.staged is not None:
            stage_guard(d.staged, go, "any")
        if not go:
            return tree_unflatten(td, state)
        new = step(state)
        # every member continues: no masking needed (under jit the staged program
        # must not depend on that, so a batched loop is always masked there)
        state = new if (not d.batched or (d.staged is None and bool(np.all(d.value)))) else _select(pred, new, state)


def _staged_while(trace, test, step, state):
    try:
        cond_prog, cond_caps, _ = stage_subprogram(trace, lambda s: [test(s)], state)
        body_prog, body_caps, _ = stage_subprogram(trace, step, state)
    except _UNSTAGEABLE:
        return None
    params = {"cond": cond_prog, "body": body_prog, "n_state": len(state), "n_cond": len(cond_caps)}
    return stage_node(trace, while_p, state + cond_caps + body_caps, params, [_example(x) for x in state])


def _while_pattern(test, step, state):
    """Global sparsity detection: the union of the patterns after 0, 1, 2...
    iterations, up to the first pass that adds nothing."""
    for _ in range(MAX_PATTERN_PASSES):
        new = _select(test(state), step(state), state)
        if _same_pattern(state, new):
            return new
        state = new
    raise RuntimeError(
        f"while_loop: the sparsity pattern still grows after {MAX_PATTERN_PASSES} passes of the body; "
        "detect locally at a point instead (mode='local' with x0)"
    )


def fori_loop(lower, upper, body_fun, init):
    """``for i in range(lower, upper): state = body_fun(i, state)``; returns ``state``.

    With Python integers for the bounds this is that loop (``i`` a Python
    int, so it may index arrays); with traced bounds it is a
    :func:`while_loop` over ``(i, state)``.

    >>> import numpy as np, osculate as osc
    >>> float(osc.fori_loop(0, 4, lambda i, x: x * 2.0 + i, 1.0))
    27.0
    """
    if not callable(body_fun):
        raise TypeError("fori_loop: body_fun must be a function")
    lo, hi = _static_int(lower), _static_int(upper)
    if lo is not None and hi is not None:
        state = init
        for i in range(lo, hi):
            state = body_fun(i, state)
        return state
    return while_loop(
        lambda c: c[0] < c[1],
        lambda c: (c[0] + 1, c[1], body_fun(c[0], c[2])),
        (lower, upper, init),
    )[2]


def _static_int(x):
    """``x`` as a Python int when it is a plain integer, else ``None``."""
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return int(x)
    if isinstance(x, np.ndarray) and x.shape == () and x.dtype.kind in "iu":
        return int(x)
    if isinstance(x, Tracer) or isinstance(x, np.ndarray):
        return None
    raise TypeError(f"fori_loop: bounds must be integers, got {type(x).__name__}")


# --------------------------------------------------------------------------- scan


def _scan_impl(*ops, body, n_carry, n_xs, length, reverse, y_specs):
    carry = list(ops[:n_carry])
    xs = ops[n_carry:n_carry + n_xs]
    caps = list(ops[n_carry + n_xs:])
    ys = [np.empty((length,) + shape, dtype) for shape, dtype in y_specs]
    for i in (range(length - 1, -1, -1) if reverse else range(length)):
        out = body(carry + [x[i] for x in xs] + caps)
        carry = out[:n_carry]
        for y, v in zip(ys, out[n_carry:]):
            y[i] = v
    return tuple(carry) + tuple(ys)


# A staged ``scan``: its body is a program (see switch_p).
scan_p = Primitive("scan", _scan_impl, multiple_results=True)


def scan(f, init, xs=None, length=None, reverse=False, checkpoint=False):
    """Loop ``carry, y = f(carry, x)`` over the leading axis of ``xs``.

    Returns ``(carry, ys)`` with ``ys`` the ``y`` of each step stacked along a
    new leading axis (``ys[i]`` belongs to ``xs[i]``, also when
    ``reverse=True`` runs the steps from the last to the first).  ``xs`` is a
    pytree of arrays with a common leading length, or ``None`` with
    ``length`` given; ``carry`` keeps its structure, shapes and dtypes.
    ``checkpoint=True`` stores only the carries for reverse mode and
    recomputes each step's intermediates in the backward sweep (memory of
    one step instead of all of them, for one more forward pass).  Under
    ``jit`` a scan whose body closes over nothing but staged values is one
    node of the program.

    >>> import numpy as np, osculate as osc
    >>> carry, ys = osc.scan(lambda c, x: (c + x, c * x), 0.0, np.array([1.0, 2.0, 3.0]))
    >>> float(carry), ys
    (6.0, array([0., 2., 9.]))
    """
    if not callable(f):
        raise TypeError("scan: f must be a function")
    x_leaves, x_td = _operands(xs)
    lengths = {int(np.shape(x)[0]) for x in x_leaves if np.ndim(x) > 0}
    if any(np.ndim(x) == 0 for x in x_leaves):
        raise TypeError("scan: every leaf of xs needs a leading axis to scan over")
    if length is not None:
        lengths.add(int(length))
    if not lengths:
        raise ValueError("scan: give xs to scan over, or length= when xs is None")
    if len(lengths) > 1:
        whose = "the leaves of xs have different leading lengths" if length is None else "xs and length disagree"
        raise ValueError(f"scan: {whose}: {sorted(lengths)} steps")
    (n,) = lengths
    carry, c_td = _operands(init)
    sig = _signature(carry)
    y_td = []

    def step(leaves):
        c = tree_unflatten(c_td, leaves[:len(carry)])
        x = tree_unflatten(x_td, leaves[len(carry):])
        out = f(c, x)
        if not (isinstance(out, tuple) and len(out) == 2):
            raise TypeError("scan: f must return a pair (carry, y)")
        new, td_new = _operands(out[0])
        _check_like(new, td_new, sig, c_td, "scan f")
        ys, td_y = _operands(out[1])
        y_td.append(td_y)
        return new + ys

    top = innermost_trace()
    if n > 0 and (isinstance(top, JitTrace) or any(type(x) is JitTracer for x in carry + x_leaves)):
        # under jit: one node, when the body uses nothing but staged values
        trace = _staging_trace(None, carry + x_leaves) if any(isinstance(x, Tracer) for x in carry + x_leaves) else top
        staged = None if trace is None else _staged_scan(trace, step, carry, x_leaves, n, reverse)
        if staged is not None:
            c_out, ys = staged
            return tree_unflatten(c_td, c_out), tree_unflatten(y_td[-1], ys)
    if n == 0:  # the shapes of y from one evaluation at zeros; no step is taken
        zeros = [np.zeros(np.shape(x)[1:], _dtype(x)) for x in x_leaves]
        with np.errstate(all="ignore"):
            out = step(list(carry) + zeros)
        ys = [np.zeros((0,) + tuple(np.shape(y)), _dtype(y)) for y in out[len(carry):]]
        return tree_unflatten(c_td, carry), tree_unflatten(y_td[-1], ys)
    run, caps = step, []
    if checkpoint:
        run, caps = _checkpointed(step, carry, x_leaves)
    per_step = [None] * n
    for i in (range(n - 1, -1, -1) if reverse else range(n)):
        out = run(carry + [x[i] for x in x_leaves] + caps)
        carry, per_step[i] = out[:len(carry)], out[len(carry):]
    ys = [np.stack([s[k] for s in per_step]) for k in range(len(per_step[0]))]
    return tree_unflatten(c_td, carry), tree_unflatten(y_td[-1], ys)


def _checkpointed(step, carry, xs):
    """``(run, captured)``: ``run(carry + x + captured)`` is ``step`` as one
    checkpointed call (reverse mode keeps its inputs only and recomputes the
    rest in the backward sweep).  The step is staged first so that the
    values it closes over -- parameters traced by the enclosing
    transformation -- become explicit inputs of the checkpoint."""
    examples = list(carry) + [_example(x)[0] for x in xs]
    try:
        replay, captured = stage_replayable(step, examples, _example)
    except (NotStageable, ConcretizationError) as err:
        raise TypeError(
            "scan(checkpoint=True) stages f once to find the values it closes over, so f must not "
            "branch on values with Python control flow or contain cond/while_loop/scan itself "
            f"({err}); use checkpoint=False"
        ) from None
    run = _checkpoint(replay)
    return (lambda leaves: list(run(*leaves))), captured


def _staged_scan(trace, step, carry, xs, n, reverse):
    first = [x.value[0] if type(x) is JitTracer else x[0] for x in xs]
    try:
        body, caps, values = stage_subprogram(trace, step, list(carry) + first)
    except _UNSTAGEABLE:
        return None
    y_specs = tuple((tuple(np.shape(v)), _dtype(v)) for v in values[len(carry):])
    params = {"body": body, "n_carry": len(carry), "n_xs": len(xs), "length": n, "reverse": reverse,
              "y_specs": y_specs}
    like = [_example(x) for x in carry] + [np.zeros((n,) + shape, dtype) for shape, dtype in y_specs]
    outs = stage_node(trace, scan_p, list(carry) + list(xs) + caps, params, like)
    return list(outs[:len(carry)]), list(outs[len(carry):])


for _p in (switch_p, while_p, scan_p):
    for _kind in ("jvp", "vjp", "batch", "taylor", "sparsity"):
        _p.lacks(_kind, "made by osc.jit inside staged programs; never traced")
