"""osculate.scipy.interpolate: SciPy's values, derivatives of every order in the
data, the points and the knots, and the transforms (jit, vmap)."""

import warnings

import numpy as np
import pytest
import scipy.interpolate as si
from scipy.sparse.linalg import spsolve

import osculate as osc
from osculate.scipy import interpolate as oi
from osculate.testing import check_grads

RNG = np.random.default_rng(20261207)
X = np.sort(RNG.uniform(0.0, 5.0, 9))
Y = RNG.normal(size=(9, 2))
XS = np.linspace(-1.0, 6.0, 29)  # inside and beyond the data, on both sides


def close(actual, expected, rtol=1e-12):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    finite = np.abs(expected[np.isfinite(expected)])
    scale = max(1.0, float(finite.max())) if finite.size else 1.0
    assert np.array_equal(np.isposinf(actual), np.isposinf(expected))
    assert np.array_equal(np.isneginf(actual), np.isneginf(expected))
    np.testing.assert_allclose(actual, expected, rtol=0, atol=rtol * scale, equal_nan=True)


def away_from(knots, n, lo, hi, seed, gap=1e-3):
    """``n`` random points in ``[lo, hi]`` at least ``gap`` from every knot (the derivatives jump there)."""
    rng = np.random.default_rng(seed)
    pts = rng.uniform(lo, hi, 4 * n)
    pts = pts[np.min(np.abs(pts[:, None] - np.asarray(knots)[None, :]), axis=1) > gap]
    return pts[:n]


# --------------------------------------------------------------------------- values against SciPy

BCS = ["not-a-knot", "clamped", "natural", ((1, [0.3, -0.2]), (2, [1.0, 0.5])), ("natural", "not-a-knot"),
       ("clamped", (1, [2.0, 0.0]))]


@pytest.mark.parametrize("bc", BCS, ids=str)
@pytest.mark.parametrize("n", [2, 3, 4, 9])
def test_cubic_spline_values(bc, n):
    x, y = X[:n], Y[:n]
    a, b = si.CubicSpline(x, y, bc_type=bc), oi.CubicSpline(x, y, bc_type=bc)
    close(b.c, a.c)
    close(b.x, a.x)
    for nu in range(4):
        close(b(XS, nu), a(XS, nu))
        close(b.derivative(nu)(XS), a.derivative(nu)(XS))
    close(b.antiderivative()(XS), a.antiderivative()(XS))
    close(b.antiderivative(2)(XS), a.antiderivative(2)(XS))
    close(b.integrate(-0.5, 5.5), a.integrate(-0.5, 5.5))
    close(b.integrate(4.0, 0.5), a.integrate(4.0, 0.5))


@pytest.mark.parametrize("n", [3, 4, 9])
def test_cubic_spline_periodic(n):
    y = Y[:n].copy()
    y[-1] = y[0]
    a, b = si.CubicSpline(X[:n], y, bc_type="periodic"), oi.CubicSpline(X[:n], y, bc_type="periodic")
    assert b.extrapolate == "periodic"
    for nu in range(3):
        close(b(XS, nu), a(XS, nu))
    for lo, hi in [(-3.0, 17.2), (4.0, -1.0), (1.0, 2.0), (0.1, 0.1 + 3 * (X[n - 1] - X[0]))]:
        close(b.integrate(lo, hi), a.integrate(lo, hi))


def test_cubic_spline_extrapolate_axis_and_shapes():
    rng = np.random.default_rng(101)
    a, b = si.CubicSpline(X, Y[:, 0], extrapolate=False), oi.CubicSpline(X, Y[:, 0], extrapolate=False)
    close(b(XS), a(XS))
    assert np.isnan(b(XS)).sum() == np.isnan(a(XS)).sum() > 0
    close(b(XS, extrapolate=True), a(XS, extrapolate=True))
    close(b(XS, extrapolate="periodic"), a(XS, extrapolate="periodic"))
    y3 = rng.normal(size=(3, 9, 2))
    pts = XS.reshape(1, 29)
    a, b = si.CubicSpline(X, y3, axis=1), oi.CubicSpline(X, y3, axis=1)
    close(b(pts), a(pts))
    close(b(2.5), a(2.5))
    close(b.integrate(0.0, 3.0), a.integrate(0.0, 3.0))
    close(oi.CubicSpline(X, Y.T, axis=-1)(XS), si.CubicSpline(X, Y.T, axis=-1)(XS))
    close(oi.CubicSpline(X, Y[:, 0])(np.array([np.nan, 1.0])), si.CubicSpline(X, Y[:, 0])(np.array([np.nan, 1.0])))


