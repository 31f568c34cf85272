"""SciPy's elementwise double-exponential quadrature (``tanhsinh``) and series
summation (``nsum``) on traced values.

The level of the tanh-sinh rule each element needs is chosen on the plain
values, by SciPy's error estimate (the same levels SciPy stops at); the
integral is then that rule written with the traced limits, integrand and
``args``: ``h sum_j w_j f(x_j)`` with ``x_j = b - (b - a) / 2 * c_j`` (and
its mirror).  So its derivative in ``args`` (or in what ``f`` closes over) is
the same rule applied to the derivative of ``f``, and its derivative in a
limit comes out of the nodes moving with it: Leibniz's rule, the boundary term
``± f(limit)`` being the rule's integral of ``d/dx f`` weighted by the nodes'
share of the interval.  Infinite limits use SciPy's substitutions
(``x = 1/t - 1 + a`` and ``x = t / (1 - t²)``), written with the traced
finite limit.

Under ``vmap`` every batch member is integrated at the finest level any of
them needs (more accurate, not SciPy's level for the others); the levels
need the values, so neither function runs inside ``jit`` (use
``fixed_quad`` there).
"""

from __future__ import annotations

import functools as _functools
import math as _math

import numpy as _np
import scipy.integrate as _si
from scipy._lib._util import _RichResult

from ..core import ConcretizationError as _ConcretizationError
from ..core import Tracer as _Tracer
from .. import numpy as _onp
from ._quadrature_values import _components
from ._quadrature_values import primal as _primal

__all__ = ["tanhsinh", "nsum"]

_EPS = _np.finfo(float).eps
_H0 = _math.asinh(_math.log(2.0 / (4.0 * _np.finfo(float).smallest_normal) - 1.0) / _math.pi) / 8.0
_NO_VALUES = ("osculate.scipy.integrate.{name} chooses its level from the integrand's values, which do not exist "
              "inside jit; use osculate.scipy.integrate.fixed_quad there, or call {name} outside jit")
_CONVERGED, _NOT_CONVERGED, _VALUE_ERROR = 0, -2, -3


@_functools.lru_cache(maxsize=None)
def _level(k):
    """The abscissa complements ``1 - x_j`` and weights of the points new at level ``k`` (step ``h0 / 2**k``)."""
    h = _H0 / 2 ** k
    j = _np.arange(8 * 2 ** k + 1) if k == 0 else _np.arange(1, 8 * 2 ** k + 1, 2)
    jh = j * h
    u1 = _np.pi / 2 * _np.cosh(jh)
    u2 = _np.pi / 2 * _np.sinh(jh)
    with _np.errstate(over="ignore", under="ignore"):
        w = u1 / _np.cosh(u2) ** 2
        xc = 1.0 / (_np.exp(u2) * _np.cosh(u2))
    if k == 0:
        w[0] /= 2.0  # (x = 0 is counted on both sides)
    for arr in (xc, w):
        arr.setflags(write=False)
    return xc, w


def _first_levels(k):
    """The points of levels ``0 .. k`` together (SciPy starts at ``minlevel`` with all of them)."""
    parts = [_level(i) for i in range(k + 1)]
    return _np.concatenate([p[0] for p in parts]), _np.concatenate([p[1] for p in parts])


def _plain_points(v):
    """The value of ``v`` (points on the last axis) as ``(*shape, *batch, n)`` and the number of batch axes."""
    c, nb = _primal(v)
    return (_np.moveaxis(c, c.ndim - nb - 1, -1) if nb else c), nb


def _plain_like(v, like):
    """The plain points of ``v`` shaped to broadcast against ``like`` (``(*shape, *batch, n)``): batch axes
    that ``v`` lacks get length 1."""
    c = _plain_points(v)[0]
    missing = like.ndim - c.ndim
    return c.reshape(c.shape[:-1] + (1,) * missing + c.shape[-1:]) if missing > 0 else c


def _mask_of(v, test, name, what):
    """A plain boolean ``test`` of the values of ``v``, the same for every batch member (else an error)."""
    c, nb = _primal(v)
    m = test(c)
    axes = tuple(range(m.ndim - nb, m.ndim))
    every, some = _np.all(m, axis=axes), _np.any(m, axis=axes)
    if _np.any(every != some):
        raise ValueError(f"osculate.scipy.integrate.{name}: a batch of {what} mixes kinds (finite and infinite, or "
                         "increasing and decreasing): integrate them separately")
    return every


