"""The 3D ResNet's solver grid (the ResNet's stage patterns) and its smoke dims."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.resnet.shapes import grid as resnet_grid
from metagen.blueprint.shape_builds import Shape
from metagen.blueprint.smoke import SMOKE_NUM_FRAMES, SMOKE_RESOLUTION


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    """The ResNet grid, as for its image counterpart: stem widths, basic or bottleneck blocks
    in four stages; the third stage's depth is the knob."""
    return resnet_grid(fixed, budget)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    """8 frames of 32x32, the narrowest stages, one block each."""
    return {
        **dims,
        "width": 8,
        "layers": [1, 1, 1, 1],
        "num_frames": SMOKE_NUM_FRAMES,
        "resolution": SMOKE_RESOLUTION,
    }
