"""Networks as graphs: the entries a spec writes, and the graph of nodes they expand to.

A spec is a tree of *entries*: layers (:class:`Leaf`), blocks of entries
(:class:`Block`, whose kinds are declared in :mod:`cnncount.blocks`) and uses of a
named layer or block again, with its parameters (:class:`Use`).  :func:`expand`
turns that tree into a :class:`Graph`: a list of :class:`Node`, each one layer
applied to one or more inputs, in execution order, which is a topological order
since an entry can only read what comes before it.  Every block occurrence
becomes a :class:`Scope` holding a contiguous run of nodes, so its subtotal is a
difference of running sums.

Inputs are *references* ``(node index, output number)``; node 0 stands for the
network's inputs.  An entry reads the entry before it unless it says ``from``:
names are looked up from the innermost named block outwards (``conv1`` inside
``layer1.0`` is ``layer1.0.conv1``); ``input`` is the input of the block the
entry is in (the network's at the top); ``name:1`` is output 1 of a split.

Nothing here recurses: blocks nest up to ``limits.MAX_NESTING`` deep, and are
expanded by :func:`run`, which drives generators with an explicit stack.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from . import limits
from .errors import CnnCountError, SpecError, did_you_mean, quote
from .shapes import Shape

if TYPE_CHECKING:
    from .blocks import BlockKind
    from .layers.base import Layer

#: (node index, output number); node 0 is the network's inputs.
Ref = tuple[int, int]

#: The output number of a reference to a node that has several outputs, none chosen.
UNCHOSEN = -1

#: The name that reads the input of the block an entry is in (the network's, at the top).
INPUT = "input"

#: A step of an expansion: a generator that yields the steps it needs done first.
Step = Generator["Step", Any, Any]


def run(step: Step) -> Any:
    """Run ``step`` to its end and return its value.

    A step that yields another step has it run first, and is sent its value:
    so expansions read like recursive code, but use no Python stack however
    deep the blocks nest.
    """
    stack = [step]
    value: Any = None
    while True:
        try:
            inner = stack[-1].send(value)
        except StopIteration as done:
            stack.pop()
            if not stack:
                return done.value
            value = done.value
            continue
        if len(stack) > _MAX_STEPS:
            raise SpecError(limits.TOO_DEEP)
        stack.append(inner)
        value = None


#: Generators a block level takes (the block, its kind's expansion, a part's sequence), with room.
_MAX_STEPS = 4 * limits.MAX_NESTING + 16


class Path:
    """Where an entry sits in the file (``layers[3].shortcut[0]``), spelt out only when asked.

    Each entry keeps its parent and its own piece: building every path as a string
    would cost time in proportion to the depth, for every entry of a deep file.  Once
    spelt out, a path keeps its text, so its children spell theirs from it.
    """

    __slots__ = ("parent", "piece", "text")

    def __init__(self, parent: Path | None, piece: str) -> None:
        self.parent = parent
        self.piece = piece
        self.text: str | None = None

    def __str__(self) -> str:
        if self.text is not None:
            return self.text
        chain: list[Path] = []
        at: Path | None = self
        while at is not None and at.text is None:
            chain.append(at)
            at = at.parent
        text: str = at.text if at is not None and at.text is not None else ""
        for path in reversed(chain):
            text += path.piece
            path.text = text
        return text

    @property
    def last(self) -> str:
        """The name of the list this path's item is in: ``layers``, ``shortcut``, ``branches[1]``."""
        return self.piece.lstrip(".")


class Site:
    """Where a problem with an entry is, spelt out only for a message: ``net.yaml:12:5: layers[3] (conv)``;
    without a file, ``layer 4 (conv)`` (the command line's running number), or ``layers[3] (residual)``."""

    __slots__ = ("loc", "path", "label", "index")

    def __init__(self, loc: str | None, path: Path, label: str, index: int | None = None) -> None:
        self.loc = loc
        self.path = path
        self.label = label
        self.index = index

    def __str__(self) -> str:
        if self.loc:
            return f"{self.loc}: {_short(str(self.path))} ({self.label})"
        if self.index is not None:
            return f"layer {self.index} ({self.label})"
        return f"{_short(str(self.path))} ({self.label})"


def _short(path: str, most: int = 160) -> str:
    """A path as a message shows it: a deep one with its middle left out (the file position says where)."""
    return path if len(path) <= most else f"{path[: most // 2]}...{path[-most // 2 :]}"


#: Where a problem is, for a message: a Site, or text.
Where = Site | str


# --- entries: what a spec writes ----------------------------------------------------------------


class Leaf:
    """A layer written in a spec.

    ``sources`` are the names it reads (``from``), None for the entry before it;
    ``share`` names a layer whose parameters it uses; ``loc`` is where it was
    written (``net.yaml:12:5``), None on the command line.
    """

    __slots__ = ("layer", "loc", "sources", "share")
    size = 1
    depth = 0

    def __init__(
        self,
        layer: Layer,
        loc: str | None = None,
        sources: tuple[str, ...] | None = None,
        share: str | None = None,
    ) -> None:
        self.layer = layer
        self.loc = loc
        self.sources = sources
        self.share = share

    @property
    def name(self) -> str | None:
        return self.layer.name

    @property
    def label(self) -> str:
        return self.layer.kind

    @property
    def edges(self) -> int:
        """The inputs it reads."""
        return 1 if self.sources is None else len(self.sources)


class Use:
    """``{share: NAME}``: the layer or block NAME again, on a new input, with NAME's parameters."""

    __slots__ = ("target", "name", "loc", "sources")
    size = 1  # at least; what it expands to is counted as it expands
    depth = 0

    @property
    def edges(self) -> int:
        return 1 if self.sources is None else len(self.sources)

    def __init__(
        self, target: str, name: str | None = None, loc: str | None = None, sources: tuple[str, ...] | None = None
    ) -> None:
        self.target = target
        self.name = name
        self.loc = loc
        self.sources = sources

    @property
    def label(self) -> str:
        return "share"


