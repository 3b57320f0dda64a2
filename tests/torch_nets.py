"""The bundled specs that are not torchvision's classifiers, as plain PyTorch networks: the oracle of
tests/test_specs.py (torchvision's are in tests/torch_zoo.py, matched by name by tests/test_zoo.py).

Each network mirrors its reference implementation (torchvision's module names,
layer order and options; torchvision itself is not needed), with one change:
every operation a forward() calls functionally there (F.relu,
F.adaptive_avg_pool2d, F.dropout, torch.flatten) is a module here, so that a
forward hook sees every layer cnncount has a row for, in execution order.

Importing this module imports torch: load it only once torch is known to be
there (the ``torch`` fixture of conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn

# --- LeNet-5, the seed example, Kim (2014) ---------------------------------------------------


class LeNet5(nn.Module):
    """LeNet-5, modern variant: full C3, average pooling, tanh, dense output."""

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
        x = self.s2(self.c1_tanh(self.c1(x)))
        x = self.s4(self.c3_tanh(self.c3(x)))
        x = self.flatten(self.c5_tanh(self.c5(x)))
        return self.output(self.f6_tanh(self.f6(x)))


def conv5x5_cifar() -> nn.Module:
    return nn.Conv2d(3, 32, 5)


class KimTextCNN(nn.Module):
    """Kim (2014): conv widths 3, 4, 5 x 100 maps over 300-d words, max over time, dense to 2."""

    def __init__(self, embedding: int = 300, maps: int = 100, widths: tuple[int, ...] = (3, 4, 5)) -> None:
        super().__init__()
        self.convs = nn.ModuleList(
            nn.Sequential(nn.Conv1d(embedding, maps, k, padding=4), nn.ReLU(), nn.AdaptiveMaxPool1d(1)) for k in widths
        )
        self.flatten = nn.Flatten()
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(maps * len(widths), 2)

    def forward(self, x: Tensor) -> Tensor:
        x = self.flatten(torch.cat([branch(x) for branch in self.convs], 1))
        return self.fc(self.dropout(x))


# --- GoogLeNet (torchvision/models/googlenet.py) ---------------------------------------------


class BasicConv2d(nn.Module):
    def __init__(self, inp: int, out: int, **kwargs: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(inp, out, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(out, eps=0.001)
        self.relu = nn.ReLU(inplace=True)  # F.relu in torchvision

    def forward(self, x: Tensor) -> Tensor:
        return self.relu(self.bn(self.conv(x)))


class Inception(nn.Module):
    def __init__(
        self, inp: int, ch1x1: int, ch3x3red: int, ch3x3: int, ch5x5red: int, ch5x5: int, pool_proj: int
    ) -> None:
        super().__init__()
        self.branch1 = BasicConv2d(inp, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(
            BasicConv2d(inp, ch3x3red, kernel_size=1), BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1)
        )
        # kernel_size=3 in the "5x5" branch: torchvision's known bug (pytorch/vision#906)
        self.branch3 = nn.Sequential(
            BasicConv2d(inp, ch5x5red, kernel_size=1), BasicConv2d(ch5x5red, ch5x5, kernel_size=3, padding=1)
        )
        self.branch4 = nn.Sequential(
            nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=True), BasicConv2d(inp, pool_proj, kernel_size=1)
        )

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class InceptionAux(nn.Module):
    def __init__(self, inp: int, num_classes: int) -> None:
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d((4, 4))  # F.adaptive_avg_pool2d
        self.conv = BasicConv2d(inp, 128, kernel_size=1)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(2048, 1024)
        self.relu = nn.ReLU(inplace=True)  # F.relu
        self.dropout = nn.Dropout(0.7)  # F.dropout
        self.fc2 = nn.Linear(1024, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.flatten(self.conv(self.pool(x)))
        return self.fc2(self.dropout(self.relu(self.fc1(x))))


class GoogLeNet(nn.Module):
    """torchvision's GoogLeNet; with aux_logits the auxiliary heads always run (torchvision: only when training)."""

    def __init__(self, aux_logits: bool, num_classes: int = 1000) -> None:
        super().__init__()
        self.conv1 = BasicConv2d(3, 64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = BasicConv2d(64, 64, kernel_size=1)
        self.conv3 = BasicConv2d(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception3a = Inception(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = Inception(256, 128, 128, 192, 32, 96, 64)
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception4a = Inception(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = Inception(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = Inception(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = Inception(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = Inception(528, 256, 160, 320, 32, 128, 128)
        self.maxpool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
        self.inception5a = Inception(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = Inception(832, 384, 192, 384, 48, 128, 128)
        self.aux1 = InceptionAux(512, num_classes) if aux_logits else None
        self.aux2 = InceptionAux(528, num_classes) if aux_logits else None
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.flatten = nn.Flatten()
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(1024, num_classes)

    def forward(self, x: Tensor) -> Tensor | tuple[Tensor, Tensor, Tensor]:
        x = self.maxpool1(self.conv1(x))
        x = self.maxpool2(self.conv3(self.conv2(x)))
        x = self.maxpool3(self.inception3b(self.inception3a(x)))
        x = self.inception4a(x)
        aux1 = self.aux1(x) if self.aux1 is not None else None
        x = self.inception4d(self.inception4c(self.inception4b(x)))
        aux2 = self.aux2(x) if self.aux2 is not None else None
        x = self.maxpool4(self.inception4e(x))
        x = self.inception5b(self.inception5a(x))
        x = self.fc(self.dropout(self.flatten(self.avgpool(x))))
        if aux1 is None or aux2 is None:
            return x
        return x, aux1, aux2


#: Bundled spec name -> a builder of the same network in PyTorch.
NETS: dict[str, Callable[[], nn.Module]] = {
    "conv5x5_cifar": conv5x5_cifar,
    "lenet5": LeNet5,
    "kim2014_text_cnn": KimTextCNN,
    "googlenet_aux": lambda: GoogLeNet(aux_logits=True),
}
