"""The second-order test on a constraint set (issue 21, analysis half):
:func:`osculate.analysis.classify_constrained` on the textbook Lagrange
examples, degenerate points, points where LICQ fails, bad input; the
constrained critical-point search and its command line."""

import json
import math

import numpy as np
import pytest

from osculate.analysis import ConstrainedPoint, classify_constrained

S2 = 1 / math.sqrt(2)
S3 = 1 / math.sqrt(3)


def xy(x):
    return x[0] * x[1]


def circle(x):
    return x[0] ** 2 + x[1] ** 2 - 1


def total(x):
    return x[0] + x[1] + x[2]


def sphere(x):
    return x[0] ** 2 + x[1] ** 2 + x[2] ** 2 - 1


# --------------------------------------------------------------------------- textbook examples


@pytest.mark.parametrize("point,classification,value,lam", [
    ((S2, S2), "strict constrained local maximum", 0.5, 0.5),
    ((-S2, -S2), "strict constrained local maximum", 0.5, 0.5),
    ((S2, -S2), "strict constrained local minimum", -0.5, -0.5),
    ((-S2, S2), "strict constrained local minimum", -0.5, -0.5),
])
def test_xy_on_the_unit_circle(point, classification, value, lam):
    p = classify_constrained(xy, point, circle)
    assert isinstance(p, ConstrainedPoint)
    assert p.classification == classification and p.certified and not p.degenerate
    assert p.value == pytest.approx(value, rel=1e-14)
    assert p.multipliers == pytest.approx([lam], rel=1e-14)
    # reduced Hessian on the tangent line: ∇²L = [[-2λ, 1], [1, -2λ]], tangent (1, -1)/√2 or (1, 1)/√2
    assert p.reduced_eigenvalues == pytest.approx([-4 * lam], rel=1e-12)
    assert p.licq and p.rank == 1 and p.stationarity < 1e-15 and p.feasibility < 1e-15
    # the bordered view agrees: inertia(K) = inertia(ZᵀHZ) + (1, 1, 0)
    assert p.bordered_agrees
    expected = (1, 2, 0) if lam > 0 else (2, 1, 0)
    assert p.kkt_inertia.as_tuple() == expected


@pytest.mark.parametrize("sign,classification", [(1, "strict constrained local maximum"),
                                                 (-1, "strict constrained local minimum")])
def test_sum_on_the_unit_sphere(sign, classification):
    p = classify_constrained(total, sign * S3 * np.ones(3), sphere)
    assert p.classification == classification and p.certified
    assert p.value == pytest.approx(sign * math.sqrt(3), rel=1e-14)
    assert p.multipliers == pytest.approx([sign * math.sqrt(3) / 2], rel=1e-14)
    assert p.reduced_eigenvalues == pytest.approx([-sign * math.sqrt(3)] * 2, rel=1e-12)
    assert p.reduced_inertia.as_tuple() == ((2, 0, 0) if sign < 0 else (0, 2, 0))
    assert p.bordered_agrees and p.kkt_inertia.as_tuple() == ((3, 1, 0) if sign < 0 else (1, 3, 0))


