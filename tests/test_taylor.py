"""Taylor mode (osculate.ad.taylor): every primitive, any order, in every composition.

The table below is the proof: for every primitive (elementwise, broadcasting,
reductions, indexing, linear algebra, user rules), the normalised Taylor
coefficients of ``h(t) = f(x + t v + t² w)`` up to order 5 are compared with

* nested forward mode (``jvp`` of ``jvp`` of ... of ``h``, ``2^k`` passes),
* central finite differences of ``h`` (first and second coefficient),

and every elementwise function, plus the textbook series (exp, sin,
log(1+x), 1/(1-x), tan, the Leibniz rule), is compared with SymPy to 1e-10.
The curve has a nonzero second coefficient ``w``, so rules are exercised on
general series, not only on straight lines.
"""

from __future__ import annotations

import importlib
import math
import pathlib
import zlib
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from scipy import special

import osculate as osc
import osculate.numpy as osc_np
from osculate.ad import core
from osculate.ad.core import MissingRuleError, Primitive, zero
from osculate.ad.registry import defined_in, engine_primitives
from osculate.ad.taylor import (
    TaylorPolynomial,
    TaylorSeries,
    derivatives_along,
    diagonal_by_taylor,
    taylor,
    taylor_polynomial,
)
from osculate.ad.taylor_trace import TaylorTrace
from osculate.ad.tree import tree_leaves

ORDER = 5

# --------------------------------------------------------------------------- domains


# The input domains are the core primitive table's (one definition); Taylor
# recurrences stay a little further from 0 for functions with kinks or poles.
from test_ad_primitives import const, distinct, general, normal, spd, uniform  # noqa: E402
from test_ad_primitives import away as _away  # noqa: E402
from test_ad_primitives import cases_reaching, comparisons  # noqa: E402
from _cases import cube_rule, softplus_rule, tanh_layer  # noqa: E402  (functions with user rules)


def away(*shape, lo=0.4, hi=2.0):
    return _away(*shape, lo=lo, hi=hi)


# --------------------------------------------------------------------------- the table

CASES: list = []


def case(tag, fn, *makers, scale=0.3, fd=True):
    """``fn(*args)`` on ``args + t v + t² w``; ``scale`` shrinks v and w (keeps
    the curve inside the domain); ``fd=False`` skips the finite-difference
    check (sign-ambiguous eigenvectors)."""
    n = sum(1 for p in CASES if p.id.split("#")[0] == tag)
    CASES.append(pytest.param(fn, makers, scale, fd, id=tag if n == 0 else f"{tag}#{n}"))


pos = lambda *s: uniform(0.5, 2.0, *s)  # noqa: E731
unit = lambda *s: uniform(-0.7, 0.7, *s)  # noqa: E731

UNARY = [
    ("exp", np.exp, normal), ("expm1", np.expm1, normal), ("exp2", np.exp2, normal),
    ("log", np.log, pos), ("log1p", np.log1p, lambda *s: uniform(-0.5, 2.0, *s)), ("log2", np.log2, pos),
    ("log10", np.log10, pos), ("sqrt", np.sqrt, pos), ("cbrt", np.cbrt, away), ("square", np.square, normal),
    ("reciprocal", np.reciprocal, away), ("abs", np.abs, away), ("negative", np.negative, normal),
    ("positive", np.positive, normal), ("sin", np.sin, normal), ("cos", np.cos, normal),
    ("tan", np.tan, unit), ("arcsin", np.arcsin, unit), ("arccos", np.arccos, unit), ("arctan", np.arctan, normal),
    ("sinh", np.sinh, normal), ("cosh", np.cosh, normal), ("tanh", np.tanh, normal),
    ("arcsinh", np.arcsinh, normal), ("arccosh", np.arccosh, lambda *s: uniform(1.3, 3.0, *s)),
    ("arctanh", np.arctanh, unit), ("erf", special.erf, normal), ("erfc", special.erfc, normal),
    ("expit", special.expit, normal), ("gammaln", special.gammaln, lambda *s: uniform(0.8, 4.0, *s)),
    ("digamma", special.digamma, lambda *s: uniform(0.8, 4.0, *s)),
    ("polygamma", lambda x: osc_np.polygamma(1, x) if isinstance(x, core.Tracer) else special.polygamma(1, x),
     lambda *s: uniform(0.8, 4.0, *s)),
]
UNARY += [  # SciPy's special functions (osculate.ad.prims.special)
    ("ndtr", special.ndtr, normal), ("log_ndtr", special.log_ndtr, normal),
    ("ndtri", special.ndtri, lambda *s: uniform(0.2, 0.8, *s)), ("erfinv", special.erfinv, unit),
    ("erfcinv", special.erfcinv, lambda *s: uniform(0.3, 1.7, *s)), ("erfcx", special.erfcx, normal),
    ("logit", special.logit, lambda *s: uniform(0.2, 0.8, *s)), ("log_expit", special.log_expit, normal),
    ("entr", special.entr, pos), ("gamma", special.gamma, pos), ("loggamma", special.loggamma, pos),
    ("rgamma", special.rgamma, pos), ("i0", special.i0, normal), ("i1", special.i1, normal),
    ("i0e", special.i0e, away), ("i1e", special.i1e, away), ("j0", special.j0, normal), ("j1", special.j1, normal),
    ("y0", special.y0, pos), ("y1", special.y1, pos), ("spence", special.spence, pos),
    ("exprel", special.exprel, normal), ("sindg", special.sindg, normal), ("cosdg", special.cosdg, normal),
    ("k0", special.k0, pos), ("k1", special.k1, pos), ("k0e", special.k0e, pos), ("k1e", special.k1e, pos),
    ("exp1", special.exp1, pos), ("expi", special.expi, away), ("exp10", special.exp10, normal),
    ("dawsn", special.dawsn, normal),
]
for _tag, _fn, _dom in UNARY:
    case(_tag, _fn, _dom(2, 3))
case("exp", np.exp, normal(), scale=1.0)
for _tag, _fn, _dx, _dy in [
    ("xlogy", special.xlogy, normal, pos), ("xlog1py", special.xlog1py, normal, pos),
    ("rel_entr", special.rel_entr, pos, pos), ("kl_div", special.kl_div, pos, pos),
    ("beta", special.beta, pos, pos), ("betaln", special.betaln, pos, pos),
]:
    case(_tag, _fn, _dx(2, 3), _dy(3))
case("gammainc", lambda x: special.gammainc(1.7, x), pos(2, 3))
case("gammaincc", lambda x: special.gammaincc(np.array([0.5, 1.5, 2.5]), x), pos(2, 3))
for _fn, _v in [(special.jv, 1.5), (special.yv, 0.5), (special.yn, 2), (special.iv, 1.5), (special.ive, 2.5),
                (special.kv, 0.5), (special.kve, np.array([0.0, 1.0, 2.5]))]:
    case(_fn.__name__, lambda x, f=_fn, v=_v: f(v, x), pos(2, 3))
