"""``FiniteSum``: an objective that is a sum over the chunks of a data set.

``f(θ) = Σ_chunks fn(θ, chunk)`` -- or ``½ Σ ‖fn(θ, chunk)‖²`` with
``residuals=True`` -- with the data in memory (NumPy arrays, split into
chunks of rows) or partitioned by rows on a Dask cluster.  Each oracle call
is one *round trip*: θ goes to every chunk, each chunk computes its term
with staged derivatives (:mod:`osculate.scale._kernel`), and the partial
results come back summed in a tree.  The solvers (:func:`osculate.minimize`,
:func:`osculate.least_squares`) take a ``FiniteSum`` in place of a function.
"""
from __future__ import annotations

import os
import uuid
import warnings

import numpy as np

from ..ad.autostage import check_jit
from ..ad.tree import tree_flatten
from ..optim._objective import Objective
from ._backends import (DEFAULT_CHUNK_ROWS, Cluster, Memory, data_leaves, is_dask, is_dask_dataframe,
                        split_rows)
from ._kernel import Kernel

__all__ = ["FiniteSum"]

_NAN_POLICIES = ("raise", "drop")
_EMPTY = ("raise", "skip")


class _Session:
    """Opens the finite sum's backend for one solver call and closes what it opened."""

    def __init__(self, owner):
        self.owner = owner
        self.opened = False

    def __enter__(self):
        self.opened = self.owner._open()
        return self.owner

    def __exit__(self, *exc):
        if self.opened:
            self.owner.close()
        return False


