"""Exact parameters and forward FLOPs of the segmentation U-Net (`archs/seg_unet/model.py`) and
SegFormer (`archs/segformer/model.py`), with Panoptic-DeepLab's instance head
(`nn/panoptic_head.py`), from dims alone (pure Python). Grouped convs count c_in/groups
inputs per output; norms, activations, pooling and resampling are free.
"""

from __future__ import annotations

from metagen.blueprint.counting import Dims, conv_bn, conv_out, layer_norm, linear
from metagen.blueprint.counts_pieces import (
    batch_norm,
    conv,
    conv_flops,
    cross_attention_flops,
    cross_attention_params,
    linear_flops,
    mlp_flops,
    stack,
)
from metagen.blueprint.counts_source import model_constant

INSTANCE_OUTPUTS = (1, 2)  # center heatmap, (dy, dx) offsets


def _instance_head(channels: int) -> int:
    """Two branches: 3x3 conv (no bias) + BatchNorm + 1x1 conv to 1 or 2 outputs."""
    return sum(conv_bn(channels, channels, 3) + conv(channels, out, 1) for out in INSTANCE_OUTPUTS)


def _instance_head_flops(pixels: int, channels: int) -> int:
    return sum(
        conv_flops(pixels, channels, channels, 3) + conv_flops(pixels, channels, out, 1)
        for out in INSTANCE_OUTPUTS
    )


# --- seg_unet --------------------------------------------------------------------------------


def _conv_stage(c_in: int, c_out: int, n: int) -> int:
    """n 3x3 convs without bias, each followed by BatchNorm (scale and shift)."""
    return conv_bn(c_in, c_out, 3) + (n - 1) * conv_bn(c_out, c_out, 3)


def _conv_stage_flops(pixels: int, c_in: int, c_out: int, n: int) -> int:
    return conv_flops(pixels, c_in, c_out, 3) + (n - 1) * conv_flops(pixels, c_out, c_out, 3)


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
        up = conv(channels[i + 1], channels[i], 2)  # transposed conv, with bias
        layers[f"decoder.{j}"] = up + _conv_stage(2 * channels[i], channels[i], n)
    layers["head"] = conv(channels[0], d["num_classes"], 1)
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
        flops += conv_flops(pixels[i + 1], channels[i + 1], channels[i], 2)
        flops += _conv_stage_flops(pixels[i], 2 * channels[i], channels[i], n)
    flops += conv_flops(pixels[0], channels[0], d["num_classes"], 1)
    if d["instance_head"]:
        flops += _instance_head_flops(pixels[0], channels[0])
    return flops


# --- segformer -------------------------------------------------------------------------------


def _patch_embeddings() -> tuple[tuple[int, int], ...]:
    """(kernel, stride) of each MiT stage's overlapping patch embedding."""
    return model_constant("segformer", "MIT_PATCH_EMBEDDINGS")


def mit_stage_sides(image_size: int) -> list[int]:
    sides, side = [], image_size
    for kernel, stride in _patch_embeddings():
        side = conv_out(side, kernel, stride, kernel // 2)
        sides.append(side)
    return sides


def _mit_block(dim: int, sr: int, mlp_ratio: int) -> int:
    hidden = mlp_ratio * dim
    attention = cross_attention_params(dim, dim)  # keys and values from the reduced tokens
    if sr > 1:
        attention += conv(dim, dim, sr) + layer_norm(dim)  # the reduction conv and its norm
    mlp = linear(dim, hidden) + conv(hidden, hidden, 3, groups=hidden) + linear(hidden, dim)
    return attention + mlp + 2 * layer_norm(dim)


def _mit_block_flops(side: int, dim: int, sr: int, hidden: int) -> int:
    n, m = side**2, (side // sr) ** 2  # queries; keys and values after the reduction conv
    flops = cross_attention_flops(n, m, dim, dim)
    if sr > 1:
        flops += conv_flops(m, dim, dim, sr)
    return flops + mlp_flops(n, dim, hidden) + conv_flops(n, hidden, hidden, 3, groups=hidden)


def segformer_layers(d: Dims) -> dict[str, int]:
    inputs = [d["in_channels"], *d["stage_dims"][:-1]]
    layers: dict[str, int] = {}
    for i, (c_in, dim) in enumerate(zip(inputs, d["stage_dims"], strict=True)):
        kernel, _ = _patch_embeddings()[i]
        name = f"stage{i + 1}"
        layers[f"{name}.patch_embedding"] = conv(c_in, dim, kernel) + layer_norm(dim)
        block = _mit_block(dim, d["sr_ratios"][i], d["mlp_ratio"])
        layers.update(stack(f"{name}.blocks", d["stage_depths"][i], block))
        layers[f"{name}.norm"] = layer_norm(dim)
    e = d["decoder_dim"]
    projections = sum(linear(dim, e) for dim in d["stage_dims"])
    fuse = conv(len(d["stage_dims"]) * e, e, 1, bias=False) + batch_norm(e)
    layers["decoder"] = projections + fuse
    layers["head"] = conv(e, d["num_classes"], 1)
    if d["instance_head"]:
        layers["instance_head"] = _instance_head(e)
    return layers


def segformer_flops(d: Dims, seq_len: int | None = None) -> int:
    sides = mit_stage_sides(d["image_size"])
    inputs = [d["in_channels"], *d["stage_dims"][:-1]]
    flops = 0
    for i, (c_in, dim) in enumerate(zip(inputs, d["stage_dims"], strict=True)):
        kernel, _ = _patch_embeddings()[i]
        block = _mit_block_flops(sides[i], dim, d["sr_ratios"][i], d["mlp_ratio"] * dim)
        flops += conv_flops(sides[i] ** 2, c_in, dim, kernel) + d["stage_depths"][i] * block
    e, top = d["decoder_dim"], sides[0] ** 2
    stages = zip(sides, d["stage_dims"], strict=True)
    flops += sum(linear_flops(side**2, dim, e) for side, dim in stages)
    flops += conv_flops(top, len(d["stage_dims"]) * e, e, 1)
    flops += conv_flops(top, e, d["num_classes"], 1)
    if d["instance_head"]:
        flops += _instance_head_flops(top, e)
    return flops
