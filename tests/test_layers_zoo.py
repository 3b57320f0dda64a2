"""The zoo of layer kinds beyond conv and dense, on hand-worked numbers, and their option checks.

local, depthwise, separable, embedding, layernorm, groupnorm, instancenorm, lrn,
prelu, upsample, zeropad, crop and reshape.  Every expected number is written
as the arithmetic that gives it.
"""

import pytest

from cnncount.errors import ShapeError, SpecError
from cnncount.layers import layer_class
from cnncount.model import count
from cnncount.spec import from_words, from_yaml

ZOO = (
    "local",
    "depthwise",
    "separable",
    "embedding",
    "layernorm",
    "groupnorm",
    "instancenorm",
    "lrn",
    "prelu",
    "upsample",
    "zeropad",
    "crop",
    "reshape",
)


def run(kind, shape, /, **options):
    return layer_class(kind).build(options).infer(shape)


def counts_of(kind, shape, /, **options):
    c = run(kind, shape, **options).counts
    return c.weights, c.tied_biases, c.untied_biases, c.params, c.non_trainable, c.macs


# --- local ------------------------------------------------------------------------------------


def test_local_keras_docstring_example():
    # Keras's LocallyConnected2D docstring: 64 filters 3x3 on 32x32x3 "will consume
    # (30*30)*(3*3*3*64) + (30*30)*64 parameters" (its only, untied, layout).
    res = run("local", (3, 32, 32), filters=64, kernel=3, bias="untied")
    c = res.counts
    assert res.output_shape == (64, 30, 30)
    assert c.params == (30 * 30) * (3 * 3 * 3 * 64) + (30 * 30) * 64 == 1_612_800
    assert c.weights == (30 * 30) * (3 * 3 * 3 * 64)
    assert (c.tied_biases, c.untied_biases) == (64, 64 * 30 * 30)
    assert c.params_tied == (30 * 30) * (3 * 3 * 3 * 64) + 64  # Lasagne's untie_biases=False
    assert c.macs == c.weights  # every output position uses its own kernel once
    assert "weights = 30*30 * 3 * 3*3 * 64 = 1,555,200 (a kernel per output position)" in res.formulas
    assert "params, untied = 1,555,200 + 57,600 = 1,612,800" in res.formulas


@pytest.mark.parametrize(
    "shape, options, out, weights",
    [
        # Keras's LocallyConnected1D docstring: 64 filters of length 3 on 10 steps of 32 -> 8 steps
        pytest.param((32, 10), dict(filters=64, kernel=3), (64, 8), 8 * 32 * 3 * 64, id="keras-1d"),
        pytest.param(
            (2, 5, 6, 7), dict(filters=3, kernel=[2, 3, 4]), (3, 4, 4, 4), (4 * 4 * 4) * 2 * (2 * 3 * 4) * 3, id="3d"
        ),
        pytest.param(
            (3, 7, 7), dict(filters=2, kernel=3, stride=2, padding="same"), (2, 4, 4), (4 * 4) * 3 * 9 * 2, id="same-s2"
        ),
        pytest.param((1, 4), dict(filters=1, kernel=3, padding=1), (1, 4), 4 * 1 * 3 * 1, id="padding1"),
        pytest.param(
            (4, 9, 9), dict(filters=5, kernel=[3, 1], stride=[2, 3]), (5, 4, 3), (4 * 3) * 4 * 3 * 5, id="perdim"
        ),
    ],
)
def test_local(shape, options, out, weights):
    c = run("local", shape, **options).counts
    positions = out[1] * (out[2] if len(out) > 2 else 1) * (out[3] if len(out) > 3 else 1)
    assert run("local", shape, **options).output_shape == out
    assert (c.weights, c.tied_biases, c.untied_biases, c.macs) == (weights, out[0], out[0] * positions, weights)


def test_local_defaults_valid_padding_and_tied_biases():
    layer = layer_class("local").build({"filters": 2, "kernel": 3})
    assert (layer.padding, layer.stride, layer.bias) == ("valid", 1, "tied")
    assert run("local", (1, 5), filters=2, kernel=3, bias="none").counts.params == 3 * 1 * 3 * 2


