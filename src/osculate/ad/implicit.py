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
"""

from __future__ import annotations

import numpy as np
from scipy import optimize as _sopt

from . import numpy as osc_np
from .core import Tracer
from .custom import custom_jvp
from .transforms import jacfwd, jvp

__all__ = ["custom_root", "root_scalar", "root", "fixed_point", "SingularJacobianError", "implicit_root"]


class SingularJacobianError(np.linalg.LinAlgError):
    """The Jacobian ``∂f/∂x`` is singular at the root, so the implicit function
    theorem does not apply and the root has no derivative in the parameters."""


def _has_tracer(values):
    return any(isinstance(v, Tracer) for v in values)


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

    def tangent(x, params, dparams):
        # ∂f/∂x ẋ = −∂f/∂θ θ̇, solved with operations that later transformations differentiate
        rhs = jvp(lambda *q: f(x, *q), tuple(params), tuple(dparams))[1]
        if tangent_solve is not None:
            lin = lambda v: jvp(lambda z: f(z, *params), (x,), (v,))[1]  # noqa: E731
            return -tangent_solve(lin, rhs)
        shape = np.shape(x)
        n = int(np.prod(shape))
        J = osc_np.reshape(jacfwd(lambda z: f(z, *params))(x), (n, n))
        dx = osc_np.linalg.solve(J, osc_np.reshape(rhs, (n,)))
        return -osc_np.reshape(dx, shape)

    def make(x0):
        @custom_jvp
        def root_of(*params):
            x = np.asarray(solve(x0, *params), dtype=float)
            _check_invertible(f, x, params, rcond)
            return x

        @root_of.defjvp
        def _(params, dparams):
            x = root_of(*params)
            return x, tangent(x, params, dparams)

        return root_of

    def evaluate(x0, *params):
        if _has_tracer((x0,)):
            raise TypeError(
                "the initial guess of an implicit root must be a plain value, not a traced one "
                "(the root does not depend on it; pass a constant or osculate.stop_gradient(x0))"
            )
        if not _has_tracer(params):
            return solve(x0, *params)
        return make(x0)(*params)

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
    differentiable in ``params``.

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
        start = np.asarray(start, dtype=float)
        g = lambda x: np.asarray(f(x.reshape(start.shape), *p), dtype=float).ravel()  # noqa: E731
        res = _sopt.root(g, start.ravel(), method=method, **options)
        if not res.success:
            raise RuntimeError(f"root did not converge: {res.message}")
        return res.x.reshape(start.shape)

    return implicit_root(f, solve)(x0, *params)


def fixed_point(g, x0, *params, xtol=1e-12, maxiter=10000):
    """The fixed point ``x = g(x, *params)``, differentiable in ``params``.

    Found by SciPy's :func:`scipy.optimize.fixed_point` (Steffensen's
    acceleration) on plain values; differentiated as the root of
    ``x − g(x, *params)``, which needs ``I − ∂g/∂x`` invertible.

    >>> import numpy as np, osculate as osc
    >>> x = osc.fixed_point(lambda x, a: np.cos(a * x), 0.5, 1.0)   # the Dottie number
    >>> round(float(x), 10)
    0.7390851332
    >>> d = osc.grad(lambda a: osc.fixed_point(lambda x, a: np.cos(a * x), 0.5, a))(1.0)
    >>> bool(np.isclose(d, -x * np.sin(x) / (1 + np.sin(x))))
    True
    """
    def solve(start, *p):
        start = np.asarray(start, dtype=float)
        h = lambda x: np.asarray(g(x, *p), dtype=float)  # noqa: E731
        return np.asarray(_sopt.fixed_point(h, start, xtol=xtol, maxiter=maxiter), dtype=float)

    return implicit_root(lambda x, *p: x - g(x, *p), solve)(x0, *params)
