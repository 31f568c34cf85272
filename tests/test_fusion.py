"""Fused staged programs (``osculate.ad.fusion``): elementwise chains compiled
into single loops must give what the unfused program and eager evaluation
give.

Fusion is forced here (``mode="always"``: every eligible program, whatever
its length, from its first replay).  For cases of the primitive table, the
function, its gradient and a Hessian-vector product are staged, replayed
until the fused version runs, and compared with eager evaluation at a new
point to 1e-12 -- as ``test_jit.py`` does for the unfused replay.  Each of
those programs compiles its own loops (about 0.1 s each on a cold cache), so
the suite takes a fixed eighth of the table (by tag), without the
distributions' rows (long composites of sampled primitives); ``OSCULATE_FUSION_TABLE=all``
runs every case (about 5 minutes cold, 20 s once the kernels are cached).  Then the
rules: what fuses and what does not, dtypes, strides, the on-disk cache and
the switch that turns it off.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import zlib

import numpy as np
import pytest

import osculate as osc
from osculate.ad import fusion, native
from osculate.testing.sparse_problems import get_sparse_problem

from test_ad_primitives import CASES as PRIMITIVE_CASES
from test_jit import VALUE_DEPENDENT, _close, _draw, _scalar

pytestmark = pytest.mark.skipif(not fusion.HAVE_NUMBA, reason="numba (the cli extra) is not installed")


@pytest.fixture(autouse=True)
def forced(monkeypatch, tmp_path_factory):
    monkeypatch.setitem(fusion.settings, "mode", "always")


def rosen(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def _check_fused(target, p1, p2):
    """The target replayed at p2 after fusion equals its eager value there
    (each leaf, same shape and dtype) and its program was fused; returns the
    staged function."""
    staged, got = _replayed(target, p1, p2)
    for a, w in zip(osc.ad.tree.tree_leaves(got), osc.ad.tree.tree_leaves(target(*p2))):
        assert np.shape(a) == np.shape(w) and np.result_type(a) == np.result_type(w)
        np.testing.assert_allclose(a, w, rtol=1e-13, atol=1e-14)
    assert staged.program(*p2).fused is not None
    return staged


def _replayed(target, p1, p2):
    """The staged target's result at p2 once its fused version runs (or would)."""
    staged = osc.jit(target)
    staged(*p1)  # stages
    staged(*p2)  # first replay: fuses, runs both, keeps the fused version if it agrees
    return staged, staged(*p2)


def _in_sample(case):
    if os.environ.get("OSCULATE_FUSION_TABLE") == "all":
        return True
    if str(case.values[0]).startswith("stats."):
        # (a distribution's row sums all its methods: hundreds of the primitives sampled here,
        # whose staged replay test_jit checks; numba takes minutes to compile such a row cold)
        return False
    return zlib.crc32(case.id.encode()) % 8 == 0  # (the case's id: the same sample in every run)


@pytest.mark.parametrize("tag, fn, argmakers", [c for c in PRIMITIVE_CASES if _in_sample(c)])
def test_fused_replay_equals_eager(tag, fn, argmakers, request):
    cid = request.node.callspec.id
    if cid in VALUE_DEPENDENT:
        return
    seed = zlib.crc32(cid.encode())
    a1, a2 = _draw(argmakers, seed), _draw(argmakers, seed + 1)
    s = _scalar(fn)
    v = np.random.default_rng(seed + 2).standard_normal(np.shape(a1[0]))
    hvp = lambda *a: osc.hvp(lambda x: s(x, *a[2:]), a[1], a[0])  # noqa: E731
    for target, p1, p2 in [(fn, a1, a2), (osc.grad(s, argnums=tuple(range(len(a1)))), a1, a2),
                           (hvp, (v,) + a1, (v,) + a2)]:
        _, got = _replayed(target, p1, p2)
        _close(got, target(*p2))


