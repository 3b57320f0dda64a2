"""The PyTorch oracle: random layer stacks must count in cnncount as they build in torch.

Hypothesis draws stacks of every layer kind torch has over 1-D, 2-D and 3-D inputs
(and flat ones, and sequences of token ids for an embedding), each layer's options
drawn so that it fits the shape reaching it, as torch computes that shape.  Every
layer is then compared: output shape, weights (torch's ``weight``; gamma for the
norms, the slopes for prelu, the table for embedding), tied biases (torch's ``bias``;
beta for the norms), untied biases (one per output element), running statistics and
MACs, the last worked out here from torch's own module attributes and shapes, never
from cnncount's formulas.  ``local`` alone is left out: torch has no such layer, and
test_oracle_zoo checks it against one written with ``Tensor.unfold``.

How the kinds torch lacks a module of the same name for are built:

* depthwise: ``nn.ConvNd(C, C*multiplier, groups=C)``; separable: that without a
  bias, then a 1x1 ``nn.ConvNd`` with the one bias; its row is compared with the two
  modules together (weights: both weight tensors) and its parts with each one;
* embedding: only first, on a sequence [L] of token ids: ``nn.Embedding`` on long
  zeros, its [L, dim] output transposed to [dim, L] so that a 1-D conv can follow;
* layernorm: ``nn.LayerNorm`` over the trailing dims the axes name (the generator
  draws only axes that form a trailing block, or none: the whole sample);
* upsample: ``nn.Upsample`` with ``scale_factor`` or ``size``; zeropad: ``nn.ZeroPadNd``;
  crop: ``F.pad`` with negative pads; reshape: ``Tensor.reshape``.

A second property checks the other direction on single conv, deconv and pooling
layers with options drawn regardless of the input: cnncount refuses a layer
exactly when torch cannot build or run it.

Where torch has nothing to say, the test follows cnncount's documented choices.
Torch has no untied biases: a layer with ``bias: untied`` is built with torch's
one-per-filter bias, and its untied count is checked against torch's output size.
Torch's ``padding='same'`` refuses strides above 1: ``same`` is TensorFlow's rule,
built as an explicit ``F.pad`` (the odd padding on the far side) before an unpadded
conv.  Torch's AvgPool3d alone wants the unpadded input to hold the kernel (its 1-D
and 2-D pools, and every max pool, do not); cnncount applies the one formula to
every rank, and the tests below pin that difference down.  Torch's grouped
ConvTranspose returns an empty tensor where the ungrouped one raises "Output size is
too small"; an output with a size of 0 counts as torch refusing the layer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from cnncount.errors import CnnCountError
from cnncount.graph import Architecture, Leaf
from cnncount.layers import layer_class
from cnncount.model import Report, count
from cnncount.shapes import Shape, format_shape
from cnncount.spec import from_words

Options = dict[str, Any]
Stack = list[tuple[str, Options]]

#: Largest input size drawn for each spatial rank; above it no layer may grow the shape.
CAP = {1: 64, 2: 40, 3: 12}
KERNEL = {1: 7, 2: 7, 3: 5}
ADAPTIVE = {1: 16, 2: 10, 3: 6}
CHANNELS = 12
UNITS = 16
MAX_LAYERS = 6
#: cnncount's activation names -> torch modules (cnncount takes any word).
ACTIVATIONS = {
    "relu": "ReLU",
    "relu6": "ReLU6",
    "tanh": "Tanh",
    "sigmoid": "Sigmoid",
    "hardsigmoid": "Hardsigmoid",
    "hardswish": "Hardswish",
    "gelu": "GELU",
    "elu": "ELU",
    "selu": "SELU",
    "silu": "SiLU",
    "mish": "Mish",
    "softplus": "Softplus",
    "leaky_relu": "LeakyReLU",
}
BIASES = (None, "tied", "untied", "none")  # None: the key left out

ORACLE = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def th(torch):
    """torch on one thread: the tensors are tiny and threads only add overhead."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield torch
    torch.set_num_threads(threads)


# --- a stack as the user writes it ------------------------------------------------------------


def _word(value: object) -> str:
    """An option value as ``--layer`` text: ``3x1`` for a list, ``0:1x2`` for near:far pairs."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "x".join(":".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v) for v in value)
    return str(value)


def words(kind: str, options: Options) -> str:
    """``conv filters=8 kernel=3x1 padding=same``: the layer as a ``--layer`` argument."""
    return " ".join([kind, *(f"{key}={_word(value)}" for key, value in options.items())])


def command(shape: Shape, stack: Stack) -> str:
    """The command line that counts a stack: what a failure prints to reproduce it."""
    layers = " ".join(f"--layer '{words(kind, options)}'" for kind, options in stack)
    return f"cnncount count --input {format_shape(shape)} {layers}"


def architecture(shape: Shape, stack: Stack) -> Architecture:
    """The stack through the library API, options as YAML would give them."""
    leaves = tuple(Leaf(layer_class(kind).build(options)) for kind, options in stack)
    return Architecture(shape, leaves)


# --- the same stack in torch --------------------------------------------------------------------


def per_dim(value: object, rank: int) -> tuple[int, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,) * rank  # type: ignore[arg-type]


def same_pads(
    sizes: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...], dilation: tuple[int, ...]
) -> list[int]:
    """F.pad's argument for TensorFlow's ``same``: out = ceil(n/s), the odd padding on the far side."""
    pads: list[tuple[int, int]] = []
    for n, k, s, d in zip(sizes, kernel, stride, dilation):
        out = -(-n // s)
        total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
        pads.append((total // 2, total - total // 2))
    return [p for near_far in reversed(pads) for p in near_far]  # F.pad lists the last dimension first


def side_pairs(value: object, rank: int) -> list[tuple[int, int]]:
    """(near, far) per spatial dim from a zeropad or crop value: an int, one per dim, or pairs."""
    if isinstance(value, int):
        return [(value, value)] * rank
    return [(v[0], v[1]) if isinstance(v, (list, tuple)) else (v, v) for v in value]  # type: ignore[union-attr]


def f_pad(pairs: list[tuple[int, int]]) -> list[int]:
    """F.pad's argument: the last dimension first, near then far."""
    return [p for near, far in reversed(pairs) for p in (near, far)]


