"""The command line never runs the user's text as Python, and no input makes it
hang: every injection or resource-exhaustion attempt exits with status 2 and
one line, and leaves no trace (a sentinel file is never created).

The attempts run in-process through ``osculate.cli.main``; they return quickly
by construction (the parser bounds the work before anything is evaluated), so
no timing is asserted.
"""

import builtins
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

import osculate as osc
from osculate.cli import main, parse_expression
from osculate.expression import MAX_LENGTH, ExpressionError

SENTINEL = "PWNED_SENTINEL"

INJECTIONS = [
    f"__import__('os').system('touch {SENTINEL}')",
    f'__import__("os").system("touch {SENTINEL}")',
    f"open('{SENTINEL}', 'w')",
    f"x + open('{SENTINEL}', 'w').write('1')",
    "x + ().__class__.__base__.__subclasses__().__len__()",
    "x.__class__.__mro__",
    "x + x.real",
    "sin.__globals__",
    f"exec(\"open('{SENTINEL}','w')\")",
    "eval(x)",
    "compile(x)",
    "__builtins__",
    "__import__",
    "_x + 1",
    f"(lambda: __import__('os').system('touch {SENTINEL}'))()",
    "[c for c in ().__class__.__bases__]",
    "(c for c in x)",
    f"x if __import__('os').system('touch {SENTINEL}') else x",
    "x and y",
    "not x",
    "x < 1",
    "(x := 1)",
    f"f'{{__import__(\"os\").system(\"touch {SENTINEL}\")}}'",
    "b'x'",
    "x[0]",
    "{x: 1}",
    "x; import os",
    "import os",
    "sin(x, **{'a': 1})",
    "sin(*[x])",
    "sin(x=1)",
    "getattr(x, 'real')",
    "os.system",
    "sympify(x)",
    "Integral(x**2, x)",
    "Function(x)(x)",
    "(x + 1)(x - 1)",
    "x @ x",
    "x // 2",
    "x % 2",
    "~x",
    "x << 2",
    "x # comment",
    "\\x",
    "x\x00",
    "x\u200b",  # zero-width space
    "ｘ + 1",  # full-width x: Python's parser would fold it to x (NFKC)
    "х + 1",  # Cyrillic ha
    "x²",
    "1j * x",
    "I * x",
    "x + inf",
    "nan * x",
    "True * x",
    "None",
    "...",
    "x, y",
    "",
    "   ",
]

EXHAUSTION = [
    "x + 9**9**9",
    "x + 2**10**8",
    "x * 10**10**10**10",
    "x + factorial(100000)",
    "x + " + "9" * 5000,
    "x + 1e999",
    "-" * 5000 + "x",
    "(" * 5000 + "x" + ")" * 5000,
    "sin(" * 500 + "x" + ")" * 500,
    "+".join(["x"] * 3000),
    "x" + "**x" * 3000,
    "x" + "*x" * 2500,
    "x" * (MAX_LENGTH + 1),
    "a" * 200 + " + x",
    " + ".join(f"x{i}" for i in range(150)),
    "x / (1 - 1)",
    "x + sqrt(-1)",
    "x + log(0)",
    "x + exp(1000)",
]


def _check_refused(capsys, args, tmp_path):
    code = main(args)
    captured = capsys.readouterr()
    assert code == 2, captured.out + captured.err
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("osculate: error:"), captured.err
    assert "Traceback" not in captured.err
    assert not (tmp_path / SENTINEL).exists(), "the expression had a side effect"
    return lines[0]


