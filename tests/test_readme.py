"""The console examples of the README and of docs/ are real: each is run and its output compared.

A block in README.md or docs/*.md fenced as ```console holds commands (lines starting
with ``$ cnncount``, or ``$ cat FILE`` showing a file) each followed by its exact output;
the README's first screen has no room for more than one.  After a deliberate change,
``CNNCOUNT_UPDATE_README=1 python -m pytest tests/test_readme.py`` rewrites the
outputs in place; review the diff.
"""

import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.test_cli import _entry

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def _examples(text):
    """(command, expected output) for every command in every console block."""
    for block in BLOCK.finditer(text):
        parts = re.split(r"^\$ ", block.group(1), flags=re.M)
        for part in parts[1:]:
            command, _, output = part.partition("\n")
            yield command, output


def _run(command):
    args = shlex.split(command)
    if args[0] == "cat":  # an example file, shown whole
        return (Path(__file__).parent.parent / args[1]).read_text()
    assert args[0] == "cnncount", command
    # As an ordinary 80-column terminal shows them: a piped table is drawn at $COLUMNS.
    result = CliRunner().invoke(_entry, args[1:], catch_exceptions=False, env={"COLUMNS": "80"})
    text = result.stdout + result.stderr
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_readme_examples_match_the_tool(page):
    text = page.read_text()
    examples = list(_examples(text))
    assert examples or page.name in ("layers.md", "performance.md", "development.md"), (
        f"{page.name} has no console example"
    )
    if os.environ.get("CNNCOUNT_UPDATE_README"):
        for command, output in examples:
            text = text.replace(f"$ {command}\n{output}", f"$ {command}\n{_run(command)}", 1)
        page.write_text(text)
        pytest.skip(f"{page.name}'s outputs rewritten; review the diff")
    for command, output in examples:
        assert _run(command) == output, command


def test_readme_starts_with_what_a_newcomer_needs():
    """What it is, how to install it, one example and the test command, in the first screen (50 lines);
    the reference is in docs/."""
    first = "\n".join(README.read_text().splitlines()[:50])
    for needed in ("pip install .", "python -m pytest", "$ cnncount count"):
        assert needed in first, needed
    assert len(README.read_text()) < 10_000


def test_readme_python_example_runs_and_prints_what_it_says(capsys):
    text = (ROOT / "docs" / "output.md").read_text()
    code = re.search(r"## From Python\n\n```python\n(.*?)```\n\nprints\n\n```text\n(.*?)```", text, re.S)
    assert code, "docs/output.md's Python example and its output"
    exec(compile(code.group(1), "docs/output.md", "exec"), {})
    assert capsys.readouterr().out == code.group(2)


def test_the_repr_examples_are_what_python_prints():
    """The ``>>>`` lines of docs/output.md, evaluated, print the line under them."""
    import cnncount

    text = (ROOT / "docs" / "output.md").read_text()
    examples = re.findall(r"^>>> (.*)\n(.*)$", text, re.M)
    assert len(examples) >= 2
    for expression, shown in examples:
        assert repr(eval(expression, {"cnncount": cnncount})) == shown, expression
