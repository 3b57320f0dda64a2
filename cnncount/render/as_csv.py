"""Reports as CSV: a header row, one row per leaf layer, then the totals rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from ..memory import Memory
from ..model import Report
from .columns import cells, columns


def render(reports: Sequence[Report], memory: Memory | None = None) -> str:
    """CSV text; with several reports, a leading ``spec`` column says which each row is from."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    several = len(reports) > 1
    # One header for every report: the same columns for all.
    non_trainable = any(report.totals.non_trainable for report in reports)
    for number, report in enumerate(reports):
        cols = columns(report, memory, non_trainable=non_trainable)
        if number == 0:
            writer.writerow((["spec"] if several else []) + ["path"] + [c.key for c in cols])
        lead = [report.name or f"spec {number + 1}"] if several else []
        body, totals = cells(report, cols, memory)
        name = [col.key for col in cols].index("name")
        for row, values in zip(report.rows, body):
            writer.writerow(lead + [row.path] + values)
        for values in totals:
            # The totals are marked in the path column, where a layer has its place.
            writer.writerow(lead + [values[name]] + values)
    return out.getvalue()
