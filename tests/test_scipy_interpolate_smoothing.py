"""osculate.scipy.interpolate's FITPACK smoothing splines (splrep, UnivariateSpline
and its interpolating and least-squares kinds, sproot): SciPy's values, derivatives
in the data, the weights, the abscissae and the knots, jit and vmap where the knots
do not depend on the values."""

import numpy as np
import pytest
import scipy.interpolate as si

import osculate as osc
from osculate.ad.scipy import _fitpack_smoothing as fs
from osculate.scipy import interpolate as oi
from osculate.testing import check_grads

from _interpolate_cases import close, traced_value

RNG = np.random.default_rng(20260611)
X = np.sort(RNG.uniform(0.0, 10.0, 30))
Y = np.sin(X) + 0.2 * RNG.normal(size=30)
W = RNG.uniform(0.5, 2.0, 30)
XS = np.linspace(-0.5, 10.5, 17)




@pytest.mark.parametrize("k", [1, 2, 3, 5])
@pytest.mark.parametrize("s", [0.0, 1.0, 5.0, 200.0])
def test_splrep_values(k, s):
    t, c, kk = traced_value(lambda y, w: oi.splrep(X, y, w=w, k=k, s=s), Y, W)
    rt, rc, _ = si.splrep(X, Y, w=W, k=k, s=s)
    close(t, rt)
    close(c, rc, 1e-11)
    f = traced_value(lambda y: oi.splrep(X, y, w=W, k=k, s=s, full_output=1)[1], Y)
    assert abs(float(f) - si.splrep(X, Y, w=W, k=k, s=s, full_output=1)[1]) <= 1e-10 * max(1.0, s)


def test_plain_inputs_are_scipys():
    a, b = oi.splrep(X, Y, s=3.0), si.splrep(X, Y, s=3.0)
    for u, v in zip(a, b):
        assert np.array_equal(np.asarray(u), np.asarray(v))
    assert np.array_equal(oi.sproot(b), si.sproot(b))


@pytest.mark.parametrize("k", [1, 3, 5])
def test_least_squares_regimes_grads(k):
    """Interpolation, the least-squares polynomial and given knots: linear in y, smooth in w and x."""
    check_grads(lambda y: oi.splev(XS, oi.splrep(X, y, w=W, k=k, s=0.0)), (Y,), order=2, modes=("fwd", "rev"))
    check_grads(lambda y, w: oi.splev(XS, oi.splrep(X, y, w=w, k=k, s=200.0)), (Y, W), order=2,
                modes=("fwd", "rev"))
    inner = np.array([2.0, 4.5, 7.0])
    check_grads(lambda y, w, t: oi.splev(XS, oi.splrep(X, y, w=w, k=k, task=-1, t=t)), (Y, W, inner), order=2,
                modes=("fwd", "rev"))
    check_grads(lambda x: oi.InterpolatedUnivariateSpline(x, Y, k=k)(XS[1:-1]), (X,), order=1,
                modes=("fwd", "rev"), atol=1e-4, rtol=1e-4)


def ideal(k, s, w=W):
    """The smoothing fit on SciPy's knots with the weight solved exactly for ``fp = fp₀``
    (plain NumPy): the function whose derivative osculate's is.  FITPACK itself
    stops its search for the weight within 0.1% of ``s``, so differencing SciPy's
    result only approximates this."""
    (t, c, _), fp, _, _ = si.splrep(X, Y, w=w, k=k, s=s, full_output=1)
    B = si.BSpline(t, np.eye(len(t) - k - 1), k)(X)
    D = fs.jump_matrix(t, k)
    lam0 = fs.recover_lambda(B * w[:, None], w * Y, D, c[:len(t) - k - 1])
    assert lam0 is not None

    def f(y, w=w):
        A = B * w[:, None]
        lam = fs.solve_lambda(A, w * y, D.T @ D, fp, lam0)
        cc = np.linalg.solve(A.T @ A + lam * D.T @ D, A.T @ (w * y))
        return si.splev(XS, (t, np.r_[cc, np.zeros(k + 1)], k))

    return f


@pytest.mark.parametrize("k,s", [(1, 5.0), (2, 1.0), (3, 1.0), (3, 5.0), (5, 1.0)])
def test_smoothing_derivatives_hold_fp(k, s):
    f = ideal(k, s)
    rng = np.random.default_rng(k)
    v, u = rng.normal(size=30), rng.normal(size=30)
    g = lambda y, w: oi.splev(XS, oi.splrep(X, y, w=w, k=k, s=s))  # noqa: E731
    h = 1e-6
    fd = (f(Y + h * v) - f(Y - h * v)) / (2 * h)
    close(osc.jvp(lambda y: g(y, W), (Y,), (v,))[1], fd, 1e-6)
    fdw = (f(Y, W + h * u) - f(Y, W - h * u)) / (2 * h)
    close(osc.jvp(lambda w: g(Y, w), (W,), (u,))[1], fdw, 1e-6)
    # second order: d²/dε² f(Y + ε v)
    h2 = 1e-4
    fd2 = (f(Y + h2 * v) - 2 * f(Y) + f(Y - h2 * v)) / h2 ** 2
    d2 = osc.jvp(lambda y: osc.jvp(lambda z: g(z, W), (y,), (v,))[1], (Y,), (v,))[1]
    close(d2, fd2, 1e-4)
    # reverse mode agrees with forward mode
    gr = osc.grad(lambda y: g(y, W)[5])(Y)
    close(gr @ v, osc.jvp(lambda y: g(y, W)[5], (Y,), (v,))[1], 1e-10)


