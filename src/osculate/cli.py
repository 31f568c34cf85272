"""The ``osculate`` command.

Subcommands: ``analyze``, ``minimize``, ``taylor``, ``sparsity``, ``spectrum``
and ``demo`` (a guided tour).  Expressions are parsed by SymPy and turned into
plain NumPy code (``sympy.lambdify``); every derivative is computed by
osculate's engine, never by SymPy.  Problems with the user's input print one
line on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time
from dataclasses import dataclass

import numpy as np

from .ad.core import ConcretizationError, UnsupportedFunctionError
from .allocator import tune_malloc

__all__ = ["main", "parse_expression", "Expression"]


class CLIError(Exception):
    """A user-input problem, reported as one line with exit status 2."""


# --------------------------------------------------------------------------- expressions


@dataclass
class Expression:
    """A parsed expression: its text, variables (sorted by name) and a NumPy
    function of one array ``z`` with ``z[i]`` the i-th variable."""

    text: str
    variables: tuple
    fn: object

    @property
    def n(self):
        return len(self.variables)


def parse_expression(text):
    """Parse ``text`` with SymPy; variables are inferred and sorted by name.

    >>> e = parse_expression("x**2 + 3*x*y")
    >>> e.variables
    ('x', 'y')
    >>> float(e.fn(np.array([1.0, 2.0])))
    7.0
    """
    try:
        import sympy
        from sympy.parsing.sympy_parser import parse_expr, standard_transformations
    except ImportError:  # pragma: no cover - depends on the installation
        raise CLIError("parsing expressions needs SymPy: pip install 'osculate[cli]'") from None
    try:
        expr = parse_expr(text.replace("^", "**"), transformations=standard_transformations, evaluate=True)
    except Exception as e:  # noqa: BLE001 - SymPy raises many kinds
        raise CLIError(f"cannot parse expression {text!r}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}") from None
    if not isinstance(expr, sympy.Expr):
        raise CLIError(f"{text!r} is not a scalar expression")
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    if not symbols:
        raise CLIError(f"expression {text!r} has no variables")
    lam = sympy.lambdify(symbols, expr, modules="numpy")

    def fn(z):
        out = lam(*[z[i] for i in range(len(symbols))])
        return out + 0.0 * z[0]  # constant sub-expressions still give an array result

    return Expression(text, tuple(s.name for s in symbols), fn)


def _parse_numbers(text, what):
    try:
        return [float(t) for t in text.replace(" ", "").split(",") if t != ""]
    except ValueError:
        raise CLIError(f"{what} must be comma-separated numbers, got {text!r}") from None


def parse_point(text, expr, what="--at"):
    """``"1,0"`` (in variable order) or ``"x=1,y=0"``."""
    if "=" in text:
        values = {}
        for item in text.split(","):
            if "=" not in item:
                raise CLIError(f"{what}: mix of named and positional coordinates in {text!r}")
            name, val = item.split("=", 1)
            name = name.strip()
            if name not in expr.variables:
                raise CLIError(f"{what}: unknown variable {name!r}; the expression's variables are {', '.join(expr.variables)}")
            values[name] = _parse_numbers(val, what)[0]
        missing = [v for v in expr.variables if v not in values]
        if missing:
            raise CLIError(f"{what}: no value for {', '.join(missing)}")
        point = [values[v] for v in expr.variables]
    else:
        point = _parse_numbers(text, what)
    if len(point) != expr.n:
        raise CLIError(
            f"{what}: {len(point)} coordinate(s) given but the expression has {expr.n} variable(s) "
            f"({', '.join(expr.variables)})"
        )
    return np.array(point, dtype=float)


def parse_bounds(text, n):
    """``"-2:2,-2:2"`` → [(-2, 2), (-2, 2)]; a single range applies to every variable."""
    parts = [p for p in text.split(",") if p]
    try:
        bounds = [tuple(float(v) for v in p.split(":")) for p in parts]
    except ValueError:
        raise CLIError(f"--bounds must look like -2:2,-2:2, got {text!r}") from None
    if any(len(b) != 2 or not b[0] < b[1] for b in bounds):
        raise CLIError(f"--bounds: each range must be lo:hi with lo < hi, got {text!r}")
    if len(bounds) == 1:
        bounds = bounds * n
    if len(bounds) != n:
        raise CLIError(f"--bounds: {len(bounds)} range(s) for {n} variable(s)")
    return bounds


def _finite_value(expr, x):
    with np.errstate(all="ignore"):
        v = float(expr.fn(x))
    if not math.isfinite(v):
        raise CLIError(f"f is not finite at {_fmt(x)} (value {v}); choose another point")
    return v


def _fmt(a, digits=6):
    a = np.asarray(a, dtype=float)
    if a.ndim == 0:
        return f"{float(a):.{digits}g}"
    return np.array2string(a, precision=digits, suppress_small=True, separator=", ", max_line_width=100)


def _plain(obj):
    """JSON-ready plain Python values."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist())
    if isinstance(obj, (np.floating, float)):
        return float(obj) if math.isfinite(float(obj)) else str(float(obj))
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if hasattr(obj, "to_dict"):
        return _plain(obj.to_dict())
    return obj


