"""Vision Transformer (Dosovitskiy et al., 2020) with timm's forward_features/forward_head."""

from dataclasses import dataclass

import torch
from torch import nn

from metagen.nn.attention import SelfAttention
from metagen.nn.checks import check_choice, check_divisible, check_dropout, check_positive
from metagen.nn.mlp import GeluMLP


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
    norm_eps: float = 1e-6
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_positive(
            image_size=self.image_size,
            patch_size=self.patch_size,
            in_channels=self.in_channels,
            d_model=self.d_model,
            n_layers=self.n_layers,
            n_heads=self.n_heads,
            d_ff=self.d_ff,
            num_classes=self.num_classes,
            norm_eps=self.norm_eps,
        )
        check_divisible("image_size", self.image_size, "patch_size", self.patch_size)
        check_divisible("d_model", self.d_model, "n_heads", self.n_heads)
        check_choice("pool", self.pool, ("cls", "mean"))
        check_dropout(self.dropout)

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        shape = (batch_size, self.in_channels, self.image_size, self.image_size)
        return {"images": torch.randn(shape, generator=generator)}


class PatchEmbedding(nn.Module):
    """Patchify with a strided conv, prepend the cls token if any, add learned positions."""

    def __init__(
        self, image_size: int, patch_size: int, in_channels: int, d_model: int, *, cls_token: bool
    ) -> None:
        super().__init__()
        n_tokens = (image_size // patch_size) ** 2 + int(cls_token)
        self.proj = nn.Conv2d(in_channels, d_model, kernel_size=patch_size, stride=patch_size)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d_model)) if cls_token else None
        self.pos_embedding = nn.Parameter(torch.zeros(1, n_tokens, d_model))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = self.proj(images)  # (B, C, H/p, W/p)
        x = x.flatten(2).transpose(1, 2)  # (B, N, C)
        if self.cls_token is not None:
            cls = self.cls_token.expand(x.size(0), -1, -1)  # (B, 1, C)
            x = torch.cat((cls, x), dim=1)  # (B, 1 + N, C)
        return x + self.pos_embedding


class ViTBlock(nn.Module):
    """Pre-norm transformer block with bidirectional attention."""

    def __init__(self, config: ViTConfig) -> None:
        super().__init__()
        d = config.d_model
        self.norm1 = nn.LayerNorm(d, eps=config.norm_eps)
        self.attention = SelfAttention(d, config.n_heads, dropout=config.dropout)
        self.norm2 = nn.LayerNorm(d, eps=config.norm_eps)
        self.mlp = GeluMLP(d, config.d_ff, bias=True, dropout=config.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.norm1(x))
        x = x + self.mlp(self.norm2(x))
        return x


class VisionTransformer(nn.Module):
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
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(ViTBlock(config) for _ in range(config.n_layers))
        self.final_norm = nn.LayerNorm(config.d_model, eps=config.norm_eps)
        self.head = nn.Linear(config.d_model, config.num_classes)
        self.apply(self._init_weights)
        nn.init.trunc_normal_(self.patch_embedding.pos_embedding, std=0.02)
        if self.patch_embedding.cls_token is not None:
            nn.init.normal_(self.patch_embedding.cls_token, std=1e-6)

    def _init_weights(self, module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.trunc_normal_(module.weight, std=0.02)
            nn.init.zeros_(module.bias)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, images: torch.Tensor) -> torch.Tensor:
        x = self.dropout(self.patch_embedding(images))  # (B, T, C)
        for block in self.blocks:
            x = block(x)
        return self.final_norm(x)  # (B, T, C)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        pooled = features[:, 0] if self.config.pool == "cls" else features.mean(dim=1)  # (B, C)
        return self.head(pooled)  # (B, num_classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(images))