def as_list(value: object) -> list[int]:
    """An IntList option (axes, shape) as written: an int stands for a list of one."""
    return list(value) if isinstance(value, (list, tuple)) else [value]  # type: ignore[list-item]


#: The conv-like kinds: untied biases are one per output element.
CONV_LIKE = ("conv", "deconv", "depthwise", "separable")


def build_torch(torch: Any, kind: str, options: Options, shape: Shape) -> tuple[Any, Callable[[Any], Any]]:
    """The torch module holding the layer's parameters, and the function applying the layer.

    Built from the options as written, with torch's own defaults for the keys left out.
    """
    nn, F = torch.nn, torch.nn.functional
    rank = len(shape) - 1  # spatial dimensions; 0 for a flat input
    channels = shape[0]

    def dims(key: str, default: object = None) -> tuple[int, ...]:
        return per_dim(options.get(key, default), rank)

    def conv(in_channels: int, out_channels: int, groups: int, bias: bool) -> Any:
        """nn.ConvNd from the window options: kernel, stride, padding, dilation."""
        padding = options.get("padding", 0)
        return getattr(nn, f"Conv{rank}d")(
            in_channels,
            out_channels,
            dims("kernel"),
            stride=dims("stride", 1),
            padding=(0,) * rank if padding in ("same", "valid") else per_dim(padding, rank),
            dilation=dims("dilation", 1),
            groups=groups,
            bias=bias,
        )

    bias = options.get("bias", "tied") != "none"
    run = None
    if kind == "conv":
        core = conv(channels, options["filters"], options.get("groups", 1), bias)
    elif kind == "depthwise":
        core = conv(channels, channels * options.get("multiplier", 1), channels, bias)
    elif kind == "separable":
        mid = channels * options.get("multiplier", 1)
        depthwise = conv(channels, mid, channels, False)  # one bias, after the pointwise conv
        core = nn.Sequential(depthwise, getattr(nn, f"Conv{rank}d")(mid, options["filters"], 1, bias=bias))
    elif kind == "deconv":
        core = getattr(nn, f"ConvTranspose{rank}d")(
            channels,
            options["filters"],
            dims("kernel"),
            stride=dims("stride", 1),
            padding=dims("padding", 0),
            output_padding=dims("output_padding", 0),
            groups=options.get("groups", 1),
            bias=bias,
            dilation=dims("dilation", 1),
        )
    elif kind in ("maxpool", "avgpool"):
        stride = options.get("stride")
        window = {
            "kernel_size": dims("kernel"),
            "stride": None if stride is None else per_dim(stride, rank),
            "padding": dims("padding", 0),
            "ceil_mode": options.get("ceil_mode", False),
        }
        if kind == "maxpool":
            core = getattr(nn, f"MaxPool{rank}d")(dilation=dims("dilation", 1), **window)
        else:
            core = getattr(nn, f"AvgPool{rank}d")(**window)
    elif kind in ("adaptiveavgpool", "adaptivemaxpool"):
        family = "AdaptiveAvgPool" if kind == "adaptiveavgpool" else "AdaptiveMaxPool"
        core = getattr(nn, f"{family}{rank}d")(dims("output"))
    elif kind in ("globalavgpool", "globalmaxpool"):
        family = "AdaptiveAvgPool" if kind == "globalavgpool" else "AdaptiveMaxPool"
        core = nn.Sequential(getattr(nn, f"{family}{rank}d")(1), nn.Flatten(1))
    elif kind == "flatten":
        core = nn.Flatten()
    elif kind == "reshape":
        core, target = nn.Identity(), as_list(options["shape"])

        def run(x: Any) -> Any:
            return x.reshape(x.shape[0], *target)
    elif kind == "dense" and options.get("pointwise"):  # torch's Linear on the channels-last tensor
        core = nn.Linear(channels, options["units"], bias=bias)

        def run(x: Any) -> Any:
            return core(x.movedim(1, -1)).movedim(-1, 1)
    elif kind == "dense":
        core = nn.Linear(channels, options["units"], bias=bias)
    elif kind == "scale":  # a (C, 1, ...) factor, as ConvNeXt's layer_scale, and a shift of the same shape
        core = Scale(torch, channels, rank, options.get("bias", "none") != "none")
    elif kind == "droppath":  # torchvision's StochasticDepth is the identity in eval
        core = nn.Identity()
    elif kind == "embedding":
        core = nn.Embedding(options["vocab"], options["dim"])

        def run(x: Any) -> Any:
            return core(x).transpose(1, 2)  # [batch, L, dim] -> [batch, dim, L]
    elif kind == "batchnorm":
        # a flat input [N] is a batch of N features: BatchNorm1d on [batch, N]
        core = getattr(nn, f"BatchNorm{max(rank, 1)}d")(channels, affine=options.get("affine", True))
    elif kind == "layernorm":
        axes = sorted(as_list(options.get("axes", list(range(len(shape))))))
        assert axes == list(range(axes[0], len(shape))), f"axes {axes} are no trailing block: no normalized_shape"
        core = nn.LayerNorm(list(shape[axes[0] :]), elementwise_affine=options.get("affine", True))
    elif kind == "groupnorm":
        core = nn.GroupNorm(options["groups"], channels, affine=options.get("affine", True))
    elif kind == "instancenorm":
        core = getattr(nn, f"InstanceNorm{rank}d")(
            channels,
            affine=options.get("affine", False),
            track_running_stats=options.get("track_running_stats", False),
        )
    elif kind == "lrn":
        core = nn.LocalResponseNorm(options["size"])
    elif kind == "dropout":
        core = nn.Dropout(options.get("rate", 0.5))
    elif kind == "activation":
        core = getattr(nn, ACTIVATIONS[options.get("function", "relu")])()
    elif kind == "prelu":
        core = nn.PReLU(1 if options.get("shared", False) else channels)
    elif kind == "upsample":
        mode = options.get("mode", "nearest")
        if "scale" in options:
            core = nn.Upsample(scale_factor=tuple(float(s) for s in dims("scale")), mode=mode)
        else:
            core = nn.Upsample(size=dims("size"), mode=mode)
    elif kind == "zeropad":
        core = getattr(nn, f"ZeroPad{rank}d")(tuple(f_pad(side_pairs(options["padding"], rank))))
    elif kind == "crop":
        core, trim = nn.Identity(), [-p for p in f_pad(side_pairs(options["cropping"], rank))]

        def run(x: Any) -> Any:
            return F.pad(x, trim)
    else:  # pragma: no cover - a kind added to cnncount but not here
        raise AssertionError(f"no torch counterpart for {kind!r}: add it to build_torch")
    if kind in ("conv", "depthwise", "separable") and options.get("padding") == "same":
        kernel, stride, dilation = dims("kernel"), dims("stride", 1), dims("dilation", 1)

        def run(x: Any) -> Any:
            return core(F.pad(x, same_pads(tuple(x.shape[2:]), kernel, stride, dilation)))

    core.eval()  # batchnorm on a batch of one, dropout off
    return core, run or core


