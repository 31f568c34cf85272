"""A further batch of ``scipy.special`` on traced values (``osculate.ad.prims.special_batch``):
``airye`` and the inverses of the noncentral F and t distribution functions in a parameter.
Values are SciPy's own (on traced inputs too); first and second derivatives against mpmath at
30 digits and against finite differences of SciPy's functions, forward and reverse."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
from scipy import special

import osculate as osc
import osculate.scipy.special as sps
from osculate.ad import core
from osculate.ad.core import UnsupportedFunctionError
from osculate.testing import check_grads
from test_special_stat import _ncf, _nct

mp.mp.dps = 30


def _rel(got, want):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    return float(np.max(np.abs(got - want)) / np.max(np.abs(want)))


# =========================================================================== airye

_SCALED = [
    lambda x: mp.airyai(x) * mp.exp(2 * x * mp.sqrt(x) / 3),
    lambda x: mp.airyai(x, derivative=1) * mp.exp(2 * x * mp.sqrt(x) / 3),
    lambda x: mp.airybi(x) * (mp.exp(-2 * x * mp.sqrt(x) / 3) if x > 0 else 1),
    lambda x: mp.airybi(x, derivative=1) * (mp.exp(-2 * x * mp.sqrt(x) / 3) if x > 0 else 1),
]
_AIRYE_CASES = [pytest.param(k, x, id=f"airye[{k}]-{x}") for k in range(4)
                for x in ([0.05, 0.7, 2.5, 9.0, 40.0] + ([-0.4, -3.0, -9.0] if k >= 2 else []))]


@pytest.mark.parametrize("k, x", _AIRYE_CASES)
def test_airye_value_and_derivatives_match_mpmath(k, x):
    """SciPy's value; the first and second derivatives (forward and reverse, and Taylor mode to the
    third) against mpmath's.  The rules' two terms cancel for large x: the n-th derivative is held to
    1e-13 max(1, x)^(3n/2) relative (measured: 2e-14 at x = 9, 2e-11 and 6e-8 for the second and
    third derivatives at x = 40), the third, small near x = 0.7, to 100 times that; for x < 0
    (oscillating: SciPy's values themselves to 5e-13) to 1e-12."""
    f = lambda t: special.airye(t)[k]  # noqa: E731
    t0 = np.float64(x)
    value, _ = osc.jvp(f, (t0,), (np.float64(1.0),))
    assert value == f(t0)
    ref = _SCALED[k]
    assert _rel(value, float(ref(mp.mpf(x)))) < (1e-12 if x < 0 else 1e-13)
    want = [float(mp.diff(ref, mp.mpf(x), n)) for n in range(4)]
    tol = [1e-12 if x < 0 else 1e-13 * max(1.0, x) ** (1.5 * n) * (100.0 if n == 3 else 1.0) for n in range(4)]
    assert _rel(osc.grad(f)(t0), want[1]) < tol[1]
    for mode in ("fwd-rev", "rev-rev"):
        assert _rel(osc.hessian(f, mode=mode)(t0), want[2]) < tol[2]
    along = osc.derivatives_along(f, t0, np.float64(1.0), 3)
    for n in range(4):
        assert _rel(along[n], want[n]) < tol[n], n
    assert core.current_depth() == 0


def test_airye_against_finite_differences():
    x = np.array([0.3, 1.7, 4.0, 11.0])
    for k in range(4):
        check_grads(lambda t, k=k: special.airye(t)[k], (x,), order=2, modes=("fwd", "rev"))
    for k in (2, 3):
        check_grads(lambda t, k=k: special.airye(t)[k], (-x,), order=2, modes=("fwd", "rev"))


def test_airye_is_scipys_tuple_with_its_nans_and_refuses_complex():
    """A tuple of four like SciPy's with the same values (eAi, eAip nan for x < 0, and nan derivatives
    there); at x = 0 the first derivatives are Airy's; complex z is refused with a one-line error."""
    x = np.array([-5.0, -1.0, 0.0, 0.5, 3.0, np.nan, np.inf, 300.0])
    got = sps.airye(x)
    assert isinstance(got, tuple) and len(got) == 4
    for a, b in zip(got, special.airye(x)):
        np.testing.assert_array_equal(a, b)
    value, tangent = osc.jvp(special.airye, (x[:5],), (np.ones(5),))
    for a, b in zip(value, special.airye(x[:5])):
        np.testing.assert_array_equal(a, b)
    assert np.all(np.isnan(tangent[0][:2])) and np.all(np.isnan(tangent[1][:2]))
    ai, aip, bi, bip = special.airy(0.0)
    np.testing.assert_allclose([t[2] for t in tangent], [aip, 0.0, bip, 0.0], atol=1e-16)
    # for x < 0 eBi is Bi: Airy's equation
    np.testing.assert_allclose(tangent[3][:2], x[:2] * special.airy(x[:2])[2], rtol=1e-14)
    with pytest.raises(UnsupportedFunctionError, match="airye: complex z"):
        osc.jvp(lambda z: special.airye(z * (1.0 + 1.0j))[0], (np.float64(0.5),), (np.float64(1.0),))
    assert core.current_depth() == 0


# =========================================================================== the noncentral inverses

# name, the cdf F (mpmath), the position of the parameter the inverse returns, points (SciPy's arguments)
INVERSES = [
    ("ncfdtridfd", _ncf, 1, [(3.0, 0.4, 0.1, 1.3), (5.0, 0.6, 1.5, 2.0)]),
    ("ncfdtridfn", _ncf, 0, [(0.64, 7.0, 0.1, 1.3), (0.4, 7.0, 2.5, 1.3)]),
    ("ncfdtrinc", _ncf, 2, [(3.0, 7.0, 0.3, 1.3), (5.0, 10.0, 0.2, 1.0)]),
    ("nctdtridf", _nct, 0, [(0.7, 0.3, 1.5), (0.85, 0.3, 1.5)]),
    ("nctdtrinc", _nct, 1, [(5.0, 0.7, 1.5), (3.0, 0.2, -0.4)]),
]
_INVERSE_CASES = [pytest.param(name, cdf, at, point, id=f"{name}-{k}")
                  for name, cdf, at, points in INVERSES for k, point in enumerate(points)]


def _inverse_derivatives(cdf, at, fargs):
    """The gradient and Hessian of θ(v) solving ``cdf(x) = p`` (``x`` = ``v`` with θ in place of ``p`` at
    ``at``), by the implicit function theorem on mpmath's partials of ``cdf`` at ``fargs``: with ``G = F(x) -
    p``, ``θᵢ = -Gᵢ / G_θ`` and ``θᵢⱼ = -(Gᵢⱼ + G_iθ θⱼ + G_jθ θᵢ + G_θθ θᵢ θⱼ) / G_θ``."""
    n = len(fargs)
    memo = {}

    def d(*idx):
        order = [0] * n
        for i in idx:
            order[i] += 1
        order = tuple(order)
        if order not in memo:
            memo[order] = mp.diff(cdf, fargs, order)
        return memo[order]

    f_theta, f_tt = d(at), d(at, at)
    first = [-1 if i == at else d(i) for i in range(n)]  # G's partials in v (in p: -1)
    mixed = [0 if i == at else d(i, at) for i in range(n)]  # G_iθ
    grad = [-g / f_theta for g in first]
    hess = [[-((0 if at in (i, j) else d(i, j)) + mixed[i] * grad[j] + mixed[j] * grad[i]
               + f_tt * grad[i] * grad[j]) / f_theta for j in range(n)] for i in range(n)]
    return np.array([float(g) for g in grad]), np.array([[float(h) for h in row] for row in hess])


@pytest.mark.parametrize("name, cdf, at, point", _INVERSE_CASES)
def test_inverses_against_mpmath_at_scipys_value(name, cdf, at, point):
    """The implicit function theorem at SciPy's value θ: the gradient and the whole Hessian (forward
    over reverse and reverse over reverse) against those from mpmath's cdf, differentiated at 30
    digits, at the same θ."""
    f = getattr(special, name)
    v = np.array(point)
    value = f(*point)
    args = [mp.mpf(t) for t in point]
    fargs = args[:at] + [mp.mpf(float(value))] + args[at + 1:]
    # SciPy's value solves the equation approximately (the noncentral F ones: cdflib's own distribution function)
    assert abs(float(cdf(*fargs)) - point[at]) < (1e-4 if name.startswith("ncf") else 1e-9)
    grad, hess = _inverse_derivatives(cdf, at, fargs)
    assert _rel(osc.grad(lambda u: f(*u))(v), grad) < 1e-10
    for mode in ("fwd-rev", "rev-rev"):
        assert _rel(osc.hessian(lambda u: f(*u), mode=mode)(v), hess) < 1e-9, mode
    assert core.current_depth() == 0


@pytest.mark.parametrize("name, cdf, at, point", _INVERSE_CASES)
def test_inverses_against_finite_differences_of_scipys_function(name, cdf, at, point):
    """Against SciPy's own function: the noncentral t inverses to check_grads' tolerance; the noncentral F
    ones (cdflib's searches on its own distribution function, good to about 1e-4) to 3e-3 relative."""
    f = getattr(special, name)
    value, _ = osc.jvp(lambda u: f(*u), (np.array(point),), (np.ones(len(point)),))
    assert value == f(*point) and getattr(sps, name)(*point) == f(*point)
    rtol = 3e-3 if name.startswith("ncf") else 1e-5
    check_grads(lambda *u: f(*u), tuple(np.float64(t) for t in point), order=2, modes=("fwd", "rev"),
                eps=1e-5, rtol=rtol)


def test_inverses_at_search_bounds_and_off_the_domain():
    """Where SciPy returns a bound of its search (no solution found) the value stays put and the
    derivatives are 0; where its value is nan (p outside [0, 1]) they are nan."""
    for name, args in (("ncfdtridfn", (0.5929938278746365, 7.0, 0.5, 1.3)), ("nctdtridf", (0.9, 0.3, 0.5))):
        f = getattr(special, name)
        assert abs(f(*args)) >= 1e10
        g = osc.grad(lambda u, f=f: f(*u))(np.array(args))
        np.testing.assert_array_equal(g, 0.0)
    for name, args in (("ncfdtrinc", (3.0, 7.0, 1.5, 1.3)), ("nctdtrinc", (5.0, -0.2, 1.0))):
        f = getattr(special, name)
        g = osc.grad(lambda u, f=f: f(*u))(np.array(args))
        assert np.isnan(f(*args)) and np.all(np.isnan(g))
