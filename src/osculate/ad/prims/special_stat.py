"""The statistical functions of ``scipy.special`` that invert a distribution
function in one of its parameters, the Kolmogorov–Smirnov distributions, the
noncentral chi-square and F distributions and Tukey's lambda distribution, as
primitives.

Every function's value is SciPy's own; its derivatives are written with
primitives (so every order and every nesting works), from these rules:

* The inverses in a parameter (SciPy's ``cdflib`` searches): ``gdtria``,
  ``gdtrib`` (``gdtr(a, b, x) = P(b, a x)``), ``chdtriv`` (``chdtr(v, x) =
  P(v/2, x/2)``), ``pdtrik`` (``pdtr`` continuous in ``k``: ``Q(k + 1, m)``),
  ``stdtridf`` (``stdtr``), ``fdtridfd`` (``fdtr``), ``btdtria``, ``btdtrib``
  (``betainc``), ``bdtrik``, ``bdtrin`` (``bdtr`` continuous in ``k`` and ``n``:
  ``I_(1-p)(n - k, k + 1)``), ``nbdtrik``, ``nbdtrin`` (``nbdtr`` continuous:
  ``I_p(n, k + 1)``), ``nrdtrimn``, ``nrdtrisd`` (``ndtr((x - mn) / sd)``).
  Each solves ``F(…, θ, …) = p`` for ``θ``; by the implicit function theorem
  ``∂θ/∂p = 1 / ∂θF`` and ``∂θ/∂u = -∂uF / ∂θF`` for the other arguments, the
  partials of ``F`` (:mod:`.incomplete`: the incomplete gamma and beta
  functions in every argument) taken at SciPy's output, itself differentiable,
  so every order follows.  The inverse takes ``p`` in the position of the
  parameter it returns (``gdtria(p, b, x)``, ``gdtrib(a, p, x)``…).  Where
  SciPy's value is nan the derivatives are nan; where SciPy returns one of its
  search bounds because there is no solution (``stdtridf(0.1, -1.2)`` is
  ``1e10``, ``pdtrik`` ``0``), the value stays put as the arguments move, and
  the derivatives are 0.
* ``kolmogorov(y) = 2 Σ_(k≥1) (-1)^(k-1) e^(-2k²y²)`` and its derivatives, a
  family of primitives ``kolmogorov_d(y; n)``: for ``y ≥ 1`` that series, below
  its theta-transformed form ``1 - √(2π)/y Σ_(k≥1) e^(-(2k-1)²π²/(8y²))``, each
  run in truncated Taylor arithmetic in ``y`` (:mod:`.jets`; 12 terms, far
  beyond double precision on both sides).  For ``y ≤ 0.03`` (and ``y ≤ 0``,
  where SciPy's value is 1) the derivatives are 0 (they are below 1e-300).
  ``kolmogi(p)`` (the inverse): ``1 / kolmogorov'(y)`` at the output.
* ``smirnov(n, d)``, the one-sided statistic's survival function, by
  Birnbaum and Tingey's finite sum ``Σ_(j ≤ n(1-d)) C(n, j) d (d + j/n)^(j-1)
  (1 - d - j/n)^(n-j)``: its ``k``-th derivative in ``d`` is the family
  ``smirnov_d(n, d; k)``, the sum of the terms' Taylor coefficients (each a
  product of three binomial expansions, formed in logarithms: no overflow of
  ``C(n, j)``).  ``n`` is an integer constant.  ``smirnovi(n, p)``: ``1 /
  ∂d smirnov`` at the output.  The terms of the derivatives have both signs:
  measured against mpmath up to ``n = 200``, the first and second derivatives
  hold to about 1e-13 relative, the third to 1e-10 (near its zeros).
* ``chndtr(x, df, nc)``, the noncentral chi-square distribution function, the
  Poisson mixture ``F = Σⱼ wⱼ P(df/2 + j, x/2)``, ``wⱼ = e^(-nc/2) (nc/2)ʲ / j!``:
  ``∂x F = f(x; df, nc)`` (the density, ``scipy.stats.ncx2.pdf``), ``∂nc F =
  -f(x; df + 2, nc)`` (from ``∂wⱼ = (wⱼ₋₁ - wⱼ)/2`` and ``P(A, y) - P(A+1, y) =
  y^A e^(-y) / Γ(A+1)``), ``∂x f(x; df) = (f(x; df - 2) - f(x; df)) / 2``,
  ``∂nc f(x; df) = (f(x; df + 2) - f(x; df)) / 2``; in ``df`` the families
  ``chndtr_dk`` (``∂ᵃF/∂dfᵃ``) and ``chndtr_pdf`` (``∂ᵃf/∂dfᵃ``, ``a ≥ 0``), the
  Poisson-weighted sums of ``gammainc_da``'s numbers and of the gamma density's
  derivatives in its shape (the weights within 12 standard deviations and a
  margin, about ``e^(-70)`` of the largest).  The density's family at
  ``df - 2``, ``df - 4``… (reached by its derivatives in ``x``) is the formula's
  analytic continuation in ``df`` (``1/Γ`` entire).  Its inverses ``chndtrix``,
  ``chndtridf``, ``chndtrinc`` by the implicit function theorem, as above.
  Measured against mpmath: gradients 1e-14, Hessians 3e-14 relative.  For ``x ≤
  0`` the derivatives are 0.
* ``ncfdtr(dfn, dfd, nc, f)``, the noncentral F distribution function, ``H(dfn/2,
  dfd/2, W, nc)`` with ``W = dfn f / (dfd + dfn f)`` and ``H(A, B, W, λ) = Σⱼ
  wⱼ(λ) I_W(A + j, B)``: the family ``ncf_h(A, B, W, λ; ja, lb, mw, d)`` of its
  partial derivatives closes under differentiation (each partial raises an
  index); its numbers are Poisson-weighted sums of ``betainc``'s derivatives
  in ``A`` and ``B`` and, in ``W``, of the beta density's (Taylor arithmetic in
  ``(A, B, W)`` on its logarithm), the weights' derivatives in ``λ`` exact
  (``∂λᵈ wⱼ = 2⁻ᵈ Σᵢ C(d, i) (-1)^(d-i) wⱼ₋ᵢ``; past the median they weigh
  ``-betaincc``, so the upper tail keeps its relative accuracy).  The chain
  rule through ``W`` is written with primitives.  Its inverse ``ncfdtri`` in
  ``f`` by the implicit function theorem (the inverses in ``dfd``, ``dfn`` and
  ``nc``, whose SciPy values solve cdflib's own equation, good to about 1e-4,
  are in :mod:`.special_more`).  Measured against mpmath: gradients and
  Hessians to 3e-14 relative.
* ``tklmbda(x, λ)``, the Tukey-lambda distribution function: ``p`` solves
  ``Q(p) = x``, ``Q(p) = (p^λ - (1-p)^λ) / λ`` (``log(p / (1-p))`` at ``λ =
  0``), so ``∂x p = 1 / Q'(p)``, ``Q'(p) = p^(λ-1) + (1-p)^(λ-1)``, and ``∂λ p =
  -∂λQ / Q'``; ``∂λQ = (λ (p^λ log p - (1-p)^λ log(1-p)) - (p^λ - (1-p)^λ)) /
  λ²`` cancels for small ``λ log p``, where it is the series ``Σ_(m≥1) m
  λ^(m-1) (log^(m+1) p - log^(m+1)(1-p)) / (m+1)!``.  Outside the support (``p``
  0 or 1, for ``λ > 0``) the derivatives are 0.  For ``|λ| < 1e-4`` SciPy's
  value is the logistic one (``λ = 0``); the derivatives are still the exact
  function's, continuous through ``λ = 0``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from .arithmetic import stop_gradient, where
from .incomplete import (_betainc_d_partials, _chdtr_partials, _fdtr_partials, _gamma_density_da,
                         _gdtr_partials, _stdtr_partials, betainc_d_p, gammainc_da_p)
from .jets import constant_argument as _constant
from .jets import elementwise, jexp, jmul, jrecip
from .jets import reads_output as _reads_output
from .nondiff import NONDIFF, equal, greater
from .unary import UNARY

__all__ = ["STAT_FUNCTIONS", "INVERSES", "kolmogorov_d", "smirnov_d", "chndtr_pdf"]

#: name -> the osculate function with SciPy's signature (registered for
#: ``__array_ufunc__`` dispatch by :mod:`osculate.ad.numpy_dispatch` and
#: exported by :mod:`osculate.scipy.special`).
STAT_FUNCTIONS: dict = {}

#: The inverses in a parameter: name -> primitive.
INVERSES: dict = {}

_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _u(name):
    return UNARY[name].bind




# =========================================================================== the forward functions' partials
# Each is ∂F/∂(argument i) at args, written with primitives, F the distribution function (continuous
# in every argument, as SciPy's cdflib inverts it).


def _gdtr(i, args):  # gdtr(a, b, x) = P(b, a x)
    return _gdtr_partials(1.0)(i, args, None)


def _chdtr(i, args):  # chdtr(v, x) = P(v/2, x/2)
    return _chdtr_partials(1.0)(i, args, None)


def _stdtr(i, args):
    return _stdtr_partials(i, args, None)


def _fdtr(i, args):
    return _fdtr_partials(1.0)(i, args, None)


def _btdtr(i, args):  # betainc(a, b, x)
    return _betainc_d_partials(i, args, None)


def _pdtr(i, args):  # Q(k + 1, m), k continuous
    k, m = args
    if i == 0:
        return -gammainc_da_p.bind(k + 1.0, m, k=1)
    return -_gamma_density_da(k + 1.0, m, 0)


def _bdtr(i, args):  # I_(1-p)(n - k, k + 1), k and n continuous
    k, n, p = args
    b = (n - k, k + 1.0, 1.0 - p)
    if i == 0:
        return _betainc_d_partials(1, b, None) - _betainc_d_partials(0, b, None)
    if i == 1:
        return _betainc_d_partials(0, b, None)
    return -_betainc_d_partials(2, b, None)


def _nbdtr(i, args):  # I_p(n, k + 1), k and n continuous
    k, n, p = args
    return _betainc_d_partials((1, 0, 2)[i], (n, k + 1.0, p), None)


def _ndtr_location_scale(i, args):  # ndtr((x - mn) / sd)
    mn, sd, x = args
    z = (x - mn) / sd
    density = _INV_SQRT_2PI * _u("exp")(-0.5 * (z * z)) / sd
    return (-density, -density * z, density)[i]


_NO_BOUNDS = ("nrdtrimn",)  # (a location: 0 is a value like any other)
#: A value inside the domain of the solved-for argument, standing in for a search bound (default 1):
#: bdtrik's k within [0, n], bdtrin's n above k.
_STAND_IN = {"bdtrik": lambda args: 0.5 * args[1], "bdtrin": lambda args: args[0] + 1.0}


def _search_bound(out):
    """Where ``out`` is one of the bounds SciPy's inverses return when there is no solution (0 or ±1e-100
    below, 1e10 or ±1e100 above)."""
    size = UNARY["abs"].bind(out)
    either = NONDIFF["logical_or"].bind
    return either(NONDIFF["less"].bind(size, 1e-99), either(equal(size, 1e10), greater(size, 1e99)))


def _inverse(name, forward, at):
    """The inverse ``name`` of the function with partials ``forward(i, args)`` in its argument
    ``at`` (the inverse takes ``p`` in that position and returns that argument)."""

    def partials(i, args, out):
        # where the equation has no solution SciPy returns a bound of its search (0 for a count,
        # 1e10, ±1e100 or 1e-100 for a parameter), which stays put as the arguments move: derivative 0
        # (the partials are evaluated at a harmless stand-in there, so no nan leaks into higher orders)
        bound = None if name in _NO_BOUNDS else _search_bound(out)
        theta = out if bound is None else where(bound, _STAND_IN.get(name, lambda args: 1.0)(args), out)
        fargs = tuple(args[:at]) + (theta,) + tuple(args[at + 1:])
        dtheta = forward(at, fargs)
        d = 1.0 / dtheta if i == at else -forward(i, fargs) / dtheta
        d = d + 0.0 * stop_gradient(out)  # nan where SciPy's value is (off the domain)
        return d if bound is None else where(bound, 0.0, d)

    INVERSES[name] = p = _reads_output(elementwise(name, getattr(special, name), partials))
    return p


for _name, _forward, _at in (
    ("gdtria", _gdtr, 0), ("gdtrib", _gdtr, 1), ("chdtriv", _chdtr, 0), ("pdtrik", _pdtr, 0),
    ("stdtridf", _stdtr, 0), ("fdtridfd", _fdtr, 1), ("btdtria", _btdtr, 0), ("btdtrib", _btdtr, 1),
    ("bdtrik", _bdtr, 0), ("bdtrin", _bdtr, 1), ("nbdtrik", _nbdtr, 0), ("nbdtrin", _nbdtr, 1),
    ("nrdtrimn", _ndtr_location_scale, 0), ("nrdtrisd", _ndtr_location_scale, 1),
):
    if hasattr(special, _name):  # (btdtria and btdtrib are gone from recent SciPy releases)
        _inverse(_name, _forward, _at)


# =========================================================================== kolmogorov and kolmogi

_KS_TERMS = 12
_KS_SWITCH = 1.0  # y from which the alternating series, below it the theta-transformed one
_KS_FLAT = 0.03  # y up to which every derivative is 0 (below 1e-300)
_KS_ZERO = 40.0  # y from which every derivative is 0 (e^(-3200))
_THETA = [(2 * k - 1) ** 2 * math.pi ** 2 / 8.0 for k in range(1, _KS_TERMS + 1)]


def _variable(y, n):
    """The jet ``y + ε`` truncated after ``εⁿ`` (one variable: shape ``(n + 1,) + y.shape``)."""
    jet = np.zeros((n + 1,) + y.shape)
    jet[0] = y
    if n:
        jet[1] = 1.0
    return jet


def _kolmogorov_impl(y, n):
    """The ``n``-th derivative of ``kolmogorov`` at ``y`` (plain NumPy)."""
    y = np.asarray(y, dtype=float)
    shape = y.shape
    y = y.ravel()
    out = np.full(y.shape, np.nan)
    out[(y <= _KS_FLAT) | (y >= _KS_ZERO)] = 0.0
    big = (y >= _KS_SWITCH) & (y < _KS_ZERO)
    small = (y > _KS_FLAT) & (y < _KS_SWITCH)
    with np.errstate(under="ignore"):
        if big.any():
            Y = _variable(y[big], n)
            Y2 = jmul(Y, Y, 1)
            total = np.zeros_like(Y)
            for k in range(1, _KS_TERMS + 1):
                total = total + (2.0 * (-1.0) ** (k - 1)) * jexp(-2.0 * k * k * Y2, 1)
            out[big] = total[n] * math.factorial(n)
        if small.any():
            R = jrecip(_variable(y[small], n), 1)
            R2 = jmul(R, R, 1)
            total = np.zeros_like(R)
            for a in _THETA:
                total = total + jexp(-a * R2, 1)
            total = -math.sqrt(2.0 * math.pi) * jmul(R, total, 1)
            out[small] = total[n] * math.factorial(n) + (1.0 if n == 0 else 0.0)
    return out.reshape(shape)[()]


kolmogorov_d_p = elementwise("kolmogorov_d", _kolmogorov_impl,
                             lambda i, args, out, n: kolmogorov_d_p.bind(args[0], n=n + 1))
kolmogorov_p = elementwise("kolmogorov", special.kolmogorov, lambda i, args, out: kolmogorov_d_p.bind(args[0], n=1))
# kolmogi(p) = y with kolmogorov(y) = p: dy/dp = 1 / kolmogorov'(y)
kolmogi_p = _reads_output(elementwise(
    "kolmogi", special.kolmogi, lambda i, args, out: 1.0 / kolmogorov_d_p.bind(out, n=1) + 0.0 * stop_gradient(out)))


def kolmogorov_d(y, n=1):
    """The ``n``-th derivative of ``scipy.special.kolmogorov`` at ``y``, itself differentiable.

    >>> import numpy as np
    >>> bool(np.isclose(kolmogorov_d(1.0, 1), -8.0 * sum((-1) ** (k - 1) * k * k * np.exp(-2.0 * k * k)
    ...                                                   for k in range(1, 20))))
    True
    """
    return kolmogorov_d_p.bind(y, n=int(n))


# =========================================================================== smirnov and smirnovi


def _binomial_coefficients(m, order):
    """``binom(m, i)`` for ``i ≤ order`` (``m`` an array of integers ≥ -1)."""
    out = [np.ones_like(m, dtype=float)]
    for i in range(1, order + 1):
        out.append(out[-1] * (m - (i - 1)) / i)
    return out


def _smirnov_group(n, d, k):
    """``∂ᵏ/∂dᵏ smirnov(n, d)`` for one integer ``n ≥ 1`` and ``0 ≤ d ≤ 1`` (1-d ``d``): the sum of
    the Taylor coefficients of the terms ``C(n, j) d (d + j/n)^(j-1) (1 - d - j/n)^(n-j)``."""
    j = np.arange(n + 1, dtype=float)[:, None]
    dd = d[None, :]
    c1 = 1.0 - dd - j / n  # > 0 on the terms summed
    c2 = dd + j / n  # > 0 for j ≥ 1
    # at a breakpoint d = 1 - j/n the term j (c1 = 0) is left out: the derivatives there are those from
    # the right (at d = 1, where only the term j = 0 is left, from the left)
    keep = (j <= np.floor(n * (1.0 - dd))) & ((c1 > 0.0) | (j == 0))
    m1, m2 = n - j, j - 1.0
    logc = special.gammaln(n + 1.0) - special.gammaln(j + 1.0) - special.gammaln(n - j + 1.0)
    b1, b2 = _binomial_coefficients(m1, k), _binomial_coefficients(m2, k)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        l1 = np.log(np.where(keep, c1, 1.0))
        l2 = np.log(np.where(j >= 1, c2, 1.0))
        total = np.zeros(d.shape)
        # the j = 0 term is (1 - d)^n (its factor d (d + 0)^(-1) is 1)
        # the others: [d + ε] (c2 + ε)^m2 (c1 - ε)^m1 C(n, j), coefficient of εᵏ
        for i1 in range(k + 1):
            e1 = m1 - i1
            f1 = b1[i1] * (-1.0) ** i1
            log1 = np.where(e1 == 0, 0.0, e1 * l1)
            for i2 in range(k + 1 - i1):
                i3 = k - i1 - i2
                if i3 > 1:
                    continue
                e2 = m2 - i2
                log2 = np.where((e2 == 0) | (j == 0), 0.0, e2 * l2)
                size = np.exp(logc + log1 + log2)
                f2 = np.where(j == 0, 1.0 if i2 == 0 else 0.0, b2[i2])
                f3 = np.where(j == 0, 1.0 if i3 == 0 else 0.0, dd if i3 == 0 else 1.0)
                term = np.where(keep & (f1 != 0) & (f2 != 0) & (f3 != 0), f1 * f2 * f3 * size, 0.0)
                total = total + term.sum(axis=0)
    return total * math.factorial(k)


def _smirnov_impl(n, d, k):
    """``∂ᵏ/∂dᵏ smirnov(n, d)`` (plain NumPy), ``k ≥ 1``; nan where SciPy's value is."""
    n, d = np.broadcast_arrays(np.asarray(n), np.asarray(d, dtype=float))
    shape = d.shape
    with np.errstate(invalid="ignore"):
        nn = np.trunc(np.asarray(n, dtype=float)).ravel()
    d = d.ravel()
    out = np.full(d.shape, np.nan)
    ok = np.isfinite(nn) & (nn >= 1) & (d >= 0.0) & (d <= 1.0)
    for value in np.unique(nn[ok]):
        sel = ok & (nn == value)
        out[sel] = _smirnov_group(int(value), d[sel], k)
    return out.reshape(shape)[()]


