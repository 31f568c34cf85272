"""``osc.FiniteSum`` on a Dask cluster: a ``LocalCluster`` of 2 worker
processes with 1 thread each, started and closed here.

Results must equal the in-memory computation over the same chunks (the two
add in the same tree, so they agree to the last bit; the tests allow
1e-10), the solvers must take the same path, and a worker killed in the
middle of a fit must not change its outcome.
"""
from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

import osculate as osc

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("dask.distributed")
pd = pytest.importorskip("pandas")

RNG = np.random.default_rng(21)
N, P, ROWS = 4000, 3, 1000
X = RNG.normal(size=(N, P))
Y = (RNG.random(N) < 1 / (1 + np.exp(-X @ np.array([1.0, -0.5, 0.25])))).astype(float)
THETA = np.array([0.2, 0.1, -0.3])


def logistic_rows(theta, chunk):
    Xc, yc = chunk
    z = Xc @ theta
    return np.logaddexp(0.0, z) - yc * z


def close(a, b, tol=1e-10):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape
    assert np.max(np.abs(a - b)) <= tol * max(1.0, np.max(np.abs(b)))


#: a round trip that takes longer fails the test instead of blocking the suite
TIMEOUT = 120


def start_cluster():
    # the workers evaluate without fused loops: a fresh worker would compile them (seconds each)
    # in every test; fusion is tested on its own in test_fusion.py
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", env={"OSCULATE_FUSION": "off"})
    return distributed.Client(cluster), cluster


@pytest.fixture(scope="module")
def client():
    c, cluster = start_cluster()
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def memory():
    return osc.FiniteSum(logistic_rows, (X, Y), chunk_rows=ROWS)


def dask_data():
    return da.from_array(X, chunks=(ROWS, P)), da.from_array(Y, chunks=ROWS)


def test_oracles_equal_memory(client, memory):
    fs = osc.FiniteSum(logistic_rows, dask_data(), scheduler=client, timeout=TIMEOUT)
    with fs:
        assert fs.distributed and fs.npartitions == 4 and fs.rows == N
        close(fs.value(THETA), memory.value(THETA))
        close(fs.gradient(THETA), memory.gradient(THETA))
        close(fs.hessian(THETA), memory.hessian(THETA))
        V = RNG.normal(size=(P, 2))
        close(fs.hvp_block(THETA, V), memory.hvp_block(THETA, V))
        close(fs.scores(THETA)[0], memory.scores(THETA)[0])


@pytest.mark.parametrize("method", ["newton", "trust-ncg"])
def test_same_path_as_memory(client, memory, method):
    path_mem, path_dask = [], []
    ref = osc.minimize(memory, np.zeros(P), method=method, callback=path_mem.append)
    fs = osc.FiniteSum(logistic_rows, dask_data(), scheduler=client, timeout=TIMEOUT)
    res = osc.minimize(fs, np.zeros(P), method=method, callback=path_dask.append)
    assert res.success and res.nit == ref.nit
    for a, b in zip(path_dask, path_mem, strict=True):
        close(a, b)
    assert fs._backend is None  # the call opened the partitions and released them


def test_least_squares_and_nls_on_a_dataframe(client):
    t = np.linspace(0, 4, 3000)
    y = 1.5 * np.exp(-0.8 * t) + 0.01 * RNG.normal(size=t.size)
    frame = dd.from_pandas(pd.DataFrame({"t": t, "y": y}), npartitions=3)

    def resid(b, d):
        return d["y"] - b[0] * np.exp(-b[1] * d["t"])

    mem = osc.stats.nls(resid, np.ones(2), {"t": t, "y": y}, chunk_rows=1000)
    fit = osc.stats.nls(resid, np.ones(2), frame, scheduler=client, timeout=TIMEOUT)
    close(fit.params, mem.params)
    close(fit.se, mem.se)
    close(fit.robust_se, mem.robust_se)
    assert fit.nobs == t.size and fit.robust_kind == "rows"


