"""Counting a network: its graph walked once, in order, into a :class:`Report`.

The report has one :class:`Row` per node (every layer, merges included) and one
:class:`Group` per block occurrence, each with exact counts.  Nothing here knows
how reports are shown: :mod:`cnncount.render` does that.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .counts import Counts
from .errors import CnnCountError, ShapeError, quote
from .graph import Architecture, Graph, Node, Path, Ref, Scope, expand
from .layers.base import BUFFERS, Layer, Result, Tensors
from .limits import big_input
from .shapes import Shape, check_sizes, format_shape, to_layout

# The records below are plain classes with __slots__ rather than dataclasses or
# NamedTuples: making those classes costs a millisecond or more of start-up
# (they generate code, and NamedTuple type-checks its annotations).


class Row:
    """One node as counted: a layer on its inputs.

    ``index`` is the node's number (from 1, in execution order); ``inputs`` are
    the references it read, ``(index, output)``, index 0 being the network's
    inputs; ``shares`` is the index of the row whose parameters it uses (its
    own parameter counts are then 0).
    """

    __slots__ = (
        "node",
        "kind",
        "depth",
        "input_shapes",
        "output_shapes",
        "bias",
        "counts",
        "explain",
        "parts",
        "tensors",
        "shares",
    )

    def __init__(
        self,
        node: Node,
        input_shapes: tuple[Shape, ...],
        result: Result,
        counts: Counts,
        shares: int | None,
    ) -> None:
        self.node = node
        self.kind = node.layer.kind
        self.depth = node.scope.depth + 1 if node.scope is not None else 0
        self.input_shapes = input_shapes
        self.output_shapes = result.output_shapes
        self.bias = result.bias
        self.counts = counts
        self.explain: Callable[[], tuple[str, ...]] = result.explain
        #: The counts of each step of a layer made of steps (a separable conv's two).
        self.parts = result.parts
        self.tensors: Tensors = result.tensors
        self.shares = shares

    @property
    def index(self) -> int:
        return self.node.index

    @property
    def name(self) -> str:
        """The layer's own name: as written, or its kind and running number (``conv3``)."""
        return self.node.name

    @property
    def qualified_name(self) -> str:
        """Its name inside its blocks: ``layer1.0.conv1``."""
        return self.node.qualname

    @property
    def path(self) -> str:
        """Where it is written: ``layers[5].layers[0]``, ``layers[3]#2.shortcut[0]``."""
        return str(self.node.path)

    @property
    def layer(self) -> Layer:
        return self.node.layer

    @property
    def inputs(self) -> tuple[Ref, ...]:
        return self.node.inputs

    @property
    def input_shape(self) -> Shape:
        """The shape of its (first) input."""
        return self.input_shapes[0]

    @property
    def output_shape(self) -> Shape:
        """The shape of its (first) output."""
        return self.output_shapes[0]

    @property
    def training(self) -> bool:
        """Whether it runs only while training (inside a ``side`` block with ``training: true``)."""
        return self.node.training

    @property
    def formulas(self) -> tuple[str, ...]:
        """The arithmetic behind this row's numbers."""
        return self.explain()

    def __repr__(self) -> str:
        shapes = ", ".join(format_shape(shape) for shape in self.output_shapes)
        return f"<Row {self.index} {self.qualified_name} ({self.kind}) -> {shapes}, {self.counts.params:,} params>"


