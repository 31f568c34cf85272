"""Tests for osculate.analysis: curvature reports, classification of
critical points (second-derivative and higher-order tests), multi-start
critical-point search, quadratic models, curve curvature, exact and
stochastic Hessian traces, plots.

The worked examples of the seeds (001 textbook §3.10, 003 "The Hessian &
Second-Order Analysis") are reproduced number for number.
"""

import json
import math
import struct
import sys

import numpy as np
import pytest

from osculate import analysis
from osculate.analysis import _taylor
from osculate.linop import DiagonalEstimate, TraceEstimate
from osculate.ad.transforms import hessian

SQRT2 = math.sqrt(2.0)


def quad_001(x):  # seed 001: f = x1² + 2 x1 x2 + 3 x2²
    return x[0] ** 2 + 2 * x[0] * x[1] + 3 * x[1] ** 2


def four_wells(x):  # seed 003, Example 5
    return x[0] ** 4 + x[1] ** 4 - 2 * x[0] ** 2 - 2 * x[1] ** 2 + 1


def rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def monkey(x):  # seed 003, Example 8
    return x[0] ** 3 - 3 * x[0] * x[1] ** 2


# --------------------------------------------------------------------------- seed 001


def test_seed001_hessian_eigenvalues_condition_and_minimum():
    rep = analysis.curvature(quad_001, np.zeros(2))
    np.testing.assert_allclose(rep.eigenvalues, [4 - 2 * SQRT2, 4 + 2 * SQRT2], rtol=0, atol=1e-12)
    assert np.round(rep.eigenvalues, 2).tolist() == [1.17, 6.83]
    assert rep.definiteness == "positive definite"
    assert rep.inertia == (2, 0, 0)
    assert rep.condition_number == pytest.approx((4 + 2 * SQRT2) / (4 - 2 * SQRT2), rel=1e-12)
    assert round(rep.condition_number, 2) == 5.83
    assert rep.classification == "strict local minimum" and rep.kind == "minimum"
    assert rep.certified and not rep.degenerate and rep.gradient_norm == 0.0


def test_seed001_hessian_is_constant_and_gradient_matches_hand_derivation(rng):
    for _ in range(3):
        x = rng.standard_normal(2)
        m = analysis.quadratic_model(quad_001, x)
        np.testing.assert_array_equal(m.hessian, [[2.0, 2.0], [2.0, 6.0]])
        np.testing.assert_allclose(m.gradient, [2 * x[0] + 2 * x[1], 2 * x[0] + 6 * x[1]], rtol=1e-14)


def test_seed001_newton_one_step_on_the_1d_quadratic():
    m = analysis.quadratic_model(lambda th: (th[0] - 3.0) ** 2, np.array([0.0]))
    assert m.gradient.tolist() == [-6.0] and m.hessian.tolist() == [[2.0]]
    assert m.newton_step().tolist() == [3.0]          # θ1 = 0 - (-6)/2 = 3
    assert m.minimiser().tolist() == [3.0]


def test_newton_solves_any_quadratic_in_one_step(rng):
    n = 8
    B = rng.standard_normal((n, n))
    A = B @ B.T + n * np.eye(n)
    b = rng.standard_normal(n)
    f = lambda x: 0.5 * x @ A @ x - b @ x  # noqa: E731
    x0 = rng.standard_normal(n)
    x1 = analysis.quadratic_model(f, x0).minimiser()
    np.testing.assert_allclose(x1, np.linalg.solve(A, b), rtol=1e-10, atol=1e-12)
    assert np.linalg.norm(A @ x1 - b) < 1e-10


# --------------------------------------------------------------------------- seed 003


def test_seed003_example1_mixed_partials_agree():
    f = lambda z: z[0] ** 2 * z[1] + np.sin(z[0] * z[1])  # noqa: E731
    x, y = 0.7, -1.3
    H = hessian(f)(np.array([x, y]))
    fxy = 2 * x + np.cos(x * y) - x * y * np.sin(x * y)
    np.testing.assert_allclose(H, [[2 * y - y**2 * np.sin(x * y), fxy], [fxy, -(x**2) * np.sin(x * y)]], rtol=1e-13)


def test_seed003_examples_2_3_7_paraboloids_and_saddle():
    rep = analysis.curvature(lambda z: z[0] ** 2 + 4 * z[1] ** 2, np.zeros(2))
    assert rep.eigenvalues.tolist() == [2.0, 8.0] and rep.condition_number == 4.0
    rep = analysis.curvature(lambda z: z[0] ** 2 - z[1] ** 2, np.zeros(2))
    assert rep.eigenvalues.tolist() == [-2.0, 2.0]
    assert rep.classification == "saddle point" and rep.definiteness == "indefinite" and rep.certified
    for a, b in [(1.0, 1.0), (1.0, 10.0), (0.5, 3.0)]:
        rep = analysis.curvature(lambda z: a * z[0] ** 2 + b * z[1] ** 2, np.zeros(2))  # noqa: B023
        assert sorted(rep.eigenvalues.tolist()) == sorted([2 * a, 2 * b])
        assert rep.condition_number == pytest.approx(max(a, b) / min(a, b))


