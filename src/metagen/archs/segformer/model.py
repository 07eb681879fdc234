"""SegFormer (Xie et al., 2021): a hierarchical Mix Transformer encoder (overlapping patch
embeddings, efficient self-attention with spatial reduction, Mix-FFN with a depthwise conv, no
position table) and an all-MLP decoder that fuses the four stages at 1/4 resolution. Logits
are upsampled bilinearly to the input size. With `instance_head`, Panoptic-DeepLab's center
and offset heads read the decoder's fused features."""

from dataclasses import dataclass, field
from functools import partial

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_divisible, check_dropout, check_positive
from metagen.nn.panoptic_head import PanopticInstanceHead
from metagen.nn.weight_init import init_transformer_weights

MIT_STAGES = 4
# (kernel, stride) of each stage's overlapping patch embedding: 1/4, 1/8, 1/16, 1/32.
MIT_PATCH_EMBEDDINGS = ((7, 4), (3, 2), (3, 2), (3, 2))
# The patch embeddings' and the key/value reductions' LayerNorms: SegFormer's code (and
# transformers') builds them with PyTorch's default eps, whatever the blocks use.
MIT_REDUCTION_NORM_EPS = 1e-5


@dataclass
class SegFormerConfig:
    image_size: int = 512
    in_channels: int = 3
    num_classes: int = 150
    stage_dims: list[int] = field(default_factory=lambda: [32, 64, 160, 256])  # MiT-B0
    stage_depths: list[int] = field(default_factory=lambda: [2, 2, 2, 2])
    stage_heads: list[int] = field(default_factory=lambda: [1, 2, 5, 8])
    sr_ratios: list[int] = field(default_factory=lambda: [8, 4, 2, 1])  # key/value reduction
    mlp_ratio: int = 4
    decoder_dim: int = 256
    # the blocks' and stages' LayerNorms: 1e-6 in SegFormer's code, 1e-5 in transformers' port
    norm_eps: float = 1e-6
    dropout: float = 0.0
    instance_head: bool = False
    thing_classes: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        check_positive(
            image_size=self.image_size,
            in_channels=self.in_channels,
            num_classes=self.num_classes,
            mlp_ratio=self.mlp_ratio,
            decoder_dim=self.decoder_dim,
            norm_eps=self.norm_eps,
        )
        for name in ("stage_dims", "stage_depths", "stage_heads", "sr_ratios"):
            values = getattr(self, name)
            if len(values) != MIT_STAGES:
                raise ValueError(f"{name} must list {MIT_STAGES} stages, got {list(values)}")
            check_positive(**{f"{name}[{i}]": v for i, v in enumerate(values)})
        for i, (dim, heads) in enumerate(zip(self.stage_dims, self.stage_heads, strict=True)):
            check_divisible(f"stage_dims[{i}]", dim, f"stage_heads[{i}]", heads)
        # the decoder works at 1/4 resolution; logits are upsampled 4x
        check_divisible("image_size", self.image_size, "4", 4)
        for i, (side, sr) in enumerate(zip(self.stage_sides(), self.sr_ratios, strict=True)):
            if side < sr:
                raise ValueError(
                    f"stage {i + 1} is {side} px wide at image_size {self.image_size}, less than "
                    f"its sr_ratio ({sr}); use larger images or smaller sr_ratios"
                )
        check_dropout(self.dropout)
        self.thing_classes = tuple(self.thing_classes)

    def stage_sides(self) -> list[int]:
        """The side of each stage's token map: 1/4, 1/8, 1/16, 1/32 of the image, rounded up."""
        sides, side = [], self.image_size
        for kernel, stride in MIT_PATCH_EMBEDDINGS:
            side = (side + 2 * (kernel // 2) - kernel) // stride + 1
            sides.append(side)
        return sides

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        shape = (batch_size, self.in_channels, self.image_size, self.image_size)
        return {"images": torch.randn(shape, generator=generator)}


class MiTPatchEmbedding(nn.Module):
    """Overlapping patches: a strided conv with padding kernel // 2, then LayerNorm."""

    def __init__(self, c_in: int, dim: int, kernel: int, stride: int) -> None:
        super().__init__()
        self.proj = nn.Conv2d(c_in, dim, kernel, stride=stride, padding=kernel // 2)
        self.norm = nn.LayerNorm(dim, eps=MIT_REDUCTION_NORM_EPS)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, int, int]:
        x = self.proj(x)  # (B, D, h, w)
        _, _, h, w = x.shape
        return self.norm(x.flatten(2).transpose(1, 2)), h, w  # (B, h*w, D)


class MiTAttention(nn.Module):
    """Multi-head attention whose keys and values come from the token map shrunk by a
    `sr`x`sr` strided conv (and LayerNorm): attention costs N * N / sr^2, not N^2."""

    def __init__(self, dim: int, heads: int, sr: int, dropout: float) -> None:
        super().__init__()
        self.heads, self.dropout = heads, dropout
        self.query = nn.Linear(dim, dim)
        self.key_value = nn.Linear(dim, 2 * dim)
        self.out_proj = nn.Linear(dim, dim)
        self.reduce = nn.Conv2d(dim, dim, sr, stride=sr) if sr > 1 else None
        self.reduce_norm = nn.LayerNorm(dim, eps=MIT_REDUCTION_NORM_EPS) if sr > 1 else None

    def forward(self, x: torch.Tensor, h: int, w: int) -> torch.Tensor:
        B, N, C = x.shape
        nh, hs = self.heads, C // self.heads
        context = x
        if self.reduce is not None and self.reduce_norm is not None:
            grid = x.transpose(1, 2).reshape(B, C, h, w)  # (B, C, h, w)
            context = self.reduce(grid).flatten(2).transpose(1, 2)  # (B, M, C)
            context = self.reduce_norm(context)
        q = self.query(x).view(B, N, nh, hs).transpose(1, 2)  # (B, nh, N, hs)
        k, v = self.key_value(context).split(C, dim=-1)
        k = k.reshape(B, -1, nh, hs).transpose(1, 2)  # (B, nh, M, hs)
        v = v.reshape(B, -1, nh, hs).transpose(1, 2)  # (B, nh, M, hs)
        dropout_p = self.dropout if self.training else 0.0
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=dropout_p)  # (B, nh, N, hs)
        return self.out_proj(y.transpose(1, 2).reshape(B, N, C))


class MiTMixFFN(nn.Module):
    """Linear -> 3x3 depthwise conv (positional information without a position table) ->
    GELU -> linear."""

    def __init__(self, dim: int, hidden: int, dropout: float) -> None:
        super().__init__()
        self.in_proj = nn.Linear(dim, hidden)
        self.depthwise = nn.Conv2d(hidden, hidden, 3, padding=1, groups=hidden)
        self.out_proj = nn.Linear(hidden, dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, h: int, w: int) -> torch.Tensor:
        B, N, _ = x.shape
        x = self.in_proj(x)  # (B, N, hidden)
        grid = x.transpose(1, 2).reshape(B, -1, h, w)  # (B, hidden, h, w)
        x = F.gelu(self.depthwise(grid).flatten(2).transpose(1, 2))  # (B, N, hidden)
        return self.dropout(self.out_proj(x))


class MiTBlock(nn.Module):
    """Pre-norm: x + attention(norm(x)), then x + MixFFN(norm(x))."""

    def __init__(self, dim: int, heads: int, sr: int, config: SegFormerConfig) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=config.norm_eps)
        self.attention = MiTAttention(dim, heads, sr, config.dropout)
        self.norm2 = nn.LayerNorm(dim, eps=config.norm_eps)
        self.mlp = MiTMixFFN(dim, config.mlp_ratio * dim, config.dropout)

    def forward(self, x: torch.Tensor, h: int, w: int) -> torch.Tensor:
        x = x + self.attention(self.norm1(x), h, w)
        return x + self.mlp(self.norm2(x), h, w)


