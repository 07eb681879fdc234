"""The yolo architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="yolo",
    model="Yolo",
    config="YoloConfig",
    default_budget=3_200_000,  # the YOLOv8n class (3,157,200)
    has_variants=True,
)
