"""Derivatives of special functions in a parameter: the Hurwitz zeta function
in ``x`` and the Bessel functions of real order in their order ``v``.

Neither has a closed form, so each is a *self-similar family* of primitives:
the ``k``-th derivative is a primitive with the integer parameter ``k`` whose
own partial derivatives are members of the same family (or the function
itself), so every order and every nesting composes, Taylor mode included
(from the jvp, :func:`osculate.ad.taylor_trace.jvp_rule`).

``zeta_ds(s, q, k)``
    ``Z_k(s, q) = ∂ᵏζ(s, q)/∂sᵏ = Σ_{n≥0} (-log(n + q))ᵏ (n + q)^(-s)``, with
    ``∂Z_k/∂s = Z_{k+1}`` and ``∂Z_k/∂q = -k Z_{k-1}(s + 1, q) - s Z_k(s + 1, q)``;
    ``Z_0`` is SciPy's ``zeta``.  For ``k ≥ 1`` it is computed by
    Euler–Maclaurin summation: the first ``N`` terms directly, the tail as
    its integral (in closed form, the ``k``-th derivative in ``s`` of
    ``a^(1-s) / (s - 1)``, ``a = N + q``) plus the end correction and nine
    Bernoulli terms, the derivatives of the summand being ``a^(-s-m) P_m(-log a)``
    with ``P_{m+1} = -(s + m) P_m - P_m'``.  ``N = 10 + ⌈max |s|⌉`` (at most
    200) keeps the Bernoulli terms small; accurate to a few ulps for ``s > 0``
    (the sum is the analytic continuation there), ``q > 0``.

``riemann_zeta(x)``
    ``scipy.special.zeta(x)`` (one argument, every real ``x``): its
    derivative is ``Z_1(x, 1)`` for ``x ≥ 0`` and the derivative of the
    reflection formula ``ζ(x) = 2^x π^(x-1) sin(πx/2) Γ(1-x) ζ(1-x)`` for
    ``x < 0``, written with primitives.

``kv_dv(v, x, n)``, ``kve_dv(v, x, n)``
    ``∂ⁿK_v(x)/∂vⁿ = ∫₀^∞ tⁿ c_n(vt) e^(-x cosh t) dt`` (``c_n = cosh`` for
    even ``n``, ``sinh`` for odd), times ``eˣ`` for ``kve``; ``∂/∂v`` raises
    ``n``, ``∂/∂x`` is the recurrence ``-(D_n(v-1) + D_n(v+1)) / 2`` (plus
    the scaling's derivative for ``kve``).  The integrand is even in ``t``
    and entire, so the trapezoid rule converges geometrically: the step is
    chosen from ``hypot(x, |v| + n)`` (the width of the strip where the
    integrand stays bounded) and the range from where the integrand has
    fallen ``e^-45`` below its peak; relative accuracy about 1e-14 for
    ``x > 0`` (checked against mpmath from ``x = 1e-3`` to ``600`` and
    ``|v|`` up to 50).

``jv_dv``, ``yv_dv``, ``iv_dv``, ``ive_dv`` ``(v, x, n)``
    ``∂ⁿ/∂vⁿ`` of ``J_v``, ``Y_v``, ``I_v`` and ``e^(-x) I_v``, by Schläfli's
    integrals (differentiated under the integral: Gauss–Legendre on
    ``[0, π]`` with ``40 + 1.5 (x + |v|)`` nodes, and on ``[0, T]`` for the
    integral over ``t``), except where the function is much smaller than
    those integrals (``v > -1`` and ``x < max(v, 2)``: ``J_v``, ``I_v`` ~
    ``(x/2)^v / Γ(v+1)``), where it is the power series, each term
    ``exp(g_m(v))`` differentiated with the complete Bell polynomials of
    ``g_m``'s derivatives (polygamma values).  ``∂/∂x`` is the recurrence
    ``(D_n(v-1) ∓ D_n(v+1)) / 2``.  Measured against mpmath for ``v`` in
    [-4.3, 15], ``x`` in [1e-3, 30], ``n ≤ 3``: relative 3e-12 or better
    (away from zeros of the derivative itself, where the error is absolute,
    about 1e-16 of the function's scale).  ``x ≤ 0``: nan (the derivative in
    the order of ``J_v(x)`` for ``x < 0`` is not real; SciPy's own values
    there are nan except at integer orders).
"""

from __future__ import annotations

from math import comb, factorial

import numpy as np
from scipy import special

from .. import sparsity, taylor_trace
from ..batching import elementwise_batch
from ..core import Primitive, zero
from .arithmetic import add_tangents, where
from .nondiff import NONDIFF, sign
from .structural import broadcast_to, shape_of, unbroadcast
from .unary import UNARY, unary

