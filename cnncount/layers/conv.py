"""Convolutions: conv and deconv (transposed convolution), 1-D, 2-D and 3-D alike."""

from __future__ import annotations

from math import gcd
from typing import Any, ClassVar

from ..counts import Counts
from ..errors import ShapeError
from ..shapes import Shape, conv_out, deconv_out, format_shape, same_out, same_padding, size
from .base import (
    BIAS,
    Dims,
    Int,
    Layer,
    Padding,
    Reach,
    Result,
    bias_tensor,
    n,
    out_formula,
    param,
    per_dim,
    product,
    result,
    spatial_names,
    split_spatial,
)


def _check_groups(groups: int, channels: int, filters: int) -> None:
    if channels % groups or filters % groups:
        raise ShapeError(f"groups {groups} must divide both the input channels ({channels}) and filters ({filters})")


def _bias_formulas(filters: int, out: Shape, layout: str) -> list[str]:
    if layout == "none":
        return ["biases = 0 (bias: none)"]
    return [
        f"tied biases = {n(filters)} (one per filter)",
        f"untied biases = {product(out)} = {n(size(out))} (one per filter per output position)",
    ]


class Conv(Layer):
    """Convolution: every filter slides one shared kernel over the input."""

    kind: ClassVar[str] = "conv"
    summary: ClassVar[str] = "convolution (1-D, 2-D or 3-D by the input's rank)"
    example: ClassVar[str] = "--input 3x32x32 --filters 32 --kernel 5"

    filters: int = param(Int(), "number of filters (output channels)")
    kernel: int | tuple[int, ...] = param(Dims(), "kernel size, one int or one per spatial dim")
    stride: int | tuple[int, ...] = param(Dims(), "step between windows", 1)
    padding: object = param(Padding(), "zeros added on each side, or same (out = ceil(in/stride)) or valid", 0)
    dilation: int | tuple[int, ...] = param(Dims(), "spacing between kernel taps", 1)
    groups: int = param(Int(), "split input and filters into this many groups", 1)
    bias: str = param(BIAS, "tied: one per filter; untied: one per filter per output position; none", "tied")

    def window(self, shape: Shape) -> Window:
        """Where this conv's kernel goes over ``shape``: the output sizes and their formulas."""
        channels, spatial = split_spatial(self, shape)
        kernel = per_dim(self.kernel, spatial, "kernel")
        stride = per_dim(self.stride, spatial, "stride")
        dilation = per_dim(self.dilation, spatial, "dilation")
        same = self.padding == "same"
        if self.padding in ("same", "valid"):
            pads = (0,) * len(spatial)
        else:
            pads = per_dim(self.padding, spatial, "padding")  # type: ignore[arg-type]
        dims = tuple(zip(spatial_names(spatial), spatial, kernel, stride, pads, dilation))
        out: list[int] = []
        for dim, size_in, k, s, p, d in dims:
            o = same_out(size_in, s) if same else conv_out(size_in, k, s, p, d)
            if o < 1:
                raise ShapeError(
                    f"kernel {format_shape(kernel)} does not fit input {format_shape(shape)} "
                    f"(padding {p}, dilation {d}): output {dim} would be {o}"
                )
            out.append(o)
        return Window(kernel, tuple(out), dims, same)

    def infer(self, shape: Shape) -> Result:
        return self.counted(shape)[0]

    def reach(self, shapes: tuple[Shape, ...]) -> Reach:
        return self.window(shapes[0]).reach()

    def counted(self, shape: Shape) -> tuple[Result, Window]:
        """The result and the window it came from, for kinds built on a conv."""
        window = self.window(shape)
        channels, kernel = shape[0], window.kernel
        _check_groups(self.groups, channels, self.filters)
        output = (self.filters, *window.out)
        per_group = channels // self.groups
        weights = self.filters * per_group * size(kernel)
        macs = size(output) * per_group * size(kernel)
        counts = Counts.of(weights, self.filters, size(output), layout=self.bias, macs=macs)

        def formulas() -> list[str]:
            lines = window.lines()
            lines.append(f"weights = {self.filters} * ({channels}/{self.groups}) * {product(kernel)} = {n(weights)}")
            lines += _bias_formulas(self.filters, output, self.bias)
            lines.append(f"macs = {product(output)} * ({channels}/{self.groups}) * {product(kernel)} = {n(macs)}")
            if self.bias != "none":  # each filter's weights and its one tied bias
                per_filter = f"{per_group}*{product(kernel)}"
                lines.append(f"params, tied = ({per_filter} + 1)*{self.filters} = {n(counts.params_tied)}")
            return lines

        tensors = (("weight", (self.filters, per_group, *kernel)), *bias_tensor(self.bias, self.filters, output))
        return result(output, counts, self.bias, formulas, tensors=tensors), window


