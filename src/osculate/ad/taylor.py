"""Taylor mode for users: truncated Taylor series of any order.

:func:`taylor` gives the output series of ``f(x(t))`` along a curve,
:func:`derivatives_along` the directional derivatives ``dʲ/dtʲ f(x + t v)``,
:func:`taylor_polynomial` a :class:`TaylorPolynomial` of a scalar function,
and :func:`diagonal_by_taylor` (the ``method="taylor"`` of
:func:`osculate.hessian_diagonal`) second-order Taylor along every basis
direction (batched with ``vmap``).

Each elementwise primitive costs ``O(order²)`` array operations, against
``2^order`` passes for nested forward mode.  The trace is
:mod:`osculate.ad.taylor_trace`, the recurrences :mod:`osculate.ad.series`,
and every primitive's ``taylor`` rule sits beside it in
:mod:`osculate.ad.prims`.  Eager tracing: ``f`` runs on the values, so Python
control flow on them follows the branch taken at ``x₀``.
"""

from __future__ import annotations

import math

import numpy as np

from . import numpy as osc_np
from .arguments import LEAF_DEF, select, split_aux
from .core import Tracer, new_trace, zero
from .taylor_trace import TaylorTrace, lift, lower
from .transforms import basis_diagonal
from .tree import describe, tree_flatten, tree_unflatten
from .util import as_float_input, check_scalar, scalar_out, zeros_like

__all__ = [
    "taylor", "derivatives_along", "taylor_polynomial", "diagonal_by_taylor",
    "TaylorSeries", "TaylorPolynomial", "MAX_DERIVATIVE_ORDER",
]


def _check_order(order):
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)):
        raise TypeError(f"order must be a non-negative integer, got {order!r}")
    order = int(order)
    if order < 0:
        raise ValueError(f"order must be a non-negative integer, got {order}")
    return order


class TaylorSeries(tuple):
    """The truncated Taylor series ``y(t) = y₀ + y₁ t + … + y_K t^K`` of an output.

    A tuple of the normalised coefficients ``(y₀, y₁, …, y_K)``,
    ``y_j = y⁽ʲ⁾(0)/j!`` (so it passes through ``vmap``/``grad`` like any
    tuple), with derivative-friendly views:

    * ``s.primal``: ``y₀``;
    * ``s.derivatives``: ``(y(0), y'(0), …, y⁽ᴷ⁾(0))``;
    * ``s.order``: ``K``;
    * ``s(t)``: the truncated series evaluated at ``t``.

    >>> import numpy as np
    >>> from osculate.ad.taylor import taylor
    >>> s = taylor(np.exp, 0.0, [1.0], order=3)
    >>> [float(c) for c in s]
    [1.0, 1.0, 0.5, 0.16666666666666666]
    >>> [float(d) for d in s.derivatives]
    [1.0, 1.0, 1.0, 1.0]
    """

    __slots__ = ()

    @property
    def order(self):
        return len(self) - 1

    @property
    def primal(self):
        return self[0]

    @property
    def coefficients(self):
        return tuple(self)

    @property
    def derivatives(self):
        fact = _factorials(self.order, "TaylorSeries.derivatives")
        return tuple(c if j < 2 else c * fact[j] for j, c in enumerate(self))

    def __call__(self, t):
        out = self[-1]
        for c in reversed(self[:-1]):
            out = out * t + c
        return out

    def __repr__(self):
        return f"TaylorSeries(order={self.order}, coefficients={list(self)!r})"


def _flatten_input(x, what):
    leaves, td = tree_flatten(x)
    return [as_float_input(leaf, f"{what} leaf #{i}" if len(leaves) > 1 else what, allow_complex=True)
            for i, leaf in enumerate(leaves)], td


