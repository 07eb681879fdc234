"""Exact parameters and forward FLOPs of the multi-modal models, from dims alone (pure Python).

clip: two towers and a learnable temperature (archs/clip/model.py). vlm: image tower, MLP connector,
optional cross-attention layers, a decoder LM and, under late fusion, the fusion layer
(archs/vlm/model.py). Either image tower patchifies, or (non-empty `vision_stem_channels`, family
hybrid) starts with the conv stem that `counts_unet.py` counts. Layers are counted per block
stack ("image_encoder.blocks"), which keeps the solver's many counts cheap. FLOPs follow `counts.py`
(FlopCounterMode's conventions): 2*m*n*k per matmul, 2 * output pixels * kernel area * c_in
* c_out per conv, 4 * T_q * T_k * d per attention call. One sample is one image and one text
of seq_len tokens (default: the text context).
"""

from __future__ import annotations

import math
from typing import Any

from metagen.blueprint.counts_unet import conv_stem_flops, conv_stem_params

Dims = dict[str, Any]

CLIP_REQUIRED = (
    "image_size",
    "patch_size",
    "in_channels",
    "vision_d_model",
    "vision_n_layers",
    "vision_d_ff",
    "vision_stem_channels",
    "vocab_size",
    "context_length",
    "text_d_model",
    "text_n_layers",
    "text_d_ff",
    "embed_dim",
)
_VLM_LM_KEYS = (
    "vocab_size",
    "d_model",
    "n_layers",
    "n_heads",
    "n_kv_heads",
    "d_ff",
    "norm",
    "mlp",
    "position",
    "bias",
    "tie_embeddings",
)
VLM_REQUIRED = (
    "image_size",
    "patch_size",
    "in_channels",
    "vision_d_model",
    "vision_n_layers",
    "vision_d_ff",
    "vision_stem_channels",
    "context_length",
    *_VLM_LM_KEYS,
    "fusion",
    "cross_attention_every",
)
# Whether the LM's positions (and KV cache) hold the image tokens, per fusion.
VLM_FUSION_IMAGE_POSITIONS = {"early": True, "cross_attention": False, "late": False}


def _linear(d_in: int, d_out: int, bias: bool = True) -> int:
    return d_in * d_out + (d_out if bias else 0)


def _tower_block(d: int, ff: int) -> int:
    """A pre-norm transformer block with biases: qkv, out, MLP in/out, two LayerNorms."""
    return _linear(d, 3 * d) + _linear(d, d) + _linear(d, ff) + _linear(ff, d) + 4 * d


def _tower_block_flops(t: int, d: int, ff: int) -> int:
    return 2 * t * d * 3 * d + 2 * t * d * d + 4 * t * t * d + 2 * 2 * t * d * ff


