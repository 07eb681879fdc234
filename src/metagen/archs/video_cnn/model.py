"""3D ResNet for video (R3D, Tran et al., 2018) in torchvision's `VideoResNet` layout: every
conv spans time and space (3x3x3), and stages 2-4 halve frames, height and width."""

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_choice, check_positive


@dataclass
class VideoCNNConfig:
    block: str = "basic"  # or "bottleneck"
    layers: list[int] = field(default_factory=lambda: [2, 2, 2, 2])  # blocks per stage
    width: int = 64  # stem channels; stage i has width * 2**i before expansion
    in_channels: int = 3
    num_classes: int = 400
    stem: str = "kinetics"  # 3x7x7 conv, stride 2 in space; "small": 3x3x3, stride 1
    num_frames: int = 16  # for example inputs and FLOP counts; the network takes any size
    resolution: list[int] = field(default_factory=lambda: [112, 112])  # [height, width]

    def __post_init__(self) -> None:
        check_choice("block", self.block, VIDEO_CNN_BLOCKS)
        check_choice("stem", self.stem, VIDEO_CNN_STEMS)
        if len(self.layers) != 4:
            raise ValueError(f"layers must list 4 stage depths, got {list(self.layers)}")
        if len(self.resolution) != 2:
            raise ValueError(f"resolution must be [height, width], got {list(self.resolution)}")
        check_positive(**{f"layers[{i}]": depth for i, depth in enumerate(self.layers)})
        check_positive(
            width=self.width,
            in_channels=self.in_channels,
            num_classes=self.num_classes,
            num_frames=self.num_frames,
        )
        check_positive(**{f"resolution[{i}]": side for i, side in enumerate(self.resolution)})

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        shape = (batch_size, self.in_channels, self.num_frames, *self.resolution)
        return {"videos": torch.randn(shape, generator=generator)}


def conv3d_bn(
    in_channels: int, out_channels: int, kernel: tuple[int, int, int], stride: tuple[int, int, int]
) -> nn.Sequential:
    """Conv3d without bias (the BN has one), then BatchNorm3d."""
    padding = (kernel[0] // 2, kernel[1] // 2, kernel[2] // 2)
    conv = nn.Conv3d(in_channels, out_channels, kernel, stride, padding=padding, bias=False)
    return nn.Sequential(conv, nn.BatchNorm3d(out_channels))


class BasicBlock3D(nn.Module):
    """Two 3x3x3 convs (R3D-18/34)."""

    expansion = 1

    def __init__(self, in_channels: int, channels: int, stride: int) -> None:
        super().__init__()
        self.conv1 = conv3d_bn(in_channels, channels, (3, 3, 3), (stride,) * 3)
        self.conv2 = conv3d_bn(channels, channels, (3, 3, 3), (1, 1, 1))
        self.downsample = None
        if stride != 1 or in_channels != channels:
            self.downsample = conv3d_bn(in_channels, channels, (1, 1, 1), (stride,) * 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = F.relu(self.conv1(x))
        return F.relu(self.conv2(out) + identity)


class Bottleneck3D(nn.Module):
    """1x1x1 reduce, 3x3x3 (strided), 1x1x1 expand (R3D-50+)."""

    expansion = 4

    def __init__(self, in_channels: int, channels: int, stride: int) -> None:
        super().__init__()
        out_channels = channels * self.expansion
        self.conv1 = conv3d_bn(in_channels, channels, (1, 1, 1), (1, 1, 1))
        self.conv2 = conv3d_bn(channels, channels, (3, 3, 3), (stride,) * 3)
        self.conv3 = conv3d_bn(channels, out_channels, (1, 1, 1), (1, 1, 1))
        self.downsample = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = conv3d_bn(in_channels, out_channels, (1, 1, 1), (stride,) * 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = F.relu(self.conv1(x))
        out = F.relu(self.conv2(out))
        return F.relu(self.conv3(out) + identity)


VIDEO_CNN_BLOCKS: dict[str, type[BasicBlock3D | Bottleneck3D]] = {
    "basic": BasicBlock3D,
    "bottleneck": Bottleneck3D,
}
# stem -> (kernel, stride), each (time, height, width)
VIDEO_CNN_STEMS = {
    "kinetics": ((3, 7, 7), (1, 2, 2)),
    "small": ((3, 3, 3), (1, 1, 1)),
}


def video_cnn_stage(
    block: type[BasicBlock3D | Bottleneck3D],
    in_channels: int,
    channels: int,
    depth: int,
    stride: int,
) -> nn.Sequential:
    """depth blocks; the first changes resolution (stride in time and space) and channels."""
    blocks = [block(in_channels, channels, stride)]
    blocks += [block(channels * block.expansion, channels, 1) for _ in range(depth - 1)]
    return nn.Sequential(*blocks)


class VideoCNN(nn.Module):
    """videos (B, C, T, H, W) -> logits (B, num_classes)."""

    def __init__(self, config: VideoCNNConfig) -> None:
        super().__init__()
        self.config = config
        block, w, (d1, d2, d3, d4) = VIDEO_CNN_BLOCKS[config.block], config.width, config.layers
        e = block.expansion
        kernel, stride = VIDEO_CNN_STEMS[config.stem]
        self.stem = nn.Sequential(conv3d_bn(config.in_channels, w, kernel, stride), nn.ReLU())
        self.stage1 = video_cnn_stage(block, w, w, d1, stride=1)
        self.stage2 = video_cnn_stage(block, w * e, 2 * w, d2, stride=2)
        self.stage3 = video_cnn_stage(block, 2 * w * e, 4 * w, d3, stride=2)
        self.stage4 = video_cnn_stage(block, 4 * w * e, 8 * w, d4, stride=2)
        self.pool = nn.AdaptiveAvgPool3d(1)
        self.head = nn.Linear(8 * w * e, config.num_classes)
        for module in self.modules():
            if isinstance(module, nn.Conv3d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, videos: torch.Tensor) -> torch.Tensor:
        x = self.stem(videos)  # (B, w, T, H/2, W/2) for the kinetics stem
        x = self.stage1(x)
        x = self.stage2(x)
        x = self.stage3(x)
        return self.stage4(x)  # (B, 8 * w * e, T/8, H/16, W/16) for the kinetics stem

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.head(self.pool(features).flatten(1))  # (B, num_classes)

    def forward(self, videos: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(videos))
