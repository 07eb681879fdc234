"""Exact parameters and forward FLOPs of SegFormer (archs/segformer/model.py), with
Panoptic-DeepLab's instance head (counted in archs/seg_unet/counts.py), from dims alone
(pure Python).

FLOPs follow blueprint/counting.py (FlopCounterMode's conventions): 2*m*n*k per matmul,
2 * output pixels * kernel area * c_in/groups * c_out per conv, 4 * T_q * T_k * d per
attention call; norms, activations and resampling are free. Costs (kernels, activations)
follow the eval forward's aten ops.

The patch embeddings' table is the model's: model.py could import it from here (it cannot be
imported here, as it imports torch).
"""

from __future__ import annotations

from typing import Any

from metagen.archs.seg_unet.counts import (
    INSTANCE_OUTPUTS,
    conv_bn_relu_cost,
    conv_flops,
    instance_head_cost,
    instance_head_params,
)
from metagen.blueprint.cost import (
    Cost,
    attention_cost,
    conv_cost,
    elementwise,
    layer_norm_cost,
    linear_cost,
    total,
)
from metagen.blueprint.counting import conv_bn, conv_out, layer_norm, linear

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


def _mit_attention_cost(side: int, dim: int, heads: int, sr: int) -> Cost:
    """MiTAttention over side*side tokens: with sr > 1 the keys and values come from the
    sr x sr strided reduction conv and its LayerNorm; the query Linear, the fused key-value
    Linear, the fused attention and the output Linear."""
    n, m = side**2, (side // sr) ** 2  # queries; keys and values
    cost = Cost()
    if sr > 1:
        cost += Cost(conv_flops(m, dim, dim, sr), 1, m * dim) + layer_norm_cost(m, dim)
    cost += linear_cost(n, dim, dim) + linear_cost(m, dim, 2 * dim)
    return cost + attention_cost(n, dim, heads, m) + linear_cost(n, dim, dim)


def _mix_ffn_cost(side: int, dim: int, hidden: int) -> Cost:
    """MiTMixFFN: the in Linear, the 3x3 depthwise conv, the GELU, the out Linear. The GELU
    keeps the conv's channels-first layout, so the out Linear runs as an mm, a copy back to
    3-D and a separate bias add."""
    n = side**2
    depthwise = Cost(conv_flops(n, hidden, hidden, 3, groups=hidden), 1, n * hidden)
    out = linear_cost(n, hidden, dim) + elementwise(n * dim, 2)
    return linear_cost(n, dim, hidden) + depthwise + elementwise(n * hidden) + out


def _mit_block_cost(side: int, dim: int, heads: int, sr: int, mlp_ratio: int) -> Cost:
    """Pre-norm: two LayerNorms, attention, the Mix-FFN, two residual adds."""
    n = side**2
    attention = _mit_attention_cost(side, dim, heads, sr)
    mlp = _mix_ffn_cost(side, dim, mlp_ratio * dim)
    return 2 * layer_norm_cost(n, dim) + attention + mlp + elementwise(n * dim, 2)


def _stage_cost(dims: dict[str, Any], i: int, side: int, c_in: int) -> Cost:
    """MiTStage i: the overlapping patch conv and its LayerNorm, the blocks, the final
    LayerNorm (the reshapes around them are views)."""
    dim, (kernel, _) = dims["stage_dims"][i], MIT_PATCH_EMBEDDINGS[i]
    n = side**2
    patchify = conv_cost(n, kernel**2, c_in, dim) + layer_norm_cost(n, dim)
    heads, sr = dims["stage_heads"][i], dims["sr_ratios"][i]
    block = _mit_block_cost(side, dim, heads, sr, dims["mlp_ratio"])
    return patchify + dims["stage_depths"][i] * block + layer_norm_cost(n, dim)


def _decoder_cost(dims: dict[str, Any], sides: list[int]) -> Cost:
    """Per stage a Linear to decoder_dim and a bilinear resize to the first stage's size (done
    even there), the concat, then the 1x1 fusing conv-BN-ReLU."""
    e, top = dims["decoder_dim"], sides[0] ** 2
    cost = Cost()
    for side, dim in zip(sides, dims["stage_dims"], strict=True):
        cost += linear_cost(side**2, dim, e) + elementwise(top * e)
    stages = len(dims["stage_dims"])
    return cost + elementwise(top * stages * e) + conv_bn_relu_cost(top, stages * e, e, 1)


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
    return total(costs(dims, seq_len)).flops


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One image. The forward resizes the logits (with the instance head's outputs, which it
    concats to them) bilinearly from 1/4 to the image size."""
    sides = mit_stage_sides(dims["image_size"])
    inputs = [dims["in_channels"], *dims["stage_dims"][:-1]]
    out = {
        f"stage{i + 1}": _stage_cost(dims, i, side, c_in)
        for i, (side, c_in) in enumerate(zip(sides, inputs, strict=True))
    }
    e, top = dims["decoder_dim"], sides[0] ** 2
    out["decoder"] = _decoder_cost(dims, sides)
    out["head"] = conv_cost(top, 1, e, dims["num_classes"])
    out["forward"] = elementwise(16 * top * dims["num_classes"])  # the 4x resize
    if dims["instance_head"]:
        out["instance_head"] = instance_head_cost(top, e)
        outputs = dims["num_classes"] + sum(INSTANCE_OUTPUTS)
        out["forward"] = elementwise(top * outputs) + elementwise(16 * top * outputs)
    return out
