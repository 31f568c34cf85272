"""``scipy.spatial.distance`` on traced values, with SciPy's signatures.

``pdist`` gathers the pairs of rows ``i < j`` (in SciPy's order), ``cdist``
pairs every row of ``XA`` with every row of ``XB``; the metric is then
elementwise arithmetic and a sum along the last axis.  So each distance
depends on its two rows only, and sparsity detection sees exactly that.

Metrics: ``'euclidean'``, ``'sqeuclidean'``, ``'cityblock'``,
``'minkowski'`` (``p=``, default 2), ``'chebyshev'``, ``'cosine'``,
``'correlation'``, ``'braycurtis'``, ``'canberra'`` (all of these take
``w=`` weights as SciPy does), ``'seuclidean'`` (``V=``, default the
variances of the columns), ``'mahalanobis'`` (``VI=``, default the inverse
covariance of the rows), ``'jensenshannon'``, the dissimilarities of
boolean vectors ``'hamming'``, ``'jaccard'``, ``'dice'``, ``'rogerstanimoto'``,
``'russellrao'``, ``'sokalsneath'``, ``'yule'`` (with ``w=``; as SciPy's
compiled code, on ``X != 0`` except ``hamming`` and the unweighted ``dice``:
piecewise constant in ``X``, derivative 0) and a Python callable
``metric(u, v)``.  The same formulas are the functions of one pair of 1-D
vectors, :func:`euclidean`, :func:`sqeuclidean`, :func:`cityblock`,
:func:`minkowski`, :func:`chebyshev`, :func:`cosine`, :func:`correlation`,
:func:`seuclidean`, :func:`mahalanobis`, :func:`braycurtis`,
:func:`canberra` and :func:`jensenshannon` (which, as SciPy's, also takes
n-d arrays along ``axis``); so are :func:`hamming`, :func:`jaccard`,
:func:`dice`, :func:`rogerstanimoto`, :func:`russellrao`, :func:`sokalsneath`
and :func:`yule`, with SciPy's Python formulas (counts by arithmetic on the
entries: on real vectors all but ``hamming`` and ``jaccard`` are rational
functions of them, differentiated as such), and :func:`directed_hausdorff`
(the distance of the pair it selects, the indices constants).
``norm`` is :func:`osculate.scipy.linalg.norm`; ``num_obs_y`` and
``num_obs_dm`` read the shape (so they work under ``jit``), ``is_valid_y``
and ``is_valid_dm`` check the values (booleans, outside ``jit``/``vmap``).

Edge values follow SciPy: ``canberra`` counts a coordinate where ``u`` and
``v`` are both 0 as 0, ``cosine`` and ``correlation`` are clipped to
``[0, 2]``, ``braycurtis`` of two zero vectors is ``nan`` (0/0), and
``jensenshannon`` normalises ``p`` and ``q`` to sum to 1 first.

Where a metric is not differentiable, neither is its osculate version: the
euclidean (and minkowski, seuclidean, mahalanobis, jensenshannon) distance
of two coincident points is ``sqrt(0)``, whose derivative NumPy and
osculate give as ``inf`` (so the gradient there is ``inf`` or ``nan``; use
``'sqeuclidean'`` when points may coincide); ``cityblock``, ``braycurtis``
and ``canberra`` have kinks where two coordinates agree (and the latter two
where a coordinate, or for ``braycurtis`` a sum ``u + v``, is 0; a
``canberra`` term whose coordinates are both 0 has derivative 0);
``chebyshev`` has a kink where two coordinates tie for the largest
difference; ``cosine`` and ``correlation`` are flat where the clip acts;
and ``jensenshannon``'s derivative in a probability that is 0 is
``-inf`` (the ``p log p`` of the entropy).

>>> import numpy as np, osculate as osc
>>> from osculate.scipy.spatial.distance import pdist
>>> X = np.array([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]])
>>> pdist(X)
array([ 5., 10.,  5.])
>>> osc.grad(lambda x: pdist(x).sum())(X)
array([[-1.2, -1.6],
       [ 0. ,  0. ],
       [ 1.2,  1.6]])
"""

from __future__ import annotations

import inspect as _inspect

import numpy as _np
import scipy.spatial.distance as _scipy_distance
import scipy.special as _special

from ...core import ConcretizationError as _ConcretizationError
from ...core import Tracer as _Tracer
from ...core import concrete as _concrete
from ... import numpy as _onp
from ...prims.structural import shape_of as _shape_of
from ..linalg import norm

__all__ = ["pdist", "cdist", "squareform", "euclidean", "sqeuclidean", "cityblock", "minkowski", "chebyshev",
           "cosine", "correlation", "seuclidean", "mahalanobis", "braycurtis", "canberra", "jensenshannon",
           "hamming", "jaccard", "dice", "rogerstanimoto", "russellrao", "sokalsneath", "yule",
           "directed_hausdorff", "norm", "num_obs_y", "num_obs_dm", "is_valid_y", "is_valid_dm"]

