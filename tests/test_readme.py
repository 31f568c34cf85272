"""The README and docs cannot rot: their Python code blocks are executed, and
the README's test command is the one CI runs."""

import pathlib
import re

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


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.S)
    assert commands[0].strip() == "pip install -e '.[cli]' && osculate demo"
    test_cmd = commands[1].strip()
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_cmd in [line.strip() for line in ci], "CI must run the README's test command verbatim"
