"""The incomplete gamma and beta functions of SciPy as primitives.

``gammainc(a, x)`` and ``gammaincc(a, x)`` are differentiable in ``x`` only
(an error names ``a``); ``betainc(a, b, x)`` in ``x`` only, with ``a`` and
``b`` numbers.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .. import taylor_trace
from ..core import UnsupportedFunctionError
from .arithmetic import binary
from .unary import UNARY, unary

__all__ = ["INCOMPLETE", "betainc"]

#: ``gammainc``, ``gammaincc`` and ``betainc`` (joined to ``special.SPECIAL2``).
INCOMPLETE: dict = {}


def _u(name):
    return UNARY[name].bind


def _special2(name, impl, dx, dy):
    p = binary(name, impl, dx, dy, lambda primals, series, order: taylor_rule(primals, series, order))
    taylor_rule = taylor_trace.jvp_rule(p)
    INCOMPLETE[name] = p
    return p


def _not_in_a(name, a="a", x="x"):
    def d(av, xv, out):
        raise UnsupportedFunctionError(
            f"scipy.special.{name}({a}, {x}): the derivative in {a} is not available yet in osculate "
            f"(only the derivative in {x} is); pass {a} as a constant"
        )

    return d


def _dgammainc_dx(a, x, out):
    # x^(a-1) e^(-x) / Γ(a), in logs
    return _u("exp")((a - 1.0) * _u("log")(x) - x - _u("gammaln")(a))


_special2("gammainc", special.gammainc, _not_in_a("gammainc"), _dgammainc_dx)
_special2("gammaincc", special.gammaincc, _not_in_a("gammaincc"), lambda a, x, o: -_dgammainc_dx(a, x, o))


# betainc(a, b, x) in x, with a and b constant numbers (parameters): x^(a-1) (1-x)^(b-1) / B(a, b)
def _dbetainc(x, y, a, b):
    return _u("exp")((a - 1.0) * _u("log")(x) + (b - 1.0) * _u("log1p")(-x) - float(special.betaln(a, b)))


betainc_p = unary("betainc", lambda x, a, b: special.betainc(a, b, x), _dbetainc, reads="x")
INCOMPLETE["betainc"] = UNARY.pop("betainc")  # (not a one-argument function of osculate.numpy, which UNARY's are)


def betainc(a, b, x):
    """``scipy.special.betainc(a, b, x)``, differentiable in ``x``; ``a`` and ``b`` must be
    numbers (the derivative in them is not available yet)."""
    for name, v in (("a", a), ("b", b)):
        if not np.ndim(v) == 0 or not isinstance(v, (int, float, np.integer, np.floating)):
            raise UnsupportedFunctionError(
                f"scipy.special.betainc(a, b, x): osculate differentiates it in x with a and b constant numbers; "
                f"{name} is {type(v).__name__} (the derivative in a and b is not available yet)"
            )
    return betainc_p.bind(x, a=float(a), b=float(b))
