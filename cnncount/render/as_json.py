"""Reports as JSON documents: exact ints, stable keys, one document per report.

The schema is documented in the README; any change to a key's meaning bumps
``format_version``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from ..limits import big_input
from ..memory import Memory
from ..model import Group, Report, Row
from ..shapes import Shape

#: 2 added the memory and compute keys (dtype, batch, activations, bytes, FLOPs).
#: 3 added the graph: every node is a layer (the merges blocks imply included),
#: with its inputs, options, qualified name and shared parameters; the network's
#: inputs, outputs and notes; training-only MACs.  Every key of version 2 kept its meaning.
#: 4 added ``blocks``: every block occurrence with its rows and subtotal.  Every key
#: of version 3 kept its meaning.
#: 5 added ``args``: the arguments a parametric spec was counted with ({} for a spec without).
#: Every key of version 4 kept its meaning.
#: 6 added ``receptive_field`` to each layer, with --rf only: ``size``, ``stride`` and ``padding``
#: per spatial dim, ``whole_input``, ``misaligned``, ``larger_than_input``, and ``unknown`` (why a
#: field cannot be told, or null). Every key of version 5 kept its meaning.
#: 7 gave fields to transposed convs, upsampling and uneven adaptive pools, whose units' fields
#: differ from one to the next: ``stride`` is then the mean step (a float where it is not whole),
#: ``size`` the largest; ``uniform`` says which dims differ and ``units`` spells them out (null
#: where none does); ``centre`` is where unit 0's field is centred. Every key of version 6 kept its
#: meaning for uniform fields.
FORMAT_VERSION = 7

#: json.dumps without the check for cycles (a report has none): it is called once per layer.
_dumps = json.JSONEncoder(check_circular=False).encode


#: Each layer kind's option names, in declaration order (looked up once a kind, not once a layer).
_OPTION_NAMES: dict[type, tuple[str, ...]] = {}


def _options(row: Row) -> dict[str, Any]:
    """A layer's options, every one with its value (defaults included)."""
    layer = row.layer
    names = _OPTION_NAMES.get(type(layer))
    if names is None:
        names = _OPTION_NAMES[type(layer)] = tuple(p.name for p in layer.params())
    return {name: getattr(layer, name) for name in names}


def _head(report: Report, memory: Memory, shown: Callable[[Shape], Shape]) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "name": report.name,
        "args": report.args,
        "dtype": memory.dtype,
        "batch": memory.batch,
        "layout": report.layout,
        "input_shape": shown(report.input_shape),
        "output_shape": shown(report.output_shape),
        "inputs": [{"name": name, "shape": shown(shape)} for name, shape in report.inputs],
        "outputs": [
            {"name": out.name, "shape": shown(out.shape), "side": out.side, "training": out.training}
            for out in report.outputs
        ],
    }


def _layers(
    report: Report, memory: Memory, shown: Callable[[Shape], Shape], rf: bool = False
) -> Iterator[dict[str, Any]]:
    """Each layer's entry, made as it is written: a big network's are never all in memory at once."""
    name_of = report.ref_name
    value_bytes = memory.value_bytes
    fields: list[Any] = [None] * len(report.rows)
    if rf:
        from ..receptive import fields as receptive_fields

        fields = receptive_fields(report)
    same = shown is _same  # shapes written as they are: no call per shape
    for row, field in zip(report.rows, fields):
        counts = row.counts
        node = row.node
        refs = node.inputs
        input_shapes = row.input_shapes
        output_shapes = row.output_shapes
        activations = memory.activations(row)
        entry = {
            "index": node.index,
            "name": node.name,
            "qualified_name": node.qualname,
            "type": row.kind,
            "path": str(node.path),
            "inputs": [name_of(ref) for ref in refs],
            "input_rows": [index for index, _ in refs],
            "input_shape": input_shapes[0] if same else shown(input_shapes[0]),
            "input_shapes": list(input_shapes) if same else [shown(shape) for shape in input_shapes],
            "output_shape": output_shapes[0] if same else shown(output_shapes[0]),
            "output_shapes": list(output_shapes) if same else [shown(shape) for shape in output_shapes],
            "options": _options(row),
            "weights": counts.weights,
            "tied_biases": counts.tied_biases,
            "untied_biases": counts.untied_biases,
            "bias": row.bias,
            "params": counts.params,
            "non_trainable": counts.non_trainable,
            "macs": counts.macs,
            "shares": None if row.shares is None else name_of((row.shares, 0)),
            "shares_row": row.shares,
            "training": node.training,
            "activations": activations,
            "activation_bytes": activations * value_bytes,
        }
        if field is not None:
            entry["receptive_field"] = _field(field)
        yield entry


