"""The graph behind the blocks: named inputs, merges, splits, shared weights, several inputs and outputs.

Every count here is worked by hand; every mistake a graph can have is one located line.
"""

import textwrap

import pytest

import cnncount
from cnncount.errors import CnnCountError, SpecError
from cnncount.graph import Architecture, Block, Leaf, expand
from cnncount.layers import layer_class
from cnncount.model import count
from cnncount.spec import from_words, from_yaml


def report(text, **kw):
    return count(from_yaml(textwrap.dedent(text), "net.yaml", **kw))


def error(text):
    with pytest.raises(CnnCountError) as info:
        report(text)
    return str(info.value)


UNET = """\
    input: [3, 64, 64]
    layers:
      - {type: block, name: enc1, layers: [{type: conv, name: conv, filters: 8, kernel: 3, padding: 1}, {type: activation, name: relu}]}
      - {type: maxpool, kernel: 2}
      - {type: block, name: enc2, layers: [{type: conv, name: conv, filters: 16, kernel: 3, padding: 1}]}
      - {type: upsample, scale: 2, name: up}
      - {type: concat, name: cat, from: [up, enc1]}
      - {type: conv, name: head, filters: 2, kernel: 1}
    """


def test_a_skip_by_name_reads_the_blocks_output():
    r = report(UNET)
    rows = {row.qualified_name: row for row in r.rows}
    cat = rows["cat"]
    assert [r.ref_name(ref) for ref in cat.inputs] == ["up", "enc1.relu"]
    assert cat.input_shapes == ((16, 64, 64), (8, 64, 64)) and cat.output_shape == (24, 64, 64)
    assert rows["head"].counts.params == 24 * 2 + 2
    assert r.totals.params == (3 * 9 * 8 + 8) + (8 * 9 * 16 + 16) + (24 * 2 + 2)


def test_names_are_looked_up_from_the_innermost_named_block_outwards():
    r = report(
        """\
        input: [4, 8, 8]
        layers:
          - {type: conv, name: c, filters: 2, kernel: 1}
          - type: block
            name: b
            layers:
              - {type: conv, name: c, filters: 3, kernel: 1, from: input}
              - {type: concat, name: both, from: [c, input]}
          - {type: concat, name: outer, from: [c, b.c, b]}
        """
    )
    rows = {row.qualified_name: row for row in r.rows}
    # inside b: c is b.c, input is b's input (the outer c's output)
    assert [r.ref_name(ref) for ref in rows["b.both"].inputs] == ["b.c", "c"]
    assert rows["b.both"].output_shape == (5, 8, 8)
    # outside: c is the outer one, b.c the inner one, b the block's output
    assert [r.ref_name(ref) for ref in rows["outer"].inputs] == ["c", "b.c", "b.both"]
    assert rows["outer"].output_shape == (2 + 3 + 5, 8, 8)


def test_input_inside_a_block_is_the_blocks_input_so_a_gate_can_be_written_by_hand():
    r = report(
        """\
        input: [16, 8, 8]
        layers:
          - type: block
            name: se
            layers:
              - {type: globalavgpool}
              - {type: dense, units: 4}
              - {type: activation}
              - {type: dense, units: 16}
              - {type: activation, name: sigmoid, function: sigmoid}
              - {type: multiply, from: [input, sigmoid]}
        """
    )
    assert r.output_shape == (16, 8, 8)
    assert r.totals.params == 16 * 4 + 4 + 4 * 16 + 16
    assert r.rows[-1].input_shapes == ((16, 8, 8), (16,))


def test_a_gate_block_is_the_same_network():
    by_hand = report(
        """\
        input: [16, 8, 8]
        layers:
          - {type: gate, name: se, layers: [{type: globalavgpool}, {type: dense, units: 4}, {type: activation},
                                            {type: dense, units: 16}, {type: activation, function: sigmoid}]}
        """
    )
    assert by_hand.output_shape == (16, 8, 8)
    assert by_hand.totals.params == 16 * 4 + 4 + 4 * 16 + 16
    assert by_hand.rows[-1].kind == "multiply" and by_hand.rows[-1].input_shapes == ((16, 8, 8), (16,))
    # a [C, 1, 1] gate, as torchvision's SqueezeExcitation makes with 1x1 convs, is the same product
    convs = report(
        """\
        input: [16, 8, 8]
        layers:
          - {type: gate, layers: [{type: adaptiveavgpool, output: 1}, {type: conv, filters: 4, kernel: 1},
                                  {type: activation}, {type: conv, filters: 16, kernel: 1},
                                  {type: activation, function: sigmoid}]}
        """
    )
    assert convs.output_shape == (16, 8, 8) and convs.totals.params == by_hand.totals.params