def test_seed003_example5_nine_critical_points():
    res = analysis.find_critical_points(four_wells, [(-2, 2), (-2, 2)], seed=0)
    assert isinstance(res, analysis.CriticalPointsResult) and len(res) == 9
    assert res.counts == {"minimum": 4, "maximum": 1, "saddle": 4, "inconclusive": 0}
    expected = {}
    for a in (-1.0, 0.0, 1.0):
        for b in (-1.0, 0.0, 1.0):
            nz = (a != 0) + (b != 0)
            expected[(a, b)] = {2: "strict local minimum", 1: "saddle point", 0: "strict local maximum"}[nz]
    found = {tuple(np.round(p.x, 12) + 0.0): p for p in res}
    assert set(found) == set(expected)
    for key, p in found.items():
        assert p.classification == expected[key] and p.certified and not p.degenerate
        assert p.gradient_norm <= 1e-12
        # Hessian diag(12x² - 4, 12y² - 4): 8 at ±1, -4 at 0
        np.testing.assert_allclose(sorted(p.eigenvalues), sorted([12 * c**2 - 4 for c in key]), atol=1e-9)
    assert [round(p.value, 12) for p in res.minima] == [-1.0] * 4
    assert res.maxima[0].value == 1.0 and all(p.value == 0.0 for p in res.saddles)
    assert sum(p.n_hits for p in res) == res.n_converged


def test_seed003_remark2_quartics_and_example8_monkey_saddle():
    rep = analysis.curvature(lambda z: z[0] ** 4 + z[1] ** 4, np.zeros(2))
    assert rep.eigenvalues.tolist() == [0.0, 0.0] and rep.definiteness == "zero"
    assert rep.degenerate and rep.classification == "local minimum" and not rep.certified
    assert "heuristic" in rep.reason and rep.higher_order.orders == [4] * rep.higher_order.n_directions
    rep = analysis.curvature(lambda z: z[0] ** 4 - z[1] ** 4, np.zeros(2))
    assert rep.degenerate and rep.classification == "saddle point" and rep.certified
    rep = analysis.curvature(monkey, np.zeros(2))
    assert rep.inertia == (0, 0, 2) and np.all(rep.eigenvalues == 0)
    assert rep.degenerate and rep.classification == "saddle point" and rep.kind == "saddle" and rep.certified
    assert 3 in rep.higher_order.orders and "odd" in rep.reason


def test_seed003_example6_exp_quadratic_model_and_spectrum():
    f = lambda z: np.exp(z[0] + z[1])  # noqa: E731
    m = analysis.quadratic_model(f, np.zeros(2))
    for p in ([0.1, -0.2], [0.3, 0.05], [-0.4, 0.4]):
        p = np.array(p)
        assert m(p) == pytest.approx(1 + p[0] + p[1] + 0.5 * (p[0] + p[1]) ** 2, rel=1e-15)
    rep = analysis.curvature(f, np.zeros(2))
    np.testing.assert_allclose(rep.eigenvalues, [0.0, 2.0], atol=1e-15)
    assert rep.classification == "not a critical point" and rep.gradient_norm == pytest.approx(SQRT2)


def test_seed003_example10_rosenbrock_and_the_jax_snippet_numbers():
    rep = analysis.curvature(rosenbrock, np.ones(2))
    H = analysis.quadratic_model(rosenbrock, np.ones(2)).hessian
    np.testing.assert_allclose(H, [[802.0, -400.0], [-400.0, 200.0]], rtol=1e-14)
    np.testing.assert_allclose(rep.eigenvalues, [501 - math.sqrt(250601), 501 + math.sqrt(250601)], rtol=1e-12)
    assert round(rep.condition_number) == 2508 and rep.classification == "strict local minimum"
    # the seed's snippet at x = (0.5, 0.5): gradient, Hessian, eigenvalues, Newton direction
    m = analysis.quadratic_model(rosenbrock, np.array([0.5, 0.5]))
    np.testing.assert_allclose(m.gradient, [-51.0, 50.0], rtol=1e-14)
    np.testing.assert_allclose(m.hessian, [[102.0, -200.0], [-200.0, 200.0]], rtol=1e-14)
    rep = analysis.curvature(rosenbrock, np.array([0.5, 0.5]))
    np.testing.assert_allclose(rep.eigenvalues, [151 - math.sqrt(42401), 151 + math.sqrt(42401)], rtol=1e-12)
    np.testing.assert_allclose(m.newton_step(), [-1 / 98, -51 / 196], rtol=1e-12)
    assert not m.is_positive_definite   # indefinite there: the Newton direction is not a minimiser's
    # "Newton converges in a few iterations"
    x = np.array([-1.2, 1.0])
    for it in range(1, 20):
        x = x + analysis.quadratic_model(rosenbrock, x).newton_step()
        if np.linalg.norm(x - 1.0) < 1e-12:
            break
    assert it <= 8 and np.allclose(x, 1.0)


# --------------------------------------------------------------------------- the higher-order test


