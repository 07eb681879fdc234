"""A stack of GPT-2-style blocks (pre-norm LayerNorm, causal attention and a GELU MLP, biases
everywhere) over a sequence of step tokens, with a KV cache per layer for stepping one token
at a time: an agent's model that imagines a sequence forward step by step."""

import torch
from torch import nn

from metagen.nn.attention import CausalSelfAttention, KVCache, empty_kv_caches
from metagen.nn.mlp import GeluMLP


class CausalBlock(nn.Module):
    """x + attention(norm1(x)), then + mlp(norm2(x)); the attention sees earlier steps only."""

    def __init__(self, d_model: int, n_heads: int, d_ff: int, *, norm_eps: float,
                 dropout: float) -> None:  # fmt: skip
        super().__init__()
        self.norm1 = nn.LayerNorm(d_model, eps=norm_eps)
        self.attention = CausalSelfAttention(d_model, n_heads, n_heads, bias=True, dropout=dropout)
        self.norm2 = nn.LayerNorm(d_model, eps=norm_eps)
        self.mlp = GeluMLP(d_model, d_ff, bias=True, dropout=dropout)

    def forward(self, x: torch.Tensor, kv_cache: KVCache | None = None) -> torch.Tensor:
        x = x + self.attention(self.norm1(x), None, kv_cache)
        return x + self.mlp(self.norm2(x))


class CausalStack(nn.ModuleList):
    """Blocks in order; with `kv_caches` (one per block), the tokens of x follow the cached
    ones."""

    def forward(self, x: torch.Tensor, kv_caches: list[KVCache] | None = None) -> torch.Tensor:
        for i, block in enumerate(self):
            x = block(x, None if kv_caches is None else kv_caches[i])
        return x

    def empty_caches(self, batch_size: int, max_len: int, like: torch.Tensor) -> list[KVCache]:
        """One empty cache per block for `batch_size` sequences of at most `max_len` steps."""
        block = self[0]
        assert isinstance(block, CausalBlock)
        heads, head_dim = block.attention.n_heads, block.attention.head_dim
        return empty_kv_caches(len(self), batch_size, heads, max_len, head_dim, like)


def causal_stack_from_config(config) -> CausalStack:
    """n_layers blocks of a config that names its shape as the ViT's does (nn/encoder.py's
    EncoderShape)."""
    c = config
    return CausalStack(
        CausalBlock(c.d_model, c.n_heads, c.d_ff, norm_eps=c.norm_eps, dropout=c.dropout)
        for _ in range(c.n_layers)
    )