def test_ppoly_and_hermite():
    rng = np.random.default_rng(102)
    d = rng.normal(size=9)
    a, b = si.CubicHermiteSpline(X, Y[:, 0], d), oi.CubicHermiteSpline(X, Y[:, 0], d)
    close(b(XS), a(XS))
    c = rng.normal(size=(4, 8, 2))
    a, b = si.PPoly(c, X), oi.PPoly(c, X)
    for nu in (0, 1, 2):
        close(b(XS, nu), a(XS, nu))
    close(b.antiderivative()(XS), a.antiderivative()(XS))
    close(b.integrate(-1.0, 4.0), a.integrate(-1.0, 4.0))
    c3 = rng.normal(size=(3, 4, 8, 2))  # axis=1: the degree and piece axes at 1 and 2
    a, b = si.PPoly(c3, X, axis=1), oi.PPoly(c3, X, axis=1)
    close(b(XS[:5]), a(XS[:5]))
    close(b.c, a.c)
    close(b.integrate(0.5, 3.0), a.integrate(0.5, 3.0))


@pytest.mark.parametrize("k", range(6))
def test_make_interp_spline_and_bspline(k):
    a, b = si.make_interp_spline(X, Y, k=k), oi.make_interp_spline(X, Y, k=k)
    close(b.t, a.t)
    close(b.c, a.c)
    for nu in range(k + 1):
        close(b(XS, nu), a(XS, nu))
    if k:  # SciPy's degree-0 antiderivative drops its last piece: not compared
        close(b.derivative()(XS), a.derivative()(XS))
        close(b.antiderivative(2)(XS), a.antiderivative(2)(XS))
        close(b.integrate(-0.3, 5.5), a.integrate(-0.3, 5.5))
    close(oi.BSpline.construct_fast(a.t, a.c, k)(XS), a(XS))
    bs = si.BSpline(a.t, a.c, k, extrapolate=False)
    bo = oi.BSpline(a.t, a.c, k, extrapolate=False)
    close(bo(XS), bs(XS))
    if k:
        close(bo.integrate(-1.0, 7.0), bs.integrate(-1.0, 7.0))
        bs, bo = si.BSpline(a.t, a.c, k, extrapolate="periodic"), oi.BSpline(a.t, a.c, k, extrapolate="periodic")
        close(bo(XS), bs(XS))
        close(bo.integrate(-1.0, 17.0), bs.integrate(-1.0, 17.0))


@pytest.mark.parametrize("bc", ["clamped", "natural", ([(1, [1.0, 2.0])], [(2, [0.5, 0.0])]), None])
def test_make_interp_spline_bc(bc):
    a, b = si.make_interp_spline(X, Y, k=3, bc_type=bc), oi.make_interp_spline(X, Y, k=3, bc_type=bc)
    for nu in range(4):
        close(b(XS, nu), a(XS, nu))
    five = ([(1, [0.0, 0.0]), (2, [0.0, 0.0])], [(1, [0.0, 1.0]), (2, [1.0, 1.0])])
    close(oi.make_interp_spline(X, Y, k=5, bc_type=five)(XS), si.make_interp_spline(X, Y, k=5, bc_type=five)(XS))


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_make_interp_spline_periodic(k):
    x = np.array([0.0, 0.7, 1.5, 2.6, 3.1, 4.0])
    y = np.column_stack([np.sin(np.pi * x / 2), np.cos(np.pi * x / 2)])
    a, b = si.make_interp_spline(x, y, k=k, bc_type="periodic"), oi.make_interp_spline(x, y, k=k, bc_type="periodic")
    close(b.t, a.t)
    close(b.c, a.c)
    assert b.extrapolate == a.extrapolate
    pts = np.linspace(-3.0, 9.0, 25)
    for nu in range(k):
        close(b(pts, nu), a(pts, nu))
    inside = np.array([0.3, 1.1, 2.2, 3.5])

    def f(free):  # the free values; the last one repeats the first
        return oi.make_interp_spline(x, np.concatenate([free, free[:1]]), k=k, bc_type="periodic")(inside)

    check_grads(f, (y[:-1, 0],), order=2, modes=("fwd", "rev"))
    with pytest.raises(ValueError, match="first and last y"):
        oi.make_interp_spline(x, y[::-1] + np.arange(6.0)[:, None], k=3, bc_type="periodic")


