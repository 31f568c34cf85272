"""``osculate analyze``: value, derivatives and curvature of an expression at
a point, and/or all its critical points in a box -- on a constraint set with
``--subject-to`` (equality constraints, each parsed like the expression)."""

from __future__ import annotations

import warnings

import numpy as np

from ..ad import grad, hessian
from ..analysis import classify_constrained, curvature, find_critical_points, quadratic_model
from ..expression import ExpressionError, natural_key, parse_expression
from ..formatting import format_numbers, shorten
from .errors import CLIError
from .inputs import (
    check_range,
    check_seed,
    expression_of,
    finite_value,
    parse_bounds,
    parse_point,
    point_text,
    split_items,
)
from .output import certified_text, print_json

__all__ = ["MAX_STARTS", "run"]

#: Most starting points of ``analyze --critical-points``.
MAX_STARTS = 100_000


def run(args):
    check_seed(args.seed)
    if args.starts is not None:
        check_range(args.starts, "--starts", 1, MAX_STARTS)
    expr, constraints = _expressions(args)
    if args.at is None and not args.critical_points:
        raise CLIError("give a point with --at (e.g. --at 1,0) and/or --critical-points --bounds")
    point = parse_point(args.at, expr) if args.at is not None else None
    bounds = None
    if args.critical_points:
        if not args.bounds:
            raise CLIError("--critical-points needs --bounds (e.g. --bounds -2:2,-2:2)")
        bounds = parse_bounds(args.bounds, expr.n)
    elif args.bounds or args.starts is not None:
        raise CLIError("--bounds and --starts go with --critical-points")

    record = _point_record(expr, point, args.seed) if point is not None else None
    on_set = _constrained_record(expr, constraints, point, args.seed) if point is not None and constraints else None
    points = coverage = None
    if bounds is not None:
        options = {} if args.starts is None else {"n_starts": args.starts}
        if constraints:
            options["subject_to"] = [c.fn for c in constraints]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                found = find_critical_points(expr.fn, bounds, seed=args.seed, **options)
            except ValueError as err:
                if not constraints:
                    raise
                raise CLIError(f"--subject-to: {err}") from None
        coverage = _search_coverage(found, [w for w in caught if issubclass(w.category, UserWarning)])
        points = list(found)

    if args.json:
        out = {"variables": list(expr.variables)}
        if constraints:
            out["subject_to"] = [c.text for c in constraints]
        if record is not None:
            out.update(record)
        if on_set is not None:
            out["constrained"] = on_set.to_dict()
        if points is not None:
            out["critical_points"] = [p.to_dict() for p in points]
            out["search"] = coverage
        print_json(out)
        return 0
    print(f"f({', '.join(expr.variables)}) = {expr.text}")
    for c in constraints:
        print(f"subject to: {c.text}")
    print(f"variables (in this order): {', '.join(expr.variables)}")
    if record is not None:
        _print_point(expr, record)
    if on_set is not None:
        _print_constrained(on_set)
    if points is not None:
        if constraints:
            _print_constrained_search(expr, args.bounds, points, coverage)
        else:
            _print_search(expr, args.bounds, points, coverage)
    return 0


class _Constraint:
    """One ``--subject-to`` constraint: its text (``... = 0``) and ``fn(z)``."""

    def __init__(self, text, sides):
        self.text = text
        self.sides = sides

    def fn(self, z):
        lhs = self.sides[0].fn(z)
        return lhs - self.sides[1].fn(z) if len(self.sides) > 1 else lhs


def _constraint_sides(text):
    """``"lhs = rhs"`` -> ``["lhs", "rhs"]``, ``"expr"`` -> ``["expr"]``; inequalities are refused."""
    if "<" in text or ">" in text:
        raise CLIError(
            f"--subject-to {shorten(text)!r}: only equality constraints are supported by the command line "
            "(EXPR, meaning EXPR = 0, or LHS = RHS); for inequalities use "
            "osculate.analysis.classify_constrained(..., active_ineq=...) from Python"
        )
    sides = text.replace("==", "=").split("=")
    if len(sides) > 2:
        raise CLIError(f"--subject-to {shorten(text)!r}: one '=' at most (LHS = RHS)")
    if any(not side.strip() for side in sides):
        raise CLIError(f"--subject-to {shorten(text)!r}: a side of the '=' is empty")
    return [side.strip() for side in sides]


def _expressions(args):
    """The expression and the ``--subject-to`` constraints, all in the same
    variables: ``--vars``, else every variable of any of them in natural order."""
    texts = args.subject_to or []
    if not texts:
        return expression_of(args), []
    split = [(t, _constraint_sides(t)) for t in texts]
    if args.vars is not None:
        names = split_items(args.vars, "--vars")
    else:
        used = set(parse_expression(args.expression.strip()).variables)
        for _, sides in split:
            for side in sides:
                try:
                    used |= set(parse_expression(side).variables)
                except ExpressionError as err:  # a constant side has no variables of its own
                    try:
                        parse_expression(side, variables=sorted(used) or ["x"])
                    except ExpressionError:
                        raise CLIError(f"--subject-to: {err}") from None
        names = sorted(used, key=natural_key)
    expr = parse_expression(args.expression.strip(), variables=names)
    constraints = []
    for text, sides in split:
        try:
            parsed = [parse_expression(side, variables=names) for side in sides]
        except ExpressionError as err:
            raise CLIError(f"--subject-to: {err}") from None
        shown = f"{sides[0]} = {sides[1]}" if len(sides) > 1 else f"{sides[0]} = 0"
        constraints.append(_Constraint(shown, parsed))
    return expr, constraints


