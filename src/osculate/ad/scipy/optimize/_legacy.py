"""SciPy's older minimizer functions on traced ``args``: ``fmin``, ``fmin_powell``,
``fmin_cg``, ``fmin_bfgs``, ``fmin_ncg``, ``fmin_l_bfgs_b``, ``fmin_tnc``,
``fminbound``, ``brent`` and ``golden``, and the finite-difference helpers
``approx_fprime`` and ``check_grad``.

Each minimizer is SciPy's own, run on plain values, and returns what SciPy
returns; the minimizer is differentiated through ``∇ₓ f(x*, *args) = 0``
(coordinates on an active bound held there, as :func:`minimize` does) and the
minimum value is ``f(x*, *args)`` on the traced ``args``.  The statistics
beside them are SciPy's plain numbers, except the gradient ``fmin_bfgs``
returns, computed again at the traced solution.  Where SciPy would estimate a
missing gradient by finite differences, it gets osculate's exact one.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize as _sopt

from ... import numpy as osc_np
from ...core import concrete
from ...transforms import grad
from ._common import _args_tuple, _bound_arrays, _first, _implicit, _Log, _near_bound, _scipy, _stationary, _traced

__all__ = ["fmin", "fmin_powell", "fmin_cg", "fmin_bfgs", "fmin_ncg", "fmin_l_bfgs_b", "fmin_tnc", "fminbound",
           "brent", "golden", "approx_fprime", "check_grad"]


def _minimizer(solver, value, x0, args, bounds=None, width=None, ignored=None):
    """``(x*, outputs)``: SciPy's ``solver(x0, *args)`` (returning a tuple whose first
    entry is the minimizer), with ``x*`` an implicit function of the traced ``args``,
    differentiated through the stationarity of ``value`` (and ``bounds``)."""
    log = _Log(getattr(solver, "__name__", "fmin"))

    def solve(x0, *p):
        out = solver(np.asarray(x0, dtype=float), *p)
        log.results.append(out)
        return np.asarray(out[0], dtype=float)

    if bounds is None:
        residual = grad(value)
    else:
        residual = _stationary(value, *bounds, width)
    x = _implicit(residual, solve, (x0,) if ignored is None else ignored, args)
    return x, log.results[-1]


def _unbounded(solver, func, x0, args, full_output, retall, options):
    """An unbounded legacy minimizer: SciPy's call when nothing is traced, else its
    output tuple (``full_output``: ``(x, f(x), *statistics)``; ``retall``: ``(x, allvecs)``)
    with the traced minimizer and minimum."""
    args = _args_tuple(args)
    if not _traced(x0, args):
        return solver(func, x0, args=args, full_output=full_output, retall=retall, **options)
    x, out = _minimizer(lambda x0, *p: solver(func, x0, args=p, full_output=True, retall=retall, **options), func,
                        x0, args)
    return (x, func(x, *args)) + tuple(out[2:]) if full_output else (x, out[-1]) if retall else x


def _objective(func, fprime, approx_grad):
    """The objective of ``fmin_l_bfgs_b`` / ``fmin_tnc``: ``func`` itself, or its first
    output when it returns ``(f, g)`` (no ``fprime`` and no ``approx_grad``, as SciPy
    reads it)."""
    return _first(func) if fprime is None and not approx_grad else func


def fmin(func, x0, args=(), xtol=1e-4, ftol=1e-4, maxiter=None, maxfun=None, full_output=0, disp=1, retall=0,
         callback=None, initial_simplex=None):
    """SciPy's :func:`scipy.optimize.fmin` (Nelder–Mead), differentiable in the traced
    members of ``args`` (see the module's documentation).  The simplex stops within
    ``xtol``, which bounds the accuracy of the minimizer (its derivative is that of
    the exact minimizer).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> xs = lambda a: optimize.fmin(lambda x, a: np.sum((x - a) ** 2), np.zeros(2), args=(a,), xtol=1e-10,
    ...                              ftol=1e-14, disp=0)
    >>> bool(np.allclose(osc.jacfwd(xs)(np.array([1.0, 2.0])), np.eye(2)))
    True
    """
    return _unbounded(_scipy.fmin, func, x0, args, full_output, retall,
                      dict(xtol=xtol, ftol=ftol, maxiter=maxiter, maxfun=maxfun, disp=disp, callback=callback,
                           initial_simplex=initial_simplex))


def fmin_powell(func, x0, args=(), xtol=1e-4, ftol=1e-4, maxiter=None, maxfun=None, full_output=0, disp=1,
                retall=0, callback=None, direc=None):
    """SciPy's :func:`scipy.optimize.fmin_powell`, differentiable in the traced members
    of ``args`` (see the module's documentation).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> xs = lambda a: optimize.fmin_powell(lambda x, a: np.sum((x - a) ** 2), np.zeros(2), args=(a,), disp=0)
    >>> bool(np.allclose(osc.jacrev(xs)(np.array([1.0, 2.0])), np.eye(2)))
    True
    """
    return _unbounded(_scipy.fmin_powell, func, x0, args, full_output, retall,
                      dict(xtol=xtol, ftol=ftol, maxiter=maxiter, maxfun=maxfun, disp=disp, callback=callback,
                           direc=direc))


def fmin_cg(f, x0, fprime=None, args=(), gtol=1e-5, norm=np.inf, epsilon=np.sqrt(np.finfo(float).eps), maxiter=None,
            full_output=0, disp=1, retall=0, callback=None, c1=1e-4, c2=0.4):
    """SciPy's :func:`scipy.optimize.fmin_cg` (nonlinear conjugate gradients; without
    ``fprime``, with osculate's exact gradient), differentiable in the traced members of
    ``args`` (see the module's documentation).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> xs = lambda a: optimize.fmin_cg(lambda x, a: np.sum(np.cosh(x - a)), np.zeros(2), args=(a,), disp=0)
    >>> bool(np.allclose(osc.jacfwd(xs)(np.array([0.5, -1.0])), np.eye(2)))
    True
    """
    return _unbounded(_scipy.fmin_cg, f, x0, args, full_output, retall,
                      dict(fprime=grad(f) if fprime is None else fprime, gtol=gtol, norm=norm, epsilon=epsilon,
                           maxiter=maxiter, disp=disp, callback=callback, c1=c1, c2=c2))


def fmin_bfgs(f, x0, fprime=None, args=(), gtol=1e-5, norm=np.inf, epsilon=np.sqrt(np.finfo(float).eps),
              maxiter=None, full_output=0, disp=1, retall=0, callback=None, xrtol=0, c1=1e-4, c2=0.9,
              hess_inv0=None):
    """SciPy's :func:`scipy.optimize.fmin_bfgs` (without ``fprime``, with osculate's
    exact gradient), differentiable in the traced members of ``args`` (see the
    module's documentation).  With ``full_output``, ``gopt`` is the gradient at the
    traced solution; ``Bopt`` (BFGS's inverse-Hessian estimate) is SciPy's.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> A = np.array([[2.0, 0.5], [0.5, 1.0]])
    >>> xs = lambda b: optimize.fmin_bfgs(lambda x, b: 0.5 * x @ A @ x - b @ x, np.zeros(2), args=(b,), disp=0)
    >>> bool(np.allclose(osc.jacfwd(xs)(np.array([1.0, 1.0])), np.linalg.inv(A)))
    True
    """
    args = _args_tuple(args)
    gradient = grad(f) if fprime is None else fprime
    options = dict(fprime=gradient, gtol=gtol, norm=norm, epsilon=epsilon, maxiter=maxiter, disp=disp,
                   retall=retall, callback=callback, xrtol=xrtol, c1=c1, c2=c2, hess_inv0=hess_inv0)
    if not _traced(x0, args):
        return _scipy.fmin_bfgs(f, x0, args=args, full_output=full_output, **options)
    x, out = _minimizer(lambda x0, *p: _scipy.fmin_bfgs(f, x0, args=p, full_output=True, **options), f, x0, args)
    if full_output:
        return (x, f(x, *args), grad(f)(x, *args)) + tuple(out[3:])
    return (x, out[-1]) if retall else x


def fmin_ncg(f, x0, fprime, fhess_p=None, fhess=None, args=(), avextol=1e-5, epsilon=np.sqrt(np.finfo(float).eps),
             maxiter=None, full_output=0, disp=1, retall=0, callback=None, c1=1e-4, c2=0.9):
    """SciPy's :func:`scipy.optimize.fmin_ncg` (Newton-CG), differentiable in the traced
    members of ``args`` (see the module's documentation).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> f = lambda x, a: np.sum(np.cosh(x - a))
    >>> xs = lambda a: optimize.fmin_ncg(f, np.zeros(2), osc.grad(f), args=(a,), avextol=1e-12, disp=0)
    >>> bool(np.allclose(osc.jacfwd(xs)(np.array([0.5, -1.0])), np.eye(2)))
    True
    """
    return _unbounded(_scipy.fmin_ncg, f, x0, args, full_output, retall,
                      dict(fprime=fprime, fhess_p=fhess_p, fhess=fhess, avextol=avextol, epsilon=epsilon,
                           maxiter=maxiter, disp=disp, callback=callback, c1=c1, c2=c2))


def _held_on_bounds(bounds, n):
    """``(lo, hi)`` plain arrays of the bounds of ``fmin_l_bfgs_b`` / ``fmin_tnc``
    (``None`` for an unbounded problem)."""
    if bounds is None:
        return None
    return _bound_arrays(bounds, n)


def fmin_l_bfgs_b(func, x0, fprime=None, args=(), approx_grad=0, bounds=None, m=10, factr=1e7, pgtol=1e-5,
                  epsilon=1e-8, iprint=None, maxfun=15000, maxiter=15000, disp=None, callback=None, maxls=20):
    """SciPy's :func:`scipy.optimize.fmin_l_bfgs_b`: ``(x, f, d)``, differentiable in the
    traced members of ``args``; coordinates on a bound (within ``1e-8 (1 + |bound|)``)
    held there.  As in SciPy, without ``fprime`` and ``approx_grad`` ``func`` returns
    ``(f, g)``; with ``approx_grad``, SciPy gets osculate's exact gradient instead.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> f = lambda x, a: np.sum((x - a) ** 2)
    >>> xs = lambda a: optimize.fmin_l_bfgs_b(f, np.zeros(2), args=(a,), approx_grad=1, bounds=[(0, 1), (0, 1)])[0]
    >>> xs(np.array([0.5, 2.0]))   # the second coordinate is held on its upper bound
    array([0.5, 1. ])
    >>> osc.jacfwd(xs)(np.array([0.5, 2.0])) + 0.0
    array([[1., 0.],
           [0., 0.]])
    """
    args = _args_tuple(args)
    value = _objective(func, fprime, approx_grad)
    if approx_grad and fprime is None:
        fprime, approx_grad = grad(func), 0
    options = dict(fprime=fprime, approx_grad=approx_grad, bounds=bounds, m=m, factr=factr, pgtol=pgtol,
                   epsilon=epsilon, maxfun=maxfun, maxiter=maxiter, callback=callback, maxls=maxls)
    if iprint is not None:
        options["iprint"] = iprint
    if disp is not None:
        options["disp"] = disp
    if not _traced(x0, args):
        return _scipy.fmin_l_bfgs_b(func, x0, args=args, **options)
    x, out = _minimizer(lambda x0, *p: _scipy.fmin_l_bfgs_b(func, x0, args=p, **options), value, x0, args,
                        _held_on_bounds(bounds, int(np.size(x0))), _near_bound)
    return x, value(x, *args), out[2]


def fmin_tnc(func, x0, fprime=None, args=(), approx_grad=0, bounds=None, epsilon=1e-8, scale=None, offset=None,
             messages=15, maxCGit=-1, maxfun=None, eta=-1, stepmx=0, accuracy=0, fmin=0, ftol=-1, xtol=-1, pgtol=-1,
             rescale=-1, disp=None, callback=None):
    """SciPy's :func:`scipy.optimize.fmin_tnc` (truncated Newton): ``(x, nfeval, rc)``,
    differentiable in the traced members of ``args``; coordinates on a bound held
    there.  Without ``fprime`` and ``approx_grad`` ``func`` returns ``(f, g)``, as in
    SciPy; with ``approx_grad``, SciPy gets osculate's exact gradient instead.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> f = lambda x, a: np.sum(np.cosh(x - a))
    >>> xs = lambda a: optimize.fmin_tnc(f, np.zeros(2), args=(a,), approx_grad=1, messages=0, pgtol=1e-12)[0]
    >>> bool(np.allclose(osc.jacfwd(xs)(np.array([0.5, -1.0])), np.eye(2)))
    True
    """
    args = _args_tuple(args)
    value = _objective(func, fprime, approx_grad)
    if approx_grad and fprime is None:
        fprime, approx_grad = grad(func), 0
    options = dict(fprime=fprime, approx_grad=approx_grad, bounds=bounds, epsilon=epsilon, scale=scale,
                   offset=offset, messages=messages, maxCGit=maxCGit, maxfun=maxfun, eta=eta, stepmx=stepmx,
                   accuracy=accuracy, fmin=fmin, ftol=ftol, xtol=xtol, pgtol=pgtol, rescale=rescale, disp=disp,
                   callback=callback)
    if not _traced(x0, args):
        return _scipy.fmin_tnc(func, x0, args=args, **options)
    x, out = _minimizer(lambda x0, *p: _scipy.fmin_tnc(func, x0, args=p, **options), value, x0, args,
                        _held_on_bounds(bounds, int(np.size(x0))), _near_bound)
    return (x,) + tuple(out[1:])


def fminbound(func, x1, x2, args=(), xtol=1e-5, maxfun=500, full_output=0, disp=1):
    """SciPy's :func:`scipy.optimize.fminbound` (bounded scalar minimization),
    differentiable in the traced members of ``args``; a minimizer within
    ``2 (xtol + sqrt(eps) (1 + |bound|))`` of ``x1`` or ``x2`` is held there.  The
    bounds themselves do not enter the derivative otherwise.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> xs = lambda a: optimize.fminbound(lambda x, a: (x - a) ** 2, -5.0, 5.0, args=(a,), xtol=1e-10)
    >>> round(float(xs(1.5)), 8), float(osc.grad(xs)(1.5))
    (1.5, 1.0)
    """
    args = _args_tuple(args)
    options = dict(xtol=xtol, maxfun=maxfun, disp=disp)
    if not _traced(x1, x2, args):
        return _scipy.fminbound(func, x1, x2, args=args, full_output=full_output, **options)

    def solver(x1, x2, *p):
        return _scipy.fminbound(func, float(x1), float(x2), args=p, full_output=True, **options)

    slack = lambda end: 2.0 * (xtol + np.sqrt(np.finfo(float).eps) * (1.0 + np.abs(end)))  # noqa: E731
    lo, hi = np.asarray(concrete(x1), dtype=float), np.asarray(concrete(x2), dtype=float)
    log = _Log("fminbound")

    def solve(x1, x2, *p):
        out = solver(x1, x2, *p)
        log.results.append(out)
        return out[0]

    x = _implicit(_stationary(func, lo, hi, slack), solve, (x1, x2), args)
    return (x, func(x, *args)) + tuple(log.last()[2:]) if full_output else x


def _bracketed(method, func, args, brack, tol, full_output, maxiter):
    args = _args_tuple(args)
    if not _traced(args):
        return method(func, args=args, brack=brack, tol=tol, full_output=full_output, maxiter=maxiter)
    log = _Log(method.__name__)

    def solve(*p):
        out = method(func, args=p, brack=brack, tol=tol, full_output=True, maxiter=maxiter)
        log.results.append(out)
        return out[0]

    x = _implicit(grad(func), solve, (), args)
    return (x, func(x, *args)) + tuple(log.last()[2:]) if full_output else x


def brent(func, args=(), brack=None, tol=1.48e-8, full_output=0, maxiter=500):
    """SciPy's :func:`scipy.optimize.brent`, differentiable in the traced members of
    ``args`` through ``f'(x*) = 0`` (``brack`` does not enter the derivative).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> xs = lambda a: optimize.brent(lambda x, a: np.cosh(x - a), args=(a,))
    >>> float(osc.grad(xs)(0.3))
    1.0
    """
    return _bracketed(_scipy.brent, func, args, brack, tol, full_output, maxiter)


def golden(func, args=(), brack=None, tol=np.sqrt(np.finfo(float).eps), full_output=0, maxiter=5000):
    """SciPy's :func:`scipy.optimize.golden` (golden-section search), differentiable in
    the traced members of ``args`` through ``f'(x*) = 0``.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> xs = lambda a: optimize.golden(lambda x, a: np.cosh(x - a), args=(a,))
    >>> float(osc.grad(xs)(0.3))
    1.0
    """
    return _bracketed(_scipy.golden, func, args, brack, tol, full_output, maxiter)


# --------------------------------------------------------------------------- finite differences


def approx_fprime(xk, f, epsilon=np.sqrt(np.finfo(float).eps), *args):
    """SciPy's :func:`scipy.optimize.approx_fprime`: forward differences
    ``(f(xk + hᵢ eᵢ) − f(xk)) / hᵢ`` with the absolute steps ``epsilon`` (a scalar or
    one per coordinate), written with osculate's operations, so they work on traced
    ``xk`` and ``args`` (and are differentiable: the derivative of the difference
    quotient).  A vector-valued ``f`` gives its Jacobian, shape ``(m, n)``.

    >>> import numpy as np
    >>> from osculate.scipy import optimize
    >>> optimize.approx_fprime(np.array([1.0, 2.0]), lambda x: x[0] ** 2 + x[1], 1e-6).round(5)
    array([2., 1.])
    """
    if not _traced(xk, args):
        return _sopt.approx_fprime(xk, f, epsilon, *args)
    return _forward_differences(xk, f, epsilon, args)


def _forward_differences(xk, f, epsilon, args):
    """:func:`approx_fprime` written with osculate's operations (``f`` may close over
    traced values)."""
    x0 = osc_np.atleast_1d(osc_np.asarray(xk, dtype=float))
    if osc_np.ndim(x0) != 1:
        raise ValueError("approx_fprime: xk must be a scalar or a 1-D array, as in SciPy")
    n = int(np.shape(x0)[0])
    h = np.broadcast_to(np.asarray(epsilon, dtype=float), (n,))
    f0 = osc_np.asarray(f(x0, *args), dtype=float)
    columns = []
    for i in range(n):
        step = np.zeros(n)
        step[i] = h[i]
        x1 = x0 + step
        dx = osc_np.stop_gradient(x1[i] - x0[i])   # the step actually taken (SciPy divides by it too)
        columns.append((osc_np.asarray(f(x1, *args), dtype=float) - f0) / dx)
    out = osc_np.stack(columns, axis=-1)
    return out if osc_np.ndim(f0) else osc_np.reshape(out, (n,))


def check_grad(func, grad_, x0, *args, epsilon=np.sqrt(np.finfo(float).eps), direction="all", rng=None, seed=None):
    """SciPy's :func:`scipy.optimize.check_grad`: the 2-norm of ``grad(x0) −``
    :func:`approx_fprime` ``(x0)`` (``direction='random'``: along one random
    direction from ``rng``), on traced values too.

    >>> import numpy as np
    >>> from osculate.scipy import optimize
    >>> float(optimize.check_grad(lambda x: np.sum(x ** 2), lambda x: 2 * x, np.array([1.0, 2.0]))) < 1e-6
    True
    """
    if not _traced(x0, args):
        chosen = {"rng": rng} if rng is not None else {"seed": seed} if seed is not None else {}
        return _sopt.check_grad(func, grad_, x0, *args, epsilon=epsilon, direction=direction, **chosen)
    if direction == "all":
        diff = grad_(x0, *args) - approx_fprime(x0, func, epsilon, *args)
        return osc_np.sqrt(osc_np.sum(diff * diff))
    if direction != "random":
        raise ValueError(f"check_grad: direction must be 'all' or 'random', got {direction!r}")
    # SciPy's direction: rng as numpy.random.default_rng reads it, the legacy seed as a RandomState,
    # neither the global RandomState
    if isinstance(rng, (np.random.Generator, np.random.RandomState)):
        generator = rng
    elif rng is not None:
        generator = np.random.default_rng(rng)
    elif seed is not None:
        generator = seed if isinstance(seed, (np.random.Generator, np.random.RandomState)) else (
            np.random.RandomState(seed))
    else:
        generator = np.random.mtrand._rand
    v = generator.standard_normal(size=np.shape(x0))
    along = _forward_differences(np.zeros(1), lambda w, *a: func(x0 + w[0] * v, *a), epsilon, args)[0]
    diff = osc_np.sum(grad_(x0, *args) * v) - along
    return osc_np.sqrt(diff * diff)
