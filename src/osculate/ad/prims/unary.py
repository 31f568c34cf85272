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


def unary(name, impl, deriv, reads="xy"):
    """Define an elementwise primitive from its derivative ``deriv(x, y)``.

    ``reads`` names what ``deriv`` uses, the input ``x`` and/or the output
    ``y``: reverse mode keeps only those on its tape (the ``residuals`` rule).
    """
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
    keep = ("x" in reads, "y" in reads)
    p.def_rule("residuals", lambda wants: ((keep[0],), keep[1]))
    UNARY[name] = p
    return p


def _b(name):
    p = UNARY[name]
    return lambda x, **params: p.bind(x, **params)


def _sign(x):
    return NONDIFF["sign"].bind(x)


# name, NumPy implementation, derivative(x, y)
unary("exp", np.exp, lambda x, y: y, reads="y")
unary("expm1", np.expm1, lambda x, y: y + 1.0, reads="y")
unary("exp2", np.exp2, lambda x, y: y * _LN2, reads="y")
unary("log", np.log, lambda x, y: 1.0 / x, reads="x")
unary("log1p", np.log1p, lambda x, y: 1.0 / (1.0 + x), reads="x")
unary("log2", np.log2, lambda x, y: 1.0 / (x * _LN2), reads="x")
unary("log10", np.log10, lambda x, y: 1.0 / (x * _LN10), reads="x")
unary("sqrt", np.sqrt, lambda x, y: 0.5 / y, reads="y")
unary("cbrt", np.cbrt, lambda x, y: 1.0 / (3.0 * y * y), reads="y")
unary("square", np.square, lambda x, y: 2.0 * x, reads="x")
unary("reciprocal", lambda x: np.reciprocal(np.asarray(x, dtype=np.result_type(x, 1.0))), lambda x, y: -(y * y), reads="y")
unary("abs", np.abs, lambda x, y: _sign(x), reads="x")
unary("sin", np.sin, lambda x, y: UNARY["cos"].bind(x), reads="x")
unary("cos", np.cos, lambda x, y: -UNARY["sin"].bind(x), reads="x")
unary("tan", np.tan, lambda x, y: 1.0 + y * y, reads="y")
unary("arcsin", np.arcsin, lambda x, y: 1.0 / UNARY["sqrt"].bind(1.0 - x * x), reads="x")
unary("arccos", np.arccos, lambda x, y: -1.0 / UNARY["sqrt"].bind(1.0 - x * x), reads="x")
unary("arctan", np.arctan, lambda x, y: 1.0 / (1.0 + x * x), reads="x")
unary("sinh", np.sinh, lambda x, y: UNARY["cosh"].bind(x), reads="x")
unary("cosh", np.cosh, lambda x, y: UNARY["sinh"].bind(x), reads="x")
unary("tanh", np.tanh, lambda x, y: 1.0 - y * y, reads="y")
unary("arcsinh", np.arcsinh, lambda x, y: 1.0 / UNARY["sqrt"].bind(x * x + 1.0), reads="x")
unary("arccosh", np.arccosh, lambda x, y: 1.0 / UNARY["sqrt"].bind(x * x - 1.0), reads="x")
unary("arctanh", np.arctanh, lambda x, y: 1.0 / (1.0 - x * x), reads="x")
# special functions
_TWO_OVER_SQRT_PI = float(2.0 / np.sqrt(np.pi))
unary("erf", _sp.erf, lambda x, y: _TWO_OVER_SQRT_PI * UNARY["exp"].bind(-(x * x)), reads="x")
unary("erfc", _sp.erfc, lambda x, y: -_TWO_OVER_SQRT_PI * UNARY["exp"].bind(-(x * x)), reads="x")
unary("expit", _sp.expit, lambda x, y: y * (1.0 - y), reads="y")
unary("gammaln", _sp.gammaln, lambda x, y: UNARY["digamma"].bind(x), reads="x")
unary("digamma", _sp.digamma, lambda x, y: UNARY["polygamma"].bind(x, n=1), reads="x")
unary(
    "polygamma",
    lambda x, n: _sp.polygamma(n, x),
    lambda x, y, n: UNARY["polygamma"].bind(x, n=n + 1),
    reads="x",
)
unary("positive", np.positive, lambda x, y: 1.0, reads="")

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


# --------------------------------------------------------------------------- taylor rules
# Univariate Taylor propagation (osculate.ad.taylor): each function's series
# from the ODE it satisfies, O(K²) per call; see the module docstring there.
# ``series_fn(a, y0, K, **params)`` maps the full input series a = [x₀, …, x_K]
# to the full output series.

