"""The incomplete gamma and beta functions of SciPy as primitives,
differentiable in every argument to every order.

``gammainc(a, x) = P(a, x)``, ``gammaincc(a, x) = Q(a, x) = 1 - P`` and
``betainc(a, b, x) = I_x(a, b)`` take their values from SciPy.  Their
derivatives form two families of primitives closed under differentiation:

``gammainc_da(a, x; k) = ∂ᵏP/∂aᵏ`` (k ≥ 1)
    ∂/∂a is ``gammainc_da`` with ``k + 1``; ∂/∂x is ``∂ᵏ/∂aᵏ`` of the density
    ``x^(a-1) e^(-x) / Γ(a)``, written with primitives (the density times a
    complete Bell polynomial in ``log x - ψ(a)`` and ``-ψ⁽ʲ⁾(a)``).
    ``∂ᵏQ/∂aᵏ = -gammainc_da``.
``betainc_d(a, b, x; j, l) = ∂ʲ∂ˡI/∂aʲ∂bˡ`` (j + l ≥ 1)
    likewise, with the density ``x^(a-1) (1-x)^(b-1) / B(a, b)``.

So any derivative is a sum of products of these primitives and of primitives
already differentiable to every order (``log``, ``gammaln``, ``polygamma``...):
second order in all four nestings, Taylor mode to any order (the generic rule
from the jvp), vmap (elementwise, broadcasting like SciPy's ufuncs).

The numbers ``∂ᵏP/∂aᵏ`` and ``∂ʲ∂ˡI`` come from the classical expansions
evaluated in truncated Taylor arithmetic in ``a`` (and ``b``): each step of
the algorithm carries the Taylor coefficients of its quantities, so the
derivatives come out of one pass with the accuracy of the value itself.

* ``P`` for ``x ≤ a + 1``: ``P = x^a e^(-x) / Γ(a+1) · Σₙ xⁿ / ((a+1)…(a+n))``
  (positive terms, no cancellation).
* ``Q`` for ``x > a + 1``: ``x^a e^(-x) / Γ(a)`` times Legendre's continued
  fraction ``1 / (x + 1 - a - 1(1-a) / (x + 3 - a - 2(2-a) / …))``; then
  ``∂ᵏP = -∂ᵏQ``, so the derivatives where ``P ≈ 1`` are relative to ``Q``'s.
* ``I`` for ``x < (a + 1) / (a + b + 2)``: ``x^a (1-x)^b / (a B(a, b))`` times
  the continued fraction with ``d₂ₘ₊₁ = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1))``,
  ``d₂ₘ = m (b-m) x / ((a+2m-1)(a+2m))``; otherwise ``I = 1 - I_{1-x}(b, a)``
  (``1 - x`` is exact for ``x ≥ 1/2``), so near both ends ``x → 0`` and
  ``x → 1`` the derivatives are those of the small side, relative to it.

The continued fractions run as three-term recurrences for numerator and
denominator, rescaled at every step; an element stops once its value has
settled and, some steps later, every coefficient of its jet too (the
derivatives converge more slowly, and at integer ``a`` the fraction of the
value may terminate while theirs does not).  A point's table of derivatives
is kept for the next request (a transform asks for ∂ᵏ, then ∂ᵏ⁺¹, at the same
point), in a small cache keyed by the arguments' bytes.

Measured against mpmath (tests/test_incomplete.py): on the grid a ∈ [0.1, 50]
× x ∈ [1e-3, 100] the first and second derivatives in ``a`` agree to 4e-14
relative; ``gammainc``/``gammaincc`` in both arguments at the test points
(down to Q ≈ 1e-30) to 3e-14; ``betainc`` in ``a``, ``b``, ``x`` (mixed
included, x = 1e-9 and 1 - 1e-9, a, b up to 200) to 8e-12; Taylor mode to
order 5 to 1e-14.  The cost grows
like √a for ``x`` near ``a`` (a = 1e4: ~50 ms, still 1e-11), likewise for
large ``a`` and ``b``; the domain is SciPy's: ``a, b > 0``, ``x ≥ 0`` (``x ≤ 1``
for ``betainc``), nan elsewhere (and where ``a`` and ``b`` are both so small
that the derivatives overflow); values that underflow (``P(3, 1e-200)``) have
derivatives 0.  Small parameters keep their digits (1e-13 at ``a = 1e-8``):
``1/Γ(a)`` is written ``a/Γ(a+1)`` and ``1/(a B(a, b))`` as
``b Γ(a+b)/(Γ(a+1) Γ(b+1))``, in the numerics and in the densities alike, so
no ``ψ(a) ~ -1/a`` terms cancel.  At ``x = 0`` (and ``x = 1`` for ``betainc``)
the derivative in ``x`` is the limit (0 when ``a > 1``); higher derivatives in
``x`` at exactly that point are not (the limit branch is constant).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from ..core import PRIMITIVES
from .arithmetic import stop_gradient, where
from .jets import elementwise as _elementwise, jexp as _jexp, jmul as _jmul, jrecip as _jrecip, memo as _memo
from .nondiff import NONDIFF, equal, greater
from .unary import UNARY

__all__ = ["INCOMPLETE", "DISTRIBUTIONS", "INVERSES", "betainc", "gammainc_da", "betainc_d"]

#: ``gammainc``, ``gammaincc`` and ``betainc`` (joined to ``special.SPECIAL2``).
INCOMPLETE: dict = {}


def _u(name):
    return UNARY[name].bind


# =========================================================================== numerics (plain NumPy)
# A jet is an array c of shape (n1, n2) + S: c[i, l] = ∂ᵢ_a ∂ˡ_b f / (i! l!) at the point, truncated
# at i < n1, l < n2 (a rectangle: products stay in it).  For the gamma functions n2 = 1.


def _jmul_a(r, f):
    """Product of the jet ``f`` with a series ``r`` in ``a`` alone (shape (n1,) + S)."""
    h = np.zeros(np.broadcast_shapes(f.shape, r.shape[:1] + (1,) + r.shape[1:]))
    for i in range(f.shape[0]):
        for p in range(i + 1):
            h[i] += r[p] * f[i - p]
    return h


def _conv(r, s):
    """Product of two series in ``a`` alone."""
    return np.stack([sum(r[p] * s[i - p] for p in range(i + 1)) for i in range(r.shape[0])])


def _shift(f, axis):
    """The jet ``f`` times ``ε_a`` (axis 0) or ``ε_b`` (axis 1)."""
    h = np.zeros_like(f)
    if axis == 0:
        h[1:] = f[:-1]
    elif f.shape[1] > 1:
        h[:, 1:] = f[:, :-1]
    return h


def _recip_lin(c, n):
    """The series of ``1 / (c + ε)``: ``(-1)ᵖ / cᵖ⁺¹``."""
    inv = 1.0 / c
    out = np.empty((n,) + np.shape(c))
    out[0] = inv
    for p in range(1, n):
        out[p] = -out[p - 1] * inv
    return out


def _psi(n, z):
    return special.digamma(z) if n == 0 else special.polygamma(n, z)


def _continued_fraction(step, first, shape):
    """The jet of ``B / A`` for the recurrences ``(A, B)ₘ = step(m, (A, B)ₘ₋₁, (A, B)ₘ₋₂)``
    from ``(A, B)₋₁ = (1, 0)`` and ``(A, B)₀ = first``, rescaled at every step.

    An element's value has settled at step ``s`` when two steps in a row moved it
    by at most an ulp.  Its derivatives converge more slowly (a polynomial factor;
    and at integer parameters the fraction of the value may terminate while theirs
    does not), so from step ``2 s + 8`` on the whole jet is compared every four
    steps and read once no coefficient moved by more than 1e-13 of its size (or of
    the largest coefficient of its degree, for a coefficient near zero), or at
    step ``8 s + 64`` at the latest (rounding noise in a coefficient that cancels)."""
    n1, n2 = shape[:2]
    degree = np.add.outer(np.arange(n1), np.arange(n2))
    A0 = np.zeros(shape)
    A0[0, 0] = 1.0
    B0 = np.zeros(shape)
    A1, B1 = first
    result = np.full(shape, np.nan)
    settled = np.zeros(shape[2:], int)
    quiet = np.zeros(shape[2:], int)
    done = np.zeros(shape[2:], bool)
    old, old_jet = B1[0, 0] / A1[0, 0], None
    for m in range(1, 200000):
        A2, B2 = step(m, A1, B1, A0, B0)
        s = 1.0 / np.abs(A2[0, 0])
        A0, B0, A1, B1 = A1 * s, B1 * s, A2 * s, B2 * s
        r = B1[0, 0] / A1[0, 0]
        quiet = np.where(np.abs(r - old) <= 2.3e-16 * np.abs(r), quiet + 1, 0)
        old = r
        settled = np.where((settled == 0) & (quiet >= 2), m, settled)
        if m % 4 or not (settled > 0).any():
            continue
        jet = _jmul(B1, _jrecip(A1))
        if old_jet is not None:
            size = np.abs(jet)
            floor = np.stack([np.stack([size[degree == degree[i, l]].max(axis=0) for l in range(n2)])
                              for i in range(n1)])
            still = np.abs(jet - old_jet) <= 1e-13 * (size + 1e-3 * floor)
            final = (settled > 0) & ~done & (m >= 2 * settled + 8) & (still.all(axis=(0, 1)) | (m >= 8 * settled + 64))
            if final.any():
                result[:, :, final] = jet[:, :, final]
                done |= final
                if done.all():
                    break
        old_jet = jet
    return result


def _gamma_exponent(a, x, n):
    """The jet in ``a`` of ``a log x - x - log Γ(a + 1)`` (regular at ``a → 0``, where
    ``log Γ(a)`` is not: ``1 / Γ(a)`` is written ``a / Γ(a + 1)``)."""
    lx = np.log(x)
    E = np.zeros((n, 1) + a.shape)
    E[0, 0] = a * lx - x - special.gammaln(a + 1.0)
    if n > 1:
        E[1, 0] = lx - special.digamma(a + 1.0)
    for j in range(2, n):
        E[j, 0] = -_psi(j - 1, a + 1.0) / math.factorial(j)
    return E


def _gamma_lower_jet(a, x, n):
    """The jet in ``a`` of ``P(a, x)`` by its series (for ``x ≤ a + 1``)."""
    T = np.zeros((n, 1) + a.shape)
    T[0, 0] = 1.0
    S = T.copy()
    for m in range(1, 200000):
        T = _jmul_a(_recip_lin(a + m, n) * x, T)
        S += T
        if (np.abs(T) <= 1e-17 * np.abs(S)).all():
            break
    return _jmul(_jexp(_gamma_exponent(a, x, n)), S)


def _gamma_upper_jet(a, x, n):
    """The jet in ``a`` of ``Q(a, x)`` by Legendre's continued fraction (for ``x > a + 1``):
    ``bₘ = x + 2m + 1 - a``, ``aₘ = m (a - m)``, each linear in ``a``."""
    shape = (n, 1) + a.shape

    def step(m, A1, B1, A0, B0):
        bm, am = x + 2.0 * m + 1.0 - a, m * (a - m)
        return (bm * A1 - _shift(A1, 0) + am * A0 + m * _shift(A0, 0),
                bm * B1 - _shift(B1, 0) + am * B0 + m * _shift(B0, 0))

    A = np.zeros(shape)
    A[0, 0] = x + 1.0 - a
    if n > 1:
        A[1, 0] = -1.0
    B = np.zeros(shape)
    B[0, 0] = 1.0
    prefactor = _jexp(_gamma_exponent(a, x, n))  # x^a e^-x / Γ(a + 1), times a below
    prefactor = a * prefactor + _shift(prefactor, 0)
    return _jmul(prefactor, _continued_fraction(step, (A, B), shape))


def _gammainc_da_impl(a, x, k):
    a, x = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(x, dtype=float))
    shape = a.shape
    a, x = a.ravel(), x.ravel()  # (one dimension: boolean masks of 0-d inputs would be scalars)

    def compute(n, _):
        out = np.full((n,) + a.shape, np.nan)
        ok = (a > 0) & np.isfinite(a) & (x >= 0)
        ends = ok & ((x == 0) | np.isposinf(x))
        inside = ok & ~ends
        # where x^a e^-x / Γ(a) is below e^-800 every derivative underflows: 0 (no work, no overflow)
        ai, xi = a[inside], x[inside]
        ends[inside] = ai * np.log(xi) - xi - special.gammaln(ai + 1.0) + np.maximum(np.log(ai), 0.0) < -800.0
        out[:, ends] = 0.0
        lower = ok & ~ends & (x <= a + 1.0)
        upper = ok & ~ends & (x > a + 1.0)
        scale = np.array([math.factorial(i) for i in range(n)])[:, None]
        if lower.any():
            out[:, lower] = scale * _gamma_lower_jet(a[lower], x[lower], n)[:, 0]
        if upper.any():
            out[:, upper] = -scale * _gamma_upper_jet(a[upper], x[upper], n)[:, 0]
        return out

    key = ("gammainc", shape, a.tobytes(), x.tobytes())
    return _memo(key, (k + 1, 1), (3, 1), compute)[k].reshape(shape)[()].copy()


def _beta_jet(a, b, x, n1, n2):
    """The jet in ``(a, b)`` of ``I_x(a, b)`` by its continued fraction (for ``x < (a+1)/(a+b+2)``)."""
    shape = (n1, n2) + a.shape
    lx, l1x = np.log(x), np.log1p(-x)
    # x^a (1-x)^b / (a B(a, b)) = b · exp(a log x + b log(1-x) + log Γ(a+b) - log Γ(a+1) - log Γ(b+1)):
    # the value of the exponent by betaln (no cancellation of large log Γ's), its derivatives by
    # polygammas regular at a → 0 and b → 0
    E = np.zeros(shape)
    E[0, 0] = a * lx + b * l1x - np.log(a) - np.log(b) - special.betaln(a, b)
    if n1 > 1:
        E[1, 0] += lx
    if n2 > 1:
        E[0, 1] += l1x
    for i in range(n1):
        for l in range(n2):
            if i + l:
                d = _psi(i + l - 1, a + b)
                if l == 0:
                    d = d - _psi(i - 1, a + 1.0)
                if i == 0:
                    d = d - _psi(l - 1, b + 1.0)
                E[i, l] += d / (math.factorial(i) * math.factorial(l))
    prefactor = _jexp(E)
    prefactor = b * prefactor + _shift(prefactor, 1)

    def step(m, A1, B1, A0, B0):
        k = m // 2
        d = np.zeros(shape)
        if m == 1:  # -(a+b) x / (a+1)  (the factor a / a cancelled: regular at a → 0)
            d[0, 0] = -x
            d = (a + b) * d + _shift(d, 0) + _shift(d, 1)
            r = _recip_lin(a + 1.0, n1)
        elif m % 2:  # -(a+k)(a+b+k) x / ((a+2k)(a+2k+1))
            d[0, 0] = -x * (a + k)
            if n1 > 1:
                d[1, 0] = -x
            d = (a + b + k) * d + _shift(d, 0) + _shift(d, 1)
            r = _conv(_recip_lin(a + 2 * k, n1), _recip_lin(a + 2 * k + 1, n1))
        else:  # k (b-k) x / ((a+2k-1)(a+2k))
            d[0, 0] = k * x * (b - k)
            if n2 > 1:
                d[0, 1] = k * x
            r = _conv(_recip_lin(a + 2 * k - 1, n1), _recip_lin(a + 2 * k, n1))
        d = _jmul_a(r, d)
        return A1 + _jmul(d, A0), B1 + _jmul(d, B0)

    one = np.zeros(shape)
    one[0, 0] = 1.0
    return _jmul(prefactor, _continued_fraction(step, (one, one.copy()), shape))


def _betainc_d_impl(a, b, x, j, l):
    a, b, x = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, x)))
    shape = a.shape
    a, b, x = a.ravel(), b.ravel(), x.ravel()

    def compute(n1, n2):
        out = np.full((n1, n2) + a.shape, np.nan)
        ok = (a > 0) & (b > 0) & np.isfinite(a) & np.isfinite(b) & (x >= 0) & (x <= 1)
        ends = ok & ((x == 0) | (x == 1))
        inside = ok & ~ends
        # where both x^a (1-x)^b / (a B(a, b)) and its mirror are below e^-800, every derivative underflows
        ai, bi, xi = a[inside], b[inside], x[inside]
        lx, l1x, lb = np.log(xi), np.log1p(-xi), special.betaln(ai, bi)
        ends[inside] = np.maximum(ai * lx + bi * l1x - np.log(ai) - lb, ai * lx + bi * l1x - np.log(bi) - lb) < -800.0
        out[:, :, ends] = 0.0
        direct = ok & ~ends & (x * (a + b + 2.0) < a + 1.0)
        swapped = ok & ~ends & ~direct
        f1 = np.array([math.factorial(i) for i in range(max(n1, n2))])
        scale = (f1[:n1, None] * f1[None, :n2])[:, :, None]
        if direct.any():
            out[:, :, direct] = scale * _beta_jet(a[direct], b[direct], x[direct], n1, n2)
        if swapped.any():  # I_x(a, b) = 1 - I_{1-x}(b, a)
            out[:, :, swapped] = -scale * _beta_jet(b[swapped], a[swapped], 1.0 - x[swapped], n2, n1).swapaxes(0, 1)
        return out

    key = ("betainc", shape, a.tobytes(), b.tobytes(), x.tobytes())
    return _memo(key, (j + 1, l + 1), (3, 3), compute)[j, l].reshape(shape)[()].copy()


# =========================================================================== the densities' derivatives (primitives)


def _psi_p(n, z):
    return _u("digamma")(z) if n == 0 else UNARY["polygamma"].bind(z, n=n)


def _bell(j, l, dlog):
    """``∂ʲ_a ∂ˡ_b exp(L) / exp(L)`` from the derivatives ``dlog(i, m) = ∂ⁱ_a ∂ᵐ_b L``
    (by Leibniz: ``∂_a^(i+1) ∂_b^m e^L = Σ C(i,p) C(m,q) ∂_a^(i-p+1) ∂_b^(m-q) L · ∂_a^p ∂_b^q e^L``)."""
    Y = {(0, 0): 1.0}
    for i in range(j + 1):
        for m in range(l + 1):
            if (i, m) == (0, 0):
                continue
            if i > 0:
                terms = [math.comb(i - 1, p) * math.comb(m, q) * dlog(i - p, m - q) * Y[p, q]
                         for p in range(i) for q in range(m + 1)]
            else:
                terms = [math.comb(m - 1, q) * dlog(0, m - q) * Y[0, q] for q in range(m)]
            total = terms[0]
            for t in terms[1:]:
                total = total + t
            Y[i, m] = total
    return Y[j, l]


def _gamma_density_da(a, x, k):
    """``∂ᵏ/∂aᵏ [x^(a-1) e^(-x) / Γ(a)]``, with primitives; at ``x = 0`` the limit
    (0 for ``a > 1``, ``e^(-x)`` for ``a = 1``, ``k = 0``, with its x-derivatives), at ``x = ∞`` 0.

    Written ``a · g`` with ``g = x^(a-1) e^(-x) / Γ(a + 1)``, so ``∂ᵏ = a ∂ᵏg + k ∂ᵏ⁻¹g``
    and the Bell polynomials of ``g`` hold ``ψ⁽ʲ⁾(a + 1)``, regular as ``a → 0``
    (those of ``ψ⁽ʲ⁾(a) ~ 1/aʲ⁺¹`` would cancel, and so would the derivatives the
    engine takes of this expression)."""
    inside = NONDIFF["logical_and"].bind(greater(x, 0.0), NONDIFF["isfinite"].bind(x))
    xs = where(inside, x, 1.0)
    lx = _u("log")(xs)
    g = _u("exp")((a - 1.0) * lx - xs - _u("gammaln")(a + 1.0))

    def dlog(i, m):
        return lx - _u("digamma")(a + 1.0) if i == 1 else -_psi_p(i - 1, a + 1.0)

    dens = a * g if k == 0 else g * (a * _bell(k, 0, dlog) + k * _bell(k - 1, 0, dlog))
    # at x = 0 the limits; for a = 1 the density is e^(-x) there, whose x-derivatives are kept too
    # (for other a only the value: the density's slope at 0 is 1 for a = 2, infinite for 1 < a < 2)
    at1 = _u("exp")(-x) if k == 0 else np.nan
    at0 = where(greater(a, 1.0), 0.0, where(equal(a, 1.0), at1, np.inf if k == 0 else np.nan))
    edge = where(equal(x, 0.0), at0, where(greater(x, 0.0), 0.0, np.nan))
    return where(inside, dens, edge)


def _ratio_d(a, b, p, q):
    """``∂ᵖ_a ∂ᵠ_b [a b / (a + b)]``, with primitives.  With ``y`` the smaller of ``a``,
    ``b`` it is ``y - y² u``, ``u = 1 / (a + b)``, ``∂ⁿu = (-1)ⁿ n! / (a + b)ⁿ⁺¹`` for any
    ``n`` derivatives: the terms then differ in size by bounded factors (``y ≤ (a + b) / 2``),
    where the other form cancels (``b ≪ a`` in ``a - a² u``)."""
    s = a + b
    if (p, q) == (0, 0):
        return a * b / s

    def du(n):
        return (-1.0) ** n * math.factorial(n) / s ** (n + 1)

    def form(y, ny, nother):  # ∂ of y - y² u, ny times in y and nother times in the other one
        lead = (1.0 if ny == 1 else 0.0) if nother == 0 else 0.0
        total = math.comb(ny, 0) * (y * y) * du(ny + nother)
        if ny >= 1:
            total = total + ny * (2.0 * y) * du(ny + nother - 1)
        if ny >= 2:
            total = total + math.comb(ny, 2) * 2.0 * du(ny + nother - 2)
        return lead - total

    return where(NONDIFF["less_equal"].bind(b, a), form(b, q, p), form(a, p, q))


def _beta_density_d(a, b, x, j, l):
    """``∂ʲ_a ∂ˡ_b [x^(a-1) (1-x)^(b-1) / B(a, b)]``, with primitives; at ``x = 0``
    (``x = 1``) the limit: 0 for ``a > 1`` (``b > 1``), ``b`` (``a``) when ``a = 1``
    (``b = 1``) and ``j = l = 0``.

    Written ``c · g`` with ``c = a b / (a + b)`` and ``g = x^(a-1) (1-x)^(b-1) Γ(a+b+1) /
    (Γ(a+1) Γ(b+1))``: the derivatives of ``log g`` hold ``ψ⁽ʲ⁾(a + 1)``, ``ψ⁽ʲ⁾(b + 1)``,
    regular as ``a, b → 0``.  The value of ``log g``'s constant comes from ``betaln``
    (a constant correction, no cancellation of large ``log Γ``'s)."""
    inside = NONDIFF["logical_and"].bind(greater(x, 0.0), NONDIFF["less"].bind(x, 1.0))
    xs = where(inside, x, 0.5)
    lx, l1x = _u("log")(xs), _u("log1p")(-xs)
    ab1 = a + b + 1.0
    v = _u("gammaln")(ab1) - _u("gammaln")(a + 1.0) - _u("gammaln")(b + 1.0)
    # the same number as -betaln(a, b) + log(a + b) - log(a) - log(b), which is accurate for large a, b
    # (special.py's betaln, defined after this module is imported: looked up when called)
    exact = _u("log")(a + b) - _u("log")(a) - _u("log")(b) - PRIMITIVES["betaln"].bind(a, b)
    g = _u("exp")((a - 1.0) * lx + (b - 1.0) * l1x + v + stop_gradient(exact - v))

    def dlog(i, m):
        if (i, m) == (1, 0):
            return lx + _u("digamma")(ab1) - _u("digamma")(a + 1.0)
        if (i, m) == (0, 1):
            return l1x + _u("digamma")(ab1) - _u("digamma")(b + 1.0)
        d = _psi_p(i + m - 1, ab1)
        if m == 0:
            d = d - _psi_p(i - 1, a + 1.0)
        if i == 0:
            d = d - _psi_p(m - 1, b + 1.0)
        return d

    dens = 0.0
    for p_ in range(j + 1):
        for q in range(l + 1):
            dens = dens + (math.comb(j, p_) * math.comb(l, q)) * _ratio_d(a, b, p_, q) * _bell(j - p_, l - q, dlog)
    dens = g * dens
    plain = (j, l) == (0, 0)
    at0 = where(greater(a, 1.0), 0.0, where(equal(a, 1.0), b if plain else np.nan, np.inf if plain else np.nan))
    at1 = where(greater(b, 1.0), 0.0, where(equal(b, 1.0), a if plain else np.nan, np.inf if plain else np.nan))
    edge = where(equal(x, 0.0), at0, where(equal(x, 1.0), at1, np.nan))
    return where(inside, dens, edge)


# =========================================================================== the primitives


def _gammainc_partials(sign):
    def partials(i, args, out):
        a, x = args
        if i == 0:
            return sign * gammainc_da_p.bind(a, x, k=1)
        return sign * _gamma_density_da(a, x, 0)

    return partials


def _gammainc_da_partials(i, args, out, k):
    a, x = args
    return gammainc_da_p.bind(a, x, k=k + 1) if i == 0 else _gamma_density_da(a, x, k)


gammainc_da_p = _elementwise("gammainc_da", _gammainc_da_impl, _gammainc_da_partials)
INCOMPLETE["gammainc"] = _elementwise("gammainc", special.gammainc, _gammainc_partials(1.0))
INCOMPLETE["gammaincc"] = _elementwise("gammaincc", special.gammaincc, _gammainc_partials(-1.0))


def gammainc_da(a, x, k=1):
    """``∂ᵏ/∂aᵏ gammainc(a, x)`` (``k ≥ 1``), itself differentiable in both arguments."""
    return gammainc_da_p.bind(a, x, k=int(k))


def _betainc_d_partials(i, args, out, j=0, l=0):
    a, b, x = args
    if i == 0:
        return betainc_d_p.bind(a, b, x, j=j + 1, l=l)
    if i == 1:
        return betainc_d_p.bind(a, b, x, j=j, l=l + 1)
    return _beta_density_d(a, b, x, j, l)


betainc_d_p = _elementwise("betainc_d", _betainc_d_impl, _betainc_d_partials)
betainc_p = INCOMPLETE["betainc"] = _elementwise("betainc", special.betainc, _betainc_d_partials)


def betainc_d(a, b, x, j, l):
    """``∂ʲ/∂aʲ ∂ˡ/∂bˡ betainc(a, b, x)`` (``j + l ≥ 1``), itself differentiable in all three arguments."""
    return betainc_d_p.bind(a, b, x, j=int(j), l=int(l))


def betainc(a, b, x):
    """``scipy.special.betainc(a, b, x)``, the regularized incomplete beta function,
    differentiable in ``a``, ``b`` and ``x``."""
    return betainc_p.bind(a, b, x)


# =========================================================================== distribution functions

#: The distribution functions of ``scipy.special`` that are ``gammainc``,
#: ``gammaincc`` or ``betainc`` of transformed arguments, as SciPy computes them:
#: primitives whose values are SciPy's own and whose derivatives follow from
#: those above by the chain rule (so they too hold to every order).  Counts
#: (``k`` of ``pdtr``, ``k`` and ``n`` of ``bdtr`` and ``nbdtr``) are floored by
#: SciPy: piecewise constant, their derivative is 0 (nan where the value is).
DISTRIBUTIONS: dict = {}


def _in_count(name, args):
    """The derivative of ``name(*args)`` in a count: 0, or nan where the value
    is nan (off the domain); the value computed again, as a constant (reverse
    mode does not keep these primitives' outputs)."""
    return 0.0 * stop_gradient(DISTRIBUTIONS[name].bind(*args))


def _dp_da(a, x):
    return gammainc_da_p.bind(a, x, k=1)


def _dp_dx(a, x):
    return _gamma_density_da(a, x, 0)


def _di(i, a, b, x):
    """``∂I/∂a``, ``∂I/∂b`` or ``∂I/∂x`` (``i`` = 0, 1, 2) of ``betainc(a, b, x)``."""
    return _betainc_d_partials(i, (a, b, x), None)


def _floor(k):
    return NONDIFF["floor"].bind(k)


def _distribution(name, impl, partials):
    DISTRIBUTIONS[name] = p = _elementwise(name, impl, partials)
    return p


def _gdtr_partials(sign):
    def partials(i, args, out):  # gdtr(a, b, x) = P(b, a x): a rate, b shape
        a, b, x = args
        if i == 1:
            return sign * _dp_da(b, a * x)
        return sign * _dp_dx(b, a * x) * (x if i == 0 else a)

    return partials


def _chdtr_partials(sign):
    def partials(i, args, out):  # chdtr(v, x) = P(v / 2, x / 2)
        v, x = args
        return (0.5 * sign) * (_dp_da(0.5 * v, 0.5 * x) if i == 0 else _dp_dx(0.5 * v, 0.5 * x))

    return partials


def _pdtr_partials(sign):
    def partials(i, args, out):  # pdtr(k, m) = Q(floor(k) + 1, m)
        k, m = args
        return _in_count("pdtr" if sign > 0 else "pdtrc", args) if i == 0 else -sign * _dp_dx(_floor(k) + 1.0, m)

    return partials


def _bdtr_partials(sign):
    def partials(i, args, out):  # bdtr(k, n, p) = I_{1-p}(n - k, k + 1), bdtrc = I_p(k + 1, n - k)
        k, n, p = args
        if i < 2:
            return _in_count("bdtr" if sign > 0 else "bdtrc", args)
        fk, fn = _floor(k), _floor(n)
        all_n = NONDIFF["greater_equal"].bind(fk, fn)  # k ≥ n: SciPy's 1 (bdtr) or 0 (bdtrc), constant
        m = where(all_n, 1.0, fn - fk)  # (a harmless parameter there)
        d = -_di(2, m, fk + 1.0, 1.0 - p) if sign > 0 else _di(2, fk + 1.0, m, p)
        return where(all_n, 0.0, d)

    return partials


def _nbdtr_partials(i, args, out):  # nbdtr(k, n, p) = I_p(n, k + 1)
    k, n, p = args
    return _in_count("nbdtr", args) if i < 2 else _di(2, _floor(n), _floor(k) + 1.0, p)


def _nbdtrc_partials(i, args, out):  # nbdtrc(k, n, p) = I_{1-p}(k + 1, n)
    k, n, p = args
    return _in_count("nbdtrc", args) if i < 2 else -_di(2, _floor(k) + 1.0, _floor(n), 1.0 - p)


def _fdtr_partials(sign):
    def partials(i, args, out):  # fdtr(d1, d2, x) = I_w(d1 / 2, d2 / 2), w = d1 x / (d2 + d1 x)
        d1, d2, x = args
        s = d2 + d1 * x
        a, b, w = 0.5 * d1, 0.5 * d2, d1 * x / s
        dens = _di(2, a, b, w) / (s * s)
        if i == 0:
            return sign * (0.5 * _di(0, a, b, w) + dens * (x * d2))
        if i == 1:
            return sign * (0.5 * _di(1, a, b, w) - dens * (d1 * x))
        return sign * dens * (d1 * d2)

    return partials


def _stdtr_partials(i, args, out):
    """stdtr(ν, t) = 1 - I_w(ν/2, 1/2) / 2 for t ≥ 0 (I_w / 2 for t < 0), w = ν / (ν + t²):
    in t the density of Student's t; in ν -sign(t) (∂I/∂a / 2 + ∂I/∂x t² / (ν + t²)²) / 2,
    0 at t = 0 (where w = 1 and the value is 1/2 for every ν)."""
    nu, t = args
    if i == 1:
        return _u("exp")(_u("gammaln")(0.5 * (nu + 1.0)) - _u("gammaln")(0.5 * nu) - 0.5 * _u("log")(np.pi * nu)
                         - 0.5 * (nu + 1.0) * _u("log1p")(t * t / nu))
    zero_t = equal(t, 0.0)
    ts = where(zero_t, 1.0, t)
    s = nu + ts * ts
    w = nu / s
    d = 0.5 * _di(0, 0.5 * nu, 0.5, w) + _di(2, 0.5 * nu, 0.5, w) * (ts * ts) / (s * s)
    return where(zero_t, 0.0, -0.5 * NONDIFF["sign"].bind(ts) * d)


_distribution("gdtr", special.gdtr, _gdtr_partials(1.0))
_distribution("gdtrc", special.gdtrc, _gdtr_partials(-1.0))
_distribution("chdtr", special.chdtr, _chdtr_partials(1.0))
_distribution("chdtrc", special.chdtrc, _chdtr_partials(-1.0))
_distribution("pdtr", special.pdtr, _pdtr_partials(1.0))
_distribution("pdtrc", special.pdtrc, _pdtr_partials(-1.0))
_distribution("bdtr", special.bdtr, _bdtr_partials(1.0))
_distribution("bdtrc", special.bdtrc, _bdtr_partials(-1.0))
_distribution("nbdtr", special.nbdtr, _nbdtr_partials)
_distribution("nbdtrc", special.nbdtrc, _nbdtrc_partials)
_distribution("fdtr", special.fdtr, _fdtr_partials(1.0))
_distribution("fdtrc", special.fdtrc, _fdtr_partials(-1.0))
_distribution("stdtr", special.stdtr, _stdtr_partials)


# =========================================================================== inverse functions (quantiles)

#: The inverses of these functions in one argument, as SciPy computes them:
#: ``x = F⁻¹(..., y)`` with ``F(..., x) = y``.  By the implicit function
#: theorem ``∂x/∂y = 1 / ∂F/∂x`` and ``∂x/∂aᵢ = -∂F/∂aᵢ / ∂F/∂x``, the partials
#: of ``F`` at ``(..., x)``; ``x`` is the output, itself differentiable, so
#: every order follows.
INVERSES: dict = {}


def _inverse(name, impl, forward_partials, at):
    """The inverse ``name`` of the function with partials ``forward_partials``
    in its argument ``at`` (the inverse takes ``y`` in that position)."""

    def partials(i, args, out):
        fargs = tuple(args[:at]) + (out,) + tuple(args[at + 1:])
        dx = forward_partials(at, fargs, args[at])
        d = 1.0 / dx if i == at else -forward_partials(i, fargs, args[at]) / dx
        return d + 0.0 * stop_gradient(out)  # nan where SciPy's value is (off the domain)

    INVERSES[name] = p = _elementwise(name, impl, partials)
    p.def_rule("residuals", lambda wants: ((True,) * len(wants), True))  # the partials read the output too
    return p


_inverse("gammaincinv", special.gammaincinv, _gammainc_partials(1.0), 1)
_inverse("gammainccinv", special.gammainccinv, _gammainc_partials(-1.0), 1)
_inverse("betaincinv", special.betaincinv, _betainc_d_partials, 2)
_inverse("gdtrix", special.gdtrix, _gdtr_partials(1.0), 2)
_inverse("chdtri", special.chdtri, _chdtr_partials(-1.0), 1)
_inverse("pdtri", special.pdtri, _pdtr_partials(1.0), 1)
_inverse("bdtri", special.bdtri, _bdtr_partials(1.0), 2)
_inverse("nbdtri", special.nbdtri, _nbdtr_partials, 2)
_inverse("fdtri", special.fdtri, _fdtr_partials(1.0), 2)
_inverse("stdtrit", special.stdtrit, _stdtr_partials, 1)
