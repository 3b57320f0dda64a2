"""The columns every tabular format shows (table, CSV, Markdown, LaTeX), defined once.

Each format draws the same columns from the same values, so the numbers in a
pasted LaTeX table are the numbers in the terminal table and in the JSON.  A
column's key is its JSON key, and the name ``--columns`` takes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..counts import COUNT_FIELDS, Counts
from ..errors import SpecError, did_you_mean, printable, quote
from ..memory import Memory
from ..model import Group, Report, Row

if TYPE_CHECKING:
    from ..receptive import Field
from ..shapes import Shape, format_shape


class Column:
    """One column: its key (as in JSON), heading, and how a row and a block's subtotal fill it.

    ``heading`` is one or two lines: the terminal table stacks them to stay
    narrow, the other formats join them.  ``group`` fills the column for a
    block (None: left blank).
    """

    __slots__ = ("key", "heading", "numeric", "cell", "group")

    def __init__(
        self,
        key: str,
        heading: str | tuple[str, str],
        numeric: bool,
        cell: Callable[[Row], object],
        group: Callable[[Group], object] | None = None,
    ) -> None:
        self.key = key
        self.heading: tuple[str, ...] = (heading,) if isinstance(heading, str) else heading
        self.numeric = numeric
        self.cell = cell
        self.group = group

    def value(self, entry: Row | Group) -> object:
        """What this column shows for a layer, or for a block's subtotal line (blank if nothing)."""
        value = self.cell(entry) if isinstance(entry, Row) else self.group(entry) if self.group is not None else ""
        # names and shapes come from what users wrote: shown with their control characters spelt out
        return printable(value) if isinstance(value, str) else value

    @property
    def title(self) -> str:
        """The heading on one line: ``tied biases``."""
        return "".join(
            part if at == 0 else ("" if self.heading[at - 1].endswith("-") else " ") + part
            for at, part in enumerate(self.heading)
        )


#: Every column in the order tables show them; ``--columns`` takes these keys.
KEYS = (
    "index",
    "name",
    "type",
    "from",
    "output_shape",
    "bias",
    "shares",
    "weights",
    "tied_biases",
    "untied_biases",
    "params",
    "macs",
    "non_trainable",
    "activations",
    "activation_bytes",
    "rf_size",
    "rf_stride",
    "rf_padding",
)

#: The order in which a table too wide for its terminal leaves columns out, first
#: left out first.  What makes cnncount worth running stays longest: the layer,
#: its output, and its weights and both kinds of biases beside its parameters.
#: ``name`` and ``params`` are never left out.
GIVE_WAY = (
    "activation_bytes",
    "activations",
    "non_trainable",
    "from",
    "index",
    "bias",
    "macs",
    "type",
    "shares",
    "tied_biases",
    "weights",
    "untied_biases",
    "rf_padding",  # asked for with --rf: the last to give way
    "rf_stride",
    "rf_size",
    "output_shape",
)


def _count(field: str) -> Callable[[Row | Group], object]:
    return lambda entry: getattr(entry.counts, field)


