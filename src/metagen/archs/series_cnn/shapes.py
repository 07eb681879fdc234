"""The 1-D series CNN's solver grid and smoke dims: the tabular MLP's fine widths from 16 to
512 filters; the number of blocks is the knob."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.tabular_mlp.shapes import fine_widths
from metagen.blueprint.shape_builds import Shape, at_depth

# Wang et al. (2017) use 64 and 128 filters; narrower ones serve small budgets.
SERIES_DEPTHS = (2, 8)
SMOKE_SERIES = {"width": 32, "n_layers": 2}
# Smoke series are this long: the synthetic shapes need a few periods to tell apart.
SMOKE_SERIES_LENGTH = 64


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for width in fine_widths(16, 512):
        base = {**fixed, "width": width}
        yield Shape(f"width={width}", at_depth(base, "n_layers"), *SERIES_DEPTHS)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return {
        **dims,
        **SMOKE_SERIES,
        "series_length": min(dims["series_length"], SMOKE_SERIES_LENGTH),
    }
