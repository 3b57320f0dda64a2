"""YAML files and --layer words into architectures; every mistake located at its line."""

import os
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncount.errors import CnnCountError, SpecError
from cnncount.graph import Block, Leaf
from cnncount.model import count
from cnncount.spec import from_words, from_yaml, parse_words


def arch(text, **kw):
    return from_yaml(textwrap.dedent(text), "net.yaml", **kw)


def error(text, **kw):
    with pytest.raises(CnnCountError) as info:
        count(arch(text, **kw))
    return str(info.value)


LENET = """\
    name: LeNet-5
    input: [1, 32, 32]
    layers:
      - {type: conv, filters: 6, kernel: 5}
      - {type: activation, function: tanh}
      - {type: avgpool, kernel: 2}
      - {type: conv, filters: 16, kernel: 5}
      - {type: avgpool, kernel: 2}
      - {type: flatten}
      - {type: dense, units: 120}
      - {type: dense, units: 84}
      - {type: dense, units: 10}
    """


def test_lenet_from_the_issue():
    report = count(arch(LENET))
    assert report.name == "LeNet-5"
    assert report.totals.params == 61706
    assert [r.name for r in report.rows][:4] == ["conv1", "activation1", "avgpool1", "conv2"]


def test_input_as_text_and_override():
    a = arch(LENET.replace("[1, 32, 32]", "1x32x32"))
    assert a.input_shape == (1, 32, 32)
    b = arch(LENET, input_shape=(1, 36, 36))
    assert count(b).rows[5].output_shape == (16 * 6 * 6,)


def test_file_default_bias_and_layer_override_and_cli_override():
    text = """\
        input: 3x8x8
        bias: untied
        layers:
          - {type: conv, filters: 2, kernel: 3}
          - {type: conv, filters: 2, kernel: 3, bias: tied}
          - {type: maxpool, kernel: 2}
          - {type: flatten}
          - {type: dense, units: 3}
        """
    rows = count(arch(text)).rows
    assert [r.bias for r in rows] == ["untied", "tied", None, None, "untied"]
    assert rows[0].counts.params == 2 * 3 * 9 + 2 * 6 * 6
    rows = count(arch(text, bias="none")).rows
    assert [r.counts.tied_biases for r in rows] == [0, 0, 0, 0, 0]


def test_anchors_aliases_and_merge_keys():
    text = """\
        input: [3, 16, 16]
        layers:
          - &c {type: conv, filters: 4, kernel: 3, padding: 1, name: first}
          - {<<: *c, name: second}
          - {<<: *c, kernel: 1, padding: 0, name: third}
          - &blk {type: residual, layers: [*c, {type: activation}]}
          - *blk
        """
    rows = count(arch(text)).rows
    assert [r.name for r in rows] == [
        "first",
        "second",
        "third",
        "first",
        "activation1",
        "add1",
        "first",
        "activation2",
        "add2",
    ]
    assert rows[2].counts.weights == 4 * 4 * 1 and rows[2].output_shape == (4, 16, 16)


