"""The block kinds: shorthand for common patterns of the graph, each declared once.

A block holds named parts (lists of entries) and a few options; expanding it adds
its parts' nodes and the merges it implies, through the :class:`~cnncount.graph.Builder`.
The YAML reader, the JSON Schema and the docs all read these declarations: adding a
block kind is one class here and one entry in :data:`BLOCKS`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, ClassVar

from .errors import SpecError, quote
from .layers.base import Bool, Param, Value, _is_int, _show
from .layers.merge import Add, Concat, Multiply, Split
from .limits import MAX_INPUTS

if TYPE_CHECKING:
    from .graph import Builder, Ref, Scope, Step


class Part:
    """One list of entries a block holds: ``layers``, ``shortcut``; ``branches`` is a list of such lists."""

    __slots__ = ("key", "required", "empty", "many", "help")

    def __init__(self, key: str, help: str, *, required: bool = True, empty: bool = False, many: bool = False) -> None:
        self.key = key
        self.help = help
        self.required = required
        #: An empty list is allowed (and is the identity).
        self.empty = empty
        #: A list of lists of entries (``branches``).
        self.many = many


def option(name: str, value: Value, help: str, default: object) -> Param:
    """An option of a block kind, declared like a layer kind's."""
    declared = Param(value, help, default)
    declared.name = name
    return declared


class BlockKind:
    """Base of the block kinds: parts, options, the nodes the block adds, its expansion."""

    kind: ClassVar[str] = ""
    #: One line for the schema and the docs.
    summary: ClassVar[str] = ""
    #: What the block outputs, for the docs.
    output: ClassVar[str] = ""
    parts: ClassVar[tuple[Part, ...]] = ()
    options: ClassVar[tuple[Param, ...]] = ()
    #: False for a kind whose layers go in place, in the block around it (inline).
    scoped: ClassVar[bool] = True

    def check(self, options: dict[str, Any], parts: tuple[tuple[str, tuple[Any, ...]], ...]) -> dict[str, Any]:
        """The options with their defaults, each checked; SpecError naming the key otherwise."""
        known = {p.name: p for p in self.options}
        checked = {}
        for key, value in options.items():
            if key not in known:
                raise SpecError(f"{self.kind} has no option {quote(key)}", key=key)
            try:
                checked[key] = known[key].value.check(value)
            except ValueError as exc:
                raise SpecError(f"{key}: {exc}", key=key) from None
        return {p.name: checked.get(p.name, p.default) for p in self.options}

    def nodes(self, options: dict[str, Any]) -> int:
        """How many nodes the block adds beside its parts' (its merges)."""
        return 0

    def edges(self, options: dict[str, Any], parts: int) -> int:
        """How many inputs those nodes read: a merge reads one per part."""
        return parts if self.nodes(options) else 0

    def training(self, options: dict[str, Any]) -> bool:
        """Whether the block runs only while training (a side block's auxiliary head)."""
        return False

    def expand(self, b: Builder, scope: Scope, x: Ref) -> Step:
        """Add one occurrence's nodes on input ``x`` (yielding to expand parts); its output."""
        raise NotImplementedError


class Sequence(BlockKind):
    kind = "block"
    summary = "a plain sequence of layers"
    output = "the last layer's"
    parts = (Part("layers", "the layers, in order"),)

    def expand(self, b: Builder, scope: Scope, x: Ref) -> Step:
        return (yield b.part(scope, 0, x))


class Inline(BlockKind):
    kind = "inline"
    summary = "its layers in place, in the block around it, with no block of its own (no name, no subtotal)"
    output = "the last layer's"
    parts = (Part("layers", "the layers, in order, named as if written in the block around it"),)
    scoped = False

    def expand(self, b: Builder, scope: Scope, x: Ref) -> Step:  # the builder expands it in place
        raise NotImplementedError


class Residual(BlockKind):
    kind = "residual"
    summary = "output = layers(x) + shortcut(x)"
    output = "`layers(x) + shortcut(x)` (an `add`): the two shapes must agree"
    parts = (
        Part("layers", "the residual branch"),
        Part("shortcut", "absent or [] is the identity", required=False, empty=True),
    )

    def nodes(self, options: dict[str, Any]) -> int:
        return 1

    def expand(self, b: Builder, scope: Scope, x: Ref) -> Step:
        body = yield b.part(scope, 0, x)
        shortcut = yield b.part(scope, 1, x)
        return b.merge(scope, Add(), (body, shortcut), ("layers", "shortcut"))


