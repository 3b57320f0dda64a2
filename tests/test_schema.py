"""The JSON Schema for editors: valid, complete, and in agreement with the reader."""

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from cnncount.blocks import BLOCKS
from cnncount.errors import CnnCountError
from cnncount.layers import kind_names, layer_class
from cnncount.schema import spec_schema
from cnncount.sources import bundled_names, read_spec
from cnncount.spec import TOP_KEYS, from_yaml

SCHEMA = spec_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def test_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    json.dumps(SCHEMA)  # plain JSON


@pytest.mark.parametrize("name", bundled_names())
def test_every_bundled_spec_validates(name):
    doc = yaml.load(read_spec(name)[0], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert [e.message for e in VALIDATOR.iter_errors(doc)] == []


EXAMPLES = sorted(Path(__file__).parent.parent.glob("docs/examples/*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_the_readmes_examples_validate(path):
    doc = yaml.safe_load(path.read_text())
    assert [e.message for e in VALIDATOR.iter_errors(doc)] == []


def test_every_kind_and_key_is_in_it():
    defs = SCHEMA["$defs"]
    assert set(SCHEMA["properties"]) == set(TOP_KEYS)
    for kind in kind_names():
        props = defs[kind]["properties"]
        assert props["type"] == {"const": kind}
        assert set(props) == {"type", "name", "from", "share", "when", *(p.name for p in layer_class(kind).params())}
        required = {"type", *(p.name for p in layer_class(kind).params() if p.required)}
        if layer_class(kind).arity[0] > 1 or kind in BLOCKS:
            required.add("from")
        assert set(defs[kind]["required"]) == required
    blocks = {kind: f"{kind}_block" if kind in kind_names() else kind for kind in BLOCKS}
    for kind, key in blocks.items():
        props = defs[key]["properties"]
        assert props["type"] == {"const": kind}
        block = BLOCKS[kind]
        assert set(props) == {
            "type",
            "name",
            "from",
            "repeat",
            "when",
            *(p.key for p in block.parts),
            *(p.name for p in block.options),
        }
    refs = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(defs["layers"])))
    assert refs == {f"#/$defs/{key}" for key in (*kind_names(), *blocks.values(), "share", "use")}
    # without define: the same kinds, blocks whose parts are plain too, and no template uses
    plain = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(defs["plain_layers"])))
    assert plain == {f"#/$defs/{key}" for key in (*kind_names(), *(f"{b}_plain" for b in blocks.values()), "share")}


@pytest.mark.parametrize(
    "layer",
    [
        pytest.param({"type": "conv", "filters": 8, "kernel": 3, "strde": 2}, id="typo"),
        pytest.param({"type": "conv", "filters": 8.5, "kernel": 3}, id="float"),
        pytest.param({"type": "conv", "kernel": 3}, id="missing"),
        pytest.param({"type": "conv", "filters": 8, "kernel": 3, "padding": "full"}, id="padding-word"),
        pytest.param({"type": "cnov", "filters": 8}, id="kind"),
        pytest.param({"type": "block", "repeat": 0, "layers": [{"type": "flatten"}]}, id="repeat-0"),
        pytest.param({"type": "dropout", "rate": 1.5}, id="rate"),
    ],
)
def test_what_the_reader_refuses_the_schema_flags(layer):
    doc = {"input": [3, 8, 8], "layers": [layer]}
    assert list(VALIDATOR.iter_errors(doc))
    with pytest.raises(CnnCountError):
        from_yaml(yaml.safe_dump(doc), "net.yaml")


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param({"input": 1024, "layers": [{"type": "dense", "units": 2}]}, id="int-input"),
        pytest.param({"input": "3x8x8", "layers": [{"type": "conv", "filters": 2, "kernel": "3x1"}]}, id="kernel-text"),
        pytest.param({"input": [8, 4, 4], "layers": [{"type": "reshape", "shape": "8x-1"}]}, id="reshape-text"),
        pytest.param({"input": [8, 4, 4], "layers": [{"type": "zeropad", "padding": "0:1x0:1"}]}, id="pairs-text"),
        pytest.param({"input": [8, 4, 4], "layers": [{"type": "layernorm", "axes": "1,2"}]}, id="axes-text"),
    ],
)
def test_what_the_reader_accepts_the_schema_accepts(doc):
    from cnncount.model import count

    count(from_yaml(yaml.safe_dump(doc), "net.yaml"))
    assert [e.message for e in VALIDATOR.iter_errors(doc)] == []
