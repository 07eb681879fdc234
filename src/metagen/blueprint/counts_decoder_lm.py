"""Exact parameters and forward FLOPs of `decoder_lm` (archs/decoder_lm/model.py), from dims
alone; the VLM counts its language model with these too. Pure Python."""

from __future__ import annotations

from metagen.blueprint.counting import (
    MLP_MATRICES,
    NORM_PARAMS_PER_CHANNEL,
    Dims,
    attention_params,
    pick,
)
from metagen.blueprint.counts_pieces import (
    linear_flops,
    mlp_flops,
    mlp_params,
    self_attention_flops,
    stack,
)

LEARNED_POSITION_TABLE = {"rope": False, "learned": True}


def kv_dim(d: Dims) -> int:
    """Width of the keys (and of the values): fewer heads than the queries under GQA."""
    return d["n_kv_heads"] * (d["d_model"] // d["n_heads"])


def _block_params(d: Dims) -> int:
    dm, bias = d["d_model"], d["bias"]
    attention = attention_params(dm, bias, kv_dim(d))
    mlp = mlp_params(dm, d["d_ff"], pick(MLP_MATRICES, d, "mlp"), bias)
    return attention + mlp + 2 * pick(NORM_PARAMS_PER_CHANNEL, d, "norm") * dm


def decoder_lm_layers(d: Dims) -> dict[str, int]:
    """token_embedding, position_embedding (learned only), blocks.i, final_norm, lm_head (0
    when tied: it shares the embedding)."""
    dm, vocab = d["d_model"], d["vocab_size"]
    layers = {"token_embedding": vocab * dm}
    if pick(LEARNED_POSITION_TABLE, d, "position"):
        layers["position_embedding"] = d["context_length"] * dm
    layers.update(stack("blocks", d["n_layers"], _block_params(d)))
    layers["final_norm"] = pick(NORM_PARAMS_PER_CHANNEL, d, "norm") * dm
    layers["lm_head"] = 0 if d["tie_embeddings"] else vocab * dm
    return layers


def decoder_lm_flops(d: Dims, seq_len: int | None) -> int:
    """One sequence of seq_len tokens (default context_length); no discount for the mask."""
    t = d["context_length"] if seq_len is None else seq_len
    dm = d["d_model"]
    block = self_attention_flops(t, dm, kv_dim(d))
    block += mlp_flops(t, dm, d["d_ff"], pick(MLP_MATRICES, d, "mlp"))
    return d["n_layers"] * block + linear_flops(t, dm, d["vocab_size"])
