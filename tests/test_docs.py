"""The README documents every layer kind, every option and every command (as sqlite-utils' test_docs does)."""

from pathlib import Path

import pytest

from cnncount.blocks import BLOCKS
from cnncount.cli import cli
from cnncount.layers import REGISTRY, layer_class

README = (Path(__file__).parent.parent / "README.md").read_text()


@pytest.mark.parametrize("kind", list(REGISTRY))
def test_every_kind_and_its_options_are_in_the_layer_table(kind):
    table = README[README.index("## The layer kinds") :]
    row = next((line for line in table.splitlines() if line.startswith("|") and f"`{kind}`" in line), None)
    assert row, f"{kind} has no row in the README's layer table"
    for option in layer_class(kind).params():
        if option.name != "bias":  # the bias layouts are described once, above the table
            assert f"`{option.name}`" in row, f"{kind}'s option {option.name} is not in its README row"


@pytest.mark.parametrize("kind", list(BLOCKS))
def test_every_block_kind_and_its_keys_are_in_the_block_table(kind):
    table = README[README.index("| block | keys | output |") :]
    row = next((line for line in table.splitlines() if line.startswith(f"| `{kind}` |")), None)
    assert row, f"{kind} has no row in the README's block table"
    block = BLOCKS[kind]
    for key in (*(part.key for part in block.parts), *(option.name for option in block.options)):
        assert f"`{key}`" in row, f"{kind}'s key {key} is not in its README row"


@pytest.mark.parametrize("command", ["count", "specs", "schema"])
def test_every_command_and_its_options_are_in_the_readme(command):
    assert f"cnncount {command}" in README
    for param in cli.commands[command].params:
        for flag in param.opts:
            if flag.startswith("--") and flag != "--help":
                assert f"{flag}" in README, f"{command} {flag} is not in the README"
