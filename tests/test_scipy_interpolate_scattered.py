"""osculate.scipy.interpolate on scattered data: RBFInterpolator and the legacy Rbf
(SciPy's values; derivatives in the data values, the data points, the evaluation
points, smoothing and epsilon; jit and vmap)."""

import warnings

import numpy as np
import pytest
import scipy.interpolate as si

import osculate as osc
from osculate.scipy import interpolate as oi
from osculate.testing import check_grads

from _interpolate_cases import close as _close, traced_value

RNG = np.random.default_rng(20260612)
Y = RNG.uniform(size=(14, 2))
D = np.sin(3.0 * Y[:, 0]) + Y[:, 1] ** 2
XQ = RNG.uniform(size=(5, 2))
KERNELS = ["linear", "thin_plate_spline", "cubic", "quintic", "multiquadric", "inverse_multiquadric",
           "inverse_quadratic", "gaussian"]


def close(a, b, tol=1e-11):
    _close(a, b, tol)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("smoothing", [0.0, 0.05, "points"])
@pytest.mark.parametrize("degree", [None, -1, 2])
def test_rbf_interpolator_values(kernel, smoothing, degree):
    sm = RNG.uniform(0.01, 0.1, len(Y)) if smoothing == "points" else smoothing
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # degree below the kernel's minimum
        ref = si.RBFInterpolator(Y, D, kernel=kernel, epsilon=1.3, smoothing=sm, degree=degree)(XQ)
        got = traced_value(lambda d: oi.RBFInterpolator(Y, d, kernel=kernel, epsilon=1.3, smoothing=sm,
                                                        degree=degree)(XQ), D)
    close(got, ref, 1e-10)


def test_rbf_interpolator_shapes_complex_and_neighbors():
    dd = np.stack([D, np.cos(D)], axis=1).reshape(len(Y), 2, 1)
    close(traced_value(lambda d: oi.RBFInterpolator(Y, d)(XQ), dd), si.RBFInterpolator(Y, dd)(XQ))
    dc = D + 1j * np.cos(D)
    close(oi.RBFInterpolator(Y, dc)(XQ), si.RBFInterpolator(Y, dc)(XQ))
    close(traced_value(lambda d: oi.RBFInterpolator(Y, d, neighbors=6, kernel="gaussian", epsilon=2.0)(XQ), D),
          si.RBFInterpolator(Y, D, neighbors=6, kernel="gaussian", epsilon=2.0)(XQ))
    y1 = np.linspace(0.0, 1.0, 9)[:, None]  # one dimension
    close(oi.RBFInterpolator(y1, y1[:, 0] ** 2, kernel="cubic")(XQ[:, :1]),
          si.RBFInterpolator(y1, y1[:, 0] ** 2, kernel="cubic")(XQ[:, :1]))


@pytest.mark.parametrize("kernel", ["thin_plate_spline", "cubic", "gaussian", "multiquadric", "quintic"])
def test_rbf_interpolator_grads(kernel):
    def f(d, y, x, s, e):
        return oi.RBFInterpolator(y, d, kernel=kernel, smoothing=s, epsilon=e)(x)
    check_grads(f, (D, Y, XQ, np.float64(0.05), np.float64(1.4)), order=2, modes=("fwd", "rev"), rtol=1e-4)


def test_rbf_interpolator_at_data_points_and_linear_kernel():
    # an evaluation point on a data point: r**2 log r is once differentiable there, r**3 twice
    check_grads(lambda x: oi.RBFInterpolator(Y, D)(x), (Y[:3] + 0.0,), order=1, modes=("fwd", "rev"), rtol=1e-4)
    check_grads(lambda x: oi.RBFInterpolator(Y, D, kernel="cubic")(x), (Y[:3] + 0.0,), order=2,
                modes=("fwd", "rev"), rtol=1e-4)
    check_grads(lambda d, y: oi.RBFInterpolator(y, d, kernel="linear", smoothing=0.1)(XQ), (D, Y), order=2,
                modes=("fwd", "rev"), rtol=1e-4)