def test_textbook_examples_against_sympy():
    """The Lagrange system solved symbolically; each solution classified by the
    sign of the reduced Hessian computed by SymPy, against the classifier."""
    sp = pytest.importorskip("sympy")
    cases = [
        (lambda v: v[0] * v[1], lambda v: v[0] ** 2 + v[1] ** 2 - 1, 2),
        (lambda v: v[0] + v[1] + v[2], lambda v: v[0] ** 2 + v[1] ** 2 + v[2] ** 2 - 1, 3),
        (lambda v: v[0] ** 2 + 2 * v[1] ** 2 - v[0] * v[1], lambda v: v[0] + v[1] - 1, 2),
    ]
    for fn, cn, n in cases:
        X = sp.symbols(f"x0:{n}", real=True)
        lam = sp.Symbol("lam", real=True)
        f, c = fn(X), cn(X)
        L = f - lam * c
        sols = sp.solve([sp.diff(L, v) for v in X] + [c], list(X) + [lam], dict=True)
        assert sols
        for sol in sols:
            x = np.array([float(sol[v]) for v in X])
            A = np.array([float(sp.diff(c, v).subs(sol)) for v in X])[None, :]
            H = np.array([[float(sp.diff(L, a, b).subs(sol)) for b in X] for a in X])
            Z = np.linalg.svd(A)[2][1:].T
            mu = np.linalg.eigvalsh(Z.T @ H @ Z)
            want = ("strict constrained local minimum" if mu.min() > 0 else
                    "strict constrained local maximum" if mu.max() < 0 else "constrained saddle point")
            p = classify_constrained(fn, x, cn)
            assert p.classification == want and p.certified, (x, p)
            assert p.multipliers == pytest.approx([float(sol[lam])], rel=1e-12, abs=1e-14)
            assert p.reduced_eigenvalues == pytest.approx(mu, rel=1e-10, abs=1e-12)
            assert p.value == pytest.approx(float(f.subs(sol)), rel=1e-13, abs=1e-15)


def test_two_constraints_and_list_of_callables():
    """z on the circle where the unit sphere meets the plane x = y: top and bottom."""
    cons = [sphere, lambda x: x[0] - x[1]]
    top = classify_constrained(lambda x: x[2], [0, 0, 1.0], cons)
    bottom = classify_constrained(lambda x: x[2], [0, 0, -1.0], cons)
    assert top.classification == "strict constrained local maximum" and top.certified
    assert bottom.classification == "strict constrained local minimum" and bottom.certified
    assert top.n_constraints == 2 and top.rank == 2 and top.tangent_basis.shape == (3, 1)
    assert top.bordered_agrees and top.kkt_inertia.as_tuple() == (2, 3, 0)
    # one vector-valued constraint function gives the same
    vec = classify_constrained(lambda x: x[2], [0, 0, 1.0], lambda x: np.stack([sphere(x), x[0] - x[1]]))
    assert vec.classification == top.classification
    assert vec.multipliers == pytest.approx(top.multipliers, abs=1e-15)


def test_saddle_on_the_constraint_set():
    """x² - y² + z² on the plane x + y + z = 0 at the origin: the reduced Hessian is indefinite."""
    p = classify_constrained(lambda x: x[0] ** 2 - x[1] ** 2 + x[2] ** 2, np.zeros(3), lambda x: x[0] + x[1] + x[2])
    assert p.classification == "constrained saddle point" and p.certified
    assert p.reduced_inertia.as_tuple() == (1, 1, 0) and p.bordered_agrees


def test_constraint_curvature_decides():
    """x on the circle: ∇²f = 0, the constraint's curvature (through λ) makes (±1, 0) extrema."""
    right = classify_constrained(lambda x: x[0], [1.0, 0.0], circle)
    left = classify_constrained(lambda x: x[0], [-1.0, 0.0], circle)
    assert right.classification == "strict constrained local maximum" and right.certified
    assert left.classification == "strict constrained local minimum" and left.certified
    assert right.multipliers == pytest.approx([0.5]) and left.multipliers == pytest.approx([-0.5])


@pytest.mark.parametrize("s,c", [(1.0, 1.0), (1e-6, 1e-6), (1e-6, 1e6), (1e6, 1e-6), (1e6, 1e6)])
def test_scale_invariance(s, c):
    """c · f(x/s) on the circle of radius s: same verdicts, still certified."""
    f = lambda x: c * x[0] * x[1] / s**2  # noqa: E731
    g = lambda x: (x[0] ** 2 + x[1] ** 2) / s**2 - 1  # noqa: E731
    top = classify_constrained(f, [s * S2, s * S2], g)
    low = classify_constrained(f, [s * S2, -s * S2], g)
    assert top.classification == "strict constrained local maximum" and top.certified
    assert low.classification == "strict constrained local minimum" and low.certified


