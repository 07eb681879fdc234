"""The two-tower model's solver grid and smoke dims."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.tabular_mlp.shapes import fine_widths
from metagen.blueprint.shape_builds import Shape, at_depth

# The ID tables dominate; 1 to 4 residual layers refine them (YouTube's towers have 2 to 3).
TOWER_DEPTHS = (1, 4)
SMOKE_TOWERS = {"d_model": 32, "n_layers": 1}


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for d in fine_widths(16, 512):
        yield Shape(f"d_model={d}", at_depth({**fixed, "d_model": d}, "n_layers"), *TOWER_DEPTHS)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, **SMOKE_TOWERS}
