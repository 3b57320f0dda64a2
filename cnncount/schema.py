"""A JSON Schema of the YAML spec format, generated from the kinds' own declarations.

Editors use it (through the ``# yaml-language-server: $schema=...`` header) to
complete keys and flag mistakes as a file is typed.  It is built from the same
declarations the reader checks against (layer kinds in :mod:`cnncount.layers`,
block kinds in :mod:`cnncount.blocks`), so the two cannot disagree.
"""

from __future__ import annotations

from typing import Any

from .blocks import BLOCKS, BlockKind
from .counts import BIAS_LAYOUTS
from .layers import kind_names, layer_class
from .layers.base import Param
from .shapes import LAYOUTS

_NAME = {"type": ["string", "integer"], "description": "shown in tables and JSON; other entries read it by this name"}
_ONE_NAME = {"type": ["string", "integer"], "minLength": 1}
_FROM = {
    "oneOf": [_ONE_NAME, {"type": "array", "items": _ONE_NAME, "minItems": 1}],
    "description": "what the entry reads: the name of an earlier layer or block (name:1 for output 1 of a split; "
    "input for the block's input), or a list of them for a merge; by default the entry before",
}
_SHARE = {**_ONE_NAME, "description": "use the parameters of this earlier layer"}
_EXPR = {"type": "string", "pattern": r"\$\{", "description": "an expression, ${...} (docs/templates.md)"}
_WHEN = {
    "anyOf": [{"type": "boolean"}, _EXPR],
    "description": "keep the entry only when this is true (an expression, e.g. ${stride == 1})",
}
_REPEAT = {
    "anyOf": [{"type": "integer", "minimum": 1}, _EXPR],
    "default": 1,
    "description": "apply the block this many times in a row",
}


def _computed(schema: dict[str, Any]) -> dict[str, Any]:
    """A value's schema that also takes an expression in its place."""
    description = schema.pop("description", None)
    out: dict[str, Any] = {"anyOf": [schema, _EXPR]}
    if description is not None:
        out["description"] = description
    return out


def _option(p: Param) -> dict[str, Any]:
    prop = _computed({**p.value.schema(), "description": p.help})
    if not p.required and p.default is not None:
        prop["default"] = list(p.default) if isinstance(p.default, tuple) else p.default
    return prop


