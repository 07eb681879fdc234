"""The tabular MLP's solver grid and smoke dims, and the fine widths that the series CNN's
grid shares."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import Shape, at_depth

# Gorishniy et al. (2021) tune the tabular ResNet over 1 to 8 blocks of width 64 to 512 with
# a hidden factor of 1 to 4; the grid keeps 2x and runs the widths from 32 to 1024.
TABULAR_DEPTHS = (2, 8)
TABULAR_FF_RATIO = 2
SMOKE_TABULAR = {"d_model": 64, "n_layers": 2, "d_ff": 128}


def fine_widths(start: int, stop: int) -> list[int]:
    """Steps of 8 to 256, of 16 to 512, then of 32: small models have small budgets, and a
    one-knob depth grid needs close widths to land within 10% of any budget."""
    widths, d = [], start
    while d <= stop:
        widths.append(d)
        d += 8 if d < 256 else 16 if d < 512 else 32
    return widths


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for d in fine_widths(32, 1024):
        base = {**fixed, "d_model": d, "d_ff": TABULAR_FF_RATIO * d}
        yield Shape(f"d_model={d}", at_depth(base, "n_layers"), *TABULAR_DEPTHS)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, **SMOKE_TABULAR}
