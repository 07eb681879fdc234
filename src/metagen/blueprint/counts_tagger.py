"""Exact parameters and forward FLOPs of the sequence tagger (`archs/sequence_tagger/model.py`)
from dims alone. Pure Python. The CRF's scores are parameters but no forward FLOPs: they are
used by the loss and the decoder."""

from __future__ import annotations

from metagen.blueprint.counting import (
    Dims,
    encoder_block_flops,
    encoder_block_params,
    layer_norm,
    linear,
    pick,
)
from metagen.blueprint.counts_forecast import rnn_layer_flops, rnn_layer_params
from metagen.blueprint.counts_pieces import linear_flops, stack

BIDIRECTIONAL = {"transformer": False, "bilstm": True}  # per encoder kind


def sequence_tagger_layers(d: Dims) -> dict[str, int]:
    dm, k = d["d_model"], d["num_classes"]
    layers = {"token_embedding": d["vocab_size"] * dm}
    if pick(BIDIRECTIONAL, d, "encoder"):
        layer = 2 * rnn_layer_params(4, dm, dm // 2)  # both directions
        layers.update(stack("encoder", d["n_layers"], layer))
    else:
        layers["position_embedding"] = d["max_len"] * dm
        layers.update(stack("blocks", d["n_layers"], encoder_block_params(dm, d["d_ff"])))
        layers["final_norm"] = layer_norm(dm)
    layers["head"] = linear(dm, k)
    if d["crf"]:
        layers["crf"] = k * k + 2 * k  # transitions, start and end scores
    return layers


def sequence_tagger_flops(d: Dims, seq_len: int | None) -> int:
    """One sentence of seq_len words (default max_len)."""
    t = d["max_len"] if seq_len is None else seq_len
    dm = d["d_model"]
    if pick(BIDIRECTIONAL, d, "encoder"):
        layer = 2 * rnn_layer_flops(4, dm, dm // 2, t)
    else:
        layer = encoder_block_flops(t, dm, d["d_ff"])
    return d["n_layers"] * layer + linear_flops(t, dm, d["num_classes"])
