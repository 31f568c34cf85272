"""Functions of ``scipy.special`` whose derivative in ``x`` is SciPy's own
output or a closed form in other special functions, as primitives.

Every function's value is SciPy's own; its derivatives are written with
primitives (so every order and every nesting works), from these rules:

* ``wright_bessel(a, b, x) = Σₖ xᵏ / (k! Γ(ak + b))``: ``∂x = wright_bessel(a,
  a + b, x)`` (the series shifted by one term); ``log_wright_bessel`` (its
  logarithm): ``∂x = exp(log_wright_bessel(a, a + b, x) - log_wright_bessel(a,
  b, x))``.  ``hyperu(a, b, x)`` (Tricomi's ``U``): ``∂x = -a U(a + 1, b + 1,
  x)``.  ``a`` and ``b`` are constants (their derivatives are no special
  function SciPy has: an error says so).
* ``besselpoly(a, λ, ν) = ∫₀¹ t^λ J_ν(2at) dt``: ``∂a = besselpoly(a, λ + 1,
  ν - 1) - besselpoly(a, λ + 1, ν + 1)`` (``2J'_ν = J_(ν-1) - J_(ν+1)`` under
  the integral; negative and fractional orders alike).  ``λ`` and ``ν`` are
  constants.
* The integrals of Bessel and Struve functions, whose derivative is the
  integrand: ``itj0y0 -> (∫₀ˣ J₀, ∫₀ˣ Y₀)`` (``J₀``, ``Y₀``), ``it2j0y0 ->
  (∫₀ˣ (1 - J₀(t))/t dt, ∫ₓ^∞ Y₀(t)/t dt)`` (``(1 - J₀)/x``, ``-Y₀/x``),
  ``iti0k0`` (``I₀``, ``K₀``), ``it2i0k0`` (``(I₀ - 1)/x``, ``-K₀/x``),
  ``itstruve0`` (``H₀``), ``it2struve0 = ∫ₓ^∞ H₀(t)/t dt`` (``-H₀/x``),
  ``itmodstruve0`` (``L₀``), ``itairy -> (∫₀ˣ Ai, ∫₀ˣ Bi, ∫₀ˣ Ai(-t) dt, ∫₀ˣ
  Bi(-t) dt)`` (``Ai(x)``, ``Bi(x)``, ``Ai(-x)``, ``Bi(-x)``), one primitive
  per output.  ``(1 - J₀)/x``, ``(I₀ - 1)/x`` and ``H₀/x`` are their even power
  series for ``|x| ≤ 1`` (no cancellation, exact at ``x = 0`` to every order);
  at ``x = 0``, where ``Y₀`` and ``K₀`` are infinite, the derivatives of the
  ``Y₀`` and ``K₀`` parts are nan.
  SciPy's own values are the reference: where they drift from the integral
  (``itstruve0`` beyond ``x = 20``, where SciPy switches to an expansion) the
  derivative is still the integrand.
* Functions returned with their derivative, ``(y, y')``: the value is a
  primitive whose derivative is the second, and the second's derivative comes
  from the function's differential equation, so the chain closes at every
  order.  Parabolic cylinder functions ``pbdv(v, x)`` (``D_v``), ``pbvv(v, x)``
  (``V_v``): ``y'' = (x²/4 - v - 1/2) y``; ``pbwa(a, x)`` (``W(a, ±x)``): ``y''
  = (a - x²/4) y``.  Mathieu's ``mathieu_cem``, ``mathieu_sem`` ``(m, q, x)``:
  ``x`` in degrees, SciPy's derivative in radians, ``y'' = -(a - 2q cos 2t) y``
  in radians ``t``, ``a = mathieu_a(m, q)`` (``mathieu_b`` for ``sem``); so
  ``∂x y = (π/180) y'`` and ``∂x y' = -(π/180) (a - 2q cos 2t) y``.  The
  modified ones ``mathieu_modcem1``, ``mathieu_modcem2`` (``a``),
  ``mathieu_modsem1``, ``mathieu_modsem2`` (``b``): ``y'' = (a - 2q cosh 2x)
  y``.  The orders and parameters (``v``, ``a`` of ``pbwa``, ``m``, and ``q``
  of the modified functions) are constants.  SciPy's modified Mathieu
  functions are accurate to about 1e-6, which bounds how well the equation's
  second derivative matches a finite difference of SciPy's ``y'``.
  ``mathieu_cem`` and ``mathieu_sem`` are differentiable in ``q`` too, through
  their Fourier series (below).
* ``mathieu_a(m, q)``, ``mathieu_b(m, q)`` in ``q`` (``m`` a constant):
  eigenvalues of the symmetric tridiagonal recurrence of the Fourier
  coefficients, ``M(q) = D + qE`` (one per symmetry class), so ``∂q a = vᵀ E
  v`` with ``v`` from osculate's ``eigh`` of the truncated ``M(q)`` (``m/2 +
  50 + 4√|q|`` coefficients; its eigenvalue equals SciPy's to about 1e-15),
  and every higher derivative from ``eigh``'s.  ``q`` of either sign.
  Likewise ``pro_cv(m, n, c)``, ``obl_cv(m, n, c)`` in ``c``: eigenvalues of
  ``diag(l(l+1)) ± c² X²`` in the normalized associated Legendre functions
  (``X`` the tridiagonal matrix of ``x``), ``∂c λ = ±2c vᵀ X² v``.  (Not the
  radial spheroidal functions in ``c``, nor the modified Mathieu functions in
  ``q``.)
* ``mathieu_cem``, ``mathieu_sem`` in ``q``: ``ce_m(x, q) = Σₖ Aₖ(q) cos kx``
  (``se``: ``sin``) over ``m``'s class, the coefficients the eigenvector of
  ``M(q)`` (normalized as SciPy's, ``∫₀^(2π) ce² = π``; the sign read from
  SciPy's own values by a piecewise-constant primitive), whose derivative is
  eigh's, ``∂q u_j = Σ_(i≠j) uᵢ (uᵢᵀ E u_j) / (λ_j - λᵢ)``, written with its
  traced outputs: ``∂q y`` and ``∂q y'`` to every order, mixed with ``x``
  too.
* Spheroidal wave functions ``pro_ang1``, ``pro_rad1``, ``obl_ang1``,
  ``obl_rad1`` ``(m, n, c, x)`` and their ``_cv`` variants ``(m, n, c, cv,
  x)``, also ``(y, y')`` pairs: ``(1 - x²) y'' = 2x y' - (λ - c²x² - m²/(1 -
  x²)) y`` (prolate, angular and radial), ``+c²x²`` for the oblate angular
  ones and ``(x² + 1) y'' = -2x y' + (λ - c²x² - m²/(x² + 1)) y`` for the
  oblate radial ones, ``λ = pro_cv(m, n, c)`` / ``obl_cv(m, n, c)`` or the
  argument ``cv``; at ``x = ±1`` the second derivative is nan.  ``pro_ang1``
  and ``obl_ang1`` are differentiable in ``c`` too: their Legendre series
  with the eigenvector of ``pro_cv``'s matrix, normalized as SciPy's (``S(c,
  0) = Pₙᵐ(0)``, or ``S'(c, 0) = Pₙᵐ'(0)`` for odd ``n - m``), differentiated
  through eigh (below).  ``m``, ``n`` and, for the radial functions and the
  ``_cv`` variants, ``c`` and ``cv`` are constants.  Not ``pro_rad2`` and
  ``obl_rad2``: SciPy's
  values there do not satisfy the equation (``pro_rad2`` for ``m ≥ 1`` off by
  up to 100 % in places, ``obl_rad2``'s ``y'`` is not even the derivative of
  its ``y``), so no derivative would agree with them.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from ..core import ConcretizationError, concrete
from .arithmetic import where
from .jets import constant_argument as _constant
from .jets import elementwise
from .jets import reads_output as _reads_output
from .linalg import eigh, matmul
from .nondiff import NONDIFF, equal, nondiff
from .special_misc import airy_ai_p, airy_bi_p, modstruve_p, struve_p
from .structural import broadcast_to, concatenate, reshape, shape_of, sum_
from .unary import UNARY

__all__ = ["ODE_FUNCTIONS", "itj0y0", "it2j0y0", "iti0k0", "it2i0k0", "itairy", "pbdv", "pbvv", "pbwa",
           "mathieu_cem", "mathieu_sem", "mathieu_modcem1", "mathieu_modcem2", "mathieu_modsem1",
           "mathieu_modsem2", "pro_ang1", "pro_rad1", "obl_ang1", "obl_rad1", "pro_ang1_cv", "pro_rad1_cv",
           "obl_ang1_cv", "obl_rad1_cv"]

#: name -> the osculate function with SciPy's signature (registered for
#: ``__array_ufunc__`` dispatch by :mod:`osculate.ad.numpy_dispatch` and
#: exported by :mod:`osculate.scipy.special`).
ODE_FUNCTIONS: dict = {}

_DEG = math.pi / 180.0


def _u(name):
    return UNARY[name].bind




def _bind(p):
    return lambda *args: p.bind(*args)


def _part(fn, k):
    """The ``k``-th output of SciPy's multi-output ufunc ``fn``."""

    def impl(*args):
        return fn(*args)[k][()]

    return impl


