"""Curves and surfaces of critical points, rounding error and the coverage of
the critical-point search (issue 13, items 2 and 3).

At a point of a continuum of minima (maxima) the Hessian is singular and
every derivative along the continuum vanishes: the computed higher-order
coefficients there are rounding noise, and must never be read as a saddle,
nor certify anything.  The families below are evaluated at seeded points of
their critical sets, for ``c · f(s · x)`` with ``s, c`` in {1e-6, 1, 1e6}.
"""

import json
import math
import warnings

import numpy as np
import pytest

from osculate import CriticalPointSearch as TopLevelSearch
from osculate.analysis import (
    CriticalPoint,
    CriticalPointSearch,
    classify_point,
    curvature,
    find_critical_points,
)

SCALES = [(1.0, 1.0), (1e-6, 1e-6), (1e-6, 1e6), (1e6, 1e-6), (1e6, 1e6)]  # (s, c): c · f(s x)


def _circle(rng):
    a = rng.uniform(0, 2 * np.pi)
    return np.array([np.cos(a), np.sin(a)])


def _sphere(rng):
    v = rng.standard_normal(3)
    return v / np.linalg.norm(v)


def _line(rng):
    t = rng.uniform(-2, 2)
    return np.array([t, t])


def _cylinder(rng):
    a = rng.uniform(0, 2 * np.pi)
    return np.array([np.cos(a), np.sin(a), rng.uniform(-2, 2)])


def _plane(rng):
    u, v = rng.uniform(-2, 2, 2)
    return np.array([u, v, (u + v) / 2])


# (name, f, point sampler, sign of the extremum, classification expected at every scale)
FAMILIES = [
    ("circle of minima", lambda z: (z[0] ** 2 + z[1] ** 2 - 1) ** 2, _circle, 1, "non-strict local minimum"),
    ("ring of maxima", lambda z: -((z[0] ** 2 + z[1] ** 2 - 1) ** 2), _circle, -1, "non-strict local maximum"),
    ("sphere of minima", lambda z: (z[0] ** 2 + z[1] ** 2 + z[2] ** 2 - 1) ** 2, _sphere, 1,
     "non-strict local minimum"),
    ("sphere of maxima", lambda z: -((z[0] ** 2 + z[1] ** 2 + z[2] ** 2 - 1) ** 2), _sphere, -1,
     "non-strict local maximum"),
    ("line of minima (x-y)^2", lambda z: (z[0] - z[1]) ** 2, _line, 1, "non-strict local minimum"),
    ("line of maxima -(x-y)^2", lambda z: -((z[0] - z[1]) ** 2), _line, -1, "non-strict local maximum"),
    # H = 0 on the line: the flat direction (1, 1) is not among the sampled ones,
    # so the even-order heuristic speaks (uncertified)
    ("line of minima (x-y)^4", lambda z: (z[0] - z[1]) ** 4, _line, 1, "local minimum"),
    ("cylinder of minima", lambda z: (z[0] ** 2 + z[1] ** 2 - 1) ** 2, _cylinder, 1, "non-strict local minimum"),
    ("plane of maxima", lambda z: -((z[0] + z[1] - 2 * z[2]) ** 2), _plane, -1, "non-strict local maximum"),
]


def _scaled(f, s, c):
    return lambda z: c * f(s * z)


@pytest.mark.parametrize("s, c", SCALES, ids=[f"s={s:g},c={c:g}" for s, c in SCALES])
@pytest.mark.parametrize("name, f, sample, sign, expected", FAMILIES, ids=[fam[0] for fam in FAMILIES])
def test_continua_of_extrema_are_never_saddles_nor_certified(name, f, sample, sign, expected, s, c):
    rng = np.random.default_rng([len(name), round(math.log10(s)) + 7, round(math.log10(c)) + 7])
    g = _scaled(f, s, c)
    for _ in range(2 if sample in (_circle, _line) else 1):
        x = sample(rng) / s
        rep = curvature(g, x)
        assert rep.kind != "saddle", (name, x, rep.reason)
        assert not rep.certified, (name, x, rep.reason)
        assert rep.degenerate and rep.is_critical
        assert rep.classification == expected, (name, x, rep.reason)
        assert rep.kind == ("minimum" if sign > 0 else "maximum")
        if expected.startswith("non-strict"):
            assert rep.non_isolated and rep.higher_order.non_isolated and rep.higher_order.flat_directions >= 1
            assert "non-isolated" in rep.reason and "Not certified" in rep.reason
        # the flat coefficients are within their rounding error: they are zero, not signal
        test = rep.higher_order
        if test.orders[0] is None:
            assert np.all(np.abs(test.coefficients[0][2:]) <= test.errors[0][2:])


