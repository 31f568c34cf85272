"""SciPy's Jacobi polynomials as objects and their Gauss quadratures (``jacobi``, ``sh_jacobi``,
``roots_jacobi``, ``roots_sh_jacobi`` and the aliases ``j_roots``, ``js_roots``) with traced
parameters, written with differentiable osculate operations (so every derivative order follows).

* ``roots_jacobi(n, α, β)``: Golub and Welsch's method: the nodes are the eigenvalues
  (:func:`osculate.numpy.linalg.eigvalsh`, differentiable) of the symmetric tridiagonal matrix of
  the orthonormal polynomials' recurrence ``b_(k+1) p_(k+1) = (x - a_k) p_k - b_k p_(k-1)``
  (SciPy's coefficients ``a_k``, ``b_k``), polished by one Newton step on ``p_n`` (as SciPy's: at a
  root the step moves the value to the nearest double and leaves every derivative as it is); the
  weights are Christoffel's numbers ``1 / Σ_(j<n) p_j(x)²`` at the nodes (accurate to their own
  size, the small ones near the ends too), scaled, as SciPy's, to sum to ``μ₀ = 2^(α+β+1) B(α+1,
  β+1)``.  ``roots_sh_jacobi(n, p, q)`` is ``roots_jacobi(n, p - q, q - 1)`` moved to ``[0, 1]``
  (weights over ``2^p``).
* ``jacobi(n, α, β)`` returns an object whose call ``P(x)`` is ``P_n^(α,β)(x)`` by the three-term
  recurrence in the degree (differentiable in ``x``, ``α`` and ``β``), over its leading coefficient
  ``k_n = Γ(2n+α+β+1) / (2ⁿ n! Γ(n+α+β+1))`` for ``monic=True``; ``sh_jacobi(n, p, q)`` calls
  ``P_n^(p-q, q-1)(2x - 1) / binom(2n + p - 1, n)``.  The objects also carry ``weights`` (rows of
  node, weight and weight over the weight function, as SciPy's ``orthopoly1d``), ``order`` and
  ``limits``; the ``numpy.poly1d`` side of SciPy's objects (coefficients, arithmetic) is not
  provided for traced parameters.

With plain (untraced) parameters each function returns SciPy's own result: its ``orthopoly1d``
is called on a traced ``x`` through ``eval_jacobi`` and ``eval_sh_jacobi``, differentiable in
``x``.  The degree ``n`` is an integer constant.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special as _scipy_special

from .. import numpy as _onp
from ..core import Tracer
from ._legendre import _order

__all__ = ["jacobi", "sh_jacobi", "roots_jacobi", "roots_sh_jacobi", "j_roots", "js_roots"]

_LN2 = math.log(2.0)


def _traced(*args):
    return any(isinstance(a, Tracer) for a in args)


def _positive(n, name):
    n = _order(n, name, "n")
    if n < 1:
        raise ValueError(f"osculate.scipy.special.{name}: n must be a positive integer, got {n}")
    return n


def _check_above(value, bound, name, what):
    """SciPy's domain checks, on plain parameters (a traced one off its domain gives nan)."""
    if not isinstance(value, Tracer) and not float(value) > bound:
        raise ValueError(f"osculate.scipy.special.{name}: {what} must be greater than {bound}, got {value!r}")


def _coefficients(n, a, b):
    """SciPy's recurrence coefficients of the orthonormal Jacobi polynomials: ``a_k`` for ``k ≤ n`` and
    ``b_k`` for ``1 ≤ k ≤ n`` (``b[0]`` unused)."""
    ab = a + b
    diag = [(b - a) / (2.0 + ab)]
    diag += [(b * b - a * a) / ((2.0 * k + ab) * (2.0 * k + ab + 2.0)) for k in range(1, n + 1)]
    off = [None]
    for k in range(1, n + 1):
        c = 2.0 / (2.0 * k + ab) * _onp.sqrt((k + a) * (k + b) / (2.0 * k + ab + 1.0))
        if k > 1:
            c = c * _onp.sqrt(k * (k + ab) / (2.0 * k + ab - 1.0))
        off.append(c)
    return diag, off


def _mu0(a, b):
    """``∫ (1-x)^α (1+x)^β dx`` over ``[-1, 1]``: ``2^(α+β+1) B(α+1, β+1)``."""
    g = _onp.gammaln
    return _onp.exp((a + b + 1.0) * _LN2 + g(a + 1.0) + g(b + 1.0) - g(a + b + 2.0))


