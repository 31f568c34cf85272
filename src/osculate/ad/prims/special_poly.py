"""``scipy.special``'s orthogonal polynomials and ``lpmv`` as primitives,
differentiable in ``x`` to every order.

Each ``eval_*`` function takes SciPy's arguments (the degree ``n`` first, then
any parameters, ``x`` last), takes its value from SciPy, and broadcasts like
SciPy's ufunc (an integer array ``n`` against an array ``x`` included).  Its
derivative in ``x`` is a call of a primitive of this module at degree ``n - 1``
with shifted parameters, so every higher derivative follows by composition:

* ``eval_gegenbauer(n, α, x)``: ``C_n^(α)' = 2α C_{n-1}^(α+1)``.
* ``eval_jacobi(n, α, β, x)``: ``P_n^(α,β)' = (n + α + β + 1)/2 P_{n-1}^(α+1,β+1)``.
* ``eval_genlaguerre(n, α, x)``: ``L_n^(α)' = -L_{n-1}^(α+1)``; ``eval_laguerre``:
  ``L_n' = -L_{n-1}^(1)``.
* ``eval_hermite``: ``H_n' = 2n H_{n-1}``; ``eval_hermitenorm``: ``He_n' = n He_{n-1}``.
* ``eval_legendre``: ``P_n = C_n^(1/2)``, so ``P_n' = C_{n-1}^(3/2)``.
* ``eval_chebyt``: ``T_n' = n U_{n-1}``; ``eval_chebyu``: ``U_n = C_n^(1)``, so
  ``U_n' = 2 C_{n-1}^(2)`` (no division by ``x² - 1``: regular at ``x = ±1``).
* ``eval_chebyc`` and ``eval_chebys`` are SciPy's ``C_n(x) = 2 T_n(x/2)`` and
  ``S_n(x) = U_n(x/2)``: ``C_n' = n S_{n-1}``, ``S_n' = C_{n-1}^(2)(x/2)``.
* The shifted ones are functions of ``2x - 1``: ``eval_sh_legendre``:
  ``2 C_{n-1}^(3/2)(2x - 1)``; ``eval_sh_chebyt``: ``T*_n' = 2n U*_{n-1}``;
  ``eval_sh_chebyu``: ``4 C_{n-1}^(2)(2x - 1)``; ``eval_sh_jacobi(n, p, q, x) =
  P_n^(p-q, q-1)(2x - 1) / binom(2n + p - 1, n)``: ``G_n^(p,q)' = n G_{n-1}^(p+2,q+1)``
  (the binomials' ratio is ``n / (n + p)``).

``lpmv(m, v, x)``, the associated Legendre function ``P_v^m`` (Ferrers' function
with the Condon-Shortley phase, as SciPy's), has ``(1 - x²) P' = (m + v) P_{v-1}
- v x P_v`` on ``(-1, 1)`` (for ``m < 0`` the equivalent ``(v + 1) x P_v - (v - m +
1) P_{v+1}``, as SciPy's ``P_{v-1}^m`` is nan once ``v - 1 < |m|``); near ``±1`` the
division costs digits (about ``1/(1 - x²)`` ulps).  For ``m = 0`` it is Legendre's
``C_{v-1}^(3/2)``, regular at ``±1`` and beyond; for ``m ≠ 0`` every derivative is
nan at ``|x| ≥ 1`` (SciPy's value is nan beyond, and the one-sided limits at ``±1``
are not given).  ``m`` and ``v`` are constants.

The degree 0 has derivative 0 (the rules never evaluate degree -1 there).
SciPy's conventions for negative integer degrees are kept: ``P_{-n-1} = P_n``,
``T_{-n} = T_n`` and ``U_{-n} = -U_{n-2}`` (and their scaled and shifted
forms) by the same reflections; the Gegenbauer, Jacobi and Laguerre families
are 0 there (derivative 0); the Hermite ones and ``sh_jacobi`` are nan.

**Float degrees.**  Except for the Hermite polynomials (integer ``n`` only, as
in SciPy), SciPy evaluates a float ``n`` by the hypergeometric continuation
(``P_ν(x) = ₂F₁(-ν, ν+1; 1; (1-x)/2)``, ...).  The identities above hold for
that continuation at every real ``ν`` (``d/dz ₂F₁(a, b; c; z) = ab/c
₂F₁(a+1, b+1; c+1; z)``, and the binomial prefactors match), so a non-integer
``n`` gets the derivative of SciPy's value; checked against mpmath on ``x >
-1`` (``x > 0`` for the shifted ones), where SciPy's value is finite.  Beyond
``-1`` (``0``) SciPy's value of a non-integer degree is ``±inf``, and so are the
derivatives; at ``-1`` itself the continuation has a branch point and the
derivative is infinite, whether or not SciPy's value there is finite.

Where SciPy's value is nan (outside its parameter domains, e.g.
``eval_gegenbauer(n, -1/2, x)`` for ``n ≥ 2``, ``eval_genlaguerre`` at ``α =
-1``, or at negative float degrees for some families), every derivative is nan
as well, at every order and in every mode.

**Not differentiable:** the degree ``n`` and the parameters ``α``, ``β``,
``p``, ``q`` (and ``lpmv``'s ``m`` and ``v``).  A traced one raises
:class:`UnsupportedFunctionError` naming it (constants are fine; an array ``n``
under ``vmap`` is fine too).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ..core import UnsupportedFunctionError
from .arithmetic import stop_gradient, where
from .jets import elementwise
from .nondiff import NONDIFF, equal

__all__ = ["POLY_FUNCTIONS"]

#: name -> primitive, for every polynomial of this module.
POLY_PRIMITIVES: dict = {}


def _bind(name, *args):
    return POLY_PRIMITIVES[name].bind(*args)


def _undifferentiable(name, signature, arg, what):
    raise UnsupportedFunctionError(
        f"scipy.special.{name}{signature}: {arg} is {what}, so it cannot be differentiated; pass {arg} as a "
        "constant (a number or an array), and differentiate in x only"
    )


def _nan_mask(out):
    """1, and nan where SciPy's value ``out`` is nan (a constant, in ``out``'s dtype)."""
    o = stop_gradient(out)
    return where(NONDIFF["isnan"].bind(o), o, 1.0)


_WHAT = {
    "n": "the degree (an integer, or a float through the hypergeometric continuation)",
    "m": "the integer order",
    "v": "the degree (real; its derivative has no closed form here)",
}


def _polynomial(name, params, dx, first="n"):
    """The primitive for ``scipy.special.<name>(n, *params, x)``, whose ``x``-derivative is
    ``dx(n, *params, x)`` written with primitives (``first`` names the first argument)."""
    names = (first,) + params
    signature = "(" + ", ".join(names + ("x",)) + ")"

    def partials(i, args, out):
        if i < len(names):
            _undifferentiable(name, signature, names[i],
                              _WHAT.get(names[i], "a parameter of the family (no closed form for that derivative)"))
        # nan where SciPy's value is: the mask multiplies the derivative and its argument x, so
        # that the derivatives of every order are nan there in every mode (a mask on the output
        # alone would be dropped by reverse mode where the rule selects a constant branch)
        mask = _nan_mask(out)
        return dx(*args[:-1], args[-1] * mask) * mask

    p = elementwise(name, getattr(special, name), partials)
    p.def_rule("residuals", lambda wants: ((True,) * len(wants), True))  # the partials read SciPy's value too
    POLY_PRIMITIVES[name] = p
    return p


# --------------------------------------------------------------------------- degree bookkeeping (constants)


def _int_le_zero(n):
    """Where the degree is an integer ``≤ 0`` (by value: ``n = -2.0`` too)."""
    return NONDIFF["logical_and"].bind(NONDIFF["less_equal"].bind(n, 0), equal(NONDIFF["rint"].bind(n), n))


def _lowered(zero, n, rule):
    """``rule(n)`` (a derivative that reads degree ``n - 1``), and 0 where ``zero``; there
    ``rule`` runs at the harmless degree 1 instead (no ``0 · inf``, no degree -1)."""
    return where(zero, 0.0, rule(where(zero, 1, n)))


def _chebyu_dx(n, x, scale):
    """``scale · U_n'(x) = scale · 2 C_{n-1}^(2)(x)``, through the reflection for ``n < -1``
    (``U_{-1} = 0`` and ``U_0 = 1`` are constant)."""
    neg = NONDIFF["less"].bind(n, -1)
    m = where(neg, -n - 2, n)  # m ≥ -1
    zero = NONDIFF["logical_or"].bind(equal(m, 0), equal(m, -1))
    d = _lowered(zero, m, lambda k: (2.0 * scale) * _bind("eval_gegenbauer", k - 1, 2.0, x))
    return where(neg, -d, d)


def _legendre_dx(n, x):
    m = where(NONDIFF["less"].bind(n, 0), -n - 1, n)  # P_{-n-1} = P_n
    return _lowered(equal(m, 0), m, lambda k: _bind("eval_gegenbauer", k - 1, 1.5, x))


def _hermite_dx(name, factor):
    def d(n, x):
        low = NONDIFF["less"].bind(n, 1)
        value = factor * where(low, 1, n) * _bind(name, where(low, 1, n) - 1, x)
        return where(low, where(equal(n, 0), 0.0, np.nan), value)

    return d


def _abs(n):
    return where(NONDIFF["less"].bind(n, 0), -n, n)


# --------------------------------------------------------------------------- the families

_polynomial("eval_gegenbauer", ("alpha",), lambda n, a, x: _lowered(
    _int_le_zero(n), n, lambda k: (2.0 * a) * _bind("eval_gegenbauer", k - 1, a + 1.0, x)))
_polynomial("eval_jacobi", ("alpha", "beta"), lambda n, a, b, x: _lowered(
    _int_le_zero(n), n, lambda k: (0.5 * (k + a + b + 1.0)) * _bind("eval_jacobi", k - 1, a + 1.0, b + 1.0, x)))
_polynomial("eval_genlaguerre", ("alpha",), lambda n, a, x: _lowered(
    _int_le_zero(n), n, lambda k: -_bind("eval_genlaguerre", k - 1, a + 1.0, x)))
_polynomial("eval_laguerre", (), lambda n, x: _lowered(
    _int_le_zero(n), n, lambda k: -_bind("eval_genlaguerre", k - 1, 1.0, x)))
_polynomial("eval_hermite", (), _hermite_dx("eval_hermite", 2.0))
_polynomial("eval_hermitenorm", (), _hermite_dx("eval_hermitenorm", 1.0))
_polynomial("eval_legendre", (), _legendre_dx)
_polynomial("eval_chebyu", (), lambda n, x: _chebyu_dx(n, x, 1.0))
_polynomial("eval_chebyt", (), lambda n, x: _lowered(  # T_{-n} = T_n
    equal(n, 0), _abs(n), lambda k: k * _bind("eval_chebyu", k - 1, x)))
_polynomial("eval_chebys", (), lambda n, x: _chebyu_dx(n, 0.5 * x, 0.5))
_polynomial("eval_chebyc", (), lambda n, x: _lowered(
    equal(n, 0), _abs(n), lambda k: k * _bind("eval_chebys", k - 1, x)))
_polynomial("eval_sh_legendre", (), lambda n, x: 2.0 * _legendre_dx(n, 2.0 * x - 1.0))
_polynomial("eval_sh_chebyu", (), lambda n, x: _chebyu_dx(n, 2.0 * x - 1.0, 2.0))
_polynomial("eval_sh_chebyt", (), lambda n, x: _lowered(
    equal(n, 0), _abs(n), lambda k: (2.0 * k) * _bind("eval_sh_chebyu", k - 1, x)))
_polynomial("eval_sh_jacobi", ("p", "q"), lambda n, p, q, x: _lowered(
    equal(n, 0), n, lambda k: k * _bind("eval_sh_jacobi", k - 1, p + 2.0, q + 1.0, x)))



# the associated Legendre functions (Ferrers' functions on (-1, 1), with the Condon-Shortley phase)
def _lpmv_dx(m, v, x):
    less = NONDIFF["less"].bind
    inside = less(where(less(x, 0.0), -x, x), 1.0)
    # nan for m != 0 at |x| >= 1 at every order, in every mode: a constant factor c on the result
    # and on x itself (as in _polynomial); |x| >= 1 never reaches the division
    one = stop_gradient(x) * 0.0 + 1.0
    c = where(NONDIFF["logical_or"].bind(inside, equal(m, 0)), one, one * np.nan)  # (m = 0: Legendre's, below)
    xs = where(inside, x * c, 0.0)
    w = 1.0 - xs * xs
    # (1 - x²) P' = (m + v) P_{v-1} - v x P_v, or, by the three-term recurrence in v,
    # (v + 1) x P_v - (v - m + 1) P_{v+1}: the second for m < 0, where SciPy's P_{v-1}^m is nan
    # once v - 1 < |m| (the first keeps SciPy's degrees small for m > 0).  Each branch runs at
    # an order where SciPy has values (m ≥ 0 for the first, m ≤ 0 for the second), so that the
    # branch not taken holds no nan for reverse mode to multiply by a zero cotangent
    negative = less(m, 0)
    m_lower, m_upper = where(negative, 1, m), where(negative, m, 0)
    lower = ((m_lower + v) * _bind("lpmv", m_lower, v - 1.0, xs) - v * xs * _bind("lpmv", m_lower, v, xs)) / w
    upper = ((v + 1.0) * xs * _bind("lpmv", m_upper, v, xs)
             - (v - m_upper + 1.0) * _bind("lpmv", m_upper, v + 1.0, xs)) / w
    interior = where(negative, upper, lower) * c
    # m = 0 is Legendre's P_v: its derivative C_{v-1}^(3/2), regular at ±1 and beyond
    return where(equal(m, 0), _legendre_dx(v, x), interior)


_polynomial("lpmv", ("v",), _lpmv_dx, first="m")


# --------------------------------------------------------------------------- SciPy's signatures


def eval_legendre(n, x):
    """``scipy.special.eval_legendre(n, x)``: the Legendre polynomial ``P_n(x)``,
    differentiable in ``x`` (``P_n' = C_{n-1}^(3/2)``).

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: eval_legendre(2, x))(np.float64(0.5)))  # (3x² - 1)/2
    1.5
    """
    return _bind("eval_legendre", n, x)


def eval_chebyt(n, x):
    """``scipy.special.eval_chebyt(n, x)``: the Chebyshev polynomial of the first kind
    ``T_n(x)``, differentiable in ``x`` (``T_n' = n U_{n-1}``).

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: eval_chebyt(3, x))(np.float64(1.0)))  # T_n'(1) = n²
    9.0
    """
    return _bind("eval_chebyt", n, x)


def eval_chebyu(n, x):
    """``scipy.special.eval_chebyu(n, x)``: the Chebyshev polynomial of the second kind
    ``U_n(x)``, differentiable in ``x`` (``U_n' = 2 C_{n-1}^(2)``).

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: eval_chebyu(2, x))(np.float64(-1.0)))  # 4x² - 1
    -8.0
    """
    return _bind("eval_chebyu", n, x)


def eval_chebyc(n, x):
    """``scipy.special.eval_chebyc(n, x) = 2 T_n(x/2)``, differentiable in ``x``
    (``C_n' = n S_{n-1}``).

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: eval_chebyc(2, x))(np.float64(1.5)))  # x² - 2
    3.0
    """
    return _bind("eval_chebyc", n, x)


def eval_chebys(n, x):
    """``scipy.special.eval_chebys(n, x) = U_n(x/2)``, differentiable in ``x``
    (``S_n' = C_{n-1}^(2)(x/2)``).

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: eval_chebys(2, x))(np.float64(1.5)))  # x² - 1
    3.0
    """
    return _bind("eval_chebys", n, x)


def eval_hermite(n, x):
    """``scipy.special.eval_hermite(n, x)``: the physicists' Hermite polynomial ``H_n(x)``
    (integer ``n``), differentiable in ``x`` (``H_n' = 2n H_{n-1}``).

    >>> import numpy as np, osculate as osc
    >>> round(float(osc.grad(lambda x: eval_hermite(2, x))(np.float64(0.5))), 12)  # 4x² - 2
    4.0
    """
    return _bind("eval_hermite", n, x)


def eval_hermitenorm(n, x):
    """``scipy.special.eval_hermitenorm(n, x)``: the probabilists' Hermite polynomial
    ``He_n(x)`` (integer ``n``), differentiable in ``x`` (``He_n' = n He_{n-1}``).

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: eval_hermitenorm(3, x))(np.float64(2.0)))  # x³ - 3x
    9.0
    """
    return _bind("eval_hermitenorm", n, x)


def eval_laguerre(n, x):
    """``scipy.special.eval_laguerre(n, x)``: the Laguerre polynomial ``L_n(x)``,
    differentiable in ``x`` (``L_n' = -L_{n-1}^(1)``).

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: eval_laguerre(1, x))(np.float64(3.0)))  # 1 - x
    -1.0
    """
    return _bind("eval_laguerre", n, x)


def eval_genlaguerre(n, alpha, x):
    """``scipy.special.eval_genlaguerre(n, alpha, x)``: the generalized Laguerre
    polynomial ``L_n^(α)(x)``, differentiable in ``x`` (``-L_{n-1}^(α+1)``; ``alpha`` is a
    constant).

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: eval_genlaguerre(1, 0.5, x))(np.float64(3.0)))  # 1 + α - x
    -1.0
    """
    return _bind("eval_genlaguerre", n, alpha, x)


def eval_gegenbauer(n, alpha, x):
    """``scipy.special.eval_gegenbauer(n, alpha, x)``: the Gegenbauer polynomial
    ``C_n^(α)(x)``, differentiable in ``x`` (``2α C_{n-1}^(α+1)``; ``alpha`` is a constant).

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: eval_gegenbauer(1, 1.5, x))(np.float64(0.2)))  # 2αx
    3.0
    """
    return _bind("eval_gegenbauer", n, alpha, x)


def eval_jacobi(n, alpha, beta, x):
    """``scipy.special.eval_jacobi(n, alpha, beta, x)``: the Jacobi polynomial
    ``P_n^(α,β)(x)``, differentiable in ``x`` (``(n + α + β + 1)/2 P_{n-1}^(α+1,β+1)``;
    ``alpha`` and ``beta`` are constants).

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: eval_jacobi(1, 1.0, 2.0, x))(np.float64(0.3)))  # (α + β + 2)/2
    2.5
    """
    return _bind("eval_jacobi", n, alpha, beta, x)


def eval_sh_legendre(n, x):
    """``scipy.special.eval_sh_legendre(n, x) = P_n(2x - 1)``, differentiable in ``x``.

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: eval_sh_legendre(1, x))(np.float64(0.3)))
    2.0
    """
    return _bind("eval_sh_legendre", n, x)


def eval_sh_chebyt(n, x):
    """``scipy.special.eval_sh_chebyt(n, x) = T_n(2x - 1)``, differentiable in ``x``
    (``2n U*_{n-1}``).

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: eval_sh_chebyt(2, x))(np.float64(1.0)))  # 2 T_2'(1)
    8.0
    """
    return _bind("eval_sh_chebyt", n, x)


def eval_sh_chebyu(n, x):
    """``scipy.special.eval_sh_chebyu(n, x) = U_n(2x - 1)``, differentiable in ``x``.

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: eval_sh_chebyu(1, x))(np.float64(0.3)))  # 2 (2x - 1)
    4.0
    """
    return _bind("eval_sh_chebyu", n, x)


def eval_sh_jacobi(n, p, q, x):
    """``scipy.special.eval_sh_jacobi(n, p, q, x) = P_n^(p-q, q-1)(2x - 1) / binom(2n + p - 1, n)``,
    differentiable in ``x`` (``n G_{n-1}^(p+2, q+1)``; ``p`` and ``q`` are constants).

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: eval_sh_jacobi(1, 2.0, 1.0, x))(np.float64(0.3)))  # x - q/p
    1.0
    """
    return _bind("eval_sh_jacobi", n, p, q, x)


def lpmv(m, v, x):
    """``scipy.special.lpmv(m, v, x)``: the associated Legendre function ``P_v^m(x)`` (with
    the Condon-Shortley phase), differentiable in ``x``: ``(1 - x²) P' = (m + v) P_{v-1} - v x
    P_v`` on ``(-1, 1)``; for ``m = 0`` Legendre's ``C_{v-1}^(3/2)``.  ``m`` and ``v`` are
    constants.

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda x: lpmv(1, 1.0, x))(np.float64(0.6)))  # -√(1 - x²)
    0.75
    """
    return _bind("lpmv", m, v, x)


#: ``scipy.special`` name -> osculate function with SciPy's signature (registered for
#: ``__array_ufunc__`` dispatch by :mod:`osculate.ad.numpy_dispatch` and exported by
#: :mod:`osculate.scipy.special`).
POLY_FUNCTIONS: dict = {
    f.__name__: f for f in (
        eval_legendre, eval_chebyt, eval_chebyu, eval_chebyc, eval_chebys, eval_hermite, eval_hermitenorm,
        eval_laguerre, eval_genlaguerre, eval_gegenbauer, eval_jacobi, eval_sh_legendre, eval_sh_chebyt,
        eval_sh_chebyu, eval_sh_jacobi, lpmv)
}
