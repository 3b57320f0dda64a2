"""DenseNet-121, -161, -169 and -201, from torchvision's config table."""

from __future__ import annotations

from functools import partial

from .emit import Entry, block, header, layer, seq, spec

#: name -> (growth rate, dense layers per block, initial features), as torchvision's builders give them;
#: bn_size is 4 in all four.
CONFIGS = {
    "densenet121": (32, (6, 12, 24, 16), 64),
    "densenet161": (48, (6, 12, 36, 24), 96),
    "densenet169": (32, (6, 12, 32, 32), 64),
    "densenet201": (32, (6, 12, 48, 32), 64),
}

BN_SIZE = 4

SOURCE = (
    'G. Huang, Z. Liu, L. van der Maaten, K. Q. Weinberger, "Densely Connected Convolutional\n'
    '  Networks", CVPR 2017, arXiv:1608.06993 (Table 1, DenseNet-BC).'
)

NOTES = """\
Each dense layer (_DenseLayer: norm1-relu1-conv1 1x1 to bn_size * growth = {width} maps,
norm2-relu2-conv2 3x3 to growth = {growth} maps) reads the concatenation of its block's input and
every earlier layer's output: written as a concat block whose first branch, [], is the
identity, so each concat's output is the next layer's input and the block's own output
(torchvision's torch.cat(features, 1)). A transition (_Transition) is norm-relu-1x1 conv
halving the maps, then a 2x2 average pooling. After features (ending in norm5) torchvision
applies F.relu and F.adaptive_avg_pool2d functionally (rows relu, adaptive_avg_pool2d) before
the classifier. Every conv has bias=False, hence the file-wide bias: none; the classifier has biases.
Config: growth {growth}, dense layers per block {blocks}, {init} initial features."""

conv = partial(layer, "conv")
bn = partial(layer, "batchnorm")
relu = partial(layer, "activation", function="relu")


def _dense_layer(index: int, growth: int) -> Entry:
    """torchvision's _DenseLayer, concatenated to its input."""
    body = seq(
        f"denselayer{index}",
        bn("norm1"),
        relu("relu1"),
        conv("conv1", filters=BN_SIZE * growth, kernel=1),
        bn("norm2"),
        relu("relu2"),
        conv("conv2", filters=growth, kernel=3, padding=1),
    )
    return block("concat", branches=[[], [body]])


def densenet(name: str) -> str:
    growth, blocks, init = CONFIGS[name]
    features: list[Entry] = [
        conv("conv0", filters=init, kernel=7, stride=2, padding=3),
        bn("norm0"),
        relu("relu0"),
        layer("maxpool", "pool0", kernel=3, stride=2, padding=1),
    ]
    channels = init
    for stage, count in enumerate(blocks, start=1):
        features.append(seq(f"denseblock{stage}", *(_dense_layer(i, growth) for i in range(1, count + 1))))
        channels += count * growth
        if stage != len(blocks):
            channels //= 2
            features.append(
                seq(
                    f"transition{stage}",
                    bn("norm"),
                    relu("relu"),
                    conv("conv", filters=channels, kernel=1),
                    layer("avgpool", "pool", kernel=2, stride=2),
                )
            )
    features.append(bn("norm5"))
    layers = [
        seq("features", *features),
        relu("relu"),
        layer("adaptiveavgpool", "adaptive_avg_pool2d", output=1),
        layer("flatten", "flatten"),
        layer("dense", "classifier", units=1000, bias="tied"),
    ]
    notes = NOTES.format(width=BN_SIZE * growth, growth=growth, blocks=blocks, init=init)
    text = header(
        name,
        f"DenseNet-{name.removeprefix('densenet')}",
        SOURCE,
        "torchvision/models/densenet.py (DenseNet, _DenseBlock, _DenseLayer, _Transition)",
        notes,
        "densenet",
    )
    return spec(name, text, (3, 224, 224), layers)


SPECS = {name: partial(densenet, name) for name in CONFIGS}
