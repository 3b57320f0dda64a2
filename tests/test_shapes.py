"""Output-size formulas and shape parsing, checked on hand-worked numbers."""

import pytest

from cnncount.errors import SpecError
from cnncount.shapes import (
    conv_out,
    deconv_out,
    format_shape,
    parse_shape,
    pool_out,
    same_out,
    same_padding,
    size,
)


@pytest.mark.parametrize(
    "text, shape",
    [
        pytest.param("3x32x32", (3, 32, 32), id="x"),
        pytest.param("3,32,32", (3, 32, 32), id="comma"),
        pytest.param(" 300 x 56 ", (300, 56), id="spaces-1d"),
        pytest.param("512", (512,), id="flat"),
        pytest.param("[1, 8, 16, 16]", (1, 8, 16, 16), id="brackets-3d"),
    ],
)
def test_parse_shape(text, shape):
    assert parse_shape(text) == shape
    assert parse_shape(format_shape(shape)) == shape


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("3x32xa", "malformed shape", id="letters"),
        pytest.param("", "malformed shape", id="empty"),
        pytest.param("3x0x32", "at least 1", id="zero"),
        pytest.param("1x2x3x4x5", "has 5 sizes", id="rank5"),
    ],
)
def test_parse_shape_rejects(text, message):
    with pytest.raises(SpecError, match=message):
        parse_shape(text)


@pytest.mark.parametrize(
    "args, out",
    [
        pytest.param((32, 5, 1, 0, 1), 28, id="seed-k5"),
        pytest.param((224, 3, 1, 1, 1), 224, id="k3p1"),
        pytest.param((224, 7, 2, 3, 1), 112, id="k7s2p3"),
        pytest.param((10, 3, 1, 0, 2), 6, id="k3d2"),
        pytest.param((20, 3, 2, 1, 1), 10, id="k3s2p1"),
        pytest.param((4, 5, 1, 0, 1), 0, id="too-small"),
    ],
)
def test_conv_out(args, out):
    assert conv_out(*args) == out


def test_same_out_is_ceil_for_any_stride():
    assert [same_out(224, s) for s in (1, 2, 3, 4)] == [224, 112, 75, 56]
    assert same_out(7, 2) == 4


def test_same_padding_puts_the_odd_one_on_the_far_side():
    assert same_padding(7, 3, 2, 1) == (1, 1)  # out 4: (4-1)*2 + 3 - 7 = 2
    assert same_padding(8, 3, 2, 1) == (0, 1)  # out 4: (4-1)*2 + 3 - 8 = 1
    assert same_padding(5, 1, 2, 1) == (0, 0)


def test_deconv_out():
    assert deconv_out(16, 4, 2, 1, 1, 0) == 32  # 15*2 - 2 + 4 + 0
    assert deconv_out(7, 3, 2, 1, 1, 1) == 14  # 6*2 - 2 + 3 + 1
    assert deconv_out(5, 3, 1, 0, 2, 0) == 9  # 4 + 2*2 + 1


@pytest.mark.parametrize(
    "args, out",
    [
        pytest.param((5, 2, 2, 0, 1, False), 2, id="floor"),
        pytest.param((5, 2, 2, 0, 1, True), 3, id="ceil"),
        # ceil would give 4, but the 4th window would start at 6 >= 5 + 1: dropped.
        pytest.param((5, 2, 2, 1, 1, True), 3, id="ceil-drops-last-window"),
        pytest.param((112, 3, 2, 0, 1, True), 56, id="googlenet-ceil"),
        pytest.param((112, 3, 2, 1, 1, False), 56, id="resnet-k3s2p1"),
    ],
)
def test_pool_out(args, out):
    assert pool_out(*args) == out


def test_size():
    assert size((3, 32, 32)) == 3072
    assert size(()) == 1