_ALIASES = {"euclid": "euclidean", "eu": "euclidean", "e": "euclidean", "sqe": "sqeuclidean", "sqeuclid": "sqeuclidean",
            "cblock": "cityblock", "cb": "cityblock", "c": "cityblock", "manhattan": "cityblock",
            "mi": "minkowski", "minkowsi": "minkowski", "pnorm": "minkowski", "chebychev": "chebyshev",
            "cheby": "chebyshev", "cheb": "chebyshev", "ch": "chebyshev", "cos": "cosine", "co": "correlation",
            "se": "seuclidean", "bray": "braycurtis", "canb": "canberra", "mahal": "mahalanobis",
            "mah": "mahalanobis", "js": "jensenshannon", "matching": "hamming", "hamm": "hamming", "ha": "hamming",
            "h": "hamming", "jacc": "jaccard", "ja": "jaccard", "j": "jaccard"}


def _as_array(x):
    return x if isinstance(x, _Tracer) else _np.asarray(x, dtype=float)


def _value_or_none(x):
    try:
        return _np.asarray(_concrete(x))
    except _ConcretizationError:
        return None


# --------------------------------------------------------------------------- the metrics
# Each takes rows u, v broadcast to (..., n) and reduces the last axis; pdist,
# cdist and the one-pair functions below all call these.


def _total(x, w):
    """The (weighted) sum of ``x`` along the last axis."""
    return _onp.sum(x if w is None else w * x, axis=-1)


def _sqeuclidean(u, v, w=None):
    d = u - v
    return _total(d * d, w)


def _euclidean(u, v, w=None):
    return _onp.sqrt(_sqeuclidean(u, v, w))


def _cityblock(u, v, w=None):
    return _total(_onp.abs(u - v), w)


def _chebyshev(u, v, w=None):
    a = _onp.abs(u - v)
    if w is not None:  # the largest difference over the coordinates of positive weight
        a = _onp.where(w > 0, a, 0.0)
    return _onp.max(a, axis=-1)


def _minkowski(u, v, p=2.0, w=None):
    p = float(p)
    if p <= 0:
        raise ValueError("p must be greater than 0")
    if p == 1.0:
        return _cityblock(u, v, w)
    if p == 2.0:
        return _euclidean(u, v, w)
    if p == _np.inf:
        return _chebyshev(u, v, w)
    return _onp.power(_total(_onp.power(_onp.abs(u - v), p), w), 1.0 / p)


def _correlation(u, v, w=None, centered=True):
    if w is not None:
        w = w / _onp.sum(w)
    if centered:
        if w is None:
            u = u - _onp.mean(u, axis=-1, keepdims=True)
            v = v - _onp.mean(v, axis=-1, keepdims=True)
        else:
            u = u - _onp.sum(w * u, axis=-1, keepdims=True)
            v = v - _onp.sum(w * v, axis=-1, keepdims=True)
    d = 1.0 - _total(u * v, w) / _onp.sqrt(_total(u * u, w) * _total(v * v, w))
    return _onp.clip(d, 0.0, 2.0)  # as SciPy, against rounding


def _cosine(u, v, w=None):
    return _correlation(u, v, w, centered=False)


def _seuclidean(u, v, V):
    return _euclidean(u, v, 1.0 / V)


def _mahalanobis(u, v, VI):
    d = u - v
    return _onp.sqrt(_onp.sum(_onp.matmul(d, VI) * d, axis=-1))


def _braycurtis(u, v, w=None):
    return _total(_onp.abs(u - v), w) / _total(_onp.abs(u + v), w)


def _canberra(u, v, w=None):
    den = _onp.abs(u) + _onp.abs(v)
    some = den > 0  # where both are 0 the term is 0 (SciPy's nansum), with derivative 0
    return _total(_onp.where(some, _onp.abs(u - v) / _onp.where(some, den, 1.0), 0.0), w)


def _jensenshannon(p, q, base=None, axis=-1, keepdims=False):
    p = p / _onp.sum(p, axis=axis, keepdims=True)
    q = q / _onp.sum(q, axis=axis, keepdims=True)
    m = (p + q) / 2.0
    js = (_onp.sum(_special.rel_entr(p, m), axis=axis, keepdims=keepdims)
          + _onp.sum(_special.rel_entr(q, m), axis=axis, keepdims=keepdims))
    if base is not None:
        js = js / _np.log(base)
    return _onp.sqrt(js / 2.0)


def _jensenshannon_rows(p, q):
    return _jensenshannon(p, q)  # (pdist/cdist take no base, as SciPy's)


# the dissimilarities of boolean vectors.  SciPy's one-pair functions compute them on numbers by
# arithmetic (``ntf = Σ u (1 - v)``...), so on real vectors most are rational functions of the
# entries (``dice``, ``rogerstanimoto``, ``russellrao``, ``sokalsneath``, ``yule``: differentiable
# as such), while ``hamming`` and ``jaccard`` count unequal or nonzero entries (piecewise constant,
# derivative 0 in u and v).  SciPy's pdist/cdist run them on ``X != 0`` instead (below).


def _flag(c):
    """1.0 where the boolean ``c`` holds, else 0.0 (a constant)."""
    return _onp.where(c, 1.0, 0.0)