def _coefficient_leaves(c, x_leaves, x_tree, j):
    if c is None or c is zero:
        return [zero] * len(x_leaves)
    leaves, td = tree_flatten(c)
    if td != x_tree:
        raise ValueError(f"taylor: series[{j}] does not have the (pytree) structure of x")
    out = []
    for i, (leaf, p) in enumerate(zip(leaves, x_leaves)):
        if not isinstance(leaf, Tracer):
            leaf = np.asarray(leaf, dtype=p.dtype)
        if tuple(leaf.shape) != tuple(p.shape):
            where = "" if len(x_leaves) == 1 else f" (leaf #{i})"
            raise ValueError(
                f"taylor: series[{j}]{where} has shape {tuple(leaf.shape)} but x has shape "
                f"{tuple(p.shape)}; every coefficient must have the shape of x"
            )
        out.append(leaf)
    return out


def _run(f, x, series, order, truncate=False, has_aux=False):
    """Shared driver: returns (output treedef, [full coefficient lists per
    output leaf], aux).

    ``truncate=True`` drops input coefficients beyond ``order`` (they do not
    affect the output up to ``t^order``): used for a direction, which is a
    line of any order.  ``has_aux=True``: ``f`` returns ``(output, aux)``,
    and ``aux`` comes back with this trace's tracers lowered to their values
    (``None`` otherwise).
    """
    if isinstance(series, (str, bytes)) or not hasattr(series, "__len__"):
        raise TypeError(
            "taylor: series must be a sequence of coefficients [x₁, x₂, …] (each shaped like x), "
            f"got {type(series).__name__}"
        )
    series = list(series)
    order = len(series) if order is None else _check_order(order)
    if len(series) > order and not truncate:
        raise ValueError(
            f"taylor: {len(series)} input coefficients were given but order={order}; "
            "pass at most `order` coefficients (missing higher ones are zero)"
        )
    x_leaves, x_tree = _flatten_input(x, "taylor point x")
    per_coeff = [_coefficient_leaves(c, x_leaves, x_tree, j + 1) for j, c in enumerate(series)]
    series, per_coeff = series[:order], per_coeff[:order]
    in_series = [tuple(per_coeff[j][i] if j < len(series) else zero for j in range(order))
                 for i in range(len(x_leaves))]
    with new_trace(TaylorTrace, order) as trace:
        ins = [lift(trace, p, s) for p, s in zip(x_leaves, in_series)]
        out, aux = split_aux(f(tree_unflatten(x_tree, ins)), has_aux)
        if has_aux:
            a_leaves, a_tree = tree_flatten(aux)
            aux = tree_unflatten(a_tree, [lower(trace, a, order)[0] for a in a_leaves])
        o_leaves, o_tree = tree_flatten(out)
        results = []
        for o in o_leaves:
            y0, ys = lower(trace, o, order)
            if not isinstance(y0, Tracer):
                y0 = np.asarray(y0)
            results.append([y0] + [zeros_like(y0) if c is zero else c for c in ys])
    return o_tree, results, aux


