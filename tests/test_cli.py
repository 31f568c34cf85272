"""The ``osculate`` command, run as a user runs it (a subprocess)."""

import json
import re
import subprocess
import sys

import numpy as np
import pytest

BOWL = "x**4 + y**4 - 2*x**2 - 2*y**2 + 1"
ROSEN = "100*(y-x**2)**2 + (1-x)**2"


def run(*args, timeout=240):
    proc = subprocess.run(
        [sys.executable, "-m", "osculate", *args], capture_output=True, text=True, timeout=timeout,
        env={"MPLBACKEND": "Agg", "PATH": "", "PYTHONWARNINGS": "error", "OMP_NUM_THREADS": "1",
             "OPENBLAS_NUM_THREADS": "1"},
    )
    return proc.returncode, proc.stdout, proc.stderr


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_analyze_prints_the_curvature_report():
    code, out, err = run("analyze", BOWL, "--at", "1,1")
    assert code == 0, err
    assert "variables (in this order): x, y" in out
    assert "strict local minimum" in out and "positive definite" in out
    assert "Newton step" in out and "quadratic model" in out


def test_analyze_json_schema_and_values():
    code, out, err = run("analyze", "x**2 + 2*x*y + 3*y**2", "--at", "x=0.5,y=-1", "--json")
    assert code == 0, err
    rec = json.loads(out)
    for key in ("expression", "variables", "point", "value", "gradient", "hessian", "eigenvalues", "definiteness",
                "condition_number", "classification", "newton_step", "quadratic_model"):
        assert key in rec
    assert rec["variables"] == ["x", "y"]
    np.testing.assert_allclose(rec["hessian"], [[2.0, 2.0], [2.0, 6.0]])
    np.testing.assert_allclose(sorted(rec["eigenvalues"]), [4 - 2 * np.sqrt(2), 4 + 2 * np.sqrt(2)])
    np.testing.assert_allclose(np.array(rec["point"]) + rec["newton_step"], [0.0, 0.0], atol=1e-12)


def test_analyze_critical_points_with_negative_bounds():
    code, out, err = run("analyze", BOWL, "--critical-points", "--bounds", "-2:2,-2:2", "--json")
    assert code == 0, err
    points = json.loads(out)["critical_points"]
    kinds = sorted(p["classification"] for p in points)
    assert len(points) == 9
    assert kinds.count("strict local minimum") == 4 and kinds.count("strict local maximum") == 1
    assert sum("saddle" in k for k in kinds) == 4


def test_analyze_degenerate_monkey_saddle():
    code, out, err = run("analyze", "x**3 - 3*x*y**2", "--at", "0,0", "--json")
    assert code == 0, err
    assert "saddle" in json.loads(out)["classification"]


def test_minimize_prints_iterations_and_plots_paths(tmp_path):
    plot = tmp_path / "paths.png"
    code, out, err = run("minimize", ROSEN, "--x0", "-1.2,1", "--compare", "newton,bfgs,gd", "--plot", str(plot))
    assert code == 0, err
    assert "method newton: converged" in out and "method bfgs: converged" in out
    assert "iter" in out and "|grad|" in out
    assert plot.stat().st_size > 10_000 and png_size(plot) == (770, 605)


def test_minimize_json():
    code, out, err = run("minimize", ROSEN, "--x0", "-1.2,1", "--method", "trust-exact", "--json")
    assert code == 0, err
    (rec,) = json.loads(out)
    assert rec["success"] and np.allclose(rec["x"], [1.0, 1.0], atol=1e-6)


def test_minimize_jit_matches_eager_and_unsupported_functions_give_one_line():
    code, out, err = run("minimize", ROSEN, "--x0", "-1.2,1", "--method", "newton-cg", "--json")
    code_j, out_j, err_j = run("minimize", ROSEN, "--x0", "-1.2,1", "--method", "newton-cg", "--json", "--jit")
    assert code == 0 and code_j == 0, err + err_j
    (rec,), (rec_j,) = json.loads(out), json.loads(out_j)
    assert rec_j["nit"] == rec["nit"] and np.allclose(rec_j["x"], rec["x"], rtol=1e-10)
    # comparisons (and so SymPy's Piecewise) are outside the expression grammar: one clear line
    code, out, err = run("minimize", "Piecewise((x**2, x > 0), (x**4, True)) + y**2", "--x0", "1,1")
    assert code == 2 and err.startswith("osculate: error:") and "comparisons are not supported" in err
    assert len(err.splitlines()) == 1


