"""SegFormer's solver grid and smoke dims.

MiT stage widths [w, 2w, 5w, 8w] with heads [1, 2, 5, 8] and spatial reductions [8, 4, 2, 1]
(MiT-B0 is w = 32, B1-B5 w = 64). Two depth patterns, as published: the light one of B0/B1
([2, 2, n, 2], decoder 8w up to 256) and the deep one of B2-B5 ([3, 4, n, 3], decoder 12w
up to 768); the third stage's depth is the knob (B2: 6, B3: 18, B4: 27).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import Shape, at_stage_depth

SEGFORMER_WIDTHS = (8, 16, 24, 32, 40, 48, 64, 80, 96, 128)
# (name, stage depths before and after the third, its range, decoder width per stage-1 width
# and at most): B0 has 256 = 8 x 32, B2-B5 768 = 12 x 64.
SEGFORMER_PATTERNS = (
    ("light", (2, 2), (2,), 2, 8, 8, 256),
    ("deep", (3, 4), (3,), 6, 40, 12, 768),
)
SEGFORMER_SR_RATIOS = [8, 4, 2, 1]

SMOKE_SEGFORMER_WIDTH = 16
SMOKE_SEGFORMER_IMAGE_SIZE = 64


def segformer_stage_dims(width: int) -> dict[str, Any]:
    return {
        "stage_dims": [width, 2 * width, 5 * width, 8 * width],
        "stage_heads": [1, 2, 5, 8],
        "sr_ratios": list(SEGFORMER_SR_RATIOS),
    }


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for width in SEGFORMER_WIDTHS:
        for name, head, tail, lo, hi, per_width, most in SEGFORMER_PATTERNS:
            decoder = min(most, per_width * width)
            base = {**fixed, **segformer_stage_dims(width), "mlp_ratio": 4, "decoder_dim": decoder}
            yield Shape(
                f"{name} width={width} depths={list(head)}+[n]+{list(tail)} decoder={decoder}",
                at_stage_depth(base, "stage_depths", head, tail),
                lo,
                hi,
            )


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    """64 px (16x16 tokens at the first stage), MiT widths from 16, one block per stage."""
    return {
        **dims,
        **segformer_stage_dims(SMOKE_SEGFORMER_WIDTH),
        "image_size": SMOKE_SEGFORMER_IMAGE_SIZE,
        "stage_depths": [1, 1, 1, 1],
        "decoder_dim": 64,
    }