@pytest.mark.parametrize("offset", [1e-12, 1e-10, 1e-8])
@pytest.mark.parametrize("name, f, sample, sign, expected", FAMILIES, ids=[fam[0] for fam in FAMILIES])
def test_points_near_a_continuum_are_not_saddles_either(name, f, sample, sign, expected, offset):
    """Points a search returns are only nearly critical: the range-space
    gradient then adds O(‖∇f‖) terms to the reduced coefficients (a sphere at
    1e-10 from its surface used to be a certified saddle)."""
    rng = np.random.default_rng([len(name), round(-math.log10(offset))])
    for s, c in [(1.0, 1.0), (1e6, 1e-6)]:
        x = sample(rng)
        x = (x + offset * rng.standard_normal(x.size)) / s
        rep = curvature(_scaled(f, s, c), x)
        if rep.is_critical:
            assert rep.kind in ("minimum" if sign > 0 else "maximum", "inconclusive"), (name, x, rep.reason)
            assert not rep.certified, (name, x, rep.reason)


def test_the_issue_examples_circle_and_ring_at_0_6_0_8():
    x = np.array([0.6, 0.8])
    ring = lambda z: (z[0] ** 2 + z[1] ** 2 - 1) ** 2  # noqa: E731
    rep = curvature(ring, x)
    assert rep.classification == "non-strict local minimum" and not rep.certified
    # the order-5 coefficient that used to "prove" a saddle is rounding noise, below its error estimate
    c5, e5 = rep.higher_order.coefficients[0][5], rep.higher_order.errors[0][5]
    assert abs(c5) < 1e-15 and abs(c5) <= e5
    p = classify_point(lambda z: -ring(z), x)
    assert p.classification == "non-strict local maximum" and not p.certified and p.non_isolated
    d = p.to_dict()
    assert d["certified"] is False and "non-isolated" in d["reason"] and d["non_isolated"] is True
    json.dumps(rep.to_dict())
    assert rep.to_dict()["certified"] is False and "eigenvalue_error" in rep.to_dict()


def test_along_the_tangent_line_the_circle_is_not_flat_but_the_reduced_curve_is():
    """On the tangent line at (1, 0), r² = 1 + t² so f = t⁴ > 0; the reduced
    curve follows the circle, on which f is constant."""
    from osculate.analysis._taylor import line_series

    ring = lambda z: (z[0] ** 2 + z[1] ** 2 - 1) ** 2  # noqa: E731
    x = np.array([1.0, 0.0])
    line = line_series(ring, x, np.array([0.0, 1.0]), 6)
    np.testing.assert_allclose(line, [0, 0, 0, 0, 1, 0, 0], atol=1e-15)
    test = curvature(ring, x).higher_order
    assert test.curve_corrected and test.orders == [None]
    assert np.all(np.abs(test.coefficients[0]) <= test.errors[0])


PEANO = lambda z: (z[1] - z[0] ** 2) * (z[1] - 2 * z[0] ** 2)  # noqa: E731


@pytest.mark.parametrize("s, c", SCALES, ids=[f"s={s:g},c={c:g}" for s, c in SCALES])
def test_peano_surface_is_never_certified_a_minimum(s, c):
    """A minimum along every line through 0, yet a saddle (f < 0 on y = 1.5 x²)."""
    f = _scaled(PEANO, s, c)
    rep = curvature(f, np.zeros(2))
    assert rep.kind != "minimum" and rep.classification == "saddle point" and rep.certified
    test = rep.higher_order
    assert test.curve_corrected and test.orders == [4] and test.signs == [-1]
    assert test.coefficients[0][4] == pytest.approx(-0.25 * c * s**4, rel=1e-9)
    assert abs(test.coefficients[0][4]) > 10 * test.errors[0][4]
    # every line through 0 sees a minimum: the line test alone would be wrong
    from osculate.analysis._taylor import line_series

    for a in np.linspace(0, np.pi, 7):
        coeffs = line_series(f, np.zeros(2), np.array([np.cos(a), np.sin(a)]), 4)
        lowest = next(k for k in range(2, 5) if abs(coeffs[k]) > 1e-12 * c * s**k)
        assert lowest % 2 == 0 and coeffs[lowest] > 0


