"""Inception v3, from torchvision's module list (Inception3, InceptionA to InceptionE, InceptionAux)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from .emit import Entry, block, header, layer, seq, spec

#: The Mixed modules in order, as Inception3.__init__ builds them: name, kind (InceptionA to E) and
#: its argument (A's pool_features, C's channels_7x7); the auxiliary head comes after Mixed_6e.
MIXED: tuple[tuple[str, str, int | None], ...] = (
    ("Mixed_5b", "A", 32),
    ("Mixed_5c", "A", 64),
    ("Mixed_5d", "A", 64),
    ("Mixed_6a", "B", None),
    ("Mixed_6b", "C", 128),
    ("Mixed_6c", "C", 160),
    ("Mixed_6d", "C", 160),
    ("Mixed_6e", "C", 192),
    ("Mixed_7a", "D", None),
    ("Mixed_7b", "E", None),
    ("Mixed_7c", "E", None),
)

SOURCE = (
    'C. Szegedy, V. Vanhoucke, S. Ioffe, J. Shlens, Z. Wojna, "Rethinking the Inception Architecture\n'
    '  for Computer Vision", CVPR 2016, arXiv:1512.00567 (Table 1, Figures 5 to 7 and 10).'
)

NOTES = """\
Every BasicConv2d is a block of conv (bias=False), bn (BatchNorm2d, eps 0.001) and a functional
F.relu (row relu), hence the file-wide bias: none; fc and AuxLogits.fc have biases. The poolings
inside the Mixed modules and the auxiliary head are functional too (F.avg_pool2d, F.max_pool2d,
F.adaptive_avg_pool2d: rows avg_pool2d, max_pool2d, adaptive_avg_pool2d). A Mixed module is a
concat of its branches in torchvision's torch.cat order; InceptionE's 3x3 branches end in a
concat of a 1x3 and a 3x1 conv. transform_input (on with the default weights) re-normalises the
input channel by channel, elementwise arithmetic: no row.
AuxLogits (InceptionAux, on Mixed_6e's 768x17x17: 5x5/3 average pooling, conv0 1x1 to 128, conv1
5x5 to 768, global average pooling, fc) runs only while training, hence a side block with
training: true: its 3,326,696 parameters are in the total (torchvision's num_params counts
them; without them 23,834,568), its MACs are reported apart, not in the total. At inputs too
small for it (torchvision's min_size, 75x75) it is left out, with a note."""

conv = partial(layer, "conv")

#: A 1xn and an nx1 kernel with their paddings, for the factorised convs.
Kernel = tuple[int | Sequence[int], int | Sequence[int]]


def row(n: int) -> Kernel:
    return (1, n), (0, n // 2)


def col(n: int) -> Kernel:
    return (n, 1), (n // 2, 0)


def basic(name: str, filters: int, kernel: int | Sequence[int] = 1, stride: int = 1, padding: object = 0) -> Entry:
    """torchvision's BasicConv2d: conv, batchnorm, F.relu."""
    if isinstance(kernel, tuple):
        kernel = list(kernel)
    if isinstance(padding, tuple):
        padding = list(padding)
    return seq(
        name,
        conv("conv", filters=filters, kernel=kernel, stride=stride if stride > 1 else None, padding=padding or None),
        layer("batchnorm", "bn"),
        layer("activation", "relu", function="relu"),
    )


def factorised(name: str, filters: int, kernel_and_padding: Kernel) -> Entry:
    kernel, padding = kernel_and_padding
    return basic(name, filters, kernel, padding=padding)


def avg_pool() -> Entry:
    return layer("avgpool", "avg_pool2d", kernel=3, stride=1, padding=1)


def max_pool() -> Entry:
    return layer("maxpool", "max_pool2d", kernel=3, stride=2)


def inception_a(name: str, pool_features: int) -> Entry:
    return block(
        "concat",
        name,
        branches=[
            [basic("branch1x1", 64)],
            [basic("branch5x5_1", 48), basic("branch5x5_2", 64, 5, padding=2)],
            [
                basic("branch3x3dbl_1", 64),
                basic("branch3x3dbl_2", 96, 3, padding=1),
                basic("branch3x3dbl_3", 96, 3, padding=1),
            ],
            [avg_pool(), basic("branch_pool", pool_features)],
        ],
    )


def inception_b(name: str) -> Entry:
    return block(
        "concat",
        name,
        branches=[
            [basic("branch3x3", 384, 3, stride=2)],
            [
                basic("branch3x3dbl_1", 64),
                basic("branch3x3dbl_2", 96, 3, padding=1),
                basic("branch3x3dbl_3", 96, 3, stride=2),
            ],
            [max_pool()],
        ],
    )


def inception_c(name: str, c7: int) -> Entry:
    return block(
        "concat",
        name,
        branches=[
            [basic("branch1x1", 192)],
            [basic("branch7x7_1", c7), factorised("branch7x7_2", c7, row(7)), factorised("branch7x7_3", 192, col(7))],
            [
                basic("branch7x7dbl_1", c7),
                factorised("branch7x7dbl_2", c7, col(7)),
                factorised("branch7x7dbl_3", c7, row(7)),
                factorised("branch7x7dbl_4", c7, col(7)),
                factorised("branch7x7dbl_5", 192, row(7)),
            ],
            [avg_pool(), basic("branch_pool", 192)],
        ],
    )


def inception_d(name: str) -> Entry:
    return block(
        "concat",
        name,
        branches=[
            [basic("branch3x3_1", 192), basic("branch3x3_2", 320, 3, stride=2)],
            [
                basic("branch7x7x3_1", 192),
                factorised("branch7x7x3_2", 192, row(7)),
                factorised("branch7x7x3_3", 192, col(7)),
                basic("branch7x7x3_4", 192, 3, stride=2),
            ],
            [max_pool()],
        ],
    )


def inception_e(name: str) -> Entry:
    def split(prefix: str) -> Entry:
        """The 1x3 and 3x1 convs of one branch, concatenated."""
        return block(
            "concat", branches=[[factorised(f"{prefix}a", 384, row(3))], [factorised(f"{prefix}b", 384, col(3))]]
        )

    return block(
        "concat",
        name,
        branches=[
            [basic("branch1x1", 320)],
            [basic("branch3x3_1", 384), split("branch3x3_2")],
            [basic("branch3x3dbl_1", 448), basic("branch3x3dbl_2", 384, 3, padding=1), split("branch3x3dbl_3")],
            [avg_pool(), basic("branch_pool", 192)],
        ],
    )


def aux_logits() -> Entry:
    """InceptionAux as a training-only side branch."""
    return block(
        "side",
        "AuxLogits",
        training=True,
        layers=[
            layer("avgpool", "avg_pool2d", kernel=5, stride=3),
            basic("conv0", 128),
            basic("conv1", 768, 5),
            layer("adaptiveavgpool", "adaptive_avg_pool2d", output=1),
            layer("flatten", "flatten"),
            layer("dense", "fc", units=1000, bias="tied"),
        ],
    )


BUILDERS = {"A": inception_a, "B": inception_b, "C": inception_c, "D": inception_d, "E": inception_e}


def inception_v3(name: str) -> str:
    layers: list[Entry] = [
        basic("Conv2d_1a_3x3", 32, 3, stride=2),
        basic("Conv2d_2a_3x3", 32, 3),
        basic("Conv2d_2b_3x3", 64, 3, padding=1),
        layer("maxpool", "maxpool1", kernel=3, stride=2),
        basic("Conv2d_3b_1x1", 80),
        basic("Conv2d_4a_3x3", 192, 3),
        layer("maxpool", "maxpool2", kernel=3, stride=2),
    ]
    for module, kind, argument in MIXED:
        build = BUILDERS[kind]
        layers.append(build(module) if argument is None else build(module, argument))
        if module == "Mixed_6e":
            layers.append(aux_logits())
    layers += [
        layer("adaptiveavgpool", "avgpool", output=1),
        layer("dropout", "dropout", rate=0.5),
        layer("flatten", "flatten"),
        layer("dense", "fc", units=1000, bias="tied"),
    ]
    text = header(
        name,
        "Inception v3, with its auxiliary classifier",
        SOURCE,
        "torchvision/models/inception.py (Inception3, InceptionA to InceptionE, InceptionAux, BasicConv2d)",
        NOTES,
        "inception",
    )
    return spec(name, text, (3, 299, 299), layers)


SPECS = {"inception_v3": partial(inception_v3, "inception_v3")}