def _output_dir(path):
    os.makedirs(path, exist_ok=True)
    return path


def _save(fig, path, plt, quiet=False):
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    if not quiet:
        print(f"plot written to {path}")


def _need_matplotlib():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise CLIError("plots need Matplotlib: pip install 'osculate[cli]'") from None
    return plt


# --------------------------------------------------------------------------- analyze


def _analysis_record(expr, x):
    import osculate as osc
    from osculate.analysis import curvature, quadratic_model

    value = _finite_value(expr, x)
    g = np.asarray(osc.grad(expr.fn)(x))
    H = np.asarray(osc.hessian(expr.fn)(x))
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
        raise CLIError(f"the derivatives of f are not finite at {_fmt(x)}")
    report = curvature(expr.fn, x)
    model = quadratic_model(expr.fn, x)
    try:
        step = np.asarray(model.newton_step())
    except Exception:  # noqa: BLE001 - a singular Hessian has no Newton step
        step = None
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
        "newton_step": step,
        "quadratic_model": {
            "f": value,
            "g": g,
            "H": H,
            "text": f"m(p) = {value:.6g} + g^T p + 1/2 p^T H p",
        },
    }


def cmd_analyze(args):
    from osculate.analysis import find_critical_points

    expr = parse_expression(args.expression)
    rec = None
    if args.at is not None:
        rec = _analysis_record(expr, parse_point(args.at, expr))
    elif not args.critical_points:
        raise CLIError("give a point with --at (e.g. --at 1,0) and/or --critical-points --bounds")
    points = None
    if args.critical_points:
        if not args.bounds:
            raise CLIError("--critical-points needs --bounds (e.g. --bounds -2:2,-2:2)")
        bounds = parse_bounds(args.bounds, expr.n)
        found = find_critical_points(expr.fn, bounds, seed=args.seed)
        points = [_plain(p.to_dict()) for p in found]
    if args.json:
        out = {"variables": list(expr.variables)}
        if rec is not None:
            out.update(rec)
        if points is not None:
            out["critical_points"] = points
        print(json.dumps(_plain(out), indent=2))
        return 0
    print(f"f({', '.join(expr.variables)}) = {expr.text}")
    print(f"variables (in this order): {', '.join(expr.variables)}")
    if rec is not None:
        print(f"\nat {', '.join(f'{v}={c:g}' for v, c in zip(expr.variables, rec['point']))}")
        print(f"  value            {rec['value']:.10g}")
        print(f"  gradient         {_fmt(rec['gradient'])}   |g| = {np.linalg.norm(rec['gradient']):.3g}")
        print("  Hessian          " + _fmt(rec["hessian"]).replace("\n", "\n                   "))
        print(f"  eigenvalues      {_fmt(rec['eigenvalues'])}")
        print(f"  definiteness     {rec['definiteness']}")
        print(f"  condition number {_fmt(rec['condition_number'])}")
        print(f"  classification   {rec['classification']}")
        step = rec["newton_step"]
        print(f"  Newton step      {'undefined (singular Hessian)' if step is None else _fmt(step)}")
        print(f"  quadratic model  {rec['quadratic_model']['text']}")
    if points is not None:
        print(f"\ncritical points in {args.bounds}: {len(points)}")
        for p in points:
            coords = ", ".join(f"{v}={c:.6g}" for v, c in zip(expr.variables, p["x"]))
            print(f"  ({coords})  f = {p['value']:.6g}  {p['classification']}")
    return 0


