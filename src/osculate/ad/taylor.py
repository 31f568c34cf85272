"""Taylor mode: univariate Taylor propagation of any order.

A :class:`TaylorTracer` carries the truncated power series of a value along a
curve ``x(t) = x₀ + x₁ t + x₂ t² + … + x_K t^K``: its ``primal`` ``x₀`` and the
tuple ``series = (x₁, …, x_K)`` of *normalised* coefficients
``x_j = x⁽ʲ⁾(0) / j!``.  Absent coefficients are the symbolic :data:`zero`, so
constants and straight lines (``x₂ = … = 0``) cost nothing.  Normalised
coefficients carry no factorials: the recurrences below only ever divide by
``k``, so order 30 neither overflows nor loses accuracy on tame functions.

The rule
--------
Every primitive has a ``taylor`` rule beside its ``jvp``/``vjp``/``batch``
rules (appended to the ``prims`` modules, ``custom.py`` and ``remat.py``)::

    rule(primals, series, order, **params) -> (out_primal, out_series)

``primals[i]`` is the value of input ``i`` (an array, or a tracer of an outer
transformation); ``series[i]`` is a tuple of ``order`` coefficients
``(x₁, …, x_K)`` of input ``i`` (arrays, outer tracers or :data:`zero`; a
constant input gets ``order`` zeros); ``out_series`` is a sequence of
``order`` coefficients of the output, each with the output's shape or
:data:`zero`.  A primitive with several results returns a tuple of primals and
a tuple of such sequences.  A primitive without a rule raises
:class:`~osculate.ad.core.MissingRuleError` naming it, except piecewise-constant
ones (declared with a ``constant_output`` rule), whose series is zero.

Rules are written with primitives and operators on the coefficient values,
never with raw NumPy calls on them, so every other transformation composes
with Taylor mode: ``grad`` of a Taylor coefficient, ``vmap`` over
directions, Taylor mode inside a reverse pass and a reverse pass inside
Taylor mode.

The propagation itself uses the standard recurrences on normalised
coefficients, ``O(K²)`` array operations per elementwise primitive:

* linear primitives apply themselves to each coefficient
  (:func:`linear_rule`), piecewise-constant ones give zero
  (:func:`zero_rule`);
* products are Cauchy products (:func:`series_mul`), bilinear primitives
  (``matmul``, ``einsum``) the same with their own product;
* division, reciprocal, ``sqrt`` and ``pow`` solve ``q·y = x``, ``y² = x``
  and ``x y' = p y x'`` for the next coefficient;
* ``exp``, ``log``, ``sin``/``cos``, ``sinh``/``cosh``, ``tan``, ``tanh``,
  ``expit`` come from the ODEs they satisfy (``y' = y x'``, ``x y' = x'``,
  ``s' = c x'`` with ``c' = -s x'``, ``y' = (1 ± y²) x'``,
  ``y' = y (1 - y) x'``; :func:`series_ode`);
* ``arcsin``, ``arctan``, ``erf`` … integrate their derivative series
  ``y' = g(x) x'`` with ``g`` built by series arithmetic;
* ``gammaln``, ``digamma`` and ``polygamma`` use the derivative tower
  ``y_k = Σ_m f⁽ᵐ⁾(x₀)/m! [δᵐ]_k`` with ``δ = x(t) - x₀``
  (:func:`series_from_derivatives`, ``O(K³)``), since every derivative is
  again a polygamma function;
* ``solve``, ``inv``, ``det``/``logabsdet``, ``cholesky`` and ``eigh`` use the
  series recurrences of ``A X = B``, ``A Y = I``, ``ℓ' = tr(A⁻¹A')``,
  ``L Lᵀ = A`` and ``A V = V Λ`` (distinct eigenvalues assumed, as in the
  JVP);
* ``maximum``/``minimum``/``max``/``min`` select coefficients where the
  primal attains the extremum (ties split as in the JVP), ``abs`` multiplies
  by ``sign(x₀)``;
* user rules (``custom_jvp``, ``custom_vjp``) use :func:`jvp_rule_taylor`:
  the derivative series ``y'(t) = J(x(t)) x'(t)`` is the user's JVP rule
  evaluated by Taylor mode one order lower, then integrated; ``checkpoint``
  simply runs its function under Taylor mode (:func:`call_rule`).

Eager tracing: ``f`` runs on the values, so Python control flow on them
follows the branch taken at ``x₀``.

The API
-------
:func:`taylor` (the output series of ``f(x(t))``), :func:`derivatives_along`
(``dʲ/dtʲ f(x + t v)`` at ``t = 0``), :func:`taylor_polynomial` (a
:class:`TaylorPolynomial` for scalar functions), :func:`laplacian` and
:func:`taylor_hessian_diagonal` (second-order Taylor along all basis
directions, batched with ``vmap``).
"""