def test_blocks_nodes_and_keys():
    text = """\
        input: [4, 8, 8]
        layers:
          - type: residual
            name: res
            repeat: 2
            layers: [{type: conv, filters: 4, kernel: 3, padding: 1}]
            shortcut: []
          - type: concat
            branches:
              - []
              - [{type: conv, filters: 2, kernel: 1}]
        """
    a = arch(text)
    res, cat = a.entries
    assert isinstance(res, Block) and res.repeat == 2 and res.name == "res"
    assert [p for p, _ in res.parts] == ["layers", "shortcut"]
    assert isinstance(res.parts[0][1][0], Leaf) and res.parts[0][1][0].loc == "net.yaml:6:14"
    assert [p for p, _ in cat.parts] == ["branches[0]", "branches[1]"]
    assert [(r.path, r.kind) for r in count(a).rows] == [
        ("layers[0]#1.layers[0]", "conv"),
        ("layers[0]#1.add", "add"),
        ("layers[0]#2.layers[0]", "conv"),
        ("layers[0]#2.add", "add"),
        ("layers[1].branches[1][0]", "conv"),
        ("layers[1].concat", "concat"),
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("", r"^net.yaml: the file is empty", id="empty"),
        pytest.param("# only a comment\n", r"^net.yaml: the file is empty", id="comment-only"),
        pytest.param(
            "- conv\n- dense\n",
            r"^net.yaml:1:1: expected a mapping with input and layers at the top, got a list",
            id="list",
        ),
        pytest.param("just words\n", r"^net.yaml: expected a mapping .* got the text 'just words'", id="string"),
        pytest.param("layers: [{type: flatten}]\n", r"^net.yaml:1:1: missing input", id="no-input"),
        pytest.param("input: 3x8x8\n", r"^net.yaml:1:1: missing layers", id="no-layers"),
        pytest.param(
            "input: 3x8x8\nlayers: []\n", r"^net.yaml:2:1: layers: the list of layers is empty", id="empty-layers"
        ),
        pytest.param(
            "input: 3x8x8\nlayer: []\n",
            r"^net.yaml:2:1: unknown key 'layer' \(did you mean 'layers'\?\)",
            id="top-typo",
        ),
        pytest.param(
            "input: [3, 8.5]\nlayers: [{type: flatten}]\n",
            r"^net.yaml:1:1: input: shape \[3, 8.5\]: size 8.5 is not a whole number$",
            id="float-input",
        ),
        pytest.param(
            "input: 3x8x8\nlayers:\n  - {type: conv, filters: 4\n", r"^net.yaml:4:1: YAML syntax error", id="syntax"
        ),
        pytest.param(
            "input: 3x8x8\nlayers:\n  - conv\n",
            r"^net.yaml:3:5: layers\[0\]: expected a mapping such as \{type: conv, ...\}, got the text 'conv'",
            id="layer-string",
        ),
        pytest.param(
            "input: 3x8x8\nlayers:\n  - {filters: 3}\n", r"^net.yaml:3:5: layers\[0\]: missing type", id="no-type"
        ),
        pytest.param(
            "input: 3x8x8\nlayers:\n  - {type: cnov}\n",
            r"^net.yaml:3:6: layers\[0\] \(cnov\): unknown layer type 'cnov' \(did you mean 'conv'\?\)",
            id="kind-typo",
        ),
        pytest.param(
            "input: 3x8x8\nlayers:\n  - {type: resdual, layers: []}\n", r"did you mean 'residual'", id="block-typo"
        ),
        pytest.param(
            "input: 3x8x8\nlayers:\n  - type: conv\n    filters: 4.0\n    kernel: 3\n",
            r"^net.yaml:4:5: layers\[0\] \(conv\): filters: expected an integer >= 1, got 4.0",
            id="float-filters",
        ),
        pytest.param(
            "input: 3x8x8\nlayers:\n  - type: conv\n    filters: 4\n    kernel: 3\n    stride: -2\n",
            r"^net.yaml:6:5: layers\[0\] \(conv\): stride: expected",
            id="negative-stride",
        ),
        pytest.param(
            "input: 3x8x8\nlayers:\n  - type: conv\n    kernel: 3\n",
            r"^net.yaml:3:5: layers\[0\] \(conv\): missing required key filters",
            id="missing-key",
        ),
        pytest.param(
            "input: 3x8x8\nlayers:\n  - {type: block, repeat: 0, layers: [{type: flatten}]}\n",
            r"^net.yaml:3:19: layers\[0\] \(block\): repeat: expected an integer >= 1, got 0",
            id="repeat-0",
        ),
        pytest.param(
            "input: 3x8x8\nlayers:\n  - {type: block, layres: []}\n",
            r"unknown key 'layres' \(did you mean 'layers'\?\)",
            id="block-key-typo",
        ),
        pytest.param(
            "input: 3x8x8\nlayers:\n  - {type: concat, branches: []}\n",
            r"branches: expected a non-empty list",
            id="no-branches",
        ),
        pytest.param(
            "input: 3x8x8\nlayers:\n  - {type: flatten}\n  - {type: flatten, type: conv}\n",
            r"^net.yaml:4:21: duplicate key 'type'",
            id="duplicate-key",
        ),
        pytest.param(
            "input: 3x8x8\nbias: shared\nlayers: [{type: flatten}]\n",
            r"^net.yaml:2:1: bias: expected one of tied, untied, none",
            id="bad-default-bias",
        ),
    ],
)
def test_mistakes_are_located(text, message):
    with pytest.raises(SpecError, match=message):
        from_yaml(text, "net.yaml")


