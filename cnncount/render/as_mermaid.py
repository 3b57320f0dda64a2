"""Reports as Mermaid flowcharts (GitHub and many Markdown viewers draw them): one box per
layer or folded block, arrows for what each reads, a subgraph around each block."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import printable
from ..memory import Memory
from ..model import Report
from .network import MAX_INDENT, Box, Frame, plan

#: Characters Mermaid reads inside a quoted label, as its entity codes.
_ENTITIES = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;", "&": "#amp;", "`": "#96;"}


def _text(text: str) -> str:
    return "".join(_ENTITIES.get(ch, ch) for ch in printable(text))


def _items(items: list[Box | Frame | None], out: list[str]) -> None:
    level = 1
    for item in items:
        indent = "  " * min(level, MAX_INDENT)
        if isinstance(item, Box):
            label = "<br/>".join(_text(line) for line in item.lines)
            out.append(f'{indent}{item.id}(["{label}"])' if item.end else f'{indent}{item.id}["{label}"]')
        elif isinstance(item, Frame):
            out.append(f'{indent}subgraph {item.id}["{_text(item.title)}"]')
            level += 1
        else:
            level -= 1
            indent = "  " * min(level, MAX_INDENT)
            out.append(f"{indent}end")


def render(
    reports: Sequence[Report],
    memory: Memory | None = None,
    *,
    depth: int | None = None,
    keys: Sequence[str] | None = None,
) -> str:
    """One ``flowchart`` per report, each in its own fenced block when there are several."""
    parts = []
    for report in reports:
        drawn = plan(report, depth)
        out = ["flowchart TD"]
        _items(drawn.items, out)
        for start, to, label, dashed in drawn.edges:
            arrow = "-.->" if dashed else "-->"
            out.append(f"  {start} {arrow}{f'|{_text(label)}|' if label else ''} {to}")
        parts.append("\n".join(out))
    if len(parts) == 1:
        return parts[0] + "\n"
    return "\n\n".join(f"```mermaid\n{part}\n```" for part in parts) + "\n"
