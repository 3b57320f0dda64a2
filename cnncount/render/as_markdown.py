"""Reports as GitHub-flavoured Markdown tables, ready to paste into a README.

Layers are named inside their blocks (``layer1.0.conv1``); with ``depth``, the
blocks above it appear as italic subtotal lines and the layers below it fold
into them, as in the terminal table.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import printable
from ..memory import Memory
from ..model import Report
from ..shapes import format_shape
from .columns import cells, columns, pick


def _cell(value: object) -> str:
    text = f"{value:,}" if isinstance(value, int) else printable(str(value))
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def render(
    reports: Sequence[Report],
    memory: Memory | None = None,
    *,
    depth: int | None = None,
    keys: Sequence[str] | None = None,
    rf: bool = False,
) -> str:
    parts = []
    for report in reports:
        fields = None
        if rf:
            from ..receptive import fields as receptive_fields

            fields = receptive_fields(report)
        cols = columns(report, memory, graph=True, qualified=True, rf=fields)
        if keys is not None:
            cols = pick(cols, keys)
        lines = []
        if report.name:
            lines.append(f"**{_cell(report.name)}** (input {format_shape(report.shown(report.input_shape))})\n")
        lines.append("| " + " | ".join(c.title for c in cols) + " |")
        lines.append("|" + "|".join("---:" if c.numeric else "---" for c in cols) + "|")
        body, totals = cells(report, cols, memory, depth)
        for group, values in body:
            shown = [_cell(value) for value in values]
            if group:
                shown = [f"*{cell}*" if cell else "" for cell in shown]
            lines.append("| " + " | ".join(shown) + " |")
        for values in totals:
            shown = [_cell(value) for value in values]
            lines.append("| " + " | ".join(f"**{cell}**" if cell else "" for cell in shown) + " |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"
