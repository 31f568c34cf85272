"""Complex-valued ``scipy.special`` functions on traced values
(``osculate.ad.prims.special_complex``): SciPy's values through the plain
SciPy calls, derivatives against closed forms, identities and second-order
finite differences, real and complex arguments."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

import osculate as osc
from osculate.testing import check_grads

X = np.array([0.3, 1.2, 2.5, 7.0])
Z = np.array([0.4 + 0.3j, -1.0 + 0.5j, 2.0 - 1.5j, 0.05 + 3.0j])


def _both(f, x):
    """``Re f + (Im f)²``: a real function that sees both parts."""
    y = f(x)
    return np.real(y) + np.imag(y) ** 2


@pytest.mark.parametrize("name, fn", [
    ("lambertw", lambda z: special.lambertw(z)), ("lambertw k=-1", lambda z: special.lambertw(z, k=-1)),
    ("lambertw k=2", lambda z: special.lambertw(z, 2)), ("wofz", special.wofz),
    ("hankel1", lambda z: special.hankel1(1.5, z)), ("hankel2", lambda z: special.hankel2(-0.5, z)),
    ("hankel1e", lambda z: special.hankel1e(3.0, z)), ("hankel2e", lambda z: special.hankel2e(0.0, z)),
])
def test_values_and_derivatives(name, fn):
    for x in (X, Z):
        got = osc.jvp(fn, (x,), (np.ones_like(x),))[0]
        np.testing.assert_array_equal(got, fn(x))  # SciPy's values, through the plain SciPy call
        check_grads(lambda a: _both(fn, a), (x,), order=2, modes=("fwd", "rev"))


def test_lambertw_derivative_is_the_implicit_one():
    """W e^W = z: W' = 1 / (e^W (1 + W)); W'(0) = 1; infinite at -1/e."""
    w = special.lambertw(Z)
    d = osc.jvp(special.lambertw, (Z,), (np.ones_like(Z),))[1]
    np.testing.assert_allclose(d, w / (Z * (1.0 + w)), rtol=1e-13)
    assert osc.grad(lambda x: np.real(special.lambertw(x)))(0.0) == 1.0
    with np.errstate(all="ignore"):  # 1 / 0 at the branch point, as NumPy's division warns
        assert not np.isfinite(osc.grad(lambda x: np.real(special.lambertw(x)))(-np.exp(-1.0)))


def test_hankel_derivatives_are_the_bessel_ones():
    x = X
    d1 = osc.jvp(lambda a: special.hankel1(2.5, a), (x,), (np.ones(4),))[1]
    np.testing.assert_allclose(d1, special.jvp(2.5, x) + 1j * special.yvp(2.5, x), rtol=1e-12)
    np.testing.assert_allclose(d1, special.h1vp(2.5, x), rtol=1e-12)
    d2 = osc.jvp(lambda a: special.h2vp(0.5, a, 2), (Z,), (np.ones(4, complex),))[1]  # SciPy's own Python h2vp
    np.testing.assert_allclose(d2, special.h2vp(0.5, Z, 3), rtol=1e-11)
    with pytest.raises(osc.UnsupportedFunctionError, match="the order v is a constant"):
        osc.grad(lambda v: np.real(special.hankel1(v, 2.0)))(1.0)


def test_kelvin_is_the_real_kelvin_functions():
    got = osc.jvp(special.kelvin, (X,), (np.ones(4),))
    for g, w in zip(got[0], special.kelvin(X)):
        np.testing.assert_allclose(g, w, rtol=1e-14)
    be, ke, bep, kep = special.kelvin(X)
    np.testing.assert_allclose(got[1][0], bep, rtol=1e-12)  # Be' = ber' + i bei'
    np.testing.assert_allclose(got[1][1], kep, rtol=1e-12)
    check_grads(lambda a: sum(_both(lambda b, i=i: special.kelvin(b)[i], a) for i in range(4)), (X,), order=2)


@pytest.mark.parametrize("fn, sign", [(special.modfresnelp, 1), (special.modfresnelm, -1)])
def test_modified_fresnel(fn, sign):
    x = X
    (f, k), (df, dk) = osc.jvp(fn, (x,), (np.ones(4),))
    np.testing.assert_array_equal(f, fn(x)[0])
    np.testing.assert_array_equal(k, fn(x)[1])
    np.testing.assert_allclose(df, -np.exp(sign * 1j * x * x), rtol=1e-14)
    np.testing.assert_allclose(dk, -np.exp(-sign * 1j * np.pi / 4) / np.sqrt(np.pi) - sign * 2j * x * k, rtol=1e-12)
    check_grads(lambda a: _both(lambda b: fn(b)[0], a) + _both(lambda b: fn(b)[1], a), (x,), order=2)
    # SciPy's values for x < 0 are not the integral's: the derivative there says so
    assert np.isnan(osc.grad(lambda a: np.real(fn(a)[0]))(-0.5))


def test_lambertw_branch_must_be_a_constant():
    with pytest.raises(TypeError, match="k and tol must be single numbers"):
        osc.grad(lambda x: np.real(special.lambertw(x, k=np.array([0, 1]))).sum())(np.array([0.5, 0.7]))