# --------------------------------------------------------------------------- minimize


def _run_minimize(fn, x0, method, maxiter, progress, jit=False):
    from osculate.optim import minimize

    path = [np.array(x0, dtype=float)]
    res = minimize(fn, x0, method=method, maxiter=maxiter, callback=lambda xk: path.append(np.array(xk)),
                   progress=progress, jit=jit)
    return res, np.array(path)


def _landscape(ax, fn, paths, plt, box=None):
    """Contours of a 2-variable ``fn`` (log scale) with iterate paths; the box is
    ``((xlo, xhi), (ylo, yhi))`` or fitted around the paths."""
    if box is None:
        allpts = np.concatenate([p for _, p in paths])
        lo, hi = allpts.min(axis=0), allpts.max(axis=0)
        pad = 0.25 * np.maximum(hi - lo, 0.5)
        box = ((lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1]))
    xs = np.linspace(*box[0], 160)
    ys = np.linspace(*box[1], 160)
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        Z = np.vectorize(lambda a, b: float(fn(np.array([a, b]))))(X, Y)
    Zs = np.log1p(Z - np.nanmin(Z))
    cs = ax.contourf(X, Y, Zs, levels=30, cmap="viridis")
    plt.colorbar(cs, ax=ax, label="log(1 + f - min f)")
    for (name, p), color in zip(paths, ["#e41a1c", "#ff7f00", "#f781bf", "#ffffff", "#377eb8", "#a65628"]):
        ax.plot(p[:, 0], p[:, 1], "o-", color=color, ms=3, lw=1.5, label=f"{name} ({len(p) - 1} it)")
    ax.plot(*paths[0][1][0], "k*", ms=12, label="start")


def cmd_minimize(args):
    expr = parse_expression(args.expression)
    x0 = parse_point(args.x0, expr, "--x0")
    _finite_value(expr, x0)
    methods = [m.strip() for m in (args.compare.split(",") if args.compare else [args.method]) if m.strip()]
    from osculate.optim import METHODS

    aliases = {"gd": "gradient-descent"}
    methods = [aliases.get(m, m) for m in methods]
    for m in methods:
        if m not in METHODS:
            raise CLIError(f"unknown method {m!r}; choose from {', '.join(sorted(METHODS))}")
    runs = []
    for m in methods:
        res, path = _run_minimize(expr.fn, x0, m, args.maxiter, args.progress, args.jit)
        runs.append((m, res, path))
    if args.json:
        print(json.dumps(_plain([{
            "method": m, "x": r.x, "fun": r.fun, "nit": r.nit, "nfev": r.nfev, "ngev": r.ngev,
            "nhvp": getattr(r, "nhvp", 0), "success": bool(r.success), "message": r.message,
        } for m, r, _ in runs]), indent=2))
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
            print(f"  x* = {_fmt(res.x)}, f* = {res.fun:.10g}; nit {res.nit}, nfev {res.nfev}, ngev {res.ngev}, nhvp {getattr(res, 'nhvp', 0)}")
    if args.plot:
        plt = _need_matplotlib()
        fig, ax = plt.subplots(figsize=(7, 5.5))
        if expr.n == 2:
            _landscape(ax, expr.fn, [(m, p) for m, _, p in runs], plt)
            ax.set_xlabel(expr.variables[0])
            ax.set_ylabel(expr.variables[1])
            ax.set_title(f"Minimising {expr.text}")
        else:
            for m, res, _ in runs:
                ax.semilogy(np.maximum(np.asarray(res.history["grad_norm"]), 1e-300), label=m)
            ax.set_xlabel("iteration")
            ax.set_ylabel("|grad f|")
            ax.set_title(f"Convergence on {expr.text}")
        ax.legend(loc="best", fontsize=8)
        _save(fig, args.plot, plt, quiet=args.json)
    return 0


# --------------------------------------------------------------------------- taylor


