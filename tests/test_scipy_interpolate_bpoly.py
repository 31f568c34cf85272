"""osculate.scipy.interpolate's Bernstein-basis piecewise polynomials (BPoly), the
penalized smoothing spline (make_smoothing_spline) and the parametric fits
(splprep, make_splprep): SciPy's values, derivatives, jit and vmap."""

import numpy as np
import pytest
import scipy.interpolate as si

import scipy.optimize as so

import osculate as osc
from osculate.ad.scipy import _smoothing_spline as ss
from osculate.scipy import interpolate as oi
from osculate.testing import check_grads

from _interpolate_cases import close, traced_value

RNG = np.random.default_rng(20260612)
X = np.sort(RNG.uniform(0.0, 5.0, 6))
C = RNG.normal(size=(4, 5))
Q = np.linspace(-1.0, 6.0, 23)




# --------------------------------------------------------------------------- BPoly


@pytest.mark.parametrize("extrapolate", [True, False, "periodic"])
@pytest.mark.parametrize("nu", [0, 1, 2, 4])
def test_bpoly_values(extrapolate, nu):
    got = traced_value(lambda c, x, q: oi.BPoly(c, x, extrapolate=extrapolate)(q, nu), C, X, Q)
    close(got, si.BPoly(C, X, extrapolate=extrapolate)(Q, nu))
    got = traced_value(lambda c: oi.BPoly(c, X)(Q, nu, extrapolate=extrapolate), C)
    close(got, si.BPoly(C, X)(Q, nu, extrapolate=extrapolate))


@pytest.mark.parametrize("extrapolate", [True, False, "periodic"])
def test_bpoly_calculus(extrapolate):
    a, b = si.BPoly(C, X, extrapolate=extrapolate), oi.BPoly(C, X, extrapolate=extrapolate)
    for nu in (1, 2):
        close(traced_value(lambda c: oi.BPoly(c, X, extrapolate=extrapolate).antiderivative(nu).c, C),
              a.antiderivative(nu).c)
        close(b.derivative(nu).c, a.derivative(nu).c)
        close(b.antiderivative(nu)(Q), a.antiderivative(nu)(Q))
    for lo, hi in [(-0.5, 7.3), (4.0, 1.0), (X[1], X[3])]:
        close(traced_value(lambda c: oi.BPoly(c, X, extrapolate=extrapolate).integrate(lo, hi), C),
              a.integrate(lo, hi))


def test_bpoly_trailing_axes():
    c3 = RNG.normal(size=(3, 5, 2, 3))
    for axis in (0, 1, 2):
        cc = np.moveaxis(c3, (0, 1), (axis, axis + 1))
        close(traced_value(lambda c: oi.BPoly(c, X, axis=axis)(Q[:4]), cc), si.BPoly(cc, X, axis=axis)(Q[:4]))


def test_bpoly_from_power_basis_and_derivatives():
    pp = si.PPoly(C, X)
    close(traced_value(lambda c: oi.BPoly.from_power_basis(oi.PPoly(c, X)).c, C), si.BPoly.from_power_basis(pp).c)
    close(oi.BPoly.from_power_basis(pp)(Q), si.BPoly.from_power_basis(pp)(Q))
    xi = np.array([0.0, 1.0, 3.0])
    yi = [[1.0, 2.0, 4.0], [3.0, -1.0, 0.5], [2.0, 1.0, 1.0]]
    for orders in (None, 1, 2, 3, 4, 5):
        want = si.BPoly.from_derivatives(xi, yi, orders=orders)
        got = traced_value(lambda y, x: oi.BPoly.from_derivatives(x, list(y), orders=orders).c, np.array(yi), xi)
        close(got, want.c)
    ragged = [[1.0], [3.0, -1.0], [2.0, 1.0, 0.5]]
    close(oi.BPoly.from_derivatives(xi, ragged)(Q), si.BPoly.from_derivatives(xi, ragged)(Q))
    vec = [np.array([[1.0, 2.0], [0.0, 1.0]]), np.array([[3.0, 4.0]]), np.array([[1.0, 1.0], [2.0, 2.0]])]
    close(oi.BPoly.from_derivatives(xi, vec)(Q), si.BPoly.from_derivatives(xi, vec)(Q))


