"""``ravel_pytree``: a pytree of arrays as one flat vector and back.

It lives above the traced NumPy namespace (it concatenates, slices and
reshapes values that may be tracers), so it is not part of the core
``tree`` module.
"""

from __future__ import annotations

import numpy as np

from . import numpy as onp
from .tree import tree_flatten, tree_unflatten

__all__ = ["ravel_pytree"]


def _dtype(leaf):
    dt = getattr(leaf, "dtype", None)
    return np.dtype(dt) if dt is not None else np.asarray(leaf).dtype


def ravel_pytree(tree):
    """Return ``(flat, unravel)``: the raveled leaves of ``tree`` concatenated
    into one 1-D vector, and a function that rebuilds the tree from such a
    vector with the original structure, shapes and dtypes.

    The vector has the leaves' dtype if they all share one, else float64
    (complex128 if a leaf is complex).  Leaves may be tracers, and
    ``unravel`` accepts traced vectors, so ``grad(lambda v: f(unravel(v)))``
    differentiates ``f`` of a tree through a flat vector.

    >>> import numpy as np, osculate as osc
    >>> flat, unravel = osc.ravel_pytree({"w": np.ones((2, 2)), "b": np.array([5.0])})
    >>> flat
    array([5., 1., 1., 1., 1.])
    >>> unravel(np.arange(5.0))
    {'b': array([0.]), 'w': array([[1., 2.],
           [3., 4.]])}
    """
    leaves, treedef = tree_flatten(tree)
    shapes = tuple(tuple(np.shape(leaf)) for leaf in leaves)
    dtypes = tuple(_dtype(leaf) for leaf in leaves)
    sizes = tuple(int(np.prod(s, dtype=np.int64)) for s in shapes)
    if not dtypes:
        dtype = np.dtype(np.float64)
    elif all(d == dtypes[0] for d in dtypes):
        dtype = dtypes[0]
    else:
        dtype = np.result_type(np.float64, *dtypes)
    if leaves:
        flat = onp.concatenate([onp.ravel(onp.asarray(leaf)).astype(dtype, copy=False) for leaf in leaves])
    else:
        flat = np.zeros(0, dtype)
    total = sum(sizes)

    def unravel(vector):
        """Rebuild the tree from a vector like ``flat``."""
        shape = tuple(np.shape(vector))
        if shape != (total,):
            raise ValueError(
                f"unravel: expected a vector of shape ({total},) (the size of the raveled tree), got shape {shape}"
            )
        parts = []
        start = 0
        for shp, size, dt in zip(shapes, sizes, dtypes):
            piece = onp.reshape(vector[start:start + size], shp)
            if _dtype(piece) != dt:
                piece = piece.astype(dt)
            parts.append(piece)
            start += size
        return tree_unflatten(treedef, parts)

    return flat, unravel
