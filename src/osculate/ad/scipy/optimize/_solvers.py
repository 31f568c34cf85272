"""SciPy's root finders and minimizers on traced ``args`` (see the package's documentation)."""

from __future__ import annotations

import numpy as np

from ... import numpy as osc_np
from ...transforms import grad, hessian
from ._common import (
    _RTOL, _args_tuple, _bound_arrays, _first, _implicit, _Log, _near_bound, _raveled, _scipy, _stationary, _traced,
)

# --------------------------------------------------------------------------- scalar roots


def _bracketing(method, who, f, a, b, args, full_output, options):
    args = _args_tuple(args)
    if not _traced(a, b, args):
        return method(f, a, b, args=args, full_output=full_output, **options)
    log = _Log(who)

    def solve(a, b, *p):
        x, info = method(f, float(a), float(b), args=p, full_output=True, **options)
        log.results.append(info)
        return x

    x = _implicit(f, solve, (a, b), args)
    if not full_output:
        return x
    return x, log.result("converged", root=x)


def _bracketing_doc(name, what):
    return f"""A root of ``f(x, *args)`` in ``[a, b]`` by SciPy's :func:`scipy.optimize.{name}` ({what}),
    differentiable in the traced members of ``args``.

    SciPy's signature, defaults and results (with ``full_output``, ``(x, RootResults)``
    whose ``.root`` is ``x``).  ``f(a)`` and ``f(b)`` must differ in sign.  The root's
    derivative is ``dx/dθ = −f_θ / f_x`` at the root (and so on to every order); it is
    zero in ``a`` and ``b``.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> g = lambda x, a: x * x - a
    >>> sqrt = lambda a: optimize.{name}(g, 0.0, 3.0, args=(a,))
    >>> bool(np.isclose(sqrt(4.0), 2.0)), bool(np.isclose(osc.grad(sqrt)(4.0), 0.25))
    (True, True)
    """


def brentq(f, a, b, args=(), xtol=2e-12, rtol=_RTOL, maxiter=100, full_output=False, disp=True):
    return _bracketing(_scipy.brentq, "brentq", f, a, b, args, full_output,
                       dict(xtol=xtol, rtol=rtol, maxiter=maxiter, disp=disp))


def brenth(f, a, b, args=(), xtol=2e-12, rtol=_RTOL, maxiter=100, full_output=False, disp=True):
    return _bracketing(_scipy.brenth, "brenth", f, a, b, args, full_output,
                       dict(xtol=xtol, rtol=rtol, maxiter=maxiter, disp=disp))


def ridder(f, a, b, args=(), xtol=2e-12, rtol=_RTOL, maxiter=100, full_output=False, disp=True):
    return _bracketing(_scipy.ridder, "ridder", f, a, b, args, full_output,
                       dict(xtol=xtol, rtol=rtol, maxiter=maxiter, disp=disp))


def bisect(f, a, b, args=(), xtol=2e-12, rtol=_RTOL, maxiter=100, full_output=False, disp=True):
    return _bracketing(_scipy.bisect, "bisect", f, a, b, args, full_output,
                       dict(xtol=xtol, rtol=rtol, maxiter=maxiter, disp=disp))


def toms748(f, a, b, args=(), k=1, xtol=2e-12, rtol=_RTOL, maxiter=100, full_output=False, disp=True):
    return _bracketing(_scipy.toms748, "toms748", f, a, b, args, full_output,
                       dict(k=k, xtol=xtol, rtol=rtol, maxiter=maxiter, disp=disp))


for _fn, _what in ((brentq, "Brent's method, inverse quadratic interpolation"),
                   (brenth, "Brent's method, hyperbolic extrapolation"),
                   (ridder, "Ridders' method"), (bisect, "bisection"),
                   (toms748, "Alefeld, Potra and Shi's Algorithm 748; ``k`` as SciPy's")):
    _fn.__doc__ = _bracketing_doc(_fn.__name__, _what)


