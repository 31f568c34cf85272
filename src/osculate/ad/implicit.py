"""Implicit functions: the root ``x*(θ)`` of ``f(x, θ) = 0`` found by any solver and
differentiated by the implicit function theorem (``docs/implicit.md``).

The root is a :class:`~osculate.custom_jvp` function of the parameters whose rule
solves the linearised system ``∂f/∂x ẋ = −∂f/∂θ θ̇`` with osculate operations
(a dense Jacobian by forward mode and ``np.linalg.solve``).  The rule is itself
differentiable, so derivatives of every order and all four nestings work; the
solver only ever sees plain floats and arrays.

Assumption: ``∂f/∂x`` is invertible at the root (the root is locally unique and
smooth in θ).  When it is (numerically) singular, differentiating raises
:class:`SingularJacobianError`.

The solution ``x`` and the parameters may be pytrees (dicts, tuples,
dataclasses...): the implicit function works on the flat vector of the
solution (``ravel_pytree`` order; ``f``'s output is raveled the same way)
and on the leaves of the parameters, and returns ``x``'s structure.

Under ``vmap`` and ``jit`` the solver runs as one operation of its own
(:data:`implicit_solve_p`): ``vmap`` calls it once per batch member, and
``jit`` stages it as one node whose replay calls the solver again on the
new parameters, so a staged program never returns the root it saw while
staging.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize as _sopt

from . import numpy as osc_np
from . import sparsity
from .arguments import LEAF_DEF
from .core import Primitive, Tracer
from .custom import custom_jvp
from .ravel import ravel_pytree
from .transforms import jacfwd, jvp
from .tree import tree_flatten, tree_map, tree_unflatten

__all__ = ["custom_root", "root_scalar", "root", "fixed_point", "SingularJacobianError", "implicit_root"]


class SingularJacobianError(np.linalg.LinAlgError):
    """The Jacobian ``∂f/∂x`` is singular at the root, so the implicit function
    theorem does not apply and the root has no derivative in the parameters."""


def _has_tracer(values):
    return any(isinstance(v, Tracer) for v in values)


def _is_tree(x):
    """Whether a solution ``x`` is a pytree rather than one array (``None``, an
    array, a number, or a plain list or tuple of numbers, as before)."""
    if x is None:
        return False
    if type(x) in (list, tuple):
        return not all(not _is_tree(e) and (type(e) in (list, tuple) or np.ndim(e) == 0) for e in x)
    return tree_flatten(x)[1] != LEAF_DEF


def _as_float(tree):
    return tree_map(lambda leaf: np.asarray(leaf, dtype=float), tree)


def _flat_start(start):
    """``(vector, unravel)`` of an initial guess: an array's ravel and reshape,
    or a pytree's ``ravel_pytree`` (float)."""
    if _is_tree(start):
        return ravel_pytree(_as_float(start))
    start = np.asarray(start, dtype=float)
    return start.ravel(), lambda z: np.reshape(z, start.shape)


def _raveled(tree):
    return tree if not _is_tree(tree) else ravel_pytree(tree)[0]


class _Solve:
    """The solve of an implicit function, as the parameter of its primitive.

    It is deliberately not callable: ``osculate.jit`` records a primitive whose
    parameters are plain data as one staged node and replays it by calling
    the implementation, which runs the solver at the new parameters (a
    callable parameter would make ``jit`` trace through the solver instead,
    which a SciPy solver cannot be).  ``check`` asks for the invertibility
    check of ``∂f/∂x`` (the derivative rule's solves only).
    """

    __slots__ = ("solve", "x0", "f", "rcond", "check")

    def __init__(self, solve, x0, f, rcond, check):
        self.solve, self.x0, self.f, self.rcond, self.check = solve, x0, f, rcond, check

    def __repr__(self):
        return f"<implicit solve{' (checked)' if self.check else ''}>"


def _solve_impl(*params, problem):
    x = np.asarray(problem.solve(problem.x0, *params), dtype=float)
    if problem.check:
        _check_invertible(problem.f, x, params, problem.rcond)
    return x


