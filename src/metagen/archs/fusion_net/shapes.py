"""The fusion network's solver grid and smoke dims: the fusion width (heads of 16 dims, an MLP
4x wide) and the encoders' depth, as the fusion guide's examples scale them (fusion_dim 256
to 768, a few layers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.tabular_mlp.shapes import fine_widths
from metagen.blueprint.shape_builds import Shape, at_depth

DEPTHS = (1, 4)
HEAD_DIM = 16
SMOKE_WIDTH = 32


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for d in fine_widths(32, 1024):
        if d % HEAD_DIM:
            continue
        base = {**fixed, "d_model": d, "n_heads": d // HEAD_DIM, "d_ff": 4 * d}
        yield Shape(f"d_model={d}", at_depth(base, "n_layers"), *DEPTHS)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    d = min(dims["d_model"], SMOKE_WIDTH)
    return {**dims, "d_model": d, "n_heads": d // HEAD_DIM, "d_ff": 4 * d, "n_layers": 1}
