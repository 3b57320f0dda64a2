"""SqueezeNet 1.1, from torchvision's layer list (squeezenet1_0 is written by hand, in the same style)."""

from __future__ import annotations

from functools import partial

from .emit import Entry, block, header, layer, spec

#: version -> stem conv (maps, kernel), then "M" (a 3x3/2 max pooling, ceil mode) or a Fire's
#: (squeeze, expand) with both expands of that width, in torchvision's order of features.
CONFIGS: dict[str, tuple[tuple[int, int], tuple[str | tuple[int, int], ...]]] = {
    "squeezenet1_1": (
        (64, 3),
        ("M", (16, 64), (16, 64), "M", (32, 128), (32, 128), "M", (48, 192), (48, 192), (64, 256), (64, 256)),
    ),
}

SOURCE = (
    'F. N. Iandola, S. Han, M. W. Moskewicz, K. Ashraf, W. J. Dally, K. Keutzer, "SqueezeNet:\n'
    '  AlexNet-level accuracy with 50x fewer parameters and <0.5MB model size", arXiv:1602.07360;\n'
    "  version 1.1 is from the authors' repository (github.com/DeepScale/SqueezeNet, SqueezeNet_v1.1):\n"
    "  a 3x3 stem of 64 maps and earlier poolings, 2.4x less computation than 1.0, slightly fewer\n"
    "  parameters, the same accuracy."
)

NOTES = """\
As squeezenet1_0.yaml: a Fire module (a block named by its full path, features.3) squeezes
with a 1x1 conv, then concatenates on channels a 1x1 and a 3x3 expansion of the squeezed maps;
Fire modules of the same widths are written once and reused (a module's input width never
appears in a spec). Max pools use ceil_mode=True, as torchvision's do. Every conv has biases.
There is no dense layer: the classifier is a 1x1 conv to the 1000 classes, averaged over the
13x13 positions."""


def _fire(name: str, squeeze: int, expand: int) -> Entry:
    """torchvision's Fire."""
    return block(
        "block",
        name,
        layers=[
            layer("conv", "squeeze", filters=squeeze, kernel=1),
            layer("activation", "squeeze_activation", function="relu"),
            block(
                "concat",
                branches=[
                    [
                        layer("conv", "expand1x1", filters=expand, kernel=1),
                        layer("activation", "expand1x1_activation", function="relu"),
                    ],
                    [
                        layer("conv", "expand3x3", filters=expand, kernel=3, padding=1),
                        layer("activation", "expand3x3_activation", function="relu"),
                    ],
                ],
            ),
        ],
    )


def squeezenet(name: str) -> str:
    (stem, kernel), items = CONFIGS[name]
    layers: list[Entry] = [
        layer("conv", "features.0", filters=stem, kernel=kernel, stride=2),
        layer("activation", "features.1", function="relu"),
    ]
    for item in items:
        index = f"features.{len(layers)}"
        if isinstance(item, str):
            layers.append(layer("maxpool", index, kernel=3, stride=2, ceil_mode=True))
        else:
            layers.append(_fire(index, *item))
    layers += [
        layer("dropout", "classifier.0", rate=0.5),
        layer("conv", "classifier.1", filters=1000, kernel=1),
        layer("activation", "classifier.2", function="relu"),
        layer("adaptiveavgpool", "classifier.3", output=1),
        layer("flatten", "flatten"),
    ]
    text = header(
        name,
        "SqueezeNet 1.1",
        SOURCE,
        'torchvision/models/squeezenet.py (SqueezeNet(version="1_1"), Fire, squeezenet1_1())',
        NOTES,
        "squeezenet",
    )
    return spec(name, text, (3, 224, 224), layers, bias=None)


SPECS = {name: partial(squeezenet, name) for name in CONFIGS}