class Chunks(Value):
    """A number of equal chunks, or the size of each part."""

    metavar = "N|[A, B, ...]"

    def check(self, value: object) -> int | tuple[int, ...]:
        if _is_int(value) and value >= 1:  # type: ignore[operator]
            return value  # type: ignore[return-value]
        if isinstance(value, (list, tuple)) and value and all(_is_int(v) and v >= 1 for v in value):
            return tuple(value)
        raise ValueError(f"expected a number of equal chunks or a list of sizes, got {_show(value)}")

    def schema(self) -> dict[str, Any]:
        size = {"type": "integer", "minimum": 1}
        return {"oneOf": [size, {"type": "array", "items": size, "minItems": 1}]}


class Concatenation(BlockKind):
    kind = "concat"
    summary = "every branch reads the input (or, with split, its own chunk of it); outputs joined on channels"
    output = (
        "the branch outputs joined on channels (a `concat`); every other size must agree. With `split`, "
        "branch i reads chunk i of the input's channels (ShuffleNetV2)"
    )
    parts = (Part("branches", "a list of layer lists; [] is the identity", empty=True, many=True),)
    options = (
        option(
            "split",
            Chunks(),
            "split the input's channels into this many equal chunks, or parts of these sizes: one per branch",
            None,
        ),
    )

    def check(self, options: dict[str, Any], parts: tuple[tuple[str, tuple[Any, ...]], ...]) -> dict[str, Any]:
        checked = super().check(options, parts)
        if len(parts) > MAX_INPUTS:  # the concat reads one input per branch
            raise SpecError(f"branches: {len(parts):,} branches; a concat reads at most {MAX_INPUTS:,}", key="branches")
        split = checked["split"]
        if split is not None:
            chunks = split if isinstance(split, int) else len(split)
            if chunks != len(parts):
                raise SpecError(
                    f"split: {chunks} chunks, but {len(parts)} branches: one branch reads each", key="split"
                )
        return checked

    def nodes(self, options: dict[str, Any]) -> int:
        return 1 if options["split"] is None else 2

    def edges(self, options: dict[str, Any], parts: int) -> int:
        return parts + (0 if options["split"] is None else 1)

    def expand(self, b: Builder, scope: Scope, x: Ref) -> Step:
        entry = scope.entry
        split = entry.options["split"]
        sources = [x] * len(entry.parts)
        if split is not None:
            layer = Split(chunks=split) if isinstance(split, int) else Split(sizes=split)
            chunks, _ = b.merge(scope, layer, (x,), ("input",))
            sources = [(chunks, number) for number in range(len(entry.parts))]
        outputs = []
        for number, source in enumerate(sources):
            outputs.append((yield b.part(scope, number, source)))
        labels = tuple(label for label, _ in entry.parts)
        return b.merge(scope, Concat(), tuple(outputs), labels)


class Side(BlockKind):
    kind = "side"
    summary = "a side branch (an auxiliary classifier): counted and reported as a side output; the main path goes on"
    output = "its input, unchanged: the main path goes on from there; the branch's output is a side output"
    parts = (Part("layers", "the side branch"),)
    options = (
        option(
            "training",
            Bool(),
            "the branch runs only while training (GoogLeNet's and Inception-v3's auxiliary heads): its parameters "
            "count, its MACs are reported apart",
            False,
        ),
    )

    def training(self, options: dict[str, Any]) -> bool:
        return bool(options["training"])

    def expand(self, b: Builder, scope: Scope, x: Ref) -> Step:
        out = yield b.part(scope, 0, x)
        b.side_output(scope, out)
        return x


class Gate(BlockKind):
    kind = "gate"
    summary = "output = x * layers(x), broadcast: squeeze-and-excitation and other gates"
    output = "`x * layers(x)` (a `multiply`, broadcast: a `[C]` or `[C, 1, 1]` gate scales every position)"
    parts = (Part("layers", "the layers computing the gate from the input"),)

    def nodes(self, options: dict[str, Any]) -> int:
        return 1

    def expand(self, b: Builder, scope: Scope, x: Ref) -> Step:
        gate = yield b.part(scope, 0, x)
        return b.merge(scope, Multiply(), (x, gate), ("input", "layers"))


#: type name -> block kind, in the order the docs list them.
BLOCKS: dict[str, BlockKind] = {
    kind.kind: kind for kind in (Sequence(), Inline(), Residual(), Concatenation(), Side(), Gate())
}


def block_kind(kind: str) -> BlockKind:
    return BLOCKS[kind]


def written_as_block(kind: str, keys: Collection[object]) -> bool:
    """Whether an entry of this type with these keys is a block.

    A type that is both a block and a layer kind (concat) is the block when it writes
    one of the block's parts, or no ``from``: the merge names its inputs.  The JSON
    Schema says the same in its own terms (schema.py).
    """
    block = BLOCKS.get(kind)
    if block is None:
        return False
    from .layers import REGISTRY

    return kind not in REGISTRY or "from" not in keys or any(part.key in keys for part in block.parts)