def test_numpy_data_shipped_to_a_cluster(client, memory):
    fs = osc.FiniteSum(logistic_rows, (X, Y), chunk_rows=ROWS, scheduler=client, timeout=TIMEOUT)
    res = osc.minimize(fs, np.zeros(P), method="newton")
    close(res.x, osc.minimize(memory, np.zeros(P), method="newton").x)


def test_errors_from_workers_name_the_partition(client):
    Xn = X.copy()
    Xn[2500, 1] = np.nan
    fs = osc.FiniteSum(logistic_rows, (da.from_array(Xn, chunks=(ROWS, P)), da.from_array(Y, chunks=ROWS)),
                       scheduler=client, timeout=TIMEOUT)
    with pytest.raises(ValueError, match=r"partition 2: 1 row\(s\) contain NaN \(first: row 500"):
        fs.value(THETA)
    dropped = osc.FiniteSum(logistic_rows, (da.from_array(Xn, chunks=(ROWS, P)), da.from_array(Y, chunks=ROWS)),
                            scheduler=client, nan_policy="drop", timeout=TIMEOUT)
    with dropped:
        assert dropped.rows == N - 1
    fs = osc.FiniteSum(logistic_rows, dask_data(), scheduler=client, timeout=TIMEOUT)
    with pytest.raises(ValueError, match=r"fn failed on partition \d \(theta of shape \(2,\)\)"):
        fs.value(THETA[:2])
    short = osc.FiniteSum(logistic_rows, (da.from_array(X, chunks=(ROWS, P)), da.from_array(Y[:-5], chunks=ROWS)),
                          scheduler=client, timeout=TIMEOUT)
    with pytest.raises(ValueError, match=r"the data leaves have different numbers of rows \[3995, 4000\]"):
        short.value(THETA)
    with pytest.raises(TypeError, match="mixes Dask and NumPy arrays"):
        osc.FiniteSum(logistic_rows, (da.from_array(X, chunks=(ROWS, P)), Y))
    with pytest.raises(RuntimeError, match="not open"):
        _ = fs.rows


def test_own_local_cluster_is_started_and_closed():
    fs = osc.FiniteSum(logistic_rows, dask_data(), n_workers=1, timeout=TIMEOUT,
                       cluster_options={"env": {"OSCULATE_FUSION": "off"}})
    res = osc.minimize(fs, np.zeros(P), method="newton")
    assert res.success and fs._own_cluster is None and fs._backend is None


def test_killed_worker_does_not_lose_the_fit():
    """A worker process is killed after the second iteration; the nanny
    restarts it, the scheduler recomputes the partitions it held, and the fit
    ends at the same point as an undisturbed one."""
    c, cluster = start_cluster()
    try:
        fs = osc.FiniteSum(logistic_rows, dask_data(), scheduler=c, timeout=TIMEOUT)
        ref = osc.minimize(fs, np.zeros(P), method="newton")
        pids = list(c.run(os.getpid).values())
        killed = []

        def kill(xk):
            if not killed:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(time.time())

        res = osc.minimize(fs, np.zeros(P), method="newton", callback=kill)
        assert killed and res.success
        close(res.x, ref.x)
        assert res.nit == ref.nit
    finally:
        c.close()
        cluster.close()


def test_local_scheduler_for_numpy_data_with_progress(capsys):
    fs = osc.FiniteSum(logistic_rows, (X, Y), chunk_rows=ROWS, scheduler="local", n_workers=1, progress=True,
                       timeout=TIMEOUT, cluster_options={"env": {"OSCULATE_FUSION": "off"}})
    res = osc.minimize(fs, np.zeros(P), method="newton", progress=True)
    assert res.success and fs._own_cluster is None
    err = capsys.readouterr().err
    assert "round trips" in err and "newton" in err  # the bar of round trips and the bar of iterations