KINDS = ["linear", "nearest", "nearest-up", "previous", "next", "zero", "slinear", "quadratic", "cubic", 5]


@pytest.mark.parametrize("kind", KINDS, ids=str)
@pytest.mark.parametrize("fill", ["extrapolate", np.nan, (-1.0, 2.0), 0.5], ids=str)
def test_interp1d_values(kind, fill):
    pts = np.concatenate([XS, X, [np.nan]])
    a = si.interp1d(X, Y.T, kind=kind, fill_value=fill, bounds_error=False)
    b = oi.interp1d(X, Y.T, kind=kind, fill_value=fill, bounds_error=False)
    close(b(pts), a(pts))
    close(b(pts.reshape(3, 13)), a(pts.reshape(3, 13)))


def test_interp1d_unsorted_and_bounds():
    rng = np.random.default_rng(103)
    order = rng.permutation(9)
    a, b = si.interp1d(X[order], Y[order, 0], kind="cubic"), oi.interp1d(X[order], Y[order, 0], kind="cubic")
    inside = np.linspace(X[0], X[-1], 11)
    close(b(inside), a(inside))
    with pytest.raises(ValueError, match="below the interpolation range"):
        b(X[0] - 1.0)
    with pytest.raises(ValueError, match="above the interpolation range"):
        b(X[-1] + 1.0)
    a, b = si.interp1d(X, Y, axis=0), oi.interp1d(X, Y, axis=0)
    close(b(inside), a(inside))


@pytest.mark.parametrize("n", [3, 9])
def test_pchip_and_akima(n):
    x, y = X[:n], Y[:n]
    flat = np.array([0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 0.5])[:n]  # zero slopes and a sign change
    for data in (y, flat):
        a, b = si.PchipInterpolator(x, data), oi.PchipInterpolator(x, data)
        for nu in range(3):
            close(b(XS, nu), a(XS, nu))
        close(oi.pchip_interpolate(x, data, XS, der=[0, 1])[1], si.pchip_interpolate(x, data, XS, der=[0, 1])[1])
        for method in ("akima", "makima"):
            a = si.Akima1DInterpolator(x, data, method=method)
            b = oi.Akima1DInterpolator(x, data, method=method)
            close(b(XS), a(XS))  # NaN outside, as SciPy's default
            close(b(XS, 1, extrapolate=True), a(XS, 1, extrapolate=True))


@pytest.mark.parametrize("method", ["linear", "slinear", "nearest"])
def test_regular_grid(method):
    rng = np.random.default_rng(104)
    g = (np.sort(rng.uniform(0, 1, 5)), np.sort(rng.uniform(0, 2, 4)), np.linspace(-1, 1, 3))
    v = rng.normal(size=(5, 4, 3, 2))
    pts = np.column_stack([rng.uniform(-0.2, 1.2, 30), rng.uniform(-0.2, 2.2, 30), rng.uniform(-1.2, 1.2, 30)])
    pts[3] = np.nan
    for fill in (np.nan, None, 3.0):
        a = si.RegularGridInterpolator(g, v, method=method, bounds_error=False, fill_value=fill)
        b = oi.RegularGridInterpolator(g, v, method=method, bounds_error=False, fill_value=fill)
        close(b(pts), a(pts))
    q = pts[:, :2].reshape(5, 6, 2)
    close(oi.interpn(g[:2], v[:, :, 0, 0], q, method=method, bounds_error=False),
          si.interpn(g[:2], v[:, :, 0, 0], q, method=method, bounds_error=False))
    desc = (g[0][::-1], g[1])
    inside = np.column_stack([rng.uniform(g[0][0], g[0][-1], 7), rng.uniform(g[1][0], g[1][-1], 7)])
    close(oi.interpn(desc, v[::-1, :, 0, 0], inside, method=method),
          si.interpn(desc, v[::-1, :, 0, 0], inside, method=method))
    close(oi.interpn(g[:1], v[:, 0, 0, 0], inside[:, 0], method=method),
          si.interpn(g[:1], v[:, 0, 0, 0], inside[:, 0], method=method))
    with pytest.raises(ValueError, match="out of bounds"):
        oi.interpn(g, v, pts[:4] + 5.0)