from __future__ import annotations

import math

import numpy as np

from .core import LeakedTracerError, MissingRuleError, Trace, Tracer, new_trace, zero

__all__ = [
    "taylor", "derivatives_along", "taylor_polynomial", "laplacian", "taylor_hessian_diagonal",
    "TaylorSeries", "TaylorPolynomial", "TaylorTrace", "TaylorTracer",
    "linear_rule", "zero_rule", "unary_rule", "jvp_rule_taylor", "call_rule",
    "series_mul", "series_square", "series_div", "series_reciprocal", "series_exp", "series_log",
    "series_pow", "series_sqrt", "series_sincos", "series_ode", "series_integrate", "series_derivative",
    "series_from_derivatives",
]


# ===========================================================================
# The trace
# ===========================================================================


class TaylorTracer(Tracer):
    """A value with its truncated Taylor series: ``primal`` and ``series``.

    ``series`` is a tuple of ``order`` normalised coefficients (``x₁ … x_K``),
    each an array, a tracer of an outer transformation, or :data:`zero`.
    """

    __slots__ = ("primal", "series")

    def __init__(self, trace, primal, series):
        self._trace = trace
        self.primal = primal
        self.series = series
        self.shape = primal.shape
        self.dtype = primal.dtype

    def _primal(self):
        return self.primal


class TaylorTrace(Trace):
    """Propagates truncated power series of a fixed ``order`` through primitives."""

    __slots__ = ("order", "zeros")
    kind = "taylor"

    def __init__(self, level, order):
        super().__init__(level)
        self.order = order
        self.zeros = (zero,) * order

    def process(self, prim, args, params):
        if not self.active:
            raise LeakedTracerError(f"a Taylor-mode tracer escaped its transformation and reached '{prim.name}'")
        primals = []
        series = []
        for a in args:
            if type(a) is TaylorTracer and a._trace is self:
                primals.append(a.primal)
                series.append(a.series)
            else:
                if isinstance(a, Tracer) and a._trace.level == self.level:
                    a._check()
                primals.append(a)
                series.append(self.zeros)
        rule = prim.rules.get("taylor")
        if rule is None:
            if "constant_output" in prim.rules:  # piecewise constant: its series is zero
                return prim.bind(*primals, **params)
            raise MissingRuleError(
                f"primitive '{prim.name}' has no taylor rule, so it cannot be used in Taylor mode "
                f"(osculate.ad.taylor); define one with `{prim.name}_p.def_rule('taylor', rule)` "
                "where rule(primals, series, order, **params) -> (out, out_series)"
            )
        out, out_series = rule(primals, series, self.order, **params)
        if prim.multiple_results:
            return tuple(self.wrap(o, s) for o, s in zip(out, out_series))
        return self.wrap(out, out_series)

    def wrap(self, out, series):
        series = tuple(series)
        if len(series) != self.order:  # pragma: no cover - a rule bug
            raise RuntimeError(f"taylor rule returned {len(series)} coefficients for order {self.order}")
        if all(c is zero for c in series):
            return out
        if not hasattr(out, "shape"):
            out = np.asarray(out)
        return TaylorTracer(self, out, series)


# ===========================================================================
# Zero-aware coefficient arithmetic
# ===========================================================================


def add(a, b):
    if a is zero:
        return b
    if b is zero:
        return a
    return a + b


def sub(a, b):
    if b is zero:
        return a
    if a is zero:
        return -b
    return a - b


def neg(a):
    return zero if a is zero else -a


def mul(a, b):
    if a is zero or b is zero:
        return zero
    return a * b


def scale(a, c):
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


def sum_terms(terms):
    acc = zero
    for t in terms:
        acc = add(acc, t)
    return acc