def newton(func, x0, fprime=None, args=(), tol=1.48e-08, maxiter=50, fprime2=None, x1=None, rtol=0.0,
           full_output=False, disp=True):
    """A root of ``func(x, *args)`` near ``x0`` by SciPy's :func:`scipy.optimize.newton`
    (Newton's method with ``fprime``, Halley's with ``fprime2`` too, the secant
    method without), differentiable in the traced members of ``args``.

    A scalar ``x0`` gives a scalar root (with ``full_output``, ``(x, RootResults)``); an
    array ``x0`` solves the elementwise problems together (with ``full_output``, SciPy's
    ``(root, converged, zero_der)`` whose ``root`` is the traced root).  SciPy's default
    tolerance ``tol=1.48e-08`` bounds the root's (and so its derivatives') accuracy.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> g = lambda x, a: np.exp(x) - a
    >>> log = lambda a: optimize.newton(g, 1.0, fprime=lambda x, a: np.exp(x), args=(a,), tol=1e-14)
    >>> bool(np.isclose(log(3.0), np.log(3.0))), bool(np.isclose(osc.grad(log)(3.0), 1 / 3))
    (True, True)
    """
    args = _args_tuple(args)
    options = dict(fprime=fprime, tol=tol, maxiter=maxiter, fprime2=fprime2, rtol=rtol, disp=disp)
    if not _traced(x0, x1, args):
        return _scipy.newton(func, x0, args=args, x1=x1, full_output=full_output, **options)
    log = _Log("newton")
    ignored = (x0,) if x1 is None else (x0, x1)

    def solve(x0, *rest):
        start, second = (x0, None) if x1 is None else (x0, rest[0])
        p = rest[len(ignored) - 1:]
        scalar = np.ndim(x0) == 0
        out = _scipy.newton(func, float(start) if scalar else np.asarray(start, dtype=float), args=p,
                           x1=None if second is None else (float(second) if scalar else np.asarray(second)),
                           full_output=True, **options)
        root = out[0]
        log.results.append(out if not scalar else out[1])
        return root

    x = _implicit(func, solve, ignored, args)
    if not full_output:
        return x
    if np.ndim(x0) == 0:
        return x, log.result("converged", root=x)
    return log.last()._replace(root=x)


def root_scalar(f, args=(), method=None, bracket=None, fprime=None, fprime2=None, x0=None, x1=None, xtol=None,
                rtol=None, maxiter=None, options=None):
    """A root of the scalar ``f(x, *args)`` by SciPy's :func:`scipy.optimize.root_scalar`,
    differentiable in the traced members of ``args``: SciPy's ``RootResults`` whose
    ``.root`` is traced.

    Every method and argument is SciPy's (``fprime=True`` means ``f`` returns
    ``(value, derivative)``); ``bracket``, ``x0`` and ``x1`` may be traced (the root's
    derivative in them is zero).  The other fields are SciPy's plain statistics (see
    the module for ``vmap`` and ``jit``).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> g = lambda x, a: np.cos(x) - a * x
    >>> x = lambda a: optimize.root_scalar(g, args=(a,), bracket=(0.0, 2.0)).root
    >>> r = x(1.0)
    >>> bool(np.isclose(osc.grad(x)(1.0), -r / (np.sin(r) + 1.0)))   # −f_a / f_x
    True
    """
    args = _args_tuple(args)
    options = dict(method=method, fprime=fprime, fprime2=fprime2, xtol=xtol, rtol=rtol, maxiter=maxiter,
                   options=options)
    ends = () if bracket is None else tuple(bracket)
    if not _traced(ends, x0, x1, args):
        return _scipy.root_scalar(f, args=args, bracket=bracket, x0=x0, x1=x1, **options)
    log = _Log("root_scalar")
    slots = [(name, v) for name, v in (("x0", x0), ("x1", x1)) if v is not None]
    ignored = ends + tuple(v for _, v in slots)

    def solve(*q):
        plain_bracket = None if bracket is None else [float(e) for e in q[:len(ends)]]
        starts = {name: float(v) for (name, _), v in zip(slots, q[len(ends):len(ignored)])}
        res = _scipy.root_scalar(f, args=q[len(ignored):], bracket=plain_bracket, **starts, **options)
        log.results.append(res)
        return res.root

    residual = _first(f) if fprime is True or fprime2 is True else f
    x = _implicit(residual, solve, ignored, args)
    return log.result("converged", root=x)


# --------------------------------------------------------------------------- systems and fixed points


