"""Implicit functions (issue 17): custom_root, root_scalar, root, fixed_point and argmin,
differentiated by the implicit function theorem, checked against closed forms to second order
and in the four Hessian-vector-product nestings."""

import numpy as np
import pytest
from scipy.optimize import brentq

import osculate as osc


# --------------------------------------------------------------------------- x**3 + a*x - b = 0

def cubic_root(p):
    a, b = p[0], p[1]
    return osc.root_scalar(lambda x, a, b: x ** 3 + a * x - b, a, b, bracket=(-10.0, 10.0))


def cubic_closed_form(a, b):
    """The real root (a > 0: exactly one), its gradient and Hessian in (a, b) by implicit
    differentiation of F(x, a, b) = x³ + a x − b = 0 by hand: with D = 3x² + a,
    x_a = −x/D, x_b = 1/D, and differentiating these again (D_a = 6x x_a + 1,
    D_b = 6x x_b): x_aa = −(x_a D − x D_a)/D², x_ab = −(x_b D − x D_b)/D², x_bb = −D_b/D²
    (checked with sympy below)."""
    x = np.roots([1.0, 0.0, a, -b])
    x = float(x[np.argmin(abs(x.imag))].real)
    D = 3 * x * x + a
    xa, xb = -x / D, 1.0 / D
    Da, Db = 6 * x * xa + 1.0, 6 * x * xb
    xaa = -(xa * D - x * Da) / D ** 2
    xab = -(xb * D - x * Db) / D ** 2
    xbb = -Db / D ** 2
    return x, np.array([xa, xb]), np.array([[xaa, xab], [xab, xbb]])


@pytest.mark.parametrize("a, b", [(2.0, 3.0), (0.5, -1.7), (3.0, 0.2)])
def test_cubic_root_to_second_order(a, b):
    p = np.array([a, b])
    x, g, H = cubic_closed_form(a, b)
    assert np.isclose(float(cubic_root(p)), x, rtol=1e-12, atol=1e-12)
    assert np.allclose(osc.grad(cubic_root)(p), g, rtol=1e-10, atol=1e-12)
    for mode in ("fwd-rev", "rev-fwd", "rev-rev"):
        assert np.allclose(osc.hessian(cubic_root, mode=mode)(p), H, rtol=1e-9, atol=1e-12)
    v = np.array([0.3, -1.1])
    for mode in osc.HVP_MODES:
        assert np.allclose(osc.hvp(cubic_root, p, v, mode=mode), H @ v, rtol=1e-9, atol=1e-12)


def test_cubic_closed_form_matches_sympy():
    sympy = pytest.importorskip("sympy")
    a, b = sympy.symbols("a b", positive=True)
    x = sympy.Function("x")(a, b)
    F = x ** 3 + a * x - b
    xa = sympy.solve(sympy.diff(F, a), sympy.diff(x, a))[0]
    xb = sympy.solve(sympy.diff(F, b), sympy.diff(x, b))[0]
    subs = {sympy.Derivative(x, a): xa, sympy.Derivative(x, b): xb}
    xab = sympy.diff(xa, b).subs(subs)
    xaa = sympy.diff(xa, a).subs(subs)
    xbb = sympy.diff(xb, b).subs(subs)
    x0, g, H = cubic_closed_form(2.0, 3.0)
    at = lambda e: float(e.subs(x, x0).subs({a: 2.0, b: 3.0}))  # noqa: E731
    assert np.allclose([at(xa), at(xb)], g)
    assert np.allclose([[at(xaa), at(xab)], [at(xab), at(xbb)]], H)


def test_custom_root_with_own_solver_third_order():
    def newton(g, x):
        for _ in range(60):
            x = x - g(x) / osc.grad(g)(x)
        return x

    cbrt = osc.custom_root(lambda x, a: x ** 3 - a, 1.0, newton)
    a = 5.0
    assert np.isclose(float(cbrt(a)), a ** (1 / 3))
    assert np.isclose(float(osc.grad(cbrt)(a)), a ** (-2 / 3) / 3)
    assert np.isclose(float(osc.grad(osc.grad(cbrt))(a)), -2 / 9 * a ** (-5 / 3))
    assert np.isclose(float(osc.grad(osc.grad(osc.grad(cbrt)))(a)), 10 / 27 * a ** (-8 / 3))


