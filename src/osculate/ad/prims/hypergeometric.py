"""The hypergeometric functions ``hyp1f1(a, b, x)`` = ₁F₁(a; b; x) and
``hyp2f1(a, b, c, x)`` = ₂F₁(a, b; c; x), differentiable in every argument
to every order.

In ``x`` the derivative has a closed form, ``∂ₓ ₁F₁(a; b; x) = a/b ₁F₁(a+1;
b+1; x)``; in the parameters it has none, so ``hyp1f1_d(a, b, x; j, k)`` =
``∂ᵃʲ ∂ᵇᵏ ₁F₁`` is a family of primitives whose derivatives in ``a`` and ``b``
are the next members and whose derivative in ``x`` follows from the closed
form by Leibniz' rule (written with primitives, so every order composes).

``hyp2f1`` likewise: ``∂ₓ ₂F₁ = ab/c ₂F₁(a+1, b+1; c+1; x)`` and the family
``hyp2f1_d(a, b, c, x; i, j, k)`` of parameter derivatives, its series
``Σₙ (a)ₙ (b)ₙ/(c)ₙ xⁿ/n!`` summed in truncated Taylor arithmetic in
``(a, b, c)``, for ``x < 0`` after Pfaff's transformation ``₂F₁(a, b; c; x)
= (1−x)⁻ᵃ ₂F₁(a, c−b; c; x/(x−1))``.  The series converges for ``x < 1``,
slowly near ``x → 1`` or ``x → −∞`` (where ``x/(x−1) → 1``): past 20 000
terms the parameter derivatives are nan (``x`` or ``x/(x−1)`` up to about
0.99 is fine); the value and the derivatives in ``x`` alone are SciPy's
values everywhere.

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

from .jets import elementwise, jexp, jmul, jrecip, memo

__all__ = ["hyp1f1", "hyp1f1_d", "hyp2f1", "hyp2f1_d"]

_MAX_TERMS = 20_000


def _plus(jet, c, nvars=2):
    out = jet.copy()
    out[(0,) * nvars] = out[(0,) * nvars] + c
    return out


def _variable(value, which, dims):
    """The jet of the ``which``-th variable at ``value`` (shape ``dims + value.shape``)."""
    jet = np.zeros(dims + value.shape)
    jet[(0,) * len(dims)] = value
    if dims[which] > 1:
        jet[tuple(1 if i == which else 0 for i in range(len(dims)))] = 1.0
    return jet


def _factorials(dims, ndim):
    """``i! j! ...`` over the jet's coefficients, to turn them into derivatives."""
    grids = np.meshgrid(*(np.array([math.factorial(i) for i in range(n)], dtype=float) for n in dims), indexing="ij")
    return math.prod(grids).reshape(dims + (1,) * ndim)


def _hyp1f1_table(a, b, x, n1, n2):
    """``∂ᵃⁱ ∂ᵇˡ ₁F₁`` for ``i < n1``, ``l < n2`` at every point (shape ``(n1, n2) + S``)."""
    shape = (n1, n2) + a.shape
    A, B = _variable(a, 0, (n1, n2)), _variable(b, 1, (n1, n2))
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
    return total * _factorials((n1, n2), a.ndim)


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
            out_x = out_x + coef * a_part / b ** (kb + 1) * _hyp1f1_member(a + 1.0, b + 1.0, x, j - ja, k - kb)
    return out_x


def _hyp1f1_member(a, b, x, j, k):
    """``∂ᵃʲ ∂ᵇᵏ ₁F₁``: SciPy's function itself for the order (0, 0), else the family."""
    return hyp1f1_p.bind(a, b, x) if j == k == 0 else hyp1f1_d_p.bind(a, b, x, j=j, k=k)


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


