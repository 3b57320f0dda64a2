"""Reports as JSON documents: exact ints, stable keys, one document per report.

Schema (``format_version`` 1) is documented in the README; any change to a key's
meaning bumps the version.
"""

from __future__ import annotations

import json
from typing import Any

from ..limits import big_input
from ..model import Report

FORMAT_VERSION = 1


def report_dict(report: Report) -> dict[str, Any]:
    """The JSON document of a report, as plain Python values."""
    return {
        "format_version": FORMAT_VERSION,
        "name": report.name,
        "input_shape": list(report.input_shape),
        "output_shape": list(report.output_shape),
        "layers": [
            {
                "index": row.index,
                "name": row.name,
                "type": row.kind,
                "path": row.path,
                "input_shape": list(row.input_shape),
                "output_shape": list(row.output_shape),
                "weights": row.counts.weights,
                "tied_biases": row.counts.tied_biases,
                "untied_biases": row.counts.untied_biases,
                "bias": row.bias,
                "params": row.counts.params,
                "non_trainable": row.counts.non_trainable,
                "macs": row.counts.macs,
            }
            for row in report.rows
        ],
        "side_outputs": [
            {"name": group.name, "path": group.path, "output_shape": list(group.side_output or ())}
            for group in report.side_outputs
        ],
        "totals": report.totals.as_dict(),
    }


def render(report: Report, *, one_line: bool = False) -> str:
    """One JSON document: on one line (JSON Lines), or one line per key and per layer."""
    with big_input():
        doc = report_dict(report)
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