DEGENERATE = [  # (name, f, dimension, classification, certified)
    ("x2+y4", lambda z: z[0] ** 2 + z[1] ** 4, 2, "local minimum", False),
    ("-x2-y4", lambda z: -(z[0] ** 2) - z[1] ** 4, 2, "local maximum", False),
    ("x2-y4", lambda z: z[0] ** 2 - z[1] ** 4, 2, "saddle point", True),
    ("x2+y3", lambda z: z[0] ** 2 + z[1] ** 3, 2, "saddle point", True),
    ("cos", lambda z: np.cos(z[0]) + z[0] ** 2 / 2 + z[1] ** 2, 2, "local minimum", False),  # order 4
    ("peano", lambda z: (z[1] - z[0] ** 2) * (z[1] - 2 * z[0] ** 2), 2, "saddle point", True),
    ("x3", lambda z: z[0] ** 3, 1, "saddle point", True),  # 1-D inflection
    ("x4+y4+z4", lambda z: np.sum(z**4), 3, "local minimum", False),
]


@pytest.mark.parametrize("name, f, n, classification, certified", DEGENERATE, ids=[c[0] for c in DEGENERATE])
def test_degenerate_points(name, f, n, classification, certified):
    rep = analysis.curvature(f, np.zeros(n))
    assert rep.degenerate and rep.classification == classification and rep.certified is certified


def test_peano_surface_needs_the_curve_correction():
    """(y - x²)(y - 2x²) has a minimum along every line through 0, but is
    negative on y = 1.5 x²: only the reduced function sees the saddle."""
    f = lambda z: (z[1] - z[0] ** 2) * (z[1] - 2 * z[0] ** 2)  # noqa: E731
    rep = analysis.curvature(f, np.zeros(2))
    test = rep.higher_order
    assert test.curve_corrected and test.orders == [4] and test.signs == [-1]
    assert test.coefficients[0][4] == pytest.approx(-0.25)   # f(t, 1.5 t²) = -t⁴/4
    assert f(np.array([0.1, 1.5 * 0.01])) < 0 < f(np.array([0.1, 0.0]))


def test_flat_directions_non_isolated_or_inconclusive():
    """A direction along which every computed derivative vanishes is reported
    as such.  x² (flat in y) is a line of minima: the probe along y finds
    critical points with the same value, so the point is a non-strict local
    minimum, never certified (issue 13; this used to be "inconclusive").
    x² + y⁸ with max_order 6 is flat to order 6 along y too, but there is no
    critical point at a distance along y: inconclusive."""
    rep = analysis.curvature(lambda z: z[0] ** 2 + 0.0 * z[1], np.zeros(2))
    assert rep.classification == "non-strict local minimum" and rep.kind == "minimum" and not rep.certified
    assert rep.non_isolated and rep.higher_order.non_isolated and rep.higher_order.flat_directions == 1
    assert rep.higher_order.orders == [None] and "vanish" in rep.reason and "non-isolated" in rep.reason
    rep = analysis.curvature(lambda z: z[0] ** 2 + z[1] ** 8, np.zeros(2), max_order=6)
    assert rep.classification == "inconclusive" and not rep.non_isolated and "vanish" in rep.reason
    rep = analysis.curvature(lambda z: z[0] ** 2 + z[1] ** 8, np.zeros(2), max_order=8)
    assert rep.classification == "local minimum" and rep.higher_order.orders == [8]
    rep = analysis.curvature(lambda z: z[0] ** 4 + z[1] ** 4, np.zeros(2), higher_order=False)
    assert rep.classification == "inconclusive" and "disabled" in rep.reason


def test_sampled_directions_catch_a_sign_change_between_eigenvectors():
    """x⁴ + y⁴ - 3x²y² is positive along both axes (the null-space
    eigenvectors) but negative on the diagonal: the random null-space
    directions find it."""
    f = lambda z: z[0] ** 4 + z[1] ** 4 - 3 * z[0] ** 2 * z[1] ** 2  # noqa: E731
    rep = analysis.curvature(f, np.zeros(2))
    assert rep.classification == "saddle point" and rep.certified
    assert rep.higher_order.signs[:2] == [1, 1] and -1 in rep.higher_order.signs
    unit = rep.higher_order.directions
    np.testing.assert_allclose(np.linalg.norm(unit, axis=0), 1.0)


def test_approximate_degenerate_points_use_the_displacement_rule():
    """Near-critical points found numerically: tiny spurious curvature and
    odd-order terms are attributed to the distance from the critical point."""
    rep = analysis.curvature(lambda z: z[0] ** 4 + z[1] ** 4, np.array([1e-10, 1e-10]))
    assert rep.inertia == (2, 0, 0) and rep.classification == "local minimum" and rep.degenerate
    assert "near-degenerate" in rep.reason
    # the Hessian is indefinite at (1e-10, 0), yet the origin is a (degenerate) minimum
    f = lambda z: z[0] ** 4 + z[1] ** 4 - 1.9 * z[0] ** 2 * z[1] ** 2  # noqa: E731
    rep = analysis.curvature(f, np.array([1e-10, 0.0]))
    assert rep.definiteness == "indefinite" and rep.classification == "local minimum"
    rep = analysis.curvature(lambda z: z[0] ** 2 + z[1] ** 3, np.array([0.0, 1e-9]))
    assert rep.classification == "saddle point" and rep.degenerate


