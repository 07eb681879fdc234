"""Standard shapes of the detectors, for the budget solver.

yolo: YOLOv8's scale table. A width multiple scales the 64..1024 channels of P1..P5 (rounded
up to multiples of 8, capped at a max_channels that falls as width grows: 1024 up to 0.5x,
768 to 0.75x, 512 beyond), and the depth knob n sets the backbone's C2f bottlenecks to
n, 2n, 2n, n and the pyramid's to n. YOLOv8 n/s/m/l/x are (0.25, 1), (0.5, 1), (0.75, 2),
(1.0, 3) and (1.25, 3); params are affine in n, as the solver needs.

detr: DETR's transformer width with a backbone to match: ResNet-18-like basic blocks (32 or
64 wide) under 256, ResNet-50 from 256 (DETR's); heads of 32 channels, an 8x MLP (DETR's
256/2048); the depth knob sets both the encoder and decoder layers (DETR: 6 and 6).

`shapes.py` imports this module for its registries, so it imports `Shape` lazily.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

from metagen.blueprint.shape_builds import at_depth

YOLO_WIDTH_MULTIPLES = (0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0, 1.25, 1.5, 2.0)
YOLO_BASE_CHANNELS = (64, 128, 256, 512, 1024)
YOLO_MAX_DEPTH = 4
DETR_WIDTHS = (128, 192, 256, 384, 512)
DETR_MAX_LAYERS = 8

DETECTION_DEFAULT_BUDGET = {
    "yolo": 3_200_000,  # the YOLOv8n class (3,157,200)
    "detr": 41_500_000,  # the DETR-R50 class (41.3M)
    "condinst": 3_500_000,  # YOLOv8n with its mask branches (3.4M)
}


def yolo_max_channels(width: float) -> int:
    return 1024 if width <= 0.5 else 768 if width <= 0.75 else 512


def yolo_channels(width: float) -> list[int]:
    """P1..P5 channels of a width multiple, as Ultralytics' make_divisible(min(c, max) * w, 8)."""
    cap = yolo_max_channels(width)
    return [8 * math.ceil(min(c, cap) * width / 8) for c in YOLO_BASE_CHANNELS]


def yolo_depths(n: int) -> dict[str, Any]:
    return {"c2f_blocks": [n, 2 * n, 2 * n, n], "neck_blocks": n}


def _yolo_at_depth(base: dict[str, Any]) -> Callable[[int], dict[str, Any]]:
    return lambda n: {**base, **yolo_depths(n)}


def yolo_shapes(fixed: dict[str, Any], budget: int) -> Iterator[Any]:
    from metagen.blueprint.shapes import Shape

    for width in YOLO_WIDTH_MULTIPLES:
        base = {**fixed, "channels": yolo_channels(width)}
        yield Shape(f"width x{width}", _yolo_at_depth(base), 1, YOLO_MAX_DEPTH)


def detr_backbone(d_model: int) -> dict[str, Any]:
    if d_model >= 256:
        return {
            "backbone_block": "bottleneck",
            "backbone_layers": [3, 4, 6, 3],
            "backbone_width": 64,
        }
    return {
        "backbone_block": "basic",
        "backbone_layers": [2, 2, 2, 2],
        "backbone_width": 32 if d_model < 192 else 64,
    }


def detr_shapes(fixed: dict[str, Any], budget: int) -> Iterator[Any]:
    from metagen.blueprint.shapes import Shape

    for d in DETR_WIDTHS:
        base = {**fixed, **detr_backbone(d), "d_model": d, "n_heads": d // 32, "d_ff": 8 * d}
        yield Shape(
            f"d_model={d}",
            at_depth(base, "encoder_layers", "decoder_layers"),
            1,
            DETR_MAX_LAYERS,
        )


# CondInst on the YOLO-style detector: the detector's grid (its mask branches follow P3's width).
DETECTION_SHAPES = {"yolo": yolo_shapes, "detr": detr_shapes, "condinst": yolo_shapes}
