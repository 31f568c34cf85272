"""``osculate sparsity``: detect the Hessian's sparsity pattern of a built-in
problem or of the user's own function, colour it and evaluate the
compressed Hessian."""

from __future__ import annotations

import importlib.util
import os
import time

import numpy as np

from ..formatting import shorten
from ..sparse import hessian_sparsity, sparse_hessian
from ..sparse.coloring import ORDERINGS
from ..sparse.detect import BudgetExceeded, entry_budget
from ..testing.sparse_problems import SPARSE_PROBLEMS
from .errors import ENGINE_ERRORS, CLIError, UserCodeError, one_line
from .inputs import check_range, check_seed
from .output import check_plot_path, need_matplotlib, print_json, save_figure

__all__ = ["MAX_SPARSITY_N", "MAX_SPARSITY_PLOT_N", "run"]

#: Largest ``--n``, and the largest that is plotted.
MAX_SPARSITY_N = 100_000
MAX_SPARSITY_PLOT_N = 20_000
#: Detection entries and colouring work (sum of squared degrees) allowed.
SPARSITY_ENTRY_BUDGET = 5_000_000
SPARSITY_COLORING_WORK = 30_000_000
#: Built-in problems that allocate n x n arrays: a smaller --n limit.
_PROBLEM_MAX_N = {"sparse_quadratic": 2_000, "dense_row": 2_000}


def run(args):
    check_seed(args.seed)
    check_range(args.n, "--n", 1, MAX_SPARSITY_N)
    if args.order not in ORDERINGS:
        raise CLIError(f"unknown --order {shorten(args.order, 30)!r}; choose from {', '.join(ORDERINGS)}")
    plot = check_plot_path(args.plot)
    if plot and args.n > MAX_SPARSITY_PLOT_N:
        raise CLIError(f"--plot draws at most --n {MAX_SPARSITY_PLOT_N}; got --n {args.n}")
    n = args.n
    user = bool(args.file)
    if user:
        fn, name = _load_function(args.file), args.file
        x = np.random.default_rng(args.seed).uniform(-1, 1, n)
    else:
        fn, name = _builtin_problem(args.problem, n), args.problem
        x = SPARSE_PROBLEMS[name].x0(n, seed=args.seed)

    def guarded(step, what):
        """``step()`` within the entry budget; a failure of the user's code is theirs, in one line."""
        try:
            with entry_budget(SPARSITY_ENTRY_BUDGET):
                return step()
        except (BudgetExceeded, MemoryError):
            raise CLIError(f"the Hessian of {shorten(name)} at --n {n} is too dense to detect from the command line; "
                           f"try a smaller --n") from None
        except (CLIError, *ENGINE_ERRORS):
            raise
        except Exception as e:  # noqa: BLE001
            if not user:
                raise
            raise UserCodeError(f"{what} failed on {shorten(name)}: {type(e).__name__}: {one_line(e)}") from None

    pattern = guarded(lambda: hessian_sparsity(fn, x), "sparsity detection")
    degrees = np.diff(pattern.indptr).astype(np.float64)
    if float(np.sum(degrees * degrees)) > SPARSITY_COLORING_WORK:
        raise CLIError(f"the Hessian of {shorten(name)} at --n {n} has {pattern.nnz} nonzeros, too dense to colour "
                       f"quickly from the command line; try a smaller --n")
    t0 = time.perf_counter()
    plan = guarded(lambda: sparse_hessian(fn, x, coloring=args.coloring, order=args.order, seed=args.seed),
                   "sparsity detection")
    H = guarded(lambda: plan(x), "the Hessian evaluation")
    total = time.perf_counter() - t0
    prepare = plan.timings["detection"] + plan.timings["coloring"]
    evaluate = max(total - prepare, 0.0)
    info = {"problem": name, "n": n, "nnz": int(plan.pattern.nnz), "coloring": plan.coloring_result.kind,
            "order": args.order, "n_colors": int(plan.n_colors), "prepare_seconds": prepare,
            "evaluate_seconds": evaluate}
    if args.json:
        print_json(info)
    else:
        hmax = abs(H).max() if H.nnz else 0.0
        print(f"{name}: n = {n}, Hessian nonzeros {info['nnz']} ({info['nnz'] / n ** 2:.2%} dense)")
        print(f"  {info['coloring']} colouring ({args.order} order): {plan.n_colors} colours "
              f"-> the Hessian costs {plan.n_colors} Hessian-vector products instead of {n}")
        print(f"  detection + colouring {prepare * 1e3:.1f} ms, compressed evaluation {evaluate * 1e3:.1f} ms, "
              f"|H|_max = {hmax:.4g}")
    if plot:
        _plot(plan, name, n, info["coloring"], plot, quiet=args.json)
    return 0


def _builtin_problem(name, n):
    """The function of the built-in problem ``name``, checked against ``n``."""
    problem = SPARSE_PROBLEMS.get(name)
    if problem is None:
        raise CLIError(f"unknown problem {shorten(name, 30)!r}; choose from {', '.join(SPARSE_PROBLEMS)}")
    cap = _PROBLEM_MAX_N.get(name)
    if cap is not None and n > cap:
        raise CLIError(f"--n must be at most {cap} for {name} (it builds dense n x n arrays), got {n}")
    if not problem.admissible(n):
        examples = [k for k in range(1, 200) if problem.admissible(k)][:6]
        raise CLIError(f"--n {n} is not an admissible size for {name} ({problem.description}); "
                       f"for example {', '.join(map(str, examples))}")
    return problem.f


def _load_function(spec):
    """``path.py:function`` -> the function (its code runs as Python: it is the user's own)."""
    if ":" not in spec:
        raise CLIError(f"--file must be path.py:function, got {shorten(spec)!r}")
    path, name = spec.rsplit(":", 1)
    if not path.endswith(".py"):
        raise CLIError(f"--file must name a Python file (path.py:function), got {shorten(path)!r}")
    if not name.isidentifier():
        raise CLIError(f"--file: {shorten(name)!r} is not a function name")
    if not os.path.isfile(path):
        raise CLIError(f"--file: no such file: {shorten(path)}")
    module_spec = importlib.util.spec_from_file_location("_osculate_user_module", path)
    module = importlib.util.module_from_spec(module_spec)
    try:
        module_spec.loader.exec_module(module)
    except Exception as e:  # noqa: BLE001 - the user's own file: any error is theirs, shown in one line
        raise UserCodeError(f"cannot import {shorten(path)}: {type(e).__name__}: {e}") from None
    fn = getattr(module, name, None)
    if fn is None:
        raise CLIError(f"{shorten(path)} has no function {name!r}")
    if not callable(fn):
        raise CLIError(f"{shorten(path)}: {name!r} is not a function")
    return fn


def _plot(plan, name, n, kind, path, quiet):
    """The pattern, each nonzero coloured by the colour of its column."""
    plt = need_matplotlib()
    from matplotlib.colors import ListedColormap  # Matplotlib is optional: imported once known to be there

    coo = plan.pattern.tocoo()
    colors = np.asarray(plan.coloring)[coo.col]
    fig, ax = plt.subplots(figsize=(6, 6))
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
    ax.set_title(f"Hessian pattern of {shorten(name, 40)}: {coo.nnz} nonzeros, {plan.n_colors} colours ({kind})")
    cb = plt.colorbar(sc, ax=ax, ticks=range(n_col), fraction=0.046)
    cb.set_label("colour of the column")
    save_figure(fig, path, plt, quiet=quiet)
