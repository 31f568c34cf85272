"""Constraints and bounds for :func:`osculate.optim.minimize`: the classes
:class:`Eq` and :class:`Ineq`, and the reading of every accepted form
(these classes, SciPy's ``NonlinearConstraint`` and ``LinearConstraint``,
the dict form ``{"type": "eq"|"ineq", "fun": ...}``, ``Bounds`` or a
sequence of ``(low, high)`` pairs) into one stacked constraint function
``c(x)`` with lower and upper limits ``cl <= c(x) <= cu``."""
from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sps
from scipy.optimize import Bounds, LinearConstraint, NonlinearConstraint

__all__ = ["Eq", "Ineq", "Problem", "read_bounds", "read_constraints"]


class _Constraint:
    """What :class:`Eq` and :class:`Ineq` share: a callable ``fun`` and its limits ``(lb, ub)``."""

    def __init__(self, fun, lb, ub):
        if not callable(fun):
            raise TypeError(f"{type(self).__name__}: fun must be callable, got {type(fun).__name__}")
        self.fun = fun
        self.limits = (lb, ub)

    def __repr__(self):
        return f"{type(self).__name__}({getattr(self.fun, '__name__', 'fun')}, lb={self.limits[0]!r}, " \
               f"ub={self.limits[1]!r})"


class Eq(_Constraint):
    """The equality constraint ``fun(x) == value``.

    ``fun(x)`` is plain NumPy code returning a scalar or a 1-D array (then
    ``value`` is a scalar or an array of that length).  Derivatives are
    osculate's own: no Jacobian or Hessian is asked for.

    >>> import numpy as np, osculate as osc
    >>> res = osc.minimize(lambda x: x @ x, np.array([2.0, 0.0]), method="trust-constr",
    ...                    constraints=[osc.Eq(lambda x: x[0] + x[1], 1.0)])
    >>> bool(res.success), np.round(res.x, 6).tolist()
    (True, [0.5, 0.5])
    """

    kind = "eq"

    def __init__(self, fun, value=0.0):
        super().__init__(fun, value, value)
        self.value = value


class Ineq(_Constraint):
    """The inequality constraint ``lb <= fun(x) <= ub``.

    Give the limits that exist: ``Ineq(fun, lb=1.0)`` is ``fun(x) >= 1``,
    ``Ineq(fun, ub=0.0)`` is ``fun(x) <= 0``, ``Ineq(fun, lb, ub)`` two-sided.
    With neither, ``Ineq(fun)`` is ``fun(x) >= 0`` -- the convention of
    SciPy's dict form ``{"type": "ineq", "fun": fun}``, so both spellings
    mean the same.  ``lb`` and ``ub`` are scalars or arrays of ``fun``'s
    output length (``-np.inf`` / ``np.inf`` entries are one-sided).

    >>> import numpy as np, osculate as osc
    >>> res = osc.minimize(lambda x: (x[0] - 3.0) ** 2, np.zeros(1), method="slsqp",
    ...                    constraints=[osc.Ineq(lambda x: x[0], ub=1.0)])
    >>> bool(res.success), np.round(res.x, 6).tolist(), np.round(res.multipliers[0], 6).tolist()
    (True, [1.0], [4.0])
    """

    kind = "ineq"

    def __init__(self, fun, lb=None, ub=None):
        if lb is None and ub is None:
            lb = 0.0
        super().__init__(fun, -np.inf if lb is None else lb, np.inf if ub is None else ub)
        self.lb, self.ub = self.limits


class _Block:
    """One constraint as given, read: ``fun``, its output size and limits."""

    def __init__(self, fun, lb, ub, label, linear=False):
        self.fun, self.lb, self.ub, self.label, self.linear = fun, lb, ub, label, linear
        self.size = None


def _linear_fun(A):
    A = A.toarray() if sps.issparse(A) else np.asarray(A, dtype=float)
    if A.ndim == 1:
        A = A[None, :]
    if A.ndim != 2:
        raise ValueError(f"LinearConstraint: A must be 2-D, got shape {A.shape}")
    A = np.ascontiguousarray(A, dtype=float)
    return (lambda x: A @ x), A


def _one(k, con):
    """The block of constraint ``k`` (any accepted form)."""
    if isinstance(con, (Eq, Ineq)):
        lb, ub = con.limits
        return _Block(con.fun, lb, ub, f"constraint {k} ({type(con).__name__})")
    if isinstance(con, NonlinearConstraint):
        return _Block(con.fun, con.lb, con.ub, f"constraint {k} (NonlinearConstraint)")
    if isinstance(con, LinearConstraint):
        fun, A = _linear_fun(con.A)
        blk = _Block(fun, con.lb, con.ub, f"constraint {k} (LinearConstraint)", linear=True)
        blk.A = A
        return blk
    if isinstance(con, dict):
        unknown = set(con) - {"type", "fun", "args", "jac"}
        if unknown:
            raise ValueError(f"constraint {k}: unknown key(s) {sorted(unknown)} in the dict form "
                             "(valid: 'type', 'fun', 'args', 'jac')")
        kind = con.get("type")
        if kind not in ("eq", "ineq"):
            raise ValueError(f"constraint {k}: 'type' must be 'eq' or 'ineq', got {kind!r}")
        fun = con.get("fun")
        if not callable(fun):
            raise TypeError(f"constraint {k}: 'fun' must be callable")
        args = tuple(con.get("args", ()))
        f = (lambda x, fun=fun, args=args: fun(x, *args)) if args else fun
        lb, ub = (0.0, 0.0) if kind == "eq" else (0.0, np.inf)
        return _Block(f, lb, ub, f"constraint {k} (dict, type {kind!r})")
    raise TypeError(f"constraint {k}: expected osculate.Eq, osculate.Ineq, scipy.optimize.NonlinearConstraint, "
                    f"LinearConstraint or a dict with 'type' and 'fun', got {type(con).__name__}")