class Call:
    """An entry whose values are computed: it holds expressions (``filters: ${in_channels * 4}``),
    a condition (``when``) or uses a template, so what it is can only be read where it is
    expanded, on its input (``input``, ``in_channels``) and, repeated, once per repetition
    (``index``).

    ``read`` is the reader that made it, which reads it then (``sources``, ``repeat`` and
    ``read_call``); ``raw`` is what the spec writes and ``env`` the names it was read with
    (the file's arguments, a template's).
    """

    __slots__ = ("read", "raw", "env", "name", "loc", "label")
    size = 1  # at least; what it reads is counted as it expands
    depth = 0
    edges = 1
    sources = None

    def __init__(
        self, read: Any, raw: Any, env: Mapping[str, Any], name: str | None, loc: str | None, label: str
    ) -> None:
        self.read = read
        self.raw = raw
        self.env = env
        self.name = name
        self.loc = loc
        self.label = label


Entry = Leaf | Use | Call  # | Block, below


class Block:
    """A block of entries, of a kind declared in :mod:`cnncount.blocks`, possibly repeated.

    ``parts`` are its named lists of entries: ``(("layers", (...)), ("shortcut", ()))``,
    ``(("branches[0]", ()), ("branches[1]", (...)))``; ``options`` its kind's options.
    Its size (the nodes it expands to) and depth are known when it is made, so a
    network too big or too deep is refused before any of it is expanded.
    """

    __slots__ = ("kind", "parts", "name", "repeat", "loc", "sources", "options", "size", "depth", "edges")
    size: int
    depth: int
    edges: int

    def __init__(
        self,
        kind: str,
        parts: tuple[tuple[str, tuple[Entry | Block, ...]], ...],
        name: str | None = None,
        repeat: int = 1,
        loc: str | None = None,
        sources: tuple[str, ...] | None = None,
        options: dict[str, Any] | None = None,
    ) -> None:
        from .blocks import block_kind

        self.kind = kind
        self.parts = parts
        self.name = name
        self.repeat = repeat
        self.loc = loc
        self.sources = sources
        self.options = block_kind(kind).check(options or {}, parts)
        inner = sum(entry.size for _, entries in parts for entry in entries)
        self.size = repeat * (inner + block_kind(kind).nodes(self.options))
        # what its entries read, and its merges
        inputs = sum(entry.edges for _, entries in parts for entry in entries)
        self.edges = repeat * (inputs + block_kind(kind).edges(self.options, len(parts)))
        self.depth = 1 + max((entry.depth for _, entries in parts for entry in entries), default=0)
        if self.depth > limits.MAX_NESTING:
            raise SpecError(f"blocks nested {self.depth:,} deep; cnncount reads at most {limits.MAX_NESTING:,} levels")
        if self.size > limits.MAX_LAYERS:
            detail = f"{repeat:,} repetitions of {self.size // repeat:,}" if repeat > 1 else ""
            raise SpecError(
                f"this block expands to {self.size:,} layers{f' ({detail})' if detail else ''}; "
                f"cnncount counts at most {limits.MAX_LAYERS:,} in a network"
            )
        if self.edges > limits.MAX_EDGES:
            raise SpecError(
                f"the layers of this block read {self.edges:,} inputs in all, repetitions included; "
                f"cnncount follows at most {limits.MAX_EDGES:,} in a network"
            )

    @property
    def label(self) -> str:
        return self.kind


class Architecture:
    """A network to count: its inputs, the entries applied to them, and its outputs.

    ``inputs`` are ``(name, shape)`` pairs, channels first (one, named ``input``,
    for most networks); ``layout`` says how shapes are shown.  ``outputs`` names
    the nodes the network gives, None for the last one (side outputs come anyway).
    """

    __slots__ = ("inputs", "entries", "name", "layout", "outputs", "outputs_at", "args", "results", "replay")

    def __init__(
        self,
        input_shape: Shape | tuple[tuple[str, Shape], ...],
        entries: tuple[Entry | Block, ...],
        name: str | None = None,
        layout: str = "channels_first",
        outputs: tuple[str, ...] | None = None,
        outputs_at: str | None = None,
        args: dict[str, Any] | None = None,
    ) -> None:
        named = bool(input_shape) and isinstance(input_shape[0], tuple)
        self.inputs: tuple[tuple[str, Shape], ...] = input_shape if named else ((INPUT, input_shape),)  # type: ignore[assignment]
        self.entries = entries
        self.name = name
        self.layout = layout
        self.outputs = outputs
        #: Where the outputs are written (``net.yaml:2:1``), for a message.
        self.outputs_at = outputs_at
        #: The values of a parametric spec's arguments (``args``) it was read with.
        self.args = args or {}
        #: Layer results by (layer, input shapes), kept across the variants of a sweep.
        self.results: dict[Any, Any] = {}
        #: A sweep's: what expanding the previous variant's entries came to (see Replay).
        self.replay: Replay | None = None
        total = sum(entry.size for entry in entries)
        if total > limits.MAX_LAYERS:
            raise SpecError(f"the network expands to {total:,} layers; cnncount counts at most {limits.MAX_LAYERS:,}")
        edges = sum(entry.edges for entry in entries)
        if edges > limits.MAX_EDGES:
            raise SpecError(
                f"the network's layers read {edges:,} inputs in all; cnncount follows at most {limits.MAX_EDGES:,}"
            )

    @property
    def input_shape(self) -> Shape:
        """The shape of the (first) input."""
        return self.inputs[0][1]

    def replace(self, **changes: Any) -> Architecture:
        """A copy with some of ``input_shape``, ``entries``, ``name``, ``layout``, ``outputs`` changed."""
        values: dict[str, Any] = {
            "input_shape": self.inputs,
            "entries": self.entries,
            "name": self.name,
            "layout": self.layout,
            "outputs": self.outputs,
            "outputs_at": self.outputs_at,
            "args": self.args,
        }
        values.update(changes)
        arch = Architecture(**values)
        arch.results = self.results
        if arch.entries is self.entries and arch.inputs == self.inputs:
            arch.replay = self.replay
        return arch


# --- the graph ---------------------------------------------------------------------------------


