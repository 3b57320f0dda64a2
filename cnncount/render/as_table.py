"""Reports as text for people: the layer table, a summary, formulas and a chart.

Everything is laid out for a width (the terminal's) or at its natural width
(``width=None``: piped output and pictures).  A table too wide for its width
leaves whole columns out and says which; no name, shape or number is ever cut.
Blocks read as a tree, each with its subtotal; ``depth`` folds the blocks below
it into their subtotal lines.  Nothing here prints; the CLI does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import printable
from ..memory import Memory, human_bytes, human_count
from ..model import Group, Report, Row
from ..shapes import format_shape
from .columns import GIVE_WAY, Column, columns, entries_above, field_notes, group_shape, pick, total_rows
from .grid import Grid, tree_prefixes
from .styled import Span, Styled, stack

if TYPE_CHECKING:
    from ..receptive import Field

#: Above this many layers the chart shows one bar per top-level layer or block
#: (the biggest ones, when there are still more).
CHART_ROWS = 40
#: A terminal table longer than this is cut (a note says so; the totals are
#: complete, and --format csv or json lists every layer).
TABLE_ROWS = 1_000
_BAR = 24
#: What the columns of several reports' comparison give way in, first first.
_SUMMARY_GIVE_WAY = ("layers", "input", "macs", "params_tied", "params")


def _text(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


class _Part:
    """A step of a layer made of steps (a separable conv's depthwise and pointwise), shown under it."""

    __slots__ = ("label", "values", "depth")

    def __init__(self, label: str, values: dict[str, int], depth: int) -> None:
        self.label = label
        self.values = values
        self.depth = depth


def shown_entries(report: Report, depth: int | None = None) -> list[Row | Group]:
    """The rows and blocks a table shows: those above ``depth`` (all when None), the first
    :data:`TABLE_ROWS` of them."""
    return entries_above(report, depth)[:TABLE_ROWS]


def report_table(
    report: Report,
    memory: Memory | None = None,
    *,
    width: int | None = None,
    depth: int | None = None,
    keys: Sequence[str] | None = None,
    rf: Sequence[Field] | None = None,
) -> tuple[Styled, list[str]]:
    """The layer table and the headings of the columns left out to fit ``width``.

    ``keys`` picks the columns (``--columns``); otherwise every column the report
    has is a candidate, and those in :data:`~cnncount.render.columns.GIVE_WAY`
    are left out in that order until the table fits.  Below the layers: the total
    (when there is more than one layer), then every layer tied and every layer
    untied (unless those change nothing).
    """
    cols: list[Column] = columns(report, memory, graph=True, rf=rf)
    if keys is not None:
        cols = pick(cols, keys)
    entries = shown_entries(report, depth)
    items: list[Row | Group | _Part] = []
    for entry in entries:
        items.append(entry)
        if isinstance(entry, Row) and (depth is None or entry.depth + 1 < depth):
            items += [_Part(label, counts.as_dict(), entry.depth + 1) for label, counts in entry.parts]
    prefixes = tree_prefixes([item.depth for item in items])
    grid = Grid([c.key for c in cols], [c.heading for c in cols], [c.numeric for c in cols])
    for number, item in enumerate(items):
        prefix = prefixes[number]
        if isinstance(item, (Row, Group)):
            opened = isinstance(item, Group) and number + 1 < len(items) and items[number + 1].depth > item.depth
            grid.add([_text(col.value(item)) for col in cols], "bold" if opened else None, prefix)
        else:
            values: dict[str, object] = {"name": item.label, **item.values}
            grid.add([_text(values[col.key]) if col.key in values else "" for col in cols], "dim", prefix)
    t = report.totals
    totals = total_rows(report, cols, memory)
    keep = []
    if len(report.rows) > 1:
        keep.append(totals[0])
    if not t.params == t.params_tied == t.params_untied:
        keep += totals[1:]
    for number, line in enumerate(keep):
        if number == 0:
            grid.rule()
        line = {**line, "name": str(line["name"]).replace("total, ", ""), "bias": ""}
        grid.add([_text(line.get(col.key, "")) for col in cols], "bold")
    if keys is not None:
        shown = list(range(len(cols)))
    else:
        shown = grid.fit(width, GIVE_WAY)
        if "index" not in [cols[n].key for n in shown]:  # `from` names rows by number
            shown = [n for n in shown if cols[n].key != "from"]
    left_out = [cols[n].title for n in range(len(cols)) if n not in shown]
    return grid.text(shown), left_out


def _caption(report: Report, shown: int, depth: int | None) -> list[str]:
    inputs = [f"{name} {format_shape(report.shown(shape))}" for name, shape in report.inputs]
    first = "input " + inputs[0].partition(" ")[2] if len(inputs) == 1 else "inputs " + ", ".join(inputs)
    if report.layout != "channels_first":
        first += f" ({report.layout})"
    parts = [first]
    main = [out for out in report.outputs if not out.side]
    if len(main) > 1:
        parts.append("outputs " + ", ".join(f"{out.name} {format_shape(report.shown(out.shape))}" for out in main))
    else:
        parts.append("output " + format_shape(report.shown(report.output_shape)))
    for group in report.side_outputs:
        label = group.path if group.name == "side" else f"{group.name} ({group.path})"
        when = ", training only" if group.training else ""
        parts.append(f"side output {label} {format_shape(report.shown(group_shape(group)))}{when}")
    lines = [printable("; ".join(parts))]  # input, output and side block names are the user's
    every = len(entries_above(report, depth))
    if every > shown:
        lines.append(
            f"{every - shown:,} more rows not shown (the totals include them; --depth folds blocks, "
            "--format csv or json lists every layer)"
        )
    return lines + [f"note: {printable(note)}" for note in report.notes]


def summary(report: Report, memory: Memory, width: int | None = None) -> Styled:
    """Totals in human units: parameter bytes per layout, activations, MACs and FLOPs."""
    t = report.totals
    m = memory.totals(report)
    # Each value is one or more lines; a line too long for the width wraps at spaces.
    params = [f"{_both(t.params)} = {human_bytes(m['param_bytes'])} as {memory.dtype}"]
    if not t.params == t.params_tied == t.params_untied:
        params.append(
            f"all tied {human_bytes(m['param_bytes_tied'])}, all untied {human_bytes(m['param_bytes_untied'])}"
        )
    lines: list[tuple[str, list[str]]] = [("parameters", params)]
    if t.non_trainable:
        lines.append(("non-trainable", [f"{_both(t.non_trainable)} = {human_bytes(m['non_trainable_bytes'])}"]))
    batch = f"a batch of {memory.batch:,}" if memory.batch > 1 else "one sample"
    lines.append(("activations", [f"{_both(m['activations'])} = {human_bytes(m['activation_bytes'])} for {batch}"]))
    compute = [f"{human_count(t.macs)} MACs = {human_count(m['flops'])} FLOPs per sample"]
    if memory.batch > 1:
        compute.append(f"{human_count(m['batch_flops'])} FLOPs for {batch}")
    lines.append(("compute", compute))
    if report.training_macs:
        lines.append(("training", [f"{human_count(report.training_macs)} MACs more per sample in training-only heads"]))
    label_width = max(len(label) for label, _ in lines) + 2
    text = Styled()
    for label, values in lines:
        pieces = [piece for value in values for piece in wrap(value, None if width is None else width - label_width)]
        for at, piece in enumerate(pieces):
            text.add_spans(
                ((label.ljust(label_width), "bold") if at == 0 else (" " * label_width, None), (piece, None))
            )
    return text


def _both(value: int) -> str:
    """Exact, and in human units where they help: ``138,357,544 (138.4 M)``."""
    return f"{value:,} ({human_count(value)})" if value >= 1000 else f"{value:,}"


def wrap(text: str, width: int | None) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken at spaces only (a word
    longer than the width gets a line of its own); one line when width is None."""
    if width is None or len(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line]


def _lines(texts: Sequence[str], width: int | None, style: str | None = None) -> Styled:
    out = Styled()
    for text in texts:
        for piece in wrap(text, width):
            out.add(piece, style)
    return out


def formulas(report: Report, width: int | None = None, fields: Sequence[Field] | None = None) -> Styled:
    """Every layer's output-size and parameter formulas, with its actual numbers (and with
    ``fields``, how the layer makes its receptive field)."""
    text = Styled()
    text.add("formulas", "bold")
    for number, row in enumerate(report.rows[:TABLE_ROWS]):
        lines = row.formulas
        if fields is not None:
            lines = (*lines, *fields[number].steps)
        if lines:
            text.add(f"{row.index} {printable(row.qualified_name)} ({row.kind})", "bold")
            for line in lines:
                for at, piece in enumerate(wrap(printable(line), None if width is None else width - 6)):
                    text.add(("    " if at == 0 else "      ") + piece)
    if len(report.rows) > TABLE_ROWS:
        text.add(f"... the formulas of {len(report.rows) - TABLE_ROWS:,} more layers not shown", "italic")
    return text


def chart(report: Report, width: int | None = None) -> Styled:
    """One bar per layer (per top-level layer or block for deep nets): its share of
    the parameters, all tied and all untied, and of the MACs.  The bars shorten to fit ``width``."""
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
    names = [printable(e.qualified_name or e.name) for e in entries]
    name_width = max([len("layer or block"), *(len(n) for n in names)])
    bar = _BAR
    if width is not None:  # three bars, each with " 100.0%" and a gap
        bar = max(4, min(_BAR, (width - name_width - 3 * (7 + 2)) // 3))
    headings = ("params, tied", "params, untied", "MACs")
    t = report.totals
    text = Styled()
    text.add(title, "bold")
    label = "layer" if len(entries) == len(report.rows) else "layer or block"
    text.add(
        label.ljust(name_width) + "".join("  " + heading[: bar + 7].ljust(bar + 7) for heading in headings), "bold"
    )
    for name, entry in zip(names, entries):
        c = entry.counts
        spans: list[Span] = [(name.ljust(name_width), None)]
        for part, whole in ((c.params_tied, t.params_tied), (c.params_untied, t.params_untied), (c.macs, t.macs)):
            share = part / whole if whole else 0.0
            filled = round(share * bar)
            spans += [("  ", None), ("█" * filled, "cyan"), ("·" * (bar - filled), "dim"), (f" {share:6.1%}", None)]
        text.add_spans(spans)
    return text


def render(
    reports: Sequence[Report],
    memory: Memory | None = None,
    *,
    width: int | None = None,
    depth: int | None = None,
    keys: Sequence[str] | None = None,
    explain: bool = False,
    show_chart: bool = False,
    rf: bool = False,
) -> Styled:
    """Everything the table format shows for one or more reports, laid out for ``width``
    (None: the natural width, every column): :func:`sections` of each, then, for more
    than one, their :func:`closing` comparison.

    ``memory`` adds per-layer activation columns; the summary uses float32 and a
    batch of 1 when it is None. ``rf`` adds the receptive-field columns.
    """
    parts = [
        sections(report, memory, width=width, depth=depth, keys=keys, explain=explain, show_chart=show_chart, rf=rf)
        for report in reports
    ]
    if len(reports) > 1:
        parts.append(closing([(r.name or "", summary_cells(r)) for r in reports], width))
    return stack(parts, gap=True)


def sections(
    report: Report,
    memory: Memory | None = None,
    *,
    width: int | None = None,
    depth: int | None = None,
    keys: Sequence[str] | None = None,
    explain: bool = False,
    show_chart: bool = False,
    rf: bool = False,
) -> Styled:
    """What the table format shows of one report (see :func:`render`): its name, the layer
    table and its caption, the summary, and the chart and formulas when asked for."""
    fields = None
    if rf:
        from ..receptive import fields as receptive_fields

        fields = receptive_fields(report)
    table, left_out = report_table(report, memory, width=width, depth=depth, keys=keys, rf=fields)
    head = Styled()
    if report.name:
        head.add(printable(report.name), "bold")
    shown = len(shown_entries(report, depth))
    foot = _caption(report, shown, depth)
    if fields is not None:
        foot += field_notes(report, fields)
    if left_out:
        foot.append(f"not shown at {width} columns: {', '.join(left_out)} (--wide shows them)")
    parts = [stack((head, table, _lines(foot, width))), summary(report, memory or Memory(), width)]
    if show_chart:
        parts.append(chart(report, width))
    if explain:
        parts.append(formulas(report, width, fields))
    return stack(parts, gap=True)


def closing(named: Sequence[tuple[str, tuple[str, ...]]], width: int | None, title: str = "comparison") -> Styled:
    """The comparison under several reports (or the list of bundled specs): each one's name
    and :func:`summary_cells`."""
    rows = [((name,), cells) for name, cells in named]
    return comparison(title, (), rows, width, lead=("name",))


def spec_list(named: Sequence[tuple[str, Report]], width: int | None = None) -> Styled:
    """One line per bundled spec."""
    return closing([(name, summary_cells(report)) for name, report in named], width, title="bundled specs")


def summary_cells(report: Report) -> tuple[str, ...]:
    """A report's cells in a comparison: input, layers, params, all tied, all untied, MACs."""
    t = report.totals
    return (
        format_shape(report.shown(report.input_shape)),
        f"{len(report.rows):,}",
        f"{t.params:,}",
        f"{t.params_tied:,}",
        f"{t.params_untied:,}",
        f"{t.macs:,}",
    )