case("gammasgn", lambda x: special.gammasgn(x) * x ** 2, const([-2.5, -0.5, 0.7, 3.1]), scale=0.01)
case("zeta", lambda q: special.zeta(2.5, q), pos(2, 3))
case("betainc", lambda x: special.betainc(2.5, 1.5, x), uniform(0.2, 0.8, 2, 3), scale=0.1)

BINARY = [
    ("add", np.add, normal, normal), ("sub", np.subtract, normal, normal), ("mul", np.multiply, normal, normal),
    ("div", np.divide, normal, away), ("pow", np.power, pos, normal),
    ("arctan2", np.arctan2, away, away), ("hypot", np.hypot, away, away),
    ("logaddexp", np.logaddexp, normal, normal), ("maximum", np.maximum, distinct, distinct),
    ("minimum", np.minimum, distinct, distinct),
]
for _tag, _fn, _dx, _dy in BINARY:
    for _sx, _sy in [((2, 3), (2, 3)), ((3,), (2, 3)), ((2, 1), (1, 3))]:
        if _tag in ("maximum", "minimum") and _sx != _sy:
            continue
        case(_tag, _fn, _dx(*_sx), _dy(*_sy))
case("mul", lambda x: x * x, normal(4))                         # squaring path
case("mul", lambda x: 3.0 * x * np.array([1.0, -2.0, 0.5]), normal(3))  # constant factors
case("div", lambda x: 2.0 / x, away(4))                          # constant numerator
case("div", lambda x: x / np.array([2.0, -3.0, 4.0]), normal(3))  # constant denominator
for _p in (2, 3, 7, 2.5, -1.0, 0.5, -1.5, 1.0, 0.0):
    case("pow", lambda x, p=_p: x ** p * (1.0 + 0.0 * x), pos(4))
case("pow", lambda x: x ** 3, const([0.0, 1.0, -2.0]), scale=1.0)   # exact at x = 0
case("pow", lambda x: x ** np.array([0.5, 2.0, 3.5]), pos(3))
case("pow", lambda x: 1.7 ** x + np.e ** (2.0 * x), normal(3))
case("pow", lambda x: np.array([0.0, 2.0, 3.0]) ** x, pos(3))
case("where", lambda x, y: np.where(x > 0, x ** 2, np.sin(y)), away(2, 3), normal(2, 3))
case("where", lambda x: np.where(np.array([True, False, True]), x, 0.0), normal(2, 3))
case("clip", lambda x: np.clip(x, -0.5, 0.8) * x, lambda r: np.array([-1.2, -0.3, 0.1, 0.6, 1.5]))
case("nondiff", lambda x: np.sign(x) * np.floor(x) * x + np.round(x) + (x % 0.7), const([2.3, -1.3, 0.45, 3.7]), scale=0.01)
case("stop_gradient", lambda x: x * osc.stop_gradient(np.sin(x)), normal(3), fd=False)  # deliberately not FD
case("comparisons", comparisons, const([0.3, -0.4, 1.7, -2.2]), scale=0.01)
case("astype", lambda x: x.astype(np.float64) * x, normal(3))

# reductions and scans
for _kw in [{}, {"axis": 0}, {"axis": 1, "keepdims": True}]:
    case("sum", lambda x, kw=_kw: np.sum(np.sin(x), **kw), normal(3, 4))
    case("max", lambda x, kw=_kw: np.max(x * x, **kw), distinct(3, 4))
    case("min", lambda x, kw=_kw: np.min(np.exp(x), **kw), distinct(3, 4))
    case("prod", lambda x, kw=_kw: np.prod(x, **kw), away(3, 5, lo=0.5, hi=1.5))
for _ax in (None, 0, 1):
    case("cumsum", lambda x, a=_ax: np.cumsum(np.cos(x), axis=a), normal(3, 4))
    case("cumprod", lambda x, a=_ax: np.cumprod(x, axis=a), away(3, 5, lo=0.5, hi=1.5))
case("mean-var-std", lambda x: np.mean(x) * np.var(x, axis=0) + np.std(x, axis=1, ddof=1).sum(), normal(3, 4))

# shapes and indexing
_x234 = normal(2, 3, 4)
case("reshape", lambda x: np.reshape(np.sin(x), (6, 4)), _x234)
case("transpose", lambda x: np.transpose(x ** 2, (1, 0, 2)), _x234)
case("broadcast_to", lambda x: np.broadcast_to(x, (4, 2, 3)) * np.arange(3.0), normal(2, 1))
case("concatenate", lambda x, y: np.concatenate([x, np.ones((2, 1)), y * x[:, :2]], axis=1), normal(2, 3), normal(2, 2))
case("stack", lambda x, y: np.stack([x, y, x * y], axis=-1), normal(3), normal(3))
case("flip", lambda x: np.flip(x, (0, 2)) * x, _x234)
case("roll", lambda x: np.roll(x, (1, 2), axis=(0, 1)) * x, normal(2, 3))
case("getitem", lambda x: x[1:, [0, 2, 2]] * x[0, ::-1][:3], normal(3, 4))
case("getitem", lambda x: x[x > 0.0] ** 3, normal(3, 4))
case("index_update", lambda x, v: osc_np.set_at(x, slice(1, 3), v * v) * x, normal(4, 5), normal(2, 5))
case("index_update", lambda x, v: osc_np.add_at(x, [0, 2, 0], np.sin(v)) ** 2, normal(4, 5), normal(3, 5))
case("index_update", lambda x, v: osc_np.set_at(x, 1, np.exp(v)) * x, normal(3), normal())
case("diag-trace-tril", lambda x: np.trace(x @ x) + np.sum(np.tril(x) * np.diag(np.diagonal(x))), normal(3, 3))

# linear algebra
case("matmul", lambda a, b: a @ b, normal(2, 3), normal(3, 4))
case("matmul", lambda a, b: a @ np.sin(b), normal(2, 3, 4), normal(4))
case("einsum", lambda a, b: np.einsum("ij,jk->ik", a, b), normal(2, 3), normal(3, 2))
case("einsum", lambda a, b, c: np.einsum("ij,jk,kl->il", a, b, c), normal(2, 3), normal(3, 3), normal(3, 2))
case("einsum", lambda a: np.einsum("ii->i", a) * np.einsum("ij,ij->", a, a), normal(3, 3))
case("solve", np.linalg.solve, general(3), normal(3))
case("solve", np.linalg.solve, general(3), normal(3, 2))
case("solve", lambda a: np.linalg.solve(a, np.arange(3.0)), general(3))
case("inv", np.linalg.inv, general(3))
case("det", np.linalg.det, general(3))
case("slogdet", lambda a: np.linalg.slogdet(a)[1], lambda r: np.diag([1.0, -2.0, 3.0]) + 0.1 * r.standard_normal((3, 3)))
case("slogdet", lambda a: np.linalg.slogdet(a)[0] * np.linalg.slogdet(a)[1], general(3))
case("cholesky", np.linalg.cholesky, spd(3))
case("cholesky", np.linalg.cholesky, spd(2, 2))
case("eigh", lambda a: np.linalg.eigh(a)[0], spd(3))
case("eigh", lambda a: np.linalg.eigh(a)[1] ** 2, spd(4))
case("eigh", lambda a: tuple(np.linalg.eigh(a)), spd(3), fd=False)
case("norm", lambda x: np.linalg.norm(x) + np.linalg.norm(x, np.inf), distinct(4))