class FiniteSum(Objective):
    """A sum over the chunks of a data set, with value, gradient, Hessian
    products, Gauss-Newton quantities and score outer products per round trip.

    Parameters
    ----------
    fn : callable
        ``fn(theta, chunk)`` in plain NumPy: ``theta`` a 1-D parameter array,
        ``chunk`` a piece of the data with the data's structure (a dict of
        column arrays for a dataframe).  It returns the chunk's term (a
        scalar), or one value per row (summed; this also gives per-row
        scores for sandwich covariances), or with ``residuals=True`` the
        chunk's residuals.
    data : array, pytree of arrays, pandas or Dask dataframe, Dask array(s)
        Rows along the first axis of every leaf.  NumPy data is split into
        chunks of ``chunk_rows`` rows; Dask data keeps its own partitions
        (other leaves are rechunked to the first one's rows).
    residuals : bool
        ``f(θ) = ½ Σ ‖r‖²``: least squares, with :meth:`gauss_newton`.
    chunk_rows : int
        Rows per chunk of in-memory data (default 65536).
    scheduler : None, ``dask.distributed.Client`` or ``"local"``
        ``None``: NumPy data in this process, Dask data on a
        ``LocalCluster`` started for each solver call (``with fs:`` keeps
        one open across calls; an oracle call outside both opens and
        closes one for itself).  A client: its cluster (NumPy data is
        shipped once).  ``"local"``: a ``LocalCluster`` even for NumPy data.
    n_workers : int, optional
        Workers of a ``LocalCluster`` this object starts (default: the
        number of cores, at most 4), one thread each.
    cluster_options : dict, optional
        More keyword arguments for that ``LocalCluster`` (``memory_limit``,
        ``env``...).
    nan_policy : {"raise", "drop"}
        A row with a NaN in a floating leaf is an error naming its partition
        (default), or is left out.
    empty : {"raise", "skip"}
        An empty partition is an error (default) or contributes nothing.
    jit : {"auto", True, False}
        How each process evaluates ``fn``'s derivatives: staged once per
        chunk shape with :func:`osculate.jit` and replayed (``"auto"``,
        falling back to eager evaluation if ``fn`` cannot be staged).
    progress : bool
        A progress bar of round trips (needs tqdm).
    timeout : float, optional
        Seconds a distributed round trip may take before it raises
        ``TimeoutError`` (default: no limit).

    Attributes
    ----------
    rows, npartitions : int
        Rows (after NaN rows were dropped) and partitions, known once open.
    round_trips : int
        Oracle calls that went to the chunks (cached repeats do not count).
    residual_count : int or None
        Residuals in all (a sum of squares, after :meth:`gauss_newton`).

    Examples
    --------
    >>> import numpy as np
    >>> import osculate as osc
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(1000, 3)); y = X @ np.array([1.0, -2.0, 0.5])
    >>> fs = osc.FiniteSum(lambda b, d: d[1] - d[0] @ b, (X, y), residuals=True, chunk_rows=300)
    >>> fs.npartitions, fs.rows
    (4, 1000)
    >>> res = osc.least_squares(fs, np.zeros(3))
    >>> np.round(res.x, 10).tolist()
    [1.0, -2.0, 0.5]
    """

    def __init__(self, fn, data, *, residuals=False, chunk_rows=DEFAULT_CHUNK_ROWS, scheduler=None,
                 n_workers=None, nan_policy="raise", empty="raise", jit="auto", progress=False,
                 timeout=None, cluster_options=None, _partitions=None):
        if not callable(fn):
            raise TypeError("fn must be callable: fn(theta, chunk)")
        if nan_policy not in _NAN_POLICIES:
            raise ValueError(f"nan_policy must be one of {_NAN_POLICIES}, got {nan_policy!r}")
        if empty not in _EMPTY:
            raise ValueError(f"empty must be one of {_EMPTY}, got {empty!r}")
        if not (isinstance(chunk_rows, (int, np.integer)) and chunk_rows > 0):
            raise ValueError(f"chunk_rows must be a positive integer, got {chunk_rows!r}")
        if not (scheduler is None or scheduler == "local" or hasattr(scheduler, "compute")):
            raise TypeError(f"scheduler must be None, 'local' or a dask.distributed.Client, got {scheduler!r}")
        self.fn = fn
        self.residuals = bool(residuals)
        self.nan_policy = nan_policy
        self.empty = empty
        self.progress = progress
        self.scheduler = scheduler
        self.n_workers = n_workers
        if timeout is not None and not timeout > 0:
            raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
        self.timeout = timeout
        self.cluster_options = dict(cluster_options or {})
        leaves, treedef, self._columns = data_leaves(data)
        dask_leaves = [is_dask(a) for a in leaves]
        if any(dask_leaves) and not all(dask_leaves):
            raise TypeError("the data mixes Dask and NumPy arrays; make every leaf a Dask array "
                            "(dask.array.from_array) or every leaf in memory")
        self._dask_data = all(dask_leaves)
        self._leaves = leaves
        if _partitions is not None:
            self._partitions = _partitions
        else:
            self._partitions = None if self._dask_data else split_rows(leaves, int(chunk_rows))
        self.kernel = Kernel(fn, treedef, self.residuals, check_jit(jit, "FiniteSum"), uuid.uuid4().hex)
        self.round_trips = 0
        self.residual_count = None
        self._backend = None
        self._own_cluster = None
        self._bar = None
        self._cache = {}
        self._hessian_wanted = False  # fetch the Hessian with the gradient (Newton-type solvers)
        super().__init__(self._value, grad=lambda x: self._value_grad(x)[1], hvp=self._hvp,
                         hess=self._hessian, value_and_grad=self._value_grad, jit=False)
        if not self._dask_data and scheduler is None:
            self._open()  # in memory: check the chunks now

    @classmethod
    def from_partitions(cls, fn, partitions, **options):
        """A finite sum over data already split: ``partitions`` is a list of
        chunks, each a NumPy array or pytree of arrays with the same structure
        and the same trailing shapes (checked, naming the partition).

        >>> import numpy as np
        >>> import osculate as osc
        >>> parts = [np.arange(3.0), np.arange(3.0, 10.0)]
        >>> fs = osc.FiniteSum.from_partitions(lambda t, x: (x - t[0]) ** 2, parts)
        >>> fs.npartitions, bool(fs.value(np.zeros(1)) == np.sum(np.arange(10.0) ** 2))
        (2, True)
        """
        partitions = list(partitions)
        if not partitions:
            raise ValueError("partitions is empty")
        _, treedef = tree_flatten(partitions[0])
        flat = []
        for i, part in enumerate(partitions):
            leaves, td = tree_flatten(part)
            if td != treedef:
                raise ValueError(f"partition {i} has the structure {td}, partition 0 {treedef}: every "
                                 f"partition needs the same structure")
            if any(is_dask(a) for a in leaves):
                raise TypeError(f"partition {i} holds Dask arrays: pass Dask data whole as `data`")
            flat.append(tuple(leaves))
        return cls(fn, partitions[0], _partitions=flat, **options)

    # -- lifecycle -----------------------------------------------------------
    @property
    def distributed(self):
        """True when the chunks live on a Dask cluster."""
        return self._dask_data or self.scheduler is not None

    def _open(self):
        """Open the backend if needed; True if this call opened it."""
        if self._backend is not None:
            return False
        if not self.distributed:
            self._backend = Memory(self._partitions, self.nan_policy, self.empty)
            return True
        client = self.scheduler if hasattr(self.scheduler, "compute") else self._start_cluster()
        try:
            self._backend = Cluster(client, self._leaves, self.nan_policy, self.empty,
                                    columns=self._columns, partitions=self._partitions, timeout=self.timeout)
        except BaseException:
            self._close_cluster()
            raise
        return True

    def _start_cluster(self):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise ImportError("Dask data needs the optional packages dask and distributed: "
                              "pip install 'osculate[dask]'") from None
        workers = self.n_workers or max(1, min(4, os.cpu_count() or 1))
        options = dict(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
        options.update(self.cluster_options)
        cluster = LocalCluster(**options)
        client = Client(cluster)
        self._own_cluster = (client, cluster)
        return client

    def _close_cluster(self):
        if self._own_cluster is not None:
            client, cluster = self._own_cluster
            self._own_cluster = None
            client.close()
            cluster.close()

    def close(self):
        """Release the partitions (and a cluster this object started)."""
        if self._backend is not None:
            self._backend.close()
            self._backend = None
        self._close_cluster()
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def session(self):
        """Context manager that keeps the backend open for one solver call."""
        self._hessian_wanted = False
        return _Session(self)

    def __enter__(self):
        self._open()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    @property
    def rows(self):
        return self._opened().rows

    @property
    def npartitions(self):
        return self._opened().npartitions

    def _opened(self):
        if self._backend is None:
            if self._dask_data or self.scheduler is not None:
                raise RuntimeError("the finite sum is not open: use `with fs:` (or a solver call) "
                                   "to start its cluster")
            self._open()
        return self._backend

    # -- round trips ---------------------------------------------------------
    def _theta(self, theta):
        t = np.asarray(theta, dtype=float)
        if t.ndim != 1:
            raise ValueError(f"theta must be a 1-D parameter array, got shape {t.shape}")
        n = getattr(self, "_n", None)
        if n is not None and t.size != n:
            raise ValueError(f"theta has {t.size} entries; this finite sum was first evaluated with {n}")
        return np.ascontiguousarray(t)

    def _round_trip(self, op, theta, extra=None):
        theta = self._theta(theta)
        with _Session(self):
            out = self._backend.map_reduce(self.kernel, op, theta, extra)
        if out is None:
            raise ValueError("every partition is empty: the finite sum has no terms")
        self._n = theta.size
        self.round_trips += 1
        self._tick(op)
        return out

    def _tick(self, op):
        if not self.progress or not self.distributed:
            return
        if self._bar is None:
            try:
                from tqdm import tqdm
            except ImportError:
                warnings.warn("progress=True needs the optional package 'tqdm'", RuntimeWarning, stacklevel=3)
                self.progress = False
                return
            self._bar = tqdm(desc="round trips", unit="trip", leave=False)
        self._bar.update(1)
        self._bar.set_postfix_str(op)

    def _key(self, theta):  # the Objective's one-point cache, after the shape check
        return self._theta(theta).tobytes()

    def _cached(self, theta, what):
        hit = self._cache.get("key") == self._theta(theta).tobytes()
        return self._cache.get(what) if hit else None

    def _store(self, theta, **values):
        key = np.asarray(theta, dtype=float).tobytes()
        if self._cache.get("key") != key:
            self._cache = {"key": key}
        self._cache.update(values)

    def _value(self, theta):
        f = self._cached(theta, "f")
        if f is None:
            (f,) = self._round_trip("value", theta)
            self._store(theta, f=f)
        return f

    def _value_grad(self, theta):
        g = self._cached(theta, "g")
        if g is None:
            if self._hessian_wanted:  # the last point needed a Hessian: the next will too
                self._hessian(theta)
                return self._cache["f"], self._cache["g"]
            f, g = self._round_trip("value_grad", theta)
            self._store(theta, f=f, g=g)
        return self._cache["f"], g

    def _hessian(self, theta):
        self._hessian_wanted = True
        H = self._cached(theta, "H")
        if H is None:
            f, g, H = self._round_trip("hessian", theta)
            self._store(theta, f=f, g=g, H=H)
        return H

    def _hvp(self, theta, v):
        return self.hvp_block(theta, np.asarray(v, dtype=float).reshape(-1, 1))[:, 0]

    # -- the oracle's extra products -------------------------------------------
    def hvp_block(self, theta, V):
        """``H(θ) @ V`` for a block ``V`` of shape ``(n, k)``, in one round trip."""
        theta = self._theta(theta)
        V = np.asarray(V, dtype=float)
        if V.ndim != 2 or V.shape[0] != theta.size:
            raise ValueError(f"V must have shape ({theta.size}, k), got {V.shape}")
        (HV,) = self._round_trip("hvp", theta, np.ascontiguousarray(V))
        return HV

    def gauss_newton(self, theta):
        """``(½‖r‖², JᵀJ, Jᵀr)`` of a sum of squares, in one round trip
        (the number of residuals is kept in :attr:`residual_count`)."""
        self._need_residuals("gauss_newton")
        cached = self._cached(theta, "gauss")
        if cached is None:
            cost, JTJ, JTr, m = self._round_trip("gauss", theta)
            self.residual_count = int(m)
            cached = (cost, JTJ, JTr)
            self._store(theta, gauss=cached, f=cost, g=JTr)
        return cached

    def gn_product(self, theta, V):
        """``JᵀJ V`` (the Gauss-Newton matrix times a block ``V``), in one round trip."""
        self._need_residuals("gn_product")
        theta = self._theta(theta)
        V = np.asarray(V, dtype=float)
        (out,) = self._round_trip("gn_product", theta, V)
        return out

    def scores(self, theta):
        """``(B, count)``: ``B = Σ sᵢsᵢᵀ`` over rows when ``fn`` returns one
        value (or residual) per row, else over chunks (``sᵢ`` a chunk's
        gradient): the middle of a sandwich covariance."""
        B, count = self._round_trip("scores", theta)
        return B, int(count)

    def _need_residuals(self, what):
        if not self.residuals:
            raise ValueError(f"{what} needs a sum of squares: FiniteSum(..., residuals=True)")

    def __repr__(self):
        where = "Dask" if self.distributed else "memory"
        kind = "sum of squares" if self.residuals else "sum"
        return f"FiniteSum({kind} over {where} data, round_trips={self.round_trips})"
