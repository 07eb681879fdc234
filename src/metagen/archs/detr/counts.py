"""Exact parameters and forward FLOPs of DETR (archs/detr/model.py), from dims alone (pure
Python): a ResNet backbone (the stages of archs/resnet/counts.py, without pooling and
classifier), a 1x1 projection, post-norm encoder layers over the feature map, decoder layers
over the object queries, and the class and box heads on every decoder layer's output.

FLOPs follow blueprint/counting.py (FlopCounterMode's): 2 * output pixels * kernel area *
c_in * c_out per conv, 2*m*n*k per matmul, 4 * T_q * T_k * d per attention call; pooling
and norms are free.
"""

from __future__ import annotations

from typing import Any

from metagen.archs.resnet.counts import (
    RESNET_EXPANSION,
    RESNET_STEM_CONV,
    RESNET_STEM_MAXPOOL,
    Conv,
    resnet_convs,
    resnet_features,
    resnet_walk_flops,
)
from metagen.blueprint.counting import (
    attention_flops,
    attention_params,
    encoder_block_flops,
    encoder_block_params,
    gelu_mlp_params,
    layer_norm,
    linear,
    pick,
)


def _backbone_convs(dims: dict[str, Any]) -> dict[str, list[Conv]]:
    """The ResNet's convs per layer name (stem, stage{i}.{j})."""
    pick(RESNET_EXPANSION, dims, "backbone_block")
    kernel, stride = pick(RESNET_STEM_CONV, dims, "backbone_stem")
    stem = Conv(dims["in_channels"], dims["backbone_width"], (kernel, kernel), (stride, stride))
    block, depths = dims["backbone_block"], dims["backbone_layers"]
    return resnet_convs(block, depths, dims["backbone_width"], stem)


def _backbone_flops(dims: dict[str, Any]) -> tuple[int, int]:
    """(FLOPs, tokens) of the backbone: one token per pixel of its feature map."""
    size = (dims["image_size"], dims["image_size"])
    pool = pick(RESNET_STEM_MAXPOOL, dims, "backbone_stem")
    total, (height, width) = resnet_walk_flops(_backbone_convs(dims), size, pool)
    return total, height * width


def _features(dims: dict[str, Any]) -> int:
    return resnet_features(dims["backbone_width"], dims["backbone_block"])


def layers(dims: dict[str, Any]) -> dict[str, int]:
    dm, ff = dims["d_model"], dims["d_ff"]
    found = {
        f"backbone.{name}": sum(c.params() for c in convs)
        for name, convs in _backbone_convs(dims).items()
    }
    found["input_proj"] = linear(_features(dims), dm)  # a 1x1 conv
    # The encoder block's count: its ReLU MLP has the GELU MLP's two matrices.
    encoder = encoder_block_params(dm, ff)
    found.update({f"encoder.{i}": encoder for i in range(dims["encoder_layers"])})
    found["query_embedding"] = dims["num_queries"] * dm
    decoder = 2 * attention_params(dm) + gelu_mlp_params(dm, ff) + 3 * layer_norm(dm)
    found.update({f"decoder.{i}": decoder for i in range(dims["decoder_layers"])})
    found["decoder_norm"] = layer_norm(dm)
    found["class_head"] = linear(dm, dims["num_classes"] + 1)
    found["box_head"] = 2 * linear(dm, dm) + linear(dm, 4)
    return found


def _decoder_layer_flops(queries: int, tokens: int, dm: int, ff: int) -> int:
    """Self-attention over the queries, cross-attention to the image tokens, then the MLP."""
    self_attention = 4 * 2 * queries * dm * dm + attention_flops(queries, dm)
    cross = 2 * 2 * queries * dm * dm + 2 * 2 * tokens * dm * dm  # queries, out; keys, values
    cross += attention_flops(queries, dm, tokens)
    return self_attention + cross + 2 * 2 * queries * dm * ff


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    dm, ff, queries = dims["d_model"], dims["d_ff"], dims["num_queries"]
    total, tokens = _backbone_flops(dims)
    total += 2 * tokens * _features(dims) * dm  # input projection
    total += dims["encoder_layers"] * encoder_block_flops(tokens, dm, ff)
    heads = 2 * dm * (dims["num_classes"] + 1) + 2 * 2 * dm * dm + 2 * dm * 4  # per query
    decoder = _decoder_layer_flops(queries, tokens, dm, ff)
    return total + dims["decoder_layers"] * (decoder + queries * heads)