def test_custom_root_tangent_solve_matches_dense():
    f = lambda x, A, b: A @ x - b  # noqa: E731
    solve = lambda g, x0: np.linalg.solve(A0, b0)  # noqa: E731  (the root at the current plain values)
    A0 = np.array([[3.0, 1.0], [0.5, 2.0]])
    b0 = np.array([1.0, -2.0])
    dense = osc.custom_root(f, np.zeros(2), lambda g, x0: np.linalg.solve(A0, b0))
    own = osc.custom_root(f, np.zeros(2), solve,
                          tangent_solve=lambda lin, y: np.linalg.solve(osc.jacfwd(lin)(np.zeros(2)), y))
    J = osc.jacfwd(lambda b: np.linalg.solve(A0, b))(b0)
    assert np.allclose(osc.jacfwd(lambda b: dense(A0, b))(b0), J)
    assert np.allclose(osc.jacfwd(lambda b: own(A0, b))(b0), J)


# --------------------------------------------------------------------------- root, fixed_point

def test_root_system_matches_closed_form():
    # x0 + x1² = a, x0 − x1 = c  has the root x1 = (−1 + sqrt(1 + 4(a − c)))/2, x0 = x1 + c
    f = lambda x, p: np.stack([x[0] + x[1] ** 2 - p[0], x[0] - x[1] - p[1]])  # noqa: E731

    def closed(p):
        x1 = (-1 + np.sqrt(1 + 4 * (p[0] - p[1]))) / 2
        return np.stack([x1 + p[1], x1])

    p = np.array([3.0, 0.5])
    sol = lambda p: osc.root(f, np.ones(2), p)  # noqa: E731
    assert np.allclose(sol(p), closed(p))
    assert np.allclose(osc.jacfwd(sol)(p), osc.jacfwd(closed)(p))
    assert np.allclose(osc.jacrev(sol)(p), osc.jacfwd(closed)(p))
    s = lambda p: np.sum(np.sin(sol(p)))  # noqa: E731
    sc = lambda p: np.sum(np.sin(closed(p)))  # noqa: E731
    assert np.allclose(osc.hessian(s)(p), osc.hessian(sc)(p), rtol=1e-8)


def test_fixed_point():
    g = lambda x, a: np.cos(a * x)  # noqa: E731
    a = 0.9
    x = float(osc.fixed_point(g, 0.5, a))
    assert np.isclose(x, np.cos(a * x))
    d = float(osc.grad(lambda a: osc.fixed_point(g, 0.5, a))(a))
    assert np.isclose(d, -x * np.sin(a * x) / (1 + a * np.sin(a * x)))


def test_root_scalar_brentq_inside_grad():
    # the quantile of the logistic distribution: F(x) = 1/(1+exp(−(x−m)/s)) = q
    F = lambda x, m, s, q: 1 / (1 + np.exp(-(x - m) / s)) - q  # noqa: E731
    quant = lambda m, s, q: osc.root_scalar(F, m, s, q, bracket=(-50.0, 50.0), method="brentq")  # noqa: E731
    closed = lambda m, s, q: m + s * np.log(q / (1 - q))  # noqa: E731
    args = (0.3, 1.7, 0.8)
    for k in range(3):
        assert np.isclose(float(osc.grad(quant, argnums=k)(*args)), float(osc.grad(closed, argnums=k)(*args)))
    assert np.isclose(float(osc.grad(osc.grad(quant, argnums=2), argnums=2)(*args)),
                      float(osc.grad(osc.grad(closed, argnums=2), argnums=2)(*args)))


# --------------------------------------------------------------------------- argmin: bilevel ridge

def _ridge_data():
    rng = np.random.default_rng(0)
    X, Xv = rng.normal(size=(30, 4)), rng.normal(size=(12, 4))
    w = rng.normal(size=4)
    return X, X @ w + 0.5 * rng.normal(size=30), Xv, Xv @ w + 0.5 * rng.normal(size=12)


