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

The modules: :mod:`~osculate.cli.parser` (the options), ``inputs`` (reading
their values), ``output`` (plots, JSON, error lines), ``errors``, and one
module per subcommand (``analyze``, ``minimize``, ``taylor``, ``sparsity``,
``spectrum``, ``demo``).

>>> main(["analyze", "x**2 - y**2", "--at", "0,0", "--json"]) == 0  # doctest: +ELLIPSIS
{
  "variables": [
...
True
>>> main(["analyze", "x.__class__", "--at", "1"])
2
"""

from __future__ import annotations

import os
import sys
import warnings

import numpy as np

from ..allocator import tune_malloc
from ..expression import Expression, parse_expression
from .errors import USER_ERRORS, CLIError
from .output import print_error, print_warnings
from .parser import build_parser, prepare_arguments

__all__ = ["main", "parse_expression", "Expression", "CLIError", "build_parser"]

#: Exit statuses besides 0.
EXIT_MISTAKE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


def main(argv=None):
    """Run the command; return the exit status (0, or 2 for a mistake, printed in one line)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(prepare_arguments(argv))
    except CLIError as e:
        print_error(e)
        return EXIT_MISTAKE
    except SystemExit as e:  # --help and --version print, then "exit"
        return e.code if isinstance(e.code, int) else 0
    if not getattr(args, "func", None):
        print("osculate: error: choose a command: analyze, minimize, taylor, sparsity, spectrum or demo "
              "(see: osculate --help)", file=sys.stderr)
        return EXIT_MISTAKE
    tune_malloc()  # this process is ours: keep large temporaries in the heap (see osculate.allocator)
    try:
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
            warnings.simplefilter("always")
            code = args.func(args)
    except USER_ERRORS as e:
        sys.stdout.flush()
        print_error(e)
        return EXIT_MISTAKE
    except KeyboardInterrupt:
        print("osculate: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader of our output went away (osculate ... | head): stop quietly
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    print_warnings(caught)
    return code


def _silence_stdout():
    """Point stdout at the null device, so that Python's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
        pass
