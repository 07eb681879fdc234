"""Exact parameters, forward FLOPs and per-component costs of the actor-critic MLP
(model.py), from dims alone. Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.archs.world_model.counts import mlp_cost, mlp_params
from metagen.blueprint.cost import Cost, elementwise, total

LOG_STD_KERNELS = 2  # ActionLogStd: zeros_like(mean) + log_std


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """actor, critic, and log_std for a continuous agent."""
    obs, hidden, depth, actions = (
        dims["obs_dim"],
        dims["d_hidden"],
        dims["n_layers"],
        dims["num_actions"],
    )
    out = {
        "actor": mlp_params(obs, hidden, depth, actions),
        "critic": mlp_params(obs, hidden, depth, 1),
    }
    if dims["continuous"]:
        out["log_std"] = actions
    return out


def log_std_cost(actions: int) -> Cost:
    """ActionLogStd's forward for one observation: a zeros_like and an add."""
    return elementwise(actions, LOG_STD_KERNELS)


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One observation: the actor's and the critic's tanh MLPs, and the log standard
    deviation's broadcast for a continuous agent."""
    obs, hidden, depth, actions = (
        dims["obs_dim"],
        dims["d_hidden"],
        dims["n_layers"],
        dims["num_actions"],
    )
    out = {
        "actor": mlp_cost(obs, hidden, depth, actions),
        "critic": mlp_cost(obs, hidden, depth, 1),
    }
    if dims["continuous"]:
        out["log_std"] = log_std_cost(actions)
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One observation: the actor's and the critic's matmuls."""
    return total(costs(dims, seq_len)).flops