# user rules and remat
case("custom_jvp", lambda x: softplus_rule(np.sin(x)) * x, normal(3))
case("custom_vjp", lambda x: cube_rule(np.cos(x)) + x, normal(3))
case("checkpoint", lambda x: tanh_layer(x) * x, normal(3))

# composites
case("composite", lambda x, a: np.sum(np.tanh(a @ x) ** 2) + np.log(np.sum(np.exp(x))), normal(3), normal(4, 3))
case("composite", lambda x: np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2), normal(5))
case("composite", lambda x: np.sum(np.exp(np.sin(x)) * np.log1p(x * x) / (1.0 + np.tanh(x) ** 2)), normal(6))
case("composite", lambda x: osc_np.logsumexp(x) + np.sum(osc_np.softplus(x) * osc_np.log_softmax(x)), normal(5))


# --------------------------------------------------------------------------- references


def _draw(makers, scale, cid):
    r = np.random.default_rng(zlib.crc32(cid.encode()))
    args = tuple(np.asarray(m(r), dtype=float) for m in makers)
    vs = tuple(scale * r.standard_normal(a.shape) for a in args)
    ws = tuple(scale * 0.5 * r.standard_normal(a.shape) for a in args)
    return args, vs, ws


def _curve(fn, args, vs, ws):
    return lambda t: fn(*[a + t * v + t * t * w for a, v, w in zip(args, vs, ws)])


def nested_derivatives(h, order):
    """[h(0), h'(0), …, h⁽ᵏ⁾(0)] by nested forward mode (2^k passes)."""
    out = []
    g = h
    for _ in range(order + 1):
        out.append(tree_leaves(g(np.float64(0.0))))
        g = (lambda g: lambda t: osc.jvp(g, (t,), (np.ones_like(t),))[1])(g)
    return out


def taylor_coefficients(fn, args, vs, ws, order):
    s = taylor(lambda a: fn(*a), args, [vs, ws], order=order)
    leaves = _series_leaves(s)
    return [[leaf[j] for leaf in leaves] for j in range(order + 1)]


def _series_leaves(s):
    if isinstance(s, TaylorSeries):
        return [s]
    return [x for x in s]


def _close(actual, expected, rtol, what):
    for a, e in zip(actual, expected):
        a, e = np.asarray(a, float), np.asarray(e, float)
        assert a.shape == e.shape, f"{what}: shape {a.shape} != {e.shape}"
        tol = rtol * max(1.0, float(np.max(np.abs(e), initial=0.0)))
        err = float(np.max(np.abs(a - e), initial=0.0))
        assert err <= tol, f"{what}: max abs error {err:.3e} > {tol:.3e}\n taylor {a.ravel()[:5]}\n ref    {e.ravel()[:5]}"


# the rows modules of test_ad_primitives (tests/rows_<area>.py) add their Taylor rows
# here: TAYLOR_ROWS, a list of (tag, fn, [makers], scale, fd) as the arguments of case()
for _path in sorted(pathlib.Path(__file__).parent.glob("rows_*.py")):
    for _tag, _fn, _mk, _scale, _fd in getattr(importlib.import_module(_path.stem), "TAYLOR_ROWS", []):
        case(_tag, _fn, *_mk, scale=_scale, fd=_fd)


@pytest.mark.parametrize("fn, makers, scale, fd", CASES)
def test_taylor_matches_nested_forward_and_finite_differences(fn, makers, scale, fd, request):
    cid = request.node.callspec.id
    args, vs, ws = _draw(makers, scale, cid)
    coeffs = taylor_coefficients(fn, args, vs, ws, ORDER)
    h = _curve(fn, args, vs, ws)
    ref = nested_derivatives(h, ORDER)
    for j in range(ORDER + 1):
        _close([c * math.factorial(j) for c in coeffs[j]], ref[j], 1e-9, f"order {j} vs nested forward")
    if fd:
        eps = 1e-4
        hp, h0, hm = (tree_leaves(h(t)) for t in (eps, 0.0, -eps))
        _close(coeffs[1], [(p - m) / (2 * eps) for p, m in zip(hp, hm)], 1e-6, "y₁ vs central difference")
        _close(coeffs[2], [(p - 2 * z + m) / (2 * eps**2) for p, z, m in zip(hp, h0, hm)], 1e-4, "y₂ vs central difference")
    assert core.current_depth() == 0


# --------------------------------------------------------------------------- coverage of the table


def _run_at_order_2(param):
    fn, makers, scale, _ = param.values
    args, vs, ws = _draw(makers, scale, param.id)
    taylor(lambda a, fn=fn: fn(*a), args, [vs, ws], order=2)


@pytest.mark.parametrize("name", sorted(engine_primitives()))
def test_every_registered_primitive_is_checked_in_taylor_mode(name):
    """The registry says what the table must cover: for every primitive (unless
    it declares why it has no Taylor rule) a case of the table is processed by
    the Taylor trace, and that case's coefficients agree with nested forward
    mode to order 3 (the table test above checks every case to order 5)."""
    prim = engine_primitives()[name]
    if not prim.handles("taylor"):
        assert "taylor" in prim.missing, f"primitive {name!r} has no taylor rule and does not say why"
        return
    found = cases_reaching(name, TaylorTrace, _run_at_order_2, CASES + INDIRECT, limit=1)
    assert found, f"no case of the table reaches primitive {name!r} in Taylor mode: add one to CASES"
    fn, makers, scale, _ = found[0].values
    args, vs, ws = _draw(makers, scale, found[0].id)
    coeffs = taylor_coefficients(fn, args, vs, ws, 3)
    ref = nested_derivatives(_curve(fn, args, vs, ws), 3)
    for j in range(4):
        _close([c * math.factorial(j) for c in coeffs[j]], ref[j], 1e-9, f"order {j} vs nested forward")


# the adjoint of indexing (scatter) is reached by reverse mode inside Taylor mode
INDIRECT = [pytest.param(lambda x: osc.grad(lambda z: np.sum(z[[0, 2, 2]] ** 3))(x), (normal(4),), 0.3, True,
                         id="scatter-by-grad")]


