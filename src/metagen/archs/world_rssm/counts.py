"""Exact parameters, forward FLOPs and per-component costs of the recurrent state-space world
model (model.py), from dims alone. Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.archs.rnn_forecaster.counts import rnn_layer_flops, rnn_layer_params
from metagen.archs.world_model.counts import action_input_cost, mlp_cost, mlp_params
from metagen.blueprint.cost import Cost, elementwise, linear_cost, total
from metagen.blueprint.counting import linear

GRU_GATES = 3
# torch's CPU GRUCell: per matmul (input, hidden) an addmm and the split of its gates, then
# ten elementwise ops on the memory (the reset and update gates, the candidate, the blend)
GRU_GATE_MATMULS, GRU_CELL_OPS = 2, 10
GAUSSIAN_KERNELS = 3  # model.py's gaussian: softplus, + min_std, stack of mean and std
STATE_STACKS = 5  # filter's outputs: latent, next_latent, posterior, prior, next_h


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


def gru_cell_cost(d_in: int, hidden: int) -> Cost:
    """One step of nn.GRUCell on one row, as the CPU dispatches it: the input and hidden
    matmuls with their gate splits, then the cell's elementwise ops."""
    gates = GRU_GATES * hidden
    matmuls = Cost(rnn_layer_flops(GRU_GATES, d_in, hidden, 1), GRU_GATE_MATMULS, 2 * gates)
    splits = elementwise(gates, GRU_GATE_MATMULS)
    return matmuls + splits + elementwise(hidden, GRU_CELL_OPS)


def _forward_cost(dims: dict[str, Any]) -> Cost:
    """The forward's own ops for one step: the action's one-hot, three gaussians (the first
    prior, the posterior, the prior after the step), the concats ((h, embedding), the
    posterior state, (z, action), the prior state) and the stacks of filter's outputs."""
    d, stoch, deter = dims["d_hidden"], dims["d_stoch"], dims["d_deter"]
    state = deter + stoch
    gaussian = elementwise(stoch, 2) + elementwise(2 * stoch)
    concats = (
        elementwise(deter + d) + 2 * elementwise(state) + elementwise(stoch + dims["num_actions"])
    )
    stacks = Cost(0, STATE_STACKS, 2 * state + 2 * 2 * stoch + deter)
    return action_input_cost(dims, 1) + GAUSSIAN_KERNELS * gaussian + concats + stacks


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One observation and action: the learned first memory's tanh, the encoder and
    posterior, the prior twice (before and after the step), the GRU's input layer and cell,
    the decoder twice (the reconstruction and the predicted next observation), the value of
    the posterior state, and the reward and continuation of the next one."""
    d, stoch = dims["d_hidden"], dims["d_stoch"]
    mlp = {name: mlp_cost(d_in, d, depth, d_out)
           for name, (d_in, depth, d_out) in _mlps(dims).items()}  # fmt: skip
    step_in = linear_cost(1, stoch + dims["num_actions"], d) + elementwise(d)
    return {
        "initial": elementwise(dims["d_deter"]),
        "encoder": mlp["encoder"],
        "posterior": mlp["posterior"],
        "step_in": step_in,
        "gru": gru_cell_cost(d, dims["d_deter"]),
        "prior": 2 * mlp["prior"],
        "decoder": 2 * mlp["decoder"],
        **{name: mlp[name] for name in ("reward", "continuation", "value")},
        "forward": _forward_cost(dims),
    }


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One observation and action (costs')."""
    return total(costs(dims, seq_len)).flops
