#!/usr/bin/env python3
"""What ``--rf`` adds to a count: ``python benchmarks/rf.py [NAME ...]``.

In one process, best of N runs each (the networks are bundled specs): counting the network
(``cnncount.count``), writing its JSON document as ``--format json`` does, and writing it with
each layer's receptive field (``--rf``: the fields are worked out, then written). The ratio is
(count + JSON with fields) / (count + JSON): what a user who asks for ``--rf`` waits, against not
asking. The issue's target is at most 1.3x. densenet201 is the hard case (its concats merge many
paths at every layer), efficientnet_b7 the easy one (its fields are whole after the first gate).
This script prints the figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial

import cnncount
from cnncount.render.as_json import render


def best(run: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` runs, in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=["resnet50", "inception_v3", "densenet201", "efficientnet_b7"])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"{'network':<16} {'count':>9} {'json':>9} {'json, rf':>9} {'ratio':>6}")
    for name in args.names:
        counted = best(partial(cnncount.count, name), args.repeats)
        report = cnncount.count(name)
        plain = best(partial(render, report, one_line=True), args.repeats)
        fields = best(partial(render, report, one_line=True, rf=True), args.repeats)
        ratio = (counted + fields) / (counted + plain)
        print(f"{name:<16} {counted:>6.1f} ms {plain:>6.1f} ms {fields:>6.1f} ms {ratio:>5.2f}x")


if __name__ == "__main__":
    main()