@pytest.mark.parametrize("s", [None, 0.0, 2.0])
def test_univariate_spline_classes(s):
    a = si.UnivariateSpline(X, Y, w=W, s=s)
    b = traced_value(lambda y: oi.UnivariateSpline(X, y, w=W, s=s)(XS), Y)
    close(b, a(XS), 1e-11)
    spl = oi.UnivariateSpline(X, Y, w=W, s=s)
    close(traced_value(lambda y: oi.UnivariateSpline(X, y, w=W, s=s).get_coeffs(), Y), a.get_coeffs(), 1e-11)
    close(traced_value(lambda y: oi.UnivariateSpline(X, y, w=W, s=s).get_residual(), Y), a.get_residual(), 1e-8)
    close(traced_value(lambda y: oi.UnivariateSpline(X, y, w=W, s=s).integral(1.0, 7.5), Y), a.integral(1.0, 7.5),
          1e-11)
    close(traced_value(lambda y: oi.UnivariateSpline(X, y, w=W, s=s).derivative()(XS), Y),
          a.derivative()(XS), 1e-10)
    close(traced_value(lambda y: oi.UnivariateSpline(X, y, w=W, s=s).antiderivative()(XS), Y),
          a.antiderivative()(XS), 1e-10)
    close(traced_value(lambda y: oi.UnivariateSpline(X, y, w=W, s=s).derivatives(3.3), Y), a.derivatives(3.3),
          1e-10)
    close(traced_value(lambda y: oi.UnivariateSpline(X, y, w=W, s=s).roots(), Y), a.roots(), 1e-10)
    close(np.asarray(spl.get_knots()), a.get_knots())
    for ext in ("zeros", "const", 0):
        close(traced_value(lambda y: oi.UnivariateSpline(X, y, w=W, s=s, ext=ext)(XS), Y),
              si.UnivariateSpline(X, Y, w=W, s=s, ext=ext)(XS), 1e-11)


def test_interpolated_and_lsq_splines_jit_vmap():
    inner = [2.0, 4.5, 7.0]
    for k in (1, 3):
        close(traced_value(lambda y: oi.InterpolatedUnivariateSpline(X, y, k=k)(XS), Y),
              si.InterpolatedUnivariateSpline(X, Y, k=k)(XS), 1e-11)
        close(traced_value(lambda y: oi.LSQUnivariateSpline(X, y, inner, w=W, k=k)(XS), Y),
              si.LSQUnivariateSpline(X, Y, inner, w=W, k=k)(XS), 1e-11)
    ys = np.stack([Y, 2 * Y, Y ** 2])
    f = lambda y: oi.InterpolatedUnivariateSpline(X, y)(XS)  # noqa: E731
    g = lambda y: oi.LSQUnivariateSpline(X, y, inner, w=W)(XS)  # noqa: E731
    for h, ref in ((f, lambda y: si.InterpolatedUnivariateSpline(X, y)(XS)),
                   (g, lambda y: si.LSQUnivariateSpline(X, y, inner, w=W)(XS))):
        expect = np.stack([ref(y) for y in ys])
        close(osc.vmap(h)(ys), expect, 1e-11)
        close(osc.jit(h)(Y), ref(Y), 1e-11)
        close(osc.jit(h)(2 * Y), ref(2 * Y), 1e-11)
    check_grads(lambda y, w, t: oi.LSQUnivariateSpline(X, y, t, w=w)(XS), (Y, W, np.array(inner)), order=2,
                modes=("fwd", "rev"))


def test_sproot_implicit():
    tck = si.splrep(X, Y, s=0.0)
    c = np.asarray(tck[1])
    roots = traced_value(lambda c: oi.sproot((tck[0], c, 3)), c)
    close(roots, si.sproot(tck))
    check_grads(lambda c: oi.sproot((tck[0], c, 3)), (c,), order=2, modes=("fwd", "rev"))
    check_grads(lambda y: oi.UnivariateSpline(X, y, s=0.0).roots(), (Y,), order=1, modes=("fwd", "rev"))


def test_refusals():
    with pytest.raises(ValueError, match="jit or vmap"):
        osc.jit(lambda y: oi.splrep(X, y, s=1.0)[1])(Y)
    with pytest.raises(NotImplementedError, match="per=1"):
        osc.grad(lambda y: oi.splrep(X, y, per=1)[1][0])(Y)
    with pytest.raises(NotImplementedError, match="task=1"):
        osc.grad(lambda y: oi.splrep(X, y, task=1)[1][0])(Y)
    with pytest.raises(ValueError, match="same length"):
        osc.grad(lambda y: oi.splrep(X, y[:-1])[1][0])(Y)
    with pytest.raises(ValueError, match="jit or vmap"):
        osc.jit(lambda c: oi.sproot((si.splrep(X, Y)[0], c, 3)))(si.splrep(X, Y)[1])
    with pytest.raises(NotImplementedError, match="set_smoothing_factor"):
        oi.UnivariateSpline(X, Y).set_smoothing_factor(1.0)
    assert oi.pchip is oi.PchipInterpolator


@pytest.mark.parametrize("k,s", [(1, 5.0), (3, 1.0), (3, 200.0)])
def test_make_splrep(k, s):
    ref = si.make_splrep(X, Y, w=W, k=k, s=s)
    close(traced_value(lambda y: oi.make_splrep(X, y, w=W, k=k, s=s)(XS), Y), ref(XS), 1e-11)
    v = np.random.default_rng(3).normal(size=30)
    d = osc.jvp(lambda y: oi.make_splrep(X, y, w=W, k=k, s=s)(XS), (Y,), (v,))[1]
    d_splrep = osc.jvp(lambda y: oi.splev(XS, oi.splrep(X, y, w=W, k=k, s=s)), (Y,), (v,))[1]
    if np.array_equal(ref.t, si.splrep(X, Y, w=W, k=k, s=s)[0]):  # the same knots: the same fit
        close(d, d_splrep, 1e-8)
