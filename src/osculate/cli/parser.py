"""The command line's grammar: the ``argparse`` parser of every subcommand
(options, help texts, defaults) and the two adjustments made to the
arguments before argparse reads them."""

from __future__ import annotations

import argparse
import re
import textwrap
from importlib.metadata import PackageNotFoundError, version

from ..expression import MAX_LENGTH
from ..expression_functions import CONSTANTS, describe_functions
from ..sparse.coloring import ORDERINGS
from ..testing.sparse_problems import SPARSE_PROBLEMS
from . import analyze, demo, minimize, sparsity, spectrum, taylor
from .errors import UsageError

__all__ = ["build_parser", "prepare_arguments"]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (``osculate: error: ...``)."""

    def error(self, message):
        raise UsageError(f"{' '.join(message.split())} (see: {self.prog} --help)")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the epilog's line breaks; appends every option's default."""

    def _split_lines(self, text, width):
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)  # keep method names whole

    def _get_help_string(self, action):
        text = action.help or ""
        default = action.default
        if (action.option_strings and "default" not in text and action.nargs != 0
                and not any(default is v for v in (None, False, True, argparse.SUPPRESS))):
            text += " (default: %(default)s)"
        return text


def _version():
    """The installed distribution's version (the command line sits below the
    package root, so it does not read ``osculate.__version__``)."""
    try:
        return version("osculate")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
        return "unknown (not installed)"


def _wrap(text):
    return textwrap.fill(text, 79)


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


