"""Convolutions: conv and deconv (transposed convolution), 1-D, 2-D and 3-D alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..counts import Counts
from ..errors import ShapeError
from ..shapes import Shape, conv_out, deconv_out, format_shape, same_out, size
from .base import (
    BIAS,
    Dims,
    Int,
    Layer,
    Padding,
    Result,
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
        raise ShapeError(
            f"groups {groups} must divide both the input channels ({channels}) and filters ({filters})"
        )


def _bias_formulas(filters: int, out: Shape) -> list[str]:
    return [
        f"tied biases = {n(filters)} (one per filter)",
        f"untied biases = {product(out)} = {n(size(out))} (one per filter per output position)",
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
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

    def infer(self, shape: Shape) -> Result:
        channels, spatial = split_spatial(self, shape)
        kernel = per_dim(self.kernel, spatial, "kernel")
        stride = per_dim(self.stride, spatial, "stride")
        dilation = per_dim(self.dilation, spatial, "dilation")
        _check_groups(self.groups, channels, self.filters)
        lines: list[str] = []
        out: list[int] = []
        if self.padding in ("same", "valid"):
            pads = (0,) * len(spatial)
        else:
            pads = per_dim(self.padding, spatial, "padding")  # type: ignore[arg-type]
        for dim, size_in, k, s, p, d in zip(spatial_names(spatial), spatial, kernel, stride, pads, dilation):
            if self.padding == "same":
                o = same_out(size_in, s)
                lines.append(f"out {dim} = ceil({size_in}/{s}) = {o} (same padding)")
            else:
                o = conv_out(size_in, k, s, p, d)
                if o < 1:
                    raise ShapeError(
                        f"kernel {format_shape(kernel)} does not fit input {format_shape(shape)} "
                        f"(padding {p}, dilation {d}): output {dim} would be {o}"
                    )
                lines.append(out_formula(dim, size_in, k, s, p, d, o))
            out.append(o)
        output = (self.filters, *out)
        per_group = channels // self.groups
        weights = self.filters * per_group * size(kernel)
        macs = size(output) * per_group * size(kernel)
        counts = Counts.of(weights, self.filters, size(output), layout=self.bias, macs=macs)
        lines.append(f"weights = {self.filters} * ({channels}/{self.groups}) * {product(kernel)} = {n(weights)}")
        lines += _bias_formulas(self.filters, output)
        lines.append(f"macs = {product(output)} * ({channels}/{self.groups}) * {product(kernel)} = {n(macs)}")
        return result(output, counts, self.bias, lines)


@dataclass(frozen=True, slots=True, kw_only=True)
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

    def infer(self, shape: Shape) -> Result:
        channels, spatial = split_spatial(self, shape)
        kernel = per_dim(self.kernel, spatial, "kernel")
        stride = per_dim(self.stride, spatial, "stride")
        pads = per_dim(self.padding, spatial, "padding")
        extra = per_dim(self.output_padding, spatial, "output_padding")
        dilation = per_dim(self.dilation, spatial, "dilation")
        _check_groups(self.groups, channels, self.filters)
        lines: list[str] = []
        out: list[int] = []
        for dim, size_in, k, s, p, op, d in zip(spatial_names(spatial), spatial, kernel, stride, pads, extra, dilation):
            if op >= s and op >= d:
                raise ShapeError(f"output_padding {op} must be smaller than stride {s} or dilation {d}")
            o = deconv_out(size_in, k, s, p, d, op)
            if o < 1:
                raise ShapeError(
                    f"padding {p} trims more than the output has: output {dim} would be {o} "
                    f"(input {format_shape(shape)})"
                )
            reach = f"{k}" if d == 1 else f"{d}*({k}-1) + 1"
            lines.append(f"out {dim} = ({size_in}-1)*{s} - 2*{p} + {reach} + {op} = {o}")
            out.append(o)
        output = (self.filters, *out)
        per_group = self.filters // self.groups
        weights = channels * per_group * size(kernel)
        macs = size(shape) * per_group * size(kernel)
        counts = Counts.of(weights, self.filters, size(output), layout=self.bias, macs=macs)
        lines.append(f"weights = {channels} * ({self.filters}/{self.groups}) * {product(kernel)} = {n(weights)}")
        lines += _bias_formulas(self.filters, output)
        lines.append(
            f"macs = {product(shape)} * ({self.filters}/{self.groups}) * {product(kernel)} = {n(macs)} (per input position)"
        )
        return result(output, counts, self.bias, lines)
