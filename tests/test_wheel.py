"""The built wheel carries the bundled specs: `pip install .` then `cnncount count vgg16` works anywhere."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    # Built with the hatchling the test extra installs: no network, no build isolation.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    (path,) = out.glob("cnncount-*.whl")
    return path


def test_wheel_holds_every_bundled_spec_and_py_typed(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for spec in (ROOT / "specs").glob("*.yaml"):
        assert f"cnncount/specs/{spec.name}" in names
        assert f"cnncount/specs/parsed/{spec.stem}.json" in names  # what a count by name reads
    assert "cnncount/py.typed" in names
    assert not any(name.startswith("tests/") for name in names)


def test_installed_wheel_counts_bundled_specs_from_any_directory(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = "import sys; from cnncount.cli import main; main(sys.argv[1:])"
    proc = subprocess.run(
        [sys.executable, "-c", code, "count", "vgg16", "--format", "json"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["totals"]["params"] == 138_357_544
    assert (
        "site"
        in subprocess.run(
            [sys.executable, "-c", "import cnncount.sources as s; print(s.bundled_dir())"],
            cwd=elsewhere,
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": str(site)},
        ).stdout
    )