def _conv(a, b, k, lo=0, hi=None):
    """Coefficient ``k`` of a Cauchy product restricted to ``lo ≤ j ≤ hi``:
    ``Σ_j a_j b_{k-j}``."""
    if hi is None:
        hi = k
    return sumprod(a[lo:hi + 1], b[k - lo:k - hi - 1 if k - hi - 1 >= 0 else None:-1])


def fit(c, shape):
    """Broadcast a coefficient to ``shape`` (zero stays zero)."""
    if c is zero:
        return zero
    cshape = c.shape if hasattr(c, "shape") else np.shape(c)
    if tuple(cshape) == tuple(shape):
        return c
    from .prims.structural import broadcast_to

    return broadcast_to(c, tuple(shape))


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
    return [add(a[k], b[k]) for k in range(K + 1)]


def series_sub(a, b, K):
    return [sub(a[k], b[k]) for k in range(K + 1)]


def series_scale(a, c, K):
    return [scale(a[k], c) for k in range(K + 1)]


def series_mul(a, b, K, y0=None):
    """Cauchy product ``c_k = Σ_j a_j b_{k-j}``."""
    out = [mul(a[0], b[0]) if y0 is None else y0]
    for k in range(1, K + 1):
        out.append(_conv(a, b, k))
    return out


