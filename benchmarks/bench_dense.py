"""Dense Hessians: cost against hand-written NumPy, latency at small n, memory of chunking.

Run: ``python benchmarks/bench_dense.py [--quick]``.  Prints, measured side by
side in one run:

1. logistic-regression negative log-likelihood with ``A`` in R^{5000 x 200}:
   ``osc.hessian`` (each nesting, packed ``symmetric=True``, chunked, and
   staged with ``osc.jit``) against the analytic NumPy Hessian
   ``Aᵀ diag(p(1-p)) A`` (targets: eager <= 2x, staged <= 1.05x);
2. chained Rosenbrock at n = 10: one dense Hessian, eager and staged, against
   JAX (eager and jitted) and autograd when they are installed;
3. a dense Hessian at n = 5000 (``(Σx)² + Σ sin x``): peak traced memory
   (tracemalloc) and time of ``osc.hessian(..., chunk_size=k)`` for a few
   ``k``, against the ``n²·8`` bytes of the result itself.
"""

from __future__ import annotations

import time

import _harness  # noqa: F401  (pins BLAS threads and malloc before NumPy loads)
import numpy as np

import osculate as osc


def peak_and_time(fn):
    """``(fn(), peak bytes, seconds)`` of one call, timed while traced."""
    (out, dt), peak = _harness.traced_peak(lambda: _harness.timed(fn))
    return out, peak, dt


# --------------------------------------------------------------------------- 1. logistic regression


def logistic(m, n, rounds):
    rng = np.random.default_rng(0)
    A = rng.standard_normal((m, n)) / np.sqrt(n)
    y = np.where(rng.uniform(size=m) < 0.5, -1.0, 1.0)
    w = 0.3 * rng.standard_normal(n)

    def nll(w):
        return np.sum(np.logaddexp(0.0, -y * (A @ w)))

    def analytic(w):
        p = 1.0 / (1.0 + np.exp(-(A @ w)))
        return A.T @ ((p * (1.0 - p))[:, None] * A)

    H = osc.hessian(nll)(w)
    err = np.max(np.abs(H - analytic(w))) / np.max(np.abs(H))
    assert err < 1e-12, err
    fns = {
        "analytic Aᵀ D A": lambda: analytic(w),
        "f (one NLL)": lambda: nll(w),
        "grad": lambda: osc.grad(nll)(w),
    }
    for mode in osc.HVP_MODES:
        if mode == "fwd-fwd" and n > 50:
            continue  # n² second directional derivatives: shown separately below
        fns[f"hessian {mode}"] = lambda mode=mode: osc.hessian(nll, mode=mode)(w)
    fns["hessian symmetric=True"] = lambda: osc.hessian(nll, symmetric=True)(w)
    fns["hessian chunk_size=50"] = lambda: osc.hessian(nll, chunk_size=50)(w)
    staged = osc.jit(osc.hessian(nll))
    t0 = time.perf_counter()
    staged(w)
    t_stage = time.perf_counter() - t0
    w2 = -w  # replay at another point than the one staged
    assert np.max(np.abs(staged(w2) - analytic(w2))) < 1e-12 * np.max(np.abs(analytic(w2)))
    for _ in range(3):  # a staged program is fused (numba) on its third replay: time the loops
        staged(w2)
    fns["jit(hessian)"] = lambda: staged(w2)
    t = _harness.interleaved_min(fns, rounds)
    base = t["analytic Aᵀ D A"]
    print(f"\n1. logistic NLL, A in R^{m}x{n}: dense Hessian (relative error vs analytic {err:.1e})")
    for k, v in t.items():
        print(f"   {k:26s} {v * 1e3:9.2f} ms   {v / base:6.2f} x analytic")
    names = [e[0].name for e in staged.program(w).eqns]
    fused = staged.program(w).fused
    loops = "" if fused is None else (f"; fused: {len(fused.eqns)} operations, "
                                      f"{[e.prim.name for e in fused.eqns].count('fused')} of them compiled loops")
    print(f"   (jit(hessian): staged once in {t_stage * 1e3:.0f} ms; {len(names)} NumPy operations, "
          f"{names.count('matmul')} of them matmuls -- A @ I was folded at staging{loops})")
    for k, target in (("hessian fwd-rev", 2.0), ("jit(hessian)", 1.05)):
        ratio = t[k] / base
        print(f"   -> {k} / analytic = {ratio:.2f} (target <= {target}): {'met' if ratio <= target else 'NOT met'}")
    return t


