"""Exact parameters and forward FLOPs of the ResNet classifier (model.py), from dims alone.
Its walk over stages is public: DETR's backbone is these stages, and video_cnn's 3-D ResNet
is the same walk over (T, H, W). Pure Python.

Every conv is bias-free and followed by a BatchNorm (scale and shift). FLOPs follow
FlopCounterMode: 2 * output positions * kernel volume * c_in * c_out per conv, the head's
matmul; BatchNorm, ReLU and pooling are free. Costs (kernels, activations) follow the eval
forward's aten ops: an eval BatchNorm is two (an empty placeholder, then the norm).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from metagen.blueprint.cost import Cost, elementwise, linear_cost, total
from metagen.blueprint.counting import conv_out, linear, pick

RESNET_EXPANSION = {"basic": 1, "bottleneck": 4}
RESNET_STEM_CONV = {"imagenet": (7, 2), "cifar": (3, 1)}  # (kernel, stride)
RESNET_STEM_MAXPOOL = {"imagenet": True, "cifar": False}  # 3x3, stride 2, padding 1
Size = tuple[int, ...]  # one length per spatial axis: (H, W), or (T, H, W) for video


@dataclass(frozen=True)
class Conv:
    """One bias-free conv and its BatchNorm, enough to count its parameters and FLOPs."""

    c_in: int
    c_out: int
    kernel: Size
    stride: Size
    shortcut: bool = False  # reads the block's input, not the previous conv's output

    def params(self) -> int:
        return self.c_in * self.c_out * math.prod(self.kernel) + 2 * self.c_out

    def out_size(self, size: Size) -> Size:
        axes = zip(size, self.kernel, self.stride, strict=True)
        return tuple(conv_out(n, k, s, k // 2) for n, k, s in axes)

    def flops(self, size: Size) -> int:
        outputs = math.prod(self.out_size(size))
        return 2 * outputs * math.prod(self.kernel) * self.c_in * self.c_out

    def cost(self, size: Size) -> Cost:
        """The conv, then its eval BatchNorm: an empty placeholder for the saved statistics
        (one kernel, no element) and the norm, which writes the conv's output again."""
        written = math.prod(self.out_size(size)) * self.c_out
        return Cost(self.flops(size), 3, 2 * written)


def block_convs(block: str, c_in: int, channels: int, stride: Size) -> list[Conv]:
    """The convs of one basic or bottleneck block, the downsample path last (where needed)."""
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
    """Convs per layer name: stem, stage{i}.{j}; stage i has width * 2**i channels, and its
    first block strides by 2 (but stage 1's)."""
    convs, c_in = {"stem": [stem]}, width
    for i, depth in enumerate(depths):
        channels = width * 2**i
        for j in range(depth):
            stride = (2 if i > 0 and j == 0 else 1,) * len(stem.kernel)
            convs[f"stage{i + 1}.{j}"] = block_convs(block, c_in, channels, stride)
            c_in = channels * RESNET_EXPANSION[block]
    return convs


def block_cost(convs: list[Conv], size: Size) -> tuple[Cost, Size]:
    """(cost, output size) of one block at input `size`: each main-path conv-BN and its ReLU,
    the downsample conv-BN, and the residual add (the last ReLU follows the add)."""
    cost, side, channels = Cost(), size, 0
    for c in convs:
        cost += c.cost(size if c.shortcut else side)
        if not c.shortcut:
            side, channels = c.out_size(side), c.c_out
            cost += elementwise(math.prod(side) * channels)  # the ReLU
    return cost + elementwise(math.prod(side) * channels), side


def stem_cost(stem: Conv, size: Size, pool: bool) -> tuple[Cost, Size]:
    """(cost, output size) of the stem: conv-BN, ReLU and the 3x3 stride-2 max-pool, which
    writes its indices beside its values."""
    side = stem.out_size(size)
    cost = stem.cost(size) + elementwise(math.prod(side) * stem.c_out)
    if pool:
        side = tuple(conv_out(n, 3, 2, 1) for n in side)
        cost += elementwise(2 * math.prod(side) * stem.c_out)
    return cost, side


def resnet_walk_costs(
    convs: dict[str, list[Conv]], size: Size, pool: bool
) -> tuple[dict[str, Cost], Size]:
    """(cost per layer name, output size) of the convs at input `size`; `pool`: the stem's
    3x3 max-pool."""
    costs: dict[str, Cost] = {}
    for name, layer in convs.items():
        if name == "stem":
            costs[name], size = stem_cost(layer[0], size, pool)
        else:
            costs[name], size = block_cost(layer, size)
    return costs, size


def resnet_walk_flops(convs: dict[str, list[Conv]], size: Size, pool: bool) -> tuple[int, Size]:
    """(FLOPs, output size) of the convs at input `size`; `pool`: the stem's 3x3 max-pool."""
    costs, size = resnet_walk_costs(convs, size, pool)
    return total(costs).flops, size


def by_component(layer_costs: dict[str, Cost]) -> dict[str, Cost]:
    """Layer costs summed per component, the first part of each layer's name."""
    out: dict[str, Cost] = {}
    for name, cost in layer_costs.items():
        component = name.split(".")[0]
        out[component] = out.get(component, Cost()) + cost
    return out


def resnet_features(width: int, block: str) -> int:
    """Channels out of stage 4, which the head reads."""
    return 8 * width * RESNET_EXPANSION[block]


def _convs(d: dict[str, Any]) -> dict[str, list[Conv]]:
    pick(RESNET_EXPANSION, d, "block")
    kernel, stride = pick(RESNET_STEM_CONV, d, "stem")
    if len(d["layers"]) != 4:
        raise ValueError(f"layers must list 4 stage depths, got {list(d['layers'])}")
    stem = Conv(d["in_channels"], d["width"], (kernel, kernel), (stride, stride))
    return resnet_convs(d["block"], d["layers"], d["width"], stem)


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """stem, stage{i}.{j}, head."""
    out = {name: sum(c.params() for c in convs) for name, convs in _convs(dims).items()}
    out["head"] = linear(resnet_features(dims["width"], dims["block"]), dims["num_classes"])
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One image of image_size."""
    return total(costs(dims, seq_len)).flops


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One image of image_size: the stem and stages, the global average pool (its own
    parameter-free module, `pool`) and the head on the pooled features."""
    if "image_size" not in dims:
        raise ValueError("resnet dims need image_size to count FLOPs (or pass image_size=)")
    size = (dims["image_size"], dims["image_size"])
    pool = pick(RESNET_STEM_MAXPOOL, dims, "stem")
    layer_costs, _ = resnet_walk_costs(_convs(dims), size, pool)
    features = resnet_features(dims["width"], dims["block"])
    return {
        **by_component(layer_costs),
        "pool": elementwise(features),
        "head": linear_cost(1, features, dims["num_classes"]),
    }
