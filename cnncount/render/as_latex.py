r"""Reports as LaTeX booktabs tabulars, ready to ``\input`` (needs ``\usepackage{booktabs}``)."""

from __future__ import annotations

from collections.abc import Sequence

from ..memory import Memory
from ..model import Report
from ..shapes import format_shape
from .columns import cells, columns

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
    return "".join(_SPECIAL.get(ch, ch) for ch in text)


def _cell(value: object) -> str:
    # {,} keeps LaTeX from adding space after the thousands separator in math-free text.
    return f"{value:,}".replace(",", "{,}") if isinstance(value, int) else _escape(str(value))


def render(reports: Sequence[Report], memory: Memory | None = None) -> str:
    parts = []
    for report in reports:
        cols = columns(report, memory)
        lines = []
        if report.name:
            lines.append(f"% {_escape(report.name)}, input {format_shape(report.shown(report.input_shape))}")
        lines.append(r"\begin{tabular}{" + "".join("r" if c.numeric else "l" for c in cols) + "}")
        lines.append(r"\toprule")
        lines.append(" & ".join(_escape(c.heading) for c in cols) + r" \\")
        lines.append(r"\midrule")
        body, totals = cells(report, cols, memory)
        for values in [*body, None, *totals]:
            lines.append(r"\midrule" if values is None else " & ".join(_cell(value) for value in values) + r" \\")
        lines.append(r"\bottomrule")
        lines.append(r"\end{tabular}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"
