"""Exact parameters and forward FLOPs of the video diffusion denoiser (model.py), from dims
alone: the video transformer's tubelets and divided space-time blocks (archs/video_transformer),
each block also conditioned on the timestep and, by cross-attention, on the caption encoder of
archs/unet. Pure Python.

FLOPs are one denoiser evaluation (sampling costs that once per sampler step) and follow
FlopCounterMode (blueprint/counting.py).
"""

from __future__ import annotations

from typing import Any

from metagen.archs.unet.counts import caption_encoder_flops, caption_encoder_params
from metagen.archs.video_transformer.counts import (
    block_flops,
    block_params,
    embedding_flops,
    embedding_layers,
    token_grid,
    tubelet_values,
)
from metagen.blueprint.counting import attention_flops, layer_norm, linear

VIDEO_TIMESTEP_FEATURES = 256  # as model.py: sinusoidal features before the embedding MLP


def _block_params(d: dict[str, Any]) -> int:
    """A divided space-time block, the timestep's projection and (conditioned) a LayerNorm and
    cross-attention from the tokens to the caption."""
    dm, cd = d["d_model"], d["caption_d_model"]
    block = block_params(dm, d["d_ff"]) + linear(dm, dm)
    if d["text_conditioning"]:
        block += layer_norm(dm) + 2 * linear(dm, dm) + linear(cd, 2 * dm)
    return block


def _block_flops(d: dict[str, Any]) -> int:
    dm, cd, length = d["d_model"], d["caption_d_model"], d["caption_length"]
    steps, patches = token_grid(d)
    tokens = steps * patches
    block = 2 * dm * dm + block_flops(d)  # the timestep projection, once per clip
    if d["text_conditioning"]:
        block += 2 * 2 * tokens * dm * dm + 2 * length * cd * 2 * dm
        block += attention_flops(tokens, dm, length)
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
    dm = dims["d_model"]
    steps, patches = token_grid(dims)
    total = 2 * VIDEO_TIMESTEP_FEATURES * dm + 2 * dm * dm  # the timestep embedding
    if dims["text_conditioning"]:
        total += caption_encoder_flops(dims, dm)
    total += embedding_flops(dims) + dims["n_layers"] * _block_flops(dims)
    return total + 2 * steps * patches * dm * tubelet_values(dims)  # the head