# --------------------------------------------------------------------------- SymPy


_X = sp.Symbol("x")
SYMPY_UNARY = {
    "exp": (np.exp, sp.exp(_X), 0.3), "expm1": (np.expm1, sp.exp(_X) - 1, -0.4), "exp2": (np.exp2, 2**_X, 0.7),
    "log": (np.log, sp.log(_X), 1.3), "log1p": (np.log1p, sp.log(1 + _X), 0.2), "log2": (np.log2, sp.log(_X, 2), 1.7),
    "log10": (np.log10, sp.log(_X, 10), 2.5), "sqrt": (np.sqrt, sp.sqrt(_X), 1.4),
    "cbrt": (np.cbrt, sp.cbrt(_X), 2.2), "square": (np.square, _X**2, -0.8), "reciprocal": (np.reciprocal, 1 / _X, 0.9),
    "abs": (np.abs, -_X, -0.6), "sin": (np.sin, sp.sin(_X), 0.4), "cos": (np.cos, sp.cos(_X), 1.1),
    "tan": (np.tan, sp.tan(_X), 0.5), "arcsin": (np.arcsin, sp.asin(_X), 0.3), "arccos": (np.arccos, sp.acos(_X), -0.2),
    "arctan": (np.arctan, sp.atan(_X), 0.8), "sinh": (np.sinh, sp.sinh(_X), 0.6), "cosh": (np.cosh, sp.cosh(_X), -0.7),
    "tanh": (np.tanh, sp.tanh(_X), 0.35), "arcsinh": (np.arcsinh, sp.asinh(_X), 1.2),
    "arccosh": (np.arccosh, sp.acosh(_X), 1.6), "arctanh": (np.arctanh, sp.atanh(_X), 0.45),
    "erf": (special.erf, sp.erf(_X), 0.5), "erfc": (special.erfc, sp.erfc(_X), -0.3),
    "expit": (special.expit, 1 / (1 + sp.exp(-_X)), 0.25), "gammaln": (special.gammaln, sp.loggamma(_X), 1.7),
    "digamma": (special.digamma, sp.polygamma(0, _X), 2.3),
    "polygamma": (lambda x: osc_np.polygamma(2, x), sp.polygamma(2, _X), 1.9),
    "pow": (lambda x: x ** -2.5, _X ** sp.Rational(-5, 2), 1.3), "pow-int": (lambda x: x ** 4, _X**4, 0.0),
    "positive": (np.positive, _X, 0.3),
    # SciPy's special functions (osculate.ad.prims.special)
    "ndtr": (special.ndtr, (1 + sp.erf(_X / sp.sqrt(2))) / 2, -0.7),
    "log_ndtr": (special.log_ndtr, sp.log((1 + sp.erf(_X / sp.sqrt(2))) / 2), -1.3),
    "ndtri": (special.ndtri, sp.sqrt(2) * sp.erfinv(2 * _X - 1), 0.3),
    "erfinv": (special.erfinv, sp.erfinv(_X), 0.4), "erfcinv": (special.erfcinv, sp.erfinv(1 - _X), 0.6),
    "erfcx": (special.erfcx, sp.exp(_X**2) * sp.erfc(_X), 0.8), "logit": (special.logit, sp.log(_X / (1 - _X)), 0.3),
    "log_expit": (special.log_expit, -sp.log(1 + sp.exp(-_X)), -0.9), "entr": (special.entr, -_X * sp.log(_X), 1.4),
    "gamma": (special.gamma, sp.gamma(_X), 2.2), "loggamma": (special.loggamma, sp.loggamma(_X), 1.3),
    "rgamma": (special.rgamma, 1 / sp.gamma(_X), 0.7), "i0": (special.i0, sp.besseli(0, _X), 0.9),
    "i1": (special.i1, sp.besseli(1, _X), -1.1), "i0e": (special.i0e, sp.exp(-_X) * sp.besseli(0, _X), 1.2),
    "i1e": (special.i1e, sp.exp(-_X) * sp.besseli(1, _X), 0.7), "j0": (special.j0, sp.besselj(0, _X), 1.6),
    "j1": (special.j1, sp.besselj(1, _X), 2.1), "y0": (special.y0, sp.bessely(0, _X), 1.8),
    "y1": (special.y1, sp.bessely(1, _X), 2.4), "spence": (special.spence, sp.polylog(2, 1 - _X), 0.6),
    "exprel": (special.exprel, (sp.exp(_X) - 1) / _X, 0.9),
    "sindg": (special.sindg, sp.sin(sp.pi * _X / 180), 33.0), "cosdg": (special.cosdg, sp.cos(sp.pi * _X / 180), 21.0),
    "k0": (special.k0, sp.besselk(0, _X), 0.8), "k1": (special.k1, sp.besselk(1, _X), 1.9),
    "k0e": (special.k0e, sp.exp(_X) * sp.besselk(0, _X), 1.4), "k1e": (special.k1e, sp.exp(_X) * sp.besselk(1, _X), 2.2),
    "exp1": (special.exp1, sp.expint(1, _X), 0.7), "expi": (special.expi, sp.Ei(_X), -0.8),
    "exp10": (special.exp10, 10**_X, 0.4), "dawsn": (special.dawsn, sp.sqrt(sp.pi) / 2 * sp.exp(-_X**2) * sp.erfi(_X), 0.9),
    "fresnel_s": (lambda x: special.fresnel(x)[0], sp.fresnels(_X), 1.3),
    "fresnel_c": (lambda x: special.fresnel(x)[1], sp.fresnelc(_X), 0.7),
    "sici_si": (lambda x: special.sici(x)[0], sp.Si(_X), 1.6), "sici_ci": (lambda x: special.sici(x)[1], sp.Ci(_X), 0.9),
    "shichi_shi": (lambda x: special.shichi(x)[0], sp.Shi(_X), 1.2),
    "shichi_chi": (lambda x: special.shichi(x)[1], sp.Chi(_X), 0.8),
    "cosm1": (special.cosm1, sp.cos(_X) - 1, 0.7), "tandg": (special.tandg, sp.tan(sp.pi * _X / 180), 33.0),
    "cotdg": (special.cotdg, sp.cot(sp.pi * _X / 180), 33.0), "erfi": (special.erfi, sp.erfi(_X), 0.8),
    "wrightomega": (special.wrightomega, sp.LambertW(sp.exp(_X)), 0.6),
    "ellipk": (special.ellipk, sp.elliptic_k(_X), 0.4), "ellipe": (special.ellipe, sp.elliptic_e(_X), -0.5),
    "ellipkm1": (special.ellipkm1, sp.elliptic_k(1 - _X), 0.3),
}