def _limits(value, size, label, which):
    arr = np.asarray(value, dtype=float)
    if arr.ndim > 1 or (arr.ndim == 1 and arr.size not in (1, size)):
        raise ValueError(f"{label}: {which} has shape {arr.shape} but the constraint has {size} value(s)")
    if np.any(np.isnan(arr)):
        raise ValueError(f"{label}: {which} contains NaN")
    return np.broadcast_to(arr.reshape(-1) if arr.ndim else arr, (size,)).astype(float)


def read_constraints(constraints, x0):
    """The list of blocks, each evaluated once at ``x0`` (eagerly) to learn
    its size and check that it is finite and at most 1-D."""
    if constraints is None:
        constraints = []
    elif isinstance(constraints, (Eq, Ineq, NonlinearConstraint, LinearConstraint, dict)):
        constraints = [constraints]
    blocks = [_one(k, con) for k, con in enumerate(constraints)]
    for blk in blocks:
        with np.errstate(all="ignore"):
            val = np.asarray(blk.fun(x0))
        if not np.issubdtype(val.dtype, np.number) or np.iscomplexobj(val):
            raise TypeError(f"{blk.label} returned a value of dtype {val.dtype}; a real scalar or 1-D array is needed")
        if val.ndim > 1:
            raise ValueError(f"{blk.label} returned an array of shape {val.shape}; a constraint returns a scalar "
                             "or a 1-D array (ravel it)")
        if not np.all(np.isfinite(val)):
            bad = np.flatnonzero(~np.isfinite(val.reshape(-1)))
            raise ValueError(f"{blk.label} is not finite at x0 (value(s) {val.reshape(-1)[bad[:5]].tolist()} at "
                             f"position(s) {bad[:5].tolist()}); start where every constraint is defined")
        blk.size = int(val.size)
        blk.lb = _limits(blk.lb, blk.size, blk.label, "lb")
        blk.ub = _limits(blk.ub, blk.size, blk.label, "ub")
        bad = np.flatnonzero(blk.lb > blk.ub)
        if bad.size:
            i = bad[0]
            raise ValueError(f"{blk.label}: lb > ub at position {i} ({blk.lb[i]} > {blk.ub[i]}); no point satisfies it")
        if np.any(blk.lb == np.inf) or np.any(blk.ub == -np.inf):
            raise ValueError(f"{blk.label}: lb = +inf or ub = -inf; no point satisfies it")
    return blocks


def read_bounds(bounds, n):
    """``(lb, ub)`` arrays of length ``n`` (``None`` entries are infinite)."""
    if bounds is None:
        return np.full(n, -np.inf), np.full(n, np.inf)
    if isinstance(bounds, Bounds):
        lb, ub = bounds.lb, bounds.ub
    else:
        try:
            pairs = list(bounds)
        except TypeError:
            raise TypeError(f"bounds must be scipy.optimize.Bounds or a sequence of (low, high) pairs, "
                            f"got {type(bounds).__name__}") from None
        if len(pairs) != n or any(np.ndim(p) != 1 or len(p) != 2 for p in pairs):
            raise ValueError(f"bounds must be {n} (low, high) pairs, one per variable (got {len(pairs)} items)")
        lb = [-np.inf if p[0] is None else p[0] for p in pairs]
        ub = [np.inf if p[1] is None else p[1] for p in pairs]
    lb = _limits(lb, n, "bounds", "the lower bound")
    ub = _limits(ub, n, "bounds", "the upper bound")
    bad = np.flatnonzero(lb > ub)
    if bad.size:
        i = bad[0]
        raise ValueError(f"bounds: lb > ub for variable {i} ({lb[i]} > {ub[i]}); no point satisfies them")
    if np.any(lb == np.inf) or np.any(ub == -np.inf):
        raise ValueError("bounds: a lower bound of +inf or an upper bound of -inf; no point satisfies them")
    return lb, ub


class Problem:
    """The constrained problem in one form: ``f``, the blocks, the stacked
    ``c`` with ``cl <= c(x) <= cu`` and the bounds ``lb <= x <= ub``."""

    def __init__(self, f, x0, bounds, constraints):
        self.f = f
        self.n = x0.size
        self.blocks = read_constraints(constraints, x0)
        self.lb, self.ub = read_bounds(bounds, self.n)
        sizes = [b.size for b in self.blocks]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        self.m = int(self.offsets[-1])
        self.cl = np.concatenate([b.lb for b in self.blocks]) if self.blocks else np.zeros(0)
        self.cu = np.concatenate([b.ub for b in self.blocks]) if self.blocks else np.zeros(0)
        funs = [b.fun for b in self.blocks]

        def stacked(x):
            return np.concatenate([np.reshape(fn(x), (-1,)) for fn in funs])

        self.c = stacked if funs else None
        self.has_bounds = bool(np.any(np.isfinite(self.lb)) or np.any(np.isfinite(self.ub)))

    def split(self, stacked):
        """A stacked vector (values or multipliers) as one array per constraint."""
        return [stacked[self.offsets[k]:self.offsets[k + 1]].copy() for k in range(len(self.blocks))]


def check_scalar_objective(value):
    """``f(x0)`` as a float, or a clear error."""
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError(f"the objective must return a scalar, got an array of shape {arr.shape}")
    if not isinstance(value, numbers.Number) and not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"the objective returned a non-numeric value of type {type(value).__name__}")
    return float(arr.reshape(()))
