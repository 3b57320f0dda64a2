"""The video classifiers: R3D-18, MC3-18 and R(2+1)D-18 (torchvision's VideoResNet) and S3D, from
torchvision's builders. Every conv and pool is 3-D (a clip is C x T x H x W); per-dimension sizes are
lists, time first."""

from __future__ import annotations

from functools import partial

from .emit import Entry, block, header, layer, seq, spec

conv = partial(layer, "conv")
bn = partial(layer, "batchnorm")
relu = partial(layer, "activation", function="relu")

# --- VideoResNet: R3D, MC3, R(2+1)D -------------------------------------------------------------

#: name -> (the conv builder of each of the four stages, whether the stem is R(2+1)D's factorised one).
#: "simple" is Conv3DSimple (3x3x3), "no_temporal" Conv3DNoTemporal (1x3x3), "2plus1d" Conv2Plus1D.
CONFIGS = {
    "r3d_18": (("simple",) * 4, False),
    "mc3_18": (("simple",) + ("no_temporal",) * 3, False),
    "r2plus1d_18": (("2plus1d",) * 4, True),
}

TITLES = {
    "r3d_18": "R3D-18 (18-layer 3-D ResNet)",
    "mc3_18": "MC3-18 (18-layer mixed-convolution ResNet)",
    "r2plus1d_18": "R(2+1)D-18 (18-layer ResNet with (2+1)D convolutions)",
}

BUILDERS = {
    "simple": "Conv3DSimple, a 3x3x3 conv",
    "no_temporal": "Conv3DNoTemporal, a 1x3x3 conv",
    "2plus1d": "Conv2Plus1D",
}

RESNET_SOURCE = (
    'D. Tran, H. Wang, L. Torresani, J. Ray, Y. LeCun, M. Paluri, "A Closer Look at\n'
    '  Spatiotemporal Convolutions for Action Recognition", CVPR 2018, arXiv:1711.11248 (Table 1).'
)

RESNET_NOTES = """\
A clip is 3 x 16 frames x 112 x 112; every conv and pool is 3-D, sizes time first.
{stem}
A block is relu(conv2(conv1(x)) + downsample(x)): conv1 is the stage's conv builder, a
batchnorm and a ReLU, conv2 the builder and a batchnorm (both Sequentials); the downsample,
a 1x1x1 conv of stride {downsample} and a batchnorm, is in the first block of stages
2-4; torchvision calls one ReLU module, relu, after the addition. The stages' conv builders:
{builders}.{factorised}
Every conv has bias=False (a batchnorm follows), hence the file-wide bias: none; the
classifier fc, after a global 3-D average pool and x.flatten(1), has biases."""

FACTORISED = """
Conv2Plus1D is a Sequential of a spatial 1x3x3 conv to midplanes = (in * out * 27) //
(in * 9 + 3 * out) maps (near a full 3x3x3 conv's parameter count), a batchnorm, a ReLU and a
temporal 3x1x1 conv to out maps; a stride s is (1, s, s) in the first and (s, 1, 1) in the
second. midplanes is computed once per block, from the block's in and out widths, and used by
both of its convs (layer2.0.conv2 has 230 midplanes, as layer2.0.conv1, not 288)."""


def _video_conv(kind: str, name: int, planes: int, midplanes: int, stride: int) -> Entry:
    """One call of a conv builder, named as the first module of conv1 or conv2."""
    if kind == "simple":
        return conv(name, filters=planes, kernel=[3, 3, 3], stride=stride if stride > 1 else None, padding=1)
    if kind == "no_temporal":
        return conv(
            name,
            filters=planes,
            kernel=[1, 3, 3],
            stride=[1, stride, stride] if stride > 1 else None,
            padding=[0, 1, 1],
        )
    return seq(
        name,
        conv(
            0,
            filters=midplanes,
            kernel=[1, 3, 3],
            stride=[1, stride, stride] if stride > 1 else None,
            padding=[0, 1, 1],
        ),
        bn(1),
        relu(2),
        conv(3, filters=planes, kernel=[3, 1, 1], stride=[stride, 1, 1] if stride > 1 else None, padding=[1, 0, 0]),
    )


