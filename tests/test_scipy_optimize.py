"""osculate.scipy.optimize: SciPy's solvers with SciPy's signatures inside a differentiated
model.  Values are SciPy's own (the solve is SciPy's); derivatives in the traced members of
``args`` come from the implicit function theorem and are checked against closed forms and
central differences, to second order, in forward and reverse mode."""

import numpy as np
import pytest
import scipy.optimize as sopt

import osculate as osc
from osculate.ad.implicit import SingularJacobianError
from osculate.scipy import optimize as oopt
from osculate.testing import check_grads


# --------------------------------------------------------------------------- the cubic x³ + a x − b = 0

def cubic(x, a, b):
    return x ** 3 + a * x - b


def cubic_closed_form(a, b):
    """The real root (a > 0) and its gradient and Hessian in (a, b), by differentiating
    x³ + a x − b = 0 by hand: D = 3x² + a, x_a = −x/D, x_b = 1/D, then again."""
    r = np.roots([1.0, 0.0, a, -b])
    x = float(r[np.argmin(abs(r.imag))].real)
    D = 3 * x * x + a
    xa, xb = -x / D, 1.0 / D
    Da, Db = 6 * x * xa + 1.0, 6 * x * xb
    xaa, xab, xbb = -(xa * D - x * Da) / D ** 2, -(xb * D - x * Db) / D ** 2, -Db / D ** 2
    return x, np.array([xa, xb]), np.array([[xaa, xab], [xab, xbb]])


BRACKETING = ["brentq", "brenth", "ridder", "bisect", "toms748"]


