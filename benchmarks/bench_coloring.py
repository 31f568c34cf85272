"""Benchmark of osculate.sparse.coloring.

Prints, for a tridiagonal pattern and a 2-D 5-point Laplacian pattern at
n ~ 1e4 and n ~ 1e5, the wall-clock time of ``star_coloring`` and
``acyclic_coloring`` for each requested vertex ordering (the whole call:
pattern conversion, ordering and colouring), the number of colours, the
one-time decompression set-up and the time per ``decompress`` call.

Timings are the best of ``--repeat`` runs, measured with
``time.perf_counter`` and Python's garbage collector enabled (``timeit``
would switch it off).

Usage::

    python benchmarks/bench_coloring.py [--orders natural,largest_first] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import time

import numpy as np
import scipy.sparse as sp

from osculate.sparse import ORDERINGS, acyclic_coloring, star_coloring


def tridiagonal(n: int) -> sp.csr_array:
    return sp.diags_array([1.0, 1.0, 1.0], offsets=[-1, 0, 1], shape=(n, n), format="csr")


def grid_laplacian(k: int) -> sp.csr_array:
    T = sp.diags_array([-1.0, 2.0, -1.0], offsets=[-1, 0, 1], shape=(k, k))
    eye = sp.eye_array(k)
    return (sp.kron(T, eye) + sp.kron(eye, T)).tocsr()


def random_values(pattern: sp.csr_array, seed: int = 0) -> sp.csr_array:
    """Symmetric matrix with the structure of ``pattern`` and random values."""
    rng = np.random.default_rng(seed)
    U = sp.triu(pattern, k=1, format="csr")
    U.data = rng.standard_normal(U.nnz)
    n = pattern.shape[0]
    return (U + U.T + sp.diags_array(rng.uniform(1, 2, n))).tocsr()


def best_of(func, repeat: int):
    best = float("inf")
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", default=",".join(ORDERINGS), help="comma-separated orderings")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--sizes", default="1e4,1e5", help="comma-separated problem sizes")
    args = parser.parse_args()
    orders = [o.strip() for o in args.orders.split(",") if o.strip()]
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    gc.enable()

    header = (
        f"{'pattern':<22} {'n':>7} {'order':<17} {'kind':<8} {'colours':>7} "
        f"{'colour [s]':>10} {'setup [s]':>10} {'decomp [ms]':>11} {'rel.err':>8}"
    )
    print(header)
    print("-" * len(header))
    for size in sizes:
        k = int(round(np.sqrt(size)))
        patterns = [
            ("tridiagonal", tridiagonal(size)),
            (f"grid {k}x{k} 5-point", grid_laplacian(k)),
        ]
        for name, pattern in patterns:
            n = pattern.shape[0]
            H = random_values(pattern)
            scale = abs(H).max()
            for order in orders:
                for kind, func in (("star", star_coloring), ("acyclic", acyclic_coloring)):
                    t_col, col = best_of(lambda: func(pattern, order=order, seed=0), args.repeat)
                    B = H @ col.seed_matrix()
                    t0 = time.perf_counter()
                    R = col.decompress(B)  # first call builds the index arrays
                    t_setup = time.perf_counter() - t0
                    t_dec, R = best_of(lambda: col.decompress(B), max(args.repeat, 5))
                    err = abs(R - H).max() / scale
                    print(
                        f"{name:<22} {n:>7} {order:<17} {kind:<8} {col.n_colors:>7} "
                        f"{t_col:>10.3f} {t_setup:>10.3f} {t_dec * 1e3:>11.2f} {err:>8.1e}"
                    )


if __name__ == "__main__":
    main()
