"""Styled text: what the table format draws, as lines of spans, each span a text and a style.

The table format is laid out by cnncount (every width known before anything is
drawn), so drawing it needs no layout engine: piped, it is the lines' plain
text; on a terminal, the same with SGR escape codes around the styled spans;
for a picture, rich's :class:`~rich.text.Text`, which rich records and exports.
Only pictures import rich (its import costs more than counting a ResNet-50).

A style is a space-separated set of the words in :data:`SGR` (``"bold dim"``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

#: A span: its text, and its style or None.
Span = tuple[str, str | None]

#: The styles cnncount uses and their Select Graphic Rendition codes; colours are
#: the ones NO_COLOR leaves out (as rich does, bold and dim stay).
SGR = {"bold": "1", "dim": "2", "italic": "3", "cyan": "36"}
COLOURS = frozenset({"cyan"})


#: Characters cnncount draws itself, one cell each: tree and table rules, bars, marks.
_OURS = frozenset("─│├└≤·█…×")


def cell_width(text: str) -> int:
    """How many terminal cells ``text`` takes: its length when it is ASCII or cnncount's own
    marks; else what rich measures (East Asian wide characters take two, combining marks none)."""
    if text.isascii() or _OURS.issuperset(text):
        return len(text)
    from rich.cells import cell_len  # only for text beyond ASCII: rich's import is dear

    return cell_len(text)


class Styled:
    """Lines of styled spans. A line never ends in spaces (they are trimmed as it is added),
    so the text is the same on a terminal, in a pipe and in a picture."""

    __slots__ = ("lines",)

    def __init__(self, lines: Iterable[Sequence[Span]] = ()) -> None:
        self.lines: list[tuple[Span, ...]] = []
        for spans in lines:
            self.add_spans(spans)

    def add(self, text: str = "", style: str | None = None) -> None:
        """One line of one span (an empty line when ``text`` is empty)."""
        self.add_spans(((text, style),))

    def add_spans(self, spans: Sequence[Span]) -> None:
        """One line made of ``spans``, its trailing spaces trimmed and empty spans dropped."""
        kept = list(spans)
        while kept and not kept[-1][0].rstrip():
            kept.pop()
        if kept:
            text, style = kept[-1]
            kept[-1] = (text.rstrip(), style)
        self.lines.append(tuple(span for span in kept if span[0]))

    def extend(self, other: Styled) -> None:
        self.lines.extend(other.lines)

    @property
    def plain(self) -> str:
        """The text without styles, lines joined by newlines (no newline after the last)."""
        return "\n".join("".join(text for text, _ in line) for line in self.lines)

    @property
    def width(self) -> int:
        """The widest line's width in terminal cells."""
        return max((sum(cell_width(text) for text, _ in line) for line in self.lines), default=0)

    def ansi(self, colour: bool = True) -> str:
        """The text with SGR codes around each styled span (without colours when ``colour``
        is False), lines joined by newlines. Every span resets what it set."""
        lines = []
        for line in self.lines:
            parts = []
            for text, style in line:
                codes = [SGR[word] for word in style.split() if colour or word not in COLOURS] if style else []
                parts.append(f"\x1b[{';'.join(codes)}m{text}\x1b[0m" if codes else text)
            lines.append("".join(parts))
        return "\n".join(lines)

    def to_rich(self) -> Text:
        """The same as a rich Text (for pictures: rich records it and writes SVG or HTML)."""
        from rich.text import Text

        out = Text(no_wrap=True, overflow="ignore")
        for number, line in enumerate(self.lines):
            if number:
                out.append("\n")
            for text, style in line:
                out.append(text, style=style)
        return out

    def __repr__(self) -> str:
        return f"Styled({len(self.lines)} lines)"


def stack(parts: Iterable[Styled], gap: bool = False) -> Styled:
    """``parts`` one under the other; with ``gap``, an empty line between each two."""
    out = Styled()
    for number, part in enumerate(parts):
        if gap and number:
            out.lines.append(())
        out.extend(part)
    return out
