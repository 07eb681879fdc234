"""ResNet's solver grid: stem widths, basic or bottleneck blocks in four stages; the third
stage's depth is the knob."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import Shape, at_stage_depth
from metagen.blueprint.smoke import SMOKE_IMAGE_SIZE

# (block, stage depths before and after the variable third stage, its range)
_RESNET_PATTERNS = (
    ("basic", (1, 1), (1,), 1, 8),
    ("basic", (2, 2), (2,), 2, 6),
    ("bottleneck", (3, 4), (3,), 6, 36),
    ("bottleneck", (3, 8), (3,), 37, 64),
)
_RESNET_WIDTHS = (16, 24, 32, 48, 64, 80, 96, 128)


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for width in _RESNET_WIDTHS:
        for block, head, tail, lo, hi in _RESNET_PATTERNS:
            base = {**fixed, "block": block, "width": width}
            yield Shape(
                f"{block} width={width} layers={list(head)}+[n]+{list(tail)}",
                at_stage_depth(base, "layers", head, tail),
                lo,
                hi,
            )


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    """One basic-or-bottleneck block per stage, 16 wide, on the CIFAR stem."""
    return {
        **dims,
        "width": 16,
        "layers": [1, 1, 1, 1],
        "stem": "cifar",
        "image_size": SMOKE_IMAGE_SIZE,
    }
