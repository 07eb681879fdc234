"""Cross-attention from text tokens to image tokens (Flamingo-style fusion, without the gate)."""

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_divisible, check_dropout, check_positive
from metagen.nn.norm import NORM_LAYERS


class ImageCrossAttention(nn.Module):
    """Queries from the text stream, keys and values from image tokens; no mask (every text
    token may look at every image token)."""

    def __init__(self, d_model: int, n_heads: int, *, bias: bool, dropout: float) -> None:
        super().__init__()
        check_positive(d_model=d_model, n_heads=n_heads)
        check_divisible("d_model", d_model, "n_heads", n_heads)
        check_dropout(dropout)
        self.n_heads = n_heads
        self.dropout = dropout
        self.q_proj = nn.Linear(d_model, d_model, bias=bias)
        self.kv_proj = nn.Linear(d_model, 2 * d_model, bias=bias)
        self.out_proj = nn.Linear(d_model, d_model, bias=bias)
        self.resid_dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
        B, T, C = x.size()
        N, nh, hs = memory.size(1), self.n_heads, C // self.n_heads
        q = self.q_proj(x).view(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        k, v = self.kv_proj(memory).split(C, dim=-1)
        k = k.view(B, N, nh, hs).transpose(1, 2)  # (B, nh, N, hs)
        v = v.view(B, N, nh, hs).transpose(1, 2)  # (B, nh, N, hs)
        dropout_p = self.dropout if self.training else 0.0
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=dropout_p)  # (B, nh, T, hs)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C)
        return self.resid_dropout(self.out_proj(y))


class ImageCrossAttentionBlock(nn.Module):
    """Pre-norm residual cross-attention: x + attend(norm(x), image tokens)."""

    def __init__(
        self, d_model: int, n_heads: int, *, norm: str, norm_eps: float, bias: bool, dropout: float
    ) -> None:
        super().__init__()
        self.norm = NORM_LAYERS[norm](d_model, eps=norm_eps)
        self.attention = ImageCrossAttention(d_model, n_heads, bias=bias, dropout=dropout)

    def forward(self, x: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
        return x + self.attention(self.norm(x), memory)
