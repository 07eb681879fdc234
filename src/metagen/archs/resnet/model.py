"""ResNet (He et al., 2015) in torchvision's layout, with timm's forward_features/forward_head."""

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_choice, check_positive
from metagen.nn.conv_stem import conv_bn


@dataclass
class ResNetConfig:
    block: str = "bottleneck"  # or "basic"
    layers: list[int] = field(default_factory=lambda: [3, 4, 6, 3])  # blocks per stage
    width: int = 64  # stem channels; stage i has width * 2**i before expansion
    in_channels: int = 3
    num_classes: int = 1000
    stem: str = "imagenet"  # or "cifar": a 3x3 stride-1 conv and no max-pool
    image_size: int = 224  # for example inputs and FLOP counts; the network takes any size

    def __post_init__(self) -> None:
        check_choice("block", self.block, RESNET_BLOCKS)
        check_choice("stem", self.stem, RESNET_STEMS)
        if len(self.layers) != 4:
            raise ValueError(f"layers must list 4 stage depths, got {list(self.layers)}")
        check_positive(**{f"layers[{i}]": depth for i, depth in enumerate(self.layers)})
        check_positive(
            width=self.width,
            in_channels=self.in_channels,
            num_classes=self.num_classes,
            image_size=self.image_size,
        )

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        shape = (batch_size, self.in_channels, self.image_size, self.image_size)
        return {"images": torch.randn(shape, generator=generator)}


class BasicBlock(nn.Module):
    """Two 3x3 convs (ResNet-18/34)."""

    expansion = 1

    def __init__(self, in_channels: int, channels: int, stride: int) -> None:
        super().__init__()
        self.conv1 = conv_bn(in_channels, channels, 3, stride)
        self.conv2 = conv_bn(channels, channels, 3)
        self.downsample = None
        if stride != 1 or in_channels != channels:
            self.downsample = conv_bn(in_channels, channels, 1, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = F.relu(self.conv1(x))
        return F.relu(self.conv2(out) + identity)


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3 (strided, as in torchvision's ResNet v1.5), 1x1 expand (ResNet-50+)."""

    expansion = 4

    def __init__(self, in_channels: int, channels: int, stride: int) -> None:
        super().__init__()
        out_channels = channels * self.expansion
        self.conv1 = conv_bn(in_channels, channels, 1)
        self.conv2 = conv_bn(channels, channels, 3, stride)
        self.conv3 = conv_bn(channels, out_channels, 1)
        self.downsample = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = conv_bn(in_channels, out_channels, 1, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = F.relu(self.conv1(x))
        out = F.relu(self.conv2(out))
        return F.relu(self.conv3(out) + identity)


def imagenet_stem(in_channels: int, width: int) -> nn.Sequential:
    """7x7 stride-2 conv and 3x3 stride-2 max-pool: H -> H/4."""
    return nn.Sequential(
        conv_bn(in_channels, width, 7, stride=2), nn.ReLU(), nn.MaxPool2d(3, stride=2, padding=1)
    )


def cifar_stem(in_channels: int, width: int) -> nn.Sequential:
    """3x3 stride-1 conv, for small images."""
    return nn.Sequential(conv_bn(in_channels, width, 3), nn.ReLU())


RESNET_BLOCKS: dict[str, type[BasicBlock | Bottleneck]] = {
    "basic": BasicBlock,
    "bottleneck": Bottleneck,
}
RESNET_STEMS = {"imagenet": imagenet_stem, "cifar": cifar_stem}


def resnet_stage(
    block: type[BasicBlock | Bottleneck], in_channels: int, channels: int, depth: int, stride: int
) -> nn.Sequential:
    """depth blocks; the first changes resolution (stride) and channels."""
    blocks = [block(in_channels, channels, stride)]
    blocks += [block(channels * block.expansion, channels, 1) for _ in range(depth - 1)]
    return nn.Sequential(*blocks)


class ResNet(nn.Module):
    """images (B, C, H, W) -> logits (B, num_classes); `encode_image` gives unit-length
    pooled features, an image embedding."""

    # Train with NHWC (channels-last) weights (train/loop.py): oneDNN's and cuDNN's convolutions
    # run faster on them (the digits at 32x32 on 2 CPU cores: 16 to 31% less time a step).
    prefers_channels_last = True

    def __init__(self, config: ResNetConfig) -> None:
        super().__init__()
        self.config = config
        block, w, (d1, d2, d3, d4) = RESNET_BLOCKS[config.block], config.width, config.layers
        e = block.expansion
        self.stem = RESNET_STEMS[config.stem](config.in_channels, w)
        self.stage1 = resnet_stage(block, w, w, d1, stride=1)
        self.stage2 = resnet_stage(block, w * e, 2 * w, d2, stride=2)
        self.stage3 = resnet_stage(block, 2 * w * e, 4 * w, d3, stride=2)
        self.stage4 = resnet_stage(block, 4 * w * e, 8 * w, d4, stride=2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(8 * w * e, config.num_classes)
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, images: torch.Tensor) -> torch.Tensor:
        x = self.stem(images)  # (B, w, H/4, W/4) for the imagenet stem
        x = self.stage1(x)
        x = self.stage2(x)
        x = self.stage3(x)
        return self.stage4(x)  # (B, 8 * w * e, H/32, W/32) for the imagenet stem

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.head(self.pool(features).flatten(1))  # (B, num_classes)

    def encode_image(self, images: torch.Tensor) -> torch.Tensor:
        """Unit-length image embeddings (B, 8 * width * expansion): the pooled features the
        head reads."""
        pooled = self.pool(self.forward_features(images)).flatten(1)  # (B, C)
        return F.normalize(pooled, dim=-1)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(images))
