"""Finite sums on Dask: second-order fits of data generated on the workers.

Logistic regression with ``--rows`` rows (default 10⁷) × 20 features: the
data are generated partition by partition on the workers (Dask's random
arrays) and never gathered in the client.  osculate's ``FiniteSum`` is fitted
by Newton and by trust-ncg on LocalClusters of 1 and 2 worker processes (1
thread each); in the same run, on the same data, dask_glm's Newton and
L-BFGS (the solvers behind dask-ml's ``LogisticRegression``), when
installed.  Then a nonlinear least-squares fit (exponential decay) of
``--rows`` observations by Levenberg-Marquardt.

After the LM fit, its two kinds of round trip are timed on the fit's data
and on partitions of 100 rows (the latency of a round trip itself).

Each fit reports wall time, iterations and round trips; parameters must
agree with the first fit to 1e-6.  The cluster start is timed apart, and
osculate's fits are run twice on the same ``FiniteSum``: the first run
includes each worker's staging (and numba compiles), the table shows the
second.

    python benchmarks/bench_dask.py             # 10⁷ rows (several minutes)
    python benchmarks/bench_dask.py --quick     # 10⁶ rows
"""
from __future__ import annotations

import _harness  # noqa: F401  (pins BLAS threads and malloc before NumPy loads)

import time

import numpy as np

import osculate as osc

FEATURES = 20
THETA = np.linspace(-1.0, 1.0, FEATURES) / np.sqrt(FEATURES)


def logistic_rows(theta, chunk):
    X, y = chunk
    z = X @ theta
    return np.logaddexp(0.0, z) - y * z


def decay_residuals(b, chunk):
    t, y = chunk
    return y - (b[0] * np.exp(-b[1] * t) + b[2])


def logistic_data(rows, chunk_rows, seed=0):
    import dask.array as da

    rs = da.random.RandomState(seed)
    X = rs.normal(size=(rows, FEATURES), chunks=(chunk_rows, FEATURES))
    p = 1.0 / (1.0 + da.exp(-(X @ THETA)))
    y = (rs.uniform(size=rows, chunks=chunk_rows) < p).astype(float)
    return X, y


