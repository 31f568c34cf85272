"""``osculate.scipy.ndimage``'s grey morphology against SciPy (sizes,
footprints, structures, origins, axes, modes), its derivatives (that of the
element each window selects) against finite differences, and vmap."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.ndimage as snd

import osculate as osc
from osculate.scipy import ndimage as nd
from osculate.testing import check_grads

RNG = np.random.default_rng(17)
NAMES = ["grey_erosion", "grey_dilation", "grey_opening", "grey_closing", "morphological_gradient",
         "morphological_laplace", "white_tophat", "black_tophat"]
X = RNG.standard_normal((6, 7))


def _traced(f, *args):
    return osc.jvp(f, args, tuple(np.zeros_like(a) for a in args))[0]


@pytest.mark.parametrize("name", NAMES)
def test_grey_morphology_matches_scipy(name):
    fp = np.array([[1, 0, 1], [0, 1, 1]], bool)
    st, st4 = RNG.standard_normal((2, 3)), RNG.standard_normal((3, 4))
    options = [dict(size=3), dict(size=(2, 3)), dict(footprint=fp), dict(structure=st),
               dict(structure=st4, origin=(1, -1)), dict(footprint=fp, structure=st, origin=(0, 1)),
               dict(size=2, origin=(-1, 0))]
    for kw, mode in itertools.product(options, ["reflect", "constant", "nearest", "mirror", "wrap"]):
        kw = dict(kw, mode=mode, cval=0.4)
        np.testing.assert_allclose(_traced(lambda y: getattr(nd, name)(y, **kw), X), getattr(snd, name)(X, **kw),
                                   rtol=0, atol=1e-13)
    y = RNG.standard_normal((4, 5, 6))
    for kw in (dict(size=(2, 3), axes=(2, 0)), dict(size=3, axes=(0, 1))):
        np.testing.assert_allclose(_traced(lambda v: getattr(nd, name)(v, **kw), y), getattr(snd, name)(y, **kw),
                                   rtol=0, atol=1e-13)
    xi = RNG.integers(-9, 9, (5, 6))
    got, want = getattr(nd, name)(xi, size=3), getattr(snd, name)(xi, size=3)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", NAMES)
def test_second_derivatives_match_finite_differences(name):
    st = np.array([[0.3, -0.1, 0.2], [0.05, 0.4, -0.25]])
    check_grads(lambda x, c: getattr(nd, name)(x, structure=st, mode="constant", cval=c), (X, np.array(0.35)),
                order=2, modes=("fwd", "rev"))


def test_the_derivative_is_that_of_the_selected_element():
    x = np.array([2.0, 8.0, 0.0, 4.0, 1.0])
    jac = osc.jacfwd(lambda v: nd.grey_dilation(v, size=3))(x)
    np.testing.assert_array_equal(jac, np.eye(5)[[1, 1, 1, 3, 3]])


def test_vmap():
    stack = RNG.standard_normal((3, 6, 7))
    f = lambda x: nd.white_tophat(x, size=(2, 3), mode="mirror")  # noqa: E731
    np.testing.assert_allclose(osc.vmap(f)(stack), [snd.white_tophat(x, size=(2, 3), mode="mirror") for x in stack],
                               rtol=0, atol=1e-13)


def test_errors():
    with pytest.raises(ValueError, match="size, footprint, or structure"):
        nd.grey_erosion(X)
    with pytest.raises(UserWarning, match="ignoring size"):
        nd.grey_opening(X, size=3, footprint=np.ones((2, 2), bool))
    with pytest.raises(TypeError, match="complex"):
        nd.grey_dilation(X + 1j, size=3)
