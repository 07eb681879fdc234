"""Exact parameters and forward FLOPs of CondInst (archs/condinst/model.py), from dims alone
(pure Python): the YOLOv8-style detector (archs/yolo/counts.py) plus the layers CondInst
adds, a controller branch per pyramid level and the stride-4 mask branch.

The constants and the two width rules are the model's: model.py could import them from here
(it cannot be imported here, as it imports torch).
"""

from __future__ import annotations

from typing import Any

from metagen.archs.yolo import counts as yolo
from metagen.archs.yolo.counts import YOLO_STRIDES
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


def _controllers(dims: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Per level: two 3x3 YoloConvs, then a 1x1 conv to the dynamic network's parameters."""
    size, hidden = dims["image_size"], condinst_controller_width(dims["channels"])
    out = CONDINST_DYNAMIC_PARAMS
    parts = {}
    for i, (c, stride) in enumerate(zip(dims["channels"][2:], YOLO_STRIDES, strict=True)):
        params = conv_bn(c, hidden, 3) + conv_bn(hidden, hidden, 3) + linear(hidden, out)
        per_pixel = 2 * (9 * c * hidden + 9 * hidden * hidden + hidden * out)
        parts[f"controller.{i}"] = (params, per_pixel * (size // stride) ** 2)
    return parts


def _mask_branch(dims: dict[str, Any]) -> tuple[int, int]:
    """P3 -> 3x3 conv -> 2x2 transposed conv (stride 4) -> 3x3 conv -> 1x1 conv to the mask
    features: (params, FLOPs)."""
    c3, size = dims["channels"][2], dims["image_size"]
    p3, p4 = (size // 8) ** 2, (size // 4) ** 2
    params = (
        conv_bn(c3, c3, 3)
        + c3 * c3 * 4
        + c3  # the transposed conv, with bias
        + conv_bn(c3, c3, 3)
        + linear(c3, CONDINST_MASK_CHANNELS)
    )
    # The transposed conv's FLOPs count its input pixels, as FlopCounterMode does.
    flops = (
        2 * p3 * 9 * c3 * c3
        + 2 * p3 * 4 * c3 * c3
        + 2 * p4 * 9 * c3 * c3
        + 2 * p4 * c3 * CONDINST_MASK_CHANNELS
    )
    return params, flops


def _parts(dims: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """The layers CondInst adds to the detector: (params, FLOPs)."""
    return {**_controllers(dims), "mask_branch": _mask_branch(dims)}


def layers(dims: dict[str, Any]) -> dict[str, int]:
    return {**yolo.layers(dims), **{name: p for name, (p, _) in _parts(dims).items()}}


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    return yolo.flops(dims, seq_len) + sum(f for _, f in _parts(dims).values())
