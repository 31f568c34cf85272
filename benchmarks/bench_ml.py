"""Curvature for machine learning, measured on scikit-learn's digits.

Run: ``python benchmarks/bench_ml.py [--seeds 3] [--epochs 20] [--plots DIR] [--json PATH] [--quick]``.
Prints, on one core (BLAS pinned to one thread by ``_harness``):

1. approximation quality (``osculate.ml.quality.approximation_quality``)
   of the curvature estimates of a 64-32-10 tanh MLP with softmax
   cross-entropy (2,410 parameters) on 512 training examples, at the
   initial parameters and after a few epochs of Adam: the relative
   Frobenius error against the exact dense GGN per layer block and
   overall, and the cosine of each damped preconditioned gradient with the
   exact damped natural gradient;
2. training: for each optimiser that ``osculate.ml.training`` knows among
   sgd, adam, adahessian, kfac, shampoo and hessian_free, over several
   seeds (the initialisation and the minibatch order), the epochs and the
   wall time (optimisation only, evaluation excluded) until the test
   accuracy first reaches 97%, and the test loss and accuracy after the
   fixed budget of epochs; medians over seeds.  The runs are interleaved
   (seed outer, method inner), so a slow phase of a shared machine is
   spread over the methods.

``--quick`` is a smoke run (one seed, two epochs, a smaller quality batch).
``--plots DIR`` writes ``ml_training.png`` (test accuracy and loss against
epochs and against wall time, seed 0) and ``ml_quality.png`` (overall error
and cosine per estimate, at init and after training).
"""

from __future__ import annotations

import inspect
import json
import os
import statistics
import time

import _harness
import numpy as np

import osculate as osc
from osculate.ml.data import accuracy, init_mlp, load_digits_split, mlp_loss
from osculate.ml.quality import approximation_quality

try:
    from osculate.ml.optimizers import OPTIMIZERS
    from osculate.ml.training import train
except ImportError:  # the optimisers have not landed in this checkout
    OPTIMIZERS, train = {}, None
try:
    from osculate.ml.second_order import SECOND_ORDER_OPTIMIZERS
except ImportError:
    SECOND_ORDER_OPTIMIZERS = {}

#: The methods compared, in this order, with their options (chosen once by
#: hand on seed 0 from a few 12-epoch tries -- shampoo lr 1e-2 / 3e-3 / 1e-3, kfac
#: lr 0.1 / 0.05 and damping 1e-2 / 3e-2 -- not tuned per seed).
METHODS = {
    "sgd": dict(lr=0.1, momentum=0.9),
    "adam": dict(lr=1e-2),
    "adahessian": dict(lr=0.15),
    "kfac": dict(damping=3e-2),
    "shampoo": dict(lr=3e-3),
    "hessian_free": dict(),
}
TARGET = 0.97
SIZES = (64, 32, 10)


FACTORIES = {**OPTIMIZERS, **SECOND_ORDER_OPTIMIZERS}


def available_methods():
    if train is None:
        return []
    return [m for m in METHODS if m in FACTORIES]


def make_optimizer(method):
    """The optimiser object (the curvature methods are given the loss)."""
    factory = FACTORIES[method]
    if "loss" in inspect.signature(factory).parameters:
        return factory(mlp_loss, **METHODS[method])
    return factory(**METHODS[method])


def warm_params(data, epochs, seed=0):
    """Parameters after ``epochs`` of Adam (lr 1e-2, batches of 64)."""
    params = init_mlp(SIZES, seed=seed)
    if train is not None:
        return train(mlp_loss, params, data, method="adam", lr=1e-2, epochs=epochs, batch_size=64,
                                   seed=seed, progress=False).params
    # fallback without the training helper: plain minibatch gradient descent with momentum
    X, y = data
    g = osc.grad(mlp_loss)
    velocity = {k: np.zeros_like(v) for k, v in params.items()}
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), 64):
            idx = order[start:start + 64]
            grads = g(params, (X[idx], y[idx]))
            velocity = {k: 0.9 * velocity[k] - 0.1 * grads[k] for k in params}
            params = {k: params[k] + velocity[k] for k in params}
    return params