def taylor(f, x, series, order=None, *, argnums=None, has_aux=False):
    """Truncated Taylor series of ``f`` along a curve, to any order.

    The input curve is ``x(t) = x + x₁ t + x₂ t² + … `` given by its
    normalised coefficients ``series = [x₁, x₂, …]`` (``x_j = x⁽ʲ⁾(0)/j!``,
    each shaped like ``x``; missing higher coefficients are zero, so
    ``[v]`` is the line ``x + t v``).  Returns the normalised coefficients of
    ``f(x(t))`` up to ``t^order`` as a :class:`TaylorSeries` (a tuple
    ``(y₀, …, y_K)`` with ``.derivatives`` giving ``y⁽ʲ⁾(0)``), or a pytree
    of them when ``f`` returns a pytree.  ``x`` may be a pytree; then each
    coefficient has its structure, and ``series`` may also be one tree of
    that structure (a direction: the line ``x + t v``).

    With ``argnums`` (an int or a tuple), ``x`` is the tuple of all
    positional arguments of ``f``: the others pass through untouched, and
    the coefficients have the structure of the picked argument (a tuple of
    trees for a tuple).  With ``has_aux=True``, ``f`` returns ``(output,
    aux)`` and the result is ``(series, aux)``, ``aux`` as ``f`` returned
    it at ``x`` (no tracers).

    Each elementwise primitive costs ``O(order²)`` array operations (against
    ``2^order`` passes for nested forward mode).  Composes with ``grad``,
    ``vmap`` and the other transforms, in either nesting.

    Parameters
    ----------
    f : callable
        Function of one argument (an array or pytree of arrays).
    x : array_like or pytree
        The point ``x(0)``; floating point.
    series : sequence or array
        The coefficients ``[x₁, …, x_m]`` (``m ≤ order``); ``None`` entries
        mean zero.  A single array of ``x``'s shape is a direction: the
        straight line ``x + t v`` (``series = [v]``).
    order : int, optional
        Truncation order ``K ≥ 0`` (default ``len(series)``).

    Returns
    -------
    TaylorSeries

    Raises
    ------
    ValueError
        For a negative order, more coefficients than ``order`` or a
        coefficient whose shape differs from ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.ad.taylor import taylor
    >>> s = taylor(lambda x: 1.0 / (1.0 - x), 0.5, [1.0], order=4)
    >>> np.array(s)                    # 2, 4, 8, 16, 32 = 2^(j+1)
    array([ 2.,  4.,  8., 16., 32.])
    >>> s = taylor(np.sin, np.array([0.0, 1.0]), np.ones(2), order=3)  # along the line x + t·1
    >>> np.round(s.derivatives[3], 6)  # d³/dt³ sin(x + t) = -cos(x)
    array([-1.      , -0.540302])
    >>> s = taylor(lambda p, c: c * p["a"] ** 2, ({"a": 1.0}, 3.0), {"a": 1.0}, order=2, argnums=0)
    >>> [float(c) for c in s]          # 3 (1 + t)² = 3 + 6 t + 3 t²
    [3.0, 6.0, 3.0]
    """
    x, f = select(f, x, argnums, "taylor")
    x_def = tree_flatten(x)[1]
    line = (isinstance(series, (np.ndarray, Tracer)) and np.shape(series) == np.shape(x)) or (
        x_def != LEAF_DEF and tree_flatten(series)[1] == x_def)
    if line:
        series = [series]  # a direction: the line x + t v (of any order, 0 included)
    o_tree, results, aux = _run(f, x, series, order, truncate=line, has_aux=has_aux)
    out = tree_unflatten(o_tree, [TaylorSeries(r) for r in results])
    return (out, aux) if has_aux else out


#: The largest j for which j! is a finite float64 (171! ≈ 1.24e309 > 1.8e308).
MAX_DERIVATIVE_ORDER = 170


def _check_factorial_range(order, what):
    if order > MAX_DERIVATIVE_ORDER:
        raise ValueError(
            f"{what}: derivatives of order {order} overflow float64 (the j-th derivative is j! times the "
            f"Taylor coefficient, and j! exceeds 1.8e308 for j > {MAX_DERIVATIVE_ORDER}); use osc.taylor, "
            "whose normalised coefficients c_j = f⁽ʲ⁾/j! stay finite at any order"
        )


def _factorials(n, what):
    """``[0!, 1!, …, n!]`` as floats, or the overflow error naming ``what``."""
    _check_factorial_range(n, what)
    return [float(math.factorial(j)) for j in range(n + 1)]