# --------------------------------------------------------------------------- derivatives

PTS = away_from(X, 7, -0.5, 5.5, seed=1)


@pytest.mark.parametrize("bc", ["not-a-knot", "clamped", "natural", "periodic", ((1, 0.5), (2, -1.0))], ids=str)
def test_cubic_spline_grads_in_y_points_and_knots(bc):
    y = Y[:, 0].copy()
    if bc == "periodic":
        y[-1] = y[0]

    def data(free):  # periodic data: the last value is the first one
        return np.concatenate([free, free[:1]]) if bc == "periodic" else free

    free = y[:-1] if bc == "periodic" else y
    check_grads(lambda yy: oi.CubicSpline(X, data(yy), bc_type=bc)(PTS), (free,), order=2, modes=("fwd", "rev"))
    check_grads(lambda s: oi.CubicSpline(X, y, bc_type=bc)(s, nu=1), (PTS,), order=2, modes=("fwd", "rev"))
    check_grads(lambda xx: oi.CubicSpline(xx, y, bc_type=bc)(PTS), (X,), order=2, modes=("fwd", "rev"))
    check_grads(lambda yy: oi.CubicSpline(X, data(yy), bc_type=bc).integrate(0.3, 14.2), (free,), order=1,
                modes=("fwd", "rev"))


def test_interpolators_grads():
    y = Y[:, 0]
    inside = away_from(X, 6, X[0], X[-1], seed=2)
    for kind in ["linear", "quadratic", "cubic"]:
        check_grads(lambda yy, s: oi.interp1d(X, yy, kind=kind)(s), (y, inside), order=2, modes=("fwd", "rev"))
    check_grads(lambda yy: oi.interp1d(X, yy, kind="nearest")(inside), (y,), order=2, modes=("fwd", "rev"))
    check_grads(lambda yy, s: oi.make_interp_spline(X, yy, k=5)(s, nu=1), (y, PTS), order=2, modes=("fwd", "rev"))
    check_grads(lambda xx: oi.make_interp_spline(xx, y, k=3)(PTS), (X,), order=2, modes=("fwd", "rev"))
    check_grads(lambda yy, s: oi.PchipInterpolator(X, yy)(s), (y, PTS), order=2, modes=("fwd", "rev"))
    for method in ("akima", "makima"):
        check_grads(lambda yy, s: oi.Akima1DInterpolator(X, yy, method=method)(s), (y, inside), order=2,
                    modes=("fwd", "rev"))
    # in the knots too (points strictly inside, where Akima does not extrapolate)
    check_grads(lambda xx: oi.PchipInterpolator(xx, y)(PTS), (X,), order=2, modes=("fwd", "rev"))
    check_grads(lambda xx: oi.Akima1DInterpolator(xx, y, method="makima")(inside), (X,), order=2, modes=("fwd", "rev"))
    check_grads(lambda xx: oi.interp1d(xx, y, kind="cubic", fill_value="extrapolate")(PTS), (X,), order=2,
                modes=("fwd", "rev"))
    b = si.make_interp_spline(X, y, k=3)
    ends = b.t[:4], b.t[-4:]
    check_grads(lambda c, inner: oi.BSpline(np.concatenate([ends[0], inner, ends[1]]), c, 3)(PTS),
                (b.c, b.t[4:-4]), order=2, modes=("fwd", "rev"))


def test_regular_grid_grads():
    rng = np.random.default_rng(105)
    g = (np.linspace(0.0, 1.0, 4), np.array([0.0, 0.3, 1.1, 2.0]))
    v = rng.normal(size=(4, 4))
    pts = np.column_stack([away_from(g[0], 5, -0.1, 1.1, seed=3), away_from(g[1], 5, -0.1, 2.1, seed=4)])
    f = lambda vv, p: oi.interpn(g, vv, p, bounds_error=False, fill_value=None)  # noqa: E731
    check_grads(f, (v, pts), order=2, modes=("fwd", "rev"))
    check_grads(lambda vv: oi.interpn(g, vv, pts, method="nearest", bounds_error=False, fill_value=None), (v,), order=2,
                modes=("fwd", "rev"))


