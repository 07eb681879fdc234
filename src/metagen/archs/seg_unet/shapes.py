"""The segmentation U-Net's solver grid and smoke dims.

Ronneberger et al.'s layout (channels double per level, 2 convs per level, 5 levels at 64
channels: 31M parameters) with the levels set by the image size: halve down to a bottleneck
of at least 8 px, at most 5 levels. The solver grows the base width (steps of 1 from 4 to
32, of 2 to 64, of 4 to 128, of 8 to 256: a level's channels need no divisor) and the convs
per level (the depth knob, 2 to 4).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import Shape, at_depth

SEG_UNET_MAX_LEVELS = 5
SEG_UNET_LOWEST_SIDE = 8
SEG_UNET_WIDTHS = (
    tuple(range(4, 32))
    + tuple(range(32, 64, 2))
    + tuple(range(64, 128, 4))
    + tuple(range(128, 257, 8))
)
SEG_UNET_CONVS = (2, 4)  # convs per level: Ronneberger's 2, up to 4

SMOKE_SEG_UNET = {"image_size": 32, "base_channels": 16, "levels": 4, "convs_per_level": 2}


def seg_unet_levels(image_size: int) -> int:
    """Halve while even and the half is at least 8 px; at most 5 levels, at least 2."""
    levels, side = 1, image_size
    while levels < SEG_UNET_MAX_LEVELS and side % 2 == 0 and side // 2 >= SEG_UNET_LOWEST_SIDE:
        side, levels = side // 2, levels + 1
    return max(2, levels)


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    levels = seg_unet_levels(fixed["image_size"])
    for base in SEG_UNET_WIDTHS:
        dims = {**fixed, "base_channels": base, "levels": levels}
        yield Shape(
            f"base_channels={base} levels={levels}",
            at_depth(dims, "convs_per_level"),
            *SEG_UNET_CONVS,
        )


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    """32 px, four levels (a 4-px bottleneck), a 16-channel base, two convs per level."""
    return {**dims, **SMOKE_SEG_UNET}
