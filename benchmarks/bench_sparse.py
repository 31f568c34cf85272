"""Sparse Hessians: detection, colouring and compressed evaluation at n = 10⁴ and 10⁵.

Run: ``python benchmarks/bench_sparse.py [--quick | --large] [--no-dense] [--rounds R]``.
For chained Rosenbrock (n = 10⁴, 10⁵; ``--large``: 10⁵ only) and the energy
½|∇u|² of an m × m grid Laplacian (m = 100, 316; ``--large``: 316 only),
prints, measured in one run:

* detection time (global index sets) and the pattern's nonzeros;
* colouring time and colour count, star vs acyclic (natural and
  smallest-last orderings);
* compressed evaluation time of a plan (second call, output in CSC), its
  ratio to ``f`` and to one Hessian-vector product -- staged (the default:
  the batched pass replayed as plain NumPy, see ``osc.jit``) and eager
  (``staged=False``); beside it, in the same interleaved rounds, the same
  call's values wrapped the way a call did before the plan checked the
  structure once (``coloring.assemble``: SciPy's constructor around copies
  of the index arrays; this isolates the wrapping, not the rest of a call's
  history);
* the 1-minute load average before and after the timed rounds (the machine
  may be shared: figures are minima over interleaved rounds);
* the dense ``osc.hessian`` time where the n × n result fits in memory
  (otherwise "skipped");
* CasADi's sparse Hessian evaluation time when casadi is installed, and
  JAX's (``jax.jit`` of the same batched products and gather, into the same
  SciPy matrix) when jax is installed, each timed in rounds interleaved with
  the plan's call (printed beside it: the same cache state and load).
"""

from __future__ import annotations

import os

import _harness  # noqa: F401  (pins BLAS threads and malloc before NumPy loads)
import numpy as np

import osculate as osc
from osculate.sparse import acyclic_coloring, star_coloring
from osculate.testing.sparse_problems import chained_rosenbrock, laplacian_energy


