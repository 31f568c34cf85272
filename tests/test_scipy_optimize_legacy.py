"""osculate.scipy.optimize's older minimizer functions (fmin, fmin_powell, fmin_cg,
fmin_bfgs, fmin_ncg, fmin_l_bfgs_b, fmin_tnc, fminbound, brent, golden) and the finite
differences approx_fprime / check_grad: plain calls are SciPy's, traced ``args`` give
SciPy's minimizer with the derivative of the exact one (closed forms, second order in
forward and reverse mode), and SciPy's output tuples keep their layout."""

import numpy as np
import pytest
import scipy.optimize as sopt

import osculate as osc
from osculate.scipy import optimize as oopt
from osculate.testing import check_grads

A = np.array([[3.0, 0.5, 0.0], [0.5, 2.0, 0.3], [0.0, 0.3, 1.5]])
B = np.array([1.0, -0.5, 0.25])


def energy(x, b):
    """A strictly convex function whose minimizer moves nonlinearly with b."""
    return 0.5 * x @ A @ x - b @ x + 0.1 * np.sum(np.cosh(x))


def minimizer_derivative(x):
    """dx*/db = H⁻¹ at the minimizer (∇ₓ energy = A x − b + 0.1 sinh x = 0)."""
    return np.linalg.inv(A + 0.1 * np.diag(np.cosh(x)))


TIGHT = {
    "fmin": dict(xtol=1e-12, ftol=1e-15, maxiter=20000, maxfun=20000, disp=0),
    "fmin_powell": dict(xtol=1e-12, ftol=1e-15, disp=0),
    "fmin_cg": dict(gtol=1e-12, disp=0),
    "fmin_bfgs": dict(gtol=1e-12, disp=0),
    "fmin_ncg": dict(avextol=1e-14, disp=0),
}


def call(module, name, b, **extra):
    fn = getattr(module, name)
    x0 = np.zeros(3)
    if name == "fmin_ncg":
        return fn(energy, x0, osc.grad(energy), args=(b,), **TIGHT[name], **extra)
    return fn(energy, x0, args=(b,), **TIGHT[name], **extra)


@pytest.mark.parametrize("name", list(TIGHT))
def test_unconstrained_minimizers(name):
    plain = call(sopt, name, B) if name not in ("fmin_cg", "fmin_bfgs") else call(sopt, name, B, fprime=osc.grad(energy))
    np.testing.assert_array_equal(call(oopt, name, B), plain)   # plain call: SciPy's (exact gradient given)
    xs = lambda b: call(oopt, name, b)  # noqa: E731
    x = xs(B)
    tol = 1e-6 if name in ("fmin", "fmin_powell") else 1e-9   # (derivative-free methods stop within xtol)
    np.testing.assert_allclose(osc.jacfwd(xs)(B), minimizer_derivative(x), rtol=tol, atol=tol)
    np.testing.assert_allclose(osc.jacrev(xs)(B), minimizer_derivative(x), rtol=tol, atol=tol)
    check_grads(lambda b: np.sum(xs(b) ** 3), (B,), order=2, modes=("fwd", "rev"), eps=1e-4, rtol=1e-3)


@pytest.mark.parametrize("name", list(TIGHT))
def test_full_output_keeps_scipys_layout(name):
    seen = {}

    def traced(b):
        out = call(oopt, name, b, full_output=True)
        seen["out"] = out
        return out[1]

    g = osc.grad(traced)(B)
    out = seen["out"]
    theirs = call(sopt, name, B, full_output=True,
                  **({"fprime": osc.grad(energy)} if name in ("fmin_cg", "fmin_bfgs") else {}))
    assert len(out) == len(theirs)
    x = out[0].primal
    np.testing.assert_allclose(g, -x, rtol=1e-6, atol=1e-9)   # the envelope theorem: ∂energy/∂b = −x
    if name == "fmin_bfgs":
        np.testing.assert_allclose(out[2].primal, osc.grad(energy)(x, B), atol=1e-12)   # gopt at the solution
    for k in range(3 if name == "fmin_bfgs" else 2, len(out)):
        assert np.shape(out[k]) == np.shape(theirs[k])


