"""Arithmetic primitives (+ - * / **, maximum, where, ...) and their rules.

Each primitive is one block: its NumPy implementation, then its jvp, vjp,
residuals, batch, Taylor and sparsity rules.  Every primitive here is
elementwise with NumPy broadcasting: tangents are broadcast to the output's
shape (``_fit``), cotangents summed back to each input's (``unbroadcast``),
Taylor coefficients likewise (``fitted``), and one batch rule serves them
all.  ``+`` and ``-`` share all their rules (:func:`_sum_rules`); products,
quotients and powers get their jvp and vjp from their partial derivative
maps (:func:`jvp_by_partials`, :func:`vjp_by_partials`), and so do the
operations :func:`binary` builds from their two partial derivatives.
"""

from __future__ import annotations

import operator

import numpy as np

from .. import sparsity
from ..batching import elementwise_batch
from ..core import Primitive, Tracer, zero
from ..forward import JVPTracer, def_tangent, jvp_of
from ..reverse import Scaled, scale, uniform, worth_folding
from ..series import (
    coeff_add, coeff_fit, coeff_scale, coeff_sub, full, is_constant, series_add, series_derivative, series_div,
    series_exp, series_int_pow, series_integrate, series_log, series_mul, series_ode, series_ode_known, series_pow,
    series_reciprocal, series_sqrt, series_square, series_sub, square_coefficient,
)
from .nondiff import NONDIFF, equal, greater
from .structural import broadcast_to, shape_of, unbroadcast
from .unary import UNARY

__all__ = [
    "add", "sub", "mul", "div", "neg", "power", "maximum", "minimum", "arctan2", "hypot",
    "logaddexp", "where", "stop_gradient", "convert", "add_tangents", "binary", "tangent_by_partials", "jvp_by_partials",
    "vjp_by_partials",
]


#: ``a + b`` where either may be the symbolic :data:`zero`: the zero-aware sum
#: of Taylor coefficients serves tangents as well.
add_tangents = coeff_add


def _fit(t, shape):
    """Broadcast a tangent to the output shape when it came from a smaller input."""
    if t.shape == shape:
        return t
    return broadcast_to(t, shape)


def fitted(coefficients, out):
    """Taylor coefficients broadcast to the shape of the output ``out``."""
    sh = shape_of(out)
    return [coeff_fit(c, sh) for c in coefficients]


def _is_constant(y):
    return not isinstance(y, Tracer)


def scaled(c, k):
    """``c * k`` for a cotangent ``c`` and a constant ``k``.  A cotangent that
    is one value broadcast (the adjoint of a sum) stays one: the one value is
    scaled and broadcast again, so a sum's cotangent passing through constant
    factors costs no pass over memory.  A large real one is kept with ``k``
    apart (:class:`~osculate.ad.reverse.Scaled`), to be folded into the next
    factor or sum, when ``k`` is a Python number or holds one value of its
    dtype."""
    if type(k) is float or type(k) is int:
        if type(c) is np.ndarray or isinstance(c, Tracer):
            return scale(c, k)
    elif type(k) is np.ndarray and type(c) is np.ndarray:
        if k.ndim == 0 and uniform(c):
            return scale(c, k)  # (the one value times k, k's dtype taking part)
        if k.dtype == c.dtype and k.dtype.kind == "f" and (k.ndim == 0 or (k.shape == c.shape and uniform(k))):
            return scale(c, float(k.reshape(-1)[0]))
        by_one = _by_one_value(c, k)
        if by_one is not None:
            return by_one
    elif type(c) is np.ndarray and isinstance(k, Tracer):
        by_one = _by_one_value(c, k)
        if by_one is not None:
            return by_one
    return c * k


def _by_one_value(c, k):
    """``c * k`` for a cotangent ``c`` that is one value broadcast and a large
    real array ``k`` of its shape and dtype (or such a tracer of reverse over
    reverse): ``k`` with that value as its factor
    (:class:`~osculate.ad.reverse.Scaled`), no pass over memory; ``None`` for
    other operands."""
    if uniform(c) and getattr(k, "shape", None) == c.shape and k.dtype == c.dtype and worth_folding(k):
        return scale(k, float(c.reshape(-1)[0]))
    return None


