"""Elementwise unary primitives, one line each.

A line names the function's NumPy implementation and its derivative
``d(x, y)`` (``y`` is the primal output, reused so nothing is recomputed),
says what the derivative reads (reverse mode keeps only that on its tape),
and optionally gives a Taylor recurrence ``series(a, y0, K)`` and a sparsity
rule.  :func:`unary` turns that into every rule: the jvp (``t * d``), the vjp
(``ct * d``), the batch rule (elementwise), the Taylor rule (the recurrence,
or else the generic one built from ``d`` alone,
:func:`osculate.ad.taylor_trace.derivative_rule`) and the sparsity rule
(nonlinear unless stated).  Since ``d`` is written with primitives, every
function here can be differentiated to any order.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .. import sparsity, taylor_trace
from ..batching import elementwise_batch
from ..core import Primitive
from ..forward import def_tangent
from ..series import (
    coeff_neg, coeff_sub, series_exp, series_log, series_ode, series_pow, series_reciprocal, series_scale,
    series_sincos, series_sqrt, series_square, square_coefficient,
)
from .nondiff import sign

__all__ = ["UNARY"]  # (the factory `unary` is not star-exported: it would shadow this module in `prims`)

UNARY: dict[str, Primitive] = {}


def unary(name, impl, deriv, reads="xy", taylor=None, sparsity_rule=sparsity.nonlinear_rule):
    """Define an elementwise primitive from its derivative ``deriv(x, y, **params)``.

    ``reads`` names what ``deriv`` uses, the input ``x`` and/or the output
    ``y``: reverse mode keeps only those on its tape (the ``residuals`` rule).
    ``taylor(a, y0, K, **params) -> [y₀, …, y_K]`` is the function's series
    recurrence (``a`` the input's full series); without one, Taylor mode
    integrates ``y' = d · x'`` with ``d``'s own series.  ``sparsity_rule``
    defaults to "nonlinear" (every pair of the input's dependencies).
    """
    p = Primitive(name, impl)

    def_tangent(p, lambda y, primals, tangents, **params: tangents[0] * deriv(primals[0], y, **params))

    @p.def_vjp
    def vjp(ct, y, primals, wants, **params):
        return (ct * deriv(primals[0], y, **params),)

    keep = ("x" in reads, "y" in reads)
    p.def_rule("residuals", lambda wants: ((keep[0],), keep[1]))
    p.def_rule("batch", elementwise_batch(p))
    if taylor is None:
        p.def_rule("taylor", taylor_trace.derivative_rule(p, deriv, reads))
    else:
        p.def_rule("taylor", taylor_trace.unary_rule(p, taylor))
    p.def_rule("sparsity", sparsity_rule)
    UNARY[name] = p
    return p


def _b(name):
    p = UNARY[name]
    return lambda x, **params: p.bind(x, **params)


_LN2 = float(np.log(2.0))
_LN10 = float(np.log(10.0))
_TWO_OVER_SQRT_PI = float(2.0 / np.sqrt(np.pi))

# name, NumPy implementation, derivative(x, y), what it reads, [Taylor recurrence], [sparsity]
unary("exp", np.exp, lambda x, y: y, reads="y", taylor=lambda a, y0, K: series_exp(a, K, y0))
# (expm1's slope is exp(x), not y + 1, which has lost its digits where y ≈ -1)
unary("expm1", np.expm1, lambda x, y: _b("exp")(x), reads="x",
      taylor=lambda a, y0, K: [y0] + series_exp(a, K, _b("exp")(a[0]))[1:])
unary("exp2", np.exp2, lambda x, y: y * _LN2, reads="y",
      taylor=lambda a, y0, K: series_exp(series_scale(a, _LN2, K), K, y0))
unary("log", np.log, lambda x, y: 1.0 / x, reads="x", taylor=lambda a, y0, K: series_log(a, K, y0))
unary("log1p", np.log1p, lambda x, y: 1.0 / (1.0 + x), reads="x",
      taylor=lambda a, y0, K: series_log([1.0 + a[0]] + a[1:], K, y0))
unary("log2", np.log2, lambda x, y: 1.0 / (x * _LN2), reads="x",
      taylor=lambda a, y0, K: [y0] + series_scale(series_log(a, K, y0), 1.0 / _LN2, K)[1:])
unary("log10", np.log10, lambda x, y: 1.0 / (x * _LN10), reads="x",
      taylor=lambda a, y0, K: [y0] + series_scale(series_log(a, K, y0), 1.0 / _LN10, K)[1:])
unary("sqrt", np.sqrt, lambda x, y: 0.5 / y, reads="y", taylor=lambda a, y0, K: series_sqrt(a, K, y0))
unary("cbrt", np.cbrt, lambda x, y: 1.0 / (3.0 * y * y), reads="y",
      taylor=lambda a, y0, K: series_pow(a, 1.0 / 3.0, K, y0))
unary("square", np.square, lambda x, y: 2.0 * x, reads="x", taylor=lambda a, y0, K: series_square(a, K, y0))
unary("reciprocal", lambda x: np.reciprocal(np.asarray(x, dtype=np.result_type(x, 1.0))), lambda x, y: -(y * y),
      reads="y", taylor=lambda a, y0, K: series_reciprocal(a, K, y0))
unary("abs", np.abs, lambda x, y: sign(x), reads="x", sparsity_rule=sparsity.piecewise_linear_rule)
unary("sin", np.sin, lambda x, y: UNARY["cos"].bind(x), reads="x",
      taylor=lambda a, y0, K: series_sincos(a, K, y0, UNARY["cos"].bind(a[0]), need=("s",))[0])
unary("cos", np.cos, lambda x, y: -UNARY["sin"].bind(x), reads="x",
      taylor=lambda a, y0, K: series_sincos(a, K, UNARY["sin"].bind(a[0]), y0, need=("c",))[1])
unary("tan", np.tan, lambda x, y: 1.0 + y * y, reads="y",
      taylor=lambda a, y0, K: series_ode(a, K, y0, 1.0 + y0 * y0, square_coefficient))
unary("arcsin", np.arcsin, lambda x, y: 1.0 / UNARY["sqrt"].bind(1.0 - x * x), reads="x")
unary("arccos", np.arccos, lambda x, y: -1.0 / UNARY["sqrt"].bind(1.0 - x * x), reads="x")
unary("arctan", np.arctan, lambda x, y: 1.0 / (1.0 + x * x), reads="x")
unary("sinh", np.sinh, lambda x, y: UNARY["cosh"].bind(x), reads="x",
      taylor=lambda a, y0, K: series_sincos(a, K, y0, UNARY["cosh"].bind(a[0]), True, need=("s",))[0])
unary("cosh", np.cosh, lambda x, y: UNARY["sinh"].bind(x), reads="x",
      taylor=lambda a, y0, K: series_sincos(a, K, UNARY["sinh"].bind(a[0]), y0, True, need=("c",))[1])
unary("tanh", np.tanh, lambda x, y: 1.0 - y * y, reads="y",
      taylor=lambda a, y0, K: series_ode(a, K, y0, 1.0 - y0 * y0, lambda y, k: coeff_neg(square_coefficient(y, k))))
unary("arcsinh", np.arcsinh, lambda x, y: 1.0 / UNARY["sqrt"].bind(x * x + 1.0), reads="x")
unary("arccosh", np.arccosh, lambda x, y: 1.0 / UNARY["sqrt"].bind(x * x - 1.0), reads="x")
unary("arctanh", np.arctanh, lambda x, y: 1.0 / (1.0 - x * x), reads="x")
# special functions
unary("erf", special.erf, lambda x, y: _TWO_OVER_SQRT_PI * UNARY["exp"].bind(-(x * x)), reads="x")
unary("erfc", special.erfc, lambda x, y: -_TWO_OVER_SQRT_PI * UNARY["exp"].bind(-(x * x)), reads="x")
unary("expit", special.expit, lambda x, y: y * (1.0 - y), reads="y",
      taylor=lambda a, y0, K: series_ode(a, K, y0, y0 - y0 * y0, lambda y, k: coeff_sub(y[k], square_coefficient(y, k))))
unary("gammaln", special.gammaln, lambda x, y: UNARY["digamma"].bind(x), reads="x")
unary("digamma", special.digamma, lambda x, y: UNARY["polygamma"].bind(x, n=1), reads="x")
unary("polygamma", lambda x, n: special.polygamma(n, x), lambda x, y, n: UNARY["polygamma"].bind(x, n=n + 1), reads="x")
unary("positive", np.positive, lambda x, y: 1.0, reads="", sparsity_rule=sparsity.linear_rule)

__all__ += sorted(UNARY)
globals().update({name: _b(name) for name in UNARY})