def available_bytes():
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def load():
    """The 1-minute load average (``?`` where the platform has none)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "?"


def casadi_time(name, n, x, rounds, ours):
    ca = _harness.optional("casadi")
    if ca is None:
        return None
    z = ca.SX.sym("x", n)
    if name == "rosenbrock":
        expr = ca.sum1(100.0 * (z[1:] - z[:-1] ** 2) ** 2 + (1.0 - z[:-1]) ** 2)
    else:
        m = int(round(np.sqrt(n)))
        u = ca.reshape(z, m, m)  # column-major: the same energy up to a transpose
        expr = 0.5 * (ca.sumsqr(u[1:, :] - u[:-1, :]) + ca.sumsqr(u[:, 1:] - u[:, :-1]))
    H, _ = ca.hessian(expr, z)
    fn = ca.Function("h", [z], [H])
    xd = ca.DM(x)  # converted once: time the evaluation, not the input conversion
    fn(xd)
    t = _harness.interleaved_min({"casadi": lambda: fn(xd), "ours": ours}, rounds)
    return t["casadi"], t["ours"]


def jax_time(name, plan, n, x, rounds, ours):
    """JAX, jitted, doing what the plan does: the batched forward-over-reverse
    products with the plan's seed matrix, the same gather into the CSC data
    array, and the same SciPy matrix around it (sharing the plan's index
    arrays, as the plan's own results do)."""
    jax = _harness.optional("jax")
    if jax is None:
        return None
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    if name == "rosenbrock":
        def fj(z):
            return jnp.sum(100.0 * (z[1:] - z[:-1] ** 2) ** 2 + (1.0 - z[:-1]) ** 2)
    else:
        m = int(round(np.sqrt(n)))

        def fj(z):
            u = z.reshape(m, m)
            return 0.5 * (jnp.sum((u[1:, :] - u[:-1, :]) ** 2) + jnp.sum((u[:, 1:] - u[:, :-1]) ** 2))
    col = plan.coloring_result
    St = jnp.asarray(col.seed_matrix().T)
    gather = jnp.asarray(col._plan("csc", False).gather)
    g = jax.grad(fj)
    data = jax.jit(lambda z: jnp.take(jax.vmap(lambda v: jax.jvp(g, (z,), (v,))[1])(St).reshape(-1), gather))
    xj = jnp.asarray(x)
    wrap = plan._results[("csc", False)]  # the plan's own wrapper (copies of its checked index arrays)
    H = wrap(np.asarray(data(xj)))
    assert np.allclose(H @ np.ones(n), plan(x, format="csc") @ np.ones(n))
    t = _harness.interleaved_min({"jax": lambda: wrap(np.asarray(data(xj))), "ours": ours}, rounds)
    return t["jax"], t["ours"]


def run(name, f, n, rounds, dense_ok):
    x = np.random.default_rng(0).uniform(-1.0, 1.0, n)
    print(f"\n{name}, n = {n}")
    P, t_det = _harness.timed(lambda: osc.hessian_sparsity(f, x))
    print(f"   detection            {t_det * 1e3:9.1f} ms   (nnz {P.nnz}, {P.nnz / n:.1f} per row)")
    for order in ("natural", "smallest_last"):
        s, t_s = _harness.timed(lambda: star_coloring(P, order))
        a, t_a = _harness.timed(lambda: acyclic_coloring(P, order))
        print(f"   colouring {order:14s} star {s.n_colors} colours {t_s * 1e3:7.1f} ms | "
              f"acyclic {a.n_colors} colours {t_a * 1e3:7.1f} ms")
    plan = osc.sparse_hessian(f, x, coloring="auto")
    plans = {"star": osc.sparse_hessian(f, x, coloring="star"), "acyclic": osc.sparse_hessian(f, x, coloring="acyclic")}
    eager = osc.sparse_hessian(f, x, coloring="auto", staged=False)
    v = np.ones(n)
    H, t_first = _harness.timed(lambda: plan(x, format="csc"))
    x2 = x[::-1].copy()  # time the replay at another point than the one staged
    for p in (plan, eager, *plans.values()):
        for _ in range(4):  # staged plans are fused (numba) on their third replay: time the loops
            p(x2, format="csc")
    values = plan._evaluator(x2.dtype, ("csc", False))  # what a call computes before wrapping the result
    fns = {"f": lambda: f(x2), "hvp": lambda: osc.hvp(f, x2, v), "plan": lambda: plan(x2, format="csc"),
           "copying": lambda: plan.coloring_result.assemble(values(x2), "csc"),
           "eager": lambda: eager(x2, format="csc")}
    fns.update({k: (lambda p=p: p(x2, format="csc")) for k, p in plans.items()})
    load0 = load()
    t = _harness.interleaved_min(fns, rounds)
    print(f"   plan (auto: {plan.coloring_result.kind}, {plan.n_colors} colours): first call (stages) {t_first * 1e3:.1f} ms; "
          f"later calls into CSC {t['plan'] * 1e3:.3f} ms = {t['plan'] / t['f']:.2f} x f "
          f"({t['f'] * 1e3:.3f} ms) = {t['plan'] / t['hvp']:.2f} x one eager hvp ({t['hvp'] * 1e3:.2f} ms); "
          f"eager plan {t['eager'] * 1e3:.2f} ms   [load {load0} -> {load()}]")
    print(f"   the same call's values wrapped by SciPy's constructor (coloring.assemble, as before the "
          f"structure was checked once per plan): {t['copying'] * 1e3:.3f} ms")
    print("   staged plans into CSC: " + "; ".join(
        f"{k} ({p.n_colors} colours) {t[k] * 1e3:.2f} ms" for k, p in plans.items()))
    assert np.allclose(H @ v, osc.hvp(f, x, v))
    assert np.allclose(plan(x2) @ v, osc.hvp(f, x2, v))
    result = {"n": n, "detect": t_det, "plan": t["plan"], "f": t["f"], "colors": plan.n_colors}
    need = 4 * n * n * 8  # the result, the concatenated chunks and the symmetrisation temporaries
    if dense_ok and need < 0.7 * available_bytes():
        Hd, t_dense = _harness.timed(lambda: osc.hessian(f, chunk_size=500)(x))
        assert np.allclose(Hd @ v, H @ v)
        del Hd
        print(f"   dense osc.hessian(chunk_size=500): {t_dense:.2f} s = {t_dense / t['plan']:.0f} x the sparse plan")
        result["dense"] = t_dense
    else:
        why = "disabled (--no-dense)" if not dense_ok else f"needs ~{need / 2**30:.0f} GiB"
        print(f"   dense osc.hessian: skipped ({n}² · 8 B = {n * n * 8 / 2**30:.1f} GiB; {why})")
    kind = "rosenbrock" if "Rosenbrock" in name else "grid"
    ours = fns["plan"]  # each peer is timed in rounds interleaved with the plan: the same cache and load

    def peer(label, got, what):
        if got is None:
            return f"   peer {label}: not installed"
        return f"   peer {label}: {what} {got[0] * 1e3:.3f} ms (the plan in the same rounds {got[1] * 1e3:.3f} ms)"

    print(peer("casadi", casadi_time(kind, n, x2, rounds, ours), "SX sparse Hessian function, one evaluation"))
    print(peer("jax", jax_time(kind, plan, n, x2, rounds, ours),
               "jax.jit of the same batched products and gather, into the same CSC matrix"))
    return result


def main():
    ap = _harness.parser(rounds=5, quick="n = 10^3 only (a smoke run)")
    ap.add_argument("--no-dense", action="store_true", help="skip the dense comparison")
    ap.add_argument("--large", action="store_true", help="n = 10^5 and the 316 x 316 grid only")
    args = ap.parse_args()
    _harness.banner("bench_sparse: sparse Hessian plans (detection, colouring, compressed evaluation)")
    sizes = [(1000, 32)] if args.quick else [(100_000, 316)] if args.large else [(10_000, 100), (100_000, 316)]
    for n, m in sizes:
        run("chained Rosenbrock", chained_rosenbrock, n, args.rounds, not args.no_dense)
        run(f"grid Laplacian energy {m}x{m}", laplacian_energy, m * m, args.rounds, not args.no_dense)


if __name__ == "__main__":
    main()
