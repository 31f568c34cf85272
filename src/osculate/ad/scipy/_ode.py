"""Differentiable ODE solutions: :func:`solve_ivp` and :func:`odeint` ("discretize, then differentiate").

The step sizes of an adaptive solver are a choice, not a function of the
parameters worth differentiating.  So SciPy's own explicit Runge-Kutta solver
(RK23, RK45 or DOP853) first runs on the plain values and picks the accepted
steps; then exactly those steps are taken again with the method's Butcher
tableau, written in NumPy operations on the traced initial state and
parameters, and the requested times are read off the method's dense-output
polynomial.  The values are SciPy's (same steps, same arithmetic), and every
derivative, of any order and in every mode, is the exact derivative of that
discrete scheme: it agrees with the true sensitivity to the solver's
tolerance.
"""

from __future__ import annotations

import numpy as _np
import scipy.integrate as _si
from scipy.optimize import OptimizeResult as _OptimizeResult

from ..core import ConcretizationError as _ConcretizationError
from ..core import Tracer as _Tracer
from ..core import concrete as _concrete
from .. import numpy as _onp

__all__ = ["solve_ivp", "odeint"]

_EXPLICIT = {"RK23": _si.RK23, "RK45": _si.RK45, "DOP853": _si.DOP853}
_REFUSE_IMPLICIT = ("osculate.scipy.integrate.solve_ivp: method={name} on traced values is not supported; "
                    "use an explicit method: 'RK45', 'RK23' or 'DOP853'")


def _plain(v, name, where):
    """The concrete value of ``v`` (a tracer or not), or a clear error where there is none (jit, vmap)."""
    try:
        return _np.asarray(_concrete(_onp.asarray(v)))
    except _ConcretizationError:
        raise ValueError(f"osculate.scipy.integrate.{where}: the steps are chosen on the values of {name}, which "
                         "are not known here (inside jit or vmap); call it eagerly") from None


def _has_tracer(values):
    return any(isinstance(v, _Tracer) for v in values)


def _method_name(method):
    """``method`` as one of SciPy's names ('RK45', 'Radau', ...), from a name or a solver class."""
    if isinstance(method, str):
        return method
    for name in ("RK23", "RK45", "DOP853", "Radau", "BDF", "LSODA"):
        if method is getattr(_si, name):
            return name
    raise ValueError(f"osculate.scipy.integrate.solve_ivp: method={method!r} is not one of SciPy's solvers "
                     "('RK23', 'RK45', 'DOP853', 'Radau', 'BDF', 'LSODA')")


class _Step:
    """One accepted step of an explicit Runge-Kutta method, replayed on traced values: the stages ``K``
    (the last one ``f`` at the step's end), and its dense-output polynomial built when first asked for."""

    def __init__(self, solver, rhs, t_old, t_new, y_old, f_old):
        self.solver, self.rhs = solver, rhs
        self.t_old, self.h = t_old, t_new - t_old
        self.y_old = y_old
        h = self.h
        stages = [f_old]
        for s in range(1, solver.n_stages):
            shift = _np.matmul(_np.stack(stages, axis=1), solver.A[s, :s]) * h
            stages.append(rhs(t_old + solver.C[s] * h, y_old + shift))
        self.y_new = y_old + h * _np.matmul(_np.stack(stages, axis=1), solver.B)
        self.f_new = rhs(t_old + h, self.y_new)
        self.stages = stages + [self.f_new]
        self._poly = None

    def _polynomial(self):
        """RK23/RK45: the matrix ``Q`` of ``y(x) = y_old + h Q [x, x², ...]``; DOP853: the rows ``F`` of its
        nested form in ``x`` and ``1 - x``."""
        if self._poly is None:
            solver, h = self.solver, self.h
            if solver is _si.DOP853:
                stages = list(self.stages)
                for a, c in zip(solver.A_EXTRA, solver.C_EXTRA):
                    k = len(stages)
                    shift = _np.matmul(_np.stack(stages, axis=1), a[:k]) * h
                    stages.append(self.rhs(self.t_old + c * h, self.y_old + shift))
                delta = self.y_new - self.y_old
                f_old = stages[0]
                high = h * _np.matmul(solver.D, _np.stack(stages, axis=0))
                rows = [delta, h * f_old - delta, 2.0 * delta - h * (self.f_new + f_old)]
                self._poly = rows + [high[i] for i in range(high.shape[0])]
            else:
                self._poly = _np.matmul(_np.stack(self.stages, axis=1), solver.P)
        return self._poly

    def __call__(self, t):
        """The dense output at the plain times ``t`` (1-D) of this step: shape ``(n, len(t))``."""
        x = (t - self.t_old) / self.h
        poly = self._polynomial()
        if self.solver is _si.DOP853:
            xs = x[:, None]
            y = 0.0
            for i, row in enumerate(reversed(poly)):
                y = (y + row) * (xs if i % 2 == 0 else 1.0 - xs)
            return _np.transpose(y + self.y_old)
        powers = _np.cumprod(_np.tile(x, (poly.shape[1], 1)), axis=0)
        return self.h * _np.matmul(poly, powers) + self.y_old[:, None]


