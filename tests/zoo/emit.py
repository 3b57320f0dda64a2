"""Writing a spec's YAML text from layers and blocks built as dicts.

Layers are written one per line as flow mappings (``{type: conv, name: conv1, ...}``),
blocks as block mappings with their parts indented under them. A block whose content
(all but its name) repeats an earlier one's is written as a merge of it,
``{<<: *layer3_1, name: 2}``, as a person writing the file would.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

Entry = dict[str, Any]

#: The keys that hold lists of entries.
PARTS = ("layers", "shortcut", "branches")


def layer(kind: str, name: object = None, **options: Any) -> Entry:
    """A layer entry; options left as None are not written."""
    entry: Entry = {"type": kind}
    if name is not None:
        entry["name"] = name
    entry.update((key, value) for key, value in options.items() if value is not None)
    return entry


def block(kind: str, name: object = None, **parts_and_options: Any) -> Entry:
    """A block entry: ``layers=[...]``, ``shortcut=[...]``, ``branches=[[...], ...]``, options."""
    entry: Entry = {}
    if name is not None:
        entry["name"] = name
    entry["type"] = kind
    entry.update((key, value) for key, value in parts_and_options.items() if value is not None)
    return entry


def seq(name: object, *layers: Entry) -> Entry:
    """A plain ``block`` of layers: a torch Sequential."""
    return block("block", name, layers=list(layers))


_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


def scalar(value: Any) -> str:
    """A YAML scalar: ints, floats, booleans, words; anything else quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    text = str(value)
    if _PLAIN.match(text) and text not in ("true", "false", "null", "yes", "no", "on", "off", "y", "n"):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _flow(entry: Entry) -> str:
    return "{" + ", ".join(f"{key}: {scalar(value)}" for key, value in entry.items()) + "}"


def _anchor(qualified: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", qualified)


def _stem(name: object) -> str:
    """What a name says beside its numbers: repetitions (``0``, ``1``; ``denselayer1``, ``denselayer2``)
    share a stem, and only they are written as merges of each other."""
    return re.sub(r"[0-9]+", "#", str(name))


class _Writer:
    """Writes entries as YAML lines; with ``dedup``, a block repeating an earlier one becomes a merge of it."""

    def __init__(self, dedup: bool = True, repeated: frozenset[str] = frozenset()) -> None:
        self.lines: list[str] = []
        self.dedup = dedup
        #: The texts (without their names) of the blocks written more than once: those get anchors.
        self.repeated = repeated
        #: A block's text without its name (and without merges) -> its anchor.
        self.anchors: dict[str, str] = {}
        #: Every named block's text without its name, in order (what ``repeated`` is made from).
        self.seen: list[str] = []

    def entries(self, entries: Sequence[Entry], indent: int, prefix: str) -> None:
        for entry in entries:
            self.entry(entry, indent, prefix)

    def entry(self, entry: Entry, indent: int, prefix: str) -> None:
        pad = " " * indent
        if not any(key in entry for key in PARTS):
            self.lines.append(f"{pad}- {_flow(entry)}")
            return
        name = entry.get("name")
        qualified = f"{prefix}.{name}" if prefix and name is not None else (str(name) if name is not None else prefix)
        body = {key: value for key, value in entry.items() if key != "name"}
        key = None
        if name is not None:
            canonical = _Writer(dedup=False)
            canonical.body(body, 0, "")
            key = _stem(name) + "\n" + "\n".join(canonical.lines)
            self.seen.append(key)
        if self.dedup and key is not None and key in self.repeated:
            anchor = self.anchors.get(key)
            if anchor is not None:
                self.lines.append(f"{pad}- {{<<: *{anchor}, name: {scalar(name)}}}")
                return
            anchor = _anchor(qualified)
            while anchor in self.anchors.values():
                anchor += "_"
            self.anchors[key] = anchor
            self.lines.append(f"{pad}- &{anchor}")
            self.lines.append(f"{pad}  name: {scalar(name)}")
        elif name is not None:
            self.lines.append(f"{pad}- name: {scalar(name)}")
        else:
            self.lines.append(f"{pad}-")
        first = len(self.lines)
        self.body(body, indent + 2, qualified)
        if self.lines[first - 1].endswith("-"):  # an unnamed block: its first key goes on the dash's line
            self.lines[first - 1] += " " + self.lines.pop(first).lstrip()

    def body(self, body: Entry, indent: int, prefix: str) -> None:
        pad = " " * indent
        for key, value in body.items():
            if key == "branches":
                self.lines.append(f"{pad}branches:")
                for branch in value:
                    if not branch:
                        self.lines.append(f"{pad}  - []")
                        continue
                    self.lines.append(f"{pad}  -")
                    start = len(self.lines)
                    self.entries(branch, indent + 4, prefix)
                    self.lines[start - 1] += " " + self.lines.pop(start).lstrip()
            elif key in PARTS:
                if not value:
                    self.lines.append(f"{pad}{key}: []")
                    continue
                self.lines.append(f"{pad}{key}:")
                self.entries(value, indent + 2, prefix)
            else:
                self.lines.append(f"{pad}{key}: {scalar(value)}")


def spec(name: str, header: str, input_shape: Sequence[int], layers: Sequence[Entry], bias: str | None = "none") -> str:
    """The whole file: the header as comments, then name, input, bias and the layers."""
    lines = [f"# {line}".rstrip() for line in header.strip("\n").splitlines()]
    lines += [f"name: {name}", f"input: {scalar(list(input_shape))}"]
    if bias is not None:
        lines.append(f"bias: {bias}")
    lines.append("layers:")
    counting = _Writer(dedup=False)
    counting.entries(layers, 2, "")
    repeated = frozenset(key for key in counting.seen if counting.seen.count(key) > 1)
    writer = _Writer(repeated=repeated)
    writer.entries(layers, 2, "")
    return "\n".join(lines + _used_anchors_only(writer.lines)) + "\n"


def _used_anchors_only(lines: list[str]) -> list[str]:
    """Drop the anchors nothing merges (a block inside one that is merged whole)."""
    used = set(re.findall(r"\*([A-Za-z0-9_]+)", "\n".join(lines)))
    out: list[str] = []
    for line in lines:
        match = re.fullmatch(r"(\s*)- &([A-Za-z0-9_]+)", line)
        if match and match.group(2) not in used:
            out.append(f"{match.group(1)}-")  # joined with its block's first key, next
            continue
        if out and out[-1].endswith("-") and out[-1].strip() == "-":
            out[-1] += " " + line.lstrip()
            continue
        out.append(line)
    return out


def header(name: str, title: str, source: str, reference: str, notes: str = "", family: str = "") -> str:
    """The comment block every generated spec starts with: what it is, where from, its published total."""
    from .published import PUBLISHED

    published = PUBLISHED[name]
    lines = [
        f"{title}, as in torchvision.",
        "",
        f"Source: {source}",
        f"Reference implementation: torchvision, {reference}.",
        "Names are torchvision's module names (the state_dict keys without .weight and .bias).",
        "",
    ]
    if notes:
        lines += [*notes.strip("\n").splitlines(), ""]
    lines += [
        f"Published total (tied biases): {published['num_params']:,}",
        f'  (torchvision {published["weights"]} meta["num_params"]; its _ops, {published["gflops"]} GFLOPS,',
        "  are the multiply-accumulates of one eval-mode forward pass: cnncount's MACs)",
        "",
        f"Generated by tests/zoo/{family}.py from its config tables; to change this file, change that",
        "and run CNNCOUNT_UPDATE_ZOO=1 python -m pytest tests/test_zoo.py.",
    ]
    return "\n".join(lines)
