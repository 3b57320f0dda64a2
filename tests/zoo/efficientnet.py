"""EfficientNet-B0 to -B7 and EfficientNetV2-S, -M and -L, from torchvision's config tables
(``_efficientnet_conf``: MBConvConfig and FusedMBConvConfig rows, scaled by width and depth)."""

from __future__ import annotations

import math
from functools import partial

from .emit import Entry, block, header, layer, seq, spec
from .published import INPUTS

#: A stage: block kind, expand ratio, kernel, first stride, input and output channels, blocks
#: (torchvision's MBConvConfig / FusedMBConvConfig arguments, before scaling).
Stage = tuple[str, int, int, int, int, int, int]

#: EfficientNet-B0's stages, scaled for B1..B7 (torchvision's bneck_conf rows for "efficientnet_b*").
V1_STAGES: tuple[Stage, ...] = (
    ("mbconv", 1, 3, 1, 32, 16, 1),
    ("mbconv", 6, 3, 2, 16, 24, 2),
    ("mbconv", 6, 5, 2, 24, 40, 2),
    ("mbconv", 6, 3, 2, 40, 80, 3),
    ("mbconv", 6, 5, 1, 80, 112, 3),
    ("mbconv", 6, 5, 2, 112, 192, 4),
    ("mbconv", 6, 3, 1, 192, 320, 1),
)

#: EfficientNetV2's stages, not scaled (width and depth multipliers 1).
V2_STAGES: dict[str, tuple[Stage, ...]] = {
    "s": (
        ("fused", 1, 3, 1, 24, 24, 2),
        ("fused", 4, 3, 2, 24, 48, 4),
        ("fused", 4, 3, 2, 48, 64, 4),
        ("mbconv", 4, 3, 2, 64, 128, 6),
        ("mbconv", 6, 3, 1, 128, 160, 9),
        ("mbconv", 6, 3, 2, 160, 256, 15),
    ),
    "m": (
        ("fused", 1, 3, 1, 24, 24, 3),
        ("fused", 4, 3, 2, 24, 48, 5),
        ("fused", 4, 3, 2, 48, 80, 5),
        ("mbconv", 4, 3, 2, 80, 160, 7),
        ("mbconv", 6, 3, 1, 160, 176, 14),
        ("mbconv", 6, 3, 2, 176, 304, 18),
        ("mbconv", 6, 3, 1, 304, 512, 5),
    ),
    "l": (
        ("fused", 1, 3, 1, 32, 32, 4),
        ("fused", 4, 3, 2, 32, 64, 7),
        ("fused", 4, 3, 2, 64, 96, 7),
        ("mbconv", 4, 3, 2, 96, 192, 10),
        ("mbconv", 6, 3, 1, 192, 224, 19),
        ("mbconv", 6, 3, 2, 224, 384, 25),
        ("mbconv", 6, 3, 1, 384, 640, 7),
    ),
}

#: name -> (stages, width multiplier, depth multiplier, classifier dropout, last conv's width or None for 4x).
CONFIGS: dict[str, tuple[tuple[Stage, ...], float, float, float, int | None]] = {
    "efficientnet_b0": (V1_STAGES, 1.0, 1.0, 0.2, None),
    "efficientnet_b1": (V1_STAGES, 1.0, 1.1, 0.2, None),
    "efficientnet_b2": (V1_STAGES, 1.1, 1.2, 0.3, None),
    "efficientnet_b3": (V1_STAGES, 1.2, 1.4, 0.3, None),
    "efficientnet_b4": (V1_STAGES, 1.4, 1.8, 0.4, None),
    "efficientnet_b5": (V1_STAGES, 1.6, 2.2, 0.4, None),
    "efficientnet_b6": (V1_STAGES, 1.8, 2.6, 0.5, None),
    "efficientnet_b7": (V1_STAGES, 2.0, 3.1, 0.5, None),
    "efficientnet_v2_s": (V2_STAGES["s"], 1.0, 1.0, 0.2, 1280),
    "efficientnet_v2_m": (V2_STAGES["m"], 1.0, 1.0, 0.3, 1280),
    "efficientnet_v2_l": (V2_STAGES["l"], 1.0, 1.0, 0.4, 1280),
}

#: The stochastic depth probability of the last block (torchvision's stochastic_depth_prob).
STOCHASTIC_DEPTH = 0.2

