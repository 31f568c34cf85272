"""Quasi-Monte Carlo integration (``qmc_quad``) and the Newton-Cotes weights
(``newton_cotes``) on traced values.

``qmc_quad``'s estimate is a weighted sum: with the low-discrepancy points
``u_j`` of the unit cube that SciPy's generator gives, each estimate is
``prod(b - a) / n * sum_j f(a + (b - a) u_j)``.  The points are drawn by
SciPy itself (so a ``qrng`` gives SciPy's points, and consumes its state as
SciPy does) and the sum is written with the traced limits and integrand:
differentiable in whatever ``func`` closes over and in ``a`` and ``b``,
through the volume and the mapping of the points.
"""

from __future__ import annotations

import warnings as _warnings

import numpy as _np
import scipy.integrate as _si
from scipy.integrate._quadrature import QMCQuadResult

from ..core import Tracer as _Tracer
from .. import numpy as _onp

__all__ = ["qmc_quad", "newton_cotes"]


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
