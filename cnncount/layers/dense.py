"""Fully connected layers."""

from __future__ import annotations

from typing import ClassVar

from ..counts import Counts
from ..errors import ShapeError
from ..shapes import Shape, format_shape
from .base import BIAS, Int, Layer, Result, bias_tensor, n, param, result


class Dense(Layer):
    """Fully connected layer.  Its untied bias count equals its tied one: one per unit."""

    kind: ClassVar[str] = "dense"
    summary: ClassVar[str] = "fully connected layer (needs a flat input)"
    example: ClassVar[str] = "--input 512 --units 10"

    units: int = param(Int(), "number of output units")
    bias: str = param(BIAS, "tied or untied: one per unit (the same count); none", "tied")

    def infer(self, shape: Shape) -> Result:
        if len(shape) != 1:
            raise ShapeError(
                f"dense needs a flat input, got {format_shape(shape)}: "
                "add a flatten or a global pooling layer before it"
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