def series_square(a, K, y0=None):
    """``a²`` using the symmetry of the Cauchy product (half the products)."""
    out = [mul(a[0], a[0]) if y0 is None else y0]
    for k in range(1, K + 1):
        h = (k - 1) // 2
        s = scale(_conv(a, a, k, 0, h), 2.0)
        if k % 2 == 0:
            s = add(s, mul(a[k // 2], a[k // 2]))
        out.append(s)
    return out


def square_coefficient(y, k):
    """Coefficient ``k`` of ``y²`` given ``y₀ … y_k``."""
    h = (k - 1) // 2
    s = scale(_conv(y, y, k, 0, h), 2.0)
    if k % 2 == 0:
        s = add(s, mul(y[k // 2], y[k // 2]))
    return s


def series_reciprocal(a, K, y0):
    """``1/a`` with ``y₀ = 1/a₀``: ``y_k = -y₀ Σ_{j≥1} a_j y_{k-j}``."""
    y = [y0]
    for k in range(1, K + 1):
        y.append(scale(neg(_conv(a, y, k, 1, k)), y0))
    return y


def series_div(a, b, K, y0=None, inv_b0=None):
    """``a / b`` with ``y₀ = a₀/b₀``: ``y_k = (a_k - Σ_{j≥1} b_j y_{k-j}) / b₀``."""
    if inv_b0 is None:
        inv_b0 = 1.0 / b[0]
    if y0 is None:
        y0 = scale(a[0], inv_b0)
    if is_constant(b[1:K + 1]):
        return [y0] + [scale(a[k], inv_b0) for k in range(1, K + 1)]
    y = [y0]
    for k in range(1, K + 1):
        y.append(scale(sub(a[k], _conv(b, y, k, 1, k)), inv_b0))
    return y


def _weighted(a, K, w):
    """``[0, w(1) a₁, …, w(K) a_K]``."""
    return [zero] + [scale(a[j], float(w(j))) for j in range(1, K + 1)]


def series_exp(a, K, y0):
    """``y = C exp(a)`` (``y' = y a'``) with ``y₀`` given:
    ``y_k = (1/k) Σ_{j=1}^k j a_j y_{k-j}``."""
    ja = _weighted(a, K, lambda j: j)
    y = [y0]
    for k in range(1, K + 1):
        y.append(scale(sumprod(ja[1:k + 1], y[k - 1::-1]), 1.0 / k))
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
        y.append(scale(sumprod(ja[1:k + 1], b[k - 1::-1]), 1.0 / k))
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
        yk = scale(sub(a[k], scale(s, 1.0 / k)), inv_a0)
        y.append(yk)
        my.append(scale(yk, float(k)))
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
    p1 = float(p) + 1.0 if scalar else p + 1.0
    for k in range(1, K + 1):
        terms = []
        for j in range(1, k + 1):
            if a[j] is zero or y[k - j] is zero:
                continue
            w = p1 * j - k
            if scalar and w == 0.0:
                continue
            terms.append((a[j] * w) * y[k - j])
        y.append(scale(sum_terms(terms), inv_a0 * (1.0 / k)))
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
        s = scale(_conv(y, y, k, 1, h), 2.0) if h >= 1 else zero
        if k % 2 == 0 and k >= 2:
            s = add(s, mul(y[k // 2], y[k // 2]))
        y.append(scale(sub(a[k], s), inv))
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
            s.append(scale(sumprod(ja[1:k + 1], c[k - 1::-1]), inv_k))
        if k < K or "c" in need:
            c.append(scale(sumprod(ja[1:k + 1], s[k - 1::-1]), sign * inv_k))
    return s, c


def series_derivative(a, K):
    """Series of ``a'(t)`` to order ``K - 1``: ``[(j+1) a_{j+1}]``."""
    return [scale(a[j + 1], float(j + 1)) for j in range(K)]


def series_integrate(q, K, y0):
    """``y`` with ``y' = q`` (``q`` known to order ``K - 1``): ``y_k = q_{k-1}/k``."""
    return [y0] + [scale(q[k - 1], 1.0 / k) for k in range(1, K + 1)]


def series_ode_known(a, g, K, y0):
    """``y' = g · a'`` for a known series ``g`` (to order ``K - 1``)."""
    return series_ode(a, K, y0, g[0], lambda y, k: g[k])


def series_from_derivatives(a, K, y0, derivative):
    """``y = f(a(t))`` from the derivative tower: ``derivative(m)`` returns
    ``f⁽ᵐ⁾(a₀)``; ``y_k = Σ_{m=1}^k f⁽ᵐ⁾(a₀)/m! [δᵐ]_k`` with
    ``δ = a(t) - a₀``.  ``O(K³)``: a fallback for functions without a
    cheaper recurrence (gammaln, digamma, polygamma)."""
    delta = [zero] + list(a[1:K + 1])
    power = delta
    y = [y0] + [zero] * K
    for m in range(1, K + 1):
        if m > 1:
            # [δᵐ]_k = Σ_j [δ^{m-1}]_j δ_{k-j}, nonzero only for k ≥ m
            power = [zero] * m + [_conv(power, delta, k, m - 1, k - 1) for k in range(m, K + 1)]
        if all(c is zero for c in power[m:]):
            continue
        fm = derivative(m) * (1.0 / math.factorial(m))
        for k in range(m, K + 1):
            y[k] = add(y[k], mul(power[k], fm))
    return y


# ===========================================================================
# Rule factories
# ===========================================================================


def zero_rule(prim):
    """Taylor rule of a piecewise-constant primitive: all coefficients zero."""

    def rule(primals, series, order, **params):
        out = prim.bind(*primals, **params)
        if prim.multiple_results:
            return out, tuple((zero,) * order for _ in out)
        return out, (zero,) * order

    return rule


def linear_rule(prim):
    """Taylor rule of a primitive linear in its single array argument:
    ``y_j = prim(x_j)``."""

    def rule(primals, series, order, **params):
        out = prim.bind(primals[0], **params)
        return out, [zero if c is zero else prim.bind(c, **params) for c in series[0]]

    return rule


def unary_rule(prim, series_fn):
    """Taylor rule of an elementwise unary primitive from
    ``series_fn(a, y0, K, **params) -> [y₀, y₁, …, y_K]`` (``a`` the full
    input series)."""

    def rule(primals, series, order, **params):
        x0 = primals[0]
        y0 = prim.bind(x0, **params)
        ys = series_fn(full(x0, series[0]), y0, order, **params)
        return y0, ys[1:]

    return rule


def _zeros_of(p):
    return np.zeros(np.shape(p), dtype=getattr(p, "dtype", np.float64))


def _lift(trace, primal, series):
    """A tracer of ``trace`` for (primal, series), or the primal itself when
    the series is zero."""
    if all(c is zero for c in series):
        return primal
    return TaylorTracer(trace, primal if hasattr(primal, "shape") else np.asarray(primal), tuple(series))


def _lower(trace, out, order):
    """(primal, series) of a value returned from inside ``trace``."""
    if type(out) is TaylorTracer and out._trace is trace:
        return out.primal, out.series
    return out, (zero,) * order


def call_rule(get_fun):
    """Taylor rule for a primitive that just calls a function
    (``get_fun(params)``): run it under a fresh Taylor trace."""

    def rule(primals, series, order, **params):
        fun = get_fun(params)
        with new_trace(TaylorTrace, order) as trace:
            ins = [_lift(trace, p, s) for p, s in zip(primals, series)]
            out = fun(*ins)
            return _lower(trace, out, order)

    return rule


def jvp_rule_taylor(prim, jvp_rule=None):
    """Generic Taylor rule from a primitive's JVP rule.

    The derivative series of the output is ``y'(t) = J(x(t)) x'(t)``: the JVP
    rule evaluated by Taylor mode of order ``K - 1`` on the input series
    ``x(t)`` and its derivative series ``x'(t)``; then ``y_k = [y']_{k-1}/k``.
    Correct to any order as long as the JVP rule is written with
    differentiable operations; costs ``O(K³)``.  Used for ``custom_jvp`` and
    ``custom_vjp`` functions, whose only derivative information is the
    user's rule.
    """

    def rule(primals, series, order, **params):
        jvp = jvp_rule if jvp_rule is not None else prim.rule("jvp")
        K = order
        if prim.multiple_results:  # pragma: no cover - no such primitive uses it
            raise MissingRuleError(f"jvp_rule_taylor does not support multiple-result primitive '{prim.name}'")
        if K == 1:
            tangents = [s[0] for s in series]
            out, t = jvp(list(primals), tangents, **params)
            return out, [t]
        with new_trace(TaylorTrace, K - 1) as trace:
            xs = []
            ts = []
            for p, s in zip(primals, series):
                xs.append(_lift(trace, p, s[:K - 1]))
                d = series_derivative(full(p, s), K)  # x'(t) to order K-1
                if all(c is zero for c in d):
                    ts.append(zero)
                else:
                    d0 = d[0] if d[0] is not zero else _zeros_of(p)
                    ts.append(_lift(trace, d0, d[1:]))
            out, tout = jvp(xs, ts, **params)
            y0, _ = _lower(trace, out, K - 1)
            if tout is zero:
                return y0, (zero,) * K
            q0, qs = _lower(trace, tout, K - 1)
        q = full(q0, qs)
        return y0, series_integrate(q, K, y0)[1:]

    return rule


# ===========================================================================
# The API
# ===========================================================================


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
    from .transforms import _as_float_input
    from .tree import tree_flatten

    leaves, td = tree_flatten(x)
    return [_as_float_input(leaf, f"{what} leaf #{i}" if len(leaves) > 1 else what) for i, leaf in enumerate(leaves)], td


def _coefficient_leaves(c, x_leaves, x_tree, j):
    from .tree import tree_flatten

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


def _run(f, x, series, order, truncate=False):
    """Shared driver: returns (output treedef, [full coefficient lists per output leaf]).

    ``truncate=True`` drops input coefficients beyond ``order`` (they do not
    affect the output up to ``t^order``): used for a direction, which is a
    line of any order.
    """
    from .tree import tree_flatten, tree_unflatten

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
        ins = [_lift(trace, p, s) for p, s in zip(x_leaves, in_series)]
        out = f(tree_unflatten(x_tree, ins))
        o_leaves, o_tree = tree_flatten(out)
        results = []
        for o in o_leaves:
            y0, ys = _lower(trace, o, order)
            if not isinstance(y0, Tracer):
                y0 = np.asarray(y0)
            results.append([y0] + [_zeros_of(y0) if c is zero else c for c in ys])
    return o_tree, results


def taylor(f, x, series, order=None):
    """Truncated Taylor series of ``f`` along a curve, to any order.

    The input curve is ``x(t) = x + x₁ t + x₂ t² + … `` given by its
    normalised coefficients ``series = [x₁, x₂, …]`` (``x_j = x⁽ʲ⁾(0)/j!``,
    each shaped like ``x``; missing higher coefficients are zero, so
    ``[v]`` is the line ``x + t v``).  Returns the normalised coefficients of
    ``f(x(t))`` up to ``t^order`` as a :class:`TaylorSeries` (a tuple
    ``(y₀, …, y_K)`` with ``.derivatives`` giving ``y⁽ʲ⁾(0)``), or a pytree
    of them when ``f`` returns a pytree.  ``x`` may be a pytree; then each
    coefficient has its structure.

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
    """
    from .tree import tree_unflatten

    line = isinstance(series, (np.ndarray, Tracer)) and np.shape(series) == np.shape(x)
    if line:
        series = [series]  # a direction: the line x + t v (of any order, 0 included)
    o_tree, results = _run(f, x, series, order, truncate=line)
    return tree_unflatten(o_tree, [TaylorSeries(r) for r in results])


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


def derivatives_along(f, x, v, order):
    """Directional derivatives ``dʲ/dtʲ f(x + t v)`` at ``t = 0`` for ``j = 0 … order``.

    One Taylor pass of ``f`` (``O(order²)`` per operation).  Returns an array
    of shape ``(order + 1,) + f(x).shape`` whose entry ``j`` is the ``j``-th
    derivative (entry 0 is ``f(x)`` itself, so ``d[j]`` is the ``j``-th
    derivative), or a pytree of such arrays for pytree outputs.

    ``vmap`` over directions works:
    ``vmap(lambda v: derivatives_along(f, x, v, order=k))(V)``.

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
    """
    from .. import numpy as onp
    from .tree import tree_unflatten

    order = _check_order(order)
    fact = _factorials(order, f"derivatives_along(order={order})")
    o_tree, results = _run(f, x, [v], order, truncate=True)
    outs = []
    for r in results:
        ds = [c if j < 2 else c * fact[j] for j, c in enumerate(r)]
        if not any(isinstance(d, Tracer) for d in ds):
            outs.append(np.stack([np.asarray(d) for d in ds]))
        else:
            outs.append(onp.stack(ds))
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
        from .tree import describe

        got = describe(s[0]) if isinstance(s, TaylorSeries) else describe(s)
        raise ValueError(
            f"taylor_polynomial needs f to return a scalar, but it returned {got}; "
            "use taylor() for array or pytree outputs"
        )
    center = x if isinstance(x, Tracer) else np.asarray(x, dtype=float)
    return TaylorPolynomial(center, s)


def taylor_hessian_diagonal(f, x, chunk_size=None):
    """Diagonal ``∂²f/∂xᵢ²`` of the Hessian by second-order Taylor mode.

    Each entry is ``2 y₂`` of the Taylor series along a basis vector; all
    directions are propagated in batched passes (``vmap``) of ``chunk_size``
    directions; by default a block holds at most 2²⁰ numbers, so the memory
    stays O(n) at any size (one pass when n ≤ 1024).  The primal is computed once, and each operation
    costs three coefficient streams instead of the four of forward over
    forward (:func:`osculate.hessian_diagonal`).

    >>> import numpy as np
    >>> from osculate.ad.taylor import taylor_hessian_diagonal
    >>> taylor_hessian_diagonal(lambda x: np.sum(x ** 3) + x[0] * x[1], np.array([1.0, 2.0]))
    array([ 6., 12.])
    """
    from .batching import vmap
    from .transforms import _as_float_input, _bounded_chunk, _check_scalar, _chunks, _reshape, _scalar_out, _stack_chunks

    x = _as_float_input(x, "taylor_hessian_diagonal input")
    shape = tuple(x.shape)
    n = int(np.prod(shape))
    k = _bounded_chunk(chunk_size, n)

    def second(e):
        s = taylor(f, x, [_reshape(e, shape)], order=2)
        if not isinstance(s, TaylorSeries):  # f returned a tuple, list, dict or None
            _check_scalar(s, "taylor_hessian_diagonal")
        return 2.0 * _scalar_out(s[2], "taylor_hessian_diagonal")

    fn = vmap(second)
    parts = [fn(block) for block in _chunks(n, k, x.dtype)]
    if not parts:
        return np.zeros(shape)
    return _reshape(_stack_chunks(parts, 0), shape)


def laplacian(f, x, chunk_size=None):
    """Laplacian ``Δf(x) = Σᵢ ∂²f/∂xᵢ²`` of a scalar function by Taylor mode.

    The sum of :func:`taylor_hessian_diagonal`: second-order Taylor
    propagation along every basis direction, batched with ``vmap``.

    >>> import numpy as np
    >>> from osculate.ad.taylor import laplacian
    >>> float(laplacian(lambda x: np.sum(x ** 2) + np.sin(x[0]), np.array([0.0, 1.0, 2.0])))
    6.0
    """
    from .. import numpy as onp

    d = taylor_hessian_diagonal(f, x, chunk_size)
    return onp.sum(d)
