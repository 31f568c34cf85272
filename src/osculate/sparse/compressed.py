"""Compressed evaluation of sparse Hessians and Jacobians, and of the Hessian diagonal.

A *plan* detects the sparsity pattern once, colours it once, and then
evaluates the derivative at any point with as many Hessian-vector (or
Jacobian-vector) products as there are colours -- all of them in **one**
batched forward-over-reverse pass (``vmap`` over the seed columns) -- and
decompresses into SciPy sparse format through index arrays computed once per
plan (each result gets copies of its own).  No ``n × n`` dense array is
allocated anywhere.

With a global pattern, that pass is staged once with :func:`osculate.jit`
(``jit="auto"``, the default, as in the solvers): the global detection has
already proved that ``f``'s control flow does not depend on values, so every
later evaluation replays plain NumPy operations, with the work that depends
only on the seed matrix folded away.  Should staging still fail where the
eager pass does not, ``"auto"`` evaluates eagerly from then on and
``plan.note`` says why; ``jit=True`` lets the error propagate, ``jit=False``
(or the older ``staged=False``) keeps every evaluation eager.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sps

from ..ad import fusion
from ..ad.arguments import FlatPoint, argnums_tuple
from ..ad.batching import vmap
from ..ad.core import Tracer
from ..ad.tree import tree_flatten
from ..ad.transforms import grad, jvp
from ..ad.util import as_float_input, bounded_chunk, scalar_out
from ._staging import Staging, check_jit
from .coloring import acyclic_coloring, column_coloring, star_coloring
from .detect import BudgetExceeded, entry_budget, hessian_sparsity, jacobian_sparsity

__all__ = ["SparseHessian", "SparseJacobian", "sparse_hessian", "sparse_jacobian", "diagonal_by_coloring"]

_KINDS = ("star", "acyclic", "auto")


class _Plan:
    _name = "sparse_jacobian"

    def __init__(self, f, x0, order, seed, mode, staged, argnums=None, jit="auto"):
        if mode not in ("global", "local"):
            raise ValueError(f"mode must be 'global' or 'local', got {mode!r}")
        if mode == "local" and x0 is None:
            raise ValueError("mode='local' detects the pattern at a point: pass x0")
        if argnums is not None:
            argnums_tuple(argnums)
        self.f = self._user_f = f
        self.argnums = argnums
        self._tree = None  # (structure of the point, the arguments passed through) for pytree points
        self.order = order
        self.seed = seed
        self.mode = mode
        jit = check_jit(jit, self._name)
        if staged is not None:  # the older keyword: True stages (errors propagate), False is eager
            jit = bool(staged) if jit == "auto" else jit and bool(staged)
        # a local pattern follows the branches taken at x0: evaluation stays eager
        self._staging = Staging(jit if mode == "global" else False, f"the {self._name} plan")
        self.staged = self._staging.mode is not False
        self.shape = None
        self.pattern = None
        self._coloring = None
        self._evaluators = {}
        self._results = {}  # (format, symmetric_upper) -> the _SharedStructure that wraps the values
        self.timings = {}
        if x0 is not None:
            self._prepare(as_float_input(self._flat_point(x0), "x0"))

    def _flat_point(self, x):
        """``x`` as the plan's flat point: unchanged for one array; a pytree
        point (or, with ``argnums``, the picked arguments) raveled, with
        ``self.f`` the function of that vector.  The staged programs are
        dropped when the arguments passed through are other objects than at
        the last call (they are constants of the staged program)."""
        if self.argnums is None and type(x) is np.ndarray:
            return x  # one array, the common case
        point = FlatPoint(self._user_f, x, self.argnums, self._name)
        if point.plain:
            return x
        picked = set() if self.argnums is None else {i % len(x) for i in argnums_tuple(self.argnums)}
        fixed = () if self.argnums is None else tuple(a for i, a in enumerate(x) if i not in picked)
        treedef = tree_flatten(point.tree)[1]
        if self._tree is not None:
            if treedef != self._tree[0]:
                raise ValueError(
                    f"this plan was built for points of structure {self._tree[0]} but x has structure {treedef}; "
                    "build a new plan for a different structure"
                )
            if len(fixed) != len(self._tree[1]) or any(a is not b for a, b in zip(fixed, self._tree[1])):
                self._evaluators.clear()
        self._tree = (treedef, fixed)
        self.f = point.f
        return point.x

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

            def values(x, S):
                B = products(x, S)
                return B if layout is None else coloring.stored_values(B.reshape(-1), *layout)

            if self._staging.active and St.dtype == np.float64 and St.size >= fusion.settings["min_length"] \
                    and fusion.available():
                fn = _Evaluation(self._staging.wrap(values, "compressed derivative"), (St,))
            else:
                fn = _Evaluation(self._staging.wrap(lambda x: values(x, St), "compressed derivative"))
            self._evaluators[key] = fn
        return fn

    def _evaluate(self, x, format, symmetric_upper=False):
        x = self._check_point(x)
        layout = (format, bool(symmetric_upper))
        result = self._results.get(layout)
        if result is None:
            self._coloring._check_format(format, symmetric_upper)
            result = self._results[layout] = _SharedStructure(self._coloring, *layout)
        return result(self._evaluator(x.dtype, layout)(x))

    @property
    def note(self):
        """One line on a staging fallback (``jit="auto"``), else ``""``."""
        return self._staging.note

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
        x = as_float_input(self._flat_point(x), "x")
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


class _Evaluation:
    """One evaluation ``x -> values`` of a plan, staged or eager.

    Where the staged program will be fused (numba installed, long vectors),
    the seed matrix ``S`` is an argument (``consts = (S,)``) instead of being
    folded in: a fused loop then reads ``S`` once and forms the tangents from
    it in registers, instead of reading one folded constant array per
    tangent operation (on chained Rosenbrock at n = 10⁵, four arrays of
    ``n_colors × n``).

    Should the staged derivative not depend on ``x`` at all (a quadratic
    ``f``), nothing is run again: the first call's result is kept and every
    later call returns a fresh copy of it.  The copy reads the constant, so
    it is kept in the narrowest dtype that gives it back bit for bit
    (``int8`` for the small integers of a grid Laplacian: an eighth of the
    bytes of ``float64``)."""

    def __init__(self, fn, consts=()):
        self.fn, self.consts = fn, consts
        self.constant = self.dtype = None
        self.checked = False

    def __call__(self, x):
        if self.constant is not None:
            return self.constant.astype(self.dtype)  # a new array
        out = self.fn(x, *self.consts)
        if not self.checked:
            self.checked = True
            jitted = getattr(self.fn, "staged", None)  # None when eager, or once evaluation fell back to eager
            if jitted is not None and not _reads_first_input(jitted.program(x, *self.consts)):
                self.constant, self.dtype = _narrowest(out), out.dtype
        return out


def _narrowest(a):
    """A copy of ``a`` in the narrowest dtype from which ``astype(a.dtype)``
    gives ``a`` back bit for bit (``-0.0`` and NaN included): a small integer
    or a shorter float type, else ``a``'s own."""
    for t in (np.int8, np.int16, np.float16, np.int32, np.float32):
        if np.dtype(t).itemsize < a.itemsize:
            with np.errstate(all="ignore"):  # out of range or not finite: the comparison below says no
                narrow = a.astype(t)
            if narrow.astype(a.dtype).tobytes() == a.tobytes():
                return narrow
    return a.copy()


