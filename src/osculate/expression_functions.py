"""The functions and constants an expression typed on the command line may
use (:mod:`osculate.expression` parses the text): each function's names,
number of arguments, meaning, its differentiable implementation in
:mod:`osculate.numpy`, and its SymPy form, built object by object.

>>> FUNCTIONS["ln"].name, FUNCTIONS["ln"].arity
('log', (1, 2))
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from . import numpy as osc_np

__all__ = ["FunctionSpec", "FUNCTIONS", "CONSTANTS", "describe_functions"]


def _log(x, base=None):
    return osc_np.log(x) if base is None else osc_np.log(x) / osc_np.log(base)


def _fold(fn):
    return lambda *args: functools.reduce(fn, args)


@dataclass(frozen=True)
class FunctionSpec:
    name: str  # canonical name
    arity: tuple  # (fewest, most) arguments; most None = any number
    impl: object  # works on floats and on osculate's tracers
    sympy: object  # (sympy module, *args) -> SymPy expression, built object by object
    meaning: str


def _sp_unary(attr):
    return lambda sp, a: getattr(sp, attr)(a, evaluate=False)


def _sp_cfunc(attr):
    def build(sp, a):
        from sympy.codegen import cfunctions

        return getattr(cfunctions, attr)(a, evaluate=False)

    return build


def _sp_log(sp, a, base=None):
    if base is None:
        return sp.log(a, evaluate=False)
    return sp.Mul(sp.log(a, evaluate=False), sp.Pow(sp.log(base, evaluate=False), -1, evaluate=False),
                  evaluate=False)


def _sp_cbrt(sp, a):
    return sp.Mul(sp.sign(a, evaluate=False), sp.Pow(sp.Abs(a, evaluate=False), sp.Rational(1, 3), evaluate=False),
                  evaluate=False)


def _sp_expit(sp, a):
    return sp.Pow(sp.Add(1, sp.exp(sp.Mul(-1, a, evaluate=False), evaluate=False), evaluate=False), -1,
                  evaluate=False)


def _sp_softplus(sp, a):
    return sp.log(sp.Add(1, sp.exp(a, evaluate=False), evaluate=False), evaluate=False)


def _sp_logaddexp(sp, a, b):
    return sp.log(sp.Add(sp.exp(a, evaluate=False), sp.exp(b, evaluate=False), evaluate=False), evaluate=False)


def _sp_hypot(sp, a, b):
    return sp.sqrt(sp.Add(sp.Pow(a, 2, evaluate=False), sp.Pow(b, 2, evaluate=False), evaluate=False),
                   evaluate=False)


_TABLE = [
    # (names, arity, implementation, SymPy builder, meaning)
    (("sin",), (1, 1), osc_np.sin, _sp_unary("sin"), "sine"),
    (("cos",), (1, 1), osc_np.cos, _sp_unary("cos"), "cosine"),
    (("tan",), (1, 1), osc_np.tan, _sp_unary("tan"), "tangent"),
    (("asin", "arcsin"), (1, 1), osc_np.arcsin, _sp_unary("asin"), "inverse sine"),
    (("acos", "arccos"), (1, 1), osc_np.arccos, _sp_unary("acos"), "inverse cosine"),
    (("atan", "arctan"), (1, 1), osc_np.arctan, _sp_unary("atan"), "inverse tangent"),
    (("atan2", "arctan2"), (2, 2), osc_np.arctan2, lambda sp, y, x: sp.atan2(y, x, evaluate=False),
     "atan2(y, x), angle of the point (x, y)"),
    (("sinh",), (1, 1), osc_np.sinh, _sp_unary("sinh"), "hyperbolic sine"),
    (("cosh",), (1, 1), osc_np.cosh, _sp_unary("cosh"), "hyperbolic cosine"),
    (("tanh",), (1, 1), osc_np.tanh, _sp_unary("tanh"), "hyperbolic tangent"),
    (("asinh", "arcsinh"), (1, 1), osc_np.arcsinh, _sp_unary("asinh"), "inverse hyperbolic sine"),
    (("acosh", "arccosh"), (1, 1), osc_np.arccosh, _sp_unary("acosh"), "inverse hyperbolic cosine"),
    (("atanh", "arctanh"), (1, 1), osc_np.arctanh, _sp_unary("atanh"), "inverse hyperbolic tangent"),
    (("exp",), (1, 1), osc_np.exp, _sp_unary("exp"), "e to the power x"),
    (("expm1",), (1, 1), osc_np.expm1, _sp_cfunc("expm1"), "exp(x) - 1, accurate near 0"),
    (("exp2",), (1, 1), osc_np.exp2, _sp_cfunc("exp2"), "2 to the power x"),
    (("log", "ln"), (1, 2), _log, _sp_log, "natural logarithm; log(x, b): base b"),
    (("log1p",), (1, 1), osc_np.log1p, _sp_cfunc("log1p"), "log(1 + x), accurate near 0"),
    (("log2",), (1, 1), osc_np.log2, _sp_cfunc("log2"), "base-2 logarithm"),
    (("log10",), (1, 1), osc_np.log10, _sp_cfunc("log10"), "base-10 logarithm"),
    (("sqrt",), (1, 1), osc_np.sqrt, _sp_unary("sqrt"), "square root"),
    (("cbrt",), (1, 1), osc_np.cbrt, _sp_cbrt, "real cube root"),
    (("abs", "Abs"), (1, 1), osc_np.abs, _sp_unary("Abs"), "absolute value"),
    (("max", "Max"), (2, None), _fold(osc_np.maximum), lambda sp, *a: sp.Max(*a, evaluate=False),
     "largest argument (two or more)"),
    (("min", "Min"), (2, None), _fold(osc_np.minimum), lambda sp, *a: sp.Min(*a, evaluate=False),
     "smallest argument (two or more)"),
    (("hypot",), (2, 2), osc_np.hypot, _sp_hypot, "sqrt(x**2 + y**2)"),
    (("logaddexp",), (2, 2), osc_np.logaddexp, _sp_logaddexp, "log(exp(x) + exp(y)), without overflow"),
    (("softplus",), (1, 1), osc_np.softplus, _sp_softplus, "log(1 + exp(x)), without overflow"),
    (("expit", "sigmoid"), (1, 1), osc_np.expit, _sp_expit, "logistic sigmoid 1 / (1 + exp(-x))"),
    (("erf",), (1, 1), osc_np.erf, _sp_unary("erf"), "error function"),
    (("erfc",), (1, 1), osc_np.erfc, _sp_unary("erfc"), "complementary error function 1 - erf(x)"),
    (("gammaln", "loggamma"), (1, 1), osc_np.gammaln, _sp_unary("loggamma"), "log of the gamma function (x > 0)"),
    (("digamma",), (1, 1), osc_np.digamma, _sp_unary("digamma"), "derivative of gammaln"),
]

#: Every callable name (aliases included) -> its description.
FUNCTIONS: dict = {}
for _names, _arity, _impl, _sp, _meaning in _TABLE:
    _fn = FunctionSpec(_names[0], _arity, _impl, _sp, _meaning)
    for _n in _names:
        FUNCTIONS[_n] = _fn
del _names, _arity, _impl, _sp, _meaning, _fn, _n

#: Named constants: ``pi`` is π and ``E`` is Euler's number e = exp(1) (lower-case ``e`` is a variable).
CONSTANTS = {"pi": float(np.pi), "E": float(np.e)}


def describe_functions(width=None):
    """One line per function: its names (aliases after a slash), arguments and meaning.

    >>> print(describe_functions().splitlines()[0])
    sin(x)                  sine
    """
    lines, seen = [], set()
    for names, arity, _impl, _sp, meaning in _TABLE:
        if names[0] in seen:
            continue
        seen.add(names[0])
        lo, hi = arity
        args = {1: "x", 2: "x, y"}[lo] + (", ..." if hi is None else "") + (", b" if (lo, hi) == (1, 2) else "")
        if names[0] == "atan2":
            args = "y, x"
        lines.append(f"{'/'.join(names) + '(' + args + ')':24s}{meaning}")
    return "\n".join(lines)