@pytest.mark.parametrize("name", BRACKETING)
@pytest.mark.parametrize("a, b", [(2.0, 3.0), (0.5, -1.7)])
def test_bracketing_root_is_scipys_and_differentiates_to_second_order(name, a, b):
    ours, theirs = getattr(oopt, name), getattr(sopt, name)
    root = lambda p: ours(cubic, -10.0, 10.0, args=(p[0], p[1]))  # noqa: E731
    p = np.array([a, b])
    x, g, H = cubic_closed_form(a, b)
    assert float(root(p)) == theirs(cubic, -10.0, 10.0, args=(a, b))   # the same solve, the same bits
    assert abs(float(root(p)) - x) < 1e-11
    np.testing.assert_allclose(osc.grad(root)(p), g, rtol=1e-9)
    np.testing.assert_allclose(osc.hessian(root)(p), H, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(osc.jacrev(osc.jacfwd(root))(p), H, rtol=1e-8, atol=1e-12)
    check_grads(lambda p: np.sin(root(p)) * p[0], (p,), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name", BRACKETING)
def test_bracketing_full_output_is_scipys_root_results(name):
    ours, theirs = getattr(oopt, name), getattr(sopt, name)
    x, info = ours(cubic, -10.0, 10.0, args=(2.0, 3.0), full_output=True)   # plain: SciPy's call
    want_x, want = theirs(cubic, -10.0, 10.0, args=(2.0, 3.0), full_output=True)
    assert x == want_x and isinstance(info, sopt.RootResults) and info.iterations == want.iterations

    seen = {}

    def through_results(a):
        x, info = ours(cubic, -10.0, 10.0, args=(a, 3.0), full_output=True)
        seen.update(iterations=info.iterations, function_calls=info.function_calls, flag=info.flag,
                    converged=info.converged, method=info.method)
        return info.root

    d = osc.grad(through_results)(2.0)
    assert np.isclose(d, cubic_closed_form(2.0, 3.0)[1][0], rtol=1e-9)
    assert seen == dict(iterations=want.iterations, function_calls=want.function_calls, flag=want.flag,
                        converged=want.converged, method=want.method)


def test_bracket_ends_and_starting_points_have_zero_derivative():
    r = lambda t: oopt.brentq(cubic, -10.0 + t, 10.0 * t, args=(2.0, 3.0 * t))  # noqa: E731
    assert np.isclose(osc.grad(r)(1.0), 3.0 * cubic_closed_form(2.0, 3.0)[1][1], rtol=1e-9)
    assert float(osc.grad(lambda t: oopt.brentq(cubic, -t, t, args=(2.0, 3.0)))(10.0)) == 0.0
    assert float(osc.grad(lambda t: oopt.newton(cubic, t, args=(2.0, 3.0), tol=1e-14))(1.0)) == 0.0


def test_args_that_is_not_a_tuple_is_one_argument():
    sq = lambda a: oopt.brentq(lambda x, a: x * x - a, 0.0, 3.0, args=a)  # noqa: E731
    assert sq(4.0) == sopt.brentq(lambda x, a: x * x - a, 0.0, 3.0, args=4.0)
    assert np.isclose(osc.grad(sq)(4.0), 0.25, rtol=1e-10)


# --------------------------------------------------------------------------- newton and root_scalar

def _dcubic(x, a, b):
    return 3 * x ** 2 + a


def _d2cubic(x, a, b):
    return 6 * x


@pytest.mark.parametrize("kw", [dict(fprime=_dcubic), dict(fprime=_dcubic, fprime2=_d2cubic), dict(),
                                dict(x1=1.5)], ids=["newton", "halley", "secant", "secant-x1"])
def test_newton_scalar(kw):
    root = lambda p: oopt.newton(cubic, 1.0, args=(p[0], p[1]), tol=1e-14, **kw)  # noqa: E731
    p = np.array([2.0, 3.0])
    x, g, H = cubic_closed_form(2.0, 3.0)
    assert float(root(p)) == sopt.newton(cubic, 1.0, args=(2.0, 3.0), tol=1e-14, **kw)
    np.testing.assert_allclose(osc.grad(root)(p), g, rtol=1e-9)
    np.testing.assert_allclose(osc.hessian(root)(p), H, rtol=1e-8, atol=1e-12)
    check_grads(root, (p,), order=2, modes=("fwd", "rev"))


def test_newton_full_output_scalar_and_array():
    x, info = oopt.newton(cubic, 1.0, fprime=_dcubic, args=(osc.stop_gradient(2.0), 3.0), full_output=True)
    want_x, want = sopt.newton(cubic, 1.0, fprime=_dcubic, args=(2.0, 3.0), full_output=True)
    assert float(x) == want_x and info.iterations == want.iterations and info.root is x

    b = np.array([3.0, -1.0, 0.5])
    roots = lambda b: oopt.newton(cubic, np.ones(3), fprime=_dcubic, args=(2.0, b), tol=1e-14)  # noqa: E731
    np.testing.assert_array_equal(roots(b), sopt.newton(cubic, np.ones(3), fprime=_dcubic, args=(2.0, b),
                                                        tol=1e-14))
    xb = np.array([cubic_closed_form(2.0, bi)[1][1] for bi in b])
    np.testing.assert_allclose(osc.jacfwd(roots)(b), np.diag(xb), rtol=1e-9, atol=1e-14)
    check_grads(lambda b: np.sum(roots(b) ** 2), (b,), order=2, modes=("fwd", "rev"))

    def through(b):
        out = oopt.newton(cubic, np.ones(3), fprime=_dcubic, args=(2.0, b), tol=1e-14, full_output=True)
        assert bool(np.all(out.converged)) and not np.any(out.zero_der)
        return out.root

    np.testing.assert_allclose(osc.jacrev(through)(b), np.diag(xb), rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("kw", [dict(bracket=(-10.0, 10.0)), dict(method="toms748", bracket=[-10.0, 10.0]),
                                dict(x0=1.0, fprime=_dcubic), dict(x0=1.0, x1=2.0, method="secant", xtol=1e-14),
                                dict(x0=1.0, fprime=True, method="newton", xtol=1e-14)],
                         ids=["brentq", "toms748", "newton", "secant", "fprime-true"])
def test_root_scalar_results_have_a_traced_root(kw):
    f = (lambda x, a, b: (cubic(x, a, b), _dcubic(x, a, b))) if kw.get("fprime") is True else cubic
    res = lambda p: oopt.root_scalar(f, args=(p[0], p[1]), **kw)  # noqa: E731
    want = sopt.root_scalar(f, args=(2.0, 3.0), **kw)
    p = np.array([2.0, 3.0])
    got = res(osc.stop_gradient(p))
    assert isinstance(got, sopt.RootResults) and float(got.root) == want.root
    assert got.iterations == want.iterations and got.converged
    root = lambda p: res(p).root  # noqa: E731
    x, g, H = cubic_closed_form(2.0, 3.0)
    np.testing.assert_allclose(osc.grad(root)(p), g, rtol=1e-9)
    np.testing.assert_allclose(osc.hessian(root)(p), H, rtol=1e-8, atol=1e-12)
    check_grads(root, (p,), order=2, modes=("fwd", "rev"))


def test_root_scalar_traced_bracket():
    r = lambda t: oopt.root_scalar(cubic, args=(2.0, t), bracket=(-t - 5.0, t + 5.0)).root  # noqa: E731
    assert np.isclose(osc.grad(r)(3.0), cubic_closed_form(2.0, 3.0)[1][1], rtol=1e-9)


def test_a_root_where_f_is_flat_has_no_derivative():
    cbrt = lambda a: oopt.bisect(lambda x, a: x ** 3 - a, -1.0, 1.0, args=(a,))  # noqa: E731
    assert float(cbrt(0.0)) == 0.0   # bisection lands on the triple root exactly
    with pytest.raises(SingularJacobianError):
        osc.grad(cbrt)(0.0)


# --------------------------------------------------------------------------- systems and fixed points

def circle_line(x, r, s):
    """x0² + x1² = r², x1 = s x0, with the root in the first quadrant
    x0 = r / sqrt(1 + s²), x1 = s x0."""
    return np.stack([x[0] ** 2 + x[1] ** 2 - r ** 2, x[1] - s * x[0]])


def circle_line_solution(p):
    r, s = p[0], p[1]
    x0 = r / np.sqrt(1 + s * s)
    return np.stack([x0, s * x0])


def test_fsolve_root_and_derivatives():
    p = np.array([2.0, 0.7])
    sol = lambda p: oopt.fsolve(circle_line, np.array([1.0, 1.0]), args=(p[0], p[1]), xtol=1e-13)  # noqa: E731
    np.testing.assert_array_equal(sol(p), sopt.fsolve(circle_line, np.array([1.0, 1.0]), args=(2.0, 0.7),
                                                      xtol=1e-13))
    np.testing.assert_allclose(sol(p), circle_line_solution(p), rtol=1e-12)
    np.testing.assert_allclose(osc.jacfwd(sol)(p), osc.jacfwd(circle_line_solution)(p), rtol=1e-9)
    np.testing.assert_allclose(osc.jacrev(sol)(p), osc.jacfwd(circle_line_solution)(p), rtol=1e-9)
    H = osc.hessian(lambda p: sol(p)[0])(p)
    np.testing.assert_allclose(H, osc.hessian(lambda p: circle_line_solution(p)[0])(p), rtol=1e-8)
    check_grads(lambda p: np.sum(np.cos(sol(p))), (p,), order=2, modes=("fwd", "rev"))

    x, info, ier, msg = oopt.fsolve(circle_line, np.array([1.0, 1.0]), args=(2.0, 0.7), full_output=True)
    assert ier == 1 and "fvec" in info

    def through(p):
        x, info, ier, msg = oopt.fsolve(circle_line, np.array([1.0, 1.0]), args=(p[0], p[1]), xtol=1e-13,
                                        full_output=True)
        assert ier == 1 and info["nfev"] > 0
        return x

    np.testing.assert_allclose(osc.jacfwd(through)(p), osc.jacfwd(circle_line_solution)(p), rtol=1e-9)


@pytest.mark.parametrize("method", ["hybr", "lm", "krylov"])
def test_root_result_has_a_traced_x(method):
    p = np.array([2.0, 0.7])
    res = lambda p: oopt.root(circle_line, np.array([1.0, 1.0]), args=(p[0], p[1]), method=method,  # noqa: E731
                              tol=1e-13)
    want = sopt.root(circle_line, np.array([1.0, 1.0]), args=(2.0, 0.7), method=method, tol=1e-13)
    got = res(osc.stop_gradient(p))
    assert isinstance(got, sopt.OptimizeResult) and got.success and got.nfev == want.nfev
    np.testing.assert_array_equal(got.x, want.x)
    sol = lambda p: res(p).x  # noqa: E731
    np.testing.assert_allclose(osc.jacfwd(sol)(p), osc.jacfwd(circle_line_solution)(p), rtol=1e-7)
    check_grads(lambda p: sol(p)[1], (p,), order=2, modes=("fwd", "rev"), rtol=1e-4)


def test_root_with_jac_true():
    def fun(x, r, s):
        return circle_line(x, r, s), np.stack([np.stack([2 * x[0], 2 * x[1]]), np.stack([-s, 1.0 + 0 * s])])

    p = np.array([2.0, 0.7])
    sol = lambda p: oopt.root(fun, np.array([1.0, 1.0]), args=(p[0], p[1]), jac=True, tol=1e-13).x  # noqa: E731
    np.testing.assert_array_equal(sol(p), sopt.root(fun, np.array([1.0, 1.0]), args=(2.0, 0.7), jac=True,
                                                    tol=1e-13).x)
    np.testing.assert_allclose(osc.jacrev(sol)(p), osc.jacfwd(circle_line_solution)(p), rtol=1e-9)


def test_fixed_point_scalar_and_array():
    g = lambda x, a: np.cos(a * x)  # noqa: E731
    fp = lambda a: oopt.fixed_point(g, 0.5, args=(a,), xtol=1e-14)  # noqa: E731
    x = fp(1.0)
    assert float(x) == float(sopt.fixed_point(g, 0.5, args=(1.0,), xtol=1e-14))
    assert np.isclose(osc.grad(fp)(1.0), -x * np.sin(x) / (1 + np.sin(x)), rtol=1e-9)
    check_grads(fp, (np.array(1.0),), order=2, modes=("fwd", "rev"))

    c = np.array([0.3, 0.8, 1.2])
    fpa = lambda c: oopt.fixed_point(lambda x, c: 0.5 * np.sin(x) + c, np.zeros(3), args=(c,), xtol=1e-14)  # noqa
    xs = fpa(c)
    np.testing.assert_array_equal(xs, sopt.fixed_point(lambda x, c: 0.5 * np.sin(x) + c, np.zeros(3), args=(c,),
                                                       xtol=1e-14))
    np.testing.assert_allclose(osc.jacfwd(fpa)(c), np.diag(1 / (1 - 0.5 * np.cos(xs))), rtol=1e-9, atol=1e-14)
    check_grads(lambda c: np.sum(fpa(c) ** 2), (c,), order=2, modes=("fwd", "rev"))


# --------------------------------------------------------------------------- minimizers

A = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])


def quadratic(x, t):
    """½ xᵀAx − b(t)ᵀx with b(t) = (sin t, t², 1): x* = A⁻¹ b(t)."""
    return 0.5 * x @ A @ x - (np.sin(t) * x[0] + t ** 2 * x[1] + x[2])


def quadratic_argmin(t):
    return np.linalg.solve(A, np.stack([np.sin(t), t ** 2, 1.0 + 0 * t]))


#: the accuracy of each method's minimizer (Newton-CG's Hessian products are finite differences
#: of the gradient, Nelder-Mead's simplex stops at xatol)
ACCURACY = {"Newton-CG": 1e-7, "Nelder-Mead": 1e-6}


@pytest.mark.parametrize("method", [None, "BFGS", "L-BFGS-B", "Newton-CG", "trust-exact", "trust-ncg",
                                    "trust-krylov", "dogleg", "CG", "Nelder-Mead"])
def test_minimize_argmin_of_a_quadratic(method):
    t = 0.8
    opts = {"xatol": 1e-12, "fatol": 1e-16, "maxiter": 20000} if method == "Nelder-Mead" else None
    tol = {"Nelder-Mead": None, "trust-ncg": 1e-10}.get(method, 1e-12)
    res = lambda t: oopt.minimize(quadratic, np.zeros(3), args=(t,), method=method, tol=tol,  # noqa: E731
                                  options=opts)
    jac = None if method == "Nelder-Mead" else osc.grad(quadratic)
    hess = osc.hessian(quadratic) if method in ("trust-exact", "trust-ncg", "trust-krylov", "dogleg") else None
    want = sopt.minimize(quadratic, np.zeros(3), args=(t,), method=method, jac=jac, hess=hess, tol=tol,
                         options=opts)
    got = res(t)
    assert isinstance(got, sopt.OptimizeResult) and got.success
    np.testing.assert_array_equal(got.x, want.x)   # SciPy's run, with osculate's exact gradient
    np.testing.assert_allclose(got.x, quadratic_argmin(t), rtol=ACCURACY.get(method, 1e-9))
    argmin = lambda t: res(t).x  # noqa: E731
    np.testing.assert_allclose(osc.jacfwd(argmin)(t), osc.jacfwd(quadratic_argmin)(t), rtol=1e-9)
    np.testing.assert_allclose(osc.jacrev(argmin)(t), osc.jacfwd(quadratic_argmin)(t), rtol=1e-9)
    # second derivative: the system A x* = b(t) is linear, so x*'' = A⁻¹ b''(t) exactly
    np.testing.assert_allclose(osc.jacfwd(osc.jacrev(argmin))(t),
                               osc.jacfwd(osc.jacfwd(quadratic_argmin))(t), rtol=1e-9, atol=1e-14)
    # the minimum value, with the envelope theorem: d fun*/dt = ∂fun/∂t at x*
    fun_star = lambda t: res(t).fun  # noqa: E731
    x = got.x
    assert np.isclose(osc.grad(fun_star)(t), -(np.cos(t) * x[0] + 2 * t * x[1]), rtol=1e-8)


def test_minimize_nonlinear_to_second_order():
    def fun(x, p):
        return np.sum(np.cosh(x - p[:2])) + p[2] * np.sum(x ** 4) + x[0] * x[1] * p[0] * 0.1

    # a Newton-type method (exact Hessian) for a minimizer accurate to rounding, so that
    # central differences of it are meaningful
    p = np.array([0.4, -0.3, 0.5])
    res = lambda p: oopt.minimize(fun, np.zeros(2), args=(p,), method="trust-ncg", tol=1e-10)  # noqa: E731
    assert res(p).success and np.max(np.abs(osc.grad(fun)(res(p).x, p))) < 1e-13
    check_grads(lambda p: np.sum(np.sin(res(p).x)), (p,), order=2, modes=("fwd", "rev"))
    check_grads(lambda p: res(p).fun, (p,), order=2, modes=("fwd", "rev"))


def test_minimize_plain_values_use_the_exact_gradient_and_jac_true():
    res = oopt.minimize(oopt.rosen, np.array([-1.2, 1.0]), tol=1e-12)
    want = sopt.minimize(sopt.rosen, np.array([-1.2, 1.0]), jac=sopt.rosen_der, tol=1e-12)
    np.testing.assert_allclose(res.x, want.x, rtol=1e-10)
    assert res.success and np.allclose(res.x, 1.0, rtol=1e-8)

    def both(x, t):
        return quadratic(x, t), osc.grad(quadratic)(x, t)

    argmin = lambda t: oopt.minimize(both, np.zeros(3), args=(t,), jac=True, tol=1e-12).x  # noqa: E731
    np.testing.assert_allclose(osc.jacfwd(argmin)(0.8), osc.jacfwd(quadratic_argmin)(0.8), rtol=1e-9)


def test_minimize_with_inactive_bounds_is_stationary():
    inactive = lambda t: oopt.minimize(quadratic, np.zeros(3), args=(t,), bounds=[(-5, 5)] * 3,  # noqa: E731
                                       tol=1e-14).x
    np.testing.assert_allclose(osc.jacfwd(inactive)(0.8), osc.jacfwd(quadratic_argmin)(0.8), rtol=1e-7)


def held_argmin(t):
    """The minimizer of ``quadratic`` with x1 <= 0 active: x1 = 0 and the free pair solves
    its own block, A_FF x_F = b_F(t)."""
    free = [0, 2]
    xf = np.linalg.solve(A[np.ix_(free, free)], np.stack([np.sin(t), 1.0 + 0 * t]))
    return np.stack([xf[0], 0.0 * t, xf[1]])


@pytest.mark.parametrize("method, bounds", [
    ("L-BFGS-B", [(None, None), (None, 0.0), (None, None)]), ("TNC", [(-9, 9), (-9, 0), (-9, 9)]),
    ("SLSQP", sopt.Bounds([-np.inf, -np.inf, -np.inf], [np.inf, 0.0, np.inf])),
    ("trust-constr", sopt.Bounds([-np.inf, -np.inf, -np.inf], [np.inf, 0.0, np.inf])),
    ("Powell", [(None, None), (None, 0.0), (None, None)]),
])
def test_minimize_holds_active_bounds_fixed(method, bounds):
    t = 0.8
    assert quadratic_argmin(t)[1] > 0 and osc.grad(quadratic)(held_argmin(t), t)[1] < 0   # the bound is active
    tol = {"Powell": 1e-14}.get(method, 1e-12)
    res = lambda t: oopt.minimize(quadratic, np.zeros(3), args=(t,), method=method, bounds=bounds, tol=tol)  # noqa
    with np.errstate(all="ignore"):
        x = res(t).x
        np.testing.assert_allclose(x, held_argmin(t), atol=1e-7)
        d = osc.jacfwd(lambda t: res(t).x)(t)
        np.testing.assert_allclose(d, osc.jacfwd(held_argmin)(t), rtol=1e-7, atol=1e-12)
        assert d[1] == 0.0
        np.testing.assert_allclose(osc.jacrev(lambda t: res(t).x)(t), d, rtol=1e-12, atol=1e-14)
        # the value: d fun*/dt = ∂fun/∂t at x* (the envelope theorem holds with active bounds too)
        assert np.isclose(osc.grad(lambda t: res(t).fun)(t), -(np.cos(t) * x[0] + 2 * t * x[1]), rtol=1e-7)
        np.testing.assert_allclose(osc.jit(lambda t: res(t).x)(0.9), held_argmin(0.9), atol=1e-7)


def test_minimize_with_an_active_bound_to_second_order():
    def fun(x, p):
        return np.sum(np.cosh(x - p[:2])) + p[2] * np.sum(x ** 4)

    p = np.array([0.4, -0.3, 0.5])
    lb = [(-1.0, 1.0), (0.0, 1.0)]   # the second coordinate wants to be negative: held at 0
    res = lambda p: oopt.minimize(fun, np.full(2, 0.5), args=(p,), method="L-BFGS-B", bounds=lb,  # noqa: E731
                                  options={"ftol": 1e-15, "gtol": 1e-13})
    x = res(p).x
    assert x[1] == 0.0
    # the free coordinate solves sinh(x0 − p0) + 4 p2 x0³ = 0
    c = np.cosh(x[0] - p[0])
    D = c + 12 * p[2] * x[0] ** 2
    np.testing.assert_allclose(osc.jacrev(lambda p: res(p).x)(p), [[c / D, 0, -4 * x[0] ** 3 / D], [0, 0, 0]],
                               rtol=1e-10, atol=1e-15)
    # L-BFGS-B's minimizer at nearby p is accurate to ~1e-10 only: wide steps for the differences
    check_grads(lambda p: np.sum(np.sin(res(p).x)) + res(p).fun, (p,), order=2, modes=("fwd", "rev"), eps=1e-3,
                rtol=1e-4)


def test_minimize_constraints_with_traced_args_are_refused():
    cons = {"type": "eq", "fun": lambda x: x[0] - x[1]}
    with pytest.raises(ValueError, match="constraints with traced args"):
        osc.grad(lambda t: oopt.minimize(quadratic, np.zeros(3), args=(t,), constraints=cons).fun)(0.8)
    res = oopt.minimize(quadratic, np.zeros(3), args=(0.8,), constraints=cons)   # plain values: SciPy's answer
    assert res.success and np.isclose(res.x[0], res.x[1])


@pytest.mark.parametrize("kw", [dict(), dict(method="golden"), dict(method="bounded", bounds=(-3.0, 3.0))],
                         ids=["brent", "golden", "bounded"])
def test_minimize_scalar(kw):
    fun = lambda x, a: np.cosh(x - a) + 0.1 * x ** 2  # noqa: E731
    if kw.get("method") == "bounded":
        kw = dict(kw, options={"xatol": 1e-12})
    else:
        kw = dict(kw, tol=1e-12)
    res = lambda a: oopt.minimize_scalar(fun, args=(a,), **kw)  # noqa: E731
    got, want = res(1.0), sopt.minimize_scalar(fun, args=(1.0,), **kw)
    assert got.x == want.x and got.nfev == want.nfev
    xs = lambda a: res(a).x  # noqa: E731
    d = osc.grad(xs)(1.0)
    assert np.isclose(d, np.cosh(got.x - 1) / (np.cosh(got.x - 1) + 0.2), rtol=1e-5)
    # a minimizer is accurate to about sqrt(eps) only (the function is flat there): wide steps
    check_grads(xs, (np.array(1.0),), order=2, modes=("fwd", "rev"), eps=1e-3, rtol=1e-4)
    # envelope theorem: d min/da = ∂fun/∂a = −sinh(x* − a)
    assert np.isclose(osc.grad(lambda a: res(a).fun)(1.0), -np.sinh(got.x - 1.0), rtol=1e-6)


@pytest.mark.parametrize("xatol", [1e-5, 1e-10])
def test_minimize_scalar_bounded_at_a_bound_holds_it(xatol):
    fun = lambda x, a: (x - a) ** 2 + 0.1 * x  # noqa: E731
    lower = lambda a: oopt.minimize_scalar(fun, bounds=(0.0, 2.0), args=(a,), method="bounded",  # noqa: E731
                                           options={"xatol": xatol})
    upper = lambda a: oopt.minimize_scalar(fun, bounds=[0, 2], args=(a,),  # noqa: E731
                                           options={"xatol": xatol})
    for res, at in ((lower, 0.0), (upper, 2.0)):
        a = -1.0 if at == 0.0 else 3.0
        assert abs(res(a).x - at) < 10 * xatol + 1e-7
        assert float(osc.grad(lambda a: res(a).x)(a)) == 0.0
        # the value at a held bound: d/da (x* − a)² = −2 (x* − a)
        assert np.isclose(osc.grad(lambda a: res(a).fun)(a), -2 * (res(a).x - a), rtol=1e-12)
    inner = lambda a: oopt.minimize_scalar(fun, bounds=(0.0, 2.0), args=(a,), options={"xatol": 1e-12}).x  # noqa
    assert np.isclose(osc.grad(inner)(1.0), 1.0, rtol=1e-9)   # x* = a − 0.05 inside


# --------------------------------------------------------------------------- Rosenbrock

def test_rosen_family_matches_scipy_and_differentiates():
    rng = np.random.default_rng(3)
    for n in (2, 3, 6):
        x, p = rng.normal(size=n), rng.normal(size=n)
        np.testing.assert_allclose(oopt.rosen(x), sopt.rosen(x), rtol=1e-13)
        np.testing.assert_allclose(oopt.rosen_der(x), sopt.rosen_der(x), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(oopt.rosen_hess(x), sopt.rosen_hess(x), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(oopt.rosen_hess_prod(x, p), sopt.rosen_hess_prod(x, p), rtol=1e-12, atol=1e-11)
        np.testing.assert_allclose(osc.grad(oopt.rosen)(x), sopt.rosen_der(x), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(osc.jacfwd(oopt.rosen_der)(x), sopt.rosen_hess(x), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(osc.jacrev(lambda x: oopt.rosen_hess_prod(x, p))(x),
                                   osc.jacfwd(lambda x: oopt.rosen_hess(x) @ p)(x), rtol=1e-12, atol=1e-11)
    X = rng.normal(size=(4, 3))   # rosen sums over the first axis
    np.testing.assert_allclose(oopt.rosen(X), sopt.rosen(X), rtol=1e-13)
    x = rng.normal(size=4)
    check_grads(oopt.rosen, (x,), order=2, modes=("fwd", "rev"))
    check_grads(oopt.rosen_der, (x,), order=2, modes=("fwd", "rev"))
    check_grads(lambda x: oopt.rosen_hess(x) @ x, (x,), order=2, modes=("fwd", "rev"))
    check_grads(oopt.rosen_hess_prod, (x, rng.normal(size=4)), order=2, modes=("fwd", "rev"))


# --------------------------------------------------------------------------- vmap, jit, the refusal

def _sqrt(a):
    return oopt.brentq(lambda x, a: x * x - a, 0.0, 100.0, args=(a,))


def test_jit_solves_again_and_vmap_solves_each_member():
    fast, dfast = osc.jit(_sqrt), osc.jit(osc.grad(_sqrt))
    assert np.isclose(fast(4.0), 2.0, rtol=1e-12) and np.isclose(fast(9.0), 3.0, rtol=1e-12)
    assert np.isclose(dfast(4.0), 0.25, rtol=1e-10) and np.isclose(dfast(9.0), 1 / 6, rtol=1e-10)
    a = np.array([4.0, 9.0, 2.25])
    np.testing.assert_allclose(osc.vmap(_sqrt)(a), np.sqrt(a), rtol=1e-12)
    np.testing.assert_allclose(osc.vmap(osc.grad(_sqrt))(a), 0.5 / np.sqrt(a), rtol=1e-10)
    np.testing.assert_allclose(osc.vmap(osc.grad(osc.grad(_sqrt)))(a), -0.25 * a ** -1.5, rtol=1e-9)
    ts = np.array([0.3, 0.8])
    argmin = lambda t: oopt.minimize(quadratic, np.zeros(3), args=(t,), tol=1e-12).x  # noqa: E731
    np.testing.assert_allclose(osc.vmap(argmin)(ts), np.stack([quadratic_argmin(t) for t in ts]), rtol=1e-8)
    np.testing.assert_allclose(osc.jit(argmin)(1.1), quadratic_argmin(1.1), rtol=1e-8)


def test_statistics_under_vmap_are_the_last_members_with_every_members_flag():
    seen = []

    def root(a):
        x, info = oopt.brentq(lambda x, a: x * x - a, 0.0, 100.0, args=(a,), full_output=True)
        seen.append((info.converged, info.iterations))
        return info.root

    np.testing.assert_allclose(osc.vmap(root)(np.array([4.0, 9.0])), [2.0, 3.0], rtol=1e-12)
    last = sopt.brentq(lambda x, a: x * x - a, 0.0, 100.0, args=(9.0,), full_output=True)[1]
    assert seen == [(True, last.iterations)]

    flags = []

    def fails_for_one(a):
        res = oopt.root_scalar(lambda x, a: x * x - a, args=(a,), x0=1.0, fprime=lambda x, a: 2 * x,
                               maxiter=int(5), method="newton")
        flags.append(res.converged)
        return res.root

    with np.errstate(all="ignore"):
        osc.vmap(fails_for_one)(np.array([1.0, 1e6]))   # the second member does not converge in 5 steps
    assert flags == [False]


def test_scipys_own_call_on_a_tracer_names_osculates_function():
    with pytest.raises(osc.ad.core.UnsupportedConversionError, match=r"osculate\.scipy\.optimize\.brentq"):
        osc.grad(lambda a: sopt.brentq(lambda x, a: x * x - a, 0.0, 3.0, args=(a,)))(2.0)


@pytest.mark.parametrize("call", [
    lambda a: oopt.brentq(lambda x: x - a, -5.0, 5.0),
    lambda a: oopt.fsolve(lambda x: x - a, np.zeros(1)),   # (MINPACK would mask the cause)
    lambda a: oopt.minimize(lambda x, b: np.sum((x - a * b) ** 2), np.zeros(1), args=(a,)).x,
], ids=["brentq", "fsolve", "minimize"])
def test_a_traced_value_closed_over_is_refused_in_one_line(call):
    with pytest.raises(osc.ad.core.ConcretizationError, match=r"closes over.*pass such values through args"):
        osc.grad(lambda a: np.sum(call(a)))(1.0)