class _SharedStructure:
    """Wraps each evaluation's values into the SciPy result of one layout
    (``format``, ``symmetric_upper``).

    The structure is the same at every point, so it is built and checked
    once, by SciPy's constructor, into a template kept here (its index
    arrays read-only); each result is created without the constructor, whose
    checks (index dtypes and contents) cost about 20 µs a call: it starts
    from the template's attributes, with fresh copies of the index arrays
    (``indices``/``indptr``, ``coords`` for COO) and the evaluation's own
    ``data``.  So a result is an ordinary SciPy array of its own: every
    in-place operation works on it (``eliminate_zeros``, ``resize``,
    third-party code that writes the index arrays) and none reaches the
    plan or another result.  (Sharing the index arrays, read-only, instead
    saved 0.05-0.08 ms a call on the benchmarks' n = 10⁵ problems, but made
    ``eliminate_zeros`` and a shrinking ``resize`` fail inside SciPy.)
    """

    def __init__(self, coloring, format, upper):
        plan = coloring._plan(format, upper)
        cls = {"csr": sps.csr_array, "csc": sps.csc_array, "coo": sps.coo_array}[format]
        data = np.zeros(plan.gather.size)
        if format == "coo":
            template = cls((data, (plan.row.copy(), plan.col.copy())), shape=coloring.shape)
            template.coords = tuple(_read_only(a) for a in template.coords)
        else:
            template = cls((data, plan.indices.copy(), plan.indptr.copy()), shape=coloring.shape)
            template.indices, template.indptr = _read_only(template.indices), _read_only(template.indptr)
        # one entry per position, sorted: row-major for CSR and COO, column-major for CSC
        template.has_canonical_format = True
        self.cls = cls
        self.arrays = ("coords",) if format == "coo" else ("indices", "indptr")
        self.state = {k: v for k, v in vars(template).items() if k not in ("data",) + self.arrays}
        self.template = template

    def __call__(self, data):
        out = self.cls.__new__(self.cls)
        out.__dict__.update(self.state)
        for name in self.arrays:
            a = getattr(self.template, name)
            setattr(out, name, tuple(c.copy() for c in a) if type(a) is tuple else a.copy())
        out.data = data
        return out


