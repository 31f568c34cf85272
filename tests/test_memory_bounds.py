"""Memory bounds of the Hessian diagonal and of forward-over-forward products.

Two kinds of check:

* at ``n = 10⁵`` in a child interpreter whose address space is capped
  (``RLIMIT_AS``) at its own size after start-up plus 400 MB, where
  ``n² · 8`` bytes would be 80 GB: the colouring diagonal of chained
  Rosenbrock runs to the end and is compared with the analytic one; the
  paths whose time is ``n`` directional passes (``O(n²)`` work, minutes at
  this size) are stopped by ``f`` itself after a few batched passes.  Each
  pass allocates and drops the same blocks, so the peak of the first passes
  is the peak of the run; the code before this bound allocated the whole
  ``n × n`` basis before the first pass and fails at once;
* at moderate ``n`` in this process, the traced peak (``tracemalloc``)
  against ``chunk_size · n · 8`` bytes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import tracemalloc
from unittest import mock

import numpy as np
import pytest

import osculate as osc
from osculate import MissingRuleError, Primitive
from osculate.ad import transforms, util
from osculate.analysis.trace import HESSIAN_DIAGONAL_METHODS
from osculate.testing.sparse_problems import chained_rosenbrock as rosenbrock
from osculate.testing.sparse_problems import chained_rosenbrock_hessian_diagonal as rosenbrock_diagonal

BUDGET = 400 * 2**20
N_BIG = 10**5


def dense_coupling(x):
    """Every pair of variables coupled: the pattern is full."""
    return np.log(np.sum(np.exp(x))) + np.sum(x ** 4)


def assert_rel(actual, expected, rtol):
    err = float(np.max(np.abs(np.asarray(actual) - expected)))
    assert err <= rtol * float(np.max(np.abs(expected))), err


# --------------------------------------------------------------------------- n = 10⁵ under an address-space limit

_CHILD_PRELUDE = """
import json, os, resource, sys
import numpy as np
import osculate as osc
from osculate.ad import transforms
from osculate.testing.sparse_problems import chained_rosenbrock as rosenbrock
from osculate.testing.sparse_problems import chained_rosenbrock_hessian_diagonal as rosenbrock_diagonal

def dense_coupling(x):
    return np.log(np.sum(np.exp(x))) + np.sum(x ** 4)

class Enough(Exception):
    pass

def stopping(f, calls):
    # f, until it has been called `calls` times (one call per batched pass)
    count = [0]
    def g(x):
        count[0] += 1
        if count[0] > calls:
            raise Enough
        return f(x)
    g.count = count
    return g

# every code path once at a small size: modules loaded and caches built
# before the address space is measured
w = np.linspace(-1.0, 1.0, 40)
osc.hessian_diagonal(rosenbrock, w, chunk_size=4)
osc.hessian_diagonal(dense_coupling, w, chunk_size=4)
osc.hessian_diagonal(rosenbrock, w, chunk_size=4, method="dense-chunks")
osc.hvp(rosenbrock, w, w, mode="fwd-fwd")
osc.laplacian(rosenbrock, w, chunk_size=4)

def vm(key):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024