def test_rbf_interpolator_jit_vmap():
    f = lambda d, x: oi.RBFInterpolator(Y, d, kernel="gaussian", epsilon=2.0)(x)  # noqa: E731
    ref = si.RBFInterpolator(Y, D, kernel="gaussian", epsilon=2.0)(XQ)
    close(osc.jit(f)(D, XQ), ref)
    close(osc.jit(osc.grad(lambda d, x: f(d, x).sum()))(D, XQ), osc.grad(lambda d, x: f(d, x).sum())(D, XQ))
    ds = np.stack([D, 2 * D, D ** 2])
    close(osc.vmap(lambda d: f(d, XQ))(ds), np.stack([si.RBFInterpolator(Y, d, kernel="gaussian",
                                                                         epsilon=2.0)(XQ) for d in ds]))


def test_rbf_interpolator_errors():
    with pytest.raises(ValueError, match="epsilon"):
        oi.RBFInterpolator(Y, D, kernel="gaussian")
    with pytest.raises(ValueError, match="kernel"):
        oi.RBFInterpolator(Y, D, kernel="sinc")
    with pytest.raises(ValueError, match="2-dimensional"):
        oi.RBFInterpolator(Y[:, 0], D)
    with pytest.raises(ValueError, match="At least"):
        oi.RBFInterpolator(Y[:4], D[:4], degree=2)
    with pytest.raises(ValueError, match="second axis"):
        oi.RBFInterpolator(Y, D)(XQ[:, :1])
    with pytest.warns(UserWarning, match="degree"):
        oi.RBFInterpolator(Y, D, degree=0)


@pytest.mark.parametrize("function", ["multiquadric", "inverse", "gaussian", "linear", "cubic", "quintic",
                                      "thin_plate"])
def test_legacy_rbf_values(function):
    ref = si.Rbf(Y[:, 0], Y[:, 1], D, function=function)(XQ[:, 0], XQ[:, 1])
    got = traced_value(lambda d: oi.Rbf(Y[:, 0], Y[:, 1], d, function=function)(XQ[:, 0], XQ[:, 1]), D)
    close(got, ref, 1e-10)
    ref = si.Rbf(Y[:, 0], Y[:, 1], D, function=function, epsilon=0.7, smooth=0.01, norm="cityblock")(XQ[:, 0],
                                                                                                    XQ[:, 1])
    got = oi.Rbf(Y[:, 0], Y[:, 1], D, function=function, epsilon=0.7, smooth=0.01, norm="cityblock")(XQ[:, 0],
                                                                                                    XQ[:, 1])
    close(got, ref, 1e-10)


def test_legacy_rbf_modes_callables_and_grads():
    dd = np.stack([D, np.cos(D)], axis=1)
    close(oi.Rbf(Y[:, 0], Y[:, 1], dd, mode="N-D")(XQ[:, 0], XQ[:, 1]),
          si.Rbf(Y[:, 0], Y[:, 1], dd, mode="N-D")(XQ[:, 0], XQ[:, 1]))
    close(oi.Rbf(Y[:, 0], Y[:, 1], D, function=lambda r: np.exp(-r))(XQ[:, 0], XQ[:, 1]),
          si.Rbf(Y[:, 0], Y[:, 1], D, function=lambda r: np.exp(-r))(XQ[:, 0], XQ[:, 1]))
    close(oi.Rbf(Y[:, 0], Y[:, 1], D, function=lambda self, r: r / self.epsilon)(XQ[:, 0], XQ[:, 1]),
          si.Rbf(Y[:, 0], Y[:, 1], D, function=lambda self, r: r / self.epsilon)(XQ[:, 0], XQ[:, 1]))
    check_grads(lambda d, a, b, x, e, s: oi.Rbf(a, b, d, epsilon=e, smooth=s)(x[:, 0], x[:, 1]),
                (D, Y[:, 0], Y[:, 1], XQ, np.float64(0.6), np.float64(0.01)), order=2, modes=("fwd", "rev"),
                rtol=1e-4)
    check_grads(lambda d, a: oi.Rbf(a, d)(np.array([0.1, 0.5])), (D, Y[:, 0]), order=2, modes=("fwd", "rev"),
                rtol=1e-4)
    with pytest.raises(ValueError, match="function must be"):
        oi.Rbf(Y[:, 0], D, function="sinc")
    with pytest.raises(ValueError, match="equal length"):
        oi.Rbf(Y[:5, 0], D)


# --------------------------------------------------------------------------- griddata and the ND interpolators

P2 = RNG.uniform(size=(25, 2))
V2 = np.sin(3.0 * P2[:, 0]) + P2[:, 1] ** 2
X2 = RNG.uniform(-0.1, 1.1, size=(11, 2))  # some outside the hull