def _smirnov_partials(i, args, out, k=0):
    if i == 0:
        _constant("smirnov(n, d)", "n (an integer)")()
    return smirnov_d_p.bind(*args, k=k + 1)


smirnov_d_p = elementwise("smirnov_d", _smirnov_impl, _smirnov_partials)
smirnov_p = elementwise("smirnov", special.smirnov, _smirnov_partials)


def _smirnovi_partials(i, args, out):
    if i == 0:
        _constant("smirnovi(n, p)", "n (an integer)")()
    return 1.0 / smirnov_d_p.bind(args[0], out, k=1) + 0.0 * stop_gradient(out)


smirnovi_p = _reads_output(elementwise("smirnovi", special.smirnovi, _smirnovi_partials))


def smirnov_d(n, d, k=1):
    """The ``k``-th derivative of ``scipy.special.smirnov(n, d)`` in ``d`` (``k ≥ 1``, ``n`` an
    integer), itself differentiable in ``d``.

    >>> float(smirnov_d(1, 0.25, 1))  # smirnov(1, d) = 1 - d
    -1.0
    """
    return smirnov_d_p.bind(n, d, k=int(k))


# =========================================================================== tklmbda

_TK_SERIES = 0.5  # |λ| max(|log p|, |log(1-p)|) below which ∂λQ is its series
_TK_TERMS = 24