SHUFFLE_UNIT = """\
    input: [116, 28, 28]
    bias: none
    layers:
      - type: concat
        split: 2
        branches:
          - []
          - - {type: conv, filters: 58, kernel: 1}
            - {type: batchnorm}
            - {type: activation}
            - {type: depthwise, kernel: 3, padding: 1}
            - {type: batchnorm}
            - {type: conv, filters: 58, kernel: 1}
            - {type: batchnorm}
            - {type: activation}
      - {type: shuffle, groups: 2}
    """


def test_a_shufflenet_unit_splits_the_channels_between_its_branches():
    r = report(SHUFFLE_UNIT)
    split = r.rows[0]
    assert split.kind == "split" and split.output_shapes == ((58, 28, 28), (58, 28, 28))
    concat = next(row for row in r.rows if row.kind == "concat")
    assert concat.inputs[0] == (1, 0)  # the empty branch passes chunk 0 through
    assert r.rows[1].inputs == ((1, 1),)  # the other branch reads chunk 1
    assert r.output_shape == (116, 28, 28)
    # torchvision's ShuffleNetV2 stage-2 unit (stride 1): 58*58 + 58*9 + 58*58 weights and three batchnorms
    assert r.totals.params == 58 * 58 + 58 * 9 + 58 * 58 + 3 * 2 * 58
    assert r.totals.non_trainable == 3 * 2 * 58


def test_split_outputs_are_read_by_number():
    r = report(
        """\
        input: [10, 4, 4]
        layers:
          - {type: split, name: parts, sizes: [4, 6]}
          - {type: conv, name: a, filters: 2, kernel: 1, from: "parts:1"}
          - {type: concat, from: [parts:0, a]}
        """
    )
    assert r.rows[0].output_shapes == ((4, 4, 4), (6, 4, 4))
    assert r.rows[1].input_shape == (6, 4, 4)
    assert [r.ref_name(ref) for ref in r.rows[2].inputs] == ["parts:0", "a"]
    assert r.output_shape == (6, 4, 4)


def test_a_network_ending_in_a_split_has_an_output_per_part():
    r = report("input: [6]\nlayers: [{type: split, chunks: 3}]\n")
    assert [(out.name, out.shape) for out in r.outputs] == [("split1:0", (2,)), ("split1:1", (2,)), ("split1:2", (2,))]


def test_several_inputs_and_outputs_by_name():
    r = report(
        """\
        inputs: {image: [3, 32, 32], meta: [10]}
        outputs: [logits, box]
        layers:
          - {type: conv, name: features, filters: 4, kernel: 3, from: image}
          - {type: flatten}
          - {type: dense, name: embed, units: 6, from: meta}
          - {type: concat, name: joined, from: [flatten1, embed]}
          - {type: dense, name: logits, units: 5}
          - {type: dense, name: box, units: 4, from: joined}
        """
    )
    assert [(name, shape) for name, shape in r.inputs] == [("image", (3, 32, 32)), ("meta", (10,))]
    assert [(out.name, out.shape) for out in r.outputs] == [("logits", (5,)), ("box", (4,))]
    assert r.input_shape == (3, 32, 32) and r.output_shape == (5,)
    assert r.rows[3].input_shapes == ((4 * 30 * 30,), (6,))
    # --input replaces them in order
    other = report(
        """\
        inputs: {image: [3, 32, 32], meta: [10]}
        layers:
          - {type: dense, units: 2, from: meta}
        """,
        input_shapes=[(3, 8, 8), (7,)],
    )
    assert other.inputs == (("image", (3, 8, 8)), ("meta", (7,))) and other.totals.weights == 14