#: Below this many elements a fresh temporary is not worth reusing (the checks cost more).
_IN_PLACE_AT = 4096


def _owned(a):
    """Whether ``a`` is a plain array that owns its memory (a fresh result)."""
    return type(a) is np.ndarray and a.base is None and a.flags.writeable


def _times_fresh(a, b):
    """``a * b`` where ``a`` was just made by the caller and is referenced
    nowhere else, with the same values: written into ``a`` when both are plain
    arrays of one shape and dtype (no second temporary).  Likewise when both
    are forward-mode tracers over such arrays (``a``'s fresh primal and
    tangent take the product's, as the mul jvp rule computes them).  A
    cotangent kept with its factor apart (:class:`~osculate.ad.reverse.Scaled`)
    keeps it."""
    if type(a) is Scaled:
        if (type(b) is np.ndarray or isinstance(b, Tracer)) and b.dtype == a.dtype:
            return Scaled(a.value * b, a.factor)
        a = a.materialize()
    by_one = _by_one_value(a, b)
    if by_one is not None:
        return by_one
    if type(a) is np.ndarray:
        if (type(b) is np.ndarray and a.size >= _IN_PLACE_AT and a.shape == b.shape and a.dtype == b.dtype
                and _owned(a)):
            return np.multiply(a, b, out=a)
    elif type(a) is JVPTracer and type(b) is JVPTracer and a._trace is b._trace and a._trace.active:
        ap, at, bp, bt = a.primal, a.tangent, b.primal, b.tangent
        if (type(ap) is np.ndarray and ap.size >= _IN_PLACE_AT and _owned(ap) and _owned(at) and ap is not at
                and type(bp) is np.ndarray and type(bt) is np.ndarray
                and ap.shape == at.shape == bp.shape == bt.shape and ap.dtype == at.dtype == bp.dtype == bt.dtype):
            np.multiply(at, bp, out=at)  # the tangent a' b + a b' (mul's jvp), then the primal a b
            np.add(at, ap * bt, out=at)
            np.multiply(ap, bp, out=ap)
            return a
    return a * b


def negated(c):
    """``-c`` for a cotangent, one value broadcast staying one and a large
    array kept with its factor apart (see :func:`scaled`)."""
    if (type(c) is np.ndarray and c.dtype.kind == "f") or worth_folding(c):
        return scale(c, -1.0)
    if uniform(c):
        return np.broadcast_to(-c[(slice(0, 1),) * c.ndim], c.shape)
    return -c


def _elementwise(name, impl, **flags):
    """A primitive of this module: elementwise with broadcasting, so one batch
    rule serves it (:func:`osculate.ad.batching.elementwise_batch`)."""
    p = Primitive(name, impl, **flags)
    p.def_rule("batch", elementwise_batch(p))
    return p


# --------------------------------------------------------------------------- rules shared by the binary operations


def _sum_rules(p, coeff_op):
    """Every rule of ``x + y`` (``coeff_op`` is :func:`coeff_add`) or ``x - y``
    (:func:`coeff_sub`), linear in both inputs: tangents and Taylor
    coefficients combine with the zero-aware ``coeff_op`` itself, the
    cotangent goes back to ``x`` as it is and to ``y`` with ``coeff_op``'s sign,
    and no values are read."""
    negate = coeff_op is coeff_sub  # d(x - y)/dy = -1

    def tangent(out, primals, tangents):
        t = coeff_op(*tangents)
        return zero if t is zero else _fit(t, shape_of(out))

    def_tangent(p, tangent)

    @p.def_vjp
    def vjp(ct, out, primals, wants):
        x, y = primals
        return (
            unbroadcast(ct, shape_of(x)) if wants[0] else None,
            unbroadcast(negated(ct) if negate else ct, shape_of(y)) if wants[1] else None,
        )

    @p.def_rule("taylor")
    def taylor(primals, series, order):
        out = p.bind(*primals)
        return out, fitted([coeff_op(a, b) for a, b in zip(*series)], out)

    p.def_rule("residuals", lambda wants: ((False, False), False))  # a sum or difference reads no values
    p.def_rule("sparsity", sparsity.linear_rule)