def _tklmbda_partials(i, args, out):
    x, lam = args
    inside = NONDIFF["logical_and"].bind(greater(out, 0.0), NONDIFF["less"].bind(out, 1.0))
    p = where(inside, out, 0.5)
    l1, l2 = _u("log")(p), _u("log1p")(-p)
    slope = _u("exp")((lam - 1.0) * l1) + _u("exp")((lam - 1.0) * l2)  # Q'(p)
    if i == 0:
        return where(inside, 1.0 / slope, 0.0)
    a1, a2 = _u("abs")(stop_gradient(l1)), _u("abs")(stop_gradient(l2))
    size = _u("abs")(stop_gradient(lam)) * where(greater(a1, a2), a1, a2)
    small = NONDIFF["less"].bind(size, _TK_SERIES)
    # the series Σ_(m≥1) m λ^(m-1) (l1^(m+1) - l2^(m+1)) / (m+1)!
    lam_small = where(small, lam, 0.0)
    series, power = 0.0, 1.0
    p1, p2 = l1 * l1, l2 * l2
    for m in range(1, _TK_TERMS + 1):
        series = series + (m / math.factorial(m + 1)) * power * (p1 - p2)
        power = power * lam_small
        p1, p2 = p1 * l1, p2 * l2
    lam_big = where(small, 1.0, lam)
    a, b = _u("exp")(lam_big * l1), _u("exp")(lam_big * l2)
    closed = (lam_big * (a * l1 - b * l2) - (a - b)) / (lam_big * lam_big)
    dq = where(small, series, closed)
    return where(inside, -dq / slope, 0.0)