def _field(field: Any) -> dict[str, Any]:
    known = not field.whole and field.unknown is None
    return {
        "size": list(field.size) if known else None,
        "stride": [_number(s) for s in field.stride] if known else None,
        "padding": list(field.padding) if known else None,
        "centre": [_number(c) for c in field.centre] if known else None,
        "uniform": list(field.uniform) if known else None,
        "units": [_units(spans) for spans in field.spans] if known and not all(field.uniform) else None,
        "whole_input": field.whole,
        "misaligned": field.misaligned,
        "larger_than_input": field.larger_than_input,
        "unknown": field.unknown,
    }


def _number(value: Any) -> int | float:
    """An int, or a Fraction as an int when it is whole, else as a float."""
    return value if isinstance(value, int) else (int(value) if value.denominator == 1 else float(value))


def _units(spans: Any) -> dict[str, Any]:
    """Where each unit sees, exactly: unit t * period + i from first[i] + t * step to last[i] + t * step."""
    return {"period": spans.period, "step": spans.step, "first": list(spans.first), "last": list(spans.last)}


def _tail(report: Report, memory: Memory, shown: Callable[[Shape], Shape]) -> dict[str, Any]:
    return {
        "blocks": [
            {
                "name": group.name,
                "qualified_name": group.qualified_name,
                "type": group.kind,
                "path": group.path,
                "depth": group.depth,
                "first_row": group.start,
                "last_row": group.stop - 1,
                "output_shape": shown(group.output_shape),
                "training": group.training,
                **group.counts.as_dict(),
            }
            for group in report.entries
            if isinstance(group, Group)
        ],
        "side_outputs": [
            {"name": group.name, "path": group.path, "output_shape": shown(group.side_output or ())}
            for group in report.side_outputs
        ],
        "totals": {**report.totals.as_dict(), "training_macs": report.training_macs, **memory.totals(report)},
        "notes": list(report.notes),
    }


def _shown(report: Report) -> Callable[[Shape], Shape]:
    """How shapes are written: as they are, channels first, unless the report says otherwise."""
    return report.shown if report.layout != "channels_first" else _same


def _same(shape: Shape) -> Shape:
    return shape


def pieces(report: Report, memory: Memory | None = None, *, rf: bool = False) -> Iterator[str]:
    """The one-line JSON document of a report (``json.dumps(report_dict(report))``, the same text),
    in pieces, a layer each, made as they are asked for: a big network's document is never whole
    in memory, in text or as values."""
    memory = memory or Memory()
    shown = _shown(report)
    with big_input():
        layers = _layers(report, memory, shown, rf)
        first = next(layers, None)  # works out what the layers need (--rf's fields) before a piece is out
        yield _dumps(_head(report, memory, shown))[:-1] + ', "layers": ['
        if first is not None:
            yield _dumps(first)
            for layer in layers:
                yield ", " + _dumps(layer)
        yield "], " + _dumps(_tail(report, memory, shown))[1:]


def report_dict(report: Report, memory: Memory | None = None, *, rf: bool = False) -> dict[str, Any]:
    """The JSON document of a report, as plain Python values (tuples for arrays); ``rf`` adds
    each layer's receptive field."""
    memory = memory or Memory()
    shown = _shown(report)
    with big_input():
        return {
            **_head(report, memory, shown),
            "layers": list(_layers(report, memory, shown, rf)),
            **_tail(report, memory, shown),
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


def render(report: Report, memory: Memory | None = None, *, one_line: bool = False, rf: bool = False) -> str:
    """One JSON document: on one line (JSON Lines), or one line per key and per layer."""
    if one_line:
        return "".join(pieces(report, memory, rf=rf))
    memory = memory or Memory()
    shown = _shown(report)
    with big_input():
        head, tail = _head(report, memory, shown), _tail(report, memory, shown)
        lines = [_line(key, value) for key, value in head.items()]
        layers = ",\n".join(f"    {_dumps(layer)}" for layer in _layers(report, memory, shown, rf))
        lines.append(f'  "layers": [\n{layers}\n  ]' if layers else '  "layers": []')
        lines += [_line(key, value) for key, value in tail.items()]
    return "{\n" + ",\n".join(lines) + "\n}"


def _line(key: str, value: Any) -> str:
    """A top-level key: a list of mappings one item per line, anything else on the key's line."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        items = ",\n".join(f"    {_dumps(item)}" for item in value)
        return f"  {_dumps(key)}: [\n{items}\n  ]"
    return f"  {_dumps(key)}: {_dumps(value)}"