def _weighted(u, w):
    return u if w is None else w * u


def _tf(u, v, w):
    """``(nft, ntf) = (Σ w (1 - u) v, Σ w u (1 - v))`` (SciPy's ``_nbool_correspond_ft_tf``, in
    its order of operations)."""
    not_u, not_v = 1.0 - u, 1.0 - v
    if w is not None:
        not_u, u = w * not_u, w * u
    return _onp.sum(not_u * v, axis=-1), _onp.sum(u * not_v, axis=-1)


def _all(u, v, w):
    """``(nff, nft, ntf, ntt)`` (SciPy's ``_nbool_correspond_all``)."""
    not_u, not_v = 1.0 - u, 1.0 - v
    if w is not None:
        not_u, u = w * not_u, w * u
    return tuple(_onp.sum(a * b, axis=-1) for a, b in ((not_u, not_v), (not_u, v), (u, not_v), (u, v)))


def _ntt(u, v, w):
    return _onp.sum(u * v if w is None else u * v * w, axis=-1)


def _hamming(u, v, w=None):
    unequal = _flag(u != v)
    if w is None:
        return _onp.mean(unequal, axis=-1)
    return _onp.sum(unequal * (w / _onp.sum(w)), axis=-1)


def _jaccard(u, v, w=None):
    nonzero_u, nonzero_v = u != 0, v != 0
    a = _total(_flag(_onp.logical_xor(nonzero_u, nonzero_v)), w)
    b = _total(_flag(_onp.logical_or(nonzero_u, nonzero_v)), w)
    some = b != 0
    return _onp.where(some, a / _onp.where(some, b, 1.0), 0.0)


def _dice(u, v, w=None):
    nft, ntf = _tf(u, v, w)
    return (ntf + nft) / (2.0 * _ntt(u, v, w) + ntf + nft)


def _rogerstanimoto(u, v, w=None):
    nff, nft, ntf, ntt = _all(u, v, w)
    return 2.0 * (ntf + nft) / (ntt + nff + 2.0 * (ntf + nft))


def _russellrao(u, v, w=None):
    n = float(u.shape[-1]) if w is None else _onp.sum(w, axis=-1)
    return (n - _ntt(u, v, w)) / n


def _sokalsneath(u, v, w=None):
    nft, ntf = _tf(u, v, w)
    return 2.0 * (ntf + nft) / (_ntt(u, v, w) + 2.0 * (ntf + nft))


def _yule(u, v, w=None):
    nff, nft, ntf, ntt = _all(u, v, w)
    half = ntf * nft
    some = half != 0
    return _onp.where(some, 2.0 * half / _onp.where(some, ntt * nff + half, 1.0), 0.0)


def _on_nonzero(metric):
    """SciPy's pdist/cdist version of a boolean metric: the metric of ``u != 0`` and ``v != 0``
    (piecewise constant in the entries, derivative 0; in ``w`` it is differentiable)."""

    def fn(u, v, w=None):
        return metric(_flag(u != 0), _flag(v != 0), w)

    fn.__name__ = metric.__name__
    return fn


def _dice_rows(u, v, w=None):
    """SciPy's pdist/cdist ``dice``: the one-pair formula on the entries without weights; with
    weights ``Σ w [u ≠ v] / (2 Σ w [u ≠ 0][v ≠ 0] + Σ w [u ≠ v])`` (piecewise constant)."""
    if w is None:
        return _dice(u, v)
    ndiff = _total(_flag(u != v), w)
    return ndiff / (2.0 * _total(_flag(_onp.logical_and(u != 0, v != 0)), w) + ndiff)


_METRICS = {"euclidean": _euclidean, "sqeuclidean": _sqeuclidean, "cityblock": _cityblock, "minkowski": _minkowski,
            "chebyshev": _chebyshev, "cosine": _cosine, "correlation": _correlation, "seuclidean": _seuclidean,
            "mahalanobis": _mahalanobis, "braycurtis": _braycurtis, "canberra": _canberra,
            "jensenshannon": _jensenshannon_rows, "hamming": _hamming, "jaccard": _jaccard, "dice": _dice_rows,
            "rogerstanimoto": _on_nonzero(_rogerstanimoto), "russellrao": _on_nonzero(_russellrao),
            "sokalsneath": _on_nonzero(_sokalsneath), "yule": _on_nonzero(_yule)}


def _metric_name(metric):
    name = _ALIASES.get(metric.lower(), metric.lower())
    if name not in _METRICS:
        raise ValueError(f"osculate.scipy.spatial.distance: metric {metric!r} is not supported; "
                         f"supported: {', '.join(_METRICS)} or a callable metric(u, v)")
    return name