def _basic_block(kind: str, name: int, inplanes: int, planes: int, stride: int) -> Entry:
    """torchvision's video BasicBlock: conv1 (builder, BN, ReLU), conv2 (builder, BN), the shortcut, a ReLU.
    midplanes is the block's, from its inplanes and planes: conv2's (2+1)D conv uses it too."""
    midplanes = (inplanes * planes * 3 * 3 * 3) // (inplanes * 3 * 3 + 3 * planes)
    body = [
        seq("conv1", _video_conv(kind, 0, planes, midplanes, stride), bn(1), relu(2)),
        seq("conv2", _video_conv(kind, 0, planes, midplanes, 1), bn(1)),
    ]
    shortcut = None
    if stride != 1 or inplanes != planes:
        down = [1, stride, stride] if kind == "no_temporal" else stride  # the builder's get_downsample_stride
        shortcut = [seq("downsample", conv(0, filters=planes, kernel=1, stride=down), bn(1))]
    return seq(name, block("residual", layers=body, shortcut=shortcut), relu("relu"))


def video_resnet(name: str) -> str:
    kinds, factorised = CONFIGS[name]
    if factorised:  # R2Plus1dStem
        stem = seq(
            "stem",
            conv(0, filters=45, kernel=[1, 7, 7], stride=[1, 2, 2], padding=[0, 3, 3]),
            bn(1),
            relu(2),
            conv(3, filters=64, kernel=[3, 1, 1], padding=[1, 0, 0]),
            bn(4),
            relu(5),
        )
        stem_note = (
            "The stem (R2Plus1dStem) is a 1x7x7 conv of stride (1, 2, 2) to 45 maps, a batchnorm, a ReLU,\n"
            "a 3x1x1 conv to 64 maps, a batchnorm and a ReLU; there is no max pool."
        )
    else:  # BasicStem
        stem = seq("stem", conv(0, filters=64, kernel=[3, 7, 7], stride=[1, 2, 2], padding=[1, 3, 3]), bn(1), relu(2))
        stem_note = (
            "The stem (BasicStem) is a 3x7x7 conv of stride (1, 2, 2) to 64 maps, a batchnorm and a ReLU;\n"
            "there is no max pool."
        )
    layers: list[Entry] = [stem]
    inplanes = 64
    for stage, (planes, kind) in enumerate(zip((64, 128, 256, 512), kinds), start=1):
        stride = 1 if stage == 1 else 2
        blocks = [_basic_block(kind, 0, inplanes, planes, stride), _basic_block(kind, 1, planes, planes, 1)]
        layers.append(seq(f"layer{stage}", *blocks))
        inplanes = planes
    layers += [
        layer("adaptiveavgpool", "avgpool", output=1),
        layer("flatten", "flatten"),
        layer("dense", "fc", units=400, bias="tied"),
    ]
    stages = [f"layer{stage} {BUILDERS[kind]}" for stage, kind in enumerate(kinds, start=1)]
    if len(set(kinds)) == 1:
        builders = f"{BUILDERS[kinds[0]]} in all four"
    else:
        builders = f"{stages[0]}, layers 2-4 {BUILDERS[kinds[1]]}"
    notes = RESNET_NOTES.format(
        stem=stem_note,
        downsample="(1, 2, 2)" if kinds[-1] == "no_temporal" else "2",
        builders=builders,
        factorised=FACTORISED if "2plus1d" in kinds else "",
    )
    reference = (
        "torchvision/models/video/resnet.py (VideoResNet, BasicBlock, BasicStem, R2Plus1dStem,\n"
        "  Conv3DSimple, Conv3DNoTemporal, Conv2Plus1D)"
    )
    text = header(name, TITLES[name], RESNET_SOURCE, reference, notes, "video")
    return spec(name, text, (3, 16, 112, 112), layers)


# --- S3D ----------------------------------------------------------------------------------------

#: features, as in torchvision's S3D: ("sep", out, kernel, stride, padding) a TemporalSeparableConv,
#: ("unit", out) a 1x1x1 Conv3dNormActivation, ("pool", kernel, stride, padding) a MaxPool3d,
#: ("inception", b0_out, b1_mid, b1_out, b2_mid, b2_out, b3_out) a SepInceptionBlock3D.
S3D_FEATURES: tuple[tuple, ...] = (
    ("sep", 64, 7, 2, 3),
    ("pool", [1, 3, 3], [1, 2, 2], [0, 1, 1]),
    ("unit", 64),
    ("sep", 192, 3, 1, 1),
    ("pool", [1, 3, 3], [1, 2, 2], [0, 1, 1]),
    ("inception", 64, 96, 128, 16, 32, 32),
    ("inception", 128, 128, 192, 32, 96, 64),
    ("pool", [3, 3, 3], [2, 2, 2], [1, 1, 1]),
    ("inception", 192, 96, 208, 16, 48, 64),
    ("inception", 160, 112, 224, 24, 64, 64),
    ("inception", 128, 128, 256, 24, 64, 64),
    ("inception", 112, 144, 288, 32, 64, 64),
    ("inception", 256, 160, 320, 32, 128, 128),
    ("pool", [2, 2, 2], [2, 2, 2], [0, 0, 0]),
    ("inception", 256, 160, 320, 32, 128, 128),
    ("inception", 384, 192, 384, 48, 128, 128),
)

