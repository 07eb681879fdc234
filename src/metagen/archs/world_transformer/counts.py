"""Exact parameters and forward FLOPs of the transformer world model (model.py), from dims
alone. Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.archs.world_model.counts import mlp_flops, mlp_params
from metagen.blueprint.counting import (
    encoder_block_flops,
    encoder_block_params,
    layer_norm,
    linear,
)


def _mlps(dims: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """The MLP parts' (inputs, outputs)."""
    obs, latent = dims["obs_dim"], dims["d_latent"]
    return {"encoder": (obs, latent), "decoder": (latent, obs), "continuation": (latent, 1),
            "value": (latent, 1)}  # fmt: skip


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """encoder, embed (with the learned positions), blocks, norm, dynamics, reward, decoder,
    continuation, value: the model's order."""
    d, latent, depth = dims["d_model"], dims["d_latent"], dims["mlp_layers"]
    mlps = {name: mlp_params(d_in, d, depth, d_out) for name, (d_in, d_out) in _mlps(dims).items()}
    return {
        "encoder": mlps["encoder"],
        "embed": linear(latent + dims["num_actions"], d) + dims["context"] * d,
        "blocks": dims["n_layers"] * encoder_block_params(d, dims["d_ff"]),
        "norm": layer_norm(d),
        "dynamics": linear(d, latent),
        "reward": linear(d, 1),
        "decoder": mlps["decoder"],
        "continuation": mlps["continuation"],
        "value": mlps["value"],
    }


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One sequence of `context` steps with their actions: per step, the encoder, the value,
    the decoder twice (the reconstruction and the next observation), the continuation, the
    token's embedding and the dynamics and reward heads; the blocks over the whole sequence."""
    d, latent, depth, steps = dims["d_model"], dims["d_latent"], dims["mlp_layers"], dims["context"]
    mlp = {name: mlp_flops(d_in, d, depth, d_out) for name, (d_in, d_out) in _mlps(dims).items()}
    per_step = (
        mlp["encoder"] + mlp["value"] + 2 * mlp["decoder"] + mlp["continuation"]
        + 2 * (latent + dims["num_actions"]) * d + 2 * d * (latent + 1)
    )  # fmt: skip
    return steps * per_step + dims["n_layers"] * encoder_block_flops(steps, d, dims["d_ff"])
