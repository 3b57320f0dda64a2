"""Architectures from what users write: YAML files and ``--layer`` words.

This is the only module that imports yaml, and only when a file is read.  Files
are read with a safe loader (libyaml's when it is there) whose mappings remember
where each key was written, so every mistake is reported at its line and column.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

from .counts import BIAS_LAYOUTS
from .errors import CnnCountError, SpecError, quote
from .layers import layer_class
from .layers.base import Layer, unknown_key
from .limits import MAX_ENTRIES, MAX_LAYERS, TOO_DEEP, big_input
from .model import BLOCK_KINDS, Architecture, Block, Leaf, Node
from .shapes import LAYOUTS, Shape, check_shape, from_layout, parse_shape

TOP_KEYS = ("name", "input", "input_layout", "bias", "layers")
BLOCK_KEYS = {
    "block": ("layers",),
    "side": ("layers",),
    "residual": ("layers", "shortcut"),
    "concat": ("branches",),
}


# --- --layer words -------------------------------------------------------------------------


def parse_words(text: str) -> tuple[str, dict[str, str]]:
    """``"conv filters=32 kernel=5"`` -> ``("conv", {"filters": "32", "kernel": "5"})``."""
    kind, *words = text.split()
    options: dict[str, str] = {}
    for word in words:
        key, eq, value = word.partition("=")
        if not eq or not key or not value:
            raise SpecError(f"expected key=value after the layer type, got {word!r}")
        if key in options:
            raise SpecError(f"{key} is given twice")
        options[key] = value
    return kind, options


def from_words(
    input_shape: Shape,
    specs: list[str],
    *,
    bias: str | None = None,
    name: str | None = None,
    layout: str = "channels_first",
) -> Architecture:
    """An architecture from ``--layer`` words, one string per layer; ``input_shape`` is in ``layout``."""
    leaves: list[Node] = []
    for index, text in enumerate(specs, start=1):
        kind = text.split()[0] if text.split() else "?"
        try:
            if not text.split():
                raise SpecError("empty layer: expected a type such as conv, then key=value words")
            kind, options = parse_words(text)
            layer = layer_class(kind).build(options, text=True)
        except CnnCountError as exc:
            raise exc.at(f"layer {index} ({kind})") from None
        leaves.append(Leaf(_override(layer, bias), f"layers[{index - 1}]"))
    return Architecture(from_layout(input_shape, layout), tuple(leaves), name, layout)


def from_options(
    kind: str, input_shape: Shape, options: Mapping[str, object], layout: str = "channels_first"
) -> Architecture:
    """A one-layer architecture from a layer subcommand's options (command-line text)."""
    try:
        layer = layer_class(kind).build(options, text=True, spell=lambda key: "--" + key.replace("_", "-"))
    except CnnCountError as exc:
        raise exc.at(kind) from None
    return Architecture(from_layout(input_shape, layout), (Leaf(layer, "layers[0]"),), None, layout)


def _override(layer: Layer, bias: str | None) -> Layer:
    """``layer`` with the bias layout ``bias``.

    A layer written without biases (``bias: none``, as convs before a batchnorm
    are) stays so under ``tied`` and ``untied``: they change the layout of the
    biases a network has, like the totals "all tied" and "all untied" do.
    ``none`` removes every bias.
    """
    if bias is None or not layer.has_bias or (layer.bias == "none" and bias != "none"):  # type: ignore[attr-defined]
        return layer
    return layer.replace(bias=bias)


# --- YAML ----------------------------------------------------------------------------------


