"""The table output as a picture: SVG or HTML, drawn at the output's natural width.

rich records what a console would show and exports it; the templates here
differ from rich's own in what a picture people open needs: the SVG says its
``width`` and ``height`` (a browser shows it at its size instead of shrinking it
to the window), and both use the fonts the viewer's system has (a monospace
stack, nothing loaded from the network).  Every character cell is placed by
rich, so a font a little wider or narrower than the one measured for still
lines the columns up.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.terminal_theme import MONOKAI

from .styled import Styled

#: Monospace fonts most systems have, best first; the last resort is the viewer's own.
FONTS = "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', 'Courier New', monospace"

# The fields in braces are rich's (see rich.console.Console.export_svg).
_SVG = """<svg class="rich-terminal" width="{width}" height="{height}" viewBox="0 0 {width} {height}" \
xmlns="http://www.w3.org/2000/svg">
    <!-- Drawn by cnncount with Rich -->
    <style>
    .{unique_id}-matrix {{
        font-family: @FONTS@;
        font-size: {char_height}px;
        line-height: {line_height}px;
        font-variant-east-asian: full-width;
    }}
    .{unique_id}-title {{
        font-size: 18px;
        font-weight: bold;
        font-family: sans-serif;
    }}
    {styles}
    </style>
    <defs>
    <clipPath id="{unique_id}-clip-terminal">
      <rect x="0" y="0" width="{terminal_width}" height="{terminal_height}" />
    </clipPath>
    {lines}
    </defs>
    {chrome}
    <g transform="translate({terminal_x}, {terminal_y})" clip-path="url(#{unique_id}-clip-terminal)">
    {backgrounds}
    <g class="{unique_id}-matrix">
    {matrix}
    </g>
    </g>
</svg>
""".replace("@FONTS@", FONTS)

_HTML = """<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<title>cnncount</title>
<style>
{stylesheet}
body {{
    color: {foreground};
    background-color: {background};
    margin: 1em;
}}
pre {{ font-family: @FONTS@; font-size: 14px; line-height: 1.25; }}
</style>
</head>
<body>
<pre><code style="font-family:inherit">{code}</code></pre>
</body>
</html>
""".replace("@FONTS@", FONTS)


def _recorded(shown: Styled) -> Console:
    recorder = Console(
        record=True,
        width=max(20, shown.width),  # a line never folds: a picture is as wide as its widest line
        file=io.StringIO(),
        color_system="truecolor",
        markup=False,
        emoji=False,
        highlight=False,
    )
    recorder.print(shown.to_rich())
    return recorder


def svg(shown: Styled, title: str = "cnncount") -> str:
    """The SVG text of what the table format shows (laid out at its natural width)."""
    return _recorded(shown).export_svg(title=title, theme=MONOKAI, code_format=_SVG)


def html(shown: Styled) -> str:
    """An HTML page of what the table format shows, colours as inline styles."""
    return _recorded(shown).export_html(theme=MONOKAI, code_format=_HTML, inline_styles=True)