# --------------------------------------------------------------------------- 2. small n latency and peers


def rosenbrock(x, np_=np):
    return np_.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def small(rounds):
    x = np.linspace(-1.2, 1.0, 10)
    staged = osc.jit(osc.hessian(rosenbrock))
    staged(x)
    t = _harness.interleaved_min(
        {
            "f": lambda: rosenbrock(x),
            "jit(hessian)": lambda: staged(x),
            "hessian fwd-rev": lambda: osc.hessian(rosenbrock)(x),
            "hessian fwd-fwd": lambda: osc.hessian(rosenbrock, mode="fwd-fwd")(x),
            "hessian symmetric fwd-fwd": lambda: osc.hessian(rosenbrock, mode="fwd-fwd", symmetric=True)(x),
        },
        rounds,
        inner=20,
    )
    print("\n2. chained Rosenbrock, n = 10: one dense Hessian")
    for k, v in t.items():
        print(f"   {k:28s} {v * 1e6:9.1f} us")
    jax = _harness.optional("jax")
    if jax is not None:
        jax.config.update("jax_enable_x64", True)
        jnp = jax.numpy
        xj = jnp.asarray(x)
        jh = jax.hessian(lambda z: rosenbrock(z, jnp))
        jhj = jax.jit(jh)
        jhj(xj).block_until_ready()
        tj = _harness.interleaved_min(
            {"jax": lambda: jh(xj).block_until_ready(), "jit": lambda: jhj(xj).block_until_ready()}, rounds, inner=5
        )
        print(f"   {'peer jax.hessian (eager)':28s} {tj['jax'] * 1e6:9.1f} us")
        print(f"   {'peer jax.jit(jax.hessian)':28s} {tj['jit'] * 1e6:9.1f} us")
    else:
        print("   peer jax: not installed")
    ag = _harness.optional("autograd")
    if ag is not None:
        anp = __import__("autograd.numpy", fromlist=["numpy"])
        ah = ag.hessian(lambda z: rosenbrock(z, anp))
        ta = _harness.interleaved_min({"autograd": lambda: ah(x)}, rounds, inner=5)
        print(f"   {'peer autograd.hessian':28s} {ta['autograd'] * 1e6:9.1f} us")
    else:
        print("   peer autograd: not installed")
    return t


# --------------------------------------------------------------------------- 3. memory of chunking


def dense_sum(x):
    return np.sum(x) ** 2 + np.sum(np.sin(x))


def memory(n, chunks):
    x = np.linspace(-1.0, 1.0, n)
    result_bytes = n * n * 8
    want_diag = 2.0 - np.sin(x)
    print(f"\n3. dense Hessian of (Σx)² + Σ sin x at n = {n}: n²·8 B = {result_bytes / 2**20:.0f} MiB")
    print(f"   {'call':36s} {'peak MiB':>9s} {'peak / n²·8B':>12s} {'time s':>8s}")
    rows = []
    for k in chunks:
        for sym in (False, True):
            label = f"hessian(chunk_size={k}{', symmetric' if sym else ''})"
            H, peak, dt = peak_and_time(lambda: osc.hessian(dense_sum, chunk_size=k, symmetric=sym)(x))
            d = H.diagonal() if sym else np.diag(H)
            assert np.allclose(d, want_diag)
            del H
            rows.append((label, peak, dt))
            print(f"   {label:36s} {peak / 2**20:9.0f} {peak / result_bytes:12.2f} {dt:8.2f}")
    d, peak, dt = peak_and_time(lambda: osc.hessian_diagonal(dense_sum, x, chunk_size=chunks[0]))
    assert np.allclose(d, want_diag)
    print(f"   {'hessian_diagonal(chunk_size=' + str(chunks[0]) + ')':36s} {peak / 2**20:9.1f} {peak / result_bytes:12.3f} {dt:8.2f}")
    return rows


def main():
    args = _harness.parser(rounds=5, quick="smaller sizes (a smoke run)").parse_args()
    _harness.banner("bench_dense: dense Hessians (analytic comparison, small-n latency, chunked memory)")
    if args.quick:
        logistic(500, 40, 2)
        small(2)
        memory(300, [30, 300])
    else:
        logistic(5000, 200, args.rounds)
        small(args.rounds)
        memory(5000, [100, 1000, 5000])


if __name__ == "__main__":
    main()
