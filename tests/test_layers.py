"""Every layer kind on hand-worked numbers, and the checks on its options."""

import pytest

from cnncount.errors import ShapeError, SpecError
from cnncount.layers import REGISTRY, kind_names, layer_class


def run(kind, shape, **options):
    return layer_class(kind).build(options).infer(shape)


def test_seed_example_tied_and_untied():
    res = run("conv", (3, 32, 32), filters=32, kernel=5)
    c = res.counts
    assert res.output_shape == (32, 28, 28)
    assert (c.weights, c.tied_biases, c.untied_biases) == (3 * 5 * 5 * 32, 32, 32 * 28 * 28)
    assert (c.params_tied, c.params_untied) == (2432, 27488)
    assert c.macs == 32 * 28 * 28 * 3 * 5 * 5
    assert "weights = 32 * (3/1) * 5*5 = 2,400" in res.formulas
    assert "params, untied = 2,400 + 25,088 = 27,488" in res.formulas


def test_untied_layout_is_the_layers_params():
    c = run("conv", (3, 32, 32), filters=32, kernel=5, bias="untied").counts
    assert c.params == 27488
    c = run("conv", (3, 32, 32), filters=32, kernel=5, bias="none").counts
    assert (c.params, c.tied_biases, c.untied_biases) == (2400, 0, 0)


@pytest.mark.parametrize(
    "shape, options, out, weights, macs",
    [
        pytest.param(
            (8, 10, 10), dict(filters=4, kernel=3, groups=2), (4, 8, 8), 4 * 4 * 9, 4 * 8 * 8 * 4 * 9, id="groups2"
        ),
        pytest.param(
            (4, 20), dict(filters=6, kernel=3, stride=2, padding=1), (6, 10), 6 * 4 * 3, 6 * 10 * 4 * 3, id="1d-k3s2p1"
        ),
        pytest.param(
            (2, 8, 8, 8),
            dict(filters=3, kernel=[3, 1, 1]),
            (3, 6, 8, 8),
            3 * 2 * 3,
            3 * 6 * 8 * 8 * 2 * 3,
            id="3d-perdim",
        ),
        pytest.param(
            (3, 7, 7),
            dict(filters=2, kernel=3, stride=2, padding="same"),
            (2, 4, 4),
            2 * 3 * 9,
            2 * 16 * 27,
            id="same-s2",
        ),
        pytest.param((3, 7, 9), dict(filters=2, kernel=3, padding="valid"), (2, 5, 7), 54, 2 * 35 * 27, id="valid"),
        pytest.param((3, 10, 10), dict(filters=2, kernel=3, dilation=2), (2, 6, 6), 54, 2 * 36 * 27, id="dilation2"),
        pytest.param(
            (3, 224, 224),
            dict(filters=64, kernel=7, stride=2, padding=3),
            (64, 112, 112),
            9408,
            64 * 112 * 112 * 147,
            id="resnet-stem",
        ),
        pytest.param(
            (6, 9, 12),
            dict(filters=6, kernel=[3, 5], padding=[1, 2], groups=6),
            (6, 9, 12),
            6 * 15,
            6 * 9 * 12 * 15,
            id="depthwise",
        ),
    ],
)
def test_conv(shape, options, out, weights, macs):
    res = run("conv", shape, **options)
    assert res.output_shape == out
    assert res.counts.weights == weights
    assert res.counts.tied_biases == out[0]
    assert res.counts.untied_biases == out[0] * (
        out[1] * (out[2] if len(out) > 2 else 1) * (out[3] if len(out) > 3 else 1)
    )
    assert res.counts.macs == macs


def test_deconv_counts_macs_per_input_position():
    res = run("deconv", (64, 16, 16), filters=32, kernel=4, stride=2, padding=1)
    c = res.counts
    assert res.output_shape == (32, 32, 32)
    assert c.weights == 64 * 32 * 16
    assert (c.tied_biases, c.untied_biases) == (32, 32 * 32 * 32)
    assert c.macs == 64 * 16 * 16 * 32 * 16  # input positions x (filters/groups) x kernel


