"""Shared benchmark set-up: quiet, repeatable timings on noisy machines.

Import this module *before* NumPy: it pins BLAS to one thread (environment
variables read when the BLAS library loads) and pins glibc's malloc
thresholds with ``mallopt`` so large temporaries are not returned to the OS
and re-faulted on every call.  Timings are taken in interleaved rounds and
the minimum is reported.
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "XLA_FLAGS"):
    if _var == "XLA_FLAGS":
        os.environ.setdefault(_var, "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    else:
        os.environ.setdefault(_var, "1")

from osculate.allocator import tune_malloc  # noqa: E402  (after the BLAS variables: this loads NumPy)

MALLOC_PINNED = tune_malloc()


def parser(rounds, quick=None):
    """The options every benchmark has: ``--rounds`` (default ``rounds``) and,
    given its help text, ``--quick``; a benchmark adds its own to the parser."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=rounds, help="timing rounds (the minimum is reported)")
    if quick is not None:
        ap.add_argument("--quick", action="store_true", help=quick)
    return ap


def banner(title):
    print(title)
    print(
        f"  BLAS threads pinned to 1; glibc malloc thresholds pinned: {MALLOC_PINNED}; "
        "timings are minima over interleaved rounds"
    )


def interleaved_min(fns: dict, rounds=7, inner=1):
    """Run each callable once per round, round after round; return min seconds per call."""
    best = {k: float("inf") for k in fns}
    for _ in range(rounds):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            for _ in range(inner):
                fn()
            best[k] = min(best[k], (time.perf_counter() - t0) / inner)
    return best


def timed(fn):
    """``(fn(), seconds)`` of one call."""
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def traced_peak(fn):
    """``(fn(), bytes)``: the peak of the memory traced by ``tracemalloc``
    during one call."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        out = fn()
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def optional(name):
    """Import an optional peer, or return None when it is not installed."""
    try:
        return __import__(name)
    except Exception:  # noqa: BLE001 - any import failure means "not available"
        return None
