"""Styled text: lines of spans, drawn plain, with SGR codes, or as rich Text for pictures."""

from __future__ import annotations

import io

import pytest
from rich.cells import cell_len
from rich.console import Console

from cnncount.render.styled import Styled, cell_width, stack


def test_a_line_loses_its_trailing_spaces_and_empty_spans():
    text = Styled()
    text.add_spans((("name  ", "bold"), ("", "dim"), ("   ", None)))
    text.add()
    text.add("x", "dim")
    assert text.lines == [(("name", "bold"),), (), (("x", "dim"),)]
    assert text.plain == "name\n\nx"


def test_ansi_wraps_each_styled_span_and_resets_it():
    text = Styled([(("a", "bold"), (" ", None), ("b", "bold dim")), (("█", "cyan"), ("·", "dim"))])
    assert text.ansi() == "\x1b[1ma\x1b[0m \x1b[1;2mb\x1b[0m\n\x1b[36m█\x1b[0m\x1b[2m·\x1b[0m"
    # NO_COLOR: the colour goes, the emphasis stays (as rich does)
    assert text.ansi(colour=False) == "\x1b[1ma\x1b[0m \x1b[1;2mb\x1b[0m\n█\x1b[2m·\x1b[0m"


def test_stack_puts_parts_under_each_other_with_an_optional_gap():
    one, two = Styled([(("1", None),)]), Styled([(("2", None),)])
    assert stack((one, two)).plain == "1\n2"
    assert stack((one, two, one), gap=True).plain == "1\n\n2\n\n1"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("conv1", id="ascii"),
        pytest.param("│  ├─ ≤5 ·█…×", id="our-marks"),
        pytest.param("畳み込み", id="wide"),
        pytest.param("é", id="combining"),
        pytest.param("🙂x", id="emoji"),
    ],
)
def test_cell_width_is_what_rich_measures(text):
    assert cell_width(text) == cell_len(text)


def test_rich_draws_the_same_text_and_styles():
    text = Styled([(("head", "bold"),), (("畳み", None), (" 1", "dim"))])
    console = Console(file=io.StringIO(), width=text.width, color_system="standard", force_terminal=True)
    console.print(text.to_rich())
    assert text.width == 6  # two wide characters, then " 1"
    assert console.file.getvalue() == "\x1b[1mhead\x1b[0m\n畳み\x1b[2m 1\x1b[0m\n"