# --- depthwise and separable ------------------------------------------------------------------


def test_depthwise_multiplier_2():
    res = run("depthwise", (32, 112, 112), kernel=3, multiplier=2, padding=1)
    assert res.output_shape == (32 * 2, 112, 112)
    assert counts_of("depthwise", (32, 112, 112), kernel=3, multiplier=2, padding=1) == (
        32 * 2 * 3 * 3,  # channels * multiplier * kernel
        64,
        64 * 112 * 112,
        32 * 2 * 3 * 3 + 64,
        0,
        64 * 112 * 112 * 3 * 3,  # one 3x3 kernel on one input channel per output value
    )
    assert "weights = 32 * 2 * 3*3 = 576 (channels * multiplier * kernel)" in res.formulas


@pytest.mark.parametrize(
    "shape, options",
    [
        pytest.param((16, 15, 15), dict(kernel=3, stride=2, padding="same"), id="same-s2"),
        pytest.param((6, 20), dict(kernel=5, multiplier=3, dilation=2, padding=2), id="1d-dilated"),
        pytest.param((4, 6, 8, 8), dict(kernel=[1, 3, 3], stride=[1, 2, 2], bias="untied"), id="3d-untied"),
        pytest.param((8, 9, 9), dict(kernel=3, multiplier=2, padding="valid", bias="none"), id="valid-nobias"),
    ],
)
def test_depthwise_is_a_grouped_conv(shape, options):
    multiplier = options.get("multiplier", 1)
    conv = {k: v for k, v in options.items() if k != "multiplier"}
    expected = run("conv", shape, filters=shape[0] * multiplier, groups=shape[0], **conv)
    res = run("depthwise", shape, **options)
    assert (res.output_shape, res.counts, res.bias) == (expected.output_shape, expected.counts, expected.bias)


def test_separable_32_to_64():
    res = run("separable", (32, 32, 32), filters=64, kernel=3)
    assert res.output_shape == (64, 30, 30)
    assert counts_of("separable", (32, 32, 32), filters=64, kernel=3) == (
        32 * 1 * 3 * 3 + 32 * 1 * 64,  # depthwise 288 + pointwise 2,048
        64,  # one bias set, after the pointwise conv
        64 * 30 * 30,
        288 + 2048 + 64,
        0,
        32 * 30 * 30 * 3 * 3 + 64 * 30 * 30 * 32,
    )
    assert "weights = depthwise 32*1*3*3 + pointwise 32*1*64 = 288 + 2,048 = 2,336" in res.formulas
    assert "macs = depthwise 32*30*30 * 3*3 + pointwise 64*30*30 * 32 = 259,200 + 1,843,200 = 2,102,400" in res.formulas


def test_separable_multiplier_stride_and_padding_apply_to_the_depthwise_step():
    res = run("separable", (8, 16, 16), filters=4, kernel=3, multiplier=2, stride=2, padding=1)
    assert res.output_shape == (4, 8, 8)
    c = res.counts
    assert c.weights == 8 * 2 * 3 * 3 + 8 * 2 * 4 == 144 + 64
    assert c.macs == 16 * 8 * 8 * 3 * 3 + 4 * 8 * 8 * 16
    assert run("separable", (8, 16), filters=4, kernel=3, bias="none").counts.params == 8 * 3 + 8 * 4


# --- embedding ----------------------------------------------------------------------------------


def test_embedding_kim_mr():
    res = run("embedding", (56,), vocab=18765, dim=300)
    assert res.output_shape == (300, 56)  # channels first: a 1-D conv can follow
    assert counts_of("embedding", (56,), vocab=18765, dim=300) == (18765 * 300, 0, 0, 5_629_500, 0, 0)
    assert res.bias is None
    assert "weights = 18765 * 300 = 5,629,500 (a vector per token id)" in res.formulas


