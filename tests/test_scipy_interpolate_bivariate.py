"""osculate.scipy.interpolate's polynomials (lagrange, pade, approximate_taylor_polynomial)
and bivariate interpolation: SciPy's values, derivatives, jit and vmap."""

import numpy as np
import pytest
import scipy.interpolate as si

import osculate as osc
from osculate.scipy import interpolate as oi
from osculate.testing import check_grads

from _interpolate_cases import close, traced_value

RNG = np.random.default_rng(20260613)




X = np.array([0.0, 0.4, 1.1, 2.0, 2.5])
W = np.cos(X)
AN = np.array([1.0, 1.0, 0.5, 1.0 / 6.0, 1.0 / 24.0, 1.0 / 120.0])


def test_lagrange():
    close(traced_value(lambda w: oi.lagrange(X, w).coeffs, W), si.lagrange(X, W).coeffs)
    close(traced_value(lambda x: oi.lagrange(x, W)(np.array([0.3, 1.7])), X), si.lagrange(X, W)([0.3, 1.7]))
    assert isinstance(oi.lagrange(X, W), np.poly1d)  # plain inputs: SciPy's own result
    check_grads(lambda x, w, t: oi.lagrange(x, w)(t), (X, W, np.array([0.3, 1.7])), order=2, modes=("fwd", "rev"),
                rtol=1e-4)
    p = traced_value(lambda w: oi.lagrange(X, w), W)
    q = si.lagrange(X, W)
    close(p.deriv(2).coeffs, q.deriv(2).coeffs)
    close(p.integ(1, k=0.5).coeffs, q.integ(1, k=0.5).coeffs)
    close((p * p - 2.0 * p + 1.0).coeffs, (q * q - 2.0 * q + 1.0).coeffs)


@pytest.mark.parametrize("m", [0, 1, 2, 3])
@pytest.mark.parametrize("n", [None, 1])
def test_pade(m, n):
    p, q = traced_value(lambda a: oi.pade(a, m, n), AN)
    rp, rq = si.pade(AN, m, n)
    close(p.coeffs, rp.coeffs)
    close(q.coeffs, rq.coeffs)
    check_grads(lambda a: (lambda pq: pq[0](0.7) / pq[1](0.7))(oi.pade(a, m, n)), (AN,), order=2,
                modes=("fwd", "rev"), rtol=1e-4)
    with pytest.raises(ValueError, match="smaller"):
        oi.pade(AN, 4, 3)


@pytest.mark.parametrize("degree, order", [(3, None), (3, 9), (5, 3)])
def test_approximate_taylor_polynomial(degree, order):
    ref = si.approximate_taylor_polynomial(np.exp, 0.3, degree, 0.5, order).coeffs
    got = traced_value(lambda x: oi.approximate_taylor_polynomial(np.exp, x, degree, 0.5, order).coeffs,
                       np.float64(0.3))
    close(got, ref, 1e-11)
    check_grads(lambda x, s: oi.approximate_taylor_polynomial(np.sin, x, degree, s, order).coeffs,
                (np.float64(0.3), np.float64(0.5)), order=2, modes=("fwd", "rev"), rtol=1e-4)


def test_polynomials_jit_vmap():
    close(osc.jit(lambda w: oi.lagrange(X, w)(0.9))(W), si.lagrange(X, W)(0.9))
    ws = np.stack([W, W ** 2])
    close(osc.vmap(lambda w: oi.lagrange(X, w)(0.9))(ws), np.array([si.lagrange(X, w)(0.9) for w in ws]))
    close(osc.jit(lambda a: oi.pade(a, 2)[1].coeffs)(AN), si.pade(AN, 2)[1].coeffs)


GX = np.sort(RNG.uniform(0.0, 1.0, 8))
GY = np.sort(RNG.uniform(0.0, 2.0, 9))
GZ = np.sin(np.add.outer(3.0 * GX, GY))
QX = np.linspace(GX[0], GX[-1], 5)
QY = np.linspace(GY[0], GY[-1], 6)


@pytest.mark.parametrize("kx, ky", [(3, 3), (1, 2), (5, 3)])
def test_rect_bivariate_spline_values(kx, ky):
    ref = si.RectBivariateSpline(GX, GY, GZ, kx=kx, ky=ky)
    for dx, dy in [(0, 0), (1, 0), (1, 1), (0, 2)]:
        if dx >= kx or dy >= ky:  # SciPy's parder refuses an order equal to the degree
            continue
        got = traced_value(lambda z: oi.RectBivariateSpline(GX, GY, z, kx=kx, ky=ky)(QX, QY, dx=dx, dy=dy), GZ)
        close(got, ref(QX, QY, dx=dx, dy=dy), 1e-10)
        got = traced_value(lambda z: oi.RectBivariateSpline(GX, GY, z, kx=kx, ky=ky).ev(QX, QY[:5], dx, dy), GZ)
        close(got, ref.ev(QX, QY[:5], dx, dy), 1e-10)
    out = np.array([-0.2, 1.3])  # outside: clipped to the boundary, as FITPACK
    close(oi.RectBivariateSpline(GX, GY, GZ, kx=kx, ky=ky).ev(out, out), ref.ev(out, out))
    close(traced_value(lambda z: oi.RectBivariateSpline(GX, GY, z, kx=kx, ky=ky).get_coeffs(), GZ),
          ref.get_coeffs(), 1e-10)


def test_rect_bivariate_spline_grads_transforms_errors():
    check_grads(lambda z, a, b: oi.RectBivariateSpline(GX, GY, z).ev(a, b), (GZ, QX[1:4], QY[1:4]), order=2,
                modes=("fwd", "rev"), rtol=1e-4)
    check_grads(lambda z, a: oi.RectBivariateSpline(GX, GY, z)(a, QY, dx=1), (GZ, QX[1:4]), order=2,
                modes=("fwd", "rev"), rtol=1e-4)
    ref = si.RectBivariateSpline(GX, GY, GZ)(QX, QY)
    close(osc.jit(lambda z: oi.RectBivariateSpline(GX, GY, z)(QX, QY))(GZ), ref, 1e-11)
    close(osc.vmap(lambda z: oi.RectBivariateSpline(GX, GY, z)(QX, QY))(np.stack([GZ, 2 * GZ])),
          np.stack([ref, 2 * ref]), 1e-11)
    close(oi.RectBivariateSpline(GX, GY, GZ, s=0.1)(QX, QY), si.RectBivariateSpline(GX, GY, GZ, s=0.1)(QX, QY),
          1e-11)
    with pytest.raises(ValueError, match="smoothing"):
        osc.grad(lambda z: oi.RectBivariateSpline(GX, GY, z, s=0.1).ev(0.5, 0.5))(GZ)
    with pytest.raises(ValueError, match="constants"):
        osc.grad(lambda x: oi.RectBivariateSpline(x, GY, GZ).ev(0.5, 0.5))(GX)
    with pytest.raises(ValueError, match="order of derivative"):
        oi.RectBivariateSpline(GX, GY, GZ)(QX, QY, dx=4)