def _pairs(u, v, metric, kwargs, rows):
    """The metric between rows ``u`` and ``v`` (broadcast arrays (..., n));
    ``rows()`` is the data whose column variances or inverse covariance are
    the defaults of ``V`` and ``VI``."""
    kwargs = {k: (x if k in ("p", "base") else _as_array(x)) for k, x in kwargs.items()}
    if metric == "seuclidean" and kwargs.get("V") is None:
        kwargs["V"] = _onp.var(rows(), axis=0, ddof=1)
    if metric == "mahalanobis" and kwargs.get("VI") is None:
        X = rows()
        if X.shape[0] <= X.shape[1]:
            raise ValueError(f"The number of observations ({X.shape[0]}) is too small; the covariance matrix is "
                             f"singular. For observations with {X.shape[1]} dimensions, at least "
                             f"{X.shape[1] + 1} observations are required.")
        kwargs["VI"] = _onp.linalg.inv(_onp.cov(X.T)).T
    fn = _METRICS[metric]
    try:
        _inspect.signature(fn).bind(u, v, **kwargs)
    except TypeError:
        raise TypeError(f"unexpected keyword arguments for metric {metric!r}: {sorted(kwargs)}") from None
    return fn(u, v, **kwargs)


def _check_2d(X, name):
    X = _as_array(X)
    if len(X.shape) != 2:
        raise ValueError(f"{name}: a 2-d array must be passed, got shape {X.shape}")
    return X


def pdist(X, metric="euclidean", *, out=None, **kwargs):
    """Distances between the pairs of rows ``(i, j)``, ``i < j``, of the
    ``(m, n)`` array ``X``, as :func:`scipy.spatial.distance.pdist`
    (a vector of ``m (m - 1) / 2`` entries; see the module for the metrics).

    >>> import numpy as np
    >>> from osculate.scipy.spatial.distance import pdist
    >>> pdist(np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 3.0]]), "cityblock")
    array([2., 4., 2.])
    """
    if out is not None:
        raise TypeError("osculate.scipy.spatial.distance.pdist: out= is not supported (values are immutable)")
    X = _check_2d(X, "pdist")
    m = X.shape[0]
    i, j = _np.triu_indices(m, 1)
    u, v = X[i], X[j]
    if callable(metric):
        if not i.size:
            return _np.zeros(0)
        return _onp.stack([metric(X[a], X[b], **kwargs) for a, b in zip(i, j)])
    return _pairs(u, v, _metric_name(metric), kwargs, lambda: X)


def cdist(XA, XB, metric="euclidean", *, out=None, **kwargs):
    """Distances between every row of ``XA`` ``(mA, n)`` and every row of
    ``XB`` ``(mB, n)``, as :func:`scipy.spatial.distance.cdist` (an
    ``(mA, mB)`` matrix; see the module for the metrics).

    >>> import numpy as np
    >>> from osculate.scipy.spatial.distance import cdist
    >>> cdist(np.array([[0.0, 0.0]]), np.array([[3.0, 4.0], [1.0, 0.0]]))
    array([[5., 1.]])
    """
    if out is not None:
        raise TypeError("osculate.scipy.spatial.distance.cdist: out= is not supported (values are immutable)")
    XA, XB = _check_2d(XA, "cdist"), _check_2d(XB, "cdist")
    if XA.shape[1] != XB.shape[1]:
        raise ValueError("XA and XB must have the same number of columns (i.e. feature dimension.)")
    if callable(metric):
        rows = [_onp.stack([metric(XA[a], XB[b], **kwargs) for b in range(XB.shape[0])]) for a in range(XA.shape[0])]
        return _onp.stack(rows) if rows else _np.zeros((0, XB.shape[0]))
    u, v = XA[:, None, :], XB[None, :, :]
    return _pairs(u, v, _metric_name(metric), kwargs, lambda: _onp.concatenate([XA, XB], axis=0))


def squareform(X, force="no", checks=True):
    """Convert a condensed distance vector to a square distance matrix and
    back, as :func:`scipy.spatial.distance.squareform` (differentiable both
    ways; ``checks`` verifies, on concrete values, that a matrix is symmetric
    with a zero diagonal).

    >>> import numpy as np
    >>> from osculate.scipy.spatial.distance import squareform
    >>> squareform(np.array([1.0, 2.0, 3.0]))
    array([[0., 1., 2.],
           [1., 0., 3.],
           [2., 3., 0.]])
    >>> squareform(squareform(np.array([1.0, 2.0, 3.0])))
    array([1., 2., 3.])
    """
    X = _as_array(X)
    s = tuple(X.shape)
    if force.lower() not in ("no", "tomatrix", "tovector"):
        raise ValueError(f"force must be 'no', 'tomatrix' or 'tovector', got {force!r}")
    if force.lower() == "tomatrix" and len(s) != 1:
        raise ValueError("Forcing 'tomatrix' but input X is not a distance vector.")
    if force.lower() == "tovector" and len(s) != 2:
        raise ValueError("Forcing 'tovector' but input X is not a distance matrix.")
    if len(s) == 1:
        k = s[0]
        if k == 0:
            return _np.zeros((1, 1))
        m = int(_np.ceil(_np.sqrt(k * 2)))
        if m * (m - 1) != k * 2:
            raise ValueError("Incompatible vector size. It must be a binomial coefficient n choose 2 for some integer n >= 2.")
        idx = _np.full((m, m), k)
        i, j = _np.triu_indices(m, 1)
        idx[i, j] = idx[j, i] = _np.arange(k)
        return _onp.concatenate([X, _np.zeros(1)])[idx]
    if len(s) == 2:
        if s[0] != s[1]:
            raise ValueError("The matrix argument must be square.")
        if checks:
            v = _value_or_none(X)
            if v is not None:
                if not _np.array_equal(v, v.T):
                    raise ValueError("Distance matrix 'X' must be symmetric.")
                if _np.any(_np.diag(v) != 0):
                    raise ValueError("Distance matrix 'X' diagonal must be zero.")
        i, j = _np.triu_indices(s[0], 1)
        return X[i, j]
    raise ValueError(f"The first argument must be one or two dimensional array. A {len(s)}-dimensional array is not permitted")


