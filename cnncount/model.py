"""Architectures and the report of counting them.

An :class:`Architecture` is an input shape and a sequence of nodes: leaf layers
and blocks (plain sequences, residual additions, channel concatenations and side
branches, each possibly repeated).  :func:`count` walks it once, in execution
order, and produces a :class:`Report` with one :class:`Row` per leaf layer and
one :class:`Group` per block occurrence, each with exact counts.
"""

from __future__ import annotations

from collections.abc import Callable

from . import limits
from .counts import Counts
from .errors import CnnCountError, ShapeError, SpecError
from .layers.base import Layer, Result
from .limits import big_input
from .shapes import Shape, format_shape, to_layout

#: Block types and the names of their parts.
BLOCK_KINDS = ("block", "residual", "concat", "side")


# The records below are plain classes with __slots__ rather than dataclasses or
# NamedTuples: making those classes costs a millisecond or more of start-up
# (they generate code, and NamedTuple type-checks its annotations).


class Leaf:
    """A layer at a place in the architecture.

    ``key`` is its place relative to its parent (``layers[3]``); ``loc`` is
    where it was written (``vgg.yaml:12:5``), or None on the command line,
    where errors name it by its running index instead.
    """

    __slots__ = ("layer", "key", "loc")

    def __init__(self, layer: Layer, key: str, loc: str | None = None) -> None:
        self.layer = layer
        self.key = key
        self.loc = loc


class Block:
    """A block of nodes.

    ``parts`` are its named sequences: ``layers`` for block and side,
    ``layers`` and ``shortcut`` for residual (an empty shortcut is the identity),
    ``branches[i]`` for concat (an empty branch is the identity).
    """

    __slots__ = ("kind", "parts", "key", "loc", "name", "repeat")

    def __init__(
        self,
        kind: str,
        parts: tuple[tuple[str, tuple[Node, ...]], ...],
        key: str,
        loc: str | None = None,
        name: str | None = None,
        repeat: int = 1,
    ) -> None:
        self.kind = kind
        self.parts = parts
        self.key = key
        self.loc = loc
        self.name = name
        self.repeat = repeat


Node = Leaf | Block


class Architecture:
    """A network to count: an input shape and the nodes applied to it in order.

    ``layout`` says how shapes are shown; inside they are always channels first.
    """

    __slots__ = ("input_shape", "layers", "name", "layout")

    def __init__(
        self,
        input_shape: Shape,
        layers: tuple[Node, ...],
        name: str | None = None,
        layout: str = "channels_first",
    ) -> None:
        self.input_shape = input_shape
        self.layers = layers
        self.name = name
        self.layout = layout


class Row:
    """One leaf layer as counted."""

    __slots__ = (
        "index",
        "name",
        "kind",
        "path",
        "depth",
        "input_shape",
        "output_shape",
        "bias",
        "counts",
        "explain",
        "parts",
    )

    def __init__(
        self,
        index: int,
        name: str,
        kind: str,
        path: str,
        depth: int,
        input_shape: Shape,
        output_shape: Shape,
        bias: str | None,
        counts: Counts,
        explain: Callable[[], tuple[str, ...]],
        parts: tuple[tuple[str, Counts], ...] = (),
    ) -> None:
        self.index = index
        self.name = name
        self.kind = kind
        self.path = path
        self.depth = depth
        self.input_shape = input_shape
        self.output_shape = output_shape
        self.bias = bias
        self.counts = counts
        self.explain = explain
        #: The counts of each step of a layer made of steps (a separable conv's two).
        self.parts = parts

    @property
    def formulas(self) -> tuple[str, ...]:
        """The arithmetic behind this row's numbers."""
        return self.explain()


class Group:
    """One occurrence of a block, with the subtotal of the layers inside it.

    Filled in as the walker leaves the block: its output, its counts and, for
    side blocks, the shape of the side output (the main path goes on unchanged).
    """

    __slots__ = ("name", "kind", "path", "depth", "input_shape", "output_shape", "counts", "side_output")

    def __init__(self, name: str, kind: str, path: str, depth: int, input_shape: Shape) -> None:
        self.name = name
        self.kind = kind
        self.path = path
        self.depth = depth
        self.input_shape = input_shape
        self.output_shape: Shape = ()
        self.counts = Counts()
        self.side_output: Shape | None = None


