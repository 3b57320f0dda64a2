"""Reports as GitHub-flavoured Markdown tables, ready to paste into a README."""

from __future__ import annotations

from collections.abc import Sequence

from ..memory import Memory
from ..model import Report
from ..shapes import format_shape
from .columns import columns, total_rows


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
        for row in report.rows:
            lines.append("| " + " | ".join(_cell(c.cell(row)) for c in cols) + " |")
        for line in total_rows(report, cols, memory):
            cells = [_cell(line[c.key]) for c in cols]
            lines.append("| " + " | ".join(f"**{cell}**" if cell else "" for cell in cells) + " |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"
