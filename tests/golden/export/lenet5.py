"""lenet5, as cnncount 0.3.0 counts it, in PyTorch.

Input: input, (N, 1, 32, 32), channels first. Output: output, (N, 10). cnncount counts
61,706 parameters (61,706 with every bias tied, 67,988 untied) and 0 non-trainable
values (running statistics; torch adds a num_batches_tracked to each batch norm).
Written for that input size: padding, untied biases and reshapes are worked out from it.
"""

from __future__ import annotations

from torch import Tensor, nn


class Lenet5(nn.Module):
    """lenet5: 12 layers."""

    def __init__(self) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5)
        self.c1_tanh = nn.Tanh()
        self.s2 = nn.AvgPool2d(2)
        self.c3 = nn.Conv2d(6, 16, 5)
        self.c3_tanh = nn.Tanh()
        self.s4 = nn.AvgPool2d(2)
        self.c5 = nn.Conv2d(16, 120, 5)
        self.c5_tanh = nn.Tanh()
        self.flatten = nn.Flatten()
        self.f6 = nn.Linear(120, 84)
        self.f6_tanh = nn.Tanh()
        self.output = nn.Linear(84, 10)

    def forward(self, x: Tensor) -> Tensor:
        x = self.c1(x)
        x = self.c1_tanh(x)
        x = self.s2(x)
        x = self.c3(x)
        x = self.c3_tanh(x)
        x = self.s4(x)
        x = self.c5(x)
        x = self.c5_tanh(x)
        x = self.flatten(x)
        x = self.f6(x)
        x = self.f6_tanh(x)
        x = self.output(x)
        return x


if __name__ == "__main__":
    model = Lenet5().eval()
    params = sum(p.numel() for p in model.parameters())
    print(f"{params:,} parameters (cnncount counts 61,706)")
