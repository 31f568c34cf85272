"""Curvature analysis cost on an MLP loss: Lanczos extremes, trace estimation,
and the Hessian operator's reuse.

Run: ``python benchmarks/bench_curvature.py [--hidden 256] [--batch 128] [--rounds 3]``.
Prints, measured side by side in one run:

1. the top-5 Hessian eigenvalues of a softmax-cross-entropy MLP loss with
   ~10⁵ parameters (128-256-256-10, tanh) by Lanczos on
   ``osc.hessian_operator``: wall time as a ratio to one gradient, with the
   number of Hessian-vector products and the part of the time spent in them;
2. Hutch++ with 100 products against the exact trace.  The exact trace
   (``n`` second-order directional derivatives, batched) is computed on a
   smaller MLP (16-32-32-10, ~2·10³ parameters); at 10⁵ parameters its cost
   is *extrapolated* from one timed chunk of basis directions and printed
   as such;
3. the operator's reuse: 100 products with ``reuse=True`` (one
   linearisation, then tape replays) against 100 independent ``osc.hvp``
   calls, and one ``op @ V`` with 100 columns against 100 single products.
"""

from __future__ import annotations

import time

import _harness  # noqa: F401  (pins BLAS threads and malloc before NumPy loads)
import numpy as np
from scipy.sparse.linalg import LinearOperator

import osculate as osc
from osculate.ad.batching import vmap
from osculate.analysis import hessian_trace
from osculate.linop import eigenvalues


def make_mlp(sizes, batch, seed=0):
    """A softmax cross-entropy loss of a tanh MLP with flat parameters ``w``."""
    rng = np.random.default_rng(seed)
    shapes = [(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)]
    X = rng.standard_normal((batch, sizes[0]))
    onehot = np.eye(sizes[-1])[rng.integers(0, sizes[-1], batch)]

    def loss(w):
        h, i = X, 0
        for j, (a, b) in enumerate(shapes):
            W = w[i : i + a * b].reshape(a, b)
            i += a * b
            h = h @ W + w[i : i + b]
            i += b
            if j < len(shapes) - 1:
                h = np.tanh(h)
        return np.mean(osc.numpy.logsumexp(h, axis=1) - np.sum(h * onehot, axis=1))

    w = np.concatenate([np.concatenate([rng.standard_normal(a * b) / np.sqrt(a), 0.1 * rng.standard_normal(b)])
                        for a, b in shapes])
    return loss, w


class TimedOperator(LinearOperator):
    """Wraps an operator and accumulates the wall time spent in its products."""

    def __init__(self, op):
        super().__init__(dtype=op.dtype, shape=op.shape)
        self.op, self.seconds = op, 0.0

    def _matvec(self, v):
        t0 = time.perf_counter()
        out = self.op.matvec(v)
        self.seconds += time.perf_counter() - t0
        return out

    def _matmat(self, V):
        t0 = time.perf_counter()
        out = self.op.matmat(V)
        self.seconds += time.perf_counter() - t0
        return out

    _rmatvec = _matvec


def mlp_from_command_line(rounds, **extra):
    """``(args, sizes, loss, w)``: the benchmark MLP sized by ``--hidden``,
    ``--inputs``, ``--batch``, with ``--rounds``, ``--tol`` and ``extra``
    options (``name=(type, default, help)``)."""
    ap = _harness.parser(rounds=rounds)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--inputs", type=int, default=128)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--tol", type=float, default=1e-8, help="relative residual tolerance of the Lanczos eigenpairs")
    for name, (kind, default, text) in extra.items():
        ap.add_argument(f"--{name}", type=kind, default=default, help=text)
    args = ap.parse_args()
    sizes = (args.inputs, args.hidden, args.hidden, 10)
    loss, w = make_mlp(sizes, args.batch)
    return args, sizes, loss, w