def test_taylor_mode_and_nested_forward_agree_on_the_higher_order_coefficients(monkeypatch):
    f = lambda z: np.exp(z[0]) * np.sin(z[1]) + z[0] ** 3 * z[1]  # noqa: E731
    x, v = np.array([0.2, -0.4]), np.array([0.6, 0.8])
    a = _taylor.line_series(f, x, v, 5)
    monkeypatch.setattr(_taylor, "FORCE_NESTED_FORWARD", True)
    b = _taylor.line_series(f, x, v, 5)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    t = 1e-3  # and against the function itself
    assert np.polyval(b[::-1], t) == pytest.approx(f(x + t * v), rel=1e-14)


def test_reduced_function_is_the_same_with_either_derivative_engine(monkeypatch):
    f = lambda z: (z[1] - z[0] ** 2) * (z[1] - 2 * z[0] ** 2) + np.sin(z[0]) ** 4  # noqa: E731
    a = analysis.curvature(f, np.zeros(2)).higher_order
    monkeypatch.setattr(_taylor, "FORCE_NESTED_FORWARD", True)
    b = analysis.curvature(f, np.zeros(2)).higher_order
    np.testing.assert_allclose(a.coefficients, b.coefficients, rtol=1e-12, atol=1e-14)
    assert a.orders == b.orders == [4] and a.coefficients[0][4] == pytest.approx(-0.25 + 1.0)


def test_classify_point_and_non_critical_points():
    p = analysis.classify_point(four_wells, np.array([0.5, 0.5]))
    g = 4 * 0.5**3 - 4 * 0.5
    assert isinstance(p, analysis.CriticalPoint)
    assert p.classification == "not a critical point" and p.kind == "not critical"
    assert p.gradient_norm == pytest.approx(abs(g) * SQRT2) and "‖∇f(x)‖" in p.reason
    assert analysis.classify_point(four_wells, [1, 1]).classification == "strict local minimum"  # integers accepted
    assert analysis.classify_point(four_wells, np.array([0.0, 1.0 + 1e-9]), grad_tol=1e-6).kind == "saddle"


# --------------------------------------------------------------------------- inertia, tolerance, Lanczos


def test_inertia_tolerance_is_relative_to_the_spectrum_scale():
    for scale in (1e-9, 1.0, 1e9):
        A = scale * np.diag([3.0, -2.0, 1e-12, 0.0])
        rep = analysis.operator_curvature(A)
        assert rep.inertia == (1, 1, 2) and rep.definiteness == "indefinite"
        assert rep.tolerance == pytest.approx(3e-8 * scale)
    rep = analysis.operator_curvature(np.diag([3.0, 1e-6]), tol=1e-5)
    assert rep.inertia == (1, 0, 1) and rep.definiteness == "positive semidefinite" and rep.condition_number == math.inf
    assert analysis.operator_curvature(np.zeros((3, 3))).definiteness == "zero"
    assert analysis.operator_curvature(-np.eye(2)).definiteness == "negative definite"
    assert analysis.operator_curvature(np.diag([-1.0, 0.0])).definiteness == "negative semidefinite"


def _spiked_function(n, spikes, rng):
    """f(x) = ½ xᵀ A x + Σ cos(x)/10 at 0: Hessian A - I/10 with known extremes."""
    V, _ = np.linalg.qr(rng.standard_normal((n, len(spikes))))
    bulk = np.linspace(1.0, 2.0, n)
    A = np.diag(bulk) + (V * spikes) @ V.T
    return (lambda x: 0.5 * x @ A @ x + 0.1 * np.sum(np.cos(x))), A - 0.1 * np.eye(n)


def test_lanczos_path_matches_dense_extremes(rng):
    n = 600
    f, H = _spiked_function(n, [5.0, 8.0, 11.0, -6.0, -9.0, -12.0], rng)   # three separated at each end
    rep = analysis.curvature(f, np.zeros(n), method="lanczos", k=3)
    ref = np.linalg.eigvalsh(H)
    assert rep.method == "lanczos" and rep.n_matvec > 0
    np.testing.assert_allclose(rep.eigenvalues, np.concatenate([ref[:3], ref[-3:]]), atol=1e-8)
    assert rep.classification == "saddle point" and rep.definiteness == "indefinite"
    assert math.isnan(rep.condition_number) and not rep.inertia.exact
    assert rep.inertia.positive >= 3 and rep.inertia.negative >= 3
    f2, H2 = _spiked_function(n, [5.0, 8.0, 11.0, -0.5, -0.65, -0.8], rng)
    rep = analysis.curvature(f2, np.zeros(n))  # auto: n > dense_limit
    ref = np.linalg.eigvalsh(H2)
    assert rep.method == "lanczos" and rep.inertia == (n, 0, 0) and rep.inertia.exact
    assert rep.condition_number == pytest.approx(ref[-1] / ref[0], rel=1e-8)
    assert rep.classification == "strict local minimum"
    c = np.concatenate([[0.0], np.linspace(1.0, 2.0, n - 4), [5.0, 6.0, 7.0]])
    rep = analysis.curvature(lambda x: np.sum(c * x**2), np.zeros(n), method="lanczos", k=1)
    assert rep.definiteness == "positive semidefinite" and rep.classification == "inconclusive"


