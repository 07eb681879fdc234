"""Exact parameters and forward FLOPs of the segmentation U-Net (`archs/seg_unet/model.py`) and SegFormer
(`archs/segformer/model.py`), with Panoptic-DeepLab's instance head (`nn/panoptic_head.py`), from dims
alone (pure Python).

FLOPs follow `counts.py` (FlopCounterMode's conventions): 2*m*n*k per matmul, 2 * output
pixels * kernel area * c_in/groups * c_out per conv (input pixels for a transposed conv),
4 * T_q * T_k * d per attention call; norms, activations, pooling and resampling are free.
"""

from __future__ import annotations

from typing import Any

Dims = dict[str, Any]

SEG_UNET_REQUIRED = (
    "image_size",
    "in_channels",
    "num_classes",
    "base_channels",
    "levels",
    "convs_per_level",
    "instance_head",
)
SEGFORMER_REQUIRED = (
    "image_size",
    "in_channels",
    "num_classes",
    "stage_dims",
    "stage_depths",
    "stage_heads",
    "sr_ratios",
    "mlp_ratio",
    "decoder_dim",
    "instance_head",
)
# (kernel, stride) of the MiT patch embeddings, as archs/segformer/model.py.
MIT_PATCH_EMBEDDINGS = ((7, 4), (3, 2), (3, 2), (3, 2))
INSTANCE_OUTPUTS = (1, 2)  # center heatmap, (dy, dx) offsets


def _conv(c_in: int, c_out: int, kernel: int, bias: bool = True, groups: int = 1) -> int:
    return c_in // groups * c_out * kernel * kernel + (c_out if bias else 0)


