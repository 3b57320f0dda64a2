"""Reports as CSV: one header, one line per layer, then the totals, always the same columns.

The columns do not depend on the network: a value that does not apply is an
empty cell.  The first column says what a line is (``layer``, ``total``,
``total_tied``, ``total_untied``), so a spreadsheet that sums a column over the
layers filters on it; ``qualified_name`` and ``path`` keep the block structure.
Activations are for the ``--dtype`` and ``--batch`` asked (float32, 1 by default).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from ..errors import printable
from ..memory import Memory
from ..model import Report

HEADER = (
    "row",
    "spec",
    "index",
    "name",
    "qualified_name",
    "path",
    "type",
    "inputs",
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
)

#: The receptive-field columns --rf adds: a number, ``7x1`` per dim, ``all`` (the whole input) or ``-``.
RF_HEADER = ("rf_size", "rf_stride", "rf_padding")

_COUNTS = ("weights", "tied_biases", "untied_biases", "params", "macs", "non_trainable")


def render(
    reports: Sequence[Report],
    memory: Memory | None = None,
    *,
    depth: int | None = None,
    keys: Sequence[str] | None = None,
    rf: bool = False,
) -> str:
    """CSV text of one or more reports under one header (``depth`` and ``keys`` are the
    table's; the CLI refuses them for CSV, which lists every layer and every column).
    ``rf`` adds the receptive-field columns: rf_size, rf_stride, rf_padding."""
    return header(rf) + "".join(lines(report, number, memory, rf=rf) for number, report in enumerate(reports))


def header(rf: bool = False) -> str:
    """The header line (with ``rf``, the receptive-field columns too)."""
    return _csv_line(HEADER + RF_HEADER if rf else HEADER)


def lines(report: Report, number: int = 0, memory: Memory | None = None, *, rf: bool = False) -> str:
    """The lines of one report, the ``number``-th (from 0) under :func:`header`: one per layer,
    then its totals."""
    from .columns import field_text, shapes_text

    memory = memory or Memory()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = HEADER + RF_HEADER if rf else HEADER
    spec = _text(report.name or f"spec {number + 1}")
    name_of = report.ref_name
    extra: list[tuple[str, ...]] = [()] * len(report.rows)
    if rf:
        from ..receptive import fields

        parts = ("size", "stride", "padding")
        extra = [tuple(field_text(f, part, plain=True) for part in parts) for f in fields(report)]
    for row, more in zip(report.rows, extra):
        c = row.counts
        writer.writerow(
            (
                "layer",
                spec,
                row.index,
                _text(row.name),
                _text(row.qualified_name),
                _text(row.path),
                row.kind,
                _text(" ".join(name_of(ref) for ref in row.inputs)),
                shapes_text(report, row.output_shapes),
                row.bias or "",
                "" if row.shares is None else _text(name_of((row.shares, 0))),
                c.weights,
                c.tied_biases,
                c.untied_biases,
                c.params,
                c.macs,
                c.non_trainable,
                memory.activations(row),
                memory.activation_bytes(row),
                *more,
            )
        )
    t = report.totals
    m = memory.totals(report)
    totals = [
        {
            "row": "total",
            "output_shape": shapes_text(report, (report.output_shape,)),
            **{key: getattr(t, key) for key in _COUNTS},
            "activations": m["activations"],
            "activation_bytes": m["activation_bytes"],
        },
        {"row": "total_tied", "bias": "tied", "params": t.params_tied},
        {"row": "total_untied", "bias": "untied", "params": t.params_untied},
    ]
    for line in totals:
        writer.writerow([spec if key == "spec" else line.get(key, "") for key in columns])
    return out.getvalue()


def _text(value: str) -> str:
    """A name from the spec as a cell: control characters spelt out (a newline would end the
    row for many readers), and a leading ``= + - @`` made inert with ``'``, so that a
    spreadsheet opening the file shows the name instead of running it as a formula (OWASP's
    advice against CSV injection)."""
    text = printable(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# --- sweeps: one line per variant ------------------------------------------------------------

#: The columns of a sweep's CSV after the spec and its arguments.
SWEEP_TOTALS = (
    "input_shape",
    "layers",
    "weights",
    "tied_biases",
    "untied_biases",
    "params",
    "params_tied",
    "params_untied",
    "non_trainable",
    "macs",
)


def sweep_header(args: Sequence[str]) -> str:
    """The header of a sweep's CSV: ``spec``, one column per argument, then the totals."""
    return _csv_line(["spec", *(_text(arg) for arg in args), *SWEEP_TOTALS])


def sweep_line(spec: str, values: Sequence[object], report: Report) -> str:
    """One variant of a sweep: its argument values and totals."""
    from ..template import format_arg
    from .columns import shapes_text

    t = report.totals
    counts = [getattr(t, key) for key in SWEEP_TOTALS[2:]]
    cells = [_text(spec), *(_text(format_arg(v)) for v in values), shapes_text(report, (report.input_shape,))]
    return _csv_line([*cells, len(report.rows), *counts])


def _csv_line(cells: Sequence[object]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()
