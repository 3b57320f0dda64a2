"""Walking architectures: execution order, names, paths, block arithmetic and subtotals."""

import pytest

from cnncount import limits
from cnncount.counts import Counts
from cnncount.errors import CnnCountError, SpecError
from cnncount.layers import layer_class
from cnncount.model import Architecture, Block, Group, Leaf, Row, count


def leaf(key, kind, **options):
    return Leaf(layer_class(kind).build(options), key)


def conv(key, filters, kernel=3, **options):
    return leaf(key, "conv", filters=filters, kernel=kernel, padding=kernel // 2, **options)


def test_residual_concat_side_and_repeat():
    body = (conv("layers[0]", 8), leaf("layers[1]", "batchnorm"))
    arch = Architecture(
        (8, 16, 16),
        (
            Block("residual", (("layers", body), ("shortcut", ())), "layers[0]", repeat=2, name="res"),
            Block("concat", (("branches[0]", ()), ("branches[1]", (conv("branches[1][0]", 4, 1),))), "layers[1]"),
            Block(
                "side",
                (("layers", (leaf("layers[0]", "globalavgpool"), leaf("layers[1]", "dense", units=5))),),
                "layers[2]",
            ),
            leaf("layers[3]", "flatten"),
        ),
    )
    report = count(arch)
    assert report.output_shape == (12 * 16 * 16,)
    assert [r.name for r in report.rows] == [
        "conv1",
        "batchnorm1",
        "conv2",
        "batchnorm2",
        "conv3",
        "globalavgpool1",
        "dense1",
        "flatten1",
    ]
    assert [r.path for r in report.rows][:5] == [
        "layers[0]#1.layers[0]",
        "layers[0]#1.layers[1]",
        "layers[0]#2.layers[0]",
        "layers[0]#2.layers[1]",
        "layers[1].branches[1][0]",
    ]
    assert [r.depth for r in report.rows] == [1, 1, 1, 1, 1, 1, 1, 0]
    groups = [e for e in report.entries if isinstance(e, Group)]
    assert [(g.name, g.path, g.output_shape) for g in groups] == [
        ("res #1", "layers[0]#1", (8, 16, 16)),
        ("res #2", "layers[0]#2", (8, 16, 16)),
        ("concat", "layers[1]", (12, 16, 16)),
        ("side", "layers[2]", (12, 16, 16)),
    ]
    conv_bn = 8 * 8 * 9 + 8 + 8 + 8
    assert groups[0].counts.params == conv_bn
    assert groups[2].counts.params == 8 * 4 + 4
    assert groups[3].counts.params == 12 * 5 + 5
    assert report.side_outputs == (groups[3],) and groups[3].side_output == (5,)
    # pre-order: each group comes right before its rows
    assert isinstance(report.entries[0], Group) and isinstance(report.entries[1], Row)
    total = Counts()
    for row in report.rows:
        total = total + row.counts
    assert report.totals == total
    assert report.totals.params == 2 * conv_bn + 36 + 65


def test_empty_shortcut_and_empty_branch_are_identity():
    arch = Architecture(
        (3, 4, 4),
        (Block("concat", (("branches[0]", ()), ("branches[1]", ())), "layers[0]"),),
    )
    assert count(arch).output_shape == (6, 4, 4)


def test_errors_inside_blocks_name_the_repetition():
    arch = Architecture(
        (3, 9, 9), (Block("block", (("layers", (leaf("layers[0]", "maxpool", kernel=3),)),), "layers[0]", repeat=3),)
    )
    with pytest.raises(CnnCountError, match=r"^layer 3 \(maxpool\): kernel 3x3 does not fit input 3x1x1"):
        count(arch)


def test_layer_limit_is_checked_before_walking(monkeypatch):
    monkeypatch.setattr(limits, "MAX_LAYERS", 5)
    two = (leaf("layers[0]", "dropout"), leaf("layers[1]", "dropout"))
    inner = Block("block", (("layers", two),), "layers[1]", loc="net.yaml:5:9", repeat=3)
    outer = Block("block", (("layers", (leaf("layers[0]", "dropout"), inner)),), "layers[0]", loc="net.yaml:3:5")
    with pytest.raises(SpecError) as info:
        count(Architecture((3,), (outer,)))
    assert str(info.value) == (
        "net.yaml:5:9: layers[0].layers[1] (block): the network expands to 7 layers; "
        "cnncount counts at most 5; this block alone expands to 6: 3 repetitions of 2"
    )
    with pytest.raises(SpecError, match=r"^the network expands to 6 layers; cnncount counts at most 5$"):
        count(Architecture((3,), (*two, *two, *two)))
    assert len(count(Architecture((3,), (*two, *two, two[0]))).rows) == 5
