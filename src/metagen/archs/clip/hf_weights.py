"""CLIP checkpoints (CLIPModel) as MetaGen's clip: the config.json's text_config and
vision_config as dims, and the tensors renamed, q, k and v fused into one qkv, the class token
and position table given MetaGen's leading dims."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from metagen.archs.hf_mapping import (
    Row,
    Rule,
    activation_from_hf,
    apply_rules,
    check_model_type,
    prefixed,
    setting,
)

FAMILY = "CLIP"
# Before transformers PR #24773 CLIP configs said eos_token_id 2, and transformers still reads
# the caption's feature at its largest token id for them: the end-of-text token, CLIP's last.
LEGACY_EOS_ID = 2
_QKV = ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj")
# One block of either tower: MetaGen's names (under blocks.<i>.) from CLIP's (under
# encoder.layers.<i>.).
LAYER: tuple[Row, ...] = (
    ("norm1.weight", "layer_norm1.weight", "copy"),
    ("norm1.bias", "layer_norm1.bias", "copy"),
    ("attention.qkv.weight", tuple(f"{n}.weight" for n in _QKV), "concat"),
    ("attention.qkv.bias", tuple(f"{n}.bias" for n in _QKV), "concat"),
    ("attention.out_proj.weight", "self_attn.out_proj.weight", "copy"),
    ("attention.out_proj.bias", "self_attn.out_proj.bias", "copy"),
    ("norm2.weight", "layer_norm2.weight", "copy"),
    ("norm2.bias", "layer_norm2.bias", "copy"),
    ("mlp.in_proj.weight", "mlp.fc1.weight", "copy"),
    ("mlp.in_proj.bias", "mlp.fc1.bias", "copy"),
    ("mlp.out_proj.weight", "mlp.fc2.weight", "copy"),
    ("mlp.out_proj.bias", "mlp.fc2.bias", "copy"),
)
IMAGE: tuple[Row, ...] = (
    ("image_encoder.patch_embedding.proj.weight", "embeddings.patch_embedding.weight", "copy"),
    ("image_encoder.pre_norm.weight", "pre_layrnorm.weight", "copy"),  # sic: CLIP's spelling
    ("image_encoder.pre_norm.bias", "pre_layrnorm.bias", "copy"),
    ("image_encoder.final_norm.weight", "post_layernorm.weight", "copy"),
    ("image_encoder.final_norm.bias", "post_layernorm.bias", "copy"),
)
TEXT: tuple[Row, ...] = (
    ("text_encoder.token_embedding.weight", "embeddings.token_embedding.weight", "copy"),
    ("text_encoder.position_embedding.weight", "embeddings.position_embedding.weight", "copy"),
    ("text_encoder.final_norm.weight", "final_layer_norm.weight", "copy"),
    ("text_encoder.final_norm.bias", "final_layer_norm.bias", "copy"),
)
SHARED: tuple[Row, ...] = (
    ("image_projection.weight", "visual_projection.weight", "copy"),
    ("text_projection.weight", "text_projection.weight", "copy"),
    ("logit_scale.value", "logit_scale", "copy"),
)
# Buffers that older CLIP files saved: position ids, not weights.
BUFFERS = r"(text|vision)_model\.embeddings\.position_ids"


def _tower(hf_config: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    tower = setting(hf_config, key, where="CLIP config.json")
    if not isinstance(tower, Mapping):
        raise ValueError(
            f"The CLIP config.json's {key} is a {type(tower).__name__}, not an object. Use "
            "the config.json saved with the checkpoint."
        )
    return tower


def _both(text: Mapping[str, Any], vision: Mapping[str, Any], key: str, default: Any) -> Any:
    """A setting that MetaGen's clip holds once for both towers: they must agree."""
    values = {
        name: setting(tower, key, default, where=f"CLIP {name}")
        for name, tower in (("text_config", text), ("vision_config", vision))
    }
    if values["text_config"] != values["vision_config"]:
        raise ValueError(
            f"The CLIP config.json sets {key} = {values['text_config']!r} in text_config and "
            f"{values['vision_config']!r} in vision_config; MetaGen's clip uses one for both "
            "towers. Import a checkpoint whose towers agree."
        )
    return values["text_config"]


def config_from_hf(hf_config: Mapping[str, Any]) -> dict[str, Any]:
    """clip dims from a CLIP config.json (text_config and vision_config). The towers must
    share their activation and norm epsilon; the caption's feature is read at the first
    eos_token_id, or for the legacy eos_token_id 2 at CLIP's end-of-text token (the largest
    id), as transformers reads it."""
    check_model_type(hf_config, "clip", FAMILY)
    text = _tower(hf_config, "text_config")
    vision = _tower(hf_config, "vision_config")
    t, v = "CLIP text_config", "CLIP vision_config"
    vocab_size = setting(text, "vocab_size", where=t)
    eos = setting(text, "eos_token_id", where=t)
    activation = _both(text, vision, "hidden_act", "quick_gelu")
    return {
        "image_size": setting(vision, "image_size", where=v),
        "patch_size": setting(vision, "patch_size", where=v),
        "in_channels": setting(vision, "num_channels", 3, where=v),
        "vision_d_model": setting(vision, "hidden_size", where=v),
        "vision_n_layers": setting(vision, "num_hidden_layers", where=v),
        "vision_n_heads": setting(vision, "num_attention_heads", where=v),
        "vision_d_ff": setting(vision, "intermediate_size", where=v),
        "vision_stem_channels": [],
        "vocab_size": vocab_size,
        "context_length": setting(text, "max_position_embeddings", where=t),
        "text_d_model": setting(text, "hidden_size", where=t),
        "text_n_layers": setting(text, "num_hidden_layers", where=t),
        "text_n_heads": setting(text, "num_attention_heads", where=t),
        "text_d_ff": setting(text, "intermediate_size", where=t),
        "embed_dim": setting(hf_config, "projection_dim", 512, where="CLIP config.json"),
        "eot_id": vocab_size - 1 if eos == LEGACY_EOS_ID else eos,
        "activation": activation_from_hf(activation, "hidden_act", where="CLIP config.json"),
        "norm_eps": float(_both(text, vision, "layer_norm_eps", 1e-5)),
        "dropout": float(_both(text, vision, "attention_dropout", 0.0)),
    }


def state_dict_from_hf(hf_state: Mapping[str, Any], dims: Mapping[str, Any]) -> dict[str, Any]:
    """clip's state_dict from a CLIPModel checkpoint. A missing, misshapen or unmapped tensor
    is a ValueError naming it."""
    rules = prefixed(IMAGE, "", "vision_model.") + prefixed(TEXT, "", "text_model.")
    rules += prefixed(SHARED, "", "")
    embeddings = "vision_model.embeddings."
    rules += [
        Rule(
            "image_encoder.patch_embedding.cls_token",
            (embeddings + "class_embedding",),
            "unsqueeze",
            2,
        ),
        Rule(
            "image_encoder.patch_embedding.pos_embedding",
            (embeddings + "position_embedding.weight",),
            "unsqueeze",
            1,
        ),
    ]
    for i in range(dims["vision_n_layers"]):
        rules += prefixed(LAYER, f"image_encoder.blocks.{i}.", f"vision_model.encoder.layers.{i}.")
    for i in range(dims["text_n_layers"]):
        rules += prefixed(LAYER, f"text_encoder.blocks.{i}.", f"text_model.encoder.layers.{i}.")
    return apply_rules(hf_state, rules, arch="clip", dims=dims, family=FAMILY, ignored=[BUFFERS])