def tangent_by_partials(dx, dy, fresh=False):
    """The tangent rule of a binary primitive from its partial derivative
    maps ``dx(c, x, y, out)`` and ``dy(c, x, y, out)``: the derivative in ``x``
    (``y``) applied to ``c``, written with primitives (``c * y`` for
    ``x * y``).  The output's tangent is the sum of the terms of the nonzero
    input tangents, broadcast to the output's shape.  ``fresh``: the maps
    return new arrays, so the sum of two plain ones of one shape and dtype is
    taken in place of the first."""

    def rule(out, primals, tangents):
        x, y = primals
        tx, ty = tangents
        if ty is zero:
            t = zero if tx is zero else dx(tx, x, y, out)
        elif tx is zero:
            t = dy(ty, x, y, out)
        else:
            a, b = dx(tx, x, y, out), dy(ty, x, y, out)
            if (fresh and type(a) is np.ndarray and type(b) is np.ndarray and a.size >= _IN_PLACE_AT
                    and a.shape == b.shape and a.dtype == b.dtype):
                t = np.add(a, b, out=a)
            else:
                t = add_tangents(a, b)
        return zero if t is zero else _fit(t, shape_of(out))

    return rule


def jvp_by_partials(p, dx, dy, fresh=False):
    """The jvp rule of the binary primitive ``p`` from the maps of
    :func:`tangent_by_partials`."""
    return jvp_of(p, tangent_by_partials(dx, dy, fresh))


def vjp_by_partials(dx, dy):
    """The vjp rule of an elementwise binary primitive from the same maps (for
    an elementwise operation ``c · ∂out/∂x``, its own adjoint): each input's
    cotangent, summed back to its shape."""

    def rule(ct, out, primals, wants):
        x, y = primals
        return (
            unbroadcast(dx(ct, x, y, out), shape_of(x)) if wants[0] else None,
            unbroadcast(dy(ct, x, y, out), shape_of(y)) if wants[1] else None,
        )

    return rule


# --------------------------------------------------------------------------- add

add_p = _elementwise("add", np.add)


def add(x, y):
    return add_p.bind(x, y)


_sum_rules(add_p, coeff_add)


# --------------------------------------------------------------------------- sub

sub_p = _elementwise("sub", np.subtract)


def sub(x, y):
    return sub_p.bind(x, y)


_sum_rules(sub_p, coeff_sub)


# --------------------------------------------------------------------------- mul

mul_p = _elementwise("mul", np.multiply)


def mul(x, y):
    return mul_p.bind(x, y)


def _times_y(c, x, y, out):
    return c * y


def _times_x(c, x, y, out):
    return c * x


def_tangent(mul_p, tangent_by_partials(_times_y, _times_x, fresh=True))
mul_p.def_vjp(vjp_by_partials(lambda c, x, y, out: scaled(c, y), lambda c, x, y, out: scaled(c, x)))
mul_p.def_rule("residuals", lambda wants: ((wants[1], wants[0]), False))  # each factor's adjoint reads the other


@mul_p.def_rule("taylor")
def _mul_taylor(primals, series, order):
    x, y = primals
    sx, sy = series
    out = mul_p.bind(x, y)
    if is_constant(sx):
        return out, fitted([coeff_scale(c, x) for c in sy], out)
    if is_constant(sy):
        return out, fitted([coeff_scale(c, y) for c in sx], out)
    if x is y and sx is sy:  # x * x: half the products
        z = series_square(full(x, sx), order, out)
    else:
        z = series_mul(full(x, sx), full(y, sy), order, out)
    return out, fitted(z[1:], out)


@mul_p.def_rule("sparsity")
def _mul_sparsity(trace, args, out):
    dx, dy = sparsity.gathered_args(trace, args, out)
    if dx is None or dy is None:
        d, c = (dy, args[0]) if dx is None else (dx, args[1])
        return sparsity.drop_rows(d, np.broadcast_to(np.asarray(c) == 0, np.shape(out)))  # times a structural zero
    return sparsity.with_pairs(sparsity.union(dx, dy), dx.G, dy.G, trace.n)


