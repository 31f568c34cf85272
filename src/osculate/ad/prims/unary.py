"""Elementwise unary primitives: each is one line naming its NumPy
implementation and its derivative ``d(x, y)`` (``y`` is the primal output,
reused so nothing is recomputed).  ``unary`` turns that into both the jvp
(``t * d``) and the vjp (``ct * d``) rule; since ``d`` is written with
primitives, every function here can be differentiated to any order.
"""

from __future__ import annotations

import numpy as np
from scipy import special as _sp

from ..core import Primitive, zero
from ..batching import elementwise_batch
from .arithmetic import NONDIFF

__all__ = ["UNARY", "unary"]

UNARY: dict[str, Primitive] = {}
_LN2 = float(np.log(2.0))
_LN10 = float(np.log(10.0))


def unary(name, impl, deriv, **fixed):
    """Define an elementwise primitive from its derivative ``deriv(x, y)``."""
    p = Primitive(name, impl)

    @p.def_jvp
    def jvp(primals, tangents, **params):
        x = primals[0]
        y = p.bind(x, **params)
        t = tangents[0]
        if t is zero:
            return y, zero
        return y, t * deriv(x, y, **params)

    @p.def_vjp
    def vjp(ct, y, primals, wants, **params):
        return (ct * deriv(primals[0], y, **params),)

    p.def_rule("batch", elementwise_batch(p))
    UNARY[name] = p
    return p


def _b(name):
    p = UNARY[name]
    return lambda x, **params: p.bind(x, **params)


def _sign(x):
    return NONDIFF["sign"].bind(x)


# name, NumPy implementation, derivative(x, y)
unary("exp", np.exp, lambda x, y: y)
unary("expm1", np.expm1, lambda x, y: y + 1.0)
unary("exp2", np.exp2, lambda x, y: y * _LN2)
unary("log", np.log, lambda x, y: 1.0 / x)
unary("log1p", np.log1p, lambda x, y: 1.0 / (1.0 + x))
unary("log2", np.log2, lambda x, y: 1.0 / (x * _LN2))
unary("log10", np.log10, lambda x, y: 1.0 / (x * _LN10))
unary("sqrt", np.sqrt, lambda x, y: 0.5 / y)
unary("cbrt", np.cbrt, lambda x, y: 1.0 / (3.0 * y * y))
unary("square", np.square, lambda x, y: 2.0 * x)
unary("reciprocal", lambda x: np.reciprocal(np.asarray(x, dtype=np.result_type(x, 1.0))), lambda x, y: -(y * y))
unary("abs", np.abs, lambda x, y: _sign(x))
unary("sin", np.sin, lambda x, y: UNARY["cos"].bind(x))
unary("cos", np.cos, lambda x, y: -UNARY["sin"].bind(x))
unary("tan", np.tan, lambda x, y: 1.0 + y * y)
unary("arcsin", np.arcsin, lambda x, y: 1.0 / UNARY["sqrt"].bind(1.0 - x * x))
unary("arccos", np.arccos, lambda x, y: -1.0 / UNARY["sqrt"].bind(1.0 - x * x))
unary("arctan", np.arctan, lambda x, y: 1.0 / (1.0 + x * x))
unary("sinh", np.sinh, lambda x, y: UNARY["cosh"].bind(x))
unary("cosh", np.cosh, lambda x, y: UNARY["sinh"].bind(x))
unary("tanh", np.tanh, lambda x, y: 1.0 - y * y)
unary("arcsinh", np.arcsinh, lambda x, y: 1.0 / UNARY["sqrt"].bind(x * x + 1.0))
unary("arccosh", np.arccosh, lambda x, y: 1.0 / UNARY["sqrt"].bind(x * x - 1.0))
unary("arctanh", np.arctanh, lambda x, y: 1.0 / (1.0 - x * x))
# special functions
_TWO_OVER_SQRT_PI = float(2.0 / np.sqrt(np.pi))
unary("erf", _sp.erf, lambda x, y: _TWO_OVER_SQRT_PI * UNARY["exp"].bind(-(x * x)))
unary("erfc", _sp.erfc, lambda x, y: -_TWO_OVER_SQRT_PI * UNARY["exp"].bind(-(x * x)))
unary("expit", _sp.expit, lambda x, y: y * (1.0 - y))
unary("gammaln", _sp.gammaln, lambda x, y: UNARY["digamma"].bind(x))
unary("digamma", _sp.digamma, lambda x, y: UNARY["polygamma"].bind(x, n=1))
unary(
    "polygamma",
    lambda x, n: _sp.polygamma(n, x),
    lambda x, y, n: UNARY["polygamma"].bind(x, n=n + 1),
)
unary("positive", np.positive, lambda x, y: 1.0)

__all__ += sorted(UNARY)
globals().update({name: _b(name) for name in UNARY})


# --------------------------------------------------------------------------- sparsity rules
# Every function here is nonlinear (its pairs G(x) × G(x) are added) except
# the piecewise-linear abs and the identity-like positive.

def _install_sparsity_rules():
    from ...sparse import detect as D

    for name, p in UNARY.items():
        if name == "abs":
            p.def_rule("sparsity", D.piecewise_linear_rule)
        elif name == "positive":
            p.def_rule("sparsity", D.linear_rule)
        else:
            p.def_rule("sparsity", D.nonlinear_rule)


_install_sparsity_rules()
