"""The YOLOv8-style detector's solver grid and smoke dims.

The grid is YOLOv8's scale table. A width multiple scales the 64..1024 channels of P1..P5
(rounded up to multiples of 8, capped at a max_channels that falls as width grows: 1024 up
to 0.5x, 768 to 0.75x, 512 beyond), and the depth knob n sets the backbone's C2f
bottlenecks to n, 2n, 2n, n and the pyramid's to n. YOLOv8 n/s/m/l/x are (0.25, 1),
(0.5, 1), (0.75, 2), (1.0, 3) and (1.25, 3); params are affine in n, as the solver needs.

Smoke scenes are 64 px: the pyramid then has 8x8, 4x4 and 2x2 cells.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

from metagen.blueprint.shape_builds import Shape

YOLO_WIDTH_MULTIPLES = (0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0, 1.25, 1.5, 2.0)
YOLO_BASE_CHANNELS = (64, 128, 256, 512, 1024)
YOLO_MAX_DEPTH = 4

SMOKE_DETECTION_IMAGE_SIZE = 64


def yolo_max_channels(width: float) -> int:
    return 1024 if width <= 0.5 else 768 if width <= 0.75 else 512


def yolo_channels(width: float) -> list[int]:
    """P1..P5 channels of a width multiple, as Ultralytics' make_divisible(min(c, max) * w, 8)."""
    cap = yolo_max_channels(width)
    return [8 * math.ceil(min(c, cap) * width / 8) for c in YOLO_BASE_CHANNELS]


def yolo_depths(n: int) -> dict[str, Any]:
    return {"c2f_blocks": [n, 2 * n, 2 * n, n], "neck_blocks": n}


def _at_depth(base: dict[str, Any]) -> Callable[[int], dict[str, Any]]:
    return lambda n: {**base, **yolo_depths(n)}


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for width in YOLO_WIDTH_MULTIPLES:
        base = {**fixed, "channels": yolo_channels(width)}
        yield Shape(f"width x{width}", _at_depth(base), 1, YOLO_MAX_DEPTH)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return {
        **dims,
        "image_size": SMOKE_DETECTION_IMAGE_SIZE,
        "channels": [8, 16, 32, 48, 64],
        "c2f_blocks": [1, 1, 1, 1],
        "neck_blocks": 1,
    }
