"""First calls of staged, fused programs in fresh processes: cold cache and warm cache.

Run: ``python benchmarks/bench_first_call.py [--n 1000000] [--processes 3]``.

The five programs of ``bench_core`` (chained Rosenbrock: grad, value_and_grad and the
hvp in three nestings) are each run with ``osc.jit(..., fuse=True)`` in a new Python
process: its first call stages the program (one evaluation on recording tracers, then
the optimised program), its second fuses it (compiling the loops with numba, or with a
warm cache loading their machine code, then checking the fused program against the
unfused one), its third is a plain fused call.  Each cell is the minimum over
``--processes`` fresh processes (median in brackets), first with an empty cache
directory (cold: numba compiles every loop) and then with the cache those processes
left (warm).  It also says whether numba was imported by the warm processes.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile

import _harness

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import numpy as np
import osculate as osc
t_import = time.perf_counter() - t0
osc.tune_malloc()   # (as the parent's harness does: large temporaries stay mapped)

def f(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)

n, name = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(0)
x, v = rng.uniform(-1, 1, n), rng.standard_normal(n)
if name in ("grad", "value_and_grad"):
    fn, args = osc.jit(getattr(osc, name)(f), fuse=True), (x,)
else:
    mode = name.split()[1]
    fn, args = osc.jit(lambda x, v: osc.hvp(f, x, v, mode=mode), fuse=True), (x, v)
times = []
for _ in range(3):
    t0 = time.perf_counter()
    fn(*args)
    times.append(time.perf_counter() - t0)
fused = fn.program(*args).fused is not None
print(json.dumps({"import": t_import, "calls": times, "fused": fused, "numba": "numba" in sys.modules}))
"""

PROGRAMS = ("grad", "value_and_grad", "hvp fwd-rev", "hvp rev-fwd", "hvp rev-rev")


def run(n, name, cache):
    env = dict(os.environ, OSCULATE_CACHE_DIR=cache)
    out = subprocess.run([sys.executable, "-c", CHILD, str(n), name], capture_output=True, text=True, env=env,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def cell(values):
    ms = [v * 1e3 for v in values]
    return f"{min(ms):7.1f} [{statistics.median(ms):6.1f}]"


def main():
    ap = _harness.parser(rounds=1)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--processes", type=int, default=3)
    args = ap.parse_args()
    _harness.banner(f"bench_first_call: chained Rosenbrock, n = {args.n}, fresh processes, fuse=True")
    with tempfile.TemporaryDirectory() as root:
        for label in ("cold", "warm"):
            print(f"  {label} cache: ms, minimum [median] over {args.processes} processes")
            print(f"  {'program':16s} {'first call (stage)':>20s} {'second (fuse)':>20s} {'third':>18s}  numba imported")
            for name in PROGRAMS:
                runs = []
                for k in range(args.processes):
                    # cold: a fresh empty cache per process; warm: the one the cold runs filled
                    cache = os.path.join(root, f"{label}-{name}" + (f"-{k}" if label == "cold" else ""))
                    if label == "warm" and not os.path.exists(cache):
                        run(args.n, name, cache)   # fill the warm cache once, untimed
                    runs.append(run(args.n, name, cache))
                calls = list(zip(*[r["calls"] for r in runs]))
                numba = sum(r["numba"] for r in runs)
                print(f"  {name:16s} {cell(calls[0]):>20s} {cell(calls[1]):>20s} {cell(calls[2]):>18s}  "
                      f"{numba}/{len(runs)}" + ("" if all(r["fused"] for r in runs) else "  (not fused)"))
            imports = [r["import"] for r in runs]
            print(f"  import osculate: {cell(imports)} ms")


if __name__ == "__main__":
    main()