# --- norms ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape, options, learned",
    [
        pytest.param((64, 56, 56), {}, 64 * 56 * 56, id="whole-sample"),
        pytest.param((64, 56, 56), dict(axes=[1, 2]), 56 * 56, id="last-two"),
        pytest.param((64, 56, 56), dict(axes=0), 64, id="channels-keras-axis-minus-1"),
        pytest.param((64, 56, 56), dict(axes=[2, 0]), 56 * 64, id="unordered"),
        pytest.param((768,), {}, 768, id="flat"),
        pytest.param((8, 3, 5, 7), dict(axes=[1, 3]), 3 * 7, id="3d-non-contiguous"),
    ],
)
def test_layernorm(shape, options, learned):
    res = run("layernorm", shape, **options)
    c = res.counts
    assert res.output_shape == shape
    assert (c.weights, c.tied_biases, c.untied_biases, c.params, c.non_trainable, c.macs) == (
        learned,
        learned,
        learned,
        2 * learned,
        0,
        0,
    )
    assert res.bias == "tied"


def test_layernorm_formulas_and_no_affine():
    res = run("layernorm", (64, 56, 56), axes=[1, 2])
    assert "weights (gamma) = 56*56 = 3,136 (one per element of dims 1, 2 of 64x56x56)" in res.formulas
    res = run("layernorm", (64, 56, 56), affine=False)
    assert res.counts.params == 0 and res.bias is None


def test_groupnorm_instancenorm_lrn():
    assert counts_of("groupnorm", (64, 56, 56), groups=32) == (64, 64, 64, 128, 0, 0)
    assert counts_of("groupnorm", (64,), groups=64) == (64, 64, 64, 128, 0, 0)
    assert counts_of("groupnorm", (64, 56, 56), groups=1, affine=False)[3] == 0
    # PyTorch's defaults: no affine, no running statistics
    assert counts_of("instancenorm", (64, 56, 56)) == (0, 0, 0, 0, 0, 0)
    assert run("instancenorm", (64, 56, 56)).bias is None
    assert counts_of("instancenorm", (64, 56, 56), affine=True) == (64, 64, 64, 128, 0, 0)
    assert counts_of("instancenorm", (8, 10), track_running_stats=True) == (0, 0, 0, 0, 2 * 8, 0)
    assert counts_of("instancenorm", (8, 4, 4, 4), affine=True, track_running_stats=True) == (8, 8, 8, 16, 16, 0)
    res = run("lrn", (96, 55, 55), size=5)
    assert (res.output_shape, res.counts.params, res.bias) == ((96, 55, 55), 0, None)


# --- prelu ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape, options, slopes",
    [
        pytest.param((64, 56, 56), {}, 64, id="per-channel"),
        pytest.param((64, 56, 56), dict(shared=True), 1, id="shared"),
        pytest.param((100,), {}, 100, id="flat"),
        pytest.param((3, 9), dict(shared=False), 3, id="1d"),
    ],
)
def test_prelu(shape, options, slopes):
    res = run("prelu", shape, **options)
    assert res.output_shape == shape and res.bias is None
    assert counts_of("prelu", shape, **options) == (slopes, 0, 0, slopes, 0, 0)


