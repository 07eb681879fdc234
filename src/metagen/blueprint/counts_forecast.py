"""Exact parameters and forward FLOPs of the forecasters (`nn/forecast_*.py`), from dims
alone. Pure Python; `counts.py` registers them in ARCH_COUNTS.

FLOPs follow `torch.utils.flop_counter.FlopCounterMode`: 2*m*n*k per matmul, 4 * heads *
T^2 * head_dim per attention call; recurrent layers count their input and hidden matmuls at
every step (2 * T * gates * hidden * (inputs + hidden)), which the counter sees for a GRU but
not for the fused CPU LSTM kernel, so the tests map that kernel to the same formula.
"""

from __future__ import annotations

from typing import Any

Dims = dict[str, Any]

FORECAST_WINDOW = ("lookback", "horizon", "channels")
TFT_REQUIRED = (*FORECAST_WINDOW, "d_model", "n_layers", "n_heads")
PATCHTST_REQUIRED = (*FORECAST_WINDOW, "patch_len", "stride", "d_model", "n_layers", "d_ff")
RNN_FORECASTER_REQUIRED = (*FORECAST_WINDOW, "cell", "d_model", "n_layers", "d_ff")
DLINEAR_REQUIRED = FORECAST_WINDOW
NBEATS_REQUIRED = (*FORECAST_WINDOW, "d_model", "n_blocks", "n_fc")

RNN_GATES = {"lstm": 4, "gru": 3}


def _linear(d_in: int, d_out: int) -> int:
    return d_in * d_out + d_out


def rnn_layer_params(gates: int, d_in: int, hidden: int) -> int:
    """One torch LSTM/GRU layer: input and hidden weights, each with its own bias."""
    return gates * (d_in * hidden + hidden * hidden + 2 * hidden)


def rnn_layer_flops(gates: int, d_in: int, hidden: int, steps: int) -> int:
    return 2 * steps * gates * hidden * (d_in + hidden)


# --- tft -------------------------------------------------------------------------------------


def _gate_add_norm(d: int) -> int:
    return _linear(d, 2 * d) + 2 * d


def _grn(d_in: int, d_hidden: int, d_out: int) -> int:
    skip = _linear(d_in, d_out) if d_in != d_out else 0
    return skip + _linear(d_in, d_hidden) + _linear(d_hidden, d_out) + _gate_add_norm(d_out)


def _grn_flops(d_in: int, d_hidden: int, d_out: int, steps: int) -> int:
    skip = d_in * d_out if d_in != d_out else 0
    return 2 * steps * (skip + d_in * d_hidden + d_hidden * d_out + d_out * 2 * d_out)


def _tft_head_dim(d: Dims) -> int:
    return d["d_model"] // d["n_heads"]


def tft_layers(d: Dims) -> dict[str, int]:
    dm, c, hd = d["d_model"], d["channels"], _tft_head_dim(d)
    block = 2 * _linear(dm, dm) + _linear(dm, hd) + _linear(hd, dm)  # q, k, shared v, out
    block += _gate_add_norm(dm) + _grn(dm, dm, dm)
    layers = {
        "input_embedding": 2 * c * dm,
        # one variable needs no weighting GRN: its weight is 1
        "variable_selection": (_grn(c * dm, dm, c) if c > 1 else 0) + c * _grn(dm, dm, dm),
        "future_embedding": d["horizon"] * dm,
        "encoder": rnn_layer_params(4, dm, dm),
        "decoder": rnn_layer_params(4, dm, dm),
        "lstm_gate": _gate_add_norm(dm),
    }
    layers.update({f"blocks.{i}": block for i in range(d["n_layers"])})
    layers["output_gate"] = _gate_add_norm(dm)
    layers["head"] = _linear(dm, 1)
    return layers


def tft_flops(d: Dims, seq_len: int | None) -> int:
    dm, c, hd = d["d_model"], d["channels"], _tft_head_dim(d)
    lookback, horizon = d["lookback"], d["horizon"]
    t = lookback + horizon
    selection = c * _grn_flops(dm, dm, dm, lookback)
    if c > 1:
        selection += _grn_flops(c * dm, dm, c, lookback)
    lstms = rnn_layer_flops(4, dm, dm, lookback) + rnn_layer_flops(4, dm, dm, horizon)
    gate = 2 * t * dm * 2 * dm
    attention = 2 * t * (2 * dm * dm + dm * hd + hd * dm) + 4 * t * t * dm
    block = attention + gate + _grn_flops(dm, dm, dm, t)
    return selection + lstms + 2 * gate + d["n_layers"] * block + 2 * horizon * dm