# --------------------------------------------------------------------------- one pair of vectors


def _vector(x):
    x = _as_array(x)
    if len(x.shape) != 1:
        raise ValueError(f"Input vector should be 1-D (got shape {tuple(x.shape)}).")
    return x


def _weights(w):
    if w is None:
        return None
    w = _vector(w)
    value = _value_or_none(w)
    if value is not None and _np.any(value < 0):
        raise ValueError("Input weights should be all non-negative")
    return w


def euclidean(u, v, w=None):
    """The Euclidean distance ``sqrt(sum(w * (u - v)**2))`` between 1-D
    ``u`` and ``v``, as :func:`scipy.spatial.distance.euclidean` (its
    derivative is ``inf`` where ``u == v``).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.spatial.distance import euclidean
    >>> euclidean([0.0, 0.0], [3.0, 4.0])
    np.float64(5.0)
    >>> osc.grad(lambda u: euclidean(u, np.array([3.0, 4.0])))(np.zeros(2))
    array([-0.6, -0.8])
    """
    return _euclidean(_vector(u), _vector(v), _weights(w))


def sqeuclidean(u, v, w=None):
    """The squared Euclidean distance ``sum(w * (u - v)**2)``, as
    :func:`scipy.spatial.distance.sqeuclidean` (smooth everywhere).

    >>> from osculate.scipy.spatial.distance import sqeuclidean
    >>> sqeuclidean([0.0, 0.0], [3.0, 4.0], w=[1.0, 0.5])
    np.float64(17.0)
    """
    return _sqeuclidean(_vector(u), _vector(v), _weights(w))


def cityblock(u, v, w=None):
    """The city block (Manhattan) distance ``sum(w * |u - v|)``, as
    :func:`scipy.spatial.distance.cityblock` (a kink where ``u[i] == v[i]``).

    >>> from osculate.scipy.spatial.distance import cityblock
    >>> cityblock([0.0, 0.0], [3.0, -4.0])
    np.float64(7.0)
    """
    return _cityblock(_vector(u), _vector(v), _weights(w))


def minkowski(u, v, p=2, w=None):
    """The Minkowski distance ``sum(w * |u - v|**p)**(1/p)``, ``p > 0``
    (``p = inf``: :func:`chebyshev`), as
    :func:`scipy.spatial.distance.minkowski` (not differentiable where
    ``u == v``, nor, for ``p <= 1``, where ``u[i] == v[i]``).

    >>> from osculate.scipy.spatial.distance import minkowski
    >>> minkowski([0.0, 0.0], [3.0, 4.0], p=1)
    np.float64(7.0)
    >>> round(float(minkowski([0.0, 0.0], [3.0, 4.0], p=3)), 6)
    4.497941
    """
    return _minkowski(_vector(u), _vector(v), p, _weights(w))


def chebyshev(u, v, w=None):
    """The Chebyshev distance ``max |u - v|`` (over the coordinates of
    positive weight ``w``), as :func:`scipy.spatial.distance.chebyshev`
    (a kink where two coordinates tie for the largest difference).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.spatial.distance import chebyshev
    >>> chebyshev([0.0, 0.0], [3.0, -4.0])
    np.float64(4.0)
    >>> osc.grad(lambda v: chebyshev(np.zeros(2), v))(np.array([3.0, -4.0]))
    array([ 0., -1.])
    """
    return _chebyshev(_vector(u), _vector(v), _weights(w))


def correlation(u, v, w=None, centered=True):
    """The correlation distance ``1 - (u - ū)·(v - v̄) / (|u - ū| |v - v̄|)``
    (weighted by ``w``; without the means when ``centered=False``), clipped
    to ``[0, 2]``, as :func:`scipy.spatial.distance.correlation`.

    >>> from osculate.scipy.spatial.distance import correlation
    >>> correlation([1.0, 2.0, 3.0], [3.0, 2.0, 1.0])
    np.float64(2.0)
    """
    d = _correlation(_vector(u), _vector(v), _weights(w), centered)
    return d if isinstance(d, _Tracer) else _np.float64(d)  # a NumPy scalar, as SciPy's


