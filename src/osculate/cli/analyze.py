"""``osculate analyze``: value, derivatives and curvature of an expression at
a point, and/or all its critical points in a box."""

from __future__ import annotations

import warnings

import numpy as np

from ..ad import grad, hessian
from ..analysis import curvature, find_critical_points, quadratic_model
from ..formatting import format_numbers
from .errors import CLIError
from .inputs import check_range, check_seed, expression_of, finite_value, parse_bounds, parse_point, point_text
from .output import certified_text, print_json

__all__ = ["MAX_STARTS", "run"]

#: Most starting points of ``analyze --critical-points``.
MAX_STARTS = 100_000


def run(args):
    check_seed(args.seed)
    if args.starts is not None:
        check_range(args.starts, "--starts", 1, MAX_STARTS)
    expr = expression_of(args)
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
    points = coverage = None
    if bounds is not None:
        options = {} if args.starts is None else {"n_starts": args.starts}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            found = find_critical_points(expr.fn, bounds, seed=args.seed, **options)
        coverage = _search_coverage(found, [w for w in caught if issubclass(w.category, UserWarning)])
        points = list(found)

    if args.json:
        out = {"variables": list(expr.variables)}
        if record is not None:
            out.update(record)
        if points is not None:
            out["critical_points"] = [p.to_dict() for p in points]
            out["search"] = coverage
        print_json(out)
        return 0
    print(f"f({', '.join(expr.variables)}) = {expr.text}")
    print(f"variables (in this order): {', '.join(expr.variables)}")
    if record is not None:
        _print_point(expr, record)
    if points is not None:
        _print_search(expr, args.bounds, points, coverage)
    return 0


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
