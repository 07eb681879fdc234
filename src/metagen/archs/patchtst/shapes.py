"""PatchTST's solver grid and smoke dims: the forecasters' widths, 16-wide heads, a 2x MLP;
depth is the knob."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.tft.shapes import forecast_widths
from metagen.blueprint.shape_builds import Shape, at_depth

PATCHTST_MAX_HEADS = 16  # PatchTST: 16 heads of 8 at d_model 128; here 16-wide heads


def heads(d_model: int) -> int:
    return max(1, min(PATCHTST_MAX_HEADS, d_model // 16))


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for d in forecast_widths(32, 2048):
        base = {**fixed, "d_model": d, "n_heads": heads(d), "d_ff": 2 * d}
        yield Shape(f"d_model={d}", at_depth(base, "n_layers"), 1, 12)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, "d_model": 64, "n_layers": 2, "n_heads": 4, "d_ff": 128}
