"""Constrained benchmark: large sparse problems solved by IPOPT twice in one
run, fed by osculate (``osc.minimize(..., method="ipopt")``: cyipopt, the
sparse Lagrangian Hessian and constraint Jacobian of one ``LagrangianPlan``)
and by CasADi (``nlpsol("ipopt")`` on the same formulation, CasADi's own
IPOPT).

Run: ``python benchmarks/bench_constrained.py`` (the hanging chain at
n = 10⁴, the optimal-control problem at n = 10⁴ and 10⁵) or ``--quick``
(both problems at n = 10⁴ only, under a minute).  ``--problem`` picks one
problem, ``--sizes`` sets the sizes (``--problem chain --sizes 100000``
tries the chain at 10⁵, which is slow: see docs/constrained.md),
``--timing`` prints IPOPT's own timing statistics for each run (where its
time goes: KKT factorisations, back-solves, ...) and ``--pivot-order K``
sets MUMPS' fill-reducing ordering (``mumps_pivot_order``) for both.

Problem 1, the hanging chain.  A chain of ``N`` rigid links of length
``h = 1.5 / N`` hangs between the fixed points (0, 0) and (1, 0).  The
variables are the ``N + 1`` joint positions ``(x, y)``, ``n = 2 (N + 1)``;
minimise the potential energy ``h Σ (yᵢ + yᵢ₊₁) / 2`` subject to the ``N``
link equations ``((xᵢ₊₁ - xᵢ)² + (yᵢ₊₁ - yᵢ)²) / h² - 1 = 0`` and the end
points fixed by equal bounds.  The start is not feasible: a parabola
sagging by 0.2 with a ripple of amplitude 0.02.

Problem 2, optimal control of a Van der Pol oscillator (the example CasADi's
own tutorials use).  Two states ``(p, q)`` and one control ``u`` on
``M = N + 1`` equally spaced nodes of ``[0, T]``, ``T = 10``, step
``h = T / N``; ``n = 3 M`` variables.  The dynamics ``p' = (1 - q²) p - q + u``,
``q' = p`` are imposed at every interval by the trapezoidal rule,
``s_{k+1} - s_k - h/2 (F(s_k, u_k) + F(s_{k+1}, u_{k+1})) = 0`` (``2 N``
equality constraints); the cost is the trapezoidal integral of
``p² + q² + u²``; the bounds are ``-1 <= u <= 1`` and ``p >= -0.25``
(both active on part of the horizon), the initial state ``(0, 1)`` fixed by
equal bounds.  Start: ``p = 0``, ``q = 1``, ``u = 0`` at every node
(infeasible).  The number of IPOPT iterations does not grow with ``N``.
osculate runs it with loop fusion off, as when the table in
docs/constrained.md was measured (``OSCULATE_FUSION`` in the environment
overrides): the fused loop generated for its Lagrangian Hessian used to grow
with ``N`` and its compile did not end in minutes at n = 9003; such regions
now stay unfused.

Both peers evaluate the same functions (vectorised NumPy for osculate, SX
expressions built from the same slices for CasADi) from the same start with
the same IPOPT options (``tol = 1e-8``, exact Hessian, MUMPS,
``print_level = 0``).  Reported for each: IPOPT iterations, the optimum
``f*`` and the largest difference of the solutions, total wall time (for
osculate including the first call's tracing, pattern detection, colouring
and staging, shown apart as "setup"; for CasADi its graph and ``nlpsol``
construction), the time in the derivative callbacks (f, c, ∇f, J, ∇²L; for
CasADi its ``t_wall_nlp_*`` statistics), for osculate also without the first
call of each (which stages the derivative: traces it once and compiles it),
and the rest, IPOPT's own time (wall minus setup and callbacks; for osculate
it also holds the KKT report after the solve, one gradient, constraint and
Jacobian evaluation).  BLAS is pinned to one thread.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import _harness  # noqa: E402  (pins BLAS threads and malloc before NumPy loads)
import re  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import osculate as osc  # noqa: E402

OPTIONS = {"tol": 1e-8, "hessian_approximation": "exact", "linear_solver": "mumps", "max_iter": 500}


# --------------------------------------------------------------------------- problem 1: hanging chain


def chain_problem(N):
    """The hanging chain with ``N`` links, as a dict: ``f``, ``c`` (NumPy),
    ``x0``, ``lb``, ``ub``, ``m`` and ``casadi`` (``z -> (f, g)`` on an SX
    vector)."""
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

    def casadi(z):
        import casadi as ca

        x, y = z[:N + 1], z[N + 1:]
        dx, dy = x[1:] - x[:-1], y[1:] - y[:-1]
        return h * ca.sum1(0.5 * (y[:-1] + y[1:])), (dx * dx + dy * dy) / (h * h) - 1.0

    return {"name": "chain", "f": f, "c": c, "x0": x0, "lb": lb, "ub": ub, "m": N, "casadi": casadi}


# --------------------------------------------------------------------------- problem 2: Van der Pol control

T_HORIZON = 10.0


def vdp_problem(N):
    """Trapezoidal transcription of the Van der Pol control problem on
    ``N`` intervals; the same dict as :func:`chain_problem`."""
    M = N + 1
    h = T_HORIZON / N

    def split(z):
        return z[:M], z[M:2 * M], z[2 * M:]

    def trapezoid(v):
        """``∫ v dt`` by the trapezoidal rule on the nodes."""
        return h * (0.5 * v[0] + 0.5 * v[-1] + np.sum(v[1:-1]))

    def f(z):
        p, q, u = split(z)
        return trapezoid(p * p + q * q + u * u)

    def defects(p, q, u, concat):
        fp = (1.0 - q * q) * p - q + u   # p'
        fq = p                           # q'
        dp = p[1:] - p[:-1] - 0.5 * h * (fp[1:] + fp[:-1])
        dq = q[1:] - q[:-1] - 0.5 * h * (fq[1:] + fq[:-1])
        return concat(dp, dq)

    def c(z):
        return defects(*split(z), lambda a, b: np.concatenate([a, b]))

    def casadi(z):
        import casadi as ca

        p, q, u = split(z)
        L = p * p + q * q + u * u
        cost = h * (0.5 * L[0] + 0.5 * L[M - 1] + ca.sum1(L[1:M - 1]))
        return cost, defects(p, q, u, ca.vertcat)

    lb = np.concatenate([np.full(M, -0.25), np.full(M, -np.inf), np.full(M, -1.0)])
    ub = np.concatenate([np.full(M, np.inf), np.full(M, np.inf), np.full(M, 1.0)])
    lb[0] = ub[0] = 0.0      # p(0)
    lb[M] = ub[M] = 1.0      # q(0)
    x0 = np.concatenate([np.zeros(M), np.ones(M), np.zeros(M)])
    # fusion off, as when the docs' table was measured: its fused Hessian loop then grew with N (1 MB of
    # source at n = 9003) and numba's compile ran for minutes; fixed since (such regions stay unfused)
    return {"name": "vdp", "f": f, "c": c, "x0": x0, "lb": lb, "ub": ub, "m": 2 * N, "casadi": casadi,
            "fusion_off": True}


# size n -> the number of intervals giving about n variables
PROBLEMS = {
    "chain": (chain_problem, lambda n: n // 2 - 1, "hanging chain"),
    "vdp": (vdp_problem, lambda n: -(-n // 3) - 1, "Van der Pol optimal control, trapezoidal"),
}


# --------------------------------------------------------------------------- IPOPT's timing statistics

_TIMING_KEYS = ("OverallAlgorithm", "ComputeSearchDirection", "PDSystemSolverTotal", "LinearSystemSymbolicFactorization",
                "LinearSystemFactorization", "LinearSystemBackSolve", "Function Evaluations")


def _timing_options(path):
    return {"print_timing_statistics": "yes", "output_file": path, "file_print_level": 3}


def _read_timing(path):
    """``{key: (cpu, wall)}`` of the lines of IPOPT's timing statistics named in ``_TIMING_KEYS``."""
    out = {}
    try:
        with open(path) as fh:
            text = fh.read()
    except OSError:
        return out
    for key in _TIMING_KEYS:
        mt = re.search(re.escape(key) + r"\.*:\s*([0-9.]+)\s*\(sys:\s*[0-9.]+\s*wall:\s*([0-9.]+)\)", text)
        if mt:
            out[key] = (float(mt.group(1)), float(mt.group(2)))
    return out