def test_ridge_validation_hessian_matches_closed_form():
    X, y, Xv, yv = _ridge_data()
    train = lambda w, lam: np.sum((X @ w - y) ** 2) + lam * np.sum(w * w)  # noqa: E731

    def val(lam):
        return np.sum((Xv @ osc.argmin(train, np.zeros(4), lam) - yv) ** 2)

    def val_closed(lam):
        return np.sum((Xv @ np.linalg.solve(X.T @ X + lam * np.eye(4), X.T @ y) - yv) ** 2)

    lam = 1.3
    assert np.isclose(float(val(lam)), float(val_closed(lam)), rtol=1e-10)
    assert np.isclose(float(osc.grad(val)(lam)), float(osc.grad(val_closed)(lam)), rtol=1e-8)
    H = float(osc.hessian(val_closed)(lam))
    assert np.isclose(float(osc.hessian(val)(lam)), H, rtol=1e-7)
    for mode in osc.HVP_MODES:
        assert np.isclose(float(osc.hvp(val, lam, 1.0, mode=mode)), H, rtol=1e-7)


def test_argmin_vector_parameters():
    g = lambda x, c: np.sum((x - c) ** 2) + 0.25 * np.sum(x ** 4)  # noqa: E731
    c = np.array([0.5, -1.0, 2.0])
    x = osc.argmin(g, np.zeros(3), c)
    assert np.allclose(x - c + x ** 3 / 2, 0, atol=1e-9)          # stationarity: 2(x−c) + x³ = 0
    J = osc.jacfwd(lambda c: osc.argmin(g, np.zeros(3), c))(c)
    assert np.allclose(J, np.diag(2 / (2 + 3 * x ** 2)))


# --------------------------------------------------------------------------- assumptions

def test_singular_jacobian_raises_clear_error():
    f = lambda x, a: (x - a) ** 2  # noqa: E731   a double root: ∂f/∂x = 0 there
    sol = osc.custom_root(f, 0.0, lambda g, x0: 1.0)
    assert float(sol(1.0)) == 1.0  # the value alone needs no derivative
    with pytest.raises(osc.SingularJacobianError, match="singular.*invertible"):
        osc.grad(sol)(1.0)
    with pytest.raises(np.linalg.LinAlgError):
        osc.grad(lambda a: osc.root(lambda x, a: np.stack([x[0] + x[1] - a, 2 * x[0] + 2 * x[1] - 2 * a]),
                                    np.zeros(2), a, method="lm"))(1.0)


def test_traced_initial_guess_is_refused():
    with pytest.raises(TypeError, match="initial guess"):
        osc.grad(lambda a: osc.root(lambda x, a: x - a, a, a))(1.0)


# --------------------------------------------------------------------------- jit, vmap and pytrees

def _sqrt_root(a):
    return osc.root_scalar(lambda x, a: x ** 2 - a, a, bracket=(0.0, 100.0))


def test_jit_solves_again_at_a_new_parameter():
    # the solve is one staged node: a replay runs the solver at the new value, never
    # returning the root seen while staging
    jitted = osc.jit(_sqrt_root)
    assert float(jitted(4.0)) == pytest.approx(2.0, rel=1e-12)
    assert float(jitted(9.0)) == pytest.approx(3.0, rel=1e-12)
    assert float(jitted(2.25)) == pytest.approx(1.5, rel=1e-12)
    assert jitted.cache_size() == 1 and "implicit_solve" in str(jitted.program(4.0))
    dj = osc.jit(osc.grad(_sqrt_root))
    ddj = osc.jit(osc.grad(osc.grad(_sqrt_root)))
    for a in (4.0, 9.0, 0.49):
        assert float(dj(a)) == pytest.approx(0.5 / np.sqrt(a), rel=1e-10)
        assert float(ddj(a)) == pytest.approx(-0.25 * a ** -1.5, rel=1e-9)
    assert float(osc.grad(osc.jit(_sqrt_root))(16.0)) == pytest.approx(0.125, rel=1e-10)

    def newton(g, x):
        for _ in range(60):
            x = x - g(x) / osc.grad(g)(x)
        return x

    cbrt = osc.jit(osc.custom_root(lambda x, a: x ** 3 - a, 1.0, newton))
    assert [round(float(cbrt(a)), 12) for a in (8.0, 27.0, 64.0)] == [2.0, 3.0, 4.0]
    am = osc.jit(lambda c: osc.argmin(lambda x, c: np.sum((x - c) ** 2) + 0.25 * np.sum(x ** 4), np.zeros(2), c))
    for c in (np.array([1.0, -0.5]), np.array([0.3, 2.0])):
        x = am(c)
        np.testing.assert_allclose(2 * (x - c) + x ** 3, 0.0, atol=1e-9)


