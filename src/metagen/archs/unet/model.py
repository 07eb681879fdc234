"""U-Net noise predictor for diffusion (Ho et al., 2020; Dhariwal & Nichol, 2021), optionally
conditioned on a caption by cross-attention (Rombach et al., 2022)."""

import math
from dataclasses import dataclass, field
from typing import Protocol, cast

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_divisible, check_dropout, check_positive
from metagen.nn.encoder import transformer_encoder


def check_captions(config) -> None:
    """The caption encoder's fields of a text-conditioned denoiser config (U-Net or video)."""
    check_positive(
        caption_vocab_size=config.caption_vocab_size,
        caption_length=config.caption_length,
        caption_d_model=config.caption_d_model,
        caption_n_layers=config.caption_n_layers,
        caption_n_heads=config.caption_n_heads,
    )
    check_divisible(
        "caption_d_model", config.caption_d_model, "caption_n_heads", config.caption_n_heads
    )


@dataclass
class UNetConfig:
    image_size: int = 64
    in_channels: int = 3
    base_channels: int = 128
    channel_mults: list[int] = field(default_factory=lambda: [1, 2, 2, 2])  # one per level
    num_res_blocks: int = 2  # per level on the way down; one more on the way up
    attention_resolutions: list[int] = field(default_factory=lambda: [16])  # level sides, px
    head_channels: int = 64
    norm_groups: int = 32
    dropout: float = 0.0
    # Caption conditioning: a transformer over byte tokens, attended to by every attention block.
    text_conditioning: bool = False
    caption_vocab_size: int = 259
    caption_length: int = 77
    caption_d_model: int = 256
    caption_n_layers: int = 2
    caption_n_heads: int = 4

    def __post_init__(self) -> None:
        check_positive(
            image_size=self.image_size,
            in_channels=self.in_channels,
            base_channels=self.base_channels,
            num_res_blocks=self.num_res_blocks,
            head_channels=self.head_channels,
            norm_groups=self.norm_groups,
        )
        if not self.channel_mults:
            raise ValueError("channel_mults must list at least one level")
        check_positive(**{f"channel_mults[{i}]": m for i, m in enumerate(self.channel_mults)})
        check_divisible(
            "image_size", self.image_size, "2**(levels - 1)", 2 ** (len(self.channel_mults) - 1)
        )
        check_divisible("base_channels", self.base_channels, "norm_groups", self.norm_groups)
        for side in self.attention_sides():
            channels = self.base_channels * self.channel_mults[self.level_of(side)]
            check_divisible(f"channels at {side}px", channels, "head_channels", self.head_channels)
        check_divisible(
            "middle channels",
            self.base_channels * self.channel_mults[-1],
            "head_channels",
            self.head_channels,
        )
        check_dropout(self.dropout)
        if self.text_conditioning:
            check_captions(self)

    def level_sides(self) -> list[int]:
        return [self.image_size // 2**i for i in range(len(self.channel_mults))]

    def level_of(self, side: int) -> int:
        return self.level_sides().index(side)

    def attention_sides(self) -> list[int]:
        """The attention_resolutions that some level has."""
        return [side for side in self.level_sides() if side in self.attention_resolutions]

    @property
    def time_dim(self) -> int:
        return 4 * self.base_channels

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        shape = (batch_size, self.in_channels, self.image_size, self.image_size)
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


def timestep_features(timesteps: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal features of the timesteps (B,) -> (B, dim), cos then sin (as in ADM)."""
    half = dim // 2
    freqs = torch.exp(
        -math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=timesteps.device) / half
    )
    args = timesteps.float()[:, None] * freqs[None]  # (B, half)
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)  # (B, dim)


class TimestepEmbedding(nn.Module):
    """Sinusoidal features of width `dim`, then an MLP to `time_dim` (DDPM)."""

    def __init__(self, dim: int, time_dim: int) -> None:
        super().__init__()
        self.dim = dim
        self.linear1 = nn.Linear(dim, time_dim)
        self.linear2 = nn.Linear(time_dim, time_dim)

    def forward(self, timesteps: torch.Tensor) -> torch.Tensor:
        x = timestep_features(timesteps, self.dim)  # (B, dim)
        return self.linear2(F.silu(self.linear1(x)))  # (B, time_dim)


class CaptionShape(Protocol):
    """The config fields of a denoiser's caption encoder (U-Net, video)."""

    caption_vocab_size: int
    caption_length: int
    caption_d_model: int
    caption_n_layers: int
    caption_n_heads: int
    dropout: float

    @property
    def time_dim(self) -> int: ...


class CaptionEncoder(nn.Module):
    """Byte tokens (B, L) -> contextual features (B, L, d) for cross-attention, and a pooled
    vector (B, time_dim) added to the timestep embedding (Imagen): the first (bos) token's
    features, projected. Embeddings, learned positions, pre-norm bidirectional blocks; padding
    is attended to, as in Stable Diffusion's text encoder."""

    def __init__(self, config: CaptionShape) -> None:
        super().__init__()
        d = config.caption_d_model
        self.token_embedding = nn.Embedding(config.caption_vocab_size, d)
        self.pos_embedding = nn.Parameter(torch.zeros(1, config.caption_length, d))
        self.blocks = transformer_encoder(
            config.caption_n_layers,
            d,
            config.caption_n_heads,
            4 * d,
            norm_eps=1e-5,  # as the final norm's default
            dropout=config.dropout,
        )
        self.final_norm = nn.LayerNorm(d)
        self.pooled_proj = nn.Linear(d, config.time_dim)
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.trunc_normal_(self.pos_embedding, std=0.02)

    def forward(self, caption_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.token_embedding(caption_ids) + self.pos_embedding  # (B, L, d)
        x = self.final_norm(self.blocks(x))
        return x, self.pooled_proj(x[:, 0])  # (B, L, d), (B, time_dim)


class UNetResBlock(nn.Module):
    """GroupNorm-SiLU-conv twice, the timestep embedding added between, and a residual (1x1
    conv where the channels change)."""

    def __init__(
        self, in_channels: int, out_channels: int, time_dim: int, groups: int, dropout: float
    ) -> None:
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.time_proj = nn.Linear(time_dim, out_channels)
        self.norm2 = nn.GroupNorm(groups, out_channels)
        self.dropout = nn.Dropout(dropout)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.skip = nn.Conv2d(in_channels, out_channels, 1) if in_channels != out_channels else None

    def forward(self, x: torch.Tensor, time_emb: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))  # (B, out, H, W)
        h = h + self.time_proj(F.silu(time_emb))[:, :, None, None]
        h = self.conv2(self.dropout(F.silu(self.norm2(h))))
        return h + (x if self.skip is None else self.skip(x))


def _heads(x: torch.Tensor, n_heads: int) -> torch.Tensor:
    B, T, C = x.size()
    return x.view(B, T, n_heads, C // n_heads).transpose(1, 2)  # (B, nh, T, hs)


class UNetCrossAttention(nn.Module):
    """Queries from the image positions, keys and values from the caption features."""

    def __init__(self, channels: int, n_heads: int, context_dim: int) -> None:
        super().__init__()
        self.n_heads = n_heads
        self.norm = nn.LayerNorm(channels)
        self.q = nn.Linear(channels, channels)
        self.kv = nn.Linear(context_dim, 2 * channels)
        self.out_proj = nn.Linear(channels, channels)

    def forward(self, tokens: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        B, T, C = tokens.size()
        q = _heads(self.q(self.norm(tokens)), self.n_heads)  # (B, nh, T, hs)
        k, v = (_heads(part, self.n_heads) for part in self.kv(context).split(C, dim=-1))
        y = F.scaled_dot_product_attention(q, k, v)  # (B, nh, T, hs)
        return self.out_proj(y.transpose(1, 2).reshape(B, T, C))  # (B, T, C)


class UNetAttention(nn.Module):
    """Self-attention over the H*W positions, then, when conditioned, cross-attention from
    those positions to the caption features; each a residual."""

    def __init__(
        self, channels: int, head_channels: int, groups: int, context_dim: int | None
    ) -> None:
        super().__init__()
        self.n_heads = channels // head_channels
        self.norm = nn.GroupNorm(groups, channels)
        self.qkv = nn.Linear(channels, 3 * channels)
        self.out_proj = nn.Linear(channels, channels)
        self.cross_attention = None
        if context_dim is not None:
            self.cross_attention = UNetCrossAttention(channels, self.n_heads, context_dim)

    def forward(self, x: torch.Tensor, context: torch.Tensor | None = None) -> torch.Tensor:
        B, C, H, W = x.size()
        h = self.norm(x).flatten(2).transpose(1, 2)  # (B, HW, C)
        q, k, v = (_heads(part, self.n_heads) for part in self.qkv(h).split(C, dim=-1))
        y = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(B, H * W, C)
        tokens = x.flatten(2).transpose(1, 2) + self.out_proj(y)  # (B, HW, C)
        if self.cross_attention is not None:
            if context is None:
                raise ValueError("this U-Net is caption-conditioned: pass caption_ids")
            tokens = tokens + self.cross_attention(tokens, context)
        return tokens.transpose(1, 2).reshape(B, C, H, W)


class UNetLevel(nn.Module):
    """One resolution of the down or the up path: residual blocks, attention after each when
    the level attends, then the resampling conv (down: stride 2; up: nearest x2, then 3x3)."""

    def __init__(
        self,
        blocks: list[UNetResBlock],
        attentions: list[UNetAttention],
        resample: nn.Module | None,
    ) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(blocks)
        self.attentions = nn.ModuleList(attentions)  # empty, or one per block
        self.resample = resample

    def block(
        self, index: int, h: torch.Tensor, time_emb: torch.Tensor, context: torch.Tensor | None
    ) -> torch.Tensor:
        h = self.blocks[index](h, time_emb)
        return self.attentions[index](h, context) if len(self.attentions) else h


class UNetUpsample(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.interpolate(x, scale_factor=2, mode="nearest"))  # (B, C, 2H, 2W)


class UNetMiddle(nn.Module):
    """Residual block, attention, residual block at the lowest resolution."""

    def __init__(self, channels: int, config: UNetConfig, context_dim: int | None) -> None:
        super().__init__()
        groups, t_dim, p = config.norm_groups, config.time_dim, config.dropout
        self.block1 = UNetResBlock(channels, channels, t_dim, groups, p)
        self.attention = UNetAttention(channels, config.head_channels, groups, context_dim)
        self.block2 = UNetResBlock(channels, channels, t_dim, groups, p)

    def forward(
        self, h: torch.Tensor, time_emb: torch.Tensor, context: torch.Tensor | None
    ) -> torch.Tensor:
        h = self.block1(h, time_emb)
        return self.block2(self.attention(h, context), time_emb)


def unet_levels(config: UNetConfig, context_dim: int | None) -> tuple[nn.ModuleList, nn.ModuleList]:
    """The down levels (top first) and the up levels (bottom first), in execution order; the up
    blocks read the down path's outputs as skips, last in first out."""
    base, groups, t_dim, p = (
        config.base_channels,
        config.norm_groups,
        config.time_dim,
        config.dropout,
    )
    n_levels, sides = len(config.channel_mults), config.level_sides()

    def attention(channels: int, side: int) -> list[UNetAttention]:
        if side not in config.attention_resolutions:
            return []
        return [UNetAttention(channels, config.head_channels, groups, context_dim)]

    ch = base * config.channel_mults[0]
    skips, down = [ch], []
    for i, mult in enumerate(config.channel_mults):
        blocks, attentions = [], []
        for _ in range(config.num_res_blocks):
            blocks.append(UNetResBlock(ch, base * mult, t_dim, groups, p))
            ch = base * mult
            attentions += attention(ch, sides[i])
            skips.append(ch)
        resample = None
        if i < n_levels - 1:
            resample = nn.Conv2d(ch, ch, 3, stride=2, padding=1)
            skips.append(ch)
        down.append(UNetLevel(blocks, attentions, resample))
    up = []
    for i in reversed(range(n_levels)):
        blocks, attentions = [], []
        for _ in range(config.num_res_blocks + 1):
            out = base * config.channel_mults[i]
            blocks.append(UNetResBlock(ch + skips.pop(), out, t_dim, groups, p))
            ch = out
            attentions += attention(ch, sides[i])
        up.append(UNetLevel(blocks, attentions, UNetUpsample(ch) if i > 0 else None))
    return nn.ModuleList(down), nn.ModuleList(up)


class UNet(nn.Module):
    """(noisy (B, C, H, W), timesteps (B,), caption_ids (B, L) if conditioned) -> the predicted
    noise (B, C, H, W)."""

    def __init__(self, config: UNetConfig) -> None:
        super().__init__()
        self.config = config
        base, top = config.base_channels, config.base_channels * config.channel_mults[0]
        self.time_embedding = TimestepEmbedding(base, config.time_dim)
        self.caption_encoder = CaptionEncoder(config) if config.text_conditioning else None
        context_dim = config.caption_d_model if config.text_conditioning else None
        self.stem = nn.Conv2d(config.in_channels, top, 3, padding=1)
        down, up = unet_levels(config, context_dim)
        self.down = down
        self.middle = UNetMiddle(base * config.channel_mults[-1], config, context_dim)
        self.up = up
        self.head = nn.Sequential(
            nn.GroupNorm(config.norm_groups, top),
            nn.SiLU(),
            nn.Conv2d(top, config.in_channels, 3, padding=1),
        )

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(
        self, noisy: torch.Tensor, timesteps: torch.Tensor, caption_ids: torch.Tensor | None = None
    ) -> torch.Tensor:
        time_emb = self.time_embedding(timesteps)  # (B, 4 * base)
        context = None
        if self.caption_encoder is not None:
            if caption_ids is None:
                raise ValueError("this U-Net is caption-conditioned: pass caption_ids")
            context, pooled = self.caption_encoder(caption_ids)  # (B, L, d), (B, time_dim)
            time_emb = time_emb + pooled
        h = self.stem(noisy)  # (B, base * mults[0], H, W)
        skips = [h]
        for level in cast(list[UNetLevel], self.down):
            for index in range(len(level.blocks)):
                h = level.block(index, h, time_emb, context)
                skips.append(h)
            if level.resample is not None:
                h = level.resample(h)  # (B, ch, H/2, W/2)
                skips.append(h)
        h = self.middle(h, time_emb, context)
        for level in cast(list[UNetLevel], self.up):
            for index in range(len(level.blocks)):
                h = level.block(index, torch.cat([h, skips.pop()], dim=1), time_emb, context)
            if level.resample is not None:
                h = level.resample(h)  # (B, ch, 2H, 2W)
        return h  # (B, base * mults[0], H, W)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.head(features)  # (B, C, H, W)

    def forward(
        self, noisy: torch.Tensor, timesteps: torch.Tensor, caption_ids: torch.Tensor | None = None
    ) -> torch.Tensor:
        return self.forward_head(self.forward_features(noisy, timesteps, caption_ids))
