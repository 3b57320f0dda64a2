"""Turning a Report into output: each format is a module imported only when chosen.

Renderers return text (for tables, :class:`~cnncount.render.styled.Styled` text); they never print.
"""

from __future__ import annotations

#: Every --format name.
FORMATS = ("table", "json", "csv", "markdown", "latex", "dot", "mermaid")
