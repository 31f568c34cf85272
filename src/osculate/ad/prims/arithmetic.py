"""Arithmetic primitives (+ - * / **, maximum, where, ...) and their rules.

Helpers shared by every rule live here too: ``add_tangents`` (zero-aware
sum), ``unbroadcast`` (sum a broadcast cotangent back to an input's shape),
and the factories ``nondiff`` (piecewise-constant operations) and
``binary`` (elementwise binary operations given their partial derivatives).
"""

from __future__ import annotations

import numpy as np

from ..core import Primitive, Tracer, zero

__all__ = [
    "add", "sub", "mul", "div", "neg", "power", "maximum", "minimum", "arctan2", "hypot",
    "logaddexp", "where", "stop_gradient", "convert", "nondiff", "NONDIFF",
    "add_tangents", "unbroadcast", "shape_of", "binary",
]


def shape_of(x):
    return np.shape(x) if not hasattr(x, "shape") else x.shape


def add_tangents(a, b):
    if a is zero:
        return b
    if b is zero:
        return a
    return a + b


def unbroadcast(g, shape):
    """Sum ``g`` over the axes along which an input of ``shape`` was broadcast."""
    gshape = g.shape
    if gshape == shape:
        return g
    from .structural import reshape, sum_

    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and gshape[lead + i] != 1
    )
    if axes:
        g = sum_(g, axes, False)
    if g.shape != shape:
        g = reshape(g, shape)
    return g


def _fit(t, shape):
    """Broadcast a tangent to the output shape when it came from a smaller input."""
    if t.shape == shape:
        return t
    from .structural import broadcast_to

    return broadcast_to(t, shape)


# ---------------------------------------------------------------------------
# add / sub / mul / div / neg
# ---------------------------------------------------------------------------

add_p = Primitive("add", np.add)
sub_p = Primitive("sub", np.subtract)
mul_p = Primitive("mul", np.multiply)
div_p = Primitive("div", np.true_divide)
neg_p = Primitive("neg", np.negative)


def add(x, y):
    return add_p.bind(x, y)


def sub(x, y):
    return sub_p.bind(x, y)


def mul(x, y):
    return mul_p.bind(x, y)


def div(x, y):
    return div_p.bind(x, y)


def neg(x):
    return neg_p.bind(x)


@add_p.def_jvp
def _add_jvp(primals, tangents):
    x, y = primals
    tx, ty = tangents
    out = add_p.bind(x, y)
    if tx is zero and ty is zero:
        return out, zero
    oshape = shape_of(out)
    if tx is zero:
        return out, _fit(ty, oshape)
    if ty is zero:
        return out, _fit(tx, oshape)
    return out, _fit(tx + ty, oshape)


@add_p.def_vjp
def _add_vjp(ct, out, primals, wants):
    x, y = primals
    return (
        unbroadcast(ct, shape_of(x)) if wants[0] else None,
        unbroadcast(ct, shape_of(y)) if wants[1] else None,
    )


# residuals (what each vjp reads; see osculate.ad.reverse.ShapeOnly): a sum or a
# difference reads no values, a product reads the other factor
add_p.def_rule("residuals", lambda wants: ((False, False), False))
sub_p.def_rule("residuals", lambda wants: ((False, False), False))


@sub_p.def_jvp
def _sub_jvp(primals, tangents):
    x, y = primals
    tx, ty = tangents
    out = sub_p.bind(x, y)
    if tx is zero and ty is zero:
        return out, zero
    oshape = shape_of(out)
    if ty is zero:
        return out, _fit(tx, oshape)
    if tx is zero:
        return out, _fit(-ty, oshape)
    return out, _fit(tx - ty, oshape)


@sub_p.def_vjp
def _sub_vjp(ct, out, primals, wants):
    x, y = primals
    return (
        unbroadcast(ct, shape_of(x)) if wants[0] else None,
        unbroadcast(-ct, shape_of(y)) if wants[1] else None,
    )


@mul_p.def_jvp
def _mul_jvp(primals, tangents):
    x, y = primals
    tx, ty = tangents
    out = mul_p.bind(x, y)
    oshape = shape_of(out)
    t = add_tangents(zero if tx is zero else tx * y, zero if ty is zero else x * ty)
    return out, (zero if t is zero else _fit(t, oshape))


