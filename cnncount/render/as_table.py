"""Reports as rich renderables: the layer table, a summary, formulas and a chart.

Blocks appear as indented groups: the block's own line shows its output and the
subtotal of the layers inside it.  Nothing here prints; the CLI does.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console, RenderableType
from rich.console import Group as Stack
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from ..memory import Memory, human_bytes, human_count
from ..model import Group, Report, Row
from ..shapes import format_shape
from .columns import Column, columns, total_rows

#: Above this many layers the chart shows one bar per top-level layer or block
#: (the biggest ones, when there are still more).
CHART_ROWS = 40
#: A terminal table longer than this is cut (a note says so; the totals are
#: complete, and --format csv or json lists every layer).
TABLE_ROWS = 1_000
_BAR = 24


def _text(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _table(title: str | None, caption: str | None = None) -> Table:
    return Table(
        title=title,
        caption=caption,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        header_style="bold",
        title_style="bold",
        caption_justify="left",
    )


def report_table(report: Report, memory: Memory | None = None, cols: list[Column] | None = None) -> Table:
    """The layer table, with a totals line for each bias layout.

    Numbers are never cut or wrapped: when the terminal is too narrow, the text
    columns give way, and past that the table runs wider than the terminal.
    """
    cols = cols or columns(report, memory, graph=True)
    shown = report.entries[:TABLE_ROWS]
    lines: list[tuple[list[str], str | None]] = []
    for entry in shown:
        indent = "  " * entry.depth
        if isinstance(entry, Row):
            cells = [_text(col.cell(entry)) for col in cols]
            cells[1] = indent + cells[1]
            lines.append((cells, None))
            for label, counts in entry.parts:  # a separable conv's depthwise and pointwise weights
                part = {"name": f"{indent}  {label}", **counts.as_dict()}
                lines.append(([_text(part.get(col.key, "")) if col.key in part else "" for col in cols], "dim"))
        else:
            lines.append((_group_cells(report, entry, cols, indent), "dim"))
    lines += [([_text(line[col.key]) for col in cols], "bold") for line in total_rows(report, cols, memory)]

    caption = _caption(report)
    if len(report.entries) > len(shown):
        hidden = len(report.entries) - len(shown)
        caption += f"; {hidden:,} more rows not shown (the totals include them; --format csv or json lists every layer)"
    table = _table(report.name, caption)
    for number, col in enumerate(cols):
        if col.numeric:
            widest = max((len(cells[number]) for cells, _ in lines), default=1)
            table.add_column(col.heading, justify="right", no_wrap=True, min_width=widest)
        else:
            table.add_column(col.heading, overflow="fold")
    totals_start = len(lines) - 3
    for number, (cells, style) in enumerate(lines):
        if number == totals_start:
            table.add_section()
        table.add_row(*cells, style=style)
    return table


def _group_cells(report: Report, group: Group, cols: list[Column], indent: str) -> list[str]:
    shape = group.side_output if group.side_output is not None else group.output_shape
    values = {
        "index": "",
        "name": indent + group.name,
        "type": f"{group.kind}, training" if group.training and group.kind == "side" else group.kind,
        "output_shape": format_shape(report.shown(shape)),
    }
    counts = group.counts.as_dict()
    return [values.get(col.key, _text(counts.get(col.key, ""))) for col in cols]


def _caption(report: Report) -> str:
    inputs = [f"{name} {format_shape(report.shown(shape))}" for name, shape in report.inputs]
    parts = ["input " + inputs[0].partition(" ")[2] if len(inputs) == 1 else "inputs " + ", ".join(inputs)]
    if report.layout != "channels_first":
        parts[0] += f" ({report.layout})"
    main = [out for out in report.outputs if not out.side]
    if len(main) > 1:
        parts.append("outputs " + ", ".join(f"{out.name} {format_shape(report.shown(out.shape))}" for out in main))
    for group in report.side_outputs:
        label = group.path if group.name == "side" else f"{group.name} ({group.path})"
        when = ", training only" if group.training else ""
        parts.append(f"side output {label} {format_shape(report.shown(group.side_output or ()))}{when}")
    return "; ".join(parts) + "".join(f"\nnote: {note}" for note in report.notes)


def summary(report: Report, memory: Memory) -> Text:
    """Totals in human units: parameter bytes per layout, activations, MACs and FLOPs."""
    t = report.totals
    m = memory.totals(report)
    lines = [
        (
            "parameters",
            f"{_both(t.params)} = {human_bytes(m['param_bytes'])} as {memory.dtype}; "
            f"all tied {human_bytes(m['param_bytes_tied'])}, all untied {human_bytes(m['param_bytes_untied'])}",
        ),
    ]
    if t.non_trainable:
        lines.append(("non-trainable", f"{t.non_trainable:,} = {human_bytes(m['non_trainable_bytes'])}"))
    lines.append(
        (
            "activations",
            f"{_both(m['activations'])} = {human_bytes(m['activation_bytes'])}: "
            f"every layer's output for a batch of {memory.batch}, one forward pass",
        )
    )
    lines.append(
        (
            "compute",
            f"{human_count(t.macs)} MACs = {human_count(m['flops'])} FLOPs per sample (FLOPs = 2 x MACs); "
            f"batch of {memory.batch}: {human_count(m['batch_flops'])} FLOPs",
        )
    )
    if report.training_macs:
        lines.append(
            (
                "training",
                f"{human_count(report.training_macs)} MACs more per sample in the heads that run only while training",
            )
        )
    # Plain aligned text: a rich grid would do the same for several milliseconds more.
    width = max(len(label) for label, _ in lines)
    text = Text(no_wrap=True)
    for number, (label, value) in enumerate(lines):
        text.append(label.ljust(width + 2), style="bold")
        text.append(value + ("\n" if number < len(lines) - 1 else ""))
    return text


def _both(value: int) -> str:
    """Exact, and in human units where they help: ``138,357,544 (138.4 M)``."""
    return f"{value:,} ({human_count(value)})" if value >= 1000 else f"{value:,}"


def formulas(report: Report) -> Text:
    """Every layer's output-size and parameter formulas, with its actual numbers."""
    text = Text("formulas\n", style="bold", end="", no_wrap=True)
    for row in report.rows[:TABLE_ROWS]:
        lines = row.formulas
        if lines:
            text.append(f"{row.index} {row.name} ({row.kind})\n", style="bold")
            for line in lines:
                text.append(f"    {line}\n")
    if len(report.rows) > TABLE_ROWS:
        text.append(f"... the formulas of {len(report.rows) - TABLE_ROWS:,} more layers not shown\n", style="italic")
    return text


