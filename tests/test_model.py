"""Walking a graph: execution order, names, paths, block arithmetic, subtotals, shares and training-only heads."""

import pytest

from cnncount import limits
from cnncount.counts import Counts
from cnncount.errors import CnnCountError, ShapeError, SpecError
from cnncount.graph import Architecture, Block, Leaf, Use
from cnncount.layers import layer_class
from cnncount.model import Group, Row, count


def leaf(kind, sources=None, share=None, **options):
    return Leaf(layer_class(kind).build(options), None, sources, share)


def conv(filters, kernel=3, **options):
    return leaf("conv", filters=filters, kernel=kernel, padding=kernel // 2, **options)


def test_residual_concat_side_and_repeat():
    body = (conv(8), leaf("batchnorm"))
    arch = Architecture(
        (8, 16, 16),
        (
            Block("residual", (("layers", body), ("shortcut", ())), repeat=2, name="res"),
            Block("concat", (("branches[0]", ()), ("branches[1]", (conv(4, 1),)))),
            Block("side", (("layers", (leaf("globalavgpool"), leaf("dense", units=5))),)),
            leaf("flatten"),
        ),
    )
    report = count(arch)
    assert report.output_shape == (12 * 16 * 16,)
    assert [(r.name, r.qualified_name) for r in report.rows] == [
        ("conv1", "res.0.conv1"),
        ("batchnorm1", "res.0.batchnorm1"),
        ("add1", "res.0.add1"),
        ("conv2", "res.1.conv2"),
        ("batchnorm2", "res.1.batchnorm2"),
        ("add2", "res.1.add2"),
        ("conv3", "conv3"),
        ("concat1", "concat1"),
        ("globalavgpool1", "globalavgpool1"),
        ("dense1", "dense1"),
        ("flatten1", "flatten1"),
    ]
    assert [r.path for r in report.rows][:5] == [
        "layers[0]#1.layers[0]",
        "layers[0]#1.layers[1]",
        "layers[0]#1.add",
        "layers[0]#2.layers[0]",
        "layers[0]#2.layers[1]",
    ]
    assert [r.depth for r in report.rows] == [1] * 10 + [0]
    # the add reads the body and the block's input; the concat its input and the conv; flatten the concat
    assert report.rows[2].inputs == ((2, 0), (0, 0))
    assert report.rows[7].inputs == ((6, 0), (7, 0))
    assert report.rows[8].inputs == ((8, 0),) and report.rows[10].inputs == ((8, 0),)
    groups = [e for e in report.entries if isinstance(e, Group)]
    assert [(g.name, g.path, g.output_shape) for g in groups] == [
        ("res.0", "layers[0]#1", (8, 16, 16)),
        ("res.1", "layers[0]#2", (8, 16, 16)),
        ("concat", "layers[1]", (12, 16, 16)),
        ("side", "layers[2]", (12, 16, 16)),
    ]
    conv_bn = 8 * 8 * 9 + 8 + 8 + 8
    assert groups[0].counts.params == conv_bn
    assert groups[2].counts.params == 8 * 4 + 4
    assert groups[3].counts.params == 12 * 5 + 5
    assert report.side_outputs == (groups[3],) and groups[3].side_output == (5,)
    assert [(o.name, o.shape, o.side) for o in report.outputs] == [("flatten1", (3072,), False), ("dense1", (5,), True)]
    # pre-order: each group comes right before its rows
    assert isinstance(report.entries[0], Group) and isinstance(report.entries[1], Row)
    total = Counts()
    for row in report.rows:
        total = total + row.counts
    assert report.totals == total
    assert report.totals.params == 2 * conv_bn + 36 + 65


def test_empty_shortcut_and_empty_branch_are_identity():
    arch = Architecture((3, 4, 4), (Block("concat", (("branches[0]", ()), ("branches[1]", ()))),))
    report = count(arch)
    assert report.output_shape == (6, 4, 4)
    assert [(r.kind, r.inputs) for r in report.rows] == [("concat", ((0, 0), (0, 0)))]


def test_errors_inside_blocks_name_the_repetition():
    arch = Architecture((3, 9, 9), (Block("block", (("layers", (leaf("maxpool", kernel=3),)),), repeat=3),))
    with pytest.raises(CnnCountError, match=r"^layer 3 \(maxpool\): kernel 3x3 does not fit input 3x1x1"):
        count(arch)


def test_layer_limit_is_checked_when_the_blocks_are_made(monkeypatch):
    monkeypatch.setattr(limits, "MAX_LAYERS", 5)
    two = (leaf("dropout"), leaf("dropout"))
    with pytest.raises(SpecError) as info:
        Block("block", (("layers", two),), repeat=3)
    assert str(info.value) == (
        "this block expands to 6 layers (3 repetitions of 2); cnncount counts at most 5 in a network"
    )
    with pytest.raises(SpecError, match=r"^the network expands to 6 layers; cnncount counts at most 5$"):
        Architecture((3,), (*two, *two, *two))
    assert len(count(Architecture((3,), (*two, *two, two[0]))).rows) == 5
    # merges count: a residual of two layers is three nodes
    residual = Block("residual", (("layers", two), ("shortcut", ())))
    assert residual.size == 3
    with pytest.raises(SpecError, match="expands to 6 layers"):
        Architecture((3,), (residual, residual))


def test_nesting_is_walked_without_recursion():
    # deeper than Python's default recursion limit would allow for a recursive walker
    inner: Block = Block("block", (("layers", (leaf("dropout"),)),))
    for _ in range(limits.MAX_NESTING - 1):
        inner = Block("block", (("layers", (inner,)),))
    report = count(Architecture((3,), (inner,)))
    assert len(report.rows) == 1 and report.rows[0].depth == limits.MAX_NESTING
    assert [e.depth for e in report.entries if isinstance(e, Group)] == list(range(limits.MAX_NESTING))
    with pytest.raises(SpecError, match="blocks nested 1,001 deep; cnncount reads at most 1,000 levels"):
        Block("block", (("layers", (inner,)),))


def test_identical_layers_on_identical_shapes_share_one_result():
    a, b = conv(8), conv(8)
    report = count(Architecture((8, 16, 16), (a, b)))
    assert report.rows[0].explain is report.rows[1].explain  # one Result, cached


def test_shared_layer_counts_its_parameters_once_and_its_macs_twice():
    tower = leaf("conv", filters=8, kernel=3, name="tower")
    arch = Architecture(
        (("left", (3, 16, 16)), ("right", (3, 16, 16))),
        (
            Leaf(tower.layer, None, ("left",)),
            Use("tower", "tower_b", None, ("right",)),
            leaf("concat", sources=("tower", "tower_b")),
        ),
    )
    report = count(arch)
    first, second, _ = report.rows
    assert second.shares == 1 and first.shares is None
    assert second.counts.params == 0 and second.counts.macs == first.counts.macs == 8 * 14 * 14 * 3 * 9
    assert report.totals.params == first.counts.params == 3 * 9 * 8 + 8
    assert report.totals.macs == 2 * first.counts.macs
    assert report.output_shape == (16, 14, 14)


def test_shared_layer_on_a_shape_its_parameters_do_not_fit():
    arch = Architecture(
        (("left", (3, 16, 16)), ("right", (1, 16, 16))),
        (leaf("conv", ("left",), filters=8, kernel=3, name="tower"), Use("tower", None, None, ("right",))),
    )
    with pytest.raises(ShapeError) as info:
        count(arch)
    assert str(info.value) == (
        "layer 2 (conv): shares the parameters of tower (weight 8x3x3x3, bias 8), "
        "but on this input they would be weight 8x1x3x3, bias 8"
    )


def test_untied_biases_shared_at_another_resolution_do_not_fit():
    # an FPN head shared across levels: tied biases fit every level, untied ones only their own
    def head(bias):
        return Architecture(
            (("p3", (8, 16, 16)), ("p4", (8, 8, 8))),
            (leaf("conv", ("p3",), filters=4, kernel=1, bias=bias, name="head"), Use("head", None, None, ("p4",))),
        )

    assert count(head("tied")).totals.params == 8 * 4 + 4
    with pytest.raises(
        ShapeError, match=r"bias 4x16x16\), but on this input they would be weight 4x8x1x1, bias 4x8x8$"
    ):
        count(head("untied"))


def test_a_training_only_head_counts_its_parameters_but_not_its_macs():
    head = Block(
        "side",
        (("layers", (leaf("globalavgpool"), leaf("dense", units=10))),),
        name="aux",
        options={"training": True},
    )
    report = count(Architecture((8, 4, 4), (conv(8), head, leaf("flatten"))))
    conv_macs = 8 * 16 * 8 * 9
    assert report.totals.params == 8 * 9 * 8 + 8 + 8 * 10 + 10
    assert report.totals.macs == conv_macs and report.training_macs == 80
    assert [row.training for row in report.rows] == [False, True, True, False]
    assert [(o.name, o.side, o.training) for o in report.outputs] == [("flatten1", False, False), ("aux", True, True)]


def test_a_training_only_head_that_does_not_fit_is_left_out_with_a_note():
    head = Block(
        "side", (("layers", (leaf("avgpool", kernel=5), leaf("flatten"))),), name="aux", options={"training": True}
    )
    report = count(Architecture((8, 3, 3), (conv(8), head, leaf("flatten"))))
    assert [row.kind for row in report.rows] == ["conv", "flatten"]
    assert [row.index for row in report.rows] == [1, 4]  # node numbers keep their places
    assert report.totals.params == 8 * 9 * 8 + 8
    assert [o.name for o in report.outputs] == ["flatten2"] and report.side_outputs == ()
    (note,) = report.notes
    assert note.startswith("aux (a side block that runs only while training) is left out: kernel 5x5 does not fit")
    # outside a training-only head, the same mistake is an error
    plain = Block("side", (("layers", (leaf("avgpool", kernel=5),)),), name="aux")
    with pytest.raises(ShapeError, match=r"^layer 2 \(avgpool\): kernel 5x5 does not fit"):
        count(Architecture((8, 3, 3), (conv(8), plain)))