class Scope:
    """One occurrence of a block: the nodes ``start`` to ``stop - 1`` are inside it.

    ``prefix`` is the dotted name its nodes' names start with (that of the innermost
    named block around them); ``training`` marks an auxiliary head that runs only
    while training.
    """

    __slots__ = (
        "kind",
        "title",
        "qualname",
        "base",
        "prefix",
        "path",
        "loc",
        "depth",
        "parent",
        "start",
        "stop",
        "input",
        "output",
        "side_output",
        "training",
        "entry",
    )
    prefix: str
    depth: int
    training: bool

    def __init__(
        self,
        entry: Block,
        title: str,
        qualname: str | None,
        path: Path,
        parent: Scope | None,
        start: int,
        source: Ref,
    ) -> None:
        self.kind = entry.kind
        self.title = title
        self.qualname = qualname
        #: What the block's name means once it is done: this occurrence (the last one, when repeated).
        self.base = qualname
        self.prefix = qualname if qualname is not None else (parent.prefix if parent else "")
        self.path = path
        self.loc = entry.loc
        self.depth = parent.depth + 1 if parent else 0
        self.parent = parent
        self.start = start
        self.stop = start
        self.input = source
        self.output: Ref | None = None
        self.side_output: Ref | None = None
        self.training = bool(parent and parent.training)
        self.entry = entry


class Node:
    """One layer applied to its inputs, at its place in the graph.

    ``implicit`` marks a merge a block adds itself (a residual's add), whose
    errors are the block's; ``share`` is the index of the node whose parameters
    it uses; ``labels`` name its inputs in messages.
    """

    __slots__ = ("index", "layer", "inputs", "labels", "name", "scope", "path", "loc", "share", "implicit")

    def __init__(
        self,
        index: int,
        layer: Layer,
        inputs: tuple[Ref, ...],
        labels: tuple[str, ...],
        name: str,
        scope: Scope | None,
        path: Path,
        loc: str | None,
        share: int | None = None,
        implicit: bool = False,
    ) -> None:
        self.index = index
        self.layer = layer
        self.inputs = inputs
        self.labels = labels
        self.name = name
        self.scope = scope
        self.path = path
        self.loc = loc
        self.share = share
        self.implicit = implicit

    @property
    def qualname(self) -> str:
        """The name inside its blocks: ``layer1.0.conv1``."""
        prefix = self.scope.prefix if self.scope is not None else ""
        return f"{prefix}.{self.name}" if prefix else self.name

    @property
    def training(self) -> bool:
        return self.scope is not None and self.scope.training

    def where(self) -> Site:
        """Where a problem with this node is: ``net.yaml:12:5: layers[3] (conv)``, or ``layer 4 (conv)``."""
        if self.implicit and self.scope is not None:
            return Site(self.scope.loc, self.scope.path, self.scope.kind)
        return Site(self.loc, self.path, self.layer.kind, self.index)


class OutputRef:
    """An output of the network: a node's output, named; side outputs come from side blocks."""

    __slots__ = ("name", "ref", "side", "scope")

    def __init__(self, name: str, ref: Ref, side: bool = False, scope: Scope | None = None) -> None:
        self.name = name
        self.ref = ref
        self.side = side
        self.scope = scope

    @property
    def training(self) -> bool:
        return self.scope is not None and self.scope.training


class Graph:
    """A network as nodes in execution order, the block occurrences around them, and its outputs."""

    __slots__ = (
        "inputs",
        "nodes",
        "scopes",
        "outputs",
        "name",
        "layout",
        "outputs_at",
        "cache",
        "args",
        "replay",
        "kept",
    )

    def __init__(
        self,
        inputs: tuple[tuple[str, Shape], ...],
        nodes: list[Node],
        scopes: list[Scope],
        outputs: list[OutputRef],
        name: str | None,
        layout: str,
        outputs_at: str | None = None,
    ) -> None:
        self.inputs = inputs
        self.nodes = nodes
        self.scopes = scopes
        self.outputs = outputs
        self.name = name
        self.layout = layout
        #: Where the file lists its outputs, for a message.
        self.outputs_at = outputs_at
        #: Layer results already worked out, by (layer, input shapes): the walker starts from them.
        self.cache: dict[Any, Any] = {}
        #: The arguments a parametric spec was read with.
        self.args: dict[str, Any] = {}
        #: A sweep's variant: its Replay, and how many of its first nodes are the previous variant's.
        self.replay: Replay | None = None
        self.kept = 0

    def node(self, index: int) -> Node:
        return self.nodes[index - 1]

    def ref_name(self, ref: Ref) -> str:
        """``layer1.0.bn3``, ``halves:1`` or ``input``: how a reference is named in JSON."""
        index, k = ref
        if index == 0:
            return self.inputs[k][0]
        node = self.nodes[index - 1]
        return f"{node.qualname}:{k}" if node.layer.output_count > 1 else node.qualname


def expand(arch: Architecture) -> Graph:
    """The graph an architecture's entries expand to."""
    builder = Builder(arch)
    return builder.build()


class _Names(Mapping[str, Any]):
    """The names an entry's expressions read: those it was read with, its repetition's ``index``
    and, worked out only when read, its input's shape (``input``, ``in_channels``)."""

    __slots__ = ("builder", "env", "reads", "index", "where")

    def __init__(self, builder: Builder, env: Mapping[str, Any], reads: Any, index: int | None, where: Where) -> None:
        self.builder = builder
        self.env = env
        self.reads = reads
        self.index = index
        self.where = where

    def using(self, env: Mapping[str, Any]) -> _Names:
        """The same input, other names (a template's), no repetition."""
        return _Names(self.builder, env, self.reads, None, self.where)

    def __getitem__(self, name: str) -> Any:
        reads = self.builder.reads
        if reads is not None:
            reads.add(name)
        if name in LATE:
            if name == "index":  # its own repetition's, or that of a repeated block it is in
                return self.env[name] if self.index is None else self.index
            if self.reads is None:
                raise KeyError(name)
            shape = self.builder.shape(self.reads(), self.where)
            return shape if name == "input" else shape[0]
        return self.env[name]

    def __contains__(self, name: object) -> bool:
        reads = self.builder.reads
        if reads is not None and isinstance(name, str):
            reads.add(name)
        if name == "index":
            return self.index is not None or name in self.env
        if name in LATE:
            return self.reads is not None
        return name in self.env

    def __iter__(self) -> Iterator[str]:
        yield from self.env
        if self.index is not None and "index" not in self.env:
            yield "index"
        if self.reads is not None:
            yield from ("input", "in_channels")

    def __len__(self) -> int:
        return sum(1 for _ in self)


