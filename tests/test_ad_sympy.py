"""SymPy as ground truth: gradients, Hessians and third derivatives from
osculate against SymPy's exact symbolic derivatives evaluated with 30-digit
mpmath arithmetic.

The function osculate differentiates is built from the *same* SymPy
expression with ``sympy.lambdify(..., "numpy")``, which emits plain NumPy
calls (``sin(x)``, ``arctan2(y, x)``, ``x**(3/2)``...) that osculate's NumPy
dispatch traces.  The worked examples from the seed texts
(``../shared/seeds`` beside the repository) are checked against the numbers printed there too.
"""

from __future__ import annotations

import itertools
import zlib

import mpmath
import numpy as np
import pytest
import sympy as sym

import osculate as osc

x, y, z, w = sym.symbols("x y z w", real=True)
MODES = osc.HVP_MODES


@pytest.fixture
def rel_close(assert_rel):
    """``rel_close(actual, exact, rtol=1e-10)``: the suite's ``assert_rel``,
    and an exactly-zero truth must be matched exactly (without its floor)."""

    def check(actual, exact, rtol=1e-10):
        assert_rel(actual, exact, rtol)
        if not np.any(exact):
            assert not np.any(actual), f"the truth is exactly zero, osculate gives\n{actual}"

    return check


def _no_dirac(e):
    # d/dx sign(x) is 2·DiracDelta(x): zero at the points used (all away from kinks)
    return sym.sympify(e).replace(sym.DiracDelta, lambda *args: sym.S.Zero)


def exact_values(exprs, syms, point):
    """Evaluate SymPy expressions at a float point with 30-digit arithmetic."""
    return Truth.evaluate(sym.lambdify(syms, [_no_dirac(e) for e in exprs], "mpmath"), point)


class Truth:
    """Exact value, gradient, Hessian and third derivatives of an expression,
    differentiated by SymPy once and evaluated in 30-digit mpmath.

    Only the distinct partials (i <= j <= k) are formed symbolically; the
    full tensors are filled from them (Schwarz), which keeps SymPy fast.
    """

    def __init__(self, expr, syms, order=3):
        self.n = n = len(syms)
        partial = {(): expr}
        self.combos, self.fns = [], []
        for k in range(order + 1):
            combos = list(itertools.combinations_with_replacement(range(n), k))
            for c in combos:
                if c not in partial:
                    partial[c] = sym.diff(partial[c[:-1]], syms[c[-1]])
            self.combos.append({c: i for i, c in enumerate(combos)})
            self.fns.append(sym.lambdify(syms, [_no_dirac(partial[c]) for c in combos], "mpmath"))

    @staticmethod
    def evaluate(fn, point):
        with mpmath.workdps(30):
            vals = fn(*[mpmath.mpf(float(p)) for p in point])  # floats convert exactly
            return np.array([float(v) for v in vals])

    def __call__(self, order, point):
        vals = self.evaluate(self.fns[order], point)
        pos = self.combos[order]
        out = np.empty((self.n,) * order)
        for idx in np.ndindex(out.shape):
            out[idx] = vals[pos[tuple(sorted(idx))]]
        return out


def traced(expr, syms, modules="numpy"):
    """The osculate-differentiable function of a vector, via lambdify's NumPy code."""
    fn = sym.lambdify(syms, expr, modules)
    return lambda v: fn(*[v[i] for i in range(len(syms))])


@pytest.fixture
def check_against_sympy(rel_close):
    """``check_against_sympy(expr, syms, points, third=True, modules="numpy")``:
    value, gradient, Hessian (every mode) and third derivatives at each point
    against SymPy's."""

    def check(expr, syms, points, third=True, modules="numpy"):
        truth = Truth(expr, syms, order=3 if third else 2)
        n = len(syms)
        f = traced(expr, syms, modules)
        v = np.arange(1.0, n + 1)
        for point in np.atleast_2d(np.asarray(points, dtype=float)):
            rel_close(f(point), truth(0, point))
            g_exact, h_exact = truth(1, point), truth(2, point)
            rel_close(osc.grad(f)(point), g_exact)
            rel_close(osc.value_and_grad(f)(point)[1], g_exact)
            for m in MODES:
                h = osc.hessian(f, mode=m)(point)
                assert np.array_equal(h, h.T)
                rel_close(h, h_exact)
                rel_close(osc.hvp(f, point, v, mode=m), h_exact @ v)
            if third:
                t_exact = truth(3, point)
                rel_close(osc.jacfwd(osc.hessian(f))(point), t_exact)  # fwd over (fwd over rev)
                rel_close(osc.jacrev(osc.hessian(f, mode="rev-fwd"))(point), t_exact)  # rev over (rev over fwd)

    return check


