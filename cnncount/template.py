"""Parametric specs: file arguments, templates, values computed by expressions, and sweeps.

A spec may declare ``args`` (named values with defaults, which ``--set`` replaces),
``define`` named templates (blocks with arguments of their own) and write any value
as an expression, ``${in_channels * expand}`` (the language is :mod:`cnncount.expr`).
The YAML reader (:mod:`cnncount.spec`) reads a spec without any of these as it
always has; what is here is used only by specs that have them:

- :func:`computed` finds the entries whose values must be computed where they are
  expanded (their input's shape, their repetition), which the reader turns into
  :class:`~cnncount.graph.Call` entries;
- :func:`substitute` computes a value;
- :func:`parse_sets` and :func:`combinations` read ``--set`` and enumerate a sweep.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

from .errors import CnnCountError, SpecError, did_you_mean, quote, shorten
from .graph import LATE

#: A template's own key for its arguments; the type of the block it is.
ARGS = "args"

#: The templates being read, innermost last: kept in a template's names under a key no
#: expression can write (it has a space), so that a template that uses itself is refused.
CHAIN = " templates"

#: Most variants one sweep may count (the product of the values each --set gives).
MAX_VARIANTS = 100_000

#: Most values one --set may list, and most --set options in one call.
MAX_SET_VALUES = 10_000
MAX_SETS = 100


class Required:
    """The default of a template argument that has none (written ``~``): a use must give it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "required"


REQUIRED = Required()


def is_name(word: object) -> bool:
    """An argument's name: an ASCII word an expression can read (``width``, ``se_ratio``)."""
    from .expr import KEYWORDS

    return (
        isinstance(word, str)
        and word.isascii()
        and word.isidentifier()
        and word not in KEYWORDS
        and not word.startswith("__")
    )


def computed(roots: Sequence[Any], templates: Collection[str]) -> set[int]:
    """The ids of the lists and mappings under ``roots`` whose values must be computed: they
    hold an expression, a condition (``when``) or a use of a template, at any depth.

    One pass over the tree, children before parents, without recursion; a list or mapping
    used by many aliases is looked at once.
    """
    found: set[int] = set()
    entered: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False) for root in roots]
    while stack:
        node, leaving = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        children = list(node.values()) if isinstance(node, dict) else node
        if leaving:
            if _marked(node, templates) or any(
                isinstance(child, (dict, list)) and id(child) in found for child in children
            ):
                found.add(id(node))
            continue
        if id(node) in entered:  # an alias, or a list that holds itself
            continue
        entered.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children if isinstance(child, (dict, list)))
    return found


def _marked(node: dict[Any, Any] | list[Any], templates: Collection[str]) -> bool:
    """Whether a list or mapping itself holds an expression, a condition or a template's use."""
    if isinstance(node, list):
        return any(isinstance(item, str) and "${" in item for item in node)
    kind = node.get("type")
    if "when" in node or (isinstance(kind, str) and kind in templates):
        return True
    return any(isinstance(value, str) and "${" in value for value in node.values())


def substitute(value: Any, names: Mapping[str, Any], key: str, looks: Any = None) -> Any:
    """``value`` with every expression in it computed from ``names``; SpecError naming ``key``
    (and the expression) otherwise.  A number that comes out whole (``${width * 32}``, 32.0)
    is an integer, as a size must be; lists are computed item by item."""
    if isinstance(value, str):
        return _compute(value, names, key)
    if isinstance(value, list):
        if looks is not None:
            looks(len(value))
        return [substitute(item, names, key, looks) for item in value]
    if isinstance(value, dict):
        if looks is not None:
            looks(len(value))
        return {k: substitute(v, names, f"{key}.{k}", looks) for k, v in value.items()}
    return value


def _compute(text: str, names: Mapping[str, Any], key: str) -> Any:
    from .expr import ExprError, compile_text

    try:
        compiled = compile_text(text)
        if compiled is None:
            return text
        for name in sorted(compiled.names):
            if name not in names:
                raise ExprError(_unknown(name, names))
        value = compiled.evaluate(names)
    except ExprError as exc:
        raise SpecError(f"{key}: {shorten(text, 80)}: {exc.message}", key=key.partition(".")[0]) from None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _unknown(name: str, names: Mapping[str, Any]) -> str:
    """Why a name cannot be read here."""
    if name == "index":
        return "'index' is the repetition number: it is known inside an entry with repeat (and in what it holds)"
    if name in LATE:
        return f"{name!r} is the shape of an entry's input: it is known in layers and blocks, not here"
    from .expr import FUNCTIONS

    known = [n for n in names if is_name(n)]
    hint = did_you_mean(name, known)
    if name in FUNCTIONS:
        return f"{name} is a function: call it, as {name}(...)"
    return f"unknown name {quote(name)}{hint or _listing(known)}"