# --------------------------------------------------------------------------- degenerate points


def test_degenerate_cubic_curve_is_a_saddle():
    """y on the curve y = x³ at the origin: ∇²L = 0 on the tangent line, and
    along the curve f = u³: a saddle on the constraint set, proven at order 3
    (a test on the tangent line alone would see f = 0 there)."""
    p = classify_constrained(lambda x: x[1], [0.0, 0.0], lambda x: x[1] - x[0] ** 3)
    assert p.degenerate and p.reduced_inertia.zero == 1
    assert p.classification == "constrained saddle point" and p.certified
    assert p.higher_order is not None and p.higher_order.orders[0] == 3


def test_degenerate_quartic_curve_is_a_minimum_not_certified():
    """y on y = x⁴: along the curve f = u⁴, a minimum by the higher-order heuristic (never certified)."""
    p = classify_constrained(lambda x: x[1], [0.0, 0.0], lambda x: x[1] - x[0] ** 4)
    assert p.degenerate and p.classification == "constrained local minimum" and not p.certified
    assert p.higher_order.orders[0] == 4 and p.higher_order.signs[0] == 1
    upside = classify_constrained(lambda x: -x[1], [0.0, 0.0], lambda x: x[1] - x[0] ** 4)
    assert upside.classification == "constrained local maximum" and not upside.certified


def test_degenerate_on_the_circle():
    """y⁴ on the unit circle at (1, 0): reduced Hessian 0, order 4 along the circle: minimum (heuristic)."""
    p = classify_constrained(lambda x: x[1] ** 4, [1.0, 0.0], circle)
    assert p.degenerate and p.classification == "constrained local minimum" and not p.certified
    p = classify_constrained(lambda x: x[1] ** 3, [1.0, 0.0], circle)
    assert p.classification == "constrained saddle point" and p.certified


def test_degenerate_without_higher_order_is_inconclusive():
    p = classify_constrained(lambda x: x[1], [0.0, 0.0], lambda x: x[1] - x[0] ** 4, higher_order=False)
    assert p.classification == "inconclusive" and not p.certified and "disabled" in p.reason


def test_constant_on_the_constraint_set_is_non_strict():
    """x² + y² on the unit circle: constant there, every point a non-strict minimum and maximum."""
    p = classify_constrained(lambda x: x[0] ** 2 + x[1] ** 2, [0.6, 0.8], circle)
    assert p.degenerate and not p.certified
    assert p.classification in ("non-strict constrained local minimum", "non-strict constrained local maximum",
                                "inconclusive")


# --------------------------------------------------------------------------- honesty: LICQ, non-KKT points


def test_licq_fails_on_a_double_root():
    """x² = 0 has a zero gradient on its zero set: rank 0 < 1, nothing is concluded."""
    p = classify_constrained(lambda x: x[0] + x[1] ** 2, [0.0, 0.0], lambda x: x[0] ** 2)
    assert not p.licq and p.rank == 0
    assert p.classification == "inconclusive" and not p.certified and "LICQ" in p.reason


def test_licq_fails_at_a_cusp():
    """The minimum of x on the cusp y² = x³ is the origin, where no multiplier
    exists: the classifier must not call it 'not a critical point'."""
    p = classify_constrained(lambda x: x[0], [0.0, 0.0], lambda x: x[1] ** 2 - x[0] ** 3)
    assert p.classification == "inconclusive" and not p.certified
    assert "LICQ" in p.reason and "need not satisfy" in p.reason


def test_redundant_constraints_fail_licq():
    p = classify_constrained(xy, [S2, S2], [circle, lambda x: 2 * circle(x)])
    assert p.rank == 1 and not p.licq and p.classification == "inconclusive"


