"""``osculate taylor``: the derivatives ``d^k/dt^k f(x + t v)`` and Taylor
coefficients of an expression at a point, printed and plotted."""

from __future__ import annotations

import math

import numpy as np

from ..ad.taylor import taylor
from ..formatting import format_numbers, shorten
from .errors import CLIError
from .inputs import check_range, expression_of, finite_value, parse_point, point_text
from .output import check_plot_path, need_matplotlib, print_json, save_figure

__all__ = ["MAX_TAYLOR_ORDER", "run"]

#: Highest order: beyond 170, k! and most k-th derivatives overflow float64.
MAX_TAYLOR_ORDER = 170


def run(args):
    why = (f" (derivatives of order {MAX_TAYLOR_ORDER + 1} and above overflow float64: "
           f"{MAX_TAYLOR_ORDER + 1}! > 1.8e308)" if args.order > MAX_TAYLOR_ORDER else "")
    check_range(args.order, "--order", 0, MAX_TAYLOR_ORDER, why)
    if not (math.isfinite(args.radius) and args.radius > 0):
        raise CLIError(f"--radius must be a positive number, got {args.radius}")
    plot = check_plot_path(args.plot)
    expr = expression_of(args)
    x = parse_point(args.at, expr)
    if args.direction:
        v = parse_point(args.direction, expr, "--direction")
    else:
        v = np.zeros(expr.n)
        v[0] = 1.0
    f0 = finite_value(expr, x)
    series = taylor(expr.fn, x, [v] if args.order else [], order=args.order)
    coeffs = np.array([float(np.asarray(c)) for c in series]) + 0.0  # + 0.0: no negative zeros
    coeffs[0] = f0 + 0.0
    ders = np.array([c * float(math.factorial(k)) for k, c in enumerate(coeffs)]) + 0.0  # may overflow to inf
    if args.json:
        print_json({"expression": expr.text, "variables": list(expr.variables), "point": x, "direction": v,
                    "derivatives": ders, "coefficients": coeffs})
    else:
        along = "" if expr.n == 1 else f" along v = {format_numbers(v)}"
        print(f"f = {expr.text} at {point_text(expr, x)}{along}: f(x + t v) ≈ Σ c_k t^k")
        for k, (d, c) in enumerate(zip(ders, coeffs)):
            print(f"  k={k:2d}  d^k f/dt^k = {d: .10g}   c_k = {c: .10g}")
    if plot:
        _plot(expr, x, v, coeffs, args, plot)
    return 0


def _plot(expr, x, v, coeffs, args, path):
    """``f(x + t v)`` with its Taylor polynomials of orders 1, 2, 3 and ``--order``."""
    plt = need_matplotlib()
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
    ax.set_title(f"Taylor polynomials of {shorten(expr.text)}")
    ax.legend(fontsize=8)
    save_figure(fig, path, plt, quiet=args.json)
