"""ShuffleNetV2 0.5x, 1.0x, 1.5x and 2.0x, from torchvision's stage tables (named as specs/mobilenet_v2.yaml is:
a block by its module's name, the layers of a block's Sequential by their path inside it)."""

from __future__ import annotations

from functools import partial

from .emit import Entry, block, header, layer, spec

#: name -> torchvision's stages_out_channels: conv1, stage2, stage3, stage4, conv5.
CONFIGS = {
    "shufflenet_v2_x0_5": (24, 48, 96, 192, 1024),
    "shufflenet_v2_x1_0": (24, 116, 232, 464, 1024),
    "shufflenet_v2_x1_5": (24, 176, 352, 704, 1024),
    "shufflenet_v2_x2_0": (24, 244, 488, 976, 2048),
}

#: torchvision's stages_repeats: the units of stage2, stage3, stage4.
STAGES_REPEATS = (4, 8, 4)

TITLES = {
    "shufflenet_v2_x0_5": "ShuffleNetV2 0.5x",
    "shufflenet_v2_x1_0": "ShuffleNetV2 1.0x",
    "shufflenet_v2_x1_5": "ShuffleNetV2 1.5x",
    "shufflenet_v2_x2_0": "ShuffleNetV2 2.0x",
}

SOURCE = (
    'N. Ma, X. Zhang, H.-T. Zheng, J. Sun, "ShuffleNet V2: Practical Guidelines for Efficient\n'
    '  CNN Architecture Design", ECCV 2018, arXiv:1807.11164 (Table 5).'
)

NOTES = """\
Output channels of conv1, stage2, stage3, stage4, conv5: {widths}; {repeats} units in the
three stages. conv1 is a 3x3 stride-2 conv, batchnorm and ReLU, then a 3x3 stride-2 max pool.
Each unit is torchvision's InvertedResidual, a concat block then channel_shuffle(out, 2) (a
shuffle, groups 2; functional). The first unit of a stage has stride 2: both branches read
the input, branch1 a 3x3 stride-2 depthwise conv (groups = channels) and batchnorm, then a 1x1
conv, batchnorm and ReLU; branch2 a 1x1 conv, batchnorm, ReLU, a 3x3 stride-2 depthwise conv,
batchnorm, 1x1 conv, batchnorm, ReLU; each gives half the unit's output channels. The other
units have stride 1: x.chunk(2, dim=1), then cat(x1, branch2(x2)): a concat block with
split: 2, the identity for the first chunk and branch2 (as above, stride 1) for the second;
their branch1 is an empty Sequential, never called, so it has no rows. Units with equal
contents are written once and merged under their own names. Every conv has bias=False (a
batchnorm follows), hence the file-wide bias: none. forward() pools with x.mean([2, 3]) (a
globalavgpool, functional); fc is the Linear to 1000."""


def _unit(index: int, inp: int, oup: int, stride: int) -> Entry:
    """torchvision's shufflenetv2.InvertedResidual, named by its index in its stage."""
    half = oup // 2
    branch2 = [
        layer("conv", "branch2.0", filters=half, kernel=1),
        layer("batchnorm", "branch2.1"),
        layer("activation", "branch2.2", function="relu"),
        layer(
            "conv", "branch2.3", filters=half, kernel=3, stride=stride if stride > 1 else None, padding=1, groups=half
        ),
        layer("batchnorm", "branch2.4"),
        layer("conv", "branch2.5", filters=half, kernel=1),
        layer("batchnorm", "branch2.6"),
        layer("activation", "branch2.7", function="relu"),
    ]
    if stride > 1:
        branch1 = [
            layer("conv", "branch1.0", filters=inp, kernel=3, stride=stride, padding=1, groups=inp),
            layer("batchnorm", "branch1.1"),
            layer("conv", "branch1.2", filters=half, kernel=1),
            layer("batchnorm", "branch1.3"),
            layer("activation", "branch1.4", function="relu"),
        ]
        cat = block("concat", branches=[branch1, branch2])
    else:
        cat = block("concat", split=2, branches=[[], branch2])
    return block("block", index, layers=[cat, layer("shuffle", "channel_shuffle", groups=2)])


def shufflenet_v2(name: str) -> str:
    widths = CONFIGS[name]
    layers: list[Entry] = [
        layer("conv", "conv1.0", filters=widths[0], kernel=3, stride=2, padding=1),
        layer("batchnorm", "conv1.1"),
        layer("activation", "conv1.2", function="relu"),
        layer("maxpool", "maxpool", kernel=3, stride=2, padding=1),
    ]
    for stage, (repeats, cin, cout) in enumerate(zip(STAGES_REPEATS, widths[:3], widths[1:4]), start=2):
        units = [_unit(0, cin, cout, 2)] + [_unit(index, cout, cout, 1) for index in range(1, repeats)]
        layers.append(block("block", f"stage{stage}", layers=units))
    layers += [
        layer("conv", "conv5.0", filters=widths[4], kernel=1),
        layer("batchnorm", "conv5.1"),
        layer("activation", "conv5.2", function="relu"),
        layer("globalavgpool", "mean"),
        layer("dense", "fc", units=1000, bias="tied"),
    ]
    notes = NOTES.format(widths=", ".join(map(str, widths)), repeats=", ".join(map(str, STAGES_REPEATS)))
    text = header(
        name,
        TITLES[name],
        SOURCE,
        "torchvision/models/shufflenetv2.py (ShuffleNetV2, InvertedResidual,\n  channel_shuffle)",
        notes,
        "shufflenet",
    )
    return spec(name, text, (3, 224, 224), layers)


SPECS = {name: partial(shufflenet_v2, name) for name in CONFIGS}
