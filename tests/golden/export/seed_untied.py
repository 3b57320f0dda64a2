"""net, as cnncount 0.3.0 counts it, in PyTorch.

Input: input, (N, 3, 32, 32), channels first. Output: conv1, (N, 32, 28, 28). cnncount
counts 27,488 parameters (2,432 with every bias tied, 27,488 untied) and 0 non-trainable
values (running statistics; torch adds a num_batches_tracked to each batch norm).
Written for that input size: padding, untied biases and reshapes are worked out from it.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


class UntiedBias(nn.Module):
    """A layer without its own bias, then one learned bias per output channel per position."""

    def __init__(self, layer: nn.Module, shape: tuple[int, ...]) -> None:
        super().__init__()
        self.layer = layer
        self.bias = nn.Parameter(torch.zeros(shape))

    def forward(self, x: Tensor) -> Tensor:
        return self.layer(x) + self.bias


class Net(nn.Module):
    """net: 1 layer."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = UntiedBias(nn.Conv2d(3, 32, 5, bias=False), (32, 28, 28))

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv1(x)
        return x


if __name__ == "__main__":
    model = Net().eval()
    params = sum(p.numel() for p in model.parameters())
    print(f"{params:,} parameters (cnncount counts 27,488)")
