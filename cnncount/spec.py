"""Architectures from what users write: YAML files and ``--layer`` words.

This is the only module that imports yaml, and only when a file is read.  Files
are parsed and composed by libyaml's safe loader (PyYAML's own when libyaml is
missing), and the node tree, which carries every line and column, is built into
mappings and lists that remember where each key and item was written, so every
mistake is reported at its line and column.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .counts import BIAS_LAYOUTS
from .errors import CnnCountError, SpecError, did_you_mean, quote, shorten
from .graph import INPUT, Architecture, Block, Call, Entry, Leaf, Path, Replay, Site, Step, Use, frozen, run
from .layers import layer_class
from .layers.base import Layer, unknown_key
from .limits import MAX_INPUTS, MAX_LAYERS, MAX_LOOKS, MAX_VALUES, big_input
from .shapes import LAYOUTS, Shape, check_shape, from_layout, parse_shape

if TYPE_CHECKING:
    from .blocks import BlockKind

TOP_KEYS = (
    "name",
    "args",
    "variants",
    "variant",
    "define",
    "input",
    "inputs",
    "input_layout",
    "bias",
    "layers",
    "outputs",
)

#: Keys every entry may have besides its kind's own.
ENTRY_KEYS = ("type", "name", "from")

#: Keys an entry whose values are computed may have too: a condition, and (any entry) repeat.
CALL_KEYS = ("when", "repeat")


# --- --layer words -------------------------------------------------------------------------


def parse_words(text: str) -> tuple[str | None, dict[str, str]]:
    """``"conv filters=32 kernel=5"`` -> ``("conv", {"filters": "32", "kernel": "5"})``.

    A stack entry without a type (``"share=c1 from=input"``) gives ``None`` as its type.
    Words are split as a POSIX shell splits them, so ``name='my conv'`` is one word.
    """
    words = split_words(text)
    kind = None if "=" in words[0] else words.pop(0)
    options: dict[str, str] = {}
    for word in words:
        key, eq, value = word.partition("=")
        if not eq or not key or not value:
            raise SpecError(f"expected key=value after the layer type, got {quote(word)}")
        if key in options:
            raise SpecError(f"{key} is given twice")
        options[key] = value
    return kind, options


def split_words(text: str) -> list[str]:
    """``--layer`` text in words, quotes and backslashes as in a shell."""
    import shlex  # only for --layer words: it imports re

    try:
        return shlex.split(text)
    except ValueError as exc:  # an unclosed quote
        raise SpecError(f"{str(exc).lower()} in {quote(text)}") from None


def from_words(
    input_shape: Shape,
    specs: list[str],
    *,
    bias: str | None = None,
    name: str | None = None,
    layout: str = "channels_first",
) -> Architecture:
    """An architecture from ``--layer`` words, one string per layer; ``input_shape`` is in ``layout``.

    ``from=a,b`` names the inputs of an entry and ``share=c1`` the layer whose
    parameters it uses, as in a file.
    """
    entries: list[Leaf | Use] = []
    for index, text in enumerate(specs, start=1):
        kind = text.split()[0] if text.split() else "?"
        try:
            if not text.split():
                raise SpecError("empty layer: expected a type such as conv, then key=value words")
            written, options = parse_words(text)
            kind = written or "share"
            sources = tuple(options.pop("from").split(",")) if "from" in options else None
            share = options.pop("share", None)
            if written is None:
                if share is None:
                    raise SpecError("expected a layer type such as conv first, or share=NAME")
                name_of = options.pop("name", None)
                if options:
                    raise SpecError(f"share=NAME takes only name= and from=, got {', '.join(options)}")
                entries.append(Use(share, name_of, None, sources))
                continue
            layer = layer_class(written).build(options, text=True)
        except CnnCountError as exc:
            raise exc.at(f"layer {index} ({shorten(kind)})") from None
        entries.append(Leaf(_override(layer, bias), None, sources, share))
    return Architecture(from_layout(input_shape, layout), tuple(entries), name, layout)


def from_options(
    kind: str, input_shapes: list[Shape], options: Mapping[str, object], layout: str = "channels_first"
) -> Architecture:
    """A one-layer architecture from a layer subcommand's options (command-line text).

    A merge reads every input given (named ``input1``, ``input2``, ...).
    """
    try:
        layer = layer_class(kind).build(options, text=True, spell=lambda key: "--" + key.replace("_", "-"))
    except CnnCountError as exc:
        raise exc.at(kind) from None
    shapes = [from_layout(shape, layout) for shape in input_shapes]
    if len(shapes) == 1:
        return Architecture(shapes[0], (Leaf(layer),), None, layout)
    names = tuple(f"input{number}" for number in range(1, len(shapes) + 1))
    return Architecture(tuple(zip(names, shapes)), (Leaf(layer, None, names),), None, layout)


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


#: YAML's tags for what a spec holds.
_TAG = "tag:yaml.org,2002:"
_MAP, _SEQ, _STR, _MERGE = _TAG + "map", _TAG + "seq", _TAG + "str", _TAG + "merge"

_LOADER: type | None = None


def _loader() -> type:
    """libyaml's safe parser and composer (PyYAML's own when libyaml is missing), with a resolver
    that keeps what it found for each plain word: a file writes ``conv`` and ``3`` hundreds of times."""
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    scalar_node = yaml.ScalarNode
    resolve = base.resolve

    class Loader(base):  # type: ignore[misc, valid-type]
        def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
            if kind is not scalar_node or not implicit[0]:
                return resolve(self, kind, value, implicit)  # type: ignore[no-any-return]
            found = self.resolved.get(value)
            if found is None:
                # What a plain word resolves to depends on nothing but the word (cnncount sets
                # no path resolvers).
                found = self.resolved[value] = resolve(self, kind, value, implicit)
            return found  # type: ignore[no-any-return]

    _LOADER = Loader
    return Loader


def _build(loader: Any, root: Any) -> Any:
    """The document a composed node tree stands for: mappings and lists that remember where they
    and their items were written (``_Map``, ``_Seq``), and the values in them as cnncount reads
    them (see _integer).  A node used again through an alias gives the same object, so an alias
    bomb costs its nodes, not its expansion, and a list may hold itself, as PyYAML's constructor
    would make it.  Built level by level without recursion (the constructor's order: the
    first error it would meet is the first found here), however deep the nesting."""
    import yaml

    scalar_node, sequence_node, mapping_node = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode
    made: dict[int, Any] = {}  # id of a collection's node -> what it was made into
    todo: list[tuple[Any, Any]] = []  # collections made, to fill: (node, value)
    source = loader.name

    def value(node: Any) -> Any:
        tag = node.tag
        if type(node) is scalar_node:
            if tag == _STR:
                return node.value
            read = _SCALARS.get(tag)
            if read is None:
                raise _refused(tag, source, node)
            return read(loader, node)
        found = made.get(id(node))
        if found is not None:
            return found
        if tag == _MAP and type(node) is mapping_node:
            data: Any = _Map()
            data.key_marks = {}
        elif tag == _SEQ and type(node) is sequence_node:
            data = _Seq()
            data.item_marks = [child.start_mark for child in node.value]
        else:
            raise _refused(tag, source, node)
        data.mark = node.start_mark
        made[id(node)] = data
        todo.append((node, data))
        return data

    def key_of(node: Any) -> Any:
        key = value(node) if type(node) is scalar_node else None
        if type(node) is not scalar_node or not isinstance(key, (str, int, float, bool)) and key is not None:
            raise SpecError("a key must be a plain word", where=_where(source, node.start_mark))
        return key

    document = value(root)
    at = 0
    while at < len(todo):
        node, data = todo[at]
        todo[at] = (None, None)  # let go of what is filled
        at += 1
        if type(data) is _Seq:
            data.extend([value(child) for child in node.value])
            continue
        _count_merged(loader, node)
        seen: set[object] = set()
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                continue
            key = key_of(key_node)
            if key in seen:
                raise SpecError(f"duplicate key {quote(key)}", where=_where(source, key_node.start_mark))
            seen.add(key)
        loader.flatten_mapping(node)  # resolves merge keys (<<: *x); explicit keys come after
        marks = data.key_marks
        for key_node, value_node in node.value:
            key = key_of(key_node)
            data[key] = value(value_node)
            marks[key] = key_node.start_mark
    return document


def _refused(tag: str, source: str, node: Any) -> SpecError:
    """Why a node is not read with its tag: an explicit tag that does not fit the node (``!!map
    [1]``, ``!!int [1]``, ``!!seq 1``), or one no spec uses (``!!binary``, ``!foo``)."""
    where = _where(source, node.start_mark)
    if tag == _MAP:
        return SpecError("!!map: expected a mapping", where=where)
    if tag == _SEQ:
        return SpecError("!!seq: expected a list", where=where)
    if tag in (_STR, _TAG + "null"):
        return SpecError(f"YAML syntax error: expected a scalar node, but found {node.id}", where=where)
    if tag in _SCALARS:
        return SpecError(f"!!{tag[len(_TAG) :]}: expected a single value", where=where)
    shown = tag.replace(_TAG, "!!")
    return SpecError(
        f"the tag {shown} is not allowed: cnncount reads plain YAML only (nothing is executed)", where=where
    )


class _Mark:
    """Where a value of a pre-parsed bundled spec was written: what a YAML mark says of it."""

    __slots__ = ("line", "column")

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column


def parsed_text(doc: Any, plain: bool) -> str:
    """A parsed spec as the JSON of its pre-parsed form: every mapping ``{"m": mark, "k": [[key,
    mark, value], ...]}`` and every list ``{"s": mark, "i": [[mark, value], ...]}``, a mark being
    ``[line, column]`` from 0; ``plain`` says the text computes nothing (see from_yaml)."""
    import json

    def encode(value: Any) -> Any:
        if isinstance(value, dict):
            marks = getattr(value, "key_marks", {})
            return {
                "m": _at(getattr(value, "mark", None)),
                "k": [[key, _at(marks.get(key)), encode(item)] for key, item in value.items()],
            }
        if isinstance(value, list):
            marks = getattr(value, "item_marks", [None] * len(value))
            return {"s": _at(getattr(value, "mark", None)), "i": [[_at(m), encode(v)] for m, v in zip(marks, value)]}
        return value

    return json.dumps({"plain": plain, "doc": encode(doc)}, separators=(",", ":")) + "\n"


def _at(mark: Any) -> list[int] | None:
    return None if mark is None else [mark.line, mark.column]


def parsed_doc(data: bytes) -> tuple[Any, bool]:
    """A spec's document from its pre-parsed form (see parsed_text): the mappings and lists YAML's
    reader would give, marks and all, without PyYAML; and whether it computes nothing."""
    import json

    def mark(at: list[int] | None) -> _Mark | None:
        return None if at is None else _Mark(at[0], at[1])

    def decode(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        if "k" in value:
            found = _Map()
            found.mark = mark(value["m"])
            found.key_marks = {}
            for key, at, item in value["k"]:
                found[key] = decode(item)
                found.key_marks[key] = mark(at)
            return found
        items = _Seq(decode(item) for _, item in value["i"])
        items.mark = mark(value["s"])
        items.item_marks = [mark(at) for at, _ in value["i"]]
        return items

    whole = json.loads(data)
    return decode(whole["doc"]), bool(whole["plain"])


def is_plain(text: str) -> bool:
    """Whether a spec's text computes nothing (no ``${``, ``when`` or ``define``): its reading can
    skip the search for what to compute."""
    return "${" not in text and "when" not in text and "define" not in text


def from_bundled(
    name: str,
    *,
    input_shape: Shape | None = None,
    bias: str | None = None,
    layout: str | None = None,
    input_shapes: list[Shape] | None = None,
    sets: Mapping[str, Any] | None = None,
) -> Architecture | None:
    """A bundled spec's architecture from its pre-parsed form, read without PyYAML (it is what
    reading its YAML gives: tests/test_sources.py holds the two to each other); None where NAME is
    no bundled spec here, or its pre-parsed form is missing."""
    from .sources import read_parsed

    found = read_parsed(name)
    if found is None:
        return None
    data, source, variant = found
    doc, plain = parsed_doc(data)
    if variant is not None:  # as read_bundled rewrites the file's variant line
        doc["variant"] = variant
    return from_dict(
        _Plain(doc) if plain else doc,
        source,
        input_shape=input_shape,
        bias=bias,
        layout=layout,
        input_shapes=input_shapes,
        sets=sets,
    )


def from_source(
    spec: str,
    *,
    passing: list[str] | None = None,
    input_shape: Shape | None = None,
    bias: str | None = None,
    layout: str | None = None,
    input_shapes: list[Shape] | None = None,
    sets: Mapping[str, Any] | None = None,
) -> Architecture:
    """The architecture SPEC names, however it is stored: a model another framework wrote (an
    ONNX file, a Keras JSON; ``passing`` as cnncount.readers takes it), a bundled spec (read
    pre-parsed), or a YAML file or ``-`` (standard input)."""
    from .readers import read_model
    from .sources import read_spec

    options: dict[str, Any] = {
        "input_shape": input_shape,
        "bias": bias,
        "layout": layout,
        "input_shapes": input_shapes,
        "sets": sets,
    }
    model = read_model(spec, passing) if spec != "-" else None
    if model is not None:
        return from_dict(model[0], model[1], **options)
    bundled = from_bundled(spec, **options)  # pre-parsed: no YAML to read
    if bundled is not None:
        return bundled
    text, source = read_spec(spec)
    return from_yaml(text, source, **options)


def _scalar(loader: Any, node: Any, tag: str) -> str:
    """The text of a scalar node; an explicit tag on a list or mapping (``!!int [1]``) is refused."""
    import yaml

    if not isinstance(node, yaml.ScalarNode):
        raise SpecError(f"!!{tag}: expected a single value", where=_where(loader.name, node.start_mark))
    return str(node.value)


def _text(loader: Any, node: Any) -> str:
    return _scalar(loader, node, "timestamp")


#: Most nodes the mappings of a file may hold once merge keys (``<<: *x``) are resolved: each
#: merge copies the keys of what it merges, so 2,000 merges of a 100,000-key mapping would
#: otherwise make 200 million.
_MAX_MERGED = 2_000_000


def _count_merged(loader: Any, node: Any) -> None:
    merged = 0
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE:  # <<: *a, or <<: [*a, *b]
            sources = value_node.value if value_node.id == "sequence" else [value_node]
            merged += sum(len(source.value) for source in sources if source.id == "mapping")
    if merged:
        loader.merged = getattr(loader, "merged", 0) + merged
        if loader.merged > _MAX_MERGED:
            raise SpecError(
                f"merge keys (<<) copy more than {_MAX_MERGED:,} keys in all; cnncount reads at most that",
                where=_where(loader.name, node.start_mark),
            )


# YAML 1.1, which PyYAML reads, and YAML 1.2 disagree on some plain scalars: 010 is 8 to
# one and 10 to the other, 1:2 the number 62 or the text "1:2", yes/on true or text.
# cnncount never picks one of two answers silently: where 1.2 reads text (1:2, yes, on)
# it reads text too, which is what the command line makes of the same word (zeropad's
# padding 1:2, pointwise=yes); numbers are read when written in plain decimal, as both
# YAMLs and the command line read them; every other way of writing a number is refused
# with what YAML 1.1 would have made of it.

#: Most digits a number in a file may have: ten times what a size may need (10**18).
_MAX_DIGITS = 200


def _integer(loader: Any, node: Any) -> int | str:
    text = _scalar(loader, node, "int")
    if ":" in text:  # base 60 to YAML 1.1: the text it is to YAML 1.2 and on the command line
        return text
    digits = text.lstrip("+-")
    if not digits.replace("_", "").isalnum() or not digits.isascii() or text[1:].count("-") + text[1:].count("+"):
        raise SpecError(f"!!int: {quote(text)} is not a number", where=_where(loader.name, node.start_mark))
    if len(text) > _MAX_DIGITS:
        raise SpecError(
            f"a number written with {len(digits):,} digits; cnncount reads sizes up to 10**18",
            where=_where(loader.name, node.start_mark),
        )
    if digits.isdigit() and (digits == "0" or not digits.startswith("0")):
        return int(text)
    # 010 (octal to YAML 1.1), 0x1f, 0b101, 1_000: written in decimal, the number means one thing
    sign = -1 if text.startswith("-") else 1
    body = digits.replace("_", "")
    base, what = {"0x": (16, "the hexadecimal number"), "0b": (2, "the binary number")}.get(body[:2], (0, ""))
    try:
        if base:
            value = sign * int(body[2:], base)
        elif body[:1] == "0":
            value, base, what = sign * int(body, 8), 8, "the octal number"
        else:
            value = sign * int(body)
    except ValueError:  # 0b_, 0x_
        raise SpecError(
            f"{text} is not a number cnncount reads: write it in plain decimal",
            where=_where(loader.name, node.start_mark),
        ) from None
    if base == 8 and "_" in digits:
        what = f"the octal number {value} to YAML 1.1 and text to YAML 1.2"
    elif base == 8:
        what = f"the octal number {value} to YAML 1.1 and {sign * int(body)} to YAML 1.2"
    elif base:
        what = f"{what} {value}"
    else:
        what = f"{value} to YAML 1.1 and text to YAML 1.2"
    fix = (
        f"write {value}"
        if base != 8 or "_" in digits or value == sign * int(body)
        else f"write {value} or {sign * int(body)}"
    )
    raise SpecError(
        f"{text} is {what}: {fix} (plain decimal), or '{text}' in quotes for text",
        where=_where(loader.name, node.start_mark),
    )


def _float(loader: Any, node: Any) -> float | str:
    text = _scalar(loader, node, "float")
    if ":" in text:  # base 60, as for integers
        return text
    if "_" in text:
        raise SpecError(
            f"{text} is a number to YAML 1.1 and text to YAML 1.2: write it without the _",
            where=_where(loader.name, node.start_mark),
        )
    try:
        return float(loader.construct_yaml_float(node))
    except ValueError:  # !!float abc
        raise SpecError(f"!!float: {quote(text)} is not a number", where=_where(loader.name, node.start_mark)) from None


def _boolean(loader: Any, node: Any) -> bool | str:
    # true and false are booleans to every YAML; yes, no, on and off only to YAML 1.1: text here,
    # which a true/false option reads as the command line does (pointwise: yes).
    text = _scalar(loader, node, "bool")
    word = text.lower()
    return word == "true" if word in ("true", "false") else text


def _null(loader: Any, node: Any) -> None:
    return None


#: How each scalar tag other than !!str is read (the tags YAML's safe loader knows and a spec
#: may use; every other one is refused).
_SCALARS = {
    _TAG + "int": _integer,
    _TAG + "float": _float,
    _TAG + "bool": _boolean,
    _TAG + "null": _null,
    _TAG + "timestamp": _text,  # no timestamps in YAML 1.2's core: the text as written
}


def _where(source: str, mark: Any) -> str:
    return f"{source}:{mark.line + 1}:{mark.column + 1}"


def load_yaml(text: str, source: str) -> Any:
    """Parse one YAML document, mapping syntax errors to ``source:line:col: problem``."""
    import yaml

    loader = _loader()(text)
    loader.name = source
    loader.resolved = {}
    try:
        with big_input():
            root = loader.get_single_node()
            return None if root is None else _build(loader, root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _where(source, mark) if mark else source
        problem = exc.problem or exc.context or "malformed YAML"
        if exc.context and exc.context.startswith("found duplicate anchor") and exc.context_mark is not None:
            first = exc.context_mark
            anchor = _anchor_at(text, mark.line, mark.column)
            raise SpecError(
                f"the anchor &{shorten(anchor)} is defined twice (first at line {first.line + 1}, "
                f"column {first.column + 1}); give each anchor its own name",
                where=where,
            ) from None
        if "maximum nesting depth" in problem:
            problem += " (libyaml reads 1,000 nested collections; a block takes two)"
        raise SpecError(f"YAML syntax error: {problem}", where=where) from None
    except yaml.reader.ReaderError as exc:
        # Raised before parsing, with a position that libyaml counts in bytes: the
        # character is found again in the text, and its line and column counted there.
        index = _first_not_allowed(text)
        if index is None:
            raise SpecError(f"YAML error: {' '.join(str(exc).split())}", where=source) from None
        line, column = _line_col(text, index)
        raise SpecError(
            f"the character U+{ord(text[index]):04X} is not allowed in YAML", where=f"{source}:{line}:{column}"
        ) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"YAML error: {' '.join(str(exc).split())}", where=source) from None
    except RecursionError:  # the pure-Python loader, without libyaml, recurses per level
        raise SpecError("the YAML is nested too deeply to read", where=source) from None
    finally:
        loader.dispose()


def _anchor_at(text: str, line: int, column: int) -> str:
    """The name of the anchor written at a position (libyaml's message does not give it)."""
    lines = text.splitlines()
    text_line = lines[line] if line < len(lines) else ""
    at = text_line.find("&", column)  # after a tag, if one comes first (!!str &a 2)
    written = text_line[at:] if at >= 0 else ""
    name = written[1:].split()[0] if written[1:].split() else "?"
    return name.rstrip(",]}")


#: The line breaks of YAML 1.1, which libyaml counts lines by.
LINE_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")


def count_lines(text: str) -> int:
    """How many line breaks YAML sees in ``text`` (\\r\\n is one; a lone \\r, NEL, LS and PS are breaks too)."""
    return sum(text.count(brk) for brk in LINE_BREAKS) - text.count("\r\n")


def count_values(text: str) -> int:
    """An upper bound, give or take one, of the values YAML would build from ``text``: each
    starts at a line, after a comma, a colon, a bracket, a key mark (?) or a list dash."""
    marks = sum(text.count(mark) for mark in (",", ":", "{", "[", "?", "- ", "-\t"))
    return count_lines(text) + marks


def _line_col(text: str, index: int) -> tuple[int, int]:
    """The line and column (from 1) of ``text[index]``, counted as YAML counts them."""
    before = text[:index]
    start = max(before.rfind(brk) for brk in LINE_BREAKS) + 1
    return count_lines(before) + 1, index - start + 1


def _first_not_allowed(text: str) -> int | None:
    """Where the first character YAML does not allow in a file is (a control character, a surrogate)."""
    import re  # only on this error path

    found = re.search("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", text)
    return found.start() if found else None


def from_yaml(
    text: str,
    source: str,
    *,
    input_shape: Shape | None = None,
    bias: str | None = None,
    layout: str | None = None,
    input_shapes: list[Shape] | None = None,
    sets: Mapping[str, Any] | None = None,
) -> Architecture:
    """An architecture from the text of a YAML file.

    ``input_shape`` replaces the file's input (``input_shapes`` its inputs, in
    order, for a file with several); ``bias`` replaces every layer's bias layout;
    ``layout`` the file's ``input_layout`` (the shapes given are written in the
    layout in force); ``sets`` the values of some of the file's ``args``.
    """
    # Refused before the (costly) parse rather than after: what parsing costs grows with
    # the values written, and every one starts after one of the marks counted here.
    doc = load_spec(text, source)
    if is_plain(text):  # nothing is computed: skip the search
        doc = _Plain(doc)
    return from_dict(
        doc, source, input_shape=input_shape, bias=bias, layout=layout, input_shapes=input_shapes, sets=sets
    )


class _Plain:
    """A parsed document known to compute nothing (its text has no ``${``, ``when`` or ``define``)."""

    __slots__ = ("doc",)

    def __init__(self, doc: Any) -> None:
        self.doc = doc


def load_spec(text: str, source: str) -> Any:
    """The parsed document of a spec's YAML text, bounded as :func:`from_yaml` bounds it: to read
    once and count many times (a sweep) with :func:`from_dict`."""
    values = count_values(text)
    if values > MAX_VALUES:
        raise SpecError(
            f"the file writes about {values:,} values (its lines, commas, colons, brackets and list dashes); "
            f"cnncount reads at most {MAX_VALUES:,}",
            where=source,
        )
    return load_yaml(text, source)


def from_dict(
    doc: Any,
    source: str = "<dict>",
    *,
    input_shape: Shape | None = None,
    bias: str | None = None,
    layout: str | None = None,
    input_shapes: list[Shape] | None = None,
    sets: Mapping[str, Any] | None = None,
    memo: Memo | None = None,
) -> Architecture:
    """An architecture from a parsed spec (a dict as YAML would give); ``source`` names it in errors.

    ``memo`` keeps what reading computed entries found, for the next read of the same ``doc``
    (a sweep's variants share it)."""
    if input_shape is not None:
        input_shapes = [input_shape]
    with big_input():
        reader = _Reader(source, bias, sets, memo)
        arch = reader.read(doc, input_shapes, layout)
        if memo is not None:
            arch.results = memo.results
            arch.replay = memo.replays.setdefault((reader.default, reader.override), Replay())
        return arch


class Memo:
    """What reading one parsed spec again and again (a sweep) need not work out again: the
    layers its computed entries came to (by the entry, the values its expressions read and
    what it reads), the names each entry's expressions read, and the layers' results."""

    __slots__ = ("leaves", "reads", "results", "doc", "replays", "templates", "computed")

    def __init__(self, doc: Any) -> None:
        #: The document the ids below are of: kept alive, so that they stay its.
        self.doc = doc
        self.leaves: dict[tuple[Any, ...], Leaf] = {}
        self.reads: dict[int, tuple[str, ...] | None] = {}
        self.results: dict[Any, Any] = {}
        #: The previous variant's expansion, by the file-wide bias it was read with (the entries
        #: without expressions depend on it).
        self.replays: dict[tuple[str, str | None], Replay] = {}
        #: The file's templates and the ids of its computed containers, found by the first read.
        self.templates: dict[str, Any] = {}
        self.computed: set[int] | None = None

    #: Layers and layer results kept at most: a sweep whose every variant has other layers (a width)
    #: would otherwise keep them all; past this, they are dropped and found again.
    MOST = 10_000

    def trim(self) -> None:
        """Keep the memory of a long sweep flat (see MOST)."""
        if len(self.leaves) > self.MOST:
            self.leaves.clear()
        if len(self.results) > self.MOST:
            self.results.clear()


def sweep(
    doc: Any, source: str, sets: Mapping[str, Sequence[Any]], **options: Any
) -> Iterator[tuple[dict[str, Any], Architecture]]:
    """Each combination of ``sets`` (argument -> its values) with the architecture it makes of a
    parsed spec (read once), one after another: a sweep holds one variant at a time.  An error
    says which combination it is about."""
    from .template import combinations, for_combination

    memo = Memo(doc)
    for combination in combinations(sets):
        memo.trim()
        try:
            arch = from_dict(doc, source, sets=combination, memo=memo, **options)
        except CnnCountError as exc:
            raise for_combination(exc, combination) from None
        yield combination, arch


def declared_args(doc: Any) -> dict[str, Any]:
    """The arguments a parsed spec declares, with their defaults as written (``{}`` for none)."""
    args = doc.get("args") if isinstance(doc, dict) else None
    return dict(args) if isinstance(args, dict) else {}


class _Reader:
    def __init__(
        self, source: str, bias: str | None, sets: Mapping[str, Any] | None = None, memo: Memo | None = None
    ) -> None:
        self.source = source
        self.memo = memo
        self.override = bias
        self.default = "tied"
        #: The values --set gives some of the file's arguments.
        self.sets = dict(sets or {})
        #: The file's arguments (args), with their values: what every expression may read.
        self.env: dict[str, Any] = {}
        #: The variant of a family file counted, when one is: it names the architecture.
        self.variant: str | None = None
        #: The templates the file defines: name -> its mapping.
        self.templates: dict[str, Any] = {}
        #: The ids of the lists and mappings whose values are computed where they are expanded.
        self.computed: set[int] = set()
        #: Entries already read, by the id of their YAML mapping: an alias used many
        #: times is read once, so an alias bomb costs what its text costs.
        self.read_entries: dict[int, Entry | Block] = {}
        #: The mappings being read right now, from the top down to here.
        self.reading: set[int] = set()
        #: Entries and names looked at, an aliased list each time it is used: a list of
        #: 10,000 used by 20,000 blocks is 200 million looks, from a file of 1 MB.
        self.looked = 0
        from .blocks import BLOCKS  # only files have blocks: kept off the command line's start-up

        self.blocks = BLOCKS

    def at(self, value: Any, key: object = None) -> str:
        """``file:line:col`` of a key in a mapping, or of the value itself."""
        marks = getattr(value, "key_marks", None)
        if marks is not None and key in marks:
            return _where(self.source, marks[key])
        mark = getattr(value, "mark", None)
        return _where(self.source, mark) if mark is not None else self.source

    def read(self, doc: Any, input_shapes: list[Shape] | None, layout: str | None) -> Architecture:
        plain = isinstance(doc, _Plain)
        if plain:
            doc = doc.doc
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
        self.arguments(doc)
        memo = self.memo
        if memo is not None and memo.computed is not None:  # the same file again: its templates too
            self.templates, self.computed = memo.templates, memo.computed
        else:
            if "define" in doc:
                self.define(doc["define"], self.at(doc, "define"))
            if not plain:
                from .template import computed

                roots = [doc.get("layers"), *(t.get("layers") for t in self.templates.values())]
                roots += [value for t in self.templates.values() for key, value in t.items() if key != "args"]
                self.computed = computed([root for root in roots if root is not None], self.templates)
            if memo is not None:
                memo.templates, memo.computed = self.templates, self.computed
        if not plain:
            doc = self.top_values(doc)
        name = self.variant or doc.get("name")
        if name is None and not self.source.startswith("<"):
            # A file without a name is known by its file's (pathlib would cost start-up time).
            name = os.path.splitext(os.path.basename(self.source))[0]
        if name is not None and not isinstance(name, str):
            raise SpecError(f"name: expected text, got {_kind_of(name)}", where=self.at(doc, "name"))
        if "bias" in doc:
            if doc["bias"] not in BIAS_LAYOUTS:
                raise SpecError(
                    f"bias: expected one of {', '.join(BIAS_LAYOUTS)}, got {quote(doc['bias'])}",
                    where=self.at(doc, "bias"),
                )
            self.default = doc["bias"]
        if "input_layout" in doc and doc["input_layout"] not in LAYOUTS:
            raise SpecError(
                f"input_layout: expected one of {', '.join(LAYOUTS)}, got {quote(doc['input_layout'])}",
                where=self.at(doc, "input_layout"),
            )
        # The file's input is written in the file's layout; --layout says how an
        # --input given with it is written, and how shapes are shown.
        file_layout = doc.get("input_layout", "channels_first")
        layout = layout or file_layout
        inputs = self.inputs(doc, file_layout)
        if input_shapes is not None:
            if len(input_shapes) != len(inputs):
                raise SpecError(
                    f"the file has {len(inputs)} inputs ({', '.join(n for n, _ in inputs)}) and "
                    f"{len(input_shapes)} input shape{'s were' if len(input_shapes) > 1 else ' was'} given: "
                    "give one per input, in that order",
                    where=self.source,
                )
            inputs = tuple((n, from_layout(shape, layout)) for (n, _), shape in zip(inputs, input_shapes))
        if "layers" not in doc:
            raise SpecError("missing layers: give the list of layers", where=self.at(doc))
        where = self.at(doc, "layers")
        entries = run(self.sequence(doc["layers"], where, Path(None, "layers"), allow_empty=False))
        outputs = self.outputs(doc) if "outputs" in doc else None
        try:
            return Architecture(inputs, entries, name, layout, outputs, self.at(doc, "outputs"), self.env)
        except SpecError as exc:
            raise exc.at(self.source) from None

    # --- arguments and templates

    def arguments(self, doc: Mapping[str, Any]) -> None:
        """The file's ``args``, each a default that --set may replace; a default may be computed
        from the arguments before it (``channels: ${make_divisible(32 * width, 8)}``)."""
        declared = doc.get("args")
        family = "variants" in doc or "variant" in doc
        if declared is None and not self.sets and not family:  # most specs: nothing to import or read
            return
        from .template import check_sets, substitute

        if declared is None:
            declared = {}
        if not isinstance(declared, dict):
            raise SpecError(
                f"args: expected a mapping of names to default values, e.g. {{width: 1.0}}, got {_kind_of(declared)}",
                where=self.at(doc, "args"),
            )
        sets = dict(self.sets)
        preset: Mapping[Any, Any] = {}
        if family:
            preset = self.variant_of(doc, declared, sets.pop("variant", None))
            if any(key in sets for key in preset):
                self.variant = None  # --set one of the variant's own arguments: the file's name it is
        check_sets(sets, [str(k) for k in declared] + (["variant"] if family else []), self.source)
        self.look(len(declared), self.at(doc, "args"))
        for key, default in declared.items():
            where = self.at(declared, key)
            self.check_arg_name(key, where, "args")
            if key in sets:
                self.env[key] = sets[key]
                continue
            if key in preset:
                default, where = preset[key], self.at(preset, key)
            if default is None:
                raise SpecError(f"args: {key} has no default value (~): give one", where=where)
            try:
                value = substitute(default, self.env, f"args: {key}", self.count_looks(where))
            except SpecError as exc:
                raise exc.at(where) from None
            if not _is_arg_value(value):
                raise SpecError(
                    f"args: {key}: expected a number, text, true, false or a list of them, got {_kind_of(value)}",
                    where=where,
                )
            self.env[key] = value

    def variant_of(self, doc: Mapping[str, Any], declared: Mapping[Any, Any], given: Any) -> Mapping[Any, Any]:
        """The argument values of the variant chosen (by --set variant=, or the file's ``variant``),
        ``{}`` for none; a family file's ``variants`` name sets of its arguments."""
        variants = doc.get("variants")
        if variants is None:
            raise SpecError(
                "variant: the file has no variants: to choose from (variants: {name: {argument: value}})",
                where=self.at(doc, "variant"),
            )
        where = self.at(doc, "variants")
        if not isinstance(variants, dict) or not variants:
            raise SpecError(
                f"variants: expected a mapping of names to argument values, e.g. {{small: {{width: 0.5}}}}, "
                f"got {_kind_of(variants)}",
                where=where,
            )
        self.look(len(variants), where)
        for name, values in variants.items():
            at = self.at(variants, name)
            if not isinstance(name, str) or not name or not name.isprintable() or len(name) > 100:
                raise SpecError(f"variants: {quote(name)} cannot name a variant (a word)", where=at)
            if not isinstance(values, dict):
                raise SpecError(
                    f"variants: {name}: expected a mapping of arguments to values, got {_kind_of(values)}", where=at
                )
            for key in values:
                if key not in declared:
                    hint = did_you_mean(str(key), [str(k) for k in declared]) or (
                        f" (its arguments: {', '.join(map(str, declared))})" if declared else " (it declares none)"
                    )
                    raise SpecError(
                        f"variants: {name}: the file has no argument {quote(key)}{hint}", where=self.at(values, key)
                    )
        if given is not None:
            chosen, at = given, "--set variant"
        elif "variant" in doc:
            chosen, at = doc["variant"], "variant"
        else:
            return {}
        if not isinstance(chosen, str) or chosen not in variants:
            names = [str(n) for n in variants]
            hint = did_you_mean(str(chosen), names) or f" (its variants: {', '.join(names)})"
            where = self.at(doc, "variant") if at == "variant" else self.source
            raise SpecError(f"{at}: the file has no variant {quote(chosen)}{hint}", where=where)
        self.variant = chosen
        return variants[chosen]

    def check_arg_name(self, key: object, where: str, what: str) -> None:
        from .expr import FUNCTIONS
        from .graph import LATE
        from .template import is_name

        if not is_name(key):
            raise SpecError(
                f"{what}: {quote(key)} cannot name an argument (a word of ASCII letters, digits and _, "
                "as expressions write names)",
                where=where,
            )
        if key in LATE or key in FUNCTIONS:
            what_it_is = "a function" if key in FUNCTIONS else "a name every entry has"
            raise SpecError(f"{what}: {key} is {what_it_is}; call the argument something else", where=where)

    def count_looks(self, where: str) -> Any:
        return lambda count: self.look(count, where)

    def define(self, raw: Any, where: str) -> None:
        """The file's templates: named blocks with arguments, used by name as a ``type``."""
        from .layers import REGISTRY
        from .template import ARGS

        if not isinstance(raw, dict):
            raise SpecError(
                f"define: expected a mapping of template names to templates, got {_kind_of(raw)}", where=where
            )
        self.look(len(raw), where)
        for name, template in raw.items():
            at = self.at(raw, name)
            if not isinstance(name, str) or not name or not name.isprintable() or len(name) > 100:
                raise SpecError(f"define: {quote(name)} cannot name a template (a word)", where=at)
            if name in REGISTRY or name in self.blocks:
                what = "a layer type" if name in REGISTRY else "a block type"
                raise SpecError(f"define: {name} is {what}; call the template something else", where=at)
            if not isinstance(template, dict):
                raise SpecError(
                    f"define: {name}: expected a mapping such as {{args: {{filters: ~}}, layers: [...]}}, "
                    f"got {_kind_of(template)}",
                    where=at,
                )
            args = template.get(ARGS, {})
            if args is None:
                args = {}
            if not isinstance(args, dict):
                raise SpecError(
                    f"{name}: args: expected a mapping of names to defaults (~ for none), got {_kind_of(args)}",
                    where=self.at(template, ARGS),
                )
            for key in args:
                self.check_arg_name(key, self.at(args, key), f"{name}: args")
            self.templates[name] = template
        self.check_cycles()

    def check_cycles(self) -> None:
        """Refuse a template that uses itself, directly or through others (written as its type)."""
        uses: dict[str, list[tuple[str, Any, Any]]] = {}
        for name, template in self.templates.items():
            found = uses[name] = []
            stack = [value for key, value in template.items() if key != "args"]
            seen: set[int] = set()
            while stack:
                node = stack.pop()
                if not isinstance(node, (dict, list)) or id(node) in seen:
                    continue
                seen.add(id(node))
                if isinstance(node, dict):
                    kind = node.get("type")
                    if isinstance(kind, str) and kind in self.templates:
                        found.append((kind, node, "type"))
                    stack.extend(node.values())
                else:
                    stack.extend(node)
        for start in self.templates:  # a depth-first search from each, with its own stack
            trail = [start]
            todo = [iter(uses[start])]
            while todo:
                step = next(todo[-1], None)
                if step is None:
                    todo.pop()
                    trail.pop()
                    continue
                used, node, key = step
                if used in trail:
                    cycle = " -> ".join([*trail[trail.index(used) :], used])
                    raise SpecError(
                        f"template {used} uses itself ({cycle}): a template cannot contain itself",
                        where=self.at(node, key),
                    )
                if len(trail) < 10_000:
                    trail.append(used)
                    todo.append(iter(uses[used]))

    def top_values(self, doc: Mapping[Any, Any]) -> Any:
        """The file's own values (its name, input, ...) with their expressions computed."""
        from .template import substitute

        out = _Map()
        out.mark = getattr(doc, "mark", None)
        out.key_marks = getattr(doc, "key_marks", {})
        for key, value in doc.items():
            if key in ("layers", "args", "define") or not _has_expression(value):
                out[key] = value
                continue
            try:
                out[key] = substitute(value, self.env, str(key), self.count_looks(self.at(doc, key)))
            except SpecError as exc:
                raise exc.at(self.at(doc, key)) from None
        if not isinstance(doc, _Map):  # a dict given in Python: no marks
            out.mark = None
        return out

    def inputs(self, doc: Mapping[str, Any], layout: str) -> tuple[tuple[str, Shape], ...]:
        """The file's inputs: ``input`` (one, named input) or ``inputs`` (a mapping of names to shapes)."""
        if "input" in doc and "inputs" in doc:
            raise SpecError("give input (one) or inputs (several, by name), not both", where=self.at(doc, "inputs"))
        if "inputs" in doc:
            named = doc["inputs"]
            if not isinstance(named, dict) or not named:
                raise SpecError(
                    f"inputs: expected a mapping of names to shapes, e.g. {{left: [1, 105, 105]}}, got {_kind_of(named)}",
                    where=self.at(doc, "inputs"),
                )
            out = []
            for key in named:
                if not isinstance(key, str) or not key:
                    raise SpecError(f"inputs: a name must be a word, got {quote(key)}", where=self.at(named, key))
                out.append((key, from_layout(self.shape(named, key), layout)))
            return tuple(out)
        if "input" not in doc:
            raise SpecError("missing input: give the per-sample shape, e.g. input: [3, 224, 224]", where=self.at(doc))
        return ((INPUT, from_layout(self.shape(doc, "input"), layout)),)

    def outputs(self, doc: Mapping[str, Any]) -> tuple[str, ...]:
        names = self.names(doc["outputs"], "outputs", self.at(doc, "outputs"))
        if not names:
            raise SpecError(
                "outputs: expected the names of one or more layers or blocks", where=self.at(doc, "outputs")
            )
        return names

    def look(self, count: int, where: str) -> None:
        """Count what reading an entry's list costs; refuse a file whose aliases make that too much."""
        self.looked += count
        if self.looked > MAX_LOOKS:
            raise SpecError(
                f"the file's aliases make more than {MAX_LOOKS:,} entries and names to read "
                "(a big list used again and again); cnncount reads at most that",
                where=where,
            )

    def names(self, value: Any, key: str, where: str | None = None) -> tuple[str, ...]:
        """Names written as one word or a list of words (``from``, ``outputs``)."""
        items = value if isinstance(value, (list, tuple)) else [value]
        if len(items) > MAX_INPUTS:
            raise SpecError(f"{key}: {len(items):,} names; at most {MAX_INPUTS:,}", where=where or self.source)
        self.look(len(items), where or self.source)
        out = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, (str, int)) or item == "":
                raise SpecError(
                    f"{key}: expected the name of an earlier layer or block, or a list of them, got {_kind_of(item)}",
                    where=where or self.source,
                )
            out.append(str(item))
        return tuple(out)

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

    # --- entries, read by steps that graph.run drives (no recursion, however deep)

    def sequence(
        self, items: Any, at: str, path: Path, *, allow_empty: bool, env: dict[str, Any] | None = None
    ) -> Step:
        """The entries of a list of layers; ``at`` locates the list, ``path`` names it.

        A layer is read at once; a block (or anything else) is a step of its own, so that
        blocks nest without recursion and layers, the bulk of a file, cost no generator.
        """
        if not isinstance(items, (list, tuple)):
            raise SpecError(f"expected a list of layers, got {_kind_of(items)}", where=f"{at}: {path}")
        if not items and not allow_empty:
            raise SpecError("the list of layers is empty", where=f"{at}: {path}")
        self.look(len(items), f"{at}: {path}")
        marks = getattr(items, "item_marks", None)  # a plain list (from a dict) has none
        read = self.read_entries
        blocks = self.blocks
        computed = self.computed
        out: list[Entry | Block] = []
        for number, item in enumerate(items):
            if computed and id(item) in computed:  # read where it is expanded, each time
                out.append(self.call(item, _where(self.source, marks[number]) if marks else at, path, env))
                continue
            done = read.get(id(item))
            if done is None:
                here = Path(path, f"[{number}]")
                kind = item.get("type") if isinstance(item, dict) else None
                if isinstance(kind, str) and kind not in blocks:
                    done = read[id(item)] = self.leaf(item, kind, here)
                else:
                    where = _where(self.source, marks[number]) if marks else at
                    done = yield self.entry(item, where, here)
            out.append(done)
        return tuple(out)

    def entry(self, raw: Any, at: str, path: Path) -> Step:
        """A layer, block or use from one list item; ``at`` locates the item."""
        done = self.read_entries.get(id(raw))
        if done is not None:
            return done
        if id(raw) in self.reading:  # an alias of a block inside that same block
            raise SpecError("this block contains itself (through a YAML alias)", where=f"{self.at(raw)}: {path}")
        self.reading.add(id(raw))
        entry = yield self.new_entry(raw, at, path)
        self.reading.discard(id(raw))
        self.read_entries[id(raw)] = entry
        return entry

    def new_entry(self, raw: Any, at: str, path: Path) -> Step:
        if not isinstance(raw, dict):
            raise SpecError(
                f"expected a mapping such as {{type: conv, ...}}, got {_kind_of(raw)}", where=f"{at}: {path}"
            )
        if "type" not in raw:
            if "share" in raw:
                return self.use(raw, path)
            raise SpecError("missing type (conv, dense, residual, ...)", where=f"{self.at(raw)}: {path}")
        kind = raw["type"]
        if not isinstance(kind, str):
            raise SpecError(
                f"type must be a word such as conv or dense, got {quote(kind)}",
                where=f"{self.at(raw, 'type')}: {path}",
            )
        from .blocks import written_as_block

        if written_as_block(kind, raw):  # concat is a block (with branches) and a layer (a merge, with from)
            return (yield self.block(raw, self.blocks[kind], path))
        return self.leaf(raw, kind, path)

    def leaf(self, raw: Mapping[str, Any], kind: str, path: Path) -> Leaf:
        BLOCKS = self.blocks  # noqa: N806 - the table's name
        options = {k: v for k, v in raw.items() if k not in ("type", "from", "share")}
        try:
            cls = layer_class(kind, also=tuple(BLOCKS))
            if "bias" not in options and cls.takes("bias") and cls.params_of("bias").default == "tied":
                options["bias"] = self.default
            layer = cls.build(options)
        except SpecError as exc:
            if exc.key is not None and exc.key not in raw and kind in BLOCKS:  # concat: say the block's keys too
                exc.message += f"; a {kind} block takes {', '.join(p.key for p in BLOCKS[kind].parts)}"
            raise exc.at(f"{self.at(raw, exc.key)}: {path} ({shorten(kind)})") from None
        if self.override is not None and layer.has_bias:
            layer = _override(layer, self.override)
        sources = self.names(raw["from"], "from", f"{self.at(raw, 'from')}: {path} ({kind})") if "from" in raw else None
        share = self.one_name(raw, f"{self.at(raw, 'share')}: {path} ({kind})") if "share" in raw else None
        return Leaf(layer, self.at(raw), sources, share)

    def use(self, raw: Mapping[str, Any], path: Path) -> Use:
        for key in raw:
            if key not in ("share", "name", "from"):
                raise SpecError(
                    unknown_key(key, ["share", "name", "from", "type"], "an entry without a type"),
                    where=f"{self.at(raw, key)}: {path} (share)",
                )
        target = self.one_name(raw, f"{self.at(raw, 'share')}: {path} (share)")
        name = self.name(raw, Site(None, path, "share"))
        sources = self.names(raw["from"], "from", f"{self.at(raw, 'from')}: {path} (share)") if "from" in raw else None
        return Use(target, name, self.at(raw), sources)

    def one_name(self, raw: Mapping[str, Any], where: str) -> str:
        """The one name ``share`` gives."""
        value = raw["share"]
        if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
            raise SpecError(
                f"share: expected the name of one earlier layer or block, got {_kind_of(value)}", where=where
            )
        return str(value)

    def name(self, raw: Mapping[str, Any], where: object) -> str | None:
        """A block's or a use's name; ``where`` names the entry in a message."""
        name = raw.get("name")
        if name is None:
            return None
        if not isinstance(name, (str, int)) or isinstance(name, bool) or name == "":
            raise SpecError(f"name: expected a word, got {_kind_of(name)}", where=f"{self.at(raw, 'name')}: {where}")
        return str(name)

    def block(self, raw: Mapping[str, Any], kind: BlockKind, path: Path, env: dict[str, Any] | None = None) -> Step:
        parts_keys = tuple(p.key for p in kind.parts)
        allowed = (*ENTRY_KEYS, "repeat", *parts_keys, *(p.name for p in kind.options))
        where = Site(None, path, kind.kind)
        for k in raw:
            if k not in allowed:
                raise SpecError(unknown_key(k, list(allowed[1:]), kind.kind), where=f"{self.at(raw, k)}: {where}")
        name = self.name(raw, where)
        repeat = raw.get("repeat", 1)
        if not isinstance(repeat, int) or isinstance(repeat, bool) or repeat < 1:
            raise SpecError(
                f"repeat: expected an integer >= 1, got {quote(repeat)}", where=f"{self.at(raw, 'repeat')}: {where}"
            )
        sources = self.names(raw["from"], "from", f"{self.at(raw, 'from')}: {where}") if "from" in raw else None
        parts: list[tuple[str, tuple[Entry | Block, ...]]] = []
        for part in kind.parts:
            if part.key not in raw:
                if part.required:
                    what = ": a list of layer lists" if part.many else ""
                    raise SpecError(f"missing {part.key}{what}", where=f"{self.at(raw)}: {where}")
                parts.append((part.key, ()))
                continue
            value = raw[part.key]
            at = self.at(raw, part.key)
            if not part.many:
                entries = yield self.sequence(value, at, Path(path, f".{part.key}"), allow_empty=part.empty, env=env)
                parts.append((part.key, entries))
                continue
            if not isinstance(value, (list, tuple)) or not value:
                raise SpecError(f"{part.key}: expected a non-empty list of layer lists", where=f"{at}: {where}")
            self.look(len(value), f"{at}: {where}")
            for number, branch in enumerate(value):
                label = f"{part.key}[{number}]"
                branch_at = self.at(branch) if hasattr(branch, "mark") else at
                entries = yield self.sequence(
                    branch, branch_at, Path(path, f".{label}"), allow_empty=part.empty, env=env
                )
                parts.append((label, entries))
        options = {p.name: raw[p.name] for p in kind.options if p.name in raw}
        try:
            return Block(kind.kind, tuple(parts), name, repeat, self.at(raw), sources, options)
        except SpecError as exc:
            raise exc.at(f"{self.at(raw, exc.key)}: {where}") from None

    # --- entries whose values are computed: read by the graph builder where they are expanded

    def call(self, raw: Any, at: str, path: Path, env: dict[str, Any] | None) -> Call:
        if not isinstance(raw, dict):
            raise SpecError(
                f"expected a mapping such as {{type: conv, ...}}, got {_kind_of(raw)}", where=f"{at}: {path}"
            )
        kind = raw.get("type")
        label = kind if isinstance(kind, str) and "${" not in kind else "entry"
        name = raw.get("name")
        written = name if isinstance(name, str) and "${" not in name else None
        return Call(self, raw, self.env if env is None else env, written, self.at(raw), shorten(label))

    def compute(self, raw: Mapping[str, Any], key: str, names: Mapping[str, Any], path: Path, label: str) -> Any:
        """The value of ``raw[key]``, computed from ``names``."""
        from .template import substitute

        value = raw[key]
        if isinstance(value, str):  # most values: no list to count, and where it is only for an error
            looks = None
        else:
            looks = self.count_looks(self.at(raw, key))
        try:
            return substitute(value, names, key, looks)
        except SpecError as exc:
            raise exc.at(f"{self.at(raw, key)}: {path} ({label})") from None

    def sources(self, call: Call, names: Mapping[str, Any]) -> tuple[str, ...] | None:
        """The names a computed entry reads (``from``), None for the entry before."""
        raw = call.raw
        if "from" not in raw:
            return None
        value = self.compute(raw, "from", names, Path(None, "?"), call.label)
        return self.names(value, "from", f"{self.at(raw, 'from')}: ({call.label})")

    def repeat(self, call: Call, names: Mapping[str, Any]) -> int:
        """How many times a computed entry is read, one after another."""
        raw = call.raw
        if "repeat" not in raw:
            return 1
        value = self.compute(raw, "repeat", names, Path(None, "?"), call.label)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_LAYERS:
            raise SpecError(
                f"repeat: expected an integer from 1 to {MAX_LAYERS:,}, got {quote(value)}",
                where=f"{self.at(raw, 'repeat')}: ({call.label})",
            )
        return value

    def read_call(self, call: Call, names: Any, path: Path, sources: tuple[str, ...] | None) -> Step:
        """What a computed entry is, on its input: a Leaf, Use or Block, or None when its condition drops it."""
        raw = call.raw
        self.look(1, call.loc or self.source)
        if "when" in raw:
            keep = self.compute(raw, "when", names, path, call.label)
            if not isinstance(keep, bool):
                raise SpecError(
                    f"when: expected true or false, got {quote(keep)}",
                    where=f"{self.at(raw, 'when')}: {path} ({call.label})",
                )
            if not keep:
                return None
        if "type" not in raw:
            if "share" not in raw:
                raise SpecError("missing type (conv, dense, residual, ...)", where=f"{self.at(raw)}: {path}")
            data = self.computed_keys(raw, (), names, path, "share", sources)
            return self.use(data, path)
        kind = self.compute(raw, "type", names, path, call.label)
        if not isinstance(kind, str):
            raise SpecError(
                f"type must be a word such as conv or dense, got {quote(kind)}",
                where=f"{self.at(raw, 'type')}: {path}",
            )
        if kind in self.templates:
            return (yield self.instantiate(call, kind, names, path, sources))
        from .blocks import written_as_block

        if not written_as_block(kind, raw):
            if "repeat" in raw:
                raise SpecError(
                    "repeat: a layer does not repeat: put it in a block (type: block, layers: [...]) with repeat",
                    where=f"{self.at(raw, 'repeat')}: {path} ({shorten(kind)})",
                )
            key = self.leaf_key(call, names, sources) if self.memo is not None else None
            if key is not None:
                done = self.memo.leaves.get(key)  # type: ignore[union-attr]
                if done is not None:
                    return done
            try:
                leaf = self.leaf(self.computed_keys(raw, (), names, path, kind, sources), kind, path)
            except SpecError as exc:  # a value that does not fit: say which expression it came from
                written = raw.get(exc.key) if exc.key is not None else None
                if isinstance(written, str) and "${" in written and "${" not in exc.message:
                    exc.message += f" (from {shorten(written, 60)})"
                raise
            if key is not None:
                self.memo.leaves[key] = leaf  # type: ignore[union-attr]
            return leaf
        block = self.blocks[kind]
        data = self.computed_keys(raw, tuple(p.key for p in block.parts), names, path, kind, sources)
        env = dict(call.env) if names.index is None else {**call.env, "index": names.index}
        return (yield self.block(data, block, path, env))

    def leaf_key(self, call: Call, names: Any, sources: tuple[str, ...] | None) -> tuple[Any, ...] | None:
        """What a computed layer depends on: the entry, the values of the names its expressions read,
        its inputs' names and the file-wide bias; None when it cannot be told (a value is a mapping)."""
        memo = self.memo
        assert memo is not None
        raw = call.raw
        reads = memo.reads.get(id(raw), ())
        if reads == ():
            reads = memo.reads[id(raw)] = _names_read(raw)
        if reads is None:
            return None
        values = tuple(frozen(names[name]) if name in names else None for name in reads)
        return (id(raw), values, sources, self.default, self.override, call.loc)

    def computed_keys(
        self,
        raw: Mapping[str, Any],
        parts: tuple[str, ...],
        names: Mapping[str, Any],
        path: Path,
        label: str,
        sources: tuple[str, ...] | None,
    ) -> _Map:
        """A computed entry's own keys with their values computed (its parts are read as lists of
        entries, each computed on its own input); ``from`` is the names already read, or left out."""
        data = _Map()
        data.mark = getattr(raw, "mark", None)
        data.key_marks = getattr(raw, "key_marks", {})
        for key, value in raw.items():
            if key in CALL_KEYS:
                continue
            if key == "from":
                if sources is not None:
                    data[key] = sources
            elif key in parts or not _has_expression(value):
                data[key] = value
            else:
                data[key] = self.compute(raw, key, names, path, label)
        if "type" in raw:
            data["type"] = label
        return data

    def instantiate(self, call: Call, kind: str, names: Any, path: Path, sources: tuple[str, ...] | None) -> Step:
        """A use of a template: the block it defines, with the use's arguments and its defaults for
        the others, read as the block would be written."""
        from .template import ARGS, CHAIN

        raw = call.raw
        template = self.templates[kind]
        chain = call.env.get(CHAIN, ())
        if kind in chain:  # through a computed type: check_cycles refuses the ones written out
            cycle = " -> ".join([*chain[chain.index(kind) :], kind])
            raise SpecError(
                f"template {kind} uses itself ({cycle}): a template cannot contain itself",
                where=f"{self.at(raw, 'type')}: {path} ({kind})",
            )
        declared = template.get(ARGS) or {}
        for key in raw:
            if key not in ENTRY_KEYS and key not in CALL_KEYS and key not in declared:
                known = [*declared, "name", "from", "repeat", "when"]
                raise SpecError(
                    unknown_key(key, [str(k) for k in known], f"template {kind}"),
                    where=f"{self.at(raw, key)}: {path} ({kind})",
                )
        env = {**self.env, CHAIN: (*chain, kind)}
        inner = names.using(env)
        for arg, default in declared.items():
            if arg in raw:
                env[arg] = self.compute(raw, arg, names, path, kind)
            elif default is None:
                needs = [str(k) for k, v in declared.items() if v is None]
                raise SpecError(
                    f"missing {arg}: template {kind} needs {', '.join(needs)}",
                    where=f"{self.at(raw)}: {path} ({kind})",
                )
            else:
                env[arg] = self.compute(declared, arg, inner, path, kind)
        block_type = self.compute(template, "type", inner, path, kind) if "type" in template else "block"
        if block_type not in self.blocks:
            raise SpecError(
                f"type: a template is a block ({', '.join(self.blocks)}), got {quote(block_type)}",
                where=f"{self.at(template, 'type')}: {path} ({kind})",
            )
        block = self.blocks[block_type]
        parts = tuple(p.key for p in block.parts)
        data = _Map()
        data.mark = getattr(raw, "mark", None)
        data.key_marks = {**getattr(template, "key_marks", {}), **getattr(raw, "key_marks", {})}
        for key, value in template.items():
            if key in (ARGS, "type"):
                continue
            if key not in parts and key not in (p.name for p in block.options):
                allowed = [ARGS, "type", *parts, *(p.name for p in block.options)]
                raise SpecError(
                    unknown_key(key, allowed, f"a template of a {block_type} block"),
                    where=f"{self.at(template, key)}: {path} ({kind})",
                )
            data[key] = value if key in parts else self.compute(template, key, inner, path, kind)
        if "name" in raw:
            data["name"] = self.compute(raw, "name", names, path, kind)
        if sources is not None:
            data["from"] = sources
        data["type"] = block_type
        return (yield self.block(data, block, path, env))


def _names_read(raw: Mapping[str, Any]) -> tuple[str, ...] | None:
    """The names the expressions of an entry's own values read (sorted); None when one is not text
    or a list of plain values (it cannot be told without reading it)."""
    from .expr import ExprError, compile_text

    found: set[str] = set()
    for value in raw.values():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, (dict, list)):
                return None
            if isinstance(item, str):
                try:
                    compiled = compile_text(item)
                except ExprError:  # reported when the value is read
                    return None
                if compiled is not None:
                    found |= compiled.names
    return tuple(sorted(found))


def _is_arg_value(value: Any) -> bool:
    """Whether an argument's value is one expressions can read: a number, text, a boolean, or a
    list of them (lists in lists too); not a mapping, not null."""
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, list):
            todo.extend(item)
        elif not isinstance(item, (int, float, str)):  # bool is an int
            return False
    return True


def _has_expression(value: Any) -> bool:
    """Whether a value, or an item of a list in it, is text with an expression (``${``)."""
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str) and "${" in item:
            return True
        if isinstance(item, list) and len(todo) < 10_000:
            todo.extend(item)
    return False


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