#: The names an expression reads that only the graph knows: the repetition, the input's shape.
LATE = ("index", "input", "in_channels")


class _Pending:
    """What a block's name refers to while the block is being expanded."""

    __slots__ = ("scope",)

    def __init__(self, scope: Scope) -> None:
        self.scope = scope


class Replay:
    """What expanding one variant of a sweep came to, kept for the next variant: at points after
    some of the top-level entries, the builder's state and the names of the file's arguments
    that the entries up to there read, with their values.  The next variant starts from the
    last point whose names all have the same values (and the same input, bias and entries):
    its nodes and blocks so far are the same objects, and only the entries after it are
    expanded again; the walker takes the rows of those nodes from the previous count.  A sweep whose last argument is read only by the last entries (the classifier's
    width) expands each variant's body once."""

    __slots__ = ("context", "points", "nodes", "scopes", "outputs", "values", "walked")

    #: Points kept at most: each copies the names so far, so a long flat file keeps a few.
    MOST = 32

    def __init__(self) -> None:
        self.context: Any = None
        self.points: list[_Point] = []
        self.nodes: list[Node] = []
        self.scopes: list[Scope] = []
        self.outputs: list[OutputRef] = []
        self.values: list[tuple[Shape, ...] | None] = []
        #: What counting the previous variant came to, node by node (the walker's, in model.py).
        self.walked: Any = None


class _Point:
    __slots__ = ("after", "reads", "x", "names", "written", "numbers", "counts")

    def __init__(self, after: int, reads: tuple[tuple[str, Any], ...], x: Ref, builder: Builder) -> None:
        self.after = after
        self.reads = reads
        self.x = x
        self.names = dict(builder.names)
        self.written = set(builder.written)
        self.numbers = dict(builder.numbers)
        b = builder
        self.counts = (len(b.nodes), len(b.scopes), len(b.outputs), len(b.values), b.edges, b.name_text)


_ABSENT = object()


def frozen(value: Any) -> Any:
    """A value of an argument as a key that tells what expressions tell apart: ``1``, ``1.0`` and
    ``true`` differ (Python's ``==`` and ``hash`` say they are one), and a list is a tuple."""
    if isinstance(value, (list, tuple)):
        return (type(value), tuple(frozen(item) for item in value))
    return (type(value), value)


