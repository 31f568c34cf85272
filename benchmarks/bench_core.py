"""Core engine cost: grad/f and hvp/f on chained Rosenbrock, hvp latency at n = 2.

Run: ``python benchmarks/bench_core.py [--n 1000000]``.  Prints, measured side
by side in one run: time ratios to f for grad and for the Hessian-vector
product in each nesting, eager and staged (``osc.jit``: traced once, then
replayed as plain NumPy) and fused (the elementwise chains compiled into
loops by numba, with the staging and compile times), a hand-written NumPy
gradient/HVP for reference,
the wall time of one HVP at n = 2, peak traced memory of grad and hvp, and
the same ratios for JAX (eager and jitted) / autograd / torch when they are
installed.
"""

from __future__ import annotations

import time

import _harness  # noqa: F401  (pins BLAS threads and malloc before NumPy loads)
import numpy as np

import osculate as osc


def f(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def grad_by_hand(x):
    d = x[1:] - x[:-1] ** 2
    g = np.zeros_like(x)
    g[:-1] = -400.0 * d * x[:-1] - 2.0 * (1.0 - x[:-1])
    g[1:] += 200.0 * d
    return g


def hvp_by_hand(x, v):
    hv = np.zeros_like(x)
    a, b = x[:-1], x[1:]
    hv[:-1] = (1200.0 * a**2 - 400.0 * b + 2.0) * v[:-1] - 400.0 * a * v[1:]
    hv[1:] += -400.0 * a * v[:-1] + 200.0 * v[1:]
    return hv


def peers(n, x, v, rounds):
    rows = []
    jax = _harness.optional("jax")
    if jax is not None:
        jax.config.update("jax_enable_x64", True)
        jnp = jax.numpy

        def jf(z):
            return jnp.sum(100.0 * (z[1:] - z[:-1] ** 2) ** 2 + (1.0 - z[:-1]) ** 2)

        xj, vj = jnp.asarray(x), jnp.asarray(v)
        jg = jax.grad(jf)
        jh = lambda: jax.jvp(jg, (xj,), (vj,))[1].block_until_ready()  # noqa: E731
        t = _harness.interleaved_min(
            {"f": lambda: jf(xj).block_until_ready(), "grad": lambda: jg(xj).block_until_ready(), "hvp": jh}, rounds
        )
        rows.append(("jax (eager)", t))
        jfj, jgj = jax.jit(jf), jax.jit(jg)
        jhj = jax.jit(lambda z, w: jax.jvp(jg, (z,), (w,))[1])
        for fn in (lambda: jfj(xj), lambda: jgj(xj), lambda: jhj(xj, vj)):
            fn().block_until_ready()  # compile outside the timing
        t = _harness.interleaved_min(
            {"f": lambda: jfj(xj).block_until_ready(), "grad": lambda: jgj(xj).block_until_ready(),
             "hvp": lambda: jhj(xj, vj).block_until_ready()}, rounds
        )
        rows.append(("jax (jit)", t))
    ag = _harness.optional("autograd")
    if ag is not None:
        anp = __import__("autograd.numpy", fromlist=["numpy"])

        def af(z):
            return anp.sum(100.0 * (z[1:] - z[:-1] ** 2) ** 2 + (1.0 - z[:-1]) ** 2)

        ahvp = ag.hessian_vector_product(af)
        t = _harness.interleaved_min({"f": lambda: af(x), "grad": lambda: ag.grad(af)(x), "hvp": lambda: ahvp(x, v)}, rounds)
        rows.append(("autograd", t))
    torch = _harness.optional("torch")
    if torch is not None:
        torch.set_num_threads(1)
        xt = torch.tensor(x)
        vt = torch.tensor(v)

        def tf(z):
            return torch.sum(100.0 * (z[1:] - z[:-1] ** 2) ** 2 + (1.0 - z[:-1]) ** 2)

        def tgrad():
            z = xt.clone().requires_grad_(True)
            return torch.autograd.grad(tf(z), z)[0]

        def thvp():
            z = xt.clone().requires_grad_(True)
            (g,) = torch.autograd.grad(tf(z), z, create_graph=True)
            return torch.autograd.grad(g, z, vt)[0]

        t = _harness.interleaved_min({"f": lambda: tf(xt), "grad": tgrad, "hvp": thvp}, rounds)
        rows.append(("torch.autograd (double backward)", t))
        tfunc = torch.func
        fgrad = tfunc.grad(tf)
        t = _harness.interleaved_min(
            {"f": lambda: tf(xt), "grad": lambda: fgrad(xt), "hvp": lambda: tfunc.jvp(fgrad, (xt,), (vt,))[1]}, rounds
        )
        rows.append(("torch.func (jvp of grad)", t))
    return rows


def dispatch_rate(ops=200, rounds=5):
    """Primitive applications per second through two traces on tiny inputs:
    the per-operation overhead that dominates small problems."""
    def chain(z):
        for _ in range(ops // 2):
            z = z * 1.0001 + 0.5
        return z

    x0 = np.array(0.3)
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        osc.jvp(lambda z: osc.vjp(chain, z)[0], (x0,), (x0,))
        best = min(best, time.perf_counter() - t0)
    return ops / best


def main():
    ap = _harness.parser(rounds=7)
    ap.add_argument("--n", type=int, default=1_000_000)
    args = ap.parse_args()
    _harness.banner(f"bench_core: chained Rosenbrock, n = {args.n}")
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, args.n)
    v = rng.standard_normal(args.n)
    assert np.allclose(osc.grad(f)(x), grad_by_hand(x))
    assert np.allclose(osc.hvp(f, x, v), hvp_by_hand(x, v))
    targets = {
        "grad": osc.grad(f),
        "value_and_grad": osc.value_and_grad(f),
        "hvp fwd-rev": lambda x, v: osc.hvp(f, x, v, mode="fwd-rev"),
        "hvp rev-fwd": lambda x, v: osc.hvp(f, x, v, mode="rev-fwd"),
        "hvp rev-rev": lambda x, v: osc.hvp(f, x, v, mode="rev-rev"),
    }
    staged = {k: osc.jit(fn, fuse=False) for k, fn in targets.items()}  # replayed as NumPy calls
    fused = {k: osc.jit(fn, fuse=True) for k, fn in targets.items()}    # loops compiled by numba
    args_of = lambda k: (x,) if k in ("grad", "value_and_grad") else (x, v)  # noqa: E731
    for k, fn in staged.items():  # stage once, outside the timing (reported here)
        t0 = time.perf_counter()
        fn(*args_of(k))
        t_stage = time.perf_counter() - t0
        t0 = time.perf_counter()
        fused[k](*args_of(k))
        fused[k](*args_of(k))  # the first replay fuses (and checks against the unfused program)
        t_fuse = time.perf_counter() - t0
        fz = fused[k].program(*args_of(k)).fused
        print(f"  staging jit({k}): {t_stage * 1e3:.1f} ms, {fn.program(*args_of(k)).n_ops} NumPy operations; "
              + (f"fused in {t_fuse * 1e3:.0f} ms into {fz.n_ops} operation(s)" if fz is not None
                 else "not fused (numba is not installed)"))
    assert np.allclose(staged["hvp fwd-rev"](x, v), hvp_by_hand(x, v))
    assert np.allclose(fused["hvp fwd-rev"](x, v), hvp_by_hand(x, v))
    fns = {
        "f": lambda: f(x),
        "grad (by hand)": lambda: grad_by_hand(x),
        "hvp (by hand)": lambda: hvp_by_hand(x, v),
        "grad": lambda: osc.grad(f)(x),
        "value_and_grad": lambda: osc.value_and_grad(f)(x),
        "hvp fwd-rev": lambda: osc.hvp(f, x, v, mode="fwd-rev"),
        "hvp rev-fwd": lambda: osc.hvp(f, x, v, mode="rev-fwd"),
        "hvp rev-rev": lambda: osc.hvp(f, x, v, mode="rev-rev"),
        "vhv (fwd-fwd)": lambda: osc.vhv(f, x, v),
        **{f"jit {k}": (lambda k: lambda: staged[k](*args_of(k)))(k) for k in targets},
        **{f"jit+fused {k}": (lambda k: lambda: fused[k](*args_of(k)))(k) for k in targets},
    }
    t = _harness.interleaved_min(fns, args.rounds)
    print(f"  f: {t['f'] * 1e3:.2f} ms")
    for k in fns:
        if k != "f":
            print(f"  {k:26s} {t[k] / t['f']:6.2f} x f   ({t[k] * 1e3:8.2f} ms)")
    print("  (hvp fwd-fwd needs one pass per coordinate: used for small n and dense Hessians only)")

    _, g_peak = _harness.traced_peak(lambda: osc.grad(f)(x))
    _, h_peak = _harness.traced_peak(lambda: osc.hvp(f, x, v))
    print(f"  peak traced memory: grad {g_peak / 2**20:.1f} MiB, hvp {h_peak / 2**20:.1f} MiB, ratio {h_peak / g_peak:.2f}")
    _, g_peak = _harness.traced_peak(lambda: staged["grad"](x))
    _, h_peak = _harness.traced_peak(lambda: staged["hvp fwd-rev"](x, v))
    print(f"  peak traced memory, jit: grad {g_peak / 2**20:.1f} MiB, hvp {h_peak / 2**20:.1f} MiB, "
          f"ratio {h_peak / g_peak:.2f}")

    x2, v2 = np.array([-1.2, 1.0]), np.array([1.0, 0.5])
    hvp2 = osc.jit(lambda x, v: osc.hvp(f, x, v), fuse=False)
    grad2 = osc.jit(osc.grad(f), fuse=False)
    hvp2f = osc.jit(lambda x, v: osc.hvp(f, x, v), fuse=True)  # what auto mode does once replays cost a compile
    grad2f = osc.jit(osc.grad(f), fuse=True)
    for _ in range(3):
        hvp2(x2, v2), grad2(x2), hvp2f(x2, v2), grad2f(x2)
    small = _harness.interleaved_min(
        {"hvp n=2": lambda: osc.hvp(f, x2, v2), "f n=2": lambda: f(x2), "grad n=2": lambda: osc.grad(f)(x2),
         "jit hvp n=2": lambda: hvp2(x2, v2), "jit grad n=2": lambda: grad2(x2),
         "fused hvp n=2": lambda: hvp2f(x2, v2), "fused grad n=2": lambda: grad2f(x2)},
        rounds=args.rounds,
        inner=200,
    )
    print(
        f"  n = 2: one hvp {small['hvp n=2'] * 1e6:.0f} us, one grad {small['grad n=2'] * 1e6:.0f} us, "
        f"f {small['f n=2'] * 1e6:.1f} us; jit: one hvp {small['jit hvp n=2'] * 1e6:.1f} us, "
        f"one grad {small['jit grad n=2'] * 1e6:.1f} us; jit, fused into one loop: one hvp "
        f"{small['fused hvp n=2'] * 1e6:.1f} us, one grad {small['fused grad n=2'] * 1e6:.1f} us"
    )
    print(f"  dispatch: {dispatch_rate() / 1e3:.0f} k primitive applications per second on 0-d values "
          "(forward mode over reverse mode, the path of one small hvp)")
    for name, tp in peers(args.n, x, v, args.rounds):
        print(f"  peer {name}: grad {tp['grad'] / tp['f']:.2f} x f, hvp {tp['hvp'] / tp['f']:.2f} x f "
              f"(its own f; absolute: grad {tp['grad'] * 1e3:.2f} ms, hvp {tp['hvp'] * 1e3:.2f} ms, "
              f"i.e. {tp['grad'] / t['f']:.2f} / {tp['hvp'] / t['f']:.2f} x NumPy's f)")


if __name__ == "__main__":
    main()
