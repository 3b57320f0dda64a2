"""resnet18, as cnncount 0.3.0 counts it, in PyTorch.

Input: input, (N, 3, 224, 224), channels first. Output: fc, (N, 1000). cnncount counts
11,689,512 parameters (11,689,512 with every bias tied, 11,689,512 untied) and 9,600
non-trainable values (running statistics; torch adds a num_batches_tracked to each batch
norm). Written for that input size: padding, untied biases and reshapes are worked out
from it.
"""

from __future__ import annotations

from torch import Tensor, nn


class Resnet18(nn.Module):
    """resnet18: 69 layers."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.layer1 = nn.ModuleDict(
            {
                "0": nn.ModuleDict(
                    {
                        "conv1": nn.Conv2d(64, 64, 3, padding=1, bias=False),
                        "bn1": nn.BatchNorm2d(64),
                        "relu": nn.ReLU(),
                        "conv2": nn.Conv2d(64, 64, 3, padding=1, bias=False),
                        "bn2": nn.BatchNorm2d(64),
                    }
                ),
                "1": nn.ModuleDict(
                    {
                        "conv1": nn.Conv2d(64, 64, 3, padding=1, bias=False),
                        "bn1": nn.BatchNorm2d(64),
                        "relu": nn.ReLU(),
                        "conv2": nn.Conv2d(64, 64, 3, padding=1, bias=False),
                        "bn2": nn.BatchNorm2d(64),
                    }
                ),
            }
        )
        self.layer2 = nn.ModuleDict(
            {
                "0": nn.ModuleDict(
                    {
                        "conv1": nn.Conv2d(64, 128, 3, stride=2, padding=1, bias=False),
                        "bn1": nn.BatchNorm2d(128),
                        "relu": nn.ReLU(),
                        "conv2": nn.Conv2d(128, 128, 3, padding=1, bias=False),
                        "bn2": nn.BatchNorm2d(128),
                        "downsample": nn.Sequential(
                            nn.Conv2d(64, 128, 1, stride=2, bias=False),
                            nn.BatchNorm2d(128),
                        ),
                    }
                ),
                "1": nn.ModuleDict(
                    {
                        "conv1": nn.Conv2d(128, 128, 3, padding=1, bias=False),
                        "bn1": nn.BatchNorm2d(128),
                        "relu": nn.ReLU(),
                        "conv2": nn.Conv2d(128, 128, 3, padding=1, bias=False),
                        "bn2": nn.BatchNorm2d(128),
                    }
                ),
            }
        )
        self.layer3 = nn.ModuleDict(
            {
                "0": nn.ModuleDict(
                    {
                        "conv1": nn.Conv2d(128, 256, 3, stride=2, padding=1, bias=False),
                        "bn1": nn.BatchNorm2d(256),
                        "relu": nn.ReLU(),
                        "conv2": nn.Conv2d(256, 256, 3, padding=1, bias=False),
                        "bn2": nn.BatchNorm2d(256),
                        "downsample": nn.Sequential(
                            nn.Conv2d(128, 256, 1, stride=2, bias=False),
                            nn.BatchNorm2d(256),
                        ),
                    }
                ),
                "1": nn.ModuleDict(
                    {
                        "conv1": nn.Conv2d(256, 256, 3, padding=1, bias=False),
                        "bn1": nn.BatchNorm2d(256),
                        "relu": nn.ReLU(),
                        "conv2": nn.Conv2d(256, 256, 3, padding=1, bias=False),
                        "bn2": nn.BatchNorm2d(256),
                    }
                ),
            }
        )
        self.layer4 = nn.ModuleDict(
            {
                "0": nn.ModuleDict(
                    {
                        "conv1": nn.Conv2d(256, 512, 3, stride=2, padding=1, bias=False),
                        "bn1": nn.BatchNorm2d(512),
                        "relu": nn.ReLU(),
                        "conv2": nn.Conv2d(512, 512, 3, padding=1, bias=False),
                        "bn2": nn.BatchNorm2d(512),
                        "downsample": nn.Sequential(
                            nn.Conv2d(256, 512, 1, stride=2, bias=False),
                            nn.BatchNorm2d(512),
                        ),
                    }
                ),
                "1": nn.ModuleDict(
                    {
                        "conv1": nn.Conv2d(512, 512, 3, padding=1, bias=False),
                        "bn1": nn.BatchNorm2d(512),
                        "relu": nn.ReLU(),
                        "conv2": nn.Conv2d(512, 512, 3, padding=1, bias=False),
                        "bn2": nn.BatchNorm2d(512),
                    }
                ),
            }
        )
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(512, 1000)

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv1(x)
        x = self.bn1(x)
        x = self.relu(x)
        maxpool = self.maxpool(x)
        x = self.layer1["0"].conv1(maxpool)
        x = self.layer1["0"].bn1(x)
        x = self.layer1["0"].relu(x)
        x = self.layer1["0"].conv2(x)
        x = self.layer1["0"].bn2(x)
        x = x + maxpool
        layer1_0_relu = self.layer1["0"].relu(x)
        x = self.layer1["1"].conv1(layer1_0_relu)
        x = self.layer1["1"].bn1(x)
        x = self.layer1["1"].relu(x)
        x = self.layer1["1"].conv2(x)
        x = self.layer1["1"].bn2(x)
        x = x + layer1_0_relu
        layer1_1_relu = self.layer1["1"].relu(x)
        x = self.layer2["0"].conv1(layer1_1_relu)
        x = self.layer2["0"].bn1(x)
        x = self.layer2["0"].relu(x)
        x = self.layer2["0"].conv2(x)
        layer2_0_bn2 = self.layer2["0"].bn2(x)
        x = self.layer2["0"].downsample(layer1_1_relu)
        x = layer2_0_bn2 + x
        layer2_0_relu = self.layer2["0"].relu(x)
        x = self.layer2["1"].conv1(layer2_0_relu)
        x = self.layer2["1"].bn1(x)
        x = self.layer2["1"].relu(x)
        x = self.layer2["1"].conv2(x)
        x = self.layer2["1"].bn2(x)
        x = x + layer2_0_relu
        layer2_1_relu = self.layer2["1"].relu(x)
        x = self.layer3["0"].conv1(layer2_1_relu)
        x = self.layer3["0"].bn1(x)
        x = self.layer3["0"].relu(x)
        x = self.layer3["0"].conv2(x)
        layer3_0_bn2 = self.layer3["0"].bn2(x)
        x = self.layer3["0"].downsample(layer2_1_relu)
        x = layer3_0_bn2 + x
        layer3_0_relu = self.layer3["0"].relu(x)
        x = self.layer3["1"].conv1(layer3_0_relu)
        x = self.layer3["1"].bn1(x)
        x = self.layer3["1"].relu(x)
        x = self.layer3["1"].conv2(x)
        x = self.layer3["1"].bn2(x)
        x = x + layer3_0_relu
        layer3_1_relu = self.layer3["1"].relu(x)
        x = self.layer4["0"].conv1(layer3_1_relu)
        x = self.layer4["0"].bn1(x)
        x = self.layer4["0"].relu(x)
        x = self.layer4["0"].conv2(x)
        layer4_0_bn2 = self.layer4["0"].bn2(x)
        x = self.layer4["0"].downsample(layer3_1_relu)
        x = layer4_0_bn2 + x
        layer4_0_relu = self.layer4["0"].relu(x)
        x = self.layer4["1"].conv1(layer4_0_relu)
        x = self.layer4["1"].bn1(x)
        x = self.layer4["1"].relu(x)
        x = self.layer4["1"].conv2(x)
        x = self.layer4["1"].bn2(x)
        x = x + layer4_0_relu
        x = self.layer4["1"].relu(x)
        x = self.avgpool(x)
        x = self.flatten(x)
        x = self.fc(x)
        return x


if __name__ == "__main__":
    model = Resnet18().eval()
    params = sum(p.numel() for p in model.parameters())
    print(f"{params:,} parameters (cnncount counts 11,689,512)")