class Window:
    """A convolution window's path over an input: kernel and output size per spatial dim."""

    __slots__ = ("kernel", "out", "dims", "same")

    def __init__(
        self, kernel: tuple[int, ...], out: tuple[int, ...], dims: tuple[tuple[Any, ...], ...], same: bool
    ) -> None:
        self.kernel = kernel
        self.out = out
        self.dims = dims  # (name, size in, kernel, stride, padding, dilation) per spatial dim
        self.same = same

    def reach(self) -> Reach:
        """What an output position sees: d(k-1)+1 input positions from stride * u - padding, where
        ``same`` padding puts floor(total / 2) on the near side, as TensorFlow does: its amount
        depends on the input's size."""
        spans, strides, pads, why = [], [], [], []
        for (dim, size_in, k, s, p, d), out in zip(self.dims, self.out):
            spans.append(d * (k - 1) + 1)
            strides.append(s)
            if self.same:
                near, far = same_padding(size_in, k, s, d)
                p = near
                why.append(
                    f"RF {dim}: same padding, total max(({out}-1)*{s} + {spans[-1]} - {size_in}, 0) = {near + far}, "
                    f"near side {near + far}//2 = {near}"
                )
            pads.append(p)
        dilations = tuple(d for (_, _, _, _, _, d) in self.dims)
        return Reach(tuple(spans), tuple(strides), tuple(pads), dilations, why=tuple(why))

    def lines(self) -> list[str]:
        """The output-size formulas, one per spatial dim."""
        return [
            f"out {dim} = ceil({size_in}/{s}) = {o} (same padding: {_same_pads(size_in, k, s, d)})"
            if self.same
            else out_formula(dim, size_in, k, s, p, d, o)
            for (dim, size_in, k, s, p, d), o in zip(self.dims, self.out)
        ]


def _same_pads(size_in: int, k: int, s: int, d: int) -> str:
    near, far = same_padding(size_in, k, s, d)
    return f"{near} before, {far} after"


