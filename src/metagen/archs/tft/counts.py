"""Exact parameters and forward FLOPs of the Temporal Fusion Transformer (model.py), from dims
alone. Pure Python.

Gated residual networks (GRNs) select the variables, an LSTM encoder-decoder runs over the
lookback and the horizon, and interpretable attention blocks (one value head shared by all
heads) run over both; the head reads the horizon steps. The LSTMs follow the recurrent
forecaster's counting (archs/rnn_forecaster/counts.py).
"""

from __future__ import annotations

from typing import Any

from metagen.archs.rnn_forecaster.counts import rnn_layer_flops, rnn_layer_params
from metagen.blueprint.counting import attention_flops, layer_norm, linear

LSTM_GATES = 4


def _gate_add_norm(d: int) -> int:
    """A GLU gate (d to 2*d) and a LayerNorm."""
    return linear(d, 2 * d) + layer_norm(d)


def _grn(d_in: int, d_hidden: int, d_out: int) -> int:
    """A gated residual network; the skip is projected when the widths differ."""
    skip = linear(d_in, d_out) if d_in != d_out else 0
    return skip + linear(d_in, d_hidden) + linear(d_hidden, d_out) + _gate_add_norm(d_out)


def _grn_flops(d_in: int, d_hidden: int, d_out: int, steps: int) -> int:
    skip = d_in * d_out if d_in != d_out else 0
    return 2 * steps * (skip + d_in * d_hidden + d_hidden * d_out + d_out * 2 * d_out)


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """input_embedding, variable_selection, future_embedding, encoder and decoder (LSTMs),
    lstm_gate, blocks.i (attention and a GRN), output_gate, head."""
    dm, c, hd = dims["d_model"], dims["channels"], dims["d_model"] // dims["n_heads"]
    block = 2 * linear(dm, dm) + linear(dm, hd) + linear(hd, dm)  # q, k, shared v, out
    block += _gate_add_norm(dm) + _grn(dm, dm, dm)
    out = {
        "input_embedding": 2 * c * dm,
        # one variable needs no weighting GRN: its weight is 1
        "variable_selection": (_grn(c * dm, dm, c) if c > 1 else 0) + c * _grn(dm, dm, dm),
        "future_embedding": dims["horizon"] * dm,
        "encoder": rnn_layer_params(LSTM_GATES, dm, dm),
        "decoder": rnn_layer_params(LSTM_GATES, dm, dm),
        "lstm_gate": _gate_add_norm(dm),
    }
    out.update({f"blocks.{i}": block for i in range(dims["n_layers"])})
    out["output_gate"] = _gate_add_norm(dm)
    out["head"] = linear(dm, 1)
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One window: variable selection over the lookback, the LSTMs, the blocks over lookback
    + horizon steps, the head over the horizon."""
    dm, c, hd = dims["d_model"], dims["channels"], dims["d_model"] // dims["n_heads"]
    lookback, horizon = dims["lookback"], dims["horizon"]
    t = lookback + horizon
    selection = c * _grn_flops(dm, dm, dm, lookback)
    if c > 1:
        selection += _grn_flops(c * dm, dm, c, lookback)
    lstms = rnn_layer_flops(LSTM_GATES, dm, dm, lookback)
    lstms += rnn_layer_flops(LSTM_GATES, dm, dm, horizon)
    gate = 2 * t * dm * 2 * dm
    attention = 2 * t * (2 * dm * dm + dm * hd + hd * dm) + attention_flops(t, dm)
    block = attention + gate + _grn_flops(dm, dm, dm, t)
    return selection + lstms + 2 * gate + dims["n_layers"] * block + 2 * horizon * dm