def quality_part(data, n_examples, damping, warm_epochs, probes):
    X, y = data
    batch = (X[:n_examples], y[:n_examples])
    out = {}
    for label, params in (("init", init_mlp(SIZES, seed=0)), (f"after {warm_epochs} epochs of adam",
                                                              warm_params(data, warm_epochs))):
        q = approximation_quality(mlp_loss, params, batch, damping=damping, minibatch_size=32,
                                  hutchinson_probes=probes, seed=0)
        print(f"\n-- parameters: {label} (train accuracy {accuracy(params, X, y):.3f})")
        print(q.table())
        out[label] = q
    return out


def epochs_to_target(history):
    for record in history:
        if record["test_accuracy"] >= TARGET:
            return record["epoch"], record["wall_time"]
    return None, None


def training_part(data, test, methods, seeds, epochs, batch_size):
    runs = {m: [] for m in methods}
    for seed in range(seeds):
        for method in methods:
            t0 = time.perf_counter()
            result = train(mlp_loss, init_mlp(SIZES, seed=seed), data, method=make_optimizer(method), epochs=epochs,
                           batch_size=batch_size, seed=seed, test_data=test, progress=False)
            total = time.perf_counter() - t0
            hit, hit_time = epochs_to_target(result.history)
            last = result.history[-1] if result.history else {}
            runs[method].append(dict(seed=seed, status=result.status, history=result.history, epochs_to_target=hit,
                                     time_to_target=hit_time, final_test_loss=last.get("test_loss", float("nan")),
                                     final_test_accuracy=last.get("test_accuracy", float("nan")),
                                     total_seconds=total))
            print(f"  seed {seed} {method:13s} {result.status:10s} epochs to {TARGET:.0%}: "
                  f"{hit if hit is not None else '-':>3}  final test loss {runs[method][-1]['final_test_loss']:.4f} "
                  f"accuracy {runs[method][-1]['final_test_accuracy']:.4f}  ({total:.1f} s with evaluation)",
                  flush=True)
    return runs


def _median(values):
    values = [v for v in values if v is not None and np.isfinite(v)]
    return statistics.median(values) if values else None


def training_table(runs, seeds, epochs):
    lines = [
        f"| method | reached {TARGET:.0%} | epochs to {TARGET:.0%} (median) | wall time to {TARGET:.0%} [s] (median) | "
        f"test loss after {epochs} epochs (median) | test accuracy after {epochs} epochs (median) | "
        "optimisation time per epoch [s] (median) |",
        "|---|---|---|---|---|---|---|",
    ]
    for method, rs in runs.items():
        reached = sum(r["epochs_to_target"] is not None for r in rs)
        e = _median([r["epochs_to_target"] for r in rs])
        t = _median([r["time_to_target"] for r in rs])
        loss = _median([r["final_test_loss"] for r in rs])
        acc = _median([r["final_test_accuracy"] for r in rs])
        per_epoch = _median([rec["time"] for r in rs for rec in r["history"]])
        fmt = lambda v, f: "-" if v is None else f.format(v)  # noqa: E731
        lines.append(f"| {method} | {reached}/{seeds} | {fmt(e, '{:g}')} | {fmt(t, '{:.2f}')} | {fmt(loss, '{:.4f}')} | "
                     f"{fmt(acc, '{:.4f}')} | {fmt(per_epoch, '{:.3f}')} |")
    return "\n".join(lines)


