"""The diagonal and the trace (Laplacian) of a Hessian, exact or estimated,
without forming the ``n x n`` matrix.

* :func:`hessian_diagonal` -- ``∂²f/∂xᵢ²``, one function with a ``method``:
  exact by colouring (:func:`osculate.sparse.compressed.diagonal_by_coloring`),
  by forward over forward in bounded chunks
  (:func:`osculate.ad.transforms.diagonal_by_chunks`), by second-order Taylor
  mode (:func:`osculate.ad.taylor.diagonal_by_taylor`), or Hutchinson's
  stochastic estimate (:func:`osculate.linop.hutchinson_diagonal` on
  :func:`osculate.hessian_operator`), each with its standard error.
* :func:`laplacian` -- ``Δf(x) = tr ∇²f(x)``, exact: the sum of the diagonal.
* :func:`hessian_trace` -- the trace exact, or by Hutchinson / Hutch++ with
  its standard error.

With ``full_output=True`` (diagonal) and always (trace) they return the
estimate types of :mod:`osculate.linop` (:class:`~osculate.linop.DiagonalEstimate`,
:class:`~osculate.linop.TraceEstimate`), whose ``method`` says how the
numbers were obtained.
"""

from __future__ import annotations

import numpy as np

from ..ad import numpy as osc_np
from ..ad.arguments import FlatPoint
from ..ad.core import MissingRuleError, Tracer
from ..ad.taylor import diagonal_by_taylor
from ..ad.transforms import diagonal_by_chunks
from ..ad.util import as_float_input, bounded_chunk, check_chunk
from ..sparse.compressed import diagonal_by_coloring
from ..linop.estimators import DiagonalEstimate, TraceEstimate, hutchinson_diagonal, hutchinson_trace, hutchpp_trace
from ..linop.operators import hessian_operator
from . import _taylor
from ._util import as_point, flat_function

__all__ = ["hessian_diagonal", "laplacian", "hessian_trace", "HESSIAN_DIAGONAL_METHODS", "LAPLACIAN_METHODS"]

#: The methods of :func:`hessian_diagonal`.
HESSIAN_DIAGONAL_METHODS = ("auto", "coloring", "dense-chunks", "taylor", "hutchinson")
#: The methods of :func:`laplacian`: the exact ones of :func:`hessian_diagonal`.
LAPLACIAN_METHODS = ("taylor", "auto", "coloring", "dense-chunks")
_TRACE_METHODS = ("exact", "hutchinson", "hutch++")