def cosine(u, v, w=None):
    """The cosine distance ``1 - u·v / (|u| |v|)`` (weighted by ``w``),
    clipped to ``[0, 2]``, as :func:`scipy.spatial.distance.cosine`.

    >>> from osculate.scipy.spatial.distance import cosine
    >>> cosine([1.0, 0.0], [1.0, 1.0])
    np.float64(0.29289321881345254)
    """
    return correlation(u, v, w, centered=False)


def seuclidean(u, v, V):
    """The standardized Euclidean distance ``sqrt(sum((u - v)**2 / V))``
    for the variances ``V``, as :func:`scipy.spatial.distance.seuclidean`
    (derivative ``inf`` where ``u == v``).

    >>> from osculate.scipy.spatial.distance import seuclidean
    >>> seuclidean([0.0, 0.0], [3.0, 4.0], [1.0, 4.0])
    np.float64(3.605551275463989)
    """
    u, v, V = _vector(u), _vector(v), _vector(V)
    if not V.shape[0] == u.shape[0] == v.shape[0]:
        raise TypeError("V must be a 1-D array of the same dimension as u and v.")
    return _seuclidean(u, v, V)


def mahalanobis(u, v, VI):
    """The Mahalanobis distance ``sqrt((u - v) VI (u - v))`` for the
    inverse covariance ``VI``, as :func:`scipy.spatial.distance.mahalanobis`
    (differentiable in ``VI`` too; derivative ``inf`` where ``u == v``).

    >>> import numpy as np
    >>> from osculate.scipy.spatial.distance import mahalanobis
    >>> mahalanobis([0.0, 0.0], [1.0, 1.0], np.array([[2.0, 0.5], [0.5, 1.0]]))
    np.float64(2.0)
    """
    VI = _as_array(VI)
    if len(VI.shape) < 2:
        VI = _onp.reshape(VI, (1, -1))
    return _mahalanobis(_vector(u), _vector(v), VI)


def braycurtis(u, v, w=None):
    """The Bray-Curtis distance ``sum(w |u - v|) / sum(w |u + v|)``, as
    :func:`scipy.spatial.distance.braycurtis` (``nan`` for two zero
    vectors; kinks where ``u[i] == v[i]`` or ``u[i] == -v[i]``).

    >>> from osculate.scipy.spatial.distance import braycurtis
    >>> braycurtis([1.0, 2.0], [3.0, 2.0])
    np.float64(0.25)
    """
    return _braycurtis(_vector(u), _vector(v), _weights(w))


def canberra(u, v, w=None):
    """The Canberra distance ``sum(w |u - v| / (|u| + |v|))``, a term whose
    ``u[i]`` and ``v[i]`` are both 0 counting 0, as
    :func:`scipy.spatial.distance.canberra` (kinks where ``u[i] == v[i]``
    or a coordinate is 0).

    >>> from osculate.scipy.spatial.distance import canberra
    >>> canberra([1.0, 0.0, 2.0], [3.0, 0.0, 2.0])
    np.float64(0.5)
    """
    return _canberra(_vector(u), _vector(v), _weights(w))


def jensenshannon(p, q, base=None, *, axis=0, keepdims=False):
    """The Jensen-Shannon distance (the square root of the divergence, in
    the logarithm to ``base``, natural by default) between the probability
    vectors ``p`` and ``q`` along ``axis``, each first divided by its sum, as
    :func:`scipy.spatial.distance.jensenshannon` (derivative ``inf`` where
    ``p == q``, ``-inf`` in a probability that is 0).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.spatial.distance import jensenshannon
    >>> float(jensenshannon([1.0, 0.0], [0.0, 1.0], base=2))
    1.0
    >>> g = osc.grad(lambda p: jensenshannon(p, np.array([0.5, 0.5])))(np.array([0.2, 0.6]))
    >>> g.shape
    (2,)
    """
    return _jensenshannon(_as_array(p), _as_array(q), base, axis, keepdims)


# --------------------------------------------------------------------------- boolean dissimilarities


def _pair(u, v, w):
    u, v = _vector(u), _vector(v)
    if u.shape != v.shape:
        raise ValueError("The 1d arrays must have equal lengths.")
    w = _weights(w)
    if w is not None and w.shape != u.shape:
        raise ValueError("'w' should have the same length as 'u' and 'v'.")
    return u, v, w


def _scalar(x):
    return x if isinstance(x, _Tracer) else _np.float64(x)


def hamming(u, v, w=None):
    """The Hamming distance, the (``w``-weighted) fraction of coordinates where ``u`` and ``v``
    differ, as :func:`scipy.spatial.distance.hamming`: piecewise constant in ``u`` and ``v``
    (derivative 0), differentiable in ``w``.

    >>> from osculate.scipy.spatial.distance import hamming
    >>> hamming([1.0, 0.0, 2.0], [1.0, 1.0, 3.0])
    np.float64(0.6666666666666666)
    """
    return _scalar(_hamming(*_pair(u, v, w)))