def cmd_taylor(args):
    from osculate.ad.taylor import derivatives_along

    expr = parse_expression(args.expression)
    x = parse_point(args.at, expr)
    if args.order < 0:
        raise CLIError("--order must be non-negative")
    v = np.zeros(expr.n)
    if args.direction:
        v = parse_point(args.direction, expr, "--direction")
    else:
        v[0] = 1.0
    f0 = _finite_value(expr, x)
    ders = np.asarray(derivatives_along(expr.fn, x, v, order=args.order), dtype=float)[1:]  # entry 0 is f(x)
    coeffs = np.concatenate([[f0], ders / np.array([math.factorial(k) for k in range(1, args.order + 1)])])
    if args.json:
        print(json.dumps(_plain({"expression": expr.text, "point": x, "direction": v, "derivatives": ders,
                                 "coefficients": coeffs}), indent=2))
    else:
        along = "" if expr.n == 1 else f" along v = {_fmt(v)}"
        print(f"f = {expr.text} at {_fmt(x)}{along}: f(x + t v) ≈ Σ c_k t^k")
        for k, c in enumerate(coeffs):
            d = f0 if k == 0 else ders[k - 1]
            print(f"  k={k:2d}  d^k f/dt^k = {d: .10g}   c_k = {c: .10g}")
    if args.plot:
        plt = _need_matplotlib()
        t = np.linspace(-args.radius, args.radius, 400)
        with np.errstate(all="ignore"):
            ft = np.array([float(expr.fn(x + ti * v)) for ti in t])
        fig, ax = plt.subplots(figsize=(7, 4.5))
        ax.plot(t, ft, "k", lw=2.5, label="f")
        for k in sorted({1, 2, 3, args.order} & set(range(1, args.order + 1))):
            ax.plot(t, np.polyval(coeffs[: k + 1][::-1], t), "--", lw=1.4, label=f"Taylor order {k}")
        span = np.nanmax(ft) - np.nanmin(ft)
        ax.set_ylim(np.nanmin(ft) - 0.3 * span - 1e-9, np.nanmax(ft) + 0.3 * span + 1e-9)
        ax.set_xlabel("t" if expr.n > 1 else expr.variables[0] + f" - {x[0]:g}")
        ax.set_ylabel("f(x + t v)")
        ax.set_title(f"Taylor polynomials of {expr.text}")
        ax.legend(fontsize=8)
        _save(fig, args.plot, plt, quiet=args.json)
    return 0


# --------------------------------------------------------------------------- sparsity


def _load_function(spec):
    """``path.py:function`` → the function (its Hessian pattern is shown)."""
    import importlib.util

    if ":" not in spec:
        raise CLIError(f"--file must be path.py:function, got {spec!r}")
    path, name = spec.rsplit(":", 1)
    if not os.path.exists(path):
        raise CLIError(f"no such file: {path}")
    module_spec = importlib.util.spec_from_file_location("_osculate_user_module", path)
    module = importlib.util.module_from_spec(module_spec)
    try:
        module_spec.loader.exec_module(module)
    except Exception as e:  # noqa: BLE001 - the user's file
        raise CLIError(f"cannot import {path}: {type(e).__name__}: {e}") from None
    if not hasattr(module, name):
        raise CLIError(f"{path} has no function {name!r}")
    return getattr(module, name)


