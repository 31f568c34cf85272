"""The ``osculate`` command.

Subcommands: ``analyze``, ``minimize``, ``taylor``, ``sparsity``, ``spectrum``
and ``demo`` (a guided tour).  Expressions are parsed by
:mod:`osculate.expression`, which never runs the text as Python: it checks the
characters, builds a syntax tree with :mod:`ast` and accepts only numbers,
variables, ``+ - * / **`` (or ``^``) and a fixed list of mathematical
functions.  Every derivative is computed by osculate's engine.

Every mistake a user can make (a bad expression, an impossible option, a
point where ``f`` is not finite, an output file that cannot be written...)
prints one line ``osculate: error: ...`` on stderr and exits with status 2,
before any long computation.  In ``--json`` output every non-finite number
(``inf``, ``nan``) is ``null``.

>>> main(["analyze", "x**2 - y**2", "--at", "0,0", "--json"]) == 0  # doctest: +ELLIPSIS
{
  "variables": [
...
True
>>> main(["analyze", "x.__class__", "--at", "1"])
2
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time
import warnings

import numpy as np

from .ad.core import ConcretizationError, MissingRuleError, UnsupportedFunctionError
from .allocator import tune_malloc
from .expression import (
    CONSTANTS,
    MAX_LENGTH,
    Expression,
    ExpressionError,
    describe_functions,
    parse_expression,
)

__all__ = ["main", "parse_expression", "Expression", "CLIError", "build_parser"]


class CLIError(Exception):
    """A user-input problem, reported as one line with exit status 2."""


# --------------------------------------------------------------------------- limits

#: Highest Taylor order: beyond 170, k! and most k-th derivatives overflow float64.
MAX_TAYLOR_ORDER = 170
#: Most iterations of ``minimize`` (so that a diverging run still ends).
MAX_ITER = 100_000
#: Most starting points of ``analyze --critical-points``.
MAX_STARTS = 100_000
#: Largest ``--n`` of ``sparsity``, and the largest that is plotted.
MAX_SPARSITY_N = 100_000
MAX_SPARSITY_PLOT_N = 20_000
#: Detection entries and colouring work (sum of squared degrees) allowed in ``sparsity``.
SPARSITY_ENTRY_BUDGET = 5_000_000
SPARSITY_COLORING_WORK = 30_000_000
#: Built-in problems that allocate n x n arrays: a smaller --n limit.
_SPARSITY_PROBLEM_MAX_N = {"sparse_quadratic": 2_000, "dense_row": 2_000}

#: Methods the command line can run (natural-gradient needs a Fisher matrix from Python).
_NOT_FROM_CLI = {
    "natural-gradient": "method 'natural-gradient' needs a Fisher matrix (fisher=), which the command line cannot "
                        "supply; call osculate.minimize(f, x0, method='natural-gradient', fisher=...) from Python",
}
_ALIASES = {"gd": "gradient-descent"}


def _runnable_methods():
    from .optim import METHODS

    return [m for m in METHODS if m not in _NOT_FROM_CLI]


# --------------------------------------------------------------------------- parsing inputs


def _short(text, limit=60):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _parse_number(item, what):
    try:
        return float(item)
    except ValueError:
        raise CLIError(f"{what} must be comma-separated numbers, got {_short(item)!r}") from None


def _split_items(text, what):
    items = [t.strip() for t in text.split(",")]
    if any(t == "" for t in items):
        raise CLIError(f"{what}: empty entry in {_short(text)!r} (separate the entries with single commas)")
    return items


def parse_point(text, expr, what="--at"):
    """``"1,0"`` (in variable order) or ``"x=1,y=0"``; every coordinate finite.

    >>> e = parse_expression("x*y")
    >>> parse_point("y=2, x=1", e).tolist()
    [1.0, 2.0]
    """
    if not text.strip():
        raise CLIError(f"{what} is empty; give one number per variable ({', '.join(expr.variables)})")
    items = _split_items(text, what)
    if any("=" in item for item in items):
        values = {}
        for item in items:
            if "=" not in item:
                raise CLIError(f"{what}: mix of named and positional coordinates in {_short(text)!r}")
            name, val = (s.strip() for s in item.split("=", 1))
            if name not in expr.variables:
                raise CLIError(f"{what}: unknown variable {_short(name, 30)!r}; the variables are "
                               f"{', '.join(expr.variables)}")
            if name in values:
                raise CLIError(f"{what}: {name} is given twice")
            values[name] = _parse_number(val, what)
        missing = [v for v in expr.variables if v not in values]
        if missing:
            raise CLIError(f"{what}: no value for {', '.join(missing)}")
        point = [values[v] for v in expr.variables]
    else:
        point = [_parse_number(item, what) for item in items]
    if len(point) != expr.n:
        raise CLIError(
            f"{what}: {len(point)} coordinate(s) given but the expression has {expr.n} variable(s) "
            f"({', '.join(expr.variables)})"
        )
    bad = [v for v, c in zip(expr.variables, point) if not math.isfinite(c)]
    if bad:
        raise CLIError(f"{what}: the point is not finite ({', '.join(f'{v}={c}' for v, c in zip(expr.variables, point) if v in bad)})")
    return np.array(point, dtype=float)


def parse_bounds(text, n):
    """``"-2:2,-2:2"`` -> [(-2, 2), (-2, 2)]; a single range applies to every variable.

    >>> parse_bounds("-1:1", 2)
    [(-1.0, 1.0), (-1.0, 1.0)]
    """
    if not text.strip():
        raise CLIError("--bounds is empty; write lo:hi for each variable, e.g. -2:2,-2:2")
    bounds = []
    for part in _split_items(text, "--bounds"):
        ends = part.split(":")
        if len(ends) != 2:
            raise CLIError(f"--bounds: each range must be lo:hi, got {_short(part)!r}")
        lo, hi = (_parse_number(e, "--bounds") for e in ends)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise CLIError(f"--bounds: the range {_short(part)!r} is not finite; give a finite box")
        if not lo < hi:
            raise CLIError(f"--bounds: each range must be lo:hi with lo < hi, got {_short(part)!r}")
        bounds.append((lo, hi))
    if len(bounds) == 1:
        bounds = bounds * n
    if len(bounds) != n:
        raise CLIError(f"--bounds: {len(bounds)} range(s) for {n} variable(s)")
    return bounds


def _parse_vars(text):
    if text is None:
        return None
    return _split_items(text, "--vars")


def _expression(args):
    return parse_expression(args.expression.strip(), variables=_parse_vars(getattr(args, "vars", None)))


def _check_range(value, option, lo, hi=None, why=""):
    if value < lo or (hi is not None and value > hi):
        rng = f"at least {lo}" if hi is None else f"between {lo} and {hi}"
        raise CLIError(f"{option} must be {rng}, got {value}{why}")


def _check_seed(seed):
    _check_range(seed, "--seed", 0)


# --------------------------------------------------------------------------- outputs


def _need_matplotlib():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise CLIError("plots need Matplotlib: pip install 'osculate[cli]'") from None
    return plt


def _check_plot_path(path, option="--plot"):
    """Refuse, before any computation, a plot path that cannot be written."""
    if path is None:
        return None
    if not path.lower().endswith(".png"):
        raise CLIError(f"{option} must name a .png file, got {_short(path)!r}")
    full = os.path.abspath(path)
    if os.path.isdir(full):
        raise CLIError(f"{option}: {_short(path)!r} is a folder; name a .png file")
    folder = os.path.dirname(full)
    if not os.path.isdir(folder):
        raise CLIError(f"{option}: the folder {_short(folder)!r} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CLIError(f"{option}: cannot write in the folder {_short(folder)!r}")
    if os.path.exists(full) and not os.access(full, os.W_OK):
        raise CLIError(f"{option}: {_short(path)!r} exists and cannot be overwritten")
    _need_matplotlib()
    return path


def _prepare_output_dir(path, option="--out"):
    """Create (or accept) a folder for output files, or refuse in one line."""
    if not path:
        raise CLIError(f"{option} is empty; name a folder")
    full = os.path.abspath(path)
    if os.path.exists(full) and not os.path.isdir(full):
        raise CLIError(f"{option}: {_short(path)!r} exists and is not a folder")
    probe = full
    while not os.path.exists(probe):
        probe = os.path.dirname(probe)
    if not os.path.isdir(probe):
        raise CLIError(f"{option}: {_short(probe)!r} is not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise CLIError(f"{option}: cannot write in {_short(probe)!r}")
    try:
        os.makedirs(full, exist_ok=True)
    except OSError as e:
        raise CLIError(f"{option}: cannot create the folder {_short(path)!r}: {e.strerror or e}") from None
    return path


def _save(fig, path, plt, quiet=False):
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=110)
    except OSError as e:
        raise CLIError(f"cannot write {_short(path)!r}: {e.strerror or e}") from None
    finally:
        plt.close(fig)
    if not quiet:
        print(f"plot written to {path}")


def _fmt(a, digits=6):
    a = np.asarray(a, dtype=float)
    if a.ndim == 0:
        return f"{float(a):.{digits}g}"
    return np.array2string(a, precision=digits, suppress_small=True, separator=", ", max_line_width=100)


def _plain(obj):
    """JSON-ready plain Python values; every non-finite float becomes ``None`` (``null``)."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return f if math.isfinite(f) else None
    if hasattr(obj, "to_dict"):
        return _plain(obj.to_dict())
    return obj