tklmbda_p = _reads_output(elementwise("tklmbda", special.tklmbda, _tklmbda_partials))


# =========================================================================== the noncentral chi-square distribution
# F(x; k, λ) = Σⱼ wⱼ P(k/2 + j, x/2), f(x; k, λ) = Σⱼ wⱼ g(k/2 + j, x/2) / 2 (the density), with the
# Poisson weights wⱼ = e^(-λ/2) (λ/2)ʲ / j! and g(A, y) = y^(A-1) e^(-y) / Γ(A).  Since ∂λ wⱼ = (wⱼ₋₁ - wⱼ) / 2
# and P(A, y) - P(A + 1, y) = y^A e^(-y) / Γ(A + 1):  ∂x F = f(x; k, λ),  ∂λ F = -f(x; k + 2, λ),
# ∂x f(x; k, λ) = (f(x; k - 2, λ) - f(x; k, λ)) / 2 (the same for every k as an analytic function of k),
# ∂λ f(x; k, λ) = (f(x; k + 2, λ) - f(x; k, λ)) / 2.  In k: the families ∂ₖᵃF and ∂ₖᵃf (a ≥ 1), the
# Poisson-weighted sums of ∂ᵃP/∂Aᵃ (gammainc_da's numbers) and of ∂ᵃg/∂Aᵃ, times 2⁻ᵃ.

