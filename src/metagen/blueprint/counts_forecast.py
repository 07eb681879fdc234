"""Exact parameters and forward FLOPs of the forecasters (`archs/{tft,patchtst,rnn_forecaster,
dlinear,nbeats}/model.py`), from dims alone. Pure Python.

Recurrent layers count their input and hidden matmuls at every step (2 * T * gates * hidden
* (inputs + hidden)), which FlopCounterMode sees for a GRU but not for the fused CPU LSTM
kernel, so the tests map that kernel to the same formula.
"""

from __future__ import annotations

from metagen.blueprint.counting import (
    Dims,
    attention_flops,
    encoder_block_flops,
    encoder_block_params,
    layer_norm,
    linear,
    pick,
)
from metagen.blueprint.counts_pieces import linear_flops, mlp_stack, stack

RNN_GATES = {"lstm": 4, "gru": 3}


def rnn_layer_params(gates: int, d_in: int, hidden: int) -> int:
    """One torch LSTM/GRU layer: input and hidden weights, each with its own bias."""
    return gates * (d_in * hidden + hidden * hidden + 2 * hidden)


def rnn_layer_flops(gates: int, d_in: int, hidden: int, steps: int) -> int:
    return 2 * steps * gates * hidden * (d_in + hidden)


# --- tft -------------------------------------------------------------------------------------


def _gate_add_norm(d: int) -> int:
    return linear(d, 2 * d) + layer_norm(d)


def _grn(d_in: int, d_hidden: int, d_out: int) -> int:
    skip = linear(d_in, d_out) if d_in != d_out else 0
    return skip + linear(d_in, d_hidden) + linear(d_hidden, d_out) + _gate_add_norm(d_out)


def _grn_flops(d_in: int, d_hidden: int, d_out: int, steps: int) -> int:
    skip = linear_flops(steps, d_in, d_out) if d_in != d_out else 0
    layers = linear_flops(steps, d_in, d_hidden) + linear_flops(steps, d_hidden, d_out)
    return skip + layers + linear_flops(steps, d_out, 2 * d_out)


def tft_layers(d: Dims) -> dict[str, int]:
    dm, c, hd = d["d_model"], d["channels"], d["d_model"] // d["n_heads"]
    block = 2 * linear(dm, dm) + linear(dm, hd) + linear(hd, dm)  # q, k, shared v, out
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
    layers.update(stack("blocks", d["n_layers"], block))
    layers["output_gate"] = _gate_add_norm(dm)
    layers["head"] = linear(dm, 1)
    return layers


def tft_flops(d: Dims, seq_len: int | None) -> int:
    dm, c, hd = d["d_model"], d["channels"], d["d_model"] // d["n_heads"]
    lookback, horizon = d["lookback"], d["horizon"]
    t = lookback + horizon
    selection = c * _grn_flops(dm, dm, dm, lookback)
    if c > 1:
        selection += _grn_flops(c * dm, dm, c, lookback)
    lstms = rnn_layer_flops(4, dm, dm, lookback) + rnn_layer_flops(4, dm, dm, horizon)
    gate = linear_flops(t, dm, 2 * dm)
    projections = 2 * linear_flops(t, dm, dm) + linear_flops(t, dm, hd) + linear_flops(t, hd, dm)
    block = projections + attention_flops(t, dm) + gate + _grn_flops(dm, dm, dm, t)
    return selection + lstms + 2 * gate + d["n_layers"] * block + linear_flops(horizon, dm, 1)


# --- patchtst --------------------------------------------------------------------------------


def patchtst_patches(d: Dims) -> int:
    return (d["lookback"] + d["stride"] - d["patch_len"]) // d["stride"] + 1


def patchtst_layers(d: Dims) -> dict[str, int]:
    dm, n = d["d_model"], patchtst_patches(d)
    layers = {"patch_embedding": linear(d["patch_len"] * d["channels"], dm) + n * dm}
    layers.update(stack("blocks", d["n_layers"], encoder_block_params(dm, d["d_ff"])))
    layers["final_norm"] = layer_norm(dm)
    layers["head"] = linear(n * dm, d["horizon"])
    return layers


def patchtst_flops(d: Dims, seq_len: int | None) -> int:
    dm, n = d["d_model"], patchtst_patches(d)
    embed = linear_flops(n, d["patch_len"] * d["channels"], dm)
    blocks = d["n_layers"] * encoder_block_flops(n, dm, d["d_ff"])
    return embed + blocks + linear_flops(1, n * dm, d["horizon"])


# --- rnn_forecaster --------------------------------------------------------------------------


def rnn_forecaster_layers(d: Dims) -> dict[str, int]:
    gates, dm, ff = pick(RNN_GATES, d, "cell"), d["d_model"], d["d_ff"]
    encoder = rnn_layer_params(gates, d["channels"], dm)
    encoder += (d["n_layers"] - 1) * rnn_layer_params(gates, dm, dm)
    return {"encoder": encoder, "head": linear(dm, ff) + linear(ff, d["horizon"])}


def rnn_forecaster_flops(d: Dims, seq_len: int | None) -> int:
    gates, dm, steps, ff = pick(RNN_GATES, d, "cell"), d["d_model"], d["lookback"], d["d_ff"]
    encoder = rnn_layer_flops(gates, d["channels"], dm, steps)
    encoder += (d["n_layers"] - 1) * rnn_layer_flops(gates, dm, dm, steps)
    return encoder + linear_flops(1, dm, ff) + linear_flops(1, ff, d["horizon"])


# --- dlinear and nbeats ----------------------------------------------------------------------


def dlinear_layers(d: Dims) -> dict[str, int]:
    window = d["lookback"] * d["channels"]
    return {"trend": linear(window, d["horizon"]), "seasonal": linear(window, d["horizon"])}


def dlinear_flops(d: Dims, seq_len: int | None) -> int:
    return 2 * linear_flops(1, d["lookback"] * d["channels"], d["horizon"])


def _nbeats_block(d: Dims, backcast: bool) -> tuple[int, int]:
    """(params, FLOPs) of one N-BEATS block: n_fc layers, a forecast head and, in all but
    the last block, a backcast head."""
    window, dm = d["lookback"] * d["channels"], d["d_model"]
    weights, biases = mlp_stack(window, dm, d["n_fc"], d["horizon"])
    weights, biases = weights + backcast * dm * window, biases + backcast * window
    return weights + biases, 2 * weights


def nbeats_layers(d: Dims) -> dict[str, int]:
    n = d["n_blocks"]
    return {f"blocks.{i}": _nbeats_block(d, i < n - 1)[0] for i in range(n)}


def nbeats_flops(d: Dims, seq_len: int | None) -> int:
    n = d["n_blocks"]
    return (n - 1) * _nbeats_block(d, True)[1] + _nbeats_block(d, False)[1]