def _print_json(obj):
    print(json.dumps(_plain(obj), indent=2, allow_nan=False))


def _finite_value(expr, x):
    v = float(np.asarray(expr.fn(x)))
    if not math.isfinite(v):
        raise CLIError(f"f is not finite at {_point_text(expr, x)} (value {v}); choose another point")
    return v


def _point_text(expr, x):
    return ", ".join(f"{v}={c:g}" for v, c in zip(expr.variables, np.asarray(x, dtype=float)))


def _certified(obj):
    c = getattr(obj, "certified", None)
    return "" if c is None else (" (certified)" if c else " (not certified)")


# --------------------------------------------------------------------------- analyze


def _analysis_record(expr, x, seed):
    import osculate as osc
    from osculate.analysis import curvature, quadratic_model

    value = _finite_value(expr, x)
    g = np.asarray(osc.grad(expr.fn)(x), dtype=float)
    H = np.asarray(osc.hessian(expr.fn)(x), dtype=float)
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
        raise CLIError(f"the derivatives of f are not finite at {_point_text(expr, x)}; choose another point")
    report = curvature(expr.fn, x, seed=seed)
    model = quadratic_model(expr.fn, x)
    try:
        step = np.asarray(model.newton_step())
    except ValueError:  # a singular Hessian has no Newton step
        step = None
    certified = getattr(report, "certified", None)
    return {
        "expression": expr.text,
        "variables": list(expr.variables),
        "point": x,
        "value": value,
        "gradient": g,
        "hessian": H,
        "eigenvalues": np.linalg.eigvalsh(H),
        "definiteness": report.definiteness,
        "condition_number": report.condition_number,
        "classification": report.classification,
        "certified": None if certified is None else bool(certified),
        "reason": getattr(report, "reason", ""),
        "newton_step": step,
        "quadratic_model": {
            "f": value,
            "g": g,
            "H": H,
            "text": f"m(p) = {value:.6g} + g^T p + 1/2 p^T H p",
        },
    }


