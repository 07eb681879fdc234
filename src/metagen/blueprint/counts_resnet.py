"""Exact parameters and forward FLOPs of ResNets, from dims alone: `resnet`
(archs/resnet/model.py), and the same walk over stages for DETR's backbone and the 3-D
ResNet of `video_cnn`. Pure Python."""

from __future__ import annotations

import math
from dataclasses import dataclass

from metagen.blueprint.counting import Dims, conv_out, linear, pick
from metagen.blueprint.counts_pieces import batch_norm, conv, conv_flops, linear_flops

RESNET_EXPANSION = {"basic": 1, "bottleneck": 4}
RESNET_STEM_CONV = {"imagenet": (7, 2), "cifar": (3, 1)}  # (kernel, stride)
RESNET_STEM_MAXPOOL = {"imagenet": True, "cifar": False}  # 3x3, stride 2, padding 1
Size = tuple[int, ...]  # one length per spatial axis: (H, W) or (T, H, W)


@dataclass(frozen=True)
class Conv:
    """One bias-free conv and its BatchNorm, enough to count its parameters and FLOPs."""

    c_in: int
    c_out: int
    kernel: Size
    stride: Size
    shortcut: bool = False  # reads the block's input, not the previous conv's output

    def params(self) -> int:
        return conv(self.c_in, self.c_out, self.kernel, bias=False) + batch_norm(self.c_out)

    def out_size(self, size: Size) -> Size:
        axes = zip(size, self.kernel, self.stride, strict=True)
        return tuple(conv_out(n, k, s, k // 2) for n, k, s in axes)

    def flops(self, size: Size) -> int:
        return conv_flops(math.prod(self.out_size(size)), self.c_in, self.c_out, self.kernel)


def _block_convs(block: str, c_in: int, channels: int, stride: Size) -> list[Conv]:
    axes = len(stride)
    k1, k3, c_out = (1,) * axes, (3,) * axes, channels * RESNET_EXPANSION[block]
    if block == "basic":
        convs = [Conv(c_in, channels, k3, stride), Conv(channels, channels, k3, k1)]
    else:  # bottleneck, with the stride on the 3x3 as in torchvision
        convs = [Conv(c_in, channels, k1, k1), Conv(channels, channels, k3, stride)]
        convs.append(Conv(channels, c_out, k1, k1))
    if stride != k1 or c_in != c_out:
        convs.append(Conv(c_in, c_out, k1, stride, shortcut=True))  # the downsample path
    return convs


def resnet_convs(block: str, depths: list[int], width: int, stem: Conv) -> dict[str, list[Conv]]:
    """Convs per layer name: stem, stage{i}.{j}; stage i has width * 2**i channels."""
    layers, c_in = {"stem": [stem]}, width
    for i, depth in enumerate(depths):
        channels = width * 2**i
        for j in range(depth):
            stride = (2 if i > 0 and j == 0 else 1,) * len(stem.kernel)
            layers[f"stage{i + 1}.{j}"] = _block_convs(block, c_in, channels, stride)
            c_in = channels * RESNET_EXPANSION[block]
    return layers


def resnet_walk_flops(convs: dict[str, list[Conv]], size: Size, pool: bool) -> tuple[int, Size]:
    """(FLOPs, output size) of the convs at input `size`; `pool`: the stem's 3x3 max-pool."""
    flops = 0
    for name, layer in convs.items():
        side = size  # the main path's current size
        for c in layer:
            flops += c.flops(size if c.shortcut else side)
            if not c.shortcut:
                side = c.out_size(side)
        if name == "stem" and pool:
            side = tuple(conv_out(n, 3, 2, 1) for n in side)
        size = side
    return flops, size


def resnet_features(width: int, block: str) -> int:
    return 8 * width * RESNET_EXPANSION[block]


def _resnet_convs(d: Dims) -> dict[str, list[Conv]]:
    pick(RESNET_EXPANSION, d, "block")
    kernel, stride = pick(RESNET_STEM_CONV, d, "stem")
    if len(d["layers"]) != 4:
        raise ValueError(f"layers must list 4 stage depths, got {list(d['layers'])}")
    stem = Conv(d["in_channels"], d["width"], (kernel, kernel), (stride, stride))
    return resnet_convs(d["block"], d["layers"], d["width"], stem)


def resnet_layers(d: Dims) -> dict[str, int]:
    layers = {name: sum(c.params() for c in convs) for name, convs in _resnet_convs(d).items()}
    layers["head"] = linear(resnet_features(d["width"], d["block"]), d["num_classes"])
    return layers


def resnet_flops(d: Dims, seq_len: int | None) -> int:
    size = (d["image_size"], d["image_size"])
    pool = pick(RESNET_STEM_MAXPOOL, d, "stem")
    flops, _ = resnet_walk_flops(_resnet_convs(d), size, pool)
    features = resnet_features(d["width"], d["block"])
    return flops + linear_flops(1, features, d["num_classes"])