def test_typo_on_line_12_names_line_12_and_the_right_key():
    lines = ["name: typo", "input: [3, 32, 32]", "layers:"]
    lines += ["  - {type: conv, filters: 8, kernel: 3, padding: 1}"] * 5
    lines += ["  - type: conv", "    filters: 8", "    kernel: 3", "    strde: 2"]
    assert lines[12 - 1] == "    strde: 2"
    with pytest.raises(
        SpecError, match=r"^net.yaml:12:5: layers\[5\] \(conv\): unknown key 'strde' \(did you mean 'stride'\?\)$"
    ):
        from_yaml("\n".join(lines), "net.yaml")


def test_residual_mismatch_names_both_shapes_and_the_blocks_line():
    text = """\
        input: [64, 56, 56]
        layers:
          - {type: conv, filters: 64, kernel: 1}
          - type: residual
            layers:
              - {type: conv, filters: 256, kernel: 1}
            shortcut:
              - {type: conv, filters: 128, kernel: 1}
        """
    assert error(text) == (
        "net.yaml:4:5: layers[1] (residual): cannot add inputs of different shapes: layers gives 256x56x56, "
        "shortcut gives 128x56x56 (the block's input is 64x56x56)"
    )


def test_concat_mismatch_shows_every_branch():
    text = """\
        input: [8, 16, 16]
        layers:
          - type: concat
            branches:
              - [{type: conv, filters: 4, kernel: 1}]
              - [{type: maxpool, kernel: 2}]
        """
    assert error(text).endswith(
        "cannot concatenate on channels, the other sizes differ: branches[0] gives 4x16x16, branches[1] gives 8x8x8"
        " (the block's input is 8x16x16)"
    )


def test_shape_errors_show_the_input_that_reached_the_layer():
    text = """\
        input: [3, 32, 32]
        layers:
          - {type: conv, filters: 8, kernel: 5}
          - type: block
            repeat: 3
            layers:
              - {type: conv, filters: 8, kernel: 7, stride: 2}
        """
    assert error(text) == (
        "net.yaml:7:9: layers[1]#3.layers[0] (conv): kernel 7x7 does not fit input 8x3x3 "
        "(padding 0, dilation 1): output H would be -1"
    )


def test_unsafe_yaml_tags_are_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "ran"
    text = f"input: !!python/object/apply:os.system ['touch {marker}']\nlayers: [{{type: flatten}}]\n"
    with pytest.raises(
        SpecError,
        match=r"net.yaml:1:8: the tag !!python/object/apply:os.system is not allowed: cnncount reads plain YAML only",
    ):
        from_yaml(text, "net.yaml")
    assert not marker.exists()


def test_layer_words():
    a = from_words((3, 32, 32), ["conv filters=32 kernel=5", "maxpool kernel=2", "flatten", "dense units=10 bias=none"])
    report = count(a)
    assert [r.output_shape for r in report.rows] == [(32, 28, 28), (32, 14, 14), (6272,), (10,)]
    assert report.totals.params == 2432 + 62720
    assert parse_words("conv kernel=3x5 padding=same") == ("conv", {"kernel": "3x5", "padding": "same"})