def test_jit_singular_check_runs_at_replay():
    f = lambda x, a: (x - a) ** 2 - np.where(a > 1.5, 0.0, 1.0)  # noqa: E731  (a double root for a > 1.5)

    def solve(g, x0):  # the larger root, a + 1; for a > 1.5 the double root a (= 2 here)
        return brentq(g, 0.0, 10.0) if g(10.0) * g(0.0) < 0 else 2.0

    sol = osc.custom_root(f, 0.0, solve)
    d = osc.jit(osc.grad(sol))
    assert float(d(0.5)) == pytest.approx(1.0)
    with pytest.raises(osc.SingularJacobianError):
        d(2.0)


def test_vmap_gives_each_members_root_and_derivative():
    a = np.array([4.0, 9.0, 16.0, 0.25])
    np.testing.assert_allclose(osc.vmap(_sqrt_root)(a), np.sqrt(a), rtol=1e-12)
    np.testing.assert_allclose(osc.vmap(osc.grad(_sqrt_root))(a), 0.5 / np.sqrt(a), rtol=1e-10)
    np.testing.assert_allclose(osc.vmap(osc.grad(osc.grad(_sqrt_root)))(a), -0.25 * a ** -1.5, rtol=1e-9)
    np.testing.assert_allclose(osc.jacfwd(osc.vmap(_sqrt_root))(a), np.diag(0.5 / np.sqrt(a)), rtol=1e-10)
    np.testing.assert_allclose(osc.jit(osc.vmap(_sqrt_root))(a[::-1]), np.sqrt(a[::-1]), rtol=1e-12)
    # a batched parameter beside an unbatched one, and a system solved per member
    ps = np.array([[3.0, 0.5], [5.0, 1.0], [2.0, -0.5]])
    f = lambda x, p: np.stack([x[0] + x[1] ** 2 - p[0], x[0] - x[1] - p[1]])  # noqa: E731
    roots = osc.vmap(lambda p: osc.root(f, np.ones(2), p))(ps)
    x1 = (-1 + np.sqrt(1 + 4 * (ps[:, 0] - ps[:, 1]))) / 2
    np.testing.assert_allclose(roots, np.stack([x1 + ps[:, 1], x1], axis=1), rtol=1e-10)
    cubic = lambda a, b: osc.root_scalar(lambda x, a, b: x ** 3 + a * x - b, a, b, bracket=(-10.0, 10.0))  # noqa: E731
    got = osc.vmap(osc.grad(cubic), in_axes=(0, None))(np.array([2.0, 0.5]), 3.0)
    assert np.allclose(got, [cubic_closed_form(2.0, 3.0)[1][0], cubic_closed_form(0.5, 3.0)[1][0]], rtol=1e-10)
    def newton(g, x):  # a solver of the user's, run once per member
        for _ in range(60):
            x = x - g(x) / osc.grad(g)(x)
        return x

    cbrt = osc.custom_root(lambda x, a: x ** 3 - a, 1.0, newton)
    b = np.array([8.0, 27.0, 0.125])
    np.testing.assert_allclose(osc.vmap(cbrt)(b), np.cbrt(b), rtol=1e-12)
    np.testing.assert_allclose(osc.jit(osc.vmap(osc.grad(cbrt)))(b), b ** (-2 / 3) / 3, rtol=1e-10)
    g = lambda x, c: np.sum((x - c) ** 2) + 0.25 * np.sum(x ** 4)  # noqa: E731
    cs = np.array([[0.5, -1.0], [2.0, 0.1]])
    J = osc.vmap(osc.jacfwd(lambda c: osc.argmin(g, np.zeros(2), c)))(cs)
    for c, Jc in zip(cs, J):
        x = osc.argmin(g, np.zeros(2), c)
        np.testing.assert_allclose(Jc, np.diag(2 / (2 + 3 * x ** 2)), rtol=1e-8)


def _ravel(tree):
    return osc.ravel_pytree(tree)[0]


