"""The ``osculate`` command.

``osculate demo`` runs a short guided tour of the engine on the examples of
the project's source documents; more subcommands join as capabilities land.
Errors in user input print one line and exit with status 2.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

__all__ = ["main"]


class CLIError(Exception):
    """A user-input problem reported as one line with exit status 2."""


def _rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def _fmt(a, digits=6):
    return np.array2string(np.asarray(a, dtype=float), precision=digits, suppress_small=True, separator=", ")


def cmd_demo(args) -> int:
    import osculate as osc

    t0 = time.perf_counter()
    out = print
    out("osculate demo: second derivatives on plain NumPy code\n")

    out("1. Chained Rosenbrock f(x) = sum 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2 at x = (-1.2, 1, 1.5)")
    x = np.array([-1.2, 1.0, 1.5])
    v = np.array([1.0, 0.0, -1.0])
    value, g = osc.value_and_grad(_rosenbrock)(x)
    out(f"   f(x)          = {float(value):.6g}")
    out(f"   gradient      = {_fmt(g)}   (reverse mode, one backward sweep)")
    H = osc.hessian(_rosenbrock)(x)
    out("   Hessian       =\n" + "\n".join("      " + line for line in _fmt(H, 4).splitlines()))
    out(f"   symmetric     : {np.array_equal(H, H.T)} (exactly)")
    out(f"   v             = {_fmt(v)}")
    for mode in osc.HVP_MODES:
        hv = osc.hvp(_rosenbrock, x, v, mode=mode)
        out(f"   H v [{mode:7s}] = {_fmt(hv)}")
    out(f"   v^T H v       = {float(osc.vhv(_rosenbrock, x, v)):.6g}   (forward over forward, no Hessian formed)")
    out(f"   check         : H @ v = {_fmt(H @ v)}\n")

    out("2. Seed example: f(x, y) = x^2 + 2xy + 3y^2  ->  H = [[2, 2], [2, 6]]")
    q = lambda z: z[0] ** 2 + 2 * z[0] * z[1] + 3 * z[1] ** 2  # noqa: E731
    Hq = osc.hessian(q)(np.array([0.3, -0.7]))
    w = np.linalg.eigvalsh(Hq)
    out(f"   H = {Hq.tolist()}, eigenvalues {_fmt(w)} = 4 -/+ 2 sqrt(2): positive definite, a bowl\n")

    out("3. Higher order by nesting: d^k/dx^k sin(x) at x = 0.5, k = 1..4")
    d = np.sin
    vals = []
    for _ in range(4):
        d = osc.grad(d)
        vals.append(float(d(0.5)))
    out(f"   {_fmt(vals)}  (cos, -sin, -cos, sin)\n")

    out("4. Perturbation confusion guarded: d/dx [x * d/dy (x + y)] at x = 1")
    inner = lambda x: x * osc.grad(lambda y: x + y)(1.0)  # noqa: E731
    out(f"   = {float(osc.grad(inner)(1.0)):.6g}  (the right answer is 1; a confused tool says 2)\n")

    out(f"demo finished in {time.perf_counter() - t0:.2f} s")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="osculate", description="Second and higher derivatives of NumPy code.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="a short guided tour of osculate")
    demo.set_defaults(func=cmd_demo)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except CLIError as e:
        print(f"osculate: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
