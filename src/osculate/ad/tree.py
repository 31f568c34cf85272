"""Minimal pytrees: nested tuples, lists and dicts of arrays.

Transforms accept and return such containers; leaves are everything else.
``None`` is an empty container (it has no leaves).
"""

from __future__ import annotations

__all__ = ["tree_flatten", "tree_unflatten", "tree_map", "tree_leaves", "describe"]


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
    if type(tree) is tuple and not any(t is None or isinstance(t, _CONTAINERS) for t in tree):
        return list(tree), _flat_tuple(len(tree))  # the common case: a tuple of leaves
    leaves: list = []
    return leaves, _flatten(tree, leaves)


_CONTAINERS = (tuple, list, dict)
_FLAT_TUPLES: dict = {}


def _flat_tuple(n):
    node = _FLAT_TUPLES.get(n)
    if node is None:
        node = _FLAT_TUPLES[n] = _Node("tuple", n, (_LEAF,) * n)
    return node


def _flatten(tree, leaves):
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
