"""Exact parameters and forward FLOPs of CLIP (archs/clip/model.py), from dims alone (pure
Python): two towers of ViT encoder blocks, their projections and a learnable temperature.
The image tower patchifies, or (non-empty `vision_stem_channels`, family hybrid) starts with
the conv stem of archs/hybrid_vit/counts.py; the VLM's image tower is counted here too.

Layers are counted per block stack ("image_encoder.blocks"), which keeps the solver's many
counts cheap. One sample is one image and one text of seq_len tokens (default: the text
context).
"""

from __future__ import annotations

from typing import Any

from metagen.archs.hybrid_vit.counts import conv_stem_flops, conv_stem_params
from metagen.blueprint.counting import (
    encoder_block_flops,
    encoder_block_params,
    layer_norm,
    linear,
)


def image_patches(dims: dict[str, Any]) -> int:
    return (dims["image_size"] // dims["patch_size"]) ** 2


def _tokenizer_params(dims: dict[str, Any]) -> int:
    """The image to tokens: CLIP's bias-free patchify conv, or the conv stem."""
    dv, stem, p = dims["vision_d_model"], dims["vision_stem_channels"], dims["patch_size"]
    if stem:
        return conv_stem_params(dims["in_channels"], stem, dv)
    return linear(dims["in_channels"] * p * p, dv, bias=False)  # a conv, stride = size


def _tokenizer_flops(dims: dict[str, Any]) -> int:
    dv, stem, p = dims["vision_d_model"], dims["vision_stem_channels"], dims["patch_size"]
    if stem:
        return conv_stem_flops(dims["image_size"], dims["in_channels"], stem, dv)
    return 2 * image_patches(dims) * dims["in_channels"] * p * p * dv


def image_tower_layers(dims: dict[str, Any], prefix: str, class_token: bool) -> dict[str, int]:
    """The image tower under `prefix`: the tokens (with a class token and the position
    table), a pre-norm, the blocks and a final norm."""
    dv, tokens = dims["vision_d_model"], image_patches(dims) + int(class_token)
    embedding = _tokenizer_params(dims) + int(class_token) * dv + tokens * dv
    blocks = dims["vision_n_layers"] * encoder_block_params(dv, dims["vision_d_ff"])
    return {
        f"{prefix}.patch_embedding": embedding,
        f"{prefix}.pre_norm": layer_norm(dv),
        f"{prefix}.blocks": blocks,
        f"{prefix}.final_norm": layer_norm(dv),
    }


def image_tower_flops(dims: dict[str, Any], class_token: bool) -> int:
    tokens = image_patches(dims) + int(class_token)
    block = encoder_block_flops(tokens, dims["vision_d_model"], dims["vision_d_ff"])
    return _tokenizer_flops(dims) + dims["vision_n_layers"] * block


def layers(dims: dict[str, Any]) -> dict[str, int]:
    dt, e = dims["text_d_model"], dims["embed_dim"]
    found = image_tower_layers(dims, "image_encoder", class_token=True)
    found["image_projection"] = linear(dims["vision_d_model"], e, bias=False)
    found["text_encoder.token_embedding"] = dims["vocab_size"] * dt
    found["text_encoder.position_embedding"] = dims["context_length"] * dt
    blocks = dims["text_n_layers"] * encoder_block_params(dt, dims["text_d_ff"])
    found["text_encoder.blocks"] = blocks
    found["text_encoder.final_norm"] = layer_norm(dt)
    found["text_projection"] = linear(dt, e, bias=False)
    found["logit_scale"] = 1
    return found


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    t = dims["context_length"] if seq_len is None else seq_len
    dt, e = dims["text_d_model"], dims["embed_dim"]
    # each tower projects one feature: the class token's, the caption's eot token's
    image = image_tower_flops(dims, class_token=True) + 2 * dims["vision_d_model"] * e
    text = dims["text_n_layers"] * encoder_block_flops(t, dt, dims["text_d_ff"]) + 2 * dt * e
    return image + text + 2 * e  # one image against one caption
