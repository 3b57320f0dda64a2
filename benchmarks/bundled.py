#!/usr/bin/env python3
"""What counting a bundled spec costs against the floor: ``python benchmarks/bundled.py``.

Fresh processes, interleaved in a shuffled order, median of 25 rounds each (after one to warm the bytecode cache,
kept in a folder of its own as pip compiles a wheel's): ``python -c "import click, json"``, the
floor any click program that writes JSON pays, against ``cnncount count vgg16 --format json`` and
``cnncount count resnet50 --format json``, and ``cnncount count resnet50`` (the table, piped). A
bundled spec is read from its pre-parsed form (specs/parsed/), without PyYAML. Issue 16's targets:
at most 1.15x the floor for vgg16, and the table at most 1.3x the JSON for resnet50. This script
prints the figures; it asserts nothing.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("cnncount")
ROUNDS = 25


def main() -> None:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's install has bytecode; so do these runs
    env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="cnncount-bundled-")
    commands = {
        "floor: import click, json": [sys.executable, "-c", "import click, json"],
        "count vgg16 --format json": [str(SCRIPT), "count", "vgg16", "--format", "json"],
        "count resnet50 --format json": [str(SCRIPT), "count", "resnet50", "--format", "json"],
        "count resnet50 (table, piped)": [str(SCRIPT), "count", "resnet50"],
    }
    for command in commands.values():
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
    times: dict[str, list[float]] = {name: [] for name in commands}
    order = list(commands)
    for _ in range(ROUNDS):
        random.shuffle(order)  # no command always runs after the same one
        for name in order:
            command = commands[name]
            start = time.perf_counter()
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL, cwd=tempfile.gettempdir(), check=True)
            times[name].append(time.perf_counter() - start)
    floor = statistics.median(times["floor: import click, json"])
    for name, measured in times.items():
        median = statistics.median(measured)
        print(f"{name:32} {median * 1000:6.1f} ms  {median / floor:.2f}x the floor")
    ratios = [
        table / json
        for table, json in zip(times["count resnet50 (table, piped)"], times["count resnet50 --format json"])
    ]
    print(f"{'resnet50: table / JSON':32} {statistics.median(ratios):.2f}x (median of the ratios in each round)")


if __name__ == "__main__":
    main()