@pytest.mark.parametrize("name", ["fmin_l_bfgs_b", "fmin_tnc"])
def test_bounded_minimizers_hold_active_coordinates(name):
    bounds = [(-1.0, 1.0), (0.0, 1.0), (-1.0, 1.0)]   # the second coordinate's optimum (< 0) is cut at 0
    kw = dict(pgtol=1e-12) if name == "fmin_l_bfgs_b" else dict(pgtol=1e-12, messages=0)
    fn = getattr(oopt, name)
    xs = lambda b: fn(energy, np.zeros(3), args=(b,), approx_grad=1, bounds=bounds, **kw)[0]  # noqa: E731
    x = xs(B)
    assert x[1] == 0.0
    J = osc.jacfwd(xs)(B)
    np.testing.assert_allclose(J[1], 0.0, atol=1e-15)
    free = [0, 2]
    H = A + 0.1 * np.diag(np.cosh(x))
    np.testing.assert_allclose(J[np.ix_(free, free)], np.linalg.inv(H[np.ix_(free, free)]), rtol=1e-6, atol=1e-9)
    pair = lambda x, b: (energy(x, b), osc.grad(energy)(x, b))  # noqa: E731  (func returning (f, g))
    xs2 = lambda b: fn(pair, np.zeros(3), args=(b,), bounds=bounds, **kw)[0]  # noqa: E731
    np.testing.assert_allclose(osc.jacfwd(xs2)(B), J, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", ["fminbound", "brent", "golden"])
def test_scalar_minimizers(name):
    f = lambda x, a: np.cosh(x - a) + 0.2 * x ** 2  # noqa: E731
    if name == "fminbound":
        xs = lambda a: oopt.fminbound(f, -4.0, 4.0, args=(a,), xtol=1e-12)  # noqa: E731
        plain = sopt.fminbound(f, -4.0, 4.0, args=(0.7,), xtol=1e-12)
    else:
        xs = lambda a: getattr(oopt, name)(f, args=(a,), tol=1e-12)  # noqa: E731
        plain = getattr(sopt, name)(f, args=(0.7,), tol=1e-12)
    x = float(xs(0.7))
    assert x == plain
    c = np.cosh(x - 0.7)
    np.testing.assert_allclose(osc.grad(xs)(0.7), c / (c + 0.4), rtol=1e-7)   # −f_xa / f_xx
    check_grads(xs, (0.7,), order=2, modes=("fwd", "rev"), eps=1e-4, rtol=1e-3)


def test_fminbound_holds_a_minimizer_on_its_bound():
    xs = lambda a: oopt.fminbound(lambda x, a: (x - a) ** 2, 0.0, 1.0, args=(a,), xtol=1e-10)  # noqa: E731
    assert abs(float(xs(2.0)) - 1.0) < 1e-7   # (the bounded method stops about sqrt(eps) inside)
    assert float(osc.grad(xs)(2.0)) == 0.0


def test_approx_fprime_and_check_grad_on_traced_values():
    f = lambda x: np.sum(np.sin(x) * x)  # noqa: E731
    x = np.array([0.3, -1.2, 2.0])
    np.testing.assert_allclose(oopt.approx_fprime(x, f, 1e-7), sopt.approx_fprime(x, f, 1e-7), rtol=0, atol=1e-15)
    traced = osc.jacfwd(lambda x: oopt.approx_fprime(x, f, 1e-5))(x)   # ≈ the Hessian
    np.testing.assert_allclose(traced, osc.hessian(f)(x), atol=1e-4)
    vec = lambda x: np.stack([x[0] * x[1], np.exp(x[2])])  # noqa: E731
    np.testing.assert_allclose(oopt.approx_fprime(x, vec), sopt.approx_fprime(x, vec), rtol=1e-12)
    g = lambda x: np.sin(x) + x * np.cos(x)  # noqa: E731
    assert oopt.check_grad(f, g, x) == sopt.check_grad(f, g, x)
    err = osc.grad(lambda x: oopt.check_grad(f, g, x, epsilon=1e-6))(x)
    assert np.all(np.isfinite(err))
    value = osc.jit(lambda x: oopt.check_grad(f, g, x, direction="random", rng=3))(x)
    assert float(value) == pytest.approx(sopt.check_grad(f, g, x, direction="random", rng=3), rel=1e-9, abs=1e-12)