# --------------------------------------------------------------------------- the two peers


def run_osculate(prob, extra):
    from osculate.ad import fusion

    mode = fusion.settings["mode"]
    if prob.get("fusion_off") and "OSCULATE_FUSION" not in os.environ:
        fusion.settings["mode"] = "off"
    try:
        t0 = time.perf_counter()
        res = osc.minimize(prob["f"], prob["x0"], method="ipopt", bounds=list(zip(prob["lb"], prob["ub"])),
                           constraints=[osc.Eq(prob["c"])], **OPTIONS, **extra)
        total = time.perf_counter() - t0
    finally:
        fusion.settings["mode"] = mode
    plan = res.plan
    setup = sum(plan.timings.values())
    return {
        "x": np.asarray(res.x), "f": res.fun, "nit": res.nit, "status": res.message.split(" ipopt:")[0],
        "total": total, "callbacks": sum(res.derivative_seconds.values()), "detail": res.derivative_seconds,
        "calls": res.derivative_calls, "setup": setup,
        "steady": sum(res.derivative_seconds.values()) - sum(res.derivative_first_seconds.values()),
        "n_colors": plan.n_colors, "jac_colors": plan.jac_colors,
        "hess_nnz": plan.hess_structure[0].size, "jac_nnz": plan.jac_structure[0].size, "viol": res.constr_violation,
    }


