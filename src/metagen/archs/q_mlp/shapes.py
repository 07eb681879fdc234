"""The Q-network MLP's solver grid and smoke dims."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.policy_mlp.shapes import POLICY_DEPTHS
from metagen.archs.tabular_mlp.shapes import fine_widths
from metagen.blueprint.shape_builds import Shape, at_depth

# CartPole's DQN learns within a minute of CPU at 64 units; the smoke scale keeps at most that.
SMOKE_HIDDEN = 64


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for d in fine_widths(32, 1024):
        yield Shape(f"d_hidden={d}", at_depth({**fixed, "d_hidden": d}, "n_layers"), *POLICY_DEPTHS)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, "d_hidden": min(dims["d_hidden"], SMOKE_HIDDEN), "n_layers": 2}
