"""CondInst's solver grid and smoke dims: the YOLOv8-style detector's (its mask branches
follow P3's width)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.yolo.shapes import grid as yolo_grid
from metagen.archs.yolo.shapes import smoke_dims as yolo_smoke_dims
from metagen.blueprint.shape_builds import Shape


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    return yolo_grid(fixed, budget)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return yolo_smoke_dims(dims)