# --------------------------------------------------------------------------- div

div_p = _elementwise("div", np.true_divide)


def div(x, y):
    return div_p.bind(x, y)


def_tangent(div_p, tangent_by_partials(lambda c, x, y, out: c / y, lambda c, x, y, out: -(out * c) / y))


@div_p.def_vjp
def _div_vjp(ct, out, primals, wants):  # (the partials' maps, sharing one division)
    x, y = primals
    g = ct / y
    return (
        unbroadcast(g, shape_of(x)) if wants[0] else None,
        unbroadcast(-(g * out), shape_of(y)) if wants[1] else None,
    )


div_p.def_rule("residuals", lambda wants: ((False, True), wants[1]))  # the divisor, and the output for d/dy


@div_p.def_rule("taylor")
def _div_taylor(primals, series, order):
    x, y = primals
    sx, sy = series
    out = div_p.bind(x, y)
    inv = 1.0 / y
    if is_constant(sy):
        return out, fitted([coeff_scale(c, inv) for c in sx], out)
    q = series_div(full(x, sx), full(y, sy), order, out, inv)
    return out, fitted(q[1:], out)


@div_p.def_rule("sparsity")
def _div_sparsity(trace, args, out):
    dx, dy = sparsity.gathered_args(trace, args, out)
    if dy is None:
        return dx
    d = sparsity.union(dx, dy)
    if dx is not None:
        d = sparsity.with_pairs(d, dx.G, dy.G, trace.n)
    return sparsity.with_pairs(d, dy.G, dy.G, trace.n)


# --------------------------------------------------------------------------- neg

neg_p = _elementwise("neg", np.negative)


def neg(x):
    return neg_p.bind(x)


def_tangent(neg_p, lambda out, primals, tangents: -tangents[0])
neg_p.def_vjp(lambda ct, out, primals, wants: (negated(ct),))
neg_p.def_rule("residuals", lambda wants: ((False,), False))
neg_p.def_rule("taylor", lambda primals, series, order: (
    neg_p.bind(primals[0]), [zero if c is zero else neg_p.bind(c) for c in series[0]]))
neg_p.def_rule("sparsity", sparsity.linear_rule)


# --------------------------------------------------------------------------- power


def _power(x, y, out=None):
    """``np.power``.  An array raised to a Python number goes through ``x ** y``,
    so NumPy's own faster paths for the exponents 2, 0.5 and -1 (``square``,
    ``sqrt``, ``reciprocal``: the same values, up to 2x faster) apply as they
    do in the user's own code.  ``ufunc`` names the ufunc for the staged
    programs (``out=``) and the loop fusion."""
    if out is None and type(x) is np.ndarray and (type(y) is int or type(y) is float):
        return x ** y
    return np.power(x, y, out=out)


_power.ufunc = np.power

pow_p = _elementwise("pow", _power)


def power(x, y):
    return pow_p.bind(x, y)


def _number(y):
    """A constant scalar exponent as a Python number (complex when it is complex)."""
    if type(y) is float:
        return y
    if type(y) is int:
        return float(y)
    return complex(y) if np.iscomplexobj(y) else float(y)


def _scaled_pow_dx(c, x, y, out, scale=operator.mul):
    """``c * d(x**y)/dx``, written so constant exponents 0, 1, 2 stay exact and
    constant factors multiply ``c`` first (cheaper when ``x`` is traced);
    ``scale(c, k)`` multiplies by a constant (:func:`scaled` in the vjp)."""
    if isinstance(y, (int, float)) or (_is_constant(y) and np.ndim(y) == 0):
        yv = _number(y)
        if yv == 0.0:
            return scale(c, 0.0)
        if yv == 1.0:
            return c
        if yv == 2.0:
            return _times_fresh(scale(c, 2.0), x)
        return _times_fresh(scale(c, yv), pow_p.bind(x, yv - 1.0))
    return c * (y * pow_p.bind(x, y - 1.0))