@pytest.mark.parametrize("mode", osc.HVP_MODES)
def test_rosenbrock_derivatives_fuse_into_loops(mode):
    rng = np.random.default_rng(0)
    n = 2048  # (above reverse.DROP_AT_SIZE: the large-array paths of the sweep are staged too)
    x1, x2, v = rng.uniform(-1, 1, n), rng.uniform(-1, 1, n), rng.standard_normal(n)
    for target, p1, p2 in [(rosen, (x1,), (x2,)), (osc.grad(rosen), (x1,), (x2,)),
                           (lambda x, w: osc.hvp(rosen, x, w, mode=mode), (x1, v), (x2, v))]:
        staged, got = _replayed(target, p1, p2)
        np.testing.assert_allclose(got, target(*p2), rtol=1e-13, atol=1e-13)
        fused = staged.program(*p2).fused
        assert fused is not None and "fused" in [e.prim.name for e in fused.eqns]
        if mode != "fwd-fwd":  # f, its gradient and a Hessian-vector product with a reverse sweep: one loop each
            assert [e.prim.name for e in fused.eqns] == ["fused"]


def test_values_read_through_slices_are_computed_where_they_are_read():
    rng = np.random.default_rng(5)
    x1, x2 = rng.uniform(-1, 1, 40), rng.uniform(-1, 1, 40)
    stencil = lambda z: np.sum(np.exp(z)[2:] * np.exp(z)[:-2] + np.sin(z)[1:-1] ** 2 * np.exp(z)[1:-1])  # noqa: E731
    # a value of the loop's own length read at another position must not become lazy
    shifted = lambda z: np.sum((z[1:] * 2.0 + 1.0) ** 2 * (z[1:] * 2.0 + 1.0)[0])  # noqa: E731
    chained = lambda z: np.sum(((z * 3.0)[1:] ** 2)[1:] - ((z * 3.0)[1:] ** 2)[:-1])  # noqa: E731
    for f in (stencil, shifted, chained):
        for target in (f, osc.grad(f)):
            staged, got = _replayed(target, (x1,), (x2,))
            np.testing.assert_allclose(got, target(x2), rtol=1e-13, atol=1e-14)
    staged, _ = _replayed(stencil, (x1,), (x2,))
    assert [e.prim.name for e in staged.program(x2).fused.eqns] == ["fused"]  # exp and sin inside the loop
    staged, _ = _replayed(osc.grad(stencil), (x1,), (x2,))
    program = staged.program(x2)
    assert len(program.fused.eqns) < len(program.eqns)


def test_arrays_of_any_shape_fuse_over_their_flat_index():
    rng = np.random.default_rng(6)
    f = lambda z: np.sum(np.sin(z) * z * 2.0 + np.tanh(z) ** 2)  # noqa: E731
    layer = lambda z: np.tanh(z) * z + 1.0  # noqa: E731
    for x in (rng.standard_normal((5, 10)), rng.standard_normal((3, 4, 5))[:, ::2], rng.standard_normal((6, 7)).T):
        for target in (f, osc.grad(f), layer):
            _check_fused(target, (x,), (x,))


def test_broadcast_operands_fuse():
    # a dense layer: the bias (m,) and a column (n, 1) broadcast against (n, m) inside the loop
    rng = np.random.default_rng(8)
    X, c = rng.standard_normal((30, 8)), rng.standard_normal((30, 1))
    W1, b1 = rng.standard_normal((8, 6)), rng.standard_normal(6)
    W2, b2 = rng.standard_normal((8, 6)), rng.standard_normal(6)
    f = lambda W, b: np.sum(np.tanh(X @ W + b) ** 2 * c + np.exp(-(X @ W) ** 2) * b)  # noqa: E731
    for target in (f, osc.grad(f, argnums=(0, 1))):
        staged = _check_fused(target, (W1, b1), (W2, b2))
        names = [e.prim.name for e in staged.program(W2, b2).fused.eqns]
        assert "fused" in names and "add" not in names[:3]


def test_comparisons_and_where_fuse():
    rng = np.random.default_rng(7)
    x1, x2 = rng.uniform(-1, 1, 60), rng.uniform(-1, 1, 60)
    x2[5] = np.nan
    f = lambda z: np.sum(np.where(z > 0.2, z ** 2, np.sin(z)) * 2.0 + np.where(z <= -0.5, 1.0, z))  # noqa: E731
    mask = lambda z: (np.cos(z) * z > 0.1)  # noqa: E731  (a boolean result the loop writes out)
    for target in (f, osc.grad(f), mask):
        _check_fused(target, (x1,), (x2,))


