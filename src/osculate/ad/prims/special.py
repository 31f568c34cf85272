"""SciPy's special functions as primitives, one line each.

Elementwise unary ones are rows of the :func:`~osculate.ad.prims.unary.unary`
factory (derivative written with primitives, so every order works; Taylor
mode from the generic path; batching and sparsity from the factory); they
join :data:`~osculate.ad.prims.unary.UNARY`.  Binary ones are rows of
:func:`~osculate.ad.prims.arithmetic.binary` with partials written with
primitives and the generic Taylor rule from the jvp
(:func:`osculate.ad.taylor_trace.jvp_rule`); they are held in :data:`SPECIAL2`.

The derivatives are exact, with the numerically careful form where the naive
one loses: ``log_ndtr' = exp(logpdf - log_ndtr)`` (no underflow for x ≪ 0)
and below x = -10 Mills' continued fraction ``-x + 1/(s + 2/(s + 3/(s + …)))``,
``s = -x`` (its derivatives do not cancel: first and second derivatives to a
few ulps down to x = -1e4), ``spence' = log(x) / (1 - x)`` by its series about
1 within 0.05 of it (a polynomial: every order right at and near x = 1),
``exprel'`` by its series near 0, and ``i1' = (i0 + i2) / 2``,
``j1' = (j0 - j2) / 2`` (the recurrences, regular at x = 0, so every order is
right there).

The incomplete gamma and beta functions (``gammainc``, ``gammaincc``,
``betainc``) are in :mod:`osculate.ad.prims.incomplete` and join
:data:`SPECIAL2` here.  The Bessel functions of real order ``jv``, ``yv``,
``iv``, ``ive``, ``kv``, ``kve`` are differentiable in ``x`` and in the order
``v`` (for ``x > 0``; by quadrature and power series,
:mod:`osculate.ad.prims.bessel`); ``yn``'s order is an integer (an error names
``n``).  ``zeta(x, q)`` is differentiable in both arguments and ``zeta(x)``
(Riemann's) in ``x``.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .. import taylor_trace
from ..core import UnsupportedFunctionError
from .arithmetic import binary, where
from .incomplete import INCOMPLETE, betainc
from .nondiff import NONDIFF, equal, nondiff, sign
from .bessel import ORDER_FAMILIES, riemann_zeta, zeta_ds_p
from .unary import UNARY, unary

__all__ = ["SPECIAL2", "betainc"]

#: The binary special functions, and betainc (the unary ones are in ``UNARY``).
SPECIAL2: dict = {}

_SQRT_2PI = float(np.sqrt(2.0 * np.pi))
_LOG_SQRT_2PI = float(0.5 * np.log(2.0 * np.pi))
_SQRT_PI_2 = float(np.sqrt(np.pi) / 2.0)
_TWO_OVER_SQRT_PI = float(2.0 / np.sqrt(np.pi))
_INV_SQRT_2PI = float(1.0 / np.sqrt(2.0 * np.pi))


def _u(name):
    return UNARY[name].bind


def _safe(x, at, fill=1.0):
    """``x`` with the point ``at`` replaced by ``fill`` (so a branch that
    :func:`where` discards there stays finite)."""
    return where(equal(x, at), fill, x)


def _exprel_d(x, y):
    # (e^x - y) / x, by its series where that cancels: 1/2 + x/3 + x²/8 + x³/30 + x⁴/144
    small = NONDIFF["less"].bind(_u("abs")(x), 2e-3)
    xs = where(small, 1.0, x)
    series = 0.5 + x * (1.0 / 3.0 + x * (1.0 / 8.0 + x * (1.0 / 30.0 + x * (1.0 / 144.0))))
    return where(small, series, (_u("exp")(xs) - _u("exprel")(xs)) / xs)


_SPENCE_NEAR_1 = 0.05  # |1 - x| below which spence' is its series about 1
_SPENCE_TERMS = 24  # enough that its 7th derivative is right to 1e-15 at |1 - x| = 0.05


def _spence_d(x, y):
    # spence'(x) = log(x) / (1 - x).  Near x = 1 the quotient cancels and its limit at 1 is a
    # removable point, so there it is the polynomial -Σ_{k<24} u^k / (k + 1), u = 1 - x: a
    # polynomial in x, so every derivative of it is right too (also at x = 1 itself)
    near = NONDIFF["less"].bind(_u("abs")(1.0 - x), _SPENCE_NEAR_1)
    u = 1.0 - where(near, x, 1.0)  # (0 away from 1: the branch where() discards stays finite)
    poly = -1.0 / _SPENCE_TERMS
    for k in range(_SPENCE_TERMS - 1, 0, -1):
        poly = poly * u - 1.0 / k
    xf = where(near, 2.0, x)
    return where(near, poly, _u("log")(xf) / (1.0 - xf))


_LOG_NDTR_TAIL = -10.0  # below it, log_ndtr' by the continued fraction
_LOG_NDTR_TERMS = 24  # (20 give double precision at x = -10 already)


def _log_ndtr_d(x, y):
    # log_ndtr' = φ(x) / Φ(x) = exp(logpdf - log_ndtr) (no underflow), except in the left tail,
    # where it is s + G with s = -x and G = 1 / (s + 2 / (s + 3 / (s + ...))) (the continued
    # fraction of Mills' ratio): a sum of positive terms, and a rational function of x whose
    # derivatives are right too, whereas (x + log_ndtr') written as the difference cancels
    # (the second derivative -log_ndtr' (x + log_ndtr') lost x² eps)
    tail = NONDIFF["less"].bind(x, _LOG_NDTR_TAIL)
    s = -where(tail, x, _LOG_NDTR_TAIL)
    t = s
    for k in range(_LOG_NDTR_TERMS, 1, -1):
        t = s + k / t
    xb = where(tail, 0.0, x)
    return where(tail, s + 1.0 / t, _u("exp")(-0.5 * (xb * xb) - _LOG_SQRT_2PI - where(tail, 0.0, y)))


# name, SciPy implementation, derivative(x, y), what it reads
unary("ndtr", special.ndtr, lambda x, y: _INV_SQRT_2PI * _u("exp")(-0.5 * (x * x)), reads="x")
unary("log_ndtr", special.log_ndtr, _log_ndtr_d, reads="xy")
unary("ndtri", special.ndtri, lambda x, y: _SQRT_2PI * _u("exp")(0.5 * (y * y)), reads="y")
unary("erfinv", special.erfinv, lambda x, y: _SQRT_PI_2 * _u("exp")(y * y), reads="y")
unary("erfcinv", special.erfcinv, lambda x, y: -_SQRT_PI_2 * _u("exp")(y * y), reads="y")
unary("erfcx", special.erfcx, lambda x, y: 2.0 * x * y - _TWO_OVER_SQRT_PI, reads="xy")
unary("logit", special.logit, lambda x, y: 1.0 / (x * (1.0 - x)), reads="x")
# log_expit' = expit(-x), written as exp(log_expit(-x)) so that its own derivative is -expit(-x) expit(x)
# (the expit rule's y (1 - y) would cancel for x << 0)
unary("log_expit", special.log_expit, lambda x, y: _u("exp")(_u("log_expit")(-x)), reads="x")
unary("entr", special.entr, lambda x, y: -(_u("log")(x) + 1.0), reads="x")
unary("gamma", special.gamma, lambda x, y: y * _u("digamma")(x), reads="xy")
unary("loggamma", lambda x: special.loggamma(np.asarray(x, dtype=float)), lambda x, y: _u("digamma")(x), reads="x")
unary("rgamma", special.rgamma, lambda x, y: -y * _u("digamma")(x), reads="xy")
unary("i0", special.i0, lambda x, y: _u("i1")(x), reads="x")
unary("i1", special.i1, lambda x, y: 0.5 * (_u("i0")(x) + SPECIAL2["iv"].bind(2.0, x)), reads="x")
unary("i0e", special.i0e, lambda x, y: _u("i1e")(x) - sign(x) * y, reads="xy")
unary("i1e", special.i1e, lambda x, y: 0.5 * (_u("i0e")(x) + SPECIAL2["ive"].bind(2.0, x)) - sign(x) * y, reads="xy")
unary("j0", special.j0, lambda x, y: -_u("j1")(x), reads="x")
unary("j1", special.j1, lambda x, y: 0.5 * (_u("j0")(x) - SPECIAL2["jv"].bind(2.0, x)), reads="x")
unary("y0", special.y0, lambda x, y: -_u("y1")(x), reads="x")
unary("y1", special.y1, lambda x, y: _u("y0")(x) - y / x, reads="xy")
unary("spence", special.spence, _spence_d, reads="x")
unary("exprel", special.exprel, _exprel_d, reads="x")
unary("k0", special.k0, lambda x, y: -_u("k1")(x), reads="x")
unary("k1", special.k1, lambda x, y: -_u("k0")(x) - y / x, reads="xy")
unary("k0e", special.k0e, lambda x, y: y - _u("k1e")(x), reads="xy")
unary("k1e", special.k1e, lambda x, y: y - _u("k0e")(x) - y / x, reads="xy")
unary("exp1", special.exp1, lambda x, y: -_u("exp")(-x) / x, reads="x")
unary("expi", special.expi, lambda x, y: _u("exp")(x) / x, reads="x")
unary("exp10", special.exp10, lambda x, y: y * float(np.log(10.0)), reads="y")
unary("dawsn", special.dawsn, lambda x, y: 1.0 - 2.0 * x * y, reads="xy")
unary("sindg", special.sindg, lambda x, y: (np.pi / 180.0) * _u("cosdg")(x), reads="x")
unary("cosdg", special.cosdg, lambda x, y: -(np.pi / 180.0) * _u("sindg")(x), reads="x")


# --------------------------------------------------------------------------- binary


def special2(name, impl, dx, dy):
    """A binary special function from its partials ``dx(x, y, out)`` and
    ``dy(x, y, out)`` (written with primitives); Taylor mode from its jvp."""
    p = binary(name, impl, dx, dy, lambda primals, series, order: taylor_rule(primals, series, order))
    taylor_rule = taylor_trace.jvp_rule(p)
    SPECIAL2[name] = p
    return p


def _in_order(name):
    # ∂Z_v/∂v: the first member of the family of order derivatives (ad/prims/bessel.py)
    return lambda v, x, out: ORDER_FAMILIES[name + "_dv"].bind(v, x, n=1)


def _integer_order(name, real):
    def d(n, x, out):
        raise UnsupportedFunctionError(
            f"scipy.special.{name}(n, x): n is an integer order, so {name} has no derivative in n (use "
            f"{real}(v, x) for a real order); pass n as a constant"
        )

    return d


def _xlogy_dy(x, y, out):
    # x / y, and 0 at y = 0 (SciPy's xlogy(0, 0) = 0; the quotient itself stays, so its
    # derivative in x, 1 / y, is right at x = 0)
    return where(equal(y, 0.0), 0.0, x / _safe(y, 0.0))


special2("xlogy", special.xlogy, lambda x, y, o: _u("log")(y), _xlogy_dy)
special2("xlog1py", special.xlog1py, lambda x, y, o: _u("log1p")(y),
         lambda x, y, o: where(equal(y, -1.0), 0.0, x / (1.0 + _safe(y, -1.0, 0.0))))
special2("rel_entr", special.rel_entr, lambda x, y, o: _u("log")(x / y) + 1.0, lambda x, y, o: -x / y)
special2("kl_div", special.kl_div, lambda x, y, o: _u("log")(x / y), lambda x, y, o: 1.0 - x / y)
special2("beta", special.beta, lambda a, b, o: o * (_u("digamma")(a) - _u("digamma")(a + b)),
         lambda a, b, o: o * (_u("digamma")(b) - _u("digamma")(a + b)))
special2("betaln", special.betaln, lambda a, b, o: _u("digamma")(a) - _u("digamma")(a + b),
         lambda a, b, o: _u("digamma")(b) - _u("digamma")(a + b))
SPECIAL2.update(INCOMPLETE)  # gammainc, gammaincc, betainc

# Bessel functions of real order v: in x by the recurrences Z_v' = (Z_{v-1} ∓ Z_{v+1}) / 2 (for the
# scaled ones minus the scaling's derivative), in v by the families of ad/prims/bessel.py


def _bessel_dx(name, sign_, extra=None):
    def d(v, x, out):
        p = SPECIAL2[name]
        r = 0.5 * (p.bind(v - 1, x) + sign_ * p.bind(v + 1, x))
        return r if extra is None else r + extra(x, out)

    return d


special2("jv", special.jv, _in_order("jv"), _bessel_dx("jv", -1.0))
special2("yv", special.yv, _in_order("yv"), _bessel_dx("yv", -1.0))
def _truncated(d):
    """``d(n, x, out)`` at SciPy's integer order: ``yn`` and ``kn`` truncate a float ``n``."""
    return lambda n, x, out: d(NONDIFF["trunc"].bind(n), x, out)