@pytest.mark.parametrize("text", INJECTIONS, ids=[repr(t[:40]) for t in INJECTIONS])
def test_injection_attempts_are_refused_in_one_line(text, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _check_refused(capsys, ["analyze", text, "--at", "1"], tmp_path)
    with pytest.raises(ExpressionError):
        parse_expression(text)


@pytest.mark.parametrize("text", EXHAUSTION, ids=[repr(t[:40]) for t in EXHAUSTION])
def test_resource_exhaustion_attempts_return_at_once_with_one_line(text, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _check_refused(capsys, ["analyze", text, "--at", "1"], tmp_path)


@pytest.mark.parametrize("command", [["minimize", "--x0", "1"], ["taylor", "--at", "1"]])
def test_every_expression_command_uses_the_safe_parser(command, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for text in (INJECTIONS[0], INJECTIONS[2], "x + 9**9**9", "x.__class__"):
        _check_refused(capsys, [command[0], text, *command[1:]], tmp_path)


def test_the_parser_never_calls_eval_exec_or_sympy_on_text(monkeypatch):
    import sympy
    import sympy.codegen.cfunctions  # noqa: F401 - imported first: an import itself runs exec
    import sympy.parsing.sympy_parser as sympy_parser

    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec/sympify/parse_expr was called")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(sympy, "sympify", forbidden)
    monkeypatch.setattr(sympy_parser, "parse_expr", forbidden)
    e = parse_expression("x**2 + 3*x*y - sin(y) / E + pi")
    assert np.isclose(float(e.fn(np.array([1.0, 2.0]))), 7 - np.sin(2.0) / np.e + np.pi)
    assert np.allclose(osc.grad(e.fn)(np.array([1.0, 2.0])), [8.0, 3.0 - np.cos(2.0) / np.e])
    e.to_sympy()  # built node by node
    with pytest.raises(ExpressionError):
        parse_expression("__import__('os')")


def test_the_sources_contain_no_eval_of_text():
    src = pathlib.Path(osc.__file__).parent
    paths = [src / "expression.py", src / "expression_functions.py", *sorted((src / "cli").glob("*.py"))]
    assert len(paths) > 4
    for path in paths:
        text = path.read_text()
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(("#", ">>>")))
        assert not re.search(r"(?<![\w.])(eval|exec|compile|sympify|parse_expr|lambdify)\s*\(", code), path.name


def test_a_real_process_is_not_fooled(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "osculate", "analyze", f"__import__('os').system('touch {SENTINEL}')", "--at", "1"],
        capture_output=True, text=True, timeout=240, cwd=tmp_path,
        env={"PATH": "", "PYTHONWARNINGS": "error", "MPLBACKEND": "Agg"},
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith("osculate: error:")
    assert not (tmp_path / SENTINEL).exists()


# --------------------------------------------------------------------------- names and constants


def test_variables_are_ascii_and_errors_name_the_character_and_position():
    with pytest.raises(ExpressionError, match=r"'²' \(U\+00B2 SUPERSCRIPT TWO\) at position 2"):
        parse_expression("x²")
    with pytest.raises(ExpressionError, match=r"U\+0445 CYRILLIC SMALL LETTER HA\) at position 5"):
        parse_expression("x + х")


def test_constants_e_pi_and_the_names_sympy_reserves():
    e = parse_expression("E * x + pi")
    assert e.variables == ("x",)
    assert np.isclose(float(e.fn(np.array([1.0]))), np.e + np.pi)
    assert parse_expression("e * x").variables == ("e", "x")  # lower-case e is a variable
    assert parse_expression("N + S*O - Q").variables == ("N", "O", "Q", "S")  # plain variables here
    with pytest.raises(ExpressionError, match="complex expressions are not supported"):
        parse_expression("I * x")
    with pytest.raises(ExpressionError, match="complex expressions are not supported"):
        parse_expression("x + 2j")
    for bad in ("inf", "nan", "oo", "zoo", "Infinity"):
        with pytest.raises(ExpressionError, match="non-finite constants are not supported"):
            parse_expression(f"x + {bad}")


def test_natural_order_and_explicit_order():
    assert parse_expression("x10 + x2 + x1").variables == ("x1", "x2", "x10")
    assert parse_expression("b*a", variables=["b", "a", "c"]).variables == ("b", "a", "c")
    with pytest.raises(ExpressionError, match="uses a"):
        parse_expression("b*a", variables=["b"])
    with pytest.raises(ExpressionError, match="listed twice"):
        parse_expression("a", variables=["a", "a"])
    with pytest.raises(ExpressionError, match="is a function"):
        parse_expression("a", variables=["a", "sin"])
    with pytest.raises(ExpressionError, match="not a variable name"):
        parse_expression("a", variables=["a", "x.y"])


def test_constant_expressions_with_listed_variables_work():
    e = parse_expression("3", variables=["x"])
    assert float(e.fn(np.array([5.0]))) == 3.0
    assert float(osc.grad(e.fn)(np.array([5.0]))[0]) == 0.0
    with pytest.raises(ExpressionError, match="no variables"):
        parse_expression("3")


def test_the_stack_program_matches_sympy_for_every_function():
    """The evaluator and the SymPy tree built from the same text agree (SymPy
    lambdified here, in the test, from a tree the parser built)."""
    import sympy as sp

    text = ("sin(x) + cos(y) + tan(x/3) + asin(x/2) + acos(y/3) + atan(x*y) + atan2(y, x) + sinh(x) + cosh(y)"
            " + tanh(x) + asinh(y) + acosh(1 + x) + atanh(y/2) + exp(x) + expm1(y) + exp2(x) + log(y) + ln(x)"
            " + log(x, 3) + log1p(y) + log2(x) + log10(y) + sqrt(x) + cbrt(y) + abs(x - y) + max(x, y, 0.5)"
            " + min(x, y) + hypot(x, y) + logaddexp(x, y) + softplus(x) + expit(y) + erf(x) + erfc(y)"
            " + gammaln(x) + digamma(y) + x^2 - -y + +x/2 - E*pi")
    e = parse_expression(text)
    expr = e.to_sympy()
    assert {s.name for s in expr.free_symbols} == {"x", "y"}
    f = sp.lambdify([sp.Symbol("x", real=True), sp.Symbol("y", real=True)], expr, modules=["scipy", "numpy"])
    for point in ([0.7, 0.4], [1.3, 0.9]):
        assert np.isclose(float(e.fn(np.array(point))), float(f(*point)), rtol=1e-12)