def fsolve(func, x0, args=(), fprime=None, full_output=0, col_deriv=0, xtol=1.49012e-08, maxfev=0, band=None,
           epsfcn=None, factor=100, diag=None):
    """A root of ``func(x, *args)`` (as many equations as unknowns) by SciPy's
    :func:`scipy.optimize.fsolve` (MINPACK's hybrid Powell method), differentiable in
    the traced members of ``args``.

    The root is SciPy's flat array; with ``full_output``, SciPy's
    ``(x, infodict, ier, mesg)``.  The derivative solves ``J dx = −∂f/∂θ dθ`` with the
    exact Jacobian ``J = ∂f/∂x`` at the root.  ``xtol`` bounds the root's accuracy.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> f = lambda x, a: np.stack([x[0] + x[1] - a, x[0] * x[1] - 1.0])
    >>> x = lambda a: optimize.fsolve(f, np.array([3.0, 0.5]), args=(a,), xtol=1e-13)
    >>> bool(np.allclose(x(2.5), [2.0, 0.5]))
    True
    >>> bool(np.allclose(osc.jacfwd(x)(2.5), [4 / 3, -1 / 3]))   # x0 + x1 = a, x0 x1 = 1
    True
    """
    args = _args_tuple(args)
    options = dict(fprime=fprime, col_deriv=col_deriv, xtol=xtol, maxfev=maxfev, band=band, epsfcn=epsfcn,
                   factor=factor, diag=diag)
    if not _traced(x0, args):
        return _scipy.fsolve(func, x0, args=args, full_output=full_output, **options)
    log = _Log("fsolve")

    def solve(x0, *p):
        out = _scipy.fsolve(func, np.asarray(x0, dtype=float), args=p, full_output=True, **options)
        log.results.append(out)
        return out[0]

    x = _implicit(_raveled(func), solve, (x0,), args)
    if not full_output:
        return x
    return (x,) + tuple(log.last()[1:])


def root(fun, x0, args=(), method="hybr", jac=None, tol=None, callback=None, options=None):
    """A root of the system ``fun(x, *args)`` by SciPy's :func:`scipy.optimize.root`
    (any of its methods), differentiable in the traced members of ``args``: SciPy's
    ``OptimizeResult`` whose ``.x`` is traced (the other fields are SciPy's).

    ``jac=True`` means ``fun`` returns ``(value, Jacobian)``, as in SciPy; the derivative
    uses osculate's exact Jacobian of the value in any case.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> f = lambda x, a: np.stack([x[0] - np.cos(x[1]), x[1] - a * x[0]])
    >>> sol = lambda a: optimize.root(f, np.zeros(2), args=(a,), tol=1e-13).x
    >>> x = sol(0.5)
    >>> bool(np.allclose(f(x, 0.5), 0.0, atol=1e-12))
    True
    >>> d = osc.jacfwd(sol)(0.5)
    >>> bool(np.allclose(d[1], x[0] + 0.5 * d[0]))   # d x1 = x0 + a d x0
    True
    """
    args = _args_tuple(args)
    options = dict(method=method, jac=jac, tol=tol, callback=callback, options=options)
    if not _traced(x0, args):
        return _scipy.root(fun, x0, args=args, **options)
    log = _Log("root")

    def solve(x0, *p):
        res = _scipy.root(fun, np.asarray(x0, dtype=float), args=p, **options)
        log.results.append(res)
        return res.x

    x = _implicit(_raveled(_first(fun) if jac is True else fun), solve, (x0,), args)
    return log.result("success", x=x)


def fixed_point(func, x0, args=(), xtol=1e-08, maxiter=500, method="del2"):
    """A fixed point ``x = func(x, *args)`` by SciPy's :func:`scipy.optimize.fixed_point`,
    differentiable in the traced members of ``args`` (as the root of
    ``x − func(x, *args)``, which needs ``I − ∂func/∂x`` invertible there).

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> x = lambda a: optimize.fixed_point(lambda x, a: np.cos(a * x), 0.5, args=(a,), xtol=1e-14)
    >>> r = x(1.0)
    >>> round(float(r), 10)
    0.7390851332
    >>> bool(np.isclose(osc.grad(x)(1.0), -r * np.sin(r) / (1 + np.sin(r))))
    True
    """
    args = _args_tuple(args)
    options = dict(xtol=xtol, maxiter=maxiter, method=method)
    if not _traced(x0, args):
        return _scipy.fixed_point(func, x0, args=args, **options)

    def solve(x0, *p):
        return _scipy.fixed_point(func, np.asarray(x0, dtype=float), args=p, **options)

    return _implicit(lambda x, *p: x - func(x, *p), solve, (x0,), args)


# --------------------------------------------------------------------------- minimizers

#: SciPy's methods that use a gradient, and those that need a Hessian (or, the
#: second group, a Hessian or a Hessian-vector product) when none is given.
_USES_JAC = {"cg", "bfgs", "newton-cg", "l-bfgs-b", "tnc", "slsqp", "dogleg", "trust-ncg", "trust-krylov",
             "trust-exact", "trust-constr"}
_NEEDS_HESS = {"dogleg", "trust-exact", "trust-ncg", "trust-krylov"}