def test_user_operators_are_validated():
    from scipy.sparse.linalg import LinearOperator

    with pytest.raises(ValueError, match="square"):
        analysis.operator_curvature(np.ones((2, 3)))
    with pytest.raises(ValueError, match="not symmetric"):
        analysis.operator_curvature(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="NaN"):
        analysis.operator_curvature(np.array([[1.0, np.nan], [np.nan, 1.0]]))
    M = np.array([[2.0, 1.0, 0.0], [0.0, 2.0, 1.0], [0.0, 0.0, 2.0]])
    with pytest.raises(ValueError, match="not symmetric"):
        analysis.operator_curvature(LinearOperator((3, 3), matvec=lambda v: M @ v, dtype=float))
    with pytest.raises(ValueError, match="square"):
        analysis.operator_curvature(LinearOperator((3, 2), matvec=lambda v: np.ones(3), dtype=float))
    S = np.diag([1.0, -2.0, 3.0])
    rep = analysis.operator_curvature(LinearOperator((3, 3), matvec=lambda v: S @ v, dtype=float))
    assert isinstance(rep, analysis.SpectrumReport) and rep.inertia == (2, 1, 0)
    rep = analysis.operator_curvature(lambda v: S @ v, n=3)
    assert rep.eigenvalues.tolist() == [-2.0, 1.0, 3.0]


# --------------------------------------------------------------------------- bad input


def test_bad_points_and_values_give_clear_errors():
    with pytest.raises(ValueError, match=r"non-finite value \(nan\) at index 1"):
        analysis.curvature(quad_001, np.array([0.0, np.nan]))
    with pytest.raises(ValueError, match="non-finite"):
        analysis.quadratic_model(quad_001, [np.inf, 0.0])
    with pytest.raises(ValueError, match="non-finite"):
        analysis.find_critical_points(quad_001, [(-1, np.nan), (0, 1)])
    with pytest.raises(ValueError, match="is not finite"):
        analysis.curvature(lambda z: np.log(z[0]), np.array([-1.0]))
    with pytest.raises(ValueError, match="empty"):
        analysis.find_critical_points(quad_001, [(1, -1), (0, 1)])
    with pytest.raises(ValueError, match="shape"):
        analysis.find_critical_points(quad_001, [1, 2, 3])
    with pytest.raises(TypeError, match="scalar"):
        analysis.curvature(lambda z: z**2, np.zeros(2))
    with pytest.raises(ValueError, match="zero vector"):
        analysis.directional_curvature(quad_001, np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match="shape"):
        analysis.directional_curvature(quad_001, np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="method"):
        analysis.curvature(quad_001, np.zeros(2), method="qr")
    with pytest.raises(ValueError, match="method"):
        analysis.hessian_trace(quad_001, np.zeros(2), method="exactly")


# --------------------------------------------------------------------------- critical-point search


def test_find_critical_points_on_degenerate_and_classic_functions():
    res = analysis.find_critical_points(monkey, [(-1, 1), (-1, 1)])
    assert len(res) == 1 and res[0].classification == "saddle point" and res[0].degenerate
    assert np.linalg.norm(res[0].x) < 1e-6
    res = analysis.find_critical_points(lambda z: z[0] ** 4 + z[1] ** 4, [(-1, 1), (-1, 1)], n_starts=25)
    assert len(res) == 1 and res[0].classification == "local minimum"
    res = analysis.find_critical_points(rosenbrock, [(-2, 2), (-1, 3)])
    assert len(res) == 1 and np.allclose(res[0].x, 1.0) and res.complete and res.n_exhausted == 0
    res = analysis.find_critical_points(rosenbrock, [(-2, 2), (-1, 3)], starts="grid", n_starts=64)
    assert len(res) == 1 and np.allclose(res[0].x, 1.0) and res.n_failed == 0
    himmelblau = lambda z: (z[0] ** 2 + z[1] - 11) ** 2 + (z[0] + z[1] ** 2 - 7) ** 2  # noqa: E731
    res = analysis.find_critical_points(himmelblau, [(-5, 5), (-5, 5)], starts="random", n_starts=100, seed=3)
    assert res.counts == {"minimum": 4, "maximum": 1, "saddle": 4, "inconclusive": 0}
    assert all(abs(p.value) < 1e-20 for p in res.minima)
    res = analysis.find_critical_points(lambda z: np.sin(3 * z[0]) + 0.1 * z[0] ** 2, [(-3, 3)])
    assert res.counts["minimum"] == 3 and res.counts["maximum"] == 3