def cmd_sparsity(args):
    import osculate as osc

    from osculate.testing.sparse_problems import SPARSE_PROBLEMS

    n = args.n
    if args.file:
        fn, name = _load_function(args.file), args.file
        x = np.random.default_rng(args.seed).uniform(-1, 1, n)
    else:
        problem = SPARSE_PROBLEMS.get(args.problem)
        if problem is None:
            raise CLIError(f"unknown problem {args.problem!r}; choose from {', '.join(SPARSE_PROBLEMS)}")
        if not problem.admissible(n):
            raise CLIError(f"--n {n} is not an admissible size for {args.problem} ({problem.description})")
        fn, name = problem.f, args.problem
        x = problem.x0(n, seed=args.seed)
    t0 = time.perf_counter()
    try:
        plan = osc.sparse_hessian(fn, x, coloring=args.coloring, order=args.order)
    except Exception as e:  # noqa: BLE001 - user function problems
        raise CLIError(f"sparsity detection failed on {name}: {type(e).__name__}: {e}") from None
    prep = time.perf_counter() - t0
    t0 = time.perf_counter()
    H = plan(x)
    ev = time.perf_counter() - t0
    info = {"problem": name, "n": n, "nnz": int(plan.pattern.nnz), "coloring": plan.coloring_result.kind,
            "order": args.order, "n_colors": int(plan.n_colors), "prepare_seconds": prep, "evaluate_seconds": ev}
    if args.json:
        print(json.dumps(_plain(info), indent=2))
    else:
        print(f"{name}: n = {n}, Hessian nonzeros {info['nnz']} ({info['nnz'] / n ** 2:.2%} dense)")
        print(f"  {info['coloring']} colouring ({args.order} order): {plan.n_colors} colours "
              f"-> the Hessian costs {plan.n_colors} Hessian-vector products instead of {n}")
        print(f"  detection + colouring {prep * 1e3:.1f} ms, compressed evaluation {ev * 1e3:.1f} ms, |H|_max = {abs(H).max():.4g}")
    if args.plot:
        plt = _need_matplotlib()
        coo = plan.pattern.tocoo()
        colors = np.asarray(plan.coloring)[coo.col]
        fig, ax = plt.subplots(figsize=(6, 6))
        from matplotlib.colors import ListedColormap

        base = plt.get_cmap("tab10" if plan.n_colors <= 10 else "tab20")
        cmap = ListedColormap([base(i % base.N) for i in range(plan.n_colors)])
        sc = ax.scatter(coo.col, coo.row, c=colors, cmap=cmap, s=max(2, 3000 / n), marker="s", vmin=-0.5,
                        vmax=plan.n_colors - 0.5)
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_aspect("equal")
        ax.set_xlabel("column (variable)")
        ax.set_ylabel("row")
        ax.set_title(f"Hessian pattern of {name}: {coo.nnz} nonzeros, {plan.n_colors} colours ({info['coloring']})")
        cb = plt.colorbar(sc, ax=ax, ticks=range(plan.n_colors), fraction=0.046)
        cb.set_label("colour of the column")
        _save(fig, args.plot, plt, quiet=args.json)
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

    if args.problem == "mlp":
        loss, w = _mlp_problem(args.seed)
    elif args.problem == "logistic":
        loss, w = _logistic_problem(args.seed)
    else:
        raise CLIError(f"unknown problem {args.problem!r}; choose mlp or logistic")
    op = osc.hessian_operator(loss, w)
    top = osc.eigenvalues(op, k=args.k, which="LA", seed=args.seed)
    bottom = osc.eigenvalues(op, k=args.k, which="SA", seed=args.seed)
    density = osc.spectral_density(op, n_probes=args.probes, m=min(40, w.size), seed=args.seed)
    info = {"problem": args.problem, "n_parameters": int(w.size), "largest": top.values, "smallest": bottom.values,
            "n_matvec": int(op.n_matvec)}
    if args.json:
        print(json.dumps(_plain(info), indent=2))
    else:
        print(f"Hessian of the {args.problem} loss, {w.size} parameters (matrix-free, {op.n_matvec} Hessian-vector products)")
        print(f"  largest  {args.k} eigenvalues (Lanczos): {_fmt(top.values[::-1])}")
        print(f"  smallest {args.k} eigenvalues (Lanczos): {_fmt(bottom.values)}")
        cut = 0.05 * max(abs(top.values).max(), abs(bottom.values).max())
        neg = density.mass(-np.inf, -cut)
        print(f"  spectral density (SLQ, {args.probes} probes): fraction of eigenvalues below -{cut:.3g}: {neg:.3f}")
    if args.plot:
        plt = _need_matplotlib()
        fig = _spectrum_figure(plt, density, np.concatenate([top.values, bottom.values]),
                               f"Hessian spectrum, {args.problem} ({w.size} parameters)")
        _save(fig, args.plot, plt, quiet=args.json)
    return 0


# --------------------------------------------------------------------------- demo


def cmd_demo(args):
    from .demo import run_demo

    return run_demo(args.out, plots=not args.no_plots)


# --------------------------------------------------------------------------- entry point


