"""Exact parameters and forward FLOPs of the recurrent forecaster (model.py), from dims alone;
its recurrent layers serve the TFT and the BiLSTM tagger. Pure Python.

Recurrent layers count their input and hidden matmuls at every step (2 * T * gates * hidden
* (inputs + hidden)), which FlopCounterMode sees for a GRU but not for the fused CPU LSTM
kernel, so the tests map that kernel to the same formula.
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import linear, pick

RNN_GATES = {"lstm": 4, "gru": 3}


def rnn_layer_params(gates: int, d_in: int, hidden: int) -> int:
    """One torch LSTM/GRU layer: input and hidden weights, each with its own bias."""
    return gates * (d_in * hidden + hidden * hidden + 2 * hidden)


def rnn_layer_flops(gates: int, d_in: int, hidden: int, steps: int) -> int:
    return 2 * steps * gates * hidden * (d_in + hidden)


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """encoder (the stacked LSTM/GRU), head (a two-layer MLP from the last state)."""
    gates, dm, ff = pick(RNN_GATES, dims, "cell"), dims["d_model"], dims["d_ff"]
    encoder = rnn_layer_params(gates, dims["channels"], dm)
    encoder += (dims["n_layers"] - 1) * rnn_layer_params(gates, dm, dm)
    return {"encoder": encoder, "head": linear(dm, ff) + linear(ff, dims["horizon"])}


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One window of lookback steps; the head runs on the last state."""
    gates, dm, ff = pick(RNN_GATES, dims, "cell"), dims["d_model"], dims["d_ff"]
    steps = dims["lookback"]
    encoder = rnn_layer_flops(gates, dims["channels"], dm, steps)
    encoder += (dims["n_layers"] - 1) * rnn_layer_flops(gates, dm, dm, steps)
    return encoder + 2 * (dm * ff + ff * dims["horizon"])