def _is_text(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return cell not in ("true", "false")
    return False


def comparison(
    title: str,
    args: Sequence[str],
    rows: Sequence[tuple[tuple[str, ...], tuple[str, ...]]],
    width: int | None,
    lead: Sequence[str] = (),
) -> Styled:
    """One line per network: its leading cells (its name; a sweep's argument values, one
    column per argument) then :func:`summary_cells`."""
    keys = (*lead, *(f"arg {arg}" for arg in args), "input", "layers", "params", "params_tied", "params_untied", "macs")
    headings = [
        *((key,) for key in lead),
        *((printable(arg),) for arg in args),
        ("input",),
        ("layers",),
        ("params",),
        ("params,", "all tied"),
        ("params,", "all untied"),
        ("MACs",),
    ]
    # an argument's column is right-aligned when its values are numbers, left when text (a variant)
    texts = [any(_is_text(leading[len(lead) + n]) for leading, _ in rows) for n in range(len(args))]
    numeric = [False] * len(lead) + [not text for text in texts] + [False, True, True, True, True, True]
    grid = Grid(keys, headings, numeric)
    for leading, cells in rows:
        grid.add([*(printable(cell) for cell in leading), *cells])
    shown = grid.fit(width, _SUMMARY_GIVE_WAY)
    left = [" ".join(headings[n]) for n in range(len(keys)) if n not in shown]
    parts = [Styled([((title, "bold"),)]), grid.text(shown)]
    if left:
        parts.append(_lines([f"not shown at {width} columns: {', '.join(left)} (--wide shows them)"], width))
    return stack(parts)
