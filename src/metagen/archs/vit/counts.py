"""Exact parameters and forward FLOPs of the ViT classifier (model.py), from dims alone; its
pieces (the tokens, the position tables, the classifier after the embedding) serve
hybrid_vit and the other image towers. Pure Python.

A block is blueprint/counting.py's encoder block (pre-norm, biases everywhere); FLOPs follow
FlopCounterMode: the patchify conv, the blocks' matmuls and attention, the head on one token.
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.cost import (
    Cost,
    elementwise,
    encoder_block_cost,
    layer_norm_cost,
    linear_cost,
)
from metagen.blueprint.counting import (
    encoder_block_flops,
    encoder_block_params,
    layer_norm,
    linear,
    pick,
)

EXTRA_TOKENS = {"cls": 1, "mean": 0}  # pooling by a class token adds one


def patch_tokens(d: dict[str, Any]) -> tuple[int, int]:
    """(patches, tokens): tokens add the cls token when pooling by it."""
    patches = (d["image_size"] // d["patch_size"]) ** 2
    return patches, patches + pick(EXTRA_TOKENS, d, "pool")


def token_tables(d_model: int, patches: int, tokens: int) -> int:
    """The class token (when there is one) and the position table over all tokens."""
    return (tokens - patches) * d_model + tokens * d_model


def classifier_layers(d: dict[str, Any], embedding: str, embedding_params: int) -> dict[str, int]:
    """The token embedding (named `embedding`), then blocks.i, final_norm and a linear head."""
    dm = d["d_model"]
    block = encoder_block_params(dm, d["d_ff"])
    out = {embedding: embedding_params}
    out.update({f"blocks.{i}": block for i in range(d["n_layers"])})
    out["final_norm"] = layer_norm(dm)
    out["head"] = linear(dm, d["num_classes"])
    return out


def classifier_flops(d: dict[str, Any], tokens: int) -> int:
    """The blocks over `tokens` tokens and the head on the pooled one."""
    dm = d["d_model"]
    blocks = d["n_layers"] * encoder_block_flops(tokens, dm, d["d_ff"])
    return blocks + 2 * dm * d["num_classes"]


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """patch_embedding (the conv, cls token and position table), blocks.i, final_norm, head."""
    dm = dims["d_model"]
    patches, tokens = patch_tokens(dims)
    patchify = linear(dims["in_channels"] * dims["patch_size"] ** 2, dm)  # a conv, stride = size
    return classifier_layers(dims, "patch_embedding", patchify + token_tables(dm, patches, tokens))


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One image."""
    patches, tokens = patch_tokens(dims)
    patchify = 2 * patches * dims["in_channels"] * dims["patch_size"] ** 2 * dims["d_model"]
    return patchify + classifier_flops(dims, tokens)


def classifier_costs(d: dict[str, Any], tokens: int) -> dict[str, Cost]:
    """blocks, final_norm and the head on the pooled token; the forward's mean pool is one
    kernel (a cls token is a view)."""
    dm = d["d_model"]
    pool = {"forward": elementwise(dm)} if d["pool"] == "mean" else {}
    return {
        "blocks": d["n_layers"] * encoder_block_cost(tokens, dm, d["d_ff"], d["n_heads"]),
        "final_norm": layer_norm_cost(tokens, dm),
        "head": linear_cost(1, dm, d["num_classes"]),
        **pool,
    }


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One image: the patchify conv, the cls token's concat and the position add."""
    dm = dims["d_model"]
    patches, tokens = patch_tokens(dims)
    patchify = Cost(
        2 * patches * dims["in_channels"] * dims["patch_size"] ** 2 * dm, 1, patches * dm
    )
    joins = elementwise(tokens * dm, 2 if tokens > patches else 1)
    return {"patch_embedding": patchify + joins, **classifier_costs(dims, tokens)}