@pytest.mark.parametrize(
    "words, message",
    [
        pytest.param(
            ["conv filters=32 kernel=5", "dense units=10"], r"^layer 2 \(dense\): dense needs a flat input", id="shape"
        ),
        pytest.param(
            ["conv filters kernel=5"],
            r"^layer 1 \(conv\): expected key=value after the layer type, got 'filters'",
            id="not-key-value",
        ),
        pytest.param(["conv filters=3 filters=4 kernel=1"], r"^layer 1 \(conv\): filters is given twice", id="twice"),
        pytest.param(
            ["maxpool kernel=2", "conv fliters=8 kernel=3"],
            r"^layer 2 \(conv\): unknown key 'fliters' \(did you mean 'filters'\?\)",
            id="typo",
        ),
        pytest.param([""], r"^layer 1 \(\?\): empty layer", id="empty"),
    ],
)
def test_layer_word_mistakes(words, message):
    with pytest.raises(CnnCountError, match=message):
        count(from_words((3, 32, 32), words))


def test_bias_override_keeps_layers_written_without_biases():
    text = """\
        input: 3x8x8
        layers:
          - {type: conv, filters: 4, kernel: 3, bias: none}
          - {type: batchnorm}
          - {type: conv, filters: 2, kernel: 3}
        """
    plain = count(arch(text))
    untied = count(arch(text, bias="untied"))
    assert [r.bias for r in untied.rows] == ["none", "tied", "untied"]
    assert untied.totals.params == plain.totals.params_untied
    assert count(arch(text, bias="tied")).totals.params == plain.totals.params_tied
    assert count(arch(text, bias="none")).totals.params == 4 * 27 + 8 + 2 * 4 * 9


def test_x_keys_hold_anchors_and_are_otherwise_ignored():
    text = """\
        x-blocks:
          conv3: &conv3 {type: conv, filters: 4, kernel: 3, padding: 1}
          unit: &unit {type: residual, layers: [*conv3, {type: activation}]}
          anything: [1, {not: a layer}]
        input: [4, 8, 8]
        layers: [*unit, *unit]
        """
    report = count(arch(text))
    assert [r.kind for r in report.rows] == ["conv", "activation", "add", "conv", "activation", "add"]
    assert report.totals.params == 2 * (4 * 4 * 9 + 4)


def test_layout_override_changes_how_shapes_are_shown_not_the_files_input():
    text = "input: [300, 56]\nlayers: [{type: conv, filters: 100, kernel: 3}]\n"
    first = count(from_yaml(text, "net.yaml"))
    last = count(from_yaml(text, "net.yaml", layout="channels_last"))
    assert first.totals == last.totals and last.input_shape == (300, 56)
    assert last.shown(last.rows[0].output_shape) == (54, 100)
    keras = "input: [56, 300]\ninput_layout: channels_last\nlayers: [{type: conv, filters: 100, kernel: 3}]\n"
    assert count(from_yaml(keras, "net.yaml")).totals == first.totals
    # --input is written in the layout in force
    wider = count(from_yaml(keras, "net.yaml", input_shape=(60, 300)))
    assert wider.input_shape == (300, 60)
    assert count(from_yaml(text, "net.yaml", input_shape=(60, 300), layout="channels_last")).input_shape == (300, 60)


# --- reading YAML: libyaml's node tree, built by cnncount ------------------------------------------

_WORDS = st.text(alphabet="abcxyz_-.", min_size=1, max_size=6).filter(
    lambda w: w.lower() not in ("y", "n", "yes", "no", "on", "off", "true", "false", "null", "-", ".")
)
_SCALARS = st.one_of(
    _WORDS,
    st.integers(-(10**18), 10**18),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.none(),
    st.text(max_size=8),  # quoted by the dumper wherever it must be
)
_DOCS = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_WORDS, inner, max_size=4),
    max_leaves=25,
)