class Report:
    """Everything cnncount knows about a counted network.

    ``rows`` are the leaf layers in execution order; ``entries`` the rows and
    the block groups in pre-order (a group comes before the rows inside it).
    """

    __slots__ = ("name", "input_shape", "output_shape", "rows", "entries", "totals", "layout")

    def __init__(
        self,
        name: str | None,
        input_shape: Shape,
        output_shape: Shape,
        rows: tuple[Row, ...],
        entries: tuple[Row | Group, ...],
        totals: Counts,
        layout: str = "channels_first",
    ) -> None:
        self.name = name
        self.input_shape = input_shape
        self.output_shape = output_shape
        self.rows = rows
        self.entries = entries
        self.totals = totals
        self.layout = layout

    def shown(self, shape: Shape) -> Shape:
        """A shape in the layout the user writes and reads."""
        return to_layout(shape, self.layout)

    @property
    def layers(self) -> tuple[Row, ...]:
        """The leaf layers in execution order (the same as ``rows``)."""
        return self.rows

    @property
    def side_outputs(self) -> tuple[Group, ...]:
        return tuple(e for e in self.entries if isinstance(e, Group) and e.side_output is not None)

    def to_json(self, *, dtype: str = "float32", batch: int = 1) -> str:
        """The JSON document the CLI prints for this report."""
        # The renderer sits above the model; imported here, on demand, for convenience.
        from .memory import Memory
        from .render.as_json import render

        return render(self, Memory(dtype, batch))


def count(arch: Architecture) -> Report:
    """Count every layer of an architecture."""
    walker = _Walker()
    with big_input():
        _check_size(arch.layers)
        try:
            output = walker.sequence(arch.layers, arch.input_shape, "", 0)
        except RecursionError:
            raise SpecError(limits.TOO_DEEP) from None
    return Report(
        arch.name, arch.input_shape, output, tuple(walker.rows), tuple(walker.entries), walker.running, arch.layout
    )


class _Walker:
    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.entries: list[Row | Group] = []
        self.numbers: dict[str, int] = {}
        #: Sum of the counts of every row so far; a group's subtotal is the difference.
        self.running = Counts()
        #: Real networks repeat the same layer on the same shape many times.
        self.results: dict[tuple[Layer, Shape], Result] = {}

    def sequence(self, nodes: tuple[Node, ...], shape: Shape, prefix: str, depth: int) -> Shape:
        for node in nodes:
            path = f"{prefix}.{node.key}" if prefix else node.key
            if isinstance(node, Leaf):
                shape = self.leaf(node, shape, path, depth)
            else:
                shape = self.block(node, shape, path, depth)
        return shape

    def leaf(self, node: Leaf, shape: Shape, path: str, depth: int) -> Shape:
        layer = node.layer
        index = len(self.rows) + 1
        try:
            res = self.results.get((layer, shape))
            if res is None:
                res = self.results[layer, shape] = layer.infer(shape)
        except CnnCountError as exc:
            where = f"{node.loc}: {path}" if node.loc else f"layer {index}"
            raise exc.at(f"{where} ({layer.kind})") from None
        number = self.numbers[layer.kind] = self.numbers.get(layer.kind, 0) + 1
        row = Row(
            index=index,
            name=layer.name or f"{layer.kind}{number}",
            kind=layer.kind,
            path=path,
            depth=depth,
            input_shape=shape,
            output_shape=res.output_shape,
            bias=res.bias,
            counts=res.counts,
            explain=res.explain,
            parts=res.parts,
        )
        self.rows.append(row)
        self.entries.append(row)
        self.running = self.running + res.counts
        return res.output_shape

    def block(self, node: Block, shape: Shape, path: str, depth: int) -> Shape:
        for rep in range(1, node.repeat + 1):
            here = f"{path}#{rep}" if node.repeat > 1 else path
            shape = self.occurrence(node, shape, here, depth, rep)
        return shape

    def occurrence(self, node: Block, shape: Shape, path: str, depth: int, rep: int) -> Shape:
        base = node.name or node.kind
        group = Group(f"{base} #{rep}" if node.repeat > 1 else base, node.kind, path, depth, shape)
        self.entries.append(group)
        before = self.running
        outputs = [(part, self.sequence(nodes, shape, path, depth + 1)) for part, nodes in node.parts]
        try:
            output = _combine(node.kind, shape, outputs)
        except CnnCountError as exc:
            where = f"{node.loc}: {path}" if node.loc else path
            raise exc.at(f"{where} ({node.kind})") from None
        if node.kind == "side":
            group.side_output = outputs[0][1]
        group.output_shape = output
        group.counts = self.running - before
        return output