def _read_only(a):
    """A read-only view of a read-only array that owns its memory (unlike the
    array itself, the view cannot be made writeable again)."""
    if a.base is not None:
        a = a.copy()
    a.flags.writeable = False
    return a[:]


def _reads_first_input(program):
    """Whether a staged program's result depends on its first argument."""
    v = program.in_vars[0]
    return any(v in e.refs for e in program.eqns) or ("var", v) in program.out_refs


class SparseHessian(_Plan):
    """A reusable sparse-Hessian plan; see :func:`sparse_hessian`."""

    _name = "sparse_hessian"

    def __init__(self, f, x0=None, coloring="auto", order="natural", seed=0, mode="global", staged=None, *,
                 argnums=None, jit="auto"):
        if coloring not in _KINDS:
            raise ValueError(f"coloring must be one of {_KINDS}, got {coloring!r}")
        self.kind = coloring
        super().__init__(f, x0, order, seed, mode, staged, argnums, jit)

    def _prepare(self, x):
        t0 = time.perf_counter()
        self.shape = tuple(x.shape)
        self.pattern = hessian_sparsity(self.f, x, mode=self.mode)
        t1 = time.perf_counter()
        if self.kind == "star":
            self._coloring = star_coloring(self.pattern, self.order, self.seed)
        elif self.kind == "acyclic":
            self._coloring = acyclic_coloring(self.pattern, self.order, self.seed)
        else:
            # Eager, each colour costs about one Hessian-vector product: the fewer colours
            # win (star, with its direct recovery, on ties).  Staged, a colour is so cheap
            # that acyclic recovery -- a cumulative sum over the forest, measured at about
            # 1.5 colours' worth (benchmarks/bench_sparse.py) -- pays only from two saved.
            star = star_coloring(self.pattern, self.order, self.seed)
            acyc = acyclic_coloring(self.pattern, self.order, self.seed)
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
        ``coo``; ``symmetric_upper=True`` keeps the upper triangle only),
        flagged sorted and duplicate-free (see :func:`sparse_hessian`)."""
        return self._evaluate(x, format, symmetric_upper)  # prepares the plan on its first point


class SparseJacobian(_Plan):
    """A reusable sparse-Jacobian plan; see :func:`sparse_jacobian`."""

    def __init__(self, f, x0=None, order="natural", seed=0, mode="global", staged=None, *, jit="auto"):
        super().__init__(f, x0, order, seed, mode, staged, None, jit)

    def _prepare(self, x):
        t0 = time.perf_counter()
        self.shape = tuple(x.shape)
        self.pattern = jacobian_sparsity(self.f, x, mode=self.mode)
        t1 = time.perf_counter()
        self._coloring = column_coloring(self.pattern, self.order, self.seed)
        self.timings = {"detection": t1 - t0, "coloring": time.perf_counter() - t1}

    def _products(self, x, St):
        """``(J(x) @ S).T`` (``n_colors × m``): one batched forward pass."""
        jv = vmap(lambda v: jvp(self.f, (x,), (v.reshape(self.shape),))[1])(St)
        return jv.reshape(St.shape[0], -1)

    def __call__(self, x, format="csr"):
        return self._evaluate(x, format)  # prepares the plan on its first point


def sparse_hessian(f, x0=None, coloring="auto", order="natural", seed=0, mode="global", staged=None, *,
                   argnums=None, jit="auto"):
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
    jit:
        With a global pattern, ``"auto"`` (default) stages the evaluation
        once with :func:`osculate.jit` and replays it for every new ``x``
        (``f`` runs as Python only on the first evaluation, so side effects
        in ``f`` happen once; arrays ``f`` closes over are captured then);
        should staging fail where the eager evaluation does not, the plan
        evaluates eagerly from then on and ``plan.note`` says why.  ``True``
        stages and lets a staging error propagate; ``False`` keeps every
        evaluation eager.  Local patterns are always evaluated eagerly.
    staged:
        The older spelling: ``True`` is ``jit=True``, ``False`` is
        ``jit=False`` (``None``, the default, defers to ``jit``).
    argnums:
        ``None``: the point ``x`` is one array or a pytree.  An int or a
        tuple: ``x0`` and every ``x`` given to the plan are the tuple of all
        positional arguments of ``f``, the picked ones differentiated, the
        others passed through (the pattern is detected with those of the
        first point; a call whose passed-through arguments are other objects
        than the previous call's stages the evaluation anew).

    For a pytree point (or ``argnums``) the matrix is over the raveled
    vector, in the order of :func:`~osculate.ravel_pytree` (dict keys
    sorted, leaves raveled row-major one after the other), and every point
    given to the plan must have the structure of the first.

    The structure of the result is the same at every point: it is built and
    checked once, and each result gets copies of its index arrays
    (``indices`` and ``indptr``, or ``coords`` for COO; flagged sorted and
    duplicate-free) and a ``data`` array of its own.  A result is an
    ordinary SciPy array: changing it in place (``eliminate_zeros``,
    ``resize``, its ``data``) never reaches the plan or another result.

    >>> import numpy as np, osculate as osc
    >>> f = lambda x: np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    >>> plan = osc.sparse_hessian(f, np.zeros(6), coloring="acyclic")
    >>> plan.n_colors, plan.pattern.nnz
    (2, 16)
    >>> H = plan(np.full(6, 0.5))
    >>> bool(np.allclose(H.toarray(), osc.hessian(f)(np.full(6, 0.5))))
    True
    >>> g = lambda p, c: c * np.sum(p["a"] ** 2 * p["b"])
    >>> plan = osc.sparse_hessian(g, ({"a": np.ones(2), "b": np.ones(2)}, 3.0), argnums=0)
    >>> plan(({"a": np.ones(2), "b": np.full(2, 2.0)}, 3.0)).toarray()  # rows and columns: a[0], a[1], b[0], b[1]
    array([[12.,  0.,  6.,  0.],
           [ 0., 12.,  0.,  6.],
           [ 6.,  0.,  0.,  0.],
           [ 0.,  6.,  0.,  0.]])
    """
    return SparseHessian(f, x0, coloring, order, seed, mode, staged, argnums=argnums, jit=jit)


