"""The attention probabilities that scaled_dot_product_attention computes and never returns,
recomputed by forward hooks from each attention module's own inputs and weights. The hooks
only read: the model's outputs and its default path are untouched."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import torch
from torch import nn

from metagen.nn.attention import CausalSelfAttention, SelfAttention, sliding_window_mask
from metagen.nn.cross_attention import ImageCrossAttention
from metagen.nn.rope import apply_rope


def _softmax_scores(q: torch.Tensor, k: torch.Tensor, allowed: torch.Tensor | None):
    """softmax(q k^T / sqrt(hs)) over the keys, with `allowed` (bool, True where a query may
    see a key) as scaled_dot_product_attention reads its boolean attn_mask."""
    scores = q.float() @ k.float().transpose(-2, -1) / math.sqrt(q.size(-1))  # (B, nh, T, S)
    if allowed is not None:
        scores = scores.masked_fill(~allowed, float("-inf"))
    return scores.softmax(dim=-1)


def self_attention_probs(
    module: SelfAttention, x: torch.Tensor, attn_mask: torch.Tensor | None = None
) -> torch.Tensor:
    """(B, nh, T, T): what `module` attends to given its input x (B, T, C)."""
    B, T, C = x.size()
    nh = module.n_heads
    q, k, _ = module.qkv(x).split(C, dim=-1)
    q = q.view(B, T, nh, C // nh).transpose(1, 2)  # (B, nh, T, hs)
    k = k.view(B, T, nh, C // nh).transpose(1, 2)  # (B, nh, T, hs)
    return _softmax_scores(q, k, attn_mask)


def causal_attention_probs(
    module: CausalSelfAttention,
    x: torch.Tensor,
    rope: tuple[torch.Tensor, torch.Tensor] | None = None,
    kv_cache=None,
) -> torch.Tensor:
    """(B, nh, T, T) of a causal layer run over a whole sequence (no KV cache)."""
    if kv_cache is not None:
        raise ValueError("attention probabilities are recomputed for whole sequences only")
    B, T, _ = x.size()
    nh, nkv, hs = module.n_heads, module.n_kv_heads, module.head_dim
    q, k, _ = module.qkv(x).split([nh * hs, nkv * hs, nkv * hs], dim=-1)
    q = q.view(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
    k = k.view(B, T, nkv, hs).transpose(1, 2)  # (B, nkv, T, hs)
    if rope is not None:
        q, k = apply_rope(q, *rope), apply_rope(k, *rope)
    k = k.repeat_interleave(nh // nkv, dim=1)  # (B, nh, T, hs): each group shares a head
    window = module.sliding_window
    if window is not None and T > window:
        allowed = sliding_window_mask(0, T, window, x.device)  # (T, T)
    else:
        allowed = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()  # (T, T)
    return _softmax_scores(q, k, allowed)


def cross_attention_probs(
    module: ImageCrossAttention, x: torch.Tensor, memory: torch.Tensor
) -> torch.Tensor:
    """(B, nh, T, N): how each text token x (B, T, C) attends to the image tokens (B, N, C)."""
    B, T, C = x.size()
    N, nh = memory.size(1), module.n_heads
    q = module.q_proj(x).view(B, T, nh, C // nh).transpose(1, 2)  # (B, nh, T, hs)
    k, _ = module.kv_proj(memory).split(C, dim=-1)
    k = k.view(B, N, nh, C // nh).transpose(1, 2)  # (B, nh, N, hs)
    return _softmax_scores(q, k, None)


PROBS_OF: dict[type[nn.Module], Callable[..., torch.Tensor]] = {
    SelfAttention: self_attention_probs,
    CausalSelfAttention: causal_attention_probs,
    ImageCrossAttention: cross_attention_probs,
}


@contextmanager
def recorded_attention(modules: list[nn.Module]) -> Iterator[list[torch.Tensor]]:
    """A list that fills, in call order, with each module's attention probabilities while the
    block runs; the hooks go when it ends."""
    recorded: list[torch.Tensor] = []

    def record(module: nn.Module, args: tuple, kwargs: dict, _output) -> None:
        with torch.no_grad():
            recorded.append(PROBS_OF[type(module)](module, *args, **kwargs))

    handles = [m.register_forward_hook(record, with_kwargs=True) for m in modules]
    try:
        yield recorded
    finally:
        for handle in handles:
            handle.remove()
