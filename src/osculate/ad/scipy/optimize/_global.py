"""SciPy's global optimizers on traced ``args``: ``differential_evolution``,
``dual_annealing``, ``shgo``, ``direct``, ``basinhopping`` and ``brute``.

The search is SciPy's own, run on plain values (with the same ``rng``/``seed``
it makes the same choices), and the result is SciPy's ``OptimizeResult``
whose ``x`` is an implicit function of the traced ``args`` and whose ``fun``
is ``func(x, *args)`` on them.  A global search is not differentiable as a
procedure (which basin it ends in jumps with the data); what is
differentiable is the local minimizer it ends at, as a function of the
data: ``x*`` with ``∇ₓ func(x*, *args) = 0`` (coordinates on an active
bound held there, as :func:`minimize` does), so
``dx*/dθ = −(∇²ₓₓ func)⁻¹ ∇²ₓθ func``, to every order, and the value's
derivative is the partial ``∂func/∂θ`` (the envelope theorem).

That derivative is exact when the search ends at a strict local minimum,
which the local step every optimizer here ends with provides: the
L-BFGS-B polish of ``differential_evolution`` (``polish=True``), the local
search of ``dual_annealing`` (unless ``no_local_search``), the local
minimizations of ``shgo`` and ``basinhopping``, and ``brute``'s ``finish``.
Without one (``direct``, ``polish=False``, ``no_local_search=True``) the
point is only as close to the minimizer as the search's tolerances, and
the derivative is the exact minimizer's evaluated there (``brute`` with
``finish=None`` returns a grid point, a constant: derivative zero).  Only
``x`` and ``fun`` are traced; the other fields (``xl``, ``funl``,
``lowest_optimization_result``, counts) are SciPy's plain values of the
last solve.  Constraints (``constraints=`` of ``differential_evolution``
and ``shgo``, or in ``minimizer_kwargs``), ``integrality`` and
``vectorized=True`` are refused with traced ``args``.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize as _sopt

from ...core import concrete
from ...transforms import grad
from ._common import _args_tuple, _bound_arrays, _first, _guarded, _implicit, _Log, _near_bound, _stationary, _traced

__all__ = ["differential_evolution", "dual_annealing", "shgo", "direct", "basinhopping", "brute"]

_scipy = {name: _guarded(getattr(_sopt, name)) for name in __all__}


def _plain_solver(name, workers=1):
    """SciPy's ``name`` for a call with nothing traced: guarded (a function closing over
    a traced value is named as such), unless it runs in worker processes, which need
    the user's function itself (picklable)."""
    return getattr(_sopt, name) if workers != 1 else _scipy[name]


def _refuse(who, what):
    raise ValueError(f"osculate.scipy.optimize.{who}: {what} with traced args is not supported (the minimizer's "
                     "derivative is taken through the stationarity of func alone); compute the result outside the "
                     "differentiated function, or use minimize on the point it finds")


def _has_constraints(constraints):
    return constraints is not None and (isinstance(constraints, dict) or not hasattr(constraints, "__len__")
                                        or len(constraints) > 0)


def _residual(value, bounds, n):
    """The stationarity residual of ``value``, with the coordinates on a finite bound held there."""
    if bounds is None:
        return grad(value)
    return _stationary(value, *_bound_arrays(bounds, n), _near_bound)


def _search(who, run, value, args, bounds, n, ignored=()):
    """SciPy's result of ``run(*ignored, *args)`` (plain values) with ``x`` an implicit
    function of the traced ``args`` and ``fun`` the value there (the starting points
    in ``ignored`` reach the search only: derivative zero)."""
    log = _Log(who)

    def solve(*q):
        res = run(*q)
        log.results.append(res)
        return np.asarray(res.x, dtype=float)

    x = _implicit(_residual(value, bounds, n), solve, ignored, args)
    return log.result("success", x=x, fun=value(x, *args))


def _random_state(options):
    """``options`` with only the one of ``rng`` and ``seed`` given (SciPy refuses both, even a None)."""
    for name in ("seed", "rng"):
        if options.get(name) is None and len([k for k in ("rng", "seed") if k in options]) == 2:
            del options[name]
    return options


def _size(bounds):
    """The number of unknowns ``bounds`` (a ``Bounds`` or ``(min, max)`` pairs) bound."""
    return np.size(bounds.lb) if isinstance(bounds, _sopt.Bounds) else len(bounds)