__all__ = ["ORDER_FAMILIES", "zeta_ds", "riemann_zeta", "kv_dv", "kve_dv", "bessel_dv"]

#: The primitives of this module, by name.
ORDER_FAMILIES: dict = {}


def _u(name):
    return UNARY[name].bind


def _fit(t, out):
    sh = shape_of(out)
    return t if shape_of(t) == sh else broadcast_to(t, sh)


def _quiet(fn):
    """Run a NumPy kernel without floating-point warnings: where the function overflows or
    underflows its derivative is inf or 0 (or nan), as SciPy's value is."""

    def run(*args, **kwargs):
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)

    run.__name__ = run.__qualname__ = fn.__name__
    run.__doc__ = fn.__doc__
    return run


def family(name, impl, dx, dy):
    """A broadcasting binary primitive with parameters from its partials
    ``dx(x, y, out, **params)`` and ``dy(...)`` (written with primitives);
    Taylor mode from the jvp."""
    p = Primitive(name, impl)

    @p.def_jvp
    def jvp(primals, tangents, **params):
        x, y = primals
        tx, ty = tangents
        out = p.bind(x, y, **params)
        t = zero
        if tx is not zero:
            t = tx * dx(x, y, out, **params)
        if ty is not zero:
            t = add_tangents(t, ty * dy(x, y, out, **params))
        return out, (zero if t is zero else _fit(t, out))

    @p.def_vjp
    def vjp(ct, out, primals, wants, **params):
        x, y = primals
        return (
            unbroadcast(ct * dx(x, y, out, **params), shape_of(x)) if wants[0] else None,
            unbroadcast(ct * dy(x, y, out, **params), shape_of(y)) if wants[1] else None,
        )

    p.def_rule("batch", elementwise_batch(p))
    p.def_rule("taylor", taylor_trace.jvp_rule(p))
    p.def_rule("sparsity", sparsity.nonlinear_rule)
    ORDER_FAMILIES[name] = p
    return p


# --------------------------------------------------------------------------- Hurwitz zeta in s

_B2J = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798)  # B_2 ... B_18


@_quiet
def _zeta_k(s, q, k):
    """Z_k(s, q) by Euler–Maclaurin summation (NumPy)."""
    k = int(k)
    s, q = np.broadcast_arrays(np.asarray(s, dtype=float), np.asarray(q, dtype=float))
    if k == 0:
        return special.zeta(s, q)
    ok = np.isfinite(s) & (q > 0) & np.isfinite(q) & (s != 1.0)
    s = np.where(ok, s, 2.0)
    q = np.where(ok, q, 1.0)
    N = int(min(200, 10 + np.ceil(np.max(np.abs(s), initial=0.0))))
    u = np.arange(N).reshape((N,) + (1,) * s.ndim) + q
    L = -np.log(u)
    with np.errstate(under="ignore"):
        total = np.sum(L ** k * np.exp(s * L), axis=0)
        a = N + q
        La = -np.log(a)
        w = s - 1.0
        aw = np.exp(w * La)  # a^(1-s)
        # the tail's integral: the k-th s-derivative of a^(1-s) / (s - 1)
        total = total + sum(comb(k, j) * La ** (k - j) * aw * ((-1.0) ** j * factorial(j)) / w ** (j + 1)
                            for j in range(k + 1))
        total = total + 0.5 * np.exp(s * La) * La ** k
        c = [np.zeros_like(s) for _ in range(k)] + [np.ones_like(s)]  # P_0 = L^k
        for m in range(2 * len(_B2J) - 1):
            c = [-(s + m) * c[i] - ((i + 1) * c[i + 1] if i < k else 0.0) for i in range(k + 1)]
            if m % 2 == 0:  # P_{m+1}, of odd order 2j - 1
                j = m // 2 + 1
                pv = c[k]
                for i in range(k - 1, -1, -1):
                    pv = pv * La + c[i]
                total = total - (_B2J[j - 1] / factorial(2 * j)) * np.exp((s + m + 1) * La) * pv
    return np.where(ok, total, np.nan)[()]


def _zeta_ds_dq(s, q, out, k):
    r = -s * zeta_ds_p.bind(s + 1.0, q, k=k)
    return r if k == 0 else r - k * zeta_ds_p.bind(s + 1.0, q, k=k - 1)


zeta_ds_p = family("zeta_ds", _zeta_k, lambda s, q, out, k: zeta_ds_p.bind(s, q, k=k + 1), _zeta_ds_dq)


