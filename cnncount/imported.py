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


#: Entries a chain of layers does not go through: merges and blocks (and a share, which has no type).
_NOT_CHAINED = (None, "add", "multiply", "concat", "split", "residual", "block", "inline", "gate", "side")


def residuals(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries with each plain residual pattern made a ``residual`` block: an ``add`` of two
    chains of layers (one may be empty: the identity) that start from one value and that nothing
    else reads, written just before it. The block takes the add's name, so what reads the sum
    reads the block; its layers keep theirs. A ResNet's units read from ONNX come out as ResNet's
    units are written by hand."""
    readers: dict[str, int] = {}  # by every entry, the later ones too
    for n in range(len(entries)):
        for ref in _reads(entries, n):
            readers[ref] = readers.get(ref, 0) + 1
    out: list[dict[str, Any]] = []
    position: dict[str, int] = {}  # of each entry in out, kept as out changes at its end
    for entry in entries:
        position[entry["name"]] = len(out)
        out.append(entry)
        block = _residual(out, readers, position)
        if block is not None:
            for gone in out[-block[0] :]:
                del position[gone["name"]]
            out[-block[0] :] = [block[1]]
            position[block[1]["name"]] = len(out) - 1
    return out


def _reads(entries: list[dict[str, Any]], position: int) -> list[str]:
    """What the entry at ``position`` reads: its ``from``, or the entry before it (``input`` first)."""
    found = entries[position].get("from")
    if found is None:
        return [entries[position - 1]["name"] if position else "input"]
    return [found] if isinstance(found, str) else list(found)


def _residual(
    entries: list[dict[str, Any]], readers: dict[str, int], position: dict[str, int]
) -> tuple[int, dict[str, Any]] | None:
    """If the last entry is the add of a plain residual pattern: how many entries it replaces, and
    the block (``readers``: how many entries of the whole spec read each name; ``position``: where
    each entry is in ``entries``)."""
    add = entries[-1]
    last = len(entries) - 1
    if add.get("type") != "add":
        return None
    reads = _reads(entries, last)
    if len(reads) != 2 or any(":" in ref for ref in reads):
        return None

    def chain(end: str) -> tuple[list[int], str]:
        """The entries of the chain of layers that ends at ``end`` (positions, in order) and the value
        it starts from: back from ``end`` while each layer reads one value that nothing else reads."""
        found: list[int] = []
        name = end
        while name in position:
            n = position[name]
            entry = entries[n]
            if entry.get("type") in _NOT_CHAINED or "share" in entry or (found and readers.get(name, 0) != 1):
                break
            source = _reads(entries, n)
            if len(source) != 1 or ":" in source[0]:
                break
            found.insert(0, n)
            name = source[0]
        return found, name

    first, second = chain(reads[0]), chain(reads[1])
    short: list[int]
    if first[0] and first[1] == reads[1]:  # the identity: the other input is where the layers start
        main, short, start = first[0], [], reads[1]
    elif second[0] and second[1] == reads[0]:
        main, short, start = second[0], [], reads[0]
    elif first[0] and second[0] and first[1] == second[1]:
        main, short, start = first[0], second[0], first[1]
    else:
        return None
    span = [*main, *short]
    if span != list(range(last - len(span), last)):  # written just before the add, main chain first
        return None
    if any(readers.get(entries[n]["name"], 0) != 1 for n in span):  # nothing else reads inside
        return None

    def inner(n: int, leading: bool) -> dict[str, Any]:
        entry = dict(entries[n])
        if leading:
            entry.pop("from", None)  # a block's first layer reads the block's input
        return entry

    block: dict[str, Any] = {"type": "residual", "name": add["name"]}
    previous = entries[span[0] - 1]["name"] if span[0] else "input"
    if start != previous:
        block["from"] = start
    block["layers"] = [inner(n, k == 0) for k, n in enumerate(main)]
    if short:
        block["shortcut"] = [inner(n, k == 0) for k, n in enumerate(short)]
    return len(span) + 1, block


__all__ = ["Builder", "lean", "one", "residuals"]
