"""The exact Hessian diagonal at large n: time and peak memory of each method.

Run: ``python benchmarks/bench_diagonal.py [--quick] [--rounds R]``.  Prints,
measured in one run:

1. chained Rosenbrock at n = 10⁵ and 10⁶ with ``osc.hessian_diagonal(f, x)``
   (``method="auto"``, which colours the pattern: 2 colours): total time and
   its ratio to one evaluation of ``f``, the split into detection (local
   index sets), colouring and the Hessian-vector products, the traced peak
   (``tracemalloc``, a separate untimed run: tracing slows the colouring's
   Python loop) in MiB and in bytes per variable, and the largest error
   against the analytic diagonal;
2. the same function at n = 10⁴ with ``method="dense-chunks"`` (n second
   directional derivatives, ``chunk_size`` at a time): time and peak for a
   few chunk sizes -- the cost the colouring avoids;
3. a dense pattern, ``log Σ exp(x) + Σ x⁴``, at n = 10⁴: what ``"auto"`` pays
   for the detection it abandons (its index sets would need n² entries)
   before falling back to the chunks.
"""

from __future__ import annotations

import _harness  # noqa: F401  (pins BLAS threads and malloc before NumPy loads)
import numpy as np

import osculate as osc
from osculate.ad import util
from osculate.sparse import compressed
from osculate.testing.sparse_problems import chained_rosenbrock as rosenbrock
from osculate.testing.sparse_problems import chained_rosenbrock_hessian_diagonal as rosenbrock_diagonal


def dense_coupling(x):
    return np.log(np.sum(np.exp(x))) + np.sum(x ** 4)


def coloring(n, rounds):
    x = np.random.default_rng(0).uniform(-1.0, 1.0, n)
    print(f"\n1. chained Rosenbrock, n = {n}: hessian_diagonal(f, x), method='auto'")
    pattern = osc.hessian_sparsity(rosenbrock, x, mode="local")
    colors, n_colors = compressed._adjacency_colors(pattern)
    k = util.bounded_chunk(None, n)
    hvps = osc.vmap(lambda s: osc.jvp(osc.grad(rosenbrock), (x,), (s,))[1])

    def products():  # what the colouring path does after detection and colouring
        for c0 in range(0, n_colors, k):
            hvps(np.stack([(colors == c).astype(float) for c in range(c0, min(n_colors, c0 + k))]))

    t = _harness.interleaved_min(
        {
            "f": lambda: rosenbrock(x),
            "diag": lambda: osc.hessian_diagonal(rosenbrock, x),
            "detect": lambda: osc.hessian_sparsity(rosenbrock, x, mode="local"),
            "color": lambda: compressed._adjacency_colors(pattern),
            "products": products,
        },
        rounds,
    )
    d, peak = _harness.traced_peak(lambda: osc.hessian_diagonal(rosenbrock, x))
    want = rosenbrock_diagonal(x)
    err = float(np.max(np.abs(d - want)) / np.max(np.abs(want)))
    assert err < 1e-13, err
    print(f"   f                          {t['f'] * 1e3:9.2f} ms")
    print(f"   hessian_diagonal           {t['diag']:9.3f} s  = {t['diag'] / t['f']:.0f} x f")
    print(f"     detection                {t['detect']:9.3f} s  ({pattern.nnz} nonzeros)")
    print(f"     colouring                {t['color']:9.3f} s  ({n_colors} colours)")
    print(f"     {n_colors} products, {k} per pass  {t['products']:9.3f} s  = {t['products'] / t['f']:.0f} x f")
    print(f"   traced peak                {peak / 2**20:9.0f} MiB = {peak / n:.0f} B per variable "
          f"(n² · 8 B would be {n * n * 8 / 2**30:.0f} GiB)")
    print(f"   max error vs analytic      {err:9.1e} (relative to max |Hᵢᵢ|)")
    return {"n": n, "time": t["diag"], "f": t["f"], "peak": peak}


def chunks(n, sizes):
    x = np.random.default_rng(1).uniform(-1.0, 1.0, n)
    want = rosenbrock_diagonal(x)
    print(f"\n2. chained Rosenbrock, n = {n}: method='dense-chunks' ({n} directional derivatives)")
    print(f"   {'chunk_size':>14s} {'time s':>8s} {'peak MiB':>9s} {'peak / (chunk·n·8 B)':>21s}")
    for k in sizes:
        kk = util.bounded_chunk(k, n)
        d, dt = _harness.timed(lambda: osc.hessian_diagonal(rosenbrock, x, chunk_size=k, method="dense-chunks"))
        _, peak = _harness.traced_peak(lambda: osc.hessian_diagonal(rosenbrock, x, chunk_size=k, method="dense-chunks"))
        assert np.max(np.abs(d - want)) <= 1e-13 * np.max(np.abs(want))
        label = f"{kk} (default)" if k is None else str(k)
        print(f"   {label:>14s} {dt:8.2f} {peak / 2**20:9.1f} "
              f"{peak / (kk * n * 8):21.1f}")


def abandoned(n):
    x = np.random.default_rng(2).uniform(-1.0, 1.0, n)
    print(f"\n3. log Σ exp(x) + Σ x⁴, n = {n} (full pattern): method='auto' abandons detection")
    _, t_auto = _harness.timed(lambda: osc.hessian_diagonal(dense_coupling, x))
    _, t_chunks = _harness.timed(lambda: osc.hessian_diagonal(dense_coupling, x, method="dense-chunks"))
    print(f"   auto {t_auto:.2f} s, dense-chunks {t_chunks:.2f} s: the abandoned detection costs "
          f"{max(t_auto - t_chunks, 0.0):.2f} s")


def main():
    args = _harness.parser(rounds=3, quick="smaller sizes (a smoke run)").parse_args()
    _harness.banner("bench_diagonal: the exact Hessian diagonal (colouring vs chunks), time and peak memory")
    if args.quick:
        coloring(10**4, 2)
        chunks(1000, [16, None])
        abandoned(3000)
    else:
        coloring(10**5, args.rounds)
        coloring(10**6, args.rounds)
        chunks(10**4, [16, 128, None])
        abandoned(10**4)


if __name__ == "__main__":
    main()