def zeta_ds(s, q, k=1):
    """``∂ᵏζ(s, q)/∂sᵏ`` (``k = 0``: SciPy's Hurwitz ``zeta``)."""
    return zeta_ds_p.bind(s, q, k=int(k))


_LOG_2PI = float(np.log(2.0 * np.pi))
_LOG_PI = float(np.log(np.pi))


def _riemann_zeta_d(x, y):
    # x >= 0: Z_1(x, 1) (Euler–Maclaurin is the continuation there); x < 0: the derivative of
    # ζ(x) = B(x) sin(πx/2) ζ(1 - x), B = 2^x π^(x-1) Γ(1-x) = exp(x log 2π - log π + gammaln(1 - x))
    neg = NONDIFF["less"].bind(x, 0.0)
    xp = where(neg, 2.0, x)
    xn = where(neg, x, -1.0)
    b = _u("exp")(xn * _LOG_2PI - _LOG_PI + _u("gammaln")(1.0 - xn))
    sn, cs = _u("sin")((0.5 * np.pi) * xn), _u("cos")((0.5 * np.pi) * xn)
    z1 = riemann_zeta_p.bind(1.0 - xn)
    dz1 = zeta_ds_p.bind(1.0 - xn, 1.0, k=1)
    reflected = b * (((0.5 * np.pi) * cs + sn * (_LOG_2PI - _u("digamma")(1.0 - xn))) * z1 - sn * dz1)
    return where(neg, reflected, zeta_ds_p.bind(xp, 1.0, k=1))


riemann_zeta_p = unary("riemann_zeta", lambda x: special.zeta(x), _riemann_zeta_d, reads="x")
ORDER_FAMILIES["riemann_zeta"] = UNARY.pop("riemann_zeta")  # (not a function of osculate.numpy)


def riemann_zeta(x):
    """``scipy.special.zeta(x)``: the Riemann zeta function, differentiable."""
    return riemann_zeta_p.bind(x)


# --------------------------------------------------------------------------- K_v in the order

_GRID = 256  # the coarse grid that finds the integrand's extent


@_quiet
def _kv_n(v, x, n, scaled):
    """∂ⁿK_v(x)/∂vⁿ (times eˣ when scaled) by the trapezoid rule (NumPy)."""
    n = int(n)
    v, x = np.broadcast_arrays(np.asarray(v, dtype=float), np.asarray(x, dtype=float))
    ok = (x > 0) & np.isfinite(x) & np.isfinite(v)
    av = np.where(ok, np.abs(v), 0.0)
    xs = np.where(ok, np.maximum(x, 1e-300), 1.0)  # (K_v is inf below that anyway)
    xe = np.hypot(xs, av + n)
    h = np.minimum(7.5 / (45.0 + 0.64 * xe), 0.66 / np.sqrt(xe))
    # the extent: the last point of a coarse grid where the exponent is within 45 of its peak
    T = np.arcsinh((av + n + 50.0) / xs) + 1.0
    tc = T[..., None] * np.linspace(0.0, 1.0, _GRID)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        phi = av[..., None] * tc - xs[..., None] * (np.cosh(tc) - 1.0) + (n * np.log(tc) if n else 0.0)
    above = phi > np.max(phi, axis=-1, keepdims=True) - 45.0
    last = _GRID - 1 - np.argmax(above[..., ::-1], axis=-1)
    tmax = T * np.minimum(last + 1, _GRID - 1) / (_GRID - 1)
    m = int(np.clip(np.ceil(np.max(tmax / h, initial=0.0)), 2, 20000))  # (20000: |v| ~ 1e5 at x ~ 1)
    step = tmax / m
    t = step[..., None] * np.arange(m + 1)
    with np.errstate(divide="ignore", under="ignore", over="ignore", invalid="ignore"):
        e = av[..., None] * t - xs[..., None] * (np.cosh(t) - 1.0) + (n * np.log(t) if n else 0.0)
        r = np.exp(-2.0 * av[..., None] * t)
        g = np.exp(e) * (0.5 * (1.0 + r) if n % 2 == 0 else np.sign(v)[..., None] * 0.5 * (1.0 - r))
    g[..., 0] *= 0.5
    out = step * np.sum(g, axis=-1)
    if not scaled:
        with np.errstate(under="ignore"):
            out = out * np.exp(-xs)
    return np.where(ok, out, np.where(x == 0, np.inf, np.nan))[()]


def _kv_dx(name, scaled):
    def d(v, x, out, n):
        p = ORDER_FAMILIES[name]
        r = -0.5 * (p.bind(v - 1.0, x, n=n) + p.bind(v + 1.0, x, n=n))
        return r + out if scaled else r

    return d


