"""Exact parameters, forward FLOPs and per-component costs of the sequence tagger (model.py),
from dims alone. Pure Python.

The encoder is either pre-norm transformer blocks (blueprint/counting.py's encoder block)
over learned positions, or BiLSTM layers of d_model/2 units per direction (counted as the
recurrent forecaster counts its layers, archs/rnn_forecaster/counts.py). The CRF's scores are
parameters but no forward FLOPs: they are used by the loss and the decoder.
"""

from __future__ import annotations

from typing import Any

from metagen.archs.encoder_mlm.counts import self_attention_block_cost
from metagen.archs.rnn_forecaster.counts import rnn_layer_flops, rnn_layer_params
from metagen.blueprint.cost import Cost, elementwise, layer_norm_cost, linear_cost, total
from metagen.blueprint.counting import (
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
    return total(costs(dims, seq_len)).flops


def lstm_cost(steps: int, d_in: int, hidden: int) -> Cost:
    """One single-layer nn.LSTM over `steps` steps (batch 1) on CPU: the zero initial states,
    the fused mkldnn layer (the outputs and the final h and c) and the stacked final states."""
    fused = Cost(rnn_layer_flops(LSTM_GATES, d_in, hidden, steps), 1, (steps + 2) * hidden)
    return elementwise(hidden, 2) + fused + elementwise(hidden, 2)


def reverse_cost(steps: int, width: int) -> Cost:
    """reverse_within_lengths on (1, T, width): the step indices (arange, compare, two subs, a
    where) and the gather."""
    return elementwise(steps, 4) + elementwise(1) + elementwise(steps * width)


def bilstm_layer_cost(steps: int, d_model: int) -> Cost:
    """BiLSTMLayer: the forward LSTM, the input reversed, the backward LSTM, its output
    reversed back, and the cat of both directions."""
    hidden = d_model // 2
    lstms = 2 * lstm_cost(steps, d_model, hidden)
    reversals = reverse_cost(steps, d_model) + reverse_cost(steps, hidden)
    return lstms + reversals + elementwise(steps * d_model)


def encoder_costs(dims: dict[str, Any], t: int) -> dict[str, Cost]:
    """The encoder over one unpadded sentence of t words, and the forward's own ops: the
    words-present mask, then the lengths (BiLSTM) or the positions' arange and add (the
    transformer, whose blocks turn the (1, 1, 1, T) padding mask into an additive one)."""
    dm, present = dims["d_model"], elementwise(t)
    if pick(BIDIRECTIONAL, dims, "encoder"):
        encoder = dims["n_layers"] * bilstm_layer_cost(t, dm)
        return {"encoder": encoder, "forward": present + elementwise(1)}
    block = self_attention_block_cost(t, dm, dims["d_ff"], dims["n_heads"], mask_elements=t)
    return {
        "position_embedding": elementwise(t * dm),
        "blocks": dims["n_layers"] * block,
        "final_norm": layer_norm_cost(t, dm),
        "forward": present + elementwise(t) + elementwise(t * dm),
    }


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One sentence of seq_len words (default max_len): the lookups, the encoder and the
    emission head on every word; the CRF's scores are returned as they are."""
    t = dims["max_len"] if seq_len is None else seq_len
    dm = dims["d_model"]
    return {
        "token_embedding": elementwise(t * dm),
        **encoder_costs(dims, t),
        "head": linear_cost(t, dm, dims["num_classes"]),
    }