SIAMESE = """\
    inputs: {left: [1, 28, 28], right: [1, 28, 28]}
    layers:
      - type: block
        name: tower
        from: left
        layers:
          - {type: conv, name: conv, filters: 8, kernel: 5}
          - {type: activation}
          - {type: globalavgpool}
      - {share: tower, name: twin, from: right}
      - {type: concat, from: [tower, twin]}
      - {type: dense, units: 1}
    """


def test_a_siamese_pair_counts_the_shared_tower_once():
    r = report(SIAMESE)
    rows = {row.qualified_name: row for row in r.rows}
    tower, twin = rows["tower.conv"], rows["twin.conv"]
    assert twin.shares == tower.index and tower.shares is None
    assert twin.counts.params == 0 and twin.counts.macs == tower.counts.macs == 8 * 24 * 24 * 25
    assert r.totals.params == (25 * 8 + 8) + (16 + 1)
    assert r.totals.macs == 2 * tower.counts.macs + 16
    assert r.output_shape == (1,)


def test_a_layer_shared_by_name_with_its_options_written_out():
    r = report(
        """\
        input: [3, 8, 8]
        layers:
          - {type: conv, name: c, filters: 3, kernel: 3, padding: 1}
          - {type: conv, filters: 3, kernel: 3, padding: 1, share: c}
          - {share: c}
        """
    )
    assert [row.shares for row in r.rows] == [None, 1, 1]
    assert r.totals.params == 3 * 27 + 3 and r.totals.macs == 3 * (3 * 64 * 27)