S3D_SOURCE = (
    'S. Xie, C. Sun, J. Huang, Z. Tu, K. Murphy, "Rethinking Spatiotemporal Feature Learning:\n'
    '  Speed-Accuracy Trade-offs in Video Classification", ECCV 2018, arXiv:1712.04851 (Figure 2).'
)

S3D_NOTES = """\
A clip is 3 x 16 frames x 224 x 224; every conv and pool is 3-D, sizes time first.
GoogLeNet's (Inception v1) layout, each 3x3 conv replaced by a TemporalSeparableConv: a
Sequential of a 1xkxk conv of stride (1, s, s) and a kx1x1 conv of stride (s, 1, 1), each a
Conv3dNormActivation (conv, batchnorm, ReLU). A SepInceptionBlock3D concatenates four
branches: a 1x1x1 unit; a 1x1x1 unit then a separable 3x3x3; the same; a 3x3x3 max pool
(stride 1, padding 1) then a 1x1x1 unit. The batchnorms have eps and momentum 0.001 (no
effect on counts); every conv but the classifier's has bias=False, hence the file-wide
bias: none. The classifier is an average pool (kernel (2, 7, 7), stride 1), dropout and
a 1x1x1 conv with biases to 400 maps; torch.mean(x, (2, 3, 4)) (functional) then averages
its 1x1x1 output to 400 logits."""


def _unit(name: object, filters: int, kernel: object = 1, stride: object = None, padding: object = None) -> Entry:
    """Conv3dNormActivation: a conv (no bias), a batchnorm and a ReLU."""
    return seq(name, conv(0, filters=filters, kernel=kernel, stride=stride, padding=padding), bn(1), relu(2))


def _separable(name: object, filters: int, k: int, s: int, p: int) -> Entry:
    """TemporalSeparableConv: a 1xkxk unit, then a kx1x1 unit."""
    return seq(
        name,
        _unit(0, filters, [1, k, k], [1, s, s] if s > 1 else None, [0, p, p]),
        _unit(1, filters, [k, 1, 1], [s, 1, 1] if s > 1 else None, [p, 0, 0]),
    )


def _inception(name: int, b0: int, b1_mid: int, b1: int, b2_mid: int, b2: int, b3: int) -> Entry:
    """SepInceptionBlock3D: four branches, concatenated."""
    return block(
        "concat",
        name,
        branches=[
            [_unit("branch0", b0)],
            [seq("branch1", _unit(0, b1_mid), _separable(1, b1, 3, 1, 1))],
            [seq("branch2", _unit(0, b2_mid), _separable(1, b2, 3, 1, 1))],
            [seq("branch3", layer("maxpool", 0, kernel=3, stride=1, padding=1), _unit(1, b3))],
        ],
    )


def s3d(name: str) -> str:
    features: list[Entry] = []
    for kind, *args in S3D_FEATURES:
        index = len(features)
        if kind == "sep":
            features.append(_separable(index, *args))
        elif kind == "unit":
            features.append(_unit(index, *args))
        elif kind == "pool":
            kernel, stride, padding = args
            features.append(layer("maxpool", index, kernel=kernel, stride=stride, padding=padding))
        else:
            features.append(_inception(index, *args))
    layers = [
        seq("features", *features),
        layer("avgpool", "avgpool", kernel=[2, 7, 7], stride=1),
        seq("classifier", layer("dropout", 0, rate=0.2), conv(1, filters=400, kernel=1, bias="tied")),
        layer("globalavgpool", "mean"),
    ]
    reference = "torchvision/models/video/s3d.py (S3D, SepInceptionBlock3D, TemporalSeparableConv)"
    text = header(name, "S3D (separable 3-D Inception)", S3D_SOURCE, reference, S3D_NOTES, "video")
    return spec(name, text, (3, 16, 224, 224), layers)


SPECS = {**{name: partial(video_resnet, name) for name in CONFIGS}, "s3d": partial(s3d, "s3d")}