def _scaled_pow_dy(c, x, y, out):
    """``c * d(x**y)/dy = c x**y log x``, 0 at ``x = 0`` (the derivative for
    ``y > 0``; this avoids ``0 * -inf``)."""
    safe = where(equal(x, 0.0), 1.0, x)
    return c * where(equal(x, 0.0), 0.0, out * UNARY["log"].bind(safe))


def _guarded_log(x):
    """``log x``, 0 at ``x = 0`` (as in the jvp)."""
    at0 = equal(x, 0.0)
    return where(at0, 0.0, UNARY["log"].bind(where(at0, 1.0, x)))


def_tangent(pow_p, tangent_by_partials(_scaled_pow_dx, _scaled_pow_dy))
pow_p.def_vjp(vjp_by_partials(lambda c, x, y, out: _scaled_pow_dx(c, x, y, out, scaled), _scaled_pow_dy))
pow_p.def_rule("residuals", lambda wants: ((True, True), wants[1]))  # the output only for d/dy


@pow_p.def_rule("taylor")
def _pow_taylor(primals, series, order):
    """Constant exponents by their recurrence (integer ones by repeated
    squaring, exact at x = 0); traced exponents as exp(y log x)."""
    x, y = primals
    sx, sy = series
    out = pow_p.bind(x, y)
    K = order
    X = full(x, sx)
    if is_constant(sy):
        p = y
        if _is_constant(y) and np.ndim(y) == 0:
            p = _number(y)
            if p == 0.0:
                return out, (zero,) * K
            if p == 1.0:
                return out, fitted(sx, out)
            if isinstance(p, complex):
                return out, fitted(series_pow(X, p, K, out)[1:], out)
            if p.is_integer() and 2.0 <= p <= 2.0**31:
                return out, fitted(series_int_pow(X, int(p), K)[1:], out)
            if p == -1.0:
                return out, fitted(series_reciprocal(X, K, out)[1:], out)
            if p == 0.5:
                return out, fitted(series_sqrt(X, K, out)[1:], out)
        return out, fitted(series_pow(X, p, K, out)[1:], out)
    log0 = _guarded_log(x)
    L = [log0] + ([zero] * K if is_constant(sx) else series_log(X, K, log0)[1:])
    S = series_mul(full(y, sy), L, K)
    return out, fitted(series_exp(S, K, out)[1:], out)


@pow_p.def_rule("sparsity")
def _pow_sparsity(trace, args, out):
    x, y = args
    if trace.deps_of(y) is None and np.ndim(y) == 0:
        e = _number(y)
        if e == 0.0:
            return trace.empty(sparsity.size_of(np.shape(out)))
        if e == 1.0:
            return sparsity.linear_rule(trace, args, out)
    return sparsity.nonlinear_rule(trace, args, out)


# --------------------------------------------------------------------------- where (select)

select_p = _elementwise("where", np.where)


def where(cond, x, y):
    return select_p.bind(cond, x, y)


@select_p.def_jvp
def _select_jvp(primals, tangents):
    c, x, y = primals
    _, tx, ty = tangents
    out = select_p.bind(c, x, y)
    if tx is zero and ty is zero:
        return out, zero
    t = select_p.bind(c, 0.0 if tx is zero else tx, 0.0 if ty is zero else ty)
    return out, _fit(t, shape_of(out))


@select_p.def_vjp
def _select_vjp(ct, out, primals, wants):
    c, x, y = primals
    return (
        None,
        unbroadcast(select_p.bind(c, ct, 0.0), shape_of(x)) if wants[1] else None,
        unbroadcast(select_p.bind(c, 0.0, ct), shape_of(y)) if wants[2] else None,
    )


select_p.def_rule("residuals", lambda wants: ((True, False, False), False))  # the condition only


@select_p.def_rule("taylor")
def _select_taylor(primals, series, order):  # the condition is piecewise constant
    c, x, y = primals
    out = select_p.bind(c, x, y)
    res = []
    for a, b in zip(series[1], series[2]):
        if a is zero and b is zero:
            res.append(zero)
        else:
            res.append(select_p.bind(c, 0.0 if a is zero else a, 0.0 if b is zero else b))
    return out, fitted(res, out)


