"""A report as a picture of the network: boxes for layers and folded blocks, arrows for what
each reads, blocks drawn around their insides.  The Graphviz and Mermaid formats draw this plan.

The plan is flat (boxes, and where each frame opens and closes, in order), so
drawing it needs no recursion however deeply blocks nest.

``depth`` folds blocks as the table does: a block at depth ``depth - 1`` is one
box (its output and subtotal), the ones above it are frames around their boxes.
"""

from __future__ import annotations

from ..model import Group, Report, Row
from ..shapes import format_shape
from .columns import group_kind, group_shape, shapes_text


class Box:
    """One box: its id, its lines of text, and whether it is a network input or output."""

    __slots__ = ("id", "lines", "end")

    def __init__(self, id: str, lines: list[str], end: bool = False) -> None:
        self.id = id
        self.lines = lines
        self.end = end


class Frame:
    """A block drawn around what comes between it and its :data:`CLOSE`."""

    __slots__ = ("id", "title")

    def __init__(self, id: str, title: str) -> None:
        self.id = id
        self.title = title


#: Where the innermost open frame ends.
CLOSE = None

#: Frames nested deeper than this are indented no further: the output stays linear in size.
MAX_INDENT = 20


class Plan:
    """What to draw: the network's title, its boxes and frames in order (a frame
    opens where it stands and ends at its :data:`CLOSE`), and the arrows
    ``(from, to, label, dashed)``."""

    __slots__ = ("title", "items", "edges")

    def __init__(self, title: str, items: list[Box | Frame | None], edges: list[tuple[str, str, str, bool]]) -> None:
        self.title = title
        self.items = items
        self.edges = edges


def _params(value: int) -> str:
    return f"{value:,} params"


def _group_id(group: Group) -> str:
    return f"b{group.start}_{group.stop}_{group.depth}"


def plan(report: Report, depth: int | None = None) -> Plan:
    items: list[Box | Frame | None] = []
    owner: dict[int, str] = {}  # row index -> the box it is drawn in
    for k, (name, shape) in enumerate(report.inputs):
        items.append(Box(f"in{k}", [name, format_shape(report.shown(shape))], end=True))
    open_frames: list[Group] = []
    folded: Group | None = None
    for entry in report.entries:
        at = entry.index if isinstance(entry, Row) else entry.start
        if folded is not None and at < folded.stop:
            if isinstance(entry, Row):
                owner[entry.index] = _group_id(folded)
            continue
        folded = None
        while open_frames and at >= open_frames[-1].stop:
            open_frames.pop()
            items.append(CLOSE)
        if isinstance(entry, Row):
            box = Box(
                f"n{entry.index}",
                [entry.name, f"{entry.kind} {shapes_text(report, entry.output_shapes)}", _params(entry.counts.params)],
            )
            if entry.shares is not None:
                box.lines[2] = f"shares {report.ref_name((entry.shares, 0))}"
            items.append(box)
            owner[entry.index] = box.id
        elif entry.start >= entry.stop:
            continue  # a block with no layers (an identity branch)
        elif depth is not None and entry.depth >= depth - 1:
            box_id = _group_id(entry)
            gives = format_shape(report.shown(group_shape(entry)))
            items.append(Box(box_id, [entry.name, f"{group_kind(entry)} {gives}", _params(entry.counts.params)]))
            folded = entry
        else:
            items.append(Frame(f"cluster_{_group_id(entry)}", f"{entry.name} ({group_kind(entry)})"))
            open_frames.append(entry)
    items += [CLOSE] * len(open_frames)
    edges: list[tuple[str, str, str, bool]] = []
    seen = set()
    for row in report.rows:
        to = owner[row.index]
        for index, k in row.inputs:
            start = f"in{k}" if index == 0 else owner.get(index)
            if start is None or start == to:
                continue
            label = f":{k}" if index and report.graph.node(index).layer.output_count > 1 else ""
            if (start, to, label) not in seen:
                seen.add((start, to, label))
                edges.append((start, to, label, False))
        if row.shares is not None and owner.get(row.shares, to) != to:
            edges.append((owner[row.shares], to, "shares", True))
    for k, out in enumerate(report.graph.outputs):
        start = owner.get(out.ref[0]) if out.ref[0] else f"in{out.ref[1]}"
        if start is None:
            continue
        shown = [o for o in report.outputs if o.name == out.name]
        gives = format_shape(report.shown(shown[0].shape)) if shown else ""
        items.append(Box(f"out{k}", [out.name, gives], end=True))
        edges.append((start, f"out{k}", "", out.side))
    return Plan(report.name or "network", items, edges)