class Deconv(Layer):
    """Transposed convolution: every input position scatters a kernel into the output."""

    kind: ClassVar[str] = "deconv"
    summary: ClassVar[str] = "transposed convolution (1-D, 2-D or 3-D)"
    example: ClassVar[str] = "--input 64x16x16 --filters 32 --kernel 4 --stride 2 --padding 1"

    filters: int = param(Int(), "number of filters (output channels)")
    kernel: int | tuple[int, ...] = param(Dims(), "kernel size, one int or one per spatial dim")
    stride: int | tuple[int, ...] = param(Dims(), "step between input positions in the output", 1)
    padding: int | tuple[int, ...] = param(Padding(words=False), "removed from each side of the output", 0)
    output_padding: int | tuple[int, ...] = param(
        Dims(0), "added to the far side of the output; smaller than stride or dilation", 0
    )
    dilation: int | tuple[int, ...] = param(Dims(), "spacing between kernel taps", 1)
    groups: int = param(Int(), "split input and filters into this many groups", 1)
    bias: str = param(BIAS, "tied: one per filter; untied: one per filter per output position; none", "tied")

    def reach(self, shapes: tuple[Shape, ...]) -> Reach:
        """Input position i adds its kernel to output positions ``i * s - p + j * d``, j < k: so output v
        reads the inputs ``(v + p - j * d) / s`` that are whole numbers, a pattern that repeats every s
        outputs, one input further on."""
        _, spatial = split_spatial(self, shapes[0])
        per = [per_dim(getattr(self, key), spatial, key) for key in ("kernel", "stride", "padding", "dilation")]
        spans, why = [], []
        for dim, k, s, p, d in zip(spatial_names(spatial), *per):
            reads = [[(v + p - j * d) // s for j in range(k) if (v + p - j * d) % s == 0] for v in range(s)]
            if not all(reads):
                return Reach(unknown=f"stride {s} and dilation {d} leave outputs that no input reaches")
            gap = d // gcd(d, s)  # the taps that divide are s / gcd apart: their inputs, d / gcd
            spans.append((s, 1, tuple(min(r) for r in reads), tuple(max(r) for r in reads), (gap,) * s))
            why.append(f"RF {dim}: output v reads input (v + {p} - j*{d})/{s} for each tap j < {k} where that is whole")
        return Reach(spans=tuple(spans), why=tuple(why))

    def infer(self, shape: Shape) -> Result:
        channels, spatial = split_spatial(self, shape)
        kernel = per_dim(self.kernel, spatial, "kernel")
        stride = per_dim(self.stride, spatial, "stride")
        pads = per_dim(self.padding, spatial, "padding")
        extra = per_dim(self.output_padding, spatial, "output_padding")
        dilation = per_dim(self.dilation, spatial, "dilation")
        _check_groups(self.groups, channels, self.filters)
        dims = tuple(zip(spatial_names(spatial), spatial, kernel, stride, pads, extra, dilation))
        out: list[int] = []
        for dim, size_in, k, s, p, op, d in dims:
            if op >= s and op >= d:
                raise ShapeError(f"output_padding {op} must be smaller than stride {s} or dilation {d}")
            o = deconv_out(size_in, k, s, p, d, op)
            if o < 1:
                raise ShapeError(
                    f"padding {p} trims more than the output has: output {dim} would be {o} "
                    f"(input {format_shape(shape)})"
                )
            out.append(o)
        output = (self.filters, *out)
        per_group = self.filters // self.groups
        weights = channels * per_group * size(kernel)
        macs = size(shape) * per_group * size(kernel)
        counts = Counts.of(weights, self.filters, size(output), layout=self.bias, macs=macs)

        def formulas() -> list[str]:
            lines = [
                f"out {dim} = ({size_in}-1)*{s} - 2*{p} + {k if d == 1 else f'{d}*({k}-1) + 1'} + {op} = {o}"
                for (dim, size_in, k, s, p, op, d), o in zip(dims, out)
            ]
            lines.append(f"weights = {channels} * ({self.filters}/{self.groups}) * {product(kernel)} = {n(weights)}")
            lines += _bias_formulas(self.filters, output, self.bias)
            lines.append(
                f"macs = {product(shape)} * ({self.filters}/{self.groups}) * {product(kernel)} = {n(macs)}"
                " (per input position)"
            )
            return lines

        tensors = (("weight", (channels, per_group, *kernel)), *bias_tensor(self.bias, self.filters, output))
        return result(output, counts, self.bias, formulas, tensors=tensors)


class Depthwise(Layer):
    """Depthwise convolution: every input channel is convolved on its own by multiplier kernels.

    Output channels = input channels * multiplier.  The numbers are those of a conv
    with groups = input channels and filters = input channels * multiplier (Keras's
    DepthwiseConv2D, PyTorch's Conv2d(C, C*multiplier, k, groups=C)), computed by one.
    """

    kind: ClassVar[str] = "depthwise"
    summary: ClassVar[str] = "depthwise convolution: each channel filtered on its own"
    example: ClassVar[str] = "--input 32x112x112 --kernel 3 --multiplier 2 --padding 1"

    kernel: int | tuple[int, ...] = param(Dims(), "kernel size, one int or one per spatial dim")
    multiplier: int = param(Int(), "kernels per input channel (output channels = input channels * multiplier)", 1)
    stride: int | tuple[int, ...] = param(Dims(), "step between windows", 1)
    padding: object = param(Padding(), "zeros added on each side, or same (out = ceil(in/stride)) or valid", 0)
    dilation: int | tuple[int, ...] = param(Dims(), "spacing between kernel taps", 1)
    bias: str = param(BIAS, "tied: one per output channel; untied: one per output channel per position; none", "tied")

    def reach(self, shapes: tuple[Shape, ...]) -> Reach:
        channels, _ = split_spatial(self, shapes[0])
        return Conv(
            filters=channels, kernel=self.kernel, stride=self.stride, padding=self.padding, dilation=self.dilation
        ).reach(shapes)

    def as_conv(self, channels: int) -> Conv:
        """The same layer as a conv on ``channels`` input channels: groups = channels."""
        return Conv(
            filters=channels * self.multiplier,
            kernel=self.kernel,
            stride=self.stride,
            padding=self.padding,
            dilation=self.dilation,
            groups=channels,
            bias=self.bias,
        )

    def infer(self, shape: Shape) -> Result:
        channels, _ = split_spatial(self, shape)
        conv, window = self.as_conv(channels).counted(shape)
        output = conv.output_shape
        kernel = window.kernel

        def formulas() -> list[str]:
            return [
                *window.lines(),
                f"weights = {channels} * {self.multiplier} * {product(kernel)} = {n(conv.counts.weights)}"
                " (channels * multiplier * kernel)",
                *_bias_formulas(output[0], output, self.bias),
                f"macs = {product(output)} * {product(kernel)} = {n(conv.counts.macs)}"
                " (one kernel on one input channel per output value)",
            ]

        return result(output, conv.counts, self.bias, formulas, tensors=conv.tensors)


class Separable(Layer):
    """Depthwise separable convolution: a depthwise conv, then a pointwise (1x1) conv.

    One set of biases, after the pointwise conv, as in Keras's SeparableConv2D;
    stride, padding and dilation apply to the depthwise step.
    """

    kind: ClassVar[str] = "separable"
    summary: ClassVar[str] = "separable convolution: depthwise then pointwise (1x1)"
    example: ClassVar[str] = "--input 32x32x32 --filters 64 --kernel 3"

    filters: int = param(Int(), "number of filters of the pointwise conv (output channels)")
    kernel: int | tuple[int, ...] = param(Dims(), "depthwise kernel size, one int or one per spatial dim")
    multiplier: int = param(Int(), "depthwise kernels per input channel", 1)
    stride: int | tuple[int, ...] = param(Dims(), "step between depthwise windows", 1)
    padding: object = param(Padding(), "zeros added on each side, or same (out = ceil(in/stride)) or valid", 0)
    dilation: int | tuple[int, ...] = param(Dims(), "spacing between depthwise kernel taps", 1)
    bias: str = param(BIAS, "tied: one per filter; untied: one per filter per output position; none", "tied")

    def reach(self, shapes: tuple[Shape, ...]) -> Reach:  # the depthwise step's; the pointwise sees one position
        channels, _ = split_spatial(self, shapes[0])
        return Conv(
            filters=channels, kernel=self.kernel, stride=self.stride, padding=self.padding, dilation=self.dilation
        ).reach(shapes)

    def depthwise(self, channels: int) -> Conv:
        """The depthwise step as a conv on ``channels`` input channels (its bias is the pointwise's)."""
        return Conv(
            filters=channels * self.multiplier,
            kernel=self.kernel,
            stride=self.stride,
            padding=self.padding,
            dilation=self.dilation,
            groups=channels,
            bias="none",
        )

    def infer(self, shape: Shape) -> Result:
        channels, _ = split_spatial(self, shape)
        mid = channels * self.multiplier
        depth, window = self.depthwise(channels).counted(shape)
        point = Conv(filters=self.filters, kernel=1, bias=self.bias).infer(depth.output_shape)
        output = point.output_shape
        counts = depth.counts + point.counts
        kernel = window.kernel
        dw, pw = depth.counts, point.counts

        def formulas() -> list[str]:
            return [
                *window.lines(),
                f"weights = depthwise {channels}*{self.multiplier}*{product(kernel)} + pointwise "
                f"{channels}*{self.multiplier}*{self.filters} = {n(dw.weights)} + {n(pw.weights)} = {n(counts.weights)}",
                *_bias_formulas(self.filters, output, self.bias),
                f"macs = depthwise {product(depth.output_shape)} * {product(kernel)} + pointwise "
                f"{product(output)} * {mid} = {n(dw.macs)} + {n(pw.macs)} = {n(counts.macs)}",
            ]

        tensors = (
            ("depthwise_weight", (mid, 1, *kernel)),
            ("pointwise_weight", (self.filters, mid, *(1 for _ in kernel))),
            *bias_tensor(self.bias, self.filters, output),
        )
        return result(output, counts, self.bias, formulas, (("depthwise", dw), ("pointwise", pw)), tensors=tensors)