class _DenseSolution:
    """``sol`` of :func:`solve_ivp` with ``dense_output=True``: call it with plain times (a number or a
    1-D array) for the traced solution there, like SciPy's ``OdeSolution``."""

    def __init__(self, ts, steps):
        self.ts, self._steps = _np.asarray(ts), steps
        self.t_min, self.t_max = float(min(ts[0], ts[-1])), float(max(ts[0], ts[-1]))

    def __call__(self, t):
        t = _np.asarray(t, dtype=float)
        values = _read_off(self.ts, self._steps, _np.atleast_1d(t))
        return values[:, 0] if t.ndim == 0 else values


def _read_off(ts, steps, times):
    """The dense output at ``times``, each read from the first step whose end reaches it (SciPy's choice)."""
    forward = ts[-1] >= ts[0]
    key = ts if forward else -ts
    where = _np.searchsorted(key, times if forward else -times, side="left")
    where = _np.clip(where - 1, 0, len(steps) - 1)
    pieces = []
    start = 0
    while start < len(times):
        stop = start
        while stop < len(times) and where[stop] == where[start]:
            stop += 1
        pieces.append(steps[where[start]](times[start:stop]))
        start = stop
    return _np.concatenate(pieces, axis=1)


def _nan_solution(y0, f0, t0, tf, t_eval):
    """The result where the right-hand side ``f0 = fun(t0, y0)`` is not finite: SciPy's
    step-size control never leaves that point (its explicit solvers loop forever), so the
    solution is nan at every requested time, as NumPy propagates nan, and so are its
    derivatives in ``y0`` and in whatever ``f0`` depends on."""
    t = _np.array([t0, tf], dtype=float) if t_eval is None else _np.asarray(t_eval, dtype=float)
    values = (_onp.asarray(y0) + 0.0 * f0)[:, None] * _np.full((1, t.size), _np.nan)
    return _OptimizeResult(t=t, y=values, sol=None, t_events=None, y_events=None, nfev=1, njev=0, nlu=0, status=-1,
                           message="The right-hand side is not finite at the initial point: no step size can be "
                                   "chosen, so the solution is nan.", success=False)


