"""YOLOv8's building blocks (Jocher et al., Ultralytics 2023): conv-BN-SiLU, the C2f stage
(a CSP bottleneck with two convolutions, every branch concatenated) and SPPF pooling."""

import torch
from torch import nn


class YoloConv(nn.Module):
    """Conv (no bias) -> BatchNorm -> SiLU, padded to keep the size at stride 1."""

    def __init__(self, c_in: int, c_out: int, kernel: int = 1, stride: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, kernel, stride, padding=kernel // 2, bias=False)
        # Ultralytics' BatchNorm settings (eps 1e-3, momentum 0.03).
        self.bn = nn.BatchNorm2d(c_out, eps=1e-3, momentum=0.03)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.silu(self.bn(self.conv(x)))


class YoloBottleneck(nn.Module):
    """Two 3x3 convs, with a residual add when `shortcut` (the backbone's C2f stages)."""

    def __init__(self, channels: int, shortcut: bool) -> None:
        super().__init__()
        self.cv1 = YoloConv(channels, channels, 3)
        self.cv2 = YoloConv(channels, channels, 3)
        self.shortcut = shortcut

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.cv2(self.cv1(x))
        return x + out if self.shortcut else out


class YoloC2f(nn.Module):
    """1x1 conv to 2c channels, split in halves; n bottlenecks on the second half, each output
    kept; every piece concatenated ((2 + n) * c channels) and fused by a 1x1 conv."""

    def __init__(self, c_in: int, c_out: int, n: int, shortcut: bool) -> None:
        super().__init__()
        self.hidden = c_out // 2
        self.cv1 = YoloConv(c_in, 2 * self.hidden, 1)
        self.cv2 = YoloConv((2 + n) * self.hidden, c_out, 1)
        self.m = nn.ModuleList(YoloBottleneck(self.hidden, shortcut) for _ in range(n))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pieces = list(self.cv1(x).chunk(2, dim=1))  # two (B, c, H, W)
        for block in self.m:
            pieces.append(block(pieces[-1]))
        return self.cv2(torch.cat(pieces, dim=1))  # (B, c_out, H, W)


class YoloSPPF(nn.Module):
    """Spatial pyramid pooling, fast: three chained 5x5 max-pools, concatenated with the input."""

    def __init__(self, c_in: int, c_out: int, kernel: int = 5) -> None:
        super().__init__()
        hidden = c_in // 2
        self.cv1 = YoloConv(c_in, hidden, 1)
        self.cv2 = YoloConv(4 * hidden, c_out, 1)
        self.pool = nn.MaxPool2d(kernel, stride=1, padding=kernel // 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pieces = [self.cv1(x)]
        for _ in range(3):
            pieces.append(self.pool(pieces[-1]))
        return self.cv2(torch.cat(pieces, dim=1))  # (B, c_out, H, W)