class _Map(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers where it and each of its keys were written."""

    __slots__ = ("mark", "key_marks")
    mark: Any
    key_marks: dict[object, Any]


class _Seq(list):  # type: ignore[type-arg]
    """A YAML list that remembers where it and each of its items were written."""

    __slots__ = ("mark", "item_marks")
    mark: Any
    item_marks: list[Any]


def _loader() -> type:
    """A safe loader (libyaml's if available) building position-aware mappings and lists."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        pass

    def mapping(loader: Any, node: Any) -> Iterator[_Map]:
        data = _Map()
        data.mark = node.start_mark
        data.key_marks = {}
        yield data
        seen: set[object] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = loader.construct_object(key_node)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise SpecError("a key must be a plain word", where=_where(loader.name, key_node.start_mark))
            if key in seen:
                raise SpecError(f"duplicate key {key!r}", where=_where(loader.name, key_node.start_mark))
            seen.add(key)
        loader.flatten_mapping(node)  # resolves merge keys (<<: *x); explicit keys come after
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)
            data[key] = loader.construct_object(value_node)
            data.key_marks[key] = key_node.start_mark

    def sequence(loader: Any, node: Any) -> Iterator[_Seq]:
        data = _Seq()
        data.mark = node.start_mark
        data.item_marks = [child.start_mark for child in node.value]
        yield data
        data.extend(loader.construct_object(child) for child in node.value)

    Loader.add_constructor("tag:yaml.org,2002:map", mapping)
    Loader.add_constructor("tag:yaml.org,2002:seq", sequence)
    return Loader


def _where(source: str, mark: Any) -> str:
    return f"{source}:{mark.line + 1}:{mark.column + 1}"


def load_yaml(text: str, source: str) -> Any:
    """Parse one YAML document, mapping syntax errors to ``source:line:col: problem``."""
    import yaml

    loader = _loader()(text)
    loader.name = source
    try:
        with big_input():
            return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _where(source, mark) if mark else source
        problem = exc.problem or exc.context or "malformed YAML"
        if "could not determine a constructor for the tag" in problem:
            tag = problem.rpartition("tag ")[2].strip("'\"").replace("tag:yaml.org,2002:", "!!")
            problem = f"the tag {tag} is not allowed: cnncount reads plain YAML only (nothing is executed)"
            raise SpecError(problem, where=where) from None
        if "maximum nesting depth" in problem:
            problem += " (libyaml reads 1,000 nested collections; a block takes two)"
        raise SpecError(f"YAML syntax error: {problem}", where=where) from None
    except yaml.reader.ReaderError as exc:
        # Raised before parsing, with a character position instead of a mark.
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise SpecError(
            f"the character U+{char:04X} is not allowed in YAML", where=f"{source}:{line}:{column}"
        ) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"YAML error: {' '.join(str(exc).split())}", where=source) from None
    except RecursionError:  # the pure-Python loader, without libyaml, recurses per level
        raise SpecError("the YAML is nested too deeply to read", where=source) from None
    except ValueError as exc:  # Python refuses to read integers of more than 4,300 digits
        raise SpecError(f"a value cannot be read: {exc}", where=source) from None
    finally:
        loader.dispose()


def from_yaml(
    text: str,
    source: str,
    *,
    input_shape: Shape | None = None,
    bias: str | None = None,
    layout: str | None = None,
) -> Architecture:
    """An architecture from the text of a YAML file.

    ``input_shape`` replaces the file's input; ``bias`` replaces every layer's
    bias layout; ``layout`` the file's ``input_layout`` (``input_shape`` is
    written in the layout in force).
    """
    # Refused before the (costly) parse rather than after: every layer written has
    # a type, and every YAML value stands on a line or after a comma.
    if text.count("type") > MAX_LAYERS:
        raise SpecError(f"the file writes more than {MAX_LAYERS:,} layers; cnncount counts at most that", where=source)
    entries = text.count("\n") + text.count(",")
    if entries > MAX_ENTRIES:
        raise SpecError(
            f"the file has {entries:,} lines and list entries; cnncount reads at most {MAX_ENTRIES:,}", where=source
        )
    return from_dict(load_yaml(text, source), source, input_shape=input_shape, bias=bias, layout=layout)


def from_dict(
    doc: Any,
    source: str = "<dict>",
    *,
    input_shape: Shape | None = None,
    bias: str | None = None,
    layout: str | None = None,
) -> Architecture:
    """An architecture from a parsed spec (a dict as YAML would give); ``source`` names it in errors."""
    with big_input():
        try:
            return _Reader(source, bias).read(doc, input_shape, layout)
        except RecursionError:
            raise SpecError(TOO_DEEP, where=source) from None


class _Path:
    """Where an entry sits in the file (``layers[3].shortcut[0]``), spelt out only for a message.

    Each entry keeps its parent and its own piece: building every path as a string
    would cost time in proportion to the depth, for every entry of a deep file.
    """

    __slots__ = ("parent", "piece")

    def __init__(self, parent: _Path | None, piece: str) -> None:
        self.parent = parent
        self.piece = piece

    def __str__(self) -> str:
        pieces: list[str] = []
        at: _Path | None = self
        while at is not None:
            pieces.append(at.piece)
            at = at.parent
        return "".join(reversed(pieces))


