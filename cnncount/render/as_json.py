"""Reports as JSON documents: exact ints, stable keys, one document per report.

The schema is documented in the README; any change to a key's meaning bumps
``format_version``.
"""

from __future__ import annotations

import json
from typing import Any

from ..limits import big_input
from ..memory import Memory
from ..model import Report, Row

#: 2 added the memory and compute keys (dtype, batch, activations, bytes, FLOPs).
#: 3 added the graph: every node is a layer (the merges blocks imply included),
#: with its inputs, options, qualified name and shared parameters; the network's
#: inputs, outputs and notes; training-only MACs.  Every key of version 2 kept its meaning.
FORMAT_VERSION = 3


def _options(row: Row) -> dict[str, Any]:
    """A layer's options, every one with its value (defaults included)."""
    layer = row.layer
    return {p.name: _plain(getattr(layer, p.name)) for p in layer.params()}


def _plain(value: Any) -> Any:
    return [_plain(v) for v in value] if isinstance(value, tuple) else value


def report_dict(report: Report, memory: Memory | None = None) -> dict[str, Any]:
    """The JSON document of a report, as plain Python values."""
    memory = memory or Memory()
    shown = report.shown
    name_of = report.ref_name
    return {
        "format_version": FORMAT_VERSION,
        "name": report.name,
        "dtype": memory.dtype,
        "batch": memory.batch,
        "layout": report.layout,
        "input_shape": list(shown(report.input_shape)),
        "output_shape": list(shown(report.output_shape)),
        "inputs": [{"name": name, "shape": list(shown(shape))} for name, shape in report.inputs],
        "outputs": [
            {"name": out.name, "shape": list(shown(out.shape)), "side": out.side, "training": out.training}
            for out in report.outputs
        ],
        "layers": [
            {
                "index": row.index,
                "name": row.name,
                "qualified_name": row.qualified_name,
                "type": row.kind,
                "path": row.path,
                "inputs": [name_of(ref) for ref in row.inputs],
                "input_shape": list(shown(row.input_shape)),
                "input_shapes": [list(shown(shape)) for shape in row.input_shapes],
                "output_shape": list(shown(row.output_shape)),
                "output_shapes": [list(shown(shape)) for shape in row.output_shapes],
                "options": _options(row),
                "weights": row.counts.weights,
                "tied_biases": row.counts.tied_biases,
                "untied_biases": row.counts.untied_biases,
                "bias": row.bias,
                "params": row.counts.params,
                "non_trainable": row.counts.non_trainable,
                "macs": row.counts.macs,
                "shares": None if row.shares is None else name_of((row.shares, 0)),
                "training": row.training,
                "activations": memory.activations(row),
                "activation_bytes": memory.activation_bytes(row),
            }
            for row in report.rows
        ],
        "side_outputs": [
            {"name": group.name, "path": group.path, "output_shape": list(shown(group.side_output or ()))}
            for group in report.side_outputs
        ],
        "totals": {**report.totals.as_dict(), "training_macs": report.training_macs, **memory.totals(report)},
        "notes": list(report.notes),
    }


def summary(spec: str, report: Report) -> str:
    """One line for ``cnncount specs --format json``: a spec's name, input and totals."""
    return json.dumps(
        {
            "format_version": FORMAT_VERSION,
            "spec": spec,
            "name": report.name,
            "input_shape": list(report.shown(report.input_shape)),
            "totals": report.totals.as_dict(),
        }
    )


def render(report: Report, memory: Memory | None = None, *, one_line: bool = False) -> str:
    """One JSON document: on one line (JSON Lines), or one line per key and per layer."""
    with big_input():
        doc = report_dict(report, memory)
    if one_line:
        return json.dumps(doc)
    lines = []
    for key, value in doc.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            items = ",\n".join(f"    {json.dumps(item)}" for item in value)
            lines.append(f'  "{key}": [\n{items}\n  ]')
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(lines) + "\n}"