# --- shape-only kinds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, shape, options, out",
    [
        pytest.param("upsample", (64, 16, 16), dict(scale=2), (64, 32, 32), id="up-scale"),
        pytest.param("upsample", (8, 5, 7), dict(scale=[2, 3], mode="bilinear"), (8, 10, 21), id="up-perdim"),
        pytest.param("upsample", (8, 5, 7), dict(size=9), (8, 9, 9), id="up-size"),
        pytest.param("upsample", (2, 3, 4, 5), dict(size=[4, 6, 5], mode="trilinear"), (2, 4, 6, 5), id="up-3d-size"),
        pytest.param("upsample", (4, 10), dict(scale=4, mode="linear"), (4, 40), id="up-1d"),
        pytest.param("zeropad", (3, 224, 224), dict(padding=[[0, 1], [0, 1]]), (3, 225, 225), id="pad-pairs"),
        pytest.param("zeropad", (3, 10, 10), dict(padding=2), (3, 14, 14), id="pad-int"),
        pytest.param("zeropad", (3, 10, 10), dict(padding=[1, 3]), (3, 12, 16), id="pad-perdim"),
        pytest.param("zeropad", (3, 10, 10, 10), dict(padding=[1, [0, 2], 0]), (3, 12, 12, 10), id="pad-mixed-3d"),
        pytest.param("zeropad", (3, 10), dict(padding=[[4, 0]]), (3, 14), id="pad-1d-pair"),
        pytest.param("crop", (64, 28, 28), dict(cropping=2), (64, 24, 24), id="crop-int"),
        pytest.param("crop", (64, 28, 30), dict(cropping=[[1, 2], [3, 4]]), (64, 25, 23), id="crop-pairs"),
        pytest.param("crop", (1, 5), dict(cropping=[[0, 4]]), (1, 1), id="crop-to-one"),
        pytest.param("reshape", (1024,), dict(shape=[1024, 1, 1]), (1024, 1, 1), id="reshape-up"),
        pytest.param("reshape", (512, 7, 7), dict(shape=[512, -1]), (512, 49), id="reshape-wildcard"),
        pytest.param("reshape", (512, 7, 7), dict(shape=-1), (512 * 7 * 7,), id="reshape-flat"),
        pytest.param("reshape", (6, 4), dict(shape=[2, -1, 2, 2]), (2, 3, 2, 2), id="reshape-4"),
    ],
)
def test_parameter_free_zoo(kind, shape, options, out):
    res = run(kind, shape, **options)
    assert res.output_shape == out
    assert counts_of(kind, shape, **options) == (0, 0, 0, 0, 0, 0) and res.bias is None


def test_shape_only_formulas():
    assert "out H = 224 + 0 + 1 = 225" in run("zeropad", (3, 224, 224), padding=[[0, 1], [0, 1]]).formulas
    assert "out W = 30 - 3 - 4 = 23" in run("crop", (64, 28, 30), cropping=[[1, 2], [3, 4]]).formulas
    assert "out W = 7 * 3 = 21" in run("upsample", (8, 5, 7), scale=[2, 3]).formulas
    assert "-1 = 512*7*7 / 512 = 49" in run("reshape", (512, 7, 7), shape=[512, -1]).formulas


