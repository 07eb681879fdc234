"""Exact parameters and forward FLOPs of the VLM (archs/vlm/model.py), from dims alone (pure
Python): the image tower (counted in archs/clip/counts.py, without a class token), the MLP
connector, optional cross-attention layers, the decoder LM (archs/decoder_lm/counts.py) and,
under late fusion, the fusion layer. One sample is one image and one text of seq_len tokens
(default: the text context).
"""

from __future__ import annotations

import math
from typing import Any

from metagen.archs.clip.counts import image_patches, image_tower_flops, image_tower_layers
from metagen.archs.decoder_lm import counts as decoder_lm
from metagen.blueprint.counting import (
    NORM_PARAMS_PER_CHANNEL,
    attention_flops,
    attention_params,
    linear,
    pick,
)

# Whether the LM's positions (and KV cache) hold the image tokens, per fusion.
VLM_FUSION_IMAGE_POSITIONS = {"early": True, "cross_attention": False, "late": False}


def _image_positions(dims: dict[str, Any]) -> int:
    return image_patches(dims) if pick(VLM_FUSION_IMAGE_POSITIONS, dims, "fusion") else 0


def vlm_kv_cache_positions(dims: dict[str, Any], context_length: int) -> int:
    """Positions the VLM's KV cache holds for a text context (image tokens too, when early)."""
    return context_length + _image_positions(dims)


def _lm_dims(dims: dict[str, Any]) -> dict[str, Any]:
    """The dims for decoder_lm's counts: its positions cover the image tokens under early
    fusion."""
    return {**dims, "context_length": vlm_kv_cache_positions(dims, dims["context_length"])}


def _cross_layers(dims: dict[str, Any]) -> int:
    if dims["fusion"] != "cross_attention":
        return 0
    return math.ceil(dims["n_layers"] / dims["cross_attention_every"])


def layers(dims: dict[str, Any]) -> dict[str, int]:
    dm, bias = dims["d_model"], dims["bias"]
    found = image_tower_layers(dims, "vision_encoder", class_token=False)
    found["connector"] = linear(dims["vision_d_model"], dm) + linear(dm, dm)
    norm = pick(NORM_PARAMS_PER_CHANNEL, dims, "norm") * dm
    if _cross_layers(dims):
        # queries from the text, keys and values from the image tokens, all d_model wide:
        # an attention's four projections
        found["cross_attention"] = _cross_layers(dims) * (norm + attention_params(dm, bias))
    one_block = {**_lm_dims(dims), "n_layers": 1}  # the LM's blocks are all alike
    for name, n in decoder_lm.layers(one_block).items():
        if name == "blocks.0":
            name, n = "blocks", dims["n_layers"] * n
        found[f"language_model.{name}"] = n
    if (
        dims["fusion"] == "late"
    ):  # the image feature's norm, then concat -> Linear -> GELU -> Linear
        found["late_fusion"] = norm + linear(2 * dm, dm, bias) + linear(dm, dm, bias)
    return found


def _cross_attention_flops(tokens: int, context: int, dm: int) -> int:
    """`tokens` text queries over `context` image tokens, all d_model wide."""
    queries_out = 2 * 2 * tokens * dm * dm
    keys_values = 2 * context * dm * 2 * dm
    return queries_out + keys_values + attention_flops(tokens, dm, context)


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    t = dims["context_length"] if seq_len is None else seq_len
    n, dm, dv = image_patches(dims), dims["d_model"], dims["vision_d_model"]
    late = dims["fusion"] == "late"
    connected = 1 if late else n  # late fusion connects one mean-pooled feature
    image = image_tower_flops(dims, class_token=False)
    image += 2 * connected * dv * dm + 2 * connected * dm * dm  # the connector
    positions = vlm_kv_cache_positions(dims, t)
    lm = decoder_lm.flops(_lm_dims(dims), positions)
    lm -= 2 * (positions - t) * dm * dims["vocab_size"]  # the head reads the text only
    cross = _cross_layers(dims) * _cross_attention_flops(t, n, dm)
    fusion = 2 * t * 2 * dm * dm + 2 * t * dm * dm if late else 0
    return image + lm + cross + fusion
