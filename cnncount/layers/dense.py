"""Fully connected layers."""

from __future__ import annotations

from typing import ClassVar

from ..counts import Counts
from ..errors import ShapeError
from ..shapes import Shape, format_shape, size
from .base import BIAS, POINTWISE, WHOLE, Bool, Int, Layer, Reach, Result, bias_tensor, n, param, product, result


class Dense(Layer):
    """Fully connected layer.  Its untied bias count equals its tied one: one per unit.

    With pointwise, it is applied to the channels of every position of a C x ...
    input (PyTorch's Linear on channels-last tensors, as in ConvNeXt; Keras's Dense
    on a [H, W, C] input): the arithmetic of a 1x1 convolution, whose untied biases
    are one per unit per position.
    """

    kind: ClassVar[str] = "dense"
    summary: ClassVar[str] = "fully connected layer (needs a flat input, or pointwise)"
    example: ClassVar[str] = "--input 512 --units 10"

    units: int = param(Int(), "number of output units")
    bias: str = param(BIAS, "tied or untied: one per unit (the same count); none", "tied")
    pointwise: bool = param(Bool(), "apply to the channels of every position (out = units x positions)", False)

    def reach(self, shapes: tuple[Shape, ...]) -> Reach:
        return POINTWISE if self.pointwise else WHOLE  # pointwise: a 1x1 convolution

    def infer(self, shape: Shape) -> Result:
        if self.pointwise:
            return self._pointwise(shape)
        if len(shape) != 1:
            raise ShapeError(
                f"dense needs a flat input, got {format_shape(shape)}: "
                "add a flatten or a global pooling layer before it (or say pointwise: true)"
            )
        (inputs,) = shape
        weights = inputs * self.units
        counts = Counts.of(weights, self.units, self.units, layout=self.bias, macs=weights)
        layout = "tied" if self.bias == "untied" else self.bias  # one per unit either way
        tensors = (("weight", (self.units, inputs)), *bias_tensor(layout, self.units, (self.units,)))
        return result(
            (self.units,),
            counts,
            self.bias,
            [
                f"weights = {inputs} * {self.units} = {n(weights)}",
                f"biases = {n(self.units)} (one per unit, tied or untied)"
                if self.bias != "none"
                else "biases = 0 (bias: none)",
                f"macs = {inputs} * {self.units} = {n(weights)}",
            ],
            tensors=tensors,
        )

    def _pointwise(self, shape: Shape) -> Result:
        channels, positions = shape[0], shape[1:]
        output = (self.units, *positions)
        weights = channels * self.units
        macs = size(positions) * weights
        counts = Counts.of(weights, self.units, size(output), layout=self.bias, macs=macs)
        where = f"each of {product(positions)} = {n(size(positions))} positions" if positions else "the input"
        lines = [
            f"out = {format_shape(output)} (the units at {where})",
            f"weights = {channels} * {self.units} = {n(weights)} (shared by every position)",
            "biases = 0 (bias: none)"
            if self.bias == "none"
            else f"tied biases = {n(self.units)} (one per unit); untied biases = {product(output)} = {n(size(output))}",
            f"macs = {product(positions) or 1} * {channels} * {self.units} = {n(macs)}",
        ]
        tensors = (("weight", (self.units, channels)), *bias_tensor(self.bias, self.units, output))
        return result(output, counts, self.bias, lines, tensors=tensors)