# --- shapes that do not fit -------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, shape, options, message",
    [
        pytest.param(
            "local",
            (3, 4, 4),
            dict(filters=2, kernel=5),
            "kernel 5x5 does not fit input 3x4x4 (padding 0, dilation 1): output H would be 0",
            id="local-kernel",
        ),
        pytest.param(
            "local",
            (512,),
            dict(filters=2, kernel=3),
            "local needs an input with spatial dimensions (C x L, C x H x W or C x D x H x W), got 512",
            id="local-flat",
        ),
        pytest.param(
            "depthwise",
            (512,),
            dict(kernel=3),
            "depthwise needs an input with spatial dimensions (C x L, C x H x W or C x D x H x W), got 512",
            id="depthwise-flat",
        ),
        pytest.param(
            "depthwise",
            (3, 5, 5),
            dict(kernel=3, dilation=3),
            "kernel 3x3 does not fit input 3x5x5 (padding 0, dilation 3): output H would be -1",
            id="depthwise-dilated",
        ),
        pytest.param(
            "separable",
            (3, 20),
            dict(filters=4, kernel=[3, 3]),
            "kernel 3x3 has 2 entries but the input has 1 spatial dimension (20)",
            id="separable-rank",
        ),
        pytest.param(
            "embedding",
            (3, 8),
            dict(vocab=10, dim=4),
            "embedding needs a sequence of token ids (a shape of one size, L), got 3x8",
            id="embedding-rank",
        ),
        pytest.param(
            "layernorm",
            (64, 56, 56),
            dict(axes=[1, 3]),
            "axes [1, 3] include dim 3 but the input 64x56x56 has dims 0 to 2",
            id="layernorm-axes",
        ),
        pytest.param(
            "layernorm",
            (8,),
            dict(axes=1),
            "axes [1] include dim 1 but the input 8 has only dim 0",
            id="layernorm-flat",
        ),
        pytest.param(
            "groupnorm", (6, 8), dict(groups=4), "groups 4 must divide the channels (6) of 6x8", id="groupnorm-groups"
        ),
        pytest.param(
            "instancenorm",
            (64,),
            {},
            "instancenorm needs an input with spatial dimensions (C x L, C x H x W or C x D x H x W), got 64",
            id="instancenorm-flat",
        ),
        pytest.param(
            "lrn",
            (64,),
            dict(size=5),
            "lrn needs an input with spatial dimensions (C x L, C x H x W or C x D x H x W), got 64",
            id="lrn-flat",
        ),
        pytest.param(
            "upsample",
            (4, 8, 8),
            dict(scale=[2, 2, 2]),
            "scale 2x2x2 has 3 entries but the input has 2 spatial dimensions (8x8)",
            id="upsample-rank",
        ),
        pytest.param(
            "zeropad",
            (3, 8, 8),
            dict(padding=[1, 2, 3]),
            "padding [1, 2, 3] has 3 entries but the input has 2 spatial dimensions (8x8)",
            id="zeropad-rank",
        ),
        pytest.param(
            "zeropad",
            (3, 8),
            dict(padding=[[1, 2], [3, 4]]),
            "padding [[1, 2], [3, 4]] has 2 entries but the input has 1 spatial dimension (8)",
            id="zeropad-pairs-rank",
        ),
        pytest.param(
            "crop",
            (3, 8, 8),
            dict(cropping=4),
            "cropping 4+4 leaves nothing of H 8 (input 3x8x8): output H would be 0",
            id="crop-all",
        ),
        pytest.param(
            "crop",
            (3, 8, 5),
            dict(cropping=[[0, 1], [3, 3]]),
            "cropping 3+3 leaves nothing of W 5 (input 3x8x5): output W would be -1",
            id="crop-too-much",
        ),
        pytest.param(
            "reshape",
            (3, 8, 8),
            dict(shape=[5, 2]),
            "cannot reshape 3x8x8 (192 elements) to 5x2 (10 elements)",
            id="reshape-count",
        ),
        pytest.param(
            "reshape",
            (3, 8, 8),
            dict(shape=[5, -1]),
            "cannot reshape 3x8x8 (192 elements) to 5x-1: 192 is not a multiple of 5",
            id="reshape-wildcard",
        ),
    ],
)
def test_shapes_that_do_not_fit(kind, shape, options, message):
    with pytest.raises(ShapeError) as info:
        run(kind, shape, **options)
    assert str(info.value) == message


