"""Exact parameters, forward FLOPs and per-component costs of the actor-critic transformer
(model.py), from dims alone; its step embedding and masked blocks serve world_transformer
and fusion_net. Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.archs.policy_mlp.counts import log_std_cost
from metagen.blueprint.cost import (
    Cost,
    elementwise,
    encoder_block_cost,
    layer_norm_cost,
    linear_cost,
    total,
)
from metagen.blueprint.counting import encoder_block_params, layer_norm, linear

# CPU attention turns a bool mask into an additive one: two scalar tensors, then a where
MASK_SCALARS = 2
CAUSAL_MASK_KERNELS = 2  # causal_mask: ones, then tril


def step_embedding_cost(steps: int, d_in: int, d_model: int) -> Cost:
    """nn/step_embedding.py: each step's projection, then the add of its learned position."""
    return linear_cost(steps, d_in, d_model) + elementwise(steps * d_model)


def bool_mask_cost(queries: int, keys: int) -> Cost:
    """What a bool attn_mask (queries, keys) adds to one CPU attention call: the two scalar
    tensors and the where that make it additive."""
    return Cost(0, MASK_SCALARS, MASK_SCALARS) + elementwise(queries * keys)


def masked_encoder_block_cost(tokens: int, d_model: int, d_ff: int, heads: int) -> Cost:
    """An encoder block (nn/encoder.py) given a bool (tokens, tokens) attention mask."""
    return encoder_block_cost(tokens, d_model, d_ff, heads) + bool_mask_cost(tokens, tokens)


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


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One full history of `context` observations: the embedding, the causally masked
    blocks, the norm over every token, the heads on the last; the forward builds the mask."""
    d, tokens, actions = dims["d_model"], dims["context"], dims["num_actions"]
    block = masked_encoder_block_cost(tokens, d, dims["d_ff"], dims["n_heads"])
    out = {
        "embed": step_embedding_cost(tokens, dims["obs_dim"], d),
        "blocks": dims["n_layers"] * block,
        "norm": layer_norm_cost(tokens, d),
        "actor": linear_cost(1, d, actions),
        "critic": linear_cost(1, d, 1),
        "forward": elementwise(tokens * tokens, CAUSAL_MASK_KERNELS),
    }
    if dims["continuous"]:
        out["log_std"] = log_std_cost(actions)
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One full history of `context` observations (costs')."""
    return total(costs(dims, seq_len)).flops