def _solve_batch(vals, batched, size, problem):
    """One solve per batch member (a solver handles one problem at a time)."""
    members = []
    for i in range(size):
        args = [v[i] if b else v for v, b in zip(vals, batched)]
        members.append(implicit_solve_p.bind(*args, problem=problem))
    return osc_np.stack(members)


implicit_solve_p = Primitive("implicit_solve", _solve_impl)
implicit_solve_p.def_rule("batch", _solve_batch)
for _kind, _why in (("jvp", "differentiated by the implicit function theorem, through its custom_jvp rule"),
                    ("vjp", "differentiated by the implicit function theorem, through its custom_jvp rule"),
                    ("taylor", "an implicit function has no Taylor rule; nest grad/jvp instead")):
    implicit_solve_p.lacks(_kind, _why)
# the solution depends on every parameter, and its second derivatives on every pair
# (global detection runs the solver at stand-in parameters; mode='local' at the point)
implicit_solve_p.def_rule("sparsity", sparsity.dense_rule)


def _check_invertible(f, x, params, rcond):
    """Raise :class:`SingularJacobianError` unless ``∂f/∂x`` at the (concrete) root is well conditioned."""
    x = np.asarray(x, dtype=float)
    J = np.asarray(jacfwd(lambda z: f(z, *params))(x), dtype=float).reshape(x.size, x.size)
    s = np.linalg.svd(J, compute_uv=False) if J.size else np.ones(1)
    if not np.all(np.isfinite(s)) or s[-1] <= rcond * max(s[0], np.finfo(float).tiny):
        raise SingularJacobianError(
            "the Jacobian df/dx is singular at the root (smallest/largest singular value "
            f"{s[-1]:.3g}/{s[0]:.3g}): implicit differentiation assumes df/dx is invertible there, "
            "i.e. the root is isolated (not a double root) and depends smoothly on the parameters"
        )


def implicit_root(f, solve, tangent_solve=None, rcond=1e-12):
    """The function ``params -> x*`` with ``f(x*, *params) = 0``, where the root comes from
    ``solve(x0, *params)`` (called on plain values).  The building block of
    :func:`custom_root`, with the parameters handed to the solver (for solvers that need
    more than the residual function, such as a minimizer).

    >>> import osculate as osc
    >>> sqrt = osc.ad.implicit.implicit_root(lambda x, a: x * x - a, lambda x0, a: a ** 0.5)
    >>> round(float(osc.grad(lambda a: sqrt(1.0, a))(4.0)), 12)
    0.25
    """

    def tangent(f, x, params, dparams):
        # ∂f/∂x ẋ = −∂f/∂θ θ̇, solved with operations that later transformations differentiate
        rhs = jvp(lambda *q: f(x, *q), tuple(params), tuple(dparams))[1]
        if tangent_solve is not None:
            lin = lambda v: jvp(lambda z: f(z, *params), (x,), (v,))[1]  # noqa: E731
            return -tangent_solve(lin, rhs)
        shape = np.shape(x)
        n = int(np.prod(shape))
        J = osc_np.reshape(jacfwd(lambda z: f(z, *params))(x), (n, n))
        rhs = osc_np.reshape(rhs, (n,))
        dx = osc_np.linalg.solve(J, rhs)
        return -osc_np.reshape(dx, shape)

    def make(x0, f=f, solve=solve):
        # The primal and the checked root share the rule, whose own root is the checked
        # one, so every derivative checks ∂f/∂x.  The primal checks on concrete values
        # (it runs inside a derivative there) but not under vmap or jit alone.
        checked_problem = _Solve(solve, x0, f, rcond, True)
        plain_problem = _Solve(solve, x0, f, rcond, False)

        def build(check):
            @custom_jvp
            def root_of(*params):
                problem = checked_problem if check or not _has_tracer(params) else plain_problem
                return implicit_solve_p.bind(*params, problem=problem)

            return root_of

        primal, checked = build(False), build(True)

        def rule(params, dparams):
            x = checked(*params)
            return x, tangent(f, x, params, dparams)

        primal.defjvp(rule)
        checked.defjvp(rule)
        return primal

    def evaluate(x0, *params):
        if _has_tracer(tree_flatten(x0)[0]):
            raise TypeError(
                "the initial guess of an implicit root must be a plain value, not a traced one "
                "(the root does not depend on it; pass a constant or osculate.stop_gradient(x0))"
            )
        leaves, pdef = tree_flatten(params)
        if not _has_tracer(leaves):
            return solve(x0, *params)
        unflat = (lambda ls: tree_unflatten(pdef, ls)) if pdef != tree_flatten((0.0,) * len(params))[1] else None
        f_l, solve_l = f, solve
        if unflat is not None:  # pytree parameters: the root is a function of their leaves
            f_l = lambda x, *ls: f(x, *unflat(ls))  # noqa: E731
            solve_l = lambda start, *ls: solve(start, *unflat(ls))  # noqa: E731
        if not _is_tree(x0):
            return make(x0, f_l, solve_l)(*leaves)
        flat0, unravel = ravel_pytree(_as_float(x0))  # a pytree solution: solved for as one vector
        f_flat = lambda z, *ls: ravel_pytree(f_l(unravel(z), *ls))[0]  # noqa: E731
        solve_flat = lambda z0, *ls: ravel_pytree(_as_float(solve_l(unravel(z0), *ls)))[0]  # noqa: E731
        return unravel(make(flat0, f_flat, solve_flat)(*leaves))

    return evaluate


