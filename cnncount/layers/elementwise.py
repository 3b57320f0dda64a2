"""Layers applied element by element, shape unchanged: dropout and activations."""

from __future__ import annotations

from typing import ClassVar

from ..counts import Counts
from ..shapes import Shape
from .base import Bool, Fraction, Layer, Result, Text, n, param, result


class Dropout(Layer):
    """Dropout: no parameters, shape unchanged."""

    kind: ClassVar[str] = "dropout"
    summary: ClassVar[str] = "dropout (no parameters)"
    example: ClassVar[str] = "--input 4096 --rate 0.5"

    rate: float = param(Fraction(), "fraction of inputs zeroed while training", 0.5)

    def infer(self, shape: Shape) -> Result:
        return result(shape, Counts(), None, [])


class Activation(Layer):
    """A parameter-free activation function such as relu, tanh or sigmoid."""

    kind: ClassVar[str] = "activation"
    summary: ClassVar[str] = "activation function (no parameters)"
    example: ClassVar[str] = "--input 64x56x56 --function relu"

    function: str = param(Text(), "the function's name, e.g. relu, tanh, sigmoid, gelu", "relu")

    def infer(self, shape: Shape) -> Result:
        return result(shape, Counts(), None, [])


class PReLU(Layer):
    """Parametric ReLU: a learned slope for negative inputs, one per channel or one in all.

    The slopes count as weights; no biases.  The channels are the first size of
    the shape (PyTorch's PReLU(num_parameters=C)).  No MACs counted.
    """

    kind: ClassVar[str] = "prelu"
    summary: ClassVar[str] = "parametric ReLU: learned negative slopes"
    example: ClassVar[str] = "--input 64x56x56"

    shared: bool = param(Bool(), "one slope shared by every channel instead of one per channel", False)

    def infer(self, shape: Shape) -> Result:
        slopes = 1 if self.shared else shape[0]
        why = "(one, shared by every channel)" if self.shared else "(one per channel)"
        lines = [f"weights (slopes) = {n(slopes)} {why}", "macs = 0 (element-wise)"]
        return result(shape, Counts.of(slopes), None, lines)