def build_parser():
    """The ``argparse`` parser of the command (``osculate --help``); each
    subcommand's ``func`` is the function that runs it."""
    p = _Parser(prog="osculate", description="Second and higher derivatives of NumPy code.",
                formatter_class=_Formatter)
    p.add_argument("--version", action="version", version=f"osculate {_version()}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    epilog = _expression_epilog()

    a = _subcommand(sub, "analyze", analyze.run, "value, gradient, Hessian, curvature and classification of an "
                    "expression", _wrap("Value, gradient, Hessian, curvature and classification of an expression at "
                                        "a point, and/or all its critical points in a box."), epilog)
    _expression_arguments(a, "--at", "the point: 1,0 (variables in order) or x=1,y=0", required=False,
                          expression_help='e.g. "x**4 + y**4 - 2*x**2 - 2*y**2 + 1"',
                          vars_help="the variables in this order, e.g. y,x (default: the expression's variables "
                                    "in natural order)")
    a.add_argument("--critical-points", action="store_true", help="find and classify the critical points in --bounds")
    a.add_argument("--subject-to", action="append", metavar="EXPR",
                   help="an equality constraint: EXPR means EXPR = 0, or LHS = RHS (repeat the option for several); "
                        "--critical-points then finds the critical points on the constraint set and --at classifies "
                        "the point on it (reduced Hessian of the Lagrangian); inequalities are not supported")
    a.add_argument("--bounds", help="search box for --critical-points, e.g. -2:2,-2:2 (one range: every variable)")
    a.add_argument("--starts", type=int, metavar="N",
                   help=f"starting points of the critical-point search, 1 to {analyze.MAX_STARTS} (default: the "
                        "library's budget, which grows with the number of variables)")
    a.add_argument("--seed", type=int, default=0,
                   help="seed (>= 0) of the search's starting points and of the classification's sampled directions")

    m = _subcommand(sub, "minimize", minimize.run, "minimise an expression and show the iterations",
                    "Minimise an expression from --x0 and show the iterations.", epilog)
    _expression_arguments(m, "--x0", "starting point, e.g. -1.2,1 or x=-1.2,y=1")
    m.add_argument("--method", default="newton",
                   help=f"one of: {', '.join(minimize.runnable_methods())} (gd = gradient-descent)")
    m.add_argument("--compare", help="several methods, comma-separated, e.g. newton,bfgs,gd (replaces --method)")
    m.add_argument("--maxiter", type=int, default=500, help=f"most iterations, 0 to {minimize.MAX_ITER}")
    m.add_argument("--plot", help="write a PNG: contours with the iterate paths (2 variables), else |grad f|")
    m.add_argument("--progress", action="store_true", help="show a progress bar (needs tqdm)")
    m.add_argument("--jit", action="store_true", help="stage the derivatives once and replay them (osculate.jit)")

    t = _subcommand(sub, "taylor", taylor.run, "Taylor coefficients of an expression at a point (along a direction)",
                    "Derivatives d^k/dt^k f(x + t v) and Taylor coefficients c_k at t = 0.", epilog)
    _expression_arguments(t, "--at", "the point x, e.g. 0.5 or x=0,y=1")
    t.add_argument("--order", type=int, default=4,
                   help=f"highest order k, 0 to {taylor.MAX_TAYLOR_ORDER} (0 gives the value only)")
    t.add_argument("--direction", help="direction v, e.g. 1,1 (default: the first variable's axis)")
    t.add_argument("--radius", type=float, default=1.5, help="half-width of the plotted t range")
    t.add_argument("--plot", help="write a PNG of f and its Taylor polynomials")

    s = _subcommand(sub, "sparsity", sparsity.run, "Hessian sparsity pattern and its colouring",
                    _wrap("Detect the Hessian's sparsity pattern, colour it and evaluate the compressed Hessian."))
    s.add_argument("--problem", default="chained_rosenbrock", help=f"one of: {', '.join(SPARSE_PROBLEMS)}")
    s.add_argument("--file", help="path.py:function of your own (takes one 1-D array; replaces --problem; "
                                  "its code runs as Python)")
    s.add_argument("--n", type=int, default=40, help=f"number of variables, 1 to {sparsity.MAX_SPARSITY_N}")
    s.add_argument("--coloring", default="auto", choices=["star", "acyclic", "auto"], help="colouring kind")
    s.add_argument("--order", default="natural", help=f"vertex order of the colouring: {', '.join(ORDERINGS)}")
    s.add_argument("--seed", type=int, default=0, help="seed (>= 0) of the point and of --order random")
    s.add_argument("--plot", help=f"write a PNG of the coloured pattern (--n up to {sparsity.MAX_SPARSITY_PLOT_N})")

    sp = _subcommand(sub, "spectrum", spectrum.run, "Hessian spectrum of a small built-in model (Lanczos + SLQ)",
                     _wrap("Extreme eigenvalues (Lanczos) and spectral density (stochastic Lanczos quadrature) of a "
                           "loss Hessian, matrix-free."))
    sp.add_argument("--problem", default="mlp", help="mlp (160 parameters) or logistic (40 parameters)")
    sp.add_argument("--k", type=int, default=3, help="how many largest and smallest eigenvalues, 1 to parameters - 1")
    sp.add_argument("--probes", type=int, default=8,
                    help="random probe vectors of the spectral density, 1 to the number of parameters")
    sp.add_argument("--seed", type=int, default=0, help="seed (>= 0) of the data, the weights and the probes")
    sp.add_argument("--plot", help="write a PNG of the density with the extreme eigenvalues")

    for computing in (a, m, t, s, sp):
        computing.add_argument("--json", action="store_true", help="machine-readable output")

    d = _subcommand(sub, "demo", demo.run, "a guided tour of osculate (under a minute)",
                    "A guided tour of osculate; writes three plots.")
    d.add_argument("--out", default="osculate-demo", help="folder for the plots (created if needed)")
    d.add_argument("--no-plots", action="store_true", help="skip the plots")
    return p


def _subcommand(sub, name, run, summary, description, epilog=None):
    """The parser of subcommand ``name``, which ``run(args)`` carries out."""
    parser = sub.add_parser(name, help=summary, description=description, epilog=epilog, formatter_class=_Formatter)
    parser.set_defaults(func=run)
    return parser


def _expression_arguments(parser, point_option, point_help, required=True, expression_help=None,
                          vars_help="the variables in this order (default: natural order)"):
    """The expression, the option that gives its point, and ``--vars``."""
    parser.add_argument("expression", help=expression_help)
    parser.add_argument(point_option, required=required, help=point_help)
    parser.add_argument("--vars", help=vars_help)


# --------------------------------------------------------------------------- before argparse

#: Options whose value may be a negative number.
_NUMERIC_OPTIONS = ("--at", "--x0", "--bounds", "--direction")
#: Options whose value is an expression (which may start with a minus sign).
_EXPRESSION_OPTIONS = ("--subject-to",)
_NEGATIVE = re.compile(r"^-\s*(\d|\.\d|inf|nan)", re.IGNORECASE)
#: Every option that takes a value.
_TAKES_VALUE = frozenset({
    "--at", "--x0", "--bounds", "--direction", "--vars", "--starts", "--seed", "--method", "--compare", "--maxiter",
    "--plot", "--order", "--radius", "--problem", "--file", "--n", "--coloring", "--k", "--probes", "--out",
    "--subject-to",
})


def prepare_arguments(argv):
    """``argv`` as argparse must see it to read what the user meant."""
    return _protect_expression(_join_negative_values(argv))


def _join_negative_values(argv):
    """Let ``--at -1,2`` and ``--at -inf`` mean ``--at=-1,2``, and
    ``--subject-to -x+1`` mean ``--subject-to=-x+1`` (argparse would otherwise
    read a value that starts with '-' as an option)."""
    out, i = [], 0
    while i < len(argv):
        a = argv[i]
        if a in _NUMERIC_OPTIONS and i + 1 < len(argv) and _NEGATIVE.match(argv[i + 1]):
            out.append(f"{a}={argv[i + 1]}")
            i += 2
        elif a in _EXPRESSION_OPTIONS and i + 1 < len(argv) and argv[i + 1].startswith("-") \
                and not argv[i + 1].startswith("--"):
            out.append(f"{a}={argv[i + 1]}")  # a constraint may start with a minus sign
            i += 2
        else:
            out.append(a)
            i += 1
    return out


def _protect_expression(argv):
    """An expression may start with a minus sign (``osculate analyze "-x**2"``):
    a leading space keeps argparse from reading it as an option (the
    expression parser ignores the space)."""
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
