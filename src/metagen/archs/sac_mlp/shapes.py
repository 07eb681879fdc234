"""The off-policy actor-critic MLP's solver grid and smoke dims: policy_mlp's widths and
depths (the SAC and TD3 literature's 2 or 3 hidden layers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.policy_mlp.shapes import POLICY_DEPTHS, SMOKE_HIDDEN
from metagen.archs.tabular_mlp.shapes import fine_widths
from metagen.blueprint.shape_builds import Shape, at_depth


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for d in fine_widths(32, 1024):
        yield Shape(f"d_hidden={d}", at_depth({**fixed, "d_hidden": d}, "n_layers"), *POLICY_DEPTHS)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, "d_hidden": min(dims["d_hidden"], SMOKE_HIDDEN), "n_layers": 2}
