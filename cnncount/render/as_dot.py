"""Reports as Graphviz DOT: one box per layer or folded block, arrows for what each reads,
a frame (cluster) around each block.  ``dot -Tsvg net.dot -o net.svg`` draws it."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import printable
from ..memory import Memory
from ..model import Report
from .network import MAX_INDENT, Box, Frame, plan


def _quoted(text: str) -> str:
    """A DOT string: control characters spelt out, then quotes and backslashes escaped."""
    return '"' + printable(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _label(lines: list[str]) -> str:
    return "\\n".join(_quoted(line)[1:-1] for line in lines)


def _items(items: list[Box | Frame | None], out: list[str]) -> None:
    level = 1
    for item in items:
        indent = "  " * min(level, MAX_INDENT)
        if isinstance(item, Box):
            shape = ", shape=oval" if item.end else ""
            out.append(f'{indent}{item.id} [label="{_label(item.lines)}"{shape}];')
        elif isinstance(item, Frame):
            out.append(f"{indent}subgraph {item.id} {{")
            out.append(f"{indent}  label={_quoted(item.title)};")
            level += 1
        else:
            level -= 1
            indent = "  " * min(level, MAX_INDENT)
            out.append(f"{indent}}}")


def render(
    reports: Sequence[Report],
    memory: Memory | None = None,
    *,
    depth: int | None = None,
    keys: Sequence[str] | None = None,
) -> str:
    """One ``digraph`` per report (``keys`` and ``memory`` do not apply to a picture of the network)."""
    parts = []
    for report in reports:
        drawn = plan(report, depth)
        out = [f"digraph {_quoted(drawn.title)} {{"]
        out.append('  graph [fontname="Helvetica", labeljust=l];')
        out.append('  node [shape=box, style=rounded, fontname="Helvetica", fontsize=10];')
        out.append('  edge [fontname="Helvetica", fontsize=9];')
        _items(drawn.items, out)
        for start, to, label, dashed in drawn.edges:
            attrs = []
            if label:
                attrs.append(f"label={_quoted(label)}")
            if dashed:
                attrs.append("style=dashed")
            out.append(f"  {start} -> {to}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
        out.append("}")
        parts.append("\n".join(out))
    return "\n\n".join(parts) + "\n"
