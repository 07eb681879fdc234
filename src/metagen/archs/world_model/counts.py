"""Exact parameters, forward FLOPs and per-component costs of the world model (model.py),
from dims alone; its MLP and action pieces serve the other agents (q_mlp, sac_mlp,
policy_mlp, world_rssm, world_transformer). Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.cost import Cost, elementwise, linear_cost, total
from metagen.blueprint.counting import linear

# one_hot on CPU: aminmax checks the range, two .item() reads, zeros, scatter_, .float()
ONE_HOT_KERNELS = 6


def mlp_params(d_in: int, d_hidden: int, n_layers: int, d_out: int) -> int:
    hidden = linear(d_in, d_hidden) + (n_layers - 1) * linear(d_hidden, d_hidden)
    return hidden + linear(d_hidden, d_out)


def hidden_layers_cost(d_in: int, d_hidden: int, n_layers: int, rows: int = 1) -> Cost:
    """n_layers of Linear + activation over `rows` rows (nn/relu_mlp.py and the MLPs built
    like it): an addmm and an activation per layer."""
    first = linear_cost(rows, d_in, d_hidden)
    rest = (n_layers - 1) * linear_cost(rows, d_hidden, d_hidden)
    return first + rest + n_layers * elementwise(rows * d_hidden)


def mlp_cost(d_in: int, d_hidden: int, n_layers: int, d_out: int, rows: int = 1) -> Cost:
    """world_mlp (and policy_mlp's tanh_mlp): the hidden layers, then a linear output."""
    return hidden_layers_cost(d_in, d_hidden, n_layers, rows) + linear_cost(rows, d_hidden, d_out)


def mlp_flops(d_in: int, d_hidden: int, n_layers: int, d_out: int) -> int:
    return mlp_cost(d_in, d_hidden, n_layers, d_out).flops


def action_input_cost(dims: dict[str, Any], rows: int) -> Cost:
    """model.py's action_vector over `rows` actions: nothing for a float (continuous) action;
    a discrete one's one_hot writes two range scalars, then the zeros, the scatter and the
    float copy of the (rows, num_actions) one-hot."""
    if dims["continuous"]:
        return Cost()
    one_hot = rows * dims["num_actions"]
    return Cost(0, ONE_HOT_KERNELS, 2 + 3 * one_hot)


def _parts(dims: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Each part's (inputs, outputs), in the model's order."""
    obs, latent, actions = dims["obs_dim"], dims["d_latent"], dims["num_actions"]
    return {
        "encoder": (obs, latent),
        "dynamics": (latent + actions, latent),
        "decoder": (latent, obs),
        "reward": (latent + actions, 1),
        "continuation": (latent, 1),
        "value": (latent, 1),
    }


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """One entry per part: encoder, dynamics, decoder, reward, continuation, value."""
    hidden, depth = dims["d_hidden"], dims["n_layers"]
    return {
        name: mlp_params(d_in, hidden, depth, d_out) for name, (d_in, d_out) in _parts(dims).items()
    }


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One observation and action: every part once, the decoder twice (the observation's
    reconstruction and the predicted next observation); the forward's own ops are the
    action's one-hot, the (latent, action) concat and the residual step of the latent."""
    hidden, depth, latent = dims["d_hidden"], dims["n_layers"], dims["d_latent"]
    parts = {name: mlp_cost(d_in, hidden, depth, d_out)
             for name, (d_in, d_out) in _parts(dims).items()}  # fmt: skip
    parts["decoder"] = 2 * parts["decoder"]
    joins = elementwise(latent + dims["num_actions"]) + elementwise(latent)
    return {**parts, "forward": action_input_cost(dims, 1) + joins}


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One observation and action (costs')."""
    return total(costs(dims, seq_len)).flops
