"""``scipy.integrate`` on traced values, with SciPy's signatures.

SciPy's integrators convert their input with ``np.asarray`` or ``float()``,
so plain ``scipy.integrate.simpson(tracer)`` cannot see a traced value (its
error names this module).  Here the same functions are written with NumPy
operations on the traced values, so every derivative order, ``vmap`` and
``jit`` apply to them:

* sampled data: :func:`trapezoid`, :func:`cumulative_trapezoid`,
  :func:`simpson`, :func:`cumulative_simpson`, :func:`romb`; ``y``, ``x``
  and ``dx`` are all differentiable;
* functions: :func:`quad` and :func:`quad_vec` (adaptive Gauss-Kronrod,
  finite and infinite limits), :func:`fixed_quad` (Gauss-Legendre), and the
  iterated integrals :func:`dblquad`, :func:`tplquad`, :func:`nquad`.  The integrand may close
  over traced parameters and the limits may be traced.  It is called with
  traced points, so it must be written with NumPy operations (``np.exp``,
  not ``math.exp``);
* elementwise, SciPy's newer interface: :func:`tanhsinh` (double-exponential
  quadrature) and :func:`nsum` (sums of series, ``_tanhsinh``): each element
  stops at SciPy's level, chosen on the values, and that rule is written
  with the traced limits, ``args`` and integrand;
* :func:`qmc_quad` (quasi-Monte Carlo: SciPy's points, the weighted sum
  traced, so differentiable in the integrand and the limits) and
  :func:`newton_cotes` (the weights of a rule: constants; ``_cubature``);
* :func:`cubature` (adaptive cubature over a box, ``_cubature``): SciPy
  chooses the regions on the values, and its rule is written on those
  regions with the traced limits, ``args`` and integrand;
* ordinary differential equations: :func:`solve_ivp` (RK23, RK45, DOP853)
  and :func:`odeint` (``_ode``): SciPy's solver chooses the steps on the
  values, and the same steps are replayed on the traced initial values and
  parameters, so the solution's derivatives are those of the discrete scheme.

>>> import numpy as np, osculate as osc
>>> from osculate.scipy import integrate
>>> x = np.linspace(0.0, 1.0, 5)
>>> osc.grad(lambda y: integrate.simpson(y, x=x))(x ** 2)   # Simpson's weights
array([0.08333333, 0.33333333, 0.16666667, 0.33333333, 0.08333333])
"""

from __future__ import annotations

import functools as _functools
import math as _math
import operator as _operator
import warnings as _warnings

import numpy as _np
from numpy.polynomial import legendre as _legendre
from scipy.integrate import IntegrationWarning as _IntegrationWarning
from scipy.special import expit as _expit

from ..core import ConcretizationError as _ConcretizationError
from ..core import Tracer as _Tracer
from .. import numpy as _onp
from ._ode import odeint, solve_ivp
from ._cubature import cubature, newton_cotes, qmc_quad
from ._tanhsinh import nsum, tanhsinh
from ._quadrature_values import _components, _is_value_path, _limit_values, _value_or_none

__all__ = [
    "trapezoid", "cumulative_trapezoid", "simpson", "cumulative_simpson", "romb", "quad", "quad_vec", "fixed_quad",
    "dblquad", "tplquad", "nquad", "solve_ivp", "odeint", "tanhsinh", "nsum",
    "qmc_quad", "newton_cotes", "cubature",
]


# --------------------------------------------------------------------------- helpers


def _as_float(v):
    """A tracer as it is; anything else a NumPy array, integers made floats."""
    if isinstance(v, _Tracer):
        return v
    v = _onp.asarray(v)
    if isinstance(v, _Tracer):
        return v
    return v.astype(_np.result_type(v.dtype, float), copy=False)


def _axis(axis, ndim, name):
    """``axis`` as a non-negative index of an array of ``ndim`` dimensions."""
    if isinstance(axis, bool) or not isinstance(axis, (int, _np.integer)):
        raise TypeError(f"osculate.scipy.integrate.{name}: axis must be an integer, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise _np.exceptions.AxisError(
            f"osculate.scipy.integrate.{name}: axis={axis} is not valid for y with y.ndim={ndim}")
    return int(axis) % ndim


def _safe_div(num, den):
    """``num / den`` where ``den != 0``, else 0 (SciPy's convention for repeated sample points)."""
    nonzero = den != 0
    return _np.where(nonzero, num / _np.where(nonzero, den, 1.0), 0.0)


def _spacings_last(x, y, axis, name, check_length=True):
    """The sample spacings ``diff(x)`` along ``y``'s last axis (``y`` moved already),
    from an ``x`` that is 1-D or has ``y``'s number of dimensions (``axis`` is
    ``y``'s original axis)."""
    x = _as_float(x)
    n = y.shape[-1]
    if x.ndim == 1:
        if check_length and x.shape[0] != n:
            raise ValueError(f"osculate.scipy.integrate.{name}: x has {x.shape[0]} points, y has {n} along axis")
        return _np.diff(x)
    if x.ndim != y.ndim:
        raise ValueError(f"osculate.scipy.integrate.{name}: if given, the shape of x must be 1-D or the same "
                         f"as y's (x has {x.ndim} dimensions, y {y.ndim})")
    x = _np.moveaxis(x, axis, -1)
    if check_length and x.shape[-1] != n:
        raise ValueError(f"osculate.scipy.integrate.{name}: x has {x.shape[-1]} points along axis, y has {n}")
    return _np.diff(x, axis=-1)


# --------------------------------------------------------------------------- sampled data


def _neighbours(ndim, ax):
    """The index of every point but the last along axis ``ax``, and of every point but the first."""
    first = tuple(slice(None) if i != ax else slice(None, -1) for i in range(ndim))
    rest = tuple(slice(None) if i != ax else slice(1, None) for i in range(ndim))
    return first, rest


