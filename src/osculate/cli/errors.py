"""The mistakes the command blames on its user: each is printed as one line
``osculate: error: ...`` and ends the command with exit status 2."""

from __future__ import annotations

from ..ad import ConcretizationError, MissingRuleError, UnsupportedFunctionError
from ..expression import ExpressionError

__all__ = ["CLIError", "UsageError", "UserCodeError", "ENGINE_ERRORS", "USER_ERRORS", "one_line"]


class CLIError(Exception):
    """A user-input problem, reported as one line with exit status 2."""


class UsageError(CLIError):
    """argparse found a malformed command line."""


class UserCodeError(CLIError):
    """The user's own file or function failed."""


#: The engine's refusals of a function it cannot differentiate (the function is the user's).
ENGINE_ERRORS = (ConcretizationError, UnsupportedFunctionError, MissingRuleError)

#: Every error that is the user's: input, expression, or a function osculate cannot differentiate.
USER_ERRORS = (CLIError, ExpressionError, *ENGINE_ERRORS)


def one_line(err) -> str:
    """The message of ``err`` on one line (its type name when it has none)."""
    text = " ".join(str(err).split())
    return text or type(err).__name__
