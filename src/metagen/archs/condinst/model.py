"""Instance segmentation, CondInst-style (Tian et al., 2020) on the YOLOv8-style detector: each
cell also predicts the weights of a tiny mask network of its own (the controller), which runs
over shared mask features plus coordinates relative to the cell. The mask features come from
a YOLOv8-seg-style branch: P3 upsampled to stride 4 by a transposed conv. The dynamic mask
network runs with the loss and the decoder, on the detections only."""

from dataclasses import dataclass, field

import torch
from torch import nn

from metagen.archs.yolo.model import (
    YOLO_STRIDES,
    YoloBackbone,
    YoloHead,
    YoloNeck,
    yolo_anchor_points,
)
from metagen.nn.checks import check_divisible, check_positive
from metagen.nn.yolo_blocks import YoloConv

CONDINST_MASK_CHANNELS = 8  # mask features per pixel (CondInst's)
CONDINST_HEAD_CHANNELS = 8  # width of the dynamic mask network (3 layers of 1x1 convs)


def condinst_param_count(mask_channels: int, head_channels: int) -> int:
    """Weights and biases of the dynamic network: (C + 2) -> h -> h -> 1, 1x1 convs."""
    c_in, h = mask_channels + 2, head_channels
    return c_in * h + h + h * h + h + h + 1


@dataclass
class CondInstConfig:
    image_size: int = 640  # for example inputs and FLOP counts; any multiple of 32 runs
    in_channels: int = 3
    num_classes: int = 80
    channels: list[int] = field(default_factory=lambda: [16, 32, 64, 128, 256])  # P1..P5
    c2f_blocks: list[int] = field(default_factory=lambda: [1, 2, 2, 1])
    neck_blocks: int = 1
    reg_max: int = 16

    def __post_init__(self) -> None:
        if len(self.channels) != 5 or len(self.c2f_blocks) != 4:
            raise ValueError(
                f"channels must list 5 widths and c2f_blocks 4 depths, got "
                f"{self.channels} and {self.c2f_blocks}"
            )
        check_positive(
            image_size=self.image_size,
            in_channels=self.in_channels,
            num_classes=self.num_classes,
            neck_blocks=self.neck_blocks,
            reg_max=self.reg_max,
            **{f"channels[{i}]": c for i, c in enumerate(self.channels)},
        )
        check_divisible("image_size", self.image_size, "the largest stride", 32)

    def example_inputs(self, batch_size: int, generator: torch.Generator) -> dict:
        shape = (batch_size, self.in_channels, self.image_size, self.image_size)
        return {"images": torch.randn(shape, generator=generator)}


def condinst_controller_width(channels: list[int]) -> int:
    """Hidden width of the controller branches (YOLOv8-seg's coefficient branch rule)."""
    return max(channels[2] // 4, 32)


class CondInstMaskBranch(nn.Module):
    """P3 -> 3x3 conv -> 2x2 transposed conv (stride 4) -> 3x3 conv -> 1x1 conv to the mask
    features (YOLOv8-seg's prototype branch, with CondInst's 8 output channels)."""

    def __init__(self, c_in: int, width: int) -> None:
        super().__init__()
        self.cv1 = YoloConv(c_in, width, 3)
        self.upsample = nn.ConvTranspose2d(width, width, 2, 2)
        self.cv2 = YoloConv(width, width, 3)
        self.out = nn.Conv2d(width, CONDINST_MASK_CHANNELS, 1)

    def forward(self, p3: torch.Tensor) -> torch.Tensor:
        return self.out(self.cv2(self.upsample(self.cv1(p3))))  # (B, 8, H/4, W/4)


class CondInst(nn.Module):
    """images (B, C, H, W) -> the detector's outputs (archs/yolo/model.py) and "mask_params" (B, A, P),
    each cell's dynamic mask network, and "mask_features" (B, 8, H/4, W/4)."""

    # Train with NHWC (channels-last) weights (train/loop.py): a training step of the example
    # spec's smoke dims took 13% less time on 2 CPU cores (42.5 ms against 48.9, batch 16).
    prefers_channels_last = True

    def __init__(self, config: CondInstConfig) -> None:
        super().__init__()
        self.config = config
        c3, c4, c5 = config.channels[2:]
        self.backbone = YoloBackbone(config.in_channels, config.channels, config.c2f_blocks)
        self.neck = YoloNeck(config.channels, config.neck_blocks)
        self.head = YoloHead(
            channels=config.channels,
            num_classes=config.num_classes,
            reg_max=config.reg_max,
            image_size=config.image_size,
        )
        hidden = condinst_controller_width(config.channels)
        params = condinst_param_count(CONDINST_MASK_CHANNELS, CONDINST_HEAD_CHANNELS)
        self.controller = nn.ModuleList(
            nn.Sequential(
                YoloConv(c, hidden, 3), YoloConv(hidden, hidden, 3), nn.Conv2d(hidden, params, 1)
            )
            for c in (c3, c4, c5)
        )
        self.mask_branch = CondInstMaskBranch(c3, c3)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, images: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return self.neck(*self.backbone(images))

    def forward_head(self, features: tuple[torch.Tensor, ...]) -> dict[str, torch.Tensor]:
        box_logits, distances, class_logits = self.head(features)
        params = [ctrl(x).flatten(2) for x, ctrl in zip(features, self.controller, strict=True)]
        sizes = [(f.shape[2], f.shape[3]) for f in features]
        points, strides = yolo_anchor_points(sizes, YOLO_STRIDES, features[0].device)
        return {
            "class_logits": class_logits,
            "box_logits": box_logits,
            "box_distances": distances,
            "anchor_points": points,
            "strides": strides,
            "mask_params": torch.cat(params, dim=2).transpose(1, 2),  # (B, A, P)
            "mask_features": self.mask_branch(features[0]),
        }

    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.forward_head(self.forward_features(images))