def test_find_critical_points_loops_when_f_cannot_be_batched():
    def f(z):  # Python control flow on values: not vmappable
        return float(z[0]) ** 2 if False else four_wells(z) if z[0] > -10 else 0.0

    with pytest.warns(UserWarning, match="single start"):  # 25 starts: some points are reached once
        res = analysis.find_critical_points(f, [(-2, 2), (-2, 2)], n_starts=25)
    assert len(res) == 9 and res.counts["saddle"] == 4 and not res.complete


def test_find_critical_points_extra_starts_and_options():
    with pytest.warns(UserWarning, match="cannot claim"):
        res = analysis.find_critical_points(four_wells, [(-2, 2), (-2, 2)], n_starts=4, x0=[[0.1, 0.1]], classify=False)
    assert res.n_starts == 5 and all(p.classification == "unclassified" for p in res)
    assert any(np.allclose(p.x, 0.0) for p in res)
    with pytest.raises(ValueError, match="starts"):
        analysis.find_critical_points(four_wells, [(-2, 2), (-2, 2)], starts="spiral")
    with pytest.raises(ValueError, match="n_starts"):
        analysis.find_critical_points(four_wells, [(-2, 2), (-2, 2)], n_starts=0)
    with pytest.raises(ValueError, match="kind"):
        res.of_kind("valley")


# --------------------------------------------------------------------------- quadratic model, directional curvature


def test_quadratic_model_dense_and_matrix_free_agree(rng):
    n = 250
    d = rng.uniform(1.0, 3.0, n)
    c = rng.standard_normal(n)
    f = lambda x: 0.5 * np.sum(d * x**2) + c @ x + 0.01 * np.sum(x**4)  # noqa: E731
    x = 0.1 * rng.standard_normal(n)
    dense = analysis.quadratic_model(f, x, matrix_free=False)
    free = analysis.quadratic_model(f, x)  # n > 200: matrix-free
    assert free.matrix_free and free.hessian is None and not dense.matrix_free
    p = rng.standard_normal(n)
    assert free(p) == pytest.approx(dense(p), rel=1e-12)
    np.testing.assert_allclose(free.hvp(p), dense.hessian @ p, rtol=1e-12)
    np.testing.assert_allclose(free.gradient_at(p), dense.gradient + dense.hessian @ p, rtol=1e-12)
    assert free.is_positive_definite and dense.is_positive_definite
    np.testing.assert_allclose(free.minimiser(), dense.minimiser(), rtol=1e-7, atol=1e-9)
    batch = free(np.stack([p, 2 * p]))
    assert batch.shape == (2,) and batch[0] == pytest.approx(free(p))


def test_quadratic_model_error_is_third_order_and_failures_are_clear():
    f = lambda z: np.exp(z[0]) * np.cos(z[1])  # noqa: E731
    m = analysis.quadratic_model(f, np.array([0.3, 0.2]))
    cmp_ = m.compare(np.array([1.0, -0.5]), t=[0.02, 0.01])
    ratio = abs(cmp_.error[0] / cmp_.error[1])
    assert 7.0 < ratio < 9.0           # halving t divides a t³ error by 8
    assert cmp_.max_abs_error < 1e-5
    default = m.compare(np.array([1.0, 0.0]))
    assert default.t.size == 11 and default.error[5] == 0.0
    saddle = analysis.quadratic_model(lambda z: z[0] ** 2 - z[1] ** 2, np.array([1.0, 1.0]))
    np.testing.assert_allclose(saddle.newton_step(), [-1.0, -1.0])
    with pytest.raises(ValueError, match="not positive definite"):
        saddle.minimiser()
    flat = analysis.quadratic_model(lambda z: z[0] ** 2 + 0.0 * z[1], np.array([1.0, 1.0]))
    with pytest.raises(ValueError, match="singular"):
        flat.newton_step()
    # singular only up to rounding (a point of a circle of minima): no LinAlgWarning,
    # no step made of rounding noise
    ring = analysis.quadratic_model(lambda z: (z[0] ** 2 + z[1] ** 2 - 1) ** 2, np.array([0.6, 0.8]))
    with pytest.raises(ValueError, match="singular"):
        ring.newton_step()
    with pytest.raises(ValueError, match="shape"):
        flat(np.zeros(3))


def test_directional_curvature_is_the_rayleigh_quotient(rng):
    rep = analysis.curvature(quad_001, np.zeros(2))
    for i in range(2):
        assert analysis.directional_curvature(quad_001, np.zeros(2), 3.0 * rep.eigenvectors[:, i]) == pytest.approx(
            rep.eigenvalues[i], rel=1e-12
        )
    v = rng.standard_normal(2)
    H = np.array([[2.0, 2.0], [2.0, 6.0]])
    assert analysis.directional_curvature(quad_001, rng.standard_normal(2), v) == pytest.approx(v @ H @ v / (v @ v))


# --------------------------------------------------------------------------- curves


