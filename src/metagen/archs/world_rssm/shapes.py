"""The recurrent world model's solver grid and smoke dims: one width for the MLPs and the
GRU's state (DreamerV3's sizes tie them too), at the world model's MLP depths."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.tabular_mlp.shapes import fine_widths
from metagen.archs.world_model.shapes import SMOKE_HIDDEN, WORLD_DEPTHS
from metagen.blueprint.shape_builds import Shape, at_depth


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for d in fine_widths(32, 1024):
        base = {**fixed, "d_hidden": d, "d_deter": d}
        yield Shape(f"d_hidden={d}", at_depth(base, "mlp_layers"), *WORLD_DEPTHS)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    d = min(dims["d_hidden"], SMOKE_HIDDEN)
    return {**dims, "d_hidden": d, "d_deter": d, "mlp_layers": 2}
