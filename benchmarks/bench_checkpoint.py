"""Checkpointing: peak memory and time of grad and hvp on a deep tanh chain.

Run: ``python benchmarks/bench_checkpoint.py [--layers 200] [--width 200] [--batch 64]``.
The chain is ``x -> tanh(W x)`` repeated ``layers`` times with one fixed,
seeded ``W`` (``width × width``), applied to a batch of ``batch`` columns
(``--batch 1``: a single vector), and reduced by ``sum(x²)``.  Three variants,
measured side by side in one run:

* ``plain``: no checkpointing (the tape holds every layer's intermediates);
* ``per layer``: every layer wrapped in ``osc.checkpoint``;
* ``√L segments``: ``ceil(√L)`` layers per checkpointed segment (the classic
  square-root schedule: the tape holds only the segment boundaries, and one
  segment is recomputed at a time in the backward sweep).

For each: peak traced memory (tracemalloc) and time of ``grad`` and of the
Hessian-vector product in each reverse-containing nesting, and the ratios to
``plain``.
"""

from __future__ import annotations

import math

import _harness  # noqa: F401  (pins BLAS threads and malloc before NumPy loads)
import numpy as np

import osculate as osc


def build(W, layers):
    def layer(z):
        return np.tanh(W @ z)

    def plain(z):
        for _ in range(layers):
            z = layer(z)
        return np.sum(z * z)

    ck_layer = osc.checkpoint(layer)

    def per_layer(z):
        for _ in range(layers):
            z = ck_layer(z)
        return np.sum(z * z)

    s = math.ceil(math.sqrt(layers))

    def segment(z):
        for _ in range(s):
            z = layer(z)
        return z

    ck_segment = osc.checkpoint(segment)

    def segments(z):
        done = 0
        while done + s <= layers:
            z = ck_segment(z)
            done += s
        for _ in range(layers - done):
            z = layer(z)
        return np.sum(z * z)

    return {"plain": plain, "per layer": per_layer, f"√L segments ({s})": segments}


def main():
    ap = _harness.parser(rounds=3)
    ap.add_argument("--layers", type=int, default=200)
    ap.add_argument("--width", type=int, default=200)
    ap.add_argument("--batch", type=int, default=64)
    args = ap.parse_args()
    _harness.banner(
        f"bench_checkpoint: {args.layers} layers of tanh(W x), W {args.width}x{args.width}, "
        f"x {args.width}x{args.batch}"
    )
    rng = np.random.default_rng(0)
    W = 1.2 * rng.standard_normal((args.width, args.width)) / np.sqrt(args.width)
    shape = (args.width,) if args.batch == 1 else (args.width, args.batch)
    x = rng.standard_normal(shape)
    v = rng.standard_normal(shape)
    variants = build(W, args.layers)
    ops = {"grad": lambda f: osc.grad(f)(x)}
    for mode in ("fwd-rev", "rev-fwd", "rev-rev"):
        ops[f"hvp {mode}"] = lambda f, mode=mode: osc.hvp(f, x, v, mode=mode)

    ref = {k: op(variants["plain"]) for k, op in ops.items()}
    for name, f in variants.items():
        for k, op in ops.items():
            out = op(f)
            assert np.allclose(out, ref[k], rtol=1e-10, atol=1e-12), (name, k)

    print(f"   bytes of one activation: {x.nbytes / 2**10:.1f} KiB; {args.layers} layers")
    print(f"   {'op':12s} {'variant':22s} {'peak MiB':>9s} {'vs plain':>9s} {'time ms':>9s} {'vs plain':>9s}")
    for k, op in ops.items():
        peaks = {name: _harness.traced_peak(lambda f=f: op(f))[1] for name, f in variants.items()}
        times = _harness.interleaved_min({name: (lambda f=f: op(f)) for name, f in variants.items()}, args.rounds)
        for name in variants:
            print(f"   {k:12s} {name:22s} {peaks[name] / 2**20:9.2f} {peaks[name] / peaks['plain']:8.2f}x "
                  f"{times[name] * 1e3:9.1f} {times[name] / times['plain']:8.2f}x")
    print("   (every rule of a checkpoint binds another checkpoint, so the outer reverse pass of rev-fwd and "
          "rev-rev records one call per segment too)")


if __name__ == "__main__":
    main()
