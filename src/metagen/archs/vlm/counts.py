"""Exact parameters, forward FLOPs and per-component costs of the VLM (archs/vlm/model.py),
from dims alone (pure Python): the image tower (counted in archs/clip/counts.py, without a
class token), the MLP connector, optional cross-attention layers, the decoder LM
(archs/decoder_lm/counts.py) and, under late fusion, the fusion layer. One sample is one
image and one text of seq_len tokens (default: the text context).
"""

from __future__ import annotations

import math
from typing import Any

from metagen.archs.clip.counts import image_patches, image_tower_cost, image_tower_layers
from metagen.archs.decoder_lm import counts as decoder_lm
from metagen.archs.decoder_lm.counts import norm_cost, sequence_linear_cost
from metagen.blueprint.cost import Cost, attention_cost, elementwise, linear_cost, total
from metagen.blueprint.counting import (
    NORM_PARAMS_PER_CHANNEL,
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


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One image and a text of seq_len tokens (default: the text context)."""
    return total(costs(dims, seq_len)).flops


def connector_cost(rows: int, vision_d_model: int, d_model: int) -> Cost:
    """VisionConnector on `rows` image features: Linear, GELU, Linear, biases on both."""
    widened = linear_cost(rows, vision_d_model, d_model) + elementwise(rows * d_model)
    return widened + linear_cost(rows, d_model, d_model)


def cross_attention_cost(d: dict[str, Any], tokens: int, context: int) -> Cost:
    """One ImageCrossAttentionBlock: the norm, queries from the `tokens` text positions, keys
    and values from the `context` image tokens, SDPA, the output projection and the residual
    add, all d_model wide."""
    dm, bias = d["d_model"], d["bias"]
    projections = sequence_linear_cost(tokens, dm, dm, bias) + sequence_linear_cost(
        context, dm, 2 * dm, bias
    )
    attention = attention_cost(tokens, dm, d["n_heads"], context)
    out = sequence_linear_cost(tokens, dm, dm, bias) + elementwise(tokens * dm)
    return norm_cost(d["norm"], tokens, dm) + projections + attention + out


def late_fusion_cost(d: dict[str, Any], tokens: int) -> Cost:
    """LateFusion: the image feature's norm (one row), the cat with every text position's
    state (the image's expand is a view), Linear, GELU, Linear, the add back."""
    dm, bias = d["d_model"], d["bias"]
    joint = elementwise(tokens * 2 * dm) + sequence_linear_cost(tokens, 2 * dm, dm, bias)
    out = elementwise(tokens * dm) + sequence_linear_cost(tokens, dm, dm, bias)
    return norm_cost(d["norm"], 1, dm) + joint + out + elementwise(tokens * dm)


def language_model_costs(dims: dict[str, Any], t: int) -> tuple[Cost, Cost]:
    """(language_model, the forward's share) for t text tokens; the LM's positions hold the
    image tokens first under early fusion. The VLM runs the LM's parts itself: the lookups, the
    blocks, the final norm and (on the text positions) the head are the language model's;
    the forward makes the positions (and the early cat)."""
    lm, dm = _lm_dims(dims), dims["d_model"]
    positions = vlm_kv_cache_positions(dims, t)
    lookups = elementwise(t * dm)
    if pick(decoder_lm.LEARNED_POSITION_TABLE, lm, "position"):
        lookups += elementwise(positions * dm)
    blocks = dims["n_layers"] * decoder_lm.block_cost(lm, positions)
    head = sequence_linear_cost(t, dm, dims["vocab_size"], bias=False)
    norm = norm_cost(dims["norm"], positions, dm)
    model = lookups + blocks + norm + head
    forward = decoder_lm.position_cost(lm, positions)
    if positions > t:
        forward += elementwise(positions * dm)  # the image tokens' cat before the text
    return model, forward


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One image and a text of seq_len tokens (default: the text context): the image tower,
    the connector on every image token (late fusion: on the forward's mean of them), the
    cross-attention layers, the language model and the late fusion."""
    t = dims["context_length"] if seq_len is None else seq_len
    n, dm, dv = image_patches(dims), dims["d_model"], dims["vision_d_model"]
    late = dims["fusion"] == "late"
    language_model, forward = language_model_costs(dims, t)
    out = {
        "vision_encoder": image_tower_cost(dims, class_token=False),
        "connector": connector_cost(1 if late else n, dv, dm),
        "language_model": language_model,
    }
    if _cross_layers(dims):
        out["cross_attention"] = _cross_layers(dims) * cross_attention_cost(dims, t, n)
    if late:
        out["late_fusion"] = late_fusion_cost(dims, t)
        forward += elementwise(dv)  # the mean over the image tokens
    return {**out, "forward": forward}
