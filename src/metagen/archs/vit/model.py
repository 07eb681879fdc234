"""Vision Transformer (Dosovitskiy et al., 2020) with timm's forward_features/forward_head."""

from dataclasses import dataclass
from functools import partial
from typing import Protocol

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_choice, check_divisible, check_positive
from metagen.nn.encoder import EncoderShape, check_encoder_shape, encoder_from_config, pool_tokens
from metagen.nn.mlp import GELU_ACTIVATIONS
from metagen.nn.patch_embedding import PatchEmbedding, init_vit_tokens
from metagen.nn.weight_init import init_transformer_weights


@dataclass
class ViTConfig:
    image_size: int = 224
    patch_size: int = 16
    in_channels: int = 3
    d_model: int = 768
    n_layers: int = 12
    n_heads: int = 12
    d_ff: int = 3072
    num_classes: int = 1000
    pool: str = "cls"  # or "mean" over the patch tokens (then no cls token)
    activation: str = "gelu"  # the MLP's GELU: "gelu" (erf), "gelu_tanh" or "quick_gelu"
    norm_eps: float = 1e-6
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_positive(
            image_size=self.image_size,
            patch_size=self.patch_size,
            in_channels=self.in_channels,
            num_classes=self.num_classes,
        )
        check_divisible("image_size", self.image_size, "patch_size", self.patch_size)
        check_choice("pool", self.pool, ("cls", "mean"))
        check_choice("activation", self.activation, GELU_ACTIVATIONS)
        check_encoder_shape(self)

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        shape = (batch_size, self.in_channels, self.image_size, self.image_size)
        return {"images": torch.randn(shape, generator=generator)}


class ClassifierShape(EncoderShape, Protocol):
    """The config fields of a token classifier past its embedding."""

    num_classes: int
    pool: str
    activation: str


class TokenClassifier(nn.Module):
    """The ViT past its token embedding: dropout, pre-norm encoder blocks, final norm and a
    linear head on the pooled tokens, with timm's forward_features/forward_head, and
    `encode_image`: unit-length pooled features, an image embedding. A subclass
    registers its embedding first, under the name its checkpoints use, then calls
    `add_encoder`; `embed` runs the embedding."""

    config: ClassifierShape

    def add_encoder(self, config: ClassifierShape) -> None:
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = encoder_from_config(config, config.activation)
        self.final_norm = nn.LayerNorm(config.d_model, eps=config.norm_eps)
        self.head = nn.Linear(config.d_model, config.num_classes)

    def embed(self, images: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, images: torch.Tensor) -> torch.Tensor:
        x = self.dropout(self.embed(images))  # (B, T, C)
        return self.final_norm(self.blocks(x))  # (B, T, C)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.head(pool_tokens(features, self.config.pool))  # (B, num_classes)

    def encode_image(self, images: torch.Tensor) -> torch.Tensor:
        """Unit-length image embeddings (B, d_model): the pooled tokens the head reads."""
        pooled = pool_tokens(self.forward_features(images), self.config.pool)  # (B, C)
        return F.normalize(pooled, dim=-1)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(images))


class ViT(TokenClassifier):
    """images (B, C, H, W) -> logits (B, num_classes)."""

    def __init__(self, config: ViTConfig) -> None:
        super().__init__()
        self.config = config
        self.patch_embedding = PatchEmbedding(
            config.image_size,
            config.patch_size,
            config.in_channels,
            config.d_model,
            cls_token=config.pool == "cls",
        )
        self.add_encoder(config)
        self.apply(partial(init_transformer_weights, truncated=True))
        init_vit_tokens(self.patch_embedding.pos_embedding, self.patch_embedding.cls_token)

    def embed(self, images: torch.Tensor) -> torch.Tensor:
        return self.patch_embedding(images)  # (B, T, C)
