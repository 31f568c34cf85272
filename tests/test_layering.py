"""The package imports one way.

Every module of ``src/osculate`` is parsed with ``ast`` (nothing is
imported) and its imports of other osculate modules are collected.  Three
rules hold:

1. **Layers.**  Each module belongs to one layer of :data:`LAYERS` (lowest
   first, by module-name prefix; the longest matching prefix wins) and
   imports only modules of its own layer or of lower ones.
2. **No cycles** between modules (top-level and in-function imports alike).
3. **Imports at module top.**  An osculate import inside a function or class
   body is allowed only where :data:`ALLOWED` names the edge and the reason.

``from package import name`` counts as an import of ``package.name`` when
that is a module, else of ``package``; parent packages, which Python
initialises implicitly, are not counted.  Optional third-party dependencies
(matplotlib, sympy, tqdm...) are not policed: only osculate's own modules
are.  A new module must be given a layer here.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

SRC = pathlib.Path(__file__).resolve().parents[1] / "src"

#: The layers, lowest first: (name, module-name prefixes).
LAYERS = [
    # the kernel: primitives, traces and tracers, pytrees, shared checks; modules that import nothing of osculate
    ("core", ["osculate.ad.core", "osculate.ad.tree", "osculate.ad.util", "osculate.allocator", "osculate.formatting"]),
    # the traces, each with the generic rules its families use (elementwise batching, series
    # recurrences, index-set algebra), and the thin transformations that wrap them (jvp, vjp, vmap)
    ("traces", ["osculate.ad.forward", "osculate.ad.reverse", "osculate.ad.batching", "osculate.ad.series",
                "osculate.ad.taylor_trace", "osculate.ad.sparsity"]),
    # one block per primitive with all its rules
    ("primitives", ["osculate.ad.prims"]),
    # the traced NumPy/SciPy namespaces, their public names, and the routing of NumPy calls on tracers to it
    ("namespace", ["osculate.ad.numpy", "osculate.ad.numpy_dispatch", "osculate.numpy", "osculate.ad.scipy",
                   "osculate.scipy"]),
    # the transformations: staging, derivatives, Taylor mode for users, user rules, remat, the registry table
    # (scipy.optimize's solvers are implicit functions, built on osculate.ad.implicit)
    ("transforms", ["osculate.ad", "osculate.ad.scipy.optimize", "osculate.scipy.optimize"]),
    # what is built on the transformations
    ("sparse, linop, testing", ["osculate.sparse", "osculate.linop", "osculate.testing"]),
    ("analysis", ["osculate.analysis"]),
    ("optim", ["osculate.optim"]),
    # finite sums over partitioned data (in memory or on Dask) and the fits built on them
    ("scale", ["osculate.scale", "osculate.stats"]),
    # curvature for machine learning: layers found in the trace, K-FAC, Shampoo, optimisers, training
    ("ml", ["osculate.ml"]),
    ("cli", ["osculate.cli", "osculate.expression", "osculate.expression_functions"]),
    # the package root re-exports the public API
    ("root", ["osculate", "osculate.__main__"]),
]

#: Imports that break rule 1 or 3, as ``(importer, imported): reason``.  Each
#: entry must still occur (a stale entry fails), and none may close a cycle.
ALLOWED = {
    ("osculate.scipy", "osculate.scipy.optimize"):
        "the public SciPy namespace lists optimize, whose solvers are implicit functions (transforms layer)",
}


# --------------------------------------------------------------------------- reading the imports


def _modules():
    """``{module name: path}`` for every module of the package."""
    out = {}
    for path in sorted((SRC / "osculate").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _is_package(name):
    return MODULES[name].name == "__init__.py"


def _resolve(importer, node):
    """The osculate modules an import statement imports."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "osculate"]
    if node.level:
        package = importer if _is_package(importer) else importer.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module or ""
    if base.split(".")[0] != "osculate":
        return []
    targets = []
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        targets.append(sub if sub in MODULES else base)
    return targets


def _type_checking(node):
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(name):
    """``[(imported, nested)]``: every osculate import of module ``name``;
    ``nested`` is True for one inside a function or class body."""
    tree = ast.parse(MODULES[name].read_text(), str(MODULES[name]))
    found = []

    def visit(node, nested):
        for child in ast.iter_child_nodes(node):
            if _type_checking(child):
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found.extend((target, nested) for target in _resolve(name, child))
            inner = nested or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))
            visit(child, inner)

    visit(tree, False)
    return found


EDGES = {name: _imports(name) for name in MODULES}


def layer_of(name):
    best = None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if name == prefix or name.startswith(prefix + "."):
                if best is None or len(prefix) > len(best[1]):
                    best = (index, prefix)
    return None if best is None else best[0]


def _layer_name(name):
    return LAYERS[layer_of(name)][0]


# --------------------------------------------------------------------------- the rules


def test_every_module_has_a_layer():
    missing = [name for name in MODULES if layer_of(name) is None]
    assert not missing, f"modules without a layer (add them to LAYERS): {missing}"


def test_no_import_from_a_higher_layer():
    upward = []
    for importer, edges in EDGES.items():
        for imported, _ in edges:
            if layer_of(imported) > layer_of(importer) and (importer, imported) not in ALLOWED:
                upward.append(f"{importer} ({_layer_name(importer)}) imports {imported} ({_layer_name(imported)})")
    assert not upward, "imports from a higher layer:\n  " + "\n  ".join(sorted(set(upward)))


def test_imports_are_at_module_top():
    nested = sorted({
        f"{importer} imports {imported} inside a function"
        for importer, edges in EDGES.items()
        for imported, inside in edges
        if inside and (importer, imported) not in ALLOWED
    })
    assert not nested, "imports inside functions (import at the top, or name the reason in ALLOWED):\n  " + \
        "\n  ".join(nested)


def test_no_import_cycles():
    graph = {name: sorted({imported for imported, _ in edges if imported != name}) for name, edges in EDGES.items()}
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def strongly_connected(v):  # Tarjan
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                strongly_connected(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            strongly_connected(v)
    assert not cycles, f"import cycles: {cycles}"


def test_every_allowed_import_still_occurs():
    # an entry is needed only by an import that is upward or inside a function
    needed = {
        (importer, imported)
        for importer, edges in EDGES.items()
        for imported, inside in edges
        if inside or layer_of(imported) > layer_of(importer)
    }
    stale = sorted(edge for edge in ALLOWED if edge not in needed)
    assert not stale, f"ALLOWED entries that no longer occur (remove them): {stale}"


@pytest.mark.parametrize("name, expected", [
    ("osculate.ad.core", "core"), ("osculate.ad.taylor_trace", "traces"), ("osculate.ad.taylor", "transforms"),
    ("osculate.ad.prims.unary", "primitives"), ("osculate.ad.numpy.linalg", "namespace"),
    ("osculate.ad.numpy_dispatch", "namespace"), ("osculate.sparse.coloring.graph", "sparse, linop, testing"),
    ("osculate", "root"),
])
def test_layer_map_examples(name, expected):
    assert _layer_name(name) == expected
