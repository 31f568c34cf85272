"""SciPy's least-squares solvers on traced data: ``least_squares``, ``curve_fit``,
``leastsq``, ``lsq_linear`` and ``nnls``.

Each solve is SciPy's, on plain values; when data reaching the residuals is
traced, the solution is the implicit function defined by the stationarity of
the cost, ``∇ₓ ½ Σ ρ(fᵢ(x)²) = 0`` (``Jᵀ f = 0`` for the plain sum of
squares), with every coordinate on an active bound held there (the bound
test of SciPy's own ``active_mask``).  The statistics computed from the
solution (the residuals, the cost, the Jacobian, ``curve_fit``'s covariance)
are computed again on the traced solution, so they are differentiable too;
the covariance then uses osculate's exact Jacobian where SciPy's uses the
finite differences of its last step, so the two differ by the error of those
(about 1e-8 relative with SciPy's default ``'2-point'``).
"""

from __future__ import annotations

import inspect

import numpy as np
from scipy import optimize as _sopt

from ... import numpy as osc_np
from ...transforms import grad, jacfwd
from ._common import _args_tuple, _bound_arrays, _implicit, _Log, _scipy, _stationary, _traced

__all__ = ["least_squares", "curve_fit", "leastsq", "lsq_linear", "nnls"]


# --------------------------------------------------------------------------- shared pieces

#: ``ρ(z)`` of SciPy's named robust losses (``z = (f / f_scale)²``).
_LOSSES = {
    "linear": lambda z: z,
    "soft_l1": lambda z: 2.0 * (osc_np.sqrt(1.0 + z) - 1.0),
    "huber": lambda z: osc_np.where(z <= 1.0, z, 2.0 * osc_np.sqrt(osc_np.maximum(z, 1.0)) - 1.0),
    "cauchy": lambda z: osc_np.log1p(z),
    "arctan": lambda z: osc_np.arctan(z),
}


def _rho(loss):
    """``ρ`` of a named loss, or of a callable one (which returns ``ρ, ρ', ρ''`` stacked)."""
    if callable(loss):
        return lambda z: loss(z)[0]
    if loss not in _LOSSES:
        raise ValueError(f"least_squares: loss must be callable or one of {sorted(_LOSSES)}, got {loss!r}")
    return _LOSSES[loss]


def _cost(residuals, loss, f_scale):
    """SciPy's cost of the residual function: ``½ f_scale² Σ ρ((fᵢ / f_scale)²)``."""
    rho = _rho(loss)

    def cost(x, *p):
        f = osc_np.ravel(residuals(x, *p))
        if loss == "linear":
            return 0.5 * osc_np.sum(f * f)
        return 0.5 * f_scale ** 2 * osc_np.sum(rho((f / f_scale) ** 2))

    return cost


def _modified_jacobian(J, f, loss, f_scale):
    """The Jacobian SciPy returns under a robust loss: each row scaled by
    ``sqrt(max(ρ'(z) + 2 ρ''(z) fᵢ² / f_scale², eps))``, so that ``JᵀJ`` is the
    Gauss–Newton part of the cost's Hessian (``ρ'`` and ``ρ''`` of a named loss by
    differentiating it, of a callable one as it returns them)."""
    z = (f / f_scale) ** 2
    if callable(loss):
        stacked = loss(z)
        d1, d2 = stacked[1], stacked[2]
    else:
        rho = _LOSSES[loss]
        first = grad(lambda w: osc_np.sum(rho(w)))  # ρ is elementwise: the gradient of Σρ is ρ'
        d1, d2 = first(z), grad(lambda w: osc_np.sum(first(w)))(z)
    scale = osc_np.sqrt(osc_np.maximum(d1 + 2.0 * d2 * f * f / f_scale ** 2, np.finfo(float).eps))
    return J * scale[:, None]


def _active_width(xtol):
    """SciPy's test for an active bound (``find_active_constraints``): within
    ``xtol · max(1, |bound|)`` of it."""
    return lambda end: xtol * np.maximum(1.0, np.abs(end))


def _stationarity(cost, bounds, n, xtol):
    """The residual whose root is the minimizer of ``cost`` within ``bounds`` (SciPy's
    ``(lb, ub)`` pair or a ``Bounds``)."""
    lo, hi = _bounds_pair(bounds, n)
    if not (np.isfinite(lo).any() or np.isfinite(hi).any()):
        return grad(cost)
    return _stationary(cost, lo, hi, _active_width(xtol))


