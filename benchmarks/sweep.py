#!/usr/bin/env python3
"""What a sweep costs per variant, and whether its memory stays flat: ``python benchmarks/sweep.py``.

Each measurement is one fresh process running ``cnncount count resnet
--set depth=50 --set classes=1,2,...,N --format csv`` (N ResNet-50 variants of 175
layers, counted one after another), for N = 10, 100 and 1,000 by default.  The cost
of one variant is the slope between the two largest N (start-up cancels out); the
peak resident memory of the whole process is printed for each N, which a sweep that
kept its reports would grow with.  As a baseline in the same run, the same network
from a plain spec, the hand-written ``docs/examples/resnet50.yaml``: ``cnncount count`` of it
repeated as one call over N copies (no templates, one report per spec kept until printed).

The issue's target is at most 2 ms per variant with flat memory.  This script prints
the figures; it asserts nothing (timings belong in a benchmark, not in the tests).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAMILY = ROOT / "specs" / "resnet.yaml"
PLAIN = ROOT / "docs" / "examples" / "resnet50.yaml"


def timed(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one run of the CLI in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cnncount", *argv], capture_output=True, text=True, cwd=ROOT, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"cnncount {' '.join(argv[:4])} ... failed: {done.stderr.strip()}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,1000", help="variant counts, comma-separated")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each; the fastest is kept")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    print(f"python {sys.version.split()[0]}; {FAMILY.relative_to(ROOT)}, ResNet-50 variants (175 layers)")
    print(f"{'variants':>9}  {'sweep s':>8}  {'peak MB':>8}")
    times = []
    for n in sizes:
        argv = ["count", str(FAMILY), "--set", "depth=50", "--set", "classes=" + ",".join(map(str, range(1, n + 1)))]
        runs = [timed([*argv, "--format", "csv"]) for _ in range(args.repeats)]
        seconds, peak = min(r[0] for r in runs), max(r[1] for r in runs)
        times.append(seconds)
        print(f"{n:>9,}  {seconds:>8.2f}  {peak:>8.1f}")
    if len(sizes) >= 2:
        per = (times[-1] - times[-2]) / (sizes[-1] - sizes[-2])
        print(f"per variant: {per * 1000:.2f} ms (target <= 2 ms)")
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
