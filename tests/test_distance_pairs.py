"""The one-pair functions of ``osculate.scipy.spatial.distance`` (euclidean,
cosine, mahalanobis, jensenshannon...) and the metrics pdist and cdist
gained with them: SciPy's values, with and without weights; derivatives to
second order against finite differences in every nesting; the Hessian the
same in ``fwd-rev`` and ``rev-rev``; SciPy's edge conventions; and the plain
SciPy call on a traced value naming its replacement.
"""

import numpy as np
import pytest
import scipy.spatial.distance as ssd

import osculate as osc
from osculate.ad.core import UnsupportedConversionError
from osculate.scipy.spatial import distance as dist
from osculate.testing import check_grads

N = 5
RNG = np.random.default_rng(20240611)
# coordinates well apart (no kinks of |.| or max nearby), positive for the
# probability vectors of jensenshannon and away from 0 for canberra
U = RNG.uniform(0.5, 1.5, N)
V = U + RNG.choice([-1.0, 1.0], N) * RNG.uniform(0.2, 0.6, N) * np.arange(1, N + 1) / N
W = RNG.uniform(0.3, 2.0, N)
VAR = RNG.uniform(0.5, 2.0, N)
_A = RNG.standard_normal((N, N))
VI = _A @ _A.T + N * np.eye(N)

#: name -> (keyword arguments besides u, v; whether w= is accepted)
CASES = {
    "euclidean": ({}, True),
    "sqeuclidean": ({}, True),
    "cityblock": ({}, True),
    "minkowski": ({"p": 3.0}, True),
    "chebyshev": ({}, True),
    "cosine": ({}, True),
    "correlation": ({}, True),
    "seuclidean": ({"V": VAR}, False),
    "mahalanobis": ({"VI": VI}, False),
    "braycurtis": ({}, True),
    "canberra": ({}, True),
    "jensenshannon": ({}, False),
}
WEIGHTED = sorted(name for name, (_, w) in CASES.items() if w)


def test_every_function_is_public():
    for name in CASES:
        assert name in dist.__all__ and callable(getattr(dist, name))
        assert getattr(dist, name).__doc__ and ">>>" in getattr(dist, name).__doc__


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("seed", range(3))
def test_values_match_scipy(name, seed):
    rng = np.random.default_rng(seed)
    u, v = rng.uniform(-1.0, 2.0, 7), rng.uniform(-1.0, 2.0, 7)
    kw = dict(CASES[name][0])
    if name == "seuclidean":
        kw["V"] = rng.uniform(0.5, 2.0, 7)
    if name == "mahalanobis":
        a = rng.standard_normal((7, 7))
        kw["VI"] = a @ a.T + np.eye(7)
    if name == "jensenshannon":
        u, v = np.abs(u), np.abs(v)
    got = getattr(dist, name)(u, v, **kw)
    want = getattr(ssd, name)(u, v, **kw)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
    assert np.ndim(got) == 0


@pytest.mark.parametrize("name", WEIGHTED)
@pytest.mark.parametrize("seed", range(3))
def test_weighted_values_match_scipy(name, seed):
    rng = np.random.default_rng(100 + seed)
    u, v, w = rng.uniform(-1.0, 2.0, 6), rng.uniform(-1.0, 2.0, 6), rng.uniform(0.0, 3.0, 6)
    w[seed] = 0.0  # a zero weight (chebyshev leaves that coordinate out)
    kw = CASES[name][0]
    np.testing.assert_allclose(getattr(dist, name)(u, v, w=w, **kw), getattr(ssd, name)(u, v, w=w, **kw),
                               rtol=1e-12, atol=0)


@pytest.mark.parametrize("p", [0.5, 1, 1.5, 2, 4, np.inf])
def test_minkowski_orders_match_scipy(p):
    for w in (None, W):
        np.testing.assert_allclose(dist.minkowski(U, V, p, w), ssd.minkowski(U, V, p, w), rtol=1e-12)
    with pytest.raises(ValueError, match="p must be greater than 0"):
        dist.minkowski(U, V, p=0)


