"""Taylor mode: the trace that propagates truncated power series.

A :class:`TaylorTracer` carries the series of a value along a curve
``x(t) = x₀ + x₁ t + … + x_K t^K``: its ``primal`` ``x₀`` and the tuple
``series = (x₁, …, x_K)`` of normalised coefficients ``x_j = x⁽ʲ⁾(0)/j!``
(arrays, tracers of enclosing transformations, or :data:`zero`, so constants
and straight lines cost nothing).  Each primitive maps its inputs' series to
its output's with its ``taylor`` rule (contract in
:data:`osculate.ad.core.RULE_KINDS`); piecewise-constant primitives
(``constant_output``) need none.  The recurrences the rules use are in
:mod:`osculate.ad.series`; the user-facing functions (``taylor``,
``derivatives_along``...) in :mod:`osculate.ad.taylor`.

Rules are written with primitives and operators on the coefficient values,
so every other transformation composes with Taylor mode, in either nesting.

This module also holds the generic rules that whole families use:
:func:`linear_rule` (apply the primitive to each coefficient),
:func:`unary_rule` (an elementwise function given its series recurrence),
:func:`derivative_rule` (an elementwise function given only its derivative)
and :func:`jvp_rule` (any primitive, from its JVP rule).
"""

from __future__ import annotations

import numpy as np

from .core import LeakedTracerError, Trace, Tracer, new_trace, zero
from .series import full, series_derivative, series_integrate, series_ode_known
from .util import zeros_like

__all__ = ["TaylorTrace", "TaylorTracer", "lift", "lower", "linear_rule", "unary_rule", "derivative_rule", "jvp_rule"]


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
        if prim.constant_output:  # piecewise constant: its series is zero
            return prim.bind(*primals, **params)
        out, out_series = prim.rule("taylor")(primals, series, self.order, **params)
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


def lift(trace, primal, series):
    """A tracer of ``trace`` for (primal, series), or the primal itself when
    the series is zero."""
    if all(c is zero for c in series):
        return primal
    return TaylorTracer(trace, primal if hasattr(primal, "shape") else np.asarray(primal), tuple(series))


def lower(trace, out, order):
    """(primal, series) of a value returned from inside ``trace``."""
    if type(out) is TaylorTracer and out._trace is trace:
        return out.primal, out.series
    return out, (zero,) * order


# --------------------------------------------------------------------------- generic rules


def linear_rule(prim):
    """Taylor rule of a primitive linear in its single array argument:
    ``y_j = prim(x_j)``."""

    def rule(primals, series, order, **params):
        out = prim.bind(primals[0], **params)
        return out, [zero if c is zero else prim.bind(c, **params) for c in series[0]]

    return rule


def unary_rule(prim, series_fn):
    """Taylor rule of an elementwise unary primitive from its recurrence
    ``series_fn(a, y0, K, **params) -> [y₀, y₁, …, y_K]`` (``a`` the full
    input series, ``y0`` the primal output)."""

    def rule(primals, series, order, **params):
        x0 = primals[0]
        y0 = prim.bind(x0, **params)
        ys = series_fn(full(x0, series[0]), y0, order, **params)
        return y0, ys[1:]

    return rule


def derivative_rule(prim, deriv, reads="x"):
    """Taylor rule of an elementwise unary primitive from its derivative
    ``deriv(x, y, **params)`` alone, for functions without a recurrence.

    ``y' = d · x'`` with ``d = deriv(x(t))``: when ``deriv`` reads only ``x``
    its series to order ``K - 1`` is Taylor mode itself, one order lower
    (``deriv`` is written with primitives), and ``y_k = (1/k) Σ_j j x_j
    d_{k-j}``: ``O(K²)`` operations on top of those of ``deriv``.  When it
    reads the output ``y`` too, the rule is :func:`jvp_rule` (``O(K³)``).
    """
    if "y" in reads:
        return jvp_rule(prim)

    def rule(primals, series, order, **params):
        x0 = primals[0]
        y0 = prim.bind(x0, **params)
        xs = series[0]
        if order == 1:
            return y0, [zero if xs[0] is zero else xs[0] * deriv(x0, y0, **params)]
        with new_trace(TaylorTrace, order - 1) as trace:
            d = deriv(lift(trace, x0, xs[:order - 1]), y0, **params)
            d0, ds = lower(trace, d, order - 1)
        return y0, series_ode_known(full(x0, xs), full(d0, ds), order, y0)[1:]

    return rule


def jvp_rule(prim, jvp=None):
    """Generic Taylor rule from a primitive's JVP rule.

    The derivative series of the output is ``y'(t) = J(x(t)) x'(t)``: the JVP
    rule evaluated by Taylor mode of order ``K - 1`` on the input series
    ``x(t)`` and its derivative series ``x'(t)``; then ``y_k = [y']_{k-1}/k``.
    Correct to any order as long as the JVP rule is written with
    differentiable operations; costs ``O(K³)``.  Used for ``custom_jvp`` and
    ``custom_vjp`` functions, whose only derivative information is the
    user's rule, and for primitives whose Taylor rule is their jvp's (one
    series per result for a primitive with several results).
    """

    def rule(primals, series, order, **params):
        jvp_fn = jvp if jvp is not None else prim.rule("jvp")
        K = order
        if K == 1:
            tangents = [s[0] for s in series]
            out, t = jvp_fn(list(primals), tangents, **params)
            return out, (tuple([ti] for ti in t) if prim.multiple_results else [t])
        with new_trace(TaylorTrace, K - 1) as trace:
            xs = []
            ts = []
            for p, s in zip(primals, series):
                xs.append(lift(trace, p, s[:K - 1]))
                d = series_derivative(full(p, s), K)  # x'(t) to order K-1
                if all(c is zero for c in d):
                    ts.append(zero)
                else:
                    d0 = d[0] if d[0] is not zero else zeros_like(p)
                    ts.append(lift(trace, d0, d[1:]))
            out, tout = jvp_fn(xs, ts, **params)
            outs, touts = (out, tout) if prim.multiple_results else ((out,), (tout,))
            y0s = [lower(trace, o, K - 1)[0] for o in outs]
            qs = [None if q is zero else lower(trace, q, K - 1) for q in touts]
        res = [(zero,) * K if q is None else series_integrate(full(*q), K, y0)[1:] for y0, q in zip(y0s, qs)]
        return (tuple(y0s), tuple(res)) if prim.multiple_results else (y0s[0], res[0])

    return rule
