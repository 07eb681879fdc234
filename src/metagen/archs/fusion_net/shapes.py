"""The fusion network's solver grid and smoke dims: the transformer policy's grid of widths
(heads of 16 dims, an MLP 4x wide, 1 to 4 layers), up to the fusion guide's widest fusion_dim
(768) and past it; one layer of width 32 at the smoke scale."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.policy_transformer.shapes import one_layer_at_most, transformer_grid
from metagen.blueprint.shape_builds import Shape

MAX_WIDTH = 1024
SMOKE_WIDTH = 32


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    return transformer_grid(fixed, MAX_WIDTH)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return one_layer_at_most(dims, SMOKE_WIDTH)