def test_seed_cases_classify_exactly_as_before():
    four = lambda x: x[0] ** 4 + x[1] ** 4 - 2 * x[0] ** 2 - 2 * x[1] ** 2 + 1  # noqa: E731
    res = find_critical_points(four, [(-2, 2), (-2, 2)])
    assert res.counts == {"minimum": 4, "maximum": 1, "saddle": 4, "inconclusive": 0}
    assert all(p.certified and not p.degenerate for p in res) and res.complete
    cases = [
        (lambda z: z[0] ** 3 - 3 * z[0] * z[1] ** 2, "saddle point", True),
        (lambda z: z[0] ** 4 + z[1] ** 4, "local minimum", False),
        (lambda z: z[0] ** 4 - z[1] ** 4, "saddle point", True),
        (lambda z: z[0] ** 2 + 2 * z[0] * z[1] + 3 * z[1] ** 2, "strict local minimum", True),  # H = [[2,2],[2,6]]
    ]
    for f, classification, certified in cases:
        rep = curvature(f, np.zeros(2))
        assert rep.classification == classification and rep.certified is certified


def test_eigenvalues_within_their_rounding_error_are_zero_and_small_margins_are_not_certified():
    # λ = 2e-13 is above the rounding estimate (~9e-14) but within 10x of it: a minimum, not certified
    rep = curvature(lambda z: z[0] ** 2 + 1e-13 * z[1] ** 2, np.zeros(2), tol=0.0)
    assert rep.classification == "strict local minimum" and not rep.certified and "not certified" in rep.reason
    assert 1e-14 < rep.eigenvalue_error < 2e-13 and rep.tolerance == rep.eigenvalue_error
    rep = curvature(lambda z: z[0] ** 2 + 1e-11 * z[1] ** 2, np.zeros(2), tol=0.0)
    assert rep.classification == "strict local minimum" and rep.certified
    # λ = 2e-16 is below the rounding estimate: zero, whatever tol says; y is then a line of minima
    rep = curvature(lambda z: z[0] ** 2 + 1e-16 * z[1] ** 2, np.zeros(2), tol=0.0)
    assert rep.inertia == (1, 0, 1) and rep.classification == "non-strict local minimum" and not rep.certified


@pytest.mark.parametrize("s, c", SCALES, ids=[f"s={s:g},c={c:g}" for s, c in SCALES])
def test_the_error_model_scales_with_the_function_and_the_point(s, c):
    """c · f(s x) at x / s: every error estimate scales exactly like the
    derivatives (by c s² for eigenvalues), so the verdicts do not move."""
    f = lambda z: z[0] ** 4 + z[1] ** 4 - 2 * z[0] ** 2 - 2 * z[1] ** 2 + 1  # noqa: E731
    x = np.array([1.0, 0.0])
    ref = curvature(f, x)
    rep = curvature(_scaled(f, s, c), x / s)
    assert rep.classification == ref.classification == "saddle point" and rep.certified
    assert rep.eigenvalue_error == pytest.approx(ref.eigenvalue_error * c * s**2, rel=1e-6)
    assert rep.grad_tol >= rep.gradient_norm


# --------------------------------------------------------------------------- the search


