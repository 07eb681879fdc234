"""Exact parameters, forward FLOPs and per-component costs of `encoder_mlm` (model.py), from
dims alone; the text encoder counts its BERT trunk with these, and the other bidirectional
encoders their blocks (self_attention_block_cost). Pure Python.

A block is blueprint/counting.py's encoder block (every linear has a bias). FLOPs follow
FlopCounterMode: 2*m*n*k per matmul, 4 * T * T * d per attention layer; embeddings, norms,
biases and activations are free. The pooler is not run by the MLM forward, so it costs
parameters but no FLOPs.
"""

from __future__ import annotations

from typing import Any

from metagen.archs.decoder_lm.counts import bool_mask_cost, gelu_cost
from metagen.blueprint.cost import (
    Cost,
    attention_cost,
    elementwise,
    layer_norm_cost,
    linear_cost,
    total,
)
from metagen.blueprint.counting import (
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
    return total(costs(dims, seq_len)).flops


def self_attention_block_cost(
    tokens: int,
    d_model: int,
    d_ff: int,
    heads: int,
    *,
    activation: str = "gelu",
    mask_elements: int = 0,
) -> Cost:
    """nn/encoder.py's EncoderBlock (pre- or post-norm dispatch the same ops): two LayerNorms,
    the fused qkv projection, SDPA (given a bool mask of `mask_elements`, it first makes an
    additive one), the output projection, the GELU MLP (`activation`) and two residual adds;
    biases everywhere, so each Linear is one addmm."""
    mask = bool_mask_cost(mask_elements) if mask_elements else Cost()
    return (
        2 * layer_norm_cost(tokens, d_model)
        + linear_cost(tokens, d_model, 3 * d_model)
        + mask
        + attention_cost(tokens, d_model, heads)
        + linear_cost(tokens, d_model, d_model)
        + linear_cost(tokens, d_model, d_ff)
        + gelu_cost(tokens * d_ff, activation)
        + linear_cost(tokens, d_ff, d_model)
        + elementwise(tokens * d_model, 2)
    )


def trunk_costs(dims: dict[str, Any], tokens: int) -> dict[str, Cost]:
    """BERT's trunk over `tokens` tokens, without a padding mask: the embeddings (zero token
    types and the positions' arange, three lookups, two adds, the LayerNorm), the blocks and
    (pre-norm) the final norm."""
    dm = dims["d_model"]
    embeddings = elementwise(tokens, 2) + elementwise(tokens * dm, 5)
    block = self_attention_block_cost(tokens, dm, dims["d_ff"], dims["n_heads"])
    out = {
        "embeddings": embeddings + layer_norm_cost(tokens, dm),
        "blocks": dims["n_layers"] * block,
    }
    if pick(FINAL_NORM, dims, "norm_position"):
        out["final_norm"] = layer_norm_cost(tokens, dm)
    return out


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One sequence of seq_len tokens (default context_length): the trunk, then the MLM head
    (dense, GELU, LayerNorm, the decoder with its bias) on every token."""
    t = dims["context_length"] if seq_len is None else seq_len
    dm = dims["d_model"]
    transform = linear_cost(t, dm, dm) + gelu_cost(t * dm) + layer_norm_cost(t, dm)
    head = transform + linear_cost(t, dm, dims["vocab_size"])
    return {**trunk_costs(dims, t), "mlm_head": head}