def test_taylor_coefficients_and_plot(tmp_path):
    plot = tmp_path / "taylor.png"
    code, out, err = run("taylor", "sin(x)", "--at", "0", "--order", "5", "--json")
    assert code == 0, err
    rec = json.loads(out)
    np.testing.assert_allclose(rec["coefficients"], [0, 1, 0, -1 / 6, 0, 1 / 120], atol=1e-14)
    code, out, err = run("taylor", "exp(x)*cos(y)", "--at", "0,0", "--direction", "1,1", "--order", "3",
                         "--plot", str(plot))
    assert code == 0, err
    assert plot.stat().st_size > 5_000 and png_size(plot) == (770, 495)


def test_sparsity_builtin_and_user_file(tmp_path):
    plot = tmp_path / "pattern.png"
    code, out, err = run("sparsity", "--problem", "chained_rosenbrock", "--n", "30", "--coloring", "acyclic", "--plot", str(plot))
    assert code == 0, err
    assert "2 colours" in out
    assert plot.stat().st_size > 5_000 and png_size(plot) == (660, 660)
    src = tmp_path / "mine.py"
    src.write_text("import numpy as np\ndef f(x):\n    return np.sum(x[1:] * x[:-1]) + np.sum(np.sin(x))\n")
    code, out, err = run("sparsity", "--file", f"{src}:f", "--n", "12", "--json")
    assert code == 0, err
    info = json.loads(out)
    assert info["nnz"] == 12 + 2 * 11 and info["n_colors"] <= 3


def test_spectrum_json_and_plot(tmp_path):
    plot = tmp_path / "spectrum.png"
    code, out, err = run("spectrum", "--problem", "logistic", "--k", "2", "--json", "--plot", str(plot))
    assert code == 0, err
    info = json.loads(out)
    assert info["n_parameters"] == 40 and len(info["largest"]) == 2
    assert min(info["smallest"]) > 0  # a regularised logistic loss is convex
    assert plot.stat().st_size > 5_000


@pytest.mark.parametrize(
    "args, message",
    [
        (("analyze", "x**2 +", "--at", "1"), "cannot parse expression"),
        (("sparsity", "--problem", "bratu2d", "--n", "10"), "not an admissible size"),
    ],
)
def test_a_real_process_reports_a_mistake_in_one_line_with_exit_code_2(args, message):
    """As a user runs it; every other mistake is checked in-process below."""
    code, out, err = run(*args)
    assert code == 2
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and message in err


def test_demo_runs_and_writes_plots(tmp_path):
    out_dir = tmp_path / "tour"
    code, out, err = run("demo", "--out", str(out_dir))
    assert code == 0, err
    for section in ("1. Gradient", "3. Higher order", "4. Reading curvature", "5. Second-order", "6. Sparse", "7. Spectrum",
                    "8. Curvature for machine learning"):
        assert section in out
    pngs = sorted(p.name for p in out_dir.glob("*.png"))
    assert pngs == ["critical_points.png", "ml_training.png", "optimizers.png", "spectrum.png"]
    assert all((out_dir / p).stat().st_size > 10_000 for p in pngs)


# --------------------------------------------------------------------------- in-process: every mistake is one line


