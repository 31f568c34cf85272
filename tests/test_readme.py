"""The README and docs cannot rot: their Python code blocks are executed, their
``console`` blocks of ``$ osculate ...`` commands are run, and the README's
test command is the one CI runs."""

import pathlib
import re
import shlex

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))


def _blocks(path):
    text = path.read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


CASES = [(p, i, code) for p in DOCS for i, code in enumerate(_blocks(p))]


@pytest.mark.parametrize("path,index,code", CASES, ids=[f"{p.name}#{i}" for p, i, _ in CASES])
def test_doc_code_block_runs(path, index, code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # blocks that write plots write them here
    exec(compile(code, f"{path.name}[block {index}]", "exec"), {"__name__": "__doc_block__"})


def _console_commands(path):
    """``(command, shown output lines)`` for each ``$ osculate ...`` line of the
    ``console`` blocks; the lines after a command, up to the next one, are its
    output as shown."""
    out = []
    for block in re.findall(r"```console\n(.*?)```", path.read_text(), flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                out.append((line[2:], []))
            elif out and line.strip():
                out[-1][1].append(line.rstrip())
    return out


def _shown_line_pattern(line):
    """A shown output line as a regex: ``...`` stands for any text."""
    return re.compile(".*".join(re.escape(part) for part in line.split("...")))


CONSOLE = [(p, i, cmd, shown) for p in DOCS for i, (cmd, shown) in enumerate(_console_commands(p))]


@pytest.mark.parametrize("path,index,command,shown", CONSOLE,
                         ids=[f"{p.name}${i}" for p, i, _, _ in CONSOLE])
def test_doc_console_command_runs(path, index, command, shown, tmp_path, monkeypatch, capsys):
    """Run the command through ``osculate.cli.main`` in a fresh folder; the exit
    status is 2 when the shown output is an error line, else 0, and every shown
    line (``...`` = any text; a line of only ``...`` skips output) matches an
    output line, in order."""
    from osculate.cli import main

    args = shlex.split(command)
    assert args[0] == "osculate", f"console blocks show osculate commands only: {command!r}"
    monkeypatch.chdir(tmp_path)
    code = main(args[1:])
    captured = capsys.readouterr()
    actual = (captured.out + captured.err).splitlines()
    expected_code = 2 if any(line.startswith("osculate: error:") for line in shown) else 0
    assert code == expected_code, f"{command!r} exited with {code}:\n{captured.err}"
    if expected_code:
        assert len(captured.err.strip().splitlines()) == 1, captured.err
    pos = 0
    for line in shown:
        if line.strip() == "...":
            continue
        pattern = _shown_line_pattern(line)
        while pos < len(actual) and not pattern.fullmatch(actual[pos].rstrip()):
            pos += 1
        assert pos < len(actual), f"{command!r}: shown line {line!r} not in the output (in order):\n" + \
            "\n".join(actual)
        pos += 1


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.S)
    assert commands[0].strip() == "pip install -e '.[cli]' && osculate demo"
    test_cmd = commands[1].strip()
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_cmd in [line.strip() for line in ci], "CI must run the README's test command verbatim"
