"""Compressed evaluation of sparse Hessians and Jacobians.

A *plan* detects the sparsity pattern once, colours it once, and then
evaluates the derivative at any point with as many Hessian-vector (or
Jacobian-vector) products as there are colours -- all of them in **one**
batched forward-over-reverse pass (``vmap`` over the seed columns) -- and
decompresses into SciPy sparse format through index arrays computed once per
plan.  No ``n × n`` dense array is allocated anywhere.

With a global pattern, that pass is staged once with :func:`osculate.jit`:
the global detection has already proved that ``f``'s control flow does not
depend on values, so every later evaluation replays plain NumPy operations,
with the work that depends only on the seed matrix folded away.
"""

from __future__ import annotations

import time

import numpy as np

from ..ad.batching import vmap
from ..ad.jit import jit as _jit
from ..ad.transforms import _as_float_input, grad, jvp
from . import coloring as C
from .detect import hessian_sparsity, jacobian_sparsity

__all__ = ["SparseHessian", "SparseJacobian", "sparse_hessian", "sparse_jacobian"]

_KINDS = ("star", "acyclic", "auto")


class _Plan:
    def __init__(self, f, x0, order, seed, mode, staged):
        if mode not in ("global", "local"):
            raise ValueError(f"mode must be 'global' or 'local', got {mode!r}")
        if mode == "local" and x0 is None:
            raise ValueError("mode='local' detects the pattern at a point: pass x0")
        self.f = f
        self.order = order
        self.seed = seed
        self.mode = mode
        # a local pattern follows the branches taken at x0: evaluation stays eager
        self.staged = bool(staged) and mode == "global"
        self.shape = None
        self.pattern = None
        self._coloring = None
        self._evaluators = {}
        self.timings = {}
        if x0 is not None:
            self._prepare(_as_float_input(x0, "x0"))

    def compressed(self, x):
        """The compressed derivative ``B`` (``n_colors`` columns): one batched pass."""
        x = self._check_point(x)
        return self._evaluator(x.dtype, None)(x).T

    def _evaluator(self, dtype, layout):
        """``x -> B.T`` (``layout=None``), or ``x ->`` the stored values of the
        result in ``layout = (format, symmetric_upper)``: the batched products,
        then the recovery (gathers, for acyclic colourings a cumulative sum).
        Staged as one program when the plan is staged."""
        key = (np.dtype(dtype), layout)
        fn = self._evaluators.get(key)
        if fn is None:
            St = np.ascontiguousarray(self._coloring.seed_matrix().astype(dtype).T)
            products, coloring = self._products, self._coloring
            if layout is None:
                fn = lambda x: products(x, St)  # noqa: E731
            else:
                fn = lambda x: coloring.stored_values(products(x, St).reshape(-1), *layout)  # noqa: E731
            fn = self._evaluators[key] = _jit(fn) if self.staged else fn
        return fn

    def _evaluate(self, x, format, symmetric_upper=False):
        x = self._check_point(x)
        self._coloring._check_format(format, symmetric_upper)
        data = self._evaluator(x.dtype, (format, bool(symmetric_upper)))(x)
        return self._coloring.assemble(data, format, symmetric_upper)

    @property
    def coloring(self):
        """One colour index per variable."""
        self._require()
        return self._coloring.colors

    @property
    def n_colors(self):
        self._require()
        return self._coloring.n_colors

    @property
    def coloring_result(self):
        self._require()
        return self._coloring

    def _require(self):
        if self.pattern is None:
            raise RuntimeError("the plan has not seen a point yet: call it with x, or pass x0 when creating it")

    def _check_point(self, x):
        x = _as_float_input(x, "x")
        if self.pattern is None:
            self._prepare(x)
        elif tuple(x.shape) != self.shape:
            raise ValueError(
                f"this plan was built for inputs of shape {self.shape} but x has shape {tuple(x.shape)}; "
                "build a new plan for a different size"
            )
        return x

    def __repr__(self):
        if self.pattern is None:
            return f"{type(self).__name__}(not prepared)"
        return (
            f"{type(self).__name__}(n={int(np.prod(self.shape))}, nnz={self.pattern.nnz}, "
            f"coloring={self._coloring.kind}, n_colors={self.n_colors})"
        )


