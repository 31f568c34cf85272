"""Taylor coefficients along lines and polynomial curves, for the
higher-order tests.

``curve_series(h, x, series, order)`` returns the normalised coefficients
``y_j = y⁽ʲ⁾(0)/j!``, ``j = 0..order``, of ``y(t) = h(x(t))`` along the curve
``x(t) = x + series[0] t + series[1] t² + …``.  It uses Taylor mode
(:func:`osculate.ad.taylor.taylor`, ``O(order²)`` per operation) and falls
back to nested forward mode on the scalar ``t`` (about ``2^order``
evaluations; all orders come out of one nested pass) when Taylor mode has
no rule for a primitive ``h`` uses.
"""

from __future__ import annotations

import math

import numpy as np

from ..ad import numpy as osc_np
from ..ad.batching import vmap
from ..ad.core import MissingRuleError
from ..ad.taylor import taylor
from ..ad.transforms import jvp

__all__ = ["use_taylor_mode", "curve_series", "line_series", "line_series_many", "line_series_points", "scalar_derivatives"]

#: Set to True to bypass Taylor mode (tests compare both paths).
FORCE_NESTED_FORWARD = False


def use_taylor_mode() -> bool:
    """Whether Taylor mode is used: always, unless a test sets
    :data:`FORCE_NESTED_FORWARD`."""
    return not FORCE_NESTED_FORWARD


def _one_level(g):
    one = np.ones(())

    def wrapped(t):
        return jvp(g, (t,), (one,))

    return wrapped


def scalar_derivatives(h, order: int, t0: float = 0.0) -> list[np.ndarray]:
    """``[h(t0), h'(t0), ..., h^(order)(t0)]`` for a function of one scalar,
    by nested forward mode (outputs may be arrays).

    Each level returns the pair ``(value, derivative)``, so the leaf reached
    by taking the derivative branch ``j`` times is the ``j``-th derivative.
    """
    F = h
    for _ in range(order):
        F = _one_level(F)
    tree = F(np.asarray(float(t0)))
    out = []
    for j in range(order + 1):
        node = tree
        for level in range(order):  # outermost tuple = outermost jvp
            node = node[1 if level < j else 0]
        out.append(np.asarray(node, dtype=np.float64))
    return out


def curve_series(h, x: np.ndarray, series: list[np.ndarray], order: int, *, nested: bool = False) -> list[np.ndarray]:
    """Normalised Taylor coefficients ``[y_0, ..., y_order]`` of ``h(x(t))``
    (``nested=True`` skips Taylor mode, e.g. for an ``h`` that runs a reverse
    pass)."""
    if use_taylor_mode() and not nested:
        try:
            s = taylor(h, x, list(series), order=order)
        except MissingRuleError:
            pass
        else:
            return [np.asarray(c, dtype=np.float64) for c in s]

    def curve(t):
        c = x
        for j, b in enumerate(series, start=1):
            c = c + t**j * b
        return c

    ders = scalar_derivatives(lambda t: h(curve(t)), order)
    return [d / math.factorial(j) for j, d in enumerate(ders)]


def line_series(f, x: np.ndarray, v: np.ndarray, order: int) -> np.ndarray:
    """Normalised coefficients of the scalar ``t -> f(x + t v)``, shape ``(order + 1,)``."""
    return np.array([float(np.asarray(c).reshape(())) for c in curve_series(f, x, [v], order)])


def line_series_many(f, x: np.ndarray, V: np.ndarray, order: int) -> np.ndarray:
    """Normalised coefficients of ``t -> f(x + t v)`` for every row ``v`` of
    ``V``, shape ``(len(V), order + 1)``.

    One Taylor-mode pass batched over the directions (``vmap``) when ``f``
    allows it and the batched result agrees with the first direction done
    alone; otherwise one :func:`line_series` per direction.
    """
    V = np.asarray(V, dtype=np.float64)
    if V.ndim != 2 or V.shape[0] == 0:
        return np.zeros((0, order + 1))
    if use_taylor_mode() and V.shape[0] > 1:

        def one(v):
            return osc_np.stack([osc_np.reshape(c, ()) for c in taylor(f, x, [v], order=order)])

        try:
            with np.errstate(all="ignore"):
                out = np.asarray(vmap(one)(V), dtype=np.float64)
        except Exception:  # noqa: BLE001 - any failure to batch means: one direction at a time
            out = None
        if out is not None and out.shape == (V.shape[0], order + 1):
            ref = line_series(f, x, V[0], order)
            if np.allclose(out[0], ref, rtol=1e-12, atol=0.0, equal_nan=True):
                return out
    return np.stack([line_series(f, x, v, order) for v in V])


def line_series_points(f, X: np.ndarray, V: np.ndarray, order: int) -> np.ndarray | None:
    """Coefficients of ``t -> f(X[i] + t V[i])`` for every row ``i``, shape
    ``(len(X), order + 1)``, in one Taylor-mode pass batched over the points;
    ``None`` when ``f`` cannot be batched this way (or the batched result
    disagrees with the first row done alone)."""
    X = np.asarray(X, dtype=np.float64)
    V = np.asarray(V, dtype=np.float64)
    if not use_taylor_mode() or X.ndim != 2 or X.shape[0] == 0:
        return None

    def one(x, v):
        return osc_np.stack([osc_np.reshape(c, ()) for c in taylor(f, x, [v], order=order)])

    try:
        with np.errstate(all="ignore"):
            out = np.asarray(vmap(one)(X, V), dtype=np.float64)
    except Exception:  # noqa: BLE001 - any failure to batch: the caller goes point by point
        return None
    if out.shape != (X.shape[0], order + 1):
        return None
    ref = line_series(f, X[0], V[0], order)
    if not np.allclose(out[0], ref, rtol=1e-12, atol=0.0, equal_nan=True):
        return None
    return out
