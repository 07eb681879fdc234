"""The image tower that CLIP and the VLM share: CLIP's bias-free patchify or (family hybrid)
the hybrid ViT's conv stem, a pre-norm, ViT encoder blocks and a final norm."""

import torch
from torch import nn

from metagen.archs.vit.model import ViTConfig
from metagen.nn.checks import check_positive
from metagen.nn.conv_stem import ConvStemEmbedding
from metagen.nn.encoder import encoder_from_config
from metagen.nn.patch_embedding import PatchEmbedding

# the ViT fields that an image tower's config holds as vision_<field>
VISION_TOWER_WIDTHS = ("d_model", "n_layers", "n_heads", "d_ff")


def check_vision_stem(patch_size: int, stem_channels: list[int]) -> None:
    """A conv stem halves the image once per stage, so its tokens are 2**stages pixels wide."""
    check_positive(**{f"vision_stem_channels[{i}]": c for i, c in enumerate(stem_channels)})
    if stem_channels and 2 ** len(stem_channels) != patch_size:
        raise ValueError(
            f"patch_size ({patch_size}) must equal 2**len(vision_stem_channels) "
            f"({2 ** len(stem_channels)}): each conv stem stage halves the image"
        )


def vision_tower_config(config) -> ViTConfig:
    """The ViT shape of the image tower of a CLIP or VLM config: its image_size, patch_size,
    in_channels, vision_* widths and depth, activation, norm_eps and dropout (the ViT's
    classifier head is never built)."""
    image = ("image_size", "patch_size", "in_channels", "activation", "norm_eps", "dropout")
    shape = {name: getattr(config, name) for name in image}
    shape |= {name: getattr(config, f"vision_{name}") for name in VISION_TOWER_WIDTHS}
    return ViTConfig(**shape, num_classes=1, pool="cls")


def image_embedding(
    config: ViTConfig, stem_channels: list[int], *, cls_token: bool
) -> PatchEmbedding | ConvStemEmbedding:
    """An image tower's tokens: CLIP's patchify, or with stem_channels the hybrid ViT's conv
    stem (family hybrid). Either way positions and class token start as CLIP's."""
    embedding: PatchEmbedding | ConvStemEmbedding
    if stem_channels:
        embedding = ConvStemEmbedding(
            config.image_size,
            config.in_channels,
            stem_channels,
            config.d_model,
            cls_token=cls_token,
        )
    else:
        embedding = PatchEmbedding(
            config.image_size,
            config.patch_size,
            config.in_channels,
            config.d_model,
            cls_token=cls_token,
            bias=False,
        )
    nn.init.normal_(embedding.pos_embedding, std=0.01)
    if embedding.cls_token is not None:
        nn.init.normal_(embedding.cls_token, std=config.d_model**-0.5)
    return embedding


class VisionTower(nn.Module):
    """CLIP's image encoder: the patch embedding it is given (patchify or conv stem), pre-norm,
    ViT blocks, final norm. Returns every token (B, T, C); with a class token, token 0 is the
    image's summary."""

    def __init__(self, config: ViTConfig, *, patch_embedding: nn.Module) -> None:
        super().__init__()
        self.patch_embedding = patch_embedding
        self.pre_norm = nn.LayerNorm(config.d_model, eps=config.norm_eps)
        self.blocks = encoder_from_config(config, config.activation)
        self.final_norm = nn.LayerNorm(config.d_model, eps=config.norm_eps)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = self.pre_norm(self.patch_embedding(images))  # (B, T, C)
        return self.final_norm(self.blocks(x))  # (B, T, C)


def vision_tower(config: ViTConfig, stem_channels: list[int], *, cls_token: bool) -> VisionTower:
    """The image tower of `config`'s shape, with its embedding (the component builder)."""
    embedding = image_embedding(config, stem_channels, cls_token=cls_token)
    return VisionTower(config, patch_embedding=embedding)
