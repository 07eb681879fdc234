"""The audio classifier's solver grid (the ViT's) and its smoke dims."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.vit.shapes import grid as vit_grid
from metagen.blueprint.shape_builds import Shape


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    """The ViT grid: d_model/64 heads, a 4x MLP; depth is the knob."""
    return vit_grid(fixed, budget)


# Smoke audio: classifier clips of at most a second.


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    clip = max(dims["n_fft"], min(dims["clip_samples"], dims["sample_rate"]))
    return {
        **dims,
        "clip_samples": clip,
        "d_model": 128,
        "n_layers": 2,
        "n_heads": 4,
        "d_ff": 4 * 128,
    }