def test_correlation_uncentered_and_jensenshannon_options_match_scipy():
    for w in (None, W):
        np.testing.assert_allclose(dist.correlation(U, V, w, centered=False),
                                   ssd.correlation(U, V, w, centered=False), rtol=1e-12)
    P = RNG.uniform(0.1, 1.0, (4, 3))
    Q = RNG.uniform(0.1, 1.0, (4, 3))
    for axis in (0, 1, -1):
        for keepdims in (False, True):
            for base in (None, 2.0):
                np.testing.assert_allclose(dist.jensenshannon(P, Q, base, axis=axis, keepdims=keepdims),
                                           ssd.jensenshannon(P, Q, base, axis=axis, keepdims=keepdims), rtol=1e-12)


def test_scipy_edge_conventions():
    # canberra: a coordinate where u and v are both 0 counts 0
    u, v = np.array([0.0, 1.0, 0.0, -2.0]), np.array([0.0, 3.0, 2.0, 0.0])
    assert dist.canberra(u, v) == ssd.canberra(u, v) == 0.5 + 1.0 + 1.0
    np.testing.assert_allclose(dist.canberra(u, v, w=W[:4]), ssd.canberra(u, v, w=W[:4]), rtol=1e-12)
    # ... with derivative 0 in that coordinate, finite elsewhere
    g = osc.grad(lambda x: dist.canberra(x, v))(u + np.array([0.0, 0.0, 0.5, 0.0]))
    assert np.all(np.isfinite(g)) and g[0] == 0.0
    # cosine and correlation clipped to [0, 2] as SciPy
    x = np.array([0.1, 0.2, 0.3])
    assert dist.cosine(x, 3.0 * x) == ssd.cosine(x, 3.0 * x)
    assert dist.correlation(x, -x) == ssd.correlation(x, -x) == 2.0
    # jensenshannon normalises p and q
    p, q = np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 2.0])
    np.testing.assert_allclose(dist.jensenshannon(p, q), dist.jensenshannon(p / 6.0, 5.0 * q), rtol=1e-14)
    np.testing.assert_allclose(dist.jensenshannon(p, q), ssd.jensenshannon(p, q), rtol=1e-12)
    assert dist.jensenshannon([1.0, 0.0], [0.0, 1.0], base=2) == ssd.jensenshannon([1.0, 0.0], [0.0, 1.0], base=2)
    # braycurtis with zero coordinates, and lists as input
    np.testing.assert_allclose(dist.braycurtis([0.0, 1.0, 2.0], [0.0, -1.0, 1.0]),
                               ssd.braycurtis([0.0, 1.0, 2.0], [0.0, -1.0, 1.0]), rtol=1e-12)
    # a 1-d VI is a 1 x n matrix, as np.atleast_2d makes it
    np.testing.assert_allclose(dist.mahalanobis([2.0], [0.5], [3.0]), ssd.mahalanobis([2.0], [0.5], [3.0]), rtol=1e-12)


def test_shapes_and_weights_are_checked():
    for name in ("euclidean", "cosine", "canberra"):
        with pytest.raises(ValueError, match="1-D"):
            getattr(dist, name)(np.ones((2, 2)), np.ones((2, 2)))
        with pytest.raises(ValueError, match="non-negative"):
            getattr(dist, name)(U, V, w=-W)
    with pytest.raises(TypeError, match="same dimension"):
        dist.seuclidean(U, V, VAR[:-1])


def _function(name, weighted):
    """``f(u, v[, w])`` for check_grads, every argument traced."""
    kw = CASES[name][0]
    fn = getattr(dist, name)
    if weighted:
        return lambda u, v, w: fn(u, v, w=w, **kw)
    if name == "seuclidean":
        return lambda u, v, var: fn(u, v, var)
    if name == "mahalanobis":
        return lambda u, v, vi: fn(u, v, vi)
    return lambda u, v: fn(u, v, **kw)


def _args(name, weighted):
    if weighted:
        return (U, V, W)
    if name == "seuclidean":
        return (U, V, VAR)
    if name == "mahalanobis":
        return (U, V, VI)
    return (U, V)


GRAD_CASES = [(name, False) for name in sorted(CASES)] + [(name, True) for name in WEIGHTED]


