"""Layers applied element by element, shape unchanged: dropout, stochastic depth, activations, PReLU, scale."""

from __future__ import annotations

from typing import ClassVar

from ..counts import Counts
from ..shapes import Shape, size
from .base import BIAS, Bool, Fraction, Known, Layer, Result, bias_tensor, n, param, result

#: The activation functions cnncount knows, as PyTorch and Keras spell them (lower case).
#: Some are aliases of each other (swish and silu, linear and identity): the name is kept as written.
FUNCTIONS = (
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "celu",
    "gelu",
    "silu",
    "swish",
    "hard_silu",
    "mish",
    "sigmoid",
    "hardsigmoid",
    "hard_sigmoid",
    "logsigmoid",
    "hardswish",
    "hard_swish",
    "tanh",
    "hardtanh",
    "tanhshrink",
    "softplus",
    "softsign",
    "softshrink",
    "hardshrink",
    "threshold",
    "exponential",
    "softmax",
    "log_softmax",
    "identity",
    "linear",
)


class Dropout(Layer):
    """Dropout: no parameters, shape unchanged."""

    kind: ClassVar[str] = "dropout"
    summary: ClassVar[str] = "dropout (no parameters)"
    example: ClassVar[str] = "--input 4096 --rate 0.5"

    rate: float = param(Fraction(), "fraction of inputs zeroed while training", 0.5)

    def infer(self, shape: Shape) -> Result:
        return result(shape, Counts(), None, [])


class DropPath(Layer):
    """Stochastic depth (drop path): while training, a whole sample's branch is dropped with
    probability rate (torchvision's StochasticDepth, timm's DropPath).  No parameters, shape
    unchanged; unlike dropout, it drops entire residual branches, not single values."""

    kind: ClassVar[str] = "droppath"
    summary: ClassVar[str] = "stochastic depth: drops a whole branch while training (no parameters)"
    example: ClassVar[str] = "--input 96x56x56 --rate 0.1"

    rate: float = param(Fraction(), "probability of dropping the branch for a sample while training", 0.0)

    def infer(self, shape: Shape) -> Result:
        return result(shape, Counts(), None, [])


class Activation(Layer):
    """A parameter-free activation function such as relu, tanh or sigmoid."""

    kind: ClassVar[str] = "activation"
    summary: ClassVar[str] = "activation function (no parameters)"
    example: ClassVar[str] = "--input 64x56x56 --function relu"

    function: str = param(Known(FUNCTIONS, "activation function"), f"one of {', '.join(FUNCTIONS)}", "relu")

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
        return result(shape, Counts.of(slopes), None, lines, tensors=(("weight", (slopes,)),))


class Scale(Layer):
    """A learned per-channel multiplier (layer scale, as in ConvNeXt and CaiT), with an
    optional learned per-channel shift.

    The C factors count as weights, the shift as biases (tied: one per channel; untied:
    one per channel per position).  Without a bias, as in ConvNeXt, it has no biases
    whatever the file's default layout.  0 MACs, as torch.utils.flop_counter counts
    element-wise products.
    """

    kind: ClassVar[str] = "scale"
    summary: ClassVar[str] = "learned per-channel multiplier (layer scale)"
    example: ClassVar[str] = "--input 96x56x56"

    bias: str = param(BIAS, "a learned shift too: tied (one per channel), untied (one per position) or none", "none")

    def infer(self, shape: Shape) -> Result:
        channels = shape[0]
        counts = Counts.of(channels, channels, size(shape), layout=self.bias)
        ones = tuple(1 for _ in shape[1:])
        lines = [
            f"weights = {n(channels)} (one factor per channel, broadcast over every position)",
            "biases = 0 (bias: none)"
            if self.bias == "none"
            else f"tied biases = {n(channels)} (one per channel); untied biases = {n(size(shape))} (one per value)",
            "macs = 0 (element-wise products are not counted)",
        ]
        tensors = (("weight", (channels, *ones)), *bias_tensor(self.bias, channels, shape))
        return result(shape, counts, self.bias, lines, tensors=tensors)
