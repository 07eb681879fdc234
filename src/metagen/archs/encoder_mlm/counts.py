"""Exact parameters and forward FLOPs of `encoder_mlm` (model.py), from dims alone; the text
encoder counts its BERT trunk with these. Pure Python.

A block is blueprint/counting.py's encoder block (every linear has a bias). FLOPs follow
FlopCounterMode: 2*m*n*k per matmul, 4 * T * T * d per attention layer; embeddings, norms,
biases and activations are free. The pooler is not run by the MLM forward, so it costs
parameters but no FLOPs.
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import (
    encoder_block_flops,
    encoder_block_params,
    layer_norm,
    linear,
    pick,
)

FINAL_NORM = {"post": False, "pre": True}  # by norm_position: pre-norm ends with one


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """embeddings, blocks.i, final_norm (pre-norm only), pooler (if any), mlm_head (its
    decoder weight is the token embedding, counted there)."""
    final_norm = pick(FINAL_NORM, dims, "norm_position")
    dm, vocab = dims["d_model"], dims["vocab_size"]
    tables = vocab + dims["context_length"] + dims["type_vocab_size"]
    out = {"embeddings": tables * dm + layer_norm(dm)}
    block = encoder_block_params(dm, dims["d_ff"])
    out.update({f"blocks.{i}": block for i in range(dims["n_layers"])})
    if final_norm:
        out["final_norm"] = layer_norm(dm)
    if dims["pooler"]:
        out["pooler"] = linear(dm, dm)
    out["mlm_head"] = linear(dm, dm) + layer_norm(dm) + vocab  # transform, norm, bias
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One sequence of seq_len tokens (default context_length), the MLM head on every one."""
    t = dims["context_length"] if seq_len is None else seq_len
    dm = dims["d_model"]
    head = 2 * t * dm * dm + 2 * t * dm * dims["vocab_size"]
    return dims["n_layers"] * encoder_block_flops(t, dm, dims["d_ff"]) + head