def run_casadi(prob, extra):
    import casadi as ca

    n = prob["x0"].size
    t0 = time.perf_counter()
    z = ca.SX.sym("z", n)
    f, g = prob["casadi"](z)
    opts = {"ipopt." + k: v for k, v in {**OPTIONS, **extra}.items()}
    opts.update({"ipopt.print_level": 0, "print_time": False, "ipopt.sb": "yes"})
    solver = ca.nlpsol(prob["name"], "ipopt", {"x": z, "f": f, "g": g}, opts)
    t1 = time.perf_counter()
    sol = solver(x0=prob["x0"], lbx=prob["lb"], ubx=prob["ub"], lbg=0.0, ubg=0.0)
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
    ap = _harness.parser(1, quick="n = 10^4 only for both problems (under a minute)")
    ap.add_argument("--problem", choices=["chain", "vdp", "all"], default="all")
    ap.add_argument("--sizes", type=int, nargs="+", help="numbers of variables (default: see the docstring)")
    ap.add_argument("--timing", action="store_true", help="print IPOPT's timing statistics of every run")
    ap.add_argument("--pivot-order", type=int, default=None,
                    help="mumps_pivot_order for both IPOPTs (0 AMD, 2 AMF, 3 SCOTCH, 4 PORD, 5 METIS, 6 QAMD, 7 auto)")
    ap.add_argument("--no-casadi", action="store_true", help="osculate only")
    args = ap.parse_args(argv)
    _harness.banner("Constrained: osculate -> cyipopt vs CasADi nlpsol('ipopt'), same formulation and options")
    names = ["chain", "vdp"] if args.problem == "all" else [args.problem]
    rows = []
    tmpdir = tempfile.mkdtemp(prefix="bench_constrained_")
    for name in names:
        build, intervals, title = PROBLEMS[name]
        if args.sizes:
            sizes = args.sizes
        elif args.quick or name == "chain":
            sizes = [10_000]
        else:
            sizes = [10_000, 100_000]
        for size in sizes:
            prob = build(intervals(size))
            n, m = prob["x0"].size, prob["m"]
            extra = {} if args.pivot_order is None else {"mumps_pivot_order": args.pivot_order}
            peers = [("osculate", run_osculate)]
            if not args.no_casadi and _harness.optional("casadi") is not None:
                peers.append(("CasADi", run_casadi))
            out = {}
            timing = {}
            for peer, run in peers:
                opts = dict(extra)
                if args.timing:
                    path = os.path.join(tmpdir, f"{name}_{n}_{peer}.txt")
                    opts.update(_timing_options(path))
                out[peer] = run(prob, opts)
                if args.timing:
                    timing[peer] = _read_timing(path)
            ours, theirs = out["osculate"], out.get("CasADi")
            print(f"\n{title}: n = {n} variables, m = {m} constraints")
            print(f"  osculate plan: Hessian nnz (lower) {ours['hess_nnz']}, {ours['n_colors']} colours; "
                  f"Jacobian nnz {ours['jac_nnz']}, {ours['jac_colors']} colours; setup {ours['setup']:.3f} s")
            print("  osculate callbacks: " + ", ".join(f"{k} {v:.3f} s ({ours['calls'][k]})"
                                                      for k, v in ours["detail"].items()))
            if theirs is not None:
                print("  CasADi callbacks:   " + ", ".join(f"{k[11:]} {v:.3f} s" for k, v in theirs["detail"].items()))
            print(f"  {'':10s} {'status':42s} {'iter':>5s} {'f*':>16s} {'wall s':>8s} {'setup s':>8s} "
                  f"{'callbacks s':>11s} {'w/o 1st s':>9s} {'IPOPT s':>8s}")
            for peer, r in (("osculate", ours), ("CasADi", theirs)):
                if r is None:
                    print(f"  {peer:10s} (not run)")
                    continue
                print(f"  {peer:10s} {str(r['status'])[:42]:42s} {r['nit']:5d} {r['f']:16.10f} {r['total']:8.2f} "
                      f"{r['setup']:8.2f} {r['callbacks']:11.3f} {r['steady']:9.3f} "
                      f"{r['total'] - r['setup'] - r['callbacks']:8.2f}")
            for peer, stats in timing.items():
                print(f"  IPOPT timing, {peer} (cpu / wall s): "
                      + ", ".join(f"{k} {c:.2f}/{w:.2f}" for k, (c, w) in stats.items()))
            df = dx = None
            if theirs is not None:
                dx = float(np.max(np.abs(ours["x"] - theirs["x"])))
                df = abs(ours["f"] - theirs["f"])
                print(f"  agreement: |f_osc - f_casadi| = {df:.2e}, max|x_osc - x_casadi| = {dx:.2e}")
            rows.append((name, n, ours, theirs, df, dx))
    return rows


if __name__ == "__main__":
    main()