def differential_evolution(func, bounds, args=(), strategy="best1bin", maxiter=1000, popsize=15, tol=0.01,
                           mutation=(0.5, 1), recombination=0.7, rng=None, callback=None, disp=False, polish=True,
                           init="latinhypercube", atol=0, updating="immediate", workers=1, constraints=(), x0=None,
                           *, integrality=None, vectorized=False, seed=None):
    """SciPy's :func:`scipy.optimize.differential_evolution`, differentiable in the
    traced members of ``args`` through the minimizer it ends at (the L-BFGS-B
    polish makes that a stationary point; see the module's documentation).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> f = lambda x, b: np.sum((x - b) ** 2) + 0.1 * np.sum(np.cos(5 * x))
    >>> xs = lambda b: optimize.differential_evolution(f, [(-2, 2)] * 2, args=(b,), rng=0).x
    >>> d = osc.jacfwd(xs)(np.array([0.5, -0.5]))
    >>> bool(np.allclose(d, np.diag(2 / (2 - 2.5 * np.cos(5 * xs(np.array([0.5, -0.5])))))))   # (∇²f)⁻¹ · 2
    True
    """
    args = _args_tuple(args)
    options = dict(strategy=strategy, maxiter=maxiter, popsize=popsize, tol=tol, mutation=mutation,
                   recombination=recombination, rng=rng, callback=callback, disp=disp, polish=polish, init=init,
                   atol=atol, updating=updating, workers=workers, constraints=constraints, x0=x0,
                   integrality=integrality, vectorized=vectorized, seed=seed)
    _random_state(options)
    if not _traced(args, x0):
        return _plain_solver("differential_evolution", workers)(func, bounds, args=args, **options)
    if _has_constraints(constraints):
        _refuse("differential_evolution", "constraints")
    if integrality is not None and np.any(integrality):
        _refuse("differential_evolution", "integrality")
    if vectorized:
        _refuse("differential_evolution", "vectorized=True")
    start = () if x0 is None else (x0,)

    def run(*q):
        given = dict(options, x0=np.asarray(q[0], dtype=float)) if start else options
        return _scipy["differential_evolution"](func, bounds, args=q[len(start):], **given)

    return _search("differential_evolution", run, func, args, bounds, _size(bounds), ignored=start)


def dual_annealing(func, bounds, args=(), maxiter=1000, minimizer_kwargs=None, initial_temp=5230.0,
                   restart_temp_ratio=2e-05, visit=2.62, accept=-5.0, maxfun=1e7, rng=None, no_local_search=False,
                   callback=None, x0=None, *, seed=None):
    """SciPy's :func:`scipy.optimize.dual_annealing`, differentiable in the traced
    members of ``args`` through the minimizer its local search ends at (see the
    module's documentation).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> f = lambda x, b: np.sum((x - b) ** 2)
    >>> xs = lambda b: optimize.dual_annealing(f, [(-2, 2)] * 2, args=(b,), maxiter=50, rng=0).x
    >>> bool(np.allclose(osc.jacfwd(xs)(np.array([0.5, -0.5])), np.eye(2)))
    True
    """
    args = _args_tuple(args)
    options = dict(maxiter=maxiter, minimizer_kwargs=minimizer_kwargs, initial_temp=initial_temp,
                   restart_temp_ratio=restart_temp_ratio, visit=visit, accept=accept, maxfun=maxfun, rng=rng,
                   no_local_search=no_local_search, callback=callback, seed=seed)
    _random_state(options)
    if not _traced(args, x0):
        return _scipy["dual_annealing"](func, bounds, args=args, x0=x0, **options)
    if minimizer_kwargs and _has_constraints(minimizer_kwargs.get("constraints")):
        _refuse("dual_annealing", "constraints in minimizer_kwargs")
    start = () if x0 is None else (x0,)

    def run(*q):
        first = np.asarray(q[0], dtype=float) if start else None
        return _scipy["dual_annealing"](func, bounds, args=q[len(start):], x0=first, **options)

    return _search("dual_annealing", run, func, args, bounds, _size(bounds), ignored=start)


def shgo(func, bounds, args=(), constraints=None, n=100, iters=1, callback=None, minimizer_kwargs=None,
         options=None, sampling_method="simplicial", *, workers=1):
    """SciPy's :func:`scipy.optimize.shgo` (simplicial homology global optimization),
    differentiable in the traced members of ``args`` through the global minimizer
    ``x`` its local minimizations end at (``xl`` and ``funl``, every local
    minimum, stay plain).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> A = np.array([[2.0, 0.5], [0.5, 1.0]])
    >>> xs = lambda b: optimize.shgo(lambda x, b: 0.5 * x @ A @ x - b @ x, [(-5, 5)] * 2, args=(b,)).x
    >>> bool(np.allclose(osc.jacfwd(xs)(np.array([1.0, 1.0])), np.linalg.inv(A)))
    True
    """
    args = _args_tuple(args)
    settings = dict(constraints=constraints, n=n, iters=iters, callback=callback, minimizer_kwargs=minimizer_kwargs,
                    options=options, sampling_method=sampling_method, workers=workers)
    if not _traced(args):
        return _plain_solver("shgo", workers)(func, bounds, args=args, **settings)
    if _has_constraints(constraints):
        _refuse("shgo", "constraints")
    return _search("shgo", lambda *p: _scipy["shgo"](func, bounds, args=p, **settings), func, args, bounds,
                   _size(bounds))


