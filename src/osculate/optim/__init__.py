"""Second-order optimizers built on osculate's derivatives.

Solvers are composed from a *direction* (Newton and its modifications,
truncated Newton-CG, saddle-free Newton, quasi-Newton, natural gradient,
steepest descent) or a *trust-region model* (Steihaug–Toint CG, Moré–Sorensen,
GLTR-style Lanczos, SR1, Levenberg–Marquardt damping) and a *step control*
(Armijo backtracking, strong-Wolfe line search, trust-region radius or damping
update).  See ``docs/optimizers.md``.

Public API
----------
minimize(f, x0, method=..., ...)
minimize(f, x0, method="trust-constr"|"ipopt"|"slsqp"|"l-bfgs-b"|"tron",
         bounds=..., constraints=[Eq(...), Ineq(...), ...])
Eq(fun, value=0), Ineq(fun, lb=None, ub=None) : constraints ``fun(x) == value``,
    ``lb <= fun(x) <= ub`` (neither limit given: ``fun(x) >= 0``; see ``docs/constrained.md``)
least_squares(residual_fn, x0, method="lm"|"gauss-newton", ...)
scipy_callables(f) -> (fun, jac, hess, hessp, objective)
Objective(fun, grad=None, hvp=None, hess=None, args=(), jit="auto")
METHODS : dict of the unconstrained method names accepted by ``minimize``
CONSTRAINED_METHODS : the methods that take bounds (and which take constraints)
"""
from ._constraints import Eq, Ineq
from ._least_squares import least_squares
from ._minimize import CONSTRAINED_METHODS, METHODS, minimize
from ._objective import Objective
from ._scipy import ScipyCallables, scipy_callables

__all__ = ["minimize", "least_squares", "scipy_callables", "ScipyCallables",
           "Objective", "METHODS", "CONSTRAINED_METHODS", "Eq", "Ineq"]
