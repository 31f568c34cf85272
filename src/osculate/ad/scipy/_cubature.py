"""Quasi-Monte Carlo integration (``qmc_quad``), adaptive cubature
(``cubature``) and the Newton-Cotes weights (``newton_cotes``) on traced values.

``qmc_quad``'s estimate is a weighted sum: with the low-discrepancy points
``u_j`` of the unit cube that SciPy's generator gives, each estimate is
``prod(b - a) / n * sum_j f(a + (b - a) u_j)``.  The points are drawn by
SciPy itself (so a ``qrng`` gives SciPy's points, and consumes its state as
SciPy does) and the sum is written with the traced limits and integrand:
differentiable in whatever ``func`` closes over and in ``a`` and ``b``,
through the volume and the mapping of the points.

``cubature`` chooses its regions from the integrand's values, a choice that
has no derivative.  So SciPy runs on the plain values (of the limits, and of
the integrand, whatever it closes over) and reports the regions it ended
with; the same rule is then applied on each of them with the nodes written as
functions of the traced limits, so the estimate is the rule's sum on fixed
regions, differentiable in the limits, ``args`` and the integrand's
parameters to any order.
"""

from __future__ import annotations

import dataclasses as _dataclasses
import warnings as _warnings

import numpy as _np
import scipy.integrate as _si
from scipy.integrate._quadrature import QMCQuadResult

try:  # SciPy's cubature and its rules (SciPy 1.15 and later; private modules, so a later SciPy may move them)
    from scipy.integrate._cubature import CubatureResult
    from scipy.integrate._rules import GaussKronrodQuadrature, GenzMalikCubature, ProductNestedFixed
except ImportError:  # pragma: no cover - an older SciPy: cubature() says so when called
    CubatureResult = GaussKronrodQuadrature = GenzMalikCubature = ProductNestedFixed = None

from ..core import ConcretizationError as _ConcretizationError
from ..core import Tracer as _Tracer
from .. import numpy as _onp
from ._quadrature_values import _limit_values, primal as _primal

__all__ = ["qmc_quad", "newton_cotes", "cubature"]


def _unit_samples(dim, n_estimates, n_points, qrng):
    """The ``n_estimates`` batches of points in the unit cube SciPy's ``qmc_quad`` would use, drawn by it."""
    samples = []

    def record(x):
        samples.append(_np.array(x, copy=True))
        return _np.zeros(x.shape[-1])

    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        _si.qmc_quad(record, _np.zeros(dim), _np.ones(dim), n_estimates=n_estimates, n_points=n_points, qrng=qrng)
    return samples[-n_estimates:]  # (after its two trial calls, at the centre and at the corners)