SOURCES = {
    "v1": 'M. Tan, Q. V. Le, "EfficientNet: Rethinking Model Scaling for Convolutional Neural\n'
    '  Networks", ICML 2019, arXiv:1905.11946 (Table 1: B0; section 3.3: compound scaling).',
    "v2": 'M. Tan, Q. V. Le, "EfficientNetV2: Smaller Models and Faster Training", ICML 2021,\n'
    "  arXiv:2104.00298 (Table 4: V2-S; M and L as in the paper's official code).",
}

REFERENCE = (
    "torchvision/models/efficientnet.py\n"
    "  (EfficientNet, MBConv, FusedMBConv, MBConvConfig, FusedMBConvConfig, _efficientnet_conf),\n"
    "  with torchvision/ops/misc.py (Conv2dNormActivation, SqueezeExcitation) and\n"
    "  torchvision/ops/stochastic_depth.py (StochasticDepth)"
)

NOTES = """\
{config}
features.0 is a 3x3 stride-2 conv, batchnorm, SiLU; features.1 to features.{stages} are the
stages, each a Sequential of blocks numbered in it; features.{last} is a 1x1 conv to {last_width}
({why}), batchnorm and SiLU; then avgpool, torch.flatten (functional) and the
classifier: dropout {dropout} and fc. Every block's layers are in its Sequential `block`.
{blocks}
A block adds its input back (a residual) when its stride is 1 and its input and output
widths agree; only then does torchvision call its stochastic_depth (a droppath, a no-op in
eval), with p = {sd} * i / {total}, i the block's index in the network (from 0) and {total} the blocks;
blocks without the residual have a stochastic_depth module too, never called, left out here.
Every conv but the SE's fc1 and fc2 is followed by a batchnorm and has no bias (the file-wide
bias: none); fc1, fc2 and the classifier fc have biases.
{norm}"""

MBCONV = """\
An MBConv block is a 1x1 expansion conv to expand ratio times its input width (none when the
ratio is 1), a kxk depthwise conv (with the stage's stride in its first block), a
squeeze-and-excitation (a gate: avgpool, 1x1 conv fc1 to a quarter of the block's input
width, SiLU, 1x1 conv fc2, sigmoid; torchvision multiplies the scale in), and a 1x1
projection conv with batchnorm and no activation."""

FUSED = """\
A FusedMBConv block (the first three stages) fuses the expansion and the depthwise conv
into one kxk conv (with the stride), batchnorm, SiLU, followed by a 1x1 projection conv and
batchnorm; with expand ratio 1 it is the kxk conv, batchnorm and SiLU alone. The later
MBConv blocks are a 1x1 expansion conv, a 3x3 depthwise conv, a squeeze-and-excitation
(a gate: avgpool, 1x1 conv fc1 to a quarter of the block's input width, SiLU, 1x1 conv fc2,
sigmoid; torchvision multiplies the scale in) and a 1x1 projection conv with batchnorm and
no activation."""

conv = partial(layer, "conv")
bn = partial(layer, "batchnorm")
silu = partial(layer, "activation", function="silu")


