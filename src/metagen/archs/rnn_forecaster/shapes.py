"""The recurrent forecaster's solver grid and smoke dims: the forecasters' widths, 1 to 4
recurrent layers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.tft.shapes import forecast_widths
from metagen.blueprint.shape_builds import Shape, at_depth


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for d in forecast_widths(16, 4096):
        base = {**fixed, "d_model": d, "d_ff": d}
        yield Shape(f"d_model={d}", at_depth(base, "n_layers"), 1, 4)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, "d_model": 64, "n_layers": min(dims["n_layers"], 2), "d_ff": 64}