@mul_p.def_vjp
def _mul_vjp(ct, out, primals, wants):
    x, y = primals
    return (
        unbroadcast(ct * y, shape_of(x)) if wants[0] else None,
        unbroadcast(ct * x, shape_of(y)) if wants[1] else None,
    )


mul_p.def_rule("residuals", lambda wants: ((wants[1], wants[0]), False))


@div_p.def_jvp
def _div_jvp(primals, tangents):
    x, y = primals
    tx, ty = tangents
    out = div_p.bind(x, y)
    t = add_tangents(zero if tx is zero else tx / y, zero if ty is zero else -(out * ty) / y)
    return out, (zero if t is zero else _fit(t, shape_of(out)))


@div_p.def_vjp
def _div_vjp(ct, out, primals, wants):
    x, y = primals
    g = ct / y
    return (
        unbroadcast(g, shape_of(x)) if wants[0] else None,
        unbroadcast(-(g * out), shape_of(y)) if wants[1] else None,
    )


div_p.def_rule("residuals", lambda wants: ((False, True), wants[1]))


@neg_p.def_jvp
def _neg_jvp(primals, tangents):
    return neg_p.bind(primals[0]), (zero if tangents[0] is zero else -tangents[0])


@neg_p.def_vjp
def _neg_vjp(ct, out, primals, wants):
    return (-ct,)


neg_p.def_rule("residuals", lambda wants: ((False,), False))


# ---------------------------------------------------------------------------
# Elementwise binary operations given their partial derivatives
# ---------------------------------------------------------------------------


def binary(name, impl, dx, dy):
    """A broadcasting binary primitive from partials ``dx(x, y, out)``, ``dy(x, y, out)``."""
    p = Primitive(name, impl)

    @p.def_jvp
    def jvp(primals, tangents):
        x, y = primals
        tx, ty = tangents
        out = p.bind(x, y)
        t = add_tangents(
            zero if tx is zero else tx * dx(x, y, out), zero if ty is zero else ty * dy(x, y, out)
        )
        return out, (zero if t is zero else _fit(t, shape_of(out)))

    @p.def_vjp
    def vjp(ct, out, primals, wants):
        x, y = primals
        return (
            unbroadcast(ct * dx(x, y, out), shape_of(x)) if wants[0] else None,
            unbroadcast(ct * dy(x, y, out), shape_of(y)) if wants[1] else None,
        )

    return p


def _max_dx(x, y, out):
    return where(greater(x, y), 1.0, where(equal(x, y), 0.5, 0.0))


def _max_dy(x, y, out):
    return where(greater(y, x), 1.0, where(equal(x, y), 0.5, 0.0))


maximum_p = binary("maximum", np.maximum, _max_dx, _max_dy)
minimum_p = binary("minimum", np.minimum, _max_dy, _max_dx)
arctan2_p = binary(
    "arctan2", np.arctan2, lambda y, x, o: x / (x * x + y * y), lambda y, x, o: -y / (x * x + y * y)
)
hypot_p = binary("hypot", np.hypot, lambda x, y, o: x / o, lambda x, y, o: y / o)


def _lae_dx(x, y, o):
    from .unary import exp

    return exp(x - o)


def _lae_dy(x, y, o):
    from .unary import exp

    return exp(y - o)


logaddexp_p = binary("logaddexp", np.logaddexp, _lae_dx, _lae_dy)


def maximum(x, y):
    return maximum_p.bind(x, y)


def minimum(x, y):
    return minimum_p.bind(x, y)


def arctan2(y, x):
    return arctan2_p.bind(y, x)


def hypot(x, y):
    return hypot_p.bind(x, y)


def logaddexp(x, y):
    return logaddexp_p.bind(x, y)


# ---------------------------------------------------------------------------
# power
# ---------------------------------------------------------------------------


def _is_constant(y):
    return not isinstance(y, Tracer)


pow_p = Primitive("pow", np.power)


def power(x, y):
    return pow_p.bind(x, y)


def _scaled_pow_dx(c, x, y):
    """``c * d(x**y)/dx``, written so constant exponents 0, 1, 2 stay exact and
    constant factors multiply ``c`` first (cheaper when ``x`` is traced)."""
    if isinstance(y, (int, float)) or (_is_constant(y) and np.ndim(y) == 0):
        yv = float(y)
        if yv == 0.0:
            return c * 0.0
        if yv == 1.0:
            return c
        if yv == 2.0:
            return (c * 2.0) * x
        return (c * yv) * pow_p.bind(x, yv - 1.0)
    return c * (y * pow_p.bind(x, y - 1.0))