def build_parser():
    p = argparse.ArgumentParser(prog="osculate", description="Second and higher derivatives of NumPy code.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    a = sub.add_parser("analyze", help="value, gradient, Hessian, curvature and classification of an expression")
    a.add_argument("expression", help='e.g. "x**4 + y**4 - 2*x**2 - 2*y**2 + 1"')
    a.add_argument("--at", help="the point: 1,0 (variables in sorted order) or x=1,y=0")
    a.add_argument("--critical-points", action="store_true", help="find and classify all critical points in --bounds")
    a.add_argument("--bounds", help="search box, e.g. -2:2,-2:2")
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--json", action="store_true", help="machine-readable output")
    a.set_defaults(func=cmd_analyze)

    m = sub.add_parser("minimize", help="minimise an expression and show the iterations")
    m.add_argument("expression")
    m.add_argument("--x0", required=True, help="starting point, e.g. -1.2,1")
    m.add_argument("--method", default="newton")
    m.add_argument("--compare", help="several methods, e.g. newton,bfgs,gd")
    m.add_argument("--maxiter", type=int, default=500)
    m.add_argument("--plot", help="write a PNG: contours with the iterate path (2 variables)")
    m.add_argument("--progress", action="store_true", help="show a progress bar (needs tqdm)")
    m.add_argument("--jit", action="store_true", help="stage the derivatives once and replay them (osculate.jit)")
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=cmd_minimize)

    t = sub.add_parser("taylor", help="Taylor coefficients of an expression at a point (along a direction)")
    t.add_argument("expression")
    t.add_argument("--at", required=True)
    t.add_argument("--order", type=int, default=4)
    t.add_argument("--direction", help="direction v for several variables (default: the first axis)")
    t.add_argument("--radius", type=float, default=1.5, help="half-width of the plotted t range")
    t.add_argument("--plot")
    t.add_argument("--json", action="store_true")
    t.set_defaults(func=cmd_taylor)

    s = sub.add_parser("sparsity", help="Hessian sparsity pattern and its colouring")
    s.add_argument("--problem", default="chained_rosenbrock",
                   help="a problem of osculate.testing.sparse_problems (chained_rosenbrock, band9, bratu2d, ...)")
    s.add_argument("--file", help="path.py:function of your own (takes one 1-D array)")
    s.add_argument("--n", type=int, default=40)
    s.add_argument("--coloring", default="auto", choices=["star", "acyclic", "auto"])
    s.add_argument("--order", default="natural")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--plot")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_sparsity)

    sp = sub.add_parser("spectrum", help="Hessian spectrum of a small built-in model (Lanczos + SLQ)")
    sp.add_argument("--problem", default="mlp", help="mlp or logistic")
    sp.add_argument("--k", type=int, default=3)
    sp.add_argument("--probes", type=int, default=8)
    sp.add_argument("--seed", type=int, default=0)
    sp.add_argument("--plot")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_spectrum)

    d = sub.add_parser("demo", help="a guided tour of osculate (under a minute)")
    d.add_argument("--out", default="osculate-demo", help="folder for the plots")
    d.add_argument("--no-plots", action="store_true")
    d.set_defaults(func=cmd_demo)
    return p


_VALUE_OPTIONS = ("--at", "--x0", "--bounds", "--direction")


def _join_negative_values(argv):
    """Let ``--bounds -2:2,-2:2`` mean ``--bounds=-2:2,-2:2`` (argparse would
    otherwise read a value that starts with '-' as an option)."""
    out, i = [], 0
    while i < len(argv):
        a = argv[i]
        if a in _VALUE_OPTIONS and i + 1 < len(argv) and re.match(r"^-[\d.]", argv[i + 1]):
            out.append(f"{a}={argv[i + 1]}")
            i += 2
        else:
            out.append(a)
            i += 1
    return out


def main(argv=None):
    parser = build_parser()
    argv = _join_negative_values(list(sys.argv[1:] if argv is None else argv))
    tune_malloc()  # this process is ours: keep large temporaries in the heap (see osculate.allocator)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except (CLIError, ConcretizationError, UnsupportedFunctionError) as e:
        # the expression uses a function osculate cannot differentiate, or --jit met
        # value-dependent code: say so in one line instead of a traceback
        print(f"osculate: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