def test_every_elementwise_primitive_is_compared_with_sympy():
    unary_family = {name for name, p in engine_primitives().items() if defined_in(p) == "osculate.ad.prims.unary"}
    assert len(unary_family) > 30
    missing = sorted(unary_family - set(SYMPY_UNARY))
    assert not missing, f"elementwise primitives without a SymPy reference: {missing}"


@pytest.mark.parametrize("name", sorted(SYMPY_UNARY))
def test_every_elementwise_function_matches_sympy(name):
    fn, expr, x0 = SYMPY_UNARY[name]
    order = 7
    d = derivatives_along(fn, np.float64(x0), np.float64(1.0), order)
    want = [float(sp.diff(expr, _X, j).subs(_X, sp.Float(x0, 30)).evalf(30)) for j in range(order + 1)]
    np.testing.assert_allclose(d, want, rtol=1e-10, atol=1e-10)


def _tan_coefficients(x0, order):
    """tan's Taylor coefficients about x0, exactly: tan⁽ʲ⁾ = P_j(tan) with P_{j+1} = P_j' (1 + y²)."""
    y = sp.Symbol("y")
    p, out = y, []
    t0 = sp.tan(sp.Float(x0, 40))
    for j in range(order + 1):
        out.append(float(p.subs(y, t0).evalf(40)) / math.factorial(j))
        p = sp.expand(sp.diff(p, y) * (1 + y**2))
    return out


@pytest.mark.parametrize("name, fn, expr, x0", [
    ("exp", np.exp, sp.exp(_X), 0.0),
    ("sin", np.sin, sp.sin(_X), 0.0),
    ("log(1+x)", np.log1p, sp.log(1 + _X), 0.0),
    ("1/(1-x)", lambda x: 1.0 / (1.0 - x), 1 / (1 - _X), 0.0),
    ("tan", np.tan, sp.tan(_X), 0.0),
    ("tan@0.7", np.tan, None, 0.7),
])
def test_known_series_match_sympy(name, fn, expr, x0):
    order = 15
    s = taylor(fn, x0, [1.0], order=order)
    if expr is None:
        want = _tan_coefficients(x0, order)
    else:
        ser = sp.series(expr, _X, 0, order + 1).removeO()
        want = [float(ser.coeff(_X, j)) for j in range(order + 1)]
    np.testing.assert_allclose(np.array(s, dtype=float), want, rtol=1e-10, atol=1e-12)


def test_leibniz_rule_for_products():
    """(uv)⁽ⁿ⁾ = Σ_k C(n, k) u⁽ᵏ⁾ v⁽ⁿ⁻ᵏ⁾ on examples, and against SymPy."""
    n = 8
    for u, v, us, vs, x0 in [
        (np.exp, np.sin, sp.exp(_X), sp.sin(_X), 0.4),
        (lambda x: x ** 3, np.log1p, _X**3, sp.log(1 + _X), 0.3),
        (np.tanh, np.cos, sp.tanh(_X), sp.cos(_X), -0.6),
    ]:
        du = derivatives_along(u, x0, 1.0, n)
        dv = derivatives_along(v, x0, 1.0, n)
        duv = derivatives_along(lambda x: u(x) * v(x), x0, 1.0, n)
        leibniz = [sum(math.comb(m, k) * du[k] * dv[m - k] for k in range(m + 1)) for m in range(n + 1)]
        np.testing.assert_allclose(duv, leibniz, rtol=1e-12, atol=1e-12)
        want = [float(sp.diff(us * vs, _X, m).subs(_X, x0)) for m in range(n + 1)]
        np.testing.assert_allclose(duv, want, rtol=1e-10, atol=1e-10)