class Group:
    """One occurrence of a block, with the subtotal of the rows inside it (``start`` to ``stop - 1``)."""

    __slots__ = ("scope", "input_shape", "output_shape", "counts", "side_output")

    def __init__(
        self, scope: Scope, input_shape: Shape, output_shape: Shape, counts: Counts, side_output: Shape | None
    ) -> None:
        self.scope = scope
        self.input_shape = input_shape
        self.output_shape = output_shape
        self.counts = counts
        #: The shape of a side block's side output (the main path goes on unchanged).
        self.side_output = side_output

    @property
    def name(self) -> str:
        """How tables show it: its name (``layer1``, ``layer1.0`` for a repetition) or its kind."""
        return self.scope.title

    @property
    def kind(self) -> str:
        return self.scope.kind

    @property
    def path(self) -> str:
        return str(self.scope.path)

    @property
    def qualified_name(self) -> str | None:
        return self.scope.qualname

    @property
    def depth(self) -> int:
        return self.scope.depth

    @property
    def training(self) -> bool:
        return self.scope.training

    @property
    def start(self) -> int:
        return self.scope.start

    @property
    def stop(self) -> int:
        return self.scope.stop

    def __repr__(self) -> str:
        name = self.qualified_name or self.path
        rows = f"rows {self.start}-{self.stop - 1}"
        return (
            f"<Group {name} ({self.kind}) {rows} -> {format_shape(self.output_shape)}, {self.counts.params:,} params>"
        )


class Output:
    """An output of the network, with its shape; side outputs come from side blocks."""

    __slots__ = ("name", "shape", "side", "training")

    def __init__(self, name: str, shape: Shape, side: bool, training: bool) -> None:
        self.name = name
        self.shape = shape
        self.side = side
        self.training = training


class Report:
    """Everything cnncount knows about a counted network.

    ``rows`` (also ``layers``) are the nodes in execution order, one :class:`Row`
    each; ``entries`` the rows and the :class:`Group` of each block occurrence, in
    pre-order (a group comes before the rows inside it, ``depth`` says how deep).
    ``totals`` counts each parameter once and the MACs of one inference pass:
    ``training_macs`` are those of the heads that run only while training.
    ``notes`` say what was left out and why.

    Shapes in a report (``input_shape``, a row's ``output_shape``...) are channels
    first, as the layers compute them, whatever the spec's layout;
    ``shown(shape)`` gives one in the layout the user writes (``layout``), as the
    tables and the JSON show it.
    """

    __slots__ = ("name", "inputs", "outputs", "rows", "entries", "totals", "layout", "training_macs", "notes", "graph")

    def __init__(
        self,
        graph: Graph,
        outputs: tuple[Output, ...],
        rows: tuple[Row, ...],
        entries: tuple[Row | Group, ...],
        totals: Counts,
        training_macs: int = 0,
        notes: tuple[str, ...] = (),
    ) -> None:
        self.graph = graph
        self.name = graph.name
        self.inputs = graph.inputs
        self.layout = graph.layout
        self.outputs = outputs
        self.rows = rows
        self.entries = entries
        self.totals = totals
        self.training_macs = training_macs
        self.notes = notes

    @property
    def input_shape(self) -> Shape:
        """The shape of the (first) input."""
        return self.inputs[0][1]

    @property
    def output_shape(self) -> Shape:
        """The shape of the (first) output."""
        return self.outputs[0].shape

    @property
    def args(self) -> dict[str, Any]:
        """The arguments of a parametric spec, with the values it was counted with (``{}`` for none)."""
        return self.graph.args

    def shown(self, shape: Shape) -> Shape:
        """A shape in the layout the user writes and reads."""
        return to_layout(shape, self.layout)

    @property
    def layers(self) -> tuple[Row, ...]:
        """The layers in execution order (the same as ``rows``)."""
        return self.rows

    @property
    def side_outputs(self) -> tuple[Group, ...]:
        """The side blocks, whose ``side_output`` is the shape of what they give."""
        return tuple(e for e in self.entries if isinstance(e, Group) and e.side_output is not None)

    def __repr__(self) -> str:
        t = self.totals
        shapes = f"{format_shape(self.shown(self.input_shape))} -> {format_shape(self.shown(self.output_shape))}"
        return (
            f"<Report {self.name or 'network'}: {shapes}, {len(self.rows):,} layers, {t.params:,} params "
            f"(all tied {t.params_tied:,}, all untied {t.params_untied:,})>"
        )

    def ref_name(self, ref: Ref) -> str:
        """The name of what a reference reads: ``layer1.0.bn3``, ``halves:1``, ``input``."""
        return self.graph.ref_name(ref)


