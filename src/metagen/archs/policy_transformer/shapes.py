"""The actor-critic transformer's solver grid and smoke dims."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.tabular_mlp.shapes import fine_widths
from metagen.blueprint.shape_builds import Shape, at_depth

# Decision transformers and transformer PPO agents on control tasks use 1 to 4 layers of
# width 64 to 256 with heads of 16 to 64 dims; the MLP is 4x wide, as in GPT.
DEPTHS = (1, 4)
HEAD_DIM = 16
FF_RATIO = 4
SMOKE_WIDTH = 32


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    return transformer_grid(fixed, 512)


def transformer_grid(fixed: dict[str, Any], max_width: int) -> Iterator[Shape]:
    """Widths up to max_width in heads of HEAD_DIM, an MLP FF_RATIO wide, DEPTHS layers."""
    for d in fine_widths(32, max_width):
        if d % HEAD_DIM:
            continue
        base = {**fixed, "d_model": d, "n_heads": d // HEAD_DIM, "d_ff": FF_RATIO * d}
        yield Shape(f"d_model={d}", at_depth(base, "n_layers"), *DEPTHS)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return one_layer_at_most(dims, SMOKE_WIDTH)


def one_layer_at_most(dims: dict[str, Any], width: int) -> dict[str, Any]:
    """One layer, at most `width` wide, with the grid's heads and MLP ratio."""
    d = min(dims["d_model"], width)
    return {**dims, "d_model": d, "n_heads": d // HEAD_DIM, "d_ff": FF_RATIO * d, "n_layers": 1}