class Builder:
    """Expands entries into nodes; the API block kinds expand themselves with."""

    def __init__(self, arch: Architecture) -> None:
        self.arch = arch
        self.nodes: list[Node] = []
        self.scopes: list[Scope] = []
        self.outputs: list[OutputRef] = []
        #: Qualified name -> the node, or block occurrence, it names (the latest of that name).
        self.names: dict[str, Ref | Scope | _Pending] = {}
        #: The names a spec wrote (not made up as conv1, conv2): a made-up name never takes one.
        self.written: set[str] = set()
        self.input_names = {name for name, _ in arch.inputs}
        for number, (name, _) in enumerate(arch.inputs):
            if not isinstance(name, str) or not name or _split_output(name)[1] is not None:
                raise SpecError(f"inputs: {quote(name)} cannot name an input (a word, not ending in :N)")
            self.names[name] = (0, number)
            self.written.add(name)
        #: Running number of each kind, for the names of unnamed layers (conv1, conv2).
        self.numbers: dict[str, int] = {}
        #: While a shared block is expanded again: (first new node, first node of the original, its name).
        self.sharing: list[tuple[int, int, str]] = []
        #: The name of the entry whose inputs are being looked up, and where it is, for messages.
        self.current: str | None = None
        self.site: Where | None = None
        #: What the network's nodes read in all, and the length of their qualified names in all.
        self.edges = 0
        self.name_text = 0
        #: The names written inside each block entry (by id), found when first needed.
        self.inside: dict[int, frozenset[str]] = {}
        #: The output shapes of the nodes so far (0: the inputs'), worked out only when an
        #: expression reads an entry's input; the walker takes over the results.
        self.values: list[tuple[Shape, ...] | None] = [tuple(shape for _, shape in arch.inputs)]
        self.cache: dict[Any, Any] = arch.results
        #: While a sweep's variant is expanded: the names its expressions read (see Replay), and
        #: how many nodes it starts with that are the previous variant's.
        self.reads: set[str] | None = None
        self.kept = 0

    def build(self) -> Graph:
        arch = self.arch
        start: Ref = (0, 0) if len(arch.inputs) == 1 else (0, UNCHOSEN)
        try:
            if arch.replay is None:
                last = run(self.sequence(arch.entries, start, None, Path(None, "layers")))
            else:
                last = self.replayed(arch.entries, start, arch.replay)
        except SpecError as exc:  # too deep: raised by run, where the deepest entry is
            raise exc.at(self.site or "layers") from None
        if arch.outputs is None and last[1] == UNCHOSEN and last[0] > 0:  # ends with a split: each part
            node = self.nodes[last[0] - 1]
            main = [OutputRef(f"{node.qualname}:{k}", (node.index, k)) for k in range(node.layer.output_count)]
        elif arch.outputs is None:
            main = [OutputRef(self.ref_label(last), self.check_chosen(last, "the network's output"))]
        else:
            where = arch.outputs_at or "outputs"
            main = [OutputRef(name, self.resolve(name, None, where, "outputs")) for name in arch.outputs]
        listed = {out.ref for out in main}
        outputs = [*main, *(out for out in self.outputs if out.ref not in listed)]
        graph = Graph(arch.inputs, self.nodes, self.scopes, outputs, arch.name, arch.layout, arch.outputs_at)
        graph.cache = self.cache
        graph.args = arch.args
        graph.replay, graph.kept = arch.replay, self.kept
        return graph

    # --- sequences and entries

    def sequence(
        self, entries: tuple[Entry | Block, ...], x: Ref, scope: Scope | None, path: Path, first: int = 0
    ) -> Step:
        """Expand a list of entries, each reading the one before unless it says ``from``; its output
        (``first``: the number of the first in its list, for their paths)."""
        for number, entry in enumerate(entries, first):
            here = Path(path, f"[{number}]")
            if isinstance(entry, Leaf):
                x = self.leaf(entry, x, scope, here)
            elif isinstance(entry, Use):
                x = yield self.use(entry, x, scope, here)
            elif isinstance(entry, Call):
                x = yield self.call(entry, x, scope, here)
            else:
                x = yield self.block(entry, x, scope, here)
        return x

    def replayed(self, entries: tuple[Entry | Block, ...], x: Ref, replay: Replay) -> Ref:
        """Expand the top-level entries of a sweep's variant from where the previous one's are the
        same (see Replay); keep the points of this one for the next."""
        env = self.arch.args
        marks = tuple(id(entry.raw) if isinstance(entry, Call) else type(entry) for entry in entries)
        context = (self.arch.inputs, marks)
        points: list[_Point] = []
        if replay.context == context:
            for point in replay.points:
                if any(frozen(env.get(name, _ABSENT)) != value for name, value in point.reads):
                    break
                points.append(point)
        begin = 0
        if points:
            point = points[-1]
            n_nodes, n_scopes, n_outputs, n_values, self.edges, self.name_text = point.counts
            self.nodes = replay.nodes[:n_nodes]
            self.scopes = replay.scopes[:n_scopes]
            self.outputs = replay.outputs[:n_outputs]
            self.values = replay.values[:n_values]
            self.names, self.written, self.numbers = dict(point.names), set(point.written), dict(point.numbers)
            x, begin, self.kept = point.x, point.after + 1, n_nodes
        top = Path(None, "layers")
        self.reads = set()
        try:
            for number in range(begin, len(entries)):
                x = run(self.sequence((entries[number],), x, None, top, number))
                if number + 1 < len(entries) and len(points) < Replay.MOST and not isinstance(entries[number], Leaf):
                    reads = tuple((name, frozen(env[name])) for name in sorted(self.reads) if name in env)
                    points.append(_Point(number, reads, x, self))
                    self.reads = set()
        finally:
            self.reads = None
        replay.context, replay.points = context, points
        replay.nodes, replay.scopes, replay.outputs, replay.values = self.nodes, self.scopes, self.outputs, self.values
        return x

    def part(self, scope: Scope, number: int, x: Ref) -> Step:
        """Expand part ``number`` of a block occurrence's entry on ``x`` (an empty part gives ``x``)."""
        label, entries = scope.entry.parts[number]
        return self.sequence(entries, x, scope, Path(scope.path, f".{label}"))

    def leaf(self, entry: Leaf, x: Ref, scope: Scope | None, path: Path) -> Ref:
        where = Site(entry.loc, path, entry.layer.kind, len(self.nodes) + 1)
        self.current = entry.layer.name
        inputs, labels = self.inputs_of(entry, x, scope, where)
        share = None
        if entry.share is not None:
            target = self.lookup(entry.share, scope, where, "share")
            share = self.shared_layer(entry.layer, target, entry.share, where)
        return self.add_node(entry.layer, inputs, labels, entry.layer.name, scope, path, entry.loc, where, share)

    def use(self, entry: Use, x: Ref, scope: Scope | None, path: Path) -> Step:
        where = self.site = Site(entry.loc, path, entry.label, len(self.nodes) + 1)
        self.current = entry.name
        target = self.lookup(entry.target, scope, where, "share")
        if isinstance(target, tuple):  # a layer: the same layer again
            if target[0] == 0:
                raise SpecError(f"share: {quote(entry.target)} is an input of the network, not a layer or block").at(
                    where
                )
            layer = self.nodes[target[0] - 1].layer.replace(name=entry.name)
            inputs, labels = self.inputs_of(entry, x, scope, where)
            share = self.shared_layer(layer, target, entry.target, where)
            return self.add_node(layer, inputs, labels, entry.name, scope, path, entry.loc, where, share)
        # a block occurrence: its entry once more, each node sharing the parameters of its twin
        original = target
        if entry.sources is not None:
            x = self.source(entry.sources, x, scope, where)
        block = original.entry
        occurrence = self.open(block, entry.name, None, scope, path, x)
        self.sharing.append((occurrence.start, original.start, original.qualname or entry.target))
        try:
            out = yield self.kind(block).expand(self, occurrence, x)
        finally:
            self.sharing.pop()
        self.close(occurrence, out)
        return out

    def block(self, entry: Block, x: Ref, scope: Scope | None, path: Path) -> Step:
        where = self.site = Site(entry.loc, path, entry.kind, len(self.nodes) + 1)
        self.current = entry.name
        if entry.sources is not None:
            x = self.source(entry.sources, x, scope, where)
        kind = self.kind(entry)
        if not kind.scoped:  # inline: its layers in place, in the block around it
            if entry.name is not None:
                raise SpecError(
                    f"name: an inline block has no name of its own (its layers are named in the block around "
                    f"it); got {quote(entry.name)}",
                    key="name",
                ).at(where)
            label, entries = entry.parts[0]
            for rep in range(entry.repeat):
                here = Path(path, f"#{rep + 1}") if entry.repeat > 1 else path
                x = yield self.sequence(entries, x, scope, Path(here, f".{label}"))
            return x
        for rep in range(entry.repeat):
            here = Path(path, f"#{rep + 1}") if entry.repeat > 1 else path
            occurrence = self.open(entry, entry.name, rep if entry.repeat > 1 else None, scope, here, x)
            x = yield kind.expand(self, occurrence, x)
            self.close(occurrence, x)
        return x

    def call(self, entry: Call, x: Ref, scope: Scope | None, path: Path) -> Step:
        """Read an entry whose values are computed, once per repetition, each on its own input; expand it."""
        where = self.site = Site(entry.loc, path, entry.label, len(self.nodes) + 1)
        self.current = entry.name
        reader = entry.read
        sources = reader.sources(entry, _Names(self, entry.env, None, None, where))

        def first() -> Ref:  # what its first repetition reads: worked out only if an expression asks
            if sources:
                return self.resolve(sources[0], scope, where)
            return self.check_chosen(x, "the entry before", where)

        repeat = reader.repeat(entry, _Names(self, entry.env, first, None, where))
        for rep in range(repeat):
            here = Path(path, f"#{rep + 1}") if repeat > 1 else path
            where = self.site = Site(entry.loc, here, entry.label, len(self.nodes) + 1)
            reads = first if rep == 0 else (lambda x=x: x)  # type: ignore[misc]
            names = _Names(self, entry.env, reads, rep if "repeat" in entry.raw else None, where)
            concrete = yield reader.read_call(entry, names, here, sources if rep == 0 else None)
            if concrete is None:  # dropped by its condition (when)
                continue
            self.current = concrete.name
            if isinstance(concrete, Leaf):
                x = self.leaf(concrete, x, scope, here)
            elif isinstance(concrete, Use):
                x = yield self.use(concrete, x, scope, here)
            elif (
                repeat > 1 and self.kind(concrete).scoped
            ):  # a block read again for each repetition: named as a repeated block's are,
                # b.0, b.1, ...; unless its name is computed (name: ${index}): that names each itself
                if concrete.sources is not None:
                    x = self.source(concrete.sources, x, scope, where)
                own = entry.name is None and "name" in entry.raw
                occurrence = self.open(concrete, concrete.name, None if own else rep, scope, here, x)
                x = yield self.kind(concrete).expand(self, occurrence, x)
                self.close(occurrence, x)
            else:
                x = yield self.block(concrete, x, scope, here)
        return x

    def shape(self, ref: Ref, where: Where) -> Shape:
        """The shape a reference has, worked out now (for an expression that reads ``input``)."""
        index, k = ref
        values = self.values
        while len(values) <= index:
            node = self.nodes[len(values) - 1]
            got = [values[i] for i, _ in node.inputs]
            if any(shapes is None for shapes in got):
                values.append(None)
                continue
            shaped = tuple(g[j] for g, (_, j) in zip(got, node.inputs))  # type: ignore[index]
            try:
                key = (node.layer, shaped)
                res = self.cache.get(key)
                if res is None:
                    from .shapes import check_sizes

                    res = self.cache[key] = check_sizes(node.layer.apply(shaped, node.labels))
                values.append(res.output_shapes)
            except CnnCountError as exc:
                if node.training:  # a training-only head that does not fit: the walker leaves it out
                    values.append(None)
                    continue
                raise exc.at(node.where()) from None
        shapes = values[index]
        if shapes is None:
            raise SpecError(f"input: reads {self.ref_label(ref)}, which runs only while training and is left out").at(
                where
            )
        return shapes[max(k, 0)]

    @staticmethod
    def kind(entry: Block) -> BlockKind:
        from .blocks import block_kind

        return block_kind(entry.kind)

    # --- block occurrences

    def open(self, entry: Block, name: str | None, rep: int | None, parent: Scope | None, path: Path, x: Ref) -> Scope:
        """Start an occurrence of a block; until it closes, its name cannot be read.

        The occurrences of a repeated block named ``b`` are named ``b.0``, ``b.1``, ...
        (like the modules of a PyTorch Sequential); ``b`` names the last one done.
        """
        prefix = parent.prefix if parent is not None else ""
        base = qualname = None
        title = entry.kind if name is None else name
        site = Site(entry.loc, path, entry.kind, len(self.nodes) + 1)
        if name is not None:
            base = qualname = f"{prefix}.{name}" if prefix else name
            self.check_name(name, base, site)
            if rep is not None:
                qualname = f"{base}.{rep}"
                title = f"{name}.{rep}"
            self.count_name(qualname, site)
        elif rep is not None:
            title = f"{entry.kind} #{rep + 1}"
        scope = Scope(entry, title, qualname, path, parent, len(self.nodes) + 1, x)
        scope.base = base
        if self.kind(entry).training(entry.options):
            scope.training = True
        self.scopes.append(scope)
        if qualname is not None and base is not None:
            self.names[qualname] = self.names[base] = _Pending(scope)
            self.written.update((qualname, base))
        return scope

    def close(self, scope: Scope, output: Ref) -> None:
        scope.stop = len(self.nodes) + 1
        scope.output = output
        if scope.qualname is not None and scope.base is not None:
            self.names[scope.qualname] = self.names[scope.base] = scope

    def side_output(self, scope: Scope, ref: Ref) -> None:
        """Report ``ref`` as a side output of the network (a side block's); its name reads it."""
        scope.side_output = self.check_chosen(ref, f"side block {scope.path}", Site(scope.loc, scope.path, scope.kind))
        name = scope.qualname or self.ref_label(ref)
        self.outputs.append(OutputRef(name, scope.side_output, True, scope))

    def merge(self, scope: Scope, layer: Layer, inputs: tuple[Ref, ...], labels: tuple[str, ...]) -> Ref:
        """Add a node a block makes itself (the add of a residual, the concat of a concat)."""
        where = Site(scope.loc, scope.path, scope.kind)
        what = "the block's input" if len(inputs) == 1 else None
        inputs = tuple(
            self.check_chosen(ref, what or f"the block's {label}", where) for ref, label in zip(inputs, labels)
        )
        path = Path(scope.path, f".{layer.kind}")
        return self.add_node(layer, inputs, labels, None, scope, path, scope.loc, where, None, implicit=True)

    # --- nodes

    def add_node(
        self,
        layer: Layer,
        inputs: tuple[Ref, ...],
        labels: tuple[str, ...],
        name: str | None,
        scope: Scope | None,
        path: Path,
        loc: str | None,
        where: Where,
        share: int | None,
        implicit: bool = False,
    ) -> Ref:
        """Add a node: the one place every layer of the graph is made, and checked.  (This runs once a
        layer: the common case, one input and a name, takes the shortest way.)"""
        nodes = self.nodes
        index = len(nodes) + 1
        if index > limits.MAX_LAYERS:
            raise SpecError(
                f"the network expands to more than {limits.MAX_LAYERS:,} layers; cnncount counts at most that"
            ).at(where)
        count = len(inputs)
        self.edges += count
        if self.edges > limits.MAX_EDGES:
            raise SpecError(
                f"the network's layers read more than {limits.MAX_EDGES:,} inputs in all; cnncount follows at most that"
            ).at(where)
        least, most = layer.arity
        if count < least or (most is not None and count > most):
            wants = "one input" if most == 1 else f"{least} or more inputs"
            got = f"{count}" + (f" (from: {', '.join(labels)})" if labels else "")
            hint = "; name them with from: [a, b]" if least > count else ""
            raise SpecError(f"{layer.kind} reads {wants}, got {got}{hint}").at(where)
        if scope is None:
            prefix, training = "", False
        else:
            prefix, training = scope.prefix, scope.training
        if not training:  # an inference layer cannot read one that runs only while training
            for ref in inputs:
                if ref[0] and nodes[ref[0] - 1].training:
                    self.check_training(ref, training, where)
        kind = layer.kind
        numbers = self.numbers
        number = numbers[kind] = numbers.get(kind, 0) + 1  # every layer of a kind has its number
        if name is not None:
            own = name
            qualified = f"{prefix}.{own}" if prefix else own
            if name == INPUT or qualified in self.input_names or ":" in name:
                self.check_name(name, qualified, where)
            self.written.add(qualified)
        else:  # made up of its kind and number, skipping the names the spec wrote
            own = f"{kind}{number}"
            qualified = f"{prefix}.{own}" if prefix else own
            while qualified in self.written:
                number = numbers[kind] = number + 1
                own = f"{kind}{number}"
                qualified = f"{prefix}.{own}" if prefix else own
        self.name_text += len(qualified)
        if self.name_text > limits.MAX_NAME_TEXT:
            self.count_name("", where)
        if self.sharing:
            new_start, old_start, shared = self.sharing[-1]
            twin = nodes[old_start + (index - new_start) - 1]
            if twin.layer != layer:
                raise SpecError(f"this copy of {shared} does not match it: {twin.qualname} is a {twin.layer.kind}").at(
                    where
                )
            share = twin.share if twin.share is not None else twin.index
        nodes.append(Node(index, layer, inputs, labels, own, scope, path, loc, share, implicit))
        ref = (index, 0) if layer.output_count == 1 else (index, UNCHOSEN)
        self.names[qualified] = ref
        return ref

    def count_name(self, qualified: str, where: Where) -> None:
        """Keep the qualified names of all the layers and blocks within MAX_NAME_TEXT: named blocks nested
        deep and used many times would otherwise take gigabytes of names."""
        self.name_text += len(qualified)
        if self.name_text > limits.MAX_NAME_TEXT:
            raise SpecError(
                f"the qualified names of the layers and blocks come to more than {limits.MAX_NAME_TEXT:,} "
                "characters (named blocks nested deep and used many times); cnncount keeps at most that"
            ).at(where)

    def check_name(self, name: str, qualified: str, where: Where) -> None:
        """A name a spec gives a layer or a block: not one that reads something else."""
        if name == INPUT:
            raise SpecError(
                f"name: {INPUT!r} is the name of the block's input; call the layer something else", key="name"
            ).at(where)
        if qualified in self.input_names:
            raise SpecError(f"name: {quote(name)} is an input of the network; call the layer something else").at(where)
        if _split_output(name)[1] is not None:
            raise SpecError(f"name: {quote(name)} ends like an output number (name:1 reads output 1 of a split)").at(
                where
            )

    def check_training(self, ref: Ref, training: bool, where: Where) -> None:
        """An inference layer cannot read a layer that runs only while training."""
        if ref[0] and not training and self.nodes[ref[0] - 1].training:
            node = self.nodes[ref[0] - 1]
            raise SpecError(
                f"reads {node.qualname}, which runs only while training (a side block with training: true); "
                "a layer that runs in inference cannot"
            ).at(where)

    def shared_layer(self, layer: Layer, target: Ref | Scope, written: str, where: Where) -> int:
        """The node whose parameters a layer shares; it must be the same layer."""
        if not isinstance(target, tuple):
            raise SpecError(
                f"share: {quote(written)} is a block ({target.kind}); a layer can share a layer's parameters"
            ).at(where)
        if target[0] == 0:
            raise SpecError(f"share: {quote(written)} is an input of the network, not a layer").at(where)
        node = self.nodes[target[0] - 1]
        if node.layer != layer:
            if node.layer.kind != layer.kind:
                raise SpecError(f"share: {quote(written)} is a {node.layer.kind}, not a {layer.kind}").at(where)
            differ = [
                f"{p.name} {getattr(node.layer, p.name)!r} there, {getattr(layer, p.name)!r} here"
                for p in layer.params()
                if getattr(node.layer, p.name) != getattr(layer, p.name)
            ]
            raise SpecError(f"share: {quote(written)} has other options ({'; '.join(differ)})").at(where)
        return node.share if node.share is not None else node.index

    # --- names

    def inputs_of(
        self, entry: Leaf | Use, x: Ref, scope: Scope | None, where: Where
    ) -> tuple[tuple[Ref, ...], tuple[str, ...]]:
        """The references an entry reads and their labels: its ``from`` names, or the entry before."""
        if entry.sources is None:
            return (self.check_chosen(x, "the entry before", where),), ()
        if len(entry.sources) > limits.MAX_INPUTS:
            raise SpecError(f"from: {len(entry.sources):,} names; a layer reads at most {limits.MAX_INPUTS:,}").at(
                where
            )
        return tuple(self.resolve(written, scope, where) for written in entry.sources), entry.sources

    def source(self, sources: tuple[str, ...], x: Ref, scope: Scope | None, where: Where) -> Ref:
        """The one input a block reads."""
        if len(sources) != 1:
            raise SpecError(f"from: a block reads one input, got {len(sources)}").at(where)
        ref = self.resolve(sources[0], scope, where)
        self.check_training(ref, scope is not None and scope.training, where)
        return ref

    def resolve(self, written: str, scope: Scope | None, where: Where, key: str = "from") -> Ref:
        """The reference a ``from`` name means, seen from inside ``scope``: ``conv3``, ``halves:1``."""
        found = self.lookup(written, scope, where, key)
        base, k = _split_output(written)
        if isinstance(found, Scope):  # a block: its output (a side block's: its side output)
            ref = found.side_output if found.side_output is not None else found.output
            assert ref is not None
        else:
            ref = found
        if ref[1] == UNCHOSEN:  # a split, or the inputs of a network that has several
            count = self.nodes[ref[0] - 1].layer.output_count if ref[0] else len(self.arch.inputs)
        else:
            count = 1
        if k is None:
            return self.check_chosen(ref, f"{key}: {quote(written)}", where, key)
        if k >= count:
            what = "one output" if count == 1 else f"{count} outputs (0 to {count - 1})"
            raise SpecError(f"{key}: {quote(written)}: {quote(base)} has {what}").at(where)
        return (ref[0], k) if count > 1 else ref

    def lookup(self, written: str, scope: Scope | None, where: Where, key: str) -> Ref | Scope:
        """What a name means inside ``scope``: a node's reference or a finished block occurrence.

        ``input`` is the input of the block ``scope`` is an occurrence of; other names
        are looked up in the innermost named block, then in the blocks around it.  A
        name found outside a block that also writes it later is refused: which of the
        two it means would depend on where the block repeats.
        """
        if not isinstance(written, str) or not written or len(written) > limits.MAX_NAME:
            raise SpecError(f"{key}: expected the name of an earlier layer or block, got {quote(written)}").at(where)
        name, _ = _split_output(written)
        if name == INPUT and scope is not None:
            return scope.input
        for prefix in _prefixes(scope):
            found = self.names.get(f"{prefix}.{name}" if prefix else name)
            if found is None:
                continue
            if isinstance(found, _Pending):
                raise SpecError(
                    f"{key}: {quote(name)} is a block this entry is inside: its output comes after this entry"
                ).at(where)
            self.check_found(name, found, scope, where, key)
            return found
        raise SpecError(f"{key}: {self.missing(name, key != 'outputs')}").at(where)

    def check_found(self, name: str, found: Ref | Scope, scope: Scope | None, where: Where, key: str) -> None:
        """Refuse a name found outside a block that writes it too (later), and, in a copy of a shared block,
        one found outside the copy."""
        first = found[0] if isinstance(found, tuple) else found.start
        if self.sharing and first < self.sharing[-1][0]:
            raise SpecError(
                f"{key}: {quote(name)} is outside {self.sharing[-1][2]}: a shared block can read only its input "
                "and its own layers"
            ).at(where)
        at = scope
        while at is not None and first < at.start:  # found outside this occurrence
            if name in self.names_inside(at.entry):
                raise SpecError(
                    f"{key}: {quote(name)} is written inside this block ({at.path}) after this entry, and another "
                    f"{quote(name)} before the block: an entry reads only what comes before it in its block"
                ).at(where)
            at = at.parent

    def names_inside(self, entry: Block) -> frozenset[str]:
        """The names written by the entries of a block, at any depth (aliases read once)."""
        found = self.inside.get(id(entry))
        if found is None:
            found = self.inside[id(entry)] = frozenset(
                e.name for e in entries_in(tuple(e for _, part in entry.parts for e in part)) if e.name is not None
            )
        return found

    def missing(self, name: str, entry: bool = True) -> str:
        """Why a name is not found: it is the entry's own, it comes later, or it is not there at all."""
        if name == self.current:
            return f"{quote(name)} is this entry: an entry reads only what comes before it"
        later = _written_later(self.arch.entries, name, self.site)
        if later is not None:
            return f"{quote(name)} comes later ({later}): an entry reads only what comes before it"
        known = sorted({key.rpartition(".")[2] for key in self.names} | set(self.names))
        hint = did_you_mean(name, known) if len(known) <= 10_000 else ""
        return f"no layer or block named {quote(name)}{' before this entry' if entry else ''}{hint}"

    def check_chosen(self, ref: Ref, what: str, where: Where | None = None, key: str = "from") -> Ref:
        """A reference that names one output: refuse one to a node that has several."""
        if ref[1] != UNCHOSEN:
            return ref
        if ref[0] == 0:
            names = ", ".join(name for name, _ in self.arch.inputs)
            raise SpecError(
                f"{what} is the network's {len(self.arch.inputs)} inputs ({names}): name the one it reads with from"
            ).at(where or "layers[0]")
        node = self.nodes[ref[0] - 1]
        count = node.layer.output_count
        raise SpecError(
            f"{what} is {node.qualname} ({node.layer.kind}), which has {count} outputs: "
            f"name one, as {key}: {node.qualname}:0 ... {node.qualname}:{count - 1}"
        ).at(where or node.where())

    def ref_label(self, ref: Ref) -> str:
        index, k = ref
        if index == 0:
            return self.arch.inputs[max(k, 0)][0]
        return self.nodes[index - 1].qualname