def count(arch: Architecture) -> Report:
    """Count every layer of an architecture."""
    with big_input():
        return walk(expand(arch))


def walk(graph: Graph) -> Report:
    """Count a graph: every node once, in order, with results shared by identical layers on identical inputs."""
    walker = _Walker(graph)
    walker.run()
    return walker.report()


class _Walker:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        #: The output shapes of each node (index 0: the network's inputs); None when left out.
        self.values: list[tuple[Shape, ...] | None] = [tuple(shape for _, shape in graph.inputs)]
        self.results: list[Result | None] = [None]
        self.rows: list[Row] = []
        #: The running sum of the rows' counts after each node: a group's subtotal is a difference.
        self.prefix: list[Counts] = [Counts()]
        #: The running sum of the MACs of the rows that run only while training (not in the totals).
        self.training: list[int] = [0]
        #: Real networks repeat the same layer on the same shape many times.
        self.cache: dict[tuple[Layer, tuple[Shape, ...]], Result] = graph.cache
        self.notes: list[str] = []
        #: Index ranges of training-only heads left out, for the groups inside them.
        self.left_out: list[tuple[int, int]] = []

    def run(self) -> None:
        graph = self.graph
        nodes = graph.nodes
        at = 0
        replay = graph.replay
        if replay is not None:
            at = self._resume(replay.walked, graph.kept)
        values, results, prefix, cache = self.values, self.results, self.prefix, self.cache
        rows, training = self.rows, self.training  # (a head left out shortens these lists in place)
        while at < len(nodes):
            node = nodes[at]
            at += 1
            try:
                inputs = node.inputs
                shapes: tuple[Shape, ...]
                if len(inputs) == 1:  # most nodes: spelt out, this is the walker's hot path
                    index, k = inputs[0]
                    got = values[index]
                    shapes = (got[k],) if got is not None else (self._read(node, inputs[0]),)
                else:
                    shapes = tuple(self._read(node, ref) for ref in inputs)
                key = (node.layer, shapes)
                res = cache.get(key)
                if res is None:
                    res = cache[key] = check_sizes(node.layer.apply(shapes, node.labels))
                counts, shares = res.counts, None
                if node.share is not None and res.tensors:
                    counts, shares = self._shared(node, res), node.share
            except CnnCountError as exc:
                head = _training_head(node.scope)
                if head is None:
                    if node.implicit and node.scope is not None and exc.where is None:  # the block's merge
                        shape = self._shape(node.scope.input)
                        exc.message += f" (the block's input is {format_shape(shape)})"
                    raise exc.at(node.where()) from None
                at = self._leave_out(head, exc)
                continue
            rows.append(Row(node, shapes, res, counts, shares))
            values.append(res.output_shapes)
            results.append(res)
            prefix.append(prefix[-1] + counts)
            scope = node.scope
            training.append(training[-1] + counts.macs if scope is not None and scope.training else training[-1])

        if replay is not None:
            replay.walked = (nodes, rows, values, results, prefix, training, self.left_out)

    def _resume(self, walked: Any, kept: int) -> int:
        """In a sweep: the rows of the first ``kept`` nodes, the previous variant's same nodes, as
        the previous count made them; where to go on from (0 when it cannot)."""
        if walked is None or not kept:
            return 0
        nodes, rows, values, results, prefix, training, left_out = walked
        if left_out or len(rows) < kept or any(a is not b for a, b in zip(nodes[:kept], self.graph.nodes[:kept])):
            return 0
        self.rows, self.values, self.results = rows[:kept], values[: kept + 1], results[: kept + 1]
        self.prefix, self.training = prefix[: kept + 1], training[: kept + 1]
        return kept

    def _read(self, node: Node, ref: Ref) -> Shape:
        index, k = ref
        shapes = self.values[index]
        if shapes is None:
            raise ShapeError(f"reads {self.graph.ref_name(ref)}, which is left out (see the notes)")
        return shapes[k]

    def _shared(self, node: Node, res: Result) -> Counts:
        """The counts of a node that shares another's parameters: its MACs only.  The
        parameters must be the same tensors: what it reads must fit them."""
        twin = self.results[node.share]  # type: ignore[index]
        original = self.graph.node(node.share)  # type: ignore[arg-type]
        if twin is None:
            raise ShapeError(f"shares the parameters of {original.qualname}, which is left out (see the notes)")
        if twin.tensors != res.tensors:
            raise ShapeError(
                f"shares the parameters of {original.qualname} ({_tensors(twin.tensors)}), "
                f"but on this input they would be {_tensors(res.tensors)}"
            )
        return Counts(macs=res.counts.macs)

    def _leave_out(self, head: Scope, exc: CnnCountError) -> int:
        """Drop a training-only head that does not fit its input: note it, undo its rows; the next node's position."""
        name = head.qualname or str(head.path)
        self.notes.append(
            f"{name} (a side block that runs only while training) is left out: {exc.message}; "
            "the network is counted without it, its parameters too (they cannot be worked out from this input)"
        )
        while self.rows and self.rows[-1].index >= head.start:
            self.rows.pop()
        keep = head.start  # nodes before the head, plus the inputs' entry
        del self.values[keep:], self.results[keep:], self.prefix[keep:], self.training[keep:]
        for _ in range(head.start, head.stop):
            self.values.append(None)
            self.results.append(None)
            self.prefix.append(self.prefix[-1])
            self.training.append(self.training[-1])
        self.left_out.append((head.start, head.stop))
        return head.stop - 1

    def report(self) -> Report:
        graph, values = self.graph, self.values
        groups: list[Group] = []
        for scope in graph.scopes:
            if any(start <= scope.start < stop for start, stop in self.left_out):
                continue
            side = scope.side_output
            counts = self.prefix[scope.stop - 1] - self.prefix[scope.start - 1]
            if not scope.training:  # as the totals: one inference pass
                counts = counts.replace(
                    macs=counts.macs - (self.training[scope.stop - 1] - self.training[scope.start - 1])
                )
            groups.append(
                Group(
                    scope,
                    self._shape(scope.input),
                    self._shape(scope.output),  # type: ignore[arg-type]
                    counts,
                    self._shape(side) if side is not None else None,
                )
            )
        entries: list[Row | Group] = []
        pending = iter(groups)
        group = next(pending, None)
        for row in self.rows:
            while group is not None and group.start <= row.index:
                entries.append(group)
                group = next(pending, None)
            entries.append(row)
        for out in graph.outputs:
            if values[out.ref[0]] is None and not out.side:
                raise ShapeError(
                    f"outputs: {quote(out.name)} is in a side block that runs only while training, left out here (see its "
                    "note in the table): name an output that runs in inference"
                ).at(graph.outputs_at or "outputs")
        outputs = tuple(
            Output(out.name, self._shape(out.ref), out.side, out.training)
            for out in graph.outputs
            if values[out.ref[0]] is not None
        )
        total = self.prefix[-1]
        training = self.training[-1]
        totals = total.replace(macs=total.macs - training)
        return Report(graph, outputs, tuple(self.rows), tuple(entries), totals, training, tuple(self.notes))

    def _shape(self, ref: Ref) -> Shape:
        shapes = self.values[ref[0]]
        assert shapes is not None
        return shapes[ref[1]]


def _training_head(scope: Scope | None) -> Scope | None:
    """The outermost block around a node that runs only while training, if any."""
    head = None
    while scope is not None and scope.training:
        head = scope
        scope = scope.parent
    return head


def _tensors(tensors: Tensors) -> str:
    """``weight 64x3x7x7, bias 64`` for a message."""
    return ", ".join(f"{name} {format_shape(shape)}" for name, shape in tensors if name not in BUFFERS) or "none"


__all__ = ["Architecture", "Group", "Output", "Path", "Report", "Row", "count", "walk"]