def _search_coverage(found, caught):
    """Coverage of a critical-point search, read defensively (older results
    lack some attributes); a warning about completeness becomes the note."""
    n_points = len(found)
    n_starts = getattr(found, "n_starts", None)
    n_converged = getattr(found, "n_converged", None)
    n_repeats = getattr(found, "n_repeats", None)
    if n_repeats is None and n_converged is not None:
        n_repeats = max(0, int(n_converged) - n_points)
    complete = getattr(found, "complete", None)
    note = getattr(found, "note", None) or ""
    if not note and complete is not True and caught:
        note = " ".join(str(caught[0].message).split())
    return {
        "n_starts": n_starts,
        "n_converged": n_converged,
        "n_distinct": n_points,
        "n_repeats": n_repeats,
        "complete": None if complete is None else bool(complete),
        "note": note,
    }


def cmd_analyze(args):
    from osculate.analysis import find_critical_points

    _check_seed(args.seed)
    if args.starts is not None:
        _check_range(args.starts, "--starts", 1, MAX_STARTS)
    expr = _expression(args)
    if args.at is None and not args.critical_points:
        raise CLIError("give a point with --at (e.g. --at 1,0) and/or --critical-points --bounds")
    point = parse_point(args.at, expr) if args.at is not None else None
    bounds = None
    if args.critical_points:
        if not args.bounds:
            raise CLIError("--critical-points needs --bounds (e.g. --bounds -2:2,-2:2)")
        bounds = parse_bounds(args.bounds, expr.n)
    elif args.bounds or args.starts is not None:
        raise CLIError("--bounds and --starts go with --critical-points")

    rec = _analysis_record(expr, point, args.seed) if point is not None else None
    points = coverage = None
    if bounds is not None:
        options = {} if args.starts is None else {"n_starts": args.starts}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            found = find_critical_points(expr.fn, bounds, seed=args.seed, **options)
        coverage = _search_coverage(found, [w for w in caught if issubclass(w.category, UserWarning)])
        points = list(found)

    if args.json:
        out = {"variables": list(expr.variables)}
        if rec is not None:
            out.update(rec)
        if points is not None:
            out["critical_points"] = [p.to_dict() for p in points]
            out["search"] = coverage
        _print_json(out)
        return 0
    print(f"f({', '.join(expr.variables)}) = {expr.text}")
    print(f"variables (in this order): {', '.join(expr.variables)}")
    if rec is not None:
        print(f"\nat {_point_text(expr, rec['point'])}")
        print(f"  value            {rec['value']:.10g}")
        print(f"  gradient         {_fmt(rec['gradient'])}   |g| = {np.linalg.norm(rec['gradient']):.3g}")
        print("  Hessian          " + _fmt(rec["hessian"]).replace("\n", "\n                   "))
        print(f"  eigenvalues      {_fmt(rec['eigenvalues'])}")
        print(f"  definiteness     {rec['definiteness']}")
        print(f"  condition number {_fmt(rec['condition_number'])}")
        cert = "" if rec["certified"] is None else (" (certified)" if rec["certified"] else " (not certified)")
        print(f"  classification   {rec['classification']}{cert}")
        if rec["reason"]:
            print(f"  because          {' '.join(str(rec['reason']).split())}")
        step = rec["newton_step"]
        print(f"  Newton step      {'undefined (singular Hessian)' if step is None else _fmt(step)}")
        print(f"  quadratic model  {rec['quadratic_model']['text']}")
    if points is not None:
        c = coverage
        parts = []
        if c["n_starts"] is not None:
            parts.append(f"{c['n_starts']} starts")
        if c["n_converged"] is not None:
            parts.append(f"{c['n_converged']} converged")
        if c["n_repeats"] is not None:
            parts.append(f"{c['n_repeats']} to an already found point")
        print(f"\ncritical points in {args.bounds}: {len(points)}" + (f" ({', '.join(parts)})" if parts else ""))
        for p in points:
            coords = ", ".join(f"{v}={c:.6g}" for v, c in zip(expr.variables, p.x))
            print(f"  ({coords})  f = {p.value:.6g}  {p.classification}{_certified(p)}")
        if c["complete"] is True:
            print("  search complete: every critical point in the box was found")
        elif c["complete"] is False or c["note"]:
            print(f"  search not complete: {c['note'] or 'some critical points may be missing'}")
    return 0


# --------------------------------------------------------------------------- minimize


def _run_minimize(fn, x0, method, maxiter, progress, jit=False):
    from osculate.optim import minimize

    path = [np.array(x0, dtype=float)]
    res = minimize(fn, x0, method=method, maxiter=maxiter, callback=lambda xk: path.append(np.array(xk)),
                   progress=progress, jit=jit)
    return res, np.array(path)


def _landscape(ax, fn, paths, plt, box=None, vectorized=False):
    """Contours of a 2-variable ``fn`` (log scale) with iterate paths; the box is
    ``((xlo, xhi), (ylo, yhi))`` or fitted around the paths.  ``vectorized``:
    ``fn(np.stack([X, Y]))`` evaluates the whole grid at once."""
    if box is None:
        allpts = np.concatenate([p for _, p in paths])
        allpts = allpts[np.all(np.isfinite(allpts), axis=1)]
        lo, hi = allpts.min(axis=0), allpts.max(axis=0)
        pad = 0.25 * np.maximum(hi - lo, 0.5)
        box = ((lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1]))
    xs = np.linspace(*box[0], 160)
    ys = np.linspace(*box[1], 160)
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        if vectorized:
            Z = np.broadcast_to(np.asarray(fn(np.stack([X, Y])), dtype=float), X.shape)
        else:
            Z = np.vectorize(lambda a, b: float(fn(np.array([a, b]))))(X, Y)
        finite = np.isfinite(Z)
        if finite.any():
            Zs = np.where(finite, np.log1p(Z - Z[finite].min()), np.nan)
            cs = ax.contourf(X, Y, Zs, levels=30, cmap="viridis")
            plt.colorbar(cs, ax=ax, label="log(1 + f - min f)")
    for (name, p), color in zip(paths, ["#e41a1c", "#ff7f00", "#f781bf", "#ffffff", "#377eb8", "#a65628"]):
        ax.plot(p[:, 0], p[:, 1], "o-", color=color, ms=3, lw=1.5, label=f"{name} ({len(p) - 1} it)")
    ax.plot(*paths[0][1][0], "k*", ms=12, label="start")