def hessian_diagonal(
    f,
    x,
    method: str = "auto",
    *,
    chunk_size: int | None = None,
    n_probes: int = 100,
    seed: int = 0,
    dist: str = "rademacher",
    full_output: bool = False,
    argnums=None,
):
    """The diagonal ``∂²f/∂xᵢ²`` of the Hessian of ``f`` at ``x``, without forming the Hessian.

    Parameters
    ----------
    f : callable
        Scalar function of one array (or pytree, or several arguments with ``argnums``).
    x : array_like or pytree
        The point (any shape, floating point).  A pytree (dict, tuple,
        dataclass...) is raveled (:func:`~osculate.ravel_pytree`) and the
        diagonal comes back in its structure.
    method : {"auto", "coloring", "dense-chunks", "taylor", "hutchinson"}, default "auto"
        ``"coloring"``
            exact: detects the Hessian's sparsity pattern at ``x`` (one extra
            call of ``f`` with index sets), colours its adjacency graph (a
            distance-1 colouring is enough for the diagonal) and reads ``Hᵢᵢ``
            from one Hessian-vector product per colour.  Memory ``O(n)`` for
            the pattern (detection gives up once one index set would exceed
            ``64 n + 2²²`` entries) plus ``O(chunk_size · n)`` for the
            products.  A tridiagonal Hessian needs 2 colours at any ``n``.
        ``"dense-chunks"``
            exact: one forward-over-forward second directional derivative per
            basis vector, ``chunk_size`` of them per batched pass, each block
            of basis vectors generated only when its pass runs.  ``n``
            directional passes; memory ``O(chunk_size · n)``.
        ``"taylor"``
            exact: the same ``n`` directions by second-order Taylor mode
            (three coefficient streams per operation instead of the four of
            forward over forward: usually the fastest dense method).  Needs a
            ``taylor`` rule for every primitive ``f`` uses
            (:class:`~osculate.MissingRuleError` otherwise).
        ``"hutchinson"``
            a stochastic estimate: the mean of ``z ⊙ Hz`` over ``n_probes``
            random probes (exact for diagonal Hessians with Rademacher
            probes), with elementwise standard errors.
        ``"auto"``
            one dense pass (``"dense-chunks"``) when all ``n`` basis vectors
            fit in one chunk; otherwise colouring when detection succeeds
            within its budget and needs at most ``n / 4`` colours, else dense
            chunks.
    chunk_size : int, optional
        Directions (colours, basis vectors, probes) per batched pass.  By
        default a block of basis vectors holds at most ``2²⁰`` numbers
        (``max(1, 2²⁰ // n)`` vectors, at most ``n``), so the peak memory is
        ``O(n)`` at any size.
    n_probes, seed, dist
        The budget of Hessian-vector products, the seed and the probe
        distribution (``"rademacher"`` or ``"gaussian"``) of ``"hutchinson"``;
        ignored by the exact methods.
    full_output : bool, default False
        Return a :class:`~osculate.linop.DiagonalEstimate` instead of the array.
    argnums : int or tuple of ints, optional
        ``x`` is then the tuple of all positional arguments of ``f``; the
        diagonal is over the picked ones (the others pass through
        untouched), in their structure (a tuple of trees for a tuple).

    Returns
    -------
    ndarray or DiagonalEstimate
        The diagonal, shaped like ``x``.  With ``full_output=True``:
        ``estimate`` (the diagonal), ``std_error`` (zeros for the exact
        methods), ``n_matvec`` (Hessian-vector products or second-order
        directional passes used: the number of colours for
        ``"coloring"``, ``n`` for ``"dense-chunks"`` and ``"taylor"``,
        ``n_probes`` for ``"hutchinson"``) and ``method`` (the one used;
        ``"auto"`` reports its choice).

    Inside another transformation (``jit``, ``vmap``, ``grad``) ``"auto"``
    always uses dense chunks, ``"dense-chunks"`` and ``"taylor"`` work, and
    ``"coloring"`` and ``"hutchinson"`` raise ``ValueError`` (detection and
    random probes need a concrete point).

    Checked by ``tests/test_memory_bounds.py`` at ``n = 10⁵`` with the
    address space capped at start-up + 400 MB (``n² · 8`` bytes would be
    80 GB): the colouring diagonal of chained Rosenbrock runs to the end;
    dense chunks run their first passes (every pass repeats the first's
    allocations; the whole run is ``O(n²)`` time).  Measured by
    ``benchmarks/bench_diagonal.py`` at ``n = 10⁶``: chained Rosenbrock's
    diagonal by colouring in about 3 s (most of it detection), traced peak
    448 bytes per variable.

    Examples
    --------
    >>> import numpy as np, osculate as osc
    >>> osc.hessian_diagonal(lambda x: np.sum(x ** 3) + x[0] * x[1], np.array([1.0, 2.0]))
    array([ 6., 12.])
    >>> rosen = lambda x: np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    >>> x = np.linspace(-1.0, 1.0, 6)
    >>> est = osc.hessian_diagonal(rosen, x, "coloring", full_output=True)
    >>> bool(np.allclose(est.estimate, np.diag(osc.hessian(rosen)(x)))), est.n_matvec
    (True, 2)
    >>> f = lambda x: x[0] ** 2 * x[1] + x[1] ** 3
    >>> est = osc.hessian_diagonal(f, np.array([1.0, 2.0]), "hutchinson", n_probes=400, full_output=True)
    >>> bool(np.all(np.abs(est.estimate - [4.0, 12.0]) <= 4 * est.std_error))
    True
    >>> osc.hessian_diagonal(lambda p, c: c * np.sum(p["w"] ** 3), ({"w": np.array([1.0, 2.0])}, 2.0), argnums=0)
    {'w': array([12., 24.])}
    """
    if method not in HESSIAN_DIAGONAL_METHODS:
        raise ValueError(f"hessian_diagonal: unknown method {method!r}; choose one of {HESSIAN_DIAGONAL_METHODS}")
    point = FlatPoint(f, x, argnums, "hessian_diagonal")
    if not point.plain:  # the diagonal over the raveled point, back in its structure
        est = hessian_diagonal(point.f, point.x, method, chunk_size=chunk_size, n_probes=n_probes, seed=seed,
                               dist=dist, full_output=True)
        if not full_output:
            return point.tree_of(est.estimate)
        return DiagonalEstimate(point.tree_of(est.estimate), point.tree_of(est.std_error), est.n_matvec, est.method)
    x = as_float_input(x, "hessian_diagonal input")
    shape = tuple(x.shape)
    n = int(np.prod(shape))
    if method == "hutchinson":
        return _hutchinson(f, x, n, chunk_size, n_probes, seed, dist, full_output)
    used, n_matvec = method, n
    if method == "coloring":
        d, n_matvec = diagonal_by_coloring(f, x, chunk_size)
    elif method == "taylor":
        d = diagonal_by_taylor(f, x, chunk_size)
    else:
        found = None
        if method == "auto" and n > bounded_chunk(chunk_size, n) and not isinstance(x, Tracer):
            found = diagonal_by_coloring(f, x, chunk_size, required=False)
        if found is not None:
            (d, n_matvec), used = found, "coloring"
        else:
            d, used = diagonal_by_chunks(f, x, chunk_size), "dense-chunks"
    if not full_output:
        return d
    return DiagonalEstimate(d, np.zeros(shape), n_matvec, used)


