"""``osculate demo``: a guided tour on the worked examples of the project's
source documents.  Prints concise results and writes its plots to a folder.

The tour calls osculate's public functions -- the objects ``osc.hessian``,
``osc.hvp``... -- imported from the subpackages that define them
(:mod:`osculate.ad`, :mod:`osculate.analysis`, :mod:`osculate.linop`,
:mod:`osculate.optim`, :mod:`osculate.sparse`): the command line sits below
the package root, which re-exports them."""

from __future__ import annotations

import os
import time

import numpy as np

from ..ad import HVP_MODES, grad, hessian, hvp, jit, value_and_grad, vhv
from ..ad.taylor import derivatives_along
from ..analysis import classify_point, curvature, find_critical_points, graph_curvature, plot_landscape, quadratic_model
from ..formatting import format_numbers
from ..linop import eigenvalues, hessian_operator, spectral_density
from ..ml import approximation_quality, describe
from ..ml.data import init_mlp, load_digits_split, mlp_loss
from ..ml.optimizers import adam
from ..ml.second_order import kfac
from ..ml.training import train
from ..optim import minimize
from ..sparse import sparse_hessian
from .output import landscape, prepare_output_dir, save_figure, spectrum_figure
from .spectrum import mlp_problem

__all__ = ["run_demo", "run"]


def _rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _section(title):
    print(f"\n== {title} " + "=" * max(0, 70 - len(title)))


def run(args):
    """The ``demo`` subcommand: the output folder is checked before the tour starts."""
    if not args.no_plots:
        prepare_output_dir(args.out)
    return run_demo(args.out, plots=not args.no_plots)