def _install_taylor_rules():
    from .. import taylor as T

    def u(name, x, **params):
        return UNARY[name].bind(x, **params)

    def one_minus_square(a, K):  # 1 - a²
        sq = T.series_square(a, K)
        return [1.0 - sq[0]] + [T.neg(c) for c in sq[1:]]

    def square_plus(a, K, c):  # a² + c
        sq = T.series_square(a, K)
        return [sq[0] + c] + sq[1:]

    def inv_sqrt(w, K):  # w^(-1/2)
        return T.series_pow(w, -0.5, K, 1.0 / u("sqrt", w[0]))

    def recip(w, K):
        return T.series_reciprocal(w, K, 1.0 / w[0])

    def by_derivative(g_of):
        """y' = g(x) x' with the series of g(x) to order K - 1 from ``g_of(a, K - 1)``."""
        return lambda a, y0, K: T.series_ode_known(a, g_of(a, K - 1), K, y0)

    def gauss(a, K, c):  # c exp(-a²)
        w = [T.neg(t) for t in T.series_square(a, K)]
        e = T.series_exp(w, K, u("exp", w[0]))
        return [T.scale(t, c) for t in e]

    def tower(derivative):
        return lambda a, y0, K, **params: T.series_from_derivatives(a, K, y0, lambda m: derivative(a[0], m, **params))

    two_over_sqrt_pi = float(2.0 / np.sqrt(np.pi))
    rules = {
        "exp": lambda a, y0, K: T.series_exp(a, K, y0),
        "expm1": lambda a, y0, K: [y0] + T.series_exp(a, K, y0 + 1.0)[1:],
        "exp2": lambda a, y0, K: T.series_exp(T.series_scale(a, _LN2, K), K, y0),
        "log": lambda a, y0, K: T.series_log(a, K, y0),
        "log1p": lambda a, y0, K: T.series_log([1.0 + a[0]] + a[1:], K, y0),
        "log2": lambda a, y0, K: [y0] + T.series_scale(T.series_log(a, K, y0), 1.0 / _LN2, K)[1:],
        "log10": lambda a, y0, K: [y0] + T.series_scale(T.series_log(a, K, y0), 1.0 / _LN10, K)[1:],
        "sqrt": lambda a, y0, K: T.series_sqrt(a, K, y0),
        "cbrt": lambda a, y0, K: T.series_pow(a, 1.0 / 3.0, K, y0),
        "square": lambda a, y0, K: T.series_square(a, K, y0),
        "reciprocal": lambda a, y0, K: T.series_reciprocal(a, K, y0),
        "abs": lambda a, y0, K: [y0] + T.series_scale(a, _sign(a[0]), K)[1:],
        "sin": lambda a, y0, K: T.series_sincos(a, K, y0, u("cos", a[0]), need=("s",))[0],
        "cos": lambda a, y0, K: T.series_sincos(a, K, u("sin", a[0]), y0, need=("c",))[1],
        "sinh": lambda a, y0, K: T.series_sincos(a, K, y0, u("cosh", a[0]), True, need=("s",))[0],
        "cosh": lambda a, y0, K: T.series_sincos(a, K, u("sinh", a[0]), y0, True, need=("c",))[1],
        "tan": lambda a, y0, K: T.series_ode(a, K, y0, 1.0 + y0 * y0, T.square_coefficient),
        "tanh": lambda a, y0, K: T.series_ode(
            a, K, y0, 1.0 - y0 * y0, lambda y, k: T.neg(T.square_coefficient(y, k))),
        "expit": lambda a, y0, K: T.series_ode(
            a, K, y0, y0 - y0 * y0, lambda y, k: T.sub(y[k], T.square_coefficient(y, k))),
        "arcsin": by_derivative(lambda a, K: inv_sqrt(one_minus_square(a, K), K)),
        "arccos": by_derivative(lambda a, K: T.series_scale(inv_sqrt(one_minus_square(a, K), K), -1.0, K)),
        "arctan": by_derivative(lambda a, K: recip(square_plus(a, K, 1.0), K)),
        "arcsinh": by_derivative(lambda a, K: inv_sqrt(square_plus(a, K, 1.0), K)),
        "arccosh": by_derivative(lambda a, K: inv_sqrt(square_plus(a, K, -1.0), K)),
        "arctanh": by_derivative(lambda a, K: recip(one_minus_square(a, K), K)),
        "erf": by_derivative(lambda a, K: gauss(a, K, two_over_sqrt_pi)),
        "erfc": by_derivative(lambda a, K: gauss(a, K, -two_over_sqrt_pi)),
        # every derivative of these is a polygamma function: the derivative tower (O(K³))
        "gammaln": tower(lambda x, m: u("digamma", x) if m == 1 else u("polygamma", x, n=m - 1)),
        "digamma": tower(lambda x, m: u("polygamma", x, n=m)),
        "polygamma": tower(lambda x, m, n: u("polygamma", x, n=n + m)),
    }
    for name, p in UNARY.items():
        if name == "positive":
            p.def_rule("taylor", T.linear_rule(p))
        else:
            p.def_rule("taylor", T.unary_rule(p, rules[name]))


_install_taylor_rules()