def _bounds_pair(bounds, n):
    """``(lb, ub)`` float arrays of length ``n`` from SciPy's least-squares ``bounds``
    (a ``Bounds``, or a pair of scalars or arrays)."""
    if isinstance(bounds, _sopt.Bounds):
        return _bound_arrays(bounds, n)
    lo, hi = bounds
    return (np.broadcast_to(np.asarray(lo, dtype=float), (n,)).copy(),
            np.broadcast_to(np.asarray(hi, dtype=float), (n,)).copy())


def _keywords(kwargs):
    """``(names, values)`` of a keyword dictionary, so that its values can travel
    as positional parameters of the implicit function."""
    names = tuple(sorted(kwargs or {}))
    return names, tuple(kwargs[k] for k in names)


def _with_keywords(fun, n_args, names):
    """``fun(x, *args, **kwargs)`` called as ``g(x, *args, *kwarg_values)``."""
    if not names:
        return fun
    return lambda x, *q: fun(x, *q[:n_args], **dict(zip(names, q[n_args:])))


def _covariance(jac):
    """``(Jᵀ J)⁺`` by SciPy's recipe: the SVD of ``J`` with the singular values below
    ``eps · max(m, n) · s₁`` left out (a rank-deficient fit gets the pseudo-inverse)."""
    _, s, vt = osc_np.linalg.svd(jac, full_matrices=False)
    threshold = np.finfo(float).eps * max(np.shape(jac)) * s[0]
    w = osc_np.where(s > threshold, 1.0 / osc_np.where(s > threshold, s, 1.0) ** 2, 0.0)
    return (osc_np.transpose(vt) * w) @ vt


# --------------------------------------------------------------------------- least_squares


def least_squares(fun, x0, jac="2-point", bounds=(-np.inf, np.inf), method="trf", ftol=1e-08, xtol=1e-08,
                  gtol=1e-08, x_scale=None, loss="linear", f_scale=1.0, diff_step=None, tr_solver=None,
                  tr_options=None, jac_sparsity=None, max_nfev=None, verbose=0, args=(), kwargs=None,
                  callback=None, workers=None):
    """SciPy's :func:`scipy.optimize.least_squares` (any method, loss and bounds),
    differentiable in the traced members of ``args`` and ``kwargs``.

    The result is SciPy's ``OptimizeResult`` with ``x``, ``fun`` (the residuals),
    ``cost``, ``jac`` and ``grad`` computed on the traced solution; the other fields
    are SciPy's.  The solution is differentiated through the stationarity of the
    cost, ``∇ₓ ½ f_scale² Σ ρ((fᵢ/f_scale)²) = 0`` (``Jᵀ f = 0`` for ``loss='linear'``),
    which needs its Hessian invertible there (a strict local minimum); a coordinate
    that SciPy's test calls active (within ``xtol · max(1, |bound|)`` of a bound) is
    held there, its derivative zero.  ``jac``, ``x_scale`` and the tolerances reach
    SciPy unchanged, so the solution is SciPy's to the last bit.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> t = np.linspace(0.0, 1.0, 6)
    >>> rate = lambda y: optimize.least_squares(lambda k, y: np.exp(-k * t) - y, np.array([0.5]),
    ...                                         args=(y,), xtol=1e-14, ftol=1e-14, gtol=1e-14).x[0]
    >>> y = np.exp(-2.0 * t)
    >>> round(float(rate(y)), 10)
    2.0
    >>> g = osc.grad(rate)(y)   # how the fitted rate moves with each observation
    >>> J = -t * np.exp(-2.0 * t)
    >>> bool(np.allclose(g, J / (J @ J)))   # at an exact fit: dk/dy = Jᵀ / (JᵀJ)
    True
    """
    args = _args_tuple(args)
    options = dict(jac=jac, bounds=bounds, method=method, ftol=ftol, xtol=xtol, gtol=gtol, loss=loss,
                   f_scale=f_scale, diff_step=diff_step, tr_solver=tr_solver, tr_options=tr_options,
                   jac_sparsity=jac_sparsity, max_nfev=max_nfev, verbose=verbose)
    for name, value in (("x_scale", x_scale), ("workers", workers), ("callback", callback)):
        if value is not None:  # (passed only when given: SciPy added them over its versions)
            options[name] = value
    if not _traced(x0, args, kwargs):
        return _scipy.least_squares(fun, x0, args=args, kwargs=kwargs or {}, **options)
    names, values = _keywords(kwargs)
    residuals = _with_keywords(fun, len(args), names)
    log = _Log("least_squares")

    def solve(x0, *p):
        res = _scipy.least_squares(fun, np.asarray(x0, dtype=float), args=p[:len(args)],
                                   kwargs=dict(zip(names, p[len(args):])), **options)
        log.results.append(res)
        return res.x

    cost = _cost(residuals, loss, f_scale)
    n = int(np.size(x0))
    x = _implicit(_stationarity(cost, bounds, n, xtol), solve, (x0,), args + values)
    params = args + values
    f = osc_np.ravel(residuals(x, *params))
    J = osc_np.reshape(jacfwd(lambda z: osc_np.ravel(residuals(z, *params)))(x), (-1, n))
    if loss == "linear":
        gradient = osc_np.transpose(J) @ f
    else:
        gradient = grad(lambda z: cost(z, *params))(x)
        J = _modified_jacobian(J, f, loss, f_scale)
    return log.result("success", x=x, fun=f, cost=cost(x, *params), jac=J, grad=gradient)