@pytest.mark.parametrize("method", ["nearest", "linear"])
@pytest.mark.parametrize("rescale", [False, True])
def test_griddata_values(method, rescale):
    ref = si.griddata(P2, V2, X2, method=method, rescale=rescale, fill_value=-2.0)
    got = traced_value(lambda v: oi.griddata(P2, v, X2, method=method, rescale=rescale, fill_value=-2.0), V2)
    close(got, ref)
    gx, gy = np.mgrid[0:1:4j, 0:1:5j]
    close(oi.griddata((P2[:, 0], P2[:, 1]), V2, (gx, gy), method=method),
          si.griddata((P2[:, 0], P2[:, 1]), V2, (gx, gy), method=method))
    x1 = RNG.uniform(size=10)
    xq = np.linspace(-0.1, 1.1, 13)
    close(traced_value(lambda v: oi.griddata(x1, v, xq, method=method), x1 ** 2),
          si.griddata(x1, x1 ** 2, xq, method=method))


def test_nd_interpolators_values():
    vv = np.stack([V2, V2 ** 2], axis=1)
    close(oi.LinearNDInterpolator(P2, vv, rescale=True)(X2), si.LinearNDInterpolator(P2, vv, rescale=True)(X2))
    close(oi.LinearNDInterpolator(P2, V2)(X2[:, 0], X2[:, 1]), si.LinearNDInterpolator(P2, V2)(X2[:, 0], X2[:, 1]))
    close(oi.NearestNDInterpolator(P2, vv)(X2), si.NearestNDInterpolator(P2, vv)(X2))
    close(oi.NearestNDInterpolator(P2, V2)(X2, distance_upper_bound=0.1),
          si.NearestNDInterpolator(P2, V2)(X2, distance_upper_bound=0.1))
    p3 = RNG.uniform(size=(30, 3))
    x3 = RNG.uniform(0.2, 0.8, size=(6, 3))
    close(traced_value(lambda v: oi.LinearNDInterpolator(p3, v)(x3), p3.sum(axis=1) ** 2),
          si.LinearNDInterpolator(p3, p3.sum(axis=1) ** 2)(x3))


def test_linear_nd_grads():
    inside = RNG.uniform(0.3, 0.7, size=(6, 2))
    check_grads(lambda v, x, p: oi.LinearNDInterpolator(p, v)(x), (V2, inside, P2), order=2, modes=("fwd", "rev"),
                rtol=1e-4)
    check_grads(lambda v, x, p: oi.griddata(p, v, x, rescale=True), (V2, inside, P2), order=1,
                modes=("fwd", "rev"), rtol=1e-4)
    p3 = RNG.uniform(size=(30, 3))
    check_grads(lambda v, x, p: oi.LinearNDInterpolator(p, v)(x), (p3[:, 0], RNG.uniform(0.4, 0.6, (3, 3)), p3),
                order=2, modes=("fwd", "rev"), rtol=1e-4)
    # nearest: the values are picked, the points have no derivative
    g = osc.grad(lambda v: oi.NearestNDInterpolator(P2, v)(inside).sum())(V2)
    idx = si.NearestNDInterpolator(P2, np.arange(25.0))(inside).astype(int)
    close(g, np.bincount(idx, minlength=25).astype(float))
    close(osc.grad(lambda x: oi.NearestNDInterpolator(P2, V2)(x).sum())(inside), np.zeros_like(inside))


def test_nd_vmap_jit_and_errors():
    vs = np.stack([V2, 2.0 * V2, V2 ** 3])
    close(osc.vmap(lambda v: oi.griddata(P2, v, X2, fill_value=0.0))(vs),
          np.stack([si.griddata(P2, v, X2, fill_value=0.0) for v in vs]))
    close(osc.jit(lambda v: oi.LinearNDInterpolator(P2, v)(X2))(V2), si.LinearNDInterpolator(P2, V2)(X2))
    with pytest.raises(ValueError, match="known values"):
        osc.jit(lambda x: oi.LinearNDInterpolator(P2, V2)(x))(X2)
    with pytest.raises(NotImplementedError, match="RBFInterpolator"):
        oi.griddata(P2, V2, X2, method="cubic")
    with pytest.raises(ValueError, match="Unknown"):
        oi.griddata(P2, V2, X2, method="spline")
    with pytest.raises(ValueError, match="number of values"):
        oi.LinearNDInterpolator(P2, V2[:-1])