class _Reader:
    def __init__(self, source: str, bias: str | None) -> None:
        self.source = source
        self.override = bias
        self.default = "tied"
        #: Nodes already read, by (id of the YAML mapping, key): an alias used many
        #: times is read once, so an alias bomb costs what its text costs.
        self.read_nodes: dict[tuple[int, str], Node] = {}
        #: The mappings being read right now, from the top down to here.
        self.reading: set[int] = set()

    def at(self, value: Any, key: object = None) -> str:
        """``file:line:col`` of a key in a mapping, or of the value itself."""
        marks = getattr(value, "key_marks", None)
        if marks is not None and key in marks:
            return _where(self.source, marks[key])
        mark = getattr(value, "mark", None)
        return _where(self.source, mark) if mark is not None else self.source

    def read(self, doc: Any, input_shape: Shape | None, layout: str | None) -> Architecture:
        if doc is None:
            raise SpecError("the file is empty; expected a mapping with input and layers", where=self.source)
        if not isinstance(doc, dict):
            raise SpecError(
                f"expected a mapping with input and layers at the top, got {_kind_of(doc)}", where=self.at(doc)
            )
        for key in doc:
            # x- keys are left alone (as in Docker Compose): a place to define
            # anchors of blocks that the layers then use by alias.
            if key not in TOP_KEYS and not (isinstance(key, str) and key.startswith("x-")):
                raise SpecError(unknown_key(key, list(TOP_KEYS), "a file"), where=self.at(doc, key))
        name = doc.get("name")
        if name is None and not self.source.startswith("<"):
            # A file without a name is known by its file's (pathlib would cost start-up time).
            name = os.path.splitext(os.path.basename(self.source))[0]
        if name is not None and not isinstance(name, str):
            raise SpecError(f"name: expected text, got {_kind_of(name)}", where=self.at(doc, "name"))
        if "bias" in doc:
            if doc["bias"] not in BIAS_LAYOUTS:
                raise SpecError(
                    f"bias: expected one of {', '.join(BIAS_LAYOUTS)}, got {doc['bias']!r}", where=self.at(doc, "bias")
                )
            self.default = doc["bias"]
        if "input_layout" in doc and doc["input_layout"] not in LAYOUTS:
            raise SpecError(
                f"input_layout: expected one of {', '.join(LAYOUTS)}, got {doc['input_layout']!r}",
                where=self.at(doc, "input_layout"),
            )
        # The file's input is written in the file's layout; --layout says how an
        # --input given with it is written, and how shapes are shown.
        file_layout = doc.get("input_layout", "channels_first")
        layout = layout or file_layout
        if input_shape is not None:
            input_shape = from_layout(input_shape, layout)
        else:
            if "input" not in doc:
                raise SpecError(
                    "missing input: give the per-sample shape, e.g. input: [3, 224, 224]", where=self.at(doc)
                )
            input_shape = from_layout(self.shape(doc, "input"), file_layout)
        if "layers" not in doc:
            raise SpecError("missing layers: give the list of layers", where=self.at(doc))
        layers = self.sequence(doc["layers"], self.at(doc, "layers"), _Path(None, "layers"), allow_empty=False)
        return Architecture(input_shape, layers, name, layout)

    def shape(self, doc: Mapping[str, Any], key: str) -> Shape:
        value = doc[key]
        try:
            if isinstance(value, str):
                return parse_shape(value)
            if isinstance(value, int) and not isinstance(value, bool):
                return check_shape((value,), quote([value]))
            if isinstance(value, (list, tuple)):
                return check_shape(tuple(value), quote(value))
        except SpecError as exc:
            raise exc.at(f"{self.at(doc, key)}: {key}") from None
        raise SpecError(
            f"{key}: expected a shape such as [3, 224, 224] or 3x224x224, got {_kind_of(value)}",
            where=self.at(doc, key),
        )

    def sequence(self, items: Any, at: str, path: _Path, *, allow_empty: bool) -> tuple[Node, ...]:
        """The nodes of a list of layers; ``at`` locates the list, ``path`` names it."""
        if not isinstance(items, (list, tuple)):
            raise SpecError(f"expected a list of layers, got {_kind_of(items)}", where=f"{at}: {path}")
        if not items and not allow_empty:
            raise SpecError("the list of layers is empty", where=f"{at}: {path}")
        last = path.piece.lstrip(".")  # the list's own name: layers, shortcut, branches[1]
        marks = getattr(items, "item_marks", None)  # a plain list (from a dict) has none
        return tuple(
            self.node(item, _where(self.source, marks[i]) if marks else at, f"{last}[{i}]", _Path(path, f"[{i}]"))
            for i, item in enumerate(items)
        )

    def node(self, entry: Any, at: str, key: str, path: _Path) -> Node:
        """A layer or block from one list item; ``at`` locates the item."""
        done = self.read_nodes.get((id(entry), key))
        if done is None:
            if id(entry) in self.reading:  # an alias of a block inside that same block
                raise SpecError("this block contains itself (through a YAML alias)", where=f"{self.at(entry)}: {path}")
            self.reading.add(id(entry))
            try:
                done = self.read_nodes[id(entry), key] = self.new_node(entry, at, key, path)
            finally:
                self.reading.discard(id(entry))
        return done

    def new_node(self, entry: Any, at: str, key: str, path: _Path) -> Node:
        if not isinstance(entry, dict):
            raise SpecError(
                f"expected a mapping such as {{type: conv, ...}}, got {_kind_of(entry)}", where=f"{at}: {path}"
            )
        if "type" not in entry:
            raise SpecError("missing type (conv, dense, residual, ...)", where=f"{self.at(entry)}: {path}")
        kind = entry["type"]
        if not isinstance(kind, str):
            raise SpecError(
                f"type must be a word such as conv or dense, got {quote(kind)}",
                where=f"{self.at(entry, 'type')}: {path}",
            )
        if kind in BLOCK_KINDS:
            return self.block(entry, kind, key, path)
        options = {k: v for k, v in entry.items() if k != "type"}
        try:
            cls = layer_class(kind, also=BLOCK_KINDS)
            if "bias" not in options and cls.takes("bias"):
                options["bias"] = self.default
            layer = cls.build(options)
        except SpecError as exc:
            raise exc.at(f"{self.at(entry, exc.key)}: {path} ({kind})") from None
        if self.override is not None and layer.has_bias:
            layer = _override(layer, self.override)
        return Leaf(layer, key, self.at(entry))

    def block(self, entry: Mapping[str, Any], kind: str, key: str, path: _Path) -> Block:
        allowed = ("type", "name", "repeat", *BLOCK_KEYS[kind])
        where = _Where(path, kind)
        for k in entry:
            if k not in allowed:
                raise SpecError(unknown_key(k, list(allowed[1:]), kind), where=f"{self.at(entry, k)}: {where}")
        name = entry.get("name")
        if name is not None and (not isinstance(name, (str, int)) or isinstance(name, bool)):
            raise SpecError(f"name: expected a word, got {_kind_of(name)}", where=f"{self.at(entry, 'name')}: {where}")
        repeat = entry.get("repeat", 1)
        if not isinstance(repeat, int) or isinstance(repeat, bool) or repeat < 1:
            raise SpecError(
                f"repeat: expected an integer >= 1, got {repeat!r}", where=f"{self.at(entry, 'repeat')}: {where}"
            )
        parts: list[tuple[str, tuple[Node, ...]]] = []
        if kind == "concat":
            if "branches" not in entry:
                raise SpecError("missing branches: a list of layer lists", where=f"{self.at(entry)}: {where}")
            branches = entry["branches"]
            if not isinstance(branches, (list, tuple)) or not branches:
                raise SpecError(
                    "branches: expected a non-empty list of layer lists", where=f"{self.at(entry, 'branches')}: {where}"
                )
            for i, branch in enumerate(branches):
                at = self.at(branch) if hasattr(branch, "mark") else self.at(entry, "branches")
                part = f"branches[{i}]"
                parts.append((part, self.sequence(branch, at, _Path(path, f".{part}"), allow_empty=True)))
        else:
            if "layers" not in entry:
                raise SpecError("missing layers", where=f"{self.at(entry)}: {where}")
            for part in BLOCK_KEYS[kind]:
                if part in entry:  # only a residual's shortcut may be left out, or empty: the identity
                    nodes = self.sequence(
                        entry[part], self.at(entry, part), _Path(path, f".{part}"), allow_empty=part == "shortcut"
                    )
                    parts.append((part, nodes))
                else:
                    parts.append((part, ()))
        return Block(kind, tuple(parts), key, self.at(entry), None if name is None else str(name), repeat)


class _Where:
    """``layers[3] (residual)``, spelt out only for a message."""

    __slots__ = ("path", "kind")

    def __init__(self, path: _Path, kind: str) -> None:
        self.path = path
        self.kind = kind

    def __str__(self) -> str:
        return f"{self.path} ({self.kind})"


def _kind_of(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, str):
        return f"the text {quote(value)}"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {quote(value)}"
