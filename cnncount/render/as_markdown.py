"""Reports as GitHub-flavoured Markdown tables, ready to paste into a README."""

from __future__ import annotations

from collections.abc import Sequence

from ..memory import Memory
from ..model import Report
from ..shapes import format_shape
from .columns import cells, columns


def _cell(value: object) -> str:
    text = f"{value:,}" if isinstance(value, int) else str(value)
    return text.replace("|", "\\|")


def render(reports: Sequence[Report], memory: Memory | None = None) -> str:
    parts = []
    for report in reports:
        cols = columns(report, memory)
        lines = []
        if report.name:
            lines.append(f"**{report.name}** (input {format_shape(report.shown(report.input_shape))})\n")
        lines.append("| " + " | ".join(c.heading for c in cols) + " |")
        lines.append("|" + "|".join("---:" if c.numeric else "---" for c in cols) + "|")
        body, totals = cells(report, cols, memory)
        for values in body:
            lines.append("| " + " | ".join(_cell(value) for value in values) + " |")
        for values in totals:
            shown = [_cell(value) for value in values]
            lines.append("| " + " | ".join(f"**{cell}**" if cell else "" for cell in shown) + " |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"
