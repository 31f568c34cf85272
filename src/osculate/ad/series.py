"""Truncated power series: zero-aware coefficient arithmetic and the
recurrences of Taylor mode.

A *full series* is a list ``[a₀, a₁, …, a_K]`` of normalised coefficients
(``a_j = a⁽ʲ⁾(0)/j!``); entries may be the symbolic :data:`~osculate.ad.core.zero`,
which costs nothing.  Normalised coefficients carry no factorials: the
recurrences only ever divide by ``k``, so order 30 neither overflows nor
loses accuracy on tame functions.  Every ``series_*`` function returns the
full output series of length ``K + 1`` in ``O(K²)`` coefficient operations;
the coefficients are arrays or tracers of enclosing transformations, and
all arithmetic goes through their operators, so the recurrences are
differentiable too.

The recurrences:

* products are Cauchy products (:func:`series_mul`, :func:`series_square`);
* division, reciprocal, square root and constant powers solve ``q·y = x``,
  ``y² = x`` and ``x y' = p y x'`` for the next coefficient;
* functions given by an ODE ``y' = b · a'`` (``exp``, ``tan``, ``tanh``,
  ``expit``, ``sin``/``cos``...) use :func:`series_ode` and its relatives;
* :func:`series_derivative` and :func:`series_integrate` move between a
  series and the series of its derivative.
"""

from __future__ import annotations

import numpy as np

from .core import Tracer, zero

__all__ = [
    "coeff_add", "coeff_sub", "coeff_neg", "coeff_mul", "coeff_scale", "coeff_sum", "coeff_fit", "sumprod",
    "full", "is_constant", "square_coefficient", "series_add", "series_sub", "series_scale", "series_mul",
    "series_square", "series_reciprocal", "series_div", "series_exp", "series_ode", "series_ode_known",
    "series_log", "series_pow", "series_int_pow", "series_sqrt", "series_sincos", "series_derivative",
    "series_integrate",
]


# ===========================================================================
# Zero-aware coefficient arithmetic
# ===========================================================================


def coeff_add(a, b):
    if a is zero:
        return b
    if b is zero:
        return a
    return a + b


def coeff_sub(a, b):
    if b is zero:
        return a
    if a is zero:
        return -b
    return a - b


def coeff_neg(a):
    return zero if a is zero else -a


def coeff_mul(a, b):
    if a is zero or b is zero:
        return zero
    return a * b


def coeff_scale(a, c):
    """``a * c`` for a coefficient ``a`` and a constant (number or array) ``c``."""
    if a is zero:
        return zero
    return a * c


def sumprod(xs, ys):
    """``Σ xᵢ yᵢ``, skipping symbolic zeros; accumulates in place into
    freshly allocated plain arrays (never into a caller's array)."""
    acc = zero
    owned = False
    for a, b in zip(xs, ys):
        if a is zero or b is zero:
            continue
        p = a * b
        if acc is zero:
            acc = p
            owned = type(p) is np.ndarray
        elif owned and type(p) is np.ndarray and p.shape == acc.shape and p.dtype == acc.dtype:
            acc += p
        else:
            acc = acc + p
            owned = type(acc) is np.ndarray
    return acc


def coeff_sum(terms):
    acc = zero
    for t in terms:
        acc = coeff_add(acc, t)
    return acc


def _conv(a, b, k, lo=0, hi=None):
    """Coefficient ``k`` of a Cauchy product restricted to ``lo ≤ j ≤ hi``:
    ``Σ_j a_j b_{k-j}``."""
    if hi is None:
        hi = k
    return sumprod(a[lo:hi + 1], b[k - lo:k - hi - 1 if k - hi - 1 >= 0 else None:-1])


def coeff_fit(c, shape):
    """Broadcast a coefficient to ``shape`` (zero stays zero; a traced
    coefficient reaches the ``broadcast_to`` primitive through NumPy's
    dispatch)."""
    if c is zero:
        return zero
    cshape = c.shape if hasattr(c, "shape") else np.shape(c)
    if tuple(cshape) == tuple(shape):
        return c
    return np.broadcast_to(c, tuple(shape))


def full(primal, series):
    """The full series ``[x₀, x₁, …, x_K]`` as a list."""
    return [primal, *series]


def is_constant(series):
    return all(c is zero for c in series)