def _any_traced(*vs):
    return any(isinstance(v, _Tracer) for v in vs)


def _check_tolerances(atol, rtol, name):
    for v in (atol, rtol):
        if v is not None and (not _np.isreal(v) or v < 0 or _np.isinf(v)):
            raise ValueError(f"osculate.scipy.integrate.{name}: atol and rtol must be non-negative and finite")


def _check_levels(maxlevel, minlevel):
    maxlevel = 10 if maxlevel is None else maxlevel
    for v in (maxlevel, minlevel):
        if isinstance(v, bool) or not float(v) == int(v) or v < 0:
            raise ValueError("osculate.scipy.integrate.tanhsinh: maxlevel and minlevel must be non-negative integers")
    return int(maxlevel), min(int(minlevel), int(maxlevel))


def tanhsinh(f, a, b, *, args=(), log=False, maxlevel=None, minlevel=2, atol=None, rtol=None, preserve_shape=False,
             callback=None):
    """Elementwise tanh-sinh quadrature of ``f`` from ``a`` to ``b``: :func:`scipy.integrate.tanhsinh`.

    ``f(x, *args)`` is elementwise: ``x`` has the broadcast shape of ``a``,
    ``b`` and ``args`` with the points on an extra last axis (``args`` get a
    last axis of 1).  The result is SciPy's (``integral``, ``error``,
    ``status``, ``success``, ``nfev``, ``maxlevel``); ``integral`` is
    differentiable in ``a``, ``b``, ``args`` and whatever ``f`` closes over
    (see the module's note), the others are plain.  Each element stops at
    the level SciPy stops at, by SciPy's error estimate of the values; the
    derivatives are those of that rule (a well-resolved integrand's
    derivative is resolved about as well).  Nothing traced: SciPy's own
    result.  ``log=True`` and ``callback`` are not supported with traced
    values.

    >>> import numpy as np, osculate as osc
    >>> f = lambda c: tanhsinh(lambda x, c: np.exp(c * x), 0.0, 1.0, args=(c,)).integral   # (e^c - 1) / c
    >>> round(float(f(2.0)), 12), round(float(osc.grad(f)(2.0)), 12)      # ((c - 1) e^c + 1) / c²
    (3.194528049465, 2.097264024733)
    >>> round(float(osc.grad(lambda b: tanhsinh(np.sin, 0.0, b).integral)(1.0)), 12)   # sin(b)
    0.841470984808
    """
    if not callable(f):
        raise ValueError("osculate.scipy.integrate.tanhsinh: f must be callable")
    if log not in (True, False):
        raise ValueError("osculate.scipy.integrate.tanhsinh: log must be True or False")
    if preserve_shape not in (True, False):
        raise ValueError("osculate.scipy.integrate.tanhsinh: preserve_shape must be True or False")
    _check_tolerances(atol, rtol, "tanhsinh")
    maxlevel_, minlevel_ = _check_levels(maxlevel, minlevel)
    if not _np.iterable(args) or isinstance(args, _Tracer):
        args = (args,)
    args = tuple(args)
    a_, b_ = _onp.asarray(a), _onp.asarray(b)
    if not _any_traced(a_, b_, *args):
        probe = _probe(f, a_, b_, args)
        if not isinstance(probe, _Tracer):
            return _si.tanhsinh(f, a, b, args=args, log=log, maxlevel=maxlevel, minlevel=minlevel, atol=atol,
                                rtol=rtol, preserve_shape=preserve_shape, callback=callback)
    if log:
        raise NotImplementedError("osculate.scipy.integrate.tanhsinh: log=True is not supported on traced values: "
                                  "integrate np.exp of the log-integrand with log=False")
    if callback is not None:
        raise NotImplementedError("osculate.scipy.integrate.tanhsinh: callback is not supported on traced values")
    try:
        with _np.errstate(all="ignore"):  # (points near a singular end: SciPy is quiet there too)
            return _traced_tanhsinh(f, a_, b_, args, maxlevel_, minlevel_, 0.0 if atol is None else float(atol),
                                    _EPS ** 0.75 if rtol is None else float(rtol))
    except _ConcretizationError:
        raise ValueError(_NO_VALUES.format(name="tanhsinh")) from None


