"""Exact parameters, forward FLOPs and per-component costs of the Q-network MLP (model.py),
from dims alone. Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.archs.world_model.counts import hidden_layers_cost
from metagen.blueprint.cost import Cost, linear_cost, total
from metagen.blueprint.counting import linear


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """body (the hidden layers) and head (one Q-value per action)."""
    obs, hidden, depth = dims["obs_dim"], dims["d_hidden"], dims["n_layers"]
    return {
        "body": linear(obs, hidden) + (depth - 1) * linear(hidden, hidden),
        "head": linear(hidden, dims["num_actions"]),
    }


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One observation: the ReLU hidden layers, then the head."""
    hidden = dims["d_hidden"]
    return {
        "body": hidden_layers_cost(dims["obs_dim"], hidden, dims["n_layers"]),
        "head": linear_cost(1, hidden, dims["num_actions"]),
    }


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One observation: the matmuls of the hidden layers and the head."""
    return total(costs(dims, seq_len)).flops
