"""Pooling: windowed max and average, adaptive and global pooling.  None has parameters."""

from __future__ import annotations

from typing import ClassVar

from ..counts import Counts
from ..errors import ShapeError
from ..shapes import Shape, format_shape, pool_out
from .base import (
    POINTWISE,
    WHOLE,
    Bool,
    Dims,
    Layer,
    Padding,
    Reach,
    Result,
    adaptive_windows,
    out_formula,
    param,
    per_dim,
    result,
    spatial_names,
    split_spatial,
)


class _Window(Layer):
    """Shared arithmetic of max and average pooling."""

    kernel: int | tuple[int, ...] = param(Dims(), "window size, one int or one per spatial dim")
    stride: int | tuple[int, ...] | None = param(Dims(), "step between windows (default: the kernel size)", None)
    padding: int | tuple[int, ...] = param(Padding(words=False), "padding on each side, at most half the kernel", 0)
    ceil_mode: bool = param(
        Bool(), "round the output size up; the last window must start inside input or left padding", False
    )

    def _dilation(self) -> int | tuple[int, ...]:
        return 1

    def reach(self, shapes: tuple[Shape, ...]) -> Reach:
        _, spatial = split_spatial(self, shapes[0])
        kernel = per_dim(self.kernel, spatial, "kernel")
        stride = kernel if self.stride is None else per_dim(self.stride, spatial, "stride")
        dilation = per_dim(self._dilation(), spatial, "dilation")
        span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
        return Reach(span, stride, per_dim(self.padding, spatial, "padding"), dilation)

    def infer(self, shape: Shape) -> Result:
        channels, spatial = split_spatial(self, shape)
        kernel = per_dim(self.kernel, spatial, "kernel")
        stride = kernel if self.stride is None else per_dim(self.stride, spatial, "stride")
        pads = per_dim(self.padding, spatial, "padding")
        dilation = per_dim(self._dilation(), spatial, "dilation")
        rounding = "ceil" if self.ceil_mode else "floor"
        lines: list[str] = []
        out: list[int] = []
        for dim, size_in, k, s, p, d in zip(spatial_names(spatial), spatial, kernel, stride, pads, dilation):
            if 2 * p > k:
                raise ShapeError(f"padding {p} is more than half the kernel {k}")
            o = pool_out(size_in, k, s, p, d, self.ceil_mode)
            if o < 1:
                raise ShapeError(
                    f"kernel {format_shape(kernel)} does not fit input {format_shape(shape)} "
                    f"(padding {p}, dilation {d}): output {dim} would be {o}"
                )
            lines.append(out_formula(dim, size_in, k, s, p, d, o, rounding=rounding))
            out.append(o)
        return result((channels, *out), Counts(), None, lines)


class MaxPool(_Window):
    """Max pooling over windows."""

    kind: ClassVar[str] = "maxpool"
    summary: ClassVar[str] = "max pooling over windows"
    example: ClassVar[str] = "--input 32x28x28 --kernel 2"

    dilation: int | tuple[int, ...] = param(Dims(), "spacing between window taps", 1)

    def _dilation(self) -> int | tuple[int, ...]:
        return self.dilation


class AvgPool(_Window):
    """Average pooling over windows."""

    kind: ClassVar[str] = "avgpool"
    summary: ClassVar[str] = "average pooling over windows"
    example: ClassVar[str] = "--input 32x28x28 --kernel 2"


class _Adaptive(Layer):
    output: int | tuple[int, ...] = param(Dims(), "output size, one int or one per spatial dim")

    def reach(self, shapes: tuple[Shape, ...]) -> Reach:
        """An output of 1 sees the whole input; otherwise output i's window runs from floor(i*n/out)
        to ceil((i+1)*n/out) - 1, windows of n/out with stride n/out when out divides n."""
        _, spatial = split_spatial(self, shapes[0])
        out = per_dim(self.output, spatial, "output")
        if all(o == 1 for o in out):
            return WHOLE
        if all(n % o == 0 for n, o in zip(spatial, out)):
            steps = tuple(n // o for n, o in zip(spatial, out))
            return POINTWISE if all(m == 1 for m in steps) else Reach(steps, steps, tuple(0 for _ in steps))
        return Reach(spans=tuple(adaptive_windows(n, o) for n, o in zip(spatial, out)))

    def infer(self, shape: Shape) -> Result:
        channels, spatial = split_spatial(self, shape)
        out = per_dim(self.output, spatial, "output")
        lines = [f"out {dim} = {o} (fixed by output)" for dim, o in zip(spatial_names(spatial), out)]
        return result((channels, *out), Counts(), None, lines)


class AdaptiveAvgPool(_Adaptive):
    """Average pooling to a fixed output size, whatever the input size."""

    kind: ClassVar[str] = "adaptiveavgpool"
    summary: ClassVar[str] = "average pooling to a fixed output size"
    example: ClassVar[str] = "--input 512x14x14 --output 7"


class AdaptiveMaxPool(_Adaptive):
    """Max pooling to a fixed output size, whatever the input size."""

    kind: ClassVar[str] = "adaptivemaxpool"
    summary: ClassVar[str] = "max pooling to a fixed output size"
    example: ClassVar[str] = "--input 512x14x14 --output 7"


class _Global(Layer):
    def reach(self, shapes: tuple[Shape, ...]) -> Reach:
        return WHOLE

    def infer(self, shape: Shape) -> Result:
        channels, spatial = split_spatial(self, shape)
        return result((channels,), Counts(), None, [f"out = {channels} (one value per channel)"])


class GlobalAvgPool(_Global):
    """Average over every spatial position: one value per channel."""

    kind: ClassVar[str] = "globalavgpool"
    summary: ClassVar[str] = "average over all positions, one value per channel"
    example: ClassVar[str] = "--input 512x7x7"


class GlobalMaxPool(_Global):
    """Max over every spatial position: one value per channel."""

    kind: ClassVar[str] = "globalmaxpool"
    summary: ClassVar[str] = "max over all positions, one value per channel"
    example: ClassVar[str] = "--input 512x7x7"