def test_deconv_groups_output_padding_and_dilation():
    res = run("deconv", (8, 7), filters=4, kernel=3, stride=2, padding=1, output_padding=1, groups=2)
    assert res.output_shape == (4, 14)
    assert res.counts.weights == 8 * 2 * 3
    assert run("deconv", (1, 5), filters=1, kernel=3, dilation=2).output_shape == (1, 9)


@pytest.mark.parametrize(
    "kind, shape, options, out",
    [
        pytest.param("maxpool", (32, 28, 28), dict(kernel=2), (32, 14, 14), id="max-k2"),
        pytest.param("maxpool", (64, 112, 112), dict(kernel=3, stride=2, padding=1), (64, 56, 56), id="max-k3s2p1"),
        pytest.param("maxpool", (64, 112, 112), dict(kernel=3, stride=2, ceil_mode=True), (64, 56, 56), id="max-ceil"),
        pytest.param("maxpool", (1, 10), dict(kernel=2, dilation=3, stride=1), (1, 7), id="max-dilated-1d"),
        pytest.param("avgpool", (6, 28, 28), dict(kernel=2), (6, 14, 14), id="avg-k2"),
        pytest.param("avgpool", (2, 5, 5, 5), dict(kernel=2, ceil_mode=True), (2, 3, 3, 3), id="avg-3d-ceil"),
        pytest.param("adaptiveavgpool", (512, 14, 14), dict(output=7), (512, 7, 7), id="adaptive"),
        pytest.param("adaptivemaxpool", (512, 14, 14), dict(output=[2, 3]), (512, 2, 3), id="adaptive-perdim"),
        pytest.param("globalavgpool", (512, 7, 7), {}, (512,), id="global-avg"),
        pytest.param("globalmaxpool", (100, 54), {}, (100,), id="global-max-1d"),
        pytest.param("flatten", (512, 7, 7), {}, (25088,), id="flatten"),
        pytest.param("dropout", (4096,), dict(rate=0.5), (4096,), id="dropout"),
        pytest.param("activation", (6, 28, 28), dict(function="tanh"), (6, 28, 28), id="activation"),
    ],
)
def test_parameter_free_kinds(kind, shape, options, out):
    res = run(kind, shape, **options)
    assert res.output_shape == out
    assert res.counts.params_untied == 0 and res.counts.macs == 0 and res.bias is None


def test_dense_untied_equals_tied():
    c = run("dense", (512,), units=10).counts
    assert (c.weights, c.tied_biases, c.untied_biases, c.params, c.macs) == (5120, 10, 10, 5130, 5120)
    assert c.params_tied == c.params_untied == 5130
    assert run("dense", (512,), units=10, bias="none").counts.params == 5120


def test_batchnorm_splits_gamma_beta_and_running_statistics():
    c = run("batchnorm", (64, 56, 56)).counts
    assert (c.weights, c.tied_biases, c.untied_biases, c.params, c.non_trainable) == (64, 64, 64, 128, 128)
    assert c.params_tied == c.params_untied == 128
    c = run("batchnorm", (64,), affine=False).counts
    assert (c.params, c.non_trainable) == (0, 128)


@pytest.mark.parametrize(
    "kind, shape, options, message",
    [
        pytest.param(
            "conv",
            (3, 5, 5),
            dict(filters=8, kernel=7),
            r"kernel 7x7 does not fit input 3x5x5 \(padding 0, dilation 1\)",
            id="kernel-too-big",
        ),
        pytest.param(
            "conv",
            (8, 5, 5),
            dict(filters=8, kernel=1, groups=3),
            r"groups 3 must divide both the input channels \(8\) and filters \(8\)",
            id="groups",
        ),
        pytest.param(
            "conv",
            (3, 20),
            dict(filters=8, kernel=[3, 3]),
            r"kernel 3x3 has 2 entries but the input has 1 spatial dimension",
            id="perdim-rank",
        ),
        pytest.param(
            "conv", (512,), dict(filters=8, kernel=3), r"conv needs an input with spatial dimensions", id="flat-input"
        ),
        pytest.param(
            "dense",
            (512, 7, 7),
            dict(units=10),
            r"dense needs a flat input, got 512x7x7: add a flatten or a global pooling",
            id="dense-spatial",
        ),
        pytest.param(
            "deconv",
            (4, 5),
            dict(filters=4, kernel=3, stride=2, output_padding=2),
            r"output_padding 2 must be smaller than stride 2 or dilation 1",
            id="output-padding",
        ),
        pytest.param(
            "deconv",
            (4, 2),
            dict(filters=4, kernel=1, padding=2),
            r"padding 2 trims more than the output has: output L would be -2 \(input 4x2\)",
            id="deconv-negative",
        ),
        pytest.param(
            "maxpool",
            (3, 8, 8),
            dict(kernel=3, padding=2),
            r"padding 2 is more than half the kernel 3",
            id="pool-padding",
        ),
        pytest.param("avgpool", (3, 1, 8), dict(kernel=2), r"output H would be 0", id="pool-too-small"),
    ],
)
def test_shapes_that_do_not_fit(kind, shape, options, message):
    with pytest.raises(ShapeError, match=message):
        run(kind, shape, **options)