def cli(capsys, *args):
    """``osculate ARGS`` in this process: (exit status, stdout, stderr)."""
    from osculate.cli import main

    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def strict_json(text):
    def refuse(name):
        raise AssertionError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    "args, message",
    [
        (("analyze", "x**2 +", "--at", "1"), "cannot parse expression"),
        (("analyze", "foo(x)", "--at", "1"), "unknown function 'foo'"),
        (("analyze", "x/0", "--at", "1"), "division by zero"),
        (("analyze", "I*x", "--at", "1"), "complex expressions are not supported"),
        (("analyze", "Integral(x**2, x)", "--at", "1"), "unknown function 'Integral'"),
        (("analyze", "x**2", "--at", "-inf"), "--at: the point is not finite (x=-inf)"),
        (("analyze", "x**2", "--at", "inf"), "--at: the point is not finite (x=inf)"),
        (("analyze", "x*y", "--at", "nan,1"), "the point is not finite"),
        (("analyze", "x*y", "--at", "1,,2"), "empty entry"),
        (("analyze", "x*y", "--at", "x=1,x=2"), "x is given twice"),
        (("analyze", "x*y", "--at", "w=1,x=2"), "unknown variable 'w'"),
        (("analyze", "x*y", "--at", "1"), "1 coordinate(s) given but the expression has 2 variable(s)"),
        (("analyze", "log(x)", "--at", "0"), "f is not finite"),
        (("analyze", "exp(x)", "--at", "1000"), "(value inf)"),
        (("analyze", "sqrt(x)", "--at", "-1"), "f is not finite at x=-1 (value nan)"),
        (("analyze", "sqrt(x)", "--at", "0"), "the derivatives of f are not finite"),
        (("analyze", "x*y"), "give a point with --at"),
        (("analyze", "x*y", "--critical-points"), "--critical-points needs --bounds"),
        (("analyze", "x*y", "--critical-points", "--bounds", "2:1"), "lo < hi"),
        (("analyze", "x*y", "--critical-points", "--bounds=-inf:inf"), "is not finite; give a finite box"),
        (("analyze", "x*y", "--critical-points", "--bounds", "-2:2:3"), "each range must be lo:hi"),
        (("analyze", "x*y", "--critical-points", "--bounds", "-1:1", "--starts", "0"), "--starts must be between"),
        (("analyze", "x*y", "--at", "1,1", "--bounds", "-1:1"), "go with --critical-points"),
        (("analyze", "x*y", "--at", "1,1", "--seed", "-1"), "--seed must be at least 0"),
        (("analyze", "x*y", "--vars", "x", "--at", "1"), "the expression uses y"),
        (("analyze", "x*y", "--vars", "x,,y", "--at", "1,1"), "--vars: empty entry"),
        (("analyze", "x*y", "--vars", "x,y,x", "--at", "1,1,1"), "listed twice"),
        (("analyze", "x*y", "--vars", "x,y,pi", "--at", "1,1,1"), "'pi' is a constant"),
        (("analyze",), "the following arguments are required: expression"),
        (("analyze", "x", "--at", "1", "--bogus"), "unrecognized arguments: --bogus"),
        (("minimize", "x**2", "--x0", "1", "--maxiter", "-5"), "--maxiter must be between 0 and 100000, got -5"),
        (("minimize", "x**2", "--x0", "1", "--maxiter", "abc"), "invalid int value: 'abc'"),
        (("minimize", "x**2", "--x0", "1", "--method", "natural-gradient"), "needs a Fisher matrix"),
        (("minimize", "x**2", "--x0", "1", "--method", "magic"), "unknown method 'magic'"),
        (("minimize", "x**2", "--x0", "1", "--compare", ","), "--compare names no method"),
        (("minimize", "x**2", "--x0", "1", "--compare", "newton,,bfgs"), "--compare: empty entry"),
        (("minimize", "x**2", "--x0", "1", "--compare", "newton,magic"), "unknown method 'magic'"),
        (("minimize", "x**2", "--x0", "1", "--plot", "paths.txt"), "must name a .png file"),
        (("minimize", "x**2", "--x0", "1", "--plot", "/nonexistent/p.png"), "the folder '/nonexistent' does not exist"),
        (("minimize", "x**2", "--x0", "1", "--plot", "."), "must name a .png file"),
        (("minimize", "log(x)", "--x0", "-1"), "f is not finite at x=-1"),
        (("taylor", "x**2", "--at", "abc"), "comma-separated numbers"),
        (("taylor", "x**2", "--at", "1", "--order", "171"), "--order must be between 0 and 170, got 171"),
        (("taylor", "x**2", "--at", "1", "--order", "-1"), "--order must be between 0 and 170, got -1"),
        (("taylor", "x**2", "--at", "1", "--radius", "-1"), "--radius must be a positive number"),
        (("taylor", "x*y", "--at", "1,1", "--direction", "inf,0"), "--direction: the point is not finite"),
        (("taylor", "x*y", "--at", "1,1", "--direction", "1"), "--direction: 1 coordinate(s) given"),
        (("spectrum", "--k", "0"), "--k must be between 1 and 159, got 0"),
        (("spectrum", "--k", "500"), "--k must be between 1 and 159, got 500"),
        (("spectrum", "--problem", "logistic", "--k", "40"), "--k must be between 1 and 39"),
        (("spectrum", "--probes", "0"), "--probes must be between 1 and 160, got 0"),
        (("spectrum", "--probes", "100000"), "--probes must be between 1 and 160"),
        (("spectrum", "--problem", "nope"), "unknown problem 'nope'; choose from mlp, logistic"),
        (("spectrum", "--seed", "-3"), "--seed must be at least 0"),
        (("spectrum", "--plot", "/nonexistent/s.png"), "does not exist"),
        (("sparsity", "--problem", "nope"), "unknown problem 'nope'"),
        (("sparsity", "--problem", "bratu2d", "--n", "10"), "not an admissible size"),
        (("sparsity", "--n", "0"), "--n must be between 1 and 100000, got 0"),
        (("sparsity", "--n", "-4"), "--n must be between 1 and 100000, got -4"),
        (("sparsity", "--n", "10000000"), "--n must be between 1 and 100000"),
        (("sparsity", "--order", "magic"), "unknown --order 'magic'; choose from natural"),
        (("sparsity", "--coloring", "magic"), "invalid choice: 'magic'"),
        (("sparsity", "--problem", "sparse_quadratic", "--n", "30000"), "at most 2000 for sparse_quadratic"),
        (("sparsity", "--problem", "dense_row", "--n", "1500"), "too dense to colour quickly"),
        (("sparsity", "--n", "30000", "--plot", "p.png"), "--plot draws at most --n 20000"),
        (("sparsity", "--file", "nofile"), "--file must be path.py:function"),
        (("sparsity", "--file", "/nonexistent/mine.py:f"), "no such file"),
        (("sparsity", "--file", "mine.txt:f"), "must name a Python file"),
        ((), "choose a command"),
    ],
)
def test_every_mistake_is_one_line_and_exit_status_2(args, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, *args)
    assert code == 2, out + err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("osculate: error:"), err
    assert message in err, err