def _probe(f, a, b, args):
    """``f`` at a point inside the interval (SciPy's first call): is the integrand traced?"""
    with _np.errstate(all="ignore"):
        av, bv = _np.asarray(a, dtype=float), _np.asarray(b, dtype=float)
        c = _np.where(_np.isinf(av), bv - 1.0, _np.where(_np.isinf(bv), av + 1.0, (av + bv) / 2.0))
        c = _np.where(_np.isinf(av) & _np.isinf(bv), 0.0, c)
        c = _np.where(_np.isnan(c), 0.0, c)
        return f(_np.broadcast_to(c, _np.broadcast_shapes(c.shape, *(_np.shape(x) for x in args)))[..., None],
                 *(_np.asarray(x)[..., None] if _np.ndim(x) else x for x in args))


def _traced_tanhsinh(f, a, b, args, maxlevel, minlevel, atol, rtol):
    shape = _np.broadcast_shapes(a.shape, b.shape, *(_np.shape(x) for x in args))
    a, b = _onp.broadcast_to(a * 1.0, shape), _onp.broadcast_to(b * 1.0, shape)
    args = tuple(_onp.broadcast_to(_onp.asarray(x), shape)[..., None] for x in args)
    equal = _mask_of(b - a, lambda v: v == 0, "tanhsinh", "limits")
    negative = _mask_of(b - a, lambda v: v < 0, "tanhsinh", "limits")
    lo, hi = _onp.where(negative, b, a), _onp.where(negative, a, b)
    lo_inf = _mask_of(lo, _np.isinf, "tanhsinh", "limits") & ~equal
    hi_inf = _mask_of(hi, _np.isinf, "tanhsinh", "limits") & ~equal
    both, left, right = lo_inf & hi_inf, lo_inf & ~hi_inf, hi_inf & ~lo_inf
    half_line = left | right
    # the finite interval the rule runs on, and the finite end of a half line (x = ±(1/t - 1 + a0))
    start = _onp.where(both, -1.0, _onp.where(half_line | equal, _np.where(equal, 1.0, 0.0), _onp.where(lo_inf, 0.0, lo)))
    stop = _onp.where(both | half_line | equal, 1.0, _onp.where(hi_inf, 1.0, hi))
    a0 = _onp.where(right, _onp.where(lo_inf, 0.0, lo), _onp.where(left, -_onp.where(hi_inf, 0.0, hi), 0.0))
    alpha = (stop - start) / 2.0
    start_c = _np.where(both, -1.0, 0.0)  # (the rule's interval where a limit is infinite: constants)
    alpha_c = (1.0 - start_c) / 2.0

    def rule(xc, w):
        """The traced ``f w`` at the points ``(xc, w)`` and the plain values (batch axes before the points)."""
        t = _onp.concatenate([stop[..., None] - alpha[..., None] * xc, start[..., None] + alpha[..., None] * xc],
                             axis=-1)
        weights = alpha[..., None] * _np.concatenate([w, w])
        tv = _plain_points(t)[0]
        sv, ev = _primal(start)[0][..., None], _primal(stop)[0][..., None]
        outside = (tv <= sv) | (tv >= ev)
        outside = outside.reshape(shape + (-1, outside.shape[-1])).any(axis=-2)  # (any batch member)
        outside = outside | (_plain_points(weights)[0].reshape(shape + (-1, outside.shape[-1])) == 0).any(axis=-2)
        weights = _onp.where(outside, 0.0, weights)
        t = _onp.where(outside, ((start + stop) / 2.0)[..., None], t)  # (f at a point inside, left out by weight 0)
        # where a limit is infinite the rule's points are constants: taken plain, so that no zero tangent meets
        # the substitution's overflowing factor
        tc = _np.concatenate([1.0 - alpha_c[..., None] * xc, start_c[..., None] + alpha_c[..., None] * xc], axis=-1)
        tc = _np.where(outside, (0.5 * (start_c + 1.0))[..., None], tc)
        values = evaluate(t, tc)
        fv, nb = _plain_points(values)
        finite = _np.isfinite(fv)
        keep = finite.reshape(shape + (-1, finite.shape[-1])).all(axis=-2)
        for part, nbp in _components(values).values():  # (derivative parts that overflow: x² e^(-x) far out)
            part = _np.moveaxis(part, part.ndim - nbp - 1, -1) if nbp else part
            keep &= _np.isfinite(part).reshape(shape + (-1, part.shape[-1])).all(axis=-2)
        if _np.any(both | half_line):  # (far out, a term that is 0 may have an overflowing derivative: x^-p)
            zero = (fv == 0).reshape(shape + (-1, fv.shape[-1])).any(axis=-2)
            keep &= ~(zero & (both | half_line)[..., None])
        if not keep.all():  # (again with those points moved inside: no inf * 0 in their derivatives)
            values = _onp.where(keep, evaluate(_onp.where(keep, t, ((start + stop) / 2.0)[..., None]),
                                               _np.where(keep, tc, (0.5 * (start_c + 1.0))[..., None])), 0.0)
        wv, tv = _plain_like(weights, fv), _plain_like(t, fv)
        fw = values * weights
        return fw, _np.where(finite, fv, 0.0) * wv, fv, _np.broadcast_to(wv, fv.shape), _np.broadcast_to(tv, fv.shape), nb

    def evaluate(t, tc):
        """The integrand at the rule's points (``t`` traced, ``tc`` plain), times the substitution's factor."""
        x, factor = t, None
        if _np.any(both):
            tb = _np.where(both[..., None], tc, 0.0)
            x = _onp.where(both[..., None], tb / (1.0 - tb * tb), x)
            factor = _np.where(both[..., None], (1.0 + tb * tb) / (1.0 - tb * tb) ** 2, 1.0)
        if _np.any(half_line):
            th = _np.where(half_line[..., None], tc, 1.0)
            x = _onp.where(half_line[..., None], 1.0 / th - 1.0 + a0[..., None], x)
            x = _onp.where(left[..., None], -x, x)
            extra = _np.where(half_line[..., None], th ** -2.0, 1.0)
            factor = extra if factor is None else factor * extra
        values = _onp.asarray(f(x, *args))
        try:
            values = _onp.broadcast_to(values, x.shape)
        except ValueError:
            raise ValueError(f"osculate.scipy.integrate.tanhsinh: f gave shape {values.shape} for points of shape "
                             f"{x.shape}") from None
        return values if factor is None else values * factor

    return _levels(rule, shape, equal, negative, maxlevel, minlevel, atol, rtol)