def custom_root(f, initial_guess, solve, tangent_solve=None):
    """The root of ``f(x, *params) = 0`` as a differentiable function of ``params``.

    Returns ``root(*params)``.  ``solve(g, initial_guess)`` finds a root of
    ``g(x) = f(x, *params)`` on plain NumPy values (any method: SciPy, Newton by
    hand, a closed form); its derivatives are never taken.  Instead the implicit
    function theorem gives ``dx*/dθ = −(∂f/∂x)⁻¹ ∂f/∂θ``, computed with osculate
    operations so that second and higher derivatives work.  ``f`` must be written
    with NumPy operations (it is traced).  ``tangent_solve(lin, y)``, if given,
    solves ``lin(v) = y`` for the linearised ``lin(v) = ∂f/∂x v``; by default a
    dense Jacobian and ``np.linalg.solve`` are used.  Derivatives raise
    :class:`SingularJacobianError` if ``∂f/∂x`` is singular at the root.

    ``x`` may be a pytree (``initial_guess`` gives its structure, ``solve``
    gets and returns such trees, ``f`` returns a tree of the same size, e.g.
    the same structure): the derivative works on the raveled vectors
    (``ravel_pytree`` order; so does ``tangent_solve``), and the root comes
    back with ``initial_guess``'s structure.  Parameters may be pytrees too.
    The root works under ``vmap`` (one solve per batch member) and ``jit``
    (the solve is one staged node, re-run on the new parameters at replay).

    >>> import numpy as np, osculate as osc
    >>> def newton(g, x):
    ...     for _ in range(50):
    ...         x = x - g(x) / osc.grad(g)(x)
    ...     return x
    >>> cbrt = osc.custom_root(lambda x, a: x ** 3 - a, 1.0, newton)
    >>> round(float(cbrt(8.0)), 12), round(float(osc.grad(cbrt)(8.0)), 12)  # d a^(1/3) = a^(-2/3)/3
    (2.0, 0.083333333333)
    >>> round(float(osc.grad(osc.grad(cbrt))(8.0)), 12)  # -2/9 a^(-5/3)
    -0.006944444444
    >>> osc.jit(cbrt)(8.0), osc.jit(cbrt)(27.0)          # a new parameter: solved again
    (array(2.), array(3.))
    >>> sol = osc.custom_root(lambda p, a: {"u": p["u"] - a, "v": p["v"] * p["u"] - 1.0},
    ...                       {"u": 1.0, "v": 1.0}, lambda g, p0: {"u": 2.0, "v": 0.5})
    >>> d = osc.jacfwd(lambda a: sol(a)["v"])(2.0)      # v = 1/a
    >>> float(d)
    -0.25
    """
    inner = implicit_root(lambda x, *p: f(x, *p), lambda x0, *p: solve(lambda x: f(x, *p), x0), tangent_solve)
    return lambda *params: inner(initial_guess, *params)


def _plain(g):
    return lambda x: np.asarray(g(x), dtype=float)


