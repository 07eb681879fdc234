"""The 3D ResNet's named variants: published configurations, numbers only."""

from __future__ import annotations

from metagen.blueprint.catalog import Variant

# A 3D ResNet: torchvision's r3d_18 (3x7x7 stem, basic blocks, 400 Kinetics classes).
_R3D_18 = {
    "block": "basic",
    "layers": [2, 2, 2, 2],
    "width": 64,
    "in_channels": 3,
    "num_classes": 400,
    "stem": "kinetics",
    "num_frames": 16,
    "resolution": [112, 112],
}

VARIANTS: tuple[Variant, ...] = (
    Variant(
        "r3d_18",
        "video_cnn",
        "cnn",
        _R3D_18,
        33_371_472,
        "Tran et al. 2018, torchvision r3d_18 (Kinetics-400, 16 frames of 112x112)",
        ("num_classes", "in_channels", "num_frames", "resolution", "stem"),
    ),
)