special2("yn", special.yn, _integer_order("yn", "yv"), _truncated(_bessel_dx("yn", -1.0)))
special2("iv", special.iv, _in_order("iv"), _bessel_dx("iv", 1.0))
special2("ive", special.ive, _in_order("ive"), _bessel_dx("ive", 1.0, lambda x, out: -sign(x) * out))
special2("kv", special.kv, _in_order("kv"), lambda v, x, o: -_bessel_dx("kv", 1.0)(v, x, o))
special2("kve", special.kve, _in_order("kve"), lambda v, x, o: o - _bessel_dx("kve", 1.0)(v, x, o))
special2("kn", special.kn, _integer_order("kn", "kv"), _truncated(lambda n, x, o: -_bessel_dx("kn", 1.0)(n, x, o)))
# jve and yve scale by exp(-|Im z|): for the real x osculate differentiates they are jv and yv
special2("jve", special.jve, _in_order("jv"), _bessel_dx("jve", -1.0))
special2("yve", special.yve, _in_order("yv"), _bessel_dx("yve", -1.0))


def _b2(name):
    p = SPECIAL2[name]
    return lambda x, y: p.bind(x, y)


# Hurwitz zeta(x, q) = Σ (k + q)^-x: in q, d/dq = -x zeta(x + 1, q); not in x
special2("zeta", special._ufuncs._zeta, lambda x, q, o: zeta_ds_p.bind(x, q, k=1),
         lambda x, q, o: -x * SPECIAL2["zeta"].bind(x + 1.0, q))


def zeta(x, q=None):
    """``scipy.special.zeta(x, q=None)``: Hurwitz's, or Riemann's without ``q``; differentiable
    in both arguments (:mod:`osculate.ad.prims.bessel`)."""
    return riemann_zeta(x) if q is None else SPECIAL2["zeta"].bind(x, q)


# the sign of Γ(x): piecewise constant
nondiff("gammasgn", special.gammasgn)

#: ``name -> function`` for every special function of this module (unary and binary).
FUNCTIONS = {name: UNARY[name].bind for name in (
    "ndtr log_ndtr ndtri erfinv erfcinv erfcx logit log_expit entr gamma loggamma rgamma i0 i1 i0e i1e "
    "j0 j1 y0 y1 k0 k1 k0e k1e exp1 expi exp10 dawsn spence exprel sindg cosdg"
).split()}
FUNCTIONS.update({name: _b2(name) for name in SPECIAL2})
FUNCTIONS["gammasgn"] = NONDIFF["gammasgn"].bind
FUNCTIONS["betainc"] = betainc
FUNCTIONS["zeta"] = zeta
__all__ += ["FUNCTIONS"]
