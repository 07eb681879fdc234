"""Patch tokens for transformers: the strided-conv patchify (ViT, CLIP), and the class token
and learned position table that every image or patch embedding ends with."""

import torch
from torch import nn


def token_parameters(
    n_patches: int, d_model: int, *, cls_token: bool
) -> tuple[nn.Parameter | None, nn.Parameter]:
    """The class token (1, 1, d) if wanted, and the positions (1, n_patches (+1), d), all zero:
    the model that owns them initializes them."""
    cls = nn.Parameter(torch.zeros(1, 1, d_model)) if cls_token else None
    positions = nn.Parameter(torch.zeros(1, n_patches + int(cls_token), d_model))
    return cls, positions


def add_cls_and_positions(
    x: torch.Tensor, cls_token: torch.Tensor | None, pos_embedding: torch.Tensor
) -> torch.Tensor:
    """Patch tokens (B, N, C) -> (B, (1 +) N, C): the class token prepended, positions added."""
    if cls_token is not None:
        x = torch.cat((cls_token.expand(x.size(0), -1, -1), x), dim=1)  # (B, 1 + N, C)
    return x + pos_embedding


def init_vit_tokens(pos_embedding: torch.Tensor, cls_token: torch.Tensor | None = None) -> None:
    """timm's ViT start: positions from a truncated normal of std 0.02, the class token ~0."""
    nn.init.trunc_normal_(pos_embedding, std=0.02)
    if cls_token is not None:
        nn.init.normal_(cls_token, std=1e-6)


class PatchEmbedding(nn.Module):
    """Patchify with a strided conv (bias-free in CLIP), prepend the class token if any, add
    learned positions."""

    def __init__(
        self,
        image_size: int,
        patch_size: int,
        in_channels: int,
        d_model: int,
        *,
        cls_token: bool,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.proj = nn.Conv2d(
            in_channels, d_model, kernel_size=patch_size, stride=patch_size, bias=bias
        )
        n_patches = (image_size // patch_size) ** 2
        self.cls_token, self.pos_embedding = token_parameters(
            n_patches, d_model, cls_token=cls_token
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = self.proj(images)  # (B, C, H/p, W/p)
        x = x.flatten(2).transpose(1, 2)  # (B, N, C)
        return add_cls_and_positions(x, self.cls_token, self.pos_embedding)
