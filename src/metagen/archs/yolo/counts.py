"""Exact parameters and forward FLOPs of the YOLOv8-style detector (archs/yolo/model.py), from
dims alone (pure Python).

FLOPs follow blueprint/counting.py (FlopCounterMode's): 2 * output pixels * kernel area *
c_in * c_out per conv; pooling, upsampling and norms are free. Each part is counted per
output pixel, then times the pixels at its stride.

The strides and the head's width rule are the model's: model.py could import them from here
(it cannot be imported here, as it imports torch).
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import conv_bn, linear

YOLO_STRIDES = (8, 16, 32)  # of the pyramid levels P3, P4, P5, as archs/yolo/model.py


def yolo_head_widths(channels: list[int], num_classes: int, reg_max: int) -> tuple[int, int]:
    """YOLOv8's hidden widths of the box and class branches, from the P3 width."""
    p3 = channels[2]
    return max(16, p3 // 4, 4 * reg_max), max(p3, min(num_classes, 100))


def _c2f(c_in: int, c_out: int, n: int) -> tuple[int, int]:
    """(params, FLOPs per output pixel) of a C2f stage."""
    c = c_out // 2
    params = conv_bn(c_in, 2 * c, 1) + conv_bn((2 + n) * c, c_out, 1)
    params += n * 2 * conv_bn(c, c, 3)
    flops = 2 * (c_in * 2 * c + (2 + n) * c * c_out + n * 2 * 9 * c * c)
    return params, flops


def _sppf(c_in: int, c_out: int) -> tuple[int, int]:
    hidden = c_in // 2
    params = conv_bn(c_in, hidden, 1) + conv_bn(4 * hidden, c_out, 1)
    return params, 2 * (c_in * hidden + 4 * hidden * c_out)


def _down(c_in: int, c_out: int) -> tuple[int, int]:
    """A stride-2 3x3 YoloConv: (params, FLOPs per output pixel)."""
    return conv_bn(c_in, c_out, 3), 2 * 9 * c_in * c_out


def _stage(c_in: int, c_out: int, blocks: int, sppf: bool = False) -> tuple[int, int]:
    """A backbone stage: the stride-2 conv, its C2f and, at P5, SPPF."""
    parts = [_down(c_in, c_out), _c2f(c_out, c_out, blocks)]
    parts += [_sppf(c_out, c_out)] if sppf else []
    return sum(p for p, _ in parts), sum(f for _, f in parts)


def _head_parts(dims: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """The box and class branches at each pyramid level: (params, FLOPs per pixel, stride)."""
    c3, c4, c5 = dims["channels"][2:]
    box_hidden, cls_hidden = yolo_head_widths(
        dims["channels"], dims["num_classes"], dims["reg_max"]
    )
    parts = {}
    for branch, hidden, out in (
        ("box", box_hidden, 4 * dims["reg_max"]),
        ("cls", cls_hidden, dims["num_classes"]),
    ):
        for i, (c, stride) in enumerate(zip((c3, c4, c5), YOLO_STRIDES, strict=True)):
            params = conv_bn(c, hidden, 3) + conv_bn(hidden, hidden, 3) + linear(hidden, out)
            flops = 2 * (9 * c * hidden + 9 * hidden * hidden + hidden * out)
            parts[f"head.{branch}.{i}"] = (params, flops, stride)
    return parts


def _parts(dims: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """Layer path -> (params, FLOPs per output pixel, stride of the output)."""
    c1, c2, c3, c4, c5 = dims["channels"]
    b2, b3, b4, b5 = dims["c2f_blocks"]
    n = dims["neck_blocks"]
    parts = {
        "backbone.p1": (*_down(dims["in_channels"], c1), 2),
        "backbone.p2": (*_stage(c1, c2, b2), 4),
        "backbone.p3": (*_stage(c2, c3, b3), 8),
        "backbone.p4": (*_stage(c3, c4, b4), 16),
        "backbone.p5": (*_stage(c4, c5, b5, sppf=True), 32),
        "neck.top_down4": (*_c2f(c5 + c4, c4, n), 16),
        "neck.top_down3": (*_c2f(c4 + c3, c3, n), 8),
        "neck.down3": (*_down(c3, c3), 16),
        "neck.bottom_up4": (*_c2f(c3 + c4, c4, n), 16),
        "neck.down4": (*_down(c4, c4), 32),
        "neck.bottom_up5": (*_c2f(c4 + c5, c5, n), 32),
    }
    return {**parts, **_head_parts(dims)}


def layers(dims: dict[str, Any]) -> dict[str, int]:
    found = {name: params for name, (params, _, _) in _parts(dims).items()}
    found["head.dfl"] = dims["reg_max"]  # the fixed projection (YOLOv8 counts it)
    return found


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    size = dims["image_size"]
    cells = sum((size // stride) ** 2 for stride in YOLO_STRIDES)
    dfl = 2 * 4 * cells * dims["reg_max"]  # a 1x1 conv from reg_max bins to 1, per side and cell
    return dfl + sum(f * (size // stride) ** 2 for _, f, stride in _parts(dims).values())
