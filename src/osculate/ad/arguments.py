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
vector, a vector result to that structure).  The solvers and curvature
tools (``minimize``, ``least_squares``, ``curvature``,
``hessian_operator``) use the same class with ``solver=True``, their
reading of a point (:func:`is_array_point`; float64, no complex leaves).
"""

from __future__ import annotations

import numpy as np

from .core import Tracer
from .ravel import ravel_pytree
from .tree import describe, tree_flatten, tree_map

__all__ = [
    "argnums_tuple", "check_argnums", "substitute", "select", "is_one_array", "is_array_point", "split_aux", "FlatPoint",
    "LEAF_DEF",
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
    """Whether ``x`` is read as one array by the transforms: a leaf, or a list
    (the transforms' single-array path, which has always taken a list of numbers)."""
    return type(x) is np.ndarray or isinstance(x, list) or tree_flatten(x)[1] == LEAF_DEF


def is_array_point(x):
    """Whether ``x`` is read as one array by the solvers (``minimize``,
    ``least_squares``, ``curvature``, ``hessian_operator``): an ``ndarray``, a
    number, a tracer, or a (nested) plain list or tuple of numbers -- the calls
    that existed before pytrees.  Anything else (a dict, a namedtuple, a
    dataclass, a registered class, a list or tuple holding arrays) is a pytree
    point.

    >>> is_array_point([1.0, 2.0]), is_array_point((1.0, 2.0)), is_array_point({"w": [1.0]})
    (True, True, False)
    >>> is_array_point((np.ones(2), 1.0))
    False
    """
    if type(x) in (list, tuple):
        return all(is_array_point(e) and type(e) in (list, tuple) or np.ndim(e) == 0 and
                   tree_flatten(e)[1] == LEAF_DEF for e in x)
    return tree_flatten(x)[1] == LEAF_DEF


def _real_float(tree, name, point):
    """``tree`` with its leaves as float64 arrays (tracers pass through), or a
    ``TypeError`` for a complex leaf."""
    for leaf in tree_flatten(tree)[0]:
        if not isinstance(leaf, Tracer) and np.iscomplexobj(leaf):
            raise TypeError(f"{_prefix(name)}{point} has a complex leaf; this works in real coordinates (write f of "
                            "the real and imaginary parts)")
    return tree_map(lambda leaf: leaf if isinstance(leaf, Tracer) else np.asarray(leaf, dtype=np.float64), tree)


def _prefix(name):
    return f"{name}: " if name else ""


class FlatPoint:
    """A point of ``f`` as one flat vector (``ravel_pytree`` order) and back:
    the one helper of the transforms and of the solvers.

    ``FlatPoint(f, x, argnums, name)``: with ``argnums=None`` the point is
    ``x`` (an array or a pytree); otherwise ``x`` is the tuple of all
    positional arguments of ``f`` and the point is the one ``argnums``
    picks.  ``tree`` is that point, ``x`` its raveled vector (``size``
    numbers), ``unravel`` the way back and ``f`` the function of that vector
    (``None`` for ``f=None``, a point without a function).  ``plain`` marks
    a point read as one array (only with ``argnums=None``): then ``x`` and
    ``f`` are the given ones, unchanged, ``unravel`` is ``None`` and
    :meth:`vector` and :meth:`tree_of` pass their values through.

    The two readings (``solver``):

    * the transforms' (``hvp``, ``linearize``, ``hessian_diagonal``...,
      default): one array is a leaf or a list (:func:`is_one_array`); the
      vector keeps the leaves' dtype; a direction must match the point's
      leaf shapes;
    * the solvers' (``solver=True``: ``minimize``, ``least_squares``,
      ``curvature``, ``hessian_operator``): one array is an array, a number
      or a plain list/tuple of numbers (:func:`is_array_point`); a pytree
      point is raveled to float64 (integer leaves give float results) and
      may not have complex leaves (they work in real coordinates); a value
      (a user's gradient...) must match the point's leaf sizes.

    ``name`` (the caller) and ``point`` (what the point is called) name them in errors.

    >>> p = FlatPoint(None, {"w": np.ones((2, 2)), "b": np.array([5])}, name="minimize", solver=True, point="x0")
    >>> p.x
    array([5., 1., 1., 1., 1.])
    >>> p.unravel(np.arange(5.0))["w"]
    array([[1., 2.],
           [3., 4.]])
    """

    def __init__(self, f, x, argnums=None, name=None, *, solver=False, point="the differentiated argument(s)"):
        self.name, self.point, self.solver = name, point, solver
        self.tree, g = select(f, x, argnums, name)
        self.plain = argnums is None and (is_array_point if solver else is_one_array)(x)
        if self.plain:
            self.x, self.f, self.unravel = x, f, None
            return
        self._leaves, self._def = tree_flatten(self.tree)
        flat, self.unravel = ravel_pytree(_real_float(self.tree, name, point) if solver else self.tree)
        self.x = np.array(flat, dtype=np.float64) if solver and not isinstance(flat, Tracer) else flat
        self.size = int(np.size(flat))
        self.f = None if f is None else self.function(g)

    def function(self, f):
        """``v -> f(unravel(v))`` (further arguments pass through)."""
        unravel = self.unravel
        return lambda v, *args: f(unravel(v), *args)

    def _check_structure(self, v, what, batch=()):
        """The leaves of ``v`` after checking it has the point's structure and
        leaf shapes (each with the leading axes ``batch``; sizes for the solvers)."""
        leaves, treedef = tree_flatten(v)
        if treedef != self._def:
            want, got = describe(self.tree), describe(v)
            if want == got:  # the difference is further down
                want, got = f"{want} ({self._def})", f"{got} ({treedef})"
            raise ValueError(f"{_prefix(self.name)}{what} must have the structure of {self.point}, {want}, got {got}")
        for i, (leaf, p) in enumerate(zip(leaves, self._leaves)):
            have, want = tuple(np.shape(leaf)), tuple(batch) + tuple(np.shape(p))
            if np.prod(have) != np.prod(want) if self.solver else have != want:
                raise ValueError(
                    f"{_prefix(self.name)}leaf #{i} of {what} has shape {have}, but the matching leaf of "
                    f"the point has shape {tuple(np.shape(p))}" + (" after the batch axis" if batch else "")
                )
        return leaves

    def vector(self, v, what="the value"):
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
        return vector if self.plain else self.unravel(vector)