def test_not_a_lagrange_point():
    p = classify_constrained(xy, [1.0, 0.0], circle)
    assert p.classification == "not a critical point on the constraint set" and p.kind == "not critical"
    assert p.stationarity == pytest.approx(1.0) and not p.is_critical


def test_infeasible_point():
    p = classify_constrained(xy, [1.0, 1.0], circle)
    assert p.classification == "infeasible point" and p.kind == "infeasible"
    assert p.feasibility == pytest.approx(1.0)


def test_near_kkt_point_is_honest():
    """A point off the maximum by 1e-10 along the circle: still feasible but
    the stationarity residual exceeds its tolerance -- not a Lagrange point;
    with a loose tolerance the verdict stands, certified."""
    a = math.pi / 4 + 1e-6
    x = [math.cos(a), math.sin(a)]
    assert classify_constrained(xy, x, circle).kind == "not critical"
    p = classify_constrained(xy, x, circle, stationarity_tol=1e-5)
    assert p.classification == "strict constrained local maximum" and p.certified


def test_given_multipliers():
    p = classify_constrained(xy, [S2, S2], circle, multipliers=[0.5])
    assert p.classification == "strict constrained local maximum" and p.certified
    wrong = classify_constrained(xy, [S2, S2], circle, multipliers=[0.3])
    assert wrong.classification == "not a critical point on the constraint set"


def test_isolated_feasible_point():
    p = classify_constrained(xy, [1.0, 0.0], [lambda x: x[0] - 1, lambda x: x[1]])
    assert p.classification == "isolated feasible point" and p.tangent_basis.shape == (2, 0)


# --------------------------------------------------------------------------- active inequalities


def test_active_inequalities_signs():
    """(x - a)² + y² on the unit disk g = 1 - x² - y² >= 0, at (1, 0): a
    minimum for a = 2 (λ = 1 > 0); for a = 1/2 the point is a minimum on the
    circle but f decreases into the disk (λ = -1/2): a saddle."""
    disk = lambda x: 1 - x[0] ** 2 - x[1] ** 2  # noqa: E731
    good = classify_constrained(lambda x: (x[0] - 2) ** 2 + x[1] ** 2, [1.0, 0.0], active_ineq=disk)
    assert good.classification == "strict constrained local minimum" and good.multipliers == pytest.approx([1.0])
    assert good.n_active_ineq == 1
    bad = classify_constrained(lambda x: (x[0] - 0.5) ** 2 + x[1] ** 2, [1.0, 0.0], active_ineq=disk)
    assert bad.classification == "constrained saddle point" and "wrong sign" in bad.reason
    # the maximum of x + y on the disk
    top = classify_constrained(lambda x: x[0] + x[1], [S2, S2], active_ineq=disk)
    assert top.classification == "strict constrained local maximum"
    # a zero multiplier: no strict complementarity
    flat = classify_constrained(lambda x: (x[0] - 1) ** 2 + x[1] ** 2, [1.0, 0.0], active_ineq=disk)
    assert flat.classification == "inconclusive" and "complementarity" in flat.reason


# --------------------------------------------------------------------------- bad input


def test_non_finite_constraint_value():
    with pytest.raises(ValueError, match="constraint 0 is not finite at x"):
        classify_constrained(xy, [-1.0, 1.0], lambda x: np.log(x[0]))
    with pytest.raises(ValueError, match="constraint 1 is not finite"):
        classify_constrained(xy, [1.0, 1.0], [circle, lambda x: 1 / (x[0] - 1)])


def test_wrong_number_of_multipliers():
    with pytest.raises(ValueError, match="multipliers has 2 entries but the constraints have 1 components"):
        classify_constrained(xy, [S2, S2], circle, multipliers=[0.5, 1.0])
    with pytest.raises(ValueError, match="multipliers contains NaN"):
        classify_constrained(xy, [S2, S2], circle, multipliers=[float("nan")])