# --- option checks ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, options, message",
    [
        pytest.param(
            "upsample", dict(scale=2, size=8), "give exactly one of scale and size, got both", id="upsample-both"
        ),
        pytest.param("upsample", {}, "give exactly one of scale and size, got neither", id="upsample-neither"),
        pytest.param(
            "upsample",
            dict(scale=0),
            "scale: expected an integer >= 1 or a list of 1 to 3 of them, got 0",
            id="upsample-zero",
        ),
        pytest.param(
            "reshape",
            dict(shape=[-1, -1]),
            "shape: expected a list of 1 to 4 integers >= 1, one of them may be -1, got [-1, -1]",
            id="reshape-two-wildcards",
        ),
        pytest.param(
            "reshape",
            dict(shape=[4, 0]),
            "shape: expected a list of 1 to 4 integers >= 1, one of them may be -1, got [4, 0]",
            id="reshape-zero",
        ),
        pytest.param(
            "reshape",
            dict(shape=[1, 2, 3, 4, 5]),
            "shape: expected a list of 1 to 4 integers >= 1, one of them may be -1, got [1, 2, 3, 4, 5]",
            id="reshape-rank",
        ),
        pytest.param("reshape", {}, "missing required key shape", id="reshape-missing"),
        pytest.param("layernorm", dict(axes=[1, 1]), "axes: a dim is named twice in [1, 1]", id="layernorm-twice"),
        pytest.param(
            "layernorm",
            dict(axes=[-1]),
            "axes: expected a list of 1 to 4 integers >= 0, got [-1]",
            id="layernorm-negative",
        ),
        pytest.param(
            "zeropad",
            dict(padding=-1),
            "padding: expected an integer >= 0, a list with one per spatial dim, or a list of [near, far] pairs, got -1",
            id="zeropad-negative",
        ),
        pytest.param(
            "zeropad",
            dict(padding=[[1, 2, 3]]),
            "padding: expected an integer >= 0, a list with one per spatial dim, or a list of [near, far] pairs, got [[1, 2, 3]]",
            id="zeropad-triple",
        ),
        pytest.param(
            "crop",
            dict(cropping="same"),
            "cropping: expected an integer >= 0, a list with one per spatial dim, or a list of [near, far] pairs, got 'same'",
            id="crop-word",
        ),
        pytest.param("embedding", dict(vocab=0, dim=3), "vocab: expected an integer >= 1, got 0", id="embedding-vocab"),
        pytest.param(
            "depthwise",
            dict(kernel=3, multiplier=0),
            "multiplier: expected an integer >= 1, got 0",
            id="depthwise-multiplier",
        ),
        pytest.param(
            "local",
            dict(filters=2, kernel=3, bias="shared"),
            "bias: expected one of tied, untied, none, got 'shared'",
            id="local-bias",
        ),
        pytest.param(
            "local",
            dict(filters=2, kernel=3, dilation=2),
            "unknown key 'dilation' (local takes filters, kernel, stride, padding, bias, name)",
            id="local-no-dilation",
        ),
        pytest.param("lrn", {}, "missing required key size", id="lrn-size"),
        pytest.param("groupnorm", {}, "missing required key groups", id="groupnorm-groups"),
    ],
)
def test_option_checks(kind, options, message):
    with pytest.raises(SpecError) as info:
        layer_class(kind).build(options)
    assert str(info.value) == message


@pytest.mark.parametrize(
    "kind, text, yaml",
    [
        pytest.param("zeropad", {"padding": "1:2x3:4"}, {"padding": [[1, 2], [3, 4]]}, id="pairs"),
        pytest.param("zeropad", {"padding": "1x3:4"}, {"padding": [1, [3, 4]]}, id="mixed"),
        pytest.param("zeropad", {"padding": "0:1"}, {"padding": [[0, 1]]}, id="one-pair"),
        pytest.param("crop", {"cropping": "2"}, {"cropping": 2}, id="int"),
        pytest.param("crop", {"cropping": "1,2"}, {"cropping": [1, 2]}, id="comma"),
        pytest.param("reshape", {"shape": "512x-1"}, {"shape": [512, -1]}, id="wildcard"),
        pytest.param("reshape", {"shape": "-1"}, {"shape": -1}, id="flat"),
        pytest.param("layernorm", {"axes": "1,2"}, {"axes": [1, 2]}, id="axes"),
        pytest.param(
            "upsample", {"scale": "2x3", "mode": "bilinear"}, {"scale": [2, 3], "mode": "bilinear"}, id="scale"
        ),
        pytest.param("prelu", {"shared": "true"}, {"shared": True}, id="shared"),
        pytest.param(
            "depthwise",
            {"kernel": "3", "multiplier": "2", "padding": "same"},
            {"kernel": 3, "multiplier": 2, "padding": "same"},
            id="depthwise",
        ),
    ],
)
def test_command_line_text_is_parsed_like_yaml_values(kind, text, yaml):
    from_text = layer_class(kind).build(text, text=True)
    assert from_text == layer_class(kind).build(yaml)
    hash(from_text)  # the walker caches results by layer: every value must be hashable


