"""SciPy's :func:`~scipy.optimize.linprog` on traced problem data.

A linear program's solution is a vertex: the point where ``n`` of its
constraints hold with equality.  Those *active* constraints (every equality,
the inequalities with no slack, the bounds a coordinate sits on) determine
it, ``G x = h``, so it moves with the data as their solution does while the
active set stays the same: differentiable in ``A_ub``, ``b_ub``, ``A_eq``,
``b_eq``, and constant in ``c``.  The optimal value
``cᵀ x`` then has the textbook sensitivities (the duals in ``b``, ``x`` in
``c``).

The solution is written as the root of ``Gᵀ D (G x − h) = 0``, ``D`` the
diagonal of active rows, read off ``x`` by comparisons: a fixed-size system
(a staged program decides the active set again at every replay, after the
solve), whose Jacobian ``Gᵀ D G`` is invertible exactly when the active
constraints pin ``x`` down -- as they do at the vertices HiGHS returns (its
interior-point method runs a crossover to one).  At a degenerate vertex
(more constraints active than coordinates) or where ``c`` is orthogonal to
an edge (several optimal vertices), the solution is not differentiable: the
derivative returned is then that of the least-squares fit of the active
constraints, which may differ from the one-sided derivatives.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize as _sopt

from ... import numpy as osc_np
from ._common import _implicit, _Log, _traced

__all__ = ["linprog"]

#: A constraint counts as active within this relative distance of equality (HiGHS's
#: vertices satisfy theirs to rounding; its feasibility tolerance is 1e-7).
_ACTIVE = 1e-9


def _bounds_arrays(bounds, n):
    """``(lo, hi)`` float arrays (±inf where unbounded) from linprog's ``bounds``: one
    ``(min, max)`` pair for every coordinate, one pair per coordinate, or a ``Bounds``."""
    if isinstance(bounds, _sopt.Bounds):
        lo, hi = bounds.lb, bounds.ub
    elif bounds is None:
        lo, hi = 0.0, np.inf
    else:
        pairs = np.asarray(bounds, dtype=object)
        if pairs.shape == (2,):
            pairs = np.array([bounds] * n, dtype=object)
        pairs = pairs.reshape(-1, 2)
        lo = np.array([-np.inf if p is None else float(p) for p in pairs[:, 0]])
        hi = np.array([np.inf if p is None else float(p) for p in pairs[:, 1]])
    return (np.broadcast_to(np.asarray(lo, dtype=float), (n,)).copy(),
            np.broadcast_to(np.asarray(hi, dtype=float), (n,)).copy())


def linprog(c, A_ub=None, b_ub=None, A_eq=None, b_eq=None, bounds=(0, None), method="highs", callback=None,
            options=None, x0=None, integrality=None):
    """SciPy's :func:`scipy.optimize.linprog`, differentiable in traced ``A_ub``,
    ``b_ub``, ``A_eq`` and ``b_eq`` (and constant in ``c``), through the active
    constraints at the solution (see the module's documentation).

    The result is SciPy's ``OptimizeResult`` with ``x``, ``fun`` (``cᵀ x``), ``slack``
    and ``con`` computed on the traced solution; the duals (``ineqlin``, ``eqlin``,
    ``lower``, ``upper``) are SciPy's.  The bounds are plain values (no derivative is
    taken in them); ``integrality`` with traced data is refused (a mixed-integer
    solution does not move continuously).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> c = np.array([-1.0, -2.0])
    >>> A = np.array([[1.0, 1.0], [1.0, 3.0]])
    >>> best = lambda b: optimize.linprog(c, A_ub=A, b_ub=b).fun
    >>> float(best(np.array([4.0, 6.0])))
    -5.0
    >>> osc.grad(best)(np.array([4.0, 6.0]))   # the duals: SciPy's ineqlin.marginals
    array([-0.5, -0.5])
    """
    options_ = dict(method=method, callback=callback, options=options, x0=x0, integrality=integrality)
    data = (A_ub, b_ub, A_eq, b_eq)
    if not _traced(c, data):
        return _sopt.linprog(c, *data, bounds=bounds, **options_)
    if integrality is not None and np.any(np.asarray(integrality)):
        raise ValueError("osculate.scipy.optimize.linprog: integrality with traced data is not differentiable "
                         "(the solution jumps between integer points); solve it on plain values")
    n = int(np.size(c))
    lo, hi = _bounds_arrays(bounds, n)
    log = _Log("linprog")

    def solve(c, A_ub, b_ub, A_eq, b_eq):
        res = _sopt.linprog(c, A_ub, b_ub, A_eq, b_eq, bounds=list(zip(lo, hi)), **options_)
        if res.status != 0:
            raise ValueError(f"osculate.scipy.optimize.linprog: the solve failed ({res.message}); there is no "
                             "solution to differentiate")
        log.results.append(res)
        return res.x

    eye = np.eye(n)
    finite_lo, finite_hi = np.isfinite(lo), np.isfinite(hi)

    def residual(x, c, A_ub, b_ub, A_eq, b_eq):
        rows, rhs, always = [], [], []
        for A, b, eq in ((A_ub, b_ub, False), (A_eq, b_eq, True)):
            if A is not None:
                rows.append(osc_np.asarray(A, dtype=float))
                rhs.append(osc_np.asarray(b, dtype=float))
                always.append(np.full(np.shape(b), eq))
        rows += [eye[finite_lo], eye[finite_hi]]
        rhs += [lo[finite_lo], hi[finite_hi]]
        always += [np.zeros(int(finite_lo.sum()), bool), np.zeros(int(finite_hi.sum()), bool)]
        G, h = osc_np.concatenate(rows, axis=0), osc_np.concatenate(rhs)
        gap = G @ x - h
        scale = 1.0 + osc_np.abs(h) + osc_np.sum(osc_np.abs(G), axis=1) * osc_np.max(osc_np.abs(x))
        active = np.concatenate(always) | (osc_np.abs(gap) <= _ACTIVE * scale)
        return osc_np.transpose(G) @ osc_np.where(active, gap, 0.0)

    x = _implicit(residual, solve, (), (c,) + data)
    fields = dict(x=x, fun=osc_np.sum(c * x))
    if A_ub is not None:
        fields["slack"] = b_ub - A_ub @ x
    if A_eq is not None:
        fields["con"] = b_eq - A_eq @ x
    return log.result("success", **fields)
