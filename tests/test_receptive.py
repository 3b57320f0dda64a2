"""Receptive fields: worked by hand, against the published figures, and against PyTorch's gradients.

The oracle: in a network whose weights are all 1 and biases 0, with no activations and average
pools where there were max pools, every input position a unit depends on adds a positive amount
to that unit's input gradient, and no other position adds anything; so the positions where the
gradient of one unit is non-zero span its receptive field, exactly (for a unit whose field lies
inside the input, so that the border does not cut it; inside, a dilation or a stride larger than
its kernel leaves holes, positions the field spans but no path reads).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

import cnncount
from cnncount.layers import layer_class
from cnncount.receptive import Field, fields, merged, start, through


def field_of(report, name):
    for row, field in zip(report.rows, fields(report)):
        if row.qualified_name == name:
            return field
    raise KeyError(name)


def rsp(field):
    return field.size, field.stride, field.padding


# --- worked by hand ------------------------------------------------------------------------------


def test_the_seed_conv():
    # 3x32x32 through a 5x5 conv: each unit sees 5x5 pixels, neighbours one pixel apart, no padding
    report = cnncount.count({"input": [3, 32, 32], "layers": [{"type": "conv", "filters": 32, "kernel": 5}]})
    assert rsp(fields(report)[0]) == ((5, 5), (1, 1), (0, 0))


@pytest.mark.parametrize(
    "layers, expected",
    [
        # r = 1 + (3-1)*1 = 3, S = 2, P = 1; then r = 3 + (3-1)*2 = 7, S = 4, P = 1 + 1*2 = 3
        pytest.param(
            [{"type": "conv", "filters": 4, "kernel": 3, "stride": 2, "padding": 1}] * 2,
            ((7,), (4,), (3,)),
            id="two-strided-convs",
        ),
        # a dilated 3-tap kernel spans 2*(3-1)+1 = 5 positions
        pytest.param([{"type": "conv", "filters": 4, "kernel": 3, "dilation": 2}], ((5,), (1,), (0,)), id="dilated"),
        # max pool 2/2 after a 3x3 conv: r = 3 + (2-1)*1 = 4, S = 2
        pytest.param(
            [{"type": "conv", "filters": 4, "kernel": 3}, {"type": "maxpool", "kernel": 2}],
            ((4,), (2,), (0,)),
            id="conv-then-pool",
        ),
        # same padding, TensorFlow's rule on 10 positions, k 3, s 2: total = max(3 - 10 % 2 ... ) = 1, left 0
        pytest.param(
            [{"type": "conv", "filters": 4, "kernel": 3, "stride": 2, "padding": "same"}],
            ((3,), (2,), (0,)),
            id="same-even",
        ),
        # on 11 positions: total = max(3 - 11 % 2, 0) = 2, left 1
        pytest.param(
            [
                {"type": "zeropad", "padding": [[0, 1]]},
                {"type": "conv", "filters": 4, "kernel": 3, "stride": 2, "padding": "same"},
            ],
            ((3,), (2,), (1,)),
            id="same-odd",
        ),
        # activations, norms and 1x1 convs change nothing
        pytest.param(
            [
                {"type": "conv", "filters": 4, "kernel": 3},
                {"type": "batchnorm"},
                {"type": "activation", "function": "relu"},
                {"type": "conv", "filters": 2, "kernel": 1},
            ],
            ((3,), (1,), (0,)),
            id="pointwise",
        ),
        # a crop is a negative padding
        pytest.param(
            [{"type": "crop", "cropping": 2}, {"type": "conv", "filters": 2, "kernel": 3}],
            ((3,), (1,), (-2,)),
            id="crop",
        ),
    ],
)
def test_stacks_worked_by_hand(layers, expected):
    report = cnncount.count({"input": [2, 10], "layers": layers})
    assert rsp(fields(report)[-1]) == expected


def test_dense_and_global_pools_see_the_whole_input():
    report = cnncount.count(
        {
            "input": [3, 16, 16],
            "layers": [
                {"type": "conv", "filters": 4, "kernel": 3},
                {"type": "globalavgpool"},
                {"type": "dense", "units": 2},
            ],
        }
    )
    first, pool, dense = fields(report)
    assert not first.whole and pool.whole and dense.whole


def test_a_residual_keeps_the_larger_path_and_is_aligned():
    report = cnncount.count(
        {
            "input": [4, 16, 16],
            "layers": [
                {"type": "residual", "layers": [{"type": "conv", "filters": 4, "kernel": 3, "padding": 1}] * 2},
            ],
        }
    )
    add = fields(report)[-1]
    assert rsp(add) == ((5, 5), (1, 1), (2, 2)) and not add.misaligned


def test_a_merge_of_fields_with_other_centres_is_misaligned():
    # one path pads its 3x3 conv, the other does not: their fields are centred one position apart
    a = through(start((1, 16)), layer_class("conv")(filters=1, kernel=3, padding=1).reach(((1, 16),)))
    b = through(start((1, 16)), layer_class("conv")(filters=1, kernel=3, padding=0).reach(((1, 16),)))
    assert merged([a, b]).misaligned and not merged([a, a]).misaligned
    strided = through(start((1, 16)), layer_class("conv")(filters=1, kernel=3, stride=2, padding=1).reach(((1, 16),)))
    assert merged([a, strided]).misaligned  # another stride


def test_a_field_larger_than_the_input_is_flagged():
    report = cnncount.count(
        {"input": [1, 6, 6], "layers": [{"type": "conv", "filters": 1, "kernel": 3, "padding": 1}] * 3}
    )
    assert [f.larger_than_input for f in fields(report)] == [False, False, True]  # 3, 5, then 7 > 6


def test_what_cannot_be_told_says_why():
    report = cnncount.count(
        {
            "input": [2, 8, 8],
            "layers": [
                {"type": "upsample", "scale": 2, "mode": "lanczos3"},
                {"type": "conv", "filters": 2, "kernel": 3},
            ],
        }
    )
    up, conv = fields(report)
    assert up.unknown and "upsampling" in up.unknown and conv.unknown == up.unknown
    # stride 2, dilation 2: the odd outputs are reached by no input's taps
    report = cnncount.count(
        {"input": [2, 8], "layers": [{"type": "deconv", "filters": 2, "kernel": 3, "stride": 2, "dilation": 2}]}
    )
    assert "no input reaches" in fields(report)[0].unknown


# --- uneven fields: transposed convs, upsampling, adaptive pools -----------------------------------


def spans_of(layers, size=12):
    """The first and last input position of units 0 to 5 of the last layer, over a 1-D input."""
    report = cnncount.count({"input": [2, size], "layers": layers})
    (spans,) = fields(report)[-1].spans
    return [spans.at(u) for u in range(6)]


@pytest.mark.parametrize(
    "layers, expected",
    [
        # k 4, s 2, p 1: output v reads inputs (v + 1 - j)/2, j < 4: v=0 reads -1 and 0 (j=3, 1),
        # v=1 reads 0 and 1 (j=2, 0); then the same one input on, every two outputs
        pytest.param(
            [{"type": "deconv", "filters": 2, "kernel": 4, "stride": 2, "padding": 1}],
            [(-1, 0), (0, 1), (0, 1), (1, 2), (1, 2), (2, 3)],
            id="deconv-k4s2p1",
        ),
        # k 3, s 2, p 0: v=0 reads 0 (j=0) and -1 (j=2: beyond the border, as padding is); v=1 reads 0
        # (j=1); v=2 reads 1 and 0 (j=0, 2)
        pytest.param(
            [{"type": "deconv", "filters": 2, "kernel": 3, "stride": 2}],
            [(-1, 0), (0, 0), (0, 1), (1, 1), (1, 2), (2, 2)],
            id="deconv-k3s2",
        ),
        # a stride-2 conv (k 3, p 1: unit u sees 2u-1..2u+1) undone by the deconv above: v=0 reads
        # conv units -1 and 0, so -3..1; v=1 units 0 and 1, -1..3; v=2 the same; v=3 units 1, 2: 1..5
        pytest.param(
            [
                {"type": "conv", "filters": 2, "kernel": 3, "stride": 2, "padding": 1},
                {"type": "deconv", "filters": 2, "kernel": 4, "stride": 2, "padding": 1},
            ],
            [(-3, 1), (-1, 3), (-1, 3), (1, 5), (1, 5), (3, 7)],
            id="conv-then-deconv",
        ),
        # k 3, s 3, d 2: taps at 3i + 0, 2, 4, so v reads v/3, (v-4)/3 or (v-2)/3 by v % 3: 0, -1, 0,
        # 1, 0, 1, ... where unit 1 starts before unit 0; a pool over pairs of them: 0 and 1 read -1..0;
        # 2, 3: 0..1; 4, 5: 0..1; 6, 7: 2 and 1; 8, 9: 2, 3; 10, 11: 2, 3
        pytest.param(
            [
                {"type": "deconv", "filters": 2, "kernel": 3, "stride": 3, "dilation": 2},
                {"type": "maxpool", "kernel": 2},
            ],
            [(-1, 0), (0, 1), (0, 1), (1, 2), (2, 3), (2, 3)],
            id="dilated-deconv-then-pool",
        ),
        # nearest, scale 3: output v reads floor(v/3)
        pytest.param(
            [{"type": "upsample", "scale": 3}], [(0, 0), (0, 0), (0, 0), (1, 1), (1, 1), (1, 1)], id="nearest-x3"
        ),
        # linear, scale 2: src = (v + 1/2)/2 - 1/2 = -1/4, 1/4, 3/4, 5/4, ...: floor(src) and the next
        pytest.param(
            [{"type": "upsample", "scale": 2, "mode": "linear"}],
            [(-1, 0), (0, 1), (0, 1), (1, 2), (1, 2), (2, 3)],
            id="linear-x2",
        ),
        # linear, scale 3: src = -1/3, 0, 1/3, 2/3, 1, ...: a whole src reads only itself
        pytest.param(
            [{"type": "upsample", "scale": 3, "mode": "bilinear"}],
            [(-1, 0), (0, 0), (0, 1), (0, 1), (1, 1), (1, 2)],
            id="linear-x3",
        ),
        # bicubic, scale 2: floor(src) - 1 to floor(src) + 2
        pytest.param(
            [{"type": "upsample", "scale": 2, "mode": "bicubic"}],
            [(-2, 1), (-1, 2), (-1, 2), (0, 3), (0, 3), (1, 4)],
            id="bicubic-x2",
        ),
        # nearest-exact to a size, 12 to 18: floor((v + 1/2) * 12/18) = 0, 1, 1, 2, 3, 3
        pytest.param(
            [{"type": "upsample", "size": 18, "mode": "nearest-exact"}],
            [(0, 0), (1, 1), (1, 1), (2, 2), (3, 3), (3, 3)],
            id="nearest-exact-to-size",
        ),
        # adaptive, 12 to 5: floor(12i/5) to ceil(12(i+1)/5) - 1 = 0..2, 2..4, 4..7, 7..9, 9..11, 12..14
        pytest.param(
            [{"type": "adaptiveavgpool", "output": 5}],
            [(0, 2), (2, 4), (4, 7), (7, 9), (9, 11), (12, 14)],
            id="adaptive-12-to-5",
        ),
    ],
)
def test_uneven_fields_worked_by_hand(layers, expected):
    assert spans_of(layers) == expected


def test_an_uneven_field_is_summed_up_and_shown():
    report = cnncount.count({"input": [2, 12], "layers": [{"type": "deconv", "filters": 2, "kernel": 3, "stride": 2}]})
    (field,) = fields(report)
    from fractions import Fraction

    assert (field.size, field.stride, field.padding, field.uniform) == ((2,), (Fraction(1, 2),), (1,), (False,))
    from cnncount.render.columns import field_text

    assert [field_text(field, part) for part in ("size", "stride", "padding")] == ["≤2", "1/2", "1"]
    assert [field_text(field, part, plain=True) for part in ("size", "stride", "padding")] == ["2", "0.5", "1"]
    # a conv then its inverse deconv: a mean stride of 1 over units that are not one apart
    (field,) = fields(
        cnncount.count(
            {
                "input": [2, 12],
                "layers": [
                    {"type": "conv", "filters": 2, "kernel": 3, "stride": 2, "padding": 1},
                    {"type": "deconv", "filters": 2, "kernel": 4, "stride": 2, "padding": 1},
                ],
            }
        )
    )[-1:]
    assert field_text(field, "stride") == "~1" and field_text(field, "size") == "5"


def test_merging_uneven_fields_spans_them_unit_by_unit():
    # a U-Net's skip: the upsampled path and the path that was not downsampled, added
    a = through(start((1, 16)), layer_class("conv")(filters=1, kernel=3, padding=1).reach(((1, 16),)))
    down = through(a, layer_class("maxpool")(kernel=2).reach(((1, 16),)))
    up = through(down, layer_class("upsample")(scale=2).reach(((1, 8),)))
    both = merged([a, up])
    # unit v of `up` reads pool unit v // 2, which sees 2(v//2) - 1 .. 2(v//2) + 2; `a` sees v-1..v+1
    assert [both.spans[0].at(v) for v in range(4)] == [(-1, 2), (-1, 2), (1, 4), (1, 4)]
    assert both.misaligned  # the centres differ: 1/2, 1/2 against 0, 1


# --- published figures ---------------------------------------------------------------------------


def test_vgg16_is_the_papers_vgg_16():
    # Araujo, Norris and Sim (Distill 2019), TF-slim's vgg_16: 212 / 32 / 90; torchvision's VGG-16
    # has the same features (pool5 is features.30)
    report = cnncount.count("vgg16")
    assert rsp(field_of(report, "features.30")) == ((212, 212), (32, 32), (90, 90))


def test_every_bundled_spec_has_fields():
    from cnncount.sources import bundled_names

    for name in bundled_names():
        report = cnncount.count(name)
        found = fields(report)
        assert len(found) == len(report.rows)
        assert all(isinstance(field, Field) for field in found)


# --- against PyTorch's gradients -----------------------------------------------------------------

#: one layer of a random stack: (kind, options), each 1-D, 2-D or 3-D by the input
_conv = st.fixed_dictionaries(
    {
        "kernel": st.integers(1, 5),
        "stride": st.integers(1, 3),
        "dilation": st.integers(1, 3),
        "pad": st.integers(0, 2),
    }
)
_pool = st.fixed_dictionaries({"kernel": st.integers(2, 3), "stride": st.integers(1, 3), "pad": st.integers(0, 1)})
_layer = st.one_of(
    st.tuples(st.just("conv"), _conv),
    st.tuples(st.just("depthwise"), _conv),
    st.tuples(st.sampled_from(["maxpool", "avgpool"]), _pool),
    st.tuples(st.just("residual"), st.fixed_dictionaries({"kernel": st.sampled_from([1, 3, 5])})),
    st.tuples(st.just("concat"), st.fixed_dictionaries({"kernel": st.sampled_from([3, 5])})),
    st.tuples(
        st.just("deconv"),
        st.fixed_dictionaries(
            {
                "kernel": st.integers(1, 5),
                "stride": st.integers(1, 3),
                "dilation": st.integers(1, 2),
                "pad": st.integers(0, 2),
                "extra": st.integers(0, 2),
            }
        ),
    ),
    st.tuples(
        st.just("upsample"),
        st.fixed_dictionaries(
            {
                "scale": st.integers(1, 3),
                "mode": st.sampled_from(["nearest", "nearest-exact", "linear", "bicubic", "area"]),
            }
        ),
    ),
    st.tuples(st.just("adaptive"), st.fixed_dictionaries({"output": st.integers(3, 24)})),
)


def _spec_and_module(torch: Any, layers: list[tuple[str, dict]], rank: int) -> tuple[list[dict], Any]:
    nn = torch.nn
    conv_class = (nn.Conv1d, nn.Conv2d, nn.Conv3d)[rank - 1]
    pool_class = (nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d)[rank - 1]
    channels = 2
    entries: list[dict] = []
    modules: list[Any] = []

    def ones(module: Any) -> Any:
        for parameter in module.parameters():
            torch.nn.init.ones_(parameter)
        return module

    class Residual(nn.Module):
        def __init__(self, body: Any) -> None:
            super().__init__()
            self.body = body

        def forward(self, x: Any) -> Any:
            return x + self.body(x)

    class Concat(nn.Module):
        def __init__(self, a: Any, b: Any) -> None:
            super().__init__()
            self.a, self.b = a, b

        def forward(self, x: Any) -> Any:
            return torch.cat([self.a(x), self.b(x)], 1)

    for kind, o in layers:
        if kind in ("conv", "depthwise"):
            pad = min(o["pad"], o["dilation"] * (o["kernel"] - 1) // 2)
            groups = channels if kind == "depthwise" else 1
            entries.append(
                {
                    "type": "conv",
                    "filters": channels,
                    "kernel": o["kernel"],
                    "stride": o["stride"],
                    "padding": pad,
                    "dilation": o["dilation"],
                    "groups": groups,
                    "bias": "none",
                }
            )
            modules.append(
                ones(conv_class(channels, channels, o["kernel"], o["stride"], pad, o["dilation"], groups, bias=False))
            )
        elif kind in ("maxpool", "avgpool"):
            pad = min(o["pad"], o["kernel"] // 2)
            entries.append({"type": kind, "kernel": o["kernel"], "stride": o["stride"], "padding": pad})
            modules.append(pool_class(o["kernel"], o["stride"], pad))  # a max pool's field is an average pool's
        elif kind == "residual":
            k = o["kernel"]
            entries.append(
                {
                    "type": "residual",
                    "layers": [{"type": "conv", "filters": channels, "kernel": k, "padding": k // 2, "bias": "none"}],
                }
            )
            modules.append(Residual(ones(conv_class(channels, channels, k, 1, k // 2, bias=False))))
        elif kind == "deconv":
            k, stride, d = o["kernel"], o["stride"], o["dilation"]
            pad, extra = min(o["pad"], d * (k - 1)), o["extra"] if o["extra"] < max(stride, d) else 0
            entries.append(
                {
                    "type": "deconv",
                    "filters": channels,
                    "kernel": k,
                    "stride": stride,
                    "padding": pad,
                    "output_padding": extra,
                    "dilation": d,
                    "bias": "none",
                }
            )
            deconv_class = (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)[rank - 1]
            modules.append(ones(deconv_class(channels, channels, k, stride, pad, extra, bias=False, dilation=d)))
        elif kind == "upsample":
            mode = o["mode"]
            if mode == "linear":
                mode = ("linear", "bilinear", "trilinear")[rank - 1]
            elif mode == "bicubic" and rank != 2:
                mode = "nearest"  # torch's bicubic is 2-D only
            entries.append({"type": "upsample", "scale": o["scale"], "mode": mode})
            modules.append(nn.Upsample(scale_factor=o["scale"], mode=mode))
        elif kind == "adaptive":
            entries.append({"type": "adaptiveavgpool", "output": o["output"]})
            modules.append((nn.AdaptiveAvgPool1d, nn.AdaptiveAvgPool2d, nn.AdaptiveAvgPool3d)[rank - 1](o["output"]))
        else:  # two branches, 1x1 and kxk (same padding, aligned), joined on channels, then back to 2 channels
            k = o["kernel"]
            entries.append(
                {
                    "type": "concat",
                    "branches": [
                        [{"type": "conv", "filters": 1, "kernel": 1, "bias": "none"}],
                        [{"type": "conv", "filters": 1, "kernel": k, "padding": k // 2, "bias": "none"}],
                    ],
                }
            )
            modules.append(
                Concat(
                    ones(conv_class(channels, 1, 1, bias=False)),
                    ones(conv_class(channels, 1, k, 1, k // 2, bias=False)),
                )
            )
    return entries, torch.nn.Sequential(*modules)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(_layer, min_size=1, max_size=5), st.integers(1, 2))
def test_fields_are_where_pytorchs_gradient_is(torch, layers, rank):
    """Unit by unit, over two periods of the pattern from the middle of the output (so every kind of
    unit an uneven field has), wherever the field lies inside the input."""
    size = 96 if rank == 1 else 40
    entries, module = _spec_and_module(torch, layers, rank)
    shape = (2, *(size,) * rank)
    try:
        report = cnncount.count({"input": list(shape), "layers": entries})
    except cnncount.CnnCountError:  # the stack does not fit this input: no field to check
        event("does not fit")
        return
    if any(max(row.output_shape[1:]) > (2000 if rank == 1 else 200) for row in report.rows):
        event("upsampled too far to check quickly")
        return
    field = fields(report)[-1]
    if field.unknown is not None:
        assert "no input reaches" in field.unknown  # a transposed conv's outputs between the taps
        event("outputs no input reaches")
        return
    out = report.rows[-1].output_shape[1:]
    x = torch.ones((1, *shape), requires_grad=True, dtype=torch.float64)
    y = module.double()(x)
    assert tuple(y.shape[2:]) == out
    note(f"entries {entries}; field {field}; spans {field.spans}")
    most = max(spans.period for spans in field.spans)
    checked = 0
    for step in range(2 * most):
        unit = tuple(min(o // 2 + step, o - 1) for o in out)
        seen = [spans.at(u) for spans, u in zip(field.spans, unit)]
        if any(a < 0 or b >= size for a, b in seen):
            continue  # the border cuts the field: the gradient would show less of it
        x.grad = None
        # the unit at that position in every channel (a concat's too)
        y[(0, slice(None), *unit)].sum().backward(retain_graph=True)
        # where the gradient is not zero: the field, but for the holes a dilation or a stride larger
        # than the kernel leaves inside it; so its first and last position in each dim are the field's
        nonzero = (x.grad[0].abs().sum(0) > 0).nonzero()
        for dim, (a, b) in enumerate(seen):
            assert (int(nonzero[:, dim].min()), int(nonzero[:, dim].max())) == (a, b), unit
        checked += 1
    event("checked" if checked else "the border cuts every field")
    event("uneven" if most > 1 else "uniform")


#: Araujo, Norris and Sim's table (Distill 2019): TF-slim's networks, the last spatial feature map
#: of each (the end points their library's benchmark measures), r / S / P; the specs in tests/rf
#: write them as TF-slim defines them (their headers say how)
PAPER = [
    pytest.param("alexnet_v2", "pool5", 195, 32, 64, id="alexnet_v2"),
    pytest.param("vgg_16", "pool5", 212, 32, 90, id="vgg_16"),
    pytest.param("mobilenet_v1", "Conv2d_13_pointwise", 315, 32, 126, id="mobilenet_v1"),
    pytest.param("resnet_v1_50", "block4", 483, 32, 239, id="resnet_v1_50"),
    pytest.param("inception_v3", "Mixed_7c", 1311, 32, 618, id="inception_v3"),
]


@pytest.mark.parametrize("name, layer, size, stride, padding", PAPER)
def test_the_papers_table(name, layer, size, stride, padding):
    from pathlib import Path

    report = cnncount.count(Path(__file__).parent / "rf" / f"{name}.yaml")
    found = {row.qualified_name: field for row, field in zip(report.rows, fields(report))}
    blocks = {group.qualified_name: group for group in report.entries if not hasattr(group, "node")}
    if layer in blocks:  # a block: the field of the layer its output is
        output = blocks[layer].scope.output
        field = fields(report)[[row.index for row in report.rows].index(output[0])]
    else:
        field = found[layer]
    assert rsp(field) == ((size, size), (stride, stride), (padding, padding))
    assert not field.misaligned


# --- the bundled zoo against PyTorch's gradients ---------------------------------------------------
# The fields depend on where each layer's windows go, not on its channels: each bundled network is
# run as one channel through torch's own convolutions and pools, built from every layer's options
# (kernel, stride, padding, dilation, ceil_mode; TensorFlow's same padding worked out here), with
# every weight 1 and every merge a sum. The layer checked is the deepest whose field the input
# holds whole at a size torch runs quickly (fields up to 160: the final feature maps of the
# shallow networks, an inner one of the deep ones; tests/rf has the paper's final maps).

_MOST = 160


def _tuple(value: Any, rank: int) -> tuple[int, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * rank


def _same_pads(sizes: tuple[int, ...], kernel, stride, dilation) -> list[int]:
    """F.pad's list for TensorFlow's same padding: the odd one on the far side."""
    pads: list[int] = []
    for n, k, s, d in zip(sizes, kernel, stride, dilation):
        out = -(-n // s)
        total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
        pads = [total // 2, total - total // 2, *pads]  # F.pad lists the last dim first
    return pads


def _surrogate(torch: Any, report, target: int, size: tuple[int, ...], keep: tuple[int, ...]) -> tuple[Any, Any]:
    """The input (ones, one channel) and the output of row ``target`` in the one-channel copy, over
    the spatial dims ``keep`` only (every layer's windows are one per dim, so a dim's field is its
    own: ``keep`` of one dim is a 1-D copy, cheap at any length)."""
    F = torch.nn.functional
    rank = len(keep)
    conv = (F.conv1d, F.conv2d, F.conv3d)[rank - 1]
    pool = (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)[rank - 1]
    adaptive = (F.adaptive_avg_pool1d, F.adaptive_avg_pool2d, F.adaptive_avg_pool3d)[rank - 1]
    full = len(size)

    def kept(value: Any) -> tuple[Any, ...]:
        return tuple(_tuple(value, full)[d] for d in keep)

    x = torch.ones((1, 1, *(size[d] for d in keep)), dtype=torch.float64, requires_grad=True)
    out: dict[int, Any] = {0: x}
    for row in report.rows[:target]:
        layer, kind = row.node.layer, row.kind
        ins = [out.get(index) for index, _ in row.node.inputs]
        if any(t is None for t in ins):
            out[row.index] = None
            continue
        t = ins[0]
        if len(ins) > 1:  # add, multiply, concat on channels: every path reaches the output
            t = sum(ins[1:], ins[0])
        if kind in ("conv", "depthwise", "separable", "local", "maxpool", "avgpool"):
            kernel = kept(layer.kernel)
            stride = kept(layer.stride if layer.stride is not None else layer.kernel)
            dilation = kept(getattr(layer, "dilation", 1))
            padding = getattr(layer, "padding", 0)
            if padding == "same":
                t, padding = F.pad(t, _same_pads(tuple(t.shape[2:]), kernel, stride, dilation)), 0
            elif padding == "valid":
                padding = 0
            padding = kept(padding)
            if kind in ("maxpool", "avgpool") and dilation == (1,) * rank:
                t = pool(t, kernel, stride, padding, ceil_mode=layer.ceil_mode)
            else:
                t = conv(t, torch.ones((1, 1, *kernel), dtype=torch.float64), None, stride, padding, dilation)
        elif kind in ("adaptiveavgpool", "adaptivemaxpool"):
            t = adaptive(t, kept(layer.output))
        elif kind == "zeropad":
            pairs = _pairs(layer.padding, full)
            t = F.pad(t, [side for d in reversed(keep) for side in pairs[d]])
        elif kind == "embedding" or (kind == "dense" and layer.pointwise):  # each position on its own
            pass
        elif kind in ("dense", "flatten", "reshape", "globalavgpool", "globalmaxpool", "upsample", "deconv"):
            t = None  # no field the check can use past here
        out[row.index] = t
    return x, out[report.rows[target - 1].index]


def _pairs(value: Any, rank: int) -> list[tuple[int, int]]:
    if isinstance(value, int):
        return [(value, value)] * rank
    return [tuple(v) if isinstance(v, (tuple, list)) else (v, v) for v in value]


def _deepest(report, found, most=_MOST):
    """The last row with a field the check can use (and its field)."""
    for number in range(len(report.rows), 0, -1):
        field = found[number - 1]
        usable = not field.whole and field.unknown is None and not field.misaligned and all(field.uniform)
        if usable and max(field.size) <= most:
            return number, field
    return None, None


def _zoo() -> list[str]:
    from cnncount.sources import bundled_names

    return list(bundled_names())  # the text CNNs too: their fields are in token positions


def _holding(name, report, number, field):
    """The report again at an input that holds the whole field of a unit away from the border (fields
    are worked out again at that size, as same padding depends on it), and that field."""
    tokens = len(report.input_shape) == 1  # token ids: the shape is the positions
    size = report.input_shape if tokens else report.input_shape[1:]
    for _ in range(3):  # the field of the first unit inside the input: from -(-P // S) * S - P, r long
        need = tuple(-(-p // s) * s - p + r + s for r, s, p in zip(field.size, field.stride, field.padding))
        if all(n >= m for n, m in zip(size, need)):
            break
        size = tuple(max(n, m) for n, m in zip(size, need))
        report = cnncount.count(name, input_shape=size if tokens else (report.input_shape[0], *size))
        field = fields(report)[number - 1]
        if not all(field.uniform):  # an adaptive pool's windows at this size: the caller picks again
            break
    return report, field, size


def _check_first_inside(x, y, field, size):
    """One unit's gradient, the first unit whose field the input holds, against that field."""
    unit = tuple(-(-p // s) for p, s in zip(field.padding, field.stride))
    starts = [u * s - p for u, s, p in zip(unit, field.stride, field.padding)]
    assert all(0 <= a and a + r <= n for a, r, n in zip(starts, field.size, size)), (field, unit, size)
    y[(0, 0, *unit)].backward()
    nonzero = (x.grad[0, 0] != 0).nonzero()
    return [(int(nonzero[:, d].min()), int(nonzero[:, d].max())) for d in range(len(size))], [
        (a, a + r - 1) for a, r in zip(starts, field.size)
    ]


@pytest.mark.parametrize("name", _zoo())
def test_every_bundled_network_against_pytorchs_gradient(torch, name):
    report = cnncount.count(name)
    number, field = _deepest(report, fields(report))
    assert number is not None, "no layer with a field to check"
    report, field, size = _holding(name, report, number, field)
    x, y = _surrogate(torch, report, number, size, tuple(range(len(size))))
    assert y is not None and tuple(y.shape[2:]) == report.rows[number - 1].output_shape[1:]
    seen, told = _check_first_inside(x, y, field, size)
    assert seen == told, (name, field)


@pytest.mark.parametrize("name", _zoo())
def test_every_bundled_networks_last_field_against_pytorchs_gradient(torch, name):
    """The deepest field of each network, whatever its size (3,000 positions and more at the end of
    the deep ones), one dim at a time: each dim through a 1-D copy of the network."""
    report = cnncount.count(name)
    number, field = _deepest(report, fields(report), most=10**9)
    assert number is not None, "no layer with a field to check"
    for _ in range(3):  # at a larger input, an adaptive pool's windows can differ: the layer before it, then
        report, field, size = _holding(name, report, number, field)
        again, field = _deepest(report, fields(report), most=10**9)
        if again == number:
            break
        number = again
    for dim in range(len(size)):
        x, y = _surrogate(torch, report, number, size, (dim,))
        assert y is not None and y.shape[2] == report.rows[number - 1].output_shape[1 + dim]
        one = field.size[dim], field.stride[dim], field.padding[dim]
        seen, told = _check_first_inside(x, y, _Dim(*one), (size[dim],))
        assert seen == told, (name, report.rows[number - 1].qualified_name, dim, field)


class _Dim:
    """One dim of a field, for _check_first_inside."""

    def __init__(self, size: int, stride: int, padding: int) -> None:
        self.size, self.stride, self.padding = (size,), (stride,), (padding,)


def test_the_python_api_gives_the_same_fields():
    report = cnncount.count("resnet18")
    assert cnncount.receptive_fields(report) == fields(report)
    assert "receptive_fields" in cnncount.__all__
