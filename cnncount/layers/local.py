"""Locally connected layers: convolutions whose weights are not shared between positions."""

from __future__ import annotations

from typing import ClassVar

from ..counts import Counts
from ..shapes import Shape, size
from .base import BIAS, Dims, Int, Layer, Padding, Reach, Result, bias_tensor, n, param, product, result, split_spatial
from .conv import Conv, _bias_formulas


class Local(Layer):
    """Locally connected layer: a convolution in which every output position has its own kernel.

    weights = output positions * input channels * kernel * filters.  Output sizes
    are a conv's.  Tied biases are one per filter (Lasagne's LocallyConnected2DLayer
    with untie_biases=False); untied ones are one per filter per output position
    (Keras's LocallyConnected1D/2D, its only layout).
    """

    kind: ClassVar[str] = "local"
    summary: ClassVar[str] = "locally connected layer: a convolution with unshared weights"
    example: ClassVar[str] = "--input 3x32x32 --filters 64 --kernel 3 --bias untied"

    filters: int = param(Int(), "number of filters (output channels)")
    kernel: int | tuple[int, ...] = param(Dims(), "kernel size, one int or one per spatial dim")
    stride: int | tuple[int, ...] = param(Dims(), "step between windows", 1)
    padding: object = param(Padding(), "zeros added on each side, or same (out = ceil(in/stride)) or valid", "valid")
    bias: str = param(
        BIAS, "tied: one per filter (Lasagne); untied: one per filter per output position (Keras); none", "tied"
    )

    def reach(self, shapes: tuple[Shape, ...]) -> Reach:
        return Conv(filters=self.filters, kernel=self.kernel, stride=self.stride, padding=self.padding).reach(shapes)

    def infer(self, shape: Shape) -> Result:
        channels, _ = split_spatial(self, shape)
        window = Conv(filters=self.filters, kernel=self.kernel, stride=self.stride, padding=self.padding).window(shape)
        kernel = window.kernel
        positions = window.out
        output = (self.filters, *positions)
        weights = size(positions) * channels * size(kernel) * self.filters
        counts = Counts.of(weights, self.filters, size(output), layout=self.bias, macs=weights)

        def formulas() -> list[str]:
            return [
                *window.lines(),
                f"weights = {product(positions)} * {channels} * {product(kernel)} * {self.filters} = {n(weights)}"
                " (a kernel per output position)",
                *_bias_formulas(self.filters, output, self.bias),
                f"macs = weights = {n(weights)} (each output position uses its own kernel once)",
            ]

        # Keras's layout: a kernel per output position.
        weight = ("weight", (*positions, channels * size(kernel), self.filters))
        return result(
            output, counts, self.bias, formulas, tensors=(weight, *bias_tensor(self.bias, self.filters, output))
        )
