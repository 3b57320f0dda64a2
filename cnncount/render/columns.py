"""The columns every tabular format shows (table, CSV, Markdown, LaTeX), defined once.

Each format draws the same columns from the same values, so the numbers in a
pasted LaTeX table are the numbers in the terminal table and in the JSON.
"""

from __future__ import annotations

from collections.abc import Callable

from ..counts import COUNT_FIELDS, Counts
from ..memory import Memory
from ..model import Report, Row
from ..shapes import Shape, format_shape


class Column:
    """One column: its key (as in JSON), heading, and how a row fills it."""

    __slots__ = ("key", "heading", "numeric", "cell")

    def __init__(self, key: str, heading: str, numeric: bool, cell: Callable[[Row], object]) -> None:
        self.key = key
        self.heading = heading
        self.numeric = numeric
        self.cell = cell


def _count(field: str) -> Callable[[Row], object]:
    return lambda row: getattr(row.counts, field)


def columns(
    report: Report, memory: Memory | None = None, *, non_trainable: bool | None = None, graph: bool = False
) -> list[Column]:
    """The columns for a report; memory columns only when a dtype or batch was asked for.

    A non-trainable column appears when the report has such parameters, or when
    ``non_trainable`` says so (formats that put several reports under one header).
    With ``graph``, a ``from`` column appears when some row reads another than the
    row before it, and a ``shares`` column when some row shares parameters.
    """
    cols = [
        Column("index", "#", True, lambda row: row.index),
        Column("name", "name", False, lambda row: row.name),
        Column("type", "type", False, lambda row: row.kind),
    ]
    if graph:
        before = dict(_with_previous(report))
        if any(_sources(report, row, before[row]) for row in report.rows):
            cols.append(Column("from", "from", False, lambda row: _sources(report, row, before[row])))
    cols += [
        Column("output_shape", "output", False, lambda row: shapes_text(report, row.output_shapes)),
        Column("bias", "bias", False, lambda row: row.bias or ""),
    ]
    if graph and any(row.shares is not None for row in report.rows):
        cols.append(Column("shares", "shares", False, lambda row: "" if row.shares is None else f"#{row.shares}"))
    cols += [
        Column("weights", "weights", True, _count("weights")),
        Column("tied_biases", "tied biases", True, _count("tied_biases")),
        Column("untied_biases", "untied biases", True, _count("untied_biases")),
        Column("params", "params", True, _count("params")),
        Column("macs", "MACs", True, _count("macs")),
    ]
    if non_trainable or (non_trainable is None and report.totals.non_trainable):
        cols.append(Column("non_trainable", "non-trainable", True, _count("non_trainable")))
    if memory is not None:
        cols.append(Column("activations", "activations", True, memory.activations))
        cols.append(Column("activation_bytes", f"activation bytes ({memory.dtype})", True, memory.activation_bytes))
    return cols


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
    """The totals lines: each layer's own layout, then every layer tied, then untied."""
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
    report: Report, cols: list[Column], memory: Memory | None = None
) -> tuple[list[list[object]], list[list[object]]]:
    """The values of every layer's row and of each totals line, column by column."""
    body = [[col.cell(row) for col in cols] for row in report.rows]
    totals = [[line[col.key] for col in cols] for line in total_rows(report, cols, memory)]
    return body, totals
