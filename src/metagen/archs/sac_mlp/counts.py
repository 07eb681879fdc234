"""Exact parameters and forward FLOPs of the off-policy actor-critic MLP (model.py), from dims
alone. Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import linear


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


def _body_flops(d_in: int, d_hidden: int, n_layers: int) -> int:
    return 2 * (d_in * d_hidden + (n_layers - 1) * d_hidden * d_hidden)


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One observation: the actor's matmuls, then both critics' on its action (the targets
    take no part in the forward)."""
    obs, hidden, depth, actions = (
        dims["obs_dim"],
        dims["d_hidden"],
        dims["n_layers"],
        dims["num_actions"],
    )
    heads = 2 if dims["actor"] == "gaussian" else 1
    actor = _body_flops(obs, hidden, depth) + heads * 2 * hidden * actions
    critic = 2 * (_body_flops(obs + actions, hidden, depth) + 2 * hidden)
    return actor + critic
