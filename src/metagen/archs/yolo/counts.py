"""Exact parameters and forward FLOPs of the YOLOv8-style detector (archs/yolo/model.py), from
dims alone (pure Python).

FLOPs follow blueprint/counting.py (FlopCounterMode's): 2 * output pixels * kernel area *
c_in * c_out per conv; pooling, upsampling and norms are free. Costs (kernels, activations)
follow the eval forward's aten ops: an eval BatchNorm is two (an empty placeholder, then the
norm).

The strides and the head's width rule are the model's: model.py could import them from here
(it cannot be imported here, as it imports torch).
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.cost import Cost, conv_cost, elementwise, total
from metagen.blueprint.counting import conv_bn, linear

YOLO_STRIDES = (8, 16, 32)  # of the pyramid levels P3, P4, P5, as archs/yolo/model.py


def yolo_head_widths(channels: list[int], num_classes: int, reg_max: int) -> tuple[int, int]:
    """YOLOv8's hidden widths of the box and class branches, from the P3 width."""
    p3 = channels[2]
    return max(16, p3 // 4, 4 * reg_max), max(p3, min(num_classes, 100))


def _c2f(c_in: int, c_out: int, n: int) -> int:
    """A C2f stage's parameters."""
    c = c_out // 2
    return conv_bn(c_in, 2 * c, 1) + conv_bn((2 + n) * c, c_out, 1) + n * 2 * conv_bn(c, c, 3)


def _sppf(c_in: int, c_out: int) -> int:
    hidden = c_in // 2
    return conv_bn(c_in, hidden, 1) + conv_bn(4 * hidden, c_out, 1)


def _down(c_in: int, c_out: int) -> int:
    """A stride-2 3x3 YoloConv's parameters."""
    return conv_bn(c_in, c_out, 3)


def _branch(c_in: int, hidden: int, c_out: int) -> int:
    """A head branch's parameters: two 3x3 YoloConvs, a 1x1 conv with a bias."""
    return conv_bn(c_in, hidden, 3) + conv_bn(hidden, hidden, 3) + linear(hidden, c_out)


def _branch_outputs(dims: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """The head's branches: name -> (hidden width, output channels)."""
    box_hidden, cls_hidden = yolo_head_widths(
        dims["channels"], dims["num_classes"], dims["reg_max"]
    )
    return {"box": (box_hidden, 4 * dims["reg_max"]), "cls": (cls_hidden, dims["num_classes"])}


def layers(dims: dict[str, Any]) -> dict[str, int]:
    c1, c2, c3, c4, c5 = dims["channels"]
    b2, b3, b4, b5 = dims["c2f_blocks"]
    n = dims["neck_blocks"]
    found = {
        "backbone.p1": _down(dims["in_channels"], c1),
        "backbone.p2": _down(c1, c2) + _c2f(c2, c2, b2),
        "backbone.p3": _down(c2, c3) + _c2f(c3, c3, b3),
        "backbone.p4": _down(c3, c4) + _c2f(c4, c4, b4),
        "backbone.p5": _down(c4, c5) + _c2f(c5, c5, b5) + _sppf(c5, c5),
        "neck.top_down4": _c2f(c5 + c4, c4, n),
        "neck.top_down3": _c2f(c4 + c3, c3, n),
        "neck.down3": _down(c3, c3),
        "neck.bottom_up4": _c2f(c3 + c4, c4, n),
        "neck.down4": _down(c4, c4),
        "neck.bottom_up5": _c2f(c4 + c5, c5, n),
    }
    for branch, (hidden, out) in _branch_outputs(dims).items():
        for i, c in enumerate((c3, c4, c5)):
            found[f"head.{branch}.{i}"] = _branch(c, hidden, out)
    found["head.dfl"] = dims["reg_max"]  # the fixed projection (YOLOv8 counts it)
    return found


def yolo_conv_cost(pixels: int, c_in: int, c_out: int, kernel: int = 1) -> Cost:
    """A YoloConv writing `pixels` positions: the conv, the eval BatchNorm (an empty
    placeholder, then the norm) and the SiLU."""
    placeholder = Cost(0, 1, 0)
    return conv_cost(pixels, kernel**2, c_in, c_out) + placeholder + elementwise(pixels * c_out, 2)


def c2f_cost(pixels: int, c_in: int, c_out: int, n: int, shortcut: bool) -> Cost:
    """YoloC2f: the 1x1 YoloConv (its split is a view), n bottlenecks of two 3x3 YoloConvs
    (and a residual add when `shortcut`), the concat of every piece and the fusing 1x1."""
    c = c_out // 2
    bottleneck = 2 * yolo_conv_cost(pixels, c, c, 3)
    bottleneck += elementwise(pixels * c) if shortcut else Cost()
    pieces = elementwise(pixels * (2 + n) * c)  # the concat
    fuse = yolo_conv_cost(pixels, (2 + n) * c, c_out)
    return yolo_conv_cost(pixels, c_in, 2 * c) + n * bottleneck + pieces + fuse


def sppf_cost(pixels: int, c_in: int, c_out: int) -> Cost:
    """YoloSPPF: a 1x1 YoloConv, three 5x5 max-pools (each writing its indices beside its
    values), the concat and the fusing 1x1."""
    hidden = c_in // 2
    pools = elementwise(2 * pixels * hidden, 3)
    concat = elementwise(pixels * 4 * hidden)
    fuse = yolo_conv_cost(pixels, 4 * hidden, c_out)
    return yolo_conv_cost(pixels, c_in, hidden) + pools + concat + fuse


def level_pixels(dims: dict[str, Any], stride: int) -> int:
    """Positions of a feature map at `stride` (image_size is a multiple of 32)."""
    return (dims["image_size"] // stride) ** 2


def _backbone_cost(dims: dict[str, Any]) -> Cost:
    """p1's strided YoloConv, then per stage a strided YoloConv and a C2f with residuals;
    SPPF at P5."""
    c1, *widths = dims["channels"]
    cost = yolo_conv_cost(level_pixels(dims, 2), dims["in_channels"], c1, 3)
    c_in = c1
    for i, (c, blocks) in enumerate(zip(widths, dims["c2f_blocks"], strict=True)):
        pixels = level_pixels(dims, 4 * 2**i)
        cost += yolo_conv_cost(pixels, c_in, c, 3) + c2f_cost(pixels, c, c, blocks, True)
        c_in = c
    return cost + sppf_cost(level_pixels(dims, 32), c_in, c_in)


def _top_down_cost(pixels: int, c_up: int, c_skip: int, n: int) -> Cost:
    """A top-down step at `pixels` positions: the nearest upsample of the coarser level, the
    concat with the backbone's level and a C2f."""
    joined = elementwise(pixels * c_up) + elementwise(pixels * (c_up + c_skip))
    return joined + c2f_cost(pixels, c_up + c_skip, c_skip, n, False)


def _bottom_up_cost(pixels: int, c_down: int, c_skip: int, n: int) -> Cost:
    """A bottom-up step at `pixels` positions: the strided YoloConv of the finer level, the
    concat with the top-down level and a C2f."""
    joined = yolo_conv_cost(pixels, c_down, c_down, 3) + elementwise(pixels * (c_down + c_skip))
    return joined + c2f_cost(pixels, c_down + c_skip, c_skip, n, False)


def _neck_cost(dims: dict[str, Any]) -> Cost:
    """PAN: two top-down steps (to P4, then P3), then two bottom-up ones (to P4, then P5)."""
    _, _, c3, c4, c5 = dims["channels"]
    n = dims["neck_blocks"]
    p3, p4, p5 = (level_pixels(dims, stride) for stride in YOLO_STRIDES)
    top_down = _top_down_cost(p4, c5, c4, n) + _top_down_cost(p3, c4, c3, n)
    return top_down + _bottom_up_cost(p4, c3, c4, n) + _bottom_up_cost(p5, c4, c5, n)


def branch_cost(pixels: int, c_in: int, hidden: int, c_out: int) -> Cost:
    """A head branch: two 3x3 YoloConvs and a 1x1 conv with a bias."""
    first = yolo_conv_cost(pixels, c_in, hidden, 3)
    second = yolo_conv_cost(pixels, hidden, hidden, 3)
    return first + second + conv_cost(pixels, 1, hidden, c_out)


def yolo_cells(dims: dict[str, Any]) -> int:
    """The A cells of the three pyramid levels."""
    return sum(level_pixels(dims, stride) for stride in YOLO_STRIDES)


def _head_cost(dims: dict[str, Any]) -> Cost:
    """The box and class branches at each level, then the concat of the box logits, their
    softmax over the bins, the DFL projection (a 1x1 conv from reg_max bins to one distance
    per side and cell) and the concat of the class logits."""
    cost = Cost()
    for hidden, out in _branch_outputs(dims).values():
        for c, stride in zip(dims["channels"][2:], YOLO_STRIDES, strict=True):
            cost += branch_cost(level_pixels(dims, stride), c, hidden, out)
    cells, reg_max = yolo_cells(dims), dims["reg_max"]
    distributions = elementwise(4 * reg_max * cells, 2)  # the concat and the softmax
    dfl = conv_cost(4 * cells, 1, reg_max, 1)
    return cost + distributions + dfl + elementwise(dims["num_classes"] * cells)


def anchor_points_cost(dims: dict[str, Any]) -> Cost:
    """yolo_anchor_points: per level, each axis's ramp (arange, add, mul), the stacked grid
    and the strides; then the concat of the points and of the strides."""
    cost = Cost()
    for stride in YOLO_STRIDES:
        side = dims["image_size"] // stride
        cells = side * side
        cost += elementwise(side, 6) + elementwise(2 * cells) + elementwise(cells)
    cells = yolo_cells(dims)
    return cost + elementwise(2 * cells) + elementwise(cells)


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    return total(costs(dims, seq_len)).flops


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One image; the forward makes the anchor points."""
    return {
        "backbone": _backbone_cost(dims),
        "neck": _neck_cost(dims),
        "head": _head_cost(dims),
        "forward": anchor_points_cost(dims),
    }