_POISSON_WIDTH = 12.0  # standard deviations of the Poisson weights kept on each side (and a margin)


def _poisson(half):
    """The indices ``j`` (shape ``(J, m)``) and weights ``e^(-h) hʲ / j!`` covering every weight above
    about ``e^(-70)`` of the largest, for the means ``h = λ / 2`` (1-d, ``h ≥ 0``)."""
    spread = _POISSON_WIDTH * np.sqrt(half) + 10.0
    start = np.maximum(np.floor(half - spread), 0.0)
    count = int(np.max(np.ceil(half + spread + 20.0) - start, initial=1.0))
    j = start[None, :] + np.arange(count, dtype=float)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        logw = -half + j * np.log(half) - special.gammaln(j + 1.0)
        w = np.where(half == 0.0, (j == 0.0).astype(float), np.exp(logw))
    return j, w


def _gamma_density_da_numbers(A, y, a):
    """``∂ᵃ/∂Aᵃ [y^(A-1) e^(-y) / Γ(A)]`` (NumPy), for any real ``A`` (``1/Γ`` is entire): ``1/Γ(A) =
    A (A+1) … (A+m-1) / Γ(A+m)`` with ``A + m > 0``, the exponential of the jet of the logarithm of the
    rest times the jet of the polynomial."""
    m = int(max(0.0, math.ceil(-float(np.min(A, initial=1.0))))) + 1
    L = np.zeros((a + 1,) + A.shape)
    L[0] = (A - 1.0) * np.log(y) - y - special.gammaln(A + m)
    if a >= 1:
        L[1] = np.log(y) - special.digamma(A + m)
    for n in range(2, a + 1):
        L[n] = -special.polygamma(n - 1, A + m) / math.factorial(n)
    out = jexp(L, 1)
    for i in range(m):
        factor = np.zeros_like(L)
        factor[0] = A + i
        if a >= 1:
            factor[1] = 1.0
        out = jmul(out, factor, 1)
    return out[a] * math.factorial(a)