def test_what_does_not_fuse_runs_as_before():
    rng = np.random.default_rng(1)
    x = rng.standard_normal(40)
    # float32 keeps its dtype: not fused (the loops are float64)
    staged, got = _replayed(osc.grad(lambda z: np.sum(np.sin(z) * z)), (x.astype(np.float32),),
                            (x.astype(np.float32),))
    assert got.dtype == np.float32 and staged.program(x.astype(np.float32)).fused is None
    # matrices, single operations: no chain to fuse
    A = rng.standard_normal((5, 5))
    f = lambda z: A @ (2.0 * z[:5]) + z[5:10]  # noqa: E731
    staged, got = _replayed(f, (x,), (x,))
    assert staged.program(x).fused is None
    np.testing.assert_allclose(got, f(x), rtol=1e-14)
    # a gather is a loop of its own (with what follows it), about twice as fast as fancy indexing
    f = lambda z: A @ z[[3, 1, -1, 0, 2]] + z[[3, 1, -1, 0, 2]] * 2.0  # noqa: E731
    staged, got = _replayed(f, (x,), (x,))
    assert [e.prim.name for e in staged.program(x).fused.eqns].count("fused") == 2
    np.testing.assert_allclose(got, f(x), rtol=1e-14)
    # around a matrix product, the chains on each side fuse; the product stays NumPy's
    g = lambda z: np.sum(np.tanh(A @ np.sin(z[:5]) ** 2) ** 2)  # noqa: E731
    staged, got = _replayed(osc.grad(g), (x,), (x,))
    names = [e.prim.name for e in staged.program(x).fused.eqns]
    assert "fused" in names and "matmul" in names
    np.testing.assert_allclose(got, osc.grad(g)(x), rtol=1e-13)


def test_strided_arguments_and_special_values():
    base = np.linspace(-2.0, 2.0, 81)
    x = base[::2]  # not contiguous
    f = lambda z: np.sum(np.exp(z) / (1.0 + z * z) - np.log1p(z * z) * np.tanh(z))  # noqa: E731
    staged, got = _replayed(osc.grad(f), (x,), (x,))
    np.testing.assert_allclose(got, osc.grad(f)(x), rtol=1e-13)
    assert staged.program(x).fused is not None
    y = x.copy()
    y[3], y[7] = np.nan, np.inf  # nan and inf propagate as in NumPy
    g = lambda z: np.sin(z) * z + 1.0 / z  # noqa: E731
    with np.errstate(all="ignore"):
        staged, got = _replayed(g, (x,), (y,))
        np.testing.assert_array_equal(np.isnan(got), np.isnan(g(y)))
        np.testing.assert_allclose(got[np.isfinite(got)], g(y)[np.isfinite(got)], rtol=1e-14)


def test_sums_are_accurate():
    # blocks of 64 terms summed plainly, their sums added with compensation: the error stays
    # within 64 eps sum|x| (pairwise summation's bound is log2(n) eps sum|x|)
    rng = np.random.default_rng(4)
    spiky = np.full(100_001, 0.1)
    spiky[0] = 1e8
    wide = rng.standard_normal(200_000) * np.exp(rng.uniform(-20, 20, 200_000))
    for x in (spiky, wide):
        staged, got = _replayed(lambda z: np.sum(z * 1.0 + 0.0), (x,), (x,))
        exact = math.fsum(x)
        assert abs(float(got) - exact) <= 64 * np.finfo(float).eps * np.sum(np.abs(x))


def test_off_switch_and_thresholds(monkeypatch):
    x = np.random.default_rng(2).standard_normal(30)
    monkeypatch.setitem(fusion.settings, "mode", "off")
    staged, _ = _replayed(osc.grad(rosen), (x,), (x,))
    assert staged.program(x).fused is None
    monkeypatch.setitem(fusion.settings, "mode", "auto")  # short vectors: only once the program is hot
    staged = osc.jit(osc.grad(rosen))
    for _ in range(6):
        staged(x)
    assert staged.program(x).fused is None
    monkeypatch.setitem(fusion.settings, "pay_after", 0.0)  # as if its replays had cost a compile
    monkeypatch.setitem(fusion.settings, "pay_per_op2", 0.0)
    staged(x)
    assert staged.program(x).fused is not None
    np.testing.assert_allclose(staged(x), osc.grad(rosen)(x), rtol=1e-13)