def _patches(d: Dims) -> int:
    return (d["image_size"] // d["patch_size"]) ** 2


def _tokenizer_params(d: Dims) -> int:
    """The image to tokens: CLIP's bias-free patchify conv, or the conv stem."""
    dv, stem = d["vision_d_model"], d["vision_stem_channels"]
    if stem:
        return conv_stem_params(d["in_channels"], stem, dv)
    return d["in_channels"] * d["patch_size"] ** 2 * dv


def _tokenizer_flops(d: Dims) -> int:
    dv, stem = d["vision_d_model"], d["vision_stem_channels"]
    if stem:
        return conv_stem_flops(d["image_size"], d["in_channels"], stem, dv)
    return 2 * _patches(d) * d["in_channels"] * d["patch_size"] ** 2 * dv


def _vision_layers(d: Dims, prefix: str, class_token: bool) -> dict[str, int]:
    dv, tokens = d["vision_d_model"], _patches(d) + int(class_token)
    return {
        f"{prefix}.patch_embedding": _tokenizer_params(d) + int(class_token) * dv + tokens * dv,
        f"{prefix}.pre_norm": 2 * dv,
        f"{prefix}.blocks": d["vision_n_layers"] * _tower_block(dv, d["vision_d_ff"]),
        f"{prefix}.final_norm": 2 * dv,
    }


def _vision_flops(d: Dims, class_token: bool) -> int:
    block = _tower_block_flops(
        _patches(d) + int(class_token), d["vision_d_model"], d["vision_d_ff"]
    )
    return _tokenizer_flops(d) + d["vision_n_layers"] * block


# --- clip ------------------------------------------------------------------------------------


def clip_layers(d: Dims) -> dict[str, int]:
    dt, e = d["text_d_model"], d["embed_dim"]
    layers = _vision_layers(d, "image_encoder", class_token=True)
    layers["image_projection"] = d["vision_d_model"] * e
    layers["text_encoder.token_embedding"] = d["vocab_size"] * dt
    layers["text_encoder.position_embedding"] = d["context_length"] * dt
    layers["text_encoder.blocks"] = d["text_n_layers"] * _tower_block(dt, d["text_d_ff"])
    layers["text_encoder.final_norm"] = 2 * dt
    layers["text_projection"] = dt * e
    layers["logit_scale"] = 1
    return layers


def clip_flops(d: Dims, seq_len: int | None) -> int:
    t = d["context_length"] if seq_len is None else seq_len
    dt, e = d["text_d_model"], d["embed_dim"]
    image = _vision_flops(d, class_token=True) + 2 * d["vision_d_model"] * e  # class token only
    text = d["text_n_layers"] * _tower_block_flops(t, dt, d["text_d_ff"]) + 2 * dt * e
    return image + text + 2 * e  # one image against one caption


# --- vlm -------------------------------------------------------------------------------------


def _vlm_image_positions(d: Dims) -> int:
    fusion = d["fusion"]
    if fusion not in VLM_FUSION_IMAGE_POSITIONS:
        raise ValueError(
            f"fusion must be one of {sorted(VLM_FUSION_IMAGE_POSITIONS)}, got {fusion!r}"
        )
    return _patches(d) if VLM_FUSION_IMAGE_POSITIONS[fusion] else 0


def vlm_lm_dims(d: Dims) -> Dims:
    """The decoder_lm dims of the VLM's language model (its positions cover the image tokens
    under early fusion)."""
    lm = {key: d[key] for key in _VLM_LM_KEYS}
    lm["context_length"] = d["context_length"] + _vlm_image_positions(d)
    return lm


def _vlm_cross_layers(d: Dims) -> int:
    if d["fusion"] != "cross_attention":
        return 0
    return math.ceil(d["n_layers"] / d["cross_attention_every"])


def vlm_layers(d: Dims) -> dict[str, int]:
    from metagen.blueprint.counts import NORM_PARAMS_PER_CHANNEL, count_layer_params

    dm, bias = d["d_model"], d["bias"]
    layers = _vision_layers(d, "vision_encoder", class_token=False)
    layers["connector"] = _linear(d["vision_d_model"], dm) + _linear(dm, dm)
    norm = NORM_PARAMS_PER_CHANNEL[d["norm"]] * dm
    cross = norm + _linear(dm, dm, bias) + _linear(dm, 2 * dm, bias) + _linear(dm, dm, bias)
    if _vlm_cross_layers(d):
        layers["cross_attention"] = _vlm_cross_layers(d) * cross
    one_block = {**vlm_lm_dims(d), "n_layers": 1}  # the LM's blocks are all alike
    for name, n in count_layer_params("decoder_lm", one_block).items():
        if name == "blocks.0":
            name, n = "blocks", d["n_layers"] * n
        layers[f"language_model.{name}"] = n
    if d["fusion"] == "late":  # the image feature's norm, then concat -> Linear -> GELU -> Linear
        layers["late_fusion"] = norm + _linear(2 * dm, dm, bias) + _linear(dm, dm, bias)
    return layers


def vlm_flops(d: Dims, seq_len: int | None) -> int:
    from metagen.blueprint.counts import count_flops

    t = d["context_length"] if seq_len is None else seq_len
    n, dm = _patches(d), d["d_model"]
    late = d["fusion"] == "late"
    image = _vision_flops(d, class_token=False)
    connected = 1 if late else n  # late fusion connects one mean-pooled feature
    image += 2 * connected * d["vision_d_model"] * dm + 2 * connected * dm * dm  # the connector
    lm_dims = vlm_lm_dims(d)
    positions = t + _vlm_image_positions(d)
    lm = count_flops("decoder_lm", lm_dims, seq_len=positions)
    lm -= 2 * (positions - t) * dm * d["vocab_size"]  # the head reads the text positions only
    # each cross-attention layer: q and out over the text, k and v over the image tokens
    cross = 2 * t * dm * dm * 2 + 2 * n * dm * 2 * dm + 4 * t * n * dm
    fusion = 2 * t * 2 * dm * dm + 2 * t * dm * dm if late else 0  # at every text position
    return image + lm + _vlm_cross_layers(d) * cross + fusion


def vlm_kv_cache_positions(d: Dims, context_length: int) -> int:
    """Positions the VLM's KV cache holds for a text context (image tokens too, when early)."""
    return context_length + _vlm_image_positions(d)
