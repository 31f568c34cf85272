"""More of ``scipy.special`` on traced values (``osculate.ad.prims.special_more``):
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
    """Where SciPy returns a bound of its search (no solution found: 1e100, or 1e-100 below) the value
    stays put and the derivatives are 0; where its value is nan (p outside [0, 1]) they are nan."""
    for name, args in (("ncfdtridfn", (0.5929938278746365, 7.0, 0.5, 1.3)), ("nctdtridf", (0.9, 0.3, 0.5)),
                       ("ncfdtridfn", (0.7, 0.15, 0.85, 0.5))):
        f = getattr(special, name)
        assert abs(f(*args)) >= 1e10 or abs(f(*args)) <= 1e-99
        g = osc.grad(lambda u, f=f: f(*u))(np.array(args))
        np.testing.assert_array_equal(g, 0.0)
    for name, args in (("ncfdtrinc", (3.0, 7.0, 1.5, 1.3)), ("nctdtrinc", (5.0, -0.2, 1.0))):
        f = getattr(special, name)
        g = osc.grad(lambda u, f=f: f(*u))(np.array(args))
        assert np.isnan(f(*args)) and np.all(np.isnan(g))


# =========================================================================== lqn and lqmn

_Z = np.array([-3.0, -1.2, -1.0001, -0.9, -0.3, 0.0, 0.4, 0.95, 0.9999, 1.0001, 1.01, 1.05, 1.5, 7.0, 40.0])


def _q_reference(m, n, x):
    """``[[Q_j^i(x) for j ≤ n] for i ≤ m]`` and their derivatives from mpmath's ``legenq`` at 30 digits
    (Ferrers' for ``|x| < 1``; outside SciPy's convention ``(x² - 1)^(i/2) dⁱQ_j/dxⁱ``, mpmath's type 3
    times ``(-1)^i`` for ``x < -1``); the derivatives by DLMF 14.10.5, ``(x² - 1) dQ_j^i/dx = j x Q_j^i
    - (j + i) Q_(j-1)^i``, and ``1 / (1 - x²)`` at ``i = j = 0`` (nan at ``j = 0 < i``: not compared here,
    but against SciPy's and finite differences below)."""
    x = mp.mpf(x)

    def q(j, i, y):
        if abs(y) < 1:
            return mp.legenq(j, i, y, type=2)
        return mp.re(mp.legenq(j, i, y, type=3)) * ((-1) ** i if y < -1 else 1)

    values = [[q(j, i, x) for j in range(n + 1)] for i in range(m + 1)]
    slopes = [[(j * x * values[i][j] - (j + i) * values[i][j - 1]) / (x * x - 1) if j else
               (1 / (1 - x * x) if i == 0 else mp.nan)
               for j in range(n + 1)] for i in range(m + 1)]
    return np.array(values, dtype=float), np.array(slopes, dtype=float)


@pytest.mark.parametrize("m, n", [(0, 30), (3, 5)])
def test_lqmn_values_and_derivatives_match_mpmath(m, n):
    """Every entry of both outputs against mpmath, relative (or, near a zero, relative to a thousandth
    of its row's largest, the degrees at one order and one z): measured 1e-12 at worst (order 5 at
    z = ±1.0001)."""
    z = _Z[[0, 1, 2, 3, 4, 6, 8, 9, 11, 12, 14]]  # (not 0: mpmath's legenq fails at its zeros)
    q, dq = sps.lqmn(m, n, z)
    assert q.shape == dq.shape == (m + 1, n + 1, len(z))
    for k, x in enumerate(z):
        for out, want in zip((q[..., k], dq[..., k]), _q_reference(m, n, x)):
            known = ~np.isnan(want)
            scale = np.maximum(np.abs(want), 1e-3 * np.nanmax(np.abs(want), axis=1, keepdims=True))
            assert np.max(np.abs(out - want)[known] / scale[known]) < 2e-12, x


def test_lqn_is_lqmn_at_order_0_and_scipys_where_scipys_is_right():
    """lqn is lqmn's order 0; both equal SciPy's to 1e-12 where SciPy's are right (mpmath), and at the
    points where SciPy's are not, they are mpmath's (see the module's notes)."""
    for n in (0, 1, 2, 5, 20):
        q, dq = sps.lqn(n, _Z)
        qm, dqm = sps.lqmn(0, n, _Z)
        assert q.shape == (n + 1, len(_Z))
        np.testing.assert_array_equal(q, qm[0])
        np.testing.assert_array_equal(dq, dqm[0])
    ok = (_Z > -1.0) & (_Z != 1.0001)  # (SciPy loses digits below -1 and just above 1)
    for n in (2, 5, 12):
        for mine, scipys in zip(sps.lqn(n, _Z[ok]), special.lqn(n, _Z[ok])):
            np.testing.assert_allclose(mine, scipys, rtol=3e-11, atol=1e-300)
    for mine, scipys in zip(sps.lqmn(3, 6, _Z[ok]), special.lqmn(3, 6, _Z[ok])):
        np.testing.assert_allclose(mine, scipys, rtol=1e-11, atol=1e-300)
    # SciPy's wrong values: Q_0 = 0 above 1 when n ≤ 1, and lost digits at Q_12(-3)
    assert special.lqn(1, 1.5)[0][0] == 0.0 and np.isclose(sps.lqn(1, 1.5)[0][0], np.arctanh(1 / 1.5), rtol=1e-15)
    assert abs(sps.lqn(12, -3.0)[0][12] / _q_reference(0, 12, -3.0)[0][0, 12] - 1) < 1e-12


def test_lqn_lqmn_at_the_edges_and_bad_arguments():
    z = np.array([1.0, -1.0, np.nan, np.inf, 1e200])
    for got in (sps.lqn(2, z), sps.lqmn(1, 2, z)):
        for out in got:
            np.testing.assert_array_equal(out[..., :2], 1e300)  # SciPy's value at z = ±1
            assert np.all(np.isnan(out[..., 2:]))
    g = osc.grad(lambda t: sps.lqn(2, t)[0][2])(np.float64(1.0))
    assert g == 0.0  # (a constant there)
    with pytest.raises(ValueError, match="lqn: n must be >= 0"):
        sps.lqn(-1, 0.5)
    with pytest.raises(TypeError, match="lqmn: m must be an integer"):
        sps.lqmn(1.5, 2, 0.5)
    with pytest.raises(UnsupportedFunctionError, match="lqn: complex z"):
        osc.jvp(lambda t: sps.lqn(2, t * (1.0 + 1.0j))[0], (np.float64(0.5),), (np.float64(1.0),))
    q, dq = sps.lqn(2, np.array([0.5 + 0.5j]))  # plain complex z: SciPy's own
    np.testing.assert_array_equal(q, special.lqn(2, np.array([0.5 + 0.5j]))[0])


@pytest.mark.parametrize("z", [np.array([-0.7, 0.2, 0.9]), np.array([-2.5, 1.05, 1.4, 6.0])])
def test_lqn_lqmn_against_finite_differences(z):
    check_grads(lambda t: sps.lqn(4, t), (z,), order=2, modes=("fwd", "rev"))
    check_grads(lambda t: sps.lqmn(2, 3, t), (z,), order=2, modes=("fwd", "rev"))
    assert core.current_depth() == 0


def test_lqmn_solves_legendres_equation_in_taylor_mode():
    """``(1 - z²) Q'' - 2z Q' + (n(n+1) - m²/(1 - z²)) Q = 0`` for every order and degree, inside and
    outside, with Q'' by forward mode on the derivative output and the third derivative consistent
    with Taylor mode."""
    z = np.array([-2.5, -0.6, 0.3, 0.97, 1.02, 4.0])
    m, n = 2, 4
    q, dq = sps.lqmn(m, n, z)
    d2 = osc.jvp(lambda t: sps.lqmn(m, n, t)[1], (z,), (np.ones_like(z),))[1]
    i, j = np.arange(m + 1)[:, None, None], np.arange(n + 1)[None, :, None]
    w = 1.0 - z * z
    residual = w * d2 - 2.0 * z * dq + (j * (j + 1) - i * i / w) * q
    assert np.max(np.abs(residual) / (np.abs(w * d2) + np.abs(2.0 * z * dq) + np.abs(q))) < 1e-12
    for k in (0, 3, 4):
        along = osc.derivatives_along(lambda t: sps.lqmn(m, n, t)[0][2, 3], np.float64(z[k]), np.float64(1.0), 3)
        nested = osc.jvp(lambda t: osc.jvp(lambda u: sps.lqmn(m, n, u)[1][2, 3], (t,), (np.float64(1.0),))[1],
                         (np.float64(z[k]),), (np.float64(1.0),))[1]
        np.testing.assert_allclose(along[3], nested, rtol=1e-10)


# =========================================================================== the Jacobi polynomials and quadratures


def _gauss_jacobi_reference(n, a, b, guesses):
    """mpmath's nodes (roots of P_n^(α,β)), weights ``C / ((1 - x²) P_n'(x)²)`` and the nodes' derivative
    in α by the implicit function theorem, ``-∂αP / ∂xP``."""
    a, b = mp.mpf(a), mp.mpf(b)
    poly = lambda x, al=a: mp.jacobi(n, al, b, x)  # noqa: E731
    nodes = [mp.findroot(poly, mp.mpf(g)) for g in guesses]
    c = mp.gamma(n + a + 1) * mp.gamma(n + b + 1) / (mp.gamma(n + a + b + 1) * mp.factorial(n)) * 2 ** (a + b + 1)
    weights = [c / ((1 - x * x) * mp.diff(poly, x) ** 2) for x in nodes]
    slopes = [-mp.diff(lambda al: poly(x, al), a) / mp.diff(poly, x) for x in nodes]
    return [np.array(v, dtype=float) for v in (nodes, weights, slopes)]


@pytest.mark.parametrize("n, a, b", [(1, 0.3, 0.7), (4, -0.5, 1.5), (12, 2.0, -0.7), (30, 0.3, 4.0)])
def test_roots_jacobi_against_mpmath_and_scipy(n, a, b):
    """Traced α, β: the nodes to 2e-16 and the weights to 3e-14 relative of mpmath's (SciPy's own weights
    are within 3e-13), μ₀ = SciPy's; the nodes' derivative in α against mpmath's implicit function theorem."""
    (x, w, mu0), _ = osc.jvp(lambda al: sps.roots_jacobi(n, al, b, mu=True), (np.float64(a),), (np.float64(1.0),))
    sx, sw, smu = special.roots_jacobi(n, a, b, mu=True)
    rx, rw, rslope = _gauss_jacobi_reference(n, a, b, sx)
    assert np.max(np.abs(x - rx)) < 3e-16 and np.max(np.abs(x - sx)) < 3e-16
    assert _rel(w / rw, 1.0) < 3e-14 and np.max(np.abs(w / sw - 1)) < 5e-13
    assert abs(mu0 / smu - 1) < 1e-15
    dx = osc.jacfwd(lambda al: sps.roots_jacobi(n, al, b)[0])(np.float64(a))
    assert np.max(np.abs(dx - rslope)) < 1e-12 * max(1.0, np.max(np.abs(rslope)))
    # the weights' derivative against central differences of mpmath's weights
    h = 1e-6
    dw = osc.jacrev(lambda al: sps.roots_jacobi(n, al, b)[1])(np.float64(a))
    wp, wm = (_gauss_jacobi_reference(n, a + s, b, sx)[1] for s in (h, -h))
    assert np.max(np.abs(dw - (wp - wm) / (2 * h))) < 1e-8 * max(1.0, np.max(np.abs(dw)))


@pytest.mark.parametrize("n", [1, 2, 6])
def test_jacobi_quadratures_against_finite_differences(n):
    for fn, args in ((sps.roots_jacobi, (0.7, -0.3)), (sps.roots_sh_jacobi, (2.7, 1.3)),
                     (sps.j_roots, (1.5, 0.2)), (sps.js_roots, (1.2, 0.9))):
        check_grads(lambda p, q, fn=fn: fn(n, p, q, mu=True), tuple(np.float64(t) for t in args), order=2,
                    modes=("fwd", "rev"))
    assert core.current_depth() == 0


def test_roots_sh_jacobi_traced_values_are_scipys():
    for n in (1, 3, 9):
        out, _ = osc.jvp(lambda p: sps.roots_sh_jacobi(n, p, 1.3, True), (np.float64(2.7),), (np.float64(1.0),))
        for mine, scipys in zip(out, special.roots_sh_jacobi(n, 2.7, 1.3, True)):
            np.testing.assert_allclose(mine, scipys, rtol=2e-13, atol=1e-16)


@pytest.mark.parametrize("n", [0, 1, 2, 5, 11])
def test_jacobi_and_sh_jacobi_objects(n):
    """The call's value is SciPy's (monic too), its derivative in α, β and x against mpmath's and finite
    differences (check_grads, order 2); the ``weights`` rows are SciPy's ``orthopoly1d.weights``."""
    xs = np.linspace(-0.95, 0.95, 7)
    a, b = 0.7, -0.3

    def call(al, be, x, monic=False):
        return sps.jacobi(n, al, be, monic=monic)(x)

    for monic in (False, True):
        value, _ = osc.jvp(lambda al: call(al, b, xs, monic), (np.float64(a),), (np.float64(1.0),))
        want = special.jacobi(n, a, b, monic=monic)(xs)
        np.testing.assert_allclose(value, want, rtol=1e-13, atol=1e-15 * np.max(np.abs(want)))
        check_grads(lambda al, be, x: call(al, be, x, monic), (np.float64(a), np.float64(b), xs), order=2,
                    modes=("fwd", "rev"))
    d = osc.jacfwd(lambda al: call(al, b, xs))(np.float64(a))
    ref = [float(mp.diff(lambda al: mp.jacobi(n, al, b, x), a)) for x in xs]
    np.testing.assert_allclose(d, ref, rtol=1e-11, atol=1e-13 * max(1.0, np.max(np.abs(ref))))
    ys = 0.5 * (xs + 1.0)
    value, _ = osc.jvp(lambda p: sps.sh_jacobi(n, p, 1.3)(ys), (np.float64(2.7),), (np.float64(1.0),))
    np.testing.assert_allclose(value, special.sh_jacobi(n, 2.7, 1.3)(ys), rtol=1e-13, atol=1e-16)
    check_grads(lambda p, q, y: sps.sh_jacobi(n, p, q)(y), (np.float64(2.7), np.float64(1.3), ys), order=2,
                modes=("fwd", "rev"))
    if n:
        rows, _ = osc.jvp(lambda al: sps.jacobi(n, al, b).weights, (np.float64(a),), (np.float64(1.0),))
        np.testing.assert_allclose(rows, special.jacobi(n, a, b).weights, rtol=5e-13)
    assert core.current_depth() == 0


def test_jacobi_with_plain_parameters_is_scipys_and_bad_arguments():
    p = sps.jacobi(3, 0.5, 1.5)
    assert isinstance(p, type(special.jacobi(3, 0.5, 1.5)))  # SciPy's orthopoly1d, called on traced x below
    g = osc.grad(lambda x: p(x))(np.float64(0.3))
    assert np.isclose(g, 0.5 * (3 + 0.5 + 1.5 + 1) * special.eval_jacobi(2, 1.5, 2.5, 0.3), rtol=1e-13)
    assert sps.j_roots is sps.roots_jacobi and sps.js_roots is sps.roots_sh_jacobi
    np.testing.assert_array_equal(sps.roots_jacobi(4, 0.5, 1.5)[1], special.roots_jacobi(4, 0.5, 1.5)[1])
    with pytest.raises(ValueError, match="roots_jacobi: n must be a positive integer"):
        sps.roots_jacobi(0, np.float64(0.5), 0.5)
    with pytest.raises(ValueError, match="roots_jacobi: beta must be greater than -1"):
        osc.grad(lambda a: sps.roots_jacobi(3, a, -1.5)[0][0])(np.float64(0.5))
    with pytest.raises(ValueError, match="sh_jacobi: n must be nonnegative"):
        sps.sh_jacobi(-1, 2.0, 1.0)


# =========================================================================== pro_cv_seq and obl_cv_seq


@pytest.mark.parametrize("kind", ["pro", "obl"])
@pytest.mark.parametrize("m, n, c", [(0, 4, 0.5), (1, 6, 3.0), (2, 5, 8.0)])
def test_spheroidal_sequences(kind, m, n, c):
    """Traced c: SciPy's sequence to 1e-14 relative (the separate characteristic values), the derivative
    in c that of each pro_cv / obl_cv, against finite differences of SciPy's sequence and to second
    order (check_grads); plain c: SciPy's own array."""
    seq, single = getattr(sps, f"{kind}_cv_seq"), getattr(special, f"{kind}_cv")
    scipys = getattr(special, f"{kind}_cv_seq")
    value, slope = osc.jvp(lambda t: seq(m, n, t), (np.float64(c),), (np.float64(1.0),))
    assert value.shape == (n - m + 1,)
    np.testing.assert_allclose(value, scipys(m, n, c), rtol=1e-14)
    np.testing.assert_array_equal(slope, [osc.grad(lambda t, k=k: single(m, k, t))(np.float64(c))
                                          for k in range(m, n + 1)])
    h = 1e-5
    np.testing.assert_allclose(slope, (scipys(m, n, c + h) - scipys(m, n, c - h)) / (2 * h), rtol=1e-7, atol=1e-9)
    check_grads(lambda t: seq(m, n, t), (np.float64(c),), order=2, modes=("fwd", "rev"))
    np.testing.assert_array_equal(seq(m, n, c), scipys(m, n, c))
    with pytest.raises(ValueError, match=f"{kind}_cv_seq: n - m must be at most 199"):
        seq(0, 200, c)