def test_bpoly_grads():
    q = np.array([-0.7, 0.3, 1.9, 2.6, 4.1, 5.9])  # no point on a breakpoint (the piece choice jumps there)
    check_grads(lambda c, x, s: oi.BPoly(c, x)(s), (C, X, q), order=2, modes=("fwd", "rev"))
    check_grads(lambda c, x: oi.BPoly(c, x)(q, nu=2), (C, X), order=2, modes=("fwd", "rev"))
    check_grads(lambda c, x: oi.BPoly(c, x).integrate(-0.3, 4.4), (C, X), order=2, modes=("fwd", "rev"))
    check_grads(lambda c, x: oi.BPoly.from_power_basis(oi.PPoly(c, x))(q), (C, X), order=2, modes=("fwd", "rev"))
    xi = np.array([0.0, 1.0, 3.0])
    yi = np.array([[1.0, 2.0], [3.0, -1.0], [2.0, 1.0]])
    check_grads(lambda y, x: oi.BPoly.from_derivatives(x, list(y))(np.array([0.4, 1.7, 3.5])), (yi, xi), order=2,
                modes=("fwd", "rev"))


def test_bpoly_jit_vmap():
    close(osc.jit(lambda c, x: oi.BPoly(c, x)(Q, 1))(C, X), si.BPoly(C, X)(Q, 1))
    cs = np.stack([C, 2.0 * C, C - 1.0])
    close(osc.vmap(lambda c: oi.BPoly(c, X).integrate(0.5, 4.0))(cs),
          np.array([si.BPoly(c, X).integrate(0.5, 4.0) for c in cs]))
    close(osc.vmap(lambda s: oi.BPoly(C, X)(s))(Q), si.BPoly(C, X)(Q))


def test_bpoly_bad_input():
    with pytest.raises(ValueError, match="increasing"):
        oi.BPoly(C, X[::-1])
    with pytest.raises(ValueError, match="extrapolate"):
        oi.BPoly(C, X, extrapolate="sometimes")
    with pytest.raises(ValueError, match="pieces"):
        oi.BPoly(C[:, :3], X)
    with pytest.raises(TypeError, match="PPoly"):
        oi.BPoly.from_power_basis(oi.BPoly(C, X))
    with pytest.raises(ValueError, match="reshape"):
        oi.BPoly.from_derivatives([0.0, 1.0], [1.0, 2.0])


# --------------------------------------------------------------------------- make_smoothing_spline

N = 20
SX = np.sort(RNG.uniform(0.0, 4.0, N))
SY = np.sin(SX) + 0.1 * RNG.normal(size=N)
SW = RNG.uniform(0.5, 2.0, N)
SQ = np.linspace(-0.2, 4.2, 9)


@pytest.mark.parametrize("lam", [0.0, 0.01, 1.0, None])
def test_smoothing_spline_values(lam):
    got = traced_value(lambda y, w, x: oi.make_smoothing_spline(x, y, w=w, lam=lam)(SQ), SY, SW, SX)
    close(got, si.make_smoothing_spline(SX, SY, w=SW, lam=lam)(SQ))
    Y2 = np.stack([SY, np.cos(SX)])
    got = traced_value(lambda y: oi.make_smoothing_spline(SX, y, lam=lam, axis=1)(SQ), Y2)
    close(got, si.make_smoothing_spline(SX, Y2, lam=lam, axis=1)(SQ))


def test_smoothing_spline_grads_given_lam():
    check_grads(lambda y, w, x, lam: oi.make_smoothing_spline(x, y, w=w, lam=lam)(SQ), (SY, SW, SX, 0.05), order=2,
                modes=("fwd", "rev"))
    close(osc.jit(lambda y, lam: oi.make_smoothing_spline(SX, y, lam=lam)(SQ))(SY, 0.05),
          si.make_smoothing_spline(SX, SY, lam=0.05)(SQ))
    ys = np.stack([SY, 2.0 * SY, SY + 1.0])
    close(osc.vmap(lambda y: oi.make_smoothing_spline(SX, y, lam=0.05)(SQ))(ys),
          np.stack([si.make_smoothing_spline(SX, y, lam=0.05)(SQ) for y in ys]))