def test_outputs_are_checked_before_any_computation(capsys, tmp_path, monkeypatch):
    import osculate.cli.demo
    import osculate.cli.minimize
    import osculate.cli.sparsity
    import osculate.cli.spectrum

    def must_not_run(*args, **kwargs):
        raise AssertionError("computed before the output path was checked")

    monkeypatch.setattr(osculate.cli.minimize, "minimize", must_not_run)
    monkeypatch.setattr(osculate.cli.spectrum, "eigenvalues", must_not_run)
    monkeypatch.setattr(osculate.cli.sparsity, "sparse_hessian", must_not_run)
    monkeypatch.setattr(osculate.cli.demo, "run_demo", must_not_run)
    existing = tmp_path / "passwd"
    existing.write_text("not a folder\n")
    for args, message in [
        (("minimize", ROSEN, "--x0", "-1.2,1", "--plot", tmp_path / "no" / "p.png"), "does not exist"),
        (("spectrum", "--plot", tmp_path / "spectrum.pdf"), "must name a .png file"),
        (("sparsity", "--plot", tmp_path / "no" / "p.png"), "does not exist"),
        (("demo", "--out", existing), "exists and is not a folder"),
        (("demo", "--out", existing / "sub"), "is not a folder"),
    ]:
        code, out, err = cli(capsys, *args)
        assert code == 2 and len(err.splitlines()) == 1 and message in err, err
    assert existing.read_text() == "not a folder\n"