# --------------------------------------------------------------------------- 20+ varied expressions

U = (0.3, 1.7)  # a positive interval (logs, square roots, powers)
S = (-1.5, 1.5)
EXPRESSIONS = {
    "poly-2var": (x**3 * y - 2 * x * y**2 + 5 * y**4 - 7, (x, y), [S, S]),
    "poly-3var": (x**2 * y**2 * z - x * z**3 + 3 * x * y * z, (x, y, z), [S, S, S]),
    "poly-high-degree": ((x - 2 * y) ** 7 + x**5 * y**3, (x, y), [S, S]),
    "trig": (sym.sin(x) * sym.cos(y) + sym.tan(x * y / 4), (x, y), [S, S]),
    "exp-log": (sym.exp(x) * sym.log(1 + y**2), (x, y), [S, S]),
    "log-exp-3var": (sym.log(x**2 + y**2 + 1) * sym.exp(-z), (x, y, z), [S, S, S]),
    "rational": ((x**2 + y) / (1 + x**2 + y**2), (x, y), [S, S]),
    "rational-power5": ((x - y) ** 5 / (1 + z**2), (x, y, z), [S, S, S]),
    "reciprocal": (1 / (x * y + 3), (x, y), [U, U]),
    "nested": (sym.sin(sym.cos(sym.tan(x))) + sym.exp(sym.sin(y * x)), (x, y), [(-1.0, 1.0), S]),
    "nested-deep": (sym.log(1 + sym.exp(sym.sin(x * y) + z)) ** 2, (x, y, z), [S, S, S]),
    "sqrt": (sym.sqrt(x**2 + y**2 + 1), (x, y), [S, S]),
    "sqrt-product": (sym.sqrt(x * y) + sym.cbrt(x + y), (x, y), [U, U]),
    "atan2": (sym.atan2(y, x) * (x**2 + y**2), (x, y), [U, S]),
    "atan-ratio": (sym.atan(y / x) + sym.atan(x * y), (x, y), [U, S]),
    "hyperbolic": (sym.sinh(x) * sym.cosh(y) - sym.tanh(x * y), (x, y), [S, S]),
    "inverse-hyperbolic": (sym.asinh(x * y) + sym.acosh(1 + x**2 + y**2) + sym.atanh(x * y / 4), (x, y), [U, U]),
    "inverse-trig": (sym.asin(x / 2) * sym.acos(y / 3), (x, y), [S, S]),
    "product-of-four": (x * y * z * w, (x, y, z, w), [S, S, S, S]),
    "product-of-factors": ((1 + x) * (2 + y) * (3 + z) * (1 + x * y * z), (x, y, z), [S, S, S]),
    "power-tracer-tracer": (x**y + y**x, (x, y), [U, U]),
    "power-rational": ((x**2 + y**2) ** sym.Rational(3, 2) + x ** sym.Rational(-1, 3), (x, y), [U, S]),
    "gaussian": (sym.exp(-(x**2 + y**2) / 2) / (2 * sym.pi), (x, y), [S, S]),
    "logistic": (sym.log(1 + sym.exp(-(2 * x - y))), (x, y), [S, S]),
    "exp-trig-3var": (sym.exp(x * y * z) * sym.sin(x + y + z), (x, y, z), [S, S, S]),
    "log-and-power": (sym.log(x) / y + y**x + 2**x, (x, y), [U, U]),
    "abs-away-from-zero": (sym.Abs(x) * y**2 + sym.Abs(y - 3), (x, y), [U, U]),
}


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
def test_expression_against_sympy(name, check_against_sympy):
    expr, syms, domain = EXPRESSIONS[name]
    r = np.random.default_rng(zlib.crc32(name.encode()))
    points = [[r.uniform(lo, hi) for lo, hi in domain] for _ in range(3)]
    check_against_sympy(expr, syms, points)