def _exact_gcv_spline(x, y, w):
    """The smoothing spline at the exact minimizer of SciPy's GCV score (its trace from the five central
    bands of the inverse): the root of the score's derivative taken by a complex step, for finite differences."""
    t = np.r_[[x[0]] * 3, x, [x[-1]] * 3]
    X = si.BSpline.design_matrix(x, t, 3).toarray() @ ss.natural_basis(x)
    K = ss.penalty(x, w)
    G, E = (X.T * w) @ X, (X.T * w) @ K
    band = np.abs(np.subtract.outer(np.arange(len(x)), np.arange(len(x)))) <= 2

    def score(lam):
        c = np.linalg.solve(X + lam * K, y)
        tr = np.sum((np.linalg.inv(G + lam * E) * G.T)[band])
        return np.sum((y - X @ c) ** 2) / len(x) / (1.0 - tr / len(x)) ** 2

    def slope(lam):  # the complex step: the score's derivative to rounding
        return np.imag(score(lam + 1e-30j)) / 1e-30

    near = so.minimize_scalar(score, bounds=(0.0, len(x)), method="bounded").x
    lam = so.brentq(slope, 0.5 * near, 2.0 * near, xtol=1e-16, rtol=1e-15)
    return si.make_smoothing_spline(x, y, w=w, lam=lam)(SQ), lam


def test_smoothing_spline_gcv_derivative():
    """lam=None: the derivative is that of the spline at the exact GCV minimizer (central differences of it)."""
    exact, lam = _exact_gcv_spline(SX, SY, SW)
    close(exact, si.make_smoothing_spline(SX, SY, w=SW)(SQ), 1e-4)  # the reference is SciPy's score
    for arg in range(3):
        args = [SY, SW, SX]
        direction = RNG.normal(size=N) * (0.01 if arg == 2 else 1.0)
        tangents = [np.zeros(N)] * 3
        tangents[arg] = direction
        _, got = osc.jvp(lambda y, w, x: oi.make_smoothing_spline(x, y, w=w)(SQ), tuple(args), tuple(tangents))
        def quotient(h):
            plus = [a + h * d for a, d in zip(args, tangents)]
            minus = [a - h * d for a, d in zip(args, tangents)]
            return (_exact_gcv_spline(plus[2], plus[0], plus[1])[0]
                    - _exact_gcv_spline(minus[2], minus[0], minus[1])[0]) / (2 * h)

        fd = (4.0 * quotient(1e-3) - quotient(2e-3)) / 3.0  # Richardson's extrapolation
        close(got, fd, 1e-6)  # (the fixed-lam derivative differs by ~0.3 here)
    # second order: forward over reverse agrees with forward over forward
    f = lambda y: oi.make_smoothing_spline(SX, y)(1.3)  # noqa: E731
    H1 = osc.jacfwd(osc.grad(f))(SY)
    H2 = osc.jacfwd(osc.jacfwd(f))(SY)
    close(H1, H2, 1e-9)
    close(H1, H1.T, 1e-9)


def test_smoothing_spline_bad_input():
    with pytest.raises(ValueError, match="at least 5"):
        traced_value(lambda y: oi.make_smoothing_spline(SX[:4], y, lam=1.0)(SQ), SY[:4])
    with pytest.raises(ValueError, match="increasing"):
        traced_value(lambda y: oi.make_smoothing_spline(SX[::-1], y, lam=1.0)(SQ), SY)
    with pytest.raises(ValueError, match="non-negative"):
        traced_value(lambda y: oi.make_smoothing_spline(SX, y, lam=-1.0)(SQ), SY)
    with pytest.raises(ValueError, match="inside jit"):
        osc.jit(lambda y: oi.make_smoothing_spline(SX, y)(SQ))(SY)