@pytest.mark.parametrize("name, weighted", GRAD_CASES)
def test_derivatives_to_second_order_against_finite_differences(name, weighted):
    check_grads(_function(name, weighted), _args(name, weighted), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name, weighted", GRAD_CASES)
def test_hessian_is_the_same_forward_over_reverse_and_reverse_over_reverse(name, weighted):
    f = _function(name, weighted)
    rest = _args(name, weighted)[1:]
    g = lambda u: f(u, *rest)  # noqa: E731
    h1 = osc.hessian(g, mode="fwd-rev")(U)
    h2 = osc.hessian(g, mode="rev-rev")(U)
    np.testing.assert_allclose(h1, h2, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h1, np.asarray(h1).T, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(osc.grad(g)(U), osc.jacfwd(g)(U), rtol=1e-12, atol=1e-14)


def test_chebyshev_gradient_picks_the_largest_weighted_coordinate():
    u, v = np.array([0.0, 0.0, 0.0]), np.array([1.0, -5.0, 2.0])
    assert np.array_equal(osc.grad(lambda x: dist.chebyshev(u, x))(v), [0.0, -1.0, 0.0])
    w = np.array([1.0, 0.0, 1.0])  # the largest difference has weight 0: left out
    assert np.array_equal(osc.grad(lambda x: dist.chebyshev(u, x, w=w))(v), [0.0, 0.0, 1.0])


@pytest.mark.parametrize("name", sorted(CASES))
def test_plain_scipy_call_names_the_replacement(name):
    kw = CASES[name][0]
    with pytest.raises(UnsupportedConversionError) as info:
        osc.grad(lambda u: getattr(ssd, name)(u, V, **kw))(U)
    message = str(info.value)
    assert message.startswith(f"scipy.spatial.distance.{name} is not supported on traced values")
    assert f"use osculate.scipy.spatial.distance.{name} instead" in message
    # ... and the replacement is the same function, differentiable
    f = lambda u: getattr(dist, name)(u, V, **kw)  # noqa: E731
    np.testing.assert_allclose(f(U), getattr(ssd, name)(U, V, **kw), rtol=1e-12)
    assert np.all(np.isfinite(osc.grad(f)(U)))


# --------------------------------------------------------------------------- pdist and cdist

X = RNG.uniform(0.2, 1.5, (7, 4))
Y = RNG.uniform(0.2, 1.5, (3, 4))
_B = RNG.standard_normal((4, 4))
VI4 = _B @ _B.T + np.eye(4)
W4 = RNG.uniform(0.3, 2.0, 4)


@pytest.mark.parametrize("metric, kw", [
    ("braycurtis", {}), ("braycurtis", {"w": W4}), ("canberra", {}), ("canberra", {"w": W4}),
    ("mahalanobis", {}), ("mahalanobis", {"VI": VI4}), ("jensenshannon", {}),
    ("cosine", {"w": W4}), ("correlation", {"w": W4}), ("chebyshev", {"w": W4}), ("minkowski", {"p": 3, "w": W4}),
])
def test_new_pdist_and_cdist_metrics_match_scipy(metric, kw):
    np.testing.assert_allclose(dist.pdist(X, metric, **kw), ssd.pdist(X, metric, **kw), rtol=1e-12)
    np.testing.assert_allclose(dist.cdist(X, Y, metric, **kw), ssd.cdist(X, Y, metric, **kw), rtol=1e-12)


@pytest.mark.parametrize("metric", ["braycurtis", "canberra", "mahalanobis", "jensenshannon"])
def test_new_pdist_metrics_agree_with_the_pair_functions_and_differentiate(metric):
    kw = {"VI": VI4} if metric == "mahalanobis" else {}
    i, j = np.triu_indices(X.shape[0], 1)
    pairs = [getattr(dist, metric)(X[a], X[b], **kw) for a, b in zip(i, j)]
    np.testing.assert_allclose(dist.pdist(X, metric, **kw), pairs, rtol=1e-13)
    # the default VI of mahalanobis depends on X: differentiated through too
    check_grads(lambda x: dist.pdist(x, metric), (X,), order=2, modes=("fwd", "rev"))
    check_grads(lambda x: dist.cdist(x[:4], x[4:], metric), (X,), order=1, modes=("fwd", "rev"))


def test_pdist_mahalanobis_needs_more_rows_than_columns():
    with pytest.raises(ValueError, match="too small"):
        dist.pdist(X[:4], "mahalanobis")


def test_unknown_keywords_are_refused():
    with pytest.raises(TypeError, match="unexpected keyword"):
        dist.pdist(X, "seuclidean", w=W4)
    with pytest.raises(TypeError, match="unexpected keyword"):
        dist.pdist(X, "jensenshannon", axis=0)


# --------------------------------------------------------------------------- boolean dissimilarities, Hausdorff

BOOLEAN = ["hamming", "jaccard", "dice", "rogerstanimoto", "russellrao", "sokalsneath", "yule"]
#: the ones SciPy computes by arithmetic on the entries (rational in real u, v); hamming and jaccard
#: count unequal or nonzero entries (piecewise constant)
ARITHMETIC = ["dice", "rogerstanimoto", "russellrao", "sokalsneath", "yule"]


def _quiet(fn):
    import warnings

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # (SciPy's own 0/0 warnings on the edge cases)
        try:
            return fn()
        except (ValueError, ZeroDivisionError) as exc:
            return type(exc)


def _samples(seed):
    """Rows with zeros, ones, ties and coincident rows, or uniform reals."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 6))
    X = rng.choice([0.0, 1.0, 2.0, -1.0, 0.5], size=(4, n)) if seed % 2 else rng.uniform(-1.0, 2.0, (4, n))
    if seed % 3 == 0:
        X[1] = X[0]
    if seed % 5 == 0:
        X[2] = 0.0
    return X, rng.uniform(0.2, 2.0, n)


@pytest.mark.parametrize("name", BOOLEAN)
def test_boolean_dissimilarities_match_scipy_everywhere(name):
    """One pair, pdist and cdist, with and without weights, on reals, 0/1 data, zero rows and
    coincident rows: SciPy's values, nan and errors (pdist/cdist apply these metrics to ``X != 0``
    except hamming and the unweighted dice, as SciPy's compiled code does)."""
    for seed in range(60):
        X, w = _samples(seed)
        for kw in ({}, {"w": w}):
            for got, want in ((lambda: dist.pdist(X, name, **kw), lambda: ssd.pdist(X, name, **kw)),
                              (lambda: dist.cdist(X, X[:2], name, **kw), lambda: ssd.cdist(X, X[:2], name, **kw))):
                np.testing.assert_allclose(_quiet(got), _quiet(want), rtol=1e-13, atol=0, equal_nan=True)
            for a in range(4):
                for b in range(4):
                    got = _quiet(lambda: getattr(dist, name)(X[a], X[b], **kw))
                    want = _quiet(lambda: getattr(ssd, name)(X[a], X[b], **kw))
                    if isinstance(want, type):
                        assert got is want, (name, X[a], X[b], kw)
                    else:
                        np.testing.assert_allclose(got, want, rtol=1e-13, atol=0, equal_nan=True)
    B = np.array([[True, False, True, True], [False, False, True, False]])
    assert getattr(dist, name)(B[0], B[1]) == getattr(ssd, name)(B[0], B[1])


@pytest.mark.parametrize("name", BOOLEAN)
def test_boolean_dissimilarities_on_traced_values(name):
    """The traced value is SciPy's; hamming and jaccard have derivative 0 in u and v, the others
    the derivatives of SciPy's arithmetic (finite differences to second order, in w too)."""
    u = np.array([1.0, 0.0, 2.0, 0.5, -1.0])
    v = np.array([1.0, 1.0, 0.0, 0.7, 0.3])
    w = np.array([0.5, 1.5, 1.0, 2.0, 0.7])
    f = getattr(dist, name)
    value, tangent = osc.jvp(lambda x: f(x, v), (u,), (np.ones(5),))
    assert value == getattr(ssd, name)(u, v)
    if name in ARITHMETIC:
        check_grads(lambda a, b, c: f(a, b, w=c), (u, v, w), order=2, modes=("fwd", "rev"))
        h = osc.hessian(lambda x: f(x, v, w=w), mode="fwd-rev")(u)
        np.testing.assert_allclose(h, osc.hessian(lambda x: f(x, v, w=w), mode="rev-rev")(u), rtol=1e-12, atol=1e-14)
    else:
        assert tangent == 0.0
        assert np.array_equal(osc.grad(lambda x: f(x, v, w=w))(u), np.zeros(5))
        check_grads(lambda c: f(u, v, w=c), (w,), order=2, modes=("fwd", "rev"))  # the weights' share


def test_boolean_pdist_metrics_are_piecewise_constant_in_the_data():
    X = np.array([[1.0, 0.0, 2.0], [0.5, 1.0, 0.0], [0.0, 0.0, 3.0]])
    for name in ("jaccard", "rogerstanimoto", "russellrao", "sokalsneath", "yule", "hamming"):
        assert np.array_equal(osc.grad(lambda x: np.sum(dist.pdist(x, name)))(X), np.zeros_like(X))
        np.testing.assert_array_equal(dist.pdist(X, name), ssd.pdist(X, name))
    # SciPy's unweighted pdist dice is the arithmetic formula on the entries: differentiable
    check_grads(lambda x: dist.pdist(x, "dice"), (X,), order=2, modes=("fwd", "rev"))
    for alias, name in (("matching", "hamming"), ("ja", "jaccard")):
        np.testing.assert_array_equal(dist.pdist(X, alias), ssd.pdist(X, name))


def test_sokalsneath_of_two_false_vectors_raises_as_scipy():
    with pytest.raises(ValueError, match="entirely false"):
        dist.sokalsneath(np.zeros(3), np.zeros(3))
    with pytest.raises(ZeroDivisionError):
        dist.russellrao(np.ones(2), np.ones(2), w=np.zeros(2))


HU = np.array([[0.0, 0.0], [1.0, 2.0], [2.5, -1.0], [0.3, 0.4]])
HV = np.array([[1.0, 1.0], [3.0, 3.0], [-1.0, 0.5]])


@pytest.mark.parametrize("rng", [0, 3])
def test_directed_hausdorff_is_scipys_and_differentiates_the_selected_pair(rng):
    want = ssd.directed_hausdorff(HU, HV, rng)
    assert dist.directed_hausdorff(HU, HV, rng) == want
    d, i, j = want
    (value, i2, j2), tangent = osc.jvp(lambda u: dist.directed_hausdorff(u, HV, rng), (HU,), (np.ones_like(HU),))
    assert value == d and (i2, j2) == (i, j)
    g = osc.grad(lambda u: dist.directed_hausdorff(u, HV, rng)[0])(HU)
    expect = np.zeros_like(HU)
    expect[i] = (HU[i] - HV[j]) / d
    np.testing.assert_allclose(g, expect, rtol=1e-14)
    check_grads(lambda u, v: dist.directed_hausdorff(u, v, rng)[0], (HU, HV), order=2, modes=("fwd", "rev"))
    # the other direction, and SciPy's keyword
    assert dist.directed_hausdorff(HV, HU, seed=rng) == ssd.directed_hausdorff(HV, HU, seed=rng)


def test_directed_hausdorff_without_values_is_the_max_min_distance():
    """Under jit (no concrete values) the same distance, derivative and pair (as floats)."""
    f = osc.jit(lambda u: dist.directed_hausdorff(u, HV)[0])
    np.testing.assert_allclose(f(HU), ssd.directed_hausdorff(HU, HV)[0], rtol=1e-14)
    np.testing.assert_allclose(osc.grad(f)(HU), osc.grad(lambda u: dist.directed_hausdorff(u, HV)[0])(HU), rtol=1e-14)
    _, i, j = osc.jit(lambda u: dist.directed_hausdorff(u, HV))(HU)
    assert (i, j) == ssd.directed_hausdorff(HU, HV)[1:]


@pytest.mark.parametrize("name", BOOLEAN + ["directed_hausdorff"])
def test_plain_scipy_boolean_and_hausdorff_calls_name_the_replacement(name):
    args = (HV,) if name == "directed_hausdorff" else (V,)
    with pytest.raises(UnsupportedConversionError, match=rf"^scipy\.spatial\.distance\.{name} is not supported"
                       rf".*use osculate\.scipy\.spatial\.distance\.{name} instead"):
        osc.grad(lambda u: getattr(ssd, name)(u, *args)[0] if name == "directed_hausdorff"
                 else getattr(ssd, name)(u, *args))(HU if name == "directed_hausdorff" else U)
    assert name in dist.__all__ and ">>>" in getattr(dist, name).__doc__


def test_pdist_and_cdist_refuse_keywords_scipy_refuses():
    """SciPy's pdist/cdist take no ``base`` for jensenshannon (only the
    one-pair function does); neither do osculate's."""
    X = np.abs(np.random.default_rng(3).standard_normal((3, 4)))
    with pytest.raises(TypeError):
        ssd.pdist(X, "jensenshannon", base=2.0)
    with pytest.raises(TypeError, match="unexpected keyword arguments for metric 'jensenshannon'"):
        dist.pdist(X, "jensenshannon", base=2.0)
    with pytest.raises(TypeError, match="unexpected keyword arguments for metric 'jensenshannon'"):
        dist.cdist(X, X, "jensenshannon", base=2.0)
    np.testing.assert_allclose(dist.pdist(X, "jensenshannon"), ssd.pdist(X, "jensenshannon"), rtol=1e-12)
