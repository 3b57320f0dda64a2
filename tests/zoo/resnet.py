"""ResNet-34/101/152, ResNeXt and wide ResNet, from torchvision's config table: the flat specs that the
variants of specs/resnet.yaml must equal row for row (resnet18 and resnet50 are written by hand, in
docs/examples)."""

from __future__ import annotations

from functools import partial

from .emit import Entry, block, header, layer, seq, spec

#: name -> (block kind, blocks per stage, groups, width per group)
CONFIGS = {
    "resnet34": ("basic", (3, 4, 6, 3), 1, 64),
    "resnet101": ("bottleneck", (3, 4, 23, 3), 1, 64),
    "resnet152": ("bottleneck", (3, 8, 36, 3), 1, 64),
    "resnext50_32x4d": ("bottleneck", (3, 4, 6, 3), 32, 4),
    "resnext101_32x8d": ("bottleneck", (3, 4, 23, 3), 32, 8),
    "resnext101_64x4d": ("bottleneck", (3, 4, 23, 3), 64, 4),
    "wide_resnet50_2": ("bottleneck", (3, 4, 6, 3), 1, 128),
    "wide_resnet101_2": ("bottleneck", (3, 4, 23, 3), 1, 128),
}

TITLES = {
    "resnet34": "ResNet-34",
    "resnet101": "ResNet-101 (v1.5)",
    "resnet152": "ResNet-152 (v1.5)",
    "resnext50_32x4d": "ResNeXt-50 (32x4d)",
    "resnext101_32x8d": "ResNeXt-101 (32x8d)",
    "resnext101_64x4d": "ResNeXt-101 (64x4d)",
    "wide_resnet50_2": "Wide ResNet-50-2",
    "wide_resnet101_2": "Wide ResNet-101-2",
}

SOURCES = {
    "resnet": 'K. He, X. Zhang, S. Ren, J. Sun, "Deep Residual Learning for Image Recognition",\n'
    "  CVPR 2016, arXiv:1512.03385 (Table 1).",
    "resnext": 'S. Xie, R. Girshick, P. Dollar, Z. Tu, K. He, "Aggregated Residual Transformations for\n'
    '  Deep Neural Networks", CVPR 2017, arXiv:1611.05431 (Table 1).',
    "wide": 'S. Zagoruyko, N. Komodakis, "Wide Residual Networks", BMVC 2016, arXiv:1605.07146;\n'
    "  torchvision's variant doubles the bottleneck width of ResNet-50/101.",
}

NOTES = """\
A block is relu(bn(conv(... x)) + downsample(x)): a residual block (the downsample, a 1x1
conv and a batchnorm, is its shortcut: in the first block of each stage) and the ReLU after
the addition; torchvision calls one ReLU module, relu, at each of its places. Every conv has
bias=False (a batchnorm follows), hence the file-wide bias: none; the classifier fc has biases."""

conv = partial(layer, "conv")
bn = partial(layer, "batchnorm")
relu = partial(layer, "activation", "relu", function="relu")


def _block(kind: str, name: int, inplanes: int, planes: int, stride: int, groups: int, width_per_group: int) -> Entry:
    """torchvision's BasicBlock or Bottleneck (v1.5: the stride is in the 3x3 conv)."""
    if kind == "basic":
        out = planes
        body = [
            conv("conv1", filters=planes, kernel=3, stride=stride if stride > 1 else None, padding=1),
            bn("bn1"),
            relu(),
            conv("conv2", filters=planes, kernel=3, padding=1),
            bn("bn2"),
        ]
    else:
        out = planes * 4
        width = int(planes * (width_per_group / 64.0)) * groups
        body = [
            conv("conv1", filters=width, kernel=1),
            bn("bn1"),
            relu(),
            conv("conv2", filters=width, kernel=3, stride=stride, padding=1, groups=groups if groups > 1 else None),
            bn("bn2"),
            relu(),
            conv("conv3", filters=out, kernel=1),
            bn("bn3"),
        ]
    shortcut = None
    if stride != 1 or inplanes != out:
        shortcut = [seq("downsample", conv(0, filters=out, kernel=1, stride=stride if stride > 1 else None), bn(1))]
    return seq(name, block("residual", layers=body, shortcut=shortcut), relu())


def resnet(name: str) -> str:
    kind, depths, groups, width_per_group = CONFIGS[name]
    layers: list[Entry] = [
        conv("conv1", filters=64, kernel=7, stride=2, padding=3),
        bn("bn1"),
        relu(),
        layer("maxpool", "maxpool", kernel=3, stride=2, padding=1),
    ]
    inplanes = 64
    for stage, (planes, count) in enumerate(zip((64, 128, 256, 512), depths), start=1):
        blocks = []
        for index in range(count):
            stride = 2 if stage > 1 and index == 0 else 1
            blocks.append(_block(kind, index, inplanes, planes, stride, groups, width_per_group))
            inplanes = planes * (1 if kind == "basic" else 4)
        layers.append(seq(f"layer{stage}", *blocks))
    layers += [
        layer("adaptiveavgpool", "avgpool", output=1),
        layer("flatten", "flatten"),
        layer("dense", "fc", units=1000, bias="tied"),
    ]
    family = "resnext" if name.startswith("resnext") else "wide" if name.startswith("wide") else "resnet"
    text = header(
        name,
        TITLES[name],
        SOURCES[family],
        "torchvision/models/resnet.py (ResNet, BasicBlock, Bottleneck)",
        NOTES,
        "resnet",
    )
    return spec(name, text, (3, 224, 224), layers)


SPECS = {name: partial(resnet, name) for name in CONFIGS}
