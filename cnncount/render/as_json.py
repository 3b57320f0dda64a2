"""Reports as JSON documents: exact ints, stable keys, one document per report.

The schema is documented in the README; any change to a key's meaning bumps
``format_version``.
"""

from __future__ import annotations

import json
from typing import Any

from ..limits import big_input
from ..memory import Memory
from ..model import Report

#: 2 added the memory and compute keys (dtype, batch, activations, bytes, FLOPs);
#: every key of version 1 kept its meaning.
FORMAT_VERSION = 2


def report_dict(report: Report, memory: Memory | None = None) -> dict[str, Any]:
    """The JSON document of a report, as plain Python values."""
    memory = memory or Memory()
    return {
        "format_version": FORMAT_VERSION,
        "name": report.name,
        "dtype": memory.dtype,
        "batch": memory.batch,
        "layout": report.layout,
        "input_shape": list(report.shown(report.input_shape)),
        "output_shape": list(report.shown(report.output_shape)),
        "layers": [
            {
                "index": row.index,
                "name": row.name,
                "type": row.kind,
                "path": row.path,
                "input_shape": list(report.shown(row.input_shape)),
                "output_shape": list(report.shown(row.output_shape)),
                "weights": row.counts.weights,
                "tied_biases": row.counts.tied_biases,
                "untied_biases": row.counts.untied_biases,
                "bias": row.bias,
                "params": row.counts.params,
                "non_trainable": row.counts.non_trainable,
                "macs": row.counts.macs,
                "activations": memory.activations(row),
                "activation_bytes": memory.activation_bytes(row),
            }
            for row in report.rows
        ],
        "side_outputs": [
            {"name": group.name, "path": group.path, "output_shape": list(report.shown(group.side_output or ()))}
            for group in report.side_outputs
        ],
        "totals": {**report.totals.as_dict(), **memory.totals(report)},
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
