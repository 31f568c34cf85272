"""The algebra of SciPy's penalized cubic smoothing spline
(:func:`scipy.interpolate.make_smoothing_spline`), on traced values; the
spline itself is assembled by :mod:`osculate.ad.scipy.interpolate`.

The minimizer of ``sum w_i (y_i - f(x_i))**2 + lam * integral f''**2`` is the
natural cubic spline with knots at the data.  SciPy writes it in a basis of
``n`` natural splines (combinations of the ``n + 2`` cubic B-splines on the
knots ``x`` with triple end knots, :func:`natural_basis`), in which the
design matrix ``X`` and the penalty ``K = W⁻¹E`` (E from divided differences
of the data abscissae, :func:`penalty`) are 5-banded, and solves
``(X + lam K) c = y``.  Here the same matrices are formed dense with
osculate's operations, so the fit is linear in ``y`` and smooth in ``x``,
``w`` and ``lam``.

Without ``lam``, SciPy takes the minimizer of the generalized
cross-validation score ``V(lam) = (|y - X c|² / n) / (1 - tr / n)²`` over
``(0, n)`` (a bounded Brent search, tolerance 1e-5), where ``tr`` is its
reading of the trace of the influence matrix: the sum of the five central
bands of ``(XᵀWX + lam XᵀE)⁻¹`` times those of ``XᵀWX`` (the seven-banded
product's outermost bands are left out; that is SciPy's score, followed here).  That choice
depends on ``y``: :func:`gcv_lambda` keeps SciPy's value, and gives it the
derivatives of the exact minimizer, ``V'(lam, y) = 0`` differentiated as an
implicit function (Newton steps on the traced data from the minimizer
polished in plain arithmetic; see :func:`gcv_derivatives`).

>>> import numpy as np
>>> x = np.array([0.0, 1.0, 2.5, 3.0, 4.0])
>>> K = penalty(x, np.ones(5))
>>> bool(np.allclose(x @ K, 0.0)), bool(np.allclose(np.ones(5) @ K, 0.0))  # divided differences of lines
(True, True)
"""

from __future__ import annotations

import numpy as _np

from ..numpy import stop_gradient as _stop_gradient

__all__ = ["natural_basis", "penalty", "fit", "gcv_derivatives", "gcv_lambda", "recover_lambda"]


def natural_basis(x):
    """The ``(n + 2, n)`` matrix taking the coefficients of SciPy's natural-spline
    basis to those of the cubic B-splines on the knots ``x`` (triple end knots
    added): the identity inside, and at each end the two combinations that make
    the second derivative vanish there."""
    n = _np.shape(x)[0]
    T = _np.zeros((n + 2, n))
    T[0, 1] = T[1, 1] = 1.0
    T[2:n, 1:n - 1] = _np.eye(n - 2)
    T[n, n - 2] = T[n + 1, n - 2] = 1.0
    entries = ((0, 0, x[2] + x[1] - 2.0 * x[0]), (1, 0, x[2] - x[0]),
               (n, n - 1, x[-1] - x[-3]), (n + 1, n - 1, 2.0 * x[-1] - x[-2] - x[-3]))
    for i, j, v in entries:
        mask = _np.zeros((n + 2, n))
        mask[i, j] = 1.0
        T = T + mask * v
    return T


def _divided_difference(g):
    """``(rows, q)``: the weights of the divided difference on each row of nodes ``g``."""
    q = _np.shape(g)[1]
    cols = []
    for i in range(q):
        p = 1.0
        for k in range(q):
            if k != i:
                p = p * (g[:, i] - g[:, k])
        cols.append(1.0 / p)
    return _np.stack(cols, axis=1)


def penalty(x, w):
    """The dense ``(n, n)`` matrix ``W⁻¹E`` of SciPy's penalty in the natural
    basis: column ``j`` holds six times the divided-difference weights of the
    five abscissae around ``x[j]`` (scaled by their spread; fewer at the ends),
    each row divided by its weight."""
    n = _np.shape(x)[0]
    idx = _np.arange(n - 4)[:, None] + _np.arange(5)[None, :]
    g = _np.take(x, idx.reshape(-1)).reshape(n - 4, 5)
    middle = _np.expand_dims(g[:, 4] - g[:, 0], 1) * _divided_difference(g)  # columns 2 .. n - 3
    z = lambda k: _np.zeros((1, k)) + 0.0 * x[:1, None]  # noqa: E731
    first = _np.concatenate([z(2), _divided_difference(_np.reshape(x[:3], (1, 3)))], axis=1)
    second = _np.concatenate([z(1), _divided_difference(_np.reshape(x[:4], (1, 4)))], axis=1)
    last2 = _np.concatenate([-_divided_difference(_np.reshape(x[-4:], (1, 4))), z(1)], axis=1)
    last = _np.concatenate([_divided_difference(_np.reshape(x[-3:], (1, 3))), z(2)], axis=1)
    V = 6.0 * _np.concatenate([first, second, middle, last2, last], axis=0)  # (n, 5): column j's band
    K = 0.0
    for r in range(5):  # band entry r of column j sits in row j - 2 + r
        S = _np.eye(n, k=2 - r)
        K = K + S * _np.expand_dims(V[:, r], 0)
    return K / _np.expand_dims(w, 1)