def _check_size(nodes: tuple[Node, ...]) -> None:
    """Refuse, before walking, a network that expands to more than MAX_LAYERS leaf
    layers or nests blocks more than MAX_NESTING deep.

    Each distinct node is measured once (YAML aliases share nodes), so an alias
    bomb or ``repeat: 1000000000`` is refused at once, naming the block.
    """
    measured: dict[int, tuple[int, int]] = {}

    def measure(node: Node) -> tuple[int, int]:
        """(leaf layers it expands to, levels of blocks in it)."""
        found = measured.get(id(node))
        if found is None:
            if isinstance(node, Leaf):
                found = (1, 0)
            else:
                inner = [measure(child) for _, part in node.parts for child in part]
                found = (node.repeat * sum(n for n, _ in inner), 1 + max((d for _, d in inner), default=0))
            measured[id(node)] = found
        return found

    try:
        sizes = [measure(node) for node in nodes]
    except RecursionError:
        raise SpecError(limits.TOO_DEEP) from None
    deep = [node for node, (_, d) in zip(nodes, sizes) if d > limits.MAX_NESTING and isinstance(node, Block)]
    if deep:
        block = deep[0]
        where = f"{block.loc}: {block.key}" if block.loc else block.key
        levels = measure(block)[1]
        message = f"blocks nested {levels:,} deep; cnncount reads at most {limits.MAX_NESTING:,} levels"
        raise SpecError(message).at(f"{where} ({block.kind})")
    total = sum(n for n, _ in sizes)
    if total <= limits.MAX_LAYERS:
        return
    # Name the innermost block that is too big on its own, if there is one.
    culprit, prefix, level = None, "", nodes
    while True:
        big = [n for n in level if isinstance(n, Block) and measure(n)[0] > limits.MAX_LAYERS]
        if not big:
            break
        culprit = big[0]
        prefix = f"{prefix}.{culprit.key}" if prefix else culprit.key
        level = tuple(child for _, part in culprit.parts for child in part)
    message = f"the network expands to {total:,} layers; cnncount counts at most {limits.MAX_LAYERS:,}"
    if culprit is None:
        raise SpecError(message)
    where = f"{culprit.loc}: {prefix}" if culprit.loc else prefix
    size = measure(culprit)[0]
    detail = f"this block alone expands to {size:,}"
    if culprit.repeat > 1:
        detail += f": {culprit.repeat:,} repetitions of {size // culprit.repeat:,}"
    raise SpecError(f"{message}; {detail}").at(f"{where} ({culprit.kind})")


def _combine(kind: str, shape: Shape, outputs: list[tuple[str, Shape]]) -> Shape:
    """The output of a block from the outputs of its parts."""
    if kind == "block":
        return outputs[0][1]
    if kind == "side":
        return shape
    if kind == "residual":
        (_, body), (_, shortcut) = outputs
        if body != shortcut:
            raise ShapeError(
                f"cannot add the outputs: layers give {format_shape(body)}, "
                f"shortcut gives {format_shape(shortcut)} (input {format_shape(shape)})"
            )
        return body
    # concat: channels add up, every other size must agree
    first = outputs[0][1]
    if any(len(out) != len(first) or out[1:] != first[1:] for _, out in outputs):
        shown = ", ".join(f"{part} gives {format_shape(out)}" for part, out in outputs)
        raise ShapeError(f"cannot concatenate on channels, the other sizes differ: {shown}")
    return (sum(out[0] for _, out in outputs), *first[1:])
