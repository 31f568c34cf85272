"""Reading what the user typed: the expression, points, boxes and numbers in
a range.  Every mistake is a :class:`CLIError` that names the option."""

from __future__ import annotations

import math

import numpy as np

from ..expression import parse_expression
from ..formatting import shorten
from .errors import CLIError

__all__ = [
    "expression_of",
    "parse_point",
    "parse_bounds",
    "split_items",
    "check_range",
    "check_seed",
    "finite_value",
    "point_text",
]


def split_items(text, what):
    """The comma-separated entries of ``text``, stripped; none may be empty."""
    items = [t.strip() for t in text.split(",")]
    if any(t == "" for t in items):
        raise CLIError(f"{what}: empty entry in {shorten(text)!r} (separate the entries with single commas)")
    return items


def _number(item, what):
    try:
        return float(item)
    except ValueError:
        raise CLIError(f"{what} must be comma-separated numbers, got {shorten(item)!r}") from None


def expression_of(args):
    """The parsed ``args.expression``, its variables ordered by ``--vars`` when given."""
    order = getattr(args, "vars", None)
    variables = None if order is None else split_items(order, "--vars")
    return parse_expression(args.expression.strip(), variables=variables)


def parse_point(text, expr, what="--at"):
    """``"1,0"`` (in variable order) or ``"x=1,y=0"``; every coordinate finite.

    >>> e = parse_expression("x*y")
    >>> parse_point("y=2, x=1", e).tolist()
    [1.0, 2.0]
    """
    if not text.strip():
        raise CLIError(f"{what} is empty; give one number per variable ({', '.join(expr.variables)})")
    items = split_items(text, what)
    if any("=" in item for item in items):
        point = _named_coordinates(text, items, expr, what)
    else:
        point = [_number(item, what) for item in items]
    if len(point) != expr.n:
        raise CLIError(
            f"{what}: {len(point)} coordinate(s) given but the expression has {expr.n} variable(s) "
            f"({', '.join(expr.variables)})"
        )
    bad = [f"{v}={c}" for v, c in zip(expr.variables, point) if not math.isfinite(c)]
    if bad:
        raise CLIError(f"{what}: the point is not finite ({', '.join(bad)})")
    return np.array(point, dtype=float)


def _named_coordinates(text, items, expr, what):
    """The coordinates of ``x=1,y=0``, in the expression's variable order."""
    values = {}
    for item in items:
        if "=" not in item:
            raise CLIError(f"{what}: mix of named and positional coordinates in {shorten(text)!r}")
        name, value = (s.strip() for s in item.split("=", 1))
        if name not in expr.variables:
            raise CLIError(f"{what}: unknown variable {shorten(name, 30)!r}; the variables are "
                           f"{', '.join(expr.variables)}")
        if name in values:
            raise CLIError(f"{what}: {name} is given twice")
        values[name] = _number(value, what)
    missing = [v for v in expr.variables if v not in values]
    if missing:
        raise CLIError(f"{what}: no value for {', '.join(missing)}")
    return [values[v] for v in expr.variables]


def parse_bounds(text, n):
    """``"-2:2,-2:2"`` -> [(-2, 2), (-2, 2)]; a single range applies to every variable.

    >>> parse_bounds("-1:1", 2)
    [(-1.0, 1.0), (-1.0, 1.0)]
    """
    if not text.strip():
        raise CLIError("--bounds is empty; write lo:hi for each variable, e.g. -2:2,-2:2")
    bounds = []
    for part in split_items(text, "--bounds"):
        ends = part.split(":")
        if len(ends) != 2:
            raise CLIError(f"--bounds: each range must be lo:hi, got {shorten(part)!r}")
        lo, hi = (_number(e, "--bounds") for e in ends)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise CLIError(f"--bounds: the range {shorten(part)!r} is not finite; give a finite box")
        if not lo < hi:
            raise CLIError(f"--bounds: each range must be lo:hi with lo < hi, got {shorten(part)!r}")
        bounds.append((lo, hi))
    if len(bounds) == 1:
        bounds = bounds * n
    if len(bounds) != n:
        raise CLIError(f"--bounds: {len(bounds)} range(s) for {n} variable(s)")
    return bounds


def check_range(value, option, lo, hi=None, why=""):
    """Refuse ``value`` outside ``[lo, hi]`` (``hi=None``: no upper limit); ``why`` ends the message."""
    if value < lo or (hi is not None and value > hi):
        allowed = f"at least {lo}" if hi is None else f"between {lo} and {hi}"
        raise CLIError(f"{option} must be {allowed}, got {value}{why}")


def check_seed(seed):
    check_range(seed, "--seed", 0)


def finite_value(expr, x):
    """``f(x)`` as a float, refused when it is not finite."""
    v = float(np.asarray(expr.fn(x)))
    if not math.isfinite(v):
        raise CLIError(f"f is not finite at {point_text(expr, x)} (value {v}); choose another point")
    return v


def point_text(expr, x):
    """``x=1, y=0``: the point with its variable names."""
    return ", ".join(f"{v}={c:g}" for v, c in zip(expr.variables, np.asarray(x, dtype=float)))
