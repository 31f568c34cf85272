"""What the solvers of :mod:`osculate.ad.scipy.optimize` share: SciPy's solvers
guarded against functions that close over traced values, the log of the solves
behind a call (for the statistics SciPy returns beside a solution), the
implicit function that turns a plain solve into a differentiable one, and the
stationarity residual of a minimizer held by bounds."""

from __future__ import annotations

import copy
import functools
import types

import numpy as np
from scipy import optimize as _sopt

from ... import numpy as osc_np
from ...core import ConcretizationError, Tracer
from ...implicit import implicit_root
from ...transforms import grad
from ...tree import tree_flatten

_RTOL = 4 * np.finfo(float).eps  # SciPy's default relative tolerance of its bracketing solvers


# --------------------------------------------------------------------------- shared pieces


def _guarded(solver):
    """SciPy's ``solver``, with a clear error when the function it is given returns a
    traced value: the solver only ever calls it with plain ``x`` and ``args``, so
    it closes over a traced value the solver cannot see (the check is made on
    the function's output, before SciPy converts it: MINPACK would report
    only its own TypeError)."""

    def refuse():
        return ConcretizationError(
            f"osculate.scipy.optimize.{solver.__name__}: the function given to the solver returned a traced "
            "value for plain arguments, so it uses a traced value it closes over, which the solver cannot "
            "see; pass such values through args=(...)")

    @functools.wraps(solver)
    def call(fn, *a, **k):
        def checked(*xs, **kw):
            out = fn(*xs, **kw)
            if _traced(out):
                raise refuse()
            return out

        return solver(checked, *a, **k)

    return call


_scipy = types.SimpleNamespace(**{name: _guarded(getattr(_sopt, name)) for name in (
    "brentq", "brenth", "ridder", "bisect", "toms748", "newton", "root_scalar", "fsolve", "root", "fixed_point",
    "minimize", "minimize_scalar", "least_squares", "leastsq", "fmin", "fmin_powell", "fmin_cg", "fmin_bfgs",
    "fmin_ncg", "fmin_l_bfgs_b", "fmin_tnc", "fminbound", "brent", "golden", "curve_fit")})


def _args_tuple(args):
    """``args`` as SciPy reads it: a tuple, or one extra argument."""
    return args if isinstance(args, tuple) else (args,)


def _traced(*values):
    return any(isinstance(leaf, Tracer) for leaf in tree_flatten(values)[0])


class _Log:
    """The solves of one call, for the statistics SciPy returns beside the solution."""

    def __init__(self, who):
        self.who, self.results = who, []

    def last(self):
        """The last solve's full result (under ``vmap``, one solve per batch member, the
        last member's)."""
        if not self.results:
            raise TypeError(f"osculate.scipy.optimize.{self.who}: the solver's statistics are not available "
                            "here (the solve did not run in Python); use the solution alone")
        return self.results[-1]

    def result(self, flag, **fields):
        """A copy of the last solve's result object with ``fields`` replaced (the traced
        solution) and the boolean ``flag`` (``success``, ``converged``) true when every
        solve's was."""
        res = copy.copy(self.last())
        setattr(res, flag, all(bool(getattr(r, flag)) for r in self.results))
        for name, value in fields.items():
            setattr(res, name, value)
        return res


def _implicit(residual, solve, ignored, args):
    """The solution of ``residual(x, *args) = 0`` found by ``solve(*ignored, *args)``,
    an implicit function of the traced members of ``ignored`` and ``args`` (the
    others are constants).  The values in ``ignored`` (bracket ends, starting
    points) reach the solver but not the residual, so their derivative is zero
    and a replay under ``jit`` uses their new values."""
    values, k = list(ignored) + list(args), len(ignored)
    live = [i for i, v in enumerate(values) if _traced(v)]

    def fill(traced):
        full = list(values)
        for i, v in zip(live, traced):
            full[i] = v
        return full

    return implicit_root(lambda x, *q: residual(x, *fill(q)[k:]),
                         lambda _, *q: solve(*fill(q)))(None, *(values[i] for i in live))


def _first(fn):
    """``fn``'s value when ``fn`` returns ``(value, derivative...)`` (SciPy's ``fprime=True`` / ``jac=True``)."""
    return lambda x, *p: fn(x, *p)[0]



#: How close (relative to ``1 + |bound|``) a coordinate of a minimizer must be to a bound
#: to count as held there: interior-point and derivative-free methods stop within about
#: sqrt(eps) of an active bound rather than on it.
_ON_BOUND = 1e-8


def _near_bound(end):
    """How close to the finite bound ``end`` a coordinate counts as held on it (:data:`_ON_BOUND`)."""
    return _ON_BOUND * (1.0 + np.abs(end))


def _bound_arrays(bounds, n):
    """``(lower, upper)`` of SciPy's ``bounds`` (a ``Bounds`` or ``(min, max)`` pairs with
    None for no bound) as plain float arrays of length ``n`` (±inf where unbounded)."""
    if isinstance(bounds, _sopt.Bounds):
        lo, hi = bounds.lb, bounds.ub
    else:
        pairs = np.array([(-np.inf if lo is None else lo, np.inf if hi is None else hi) for lo, hi in bounds],
                         dtype=float).reshape(-1, 2)
        lo, hi = pairs[:, 0], pairs[:, 1]
    return (np.broadcast_to(np.asarray(lo, dtype=float), (n,)), np.broadcast_to(np.asarray(hi, dtype=float), (n,)))


def _stationary(value, lo, hi, width):
    """The residual whose root is the minimizer: ``∇ₓ value(x, *args)``, except in the
    coordinates within ``width`` of a finite bound (``lo``, ``hi``: plain arrays, ±inf
    where unbounded), where it is ``x − bound``: an active bound holds its coordinate
    fixed (the KKT conditions with the multipliers eliminated).  Which bounds are
    active is read off ``x`` by comparisons, so a staged program decides again at
    each replay."""
    gradient = grad(value)
    lo_end, hi_end = np.where(np.isfinite(lo), lo, 0.0), np.where(np.isfinite(hi), hi, 0.0)

    def residual(x, *p):
        at_lo = np.isfinite(lo) & (osc_np.abs(x - lo_end) <= width(lo_end))
        at_hi = np.isfinite(hi) & (osc_np.abs(x - hi_end) <= width(hi_end))
        return osc_np.where(at_lo | at_hi, x - osc_np.where(at_lo, lo_end, hi_end), gradient(x, *p))

    return residual


def _raveled(fn):
    return lambda x, *p: osc_np.ravel(fn(x, *p))
