"""MobileNetV3-Small and -Large, from torchvision's config tables (mobilenet_v2 is written by hand; its names are
followed here: a block of ``features`` is named by its full path, the layers of its Sequentials by their path
inside it)."""

from __future__ import annotations

from functools import partial

from .emit import Entry, block, header, layer, spec

#: name -> the inverted residual blocks (input, kernel, expanded, output channels, squeeze-and-excitation,
#: activation "RE" ReLU or "HS" hard swish, stride) and the classifier's hidden width, as in torchvision's
#: _mobilenet_v3_conf at width 1.0 without dilation.
CONFIGS: dict[str, tuple[tuple[tuple[int, int, int, int, bool, str, int], ...], int]] = {
    "mobilenet_v3_large": (
        (
            (16, 3, 16, 16, False, "RE", 1),
            (16, 3, 64, 24, False, "RE", 2),  # C1
            (24, 3, 72, 24, False, "RE", 1),
            (24, 5, 72, 40, True, "RE", 2),  # C2
            (40, 5, 120, 40, True, "RE", 1),
            (40, 5, 120, 40, True, "RE", 1),
            (40, 3, 240, 80, False, "HS", 2),  # C3
            (80, 3, 200, 80, False, "HS", 1),
            (80, 3, 184, 80, False, "HS", 1),
            (80, 3, 184, 80, False, "HS", 1),
            (80, 3, 480, 112, True, "HS", 1),
            (112, 3, 672, 112, True, "HS", 1),
            (112, 5, 672, 160, True, "HS", 2),  # C4
            (160, 5, 960, 160, True, "HS", 1),
            (160, 5, 960, 160, True, "HS", 1),
        ),
        1280,  # C5
    ),
    "mobilenet_v3_small": (
        (
            (16, 3, 16, 16, True, "RE", 2),  # C1
            (16, 3, 72, 24, False, "RE", 2),  # C2
            (24, 3, 88, 24, False, "RE", 1),
            (24, 5, 96, 40, True, "HS", 2),  # C3
            (40, 5, 240, 40, True, "HS", 1),
            (40, 5, 240, 40, True, "HS", 1),
            (40, 5, 120, 48, True, "HS", 1),
            (48, 5, 144, 48, True, "HS", 1),
            (48, 5, 288, 96, True, "HS", 2),  # C4
            (96, 5, 576, 96, True, "HS", 1),
            (96, 5, 576, 96, True, "HS", 1),
        ),
        1024,  # C5
    ),
}

TITLES = {"mobilenet_v3_large": "MobileNetV3-Large (width 1.0)", "mobilenet_v3_small": "MobileNetV3-Small (width 1.0)"}

SOURCE = (
    "A. Howard, M. Sandler, G. Chu, L.-C. Chen, B. Chen, M. Tan, W. Wang, Y. Zhu, R. Pang,\n"
    '  V. Vasudevan, Q. V. Le, H. Adam, "Searching for MobileNetV3", ICCV 2019, arXiv:1905.02244\n'
    "  (Table 1, MobileNetV3-Large; Table 2, MobileNetV3-Small)."
)

NOTES = """\
features.0 is a 3x3 stride-2 conv, batchnorm and hard swish; features.1 to features.{last_block} are
InvertedResidual blocks: a 1x1 expansion (not when the expanded width is the input's), a kxk
depthwise conv (groups = channels, padding (k-1)/2), in some blocks a squeeze-and-excitation
(a gate: adaptive average pool, fc1 1x1 conv to _make_divisible(expanded // 4, 8) channels,
ReLU, fc2 1x1 conv back, hard sigmoid, multiplied into the input), then a linear 1x1
projection; a block adds its input back (result += x, a residual block) when the stride is 1
and the widths agree. features.{last} is a 1x1 conv to 6 x {width} channels. Blocks with equal
contents are written once and merged under their own names. The convs before batchnorms
have bias=False, hence the file-wide bias: none; the SE convs and the classifier's Linears
have biases (bias: tied). torch.flatten after avgpool is functional. The classifier is
Linear, hard swish, dropout 0.2, Linear to 1000."""

