"""Structured control flow: a staged ``while_loop`` against the same loop in Python.

Run: ``python benchmarks/bench_control.py [--n 1000] [--steps 100]``.  Prints,
measured side by side in one run (minima over interleaved rounds):

* 100 Newton steps for √a (``x ← (x + a/x)/2``) on a vector of ``n`` values,
  as a Python ``while`` over NumPy, as ``osc.while_loop`` run eagerly, and
  staged by ``osc.jit`` (one node; the ratio staged / Python is the figure
  issue 17 asks to keep ≤ 2);
* the same iteration run to convergence (a trip count that depends on the
  values), staged once and replayed at other points;
* its derivative in ``a``: eager reverse mode, and ``jit(grad)`` (the guarded
  path: one staged path per trip count);
* an RK4 ``scan`` of 200 steps, Python loop vs staged node;
* JAX's ``lax.while_loop`` under ``jax.jit`` when JAX is installed.
"""

from __future__ import annotations

import time

import _harness  # noqa: F401  (pins BLAS threads and malloc before NumPy loads)
import numpy as np

import osculate as osc


def python_newton(a, steps):
    x, i = a + 1.0, 0
    while i < steps:
        x = 0.5 * (x + a / x)
        i += 1
    return x


def osc_newton(a, steps):
    return osc.while_loop(lambda c: c[0] < steps, lambda c: (c[0] + 1, 0.5 * (c[1] + a / c[1])), (0, a + 1.0))[1]


def converged_python(a):
    x = a + 1.0
    while True:
        y = 0.5 * (x + a / x)
        if not np.any(np.abs(y - x) > 1e-15 * y):
            return y
        x = y


def converged_osc(a):
    def body(c):
        return c[1], 0.5 * (c[1] + a / c[1])

    start = a + 1.0
    return osc.while_loop(lambda c: np.any(np.abs(c[1] - c[0]) > 1e-15 * c[1]), body, (start, 0.5 * (start + a / start)))[1]


def rk4_python(p, steps, h=0.01):
    y = np.array([1.0, 0.0])
    for k in range(steps):
        y = _rk4_step(p, y, k * h, h)
    return y


def _rk4_step(p, y, t, h):
    def rhs(y, t):
        return np.stack([y[1], -p[0] * y[0] - p[1] * y[1] + np.sin(t)])

    k1 = rhs(y, t)
    k2 = rhs(y + 0.5 * h * k1, t + 0.5 * h)
    k3 = rhs(y + 0.5 * h * k2, t + 0.5 * h)
    k4 = rhs(y + h * k3, t + h)
    return y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def rk4_osc(p, steps, h=0.01):
    return osc.scan(lambda y, t: (_rk4_step(p, y, t, h), None), np.array([1.0, 0.0]), h * np.arange(steps))[0]


def jax_rows(a, steps, rounds):
    jax = _harness.optional("jax")
    if jax is None:
        return None
    jax.config.update("jax_enable_x64", True)
    aj = jax.numpy.asarray(a)
    fn = jax.jit(lambda a: jax.lax.while_loop(
        lambda c: c[0] < steps, lambda c: (c[0] + 1, 0.5 * (c[1] + a / c[1])), (0, a + 1.0))[1])
    fn(aj).block_until_ready()
    return _harness.interleaved_min({"jax": lambda: fn(aj).block_until_ready()}, rounds)["jax"]


def main():
    ap = _harness.parser(rounds=15)
    ap.add_argument("--n", type=int, default=1000, help="length of the vector a")
    ap.add_argument("--steps", type=int, default=100, help="Newton steps of the fixed-count loop")
    args = ap.parse_args()
    _harness.banner(f"structured control flow: n = {args.n}, {args.steps} Newton steps")
    rng = np.random.default_rng(0)
    a = rng.uniform(0.5, 2.0, args.n)
    steps = args.steps

    staged = osc.jit(lambda a: osc_newton(a, steps))
    _, t_stage = _harness.timed(lambda: staged(a))
    assert np.allclose(staged(a * 1.5), np.sqrt(a * 1.5))
    t = _harness.interleaved_min({
        "python": lambda: python_newton(a, steps),
        "eager": lambda: osc_newton(a, steps),
        "staged": lambda: staged(a),
    }, args.rounds)
    print(f"\nfixed count ({steps} steps): first call (staging) {t_stage * 1e3:.1f} ms")
    print(f"  python loop over NumPy  {t['python'] * 1e6:9.1f} µs")
    print(f"  osc.while_loop eager    {t['eager'] * 1e6:9.1f} µs   {t['eager'] / t['python']:5.2f} × python")
    print(f"  osc.jit(while_loop)     {t['staged'] * 1e6:9.1f} µs   {t['staged'] / t['python']:5.2f} × python  (target ≤ 2)")
    tj = jax_rows(a, steps, args.rounds)
    if tj is not None:
        print(f"  jax.jit(lax.while_loop) {tj * 1e6:9.1f} µs   {tj / t['python']:5.2f} × python")

    conv = osc.jit(converged_osc)
    conv(a)
    b = a * 7.0  # another point, another trip count: the same program
    assert np.allclose(conv(b), np.sqrt(b)) and conv.cache_size() == 1
    t = _harness.interleaved_min({"python": lambda: converged_python(b), "staged": lambda: conv(b)}, args.rounds)
    print("\nrun to convergence (trip count from the values), staged at one point, replayed at another:")
    print(f"  python {t['python'] * 1e6:9.1f} µs   staged {t['staged'] * 1e6:9.1f} µs   "
          f"{t['staged'] / t['python']:5.2f} × python")

    loss = lambda a: np.sum(converged_osc(a))  # noqa: E731
    g_eager = osc.grad(loss)
    g_staged = osc.jit(osc.grad(loss))
    t0 = time.perf_counter()
    g_staged(a)
    t_stage = time.perf_counter() - t0
    assert np.allclose(g_staged(a), 0.5 / np.sqrt(a))
    t = _harness.interleaved_min({"f": lambda: converged_python(a), "eager": lambda: g_eager(a),
                                  "staged": lambda: g_staged(a)}, args.rounds)
    print("\nits gradient in a (reverse mode through the value-dependent loop):")
    print(f"  eager grad {t['eager'] * 1e6:9.1f} µs ({t['eager'] / t['f']:5.2f} × f)   "
          f"jit(grad) {t['staged'] * 1e6:9.1f} µs ({t['staged'] / t['f']:5.2f} × f; guarded path, staged in "
          f"{t_stage * 1e3:.0f} ms)")

    p = np.array([4.0, 0.3])
    scan_staged = osc.jit(lambda p: rk4_osc(p, 200))
    _, t_stage = _harness.timed(lambda: scan_staged(p))
    assert np.allclose(scan_staged(p * 1.1), rk4_python(p * 1.1, 200))
    t = _harness.interleaved_min({"python": lambda: rk4_python(p, 200), "eager": lambda: rk4_osc(p, 200),
                                  "staged": lambda: scan_staged(p)}, args.rounds)
    print(f"\nRK4, 200 steps by scan (staging {t_stage * 1e3:.0f} ms):")
    print(f"  python {t['python'] * 1e6:9.1f} µs   eager scan {t['eager'] * 1e6:9.1f} µs "
          f"({t['eager'] / t['python']:5.2f} ×)   staged {t['staged'] * 1e6:9.1f} µs ({t['staged'] / t['python']:5.2f} ×)")


if __name__ == "__main__":
    main()
