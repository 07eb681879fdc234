"""Whisper's multi-head attention: self (bidirectional or causal, with a KV cache) or cross."""

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.attention import KVCache
from metagen.nn.checks import check_divisible, check_dropout, check_positive


class SpeechAttention(nn.Module):
    """Separate query, key, value and output projections, with Whisper's biases: the key
    projection has none (a bias on keys shifts every score of a query equally)."""

    def __init__(self, d_model: int, n_heads: int, *, dropout: float) -> None:
        super().__init__()
        check_positive(d_model=d_model, n_heads=n_heads)
        check_divisible("d_model", d_model, "n_heads", n_heads)
        check_dropout(dropout)
        self.n_heads = n_heads
        self.dropout = dropout
        self.query = nn.Linear(d_model, d_model)
        self.key = nn.Linear(d_model, d_model, bias=False)
        self.value = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)
        self.resid_dropout = nn.Dropout(dropout)

    def _heads(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.size()
        return x.view(B, T, self.n_heads, C // self.n_heads).transpose(1, 2)  # (B, nh, T, hs)

    def project_kv(self, source: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Keys and values of `source` (B, S, C), each (B, nh, S, hs). For cross-attention the
        decoder computes them once per clip and reuses them at every decoded position."""
        return self._heads(self.key(source)), self._heads(self.value(source))

    def forward(
        self,
        x: torch.Tensor,
        kv: tuple[torch.Tensor, torch.Tensor] | None = None,
        *,
        causal: bool = False,
        kv_cache: KVCache | None = None,
    ) -> torch.Tensor:
        """Self-attention over x (B, T, C) when `kv` is None, else cross-attention to `kv`.
        A causal self-attention with `kv_cache` appends this call's keys and values to it."""
        B, T, C = x.size()
        q = self._heads(self.query(x))  # (B, nh, T, hs)
        start = 0
        if kv is None:
            k, v = self.project_kv(x)  # (B, nh, T, hs)
            if kv_cache is not None:
                start = kv_cache.length
                k, v = kv_cache.append(k, v)  # (B, nh, start + T, hs)
        else:
            k, v = kv  # (B, nh, S, hs)
        mask = None
        if causal and start > 0 and T > 1:  # new queries see the cache and each other causally
            mask = torch.ones(T, start + T, dtype=torch.bool, device=x.device).tril(start)
        y = F.scaled_dot_product_attention(
            q,
            k,
            v,
            attn_mask=mask,
            dropout_p=self.dropout if self.training else 0.0,
            is_causal=bool(causal and start == 0 and T > 1),  # a traced T is a tensor
        )  # (B, nh, T, hs)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C)
        return self.resid_dropout(self.out_proj(y))