def derivatives_along(f, x, v, order, *, argnums=None):
    """Directional derivatives ``dʲ/dtʲ f(x + t v)`` at ``t = 0`` for ``j = 0 … order``.

    One Taylor pass of ``f`` (``O(order²)`` per operation).  Returns an array
    of shape ``(order + 1,) + f(x).shape`` whose entry ``j`` is the ``j``-th
    derivative (entry 0 is ``f(x)`` itself, so ``d[j]`` is the ``j``-th
    derivative), or a pytree of such arrays for pytree outputs.

    ``vmap`` over directions works:
    ``vmap(lambda v: derivatives_along(f, x, v, order=k))(V)``.  With
    ``argnums`` (an int or a tuple), ``x`` is the tuple of all positional
    arguments of ``f`` (the others pass through untouched) and ``v`` has the
    structure of the picked argument (a tuple of trees for a tuple).

    Parameters
    ----------
    f : callable
    x, v : array_like or pytree
        Point and direction (same structure and shapes).
    order : int
        Highest derivative order ``k ≥ 0``; ``0`` gives ``f(x)`` alone.  At
        most 170: ``171!`` overflows float64 (a larger order raises
        ``ValueError``; :func:`taylor` gives the normalised coefficients
        ``f⁽ʲ⁾/j!`` at any order).

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.ad.taylor import derivatives_along
    >>> f = lambda x: np.sum(x ** 3)
    >>> derivatives_along(f, np.array([1.0, 2.0]), np.array([1.0, 1.0]), order=4)
    array([ 9., 15., 18., 12.,  0.])
    >>> derivatives_along(lambda p, c: c * p["a"] ** 2, ({"a": 1.0}, 3.0), {"a": 1.0}, order=2, argnums=0)
    array([3., 6., 6.])
    """
    order = _check_order(order)
    fact = _factorials(order, f"derivatives_along(order={order})")
    x, f = select(f, x, argnums, "derivatives_along")
    o_tree, results, _ = _run(f, x, [v], order, truncate=True)
    outs = []
    for r in results:
        ds = [c if j < 2 else c * fact[j] for j, c in enumerate(r)]
        if not any(isinstance(d, Tracer) for d in ds):
            outs.append(np.stack([np.asarray(d) for d in ds]))
        else:
            outs.append(osc_np.stack(ds))
    return tree_unflatten(o_tree, outs)


class TaylorPolynomial:
    """The Taylor polynomial ``p(z) = Σ_j c_j (z - center)^j`` of a scalar function.

    ``coef`` holds the normalised coefficients ``c_j = f⁽ʲ⁾(center)/j!``;
    ``derivatives`` the derivatives themselves.  Call it on numbers or
    arrays of points (``p(z)``), plot it with ``p.linspace()``, convert it
    with ``p.to_numpy()`` (a :class:`numpy.polynomial.Polynomial` in ``z``),
    differentiate it with ``p.deriv()``.

    >>> import numpy as np
    >>> from osculate.ad.taylor import taylor_polynomial
    >>> p = taylor_polynomial(np.exp, 0.0, order=4)
    >>> p
    TaylorPolynomial(1 + 1·(x - 0) + 0.5·(x - 0)^2 + 0.166667·(x - 0)^3 + 0.0416667·(x - 0)^4)
    >>> round(float(p(0.1)), 8), round(float(np.exp(0.1)), 8)
    (1.10517083, 1.10517092)
    """

    def __init__(self, center, coefficients):
        self.center = center
        self.coefficients = tuple(coefficients)

    @property
    def order(self):
        return len(self.coefficients) - 1

    @property
    def coef(self):
        """Normalised coefficients as a NumPy array (needs concrete values)."""
        return np.array([np.asarray(c, dtype=float) for c in self.coefficients])

    @property
    def derivatives(self):
        """``f⁽ʲ⁾(center)`` for ``j = 0 … order`` (order at most 170 in float64;
        ``coef`` has no such limit)."""
        return np.array(_factorials(self.order, "TaylorPolynomial.derivatives")) * self.coef

    def __call__(self, z):
        h = (z if isinstance(z, Tracer) else np.asarray(z, dtype=float)) - self.center
        out = self.coefficients[-1]
        for c in reversed(self.coefficients[:-1]):
            out = out * h + c
        return out

    def deriv(self, m=1):
        """The ``m``-th derivative, again a Taylor polynomial about ``center``."""
        coefs = list(self.coefficients)
        for _ in range(int(m)):
            coefs = [c * float(j) for j, c in enumerate(coefs)][1:] or [0.0 * coefs[0]]
        return TaylorPolynomial(self.center, coefs)

    def to_numpy(self):
        """A :class:`numpy.polynomial.Polynomial` evaluating ``p`` at absolute ``z``."""
        c = float(np.asarray(self.center, dtype=float))
        return np.polynomial.Polynomial(self.coef, domain=[c - 1.0, c + 1.0], window=[-1.0, 1.0])

    def linspace(self, n=100, radius=1.0):
        """``(z, p(z))`` on ``n`` points of ``[center - radius, center + radius]``, for plotting."""
        c = float(np.asarray(self.center, dtype=float))
        z = np.linspace(c - radius, c + radius, n)
        return z, self(z)

    def __repr__(self):
        try:
            coef = self.coef
            c = float(np.asarray(self.center, dtype=float))
        except Exception:  # noqa: BLE001 - traced coefficients
            return f"TaylorPolynomial(order={self.order}, traced)"
        var = f"(x - {c:g})" if c >= 0 else f"(x + {-c:g})"
        terms = []
        for j, a in enumerate(coef):
            if j == 0:
                terms.append(f"{a:g}")
            else:
                terms.append(f"{a:g}·{var}" + (f"^{j}" if j > 1 else ""))
        return "TaylorPolynomial(" + " + ".join(terms).replace("+ -", "- ") + ")"