def _make_divisible(value: float, divisor: int = 8) -> int:
    """torchvision's ``_make_divisible``: the nearest multiple of ``divisor``, stepping up when that loses >10%."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def _conv_norm(name: object, filters: int, kernel: int, stride: int = 1, activation: bool = True) -> Entry:
    """Conv2dNormActivation: conv (padding (k - 1) // 2), batchnorm, SiLU."""
    padding = (kernel - 1) // 2 or None
    layers = [conv(0, filters=filters, kernel=kernel, stride=stride if stride > 1 else None, padding=padding)]
    layers.append(bn(1))
    if activation:
        layers.append(silu(2))
    return seq(name, *layers)


def _depthwise_norm(name: object, kernel: int, stride: int) -> Entry:
    """Conv2dNormActivation with groups = channels: depthwise conv, batchnorm, SiLU."""
    depthwise = layer("depthwise", 0, kernel=kernel, stride=stride if stride > 1 else None, padding=(kernel - 1) // 2)
    return seq(name, depthwise, bn(1), silu(2))


def _squeeze_excitation(name: object, channels: int, squeeze: int) -> Entry:
    """torchvision's SqueezeExcitation with SiLU: x * sigmoid(fc2(silu(fc1(avgpool(x)))))."""
    return block(
        "gate",
        name,
        layers=[
            layer("adaptiveavgpool", "avgpool", output=1),
            conv("fc1", filters=squeeze, kernel=1, bias="tied"),
            silu("activation"),
            conv("fc2", filters=channels, kernel=1, bias="tied"),
            layer("activation", "scale_activation", function="sigmoid"),
        ],
    )


def _block(kind: str, name: int, expand: int, kernel: int, stride: int, cin: int, cout: int, sd_prob: float) -> Entry:
    """MBConv or FusedMBConv: its Sequential ``block``, and with the residual its stochastic depth."""
    expanded = _make_divisible(cin * expand)
    layers: list[Entry] = []
    if kind == "mbconv":
        if expanded != cin:
            layers.append(_conv_norm(len(layers), expanded, 1))
        layers.append(_depthwise_norm(len(layers), kernel, stride))
        layers.append(_squeeze_excitation(len(layers), expanded, max(1, cin // 4)))
        layers.append(_conv_norm(len(layers), cout, 1, activation=False))
    elif expanded != cin:
        layers.append(_conv_norm(0, expanded, kernel, stride))
        layers.append(_conv_norm(1, cout, 1, activation=False))
    else:
        layers.append(_conv_norm(0, cout, kernel, stride))
    body = seq("block", *layers)
    if stride == 1 and cin == cout:
        return block("residual", name, layers=[body, layer("droppath", "stochastic_depth", rate=sd_prob)])
    return block("block", name, layers=[body])


def efficientnet(name: str) -> str:
    stages, width_mult, depth_mult, dropout, last_channel = CONFIGS[name]
    rows = [
        (kind, expand, kernel, stride, _make_divisible(cin * width_mult), _make_divisible(cout * width_mult))
        + (math.ceil(count * depth_mult),)
        for kind, expand, kernel, stride, cin, cout, count in stages
    ]
    total = sum(row[6] for row in rows)
    features: list[Entry] = [_conv_norm(0, rows[0][4], 3, 2)]
    index = 0
    for kind, expand, kernel, stride, cin, cout, count in rows:
        blocks = []
        for i in range(count):
            sd_prob = STOCHASTIC_DEPTH * float(index) / total
            blocks.append(_block(kind, i, expand, kernel, 1 if i else stride, cout if i else cin, cout, sd_prob))
            index += 1
        features.append(seq(len(features), *blocks))
    last_in = rows[-1][5]
    last = last_channel or 4 * last_in
    features.append(_conv_norm(len(features), last, 1))
    layers = [
        seq("features", *features),
        layer("adaptiveavgpool", "avgpool", output=1),
        layer("flatten", "flatten"),
        seq("classifier", layer("dropout", 0, rate=dropout), layer("dense", 1, units=1000, bias="tied")),
    ]

    v2 = name.startswith("efficientnet_v2")
    size = INPUTS[name][1]
    if v2:
        title = f"EfficientNetV2-{name[-1].upper()} ({size}x{size})"
        config = (
            "Stages as in torchvision's _efficientnet_conf (block, expand ratio, kernel, stride, in, out, blocks):\n"
        )
        config += "\n".join(f"  {', '.join(map(str, stage))}" for stage in stages)
        norm = "BatchNorm eps is 0.001 (no effect on the counts)."
    else:
        title = f"EfficientNet-{name[-2:].upper()} (width {width_mult}, depth {depth_mult}, {size}x{size})"
        config = (
            f"B0's stages with widths x{width_mult} (rounded by _make_divisible to multiples of 8) and\n"
            f"block counts x{depth_mult} (rounded up): {len(rows)} stages of {[row[6] for row in rows]} blocks."
        )
        norm = (
            "BatchNorm eps is 0.001, momentum 0.01 (no effect on the counts)."
            if name[-1] in "567"
            else "BatchNorm has torch's defaults."
        )
    notes = NOTES.format(
        config=config,
        stages=len(rows),
        last=len(rows) + 1,
        last_width=last,
        why="V2's fixed width" if v2 else "4x its input",
        dropout=dropout,
        blocks=FUSED if v2 else MBCONV,
        sd=STOCHASTIC_DEPTH,
        total=total,
        norm=norm,
    )
    text = header(name, title, SOURCES["v2" if v2 else "v1"], REFERENCE, notes, "efficientnet")
    return spec(name, text, INPUTS[name], layers)


SPECS = {name: partial(efficientnet, name) for name in CONFIGS}