@select_p.def_rule("sparsity")
def _select_sparsity(trace, args, out):
    c = args[0]
    shape = np.shape(out)
    dx, dy = sparsity.gathered_args(trace, args[1:], out)
    if trace.local:  # only the side selected at this point
        cond = np.broadcast_to(np.asarray(trace.value_of(c), dtype=bool), shape)
        dx = None if dx is None else sparsity.drop_rows(dx, ~cond)
        dy = None if dy is None else sparsity.drop_rows(dy, cond)
    if dx is None and dy is None:
        return trace.empty(sparsity.size_of(shape))
    return sparsity.union(dx, dy)


# --------------------------------------------------------------------------- stop_gradient

stop_gradient_p = _elementwise("stop_gradient", lambda x: x, constant_output=True)


def stop_gradient(x):
    """Treat ``x`` as a constant in every enclosing transformation.

    >>> import osculate as osc
    >>> float(osc.grad(lambda x: x * osc.stop_gradient(x))(3.0))
    3.0
    """
    return stop_gradient_p.bind(x)


# --------------------------------------------------------------------------- dtype conversion

convert_p = _elementwise("convert", lambda x, dtype: np.asarray(x).astype(dtype))


def convert(x, dtype):
    return convert_p.bind(x, dtype=np.dtype(dtype))


@convert_p.def_jvp
def _convert_jvp(primals, tangents, dtype):
    out = convert_p.bind(primals[0], dtype=dtype)
    t = tangents[0]
    return out, (zero if t is zero else convert_p.bind(t, dtype=dtype))


@convert_p.def_vjp
def _convert_vjp(ct, out, primals, wants, dtype):
    to = np.result_type(primals[0])
    if to.kind != "c" and getattr(ct, "dtype", to).kind == "c":
        # a real value cast to complex: keep the cotangent complex here (in the input's precision), the
        # backward sweep keeps its real part
        to = np.result_type(to, np.complex64)
    return (convert_p.bind(ct, dtype=to),)


convert_p.def_rule("taylor", lambda primals, series, order, dtype: (
    convert_p.bind(primals[0], dtype=dtype), [zero if c is zero else convert_p.bind(c, dtype=dtype) for c in series[0]]))
convert_p.def_rule("sparsity", sparsity.linear_rule)


# --------------------------------------------------------------------------- elementwise binary operations given their partial derivatives


def binary(name, impl, dx, dy, taylor, sparsity_rule=sparsity.nonlinear_rule):
    """A broadcasting binary primitive from its partials ``dx(x, y, out)`` and
    ``dy(x, y, out)`` (the jvp and vjp), its Taylor rule and its sparsity rule."""
    p = _elementwise(name, impl)
    scaled_dx = lambda c, x, y, out: c * dx(x, y, out)  # noqa: E731
    scaled_dy = lambda c, x, y, out: c * dy(x, y, out)  # noqa: E731
    def_tangent(p, tangent_by_partials(scaled_dx, scaled_dy))
    p.def_vjp(vjp_by_partials(scaled_dx, scaled_dy))
    p.def_rule("taylor", taylor)
    p.def_rule("sparsity", sparsity_rule)
    return p


# -- maximum / minimum: the derivative of the selected argument, ties split
# evenly; Taylor coefficients likewise


def _max_dx(x, y, out):
    return where(greater(x, y), 1.0, where(equal(x, y), 0.5, 0.0))


def _max_dy(x, y, out):
    return where(greater(y, x), 1.0, where(equal(x, y), 0.5, 0.0))


def _extremum_taylor(prim, weight, primals, series):
    x, y = primals
    out = prim.bind(x, y)
    w = weight(x, y, out)
    return out, fitted([coeff_add(coeff_scale(a, w), coeff_scale(b, 1.0 - w)) for a, b in zip(*series)], out)


maximum_p = binary("maximum", np.maximum, _max_dx, _max_dy,
                   lambda primals, series, order: _extremum_taylor(maximum_p, _max_dx, primals, series),
                   sparsity.piecewise_linear_rule)