def test_graph_curvature():
    assert analysis.graph_curvature(lambda x: x**2, 0.0) == 2.0
    x = 0.7
    assert analysis.graph_curvature(lambda t: t**2, x) == pytest.approx(2 / (1 + 4 * x**2) ** 1.5, rel=1e-14)
    R = 3.0
    semicircle = lambda t: -np.sqrt(R**2 - t**2)  # noqa: E731
    np.testing.assert_allclose(analysis.graph_curvature(semicircle, np.array([-1.0, 0.0, 2.0])), 1 / R, rtol=1e-12)
    assert analysis.graph_curvature(lambda t: -(t**2), 0.0, signed=True) == -2.0
    assert analysis.graph_curvature(lambda t: 3 * t + 1, 5.0) == 0.0
    assert analysis.graph_curvature(np.cos, np.zeros((2, 2))).shape == (2, 2)


def test_curve_curvature_plane_and_space():
    a, b = 3.0, 2.0
    ellipse = lambda t: np.stack([a * np.cos(t), b * np.sin(t)])  # noqa: E731
    assert analysis.curve_curvature(ellipse, 0.0) == pytest.approx(a / b**2, rel=1e-13)
    assert analysis.curve_curvature(ellipse, np.pi / 2) == pytest.approx(b / a**2, rel=1e-13)
    assert analysis.curve_curvature(ellipse, 1.0, signed=True) > 0   # counter-clockwise turns left
    clockwise = lambda t: np.stack([np.cos(-t), np.sin(-t)])  # noqa: E731
    assert analysis.curve_curvature(clockwise, 0.4, signed=True) == pytest.approx(-1.0)
    helix = lambda t: np.stack([a * np.cos(t), a * np.sin(t), b * t])  # noqa: E731
    ts = np.linspace(0, 6, 4)
    np.testing.assert_allclose(analysis.curve_curvature(helix, ts), a / (a**2 + b**2), rtol=1e-13)
    in_4d = lambda t: np.stack([a * np.cos(t), a * np.sin(t), b * t, 0.0 * t])  # noqa: E731
    assert analysis.curve_curvature(in_4d, 0.3) == pytest.approx(a / (a**2 + b**2), rel=1e-13)
    twisted = lambda t: np.stack([t, t**2, t**3])  # noqa: E731
    t = 0.5
    r1, r2 = np.array([1, 2 * t, 3 * t**2]), np.array([0, 2, 6 * t])
    assert analysis.curve_curvature(twisted, t) == pytest.approx(
        np.linalg.norm(np.cross(r1, r2)) / np.linalg.norm(r1) ** 3
    )
    with pytest.raises(ValueError, match="singular"):
        analysis.curve_curvature(lambda t: np.stack([t**2, t**3]), 0.0)   # cusp
    with pytest.raises(TypeError, match="length >= 2"):
        analysis.curve_curvature(lambda t: t**2, 0.0)


# --------------------------------------------------------------------------- traces and diagonals


def test_exact_trace_and_diagonal_without_the_matrix(rng):
    n = 30
    f = lambda x: np.sum(np.tanh(x) ** 2) + x[:-1] @ x[1:] + np.sum(x) ** 3 / 30  # noqa: E731
    x = 0.5 * rng.standard_normal(n)
    H = hessian(f)(x)
    tr = analysis.hessian_trace(f, x)
    assert isinstance(tr, TraceEstimate) and tr.std_error == 0.0 and tr.method == "exact"
    assert tr.estimate == pytest.approx(np.trace(H), rel=1e-12)
    assert analysis.laplacian(f, x) == pytest.approx(np.trace(H), rel=1e-12)
    diag = analysis.hessian_diagonal(f, x, full_output=True)
    assert isinstance(diag, DiagonalEstimate)
    np.testing.assert_allclose(diag.estimate, np.diag(H), rtol=1e-12, atol=1e-13)
    np.testing.assert_array_equal(diag.std_error, 0.0)
    X = x.reshape(5, 6)  # any shape of x
    g = lambda z: f(z.reshape(-1))  # noqa: E731
    assert analysis.hessian_diagonal(g, X).shape == (5, 6)
    assert analysis.hessian_trace(g, X, chunk_size=7).estimate == pytest.approx(np.trace(H), rel=1e-12)


def test_stochastic_traces_report_standard_errors(rng):
    n = 60
    U, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = (U * (1.0 / np.arange(1, n + 1) ** 2 * 50)) @ U.T   # decaying spectrum
    f = lambda x: 0.5 * x @ A @ x  # noqa: E731
    exact = np.trace(A)
    hutch = analysis.hessian_trace(f, np.zeros(n), "hutchinson", n_probes=90, seed=1)
    hpp = analysis.hessian_trace(f, np.zeros(n), "hutch++", n_probes=90, seed=1)
    for est in (hutch, hpp):
        assert est.n_matvec == 90 and est.std_error > 0
        assert abs(est.estimate - exact) < 4 * est.std_error
    assert hpp.std_error < hutch.std_error / 5     # deflation pays off on decaying spectra
    d = analysis.hessian_diagonal(f, np.zeros(n), "hutchinson", n_probes=200, seed=2, full_output=True)
    z = (d.estimate - np.diag(A)) / d.std_error
    assert np.mean(np.abs(z) < 2) > 0.85 and d.n_matvec == 200