def test_search_on_a_circle_of_minima_finds_no_saddle():
    """The issue's example: 28 points of the circle were certified saddles
    with the former default (a 64-point grid)."""
    ring = lambda z: (z[0] ** 2 + z[1] ** 2 - 1) ** 2  # noqa: E731
    with pytest.warns(UserWarning, match="non-isolated"):
        res = find_critical_points(ring, [(-2, 2), (-2, 2)], starts="grid", n_starts=64)
    assert not res.complete and "non-isolated" in res.note
    assert res.counts["saddle"] == 0 and len(res) > 20
    for p in res:
        r = np.linalg.norm(p.x)
        if r < 1e-6:
            assert p.classification == "strict local maximum" and p.certified
        else:
            assert abs(r - 1) < 1e-6
            assert p.classification == "non-strict local minimum" and not p.certified and p.non_isolated
    with pytest.warns(UserWarning, match="non-isolated"):
        res = find_critical_points(lambda z: -ring(z), [(-2, 2), (-2, 2)], n_starts=32, seed=3)
    assert res.counts["saddle"] == 0 and all(p.kind == "maximum" for p in res if np.linalg.norm(p.x) > 0.5)
    assert not any(p.certified for p in res if p.non_isolated)


def test_search_on_a_sphere_of_minima_in_3d():
    f = lambda z: (z[0] ** 2 + z[1] ** 2 + z[2] ** 2 - 1) ** 2  # noqa: E731
    with pytest.warns(UserWarning, match="non-isolated"):
        res = find_critical_points(f, [(-2, 2)] * 3, n_starts=12, seed=1)
    assert res.counts["saddle"] == 0
    assert all(p.kind == "minimum" and not p.certified for p in res if abs(np.linalg.norm(p.x) - 1) < 1e-6)


def wells(z):
    return np.sum(z**4 - z**2)


def test_all_27_critical_points_in_3d_with_the_default_budget():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = find_critical_points(wells, [(-2, 2)] * 3)
    assert isinstance(res, CriticalPointSearch) and isinstance(res, list) and TopLevelSearch is CriticalPointSearch
    assert len(res) == 27 and res.counts == {"minimum": 8, "maximum": 1, "saddle": 18, "inconclusive": 0}
    r = 1 / math.sqrt(2)
    coords = {tuple(np.round(p.x / r).astype(int)) for p in res}
    assert coords == {(a, b, c) for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1)}
    assert all(p.certified for p in res)
    assert res.n_starts == 2048 and res.complete and res.note == ""
    assert min(p.n_hits for p in res) >= 2 and sum(p.n_hits for p in res) == res.n_converged
    assert res.n_repeats == res.n_converged - 27 and res.n_exhausted == 0
    assert isinstance(res[0], CriticalPoint) and res[-1].kind == "maximum" and res[1:3] == list(res)[1:3]
    d = json.loads(json.dumps(res.to_dict()))
    assert d["complete"] is True and d["n_starts"] == 2048 and d["note"] == ""
    assert {"n_converged", "n_repeats", "points"} <= set(d) and d["points"][0]["certified"] is True


def test_10d_search_says_what_it_did_not_search():
    """3¹⁰ = 59049 critical points; the default budget (4096 starts) cannot
    see them all, and says so."""
    with pytest.warns(UserWarning, match="single start"):
        res = find_critical_points(wells, [(-2, 2)] * 10)
    assert res.n_starts == 4096 and not res.complete and len(res) < 3**10
    assert res.counts["saddle"] > 0 and res.counts["minimum"] > 0
    assert "Good-Turing" in res.note and "raise n_starts" in res.note
    assert res.n_converged == len(res) + res.n_repeats


def test_budget_and_designs_are_the_users_choice():
    with pytest.warns(UserWarning, match="cannot claim"):
        res = find_critical_points(wells, [(-2, 2)] * 3, n_starts=40)
    assert res.n_starts == 40 and res.design == "sobol"
    for design in ("halton", "random", "grid"):
        res = find_critical_points(lambda z: z[0] ** 2 - z[1] ** 2, [(-1, 1), (-1, 1)], n_starts=16, starts=design)
        assert res.design == design and len(res) == 1 and res.complete and res[0].kind == "saddle"
    with pytest.warns(UserWarning, match="max_iter"):
        res = find_critical_points(wells, [(-2, 2)] * 2, max_iter=1)
    assert res.n_exhausted > 0 and not res.complete
    with pytest.warns(UserWarning, match="no start converged"):
        res = find_critical_points(lambda z: z[0] + 2 * z[1], [(-1, 1), (-1, 1)], n_starts=8, max_iter=5)
    assert len(res) == 0 and not res.complete