def _pow_dy(x, y, out):
    from .unary import log

    # 0**y has derivative 0 in y for y > 0; avoid 0 * -inf
    safe = where(equal(x, 0.0), 1.0, x)
    return where(equal(x, 0.0), 0.0, out * log(safe))


@pow_p.def_jvp
def _pow_jvp(primals, tangents):
    x, y = primals
    tx, ty = tangents
    out = pow_p.bind(x, y)
    t = add_tangents(
        zero if tx is zero else _scaled_pow_dx(tx, x, y), zero if ty is zero else ty * _pow_dy(x, y, out)
    )
    return out, (zero if t is zero else _fit(t, shape_of(out)))


@pow_p.def_vjp
def _pow_vjp(ct, out, primals, wants):
    x, y = primals
    return (
        unbroadcast(_scaled_pow_dx(ct, x, y), shape_of(x)) if wants[0] else None,
        unbroadcast(ct * _pow_dy(x, y, out), shape_of(y)) if wants[1] else None,
    )


pow_p.def_rule("residuals", lambda wants: ((True, True), wants[1]))  # the output only for d/dy


# ---------------------------------------------------------------------------
# where (select), stop_gradient, dtype conversion
# ---------------------------------------------------------------------------

select_p = Primitive("where", np.where)


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


stop_gradient_p = Primitive("stop_gradient", lambda x: x)


def stop_gradient(x):
    """Treat ``x`` as a constant in every enclosing transformation.

    >>> import osculate as osc
    >>> float(osc.grad(lambda x: x * osc.stop_gradient(x))(3.0))
    3.0
    """
    return stop_gradient_p.bind(x)


stop_gradient_p.def_jvp(lambda primals, tangents: (stop_gradient_p.bind(primals[0]), zero))
stop_gradient_p.def_vjp(lambda ct, out, primals, wants: (None,))
stop_gradient_p.def_rule("constant_output", True)

convert_p = Primitive("convert", lambda x, dtype: np.asarray(x).astype(dtype))


def convert(x, dtype):
    return convert_p.bind(x, dtype=np.dtype(dtype))


@convert_p.def_jvp
def _convert_jvp(primals, tangents, dtype):
    out = convert_p.bind(primals[0], dtype=dtype)
    t = tangents[0]
    return out, (zero if t is zero else convert_p.bind(t, dtype=dtype))


@convert_p.def_vjp
def _convert_vjp(ct, out, primals, wants, dtype):
    return (convert_p.bind(ct, dtype=np.result_type(primals[0])),)


# ---------------------------------------------------------------------------
# Piecewise-constant operations: derivative zero everywhere it exists
# ---------------------------------------------------------------------------

NONDIFF: dict[str, Primitive] = {}


def nondiff(name, impl):
    """A primitive whose derivative is zero (comparisons, sign, floor, ...)."""
    p = Primitive(name, impl)
    p.def_jvp(lambda primals, tangents, **params: (p.bind(*primals, **params), zero))
    p.def_vjp(lambda ct, out, primals, wants, **params: (None,) * len(primals))
    p.def_rule("constant_output", True)  # reverse mode need not record it
    NONDIFF[name] = p
    return p


for _name, _fn in [
    ("greater", np.greater), ("greater_equal", np.greater_equal), ("less", np.less),
    ("less_equal", np.less_equal), ("equal", np.equal), ("not_equal", np.not_equal),
    ("logical_and", np.logical_and), ("logical_or", np.logical_or), ("logical_xor", np.logical_xor),
    ("logical_not", np.logical_not), ("sign", np.sign), ("floor", np.floor), ("ceil", np.ceil),
    ("rint", np.rint), ("trunc", np.trunc), ("floor_divide", np.floor_divide),
    ("isnan", np.isnan), ("isinf", np.isinf), ("isfinite", np.isfinite), ("signbit", np.signbit),
]:
    nondiff(_name, _fn)


def greater(x, y):
    return NONDIFF["greater"].bind(x, y)


def equal(x, y):
    return NONDIFF["equal"].bind(x, y)