# --- patchtst --------------------------------------------------------------------------------


def patchtst_patches(d: Dims) -> int:
    return (d["lookback"] + d["stride"] - d["patch_len"]) // d["stride"] + 1


def patchtst_layers(d: Dims) -> dict[str, int]:
    dm, ff, n = d["d_model"], d["d_ff"], patchtst_patches(d)
    block = _linear(dm, 3 * dm) + _linear(dm, dm) + _linear(dm, ff) + _linear(ff, dm) + 4 * dm
    layers = {"patch_embedding": _linear(d["patch_len"] * d["channels"], dm) + n * dm}
    layers.update({f"blocks.{i}": block for i in range(d["n_layers"])})
    layers["final_norm"] = 2 * dm
    layers["head"] = _linear(n * dm, d["horizon"])
    return layers


def patchtst_flops(d: Dims, seq_len: int | None) -> int:
    dm, ff, n = d["d_model"], d["d_ff"], patchtst_patches(d)
    embed = 2 * n * d["patch_len"] * d["channels"] * dm
    block = 2 * n * dm * 4 * dm + 4 * n * n * dm + 2 * 2 * n * dm * ff
    return embed + d["n_layers"] * block + 2 * n * dm * d["horizon"]


# --- rnn_forecaster --------------------------------------------------------------------------


def _rnn_gates(d: Dims) -> int:
    if d["cell"] not in RNN_GATES:
        raise ValueError(f"cell must be one of {sorted(RNN_GATES)}, got {d['cell']!r}")
    return RNN_GATES[d["cell"]]


def rnn_forecaster_layers(d: Dims) -> dict[str, int]:
    gates, dm = _rnn_gates(d), d["d_model"]
    encoder = rnn_layer_params(gates, d["channels"], dm)
    encoder += (d["n_layers"] - 1) * rnn_layer_params(gates, dm, dm)
    return {"encoder": encoder, "head": _linear(dm, d["d_ff"]) + _linear(d["d_ff"], d["horizon"])}


def rnn_forecaster_flops(d: Dims, seq_len: int | None) -> int:
    gates, dm, steps = _rnn_gates(d), d["d_model"], d["lookback"]
    encoder = rnn_layer_flops(gates, d["channels"], dm, steps)
    encoder += (d["n_layers"] - 1) * rnn_layer_flops(gates, dm, dm, steps)
    return encoder + 2 * (dm * d["d_ff"] + d["d_ff"] * d["horizon"])


# --- dlinear and nbeats ----------------------------------------------------------------------


def dlinear_layers(d: Dims) -> dict[str, int]:
    window = d["lookback"] * d["channels"]
    return {"trend": _linear(window, d["horizon"]), "seasonal": _linear(window, d["horizon"])}


def dlinear_flops(d: Dims, seq_len: int | None) -> int:
    return 2 * 2 * d["lookback"] * d["channels"] * d["horizon"]


def _nbeats_block(d: Dims, backcast: bool) -> tuple[int, int]:
    """(params, FLOPs) of one N-BEATS block; the last has no backcast."""
    window, dm, horizon = d["lookback"] * d["channels"], d["d_model"], d["horizon"]
    matrices = window * dm + (d["n_fc"] - 1) * dm * dm + dm * horizon + backcast * dm * window
    biases = d["n_fc"] * dm + horizon + backcast * window
    return matrices + biases, 2 * matrices


def nbeats_layers(d: Dims) -> dict[str, int]:
    n = d["n_blocks"]
    return {f"blocks.{i}": _nbeats_block(d, i < n - 1)[0] for i in range(n)}


def nbeats_flops(d: Dims, seq_len: int | None) -> int:
    n = d["n_blocks"]
    return (n - 1) * _nbeats_block(d, True)[1] + _nbeats_block(d, False)[1]
