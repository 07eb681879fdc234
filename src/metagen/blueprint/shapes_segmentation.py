"""Standard shapes and smoke dims of the segmentation U-Net and SegFormer.

seg_unet: Ronneberger et al.'s layout (channels double per level, 2 convs per level, 5
levels at 64 channels: 31M parameters) with the levels set by the image size: halve down to a
bottleneck of at least 8 px, at most 5 levels. The solver grows the base width (steps of 1 from 4
to 32, of 2 to 64, of 4 to 128, of 8 to 256: a level's channels need no divisor) and the convs
per level (the depth knob, 2 to 4).

segformer: MiT stage widths [w, 2w, 5w, 8w] with heads [1, 2, 5, 8] and spatial reductions
[8, 4, 2, 1] (MiT-B0 is w = 32, B1-B5 w = 64). Two depth patterns, as published: the light one
of B0/B1 ([2, 2, n, 2], decoder 8w up to 256) and the deep one of B2-B5 ([3, 4, n, 3], decoder
12w up to 768);
the third stage's depth is the knob (B2: 6, B3: 18, B4: 27).

`shapes.py` and `scales.py` import this module for their registries, so it imports them
lazily.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import at_depth, at_stage_depth

SEG_UNET_MAX_LEVELS = 5
SEG_UNET_LOWEST_SIDE = 8
SEG_UNET_WIDTHS = (
    tuple(range(4, 32))
    + tuple(range(32, 64, 2))
    + tuple(range(64, 128, 4))
    + tuple(range(128, 257, 8))
)
SEG_UNET_CONVS = (2, 4)  # convs per level: Ronneberger's 2, up to 4

SEGFORMER_WIDTHS = (8, 16, 24, 32, 40, 48, 64, 80, 96, 128)
# (name, stage depths before and after the third, its range, decoder width per stage-1 width
# and at most): B0 has 256 = 8 x 32, B2-B5 768 = 12 x 64.
SEGFORMER_PATTERNS = (
    ("light", (2, 2), (2,), 2, 8, 8, 256),
    ("deep", (3, 4), (3,), 6, 40, 12, 768),
)
SEGFORMER_SR_RATIOS = [8, 4, 2, 1]

SMOKE_SEG_UNET = {"image_size": 32, "base_channels": 16, "levels": 4, "convs_per_level": 2}
SMOKE_SEGFORMER_WIDTH = 16
SMOKE_SEGFORMER_IMAGE_SIZE = 64


def seg_unet_levels(image_size: int) -> int:
    """Halve while even and the half is at least 8 px; at most 5 levels, at least 2."""
    levels, side = 1, image_size
    while levels < SEG_UNET_MAX_LEVELS and side % 2 == 0 and side // 2 >= SEG_UNET_LOWEST_SIDE:
        side, levels = side // 2, levels + 1
    return max(2, levels)


def seg_unet_shapes(fixed: dict[str, Any], budget: int) -> Iterator[Any]:
    from metagen.blueprint.shapes import Shape

    levels = seg_unet_levels(fixed["image_size"])
    for base in SEG_UNET_WIDTHS:
        dims = {**fixed, "base_channels": base, "levels": levels}
        yield Shape(
            f"base_channels={base} levels={levels}",
            at_depth(dims, "convs_per_level"),
            *SEG_UNET_CONVS,
        )


def segformer_stage_dims(width: int) -> dict[str, Any]:
    return {
        "stage_dims": [width, 2 * width, 5 * width, 8 * width],
        "stage_heads": [1, 2, 5, 8],
        "sr_ratios": list(SEGFORMER_SR_RATIOS),
    }


def segformer_shapes(fixed: dict[str, Any], budget: int) -> Iterator[Any]:
    from metagen.blueprint.shapes import Shape

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


def smoke_seg_unet(dims: dict[str, Any]) -> dict[str, Any]:
    """32 px, four levels (a 4-px bottleneck), a 16-channel base, two convs per level."""
    return {**dims, **SMOKE_SEG_UNET}


def smoke_segformer(dims: dict[str, Any]) -> dict[str, Any]:
    """64 px (16x16 tokens at the first stage), MiT widths from 16, one block per stage."""
    return {
        **dims,
        **segformer_stage_dims(SMOKE_SEGFORMER_WIDTH),
        "image_size": SMOKE_SEGFORMER_IMAGE_SIZE,
        "stage_depths": [1, 1, 1, 1],
        "decoder_dim": 64,
    }
