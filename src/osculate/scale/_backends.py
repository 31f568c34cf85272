"""Where the chunks of a finite sum live and how one round trip runs.

* :class:`Memory` -- NumPy chunks in this process, summed in a loop;
* :class:`Cluster` -- Dask partitions persisted on the workers of a
  ``dask.distributed`` client; a round trip is one graph (one task per
  partition, then a tree of additions) computed on the cluster.

Both add the same chunks in the same tree (:func:`tree_sum`), so their
results agree to the last bit.  Dask is imported only when Dask data or a
scheduler is given: without it installed, everything runs in memory.
"""
from __future__ import annotations

import math

import numpy as np

from ..ad.tree import tree_flatten
from ._kernel import common_rows, prepare_chunk, sum_group, tree_sum

__all__ = ["Memory", "Cluster", "is_dask", "is_dask_dataframe", "split_rows", "DEFAULT_CHUNK_ROWS"]

#: rows per chunk when in-memory data is split (its last chunk may be shorter)
DEFAULT_CHUNK_ROWS = 65536


def _module_of(obj):
    return type(obj).__module__.split(".")[0]


def is_dask(obj):
    """True for a Dask collection (array, dataframe), without importing Dask."""
    return _module_of(obj) == "dask" and hasattr(obj, "__dask_graph__")


def is_dask_dataframe(obj):
    return is_dask(obj) and hasattr(obj, "columns") and hasattr(obj, "npartitions")


def split_rows(leaves, chunk_rows):
    """In-memory leaves (same number of rows) as a list of chunks of ``chunk_rows`` rows."""
    arrs = [np.asarray(a) for a in leaves]
    m = common_rows(arrs)
    if m == 0:
        raise ValueError("the data has no rows")
    k = max(1, math.ceil(m / chunk_rows))
    return [tuple(a[i * chunk_rows:(i + 1) * chunk_rows] for a in arrs) for i in range(k)]


def check_columns(chunks):
    """Every partition's leaves must have the first partition's trailing shapes."""
    ref = None
    for index, leaves in chunks:
        if leaves is None:
            continue
        shapes = [a.shape[1:] for a in leaves]
        if ref is None:
            ref = (index, shapes)
        elif shapes != ref[1]:
            raise ValueError(f"partition {index} has leaves of trailing shapes {shapes}, partition {ref[0]} "
                             f"{ref[1]}: every partition needs the same columns")


class Memory:
    """Chunks held in this process."""

    distributed = False

    def __init__(self, partitions, nan_policy, empty):
        self.chunks = [prepare_chunk(i, leaves, nan_policy, empty) for i, leaves in enumerate(partitions)]
        check_columns(self.chunks)
        self.rows = sum(0 if c is None else c[0].shape[0] for _, c in self.chunks)
        self.npartitions = len(self.chunks)

    def map_reduce(self, kernel, op, theta, extra=None):
        return tree_sum(kernel(op, theta, extra, c) for c in self.chunks)

    def close(self):
        pass


def _describe(chunk):
    index, leaves = chunk
    if leaves is None:
        return index, 0, None
    return index, leaves[0].shape[0], [a.shape[1:] for a in leaves]


def _frame_leaves(frame, columns):
    return tuple(frame[c].to_numpy() for c in columns)


class Cluster:
    """Partitions persisted on the workers of a ``dask.distributed`` client.

    ``data_leaves`` are Dask arrays split along their first axis (rechunked
    to the first leaf's row chunks and to one chunk along the other axes), a
    Dask dataframe (``columns`` names its columns, each a leaf), or in-memory
    partitions to be shipped (embedded in the graph, so that a lost
    partition can be recomputed).
    """

    distributed = True

    def __init__(self, client, data_leaves, nan_policy, empty, columns=None, partitions=None, timeout=None):
        import dask

        self.client = client
        self.timeout = timeout
        self._delayed = dask.delayed
        if partitions is not None:  # in-memory chunks shipped to the cluster
            parts = [dask.delayed(prepare_chunk, pure=True)(i, leaves, nan_policy, empty)
                     for i, leaves in enumerate(partitions)]
        elif columns is not None:  # a Dask dataframe
            frames = data_leaves[0].to_delayed()
            parts = [dask.delayed(prepare_chunk, pure=True)(
                i, dask.delayed(_frame_leaves, pure=True)(fr, list(columns)), nan_policy, empty)
                for i, fr in enumerate(frames)]
        else:
            parts = self._array_partitions(data_leaves, nan_policy, empty)
        self.parts = client.persist(parts)
        described = client.compute(dask.delayed(list)([dask.delayed(_describe, pure=True)(p)
                                                       for p in self.parts])).result(timeout=timeout)
        check_columns([(i, [np.empty((0,) + s) for s in shapes] if shapes is not None else None)
                       for i, _, shapes in described])
        self.rows = sum(r for _, r, _ in described)
        self.npartitions = len(self.parts)

    def _array_partitions(self, leaves, nan_policy, empty):
        import dask

        leaves = [a.compute_chunk_sizes() if a.ndim and any(np.isnan(c) for c in a.chunks[0]) else a
                  for a in leaves]
        common_rows(leaves)
        row_chunks = leaves[0].chunks[0]
        blocks = []
        for a in leaves:
            a = a.rechunk((row_chunks,) + tuple(-1 for _ in a.shape[1:]))
            blocks.append(a.to_delayed().reshape(-1))
        return [dask.delayed(prepare_chunk, pure=True)(i, tuple(b[i] for b in blocks), nan_policy, empty)
                for i in range(len(row_chunks))]

    def map_reduce(self, kernel, op, theta, extra=None):
        task = self._delayed(kernel, pure=False)
        parts = [task(op, theta, extra, p) for p in self.parts]
        total = tree_sum(parts, group=self._delayed(sum_group, pure=False))
        return self.client.compute(total).result(timeout=self.timeout)

    def close(self):
        self.parts = []


def data_leaves(data):
    """``(leaves, treedef, columns)`` of the data: a dataframe (pandas in memory, or Dask, whose
    ``columns`` are returned) reaches ``fn`` as a dict of its columns."""
    if is_dask_dataframe(data):
        # the leaves of a dict come in the order of tree_flatten (sorted keys)
        columns, treedef = tree_flatten({c: c for c in data.columns})
        return [data], treedef, columns
    if _module_of(data) == "pandas" and hasattr(data, "columns"):  # in memory: the same dict of columns
        columns, treedef = tree_flatten({c: c for c in data.columns})
        return [data[c].to_numpy() for c in columns], treedef, None
    leaves, treedef = tree_flatten(data)
    if not leaves:
        raise ValueError("the data has no arrays")
    return leaves, treedef, None