def _marks_agree(value, node):
    """Whether every mapping and list of ``value`` remembers where ``node``'s tree says it was written."""
    import yaml

    def at(mark):
        return (mark.line, mark.column)

    if isinstance(node, yaml.MappingNode):
        assert at(value.mark) == at(node.start_mark)
        for key_node, value_node in node.value:
            key = key_node.value  # the documents drawn have words for keys
            assert at(value.key_marks[key]) == at(key_node.start_mark)
            _marks_agree(value[key], value_node)
    elif isinstance(node, yaml.SequenceNode):
        assert at(value.mark) == at(node.start_mark)
        assert [at(m) for m in value.item_marks] == [at(child.start_mark) for child in node.value]
        for item, child in zip(value, node.value):
            _marks_agree(item, child)


@settings(max_examples=int(os.environ.get("CNNCOUNT_FUZZ_EXAMPLES", "150")), deadline=None)
@given(doc=_DOCS, flow=st.booleans())
def test_yaml_reads_as_pyyamls_constructor_reads_it_with_every_mark(doc, flow):
    """On what both read alike (words, decimal numbers, true/false, null, quoted text), cnncount's
    builder gives what PyYAML's own safe constructor gives, and the marks of the node tree."""
    import yaml

    from cnncount.spec import load_yaml

    text = yaml.safe_dump(doc, default_flow_style=flow, sort_keys=False)
    safe_loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # PyYAML's safe constructor, libyaml's if there
    assert load_yaml(text, "doc.yaml") == yaml.load(text, Loader=safe_loader)
    _marks_agree(load_yaml(text, "doc.yaml"), yaml.compose(text, Loader=safe_loader))


def test_an_alias_is_the_object_it_names_and_a_list_may_hold_itself():
    from cnncount.spec import load_yaml

    doc = load_yaml("a: &x {k: [1, 2]}\nb: *x\nc: &l [0, *l]\nd: {<<: *x, j: 3}\n", "doc.yaml")
    assert doc["a"] is doc["b"] and doc["a"] == {"k": [1, 2]}
    assert doc["c"][1] is doc["c"]
    assert doc["d"] == {"k": [1, 2], "j": 3} and doc["d"]["k"] is doc["a"]["k"]
    assert (doc.key_marks["d"].line, doc["d"].key_marks["j"].column) == (3, 12)


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("a: !!map [1]", "doc.yaml:1:4: !!map: expected a mapping", id="map-tag-on-a-list"),
        pytest.param("a: !!seq {b: 1}", "doc.yaml:1:4: !!seq: expected a list", id="seq-tag-on-a-mapping"),
        pytest.param("a: !!seq 1", "doc.yaml:1:4: !!seq: expected a list", id="seq-tag-on-a-number"),
        pytest.param("a: !!map 1", "doc.yaml:1:4: !!map: expected a mapping", id="map-tag-on-a-number"),
        pytest.param(
            "a: !!null {b: 1}",
            "doc.yaml:1:4: YAML syntax error: expected a scalar node, but found mapping",
            id="null-tag-on-a-mapping",
        ),
        pytest.param("a: !!int [1]", "doc.yaml:1:4: !!int: expected a single value", id="int-tag-on-a-list"),
        pytest.param(
            "a: !!str [1]",
            "doc.yaml:1:4: YAML syntax error: expected a scalar node, but found sequence",
            id="str-tag-on-a-list",
        ),
        pytest.param("a: !!binary aGk=", "doc.yaml:1:4: the tag !!binary is not allowed", id="binary"),
        pytest.param("a: !custom 1", "doc.yaml:1:4: the tag !custom is not allowed", id="local-tag"),
        pytest.param("{[1]: 2}", "doc.yaml:1:2: a key must be a plain word", id="list-key"),
        pytest.param("a: 1\nb: 2\na: 3", "doc.yaml:3:1: duplicate key 'a'", id="duplicate"),
        pytest.param("a: {<<: 1}", "doc.yaml:1:9: YAML syntax error: expected a mapping or list", id="bad-merge"),
    ],
)
def test_yaml_that_is_no_spec_value_is_refused_where_it_is_written(text, message):
    from cnncount.spec import load_yaml

    with pytest.raises(SpecError) as caught:
        load_yaml(text, "doc.yaml")
    assert str(caught.value).startswith(message)