def _levels(rule, shape, equal, negative, maxlevel, minlevel, atol, rtol):
    """SciPy's level loop on the plain values, the traced sums kept along: the result."""
    first = _first_levels(minlevel)
    sums, plain_sums = [], []  # per level: traced and plain estimates
    extremes = None  # (right, left): the plain f w of the valid points nearest the ends so far
    chosen = status = error = None
    nfev = _np.ones(shape, dtype=_np.int32)
    count = 0
    for level in range(minlevel, maxlevel + 1):
        xc, w = first if level == minlevel else _level(level)
        h = _H0 / 2 ** level
        fw, pfw, fv, wv, tv, nb = rule(xc, w)
        m = len(xc)
        count += 2 * m
        if level == minlevel:
            traced = h * _onp.sum(fw, axis=-1)
            plain = h * _np.sum(pfw, axis=-1)
            before = []  # the estimates of the two levels below, from the same points
            sizes = _np.cumsum([len(_level(i)[0]) for i in range(minlevel + 1)])
            for back in (2, 1):
                if level - back >= 0:
                    n = sizes[level - back]
                    part = _np.concatenate([pfw[..., :n], pfw[..., m:m + n]], axis=-1)
                    before.append(h * 2 ** back * _np.sum(part, axis=-1))
            plain_sums.extend(before)
            state = _np.zeros(plain.shape, dtype=bool)
            chosen = _np.full(plain.shape, -1)
            status = _np.full(plain.shape, _NOT_CONVERGED, dtype=_np.int32)
            error = _np.full(plain.shape, _np.nan)
            eq = _np.broadcast_to(_np.reshape(equal, equal.shape + (1,) * nb), plain.shape)
            state |= eq
            status[eq], error[eq] = _CONVERGED, 0.0
        else:
            traced = sums[-1] / 2.0 + h * _onp.sum(fw, axis=-1)
            plain = plain_sums[-1] / 2.0 + h * _np.sum(pfw, axis=-1)
        sums.append(traced)
        extremes = _extremes(extremes, fv, wv, tv, m)
        if len(plain_sums) >= 2:
            aerr = _error(plain, plain_sums[-1], plain_sums[-2], pfw, extremes)
            with _np.errstate(divide="ignore", invalid="ignore"):
                done = ((aerr / _np.abs(plain) < rtol) | (aerr < atol)) & ~state
        else:
            aerr = _np.full(plain.shape, _np.nan)
            done = _np.zeros(plain.shape, dtype=bool)
        bad = ~_np.isfinite(plain) & ~state & ~done
        for mask, code in ((done, _CONVERGED), (bad, _VALUE_ERROR)):
            status[mask], chosen[mask], error[mask] = code, level, aerr[mask]
        active = ~state
        nfev = nfev + (_np.any(active, axis=tuple(range(len(shape), active.ndim))) if nb else active) * 2 * m
        state |= done | bad
        plain_sums.append(plain)
        last = level
        if state.all():
            break
    rest = ~state
    status[rest], chosen[rest], error[rest] = _NOT_CONVERGED, last, aerr[rest]
    per_element = _np.max(chosen, axis=tuple(range(len(shape), chosen.ndim))) if chosen.ndim > len(shape) else chosen
    integral = _onp.zeros(shape)
    for i, s in enumerate(sums):
        integral = _onp.where(per_element == minlevel + i, s, integral)
    integral = _onp.where(negative, -integral, integral)
    if chosen.ndim > len(shape):  # (under vmap: the plain fields of the first batch member)
        index = (Ellipsis,) + (0,) * (chosen.ndim - len(shape))
        status, error, chosen = status[index], error[index], chosen[index]
    return _RichResult(success=status == 0, status=status[()], integral=integral, error=error[()],
                       nfev=_np.where(equal, 1, nfev)[()], maxlevel=chosen[()])


