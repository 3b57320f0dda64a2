"""Reports as rich tables: one row per layer, blocks as indented groups with subtotals."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group as RichGroup
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from ..counts import Counts
from ..model import Group, Report, Row
from ..shapes import format_shape

_NUMBERS = ("weights", "tied biases", "untied biases", "params", "MACs")


def _n(value: int) -> str:
    return f"{value:,}"


def _numbers(counts: Counts) -> list[str]:
    return [_n(counts.weights), _n(counts.tied_biases), _n(counts.untied_biases), _n(counts.params), _n(counts.macs)]


def report_table(report: Report, *, title: str | None = None) -> Table:
    """The layer table of a report, with totals for each bias layout."""
    non_trainable = report.totals.non_trainable > 0
    table = Table(
        title=title or report.name,
        caption=_caption(report),
        box=box.SIMPLE_HEAD,
        header_style="bold",
        title_style="bold",
        caption_justify="left",
    )
    table.add_column("#", justify="right")
    table.add_column("name")
    table.add_column("type")
    table.add_column("output")
    table.add_column("bias")
    for heading in _NUMBERS:
        table.add_column(heading, justify="right")
    if non_trainable:
        table.add_column("non-trainable", justify="right")

    for entry in report.entries:
        indent = "  " * entry.depth
        if isinstance(entry, Row):
            cells = [str(entry.index), indent + entry.name, entry.kind, format_shape(entry.output_shape), entry.bias or ""]
            style = None
        else:
            shape = entry.side_output if entry.side_output is not None else entry.output_shape
            cells = ["", indent + entry.name, entry.kind, format_shape(shape), ""]
            style = "dim"
        cells += _numbers(entry.counts)
        if non_trainable:
            cells.append(_n(entry.counts.non_trainable))
        table.add_row(*cells, style=style)

    totals = report.totals
    table.add_section()
    first = ["", "total", "", format_shape(report.output_shape), "as set", *_numbers(totals)]
    if non_trainable:
        first.append(_n(totals.non_trainable))
    table.add_row(*first, style="bold")
    for layout, params in (("tied", totals.params_tied), ("untied", totals.params_untied)):
        row = ["", f"total, all {layout}", "", "", layout, "", "", "", _n(params), ""]
        table.add_row(*row, *([""] if non_trainable else []), style="bold")
    return table


def _caption(report: Report) -> str:
    parts = [f"input {format_shape(report.input_shape)}"]
    for group in report.side_outputs:
        parts.append(f"side output {group.path} {format_shape(group.side_output or ())}")
    return "; ".join(parts)


def render(reports: Sequence[Report], *, formulas: bool = False) -> RenderableType:
    """Tables for one or more reports; ``formulas`` adds each layer's arithmetic."""
    parts: list[RenderableType] = []
    for report in reports:
        parts.append(report_table(report))
        if formulas:
            parts.append(_formulas(report))
    if len(reports) > 1:
        parts.append(_comparison(reports))
    return RichGroup(*parts)


def _formulas(report: Report) -> Text:
    text = Text()
    for row in report.rows:
        if not row.formulas:
            continue
        text.append(f"{row.index} {row.name} ({row.kind})\n", style="bold")
        for line in row.formulas:
            text.append(f"    {line}\n")
    return text


def _comparison(reports: Sequence[Report]) -> Table:
    return _summary("comparison", [(r.name or "", r) for r in reports])


def spec_list(named: Sequence[tuple[str, Report]]) -> Table:
    """One line per bundled spec."""
    return _summary("bundled specs", named)


def _summary(title: str, named: Sequence[tuple[str, Report]]) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, header_style="bold", title_style="bold")
    table.add_column("name")
    table.add_column("input")
    table.add_column("layers", justify="right")
    for heading in ("params", "params, all tied", "params, all untied", "MACs"):
        table.add_column(heading, justify="right")
    for name, report in named:
        t = report.totals
        table.add_row(
            name,
            format_shape(report.input_shape),
            _n(len(report.rows)),
            _n(t.params),
            _n(t.params_tied),
            _n(t.params_untied),
            _n(t.macs),
        )
    return table
