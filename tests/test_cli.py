"""The ``osculate`` command, run as a user runs it (a subprocess)."""

import json
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
        (("analyze", "x*y", "--at", "w=1,x=2"), "unknown variable 'w'"),
        (("analyze", "x*y", "--at", "1"), "1 coordinate(s) given but the expression has 2 variable(s)"),
        (("analyze", "log(x)", "--at", "0"), "f is not finite"),
        (("analyze", "x*y"), "give a point with --at"),
        (("analyze", "x*y", "--critical-points"), "--critical-points needs --bounds"),
        (("analyze", "x*y", "--critical-points", "--bounds", "2:1"), "lo < hi"),
        (("minimize", "x**2", "--x0", "1", "--method", "magic"), "unknown method 'magic'"),
        (("taylor", "x**2", "--at", "abc"), "comma-separated numbers"),
        (("sparsity", "--problem", "nope"), "unknown problem 'nope'"),
        (("sparsity", "--problem", "bratu2d", "--n", "10"), "not an admissible size"),
    ],
)
def test_bad_input_is_one_line_with_exit_code_2(args, message):
    code, out, err = run(*args)
    assert code == 2
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and message in err


def test_demo_runs_and_writes_plots(tmp_path):
    out_dir = tmp_path / "tour"
    code, out, err = run("demo", "--out", str(out_dir))
    assert code == 0, err
    for section in ("1. Gradient", "3. Higher order", "4. Reading curvature", "5. Second-order", "6. Sparse", "7. Spectrum"):
        assert section in out
    pngs = sorted(p.name for p in out_dir.glob("*.png"))
    assert pngs == ["critical_points.png", "optimizers.png", "spectrum.png"]
    assert all((out_dir / p).stat().st_size > 10_000 for p in pngs)