def _extremes(previous, fv, wv, tv, m):
    """The ``f w`` of the valid point nearest each end (right: largest x, left: smallest) over the levels so far."""
    out = []
    for side, part in ((0, slice(0, m)), (1, slice(m, 2 * m))):
        f, w, t = fv[..., part], wv[..., part], tv[..., part]
        valid = _np.isfinite(f) & (w != 0)
        key = _np.where(valid, t if side == 0 else -t, -_np.inf)
        i = _np.argmax(key, axis=-1)[..., None]
        best = _np.take_along_axis(key, i, axis=-1)[..., 0]
        term = (_np.take_along_axis(f, i, axis=-1) * _np.take_along_axis(w, i, axis=-1))[..., 0]
        if previous is None:
            out.append((best, _np.where(best > -_np.inf, term, _np.nan * term)))
        else:
            old_best, old_term = previous[side]
            better = best > old_best
            out.append((_np.where(better, best, old_best), _np.where(better, term, old_term)))
    return out


def _error(sn, snm1, snm2, fw, extremes):
    """SciPy's error estimate of the tanh-sinh sum (Bailey's, from the last three levels and the terms)."""
    with _np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        d1 = _np.abs(sn - snm1)
        d2 = _np.abs(sn - snm2)
        d3 = _EPS * _np.max(_np.abs(fw), axis=-1)
        d4 = _np.maximum(_np.abs(extremes[0][1]), _np.abs(extremes[1][1]))
        d5 = _EPS * _np.abs(sn)
        temp = _np.where(d1 > 0, d1 ** (_np.log(d1) / _np.log(d2)), 0.0)
        return _np.clip(_np.max(_np.stack([temp, d1 ** 2, d3, d4]), axis=0), d5, d1)


# --------------------------------------------------------------------------- nsum


def _uniform(v, name, what):
    """The plain values of ``v``, the same for every batch member (else an error)."""
    c, nb = _primal(v)
    c = _np.asarray(c, dtype=float)
    if nb:
        flat = c.reshape(c.shape[:c.ndim - nb] + (-1,))
        if not _np.all((flat == flat[..., :1]) | (_np.isnan(flat) & _np.isnan(flat[..., :1]))):
            raise ValueError(f"osculate.scipy.integrate.{name}: under vmap the {what} must be the same for every "
                             "batch member (the number of terms is an integer)")
        c = flat[..., 0]
    return c