def solve_ivp(fun, t_span, y0, method="RK45", t_eval=None, dense_output=False, events=None, vectorized=False,
              args=None, **options):
    """The solution of ``y' = fun(t, y)``, ``y(t_span[0]) = y0``: :func:`scipy.integrate.solve_ivp`.

    For the explicit methods ``'RK23'``, ``'RK45'`` and ``'DOP853'`` the
    initial state ``y0``, ``args`` and whatever ``fun`` closes over may be
    traced.  SciPy's solver runs first on the plain values and chooses the
    accepted steps (``rtol``, ``atol``, ``first_step``, ``max_step`` are
    passed to it); then those steps are taken again with the method's
    Runge-Kutta formulas in NumPy operations on the traced values (``fun`` is
    called with traced ``y``: write it with NumPy operations), and ``t_eval``
    is read off the method's dense-output polynomial.  So ``y`` equals
    SciPy's ``sol.y`` to rounding, and its derivatives (every order, forward
    and reverse) are the exact derivatives of the discrete solution, equal to
    the true sensitivities to the solver's tolerance.  The steps need the
    values, so it runs eagerly, not inside ``jit`` or ``vmap``.

    Returns SciPy's fields: ``t``, ``y`` (traced, shape ``(n, len(t))``),
    ``sol`` (with ``dense_output=True``: a callable of plain times giving
    traced values, else None), ``t_events``/``y_events`` (None), ``nfev``
    (the replay's evaluations of ``fun``), ``njev``, ``nlu``, ``status``,
    ``message`` and ``success`` (SciPy's).  ``t_span`` and ``t_eval`` must be
    plain numbers; ``events`` is not supported.  The implicit methods
    (``'Radau'``, ``'BDF'``, ``'LSODA'``) run SciPy's solver on plain values
    and are refused on traced ones.

    >>> import numpy as np, osculate as osc
    >>> decay = lambda k: solve_ivp(lambda t, y: -k * y, (0.0, 1.0), [1.0], rtol=1e-10, atol=1e-12).y[0, -1]
    >>> round(float(decay(0.5)), 8), round(float(osc.grad(decay)(0.5)), 8)     # exp(-k), -exp(-k)
    (0.60653066, -0.60653066)
    """
    name = _method_name(method)
    if events is not None:
        raise NotImplementedError("osculate.scipy.integrate.solve_ivp: events are not supported (pass None)")
    if _has_tracer(t_span if isinstance(t_span, (tuple, list)) else [t_span]) or isinstance(t_span, _Tracer):
        raise ValueError("osculate.scipy.integrate.solve_ivp: t_span must be plain numbers (the end times are not "
                         "differentiable here)")
    if isinstance(t_eval, _Tracer):
        raise ValueError("osculate.scipy.integrate.solve_ivp: t_eval must be plain numbers")
    try:
        t0, tf = (float(v) for v in t_span)
    except (TypeError, ValueError):
        raise ValueError("osculate.scipy.integrate.solve_ivp: t_span must be a pair of numbers (t0, tf)") from None
    if args is not None:
        if not isinstance(args, tuple):
            try:
                args = tuple(args)
            except TypeError:
                raise TypeError("osculate.scipy.integrate.solve_ivp: args must be a tuple") from None
    args = () if args is None else args
    y0 = _onp.asarray(y0)
    if y0.ndim != 1:
        raise ValueError(f"osculate.scipy.integrate.solve_ivp: y0 must be 1-dimensional, got {y0.ndim} dimensions")
    if not isinstance(y0, _Tracer):
        y0 = y0.astype(_np.result_type(y0.dtype, float), copy=False)
    y0_plain = _plain(y0, "y0", "solve_ivp")
    args_plain = tuple(_plain(a, "args", "solve_ivp") if isinstance(a, _Tracer) else a for a in args)

    if _np.all(_np.isfinite(y0_plain)):  # (SciPy refuses a non-finite y0 itself)
        f0 = _onp.asarray(fun(t0, y0, *args))
        if not _np.all(_np.isfinite(_plain(f0, "fun(t0, y0)", "solve_ivp"))):
            return _nan_solution(y0, f0, t0, tf, t_eval)

    if name not in _EXPLICIT:
        if isinstance(y0, _Tracer) or _has_tracer(args):
            raise ValueError(_REFUSE_IMPLICIT.format(name=repr(name)))

        def checked(t, y):
            out = _onp.asarray(fun(t, y, *args))
            if isinstance(out, _Tracer):
                raise ValueError(_REFUSE_IMPLICIT.format(name=repr(name)))
            return out

        return _si.solve_ivp(checked, (t0, tf), y0_plain, method=method, t_eval=t_eval, dense_output=dense_output,
                             vectorized=vectorized, **options)

    solver = _EXPLICIT[name]

    def plain_rhs(t, y):
        return _np.asarray(_concrete(_onp.asarray(fun(t, y, *args_plain))))

    reference = _si.solve_ivp(plain_rhs, (t0, tf), y0_plain, method=solver, t_eval=t_eval, dense_output=True,
                              vectorized=vectorized, **options)
    ts = _np.asarray(reference.sol.ts) if reference.sol is not None else _np.array([t0])
    count = [0]

    def rhs(t, y):
        count[0] += 1
        return _onp.asarray(fun(t, y, *args))

    f = rhs(ts[0], y0)
    y, steps, states = y0, [], [y0]
    for i in range(len(ts) - 1):
        step = _Step(solver, rhs, float(ts[i]), float(ts[i + 1]), y, f)
        y, f = step.y_new, step.f_new
        steps.append(step)
        states.append(y)
    if t_eval is None:
        t, values = ts, _np.stack(states, axis=1)
    else:
        t = _np.asarray(reference.t)
        if t.size == 0 or not steps:
            values = _np.stack([y0] * t.size, axis=1) if t.size else _np.zeros((y0.shape[0], 0)) * y0[:, None]
        else:
            values = _read_off(ts, steps, t)
    sol = _DenseSolution(ts, steps) if dense_output and steps else None
    return _OptimizeResult(t=t, y=values, sol=sol, t_events=None, y_events=None, nfev=count[0], njev=0, nlu=0,
                           status=reference.status, message=reference.message, success=reference.success)


