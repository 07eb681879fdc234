"""Exact parameters, forward FLOPs and per-component costs of the off-policy actor-critic MLP
(model.py), from dims alone. Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.archs.world_model.counts import hidden_layers_cost
from metagen.blueprint.cost import Cost, elementwise, linear_cost, total
from metagen.blueprint.counting import linear

# the Gaussian actor's log_std: tanh, then LOG_STD_MIN + 0.5 * span * (log_std + 1)
LOG_STD_BOUND_KERNELS = 4


def _body(d_in: int, d_hidden: int, n_layers: int) -> int:
    return linear(d_in, d_hidden) + (n_layers - 1) * linear(d_hidden, d_hidden)


def _actor(dims: dict[str, Any]) -> int:
    hidden, actions = dims["d_hidden"], dims["num_actions"]
    heads = 2 if dims["actor"] == "gaussian" else 1  # mean (and log_std)
    return _body(dims["obs_dim"], hidden, dims["n_layers"]) + heads * linear(hidden, actions)


def _twin_q(dims: dict[str, Any]) -> int:
    d_in = dims["obs_dim"] + dims["num_actions"]
    return 2 * (_body(d_in, dims["d_hidden"], dims["n_layers"]) + linear(dims["d_hidden"], 1))


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """actor, critic (twin Q), critic_target, and actor_target for a deterministic actor."""
    out = {"actor": _actor(dims), "critic": _twin_q(dims), "critic_target": _twin_q(dims)}
    if dims["actor"] == "deterministic":
        out["actor_target"] = _actor(dims)
    return out


def _actor_cost(dims: dict[str, Any]) -> Cost:
    """The ReLU body and the mean head; a Gaussian actor adds the log_std head and its
    bounding (a tanh and three elementwise ops)."""
    hidden, actions = dims["d_hidden"], dims["num_actions"]
    mean = linear_cost(1, hidden, actions)
    body = hidden_layers_cost(dims["obs_dim"], hidden, dims["n_layers"])
    if dims["actor"] == "deterministic":
        return body + mean
    log_std = linear_cost(1, hidden, actions) + elementwise(actions, LOG_STD_BOUND_KERNELS)
    return body + log_std + mean


def _twin_q_cost(dims: dict[str, Any]) -> Cost:
    """The (obs, action) concat, then each critic's ReLU body and value head."""
    d_in, hidden = dims["obs_dim"] + dims["num_actions"], dims["d_hidden"]
    critic = hidden_layers_cost(d_in, hidden, dims["n_layers"]) + linear_cost(1, hidden, 1)
    return elementwise(d_in) + 2 * critic


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One observation: the actor, the forward's tanh of its mean (the action), then both
    critics on that action (the targets take no part in the forward)."""
    return {
        "actor": _actor_cost(dims),
        "critic": _twin_q_cost(dims),
        "forward": elementwise(dims["num_actions"]),
    }


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One observation (costs')."""
    return total(costs(dims, seq_len)).flops
