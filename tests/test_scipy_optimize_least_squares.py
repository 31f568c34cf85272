"""osculate.scipy.optimize's least-squares solvers (least_squares, curve_fit, leastsq,
lsq_linear, nnls): plain calls are SciPy's; with traced data the solution is SciPy's to
the bit and its derivatives, from the stationarity of the cost, agree with closed forms
and with central differences of SciPy's own solutions, to second order, in forward and
reverse mode, under jit and vmap; the fields computed again on the traced solution
(residuals, cost, Jacobian, covariance) agree with SciPy's."""

import numpy as np
import pytest
import scipy.optimize as sopt

import osculate as osc
from osculate.scipy import optimize as oopt
from osculate.testing import check_grads

RNG = np.random.default_rng(11)
T = np.linspace(0.0, 2.0, 12)
Y = 1.7 * np.exp(-0.8 * T) + 0.05 * RNG.standard_normal(T.size)
TIGHT = dict(ftol=1e-15, xtol=1e-15, gtol=1e-15)


def decay(k, t, y):
    return k[1] * np.exp(-k[0] * t) - y


def sensitivity(cost, x, y):
    """dx*/dy = −(∂²cost/∂x²)⁻¹ ∂²cost/∂x∂y at the minimizer x*, from the joint Hessian
    of cost(x, y) (the implicit function theorem written out, by another road)."""
    n = x.size
    H = osc.hessian(lambda z: cost(z[:n], z[n:]))(np.concatenate([x, y]))
    return -np.linalg.solve(H[:n, :n], H[:n, n:])


def decay_jac(k, t, y):
    e = np.exp(-k[0] * t)
    return np.stack([-t * k[1] * e, e], axis=1)


def central(fn, y, h=1e-4):
    """d fn / d y by central differences of the plain solver (one column per entry of y):
    the solver stops within its tolerances, so these agree to about 1e-5 only."""
    cols = []
    for i in range(y.size):
        e = np.zeros_like(y)
        e[i] = h
        cols.append((np.asarray(fn(y + e)) - np.asarray(fn(y - e))) / (2 * h))
    return np.stack(cols, axis=-1)


# --------------------------------------------------------------------------- least_squares

def test_least_squares_plain_call_is_scipys():
    ours = oopt.least_squares(decay, np.array([1.0, 1.0]), args=(T, Y))
    theirs = sopt.least_squares(decay, np.array([1.0, 1.0]), args=(T, Y))
    assert np.array_equal(ours.x, theirs.x) and ours.nfev == theirs.nfev


