"""osculate.scipy.integrate.qmc_quad and newton_cotes against SciPy: values, derivatives, vmap."""

import numpy as np
import pytest
import scipy.integrate as si
from scipy.stats import qmc

import osculate as osc
from osculate.scipy import integrate
from osculate.testing import check_grads


def f2(x):
    return np.exp(-x[0] ** 2 - 0.5 * x[1])


@pytest.mark.parametrize("a, b", [([0.0, 0.0], [1.0, 1.0]), ([0.0, 1.0], [1.0, 0.2]), ([1.0, 1.0], [0.0, 0.0])])
@pytest.mark.parametrize("engine", [qmc.Halton, qmc.Sobol])
def test_qmc_quad_matches_scipy(a, b, engine):
    ref = si.qmc_quad(f2, a, b, n_points=256, qrng=engine(2, seed=3))
    got = osc.jvp(lambda s: integrate.qmc_quad(lambda x: s * f2(x), a, b, n_points=256, qrng=engine(2, seed=3)),
                  (1.0,), (1.0,))[0]
    np.testing.assert_allclose(got[0], ref.integral, rtol=1e-13)
    np.testing.assert_allclose(got[1], ref.standard_error, rtol=1e-10)


def test_qmc_quad_grads_in_parameters_and_limits():
    def g(c, b):
        lim = np.stack([b, 1.0])
        return integrate.qmc_quad(lambda x: np.exp(c * x[0]) * x[1], np.zeros(2), lim, n_points=128,
                                  qrng=qmc.Halton(2, seed=1)).integral
    check_grads(g, (0.7, 1.2), order=2, modes=("fwd", "rev"))
    # d/db of ∫_0^b ∫_0^1 e^(cx) y: e^(cb)/2, up to the QMC error
    assert abs(osc.grad(g, argnums=1)(0.7, 1.2) - np.exp(0.84) / 2) < 1e-2


def test_qmc_quad_vmap_and_equal_limits():
    g = lambda c: integrate.qmc_quad(lambda x: np.sin(c * x[0]), [0.0], [1.0], n_points=64,  # noqa: E731
                                     qrng=qmc.Halton(1, seed=2)).integral
    cs = np.array([0.5, 1.0, 2.0])
    np.testing.assert_allclose(osc.vmap(g)(cs), [g(c) for c in cs], rtol=1e-13)
    with pytest.warns(UserWarning, match="equal"):
        assert integrate.qmc_quad(f2, [0.0, 1.0], [0.0, 2.0]).integral == 0.0


def test_newton_cotes_is_scipys_and_refuses_traced():
    for n in (1, 2, 4, 7):
        an, b = integrate.newton_cotes(n)
        ran, rb = si.newton_cotes(n)
        np.testing.assert_array_equal(an, ran)
        assert b == rb
    np.testing.assert_array_equal(integrate.newton_cotes(np.array([0, 0.5, 2]), 0)[0], si.newton_cotes(np.array([0, 0.5, 2]), 0)[0])
    with pytest.raises(TypeError, match="simpson"):
        osc.grad(lambda r: integrate.newton_cotes(np.stack([0.0, r, 2.0]))[1])(1.0)
