"""``scipy.optimize`` inside a differentiated model, with SciPy's signatures.

A model that calls ``scipy.optimize.brentq(g, a, b, args=(theta,))`` with a
traced ``theta`` is refused by SciPy (it converts every value to a float).
The functions here take the same arguments and give SciPy's results: the
solve itself is SciPy's, run on plain values, so roots and minimizers are
SciPy's to the last bit.  When a member of ``args`` is traced, the result is
an implicit function of it (:mod:`osculate.ad.implicit`, ``docs/implicit.md``):
a root ``x*`` of ``f(x, *args) = 0`` is differentiated by the implicit
function theorem, ``dx*/dθ = −(∂f/∂x)⁻¹ ∂f/∂θ``, to every order, in forward
and reverse mode, under ``vmap`` (one solve per batch member) and ``jit`` (the
solve is one staged node, re-run at replay).

* roots of a scalar equation: :func:`brentq`, :func:`brenth`, :func:`ridder`,
  :func:`bisect`, :func:`toms748`, :func:`newton`, :func:`root_scalar`;
* roots of a system and fixed points: :func:`fsolve`, :func:`root`,
  :func:`fixed_point`;
* minimizers: :func:`minimize`, :func:`minimize_scalar`, differentiated
  through the stationarity condition ``∇ₓ fun(x*, *args) = 0``; the
  minimum value ``.fun`` is ``fun(x*, *args)`` on the traced ``args``;
* least squares: :func:`least_squares` (every method, robust loss and bound),
  :func:`curve_fit` (differentiable in ``xdata``, ``ydata`` and ``sigma``; its
  covariance too), :func:`leastsq`, and the linear :func:`lsq_linear` and
  :func:`nnls`, differentiated through the stationarity of the cost with the
  coordinates on active bounds held there (``_least_squares``);
* linear programs: :func:`linprog`, differentiable in the constraint data
  through the active constraints at the solution (``_linprog``);
* SciPy's older minimizer functions (``fmin``, ``fmin_powell``, ``fmin_cg``,
  ``fmin_bfgs``, ``fmin_ncg``, ``fmin_l_bfgs_b``, ``fmin_tnc``, ``fminbound``,
  ``brent``, ``golden``) and the finite differences ``approx_fprime`` and
  ``check_grad`` on traced values (``_legacy``);
* global optimizers: :func:`differential_evolution`, :func:`dual_annealing`,
  :func:`shgo`, :func:`direct`, :func:`basinhopping` (``args`` in
  ``minimizer_kwargs``) and :func:`brute`, differentiated through the local
  minimizer the search ends at (exact after their local step; ``_global``);
* Rosenbrock's test function: :func:`rosen`, :func:`rosen_der`,
  :func:`rosen_hess`, :func:`rosen_hess_prod`, composed of traced operations.

The functions given to the solvers are written with NumPy operations (they
are traced when derivatives are taken).  Bracket ends and starting points
may be traced; the solution does not depend on them (derivative zero).
Derivatives assume ``∂f/∂x`` invertible at the solution (an isolated root, a
strict minimum) and raise :class:`~osculate.ad.implicit.SingularJacobianError`
otherwise.  Only unknowns are traced in the results: the statistics beside
them (``full_output``, the fields of ``RootResults`` and ``OptimizeResult``)
are SciPy's plain numbers.  Under ``vmap`` they are the last batch member's,
with ``success``/``converged`` true only when every member's is; under
``jit`` they are those of the solve made while staging (the replayed solve
updates the traced solution only).

>>> import numpy as np, osculate as osc
>>> from osculate.scipy import optimize
>>> root = lambda a: optimize.brentq(lambda x, a: x ** 3 - a, 0.0, 4.0, args=(a,))
>>> round(float(root(8.0)), 12), round(float(osc.grad(root)(8.0)), 12)   # a^(1/3), a^(-2/3)/3
(2.0, 0.083333333333)
"""

from __future__ import annotations

from ._solvers import (
    bisect, brenth, brentq, fixed_point, fsolve, minimize, minimize_scalar, newton, ridder, root, root_scalar, rosen,
    rosen_der, rosen_hess, rosen_hess_prod, toms748,
)
from ._least_squares import curve_fit, least_squares, leastsq, lsq_linear, nnls
from ._linprog import linprog
from ._global import basinhopping, brute, differential_evolution, direct, dual_annealing, shgo
from ._legacy import (
    approx_fprime, brent, check_grad, fmin, fmin_bfgs, fmin_cg, fmin_l_bfgs_b, fmin_ncg, fmin_powell, fmin_tnc,
    fminbound, golden,
)

__all__ = [
    "brentq", "brenth", "ridder", "bisect", "toms748", "newton", "root_scalar",
    "fsolve", "root", "fixed_point", "minimize", "minimize_scalar",
    "rosen", "rosen_der", "rosen_hess", "rosen_hess_prod",
    "least_squares", "curve_fit", "leastsq", "lsq_linear", "nnls",
    "fmin", "fmin_powell", "fmin_cg", "fmin_bfgs", "fmin_ncg", "fmin_l_bfgs_b", "fmin_tnc", "fminbound", "brent",
    "golden", "approx_fprime", "check_grad", "linprog",
    "differential_evolution", "dual_annealing", "shgo", "direct", "basinhopping", "brute",
]
