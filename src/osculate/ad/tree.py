"""Pytrees: nested containers of arrays.

Transforms accept and return containers built of tuples, lists, dicts,
namedtuples (rebuilt with their own type), dataclass instances (flattened by
their fields in order, rebuilt with the same class) and user types registered
with :func:`register_pytree_node` or :func:`register_pytree_node_class`;
leaves are everything else.  ``None`` is an empty container (it has no
leaves).  Tree structures are hashable and comparable: they key the caches of
``osculate.jit``.
"""

from __future__ import annotations

import dataclasses

__all__ = [
    "tree_flatten", "tree_unflatten", "tree_map", "tree_leaves", "describe",
    "register_pytree_node", "register_pytree_node_class",
]

#: ``{class: (flatten, unflatten)}`` for user types (looked up by exact type).
_REGISTRY: dict = {}


def register_pytree_node(cls, flatten, unflatten):
    """Make instances of ``cls`` containers that transforms look through.

    ``flatten(obj)`` returns ``(children, aux_data)``: the children are
    subtrees, ``aux_data`` is the static rest, which must be hashable (tree
    structures key the caches of ``osculate.jit``).  ``unflatten(aux_data,
    children)`` rebuilds an instance.  Subclasses are not covered: register
    each class.  Returns ``cls``.

    >>> import numpy as np, osculate as osc
    >>> class Box:
    ...     def __init__(self, value, label):
    ...         self.value, self.label = value, label
    >>> _ = osc.register_pytree_node(
    ...     Box, lambda b: ((b.value,), b.label), lambda label, ch: Box(ch[0], label))
    >>> g = osc.grad(lambda b: np.sum(b.value ** 2))(Box(np.array([1.0, 2.0]), "w"))
    >>> g.value, g.label
    (array([2., 4.]), 'w')
    """
    if not isinstance(cls, type):
        raise TypeError(f"register_pytree_node: expected a class, got {describe(cls)}")
    if not (callable(flatten) and callable(unflatten)):
        raise TypeError("register_pytree_node: flatten and unflatten must be callables")
    if cls in _REGISTRY or cls in (tuple, list, dict, type(None)):
        raise ValueError(f"register_pytree_node: {cls.__qualname__} is already a pytree node type")
    _REGISTRY[cls] = (flatten, unflatten)
    return cls


def register_pytree_node_class(cls):
    """Class decorator: register ``cls`` by its ``tree_flatten(self)`` method,
    which returns ``(children, aux_data)``, and its classmethod
    ``tree_unflatten(cls, aux_data, children)``.

    >>> import numpy as np, osculate as osc
    >>> @osc.register_pytree_node_class
    ... class Scaled:
    ...     def __init__(self, x, scale):
    ...         self.x, self.scale = x, scale
    ...     def tree_flatten(self):
    ...         return (self.x,), self.scale
    ...     @classmethod
    ...     def tree_unflatten(cls, scale, children):
    ...         return cls(children[0], scale)
    >>> osc.grad(lambda s: s.scale * np.sum(s.x ** 2))(Scaled(np.array([1.0, 3.0]), 2.0)).x
    array([ 4., 12.])
    """
    return register_pytree_node(cls, lambda obj: obj.tree_flatten(), cls.tree_unflatten)


class _Node:
    __slots__ = ("kind", "meta", "children")

    def __init__(self, kind, meta, children):
        self.kind = kind
        self.meta = meta
        self.children = children

    def __eq__(self, other):
        return (
            isinstance(other, _Node)
            and self.kind == other.kind
            and self.meta == other.meta
            and self.children == other.children
        )

    def __hash__(self):  # tree structures key the caches of osculate.jit
        return hash((self.kind, self.meta, self.children))

    def __repr__(self):
        return f"TreeDef({self.kind}, {self.meta}, {self.children})"


_LEAF = _Node("leaf", None, ())


def tree_flatten(tree):
    """Return ``(leaves, treedef)``.

    >>> leaves, td = tree_flatten({"b": 2.0, "a": (1.0, [3.0])})
    >>> leaves
    [1.0, 3.0, 2.0]
    >>> tree_unflatten(td, [10, 30, 20])
    {'a': (10, [30]), 'b': 20}
    """
    if type(tree) is tuple and not any(_is_node(t) for t in tree):
        return list(tree), _flat_tuple(len(tree))  # the common case: a tuple of leaves
    leaves: list = []
    return leaves, _flatten(tree, leaves)


