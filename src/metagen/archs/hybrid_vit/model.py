"""Hybrid CNN + transformer classifier: a convolutional stem of strided 3x3 conv-BN-ReLU stages
and a 1x1 projection instead of the ViT patchify (Xiao et al., 2021, "Early Convolutions Help
Transformers See Better"), then the ViT encoder."""

from dataclasses import dataclass, field

import torch
from torch import nn

from metagen.archs.vit.model import TokenClassifier
from metagen.nn.checks import check_choice, check_divisible, check_positive
from metagen.nn.conv_stem import ConvStemEmbedding
from metagen.nn.encoder import check_encoder_shape
from metagen.nn.mlp import GELU_ACTIVATIONS
from metagen.nn.patch_embedding import init_vit_tokens
from metagen.nn.weight_init import init_transformer_weights


@dataclass
class HybridViTConfig:
    image_size: int = 224
    in_channels: int = 3
    # One stride-2 stage per entry, so the tokens are (image_size / 2**len)^2 (16x16 pixels
    # each for four stages, as ViT-B/16 patches); ViT_C-4GF of Xiao et al. uses these.
    stem_channels: list[int] = field(default_factory=lambda: [48, 96, 192, 384])
    d_model: int = 384
    n_layers: int = 11
    n_heads: int = 6
    d_ff: int = 1536
    num_classes: int = 1000
    pool: str = "cls"  # or "mean" over the tokens (then no cls token)
    activation: str = "gelu"  # the MLP's GELU, as the ViT's
    norm_eps: float = 1e-6
    dropout: float = 0.0

    def __post_init__(self) -> None:
        if not self.stem_channels:
            raise ValueError("stem_channels must list at least one stage")
        check_positive(**{f"stem_channels[{i}]": c for i, c in enumerate(self.stem_channels)})
        check_positive(
            image_size=self.image_size,
            in_channels=self.in_channels,
            num_classes=self.num_classes,
        )
        check_divisible(
            "image_size", self.image_size, "the stem's stride", 2 ** len(self.stem_channels)
        )
        check_choice("pool", self.pool, ("cls", "mean"))
        check_choice("activation", self.activation, GELU_ACTIVATIONS)
        check_encoder_shape(self)

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        shape = (batch_size, self.in_channels, self.image_size, self.image_size)
        return {"images": torch.randn(shape, generator=generator)}


def init_hybrid_vit_weights(module: nn.Module) -> None:
    """The ViT's linear init; He init (fan-out) for the stem's convs, as ResNet's."""
    if isinstance(module, nn.Conv2d):
        nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
    else:
        init_transformer_weights(module, truncated=True)


class HybridViT(TokenClassifier):
    """images (B, C, H, W) -> logits (B, num_classes)."""

    def __init__(self, config: HybridViTConfig) -> None:
        super().__init__()
        self.config = config
        self.stem = ConvStemEmbedding(
            config.image_size,
            config.in_channels,
            config.stem_channels,
            config.d_model,
            cls_token=config.pool == "cls",
        )
        self.add_encoder(config)
        self.apply(init_hybrid_vit_weights)
        init_vit_tokens(self.stem.pos_embedding, self.stem.cls_token)

    def embed(self, images: torch.Tensor) -> torch.Tensor:
        return self.stem(images)  # (B, T, d)
