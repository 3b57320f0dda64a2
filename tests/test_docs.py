"""The docs name every layer kind, block kind, option and command (as sqlite-utils' test_docs does)."""

from pathlib import Path

import pytest

from cnncount.blocks import BLOCKS
from cnncount.cli import cli
from cnncount.layers import REGISTRY, layer_class

ROOT = Path(__file__).parent.parent
LAYERS = (ROOT / "docs" / "layers.md").read_text()
USAGE = (ROOT / "docs" / "usage.md").read_text()
ALL = "\n".join(page.read_text() for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


@pytest.mark.parametrize("kind", list(REGISTRY))
def test_every_kind_and_its_options_are_in_the_layer_table(kind):
    table = LAYERS
    row = next((line for line in table.splitlines() if line.startswith("|") and f"`{kind}`" in line), None)
    assert row, f"{kind} has no row in docs/layers.md's table"
    for option in layer_class(kind).params():
        if option.name != "bias":  # the bias layouts are described once, above the table
            assert f"`{option.name}`" in row, f"{kind}'s option {option.name} is not in its docs row"


@pytest.mark.parametrize("kind", list(BLOCKS))
def test_every_block_kind_and_its_keys_are_in_the_block_table(kind):
    table = USAGE[USAGE.index("| block | keys | output |") :]
    row = next((line for line in table.splitlines() if line.startswith(f"| `{kind}` |")), None)
    assert row, f"{kind} has no row in docs/usage.md's block table"
    block = BLOCKS[kind]
    for key in (*(part.key for part in block.parts), *(option.name for option in block.options)):
        assert f"`{key}`" in row, f"{kind}'s key {key} is not in its docs row"


@pytest.mark.parametrize("command", ["count", "specs", "schema"])
def test_every_command_and_its_options_are_in_the_readme(command):
    assert f"cnncount {command}" in ALL
    for param in cli.commands[command].params:
        for flag in param.opts:
            if flag.startswith("--") and flag != "--help":
                assert f"{flag}" in ALL, f"{command} {flag} is not in the docs"