# ===========================================================================
# Series arithmetic on full series [a₀, a₁, …] (lists; entries may be zero)
# Every function returns the full output series of length K + 1.
# ===========================================================================


def series_add(a, b, K):
    return [coeff_add(a[k], b[k]) for k in range(K + 1)]


def series_sub(a, b, K):
    return [coeff_sub(a[k], b[k]) for k in range(K + 1)]


def series_scale(a, c, K):
    return [coeff_scale(a[k], c) for k in range(K + 1)]


def series_mul(a, b, K, y0=None):
    """Cauchy product ``c_k = Σ_j a_j b_{k-j}``."""
    out = [coeff_mul(a[0], b[0]) if y0 is None else y0]
    for k in range(1, K + 1):
        out.append(_conv(a, b, k))
    return out


def series_square(a, K, y0=None):
    """``a²`` using the symmetry of the Cauchy product (half the products)."""
    out = [coeff_mul(a[0], a[0]) if y0 is None else y0]
    for k in range(1, K + 1):
        h = (k - 1) // 2
        s = coeff_scale(_conv(a, a, k, 0, h), 2.0)
        if k % 2 == 0:
            s = coeff_add(s, coeff_mul(a[k // 2], a[k // 2]))
        out.append(s)
    return out


def square_coefficient(y, k):
    """Coefficient ``k`` of ``y²`` given ``y₀ … y_k``."""
    h = (k - 1) // 2
    s = coeff_scale(_conv(y, y, k, 0, h), 2.0)
    if k % 2 == 0:
        s = coeff_add(s, coeff_mul(y[k // 2], y[k // 2]))
    return s


def series_reciprocal(a, K, y0):
    """``1/a`` with ``y₀ = 1/a₀``: ``y_k = -y₀ Σ_{j≥1} a_j y_{k-j}``."""
    y = [y0]
    for k in range(1, K + 1):
        y.append(coeff_scale(coeff_neg(_conv(a, y, k, 1, k)), y0))
    return y


def series_div(a, b, K, y0=None, inv_b0=None):
    """``a / b`` with ``y₀ = a₀/b₀``: ``y_k = (a_k - Σ_{j≥1} b_j y_{k-j}) / b₀``."""
    if inv_b0 is None:
        inv_b0 = 1.0 / b[0]
    if y0 is None:
        y0 = coeff_scale(a[0], inv_b0)
    if is_constant(b[1:K + 1]):
        return [y0] + [coeff_scale(a[k], inv_b0) for k in range(1, K + 1)]
    y = [y0]
    for k in range(1, K + 1):
        y.append(coeff_scale(coeff_sub(a[k], _conv(b, y, k, 1, k)), inv_b0))
    return y


def _weighted(a, K, w):
    """``[0, w(1) a₁, …, w(K) a_K]``."""
    return [zero] + [coeff_scale(a[j], float(w(j))) for j in range(1, K + 1)]


def series_exp(a, K, y0):
    """``y = C exp(a)`` (``y' = y a'``) with ``y₀`` given:
    ``y_k = (1/k) Σ_{j=1}^k j a_j y_{k-j}``."""
    ja = _weighted(a, K, lambda j: j)
    y = [y0]
    for k in range(1, K + 1):
        y.append(coeff_scale(sumprod(ja[1:k + 1], y[k - 1::-1]), 1.0 / k))
    return y


def series_ode(a, K, y0, b0, b_next):
    """Solve ``y' = b · a'`` where ``b_k`` depends on ``y₀ … y_k``.

    ``y_k = (1/k) Σ_{j=1}^k j a_j b_{k-j}``; after ``y_k`` is known,
    ``b_next(y, k)`` gives ``b_k``.  With ``b`` a known series, pass
    ``b_next=lambda y, k: b[k]``.
    """
    ja = _weighted(a, K, lambda j: j)
    y = [y0]
    b = [b0]
    for k in range(1, K + 1):
        y.append(coeff_scale(sumprod(ja[1:k + 1], b[k - 1::-1]), 1.0 / k))
        if k < K:
            b.append(b_next(y, k))
    return y


def series_log(a, K, y0, inv_a0=None):
    """``y = log a + C`` (``a y' = a'``):
    ``y_k = (a_k - (1/k) Σ_{j=1}^{k-1} (k-j) a_j y_{k-j}) / a₀``."""
    if inv_a0 is None:
        inv_a0 = 1.0 / a[0]
    y = [y0]
    my = [zero]  # m y_m
    for k in range(1, K + 1):
        s = sumprod(a[1:k], my[k - 1:0:-1])
        yk = coeff_scale(coeff_sub(a[k], coeff_scale(s, 1.0 / k)), inv_a0)
        y.append(yk)
        my.append(coeff_scale(yk, float(k)))
    return y


def series_pow(a, p, K, y0, inv_a0=None):
    """``y = a^p`` for a constant exponent ``p`` (number or array), from
    ``a y' = p y a'``: ``y_k = (1/(k a₀)) Σ_{j=1}^k ((p+1) j - k) a_j y_{k-j}``.
    Needs ``a₀ ≠ 0``; integer exponents at ``a₀ = 0`` go through
    :func:`series_int_pow`."""
    if inv_a0 is None:
        inv_a0 = 1.0 / a[0]
    y = [y0]
    scalar = np.ndim(p) == 0 and not isinstance(p, Tracer)
    p1 = (complex(p) if np.iscomplexobj(p) else float(p)) + 1.0 if scalar else p + 1.0
    for k in range(1, K + 1):
        terms = []
        for j in range(1, k + 1):
            if a[j] is zero or y[k - j] is zero:
                continue
            w = p1 * j - k
            if scalar and w == 0.0:
                continue
            terms.append((a[j] * w) * y[k - j])
        y.append(coeff_scale(coeff_sum(terms), inv_a0 * (1.0 / k)))
    return y


def series_int_pow(a, n, K):
    """``a**n`` for an integer ``n ≥ 1`` by repeated squaring of the series
    (exact at ``a₀ = 0``, where the ``pow`` recurrence would divide by zero)."""
    result = None
    base = a
    while True:
        if n & 1:
            result = base if result is None else series_mul(result, base, K)
        n >>= 1
        if not n:
            return result
        base = series_square(base, K)


def series_sqrt(a, K, y0):
    """``y = √a`` from ``y² = a``: ``y_k = (a_k - Σ_{j=1}^{k-1} y_j y_{k-j}) / (2 y₀)``."""
    inv = 0.5 / y0
    y = [y0]
    for k in range(1, K + 1):
        h = (k - 1) // 2
        s = coeff_scale(_conv(y, y, k, 1, h), 2.0) if h >= 1 else zero
        if k % 2 == 0 and k >= 2:
            s = coeff_add(s, coeff_mul(y[k // 2], y[k // 2]))
        y.append(coeff_scale(coeff_sub(a[k], s), inv))
    return y


def series_sincos(a, K, s0, c0, hyperbolic=False, need=("s", "c")):
    """``s' = c a'``, ``c' = ∓ s a'`` (``sin``/``cos``; ``sinh``/``cosh`` when
    ``hyperbolic``).  Returns ``(s, c)``; the last coefficient of a series not
    in ``need`` is not computed."""
    ja = _weighted(a, K, lambda j: j)
    s = [s0]
    c = [c0]
    sign = 1.0 if hyperbolic else -1.0
    for k in range(1, K + 1):
        inv_k = 1.0 / k
        if k < K or "s" in need:
            s.append(coeff_scale(sumprod(ja[1:k + 1], c[k - 1::-1]), inv_k))
        if k < K or "c" in need:
            c.append(coeff_scale(sumprod(ja[1:k + 1], s[k - 1::-1]), sign * inv_k))
    return s, c


def series_derivative(a, K):
    """Series of ``a'(t)`` to order ``K - 1``: ``[(j+1) a_{j+1}]``."""
    return [coeff_scale(a[j + 1], float(j + 1)) for j in range(K)]


def series_integrate(q, K, y0):
    """``y`` with ``y' = q`` (``q`` known to order ``K - 1``): ``y_k = q_{k-1}/k``."""
    return [y0] + [coeff_scale(q[k - 1], 1.0 / k) for k in range(1, K + 1)]


def series_ode_known(a, g, K, y0):
    """``y' = g · a'`` for a known series ``g`` (to order ``K - 1``)."""
    return series_ode(a, K, y0, g[0], lambda y, k: g[k])
