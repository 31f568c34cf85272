"""The confluent hypergeometric function ``hyp1f1(a, b, x)`` = ₁F₁(a; b; x),
differentiable in all three arguments to every order.

In ``x`` the derivative has a closed form, ``∂ₓ ₁F₁(a; b; x) = a/b ₁F₁(a+1;
b+1; x)``; in the parameters it has none, so ``hyp1f1_d(a, b, x; j, k)`` =
``∂ᵃʲ ∂ᵇᵏ ₁F₁`` is a family of primitives whose derivatives in ``a`` and ``b``
are the next members and whose derivative in ``x`` follows from the closed
form by Leibniz' rule (written with primitives, so every order composes).

The numbers: the power series ``Σₙ (a)ₙ/(b)ₙ xⁿ/n!`` summed in truncated
Taylor arithmetic in ``(a, b)`` (:mod:`.jets`), for ``x < 0`` after Kummer's
transformation ``₁F₁(a; b; x) = eˣ ₁F₁(b−a; b; −x)`` (no cancellation when
``b > a`` or ``a ≤ 0`` small), until every coefficient has settled, at most
20 000 terms; the value itself is SciPy's.  ``b`` a nonpositive integer is a
pole (inf or nan, as SciPy).  Large ``|x|`` costs about ``|x|`` terms;
accuracy is that of the series, checked against mpmath in
``tests/test_special_extra.py`` (relative 1e-10 for ``|x| ≤ 30`` and
``a, b`` in ``[−3.5, 20]``, ``b`` not near a pole).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from .jets import elementwise, jmul, jrecip, memo

__all__ = ["hyp1f1", "hyp1f1_d"]

_MAX_TERMS = 20_000


def _plus(jet, c):
    out = jet.copy()
    out[0, 0] = out[0, 0] + c
    return out


def _hyp1f1_table(a, b, x, n1, n2):
    """``∂ᵃⁱ ∂ᵇˡ ₁F₁`` for ``i < n1``, ``l < n2`` at every point (shape ``(n1, n2) + S``)."""
    shape = (n1, n2) + a.shape
    A = np.zeros(shape)
    A[0, 0] = a
    if n1 > 1:
        A[1, 0] = 1.0
    B = np.zeros(shape)
    B[0, 0] = b
    if n2 > 1:
        B[0, 1] = 1.0
    kummer = x < 0
    top = np.where(kummer, B - A, A)  # Kummer: ₁F₁(a; b; x) = eˣ ₁F₁(b - a; b; -x)
    y = np.abs(x)
    term = np.zeros(shape)
    term[0, 0] = 1.0
    total = term.copy()
    for n in range(_MAX_TERMS):
        term = jmul(term, jmul(_plus(top, n), jrecip(_plus(B, n)))) * (y / (n + 1.0))
        total = total + term
        size = np.abs(total).max(axis=(0, 1))
        if n > 4 and not (np.abs(term).max(axis=(0, 1)) > 1e-17 * size).any():
            break
    total = np.where(kummer, np.exp(x) * total, total)
    scale = np.array([[math.factorial(i) * math.factorial(l) for l in range(n2)] for i in range(n1)])
    return total * scale.reshape((n1, n2) + (1,) * a.ndim)


def _hyp1f1_d_impl(a, b, x, j=0, k=0):
    a, b, x = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, x)))
    shape = a.shape
    a, b, x = a.ravel(), b.ravel(), x.ravel()
    key = ("hyp1f1", shape, a.tobytes(), b.tobytes(), x.tobytes())
    table = memo(key, (j + 1, k + 1), (3, 3), lambda n1, n2: _hyp1f1_table(a, b, x, n1, n2))
    return table[j, k].reshape(shape)[()].copy()


def _partials(i, args, out, j=0, k=0):
    a, b, x = args
    if i == 0:
        return hyp1f1_d_p.bind(a, b, x, j=j + 1, k=k)
    if i == 1:
        return hyp1f1_d_p.bind(a, b, x, j=j, k=k + 1)
    # ∂ₓ ∂ᵃʲ ∂ᵇᵏ ₁F₁(a; b; x) = ∂ᵃʲ ∂ᵇᵏ [a/b ₁F₁(a+1; b+1; x)], by Leibniz' rule (∂ᵃ a = 1, ∂ᵃ² a = 0)
    out_x = 0.0
    for ja in range(min(j, 1) + 1):
        for kb in range(k + 1):
            coef = math.comb(j, ja) * math.comb(k, kb) * (-1.0) ** kb * math.factorial(kb)
            a_part = a if ja == 0 else 1.0
            out_x = out_x + coef * a_part / b ** (kb + 1) * hyp1f1_d_p.bind(a + 1.0, b + 1.0, x, j=j - ja, k=k - kb)
    return out_x


hyp1f1_d_p = elementwise("hyp1f1_d", _hyp1f1_d_impl, _partials)
hyp1f1_p = elementwise("hyp1f1", special.hyp1f1, _partials)


def hyp1f1(a, b, x):
    """``scipy.special.hyp1f1(a, b, x)``, differentiable in ``a``, ``b`` and ``x``.

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: hyp1f1(1.0, 1.0, x))(np.float64(0.0)))  # ₁F₁(1; 1; x) = eˣ
    1.0
    >>> round(float(osc.grad(lambda a: hyp1f1(a, 2.0, 1.5))(np.float64(1.0))), 10)  # ∂/∂a at a = 1
    1.6891477821
    """
    return hyp1f1_p.bind(a, b, x)


def hyp1f1_d(a, b, x, j, k):
    """``∂ʲ/∂aʲ ∂ᵏ/∂bᵏ hyp1f1(a, b, x)``, itself differentiable in all three arguments."""
    return hyp1f1_d_p.bind(a, b, x, j=int(j), k=int(k))