def fit(X, K, y, lam):
    """The natural-basis coefficients ``(X + lam K)⁻¹ y``."""
    return _np.linalg.solve(X + lam * K, y)


def gcv_derivatives(X, K, w, y, lam):
    """The GCV score's first and second derivatives in ``lam`` at one column ``y``."""
    n = _np.shape(X)[0]
    A = X + lam * K
    c = _np.linalg.solve(A, y)
    c1 = -_np.linalg.solve(A, K @ c)
    c2 = -2.0 * _np.linalg.solve(A, K @ c1)
    r, r1, r2 = y - X @ c, -(X @ c1), -(X @ c2)
    N, N1, N2 = _np.sum(r * r) / n, 2.0 * _np.sum(r * r1) / n, 2.0 * _np.sum(r1 * r1 + r * r2) / n
    # SciPy's trace: of (XᵀWX + lam XᵀE)⁻¹ XᵀWX, from the five central bands of the inverse only
    XtW = _np.transpose(X) * _np.expand_dims(w, 0)
    G, E = XtW @ X, XtW @ K
    L = G + lam * E
    I0 = _np.linalg.inv(L)
    I1 = -(I0 @ E @ I0)
    I2 = -2.0 * (I1 @ E @ I0)
    band = _np.where(_np.abs(_np.arange(n)[:, None] - _np.arange(n)[None, :]) <= 2, 1.0, 0.0) * _np.transpose(G)
    u = 1.0 - _np.sum(band * I0) / n
    u1, u2 = -_np.sum(band * I1) / n, -_np.sum(band * I2) / n  # of u = 1 - tr / n
    D, D1, D2 = u * u, 2.0 * u * u1, 2.0 * (u1 * u1 + u * u2)
    V1 = N1 / D - N * D1 / D ** 2
    V2 = N2 / D - 2.0 * N1 * D1 / D ** 2 - N * D2 / D ** 2 + 2.0 * N * D1 ** 2 / D ** 3
    return V1, V2


#: Newton steps on the traced data: the implicit function's derivatives are exact to order 2**steps - 1.
_STEPS = 3


def _polish(X, K, w, y, lam0):
    """The root of ``V'`` near SciPy's ``lam0`` in plain arithmetic, or None (a
    minimum at an end of SciPy's interval, or no convex minimum nearby)."""
    n = _np.shape(X)[0]
    lam = float(lam0)
    for _ in range(50):
        V1, V2 = (float(v) for v in gcv_derivatives(X, K, w, y, lam))
        if not V2 > 0.0:
            return None
        step = V1 / V2
        lam -= step
        if not 0.0 < lam < n:
            return None
        if abs(step) <= 1e-14 * lam:
            break
    if abs(lam - lam0) > 1e-3 * max(lam0, 1e-3):
        return None
    return lam


def gcv_lambda(X, K, w, y, lam0, Xv, Kv, wv, yv):
    """SciPy's GCV choice ``lam0`` for one column, as a traced value: its value
    is ``lam0``; its derivatives are those of the exact minimizer of ``V``
    (``V'(lam, y) = 0``), from Newton steps on the traced ``X``, ``K``, ``y``
    started at that minimizer (found from the plain ``Xv``, ``Kv``, ``yv``).
    When SciPy's value is at an end of its search interval (no interior
    minimum), ``lam`` is held constant."""
    star = _polish(Xv, Kv, wv, yv, lam0)
    if star is None:
        return lam0
    lam = star
    for _ in range(_STEPS):
        V1, V2 = gcv_derivatives(X, K, w, y, lam)
        lam = lam - V1 / V2
    return lam0 + (lam - _stop_gradient(lam))


def recover_lambda(X, K, y, c):
    """The ``lam`` behind SciPy's natural-basis coefficients ``c`` of one column
    (plain): ``y - X c = lam K c``, solved in the least-squares sense."""
    v = K @ c
    return float(v @ (y - X @ c)) / float(v @ v)
