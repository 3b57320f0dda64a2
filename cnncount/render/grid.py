"""Fixed-width text tables whose columns fit a width or give way whole.

A cell is never cut, folded or wrapped: when the table is too wide for the
width it is drawn at, whole columns are left out, least useful first, and the
caller says which.  Widths are computed once from the cells; the result is
:class:`~cnncount.render.styled.Styled` text, one line per table line.
"""

from __future__ import annotations

from collections.abc import Sequence

from .styled import Span, Styled, cell_width

GAP = "  "


class Line:
    """One line of a table: its cells (one per column, text), its style, and a tree
    prefix drawn dim before the first text column's cell (``│  ├─ ``)."""

    __slots__ = ("cells", "style", "prefix")

    def __init__(self, cells: Sequence[str], style: str | None = None, prefix: str = "") -> None:
        self.cells = cells
        self.style = style
        self.prefix = prefix


class Grid:
    """Columns (key, heading lines, numeric) and the lines under them, with a rule
    before each line number in ``rules``."""

    def __init__(self, keys: Sequence[str], headings: Sequence[tuple[str, ...]], numeric: Sequence[bool]) -> None:
        self.keys = list(keys)
        self.headings = list(headings)
        self.numeric = list(numeric)
        self.lines: list[Line] = []
        self.rules: set[int] = set()
        #: The column that carries the tree prefixes: the first text column.
        self.tree = next((n for n, is_number in enumerate(numeric) if not is_number), 0)

    def add(self, cells: Sequence[str], style: str | None = None, prefix: str = "") -> None:
        self.lines.append(Line(cells, style, prefix))

    def rule(self) -> None:
        """A rule before the next line (the totals under the layers)."""
        self.rules.add(len(self.lines))

    def widths(self) -> list[int]:
        """Each column's width: its widest heading line or cell."""
        widths = [max(cell_width(text) for text in heading) for heading in self.headings]
        tree = self.tree
        for line in self.lines:
            for n, text in enumerate(line.cells):
                size = cell_width(text) + (len(line.prefix) if n == tree else 0)  # rules are one cell each
                if size > widths[n]:
                    widths[n] = size
        return widths

    def fit(self, width: int | None, give_way: Sequence[str], keep: Sequence[str] = ()) -> list[int]:
        """The columns (their positions) that fit ``width``: all when it is None;
        else leaving out columns in ``give_way`` order until the rest fit.  Columns in
        ``keep`` and those not in ``give_way`` stay, even when they alone are too wide."""
        shown = list(range(len(self.keys)))
        if width is None:
            return shown
        widths = self.widths()
        total = sum(widths) + len(GAP) * (len(shown) - 1)
        for key in give_way:
            if total <= width:
                break
            if key in self.keys and key not in keep:
                n = self.keys.index(key)
                if n in shown:
                    shown.remove(n)
                    total -= widths[n] + len(GAP)
        return shown

    def text(self, shown: Sequence[int]) -> Styled:
        """The table drawn with the columns at ``shown``: headings, lines and rules."""
        widths = self.widths()
        numeric = self.numeric
        tree = self.tree
        out = Styled()
        depth = max((len(self.headings[n]) for n in shown), default=1)
        for row in range(depth):
            cells = []
            for n in shown:
                heading = self.headings[n]
                # Headings sit on the bottom line; a two-line heading's first line above it.
                at = row - (depth - len(heading))
                cells.append(_pad(heading[at] if at >= 0 else "", widths[n], numeric[n]))
            out.add(GAP.join(cells), "bold")
        full = sum(widths[n] for n in shown) + len(GAP) * (len(shown) - 1)
        rule = "─" * full
        out.add(rule, "dim")
        for number, line in enumerate(self.lines):
            if number in self.rules:
                out.add(rule, "dim")
            style = line.style
            cells = [_pad(line.cells[n], widths[n] - (len(line.prefix) if n == tree else 0), numeric[n]) for n in shown]
            if line.prefix and tree in shown:
                # The tree rules are drawn dim, in the line's own style too.
                at = shown.index(tree)
                before = GAP.join(cells[:at]) + (GAP if at else "")
                spans: list[Span] = [(before, style), (line.prefix, f"{style} dim" if style else "dim")]
                spans.append((GAP.join(cells[at:]), style))
                out.add_spans(spans)
            else:
                out.add(GAP.join(cells), style)
        return out


def _pad(text: str, width: int, right: bool) -> str:
    room = width - cell_width(text)
    return " " * room + text if right else text + " " * room


def tree_prefixes(depths: Sequence[int]) -> list[str]:
    """Tree rules for entries in pre-order with their depths (0: top level, no rule):
    ``├─ `` before an entry with a later sibling, ``└─ `` before the last, ``│  ``
    under an ancestor that has one."""
    count = len(depths)
    last = [True] * count
    later: dict[int, bool] = {}  # depth -> an entry at that depth follows, before any shallower one
    for n in range(count - 1, -1, -1):
        d = depths[n]
        last[n] = not later.get(d, False)
        for deeper in [k for k in later if k > d]:
            del later[deeper]
        later[d] = True
    prefixes = []
    open_levels: list[bool] = []  # for each depth above: whether its entry has a later sibling
    for n, d in enumerate(depths):
        del open_levels[d:]
        if d == 0:
            prefixes.append("")
        else:
            rails = "".join("│  " if more else "   " for more in open_levels[1:d])
            prefixes.append(rails + ("└─ " if last[n] else "├─ "))
        open_levels.extend([False] * (d - len(open_levels)))
        open_levels.append(not last[n])
    return prefixes