def run_demo(out_dir="osculate-demo", plots=True):
    """Run the tour, printing as it goes; the plots go to ``out_dir`` unless ``plots`` is false."""
    t_start = time.perf_counter()
    plt = None
    if plots:
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            print("(Matplotlib is not installed: plots are skipped; pip install 'osculate[cli]')")
        else:
            os.makedirs(out_dir, exist_ok=True)
    written = []
    print("osculate demo: second and higher derivatives of plain NumPy code")

    _section("1. Gradient, Hessian and Hessian-vector products (chained Rosenbrock)")
    x = np.array([-1.2, 1.0, 1.5])
    v = np.array([1.0, 0.0, -1.0])
    value, g = value_and_grad(_rosenbrock)(x)
    H = hessian(_rosenbrock)(x)
    print(f"f(-1.2, 1, 1.5) = {float(value):.6g}; gradient {format_numbers(g)} (one reverse sweep)")
    print("Hessian (one batched forward-over-reverse pass, exactly symmetric):")
    print("  " + format_numbers(H, 5).replace("\n", "\n  "))
    for mode in HVP_MODES:
        print(f"  H v by {mode:7s}: {format_numbers(hvp(_rosenbrock, x, v, mode=mode))}")
    print(f"  vᵀ H v = {float(vhv(_rosenbrock, x, v)):.6g}  (forward over forward; no Hessian formed)")
    xb = np.linspace(-1.0, 1.0, 100_000)
    vb = np.cos(np.arange(xb.size))
    staged = jit(lambda x, v: hvp(_rosenbrock, x, v))
    t0 = time.perf_counter()
    staged(xb, vb)  # traces once, compiles a straight-line NumPy program
    t_stage = time.perf_counter() - t0
    best = {}
    for name, fn in (("f", lambda: _rosenbrock(xb)), ("eager", lambda: hvp(_rosenbrock, xb, vb)),
                     ("jit", lambda: staged(xb, vb))):
        best[name] = min(_timed(fn) for _ in range(5))
    print(f"  n = {xb.size}: one hvp costs {best['eager'] / best['f']:.1f} x f eagerly, "
          f"{best['jit'] / best['f']:.1f} x f with osc.jit ({staged.program(xb, vb).n_ops} NumPy operations, "
          f"staged once in {t_stage * 1e3:.0f} ms)")

    _section("2. The source documents' small examples")
    print(f"f(x) = x³ - 3x: f''(1) = {float(grad(grad(lambda t: t ** 3 - 3 * t))(1.0)):g} (6x = 6)")
    Hg = hessian(lambda z: z[0] ** 2 + z[1] ** 2 + z[0] * z[1])(np.zeros(2))
    print(f"g(x, y) = x² + y² + xy: H = {Hg.tolist()}")
    Hq = hessian(lambda z: z[0] ** 2 + 2 * z[0] * z[1] + 3 * z[1] ** 2)(np.zeros(2))
    print(f"x² + 2xy + 3y²: H = {Hq.tolist()}, eigenvalues {format_numbers(np.linalg.eigvalsh(Hq))} = 4 ∓ 2√2 -> positive definite")
    X = np.array([[1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
    y = np.array([1.0, 2.0, 3.0])
    Hl = hessian(lambda w: 0.5 * np.mean((X @ w - y) ** 2))(np.array([0.0, 1.0]))
    print(f"quadratic loss ½ mean((Xw - y)²): H = {Hl.round(6).tolist()} = XᵀX / 3")
    print(f"curvature of y = x² at x = 0 and 1: κ = {graph_curvature(lambda t: t ** 2, 0.0):.4g}, "
          f"{graph_curvature(lambda t: t ** 2, 1.0):.4g}  (|f''| / (1 + f'²)^(3/2))")

    _section("3. Higher order: nesting and Taylor mode")
    d = np.sin
    ders = []
    for _ in range(4):
        d = grad(d)
        ders.append(float(d(0.5)))
    print(f"d^k/dx^k sin at 0.5, k = 1..4, by nesting grad: {format_numbers(ders)}")
    series = derivatives_along(lambda z: np.sin(z[0]) * np.exp(z[1]), np.zeros(2), np.array([1.0, 1.0]), order=6)[1:]
    print(f"Taylor mode, d^k/dt^k sin(t)·e^t at 0, k = 1..6: {format_numbers(series)}  (one pass, O(k²))")
    inner = lambda x: x * grad(lambda y: x + y)(1.0)  # noqa: E731
    print(f"perturbation confusion guarded: d/dx [x · d/dy (x + y)] = {float(grad(inner)(1.0)):g} (not 2)")

    _section("4. Reading curvature: critical points of x⁴ + y⁴ - 2x² - 2y² + 1")
    bowl = lambda z: z[0] ** 4 + z[1] ** 4 - 2 * z[0] ** 2 - 2 * z[1] ** 2 + 1  # noqa: E731
    points = find_critical_points(bowl, [(-2, 2), (-2, 2)], seed=0)
    kinds = {}
    for p in points:
        kinds[p.classification] = kinds.get(p.classification, 0) + 1
    print(f"{len(points)} critical points: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
    rep = curvature(bowl, np.array([1.0, 1.0]))
    print(f"at (1, 1): eigenvalues {format_numbers(rep.eigenvalues)}, {rep.definiteness}, condition number "
          f"{format_numbers(rep.condition_number)} -> {rep.classification}")
    for name, fn in [("x⁴ + y⁴", lambda z: z[0] ** 4 + z[1] ** 4), ("monkey saddle x³ - 3xy²", lambda z: z[0] ** 3 - 3 * z[0] * z[1] ** 2),
                     ("x⁴ - y⁴", lambda z: z[0] ** 4 - z[1] ** 4)]:
        c = classify_point(fn, np.zeros(2))
        print(f"  {name} at 0: Hessian = 0 (second-derivative test silent); higher order says: {c.classification}")
    qm = quadratic_model(lambda z: (z[0] - 1) ** 2 + 3 * (z[1] + 2) ** 2 + z[0] * z[1], np.zeros(2))
    step = qm.newton_step()
    print(f"a quadratic in one Newton step: 0 + p = {format_numbers(step)}")
    if plt is not None:
        path = os.path.join(out_dir, "critical_points.png")
        plot_landscape(bowl, [(-2, 2), (-2, 2)], points=points, path=path, title="x⁴ + y⁴ - 2x² - 2y² + 1")
        written.append(path)

    _section("5. Second-order optimisation")
    x0 = np.array([-1.2, 1.0])
    for method in ["newton", "trust-exact", "bfgs", "lbfgs", "gradient-descent"]:
        r = minimize(_rosenbrock, x0, method=method, maxiter=2000)
        print(f"  {method:17s} {r.nit:5d} iterations  f* = {r.fun:.2e}  ({'converged' if r.success else r.message})")
    saddle = lambda z: z[0] ** 2 - 1.05 * z[1] ** 2 + z[1] ** 4  # noqa: E731
    r = minimize(saddle, np.zeros(2), method="newton")
    print(f"  started exactly at the saddle (0, 0) of x² - 1.05y² + y⁴: newton ends at {format_numbers(r.x, 4)} "
          f"(minima at y = ±√0.525 = ±{np.sqrt(0.525):.4f})")
    if plt is not None:
        paths = []
        for method in ["newton", "bfgs", "gradient-descent"]:
            pts = [x0.copy()]
            minimize(_rosenbrock, x0, method=method, maxiter=300, callback=lambda xk: pts.append(np.array(xk)))
            paths.append((method, np.array(pts)))
        fig, ax = plt.subplots(figsize=(7, 5.5))
        landscape(ax, _rosenbrock, paths, plt, box=((-2, 2), (-1, 3)))
        ax.plot(1, 1, "w*", ms=14, mec="k", label="minimum (1, 1)")
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_title("Rosenbrock: Newton vs BFGS vs gradient descent (300 it max)")
        ax.legend(fontsize=8, loc="lower right")
        path = os.path.join(out_dir, "optimizers.png")
        save_figure(fig, path, plt, quiet=True)
        written.append(path)

    _section("6. Sparse Hessians: detection, colouring, compressed evaluation")
    n = 2000
    xs = np.random.default_rng(0).uniform(-1, 1, n)
    for kind in ("star", "acyclic"):
        t0 = time.perf_counter()
        plan = sparse_hessian(_rosenbrock, xs, coloring=kind)
        Hs = plan(xs)
        dt = time.perf_counter() - t0
        print(f"  chained Rosenbrock n = {n}: {plan.pattern.nnz} nonzeros, {kind} colouring -> {plan.n_colors} "
              f"Hessian-vector products instead of {n} ({dt * 1e3:.0f} ms incl. detection)")
    dense = hessian(_rosenbrock)(xs[:50])
    print(f"  agrees with the dense Hessian: {np.allclose(sparse_hessian(_rosenbrock, xs[:50])(xs[:50]).toarray(), dense)}")
    del Hs

    _section("7. Spectrum of a neural-network loss Hessian (matrix-free)")

    loss, w = mlp_problem(0)
    op = hessian_operator(loss, w)
    top = eigenvalues(op, k=3, which="LA")
    low = eigenvalues(op, k=3, which="SA")
    print(f"  MLP with {w.size} parameters: largest eigenvalues {format_numbers(top.values[::-1], 4)}, smallest {format_numbers(low.values, 4)}")
    print(f"  (Lanczos on a linearised Hessian operator: {op.n_matvec} products, no {w.size}x{w.size} matrix)")
    if plt is not None:
        density = spectral_density(op, n_probes=6, m=30, seed=0)
        fig = spectrum_figure(plt, density, np.concatenate([top.values, low.values]),
                               f"Hessian spectrum of a small MLP loss ({w.size} parameters)")
        path = os.path.join(out_dir, "spectrum.png")
        save_figure(fig, path, plt, quiet=True)
        written.append(path)

    written += _ml_section(out_dir, plt)

    print()
    if written:
        print(f"plots written to {os.path.abspath(out_dir)}: " + ", ".join(os.path.basename(p) for p in written))
    print(f"demo finished in {time.perf_counter() - t_start:.1f} s")
    return 0


def _ml_section(out_dir, plt):
    """Section 8: a digits MLP trained briefly by Adam and K-FAC, and how close
    K-FAC and the diagonal estimates come to the exact Gauss-Newton matrix."""
    _section("8. Curvature for machine learning: a digits MLP (64-32-10, tanh)")
    try:
        X, y, X_test, y_test = load_digits_split(test_size=0.25, seed=0)
    except ImportError:
        print("  (scikit-learn is not installed: this section is skipped; pip install 'osculate[ml]')")
        return []
    params = init_mlp((64, 32, 10), seed=0)
    print("  blocks found in the trace of the plain-NumPy loss (no layer registration):")
    print("    " + describe(mlp_loss, params, (X[:64], y[:64])).replace("\n", "\n    "))
    runs = {}
    print(f"  {'method':8s} {'epoch':>5s} {'test accuracy':>14s} {'test loss':>10s} {'time [s]':>9s}")
    for method, opt in (("adam", adam(lr=1e-2)), ("kfac", kfac(mlp_loss, damping=3e-2))):
        result = train(mlp_loss, params, (X, y), method=opt, epochs=3, batch_size=64, seed=0,
                       test_data=(X_test, y_test), progress=False)
        runs[method] = result.history
        for r in result.history:
            print(f"  {method:8s} {r['epoch']:5d} {r['test_accuracy']:14.3f} {r['test_loss']:10.4f} {r['wall_time']:9.2f}")
    quality = approximation_quality(mlp_loss, result.params, (X[:64], y[:64]), damping=1e-3,
                                    methods=("kfac", "diag-ggn", "adam"))
    print(f"  curvature estimates at the K-FAC-trained point against the exact Gauss-Newton matrix "
          f"({quality.n_params} x {quality.n_params}, 64 examples, formed in {quality.ggn_seconds:.1f} s):")
    for r in quality.rows:
        print(f"    {r.method:9s} relative Frobenius error per layer "
              f"{', '.join(f'{e:.3f}' for e in r.block_errors)}; "
              f"cosine of the damped step with the natural gradient {r.cosine:.3f}")
    if plt is None:
        return []
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
    for method, history in runs.items():
        wall = [r["wall_time"] for r in history]
        axes[0].plot(wall, [r["test_accuracy"] for r in history], "o-", label=method)
        axes[1].plot(wall, [r["test_loss"] for r in history], "o-", label=method)
    axes[0].set_ylabel("test accuracy")
    axes[1].set_ylabel("test loss")
    for ax in axes:
        ax.set_xlabel("optimisation wall time [s]")
    axes[0].legend()
    fig.suptitle("digits MLP: 3 epochs, batches of 64")
    path = os.path.join(out_dir, "ml_training.png")
    save_figure(fig, path, plt, quiet=True)
    return [path]