def test_bad_constraint_arguments():
    with pytest.raises(ValueError, match="no constraints were given"):
        classify_constrained(xy, [S2, S2])
    with pytest.raises(TypeError, match=r"eq\[1\] must be a callable"):
        classify_constrained(xy, [S2, S2], [circle, 3.0])
    with pytest.raises(TypeError, match="eq must be a callable"):
        classify_constrained(xy, [S2, S2], "x**2 + y**2 - 1")
    with pytest.raises(ValueError, match="non-finite value"):
        classify_constrained(xy, [float("nan"), 0.0], circle)
    with pytest.raises(ValueError, match="1-D"):
        classify_constrained(xy, np.eye(2), circle)


def test_to_dict_is_json():
    p = classify_constrained(xy, [S2, S2], circle)
    d = p.to_dict()
    json.dumps(d)
    assert d["classification"] == "strict constrained local maximum" and d["kkt_inertia"]["positive"] == 1
    assert "jacobian" not in d and "tangent_basis" not in d
    assert "strict constrained local maximum" in repr(p)


# --------------------------------------------------------------------------- through curvature / classify_point


def test_curvature_and_classify_point_subject_to():
    from osculate.analysis import classify_point, curvature

    p = curvature(xy, np.array([S2, S2]), subject_to=circle)
    assert isinstance(p, ConstrainedPoint) and p.classification == "strict constrained local maximum"
    q = classify_point(total, -S3 * np.ones(3), subject_to=sphere)
    assert q.classification == "strict constrained local minimum" and q.certified
    with pytest.raises(ValueError, match="subject_to= works with a function of one 1-D array"):
        curvature(xy, np.array([S2, S2]), subject_to=circle, method="lanczos")


# --------------------------------------------------------------------------- the search


def _search(*args, **kwargs):
    from osculate.analysis import find_critical_points

    return find_critical_points(*args, **kwargs)


def test_search_xy_on_the_circle():
    res = _search(xy, [(-2, 2), (-2, 2)], subject_to=circle)
    assert res.complete and res.counts == {"minimum": 2, "maximum": 2, "saddle": 0, "inconclusive": 0}
    assert all(isinstance(p, ConstrainedPoint) and p.certified for p in res)
    for p in res:
        assert abs(p.x[0]) == pytest.approx(S2, rel=1e-12) and abs(p.x[1]) == pytest.approx(S2, rel=1e-12)
        assert p.value == pytest.approx(0.5 if p.kind == "maximum" else -0.5, rel=1e-13)
        assert np.sign(p.x[0] * p.x[1]) == (1 if p.kind == "maximum" else -1)
    assert sum(p.n_hits for p in res) == res.n_converged
    json.dumps(res.to_dict())


def test_search_sum_on_the_sphere_and_two_constraints():
    res = _search(total, [(-2, 2)] * 3, subject_to=sphere, n_starts=256)
    assert res.complete and len(res) == 2
    assert res.minima[0].x == pytest.approx(-S3 * np.ones(3), rel=1e-12)
    assert res.maxima[0].x == pytest.approx(S3 * np.ones(3), rel=1e-12)
    # z on the circle where the sphere meets x = y
    two = _search(lambda x: x[2], [(-2, 2)] * 3, subject_to=[sphere, lambda x: x[0] - x[1]], n_starts=256)
    assert [p.classification for p in two] == ["strict constrained local minimum", "strict constrained local maximum"]
    assert two[0].x == pytest.approx([0, 0, -1], abs=1e-12)


def test_search_saddles_on_a_line():
    """x³ - 3x + y² on the line y = 0 (c = y): the reduced function x³ - 3x has a
    minimum at x = 1 and a maximum at x = -1."""
    res = _search(lambda x: x[0] ** 3 - 3 * x[0] + x[1] ** 2, [(-2, 2), (-2, 2)], subject_to=lambda x: x[1],
                  n_starts=128)
    assert [(p.classification, round(float(p.x[0]), 10)) for p in res] == [
        ("strict constrained local minimum", 1.0), ("strict constrained local maximum", -1.0)]


