"""YOLOv8 (Ultralytics 2023) at 640 px for COCO's 80 classes: P1..P5 channels and the depth n
(C2f bottlenecks n, 2n, 2n, n in the backbone, n in the pyramid) of each scale. The published
counts are Ultralytics' model summaries; they include the DFL's 16 fixed weights."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.catalog import Variant

_YOLO_V8 = {
    "n": ([16, 32, 64, 128, 256], 1),
    "s": ([32, 64, 128, 256, 512], 1),
    "m": ([48, 96, 192, 384, 576], 2),
    "l": ([64, 128, 256, 512, 512], 3),
    "x": ([80, 160, 320, 640, 640], 3),
}
_YOLO_V8_PARAMS = {
    "n": 3_157_200,
    "s": 11_166_560,
    "m": 25_902_640,
    "l": 43_691_520,
    "x": 68_229_648,
}
_YOLO_ADJUSTABLE = ("num_classes", "in_channels", "image_size")


def _yolo_v8(scale: str) -> dict[str, Any]:
    channels, n = _YOLO_V8[scale]
    return {
        "image_size": 640,
        "in_channels": 3,
        "num_classes": 80,
        "channels": channels,
        "c2f_blocks": [n, 2 * n, 2 * n, n],
        "neck_blocks": n,
        "reg_max": 16,
    }


def _yolo_v8_variant(name: str, scale: str) -> Variant:
    return Variant(
        name,
        "yolo",
        "cnn",
        _yolo_v8(scale),
        _YOLO_V8_PARAMS[scale],
        f"Jocher et al. 2023, Ultralytics YOLOv8{scale} (COCO, 640 px)",
        _YOLO_ADJUSTABLE,
    )


VARIANTS: tuple[Variant, ...] = (
    # The seed's `yolo_v8` names no scale: the nano model, for edge devices.
    _yolo_v8_variant("yolo_v8", "n"),
    *(_yolo_v8_variant(f"yolo_v8{scale}", scale) for scale in _YOLO_V8),
)
