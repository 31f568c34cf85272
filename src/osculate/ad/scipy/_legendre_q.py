"""SciPy's Legendre functions of the second kind, ``lqn(n, z)`` and ``lqmn(m, n, z)``, on traced
real ``z``, with SciPy's signatures and shapes (the orders on the leading axes), written with
differentiable osculate operations (so every derivative order, vmap and jit follow).

* ``|z| < 1`` (Ferrers' functions): ``Q_0 = artanh z``, ``Q_1 = z Q_0 - 1`` and the upward
  recurrence ``(k+1) Q_(k+1) = (2k+1) z Q_k - k Q_(k-1)`` (stable there).
* ``|z| > 1``: ``Q_k(cosh η) = √π k! / Γ(k + 3/2) e^(-(k+1)η) ₂F₁(1/2, k + 1; k + 3/2; e^(-2η))``
  (SciPy's ``hyp2f1`` is accurate there, to 1e-14, where the series in ``1/z²`` is not) at the two
  highest degrees, then the recurrence downward (``Q_k`` is its decaying solution: upward
  it would lose digits), all scaled by the one factor that makes ``Q_0`` the exact ``arcoth z``
  (Miller's normalisation: it removes the hypergeometric values' error, shared by every degree,
  from the values and from their derivatives alike); ``Q_k(-z) = (-1)^(k+1) Q_k(z)``.
* The orders ``m ≥ 1``, with ``s = |1 - z²|^(1/2)`` and ``σ = -1`` inside, ``+1`` outside (SciPy's
  conventions: ``Q_n^m = σ^m s^m dᵐQ_n/dzᵐ``): ``Q_n^1 = σ s Q_n'``, ``Q_n' = n (z Q_n - Q_(n-1)) /
  (z² - 1)`` (``Q_0' = 1 / (1 - z²)``), and ``Q_n^(m+2) = -2(m+1) (z / s) Q_n^(m+1) + σ (n-m)(n+m+1)
  Q_n^m``.
* The derivatives SciPy returns beside the values are the values' derivative by forward mode
  on the same expression: exact, and differentiable in turn.

At ``z = ±1`` SciPy's value is ``1e300`` (values and derivatives alike), a constant; so it is
here.  For ``|z| ≥ 1e100``, inf and nan the values and derivatives are nan.  Complex ``z`` is
refused on traced values (plain complex ``z`` gets SciPy's result).

The values are the functions' own (mpmath's ``legenq``, to about 1e-14), on plain real ``z``
too, so that a traced call and a plain one agree.  They equal SciPy's except where SciPy's are
wrong: ``lqn(n, z)`` with ``n ≤ 1`` gives ``Q_0(z) = 0`` for ``z > 1`` (``lqn(n ≥ 2, z)`` and
``lqmn`` give the right value); for ``z < -1`` its upward recurrence loses digits as the
degree grows (``Q_12(-3)``: SciPy ``7.7e-9``, the value ``-5.6e-11``); ``lqmn`` just below ``-1``
gives inf and nan (``z = -1.0001``), and just above ``1`` agrees with mpmath to about 1e-9 only.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special as _scipy_special

from .. import numpy as _onp
from ..core import Tracer, UnsupportedFunctionError
from ..forward import jvp
from ..prims.special_extra import hyp2f1 as _hyp2f1
from ._legendre import _order

__all__ = ["lqn", "lqmn"]

_SCIPY_EDGE = 1e300  # SciPy's value (and derivative) at z = ±1
_HUGE = 1e100  # |z| from which the values are not computed (nan; SciPy's there are nan or 0 at random)


def _count(k, name, what):
    """An order or degree: an integer constant, at least 0, or a one-line error naming it."""
    k = _order(k, name, what)
    if k < 0:
        raise ValueError(f"osculate.scipy.special.{name}: {what} must be >= 0, got {k}")
    return k


def _complex(z, name):
    """``z`` is plain and complex (True: SciPy computes); complex traced ``z`` is refused."""
    if np.dtype(z.dtype if isinstance(z, Tracer) else np.asarray(z).dtype).kind != "c":
        return False
    if isinstance(z, Tracer):
        raise UnsupportedFunctionError(f"scipy.special.{name}: complex z is not supported on traced values "
                                       "(real z only)")
    return True


def _q_hypergeometric(k, eta, r):
    """``Q_k(cosh η)`` (``η > 0``, ``r = e^(-2η)``) by its hypergeometric series in ``r``."""
    scale = math.exp(0.5 * math.log(math.pi) + math.lgamma(k + 1.0) - math.lgamma(k + 1.5))
    return scale * _onp.exp(-(k + 1) * eta) * _hyp2f1(0.5, k + 1.0, k + 1.5, r)


def _degrees(n, z):
    """``[Q_0(z), …, Q_n(z)]`` (``n ≥ 1``) with the masks ``inside`` (``|z| < 1``) and ``outside``."""
    size = _onp.abs(z)
    inside, outside = size < 1.0, (size > 1.0) & (size < _HUGE)
    zi = _onp.where(inside, z, 0.0)
    up = [_onp.arctanh(zi)]
    up.append(zi * up[0] - 1.0)
    for k in range(1, n):
        up.append(((2 * k + 1) * zi * up[k] - k * up[k - 1]) / (k + 1))
    za = _onp.where(outside, size, 2.0)  # Q_k(-z) = (-1)^(k+1) Q_k(z)
    eta = _onp.arccosh(za)
    r = _onp.exp(-2.0 * eta)
    down = [None] * (n + 1)
    down[n], down[n - 1] = _q_hypergeometric(n, eta, r), _q_hypergeometric(n - 1, eta, r)
    for k in range(n - 1, 0, -1):
        down[k - 1] = ((2 * k + 1) * za * down[k] - (k + 1) * down[k + 1]) / k
    # the recurrence carries the start's rounding as a common factor: Q_0 = arcoth z, exact, removes it
    # (from the derivatives too: the factor's dependence on z goes with it)
    factor = _onp.arctanh(1.0 / za) / down[0]
    negative = z < 0.0
    down = [_onp.where(negative, (-1.0) ** (k + 1), 1.0) * (factor * q) for k, q in enumerate(down)]
    edge = _onp.where(size == 1.0, _SCIPY_EDGE, np.nan)
    out = [_onp.where(inside, a, _onp.where(outside, b, edge)) for a, b in zip(up, down)]
    return out, inside, outside, zi, _onp.where(outside, z, 2.0)


def _orders(m, n, z):
    """``[[Q_j^i(z) for j in 0..n] for i in 0..m]`` (``m, n ≥ 1``)."""
    q, inside, outside, zi, zo = _degrees(n, z)
    zz = _onp.where(inside, zi, zo)  # |zz| ≠ 1 (the edge is put back at the end)
    w = zz * zz - 1.0
    s = _onp.sqrt(_onp.abs(w))
    sign = _onp.where(inside, -1.0, 1.0)  # Ferrers' (inside) and the outer functions' conventions
    qc = [_onp.where(inside | outside, v, 0.0) for v in q]
    slope = [-1.0 / w] + [j * (zz * qc[j] - qc[j - 1]) / w for j in range(1, n + 1)]
    rows = [qc, [sign * s * d for d in slope]]
    for i in range(0, m - 1):  # Q^(i+2) from Q^(i+1) and Q^i
        rows.append([-2.0 * (i + 1) * zz / s * rows[i + 1][j] + sign * (j - i) * (j + i + 1) * rows[i][j]
                     for j in range(n + 1)])
    edge = _onp.where(_onp.abs(z) == 1.0, _SCIPY_EDGE, np.nan)
    keep = inside | outside
    return [[_onp.where(keep, v, edge) for v in row] for row in rows]


def _with_slope(f, z):
    """``f(z)`` and its derivative in ``z`` (elementwise ``f``), by forward mode; at ``z = ±1`` SciPy's
    ``1e300`` for the derivative too, and nan where the value is."""
    z = z if isinstance(z, Tracer) else np.asarray(z, dtype=float)
    value, slope = jvp(f, (z,), (_onp.ones_like(z),))
    slope = _onp.where(_onp.abs(z) == 1.0, _SCIPY_EDGE, slope)
    return value, _onp.where(_onp.isnan(value), np.nan, slope)


def lqn(n, z):
    """``scipy.special.lqn(n, z) -> (Qn, Qn')``: the Legendre functions of the second kind ``Q_0 … Q_n``
    at real ``z`` and their derivatives, each of shape ``(n + 1,) + z.shape`` (Ferrers' functions for
    ``|z| < 1``, the outer ones for ``|z| > 1``, SciPy's ``1e300`` at ``z = ±1``), differentiable in
    ``z`` to every order; ``n`` is an integer constant.

    >>> import numpy as np, osculate as osc
    >>> q, dq = lqn(2, 0.5)
    >>> bool(np.isclose(q[1], 0.5 * np.arctanh(0.5) - 1.0)), bool(np.isclose(dq[0], 1.0 / 0.75))
    (True, True)
    >>> bool(np.isclose(osc.grad(lambda t: lqn(2, t)[0][2])(np.float64(0.5)), dq[2]))
    True
    """
    n = _count(n, "lqn", "n")
    if _complex(z, "lqn"):
        return _scipy_special.lqn(n, z)
    n1 = max(n, 1)

    def values(t):
        return _onp.stack(_degrees(n1, t)[0])[: n + 1]

    return _with_slope(values, z)


def lqmn(m, n, z):
    """``scipy.special.lqmn(m, n, z) -> (Qmn, Qmn')``: the associated Legendre functions of the second
    kind ``Q_j^i(z)`` for ``i = 0..m``, ``j = 0..n`` at real ``z`` and their derivatives in ``z``, each of
    shape ``(m + 1, n + 1) + z.shape`` (Ferrers' functions, with the factor ``(-1)^i``, for ``|z| < 1``,
    the outer ones for ``|z| > 1``; SciPy's ``1e300`` at ``z = ±1``), differentiable in ``z`` to every
    order; ``m`` and ``n`` are integer constants.

    >>> import numpy as np
    >>> q, dq = lqmn(1, 1, 0.5)
    >>> bool(np.isclose(q[1, 0], -1.0 / np.sqrt(0.75)))  # -(1 - z²)^(-1/2)
    True
    """
    m, n = _count(m, "lqmn", "m"), _count(n, "lqmn", "n")
    if _complex(z, "lqmn"):
        return _scipy_special.lqmn(m, n, z)
    m1, n1 = max(m, 1), max(n, 1)

    def values(t):
        rows = _orders(m1, n1, t)
        return _onp.stack([_onp.stack(row) for row in rows])[: m + 1, : n + 1]

    return _with_slope(values, z)