def test_piece_choice_has_no_derivative_and_jit_vmap():
    rng = np.random.default_rng(106)
    # the first derivative in the point is the spline's slope: the piece choice adds nothing
    s = oi.CubicSpline(X, Y[:, 0])
    close(osc.grad(lambda p: s(p))(2.0), si.CubicSpline(X, Y[:, 0])(2.0, 1))
    close(osc.hessian(lambda p: s(p))(2.0), si.CubicSpline(X, Y[:, 0])(2.0, 2))

    def f(y, p):
        return np.sum(oi.CubicSpline(X, y)(p) ** 2) + np.sum(oi.interp1d(X, y, kind="cubic",
                                                                    assume_sorted=True)(np.clip(p, X[0], X[-1])))

    g = osc.grad(f)(Y[:, 0], PTS)
    close(osc.jit(osc.grad(f))(Y[:, 0], PTS), g)
    close(osc.jit(f)(Y[:, 0], PTS), f(Y[:, 0], PTS))
    close(osc.vmap(lambda y: oi.CubicSpline(X, y)(PTS))(Y.T), si.CubicSpline(X, Y)(PTS).T)
    close(osc.vmap(lambda p: oi.make_interp_spline(X, Y[:, 0])(p))(PTS), si.make_interp_spline(X, Y[:, 0])(PTS))
    grid = (np.linspace(0, 1, 3), np.linspace(0, 1, 4))
    vals = rng.normal(size=(3, 4))
    q = rng.uniform(0, 1, size=(5, 2))
    close(osc.jit(lambda v, p: oi.interpn(grid, v, p))(vals, q), si.interpn(grid, vals, q))


def _jit_cases():
    y = Y[:, 0]
    yp = np.r_[y[:-1], y[0]]
    b = si.make_interp_spline(X, Y, k=3)
    cases = [(oi.CubicSpline(X, Y, bc_type=bc), si.CubicSpline(X, Y, bc_type=bc)) for bc in BCS[:4]]
    cases += [(oi.CubicSpline(X, yp, bc_type="periodic"), si.CubicSpline(X, yp, bc_type="periodic")),
              (oi.CubicSpline(X, y, extrapolate=False), si.CubicSpline(X, y, extrapolate=False)),
              (oi.PchipInterpolator(X, Y), si.PchipInterpolator(X, Y)),
              (oi.Akima1DInterpolator(X, y, method="makima"), si.Akima1DInterpolator(X, y, method="makima")),
              (oi.BSpline(b.t, b.c, 3, extrapolate=False), si.BSpline(b.t, b.c, 3, extrapolate=False))]
    cases += [(oi.make_interp_spline(X, Y, k=k), si.make_interp_spline(X, Y, k=k)) for k in range(6)]
    cases += [(oi.interp1d(X, Y.T, kind=kind, bounds_error=False, fill_value=fill),
               si.interp1d(X, Y.T, kind=kind, bounds_error=False, fill_value=fill))
              for kind in KINDS for fill in ("extrapolate", (-1.0, 2.0))]
    return cases


def test_jit_values_match_eager():
    # inside jit the points' values are not at hand: the one-hot contraction replaces the gather
    pts = np.concatenate([XS, X, [np.nan]])
    for ours, scipys in _jit_cases():
        expected = scipys(pts)
        close(osc.jit(lambda p: ours(p))(pts), expected)
        close(ours(pts), expected)
    for nu in range(4):
        close(osc.jit(lambda p: oi.CubicSpline(X, Y)(p, nu))(pts), si.CubicSpline(X, Y)(pts, nu))
        close(osc.jit(lambda p: oi.make_interp_spline(X, Y, k=5)(p, nu))(pts),
              si.make_interp_spline(X, Y, k=5)(pts, nu))


def test_least_squares_spline_fit():
    # a realistic use: the knot values of a spline fitted to noisy samples by Newton's method
    rng = np.random.default_rng(7)
    knots = np.linspace(0.0, 2 * np.pi, 8)
    t = np.sort(rng.uniform(0.0, 2 * np.pi, 60))
    data = np.sin(t) + 0.05 * rng.normal(size=60)

    def loss(y):
        return 0.5 * np.sum((oi.CubicSpline(knots, y, bc_type="natural")(t) - data) ** 2)

    res = osc.minimize(loss, np.zeros(8), method="newton")
    design = si.CubicSpline(knots, np.eye(8), bc_type="natural")(t)  # the spline is linear in y
    expected = np.linalg.lstsq(design, data, rcond=None)[0]
    np.testing.assert_allclose(res.x, expected, rtol=1e-8, atol=1e-8)
    assert np.max(np.abs(res.x - np.sin(knots))) < 0.1