def _direct(f, a, b, step, args, count):
    """``sum_{j < count} f(a + j step)`` per element (``count`` plain); terms past an element's count are 0."""
    most = int(_np.max(count, initial=0))
    if most == 0:
        return _onp.zeros(a.shape)
    j = _np.arange(most)
    past = j >= count[..., None]
    ks = a[..., None] + j * step[..., None]
    ks = _onp.where(past, a[..., None], ks)  # (a point f accepts, left out below)
    values = _onp.broadcast_to(_onp.asarray(f(ks, *args)), ks.shape)
    return _onp.sum(_onp.where(past, 0.0, values), axis=-1)


def _tail_sum(f, a, b, step, args, atol, rtol, maxterms):
    """(``args`` as given to the user's function: a last axis of 1 added.)"""
    """SciPy's sum of a decreasing tail from ``a`` to ``b`` (often infinite): the first terms directly, the rest
    by the integral with the Euler-Maclaurin end corrections ``(f(k) + f(b)) / 2``.  ``(sum, error, status)``."""
    flat_args = tuple(x[..., 0] for x in args)
    bound = tanhsinh(f, a, b, args=flat_args, atol=atol, rtol=rtol)
    tol = atol + rtol * _uniform(bound.integral, "nsum", "integral bound")
    steps = _np.concatenate([2.0 ** _np.arange(0, _math.floor(_math.log2(maxterms)) if maxterms else 0),
                             [float(maxterms)]])
    av, sv = _uniform(a, "nsum", "start"), _uniform(step, "nsum", "step")
    ks = av[..., None] + steps * sv[..., None]
    fks = _uniform(f(ks, *args), "nsum", "terms")
    fks1 = _uniform(f(ks + sv[..., None], *args), "nsum", "terms")
    short = (fks > tol[..., None]) | (fks1 > fks)
    count = _np.sum(short, axis=-1)
    n = steps[_np.minimum(count, len(steps) - 1)]
    k = a + n * step
    left = _direct(f, a, k, step, args, n.astype(int))
    right = tanhsinh(f, k, b, args=flat_args, atol=atol, rtol=rtol)
    fk = _onp.asarray(f(k[..., None], *args))[..., 0]
    finite_b = _np.isfinite(_uniform(b, "nsum", "end"))
    fb = 0.0
    if _np.any(finite_b):
        fb = _onp.where(finite_b, _onp.asarray(f(_onp.where(finite_b, b, 0.0)[..., None], *args))[..., 0], 0.0)
    total = left + right.integral / step + fk / 2.0 + fb / 2.0
    leftv = _uniform(left, "nsum", "sum")
    error = (_EPS * _np.abs(leftv) + _np.asarray(right.error) / sv + _uniform(fk, "nsum", "terms") / 2.0
             - _uniform(fb, "nsum", "terms") / 2.0)
    status = _np.where((right.status == 0) & (count == len(steps)), -4, right.status)
    return total, error, status


def nsum(f, a, b, *, step=1, args=(), log=False, maxterms=int(2 ** 20), tolerances=None):
    """The sum of ``f(a + k step, *args)`` for ``k = 0, 1, ...`` while ``a + k step <= b``:
    :func:`scipy.integrate.nsum`.

    Elementwise like :func:`tanhsinh`.  Up to ``maxterms`` terms are added
    directly; a longer or infinite range is SciPy's way: the first terms
    directly, then the tail by the integral (:func:`tanhsinh`) and the
    Euler-Maclaurin end corrections, with the split chosen on the values.
    The ``sum`` is differentiable in ``args``, in what ``f`` closes over, and
    in ``a``, ``b`` and ``step`` through the points (the number of terms is
    an integer: constant).  ``log=True`` is not supported on traced values.

    >>> import numpy as np, osculate as osc
    >>> s = lambda p: nsum(lambda k, p: k ** -p, 1.0, np.inf, args=(p,)).sum   # zeta(p)
    >>> round(float(s(2.0)), 9), round(float(osc.grad(s)(2.0)), 9)          # pi²/6, zeta'(2)
    (1.644934067, -0.937548254)
    """
    if not callable(f):
        raise ValueError("osculate.scipy.integrate.nsum: f must be callable")
    if not _np.iterable(args) or isinstance(args, _Tracer):
        args = (args,)
    args = tuple(args)
    a_, b_, step_ = _onp.asarray(a), _onp.asarray(b), _onp.asarray(step)
    if not _any_traced(a_, b_, step_, *args):
        av = _np.asarray(a, dtype=float)
        probe = f(_np.where(_np.isfinite(av), av, 0.0)[..., None],
                  *(_np.asarray(x)[..., None] if _np.ndim(x) else x for x in args))
        if not isinstance(probe, _Tracer):
            return _si.nsum(f, a, b, step=step, args=args, log=log, maxterms=maxterms, tolerances=tolerances)
    if log:
        raise NotImplementedError("osculate.scipy.integrate.nsum: log=True is not supported on traced values: sum "
                                  "np.exp of the log-terms with log=False")
    tolerances = {} if tolerances is None else dict(tolerances)
    atol, rtol = tolerances.get("atol", 0.0), tolerances.get("rtol", None)
    _check_tolerances(atol, rtol, "nsum")
    rtol = _EPS ** 0.5 if rtol is None else float(rtol)
    if isinstance(maxterms, bool) or int(maxterms) != maxterms or maxterms < 0:
        raise ValueError("osculate.scipy.integrate.nsum: maxterms must be a non-negative integer")
    try:
        with _np.errstate(all="ignore"):
            return _traced_nsum(f, a_, b_, step_, args, float(atol), rtol, int(maxterms))
    except _ConcretizationError:
        raise ValueError(_NO_VALUES.format(name="nsum")) from None