# --------------------------------------------------------------------------- curve_fit


def _parameter_count(f, p0):
    if p0 is not None:
        return int(np.size(p0))
    spec = inspect.getfullargspec(f)
    if len(spec.args) < 2:
        raise ValueError("curve_fit: unable to determine the number of fit parameters; pass p0")
    return len(spec.args) - 1


def curve_fit(f, xdata, ydata, p0=None, sigma=None, absolute_sigma=False, check_finite=None, bounds=(-np.inf, np.inf),
              method=None, jac=None, *, full_output=False, nan_policy=None, **kwargs):
    """SciPy's :func:`scipy.optimize.curve_fit`, differentiable in traced ``xdata``,
    ``ydata`` and ``sigma``: ``(popt, pcov)`` (and with ``full_output`` SciPy's
    ``infodict, mesg, ier``).

    The fit is SciPy's (Levenberg–Marquardt without bounds, trust-region reflective
    with them); ``popt`` is differentiated through the stationarity of the weighted
    sum of squares ``Σ ((f(xdata, *p) − ydata) / σ)²`` (a full covariance ``sigma``
    weighs by its Cholesky factor, as SciPy does), parameters on an active bound held
    there.  ``pcov`` is SciPy's formula on the traced solution: the pseudo-inverse of
    ``JᵀJ`` from the SVD of the weighted Jacobian, scaled by the residual variance
    unless ``absolute_sigma``; osculate's ``J`` is exact where SciPy's comes from
    finite differences, so the two ``pcov`` agree to about 1e-7 relative.  With
    ``nan_policy='omit'`` the data must not be traced (which points to omit depends
    on their values).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> x = np.linspace(0.0, 2.0, 9)
    >>> line = lambda x, a, b: a * x + b
    >>> fit = lambda y: optimize.curve_fit(line, x, y)[0]
    >>> y = 3.0 * x + 1.0 + 0.01 * np.cos(7 * x)
    >>> bool(np.allclose(fit(y), np.polyfit(x, y, 1)))
    True
    >>> bool(np.allclose(osc.jacfwd(fit)(y), np.linalg.pinv(np.vander(x, 2))))   # linear in y
    True
    """
    if not _traced(xdata, ydata, sigma):
        return _sopt.curve_fit(f, xdata, ydata, p0=p0, sigma=sigma, absolute_sigma=absolute_sigma,
                               check_finite=check_finite, bounds=bounds, method=method, jac=jac,
                               full_output=full_output, nan_policy=nan_policy, **kwargs)
    if nan_policy == "omit":
        raise ValueError("osculate.scipy.optimize.curve_fit: nan_policy='omit' needs plain data (the points to "
                         "omit depend on their values); drop the nan points before the fit")
    if "args" in kwargs:
        raise ValueError("curve_fit: 'args' is not a supported keyword argument (as in SciPy)")
    n = _parameter_count(f, p0)
    lo, hi = _bounds_pair(bounds, n)
    if p0 is None:  # SciPy's feasible start: ones, or inside the bounds
        p0 = _feasible_start(lo, hi)
    bounded = bool(np.any((lo > -np.inf) | (hi < np.inf)))
    if method is None:
        method = "trf" if bounded else "lm"
    if method == "lm" and bounded:
        raise ValueError("curve_fit: method 'lm' only works for unconstrained problems; use 'trf' or 'dogbox'")
    ydata = osc_np.asarray(ydata, dtype=float)
    if isinstance(xdata, (list, tuple, np.ndarray)):
        xdata = osc_np.asarray(xdata, dtype=float)
    if check_finite or (check_finite is None and nan_policy is None):
        for name, value in (("xdata", xdata), ("ydata", ydata)):
            if isinstance(value, np.ndarray) and not np.all(np.isfinite(value)):
                raise ValueError(f"curve_fit: {name} must not contain infs or NaNs")
    m = int(np.size(ydata))
    if m == 0:
        raise ValueError("curve_fit: `ydata` must not be empty!")
    weigh = _weighting(sigma, m)

    def residuals(p, xdata, ydata, sigma):
        return weigh(osc_np.ravel(f(xdata, *p) - ydata), sigma)

    log = _Log("curve_fit")

    def solve(p0, xdata, ydata, sigma):
        out = _scipy.curve_fit(f, xdata, ydata, p0=p0, sigma=sigma, absolute_sigma=absolute_sigma,
                              check_finite=check_finite, bounds=bounds, method=method, jac=jac, full_output=True,
                              nan_policy=nan_policy, **kwargs)
        log.results.append(out)
        return out[0]

    cost = _cost(residuals, "linear", 1.0)
    xtol = kwargs.get("xtol", 1e-8)
    popt = _implicit(_stationarity(cost, (lo, hi), n, xtol), solve, (np.asarray(p0, dtype=float),),
                     (xdata, ydata, sigma))
    r = residuals(popt, xdata, ydata, sigma)
    J = osc_np.reshape(jacfwd(lambda p: residuals(p, xdata, ydata, sigma))(popt), (m, n))
    pcov = _covariance(J)
    if not absolute_sigma:
        if m > n:
            pcov = pcov * (osc_np.sum(r * r) / (m - n))
        else:
            pcov = pcov * np.inf
    if not full_output:
        return popt, pcov
    _, _, infodict, mesg, ier = log.results[-1]
    return popt, pcov, dict(infodict, fvec=r), mesg, ier