def chart(report: Report) -> Table:
    """One bar per layer (per top-level layer or block for deep nets): its share of
    the parameters, all tied and all untied, and of the MACs."""
    entries: list[Row | Group] = list(report.rows)
    if len(entries) > CHART_ROWS:
        entries = [e for e in report.entries if e.depth == 0]
    title = "where the parameters and MACs are"
    if len(entries) > CHART_ROWS:
        total = len(entries)
        biggest = sorted(entries, key=lambda e: (e.counts.params_untied, e.counts.macs), reverse=True)[:CHART_ROWS]
        keep = {id(e) for e in biggest}
        entries = [e for e in entries if id(e) in keep]
        title += f" (the {CHART_ROWS} biggest of {total:,})"
    t = report.totals
    table = Table(title=title, box=None, title_style="bold", title_justify="left")
    table.add_column("layer" if len(entries) == len(report.rows) else "layer or block")
    for heading in ("params, all tied", "params, all untied", "MACs"):
        table.add_column(heading)
    for entry in entries:
        c = entry.counts
        table.add_row(
            entry.name,
            _bar(c.params_tied, t.params_tied),
            _bar(c.params_untied, t.params_untied),
            _bar(c.macs, t.macs),
        )
    return table


def _bar(part: int, whole: int) -> Text:
    share = part / whole if whole else 0.0
    filled = round(share * _BAR)
    return Text.assemble(("█" * filled, "cyan"), ("·" * (_BAR - filled), "dim"), f" {share:6.1%}")


def render(
    reports: Sequence[Report],
    memory: Memory | None = None,
    *,
    explain: bool = False,
    show_chart: bool = False,
) -> RenderableType:
    """Everything the table format shows for one or more reports.

    ``memory`` adds per-layer activation columns; the summary uses float32 and a
    batch of 1 when it is None.
    """
    sections: list[RenderableType] = []
    for report in reports:
        sections.append(report_table(report, memory))
        sections.append(summary(report, memory or Memory()))
        if show_chart:
            sections.append(chart(report))
        if explain:
            sections.append(formulas(report))
    if len(reports) > 1:
        sections.append(_summaries("comparison", [(r.name or "", r) for r in reports]))
    spaced: list[RenderableType] = []
    for section in sections:
        spaced += [section, Text()] if section is not sections[-1] else [section]
    return Stack(*spaced)


def width_for(console: Console, shown: RenderableType) -> int:
    """The width to print ``shown`` at: the console's, or more when the numbers
    would not fit in it (a cut number is a wrong number; a wide line is only wide)."""
    unbounded = console.options.update_width(1_000_000)  # a measurement never exceeds the width it is given
    return max(console.width, Measurement.get(console, unbounded, shown).minimum)


def spec_list(named: Sequence[tuple[str, Report]]) -> Table:
    """One line per bundled spec."""
    return _summaries("bundled specs", named)


def _summaries(title: str, named: Sequence[tuple[str, Report]]) -> Table:
    table = _table(title)
    table.add_column("name")
    table.add_column("input")
    table.add_column("layers", justify="right")
    for heading in ("params", "params, all tied", "params, all untied", "MACs"):
        table.add_column(heading, justify="right")
    for name, report in named:
        t = report.totals
        table.add_row(
            name,
            format_shape(report.shown(report.input_shape)),
            f"{len(report.rows):,}",
            f"{t.params:,}",
            f"{t.params_tied:,}",
            f"{t.params_untied:,}",
            f"{t.macs:,}",
        )
    return table