def columns(
    report: Report,
    memory: Memory | None = None,
    *,
    non_trainable: bool | None = None,
    graph: bool = False,
    qualified: bool = False,
    rf: Sequence[Field] | None = None,
) -> list[Column]:
    """The columns for a report; memory columns only when a dtype or batch was asked for.

    A non-trainable column appears when the report has such parameters, or when
    ``non_trainable`` says so (formats that put several reports under one header).
    With ``graph``, a ``from`` column appears when some row reads another than the
    row before it, and a ``shares`` column when some row shares parameters.
    With ``qualified``, rows and blocks are named inside their blocks (``layer1.0.conv1``),
    for formats that draw no tree; else by their own names. ``rf``, the rows' receptive
    fields (cnncount.receptive), adds their size, stride and padding.
    """
    name = (
        Column("name", "name", False, lambda row: row.qualified_name, lambda group: group.qualified_name or group.name)
        if qualified
        else Column("name", "name", False, lambda row: row.name, lambda group: group.name)
    )
    cols = [
        Column("index", "#", True, lambda row: row.index),
        name,
        Column("type", "type", False, lambda row: row.kind, group_kind),
    ]
    if graph:
        before = dict(_with_previous(report))
        if any(_sources(report, row, before[row]) for row in report.rows):
            cols.append(Column("from", "from", False, lambda row: _sources(report, row, before[row])))
    cols += [
        Column(
            "output_shape",
            "output",
            False,
            lambda row: shapes_text(report, row.output_shapes),
            lambda group: format_shape(report.shown(group_shape(group))),
        ),
        Column("bias", "bias", False, lambda row: row.bias or ""),
    ]
    if graph and any(row.shares is not None for row in report.rows):
        cols.append(Column("shares", "shares", False, lambda row: "" if row.shares is None else f"#{row.shares}"))
    cols += [
        Column("weights", "weights", True, _count("weights"), _count("weights")),
        Column("tied_biases", ("tied", "biases"), True, _count("tied_biases"), _count("tied_biases")),
        Column("untied_biases", ("untied", "biases"), True, _count("untied_biases"), _count("untied_biases")),
        Column("params", "params", True, _count("params"), _count("params")),
        Column("macs", "MACs", True, _count("macs"), _count("macs")),
    ]
    if non_trainable or (non_trainable is None and report.totals.non_trainable):
        cols.append(
            Column("non_trainable", ("non-", "trainable"), True, _count("non_trainable"), _count("non_trainable"))
        )
    if rf is not None:
        by_row = {row.index: field for row, field in zip(report.rows, rf)}
        for key, heading, part in (
            ("rf_size", ("RF", "size"), "size"),
            ("rf_stride", ("RF", "stride"), "stride"),
            ("rf_padding", ("RF", "pad"), "padding"),
        ):
            cols.append(Column(key, heading, True, *_field_cells(by_row, part)))
    if memory is not None:
        cols.append(Column("activations", "activations", True, memory.activations))
        cols.append(
            Column("activation_bytes", ("activation", f"bytes ({memory.dtype})"), True, memory.activation_bytes)
        )
    return cols


def _field_cells(by_row: dict[int, Field], part: str) -> tuple[Callable[[Row], object], Callable[[Group], object]]:
    """A layer's field, and a block's: that of the layer its output is."""

    def cell(row: Row) -> object:
        return field_text(by_row[row.index], part)

    def group_cell(group: Group) -> object:
        output = group.scope.side_output or group.scope.output
        field = by_row.get(output[0]) if output is not None else None
        return "" if field is None else field_text(field, part)

    return cell, group_cell


def field_text(field: Field, part: str, *, plain: bool = False) -> str:
    """A receptive field's size, stride or padding as a cell: ``195``, or ``7x1`` when the dims
    differ; ``all`` for the whole input, ``-`` where it cannot be told. Where the units' fields differ
    from one to the next, the size is the largest, ``≤5``, and the stride the mean step, ``1/2``
    (``~2`` when it is a whole number). ``plain`` (for CSV) gives numbers only: the largest size, the
    stride as a decimal, and no ``*`` for a misaligned merge."""
    if field.whole:
        return "all"
    if field.unknown is not None:
        return "-"
    values = getattr(field, part)
    if not values:
        return ""
    cells = []
    for value, spans in zip(values, field.spans):
        text = str(value)
        if plain:
            if part == "stride" and spans.period > 1 and spans.step % spans.period:
                text = repr(spans.step / spans.period)
        elif part == "size" and len(set(spans.sizes)) > 1:
            text = "≤" + text
        elif part == "stride" and spans.period > 1 and value.denominator == 1:
            text = "~" + text
        cells.append(text)
    text = cells[0] if len(set(cells)) == 1 else "x".join(cells)
    return text + ("*" if part == "size" and field.misaligned and not plain else "")


def field_notes(report: Report, rf: Sequence[Field]) -> list[str]:
    """What the receptive-field columns need said under the table."""
    notes = ["RF: the receptive field in the input per spatial dim; unit u's starts at u * stride - padding"]
    whole = next((row for row, field in zip(report.rows, rf) if field.whole), None)
    if whole is not None:
        notes.append(
            f"RF all: the whole input, from {whole.qualified_name} ({whole.kind}) on: it sees every position, "
            "and so does what reads it"
        )
    reasons: dict[str, list[str]] = {}
    for row, field in zip(report.rows, rf):
        if field.unknown is not None:
            reasons.setdefault(field.unknown, []).append(row.qualified_name)
    for reason, names in reasons.items():
        notes.append(f"RF -: not known from {names[0]}{' on' if len(names) > 1 else ''}: {reason}")
    misaligned = [row.qualified_name for row, field in zip(report.rows, rf) if field.misaligned]
    if misaligned:
        notes.append(
            f"RF *: {misaligned[0]}{' and after' if len(misaligned) > 1 else ''} merges fields that are not aligned "
            "(another stride or centre): the size spans every path's field, or is the largest path's where the "
            "strides differ"
        )
    uneven = next((row for row, field in zip(report.rows, rf) if not all(field.uniform)), None)
    if uneven is not None:
        notes.append(
            f"RF ≤ / ~: from {uneven.qualified_name} ({uneven.kind}) on, the units' fields differ from one to the "
            "next: the size is the largest, the stride the mean step, the padding unit 0's"
        )
    larger = [row.qualified_name for row, field in zip(report.rows, rf) if field.larger_than_input]
    if larger:
        notes.append(f"RF larger than the input from {larger[0]} on: those units cannot see more of it")
    return notes


