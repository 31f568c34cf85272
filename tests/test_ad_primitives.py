"""Every primitive, against finite differences, to second order, in all four nestings.

The table below is the proof that each function osculate can differentiate
is differentiated correctly: ``check_grads(f, args, order=2, modes=("fwd",
"rev"))`` compares the first derivative in forward and reverse mode with
central differences, then does the same for the derivative functions
themselves, which covers fwd-over-fwd, rev-over-fwd, fwd-over-rev and
rev-over-rev.

Cases are written with *plain* NumPy/SciPy calls (``np.sin(x)``,
``np.linalg.solve``, ``scipy.special.erf``): that is how users write code and
it exercises the dispatch from NumPy to osculate.  ``osculate.numpy`` is used
only for functions NumPy does not have (``logsumexp``, ``softplus``,
``log_softmax``, ``polygamma``) and for the user-rule primitives
(``custom_jvp``, ``custom_vjp``, ``checkpoint``).  ``test_numpy_and_osculate_numpy_agree`` then checks, name
by name, that the plain NumPy spelling and the ``osculate.numpy`` spelling bind
the same primitives and give the same values and derivatives.

Inputs are drawn from a generator seeded by the case id, on domains away
from singularities and kinks (positive-definite matrices with well-separated
eigenvalues for cholesky/eigh/det, ties avoided for max/min, and so on).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import operator
import pathlib
import zlib

import numpy as np
import pytest
from scipy import special

import osculate as osc
import osculate.numpy as osc_np
from osculate.ad import core
from osculate.ad.core import Primitive, Tracer
from osculate.ad.registry import engine_primitives
from osculate.testing import check_grads

from _cases import assert_trees_close, cube_rule, softplus_rule
from _cases import away, const, distinct, general, normal, spd, uniform  # noqa: F401  (input domains; re-exported)

# --------------------------------------------------------------------------- the table

CASES: list = []  # pytest.param(tag, fn, argmakers)
TAGS: set = set()


def case(tag, fn, *argmakers, label="", bug=None):
    """Register ``fn(*args)``; ``tag`` names the function the requirement lists.

    ``bug`` marks a case that exposes a known engine bug (strict xfail).
    """
    TAGS.add(tag)
    cid = f"{tag}{'-' + label if label else ''}"
    n = sum(1 for p in CASES if p.id == cid or p.id.startswith(cid + "#"))
    marks = [pytest.mark.xfail(strict=True, raises=ValueError, reason=bug)] if bug else []
    CASES.append(pytest.param(tag, fn, argmakers, id=cid if n == 0 else f"{cid}#{n}", marks=marks))


def shape_label(*shapes):
    return "x".join("s" if s == () else "(" + ",".join(map(str, s)) + ")" for s in shapes)


UNARY_SHAPES = [(), (3,), (2, 3)]
BINARY_SHAPES = [((), ()), ((3,), ()), ((), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3))]

# elementwise unary: tag, function, domain(shape)
UNARY = [
    ("negative", np.negative, normal),
    ("negative", operator.neg, normal),
    ("positive", np.positive, normal),
    ("abs", np.abs, away),
    ("abs", abs, away),
    ("abs", np.fabs, away),
    ("sign", np.sign, away),
    ("sign", lambda x: np.sign(x) * x**2, away),
    ("square", np.square, normal),
    ("sqrt", np.sqrt, lambda *s: uniform(0.3, 3.0, *s)),
    ("cbrt", np.cbrt, away),
    ("reciprocal", np.reciprocal, away),
    ("exp", np.exp, normal),
    ("expm1", np.expm1, normal),
    ("exp2", np.exp2, normal),
    ("log", np.log, lambda *s: uniform(0.3, 3.0, *s)),
    ("log1p", np.log1p, lambda *s: uniform(-0.6, 3.0, *s)),
    ("log2", np.log2, lambda *s: uniform(0.3, 3.0, *s)),
    ("log10", np.log10, lambda *s: uniform(0.3, 3.0, *s)),
    ("sin", np.sin, normal),
    ("cos", np.cos, normal),
    ("tan", np.tan, lambda *s: uniform(-1.2, 1.2, *s)),
    ("arcsin", np.arcsin, lambda *s: uniform(-0.8, 0.8, *s)),
    ("arccos", np.arccos, lambda *s: uniform(-0.8, 0.8, *s)),
    ("arctan", np.arctan, normal),
    ("sinh", np.sinh, normal),
    ("cosh", np.cosh, normal),
    ("tanh", np.tanh, normal),
    ("arcsinh", np.arcsinh, normal),
    ("arccosh", np.arccosh, lambda *s: uniform(1.2, 3.0, *s)),
    ("arctanh", np.arctanh, lambda *s: uniform(-0.8, 0.8, *s)),
    ("erf", special.erf, normal),
    ("erfc", special.erfc, normal),
    ("expit", special.expit, normal),
    ("gammaln", special.gammaln, lambda *s: uniform(0.5, 4.0, *s)),
    ("digamma", special.digamma, lambda *s: uniform(0.5, 4.0, *s)),
    ("softplus", osc_np.softplus, normal),
    # SciPy's special functions (osculate.ad.prims.special)
    ("ndtr", special.ndtr, normal),
    ("log_ndtr", special.log_ndtr, normal),
    ("ndtri", special.ndtri, lambda *s: uniform(0.1, 0.9, *s)),
    ("erfinv", special.erfinv, lambda *s: uniform(-0.8, 0.8, *s)),
    ("erfcinv", special.erfcinv, lambda *s: uniform(0.2, 1.8, *s)),
    ("erfcx", special.erfcx, normal),
    ("logit", special.logit, lambda *s: uniform(0.1, 0.9, *s)),
    ("log_expit", special.log_expit, normal),
    ("entr", special.entr, lambda *s: uniform(0.3, 3.0, *s)),
    ("gamma", special.gamma, lambda *s: uniform(0.5, 4.0, *s)),
    ("loggamma", special.loggamma, lambda *s: uniform(0.5, 4.0, *s)),
    ("rgamma", special.rgamma, lambda *s: uniform(0.5, 4.0, *s)),
    ("i0", special.i0, normal),
    ("i1", special.i1, normal),
    ("i0e", special.i0e, away),
    ("i1e", special.i1e, away),
    ("j0", special.j0, normal),
    ("j1", special.j1, normal),
    ("y0", special.y0, lambda *s: uniform(0.5, 4.0, *s)),
    ("y1", special.y1, lambda *s: uniform(0.5, 4.0, *s)),
    ("spence", special.spence, lambda *s: uniform(0.3, 3.0, *s)),
    ("exprel", special.exprel, normal),
    ("sindg", special.sindg, lambda *s: uniform(-200.0, 200.0, *s)),
    ("cosdg", special.cosdg, lambda *s: uniform(-200.0, 200.0, *s)),
    ("k0", special.k0, lambda *s: uniform(0.5, 4.0, *s)),
    ("k1", special.k1, lambda *s: uniform(0.5, 4.0, *s)),
    ("k0e", special.k0e, lambda *s: uniform(0.5, 4.0, *s)),
    ("k1e", special.k1e, lambda *s: uniform(0.5, 4.0, *s)),
    ("exp1", special.exp1, lambda *s: uniform(0.3, 3.0, *s)),
    ("expi", special.expi, away),
    ("exp10", special.exp10, normal),
    ("dawsn", special.dawsn, normal),
]
for _tag, _fn, _dom in UNARY:
    for _s in UNARY_SHAPES:
        case(_tag, _fn, _dom(*_s), label=f"{getattr(_fn, '__name__', 'op')}-{shape_label(_s)}")

# elementwise binary with broadcasting: tag, function, domain(x shape), domain(y shape)
BINARY = [
    ("+", operator.add, normal, normal),
    ("+", np.add, normal, normal),
    ("-", operator.sub, normal, normal),
    ("*", operator.mul, normal, normal),
    ("/", operator.truediv, normal, away),
    ("/", np.divide, away, away),
    ("**", operator.pow, lambda *s: uniform(0.3, 2.0, *s), normal),  # tracer ** tracer
    ("**", np.power, lambda *s: uniform(0.3, 2.0, *s), lambda *s: uniform(-2.0, 2.0, *s)),
    ("arctan2", np.arctan2, away, away),
    ("hypot", np.hypot, away, away),
    ("logaddexp", np.logaddexp, normal, normal),
    ("maximum", np.maximum, normal, normal),
    ("minimum", np.minimum, normal, normal),
]
for _tag, _fn, _dx, _dy in BINARY:
    for _sx, _sy in BINARY_SHAPES:
        case(_tag, _fn, _dx(*_sx), _dy(*_sy), label=f"{getattr(_fn, '__name__', 'op')}-{shape_label(_sx, _sy)}")

# SciPy's binary special functions (osculate.ad.prims.special; not in BINARY, whose
# rows are also NumPy/osculate.numpy twins): derivatives in both arguments
_pos = lambda *s: uniform(0.4, 3.0, *s)  # noqa: E731
for _tag, _fn, _dx, _dy in [
    ("xlogy", special.xlogy, normal, _pos), ("xlog1py", special.xlog1py, normal, lambda *s: uniform(-0.5, 2.0, *s)),
    ("rel_entr", special.rel_entr, _pos, _pos), ("kl_div", special.kl_div, _pos, _pos),
    ("beta", special.beta, _pos, _pos), ("betaln", special.betaln, _pos, _pos),
]:
    for _sx, _sy in BINARY_SHAPES:
        case(_tag, _fn, _dx(*_sx), _dy(*_sy), label=f"{_fn.__name__}-{shape_label(_sx, _sy)}")
# gammainc / gammaincc: the derivative in x only (a is a constant)
for _fn in (special.gammainc, special.gammaincc):
    case(_fn.__name__, lambda x, f=_fn: f(1.7, x), _pos(3), label="x")
    case(_fn.__name__, lambda x, f=_fn: f(np.array([[0.5], [2.5]]), x), _pos(3), label="a-array")
# Bessel functions of real order: the derivative in x (the order is a constant)
for _fn, _v in [(special.jv, 1.5), (special.yv, 0.5), (special.yn, 2), (special.iv, 1.5), (special.ive, 2.5),
                (special.kv, 0.5), (special.kve, 1.5)]:
    case(_fn.__name__, lambda x, f=_fn, v=_v: f(v, x), _pos(3), label="x")
    case(_fn.__name__, lambda x, f=_fn: f(np.array([[0], [1]]), x), _pos(2, 3), label="v-array")
case("gammasgn", lambda x: special.gammasgn(x) * x**2, const([-2.5, -0.5, 0.7, 3.1]))
case("zeta", lambda q: special.zeta(2.5, q), _pos(3), label="q")  # Hurwitz zeta in q
case("zeta", lambda q: special.zeta(np.array([[2.0], [3.5]]), q), _pos(2, 3), label="x-array")
case("betainc", lambda x: special.betainc(2.5, 1.5, x), uniform(0.1, 0.9, 3), label="x")
case("betainc", lambda x: special.betainc(0.5, 3, x), uniform(0.1, 0.9, 2, 3), label="x-2d")

# remainder and floor division (differentiable where x / y is not an integer:
# these points have x / y at least 0.3 away from one)
_X, _Y = const([2.5, -1.3, 0.45, 3.7]), const([0.7, 0.9, -1.1, 1.6])
for _label, _x, _y in [("s", const(2.5), const(0.7)), ("(4,)", _X, _Y), ("(4,)xs", _X, const(1.1))]:
    case("%", operator.mod, _x, _y, label=f"op-{_label}")
    case("%", lambda x, y: np.remainder(x, y) * y, _x, _y, label=f"np-{_label}")
    case("//", lambda x, y: (x // y) * x, _x, _y, label=f"op-{_label}")
    case("//", lambda x, y: np.floor_divide(x, y) + y**2, _x, _y, label=f"np-{_label}")
case("%", lambda x: np.fmod(x, 0.7) + x**2, _X, label="fmod")
case("%", lambda x: 5.0 % x, const([1.2, 1.3, 1.4]), label="const%tracer")

# powers with a constant exponent / constant base
_pos = uniform(0.3, 2.0, 2, 3)
for _label, _fn, _dom in [
    ("int2", lambda x: x**2, normal(2, 3)),
    ("int3", lambda x: x**3, normal(2, 3)),
    ("float3", lambda x: x**3.0, normal(2, 3)),
    ("one", lambda x: x**1.0, normal(2, 3)),
    ("zero", lambda x: x**0.0 * x, normal(2, 3)),
    ("half", lambda x: x**0.5, _pos),
    ("neg1.5", lambda x: x**-1.5, _pos),
    ("np-int-array", lambda x: x ** np.array(3), normal(2, 3)),
    ("const-array", lambda x: x ** np.array([0.5, 2.0, 3.5]), _pos),
    ("np.power", lambda x: np.power(x, 2.5), _pos),
    ("0d", lambda x: x**2.5, uniform(0.3, 2.0)),
]:
    case("**", _fn, _dom, label=f"tracer**const-{_label}")
for _label, _fn in [
    ("float", lambda x: 2.0**x),
    ("e", lambda x: np.e**x),
    ("array", lambda x: np.array([0.5, 2.0, 3.0]) ** x),
    ("np.power", lambda x: np.power(1.7, x)),
]:
    case("**", _fn, normal(2, 3), label=f"const**tracer-{_label}")

# clip / where
case("clip", lambda x: np.clip(x, -0.5, 0.8), lambda r: np.array([-1.2, -0.3, 0.1, 0.6, 1.5, 2.0]))
case("clip", lambda x: np.clip(x, np.array([-1.0, 0.0, 0.5]), None), lambda r: np.array([[-1.5, 0.3, 0.2], [0.4, -0.2, 0.9]]))
case("clip", lambda x: x.clip(None, 0.0), away(4), label="method")
case("clip", lambda x, lo: np.clip(x, lo, 1.0), const([-1.0, 0.2, 1.5, 0.3]), const([-0.5, -0.5, -0.5, 0.0]), label="traced-bound")
case("where", lambda x, y: np.where(x > 0, x**2, np.sin(y)), away(2, 3), normal(2, 3))
case("where", lambda x: np.where(np.array([True, False, True]), x, 0.0), normal(2, 3), label="const-mask")
case("where", lambda x, y: np.where(x > y, x * y, y), distinct(3), distinct(3), label="traced-cond")

# reductions
_x34 = normal(3, 4)
for _kw in [{}, {"axis": 0}, {"axis": 1}, {"axis": -1, "keepdims": True}, {"axis": (0, 1)}]:
    _lab = ",".join(f"{k}={v}" for k, v in _kw.items()) or "all"
    case("sum", lambda x, kw=_kw: np.sum(x, **kw), _x34, label=_lab)
    case("mean", lambda x, kw=_kw: np.mean(x, **kw), _x34, label=_lab)
    case("prod", lambda x, kw=_kw: np.prod(x, **kw), away(3, 4, lo=0.5, hi=1.5), label=_lab)
    case("max", lambda x, kw=_kw: np.max(x, **kw), distinct(3, 4), label=_lab)
    case("min", lambda x, kw=_kw: np.min(x, **kw), distinct(3, 4), label=_lab)
    case("var", lambda x, kw=_kw: np.var(x, **kw), _x34, label=_lab)
    case("std", lambda x, kw=_kw: np.std(x, **kw), _x34, label=_lab)
case("sum", np.sum, normal(), label="0d")
case("sum", lambda x: np.sum(x, axis=(0, 2)), normal(2, 3, 4), label="3d-axes02")
case("sum", lambda x: x.sum(axis=1), _x34, label="method")
case("mean", lambda x: x.mean(axis=0, keepdims=True), _x34, label="method")
case("prod", np.prod, away(lo=0.5), label="0d")
case("prod", lambda x: np.prod(x, axis=(0, 2), keepdims=True), away(2, 3, 2, lo=0.5, hi=1.5), label="3d")
case("max", np.amax, distinct(5), label="amax")
case("max", lambda x: x.max(axis=1), distinct(3, 4), label="method")
case("min", np.amin, distinct(5), label="amin")
case("var", lambda x: np.var(x, axis=1, ddof=1), _x34, label="ddof1")
case("std", lambda x: np.std(x, ddof=1, keepdims=True), _x34, label="ddof1")
case("std", lambda x: x.std(axis=0), _x34, label="method")
for _kw in [{}, {"axis": 0}, {"axis": 1}, {"axis": -1}]:
    _lab = ",".join(f"{k}={v}" for k, v in _kw.items()) or "flat"
    case("cumsum", lambda x, kw=_kw: np.cumsum(x, **kw), _x34, label=_lab)
    case("cumprod", lambda x, kw=_kw: np.cumprod(x, **kw), away(3, 4, lo=0.5, hi=1.5), label=_lab)
case("cumsum", lambda x: np.add.accumulate(x), normal(5), label="add.accumulate")
case("sum", lambda x: np.add.reduce(x, axis=1), _x34, label="add.reduce")

# products
_v3, _v4 = normal(3), normal(4)
for _label, _a, _b in [
    ("1dx1d", _v3, _v3),
    ("2dx1d", normal(2, 3), _v3),
    ("1dx2d", _v3, normal(3, 2)),
    ("2dx2d", normal(2, 3), normal(3, 4)),
    ("0dx1d", normal(), _v3),
    ("3dx2d", normal(2, 3, 4), normal(4, 2)),
]:
    case("dot", np.dot, _a, _b, label=_label)
case("dot", lambda a, b: a.dot(b), normal(2, 3), _v3, label="method")
for _label, _a, _b in [
    ("1dx1d", _v3, _v3),
    ("1dx2d", _v3, normal(3, 2)),
    ("2dx1d", normal(2, 3), _v3),
    ("2dx2d", normal(2, 3), normal(3, 4)),
    ("batched", normal(2, 3, 4), normal(4, 2)),
    ("batched-both", normal(2, 3, 4), normal(2, 4, 2)),
    ("broadcast-batch", normal(2, 1, 3, 4), normal(3, 4, 2)),
    ("1dxbatched", _v3, normal(2, 3, 4)),
]:
    case("matmul", operator.matmul, _a, _b, label=_label)
case("matmul", operator.matmul, normal(2, 3, 4), normal(4), label="batchedx1d")
case("matmul", np.matmul, normal(2, 3), normal(3, 2), label="np.matmul")
case("tensordot", lambda a, b: np.tensordot(a, b, axes=1), normal(3, 4), normal(4, 2), label="axes1")
case("tensordot", lambda a, b: np.tensordot(a, b, axes=2), normal(2, 3, 4), normal(3, 4, 2), label="axes2")
case("tensordot", lambda a, b: np.tensordot(a, b, axes=([1, 0], [0, 1])), normal(3, 4), normal(4, 3), label="pairs")
case("tensordot", lambda a, b: np.tensordot(a, b, axes=0), _v3, normal(2), label="axes0")
for _label, _spec, _shapes in [
    ("matmul", "ij,jk->ik", [(2, 3), (3, 4)]),
    ("trace", "ii", [(3, 3)]),
    ("diagonal", "ii->i", [(3, 3)]),
    ("ellipsis-batch", "...ij,...jk->...ik", [(2, 3, 4), (2, 4, 3)]),
    ("ellipsis-broadcast", "...ij,jk->...ik", [(2, 3, 4), (4, 2)]),
    ("dot", "i,i", [(3,), (3,)]),
    ("total", "ij->", [(2, 3)]),
    ("permute", "ijk->kij", [(2, 3, 4)]),
    ("rowdot", "ij,ij->i", [(2, 3), (2, 3)]),
    ("outer", "i,j->ij", [(3,), (2,)]),
    ("chain3", "ij,jk,kl->il", [(2, 3), (3, 3), (3, 2)]),
    ("implicit", "ij,jk", [(2, 3), (3, 2)]),
    ("repeated-in-two", "ii,ij->j", [(3, 3), (3, 2)]),
]:
    case("einsum", lambda *ops, s=_spec: np.einsum(s, *ops), *[normal(*s) for s in _shapes], label=_label)
case("outer", np.outer, _v3, _v4)
case("outer", np.outer, normal(2, 2), _v3, label="flattens")
case("inner", np.inner, _v3, _v3)
case("inner", np.inner, normal(2, 3), normal(4, 3), label="2d")

# shapes
_x234 = normal(2, 3, 4)
case("reshape", lambda x: np.reshape(x, (6, 4)), _x234)
case("reshape", lambda x: np.reshape(x, -1), _x234, label="flat")
case("reshape", lambda x: x.reshape(4, -1), _x234, label="method")
case("reshape", lambda x: np.reshape(x, (1, 1)), normal(), label="0d")
case("reshape", np.ravel, _x234, label="ravel")
case("transpose", np.transpose, _x234)
case("transpose", lambda x: np.transpose(x, (1, 0, 2)), _x234, label="axes")
case("transpose", lambda x: x.T, normal(2, 3), label=".T")
case("moveaxis", lambda x: np.moveaxis(x, 0, -1), _x234)
case("moveaxis", lambda x: np.moveaxis(x, [0, 1], [-1, -2]), _x234, label="multi")
case("swapaxes", lambda x: np.swapaxes(x, 0, 2), _x234)
case("expand_dims", lambda x: np.expand_dims(x, 0), normal(3))
case("expand_dims", lambda x: np.expand_dims(x, (0, 2)), normal(2, 3), label="multi")
case("expand_dims", lambda x: np.expand_dims(x, -1), normal(), label="0d")
case("squeeze", np.squeeze, normal(1, 3, 1))
case("squeeze", lambda x: np.squeeze(x, axis=2), normal(1, 3, 1), label="axis")
case("broadcast_to", lambda x: np.broadcast_to(x, (2, 3)), normal(3))
case("broadcast_to", lambda x: np.broadcast_to(x, (2, 2)), normal(), label="0d")
case("broadcast_to", lambda x: np.broadcast_to(x, (4, 2, 3)), normal(2, 1), label="middle")
case("concatenate", lambda x, y: np.concatenate([x, y]), normal(2, 3), normal(1, 3))
case("concatenate", lambda x, y: np.concatenate([x, np.ones((2, 1)), y], axis=1), normal(2, 3), normal(2, 2), label="with-const")
case("concatenate", lambda x, y: np.concatenate([x, y], axis=None), normal(2, 3), normal(4), label="axis-None")
case("stack", lambda x, y: np.stack([x, y, x * y]), normal(2, 3), normal(2, 3))
case("stack", lambda x, y: np.stack([x, y], axis=-1), normal(3), normal(3), label="last")
case("stack", lambda x, y: np.stack([x, y]), normal(), normal(), label="0d")
case("stack", lambda x, y: np.hstack([x, y]), normal(3), normal(2), label="hstack")
case("stack", lambda x, y: np.vstack([x, y]), normal(3), normal(2, 3), label="vstack")
case("split", lambda x: np.split(x, 2), normal(4, 3))
case("split", lambda x: np.split(x, [1, 3], axis=1), normal(2, 5), label="indices")
case("flip", np.flip, normal(2, 3))
case("flip", lambda x: np.flip(x, 0), normal(2, 3), label="axis0")
case("flip", lambda x: np.flip(x, (0, 2)), _x234, label="axes")
case("flip", np.fliplr, normal(2, 3), label="fliplr")
case("roll", lambda x: np.roll(x, 1), normal(2, 3))
case("roll", lambda x: np.roll(x, -2, axis=1), normal(2, 3), label="axis")
case("roll", lambda x: np.roll(x, (1, 2), axis=(0, 1)), normal(2, 3), label="multi")
case("tile", lambda x: np.tile(x, 2), normal(3))
case("tile", lambda x: np.tile(x, (2, 1, 2)), normal(2, 3), label="nd")
case("repeat", lambda x: np.repeat(x, 2), normal(2, 3))
case("repeat", lambda x: np.repeat(x, [1, 3], axis=0), normal(2, 3), label="counts")
case("repeat", lambda x: np.repeat(x, 2, axis=1), normal(2, 3), label="axis1")
case("diag", np.diag, normal(3))
case("diag", lambda x: np.diag(x, 1), normal(3), label="k1")
case("diag", lambda x: np.diag(x, -2), normal(2), label="k-2")
case("diag", np.diag, normal(3, 4), label="extract")
case("diag", lambda x: np.diag(x, 1), normal(3, 4), label="extract-k1")
case("diagonal", np.diagonal, normal(3, 4))
case("diagonal", lambda x: np.diagonal(x, -1), normal(3, 4), label="offset")
case("diagonal", lambda x: np.diagonal(x, 0, 1, 2), _x234, label="axes12")
case("trace", np.trace, normal(3, 3))
case("trace", lambda x: np.trace(x, 1), normal(3, 4), label="offset")
case("triu", np.triu, normal(3, 3))
case("triu", lambda x: np.triu(x, 1), normal(3, 4), label="k1")
case("tril", np.tril, normal(3, 3))
case("tril", lambda x: np.tril(x, -1), normal(2, 3, 3), label="batched")

# indexing
_x45 = normal(4, 5)
_MASK = np.array([[True, False, True, False, False], [False] * 5, [True] * 5, [False, True, False, False, True]])
for _label, _idx in [
    ("int", 1),
    ("negative-int", -1),
    ("np-int", np.int64(2)),
    ("slice", slice(1, 3)),
    ("negative-step", slice(None, None, -1)),
    ("negative-step2", slice(3, 0, -2)),
    ("int-array-repeated", [0, 2, 2]),
    ("int-array-2d", np.array([[0, 1], [3, 0]])),
    ("columns", (slice(None), [4, 0, 4])),
    ("pairs", ([0, 1, 1], [1, 2, 2])),
    ("bool-mask", _MASK),
    ("bool-rows", np.array([True, False, True, True])),
    ("None-Ellipsis", (None, slice(1, None), Ellipsis)),
    ("Ellipsis-int", (Ellipsis, 1)),
    ("int-None", (1, None)),
    ("mixed", (slice(1, None), [0, 2])),
    ("mixed-step", ([3, 0], slice(1, 4, 2))),
]:
    case("indexing", lambda x, i=_idx: x[i], _x45, label=_label)
case("indexing", lambda x: x[x > 0.0], _x45, label="traced-mask")
case("indexing", lambda x: x[()], normal(), label="0d-empty")
case("indexing", lambda x: x[None], normal(), label="0d-None")
case("indexing", lambda x: x[..., None], normal(3), label="Ellipsis-None")
case("indexing", lambda x: np.take(x, [3, 0, 0], axis=1), _x45, label="take")
case("indexing", lambda x: np.take_along_axis(x, np.array([[0], [2], [1], [4]]), 1), _x45, label="take_along_axis")
case("indexing", lambda x: np.sort(x, axis=1), distinct(4, 5), label="sort")


def at_set(x, idx, v):
    """``x.at[idx].set(v)`` on tracers; the NumPy equivalent for finite differences."""
    if isinstance(x, Tracer):
        return x.at[idx].set(v)
    out = np.array(x, dtype=np.result_type(x, v))
    out[idx] = v
    return out


def at_add(x, idx, v):
    if isinstance(x, Tracer):
        return x.at[idx].add(v)
    out = np.array(x, dtype=np.result_type(x, v))
    np.add.at(out, idx, v)
    return out


def at_multiply(x, idx, v):
    if isinstance(x, Tracer):
        return x.at[idx].multiply(v)
    out = np.array(x, dtype=np.result_type(x, v))
    out[idx] *= v
    return out


for _label, _idx, _vshape in [
    ("slice", slice(1, 3), (2, 5)),
    ("slice-broadcast", slice(1, 3), (5,)),
    ("int", 2, (5,)),
    ("int-array", [3, 0], (2, 5)),
    ("bool-mask", _MASK, (9,)),
    ("negative-step", (slice(None), slice(None, None, -2)), (4, 3)),
    ("column", (Ellipsis, 1), ()),
]:
    case("at.set", lambda x, v, i=_idx: at_set(x, i, v) * x, _x45, normal(*_vshape), label=_label)
for _label, _idx, _vshape in [
    ("slice", slice(1, 3), (2, 5)),
    ("repeated", [0, 2, 0], (3, 5)),
    ("pairs-repeated", ([0, 0, 3], [1, 1, 2]), (3,)),
    ("scalar", (1, 1), ()),
]:
    case("at.add", lambda x, v, i=_idx: at_add(x, i, v) ** 2, _x45, normal(*_vshape), label=_label)
case("at.multiply", lambda x, v: at_multiply(x, [1, 3], v), _x45, normal(2, 5))


def setitem_rows(x, v):
    y = x * 1.0
    y[1:3] = v
    y[0, ::-2] = np.sin(v[0, :3])
    return y * x


def setitem_mask(x, v):
    y = x + 0.0
    y[x > 0.5] = v
    return y**2


case("__setitem__", setitem_rows, _x45, normal(2, 5))
case("__setitem__", setitem_mask, lambda r: np.linspace(-1.0, 1.0, 10).reshape(2, 5), normal(), label="mask")

# linear algebra
case("solve", np.linalg.solve, general(3), normal(3), label="vector")
case("solve", np.linalg.solve, general(3), normal(3, 2), label="matrix")
case("solve", np.linalg.solve, general(3, 2), normal(2, 3, 2), label="batched")
case("inv", np.linalg.inv, general(3))
case("inv", np.linalg.inv, general(2, 2), label="batched")
case("det", np.linalg.det, general(3), label="general")
case("det", np.linalg.det, spd(3), label="spd")
case("det", np.linalg.det, general(2, 3), label="batched")
case("slogdet", lambda a: np.linalg.slogdet(a)[1], spd(3), label="spd")
case("slogdet", lambda a: np.linalg.slogdet(a)[1], lambda r: np.diag([1.0, -2.0, 3.0]) + 0.1 * r.standard_normal((3, 3)), label="negative-det")
case("slogdet", lambda a: np.linalg.slogdet(a)[0] * np.linalg.slogdet(a)[1], general(3), label="sign-times")
case("cholesky", np.linalg.cholesky, spd(3), label="reads-lower")
case("cholesky", lambda a: np.linalg.cholesky(a @ a.T + 3.0 * np.eye(3)), normal(3, 3), label="composite")
case("cholesky", np.linalg.cholesky, spd(2, 2), label="batched")
case("eigh", lambda a: np.linalg.eigh(a)[0], spd(3), label="values")
case("eigh", lambda a: np.linalg.eigh(a)[1] ** 2, spd(3), label="vectors-squared")
case("eigh", lambda a: tuple(np.linalg.eigh(0.5 * (a + a.T))), spd(3), label="both")  # v's sign is LAPACK's, stable under small steps
case("eigh", np.linalg.eigvalsh, spd(4), label="eigvalsh")
case("norm", np.linalg.norm, normal(4), label="vector")
case("norm", lambda x: np.linalg.norm(x, 2), normal(4), label="vector-ord2")
case("norm", lambda x: np.linalg.norm(x, 1), away(4), label="vector-ord1")
case("norm", lambda x: np.linalg.norm(x, np.inf), distinct(4), label="vector-inf")
case("norm", lambda x: np.linalg.norm(x, axis=1), normal(3, 4), label="rows")
case("norm", np.linalg.norm, normal(3, 4), label="frobenius")
case("norm", lambda x: np.linalg.norm(x, "fro", keepdims=True), normal(3, 4), label="fro-keepdims")

# log-sum-exp family (osculate.numpy: NumPy has no such functions)
case("logsumexp", osc_np.logsumexp, normal(4))
case("logsumexp", lambda x: osc_np.logsumexp(x, axis=1), normal(3, 4), label="axis")
case("logsumexp", lambda x: osc_np.logsumexp(x, axis=0, keepdims=True), normal(3, 4), label="keepdims")
case("logsumexp", lambda x, b: osc_np.logsumexp(x, b=b), normal(4), uniform(0.5, 2.0, 4), label="b")
case("logsumexp", osc_np.logsumexp, normal(), label="0d")
case("log_softmax", osc_np.log_softmax, normal(4))
case("log_softmax", lambda x: osc_np.log_softmax(x, axis=0), normal(3, 4), label="axis0")
case("softplus", lambda x: osc_np.softplus(x) * x, normal(2, 3), label="composite")

# polygamma (NumPy has none; also reached as the derivative of gammaln and digamma)
case("polygamma", lambda x: osc_np.polygamma(1, x) if isinstance(x, Tracer) else special.polygamma(1, x),
     uniform(0.5, 4.0, 3))


# user rules and rematerialisation: primitives whose rules call user code (tests/_cases.py)
case("custom_jvp", lambda x: softplus_rule(np.sin(x)) * x, normal(3))
case("custom_vjp", lambda x: cube_rule(np.cos(x)) + x, normal(3))
case("checkpoint", lambda x: osc.checkpoint(lambda z: np.tanh(np.tanh(z) * 1.5))(x) * x, normal(3))

# piecewise-constant operations (their derivative is zero; here they select and scale smooth terms)


def comparisons(x):
    mask = ((x > 0.0) & (x >= -1.0) | ~(x < -5.0) ^ (x <= -6.0) & (x == x) & (x != 9.0) & np.isfinite(x)
            & ~np.isnan(x) & ~np.isinf(x) & ~np.signbit(x) & np.logical_and(x, x > -7.0)
            & np.logical_or(x, False) & np.logical_xor(x, False) & ~np.logical_not(x))
    return np.where(mask, np.ceil(x) * x + np.trunc(x) * x ** 2 + np.floor(x) * np.rint(x) * x, np.sin(x))


case("comparisons", comparisons, const([0.3, -0.4, 1.7, -2.2]))

# the adjoint of indexing (a scatter), reached through a gradient inside the function
case("scatter", lambda x: osc.grad(lambda z: np.sum(z[[0, 2, 2]] ** 3))(x) * x, normal(4))

# dtype conversion (float64 -> float64 still binds the conversion primitive)
case("astype", lambda x: x.astype(np.float64) * x, normal(2, 3))

# composites mixing many of the above
case("composite", lambda x, a: np.sum(np.tanh(a @ x) ** 2) + np.log(np.sum(np.exp(x))), normal(3), normal(4, 3), label="mlp")
case("composite", lambda x: np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2), normal(5), label="rosenbrock")
case("composite", lambda a, b: np.trace(np.linalg.inv(a) @ b) + np.linalg.slogdet(a)[1], spd(3), spd(3), label="gaussian-kl")

# NumPy functions that osculate.numpy writes as composites (ad/numpy/composites.py): no
# primitive of their own, so these rows check the composition (values against NumPy's own
# in tests/test_numpy_coverage.py); vmap, jit and sparsity reuse this table
_nanx = const([[0.3, np.nan, -1.2, 0.8], [np.nan, 1.5, -0.4, 2.1], [0.9, -0.7, np.nan, 0.2]])
_nodes, _vals = np.array([-1.0, 0.0, 0.5, 2.0]), np.array([1.0, 3.0, -2.0, 0.5])
_mask6 = np.arange(6)
for _tag, _fn, _mk in [
    ("diff", np.diff, [normal(5)]),
    ("diff", lambda x: np.diff(x, n=2, axis=0, prepend=0.5), [normal(4, 3)]),
    ("ediff1d", lambda x: np.ediff1d(x, to_begin=[1.0], to_end=x[0]), [normal(3, 2)]),
    ("gradient", np.gradient, [normal(5)]),
    ("gradient", lambda x: np.gradient(x, 0.5, edge_order=2), [normal(3, 4)]),
    ("gradient", lambda x: np.gradient(x, np.array([0.0, 0.5, 1.5, 1.7, 3.0]), edge_order=2), [normal(5)]),
    ("cross", np.cross, [normal(3), normal(3)]),
    ("cross", lambda a, b: np.cross(a, b, axis=0), [normal(3, 2), normal(3, 1)]),
    ("interp", lambda x: np.interp(x, _nodes, _vals), [const([-1.5, -0.3, 0.2, 0.9, 1.7, 2.6])]),
    ("interp", lambda x, fp: np.interp(x, _nodes, fp, left=0.0, right=fp[0]), [const([-1.5, 0.2, 0.9, 2.6]), normal(4)]),
    ("interp", lambda x, fp: np.interp(x, _nodes, fp, period=2.5), [const([-1.7, 0.2, 0.9, 2.6, 4.1]), normal(4)]),
    ("polyval", np.polyval, [normal(3), normal(4)]),
    ("polyval", lambda x: np.polyval([1.0, -2.0, 0.5, 3.0], x), [normal(2, 3)]),
    ("select", lambda x, y: np.select([x > 0.5, x < -0.5], [x**2, np.sin(y)], default=y), [distinct(6), normal(6)]),
    ("piecewise", lambda x: np.piecewise(x, [_mask6 < 2, _mask6 > 3], [lambda t: t**2, np.sin, lambda t: t**3]), [normal(6)]),
    ("sinc", np.sinc, [const([0.0, 0.01, -0.03, 0.5, 1.3, -2.2])]),
    ("linspace", lambda a, b: np.linspace(a, b, 5), [normal(), normal()]),
    ("linspace", lambda a, b: np.linspace(a, b, 4, endpoint=False, axis=1), [normal(2), normal()]),
    ("logspace", lambda a, b: np.logspace(a, b, 4, base=2.0), [normal(), normal()]),
    ("geomspace", lambda a, b: np.geomspace(a, b, 5), [uniform(0.5, 2.0), uniform(2.5, 4.0)]),
    ("geomspace", lambda a: np.geomspace(a, -2.0, 3, endpoint=False), [uniform(-2.0, -0.5, 2)]),
    ("rot90", np.rot90, [normal(2, 3, 4)]),
    ("rot90", lambda x: np.rot90(x, -1, axes=(1, 2)), [normal(2, 3, 4)]),
    ("rollaxis", lambda x: np.rollaxis(x, 2), [normal(2, 3, 4)]),
    ("atleast_3d", np.atleast_3d, [normal(3)]),
    ("array_split", lambda x: np.array_split(x, 4), [normal(6)]),
    ("array_split", lambda x: np.array_split(x, 3, axis=1), [normal(2, 4)]),
    ("split", lambda x: np.hsplit(x, 2), [normal(3, 4)]),
    ("split", lambda x: np.vsplit(x, [1]), [normal(3, 4)]),
    ("split", lambda x: np.dsplit(x, 2), [normal(2, 3, 4)]),
    ("append", np.append, [normal(2, 3), normal(3)]),
    ("append", lambda x, y: np.append(x, y, axis=0), [normal(2, 3), normal(1, 3)]),
    ("insert", lambda x, v: np.insert(x, [1, 3, 3], v), [normal(5), normal(3)]),
    ("insert", lambda x, v: np.insert(x, 1, v, axis=1), [normal(3, 4), normal(3)]),
    ("delete", lambda x: np.delete(x, [1, 3]), [normal(6)]),
    ("delete", lambda x: np.delete(x, 1, axis=1), [normal(3, 4)]),
    ("column_stack", lambda x, y: np.column_stack([x, y]), [normal(4), normal(4)]),
    ("nan_to_num", lambda x: np.nan_to_num(x * 2.0), [_nanx]),
    ("nansum", lambda x: np.nansum(x, axis=0) ** 2, [_nanx]),
    ("nanmean", lambda x: np.nanmean(x, axis=1) ** 2, [_nanx]),
    ("nanvar", lambda x: np.nanvar(x, axis=1, ddof=1), [_nanx]),
    ("nanstd", np.nanstd, [_nanx]),
    ("nanmax", lambda x: np.nanmax(x, axis=1), [_nanx]),
    ("nanmin", lambda x: np.nanmin(x, axis=0), [_nanx]),
    ("logaddexp2", np.logaddexp2, [normal(2, 3), normal(3)]),
    ("degrees", lambda x: np.degrees(x) + np.rad2deg(x), [normal(3)]),
    ("radians", lambda x: np.radians(x) * np.deg2rad(x), [normal(3)]),
    ("average", lambda x, w: np.average(x, axis=1, weights=w), [normal(2, 3), uniform(0.5, 2.0, 3)]),
    ("average", lambda x, w: np.average(x, weights=w), [normal(2, 3), uniform(0.5, 2.0, 2, 3)]),
    ("convolve", np.convolve, [normal(5), normal(3)]),
    ("convolve", lambda a, v: np.convolve(a, v, mode="same"), [normal(3), normal(5)]),
    ("correlate", np.correlate, [normal(5), normal(3)]),
    ("correlate", lambda a, v: np.correlate(a, v, mode="full"), [normal(2), normal(4)]),
    ("pad", lambda x: np.pad(x, ((1, 0), (2, 1)), constant_values=((1.0, 2.0), (3.0, 4.0))), [normal(2, 3)]),
    ("pad", lambda x: np.pad(x, 1, constant_values=x[1] ** 2), [normal(3)]),
    ("pad", lambda x: np.pad(x, ((2, 1), (0, 3)), mode="edge"), [normal(2, 3)]),
    ("pad", lambda x: np.pad(x, 2, mode="reflect"), [normal(3, 4)]),
    ("pad", lambda x: np.pad(x, (1, 5), mode="symmetric"), [normal(2, 3)]),
    ("pad", lambda x: np.pad(x, 6, mode="wrap"), [normal(2, 3)]),
    ("pad", lambda x: np.pad(x, ((1, 2), (2, 1)), mode="maximum"), [distinct(2, 3)]),
    ("pad", lambda x: np.pad(x, 2, mode="mean", stat_length=2), [normal(3, 4)]),
    ("pad", lambda x: np.pad(x, ((2, 1), (1, 2)), mode="linear_ramp", end_values=1.5), [normal(2, 3)]),
]:
    case(_tag, _fn, *_mk, label="composite")
case("einsum", lambda a, b: np.einsum(a, [0, 1], b, [1, 2], [0, 2]), normal(2, 3), normal(3, 4), label="operand-list")
case("einsum", lambda a: np.einsum(a, [Ellipsis, 1], a, [Ellipsis, 1]), normal(2, 3), label="operand-list-ellipsis")
case("einsum", lambda a, b: np.einsum("ij,jk,kl->il", a, b, b.T, optimize="greedy"), normal(2, 3), normal(3, 4), label="optimize")


# Further rows live beside the areas they cover, one module per area
# (tests/rows_<area>.py, each a list ROWS of (tag, fn, [argmakers], label)), so that
# the table grows without every area editing this file; they join CASES here and so
# reach vmap, jit, sparsity and Taylor mode through the tables that reuse it.
for _path in sorted(pathlib.Path(__file__).parent.glob("rows_*.py")):
    for _tag, _fn, _mk, _label in importlib.import_module(_path.stem).ROWS:
        case(_tag, _fn, *_mk, label=_label)


@pytest.mark.parametrize("tag, fn, argmakers", CASES)
def test_primitive_against_finite_differences(tag, fn, argmakers, request):
    r = np.random.default_rng(zlib.crc32(request.node.callspec.id.encode()))
    args = tuple(np.asarray(m(r), dtype=float) for m in argmakers)
    check_grads(fn, args, order=2, modes=("fwd", "rev"))
    assert core.current_depth() == 0


def test_gammaln_derivatives_are_digamma_and_polygamma():
    """digamma is reached as the derivative of gammaln, polygamma as the next ones."""
    x = np.array([0.5, 1.0, 2.5, 7.0])
    f = lambda x: np.sum(special.gammaln(x))  # noqa: E731
    np.testing.assert_allclose(osc.grad(f)(x), special.digamma(x), rtol=1e-15)
    assert osc.grad(special.gammaln)(np.float64(1.0)) == -np.euler_gamma
    for m in osc.HVP_MODES:
        np.testing.assert_allclose(osc.hessian(f, mode=m)(x), np.diag(special.polygamma(1, x)), rtol=1e-15)
    d3 = osc.jvp(lambda y: osc.hvp(f, y, np.ones(4)), (x,), (np.ones(4),))[1]
    np.testing.assert_allclose(d3, special.polygamma(2, x), rtol=1e-14)


REQUIRED = (
    "+ - * / ** % // negative abs sign square sqrt cbrt reciprocal exp expm1 exp2 log log1p log2 log10 "
    "sin cos tan arcsin arccos arctan arctan2 sinh cosh tanh arcsinh arccosh arctanh hypot logaddexp "
    "maximum minimum clip where sum mean prod max min var std cumsum cumprod dot matmul tensordot einsum "
    "outer inner reshape transpose moveaxis swapaxes expand_dims squeeze broadcast_to concatenate stack "
    "split flip roll tile repeat diag diagonal trace triu tril indexing at.set at.add __setitem__ solve inv "
    "det slogdet cholesky eigh norm erf erfc expit logsumexp softplus log_softmax gammaln digamma"
).split()


def test_table_covers_every_required_function():
    missing = [t for t in REQUIRED if t not in TAGS]
    assert not missing, f"no table case for {missing}"
    ids = {p.id for p in CASES}
    for needed in ("einsum-trace", "einsum-diagonal", "einsum-ellipsis-batch", "matmul-broadcast-batch",
                   "norm-vector", "norm-frobenius", "**-tracer**const-int2", "**-const**tracer-float"):
        assert needed in ids
    assert any(i.startswith("**-power-") for i in ids)  # tracer ** tracer
    assert any(p.id.endswith("-s") for p in CASES), "0-d inputs are covered"
    assert any("(2,1)x(1,3)" in p.id for p in CASES), "two-sided broadcasting is covered"


# --------------------------------------------------------------------------- every registered primitive is in the table


class _Recorder:
    """Records the name of every primitive bound (to tracers or to arrays)."""

    def __init__(self, monkeypatch):
        self.names: list[str] = []
        original = Primitive.bind

        def bind(prim, *args, **params):
            self.names.append(prim.name)
            return original(prim, *args, **params)

        monkeypatch.setattr(Primitive, "bind", bind)

    def take(self):
        out, self.names = self.names, []
        return out


@contextlib.contextmanager
def processed_by(trace_cls):
    """Collect the names of the primitives ``trace_cls.process`` sees in the block."""
    seen: set = set()
    original = trace_cls.process

    def process(self, prim, args, params):
        seen.add(prim.name)
        return original(self, prim, args, params)

    trace_cls.process = process
    try:
        yield seen
    finally:
        trace_cls.process = original


def draw_args(param, seed=0):
    """The arguments of a table case, drawn from its domains."""
    r = np.random.default_rng(seed)
    return tuple(np.asarray(m(r), dtype=float) for m in param.values[2])


_PROCESSED: dict = {}


def cases_reaching(name, trace_cls, run, cases, limit=2):
    """Up to ``limit`` of ``cases`` in which ``trace_cls`` processes the
    primitive ``name`` when ``run(param)`` evaluates them (each case is run
    once per trace class; ``run`` must not change between calls)."""
    found = []
    for param in cases:
        if param.marks:  # known engine bug, reported separately
            continue
        key = (param.id, trace_cls)
        if key not in _PROCESSED:
            with processed_by(trace_cls) as seen:
                run(param)
            _PROCESSED[key] = frozenset(seen)
        if name in _PROCESSED[key]:
            found.append(param)
            if len(found) == limit:
                break
    return found


@functools.cache
def _bound_by_table():
    """Every primitive the table binds: first and second derivatives in both modes
    (rules are differentiated too: digamma -> polygamma, ...)."""
    names: set = set()
    original = Primitive.bind

    def bind(prim, *args, **params):
        names.add(prim.name)
        return original(prim, *args, **params)

    Primitive.bind = bind
    try:
        for param in CASES:
            if param.marks:
                continue
            fn = param.values[1]
            args = draw_args(param)
            osc.jvp(fn, args, args)
            y, pullback = osc.vjp(fn, *args)
            pullback(y)
            osc.jvp(lambda *a: osc.jvp(fn, a, a)[1], args, args)
    finally:
        Primitive.bind = original
    return frozenset(names)


def differentiable(prim):
    """True unless the primitive declares that there is nothing to compare
    with finite differences (a constant output, or no jvp/vjp rule and why)."""
    return not (prim.constant_output or "jvp" in prim.missing or "vjp" in prim.missing)


@pytest.mark.parametrize("name", sorted(engine_primitives()))
def test_every_registered_primitive_has_a_finite_difference_case(name):
    """The registry, not a hand-kept list, says what the table must cover."""
    prim = engine_primitives()[name]
    if not differentiable(prim):
        assert prim.constant_output or prim.missing, name
        return
    assert name in _bound_by_table(), f"primitive {name!r} has no case in the table: add one to CASES"


# --------------------------------------------------------------------------- plain NumPy vs osculate.numpy

TWINS: list = []


def twin(np_fn, osc_np_fn, *argmakers, label, **kwargs):
    TWINS.append(pytest.param(np_fn, osc_np_fn, argmakers, kwargs, id=label))


for _name, _np_fn, _dom in [(t, f, d) for t, f, d in UNARY if isinstance(f, np.ufunc) and t != "softplus"]:
    twin(_np_fn, getattr(osc_np, _name), _dom(2, 3), label=_np_fn.__name__)
for _tag, _np_fn, _dx, _dy in [b for b in BINARY if isinstance(b[1], np.ufunc)]:
    twin(_np_fn, getattr(osc_np, _np_fn.__name__), _dx(2, 3), _dy(3), label=_np_fn.__name__)
twin(np.remainder, osc_np.remainder, const([2.5, -1.3]), const([0.7, 0.9]), label="remainder")
twin(np.floor_divide, osc_np.floor_divide, const([2.5, -1.3]), const([0.7, 0.9]), label="floor_divide")
twin(np.clip, osc_np.clip, normal(6), label="clip", a_min=-0.5, a_max=0.5)
twin(lambda x, y: np.where(x > 0, x, y), lambda x, y: osc_np.where(osc_np.greater(x, 0), x, y), normal(4), normal(4), label="where")
for _name in ("sum", "mean", "prod", "max", "min", "var", "std", "cumsum", "cumprod"):
    twin(getattr(np, _name), getattr(osc_np, _name), away(3, 4, lo=0.5, hi=1.5), label=_name, axis=1)
twin(np.amax, osc_np.amax, distinct(3, 4), label="amax", axis=0, keepdims=True)
for _name, _a, _b in [("dot", normal(2, 3), normal(3)), ("matmul", normal(2, 3, 4), normal(4, 2)),
                      ("outer", normal(3), normal(2)), ("inner", normal(2, 3), normal(3)),
                      ("tensordot", normal(2, 3, 4), normal(3, 4, 2))]:
    twin(getattr(np, _name), getattr(osc_np, _name), _a, _b, label=_name)
twin(lambda x: np.einsum("...ii->...i", x), lambda x: osc_np.einsum("...ii->...i", x), normal(2, 3, 3), label="einsum")
for _name, _kw in [("reshape", {"shape": (4, 6)}), ("transpose", {}), ("moveaxis", {"source": 0, "destination": -1}),
                   ("swapaxes", {"axis1": 0, "axis2": 2}), ("expand_dims", {"axis": 1}), ("squeeze", {}),
                   ("flip", {"axis": 1}), ("roll", {"shift": 2, "axis": 2}), ("tile", {"reps": 2}),
                   ("repeat", {"repeats": 2, "axis": 0}), ("diagonal", {"axis1": 1, "axis2": 2}),
                   ("trace", {"offset": 1}), ("triu", {}), ("tril", {"k": -1}), ("ravel", {}),
                   ("split", {"indices_or_sections": 2, "axis": 2}), ("sort", {"axis": 1})]:
    twin(getattr(np, _name), getattr(osc_np, _name), normal(2, 3, 4) if _name != "squeeze" else normal(1, 3, 1), label=_name, **_kw)
twin(np.broadcast_to, osc_np.broadcast_to, normal(3), label="broadcast_to", shape=(2, 3))
twin(np.diag, osc_np.diag, normal(3), label="diag", k=1)
twin(lambda x, y: np.concatenate([x, y], axis=1), lambda x, y: osc_np.concatenate([x, y], axis=1), normal(2, 3), normal(2, 1), label="concatenate")
twin(lambda x, y: np.stack([x, y], axis=1), lambda x, y: osc_np.stack([x, y], axis=1), normal(2, 3), normal(2, 3), label="stack")
twin(lambda x: x[::-1, [0, 2]], lambda x: x[::-1, [0, 2]], normal(3, 3), label="getitem")  # operators route to osc_np
for _name, _mk in [("solve", (general(3), normal(3, 2))), ("inv", (general(3),)), ("det", (general(3),)),
                   ("cholesky", (spd(3),)), ("eigvalsh", (spd(3),)), ("norm", (normal(3, 4),))]:
    twin(getattr(np.linalg, _name), getattr(osc_np.linalg, _name), *_mk, label=f"linalg.{_name}")
twin(lambda a: np.linalg.slogdet(a)[1], lambda a: osc_np.linalg.slogdet(a)[1], general(3), label="linalg.slogdet")
twin(lambda a: np.linalg.eigh(a)[0], lambda a: osc_np.linalg.eigh(a)[0], spd(3), label="linalg.eigh")
twin(lambda x: np.linalg.norm(x, axis=0, ord=1), lambda x: osc_np.linalg.norm(x, axis=0, ord=1), away(3, 4), label="linalg.norm-ord1")


@pytest.mark.parametrize("np_fn, osc_np_fn, argmakers, kwargs", TWINS)
def test_numpy_and_osculate_numpy_agree(np_fn, osc_np_fn, argmakers, kwargs, monkeypatch, request):
    """The plain NumPy spelling dispatches to the same primitives as osculate.numpy."""
    r = np.random.default_rng(zlib.crc32(request.node.callspec.id.encode()))
    args = tuple(np.asarray(m(r), dtype=float) for m in argmakers)
    tans = tuple(r.standard_normal(a.shape) for a in args)
    f_np = lambda *a: np_fn(*a, **kwargs)  # noqa: E731
    f_osc_np = lambda *a: osc_np_fn(*a, **kwargs)  # noqa: E731

    # on plain arrays both give NumPy's own answer
    want = f_np(*args)
    _assert_same(f_osc_np(*args), want)

    rec = _Recorder(monkeypatch)
    y_np, t_np = osc.jvp(f_np, args, tans)
    bound_np = rec.take()
    y_osc_np, t_osc_np = osc.jvp(f_osc_np, args, tans)
    bound_osc_np = rec.take()
    assert bound_np, "plain NumPy call bound no primitive: it did not reach osculate"
    assert set(bound_np) == set(bound_osc_np), (bound_np, bound_osc_np)
    _assert_same(y_np, want)
    _assert_same(y_osc_np, want)
    _assert_same(t_np, t_osc_np)

    out, pull_np = osc.vjp(f_np, *args)
    _, pull_osc_np = osc.vjp(f_osc_np, *args)
    _assert_same(pull_np(out), pull_osc_np(out))


def _assert_same(a, b):
    assert_trees_close(a, b, rtol=1e-13, atol=1e-14)


def test_linalg_named_results_survive_tracing():
    a = np.diag([1.0, 2.0, 4.0])
    g = osc.grad(lambda m: np.sum(np.linalg.eigh(m).eigenvalues) + np.linalg.slogdet(m).logabsdet)(a)
    np.testing.assert_allclose(g, np.eye(3) + np.diag([1.0, 0.5, 0.25]))
