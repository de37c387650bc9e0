"""PyTorch definitions, after the papers, of the jdnn zoo models torchvision lacks, with jdnn's parameter names.

- LeNet-5 (LeCun et al. 1998): conv 6@5x5 -> tanh -> 2x2 average pool -> conv 16@5x5 -> tanh -> pool -> 120 -> 84
  -> classes (tanh between); the 28x28 variant pads conv1 by 2 so the rest is the classic 32x32 network.
- CIFAR ResNets (He et al. 2016, section 4.2): 3x3 conv 16 -> 3 stages of n BasicBlocks with 16/32/64 filters ->
  global average pool -> fc; 6n+2 layers; option A shortcuts (strided subsampling + zero channel padding).
"""
import torch.nn as nn
import torch.nn.functional as F


class LeNet5(nn.Module):
    def __init__(self, num_classes=10, in_channels=1, size=32):
        super().__init__()
        pad = 2 if size == 28 else 0
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, 5, padding=pad), nn.Tanh(), nn.AvgPool2d(2, 2),
            nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2, 2))
        self.classifier = nn.Sequential(
            nn.Linear(16 * 5 * 5, 120), nn.Tanh(),
            nn.Linear(120, 84), nn.Tanh(),
            nn.Linear(84, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


class CifarBasicBlock(nn.Module):
    def __init__(self, in_planes, planes, stride, option="A"):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.stride, self.option = stride, option
        self.pad = (planes - in_planes) // 2
        self.downsample = None
        if option == "B" and (stride != 1 or in_planes != planes):
            self.downsample = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def shortcut(self, x):
        if self.downsample is not None:
            return self.downsample(x)
        if self.stride != 1 or self.pad:
            return F.pad(x[:, :, ::self.stride, ::self.stride], (0, 0, 0, 0, self.pad, self.pad))
        return x

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class CifarResNet(nn.Module):
    def __init__(self, depth, num_classes=10, in_channels=3, option="A"):
        super().__init__()
        assert (depth - 2) % 6 == 0, "CIFAR ResNet depth is 6n+2"
        n = (depth - 2) // 6
        self.conv1 = nn.Conv2d(in_channels, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        planes, layers = 16, []
        for i, width in enumerate((16, 32, 64)):
            blocks = []
            for b in range(n):
                stride = 2 if (i > 0 and b == 0) else 1
                blocks.append(CifarBasicBlock(planes, width, stride, option))
                planes = width
            layers.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = layers
        self.fc = nn.Linear(64, num_classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def cifar_resnet(depth, num_classes=10, in_channels=3, option="A"):
    return CifarResNet(depth, num_classes, in_channels, option)