def group_kind(group: Group) -> str:
    return f"{group.kind}, training" if group.training and group.kind == "side" else group.kind


def group_shape(group: Group) -> Shape:
    """What a block gives: a side block's side output, any other block's output."""
    return group.side_output if group.side_output is not None else group.output_shape


def entries_above(report: Report, depth: int | None) -> list[Row | Group]:
    """The rows and blocks shown with ``--depth``: those above it (all when None), in table order."""
    return list(report.entries) if depth is None else [e for e in report.entries if e.depth < depth]


def pick(cols: list[Column], keys: Sequence[str]) -> list[Column]:
    """The columns ``--columns`` names, in its order; an unknown key is an error that lists them."""
    by_key = {col.key: col for col in cols}
    picked = []
    for key in keys:
        if key not in KEYS:
            raise SpecError(
                f"unknown column {quote(key)}{did_you_mean(key, list(KEYS))}; the columns are {', '.join(KEYS)}",
                where="--columns",
            )
        if key in by_key:  # a column this report does not have (from, shares, ...) is left out
            picked.append(by_key[key])
    return picked


def shapes_text(report: Report, shapes: tuple[Shape, ...]) -> str:
    """``64x56x56``; a split's outputs as ``2 × 58x28x28`` or ``24x28x28, 40x28x28``."""
    if len(shapes) > 1 and all(shape == shapes[0] for shape in shapes):
        return f"{len(shapes)} × {format_shape(report.shown(shapes[0]))}"
    return ", ".join(format_shape(report.shown(shape)) for shape in shapes)


def _with_previous(report: Report) -> list[tuple[Row, int]]:
    """Each row with the number of the row before it (0 for the first: the network's input)."""
    numbers = [0, *(row.index for row in report.rows)]
    return list(zip(report.rows, numbers))


def _sources(report: Report, row: Row, previous: int) -> str:
    """The rows a row reads, by number (``4, 9``; ``3:1`` for output 1 of a split; an input's name),
    blank when it reads the row before it (or the one input of the network, for the first)."""
    if row.inputs == ((previous, 0),) and (previous or len(report.inputs) == 1):
        return ""
    labels = []
    for index, k in row.inputs:
        if index == 0:
            labels.append(report.inputs[k][0])
        elif report.graph.node(index).layer.output_count > 1:
            labels.append(f"{index}:{k}")
        else:
            labels.append(str(index))
    return ", ".join(labels)


def total_rows(report: Report, cols: list[Column], memory: Memory | None = None) -> list[dict[str, object]]:
    """The totals lines, each a mapping of column keys to values (blank where nothing applies):
    each layer's own layout, then every layer tied, then untied."""
    t: Counts = report.totals
    own: dict[str, object] = {col.key: "" for col in cols}
    own.update(
        name="total",
        output_shape=format_shape(report.shown(report.output_shape)),
        bias="as specified",
        **{col.key: getattr(t, col.key) for col in cols if col.key in COUNT_FIELDS},
    )
    if memory is not None:
        m = memory.totals(report)
        own.update(activations=m["activations"], activation_bytes=m["activation_bytes"])
    rows = [own]
    for layout, params in (("tied", t.params_tied), ("untied", t.params_untied)):
        line: dict[str, object] = {col.key: "" for col in cols}
        line.update(name=f"total, all {layout}", bias=layout, params=params)
        rows.append(line)
    return rows


def cells(
    report: Report, cols: list[Column], memory: Memory | None = None, depth: int | None = None
) -> tuple[list[tuple[bool, list[object]]], list[list[object]]]:
    """The values of each line and of each totals line, column by column.

    Lines are the layers, each marked False; with ``depth``, the blocks above that
    depth too, marked True (their subtotals), and no layer below it.
    """
    entries = report.rows if depth is None else entries_above(report, depth)
    body = [(isinstance(e, Group), [col.value(e) for col in cols]) for e in entries]
    totals = [[line.get(col.key, "") for col in cols] for line in total_rows(report, cols, memory)]
    return body, totals