minimum_p = binary("minimum", np.minimum, _max_dy, _max_dx,
                   lambda primals, series, order: _extremum_taylor(minimum_p, _max_dy, primals, series),
                   sparsity.piecewise_linear_rule)


def maximum(x, y):
    return maximum_p.bind(x, y)


def minimum(x, y):
    return minimum_p.bind(x, y)


def _series_taylor(prim, series_fn, primals, series, order):
    """Taylor rule of an elementwise binary primitive from its recurrence
    ``series_fn(X, Y, out, K) -> [z₀, …, z_K]`` on the inputs' full series."""
    x, y = primals
    out = prim.bind(x, y)
    return out, fitted(series_fn(full(x, series[0]), full(y, series[1]), out, order)[1:], out)


# -- arctan2(y, x): z' = (x y' - y x') / (x² + y²), integrated


def _arctan2_series(Y, X, out, K):
    dY, dX = series_derivative(Y, K), series_derivative(X, K)
    num = series_sub(series_mul(X, dY, K - 1), series_mul(Y, dX, K - 1), K - 1)
    den = series_add(series_square(X, K - 1), series_square(Y, K - 1), K - 1)
    return series_integrate(series_div(num, den, K - 1), K, out)


arctan2_p = binary("arctan2", np.arctan2, lambda y, x, o: x / (x * x + y * y), lambda y, x, o: -y / (x * x + y * y),
                   lambda primals, series, order: _series_taylor(arctan2_p, _arctan2_series, primals, series, order))


def arctan2(y, x):
    return arctan2_p.bind(y, x)


# -- hypot: z = sqrt(x² + y²), with z₀ from the overflow-safe NumPy function


def _hypot_series(X, Y, out, K):
    return series_sqrt(series_add(series_square(X, K), series_square(Y, K), K), K, out)


def _hypot_partial(x, o):
    # x / o, and 0 at the origin, where hypot (|z| of a complex z) has no derivative: the convention
    # of abs'(0) = sign(0) = 0, finite and without a division warning
    at_origin = equal(o, 0.0)
    return where(at_origin, 0.0, x / where(at_origin, 1.0, o))


hypot_p = binary("hypot", np.hypot, lambda x, y, o: _hypot_partial(x, o), lambda x, y, o: _hypot_partial(y, o),
                 lambda primals, series, order: _series_taylor(hypot_p, _hypot_series, primals, series, order))


def hypot(x, y):
    return hypot_p.bind(x, y)


# -- logaddexp: z' = y' + σ(x - y) (x' - y'), σ by its own ODE s' = s (1 - s) w'


def _apart(x, y):
    """``x - y``, and 0 where both are the same infinity: no ``inf - inf``,
    so the partials of ``logaddexp(-inf, -inf)`` are ``σ(0) = 1/2`` (the
    limit along ``x = y``, and what a masked ``np.logaddexp.reduce`` needs)
    instead of nan."""
    both = NONDIFF["logical_and"].bind(equal(x, y), NONDIFF["isinf"].bind(x))
    return where(both, 0.0, x) - where(both, 0.0, y)


def _logaddexp_series(X, Y, out, K):
    W = series_sub(X, Y, K)
    s0 = UNARY["expit"].bind(_apart(X[0], Y[0]))
    s = series_ode(W, K - 1, s0, s0 - s0 * s0, lambda s, k: coeff_sub(s[k], square_coefficient(s, k)))
    v = series_ode_known(W, s, K, 0.0)
    return [out] + [coeff_add(Y[k], v[k]) for k in range(1, K + 1)]


# (the partials σ(x - y), σ(y - x): as exp(x - o) they lose their digits where o rounds, |x| ≈ 1e15)
logaddexp_p = binary("logaddexp", np.logaddexp, lambda x, y, o: UNARY["expit"].bind(_apart(x, y)),
                     lambda x, y, o: UNARY["expit"].bind(_apart(y, x)),
                     lambda primals, series, order: _series_taylor(logaddexp_p, _logaddexp_series, primals, series, order))


def logaddexp(x, y):
    return logaddexp_p.bind(x, y)