class SparseHessian(_Plan):
    """A reusable sparse-Hessian plan; see :func:`sparse_hessian`."""

    def __init__(self, f, x0=None, coloring="auto", order="natural", seed=0, mode="global", staged=True):
        if coloring not in _KINDS:
            raise ValueError(f"coloring must be one of {_KINDS}, got {coloring!r}")
        self.kind = coloring
        super().__init__(f, x0, order, seed, mode, staged)

    def _prepare(self, x):
        t0 = time.perf_counter()
        self.shape = tuple(x.shape)
        self.pattern = hessian_sparsity(self.f, x, mode=self.mode)
        t1 = time.perf_counter()
        if self.kind == "star":
            self._coloring = C.star_coloring(self.pattern, self.order, self.seed)
        elif self.kind == "acyclic":
            self._coloring = C.acyclic_coloring(self.pattern, self.order, self.seed)
        else:
            # Eager, each colour costs about one Hessian-vector product: the fewer colours
            # win (star, with its direct recovery, on ties).  Staged, a colour is so cheap
            # that acyclic recovery -- a cumulative sum over the forest, measured at about
            # 1.5 colours' worth (benchmarks/bench_sparse.py) -- pays only from two saved.
            star = C.star_coloring(self.pattern, self.order, self.seed)
            acyc = C.acyclic_coloring(self.pattern, self.order, self.seed)
            margin = 2 if self.staged else 1
            self._coloring = acyc if star.n_colors - acyc.n_colors >= margin else star
        self.timings = {"detection": t1 - t0, "coloring": time.perf_counter() - t1}

    def _products(self, x, St):
        """``(H(x) @ S).T`` (``n_colors × n``): one batched forward-over-reverse pass."""
        g = grad(self.f)
        hv = vmap(lambda v: jvp(g, (x,), (v.reshape(self.shape),))[1])(St)
        return hv.reshape(St.shape[0], St.shape[1])

    def __call__(self, x, format="csr", symmetric_upper=False):
        """The Hessian at ``x`` as a SciPy sparse matrix (``csr``, ``csc`` or
        ``coo``; ``symmetric_upper=True`` keeps the upper triangle only)."""
        return self._evaluate(x, format, symmetric_upper)  # prepares the plan on its first point


class SparseJacobian(_Plan):
    """A reusable sparse-Jacobian plan; see :func:`sparse_jacobian`."""

    def _prepare(self, x):
        t0 = time.perf_counter()
        self.shape = tuple(x.shape)
        self.pattern = jacobian_sparsity(self.f, x, mode=self.mode)
        t1 = time.perf_counter()
        self._coloring = C.column_coloring(self.pattern, self.order, self.seed)
        self.timings = {"detection": t1 - t0, "coloring": time.perf_counter() - t1}

    def _products(self, x, St):
        """``(J(x) @ S).T`` (``n_colors × m``): one batched forward pass."""
        jv = vmap(lambda v: jvp(self.f, (x,), (v.reshape(self.shape),))[1])(St)
        return jv.reshape(St.shape[0], -1)

    def __call__(self, x, format="csr"):
        return self._evaluate(x, format)  # prepares the plan on its first point


def sparse_hessian(f, x0=None, coloring="auto", order="natural", seed=0, mode="global", staged=True):
    """Plan a sparse Hessian: detect the pattern, colour it, then evaluate fast.

    Detection and colouring happen once (at ``x0`` or at the first call);
    each call ``plan(x)`` then costs one batched forward-over-reverse pass
    with ``plan.n_colors`` tangents plus a vectorised decompression.

    Parameters
    ----------
    coloring:
        ``"star"`` (direct recovery), ``"acyclic"`` (fewer colours, recovery
        by substitution) or ``"auto"``: the fewer colours when evaluation is
        eager; when it is staged, acyclic only if it saves at least two
        colours (a staged colour costs less than the substitution).
    order:
        Vertex ordering for the colouring: ``"natural"``, ``"largest_first"``,
        ``"smallest_last"``, ``"incidence_degree"`` or ``"random"`` (``seed``).
    mode:
        ``"global"`` pattern (valid everywhere) or ``"local"`` at ``x0``.
    staged:
        With a global pattern, stage the evaluation once with
        :func:`osculate.jit` and replay it for every new ``x`` (``f`` runs as
        Python only on the first evaluation, so side effects in ``f`` happen
        once; arrays ``f`` closes over are captured then).  ``False`` keeps
        every evaluation eager.  Local patterns are always evaluated eagerly.

    >>> import numpy as np, osculate as osc
    >>> f = lambda x: np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    >>> plan = osc.sparse_hessian(f, np.zeros(6), coloring="acyclic")
    >>> plan.n_colors, plan.pattern.nnz
    (2, 16)
    >>> H = plan(np.full(6, 0.5))
    >>> bool(np.allclose(H.toarray(), osc.hessian(f)(np.full(6, 0.5))))
    True
    """
    return SparseHessian(f, x0, coloring, order, seed, mode, staged)


def sparse_jacobian(f, x0=None, order="natural", seed=0, mode="global", staged=True):
    """Plan a sparse Jacobian (distance-2 column colouring, batched JVPs).

    ``order``, ``seed``, ``mode`` and ``staged`` are as for :func:`sparse_hessian`.

    >>> import numpy as np, osculate as osc
    >>> plan = osc.sparse_jacobian(lambda x: x[1:] ** 2 - x[:-1], np.ones(5))
    >>> plan.n_colors
    2
    >>> plan(np.arange(5.0)).toarray()
    array([[-1.,  2.,  0.,  0.,  0.],
           [ 0., -1.,  4.,  0.,  0.],
           [ 0.,  0., -1.,  6.,  0.],
           [ 0.,  0.,  0., -1.,  8.]])
    """
    return SparseJacobian(f, x0, order, seed, mode, staged)
