"""Exact parameters, forward FLOPs and costs of the video transformer (model.py: divided
space-time attention, TimeSformer), from dims alone; its tubelet embedding and blocks serve
the video diffusion denoiser. Pure Python.

FLOPs follow FlopCounterMode (blueprint/counting.py): 2*m*n*k per matmul (the tubelet conv
is one, its stride its size), 4 * T_q * T_k * d per attention call. Costs (kernels,
activations) follow the ops the batch-1 forward dispatches (blueprint/cost.py).
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.cost import (
    Cost,
    attention_cost,
    conv_cost,
    elementwise,
    linear_cost,
    total,
)
from metagen.blueprint.counting import (
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


def embedding_costs(d: dict[str, Any]) -> dict[str, Cost]:
    """patch_embedding (the tubelet conv, its stride its size, and the spatial position add)
    and temporal_embedding (the temporal position add)."""
    steps, patches = token_grid(d)
    tokens, dm = steps * patches, d["d_model"]
    patchify = conv_cost(tokens, tubelet_values(d) // d["in_channels"], d["in_channels"], dm)
    return {
        "patch_embedding": patchify + elementwise(tokens * dm),
        "temporal_embedding": elementwise(tokens * dm),
    }


def block_params(d_model: int, d_ff: int) -> int:
    """Temporal attention, spatial attention, a GELU MLP and three LayerNorms, with biases."""
    return 2 * attention_params(d_model) + gelu_mlp_params(d_model, d_ff) + 3 * layer_norm(d_model)


def batched_attention_cost(sequences: int, length: int, d_model: int, heads: int) -> Cost:
    """One scaled_dot_product_attention call over a batch of `sequences` sequences of `length`
    tokens each."""
    one = attention_cost(length, d_model, heads)
    return Cost(sequences * one.flops, 1, sequences * one.activations)


def temporal_qkv_cost(steps: int, patches: int, d_model: int) -> Cost:
    """The temporal attention's qkv Linear. Its input, the (T', N) tokens read patch-major, is
    a strided view in a batch of one (when both T' and N exceed 1): the Linear copies it
    contiguous (a clone and a view), runs an mm, then the view and the bias add."""
    tokens = steps * patches
    qkv = linear_cost(tokens, d_model, 3 * d_model)
    if steps == 1 or patches == 1:
        return qkv
    return qkv + elementwise(tokens * d_model, 2) + elementwise(tokens * 3 * d_model, 2)


def block_cost(d: dict[str, Any]) -> Cost:
    """DividedSpaceTimeBlock over the token grid: three LayerNorms and residual adds, the
    temporal attention (one sequence of T' steps per patch), the spatial attention (one of N
    patches per time step) and the GELU MLP."""
    dm, ff, heads = d["d_model"], d["d_ff"], d["n_heads"]
    steps, patches = token_grid(d)
    tokens = steps * patches
    temporal = temporal_qkv_cost(steps, patches, dm)
    temporal += batched_attention_cost(patches, steps, dm, heads)
    spatial = linear_cost(tokens, dm, 3 * dm) + batched_attention_cost(steps, patches, dm, heads)
    out_projections = 2 * linear_cost(tokens, dm, dm)
    mlp = linear_cost(tokens, dm, ff) + elementwise(tokens * ff) + linear_cost(tokens, ff, dm)
    norms_and_adds = elementwise(tokens * dm, 6)
    return temporal + spatial + out_projections + mlp + norms_and_adds


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
    return total(costs(dims, seq_len)).flops


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One clip: the embeddings, the blocks, the final norm, the forward's mean over space and
    time and the head on the pooled token."""
    dm = dims["d_model"]
    steps, patches = token_grid(dims)
    return {
        **embedding_costs(dims),
        "blocks": dims["n_layers"] * block_cost(dims),
        "final_norm": elementwise(steps * patches * dm),
        "forward": elementwise(dm),  # the mean pool
        "head": linear_cost(1, dm, dims["num_classes"]),
    }
