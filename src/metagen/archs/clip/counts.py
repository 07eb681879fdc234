"""Exact parameters, forward FLOPs and per-component costs of CLIP (archs/clip/model.py),
from dims alone (pure Python): two towers of ViT encoder blocks, their projections and a
learnable temperature.
The image tower patchifies, or (non-empty `vision_stem_channels`, family hybrid) starts with
the conv stem of archs/hybrid_vit/counts.py; the VLM's image tower is counted here too.

Layers are counted per block stack ("image_encoder.blocks"), which keeps the solver's many
counts cheap. One sample is one image and one text of seq_len tokens (default: the text
context).
"""

from __future__ import annotations

from typing import Any

from metagen.archs.encoder_mlm.counts import self_attention_block_cost
from metagen.archs.hybrid_vit.counts import conv_stem_cost, conv_stem_params, token_joins_cost
from metagen.blueprint.cost import Cost, conv_cost, elementwise, layer_norm_cost, linear_cost, total
from metagen.blueprint.counting import (
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


def _tokenizer_cost(dims: dict[str, Any]) -> Cost:
    """The image to patch tokens: the patchify conv (a kernel of p*p taps), or the conv stem."""
    dv, stem, p = dims["vision_d_model"], dims["vision_stem_channels"], dims["patch_size"]
    if stem:
        return conv_stem_cost(dims["image_size"], dims["in_channels"], stem, dv)
    return conv_cost(image_patches(dims), p * p, dims["in_channels"], dv)


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
    return image_tower_cost(dims, class_token).flops


def image_tower_cost(dims: dict[str, Any], class_token: bool) -> Cost:
    """nn/vision_tower.py's VisionTower on one image: the tokens (the class token's cat when
    there is one, the position add), the pre-norm, the blocks and the final norm, every
    token through all of them."""
    dv, patches = dims["vision_d_model"], image_patches(dims)
    tokens = patches + int(class_token)
    embedding = _tokenizer_cost(dims) + token_joins_cost(dv, patches, tokens)
    block = self_attention_block_cost(
        tokens,
        dv,
        dims["vision_d_ff"],
        dims["vision_n_heads"],
        activation=dims.get("activation", "gelu"),
    )
    norms = 2 * layer_norm_cost(tokens, dv)
    return embedding + norms + dims["vision_n_layers"] * block


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
    return total(costs(dims, seq_len)).flops


def text_tower_cost(dims: dict[str, Any], tokens: int) -> Cost:
    """ClipTextTower on one caption of `tokens` tokens: the positions' arange, two lookups and
    their add; the causal blocks (LayerNorm, GELU MLP and biases: the ops of an encoder
    block); the final norm; then the eot token's feature (compare, fill, any, int cast,
    argmax, where, arange, the row's gather)."""
    dt = dims["text_d_model"]
    embeddings = elementwise(tokens) + elementwise(tokens * dt, 3)
    block = self_attention_block_cost(
        tokens,
        dt,
        dims["text_d_ff"],
        dims["text_n_heads"],
        activation=dims.get("activation", "gelu"),
    )
    blocks = dims["text_n_layers"] * block
    eot = elementwise(tokens, 2) + elementwise(1, 5) + elementwise(dt)
    return embeddings + blocks + layer_norm_cost(tokens, dt) + eot


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One image against one caption of seq_len tokens (default: the text context). Each
    tower projects one feature (the class token's, the caption's eot token's; a bias-free mm
    on one row); the forward normalizes both (norm, clamp, divide), scales the image's by the
    temperature and takes their product."""
    t = dims["context_length"] if seq_len is None else seq_len
    dt, dv, e = dims["text_d_model"], dims["vision_d_model"], dims["embed_dim"]
    normalize = elementwise(1, 2) + elementwise(e)
    similarity = elementwise(e) + linear_cost(1, e, 1)
    return {
        "image_encoder": image_tower_cost(dims, class_token=True),
        "image_projection": linear_cost(1, dv, e),
        "text_encoder": text_tower_cost(dims, t),
        "text_projection": linear_cost(1, dt, e),
        "logit_scale": elementwise(1, 2),  # clamp, exp
        "forward": 2 * normalize + similarity,
    }