_CONTAINERS = (tuple, list, dict)


def _is_node(t):
    """Whether ``t`` is a container (not a leaf)."""
    return (t is None or isinstance(t, _CONTAINERS) or type(t) in _REGISTRY
            or hasattr(type(t), "__dataclass_fields__"))


def _static_fields(cls):
    return tuple(f.name for f in dataclasses.fields(cls))
_FLAT_TUPLES: dict = {}


def _flat_tuple(n):
    node = _FLAT_TUPLES.get(n)
    if node is None:
        node = _FLAT_TUPLES[n] = _Node("tuple", n, (_LEAF,) * n)
    return node


def _flatten(tree, leaves):
    cls = type(tree)
    entry = _REGISTRY.get(cls)
    if entry is not None:
        children, aux = entry[0](tree)
        children = tuple(children)
        try:
            hash(aux)
        except TypeError:
            raise TypeError(
                f"pytree: the aux data of a {cls.__qualname__} ({type(aux).__name__}: {aux!r:.80}) is not hashable; "
                "tree structures key the caches of osculate.jit, so the flatten function registered for "
                f"{cls.__qualname__} must return hashable aux data (a tuple rather than a list, no arrays)"
            ) from None
        return _Node("custom", (cls, aux), tuple(_flatten(t, leaves) for t in children))
    if hasattr(cls, "__dataclass_fields__") and dataclasses.is_dataclass(tree):
        names = _static_fields(cls)
        return _Node("dataclass", (cls, names), tuple(_flatten(getattr(tree, n), leaves) for n in names))
    if isinstance(tree, tuple):
        if hasattr(tree, "_fields"):  # a namedtuple keeps its type
            return _Node("namedtuple", type(tree), tuple(_flatten(t, leaves) for t in tree))
        return _Node("tuple", len(tree), tuple(_flatten(t, leaves) for t in tree))
    if isinstance(tree, list):
        return _Node("list", len(tree), tuple(_flatten(t, leaves) for t in tree))
    if isinstance(tree, dict):
        keys = tuple(sorted(tree))
        return _Node("dict", keys, tuple(_flatten(tree[k], leaves) for k in keys))
    if tree is None:
        return _Node("none", None, ())
    leaves.append(tree)
    return _LEAF


def tree_unflatten(treedef, leaves):
    it = iter(leaves)
    out = _unflatten(treedef, it)
    return out


def _unflatten(node, it):
    if node.kind == "leaf":
        return next(it)
    if node.kind == "none":
        return None
    children = [_unflatten(c, it) for c in node.children]
    if node.kind == "tuple":
        return tuple(children)
    if node.kind == "namedtuple":
        return node.meta(*children)
    if node.kind == "list":
        return children
    if node.kind == "custom":
        cls, aux = node.meta
        return _REGISTRY[cls][1](aux, children)
    if node.kind == "dataclass":
        cls, names = node.meta
        obj = object.__new__(cls)  # no __init__ / __post_init__: the fields may hold tracers
        for name, value in zip(names, children):
            object.__setattr__(obj, name, value)  # also for frozen dataclasses
        return obj
    return dict(zip(node.meta, children))


def tree_leaves(tree):
    return tree_flatten(tree)[0]


def tree_map(fn, tree, *rest):
    leaves, td = tree_flatten(tree)
    others = [tree_flatten(r)[0] for r in rest]
    return tree_unflatten(td, [fn(*xs) for xs in zip(leaves, *others)])


def describe(tree):
    """A short description of a value for error messages: ``None``, ``a tuple
    of length 1``, ``a dict with keys ['a', 'b']``, ``an array of shape (2,)``.

    >>> describe((1.0,)), describe({"b": 1, "a": 2}), describe(None)
    ('a tuple of length 1', "a dict with keys ['a', 'b']", 'None')
    """
    if tree is None:
        return "None"
    if isinstance(tree, dict):
        return f"a dict with keys {sorted(map(str, tree))}"
    if isinstance(tree, (tuple, list)):
        return f"a {type(tree).__name__} of length {len(tree)}"
    shape = getattr(tree, "shape", None)
    if shape is not None:
        return f"an array of shape {tuple(shape)}"
    return f"a {type(tree).__name__}"
