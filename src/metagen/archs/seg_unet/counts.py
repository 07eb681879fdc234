"""Exact parameters and forward FLOPs of the segmentation U-Net (archs/seg_unet/model.py), with
Panoptic-DeepLab's instance head (nn/panoptic_head.py, which SegFormer's counts share), from
dims alone (pure Python).

FLOPs follow blueprint/counting.py (FlopCounterMode's conventions): 2 * output pixels *
kernel area * c_in * c_out per conv (input pixels for a transposed conv); norms,
activations, pooling and resampling are free.
"""

from __future__ import annotations

from typing import Any

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


def instance_head_flops(pixels: int, channels: int) -> int:
    return sum(
        conv_flops(pixels, channels, channels, 3) + conv_flops(pixels, channels, out, 1)
        for out in INSTANCE_OUTPUTS
    )


def _conv_stage(c_in: int, c_out: int, n: int) -> int:
    """n 3x3 convs without bias, each followed by BatchNorm (scale and shift)."""
    return conv_bn(c_in, c_out, 3) + (n - 1) * conv_bn(c_out, c_out, 3)


def _conv_stage_flops(pixels: int, c_in: int, c_out: int, n: int) -> int:
    return conv_flops(pixels, c_in, c_out, 3) + (n - 1) * conv_flops(pixels, c_out, c_out, 3)


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


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    channels, n = _channels(dims), dims["convs_per_level"]
    size, levels = dims["image_size"], dims["levels"]
    pixels = [(size // 2**i) ** 2 for i in range(levels)]
    inputs = [dims["in_channels"], *channels[:-1]]
    total = sum(_conv_stage_flops(pixels[i], inputs[i], channels[i], n) for i in range(levels))
    for i in range(levels - 1):  # up from level i + 1 to level i
        total += conv_flops(pixels[i + 1], channels[i + 1], channels[i], 2)
        total += _conv_stage_flops(pixels[i], 2 * channels[i], channels[i], n)
    total += conv_flops(pixels[0], channels[0], dims["num_classes"], 1)
    if dims["instance_head"]:
        total += instance_head_flops(pixels[0], channels[0])
    return total
