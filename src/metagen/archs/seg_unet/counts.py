"""Exact parameters and forward FLOPs of the segmentation U-Net (archs/seg_unet/model.py), with
Panoptic-DeepLab's instance head (nn/panoptic_head.py, which SegFormer's counts share), from
dims alone (pure Python).

FLOPs follow blueprint/counting.py (FlopCounterMode's conventions): 2 * output pixels *
kernel area * c_in * c_out per conv (input pixels for a transposed conv); norms,
activations, pooling and resampling are free. Costs (kernels, activations) follow the eval
forward's aten ops: an eval BatchNorm is two (an empty placeholder, then the norm).
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.cost import Cost, conv_cost, elementwise, total
from metagen.blueprint.counting import conv_bn, linear

INSTANCE_OUTPUTS = (1, 2)  # center heatmap, (dy, dx) offsets


def conv_flops(pixels: int, c_in: int, c_out: int, kernel: int, groups: int = 1) -> int:
    """A conv over `pixels` output pixels (input pixels for a transposed conv, as
    FlopCounterMode counts it); `groups` splits the input channels."""
    return 2 * pixels * kernel * kernel * (c_in // groups) * c_out


def instance_head_params(channels: int) -> int:
    """Two branches: 3x3 conv (no bias) + BatchNorm + 1x1 conv to 1 or 2 outputs (a 1x1 conv
    is a linear per pixel)."""
    return sum(conv_bn(channels, channels, 3) + linear(channels, out) for out in INSTANCE_OUTPUTS)


def conv_bn_relu_cost(pixels: int, c_in: int, c_out: int, kernel: int) -> Cost:
    """A bias-free conv writing `pixels` positions, its eval BatchNorm (an empty placeholder,
    then the norm) and the ReLU."""
    placeholder = Cost(0, 1, 0)
    return conv_cost(pixels, kernel**2, c_in, c_out) + placeholder + elementwise(pixels * c_out, 2)


def instance_head_cost(pixels: int, channels: int) -> Cost:
    """Per branch a 3x3 conv-BN-ReLU and a 1x1 conv to its outputs, then their concat."""
    branches = [
        conv_bn_relu_cost(pixels, channels, channels, 3) + conv_cost(pixels, 1, channels, out)
        for out in INSTANCE_OUTPUTS
    ]
    return sum(branches, Cost()) + elementwise(pixels * sum(INSTANCE_OUTPUTS))


def _conv_stage(c_in: int, c_out: int, n: int) -> int:
    """n 3x3 convs without bias, each followed by BatchNorm (scale and shift)."""
    return conv_bn(c_in, c_out, 3) + (n - 1) * conv_bn(c_out, c_out, 3)


def _conv_stage_cost(pixels: int, c_in: int, c_out: int, n: int) -> Cost:
    """SegConvStage: n 3x3 conv-BN-ReLUs, the first from c_in."""
    rest = (n - 1) * conv_bn_relu_cost(pixels, c_out, c_out, 3)
    return conv_bn_relu_cost(pixels, c_in, c_out, 3) + rest


def _channels(dims: dict[str, Any]) -> list[int]:
    """Level i has base_channels * 2**i channels."""
    return [dims["base_channels"] * 2**i for i in range(dims["levels"])]


def layers(dims: dict[str, Any]) -> dict[str, int]:
    channels, n = _channels(dims), dims["convs_per_level"]
    inputs = [dims["in_channels"], *channels[:-2]]
    found = {
        f"encoder.{i}": _conv_stage(c_in, c, n)
        for i, (c_in, c) in enumerate(zip(inputs, channels[:-1], strict=True))
    }
    found["bottleneck"] = _conv_stage(channels[-2], channels[-1], n)
    for j, i in enumerate(reversed(range(dims["levels"] - 1))):  # deepest level first
        up = linear(4 * channels[i + 1], channels[i])  # the 2x2 transposed conv, with bias
        found[f"decoder.{j}"] = up + _conv_stage(2 * channels[i], channels[i], n)
    found["head"] = linear(channels[0], dims["num_classes"])  # a 1x1 conv
    if dims["instance_head"]:
        found["instance_head"] = instance_head_params(channels[0])
    return found


def _up_stage_cost(pixels: int, c_in: int, c_out: int, n: int) -> Cost:
    """SegUpStage writing `pixels` positions: the 2x2 stride-2 transposed conv (its FLOPs
    over its input pixels, a quarter of them), the concat with the skip, the conv stage."""
    up = Cost(conv_flops(pixels // 4, c_in, c_out, 2), 1, pixels * c_out)
    return up + elementwise(pixels * 2 * c_out) + _conv_stage_cost(pixels, 2 * c_out, c_out, n)


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    return total(costs(dims, seq_len)).flops


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One image. The forward max-pools after each encoder stage (writing its indices beside
    its values) and, with the instance head, concats its outputs to the logits."""
    channels, n = _channels(dims), dims["convs_per_level"]
    size, levels = dims["image_size"], dims["levels"]
    pixels = [(size // 2**i) ** 2 for i in range(levels)]
    inputs = [dims["in_channels"], *channels[:-1]]
    stages = [_conv_stage_cost(pixels[i], inputs[i], channels[i], n) for i in range(levels)]
    ups = [
        _up_stage_cost(pixels[i], channels[i + 1], channels[i], n)
        for i in reversed(range(levels - 1))
    ]
    pools = [elementwise(2 * pixels[i + 1] * channels[i]) for i in range(levels - 1)]
    out = {
        "encoder": sum(stages[:-1], Cost()),
        "bottleneck": stages[-1],
        "decoder": sum(ups, Cost()),
        "head": conv_cost(pixels[0], 1, channels[0], dims["num_classes"]),
        "forward": sum(pools, Cost()),
    }
    if dims["instance_head"]:
        out["instance_head"] = instance_head_cost(pixels[0], channels[0])
        out["forward"] += elementwise(pixels[0] * (dims["num_classes"] + sum(INSTANCE_OUTPUTS)))
    return out