def _methods(args):
    if args.compare is not None:
        names = [m.strip() for m in args.compare.split(",")]
        if not any(names):
            raise CLIError(f"--compare names no method; give a list such as newton,bfgs,gd")
        if any(not m for m in names):
            raise CLIError(f"--compare: empty entry in {_short(args.compare)!r}")
    else:
        names = [args.method.strip()]
    runnable = _runnable_methods()
    methods = []
    for m in names:
        m = _ALIASES.get(m.lower(), m.lower())
        if m in _NOT_FROM_CLI:
            raise CLIError(_NOT_FROM_CLI[m])
        if m not in runnable:
            raise CLIError(f"unknown method {_short(m, 30)!r}; choose from {', '.join(runnable)} (gd = gradient-descent)")
        if m not in methods:
            methods.append(m)
    return methods


def cmd_minimize(args):
    _check_range(args.maxiter, "--maxiter", 0, MAX_ITER)
    methods = _methods(args)
    plot = _check_plot_path(args.plot)
    expr = _expression(args)
    x0 = parse_point(args.x0, expr, "--x0")
    _finite_value(expr, x0)
    runs = []
    for m in methods:
        res, path = _run_minimize(expr.fn, x0, m, args.maxiter, args.progress, args.jit)
        runs.append((m, res, path))
    if args.json:
        _print_json([{
            "method": m, "x": r.x, "fun": r.fun, "nit": r.nit, "nfev": r.nfev, "ngev": r.ngev,
            "nhvp": getattr(r, "nhvp", 0), "success": bool(r.success), "message": r.message,
        } for m, r, _ in runs])
    else:
        for m, res, path in runs:
            print(f"method {m}: {'converged' if res.success else 'did not converge'} -- {res.message}")
            hist = res.history
            print(f"  {'iter':>5} {'f':>16} {'|grad|':>12}")
            rows = list(zip(hist["f"], hist["grad_norm"]))
            shown = rows if len(rows) <= 25 else rows[:12] + [None] + rows[-12:]
            for i, row in enumerate(shown):
                if row is None:
                    print(f"  {'...':>5}")
                    continue
                k = i if i < 12 or len(rows) <= 25 else len(rows) - (len(shown) - i)
                print(f"  {k:5d} {row[0]:16.9g} {row[1]:12.3e}")
            print(f"  x* = {_fmt(res.x)}, f* = {res.fun:.10g}; nit {res.nit}, nfev {res.nfev}, ngev {res.ngev}, "
                  f"nhvp {getattr(res, 'nhvp', 0)}")
    if plot:
        plt = _need_matplotlib()
        fig, ax = plt.subplots(figsize=(7, 5.5))
        if expr.n == 2:
            _landscape(ax, expr.fn, [(m, p) for m, _, p in runs], plt, vectorized=True)
            ax.set_xlabel(expr.variables[0])
            ax.set_ylabel(expr.variables[1])
            ax.set_title(f"Minimising {_short(expr.text)}")
        else:
            for m, res, _ in runs:
                ax.semilogy(np.maximum(np.nan_to_num(np.asarray(res.history["grad_norm"], dtype=float), nan=1e300),
                                       1e-300), label=m)
            ax.set_xlabel("iteration")
            ax.set_ylabel("|grad f|")
            ax.set_title(f"Convergence on {_short(expr.text)}")
        ax.legend(loc="best", fontsize=8)
        _save(fig, plot, plt, quiet=args.json)
    return 0


# --------------------------------------------------------------------------- taylor


def cmd_taylor(args):
    from osculate.ad.taylor import taylor

    _check_range(args.order, "--order", 0, MAX_TAYLOR_ORDER,
                 f" (derivatives of order {MAX_TAYLOR_ORDER + 1} and above overflow float64: "
                 f"{MAX_TAYLOR_ORDER + 1}! > 1.8e308)" if args.order > MAX_TAYLOR_ORDER else "")
    if not (math.isfinite(args.radius) and args.radius > 0):
        raise CLIError(f"--radius must be a positive number, got {args.radius}")
    plot = _check_plot_path(args.plot)
    expr = _expression(args)
    x = parse_point(args.at, expr)
    if args.direction:
        v = parse_point(args.direction, expr, "--direction")
    else:
        v = np.zeros(expr.n)
        v[0] = 1.0
    f0 = _finite_value(expr, x)
    series = taylor(expr.fn, x, [v] if args.order else [], order=args.order)
    coeffs = np.array([float(np.asarray(c)) for c in series]) + 0.0  # + 0.0: no negative zeros
    coeffs[0] = f0 + 0.0
    ders = np.array([c * float(math.factorial(k)) for k, c in enumerate(coeffs)]) + 0.0  # may overflow to inf
    if args.json:
        _print_json({"expression": expr.text, "variables": list(expr.variables), "point": x, "direction": v,
                     "derivatives": ders, "coefficients": coeffs})
    else:
        along = "" if expr.n == 1 else f" along v = {_fmt(v)}"
        print(f"f = {expr.text} at {_point_text(expr, x)}{along}: f(x + t v) ≈ Σ c_k t^k")
        for k, (d, c) in enumerate(zip(ders, coeffs)):
            print(f"  k={k:2d}  d^k f/dt^k = {d: .10g}   c_k = {c: .10g}")
    if plot:
        plt = _need_matplotlib()
        t = np.linspace(-args.radius, args.radius, 400)
        ft = np.broadcast_to(np.asarray(expr.fn(x[:, None] + v[:, None] * t[None, :]), dtype=float), t.shape)
        fig, ax = plt.subplots(figsize=(7, 4.5))
        ax.plot(t, ft, "k", lw=2.5, label="f")
        for k in sorted({1, 2, 3, args.order} & set(range(1 if args.order else 0, args.order + 1))):
            ax.plot(t, np.polyval(coeffs[: k + 1][::-1], t), "--", lw=1.4, label=f"Taylor order {k}")
        finite = ft[np.isfinite(ft)]
        if finite.size:
            span = finite.max() - finite.min()
            ax.set_ylim(finite.min() - 0.3 * span - 1e-9, finite.max() + 0.3 * span + 1e-9)
        ax.set_xlabel("t" if expr.n > 1 else expr.variables[0] + f" - {x[0]:g}")
        ax.set_ylabel("f(x + t v)")
        ax.set_title(f"Taylor polynomials of {_short(expr.text)}")
        ax.legend(fontsize=8)
        _save(fig, plot, plt, quiet=args.json)
    return 0