def sparse_jacobian(f, x0=None, order="natural", seed=0, mode="global", staged=None, *, jit="auto"):
    """Plan a sparse Jacobian (distance-2 column colouring, batched JVPs).

    ``order``, ``seed``, ``mode``, ``jit`` and ``staged`` are as for :func:`sparse_hessian`, and
    each result has index arrays of its own as there.

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
    return SparseJacobian(f, x0, order, seed, mode, staged, jit=jit)


# --------------------------------------------------------------------------- the Hessian diagonal


def _detection_budget(n):
    """Entries one index set may hold while the diagonal detects a pattern
    (8 bytes each): enough for the banded and block patterns of
    ``osculate.testing.sparse_problems``, far below the n² of a dense one."""
    return 64 * n + (1 << 22)


def diagonal_by_coloring(f, x, chunk_size=None, *, required=True):
    """The exact diagonal ``∂²f/∂xᵢ²`` of the Hessian by colouring: the engine
    of ``osculate.hessian_diagonal(f, x, method="coloring")`` (and of
    ``"auto"``, which calls it with ``required=False``).

    Detects the Hessian's sparsity pattern at ``x`` (local detection: one
    extra call of ``f`` with index sets), colours its adjacency graph so that
    no two variables coupled by a nonzero ``Hᵢⱼ`` share a colour (a
    distance-1 colouring: for the diagonal this is enough), and reads ``Hᵢᵢ``
    from one Hessian-vector product (forward over reverse) per colour,
    ``chunk_size`` colours per batched pass.  Memory: ``O(n)`` for the
    pattern (detection gives up once one index set would exceed
    ``64 n + 2²²`` entries) plus ``O(chunk_size · n)`` for the products.

    Returns ``(diagonal, n_colors)``, ``n_colors`` being the number of
    Hessian-vector products.  With ``required=False`` it returns ``None``
    instead when detection fails or exceeds its budget, or when colouring
    would not pay (more than ``n / 4`` colours); with ``required=True`` those
    are errors.  Detection needs a concrete point: inside another
    transformation it raises ``ValueError``.

    >>> import numpy as np
    >>> from osculate.sparse.compressed import diagonal_by_coloring
    >>> rosen = lambda x: np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    >>> d, n_colors = diagonal_by_coloring(rosen, np.zeros(6))
    >>> d, n_colors
    (array([  2., 202., 202., 202., 202., 200.]), 2)
    """
    x = as_float_input(x, "hessian_diagonal input")
    shape = tuple(x.shape)
    n = int(np.prod(shape))
    k = bounded_chunk(chunk_size, n)
    if isinstance(x, Tracer):
        raise ValueError(
            "hessian_diagonal(method='coloring') detects the sparsity pattern at a concrete point, but it "
            "was called inside another transformation (jit, vmap, grad...); use method='dense-chunks' there"
        )
    if n == 0:
        return np.zeros(shape), 0

    def checked(z):
        return scalar_out(f(z), "hessian_diagonal")

    try:
        with entry_budget(_detection_budget(n)):
            pattern = hessian_sparsity(checked, x, mode="local")
    except BudgetExceeded as err:
        if required:
            raise ValueError(
                f"hessian_diagonal(method='coloring'): the Hessian is too dense to colour in O(n) memory "
                f"({err}); use method='dense-chunks'"
            ) from None
        return None
    except Exception:  # noqa: BLE001 - auto: any detection failure means "use the chunks"
        if required:
            raise
        return None
    colors, n_colors = _adjacency_colors(pattern)
    if not required and 4 * n_colors > n:
        return None
    # variables sorted by colour: colour c owns by_color[bounds[c]:bounds[c + 1]]
    by_color = np.argsort(colors, kind="stable")
    bounds = np.searchsorted(colors[by_color], np.arange(n_colors + 1))
    g = grad(checked)
    products = vmap(lambda s: jvp(g, (x,), (np.reshape(s, shape),))[1])
    d = np.empty(n, dtype=x.dtype)
    for c0 in range(0, n_colors, k):
        c1 = min(n_colors, c0 + k)
        members = by_color[bounds[c0]:bounds[c1]]
        rows = colors[members] - c0
        seeds = np.zeros((c1 - c0, n), dtype=x.dtype)  # column c of the seed matrix S, as rows
        seeds[rows, members] = 1.0
        hs = np.asarray(products(seeds)).reshape(c1 - c0, n)
        d[members] = hs[rows, members]  # no other variable of its colour couples to a member
    return d.reshape(shape), n_colors


def _adjacency_colors(pattern):
    """A greedy distance-1 colouring of the pattern's adjacency graph: ``i != j``
    with a structural ``Hᵢⱼ`` get different colours.  (That separates every
    diagonal entry in ``H @ S``, though not the off-diagonal ones.)  It is the
    column colouring of the incidence matrix, one row per off-diagonal pair:
    two variables share a row exactly when they are coupled."""
    upper = sps.triu(sps.coo_matrix(pattern), k=1)
    m = upper.nnz
    rows = np.concatenate((np.arange(m), np.arange(m)))
    cols = np.concatenate((upper.row, upper.col))
    incidence = sps.csr_matrix((np.ones(2 * m, dtype=bool), (rows, cols)), shape=(m, pattern.shape[0]))
    result = column_coloring(incidence)
    return np.asarray(result.colors), int(result.n_colors)