kv_dv_p = family("kv_dv", lambda v, x, n: _kv_n(v, x, n, False),
                 lambda v, x, out, n: kv_dv_p.bind(v, x, n=n + 1), _kv_dx("kv_dv", False))
kve_dv_p = family("kve_dv", lambda v, x, n: _kv_n(v, x, n, True),
                  lambda v, x, out, n: kve_dv_p.bind(v, x, n=n + 1), _kv_dx("kve_dv", True))


def kv_dv(v, x, n=1):
    """``∂ⁿK_v(x)/∂vⁿ``."""
    return kv_dv_p.bind(v, x, n=int(n))


def kve_dv(v, x, n=1):
    """``eˣ ∂ⁿK_v(x)/∂vⁿ``."""
    return kve_dv_p.bind(v, x, n=int(n))


# --------------------------------------------------------------------------- J_v, Y_v, I_v in the order

_GL_NODES: dict = {}


def _gauss_legendre(m):
    """Gauss–Legendre nodes and weights on [0, 1]."""
    if m not in _GL_NODES:
        t, w = np.polynomial.legendre.leggauss(m)
        _GL_NODES[m] = ((t + 1.0) / 2.0, w / 2.0)
    return _GL_NODES[m]


_PANEL = 48  # nodes per panel of the composite rule over θ


