"""VGG-11, -13 and -19, with and without batchnorm, from torchvision's config table (vgg16 and vgg16_bn
are written by hand)."""

from __future__ import annotations

from functools import partial

from .emit import Entry, header, layer, seq, spec

#: depth -> conv widths, "M" a 2x2 max pooling (torchvision's cfgs "A", "B", "E").
CONFIGS: dict[int, tuple[int | str, ...]] = {
    11: (64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    13: (64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    19: (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"),
}

SOURCE = (
    'K. Simonyan, A. Zisserman, "Very Deep Convolutional Networks for Large-Scale Image\n'
    '  Recognition", ICLR 2015, arXiv:1409.1556 (Table 1, configurations A, B and E).'
)

NOTES = """\
features is torchvision's Sequential of convs (3x3, padding 1), {norms}ReLUs and 2x2 max
pools, numbered as there; the classifier is fc-ReLU-dropout, twice, then fc to 1000."""


def vgg(depth: int, batch_norm: bool) -> str:
    name = f"vgg{depth}{'_bn' if batch_norm else ''}"
    features: list[Entry] = []
    for item in CONFIGS[depth]:
        if item == "M":
            features.append(layer("maxpool", len(features), kernel=2, stride=2))
            continue
        features.append(layer("conv", len(features), filters=item, kernel=3, padding=1))
        if batch_norm:
            features.append(layer("batchnorm", len(features)))
        features.append(layer("activation", len(features), function="relu"))
    layers = [
        seq("features", *features),
        layer("adaptiveavgpool", "avgpool", output=7),
        layer("flatten", "flatten"),
        seq(
            "classifier",
            layer("dense", 0, units=4096),
            layer("activation", 1, function="relu"),
            layer("dropout", 2, rate=0.5),
            layer("dense", 3, units=4096),
            layer("activation", 4, function="relu"),
            layer("dropout", 5, rate=0.5),
            layer("dense", 6, units=1000),
        ),
    ]
    title = f"VGG-{depth}" + (" with batch normalisation" if batch_norm else "")
    notes = NOTES.format(norms="batchnorms, " if batch_norm else "")
    text = header(name, title, SOURCE, "torchvision/models/vgg.py (VGG, make_layers, cfgs)", notes, "vgg")
    return spec(name, text, (3, 224, 224), layers, bias=None)


SPECS = {f"vgg{d}{'_bn' if bn else ''}": partial(vgg, d, bn) for d in CONFIGS for bn in (False, True)}
