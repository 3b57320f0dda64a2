#!/usr/bin/env python3
"""What a sweep costs per variant, and whether its memory stays flat: ``python benchmarks/sweep.py``.

Each measurement is one fresh process running ``cnncount count resnet --set depth=50
--set ARG=v1,...,vN --format csv``: N ResNet-50 variants (175 layers each) counted one
after another, for N = 10, 100 and 1,000 by default.  The cost of one variant is the
slope between the two largest N (start-up cancels out); the peak resident memory of
each process is printed for each N, which a sweep that kept its reports would grow with.

Three arguments are swept, because what a variant costs depends on where the argument
is read:

* ``classes`` is read by the last entry only (the classifier): each variant starts from
  the previous one's first entries, expanded and counted once (``graph.Replay``), and
  only the classifier is read again: the best case, and the usual one when the argument
  that changes fastest is a head's;
* ``width_per_group`` is read by every stage: each variant reads and counts its whole
  body again, with new layers (their results cannot come from the variants before);
* ``resolution`` is the input: every layer again, with new shapes.

As a baseline in the same run, the same network from a plain spec, the hand-written
``docs/examples/resnet50.yaml``: ``cnncount count`` of it repeated as one call over N
copies (no templates; YAML parsed for each copy, one report per spec kept until printed).

The issue's target is at most 2 ms per variant with flat memory.  This script prints
the figures; it asserts nothing (timings belong in a benchmark, not in the tests).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAIN = ROOT / "docs" / "examples" / "resnet50.yaml"

#: argument -> its N values in a sweep of N variants (each a network that counts differently)
SWEEPS = {
    "classes": lambda n: range(1, n + 1),
    "width_per_group": lambda n: range(1, n + 1),
    "resolution": lambda n: range(64, 64 + n),
}


def timed(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one run of the CLI in a fresh process of its own."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cnncount", *argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT
    )
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak, not the largest child's so far
    seconds = time.perf_counter() - start
    assert proc.stderr is not None
    error = proc.stderr.read().decode()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"cnncount {' '.join(argv[:6])} ... failed: {error.strip()}")
    return seconds, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,1000", help="variant counts, comma-separated")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each; the fastest is kept")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    print(f"python {sys.version.split()[0]}; cnncount count resnet --set depth=50, ResNet-50 variants (175 layers)")
    print(f"{'--set':>17}  {'variants':>9}  {'sweep s':>8}  {'peak MB':>8}")
    for arg, values in SWEEPS.items():
        times = []
        for n in sizes:
            argv = ["count", "resnet", "--set", "depth=50", "--set", f"{arg}=" + ",".join(map(str, values(n)))]
            runs = [timed([*argv, "--format", "csv"]) for _ in range(args.repeats)]
            seconds, peak = min(r[0] for r in runs), max(r[1] for r in runs)
            times.append(seconds)
            print(f"{arg:>17}  {n:>9,}  {seconds:>8.2f}  {peak:>8.1f}")
        if len(sizes) >= 2:
            per = (times[-1] - times[-2]) / (sizes[-1] - sizes[-2])
            print(f"{arg:>17}  per variant: {per * 1000:.2f} ms (target <= 2 ms)")
    n = min(sizes[-1], 200)  # the baseline: the plain spec, n times in one call
    base = min(timed(["count", *([str(PLAIN)] * n), "--format", "csv"])[0] for _ in range(args.repeats))
    one = min(timed(["count", str(PLAIN), "--format", "csv"])[0] for _ in range(args.repeats))
    print(
        f"baseline, {PLAIN.relative_to(ROOT)} (plain YAML, parsed each time) x{n} in one call: "
        f"{(base - one) / (n - 1) * 1000:.2f} ms per copy"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