def _orthonormal(x, n, diag, off, p0):
    """``[p_0(x), …, p_n(x)]`` and ``p_n'(x)`` by the recurrence."""
    p, d = [p0 + 0.0 * x], [0.0 * x]
    prev, dprev = 0.0 * x, 0.0 * x
    for k in range(n):
        back = off[k] * prev if k else 0.0
        dback = off[k] * dprev if k else 0.0
        nxt = ((x - diag[k]) * p[k] - back) / off[k + 1]
        dnxt = ((x - diag[k]) * d[k] + p[k] - dback) / off[k + 1]
        prev, dprev = p[k], d[k]
        p.append(nxt)
        d.append(dnxt)
    return p, d[n]


def _gauss_jacobi(n, a, b):
    """Nodes, weights and ``μ₀`` of Gauss–Jacobi quadrature, traced."""
    diag, off = _coefficients(n, a, b)
    zeros = 0.0 * (a + b)
    matrix = _onp.diag(_onp.stack([diag[k] + zeros for k in range(n)]))
    if n > 1:
        band = _onp.stack([off[k] + zeros for k in range(1, n)])
        matrix = matrix + _onp.diag(band, 1) + _onp.diag(band, -1)
    x = _onp.linalg.eigvalsh(matrix)
    mu0 = _mu0(a, b)
    p0 = 1.0 / _onp.sqrt(mu0)
    p, dp = _orthonormal(x, n, diag, off, p0)
    x = x - p[n] / dp  # one Newton step (at a root: the value's last bits only)
    p, _ = _orthonormal(x, n, diag, off, p0)
    w = 1.0 / sum(q * q for q in p[:n])
    return x, w * (mu0 / _onp.sum(w)), mu0


def roots_jacobi(n, alpha, beta, mu=False):
    """``scipy.special.roots_jacobi(n, alpha, beta, mu=False)``: the nodes and weights of ``n``-point
    Gauss–Jacobi quadrature (weight ``(1-x)^α (1+x)^β`` on ``[-1, 1]``), and with ``mu`` their sum,
    differentiable in ``alpha`` and ``beta`` to every order.

    >>> import numpy as np, osculate as osc
    >>> x, w = roots_jacobi(3, 0.5, 0.5)
    >>> np.round(x, 8), np.round(w, 8)
    (array([-0.70710678,  0.        ,  0.70710678]), array([0.39269908, 0.78539816, 0.39269908]))
    >>> g = osc.grad(lambda a: roots_jacobi(3, a, 0.5)[0][2])(np.float64(0.5))  # the largest node
    >>> bool(g < 0)  # a heavier weight (1-x)^α near -1 pulls the nodes left
    True
    """
    n = _positive(n, "roots_jacobi")
    _check_above(alpha, -1.0, "roots_jacobi", "alpha")
    _check_above(beta, -1.0, "roots_jacobi", "beta")
    if not _traced(alpha, beta):
        return _scipy_special.roots_jacobi(n, alpha, beta, mu)
    x, w, mu0 = _gauss_jacobi(n, alpha, beta)
    return (x, w, mu0) if mu else (x, w)


def roots_sh_jacobi(n, p1, q1, mu=False):
    """``scipy.special.roots_sh_jacobi(n, p1, q1, mu=False)``: Gauss quadrature for the shifted Jacobi
    weight ``(1-x)^(p-q) x^(q-1)`` on ``[0, 1]`` (``roots_jacobi(n, p - q, q - 1)`` moved there, the
    weights over ``2^p``), differentiable in ``p1`` and ``q1``.

    >>> x, w = roots_sh_jacobi(2, 2.0, 1.0)
    >>> bool(abs(sum(w) - 0.5) < 1e-15)  # ∫₀¹ (1 - x) dx
    True
    """
    n = _positive(n, "roots_sh_jacobi")
    _check_above(p1 - q1, -1.0, "roots_sh_jacobi", "p1 - q1")
    _check_above(q1, 0.0, "roots_sh_jacobi", "q1")
    if not _traced(p1, q1):
        return _scipy_special.roots_sh_jacobi(n, p1, q1, mu)
    x, w, mu0 = _gauss_jacobi(n, p1 - q1, q1 - 1.0)
    scale = _onp.exp(-p1 * _LN2)
    x, w, mu0 = (x + 1.0) / 2.0, w * scale, mu0 * scale
    return (x, w, mu0) if mu else (x, w)


#: SciPy's older names.
j_roots = roots_jacobi
js_roots = roots_sh_jacobi