def qmc_quad(func, a, b, *, n_estimates=8, n_points=1024, qrng=None, log=False):
    """Quasi-Monte Carlo integration over the box from ``a`` to ``b``: :func:`scipy.integrate.qmc_quad`.

    ``func(x)`` gets the points as ``x`` of shape ``(d, n_points)`` and
    returns ``n_points`` values; the result is ``(integral,
    standard_error)``, both traced (the standard error is the spread of the
    ``n_estimates`` estimates, also a smooth function of the values).  Pass
    a seeded ``qrng`` (``scipy.stats.qmc.Halton(d, seed=...)``) for the same
    points as SciPy; without one SciPy draws fresh random scrambles every
    call, and so does this.  ``log=True`` is not supported on traced values.

    >>> import numpy as np, osculate as osc
    >>> from scipy.stats import qmc
    >>> f = lambda c: qmc_quad(lambda x: np.exp(c * x[0]) * x[1], [0.0, 0.0], [1.0, 1.0],
    ...                        qrng=qmc.Halton(2, seed=1)).integral    # ≈ (e^c - 1) / (2 c), 1/2
    >>> round(float(f(1.0)), 4), round(float(osc.grad(f)(1.0)), 4)
    (0.8596, 0.5002)
    """
    if not callable(func):
        raise TypeError("osculate.scipy.integrate.qmc_quad: func must be callable")
    a, b = _onp.asarray(a) * 1.0, _onp.asarray(b) * 1.0
    if a.ndim > 1 or a.shape != b.shape:
        raise ValueError("osculate.scipy.integrate.qmc_quad: a and b must be 1-D arrays of the same length")
    dim = a.shape[0] if a.ndim else 1
    a, b = _onp.reshape(a, (dim,)), _onp.reshape(b, (dim,))
    if log and (isinstance(a, _Tracer) or isinstance(b, _Tracer)):
        raise NotImplementedError("osculate.scipy.integrate.qmc_quad: log=True is not supported on traced values: "
                                  "integrate np.exp of the log-integrand with log=False")
    if isinstance(n_estimates, bool) or int(n_estimates) != n_estimates or n_estimates < 1:
        raise ValueError("osculate.scipy.integrate.qmc_quad: n_estimates must be a positive integer")
    if isinstance(n_points, bool) or int(n_points) != n_points or n_points < 1:
        raise ValueError("osculate.scipy.integrate.qmc_quad: n_points must be a positive integer")
    samples = _unit_samples(dim, int(n_estimates), int(n_points), qrng)
    av, bv = _np.asarray(_plain(a)), _np.asarray(_plain(b))
    if _np.any(av == bv):
        _warnings.warn("A lower limit was equal to an upper limit, so the value of the integral is zero by "
                       "definition.", stacklevel=2)
        return QMCQuadResult(_np.asarray(0.0), _np.asarray(0.0))
    swap = bv < av
    lo, hi = _onp.where(swap, b, a), _onp.where(swap, a, b)
    sign = -1.0 if _np.count_nonzero(swap) % 2 else 1.0
    step = _onp.prod(hi - lo) / n_points
    estimates = []
    for sample in samples:
        values = _onp.asarray(func(_onp.transpose(_onp.transpose(sample) * (hi - lo) + lo)))
        if log:
            m = _np.max(_np.asarray(_plain(values)))
            estimates.append(m + _onp.log(_onp.sum(_onp.exp(values - m))) + _onp.log(step))
        else:
            estimates.append(_onp.sum(values * step))
    estimates = _onp.stack(estimates)
    if log:
        m = _np.max(_np.asarray(_plain(estimates)))
        integral = m + _onp.log(_onp.mean(_onp.exp(estimates - m)))
        spread = _onp.std(_onp.exp(estimates - m), ddof=1) / _np.sqrt(n_estimates)
        error = m + _onp.log(spread)
        return QMCQuadResult(integral + (_np.pi * 1j if sign < 0 else 0.0), error)
    integral = _onp.mean(estimates)
    error = _onp.std(estimates, ddof=1) / _np.sqrt(n_estimates)
    return QMCQuadResult(integral * sign, error)


def _plain(v):
    """The plain value of ``v`` (its primal: the limits' order decides only the sign)."""
    while isinstance(v, _Tracer):
        v = getattr(v, "primal", getattr(v, "val", None))
        if v is None:
            raise ValueError("osculate.scipy.integrate.qmc_quad: the order of the limits must be known (not inside "
                             "jit with traced limits); pass them plain, or ordered, outside jit")
    return v


def newton_cotes(rn, equal=0):
    """The weights and error coefficient of a Newton-Cotes rule: :func:`scipy.integrate.newton_cotes`.

    A rule is a set of plain weights (integer ``rn``, or plain sample
    positions): SciPy's result, constant.  To integrate traced samples, use
    the weights in a sum (``dx * np.sum(w * y)``), which differentiates in
    ``y`` and ``dx``; for traced sample positions use
    :func:`osculate.scipy.integrate.simpson` or ``trapezoid`` with ``x``.

    >>> an, b = newton_cotes(2)
    >>> an * 3, b
    (array([1., 4., 1.]), -0.011111111111111112)
    """
    if isinstance(rn, _Tracer) or isinstance(equal, _Tracer):
        raise TypeError("osculate.scipy.integrate.newton_cotes: the rule's positions are plain numbers (its weights "
                        "are constants); for traced sample positions use osculate.scipy.integrate.simpson or "
                        "trapezoid with x=")
    return _si.newton_cotes(rn, equal)


# --------------------------------------------------------------------------- cubature


def _cubature_rule(rule, ndim):
    """SciPy's rule for the name ``rule`` in ``ndim`` dimensions (a rule object as it is)."""
    if not isinstance(rule, str):
        return rule
    if rule == "genz-malik":
        return GenzMalikCubature(ndim)
    base = {"gauss-kronrod": 21, "gk21": 21, "gk15": 15}.get(rule)
    if base is None:
        raise ValueError(f"unknown rule {rule}")
    return ProductNestedFixed([GaussKronrodQuadrature(base)] * ndim)


