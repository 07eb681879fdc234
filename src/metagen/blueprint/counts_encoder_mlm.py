"""Exact parameters and forward FLOPs of `encoder_mlm` (archs/encoder_mlm/model.py), from dims
alone. Pure Python. The pooler is not run by the MLM forward, so it costs parameters but no
FLOPs.
"""

from __future__ import annotations

from metagen.blueprint.counting import (
    Dims,
    encoder_block_flops,
    encoder_block_params,
    layer_norm,
    linear,
    pick,
)
from metagen.blueprint.counts_pieces import linear_flops, stack

FINAL_NORM = {"post": False, "pre": True}  # per norm_position: pre-norm adds a final norm


def bert_encoder_layers(d: Dims) -> dict[str, int]:
    """embeddings (tokens, positions, types and a LayerNorm), blocks.i, final_norm (pre-norm
    only), pooler (if any): the encoder that `text_encoder` shares."""
    dm = d["d_model"]
    tables = d["vocab_size"] + d["context_length"] + d["type_vocab_size"]
    layers = {"embeddings": tables * dm + layer_norm(dm)}
    layers.update(stack("blocks", d["n_layers"], encoder_block_params(dm, d["d_ff"])))
    if pick(FINAL_NORM, d, "norm_position"):
        layers["final_norm"] = layer_norm(dm)
    if d["pooler"]:
        layers["pooler"] = linear(dm, dm)
    return layers


def bert_encoder_flops(d: Dims, seq_len: int | None) -> int:
    """The blocks over one sequence of seq_len tokens (default context_length)."""
    t = d["context_length"] if seq_len is None else seq_len
    return d["n_layers"] * encoder_block_flops(t, d["d_model"], d["d_ff"])


def encoder_mlm_layers(d: Dims) -> dict[str, int]:
    """The encoder, then mlm_head (its decoder weight is the token embedding, counted there)."""
    dm = d["d_model"]
    layers = bert_encoder_layers(d)
    layers["mlm_head"] = linear(dm, dm) + layer_norm(dm) + d["vocab_size"]  # + decoder bias
    return layers


def encoder_mlm_flops(d: Dims, seq_len: int | None) -> int:
    t = d["context_length"] if seq_len is None else seq_len
    dm = d["d_model"]
    head = linear_flops(t, dm, dm) + linear_flops(t, dm, d["vocab_size"])
    return bert_encoder_flops(d, seq_len) + head