# =========================================================================== Wright's Bessel, U, besselpoly

_WRIGHT_CONST = _constant("wright_bessel(a, b, x)", "a (or b): its derivative is no SciPy function, so a or b")
_LOG_WRIGHT_CONST = _constant("log_wright_bessel(a, b, x)",
                              "a (or b): its derivative is no SciPy function, so a or b")


def _wright_partials(i, args, out):
    if i < 2:
        _WRIGHT_CONST()
    a, b, x = args
    return wright_bessel_p.bind(a, a + b, x)


def _log_wright_partials(i, args, out):
    if i < 2:
        _LOG_WRIGHT_CONST()
    a, b, x = args
    return _u("exp")(log_wright_bessel_p.bind(a, a + b, x) - out)


wright_bessel_p = elementwise("wright_bessel", special.wright_bessel, _wright_partials)
log_wright_bessel_p = _reads_output(elementwise("log_wright_bessel", special.log_wright_bessel, _log_wright_partials))


def _hyperu_partials(i, args, out):
    if i < 2:
        _constant("hyperu(a, b, x)", "a (or b): its derivative is no SciPy function, so a or b")()
    a, b, x = args
    return -a * hyperu_p.bind(a + 1.0, b + 1.0, x)


hyperu_p = elementwise("hyperu", special.hyperu, _hyperu_partials)


def _besselpoly_partials(i, args, out):
    if i > 0:
        _constant("besselpoly(a, lmb, nu)", "lmb (or nu): its derivative is no SciPy function, so lmb or nu")()
    a, lmb, nu = args
    return besselpoly_p.bind(a, lmb + 1.0, nu - 1.0) - besselpoly_p.bind(a, lmb + 1.0, nu + 1.0)


besselpoly_p = elementwise("besselpoly", special.besselpoly, _besselpoly_partials)


# =========================================================================== integrals of Bessel and Struve functions

_SERIES_EDGE = 1.0  # |x| up to which (1 - J₀)/x, (I₀ - 1)/x and H₀/x are their power series
_SERIES_TERMS = 14


def _even_series(x, coefficients):
    """``Σₖ cₖ x²ᵏ`` (Horner in ``x²``)."""
    x2 = x * x
    total = coefficients[-1]
    for c in reversed(coefficients[:-1]):
        total = total * x2 + c
    return total


# (1 - J₀(x))/x = x Σ_(k≥0) (-1)^k x^(2k) / (4^(k+1) ((k+1)!)²); (I₀(x) - 1)/x without the signs
_J0_SERIES = [(-1.0) ** k / (4.0 ** (k + 1) * math.factorial(k + 1) ** 2) for k in range(_SERIES_TERMS)]
_I0_SERIES = [abs(c) for c in _J0_SERIES]
# H₀(x)/x = Σ_(k≥0) (-1)^k (x/2)^(2k) / (2 Γ(k + 3/2)²) = (2/π) Σ_(k≥0) (-1)^k x^(2k) / ((2k+1)!!)²
_H0_SERIES = [(-1.0) ** k * (2.0 / math.pi) / float(math.prod(range(1, 2 * k + 2, 2))) ** 2
              for k in range(_SERIES_TERMS)]


def _over_x(x, general, series):
    """``general(x)`` (a function of ``x ≠ 0``), replaced by ``x^odd · series`` for ``|x| ≤ 1``."""
    small = NONDIFF["less_equal"].bind(_u("abs")(x), _SERIES_EDGE)
    xs = where(small, 2.0, x)
    return where(small, series(where(small, x, 0.0)), general(xs))


def _one_minus_j0_over_x(x):
    return _over_x(x, lambda t: (1.0 - _u("j0")(t)) / t, lambda t: t * _even_series(t, _J0_SERIES))


def _i0_minus_one_over_x(x):
    return _over_x(x, lambda t: (_u("i0")(t) - 1.0) / t, lambda t: t * _even_series(t, _I0_SERIES))


def _h0_over_x(x):
    return _over_x(x, lambda t: struve_p.bind(0.0, t) / t, lambda t: _even_series(t, _H0_SERIES))


def _singular_at_zero(integrand):
    """``integrand(x)`` (``Y₀``, ``K₀``, over ``x`` or not), nan at ``x = 0`` where it is infinite
    (nan, unlike inf, passes through the higher derivatives' arithmetic without warnings)."""

    def d(x):
        zero_x = equal(x, 0.0)
        nan_there = where(zero_x, np.nan, 0.0) * x  # nan, with nan derivatives, only where x = 0
        return where(zero_x, nan_there, integrand(where(zero_x, 1.0, x)))

    return d