# ---------------------------------------------------------------------------
# batch rules: every primitive in this module is elementwise with broadcasting
# ---------------------------------------------------------------------------

def _install_batch_rules():
    from ..batching import elementwise_batch

    for p in [add_p, sub_p, mul_p, div_p, neg_p, pow_p, select_p, stop_gradient_p, convert_p,
              maximum_p, minimum_p, arctan2_p, hypot_p, logaddexp_p, *NONDIFF.values()]:
        p.def_rule("batch", elementwise_batch(p))


_install_batch_rules()


# ---------------------------------------------------------------------------
# sparsity rules (index-set propagation; see osculate.sparse.detect)
# ---------------------------------------------------------------------------

def _install_sparsity_rules():
    from ...sparse import detect as D

    for p in (add_p, sub_p, neg_p, convert_p):
        p.def_rule("sparsity", D.linear_rule)
    for p in (maximum_p, minimum_p):
        p.def_rule("sparsity", D.piecewise_linear_rule)
    for p in (arctan2_p, hypot_p, logaddexp_p):
        p.def_rule("sparsity", D.nonlinear_rule)
    for p in (stop_gradient_p, *NONDIFF.values()):
        p.def_rule("sparsity", D.constant_rule)
    mul_p.def_rule("sparsity", D.mul_rule)
    div_p.def_rule("sparsity", D.div_rule)
    pow_p.def_rule("sparsity", D.pow_rule)
    select_p.def_rule("sparsity", D.select_rule)


_install_sparsity_rules()


# --------------------------------------------------------------------------- taylor rules
# Univariate Taylor propagation (osculate.ad.taylor):
# rule(primals, series, order, **params) -> (out, out_series), with normalised
# coefficients x_j = x^(j)/j!.  Results are broadcast to the output's shape.

