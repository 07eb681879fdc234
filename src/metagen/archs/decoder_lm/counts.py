"""Exact parameters and forward FLOPs of `decoder_lm` (model.py), from dims alone; the VLM
and the audio LM count their language models with these too. Pure Python.

FLOPs follow FlopCounterMode (blueprint/counting.py): 2*m*n*k per matmul, 4 * T * T * d per
attention call with no discount for the causal mask; embeddings, norms and biases are free.
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import (
    MLP_MATRICES,
    NORM_PARAMS_PER_CHANNEL,
    attention_flops,
    linear,
    pick,
)

LEARNED_POSITION_TABLE = {"rope": False, "learned": True}


def kv_dim(d: dict[str, Any]) -> int:
    """Width of the keys (and of the values): fewer heads than the queries under GQA."""
    return d["n_kv_heads"] * (d["d_model"] // d["n_heads"])


def qkv_bias(d: dict[str, Any]) -> bool:
    """Whether q, k and v have biases: `qkv_bias` where set (Qwen2), else `bias`. Dims planned
    before the field existed lack it."""
    own = d.get("qkv_bias")
    return bool(d["bias"] if own is None else own)


def block_params(d: dict[str, Any]) -> int:
    """One block: attention (GQA), a GELU or SwiGLU MLP and two norms."""
    dm, ff, bias = d["d_model"], d["d_ff"], d["bias"]
    qkv = linear(dm, dm + 2 * kv_dim(d), qkv_bias(d))
    attention = qkv + linear(dm, dm, bias)
    mlp_in = (pick(MLP_MATRICES, d, "mlp") - 1) * linear(dm, ff, bias)  # SwiGLU: gate and up
    mlp = mlp_in + linear(ff, dm, bias)
    norms = 2 * pick(NORM_PARAMS_PER_CHANNEL, d, "norm") * dm
    return attention + mlp + norms


def block_flops(d: dict[str, Any], tokens: int) -> int:
    """One block over `tokens` positions: projections, attention and the MLP."""
    dm, ff = d["d_model"], d["d_ff"]
    projections = 2 * tokens * dm * (dm + 2 * kv_dim(d)) + 2 * tokens * dm * dm
    mlp = pick(MLP_MATRICES, d, "mlp") * 2 * tokens * dm * ff
    return projections + attention_flops(tokens, dm) + mlp


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """token_embedding, position_embedding (learned only), blocks.i, final_norm, lm_head (0
    when tied: it shares the embedding)."""
    dm, vocab = dims["d_model"], dims["vocab_size"]
    out = {"token_embedding": vocab * dm}
    if pick(LEARNED_POSITION_TABLE, dims, "position"):
        out["position_embedding"] = dims["context_length"] * dm
    block = block_params(dims)
    out.update({f"blocks.{i}": block for i in range(dims["n_layers"])})
    out["final_norm"] = pick(NORM_PARAMS_PER_CHANNEL, dims, "norm") * dm
    out["lm_head"] = 0 if dims["tie_embeddings"] else vocab * dm
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One sequence of seq_len tokens (default context_length), the LM head included."""
    t = dims["context_length"] if seq_len is None else seq_len
    head = 2 * t * dims["d_model"] * dims["vocab_size"]
    return dims["n_layers"] * block_flops(dims, t) + head
