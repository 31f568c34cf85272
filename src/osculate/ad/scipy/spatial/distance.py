"""``scipy.spatial.distance`` on traced values, with SciPy's signatures.

``pdist`` gathers the pairs of rows ``i < j`` (in SciPy's order), ``cdist``
pairs every row of ``XA`` with every row of ``XB``; the metric is then
elementwise arithmetic and a sum along the last axis.  So each distance
depends on its two rows only, and sparsity detection sees exactly that.

Metrics: ``'euclidean'``, ``'sqeuclidean'``, ``'cityblock'``,
``'minkowski'`` (``p=``, default 2), ``'chebyshev'``, ``'cosine'``,
``'correlation'``, ``'seuclidean'`` (``V=``) and a Python callable
``metric(u, v)``; ``w=`` weights the first five as SciPy does.

Where a metric is not differentiable, neither is its osculate version: the
euclidean (and minkowski, seuclidean) distance of two coincident points is
``sqrt(0)``, whose derivative NumPy and osculate give as ``inf`` (so the
gradient there is ``inf`` or ``nan``; use ``'sqeuclidean'`` when points may
coincide), ``cityblock`` has a kink where two coordinates agree, and
``chebyshev`` where two coordinates tie for the largest difference.

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

import numpy as _np

from ...core import ConcretizationError as _ConcretizationError
from ...core import Tracer as _Tracer
from ...core import concrete as _concrete
from ... import numpy as _onp

__all__ = ["pdist", "cdist", "squareform"]

_METRICS = ("euclidean", "sqeuclidean", "cityblock", "minkowski", "chebyshev", "cosine", "correlation", "seuclidean")
_ALIASES = {"euclid": "euclidean", "eu": "euclidean", "e": "euclidean", "sqe": "sqeuclidean", "sqeuclid": "sqeuclidean",
            "cblock": "cityblock", "cb": "cityblock", "c": "cityblock", "manhattan": "cityblock",
            "mi": "minkowski", "minkowsi": "minkowski", "pnorm": "minkowski", "chebychev": "chebyshev",
            "cheby": "chebyshev", "cheb": "chebyshev", "ch": "chebyshev", "cos": "cosine", "co": "correlation",
            "se": "seuclidean"}


def _as_array(x):
    return x if isinstance(x, _Tracer) else _np.asarray(x, dtype=float)


def _value_or_none(x):
    try:
        return _np.asarray(_concrete(x))
    except _ConcretizationError:
        return None


def _metric_name(metric):
    name = _ALIASES.get(metric.lower(), metric.lower())
    if name not in _METRICS:
        raise ValueError(f"osculate.scipy.spatial.distance: metric {metric!r} is not supported; "
                         f"supported: {', '.join(_METRICS)} or a callable metric(u, v)")
    return name


def _pairs(u, v, metric, kwargs, variance):
    """The metric between rows ``u`` and ``v`` (broadcast arrays (..., n))."""
    w = kwargs.pop("w", None)
    p = kwargs.pop("p", 2.0)
    V = kwargs.pop("V", None)
    if kwargs:
        raise TypeError(f"unexpected keyword arguments for metric {metric!r}: {sorted(kwargs)}")
    if w is not None:
        w = _as_array(w)
    if metric in ("cosine", "correlation"):
        if metric == "correlation":
            if w is None:
                u = u - _onp.mean(u, axis=-1, keepdims=True)
                v = v - _onp.mean(v, axis=-1, keepdims=True)
            else:
                u = u - _onp.sum(w * u, axis=-1, keepdims=True) / _onp.sum(w)
                v = v - _onp.sum(w * v, axis=-1, keepdims=True) / _onp.sum(w)
        ww = 1.0 if w is None else w
        uv = _onp.sum(ww * u * v, axis=-1)
        return 1.0 - uv / _onp.sqrt(_onp.sum(ww * u * u, axis=-1) * _onp.sum(ww * v * v, axis=-1))
    d = u - v
    if metric == "seuclidean":
        if w is not None:
            raise TypeError("seuclidean takes V=, not w=")
        V = variance() if V is None else _as_array(V)
        return _onp.sqrt(_onp.sum(d * d / V, axis=-1))
    if metric == "minkowski":
        p = float(p)
        if p <= 0:
            raise ValueError(f"p must be greater than 0, got {p}")
        if p == _np.inf:
            metric = "chebyshev"
        elif p == 1.0:
            metric = "cityblock"
        elif p == 2.0:
            metric = "euclidean"
        else:
            t = _onp.power(_onp.abs(d), p)
            return _onp.power(_onp.sum(t if w is None else w * t, axis=-1), 1.0 / p)
    if metric in ("euclidean", "sqeuclidean"):
        s = _onp.sum(d * d if w is None else w * d * d, axis=-1)
        return _onp.sqrt(s) if metric == "euclidean" else s
    if metric == "cityblock":
        return _onp.sum(_onp.abs(d) if w is None else w * _onp.abs(d), axis=-1)
    # chebyshev: the largest difference (over the coordinates of positive weight)
    a = _onp.abs(d)
    if w is not None:
        wv = _value_or_none(w)
        if wv is None:
            raise ValueError("chebyshev with w= needs concrete weights")
        a = a[..., _np.asarray(wv) > 0]
    return _onp.max(a, axis=-1)


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
    return _pairs(u, v, _metric_name(metric), dict(kwargs), lambda: _onp.var(X, axis=0, ddof=1))


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
    return _pairs(u, v, _metric_name(metric), dict(kwargs),
                  lambda: _onp.var(_onp.concatenate([XA, XB], axis=0), axis=0, ddof=1))


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
