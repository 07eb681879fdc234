"""Space-time transformer noise predictor for video diffusion: the divided space-time blocks of
the video transformer (attention across frames, then within each frame), each also conditioned
on the timestep and, by cross-attention, on a caption (Latte, Ma et al., 2024; VDM's factorized
space-time attention, Ho et al., 2022). Tokens are unpatchified back into a clip of noise."""

from dataclasses import dataclass, field
from functools import partial

import torch
import torch.nn.functional as F
from torch import nn

from metagen.archs.unet.model import (
    CaptionEncoder,
    TimestepEmbedding,
    UNetCrossAttention,
    check_captions,
)
from metagen.archs.video_transformer.model import (
    DividedSpaceTimeBlock,
    TemporalEmbedding,
    TubeletEmbedding,
)
from metagen.nn.checks import check_divisible, check_positive
from metagen.nn.encoder import EncoderStack, check_encoder_shape
from metagen.nn.patch_embedding import init_vit_tokens
from metagen.nn.weight_init import init_transformer_weights

# Sinusoidal timestep features before the embedding MLP (DiT).
VIDEO_TIMESTEP_FEATURES = 256


@dataclass
class VideoDiffusionConfig:
    num_frames: int = 16
    resolution: list[int] = field(default_factory=lambda: [256, 256])  # [height, width]
    tubelet_size: int = 2
    patch_size: int = 16
    in_channels: int = 3
    d_model: int = 1024
    n_layers: int = 24
    n_heads: int = 16
    d_ff: int = 4096
    norm_eps: float = 1e-6
    dropout: float = 0.0
    # Caption conditioning: a transformer over byte tokens, attended to by every block.
    text_conditioning: bool = True
    caption_vocab_size: int = 259
    caption_length: int = 77
    caption_d_model: int = 512
    caption_n_layers: int = 4
    caption_n_heads: int = 8

    def __post_init__(self) -> None:
        if len(self.resolution) != 2:
            raise ValueError(f"resolution must be [height, width], got {list(self.resolution)}")
        check_positive(
            num_frames=self.num_frames,
            tubelet_size=self.tubelet_size,
            patch_size=self.patch_size,
            in_channels=self.in_channels,
        )
        check_positive(**{f"resolution[{i}]": side for i, side in enumerate(self.resolution)})
        check_divisible("num_frames", self.num_frames, "tubelet_size", self.tubelet_size)
        check_divisible("height", self.resolution[0], "patch_size", self.patch_size)
        check_divisible("width", self.resolution[1], "patch_size", self.patch_size)
        check_encoder_shape(self)
        if self.text_conditioning:
            check_captions(self)

    @property
    def grid(self) -> tuple[int, int]:
        """(time steps, patches per frame) of the token grid."""
        height, width = self.resolution
        return self.num_frames // self.tubelet_size, (height // self.patch_size) * (
            width // self.patch_size
        )

    @property
    def time_dim(self) -> int:
        """Width of the timestep embedding (and of the caption's pooled vector added to it)."""
        return self.d_model

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        shape = (batch_size, self.in_channels, self.num_frames, *self.resolution)
        inputs = {
            "noisy": torch.randn(shape, generator=generator),
            "timesteps": torch.randint(0, 1000, (batch_size,), generator=generator),
        }
        if self.text_conditioning:
            size = (batch_size, self.caption_length)
            inputs["caption_ids"] = torch.randint(
                0, self.caption_vocab_size, size, generator=generator
            )
        return inputs


class DenoiserBlock(DividedSpaceTimeBlock):
    """The timestep embedding added to every token, temporal attention, spatial attention,
    cross-attention to the caption (when conditioned), MLP; each residual."""

    def __init__(self, config: VideoDiffusionConfig) -> None:
        super().__init__(config)
        d = config.d_model
        self.time_proj = nn.Linear(config.time_dim, d)
        self.cross_attention = None
        if config.text_conditioning:
            self.cross_attention = UNetCrossAttention(d, config.n_heads, config.caption_d_model)

    def forward(  # type: ignore[override]  # conditioned: also the timestep and caption
        self, x: torch.Tensor, time_emb: torch.Tensor, context: torch.Tensor | None = None
    ) -> torch.Tensor:
        B, T, N, C = x.size()
        x = x + self.time_proj(F.silu(time_emb))[:, None, None, :]  # (B, T, N, C)
        x = x + self.attend_time(self.temporal_norm(x))
        x = x + self.attend_space(self.spatial_norm(x))
        if self.cross_attention is not None:
            x = x + self.cross_attention(x.reshape(B, T * N, C), context).view(B, T, N, C)
        x = x + self.mlp(self.mlp_norm(x))
        return x


class VideoDiffusion(nn.Module):
    """(noisy (B, C, T, H, W), timesteps (B,), caption_ids (B, L) if conditioned) -> the
    predicted noise (B, C, T, H, W)."""

    def __init__(self, config: VideoDiffusionConfig) -> None:
        super().__init__()
        self.config = config
        self.time_embedding = TimestepEmbedding(VIDEO_TIMESTEP_FEATURES, config.time_dim)
        self.caption_encoder = CaptionEncoder(config) if config.text_conditioning else None
        self.patch_embedding = TubeletEmbedding(config)
        self.temporal_embedding = TemporalEmbedding(config)
        self.blocks = EncoderStack(DenoiserBlock(config) for _ in range(config.n_layers))
        self.final_norm = nn.LayerNorm(config.d_model, eps=config.norm_eps)
        t, p = config.tubelet_size, config.patch_size
        self.head = nn.Linear(config.d_model, config.in_channels * t * p * p)
        self.apply(partial(init_transformer_weights, truncated=True))
        init_vit_tokens(self.patch_embedding.pos_embedding)
        init_vit_tokens(self.temporal_embedding.pos_embedding)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(
        self, noisy: torch.Tensor, timesteps: torch.Tensor, caption_ids: torch.Tensor | None = None
    ) -> torch.Tensor:
        time_emb = self.time_embedding(timesteps)  # (B, d)
        context = None
        if self.caption_encoder is not None:
            if caption_ids is None:
                raise ValueError("this denoiser is caption-conditioned: pass caption_ids")
            context, pooled = self.caption_encoder(caption_ids)  # (B, L, dc), (B, d)
            time_emb = time_emb + pooled
        x = self.temporal_embedding(self.patch_embedding(noisy))  # (B, T', N, d)
        return self.final_norm(self.blocks(x, time_emb, context))  # (B, T', N, d)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        c = self.config
        (height, width), t, p = c.resolution, c.tubelet_size, c.patch_size
        B, T, N, _ = features.size()
        x = self.head(features)  # (B, T', N, C*t*p*p)
        x = x.view(B, T, height // p, width // p, c.in_channels, t, p, p)
        x = x.permute(0, 4, 1, 5, 2, 6, 3, 7)  # (B, C, T', t, H/p, p, W/p, p)
        return x.reshape(B, c.in_channels, T * t, height, width)  # (B, C, T, H, W)

    def forward(
        self, noisy: torch.Tensor, timesteps: torch.Tensor, caption_ids: torch.Tensor | None = None
    ) -> torch.Tensor:
        return self.forward_head(self.forward_features(noisy, timesteps, caption_ids))
