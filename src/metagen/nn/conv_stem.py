"""Convolutional stems: conv-BN (ResNet's unit), and the stem of strided 3x3 conv-BN-ReLU stages
with a 1x1 projection that turns an image into transformer tokens in place of the ViT patchify
(Xiao et al., 2021, "Early Convolutions Help Transformers See Better"). The hybrid ViT and the
hybrid image towers of CLIP and the VLM use it."""

from itertools import pairwise

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.patch_embedding import add_cls_and_positions, token_parameters


def conv_bn(
    in_channels: int, out_channels: int, kernel_size: int, stride: int = 1
) -> nn.Sequential:
    """Conv without bias (the BN has one), then BatchNorm."""
    conv = nn.Conv2d(
        in_channels, out_channels, kernel_size, stride, padding=kernel_size // 2, bias=False
    )
    return nn.Sequential(conv, nn.BatchNorm2d(out_channels))


class ConvStemEmbedding(nn.Module):
    """Strided conv-BN-ReLU stages, a 1x1 conv to d_model, then the cls token (if any) and
    positions: (image_size / 2**len(stem_channels))^2 patch tokens. The cls token and the
    positions start at zero; the model that owns the stem initializes them."""

    def __init__(
        self,
        image_size: int,
        in_channels: int,
        stem_channels: list[int],
        d_model: int,
        *,
        cls_token: bool,
    ) -> None:
        super().__init__()
        channels = [in_channels, *stem_channels]
        self.stages = nn.ModuleList(
            conv_bn(c_in, c_out, 3, stride=2) for c_in, c_out in pairwise(channels)
        )
        self.proj = nn.Conv2d(channels[-1], d_model, kernel_size=1)
        n_patches = (image_size // 2 ** len(stem_channels)) ** 2
        self.cls_token, self.pos_embedding = token_parameters(
            n_patches, d_model, cls_token=cls_token
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = images
        for stage in self.stages:
            x = F.relu(stage(x))  # (B, c, H/2, W/2)
        x = self.proj(x).flatten(2).transpose(1, 2)  # (B, N, d)
        return add_cls_and_positions(x, self.cls_token, self.pos_embedding)