@pytest.mark.parametrize(
    "layers, message",
    [
        pytest.param(
            "[{type: conv, filters: 2, kernel: 1, from: enc9}]",
            "net.yaml:3:4: layers[0] (conv): from: no layer or block named 'enc9' before this entry",
            id="unknown",
        ),
        pytest.param(
            "[{type: conv, name: a, filters: 2, kernel: 1}, {type: conv, filters: 2, kernel: 1, from: ab}]",
            "net.yaml:3:50: layers[1] (conv): from: no layer or block named 'ab' before this entry (did you mean 'a'?)",
            id="did-you-mean",
        ),
        pytest.param(
            "[{type: conv, filters: 2, kernel: 1, from: b}, {type: conv, name: b, filters: 2, kernel: 1}]",
            "net.yaml:3:4: layers[0] (conv): from: 'b' comes later (net.yaml:3:50): an entry reads only what comes before it",
            id="later",
        ),
        pytest.param(
            "[{type: conv, name: a, filters: 2, kernel: 1, from: a}]",
            "net.yaml:3:4: layers[0] (conv): from: 'a' is this entry: an entry reads only what comes before it",
            id="itself",
        ),
        pytest.param(
            "[{type: block, name: b, layers: [{type: conv, filters: 2, kernel: 1, from: b}]}]",
            "net.yaml:3:36: layers[0].layers[0] (conv): from: 'b' is a block this entry is inside: its output comes after this entry",
            id="cycle",
        ),
        pytest.param(
            "[{type: split, chunks: 2}, {type: conv, filters: 2, kernel: 1}]",
            "net.yaml:3:30: layers[1] (conv): the entry before is split1 (split), which has 2 outputs: name one, as from: split1:0 ... split1:1",
            id="split-unchosen",
        ),
        pytest.param(
            "[{type: split, name: s, chunks: 2}, {type: conv, filters: 2, kernel: 1, from: 's:2'}]",
            "net.yaml:3:39: layers[1] (conv): from: 's:2': 's' has 2 outputs (0 to 1)",
            id="split-out-of-range",
        ),
        pytest.param(
            "[{type: conv, name: a, filters: 2, kernel: 1}, {type: conv, filters: 2, kernel: 1, from: [a, input]}]",
            "net.yaml:3:50: layers[1] (conv): conv reads one input, got 2 (from: a, input)",
            id="arity",
        ),
        pytest.param(
            "[{type: add, from: input}]",
            "net.yaml:3:4: layers[0] (add): add reads 2 or more inputs, got 1 (from: input); name them with from: [a, b]",
            id="add-one",
        ),
        pytest.param(
            "[{type: conv, name: a, filters: 2, kernel: 1}, {type: add, from: [a, input]}]",
            "net.yaml:3:50: layers[1] (add): cannot add inputs of different shapes: a gives 2x8x8, input gives 4x8x8",
            id="add-shapes",
        ),
        pytest.param(
            "[{type: globalavgpool, name: g}, {type: multiply, from: [input, g, g2]}]",
            "net.yaml:3:36: layers[1] (multiply): from: no layer or block named 'g2' before this entry (did you mean 'g'?)",
            id="multiply-name",
        ),
        pytest.param(
            "[{type: avgpool, name: p, kernel: 2}, {type: multiply, from: [input, p]}]",
            "net.yaml:3:41: layers[1] (multiply): cannot multiply: the shapes do not broadcast (dim 1 is 4 and 8; each size must agree or be 1): input gives 4x8x8, p gives 4x4x4",
            id="broadcast",
        ),
        pytest.param(
            "[{type: split, chunks: 3}]",
            "net.yaml:3:4: layers[0] (split): chunks 3 must divide the channels (4) of 4x8x8",
            id="split-divide",
        ),
        pytest.param(
            "[{type: split, sizes: [1, 2]}]",
            "net.yaml:3:4: layers[0] (split): sizes 1 + 2 = 3 must add up to the channels (4) of 4x8x8",
            id="split-sizes",
        ),
        pytest.param(
            "[{type: split, chunks: 2, sizes: [2, 2]}]",
            "net.yaml:3:4: layers[0] (split): give exactly one of chunks and sizes, got both",
            id="split-both",
        ),
        pytest.param(
            "[{type: shuffle, groups: 3}]",
            "net.yaml:3:4: layers[0] (shuffle): groups 3 must divide the channels (4) of 4x8x8",
            id="shuffle",
        ),
        pytest.param(
            "[{type: conv, name: c, filters: 2, kernel: 1}, {type: dense, units: 2, share: c}]",
            "net.yaml:3:50: layers[1] (dense): share: 'c' is a conv, not a dense",
            id="share-kind",
        ),
        pytest.param(
            "[{type: conv, name: c, filters: 2, kernel: 1}, {type: conv, filters: 3, kernel: 1, share: c}]",
            "net.yaml:3:50: layers[1] (conv): share: 'c' has other options (filters 2 there, 3 here)",
            id="share-options",
        ),
        pytest.param(
            "[{type: block, name: b, layers: [{type: flatten}]}, {type: flatten, share: b}]",
            "net.yaml:3:55: layers[1] (flatten): share: 'b' is a block (block); a layer can share a layer's parameters",
            id="share-block-as-layer",
        ),
        pytest.param(
            "[{share: nothing}]",
            "net.yaml:3:4: layers[0] (share): share: no layer or block named 'nothing' before this entry",
            id="share-unknown",
        ),
        pytest.param(
            "[{share: c, type2: 1}]",
            "net.yaml:3:15: layers[0] (share): unknown key 'type2' (did you mean 'type'?)",
            id="share-keys",
        ),
        pytest.param(
            "[{type: conv, name: input, filters: 2, kernel: 1}]",
            "net.yaml:3:4: layers[0] (conv): name: 'input' is the name of the block's input; call the layer something else",
            id="reserved-name",
        ),
        pytest.param(
            "[{type: conv, filters: 2, kernel: 1, from: [[a]]}]",
            "net.yaml:3:40: layers[0] (conv): from: expected the name of an earlier layer or block, or a list of them, got a list",
            id="from-nested",
        ),
        pytest.param(
            "[{type: block, from: [a, b], layers: [{type: flatten}]}]",
            "net.yaml:3:4: layers[0] (block): from: a block reads one input, got 2",
            id="block-from-two",
        ),
        pytest.param(
            "[{type: concat, split: 2, branches: [[], [], []]}]",
            "net.yaml:3:19: layers[0] (concat): split: 2 chunks, but 3 branches: one branch reads each",
            id="split-branches",
        ),
        pytest.param(
            "[{type: gate, layers: [{type: conv, filters: 3, kernel: 1}]}]",
            "net.yaml:3:4: layers[0] (gate): cannot multiply: the shapes do not broadcast (dim 0 is 3 and 4; each size must agree or be 1): input gives 4x8x8, layers gives 3x8x8 (the block's input is 4x8x8)",
            id="gate-shapes",
        ),
    ],
)
def test_every_graph_mistake_is_one_located_line(layers, message):
    assert error(f"input: [4, 8, 8]\nlayers:\n  {layers}\n") == message


