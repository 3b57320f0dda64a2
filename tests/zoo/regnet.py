"""RegNetX and RegNetY, from torchvision's design parameters, quantised as its ``BlockParams.from_init_params``."""

from __future__ import annotations

import math
import struct
import textwrap
from functools import partial
from itertools import groupby

from .emit import Entry, block, header, layer, seq, spec

#: RegNetX designs (torchvision's regnet_x_* builders): depth, w_0, w_a, w_m, group width.
REGNET_X = {
    "400mf": (22, 24, 24.48, 2.54, 16),
    "800mf": (16, 56, 35.73, 2.28, 16),
    "1_6gf": (18, 80, 34.01, 2.25, 24),
    "3_2gf": (25, 88, 26.31, 2.25, 48),
    "8gf": (23, 80, 49.56, 2.88, 120),
    "16gf": (22, 216, 55.59, 2.1, 128),
    "32gf": (23, 320, 69.86, 2.0, 168),
}
#: RegNetY designs (torchvision's regnet_y_* builders, all with se_ratio 0.25).
REGNET_Y = {
    "400mf": (16, 48, 27.89, 2.09, 8),
    "800mf": (14, 56, 38.84, 2.4, 16),
    "1_6gf": (27, 48, 20.71, 2.65, 24),
    "3_2gf": (21, 80, 42.63, 2.66, 24),
    "8gf": (17, 192, 76.82, 2.19, 56),
    "16gf": (18, 200, 106.23, 2.48, 112),
    "32gf": (20, 232, 115.89, 2.53, 232),
    "128gf": (27, 456, 160.83, 2.52, 264),
}
#: torchvision's defaults for every model: bottleneck multiplier, stem width, width quantum.
BOTTLENECK_MULTIPLIER = 1.0
STEM_WIDTH = 32
QUANT = 8
SE_RATIO = 0.25


def _f32(value: float) -> float:
    """``value`` rounded to the nearest float32, as a float32 tensor holds it."""
    return struct.unpack("f", struct.pack("f", value))[0]


def _make_divisible(value: float, divisor: int) -> int:
    """torchvision's ``_make_divisible`` (min_value = divisor)."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def stages(depth: int, w_0: int, w_a: float, w_m: float, group_width: int) -> list[tuple[int, int, int]]:
    """The stages (width, blocks, group width) of ``BlockParams.from_init_params``.

    torchvision computes the per-block widths in float32 CPU tensors (``torch.arange(depth) * w_a + w_0``,
    its log, round, pow): each operation is repeated here and rounded to float32 by ``_f32``, its Python
    scalars (w_a, w_0, log(w_m), w_m) converted to float32 first, as torch does; Python's ``round``
    rounds half to even like ``torch.round``. log and pow are correctly rounded here. Checked to give
    tests/torch_zoo.py's widths for every model. No rounding depends on float32 noise (the log ratios
    are all at least 2.6e-3 from a half), but one is an exact tie that only half-to-even gets right:
    regnet_x_1_6gf's 80 * 2.25 / 8 = 22.5 -> 22 (width 176, then 168 for group width 24; 23 -> 192).
    """
    a, w0, log_m, m = _f32(w_a), _f32(w_0), _f32(math.log(w_m)), _f32(w_m)
    block_widths = []
    for i in range(depth):
        widths_cont = _f32(_f32(i * a) + w0)
        capacity = round(_f32(_f32(math.log(_f32(widths_cont / w0))) / log_m))
        block_widths.append(int(round(_f32(_f32(w0 * _f32(m**capacity)) / QUANT))) * QUANT)
    result = []
    for width, run in groupby(block_widths):
        bottleneck = int(width * BOTTLENECK_MULTIPLIER)
        group = min(group_width, bottleneck)  # _adjust_widths_groups_compatibilty
        result.append((int(_make_divisible(bottleneck, group) / BOTTLENECK_MULTIPLIER), len(list(run)), group))
    return result


conv = partial(layer, "conv")
bn = partial(layer, "batchnorm")
relu = partial(layer, "activation", function="relu")


def _conv_bn(name: str, filters: int, kernel: int, stride: int = 1, groups: int = 1, act: bool = True) -> Entry:
    """torchvision's Conv2dNormActivation: conv (no bias), batchnorm, ReLU unless ``act`` is False."""
    parts = [
        conv(
            0,
            filters=filters,
            kernel=kernel,
            stride=stride if stride > 1 else None,
            padding=kernel // 2 or None,
            groups=groups if groups > 1 else None,
        ),
        bn(1),
    ]
    if act:
        parts.append(relu(2))
    return seq(name, *parts)