def test_a_long_program_replays_longer_before_its_short_runs_are_compiled(monkeypatch):
    monkeypatch.setitem(fusion.settings, "mode", "auto")
    # compile time grows about as the square of the length: 1 s of replays pays for
    # compiling 20 operations (0.25 s floor) but not 200 (about 18 s)
    assert fusion.wanted(10, spent=1.0, n_ops=20) == "any length"
    assert fusion.wanted(10, spent=1.0, n_ops=200) is False
    assert fusion.wanted(10, spent=20.0, n_ops=200) == "any length"
    assert fusion.wanted(10, spent=0.1, n_ops=5) is False


def test_a_loop_too_long_to_compile_stays_unfused(monkeypatch):
    """A region whose generated loop exceeds ``max_source_lines`` is left to NumPy (a
    Lagrangian Hessian's loop once grew with the mesh and did not compile in minutes)."""
    x = np.random.default_rng(3).standard_normal(5000)
    monkeypatch.setitem(fusion.settings, "mode", "always")
    monkeypatch.setitem(fusion.settings, "max_source_lines", 3)
    staged, got = _replayed(osc.grad(rosen), (x,), (x,))
    assert staged.program(x).fused is None
    np.testing.assert_allclose(got, osc.grad(rosen)(x), rtol=1e-12)  # staged vs eager: rounding only


def test_a_very_long_program_is_not_compiled_on_its_third_replay(monkeypatch):
    """Long runs are fused on the third replay only while the estimated compile stays within
    ``max_compile`` (1.5 s, about 58 operations); a longer program waits for the price, or
    for its loops to be on disk as machine code, or in numba's cache with numba running in this
    process already."""
    monkeypatch.setitem(fusion.settings, "mode", "auto")
    monkeypatch.setattr(fusion, "_compiled_by_numba", {})
    assert fusion.wanted(3, n_ops=50) is True               # Rosenbrock's hvp, about 1.1 s
    assert fusion.wanted(3, n_ops=170) is False             # bench_core's longest, about 13 s
    assert fusion.wanted(3, n_ops=170, on_disk=lambda any_length: True) is False  # numba not loaded yet
    assert fusion.wanted(4, spent=0.3, n_ops=170, on_disk=lambda any_length: True) == "any length"
    assert fusion.wanted(4, spent=0.3, n_ops=170, on_disk=lambda any_length: False) is False
    assert fusion.wanted(3, n_ops=36_000) is False          # a Lagrangian Hessian's program
    assert fusion.wanted(3, spent=1e3, n_ops=36_000) is False
    assert fusion.wanted(3, spent=1e6, n_ops=36_000) == "any length"
    assert fusion.wanted(3, n_ops=36_000, force=True) == "any length"
    assert fusion.wanted(3, n_ops=170, on_disk=lambda any_length: "native") is True  # milliseconds to load
    monkeypatch.setattr(fusion, "_compiled_by_numba", {"a loop": None})  # numba has loaded one: loading is cheap now
    assert fusion.wanted(3, n_ops=170, on_disk=lambda any_length: True) is True
    assert fusion.wanted(3, n_ops=170, on_disk=lambda any_length: False) is False


def test_a_program_compiled_by_an_earlier_process_is_loaded_instead_of_waiting(tmp_path):
    """The price of a long program is its compile only when no earlier process compiled its
    loops: with them on disk as machine code it fuses on the third replay, like a short
    program; with them in numba's cache only, as soon as its replays cost what starting numba
    does."""
    code = (
        "import sys, numpy as np, osculate as osc\n"
        "from osculate.ad import fusion\n"
        "fusion.settings.update(mode=sys.argv[1], pay_per_op2=1.0, pay_after=0.0)  # as if compiling took hours\n"
        "f = lambda x: np.sum(np.cos(x[1:]) * x[:-1] ** 3)\n"
        "g = osc.jit(osc.grad(f)); x = np.linspace(0, 1, 5000)\n"
        "fused = [g.program(x).fused is not None for _ in range(6) if g(x) is not None]\n"
        "print(fused.index(True) if True in fused else -1)\n"
    )
    env = {"OSCULATE_CACHE_DIR": str(tmp_path), "PATH": "", "HOME": str(tmp_path)}

    def first_fused_call(mode):
        out = subprocess.run([sys.executable, "-c", code, mode], capture_output=True, text=True, env=env, check=True)
        return int(out.stdout)

    assert first_fused_call("auto") == -1       # nothing on disk: waits for a price it never reaches
    assert first_fused_call("always") == 1      # compiles (on the first replay, the second call)
    if native.possible():
        assert first_fused_call("auto") == 3    # stored as machine code: loaded on the third replay
        shutil.rmtree(tmp_path / "fusion" / "native")
    assert first_fused_call("auto") == 4        # in numba's cache: fused once replays began to cost (after 3)