def _conv_flops(pixels: int, c_in: int, c_out: int, kernel: int, groups: int = 1) -> int:
    return 2 * pixels * kernel * kernel * (c_in // groups) * c_out


def _linear(d_in: int, d_out: int) -> int:
    return d_in * d_out + d_out


def _instance_head(channels: int) -> int:
    """Two branches: 3x3 conv (no bias) + BatchNorm + 1x1 conv to 1 or 2 outputs."""
    return sum(
        _conv(channels, channels, 3, bias=False) + 2 * channels + _conv(channels, out, 1)
        for out in INSTANCE_OUTPUTS
    )


def _instance_head_flops(pixels: int, channels: int) -> int:
    return sum(
        _conv_flops(pixels, channels, channels, 3) + _conv_flops(pixels, channels, out, 1)
        for out in INSTANCE_OUTPUTS
    )


# --- seg_unet --------------------------------------------------------------------------------


def _conv_stage(c_in: int, c_out: int, n: int) -> int:
    """n 3x3 convs without bias, each followed by BatchNorm (scale and shift)."""
    return (
        _conv(c_in, c_out, 3, bias=False)
        + (n - 1) * _conv(c_out, c_out, 3, bias=False)
        + (2 * c_out * n)
    )


def _conv_stage_flops(pixels: int, c_in: int, c_out: int, n: int) -> int:
    return _conv_flops(pixels, c_in, c_out, 3) + (n - 1) * _conv_flops(pixels, c_out, c_out, 3)


def _seg_unet_channels(d: Dims) -> list[int]:
    return [d["base_channels"] * 2**i for i in range(d["levels"])]


def seg_unet_layers(d: Dims) -> dict[str, int]:
    channels, n = _seg_unet_channels(d), d["convs_per_level"]
    inputs = [d["in_channels"], *channels[:-2]]
    layers = {
        f"encoder.{i}": _conv_stage(c_in, c, n)
        for i, (c_in, c) in enumerate(zip(inputs, channels[:-1], strict=True))
    }
    layers["bottleneck"] = _conv_stage(channels[-2], channels[-1], n)
    for j, i in enumerate(reversed(range(d["levels"] - 1))):  # deepest level first
        up = _conv(channels[i + 1], channels[i], 2)  # transposed conv, with bias
        layers[f"decoder.{j}"] = up + _conv_stage(2 * channels[i], channels[i], n)
    layers["head"] = _conv(channels[0], d["num_classes"], 1)
    if d["instance_head"]:
        layers["instance_head"] = _instance_head(channels[0])
    return layers


def seg_unet_flops(d: Dims, seq_len: int | None = None) -> int:
    channels, n = _seg_unet_channels(d), d["convs_per_level"]
    size, levels = d["image_size"], d["levels"]
    pixels = [(size // 2**i) ** 2 for i in range(levels)]
    inputs = [d["in_channels"], *channels[:-1]]
    flops = sum(_conv_stage_flops(pixels[i], inputs[i], channels[i], n) for i in range(levels))
    for i in range(levels - 1):  # up from level i + 1 to level i
        flops += _conv_flops(pixels[i + 1], channels[i + 1], channels[i], 2)
        flops += _conv_stage_flops(pixels[i], 2 * channels[i], channels[i], n)
    flops += _conv_flops(pixels[0], channels[0], d["num_classes"], 1)
    if d["instance_head"]:
        flops += _instance_head_flops(pixels[0], channels[0])
    return flops


# --- segformer -------------------------------------------------------------------------------


def mit_stage_sides(image_size: int) -> list[int]:
    sides, side = [], image_size
    for kernel, stride in MIT_PATCH_EMBEDDINGS:
        side = (side + 2 * (kernel // 2) - kernel) // stride + 1
        sides.append(side)
    return sides


def _mit_block(dim: int, sr: int, mlp_ratio: int) -> int:
    hidden = mlp_ratio * dim
    attention = _linear(dim, dim) + _linear(dim, 2 * dim) + _linear(dim, dim)
    if sr > 1:
        attention += _conv(dim, dim, sr) + 2 * dim  # reduction conv and its LayerNorm
    mlp = _linear(dim, hidden) + _conv(hidden, hidden, 3, groups=hidden) + _linear(hidden, dim)
    return attention + mlp + 2 * 2 * dim  # two LayerNorms


def segformer_layers(d: Dims) -> dict[str, int]:
    inputs = [d["in_channels"], *d["stage_dims"][:-1]]
    layers: dict[str, int] = {}
    for i, (c_in, dim) in enumerate(zip(inputs, d["stage_dims"], strict=True)):
        kernel, _ = MIT_PATCH_EMBEDDINGS[i]
        name = f"stage{i + 1}"
        layers[f"{name}.patch_embedding"] = _conv(c_in, dim, kernel) + 2 * dim
        block = _mit_block(dim, d["sr_ratios"][i], d["mlp_ratio"])
        layers.update({f"{name}.blocks.{j}": block for j in range(d["stage_depths"][i])})
        layers[f"{name}.norm"] = 2 * dim
    e = d["decoder_dim"]
    projections = sum(_linear(dim, e) for dim in d["stage_dims"])
    layers["decoder"] = projections + _conv(len(d["stage_dims"]) * e, e, 1, bias=False) + 2 * e
    layers["head"] = _conv(e, d["num_classes"], 1)
    if d["instance_head"]:
        layers["instance_head"] = _instance_head(e)
    return layers


def segformer_flops(d: Dims, seq_len: int | None = None) -> int:
    sides = mit_stage_sides(d["image_size"])
    inputs = [d["in_channels"], *d["stage_dims"][:-1]]
    flops = 0
    for i, (c_in, dim) in enumerate(zip(inputs, d["stage_dims"], strict=True)):
        kernel, _ = MIT_PATCH_EMBEDDINGS[i]
        n, sr, hidden = sides[i] ** 2, d["sr_ratios"][i], d["mlp_ratio"] * dim
        m = (sides[i] // sr) ** 2  # keys and values after the reduction conv
        block = 2 * n * dim * dim + 2 * m * dim * 2 * dim + 4 * n * m * dim + 2 * n * dim * dim
        if sr > 1:
            block += _conv_flops(m, dim, dim, sr)
        block += 2 * n * dim * hidden * 2 + _conv_flops(n, hidden, hidden, 3, groups=hidden)
        flops += _conv_flops(n, c_in, dim, kernel) + d["stage_depths"][i] * block
    e, top = d["decoder_dim"], sides[0] ** 2
    flops += sum(2 * side**2 * dim * e for side, dim in zip(sides, d["stage_dims"], strict=True))
    flops += _conv_flops(top, len(d["stage_dims"]) * e, e, 1)
    flops += _conv_flops(top, e, d["num_classes"], 1)
    if d["instance_head"]:
        flops += _instance_head_flops(top, e)
    return flops
