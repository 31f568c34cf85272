"""``osculate minimize``: run one or several of osculate's optimisers on an
expression, print their iterations and plot their paths."""

from __future__ import annotations

import numpy as np

from ..formatting import format_numbers, shorten
from ..optim import METHODS, minimize
from .errors import CLIError
from .inputs import check_range, expression_of, finite_value, parse_point
from .output import check_plot_path, landscape, need_matplotlib, print_json, save_figure

__all__ = ["MAX_ITER", "runnable_methods", "run"]

#: Most iterations (so that a diverging run still ends).
MAX_ITER = 100_000

#: Methods the command line cannot run, and why.
_NOT_FROM_CLI = {
    "natural-gradient": "method 'natural-gradient' needs a Fisher matrix (fisher=), which the command line cannot "
                        "supply; call osculate.minimize(f, x0, method='natural-gradient', fisher=...) from Python",
}
_ALIASES = {"gd": "gradient-descent"}

#: Iterations printed at each end of a long run.
_SHOWN = 12


def runnable_methods():
    """The ``minimize`` methods the command line offers."""
    return [m for m in METHODS if m not in _NOT_FROM_CLI]


def run(args):
    check_range(args.maxiter, "--maxiter", 0, MAX_ITER)
    methods = _selected_methods(args)
    plot = check_plot_path(args.plot)
    expr = expression_of(args)
    x0 = parse_point(args.x0, expr, "--x0")
    finite_value(expr, x0)
    runs = []
    for method in methods:
        path = [np.array(x0, dtype=float)]
        res = minimize(expr.fn, x0, method=method, maxiter=args.maxiter, progress=args.progress, jit=args.jit,
                       callback=lambda xk: path.append(np.array(xk)))
        runs.append((method, res, np.array(path)))
    if args.json:
        print_json([{
            "method": m, "x": r.x, "fun": r.fun, "nit": r.nit, "nfev": r.nfev, "ngev": r.ngev,
            "nhvp": r.nhvp, "success": bool(r.success), "message": r.message,
        } for m, r, _ in runs])
    else:
        for method, res, _ in runs:
            _print_run(method, res)
    if plot:
        _plot(expr, runs, plot, quiet=args.json)
    return 0


def _selected_methods(args):
    """The methods of ``--compare`` (or ``--method``), canonical names, each once."""
    if args.compare is not None:
        names = [m.strip() for m in args.compare.split(",")]
        if not any(names):
            raise CLIError("--compare names no method; give a list such as newton,bfgs,gd")
        if any(not m for m in names):
            raise CLIError(f"--compare: empty entry in {shorten(args.compare)!r}")
    else:
        names = [args.method.strip()]
    runnable = runnable_methods()
    methods = []
    for name in names:
        method = _ALIASES.get(name.lower(), name.lower())
        if method in _NOT_FROM_CLI:
            raise CLIError(_NOT_FROM_CLI[method])
        if method not in runnable:
            raise CLIError(f"unknown method {shorten(method, 30)!r}; choose from {', '.join(runnable)} "
                           f"(gd = gradient-descent)")
        if method not in methods:
            methods.append(method)
    return methods


def _print_run(method, res):
    """The iterations of one run (the first and last ``_SHOWN`` of a long one) and its result."""
    print(f"method {method}: {'converged' if res.success else 'did not converge'} -- {res.message}")
    print(f"  {'iter':>5} {'f':>16} {'|grad|':>12}")
    rows = list(enumerate(zip(res.history["f"], res.history["grad_norm"])))
    if len(rows) > 2 * _SHOWN + 1:
        rows = rows[:_SHOWN] + [None] + rows[-_SHOWN:]
    for row in rows:
        if row is None:
            print(f"  {'...':>5}")
        else:
            k, (f, gnorm) = row
            print(f"  {k:5d} {f:16.9g} {gnorm:12.3e}")
    print(f"  x* = {format_numbers(res.x)}, f* = {res.fun:.10g}; nit {res.nit}, nfev {res.nfev}, ngev {res.ngev}, "
          f"nhvp {res.nhvp}")


def _plot(expr, runs, path, quiet):
    """Contours with the iterate paths (two variables), else ``|grad f|`` per iteration."""
    plt = need_matplotlib()
    fig, ax = plt.subplots(figsize=(7, 5.5))
    if expr.n == 2:
        landscape(ax, expr.fn, [(m, p) for m, _, p in runs], plt, vectorized=True)
        ax.set_xlabel(expr.variables[0])
        ax.set_ylabel(expr.variables[1])
        ax.set_title(f"Minimising {shorten(expr.text)}")
    else:
        for method, res, _ in runs:
            gnorm = np.nan_to_num(np.asarray(res.history["grad_norm"], dtype=float), nan=1e300)
            ax.semilogy(np.maximum(gnorm, 1e-300), label=method)
        ax.set_xlabel("iteration")
        ax.set_ylabel("|grad f|")
        ax.set_title(f"Convergence on {shorten(expr.text)}")
    ax.legend(loc="best", fontsize=8)
    save_figure(fig, path, plt, quiet=quiet)