def _along(v, ax, ndim):
    """The 1-d ``v`` shaped to lie along axis ``ax`` of an ``ndim``-d array."""
    return _onp.reshape(v, tuple(-1 if i == ax else 1 for i in range(ndim)))


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The composite trapezoidal rule along ``axis``: :func:`scipy.integrate.trapezoid`.

    ``x`` (1-D, or broadcastable to ``y``) gives the sample points, else they
    are ``dx`` apart; ``y``, ``x`` and ``dx`` are all differentiable.

    >>> import numpy as np, osculate as osc
    >>> x = np.array([0.0, 1.0, 3.0])
    >>> float(trapezoid(np.array([1.0, 2.0, 4.0]), x=x))
    7.5
    >>> osc.grad(lambda x: trapezoid(x ** 2, x=x))(x)
    array([-0.5, -1.5, 11. ])
    """
    y = _as_float(y)
    ax = _axis(axis, y.ndim, "trapezoid")
    first, rest = _neighbours(y.ndim, ax)
    if x is None:
        d = dx
    else:
        x = _as_float(x)
        if x.ndim == 1:
            if x.shape[0] != y.shape[ax]:
                raise ValueError(f"osculate.scipy.integrate.trapezoid: x has {x.shape[0]} points, "
                                 f"y has {y.shape[ax]} along axis")
            d = _along(_np.diff(x), ax, y.ndim)
        else:
            x = _np.broadcast_to(x, y.shape)
            d = x[rest] - x[first]
    return _np.sum(d * (y[rest] + y[first]) / 2.0, axis=ax)


def cumulative_trapezoid(y, x=None, dx=1.0, axis=-1, initial=None):
    """The running integral by the trapezoidal rule: :func:`scipy.integrate.cumulative_trapezoid`.

    One value fewer than ``y`` along ``axis``, or as many with
    ``initial=0`` (the only value SciPy accepts) put first.

    >>> import numpy as np, osculate as osc
    >>> cumulative_trapezoid(np.array([1.0, 2.0, 4.0]), initial=0)
    array([0. , 1.5, 4.5])
    >>> osc.jacfwd(lambda y: cumulative_trapezoid(y, dx=2.0))(np.ones(3))
    array([[1., 1., 0.],
           [1., 2., 1.]])
    """
    y = _as_float(y)
    ax = _axis(axis, y.ndim, "cumulative_trapezoid")
    if y.shape[ax] == 0:
        raise ValueError("osculate.scipy.integrate.cumulative_trapezoid: at least one point is required along axis")
    first, rest = _neighbours(y.ndim, ax)
    if x is None:
        d = dx
    else:
        x = _as_float(x)
        if x.ndim == 1:
            d = _along(_np.diff(x), ax, y.ndim)
        elif x.ndim != y.ndim:
            raise ValueError("osculate.scipy.integrate.cumulative_trapezoid: if given, the shape of x must be 1-D "
                             "or the same as y's")
        else:
            d = _np.diff(x, axis=ax)
        if d.shape[ax] != y.shape[ax] - 1:
            raise ValueError("osculate.scipy.integrate.cumulative_trapezoid: if given, the length of x along axis "
                             "must be the same as y's")
    res = _np.cumsum(d * (y[rest] + y[first]) / 2.0, axis=ax)
    if initial is not None:
        if not _np.isscalar(initial) and not (isinstance(initial, _Tracer) and initial.ndim == 0):
            raise ValueError("osculate.scipy.integrate.cumulative_trapezoid: initial must be a scalar (None or 0)")
        value = _value_or_none(initial)
        if value is not None and value != 0:
            raise ValueError("osculate.scipy.integrate.cumulative_trapezoid: initial must be None or 0")
        shape = tuple(1 if i == ax else s for i, s in enumerate(res.shape))
        res = _np.concatenate([_np.zeros(shape), res], axis=ax)
    return res


def _simpson_pairs(y, h0, h1, dx):
    """Simpson's rule over consecutive pairs of intervals of the last axis: an
    odd number of samples ``y``, spacings ``h0`` (first of each pair) and
    ``h1`` (second), or equal spacings ``dx`` when ``h0`` is None."""
    left, mid, right = y[..., 0:-2:2], y[..., 1:-1:2], y[..., 2::2]
    if h0 is None:
        return _np.sum(left + 4.0 * mid + right, axis=-1) * (dx / 3.0)
    width = h0 + h1
    ratio = _safe_div(h0, h1)
    inverse = _safe_div(1.0, ratio)
    middle = width * _safe_div(width, h0 * h1)
    return _np.sum(width / 6.0 * (left * (2.0 - inverse) + mid * middle + right * (2.0 - ratio)), axis=-1)


def simpson(y, x=None, *, dx=1.0, axis=-1):
    """Composite Simpson's rule along ``axis``: :func:`scipy.integrate.simpson`
    (SciPy >= 1.11 semantics).

    With an odd number of samples the parabolas cover every pair of
    intervals.  With an even number (at least 4) they cover all intervals but
    the last, and the last one gets the integral of the parabola through the
    final three samples (Cartwright's correction, exact for quadratics);
    with 2 samples it is the trapezoid.  Uneven ``x`` is allowed, and ``y``,
    ``x`` and ``dx`` are all differentiable.

    >>> import numpy as np, osculate as osc
    >>> x = np.array([0.0, 0.5, 1.5, 2.0])
    >>> round(float(simpson(x ** 2, x=x)), 12)
    2.666666666667
    >>> osc.grad(lambda y: simpson(y))(np.ones(5))
    array([0.33333333, 1.33333333, 0.66666667, 1.33333333, 0.33333333])
    """
    y = _as_float(y)
    ax = _axis(axis, y.ndim, "simpson")
    n = y.shape[ax]
    if n == 0:
        raise ValueError("osculate.scipy.integrate.simpson: at least one point is required along axis")
    y = _np.moveaxis(y, ax, -1)
    if x is None:
        h = None
    else:
        x = _as_float(x)
        if x.ndim == 1:
            if x.shape[0] != n:
                raise ValueError(f"osculate.scipy.integrate.simpson: x has {x.shape[0]} points, y has {n} along axis")
            h = _np.diff(x)
        elif x.ndim == y.ndim:
            if x.shape[ax] != n:
                raise ValueError("osculate.scipy.integrate.simpson: if given, the length of x along axis must be "
                                 "the same as y's")
            h = _np.diff(_np.moveaxis(x, ax, -1), axis=-1)
        else:
            raise ValueError("osculate.scipy.integrate.simpson: if given, the shape of x must be 1-D or the same "
                             "as y's")
    if n == 2:
        width = dx if h is None else h[..., -1]
        return 0.5 * width * (y[..., -1] + y[..., -2])
    if n % 2 == 1:
        return _simpson_pairs(y, None if h is None else h[..., 0::2], None if h is None else h[..., 1::2], dx)
    # an even number of samples: Simpson up to the last but one, then the last interval from the last three
    result = _simpson_pairs(y[..., :-1], None if h is None else h[..., 0:-1:2], None if h is None else h[..., 1:-1:2],
                            dx)
    h0, h1 = (dx, dx) if h is None else (h[..., -2], h[..., -1])
    last = _safe_div(2.0 * h1 * h1 + 3.0 * h0 * h1, 6.0 * (h1 + h0))
    before = _safe_div(h1 * h1 + 3.0 * h0 * h1, 6.0 * h0)
    third = _safe_div(h1 * h1 * h1, 6.0 * h0 * (h0 + h1))
    return result + (last * y[..., -1] + before * y[..., -2] - third * y[..., -3])


def _cumulative_simpson_firsts(y, d, equal):
    """For each three consecutive samples of the last axis, the integral of
    their parabola over the first of their two intervals (widths ``d``)."""
    f1, f2, f3 = y[..., :-2], y[..., 1:-1], y[..., 2:]
    if equal:
        w = d[..., :-1]
        return w / 3.0 * (1.25 * f1 + 2.0 * f2 - 0.25 * f3)
    a, b = d[..., :-1], d[..., 1:]
    share = a / (a + b)
    skew = share * (a / b)
    return a / 6.0 * ((3.0 - share) * f1 + (3.0 + skew + share) * f2 - skew * f3)


def cumulative_simpson(y, *, x=None, dx=1.0, axis=-1, initial=None):
    """The running integral by Simpson's rule: :func:`scipy.integrate.cumulative_simpson`.

    Each interval gets the integral of the parabola through the three samples
    around it (the interval is the first of the three's two, or for the odd
    ones and the last, the second), and those are summed; fewer than 3
    samples use the trapezoid.  ``x`` must be strictly increasing (checked
    when the values exist, outside ``jit``/``vmap``); ``dx`` a scalar or
    ``y``'s shape with one point along ``axis``; ``initial`` the same, then
    put first and added to every value.

    >>> import numpy as np, osculate as osc
    >>> x = np.linspace(0.0, 2.0, 5)
    >>> cumulative_simpson(x ** 2, x=x)
    array([0.04166667, 0.33333333, 1.125     , 2.66666667])
    >>> float(osc.grad(lambda y: cumulative_simpson(y, initial=1.0)[-1])(np.ones(3))[1])
    1.3333333333333333
    """
    y = _as_float(y)
    ax = _axis(axis, y.ndim, "cumulative_simpson")
    n = y.shape[ax]
    shape = y.shape
    if n < 3:
        res = _np.moveaxis(cumulative_trapezoid(y, x, dx=dx, axis=ax), ax, -1)
    else:
        yl = _np.moveaxis(y, ax, -1)
        if x is not None:
            x = _as_float(x)
            if not (x.shape == shape or (x.ndim == 1 and x.shape[0] == n)):
                raise ValueError("osculate.scipy.integrate.cumulative_simpson: if given, the shape of x must be the "
                                 "same as y's or 1-D with y's length along axis")
            xl = _np.broadcast_to(x, yl.shape) if x.ndim == 1 else _np.moveaxis(x, ax, -1)
            d = _np.diff(xl, axis=-1)
            values = _value_or_none(d)
            if values is not None and _np.any(values <= 0):
                raise ValueError("osculate.scipy.integrate.cumulative_simpson: x must be strictly increasing")
            equal = False
        else:
            dx = _as_float(dx)
            if not (dx.ndim == 0 or dx.shape == tuple(1 if i == ax else s for i, s in enumerate(shape))):
                raise ValueError("osculate.scipy.integrate.cumulative_simpson: if given, dx must be a scalar or have "
                                 "y's shape with 1 point along axis")
            dl = dx if dx.ndim == 0 else _np.moveaxis(dx, ax, -1)
            d = _np.broadcast_to(dl, yl.shape[:-1] + (n - 1,))
            equal = True
        firsts = _cumulative_simpson_firsts(yl, d, equal)
        seconds = _np.flip(_cumulative_simpson_firsts(_np.flip(yl, axis=-1), _np.flip(d, axis=-1), equal), axis=-1)
        # interval k: firsts[k] for even k below n - 2, else seconds[k - 1]
        k = _np.arange(n - 1)
        use_first = (k % 2 == 0) & (k <= n - 3)
        pieces = _np.where(use_first, _np.concatenate([firsts, firsts[..., -1:]], axis=-1),
                           _np.concatenate([seconds[..., :1], seconds], axis=-1))
        res = _np.cumsum(pieces, axis=-1)
    if initial is not None:
        initial = _as_float(initial)
        one = tuple(1 if i == ax else s for i, s in enumerate(shape))
        if not (initial.ndim == 0 or initial.shape == one):
            raise ValueError("osculate.scipy.integrate.cumulative_simpson: if given, initial must be a scalar or "
                             "have y's shape with 1 point along axis")
        start = _np.moveaxis(_np.broadcast_to(initial, one), ax, -1)
        res = _np.concatenate([start, res + start], axis=-1)
    return _np.moveaxis(res, -1, ax)


def romb(y, dx=1.0, axis=-1, show=False):
    """Romberg integration of ``2**k + 1`` equally spaced samples: :func:`scipy.integrate.romb`.

    Richardson extrapolation of the trapezoidal rule on the nested grids.
    ``show=True`` prints the extrapolation table (of the values) for a
    single data set.

    >>> import numpy as np, osculate as osc
    >>> x = np.linspace(0.0, 1.0, 5)
    >>> round(float(romb(x ** 4, dx=0.25)), 15)   # exact for degree 5 with 5 samples
    0.2
    >>> round(float(osc.grad(lambda dx: romb(np.ones(5), dx=dx))(0.25)), 12)
    4.0
    """
    y = _as_float(y)
    ax = _axis(axis, y.ndim, "romb")
    intervals = y.shape[ax] - 1
    if intervals < 1 or intervals & (intervals - 1):
        raise ValueError(f"osculate.scipy.integrate.romb: the number of samples must be one plus a non-negative "
                         f"power of 2, got {y.shape[ax]}")
    y = _np.moveaxis(y, ax, -1)
    k = intervals.bit_length() - 1
    h = intervals * _as_float(dx)
    table = [[(y[..., 0] + y[..., -1]) / 2.0 * h]]
    step = intervals
    for i in range(1, k + 1):
        row = [0.5 * (table[i - 1][0] + h * _np.sum(y[..., step // 2::step], axis=-1))]
        for j in range(1, i + 1):
            row.append(row[j - 1] + (row[j - 1] - table[i - 1][j - 1]) / ((1 << (2 * j)) - 1))
        table.append(row)
        step //= 2
        h = h / 2.0
    if show:
        _show_romberg(table, show)
    return table[k][k]


def _show_romberg(table, show):
    values = [[_value_or_none(v) for v in row] for row in table]
    if any(v is None or v.ndim for row in values for v in row):
        print("*** Printing table only supported for integrals of a single data set.")
        return
    precision, width = 5, 8
    if isinstance(show, (tuple, list)):
        precision = show[0] if len(show) > 0 else precision
        width = show[1] if len(show) > 1 else width
    title = "Richardson Extrapolation Table for Romberg Integration"
    print(title, "=" * len(title), sep="\n")
    for row in values:
        print(" ".join(f"{float(v):{width}.{precision}f}" for v in row), end=" \n")
    print("=" * len(title))


# --------------------------------------------------------------------------- functions: Gauss-Legendre


@_functools.lru_cache(maxsize=None)
def _legendre_rule(n):
    nodes, weights = _legendre.leggauss(n)
    nodes.setflags(write=False)
    weights.setflags(write=False)
    return nodes, weights


def _check_limit(v, name, fn):
    if isinstance(v, _Tracer):
        if v.ndim != 0:
            raise ValueError(f"osculate.scipy.integrate.{fn}: {name} must be a single number, got shape {v.shape}")
        return v
    if _np.ndim(v) != 0:
        raise ValueError(f"osculate.scipy.integrate.{fn}: {name} must be a single number, got shape {_np.shape(v)}")
    try:
        return float(v)
    except (TypeError, ValueError):
        raise TypeError(f"osculate.scipy.integrate.{fn}: {name} must be a number, got {v!r}") from None


def fixed_quad(func, a, b, args=(), n=5):
    """Fixed-order Gauss-Legendre quadrature: :func:`scipy.integrate.fixed_quad`.

    ``func`` is called once, with the array of the ``n`` nodes (traced when
    ``a`` or ``b`` is) and must accept it: write it with NumPy operations.
    Returns ``(value, None)``; the value is exact for polynomials of degree
    ``2n - 1``.  It works under ``jit`` and ``vmap`` too.

    >>> import numpy as np, osculate as osc
    >>> round(float(fixed_quad(lambda s: s ** 3, 0.0, 2.0, n=2)[0]), 12)
    4.0
    >>> round(float(osc.grad(lambda t: fixed_quad(lambda s: np.exp(t * s), 0.0, 1.0, n=8)[0])(0.0)), 12)
    0.5
    """
    if isinstance(n, bool) or not isinstance(n, (int, _np.integer)) or n < 1:
        raise ValueError(f"osculate.scipy.integrate.fixed_quad: n must be a positive integer, got {n!r}")
    a, b = _check_limit(a, "a", "fixed_quad"), _check_limit(b, "b", "fixed_quad")
    for v in (a, b):
        values = _limit_values(v)
        if values is not None and _np.any(_np.isinf(values)):
            raise ValueError("osculate.scipy.integrate.fixed_quad: Gaussian quadrature is only available for "
                             "finite limits")
    nodes, weights = _legendre_rule(int(n))
    points = (b - a) * (nodes + 1.0) / 2.0 + a
    return (b - a) / 2.0 * _np.sum(weights * func(points, *args), axis=-1), None


# --------------------------------------------------------------------------- functions: adaptive Gauss-Kronrod


def _gauss_kronrod(n):
    """The ``2n + 1`` nodes of the Kronrod extension of the ``n``-point Gauss
    rule on [-1, 1], their weights, and the Gauss weights at the Gauss nodes
    (0 at the others).

    The new nodes are the zeros of the Stieltjes polynomial: the polynomial
    of degree ``n + 1`` orthogonal to ``P_n(x) x^k`` for ``k <= n``, found in
    the Legendre basis (it has one parity, so half its coefficients vanish).
    The weights make the rule exact on ``P_0 ... P_2n``; the construction
    makes it exact up to degree ``3n + 1``."""
    gauss_nodes, gauss_weights = _legendre.leggauss(n)
    xq, wq = _legendre.leggauss(3 * n + 4)  # exact for the products below (degree <= 3n + 1)
    basis = _np.eye(n + 2)
    pn = _legendre.legval(xq, basis[n])
    free = list(range(n - 1, -1, -2))  # the coefficients of the Stieltjes polynomial below its degree
    tests = [k for k in range(n + 1) if k % 2 == 1]  # (the other moments vanish by parity)
    lhs = _np.array([[_np.sum(wq * pn * xq ** k * _legendre.legval(xq, basis[j])) for j in free] for k in tests])
    rhs = -_np.array([_np.sum(wq * pn * xq ** k * _legendre.legval(xq, basis[n + 1])) for k in tests])
    coef = _np.zeros(n + 2)
    coef[n + 1] = 1.0
    coef[free] = _np.linalg.solve(lhs, rhs)
    roots = _np.sort(_legendre.legroots(coef).real)
    slope = _legendre.legder(coef)
    for _ in range(3):  # polish the companion-matrix roots
        roots = roots - _legendre.legval(roots, coef) / _legendre.legval(roots, slope)
    nodes = _np.sort(_np.concatenate([gauss_nodes, roots]))
    moments = _np.zeros(2 * n + 1)
    moments[0] = 2.0
    weights = _np.linalg.solve(_legendre.legvander(nodes, 2 * n).T, moments)
    weights[n] += 2.0 - weights.sum()  # (the middle weight takes the rounding: a constant integrates exactly)
    gauss = _np.zeros_like(nodes)
    for xg, wg in zip(gauss_nodes, gauss_weights):
        gauss[_np.argmin(_np.abs(nodes - xg))] = wg
    for arr in (nodes, weights, gauss):
        arr.setflags(write=False)
    return nodes, weights, gauss


_GK_NODES, _GK_WEIGHTS, _GK_GAUSS = _gauss_kronrod(10)
_EPS = _np.finfo(float).eps
_TINY = _np.finfo(float).tiny


def _norm_of(kind):
    """The norm over an estimate's value axes (its batch axes, at the end, are kept)."""
    def norm(c, nb):
        axes = tuple(range(c.ndim - nb))
        with _np.errstate(over="ignore", invalid="ignore"):  # (a diverging integral's estimates: inf and NaN)
            if kind == "2":
                return _np.sqrt(_np.sum(_np.abs(c) ** 2, axis=axes))
            return _np.max(_np.abs(c), axis=axes, initial=0.0)
    return norm


class _Interval:
    """One subinterval ``[t0, t1]`` of a piece's parameter: its traced rule
    value and, per component, the Kronrod estimate and its error estimate."""

    __slots__ = ("piece", "t0", "t1", "value", "estimates", "streak")

    def __init__(self, piece, t0, t1, integrand):
        self.piece, self.t0, self.t1 = piece, t0, t1
        self.streak = 0  # (at an end of the piece: how many halvings in a row left most error at the end)
        half = (t1 - t0) / 2.0
        ts = t0 + half * (_GK_NODES + 1.0)
        rs = (1.0 - t1) + half * (1.0 - _GK_NODES)  # (1 - t, exactly: the ends of subintervals are dyadic)
        g = integrand(piece, ts, rs)  # (21, *shape), traced when the integrand is
        self.value = half * _np.tensordot(_GK_WEIGHTS, g, axes=1)
        self.estimates = {}
        for path, (c, nb) in _components(g).items():
            c = c.astype(_np.result_type(c.dtype, float), copy=False)
            wk = _GK_WEIGHTS.reshape((-1,) + (1,) * (c.ndim - 1))
            wg = _GK_GAUSS.reshape(wk.shape)
            with _np.errstate(over="ignore", invalid="ignore"):  # (inf and NaN only say that it diverges)
                kronrod = half * _np.sum(wk * c, axis=0)
                gauss = half * _np.sum(wg * c, axis=0)
                scale = half * _np.sum(wk * _np.abs(c), axis=0)
                spread = half * _np.sum(wk * _np.abs(c - kronrod / (2.0 * half)), axis=0)
                error, rounding = _error_estimate(kronrod - gauss, spread, scale)
            self.estimates[path] = (kronrod, error, nb, rounding)


def _error_estimate(difference, spread, scale):
    """The usual Gauss-Kronrod error estimate from ``|K - G|``, sharpened by
    the integrand's spread about its mean and bounded below by the rounding
    error of the sum; and that rounding error."""
    err = _np.abs(difference)
    with _np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        sharpened = spread * _np.minimum(1.0, (200.0 * err / _np.where(spread > 0, spread, 1.0)) ** 1.5)
    err = _np.where((spread > 0) & (err > 0), sharpened, err)
    rounding = 50.0 * _EPS * scale
    return _np.where(scale > _TINY / (50.0 * _EPS), _np.maximum(rounding, err), err), rounding


_DE_LOW, _DE_HIGH, _DE_LEVELS = -5.4, 3.5, (3, 6)  # the end rule's step range and first and last levels


class _EndInterval:
    """The subinterval of width ``w`` at one end (``side`` 0: t = 0, 1: t =
    1) of a piece whose integrand is singular there, by the tanh-sinh
    (double-exponential) rule: in the distance from the end, ``δ = w
    expit(π sinh τ)`` on ``τ = k h`` (its weights fall doubly exponentially
    at both ends, so an integrable endpoint singularity costs a few dozen
    points).  The rule with step ``h`` against the one with ``2h`` (every
    other point) estimates its error; refining halves ``h``.  It is linear in
    the integrand values, like the Gauss-Kronrod rule."""

    __slots__ = ("piece", "side", "width", "level", "t0", "t1", "value", "estimates", "before")

    def __init__(self, piece, side, width, level, end_integrand, before=None):
        self.piece, self.side, self.width, self.level = piece, side, width, level
        self.before = before  # how bad the coarser step was (relative to the tolerance)
        self.t0, self.t1 = (0.0, width) if side == 0 else (1.0 - width, 1.0)
        h = 2.0 ** -level
        k = _np.arange(_math.ceil(_DE_LOW / h), _math.floor(_DE_HIGH / h) + 1)
        u = _np.pi * _np.sinh(k * h)
        deltas = width * _expit(u)
        jacobian = width * _np.pi * _np.cosh(k * h) * _expit(u) * _expit(-u)
        g, kept = end_integrand(piece, side, deltas)
        weights = h * jacobian[kept]
        coarse = _np.where(k[kept] % 2 == 0, 2.0 * weights, 0.0)
        self.value = _np.tensordot(weights, g, axes=1)
        self.estimates = {}
        for path, (c, nb) in _components(g).items():
            c = c.astype(_np.result_type(c.dtype, float), copy=False)
            w = weights.reshape((-1,) + (1,) * (c.ndim - 1))
            with _np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                fine = _np.sum(w * c, axis=0)
                rough = _np.sum(coarse.reshape(w.shape) * c, axis=0)
                rounding = 50.0 * _EPS * _np.sum(w * _np.abs(c), axis=0)
                error = _np.abs(fine - rough)
                if not kept[0] and c.shape[0] > 1:  # points nearest the end round onto it: guess the tail left out
                    last, previous = _np.abs(w[0] * c[0]), _np.abs(w[1] * c[1])
                    ratio = _np.where(previous > 0, last / _np.where(previous > 0, previous, 1.0), 1.0)
                    error = error + _np.where(ratio < 0.9, last * ratio / (1.0 - _np.minimum(ratio, 0.9)), 10.0 * last)
                self.estimates[path] = (fine, _np.maximum(error, rounding), nb, rounding)


class _Totals:
    """``{path: [integral, error, batch axes, rounding error]}`` summed over the intervals, kept
    up to date as intervals come and go (a part an interval lacks is zero
    there)."""

    def __init__(self):
        self.sums = {}

    def add(self, iv, sign=1.0):
        for path, (k, e, nb, r) in iv.estimates.items():
            if path in self.sums:
                entry = self.sums[path]
                entry[0] = entry[0] + sign * k
                entry[1] = entry[1] + sign * e
                entry[3] = entry[3] + sign * r
            else:
                self.sums[path] = [sign * k, sign * e, nb, sign * r]


def _singular_end(parent, child, norm):
    """Whether halving the subinterval at an end of a piece left most of its
    error in the half at the end (by at least a fifth, where a smooth
    integrand's error falls by orders of magnitude): a singularity there."""
    for path, (k, e, nb, r) in parent.estimates.items():
        if path not in child.estimates:
            continue
        before = norm(e, nb)
        after = norm(child.estimates[path][1], child.estimates[path][2])
        if _np.any((before > 10.0 * norm(r, nb)) & (after > 0.2 * before)):
            return True
    return False


def _adaptive(integrand, end_integrand, pieces, epsabs, epsrel, limit, norm, share, min_intervals):
    """Bisect the subinterval that is worst relative to the tolerance until
    the value and every carried derivative part meet it (their summed error
    estimates, in ``norm``, within ``share`` of ``max(epsabs, epsrel *
    norm(integral))``) or are down to rounding error (an integral that is
    about 0 with a tiny ``epsabs``), or ``limit`` subintervals are in use.
    Returns the intervals, the value's error estimate and why it stopped
    (None when converged)."""
    intervals = [_Interval(p, 0.0, 1.0, integrand) for p in range(pieces)]
    totals = _Totals()
    for iv in intervals:
        totals.add(iv)
    while True:
        tolerance = {path: share * _np.maximum(epsabs, epsrel * norm(k, nb))
                     for path, (k, e, nb, r) in totals.sums.items()}
        errors = {path: norm(_np.maximum(e, 0.0), nb) for path, (k, e, nb, r) in totals.sums.items()}
        roundings = {path: norm(_np.maximum(r, 0.0), nb) for path, (k, e, nb, r) in totals.sums.items()}
        value_error = max((float(_np.max(errors[path], initial=0.0)) for path in errors if _is_value_path(path)),
                          default=0.0)
        if any(_np.any(~_np.isfinite(e)) for e in errors.values()):
            return intervals, value_error if value_error == value_error else _math.nan, "nan"
        met = {path: bool(_np.all(errors[path] <= tolerance[path])) for path in errors}
        done = {path: bool(_np.all((errors[path] <= tolerance[path]) | (errors[path] <= 2.0 * roundings[path])))
                for path in errors}  # (splitting cannot reduce rounding error)
        value_done = all(ok for path, ok in met.items() if _is_value_path(path))
        if all(done.values()) and len(intervals) >= min_intervals:
            return intervals, value_error, None if value_done else "roundoff"
        if len(intervals) >= limit:
            return intervals, value_error, "derivative" if value_done else "limit"

        def badness(iv):
            return max((float(_np.max(norm(e, nb) / tolerance[path], initial=0.0))
                        for path, (k, e, nb, r) in iv.estimates.items() if not done[path]), default=0.0)

        worst = max(range(len(intervals)), key=lambda i: badness(intervals[i]))
        iv = intervals[worst]
        bad = badness(iv)
        if isinstance(iv, _EndInterval) and iv.level < _DE_LEVELS[1] and (iv.before is None or bad < 0.1 * iv.before):
            parts = [_EndInterval(iv.piece, iv.side, iv.width, iv.level + 1, end_integrand, bad)]  # a finer step
        elif isinstance(iv, _EndInterval):  # (the trouble is not only at the end: halve it, the end half stays)
            middle = 0.5 * iv.width if iv.side == 0 else 1.0 - 0.5 * iv.width
            if not iv.t0 < middle < iv.t1:
                return intervals, value_error, "derivative" if value_done else "singular"
            inner = _Interval(iv.piece, *((middle, iv.t1) if iv.side == 0 else (iv.t0, middle)), integrand)
            end = _EndInterval(iv.piece, iv.side, 0.5 * iv.width, _DE_LEVELS[0], end_integrand)
            parts = [end, inner] if iv.side == 0 else [inner, end]
        else:
            middle = 0.5 * (iv.t0 + iv.t1)
            if not iv.t0 < middle < iv.t1 or (iv.t1 - iv.t0) < 1e3 * _EPS * max(abs(iv.t0), abs(iv.t1)):
                return intervals, value_error, "derivative" if value_done else "roundoff"
            parts = [_Interval(iv.piece, iv.t0, middle, integrand), _Interval(iv.piece, middle, iv.t1, integrand)]
            for side, i in ((0, 0), (1, 1)):
                if (iv.t0, iv.t1)[side] == float(side) and end_integrand.finite(iv.piece, side):
                    parts[i].streak = iv.streak + 1 if _singular_end(iv, parts[i], norm) else 0
                    if parts[i].streak >= 2:  # (twice in a row: a singularity, not a feature near the end)
                        parts[i] = _EndInterval(iv.piece, side, parts[i].t1 - parts[i].t0, _DE_LEVELS[0],
                                                end_integrand)
        totals.add(iv, -1.0)
        for part in parts:
            totals.add(part)
        intervals[worst:worst + 1] = parts


_MESSAGES = {
    "limit": "The maximum number of subdivisions ({limit}) has been reached: the value may be less accurate than "
             "epsabs/epsrel ask (raise limit, or pass the integrand's difficult points as points=).",
    "roundoff": "The subintervals cannot be split further (rounding error): the value may be less accurate than "
                "epsabs/epsrel ask.",
    "derivative": "The value meets the tolerance, but the integrand's derivative (carried by forward mode) does not "
                  "within {limit} subintervals: the derivative may be less accurate than epsabs/epsrel ask.",
    "singular": "An integrable singularity at an end of a subinterval is not resolved to the tolerance: the "
                "value may be less accurate than epsabs/epsrel ask.",
    "nan": "The integral's error estimate is not finite (the integrand is NaN or infinite somewhere, or the "
           "integral diverges).",
}

_NO_VALUES = ("osculate.scipy.integrate.{name} chooses its subintervals from the integrand's values, which do not "
              "exist inside jit (nor while a global sparsity pattern is detected); use "
              "osculate.scipy.integrate.fixed_quad there, or call {name} outside jit")


def _on_array(call, x):
    out = _onp.asarray(call(x))
    if out.shape != x.shape:
        raise ValueError(f"osculate.scipy.integrate.quad: the integrand gave shape {out.shape} for points of shape "
                         f"{x.shape}")
    return out


def _agrees(values, call, points_array):
    """Whether the integrand, called once on the array of the points, gives
    ``values`` (its calls one point at a time): the value and every carried
    derivative part.  Anything else (an error, another shape, other numbers)
    means no."""
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")  # (the calls one at a time have said what there was to say)
            together = _on_array(call, points_array())
    except Exception:  # noqa: BLE001 - an integrand written for one number at a time
        return False
    ours, theirs = _components(values), _components(together)
    if ours.keys() != theirs.keys():
        return False
    for path, (c, nb) in ours.items():
        other = theirs[path][0]
        if other.shape != c.shape or not _np.allclose(other, c, rtol=1e-12, atol=1e-300, equal_nan=True):
            return False
    return True


def _integrate(name, call, a, b, points, epsabs, epsrel, limit, norm, share, min_intervals, scalar, weight=None):
    """The adaptive rule of :func:`quad` and :func:`quad_vec`: ``(traced value, error estimate)``.

    ``weight(from_a, to_b)``, for a finite interval without break points,
    multiplies the integrand by a weight of the distances of ``x`` from the
    ends, computed without ``x``'s rounding (and then no point is left out
    for rounding onto an end: the integrand itself is regular there)."""
    if isinstance(limit, bool) or not isinstance(limit, (int, _np.integer)) or limit < 1:
        raise ValueError(f"osculate.scipy.integrate.{name}: limit must be an integer >= 1 (the number of "
                         f"subintervals), got {limit!r}")
    epsabs, epsrel = float(epsabs), float(epsrel)
    a, b = _check_limit(a, "a", name), _check_limit(b, "b", name)
    av, bv = _limit_values(a), _limit_values(b)
    if av is None or bv is None:
        raise ValueError(_NO_VALUES.format(name=name))
    a_inf, b_inf = bool(_np.all(_np.isinf(av))), bool(_np.all(_np.isinf(bv)))
    if (not a_inf and _np.any(_np.isinf(av))) or (not b_inf and _np.any(_np.isinf(bv))):
        raise ValueError(f"osculate.scipy.integrate.{name}: a batch of limits mixes finite and infinite ones")

    def value_at(x):
        out = _onp.asarray(call(x))
        if scalar and out.ndim != 0:
            raise ValueError(f"osculate.scipy.integrate.{name}: the integrand must return a single number, got shape "
                             f"{out.shape} (use quad_vec for arrays)")
        return out

    # A single-number integrand is tried once on the array of a subinterval's points; when that gives the values
    # of the calls one point at a time (it is written elementwise with NumPy), later subintervals make one call.
    vectorized = [None if scalar else False]

    def many(n, point, points_array):
        """The integrand at ``n`` points (``point(i)`` one, ``points_array()`` all): stacked."""
        if vectorized[0]:
            return _on_array(call, points_array())
        values = _onp.stack([value_at(point(i)) for i in range(n)])
        if vectorized[0] is None:
            vectorized[0] = _agrees(values, call, points_array)
        return values

    def scaled(factor, values):  # (a factor per point, for array-valued integrands too)
        if _np.ndim(factor) == 1 and values.ndim > 1:
            factor = _onp.reshape(factor, (-1,) + (1,) * (values.ndim - 1))
        return factor * values

    sign = 1.0
    if a_inf or b_inf:
        if points is not None:
            raise ValueError(f"osculate.scipy.integrate.{name}: infinity inputs cannot be used with break points")
        lo, hi, lo_inf, hi_inf, lo_v, hi_v = a, b, a_inf, b_inf, av, bv
        if lo_inf and hi_inf and _np.sign(av.flat[0]) == _np.sign(bv.flat[0]):
            return 0.0, 0.0
        if (lo_inf and av.flat[0] > 0) or (hi_inf and bv.flat[0] < 0):  # from +inf, or down to -inf: reverse
            lo, hi, lo_inf, hi_inf, lo_v, hi_v = hi, lo, hi_inf, lo_inf, hi_v, lo_v
            sign = -1.0

        def at_points(ts, rs):  # x = lo + s (or hi - s, or ±s) with s = (1 - t) / t = r / t, dx = dt / t²
            s = rs / ts
            n = len(s)
            if lo_inf and hi_inf:
                values = many(n, lambda i: s[i], lambda: s) + many(n, lambda i: -s[i], lambda: -s)
            elif hi_inf:
                values = many(n, lambda i: lo + s[i], lambda: lo + s)
            else:
                values = many(n, lambda i: hi - s[i], lambda: hi - s)
            return scaled(1.0 / (ts * ts), values)

        def integrand(piece, ts, rs):
            return at_points(ts, rs)

        def end_integrand(piece, side, deltas):  # t = 1 - δ: the finite end
            finite_v = lo_v if hi_inf else hi_v
            moved = finite_v + _np.multiply.outer(deltas / (1.0 - deltas), _np.ones_like(finite_v))
            kept = _np.all((moved != finite_v).reshape(len(deltas), -1), axis=1) if lo_inf != hi_inf else deltas > 0
            return at_points(1.0 - deltas[kept], deltas[kept]), kept

        end_integrand.finite = lambda piece, side: side == 1
        pieces = 1
    else:
        breaks = [a, b]
        if points is not None:
            low, high = min(float(_np.min(av)), float(_np.min(bv))), max(float(_np.max(av)), float(_np.max(bv)))
            inner = sorted({float(p) for p in _np.atleast_1d(_np.asarray(points, dtype=float)) if low < p < high})
            if float(_np.max(av)) > float(_np.max(bv)):
                inner = inner[::-1]
            breaks = [a, *inner, b]
        break_values = [av, *(_np.asarray(p) for p in breaks[1:-1]), bv]

        def at_points(piece, ts, rs):  # x = lo + (hi - lo) t = hi - (hi - lo) r, from the nearer end
            lo, hi = breaks[piece], breaks[piece + 1]
            width = hi - lo
            near = ts <= rs

            def point(i):
                return lo + width * ts[i] if near[i] else hi - width * rs[i]

            def points_array():
                if near.all() or not near.any():
                    return lo + width * ts if near.all() else hi - width * rs
                return _np.where(near, lo + width * ts, hi - width * rs)

            values = many(len(ts), point, points_array)
            return scaled(width if weight is None else width * weight(width * ts, width * rs), values)

        def integrand(piece, ts, rs):
            return at_points(piece, ts, rs)

        def end_integrand(piece, side, deltas):  # δ from the end: t = δ (side 0) or r = δ (side 1)
            kept = _np.ones(len(deltas), dtype=bool)
            if weight is None:  # (points that round onto the end are left out)
                end_v = break_values[piece + side]
                step_v = (break_values[piece + 1] - break_values[piece]) * (1.0 if side == 0 else -1.0)
                moved = end_v + _np.multiply.outer(deltas, _np.ones_like(step_v) * step_v)
                kept = _np.all((moved != end_v).reshape(len(deltas), -1), axis=1)
            d = deltas[kept]
            return (at_points(piece, d, 1.0 - d) if side == 0 else at_points(piece, 1.0 - d, d)), kept

        end_integrand.finite = lambda piece, side: True
        pieces = len(breaks) - 1
    try:
        intervals, abserr, trouble = _adaptive(integrand, end_integrand, pieces, epsabs, epsrel,
                                               max(int(limit), pieces), norm, share, min_intervals)
    except _ConcretizationError:
        raise ValueError(_NO_VALUES.format(name=name)) from None
    if trouble is not None and name == "quad":  # (SciPy's quad_vec does not warn either: see its abserr)
        _warnings.warn(_MESSAGES[trouble].format(limit=limit), _IntegrationWarning, stacklevel=3)
    intervals.sort(key=lambda iv: (iv.piece, iv.t0))
    value = _functools.reduce(_operator.add, [iv.value for iv in intervals])
    if sign < 0:
        value = -value
    if not isinstance(value, _Tracer) and _np.ndim(value) == 0:
        value = float(value)
    return value, abserr


def quad(func, a, b, args=(), full_output=0, epsabs=1.49e-8, epsrel=1.49e-8, limit=50, points=None,
         weight=None, wvar=None, wopts=None, maxp1=50, limlst=50, complex_func=False):
    """The definite integral of ``func`` from ``a`` to ``b``: :func:`scipy.integrate.quad`.

    Returns ``(value, abserr)``: the value is traced (differentiable in
    whatever ``func`` closes over, in ``args`` and in ``a`` and ``b``),
    ``abserr`` is a plain float estimating its error.

    How it works.  The subintervals are chosen by adaptive 21-point
    Gauss-Kronrod quadrature on the values (the worst subinterval is bisected
    until the summed error estimates meet ``max(epsabs, epsrel * |value|)``,
    or ``limit`` subintervals are in use; ``points`` splits the interval
    where the integrand is difficult).  A subinterval at an end (of the
    interval, or at one of ``points``) whose error stays at the end when it
    is halved, twice in a row, holds an integrable singularity: it gets the
    tanh-sinh rule instead, whose points crowd doubly exponentially towards
    the end (``x**-0.9`` at 0 costs a few hundred evaluations).  Where points
    that close round onto a nonzero end (``(1 - x)**-0.9`` at 1), the part
    left out is estimated in ``abserr``; SciPy's extrapolation does better
    there.  The value returned is that rule applied to the traced integrand,
    ``sum_i w_i func(a + (b - a) u_i, *args)`` with the nodes written in
    terms of the traced limits, so its derivatives are the same rule applied
    to the derivatives of the integrand, and the limits' derivatives
    (Leibniz's rule) come out of the nodes.  Infinite limits are mapped to
    ``(0, 1]`` by ``x = a + (1 - t) / t`` (and its mirror images).

    Derivatives are resolved too where that costs nothing: in forward mode
    (``jvp``, ``jacfwd``, the forward passes of ``hessian``, Taylor mode) the
    integrand's tangents and Taylor coefficients at the nodes are computed
    with its values, so their error estimates join the value's, and a
    subinterval is split until every one of them meets the tolerance too.  In
    reverse mode the derivative is not known while the subintervals are
    chosen, and the subdivision resolves the value only.

    ``func(x, *args)`` is called with one traced point at a time and must
    return a single number: write it with NumPy operations.  On the first
    subinterval it is also called once with the array of the points; when
    that gives the same values and derivative parts (it is elementwise), the
    other subintervals make one call each instead of 21.  The subdivision
    needs the values, so ``quad`` runs eagerly and under ``vmap`` (it
    resolves every batch member), but not inside ``jit`` (use
    :func:`fixed_quad` there).  ``complex_func=True`` integrates the real and
    imaginary parts separately and returns complex ``(value, abserr)``, as
    SciPy does.  ``weight`` is SciPy's: ``"cos"``/``"sin"`` (finite
    intervals), ``"alg"``, ``"alg-loga"``, ``"alg-logb"``, ``"alg-log"``
    (``wvar = (alpha, beta)``) and ``"cauchy"`` (the principal value, with
    ``f(c)`` subtracted); the weight multiplies the integrand in the same
    rule (``wvar`` is differentiable too), ``wopts`` is ignored.
    ``full_output`` is not supported.

    >>> import numpy as np, osculate as osc
    >>> f = lambda t: quad(lambda s: np.exp(-t * s), 0.0, np.inf)[0]   # = 1 / t
    >>> round(float(f(2.0)), 12), round(float(osc.grad(f)(2.0)), 12)
    (0.5, -0.25)
    >>> round(float(osc.grad(lambda b: quad(np.sin, 0.0, b)[0])(1.0)), 12)   # Leibniz: sin(b)
    0.841470984808
    """
    if full_output:
        raise NotImplementedError("osculate.scipy.integrate.quad: full_output is not supported (pass 0)")
    if not isinstance(args, tuple):
        args = (args,)
    if float(epsabs) <= 0 and float(epsrel) < max(50 * _EPS, 5e-29):
        raise ValueError("osculate.scipy.integrate.quad: if epsabs <= 0, epsrel must be greater than both 5e-29 "
                         "and 50 * (machine epsilon)")

    def run(part):
        def evaluate(x):
            return part(func(x, *args))

        def integral(g, a, b, points, weight_of_distances=None):
            return _integrate("quad", g, a, b, points, epsabs, epsrel, limit, _norm_of("max"), 1.0, 1, True,
                              weight_of_distances)

        if weight is None:
            return integral(evaluate, a, b, points)
        return _weighted(integral, evaluate, a, b, points, weight, wvar)

    if complex_func:  # the real and the imaginary part, each to the tolerance
        (re, re_err), (im, im_err) = run(_np.real), run(_np.imag)
        return re + 1j * im, re_err + 1j * im_err
    return run(lambda v: v)


_WEIGHTS = ("cos", "sin", "alg", "alg-loga", "alg-logb", "alg-log", "cauchy")


def _weighted(integral, evaluate, a, b, points, weight, wvar):
    """``quad``'s ``weight=``: the weight times the integrand by the same
    adaptive rule (its end singularities by the end rule), and the Cauchy
    principal value with the pole subtracted."""
    if weight not in _WEIGHTS:
        raise ValueError(f"osculate.scipy.integrate.quad: weight={weight!r} is not a recognized weighting function "
                         f"(one of {', '.join(_WEIGHTS)})")
    if points is not None:
        _warnings.warn("Break points cannot be specified when using weighted integrand; they are ignored.",
                       _IntegrationWarning, stacklevel=4)
    a, b = _check_limit(a, "a", "quad"), _check_limit(b, "b", "quad")
    av, bv = _limit_values(a), _limit_values(b)
    if av is None or bv is None:
        raise ValueError(_NO_VALUES.format(name="quad"))
    infinite = bool(_np.any(_np.isinf(av)) or _np.any(_np.isinf(bv)))
    if weight in ("cos", "sin"):
        if infinite:
            raise NotImplementedError("osculate.scipy.integrate.quad: weight='cos'/'sin' on an infinite interval "
                                      "(a Fourier integral) is not supported")
        wave = _np.cos if weight == "cos" else _np.sin
        return integral(lambda x: wave(wvar * x) * evaluate(x), a, b, None)
    if infinite:
        raise ValueError("osculate.scipy.integrate.quad: cannot integrate with this weight over an infinite interval")
    flip = bool(_np.all(bv < av))
    lo, hi, lov, hiv = (b, a, bv, av) if flip else (a, b, av, bv)
    if weight == "cauchy":
        c = _check_limit(wvar, "wvar", "quad")
        cv = _limit_values(c)
        if cv is None:
            raise ValueError(_NO_VALUES.format(name="quad"))
        if bool(_np.any((cv == lov) | (cv == hiv))):
            raise ValueError("osculate.scipy.integrate.quad: with weight='cauchy', wvar must not be a limit")
        if bool(_np.all((lov < cv) & (cv < hiv))):
            # PV ∫ f / (x - c) = ∫ (f(x) - f(c)) / (x - c) dx + f(c) log((hi - c) / (c - lo))
            pole = evaluate(c)
            value, err = integral(lambda x: (evaluate(x) - pole) / (x - c), lo, hi,
                                  [float(cv)] if _np.ndim(cv) == 0 else None)
            value = value + pole * _np.log((hi - c) / (c - lo))
        else:
            value, err = integral(lambda x: evaluate(x) / (x - c), lo, hi, None)
        return (-value if flip else value), err
    try:
        alpha, beta = wvar
    except (TypeError, ValueError):
        raise ValueError("osculate.scipy.integrate.quad: with weight='alg...', wvar must be the pair (alpha, beta)") \
            from None

    def algebraic(from_lo, to_hi):  # (the distances to the ends, without x's rounding)
        w = from_lo ** alpha * to_hi ** beta
        if weight in ("alg-loga", "alg-log"):
            w = w * _np.log(from_lo)
        if weight in ("alg-logb", "alg-log"):
            w = w * _np.log(to_hi)
        return w

    value, err = integral(evaluate, lo, hi, None, algebraic)
    return (-value if flip else value), err


def quad_vec(f, a, b, epsabs=1e-200, epsrel=1e-8, norm="2", cache_size=100e6, limit=10000, workers=1,
             points=None, quadrature=None, full_output=False, *, args=()):
    """The integral of an array-valued ``f`` from ``a`` to ``b``: :func:`scipy.integrate.quad_vec`.

    The adaptive Gauss-Kronrod rule of :func:`quad` (see there for how the
    subintervals are chosen and differentiated), with the error measured in
    ``norm`` (``"2"`` or ``"max"``) over the array, against
    ``max(epsabs, epsrel * norm(value))``.  Returns ``(value, abserr)``.
    ``f(x, *args)`` is called with one traced point at a time.
    ``cache_size`` and ``workers`` are accepted and have no effect;
    ``quadrature`` must be None or ``"gk21"``, ``full_output`` False.  Like
    SciPy's, it does not warn when the tolerance is not met: compare
    ``abserr`` with it.

    >>> import numpy as np, osculate as osc
    >>> f = lambda t: quad_vec(lambda s: np.stack([np.exp(-t * s), s * np.exp(-t * s)]), 0.0, np.inf)[0]
    >>> np.round(f(2.0), 12), np.round(osc.jacfwd(f)(2.0), 12)      # [1/t, 1/t²] and its derivative
    (array([0.5 , 0.25]), array([-0.25, -0.25]))
    """
    if full_output:
        raise NotImplementedError("osculate.scipy.integrate.quad_vec: full_output is not supported (pass False)")
    if quadrature not in (None, "gk21"):
        raise NotImplementedError(f"osculate.scipy.integrate.quad_vec: quadrature={quadrature!r} is not supported "
                                  "(pass None or 'gk21')")
    if norm not in ("2", "max"):
        raise ValueError(f"osculate.scipy.integrate.quad_vec: norm must be '2' or 'max', got {norm!r}")
    if not isinstance(args, tuple):
        args = (args,)
    return _integrate("quad_vec", lambda x: f(x, *args), a, b, points, epsabs, epsrel, limit, _norm_of(norm),
                      1.0 / 8.0, 2, False)


# --------------------------------------------------------------------------- iterated integrals


def nquad(func, ranges, args=None, opts=None, full_output=False):
    """An iterated integral over several variables: :func:`scipy.integrate.nquad`.

    ``func(x0, x1, ..., xn, *args)``; ``ranges[i]`` is the range of ``xi``:
    a pair ``(low, high)`` or a function of the outer variables and
    ``args`` returning one; ``opts`` holds :func:`quad`'s options, one dict
    for every level, a list of them or of functions of the outer variables.
    Each level is a :func:`quad` (``ranges[0]`` innermost), so everything
    is differentiable: ``func``'s parameters, ``args``, and limits that are
    traced or depend on the outer variables.  Returns ``(value, abserr)``,
    the largest error estimate of the levels' calls.

    >>> import numpy as np, osculate as osc
    >>> f = lambda t: nquad(lambda x, y: np.exp(-t * (x + y)), [(0.0, 1.0), (0.0, 1.0)])[0]
    >>> g = lambda t: ((1 - np.exp(-t)) / t) ** 2                     # the same, in closed form
    >>> bool(abs(f(1.0) - g(1.0)) < 1e-14), bool(abs(osc.grad(f)(1.0) - osc.grad(g)(1.0)) < 1e-14)
    (True, True)
    """
    if full_output:
        raise NotImplementedError("osculate.scipy.integrate.nquad: full_output is not supported (pass False)")
    depth = len(ranges)
    args = () if args is None else tuple(args)
    ranges = [r if callable(r) else _constant(tuple(r)) for r in ranges]
    if opts is None or isinstance(opts, dict):
        opts = [opts or {}] * depth
    if len(opts) != depth:
        raise ValueError(f"osculate.scipy.integrate.nquad: opts has {len(opts)} entries for {depth} ranges")
    opts = [o if callable(o) else _constant(dict(o)) for o in opts]
    errors = []

    def level(i, outer):  # the integral over x_i, the variables after it (outer) fixed
        low, high = ranges[i](*outer, *args)
        options = dict(opts[i](*outer, *args))
        if options.get("points") is not None:
            lo_v, hi_v = _limit_values(low), _limit_values(high)
            options["points"] = [p for p in options["points"] if lo_v is None or lo_v <= p <= hi_v]
        if i == 0:
            inner = lambda x: func(x, *outer, *args)  # noqa: E731
        else:
            inner = lambda x: level(i - 1, (x, *outer))  # noqa: E731
        value, err = quad(inner, low, high, **options)
        errors.append(err)
        return value

    value = level(depth - 1, ())
    return value, max(errors)


def _constant(value):
    """A function of anything returning ``value`` (a range or options given as they are)."""
    return lambda *_: value


def _bound(fn):
    """A limit of :func:`dblquad`/:func:`tplquad`: a function of the outer variables, or a number."""
    return fn if callable(fn) else _constant(fn)


def dblquad(func, a, b, gfun, hfun, args=(), epsabs=1.49e-8, epsrel=1.49e-8):
    """``∫_a^b ∫_{gfun(x)}^{hfun(x)} func(y, x) dy dx``: :func:`scipy.integrate.dblquad`.

    :func:`nquad` with SciPy's argument order (``y`` first); ``gfun`` and
    ``hfun`` are functions of ``x`` or numbers.  Differentiable in all of
    them, in ``a``, ``b`` and in what ``func`` closes over.

    >>> import numpy as np, osculate as osc
    >>> area = lambda r: dblquad(lambda y, x: 1.0, -r, r, lambda x: -np.sqrt(r * r - x * x),
    ...                          lambda x: np.sqrt(r * r - x * x))[0]
    >>> round(float(area(1.0)), 7), round(float(osc.grad(area)(1.0)), 7)   # π r², 2 π r
    (3.1415927, 6.2831853)
    """
    low, high = _bound(gfun), _bound(hfun)
    return nquad(func, [lambda x, *rest: (low(x), high(x)), (a, b)], args=args,
                 opts={"epsabs": epsabs, "epsrel": epsrel})


def tplquad(func, a, b, gfun, hfun, qfun, rfun, args=(), epsabs=1.49e-8, epsrel=1.49e-8):
    """``∫_a^b ∫_{gfun(x)}^{hfun(x)} ∫_{qfun(x, y)}^{rfun(x, y)} func(z, y, x) dz dy dx``:
    :func:`scipy.integrate.tplquad`.

    :func:`nquad` with SciPy's argument order; the limits are functions or
    numbers, and everything is differentiable.

    >>> import numpy as np
    >>> round(float(tplquad(lambda z, y, x: x * y * z, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0)[0]), 12)
    0.125
    """
    low, high, bottom, top = _bound(gfun), _bound(hfun), _bound(qfun), _bound(rfun)
    return nquad(func, [lambda y, x, *rest: (bottom(x, y), top(x, y)), lambda x, *rest: (low(x), high(x)), (a, b)],
                 args=args, opts={"epsabs": epsabs, "epsrel": epsrel})