base = vm("VmSize")
resource.setrlimit(resource.RLIMIT_AS, (base + BUDGET, base + BUDGET))
x = np.random.default_rng(0).uniform(-1.0, 1.0, N)
result = {}
"""

_CHILD_EPILOGUE = """
result["peak_over_start"] = vm("VmPeak") - base
print(json.dumps(result))
"""


def _run_limited(body):
    code = "\n".join(
        [f"BUDGET = {BUDGET}\nN = {N_BIG}", textwrap.dedent(_CHILD_PRELUDE), textwrap.dedent(body), _CHILD_EPILOGUE]
    )
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        env[var] = "1"  # no thread pools (each reserves address space of its own)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["peak_over_start"] < BUDGET  # (the limit enforces it; the figure is reported)
    return result


linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc/self/status are Linux features"
)


@linux_only
def test_coloring_diagonal_at_1e5_within_the_budget():
    result = _run_limited(
        """
        def no_chunks(*args):
            raise AssertionError("auto must colour chained Rosenbrock, not run n directional passes")
        transforms._second_directional = no_chunks
        d = osc.hessian_diagonal(rosenbrock, x)
        want = rosenbrock_diagonal(x)
        result["rel_err"] = float(np.max(np.abs(d - want)) / np.max(np.abs(want)))
        """
    )
    assert result["rel_err"] < 1e-13


@linux_only
@pytest.mark.parametrize(
    "function, calls, statement",
    [
        pytest.param("rosenbrock", 3, 'osc.hessian_diagonal(f, x, method="dense-chunks")', id="dense-chunk diagonal"),
        # the full pattern has n² = 10¹⁰ pairs: detection stops at its budget
        # (first call of f), then the chunks run (later calls)
        pytest.param("dense_coupling", 4, "osc.hessian_diagonal(f, x)", id="auto gives up detecting a dense pattern"),
        pytest.param("rosenbrock", 3, 'osc.hvp(f, x, np.ones(N), mode="fwd-fwd")', id="forward-forward hvp"),
        pytest.param("rosenbrock", 3, "osc.laplacian(f, x)", id="taylor laplacian"),
    ],
)
def test_first_passes_at_1e5_within_the_budget(function, calls, statement):
    """``statement`` runs in the limited child with ``f`` the child's
    ``function`` stopped at its call number ``calls + 1``: every one of the
    first ``calls`` calls (batched passes) ran within the budget."""
    result = _run_limited(
        f"""
        f = stopping({function}, {calls})
        try:
            {statement}
        except Enough:
            result["calls"] = f.count[0] - 1
        """
    )
    assert result["calls"] == calls


# --------------------------------------------------------------------------- traced peaks at moderate n


def _traced_peak(fn):
    tracemalloc.start()
    try:
        out = fn()
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_default_chunk_holds_at_most_2_20_numbers():
    assert util.bounded_chunk(None, 10) == 10
    assert util.bounded_chunk(None, 1024) == 1024
    assert util.bounded_chunk(None, 1025) == 1023
    assert util.bounded_chunk(None, 10**5) == 10
    assert util.bounded_chunk(None, 10**6) == 1
    assert util.bounded_chunk(None, 10**7) == 1
    assert util.bounded_chunk(7, 10**7) == 7


def test_dense_chunk_diagonal_peak_is_a_few_chunks():
    n, k = 1500, 16
    x = np.random.default_rng(1).uniform(-1.0, 1.0, n)
    d, peak = _traced_peak(lambda: osc.hessian_diagonal(rosenbrock, x, chunk_size=k, method="dense-chunks"))
    assert_rel(d, rosenbrock_diagonal(x), 1e-13)
    # measured: about 12 chunks' worth (the live intermediates of f, each
    # with a primal and three tangent blocks); n² · 8 B would be 94 chunks'
    assert peak < 32 * k * n * 8


def test_coloring_diagonal_peak_is_linear_in_n():
    n = 20000
    x = np.random.default_rng(2).uniform(-1.0, 1.0, n)
    d, peak = _traced_peak(lambda: osc.hessian_diagonal(rosenbrock, x, method="coloring"))
    assert_rel(d, rosenbrock_diagonal(x), 1e-13)
    # measured: about 450 B per variable (detection's index sets)
    assert peak < 100 * n * 8


def test_forward_forward_hvp_peak_is_a_few_chunks():
    n = 2500
    k = util.bounded_chunk(None, n)
    x = np.random.default_rng(3).uniform(-1.0, 1.0, n)
    v = np.random.default_rng(4).standard_normal(n)
    hv, peak = _traced_peak(lambda: osc.hvp(rosenbrock, x, v, mode="fwd-fwd"))
    assert_rel(hv, osc.hvp(rosenbrock, x, v), 1e-12)
    assert k < n and peak < 24 * k * n * 8  # measured: about 9 chunks' worth


@pytest.mark.parametrize("symmetric", [False, True])
def test_forward_forward_hessian_peak_is_the_result_and_a_chunk(symmetric):
    n, k = 200, 100
    x = np.random.default_rng(5).uniform(-1.0, 1.0, n)
    H, peak = _traced_peak(lambda: osc.hessian(rosenbrock, mode="fwd-fwd", chunk_size=k, symmetric=symmetric)(x))
    dense = H.to_dense() if symmetric else H
    assert_rel(dense, osc.hessian(rosenbrock)(x), 1e-13)
    assert np.array_equal(dense, dense.T)
    # before: a nested batch of n × n directions, n³ numbers per tangent
    assert peak < n * n * 8 + 32 * k * n * 8


# --------------------------------------------------------------------------- choosing the method


def test_auto_colours_a_sparse_hessian_and_chunks_a_dense_one(monkeypatch):
    passes = mock.Mock(wraps=transforms._second_directional)  # counts the directional passes
    monkeypatch.setattr(transforms, "_second_directional", passes)
    x = np.random.default_rng(6).uniform(-1.0, 1.0, 3000)
    assert_rel(osc.hessian_diagonal(rosenbrock, x), rosenbrock_diagonal(x), 1e-13)
    assert passes.call_count == 0  # coloured: two Hessian-vector products, no directional passes

    # a full pattern within the detection budget: n colours, so chunks
    y = x[:600]
    d = osc.hessian_diagonal(dense_coupling, y, chunk_size=50)
    assert passes.call_count == 12
    assert_rel(d, np.diag(osc.hessian(dense_coupling)(y)), 1e-12)

    # a full pattern over the budget (n² = 9·10⁶ pairs): detection gives up, chunks
    passes.reset_mock()
    d = osc.hessian_diagonal(dense_coupling, x)
    assert passes.call_count == -(-3000 // util.bounded_chunk(None, 3000))
    p = np.exp(x - np.max(x))
    p /= np.sum(p)
    assert_rel(d, p - p ** 2 + 12 * x ** 2, 1e-12)
    with pytest.raises(ValueError, match=r"too dense to colour in O\(n\) memory.*method='dense-chunks'"):
        osc.hessian_diagonal(dense_coupling, x, method="coloring")


def test_auto_falls_back_when_detection_fails():
    twice = Primitive("twice_no_sparsity_rule", lambda x: 2.0 * x)
    twice.def_jvp(lambda primals, tangents: (twice.bind(primals[0]), 2.0 * tangents[0]))

    def f(x):
        return rosenbrock(twice.bind(x))

    x = np.random.default_rng(7).uniform(-1.0, 1.0, 64)
    d = osc.hessian_diagonal(f, x, chunk_size=8)  # detection: no sparsity rule for 'twice'
    assert_rel(d, 4.0 * rosenbrock_diagonal(2.0 * x), 1e-13)
    with pytest.raises(MissingRuleError, match="twice_no_sparsity_rule"):
        osc.hessian_diagonal(f, x, chunk_size=8, method="coloring")


def test_every_method_gives_the_exact_diagonal_on_the_sparse_problems():
    from osculate.testing.sparse_problems import SPARSE_PROBLEMS, get_sparse_problem

    names = SPARSE_PROBLEMS if isinstance(SPARSE_PROBLEMS, dict) else [p.name for p in SPARSE_PROBLEMS]
    for name in names:
        p = get_sparse_problem(name)
        x = p.x0(60) if name not in ("bratu2d",) else p.x0(64)
        want = np.diag(osc.hessian(p.f)(x))
        for method in HESSIAN_DIAGONAL_METHODS:
            if method != "hutchinson":  # (stochastic: tests/test_dense.py)
                assert_rel(osc.hessian_diagonal(p.f, x, chunk_size=7, method=method), want, 1e-12)


def test_method_errors():
    x = np.linspace(0.0, 1.0, 5)
    with pytest.raises(ValueError, match=r"unknown method 'sparse'; choose one of \('auto', 'coloring', "
                                         r"'dense-chunks', 'taylor', 'hutchinson'\)"):
        osc.hessian_diagonal(rosenbrock, x, method="sparse")
    for method in ("coloring", "hutchinson"):
        with pytest.raises(ValueError, match=f"{method}.*inside another transformation.*method='dense-chunks'"):
            osc.jit(lambda z: osc.hessian_diagonal(rosenbrock, z, method=method))(x)
    with pytest.raises(ValueError, match=r"laplacian: unknown method 'hutchinson'"):
        osc.laplacian(rosenbrock, x, method="hutchinson")
    # auto inside a transformation: chunks
    staged = osc.jit(lambda z: osc.hessian_diagonal(rosenbrock, z, chunk_size=2))
    assert_rel(staged(x), rosenbrock_diagonal(x), 1e-14)
    assert osc.hessian_diagonal(rosenbrock, np.zeros(0)).shape == (0,)
