"""Video transformer with divided space-time attention (TimeSformer, Bertasius et al., 2021).

Each block attends across time (the same patch in every frame), then across space (every
patch of one frame), then applies the MLP: three residual lines.
"""

from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

import torch
from torch import nn

from metagen.nn.attention import SelfAttention
from metagen.nn.checks import check_divisible, check_positive
from metagen.nn.encoder import EncoderStack, check_encoder_shape
from metagen.nn.mlp import GeluMLP
from metagen.nn.patch_embedding import init_vit_tokens
from metagen.nn.weight_init import init_transformer_weights


@dataclass
class VideoTransformerConfig:
    num_frames: int = 8
    resolution: list[int] = field(default_factory=lambda: [224, 224])  # [height, width]
    tubelet_size: int = 1  # frames per token; 1 is TimeSformer, 2 is ViViT's tubelets
    patch_size: int = 16
    in_channels: int = 3
    d_model: int = 768
    n_layers: int = 12
    n_heads: int = 12
    d_ff: int = 3072
    num_classes: int = 400
    norm_eps: float = 1e-6
    dropout: float = 0.0

    def __post_init__(self) -> None:
        if len(self.resolution) != 2:
            raise ValueError(f"resolution must be [height, width], got {list(self.resolution)}")
        height, width = self.resolution
        check_positive(
            num_frames=self.num_frames,
            height=height,
            width=width,
            tubelet_size=self.tubelet_size,
            patch_size=self.patch_size,
            in_channels=self.in_channels,
            num_classes=self.num_classes,
        )
        check_divisible("num_frames", self.num_frames, "tubelet_size", self.tubelet_size)
        check_divisible("height", height, "patch_size", self.patch_size)
        check_divisible("width", width, "patch_size", self.patch_size)
        check_encoder_shape(self)

    @property
    def grid(self) -> tuple[int, int]:
        """(time steps, patches per frame) of the token grid."""
        height, width = self.resolution
        return self.num_frames // self.tubelet_size, (height // self.patch_size) * (
            width // self.patch_size
        )

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        shape = (batch_size, self.in_channels, self.num_frames, *self.resolution)
        return {"videos": torch.randn(shape, generator=generator)}


class SpaceTimeShape(Protocol):
    """The config fields of the space-time tokens and blocks (video transformer, denoiser)."""

    in_channels: int
    tubelet_size: int
    patch_size: int
    d_model: int
    n_heads: int
    d_ff: int
    norm_eps: float
    dropout: float

    @property
    def grid(self) -> tuple[int, int]: ...


class TubeletEmbedding(nn.Module):
    """Spatial embedding: a strided Conv3d over t x p x p tubelets, plus a learned position per
    patch of a frame (shared by every frame)."""

    def __init__(self, config: SpaceTimeShape) -> None:
        super().__init__()
        t, p = config.tubelet_size, config.patch_size
        n_patches = config.grid[1]
        self.proj = nn.Conv3d(
            config.in_channels, config.d_model, kernel_size=(t, p, p), stride=(t, p, p)
        )
        self.pos_embedding = nn.Parameter(torch.zeros(1, 1, n_patches, config.d_model))

    def forward(self, videos: torch.Tensor) -> torch.Tensor:
        x = self.proj(videos)  # (B, C, T', H/p, W/p)
        x = x.flatten(3).transpose(1, 2).transpose(2, 3)  # (B, T', N, C)
        return x + self.pos_embedding


class TemporalEmbedding(nn.Module):
    """Temporal embedding: a learned position per time step (shared by every patch)."""

    def __init__(self, config: SpaceTimeShape) -> None:
        super().__init__()
        self.pos_embedding = nn.Parameter(torch.zeros(1, config.grid[0], 1, config.d_model))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.pos_embedding  # (B, T', N, C)


class DividedSpaceTimeBlock(nn.Module):
    """Pre-norm block: temporal attention, spatial attention, MLP, each residual."""

    def __init__(self, config: SpaceTimeShape) -> None:
        super().__init__()
        d = config.d_model
        self.temporal_norm = nn.LayerNorm(d, eps=config.norm_eps)
        self.temporal_attention = SelfAttention(d, config.n_heads, dropout=config.dropout)
        self.spatial_norm = nn.LayerNorm(d, eps=config.norm_eps)
        self.spatial_attention = SelfAttention(d, config.n_heads, dropout=config.dropout)
        self.mlp_norm = nn.LayerNorm(d, eps=config.norm_eps)
        self.mlp = GeluMLP(d, config.d_ff, bias=True, dropout=config.dropout)

    def attend_time(self, x: torch.Tensor) -> torch.Tensor:
        """Each patch position attends to itself in every frame."""
        B, T, N, C = x.size()
        seqs = x.transpose(1, 2).reshape(B * N, T, C)  # (B*N, T, C)
        out = self.temporal_attention(seqs)  # (B*N, T, C)
        return out.view(B, N, T, C).transpose(1, 2)  # (B, T, N, C)

    def attend_space(self, x: torch.Tensor) -> torch.Tensor:
        """Each frame's patches attend to each other."""
        B, T, N, C = x.size()
        out = self.spatial_attention(x.reshape(B * T, N, C))  # (B*T, N, C)
        return out.view(B, T, N, C)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attend_time(self.temporal_norm(x))
        x = x + self.attend_space(self.spatial_norm(x))
        x = x + self.mlp(self.mlp_norm(x))
        return x


class VideoTransformer(nn.Module):
    """videos (B, C, T, H, W) -> logits (B, num_classes); mean-pooled over space and time."""

    def __init__(self, config: VideoTransformerConfig) -> None:
        super().__init__()
        self.config = config
        self.patch_embedding = TubeletEmbedding(config)
        self.temporal_embedding = TemporalEmbedding(config)
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = EncoderStack(DividedSpaceTimeBlock(config) for _ in range(config.n_layers))
        self.final_norm = nn.LayerNorm(config.d_model, eps=config.norm_eps)
        self.head = nn.Linear(config.d_model, config.num_classes)
        self.apply(partial(init_transformer_weights, truncated=True))
        init_vit_tokens(self.patch_embedding.pos_embedding)
        init_vit_tokens(self.temporal_embedding.pos_embedding)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, videos: torch.Tensor) -> torch.Tensor:
        x = self.temporal_embedding(self.patch_embedding(videos))  # (B, T', N, C)
        return self.final_norm(self.blocks(self.dropout(x)))  # (B, T', N, C)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.head(features.mean(dim=(1, 2)))  # (B, num_classes)

    def forward(self, videos: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(videos))