def _jacobi_value(n, a, b, x):
    """``P_n^(α,β)(x)`` by the three-term recurrence in the degree."""
    if n == 0:
        return 1.0 + 0.0 * (x + a + b)
    ab = a + b
    prev, cur = 1.0 + 0.0 * x, (a + 1.0) + (ab + 2.0) * (x - 1.0) / 2.0
    for k in range(2, n + 1):
        c = 2.0 * k + ab
        nxt = ((c - 1.0) * (c * (c - 2.0) * x + a * a - b * b) * cur
               - 2.0 * (k + a - 1.0) * (k + b - 1.0) * c * prev) / (2.0 * k * (k + ab) * (c - 2.0))
        prev, cur = cur, nxt
    return cur


class _TracedJacobi:
    """The traced-parameter stand-in for SciPy's ``orthopoly1d`` (see the module's notes)."""

    def __init__(self, n, a, b, scale, shifted, weight):
        self.order, self._n, self._a, self._b, self._scale, self._shifted = n, n, a, b, scale, shifted
        self.limits = (0.0, 1.0) if shifted else (-1.0, 1.0)
        self._weight = weight

    def __call__(self, x):
        t = 2.0 * x - 1.0 if self._shifted else x
        return _jacobi_value(self._n, self._a, self._b, t) * self._scale

    @property
    def weights(self):
        """Rows ``(node, weight, weight / weight function(node))``, as ``orthopoly1d.weights``."""
        if self._n == 0:
            return np.zeros((0, 3))
        x, w = self._weight()
        return _onp.stack([x, w, w / self.weight_func(x)], axis=1)

    def weight_func(self, x):
        """The weight function: ``(1-x)^α (1+x)^β``, or ``(1-x)^(p-q) x^(q-1)`` shifted."""
        if self._shifted:
            return _onp.exp(self._a * _onp.log1p(-x) + self._b * _onp.log(x))
        return _onp.exp(self._a * _onp.log1p(-x) + self._b * _onp.log1p(x))


def jacobi(n, alpha, beta, monic=False):
    """``scipy.special.jacobi(n, alpha, beta, monic=False)``: the Jacobi polynomial ``P_n^(α,β)`` as a
    callable object.  With traced ``alpha`` or ``beta`` its call is differentiable in them and in
    ``x`` (see the module's notes); with plain ones it is SciPy's ``orthopoly1d``.

    >>> import numpy as np, osculate as osc
    >>> from scipy import special
    >>> d = osc.grad(lambda a: jacobi(2, a, 0.0)(0.3))(np.float64(1.0))
    >>> h = 1e-6
    >>> bool(np.isclose(d, (special.eval_jacobi(2, 1.0 + h, 0.0, 0.3)
    ...                     - special.eval_jacobi(2, 1.0 - h, 0.0, 0.3)) / (2 * h)))
    True
    """
    n = _order(n, "jacobi", "n")
    if n < 0:
        raise ValueError("osculate.scipy.special.jacobi: n must be nonnegative")
    if not _traced(alpha, beta):
        return _scipy_special.jacobi(n, alpha, beta, monic)
    _check_above(alpha, -1.0, "jacobi", "alpha")
    _check_above(beta, -1.0, "jacobi", "beta")
    scale = 1.0
    if monic and n:
        g = _onp.gammaln
        ab1 = alpha + beta + 1.0
        scale = _onp.exp(-(g(2.0 * n + ab1) - n * _LN2 - math.lgamma(n + 1.0) - g(n + ab1)))
    return _TracedJacobi(n, alpha, beta, scale, False, lambda: roots_jacobi(n, alpha, beta))


def sh_jacobi(n, p, q, monic=False):
    """``scipy.special.sh_jacobi(n, p, q, monic=False)``: the shifted Jacobi polynomial ``G_n^(p,q)(x) =
    P_n^(p-q, q-1)(2x - 1) / binom(2n + p - 1, n)`` (monic already: ``monic`` changes nothing) as a
    callable object, differentiable in ``p``, ``q`` and ``x`` when ``p`` or ``q`` is traced; with plain
    ones SciPy's ``orthopoly1d``.

    >>> import numpy as np
    >>> from scipy import special
    >>> bool(np.isclose(sh_jacobi(3, 2.5, 1.5)(0.4), special.eval_sh_jacobi(3, 2.5, 1.5, 0.4)))
    True
    """
    n = _order(n, "sh_jacobi", "n")
    if n < 0:
        raise ValueError("osculate.scipy.special.sh_jacobi: n must be nonnegative")
    if not _traced(p, q):
        return _scipy_special.sh_jacobi(n, p, q, monic)
    g = _onp.gammaln
    scale = _onp.exp(g(n + p) + math.lgamma(n + 1.0) - g(2.0 * n + p)) if n else 1.0
    return _TracedJacobi(n, p - q, q - 1.0, scale, True, lambda: roots_sh_jacobi(n, p, q))