def _chndtr_family(kind):
    """``∂ₖᵃF`` (``kind`` "cdf", ``a ≥ 1``) or ``∂ₖᵃf`` (``kind`` "pdf", ``a ≥ 0``) at ``(x, k, λ)``."""

    def impl(x, k, nc, a):
        x, k, nc = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, k, nc)))
        shape = x.shape
        x, k, nc = x.ravel(), k.ravel(), nc.ravel()
        out = np.full(x.shape, np.nan)
        # (the density's family is also called at k - 2, k - 4… by its own derivative in x: there it is the
        # formula's analytic continuation in k, finite for every k)
        ok = np.isfinite(x) & np.isfinite(k) & np.isfinite(nc) & (nc >= 0) & ((k > 0) | (kind == "pdf"))
        out[ok & (x <= 0)] = 0.0
        inside = ok & (x > 0)
        if inside.any():
            j, w = _poisson(0.5 * nc[inside])
            A = 0.5 * k[inside][None, :] + j
            y = np.broadcast_to(0.5 * x[inside][None, :], A.shape)
            with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
                if kind == "cdf":
                    terms = gammainc_da_p.impl(A, np.ascontiguousarray(y), k=a)
                else:
                    terms = 0.5 * _gamma_density_da_numbers(A, y, a)
                out[inside] = np.sum(np.where(w > 0, w * terms, 0.0), axis=0) * 0.5 ** a
        return out.reshape(shape)[()]

    return impl


def _chndtr_pdf_partials(i, args, out, a):
    x, k, nc = args
    if i == 0:
        return 0.5 * (chndtr_pdf_p.bind(x, k - 2.0, nc, a=a) - chndtr_pdf_p.bind(x, k, nc, a=a))
    if i == 1:
        return chndtr_pdf_p.bind(x, k, nc, a=a + 1)
    return 0.5 * (chndtr_pdf_p.bind(x, k + 2.0, nc, a=a) - chndtr_pdf_p.bind(x, k, nc, a=a))


def _chndtr_partials(i, args, out, a=0):
    x, k, nc = args
    if i == 0:
        return chndtr_pdf_p.bind(x, k, nc, a=a)
    if i == 1:
        return chndtr_dk_p.bind(x, k, nc, a=a + 1)
    return -chndtr_pdf_p.bind(x, k + 2.0, nc, a=a)


chndtr_pdf_p = elementwise("chndtr_pdf", _chndtr_family("pdf"), _chndtr_pdf_partials)
chndtr_dk_p = elementwise("chndtr_dk", _chndtr_family("cdf"), _chndtr_partials)
chndtr_p = elementwise("chndtr", special.chndtr, _chndtr_partials)


def _chndtr_forward(i, args):
    return _chndtr_partials(i, args, None)


for _name, _at in (("chndtrix", 0), ("chndtridf", 1), ("chndtrinc", 2)):
    _inverse(_name, _chndtr_forward, _at)


def chndtr_pdf(x, df, nc, a=0):
    """The density of the noncentral chi-square distribution (``a = 0``) or its ``a``-th derivative in
    ``df``, differentiable in every argument.

    >>> import numpy as np
    >>> from scipy import stats
    >>> bool(np.isclose(chndtr_pdf(2.0, 3.0, 1.5), stats.ncx2.pdf(2.0, 3.0, 1.5), rtol=1e-13))
    True
    """
    return chndtr_pdf_p.bind(x, df, nc, a=int(a))


# =========================================================================== the noncentral F distribution
# ncfdtr(dfn, dfd, nc, f) = H(dfn/2, dfd/2, W, nc) with W = dfn f / (dfd + dfn f) and the Poisson mixture
# H(A, B, W, λ) = Σⱼ wⱼ(λ) I_W(A + j, B).  The family ncf_h(A, B, W, λ; ja, lb, mw, d) = ∂A^ja ∂B^lb ∂W^mw ∂λ^d H
# closes under differentiation (each partial raises one index); its numbers are Poisson-weighted sums
# (∂λᵈ wⱼ = 2⁻ᵈ Σᵢ C(d, i) (-1)^(d-i) wⱼ₋ᵢ) of betainc's derivatives in A and B (:mod:`.incomplete`) and, for
# mw ≥ 1, of the beta density's derivatives, by Taylor arithmetic in (A, B, W) on its logarithm.  Where a
# λ-derivative weighs betainc itself and the distribution is past 1/2, the weights (which sum to 0) weigh
# -betaincc instead: no cancellation against 1 in the upper tail.


def _beta_density_numbers(A, B, W, ja, lb, m):
    """``∂A^ja ∂B^lb ∂W^m [W^(A-1) (1-W)^(B-1) / B(A, B)]`` (NumPy; ``0 < W < 1``)."""
    dims = (ja + 1, lb + 1, m + 1)
    L = np.zeros(dims + A.shape)
    lw, l1w = np.log(W), np.log1p(-W)
    L[0, 0, 0] = (A - 1.0) * lw + (B - 1.0) * l1w - special.betaln(A, B)
    if ja >= 1:
        L[1, 0, 0] += lw
    if lb >= 1:
        L[0, 1, 0] += l1w
    for p in range(ja + 1):
        for q in range(lb + 1):
            if p + q == 0:
                continue
            d = -_psi_numbers(p + q - 1, A + B)
            if q == 0:
                d = d + _psi_numbers(p - 1, A)
            if p == 0:
                d = d + _psi_numbers(q - 1, B)
            L[p, q, 0] -= d / (math.factorial(p) * math.factorial(q))
    for k in range(1, m + 1):  # log W and log(1 - W) about W: (-1)^(k+1) εᵏ / (k Wᵏ), -εᵏ / (k (1-W)ᵏ)
        up, down = (-1.0) ** (k + 1) / (k * W ** k), -1.0 / (k * (1.0 - W) ** k)
        L[0, 0, k] = (A - 1.0) * up + (B - 1.0) * down
        if ja >= 1:
            L[1, 0, k] = up
        if lb >= 1:
            L[0, 1, k] = down
    return jexp(L, 3)[ja, lb, m] * (math.factorial(ja) * math.factorial(lb) * math.factorial(m))


