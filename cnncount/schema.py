"""A JSON Schema of the YAML spec format, generated from the layer kinds' own descriptions.

Editors use it (through the ``# yaml-language-server: $schema=...`` header) to
complete keys and flag mistakes as a file is typed.  It is built from the same
option declarations the reader checks against, so the two cannot disagree.
"""

from __future__ import annotations

from typing import Any

from .counts import BIAS_LAYOUTS
from .layers import kind_names, layer_class
from .shapes import LAYOUTS

_NAME = {"type": ["string", "integer"], "description": "shown in tables and JSON"}


def _kind_schema(kind: str) -> dict[str, Any]:
    cls = layer_class(kind)
    properties: dict[str, Any] = {"type": {"const": kind}, "name": _NAME}
    required = ["type"]
    for p in cls.params():
        prop = {**p.value.schema(), "description": p.help}
        if not p.required and p.default is not None:
            prop["default"] = list(p.default) if isinstance(p.default, tuple) else p.default
        properties[p.name] = prop
        if p.required:
            required.append(p.name)
    return {
        "type": "object",
        "description": cls.summary,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _block_schema(kind: str, description: str, parts: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": {
            "type": {"const": kind},
            "name": _NAME,
            "repeat": {
                "type": "integer",
                "minimum": 1,
                "default": 1,
                "description": "apply the block this many times in a row",
            },
            **parts,
        },
        "required": ["type", *required],
        "additionalProperties": False,
    }


def spec_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a cnncount spec file, version 1."""
    layers = {"$ref": "#/$defs/layers"}
    some_layers = {"$ref": "#/$defs/layers", "minItems": 1}
    defs: dict[str, Any] = {kind: _kind_schema(kind) for kind in kind_names()}
    defs.update(
        block=_block_schema("block", "a plain sequence of layers", {"layers": some_layers}, ["layers"]),
        side=_block_schema(
            "side",
            "a side branch (e.g. an auxiliary classifier): counted; the main path goes on unchanged",
            {"layers": some_layers},
            ["layers"],
        ),
        residual=_block_schema(
            "residual",
            "output = layers(x) + shortcut(x)",
            {"layers": some_layers, "shortcut": {**layers, "description": "absent or [] is the identity"}},
            ["layers"],
        ),
        concat=_block_schema(
            "concat",
            "every branch gets the same input; outputs are joined on channels",
            {"branches": {"type": "array", "minItems": 1, "items": {**layers, "description": "[] is the identity"}}},
            ["branches"],
        ),
    )
    defs["layers"] = {"type": "array", "items": {"oneOf": [{"$ref": f"#/$defs/{name}"} for name in list(defs)]}}
    defs["shape"] = {
        "oneOf": [
            {"type": "integer", "minimum": 1},
            {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1, "maxItems": 4},
            {"type": "string", "pattern": r"^\s*\d+(\s*[x,]\s*\d+){0,3}\s*$"},
        ]
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "cnncount architecture spec, version 1",
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "the table title and 'name' in JSON"},
            "input": {"$ref": "#/$defs/shape", "description": "per-sample input shape, batch never written"},
            "input_layout": {"enum": list(LAYOUTS), "default": "channels_first"},
            "bias": {
                "enum": list(BIAS_LAYOUTS),
                "default": "tied",
                "description": "default bias layout of every layer",
            },
            "layers": some_layers,
        },
        "patternProperties": {"^x-": {"description": "ignored: a place for anchors (&name) used by alias"}},
        "required": ["input", "layers"],
        "additionalProperties": False,
        "$defs": defs,
    }