def test_taylor_order_zero_and_the_highest_order(capsys):
    code, out, err = cli(capsys, "taylor", "exp(x)*cos(y)", "--at", "0,0", "--order", "0")
    assert code == 0, err
    rows = [line for line in out.splitlines() if line.strip().startswith("k=")]
    assert len(rows) == 1 and "c_k =  1" in rows[0]
    code, out, err = cli(capsys, "taylor", "1/(1-x)", "--at", "0.5", "--order", "170", "--json")
    assert code == 0, err
    rec = strict_json(out)
    assert len(rec["coefficients"]) == 171
    np.testing.assert_allclose(rec["coefficients"][:5], [2, 4, 8, 16, 32])
    assert all(c is not None for c in rec["coefficients"])  # normalised coefficients stay finite
    assert rec["derivatives"][170] is None  # 170! 2^171 overflows float64: null, never a string


def test_json_is_strict_and_types_are_stable(capsys):
    code, out, err = cli(capsys, "analyze", "x**2 + 0*y", "--at", "1,1", "--json")
    assert code == 0, err
    rec = strict_json(out)
    assert rec["condition_number"] is None  # singular Hessian: inf -> null, never "inf"
    assert rec["newton_step"] is None
    code, out, err = cli(capsys, "analyze", "x**2 + 2*x*y + 3*y**2", "--at", "1,1", "--json")
    rec = strict_json(out)
    assert isinstance(rec["condition_number"], float) and isinstance(rec["certified"], bool)
    assert rec["eigenvalues"] == sorted(rec["eigenvalues"])


def test_spectrum_lists_are_ordered_as_in_the_text(capsys):
    code, out, err = cli(capsys, "spectrum", "--problem", "logistic", "--k", "3", "--json")
    assert code == 0, err
    info = strict_json(out)
    assert info["largest"] == sorted(info["largest"], reverse=True)
    assert info["smallest"] == sorted(info["smallest"])
    code, text, err = cli(capsys, "spectrum", "--problem", "logistic", "--k", "3")
    shown = re.search(r"largest  3 eigenvalues \(Lanczos\): \[(.*)\]", text).group(1)
    np.testing.assert_allclose([float(v) for v in shown.split(",")], info["largest"], rtol=1e-5)


def test_version_and_help(capsys):
    from osculate.cli.minimize import runnable_methods

    code, out, err = cli(capsys, "--version")
    assert code == 0 and re.fullmatch(r"osculate \d+\.\d+\.\d+.*\n", out)
    code, out, err = cli(capsys, "minimize", "--help")
    assert code == 0
    flat = " ".join(out.split())
    for method in runnable_methods():
        assert method in flat
    assert "natural-gradient" not in flat
    assert "(default: newton)" in flat and "(default: 500)" in flat
    assert "sin(x)" in out and "E = Euler's number" in flat
    code, out, err = cli(capsys, "spectrum", "--help")
    flat = " ".join(out.split())
    for text in ("--k K how many largest and smallest eigenvalues", "(default: 3)", "--probes PROBES random probe",
                 "(default: 8)", "--seed SEED seed", "(default: 0)"):
        assert text in flat, text


def test_every_offered_method_runs(capsys):
    from osculate.cli.minimize import runnable_methods

    code, out, err = cli(capsys, "minimize", "(x - 1)^2 + 2*(y + 0.5)^2 + x*y/4", "--x0", "-1,1", "--json",
                         "--compare", ",".join(runnable_methods()))
    assert code == 0, err
    runs = strict_json(out)
    assert [r["method"] for r in runs] == runnable_methods()
    assert all(r["fun"] is not None for r in runs)


def test_negative_values_and_named_coordinates(capsys):
    code, out, err = cli(capsys, "taylor", "x*y^2", "--at", "-1,-2", "--direction", "-1,1", "--order", "1", "--json")
    assert code == 0, err
    rec = strict_json(out)
    assert rec["point"] == [-1.0, -2.0] and rec["direction"] == [-1.0, 1.0]
    assert np.isclose(rec["derivatives"][1], -4.0 + 4.0)  # grad = (y², 2xy) = (4, 4); · (-1, 1)