class MiTStage(nn.Module):
    """Patch embedding, blocks, LayerNorm; returns the stage's map (B, D, h, w)."""

    def __init__(self, index: int, c_in: int, config: SegFormerConfig) -> None:
        super().__init__()
        dim, (kernel, stride) = config.stage_dims[index], MIT_PATCH_EMBEDDINGS[index]
        heads, sr = config.stage_heads[index], config.sr_ratios[index]
        self.patch_embedding = MiTPatchEmbedding(c_in, dim, kernel, stride)
        self.blocks = nn.ModuleList(
            MiTBlock(dim, heads, sr, config) for _ in range(config.stage_depths[index])
        )
        self.norm = nn.LayerNorm(dim, eps=config.norm_eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x, h, w = self.patch_embedding(x)  # (B, h*w, D)
        for block in self.blocks:
            x = block(x, h, w)
        return self.norm(x).transpose(1, 2).reshape(x.size(0), -1, h, w)  # (B, D, h, w)


class SegFormerDecoder(nn.Module):
    """All-MLP decoder: a linear per stage to decoder_dim, upsample to the first stage's size,
    concatenate (deepest first), fuse with a 1x1 conv-BN-ReLU."""

    def __init__(self, config: SegFormerConfig) -> None:
        super().__init__()
        e = config.decoder_dim
        self.projections = nn.ModuleList(nn.Linear(d, e) for d in config.stage_dims)
        self.fuse = nn.Conv2d(MIT_STAGES * e, e, kernel_size=1, bias=False)
        self.fuse_norm = nn.BatchNorm2d(e)

    def forward(self, maps: list[torch.Tensor]) -> torch.Tensor:
        size = maps[0].shape[-2:]
        fused = []
        for projection, x in zip(self.projections, maps, strict=True):
            B, _, h, w = x.shape
            x = projection(x.flatten(2).transpose(1, 2))  # (B, h*w, E)
            x = x.transpose(1, 2).reshape(B, -1, h, w)  # (B, E, h, w)
            fused.append(F.interpolate(x, size=size, mode="bilinear", align_corners=False))
        x = self.fuse(torch.cat(fused[::-1], dim=1))  # (B, E, H/4, W/4)
        return F.relu(self.fuse_norm(x))


class SegFormer(nn.Module):
    """images (B, C, H, W) -> logits (B, num_classes, H, W); with `instance_head`, three
    more channels: the center heatmap and the (dy, dx) offsets to the instance center."""

    def __init__(self, config: SegFormerConfig) -> None:
        super().__init__()
        self.config = config
        inputs = [config.in_channels, *config.stage_dims[:-1]]
        self.stage1, self.stage2, self.stage3, self.stage4 = (
            MiTStage(i, c_in, config) for i, c_in in enumerate(inputs)
        )
        self.decoder = SegFormerDecoder(config)
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Conv2d(config.decoder_dim, config.num_classes, kernel_size=1)
        self.instance_head = (
            PanopticInstanceHead(config.decoder_dim) if config.instance_head else None
        )
        self.apply(partial(init_transformer_weights, truncated=True))  # as SegFormer

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, images: torch.Tensor) -> torch.Tensor:
        """The decoder's fused features (B, decoder_dim, H/4, W/4), rounded up."""
        maps, x = [], images
        for stage in (self.stage1, self.stage2, self.stage3, self.stage4):
            x = stage(x)
            maps.append(x)
        return self.decoder(maps)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        """Logits upsampled 4x: at the input size (sides divisible by 4)."""
        size = (4 * features.size(-2), 4 * features.size(-1))
        x = self.head(self.dropout(features))  # (B, K, H/4, W/4)
        if self.instance_head is not None:
            x = torch.cat((x, self.instance_head(features)), dim=1)  # (B, K + 3, H/4, W/4)
        return F.interpolate(x, size=size, mode="bilinear", align_corners=False)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if images.shape[-2] % 4 or images.shape[-1] % 4:
            raise ValueError(
                f"image height and width {tuple(images.shape[-2:])} must be divisible by 4; "
                "resize or pad the images"
            )
        return self.forward_head(self.forward_features(images))