def odeint(func, y0, t, args=(), Dfun=None, col_deriv=0, full_output=0, ml=None, mu=None, rtol=None, atol=None,
           tcrit=None, h0=0.0, hmax=0.0, hmin=0.0, ixpr=0, mxstep=0, mxhnil=0, mxordn=12, mxords=5, printmessg=0,
           tfirst=False):
    """The solution of ``dy/dt = func(y, t, *args)`` at the times ``t``: :func:`scipy.integrate.odeint`.

    On plain values it is SciPy's ``odeint`` (LSODA) itself.  When ``y0``,
    ``args`` or what ``func`` closes over are traced, it is
    :func:`solve_ivp` with ``'DOP853'`` at odeint's ``rtol`` and ``atol``
    (default 1.49012e-8; ``h0`` and ``hmax`` become ``first_step`` and
    ``max_step``), differentiable in every order: its values then agree with
    odeint's LSODA to the tolerance, not bitwise.  Returns the array of shape
    ``(len(t), len(y0))``; ``t`` must be plain, and ``full_output`` is not
    supported on traced values.  ``tfirst=True`` calls ``func(t, y, *args)``.

    >>> import numpy as np, osculate as osc
    >>> t = np.linspace(0.0, 1.0, 3)
    >>> end = lambda k: odeint(lambda y, t: -k * y, 1.0, t, rtol=1e-10, atol=1e-12)[-1, 0]
    >>> round(float(end(2.0)), 8), round(float(osc.grad(end)(2.0)), 8)        # exp(-k), -exp(-k)
    (0.13533528, -0.13533528)
    """
    if isinstance(t, _Tracer):
        raise ValueError("osculate.scipy.integrate.odeint: t must be plain numbers (the times are not "
                         "differentiable here)")
    if not isinstance(args, tuple):
        args = (args,)
    t = _np.asarray(t, dtype=float)
    y0 = _onp.ravel(_onp.asarray(y0))
    call = (lambda tt, y: func(tt, y, *args)) if tfirst else (lambda tt, y: func(y, tt, *args))
    traced = isinstance(y0, _Tracer) or _has_tracer(args)
    if not traced and t.size:
        traced = isinstance(_onp.asarray(call(t[0], y0)), _Tracer)
    if not traced:
        return _si.odeint(func, y0, t, args=args, Dfun=Dfun, col_deriv=col_deriv, full_output=full_output, ml=ml,
                          mu=mu, rtol=rtol, atol=atol, tcrit=tcrit, h0=h0, hmax=hmax, hmin=hmin, ixpr=ixpr,
                          mxstep=mxstep, mxhnil=mxhnil, mxordn=mxordn, mxords=mxords, printmessg=printmessg,
                          tfirst=tfirst)
    if full_output:
        raise NotImplementedError("osculate.scipy.integrate.odeint: full_output is not supported on traced values "
                                  "(pass 0)")
    if t.ndim != 1 or t.size < 1:
        raise ValueError("osculate.scipy.integrate.odeint: t must be a 1-D sequence of times")
    options = {"rtol": 1.49012e-8 if rtol is None else rtol, "atol": 1.49012e-8 if atol is None else atol}
    if h0:
        options["first_step"] = abs(float(h0))
    if hmax:
        options["max_step"] = abs(float(hmax))
    if t.size == 1:
        return _onp.reshape(y0, (1, -1))
    result = solve_ivp(call, (t[0], t[-1]), y0, method="DOP853", t_eval=t, **options)
    return _np.transpose(result.y)