def _psi_numbers(n, z):
    return special.digamma(z) if n == 0 else special.polygamma(n, z)


def _ncf_terms(A, B, W, ja, lb, mw, upper):
    """``∂A^ja ∂B^lb ∂W^mw I_W(A, B)`` (NumPy); for ``upper`` (and no derivative) ``-betaincc``."""
    if mw >= 1:
        return _beta_density_numbers(A, B, W, ja, lb, mw - 1)
    if ja + lb >= 1:
        return betainc_d_p.impl(A, B, W, j=ja, l=lb)
    return np.where(upper, -special.betaincc(A, B, W), special.betainc(A, B, W))


def _ncf_h_impl(A, B, W, lam, ja, lb, mw, d):
    A, B, W, lam = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (A, B, W, lam)))
    shape = A.shape
    A, B, W, lam = (v.ravel() for v in (A, B, W, lam))
    out = np.full(A.shape, np.nan)
    ok = (A > 0) & (B > 0) & (W > 0) & (W < 1) & (lam >= 0) & np.isfinite(A) & np.isfinite(B) & np.isfinite(lam)
    if ok.any():
        half = 0.5 * lam[ok]
        j, w = _poisson(half)
        j = np.concatenate([j, j[-1:] + 1.0 + np.arange(d, dtype=float)[:, None]])  # room for the shifts
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            weights = np.zeros(j.shape)
            for i in range(d + 1):
                ji = j - i
                wi = np.where(half == 0.0, (ji == 0.0).astype(float),
                              np.exp(-half + ji * np.log(half) - special.gammaln(ji + 1.0)))
                weights += math.comb(d, i) * (-1.0) ** (d - i) * np.where(ji >= 0, wi, 0.0)
            weights *= 0.5 ** d
            Aj = A[ok][None, :] + j
            Bj, Wj = (np.ascontiguousarray(np.broadcast_to(v[ok][None, :], Aj.shape)) for v in (B, W))
            upper = np.broadcast_to((d >= 1) & (special.ncfdtr(2.0 * A[ok], 2.0 * B[ok], lam[ok],
                                                               B[ok] * W[ok] / (A[ok] * (1.0 - W[ok]))) > 0.5),
                                    Aj.shape)
            terms = _ncf_terms(Aj, Bj, Wj, ja, lb, mw, upper)
            out[ok] = np.sum(np.where(weights != 0, weights * terms, 0.0), axis=0)
    return out.reshape(shape)[()]


def _ncf_h_partials(i, args, out, ja, lb, mw, d):
    index = dict(ja=ja, lb=lb, mw=mw, d=d)
    index[("ja", "lb", "mw", "d")[i]] += 1
    return ncf_h_p.bind(*args, **index)


ncf_h_p = elementwise("ncf_h", _ncf_h_impl, _ncf_h_partials)


def _ncfdtr_partials(i, args, out=None):
    dfn, dfd, nc, x = args
    s = dfd + dfn * x
    A, B, W = 0.5 * dfn, 0.5 * dfd, dfn * x / s
    hw = ncf_h_p.bind(A, B, W, nc, ja=0, lb=0, mw=1, d=0)
    if i == 0:
        return 0.5 * ncf_h_p.bind(A, B, W, nc, ja=1, lb=0, mw=0, d=0) + hw * (x * dfd / (s * s))
    if i == 1:
        return 0.5 * ncf_h_p.bind(A, B, W, nc, ja=0, lb=1, mw=0, d=0) - hw * (dfn * x / (s * s))
    if i == 2:
        return ncf_h_p.bind(A, B, W, nc, ja=0, lb=0, mw=0, d=1)
    return hw * (dfn * dfd / (s * s))


ncfdtr_p = elementwise("ncfdtr", special.ncfdtr, _ncfdtr_partials)
# (ncfdtridfd, ncfdtridfn and ncfdtrinc: in special_more)
_inverse("ncfdtri", lambda i, args: _ncfdtr_partials(i, args), 3)


# =========================================================================== the noncentral t distribution
# For t ≥ 0, nctdtr(ν, μ, t) = Φ(-μ) + S(ν, μ, x), x = t² / (t² + ν), and for t < 0 Φ(-μ) - S(ν, -μ, x), with
# S(ν, μ, x) = ½ Σⱼ [pⱼ(μ) I_x(j + ½, ν/2) + qⱼ(μ) I_x(j + 1, ν/2)], pⱼ = e^(-μ²/2) μ^(2j) / (2ʲ j!),
# qⱼ = e^(-μ²/2) μ^(2j+1) / (2^(j+½) Γ(j + 3/2)).  The family nct_s(ν, μ, x; a, d, m) = ∂ν^a ∂μ^d ∂x^m S closes
# under differentiation; its numbers weigh betainc's derivatives in its second parameter and the beta
# density's (in x) with the weights' μ-derivatives (Taylor arithmetic in μ, the powers of μ formed in
# logarithms).