# --------------------------------------------------------------------------- errors


def test_complex_data():
    x, q = np.linspace(0.0, 3.0, 7), np.linspace(-0.5, 3.5, 9)
    y = np.exp(1j * x) + 0.1 * x
    for name, kw in [("CubicSpline", {}), ("CubicSpline", {"bc_type": "natural"}), ("make_interp_spline", {}),
                     ("interp1d", {"kind": "cubic", "fill_value": "extrapolate"}),
                     ("interp1d", {"fill_value": "extrapolate"})]:
        expected = getattr(si, name)(x, y, **kw)(q)
        np.testing.assert_allclose(getattr(oi, name)(x, y, **kw)(q), expected, rtol=0, atol=1e-13)
    check_grads(lambda yy: oi.CubicSpline(x, yy)(q), (y,), order=2, modes=("fwd", "rev"))
    for cls in ("PchipInterpolator", "Akima1DInterpolator"):
        with pytest.raises(ValueError, match="y must be real"):
            getattr(oi, cls)(x, y)
    with pytest.raises(ValueError, match="x must be real"):
        oi.CubicSpline(x + 0j, y)


def test_scipy_refusal_names_osculate_class():
    with pytest.raises(Exception, match=r"osculate\.scipy\.interpolate\.CubicSpline"):
        osc.grad(lambda y: si.CubicSpline(X, y)(1.0))(Y[:, 0])
    with pytest.raises(Exception, match=r"osculate\.scipy\.interpolate\.interp1d"):
        osc.grad(lambda y: si.interp1d(X, y)(1.0))(Y[:, 0])


def test_bad_input():
    with pytest.raises(ValueError, match="x must be strictly increasing"):
        oi.CubicSpline(X[::-1], Y)
    with pytest.raises(ValueError, match="different lengths"):
        oi.CubicSpline(X, Y[:5])
    with pytest.raises(ValueError, match="periodic"):
        oi.CubicSpline(X, Y, bc_type="periodic")
    with pytest.raises(ValueError, match="bc_type start"):
        oi.CubicSpline(X, Y, bc_type=("bogus", "natural"))
    with pytest.raises(ValueError, match="derivative order must be 1 or 2"):
        oi.CubicSpline(X, Y, bc_type=((3, 0.0), "natural"))
    with pytest.raises(NotImplementedError, match="kind"):
        oi.interp1d(X, Y[:, 0], kind="spooky")
    with pytest.raises(ValueError, match="cannot extrapolate and raise"):
        oi.interp1d(X, Y[:, 0], bounds_error=True, fill_value="extrapolate")
    with pytest.raises(ValueError, match="end conditions"):
        oi.make_interp_spline(X, Y, k=5, bc_type="clamped")
    with pytest.raises(NotImplementedError, match="method"):
        oi.RegularGridInterpolator((X,), Y[:, 0], method="pchip")
    with pytest.raises(ValueError, match="extrapolate"):
        oi.PPoly(np.ones((1, 8)), X, extrapolate="sometimes")


# --------------------------------------------------------------------------- tck, lsq, polynomials, grid splines

XN = np.sort(RNG.uniform(0.0, 5.0, 30))
YN = np.sin(XN) + 0.1 * RNG.normal(size=30)
TCK = si.splrep(XN, YN, s=0.3)