def _feasible_start(lo, hi):
    """SciPy's starting point of a fit without ``p0``: ones, moved inside the bounds."""
    p0 = np.ones_like(lo)
    both = np.isfinite(lo) & np.isfinite(hi)
    p0[both] = 0.5 * (lo[both] + hi[both])
    only_lo = np.isfinite(lo) & ~np.isfinite(hi)
    p0[only_lo] = lo[only_lo] + 1
    only_hi = ~np.isfinite(lo) & np.isfinite(hi)
    p0[only_hi] = hi[only_hi] - 1
    return p0


def _weighting(sigma, m):
    """How ``curve_fit`` weighs the residuals by ``sigma``: ``r / σ`` for errors (a
    scalar or one per point), ``L⁻¹ r`` for a covariance ``σ = L Lᵀ``."""
    if sigma is None:
        return lambda r, sigma: r
    shape = np.shape(sigma)
    if int(np.prod(shape)) == 1 or shape == (m,):
        return lambda r, sigma: r / osc_np.ravel(sigma)
    if shape == (m, m):
        def by_cholesky(r, sigma):
            lower = osc_np.linalg.cholesky(sigma)
            return osc_np.linalg.solve(lower, r)

        return by_cholesky
    raise ValueError("curve_fit: `sigma` has incorrect shape")


# --------------------------------------------------------------------------- leastsq


def leastsq(func, x0, args=(), Dfun=None, full_output=False, col_deriv=False, ftol=1.49012e-08, xtol=1.49012e-08,
            gtol=0.0, maxfev=0, epsfcn=None, factor=100, diag=None):
    """SciPy's :func:`scipy.optimize.leastsq` (MINPACK's Levenberg–Marquardt),
    differentiable in the traced members of ``args``.

    Returns ``(x, ier)``, or with ``full_output`` ``(x, cov_x, infodict, mesg, ier)``
    where ``cov_x`` is ``(JᵀJ)⁻¹`` on the traced solution (from osculate's exact
    Jacobian; SciPy's comes from finite differences unless ``Dfun`` is given) and
    ``infodict['fvec']`` the traced residuals.  ``x`` is differentiated through
    ``Jᵀ f = 0``.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> mean = lambda y: optimize.leastsq(lambda m, y: m - y, np.zeros(1), args=(y,))[0][0]
    >>> bool(np.allclose(osc.grad(mean)(np.array([1.0, 2.0, 6.0])), 1 / 3))
    True
    """
    args = _args_tuple(args)
    options = dict(Dfun=Dfun, col_deriv=col_deriv, ftol=ftol, xtol=xtol, gtol=gtol, maxfev=maxfev, epsfcn=epsfcn,
                   factor=factor, diag=diag)
    if not _traced(x0, args):
        return _scipy.leastsq(func, x0, args=args, full_output=full_output, **options)
    log = _Log("leastsq")

    def solve(x0, *p):
        out = _scipy.leastsq(func, np.asarray(x0, dtype=float), args=p, full_output=True, **options)
        log.results.append(out)
        return out[0]

    residuals = lambda x, *p: osc_np.ravel(func(x, *p))  # noqa: E731
    x = _implicit(_stationarity(_cost(residuals, "linear", 1.0), (-np.inf, np.inf), int(np.size(x0)), xtol),
                  solve, (x0,), args)
    _, _, infodict, mesg, ier = log.results[-1]
    if not full_output:
        return x, ier
    f = residuals(x, *args)
    J = osc_np.reshape(jacfwd(lambda z: residuals(z, *args))(x), (-1, int(np.size(x0))))
    cov = osc_np.linalg.inv(osc_np.transpose(J) @ J)
    return x, cov, dict(infodict, fvec=f), mesg, ier