def _listing(known: list[str]) -> str:
    if not known:
        return " (no arguments are declared here: declare them under args)"
    shown = ", ".join(sorted(known)[:12])
    return f" (the names here: {shown}{', ...' if len(known) > 12 else ''})"


def format_arg(value: Any) -> str:
    """An argument's value as tables and CSV show it: ``0.75``, ``2``, ``true``, ``relu``."""
    from .expr import format_value

    return format_value(value)


def for_combination(exc: CnnCountError, combination: Mapping[str, Any]) -> CnnCountError:
    """``exc`` saying which combination of a sweep it is about."""
    given = ", ".join(f"{k}={format_arg(v)}" for k, v in combination.items())
    exc.message += f" (with --set {given})"
    return exc


# --- --set ------------------------------------------------------------------------------------


def parse_value(text: str) -> Any:
    """A value written on the command line: a whole number, a number, true/false, or text."""
    from .shapes import parse_int

    word = text.strip()
    if word.lower() in ("true", "false"):
        return word.lower() == "true"
    try:
        return parse_int(word)
    except ValueError:
        pass
    if word and word.isascii() and len(word) <= 40 and word.lstrip("+-")[:1] in tuple("0123456789."):
        try:
            number = float(word)
        except ValueError:
            return word
        if number == number and abs(number) != float("inf"):
            return number
    return word


def parse_sets(texts: Sequence[str]) -> dict[str, list[Any]]:
    """``["width=0.5,1.0", "depth=2"]`` -> ``{"width": [0.5, 1.0], "depth": [2]}``."""
    if len(texts) > MAX_SETS:
        raise SpecError(f"--set is given {len(texts):,} times; at most {MAX_SETS}")
    out: dict[str, list[Any]] = {}
    for text in texts:
        name, eq, values = text.partition("=")
        name = name.strip()
        if not eq or not name:
            raise SpecError(f"expected NAME=VALUE (or NAME=V1,V2,... for a sweep), got {quote(text)}", where="--set")
        if not is_name(name):
            raise SpecError(f"{quote(name)} is not an argument's name (a word of letters, digits, _)", where="--set")
        if name in out:
            raise SpecError(f"{name} is set twice: give its values once, as {name}=V1,V2", where="--set")
        if values.count(",") >= MAX_SET_VALUES:
            raise SpecError(
                f"{name}: {values.count(',') + 1:,} values; a sweep takes at most {MAX_SET_VALUES:,} per argument",
                where="--set",
            )
        items = [parse_value(item) for item in values.split(",")]
        if any(item == "" for item in items):
            raise SpecError(f"{name}: an empty value in {quote(values)}", where="--set")
        out[name] = items
    variants = 1
    for items in out.values():
        variants *= len(items)
    if variants > MAX_VARIANTS:
        raise SpecError(f"the --set values make {variants:,} combinations; a sweep counts at most {MAX_VARIANTS:,}")
    return out


def combinations(sets: Mapping[str, Sequence[Any]]) -> Iterator[dict[str, Any]]:
    """Every combination of the values, the last argument changing fastest (as nested loops)."""
    names = list(sets)
    if not names:
        yield {}
        return
    counters = [0] * len(names)
    while True:
        yield {name: sets[name][counters[n]] for n, name in enumerate(names)}
        at = len(names) - 1
        while at >= 0:
            counters[at] += 1
            if counters[at] < len(sets[names[at]]):
                break
            counters[at] = 0
            at -= 1
        if at < 0:
            return


def check_sets(sets: Mapping[str, Any], declared: Sequence[str], where: str) -> None:
    """Refuse a --set of an argument the spec does not declare."""
    for name in sets:
        if name not in declared:
            if not declared:
                raise SpecError(f"--set {name}: the spec declares no arguments (args:)", where=where)
            hint = did_you_mean(name, list(declared)) or f" (its arguments: {', '.join(declared)})"
            raise SpecError(f"--set {name}: the spec has no argument {quote(name)}{hint}", where=where)
