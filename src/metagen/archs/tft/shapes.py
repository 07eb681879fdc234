"""The TFT's solver grid and smoke dims, and the widths that every forecaster's grid steps
through (PatchTST, the recurrent forecaster and N-BEATS import them)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import Shape, at_depth

TFT_HEADS = 4  # the paper's default


def forecast_widths(start: int, stop: int) -> Iterator[int]:
    """Steps of 16 up to 256, 32 up to 512, 64 beyond."""
    d = start
    while d <= stop:
        yield d
        d += 16 if d < 256 else 32 if d < 512 else 64


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    """Widths from 16 to 2,048 with four heads; 1 to 4 attention blocks."""
    for d in forecast_widths(16, 2048):
        base = {**fixed, "d_model": d, "n_heads": TFT_HEADS}
        yield Shape(f"d_model={d}", at_depth(base, "n_layers"), 1, 4)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, "d_model": 32, "n_layers": 1, "n_heads": TFT_HEADS}
