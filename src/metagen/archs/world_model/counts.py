"""Exact parameters and forward FLOPs of the world model (model.py), from dims alone. Pure
Python."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import linear


def mlp_params(d_in: int, d_hidden: int, n_layers: int, d_out: int) -> int:
    hidden = linear(d_in, d_hidden) + (n_layers - 1) * linear(d_hidden, d_hidden)
    return hidden + linear(d_hidden, d_out)


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


def mlp_flops(d_in: int, d_hidden: int, n_layers: int, d_out: int) -> int:
    return 2 * (d_in * d_hidden + (n_layers - 1) * d_hidden * d_hidden + d_hidden * d_out)


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One observation and action: every part once, and the decoder twice (the observation's
    reconstruction and the predicted next observation)."""
    hidden, depth = dims["d_hidden"], dims["n_layers"]
    parts = _parts(dims)
    total = sum(mlp_flops(d_in, hidden, depth, d_out) for d_in, d_out in parts.values())
    d_in, d_out = parts["decoder"]
    return total + mlp_flops(d_in, hidden, depth, d_out)
