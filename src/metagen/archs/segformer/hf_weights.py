"""SegFormer checkpoints (SegformerForSemanticSegmentation) as MetaGen's segformer: the
config.json's settings as dims, and the tensors renamed, key and value fused into one
key_value.

transformers' SegFormer builds every LayerNorm with PyTorch's default eps (1e-5), whatever
the config's `layer_norm_eps` says, so the imported model's blocks use 1e-5 too: the
checkpoint's function, not the config's number."""

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

FAMILY = "SegFormer"
WHERE = "SegFormer config.json"
# what transformers' nn.LayerNorm(hidden_size) computes with
TRANSFORMERS_LAYER_NORM_EPS = 1e-5
# MetaGen's patch embeddings, (kernel, stride) per stage (model.py MIT_PATCH_EMBEDDINGS)
MIT_PATCHES = ([7, 3, 3, 3], [4, 2, 2, 2])
_ATTENTION = "attention.self."
# One block: MetaGen's names (under stage<s>.blocks.<j>.) from SegFormer's (under
# segformer.encoder.block.<s-1>.<j>.).
LAYER: tuple[Row, ...] = (
    ("norm1.weight", "layer_norm_1.weight", "copy"),
    ("norm1.bias", "layer_norm_1.bias", "copy"),
    ("attention.query.weight", _ATTENTION + "query.weight", "copy"),
    ("attention.query.bias", _ATTENTION + "query.bias", "copy"),
    (
        "attention.key_value.weight",
        (_ATTENTION + "key.weight", _ATTENTION + "value.weight"),
        "concat",
    ),
    ("attention.key_value.bias", (_ATTENTION + "key.bias", _ATTENTION + "value.bias"), "concat"),
    ("attention.out_proj.weight", "attention.output.dense.weight", "copy"),
    ("attention.out_proj.bias", "attention.output.dense.bias", "copy"),
    ("norm2.weight", "layer_norm_2.weight", "copy"),
    ("norm2.bias", "layer_norm_2.bias", "copy"),
    ("mlp.in_proj.weight", "mlp.dense1.weight", "copy"),
    ("mlp.in_proj.bias", "mlp.dense1.bias", "copy"),
    ("mlp.depthwise.weight", "mlp.dwconv.dwconv.weight", "copy"),
    ("mlp.depthwise.bias", "mlp.dwconv.dwconv.bias", "copy"),
    ("mlp.out_proj.weight", "mlp.dense2.weight", "copy"),
    ("mlp.out_proj.bias", "mlp.dense2.bias", "copy"),
)
# the spatial reduction of keys and values, in stages whose sr_ratio is above 1
REDUCTION: tuple[Row, ...] = (
    ("attention.reduce.weight", _ATTENTION + "sr.weight", "copy"),
    ("attention.reduce.bias", _ATTENTION + "sr.bias", "copy"),
    ("attention.reduce_norm.weight", _ATTENTION + "layer_norm.weight", "copy"),
    ("attention.reduce_norm.bias", _ATTENTION + "layer_norm.bias", "copy"),
)
_BN = ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")
OUTER: tuple[Row, ...] = (
    *((f"decoder.fuse_norm.{p}", f"decode_head.batch_norm.{p}", "copy") for p in _BN),
    ("decoder.fuse.weight", "decode_head.linear_fuse.weight", "copy"),
    ("head.weight", "decode_head.classifier.weight", "copy"),
    ("head.bias", "decode_head.classifier.bias", "copy"),
)


def config_from_hf(hf_config: Mapping[str, Any]) -> dict[str, Any]:
    """segformer dims from a SegFormer config.json. MetaGen's encoder has four stages with
    SegFormer's patch embeddings (7/4, then 3/2) and the exact GELU; other settings are
    refused. The image size is the ADE20K fine-tuning size, 512, which the weights do not
    fix (no position table)."""
    c = hf_config
    check_model_type(c, "segformer", FAMILY)
    require(c, "num_encoder_blocks", 4, 4, where=WHERE)
    require(c, "patch_sizes", MIT_PATCHES[0], MIT_PATCHES[0], where=WHERE)
    require(c, "strides", MIT_PATCHES[1], MIT_PATCHES[1], where=WHERE)
    require(c, "reshape_last_stage", True, True, where=WHERE)
    ratios = list(setting(c, "mlp_ratios", [4, 4, 4, 4], where=WHERE))
    if len(set(ratios)) != 1:
        raise ValueError(
            f"The {WHERE} sets mlp_ratios = {ratios}; MetaGen's SegFormer uses one MLP ratio "
            "in every stage. Import a checkpoint whose stages share it."
        )
    activation = setting(c, "hidden_act", "gelu", where=WHERE)
    if activation_from_hf(activation, "hidden_act", where=WHERE) != "gelu":
        raise ValueError(
            f"The {WHERE} sets hidden_act = {activation!r}; MetaGen's SegFormer Mix-FFN "
            "computes the exact GELU. Import a checkpoint with hidden_act 'gelu'."
        )
    return {
        "image_size": 512,
        "in_channels": setting(c, "num_channels", 3, where=WHERE),
        "num_classes": num_labels(c),
        "stage_dims": list(setting(c, "hidden_sizes", where=WHERE)),
        "stage_depths": list(setting(c, "depths", where=WHERE)),
        "stage_heads": list(setting(c, "num_attention_heads", where=WHERE)),
        "sr_ratios": list(setting(c, "sr_ratios", where=WHERE)),
        "mlp_ratio": ratios[0],
        "decoder_dim": setting(c, "decoder_hidden_size", 256, where=WHERE),
        "norm_eps": TRANSFORMERS_LAYER_NORM_EPS,
        "dropout": float(setting(c, "hidden_dropout_prob", 0.0, where=WHERE)),
        "instance_head": False,
        "thing_classes": [],
    }


def state_dict_from_hf(hf_state: Mapping[str, Any], dims: Mapping[str, Any]) -> dict[str, Any]:
    """segformer's state_dict from a SegformerForSemanticSegmentation checkpoint. A missing,
    misshapen or unmapped tensor is a ValueError naming it."""
    rules = prefixed(OUTER, "", "")
    encoder = "segformer.encoder."
    for s, (depth, sr) in enumerate(zip(dims["stage_depths"], dims["sr_ratios"], strict=True)):
        stage = f"stage{s + 1}."
        rules += prefixed(
            (
                ("patch_embedding.proj.weight", "proj.weight", "copy"),
                ("patch_embedding.proj.bias", "proj.bias", "copy"),
                ("patch_embedding.norm.weight", "layer_norm.weight", "copy"),
                ("patch_embedding.norm.bias", "layer_norm.bias", "copy"),
            ),
            stage,
            f"{encoder}patch_embeddings.{s}.",
        )
        rules += prefixed(
            (("norm.weight", "weight", "copy"), ("norm.bias", "bias", "copy")),
            stage,
            f"{encoder}layer_norm.{s}.",
        )
        rules += prefixed(
            (
                ("weight", "proj.weight", "copy"),
                ("bias", "proj.bias", "copy"),
            ),
            f"decoder.projections.{s}.",
            f"decode_head.linear_c.{s}.",
        )
        for j in range(depth):
            table = LAYER + (REDUCTION if sr > 1 else ())
            rules += prefixed(table, f"{stage}blocks.{j}.", f"{encoder}block.{s}.{j}.")
    return apply_rules(hf_state, rules, arch="segformer", dims=dims, family=FAMILY)
