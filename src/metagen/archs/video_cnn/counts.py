"""Exact parameters, forward FLOPs and costs of the 3D ResNet (model.py, R3D), from dims
alone: the ResNet's walk over stages (archs/resnet) over (time, height, width). Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.archs.resnet.counts import (
    RESNET_EXPANSION,
    Conv,
    by_component,
    resnet_convs,
    resnet_features,
    resnet_walk_costs,
)
from metagen.blueprint.cost import Cost, elementwise, linear_cost, total
from metagen.blueprint.counting import linear, pick

# stem -> (kernel, stride), each (time, height, width); as model.py's VIDEO_CNN_STEMS. Neither
# stem max-pools.
VIDEO_CNN_STEM = {"kinetics": ((3, 7, 7), (1, 2, 2)), "small": ((3, 3, 3), (1, 1, 1))}


def _convs(d: dict[str, Any]) -> dict[str, list[Conv]]:
    pick(RESNET_EXPANSION, d, "block")
    kernel, stride = pick(VIDEO_CNN_STEM, d, "stem")
    if len(d["layers"]) != 4:
        raise ValueError(f"layers must list 4 stage depths, got {list(d['layers'])}")
    stem = Conv(d["in_channels"], d["width"], kernel, stride)
    return resnet_convs(d["block"], d["layers"], d["width"], stem)


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """stem, stage{i}.{j}, head."""
    out = {name: sum(c.params() for c in convs) for name, convs in _convs(dims).items()}
    out["head"] = linear(resnet_features(dims["width"], dims["block"]), dims["num_classes"])
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One clip of num_frames at resolution."""
    return total(costs(dims, seq_len)).flops


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One clip of num_frames at resolution: the stem (no max-pool) and stages, the global
    average pool (its own parameter-free module, `pool`) and the head on the pooled
    features."""
    size = (dims["num_frames"], *dims["resolution"])  # (T, H, W)
    layer_costs, _ = resnet_walk_costs(_convs(dims), size, pool=False)
    features = resnet_features(dims["width"], dims["block"])
    return {
        **by_component(layer_costs),
        "pool": elementwise(features),
        "head": linear_cost(1, features, dims["num_classes"]),
    }