def _hyp2f1_table(a, b, c, x, n1, n2, n3):
    """``∂ᵃⁱ ∂ᵇʲ ∂ᶜᵏ ₂F₁`` for ``i < n1``, ``j < n2``, ``k < n3`` (shape ``(n1, n2, n3) + S``)."""
    dims = (n1, n2, n3)
    A, B, C = (_variable(v, i, dims) for i, v in enumerate((a, b, c)))
    pfaff = x < 0
    second = np.where(pfaff, C - B, B)  # Pfaff: ₂F₁(a, b; c; x) = (1-x)⁻ᵃ ₂F₁(a, c-b; c; x/(x-1))
    z = np.where(pfaff, x / np.where(pfaff, x - 1.0, -1.0), x)
    term = np.zeros(dims + a.shape)
    term[0, 0, 0] = 1.0
    total = term.copy()
    converged = np.zeros(a.shape, bool)
    for n in range(_MAX_TERMS):
        ratio = jmul(jmul(_plus(A, n, 3), _plus(second, n, 3), 3), jrecip(_plus(C, n, 3), 3), 3)
        term = jmul(term, ratio, 3) * (z / (n + 1.0))
        total = total + term
        size = np.abs(total).max(axis=(0, 1, 2))
        converged = ~(np.abs(term).max(axis=(0, 1, 2)) > 1e-17 * size)
        if n > 4 and converged.all():
            break
    prefactor = jexp(-A * np.log1p(-np.where(pfaff, x, 0.0)), 3)  # (1 - x)⁻ᵃ as a jet in a
    total = np.where(pfaff, jmul(prefactor, total, 3), total)
    total = np.where(converged & (x < 1), total, np.nan)
    return total * _factorials(dims, a.ndim)


def _hyp2f1_d_impl(a, b, c, x, i=0, j=0, k=0):
    a, b, c, x = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, c, x)))
    shape = a.shape
    a, b, c, x = a.ravel(), b.ravel(), c.ravel(), x.ravel()
    key = ("hyp2f1", shape, a.tobytes(), b.tobytes(), c.tobytes(), x.tobytes())
    table = memo(key, (i + 1, j + 1, k + 1), (3, 3, 3), lambda *n: _hyp2f1_table(a, b, c, x, *n))
    return table[i, j, k].reshape(shape)[()].copy()


def _hyp2f1_partials(which, args, out, i=0, j=0, k=0):
    a, b, c, x = args
    if which < 3:
        step = [int(which == m) for m in range(3)]
        return hyp2f1_d_p.bind(a, b, c, x, i=i + step[0], j=j + step[1], k=k + step[2])
    # ∂ₓ ∂ᵃⁱ ∂ᵇʲ ∂ᶜᵏ ₂F₁ = ∂ᵃⁱ ∂ᵇʲ ∂ᶜᵏ [a b / c ₂F₁(a+1, b+1; c+1; x)], by Leibniz' rule
    out_x = 0.0
    for ia in range(min(i, 1) + 1):
        for jb in range(min(j, 1) + 1):
            for kc in range(k + 1):
                coef = (math.comb(i, ia) * math.comb(j, jb) * math.comb(k, kc) * (-1.0) ** kc
                        * math.factorial(kc))
                factor = (a if ia == 0 else 1.0) * (b if jb == 0 else 1.0) / c ** (kc + 1)
                out_x = out_x + coef * factor * _hyp2f1_member(a + 1.0, b + 1.0, c + 1.0, x, i - ia, j - jb, k - kc)
    return out_x


def _hyp2f1_member(a, b, c, x, i, j, k):
    """``∂ᵃⁱ ∂ᵇʲ ∂ᶜᵏ ₂F₁``: SciPy's function itself for the order (0, 0, 0) (so the derivatives in
    ``x`` alone are SciPy's values wherever it has them), else the family."""
    return hyp2f1_p.bind(a, b, c, x) if i == j == k == 0 else hyp2f1_d_p.bind(a, b, c, x, i=i, j=j, k=k)


hyp2f1_d_p = elementwise("hyp2f1_d", _hyp2f1_d_impl, _hyp2f1_partials)
hyp2f1_p = elementwise("hyp2f1", special.hyp2f1, _hyp2f1_partials)


def hyp2f1(a, b, c, x):
    """``scipy.special.hyp2f1(a, b, c, x)``, differentiable in ``a``, ``b``, ``c`` and ``x``.

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: hyp2f1(1.0, 1.0, 2.0, x))(np.float64(0.0)))  # -log(1 - x) / x
    0.5
    """
    return hyp2f1_p.bind(a, b, c, x)


def hyp2f1_d(a, b, c, x, i, j, k):
    """``∂ⁱ/∂aⁱ ∂ʲ/∂bʲ ∂ᵏ/∂cᵏ hyp2f1(a, b, c, x)``, itself differentiable in every argument."""
    return hyp2f1_d_p.bind(a, b, c, x, i=int(i), j=int(j), k=int(k))