def _nct_weights(mu, j, d, odd):
    """The Taylor coefficients in ``μ`` to order ``d`` of ``pⱼ(μ)`` (``odd`` False) or ``qⱼ(μ)`` (shape
    ``(d + 1,) + j.shape``; ``μ`` broadcast against ``j``)."""
    k = 2.0 * j + (1.0 if odd else 0.0)
    lognorm = (j + 0.5) * math.log(2.0) + special.gammaln(j + 1.5) if odd else j * math.log(2.0) + special.gammaln(j + 1.0)
    mu = np.broadcast_to(mu, j.shape)
    la = np.log(np.abs(mu))
    negative = mu < 0
    poly = np.zeros((d + 1,) + j.shape)
    binom = np.ones(j.shape)
    for i in range(d + 1):
        e = k - i
        size = np.exp(np.where(e == 0, 0.0, e * la) - 0.5 * mu * mu - lognorm)
        sign = np.where(negative & (np.mod(e, 2.0) == 1.0), -1.0, 1.0)
        poly[i] = np.where(e >= 0, binom * sign * size, 0.0)
        binom = binom * (k - i) / (i + 1)
    gauss = np.zeros_like(poly)  # e^(-(μ+ε)²/2 + μ²/2) = exp(-μ ε - ε²/2)
    if d >= 1:
        gauss[1] = -mu
    if d >= 2:
        gauss[2] = -0.5
    return jmul(poly, jexp(gauss, 1), 1)


def _nct_s_impl(nu, mu, x, a, d, m):
    nu, mu, x = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (nu, mu, x)))
    shape = nu.shape
    nu, mu, x = (v.ravel() for v in (nu, mu, x))
    out = np.full(nu.shape, np.nan)
    ok = (nu > 0) & np.isfinite(nu) & np.isfinite(mu) & (x >= 0) & (x < 1)
    out[ok & (x == 0)] = 0.0 if m == 0 else np.nan  # (S = 0 at x = 0 for every ν, μ; ∂x infinite)
    inside = ok & (x > 0)
    if inside.any():
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            j, _ = _poisson(0.5 * mu[inside] ** 2)
            B = np.ascontiguousarray(np.broadcast_to(0.5 * nu[inside][None, :], j.shape))
            X = np.ascontiguousarray(np.broadcast_to(x[inside][None, :], j.shape))
            total = np.zeros(j.shape[1:])
            for odd, shift in ((False, 0.5), (True, 1.0)):
                weight = _nct_weights(mu[inside][None, :], j, d, odd)[d] * math.factorial(d)
                A = j + shift
                if m >= 1:
                    terms = _beta_density_numbers(A, B, X, 0, a, m - 1)
                elif a >= 1:
                    terms = betainc_d_p.impl(A, B, X, j=0, l=a)
                else:
                    terms = special.betainc(A, B, X)
                total = total + np.sum(np.where(weight != 0, weight * terms, 0.0), axis=0)
            out[inside] = 0.5 * total * 0.5 ** a
    return out.reshape(shape)[()]


def _nct_s_partials(i, args, out, a, d, m):
    index = dict(a=a, d=d, m=m)
    index[("a", "d", "m")[i]] += 1
    return nct_s_p.bind(*args, **index)


nct_s_p = elementwise("nct_s", _nct_s_impl, _nct_s_partials)


def _nctdtr_partials(i, args, out=None):
    nu, mu, t = args
    zero = NONDIFF["equal"].bind(t, 0.0)
    ts = where(zero, 1.0, t)
    sg = where(greater(ts, 0.0), 1.0, -1.0)  # F = Φ(-μ) + sg S(ν, sg μ, x)
    mus = sg * mu
    r = 1.0 / (ts * ts + nu)
    x = ts * ts * r
    phi = _INV_SQRT_2PI * _u("exp")(-0.5 * (mu * mu))

    def part(a, dd, m):
        return nct_s_p.bind(nu, mus, x, a=a, d=dd, m=m)

    if i == 0:
        general = sg * (part(1, 0, 0) - part(0, 0, 1) * (ts * ts * r * r))
        limit = 0.0  # F(0) = Φ(-μ) for every ν
    elif i == 1:
        general = part(0, 1, 0) - phi
        limit = -phi
    else:
        general = sg * part(0, 0, 1) * (2.0 * ts * nu * r * r)
        # the density at 0: Γ((ν+1)/2) e^(-μ²/2) / (√(νπ) Γ(ν/2))
        limit = _u("exp")(_u("gammaln")(0.5 * (nu + 1.0)) - _u("gammaln")(0.5 * nu) - 0.5 * _u("log")(math.pi * nu)
                          - 0.5 * (mu * mu))
    return where(zero, limit, general)


nctdtr_p = elementwise("nctdtr", special.nctdtr, _nctdtr_partials)
# (nctdtridf and nctdtrinc: in special_more)
_inverse("nctdtrit", lambda i, args: _nctdtr_partials(i, args), 2)


# =========================================================================== the table


def _bind(p):
    return lambda *args: p.bind(*args)


STAT_FUNCTIONS.update({name: _bind(p) for name, p in INVERSES.items()})
STAT_FUNCTIONS.update({"chndtr": _bind(chndtr_p), "ncfdtr": _bind(ncfdtr_p), "nctdtr": _bind(nctdtr_p), "kolmogorov": _bind(kolmogorov_p), "kolmogi": _bind(kolmogi_p), "smirnov": _bind(smirnov_p),
                       "smirnovi": _bind(smirnovi_p), "tklmbda": _bind(tklmbda_p)})
