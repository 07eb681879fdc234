"""U-Net for segmentation (Ronneberger et al., 2015): a contracting path of 3x3 conv-BN-ReLU
stages with 2x2 max-pooling, an expanding path of 2x2 transposed convs whose output is
concatenated with the skip connection of the same level, and a 1x1 conv to class logits.

Not the diffusion U-Net of archs/unet/model.py: no timestep, no attention, no GroupNorm ResNet blocks.
With `instance_head`, Panoptic-DeepLab's center and offset heads read the same features."""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_divisible, check_positive
from metagen.nn.panoptic_head import PanopticInstanceHead


@dataclass
class SegUNetConfig:
    image_size: int = 256
    in_channels: int = 1
    num_classes: int = 2
    base_channels: int = 64  # level i has base_channels * 2**i channels
    levels: int = 5  # resolutions; the bottleneck is image_size / 2**(levels - 1)
    convs_per_level: int = 2  # 3x3 conv-BN-ReLU per level and path (Ronneberger: 2)
    # Panoptic task: center heatmap and offset heads beside the class logits.
    instance_head: bool = False
    # Panoptic task: the class ids that have instances (the rest are stuff).
    thing_classes: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        check_positive(
            image_size=self.image_size,
            in_channels=self.in_channels,
            num_classes=self.num_classes,
            base_channels=self.base_channels,
            levels=self.levels,
            convs_per_level=self.convs_per_level,
        )
        if self.levels < 2:
            raise ValueError(f"levels must be at least 2 (one downsampling), got {self.levels}")
        check_divisible("image_size", self.image_size, "2**(levels - 1)", 2 ** (self.levels - 1))
        self.thing_classes = tuple(self.thing_classes)

    def level_channels(self) -> list[int]:
        return [self.base_channels * 2**i for i in range(self.levels)]

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        shape = (batch_size, self.in_channels, self.image_size, self.image_size)
        return {"images": torch.randn(shape, generator=generator)}


class SegConvStage(nn.Sequential):
    """`n` 3x3 conv (no bias) -> BatchNorm -> ReLU; the first maps c_in to c_out."""

    def __init__(self, c_in: int, c_out: int, n: int) -> None:
        layers = []
        for i in range(n):
            layers += [
                nn.Conv2d(c_in if i == 0 else c_out, c_out, 3, padding=1, bias=False),
                nn.BatchNorm2d(c_out),
                nn.ReLU(inplace=True),
            ]
        super().__init__(*layers)


class SegUpStage(nn.Module):
    """2x2 transposed conv to the skip's channels, concatenate the skip, conv stage."""

    def __init__(self, c_in: int, c_out: int, n: int) -> None:
        super().__init__()
        self.up = nn.ConvTranspose2d(c_in, c_out, kernel_size=2, stride=2)
        self.convs = SegConvStage(2 * c_out, c_out, n)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        x = self.up(x)  # (B, c_out, 2H, 2W)
        return self.convs(torch.cat((skip, x), dim=1))  # (B, c_out, 2H, 2W)


class SegUNet(nn.Module):
    """images (B, C, H, W) -> logits (B, num_classes, H, W); with `instance_head`, three
    more channels: the center heatmap and the (dy, dx) offsets to the instance center."""

    # Train with NHWC (channels-last) weights (train/loop.py): a training step of the example
    # spec's smoke dims took 20% less time on 2 CPU cores (23.3 ms against 29.1, batch 16).
    prefers_channels_last = True

    def __init__(self, config: SegUNetConfig) -> None:
        super().__init__()
        self.config = config
        channels, n = config.level_channels(), config.convs_per_level
        inputs = [config.in_channels, *channels[:-2]]
        self.encoder = nn.ModuleList(
            SegConvStage(c_in, c, n) for c_in, c in zip(inputs, channels[:-1], strict=True)
        )
        self.bottleneck = SegConvStage(channels[-2], channels[-1], n)
        # deepest first: level L-2 reads the bottleneck, level 0 ends at full resolution
        self.decoder = nn.ModuleList(
            SegUpStage(channels[i + 1], channels[i], n) for i in reversed(range(config.levels - 1))
        )
        self.head = nn.Conv2d(channels[0], config.num_classes, kernel_size=1)
        self.instance_head = PanopticInstanceHead(channels[0]) if config.instance_head else None

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, images: torch.Tensor) -> torch.Tensor:
        """The last decoder stage's features (B, base_channels, H, W)."""
        stride = 2 ** (self.config.levels - 1)
        if images.shape[-2] % stride or images.shape[-1] % stride:
            raise ValueError(
                f"image height and width {tuple(images.shape[-2:])} must be divisible by "
                f"{stride} (2**(levels - 1)); resize or pad the images"
            )
        skips, x = [], images
        for stage in self.encoder:
            x = stage(x)
            skips.append(x)  # (B, c_i, H / 2**i, W / 2**i)
            x = F.max_pool2d(x, 2)
        x = self.bottleneck(x)  # (B, c_last, H / 2**(L-1), W / 2**(L-1))
        for stage, skip in zip(self.decoder, reversed(skips), strict=True):
            x = stage(x, skip)
        return x

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        logits = self.head(features)  # (B, K, H, W)
        if self.instance_head is None:
            return logits
        return torch.cat((logits, self.instance_head(features)), dim=1)  # (B, K + 3, H, W)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(images))