@pytest.mark.parametrize("loss", ["linear", "soft_l1", "huber", "cauchy", "arctan"])
def test_least_squares_solution_and_derivatives_in_the_data(loss):
    fit = lambda y: oopt.least_squares(decay, np.array([1.0, 1.0]), args=(T, y), loss=loss, f_scale=0.1,  # noqa: E731
                                       jac=decay_jac, **TIGHT).x
    plain = sopt.least_squares(decay, np.array([1.0, 1.0]), args=(T, Y), loss=loss, f_scale=0.1, jac=decay_jac,
                               **TIGHT).x
    assert np.array_equal(fit(Y), plain)   # SciPy's solve, the same bits
    J = osc.jacfwd(fit)(Y)
    rho = {"linear": lambda z: z, "soft_l1": lambda z: 2 * ((1 + z) ** 0.5 - 1), "cauchy": np.log1p,
           "arctan": np.arctan, "huber": lambda z: np.where(z <= 1, z, 2 * np.sqrt(np.maximum(z, 1)) - 1)}[loss]
    cost = lambda k, y: 0.5 * 0.01 * np.sum(rho((decay(k, T, y) / 0.1) ** 2))  # noqa: E731
    np.testing.assert_allclose(J, sensitivity(cost, plain, Y), rtol=1e-8, atol=1e-12)
    if loss != "huber":   # (differences across huber's kink are meaningless)
        np.testing.assert_allclose(J, central(fit, Y), rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(osc.jacrev(fit)(Y), J, rtol=1e-10, atol=1e-13)
    check_grads(lambda y: np.sum(np.sin(fit(y))), (Y,), order=2, modes=("fwd", "rev"), eps=1e-4, rtol=1e-3)


def test_least_squares_fields_are_recomputed_on_the_traced_solution():
    for loss in ("linear", "cauchy"):
        theirs = sopt.least_squares(decay, np.array([1.0, 1.0]), args=(T, Y), jac=decay_jac, loss=loss,
                                    f_scale=0.2, **TIGHT)
        seen = {}

        def fields(y):
            res = oopt.least_squares(decay, np.array([1.0, 1.0]), args=(T, y), jac=decay_jac, loss=loss, f_scale=0.2,
                                     **TIGHT)
            seen.update(fun=res.fun.primal, cost=res.cost.primal, jac=res.jac.primal, grad=res.grad.primal,
                        nfev=res.nfev, success=res.success)
            return res.cost

        osc.grad(fields)(Y)
        np.testing.assert_allclose(seen["fun"], theirs.fun, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(seen["cost"], theirs.cost, rtol=1e-13)
        np.testing.assert_allclose(seen["jac"], theirs.jac, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(seen["grad"], theirs.grad, atol=1e-12)
        assert seen["nfev"] == theirs.nfev and seen["success"]


def test_least_squares_value_derivative_is_the_envelope_theorem():
    # d cost*/dy = ∂cost/∂y at the optimum = −f(x*)
    cost = lambda y: oopt.least_squares(decay, np.array([1.0, 1.0]), args=(T, y), jac=decay_jac, **TIGHT).cost  # noqa: E731
    x = sopt.least_squares(decay, np.array([1.0, 1.0]), args=(T, Y), jac=decay_jac, **TIGHT).x
    np.testing.assert_allclose(osc.grad(cost)(Y), -decay(x, T, Y), rtol=1e-9, atol=1e-14)


def test_least_squares_active_bound_holds_its_coordinate():
    # the amplitude is capped below the unconstrained optimum: it stays on the cap
    bounds = ([0.0, 0.0], [5.0, 1.2])
    fit = lambda y: oopt.least_squares(decay, np.array([1.0, 1.0]), args=(T, y), bounds=bounds,  # noqa: E731
                                       jac=decay_jac, **TIGHT).x
    x = fit(Y)
    assert abs(x[1] - 1.2) < 1e-12
    J = osc.jacfwd(fit)(Y)
    np.testing.assert_array_equal(J[1], 0.0)
    # the free coordinate: the one-parameter fit with the amplitude fixed on its bound
    cost = lambda k, y: 0.5 * np.sum((1.2 * np.exp(-k[0] * T) - y) ** 2)  # noqa: E731
    np.testing.assert_allclose(J[:1], sensitivity(cost, x[:1], Y), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(J, central(fit, Y), rtol=1e-3, atol=1e-4)


def test_least_squares_kwargs_are_differentiable():
    fun = lambda k, t, *, y: decay(k, t, y)  # noqa: E731
    fit = lambda y: oopt.least_squares(fun, np.array([1.0, 1.0]), args=(T,), kwargs={"y": y}, jac=lambda k, t, y:  # noqa: E731
                                       decay_jac(k, t, y), **TIGHT).x
    plain = lambda y: oopt.least_squares(decay, np.array([1.0, 1.0]), args=(T, y), jac=decay_jac, **TIGHT).x  # noqa: E731
    np.testing.assert_allclose(osc.jacfwd(fit)(Y), osc.jacfwd(plain)(Y), rtol=1e-12)


def test_least_squares_under_jit_and_vmap():
    fit = lambda y: oopt.least_squares(decay, np.array([1.0, 1.0]), args=(T, y), jac=decay_jac, **TIGHT).x  # noqa: E731
    g = lambda y: osc.grad(lambda z: fit(z)[0])(y)  # noqa: E731
    staged = osc.jit(g)
    np.testing.assert_allclose(staged(Y), g(Y), rtol=1e-12)
    Y2 = Y + 0.01 * np.cos(T)
    np.testing.assert_allclose(staged(Y2), g(Y2), rtol=1e-12)   # replayed: solved again at the new data
    batch = np.stack([Y, Y2])
    np.testing.assert_allclose(osc.vmap(fit)(batch), np.stack([fit(Y), fit(Y2)]), rtol=1e-12)


# --------------------------------------------------------------------------- curve_fit

def model(t, a, k):
    return a * np.exp(-k * t)


def model_jac(t, a, k):
    e = np.exp(-k * t)
    return np.stack([e, -a * t * e], axis=1)


@pytest.mark.parametrize("method", ["lm", "trf"])
@pytest.mark.parametrize("weights", ["none", "errors", "covariance"])
def test_curve_fit_popt_pcov_and_derivatives(method, weights):
    sigma = {"none": None, "errors": 0.05 + 0.02 * T,
             "covariance": np.diag((0.05 + 0.02 * T) ** 2) + 1e-4 * np.exp(-np.abs(T[:, None] - T[None, :]))}[weights]
    opts = dict(p0=[1.0, 1.0], sigma=sigma, method=method, jac=model_jac)
    extra = dict(xtol=1e-15, ftol=1e-15, gtol=1e-15) if method == "trf" else dict(xtol=1e-14, ftol=1e-14)
    popt, pcov = sopt.curve_fit(model, T, Y, **opts, **extra)
    fit = lambda y: oopt.curve_fit(model, T, y, **opts, **extra)  # noqa: E731
    ours_popt, ours_pcov = fit(Y)
    np.testing.assert_array_equal(ours_popt, popt)
    seen = {}

    def traced(y):
        p, c = fit(y)
        seen["pcov"] = c.primal
        return p

    J = osc.jacfwd(traced)(Y)
    np.testing.assert_allclose(seen["pcov"], pcov, rtol=1e-8)   # (SciPy's lm pcov comes from MINPACK's R)
    if sigma is None:
        w = lambda r: r  # noqa: E731
    elif sigma.ndim == 1:
        w = lambda r: r / sigma  # noqa: E731
    else:
        w = lambda r: np.linalg.solve(np.linalg.cholesky(sigma), r)  # noqa: E731
    cost = lambda p, y: 0.5 * np.sum(w(model(T, *p) - y) ** 2)  # noqa: E731
    np.testing.assert_allclose(J, sensitivity(cost, popt, Y), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(J, central(lambda y: fit(y)[0], Y), rtol=1e-3, atol=1e-4)
    if weights == "errors":   # the data of a weighted linear problem's gradient: (JᵀWJ)⁻¹ JᵀW at first order
        check_grads(lambda s: oopt.curve_fit(model, T, Y, p0=[1.0, 1.0], sigma=s, method=method, jac=model_jac,
                                             **extra)[0], (sigma,), order=1, modes=("fwd", "rev"), eps=1e-6,
                    rtol=1e-4)


def test_curve_fit_pcov_is_differentiable_and_absolute_sigma_skips_the_scale():
    sigma = 0.05 + 0.02 * T
    rel = lambda y: oopt.curve_fit(model, T, y, p0=[1.0, 1.0], sigma=sigma, jac=model_jac)[1]  # noqa: E731
    ab = lambda y: oopt.curve_fit(model, T, y, p0=[1.0, 1.0], sigma=sigma, jac=model_jac, absolute_sigma=True)[1]  # noqa: E731
    np.testing.assert_allclose(ab(Y), sopt.curve_fit(model, T, Y, p0=[1.0, 1.0], sigma=sigma, jac=model_jac,
                                                     absolute_sigma=True)[1], rtol=1e-8)
    d = osc.jacfwd(lambda y: rel(y)[0, 0])(Y)
    np.testing.assert_allclose(d, central(lambda y: np.array([sopt.curve_fit(
        model, T, y, p0=[1.0, 1.0], sigma=sigma, jac=model_jac, xtol=1e-14, ftol=1e-14)[1][0, 0]]), Y)[0],
        rtol=1e-4, atol=1e-9)


def test_curve_fit_linear_model_gradient_is_the_pseudo_inverse():
    line = lambda x, a, b: a * x + b  # noqa: E731
    fit = lambda y: oopt.curve_fit(line, T, y)[0]  # noqa: E731
    np.testing.assert_allclose(osc.jacrev(fit)(Y), np.linalg.pinv(np.vander(T, 2)), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(osc.hessian(lambda y: fit(y)[0])(Y), 0.0, atol=1e-9)


def test_curve_fit_in_xdata_full_output_and_bounds():
    fit = lambda t: oopt.curve_fit(model, t, Y, p0=[1.0, 1.0], jac=model_jac, bounds=([0, 0], [1.5, 5]),  # noqa: E731
                                   full_output=True, xtol=1e-15, ftol=1e-15, gtol=1e-15)
    popt, pcov, info, mesg, ier = fit(T)
    assert abs(popt[0] - 1.5) < 1e-12 and ier in (1, 2, 3, 4) and info["fvec"].shape == T.shape
    J = osc.jacfwd(lambda t: fit(t)[0])(T)
    np.testing.assert_allclose(J[0], 0.0, atol=1e-15)   # held on its bound
    np.testing.assert_allclose(J, central(lambda t: fit(t)[0], T), rtol=1e-3, atol=1e-4)


def test_curve_fit_refusals():
    with pytest.raises(ValueError, match="nan_policy='omit' needs plain data"):
        osc.grad(lambda y: oopt.curve_fit(model, T, y, p0=[1.0, 1.0], nan_policy="omit")[0][0])(Y)
    with pytest.raises(ValueError, match="incorrect shape"):
        osc.grad(lambda y: oopt.curve_fit(model, T, y, p0=[1.0, 1.0], sigma=np.ones(3))[0][0])(Y)
    with pytest.raises(ValueError, match="only works for unconstrained"):
        osc.grad(lambda y: oopt.curve_fit(model, T, y, p0=[1.0, 1.0], method="lm", bounds=(0, 2))[0][0])(Y)


# --------------------------------------------------------------------------- leastsq

def test_leastsq_solution_covariance_and_derivatives():
    fit = lambda y: oopt.leastsq(decay, np.array([1.0, 1.0]), args=(T, y), Dfun=decay_jac, full_output=True,  # noqa: E731
                                 xtol=1e-14, ftol=1e-14)
    x, cov, info, mesg, ier = sopt.leastsq(decay, np.array([1.0, 1.0]), args=(T, Y), Dfun=decay_jac,
                                           full_output=True, xtol=1e-14, ftol=1e-14)
    ours = fit(Y)
    np.testing.assert_array_equal(ours[0], x)
    np.testing.assert_allclose(ours[1], cov, rtol=1e-8)
    assert ours[4] == ier
    J = osc.jacfwd(lambda y: fit(y)[0])(Y)
    np.testing.assert_allclose(J, sensitivity(lambda k, y: 0.5 * np.sum(decay(k, T, y) ** 2), x, Y), rtol=1e-8,
                               atol=1e-12)
    x2, ier2 = oopt.leastsq(decay, np.array([1.0, 1.0]), args=(T, Y))
    assert ier2 in (1, 2, 3, 4) and np.allclose(x2, x, atol=1e-6)


# --------------------------------------------------------------------------- lsq_linear and nnls

A = RNG.standard_normal((8, 3))
B = RNG.standard_normal(8)


def test_lsq_linear_free_and_active_coordinates():
    free = lambda A, b: oopt.lsq_linear(A, b).x  # noqa: E731
    np.testing.assert_allclose(osc.jacfwd(lambda b: free(A, b))(B), np.linalg.pinv(A), rtol=1e-9, atol=1e-12)
    x = sopt.lsq_linear(A, B).x
    lo = x - 10.0
    lo[1] = x[1] + 0.3   # coordinate 1 pushed onto its lower bound, the others free
    bounded = lambda A, b: oopt.lsq_linear(A, b, bounds=(lo, 10.0)).x  # noqa: E731
    xb = bounded(A, B)
    assert abs(xb[1] - lo[1]) < 1e-9
    Jb = osc.jacfwd(lambda b: bounded(A, b))(B)
    np.testing.assert_array_equal(Jb[1], 0.0)
    keep = [0, 2]
    np.testing.assert_allclose(Jb[keep], np.linalg.pinv(A[:, keep]), rtol=1e-8, atol=1e-11)
    check_grads(lambda A: bounded(A, B), (A,), order=2, modes=("fwd", "rev"), eps=1e-5, rtol=1e-4)
    res = oopt.lsq_linear(A, B)
    assert np.array_equal(res.x, sopt.lsq_linear(A, B).x)


def test_nnls_holds_zero_coordinates_and_differentiates_the_others():
    b = A @ np.array([1.0, -0.5, 2.0]) + 0.01 * RNG.standard_normal(8)
    x, rnorm = sopt.nnls(A, b)
    sol = lambda A, b: oopt.nnls(A, b)  # noqa: E731
    ours_x, ours_r = sol(A, b)
    np.testing.assert_array_equal(ours_x, x)
    assert ours_r == rnorm
    free = np.flatnonzero(x > 0)
    assert free.size < 3   # the negative coordinate is held at zero
    J = osc.jacfwd(lambda b: sol(A, b)[0])(b)
    np.testing.assert_array_equal(J[x == 0], 0.0)
    np.testing.assert_allclose(J[free], np.linalg.pinv(A[:, free]), rtol=1e-9, atol=1e-12)
    r = osc.grad(lambda b: sol(A, b)[1])(b)
    np.testing.assert_allclose(r, (b - A @ x) / rnorm, rtol=1e-9)   # the envelope theorem