def test_outputs_must_name_nodes_that_exist():
    assert error("input: [4]\noutputs: [fc, nope]\nlayers: [{type: dense, name: fc, units: 2}]\n") == (
        "net.yaml:2:1: outputs: no layer or block named 'nope'"
    )


def test_the_first_entry_of_a_network_with_several_inputs_must_say_which():
    assert error("inputs: {a: [4], b: [4]}\nlayers: [{type: dense, units: 2}]\n") == (
        "net.yaml:2:10: layers[0] (dense): the entry before is the network's 2 inputs (a, b): "
        "name the one it reads with from"
    )


def test_layer_words_name_inputs_and_shares():
    arch = from_words(
        (3, 8, 8),
        [
            "conv name=a filters=4 kernel=3 padding=1",
            "conv filters=4 kernel=3 padding=1 from=input share=a",
            "add from=a,conv2",
        ],
    )
    r = count(arch)
    assert [row.kind for row in r.rows] == ["conv", "conv", "add"]
    assert r.rows[1].shares == 1 and r.totals.params == 4 * 27 + 4
    assert [r.ref_name(ref) for ref in r.rows[2].inputs] == ["a", "conv2"]  # the second conv: conv2
    reused = count(from_words((3, 8, 8), ["conv name=a filters=3 kernel=1", "share=a"]))
    assert [row.shares for row in reused.rows] == [None, 1]


def test_expansion_of_a_shared_block_pairs_every_layer_with_its_twin():
    graph = expand(from_yaml(textwrap.dedent(SIAMESE), "net.yaml"))
    pairs = [(node.qualname, graph.node(node.share).qualname) for node in graph.nodes if node.share is not None]
    assert pairs == [
        ("twin.conv", "tower.conv"),
        ("twin.activation2", "tower.activation1"),
        ("twin.globalavgpool2", "tower.globalavgpool1"),
    ]


def test_a_block_from_python_with_names_and_sources():
    conv = layer_class("conv").build({"filters": 2, "kernel": 1, "name": "c"})
    arch = Architecture(
        (4, 8, 8),
        (
            Block("block", (("layers", (Leaf(conv),)),), name="b"),
            Leaf(layer_class("concat").build({}), None, ("b", "input")),
        ),
    )
    r = count(arch)
    assert [row.qualified_name for row in r.rows] == ["b.c", "concat1"] and r.output_shape == (6, 8, 8)


# --- what a review found: each of these was a traceback, a hang or a silent wrong answer ----------------

TRAINING_HEAD = """\
    input: [8, 8, 8]
    layers:
      - {type: conv, name: c, filters: 8, kernel: 3, padding: 1}
      - {type: side, name: aux, training: true, layers: [{type: conv, name: ac, filters: 8, kernel: 30}]}
    """


def test_a_training_head_is_not_read_in_inference():
    assert error(TRAINING_HEAD.rstrip(" ") + "    outputs: [aux.ac]\n").startswith(
        "net.yaml:5:1: outputs: 'aux.ac' is in a side block that runs only while training, left out here"
    )
    fits = TRAINING_HEAD.replace("kernel: 30", "kernel: 1").rstrip(" ")
    for reader in ("{type: add, from: [c, aux.ac]}", "{type: block, from: aux.ac, layers: [{type: flatten}]}"):
        message = error(fits + f"      - {reader}\n")
        assert message.endswith(
            "reads aux.ac, which runs only while training (a side block with training: true); "
            "a layer that runs in inference cannot"
        ), message


def test_group_subtotals_leave_training_macs_out_as_the_totals_do():
    r = report(
        """\
        input: [8, 8, 8]
        layers:
          - type: block
            name: stage
            layers:
              - {type: conv, filters: 8, kernel: 1}
              - {type: side, name: aux, training: true, layers: [{type: conv, filters: 4, kernel: 1}]}
        """
    )
    stage, aux = (e for e in r.entries if not hasattr(e, "node"))
    assert stage.counts.macs == r.totals.macs == 8 * 8 * 64
    assert aux.counts.macs == r.training_macs == 4 * 8 * 64


