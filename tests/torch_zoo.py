"""Torchvision's 72 CNN classifiers in plain PyTorch: the oracle of the tests of the bundled zoo specs.

Each builder in :data:`ZOO` returns the network that torchvision 0.29.1 builds for the
model's default weights (their number of classes; GoogLeNet without its auxiliary heads,
which torchvision drops after loading; Inception v3 with ``AuxLogits``; both with
``transform_input``), with torchvision's module tree: the same dotted module names, the
same ``state_dict()`` keys, shapes and order (BatchNorm's ``running_mean``,
``running_var`` and ``num_batches_tracked`` included), the same leaf-module classes and
hyperparameters, and the same forward in eval mode, functional operations included and
in the same order. Only the weight initialisation is PyTorch's default: torchvision's
schemes change values, never shapes. The tests match cnncount's layers to these modules
by their dotted names (``layer1.0.conv1``, ``features.3.block.1.fc1``, ...).

Checked against torchvision 0.29.1 (torch 2.14.1) for all 72 models, built on the meta
device: identical ``state_dict`` keys, order and shapes; identical named buffers; the
parameter count equal to the default weights' published ``num_params``; the same output
shape on the default input; the same ``FlopCounterMode`` total; the same sequence of
forward calls of leaf modules (name, class, ``repr``, input and output shapes); the same
sequence of dispatched aten operations with their output shapes. With torchvision's
(randomly initialised) weights and random BatchNorm statistics loaded, every model's
eval output on CPU was bit-identical to torchvision's.

torchvision itself is not used because its wheels are built against one exact torch
release and cannot load against the CPU torch the tests run under.

:data:`ZOO` gives each builder with its per-sample input shape, the crop size of the
default weights' transforms (16 frames for the video networks, the clip length of their
Kinetics-400 evaluation): the shapes of ``tests/zoo/published.py``, which also holds the
default weights' metadata as torchvision's source states it (``num_params``, ``_ops``).

Build large models on the meta device (``with torch.device("meta"): model = build()``):
a forward pass on a meta tensor then allocates nothing.
"""

from __future__ import annotations

import itertools
import math
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import torch
from torch import Tensor, nn
from torch.nn import functional as F

Layer = Callable[..., nn.Module]

# --- shared pieces ----------------------------------------------------------------------------


def _make_divisible(value: float, divisor: int) -> int:
    """``value`` rounded to the nearest multiple of ``divisor``, stepping up when that loses more than 10%."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


class ConvNormActivation(nn.Sequential):
    """Convolution, then a norm and an activation when given; the conv has a bias only without a norm."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, ...] = 3,
        stride: int | tuple[int, ...] = 1,
        padding: int | tuple[int, ...] | None = None,
        groups: int = 1,
        norm_layer: Layer | None = nn.BatchNorm2d,
        activation_layer: Layer | None = nn.ReLU,
        bias: bool | None = None,
        conv_layer: Layer = nn.Conv2d,
    ) -> None:
        if padding is None:
            assert isinstance(kernel_size, int), "a default padding needs a square kernel"
            padding = (kernel_size - 1) // 2
        layers = [
            conv_layer(
                in_channels,
                out_channels,
                kernel_size,
                stride,
                padding,
                groups=groups,
                bias=norm_layer is None if bias is None else bias,
            )
        ]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer(inplace=True))
        super().__init__(*layers)


class SqueezeExcitation(nn.Module):
    """Squeeze-and-excitation: channel weights from a pooled 1x1-conv bottleneck, multiplied in."""

    def __init__(
        self, channels: int, squeeze: int, activation: Layer = nn.ReLU, scale_activation: Layer = nn.Sigmoid
    ) -> None:
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, squeeze, 1)
        self.fc2 = nn.Conv2d(squeeze, channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def forward(self, x: Tensor) -> Tensor:
        scale = self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(x)))))
        return scale * x


class StochasticDepth(nn.Module):
    """Drops a residual branch for whole samples with probability ``p`` in training; the identity in eval."""

    def __init__(self, p: float, mode: str = "row") -> None:
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, x: Tensor) -> Tensor:
        if not self.training or self.p == 0.0:
            return x
        keep = 1.0 - self.p
        noise = x.new_empty([x.shape[0]] + [1] * (x.ndim - 1)).bernoulli_(keep)
        return x * (noise.div_(keep) if keep > 0.0 else noise)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p={self.p}, mode={self.mode})"


class Permute(nn.Module):
    """``torch.permute`` as a module."""

    def __init__(self, dims: list[int]) -> None:
        super().__init__()
        self.dims = dims

    def forward(self, x: Tensor) -> Tensor:
        return torch.permute(x, self.dims)


class FeaturesNet(nn.Module):
    """Features, pooling, flatten, classifier: the frame of AlexNet and VGG."""

    def __init__(self, features: nn.Module, avgpool: nn.Module, classifier: nn.Module) -> None:
        super().__init__()
        self.features = features
        self.avgpool = avgpool
        self.classifier = classifier

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


# --- AlexNet, VGG -----------------------------------------------------------------------------


def alexnet(num_classes: int = 1000) -> FeaturesNet:
    """AlexNet, torchvision's one-GPU variant (64-192-384-256-256 maps)."""
    pool = partial(nn.MaxPool2d, kernel_size=3, stride=2)
    features = nn.Sequential(
        nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2),
        nn.ReLU(inplace=True),
        pool(),
        nn.Conv2d(64, 192, kernel_size=5, padding=2),
        nn.ReLU(inplace=True),
        pool(),
        nn.Conv2d(192, 384, kernel_size=3, padding=1),
        nn.ReLU(inplace=True),
        nn.Conv2d(384, 256, kernel_size=3, padding=1),
        nn.ReLU(inplace=True),
        nn.Conv2d(256, 256, kernel_size=3, padding=1),
        nn.ReLU(inplace=True),
        pool(),
    )
    classifier = nn.Sequential(
        nn.Dropout(p=0.5),
        nn.Linear(256 * 6 * 6, 4096),
        nn.ReLU(inplace=True),
        nn.Dropout(p=0.5),
        nn.Linear(4096, 4096),
        nn.ReLU(inplace=True),
        nn.Linear(4096, num_classes),
    )
    return FeaturesNet(features, nn.AdaptiveAvgPool2d((6, 6)), classifier)


