"""Specs written out as YAML: ``cnncount convert FILE``.

:func:`to_yaml` writes a spec's document (what an ONNX model reads as, or a YAML spec's own) in
one layout: the keys in the document's order, a layer per line as a flow mapping, blocks as
block mappings with their layers below. Writing what it reads back gives the same text, so
converting a converted spec changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

#: A string YAML reads back as the same string when written bare.
_PLAIN = re.compile(r"^[A-Za-z_][\w/.\-]*$")

#: Words YAML 1.1 (PyYAML) reads as booleans or null.
_WORDS = frozenset("y n yes no on off true false null".split())


def to_yaml(doc: Mapping[str, Any], header: str = "") -> str:
    """The document as YAML text, after ``header`` (comment lines without their ``#``)."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    for key, value in doc.items():
        lines += _pair(key, value, 0)
    return "\n".join(lines) + "\n"


#: A mapping whose line would be longer than this is written a key per line (a layer stays on one).
_WIDE = 100


def _pair(key: Any, value: Any, indent: int) -> list[str]:
    pad = " " * indent
    line = f"{pad}{_scalar(key)}: {_flow(value)}"
    if isinstance(value, Mapping) and value and (not _flat(value) or len(line) > _WIDE):
        return [f"{pad}{_scalar(key)}:", *(line for k, v in value.items() for line in _pair(k, v, indent + 2))]
    if isinstance(value, list) and any(isinstance(item, Mapping) for item in value):
        return [f"{pad}{_scalar(key)}:", *(line for item in value for line in _item(item, indent + 2))]
    return [line]


def _item(value: Any, indent: int) -> list[str]:
    """A list item: a flat mapping on one line, a block (one with layers) below its dash."""
    pad = " " * indent
    if not isinstance(value, Mapping) or _flat(value):
        return [f"{pad}- {_flow(value)}"]
    lines = [line for k, v in value.items() for line in _pair(k, v, indent + 2)]
    return [f"{pad}- {lines[0].lstrip()}", *lines[1:]]


def _flat(mapping: Mapping[str, Any]) -> bool:
    """Whether a mapping holds no layers: it fits on one line."""
    return not any(
        (isinstance(v, list) and any(isinstance(item, Mapping) for item in v))
        or (isinstance(v, Mapping) and not _flat(v))
        for v in mapping.values()
    )


def _flow(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_scalar(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):  # PyYAML reads 1e-05 as text: the mantissa needs a point
        text = repr(value)
        return text.replace("e", ".0e", 1) if "e" in text and "." not in text else text
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _WORDS:
        return text
    return json.dumps(text)  # YAML reads JSON's strings


__all__ = ["to_yaml"]