def test_search_inconsistent_constraints_is_an_honest_failure():
    with pytest.warns(UserWarning, match="no feasible point was reached"):
        res = _search(lambda x: x[0] + x[1], [(-3, 3), (-3, 3)], subject_to=[lambda x: x[0] - 1, lambda x: x[0] - 2],
                      n_starts=64)
    assert len(res) == 0 and not res.complete and res.n_converged == 0
    with pytest.warns(UserWarning, match="inconsistent"):
        res = _search(xy, [(-2, 2), (-2, 2)], subject_to=lambda x: x[0] ** 2 + x[1] ** 2 + 1, n_starts=64)
    assert len(res) == 0


def test_search_constraint_nowhere_finite():
    with pytest.raises(ValueError, match="not finite at any starting point"):
        _search(xy, [(-2, -1), (-2, 2)], subject_to=lambda x: np.log(x[0]), n_starts=16)


# --------------------------------------------------------------------------- the command line


def cli(capsys, *args):
    from osculate.cli import main

    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_xy_on_the_circle(capsys):
    code, out, err = cli(capsys, "analyze", "x*y", "--subject-to", "x**2+y**2-1", "--critical-points",
                         "--bounds", "-2:2")
    assert code == 0 and err == ""
    assert "critical points on the constraint set in -2:2: 4" in out
    assert out.count("strict constrained local maximum (certified)") == 2
    assert out.count("strict constrained local minimum (certified)") == 2
    assert "(x=0.707107, y=0.707107)  f = 0.5  strict constrained local maximum (certified)  multipliers (0.5)" in out
    assert "(x=0.707107, y=-0.707107)  f = -0.5  strict constrained local minimum (certified)" in out
    assert "search complete" in out