def _nodes_on_regions(rule, regions, ndim):
    """The nodes of ``rule`` and of its lower-order partner on every region (in
    SciPy's coordinates, as SciPy places them), with the weights of the
    estimate and of the error estimate: arrays ``(regions, nodes, ...)``."""
    nodes, weights = rule.nodes_and_weights
    lower_nodes, lower_weights = rule.lower_nodes_and_weights
    unit = _np.concatenate([_np.reshape(nodes, (len(weights), -1)), _np.reshape(lower_nodes, (len(lower_weights), -1))])
    w_high = _np.concatenate([weights, _np.zeros(len(lower_weights))])
    w_err = _np.concatenate([weights, -_np.asarray(lower_weights)])
    ra = _np.stack([_np.asarray(r.a, dtype=float) for r in regions])          # (R, n)
    rb = _np.stack([_np.asarray(r.b, dtype=float) for r in regions])
    lengths = rb - ra
    points = (unit[None] + 1) * (lengths[:, None, :] * 0.5) + ra[:, None, :]  # (R, M, n), SciPy's formula
    scale = _np.prod(lengths, axis=-1)[:, None] / 2 ** ndim
    return points, w_high[None] * scale, w_err[None] * scale


def _map_points(t, lo, hi, lo_v, hi_v, reflect):
    """The traced integration points for SciPy's points ``t`` (rows of ``(N, n)``),
    the Jacobian of SciPy's change of variables for infinite limits, and the
    factor by which the traced limits scale every region's volume.

    Along a finite side the point ``t`` is ``lo + (hi - lo) u`` with
    ``u = (t - lo) / (hi - lo)`` fixed; it is written ``t + (lo' - lo)(1 - u) +
    (hi' - hi) u`` so that its value is SciPy's point to the last bit and its
    derivative that of the affine map.  Along ``[s, inf)`` it is ``s + (1 - t) / t``
    (traced in ``s``), along ``(-inf, inf)`` ``(1 - |t|) / t``; ``(-inf, e]`` was
    reflected to ``[-e, inf)`` (``reflect``) and is reflected back here.  A NaN
    limit counts as a finite one, so that it reaches the points, the value and
    every derivative (as NaN), as in NumPy."""
    finite = ~_np.isinf(lo_v) & ~_np.isinf(hi_v)
    semi = ~_np.isinf(lo_v) & _np.isinf(hi_v)
    double = _np.isinf(lo_v) & _np.isinf(hi_v)
    span = _np.where(finite, hi_v - lo_v, 1.0)
    u = _np.where(finite, (t - _np.where(finite, lo_v, 0.0)) / span, 0.0)
    safe_t = _np.where(finite, 1.0, t)
    x_plain = _np.where(semi, _np.where(semi, lo_v, 0.0) + (1 - safe_t) / safe_t,
                        _np.where(double, (1 - _np.abs(safe_t)) / safe_t, t))
    has_lo = semi | finite
    dlo = _onp.where(has_lo, lo, 0.0) - _np.where(has_lo, lo_v, 0.0)   # (zero-valued: the limits' motion)
    dhi = _onp.where(finite, hi, 0.0) - _np.where(finite, hi_v, 0.0)
    x = x_plain + dlo * (1 - u) * finite + dlo * semi + dhi * u
    x = _onp.where(reflect, -x, x)
    jacobian = 1.0 / _np.prod(_np.where(finite, 1.0, safe_t ** 2), axis=-1)
    volume = _onp.prod(1.0 + (dhi - dlo) * finite / span)     # (every region's volume scales by this: 1 in value)
    return x, jacobian, volume


