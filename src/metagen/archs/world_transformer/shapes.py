"""The transformer world model's solver grid and smoke dims."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.tabular_mlp.shapes import fine_widths
from metagen.blueprint.shape_builds import Shape, at_depth

# TWM's and IRIS's dynamics transformers are a few layers deep; on state vectors 1 to 4 layers
# of width 64 to 256, heads of 16 dims and a 4x MLP (as GPT's) are enough.
DEPTHS = (1, 4)
HEAD_DIM = 16
FF_RATIO = 4
SMOKE_WIDTH = 64


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for d in fine_widths(32, 512):
        if d % HEAD_DIM:
            continue
        base = {**fixed, "d_model": d, "n_heads": d // HEAD_DIM, "d_ff": FF_RATIO * d}
        yield Shape(f"d_model={d}", at_depth(base, "n_layers"), *DEPTHS)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    d = min(dims["d_model"], SMOKE_WIDTH)
    return {**dims, "d_model": d, "n_heads": d // HEAD_DIM, "d_ff": FF_RATIO * d, "n_layers": 1}
