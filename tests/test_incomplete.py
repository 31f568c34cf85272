"""The incomplete gamma and beta functions in every argument
(osculate.ad.prims.incomplete).

Values are SciPy's; first and second derivatives in every argument (mixed
ones included) match mpmath to 1e-10 relative (measured: 1e-11 at worst) at representative and edge
points: tiny and large x, large a, integer a (where Legendre's continued
fraction of the value terminates but its derivative's does not), Q ≈ 1e-30
(gammaincc's derivatives are relative to Q, not to 1 - P), betainc at
x = 1e-9 and x = 1 - 1e-9 and on both sides of its symmetry switch.  A grid
a ∈ [0.1, 50] × x ∈ [1e-3, 100] checks ∂P/∂a and ∂²P/∂a² in one vectorised
call; Taylor mode to order 5 matches mpmath to 1e-12; the four HVP nestings agree.
The table rows (tests/rows_incomplete.py) add finite differences, vmap, jit,
sparsity and Taylor order 5 against nested forward mode.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
from scipy import special

import osculate as osc
from osculate.ad.prims.incomplete import betainc_d, gammainc_da

mp.mp.dps = 30

P = lambda a, x: mp.gammainc(a, 0, x, regularized=True)  # noqa: E731
Q = lambda a, x: mp.gammainc(a, x, mp.inf, regularized=True)  # noqa: E731
I = lambda a, b, x: mp.betainc(a, b, 0, x, regularized=True)  # noqa: E731,E741


def _close(got, want, rtol=1e-10, what=""):
    want = float(want)
    assert abs(float(got) - want) <= rtol * abs(want) + 1e-300, (what, float(got), want)


def _all_second_orders(n):
    return [tuple(int(i == k) + int(j == k) for k in range(n)) for i in range(n) for j in range(i, n)]


GAMMA_POINTS = [(1.7, 0.5), (3.0, 4.0), (0.1, 1e-3), (0.5, 1e-8), (1.0, 3.0), (2.0, 0.7), (50.0, 45.0),
                (50.0, 60.0), (0.5, 30.0), (10.0, 100.0), (7.5, 8.5)]


def _gamma_ref(a, x, order, sign):
    """mpmath's derivative of P (sign 1) or Q (sign -1), taken on the small side
    (at 30 digits the derivatives of P ≈ 1 - 1e-31 would be mpmath's noise)."""
    p = (mp.mpf(a), mp.mpf(x))
    if P(*p) < 0.5:
        return sign * mp.diff(P, p, order)
    return -sign * mp.diff(Q, p, order)


@pytest.mark.parametrize("name, sign", [("gammainc", 1), ("gammaincc", -1)])
def test_gamma_values_and_two_derivatives_in_both_arguments_match_mpmath(name, sign):
    fn = getattr(special, name)
    f = lambda z: fn(z[0], z[1])  # noqa: E731
    for a, x in GAMMA_POINTS:
        z = np.array([a, x])
        assert osc.jvp(f, (z,), (z,))[0] == fn(a, x)  # SciPy's own value
        g = osc.grad(f)(z)
        H = osc.hessian(f)(z)
        for i, order in enumerate([(1, 0), (0, 1)]):
            _close(g[i], _gamma_ref(a, x, order, sign), what=(name, a, x, order))
        for order in _all_second_orders(2):
            i, j = [k for k in range(2) for _ in range(order[k])]
            want = _gamma_ref(a, x, order, sign)
            _close(H[i, j], want, what=(name, a, x, order))
            _close(H[j, i], want, what=(name, a, x, order))


BETA_POINTS = [(2.5, 1.5, 0.3), (2.5, 1.5, 0.9), (0.5, 0.5, 0.3), (0.1, 3.0, 0.05), (5.0, 0.2, 0.999),
               (30.0, 40.0, 0.45), (50.0, 50.0, 0.6), (2.0, 3.0, 1e-9), (2.0, 3.0, 1 - 1e-9), (0.7, 1.3, 1e-9),
               (3.0, 4.0, 0.999999), (1.0, 2.0, 0.5), (200.0, 3.0, 0.99)]


def test_betainc_values_and_two_derivatives_in_all_arguments_match_mpmath():
    f = lambda z: special.betainc(z[0], z[1], z[2])  # noqa: E731
    for a, b, x in BETA_POINTS:
        z = np.array([a, b, x])
        assert osc.jvp(f, (z,), (z,))[0] == special.betainc(a, b, x)
        g = osc.grad(f)(z)
        H = osc.hessian(f)(z)
        p = (mp.mpf(a), mp.mpf(b), mp.mpf(x))
        for i in range(3):
            _close(g[i], mp.diff(I, p, tuple(int(k == i) for k in range(3))), what=(a, b, x, i))
        for order in _all_second_orders(3):
            i, j = [k for k in range(3) for _ in range(order[k])]
            want = mp.diff(I, p, order)
            _close(H[i, j], want, what=(a, b, x, order))
            _close(H[j, i], want, what=(a, b, x, order))


def test_derivatives_in_a_on_a_grid_in_one_call():
    A, X = np.meshgrid([0.1, 0.5, 1.0, 2.5, 7.0, 20.0, 50.0], [1e-3, 0.1, 1.0, 3.0, 10.0, 30.0, 60.0, 100.0],
                       indexing="ij")
    d1, d2 = gammainc_da(A, X, 1), gammainc_da(A, X, 2)
    worst = 0.0
    for (i, j), a in np.ndenumerate(A):
        x = X[i, j]
        ref, sign = (P, 1) if x <= a + 1 else (Q, -1)  # the small side, for mpmath's accuracy
        for got, k in ((d1, 1), (d2, 2)):
            want = sign * mp.diff(lambda t: ref(t, x), mp.mpf(a), k)
            worst = max(worst, float(abs(got[i, j] - want) / abs(want)))
    assert worst < 1e-11, worst


def test_the_four_hvp_nestings_agree():
    gf = lambda z: np.sum(special.gammaincc(z[:2], z[2:]) ** 2)  # noqa: E731
    bf = lambda z: special.betainc(z[0], z[1], z[2]) * z[0]  # noqa: E731
    for f, z in ((gf, np.array([0.8, 3.0, 0.4, 6.0])), (bf, np.array([2.5, 1.5, 0.8]))):
        ref = osc.hessian(f)(z)
        for m in osc.HVP_MODES:
            np.testing.assert_allclose(osc.hessian(f, mode=m)(z), ref, rtol=1e-12, atol=1e-15)


def test_taylor_mode_to_order_five_matches_mpmath():
    a0, x0 = 1.3, 2.1
    d = osc.derivatives_along(lambda t: special.gammainc(a0 + t, x0 + 0.5 * t), np.float64(0.0), np.float64(1.0),
                              order=5)
    h = lambda t: P(a0 + t, x0 + t / 2)  # noqa: E731
    for k in range(1, 6):
        _close(d[k], mp.diff(h, 0, k), 1e-12, ("gammainc", k))
    a0, b0, x0 = 2.5, 1.5, 0.6
    d = osc.derivatives_along(lambda t: special.betainc(a0 + t, b0 - t / 2, x0 + t / 10), np.float64(0.0),
                              np.float64(1.0), order=5)
    h = lambda t: I(a0 + t, b0 - t / 2, x0 + t / 10)  # noqa: E731
    for k in range(1, 6):
        _close(d[k], mp.diff(h, 0, k), 1e-12, ("betainc", k))


def test_derivative_primitives_match_mpmath_to_order_three():
    for a, x in [(1.7, 0.5), (3.0, 6.0)]:
        for k in (1, 2, 3):
            _close(gammainc_da(a, x, k), mp.diff(lambda t: P(t, x), mp.mpf(a), k), 1e-10, (a, x, k))
    p = (mp.mpf(2.5), mp.mpf(1.5), mp.mpf(0.3))
    for j, l in [(1, 0), (0, 1), (2, 1), (1, 2), (3, 0)]:
        _close(betainc_d(*map(float, p), j, l), mp.diff(I, p, (j, l, 0)), 1e-10, (j, l))


def test_broadcasting_and_vmap_like_scipy():
    a, b, x = np.array([[0.5], [2.0]]), np.array([1.5, 3.0, 0.7]), np.array([0.2, 0.9, 0.5])
    assert special.betainc(a, b, x).shape == (2, 3)
    g = osc.grad(lambda a: np.sum(special.betainc(a, b, x)))(a)
    assert g.shape == a.shape
    np.testing.assert_allclose(g[:, 0], np.sum(betainc_d(a, b, x, 1, 0), axis=1), rtol=1e-14)
    ga = osc.vmap(osc.grad(lambda a, x: special.gammainc(a, x)))(np.array([0.5, 2.0, 40.0]), np.array([1.0, 9.0, 35.0]))
    np.testing.assert_allclose(ga, gammainc_da(np.array([0.5, 2.0, 40.0]), np.array([1.0, 9.0, 35.0])), rtol=1e-14)


def test_ends_and_outside_the_domain():
    # at x = 0 every derivative in a vanishes and the one in x is the limit of the density
    assert osc.grad(lambda a: special.gammainc(a, 0.0))(np.float64(2.0)) == 0.0
    assert osc.grad(lambda x: special.gammainc(2.0, x))(np.float64(0.0)) == 0.0
    assert osc.grad(lambda x: special.gammainc(1.0, x))(np.float64(0.0)) == 1.0
    assert osc.grad(lambda x: special.betainc(1.0, 3.0, x))(np.float64(0.0)) == pytest.approx(3.0, rel=1e-15)
    assert osc.grad(lambda x: special.betainc(2.0, 3.0, x))(np.float64(1.0)) == 0.0
    g = osc.grad(lambda z: special.betainc(z[0], z[1], 1.0))(np.array([2.0, 3.0]))
    np.testing.assert_array_equal(g, [0.0, 0.0])
    # nan where SciPy gives nan (no warning either)
    assert np.isnan(gammainc_da(-1.0, 2.0, 1)) and np.isnan(betainc_d(2.0, 3.0, 1.5, 1, 0))
    assert np.isnan(osc.grad(lambda x: special.gammainc(2.0, x))(np.float64(-1.0)))


def test_small_parameters_keep_their_digits():
    """1/Γ(a) is a / Γ(a + 1) and 1/(a B(a, b)) is b Γ(a+b) / (Γ(a+1) Γ(b+1)) (and the
    densities likewise): no ψ(a) ~ -1/a terms to cancel as a → 0 (they cost 1/a digits:
    1e-9 at a = 1e-8)."""
    for a, x in [(1e-4, 5.0), (1e-8, 5.0), (1e-8, 0.5)]:
        for k in (1, 2):
            _close(gammainc_da(a, x, k), _gamma_ref(a, x, (k, 0), 1), 1e-13, (a, x, k))
    for a, x in [(1e-8, 0.5), (1e-6, 5.0)]:  # the density's derivatives (∂x, ∂a∂x) too
        H = osc.hessian(lambda z: special.gammainc(z[0], z[1]))(np.array([a, x]))
        for order, (i, j) in zip([(2, 0), (1, 1), (0, 2)], [(0, 0), (0, 1), (1, 1)]):
            _close(H[i, j], _gamma_ref(a, x, order, 1), 1e-13, (a, x, order))
    for a, b, x in [(1e-6, 2.0, 0.3), (2.0, 1e-6, 0.7)]:  # betainc's density: every second derivative
        H = osc.hessian(lambda z: special.betainc(z[0], z[1], z[2]))(np.array([a, b, x]))
        p = (mp.mpf(a), mp.mpf(b), mp.mpf(x))
        for order in _all_second_orders(3):
            i, j = [k for k in range(3) for _ in range(order[k])]
            _close(H[i, j], mp.diff(I, p, order), 1e-13, (a, b, x, order))
    for a, b, x in [(1e-8, 2.0, 0.3), (2.0, 1e-6, 0.3), (1e-6, 2e-6, 0.3)]:
        p = (mp.mpf(a), mp.mpf(b), mp.mpf(x))
        for j, l in [(1, 0), (0, 1), (1, 1), (2, 0), (0, 2)]:
            _close(betainc_d(a, b, x, j, l), mp.diff(I, p, (j, l, 0)), 1e-13, (a, b, x, j, l))


def test_extreme_inputs_underflow_to_zero_or_give_nan_without_warnings():
    # (warnings are errors in this suite)
    assert gammainc_da(2.0, 1e308, 1) == 0.0 and gammainc_da(3.0, 1e-200, 2) == 0.0
    assert gammainc_da(5.0, np.inf, 1) == 0.0
    assert np.isnan(gammainc_da(np.inf, 2.0, 1)) and np.isnan(gammainc_da(2.0, np.nan, 1))
    assert betainc_d(2.0, 3.0, 5e-324, 1, 0) == 0.0
    assert np.isnan(betainc_d(np.inf, 2.0, 0.5, 1, 0))
    assert np.isfinite(betainc_d(1e5, 1e5, 0.5, 1, 1))