# --------------------------------------------------------------------------- sparsity


class _UserCodeError(CLIError):
    """The user's own file or function failed."""


def _load_function(spec):
    """``path.py:function`` -> the function (its Hessian pattern is shown)."""
    import importlib.util

    if ":" not in spec:
        raise CLIError(f"--file must be path.py:function, got {_short(spec)!r}")
    path, name = spec.rsplit(":", 1)
    if not path.endswith(".py"):
        raise CLIError(f"--file must name a Python file (path.py:function), got {_short(path)!r}")
    if not name.isidentifier():
        raise CLIError(f"--file: {_short(name)!r} is not a function name")
    if not os.path.isfile(path):
        raise CLIError(f"--file: no such file: {_short(path)}")
    module_spec = importlib.util.spec_from_file_location("_osculate_user_module", path)
    module = importlib.util.module_from_spec(module_spec)
    try:
        module_spec.loader.exec_module(module)
    except Exception as e:  # noqa: BLE001 - the user's own file: any error is theirs, shown in one line
        raise _UserCodeError(f"cannot import {_short(path)}: {type(e).__name__}: {e}") from None
    fn = getattr(module, name, None)
    if fn is None:
        raise CLIError(f"{_short(path)} has no function {name!r}")
    if not callable(fn):
        raise CLIError(f"{_short(path)}: {name!r} is not a function")
    return fn


def _coloring_work(pattern):
    deg = np.diff(pattern.indptr).astype(np.float64)
    return float(np.sum(deg * deg))


def cmd_sparsity(args):
    import osculate as osc
    from osculate.sparse.coloring import ORDERINGS
    from osculate.sparse.detect import _BudgetExceeded, entry_budget

    from osculate.testing.sparse_problems import SPARSE_PROBLEMS

    _check_seed(args.seed)
    _check_range(args.n, "--n", 1, MAX_SPARSITY_N)
    if args.order not in ORDERINGS:
        raise CLIError(f"unknown --order {_short(args.order, 30)!r}; choose from {', '.join(ORDERINGS)}")
    plot = _check_plot_path(args.plot)
    if plot and args.n > MAX_SPARSITY_PLOT_N:
        raise CLIError(f"--plot draws at most --n {MAX_SPARSITY_PLOT_N}; got --n {args.n}")
    n = args.n
    user = bool(args.file)
    if user:
        fn, name = _load_function(args.file), args.file
        x = np.random.default_rng(args.seed).uniform(-1, 1, n)
    else:
        problem = SPARSE_PROBLEMS.get(args.problem)
        if problem is None:
            raise CLIError(f"unknown problem {_short(args.problem, 30)!r}; choose from {', '.join(SPARSE_PROBLEMS)}")
        cap = _SPARSITY_PROBLEM_MAX_N.get(args.problem)
        if cap is not None and n > cap:
            raise CLIError(f"--n must be at most {cap} for {args.problem} (it builds dense n x n arrays), got {n}")
        if not problem.admissible(n):
            ok = [k for k in range(1, 200) if problem.admissible(k)][:6]
            raise CLIError(f"--n {n} is not an admissible size for {args.problem} ({problem.description}); "
                           f"for example {', '.join(map(str, ok))}")
        fn, name = problem.f, args.problem
        x = problem.x0(n, seed=args.seed)

    def guarded(step, what):
        try:
            with entry_budget(SPARSITY_ENTRY_BUDGET):
                return step()
        except (_BudgetExceeded, MemoryError):
            raise CLIError(f"the Hessian of {_short(name)} at --n {n} is too dense to detect from the command line; "
                           f"try a smaller --n") from None
        except (CLIError, ConcretizationError, UnsupportedFunctionError, MissingRuleError):
            raise
        except Exception as e:  # noqa: BLE001
            if not user:
                raise
            raise _UserCodeError(f"{what} failed on {_short(name)}: {type(e).__name__}: {_one_line(e)}") from None

    pattern = guarded(lambda: osc.hessian_sparsity(fn, x), "sparsity detection")
    work = _coloring_work(pattern)
    if work > SPARSITY_COLORING_WORK:
        raise CLIError(f"the Hessian of {_short(name)} at --n {n} has {pattern.nnz} nonzeros, too dense to colour "
                       f"quickly from the command line; try a smaller --n")
    t0 = time.perf_counter()
    plan = guarded(lambda: osc.sparse_hessian(fn, x, coloring=args.coloring, order=args.order, seed=args.seed),
                   "sparsity detection")
    H = guarded(lambda: plan(x), "the Hessian evaluation")
    total = time.perf_counter() - t0
    timings = getattr(plan, "timings", None) or {}
    prep = timings.get("detection", 0.0) + timings.get("coloring", 0.0) if timings else total
    ev = max(total - prep, 0.0)
    info = {"problem": name, "n": n, "nnz": int(plan.pattern.nnz), "coloring": plan.coloring_result.kind,
            "order": args.order, "n_colors": int(plan.n_colors), "prepare_seconds": prep, "evaluate_seconds": ev}
    if args.json:
        _print_json(info)
    else:
        hmax = abs(H).max() if H.nnz else 0.0
        print(f"{name}: n = {n}, Hessian nonzeros {info['nnz']} ({info['nnz'] / n ** 2:.2%} dense)")
        print(f"  {info['coloring']} colouring ({args.order} order): {plan.n_colors} colours "
              f"-> the Hessian costs {plan.n_colors} Hessian-vector products instead of {n}")
        print(f"  detection + colouring {prep * 1e3:.1f} ms, compressed evaluation {ev * 1e3:.1f} ms, "
              f"|H|_max = {hmax:.4g}")
    if plot:
        plt = _need_matplotlib()
        coo = plan.pattern.tocoo()
        colors = np.asarray(plan.coloring)[coo.col]
        fig, ax = plt.subplots(figsize=(6, 6))
        from matplotlib.colors import ListedColormap

        n_col = max(int(plan.n_colors), 1)
        base = plt.get_cmap("tab10" if n_col <= 10 else "tab20")
        cmap = ListedColormap([base(i % base.N) for i in range(n_col)])
        sc = ax.scatter(coo.col, coo.row, c=colors, cmap=cmap, s=max(2, 3000 / n), marker="s", vmin=-0.5,
                        vmax=n_col - 0.5)
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_aspect("equal")
        ax.set_xlabel("column (variable)")
        ax.set_ylabel("row")
        ax.set_title(f"Hessian pattern of {_short(name, 40)}: {coo.nnz} nonzeros, {plan.n_colors} colours "
                     f"({info['coloring']})")
        cb = plt.colorbar(sc, ax=ax, ticks=range(n_col), fraction=0.046)
        cb.set_label("colour of the column")
        _save(fig, plot, plt, quiet=args.json)
    return 0