def plots(directory, quality, runs):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(directory, exist_ok=True)
    written = []
    if runs:
        fig, axes = plt.subplots(2, 2, figsize=(9, 6.5))
        for method, rs in runs.items():
            h = rs[0]["history"]
            if not h:
                continue
            ep = [r["epoch"] for r in h]
            wall = [r["wall_time"] for r in h]
            axes[0, 0].plot(ep, [r["test_accuracy"] for r in h], label=method)
            axes[0, 1].plot(wall, [r["test_accuracy"] for r in h], label=method)
            axes[1, 0].plot(ep, [r["test_loss"] for r in h], label=method)
            axes[1, 1].plot(wall, [r["test_loss"] for r in h], label=method)
        for ax in axes[0]:
            ax.axhline(TARGET, color="k", lw=0.6, ls=":")
            ax.set_ylim(0.85, 1.0)
            ax.set_ylabel("test accuracy")
        for ax in axes[1]:
            ax.set_yscale("log")
            ax.set_ylabel("test loss")
        for ax in axes[:, 0]:
            ax.set_xlabel("epoch")
        for ax in axes[:, 1]:
            ax.set_xlabel("optimisation wall time [s]")
        axes[0, 0].legend(fontsize=8)
        fig.suptitle("digits, MLP 64-32-10 tanh, batches of 64 (seed 0)")
        fig.tight_layout()
        path = os.path.join(directory, "ml_training.png")
        fig.savefig(path, dpi=80)
        plt.close(fig)
        written.append(path)
    if quality:
        labels = list(quality)
        rows = [r.method for r in quality[labels[0]].rows]
        fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))
        width = 0.8 / len(labels)
        x = np.arange(len(rows))
        for k, label in enumerate(labels):
            q = quality[label]
            block = [np.nan if r.block_errors is None else r.block_errors[0] for r in q.rows]
            err = [np.nan if r.overall_error is None else r.overall_error for r in q.rows]
            cos = [r.cosine for r in q.rows]
            axes[0].bar(x + k * width, block, width, label=label)
            axes[1].bar(x + k * width, err, width, label=label)
            axes[2].bar(x + k * width, cos, width, label=label)
        first = quality[labels[0]]
        for ax, title in zip(axes, [f"relative Frobenius error, block {first.block_names[0]} "
                                    f"({first.block_sizes[0]} parameters)",
                                    "relative Frobenius error, whole GGN",
                                    "cosine with the exact damped natural gradient"]):
            ax.set_xticks(x + width * (len(labels) - 1) / 2)
            ax.set_xticklabels(rows, rotation=60, ha="right", fontsize=8)
            ax.set_title(title, fontsize=9)
        axes[2].set_ylim(0, 1)
        axes[0].legend(fontsize=8)
        fig.tight_layout()
        path = os.path.join(directory, "ml_quality.png")
        fig.savefig(path, dpi=80)
        plt.close(fig)
        written.append(path)
    return written


def main():
    ap = _harness.parser(rounds=1, quick="smoke run: one seed, two epochs, a small quality batch")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--quality-examples", type=int, default=512)
    ap.add_argument("--damping", type=float, default=1e-3)
    ap.add_argument("--warm-epochs", type=int, default=3)
    ap.add_argument("--methods", default=None, help="comma-separated subset of " + ",".join(METHODS))
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument("--skip-training", action="store_true")
    ap.add_argument("--plots", default=None, metavar="DIR", help="write ml_training.png and ml_quality.png here")
    ap.add_argument("--json", default=None, metavar="PATH", help="write the measured numbers as JSON")
    args = ap.parse_args()
    if args.quick:
        args.seeds, args.epochs, args.quality_examples, args.warm_epochs = 1, 2, 64, 1
    _harness.banner("bench_ml: curvature estimates and optimisers on digits (MLP 64-32-10 tanh)")
    X, y, X_test, y_test = load_digits_split(test_size=0.25, seed=0)
    print(f"  {len(y)} training and {len(y_test)} test images; {'quick' if args.quick else 'full'} run")
    quality = {}
    if not args.skip_quality:
        print(f"\n== 1. approximation quality: {args.quality_examples} training examples, damping {args.damping:g}, "
              "Hutchinson 10 probes, Adam/Shampoo minibatches of 32")
        quality = quality_part((X, y), args.quality_examples, args.damping, args.warm_epochs, probes=10)
    runs = {}
    if not args.skip_training:
        methods = available_methods()
        if args.methods:
            wanted = args.methods.split(",")
            methods = [m for m in wanted if m in methods]
        missing = [m for m in METHODS if m not in available_methods()]
        print(f"\n== 2. training: {args.seeds} seeds x {args.epochs} epochs, batches of {args.batch_size}, "
              f"target test accuracy {TARGET:.0%}")
        if missing:
            print(f"  not available in this checkout (skipped): {', '.join(missing)}")
        for m in methods:
            print(f"  {m}: {METHODS[m] or 'defaults'}")
        runs = training_part((X, y), (X_test, y_test), methods, args.seeds, args.epochs, args.batch_size)
        print()
        print(training_table(runs, args.seeds, args.epochs))
    if args.plots:
        written = plots(args.plots, quality, runs)
        print("\nplots: " + ", ".join(written))
    if args.json:
        payload = {"quality": {k: q.to_dict() for k, q in quality.items()},
                   "training": {m: [{k: v for k, v in r.items()} for r in rs] for m, rs in runs.items()},
                   "options": {m: METHODS[m] for m in runs}, "args": vars(args)}
        with open(args.json, "w") as fh:
            json.dump(payload, fh, indent=1, default=float)
        print(f"numbers written to {args.json}")


if __name__ == "__main__":
    main()