@pytest.mark.parametrize(
    "name, expr, syms, point",
    [
        ("erf", sym.erf(x * y) + sym.erfc(x - y), (x, y), (0.4, -0.9)),
        ("loggamma", sym.loggamma(x + 1) * y, (x, y), (1.3, 0.7)),
        ("digamma-via-gammaln", sym.loggamma(x * y), (x, y), (1.2, 2.1)),
    ],
)
def test_special_functions_against_sympy(name, expr, syms, point, check_against_sympy):
    # lambdify's SciPy printer emits scipy.special calls, which osculate also traces
    check_against_sympy(expr, syms, point, modules=["scipy", "numpy"])


def test_hand_written_numpy_matches_sympy(rel_close):
    """Rosenbrock in n = 4 written the NumPy way (slices, sum) against SymPy."""
    xs = sym.symbols("x0:4", real=True)
    expr = sum(100 * (xs[i + 1] - xs[i] ** 2) ** 2 + (1 - xs[i]) ** 2 for i in range(3))

    def rosen(v):
        return np.sum(100.0 * (v[1:] - v[:-1] ** 2) ** 2 + (1.0 - v[:-1]) ** 2)

    r = np.random.default_rng(4)
    for point in (np.full(4, 0.5), r.uniform(-1.5, 1.5, 4), np.ones(4)):
        g = exact_values([sym.diff(expr, s) for s in xs], xs, point)
        h = exact_values([sym.diff(expr, a, b) for a in xs for b in xs], xs, point).reshape(4, 4)
        rel_close(osc.grad(rosen)(point), g)
        for m in MODES:
            rel_close(osc.hessian(rosen, mode=m)(point), h)
        # the lambdified SymPy version gives the same derivatives as the hand-written one
        rel_close(osc.hessian(traced(expr, xs))(point), osc.hessian(rosen)(point), 1e-13)


# --------------------------------------------------------------------------- worked examples of the seed texts


def test_seed_quadratic_hessian_2_2_2_6(check_against_sympy):
    """f = x1² + 2 x1 x2 + 3 x2²: ∇f = (2x1 + 2x2, 2x1 + 6x2), H = [[2, 2], [2, 6]],
    eigenvalues 4 ± 2√2 ≈ 6.83, 1.17, condition number ≈ 5.83."""
    expr = x**2 + 2 * x * y + 3 * y**2
    f = traced(expr, (x, y))
    points = np.array([[0.0, 0.0], [1.5, -2.0], [0.3, 0.7]])
    for p in points:
        np.testing.assert_array_equal(osc.grad(f)(p), [2 * p[0] + 2 * p[1], 2 * p[0] + 6 * p[1]])
        for m in MODES:
            np.testing.assert_array_equal(osc.hessian(f, mode=m)(p), [[2.0, 2.0], [2.0, 6.0]])
    check_against_sympy(expr, (x, y), points)
    lam = np.linalg.eigvalsh(osc.hessian(f)(np.zeros(2)))
    np.testing.assert_allclose(lam, [4 - 2 * np.sqrt(2), 4 + 2 * np.sqrt(2)], rtol=1e-14)
    np.testing.assert_allclose(lam[1] / lam[0], 3 + 2 * np.sqrt(2), rtol=1e-14)  # ≈ 5.83


