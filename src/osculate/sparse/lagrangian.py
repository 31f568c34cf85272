"""The derivatives a constrained solver asks for, as one plan: the sparse
Hessian of the Lagrangian and the sparse constraint Jacobian.

For ``min f(x)`` subject to constraints on ``c(x)`` (one stacked vector of
``m`` values) the Lagrangian with objective factor ``σ`` and multipliers
``λ`` is ``L(x) = σ f(x) + λᵀ c(x)``.  :class:`LagrangianPlan` detects the
sparsity pattern of ``∇²L`` once -- the union of the patterns of ``f`` and
of every ``cᵢ``, read from one detection of ``f + Σ cᵢ`` -- colours it
once, and evaluates ``∇²L`` at any ``(x, σ, λ)`` with **one** batched
forward-over-reverse pass over the colours (never ``m`` separate Hessians):
``σ`` and ``λ`` are inputs of that pass, so the staged program
(:func:`osculate.jit`, ``jit="auto"``) is built once and replayed for every
new point and every new set of multipliers.  The Jacobian of ``c`` is a
:class:`~osculate.sparse.SparseJacobian` plan (distance-2 column colouring,
batched JVPs).  Values come out in a fixed order matching
:attr:`LagrangianPlan.hess_structure` (lower triangle, the form IPOPT asks
for) and :attr:`LagrangianPlan.jac_structure`.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sps

from ..ad.batching import vmap
from ..ad.transforms import grad, jvp, value_and_grad
from ._staging import Staging
from .coloring import acyclic_coloring, star_coloring
from .compressed import SparseJacobian
from .detect import hessian_sparsity

__all__ = ["LagrangianPlan"]


class LagrangianPlan:
    """Sparse ``∇²(σ f + λᵀ c)`` and sparse ``∂c/∂x`` for a constrained solver.

    Parameters
    ----------
    f : callable
        ``f(x) -> scalar``, plain NumPy.
    c : callable or None
        ``c(x) -> (m,)`` array, all constraints stacked (``None``: ``m = 0``).
    x0 : ndarray, shape (n,)
        The point where the patterns are detected (``mode="global"``: they
        hold for every point; value-dependent control flow is refused).
    m : int
        The number of constraint values.
    coloring : {"star", "acyclic", "auto"}
        Colouring of the Hessian pattern (``"auto"``: acyclic when it saves
        at least two colours, else star).
    jit : {"auto", True, False}
        Staging of every derivative, as in :func:`osculate.sparse_hessian`
        (see :attr:`note` after a fallback).

    Attributes
    ----------
    n, m : int
    hess_structure : (rows, cols)
        Lower-triangle positions (``rows >= cols``) of the Hessian values.
    jac_structure : (rows, cols)
        Positions of the Jacobian values.
    n_colors, jac_colors : int
        Colours (batched products per evaluation) of the Hessian and Jacobian.
    timings : dict
        Seconds spent detecting and colouring.

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.sparse.lagrangian import LagrangianPlan
    >>> f = lambda x: x[0] * x[3] * (x[0] + x[1] + x[2]) + x[2]
    >>> c = lambda x: np.stack([np.prod(x), np.sum(x ** 2)])
    >>> plan = LagrangianPlan(f, c, np.ones(4), m=2)
    >>> x, lam = np.array([1.0, 5.0, 5.0, 1.0]), np.array([0.5, -1.0])
    >>> H = plan.hessian(x, 2.0, lam).toarray()
    >>> import osculate as osc
    >>> L = lambda z: 2.0 * f(z) + lam @ c(z)
    >>> bool(np.allclose(H, osc.hessian(L)(x)))
    True
    >>> plan.jacobian(x).toarray()
    array([[25.,  5.,  5., 25.],
           [ 2., 10., 10.,  2.]])
    """

    def __init__(self, f, c, x0, m, coloring="auto", jit="auto"):
        x0 = np.asarray(x0, dtype=float)
        if x0.ndim != 1:
            raise ValueError(f"x0 must be a 1-D array, got shape {x0.shape}")
        if coloring not in ("star", "acyclic", "auto"):
            raise ValueError(f"coloring must be 'star', 'acyclic' or 'auto', got {coloring!r}")
        self.n, self.m = x0.size, int(m)
        self.f, self.c = f, c
        self._staging = Staging(jit, "the Lagrangian plan")
        t0 = time.perf_counter()
        if self.m:
            union = lambda z: f(z) + np.sum(c(z))  # noqa: E731  (structural: no cancellation)
        else:
            union = f
        pattern = hessian_sparsity(union, x0, mode="global")
        t1 = time.perf_counter()
        star = star_coloring(pattern)
        if coloring == "star":
            self._coloring = star
        else:
            acyc = acyclic_coloring(pattern)
            margin = 0 if coloring == "acyclic" else (2 if self._staging.mode is not False else 1)
            self._coloring = acyc if star.n_colors - acyc.n_colors >= margin else star
        t2 = time.perf_counter()
        self.n_colors = self._coloring.n_colors
        self.pattern = pattern
        zeros = self._coloring.stored_values(np.zeros(self.n * self.n_colors), "coo", True)
        upper = self._coloring.assemble(zeros, "coo", True)
        # IPOPT wants the lower triangle: the upper one transposed
        self.hess_structure = (np.asarray(upper.col, dtype=np.int64), np.asarray(upper.row, dtype=np.int64))
        self._hess_fn = None
        if self.m:
            self._jac = SparseJacobian(c, x0, jit=self._staging.mode)
            self._jac._staging = self._staging  # one staging state (and note) for the whole plan
            J = self._jac(x0, "coo")
            self.jac_structure = (np.asarray(J.row, dtype=np.int64), np.asarray(J.col, dtype=np.int64))
            self.jac_colors = self._jac.n_colors
        else:
            self._jac = None
            self.jac_structure = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
            self.jac_colors = 0
        self._vg = self._staging.wrap(value_and_grad(f), "objective gradient")
        self._cv = self._staging.wrap(c, "constraints") if self.m else None
        self.timings = {"detection": t1 - t0, "coloring": t2 - t1, "jacobian plan": time.perf_counter() - t2}

    @property
    def note(self):
        """One line on a staging fallback (``jit="auto"``), else ``""``."""
        return self._staging.note

    # -- evaluations -----------------------------------------------------------------------------
    def value_and_grad(self, x):
        """``(f(x), ∇f(x))``."""
        val, g = self._vg(x)
        return float(np.asarray(val).reshape(())), np.asarray(g, dtype=float).reshape(-1)

    def constraints(self, x):
        """``c(x)`` as a float array of shape ``(m,)``."""
        if not self.m:
            return np.zeros(0)
        return np.asarray(self._cv(x), dtype=float).reshape(-1)

    def jac_values(self, x):
        """The Jacobian values at :attr:`jac_structure`."""
        if not self.m:
            return np.zeros(0)
        return np.asarray(self._jac(x, "coo").data, dtype=float)

    def jacobian(self, x, format="csr"):
        """``∂c/∂x`` as a SciPy sparse ``(m, n)`` matrix."""
        rows, cols = self.jac_structure
        return sps.coo_matrix((self.jac_values(x), (rows, cols)), shape=(self.m, self.n)).asformat(format)

    def _build_hessian(self):
        St = np.ascontiguousarray(self._coloring.seed_matrix().astype(float).T)
        f, c, m, coloring = self.f, self.c, self.m, self._coloring

        def lagrangian(z, w):
            out = w[0] * f(z)
            if m:
                out = out + w[1:] @ c(z)
            return out

        def values(x, w):
            g = grad(lambda z: lagrangian(z, w))
            B = vmap(lambda s: jvp(g, (x,), (s,))[1])(St)
            return coloring.stored_values(B.reshape(-1), "coo", True)

        return self._staging.wrap(values, "Hessian of the Lagrangian")

    def hess_values(self, x, sigma=1.0, lam=None):
        """The values of ``∇²(σ f + λᵀ c)(x)`` at :attr:`hess_structure`: one batched pass."""
        if self._hess_fn is None:
            self._hess_fn = self._build_hessian()
        w = np.empty(self.m + 1)
        w[0] = sigma
        if self.m:
            lam = np.asarray(lam, dtype=float).reshape(-1)
            if lam.shape != (self.m,):
                raise ValueError(f"lam must have shape ({self.m},), got {lam.shape}")
            w[1:] = lam
        return np.asarray(self._hess_fn(np.asarray(x, dtype=float), w), dtype=float)

    def hessian(self, x, sigma=1.0, lam=None, format="csr"):
        """``∇²(σ f + λᵀ c)(x)`` as a symmetric SciPy sparse ``(n, n)`` matrix."""
        rows, cols = self.hess_structure
        vals = self.hess_values(x, sigma, lam)
        off = rows != cols
        H = sps.coo_matrix((np.concatenate([vals, vals[off]]),
                            (np.concatenate([rows, cols[off]]), np.concatenate([cols, rows[off]]))),
                           shape=(self.n, self.n))
        return H.asformat(format)

    def __repr__(self):
        return (f"LagrangianPlan(n={self.n}, m={self.m}, hess_nnz_lower={self.hess_structure[0].size}, "
                f"n_colors={self.n_colors}, jac_nnz={self.jac_structure[0].size}, jac_colors={self.jac_colors})")
