"""``osculate spectrum``: extreme eigenvalues (Lanczos) and spectral density
(stochastic Lanczos quadrature) of the Hessian of a small built-in loss,
matrix-free."""

from __future__ import annotations

import numpy as np

from ..linop import eigenvalues, hessian_operator, spectral_density
from ..formatting import format_numbers, shorten
from .errors import CLIError
from .inputs import check_range, check_seed
from .output import check_plot_path, need_matplotlib, print_json, save_figure, spectrum_figure

__all__ = ["PROBLEMS", "mlp_problem", "logistic_problem", "run"]


def mlp_problem(seed, hidden=16):
    """``(loss, w)``: mean squared error of a one-hidden-layer tanh network on
    256 random points in 8 dimensions (160 parameters)."""
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


def logistic_problem(seed):
    """``(loss, w)``: ridge-regularised logistic regression on 500 random
    points with 40 features of unequal scales."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((500, 40)) * np.linspace(0.2, 3.0, 40)
    y = (rng.uniform(size=500) < 0.5).astype(float)

    def loss(w):
        return np.mean(np.logaddexp(0.0, X @ w) - y * (X @ w)) + 1e-3 * np.sum(w * w)

    return loss, 0.1 * rng.standard_normal(40)


#: The built-in problems of ``--problem``.
PROBLEMS = {"mlp": mlp_problem, "logistic": logistic_problem}


def run(args):
    check_seed(args.seed)
    make = PROBLEMS.get(args.problem)
    if make is None:
        raise CLIError(f"unknown problem {shorten(args.problem, 30)!r}; choose from {', '.join(PROBLEMS)}")
    loss, w = make(args.seed)
    n = int(w.size)
    size = f" (the {args.problem} loss has {n} parameters)"
    check_range(args.k, "--k", 1, n - 1, size)
    check_range(args.probes, "--probes", 1, n, size)
    plot = check_plot_path(args.plot)
    op = hessian_operator(loss, w)
    top = eigenvalues(op, k=args.k, which="LA", seed=args.seed)
    bottom = eigenvalues(op, k=args.k, which="SA", seed=args.seed)
    density = spectral_density(op, n_probes=args.probes, m=min(40, n), seed=args.seed)
    largest = np.sort(np.asarray(top.values, dtype=float))[::-1]  # largest first
    smallest = np.sort(np.asarray(bottom.values, dtype=float))  # smallest first
    cut = 0.05 * max(abs(largest).max(), abs(smallest).max())
    negative = float(density.mass(-np.inf, -cut))
    info = {"problem": args.problem, "n_parameters": n, "largest": largest, "smallest": smallest,
            "negative_fraction": negative, "negative_cut": -cut, "probes": args.probes, "n_matvec": int(op.n_matvec)}
    if args.json:
        print_json(info)
    else:
        print(f"Hessian of the {args.problem} loss, {n} parameters (matrix-free, {op.n_matvec} Hessian-vector products)")
        print(f"  largest  {args.k} eigenvalues (Lanczos): {format_numbers(largest)}")
        print(f"  smallest {args.k} eigenvalues (Lanczos): {format_numbers(smallest)}")
        print(f"  spectral density (SLQ, {args.probes} probes): fraction of eigenvalues below -{cut:.3g}: "
              f"{negative:.3f}")
    if plot:
        plt = need_matplotlib()
        fig = spectrum_figure(plt, density, np.concatenate([largest, smallest]),
                              f"Hessian spectrum, {args.problem} ({n} parameters)")
        save_figure(fig, plot, plt, quiet=args.json)
    return 0