def _kind_schema(kind: str) -> dict[str, Any]:
    cls = layer_class(kind)
    properties: dict[str, Any] = {
        "type": {"const": kind},
        "name": _NAME,
        "from": _FROM,
        "share": _SHARE,
        "when": _WHEN,
    }
    required = ["type"]
    for p in cls.params():
        properties[p.name] = _option(p)
        if p.required:
            required.append(p.name)
    if cls.arity[0] > 1 or kind in BLOCKS:  # a merge names its inputs; concat without from is the block
        required.append("from")
    return {
        "type": "object",
        "description": cls.summary,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _block_schema(block: BlockKind, layers: str = "layers") -> dict[str, Any]:
    """A block kind's schema; its parts are lists of ``layers`` (``layers``, in a file that defines
    templates and may use them; ``plain_layers`` otherwise)."""
    some_layers = {"$ref": f"#/$defs/{layers}", "minItems": 1}
    parts: dict[str, Any] = {}
    for part in block.parts:
        entries = {"$ref": f"#/$defs/{layers}"} if part.empty else some_layers
        if part.many:
            parts[part.key] = {"type": "array", "minItems": 1, "items": entries, "description": part.help}
        else:
            parts[part.key] = {**entries, "description": part.help}
    return {
        "type": "object",
        "description": block.summary,
        "properties": {
            "type": {"const": block.kind},
            "name": _NAME,
            "from": _FROM,
            "repeat": _REPEAT,
            "when": _WHEN,
            **parts,
            **{p.name: _option(p) for p in block.options},
        },
        "required": ["type", *(part.key for part in block.parts if part.required)],
        "additionalProperties": False,
    }


def _is(kind: str) -> dict[str, Any]:
    return {"properties": {"type": {"const": kind}}, "required": ["type"]}


def _dispatch(defs: dict[str, Any], templates: bool) -> dict[str, Any]:
    """An entry's schema chosen by its type, as the reader chooses (``if``/``then`` rather than a
    ``oneOf`` of every kind: a validator then checks one schema per entry, not all of them at every
    level of nesting); an entry without a type is a use of a named layer or block (``share``)."""
    kinds = sorted({*kind_names(), *BLOCKS})
    suffix = "" if templates else "_plain"
    choices: list[dict[str, Any]] = []
    for kind in kind_names():
        if kind in BLOCKS:  # concat: the merge when it names its inputs and has no branches
            merge = {"required": ["from"], "not": {"anyOf": [{"required": [p.key]} for p in BLOCKS[kind].parts]}}
            pick = {"if": merge, "then": {"$ref": f"#/$defs/{kind}"}, "else": {"$ref": f"#/$defs/{kind}_block{suffix}"}}
            choices.append({"if": _is(kind), "then": pick})
        else:
            choices.append({"if": _is(kind), "then": {"$ref": f"#/$defs/{kind}"}})
    for kind in BLOCKS:
        if kind not in kind_names():
            choices.append({"if": _is(kind), "then": {"$ref": f"#/$defs/{kind}{suffix}"}})
    if not templates:  # a type is a layer or block kind
        choices.insert(0, {"properties": {"type": {"enum": kinds}}})
        return {"if": {"required": ["type"]}, "then": {"allOf": choices}, "else": {"$ref": "#/$defs/share"}}
    # in a file that defines templates, any other type is a template's name
    known = {"required": ["type"], "properties": {"type": {"enum": kinds}}}
    other = {"if": {"required": ["type"]}, "then": {"$ref": "#/$defs/use"}, "else": {"$ref": "#/$defs/share"}}
    return {"if": known, "then": {"allOf": choices}, "else": other}


def _template_schema() -> dict[str, Any]:
    """A template under ``define``: its arguments, the block kind it is, that block's parts and options."""
    parts: dict[str, Any] = {}
    for block in BLOCKS.values():
        for key, value in _block_schema(block)["properties"].items():
            if key not in ("type", "name", "from", "repeat", "when"):
                parts.setdefault(key, value)
    return {
        "type": "object",
        "description": "a block with arguments, used by its name as a type",
        "properties": {
            "args": {
                "type": "object",
                "description": "the template's arguments with their defaults (~ for one a use must give)",
            },
            "type": {"anyOf": [{"enum": list(BLOCKS)}, _EXPR], "default": "block", "description": "the block kind"},
            **parts,
        },
        "additionalProperties": False,
    }


def spec_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a cnncount spec file."""
    defs: dict[str, Any] = {kind: _kind_schema(kind) for kind in kind_names()}
    defs.update({f"{kind}_block" if kind in defs else kind: _block_schema(block) for kind, block in BLOCKS.items()})
    defs.update(
        {
            f"{kind}_block_plain" if kind in kind_names() else f"{kind}_plain": _block_schema(block, "plain_layers")
            for kind, block in BLOCKS.items()
        }
    )
    defs["share"] = {
        "type": "object",
        "description": "an earlier layer or block again, on a new input, with its parameters",
        "properties": {
            "share": {**_SHARE, "description": "the layer or block used again"},
            "name": _NAME,
            "from": _FROM,
        },
        "required": ["share"],
        "additionalProperties": False,
    }
    defs["use"] = {
        "type": "object",
        "description": "a use of a template the file defines (define:), with its arguments",
        "properties": {
            "type": {"type": "string", "description": "the template's name"},
            "name": _NAME,
            "from": _FROM,
            "repeat": _REPEAT,
            "when": _WHEN,
        },
        "required": ["type"],
    }
    scalar = {"type": ["number", "string", "boolean"]}
    defs["arg"] = {
        "anyOf": [scalar, {"type": "array", "items": {"$ref": "#/$defs/arg"}}],
        "description": "a value, or a list of values (or of lists)",
    }
    defs["template"] = _template_schema()
    defs["layers"] = {"type": "array", "items": _dispatch(defs, True)}
    defs["plain_layers"] = {"type": "array", "items": _dispatch(defs, False)}
    defs["shape"] = {
        "anyOf": [
            {"type": "integer", "minimum": 1},
            {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1, "maxItems": 4},
            {"type": "string", "pattern": r"^\s*\d+(\s*[x,]\s*\d+){0,3}\s*$"},
            {"type": "array", "items": {"anyOf": [{"type": "integer", "minimum": 1}, _EXPR]}, "minItems": 1},
            _EXPR,
        ]
    }
    names = {"oneOf": [_ONE_NAME, {"type": "array", "items": _ONE_NAME, "minItems": 1}]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "cnncount architecture spec",
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "the table title and 'name' in JSON"},
            "args": {
                "type": "object",
                "additionalProperties": {"$ref": "#/$defs/arg"},
                "description": "the spec's arguments with their defaults: expressions read them, --set replaces them",
            },
            "variants": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": {"$ref": "#/$defs/arg"},
                },
                "description": "a family's members by name, each the values it gives some of the args",
            },
            "variant": {"type": "string", "description": "the variant counted unless --set variant= says another"},
            "define": {
                "type": "object",
                "additionalProperties": {"$ref": "#/$defs/template"},
                "description": "templates: named blocks with arguments, used by name as an entry's type",
            },
            "input": {"$ref": "#/$defs/shape", "description": "per-sample input shape, batch never written"},
            "inputs": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {"$ref": "#/$defs/shape"},
                "description": "several inputs, by name (instead of input)",
            },
            "input_layout": {"enum": list(LAYOUTS), "default": "channels_first"},
            "bias": {
                "enum": list(BIAS_LAYOUTS),
                "default": "tied",
                "description": "default bias layout of every layer that has biases by default",
            },
            "layers": {"type": "array", "minItems": 1, "description": "the network's entries, in order"},
            "outputs": {**names, "description": "the network's outputs, by name (by default the last entry)"},
        },
        "patternProperties": {"^x-": {"description": "ignored: a place for anchors (&name) used by alias"}},
        "oneOf": [{"required": ["input", "layers"]}, {"required": ["inputs", "layers"]}],
        # without define, a type is a layer or block kind (a typo is flagged); with it, a template's name too
        "if": {"required": ["define"]},
        "then": {"properties": {"layers": {"$ref": "#/$defs/layers", "minItems": 1}}},
        "else": {"properties": {"layers": {"$ref": "#/$defs/plain_layers", "minItems": 1}}},
        "additionalProperties": False,
        "$defs": defs,
    }