_INTEGRANDS = {
    ("itj0y0", 0): lambda x: _u("j0")(x),
    ("itj0y0", 1): _singular_at_zero(lambda x: _u("y0")(x)),
    ("it2j0y0", 0): _one_minus_j0_over_x,
    ("it2j0y0", 1): _singular_at_zero(lambda x: -_u("y0")(x) / x),
    ("iti0k0", 0): lambda x: _u("i0")(x),
    ("iti0k0", 1): _singular_at_zero(lambda x: _u("k0")(x)),
    ("it2i0k0", 0): _i0_minus_one_over_x,
    ("it2i0k0", 1): _singular_at_zero(lambda x: -_u("k0")(x) / x),
    ("itstruve0", 0): lambda x: struve_p.bind(0.0, x),
    ("it2struve0", 0): lambda x: -_h0_over_x(x),
    ("itmodstruve0", 0): lambda x: modstruve_p.bind(0.0, x),
    ("itairy", 0): lambda x: airy_ai_p.bind(x),
    ("itairy", 1): lambda x: airy_bi_p.bind(x),
    ("itairy", 2): lambda x: airy_ai_p.bind(-x),
    ("itairy", 3): lambda x: airy_bi_p.bind(-x),
}
_PART_NAMES = {"itj0y0": ("j", "y"), "it2j0y0": ("j", "y"), "iti0k0": ("i", "k"), "it2i0k0": ("i", "k"),
               "itairy": ("apt", "bpt", "ant", "bnt")}


def _integral(name, k):
    fn = getattr(special, name)
    integrand = _INTEGRANDS[(name, k)]
    if name in _PART_NAMES:
        return elementwise(f"{name}_{_PART_NAMES[name][k]}", _part(fn, k), lambda i, args, out: integrand(args[0]))
    return elementwise(name, fn, lambda i, args, out: integrand(args[0]))


INTEGRALS = {name: tuple(_integral(name, k) for k in range(len(_PART_NAMES.get(name, ("",)))))
             for name in ("itj0y0", "it2j0y0", "iti0k0", "it2i0k0", "itstruve0", "it2struve0", "itmodstruve0",
                          "itairy")}


def _parts(name, x):
    return tuple(p.bind(x) for p in INTEGRALS[name])


def itj0y0(x):
    """``scipy.special.itj0y0(x) -> (∫₀ˣ J₀, ∫₀ˣ Y₀)``, SciPy's values, differentiable to every
    order (the derivatives are ``J₀(x)`` and ``Y₀(x)``).

    >>> import numpy as np, osculate as osc
    >>> from scipy import special
    >>> bool(np.isclose(osc.grad(lambda t: itj0y0(t)[0])(np.float64(1.3)), special.j0(1.3)))
    True
    """
    return _parts("itj0y0", x)


def it2j0y0(x):
    """``scipy.special.it2j0y0(x) -> (∫₀ˣ (1 - J₀(t))/t dt, ∫ₓ^∞ Y₀(t)/t dt)``, SciPy's values,
    differentiable to every order (the derivatives are ``(1 - J₀(x))/x`` and ``-Y₀(x)/x``).

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda t: it2j0y0(t)[0])(np.float64(0.0)))
    0.0
    """
    return _parts("it2j0y0", x)


def iti0k0(x):
    """``scipy.special.iti0k0(x) -> (∫₀ˣ I₀, ∫₀ˣ K₀)``, SciPy's values, differentiable to every
    order (the derivatives are ``I₀(x)`` and ``K₀(x)``).

    >>> import numpy as np, osculate as osc
    >>> float(osc.grad(lambda t: iti0k0(t)[0])(np.float64(0.0)))
    1.0
    """
    return _parts("iti0k0", x)


def it2i0k0(x):
    """``scipy.special.it2i0k0(x) -> (∫₀ˣ (I₀(t) - 1)/t dt, ∫ₓ^∞ K₀(t)/t dt)``, SciPy's values,
    differentiable to every order (the derivatives are ``(I₀(x) - 1)/x`` and ``-K₀(x)/x``).

    >>> import numpy as np, osculate as osc
    >>> float(osc.hessian(lambda t: it2i0k0(t)[0])(np.float64(0.0)))
    0.25
    """
    return _parts("it2i0k0", x)


def itairy(x):
    """``scipy.special.itairy(x) -> (∫₀ˣ Ai, ∫₀ˣ Bi, ∫₀ˣ Ai(-t) dt, ∫₀ˣ Bi(-t) dt)`` for real ``x``,
    SciPy's values, differentiable to every order (the derivatives are ``Ai(x)``, ``Bi(x)``,
    ``Ai(-x)``, ``Bi(-x)``).

    >>> import numpy as np, osculate as osc
    >>> from scipy import special
    >>> bool(np.isclose(osc.grad(lambda t: itairy(t)[2])(np.float64(0.5)), special.airy(-0.5)[0]))
    True
    """
    return _parts("itairy", x)


# =========================================================================== (y, y') with a differential equation


def _ode_pair(name, nconst, what, scale, second, first=None, parameter=None):
    """The primitives ``name`` (SciPy's ``y``) and ``name_d`` (SciPy's ``y'``) of ``(*constants,
    x)``: ``∂x y = scale · y'``, ``∂x y' = second(constants, x) · y + first(constants, x) · y'``
    (the equation, with its scale; no ``y'`` term without ``first``); the constants' partials are
    errors, but for ``parameter(i, args, which)`` when given (the partial of ``y`` (``which`` 0)
    or ``y'`` (1) in constant ``i``, or None to refuse)."""
    fn = getattr(special, name)
    refuse = _constant(f"{name}", what)

    def in_constant(i, args, which):
        d = None if parameter is None else parameter(i, args, which)
        if d is None:
            refuse()
        return d

    def value_partials(i, args, out):
        if i < nconst:
            return in_constant(i, args, 0)
        d = derivative_p.bind(*args)
        return d if scale == 1.0 else scale * d

    def derivative_partials(i, args, out):
        if i < nconst:
            return in_constant(i, args, 1)
        consts, x = args[:nconst], args[nconst]
        out = second(consts, x) * value_p.bind(*args)
        return out if first is None else out + first(consts, x) * derivative_p.bind(*args)

    value_p = elementwise(name, _part(fn, 0), value_partials)
    derivative_p = elementwise(f"{name}_d", _part(fn, 1), derivative_partials)
    return value_p, derivative_p


def _weber_d(consts, x):  # D_v and V_v: y'' = (x²/4 - v - 1/2) y
    (v,) = consts
    return 0.25 * (x * x) - v - 0.5


def _weber_w(consts, x):  # W(a, x): y'' = (a - x²/4) y
    (a,) = consts
    return a - 0.25 * (x * x)


ODE_PAIRS = {
    "pbdv": _ode_pair("pbdv", 1, "the order v", 1.0, _weber_d),
    "pbvv": _ode_pair("pbvv", 1, "the order v", 1.0, _weber_d),
    "pbwa": _ode_pair("pbwa", 1, "the parameter a", 1.0, _weber_w),
}

_MATHIEU_CONST = "the order m (or the parameter q: the functions' derivative in q is not available), m or q"




def _characteristic(name, primitive, signature, what):
    """``name(*constants)`` broadcast against ``x`` (the primitive's last argument): the
    characteristic value inside the equation at ``x`` (its derivative in ``x`` is 0; in the
    constants it is refused, as the functions' own)."""
    fn = getattr(special, name)

    def impl(*args):
        x = args[-1]
        return (fn(*args[:-1]) + np.zeros_like(x, dtype=float))[()]

    def partials(i, args, out):
        if i < len(args) - 1:
            _constant(f"{name}{signature}", what)()
        return 0.0

    return elementwise(primitive, impl, partials)


