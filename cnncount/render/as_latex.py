r"""Reports as LaTeX booktabs tabulars, ready to ``\input`` (needs ``\usepackage{booktabs}``).

Layers are named inside their blocks (``layer1.0.conv1``); with ``depth``, the
blocks above it appear as italic subtotal lines, as in the terminal table.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import printable
from ..memory import Memory
from ..model import Report
from ..shapes import format_shape
from .columns import cells, columns, pick

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _escape(text: str) -> str:
    return "".join(_SPECIAL.get(ch, ch) for ch in printable(text))


def _cell(value: object) -> str:
    # {,} keeps LaTeX from adding space after the thousands separator in math-free text.
    return f"{value:,}".replace(",", "{,}") if isinstance(value, int) else _escape(str(value))


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
            lines.append(f"% {_escape(report.name)}, input {format_shape(report.shown(report.input_shape))}")
        lines.append(r"\begin{tabular}{" + "".join("r" if c.numeric else "l" for c in cols) + "}")
        lines.append(r"\toprule")
        lines.append(" & ".join(_escape(c.title) for c in cols) + r" \\")
        lines.append(r"\midrule")
        body, totals = cells(report, cols, memory, depth)
        for group, values in body:
            shown = [_cell(value) for value in values]
            if group:
                shown = [rf"\textit{{{cell}}}" if cell else "" for cell in shown]
            lines.append(" & ".join(shown) + r" \\")
        lines.append(r"\midrule")
        for values in totals:
            lines.append(" & ".join(_cell(value) for value in values) + r" \\")
        lines.append(r"\bottomrule")
        lines.append(r"\end{tabular}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"
