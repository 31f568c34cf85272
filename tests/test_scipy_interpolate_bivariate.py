"""osculate.scipy.interpolate's polynomials (lagrange, pade, approximate_taylor_polynomial)
and bivariate interpolation: SciPy's values, derivatives, jit and vmap."""

import numpy as np
import pytest
import scipy.interpolate as si

import osculate as osc
from osculate.scipy import interpolate as oi
from osculate.testing import check_grads

RNG = np.random.default_rng(20260613)


def close(a, b, tol=1e-12):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=0, atol=tol * max(1.0, float(np.abs(b).max(initial=0.0))))


def traced_value(f, *args):
    """``f``'s value computed on traced arguments (through osculate's path, not SciPy's)."""
    return osc.jvp(f, args, tuple(np.zeros_like(a) for a in args))[0]


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
