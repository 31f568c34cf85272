"""osculate.scipy.interpolate's parametric curves splprep and make_splprep: SciPy's
values (knots, coefficients, parameters, residual), derivatives in the points and
weights (interpolating, and smoothing with the penalty's weight an implicit
function of the data) against finite differences of an exact plain-NumPy
reference, and parametric splev."""

import numpy as np
import pytest
import scipy.interpolate as si

import osculate as osc
from osculate.ad.scipy import _fitpack_smoothing as fs
from osculate.scipy import interpolate as oi
from osculate.testing import check_grads

from _interpolate_cases import close, traced_value

RNG = np.random.default_rng(20261207)
TH = np.sort(RNG.uniform(0.0, 5.0, 20))
P = np.array([2.0 * np.cos(TH), np.sin(TH), 0.3 * TH]) + 0.05 * RNG.normal(size=(3, 20))
W = RNG.uniform(0.5, 2.0, 20)
US = np.linspace(0.0, 1.0, 9)


def tck_arrays(x, w, **kw):
    ((t, c, _), u), fp, _, _ = oi.splprep(x, w=w, full_output=1, **kw)
    return t, np.stack(c), u, fp


@pytest.mark.parametrize("k", [1, 2, 3, 5])
@pytest.mark.parametrize("s", [0.0, 0.05, 1.0, None])
def test_splprep_values(k, s):
    t, c, u, fp = traced_value(lambda x, w: tck_arrays(x, w, k=k, s=s), P, W)
    ((rt, rc, rk), ru), rfp, _, _ = si.splprep(P, w=W, k=k, s=s, full_output=1)
    close(t, rt)
    close(c, np.stack(rc), 1e-11)
    close(u, ru)
    assert abs(float(fp) - rfp) <= 1e-10 * max(1.0, rfp)
    # given parameters, and a parametric splev
    uu = np.linspace(0.0, 2.0, 20) ** 1.5
    tck, u2 = oi.splprep(list(osc.jvp(lambda x: x, (P,), (P,))[0]), u=uu, k=k, s=s)
    rtck, _ = si.splprep(P, u=uu, k=k, s=s)
    close(tck[0], rtck[0])
    close(np.stack(tck[1]), np.stack(rtck[1]), 1e-11)
    close(np.stack(traced_value(lambda x: oi.splev(US, oi.splprep(x, w=W, k=k, s=s)[0]), P)),
          np.stack(si.splev(US, si.splprep(P, w=W, k=k, s=s)[0])), 1e-11)


def test_plain_inputs_are_scipys():
    a, b = oi.splprep(P, s=0.5), si.splprep(P, s=0.5)
    assert np.array_equal(a[0][0], b[0][0]) and np.array_equal(a[1], b[1])
    spl, u = oi.make_splprep(P, s=0.5)
    assert isinstance(spl, si.BSpline)


def chords(x):
    d = np.sqrt(np.sum(np.diff(x, axis=1) ** 2, axis=0))
    v = np.r_[0.0, np.cumsum(d)]
    return v / v[-1]


def ideal(k, s, given_u=None):
    """The fit on SciPy's knots (those on parameter values following them) with the
    penalty's weight solved exactly for fp = fp₀, in plain NumPy: the function whose
    derivative osculate's is (FITPACK stops its search within 0.1% of s)."""
    ((t, c, _), u0), fp, _, _ = si.splprep(P, w=W, u=given_u, k=k, s=s, full_output=1)
    c = np.stack(c, axis=1)
    ub, ue = (0.0, 1.0) if given_u is None else (u0[0], u0[-1])
    src = fs.knot_sources(t, u0, ub, ue)
    D = fs.jump_matrix(t, k)
    B0 = si.BSpline(t, np.eye(len(t) - k - 1), k)(u0)
    lam0 = fs.recover_lambda(B0 * W[:, None], W[:, None] * P.T, D, c)
    assert lam0 is not None

    def f(x, w=W):
        u = chords(x) if given_u is None else given_u
        tt = np.array([u[i] if kind == "x" else (0.5 * (u[i] + u[i + 1]) if kind == "mid" else v)
                       for v, (kind, i) in zip(t, src)])
        A = si.BSpline(tt, np.eye(len(t) - k - 1), k)(u) * w[:, None]
        rhs = w[:, None] * x.T
        N, PP = A.T @ A, D.T @ D
        lam = lam0
        for _ in range(60):  # Newton in lam on the stacked residual
            M = N + lam * PP
            cc = np.linalg.solve(M, A.T @ rhs)
            r = rhs - A @ cc
            dc = -np.linalg.solve(M, PP @ cc)
            step = (np.sum(r * r) - fp) / (-2.0 * np.sum(r * (A @ dc)))
            lam -= step
            if abs(step) < 1e-15 * lam:
                break
        cc = np.linalg.solve(N + lam * PP, A.T @ rhs)
        return si.BSpline(tt, cc, k)(US)

    return f


