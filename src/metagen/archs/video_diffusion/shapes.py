"""The video diffusion denoiser's solver grid (space-time transformer) and its smoke dims.

The backbone follows the ViT grid (64-wide heads, 4x MLP; width/depth from 16 to about 96,
DiT-XL being 1152/28). A caption encoder, when the spec conditions on text, is half as wide as
the backbone (128 to 1024) with width/64 heads and layers (up to 12): CLIP ViT-L/14's text
tower (768 wide, 12 deep) beside a 1536-wide backbone.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import Shape, at_depth, widths

VIDEO_CAPTION_MAX_LAYERS = 12

# Each token must carry its tubelet's C*t*p*p noise values through d_model: with 8-px patches
# (384 values through 96) the smoke loss fell 22% in 200 steps; 16x16 frames with 4-px
# patches (96 values) fell 70% at the same cost (CPU, batch 16, lr 1e-3, first/last 10 steps).
SMOKE_VIDEO_DIFFUSION = {
    "num_frames": 8,
    "resolution": [16, 16],
    "tubelet_size": 2,
    "patch_size": 4,
    "d_model": 96,
    "n_layers": 2,
    "n_heads": 4,
    "d_ff": 384,
    "caption_d_model": 64,
    "caption_n_layers": 1,
    "caption_n_heads": 2,
}


def caption_dims(d_model: int) -> dict[str, int]:
    """The caption encoder beside a backbone of d_model."""
    width = min(1024, max(128, 64 * (d_model // 128)))
    return {
        "caption_d_model": width,
        "caption_n_layers": min(VIDEO_CAPTION_MAX_LAYERS, width // 64),
        "caption_n_heads": width // 64,
    }


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for d in widths(128, 4096):
        if d >= 512 and d % 128:
            continue
        base = {**fixed, "d_model": d, "n_heads": d // 64, "d_ff": 4 * d, **caption_dims(d)}
        yield Shape(
            f"d_model={d}",
            at_depth(base, "n_layers"),
            max(2, math.ceil(d / 96)),
            max(2, d // 16),
        )


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, **SMOKE_VIDEO_DIFFUSION}