def test_seed_single_variable_examples(rel_close, check_against_sympy):
    # x³ - 3x: f''(1) = 6;  x⁴: f'' = 12x²;  x⁴ + sin x: f'' = 12x² - sin x;  sin: f'' = -sin
    d2 = lambda f: osc.grad(osc.grad(f))  # noqa: E731
    assert d2(lambda t: t**3 - 3 * t)(np.float64(1.0)) == 6.0
    for t in (0.0, 0.5, -1.25, 2.0):
        t = np.float64(t)
        assert d2(lambda s: s**4)(t) == 12 * t**2
        rel_close(d2(lambda s: s**4 + np.sin(s))(t), 12 * t**2 - np.sin(t), 1e-15)
        rel_close(d2(np.sin)(t), -np.sin(t), 1e-15)
        # e^x: every derivative is e^x
        g = np.exp
        for _ in range(4):
            g = osc.grad(g)
            rel_close(g(t), np.exp(t), 1e-15)
    check_against_sympy(x**4 + sym.sin(x), (x,), [0.8])


def test_seed_two_variable_examples(check_against_sympy):
    cases = [
        # (expression, point, exact Hessian from the text)
        (x**2 + y**2 + x * y, (0.0, 0.0), [[2, 1], [1, 2]]),
        (x**2 + y**2, (0.4, -0.3), [[2, 0], [0, 2]]),
        (x**2 + 4 * y**2, (1.0, 1.0), [[2, 0], [0, 8]]),  # eigenvalues 2 and 8, κ = 4
        (x**2 - y**2, (0.0, 0.0), [[2, 0], [0, -2]]),  # saddle
        (x * y, (0.7, -0.2), [[0, 1], [1, 0]]),  # d²(xy) = 2 dx dy: the cross term
        (sym.exp(x + y), (0.0, 0.0), [[1, 1], [1, 1]]),  # eigenvalues 0 and 2
        (x**4 + y**4, (0.0, 0.0), [[0, 0], [0, 0]]),  # inconclusive: minimum
        (x**4 - y**4, (0.0, 0.0), [[0, 0], [0, 0]]),  # inconclusive: saddle
        (x**3 - 3 * x * y**2, (0.0, 0.0), [[0, 0], [0, 0]]),  # monkey saddle
    ]
    for expr, p, want in cases:
        f = traced(expr, (x, y))
        for m in MODES:
            np.testing.assert_array_equal(osc.hessian(f, mode=m)(np.array(p)), np.array(want, dtype=float))
        check_against_sympy(expr, (x, y), p)
    monkey = traced(x**3 - 3 * x * y**2, (x, y))
    np.testing.assert_array_equal(osc.grad(monkey)(np.zeros(2)), [0.0, 0.0])
    np.testing.assert_allclose(np.linalg.eigvalsh(osc.hessian(traced(sym.exp(x + y), (x, y)))(np.zeros(2))), [0, 2], atol=1e-15)
    # x²y + sin(xy): the mixed partials agree (Clairaut) and match SymPy at several points
    points = [(0.5, -1.0), (1.2, 0.3), (-0.7, 2.0)]
    check_against_sympy(x**2 * y + sym.sin(x * y), (x, y), points)
    check_against_sympy(sym.exp(x) * sym.sin(y), (x, y), points)


def test_seed_nine_critical_points(check_against_sympy):
    """x⁴ + y⁴ - 2x² - 2y² + 1: nine critical points, 1 maximum, 4 saddles, 4 minima."""
    expr = x**4 + y**4 - 2 * x**2 - 2 * y**2 + 1
    f = traced(expr, (x, y))
    kinds = []
    for a in (-1.0, 0.0, 1.0):
        for b in (-1.0, 0.0, 1.0):
            p = np.array([a, b])
            np.testing.assert_array_equal(osc.grad(f)(p), [0.0, 0.0])
            h = osc.hessian(f)(p)
            np.testing.assert_array_equal(h, np.diag([12 * a * a - 4, 12 * b * b - 4]))
            lam = np.linalg.eigvalsh(h)
            kinds.append("max" if lam[1] < 0 else "min" if lam[0] > 0 else "saddle")
    check_against_sympy(expr, (x, y), [(a, b) for a in (-1.0, 0.0, 1.0) for b in (-1.0, 0.0, 1.0)])
    assert sorted(kinds) == ["max"] + ["min"] * 4 + ["saddle"] * 4
    np.testing.assert_array_equal(osc.hessian(f)(np.zeros(2)), [[-4, 0], [0, -4]])
    np.testing.assert_array_equal(osc.hessian(f)(np.ones(2)), [[8, 0], [0, 8]])


