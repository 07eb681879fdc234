"""Exact parameters and forward FLOPs of SegFormer (archs/segformer/model.py), with
Panoptic-DeepLab's instance head (counted in archs/seg_unet/counts.py), from dims alone
(pure Python).

FLOPs follow blueprint/counting.py (FlopCounterMode's conventions): 2*m*n*k per matmul,
2 * output pixels * kernel area * c_in/groups * c_out per conv, 4 * T_q * T_k * d per
attention call; norms, activations and resampling are free.

The patch embeddings' table is the model's: model.py could import it from here (it cannot be
imported here, as it imports torch).
"""

from __future__ import annotations

from typing import Any

from metagen.archs.seg_unet.counts import conv_flops, instance_head_flops, instance_head_params
from metagen.blueprint.counting import attention_flops, conv_bn, conv_out, layer_norm, linear

# (kernel, stride) of each stage's overlapping patch embedding: 1/4, 1/8, 1/16, 1/32.
MIT_PATCH_EMBEDDINGS = ((7, 4), (3, 2), (3, 2), (3, 2))


def mit_stage_sides(image_size: int) -> list[int]:
    sides, side = [], image_size
    for kernel, stride in MIT_PATCH_EMBEDDINGS:
        side = conv_out(side, kernel, stride, kernel // 2)
        sides.append(side)
    return sides


def _mit_block(dim: int, sr: int, mlp_ratio: int) -> int:
    hidden = mlp_ratio * dim
    attention = linear(dim, dim) + linear(dim, 2 * dim) + linear(dim, dim)
    if sr > 1:
        attention += linear(sr * sr * dim, dim) + layer_norm(dim)  # the reduction conv, its norm
    depthwise = hidden * (9 + 1)  # Mix-FFN's 3x3 depthwise conv: 9 weights and a bias each
    mlp = linear(dim, hidden) + depthwise + linear(hidden, dim)
    return attention + mlp + 2 * layer_norm(dim)


def _mit_block_flops(side: int, dim: int, sr: int, mlp_ratio: int) -> int:
    n, hidden = side**2, mlp_ratio * dim
    m = (side // sr) ** 2  # keys and values after the reduction conv
    attention = 2 * n * dim * dim + 2 * m * dim * 2 * dim  # queries; keys and values
    attention += attention_flops(n, dim, m) + 2 * n * dim * dim  # and the output
    if sr > 1:
        attention += conv_flops(m, dim, dim, sr)
    mlp = 2 * 2 * n * dim * hidden + conv_flops(n, hidden, hidden, 3, groups=hidden)
    return attention + mlp


def layers(dims: dict[str, Any]) -> dict[str, int]:
    inputs = [dims["in_channels"], *dims["stage_dims"][:-1]]
    found: dict[str, int] = {}
    for i, (c_in, dim) in enumerate(zip(inputs, dims["stage_dims"], strict=True)):
        kernel, _ = MIT_PATCH_EMBEDDINGS[i]
        name = f"stage{i + 1}"
        patchify = linear(kernel * kernel * c_in, dim)  # a conv with bias
        found[f"{name}.patch_embedding"] = patchify + layer_norm(dim)
        block = _mit_block(dim, dims["sr_ratios"][i], dims["mlp_ratio"])
        found.update({f"{name}.blocks.{j}": block for j in range(dims["stage_depths"][i])})
        found[f"{name}.norm"] = layer_norm(dim)
    e = dims["decoder_dim"]
    projections = sum(linear(dim, e) for dim in dims["stage_dims"])
    fuse = conv_bn(len(dims["stage_dims"]) * e, e, 1)  # the 1x1 fusing conv and its BatchNorm
    found["decoder"] = projections + fuse
    found["head"] = linear(e, dims["num_classes"])  # a 1x1 conv
    if dims["instance_head"]:
        found["instance_head"] = instance_head_params(e)
    return found


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    sides = mit_stage_sides(dims["image_size"])
    inputs = [dims["in_channels"], *dims["stage_dims"][:-1]]
    total = 0
    for i, (c_in, dim) in enumerate(zip(inputs, dims["stage_dims"], strict=True)):
        kernel, _ = MIT_PATCH_EMBEDDINGS[i]
        block = _mit_block_flops(sides[i], dim, dims["sr_ratios"][i], dims["mlp_ratio"])
        total += conv_flops(sides[i] ** 2, c_in, dim, kernel) + dims["stage_depths"][i] * block
    e, top = dims["decoder_dim"], sides[0] ** 2
    stages = zip(sides, dims["stage_dims"], strict=True)
    total += sum(2 * side**2 * dim * e for side, dim in stages)
    total += conv_flops(top, len(dims["stage_dims"]) * e, e, 1)
    total += conv_flops(top, e, dims["num_classes"], 1)
    if dims["instance_head"]:
        total += instance_head_flops(top, e)
    return total
