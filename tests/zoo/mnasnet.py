"""MNASNet-B1 at depth multipliers 0.5, 0.75, 1.0 and 1.3, from torchvision's stack table (named as
specs/mobilenet_v2.yaml is: a block by its path, the layers of a block's Sequential by their path inside it)."""

from __future__ import annotations

from functools import partial

from .emit import Entry, block, header, layer, spec

#: name -> the depth multiplier alpha.
CONFIGS = {"mnasnet0_5": 0.5, "mnasnet0_75": 0.75, "mnasnet1_0": 1.0, "mnasnet1_3": 1.3}

#: The depths before scaling: the stem's two convs, then the six stacks' outputs (torchvision's _get_depths).
DEPTHS = (32, 16, 24, 40, 80, 96, 192, 320)

#: The six stacks, layers.8 to layers.13: kernel, first stride, expansion factor, repeats (torchvision's _stack calls).
STACKS = ((3, 2, 3, 3), (5, 2, 3, 3), (5, 2, 6, 3), (3, 1, 6, 2), (5, 2, 6, 4), (3, 1, 6, 1))

SOURCE = (
    'M. Tan, B. Chen, R. Pang, V. Vasudevan, M. Sandler, A. Howard, Q. V. Le, "MnasNet:\n'
    '  Platform-Aware Neural Architecture Search for Mobile", CVPR 2019, arXiv:1807.11626;\n'
    "  torchvision implements the B1 variant (no squeeze-and-excitation)."
)

NOTES = """\
Depth multiplier {alpha}: the depths 32, 16 (the stem), 24, 40, 80, 96, 192, 320 (the six
stacks) are each scaled by alpha and rounded by _round_to_multiple_of(depth * alpha, 8), the
nearest multiple of 8, the next one up when that loses over 10% (_get_depths):
{scaled}.{version}
layers.0 to layers.7 are the stem: a 3x3 stride-2 conv, a 3x3 depthwise conv and a linear 1x1
conv, with batchnorms and ReLUs. layers.8 to layers.13 are the stacks of _InvertedResidual
blocks: a 1x1 expansion, a kxk depthwise conv (groups = channels, padding k // 2, the stack's
stride in its first block), a linear 1x1 projection, each with a batchnorm (momentum
1 - 0.9997, which changes no count); a block adds its input back (a residual block) when the
stride is 1 and the widths agree, i.e. in every block of a stack but the first. Blocks with
equal contents are written once and merged under their own names. layers.14 is a 1x1 conv to
1280 channels. Every conv has bias=False (a batchnorm follows), hence the file-wide bias:
none. forward() pools with x.mean([2, 3]) (a globalavgpool, functional); the classifier is
dropout 0.2 and a Linear to 1000."""


def _round_to_multiple_of(value: float, divisor: int, round_up_bias: float = 0.9) -> int:
    """torchvision's _round_to_multiple_of: the nearest multiple of ``divisor``, the next one up when that loses over 10%."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded if rounded >= round_up_bias * value else rounded + divisor


def _get_depths(alpha: float) -> list[int]:
    return [_round_to_multiple_of(depth * alpha, 8) for depth in DEPTHS]


def _inverted_residual(index: int, cin: int, cout: int, kernel: int, stride: int, expansion: int) -> Entry:
    """torchvision's mnasnet._InvertedResidual, its Sequential named ``layers``."""
    mid = cin * expansion
    layers = [
        layer("conv", "layers.0", filters=mid, kernel=1),
        layer("batchnorm", "layers.1"),
        layer("activation", "layers.2", function="relu"),
        layer(
            "conv",
            "layers.3",
            filters=mid,
            kernel=kernel,
            stride=stride if stride > 1 else None,
            padding=kernel // 2,
            groups=mid,
        ),
        layer("batchnorm", "layers.4"),
        layer("activation", "layers.5", function="relu"),
        layer("conv", "layers.6", filters=cout, kernel=1),
        layer("batchnorm", "layers.7"),
    ]
    kind = "residual" if cin == cout and stride == 1 else "block"
    return block(kind, index, layers=layers)


def mnasnet(name: str) -> str:
    alpha = CONFIGS[name]
    depths = _get_depths(alpha)
    layers: list[Entry] = [
        layer("conv", "layers.0", filters=depths[0], kernel=3, stride=2, padding=1),
        layer("batchnorm", "layers.1"),
        layer("activation", "layers.2", function="relu"),
        layer("conv", "layers.3", filters=depths[0], kernel=3, padding=1, groups=depths[0]),
        layer("batchnorm", "layers.4"),
        layer("activation", "layers.5", function="relu"),
        layer("conv", "layers.6", filters=depths[1], kernel=1),
        layer("batchnorm", "layers.7"),
    ]
    for number, ((kernel, stride, expansion, repeats), cin, cout) in enumerate(
        zip(STACKS, depths[1:], depths[2:]), start=8
    ):
        stack = [_inverted_residual(0, cin, cout, kernel, stride, expansion)]
        stack += [_inverted_residual(index, cout, cout, kernel, 1, expansion) for index in range(1, repeats)]
        layers.append(block("block", f"layers.{number}", layers=stack))
    layers += [
        layer("conv", "layers.14", filters=1280, kernel=1),
        layer("batchnorm", "layers.15"),
        layer("activation", "layers.16", function="relu"),
        layer("globalavgpool", "mean"),
        layer("dropout", "classifier.0", rate=0.2),
        layer("dense", "classifier.1", units=1000, bias="tied"),
    ]
    version = ""
    if alpha != 1.0:
        version = (
            "\nThe stem is scaled too: torchvision's version-2 layout, which the default checkpoint has"
            "\n(version 1 kept the stem at 32 and 16 channels whatever alpha)."
        )
    notes = NOTES.format(
        alpha=alpha,
        scaled=", ".join(map(str, depths)),
        version=version,
    )
    title = f"MNASNet-B1 (depth multiplier {alpha})"
    text = header(
        name,
        title,
        SOURCE,
        "torchvision/models/mnasnet.py (MNASNet, _InvertedResidual, _stack,\n  _get_depths, _round_to_multiple_of)",
        notes,
        "mnasnet",
    )
    return spec(name, text, (3, 224, 224), layers)


SPECS = {name: partial(mnasnet, name) for name in CONFIGS}