def _install_taylor_rules():
    from .. import taylor as T

    def fitted(cs, out):
        sh = shape_of(out)
        return [T.fit(c, sh) for c in cs]

    def add_rule(primals, series, order):
        out = add_p.bind(*primals)
        return out, fitted([T.add(a, b) for a, b in zip(*series)], out)

    def sub_rule(primals, series, order):
        out = sub_p.bind(*primals)
        return out, fitted([T.sub(a, b) for a, b in zip(*series)], out)

    def mul_rule(primals, series, order):
        x, y = primals
        sx, sy = series
        out = mul_p.bind(x, y)
        if T.is_constant(sx):
            return out, fitted([T.scale(c, x) for c in sy], out)
        if T.is_constant(sy):
            return out, fitted([T.scale(c, y) for c in sx], out)
        if x is y and sx is sy:  # x * x: half the products
            z = T.series_square(T.full(x, sx), order, out)
        else:
            z = T.series_mul(T.full(x, sx), T.full(y, sy), order, out)
        return out, fitted(z[1:], out)

    def div_rule(primals, series, order):
        x, y = primals
        sx, sy = series
        out = div_p.bind(x, y)
        inv = 1.0 / y
        if T.is_constant(sy):
            return out, fitted([T.scale(c, inv) for c in sx], out)
        q = T.series_div(T.full(x, sx), T.full(y, sy), order, out, inv)
        return out, fitted(q[1:], out)

    add_p.def_rule("taylor", add_rule)
    sub_p.def_rule("taylor", sub_rule)
    mul_p.def_rule("taylor", mul_rule)
    div_p.def_rule("taylor", div_rule)
    neg_p.def_rule("taylor", T.linear_rule(neg_p))
    convert_p.def_rule("taylor", T.linear_rule(convert_p))
    stop_gradient_p.def_rule("taylor", T.zero_rule(stop_gradient_p))
    for p in NONDIFF.values():
        p.def_rule("taylor", T.zero_rule(p))

    # -- power: constant exponents by their recurrence (integer ones by repeated
    # squaring, exact at x = 0), traced exponents as exp(y log x)
    def pow_rule(primals, series, order):
        x, y = primals
        sx, sy = series
        out = pow_p.bind(x, y)
        K = order
        X = T.full(x, sx)
        if T.is_constant(sy):
            p = y
            if _is_constant(y) and np.ndim(y) == 0:
                p = float(y)
                if p == 0.0:
                    return out, (zero,) * K
                if p == 1.0:
                    return out, fitted(sx, out)
                if p.is_integer() and 2.0 <= p <= 2.0**31:
                    return out, fitted(T.series_int_pow(X, int(p), K)[1:], out)
                if p == -1.0:
                    return out, fitted(T.series_reciprocal(X, K, out)[1:], out)
                if p == 0.5:
                    return out, fitted(T.series_sqrt(X, K, out)[1:], out)
            return out, fitted(T.series_pow(X, p, K, out)[1:], out)
        # x ** y = exp(y log x); log x guarded at x = 0 as in the JVP (0 ** y has
        # zero derivative in y for y > 0)
        from .unary import UNARY

        at0 = equal(x, 0.0)
        log0 = where(at0, 0.0, UNARY["log"].bind(where(at0, 1.0, x)))
        L = [log0] + ([zero] * K if T.is_constant(sx) else T.series_log(X, K, log0)[1:])
        S = T.series_mul(T.full(y, sy), L, K)
        return out, fitted(T.series_exp(S, K, out)[1:], out)

    pow_p.def_rule("taylor", pow_rule)

    # -- where: the condition is piecewise constant
    def select_rule(primals, series, order):
        c, x, y = primals
        out = select_p.bind(c, x, y)
        res = []
        for a, b in zip(series[1], series[2]):
            if a is zero and b is zero:
                res.append(zero)
            else:
                res.append(select_p.bind(c, 0.0 if a is zero else a, 0.0 if b is zero else b))
        return out, fitted(res, out)

    select_p.def_rule("taylor", select_rule)

    # -- maximum / minimum: coefficients of the selected argument (ties split
    # as in the JVP)
    def extremum_rule(p, weight):
        def rule(primals, series, order):
            x, y = primals
            out = p.bind(x, y)
            w = weight(x, y, out)
            res = [T.add(T.scale(a, w), T.scale(b, 1.0 - w)) for a, b in zip(*series)]
            return out, fitted(res, out)

        return rule

    maximum_p.def_rule("taylor", extremum_rule(maximum_p, _max_dx))
    minimum_p.def_rule("taylor", extremum_rule(minimum_p, _max_dy))

    # -- arctan2(y, x): z' = (x y' - y x') / (x² + y²)
    def arctan2_rule(primals, series, order):
        yv, xv = primals
        out = arctan2_p.bind(yv, xv)
        K = order
        Y, X = T.full(yv, series[0]), T.full(xv, series[1])
        dY, dX = T.series_derivative(Y, K), T.series_derivative(X, K)
        num = T.series_sub(T.series_mul(X, dY, K - 1), T.series_mul(Y, dX, K - 1), K - 1)
        den = T.series_add(T.series_square(X, K - 1), T.series_square(Y, K - 1), K - 1)
        q = T.series_div(num, den, K - 1)
        return out, fitted(T.series_integrate(q, K, out)[1:], out)

    arctan2_p.def_rule("taylor", arctan2_rule)

    # -- hypot: z = sqrt(x² + y²) with z₀ from the overflow-safe primitive
    def hypot_rule(primals, series, order):
        x, y = primals
        out = hypot_p.bind(x, y)
        K = order
        X, Y = T.full(x, series[0]), T.full(y, series[1])
        u = T.series_add(T.series_square(X, K), T.series_square(Y, K), K)
        return out, fitted(T.series_sqrt(u, K, out)[1:], out)

    hypot_p.def_rule("taylor", hypot_rule)

    # -- logaddexp: z' = y' + σ(x - y) (x' - y'), σ by its own ODE s' = s (1 - s) w'
    def logaddexp_rule(primals, series, order):
        from .unary import UNARY

        x, y = primals
        out = logaddexp_p.bind(x, y)
        K = order
        X, Y = T.full(x, series[0]), T.full(y, series[1])
        W = T.series_sub(X, Y, K)
        s0 = UNARY["exp"].bind(x - out)
        s = T.series_ode(W, K - 1, s0, s0 - s0 * s0, lambda s, k: T.sub(s[k], T.square_coefficient(s, k)))
        v = T.series_ode_known(W, s, K, 0.0)
        return out, fitted([T.add(Y[k], v[k]) for k in range(1, K + 1)], out)

    logaddexp_p.def_rule("taylor", logaddexp_rule)


_install_taylor_rules()
