"""More of ``scipy.special`` as primitives: the exponential, sine/cosine and
Fresnel integrals and the Pochhammer symbol (with the confluent and Gauss
hypergeometric functions of :mod:`.hypergeometric`, in the table below).

The same factories as :mod:`.special` (one line per function, derivative
written with primitives, so every order works):

* ``expn(n, x)``: ``E_n' = -E_{n-1}``, and ``E_0' = -E_0 (1 + 1/x)`` for
  ``E_0(x) = e^-x / x``; ``n`` is an integer order, a constant.
* ``fresnel(x) -> (S, C)``: ``S' = sin(πx²/2)``, ``C' = cos(πx²/2)``; the two
  outputs are the primitives ``fresnel_s`` and ``fresnel_c``.
* ``sici(x) -> (Si, Ci)`` and ``shichi(x) -> (Shi, Chi)``: ``Si' = sin x / x``
  (1 at 0), ``Ci' = cos x / x``, ``Shi' = sinh x / x``, ``Chi' = cosh x / x``;
  at ``x = 0`` the first derivative of ``Si`` and ``Shi`` is the limit 1,
  their higher derivatives there are not (use a point away from 0).
* ``poch(z, m) = Γ(z + m) / Γ(z)``, in both arguments:
  ``∂z = poch · (ψ(z + m) − ψ(z))``, ``∂m = poch · ψ(z + m)``.
* ``hyp1f1`` and ``hyp2f1`` are in :mod:`.hypergeometric` (differentiable in
  every argument) and listed here with the rest.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ..core import UnsupportedFunctionError
from .arithmetic import where
from .nondiff import equal
from .special import special2
from .hypergeometric import hyp1f1, hyp2f1
from .unary import UNARY, unary

__all__ = ["EXTRA_FUNCTIONS", "fresnel", "sici", "shichi", "hyp1f1", "hyp2f1"]

_HALF_PI = 0.5 * np.pi


def _u(name):
    return UNARY[name].bind


def _constant_order(name, what):
    def d(n, x, out):
        raise UnsupportedFunctionError(
            f"scipy.special.{name}: {what} is an integer order, a constant: it cannot be differentiated "
            "(pass it as a number or an integer array)"
        )

    return d


def _over_x(f, at_zero):
    """``f(x) / x`` with the value ``at_zero`` at ``x = 0`` (the limit, removable for
    ``sin``/``sinh``; ``inf`` for ``cos``/``cosh``, without a division warning: ``sici``
    computes both outputs, so ``Ci``'s derivative is formed whenever ``Si``'s is)."""

    def d(x, y):
        xs = where(equal(x, 0.0), 1.0, x)
        return where(equal(x, 0.0), at_zero, f(xs) / xs)

    return d


# -- one argument
unary("fresnel_s", lambda x: special.fresnel(x)[0], lambda x, y: _u("sin")(_HALF_PI * (x * x)), reads="x")
unary("fresnel_c", lambda x: special.fresnel(x)[1], lambda x, y: _u("cos")(_HALF_PI * (x * x)), reads="x")
# Si' = sin(x)/x is entire: np.sinc(x/π) would be exact at 0 as well, but the where() form keeps every order
# right away from 0 and the first derivative right at 0 (its own derivatives at exactly 0 are those of 1)
unary("sici_si", lambda x: special.sici(x)[0], _over_x(_u("sin"), 1.0), reads="x")
unary("sici_ci", lambda x: special.sici(x)[1], _over_x(_u("cos"), np.inf), reads="x")
unary("shichi_shi", lambda x: special.shichi(x)[0], _over_x(_u("sinh"), 1.0), reads="x")
unary("shichi_chi", lambda x: special.shichi(x)[1], _over_x(_u("cosh"), np.inf), reads="x")


def fresnel(x):
    """``scipy.special.fresnel(x)``: the Fresnel integrals ``(S(x), C(x))``.

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: fresnel(x)[0])(np.float64(1.0)))  # sin(π/2)
    1.0
    """
    return UNARY["fresnel_s"].bind(x), UNARY["fresnel_c"].bind(x)


def sici(x):
    """``scipy.special.sici(x)``: the sine and cosine integrals ``(Si(x), Ci(x))``.

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: sici(x)[0])(np.float64(0.0)))  # sin(x)/x at 0
    1.0
    """
    return UNARY["sici_si"].bind(x), UNARY["sici_ci"].bind(x)


def shichi(x):
    """``scipy.special.shichi(x)``: the hyperbolic sine and cosine integrals ``(Shi(x), Chi(x))``.

    >>> import numpy as np, osculate as osc
    >>> round(float(osc.grad(lambda x: shichi(x)[1])(np.float64(1.0))), 6)  # cosh(1)
    1.543081
    """
    return UNARY["shichi_shi"].bind(x), UNARY["shichi_chi"].bind(x)


# -- two arguments
def _expn_dx(n, x, out):
    # E_n' = -E_{n-1} for n >= 1; E_0 = e^-x / x has E_0' = -E_0 (1 + 1/x), again in E_0
    # (SciPy's expn is nan for negative orders, so the recurrence stops there)
    e0 = expn_p.bind(0, x)
    lower = expn_p.bind(where(n >= 1, n - 1, 0), x)
    return where(n >= 1, -lower, -(e0 + e0 / x))


expn_p = special2("expn", special.expn, _constant_order("expn(n, x)", "n"), _expn_dx)
poch_p = special2("poch", special.poch,
                  lambda z, m, o: o * (_u("digamma")(z + m) - _u("digamma")(z)),
                  lambda z, m, o: o * _u("digamma")(z + m))


#: ``scipy.special`` name -> osculate function, for every function of this module.
EXTRA_FUNCTIONS = {
    "expn": lambda n, x: expn_p.bind(n, x), "poch": lambda z, m: poch_p.bind(z, m),
    "fresnel": fresnel, "sici": sici, "shichi": shichi, "hyp1f1": hyp1f1, "hyp2f1": hyp2f1,
}
