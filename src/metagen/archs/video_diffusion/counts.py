"""Exact parameters, forward FLOPs and costs of the video diffusion denoiser (model.py), from
dims alone: the video transformer's tubelets and divided space-time blocks
(archs/video_transformer), each block also conditioned on the timestep and, by
cross-attention, on the caption encoder of archs/unet. Pure Python.

FLOPs are one denoiser evaluation (sampling costs that once per sampler step) and follow
FlopCounterMode (blueprint/counting.py). Costs (kernels, activations) follow the ops the
batch-1 forward dispatches (blueprint/cost.py).
"""

from __future__ import annotations

from typing import Any

from metagen.archs.unet.counts import (
    caption_encoder_cost,
    caption_encoder_params,
    timestep_embedding_cost,
)
from metagen.archs.video_transformer.counts import (
    block_cost,
    block_params,
    embedding_costs,
    embedding_layers,
    token_grid,
    tubelet_values,
)
from metagen.blueprint.cost import (
    Cost,
    attention_cost,
    elementwise,
    linear_cost,
    total,
)
from metagen.blueprint.counting import layer_norm, linear

VIDEO_TIMESTEP_FEATURES = 256  # as model.py: sinusoidal features before the embedding MLP


def _block_params(d: dict[str, Any]) -> int:
    """A divided space-time block, the timestep's projection and (conditioned) a LayerNorm and
    cross-attention from the tokens to the caption."""
    dm, cd = d["d_model"], d["caption_d_model"]
    block = block_params(dm, d["d_ff"]) + linear(dm, dm)
    if d["text_conditioning"]:
        block += layer_norm(dm) + 2 * linear(dm, dm) + linear(cd, 2 * dm)
    return block


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """time_embedding, caption_encoder (conditioned only), patch_embedding,
    temporal_embedding, blocks.i, final_norm, head (back to each tubelet's values)."""
    dm = dims["d_model"]
    out = {"time_embedding": linear(VIDEO_TIMESTEP_FEATURES, dm) + linear(dm, dm)}
    if dims["text_conditioning"]:
        out["caption_encoder"] = caption_encoder_params(dims, dm)
    out.update(embedding_layers(dims))
    block = _block_params(dims)
    out.update({f"blocks.{i}": block for i in range(dims["n_layers"])})
    out["final_norm"] = layer_norm(dm)
    out["head"] = linear(dm, tubelet_values(dims))
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One denoiser evaluation of one clip."""
    return total(costs(dims, seq_len)).flops


def _block_cost(d: dict[str, Any]) -> Cost:
    """DenoiserBlock: the timestep's SiLU, projection (once per clip) and add to every token,
    the divided space-time block, and (conditioned) the cross-attention to the caption: its
    LayerNorm, the query, the caption's keys and values, attention, the output and the add."""
    dm, heads = d["d_model"], d["n_heads"]
    steps, patches = token_grid(d)
    tokens = steps * patches
    timestep = elementwise(dm) + linear_cost(1, dm, dm) + elementwise(tokens * dm)
    block = timestep + block_cost(d)
    if d["text_conditioning"]:
        length = d["caption_length"]
        query = elementwise(tokens * dm) + linear_cost(tokens, dm, dm)
        keys_values = linear_cost(length, d["caption_d_model"], 2 * dm)
        attend = attention_cost(tokens, dm, heads, length) + linear_cost(tokens, dm, dm)
        block += query + keys_values + attend + elementwise(tokens * dm)
    return block


def unpatchify_is_view(d: dict[str, Any]) -> bool:
    """Whether forward_head's reshape of the head's (T', H/p, W/p, C, t, p, p) values into a
    clip (C, T' * t, H, W) stays a view: each merged pair of axes must be adjacent in memory
    once permuted (or one of them single), else the reshape copies."""
    steps, _ = token_grid(d)
    height, width = d["resolution"]
    p, t, c = d["patch_size"], d["tubelet_size"], d["in_channels"]
    rows, cols = height // p, width // p
    # (outer size, inner size, the stride gap between them: 1 when adjacent)
    merges = [(steps, t, rows * cols * c), (rows, p, cols * c * t), (cols, p, c * t * p)]
    return all(outer == 1 or inner == 1 or gap == 1 for outer, inner, gap in merges)


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One denoiser evaluation of one clip. The forward adds the caption's pooled vector to
    the timestep embedding (conditioned) and unpatchifies the head's output into a clip (a
    copy and its view, unless the reshape is a view)."""
    dm = dims["d_model"]
    steps, patches = token_grid(dims)
    tokens = steps * patches
    out = {"time_embedding": timestep_embedding_cost(VIDEO_TIMESTEP_FEATURES, dm)}
    forward = Cost()
    if dims["text_conditioning"]:
        out["caption_encoder"] = caption_encoder_cost(dims, dm)
        forward += elementwise(dm)
    if not unpatchify_is_view(dims):
        forward += elementwise(tokens * tubelet_values(dims), 2)
    return {
        **out,
        **embedding_costs(dims),
        "blocks": dims["n_layers"] * _block_cost(dims),
        "final_norm": elementwise(tokens * dm),
        "head": linear_cost(tokens, dm, tubelet_values(dims)),
        "forward": forward,
    }