def jaccard(u, v, w=None):
    """The Jaccard-Needham dissimilarity, the (weighted) fraction of the coordinates nonzero in
    ``u`` or ``v`` that are nonzero in only one of them (0 when none is nonzero), as
    :func:`scipy.spatial.distance.jaccard`: piecewise constant in ``u`` and ``v``.

    >>> from osculate.scipy.spatial.distance import jaccard
    >>> jaccard([1.0, 0.0, 2.0], [1.0, 1.0, 0.0])
    np.float64(0.6666666666666666)
    """
    return _scalar(_jaccard(*_pair(u, v, w)))


def dice(u, v, w=None):
    """The Dice dissimilarity ``(ntf + nft) / (2 ntt + ntf + nft)`` with SciPy's counts ``ntt =
    Σ w u v``, ``ntf = Σ w u (1 - v)``, ``nft = Σ w (1 - u) v``, as
    :func:`scipy.spatial.distance.dice` (which computes them by this arithmetic on any numbers,
    so on real vectors it is a rational function of the entries, differentiated as such).

    >>> from osculate.scipy.spatial.distance import dice
    >>> float(dice([1.0, 0.0, 1.0], [1.0, 1.0, 0.0]))
    0.5
    """
    return _scalar(_dice(*_pair(u, v, w)))


def rogerstanimoto(u, v, w=None):
    """The Rogers-Tanimoto dissimilarity ``2 (ntf + nft) / (ntt + nff + 2 (ntf + nft))`` with
    SciPy's arithmetic counts (``nff = Σ w (1 - u)(1 - v)``; see :func:`dice`), as
    :func:`scipy.spatial.distance.rogerstanimoto`.

    >>> from osculate.scipy.spatial.distance import rogerstanimoto
    >>> float(rogerstanimoto([1.0, 0.0, 1.0], [1.0, 1.0, 0.0]))
    0.8
    """
    u, v, w = _pair(u, v, w)
    nff, nft, ntf, ntt = _all(u, v, w)
    _nonzero(ntt + nff + 2.0 * (ntf + nft))
    return _scalar(_rogerstanimoto(u, v, w))


def _nonzero(denominator):
    """SciPy divides Python floats here: a ``ZeroDivisionError`` where the denominator is 0."""
    value = _value_or_none(denominator)
    if value is not None and value == 0:
        raise ZeroDivisionError("float division by zero")


def russellrao(u, v, w=None):
    """The Russell-Rao dissimilarity ``(n - ntt) / n`` (``n`` the length, or ``Σ w``; ``ntt =
    Σ w u v``), as :func:`scipy.spatial.distance.russellrao`.

    >>> from osculate.scipy.spatial.distance import russellrao
    >>> float(russellrao([1.0, 0.0, 1.0], [1.0, 1.0, 0.0]))
    0.6666666666666666
    """
    u, v, w = _pair(u, v, w)
    _nonzero(float(u.shape[0]) if w is None else _onp.sum(w))
    return _scalar(_russellrao(u, v, w))


def sokalsneath(u, v, w=None):
    """The Sokal-Sneath dissimilarity ``2 (ntf + nft) / (ntt + 2 (ntf + nft))`` with SciPy's
    arithmetic counts, as :func:`scipy.spatial.distance.sokalsneath` (a ``ValueError``, as
    SciPy's, where the denominator is 0).

    >>> from osculate.scipy.spatial.distance import sokalsneath
    >>> float(sokalsneath([1.0, 0.0, 1.0], [1.0, 1.0, 0.0]))
    0.8
    """
    u, v, w = _pair(u, v, w)
    nft, ntf = _tf(u, v, w)
    denominator = _value_or_none(_ntt(u, v, w) + 2.0 * (ntf + nft))
    if denominator is not None and not _np.any(denominator):
        raise ValueError("Sokal-Sneath dissimilarity is not defined for vectors that are entirely false.")
    return _scalar(_sokalsneath(u, v, w))


def yule(u, v, w=None):
    """The Yule dissimilarity ``2 R / (ntt nff + R)``, ``R = ntf nft`` (0 where ``R = 0``), with
    SciPy's arithmetic counts, as :func:`scipy.spatial.distance.yule`.

    >>> from osculate.scipy.spatial.distance import yule
    >>> float(yule([1.0, 0.0, 1.0, 0.0], [1.0, 1.0, 0.0, 0.0]))
    1.0
    """
    return _scalar(_yule(*_pair(u, v, w)))


# --------------------------------------------------------------------------- directed Hausdorff distance