def test_seed_rosenbrock_and_newton_step(rel_close, check_against_sympy):
    expr = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    f = traced(expr, (x, y))
    np.testing.assert_array_equal(osc.grad(f)(np.ones(2)), [0.0, 0.0])
    np.testing.assert_array_equal(osc.hessian(f)(np.ones(2)), [[802.0, -400.0], [-400.0, 200.0]])
    p = np.array([0.5, 0.5])
    check_against_sympy(expr, (x, y), p)
    # Newton direction -H⁻¹∇f at (0.5, 0.5) (H = [[102, -200], [-200, 200]]), exactly from SymPy
    g_ex = sym.Matrix([sym.diff(expr, s) for s in (x, y)]).subs({x: sym.Rational(1, 2), y: sym.Rational(1, 2)})
    h_ex = sym.hessian(expr, (x, y)).subs({x: sym.Rational(1, 2), y: sym.Rational(1, 2)})
    d_ex = -(h_ex.inv() @ g_ex)
    d = -np.linalg.solve(osc.hessian(f)(p), osc.grad(f)(p))
    rel_close(d, np.array([float(v) for v in d_ex]), 1e-12)
    # the Newton iteration from (0.5, 0.5) converges to the minimum (1, 1)
    q = p.copy()
    for _ in range(8):
        q = q - np.linalg.solve(osc.hessian(f)(q), osc.grad(f)(q))
    np.testing.assert_allclose(q, [1.0, 1.0], rtol=1e-12)


def test_seed_quadratic_loss_and_logistic_loss(rel_close, check_against_sympy):
    """0.5·mean((Xw - y)²) with X = [[1,1],[1,2],[1,3]], y = (1,2,3): H = XᵀX / 3 (constant);
    a sigmoid loss: a non-constant Hessian, against SymPy."""
    X = np.array([[1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
    t = np.array([1.0, 2.0, 3.0])
    loss = lambda wv: 0.5 * np.mean((X @ wv - t) ** 2)  # noqa: E731
    for p in (np.array([0.0, 1.0]), np.array([0.3, -0.2])):
        for m in MODES:
            np.testing.assert_allclose(osc.hessian(loss, mode=m)(p), X.T @ X / 3, rtol=1e-15)
    np.testing.assert_allclose(osc.grad(loss)(np.array([0.0, 1.0])), [0.0, 0.0], atol=1e-15)  # the exact fit
    a, b = sym.symbols("a b", real=True)
    sym_loss = sum(sym.Rational(1, 6) * (a * X[i, 0] + b * X[i, 1] - t[i]) ** 2 for i in range(3))
    check_against_sympy(sym_loss, (a, b), (0.3, -0.2), third=False)
    # logistic loss of a 2-parameter model on 3 data points, written with NumPy
    data = np.array([[0.5, 1.0], [-1.0, 0.3], [2.0, -0.7]])
    labels = np.array([1.0, 0.0, 1.0])
    sig = lambda s: 1 / (1 + sym.exp(-s))  # noqa: E731
    sym_ll = -sum(
        labels[i] * sym.log(sig(a * data[i, 0] + b * data[i, 1]))
        + (1 - labels[i]) * sym.log(1 - sig(a * data[i, 0] + b * data[i, 1]))
        for i in range(3)
    )

    def ll(wv):
        s = data @ wv
        return -np.sum(labels * np.log(1 / (1 + np.exp(-s))) + (1 - labels) * np.log(1 - 1 / (1 + np.exp(-s))))

    p = np.array([0.4, -0.8])
    h_ex = exact_values([sym.diff(sym_ll, u, v) for u in (a, b) for v in (a, b)], (a, b), p).reshape(2, 2)
    for m in MODES:
        rel_close(osc.hessian(ll, mode=m)(p), h_ex)
    check_against_sympy(sym_ll, (a, b), [p, -p], third=False)