# --------------------------------------------------------------------------- linear least squares


def lsq_linear(A, b, bounds=(-np.inf, np.inf), method="trf", tol=1e-10, lsq_solver=None, lsmr_tol=None,
               max_iter=None, verbose=0, *, lsmr_maxiter=None):
    """SciPy's :func:`scipy.optimize.lsq_linear` (bounded linear least squares),
    differentiable in a traced dense ``A`` and ``b``.

    The result is SciPy's ``OptimizeResult`` with ``x``, ``fun`` (``A x − b``) and
    ``cost`` computed on the traced solution.  ``x`` is differentiated through
    ``Aᵀ(A x − b) = 0`` in its free coordinates, those SciPy's test calls active
    (within ``tol · max(1, |bound|)`` of a bound) held there; the free columns of
    ``A`` must be independent.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> A = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    >>> x = lambda b: optimize.lsq_linear(A, b, bounds=(0.0, 10.0)).x
    >>> bool(np.allclose(osc.jacfwd(x)(np.array([1.0, 2.0, 3.0])), np.linalg.pinv(A)))   # both free
    True
    """
    options = dict(bounds=bounds, method=method, tol=tol, lsq_solver=lsq_solver, lsmr_tol=lsmr_tol,
                   max_iter=max_iter, verbose=verbose, lsmr_maxiter=lsmr_maxiter)
    if not _traced(A, b):
        return _sopt.lsq_linear(A, b, **options)
    log = _Log("lsq_linear")

    def solve(A, b):
        res = _sopt.lsq_linear(np.asarray(A, dtype=float), np.asarray(b, dtype=float), **options)
        log.results.append(res)
        return res.x

    residuals = lambda x, A, b: A @ x - b  # noqa: E731
    n = int(np.shape(A)[1])
    x = _implicit(_stationarity(_cost(residuals, "linear", 1.0), bounds, n, tol), solve, (), (A, b))
    f = residuals(x, A, b)
    return log.result("success", x=x, fun=f, cost=0.5 * osc_np.sum(f * f))


def nnls(A, b, **options):
    """SciPy's :func:`scipy.optimize.nnls` (non-negative least squares),
    differentiable in traced ``A`` and ``b``: ``(x, rnorm)``.

    Coordinates that SciPy returns at exactly zero stay there (derivative zero); the
    others satisfy ``Aᵀ(A x − b) = 0`` on the columns they select, which must be
    independent.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> A = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> solution = lambda b: optimize.nnls(A, b)[0]
    >>> solution(np.array([1.0, -1.0, 0.0]))   # the second coordinate is held at zero
    array([0.5, 0. ])
    >>> osc.jacfwd(solution)(np.array([1.0, -1.0, 0.0])) + 0.0   # (+ 0.0: no negative zeros)
    array([[0.5, 0. , 0.5],
           [0. , 0. , 0. ]])
    """
    if not _traced(A, b):
        return _sopt.nnls(A, b, **options)

    def solve(A, b):
        return _sopt.nnls(np.asarray(A, dtype=float), np.asarray(b, dtype=float), **options)[0]

    residuals = lambda x, A, b: A @ x - b  # noqa: E731
    n = int(np.shape(A)[1])
    held = _stationary(_cost(residuals, "linear", 1.0), np.zeros(n), np.full(n, np.inf), np.zeros_like)
    x = _implicit(held, solve, (), (A, b))
    return x, osc_np.linalg.norm(residuals(x, A, b))