@pytest.mark.parametrize(
    "options, message",
    [
        pytest.param(dict(filters=2.5, kernel=3), r"filters: expected an integer >= 1, got 2.5", id="float"),
        pytest.param(dict(filters=True, kernel=3), r"filters: expected an integer >= 1, got True", id="bool"),
        pytest.param(
            dict(filters=8, kernel=3, stride=-1), r"stride: expected an integer >= 1 or a list", id="negative"
        ),
        pytest.param(dict(filters=8, kernel=[3, 0]), r"kernel: .* got \[3, 0\]", id="zero-in-list"),
        pytest.param(
            dict(filters=8, kernel=3, padding="full"), r"padding: .*'same' or 'valid', got 'full'", id="padding-word"
        ),
        pytest.param(dict(filters=8, kernel=3, bias="shared"), r"bias: expected one of tied, untied, none", id="bias"),
        pytest.param(dict(filters=8, kernel=3, strde=2), r"unknown key 'strde' \(did you mean 'stride'\?\)", id="typo"),
        pytest.param(dict(kernel=3), r"missing required key filters", id="missing"),
    ],
)
def test_option_checks(options, message):
    with pytest.raises(SpecError, match=message):
        layer_class("conv").build(options)


def test_command_line_text_is_parsed_like_yaml_values():
    cls = layer_class("conv")
    from_text = cls.build({"filters": "32", "kernel": "3x5", "padding": "same", "bias": "untied"}, text=True)
    from_yaml = cls.build({"filters": 32, "kernel": [3, 5], "padding": "same", "bias": "untied"})
    assert from_text == from_yaml
    assert layer_class("maxpool").build({"kernel": "2", "ceil_mode": "true"}, text=True).ceil_mode is True
    with pytest.raises(SpecError, match="filters: expected an integer >= 1, got 'many'"):
        cls.build({"filters": "many", "kernel": "3"}, text=True)


def test_unknown_kind_suggests_the_closest():
    with pytest.raises(SpecError, match=r"unknown layer type 'cnov' \(did you mean 'conv'\?\)"):
        layer_class("cnov")


def test_every_registered_kind_describes_itself():
    for kind in kind_names():
        cls = layer_class(kind)
        assert cls.kind == kind, REGISTRY[kind]
        assert cls.summary and cls.example and cls.__doc__
        for p in cls.params():
            assert p.help, f"{kind}.{p.name} has no help"


def test_batchnorm_without_its_scale_learns_the_shift_alone():
    # Keras's BatchNormalization(scale=False), as Inception v3 has it: beta per channel, no gamma
    c = layer_class("batchnorm")(scale=False).infer((64, 8, 8)).counts
    assert (c.weights, c.tied_biases, c.non_trainable) == (0, 64, 128)
    assert layer_class("batchnorm")(affine=False, scale=False).infer((64, 8, 8)).counts.params == 0


def test_normalize_keeps_a_mean_and_variance_per_channel_and_a_count():
    c = layer_class("normalize")().infer((3, 224, 224)).counts
    assert (c.params, c.non_trainable) == (0, 2 * 3 + 1)
