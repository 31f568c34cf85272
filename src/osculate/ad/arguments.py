"""The differentiated arguments of a transform: ``argnums``, pytrees, one flat vector.

Every transform that takes ``argnums`` reads it with :func:`argnums_tuple`;
the dense derivatives (``jacfwd``, ``jacrev``, ``hessian``) and the
evaluations rebuild ``f`` as a function of the differentiated arguments
alone with :func:`substitute` (the others pass through untouched).  The evaluations
that take the point directly (``hvp(f, x, v)``, ``linearize(f, x)``,
``hessian_diagonal(f, x)``, ``sparse_hessian(f, x0)``...) go one step
further with :class:`FlatPoint`: the differentiated arguments raveled into
one vector by :func:`~osculate.ravel_pytree`, ``f`` as a function of that
vector, and the ways back (a direction of the arguments' structure to a
vector, a vector result to that structure).
"""

from __future__ import annotations

import numpy as np

from .ravel import ravel_pytree
from .tree import describe, tree_flatten

__all__ = [
    "argnums_tuple", "check_argnums", "substitute", "select", "is_one_array", "split_aux", "FlatPoint", "LEAF_DEF",
]

#: The structure of a single leaf (an array, a number).
LEAF_DEF = tree_flatten(0.0)[1]


def argnums_tuple(argnums):
    """``argnums`` as a tuple of ints, or a ``TypeError`` that says what it must be."""
    nums = (argnums,) if isinstance(argnums, (int, np.integer)) else argnums
    if not isinstance(nums, (tuple, list)) or not nums or not all(
            isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in nums):
        raise TypeError(f"argnums must be an int or a non-empty tuple of ints, got {argnums!r}")
    return tuple(int(i) for i in nums)


def check_argnums(argnums, nums, n_args):
    """A ``TypeError`` unless every index of ``nums`` picks one of ``n_args`` arguments."""
    for i in nums:
        if not -n_args <= i < n_args:
            raise TypeError(f"argnums={argnums} but f was called with {n_args} positional argument(s)")


def substitute(f, args, argnums):
    """``(diff, call)``: the arguments ``argnums`` picks from ``args`` (one
    tree for an int, a tuple of trees for a tuple), and ``call(d)``, ``f``
    applied to ``args`` with those arguments replaced by ``d``."""
    nums = argnums_tuple(argnums)
    check_argnums(argnums, nums, len(args))
    single = isinstance(argnums, int)  # (a NumPy integer reads as a tuple of one, as it always has)
    diff = args[nums[0]] if single else tuple(args[i] for i in nums)

    def call(d):
        full = list(args)
        for i, value in zip(nums, (d,) if single else d):
            full[i] = value
        return f(*full)

    return diff, call


def select(f, x, argnums, name):
    """``(point, g)`` for an evaluation at ``x`` (``hvp(f, x, v)``,
    ``taylor(f, x, series)``...): ``(x, f)`` itself for ``argnums=None``;
    otherwise ``x`` is the tuple of all positional arguments of ``f``, and the
    point and ``g`` are those of :func:`substitute`."""
    if argnums is None:
        return x, f
    if not isinstance(x, tuple):
        raise TypeError(
            f"{name}(..., argnums={argnums!r}) takes the point as the tuple of all positional arguments "
            f"of f, got {describe(x)}; e.g. {name}(f, (w, data), ..., argnums=0)"
        )
    return substitute(f, x, argnums)


def split_aux(out, has_aux):
    """``(output, aux)`` of what ``f`` returned: with ``has_aux``, after
    checking it is that pair; without, ``(out, None)``."""
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise TypeError("has_aux=True needs f to return a pair (output, aux)")
    return out


def is_one_array(x):
    """Whether ``x`` is read as one array: a leaf, or a list (the transforms'
    single-array path, which has always taken a list of numbers)."""
    return isinstance(x, list) or tree_flatten(x)[1] == LEAF_DEF


class FlatPoint:
    """A point of ``f`` as one flat vector.

    ``FlatPoint(f, x, argnums, name)``: with ``argnums=None`` the point is
    ``x`` (an array or a pytree); otherwise ``x`` is the tuple of all
    positional arguments of ``f`` and the point is the one ``argnums``
    picks.  ``tree`` is that point, ``x`` its raveled vector and ``f`` the
    function of that vector.  ``plain`` marks the old single-array call
    (``argnums=None`` and ``x`` one array or list): then ``x`` and ``f`` are
    the given ones, unchanged, and :meth:`vector` and :meth:`tree_of` pass
    their values through.
    """

    def __init__(self, f, x, argnums, name):
        self.name = name
        self.tree, g = select(f, x, argnums, name)
        self.plain = argnums is None and is_one_array(x)
        if self.plain:
            self.x, self.f, self._unravel = x, f, None
            return
        self.x, self._unravel = ravel_pytree(self.tree)
        self._leaves, self._def = tree_flatten(self.tree)
        unravel = self._unravel
        self.f = lambda v: g(unravel(v))

    def _check_structure(self, v, what, batch=()):
        """The leaves of ``v`` after checking it has the point's structure and
        shapes (each with the leading axes ``batch``)."""
        leaves, treedef = tree_flatten(v)
        if treedef != self._def:
            want, got = describe(self.tree), describe(v)
            if want == got:  # the difference is further down
                want, got = f"{want} ({self._def})", f"{got} ({treedef})"
            raise ValueError(
                f"{self.name}: {what} must have the structure of the differentiated argument(s), {want}, got {got}"
            )
        for i, (leaf, p) in enumerate(zip(leaves, self._leaves)):
            if tuple(np.shape(leaf)) != tuple(batch) + tuple(np.shape(p)):
                raise ValueError(
                    f"{self.name}: leaf #{i} of {what} has shape {tuple(np.shape(leaf))}, but the matching "
                    f"leaf of the point has shape {tuple(np.shape(p))}" + (" after the batch axis" if batch else "")
                )
        return leaves

    def vector(self, v, what):
        """``v``, a tree of the point's structure, as one vector like ``x``."""
        if self.plain:
            return v
        self._check_structure(v, what)
        return ravel_pytree(v)[0]

    def vectors(self, V, what):
        """``V``, a tree of the point's structure whose leaves have one more
        leading axis of length ``k``, as a ``k × n`` array of vectors."""
        if self.plain:
            return V
        leaves = tree_flatten(V)[0]
        k = np.shape(leaves[0])[0] if leaves and np.ndim(leaves[0]) else 0
        leaves = self._check_structure(V, what, (k,))
        if not leaves:
            return np.zeros((k, 0))
        return np.concatenate([np.reshape(np.asarray(leaf), (k, -1)) for leaf in leaves], axis=1)

    def tree_of(self, vector):
        """A vector like ``x`` (a gradient, a diagonal, a product) back in the point's structure."""
        return vector if self.plain else self._unravel(vector)
