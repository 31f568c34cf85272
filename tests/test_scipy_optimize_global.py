"""osculate.scipy.optimize's global optimizers (differential_evolution, dual_annealing,
shgo, direct, basinhopping, brute): plain calls are SciPy's (same seed), traced
``args`` give SciPy's point with the derivative of the local minimizer it ends at,
checked against closed forms to second order (a quadratic, whose minimizer is
A⁻¹b, and a nonlinear energy), bounds held, vmap and jit, clear refusals."""

import numpy as np
import pytest
import scipy.optimize as sopt

import osculate as osc
from osculate.scipy import optimize as oopt
from osculate.testing import check_grads

A = np.array([[3.0, 0.5, 0.0], [0.5, 2.0, 0.3], [0.0, 0.3, 1.5]])
B = np.array([1.0, -0.5, 0.25])
BOUNDS = [(-3.0, 3.0)] * 3


def quadratic(x, b):
    return 0.5 * x @ A @ x - b @ x


def energy(x, b):
    """Strictly convex, with a minimizer that moves nonlinearly with b."""
    return 0.5 * x @ A @ x - b @ x + 0.1 * np.sum(np.cosh(x))


def hessian_inverse(x):
    return np.linalg.inv(A + 0.1 * np.diag(np.cosh(x)))


def second_derivative(x):
    """d²x*/db_j db_k for energy: −Σ_l H⁻¹[:, l] 0.1 sinh(x_l) H⁻¹[l, j] H⁻¹[l, k]."""
    h = hessian_inverse(x)
    return -np.einsum("il,l,lj,lk->ijk", h, 0.1 * np.sinh(x), h, h)


def run(module, name, f, b, **extra):
    """One call of the optimizer ``name`` of ``module`` (osculate's or SciPy's), seeded."""
    fn = getattr(module, name)
    if name == "differential_evolution":
        return fn(f, BOUNDS, args=(b,), rng=1, **extra)
    if name == "dual_annealing":
        return fn(f, BOUNDS, args=(b,), maxiter=30, rng=1, **extra)
    if name == "shgo":
        return fn(f, BOUNDS, args=(b,), **extra)
    if name == "direct":
        return fn(f, BOUNDS, args=(b,), **extra)
    if name == "basinhopping":
        return fn(f, np.zeros(3), niter=4, rng=1, minimizer_kwargs={"args": (b,)}, **extra)
    raise AssertionError(name)


NAMES = ["differential_evolution", "dual_annealing", "shgo", "direct", "basinhopping"]


@pytest.mark.parametrize("name", NAMES)
def test_plain_and_traced_results_are_scipys(name):
    theirs = run(sopt, name, energy, B)
    ours = run(oopt, name, energy, B)
    np.testing.assert_array_equal(ours.x, theirs.x)   # nothing traced: SciPy's call
    assert ours.fun == theirs.fun
    seen = {}

    def traced(b):
        res = run(oopt, name, energy, b)
        seen["res"] = res
        return res.x

    x = osc.jvp(traced, (B,), (np.zeros(3),))[0]
    np.testing.assert_allclose(x, theirs.x, rtol=1e-14, atol=1e-14)   # the same search on the same values
    assert seen["res"].success == theirs.success and seen["res"].nfev == theirs.nfev