def test_cli_sphere_json(capsys):
    code, out, err = cli(capsys, "analyze", "x+y+z", "--subject-to", "x^2 + y^2 + z^2 = 1", "--critical-points",
                         "--bounds", "-2:2", "--starts", "256", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["subject_to"] == ["x^2 + y^2 + z^2 = 1"] and data["search"]["complete"]
    pts = data["critical_points"]
    assert [p["classification"] for p in pts] == ["strict constrained local minimum",
                                                  "strict constrained local maximum"]
    assert pts[1]["x"] == pytest.approx([S3] * 3, rel=1e-12) and pts[1]["multipliers"] == pytest.approx([3**0.5 / 2])


def test_cli_at_a_point_on_the_constraint_set(capsys):
    code, out, err = cli(capsys, "analyze", "x*y", "--subject-to", "x**2+y**2-1", "--at", f"{S2},{-S2}")
    assert code == 0
    assert "on the constraint set" in out and "multipliers      [-0.5]" in out
    assert "classification   strict constrained local minimum (certified)" in out
    code, out, err = cli(capsys, "analyze", "x*y", "--subject-to", "x**2+y**2-1", "--at", f"{S2},{S2}", "--json")
    data = json.loads(out)
    assert data["constrained"]["classification"] == "strict constrained local maximum"
    assert data["constrained"]["bordered_agrees"] is True


def test_cli_inconsistent_constraints(capsys):
    code, out, err = cli(capsys, "analyze", "x+y", "--subject-to", "x - 1", "--subject-to", "x = 2",
                         "--critical-points", "--bounds", "-3:3", "--starts", "64")
    assert code == 0
    assert "no feasible critical point found on the constraint set in -3:3" in out
    assert "inconsistent" in out


def test_cli_constraint_variables_and_signs(capsys):
    """A constraint may use a variable f does not, start with a minus sign, or be LHS = RHS."""
    code, out, err = cli(capsys, "analyze", "x", "--subject-to", "-1 + x^2 + y^2", "--critical-points",
                         "--bounds", "-2:2", "--starts", "128")
    assert code == 0, err
    assert "variables (in this order): x, y" in out
    assert "(x=1, y=0)  f = 1  strict constrained local maximum (certified)" in out
    assert "(x=-1, y=0)  f = -1  strict constrained local minimum (certified)" in out
    code, out, err = cli(capsys, "analyze", "x", "--vars", "y,x", "--subject-to", "x^2 + y^2 = 1", "--at", "0,1")
    assert code == 0 and "variables (in this order): y, x" in out and "strict constrained local maximum" in out


@pytest.mark.parametrize("args,message", [
    (["--subject-to", "__import__('os').system('echo hi')"], "--subject-to: character \"'\" at position 12"),
    (["--subject-to", "x.__class__"], "--subject-to: not allowed at position 1: attribute access"),
    (["--subject-to", "x + y <= 1"], "only equality constraints are supported by the command line"),
    (["--subject-to", "x = y = 1"], "one '=' at most"),
    (["--subject-to", "x = "], "a side of the '=' is empty"),
    (["--subject-to", "foo(x)"], "--subject-to: unknown function 'foo'"),
])
def test_cli_bad_constraints_are_one_line(capsys, args, message):
    code, out, err = cli(capsys, "analyze", "x*y", *args, "--critical-points", "--bounds", "-2:2")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("osculate: error:")
    assert message in err


def test_cli_non_finite_constraint_at_the_point(capsys):
    code, out, err = cli(capsys, "analyze", "x*y", "--subject-to", "log(x)", "--at", "-1,1")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "--subject-to at x=-1, y=1: constraint 0 is not finite at x" in err


# --------------------------------------------------------------------------- odds and ends


def test_large_problems_estimate_the_constraint_curvature(monkeypatch):
    """Above a size, the error model uses one random combination of the
    constraint Hessians instead of all of them: same verdicts."""
    import osculate.analysis.constrained as constrained

    monkeypatch.setattr(constrained, "_MAX_CURVATURE_ENTRIES", 0)
    p = classify_constrained(xy, [S2, S2], [circle])
    assert p.classification == "strict constrained local maximum" and p.certified
    q = classify_constrained(lambda x: x[2], [0, 0, 1.0], [sphere, lambda x: x[0] - x[1]])
    assert q.classification == "strict constrained local maximum" and q.certified


def test_minimize_result_classified():
    """A solver's solution, with its multipliers (osc.minimize reports them for ∇f + Jᵀλ = 0)."""
    import osculate as osc

    res = osc.minimize(xy, np.array([0.5, -0.3]), method="slsqp", constraints=[osc.Eq(circle)])
    p = classify_constrained(xy, res.x, circle, multipliers=-np.asarray(res.lagrange))
    assert p.classification == "strict constrained local minimum" and p.certified
    assert p.value == pytest.approx(-0.5, abs=1e-10)


def test_search_grad_tol_is_the_stationarity_tolerance():
    res = _search(xy, [(-2, 2), (-2, 2)], subject_to=circle, n_starts=64, grad_tol=1e-6)
    assert len(res) == 4 and all(p.stationarity_tol == 1e-6 for p in res)


def test_search_on_a_curve_of_critical_points(monkeypatch):
    """x² + y² is constant on the circle: every start finds a new point; none is
    called a strict extremum, the search says it is not complete, and the
    higher-order test runs on the first few degenerate points only."""
    import osculate.analysis.critical as critical

    monkeypatch.setattr(critical, "_MAX_HIGHER_ORDER_POINTS", 2)
    with pytest.warns(UserWarning, match="reached by a single start"):
        res = _search(lambda x: x[0] ** 2 + x[1] ** 2, [(-2, 2), (-2, 2)], subject_to=circle, n_starts=16)
    assert len(res) >= 8 and not res.complete
    assert all(p.degenerate and not p.certified and "strict" not in p.classification for p in res)
    assert sum(p.higher_order is not None for p in res) == 2
    assert sum("most reached degenerate points only" in p.reason for p in res) == len(res) - 2
