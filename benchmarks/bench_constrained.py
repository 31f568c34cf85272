"""Constrained benchmark: a hanging chain solved by IPOPT twice in one run,
fed by osculate (``osc.minimize(..., method="ipopt")``: cyipopt, the sparse
Lagrangian Hessian and constraint Jacobian of one ``LagrangianPlan``) and by
CasADi (``nlpsol("ipopt")`` on the same formulation, CasADi's own IPOPT).

Run: ``python benchmarks/bench_constrained.py`` (n = 10⁴ and 10⁵) or
``--quick`` (n = 10⁴ only, about 20 s).  At n = 10⁵ each IPOPT run takes a
long time with this start (in the first session neither had finished after
20 minutes; see docs/constrained.md).

The problem.  A chain of ``N`` rigid links of length ``h = 1.5 / N`` hangs
between the fixed points (0, 0) and (1, 0).  The variables are the
``N + 1`` joint positions ``(x, y)``, ``n = 2 (N + 1)``; minimise the
potential energy ``h Σ (yᵢ + yᵢ₊₁) / 2`` subject to the ``N`` link
equations ``((xᵢ₊₁ - xᵢ)² + (yᵢ₊₁ - yᵢ)²) / h² - 1 = 0`` and the end
points fixed by equal bounds.  The start is not
feasible: a parabola sagging by 0.2 with a ripple of amplitude 0.02.  Both runs use the same IPOPT options (``tol = 1e-8``, exact
Hessian, MUMPS, ``print_level = 0``).

Reported for each: IPOPT iterations, the optimum ``f*`` and the largest
difference of the solutions, total wall time (for osculate including the
first call's tracing, pattern detection, colouring and staging, shown apart
as "setup"), and the time in the derivative callbacks (f, c, ∇f, J, ∇²L;
for CasADi its ``t_wall_nlp_*`` statistics), for osculate also without
the first call of each (which stages the derivative: traces it once and
compiles it), and the time IPOPT spent outside the callbacks.  BLAS is pinned to one thread.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import _harness  # noqa: E402  (pins BLAS threads and malloc before NumPy loads)
import time  # noqa: E402

import numpy as np  # noqa: E402

import osculate as osc  # noqa: E402

OPTIONS = {"tol": 1e-8, "hessian_approximation": "exact", "linear_solver": "mumps", "max_iter": 500}


def chain_problem(N):
    """``(f, c, x0, bounds, h)`` of the hanging chain with ``N`` links."""
    h = 1.5 / N
    t = np.linspace(0.0, 1.0, N + 1)
    # x, then y: a parabola sagging by 0.2 with a ripple of 20 waves (zero at the ends)
    x0 = np.concatenate([t, 0.8 * (t * t - t) + 0.02 * np.sin(40 * np.pi * t)])
    lb = np.full(2 * (N + 1), -np.inf)
    ub = np.full(2 * (N + 1), np.inf)
    for k, v in ((0, 0.0), (N, 1.0), (N + 1, 0.0), (2 * N + 1, 0.0)):  # x_0, x_N, y_0, y_N
        lb[k] = ub[k] = v

    def f(z):
        y = z[N + 1:]
        return h * np.sum(0.5 * (y[:-1] + y[1:]))

    def c(z):
        x, y = z[:N + 1], z[N + 1:]
        dx, dy = x[1:] - x[:-1], y[1:] - y[:-1]
        return (dx * dx + dy * dy) / (h * h) - 1.0

    return f, c, x0, list(zip(lb, ub)), h


def run_osculate(N):
    f, c, x0, bounds, _ = chain_problem(N)
    t0 = time.perf_counter()
    res = osc.minimize(f, x0, method="ipopt", bounds=bounds, constraints=[osc.Eq(c)], **OPTIONS)
    total = time.perf_counter() - t0
    plan = res.plan
    setup = sum(plan.timings.values())
    return {
        "x": np.asarray(res.x), "f": res.fun, "nit": res.nit, "status": res.message.split(" ipopt:")[0],
        "total": total, "callbacks": sum(res.derivative_seconds.values()), "detail": res.derivative_seconds,
        "calls": res.derivative_calls, "setup": setup,
        "steady": sum(res.derivative_seconds.values()) - sum(res.derivative_first_seconds.values()), "n_colors": plan.n_colors, "jac_colors": plan.jac_colors,
        "hess_nnz": plan.hess_structure[0].size, "jac_nnz": plan.jac_structure[0].size, "viol": res.constr_violation,
    }


def run_casadi(N):
    import casadi as ca

    _, _, x0, bounds, h = chain_problem(N)
    n = 2 * (N + 1)
    t0 = time.perf_counter()
    z = ca.SX.sym("z", n)
    x, y = z[:N + 1], z[N + 1:]
    f = h * ca.sum1(0.5 * (y[:-1] + y[1:]))
    dx, dy = x[1:] - x[:-1], y[1:] - y[:-1]
    g = (dx * dx + dy * dy) / (h * h) - 1.0
    opts = {"ipopt." + k: v for k, v in OPTIONS.items()}
    opts.update({"ipopt.print_level": 0, "print_time": False, "ipopt.sb": "yes"})
    solver = ca.nlpsol("chain", "ipopt", {"x": z, "f": f, "g": g}, opts)
    t1 = time.perf_counter()
    lb = np.array([b[0] for b in bounds])
    ub = np.array([b[1] for b in bounds])
    sol = solver(x0=x0, lbx=lb, ubx=ub, lbg=0.0, ubg=0.0)
    total = time.perf_counter() - t0
    st = solver.stats()
    keys = ["t_wall_nlp_f", "t_wall_nlp_g", "t_wall_nlp_grad_f", "t_wall_nlp_jac_g", "t_wall_nlp_hess_l"]
    detail = {k: float(st.get(k, 0.0)) for k in keys}
    return {
        "x": np.asarray(sol["x"]).reshape(-1), "f": float(sol["f"]), "nit": int(st["iter_count"]),
        "status": st["return_status"], "total": total, "callbacks": sum(detail.values()), "detail": detail,
        "setup": t1 - t0, "steady": sum(detail.values()),
    }


def main(argv=None):
    ap = _harness.parser(1, quick="n = 10^4 only (under a minute)")
    args = ap.parse_args(argv)
    _harness.banner("Hanging chain: osculate -> cyipopt vs CasADi nlpsol('ipopt'), same formulation and options")
    sizes = [4999] if args.quick else [4999, 49999]
    rows = []
    for N in sizes:
        n = 2 * (N + 1)
        ours = run_osculate(N)
        theirs = run_casadi(N) if _harness.optional("casadi") is not None else None
        print(f"\nn = {n} variables, m = {N} constraints")
        print(f"  osculate plan: Hessian nnz (lower) {ours['hess_nnz']}, {ours['n_colors']} colours; "
              f"Jacobian nnz {ours['jac_nnz']}, {ours['jac_colors']} colours; setup {ours['setup']:.3f} s")
        print(f"  osculate callbacks: " + ", ".join(f"{k} {v:.3f} s ({ours['calls'][k]})"
                                                   for k, v in ours["detail"].items()))
        if theirs is not None:
            print(f"  CasADi callbacks:   " + ", ".join(f"{k[11:]} {v:.3f} s" for k, v in theirs["detail"].items()))
        hdr = f"  {'':10s} {'status':42s} {'iter':>5s} {'f*':>16s} {'wall s':>8s} {'setup s':>8s} {'callbacks s':>11s} {'w/o 1st s':>9s} {'IPOPT s':>8s}"
        print(hdr)
        for name, r in (("osculate", ours), ("CasADi", theirs)):
            if r is None:
                print(f"  {name:10s} (casadi not installed)")
                continue
            print(f"  {name:10s} {str(r['status'])[:42]:42s} {r['nit']:5d} {r['f']:16.10f} {r['total']:8.2f} "
                  f"{r['setup']:8.2f} {r['callbacks']:11.3f} {r['steady']:9.3f} "
                  f"{r['total'] - r['setup'] - r['callbacks']:8.2f}")
        if theirs is not None:
            dx = float(np.max(np.abs(ours["x"] - theirs["x"])))
            df = abs(ours["f"] - theirs["f"])
            print(f"  agreement: |f_osc - f_casadi| = {df:.2e}, max|x_osc - x_casadi| = {dx:.2e}")
            rows.append((n, ours, theirs, df, dx))
    return rows


if __name__ == "__main__":
    main()
