"""Exact parameters and forward FLOPs of the Q-network MLP (model.py), from dims alone.
Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import linear


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """body (the hidden layers) and head (one Q-value per action)."""
    obs, hidden, depth = dims["obs_dim"], dims["d_hidden"], dims["n_layers"]
    return {
        "body": linear(obs, hidden) + (depth - 1) * linear(hidden, hidden),
        "head": linear(hidden, dims["num_actions"]),
    }


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One observation: the matmuls of the hidden layers and the head."""
    obs, hidden, depth = dims["obs_dim"], dims["d_hidden"], dims["n_layers"]
    return 2 * (obs * hidden + (depth - 1) * hidden * hidden + hidden * dims["num_actions"])