def _constrained_record(expr, constraints, x, seed):
    """The classification of ``x`` on the constraint set (``--at`` with ``--subject-to``)."""
    try:
        return classify_constrained(expr.fn, x, [c.fn for c in constraints], seed=seed)
    except ValueError as err:
        raise CLIError(f"--subject-to at {point_text(expr, x)}: {err}") from None


def _print_constrained(p):
    print("\non the constraint set")
    print(f"  constraints      |c| = {p.feasibility:.3g}   rank of the Jacobian {p.rank} of {p.n_constraints}")
    print(f"  multipliers      {format_numbers(p.multipliers)}")
    print(f"  KKT residuals    stationarity |grad f - A^T lambda| = {p.stationarity:.3g}, "
          f"feasibility |c| = {p.feasibility:.3g}")
    print(f"  reduced Hessian  eigenvalues {format_numbers(p.reduced_eigenvalues)} (Z^T H Z, H the Hessian of "
          "the Lagrangian)")
    print(f"  bordered matrix  inertia {p.kkt_inertia.as_tuple()} (positive, negative, zero)")
    print(f"  classification   {p.classification}{certified_text(p.certified)}")
    print(f"  because          {' '.join(str(p.reason).split())}")


def _print_constrained_search(expr, box, points, coverage):
    c = coverage
    counts = f"{c['n_starts']} starts, {c['n_converged']} converged, {c['n_repeats']} to an already found point"
    if not points:
        print(f"\nno feasible critical point found on the constraint set in {box} ({counts})")
        print(f"  {c['note'] or 'the constraints may be inconsistent'}")
        return
    print(f"\ncritical points on the constraint set in {box}: {len(points)} ({counts})")
    for p in points:
        coords = ", ".join(f"{v}={x:.6g}" for v, x in zip(expr.variables, p.x))
        lam = ", ".join(f"{v:.6g}" for v in p.multipliers)
        print(f"  ({coords})  f = {p.value:.6g}  {p.classification}{certified_text(p.certified)}  "
              f"multipliers ({lam})")
    if c["complete"]:
        print("  search complete: each point was reached by at least 2 starts and no start ran out of iterations "
              "(a basin smaller than about 1/starts of the box could still be missed)")
    else:
        print(f"  search not complete: {c['note'] or 'some critical points may be missing'}")


def _point_record(expr, x, seed):
    """Everything ``analyze --at`` reports, by name (the ``--json`` fields)."""
    value = finite_value(expr, x)
    g = np.asarray(grad(expr.fn)(x), dtype=float)
    H = np.asarray(hessian(expr.fn)(x), dtype=float)
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
        raise CLIError(f"the derivatives of f are not finite at {point_text(expr, x)}; choose another point")
    report = curvature(expr.fn, x, seed=seed)
    model = quadratic_model(expr.fn, x)
    try:
        step = np.asarray(model.newton_step())
    except ValueError:  # a singular Hessian has no Newton step
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
        "certified": bool(report.certified),
        "reason": report.reason,
        "newton_step": step,
        "quadratic_model": {
            "f": value,
            "g": g,
            "H": H,
            "text": f"m(p) = {value:.6g} + g^T p + 1/2 p^T H p",
        },
    }


def _print_point(expr, rec):
    print(f"\nat {point_text(expr, rec['point'])}")
    print(f"  value            {rec['value']:.10g}")
    print(f"  gradient         {format_numbers(rec['gradient'])}   |g| = {np.linalg.norm(rec['gradient']):.3g}")
    print("  Hessian          " + format_numbers(rec["hessian"]).replace("\n", "\n                   "))
    print(f"  eigenvalues      {format_numbers(rec['eigenvalues'])}")
    print(f"  definiteness     {rec['definiteness']}")
    print(f"  condition number {format_numbers(rec['condition_number'])}")
    print(f"  classification   {rec['classification']}{certified_text(rec['certified'])}")
    if rec["reason"]:
        print(f"  because          {' '.join(str(rec['reason']).split())}")
    step = rec["newton_step"]
    print(f"  Newton step      {'undefined (singular Hessian)' if step is None else format_numbers(step)}")
    print(f"  quadratic model  {rec['quadratic_model']['text']}")


def _search_coverage(found, caught):
    """How much of the box the critical-point search covered; when it cannot
    claim completeness and says nothing why, its first warning is the note."""
    note = found.note
    if not note and not found.complete and caught:
        note = " ".join(str(caught[0].message).split())
    return {
        "n_starts": found.n_starts,
        "n_converged": found.n_converged,
        "n_distinct": len(found),
        "n_repeats": found.n_repeats,
        "complete": found.complete,
        "note": note,
    }


def _print_search(expr, box, points, coverage):
    c = coverage
    counts = f"{c['n_starts']} starts, {c['n_converged']} converged, {c['n_repeats']} to an already found point"
    print(f"\ncritical points in {box}: {len(points)} ({counts})")
    for p in points:
        coords = ", ".join(f"{v}={x:.6g}" for v, x in zip(expr.variables, p.x))
        print(f"  ({coords})  f = {p.value:.6g}  {p.classification}{certified_text(p.certified)}")
    if c["complete"]:
        print("  search complete: each point was reached by at least 2 starts and no start ran out of iterations (a basin smaller than about 1/starts of the box could still be missed)")
    else:
        print(f"  search not complete: {c['note'] or 'some critical points may be missing'}")