def minimize(fun, x0, args=(), method=None, jac=None, hess=None, hessp=None, bounds=None, constraints=(),
             tol=None, callback=None, options=None):
    """A minimizer of ``fun(x, *args)`` by SciPy's :func:`scipy.optimize.minimize`,
    differentiable in the traced members of ``args``: SciPy's ``OptimizeResult`` whose
    ``.x`` is traced, and ``.fun`` is ``fun(x*, *args)`` on the traced ``args``.

    When ``jac`` is None and the method uses a gradient, SciPy gets osculate's exact
    gradient of ``fun`` (and, for ``dogleg``, ``trust-exact``, ``trust-ncg`` and
    ``trust-krylov`` without ``hess``/``hessp``, its exact Hessian), instead of finite
    differences; otherwise everything is SciPy's.  The minimizer is differentiated through
    the stationarity condition ``∇ₓ fun(x*, *args) = 0`` (a strict local minimum:
    ``∇²ₓₓ fun`` invertible), so ``dx*/dθ = −(∇²ₓₓ fun)⁻¹ ∇²ₓθ fun``; the value's derivative
    is then the partial ``∂fun/∂θ`` (the envelope theorem).  With ``bounds``, a coordinate
    on a finite bound (within ``1e-8 (1 + |bound|)``: interior-point and derivative-free
    methods stop that close) is held there, its derivative zero, and the others satisfy
    stationarity (strict complementarity assumed).  ``constraints`` with traced ``args``
    are refused.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> A = np.array([[3.0, 1.0], [1.0, 2.0]])
    >>> fun = lambda x, t: 0.5 * x @ A @ x - x[0] - t * x[1]
    >>> argmin = lambda t: optimize.minimize(fun, np.zeros(2), args=(t,), tol=1e-12).x
    >>> bool(np.allclose(argmin(1.0), np.linalg.solve(A, [1.0, 1.0]), atol=1e-7))
    True
    >>> bool(np.allclose(osc.jacfwd(argmin)(1.0), np.linalg.solve(A, [0.0, 1.0])))   # A⁻¹ ∂b/∂t
    True
    """
    args = _args_tuple(args)
    value = _first(fun) if jac is True else fun
    name = method.lower() if isinstance(method, str) else ("default" if method is None else "")
    options = dict(method=method, jac=jac, hess=hess, hessp=hessp, bounds=bounds, constraints=constraints,
                   tol=tol, callback=callback, options=options)
    if jac is None and (name in _USES_JAC or name == "default"):
        options["jac"] = grad(fun)
    if hess is None and hessp is None and name in _NEEDS_HESS:
        options["hess"] = hessian(value)
    if not _traced(x0, args):
        return _scipy.minimize(fun, x0, args=args, **options)
    if constraints is not None and (isinstance(constraints, dict) or len(constraints)):
        raise ValueError("osculate.scipy.optimize.minimize: constraints with traced args are not supported "
                         "(the minimizer's derivative would need the KKT conditions); pass constraints=()")
    log = _Log("minimize")

    def solve(x0, *p):
        res = _scipy.minimize(fun, np.asarray(x0, dtype=float), args=p, **options)
        log.results.append(res)
        return res.x

    if bounds is None:
        residual = grad(value)
    else:
        residual = _stationary(value, *_bound_arrays(bounds, np.size(x0)), _near_bound)
    x = _implicit(residual, solve, (x0,), args)
    return log.result("success", x=x, fun=value(x, *args))