def root_scalar(f, *params, bracket=None, x0=None, x1=None, method="brentq", **options):
    """The root of the scalar equation ``f(x, *params) = 0``, differentiable in ``params``.

    SciPy's :func:`scipy.optimize.root_scalar` finds the root on plain floats
    (``method``, ``bracket``, ``x0``, ``x1`` and ``options`` are passed to it);
    derivatives come from the implicit function theorem, ``dx/dθ = −f_θ / f_x``.

    >>> import osculate as osc
    >>> f = lambda x, a: x ** 2 - a
    >>> round(float(osc.root_scalar(f, 2.0, bracket=(0.0, 2.0))), 12)
    1.414213562373
    >>> round(float(osc.grad(lambda a: osc.root_scalar(f, a, bracket=(0.0, 3.0)))(4.0)), 10)
    0.25
    """
    def solve(_, *p):
        g = lambda x: float(f(x, *p))  # noqa: E731
        res = _sopt.root_scalar(g, bracket=bracket, x0=x0, x1=x1, method=method, **options)
        if not res.converged:
            raise RuntimeError(f"root_scalar did not converge: {res.flag}")
        return float(res.root)

    return implicit_root(f, solve)(None, *params)


def root(f, x0, *params, method="hybr", **options):
    """A root of the system ``f(x, *params) = 0`` (``x`` and ``f`` of the same shape),
    differentiable in ``params``.  ``x0`` may be a pytree (``f`` then returns a
    tree of the same size), and so may the parameters; see :func:`custom_root`.

    SciPy's :func:`scipy.optimize.root` finds it on plain arrays from ``x0``
    (``method`` and ``options`` passed on); the derivative solves the linearised
    system with the dense Jacobian ``∂f/∂x``.

    >>> import numpy as np, osculate as osc
    >>> f = lambda x, a: np.stack([x[0] + x[1] - a, x[0] - x[1]])
    >>> osc.root(f, np.zeros(2), 2.0)
    array([1., 1.])
    >>> float(osc.grad(lambda a: np.sum(osc.root(f, np.zeros(2), a) ** 2))(2.0))
    2.0
    """
    def solve(start, *p):
        z0, unravel = _flat_start(start)
        g = lambda z: np.asarray(_raveled(f(unravel(z), *p)), dtype=float).ravel()  # noqa: E731
        res = _sopt.root(g, z0, method=method, **options)
        if not res.success:
            raise RuntimeError(f"root did not converge: {res.message}")
        return unravel(res.x)

    return implicit_root(f, solve)(x0, *params)


def fixed_point(g, x0, *params, xtol=1e-12, maxiter=10000):
    """The fixed point ``x = g(x, *params)``, differentiable in ``params``.

    Found by SciPy's :func:`scipy.optimize.fixed_point` (Steffensen's
    acceleration) on plain values; differentiated as the root of
    ``x − g(x, *params)``, which needs ``I − ∂g/∂x`` invertible.  ``x0`` may be
    a pytree (``g`` returns the same structure).

    >>> import numpy as np, osculate as osc
    >>> x = osc.fixed_point(lambda x, a: np.cos(a * x), 0.5, 1.0)   # the Dottie number
    >>> round(float(x), 10)
    0.7390851332
    >>> d = osc.grad(lambda a: osc.fixed_point(lambda x, a: np.cos(a * x), 0.5, a))(1.0)
    >>> bool(np.isclose(d, -x * np.sin(x) / (1 + np.sin(x))))
    True
    """
    def solve(start, *p):
        if not _is_tree(start):
            start = np.asarray(start, dtype=float)
            h = lambda x: np.asarray(g(x, *p), dtype=float)  # noqa: E731
            return np.asarray(_sopt.fixed_point(h, start, xtol=xtol, maxiter=maxiter), dtype=float)
        z0, unravel = _flat_start(start)
        h = lambda z: np.asarray(ravel_pytree(g(unravel(z), *p))[0], dtype=float)  # noqa: E731
        return unravel(np.asarray(_sopt.fixed_point(h, z0, xtol=xtol, maxiter=maxiter), dtype=float))

    def residual(x, *p):
        gx = g(x, *p)
        return tree_map(lambda a, b: a - b, x, gx) if _is_tree(x) else x - gx

    return implicit_root(residual, solve)(x0, *params)