@dataclass
class Built:
    """One layer as torch built and ran it."""

    kind: str
    options: Options
    core: Any
    input_shape: Shape
    output_shape: Shape


class TorchStack:
    """A stack built in torch one layer at a time, run on zeros to learn each shape.

    With ``tokens`` the input is a sequence of token ids (long zeros), for an embedding.
    """

    def __init__(self, torch: Any, input_shape: Shape, tokens: bool = False) -> None:
        self.torch = torch
        self.input_shape = input_shape
        self.x = torch.zeros(1, *input_shape, dtype=torch.long if tokens else torch.float)
        self.layers: list[Built] = []

    @property
    def shape(self) -> Shape:
        return tuple(self.x.shape[1:])

    @property
    def stack(self) -> Stack:
        return [(b.kind, b.options) for b in self.layers]

    def add(self, kind: str, options: Options) -> None:
        core, run = build_torch(self.torch, kind, options, self.shape)
        with self.torch.no_grad():
            y = run(self.x)
        self.layers.append(Built(kind, options, core, self.shape, tuple(y.shape[1:])))
        self.x = y


def _numel(tensor: Any) -> int:
    return 0 if tensor is None else int(tensor.numel())


def Scale(torch: Any, channels: int, rank: int, bias: bool) -> Any:  # noqa: N802 - builds a module, like a class
    """ConvNeXt's layer scale: a learned (C, 1, ...) factor; with ``bias``, a learned (C,) shift."""
    nn = torch.nn

    class LayerScale(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.weight = nn.Parameter(torch.ones(channels, *(1 for _ in range(rank))))
            self.bias = nn.Parameter(torch.zeros(channels, *(1 for _ in range(rank)))) if bias else None

        def forward(self, x: Any) -> Any:
            return x * self.weight + (self.bias if self.bias is not None else 0)

    return LayerScale()


def torch_weights_and_biases(b: Built) -> tuple[int, int]:
    """The layer's weights and tied biases in torch: its ``weight`` and ``bias``, whatever they stand for.

    A separable conv is two modules: both weights count, and the one bias is the pointwise conv's.
    """
    if b.kind == "separable":
        depthwise, pointwise = b.core
        assert depthwise.bias is None
        return depthwise.weight.numel() + pointwise.weight.numel(), _numel(pointwise.bias)
    return _numel(getattr(b.core, "weight", None)), _numel(getattr(b.core, "bias", None))


def conv_macs(core: Any, output_shape: Shape) -> int:
    """A torch conv's MACs: every output value sums (input channels / groups) * kernel products."""
    return math.prod(output_shape) * (core.in_channels // core.groups) * math.prod(core.kernel_size)


def torch_counts(b: Built) -> dict[str, int]:
    """What cnncount must report for a layer, from torch's module and shapes alone."""
    core = b.core
    weights, tied = torch_weights_and_biases(b)
    assert sum(p.numel() for p in core.parameters()) == weights + tied, f"{core} has other parameters"
    untied = tied  # dense and the norms: one per unit, channel or normalised element in either layout
    if b.kind in CONV_LIKE or (b.kind in ("dense", "scale") and len(b.output_shape) > 1):
        untied = math.prod(b.output_shape) if tied else 0  # one per output channel per position
    stats = _numel(getattr(core, "running_mean", None)) + _numel(getattr(core, "running_var", None))
    layout = b.options.get("bias", "tied")
    want = {
        "weights": weights,
        "tied_biases": tied,
        "untied_biases": untied,
        "params": weights + (untied if layout == "untied" else tied),
        "params_tied": weights + tied,
        "params_untied": weights + untied,
        "non_trainable": stats,
    }
    if b.kind in ("conv", "depthwise"):
        want["macs"] = conv_macs(core, b.output_shape)
    elif b.kind == "separable":
        depthwise, pointwise = core
        # the pointwise conv is 1x1 with stride 1: the depthwise output has its spatial sizes
        assert set(pointwise.kernel_size) | set(pointwise.stride) == {1}
        middle = (depthwise.out_channels, *b.output_shape[1:])
        want["macs"] = conv_macs(depthwise, middle) + conv_macs(pointwise, b.output_shape)
    elif b.kind == "deconv":
        want["macs"] = math.prod(b.input_shape) * (core.out_channels // core.groups) * math.prod(core.kernel_size)
    elif b.kind == "dense":
        want["macs"] = math.prod(b.output_shape[1:]) * core.in_features * core.out_features
    elif b.kind != "batchnorm":  # how many MACs a batchnorm costs is a convention, not torch's to say
        want["macs"] = 0  # lookups, element-wise ops, copies (and the other norms, as cnncount documents)
    return want


def separable_parts(b: Built) -> dict[str, tuple[int, int]]:
    """(weights, tied biases) of a separable conv's two torch modules, by the names cnncount gives its parts."""
    depthwise, pointwise = b.core
    return {
        "depthwise": (depthwise.weight.numel(), _numel(depthwise.bias)),
        "pointwise": (pointwise.weight.numel(), _numel(pointwise.bias)),
    }


def check(stack: TorchStack) -> Report:
    """Count the stack with cnncount and compare every layer with torch."""
    report = count(architecture(stack.input_shape, stack.stack))
    assert len(report.rows) == len(stack.layers)
    wanted = []
    for row, b in zip(report.rows, stack.layers):
        what = f"layer {row.index}: {words(b.kind, b.options)}"
        assert (row.kind, row.path) == (b.kind, f"layers[{row.index - 1}]"), what
        assert (row.input_shape, row.output_shape) == (b.input_shape, b.output_shape), what
        want = torch_counts(b)
        assert {key: getattr(row.counts, key) for key in want} == want, what
        if b.kind == "separable":
            assert {name: (c.weights, c.tied_biases) for name, c in row.parts} == separable_parts(b), what
        wanted.append(want)
    assert report.output_shape == stack.shape
    cores = [b.core for b in stack.layers]
    assert report.totals.params_tied == sum(p.numel() for core in cores for p in core.parameters())
    for key in ("weights", "params", "params_untied"):
        assert getattr(report.totals, key) == sum(want[key] for want in wanted), key
    assert report.totals.non_trainable == sum(
        buf.numel() for core in cores for name, buf in core.named_buffers() if name != "num_batches_tracked"
    )
    # the repro a failure prints counts the same as the library API
    again = count(from_words(stack.input_shape, [words(kind, options) for kind, options in stack.stack]))
    assert _summary(again) == _summary(report)
    return report


def _summary(report: Report) -> tuple[object, ...]:
    rows = tuple((r.kind, r.input_shape, r.output_shape, r.bias, r.counts, r.formulas) for r in report.rows)
    return report.output_shape, report.totals, rows


# --- drawing layers that fit the shape reaching them ------------------------------------------


def draw_dims(draw: Any, los: list[int], his: list[int]) -> tuple[object, tuple[int, ...]]:
    """A per-dimension option: one int for every dimension (``3``) or a list (``[3, 1]``).

    Returns the value as written and its expansion; an int must suit every dimension.
    """
    if max(los) > min(his) or draw(st.booleans()):  # no one int suits every dimension, or a list anyway
        values = tuple(draw(st.integers(lo, hi)) for lo, hi in zip(los, his))
        return list(values), values
    value = draw(st.integers(max(los), min(his)))
    return value, (value,) * len(los)


def _maybe(draw: Any, options: Options, key: str, value: object, default: object) -> None:
    """Set an option, leaving it out now and then when it is the default."""
    if value != default or draw(st.booleans()):
        options[key] = value


def _divisors(n: int) -> list[int]:
    small = [d for d in range(1, math.isqrt(n) + 1) if n % d == 0]
    return sorted({*small, *(n // d for d in small)})


def _filters_and_groups(draw: Any, channels: int, options: Options) -> int:
    groups = draw(st.sampled_from(_divisors(channels)))
    options["filters"] = groups * draw(st.integers(1, max(1, CHANNELS // groups)))
    return groups


def _bias(draw: Any, options: Options) -> None:
    bias = draw(st.sampled_from(BIASES))
    if bias is not None:
        options["bias"] = bias


def draw_window(draw: Any, sizes: Shape, big: bool) -> Options:
    """kernel, stride, padding and dilation of a conv-like window that fits ``sizes``."""
    rank = len(sizes)
    options: Options = {}
    dilation_v, dilation = draw_dims(draw, [1] * rank, [3] * rank)
    mode = draw(st.sampled_from(["explicit", "same", "valid"]))
    padding_v: object = 0
    pads = (0,) * rank
    if mode == "explicit" and not big:
        padding_v, pads = draw_dims(draw, [0] * rank, [3] * rank)
    # with explicit padding the dilated kernel must fit the padded input; same always fits
    his = [
        KERNEL[rank] if mode == "same" else min(KERNEL[rank], (n + 2 * p - 1) // d + 1)
        for n, p, d in zip(sizes, pads, dilation)
    ]
    kernel_v, kernel = draw_dims(draw, [1] * rank, his)
    if mode == "explicit" and big:  # no growing past the cap: 2p <= d(k-1)
        padding_v, pads = draw_dims(draw, [0] * rank, [min(3, d * (k - 1) // 2) for k, d in zip(kernel, dilation)])
    options["kernel"] = kernel_v
    _maybe(draw, options, "stride", draw_dims(draw, [1] * rank, [3] * rank)[0], 1)
    if mode == "explicit":
        _maybe(draw, options, "padding", padding_v, 0)
    else:
        options["padding"] = mode
    _maybe(draw, options, "dilation", dilation_v, 1)
    return options


def draw_conv(draw: Any, channels: int, sizes: Shape, big: bool) -> Options:
    options: Options = {}
    groups = _filters_and_groups(draw, channels, options)
    options.update(draw_window(draw, sizes, big))
    _maybe(draw, options, "groups", groups, 1)
    _bias(draw, options)
    return options


def draw_depthwise(draw: Any, kind: str, channels: int, sizes: Shape, big: bool) -> Options:
    """A depthwise or separable conv: the window, a multiplier, (for separable) filters."""
    options: Options = {}
    if kind == "separable":
        options["filters"] = draw(st.integers(1, CHANNELS))
    options.update(draw_window(draw, sizes, big))
    _maybe(draw, options, "multiplier", draw(st.integers(1, max(1, CHANNELS // channels))), 1)
    _bias(draw, options)
    return options


def draw_deconv(draw: Any, channels: int, sizes: Shape) -> Options:
    rank = len(sizes)
    options: Options = {}
    groups = _filters_and_groups(draw, channels, options)
    stride_v, stride = draw_dims(draw, [1] * rank, [min(3, max(1, CAP[rank] // n)) for n in sizes])
    dilation_v, dilation = draw_dims(draw, [1] * rank, [2] * rank)
    kernel_v, kernel = draw_dims(draw, [1] * rank, [KERNEL[rank] - 2] * rank)
    extra_v, extra = draw_dims(draw, [0] * rank, [max(s, d) - 1 for s, d in zip(stride, dilation)])
    # padding may not remove the whole output: 2p <= (n-1)s + d(k-1) + output_padding
    bound = [
        min(3, ((n - 1) * s + d * (k - 1) + op) // 2) for n, s, d, k, op in zip(sizes, stride, dilation, kernel, extra)
    ]
    padding_v, _ = draw_dims(draw, [0] * rank, bound)
    options["kernel"] = kernel_v
    _maybe(draw, options, "stride", stride_v, 1)
    _maybe(draw, options, "padding", padding_v, 0)
    _maybe(draw, options, "output_padding", extra_v, 0)
    _maybe(draw, options, "dilation", dilation_v, 1)
    _maybe(draw, options, "groups", groups, 1)
    _bias(draw, options)
    return options


def draw_pool(draw: Any, kind: str, sizes: Shape) -> Options:
    rank = len(sizes)
    strict = kind == "avgpool" and rank == 3  # torch's AvgPool3d: the unpadded input must hold the kernel
    options: Options = {}
    dilation_v: object = 1
    dilation = (1,) * rank
    if kind == "maxpool":
        dilation_v, dilation = draw_dims(draw, [1] * rank, [3] * rank)

    def kernel_hi(n: int, p: int, d: int) -> int:
        hi = min(6, (n + 2 * p - 1) // d + 1)  # the dilated window fits the padded input
        return min(hi, n) if strict else hi

    def padding_hi(n: int, d: int) -> int:
        p = 0  # padding may be at most half the kernel, which must still fit
        while p < 3 and 2 * (p + 1) <= kernel_hi(n, p + 1, d):
            p += 1
        return p

    padding_v, pads = draw_dims(draw, [0] * rank, [padding_hi(n, d) for n, d in zip(sizes, dilation)])
    kernel_v, _ = draw_dims(
        draw, [max(1, 2 * p) for p in pads], [kernel_hi(n, p, d) for n, p, d in zip(sizes, pads, dilation)]
    )
    options["kernel"] = kernel_v
    if draw(st.booleans()):
        options["stride"] = draw_dims(draw, [1] * rank, [3] * rank)[0]
    _maybe(draw, options, "padding", padding_v, 0)
    if kind == "maxpool":
        _maybe(draw, options, "dilation", dilation_v, 1)
    _maybe(draw, options, "ceil_mode", draw(st.booleans()), False)
    return options


def draw_sides(draw: Any, budgets: list[int], most: int) -> object:
    """A zeropad or crop value whose near + far stays within each dim's budget, each side within ``most``.

    An int (every side), one int per dim (both its sides), [near, far] pairs, or a mix.
    """
    form = draw(st.sampled_from(("int", "per-dim", "pairs", "mixed")))
    if form == "int":
        return draw(st.integers(0, min(most, min(budgets) // 2)))
    entries: list[object] = []
    for budget in budgets:
        if form == "pairs" or (form == "mixed" and draw(st.booleans())):
            near = draw(st.integers(0, min(most, budget)))
            entries.append([near, draw(st.integers(0, min(most, budget - near)))])
        else:
            entries.append(draw(st.integers(0, min(most, budget // 2))))
    return entries


def draw_reshape(draw: Any, shape: Shape) -> Options:
    """A new shape of the same element count: flat or 1-D to 3-D, one size -1 now and then."""
    left = math.prod(shape)
    target: list[int] = []
    rank = draw(st.integers(0, 3))
    if rank:  # channels kept few, as the other layers keep them
        target.append(draw(st.sampled_from([d for d in _divisors(left) if d <= 4 * CHANNELS])))
        left //= target[-1]
        for _ in range(rank - 1):
            target.append(draw(st.sampled_from(_divisors(left))))
            left //= target[-1]
    target.append(left)
    if draw(st.booleans()):
        target[draw(st.integers(0, len(target) - 1))] = -1
    return {"shape": target}


#: Interpolation modes torch has for each spatial rank (cnncount takes any word: no count changes).
UPSAMPLE_MODES = {
    1: ("nearest", "nearest-exact", "linear"),
    2: ("nearest", "nearest-exact", "bilinear", "bicubic"),
    3: ("nearest", "nearest-exact", "trilinear"),
}


def draw_upsample(draw: Any, sizes: Shape) -> Options:
    rank = len(sizes)
    options: Options = {}
    if draw(st.booleans()):  # a scale that grows no size past the cap
        options["scale"] = draw_dims(draw, [1] * rank, [min(3, max(1, CAP[rank] // n)) for n in sizes])[0]
    else:
        options["size"] = draw_dims(draw, [1] * rank, [CAP[rank]] * rank)[0]
    mode = draw(st.none() | st.sampled_from(UPSAMPLE_MODES[rank]))
    if mode is not None:
        options["mode"] = mode
    return options


def draw_layernorm(draw: Any, shape: Shape) -> Options:
    """axes left out (the whole sample) or a trailing block of dims, in any order: torch's normalized_shape."""
    options: Options = {}
    if draw(st.booleans()):
        axes = draw(st.permutations(range(draw(st.integers(0, len(shape) - 1)), len(shape))))
        options["axes"] = axes[0] if len(axes) == 1 and draw(st.booleans()) else list(axes)
    _maybe(draw, options, "affine", draw(st.booleans()), True)
    return options


SPATIAL_KINDS = (
    "conv",
    "maxpool",
    "batchnorm",
    "activation",
    "deconv",
    "avgpool",
    "conv",
    "adaptiveavgpool",
    "adaptivemaxpool",
    "globalavgpool",
    "globalmaxpool",
    "flatten",
    "dropout",
    "conv",
    "depthwise",
    "dense",
    "scale",
    "droppath",
    "separable",
    "layernorm",
    "groupnorm",
    "instancenorm",
    "lrn",
    "prelu",
    "upsample",
    "zeropad",
    "crop",
    "reshape",
)
FLAT_KINDS = (
    "dense",
    "activation",
    "batchnorm",
    "dropout",
    "flatten",
    "layernorm",
    "groupnorm",
    "prelu",
    "reshape",
    "scale",
    "droppath",
)


def fits(kind: str, shape: Shape) -> bool:
    """Whether a layer of this kind can be drawn for ``shape`` at all."""
    sizes = shape[1:]
    if kind == "deconv":  # no growing past the cap
        return max(sizes) <= CAP[len(sizes)]
    if kind == "groupnorm":  # torch wants more than one value per group
        return math.prod(shape) > 1
    if kind == "instancenorm":  # torch wants more than one value per channel
        return math.prod(sizes) > 1
    return True


@st.composite
def layers(draw: Any, shape: Shape, tokens: bool = False) -> tuple[str, Options]:
    """A layer kind and options that fit ``shape``; with ``tokens``, an embedding of those token ids."""
    channels, sizes = shape[0], shape[1:]
    rank = len(sizes)
    big = rank > 0 and max(sizes) > CAP[rank]
    if tokens:
        kind = "embedding"
    else:
        kind = draw(st.sampled_from([k for k in (SPATIAL_KINDS if rank else FLAT_KINDS) if fits(k, shape)]))
    options: Options = {}
    if kind == "conv":
        options = draw_conv(draw, channels, sizes, big)
    elif kind in ("depthwise", "separable"):
        options = draw_depthwise(draw, kind, channels, sizes, big)
    elif kind == "deconv":
        options = draw_deconv(draw, channels, sizes)
    elif kind in ("maxpool", "avgpool"):
        options = draw_pool(draw, kind, sizes)
    elif kind in ("adaptiveavgpool", "adaptivemaxpool"):
        options["output"] = draw_dims(draw, [1] * rank, [ADAPTIVE[rank]] * rank)[0]
    elif kind == "reshape":
        options = draw_reshape(draw, shape)
    elif kind == "dense":
        options["units"] = draw(st.integers(1, UNITS))
        if rank:
            options["pointwise"] = True
        _bias(draw, options)
    elif kind == "scale":
        _maybe(draw, options, "bias", draw(st.sampled_from(["tied", "untied", "none"])), "none")
    elif kind == "droppath":
        _maybe(draw, options, "rate", draw(st.floats(0, 1, exclude_max=True)), 0.0)
    elif kind == "embedding":
        options = {"vocab": draw(st.integers(1, 1000)), "dim": draw(st.integers(1, CHANNELS))}
    elif kind == "batchnorm":
        _maybe(draw, options, "affine", draw(st.booleans()), True)
    elif kind == "layernorm":
        options = draw_layernorm(draw, shape)
    elif kind == "groupnorm":
        groups = [g for g in _divisors(channels) if channels // g * math.prod(sizes) > 1]
        options["groups"] = draw(st.sampled_from(groups))
        _maybe(draw, options, "affine", draw(st.booleans()), True)
    elif kind == "instancenorm":
        _maybe(draw, options, "affine", draw(st.booleans()), False)
        _maybe(draw, options, "track_running_stats", draw(st.booleans()), False)
    elif kind == "lrn":
        options["size"] = draw(st.integers(1, 7))
    elif kind == "dropout":
        rate = draw(st.none() | st.floats(0, 1, exclude_max=True))
        if rate is not None:
            options["rate"] = rate
    elif kind == "activation":
        function = draw(st.none() | st.sampled_from(sorted(ACTIVATIONS)))
        if function is not None:
            options["function"] = function
    elif kind == "prelu":
        _maybe(draw, options, "shared", draw(st.booleans()), False)
    elif kind == "upsample":
        options = draw_upsample(draw, sizes)
    elif kind == "zeropad":  # no growing past the cap
        options["padding"] = draw_sides(draw, [max(0, min(6, CAP[rank] - n)) for n in sizes], 3)
    elif kind == "crop":  # at least one of every size left
        options["cropping"] = draw_sides(draw, [n - 1 for n in sizes], 5)
    return kind, options


@st.composite
def input_shapes(draw: Any) -> tuple[Shape, bool]:
    """An input shape, and whether it is a sequence of token ids (the stack then starts with an embedding)."""
    rank = draw(st.sampled_from([1, 2, 3, 1, 2, 3, 0, -1]))  # spatial dimensions; 0: a flat input; -1: tokens
    if rank <= 0:
        return (draw(st.integers(1, CAP[1])),), rank < 0
    return (draw(st.integers(1, CHANNELS)), *(draw(st.integers(1, CAP[rank])) for _ in range(rank))), False


# --- the properties -----------------------------------------------------------------------------


@ORACLE
@given(data=st.data())
def test_random_stacks_count_as_torch_builds_them(th, data):
    shape, tokens = data.draw(input_shapes(), label="input")
    stack = TorchStack(th, shape, tokens)
    drawn: Stack = []
    try:
        for _ in range(data.draw(st.integers(1, MAX_LAYERS), label="depth")):
            reaching = stack.shape
            kind, options = data.draw(layers(reaching, tokens=tokens and not drawn), label="layer")
            drawn.append((kind, options))
            event(f"{kind} {len(reaching) - 1}-D" if len(reaching) > 1 else f"{kind} flat")
            stack.add(kind, options)  # a generator that draws a layer torch refuses fails here
    finally:
        note(command(shape, drawn))
    check(stack)


@ORACLE
@given(data=st.data())
def test_cnncount_refuses_a_layer_exactly_when_torch_does(th, data):
    """One conv, deconv or pooling layer with options drawn regardless of the input."""
    rank = data.draw(st.sampled_from([1, 2, 3]), label="rank")
    shape = (data.draw(st.integers(1, 8)), *(data.draw(st.integers(1, 10)) for _ in range(rank)))
    kind = data.draw(st.sampled_from(["conv", "deconv", "maxpool", "avgpool"]), label="kind")
    ones, zeros = [1] * rank, [0] * rank
    options: Options = {}
    if kind in ("conv", "deconv"):
        options["filters"] = data.draw(st.integers(1, 8))
    options["kernel"] = draw_dims(data.draw, ones, [5] * rank)[0]
    if kind != "avgpool":
        options["dilation"] = draw_dims(data.draw, ones, [2] * rank)[0]
    if kind == "conv" or data.draw(st.booleans()):  # pools: stride left to its default, the kernel
        options["stride"] = draw_dims(data.draw, ones, [3] * rank)[0]
    if kind == "conv":
        options["padding"] = (
            data.draw(st.sampled_from(["same", "valid"]) | st.just(None)) or draw_dims(data.draw, zeros, [3] * rank)[0]
        )
    else:
        options["padding"] = draw_dims(data.draw, zeros, [5 if kind == "deconv" else 3] * rank)[0]
    if kind == "deconv":
        options["output_padding"] = draw_dims(data.draw, zeros, [2] * rank)[0]
    if kind in ("conv", "deconv"):
        options["groups"] = data.draw(st.integers(1, 4))
    else:
        options["ceil_mode"] = data.draw(st.booleans())
    note(command(shape, [(kind, options)]))
    ours, theirs = outcomes(th, shape, kind, options)
    note(f"cnncount: {ours}")
    note(f"torch: {theirs}")
    if avgpool3d_difference(shape, kind, options, ours, theirs):
        event("avgpool 3-D: torch alone refuses a kernel larger than the unpadded input")
        return
    event(f"{kind}: {'fits' if isinstance(theirs, tuple) else 'refused'}")
    assert _fits(ours) == _fits(theirs)


def outcomes(torch: Any, shape: Shape, kind: str, options: Options) -> tuple[object, object]:
    """cnncount's output shape or its CnnCountError, and torch's output shape or its error."""
    try:
        ours: object = count(architecture(shape, [(kind, options)])).output_shape
    except CnnCountError as exc:
        ours = exc
    try:
        _, run = build_torch(torch, kind, options, shape)
        with torch.no_grad():
            y = run(torch.zeros(1, *shape))
        # grouped ConvTranspose (the oneDNN path) returns an empty tensor where the
        # ungrouped one raises "Output size is too small": either way, no layer
        theirs: object = tuple(y.shape[1:]) if y.numel() else RuntimeError(f"empty output {tuple(y.shape)}")
    except (RuntimeError, ValueError) as exc:
        theirs = exc
    return ours, theirs


def _fits(outcome: object) -> object:
    """The output shape, or None for a refusal, whatever its message."""
    return outcome if isinstance(outcome, tuple) else None


def avgpool3d_difference(shape: Shape, kind: str, options: Options, ours: object, theirs: object) -> bool:
    """Whether this is the one known difference, see test_avgpool3d_kernel_larger_than_the_unpadded_input."""
    if not (kind == "avgpool" and len(shape) == 4 and isinstance(ours, tuple) and not isinstance(theirs, tuple)):
        return False
    assert "smaller than kernel size" in str(theirs)
    assert any(k > n for k, n in zip(per_dim(options["kernel"], 3), shape[1:]))
    return True


# --- cases worth naming -------------------------------------------------------------------------

EDGE_STACKS = [
    pytest.param(
        (3, 7, 7), [("conv", {"filters": 2, "kernel": 3, "stride": 2, "padding": "same"})], id="same-s2-odd-input"
    ),
    pytest.param(
        (2, 10),
        [("conv", {"filters": 4, "kernel": 4, "stride": 3, "padding": "same", "dilation": 2})],
        id="same-s3-dilated-1d",
    ),
    pytest.param((1, 3, 3), [("conv", {"filters": 1, "kernel": 7, "padding": "same"})], id="same-kernel-beyond-input"),
    pytest.param(
        (2, 9, 4, 6),
        [
            (
                "conv",
                {
                    "filters": 4,
                    "kernel": [3, 1, 2],
                    "stride": [2, 1, 3],
                    "padding": "same",
                    "groups": 2,
                    "bias": "untied",
                },
            )
        ],
        id="same-3d-perdim-grouped-untied",
    ),
    pytest.param(
        (3, 7, 9), [("conv", {"filters": 2, "kernel": 3, "padding": "valid", "bias": "none"})], id="valid-no-bias"
    ),
    pytest.param(
        (6, 9, 12),
        [("conv", {"filters": 6, "kernel": [3, 5], "padding": [1, 2], "groups": 6, "bias": "untied"})],
        id="depthwise-untied",
    ),
    pytest.param(
        (1, 5),
        [("maxpool", {"kernel": 2, "stride": 2, "padding": 1, "ceil_mode": True})],
        id="ceil-last-window-dropped",
    ),
    pytest.param(
        (2, 2, 2), [("maxpool", {"kernel": 3, "stride": 2, "ceil_mode": True})], id="ceil-window-beyond-input"
    ),
    pytest.param(
        (2, 2, 2),
        [("avgpool", {"kernel": 3, "stride": 2, "ceil_mode": True})],
        id="avgpool-2d-ceil-window-beyond-input",
    ),
    pytest.param(
        (2, 6, 6, 6), [("maxpool", {"kernel": 2, "padding": 1, "dilation": 3})], id="maxpool-3d-dilated-padded"
    ),
    pytest.param(
        (2, 7, 8, 9),
        [("avgpool", {"kernel": [3, 2, 4], "stride": 2, "padding": [1, 1, 2], "ceil_mode": True})],
        id="avgpool-3d-ceil",
    ),
    pytest.param(
        (2, 5),
        [("deconv", {"filters": 3, "kernel": 3, "dilation": 3, "output_padding": 2})],
        id="deconv-output-padding-below-dilation",
    ),
    pytest.param((2, 5), [("deconv", {"filters": 2, "kernel": 1, "stride": 2, "padding": 1})], id="deconv-k1s2p1"),
    pytest.param(
        (4, 3, 4, 5),
        [
            (
                "deconv",
                {
                    "filters": 6,
                    "kernel": [2, 3, 1],
                    "stride": [2, 1, 3],
                    "groups": 2,
                    "output_padding": [1, 0, 2],
                    "bias": "untied",
                },
            )
        ],
        id="deconv-3d-grouped-untied",
    ),
    pytest.param(
        (2, 3, 3),
        [("adaptivemaxpool", {"output": [7, 3]}), ("adaptiveavgpool", {"output": 2})],
        id="adaptive-up-and-down",
    ),
    pytest.param(
        (20,),
        [
            ("batchnorm", {}),
            ("dense", {"units": 5, "bias": "none"}),
            ("batchnorm", {"affine": False}),
            ("dropout", {"rate": 0.0}),
        ],
        id="flat-batchnorm-dense",
    ),
    pytest.param(
        (4, 9),
        [("flatten", {}), ("dense", {"units": 3, "bias": "untied"}), ("flatten", {})],
        id="flatten-1d-dense-untied",
    ),
    pytest.param(
        (3, 32, 32),
        [
            ("conv", {"filters": 8, "kernel": 3, "padding": 1, "bias": "none"}),
            ("batchnorm", {}),
            ("activation", {"function": "relu"}),
            ("maxpool", {"kernel": 2}),
            ("conv", {"filters": 12, "kernel": 3, "stride": 2, "padding": "same", "groups": 4}),
            ("globalavgpool", {}),
            ("dropout", {"rate": 0.5}),
            ("dense", {"units": 10}),
        ],
        id="small-classifier",
    ),
    pytest.param(
        (2, 4, 4, 4), [("globalmaxpool", {}), ("batchnorm", {}), ("dense", {"units": 2})], id="global-3d-then-flat"
    ),
    pytest.param(
        (20,),
        [
            ("embedding", {"vocab": 100, "dim": 8}),
            ("conv", {"filters": 4, "kernel": 3}),
            ("layernorm", {"axes": [1]}),
            ("globalmaxpool", {}),
            ("dense", {"units": 2}),
        ],
        id="text-classifier",
    ),
    pytest.param(
        (3, 9, 8),
        [("separable", {"filters": 5, "kernel": 3, "stride": 2, "padding": "same", "multiplier": 2, "bias": "untied"})],
        id="separable-same-s2-multiplier-untied",
    ),
    pytest.param(
        (4, 7, 6),
        [("depthwise", {"kernel": [3, 2], "multiplier": 3, "dilation": 2, "bias": "untied"}), ("prelu", {})],
        id="depthwise-dilated-prelu",
    ),
    pytest.param(
        (2, 7, 7),
        [("zeropad", {"padding": [[0, 1], [0, 1]]}), ("crop", {"cropping": [[1, 0], 2]})],
        id="zeropad-crop-pairs",
    ),
    pytest.param(
        (48,),
        [("reshape", {"shape": [4, -1]}), ("conv", {"filters": 2, "kernel": 3}), ("reshape", {"shape": [-1]})],
        id="reshape-flat-to-1d-and-back",
    ),
    pytest.param(
        (3, 4, 5, 6),
        [
            ("instancenorm", {"affine": True, "track_running_stats": True}),
            ("layernorm", {"axes": [3, 2], "affine": False}),
            ("upsample", {"size": [2, 3, 4], "mode": "trilinear"}),
        ],
        id="instancenorm-stats-layernorm-trailing-upsample",
    ),
    pytest.param(
        (6, 5, 5),
        [
            ("groupnorm", {"groups": 3}),
            ("lrn", {"size": 5}),
            ("upsample", {"scale": [2, 1]}),
            ("prelu", {"shared": True}),
        ],
        id="groupnorm-lrn-upsample-prelu",
    ),
    pytest.param((12,), [("groupnorm", {"groups": 4}), ("prelu", {}), ("layernorm", {})], id="flat-norms"),
]


@pytest.mark.parametrize("shape, stack", EDGE_STACKS)
def test_edge_stacks(th, shape, stack):
    built = TorchStack(th, shape, tokens=stack[0][0] == "embedding")
    for kind, options in stack:
        built.add(kind, options)
    check(built)


FIT_CASES = [
    pytest.param((3, 4, 4), "conv", {"filters": 2, "kernel": 5}, False, id="conv-kernel-beyond-input"),
    pytest.param((3, 4, 4), "conv", {"filters": 2, "kernel": 5, "padding": 1}, True, id="conv-padding-makes-room"),
    pytest.param(
        (3, 8), "conv", {"filters": 4, "kernel": 1, "groups": 2}, False, id="conv-groups-do-not-divide-channels"
    ),
    pytest.param(
        (4, 8), "conv", {"filters": 3, "kernel": 1, "groups": 2}, False, id="conv-groups-do-not-divide-filters"
    ),
    pytest.param(
        (2, 5),
        "deconv",
        {"filters": 2, "kernel": 3, "stride": 2, "output_padding": 2},
        False,
        id="deconv-output-padding-too-large",
    ),
    pytest.param(
        (2, 2), "deconv", {"filters": 2, "kernel": 1, "padding": 1}, False, id="deconv-padding-trims-everything"
    ),
    pytest.param(
        (2, 1),
        "deconv",
        {"filters": 2, "kernel": 2, "stride": 2, "padding": 2, "output_padding": 1, "dilation": 2, "groups": 2},
        False,
        id="deconv-grouped-empty-output",
    ),
    pytest.param((2, 8), "maxpool", {"kernel": 3, "padding": 2}, False, id="maxpool-padding-over-half"),
    pytest.param(
        (2, 8),
        "maxpool",
        {"kernel": 2, "padding": 1, "dilation": 3},
        True,
        id="maxpool-padding-half-of-undilated-kernel",
    ),
    pytest.param((1, 4, 4), "maxpool", {"kernel": 3, "dilation": 2}, False, id="maxpool-dilated-window-beyond-input"),
    pytest.param((2, 2), "avgpool", {"kernel": 3}, False, id="avgpool-window-beyond-input"),
    pytest.param(
        (2, 2), "avgpool", {"kernel": 3, "stride": 2, "ceil_mode": True}, True, id="avgpool-ceil-window-beyond-input"
    ),
]


@pytest.mark.parametrize("shape, kind, options, fits", FIT_CASES)
def test_named_fits_and_refusals(th, shape, kind, options, fits):
    ours, theirs = outcomes(th, shape, kind, options)
    assert isinstance(ours, tuple) is fits, ours
    assert _fits(ours) == _fits(theirs), theirs


def test_avgpool3d_kernel_larger_than_the_unpadded_input(th):
    """Torch's AvgPool3d refuses a kernel larger than the unpadded input even when padding
    makes room; its AvgPool2d and MaxPool3d take the same window.  cnncount applies one
    formula to every rank and counts the layer: a choice, recorded here."""
    options = {"kernel": 3, "stride": 1, "padding": 1}
    report = count(architecture((2, 2, 2, 2), [("avgpool", options)]))
    assert report.output_shape == (2, 2, 2, 2)
    TorchStack(th, (2, 2, 2)).add("avgpool", options)  # 2-D average pooling takes it
    TorchStack(th, (2, 2, 2, 2)).add("maxpool", options)  # and so does 3-D max pooling
    with pytest.raises(RuntimeError, match="smaller than kernel size"):
        TorchStack(th, (2, 2, 2, 2)).add("avgpool", options)
