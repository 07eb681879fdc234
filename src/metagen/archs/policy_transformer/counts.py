"""Exact parameters and forward FLOPs of the actor-critic transformer (model.py), from dims
alone. Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import (
    encoder_block_flops,
    encoder_block_params,
    layer_norm,
    linear,
)


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """embed (with the learned positions), blocks, norm, actor, critic, log_std if continuous."""
    d, actions = dims["d_model"], dims["num_actions"]
    out = {
        "embed": linear(dims["obs_dim"], d) + dims["context"] * d,
        "blocks": dims["n_layers"] * encoder_block_params(d, dims["d_ff"]),
        "norm": layer_norm(d),
        "actor": linear(d, actions),
        "critic": linear(d, 1),
    }
    if dims["continuous"]:
        out["log_std"] = actions
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One full history of `context` observations: the embedding, the blocks and the heads."""
    d, tokens = dims["d_model"], dims["context"]
    embed = 2 * tokens * dims["obs_dim"] * d
    blocks = dims["n_layers"] * encoder_block_flops(tokens, d, dims["d_ff"])
    return embed + blocks + 2 * d * (dims["num_actions"] + 1)
