"""What each command path imports: JSON output must not pay for rich or yaml, nor anything torch.

Each case runs the CLI in a fresh interpreter under ``-X importtime`` and
collects the modules two ways: the names in importtime's report on stderr, and
``sys.modules`` once ``main()`` has returned.  The second catches what the first
cannot see: modules loaded through ``importlib.import_module``, which importtime
does not report (cnncount's layer registry loads its kinds that way).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CONV = ["conv", "--input", "3x32x32", "--filters", "32", "--kernel", "5"]
STACK = [
    "count",
    "--input",
    "3x32x32",
    "--layer",
    "conv filters=32 kernel=5",
    "--layer",
    "flatten",
    "--layer",
    "dense units=10",
]

SNIPPET = """
import sys
from cnncount.cli import main
try:
    main({args!r})
except SystemExit as exc:
    code = exc.code
else:
    code = 0
sys.stdout.flush()
print("MODULES " + " ".join(sorted(sys.modules)), file=sys.stderr)
sys.exit(code)
"""

#: Top-level names that must stay out of a path that does not need them
#: (PyYAML installs both ``yaml`` and the ``_yaml`` compatibility shim).
RICH = {"rich"}
YAML = {"yaml", "_yaml"}
TORCH = {"torch", "torchvision", "torchinfo", "numpy"}
#: Modules click and json do not import, that cost milliseconds cnncount's start-up
#: target (1.15x its floor) cannot spare: pathlib pulls in urllib and ipaddress,
#: the first gettext call imports locale.
HEAVY = {"pathlib", "urllib", "locale", "dataclasses", "difflib"}


def run_modules(args: list[str]) -> tuple[str, set[str]]:
    """Run ``main(args)`` in a fresh interpreter; its stdout and every module it imported."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", SNIPPET.format(args=args)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    timed = [line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")]
    assert timed, "no -X importtime report on stderr"
    listed = [line for line in proc.stderr.splitlines() if line.startswith("MODULES ")]
    assert listed, proc.stderr[-2000:]
    return proc.stdout, {*timed, *listed[-1].split()[1:]}


def run_cli(args: list[str]) -> tuple[str, set[str]]:
    """Run ``main(args)`` in a fresh interpreter; its stdout and the top-level packages it imported."""
    out, names = run_modules(args)
    return out, {name.split(".")[0] for name in names}


@pytest.mark.parametrize(
    "args",
    [
        pytest.param([*CONV, "--format", "json"], id="conv-json"),
        pytest.param([*STACK, "--format", "json"], id="layers-json"),
    ],
)
def test_json_output_imports_neither_rich_nor_yaml(args: list[str]) -> None:
    out, packages = run_cli(args)
    assert json.loads(out)["totals"]["params"] > 0
    assert not packages & RICH, "JSON output imported rich"
    assert not packages & YAML, "a command without a YAML file imported yaml"
    assert not packages & TORCH
    assert not packages & HEAVY, f"start-up imported {packages & HEAVY}"


@pytest.mark.parametrize("env", [pytest.param({}, id="piped"), pytest.param({"FORCE_COLOR": "1"}, id="styled")])
def test_table_output_imports_neither_rich_nor_yaml(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """cnncount lays the table out and draws it, plain or with escape codes: rich is for pictures."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out, packages = run_cli([*CONV, "--chart"])
    assert "2,432" in out and ("\x1b[1m" in out) == bool(env)
    assert not packages & RICH, "the table imported rich"
    assert not packages & YAML, "a command without a YAML file imported yaml"
    assert not packages & TORCH


def test_pictures_import_rich(tmp_path: Path) -> None:
    _, packages = run_cli([*CONV, "--save", str(tmp_path / "conv.svg")])
    assert "rich" in packages and (tmp_path / "conv.svg").read_text().startswith("<svg")


def test_spec_file_as_json_imports_yaml_but_not_rich(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text("input: [3, 32, 32]\nlayers:\n  - {type: conv, filters: 32, kernel: 5}\n")
    out, packages = run_cli(["count", str(spec), "--format", "json"])
    assert json.loads(out)["totals"]["params"] == 2432
    assert "yaml" in packages
    assert not packages & RICH, "JSON output imported rich"
    assert not packages & TORCH


def _imports_of(path: Path, package: str) -> set[str]:
    """The cnncount modules a module imports at run time (anywhere in it; imports for type checkers aside)."""
    import ast

    found: set[str] = set()

    class Visitor(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                return
            self.generic_visit(node)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
                # ``from .model import count`` imports model; ``from . import limits``, limits (the
                # package itself is imported before any of its modules, so it is no edge)
                if node.module:
                    found.add(target)
                found.update(f"{target}.{alias.name}" for alias in node.names)

    Visitor().visit(ast.parse(path.read_text()))
    return found


def test_imports_point_one_way() -> None:
    """No cycle among cnncount's modules, lazy imports included (the model once imported a renderer)."""
    root = Path(__file__).parent.parent / "cnncount"
    modules = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph = {
        name: {dep for dep in _imports_of(path, name if path.name == "__init__.py" else name.rpartition(".")[0])}
        & set(modules) - {name}
        for name, path in modules.items()
    }
    # depth-first search for a path back to where it started
    for start in graph:
        todo, seen = [(start, (start,))], set()
        while todo:
            name, trail = todo.pop()
            for dep in graph[name]:
                assert dep != start, " -> ".join((*trail, dep))
                if dep not in seen:
                    seen.add(dep)
                    todo.append((dep, (*trail, dep)))
    assert "cnncount.render.as_json" not in graph["cnncount.model"]


def test_a_spec_without_templates_does_not_import_them(tmp_path: Path) -> None:
    """The template machinery and the expression language cost nothing to the specs that do not use them."""
    spec = tmp_path / "net.yaml"
    spec.write_text("input: [3, 32, 32]\nlayers:\n  - {type: conv, filters: 32, kernel: 5}\n")
    _, modules = run_modules(["count", str(spec), "--format", "json"])
    assert "cnncount.spec" in modules
    assert not modules & {"cnncount.template", "cnncount.expr"}


def test_receptive_fields_cost_nothing_unless_asked() -> None:
    """Without --rf, neither the receptive-field module nor fractions (it imports decimal) is loaded."""
    _, plain = run_modules([*CONV, "--columns", "name,params"])
    assert not plain & {"cnncount.receptive", "fractions"}
    assert "cnncount.receptive" in run_modules([*CONV, "--rf"])[1]


def test_export_is_loaded_only_by_export_and_never_loads_torch() -> None:
    """The other commands do not load the exporter; export writes torch code without importing torch."""
    _, counted = run_modules(STACK)
    assert "cnncount.export" not in counted
    out, exported = run_modules(["export", *STACK[1:]])
    assert "cnncount.export" in exported and "torch" not in exported
    assert out.startswith('"""') and "class Net(nn.Module):" in out


def test_onnx_and_keras_readers_are_loaded_only_for_their_files() -> None:
    """Counting a YAML spec or a --layer stack loads neither the ONNX nor the Keras reader, nor onnx."""
    _, counted = run_modules(STACK)
    assert not counted & {"cnncount.from_onnx", "cnncount.from_keras", "cnncount.convert", "onnx", "json"}
