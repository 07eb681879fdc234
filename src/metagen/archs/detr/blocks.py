"""DETR's transformer (Carion et al., 2020): post-norm encoder and decoder layers whose queries
and keys carry positions added at every layer (the values do not), and the 2D sine positions."""

import math

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_divisible, check_positive


class DetrAttention(nn.Module):
    """Multi-head attention with separate query, key and value inputs (torch's
    nn.MultiheadAttention parameters: three d x d projections with biases and an output one)."""

    def __init__(self, d_model: int, n_heads: int, dropout: float) -> None:
        super().__init__()
        check_positive(d_model=d_model, n_heads=n_heads)
        check_divisible("d_model", d_model, "n_heads", n_heads)
        self.n_heads = n_heads
        self.dropout = dropout
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)

    def forward(self, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
        B, T, C = query.shape
        N, nh, hs = key.size(1), self.n_heads, C // self.n_heads
        q = self.q_proj(query).view(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        k = self.k_proj(key).view(B, N, nh, hs).transpose(1, 2)  # (B, nh, N, hs)
        v = self.v_proj(value).view(B, N, nh, hs).transpose(1, 2)  # (B, nh, N, hs)
        dropout_p = self.dropout if self.training else 0.0
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=dropout_p)  # (B, nh, T, hs)
        return self.out_proj(y.transpose(1, 2).reshape(B, T, C))


class DetrFeedForward(nn.Module):
    """Linear -> ReLU -> Linear, as in DETR."""

    def __init__(self, d_model: int, d_ff: int, dropout: float) -> None:
        super().__init__()
        self.linear1 = nn.Linear(d_model, d_ff)
        self.linear2 = nn.Linear(d_ff, d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear2(self.dropout(F.relu(self.linear1(x))))


class DetrEncoderLayer(nn.Module):
    """Self-attention over the image features, then the MLP; each residual then LayerNorm."""

    def __init__(self, d_model: int, n_heads: int, d_ff: int, dropout: float) -> None:
        super().__init__()
        self.self_attn = DetrAttention(d_model, n_heads, dropout)
        self.norm1 = nn.LayerNorm(d_model)
        self.mlp = DetrFeedForward(d_model, d_ff, dropout)
        self.norm2 = nn.LayerNorm(d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, src: torch.Tensor, pos: torch.Tensor) -> torch.Tensor:
        q = k = src + pos
        src = self.norm1(src + self.dropout(self.self_attn(q, k, src)))
        return self.norm2(src + self.dropout(self.mlp(src)))


class DetrDecoderLayer(nn.Module):
    """Self-attention among the object queries, cross-attention to the encoded image, MLP."""

    def __init__(self, d_model: int, n_heads: int, d_ff: int, dropout: float) -> None:
        super().__init__()
        self.self_attn = DetrAttention(d_model, n_heads, dropout)
        self.norm1 = nn.LayerNorm(d_model)
        self.cross_attn = DetrAttention(d_model, n_heads, dropout)
        self.norm2 = nn.LayerNorm(d_model)
        self.mlp = DetrFeedForward(d_model, d_ff, dropout)
        self.norm3 = nn.LayerNorm(d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, tgt, query_pos, memory, pos) -> torch.Tensor:
        q = k = tgt + query_pos
        tgt = self.norm1(tgt + self.dropout(self.self_attn(q, k, tgt)))
        attended = self.cross_attn(tgt + query_pos, memory + pos, memory)
        tgt = self.norm2(tgt + self.dropout(attended))
        return self.norm3(tgt + self.dropout(self.mlp(tgt)))


def detr_sine_positions(height: int, width: int, d_model: int, device=None) -> torch.Tensor:
    """DETR's normalized 2D sine positions (temperature 10000, scale 2 pi): d_model / 2 features
    for y then d_model / 2 for x, at every cell; (H * W, d_model)."""
    feats = d_model // 2
    eps, scale = 1e-6, 2 * math.pi
    y = torch.arange(1, height + 1, device=device, dtype=torch.float32) / (height + eps) * scale
    x = torch.arange(1, width + 1, device=device, dtype=torch.float32) / (width + eps) * scale
    dim_t = torch.arange(feats, device=device, dtype=torch.float32)
    dim_t = 10000 ** (2 * torch.div(dim_t, 2, rounding_mode="floor") / feats)
    pos_x = x[:, None] / dim_t  # (W, feats)
    pos_y = y[:, None] / dim_t  # (H, feats)
    pos_x = torch.stack((pos_x[:, 0::2].sin(), pos_x[:, 1::2].cos()), dim=2).flatten(1)
    pos_y = torch.stack((pos_y[:, 0::2].sin(), pos_y[:, 1::2].cos()), dim=2).flatten(1)
    grid_y = pos_y[:, None, :].expand(height, width, feats)
    grid_x = pos_x[None, :, :].expand(height, width, feats)
    return torch.cat((grid_y, grid_x), dim=2).reshape(height * width, 2 * feats)