def cubature(f, a, b, *, rule="gk21", rtol=1e-8, atol=0, max_subdivisions=10000, args=(), workers=1, points=None):
    """Adaptive cubature over a box: :func:`scipy.integrate.cubature`.

    ``f(x, *args)`` gets points as rows of ``x`` (shape ``(npoints, ndim)``)
    and returns ``(npoints, ...)`` values; it must be written with NumPy
    operations.  SciPy subdivides on the plain values and reports the regions
    it ended with; on those regions the same rule is written with the traced
    limits, ``args`` and integrand, so ``estimate`` (and ``error``, the sum of
    the regions' ``|rule - lower rule|``) is differentiable in all of them.
    The estimate is the rule's sum over the final regions: SciPy's own
    running total, to rounding.  Along ``(-inf, b]`` SciPy's change of
    variables evaluates ``f`` at the wrong points, so such a side is
    reflected to ``[-b, inf)`` before SciPy sees it (the value is then
    the integral's, not SciPy's).  Under ``jit`` the values are unknown and
    the regions cannot be chosen: call it outside ``jit``; limits batched by
    ``vmap`` are refused (each would need its own regions).

    >>> import numpy as np, osculate as osc
    >>> g = lambda t: cubature(lambda x: np.exp(-t * np.sum(x ** 2, axis=-1)), [0.0, 0.0], [1.0, 2.0]).estimate
    >>> round(float(g(1.0)), 10), round(float(osc.grad(g)(1.0)), 6)
    (0.6587596697, -0.482831)
    """
    if CubatureResult is None:
        raise NotImplementedError("osculate.scipy.integrate.cubature needs SciPy's cubature (SciPy 1.15 or later)")
    if not callable(f):
        raise TypeError("osculate.scipy.integrate.cubature: f must be callable")
    a, b = _onp.asarray(a) * 1.0, _onp.asarray(b) * 1.0
    args = tuple(args)
    traced = any(isinstance(v, _Tracer) for v in (a, b, *args))
    av, bv = _limit_values(a), _limit_values(b)
    if av is None or bv is None:
        raise _ConcretizationError("osculate.scipy.integrate.cubature: the regions are chosen from values, which "
                                   "jit does not have; call cubature outside jit (it differentiates and vmaps)")
    if av.shape != _np.shape(a) or bv.shape != _np.shape(b):
        raise NotImplementedError("osculate.scipy.integrate.cubature: limits batched by vmap would each need their "
                                  "own regions; loop over them, or vmap over the integrand's parameters instead")
    if av.ndim != 1 or bv.ndim != 1 or av.size == 0 or av.shape != bv.shape:
        raise ValueError("osculate.scipy.integrate.cubature: a and b must be nonempty 1-D arrays of the same length")
    ndim = av.shape[0]
    swap = bv < av
    sign = -1.0 if _np.count_nonzero(swap) % 2 else 1.0
    lo_v, hi_v = _np.where(swap, bv, av), _np.where(swap, av, bv)
    lo, hi = _onp.where(swap, b, a), _onp.where(swap, a, b)
    reflect = (lo_v == -_np.inf) & (hi_v != _np.inf)        # (-inf, e] -> [-e, inf)
    if _np.any(reflect):
        lo_v, hi_v = _np.where(reflect, -hi_v, lo_v), _np.where(reflect, _np.inf, hi_v)
        lo, hi = _onp.where(reflect, -hi, lo), _onp.where(reflect, _np.inf, hi)
        if points is not None:
            points = [_np.where(reflect, -_np.asarray(p, dtype=float), _np.asarray(p, dtype=float)) for p in points]
    seen_traced = []

    def plain_f(x):
        out = f(_np.where(reflect, -x, x), *args)
        if isinstance(out, _Tracer):
            seen_traced.append(True)
            return _primal(out)[0]  # (vmap's batch axes at the end: one set of regions for the whole batch)
        return out

    res = _si.cubature(plain_f, lo_v, hi_v, rule=rule, rtol=rtol, atol=atol, max_subdivisions=max_subdivisions,
                       workers=workers, points=points)
    if not traced and not seen_traced and not _np.any(reflect):
        return _dataclasses.replace(res, estimate=sign * res.estimate)  # (SciPy's result: it flips the limits too)
    the_rule = _cubature_rule(rule, ndim)
    t, w_high, w_err = _nodes_on_regions(the_rule, res.regions, ndim)
    n_regions, n_nodes = w_high.shape
    x, jacobian, volume = _map_points(_np.reshape(t, (-1, ndim)), lo, hi, lo_v, hi_v, reflect)
    values = _onp.asarray(f(x, *args))
    values = values * _np.reshape(jacobian, (-1,) + (1,) * (values.ndim - 1)) * volume
    values = _onp.reshape(values, (n_regions, n_nodes) + tuple(values.shape[1:]))
    tail = (1,) * (values.ndim - 2)
    estimate = _onp.sum(_onp.reshape(w_high, w_high.shape + tail) * values, axis=(0, 1))
    error = _onp.sum(_onp.abs(_onp.sum(_onp.reshape(w_err, w_err.shape + tail) * values, axis=1)), axis=0)
    return CubatureResult(estimate=sign * estimate, error=error, status=res.status, subdivisions=res.subdivisions,
                          regions=res.regions, atol=res.atol, rtol=res.rtol)
