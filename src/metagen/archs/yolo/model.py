"""An anchor-free dense detector in YOLOv8's layout (Ultralytics 2023): a CSP backbone of strided
conv stages with C2f blocks and SPPF, a PAN feature pyramid over strides 8, 16 and 32, and a
decoupled head per level (a box branch predicting a distribution over distances to the four box
sides, and a class branch). Decoding, assignment and NMS live with the loss and the evaluator."""

import math
from dataclasses import dataclass, field
from typing import cast

import torch
from torch import nn

from metagen.nn.checks import check_divisible, check_positive
from metagen.nn.yolo_blocks import YoloC2f, YoloConv, YoloSPPF

YOLO_STRIDES = (8, 16, 32)


@dataclass
class YoloConfig:
    image_size: int = 640  # for example inputs and FLOP counts; any multiple of 32 runs
    in_channels: int = 3
    num_classes: int = 80
    # Channels of the P1..P5 stages (strides 2..32); YOLOv8n's: 16, 32, 64, 128, 256.
    channels: list[int] = field(default_factory=lambda: [16, 32, 64, 128, 256])
    # Bottlenecks in the backbone's C2f stages at P2..P5 (YOLOv8's 3, 6, 6, 3 x depth multiple).
    c2f_blocks: list[int] = field(default_factory=lambda: [1, 2, 2, 1])
    neck_blocks: int = 1  # bottlenecks in each C2f of the feature pyramid
    reg_max: int = 16  # bins of each side's distance distribution (Distribution Focal Loss)

    def __post_init__(self) -> None:
        if len(self.channels) != 5:
            raise ValueError(f"channels must list 5 stage widths (P1..P5), got {self.channels}")
        if len(self.c2f_blocks) != 4:
            raise ValueError(f"c2f_blocks must list 4 depths (P2..P5), got {self.c2f_blocks}")
        check_positive(**{f"channels[{i}]": c for i, c in enumerate(self.channels)})
        check_positive(**{f"c2f_blocks[{i}]": n for i, n in enumerate(self.c2f_blocks)})
        check_positive(
            image_size=self.image_size,
            in_channels=self.in_channels,
            num_classes=self.num_classes,
            neck_blocks=self.neck_blocks,
            reg_max=self.reg_max,
        )
        for i, c in enumerate(self.channels):
            check_divisible(f"channels[{i}]", c, "2 (C2f splits it in halves)", 2)
        check_divisible("image_size", self.image_size, "the largest stride", 32)

    def example_inputs(self, batch_size: int, generator: torch.Generator) -> dict:
        shape = (batch_size, self.in_channels, self.image_size, self.image_size)
        return {"images": torch.randn(shape, generator=generator)}