def directed_hausdorff(u, v, rng=0, *, seed=None):
    """``(d, i, j)``: the directed Hausdorff distance ``d = max_i min_j |u_i - v_j|`` from the
    rows of ``u`` to those of ``v`` and the rows ``i``, ``j`` that attain it, as
    :func:`scipy.spatial.distance.directed_hausdorff` (``rng``, or the older ``seed``: SciPy's,
    which only orders its search).  The indices are constants; ``d`` is the distance between the rows
    ``u[i]`` and ``v[j]``, so its derivative is that of ``|u_i - v_j|`` (the selected pair
    changes where ``d`` is not differentiable; ``inf`` where ``d = 0``).  On concrete values
    (eager transformations) ``d``, ``i`` and ``j`` are SciPy's own.  Without them (under ``jit``
    or ``vmap``) ``d`` is ``sqrt(max_i min_j |u_i - v_j|²)`` (the same number; at a tie the
    derivative is split evenly) and ``i``, ``j`` (the first such pair, which in a tie may not be
    the one SciPy's randomized search returns) are traced floats, since an index cannot be staged.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.spatial.distance import directed_hausdorff
    >>> u = np.array([[0.0, 0.0], [1.0, 2.0]]); v = np.array([[1.0, 1.0], [3.0, 3.0]])
    >>> directed_hausdorff(u, v)
    (1.4142135623730951, 0, 0)
    >>> osc.grad(lambda a: directed_hausdorff(a, v)[0])(u)
    array([[-0.70710678, -0.70710678],
           [ 0.        ,  0.        ]])
    """
    import scipy.spatial.distance as _sd

    u, v = _check_2d(u, "directed_hausdorff"), _check_2d(v, "directed_hausdorff")
    if u.shape[1] != v.shape[1]:
        raise ValueError("u and v need to have the same number of columns")
    uc, vc = _value_or_none(u), _value_or_none(v)
    if uc is not None and vc is not None:
        d0, i, j = (_sd.directed_hausdorff(uc, vc, rng) if seed is None
                    else _sd.directed_hausdorff(uc, vc, seed=seed))
        if not isinstance(u, _Tracer) and not isinstance(v, _Tracer):
            return d0, i, j
        diff = u[i] - v[j]
        d = _onp.sqrt(_onp.sum(diff * diff))
        return d0 + (d - _onp.stop_gradient(d)), i, j
    # no values (jit, vmap): max_i min_j of the squared distances, whose derivative is the
    # selected pair's (ties split evenly), and the first such pair's rows as traced numbers
    sq = _sqeuclidean(u[:, None, :], v[None, :, :])
    nearest = _onp.min(sq, axis=1)
    d2 = _onp.max(nearest)
    rows, cols = _np.arange(sq.shape[0], dtype=float), _np.arange(sq.shape[1], dtype=float)
    i = _onp.min(_onp.where(nearest == d2, rows, float(sq.shape[0])))
    pair = _onp.logical_and((rows == i)[:, None], sq == nearest[:, None])
    j = _onp.min(_onp.where(pair, cols[None, :], float(sq.shape[1])))
    return _onp.sqrt(d2), i, j


# --------------------------------------------------------------------------- checks of distance matrices


def num_obs_y(Y):
    """The number of observations ``n`` of a condensed distance matrix (its length is
    ``n (n - 1) / 2``), as :func:`scipy.spatial.distance.num_obs_y`: read from the
    shape, so a traced ``Y`` works (under ``jit`` too).

    >>> import numpy as np
    >>> from osculate.scipy.spatial.distance import num_obs_y
    >>> num_obs_y(np.zeros(6))
    4
    """
    return _scipy_distance.num_obs_y(_np.zeros(_shape_of(_as_array(Y))))


def num_obs_dm(d):
    """The number of observations of a square distance matrix, as
    :func:`scipy.spatial.distance.num_obs_dm` (from the shape).

    >>> import numpy as np
    >>> from osculate.scipy.spatial.distance import num_obs_dm
    >>> num_obs_dm(np.zeros((3, 3)))
    3
    """
    return _scipy_distance.num_obs_dm(_np.zeros(_shape_of(_as_array(d))))


def _checked_value(x, name):
    v = _value_or_none(x)
    if v is None:
        raise ValueError(f"osculate.scipy.spatial.distance.{name} checks the values of its argument, which do not "
                         "exist inside jit or vmap: check a plain array outside the transformed function")
    return v


def is_valid_y(y, warning=False, throw=False, name=None):
    """Whether ``y`` is a valid condensed distance matrix (a 1-d array whose length
    is ``n (n - 1) / 2``), as :func:`scipy.spatial.distance.is_valid_y`; a traced
    ``y`` is checked on its value (a boolean: no derivative).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy.spatial.distance import is_valid_y, pdist
    >>> is_valid_y(np.array([1.0, 2.0, 3.0]))
    True
    >>> float(osc.grad(lambda x: pdist(x).sum() if is_valid_y(pdist(x)) else 0.0)(np.eye(2))[0, 0])
    0.7071067811865475
    """
    return _scipy_distance.is_valid_y(_checked_value(y, "is_valid_y"), warning=warning, throw=throw, name=name)


def is_valid_dm(D, tol=0.0, throw=False, name="D", warning=False):
    """Whether ``D`` is a valid distance matrix (square, symmetric to ``tol``, zero
    diagonal), as :func:`scipy.spatial.distance.is_valid_dm`; a traced ``D`` is
    checked on its value (a boolean: no derivative).

    >>> import numpy as np
    >>> from osculate.scipy.spatial.distance import is_valid_dm
    >>> is_valid_dm(np.array([[0.0, 1.0], [1.0, 0.0]]))
    True
    """
    return _scipy_distance.is_valid_dm(_checked_value(D, "is_valid_dm"), tol=tol, throw=throw, name=name,
                                       warning=warning)