mathieu_a_cv_p = _characteristic("mathieu_a", "mathieu_a_cv", "(m, q)", _MATHIEU_CONST)
mathieu_b_cv_p = _characteristic("mathieu_b", "mathieu_b_cv", "(m, q)", _MATHIEU_CONST)


def _mathieu(kind):
    """Mathieu's equation in degrees: ``∂x y' = -(π/180) (a - 2q cos 2t) y``, ``t = (π/180) x``
    (``a`` the characteristic primitive differentiable in ``q``, defined below)."""

    def second(consts, x):
        m, q = consts
        return -_DEG * (_MATHIEU_AB[kind].bind(m, q) - 2.0 * q * _u("cos")((2.0 * _DEG) * x))

    return second


def _mathieu_dq(kind):
    return lambda i, args, which: _mathieu_fourier_dq(kind, args, which) if i == 1 else None


def _modified_mathieu(cv_p):
    """The modified equation: ``y'' = (a - 2q cosh 2x) y``."""

    def second(consts, x):
        m, q = consts
        return cv_p.bind(m, q, x) - 2.0 * q * _u("cosh")(2.0 * x)

    return second


ODE_PAIRS.update({
    "mathieu_cem": _ode_pair("mathieu_cem", 2, "the order m", _DEG, _mathieu("a"), parameter=_mathieu_dq("a")),
    "mathieu_sem": _ode_pair("mathieu_sem", 2, "the order m", _DEG, _mathieu("b"), parameter=_mathieu_dq("b")),
    "mathieu_modcem1": _ode_pair("mathieu_modcem1", 2, _MATHIEU_CONST, 1.0, _modified_mathieu(mathieu_a_cv_p)),
    "mathieu_modcem2": _ode_pair("mathieu_modcem2", 2, _MATHIEU_CONST, 1.0, _modified_mathieu(mathieu_a_cv_p)),
    "mathieu_modsem1": _ode_pair("mathieu_modsem1", 2, _MATHIEU_CONST, 1.0, _modified_mathieu(mathieu_b_cv_p)),
    "mathieu_modsem2": _ode_pair("mathieu_modsem2", 2, _MATHIEU_CONST, 1.0, _modified_mathieu(mathieu_b_cv_p)),
})


def _pair(name, *args):
    value_p, derivative_p = ODE_PAIRS[name]
    return value_p.bind(*args), derivative_p.bind(*args)


def pbdv(v, x):
    """``scipy.special.pbdv(v, x) -> (D_v(x), D_v'(x))``, SciPy's values, both differentiable in
    ``x`` to every order (Weber's equation ``D'' = (x²/4 - v - 1/2) D``; ``v`` a constant).

    >>> import numpy as np, osculate as osc
    >>> d, dp = pbdv(0.7, 1.3)
    >>> bool(np.isclose(osc.grad(lambda t: pbdv(0.7, t)[1])(np.float64(1.3)), (1.3**2 / 4 - 1.2) * d))
    True
    """
    return _pair("pbdv", v, x)


def pbvv(v, x):
    """``scipy.special.pbvv(v, x) -> (V_v(x), V_v'(x))``, SciPy's values, both differentiable in
    ``x`` to every order (``V'' = (x²/4 - v - 1/2) V``; ``v`` a constant).

    >>> import numpy as np, osculate as osc
    >>> y, yp = pbvv(0.7, 1.3)
    >>> bool(np.isclose(osc.grad(lambda t: pbvv(0.7, t)[0])(np.float64(1.3)), yp))
    True
    """
    return _pair("pbvv", v, x)


def pbwa(a, x):
    """``scipy.special.pbwa(a, x) -> (W(a, x), W'(a, x))``, SciPy's values (for ``|a|, |x| < 5``),
    both differentiable in ``x`` to every order (``W'' = (a - x²/4) W``; ``a`` a constant).

    >>> import numpy as np, osculate as osc
    >>> w, wp = pbwa(0.7, 1.3)
    >>> bool(np.isclose(osc.grad(lambda t: pbwa(0.7, t)[1])(np.float64(1.3)), (0.7 - 1.3**2 / 4) * w))
    True
    """
    return _pair("pbwa", a, x)


def mathieu_cem(m, q, x):
    """``scipy.special.mathieu_cem(m, q, x) -> (ce_m(x, q), ce_m'(x, q))``, ``x`` in degrees and
    SciPy's derivative in radians, both differentiable in ``x`` (degrees) to every order, by
    Mathieu's equation, and in ``q`` through the Fourier series; ``m`` is a constant.

    >>> import numpy as np, osculate as osc
    >>> y, yp = mathieu_cem(2, 1.5, 40.0)
    >>> bool(np.isclose(osc.grad(lambda t: mathieu_cem(2, 1.5, t)[0])(np.float64(40.0)), yp * np.pi / 180))
    True
    """
    return _pair("mathieu_cem", m, q, x)


def mathieu_sem(m, q, x):
    """``scipy.special.mathieu_sem(m, q, x) -> (se_m(x, q), se_m'(x, q))``, ``x`` in degrees and
    SciPy's derivative in radians, both differentiable in ``x`` (degrees) to every order, by
    Mathieu's equation with ``b = mathieu_b(m, q)``, and in ``q`` through the Fourier series;
    ``m`` is a constant.

    >>> import numpy as np, osculate as osc
    >>> y, yp = mathieu_sem(1, 0.7, -75.0)
    >>> bool(np.isclose(osc.grad(lambda t: mathieu_sem(1, 0.7, t)[0])(np.float64(-75.0)), yp * np.pi / 180))
    True
    """
    return _pair("mathieu_sem", m, q, x)


def _modified(name, kind):
    def fn(m, q, x):
        return _pair(name, m, q, x)

    fn.__name__ = name
    fn.__doc__ = (f"``scipy.special.{name}(m, q, x) -> (y, y')``, SciPy's values, both differentiable "
                  f"in ``x`` to every order by the modified Mathieu equation ``y'' = ({kind} - 2q cosh 2x) y`` "
                  f"(``{kind} = mathieu_{kind}(m, q)``; ``m`` and ``q`` are constants).\n\n"
                  "    >>> import numpy as np, osculate as osc\n"
                  f"    >>> y, yp = {name}(2, 1.5, 0.6)\n"
                  f"    >>> bool(np.isclose(osc.grad(lambda t: {name}(2, 1.5, t)[0])(np.float64(0.6)), yp))\n"
                  "    True\n")
    return fn


mathieu_modcem1 = _modified("mathieu_modcem1", "a")
mathieu_modcem2 = _modified("mathieu_modcem2", "a")
mathieu_modsem1 = _modified("mathieu_modsem1", "b")
mathieu_modsem2 = _modified("mathieu_modsem2", "b")


# =========================================================================== Mathieu's characteristic values in q
# a_m(q) and b_m(q) are eigenvalues of the recurrences of the Fourier coefficients (one symmetric
# tridiagonal matrix M(q) = D + q E per class: cos 2kx, cos (2k+1)x, sin (2k+1)x, sin (2k+2)x), simple
# within each class, so a_m is the (m // 2)-th (b_m the ((m - 1) // 2)-th) of its class's, for q of
# either sign.  ∂q a = vᵀ E v (Hellmann and Feynman), v the normalized eigenvector of the matrix
# truncated after N = m/2 + 50 + 4√|q| coefficients (then equal to SciPy's value to about 1e-15),
# written with osculate's eigh of M(q): every higher derivative follows from eigh's own.

