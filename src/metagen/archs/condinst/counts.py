"""Exact parameters and forward FLOPs of CondInst (archs/condinst/model.py), from dims alone
(pure Python): the YOLOv8-style detector (archs/yolo/counts.py) plus the layers CondInst
adds, a controller branch per pyramid level and the stride-4 mask branch.

The constants and the two width rules are the model's: model.py could import them from here
(it cannot be imported here, as it imports torch).
"""

from __future__ import annotations

from typing import Any

from metagen.archs.yolo import counts as yolo
from metagen.archs.yolo.counts import (
    YOLO_STRIDES,
    branch_cost,
    level_pixels,
    yolo_cells,
    yolo_conv_cost,
)
from metagen.blueprint.cost import Cost, conv_cost, elementwise, total
from metagen.blueprint.counting import conv_bn, linear

CONDINST_MASK_CHANNELS = 8  # mask features per pixel (CondInst's)
CONDINST_HEAD_CHANNELS = 8  # width of the dynamic mask network (3 layers of 1x1 convs)


def condinst_param_count(mask_channels: int, head_channels: int) -> int:
    """Weights and biases of the dynamic network: (C + 2) -> h -> h -> 1, 1x1 convs."""
    c_in, h = mask_channels + 2, head_channels
    return c_in * h + h + h * h + h + h + 1


def condinst_controller_width(channels: list[int]) -> int:
    """Hidden width of the controller branches (YOLOv8-seg's coefficient branch rule)."""
    return max(channels[2] // 4, 32)


CONDINST_DYNAMIC_PARAMS = condinst_param_count(CONDINST_MASK_CHANNELS, CONDINST_HEAD_CHANNELS)


def _controller_params(dims: dict[str, Any]) -> dict[str, int]:
    """Per level: two 3x3 YoloConvs, then a 1x1 conv to the dynamic network's parameters."""
    hidden = condinst_controller_width(dims["channels"])
    out = CONDINST_DYNAMIC_PARAMS
    return {
        f"controller.{i}": conv_bn(c, hidden, 3) + conv_bn(hidden, hidden, 3) + linear(hidden, out)
        for i, c in enumerate(dims["channels"][2:])
    }


def _mask_branch_params(dims: dict[str, Any]) -> int:
    """P3 -> 3x3 conv -> 2x2 transposed conv (stride 4) -> 3x3 conv -> 1x1 conv to the mask
    features."""
    c3 = dims["channels"][2]
    transposed = c3 * c3 * 4 + c3  # with a bias
    return conv_bn(c3, c3, 3) + transposed + conv_bn(c3, c3, 3) + linear(c3, CONDINST_MASK_CHANNELS)


def layers(dims: dict[str, Any]) -> dict[str, int]:
    parts = {**_controller_params(dims), "mask_branch": _mask_branch_params(dims)}
    return {**yolo.layers(dims), **parts}


def _controller_cost(dims: dict[str, Any]) -> Cost:
    """A head-like branch per level (two 3x3 YoloConvs, a 1x1 conv to the dynamic network's
    parameters) over that level's cells."""
    hidden = condinst_controller_width(dims["channels"])
    levels = zip(dims["channels"][2:], YOLO_STRIDES, strict=True)
    branches = [
        branch_cost(level_pixels(dims, stride), c, hidden, CONDINST_DYNAMIC_PARAMS)
        for c, stride in levels
    ]
    return sum(branches, Cost())


def _mask_branch_cost(dims: dict[str, Any]) -> Cost:
    """The 3x3 YoloConv on P3, the 2x2 stride-2 transposed conv to stride 4 (FlopCounterMode
    counts it over its input pixels), the 3x3 YoloConv there and the 1x1 conv to the mask
    features."""
    c3 = dims["channels"][2]
    p3, mask = level_pixels(dims, 8), level_pixels(dims, 4)
    transposed = Cost(2 * p3 * 4 * c3 * c3, 1, mask * c3)
    out = conv_cost(mask, 1, c3, CONDINST_MASK_CHANNELS)
    return yolo_conv_cost(p3, c3, c3, 3) + transposed + yolo_conv_cost(mask, c3, c3, 3) + out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    return total(costs(dims, seq_len)).flops


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """The detector's, plus the controllers and the mask branch; the forward also concats
    every cell's dynamic parameters."""
    detector = yolo.costs(dims, seq_len)
    params = elementwise(CONDINST_DYNAMIC_PARAMS * yolo_cells(dims))
    return {
        **detector,
        "controller": _controller_cost(dims),
        "mask_branch": _mask_branch_cost(dims),
        "forward": detector["forward"] + params,
    }
