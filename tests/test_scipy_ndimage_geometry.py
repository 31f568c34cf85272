"""``osculate.scipy.ndimage``'s spline interpolation against SciPy: every
boundary mode, spline orders 0-5 with and without the prefilter, the
coordinate/affine/zoom/shift/rotate/geometric entry points; derivatives in
the image, ``cval`` and the sampling points (coordinates, matrix, offset,
shift, angle, a mapping's parameters) against finite differences; vmap and
jit (where the points are traced, the one-hot formulation); errors."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.ndimage as snd

import osculate as osc
from osculate.ad.scipy import _ndimage_geometry as geometry
from osculate.scipy import ndimage as nd
from osculate.testing import check_grads

RNG = np.random.default_rng(11)
MODES = ["constant", "grid-constant", "nearest", "reflect", "grid-mirror", "mirror", "wrap", "grid-wrap"]
IMG = RNG.standard_normal((5, 6))


def _traced(f, *args):
    """``f(*args)`` computed on traced values (the primal of a jvp)."""
    return osc.jvp(f, args, tuple(np.zeros_like(a) for a in args))[0]


def _close(actual, expected, tol=1e-12):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=0, atol=tol * scale)


@pytest.mark.parametrize("mode", MODES)
def test_map_coordinates_matches_scipy(mode):
    coords = RNG.uniform(-8, 13, (2, 30))
    coords[:, :6] = [[0, 4, -1, 4.0, 2.5, -0.5], [0, 5, 5, -0.5, 5.5, 6.0]]  # edges and half-samples
    for order, prefilter in itertools.product(range(6), (True, False)):
        kw = dict(order=order, mode=mode, cval=0.7, prefilter=prefilter)
        _close(_traced(lambda x: nd.map_coordinates(x, coords, **kw), IMG), snd.map_coordinates(IMG, coords, **kw))
    c3 = RNG.uniform(-2, 6, (3, 4, 2))
    v = RNG.standard_normal((4, 3, 5))
    _close(_traced(lambda x: nd.map_coordinates(x, c3, mode=mode), v), snd.map_coordinates(v, c3, mode=mode))


@pytest.mark.parametrize("mode", MODES)
def test_shift_zoom_affine_rotate_geometric_match_scipy(mode):
    m = np.array([[0.9, 0.3], [-0.2, 1.1]])
    homogeneous = np.array([[0.9, 0.3, 0.5], [-0.2, 1.1, -1.0], [0.0, 0.0, 1.0]])
    for order in range(6):
        kw = dict(order=order, mode=mode, cval=0.3)
        for s in (0.4, (-1.3, 2.7), (7.0, -9.5)):
            _close(_traced(lambda x: nd.shift(x, s, **kw), IMG), snd.shift(IMG, s, **kw))
        for z in (1.7, (0.6, 2.2)):
            _close(_traced(lambda x: nd.zoom(x, z, **kw), IMG), snd.zoom(IMG, z, **kw))
            if mode not in ("constant", "wrap"):  # SciPy warns for these two with grid_mode
                _close(_traced(lambda x: nd.zoom(x, z, grid_mode=True, **kw), IMG),
                       snd.zoom(IMG, z, grid_mode=True, **kw))
        _close(_traced(lambda x: nd.affine_transform(x, m, offset=(0.5, -1.2), **kw), IMG),
               snd.affine_transform(IMG, m, offset=(0.5, -1.2), **kw))
        _close(_traced(lambda x: nd.affine_transform(x, m, 0.3, output_shape=(7, 3), **kw), IMG),
               snd.affine_transform(IMG, m, 0.3, output_shape=(7, 3), **kw))
        _close(_traced(lambda x: nd.affine_transform(x, [1.3, 0.7], offset=(0.5, -1.2), **kw), IMG),
               snd.affine_transform(IMG, [1.3, 0.7], offset=(0.5, -1.2), **kw))
        _close(_traced(lambda x: nd.affine_transform(x, homogeneous, **kw), IMG),
               snd.affine_transform(IMG, homogeneous, **kw))
        for angle, reshape in itertools.product((30, 90, -135.5), (True, False)):
            _close(_traced(lambda x: nd.rotate(x, angle, reshape=reshape, **kw), IMG),
                   snd.rotate(IMG, angle, reshape=reshape, **kw))

        def mapping(o):
            return o[0] * 0.8 + 0.3, o[1] - 0.6

        def scalar_mapping(o):  # math.sqrt refuses arrays: called per point
            return math.sqrt(o[0] + 0.5), o[1] * 0.5

        _close(_traced(lambda x: nd.geometric_transform(x, mapping, **kw), IMG),
               snd.geometric_transform(IMG, mapping, **kw))
        _close(_traced(lambda x: nd.geometric_transform(x, scalar_mapping, output_shape=(3, 4), **kw), IMG),
               snd.geometric_transform(IMG, scalar_mapping, output_shape=(3, 4), **kw))
    v = RNG.standard_normal((3, 4, 5))
    _close(_traced(lambda x: nd.rotate(x, 25, axes=(0, 2), mode=mode), v), snd.rotate(v, 25, axes=(0, 2), mode=mode))


@pytest.mark.parametrize("order", [2, 3, 4, 5])
def test_spline_filters_match_scipy(order):
    for mode in MODES:
        _close(_traced(lambda x: nd.spline_filter(x, order, mode=mode), IMG), snd.spline_filter(IMG, order, mode=mode))
        for axis in (0, -1):
            _close(_traced(lambda x: nd.spline_filter1d(x, order, axis, mode=mode), IMG),
                   snd.spline_filter1d(IMG, order, axis, mode=mode))
    z = IMG + 1j * IMG[::-1]
    _close(_traced(lambda x: nd.spline_filter(x, order), z), snd.spline_filter(z, order, output=np.complex128))


def test_complex_image_and_cval():
    z = IMG + 1j * IMG[:, ::-1]
    coords = RNG.uniform(-1, 6, (2, 9))
    kw = dict(order=3, mode="grid-constant", cval=0.5 - 1.0j)
    _close(_traced(lambda x: nd.map_coordinates(x, coords, **kw), z), snd.map_coordinates(z, coords, **kw))
    _close(_traced(lambda x: nd.shift(x, (0.3, -0.8), **kw), z), snd.shift(z, (0.3, -0.8), **kw))


def test_plain_inputs_give_scipy_s_result_and_dtype():
    xi = RNG.integers(0, 50, (5, 6)).astype(np.uint8)
    got, want = nd.rotate(xi, 30), snd.rotate(xi, 30)
    assert got.dtype == want.dtype == np.uint8
    np.testing.assert_array_equal(got, want)


# --------------------------------------------------------------------------- derivatives

@pytest.mark.parametrize("mode", ["constant", "grid-constant", "nearest", "reflect", "mirror", "wrap", "grid-wrap"])
@pytest.mark.parametrize("order", [0, 1, 2, 3, 5])
def test_map_coordinates_second_derivatives(mode, order):
    coords = RNG.uniform(-2, 7, (2, 6)).round(1) + 0.03  # away from the knots and the edges
    check_grads(lambda x, c, cv: nd.map_coordinates(x, c, order=order, mode=mode, cval=cv),
                (IMG, coords, np.array(0.4)), order=2, modes=("fwd", "rev"))


DERIVATIVES = {
    "affine-matrix-offset": (lambda x, m, o: nd.affine_transform(x, m, offset=o, order=3, mode="reflect"),
                             (IMG, np.array([[0.9, 0.3], [-0.2, 1.1]]), np.array([0.3, -0.4]))),
    "affine-diagonal": (lambda m, o: nd.affine_transform(IMG, m, offset=o, order=4, mode="grid-constant"),
                        (np.array([1.1, 0.8]), np.array([0.23, -0.41]))),
    "shift": (lambda x, s: nd.shift(x, s, order=3, mode="mirror"), (IMG, np.array([0.3, -1.4]))),
    "rotate-angle": (lambda a: nd.rotate(IMG, a, order=3, mode="nearest"), (np.array(23.0),)),
    "rotate-linear-noreshape": (lambda a: nd.rotate(IMG, a, order=1, reshape=False), (np.array(23.0),)),
    "zoom": (lambda x: nd.zoom(x, 1.5, order=4, mode="grid-wrap"), (IMG,)),
    "geometric-parameters": (lambda p: nd.geometric_transform(IMG, lambda o: (o[0] * p[0] + 0.3, o[1] - p[1]),
                                                              order=3, mode="wrap"), (np.array([0.8, 0.6]),)),
    "spline_filter": (lambda x: nd.spline_filter(x, 5, mode="grid-wrap"), (IMG,)),
}


@pytest.mark.parametrize("name", list(DERIVATIVES))
def test_second_derivatives_match_finite_differences(name):
    f, args = DERIVATIVES[name]
    check_grads(f, args, order=2, modes=("fwd", "rev"))


def test_coordinate_derivative_is_the_spline_derivative():
    # far from the edges, the cubic spline through a cubic's samples is that cubic: its derivative is 3 t^2
    x = np.arange(40.0) ** 3
    g = osc.grad(lambda t: nd.map_coordinates(x, t[None], order=3, mode="mirror")[0])(np.array([20.3]))
    np.testing.assert_allclose(g, [3 * 20.3 ** 2], rtol=1e-9)


@pytest.mark.parametrize("mode", ["constant", "grid-constant", "nearest", "reflect", "mirror", "wrap", "grid-wrap"])
def test_vmap_over_points_uses_the_one_hot_form_and_agrees(mode):
    for order in (0, 1, 3, 4):
        cs = RNG.uniform(-9, 14, (3, 2, 7))
        f = lambda c: nd.map_coordinates(IMG, c, order=order, mode=mode, cval=0.2)  # noqa: E731
        _close(osc.vmap(f)(cs), [snd.map_coordinates(IMG, c, order=order, mode=mode, cval=0.2) for c in cs])
        shifts = RNG.uniform(-3, 3, (3, 2))
        g = lambda s: nd.shift(IMG, s, order=order, mode=mode, cval=0.2)  # noqa: E731
        _close(osc.vmap(g)(shifts), [snd.shift(IMG, s, order=order, mode=mode, cval=0.2) for s in shifts])
    # and the derivative in the points, batched, is that of each
    cs = RNG.uniform(0.1, 3.9, (2, 2, 3))
    h = lambda c: np.sum(nd.map_coordinates(IMG, c, mode=mode) ** 2)  # noqa: E731
    _close(osc.vmap(osc.grad(h))(cs), [osc.grad(h)(c) for c in cs])


def test_vmap_over_images_and_angles():
    imgs = RNG.standard_normal((3, 5, 6))
    coords = RNG.uniform(-1, 6, (2, 8))
    _close(osc.vmap(lambda x: nd.map_coordinates(x, coords, mode="wrap"))(imgs),
           [snd.map_coordinates(x, coords, mode="wrap") for x in imgs])
    angles = np.array([10.0, 50.0])
    _close(osc.vmap(lambda a: nd.rotate(IMG, a, reshape=False))(angles),
           [snd.rotate(IMG, a, reshape=False) for a in angles])


def test_jit():
    coords = RNG.uniform(-1, 6, (2, 8))
    f = osc.jit(lambda x, c: nd.map_coordinates(x, c, order=3, mode="reflect"))
    for x in (IMG, IMG[::-1].copy()):
        _close(f(x, coords), snd.map_coordinates(x, coords, order=3, mode="reflect"))
    _close(f(IMG, coords + 0.4), snd.map_coordinates(IMG, coords + 0.4, order=3, mode="reflect"))
    g = osc.jit(lambda x: nd.zoom(x, 2, mode="nearest"))
    _close(g(IMG), snd.zoom(IMG, 2, mode="nearest"))


# --------------------------------------------------------------------------- errors

def test_bad_arguments_get_one_line_errors():
    grad = lambda f: osc.grad(lambda x: np.sum(f(x)))(IMG)  # noqa: E731
    with pytest.raises(RuntimeError, match="spline order"):
        grad(lambda x: nd.shift(x, 1.0, order=6))
    with pytest.raises(RuntimeError, match="boundary mode"):
        grad(lambda x: nd.shift(x, 1.0, mode="periodic"))
    with pytest.raises(RuntimeError, match="coordinate array"):
        grad(lambda x: nd.map_coordinates(x, np.zeros((3, 4))))
    with pytest.raises(TypeError, match="complex coordinates"):
        grad(lambda x: nd.map_coordinates(x, np.zeros((2, 4), complex)))
    with pytest.raises(TypeError, match="output"):
        grad(lambda x: nd.shift(x, 1.0, output=np.empty((5, 6))))
    with pytest.raises(TypeError, match="zoom sets the output's shape"):
        osc.grad(lambda z: np.sum(nd.zoom(IMG, z)))(2.0)
    with pytest.raises(RuntimeError, match="wrong number of rows"):
        grad(lambda x: nd.affine_transform(x, np.eye(4)))
    with pytest.raises(ValueError, match="homogeneous"):
        grad(lambda x: nd.affine_transform(x, np.ones((3, 3))))
    with pytest.raises(ValueError, match="reshape=False"):
        osc.vmap(lambda a: nd.rotate(IMG, a))(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="at least 2D"):
        osc.grad(lambda x: np.sum(nd.rotate(x, 10.0)))(np.ones(3))


# --------------------------------------------------------------------------- long axes: the recursive prefilter

@pytest.mark.parametrize("mode", ["constant", "grid-constant", "nearest", "reflect", "grid-mirror", "mirror", "wrap",
                                  "grid-wrap"])
@pytest.mark.parametrize("order", [2, 3, 5])
def test_long_axes_use_the_recursive_prefilter_with_the_dense_ones_derivatives(mode, order, monkeypatch):
    """From 32 samples on, the prefilter is SciPy's O(n) filter (a primitive whose adjoint is
    the filter between two diagonal scalings): SciPy's values, and the gradient the dense
    matrix gives."""
    rng = np.random.default_rng(order)
    image = rng.standard_normal((40, 34))
    points = rng.uniform(-2.0, 38.0, (2, 25))
    got = nd.map_coordinates(image, points, order=order, mode=mode)   # plain: SciPy's call
    f = lambda im: np.sum(np.sin(nd.map_coordinates(im, points, order=order, mode=mode)))  # noqa: E731
    traced_value = osc.value_and_grad(f)(image)[0]
    np.testing.assert_allclose(traced_value, np.sum(np.sin(got)), rtol=1e-12)
    g = osc.grad(f)(image)
    monkeypatch.setattr(geometry, "_RECURSIVE_FROM", 10 ** 9)   # the dense matrices
    np.testing.assert_allclose(g, osc.grad(f)(image), rtol=1e-10, atol=1e-13)
