"""What the readers of other frameworks' files share: the spec they build, entry by entry.

A :class:`Builder` collects a spec's entries in execution order: each named (a name made from
the source's, with no dots, which are scopes, and no ``:N``, which reads an output), reading the
entry before it unless it says ``from``. The ONNX and Keras readers (cnncount.from_onnx,
cnncount.from_keras) fill one each; cnncount.readers chooses the reader by the file.
"""

from __future__ import annotations

import re
from typing import Any


class Builder:
    """The entries of a spec being read from a model file, and the names they have taken."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.names: set[str] = {"input"}

    def name(self, text: str) -> str:
        """A new layer name from a name in the source: no dots, no ``:N``, none taken twice."""
        name = re.sub(r"[.:\s]+", "_", text).strip("_") or "layer"
        if name in self.names:
            number = 2
            while f"{name}_{number}" in self.names:
                number += 1
            name = f"{name}_{number}"
        self.names.add(name)
        return name

    def add(self, name: str, entry: dict[str, Any], refs: list[str]) -> None:
        """An entry named ``name`` (already made by :meth:`name`) reading ``refs``: the names of
        earlier entries (``split:1`` for an output of one) or ``input``."""
        first: dict[str, Any] = {"type": entry["type"], "name": name} if "type" in entry else {"name": name}
        previous = self.entries[-1]["name"] if self.entries else "input"
        if refs != [previous]:
            first["from"] = refs[0] if len(refs) == 1 else refs
        first.update((key, value) for key, value in entry.items() if key != "type")
        self.entries.append(first)


def lean(entry: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """The entry without the options that are cnncount's defaults (and ``bias: tied``, the default
    of a spec that sets none)."""
    kept = {k: v for k, v in entry.items() if k not in defaults or defaults[k] != v}
    if kept.get("bias") == "tied":
        del kept["bias"]
    return kept


def one(values: tuple[int, ...] | list[int]) -> int | list[int]:
    """One int when every dim has it, else a list."""
    values = tuple(int(v) for v in values)
    return values[0] if values and len(set(values)) == 1 else list(values)


__all__ = ["Builder", "lean", "one"]
