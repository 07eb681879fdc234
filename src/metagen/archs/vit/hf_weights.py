"""ViT checkpoints (ViTForImageClassification) as MetaGen's vit: the config.json's settings
as dims, and the tensors renamed, q, k and v fused into one qkv."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from metagen.archs.hf_mapping import (
    Row,
    activation_from_hf,
    apply_rules,
    check_model_type,
    num_labels,
    prefixed,
    require,
    setting,
)

FAMILY = "ViT"
WHERE = "ViT config.json"
_QKV = ("attention.attention.query", "attention.attention.key", "attention.attention.value")
# One block: MetaGen's names (under blocks.<i>.) from ViT's (under vit.encoder.layer.<i>.).
LAYER: tuple[Row, ...] = (
    ("norm1.weight", "layernorm_before.weight", "copy"),
    ("norm1.bias", "layernorm_before.bias", "copy"),
    ("attention.qkv.weight", tuple(f"{n}.weight" for n in _QKV), "concat"),
    ("attention.qkv.bias", tuple(f"{n}.bias" for n in _QKV), "concat"),
    ("attention.out_proj.weight", "attention.output.dense.weight", "copy"),
    ("attention.out_proj.bias", "attention.output.dense.bias", "copy"),
    ("norm2.weight", "layernorm_after.weight", "copy"),
    ("norm2.bias", "layernorm_after.bias", "copy"),
    ("mlp.in_proj.weight", "intermediate.dense.weight", "copy"),
    ("mlp.in_proj.bias", "intermediate.dense.bias", "copy"),
    ("mlp.out_proj.weight", "output.dense.weight", "copy"),
    ("mlp.out_proj.bias", "output.dense.bias", "copy"),
)
OUTER: tuple[Row, ...] = (
    ("patch_embedding.proj.weight", "vit.embeddings.patch_embeddings.projection.weight", "copy"),
    ("patch_embedding.proj.bias", "vit.embeddings.patch_embeddings.projection.bias", "copy"),
    ("patch_embedding.cls_token", "vit.embeddings.cls_token", "copy"),
    ("patch_embedding.pos_embedding", "vit.embeddings.position_embeddings", "copy"),
    ("final_norm.weight", "vit.layernorm.weight", "copy"),
    ("final_norm.bias", "vit.layernorm.bias", "copy"),
    ("head.weight", "classifier.weight", "copy"),
    ("head.bias", "classifier.bias", "copy"),
)


def config_from_hf(hf_config: Mapping[str, Any]) -> dict[str, Any]:
    """vit dims from a ViT config.json: the class token pooled, as ViTForImageClassification
    does. Square images only; qkv without bias is refused."""
    c = hf_config
    check_model_type(c, "vit", FAMILY)
    require(c, "qkv_bias", True, True, where=WHERE)
    image_size = setting(c, "image_size", where=WHERE)
    patch_size = setting(c, "patch_size", where=WHERE)
    for key, value in (("image_size", image_size), ("patch_size", patch_size)):
        if not isinstance(value, int):
            raise ValueError(
                f"The {WHERE} sets {key} = {value!r}; MetaGen's ViT takes square images and "
                f"patches, one integer each. Import a checkpoint with an integer {key}."
            )
    activation = setting(c, "hidden_act", "gelu", where=WHERE)
    return {
        "image_size": image_size,
        "patch_size": patch_size,
        "in_channels": setting(c, "num_channels", 3, where=WHERE),
        "d_model": setting(c, "hidden_size", where=WHERE),
        "n_layers": setting(c, "num_hidden_layers", where=WHERE),
        "n_heads": setting(c, "num_attention_heads", where=WHERE),
        "d_ff": setting(c, "intermediate_size", where=WHERE),
        "num_classes": num_labels(c),
        "pool": "cls",
        "activation": activation_from_hf(activation, "hidden_act", where=WHERE),
        "norm_eps": float(setting(c, "layer_norm_eps", 1e-12, where=WHERE)),
        "dropout": float(setting(c, "hidden_dropout_prob", 0.0, where=WHERE)),
    }


def state_dict_from_hf(hf_state: Mapping[str, Any], dims: Mapping[str, Any]) -> dict[str, Any]:
    """vit's state_dict from a ViTForImageClassification checkpoint. A missing, misshapen or
    unmapped tensor is a ValueError naming it."""
    rules = prefixed(OUTER, "", "")
    for i in range(dims["n_layers"]):
        rules += prefixed(LAYER, f"blocks.{i}.", f"vit.encoder.layer.{i}.")
    return apply_rules(hf_state, rules, arch="vit", dims=dims, family=FAMILY)


# timm's VisionTransformer state_dict (vit_*_patch16_224 and the like): the same model with
# q, k and v already fused. Its names carry no head count, so a single timm file is read
# with a named variant (metagen import --variant vit_b_16) that supplies it.
TIMM = "timm ViT"
TIMM_LAYER: tuple[Row, ...] = (
    ("norm1.weight", "norm1.weight", "copy"),
    ("norm1.bias", "norm1.bias", "copy"),
    ("attention.qkv.weight", "attn.qkv.weight", "copy"),
    ("attention.qkv.bias", "attn.qkv.bias", "copy"),
    ("attention.out_proj.weight", "attn.proj.weight", "copy"),
    ("attention.out_proj.bias", "attn.proj.bias", "copy"),
    ("norm2.weight", "norm2.weight", "copy"),
    ("norm2.bias", "norm2.bias", "copy"),
    ("mlp.in_proj.weight", "mlp.fc1.weight", "copy"),
    ("mlp.in_proj.bias", "mlp.fc1.bias", "copy"),
    ("mlp.out_proj.weight", "mlp.fc2.weight", "copy"),
    ("mlp.out_proj.bias", "mlp.fc2.bias", "copy"),
)
TIMM_OUTER: tuple[Row, ...] = (
    ("patch_embedding.proj.weight", "patch_embed.proj.weight", "copy"),
    ("patch_embedding.proj.bias", "patch_embed.proj.bias", "copy"),
    ("patch_embedding.cls_token", "cls_token", "copy"),
    ("patch_embedding.pos_embedding", "pos_embed", "copy"),
    ("final_norm.weight", "norm.weight", "copy"),
    ("final_norm.bias", "norm.bias", "copy"),
    ("head.weight", "head.weight", "copy"),
    ("head.bias", "head.bias", "copy"),
)
TIMM_HEAD = ("head.weight", "head.bias")


def config_from_timm(tensors: Mapping[str, Any], variant: Mapping[str, Any]) -> dict[str, Any]:
    """vit dims for a timm state_dict: the variant's, with the classes of the file's head
    (a head-less file keeps the variant's, and its head starts fresh). Global average
    pooling (fc_norm) and register tokens are refused: MetaGen's vit pools the class token."""
    for name in ("fc_norm.weight", "reg_token"):
        if name in tensors:
            raise ValueError(
                f"The {TIMM} state_dict holds {name!r}: it pools or embeds differently from "
                "MetaGen's class-token ViT. Import a vit_*_patch16_224-style checkpoint."
            )
    dims = dict(variant)
    head = tensors.get("head.weight")
    if head is not None and head.dim() == 2:
        dims["num_classes"] = int(head.shape[0])
    return dims


def state_dict_from_timm(tensors: Mapping[str, Any], dims: Mapping[str, Any]) -> dict[str, Any]:
    """vit's state_dict from a timm VisionTransformer one; shapes are checked against the
    variant's model, so a file of another size names its first misfit tensor."""
    rules = prefixed(TIMM_OUTER, "", "")
    for i in range(dims["n_layers"]):
        rules += prefixed(TIMM_LAYER, f"blocks.{i}.", f"blocks.{i}.")
    return apply_rules(tensors, rules, arch="vit", dims=dims, family=TIMM, optional=TIMM_HEAD)
