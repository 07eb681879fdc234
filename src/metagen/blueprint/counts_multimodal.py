"""Exact parameters and forward FLOPs of the multi-modal models, from dims alone (pure Python).

clip: two towers and a learnable temperature (archs/clip/model.py). vlm: image tower, MLP
connector, optional cross-attention layers, a decoder LM and, under late fusion, the fusion
layer (archs/vlm/model.py). Either image tower patchifies, or (non-empty
`vision_stem_channels`, family hybrid) starts with the conv stem of `counts_vit.py`. Layers
are counted per block stack ("image_encoder.blocks"), which keeps the solver's many counts
cheap. One sample is one image and one text of seq_len tokens (default: the text context).
"""

from __future__ import annotations

import math

from metagen.blueprint.counting import (
    NORM_PARAMS_PER_CHANNEL,
    Dims,
    encoder_block_flops,
    encoder_block_params,
    layer_norm,
    linear,
    pick,
)
from metagen.blueprint.counts_decoder_lm import decoder_lm_flops, decoder_lm_layers
from metagen.blueprint.counts_pieces import (
    conv,
    conv_flops,
    cross_attention_flops,
    cross_attention_params,
    linear_flops,
)
from metagen.blueprint.counts_source import required_dims
from metagen.blueprint.counts_vit import conv_stem_flops, conv_stem_params

# Whether the LM's positions (and KV cache) hold the image tokens, per fusion.
VLM_FUSION_IMAGE_POSITIONS = {"early": True, "cross_attention": False, "late": False}


def _patches(d: Dims) -> int:
    return (d["image_size"] // d["patch_size"]) ** 2


def _tokenizer_params(d: Dims) -> int:
    """The image to tokens: CLIP's bias-free patchify conv, or the conv stem."""
    dv, stem = d["vision_d_model"], d["vision_stem_channels"]
    if stem:
        return conv_stem_params(d["in_channels"], stem, dv)
    return conv(d["in_channels"], dv, d["patch_size"], bias=False)


def _tokenizer_flops(d: Dims) -> int:
    dv, stem = d["vision_d_model"], d["vision_stem_channels"]
    if stem:
        return conv_stem_flops(d["image_size"], d["in_channels"], stem, dv)
    return conv_flops(_patches(d), d["in_channels"], dv, d["patch_size"])


def _vision_layers(d: Dims, prefix: str, class_token: bool) -> dict[str, int]:
    dv, tokens = d["vision_d_model"], _patches(d) + int(class_token)
    return {
        f"{prefix}.patch_embedding": _tokenizer_params(d) + int(class_token) * dv + tokens * dv,
        f"{prefix}.pre_norm": layer_norm(dv),
        f"{prefix}.blocks": d["vision_n_layers"] * encoder_block_params(dv, d["vision_d_ff"]),
        f"{prefix}.final_norm": layer_norm(dv),
    }


def _vision_flops(d: Dims, class_token: bool) -> int:
    tokens = _patches(d) + int(class_token)
    block = encoder_block_flops(tokens, d["vision_d_model"], d["vision_d_ff"])
    return _tokenizer_flops(d) + d["vision_n_layers"] * block


# --- clip ------------------------------------------------------------------------------------


def clip_layers(d: Dims) -> dict[str, int]:
    dt, e = d["text_d_model"], d["embed_dim"]
    layers = _vision_layers(d, "image_encoder", class_token=True)
    layers["image_projection"] = linear(d["vision_d_model"], e, bias=False)
    layers["text_encoder.token_embedding"] = d["vocab_size"] * dt
    layers["text_encoder.position_embedding"] = d["context_length"] * dt
    layers["text_encoder.blocks"] = d["text_n_layers"] * encoder_block_params(dt, d["text_d_ff"])
    layers["text_encoder.final_norm"] = layer_norm(dt)
    layers["text_projection"] = linear(dt, e, bias=False)
    layers["logit_scale"] = 1
    return layers


def clip_flops(d: Dims, seq_len: int | None) -> int:
    t = d["context_length"] if seq_len is None else seq_len
    dt, e = d["text_d_model"], d["embed_dim"]
    # each tower projects one feature: the class token's, the caption's eot token's
    image = _vision_flops(d, class_token=True) + linear_flops(1, d["vision_d_model"], e)
    text = d["text_n_layers"] * encoder_block_flops(t, dt, d["text_d_ff"])
    text += linear_flops(1, dt, e)
    return image + text + 2 * e  # one image against one caption


# --- vlm -------------------------------------------------------------------------------------


def _vlm_image_positions(d: Dims) -> int:
    return _patches(d) if pick(VLM_FUSION_IMAGE_POSITIONS, d, "fusion") else 0


def vlm_lm_dims(d: Dims) -> Dims:
    """The decoder_lm dims of the VLM's language model (its positions cover the image tokens
    under early fusion)."""
    lm = {key: d[key] for key in required_dims("decoder_lm")}
    lm["context_length"] = d["context_length"] + _vlm_image_positions(d)
    return lm


def _vlm_cross_layers(d: Dims) -> int:
    if d["fusion"] != "cross_attention":
        return 0
    return math.ceil(d["n_layers"] / d["cross_attention_every"])


def vlm_layers(d: Dims) -> dict[str, int]:
    dm, bias = d["d_model"], d["bias"]
    layers = _vision_layers(d, "vision_encoder", class_token=False)
    layers["connector"] = linear(d["vision_d_model"], dm) + linear(dm, dm)
    norm = pick(NORM_PARAMS_PER_CHANNEL, d, "norm") * dm
    if _vlm_cross_layers(d):
        cross = norm + cross_attention_params(dm, dm, bias)
        layers["cross_attention"] = _vlm_cross_layers(d) * cross
    one_block = {**vlm_lm_dims(d), "n_layers": 1}  # the LM's blocks are all alike
    for name, n in decoder_lm_layers(one_block).items():
        if name == "blocks.0":
            name, n = "blocks", d["n_layers"] * n
        layers[f"language_model.{name}"] = n
    if d["fusion"] == "late":  # the image feature's norm, then concat -> Linear -> GELU -> Linear
        layers["late_fusion"] = norm + linear(2 * dm, dm, bias) + linear(dm, dm, bias)
    return layers


def vlm_flops(d: Dims, seq_len: int | None) -> int:
    t = d["context_length"] if seq_len is None else seq_len
    n, dm, dv = _patches(d), d["d_model"], d["vision_d_model"]
    late = d["fusion"] == "late"
    connected = 1 if late else n  # late fusion connects one mean-pooled feature
    image = _vision_flops(d, class_token=False)
    image += linear_flops(connected, dv, dm) + linear_flops(connected, dm, dm)  # the connector
    positions = t + _vlm_image_positions(d)
    lm = decoder_lm_flops(vlm_lm_dims(d), positions)
    lm -= linear_flops(positions - t, dm, d["vocab_size"])  # the head reads the text only
    cross = cross_attention_flops(t, n, dm, dm)  # from the text to the image tokens
    fusion = linear_flops(t, 2 * dm, dm) + linear_flops(t, dm, dm) if late else 0
    return image + lm + _vlm_cross_layers(d) * cross + fusion


def vlm_kv_cache_positions(d: Dims, context_length: int) -> int:
    """Positions the VLM's KV cache holds for a text context (image tokens too, when early)."""
    return context_length + _vlm_image_positions(d)