#: VGG's configurations by depth: conv widths, "M" a 2x2 max pooling.
VGG_CONFIGS: dict[int, tuple[int | str, ...]] = {
    11: (64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    13: (64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    16: (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"),
    19: (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"),
}


def vgg(depth: int, batch_norm: bool, num_classes: int = 1000) -> FeaturesNet:
    """VGG-``depth``, with a BatchNorm after each conv when ``batch_norm``."""
    layers: list[nn.Module] = []
    channels = 3
    for item in VGG_CONFIGS[depth]:
        if isinstance(item, str):
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        layers.append(nn.Conv2d(channels, item, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(item))
        layers.append(nn.ReLU(inplace=True))
        channels = item
    classifier = nn.Sequential(
        nn.Linear(512 * 7 * 7, 4096),
        nn.ReLU(True),
        nn.Dropout(p=0.5),
        nn.Linear(4096, 4096),
        nn.ReLU(True),
        nn.Dropout(p=0.5),
        nn.Linear(4096, num_classes),
    )
    return FeaturesNet(nn.Sequential(*layers), nn.AdaptiveAvgPool2d((7, 7)), classifier)


# --- ResNet, ResNeXt, wide ResNet -------------------------------------------------------------


class BasicBlock(nn.Module):
    """Two 3x3 convs and a shortcut (ResNet-18/34)."""

    expansion = 1

    def __init__(
        self,
        inplanes: int,
        planes: int,
        stride: int = 1,
        downsample: nn.Module | None = None,
        groups: int = 1,
        base_width: int = 64,
    ) -> None:
        super().__init__()
        if groups != 1 or base_width != 64:
            raise ValueError("BasicBlock only supports groups=1 and base_width=64")
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x: Tensor) -> Tensor:
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        out += x if self.downsample is None else self.downsample(x)
        return self.relu(out)


class Bottleneck(nn.Module):
    """1x1, grouped 3x3 (carrying the stride: ResNet v1.5), 1x1 x4 and a shortcut."""

    expansion = 4

    def __init__(
        self,
        inplanes: int,
        planes: int,
        stride: int = 1,
        downsample: nn.Module | None = None,
        groups: int = 1,
        base_width: int = 64,
    ) -> None:
        super().__init__()
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = nn.Conv2d(inplanes, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, groups=groups, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, planes * self.expansion, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x: Tensor) -> Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        out += x if self.downsample is None else self.downsample(x)
        return self.relu(out)


class ResNet(nn.Module):
    """ResNet with ``layers`` blocks per stage; ``groups`` and ``width_per_group`` make ResNeXt and wide ResNet."""

    layer1: nn.Sequential
    layer2: nn.Sequential
    layer3: nn.Sequential
    layer4: nn.Sequential

    def __init__(
        self,
        block: type[BasicBlock | Bottleneck],
        layers: Sequence[int],
        groups: int = 1,
        width_per_group: int = 64,
        num_classes: int = 1000,
    ) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        inplanes = 64
        for index, (planes, blocks) in enumerate(zip((64, 128, 256, 512), layers)):
            stride = 1 if index == 0 else 2
            out = planes * block.expansion
            downsample = None
            if stride != 1 or inplanes != out:
                downsample = nn.Sequential(nn.Conv2d(inplanes, out, 1, stride, bias=False), nn.BatchNorm2d(out))
            stage = [block(inplanes, planes, stride, downsample, groups, width_per_group)]
            stage += [block(out, planes, groups=groups, base_width=width_per_group) for _ in range(1, blocks)]
            self.add_module(f"layer{index + 1}", nn.Sequential(*stage))
            inplanes = out
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        for stage in (self.layer1, self.layer2, self.layer3, self.layer4):
            x = stage(x)
        return self.fc(torch.flatten(self.avgpool(x), 1))


# --- DenseNet ---------------------------------------------------------------------------------


class _DenseLayer(nn.Module):
    """BN-ReLU-1x1 conv to ``bn_size * growth`` maps, BN-ReLU-3x3 conv to ``growth`` maps."""

    def __init__(self, in_features: int, growth_rate: int, bn_size: int) -> None:
        super().__init__()
        self.norm1 = nn.BatchNorm2d(in_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(in_features, bn_size * growth_rate, kernel_size=1, stride=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, stride=1, padding=1, bias=False)

    def forward(self, features: list[Tensor]) -> Tensor:
        bottleneck = self.conv1(self.relu1(self.norm1(torch.cat(features, 1))))
        return self.conv2(self.relu2(self.norm2(bottleneck)))


class _DenseBlock(nn.ModuleDict):
    """Dense layers, each fed the concatenation of the block input and every earlier layer's output."""

    def __init__(self, num_layers: int, in_features: int, bn_size: int, growth_rate: int) -> None:
        super().__init__()
        for i in range(num_layers):
            self.add_module(f"denselayer{i + 1}", _DenseLayer(in_features + i * growth_rate, growth_rate, bn_size))

    def forward(self, x: Tensor) -> Tensor:
        features = [x]
        for layer in self.values():
            features.append(layer(features))
        return torch.cat(features, 1)


class _Transition(nn.Sequential):
    """BN, ReLU, 1x1 conv halving the maps, 2x2 average pooling."""

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(in_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(in_features, out_features, kernel_size=1, stride=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNet(nn.Module):
    """DenseNet-BC: dense blocks of ``block_config`` layers joined by halving transitions."""

    def __init__(
        self,
        growth_rate: int,
        block_config: Sequence[int],
        num_init_features: int,
        bn_size: int = 4,
        num_classes: int = 1000,
    ) -> None:
        super().__init__()
        self.features = nn.Sequential(
            OrderedDict(
                conv0=nn.Conv2d(3, num_init_features, kernel_size=7, stride=2, padding=3, bias=False),
                norm0=nn.BatchNorm2d(num_init_features),
                relu0=nn.ReLU(inplace=True),
                pool0=nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
            )
        )
        features = num_init_features
        for i, num_layers in enumerate(block_config):
            self.features.add_module(f"denseblock{i + 1}", _DenseBlock(num_layers, features, bn_size, growth_rate))
            features += num_layers * growth_rate
            if i != len(block_config) - 1:
                self.features.add_module(f"transition{i + 1}", _Transition(features, features // 2))
                features //= 2
        self.features.add_module("norm5", nn.BatchNorm2d(features))
        self.classifier = nn.Linear(features, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        out = F.adaptive_avg_pool2d(F.relu(self.features(x), inplace=True), (1, 1))
        return self.classifier(torch.flatten(out, 1))


# --- SqueezeNet -------------------------------------------------------------------------------


class Fire(nn.Module):
    """1x1 squeeze, then 1x1 and 3x3 expands concatenated."""

    def __init__(self, inplanes: int, squeeze_planes: int, expand1x1_planes: int, expand3x3_planes: int) -> None:
        super().__init__()
        self.squeeze = nn.Conv2d(inplanes, squeeze_planes, kernel_size=1)
        self.squeeze_activation = nn.ReLU(inplace=True)
        self.expand1x1 = nn.Conv2d(squeeze_planes, expand1x1_planes, kernel_size=1)
        self.expand1x1_activation = nn.ReLU(inplace=True)
        self.expand3x3 = nn.Conv2d(squeeze_planes, expand3x3_planes, kernel_size=3, padding=1)
        self.expand3x3_activation = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        x = self.squeeze_activation(self.squeeze(x))
        return torch.cat(
            [self.expand1x1_activation(self.expand1x1(x)), self.expand3x3_activation(self.expand3x3(x))], 1
        )


#: SqueezeNet versions: stem conv (maps, kernel), then "M" (3x3/2 max pooling, ceil mode) or a Fire's
#: (squeeze, expand) with both expands of that width.
SQUEEZENET_CONFIGS: dict[str, tuple[tuple[int, int], tuple[str | tuple[int, int], ...]]] = {
    "1_0": (
        (96, 7),
        ("M", (16, 64), (16, 64), (32, 128), "M", (32, 128), (48, 192), (48, 192), (64, 256), "M", (64, 256)),
    ),
    "1_1": (
        (64, 3),
        ("M", (16, 64), (16, 64), "M", (32, 128), (32, 128), "M", (48, 192), (48, 192), (64, 256), (64, 256)),
    ),
}


class SqueezeNet(nn.Module):
    """SqueezeNet 1.0 or 1.1: Fire modules, a 1x1 conv classifier and global average pooling."""

    def __init__(self, version: str, num_classes: int = 1000) -> None:
        super().__init__()
        (stem, kernel), items = SQUEEZENET_CONFIGS[version]
        layers: list[nn.Module] = [nn.Conv2d(3, stem, kernel_size=kernel, stride=2), nn.ReLU(inplace=True)]
        channels = stem
        for item in items:
            if isinstance(item, str):
                layers.append(nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True))
            else:
                squeeze, expand = item
                layers.append(Fire(channels, squeeze, expand, expand))
                channels = 2 * expand
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Dropout(p=0.5),
            nn.Conv2d(512, num_classes, kernel_size=1),
            nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool2d((1, 1)),
        )

    def forward(self, x: Tensor) -> Tensor:
        return torch.flatten(self.classifier(self.features(x)), 1)


# --- GoogLeNet, Inception v3 ------------------------------------------------------------------


def _transform_input(x: Tensor) -> Tensor:
    """Re-normalise from ImageNet's mean and std to the (0.5, 0.5) the ported Google weights expect."""
    stats = ((0.485, 0.229), (0.456, 0.224), (0.406, 0.225))
    return torch.cat(
        [torch.unsqueeze(x[:, i], 1) * (std / 0.5) + (mean - 0.5) / 0.5 for i, (mean, std) in enumerate(stats)], 1
    )


class BasicConv2d(nn.Module):
    """Conv without bias, BatchNorm (eps 0.001), functional ReLU."""

    def __init__(self, in_channels: int, out_channels: int, **kwargs: Any) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(self.bn(self.conv(x)), inplace=True)


class Inception(nn.Module):
    """GoogLeNet's inception module; its "5x5" branch has a 3x3 kernel (torchvision issue 906, kept for the weights)."""

    def __init__(
        self, in_channels: int, ch1x1: int, ch3x3red: int, ch3x3: int, ch5x5red: int, ch5x5: int, pool_proj: int
    ) -> None:
        super().__init__()
        self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(
            BasicConv2d(in_channels, ch3x3red, kernel_size=1), BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1)
        )
        self.branch3 = nn.Sequential(
            BasicConv2d(in_channels, ch5x5red, kernel_size=1), BasicConv2d(ch5x5red, ch5x5, kernel_size=3, padding=1)
        )
        self.branch4 = nn.Sequential(
            nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=True),
            BasicConv2d(in_channels, pool_proj, kernel_size=1),
        )

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class GoogLeNet(nn.Module):
    """GoogLeNet (Inception v1) as loaded with its default weights: input transform on, no auxiliary heads."""

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        pool = partial(nn.MaxPool2d, 3, stride=2, ceil_mode=True)
        self.conv1 = BasicConv2d(3, 64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = pool()
        self.conv2 = BasicConv2d(64, 64, kernel_size=1)
        self.conv3 = BasicConv2d(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = pool()
        self.inception3a = Inception(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = Inception(256, 128, 128, 192, 32, 96, 64)
        self.maxpool3 = pool()
        self.inception4a = Inception(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = Inception(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = Inception(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = Inception(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = Inception(528, 256, 160, 320, 32, 128, 128)
        self.maxpool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
        self.inception5a = Inception(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = Inception(832, 384, 192, 384, 48, 128, 128)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(p=0.2)
        self.fc = nn.Linear(1024, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = _transform_input(x)
        stem = (self.conv1, self.maxpool1, self.conv2, self.conv3, self.maxpool2)
        stage3 = (self.inception3a, self.inception3b, self.maxpool3)
        stage4 = (
            self.inception4a,
            self.inception4b,
            self.inception4c,
            self.inception4d,
            self.inception4e,
            self.maxpool4,
        )
        for module in (*stem, *stage3, *stage4, self.inception5a, self.inception5b):
            x = module(x)
        return self.fc(self.dropout(torch.flatten(self.avgpool(x), 1)))


class InceptionA(nn.Module):
    """35x35 module: 1x1, 5x5, double 3x3 and pooled 1x1 branches."""

    def __init__(self, in_channels: int, pool_features: int) -> None:
        super().__init__()
        self.branch1x1 = BasicConv2d(in_channels, 64, kernel_size=1)
        self.branch5x5_1 = BasicConv2d(in_channels, 48, kernel_size=1)
        self.branch5x5_2 = BasicConv2d(48, 64, kernel_size=5, padding=2)
        self.branch3x3dbl_1 = BasicConv2d(in_channels, 64, kernel_size=1)
        self.branch3x3dbl_2 = BasicConv2d(64, 96, kernel_size=3, padding=1)
        self.branch3x3dbl_3 = BasicConv2d(96, 96, kernel_size=3, padding=1)
        self.branch_pool = BasicConv2d(in_channels, pool_features, kernel_size=1)

    def forward(self, x: Tensor) -> Tensor:
        branch1x1 = self.branch1x1(x)
        branch5x5 = self.branch5x5_2(self.branch5x5_1(x))
        branch3x3dbl = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        branch_pool = self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1))
        return torch.cat([branch1x1, branch5x5, branch3x3dbl, branch_pool], 1)


class InceptionB(nn.Module):
    """Grid reduction 35 -> 17: strided 3x3, strided double 3x3, max pooling."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch3x3 = BasicConv2d(in_channels, 384, kernel_size=3, stride=2)
        self.branch3x3dbl_1 = BasicConv2d(in_channels, 64, kernel_size=1)
        self.branch3x3dbl_2 = BasicConv2d(64, 96, kernel_size=3, padding=1)
        self.branch3x3dbl_3 = BasicConv2d(96, 96, kernel_size=3, stride=2)

    def forward(self, x: Tensor) -> Tensor:
        branch3x3 = self.branch3x3(x)
        branch3x3dbl = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        return torch.cat([branch3x3, branch3x3dbl, F.max_pool2d(x, kernel_size=3, stride=2)], 1)


class InceptionC(nn.Module):
    """17x17 module with factorised 7x7 convs (1x7 and 7x1) of ``channels_7x7`` maps."""

    def __init__(self, in_channels: int, channels_7x7: int) -> None:
        super().__init__()
        c7 = channels_7x7
        row, col = {"kernel_size": (1, 7), "padding": (0, 3)}, {"kernel_size": (7, 1), "padding": (3, 0)}
        self.branch1x1 = BasicConv2d(in_channels, 192, kernel_size=1)
        self.branch7x7_1 = BasicConv2d(in_channels, c7, kernel_size=1)
        self.branch7x7_2 = BasicConv2d(c7, c7, **row)
        self.branch7x7_3 = BasicConv2d(c7, 192, **col)
        self.branch7x7dbl_1 = BasicConv2d(in_channels, c7, kernel_size=1)
        self.branch7x7dbl_2 = BasicConv2d(c7, c7, **col)
        self.branch7x7dbl_3 = BasicConv2d(c7, c7, **row)
        self.branch7x7dbl_4 = BasicConv2d(c7, c7, **col)
        self.branch7x7dbl_5 = BasicConv2d(c7, 192, **row)
        self.branch_pool = BasicConv2d(in_channels, 192, kernel_size=1)

    def forward(self, x: Tensor) -> Tensor:
        branch1x1 = self.branch1x1(x)
        branch7x7 = self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x)))
        branch7x7dbl = self.branch7x7dbl_1(x)
        for conv in (self.branch7x7dbl_2, self.branch7x7dbl_3, self.branch7x7dbl_4, self.branch7x7dbl_5):
            branch7x7dbl = conv(branch7x7dbl)
        branch_pool = self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1))
        return torch.cat([branch1x1, branch7x7, branch7x7dbl, branch_pool], 1)


class InceptionD(nn.Module):
    """Grid reduction 17 -> 8: strided 3x3, 7x7 then strided 3x3, max pooling."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch3x3_1 = BasicConv2d(in_channels, 192, kernel_size=1)
        self.branch3x3_2 = BasicConv2d(192, 320, kernel_size=3, stride=2)
        self.branch7x7x3_1 = BasicConv2d(in_channels, 192, kernel_size=1)
        self.branch7x7x3_2 = BasicConv2d(192, 192, kernel_size=(1, 7), padding=(0, 3))
        self.branch7x7x3_3 = BasicConv2d(192, 192, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7x3_4 = BasicConv2d(192, 192, kernel_size=3, stride=2)

    def forward(self, x: Tensor) -> Tensor:
        branch3x3 = self.branch3x3_2(self.branch3x3_1(x))
        branch7x7x3 = self.branch7x7x3_1(x)
        for conv in (self.branch7x7x3_2, self.branch7x7x3_3, self.branch7x7x3_4):
            branch7x7x3 = conv(branch7x7x3)
        return torch.cat([branch3x3, branch7x7x3, F.max_pool2d(x, kernel_size=3, stride=2)], 1)


class InceptionE(nn.Module):
    """8x8 module whose 3x3 branches end in parallel 1x3 and 3x1 convs, concatenated."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        row, col = {"kernel_size": (1, 3), "padding": (0, 1)}, {"kernel_size": (3, 1), "padding": (1, 0)}
        self.branch1x1 = BasicConv2d(in_channels, 320, kernel_size=1)
        self.branch3x3_1 = BasicConv2d(in_channels, 384, kernel_size=1)
        self.branch3x3_2a = BasicConv2d(384, 384, **row)
        self.branch3x3_2b = BasicConv2d(384, 384, **col)
        self.branch3x3dbl_1 = BasicConv2d(in_channels, 448, kernel_size=1)
        self.branch3x3dbl_2 = BasicConv2d(448, 384, kernel_size=3, padding=1)
        self.branch3x3dbl_3a = BasicConv2d(384, 384, **row)
        self.branch3x3dbl_3b = BasicConv2d(384, 384, **col)
        self.branch_pool = BasicConv2d(in_channels, 192, kernel_size=1)

    def forward(self, x: Tensor) -> Tensor:
        branch1x1 = self.branch1x1(x)
        branch3x3 = self.branch3x3_1(x)
        branch3x3 = torch.cat([self.branch3x3_2a(branch3x3), self.branch3x3_2b(branch3x3)], 1)
        branch3x3dbl = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        branch3x3dbl = torch.cat([self.branch3x3dbl_3a(branch3x3dbl), self.branch3x3dbl_3b(branch3x3dbl)], 1)
        branch_pool = self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1))
        return torch.cat([branch1x1, branch3x3, branch3x3dbl, branch_pool], 1)


class InceptionAux(nn.Module):
    """Inception v3's auxiliary classifier on the 17x17 grid."""

    def __init__(self, in_channels: int, num_classes: int) -> None:
        super().__init__()
        self.conv0 = BasicConv2d(in_channels, 128, kernel_size=1)
        self.conv1 = BasicConv2d(128, 768, kernel_size=5)
        self.fc = nn.Linear(768, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv1(self.conv0(F.avg_pool2d(x, kernel_size=5, stride=3)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, (1, 1)), 1))


class Inception3(nn.Module):
    """Inception v3 as loaded with its default weights: input transform on, ``AuxLogits`` kept.

    As in torchvision, the auxiliary head runs in training mode only, where forward returns
    ``(logits, aux_logits)``; in eval it returns the logits alone.
    """

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        self.Conv2d_1a_3x3 = BasicConv2d(3, 32, kernel_size=3, stride=2)
        self.Conv2d_2a_3x3 = BasicConv2d(32, 32, kernel_size=3)
        self.Conv2d_2b_3x3 = BasicConv2d(32, 64, kernel_size=3, padding=1)
        self.maxpool1 = nn.MaxPool2d(kernel_size=3, stride=2)
        self.Conv2d_3b_1x1 = BasicConv2d(64, 80, kernel_size=1)
        self.Conv2d_4a_3x3 = BasicConv2d(80, 192, kernel_size=3)
        self.maxpool2 = nn.MaxPool2d(kernel_size=3, stride=2)
        self.Mixed_5b = InceptionA(192, pool_features=32)
        self.Mixed_5c = InceptionA(256, pool_features=64)
        self.Mixed_5d = InceptionA(288, pool_features=64)
        self.Mixed_6a = InceptionB(288)
        self.Mixed_6b = InceptionC(768, channels_7x7=128)
        self.Mixed_6c = InceptionC(768, channels_7x7=160)
        self.Mixed_6d = InceptionC(768, channels_7x7=160)
        self.Mixed_6e = InceptionC(768, channels_7x7=192)
        self.AuxLogits = InceptionAux(768, num_classes)
        self.Mixed_7a = InceptionD(768)
        self.Mixed_7b = InceptionE(1280)
        self.Mixed_7c = InceptionE(2048)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(p=0.5)
        self.fc = nn.Linear(2048, num_classes)

    def forward(self, x: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        x = _transform_input(x)
        stem = (self.Conv2d_1a_3x3, self.Conv2d_2a_3x3, self.Conv2d_2b_3x3, self.maxpool1, self.Conv2d_3b_1x1)
        mixed = (self.Conv2d_4a_3x3, self.maxpool2, self.Mixed_5b, self.Mixed_5c, self.Mixed_5d, self.Mixed_6a)
        for module in (*stem, *mixed, self.Mixed_6b, self.Mixed_6c, self.Mixed_6d, self.Mixed_6e):
            x = module(x)
        aux = self.AuxLogits(x) if self.training else None
        x = self.Mixed_7c(self.Mixed_7b(self.Mixed_7a(x)))
        x = self.fc(torch.flatten(self.dropout(self.avgpool(x)), 1))
        return x if aux is None else (x, aux)


# --- MobileNet v2 and v3, MNASNet -------------------------------------------------------------


class InvertedResidual(nn.Module):
    """MobileNet v2's block: 1x1 expansion (unless ``expand_ratio`` is 1), 3x3 depthwise, linear 1x1 projection."""

    def __init__(self, inp: int, oup: int, stride: int, expand_ratio: int) -> None:
        super().__init__()
        hidden = int(round(inp * expand_ratio))
        self.use_res_connect = stride == 1 and inp == oup
        layers: list[nn.Module] = []
        if expand_ratio != 1:
            layers.append(ConvNormActivation(inp, hidden, kernel_size=1, activation_layer=nn.ReLU6))
        layers += [
            ConvNormActivation(hidden, hidden, stride=stride, groups=hidden, activation_layer=nn.ReLU6),
            nn.Conv2d(hidden, oup, 1, 1, 0, bias=False),
            nn.BatchNorm2d(oup),
        ]
        self.conv = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


#: MobileNet v2's stages: expansion t, output channels c, repeats n, first stride s.
MOBILENET_V2_SETTING = (
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
)


class MobileNetV2(nn.Module):
    """MobileNet v2 at width 1.0."""

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        channels = 32
        layers: list[nn.Module] = [ConvNormActivation(3, channels, stride=2, activation_layer=nn.ReLU6)]
        for t, c, n, s in MOBILENET_V2_SETTING:
            for i in range(n):
                layers.append(InvertedResidual(channels, c, s if i == 0 else 1, expand_ratio=t))
                channels = c
        layers.append(ConvNormActivation(channels, 1280, kernel_size=1, activation_layer=nn.ReLU6))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(p=0.2), nn.Linear(1280, num_classes))

    def forward(self, x: Tensor) -> Tensor:
        x = F.adaptive_avg_pool2d(self.features(x), (1, 1))
        return self.classifier(torch.flatten(x, 1))


#: MobileNet v3's blocks: input, kernel, expanded, output channels, squeeze-excitation, hard-swish, stride.
MOBILENET_V3_SETTINGS: dict[str, tuple[tuple[tuple[int, int, int, int, bool, bool, int], ...], int]] = {
    "large": (
        (
            (16, 3, 16, 16, False, False, 1),
            (16, 3, 64, 24, False, False, 2),
            (24, 3, 72, 24, False, False, 1),
            (24, 5, 72, 40, True, False, 2),
            (40, 5, 120, 40, True, False, 1),
            (40, 5, 120, 40, True, False, 1),
            (40, 3, 240, 80, False, True, 2),
            (80, 3, 200, 80, False, True, 1),
            (80, 3, 184, 80, False, True, 1),
            (80, 3, 184, 80, False, True, 1),
            (80, 3, 480, 112, True, True, 1),
            (112, 3, 672, 112, True, True, 1),
            (112, 5, 672, 160, True, True, 2),
            (160, 5, 960, 160, True, True, 1),
            (160, 5, 960, 160, True, True, 1),
        ),
        1280,
    ),
    "small": (
        (
            (16, 3, 16, 16, True, False, 2),
            (16, 3, 72, 24, False, False, 2),
            (24, 3, 88, 24, False, False, 1),
            (24, 5, 96, 40, True, True, 2),
            (40, 5, 240, 40, True, True, 1),
            (40, 5, 240, 40, True, True, 1),
            (40, 5, 120, 48, True, True, 1),
            (48, 5, 144, 48, True, True, 1),
            (48, 5, 288, 96, True, True, 2),
            (96, 5, 576, 96, True, True, 1),
            (96, 5, 576, 96, True, True, 1),
        ),
        1024,
    ),
}


class InvertedResidualV3(nn.Module):
    """MobileNet v3's block: expansion, depthwise, optional squeeze-excitation (hard sigmoid), projection."""

    def __init__(
        self, cin: int, kernel: int, expanded: int, cout: int, use_se: bool, use_hs: bool, stride: int, norm: Layer
    ) -> None:
        super().__init__()
        self.use_res_connect = stride == 1 and cin == cout
        act = nn.Hardswish if use_hs else nn.ReLU
        layers: list[nn.Module] = []
        if expanded != cin:
            layers.append(ConvNormActivation(cin, expanded, kernel_size=1, norm_layer=norm, activation_layer=act))
        layers.append(
            ConvNormActivation(
                expanded,
                expanded,
                kernel_size=kernel,
                stride=stride,
                groups=expanded,
                norm_layer=norm,
                activation_layer=act,
            )
        )
        if use_se:
            layers.append(
                SqueezeExcitation(expanded, _make_divisible(expanded // 4, 8), scale_activation=nn.Hardsigmoid)
            )
        layers.append(ConvNormActivation(expanded, cout, kernel_size=1, norm_layer=norm, activation_layer=None))
        self.block = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        result = self.block(x)
        if self.use_res_connect:
            result += x
        return result


class MobileNetV3(nn.Module):
    """MobileNet v3 large or small at width 1.0."""

    def __init__(self, arch: str, num_classes: int = 1000) -> None:
        super().__init__()
        setting, last_channel = MOBILENET_V3_SETTINGS[arch]
        norm = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
        layers: list[nn.Module] = [
            ConvNormActivation(3, setting[0][0], stride=2, norm_layer=norm, activation_layer=nn.Hardswish)
        ]
        layers += [InvertedResidualV3(*row, norm=norm) for row in setting]
        last = setting[-1][3]
        layers.append(ConvNormActivation(last, 6 * last, kernel_size=1, norm_layer=norm, activation_layer=nn.Hardswish))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(
            nn.Linear(6 * last, last_channel),
            nn.Hardswish(inplace=True),
            nn.Dropout(p=0.2, inplace=True),
            nn.Linear(last_channel, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


_MNASNET_BN_MOMENTUM = 1 - 0.9997


class _MNASNetResidual(nn.Module):
    """MNASNet's inverted residual: 1x1 expansion, kxk depthwise, linear 1x1 projection."""

    def __init__(self, in_ch: int, out_ch: int, kernel_size: int, stride: int, expansion: int) -> None:
        super().__init__()
        mid = in_ch * expansion
        self.apply_residual = in_ch == out_ch and stride == 1
        norm = partial(nn.BatchNorm2d, momentum=_MNASNET_BN_MOMENTUM)
        self.layers = nn.Sequential(
            nn.Conv2d(in_ch, mid, 1, bias=False),
            norm(mid),
            nn.ReLU(inplace=True),
            nn.Conv2d(mid, mid, kernel_size, padding=kernel_size // 2, stride=stride, groups=mid, bias=False),
            norm(mid),
            nn.ReLU(inplace=True),
            nn.Conv2d(mid, out_ch, 1, bias=False),
            norm(out_ch),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.layers(x) + x if self.apply_residual else self.layers(x)


#: MNASNet-B1's stacks after the stem: kernel, first stride, expansion, repeats.
MNASNET_STACKS = ((3, 2, 3, 3), (5, 2, 3, 3), (5, 2, 6, 3), (3, 1, 6, 2), (5, 2, 6, 4), (3, 1, 6, 1))


class MNASNet(nn.Module):
    """MNASNet-B1 with every depth scaled by ``alpha`` (rounded to multiples of 8, preferring up)."""

    def __init__(self, alpha: float, num_classes: int = 1000) -> None:
        super().__init__()
        d = [_make_divisible(depth * alpha, 8) for depth in (32, 16, 24, 40, 80, 96, 192, 320)]
        norm = partial(nn.BatchNorm2d, momentum=_MNASNET_BN_MOMENTUM)
        layers: list[nn.Module] = [
            nn.Conv2d(3, d[0], 3, padding=1, stride=2, bias=False),
            norm(d[0]),
            nn.ReLU(inplace=True),
            nn.Conv2d(d[0], d[0], 3, padding=1, stride=1, groups=d[0], bias=False),
            norm(d[0]),
            nn.ReLU(inplace=True),
            nn.Conv2d(d[0], d[1], 1, padding=0, stride=1, bias=False),
            norm(d[1]),
        ]
        for (kernel, stride, expansion, repeats), cin, cout in zip(MNASNET_STACKS, d[1:], d[2:]):
            stack = [_MNASNetResidual(cin, cout, kernel, stride, expansion)]
            stack += [_MNASNetResidual(cout, cout, kernel, 1, expansion) for _ in range(1, repeats)]
            layers.append(nn.Sequential(*stack))
        layers += [nn.Conv2d(d[7], 1280, 1, padding=0, stride=1, bias=False), norm(1280), nn.ReLU(inplace=True)]
        self.layers = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(p=0.2, inplace=True), nn.Linear(1280, num_classes))

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.layers(x).mean([2, 3]))


# --- ShuffleNet v2 ----------------------------------------------------------------------------


def _channel_shuffle(x: Tensor, groups: int) -> Tensor:
    """Interleave the channels of ``groups`` equal groups."""
    batch, channels, height, width = x.size()
    x = torch.transpose(x.view(batch, groups, channels // groups, height, width), 1, 2).contiguous()
    return x.view(batch, channels, height, width)


class ShuffleUnit(nn.Module):
    """ShuffleNet v2 unit: stride 1 splits the channels and transforms one half; stride 2 transforms both copies."""

    def __init__(self, inp: int, oup: int, stride: int) -> None:
        super().__init__()
        self.stride = stride
        half = oup // 2
        self.branch1 = nn.Sequential()  # empty, and never called, at stride 1
        if stride > 1:
            self.branch1 = nn.Sequential(
                nn.Conv2d(inp, inp, 3, stride, 1, bias=False, groups=inp),
                nn.BatchNorm2d(inp),
                nn.Conv2d(inp, half, kernel_size=1, stride=1, padding=0, bias=False),
                nn.BatchNorm2d(half),
                nn.ReLU(inplace=True),
            )
        self.branch2 = nn.Sequential(
            nn.Conv2d(inp if stride > 1 else half, half, kernel_size=1, stride=1, padding=0, bias=False),
            nn.BatchNorm2d(half),
            nn.ReLU(inplace=True),
            nn.Conv2d(half, half, 3, stride, 1, bias=False, groups=half),
            nn.BatchNorm2d(half),
            nn.Conv2d(half, half, kernel_size=1, stride=1, padding=0, bias=False),
            nn.BatchNorm2d(half),
            nn.ReLU(inplace=True),
        )

    def forward(self, x: Tensor) -> Tensor:
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = torch.cat((x1, self.branch2(x2)), dim=1)
        else:
            out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
        return _channel_shuffle(out, 2)


class ShuffleNetV2(nn.Module):
    """ShuffleNet v2 with stages of 4, 8, 4 units; ``widths``: stem, the three stages, conv5."""

    stage2: nn.Sequential
    stage3: nn.Sequential
    stage4: nn.Sequential

    def __init__(self, widths: Sequence[int], num_classes: int = 1000) -> None:
        super().__init__()
        self.conv1 = nn.Sequential(
            nn.Conv2d(3, widths[0], 3, 2, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True)
        )
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        for index, (repeats, cin, cout) in enumerate(zip((4, 8, 4), widths[:3], widths[1:4])):
            units = [ShuffleUnit(cin, cout, 2)] + [ShuffleUnit(cout, cout, 1) for _ in range(repeats - 1)]
            self.add_module(f"stage{index + 2}", nn.Sequential(*units))
        self.conv5 = nn.Sequential(
            nn.Conv2d(widths[3], widths[4], 1, 1, 0, bias=False), nn.BatchNorm2d(widths[4]), nn.ReLU(inplace=True)
        )
        self.fc = nn.Linear(widths[4], num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.stage4(self.stage3(self.stage2(self.maxpool(self.conv1(x)))))
        return self.fc(self.conv5(x).mean([2, 3]))


# --- EfficientNet v1 and v2 -------------------------------------------------------------------


class _MBBlock(nn.Module):
    """An EfficientNet block: ``layers``, with stochastic depth and a shortcut when shape-preserving."""

    def __init__(self, layers: list[nn.Module], use_res_connect: bool, sd_prob: float) -> None:
        super().__init__()
        self.use_res_connect = use_res_connect
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(sd_prob, "row")

    def forward(self, x: Tensor) -> Tensor:
        result = self.block(x)
        if self.use_res_connect:
            result = self.stochastic_depth(result)
            result += x
        return result


class MBConv(_MBBlock):
    """1x1 expansion (unless 1), kxk depthwise, squeeze-excitation (SiLU), 1x1 projection; SiLU throughout."""

    def __init__(
        self, expand_ratio: float, kernel: int, stride: int, cin: int, cout: int, sd_prob: float, norm: Layer
    ) -> None:
        expanded = _make_divisible(cin * expand_ratio, 8)
        conv = partial(ConvNormActivation, norm_layer=norm, activation_layer=nn.SiLU)
        layers: list[nn.Module] = [conv(cin, expanded, kernel_size=1)] if expanded != cin else []
        layers += [
            conv(expanded, expanded, kernel_size=kernel, stride=stride, groups=expanded),
            SqueezeExcitation(expanded, max(1, cin // 4), activation=partial(nn.SiLU, inplace=True)),
            conv(expanded, cout, kernel_size=1, activation_layer=None),
        ]
        super().__init__(layers, stride == 1 and cin == cout, sd_prob)


class FusedMBConv(_MBBlock):
    """EfficientNet v2's fused block: kxk expansion and 1x1 projection, or a single kxk conv when not expanding."""

    def __init__(
        self, expand_ratio: float, kernel: int, stride: int, cin: int, cout: int, sd_prob: float, norm: Layer
    ) -> None:
        expanded = _make_divisible(cin * expand_ratio, 8)
        conv = partial(ConvNormActivation, norm_layer=norm, activation_layer=nn.SiLU)
        layers: list[nn.Module]
        if expanded != cin:
            layers = [
                conv(cin, expanded, kernel_size=kernel, stride=stride),
                conv(expanded, cout, kernel_size=1, activation_layer=None),
            ]
        else:
            layers = [conv(cin, cout, kernel_size=kernel, stride=stride)]
        super().__init__(layers, stride == 1 and cin == cout, sd_prob)


#: EfficientNet's stages: block, expansion, kernel, first stride, input and output channels, repeats.
StageRow = tuple[type[MBConv] | type[FusedMBConv], int, int, int, int, int, int]
EFFICIENTNET_V1_STAGES: tuple[StageRow, ...] = (
    (MBConv, 1, 3, 1, 32, 16, 1),
    (MBConv, 6, 3, 2, 16, 24, 2),
    (MBConv, 6, 5, 2, 24, 40, 2),
    (MBConv, 6, 3, 2, 40, 80, 3),
    (MBConv, 6, 5, 1, 80, 112, 3),
    (MBConv, 6, 5, 2, 112, 192, 4),
    (MBConv, 6, 3, 1, 192, 320, 1),
)
EFFICIENTNET_V2_STAGES: dict[str, tuple[StageRow, ...]] = {
    "s": (
        (FusedMBConv, 1, 3, 1, 24, 24, 2),
        (FusedMBConv, 4, 3, 2, 24, 48, 4),
        (FusedMBConv, 4, 3, 2, 48, 64, 4),
        (MBConv, 4, 3, 2, 64, 128, 6),
        (MBConv, 6, 3, 1, 128, 160, 9),
        (MBConv, 6, 3, 2, 160, 256, 15),
    ),
    "m": (
        (FusedMBConv, 1, 3, 1, 24, 24, 3),
        (FusedMBConv, 4, 3, 2, 24, 48, 5),
        (FusedMBConv, 4, 3, 2, 48, 80, 5),
        (MBConv, 4, 3, 2, 80, 160, 7),
        (MBConv, 6, 3, 1, 160, 176, 14),
        (MBConv, 6, 3, 2, 176, 304, 18),
        (MBConv, 6, 3, 1, 304, 512, 5),
    ),
    "l": (
        (FusedMBConv, 1, 3, 1, 32, 32, 4),
        (FusedMBConv, 4, 3, 2, 32, 64, 7),
        (FusedMBConv, 4, 3, 2, 64, 96, 7),
        (MBConv, 4, 3, 2, 96, 192, 10),
        (MBConv, 6, 3, 1, 192, 224, 19),
        (MBConv, 6, 3, 2, 224, 384, 25),
        (MBConv, 6, 3, 1, 384, 640, 7),
    ),
}
#: EfficientNet-B0..B7: width and depth multipliers, classifier dropout.
EFFICIENTNET_V1_SCALES = {
    "b0": (1.0, 1.0, 0.2),
    "b1": (1.0, 1.1, 0.2),
    "b2": (1.1, 1.2, 0.3),
    "b3": (1.2, 1.4, 0.3),
    "b4": (1.4, 1.8, 0.4),
    "b5": (1.6, 2.2, 0.4),
    "b6": (1.8, 2.6, 0.5),
    "b7": (2.0, 3.1, 0.5),
}


class EfficientNet(nn.Module):
    """EfficientNet from stage rows; stochastic depth rises linearly to 0.2 over the blocks."""

    def __init__(
        self,
        stages: Sequence[StageRow],
        dropout: float,
        norm: Layer,
        last_channel: int | None = None,
        width_mult: float = 1.0,
        depth_mult: float = 1.0,
        num_classes: int = 1000,
    ) -> None:
        super().__init__()

        def width(channels: int) -> int:
            return _make_divisible(channels * width_mult, 8)

        rows = [
            (block, e, k, s, width(cin), width(cout), math.ceil(n * depth_mult))
            for block, e, k, s, cin, cout, n in stages
        ]
        layers: list[nn.Module] = [
            ConvNormActivation(3, rows[0][4], stride=2, norm_layer=norm, activation_layer=nn.SiLU)
        ]
        total = sum(row[6] for row in rows)
        index = 0
        for block, expand, kernel, stride, cin, cout, repeats in rows:
            stage = []
            for i in range(repeats):
                sd_prob = 0.2 * float(index) / total
                stage.append(block(expand, kernel, 1 if i else stride, cout if i else cin, cout, sd_prob, norm))
                index += 1
            layers.append(nn.Sequential(*stage))
        last_in = rows[-1][5]
        last = last_channel or 4 * last_in
        layers.append(ConvNormActivation(last_in, last, kernel_size=1, norm_layer=norm, activation_layer=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(last, num_classes))

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


def efficientnet_v1(variant: str, num_classes: int = 1000) -> EfficientNet:
    """EfficientNet-B0..B7; B5-B7 have BatchNorm eps 0.001 and momentum 0.01."""
    width, depth, dropout = EFFICIENTNET_V1_SCALES[variant]
    tf_port = variant in ("b5", "b6", "b7")
    norm = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01) if tf_port else nn.BatchNorm2d
    return EfficientNet(EFFICIENTNET_V1_STAGES, dropout, norm, None, width, depth, num_classes)


def efficientnet_v2(variant: str, num_classes: int = 1000) -> EfficientNet:
    """EfficientNet v2 S, M or L: classifier dropout 0.2, 0.3, 0.4, BatchNorm eps 0.001, 1280 final maps."""
    dropout = {"s": 0.2, "m": 0.3, "l": 0.4}[variant]
    return EfficientNet(
        EFFICIENTNET_V2_STAGES[variant], dropout, partial(nn.BatchNorm2d, eps=1e-03), 1280, num_classes=num_classes
    )


# --- RegNet -----------------------------------------------------------------------------------


def regnet_stages(depth: int, w_0: int, w_a: float, w_m: float, group_width: int) -> list[tuple[int, int, int]]:
    """RegNet's stages, (width, depth, group width), from its linear width rule quantised in log space.

    The widths are computed in float32 CPU tensors, as torchvision does: the roundings depend on it.
    """
    widths_cont = torch.arange(depth, device="cpu") * w_a + w_0
    capacity = torch.round(torch.log(widths_cont / w_0) / math.log(w_m))
    block_widths = (torch.round(torch.divide(w_0 * torch.pow(w_m, capacity), 8)) * 8).int().tolist()
    stages = []
    for width, run in itertools.groupby(block_widths):
        group = min(group_width, width)
        stages.append((_make_divisible(width, group), len(list(run)), group))
    return stages


class BottleneckTransform(nn.Sequential):
    """RegNet's residual branch: 1x1, grouped 3x3, squeeze-excitation (RegNetY), 1x1."""

    def __init__(self, width_in: int, width_out: int, stride: int, group_width: int, se_ratio: float | None) -> None:
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        layers["a"] = ConvNormActivation(width_in, width_out, kernel_size=1)
        layers["b"] = ConvNormActivation(width_out, width_out, stride=stride, groups=width_out // group_width)
        if se_ratio:
            layers["se"] = SqueezeExcitation(width_out, int(round(se_ratio * width_in)))
        layers["c"] = ConvNormActivation(width_out, width_out, kernel_size=1, activation_layer=None)
        super().__init__(layers)


class ResBottleneckBlock(nn.Module):
    """``proj(x) + f(x)``, then ReLU; ``proj`` (1x1 conv, BN) only when the width or the size changes."""

    def __init__(self, width_in: int, width_out: int, stride: int, group_width: int, se_ratio: float | None) -> None:
        super().__init__()
        self.proj = None
        if width_in != width_out or stride != 1:
            self.proj = ConvNormActivation(width_in, width_out, kernel_size=1, stride=stride, activation_layer=None)
        self.f = BottleneckTransform(width_in, width_out, stride, group_width, se_ratio)
        self.activation = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.f(x) if self.proj is None else self.proj(x) + self.f(x)
        return self.activation(x)


class RegNet(nn.Module):
    """RegNetX (``se_ratio`` None) or RegNetY (0.25) from the width rule ``w_0 + w_a * i``, stepped by ``w_m``."""

    def __init__(
        self,
        depth: int,
        w_0: int,
        w_a: float,
        w_m: float,
        group_width: int,
        se_ratio: float | None = None,
        num_classes: int = 1000,
    ) -> None:
        super().__init__()
        self.stem = ConvNormActivation(3, 32, stride=2)
        width_in = 32
        stages = []
        for i, (width, blocks, group) in enumerate(regnet_stages(depth, w_0, w_a, w_m, group_width), start=1):
            stage = nn.Sequential()
            for j in range(blocks):
                block = ResBottleneckBlock(width if j else width_in, width, 1 if j else 2, group, se_ratio)
                stage.add_module(f"block{i}-{j}", block)
            stages.append((f"block{i}", stage))
            width_in = width
        self.trunk_output = nn.Sequential(OrderedDict(stages))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(in_features=width_in, out_features=num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self.avgpool(self.trunk_output(self.stem(x))).flatten(start_dim=1))


#: RegNet designs: depth, w_0, w_a, w_m, group width.
REGNET_X = {
    "400mf": (22, 24, 24.48, 2.54, 16),
    "800mf": (16, 56, 35.73, 2.28, 16),
    "1_6gf": (18, 80, 34.01, 2.25, 24),
    "3_2gf": (25, 88, 26.31, 2.25, 48),
    "8gf": (23, 80, 49.56, 2.88, 120),
    "16gf": (22, 216, 55.59, 2.1, 128),
    "32gf": (23, 320, 69.86, 2.0, 168),
}
REGNET_Y = {
    "400mf": (16, 48, 27.89, 2.09, 8),
    "800mf": (14, 56, 38.84, 2.4, 16),
    "1_6gf": (27, 48, 20.71, 2.65, 24),
    "3_2gf": (21, 80, 42.63, 2.66, 24),
    "8gf": (17, 192, 76.82, 2.19, 56),
    "16gf": (18, 200, 106.23, 2.48, 112),
    "32gf": (20, 232, 115.89, 2.53, 232),
    "128gf": (27, 456, 160.83, 2.52, 264),
}


# --- ConvNeXt ---------------------------------------------------------------------------------


class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channels of an NCHW tensor (permuted to NHWC and back)."""

    def forward(self, x: Tensor) -> Tensor:
        x = F.layer_norm(x.permute(0, 2, 3, 1), self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class CNBlock(nn.Module):
    """7x7 depthwise conv, LayerNorm, 4x MLP in NHWC, per-channel ``layer_scale``, stochastic depth, shortcut."""

    def __init__(self, dim: int, layer_scale: float, sd_prob: float) -> None:
        super().__init__()
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim, bias=True),
            Permute([0, 2, 3, 1]),
            nn.LayerNorm(dim, eps=1e-6),
            nn.Linear(in_features=dim, out_features=4 * dim, bias=True),
            nn.GELU(),
            nn.Linear(in_features=4 * dim, out_features=dim, bias=True),
            Permute([0, 3, 1, 2]),
        )
        self.layer_scale = nn.Parameter(torch.ones(dim, 1, 1) * layer_scale)
        self.stochastic_depth = StochasticDepth(sd_prob, "row")

    def forward(self, x: Tensor) -> Tensor:
        result = self.stochastic_depth(self.layer_scale * self.block(x))
        result += x
        return result


#: ConvNeXt sizes: stage widths, stage depths, top stochastic-depth probability.
CONVNEXT = {
    "tiny": ((96, 192, 384, 768), (3, 3, 9, 3), 0.1),
    "small": ((96, 192, 384, 768), (3, 3, 27, 3), 0.4),
    "base": ((128, 256, 512, 1024), (3, 3, 27, 3), 0.5),
    "large": ((192, 384, 768, 1536), (3, 3, 27, 3), 0.5),
}


class ConvNeXt(nn.Module):
    """ConvNeXt: 4x4/4 patchify stem, stages joined by LayerNorm and 2x2/2 convs, LayerNorm before the head."""

    def __init__(self, size: str, num_classes: int = 1000) -> None:
        super().__init__()
        widths, depths, sd_top = CONVNEXT[size]
        norm = partial(LayerNorm2d, eps=1e-6)
        layers: list[nn.Module] = [
            ConvNormActivation(
                3, widths[0], kernel_size=4, stride=4, padding=0, norm_layer=norm, activation_layer=None, bias=True
            )
        ]
        total = sum(depths)
        index = 0
        for i, (width, blocks) in enumerate(zip(widths, depths)):
            stage = []
            for _ in range(blocks):
                stage.append(CNBlock(width, 1e-6, sd_top * index / (total - 1.0)))
                index += 1
            layers.append(nn.Sequential(*stage))
            if i + 1 < len(widths):
                layers.append(nn.Sequential(norm(width), nn.Conv2d(width, widths[i + 1], kernel_size=2, stride=2)))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(norm(widths[-1]), nn.Flatten(1), nn.Linear(widths[-1], num_classes))

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.avgpool(self.features(x)))


# --- video: R3D, MC3, R(2+1)D, S3D ------------------------------------------------------------


class Conv3DSimple(nn.Conv3d):
    """Full 3x3x3 convolution; ``midplanes``, used by :class:`Conv2Plus1D` only, keeps the builders' signature common."""

    def __init__(self, in_planes: int, out_planes: int, midplanes: int, stride: int = 1, padding: int = 1) -> None:
        super().__init__(in_planes, out_planes, kernel_size=(3, 3, 3), stride=stride, padding=padding, bias=False)

    @staticmethod
    def get_downsample_stride(stride: int) -> tuple[int, int, int]:
        return stride, stride, stride


class Conv3DNoTemporal(nn.Conv3d):
    """1x3x3 convolution: spatial only (MC3's upper stages)."""

    def __init__(self, in_planes: int, out_planes: int, midplanes: int, stride: int = 1, padding: int = 1) -> None:
        super().__init__(
            in_planes,
            out_planes,
            kernel_size=(1, 3, 3),
            stride=(1, stride, stride),
            padding=(0, padding, padding),
            bias=False,
        )

    @staticmethod
    def get_downsample_stride(stride: int) -> tuple[int, int, int]:
        return 1, stride, stride


class Conv2Plus1D(nn.Sequential):
    """R(2+1)D's factorised convolution: 1x3x3 to ``midplanes``, BN, ReLU, 3x1x1."""

    def __init__(self, in_planes: int, out_planes: int, midplanes: int, stride: int = 1, padding: int = 1) -> None:
        super().__init__(
            nn.Conv3d(in_planes, midplanes, (1, 3, 3), (1, stride, stride), (0, padding, padding), bias=False),
            nn.BatchNorm3d(midplanes),
            nn.ReLU(inplace=True),
            nn.Conv3d(midplanes, out_planes, (3, 1, 1), (stride, 1, 1), (padding, 0, 0), bias=False),
        )

    @staticmethod
    def get_downsample_stride(stride: int) -> tuple[int, int, int]:
        return stride, stride, stride


ConvBuilder = type[Conv3DSimple] | type[Conv3DNoTemporal] | type[Conv2Plus1D]


class VideoBasicBlock(nn.Module):
    """Two video convs with BN and a shortcut; ``midplanes`` keeps a (2+1)D conv's count near a full 3D one's."""

    def __init__(
        self,
        inplanes: int,
        planes: int,
        conv_builder: ConvBuilder,
        stride: int = 1,
        downsample: nn.Module | None = None,
    ) -> None:
        super().__init__()
        midplanes = (inplanes * planes * 3 * 3 * 3) // (inplanes * 3 * 3 + 3 * planes)
        self.conv1 = nn.Sequential(
            conv_builder(inplanes, planes, midplanes, stride), nn.BatchNorm3d(planes), nn.ReLU(inplace=True)
        )
        self.conv2 = nn.Sequential(conv_builder(planes, planes, midplanes), nn.BatchNorm3d(planes))
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x: Tensor) -> Tensor:
        out = self.conv2(self.conv1(x))
        out += x if self.downsample is None else self.downsample(x)
        return self.relu(out)


def _video_stem(factorised: bool) -> nn.Sequential:
    """3x7x7 stem, or R(2+1)D's 1x7x7 to 45 maps then 3x1x1."""
    bn_relu = (nn.BatchNorm3d(64), nn.ReLU(inplace=True))
    if not factorised:
        return nn.Sequential(nn.Conv3d(3, 64, (3, 7, 7), (1, 2, 2), (1, 3, 3), bias=False), *bn_relu)
    return nn.Sequential(
        nn.Conv3d(3, 45, (1, 7, 7), (1, 2, 2), (0, 3, 3), bias=False),
        nn.BatchNorm3d(45),
        nn.ReLU(inplace=True),
        nn.Conv3d(45, 64, (3, 1, 1), (1, 1, 1), (1, 0, 0), bias=False),
        *bn_relu,
    )


class VideoResNet(nn.Module):
    """18-layer video ResNet, one conv builder per stage."""

    layer1: nn.Sequential
    layer2: nn.Sequential
    layer3: nn.Sequential
    layer4: nn.Sequential

    def __init__(self, conv_makers: Sequence[ConvBuilder], factorised_stem: bool, num_classes: int = 400) -> None:
        super().__init__()
        self.stem = _video_stem(factorised_stem)
        inplanes = 64
        for index, (planes, builder) in enumerate(zip((64, 128, 256, 512), conv_makers)):
            stride = 1 if index == 0 else 2
            downsample = None
            if stride != 1 or inplanes != planes:
                downsample = nn.Sequential(
                    nn.Conv3d(
                        inplanes, planes, kernel_size=1, stride=builder.get_downsample_stride(stride), bias=False
                    ),
                    nn.BatchNorm3d(planes),
                )
            blocks = [
                VideoBasicBlock(inplanes, planes, builder, stride, downsample),
                VideoBasicBlock(planes, planes, builder),
            ]
            self.add_module(f"layer{index + 1}", nn.Sequential(*blocks))
            inplanes = planes
        self.avgpool = nn.AdaptiveAvgPool3d((1, 1, 1))
        self.fc = nn.Linear(512, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.layer4(self.layer3(self.layer2(self.layer1(self.stem(x)))))
        return self.fc(self.avgpool(x).flatten(1))


_S3D_NORM = partial(nn.BatchNorm3d, eps=0.001, momentum=0.001)


def _s3d_unit(cin: int, cout: int, **kwargs: Any) -> ConvNormActivation:
    """Conv3d, BatchNorm3d (eps 0.001, momentum 0.001), ReLU."""
    return ConvNormActivation(cin, cout, norm_layer=_S3D_NORM, conv_layer=nn.Conv3d, **kwargs)


class TemporalSeparableConv(nn.Sequential):
    """1xkxk spatial then kx1x1 temporal unit, each with BN and ReLU."""

    def __init__(self, in_planes: int, out_planes: int, kernel_size: int, stride: int, padding: int) -> None:
        k, s, p = kernel_size, stride, padding
        super().__init__(
            _s3d_unit(in_planes, out_planes, kernel_size=(1, k, k), stride=(1, s, s), padding=(0, p, p), bias=False),
            _s3d_unit(out_planes, out_planes, kernel_size=(k, 1, 1), stride=(s, 1, 1), padding=(p, 0, 0), bias=False),
        )


class SepInceptionBlock3D(nn.Module):
    """S3D's inception block: 1x1, two separable 3x3x3 branches and a pooled 1x1."""

    def __init__(
        self, in_planes: int, b0_out: int, b1_mid: int, b1_out: int, b2_mid: int, b2_out: int, b3_out: int
    ) -> None:
        super().__init__()
        self.branch0 = _s3d_unit(in_planes, b0_out, kernel_size=1, stride=1)
        self.branch1 = nn.Sequential(
            _s3d_unit(in_planes, b1_mid, kernel_size=1, stride=1), TemporalSeparableConv(b1_mid, b1_out, 3, 1, 1)
        )
        self.branch2 = nn.Sequential(
            _s3d_unit(in_planes, b2_mid, kernel_size=1, stride=1), TemporalSeparableConv(b2_mid, b2_out, 3, 1, 1)
        )
        self.branch3 = nn.Sequential(
            nn.MaxPool3d(kernel_size=(3, 3, 3), stride=1, padding=1),
            _s3d_unit(in_planes, b3_out, kernel_size=1, stride=1),
        )

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat((self.branch0(x), self.branch1(x), self.branch2(x), self.branch3(x)), 1)


class S3D(nn.Module):
    """S3D: GoogLeNet's layout with separable spatio-temporal convolutions; a 1x1x1 conv classifies."""

    def __init__(self, num_classes: int = 400) -> None:
        super().__init__()
        spatial_pool = partial(nn.MaxPool3d, kernel_size=(1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1))
        self.features = nn.Sequential(
            TemporalSeparableConv(3, 64, 7, 2, 3),
            spatial_pool(),
            _s3d_unit(64, 64, kernel_size=1, stride=1),
            TemporalSeparableConv(64, 192, 3, 1, 1),
            spatial_pool(),
            SepInceptionBlock3D(192, 64, 96, 128, 16, 32, 32),
            SepInceptionBlock3D(256, 128, 128, 192, 32, 96, 64),
            nn.MaxPool3d(kernel_size=(3, 3, 3), stride=(2, 2, 2), padding=(1, 1, 1)),
            SepInceptionBlock3D(480, 192, 96, 208, 16, 48, 64),
            SepInceptionBlock3D(512, 160, 112, 224, 24, 64, 64),
            SepInceptionBlock3D(512, 128, 128, 256, 24, 64, 64),
            SepInceptionBlock3D(512, 112, 144, 288, 32, 64, 64),
            SepInceptionBlock3D(528, 256, 160, 320, 32, 128, 128),
            nn.MaxPool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0)),
            SepInceptionBlock3D(832, 256, 160, 320, 32, 128, 128),
            SepInceptionBlock3D(832, 384, 192, 384, 48, 128, 128),
        )
        self.avgpool = nn.AvgPool3d(kernel_size=(2, 7, 7), stride=1)
        self.classifier = nn.Sequential(
            nn.Dropout(p=0.2), nn.Conv3d(1024, num_classes, kernel_size=1, stride=1, bias=True)
        )

    def forward(self, x: Tensor) -> Tensor:
        return torch.mean(self.classifier(self.avgpool(self.features(x))), dim=(2, 3, 4))


# --- the zoo ----------------------------------------------------------------------------------

Builder = Callable[[], nn.Module]


def _image(size: int) -> tuple[int, int, int]:
    return (3, size, size)


_CLIP = (3, 16, 112, 112)

ZOO: dict[str, tuple[Builder, tuple[int, ...]]] = {
    "alexnet": (alexnet, _image(224)),
    **{f"vgg{d}{'_bn' if bn else ''}": (partial(vgg, d, bn), _image(224)) for bn in (False, True) for d in VGG_CONFIGS},
    "resnet18": (partial(ResNet, BasicBlock, (2, 2, 2, 2)), _image(224)),
    "resnet34": (partial(ResNet, BasicBlock, (3, 4, 6, 3)), _image(224)),
    "resnet50": (partial(ResNet, Bottleneck, (3, 4, 6, 3)), _image(224)),
    "resnet101": (partial(ResNet, Bottleneck, (3, 4, 23, 3)), _image(224)),
    "resnet152": (partial(ResNet, Bottleneck, (3, 8, 36, 3)), _image(224)),
    "resnext50_32x4d": (partial(ResNet, Bottleneck, (3, 4, 6, 3), 32, 4), _image(224)),
    "resnext101_32x8d": (partial(ResNet, Bottleneck, (3, 4, 23, 3), 32, 8), _image(224)),
    "resnext101_64x4d": (partial(ResNet, Bottleneck, (3, 4, 23, 3), 64, 4), _image(224)),
    "wide_resnet50_2": (partial(ResNet, Bottleneck, (3, 4, 6, 3), 1, 128), _image(224)),
    "wide_resnet101_2": (partial(ResNet, Bottleneck, (3, 4, 23, 3), 1, 128), _image(224)),
    "densenet121": (partial(DenseNet, 32, (6, 12, 24, 16), 64), _image(224)),
    "densenet161": (partial(DenseNet, 48, (6, 12, 36, 24), 96), _image(224)),
    "densenet169": (partial(DenseNet, 32, (6, 12, 32, 32), 64), _image(224)),
    "densenet201": (partial(DenseNet, 32, (6, 12, 48, 32), 64), _image(224)),
    "squeezenet1_0": (partial(SqueezeNet, "1_0"), _image(224)),
    "squeezenet1_1": (partial(SqueezeNet, "1_1"), _image(224)),
    "googlenet": (GoogLeNet, _image(224)),
    "inception_v3": (Inception3, _image(299)),
    "mobilenet_v2": (MobileNetV2, _image(224)),
    "mobilenet_v3_small": (partial(MobileNetV3, "small"), _image(224)),
    "mobilenet_v3_large": (partial(MobileNetV3, "large"), _image(224)),
    "mnasnet0_5": (partial(MNASNet, 0.5), _image(224)),
    "mnasnet0_75": (partial(MNASNet, 0.75), _image(224)),
    "mnasnet1_0": (partial(MNASNet, 1.0), _image(224)),
    "mnasnet1_3": (partial(MNASNet, 1.3), _image(224)),
    "shufflenet_v2_x0_5": (partial(ShuffleNetV2, (24, 48, 96, 192, 1024)), _image(224)),
    "shufflenet_v2_x1_0": (partial(ShuffleNetV2, (24, 116, 232, 464, 1024)), _image(224)),
    "shufflenet_v2_x1_5": (partial(ShuffleNetV2, (24, 176, 352, 704, 1024)), _image(224)),
    "shufflenet_v2_x2_0": (partial(ShuffleNetV2, (24, 244, 488, 976, 2048)), _image(224)),
    **{
        f"efficientnet_{variant}": (partial(efficientnet_v1, variant), _image(size))
        for variant, size in zip(EFFICIENTNET_V1_SCALES, (224, 240, 288, 300, 380, 456, 528, 600))
    },
    **{
        f"efficientnet_v2_{v}": (partial(efficientnet_v2, v), _image(size))
        for v, size in (("s", 384), ("m", 480), ("l", 480))
    },
    **{f"regnet_x_{name}": (partial(RegNet, *design), _image(224)) for name, design in REGNET_X.items()},
    **{
        f"regnet_y_{name}": (partial(RegNet, *design, 0.25), _image(384 if name == "128gf" else 224))
        for name, design in REGNET_Y.items()
    },
    **{f"convnext_{size}": (partial(ConvNeXt, size), _image(224)) for size in CONVNEXT},
    "r3d_18": (partial(VideoResNet, [Conv3DSimple] * 4, False), _CLIP),
    "mc3_18": (partial(VideoResNet, [Conv3DSimple] + [Conv3DNoTemporal] * 3, False), _CLIP),
    "r2plus1d_18": (partial(VideoResNet, [Conv2Plus1D] * 4, True), _CLIP),
    "s3d": (S3D, (3, 16, 224, 224)),
}