_MATHIEU_EXTRA = 50


def _mathieu_class(kind, m, n):
    """``(diagonal, E's corner, index)`` of ``a_m`` (``kind`` "a") or ``b_m`` in an ``n``-matrix."""
    k = np.arange(n, dtype=float)
    if kind == "a":
        return ((2.0 * k) ** 2, "even", m // 2) if m % 2 == 0 else ((2.0 * k + 1.0) ** 2, 1.0, (m - 1) // 2)
    return ((2.0 * k + 1.0) ** 2, -1.0, (m - 1) // 2) if m % 2 == 1 else ((2.0 * k + 2.0) ** 2, 0.0, m // 2 - 1)


def _mathieu_matrices(kind, m, size):
    """``D``, ``E`` (shape ``m.shape + (size, size)``) and the one-hot index of the eigenvalue;
    ``bad`` where ``m`` is no valid order (nan there)."""
    m = np.asarray(m, dtype=float)
    D = np.zeros(m.shape + (size, size))
    E = np.zeros(m.shape + (size, size))
    onehot = np.zeros(m.shape + (size,))
    bad = (m != np.floor(m)) | (m < (0 if kind == "a" else 1)) | ~np.isfinite(m)
    off = np.diag(np.ones(size - 1), 1) + np.diag(np.ones(size - 1), -1)
    for idx in np.ndindex(m.shape):
        if bad[idx]:
            continue
        diagonal, corner, j = _mathieu_class(kind, int(m[idx]), size)
        D[idx] = np.diag(diagonal)
        E[idx] = off
        if corner == "even":
            E[idx][0, 1] = E[idx][1, 0] = math.sqrt(2.0)
        else:
            E[idx][0, 0] = corner
        onehot[idx][j] = 1.0
    return D, E, onehot, bad


def _mathieu_cv_partials(kind):
    name = f"mathieu_{kind}(m, q)"

    def partials(i, args, out):
        if i == 0:
            _constant(name, "the order m")()
        m, q = args
        m = np.asarray(concrete(m))
        try:
            qmax = float(np.max(np.abs(concrete(q)), initial=0.0))
        except ConcretizationError:  # (a staged q: the size for |q| up to 300)
            qmax = 300.0
        mmax = float(np.max(np.where(np.isfinite(m), m, 0.0), initial=0.0))
        size = int(mmax) // 2 + _MATHIEU_EXTRA + int(4.0 * math.sqrt(qmax if math.isfinite(qmax) else 0.0))
        shape = np.broadcast_shapes(np.shape(m), shape_of(q))
        D, E, onehot, bad = _mathieu_matrices(kind, np.broadcast_to(m, shape), size)
        return _eigenvalue_derivative(D, E, q, onehot, bad, shape)

    return partials


def _eigenvalue_derivative(D, E, t, onehot, bad, shape):
    """``vᵀ E v`` for the eigenvector ``v`` of ``D + t E`` that ``onehot`` picks (per element of
    ``shape``; ``t`` traced), by osculate's ``eigh``; nan where ``bad``."""
    ts = t if shape_of(t) == shape else broadcast_to(t, shape)
    w, v = eigh(D + reshape(ts, shape + (1, 1)) * E)
    d = sum_(sum_(v * matmul(E, v), axis=-2) * onehot, axis=-1)
    return where(bad, np.nan, d) if bad.any() else d


mathieu_a_p = elementwise("mathieu_a", special.mathieu_a, _mathieu_cv_partials("a"))
mathieu_b_p = elementwise("mathieu_b", special.mathieu_b, _mathieu_cv_partials("b"))
_MATHIEU_AB = {"a": mathieu_a_p, "b": mathieu_b_p}


# ce_m and se_m in q: ce_m(x, q) = Σₖ Aₖ(q) cos(kx) (se: sin) over the wave numbers of m's class, the
# coefficients the eigenvector u of the class's M(q) above (A₀ = u₀ / √2 for even ce, then
# ∫₀^(2π) ce² = π as SciPy's), up to a sign fixed by comparing with SciPy's own values.  ∂q u is
# eigh's: Σ_(i≠j) uᵢ (uᵢᵀ E u_j) / (λ_j - λᵢ), written with its traced outputs, so ∂q y = ± Σₖ ∂q Aₖ
# cos(kx) and ∂q y' likewise, and every higher or mixed derivative follows.

_PROBES = np.linspace(0.0, 180.0, 16, endpoint=False) + 7.0  # degrees at which the sign is read


def _mathieu_fourier(kind, m, size):
    """Wave numbers and coefficient scales of the series (``m.shape + (size,)``)."""
    freq = np.zeros(m.shape + (size,))
    scale = np.ones(m.shape + (size,))
    k = np.arange(size, dtype=float)
    for idx in np.ndindex(m.shape):
        mi = m[idx]
        if not (np.isfinite(mi) and mi == np.floor(mi) and mi >= (0 if kind == "a" else 1)):
            continue
        mi = int(mi)
        if kind == "a":
            freq[idx] = 2.0 * k if mi % 2 == 0 else 2.0 * k + 1.0
            if mi % 2 == 0:
                scale[idx][0] = 1.0 / math.sqrt(2.0)
        else:
            freq[idx] = 2.0 * k + 1.0 if mi % 2 == 1 else 2.0 * k + 2.0
    return freq, scale


def _mathieu_size(m, q):
    """The truncation for orders up to ``max m`` and ``|q|`` up to ``max |q|`` (plain arrays)."""
    qmax = float(np.max(np.abs(np.where(np.isfinite(q), q, 0.0)), initial=0.0))
    mmax = float(np.max(np.where(np.isfinite(m), m, 0.0), initial=0.0))
    return int(mmax) // 2 + _MATHIEU_EXTRA + int(4.0 * math.sqrt(qmax))


def _mathieu_sign_impl(kind):
    """The sign of SciPy's ``ce_m`` / ``se_m`` against the eigenvector's series (plain NumPy: a
    piecewise-constant primitive, recomputed at each point, also in a jit replay)."""
    trig = np.cos if kind == "a" else np.sin
    scipy_fn = special.mathieu_cem if kind == "a" else special.mathieu_sem

    def impl(m, q):
        m, q = np.broadcast_arrays(np.asarray(m, dtype=float), np.asarray(q, dtype=float))
        size = _mathieu_size(m, q)
        D, E, onehot, bad = _mathieu_matrices(kind, m, size)
        freq, scale = _mathieu_fourier(kind, m, size)
        with np.errstate(invalid="ignore"):
            u = np.sum(np.linalg.eigh(D + np.where(bad, 0.0, q)[..., None, None] * E)[1] * onehot[..., None, :],
                       axis=-1)
            t = np.radians(_PROBES)
            series = np.sum((u * scale)[..., None, :] * trig(freq[..., None, :] * t[:, None]), axis=-1)
            ref = scipy_fn(m[..., None], q[..., None], _PROBES)[0]
            return np.where(np.sum(series * ref, axis=-1) < 0, -1.0, 1.0)[()]

    return impl


_MATHIEU_SIGN = {kind: nondiff(f"mathieu_{kind}_fourier_sign", _mathieu_sign_impl(kind)) for kind in "ab"}


def _mathieu_fourier_dq(kind, args, which):
    """``∂q y`` (``which`` 0) or ``∂q y'`` (1) of ``ce_m`` (``kind`` "a") or ``se_m``, ``x`` in degrees."""
    m, q, x = args
    m = np.asarray(concrete(m), dtype=float)
    shape = np.broadcast_shapes(m.shape, shape_of(q), shape_of(x))
    mb = np.broadcast_to(m, shape)
    try:
        qb = np.broadcast_to(np.asarray(concrete(q), dtype=float), shape)
    except ConcretizationError:  # (a staged q: the size for |q| up to 300)
        qb = np.full(shape, 300.0)
    size = _mathieu_size(mb, qb)
    D, E, onehot, bad = _mathieu_matrices(kind, mb, size)
    freq, scale = _mathieu_fourier(kind, mb, size)
    qs = q if shape_of(q) == shape else broadcast_to(q, shape)
    sign = _MATHIEU_SIGN[kind].bind(mb, qs)
    # ∂q u_j = Σ_(i≠j) uᵢ (uᵢᵀ E u_j) / (λ_j - λᵢ), traced
    w, v = eigh(D + reshape(qs, shape + (1, 1)) * E)
    g = sum_(v * reshape(matmul(E, sum_(v * reshape(onehot, shape + (1, size)), axis=-1, keepdims=True)),
                         shape + (size, 1)), axis=-2)  # (Vᵀ E u_j)ᵢ
    lam_j = sum_(w * onehot, axis=-1, keepdims=True)
    c = (1.0 - onehot) * g / (lam_j - w + onehot)
    du = sum_(v * reshape(c, shape + (1, size)), axis=-1)  # V c
    t = reshape(x * _DEG, shape + (1,)) if shape_of(x) == shape else reshape(broadcast_to(x * _DEG, shape), shape + (1,))
    phase = freq * t
    if which == 0:
        basis = _u("cos")(phase) if kind == "a" else _u("sin")(phase)
    else:
        basis = -freq * _u("sin")(phase) if kind == "a" else freq * _u("cos")(phase)
    d = sign * sum_(du * scale * basis, axis=-1)
    return where(bad, np.nan, d) if bad.any() else d


# =========================================================================== spheroidal wave functions
# (1 - x²) y'' - 2x y' + (λ - c²x² - m²/(1 - x²)) y = 0 for the prolate functions, angular (|x| < 1)
# and radial (x > 1) alike; c² -> -c² for the oblate angular ones; x -> ix for the oblate radial ones:
# (x² + 1) y'' + 2x y' - (λ - c²x² - m²/(x² + 1)) y = 0.  λ is the characteristic value pro_cv or
# obl_cv (m, n, c), or the argument cv of the _cv variants.  Where the equation is singular (x = ±1)
# the second derivative is nan.

_SPHEROIDAL_CONST = ("the order m (or n, the parameter c or the characteristic value cv: the functions' "
                     "derivatives in them are not available), m, n, c or cv")
pro_cv_x_p = _characteristic("pro_cv", "pro_cv_x", "(m, n, c)", _SPHEROIDAL_CONST)
obl_cv_x_p = _characteristic("obl_cv", "obl_cv_x", "(m, n, c)", _SPHEROIDAL_CONST)


def _nan_where(bad, x, value):
    """``value`` (a function of a safe ``x``), nan with nan derivatives where ``bad``."""
    nan_there = where(bad, np.nan, 0.0) * x
    return where(bad, nan_there, value(where(bad, 0.0, x)))


def _spheroidal(kind, with_cv, angular=False):
    """``(second, first)`` of the equation ``y'' = A y + B y'`` for ``kind`` ("pro", "obl_ang",
    "obl_rad"), ``λ`` the argument ``cv`` or the characteristic primitive."""

    def lam(consts, x):
        if with_cv:
            return consts[3]
        m, n, c = consts
        if angular:  # (differentiable in c, as the angular functions are)
            return (obl_cv_p if kind.startswith("obl") else pro_cv_p).bind(m, n, c)
        return (obl_cv_x_p if kind.startswith("obl") else pro_cv_x_p).bind(m, n, c, x)

    def den_of(x):
        return x * x + 1.0 if kind == "obl_rad" else 1.0 - x * x

    def second(consts, x):
        m, c, lam_x = consts[0], consts[2], lam(consts, x)

        def a(t):
            den = den_of(t)
            if kind == "obl_rad":
                return (lam_x - c * c * (t * t) - m * m / den) / den
            sign = -1.0 if kind == "pro" else 1.0
            return -(lam_x + sign * c * c * (t * t) - m * m / den) / den

        return a(x) if kind == "obl_rad" else _nan_where(equal(den_of(x), 0.0), x, a)

    def first(consts, x):
        if kind == "obl_rad":
            return -2.0 * x / den_of(x)
        return _nan_where(equal(den_of(x), 0.0), x, lambda t: 2.0 * t / den_of(t))

    return second, first


def _angular_dc(kind):
    return lambda i, args, which: _angular_c_partial(kind, args, which) if i == 2 else None


for _name, _kind in (("pro_ang1", "pro"), ("pro_rad1", "pro"), ("obl_ang1", "obl_ang"), ("obl_rad1", "obl_rad")):
    if _name.endswith("ang1"):
        ODE_PAIRS[_name] = _ode_pair(_name, 3, _SPHEROIDAL_CONST, 1.0, *_spheroidal(_kind, False, angular=True),
                                     parameter=_angular_dc(_name[:3]))
    else:
        ODE_PAIRS[_name] = _ode_pair(_name, 3, _SPHEROIDAL_CONST, 1.0, *_spheroidal(_kind, False))
    ODE_PAIRS[f"{_name}_cv"] = _ode_pair(f"{_name}_cv", 4, _SPHEROIDAL_CONST, 1.0, *_spheroidal(_kind, True))


def _spheroidal_function(name, kind, with_cv):
    def fn(*args):
        return _pair(name, *args)

    signature = "(m, n, c, cv, x)" if with_cv else "(m, n, c, x)"
    x0 = "0.3" if "ang" in name else "1.5" if name.startswith("pro") else "0.5"
    head = "1, 2, 0.8, cv" if with_cv else "1, 2, 0.8"
    setup = f"    >>> cv = special.{name[:3]}_cv(1, 2, 0.8)\n" if with_cv else ""
    fn.__name__ = name
    fn.__doc__ = (f"``scipy.special.{name}{signature} -> (y, y')``, SciPy's values, both differentiable in ``x`` "
                  f"to every order by the {kind} spheroidal equation (``m``, ``n``, ``c``"
                  f"{', ``cv``' if with_cv else ''} are constants).\n\n"
                  "    >>> import numpy as np, osculate as osc\n"
                  "    >>> from scipy import special\n"
                  f"{setup}"
                  f"    >>> y, yp = {name}({head}, {x0})\n"
                  f"    >>> bool(np.isclose(osc.grad(lambda t: {name}({head}, t)[0])(np.float64({x0})), yp))\n"
                  "    True\n")
    return fn


pro_ang1 = _spheroidal_function("pro_ang1", "prolate", False)
pro_rad1 = _spheroidal_function("pro_rad1", "prolate", False)
obl_ang1 = _spheroidal_function("obl_ang1", "oblate", False)
obl_rad1 = _spheroidal_function("obl_rad1", "oblate", False)
pro_ang1_cv = _spheroidal_function("pro_ang1_cv", "prolate", True)
pro_rad1_cv = _spheroidal_function("pro_rad1_cv", "prolate", True)
obl_ang1_cv = _spheroidal_function("obl_ang1_cv", "oblate", True)
obl_rad1_cv = _spheroidal_function("obl_rad1_cv", "oblate", True)


# =========================================================================== spheroidal characteristic values in c
# λ_mn(c) is an eigenvalue of L = -((1 - x²) y')' + m²/(1 - x²) y ± c²x² y (+ prolate, - oblate) in
# the normalized associated Legendre functions P̄ₗᵐ (l = m, m+1, …), where it is D + t X² with D =
# diag(l(l+1)), t = ±c² and X the tridiagonal matrix of x (x P̄ₗ = αₗ P̄ₗ₊₁ + αₗ₋₁ P̄ₗ₋₁, αₗ² = ((l+1)²
# - m²) / ((2l+1)(2l+3))); X² keeps the parity of l - m, and within a parity class the eigenvalues
# are simple: λ_mn is the ((n - m) // 2)-th of the class of n - m.  ∂c λ = ±2c vᵀ X² v (Hellmann and
# Feynman) with v from osculate's eigh of the matrix truncated after (n - m)/2 + 40 + 2c terms of the
# class (then its eigenvalue equals SciPy's to about 1e-15); higher derivatives from eigh's.

_SPHEROIDAL_EXTRA = 40


def _spheroidal_matrices(m, n, size):
    """``D``, ``X²`` (class-restricted, shape ``m.shape + (size, size)``), the one-hot index and
    ``bad`` (where ``(m, n)`` is no valid pair: integers with ``0 <= m <= n``)."""
    m, n = np.broadcast_arrays(np.asarray(m, dtype=float), np.asarray(n, dtype=float))
    D = np.zeros(m.shape + (size, size))
    X2 = np.zeros(m.shape + (size, size))
    onehot = np.zeros(m.shape + (size,))
    bad = ((m != np.floor(m)) | (n != np.floor(n)) | (m < 0) | (n < m) | ~np.isfinite(m) | ~np.isfinite(n))
    for idx in np.ndindex(m.shape):
        if bad[idx]:
            continue
        mi, ni = int(m[idx]), int(n[idx])
        count = 2 * size + 2
        ell = mi + np.arange(count, dtype=float)
        alpha = np.sqrt(((ell[:-1] + 1.0) ** 2 - mi * mi) / ((2.0 * ell[:-1] + 1.0) * (2.0 * ell[:-1] + 3.0)))
        X = np.diag(alpha, 1) + np.diag(alpha, -1)
        keep = np.arange((ni - mi) % 2, 2 * size, 2)
        D[idx] = np.diag(ell[keep] * (ell[keep] + 1.0))
        X2[idx] = (X @ X)[np.ix_(keep, keep)]
        onehot[idx][(ni - mi) // 2] = 1.0
    return D, X2, onehot, bad


def _spheroidal_cv_partials(kind):
    name = f"{kind}_cv(m, n, c)"
    sign = 1.0 if kind == "pro" else -1.0

    def partials(i, args, out):
        if i < 2:
            _constant(name, "the order m (or n)")()
        m, n, c = args
        m, n = np.asarray(concrete(m)), np.asarray(concrete(n))
        try:
            cmax = float(np.max(np.abs(concrete(c)), initial=0.0))
        except ConcretizationError:  # (a staged c: the size for c up to 50)
            cmax = 50.0
        spread = np.where(np.isfinite(n - m), np.abs(n - m), 0.0)
        size = int(np.max(spread, initial=0.0)) // 2 + _SPHEROIDAL_EXTRA + int(2.0 * (cmax if math.isfinite(cmax) else 0.0))
        shape = np.broadcast_shapes(np.shape(m), np.shape(n), shape_of(c))
        D, X2, onehot, bad = _spheroidal_matrices(np.broadcast_to(m, shape), np.broadcast_to(n, shape), size)
        cs = c if shape_of(c) == shape else broadcast_to(c, shape)
        # M = D + t X², t = ±c²: ∂c λ = (∂t λ) (±2c), ∂t λ = vᵀ X² v
        return (2.0 * sign) * cs * _eigenvalue_derivative(D, X2, sign * (cs * cs), onehot, bad, shape)

    return partials


pro_cv_p = elementwise("pro_cv", special.pro_cv, _spheroidal_cv_partials("pro"))
obl_cv_p = elementwise("obl_cv", special.obl_cv, _spheroidal_cv_partials("obl"))


# The angular functions in c: S_mn(c, x) = T Σ_l u_l(c) P̄ₗᵐ(x) / D₀ over the class of n - m, u the
# eigenvector above (P̄ the normalized associated Legendre functions, without the Condon–Shortley
# phase), normalized as SciPy's: S(c, 0) = Pₙᵐ(0) for even n - m, S'(c, 0) = Pₙᵐ'(0) for odd, so T
# = Pₙᵐ(0) (or Pₙᵐ'(0)) and D₀ = Σ u_l P̄ₗᵐ(0) (or P̄ₗᵐ'(0)): the eigenvector's sign cancels.  With ∂c
# u = ±2c Σ_(i≠j) uᵢ (uᵢᵀ X² u_j) / (λ_j - λᵢ) (eigh's, traced): ∂c S = (T/D₀) Σ ∂c u_l P̄ₗ(x) - S Σ
# ∂c u_l P̄ₗ(0) / D₀, and ∂c S' likewise with P̄ₗ'(x) and S'.  P̄ₗᵐ(x) by the stable three-term
# recurrence x P̄ₗ = αₗ P̄ₗ₊₁ + αₗ₋₁ P̄ₗ₋₁ from P̄ₘᵐ ∝ (1 - x²)^(m/2), traced in x; (1 - x²) P̄ₗ' = (l+m)
# (Nₗ₋₁/Nₗ) P̄ₗ₋₁ - l x P̄ₗ.


def _legendre_alpha(m, count):
    """``αₖ`` of ``x P̄ₘ₊ₖ = αₖ P̄ₘ₊ₖ₊₁ + αₖ₋₁ P̄ₘ₊ₖ₋₁`` for ``k < count`` (``m`` an array: one row each)."""
    ell = m[..., None] + np.arange(count, dtype=float)
    return np.sqrt(((ell + 1.0) ** 2 - m[..., None] ** 2) / ((2.0 * ell + 1.0) * (2.0 * ell + 3.0)))


def _legendre_start(m):
    """``P̄ₘᵐ(x) / (1 - x²)^(m/2) = (2m-1)!! / Nₘ``, ``Nₘ² = 2 (2m)! / (2m+1)`` (by logarithms)."""
    log_dfact = special.gammaln(2.0 * m + 1.0) - m * math.log(2.0) - special.gammaln(m + 1.0)  # (2m-1)!!
    return np.exp(log_dfact - 0.5 * (math.log(2.0) + special.gammaln(2.0 * m + 1.0) - np.log(2.0 * m + 1.0)))


def _legendre_table(x, m, count, traced):
    """``[P̄ₘ₊ₖᵐ(x), P̄ₘ₊ₖᵐ'(x)]`` for ``k < count``, lists of arrays (``x`` traced, or plain)."""
    alpha = _legendre_alpha(m, count + 1)
    one_minus = 1.0 - x * x
    power = one_minus ** (0.5 * m) if traced else np.power(one_minus, 0.5 * m)
    values = [_legendre_start(m) * power]
    previous = 0.0 * x
    for k in range(count - 1):
        nxt = (x * values[-1] - (alpha[..., k - 1] * previous if k else 0.0)) / alpha[..., k]
        previous = values[-1]
        values.append(nxt)
    derivs = []
    for k in range(count):
        ell = m + k
        with np.errstate(invalid="ignore", divide="ignore"):
            factor = np.sqrt(np.maximum((2.0 * ell + 1.0) / (2.0 * ell - 1.0) * (ell - m) * (ell + m), 0.0))
        lower = factor * values[k - 1] if k else 0.0 * x
        derivs.append((lower - ell * x * values[k]) / one_minus)
    return values, derivs


def _stack_last(parts, shape):
    return concatenate([reshape(p if shape_of(p) == shape else broadcast_to(p, shape), shape + (1,)) for p in parts],
                       axis=-1)


def _angular_c_partial(kind, args, which):
    """``∂c S`` (``which`` 0) or ``∂c S'`` (1) of ``pro_ang1`` / ``obl_ang1`` ``(m, n, c, x)``."""
    sign = 1.0 if kind == "pro" else -1.0
    name = f"{kind}_ang1"
    m, n, c, x = args
    m, n = np.asarray(concrete(m), dtype=float), np.asarray(concrete(n), dtype=float)
    shape = np.broadcast_shapes(m.shape, n.shape, shape_of(c), shape_of(x))
    mb, nb = np.broadcast_to(m, shape), np.broadcast_to(n, shape)
    try:
        cmax = float(np.max(np.abs(concrete(c)), initial=0.0))
    except ConcretizationError:  # (a staged c: the size for c up to 50)
        cmax = 50.0
    spread = np.where(np.isfinite(nb - mb), np.abs(nb - mb), 0.0)
    size = int(np.max(spread, initial=0.0)) // 2 + _SPHEROIDAL_EXTRA + int(2.0 * (cmax if math.isfinite(cmax) else 0.0))
    D, X2, onehot, bad = _spheroidal_matrices(mb, nb, size)
    ms = np.where(bad, 0.0, mb)
    parity = np.where(bad, 0, (np.where(bad, 0.0, nb) - ms) % 2).astype(int)
    odd = parity == 1
    # the class's entries of the table: k = parity + 2i
    zero_values, zero_derivs = _legendre_table(np.zeros(shape), ms, 2 * size, traced=False)
    pick = parity[..., None] + 2 * np.arange(size)
    at_zero = np.take_along_axis(np.stack(np.where(odd[None], zero_derivs, zero_values), axis=-1), pick, axis=-1)
    # T = Pₙᵐ(0) or Pₙᵐ'(0) (unnormalized): Nₙ times the normalized one at the class index of n
    j = np.where(bad, 0, ((np.where(bad, 0.0, nb) - ms) // 2)).astype(int)
    norm_n = np.exp(0.5 * (math.log(2.0) - np.log(2.0 * (ms + 2 * j + parity) + 1.0)
                           + special.gammaln(2.0 * ms + 2 * j + parity + 1.0) - special.gammaln(2 * j + parity + 1.0)))
    target = norm_n * np.take_along_axis(at_zero, j[..., None], axis=-1)[..., 0]
    # the eigenvector and its c-derivative (traced)
    cs = c if shape_of(c) == shape else broadcast_to(c, shape)
    w, v = eigh(D + reshape(sign * (cs * cs), shape + (1, 1)) * X2)
    u = sum_(v * reshape(onehot, shape + (1, size)), axis=-1)
    g = sum_(v * reshape(matmul(X2, reshape(u, shape + (size, 1))), shape + (size, 1)), axis=-2)
    lam_j = sum_(w * onehot, axis=-1, keepdims=True)
    du = sum_(v * reshape((1.0 - onehot) * g / (lam_j - w + onehot), shape + (1, size)), axis=-1)
    du = du * reshape((2.0 * sign) * cs, shape + (1,))
    d0 = sum_(u * at_zero, axis=-1)
    dd0 = sum_(du * at_zero, axis=-1)
    xs = x if shape_of(x) == shape else broadcast_to(x, shape)
    values, derivs = _legendre_table(xs, ms, 2 * size, traced=True)
    table = _stack_last(derivs if which else values, shape)
    class_table = sum_(reshape(table, shape + (1, 2 * size)) * _class_selector(parity, size), axis=-1)
    own = ODE_PAIRS[name][which].bind(*args)
    d = (target / d0) * sum_(du * class_table, axis=-1) - own * (dd0 / d0)
    return where(bad, np.nan, d) if bad.any() else d


def _class_selector(parity, size):
    """``S[..., i, k] = 1`` where ``k = parity + 2i``: picks the class's entries of a table."""
    sel = np.zeros(parity.shape + (size, 2 * size))
    i = np.arange(size)
    for idx in np.ndindex(parity.shape):
        sel[idx][i, parity[idx] + 2 * i] = 1.0
    return sel


# =========================================================================== the table

ODE_FUNCTIONS.update({
    "wright_bessel": _bind(wright_bessel_p), "log_wright_bessel": _bind(log_wright_bessel_p),
    "hyperu": _bind(hyperu_p), "besselpoly": _bind(besselpoly_p),
    "itj0y0": itj0y0, "it2j0y0": it2j0y0, "iti0k0": iti0k0, "it2i0k0": it2i0k0, "itairy": itairy,
    "itstruve0": INTEGRALS["itstruve0"][0].bind, "it2struve0": INTEGRALS["it2struve0"][0].bind,
    "itmodstruve0": INTEGRALS["itmodstruve0"][0].bind,
    "pbdv": pbdv, "pbvv": pbvv, "pbwa": pbwa, "mathieu_cem": mathieu_cem, "mathieu_sem": mathieu_sem,
    "mathieu_modcem1": mathieu_modcem1, "mathieu_modcem2": mathieu_modcem2,
    "mathieu_modsem1": mathieu_modsem1, "mathieu_modsem2": mathieu_modsem2,
    "mathieu_a": _bind(mathieu_a_p), "mathieu_b": _bind(mathieu_b_p), "pro_cv": _bind(pro_cv_p),
    "obl_cv": _bind(obl_cv_p),
    "pro_ang1": pro_ang1, "pro_rad1": pro_rad1, "obl_ang1": obl_ang1, "obl_rad1": obl_rad1,
    "pro_ang1_cv": pro_ang1_cv, "pro_rad1_cv": pro_rad1_cv, "obl_ang1_cv": obl_ang1_cv, "obl_rad1_cv": obl_rad1_cv,
})