def yolo_head_widths(channels: list[int], num_classes: int, reg_max: int) -> tuple[int, int]:
    """YOLOv8's hidden widths of the box and class branches, from the P3 width."""
    p3 = channels[2]
    return max(16, p3 // 4, 4 * reg_max), max(p3, min(num_classes, 100))


class YoloBackbone(nn.Module):
    """Strided 3x3 convs, each followed by a C2f stage (with residuals); SPPF at P5."""

    def __init__(self, in_channels: int, channels: list[int], blocks: list[int]) -> None:
        super().__init__()
        c1, c2, c3, c4, c5 = channels
        self.p1 = YoloConv(in_channels, c1, 3, 2)
        self.p2 = nn.Sequential(YoloConv(c1, c2, 3, 2), YoloC2f(c2, c2, blocks[0], True))
        self.p3 = nn.Sequential(YoloConv(c2, c3, 3, 2), YoloC2f(c3, c3, blocks[1], True))
        self.p4 = nn.Sequential(YoloConv(c3, c4, 3, 2), YoloC2f(c4, c4, blocks[2], True))
        self.p5 = nn.Sequential(
            YoloConv(c4, c5, 3, 2), YoloC2f(c5, c5, blocks[3], True), YoloSPPF(c5, c5)
        )

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        p3 = self.p3(self.p2(self.p1(images)))  # (B, c3, H/8, W/8)
        p4 = self.p4(p3)  # (B, c4, H/16, W/16)
        return p3, p4, self.p5(p4)  # P5: (B, c5, H/32, W/32)


class YoloNeck(nn.Module):
    """PAN: a top-down path (upsample, concat, C2f) then a bottom-up one (strided conv, concat,
    C2f), as in YOLOv8's head section; outputs keep the backbone's P3, P4, P5 widths."""

    def __init__(self, channels: list[int], blocks: int) -> None:
        super().__init__()
        _, _, c3, c4, c5 = channels
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.top_down4 = YoloC2f(c5 + c4, c4, blocks, False)
        self.top_down3 = YoloC2f(c4 + c3, c3, blocks, False)
        self.down3 = YoloConv(c3, c3, 3, 2)
        self.bottom_up4 = YoloC2f(c3 + c4, c4, blocks, False)
        self.down4 = YoloConv(c4, c4, 3, 2)
        self.bottom_up5 = YoloC2f(c4 + c5, c5, blocks, False)

    def forward(self, p3, p4, p5) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        t4 = self.top_down4(torch.cat((self.up(p5), p4), dim=1))  # (B, c4, H/16, W/16)
        n3 = self.top_down3(torch.cat((self.up(t4), p3), dim=1))  # (B, c3, H/8, W/8)
        n4 = self.bottom_up4(torch.cat((self.down3(n3), t4), dim=1))  # (B, c4, H/16, W/16)
        n5 = self.bottom_up5(torch.cat((self.down4(n4), p5), dim=1))  # (B, c5, H/32, W/32)
        return n3, n4, n5


def _yolo_branch(c_in: int, hidden: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(
        YoloConv(c_in, hidden, 3), YoloConv(hidden, hidden, 3), nn.Conv2d(hidden, c_out, 1)
    )


def _branch_bias(branch: nn.Module) -> torch.Tensor:
    """The bias of a head branch's last layer, the 1x1 conv that gives its logits."""
    bias = cast(nn.Conv2d, cast(nn.Sequential, branch)[-1]).bias
    if bias is None:
        raise ValueError("a YOLO head branch ends in a conv with a bias")
    return bias


class YoloHead(nn.Module):
    """Decoupled per-level branches: box (4 * reg_max distance logits) and class logits; the
    DFL projection turns each side's logits into an expected distance."""

    def __init__(
        self, *, channels: list[int], num_classes: int, reg_max: int, image_size: int
    ) -> None:
        super().__init__()
        box_hidden, cls_hidden = yolo_head_widths(channels, num_classes, reg_max)
        widths = channels[2:]
        self.reg_max = reg_max
        self.box = nn.ModuleList(_yolo_branch(c, box_hidden, 4 * reg_max) for c in widths)
        self.cls = nn.ModuleList(_yolo_branch(c, cls_hidden, num_classes) for c in widths)
        # Ultralytics' bias init: box logits start flat; class scores start at a prior of about
        # 5 objects per image spread over the level's cells.
        for branch, stride in zip(self.cls, YOLO_STRIDES, strict=True):
            cells = (image_size / stride) ** 2
            nn.init.constant_(_branch_bias(branch), math.log(5 / num_classes / cells))
        for branch in self.box:
            nn.init.constant_(_branch_bias(branch), 1.0)
        # Distribution Focal Loss's fixed projection: each side's distance is the expected bin.
        self.dfl = nn.Conv2d(reg_max, 1, 1, bias=False).requires_grad_(False)
        with torch.no_grad():
            self.dfl.weight.copy_(torch.arange(reg_max, dtype=torch.float32).view(1, -1, 1, 1))

    def forward(self, features) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        boxes, classes = [], []
        for x, box, cls in zip(features, self.box, self.cls, strict=True):
            B, _, H, W = x.shape
            boxes.append(box(x).view(B, 4, self.reg_max, H * W))  # (B, 4, R, HW)
            classes.append(cls(x).flatten(2))  # (B, K, HW)
        box_logits = torch.cat(boxes, dim=3)  # (B, 4, R, A)
        probs = box_logits.softmax(dim=2).transpose(1, 2)  # (B, R, 4, A)
        distances = self.dfl(probs).squeeze(1).transpose(1, 2)  # (B, A, 4), in strides
        class_logits = torch.cat(classes, dim=2).transpose(1, 2)  # (B, A, K)
        return box_logits.permute(0, 3, 1, 2), distances, class_logits  # logits: (B, A, 4, R)


def yolo_anchor_points(
    sizes: list[tuple[int, int]], strides, device=None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Cell centres in pixels (A, 2) as (x, y), and each cell's stride (A,), level by level."""
    points, per_anchor = [], []
    for (h, w), stride in zip(sizes, strides, strict=True):
        ys = (torch.arange(h, device=device, dtype=torch.float32) + 0.5) * stride
        xs = (torch.arange(w, device=device, dtype=torch.float32) + 0.5) * stride
        grid_y, grid_x = torch.meshgrid(ys, xs, indexing="ij")
        points.append(torch.stack((grid_x, grid_y), dim=-1).reshape(-1, 2))
        per_anchor.append(torch.full((h * w,), float(stride), device=device))
    return torch.cat(points), torch.cat(per_anchor)


class Yolo(nn.Module):
    """images (B, C, H, W) -> {"class_logits" (B, A, K), "box_logits" (B, A, 4, reg_max),
    "box_distances" (B, A, 4) from each cell centre to the box's left, top, right and bottom
    sides in strides, "anchor_points" (A, 2) cell centres in pixels, "strides" (A,)}, over the
    A cells of the 3 levels."""

    def __init__(self, config: YoloConfig) -> None:
        super().__init__()
        self.config = config
        self.backbone = YoloBackbone(config.in_channels, config.channels, config.c2f_blocks)
        self.neck = YoloNeck(config.channels, config.neck_blocks)
        self.head = YoloHead(
            channels=config.channels,
            num_classes=config.num_classes,
            reg_max=config.reg_max,
            image_size=config.image_size,
        )

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, images: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return self.neck(*self.backbone(images))  # P3, P4, P5 pyramid levels

    def forward_head(self, features: tuple[torch.Tensor, ...]) -> dict[str, torch.Tensor]:
        box_logits, distances, class_logits = self.head(features)
        sizes = [(f.shape[2], f.shape[3]) for f in features]
        points, strides = yolo_anchor_points(sizes, YOLO_STRIDES, features[0].device)
        return {
            "class_logits": class_logits,
            "box_logits": box_logits,
            "box_distances": distances,
            "anchor_points": points,
            "strides": strides,
        }

    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.forward_head(self.forward_features(images))