def _split_output(written: str) -> tuple[str, int | None]:
    """``halves:1`` -> ``("halves", 1)``; a name without an output number -> ``(name, None)``."""
    base, colon, number = written.rpartition(":")
    if colon and base and number.isascii() and number.isdigit():
        return base, int(number)
    return written, None


def _prefixes(scope: Scope | None) -> Iterator[str]:
    """The dotted names a name is tried under: the innermost named block's first, the top level's last."""
    seen = None
    while scope is not None:
        if scope.prefix != seen:
            seen = scope.prefix
            yield seen
        scope = scope.parent
    if seen != "":
        yield ""


def entries_in(entries: tuple[Entry | Block, ...]) -> Iterator[Entry | Block]:
    """Every entry of a tree, once (aliases share entries), in the order they are written; no recursion."""
    todo: list[Entry | Block] = list(reversed(entries))
    seen: set[int] = set()
    while todo:
        entry = todo.pop()
        if id(entry) in seen:
            continue
        seen.add(id(entry))
        yield entry
        if isinstance(entry, Block):
            for _, part in reversed(entry.parts):
                todo.extend(reversed(part))


def _position(loc: str | None) -> tuple[int, int]:
    """``net.yaml:12:5`` -> ``(12, 5)``, for ordering; (0, 0) when unknown."""
    parts = (loc or "").rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return int(parts[1]), int(parts[2])
    return 0, 0


def _written_later(entries: tuple[Entry | Block, ...], name: str, site: Where | None) -> str | None:
    """Where an entry named ``name`` is written after ``site`` (or anywhere, if it is not known), for a message."""
    after = _position(site.loc if isinstance(site, Site) else None)
    first = None
    for entry in entries_in(entries):
        if entry.name == name:
            if _position(entry.loc) > after:
                return entry.loc or "further on"
            first = first or entry.loc or "further on"
    return first