def direct(func, bounds, *, args=(), eps=1e-4, maxfun=None, maxiter=1000, locally_biased=True, f_min=-np.inf,
           f_min_rtol=1e-4, vol_tol=1e-16, len_tol=1e-6, callback=None):
    """SciPy's :func:`scipy.optimize.direct` (DIviding RECTangles), differentiable in
    the traced members of ``args``.  DIRECT has no local step: its ``x`` is the
    centre of the best rectangle, as close to the minimizer as ``len_tol`` and
    ``vol_tol`` make it, and the derivative is the exact minimizer's taken there
    (polish it with :func:`minimize` from ``x`` for an exact one).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> f = lambda x, b: np.sum((x - b) ** 2)
    >>> xs = lambda b: optimize.direct(f, [(-2, 2)] * 2, args=(b,)).x
    >>> bool(np.allclose(osc.jacfwd(xs)(np.array([0.5, -0.5])), np.eye(2)))
    True
    """
    args = _args_tuple(args)
    options = dict(eps=eps, maxfun=maxfun, maxiter=maxiter, locally_biased=locally_biased, f_min=f_min,
                   f_min_rtol=f_min_rtol, vol_tol=vol_tol, len_tol=len_tol, callback=callback)
    if not _traced(args):
        return _scipy["direct"](func, bounds, args=args, **options)
    return _search("direct", lambda *p: _scipy["direct"](func, bounds, args=p, **options), func, args, bounds,
                   _size(bounds))


def basinhopping(func, x0, niter=100, T=1.0, stepsize=0.5, minimizer_kwargs=None, take_step=None,
                 accept_test=None, callback=None, interval=50, disp=False, niter_success=None, rng=None, *,
                 target_accept_rate=0.5, stepwise_factor=0.9, seed=None):
    """SciPy's :func:`scipy.optimize.basinhopping`, differentiable in the traced
    members of ``minimizer_kwargs["args"]`` (SciPy passes the extra arguments
    there) through the lowest local minimum found; ``x0`` may be traced (its
    derivative is zero).  ``bounds`` in ``minimizer_kwargs`` hold the coordinates
    on them; ``jac=True`` there means ``func`` returns ``(value, gradient)``.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> f = lambda x, b: np.sum((x - b) ** 2) + 0.1 * np.sum(np.cos(5 * x))
    >>> xs = lambda b: optimize.basinhopping(f, np.zeros(2), niter=5, rng=0,
    ...                                      minimizer_kwargs={"args": (b,)}).x
    >>> x = xs(np.array([0.5, -0.5]))
    >>> bool(np.allclose(osc.jacfwd(xs)(np.array([0.5, -0.5])), np.diag(2 / (2 - 2.5 * np.cos(5 * x)))))
    True
    """
    kwargs = dict(minimizer_kwargs or {})
    args = _args_tuple(kwargs.get("args", ()))
    options = dict(niter=niter, T=T, stepsize=stepsize, take_step=take_step, accept_test=accept_test,
                   callback=callback, interval=interval, disp=disp, niter_success=niter_success, rng=rng,
                   target_accept_rate=target_accept_rate, stepwise_factor=stepwise_factor, seed=seed)
    _random_state(options)
    if not _traced(args, x0):
        return _scipy["basinhopping"](func, x0, minimizer_kwargs=minimizer_kwargs, **options)
    if _has_constraints(kwargs.get("constraints")):
        _refuse("basinhopping", "constraints in minimizer_kwargs")
    value = _first(func) if kwargs.get("jac") is True else func

    def run(x0, *p):
        return _scipy["basinhopping"](func, np.asarray(x0, dtype=float), minimizer_kwargs=dict(kwargs, args=p),
                                      **options)

    return _search("basinhopping", run, value, args, kwargs.get("bounds"), np.size(x0), ignored=(x0,))


def brute(func, ranges, args=(), Ns=20, full_output=0, finish=_sopt.fmin, disp=False, workers=1):  # noqa: N803
    """SciPy's :func:`scipy.optimize.brute`: the best point of a grid, refined by
    ``finish`` (``fmin`` by default), differentiable in the traced members of
    ``args`` through the minimizer ``finish`` ends at (its tolerances bound the
    accuracy of that point).  With ``finish=None`` the result is a grid point, a
    constant (derivative zero); with ``full_output``, ``(x0, fval, grid, Jout)``
    with ``fval = func(x0, *args)`` traced and the grid values plain.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> f = lambda x, b: np.sum((x - b) ** 2)
    >>> xs = lambda b: optimize.brute(f, ((-2, 2), (-2, 2)), args=(b,), Ns=9)
    >>> bool(np.allclose(osc.jacfwd(xs)(np.array([0.3, -0.7])), np.eye(2)))
    True
    """
    args = _args_tuple(args)
    options = dict(Ns=Ns, finish=finish, disp=disp, workers=workers)
    if not _traced(args):
        return _plain_solver("brute", workers)(func, ranges, args=args, full_output=full_output, **options)
    log = _Log("brute")

    def solve(*p):
        out = _scipy["brute"](func, ranges, args=p, full_output=True, **options)
        log.results.append(out)
        return np.asarray(out[0], dtype=float)

    if finish is None:  # a grid point: piecewise constant in args, computed from their values
        x = solve(*(np.asarray(concrete(a)) if _traced(a) else a for a in args))
    else:
        x = _implicit(grad(func), solve, (), args)
    if not full_output:
        return x
    fval = func(x if np.ndim(x) else np.reshape(x, (1,)), *args)
    return (x, fval) + tuple(log.results[-1][2:])