def decay_data(rows, chunk_rows, seed=1):
    import dask.array as da

    rs = da.random.RandomState(seed)
    t = rs.uniform(0.0, 5.0, size=rows, chunks=chunk_rows)
    y = 2.0 * da.exp(-0.7 * t) + 0.5 + 0.05 * rs.normal(size=rows, chunks=chunk_rows)
    return t, y


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main():
    ap = _harness.parser(rounds=1, quick="10⁶ rows instead of 10⁷")
    ap.add_argument("--rows", type=float, default=1e7)
    ap.add_argument("--chunk-rows", type=float, default=5e5)
    ap.add_argument("--workers", default="1,2", help="LocalCluster sizes to run, e.g. 1,2")
    args = ap.parse_args()
    rows = int(1e6 if args.quick else args.rows)
    chunk_rows = int(min(args.chunk_rows, rows))
    from dask.distributed import Client, LocalCluster

    try:
        import dask_glm.algorithms as glm
        from dask_glm.families import Logistic
    except ImportError:
        glm = None
    _harness.banner(f"bench_dask: logistic regression, {rows:,} rows x {FEATURES} features in chunks of "
                    f"{chunk_rows:,} rows, generated on the workers; LocalCluster, 1 thread per worker")
    reference = None
    table = []
    for workers in [int(w) for w in args.workers.split(",")]:
        (cluster, client), t_start = timed(lambda: _start(LocalCluster, Client, workers))
        print(f"\n{workers} worker(s): cluster started in {t_start:.1f} s")
        X, y = logistic_data(rows, chunk_rows)
        X, y = client.persist([X, y])  # generated on the workers, kept there for every fit
        fits = {}
        for method in ("newton", "trust-ncg"):
            fs = osc.FiniteSum(logistic_rows, (X, y), scheduler=client)
            with fs:  # the partitions stay prepared on the workers for both fits
                res, first = timed(lambda: osc.minimize(fs, np.zeros(FEATURES), method=method,
                                                        check_curvature=False))
                trips = fs.round_trips
                res, sec = timed(lambda: osc.minimize(fs, np.zeros(FEATURES), method=method,
                                                      check_curvature=False))
            print(f"  osculate {method}: first fit {first:.2f} s (each worker stages fn's derivatives, "
                  f"compiles fused loops)")
            fits[f"osculate {method}"] = (res.x, sec, res.nit, fs.round_trips - trips, res.success)
        if glm is not None:
            for name, run in (("dask_glm newton", lambda: glm.newton(X, y, max_iter=100, tol=1e-10,
                                                                      family=Logistic)),
                              ("dask_glm lbfgs", lambda: glm.lbfgs(X, y, max_iter=500, tol=1e-12,
                                                                    family=Logistic, regularizer=None))):
                with _quiet():
                    beta, sec = timed(run)
                fits[name] = (np.asarray(beta), sec, None, None, True)
        for name, (x, sec, nit, trips, ok) in fits.items():
            if reference is None:
                reference = x
            diff = float(np.max(np.abs(x - reference)))
            table.append((workers, name, sec, nit, trips, diff, ok))
            print(f"  {name:18s} {sec:8.2f} s  iterations {nit if nit is not None else '-':>3}  "
                  f"round trips {trips if trips is not None else '-':>3}  max |θ - θ_first| {diff:.1e}"
                  f"{'' if ok else '  (solver did not report success)'}")
        t, yt = client.persist(list(decay_data(rows, chunk_rows)))
        fs = osc.FiniteSum(decay_residuals, (t, yt), residuals=True, scheduler=client)
        with fs:
            res, first = timed(lambda: osc.least_squares(fs, np.array([1.0, 1.0, 0.0])))
            trips = fs.round_trips
            res, sec = timed(lambda: osc.least_squares(fs, np.array([1.0, 1.0, 0.0])))
        print(f"  exponential decay by LM: first fit {first:.2f} s, again {sec:.2f} s, {res.nit} iterations, "
              f"{fs.round_trips - trips} round trips, "
              f"θ = {np.round(res.x, 4).tolist()} (true [2.0, 0.7, 0.5])")
        table.append((workers, "osculate lm (decay)", sec, res.nit, fs.round_trips - trips, float("nan"),
                      res.success))
        round_trip_costs(client, fs, rows, chunk_rows)
        client.close()
        cluster.close()
    bad = [row for row in table if row[5] == row[5] and row[5] > 1e-6]
    print("\nall logistic fits agree to 1e-6" if not bad else f"\nDISAGREEMENT above 1e-6: {bad}")


def round_trip_costs(client, fs, rows, chunk_rows, repeats=7):
    """Time the two round trips of an LM iteration (the cost at a trial point,
    then cost, JᵀJ and Jᵀr) on the fit's data, and the same on partitions of
    100 rows each: the latency of a round trip itself (the graph of partition
    tasks and the fan-in tree, scheduled and run, the results sent up the
    tree to the client)."""
    import dask.array as da

    parts = max(1, rows // chunk_rows)
    t = da.random.RandomState(2).uniform(0.0, 5.0, size=100 * parts, chunks=100)
    tiny = osc.FiniteSum(decay_residuals, (t, 2.0 * da.exp(-0.7 * t) + 0.5), residuals=True, scheduler=client)
    theta = np.array([2.0, 0.7, 0.5])
    line = []
    for label, s in (("fit's data", fs), (f"{parts} partitions of 100 rows", tiny)):
        with s:
            s.value(theta)
            s.gauss_newton(theta)  # (staged and compiled on the workers before the timing)
            cost = {}
            for name, call in (("value", s.value), ("value + JᵀJ + Jᵀr", s.gauss_newton)):
                ts = []
                for k in range(repeats):  # a new point each time
                    t0 = time.perf_counter()
                    call(theta * (1.0 + 1e-3 * (k + 1)))
                    ts.append(time.perf_counter() - t0)
                cost[name] = f"{min(ts) * 1e3:.0f} / {np.median(ts) * 1e3:.0f} ms"
        line.append(f"{label}: " + ", ".join(f"{k} {v}" for k, v in cost.items()))
    print("  LM round trips (min / median of " + f"{repeats}): " + "; ".join(line))


def _start(LocalCluster, Client, workers):
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    return cluster, Client(cluster)


class _quiet:
    """dask_glm uses configuration keys that current Dask deprecates: keep its FutureWarnings off the table."""

    def __enter__(self):
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("ignore", FutureWarning)

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


if __name__ == "__main__":
    main()