@pytest.mark.parametrize("ext", [0, 1, 3])
def test_splev_family(ext):
    for der in range(4):
        close(oi.splev(XS, TCK, der, ext), si.splev(XS, TCK, der, ext))
    close(oi.splev(XS, oi.splder(TCK, 2)), si.splev(XS, si.splder(TCK, 2)))
    close(oi.splev(XS, oi.splantider(TCK, 2)), si.splev(XS, si.splantider(TCK, 2)))
    for lo, hi in [(-1.0, 4.0), (0.5, 7.0), (3.0, 1.0)]:
        close(oi.splint(lo, hi, TCK), si.splint(lo, hi, TCK))
    b = si.make_interp_spline(X, Y[:, 0])
    ob = oi.BSpline(b.t, b.c, 3)
    close(oi.splev(XS, ob, 1), si.splev(XS, b, 1))
    assert isinstance(oi.splder(ob), oi.BSpline) and isinstance(oi.splantider(ob), oi.BSpline)
    with pytest.raises(ValueError, match="outside"):
        oi.splev(XS, TCK, ext=2)
    check_grads(lambda c, s: oi.splev(s, (TCK[0], c, 3), 1), (TCK[1], PTS), order=2, modes=("fwd", "rev"))


def test_spalde_and_bisplev():
    q = np.array([XN[0], 0.3, 2.5, XN[-1]])
    close(oi.spalde(q, TCK), si.spalde(q, TCK))
    close(oi.spalde(2.5, TCK), si.spalde(2.5, TCK))
    with pytest.raises(ValueError, match="x must lie within"):
        oi.spalde(XN[-1] + 1.0, TCK)
    xx, yy = np.meshgrid(np.linspace(0, 1, 8), np.linspace(0, 2, 9), indexing="ij")
    with warnings.catch_warnings():  # (FITPACK's note that s=0 leaves no room for more knots)
        warnings.simplefilter("ignore")
        tck = si.bisplrep(xx.ravel(), yy.ravel(), (np.sin(3 * xx) * yy ** 2).ravel(), s=0)
    gx, gy = np.array([0.1, 0.3, 0.8]), np.array([0.5, 0.6, 1.7, 2.0])
    for dx, dy in [(0, 0), (1, 0), (0, 2), (2, 1)]:
        close(oi.bisplev(gx, gy, tck, dx, dy), si.bisplev(gx, gy, tck, dx, dy))
    close(oi.bisplev(0.3, 0.5, tck), si.bisplev(0.3, 0.5, tck))
    close(oi.bisplev(gx[:1], gy, tck), si.bisplev(gx[:1], gy, tck))
    tx, ty, c, kx, ky = tck
    check_grads(lambda cc, px: oi.bisplev(px, gy, (tx, ty, cc, kx, ky), 1, 0), (c, gx), order=2,
                modes=("fwd", "rev"))


def test_make_lsq_spline():
    rng = np.random.default_rng(107)
    t = np.r_[[0.0] * 4, np.linspace(0.5, 4.5, 6), [5.0] * 4]
    x = np.linspace(0.0, 5.0, 30)
    y2 = np.column_stack([YN, YN ** 2])
    w = rng.uniform(0.5, 2.0, 30)
    close(oi.make_lsq_spline(x, y2, t, w=w)(XS), si.make_lsq_spline(x, y2, t, w=w)(XS))
    close(oi.make_lsq_spline(x, YN, t, k=3).c, si.make_lsq_spline(x, YN, t, k=3).c)
    check_grads(lambda yy, ww: oi.make_lsq_spline(x, yy, t, w=ww)(PTS), (YN, w), order=2, modes=("fwd", "rev"))


def _lagrange_mp(xi, yi, x):
    import mpmath as mp
    with mp.workdps(50):
        out = mp.mpf(0)
        for j in range(len(xi)):
            term = mp.mpf(yi[j])
            for i in range(len(xi)):
                if i != j:
                    term *= (mp.mpf(x) - mp.mpf(xi[i])) / (mp.mpf(xi[j]) - mp.mpf(xi[i]))
            out += term
        return float(out)


