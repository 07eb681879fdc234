"""Autoregressive decoding with a KV cache: one sampling step and the loop that slides the
window past the context, shared by the language models."""

from collections.abc import Callable

import torch
import torch.nn.functional as F

from metagen.nn.attention import KVCache, empty_kv_caches


def decoder_kv_caches(config, batch_size: int, max_len: int, like: torch.Tensor) -> list[KVCache]:
    """One empty self-attention cache per block of a decoder whose config has n_layers,
    d_model, n_heads and n_kv_heads, on the device and in the dtype of `like`."""
    c = config
    head_dim = c.d_model // c.n_heads
    return empty_kv_caches(c.n_layers, batch_size, c.n_kv_heads, max_len, head_dim, like)


def next_positions(kv_caches: list[KVCache] | None, length: int, context_length: int, device):
    """The positions (length,) that follow those already cached, within the context."""
    start = kv_caches[0].length if kv_caches else 0
    if start + length > context_length:
        raise ValueError(f"{start + length} positions exceed context_length ({context_length})")
    return torch.arange(start, start + length, device=device)


def check_sampling(temperature: float, top_k: int | None) -> None:
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    if top_k is not None and top_k <= 0:
        raise ValueError(f"top_k must be positive, got {top_k}")


def sample_next_token(logits: torch.Tensor, temperature: float, top_k: int | None) -> torch.Tensor:
    """Pick one token per row of logits (B, V): argmax at temperature 0, else sample."""
    if temperature == 0:
        return logits.argmax(dim=-1, keepdim=True)  # (B, 1)
    logits = logits / temperature
    if top_k is not None:
        kth = torch.topk(logits, min(top_k, logits.size(-1))).values[:, [-1]]  # (B, 1)
        logits = logits.masked_fill(logits < kth, float("-inf"))
    return torch.multinomial(F.softmax(logits, dim=-1), num_samples=1)  # (B, 1)


def generate_with_kv_cache(
    next_logits: Callable[[torch.Tensor, list[KVCache]], torch.Tensor],
    tokens: torch.Tensor,
    max_new_tokens: int,
    kv_caches: list[KVCache],
    *,
    context: int,
    keep: int,
    temperature: float,
    top_k: int | None,
    eos_id: int | None = None,
) -> torch.Tensor:
    """Append max_new_tokens sampled tokens to tokens (B, T); temperature 0 is greedy; with
    `eos_id`, stop early once every row has emitted it.

    next_logits(pending, kv_caches) gives the logits (B, V) after the pending tokens, which
    it appends to the caches. When the caches would pass `context` positions they restart
    from the last `keep` tokens, recomputed.
    """
    check_sampling(temperature, top_k)
    pending = tokens  # tokens not yet in the cache
    done = torch.zeros(tokens.size(0), dtype=torch.bool, device=tokens.device)
    for _ in range(max_new_tokens):
        if kv_caches[0].length + pending.size(1) > context:  # the window slides: start over
            for cache in kv_caches:
                cache.reset()
            pending = tokens[:, -keep:]
        next_id = sample_next_token(next_logits(pending, kv_caches), temperature, top_k)  # (B, 1)
        tokens = torch.cat((tokens, next_id), dim=1)
        pending = next_id
        if eos_id is not None:
            done |= next_id[:, 0] == eos_id
            if bool(done.all()):
                break
    return tokens