def _traced_nsum(f, a, b, step, args, atol, rtol, maxterms):
    shape = _np.broadcast_shapes(a.shape, b.shape, step.shape, *(_np.shape(x) for x in args))
    a, b, step = (_onp.broadcast_to(v * 1.0, shape) for v in (a, b, step))
    args = tuple(_onp.broadcast_to(_onp.asarray(x), shape)[..., None] for x in args)
    av, bv, sv = (_uniform(v, "nsum", "limits") for v in (a, b, step))
    valid = ~(_np.isnan(av) | _np.isnan(bv) | _np.isnan(sv) | (sv <= 0) | _np.isinf(sv) | (av == _np.inf)
              | (bv == -_np.inf) | (_np.isinf(av) & (av == bv)))
    with _np.errstate(all="ignore"):
        nterms = _np.floor((bv - av) / sv)
    finite = _np.isfinite(nterms)
    b = _onp.where(finite, a + _np.where(finite, nterms, 0.0) * step, b)
    empty = valid & (bv < av)
    direct = valid & ~empty & finite & (nterms + 1 <= maxterms)
    right = valid & ~empty & ~direct & _np.isfinite(av)
    left = valid & ~empty & ~direct & ~right & _np.isfinite(bv)
    both = valid & ~empty & ~direct & ~right & ~left
    total = _onp.zeros(shape)
    error = _np.zeros(shape)
    status = _np.zeros(shape, dtype=_np.int32)
    nfev = _np.zeros(shape, dtype=_np.int32)
    if _np.any(direct):
        count = _np.where(direct, _np.round(_np.where(direct, nterms, 0.0)) + 1, 0).astype(int)
        s = _direct(f, _onp.where(direct, a, 0.0), b, _onp.where(direct, step, 1.0), args, count)
        total = _onp.where(direct, s, total)
        sval = _uniform(s, "nsum", "sum")
        error = _np.where(direct, _EPS * _np.abs(sval), error)
        status = _np.where(direct & ~_np.isfinite(sval), -3, status)
        nfev = _np.where(direct, count, nfev)
    tails = ((right, lambda x, *p: f(x, *p), a, b), (left, lambda x, *p: f(-x, *p), -b, -a),
             (both, lambda x, *p: (f(x, *p) + f(-x, *p)) * _onp.where(x == 0, 0.5, 1.0), _onp.zeros(shape), b))
    for mask, g, lo, hi in tails:
        if _np.any(mask):
            lo = _onp.where(mask, lo, 0.0)
            hi = _onp.where(mask, hi, _np.inf)
            s, e, st = _tail_sum(g, lo, hi, _onp.where(mask, step, 1.0), args, atol, rtol, maxterms)
            total = _onp.where(mask, s, total)
            error = _np.where(mask, e, error)
            status = _np.where(mask, st, status)
    total = _onp.where(valid, total, _np.nan)
    error = _np.where(valid, error, _np.nan)
    status = _np.where(valid, status, -1)
    return _RichResult(sum=total, error=error[()], status=status[()], success=(status == 0)[()], nfev=nfev[()])
