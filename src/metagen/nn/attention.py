"""Multi-head self-attention: causal (with GQA, RoPE and a KV cache) and bidirectional."""

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_divisible, check_dropout, check_positive
from metagen.nn.rope import apply_rope


class KVCache:
    """Keys and values of the positions seen so far, for one attention layer."""

    def __init__(
        self,
        batch_size: int,
        n_kv_heads: int,
        max_len: int,
        head_dim: int,
        *,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        shape = (batch_size, n_kv_heads, max_len, head_dim)
        self.keys = torch.zeros(shape, device=device, dtype=dtype)
        self.values = torch.zeros(shape, device=device, dtype=dtype)
        self.length = 0  # positions filled so far

    def append(self, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Store k, v (B, nkv, T, hs) after the cached positions; return all keys and values."""
        start, end = self.length, self.length + k.size(2)
        if end > self.keys.size(2):
            raise ValueError(f"KV cache holds {self.keys.size(2)} positions, {end} were requested")
        self.keys[:, :, start:end] = k
        self.values[:, :, start:end] = v
        self.length = end
        return self.keys[:, :, :end], self.values[:, :, :end]  # (B, nkv, end, hs)

    def reset(self) -> None:
        self.length = 0


def empty_kv_caches(
    n_layers: int, batch_size: int, n_kv_heads: int, max_len: int, head_dim: int, like: torch.Tensor
) -> list[KVCache]:
    """One empty cache per attention layer, on the device and in the dtype of `like`."""
    return [
        KVCache(batch_size, n_kv_heads, max_len, head_dim, device=like.device, dtype=like.dtype)
        for _ in range(n_layers)
    ]


def sliding_window_mask(start: int, length: int, window: int, device: torch.device) -> torch.Tensor:
    """(length, start + length) bool, True where query start + i may see key j: causally, and
    only the last `window` positions, itself included (Mistral's sliding window)."""
    queries = torch.arange(start, start + length, device=device)[:, None]  # (T, 1)
    keys = torch.arange(start + length, device=device)[None, :]  # (1, start + T)
    return (keys <= queries) & (queries - keys < window)


class CausalSelfAttention(nn.Module):
    """Causal attention; n_kv_heads < n_heads shares each key/value head among a group (GQA).
    qkv_bias overrides `bias` on the query, key and value projections (Qwen2 has biases there
    alone); sliding_window limits each query to that many latest positions (Mistral)."""

    def __init__(
        self,
        d_model: int,
        n_heads: int,
        n_kv_heads: int,
        *,
        bias: bool,
        dropout: float,
        qkv_bias: bool | None = None,
        sliding_window: int | None = None,
    ) -> None:
        super().__init__()
        check_positive(d_model=d_model, n_heads=n_heads, n_kv_heads=n_kv_heads)
        check_divisible("d_model", d_model, "n_heads", n_heads)
        check_divisible("n_heads", n_heads, "n_kv_heads", n_kv_heads)
        check_dropout(dropout)
        if sliding_window is not None:
            check_positive(sliding_window=sliding_window)
        self.n_heads = n_heads
        self.n_kv_heads = n_kv_heads
        self.head_dim = d_model // n_heads
        self.dropout = dropout
        self.sliding_window = sliding_window
        kv_dim = n_kv_heads * self.head_dim
        qkv_bias = bias if qkv_bias is None else qkv_bias
        self.qkv = nn.Linear(d_model, d_model + 2 * kv_dim, bias=qkv_bias)
        self.out_proj = nn.Linear(d_model, d_model, bias=bias)
        self.resid_dropout = nn.Dropout(dropout)

    def forward(
        self,
        x: torch.Tensor,
        rope: tuple[torch.Tensor, torch.Tensor] | None = None,
        kv_cache: KVCache | None = None,
    ) -> torch.Tensor:
        B, T, C = x.size()
        nh, nkv, hs = self.n_heads, self.n_kv_heads, self.head_dim
        q, k, v = self.qkv(x).split([nh * hs, nkv * hs, nkv * hs], dim=-1)
        q = q.view(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        k = k.view(B, T, nkv, hs).transpose(1, 2)  # (B, nkv, T, hs)
        v = v.view(B, T, nkv, hs).transpose(1, 2)  # (B, nkv, T, hs)
        if rope is not None:
            cos, sin = rope
            q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        start = 0
        if kv_cache is not None:
            start = kv_cache.length
            k, v = kv_cache.append(k, v)  # (B, nkv, start + T, hs)
        mask = None
        window = self.sliding_window
        if window is not None and start + T > window:  # some keys fall out of the window
            mask = sliding_window_mask(start, T, window, x.device)  # (T, start + T)
        elif start > 0 and T > 1:  # new queries see all cached positions and each other causally
            mask = torch.ones(T, start + T, dtype=torch.bool, device=x.device).tril(start)
        y = F.scaled_dot_product_attention(
            q,
            k,
            v,
            attn_mask=mask,
            dropout_p=self.dropout if self.training else 0.0,
            is_causal=bool(mask is None and start == 0 and T > 1),  # a traced T is a tensor
            enable_gqa=nkv != nh,
        )  # (B, nh, T, hs)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C)
        return self.resid_dropout(self.out_proj(y))


class SelfAttention(nn.Module):
    """Bidirectional attention over all tokens, with biases (ViT)."""

    def __init__(self, d_model: int, n_heads: int, *, dropout: float) -> None:
        super().__init__()
        check_positive(d_model=d_model, n_heads=n_heads)
        check_divisible("d_model", d_model, "n_heads", n_heads)
        check_dropout(dropout)
        self.n_heads = n_heads
        self.dropout = dropout
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out_proj = nn.Linear(d_model, d_model)
        self.resid_dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, attn_mask: torch.Tensor | None = None) -> torch.Tensor:
        """attn_mask: bool, True where a query may attend to a key, broadcast to (B, nh, T, T)
        (a padding mask is (B, 1, 1, T)); None attends everywhere."""
        B, T, C = x.size()
        q, k, v = self.qkv(x).split(C, dim=-1)
        q = q.view(B, T, self.n_heads, C // self.n_heads).transpose(1, 2)  # (B, nh, T, hs)
        k = k.view(B, T, self.n_heads, C // self.n_heads).transpose(1, 2)  # (B, nh, T, hs)
        v = v.view(B, T, self.n_heads, C // self.n_heads).transpose(1, 2)  # (B, nh, T, hs)
        dropout_p = self.dropout if self.training else 0.0
        y = F.scaled_dot_product_attention(
            q, k, v, attn_mask=attn_mask, dropout_p=dropout_p
        )  # (B, nh, T, hs)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C)
        return self.resid_dropout(self.out_proj(y))
