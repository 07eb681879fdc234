"""Exact parameters and forward FLOPs of the sequence tagger (model.py), from dims alone. Pure
Python.

The encoder is either pre-norm transformer blocks (blueprint/counting.py's encoder block)
over learned positions, or BiLSTM layers of d_model/2 units per direction (counted as the
recurrent forecaster counts its layers, archs/rnn_forecaster/counts.py). The CRF's scores are
parameters but no forward FLOPs: they are used by the loss and the decoder.
"""

from __future__ import annotations

from typing import Any

from metagen.archs.rnn_forecaster.counts import rnn_layer_flops, rnn_layer_params
from metagen.blueprint.counting import (
    encoder_block_flops,
    encoder_block_params,
    layer_norm,
    linear,
    pick,
)

BIDIRECTIONAL = {"transformer": False, "bilstm": True}  # per encoder kind
LSTM_GATES = 4


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """token_embedding, then position_embedding, blocks.i and final_norm (transformer) or
    encoder.i (BiLSTM), then head and crf (if any)."""
    dm, k = dims["d_model"], dims["num_classes"]
    out = {"token_embedding": dims["vocab_size"] * dm}
    if pick(BIDIRECTIONAL, dims, "encoder"):
        layer = 2 * rnn_layer_params(LSTM_GATES, dm, dm // 2)  # both directions
        out.update({f"encoder.{i}": layer for i in range(dims["n_layers"])})
    else:
        out["position_embedding"] = dims["max_len"] * dm
        block = encoder_block_params(dm, dims["d_ff"])
        out.update({f"blocks.{i}": block for i in range(dims["n_layers"])})
        out["final_norm"] = layer_norm(dm)
    out["head"] = linear(dm, k)
    if dims["crf"]:
        out["crf"] = k * k + 2 * k  # transitions, start and end scores
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One sentence of seq_len words (default max_len)."""
    t = dims["max_len"] if seq_len is None else seq_len
    dm = dims["d_model"]
    if pick(BIDIRECTIONAL, dims, "encoder"):
        layer = 2 * rnn_layer_flops(LSTM_GATES, dm, dm // 2, t)
    else:
        layer = encoder_block_flops(t, dm, dims["d_ff"])
    return dims["n_layers"] * layer + 2 * t * dm * dims["num_classes"]