def test_per_function_switch(monkeypatch):
    monkeypatch.setitem(fusion.settings, "mode", "auto")
    x = np.random.default_rng(3).standard_normal(30)  # short: auto mode would not fuse
    forced, never = osc.jit(osc.grad(rosen), fuse=True), osc.jit(osc.grad(rosen), fuse=False)
    for _ in range(5):
        np.testing.assert_allclose(forced(x), never(x), rtol=1e-13)
    assert forced.program(x).fused is not None and never.program(x).fused is None


def test_kernels_are_cached_on_disk_across_processes(tmp_path):
    code = (
        "import numpy as np, osculate as osc\n"
        "from osculate.ad import fusion\n"
        "fusion.settings['mode'] = 'always'\n"
        "f = lambda x: np.sum(np.cos(x[1:]) * x[:-1] ** 3)\n"
        "g = osc.jit(osc.grad(f)); x = np.linspace(0, 1, 64)\n"
        "g(x); g(x); print(g.program(x).fused is not None)\n"
    )
    env = {"OSCULATE_CACHE_DIR": str(tmp_path), "PATH": "", "HOME": str(tmp_path)}
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        assert out.stdout.strip() == "True"
    kernels = list((tmp_path / "fusion").glob("fused_*.py"))
    assert kernels and list((tmp_path / "fusion").rglob("*.nbi"))  # numba's index of compiled code


def test_rows_side_by_side_fuse_with_slices_along_the_last_axis():
    # a batch of tangents (the colours of a sparse plan): slices, scatters and sums of
    # (k, n) values along their last axis, with (n,) values broadcast against every row
    rng = np.random.default_rng(9)
    x1, x2 = rng.uniform(-1, 1, 60), rng.uniform(-1, 1, 60)
    col = rng.standard_normal((3, 1))
    for k in (1, 3, 8, 12):  # 12 rows: looped over the flat index
        V = rng.standard_normal((k, 60))
        batched = lambda x, V: osc.vmap(lambda v: osc.hvp(rosen, x, v))(V)  # noqa: E731
        staged = _check_fused(batched, (x1, V), (x2, V))
        if k <= 8:
            assert [e.prim.name for e in staged.program(x2, V).fused.eqns].count("fused") == 1
    rows = lambda X: np.sum(np.sin(X[:, 1:]) * X[:, :-1] ** 2 * col + np.exp(-X[:, 2:] ** 2).sum())  # noqa: E731
    X1, X2 = rng.standard_normal((3, 40)), rng.standard_normal((3, 40))
    for target in (rows, osc.grad(rows)):
        _check_fused(target, (X1,), (X2,))


def test_sparse_plans_fused_equal_eager():
    # n_colors * n >= 4096: the seed matrix is an argument of the fused program (a
    # constant Hessian -- sparse_quadratic -- is computed once and copied)
    for name in ("chained_rosenbrock", "broyden_tridiagonal", "band9", "bratu2d", "arrowhead", "sparse_quadratic"):
        p = get_sparse_problem(name)
        x1, x2 = p.x0(2500), p.x0(2500) * 0.5 + 0.1
        eager = osc.sparse_hessian(p.f, x1, staged=False)
        for kind in ("star", "acyclic"):
            plan = osc.sparse_hessian(p.f, x1, coloring=kind)
            for _ in range(4):
                got = plan(x2, format="csc")
            want = eager(x2, format="csc")
            np.testing.assert_allclose(got.toarray(), want.toarray(), rtol=1e-12, atol=1e-12)
