"""Exact parameters and forward FLOPs of the actor-critic MLP (model.py), from dims alone.
Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import linear


def _mlp(d_in: int, d_hidden: int, n_layers: int, d_out: int) -> int:
    hidden = linear(d_in, d_hidden) + (n_layers - 1) * linear(d_hidden, d_hidden)
    return hidden + linear(d_hidden, d_out)


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """actor, critic, and log_std for a continuous agent."""
    obs, hidden, depth, actions = (
        dims["obs_dim"],
        dims["d_hidden"],
        dims["n_layers"],
        dims["num_actions"],
    )
    out = {
        "actor": _mlp(obs, hidden, depth, actions),
        "critic": _mlp(obs, hidden, depth, 1),
    }
    if dims["continuous"]:
        out["log_std"] = actions
    return out


def _mlp_flops(d_in: int, d_hidden: int, n_layers: int, d_out: int) -> int:
    return 2 * (d_in * d_hidden + (n_layers - 1) * d_hidden * d_hidden + d_hidden * d_out)


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One observation: the actor's and the critic's matmuls."""
    obs, hidden, depth = dims["obs_dim"], dims["d_hidden"], dims["n_layers"]
    return _mlp_flops(obs, hidden, depth, dims["num_actions"]) + _mlp_flops(obs, hidden, depth, 1)