def test_names_a_spec_writes_are_kept():
    # an unnamed layer's made-up name skips a name the file gave another
    r = report(
        """\
        input: [8, 4, 4]
        layers:
          - {type: conv, name: conv2, filters: 4, kernel: 1}
          - {type: conv, filters: 6, kernel: 1, from: input}
          - {type: concat, from: [conv2, input]}
        """
    )
    assert [row.name for row in r.rows] == ["conv2", "conv3", "concat1"]
    assert r.rows[2].input_shapes == ((4, 4, 4), (8, 4, 4))
    for name, message in (
        ("input", "'input' is the name of the block's input"),
        ("s:1", "'s:1' ends like an output number (name:1 reads output 1 of a split)"),
    ):
        assert message in error(f"input: [8]\nlayers: [{{type: dense, name: '{name}', units: 2}}]\n")
    assert "'right' is an input of the network" in error(
        "inputs: {left: [4], right: [4]}\nlayers: [{type: dense, name: right, units: 2, from: left}]\n"
    )
    with pytest.raises(CnnCountError, match=r"^layer 2 \(share\): name: 'input' is the name of the block's input"):
        count(from_words((8, 4, 4), ["conv filters=8 kernel=1 name=a", "share=a name=input"]))


@pytest.mark.parametrize("name", ["", "name: b"])
def test_a_name_written_later_in_a_repeated_block_is_refused_named_or_not(name):
    message = error(
        f"""\
        input: [4, 8, 8]
        layers:
          - {{type: conv, name: c, filters: 4, kernel: 1}}
          - {{type: block, {name + ", " if name else ""}repeat: 3, layers: [{{type: add, from: [input, c]}},
                                                     {{type: conv, name: c, filters: 4, kernel: 1}}]}}
        """
    )
    assert "from: 'c' is written inside this block (layers[1]#1) after this entry, and another 'c' before" in message


def test_a_shared_block_reads_only_its_input_and_its_own_layers():
    message = error(
        """\
        input: [4, 8, 8]
        layers:
          - {type: conv, name: stem, filters: 4, kernel: 1}
          - {type: block, name: blk, layers: [{type: conv, name: c, filters: 4, kernel: 1}, {type: add, from: [c, stem]}]}
          - {share: blk, name: again, from: input}
        """
    )
    assert "from: 'stem' is outside blk: a shared block can read only its input and its own layers" in message


def test_sharing_a_layer_whose_options_default_to_nothing():
    r = count(from_words((8, 4, 4), ["maxpool kernel=2 name=p", "share=p from=input", "upsample scale=2 name=u"]))
    assert [row.output_shape for row in r.rows] == [(8, 2, 2), (8, 2, 2), (8, 4, 4)]


def test_a_side_blocks_name_reads_its_side_output():
    r = report(
        """\
        input: [8, 8, 8]
        outputs: [head, aux]
        layers:
          - {type: side, name: aux, layers: [{type: globalavgpool}, {type: dense, units: 3}]}
          - {type: conv, name: head, filters: 2, kernel: 1}
          - {type: concat, from: [aux, aux], name: both}
        """
    )
    assert [(out.name, out.shape, out.side) for out in r.outputs] == [("head", (2, 8, 8), False), ("aux", (3,), False)]
    assert r.rows[-1].input_shapes == ((3,), (3,))


def test_a_block_ending_in_a_split_gives_its_parts_by_number():
    r = report(
        """\
        input: [8, 4, 4]
        layers:
          - {type: block, name: b, layers: [{type: conv, filters: 8, kernel: 1}, {type: split, chunks: 2}]}
          - {type: add, from: ["b:0", "b:1"]}
        """
    )
    assert r.output_shape == (4, 4, 4)


