"""Optimizer benchmark: osculate.optim vs scipy.optimize.

Run: ``python benchmarks/bench_optim.py`` (both large problems),
``python benchmarks/bench_optim.py --problem logistic`` (one of them) or
``python benchmarks/bench_optim.py --mgh`` (iterations/evaluations of every
method on the Moré–Garbow–Hillstrom set, as Markdown tables).

Problems
    * extended Rosenbrock, n = 10_000, standard start (-1.2, 1, ...);
    * L2-regularised logistic regression, m = 5000 samples, n = 200
      features, seeded synthetic data (numpy.random.default_rng(0)).

For each osculate method: iterations, nfev / ngev / nhvp / nhev and wall time,
and side by side SciPy's solvers fed

    * "fd": osculate's exact gradient but *finite-difference* Hessians —
      ``hess="2-point"`` when n = 200 (SciPy differences gradients),
      a forward-difference Hessian-vector product of the gradient
      (matrix-free) when n = 10_000 (a dense FD Hessian would need 10^4
      gradients and 800 MB per iteration), and for trust-exact a dense
      forward-difference Hessian (n gradients per Hessian);
    * "exact": osculate's exact callables (``scipy_callables``: gradient,
      Hessian-vector product, dense Hessian).

The osculate rows run with ``jit=False`` (eager derivatives); then a few
methods again with ``jit="auto"``, the default (derivatives staged once per
call with ``osculate.jit``; the time includes the staging).

``--staging`` (also part of the default run): the truncated-Newton and
trust-region methods on extended Rosenbrock (n = 10^4), ``jit="auto"`` vs
``jit=False`` side by side, wall times as minima over interleaved rounds
(``benchmarks/_harness.py``), with the largest difference of the solutions.

Methods that store a dense n x n matrix (Newton family with dense Hessians,
trust-exact, BFGS, SR1) are skipped at n = 10_000.  BLAS is pinned to one
thread (environment variables set before NumPy is imported); wall times are
single runs on the machine as it is.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import _harness  # noqa: E402  (pins BLAS threads and malloc before NumPy loads)
import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import scipy.optimize as so  # noqa: E402

import osculate as osc  # noqa: E402
from osculate.optim import METHODS, minimize, scipy_callables  # noqa: E402
from osculate.testing.problems import get_problem, mgh_problems  # noqa: E402

DENSE_METHODS = {"newton", "modified-newton", "damped-newton", "trust-exact",
                 "bfgs", "sr1"}


# --------------------------------------------------------------------------- problems

def extended_rosenbrock(n=10_000):
    p = get_problem("extended-rosenbrock", n=n)

    def fisher(x, v):  # Gauss-Newton matrix 2 J^T J, matrix-free
        _, Jv = osc.jvp(p.residual, (x,), (v,))
        _, pullback = osc.vjp(p.residual, x)
        return 2.0 * pullback(Jv)[0]

    return dict(name=f"extended Rosenbrock n={n}", f=p.f, x0=p.x0, fisher=fisher,
                fstar=0.0)


def logistic_regression(m=5000, n=200, lam=1e-3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n)) / np.sqrt(n)
    w_true = rng.standard_normal(n)
    y = np.where(X @ w_true + 0.5 * rng.standard_normal(m) > 0, 1.0, -1.0)

    def f(w):
        t = -y * (X @ w)
        # log(1 + exp(t)) written stably with traceable ufuncs
        return np.sum(np.maximum(t, 0.0) + np.log1p(np.exp(-np.abs(t)))) / m \
            + 0.5 * lam * np.sum(w * w)

    def fisher(w, v):  # Fisher information of the logistic model (+ ridge)
        p = 1.0 / (1.0 + np.exp(-(X @ w)))
        return X.T @ (p * (1.0 - p) * (X @ v)) / m + lam * v

    return dict(name=f"logistic regression m={m} n={n}", f=f, x0=np.zeros(n),
                fisher=fisher, fstar=None)


# --------------------------------------------------------------------------- runners

JIT_METHODS = ("newton", "newton-cg", "trust-ncg", "trust-krylov", "lbfgs")


def run_ours(prob, method, maxiter, jit=False):
    n = prob["x0"].size
    if n > 2000 and method in DENSE_METHODS:
        return None
    opts = {}
    if method == "natural-gradient":
        opts["fisher"] = prob["fisher"]
    t0 = time.perf_counter()
    res = minimize(prob["f"], prob["x0"], method=method, maxiter=maxiter, jit=jit, **opts)
    dt = time.perf_counter() - t0
    return dict(solver=f"osculate {method}", deriv=f"exact, jit={jit!r}" if jit else "exact", success=res.success,
                nit=res.nit, nfev=res.nfev, ngev=res.ngev, nhvp=res.nhvp,
                nhev=res.nhev, time=dt, fun=res.fun)


def run_scipy(prob, method, deriv, maxiter):
    n = prob["x0"].size
    if n > 2000 and method in ("trust-exact", "BFGS"):
        return None
    cb = scipy_callables(prob["f"])
    obj = cb.objective
    kw = {"jac": cb.jac}
    if deriv == "exact":
        kw = cb.kwargs(method)
    elif method == "trust-exact":
        # SciPy's trust-exact needs a matrix: forward differences of the gradient
        def hess_fd(x):
            H = so.approx_fprime(x, lambda z: obj._raw_gradient(z))
            return 0.5 * (H + H.T)
        kw["hess"] = hess_fd
    elif method in ("trust-ncg", "trust-krylov", "Newton-CG"):
        if n <= 2000:
            kw["hess"] = "2-point"
        else:
            def hessp(x, p):
                h = np.sqrt(np.finfo(float).eps) * max(1.0, np.linalg.norm(x)) \
                    / max(np.linalg.norm(p), 1e-300)
                return (obj._raw_gradient(x + h * p) - cb.jac(x)) / h
            kw["hessp"] = hessp
    else:
        return None  # quasi-Newton: no Hessian to approximate
    options = {"maxiter": maxiter}
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = so.minimize(cb.fun, prob["x0"], method=method, options=options, **kw)
    dt = time.perf_counter() - t0
    c = obj.counts()  # FD Hessians show up as extra gradient evaluations
    return dict(solver=f"scipy {method}", deriv=deriv, success=bool(res.success),
                nit=res.get("nit", -1), nfev=c["nfev"], ngev=c["ngev"],
                nhvp=c["nhvp"], nhev=c["nhev"], time=dt, fun=float(res.fun))


def fmt_row(r):
    return (f"| {r['solver']} | {r['deriv']} | {'yes' if r['success'] else 'no'} | "
            f"{r['nit']} | {r['nfev']} | {r['ngev']} | {r['nhvp']} | {r['nhev']} | "
            f"{r['time']:.2f} | {r['fun']:.6g} |")


def bench_problem(prob, maxiter, gd_maxiter):
    print(f"\n### {prob['name']}\n")
    print("| solver | derivatives | success | nit | nfev | ngev | nhvp | nhev | time [s] | f |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    n = prob["x0"].size
    for method in METHODS:
        mi = gd_maxiter if method == "gradient-descent" else maxiter
        r = run_ours(prob, method, mi, jit=False)
        if r is None:
            print(f"| osculate {method} | exact | skipped: dense n x n matrix at n={n} |"
                  " | | | | | | |")
        else:
            print(fmt_row(r))
        sys.stdout.flush()
    for method in JIT_METHODS:  # the same runs with staged derivatives (time includes staging)
        r = run_ours(prob, method, maxiter, jit="auto")
        if r is not None:
            print(fmt_row(r))
            sys.stdout.flush()
    for method in ["trust-ncg", "trust-krylov", "trust-exact", "Newton-CG", "BFGS",
                   "L-BFGS-B"]:
        for deriv in ("fd", "exact"):
            r = run_scipy(prob, method, deriv, maxiter)
            if r is not None:
                print(fmt_row(r))
                sys.stdout.flush()


# --------------------------------------------------------------------------- jit="auto" vs eager

STAGING_METHODS = ("newton-cg", "trust-ncg", "trust-krylov")


def bench_staging(n, maxiter, rounds):
    """``jit="auto"`` vs ``jit=False`` on extended Rosenbrock: minima over
    interleaved rounds; every ``jit="auto"`` run stages anew (the time
    includes the staging)."""
    prob = extended_rosenbrock(n)
    print(f"\n### jit=\"auto\" vs jit=False: {prob['name']} (minimum of {rounds} interleaved rounds)\n")
    print("| method | nit | nhvp | jit=False [s] | jit=\"auto\" [s] | speed-up | max abs x diff | note |")
    print("|---|---|---|---|---|---|---|---|")
    for method in STAGING_METHODS:
        out = {}

        def run(jit, method=method, out=out):
            out[jit] = minimize(prob["f"], prob["x0"], method=method, maxiter=maxiter, jit=jit)

        best = _harness.interleaved_min({False: lambda: run(False), "auto": lambda: run("auto")}, rounds)
        eager, auto = out[False], out["auto"]
        assert eager.nit == auto.nit
        diff = float(np.max(np.abs(auto.x - eager.x)))
        print(f"| {method} | {auto.nit} | {auto.nhvp} | {best[False]:.3f} | {best['auto']:.3f} | "
              f"{best[False] / best['auto']:.2f}x | {diff:.1e} | {auto.note or '-'} |")
        sys.stdout.flush()


# --------------------------------------------------------------------------- MGH table

def mgh_tables():
    import osculate as osc_mod

    problems = mgh_problems()
    rows = {}
    totals = {}
    for method in METHODS:
        for p in problems:
            opts = {}
            maxiter = None
            if method == "natural-gradient":
                def fisher(x, v, p=p):
                    _, Jv = osc_mod.jvp(p.residual, (x,), (v,))
                    _, pullback = osc_mod.vjp(p.residual, x)
                    return 2.0 * pullback(Jv)[0]
                opts = {"fisher": fisher, "damping": 1e-10}
                maxiter = 500
            if method == "gradient-descent":
                maxiter = 500
            res = minimize(p.f, p.x0, method=method, maxiter=maxiter, **opts)
            ok = p.reached(res.fun)
            rows[(p.name, method)] = (res.nit, ok)
            t = totals.setdefault(method, dict(solved=0, nit=0, nfev=0, ngev=0,
                                               nhvp=0, nhev=0, n=0))
            t["n"] += 1
            if ok:
                t["solved"] += 1
                for k in ("nit", "nfev", "ngev", "nhvp", "nhev"):
                    t[k] += res[k]
        print(f"  done {method}", file=sys.stderr)
    methods = list(METHODS)
    short = {m: m.replace("saddle-free-newton", "sfn").replace("modified-newton", "mod-newton")
             .replace("damped-newton", "damped").replace("natural-gradient", "nat-grad")
             .replace("gradient-descent", "gd") for m in methods}
    print("Iterations to reach the published minimum (x: not reached within the budget)\n")
    print("| problem | " + " | ".join(short[m] for m in methods) + " |")
    print("|---|" + "---|" * len(methods))
    for p in problems:
        cells = []
        for m in methods:
            nit, ok = rows[(p.name, m)]
            cells.append(f"{nit}" if ok else f"x {nit}")
        print(f"| {p.name} | " + " | ".join(cells) + " |")
    print("\nTotals over the problems each method solved\n")
    print("| method | solved | nit | nfev | ngev | nhvp | nhev |")
    print("|---|---|---|---|---|---|---|")
    for m in methods:
        t = totals[m]
        print(f"| {m} | {t['solved']}/{t['n']} | {t['nit']} | {t['nfev']} | {t['ngev']} | "
              f"{t['nhvp']} | {t['nhev']} |")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--problem", choices=["rosenbrock", "logistic", "both"], default="both")
    ap.add_argument("--mgh", action="store_true", help="MGH iteration tables instead")
    ap.add_argument("--n", type=int, default=10_000, help="extended Rosenbrock size")
    ap.add_argument("--maxiter", type=int, default=500)
    ap.add_argument("--gd-maxiter", type=int, default=2000)
    ap.add_argument("--staging", action="store_true",
                    help='only the jit="auto" vs jit=False table (extended Rosenbrock)')
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds of the staging table")
    args = ap.parse_args(argv)
    print("BLAS threads pinned to 1 (OMP/OPENBLAS/MKL/BLIS_NUM_THREADS=1 set before "
          "importing NumPy); wall times are single runs.")
    if args.mgh:
        mgh_tables()
        return
    if args.staging:
        bench_staging(args.n, args.maxiter, args.rounds)
        return
    if args.problem in ("rosenbrock", "both"):
        bench_problem(extended_rosenbrock(args.n), args.maxiter, args.gd_maxiter)
        bench_staging(args.n, args.maxiter, args.rounds)
    if args.problem in ("logistic", "both"):
        bench_problem(logistic_regression(), args.maxiter, args.gd_maxiter)


if __name__ == "__main__":
    main()
