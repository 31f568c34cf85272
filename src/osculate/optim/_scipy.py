"""Bridge to :func:`scipy.optimize.minimize`."""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from ._objective import Objective

__all__ = ["scipy_callables", "ScipyCallables"]


class ScipyCallables(NamedTuple):
    """``fun, jac, hess, hessp`` for :func:`scipy.optimize.minimize`.

    ``objective`` is the underlying :class:`Objective` (its ``nfev``,
    ``ngev``, ``nhvp``, ``nhev`` count what SciPy asked for).
    """

    fun: Callable
    jac: Callable
    hess: Callable
    hessp: Callable
    objective: Objective

    def kwargs(self, method):
        """Keyword arguments for ``scipy.optimize.minimize(fun, x0, ...)``.

        Passes ``jac`` always, ``hessp`` to the methods that accept a
        Hessian-vector product and ``hess`` to ``trust-exact``/``dogleg``.
        """
        m = method.lower()
        kw = {"jac": self.jac}
        if m in ("newton-cg", "trust-ncg", "trust-krylov", "trust-constr"):
            kw["hessp"] = self.hessp
        elif m in ("trust-exact", "dogleg"):
            kw["hess"] = self.hess
        return kw


def scipy_callables(f, args=(), *, jit="auto"):
    """Exact derivatives of ``f`` in the form SciPy's optimizers expect.

    Parameters
    ----------
    f : callable
        ``f(x, *args) -> float`` in plain NumPy.
    args : tuple
        Extra arguments bound into the callables (then do not pass ``args``
        to SciPy).
    jit : {"auto", True, False}
        How the derivatives are evaluated, as for :class:`Objective`:
        staged once and replayed (``"auto"``, falling back to eager
        evaluation with a note in ``objective.note`` when staging fails),
        staged with errors propagating (``True``), or eager (``False``).

    Returns
    -------
    ScipyCallables
        Named tuple ``(fun, jac, hess, hessp, objective)``; ``jac`` is the
        osculate gradient, ``hess`` the dense Hessian and ``hessp(x, p)`` a
        Hessian-vector product (forward-over-reverse).

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.optimize as so
    >>> from osculate.optim import scipy_callables
    >>> cb = scipy_callables(lambda x: np.sum((x - 1.0) ** 2) + np.sum(x ** 4))
    >>> res = so.minimize(cb.fun, np.zeros(3), method="trust-ncg",
    ...                   jac=cb.jac, hessp=cb.hessp)
    >>> bool(res.success), np.round(res.x, 5).tolist()
    (True, [0.58975, 0.58975, 0.58975])
    """
    obj = Objective(f, args=args, jit=jit)

    def fun(x, *_):
        return obj.value(np.asarray(x, dtype=float))

    def jac(x, *_):
        return obj.gradient(np.asarray(x, dtype=float)).copy()

    def hess(x, *_):
        return obj.hessian(np.asarray(x, dtype=float)).copy()

    def hessp(x, p, *_):
        return obj.hvp(np.asarray(x, dtype=float), np.asarray(p, dtype=float))

    return ScipyCallables(fun, jac, hess, hessp, obj)
