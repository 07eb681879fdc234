"""N-BEATS's solver grid and smoke dims: the forecasters' widths, four layers per block;
the number of blocks is the knob."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.tft.shapes import forecast_widths
from metagen.blueprint.shape_builds import Shape, at_depth


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    # N-BEATS-G: 30 blocks of four 512-wide layers.
    for d in forecast_widths(32, 4096):
        base = {**fixed, "d_model": d, "n_fc": 4}
        yield Shape(f"d_model={d}", at_depth(base, "n_blocks"), 1, 30)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, "d_model": 64, "n_blocks": 3}