def test_bad_text_is_quoted_back():
    with pytest.raises(SpecError, match=r"padding: expected .* got '1:x'"):
        layer_class("zeropad").build({"padding": "1:x"}, text=True)
    with pytest.raises(SpecError, match=r"shape: expected .* got 'ax2'"):
        layer_class("reshape").build({"shape": "ax2"}, text=True)


# --- whole networks with the zoo --------------------------------------------------------------


def test_layer_words_and_yaml_agree():
    words = [
        "upsample scale=2x3 mode=bilinear",
        "zeropad padding=1:2x3:4",
        "crop cropping=0:1x5",
        "depthwise kernel=3 multiplier=2 padding=same",
        "separable filters=8 kernel=3 bias=untied",
        "local filters=4 kernel=3 stride=2",
        "groupnorm groups=2",
        "prelu",
        "layernorm axes=1,2",
        "instancenorm affine=true track_running_stats=true",
        "lrn size=3",
        "reshape shape=4x-1",
    ]
    by_words = count(from_words((3, 8, 8), words))
    yaml = """
input: [3, 8, 8]
layers:
  - {type: upsample, scale: [2, 3], mode: bilinear}
  - {type: zeropad, padding: [[1, 2], [3, 4]]}
  - {type: crop, cropping: [[0, 1], 5]}
  - {type: depthwise, kernel: 3, multiplier: 2, padding: same}
  - {type: separable, filters: 8, kernel: 3, bias: untied}
  - {type: local, filters: 4, kernel: 3, stride: 2}
  - {type: groupnorm, groups: 2}
  - {type: prelu}
  - {type: layernorm, axes: [1, 2]}
  - {type: instancenorm, affine: true, track_running_stats: true}
  - {type: lrn, size: 3}
  - {type: reshape, shape: [4, -1]}
"""
    by_yaml = count(from_yaml(yaml, "zoo.yaml"))
    assert by_words.totals == by_yaml.totals
    assert [r.output_shape for r in by_words.rows] == [r.output_shape for r in by_yaml.rows]
    # 3x8x8 -> up 3x16x24 -> pad 3x19x31 -> crop 3x18x21 -> dw 6x18x21 -> sep 8x16x19
    #   -> local 4x7x9 -> ... -> reshape 4x63
    assert [r.output_shape for r in by_words.rows] == [
        (3, 16, 24),
        (3, 19, 31),
        (3, 18, 21),
        (6, 18, 21),
        (8, 16, 19),
        (4, 7, 9),
        (4, 7, 9),
        (4, 7, 9),
        (4, 7, 9),
        (4, 7, 9),
        (4, 7, 9),
        (4, 63),
    ]
    weights = (
        3 * 2 * 9  # depthwise
        + 6 * 9
        + 6 * 8  # separable
        + 7 * 9 * 8 * 9 * 4  # local: positions * channels * kernel * filters
        + 4  # groupnorm gamma
        + 4  # prelu
        + 7 * 9  # layernorm gamma over dims 1, 2
        + 4  # instancenorm gamma
    )
    assert by_words.totals.weights == weights
    assert by_words.totals.non_trainable == 2 * 4


def test_yaml_errors_point_at_the_layer():
    text = (
        "input: [3, 8, 8]\nlayers:\n  - {type: conv, filters: 4, kernel: 3}\n  - {type: upsample, scale: 2, size: 4}\n"
    )
    with pytest.raises(SpecError) as info:
        from_yaml(text, "up.yaml")
    assert str(info.value) == "up.yaml:4:5: layers[1] (upsample): give exactly one of scale and size, got both"
    text = "input: [3, 8, 8]\nlayers:\n  - type: layernorm\n    axes: [2, 2]\n"
    with pytest.raises(SpecError) as info:
        from_yaml(text, "ln.yaml")
    assert str(info.value) == "ln.yaml:4:5: layers[0] (layernorm): axes: a dim is named twice in [2, 2]"


def test_every_zoo_kind_is_registered_with_help():
    for kind in ZOO:
        cls = layer_class(kind)
        assert cls.kind == kind and cls.summary and cls.example and cls.__doc__
        assert all(p.help for p in cls.params())