def test_polynomial_interpolators():
    rng = np.random.default_rng(108)
    xi = np.sort(rng.uniform(-1.0, 1.0, 9))
    yi = rng.normal(size=(9, 2))
    x = np.linspace(-0.2, 1.2, 15)
    for der in range(4):
        close(oi.krogh_interpolate(xi, yi, x, der=der), si.krogh_interpolate(xi, yi, x, der=der), rtol=1e-12)
    close(oi.krogh_interpolate(xi, yi, x, der=[0, 2]), si.krogh_interpolate(xi, yi, x, der=[0, 2]))
    close(oi.KroghInterpolator(xi, yi).derivatives(x, 3), si.KroghInterpolator(xi, yi).derivatives(x, 3))
    close(oi.KroghInterpolator(xi, yi.T, axis=1)(x), si.KroghInterpolator(xi, yi.T, axis=1)(x))
    # SciPy's barycentric formula loses digits when extrapolating (~1e-11 here): the reference is exact
    exact = np.array([_lagrange_mp(xi, yi[:, 0], v) for v in x])
    close(oi.barycentric_interpolate(xi, yi[:, 0], x), exact, rtol=1e-12)
    close(oi.BarycentricInterpolator(xi, yi)(x), si.BarycentricInterpolator(xi, yi)(x), rtol=1e-9)
    close(oi.BarycentricInterpolator(xi, yi)(xi), yi)
    check_grads(lambda a, b, s: oi.krogh_interpolate(a, b, s, der=1), (xi, yi[:, 0], x), order=2,
                modes=("fwd", "rev"))
    with pytest.raises(NotImplementedError, match="repeated xi"):
        oi.KroghInterpolator([0.0, 0.0, 1.0], [1.0, 2.0, 3.0])


@pytest.mark.parametrize("method,k", [("cubic", 3), ("quintic", 5)])
def test_regular_grid_splines(method, k):
    rng = np.random.default_rng(109)
    g = (np.sort(rng.uniform(0, 1, 7)), np.sort(rng.uniform(0, 2, 6)))
    v = rng.normal(size=(7, 6))
    pts = np.column_stack([rng.uniform(g[0][0], g[0][-1], 6), rng.uniform(g[1][0], g[1][-1], 6)])
    # the exact tensor-product spline: SciPy's 1-D interpolating splines along each axis in turn
    ref = np.array([si.make_interp_spline(g[0], si.make_interp_spline(g[1], v, k=k, axis=1)(q[1]), k=k)(q[0])
                    for q in pts])
    f = oi.RegularGridInterpolator(g, v, method=method)
    close(f(pts), ref)
    # SciPy's RegularGridInterpolator solves its spline system iteratively by default (agreeing to ~1e-5
    # only); with a direct solver it is the same spline
    close(f(pts), si.RegularGridInterpolator(g, v, method=method, solver=spsolve)(pts), rtol=1e-10)
    close(oi.RegularGridInterpolator(g, v)(pts, method=method), ref)
    check_grads(lambda vv, p: oi.interpn(g, vv, p, method=method), (v, pts), order=2, modes=("fwd", "rev"))
    with pytest.raises(ValueError, match="at least"):
        oi.RegularGridInterpolator((g[0][:k], g[1]), v[:k], method=method)


def test_taylor_mode():
    s = si.CubicSpline(X, Y[:, 0])
    series = osc.taylor(lambda p: oi.CubicSpline(X, Y[:, 0])(p), (np.array(2.0),), (np.array(1.0),), order=3)
    expected = np.array([s(2.0, k) / [1, 1, 2, 6][k] for k in range(4)])
    close(np.array([np.squeeze(c) for c in series.coefficients]), expected)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nonfinite_data_stays_local(bad):
    # a NaN or inf in the data reaches only the points whose pieces read it, as in SciPy
    x, q = np.arange(6.0), np.array([0.5, 2.5, 4.5, 1.25])
    y = np.sin(x)
    y[2] = bad
    with np.errstate(invalid="ignore"):
        for kind in ["linear", "nearest", "previous", "next", "zero", "slinear", "cubic"]:
            close(oi.interp1d(x, y, kind=kind)(q), si.interp1d(x, y, kind=kind)(q))
        for method in ["linear", "nearest"]:  # (SciPy's "slinear" refuses non-finite values)
            close(oi.interpn((x, x[:4]), np.outer(y, np.ones(4)), np.column_stack([q, q / 2]), method=method),
                  si.interpn((x, x[:4]), np.outer(y, np.ones(4)), np.column_stack([q, q / 2]), method=method))
        c = np.ones((4, 5))
        c[1, 2] = bad
        close(oi.PPoly(c, x)(q), si.PPoly(c, x)(q))
    close(osc.jit(lambda yy: oi.interp1d(x, yy, assume_sorted=True)(q))(y), si.interp1d(x, y)(q))
    for cls in ("CubicSpline", "PchipInterpolator", "Akima1DInterpolator", "make_interp_spline"):
        with pytest.raises(ValueError, match="y must contain only finite values"):
            getattr(oi, cls)(x, y)
