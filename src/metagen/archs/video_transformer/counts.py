"""Exact parameters and forward FLOPs of the video transformer (model.py: divided space-time
attention, TimeSformer), from dims alone; its tubelet embedding and blocks serve the video
diffusion denoiser. Pure Python.

FLOPs follow FlopCounterMode (blueprint/counting.py): 2*m*n*k per matmul (the tubelet conv
is one, its stride its size), 4 * T_q * T_k * d per attention call.
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import (
    attention_flops,
    attention_params,
    gelu_mlp_params,
    layer_norm,
    linear,
)


def token_grid(d: dict[str, Any]) -> tuple[int, int]:
    """(time steps, patches per frame) of the token grid."""
    height, width = d["resolution"]
    p = d["patch_size"]
    return d["num_frames"] // d["tubelet_size"], (height // p) * (width // p)


def tubelet_values(d: dict[str, Any]) -> int:
    """The values of one tubelet: channels x frames x patch height x patch width."""
    return d["in_channels"] * d["tubelet_size"] * d["patch_size"] ** 2


def embedding_layers(d: dict[str, Any]) -> dict[str, int]:
    """patch_embedding (the tubelet conv and the spatial position table), temporal_embedding."""
    dm = d["d_model"]
    steps, patches = token_grid(d)
    patchify = linear(tubelet_values(d), dm)
    return {"patch_embedding": patchify + patches * dm, "temporal_embedding": steps * dm}


def embedding_flops(d: dict[str, Any]) -> int:
    steps, patches = token_grid(d)
    return 2 * steps * patches * tubelet_values(d) * d["d_model"]


def block_params(d_model: int, d_ff: int) -> int:
    """Temporal attention, spatial attention, a GELU MLP and three LayerNorms, with biases."""
    return 2 * attention_params(d_model) + gelu_mlp_params(d_model, d_ff) + 3 * layer_norm(d_model)


def block_flops(d: dict[str, Any]) -> int:
    dm = d["d_model"]
    steps, patches = token_grid(d)
    tokens = steps * patches
    projections = 2 * (2 * tokens * dm * 3 * dm + 2 * tokens * dm * dm)  # both attentions
    temporal = patches * attention_flops(steps, dm)  # one sequence of `steps` per patch
    spatial = steps * attention_flops(patches, dm)  # one sequence of `patches` per time step
    mlp = 2 * 2 * tokens * dm * d["d_ff"]
    return projections + temporal + spatial + mlp


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """patch_embedding, temporal_embedding, blocks.i, final_norm, head."""
    dm = dims["d_model"]
    out = embedding_layers(dims)
    block = block_params(dm, dims["d_ff"])
    out.update({f"blocks.{i}": block for i in range(dims["n_layers"])})
    out["final_norm"] = layer_norm(dm)
    out["head"] = linear(dm, dims["num_classes"])
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One clip, the head on the pooled token."""
    blocks = dims["n_layers"] * block_flops(dims)
    return embedding_flops(dims) + blocks + 2 * dims["d_model"] * dims["num_classes"]
