"""The minimizer of a function as a differentiable function of its parameters.

:func:`argmin` runs osculate's :func:`~osculate.minimize` on plain values and
differentiates the result through the stationarity condition ``∇ₓg(x*, θ) = 0``
(the implicit function theorem, ``osculate.ad.implicit``): ``dx*/dθ =
−(∇²ₓₓg)⁻¹ ∇²ₓθ g``.  Second derivatives of ``x*`` therefore take third
derivatives of ``g``, which osculate provides.
"""

from __future__ import annotations

import numpy as np

from ..ad.implicit import implicit_root
from ..ad.transforms import grad
from ..ad.arguments import is_array_point
from ._minimize import minimize

__all__ = ["argmin"]


def argmin(g, x0, *params, method="newton", tol=1e-10, **options):
    """The minimizer ``x*(params)`` of ``g(x, *params)`` over a 1-D ``x`` (or a pytree
    ``x``, e.g. a dict of weights: see :func:`minimize`), differentiable in ``params``.

    ``minimize(g, x0, method=method, tol=tol, args=params, **options)`` finds it
    on plain values; derivatives follow from ``∇ₓg(x*, params) = 0``.  Assumes
    a strict local minimum: ``∇²ₓₓg`` invertible at ``x*`` (else differentiating
    raises :class:`~osculate.ad.implicit.SingularJacobianError`).  A bilevel
    example (ridge regression's penalty tuned on a validation set) is in
    ``docs/implicit.md``.

    >>> import numpy as np, osculate as osc
    >>> g = lambda x, c: np.sum((x - c) ** 2) + 0.5 * np.sum(x ** 4)
    >>> x = osc.argmin(g, np.zeros(1), np.array([1.0]))
    >>> dx = osc.jacfwd(lambda c: osc.argmin(g, np.zeros(1), c))(np.array([1.0]))
    >>> bool(np.allclose(dx, 2.0 / (2.0 + 6.0 * x ** 2)))   # −g_xc / g_xx
    True
    """
    tree = not is_array_point(x0)
    if not tree and np.ndim(x0) != 1:
        raise ValueError(f"argmin needs a 1-D starting point, got shape {np.shape(x0)}")

    def solve(start, *p):
        res = minimize(g, start if tree else np.asarray(start, dtype=float), method=method, tol=tol, args=p,
                       **options)
        if not res.success:
            raise RuntimeError(f"argmin: minimize did not converge: {res.message}")
        return res.x if tree else np.asarray(res.x, dtype=float)

    stationary = lambda x, *p: grad(g)(x, *p)  # noqa: E731
    return implicit_root(stationary, solve)(x0, *params)
