"""Exact parameters, forward FLOPs and per-component costs of the transformer world model
(model.py), from dims alone. Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.archs.policy_transformer.counts import step_embedding_cost
from metagen.archs.world_model.counts import action_input_cost, mlp_cost, mlp_params
from metagen.blueprint.cost import (
    Cost,
    elementwise,
    encoder_block_cost,
    layer_norm_cost,
    linear_cost,
    total,
)
from metagen.blueprint.counting import encoder_block_params, layer_norm, linear


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


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One sequence of `context` steps with their actions: per step, the encoder, the value,
    the decoder twice (the reconstruction and the next observation), the continuation, the
    token's embedding and the dynamics and reward heads; the blocks (causal by is_causal, no
    mask) and the norm over the whole sequence. The forward's own ops: the actions' one-hot,
    the (latent, action) concat and the residual step of the latents."""
    d, latent, depth, steps = dims["d_model"], dims["d_latent"], dims["mlp_layers"], dims["context"]
    mlp = {name: mlp_cost(d_in, d, depth, d_out, steps)
           for name, (d_in, d_out) in _mlps(dims).items()}  # fmt: skip
    token = latent + dims["num_actions"]
    joins = elementwise(steps * token) + elementwise(steps * latent)
    return {
        "encoder": mlp["encoder"],
        "embed": step_embedding_cost(steps, token, d),
        "blocks": dims["n_layers"] * encoder_block_cost(steps, d, dims["d_ff"], dims["n_heads"]),
        "norm": layer_norm_cost(steps, d),
        "dynamics": linear_cost(steps, d, latent),
        "reward": linear_cost(steps, d, 1),
        "decoder": 2 * mlp["decoder"],
        "continuation": mlp["continuation"],
        "value": mlp["value"],
        "forward": action_input_cost(dims, steps) + joins,
    }


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One sequence of `context` steps with their actions (costs')."""
    return total(costs(dims, seq_len)).flops