def _composite_gauss_legendre(m):
    """At least ``m`` nodes on [0, 1]: panels of 48 Gauss–Legendre nodes (the integrand over θ
    oscillates about (x + |v|) / 2 times; cost linear in that)."""
    panels = max(1, -(-m // _PANEL))
    u, w = _gauss_legendre(_PANEL)
    start = np.arange(panels)[:, None] / panels
    return (start + u / panels).ravel(), np.tile(w / panels, panels)


_T_NODES = 100  # Gauss–Legendre nodes of the integral over t


def _schlaefli(kind, v, x, n):
    """∂ⁿ/∂vⁿ of Schläfli's integrals (x > 0; ``kind`` "j", "y", or "i" scaled by e^-x):
    J_v = (1/π) ∫₀^π cos(vθ - x sin θ) dθ - (sin vπ / π) ∫₀^∞ e^(-x sinh t - vt) dt,
    Y_v = (1/π) ∫₀^π sin(x sin θ - vθ) dθ - (1/π) ∫₀^∞ (e^(vt) + e^(-vt) cos vπ) e^(-x sinh t) dt,
    I_v = (1/π) ∫₀^π e^(x cos θ) cos vθ dθ - (sin vπ / π) ∫₀^∞ e^(-x cosh t - vt) dt."""
    av = np.abs(v)
    u, w = _composite_gauss_legendre(int(40 + 1.5 * np.max(x + av, initial=0.0)))
    th = np.pi * u
    V, X = v[..., None], x[..., None]
    with np.errstate(under="ignore", over="ignore", invalid="ignore"):  # (inf or nan where the function overflows)
        if kind == "j":
            a = np.sum(w * th ** n * _cos_shift(V * th - X * np.sin(th), n), axis=-1)
        elif kind == "y":
            a = np.sum(w * (-th) ** n * _cos_shift(X * np.sin(th) - V * th, n - 1), axis=-1)
        else:
            a = np.sum(w * np.exp(X * (np.cos(th) - 1.0)) * th ** n * _cos_shift(V * th, n), axis=-1)
        # the integral over t, on [0, T] where its integrand has fallen e^-45 below its peak
        T = _extent(av, x, n, lambda t: np.cosh(t) if kind == "i" else np.sinh(t))
        u, w = _gauss_legendre(_T_NODES)
        t = T[..., None] * u
        wt = T[..., None] * w
        damp = np.exp(-X * (np.cosh(t) + 1.0)) if kind == "i" else np.exp(-X * np.sinh(t))
        # the v-derivatives of cos vπ e^(-vt) (y) or sin vπ e^(-vt) (sin = cos shifted by -π/2)
        off = 0 if kind == "y" else -1
        poly = sum(comb(n, j) * np.pi ** j * _cos_shift(V * np.pi, j + off) * (-t) ** (n - j) for j in range(n + 1))
        g = poly * np.exp(-V * t)
        if kind == "y":
            g = g + t ** n * np.exp(V * t)
        b = np.sum(wt * g * damp, axis=-1) / np.pi
    return a - b


def _cos_shift(a, k):
    """cos(a + kπ/2), exactly for the shift (no rounding of kπ/2: derivatives vanishing at v = 0
    stay 0 there)."""
    return (np.cos(a), -np.sin(a), -np.cos(a), np.sin(a))[k % 4]


def _extent(av, x, n, grow):
    T = np.arcsinh((av + n + 50.0) / x) + 1.0
    tc = T[..., None] * np.linspace(0.0, 1.0, _GRID)
    with np.errstate(divide="ignore", over="ignore"):
        phi = av[..., None] * tc - x[..., None] * grow(tc) + (n * np.log(tc) if n else 0.0)
    above = phi > np.max(phi, axis=-1, keepdims=True) - 45.0
    last = _GRID - 1 - np.argmax(above[..., ::-1], axis=-1)
    return T * np.minimum(last + 1, _GRID - 1) / (_GRID - 1)


def _power_series(kind, v, x, n):
    """∂ⁿ/∂vⁿ of Σ_m (∓1)^m (x/2)^(2m+v) / (m! Γ(m+v+1)) (v > -1; "i" scaled by e^-x): each
    term is exp(g_m(v)), whose derivatives are the complete Bell polynomials of g_m', g_m'', ...
    (g_m' = log(x/2) - ψ(m+v+1), g_m^(j) = -ψ^(j-1)(m+v+1))."""
    terms = int(40 + np.ceil(np.max(x, initial=0.0)))
    m = np.arange(terms).reshape((terms,) + (1,) * v.ndim)
    lx = np.log(x / 2.0)
    g = (2 * m + v) * lx - special.gammaln(m + v + 1.0) - special.gammaln(m + 1.0) - (x if kind == "i" else 0.0)
    dg = [lx - special.digamma(m + v + 1.0)] + [-special.polygamma(j, m + v + 1.0) for j in range(1, n)]
    bell = [np.ones_like(g)]
    for k in range(n):
        bell.append(sum(comb(k, i) * bell[k - i] * dg[i] for i in range(k + 1)))
    sign = (-1.0) ** m if kind == "j" else 1.0
    with np.errstate(under="ignore", over="ignore", invalid="ignore"):
        return np.sum(sign * np.exp(g) * bell[n], axis=0)


@_quiet
def _bessel_n(kind, v, x, n):
    """∂ⁿZ_v(x)/∂vⁿ for Z = J, Y, I or e^(-x) I (``kind`` "j", "y", "i", "ie"); x > 0."""
    n = int(n)
    v, x = np.broadcast_arrays(np.asarray(v, dtype=float), np.asarray(x, dtype=float))
    ok = (x > 0) & np.isfinite(x) & np.isfinite(v)
    vs, xs = np.where(ok, v, 0.0), np.where(ok, x, 1.0)
    base = "i" if kind == "ie" else kind
    out = _schlaefli(base, vs, xs, n)
    if base != "y":  # where the function is much smaller than the integrals (v ≫ x): the power series
        small = ok & (v > -1.0) & (x < np.maximum(v, 2.0))
        if np.any(small):
            out = np.where(small, _power_series(base, np.where(small, v, 0.0), np.where(small, x, 1.0), n), out)
    if kind == "i":
        with np.errstate(over="ignore"):
            out = out * np.exp(xs)
    return np.where(ok, out, np.nan)[()]


def _recurrence_dx(name, sign_, scaled=False):
    # ∂x ∂vⁿ Z_v = (∂vⁿ Z_{v-1} ∓ ∂vⁿ Z_{v+1}) / 2 (minus the scaling's derivative for ive)
    def d(v, x, out, n):
        p = ORDER_FAMILIES[name]
        r = 0.5 * (p.bind(v - 1.0, x, n=n) + sign_ * p.bind(v + 1.0, x, n=n))
        return r - sign(x) * out if scaled else r

    return d


for _name, _kind, _sign, _scaled in [("jv_dv", "j", -1.0, False), ("yv_dv", "y", -1.0, False),
                                     ("iv_dv", "i", 1.0, False), ("ive_dv", "ie", 1.0, True)]:
    family(_name, lambda v, x, n, kind=_kind: _bessel_n(kind, v, x, n),
           lambda v, x, out, n, name=_name: ORDER_FAMILIES[name].bind(v, x, n=n + 1),
           _recurrence_dx(_name, _sign, _scaled))
jv_dv_p, yv_dv_p, iv_dv_p, ive_dv_p = (ORDER_FAMILIES[k] for k in ("jv_dv", "yv_dv", "iv_dv", "ive_dv"))


def bessel_dv(name, v, x, n=1):
    """``∂ⁿ/∂vⁿ`` of ``scipy.special.<name>(v, x)`` for name in jv, yv, iv, ive, kv, kve."""
    return ORDER_FAMILIES[name + "_dv"].bind(v, x, n=int(n))