@pytest.mark.parametrize("k,s", [(1, 0.5), (3, 0.05), (3, 1.0), (5, 0.05)])
def test_smoothing_derivatives(k, s):
    f = ideal(k, s)
    g = lambda x, w: np.stack(oi.splev(US, oi.splprep(x, w=w, k=k, s=s)[0]), axis=1)  # noqa: E731
    close(traced_value(g, P, W), f(P), 1e-8)
    rng = np.random.default_rng(k)
    v, dw = rng.normal(size=P.shape), rng.normal(size=W.shape)
    h = 1e-6
    close(osc.jvp(lambda x: g(x, W), (P,), (v,))[1], (f(P + h * v) - f(P - h * v)) / (2 * h), 1e-6)
    close(osc.jvp(lambda w: g(P, w), (W,), (dw,))[1], (f(P, W + h * dw) - f(P, W - h * dw)) / (2 * h), 1e-6)
    fd2 = lambda h2: (f(P + h2 * v) - 2 * f(P) + f(P - h2 * v)) / h2 ** 2  # noqa: E731
    fd2 = (4.0 * fd2(2e-5) - fd2(4e-5)) / 3.0  # Richardson: the fit is sharply curved in the points
    d2 = osc.jvp(lambda x: osc.jvp(lambda z: g(z, W), (x,), (v,))[1], (P,), (v,))[1]
    close(d2, fd2, 1e-4)
    gr = osc.grad(lambda x: g(x, W)[4, 1])(P)
    close(np.sum(gr * v), osc.jvp(lambda x: g(x, W)[4, 1], (P,), (v,))[1], 1e-10)
    # given parameters: the knots stay put, the derivative in x is still implicit
    uu = np.linspace(0.0, 1.0, 20) ** 1.3
    fu = ideal(k, s, uu)
    gu = lambda x: np.stack(oi.splev(US, oi.splprep(x, w=W, u=uu, k=k, s=s)[0]), axis=1)  # noqa: E731
    close(osc.jvp(gu, (P,), (v,))[1], (fu(P + h * v) - fu(P - h * v)) / (2 * h), 1e-6)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_interpolating_grads(k):
    """s = 0: the curve through the points, the parameters their chord lengths."""
    check_grads(lambda x: np.stack(oi.splev(US, oi.splprep(x, k=k, s=0)[0])), (P,), order=2,
                modes=("fwd", "rev"))
    check_grads(lambda x: oi.splprep(x, k=k, s=0)[1], (P,), order=2, modes=("fwd", "rev"))
    check_grads(lambda x: oi.make_splprep(x, k=k, s=0)[0](US), (P,), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("k,s", [(3, 0.0), (1, 0.5), (3, 0.05), (3, 1.0)])
def test_make_splprep(k, s):
    spl, u = traced_value(lambda x: oi.make_splprep(x, w=None if s == 0 else W, k=k, s=s), P)
    ref, ru = si.make_splprep(P, w=None if s == 0 else W, k=k, s=s)
    close(u, ru)
    val = traced_value(lambda x: oi.make_splprep(x, w=None if s == 0 else W, k=k, s=s)[0](US), P)
    assert val.shape == ref(US).shape == (3, len(US))
    close(val, ref(US), 1e-11)
    close(traced_value(lambda x: oi.make_splprep(list(x), w=None if s == 0 else W, k=k, s=s)[0](0.3), P),
          ref(0.3), 1e-11)
    if s > 0 and np.array_equal(ref.t, si.splprep(P, w=W, k=k, s=s)[0][0]):  # the same knots: the same fit
        v = np.random.default_rng(5).normal(size=P.shape)
        d = osc.jvp(lambda x: oi.make_splprep(x, w=W, k=k, s=s)[0](US), (P,), (v,))[1]
        d2 = osc.jvp(lambda x: np.stack(oi.splev(US, oi.splprep(x, w=W, k=k, s=s)[0])), (P,), (v,))[1]
        close(d, d2, 1e-8)


def test_refusals():
    with pytest.raises(ValueError, match="jit or vmap"):
        osc.jit(lambda x: oi.splprep(x, s=0.5)[1])(P)
    with pytest.raises(NotImplementedError, match="per=1"):
        osc.grad(lambda x: oi.splprep(x, per=1)[1][3])(P)
    with pytest.raises(NotImplementedError, match="task"):
        osc.grad(lambda x: oi.splprep(x, task=-1, t=[0.5])[1][3])(P)
    with pytest.raises(ValueError, match="shape"):
        osc.grad(lambda x: oi.splprep(x, w=W[:-1])[1][3])(P)
    with pytest.raises(ValueError, match="degree"):
        osc.grad(lambda x: oi.splprep(x, k=7)[1][3])(P)
    with pytest.raises(NotImplementedError, match="bc_type"):
        osc.grad(lambda x: oi.make_splprep(x, s=0.5, bc_type="periodic")[1][3])(P)
