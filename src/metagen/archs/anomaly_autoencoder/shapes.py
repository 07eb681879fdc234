"""The anomaly autoencoder's solver grid and smoke dims: MLP widths with the hidden layers per
side as the depth knob. The latent size is the handler's, not the grid's: it is the
bottleneck that makes anomalies hard to reconstruct."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import Shape, at_depth


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    """Widths from 32 to 8,192 (steps of 32 below 512, 64 below 1,024, then 128); 1 to 4
    layers."""
    d = 32
    while d <= 8192:
        base = {**fixed, "d_model": d}
        yield Shape(f"d_model={d}", at_depth(base, "n_layers"), 1, 4)
        d += 32 if d < 512 else 64 if d < 1024 else 128


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, "d_model": 128, "n_layers": min(dims["n_layers"], 2)}
