"""The world model's solver grid and smoke dims."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.tabular_mlp.shapes import fine_widths
from metagen.blueprint.shape_builds import Shape, at_depth

# PlaNet's and TD-MPC's state-vector models use MLPs of 2 or 3 hidden layers.
WORLD_DEPTHS = (2, 3)
# CartPole's model learns in a minute with 64 units; the smoke scale keeps them.
SMOKE_HIDDEN = 64


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for d in fine_widths(32, 1024):
        yield Shape(f"d_hidden={d}", at_depth({**fixed, "d_hidden": d}, "n_layers"), *WORLD_DEPTHS)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, "d_hidden": min(dims["d_hidden"], SMOKE_HIDDEN), "n_layers": 2}
