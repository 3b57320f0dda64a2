#!/usr/bin/env python3
"""How long and how much memory each hostile input takes: ``python benchmarks/hostile.py``.

Runs every case of ``tests/hostile.py`` (the suite ``tests/test_hostile.py``
checks) in a fresh process, as a user would, ``--repeats`` times, and reports for
each its slowest wall time and its peak resident memory (the whole process,
Python's start-up included) against the README's promise: any input is answered
or refused in under 2 s and 500 MB.  Exits 1 when a case breaks the contract or
the promise, so that it can gate a release; it is not part of the test suite,
where timings would make tests flaky.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.hostile import CLASSES, MOST_MB, MOST_SECONDS, breaks, cases, run  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each case; the slowest is kept (default 3)")
    parser.add_argument("-k", metavar="TEXT", help="only the cases whose class-id contains TEXT")
    args = parser.parse_args()

    chosen = [c for c in cases() if args.k is None or args.k in f"{c.cls}-{c.id}"]
    failures = 0
    rows = []
    for case in chosen:
        worst_s, worst_mb, problems = 0.0, 0.0, set()
        for _ in range(args.repeats):
            with tempfile.TemporaryDirectory() as folder:
                outcome = run(case, Path(folder))
            worst_s, worst_mb = max(worst_s, outcome.seconds), max(worst_mb, outcome.max_rss_mb)
            problems.update(breaks(case, outcome))
        if worst_s >= MOST_SECONDS:
            problems.add(f"took {worst_s:.2f} s")
        if worst_mb >= MOST_MB:
            problems.add(f"took {worst_mb:.0f} MB")
        failures += bool(problems)
        rows.append((case, worst_s, worst_mb, sorted(problems)))
        print(
            f"{case.cls:<10} {case.id:<40} {worst_s:6.2f} s {worst_mb:6.0f} MB  {'; '.join(sorted(problems)) or 'ok'}"
        )
    per_class = Counter(case.cls for case, *_ in rows)
    slowest = max(rows, key=lambda r: r[1])
    biggest = max(rows, key=lambda r: r[2])
    print()
    print(
        f"{len(rows)} cases in {len(per_class)} classes ({', '.join(f'{c} {per_class[c]}' for c in CLASSES if c in per_class)}), "
        f"{args.repeats} runs each"
    )
    print(f"slowest: {slowest[0].id} {slowest[1]:.2f} s; most memory: {biggest[0].id} {biggest[2]:.0f} MB")
    print(f"contract or promise broken: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