# --------------------------------------------------------------------------- results: repr and to_dict


def test_results_are_plain_dataclasses_with_readable_repr_and_json(rng):
    rep = analysis.curvature(monkey, np.zeros(2))
    text = repr(rep)
    for field_name in ("classification='saddle point'", "gradient_norm=", "eigenvalues=", "inertia=Inertia(",
                       "definiteness=", "condition_number=", "HigherOrderTest("):
        assert field_name in text
    assert "eigenvectors" not in text
    d = rep.to_dict()
    assert set(["gradient_norm", "eigenvalues", "inertia", "definiteness", "condition_number",
                "classification"]) <= set(d)
    assert d["inertia"] == {"positive": 0, "negative": 0, "zero": 2, "unresolved": 0}
    back = json.loads(json.dumps(d))
    assert back["classification"] == "saddle point" and back["condition_number"] == math.inf
    res = analysis.find_critical_points(four_wells, [(-2, 2), (-2, 2)])
    assert "9 points" in repr(res) and json.loads(json.dumps(res.to_dict()))["counts"]["saddle"] == 4
    assert all(isinstance(p, dict) for p in res.to_dict()["points"])
    m = analysis.quadratic_model(quad_001, np.ones(2))
    assert "QuadraticModel(n=2" in repr(m) and json.dumps(m.to_dict())
    cmp_ = m.compare(np.ones(2))
    json.dumps(cmp_.to_dict())
    for obj in (analysis.hessian_trace(quad_001, np.ones(2)),
                analysis.hessian_diagonal(quad_001, np.ones(2), full_output=True),
                analysis.operator_curvature(np.eye(2)), analysis.Inertia(1, 2, 3)):
        json.dumps(obj.to_dict())
        assert type(obj).__name__ in repr(obj)
    assert isinstance(rep, analysis.CurvatureReport) and isinstance(m, analysis.QuadraticModel)
    assert set(analysis.KINDS) == {"minimum", "maximum", "saddle", "inconclusive", "not critical"}


# --------------------------------------------------------------------------- plots


def _png_size(path):
    with open(path, "rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


@pytest.fixture
def agg():
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    return mpl


def test_plot_landscape_writes_a_png_of_the_requested_size(tmp_path, agg):
    res = analysis.find_critical_points(four_wells, [(-2, 2), (-2, 2)])
    path = tmp_path / "landscape.png"
    ax = analysis.plot_landscape(four_wells, [(-2, 2), (-2, 2)], points=res, path=path, n_grid=60)
    assert path.stat().st_size > 10_000 and _png_size(path) == (640, 520)
    assert ax.get_title() == "Landscape with critical points"
    assert ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["minimum (4)", "maximum (1)", "saddle (4)"]
    assert len(ax.figure.axes) == 2       # the colour bar
    # a function that does not broadcast over the grid, plain points, custom size
    path2 = tmp_path / "plain.png"
    analysis.plot_landscape(lambda z: float(z @ z), [(-1, 1), (0, 2)], points=[[0.0, 0.5]], path=path2, n_grid=20,
                   figsize=(4, 3), dpi=50)
    assert _png_size(path2) == (200, 150)


def test_plot_spectrum_of_reports_densities_and_arrays(tmp_path, agg):
    from osculate.linop import spectral_density

    rep = analysis.curvature(monkey, np.array([0.3, 0.2]))
    path = tmp_path / "spectrum.png"
    ax = analysis.plot_spectrum(rep, path=path)
    assert _png_size(path) == (640, 400) and path.stat().st_size > 5_000
    assert "Hessian spectrum" in ax.get_title() and ax.get_xlabel() == "eigenvalue"
    A = np.diag(np.repeat([-1.0, 2.0], [30, 70]))
    sd = spectral_density(A, n_probes=4, m=8)
    path = tmp_path / "density.png"
    ax = analysis.plot_spectrum(sd, path=path, title="SLQ")
    assert _png_size(path) == (640, 400) and ax.get_title() == "SLQ"
    from osculate.linop import eigenvalues

    path = tmp_path / "eig.png"
    ax = analysis.plot_spectrum(eigenvalues(A, k=3, which="BE"), path=path)
    assert _png_size(path) == (640, 400) and "Eigenvalues (3 computed)" == ax.get_title()
    path = tmp_path / "hist.png"
    ax = analysis.plot_spectrum(np.linspace(-1, 3, 200), path=path, dpi=80)
    assert _png_size(path) == (512, 320) and ax.get_ylabel() == "count"
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots()
    try:
        assert analysis.plot_spectrum([1.0, -1.0, 0.0], ax=axes) is axes
    finally:
        plt.close(fig)


def test_plots_without_matplotlib_raise_an_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        analysis.plot_spectrum([1.0, 2.0], path="unused.png")
    with pytest.raises(ImportError, match="pip install matplotlib"):
        analysis.plot_landscape(quad_001, [(-1, 1), (-1, 1)], path="unused.png")