def taylor_polynomial(f, x, order):
    """Taylor polynomial of a scalar function of a scalar about ``x``.

    Parameters
    ----------
    f : callable
        ``f(z)`` for a scalar ``z``, returning a scalar.
    x : float
        The expansion point.
    order : int
        Degree ``k ≥ 0`` (``0``: the constant ``f(x)``).  Any order works for
        the coefficients; ``derivatives`` needs ``k ≤ 170`` (float64).

    Returns
    -------
    TaylorPolynomial
        Callable on points (``p(z)``), with ``coef``, ``derivatives``,
        ``deriv()``, ``to_numpy()`` and ``linspace()`` for plotting.

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.ad.taylor import taylor_polynomial
    >>> p = taylor_polynomial(np.log1p, 0.0, order=4)
    >>> p.coef                          # x - x²/2 + x³/3 - x⁴/4
    array([ 0.        ,  1.        , -0.5       ,  0.33333333, -0.25      ])
    >>> p.derivatives[4]
    np.float64(-6.0)
    """
    order = _check_order(order)
    if np.ndim(x) != 0:
        raise ValueError(
            f"taylor_polynomial needs a scalar x, got shape {np.shape(x)}; "
            "use derivatives_along(f, x, v, order) or taylor(f, x, [v]) for arrays"
        )
    s = taylor(f, x, [1.0] if order else [], order=order)
    if not isinstance(s, TaylorSeries) or np.shape(s[0]) != ():
        got = describe(s[0]) if isinstance(s, TaylorSeries) else describe(s)
        raise ValueError(
            f"taylor_polynomial needs f to return a scalar, but it returned {got}; "
            "use taylor() for array or pytree outputs"
        )
    center = x if isinstance(x, Tracer) else np.asarray(x, dtype=float)
    return TaylorPolynomial(center, s)


def diagonal_by_taylor(f, x, chunk_size=None):
    """Diagonal ``∂²f/∂xᵢ²`` of the Hessian by second-order Taylor mode: the
    engine of ``osculate.hessian_diagonal(f, x, method="taylor")``.

    Each entry is ``2 y₂`` of the Taylor series along a basis vector; all
    directions are propagated in batched passes (``vmap``) of ``chunk_size``
    directions; by default a block holds at most 2²⁰ numbers, so the memory
    stays O(n) at any size (one pass when n ≤ 1024).  The primal is computed once, and each operation
    costs three coefficient streams instead of the four of forward over
    forward (:func:`osculate.ad.transforms.diagonal_by_chunks`).

    >>> import numpy as np
    >>> from osculate.ad.taylor import diagonal_by_taylor
    >>> diagonal_by_taylor(lambda x: np.sum(x ** 3) + x[0] * x[1], np.array([1.0, 2.0]))
    array([ 6., 12.])
    """

    def second(x, e):
        s = taylor(f, x, [e], order=2)
        if not isinstance(s, TaylorSeries):  # f returned a tuple, list, dict or None
            check_scalar(s, "hessian_diagonal")
        return 2.0 * scalar_out(s[2], "hessian_diagonal")

    return basis_diagonal(x, chunk_size, second)