def minimize_scalar(fun, bracket=None, bounds=None, args=(), method=None, tol=None, options=None):
    """A minimizer of the scalar ``fun(x, *args)`` by SciPy's
    :func:`scipy.optimize.minimize_scalar` (Brent, golden section, or bounded),
    differentiable in the traced members of ``args``: SciPy's ``OptimizeResult`` whose
    ``.x`` is traced and ``.fun`` is ``fun(x*, *args)`` on the traced ``args``.

    Differentiated through ``∂fun/∂x (x*, *args) = 0``, so ``dx*/dθ = −fun_xθ / fun_xx``
    (a strict minimum; ``bracket`` does not enter the derivative).  With ``bounds`` (the
    bounded method), a minimizer within ``2 (xatol + sqrt(eps) (1 + |bound|))`` of a bound
    (the method stops that close to an active one) is held there, its derivative zero.
    SciPy's tolerances (``tol``; ``options={"xatol": ...}`` for the bounded method) bound
    the minimizer's accuracy.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> fun = lambda x, a: np.cosh(x - a) + 0.1 * x ** 2
    >>> xs = lambda a: optimize.minimize_scalar(fun, args=(a,), tol=1e-12).x
    >>> x = xs(1.0)
    >>> bool(np.isclose(osc.grad(xs)(1.0), np.cosh(x - 1) / (np.cosh(x - 1) + 0.2)))
    True
    """
    args = _args_tuple(args)
    solver_options = dict(bracket=bracket, bounds=bounds, method=method, tol=tol, options=options)
    if not _traced(args):
        return _scipy.minimize_scalar(fun, args=args, **solver_options)
    log = _Log("minimize_scalar")

    def solve(*p):
        res = _scipy.minimize_scalar(fun, args=p, **solver_options)
        log.results.append(res)
        return res.x

    bounded = (method is None and bounds is not None) or (isinstance(method, str) and method.lower() == "bounded")
    if bounded:
        # (SciPy's bounded method takes its absolute tolerance from tol when xatol is not given)
        xatol = (options or {}).get("xatol", 1e-5 if tol is None else tol)
        slack = lambda end: 2.0 * (xatol + np.sqrt(np.finfo(float).eps) * (1.0 + np.abs(end)))  # noqa: E731
        lo, hi = bounds
        residual = _stationary(fun, np.asarray(lo, dtype=float), np.asarray(hi, dtype=float), slack)
    else:
        residual = grad(fun)
    x = _implicit(residual, solve, (), args)
    return log.result("success", x=x, fun=fun(x, *args))


# --------------------------------------------------------------------------- Rosenbrock's function


def rosen(x):
    """Rosenbrock's function ``Σᵢ 100 (xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²`` over the first axis of
    ``x`` (as :func:`scipy.optimize.rosen`), on traced values.

    >>> import numpy as np, osculate as osc
    >>> from osculate.scipy import optimize
    >>> float(optimize.rosen(np.array([1.0, 1.0, 1.0]))), osc.grad(optimize.rosen)(np.array([0.0, 0.0]))
    (0.0, array([-2.,  0.]))
    """
    head, tail = x[:-1], x[1:]
    return osc_np.sum(100.0 * (tail - head ** 2) ** 2 + (1.0 - head) ** 2, axis=0)


def rosen_der(x):
    """The gradient of :func:`rosen` for a 1-D ``x`` (as :func:`scipy.optimize.rosen_der`),
    written out and differentiable again.

    >>> import numpy as np
    >>> from osculate.scipy import optimize
    >>> optimize.rosen_der(np.array([0.0, 1.0, 2.0]))
    array([  -2., -200.,  200.])
    """
    head = x[:-1]
    gap = x[1:] - head ** 2
    # each pair pulls on its first member (−400 xᵢ gap − 2 (1 − xᵢ)) and its second (200 gap)
    first = -400.0 * head * gap - 2.0 * (1.0 - head)
    return osc_np.pad(first, (0, 1)) + osc_np.pad(200.0 * gap, (1, 0))


def _hess_bands(x):
    """The diagonal and the off-diagonal of :func:`rosen`'s tridiagonal Hessian."""
    head = x[:-1]
    own = 1200.0 * head ** 2 - 400.0 * x[1:] + 2.0  # each pair's curvature in its first member
    return osc_np.pad(own, (0, 1)) + np.pad(np.full(np.shape(head), 200.0), (1, 0)), -400.0 * head


def rosen_hess(x):
    """The Hessian of :func:`rosen` for a 1-D ``x`` (as :func:`scipy.optimize.rosen_hess`):
    tridiagonal, written out and differentiable again.

    >>> import numpy as np
    >>> from osculate.scipy import optimize
    >>> optimize.rosen_hess(np.array([1.0, 1.0]))
    array([[ 802., -400.],
           [-400.,  200.]])
    """
    diagonal, coupling = _hess_bands(x)
    return osc_np.diag(diagonal) + osc_np.diag(coupling, 1) + osc_np.diag(coupling, -1)


def rosen_hess_prod(x, p):
    """The product of :func:`rosen`'s Hessian at ``x`` with the vector ``p`` (as
    :func:`scipy.optimize.rosen_hess_prod`), without forming the Hessian.

    >>> import numpy as np
    >>> from osculate.scipy import optimize
    >>> optimize.rosen_hess_prod(np.array([1.0, 1.0]), np.array([1.0, 0.0]))
    array([ 802., -400.])
    """
    diagonal, coupling = _hess_bands(x)
    return diagonal * p + osc_np.pad(coupling * p[1:], (0, 1)) + osc_np.pad(coupling * p[:-1], (1, 0))