@pytest.mark.parametrize("name", NAMES)
def test_quadratic_minimizer_derivative_is_A_inverse(name):
    xs = lambda b: run(oopt, name, quadratic, b).x  # noqa: E731
    np.testing.assert_allclose(osc.jacfwd(xs)(B), np.linalg.inv(A), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(osc.jacrev(xs)(B), np.linalg.inv(A), rtol=1e-12, atol=1e-12)
    if name != "direct":   # (DIRECT stops within its tolerances of A⁻¹b; the others polish)
        np.testing.assert_allclose(xs(B), np.linalg.solve(A, B), atol=1e-4)


@pytest.mark.parametrize("name", NAMES)
def test_nonlinear_minimizer_derivatives_to_second_order(name):
    xs = lambda b: run(oopt, name, energy, b).x  # noqa: E731
    x = xs(B)
    np.testing.assert_allclose(osc.jacfwd(xs)(B), hessian_inverse(x), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(osc.jacfwd(osc.jacrev(xs))(B), second_derivative(x), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(osc.jacrev(osc.jacfwd(xs))(B), second_derivative(x), rtol=1e-9, atol=1e-12)
    # the value's derivative: ∂energy/∂b + ∇ₓenergy · dx*/db (−x, the envelope theorem, at an exact minimizer;
    # the search stops within its tolerance); then against finite differences to second order
    fun = lambda b: run(oopt, name, energy, b).fun  # noqa: E731
    chain = -x + (A @ x - B + 0.1 * np.sinh(x)) @ hessian_inverse(x)
    np.testing.assert_allclose(osc.grad(fun)(B), chain, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(osc.grad(fun)(B), -x, rtol=1e-3 if name == "direct" else 1e-4)
    if name in ("shgo", "differential_evolution"):
        check_grads(fun, (B,), order=2, modes=("fwd", "rev"), eps=1e-4, rtol=1e-4, atol=1e-6)


def test_active_bounds_are_held():
    far = np.array([10.0, -0.5, 0.25])   # pushes the first coordinate onto its upper bound 3
    for name in ("differential_evolution", "shgo", "dual_annealing"):
        res = run(oopt, name, quadratic, far)
        assert abs(res.x[0] - 3.0) < 1e-12
        d = osc.jacfwd(lambda b: run(oopt, name, quadratic, b).x)(far)
        free = np.array([1, 2])
        want = np.zeros((3, 3))
        want[np.ix_(free, free)] = np.linalg.inv(A[np.ix_(free, free)])
        np.testing.assert_allclose(d, want, atol=1e-12)


def test_basinhopping_with_traced_start_bounds_and_jac():
    f_and_g = lambda x, b: (energy(x, b), osc.grad(energy)(x, b))  # noqa: E731
    kw = {"args": (B,), "jac": True, "method": "L-BFGS-B", "bounds": BOUNDS}
    theirs = sopt.basinhopping(f_and_g, np.zeros(3), niter=3, rng=2, minimizer_kwargs=kw)

    def xs(b, x0):
        return oopt.basinhopping(f_and_g, x0, niter=3, rng=2, minimizer_kwargs=dict(kw, args=(b,))).x

    np.testing.assert_allclose(osc.jvp(xs, (B, np.zeros(3)), (np.zeros(3), np.ones(3)))[0], theirs.x, rtol=1e-14)
    jb, jx0 = osc.jacfwd(xs, argnums=(0, 1))(B, np.zeros(3))
    np.testing.assert_allclose(jb, hessian_inverse(theirs.x), rtol=1e-10)
    np.testing.assert_array_equal(jx0, 0.0)   # the starting point: derivative zero


def test_brute():
    ranges = ((-2, 2),) * 3
    theirs = sopt.brute(energy, ranges, args=(B,), Ns=7, full_output=True)
    ours = oopt.brute(energy, ranges, args=(B,), Ns=7, full_output=True)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
    xs = lambda b: oopt.brute(energy, ranges, args=(b,), Ns=7)  # noqa: E731
    x = xs(B)
    np.testing.assert_allclose(osc.jacfwd(xs)(B), hessian_inverse(x), rtol=1e-10)
    np.testing.assert_allclose(osc.jacrev(osc.jacfwd(xs))(B), second_derivative(x), rtol=1e-9, atol=1e-12)
    out = osc.jvp(lambda b: oopt.brute(energy, ranges, args=(b,), Ns=7, full_output=True)[1], (B,), (B,))
    np.testing.assert_allclose(out[0], theirs[1], rtol=1e-14)
    np.testing.assert_allclose(out[1], -x @ B, rtol=1e-3)   # envelope: ∂fval/∂b ≈ −x (fmin's xtol=1e-4)
    # without finish, a grid point: a constant
    grid_point = lambda b: oopt.brute(energy, ranges, args=(b,), Ns=7, finish=None)  # noqa: E731
    np.testing.assert_array_equal(osc.jacfwd(grid_point)(B), 0.0)
    np.testing.assert_array_equal(osc.jvp(grid_point, (B,), (B,))[0],
                                  sopt.brute(energy, ranges, args=(B,), Ns=7, finish=None))


def test_vmap_and_jit():
    bs = np.stack([B, 2 * B, -B])
    xs = lambda b: oopt.shgo(energy, BOUNDS, args=(b,)).x  # noqa: E731
    batched = osc.vmap(xs)(bs)
    for i, b in enumerate(bs):
        np.testing.assert_allclose(batched[i], sopt.shgo(energy, BOUNDS, args=(b,)).x, rtol=1e-14)
    jitted = osc.jit(osc.jacfwd(xs))
    for b in (B, 2 * B):   # the search runs again at each replay
        x = sopt.shgo(energy, BOUNDS, args=(b,)).x
        np.testing.assert_allclose(jitted(b), hessian_inverse(x), rtol=1e-10)


def test_refusals():
    cons = {"type": "ineq", "fun": lambda x: 1.0 - x[0]}
    with pytest.raises(ValueError, match="constraints with traced args"):
        osc.grad(lambda b: oopt.shgo(energy, BOUNDS, args=(b,), constraints=cons).fun)(B)
    with pytest.raises(ValueError, match="vectorized=True with traced args"):
        osc.grad(lambda b: oopt.differential_evolution(energy, BOUNDS, args=(b,), vectorized=True,
                                                       updating="deferred").fun)(B)
    with pytest.raises(osc.ConcretizationError, match="pass such values through args"):
        osc.grad(lambda b: oopt.direct(lambda x: energy(x, b), BOUNDS).fun)(B)