def main():
    args, sizes, loss, w = mlp_from_command_line(rounds=3)
    n = w.size
    _harness.banner(f"bench_curvature: MLP {'-'.join(map(str, sizes))} (tanh, softmax CE), batch {args.batch}, n = {n}")
    vg = osc.value_and_grad(loss)
    t = _harness.interleaved_min({"f": lambda: loss(w), "grad": lambda: vg(w)}, args.rounds)
    t_grad = t["grad"]
    print(f"  f {t['f'] * 1e3:.1f} ms, one gradient {t_grad * 1e3:.1f} ms ({t_grad / t['f']:.2f} x f)")

    # 1. top-5 eigenvalues by Lanczos ------------------------------------------------------------
    op, t_build = _harness.timed(lambda: osc.hessian_operator(loss, w))
    top = TimedOperator(op)
    res, t_lz = _harness.timed(lambda: eigenvalues(top, k=5, which="LA", tol=args.tol))
    total = t_build + t_lz
    print("\n1. top-5 Hessian eigenvalues by Lanczos (partial reorthogonalisation, the default; see bench_eigen.py)")
    print(f"  eigenvalues {np.array2string(res.values[::-1], precision=6)}; converged={res.converged} "
          f"(residuals <= {args.tol:g} x ||H||), max residual {res.residuals.max():.1e}")
    print(f"  {res.n_matvec} Hessian-vector products; time {total:.2f} s = {total / t_grad:.0f} gradients "
          f"(linearise {t_build * 1e3:.0f} ms, products {top.seconds:.2f} s = "
          f"{top.seconds / res.n_matvec / t_grad:.2f} gradients each, "
          f"Lanczos bookkeeping {t_lz - top.seconds:.2f} s)")
    lo = eigenvalues(op, k=1, which="SA", tol=1e-6)
    print(f"  (smallest eigenvalue {lo.values[0]:.4g} from {lo.n_matvec} more products: the loss is non-convex here)")

    # 2. Hutch++ vs exact trace --------------------------------------------------------------------
    print("\n2. trace of the Hessian: Hutch++ (100 products) vs exact")
    small_sizes = (16, 32, 32, 10)
    small, ws = make_mlp(small_sizes, args.batch, seed=2)
    exact, t_exact = _harness.timed(lambda: hessian_trace(small, ws, "exact"))
    hpp, t_hpp = _harness.timed(lambda: hessian_trace(small, ws, "hutch++", n_probes=100, seed=0))
    hut, t_hut = _harness.timed(lambda: hessian_trace(small, ws, "hutchinson", n_probes=100, seed=0))
    print(f"  small MLP {'-'.join(map(str, small_sizes))}, n = {ws.size} (exact is affordable here):")
    print(f"    exact      {exact.estimate: .6f}                       {t_exact:6.2f} s")
    for name, est, tt in (("Hutch++", hpp, t_hpp), ("Hutchinson", hut, t_hut)):
        err = est.estimate - exact.estimate
        print(f"    {name:10s} {est.estimate: .6f} ± {est.std_error:.6f} (error {err:+.2e} = "
              f"{err / est.std_error:+.2f} SE)  {tt:6.2f} s = {t_exact / tt:.1f}x faster than exact")
    big, t_big = _harness.timed(lambda: hessian_trace(loss, w, "hutch++", n_probes=100, seed=0))
    chunk = 32
    E = np.zeros((chunk, n))
    E[np.arange(chunk), np.arange(chunk)] = 1.0
    second = vmap(lambda e: osc.vhv(loss, w, e))
    _, t_chunk = _harness.timed(lambda: second(E))
    est_exact = t_chunk * n / chunk
    print(f"  full MLP, n = {n}: Hutch++ {big.estimate:.6f} ± {big.std_error:.6f} in {t_big:.2f} s "
          f"({t_big / t_grad:.0f} gradients)")
    print(f"    exact trace NOT run at this size: {chunk} batched directional second derivatives took "
          f"{t_chunk:.2f} s, so all {n} would take ~{est_exact:.0f} s (extrapolated), "
          f"~{est_exact / t_big:.0f}x the Hutch++ time")

    # 3. operator reuse --------------------------------------------------------------------------
    print("\n3. hessian_operator reuse (100 products)")
    V = np.random.default_rng(3).standard_normal((n, 100))
    cols = [np.ascontiguousarray(V[:, i]) for i in range(100)]

    def reuse_loop():
        o = osc.hessian_operator(loss, w, reuse=True)
        return [o @ c for c in cols]

    def independent():
        return [osc.hvp(loss, w, c) for c in cols]

    def matmat():
        return op @ V

    def matvecs():
        return [op @ c for c in cols]

    rounds = max(1, args.rounds - 1)
    tt = _harness.interleaved_min(
        {"reuse": reuse_loop, "hvp": independent, "matmat": matmat, "matvecs": matvecs}, rounds
    )
    a, b = np.stack(reuse_loop()[:3], axis=1), np.stack(independent()[:3], axis=1)
    assert np.allclose(a, b, rtol=1e-9, atol=1e-12)
    assert np.allclose(matmat()[:, :3], a, rtol=1e-9, atol=1e-12)
    print(f"  reuse=True (linearise once + 100 products) {tt['reuse']:.2f} s vs 100 osc.hvp {tt['hvp']:.2f} s: "
          f"ratio {tt['reuse'] / tt['hvp']:.2f} ({tt['hvp'] / tt['reuse']:.2f}x faster)")
    print(f"  op @ V, 100 columns {tt['matmat']:.2f} s vs 100 products op @ v {tt['matvecs']:.2f} s: "
          f"ratio {tt['matmat'] / tt['matvecs']:.2f}")
    print(f"  per product: {tt['matvecs'] / 100 * 1e3:.1f} ms = {tt['matvecs'] / 100 / t_grad:.2f} gradients")


if __name__ == "__main__":
    main()
