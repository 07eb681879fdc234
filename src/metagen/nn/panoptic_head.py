"""Panoptic-DeepLab's instance branch (Cheng et al., 2020): a center heatmap and, at every
pixel, the (dy, dx) offset to the center of its instance.
`tasks/panoptic_segmentation/evaluate_grouping.py` turns them with the semantic logits into
(class, instance id) per pixel."""

import torch
from torch import nn


class PanopticInstanceHead(nn.Module):
    """Two branches over the decoder features: 3x3 conv-BN-ReLU then a 1x1 conv to the center
    heatmap (1 channel) and to the offsets (2 channels: dy, dx in pixels)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.center = self._branch(channels, 1)
        self.offset = self._branch(channels, 2)

    @staticmethod
    def _branch(channels: int, out: int) -> nn.Sequential:
        return nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(channels, out, kernel_size=1),
        )

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return torch.cat((self.center(features), self.offset(features)), dim=1)  # (B, 3, H, W)