def test_pytree_solutions():
    # u + v² = a, u − v = c with x = {"u": scalar, "v": (1,)}: the closed form of test_root_system
    f = lambda x, a, c: {"u": x["u"] + x["v"] ** 2 - a, "v": x["u"] - x["v"] - c}  # noqa: E731
    start = {"u": 1.0, "v": np.ones(1)}
    sol = lambda p: osc.root(f, start, p[0], p[1])  # noqa: E731

    def closed(p):
        x1 = (-1 + np.sqrt(1 + 4 * (p[0] - p[1]))) / 2
        return {"u": x1 + p[1], "v": x1 * np.ones(1)}

    p = np.array([3.0, 0.5])
    x = sol(p)
    assert set(x) == {"u", "v"} and np.shape(x["u"]) == () and x["v"].shape == (1,)
    np.testing.assert_allclose(_ravel(x), _ravel(closed(p)), rtol=1e-10)
    J = osc.jacfwd(lambda p: _ravel(sol(p)))(p)
    np.testing.assert_allclose(J, osc.jacfwd(lambda p: _ravel(closed(p)))(p), rtol=1e-9)
    H = osc.hessian(lambda p: np.sum(np.sin(_ravel(sol(p)))))(p)
    np.testing.assert_allclose(H, osc.hessian(lambda p: np.sum(np.sin(_ravel(closed(p)))))(p), rtol=1e-8)
    x_jit = osc.jit(sol)(np.array([5.0, 1.0]))
    np.testing.assert_allclose(_ravel(x_jit), _ravel(closed(np.array([5.0, 1.0]))), rtol=1e-10)
    xs = osc.vmap(sol)(np.stack([p, [5.0, 1.0]]))
    assert xs["v"].shape == (2, 1)

    # custom_root with a tree the solver sees as a tree
    def solve(g, x0):
        assert set(x0) == {"u", "v"}
        return {"u": 2.0, "v": 0.5}

    sol2 = osc.custom_root(lambda x, a: {"u": x["u"] - a, "v": x["v"] * x["u"] - 1.0}, {"u": 1.0, "v": 1.0}, solve)
    assert float(osc.grad(lambda a: sol2(a)["v"])(2.0)) == pytest.approx(-0.25)

    # fixed point and argmin of pytrees
    g = lambda x, a: {"p": np.cos(a * x["p"]), "q": 0.5 * x["q"] + a}  # noqa: E731
    fp = lambda a: osc.fixed_point(g, {"p": 0.5, "q": np.zeros(2)}, a)  # noqa: E731
    xp = fp(0.9)
    assert float(xp["p"]) == pytest.approx(np.cos(0.9 * float(xp["p"])))
    assert float(osc.grad(lambda a: fp(a)["q"][1])(0.9)) == pytest.approx(2.0)
    d = float(osc.grad(lambda a: fp(a)["p"])(0.9))
    xv = float(xp["p"])
    assert d == pytest.approx(-xv * np.sin(0.9 * xv) / (1 + 0.9 * np.sin(0.9 * xv)))
    G = lambda x, c: np.sum((x["w"] - c) ** 2) + 0.25 * np.sum(x["w"] ** 4) + (x["b"] - 2 * c[0]) ** 2  # noqa: E731
    am = lambda c: osc.argmin(G, {"w": np.zeros(2), "b": 0.0}, c)  # noqa: E731
    c = np.array([1.0, 2.0])
    xa = am(c)
    assert float(xa["b"]) == pytest.approx(2.0)
    np.testing.assert_allclose(osc.jacfwd(lambda c: am(c)["w"])(c), np.diag(2 / (2 + 3 * xa["w"] ** 2)), rtol=1e-8)
    np.testing.assert_allclose(osc.jacfwd(lambda c: am(c)["b"])(c), [2.0, 0.0], atol=1e-10)


def test_pytree_parameters():
    h = lambda x, p: x ** 3 + p["a"] * x - p["b"]  # noqa: E731
    root = lambda a, b: osc.root_scalar(h, {"a": a, "b": b}, bracket=(-10.0, 10.0))  # noqa: E731
    _, g, H = cubic_closed_form(2.0, 3.0)
    assert float(osc.grad(root, argnums=0)(2.0, 3.0)) == pytest.approx(g[0], rel=1e-10)
    assert float(osc.grad(osc.grad(root, argnums=1), argnums=1)(2.0, 3.0)) == pytest.approx(H[1, 1], rel=1e-8)
    # old calls: a list x0 is one array, a plain value is returned as before
    x = osc.root(lambda x, a: np.stack([x[0] - a, x[1] + a]), [0.0, 0.0], 1.0)
    assert isinstance(x, np.ndarray) and x.shape == (2,)