def _hutchinson(f, x, n, chunk_size, n_probes, seed, dist, full_output):
    """``method="hutchinson"`` of :func:`hessian_diagonal`."""
    if isinstance(x, Tracer):
        raise ValueError(
            "hessian_diagonal(method='hutchinson') draws random probes at a concrete point, but it was called "
            "inside another transformation (jit, vmap, grad...); use method='dense-chunks' or 'taylor' there"
        )
    block_size = None if chunk_size is None else check_chunk(chunk_size, n)
    if n == 0:
        est = DiagonalEstimate(np.zeros(x.shape), np.zeros(x.shape), 0, "hutchinson")
    else:
        est = hutchinson_diagonal(hessian_operator(f, x), n_probes, seed, dist=dist, block_size=block_size)
    d = np.reshape(est.estimate, x.shape)
    if not full_output:
        return d
    return DiagonalEstimate(d, np.reshape(est.std_error, x.shape), int(est.n_matvec), "hutchinson")


def laplacian(f, x, method: str = "taylor", *, chunk_size: int | None = None):
    """The Laplacian ``Δf(x) = Σᵢ ∂²f/∂xᵢ² = tr ∇²f(x)``, exactly.

    The sum of :func:`hessian_diagonal` by one of its exact methods
    (:data:`LAPLACIAN_METHODS`); the default, ``"taylor"``, propagates
    second-order Taylor series along every basis direction in batched passes
    of ``chunk_size`` (memory ``O(n)`` by default).  Where a primitive of
    ``f`` has no Taylor rule, use ``method="dense-chunks"``; for a stochastic
    estimate with a standard error, :func:`hessian_trace`.  Works inside
    ``jit``, ``vmap`` and ``grad`` (except ``"coloring"``).

    >>> import numpy as np, osculate as osc
    >>> float(osc.laplacian(lambda x: x[0] ** 2 * x[1] + x[1] ** 3, np.array([1.0, 2.0])))
    16.0
    """
    if method not in LAPLACIAN_METHODS:
        raise ValueError(f"laplacian: unknown method {method!r}; choose one of {LAPLACIAN_METHODS}")
    return osc_np.sum(hessian_diagonal(f, x, method, chunk_size=chunk_size))


def _exact_diagonal(f, point, chunk_size):
    """The diagonal by Taylor mode, or by forward over forward where Taylor
    mode has no rule for a primitive ``f`` uses."""
    if _taylor.use_taylor_mode():
        try:
            return hessian_diagonal(f, point, "taylor", chunk_size=chunk_size)
        except MissingRuleError:
            pass
    return hessian_diagonal(f, point, "dense-chunks", chunk_size=chunk_size)


def _setup(f, x, method, methods):
    """Check ``method``; the point, its flat copy and ``f`` on flat points."""
    if method not in methods:
        raise ValueError(f"method must be one of {methods}, got {method!r}")
    point = as_point(x)
    return point, point.reshape(-1), flat_function(f, point.shape)


def hessian_trace(
    f,
    x,
    method: str = "exact",
    *,
    n_probes: int = 100,
    seed: int = 0,
    dist: str = "rademacher",
    chunk_size: int | None = None,
) -> TraceEstimate:
    """Trace of the Hessian of ``f`` at ``x`` (the Laplacian ``Δf(x)``).

    Parameters
    ----------
    f : callable
        Scalar function.
    x : array_like
        The point.
    method : {"exact", "hutchinson", "hutch++"}, default "exact"
        ``"exact"`` sums the exact diagonal, like :func:`laplacian`
        (``n`` batched second-order directional derivatives by Taylor mode,
        or by forward over forward where Taylor mode has no rule; never the
        ``n x n`` matrix);
        ``"hutchinson"`` averages ``zᵀHz`` over ``n_probes`` random probes;
        ``"hutch++"`` deflates a low-rank sketch first (much smaller error
        when the spectrum decays).
    n_probes : int, default 100
        Budget of Hessian-vector products for the stochastic methods.
    seed : int, default 0
        Seed of the probes.
    dist : {"rademacher", "gaussian"}, default "rademacher"
        Probe distribution.
    chunk_size : int, optional
        Basis directions per batched pass for the exact method (bounds memory).

    Returns
    -------
    TraceEstimate
        ``estimate`` and ``std_error`` (0 for ``"exact"``), ``n_matvec``
        and ``method``.

    Examples
    --------
    >>> import numpy as np
    >>> from osculate.analysis import hessian_trace
    >>> f = lambda x: np.sum(x ** 2) + np.sin(x[0])
    >>> hessian_trace(f, np.zeros(3)).estimate
    6.0
    >>> est = hessian_trace(f, np.zeros(3), method="hutchinson", n_probes=50)
    >>> est.estimate, est.std_error           # Rademacher probes: exact on diagonal Hessians
    (6.0, 0.0)
    """
    point, z, flat = _setup(f, x, method, _TRACE_METHODS)
    if method == "exact":
        return TraceEstimate(float(np.sum(_exact_diagonal(f, point, chunk_size))), 0.0, z.size, "exact")
    estimator = hutchinson_trace if method == "hutchinson" else hutchpp_trace
    est = estimator(hessian_operator(flat, z), n_probes, seed, dist=dist)
    return TraceEstimate(float(est.estimate), float(est.std_error), int(est.n_matvec), method)