def test_order_30_neither_overflows_nor_loses_accuracy():
    K = 30
    e = np.array(taylor(np.exp, 0.0, [1.0], order=K), dtype=float)
    np.testing.assert_allclose(e, [1.0 / math.factorial(j) for j in range(K + 1)], rtol=1e-13)
    g = np.array(taylor(lambda x: 1.0 / (1.0 - x), 0.5, [1.0], order=K), dtype=float)
    np.testing.assert_allclose(g, [2.0 ** (j + 1) for j in range(K + 1)], rtol=1e-13)
    s = np.array(taylor(np.sin, 0.0, [1.0], order=K), dtype=float)
    want = [0.0 if j % 2 == 0 else (-1.0) ** (j // 2) / math.factorial(j) for j in range(K + 1)]
    np.testing.assert_allclose(s, want, rtol=1e-12, atol=1e-300)
    # a composite: exp(t) / (1 - t/2) has c_j = Σ_i (1/i!) 2^-(j-i), exactly (rationals)
    t = np.array(taylor(lambda x: np.exp(x) / (1.0 - 0.5 * x), 0.0, [1.0], order=K), dtype=float)
    want = [float(sum(Fraction(1, math.factorial(i)) * Fraction(1, 2 ** (j - i)) for i in range(j + 1))) for j in range(K + 1)]
    np.testing.assert_allclose(t, want, rtol=1e-13)
    d = derivatives_along(np.exp, 0.0, 1.0, K)
    np.testing.assert_allclose(d, np.ones(K + 1), rtol=1e-12)


def test_prod_and_cumprod_are_exact_at_zeros(rng):
    """Products of series by pairwise Cauchy products: no division, so zeros are exact
    (compared with the product of the input polynomials x_i + v_i t + w_i t²)."""
    x = np.array([0.0, 1.5, -2.0, 0.7, 0.0, 3.0, 1.1])
    v, w = rng.standard_normal(7), rng.standard_normal(7)
    K = 6
    polys = [np.polynomial.Polynomial([a, b, c]) for a, b, c in zip(x, v, w)]

    def coefficients(p):
        out = np.zeros(K + 1)
        out[:min(K + 1, len(p.coef))] = p.coef[:K + 1]
        return out

    partial = [polys[0]]
    for q in polys[1:]:
        partial.append(partial[-1] * q)
    s = taylor(np.prod, x, [v, w], order=K)
    np.testing.assert_allclose(np.array(s, float), coefficients(partial[-1]), rtol=1e-12, atol=1e-12)
    c = taylor(np.cumprod, x, [v, w], order=K)
    np.testing.assert_allclose(np.stack([np.asarray(ci) for ci in c]), np.stack([coefficients(p) for p in partial], 1),
                               rtol=1e-12, atol=1e-12)
    # x ** 3 at x = 0 by repeated squaring: (t + t²)³ = t³ + 3t⁴ + 3t⁵ + t⁶
    np.testing.assert_allclose(np.array(taylor(lambda z: z ** 3, 0.0, [1.0, 1.0], order=6), float),
                               [0, 0, 0, 1, 3, 3, 1])


def test_outer_tracers_are_constants_of_the_taylor_trace():
    # coefficient 3 of (2 + t)^p is C(p, 3) 2^(p-3); differentiate it in p (reverse mode outside)
    c3 = lambda p: taylor(lambda x: x ** p, 2.0, [1.0], order=3)[3]  # noqa: E731
    want = lambda p: p * (p - 1) * (p - 2) / 6 * 2.0 ** (p - 3)  # noqa: E731
    assert float(c3(1.5)) == pytest.approx(want(1.5), rel=1e-13)
    assert float(osc.grad(c3)(1.5)) == pytest.approx((want(1.5 + 1e-6) - want(1.5 - 1e-6)) / 2e-6, rel=1e-7)
    # forward mode outside, an outer tracer as the base of a power
    y, t = osc.jvp(lambda b: taylor(lambda x: b ** x, 1.0, [1.0], order=2)[2], (3.0,), (1.0,))
    assert float(y) == pytest.approx(3.0 * np.log(3.0) ** 2 / 2, rel=1e-13)
    assert float(t) == pytest.approx((np.log(3.0) ** 2 + 2 * np.log(3.0)) / 2, rel=1e-12)


def test_float32_stays_float32():
    x = np.linspace(0.1, 1.0, 4, dtype=np.float32)
    s = taylor(lambda z: np.exp(np.sin(z)) * z, x, [np.ones(4, np.float32)], order=4)
    assert all(np.asarray(c).dtype == np.float32 for c in s)
    ref = taylor(lambda z: np.exp(np.sin(z)) * z, x.astype(float), [np.ones(4)], order=4)
    np.testing.assert_allclose(np.array(s, float), np.array(ref, float), rtol=1e-5)


# --------------------------------------------------------------------------- composition with the other transforms


def _f(x):
    return np.sum(np.exp(np.sin(x)) * np.log1p(x * x) / (1.0 + np.tanh(x) ** 2))


def test_grad_of_a_taylor_coefficient_both_in_x_and_in_v(rng):
    x, v = rng.standard_normal(4), rng.standard_normal(4)
    k = 4

    def nested(y, u):
        g = lambda t: _f(y + t * u)  # noqa: E731
        for _ in range(k):
            g = (lambda g: lambda t: osc.jvp(g, (t,), (np.ones_like(t),))[1])(g)
        return g(np.float64(0.0))

    gx = osc.grad(lambda y: derivatives_along(_f, y, v, k)[k])(x)
    np.testing.assert_allclose(gx, osc.grad(lambda y: nested(y, v))(x), rtol=1e-9)
    gv = osc.grad(lambda u: taylor(_f, x, [u], order=k)[k])(v)
    np.testing.assert_allclose(gv, osc.grad(lambda u: nested(x, u))(v) / math.factorial(k), rtol=1e-9)
    # forward over the Taylor trace, and a Hessian of a coefficient
    h = osc.hessian(lambda y: taylor(_f, y, [v], order=3)[3])(x)
    fd = np.array([(osc.grad(lambda y: taylor(_f, y, [v], order=3)[3])(x + 1e-5 * e)
                    - osc.grad(lambda y: taylor(_f, y, [v], order=3)[3])(x - 1e-5 * e)) / 2e-5 for e in np.eye(4)])
    np.testing.assert_allclose(h, fd, rtol=1e-5, atol=1e-6)


def test_vmap_over_directions(rng):
    x = rng.standard_normal(5)
    V = rng.standard_normal((7, 5))
    batched = osc.vmap(lambda v: derivatives_along(_f, x, v, order=6))(V)
    loop = np.stack([derivatives_along(_f, x, v, order=6) for v in V])
    assert batched.shape == (7, 7)
    np.testing.assert_allclose(batched, loop, rtol=1e-12)
    # a TaylorSeries is a tuple, so it passes through vmap as one
    s = osc.vmap(lambda v: taylor(_f, x, [v], order=3))(V)
    np.testing.assert_allclose(s[3], loop[:, 3] / 6.0, rtol=1e-12)


def test_taylor_inside_reverse_and_reverse_inside_taylor(rng):
    x, v = rng.standard_normal(4), rng.standard_normal(4)
    # reverse inside Taylor: series of the gradient along a line = derivatives of H(x + tv)
    s = taylor(osc.grad(_f), x, [v], order=3)
    g = lambda t: osc.grad(_f)(x + t * v)  # noqa: E731
    d1 = osc.jvp(g, (0.0,), (1.0,))[1]
    d2 = osc.jvp(lambda t: osc.jvp(g, (t,), (1.0,))[1], (0.0,), (1.0,))[1]
    np.testing.assert_allclose(s[1], d1, rtol=1e-10)
    np.testing.assert_allclose(2 * s[2], d2, rtol=1e-10)
    np.testing.assert_allclose(s[1], osc.hvp(_f, x, v), rtol=1e-10)
    # Taylor inside reverse through vjp with a vector cotangent
    y, pull = osc.vjp(lambda y: derivatives_along(lambda z: np.sin(z) * z, y, v, 3), x)
    ct = rng.standard_normal(y.shape)
    fd = np.array([np.vdot(ct, derivatives_along(lambda z: np.sin(z) * z, x + 1e-6 * e, v, 3)
                           - derivatives_along(lambda z: np.sin(z) * z, x - 1e-6 * e, v, 3)) / 2e-6 for e in np.eye(4)])
    np.testing.assert_allclose(pull(ct)[0], fd, rtol=1e-6, atol=1e-7)


def test_taylor_of_taylor_and_over_vmap(rng):
    x, v, u = rng.standard_normal(3), rng.standard_normal(3), rng.standard_normal(3)
    # mixed derivative d/ds d²/dt² f(x + t v + s u) by Taylor over Taylor
    inner = lambda y: taylor(_f, y, [v], order=2)[2] * 2.0  # noqa: E731
    outer = taylor(inner, x, [u], order=1)[1]
    ref = osc.jvp(inner, (x,), (u,))[1]
    np.testing.assert_allclose(outer, ref, rtol=1e-10)
    # Taylor over a vmapped function
    fv = osc.vmap(lambda r: np.sum(np.sin(r) ** 2))
    X = rng.standard_normal((4, 3))
    s = taylor(fv, X, [np.ones_like(X)], order=4)
    for i in range(4):
        np.testing.assert_allclose([c[i] for c in s], taylor(lambda r: np.sum(np.sin(r) ** 2), X[i], [np.ones(3)], order=4),
                                   rtol=1e-12)


def test_laplacian_and_hessian_diagonal_match_nested_and_dense(rng):
    x = rng.standard_normal(6)
    dense = np.diag(osc.hessian(_f)(x))
    np.testing.assert_allclose(osc.hessian_diagonal(_f, x, "taylor"), dense, rtol=1e-10)
    np.testing.assert_allclose(diagonal_by_taylor(_f, x), dense, rtol=1e-10)
    np.testing.assert_allclose(osc.hessian_diagonal(_f, x, "taylor", chunk_size=4),
                               osc.hessian_diagonal(_f, x, "dense-chunks"), rtol=1e-10)
    np.testing.assert_allclose(osc.laplacian(_f, x), np.sum(dense), rtol=1e-10)
    X = rng.standard_normal((2, 3))
    g = lambda m: np.sum(np.sin(m) * m[::-1]) + np.prod(m)  # noqa: E731
    np.testing.assert_allclose(osc.hessian_diagonal(g, X, "taylor"), osc.hessian_diagonal(g, X), rtol=1e-10)
    with pytest.raises(TypeError, match="scalar"):
        osc.laplacian(lambda z: z ** 2, x)


def test_python_control_flow_follows_the_branch_taken():
    def f(x):
        if x > 0.5:
            return np.exp(x)
        y = x
        for _ in range(3):
            y = np.sin(y)
        return y

    np.testing.assert_allclose(derivatives_along(f, 1.0, 1.0, 5), np.full(6, np.e), rtol=1e-12)
    ref = nested_derivatives(lambda t: f(0.2 + t), 5)
    np.testing.assert_allclose(derivatives_along(f, 0.2, 1.0, 5), [r[0] for r in ref], rtol=1e-10)


def test_pytrees_and_constants():
    x = {"a": np.array([0.5, 1.0]), "b": np.float64(2.0)}
    v = {"a": np.array([1.0, 0.0]), "b": np.float64(1.0)}
    s = taylor(lambda p: (np.sum(p["a"] ** 2) * p["b"], np.float64(3.0)), x, [v], order=3)
    assert isinstance(s, tuple) and isinstance(s[0], TaylorSeries)
    # (0.5 + t)^2 (2 + t) + 1 = 2.5 + 3.25 t + 3 t² + t³
    np.testing.assert_allclose(np.array(s[0], float), [2.5, 3.25, 3.0, 1.0])
    np.testing.assert_allclose(np.array(s[1], float), [3.0, 0.0, 0.0, 0.0])
    # a line has zero higher coefficients, constants stay constants (no tracer reaches f's output)
    d = derivatives_along(lambda z: 2.0 * z + 1.0, np.ones(2), np.ones(2), 4)
    np.testing.assert_allclose(d, [[3.0, 3.0], [2.0, 2.0], [0, 0], [0, 0], [0, 0]])
    assert taylor(np.sin, 1.0, [], order=0).order == 0
    assert float(taylor(np.sin, 1.0, [None, 1.0])[2]) == pytest.approx(np.cos(1.0))


def test_taylor_series_object():
    s = taylor(np.exp, 0.0, [1.0], order=8)
    assert s.order == 8 and float(s.primal) == 1.0 and len(s.coefficients) == 9
    assert s(0.1) == pytest.approx(np.exp(0.1), rel=1e-12)
    np.testing.assert_allclose(np.array(s.derivatives, float), np.ones(9))
    assert "TaylorSeries(order=8" in repr(s)


def test_taylor_polynomial():
    p = taylor_polynomial(lambda z: np.sin(z) * np.exp(z), 0.3, order=10)
    assert isinstance(p, TaylorPolynomial) and p.order == 10
    z = np.linspace(0.0, 0.6, 7)
    np.testing.assert_allclose(p(z), np.sin(z) * np.exp(z), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(p.to_numpy()(z), p(z), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(p.deriv()(z), np.exp(z) * (np.sin(z) + np.cos(z)), rtol=1e-8)
    np.testing.assert_allclose(p.derivatives[:3], [np.sin(0.3) * np.exp(0.3), np.exp(0.3) * (np.sin(0.3) + np.cos(0.3)),
                                                   2 * np.exp(0.3) * np.cos(0.3)], rtol=1e-12)
    zz, pz = p.linspace(11, radius=0.2)
    assert zz.shape == pz.shape == (11,) and zz[0] == pytest.approx(0.1)
    assert repr(taylor_polynomial(lambda z: 1.0 - z, -1.0, 1)) == "TaylorPolynomial(2 - 1·(x + 1))"
    # differentiable in the expansion point
    assert osc.grad(lambda c: taylor_polynomial(np.exp, c, 3)(c + 0.1))(0.2) == pytest.approx(
        np.exp(0.2) * (1 + 0.1 + 0.01 / 2 + 0.001 / 6), rel=1e-12)


# --------------------------------------------------------------------------- bad input


def test_bad_input_gives_clear_errors():
    x = np.ones(3)
    with pytest.raises(ValueError, match="non-negative"):
        taylor(np.sin, x, [x], order=-1)
    with pytest.raises(ValueError, match="non-negative"):
        derivatives_along(np.sin, x, x, order=-2)
    with pytest.raises(TypeError, match="non-negative integer"):
        taylor(np.sin, x, [x], order=2.5)
    with pytest.raises(ValueError, match=r"series\[1\] has shape \(2,\) but x has shape \(3,\)"):
        taylor(np.sin, x, [np.ones(2)], order=3)
    with pytest.raises(ValueError, match=r"series\[2\] has shape"):
        taylor(np.sin, x, [x, np.ones((3, 1))], order=3)
    with pytest.raises(ValueError, match=r"series\[1\] has shape \(4,\) but x has shape \(3,\)"):
        derivatives_along(np.sin, x, np.ones(4), order=2)
    with pytest.raises(ValueError, match="order=1"):
        taylor(np.sin, x, [x, x], order=1)
    with pytest.raises(ValueError, match="structure"):
        taylor(lambda p: p[0], (x, x), [x], order=1)
    with pytest.raises(TypeError, match="sequence"):
        taylor(np.sin, x, x[0], order=1)
    with pytest.raises(TypeError, match="integer"):
        taylor(np.sin, np.arange(3), [np.ones(3)], order=1)
    with pytest.raises(ValueError, match="scalar x"):
        taylor_polynomial(np.sin, x, 3)
    with pytest.raises(ValueError, match="scalar"):
        taylor_polynomial(lambda z: np.stack([z, z]), 1.0, 3)
    with pytest.raises(ValueError, match="overflow"):
        derivatives_along(np.sin, 0.0, 1.0, 171)


def test_a_primitive_without_taylor_rule_is_named():
    twice = Primitive("twice_no_taylor", lambda x: 2 * x)
    twice.def_jvp(lambda p, t: (twice.bind(p[0]), 2 * t[0]))
    with pytest.raises(MissingRuleError, match="twice_no_taylor.*taylor"):
        taylor(lambda z: twice.bind(z), np.ones(2), [np.ones(2)], order=2)
    # a user primitive gets Taylor mode by declaring its rule (contract: osculate.ad.core.RULE_KINDS)
    twice.def_rule("taylor", lambda primals, series, order: (
        twice.bind(primals[0]), [zero if c is zero else twice.bind(c) for c in series[0]]))
    np.testing.assert_allclose(derivatives_along(lambda z: twice.bind(z) ** 2, 1.0, 1.0, 3), [4.0, 8.0, 8.0, 0.0])
    # piecewise-constant primitives (constant_output=True) need no taylor rule
    step = Primitive("step_no_taylor", lambda x: np.floor(x), constant_output=True)
    np.testing.assert_allclose(derivatives_along(lambda z: step.bind(z) * z, 1.5, 1.0, 2), [1.5, 1.0, 0.0])


def test_leaked_tracer_is_reported():
    box = []
    taylor(lambda z: box.append(z) or z, np.ones(2), [np.ones(2)], order=2)
    with pytest.raises(core.LeakedTracerError):
        np.sin(box[0])


def test_a_bare_direction_means_the_line_x_plus_t_v():
    f = lambda x: np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)  # noqa: E731
    x, v = np.full(5, 0.5), np.linspace(-1.0, 1.0, 5)
    line = taylor(f, x, v, order=6)
    explicit = taylor(f, x, [v], order=6)
    for a, b in zip(line, explicit):
        np.testing.assert_array_equal(a, b)
    assert np.isclose(line.derivatives[2], osc.vhv(f, x, v))


# --------------------------------------------------------------------------- order 0, and orders whose j! overflows


def test_order_zero_is_the_value():
    f = lambda x: np.sum(np.exp(x))  # noqa: E731
    x, v = np.array([0.1, 0.2]), np.array([1.0, 0.5])
    d = derivatives_along(f, x, v, 0)
    assert d.shape == (1,) and d[0] == f(x)
    d = derivatives_along(np.sin, x, v, 0)
    assert d.shape == (1, 2) and np.array_equal(d[0], np.sin(x))
    for s in (taylor(f, x, v, order=0), taylor(f, x, [], order=0)):  # a bare direction is a line of any order
        assert isinstance(s, TaylorSeries) and s.order == 0 and float(s[0]) == f(x)
        assert len(s.derivatives) == 1 and float(s.derivatives[0]) == f(x) and float(s(0.3)) == f(x)
    p = taylor_polynomial(np.exp, 0.1, 0)
    assert p.order == 0 and float(p(5.0)) == np.exp(0.1)
    np.testing.assert_array_equal(p.derivatives, [np.exp(0.1)])
    assert repr(p) == "TaylorPolynomial(1.10517)"
    # v is still checked, and order 0 composes with vmap over directions and with grad
    with pytest.raises(ValueError, match=r"series\[1\] has shape \(3,\) but x has shape \(2,\)"):
        derivatives_along(f, x, np.ones(3), 0)
    np.testing.assert_array_equal(osc.vmap(lambda u: derivatives_along(f, x, u, 0))(np.eye(2)), np.full((2, 1), f(x)))
    np.testing.assert_allclose(osc.grad(lambda y: derivatives_along(f, y, v, 0)[0])(x), np.exp(x), rtol=1e-15)


def test_derivatives_stop_at_170_with_a_message_naming_taylor():
    np.testing.assert_allclose(derivatives_along(np.exp, 0.0, 1.0, 170), np.ones(171), rtol=1e-12)
    assert float(taylor(np.exp, 0.0, [1.0], order=170).derivatives[170]) == pytest.approx(1.0, rel=1e-12)
    assert taylor_polynomial(np.exp, 0.0, 170).derivatives[170] == pytest.approx(1.0, rel=1e-12)
    geometric = lambda z: 1.0 / (1.0 - z)  # noqa: E731 - c_j = 2^(j+1) at 0.5: finite at every order below
    for order in (171, 300):
        pattern = r"derivatives of order %d overflow float64.*use osc\.taylor, whose normalised coefficients " \
                  r"c_j = f⁽ʲ⁾/j! stay finite" % order
        with pytest.raises(ValueError, match=rf"^derivatives_along\(order={order}\): " + pattern):
            derivatives_along(np.exp, 0.0, 1.0, order)
        # the alternative the message names works at that order
        s = osc.taylor(geometric, 0.5, [1.0], order=order)
        assert s.order == order
        np.testing.assert_allclose(np.array(s, float), 2.0 ** np.arange(1, order + 2), rtol=1e-12)
        with pytest.raises(ValueError, match=r"^TaylorSeries\.derivatives: " + pattern):
            s.derivatives  # noqa: B018
        p = taylor_polynomial(geometric, 0.5, order)
        assert p.order == order and np.all(np.isfinite(p.coef))
        assert float(p(0.51)) == pytest.approx(geometric(0.51), rel=1e-12)
        with pytest.raises(ValueError, match=r"^TaylorPolynomial\.derivatives: " + pattern):
            p.derivatives  # noqa: B018
        assert repr(p).startswith("TaylorPolynomial(2 + 4·(x - 0.5)")


@pytest.mark.parametrize(
    "order, error, pattern",
    [(-1, ValueError, "non-negative integer, got -1"), (2.5, TypeError, "non-negative integer, got 2.5"),
     (3.0, TypeError, "non-negative integer, got 3.0"), ("3", TypeError, "non-negative integer, got '3'"),
     (True, TypeError, "non-negative integer, got True"), (None, TypeError, "non-negative integer, got None")],
    ids=["negative", "fraction", "float", "str", "bool", "None"],
)
def test_bad_orders_are_refused_in_one_line(order, error, pattern):
    calls = [lambda: derivatives_along(np.sin, 0.5, 1.0, order), lambda: taylor_polynomial(np.sin, 0.5, order)]
    if order is not None:  # taylor's order defaults to len(series)
        calls.append(lambda: taylor(np.sin, 0.5, [1.0], order=order))
    for call in calls:
        with pytest.raises(error, match=pattern):
            call()
    assert core.current_depth() == 0
    np.testing.assert_allclose(derivatives_along(np.sin, 0.5, 1.0, np.int64(2)), [np.sin(0.5), np.cos(0.5), -np.sin(0.5)])


def test_non_scalar_outputs_are_described():
    with pytest.raises(ValueError, match=r"taylor_polynomial needs f to return a scalar, but it returned an array "
                                         r"of shape \(2,\); use taylor\(\)"):
        taylor_polynomial(lambda z: np.stack([z, z]), 1.0, 3)
    with pytest.raises(ValueError, match=r"but it returned a tuple of length 1"):
        taylor_polynomial(lambda z: (z,), 1.0, 3)
    for fn in (lambda f, x: osc.hessian_diagonal(f, x, "taylor"), osc.laplacian):
        with pytest.raises(TypeError, match=r"hessian_diagonal requires f to return a scalar, but it returned "
                                            r"a tuple of length 1; return the scalar itself"):
            fn(lambda x: (np.sum(x**3),), np.ones(2))
    assert core.current_depth() == 0