# --------------------------------------------------------------------------- spectrum


def _mlp_problem(seed, hidden=16):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((256, 8))
    y = np.sin(X @ rng.standard_normal(8)) + 0.1 * rng.standard_normal(256)
    n1, n2 = 8 * hidden, hidden

    def loss(w):
        W1 = w[:n1].reshape(8, hidden)
        b1 = w[n1:n1 + hidden]
        W2 = w[n1 + hidden:n1 + hidden + n2]
        return 0.5 * np.mean((np.tanh(X @ W1 + b1) @ W2 - y) ** 2)

    w = 0.5 * rng.standard_normal(n1 + hidden + n2)
    return loss, w


def _logistic_problem(seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((500, 40)) * np.linspace(0.2, 3.0, 40)
    y = (rng.uniform(size=500) < 0.5).astype(float)

    def loss(w):
        return np.mean(np.logaddexp(0.0, X @ w) - y * (X @ w)) + 1e-3 * np.sum(w * w)

    return loss, 0.1 * rng.standard_normal(40)


_SPECTRUM_PROBLEMS = {"mlp": _mlp_problem, "logistic": _logistic_problem}


def _spectrum_figure(plt, density, extremes, title):
    """SLQ density on a log scale with the Lanczos extreme eigenvalues marked."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(density.grid, density.density, lw=1.8, label="SLQ density (smoothed)")
    for i, v in enumerate(extremes):
        ax.axvline(v, color="#d62728", lw=0.8, alpha=0.7, label="Lanczos extreme eigenvalues" if i == 0 else None)
    ax.set_yscale("log")
    ax.set_ylim(max(1e-6, float(np.max(density.density)) * 1e-6), None)
    ax.set_xlabel("eigenvalue")
    ax.set_ylabel("density")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return fig


def cmd_spectrum(args):
    import osculate as osc

    _check_seed(args.seed)
    make = _SPECTRUM_PROBLEMS.get(args.problem)
    if make is None:
        raise CLIError(f"unknown problem {_short(args.problem, 30)!r}; choose from {', '.join(_SPECTRUM_PROBLEMS)}")
    loss, w = make(args.seed)
    n = int(w.size)
    _check_range(args.k, "--k", 1, n - 1, f" (the {args.problem} loss has {n} parameters)")
    _check_range(args.probes, "--probes", 1, n, f" (the {args.problem} loss has {n} parameters)")
    plot = _check_plot_path(args.plot)
    op = osc.hessian_operator(loss, w)
    top = osc.eigenvalues(op, k=args.k, which="LA", seed=args.seed)
    bottom = osc.eigenvalues(op, k=args.k, which="SA", seed=args.seed)
    density = osc.spectral_density(op, n_probes=args.probes, m=min(40, n), seed=args.seed)
    largest = np.sort(np.asarray(top.values, dtype=float))[::-1]  # largest first
    smallest = np.sort(np.asarray(bottom.values, dtype=float))  # smallest first
    cut = 0.05 * max(abs(largest).max(), abs(smallest).max())
    neg = float(density.mass(-np.inf, -cut))
    info = {"problem": args.problem, "n_parameters": n, "largest": largest, "smallest": smallest,
            "negative_fraction": neg, "negative_cut": -cut, "probes": args.probes, "n_matvec": int(op.n_matvec)}
    if args.json:
        _print_json(info)
    else:
        print(f"Hessian of the {args.problem} loss, {n} parameters (matrix-free, {op.n_matvec} Hessian-vector products)")
        print(f"  largest  {args.k} eigenvalues (Lanczos): {_fmt(largest)}")
        print(f"  smallest {args.k} eigenvalues (Lanczos): {_fmt(smallest)}")
        print(f"  spectral density (SLQ, {args.probes} probes): fraction of eigenvalues below -{cut:.3g}: {neg:.3f}")
    if plot:
        plt = _need_matplotlib()
        fig = _spectrum_figure(plt, density, np.concatenate([largest, smallest]),
                               f"Hessian spectrum, {args.problem} ({n} parameters)")
        _save(fig, plot, plt, quiet=args.json)
    return 0


# --------------------------------------------------------------------------- demo


def cmd_demo(args):
    from .demo import run_demo

    if not args.no_plots:
        _prepare_output_dir(args.out)
    return run_demo(args.out, plots=not args.no_plots)


# --------------------------------------------------------------------------- entry point


class _UsageError(CLIError):
    """argparse found a malformed command line."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (``osculate: error: ...``)."""

    def error(self, message):
        raise _UsageError(f"{' '.join(message.split())} (see: {self.prog} --help)")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the epilog's line breaks; appends every option's default."""

    def _split_lines(self, text, width):
        import textwrap

        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)  # keep method names whole

    def _get_help_string(self, action):
        text = action.help or ""
        default = action.default
        if (action.option_strings and "default" not in text and action.nargs != 0
                and not any(default is v for v in (None, False, True, argparse.SUPPRESS))):
            text += " (default: %(default)s)"
        return text


def _version():
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("osculate")
    except (ImportError, PackageNotFoundError):  # pragma: no cover - running from a source tree
        import osculate

        return getattr(osculate, "__version__", "unknown")


def _expression_epilog():
    funcs = describe_functions().splitlines()
    return (
        "expressions:\n"
        "  numbers, variables (ASCII letters, digits and _, starting with a letter),\n"
        "  + - * / ** (or ^), unary - and +, parentheses, and these functions:\n"
        + "\n".join("    " + line for line in funcs) + "\n"
        f"  constants: pi, and E = Euler's number {CONSTANTS['E']:.12g} (lower-case e is a\n"
        "  variable).  N, S, O, Q are ordinary variables; I (the imaginary unit),\n"
        "  complex numbers, inf and nan are refused, and so is everything else:\n"
        f"  attributes, indexing, strings, keywords, comparisons.  At most {MAX_LENGTH}\n"
        "  characters; constant parts are computed in float64 when the text is parsed.\n"
        "  Variables are ordered naturally (x1, x2, x10) unless --vars fixes the order.\n"
        "--json writes every non-finite number (inf, nan) as null.\n"
        "Mistakes print one line 'osculate: error: ...' and exit with status 2."
    )


def _wrap(text):
    import textwrap

    return textwrap.fill(text, 79)


def build_parser():
    """The ``argparse`` parser of the command (``osculate --help``)."""
    fmt = _Formatter
    p = _Parser(prog="osculate", description="Second and higher derivatives of NumPy code.", formatter_class=fmt)
    p.add_argument("--version", action="version", version=f"osculate {_version()}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    epilog = _expression_epilog()
    methods = _runnable_methods()

    a = sub.add_parser("analyze", help="value, gradient, Hessian, curvature and classification of an expression",
                       description=_wrap("Value, gradient, Hessian, curvature and classification of an expression at "
                                         "a point, and/or all its critical points in a box."),
                       epilog=epilog, formatter_class=fmt)
    a.add_argument("expression", help='e.g. "x**4 + y**4 - 2*x**2 - 2*y**2 + 1"')
    a.add_argument("--at", help="the point: 1,0 (variables in order) or x=1,y=0")
    a.add_argument("--vars", help="the variables in this order, e.g. y,x (default: the expression's variables in "
                                  "natural order)")
    a.add_argument("--critical-points", action="store_true", help="find and classify the critical points in --bounds")
    a.add_argument("--bounds", help="search box for --critical-points, e.g. -2:2,-2:2 (one range: every variable)")
    a.add_argument("--starts", type=int, metavar="N",
                   help=f"starting points of the critical-point search, 1 to {MAX_STARTS} (default: the library's "
                        "budget, which grows with the number of variables)")
    a.add_argument("--seed", type=int, default=0,
                   help="seed (>= 0) of the search's starting points and of the classification's sampled directions")
    a.add_argument("--json", action="store_true", help="machine-readable output")
    a.set_defaults(func=cmd_analyze)

    m = sub.add_parser("minimize", help="minimise an expression and show the iterations",
                       description="Minimise an expression from --x0 and show the iterations.",
                       epilog=epilog, formatter_class=fmt)
    m.add_argument("expression")
    m.add_argument("--x0", required=True, help="starting point, e.g. -1.2,1 or x=-1.2,y=1")
    m.add_argument("--vars", help="the variables in this order (default: natural order)")
    m.add_argument("--method", default="newton", help=f"one of: {', '.join(methods)} (gd = gradient-descent)")
    m.add_argument("--compare", help="several methods, comma-separated, e.g. newton,bfgs,gd (replaces --method)")
    m.add_argument("--maxiter", type=int, default=500, help=f"most iterations, 0 to {MAX_ITER}")
    m.add_argument("--plot", help="write a PNG: contours with the iterate paths (2 variables), else |grad f|")
    m.add_argument("--progress", action="store_true", help="show a progress bar (needs tqdm)")
    m.add_argument("--jit", action="store_true", help="stage the derivatives once and replay them (osculate.jit)")
    m.add_argument("--json", action="store_true", help="machine-readable output")
    m.set_defaults(func=cmd_minimize)

    t = sub.add_parser("taylor", help="Taylor coefficients of an expression at a point (along a direction)",
                       description="Derivatives d^k/dt^k f(x + t v) and Taylor coefficients c_k at t = 0.",
                       epilog=epilog, formatter_class=fmt)
    t.add_argument("expression")
    t.add_argument("--at", required=True, help="the point x, e.g. 0.5 or x=0,y=1")
    t.add_argument("--vars", help="the variables in this order (default: natural order)")
    t.add_argument("--order", type=int, default=4,
                   help=f"highest order k, 0 to {MAX_TAYLOR_ORDER} (0 gives the value only)")
    t.add_argument("--direction", help="direction v, e.g. 1,1 (default: the first variable's axis)")
    t.add_argument("--radius", type=float, default=1.5, help="half-width of the plotted t range")
    t.add_argument("--plot", help="write a PNG of f and its Taylor polynomials")
    t.add_argument("--json", action="store_true", help="machine-readable output")
    t.set_defaults(func=cmd_taylor)

    from osculate.sparse.coloring import ORDERINGS
    from osculate.testing.sparse_problems import SPARSE_PROBLEMS

    s = sub.add_parser("sparsity", help="Hessian sparsity pattern and its colouring",
                       description=_wrap("Detect the Hessian's sparsity pattern, colour it and evaluate the "
                                         "compressed Hessian."), formatter_class=fmt)
    s.add_argument("--problem", default="chained_rosenbrock", help=f"one of: {', '.join(SPARSE_PROBLEMS)}")
    s.add_argument("--file", help="path.py:function of your own (takes one 1-D array; replaces --problem; "
                                  "its code runs as Python)")
    s.add_argument("--n", type=int, default=40, help=f"number of variables, 1 to {MAX_SPARSITY_N}")
    s.add_argument("--coloring", default="auto", choices=["star", "acyclic", "auto"], help="colouring kind")
    s.add_argument("--order", default="natural", help=f"vertex order of the colouring: {', '.join(ORDERINGS)}")
    s.add_argument("--seed", type=int, default=0, help="seed (>= 0) of the point and of --order random")
    s.add_argument("--plot", help=f"write a PNG of the coloured pattern (--n up to {MAX_SPARSITY_PLOT_N})")
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.set_defaults(func=cmd_sparsity)

    sp = sub.add_parser("spectrum", help="Hessian spectrum of a small built-in model (Lanczos + SLQ)",
                        description=_wrap("Extreme eigenvalues (Lanczos) and spectral density (stochastic "
                                          "Lanczos quadrature) of a loss Hessian, matrix-free."), formatter_class=fmt)
    sp.add_argument("--problem", default="mlp", help="mlp (160 parameters) or logistic (40 parameters)")
    sp.add_argument("--k", type=int, default=3, help="how many largest and smallest eigenvalues, 1 to parameters - 1")
    sp.add_argument("--probes", type=int, default=8,
                    help="random probe vectors of the spectral density, 1 to the number of parameters")
    sp.add_argument("--seed", type=int, default=0, help="seed (>= 0) of the data, the weights and the probes")
    sp.add_argument("--plot", help="write a PNG of the density with the extreme eigenvalues")
    sp.add_argument("--json", action="store_true", help="machine-readable output")
    sp.set_defaults(func=cmd_spectrum)

    d = sub.add_parser("demo", help="a guided tour of osculate (under a minute)",
                       description="A guided tour of osculate; writes three plots.", formatter_class=fmt)
    d.add_argument("--out", default="osculate-demo", help="folder for the plots (created if needed)")
    d.add_argument("--no-plots", action="store_true", help="skip the plots")
    d.set_defaults(func=cmd_demo)
    return p


_VALUE_OPTIONS = ("--at", "--x0", "--bounds", "--direction")
_NEGATIVE = re.compile(r"^-\s*(\d|\.\d|inf|nan)", re.IGNORECASE)


def _join_negative_values(argv):
    """Let ``--at -1,2`` and ``--at -inf`` mean ``--at=-1,2`` (argparse would
    otherwise read a value that starts with '-' as an option)."""
    out, i = [], 0
    while i < len(argv):
        a = argv[i]
        if a in _VALUE_OPTIONS and i + 1 < len(argv) and _NEGATIVE.match(argv[i + 1]):
            out.append(f"{a}={argv[i + 1]}")
            i += 2
        else:
            out.append(a)
            i += 1
    return out


_TAKES_VALUE = frozenset({
    "--at", "--x0", "--bounds", "--direction", "--vars", "--starts", "--seed", "--method", "--compare", "--maxiter",
    "--plot", "--order", "--radius", "--problem", "--file", "--n", "--coloring", "--k", "--probes", "--out",
})


def _protect_expression(argv):
    """An expression may start with a minus sign (``osculate analyze "-x**2"``):
    a leading space keeps argparse from reading it as an option (the parser
    ignores the space)."""
    if not argv or argv[0] not in ("analyze", "minimize", "taylor"):
        return argv
    out, i = [argv[0]], 1
    while i < len(argv):
        a = argv[i]
        if a in _TAKES_VALUE and i + 1 < len(argv):
            out += [a, argv[i + 1]]
            i += 2
            continue
        if len(a) > 1 and a[0] == "-" and a[1] != "-" and a != "-h":
            a = " " + a
        out.append(a)
        i += 1
    return out


def _one_line(err):
    text = " ".join(str(err).split())
    return text or type(err).__name__


#: Errors that are the user's (input, expression, or a function osculate cannot differentiate).
_USER_ERRORS = (CLIError, ExpressionError, ConcretizationError, UnsupportedFunctionError, MissingRuleError)


def main(argv=None):
    """Run the command; return the exit status (0, or 2 for a mistake, printed in one line)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        args = parser.parse_args(_protect_expression(_join_negative_values(argv)))
    except CLIError as e:
        print(f"osculate: error: {_one_line(e)}", file=sys.stderr)
        return 2
    except SystemExit as e:  # --help and --version print, then "exit"
        return e.code if isinstance(e.code, int) else 0
    if not getattr(args, "func", None):
        print("osculate: error: choose a command: analyze, minimize, taylor, sparsity, spectrum or demo "
              "(see: osculate --help)", file=sys.stderr)
        return 2
    tune_malloc()  # this process is ours: keep large temporaries in the heap (see osculate.allocator)
    try:
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
            warnings.simplefilter("always")
            code = args.func(args)
    except _USER_ERRORS as e:
        sys.stdout.flush()
        print(f"osculate: error: {_one_line(e)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("osculate: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of our output went away (osculate ... | head): stop quietly
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
            pass
        return 141
    seen = set()
    for w in caught:  # never a raw warning (with its file path) on stderr: one line each, once
        line = f"osculate: warning: {_one_line(w.message)}"
        if line not in seen:
            seen.add(line)
            print(line, file=sys.stderr)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