ACTIVATIONS = {"RE": "relu", "HS": "hardswish"}


def _make_divisible(value: float, divisor: int) -> int:
    """torchvision's _make_divisible: the nearest multiple of ``divisor``, stepping up when that loses over 10%."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def _conv_norm_activation(
    path: str, filters: int, kernel: int, stride: int = 1, groups: int = 1, function: str | None = None
) -> list[Entry]:
    """torchvision's Conv2dNormActivation, its modules named ``path.0``, ``path.1``, ``path.2`` (``0``, ... at the top)."""
    prefix = f"{path}." if path else ""
    layers = [
        layer(
            "conv",
            f"{prefix}0",
            filters=filters,
            kernel=kernel,
            stride=stride if stride > 1 else None,
            padding=(kernel - 1) // 2 or None,
            groups=groups if groups > 1 else None,
        ),
        layer("batchnorm", f"{prefix}1"),
    ]
    if function is not None:
        layers.append(layer("activation", f"{prefix}2", function=function))
    return layers


def _inverted_residual(
    index: int, cin: int, kernel: int, expanded: int, cout: int, use_se: bool, act: str, stride: int
) -> Entry:
    """torchvision's mobilenetv3.InvertedResidual, named ``features.<index>``; its Sequential is ``block``."""
    function = ACTIVATIONS[act]
    layers: list[Entry] = []
    position = 0
    if expanded != cin:
        layers += _conv_norm_activation("block.0", expanded, 1, function=function)
        position += 1
    layers += _conv_norm_activation(f"block.{position}", expanded, kernel, stride, expanded, function)
    position += 1
    if use_se:
        squeeze = _make_divisible(expanded // 4, 8)
        se = [
            layer("adaptiveavgpool", "avgpool", output=1),
            layer("conv", "fc1", filters=squeeze, kernel=1, bias="tied"),
            layer("activation", "activation", function="relu"),
            layer("conv", "fc2", filters=expanded, kernel=1, bias="tied"),
            layer("activation", "scale_activation", function="hardsigmoid"),
        ]
        layers.append(block("gate", f"block.{position}", layers=se))
        position += 1
    layers += _conv_norm_activation(f"block.{position}", cout, 1)
    kind = "residual" if stride == 1 and cin == cout else "block"
    return block(kind, f"features.{index}", layers=layers)


def mobilenet_v3(name: str) -> str:
    setting, last_channel = CONFIGS[name]
    layers: list[Entry] = [
        block("block", "features.0", layers=_conv_norm_activation("", setting[0][0], 3, 2, function="hardswish"))
    ]
    for index, row in enumerate(setting, start=1):
        layers.append(_inverted_residual(index, *row))
    last = setting[-1][3]
    layers.append(
        block(
            "block", f"features.{len(setting) + 1}", layers=_conv_norm_activation("", 6 * last, 1, function="hardswish")
        )
    )
    layers += [
        layer("adaptiveavgpool", "avgpool", output=1),
        layer("flatten", "flatten"),
        layer("dense", "classifier.0", units=last_channel, bias="tied"),
        layer("activation", "classifier.1", function="hardswish"),
        layer("dropout", "classifier.2", rate=0.2),
        layer("dense", "classifier.3", units=1000, bias="tied"),
    ]
    notes = NOTES.format(last_block=len(setting), last=len(setting) + 1, width=last)
    text = header(
        name,
        TITLES[name],
        SOURCE,
        "torchvision/models/mobilenetv3.py (MobileNetV3, InvertedResidual,\n"
        "  _mobilenet_v3_conf; Conv2dNormActivation, SqueezeExcitation: torchvision/ops/misc.py)",
        notes,
        "mobilenet",
    )
    return spec(name, text, (3, 224, 224), layers)


SPECS = {name: partial(mobilenet_v3, name) for name in CONFIGS}
