"""The docs name every layer kind, block kind, option and command (as sqlite-utils' test_docs does)."""

from pathlib import Path

import click
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


@pytest.mark.parametrize("command", ["count", "convert", "export", "specs", "specs show", "schema"])
def test_every_command_and_its_options_are_in_the_readme(command):
    assert f"cnncount {command}" in ALL
    group, _, sub = command.partition(" ")
    found = cli.get_command(click.Context(cli), group)
    for param in (found.commands[sub] if sub else found).params:
        for flag in param.opts:
            if flag.startswith("--") and flag != "--help":
                assert f"{flag}" in ALL, f"{command} {flag} is not in the docs"


def test_every_json_key_is_in_the_json_reference():
    """The JSON section of docs/usage.md names every key a document has, the blocks' and the layers' too."""
    import json

    import cnncount

    section = USAGE[USAGE.index("## JSON") :]
    doc = json.loads(cnncount.to_json(cnncount.count("googlenet_aux")))
    assert doc["blocks"] and doc["side_outputs"]
    keys = {*doc, *doc["layers"][0], *doc["blocks"][0], *doc["totals"], *doc["outputs"][0]}
    import re

    written = {*re.findall(r"`(\w+)`", section), *re.findall(r"[{ ](\w+)(?=[,}])", section)}  # `key`, {a, b}
    missing = sorted(keys - written)
    assert not missing, f"not in docs/usage.md's JSON reference: {missing}"


def test_the_columns_in_the_docs_are_the_columns_there_are():
    from cnncount.render.columns import GIVE_WAY, KEYS

    page = (ROOT / "docs" / "output.md").read_text()
    table = page[page.index("## The table") : page.index("## Formats for pasting")]
    order = table[table.index("in\nthis order") : table.index("`name` and `params` always stay")]
    import re

    assert re.findall(r"`(\w+)`", order) == list(GIVE_WAY)
    keys = table[table.index("(the keys are") :]
    assert re.findall(r"`(\w+)`", keys)[: len(KEYS)] == list(KEYS)


def test_the_hostile_corpus_in_the_docs_is_the_one_tested():
    import re
    from collections import Counter

    from tests.hostile import cases
    from tests.test_hostile import HOSTILE_YAML

    text = (ROOT / "docs" / "performance.md").read_text()
    corpus = cases()
    classes = Counter(case.cls for case in corpus)
    assert f"{len(corpus)} inputs in {len(classes)} classes" in text
    assert dict(re.findall(r"^- \*(\w+)\* \((\d+)\)", text, re.M)) == {k: str(v) for k, v in classes.items()}
    assert f"one of {len(HOSTILE_YAML)} hostile YAML texts" in " ".join(text.split())