def test_a_huge_split_or_concat_is_refused_at_once():
    assert error("input: [8, 8, 8]\nlayers: [{type: split, chunks: 100000000}]\n").endswith(
        "chunks: 100,000,000 parts; a split makes at most 10,000"
    )
    branches = ", ".join(["[]"] * 20_000)
    assert error(f"input: [8]\nlayers: [{{type: concat, branches: [{branches}]}}]\n").endswith(
        "branches: 20,000 branches; a concat reads at most 10,000"
    )


def test_sharing_blocks_again_and_again_is_bounded(monkeypatch):
    from cnncount import limits

    # shares are expanded as they come, so the inputs and names they make are counted as they come
    monkeypatch.setattr(limits, "MAX_EDGES", 1_000)
    names = ", ".join(["input"] * 100)
    text = f"x-f: &f [{names}]\ninput: [4]\nlayers:\n  - {{type: block, name: B0, layers: [{{type: add, from: *f}}]}}\n"
    assert "read more than 1,000 inputs in all" in error(text + "  - {share: B0, from: input}\n" * 20)
    monkeypatch.setattr(limits, "MAX_NAME_TEXT", 1_000)
    deep = "x-b:\n  - &b0 {type: block, name: n0, layers: [{type: activation}]}\n" + "".join(
        f"  - &b{i} {{type: block, name: n{i}, layers: [*b{i - 1}]}}\n" for i in range(1, 30)
    )
    assert "qualified names of the layers and blocks come to more than 1,000" in error(
        deep + "input: [4]\nlayers: [*b29, {share: n29, from: input}]\n"
    )


def test_mistakes_about_several_inputs_are_located():
    message = error(
        """\
        inputs: {left: [4, 4, 4], right: [4, 4, 4]}
        layers:
          - {type: side, layers: [{type: conv, filters: 4, kernel: 1, from: left}]}
          - {type: gate, layers: [{type: globalavgpool, from: left}]}
        """
    )
    assert message == (
        "net.yaml:4:5: layers[1] (gate): the block's input is the network's 2 inputs (left, right): "
        "name the one it reads with from"
    )
    assert error("input: [4]\noutputs: [[a]]\nlayers: [{type: dense, units: 2}]\n").startswith("net.yaml:2:1: outputs:")


# --- inline: layers in place, with no block of their own ----------------------------------------


def test_an_inline_block_puts_its_layers_in_the_block_around_it():
    text = """
input: [3, 8, 8]
define:
  unit:
    type: inline
    args: {at: ~}
    layers:
      - {type: conv, name: "${at}", filters: 4, kernel: 3, padding: 1}
      - {type: activation, name: "${at + 1}", function: relu}
layers:
  - name: features
    type: block
    layers:
      - {type: unit, repeat: 2, at: "${2 * index}"}
      - {type: inline, repeat: 2, layers: [{type: conv, filters: 4, kernel: 1}]}
"""
    report = cnncount.count(text)
    assert [r.qualified_name for r in report.rows] == [
        "features.0",
        "features.1",
        "features.2",
        "features.3",
        "features.conv3",
        "features.conv4",
    ]
    assert [g.name for g in report.entries if not hasattr(g, "node")] == ["features"]  # one group: no inline's
    # 3x3: 3 -> 4 and 4 -> 4, then two 1x1 4 -> 4, each with its 4 biases
    assert report.totals.params == (3 * 9 * 4 + 4) + (4 * 9 * 4 + 4) + 2 * (4 * 4 + 4)


def test_an_inline_block_reads_the_entry_before_and_from():
    text = """
input: [3, 8, 8]
layers:
  - {type: conv, name: a, filters: 4, kernel: 1}
  - {type: conv, name: b, filters: 6, kernel: 1}
  - {type: inline, from: a, layers: [{type: conv, name: c, filters: 2, kernel: 1}]}
"""
    report = cnncount.count(text)
    assert report.rows[-1].input_shapes == ((4, 8, 8),) and report.rows[-1].qualified_name == "c"


def test_an_inline_block_has_no_name():
    text = "input: [3, 8, 8]\nlayers:\n  - {type: inline, name: x, layers: [{type: conv, filters: 2, kernel: 1}]}\n"
    with pytest.raises(
        SpecError, match=r"<string>:3:5: layers\[0\] \(inline\): name: an inline block has no name of its own"
    ):
        cnncount.count(text)