def _block(name: str, width_in: int, width: int, stride: int, group_width: int, se: bool) -> Entry:
    """ResBottleneckBlock: relu(proj(x) + f(x)), f = a (1x1), b (grouped 3x3), se (RegNetY), c (1x1)."""
    bottleneck = int(round(width * BOTTLENECK_MULTIPLIER))
    groups = bottleneck // group_width
    f = [
        _conv_bn("a", bottleneck, 1),
        _conv_bn("b", bottleneck, 3, stride, groups),
    ]
    if se:
        squeeze = int(round(SE_RATIO * width_in))
        f.append(
            block(
                "gate",
                "se",
                layers=[
                    layer("adaptiveavgpool", "avgpool", output=1),
                    conv("fc1", filters=squeeze, kernel=1, bias="tied"),
                    relu("activation"),
                    conv("fc2", filters=bottleneck, kernel=1, bias="tied"),
                    layer("activation", "scale_activation", function="sigmoid"),
                ],
            )
        )
    f.append(_conv_bn("c", width, 1, act=False))
    shortcut = None
    if width_in != width or stride != 1:
        shortcut = [_conv_bn("proj", width, 1, stride, act=False)]
    return seq(name, block("residual", layers=[seq("f", *f)], shortcut=shortcut), relu("activation"))


SOURCE = (
    'I. Radosavovic, R. P. Kosaraju, R. Girshick, K. He, P. Dollar, "Designing Network Design\n'
    '  Spaces", CVPR 2020, arXiv:2003.13678 (Sections 3-5, Appendix C: the RegNetX/RegNetY models).'
)
SWAG = (
    '\n  Weights: M. Singh et al., "Revisiting Weakly Supervised Pre-Training of Visual Perception\n'
    '  Models", CVPR 2022, arXiv:2201.08371 (SWAG, fine-tuned end to end at 384x384).'
)

NOTES = (
    "Design: depth {depth}, w_0 {w_0}, w_a {w_a}, w_m {w_m}, group width {group_width}, bottleneck multiplier"
    " 1.0{se}. torchvision's BlockParams.from_init_params gives block i the width"
    " w_0*w_m^round(log((w_0+w_a*i)/w_0)/log(w_m)), rounded to a multiple of 8 (in float32), a stage"
    " per run of equal widths, each width made divisible by the stage's group width"
    " min(group_width, width). Stage widths (blocks): {stages}; group widths {groups}.",
    "The stem is a 3x3/2 conv to 32, batchnorm, ReLU. A ResBottleneckBlock is relu(proj(x) + f(x)):"
    " a residual block (proj, a 1x1 conv and batchnorm, is its shortcut when the width or the size"
    " changes: in the first block of each stage, which strides 2 in proj and in f.b) and its ReLU,"
    " activation, after the addition; f is a (1x1), b (3x3, groups = width / group width){gate},"
    " c (1x1, no ReLU). Every conv{but} has bias=False, hence the file-wide bias: none; fc has biases."
    " The head is avgpool (AdaptiveAvgPool2d), a functional flatten and fc.",
)

SE_NOTE = (
    ", se (squeeze-and-excitation, a gate: avgpool, fc1 to a quarter of the block's input width, ReLU,"
    " fc2, sigmoid; x * gate is functional)"
)


def regnet(name: str) -> str:
    kind, size = name.split("_", 2)[1:]
    se = kind == "y"
    depth, w_0, w_a, w_m, group_width = (REGNET_Y if se else REGNET_X)[size]
    plan = stages(depth, w_0, w_a, w_m, group_width)
    trunk = []
    width_in = STEM_WIDTH
    for i, (width, count, group) in enumerate(plan, start=1):
        blocks = [
            _block(f"block{i}-{j}", width if j else width_in, width, 1 if j else 2, group, se) for j in range(count)
        ]
        trunk.append(seq(f"block{i}", *blocks))
        width_in = width
    layers = [
        _conv_bn("stem", STEM_WIDTH, 3, stride=2),
        seq("trunk_output", *trunk),
        layer("adaptiveavgpool", "avgpool", output=1),
        layer("flatten", "flatten"),
        layer("dense", "fc", units=1000, bias="tied"),
    ]
    facts = {
        "depth": depth,
        "w_0": w_0,
        "w_a": w_a,
        "w_m": w_m,
        "group_width": group_width,
        "se": ", SE ratio 0.25" if se else "",
        "stages": ", ".join(f"{w} ({n})" for w, n, _ in plan),
        "groups": ", ".join(str(g) for _, _, g in plan),
        "gate": SE_NOTE if se else "",
        "but": " but the SE's 1x1 convs" if se else "",
    }
    notes = "\n".join(textwrap.fill(paragraph.format(**facts), 96, break_on_hyphens=False) for paragraph in NOTES)
    title = f"RegNet{kind.upper()}-{size.upper().replace('_', '.')}"
    source = SOURCE + (SWAG if size == "128gf" else "")
    reference = (
        "torchvision/models/regnet.py\n"
        "  (RegNet, BlockParams.from_init_params, AnyStage, ResBottleneckBlock, BottleneckTransform,\n"
        "  SimpleStemIN; torchvision/ops/misc.py SqueezeExcitation)"
    )
    text = header(name, title, source, reference, notes, "regnet")
    shape = (3, 384, 384) if size == "128gf" else (3, 224, 224)
    return spec(name, text, shape, layers)


SPECS = {
    **{f"regnet_x_{size}": partial(regnet, f"regnet_x_{size}") for size in REGNET_X},
    **{f"regnet_y_{size}": partial(regnet, f"regnet_y_{size}") for size in REGNET_Y},
}
