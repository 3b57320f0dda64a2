"""ConvNeXt tiny, small, base and large, from torchvision's block settings (CNBlockConfig)."""

from __future__ import annotations

from functools import partial

from .emit import Entry, block, header, layer, seq, spec

#: size -> stage widths, blocks per stage, the last block's stochastic-depth probability.
CONFIGS = {
    "tiny": ((96, 192, 384, 768), (3, 3, 9, 3), 0.1),
    "small": ((96, 192, 384, 768), (3, 3, 27, 3), 0.4),
    "base": ((128, 256, 512, 1024), (3, 3, 27, 3), 0.5),
    "large": ((192, 384, 768, 1536), (3, 3, 27, 3), 0.5),
}

SOURCE = (
    'Z. Liu, H. Mao, C.-Y. Wu, C. Feichtenhofer, T. Darrell, S. Xie, "A ConvNet for the 2020s",\n'
    "  CVPR 2022, arXiv:2201.03545 (Section 2, Table 9 of Appendix A)."
)

NOTES = """\
Stage widths {widths}, blocks {depths}. The stem is a 4x4/4 conv (with bias) and a
LayerNorm2d; between stages, a LayerNorm2d and a 2x2/2 conv (with bias). LayerNorm2d (torchvision's LayerNorm
over the channels of an NCHW tensor, permuted to NHWC and back) is a layernorm with axes [0].
A CNBlock is x + stochastic_depth(layer_scale * block(x)): a residual block of block (a 7x7
depthwise conv with bias, LayerNorm(C), Linear(C, 4C), GELU, Linear(4C, C), the Linears on the
channels-last tensor: pointwise dense layers; the two Permutes are not rows), layer_scale (the
block's own (C, 1, 1) parameter, a scale, initialised to 1e-6) and stochastic_depth (the
identity in eval), whose rate grows linearly over the {total} blocks, from 0 to {sd}
(sd * i / (blocks - 1)). Every layer has biases but the layer scales: the biases are given
on each layer, the file-wide default is none. The head is avgpool (AdaptiveAvgPool2d(1)),
then classifier: a LayerNorm2d, flatten and a Linear to 1000."""


def _cn_block(index: int, width: int, rate: float) -> Entry:
    """torchvision's CNBlock: input + stochastic_depth(layer_scale * block(input))."""
    body = seq(
        "block",
        layer("depthwise", 0, kernel=7, padding=3, bias="tied"),
        layer("layernorm", 2, axes=[0]),
        layer("dense", 3, units=4 * width, bias="tied", pointwise=True),
        layer("activation", 4, function="gelu"),
        layer("dense", 5, units=width, bias="tied", pointwise=True),
    )
    return block(
        "residual",
        index,
        layers=[body, layer("scale", "layer_scale"), layer("droppath", "stochastic_depth", rate=rate)],
    )


def convnext(size: str) -> str:
    widths, depths, sd = CONFIGS[size]
    name = f"convnext_{size}"
    total = sum(depths)
    features: list[Entry] = [
        seq(0, layer("conv", 0, filters=widths[0], kernel=4, stride=4, bias="tied"), layer("layernorm", 1, axes=[0]))
    ]
    index = 0
    for stage, (width, count) in enumerate(zip(widths, depths)):
        blocks = []
        for j in range(count):
            blocks.append(_cn_block(j, width, sd * index / (total - 1.0)))
            index += 1
        features.append(seq(len(features), *blocks))
        if stage + 1 < len(widths):
            features.append(
                seq(
                    len(features),
                    layer("layernorm", 0, axes=[0]),
                    layer("conv", 1, filters=widths[stage + 1], kernel=2, stride=2, bias="tied"),
                )
            )
    layers = [
        seq("features", *features),
        layer("adaptiveavgpool", "avgpool", output=1),
        seq(
            "classifier",
            layer("layernorm", 0, axes=[0]),
            layer("flatten", 1),
            layer("dense", 2, units=1000, bias="tied"),
        ),
    ]
    notes = NOTES.format(widths=", ".join(map(str, widths)), depths=", ".join(map(str, depths)), total=total, sd=sd)
    text = header(
        name,
        f"ConvNeXt-{size.capitalize()}",
        SOURCE,
        "torchvision/models/convnext.py\n  (ConvNeXt, CNBlock, CNBlockConfig, LayerNorm2d; torchvision/ops StochasticDepth)",
        notes,
        "convnext",
    )
    return spec(name, text, (3, 224, 224), layers)


SPECS = {f"convnext_{size}": partial(convnext, size) for size in CONFIGS}