def test_vars_fix_the_order_in_every_expression_command(capsys):
    code, out, err = cli(capsys, "analyze", "x - 2*y", "--vars", "y,x,t", "--at", "1,2,3", "--json")
    assert code == 0, err
    rec = strict_json(out)
    assert rec["variables"] == ["y", "x", "t"] and rec["gradient"] == [-2.0, 1.0, 0.0]
    code, out, err = cli(capsys, "minimize", "(x - 1)^2 + (y - 2)^2", "--vars", "y,x", "--x0", "0,0", "--json")
    assert code == 0, err
    np.testing.assert_allclose(strict_json(out)[0]["x"], [2.0, 1.0], atol=1e-8)
    code, out, err = cli(capsys, "taylor", "x^3 + y", "--vars", "y,x", "--at", "0,1", "--direction", "0,1",
                         "--order", "3", "--json")
    np.testing.assert_allclose(strict_json(out)["derivatives"], [1.0, 3.0, 6.0, 6.0])


def test_verdicts_say_whether_they_are_certified(capsys):
    code, out, err = cli(capsys, "analyze", BOWL, "--at", "1,1")
    assert code == 0, err
    assert re.search(r"classification   strict local minimum \((not )?certified\)", out)
    code, out, err = cli(capsys, "analyze", BOWL, "--critical-points", "--bounds", "-2:2", "--json")
    rec = strict_json(out)
    assert all(isinstance(p["certified"], bool) for p in rec["critical_points"])
    code, out, err = cli(capsys, "analyze", BOWL, "--critical-points", "--bounds", "-2:2")
    point_lines = [line for line in out.splitlines() if line.startswith("  (x=")]
    assert len(point_lines) == 9 and all(line.endswith("certified)") for line in point_lines)


def test_critical_point_search_reports_its_coverage_and_never_a_raw_warning():
    # a subprocess with warnings as errors: an incomplete search is a printed note, not a warning
    code, out, err = run("analyze", "x**4 - x**2 + y**4 - y**2", "--critical-points", "--bounds", "-2:2",
                         "--starts", "4", "--json")
    assert code == 0 and err == "", err
    search = json.loads(out)["search"]
    assert search["n_starts"] is not None and search["n_starts"] >= 4
    assert search["n_distinct"] == len(json.loads(out)["critical_points"])
    assert search["complete"] in (True, False, None) and isinstance(search["note"], str)
    if search["complete"] is False:
        assert search["note"]
    code, out, err = run("analyze", "x**4 - x**2 + y**4 - y**2", "--critical-points", "--bounds", "-2:2",
                         "--starts", "4")
    assert code == 0 and err == "", err
    assert re.search(r"critical points in -2:2: \d+ \(\d+ starts", out)
    if search["complete"] is False:
        assert "search not complete: " in out


def test_user_files_fail_in_one_line(capsys, tmp_path):
    cases = {
        "boom.py": ("import numpy as np\ndef f(x):\n    return 1 / 0\n", "ZeroDivisionError"),
        "broken.py": ("def f(x) return x\n", "cannot import"),
        "gcd.py": ("import numpy as np\ndef f(x):\n    return np.sum(np.gcd(x ** 2, 2.0))\n",
                   "numpy.gcd is not supported"),
        "notfn.py": ("f = 3\n", "is not a function"),
        "nofn.py": ("def g(x):\n    return x\n", "has no function 'f'"),
    }
    for name, (source, message) in cases.items():
        (tmp_path / name).write_text(source)
        code, out, err = cli(capsys, "sparsity", "--file", f"{tmp_path / name}:f", "--n", "5")
        assert code == 2 and len(err.splitlines()) == 1 and message in err, (name, err)


def test_an_expression_may_start_with_a_minus_sign(capsys):
    code, out, err = cli(capsys, "analyze", "-x**2 - y**2", "--at", "-1,2", "--json")
    assert code == 0, err
    assert strict_json(out)["gradient"] == [2.0, -4.0]
    code, out, err = cli(capsys, "minimize", "--x0", "0.5", "-cos(x)", "--maxiter", "50", "--json")
    assert code == 0, err
    assert abs(strict_json(out)[0]["x"][0]) < 1e-8
    code, out, err = cli(capsys, "taylor", "-sin(x)", "--at", "0", "--order", "1", "--json")
    assert code == 0 and strict_json(out)["coefficients"] == [0.0, -1.0], err
