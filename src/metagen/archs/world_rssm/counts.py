"""Exact parameters and forward FLOPs of the recurrent state-space world model (model.py),
from dims alone. Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.archs.rnn_forecaster.counts import rnn_layer_flops, rnn_layer_params
from metagen.archs.world_model.counts import mlp_flops, mlp_params
from metagen.blueprint.counting import linear

GRU_GATES = 3


def _mlps(dims: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """Each MLP part's (inputs, hidden layers, outputs), in the model's order."""
    d, depth, stoch = dims["d_hidden"], dims["mlp_layers"], dims["d_stoch"]
    deter, state = dims["d_deter"], dims["d_deter"] + stoch
    return {
        "encoder": (dims["obs_dim"], depth, d),
        "posterior": (deter + d, 1, 2 * stoch),  # z's mean and standard deviation
        "prior": (deter, 1, 2 * stoch),
        "decoder": (state, depth, dims["obs_dim"]),
        "reward": (state, depth, 1),
        "continuation": (state, depth, 1),
        "value": (state, depth, 1),
    }


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """initial (the learned first memory), encoder, posterior, step_in, gru, prior, decoder,
    reward, continuation, value: the model's order."""
    d, stoch = dims["d_hidden"], dims["d_stoch"]
    mlps = {name: mlp_params(d_in, d, depth, d_out)
            for name, (d_in, depth, d_out) in _mlps(dims).items()}  # fmt: skip
    return {
        "initial": dims["d_deter"],
        "encoder": mlps["encoder"],
        "posterior": mlps["posterior"],
        "step_in": linear(stoch + dims["num_actions"], d),
        "gru": rnn_layer_params(GRU_GATES, d, dims["d_deter"]),
        "prior": mlps["prior"],
        **{name: mlps[name] for name in ("decoder", "reward", "continuation", "value")},
    }


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One observation and action: the encoder and posterior, the prior twice (before and
    after the step), the GRU's input layer and cell, the decoder twice (the reconstruction
    and the predicted next observation), the value of the posterior state, and the reward
    and continuation of the next one."""
    d, stoch = dims["d_hidden"], dims["d_stoch"]
    mlp = {name: mlp_flops(d_in, d, depth, d_out)
           for name, (d_in, depth, d_out) in _mlps(dims).items()}  # fmt: skip
    step = 2 * (stoch + dims["num_actions"]) * d + rnn_layer_flops(GRU_GATES, d, dims["d_deter"], 1)
    heads = 2 * mlp["decoder"] + mlp["value"] + mlp["reward"] + mlp["continuation"]
    return mlp["encoder"] + mlp["posterior"] + 2 * mlp["prior"] + step + heads
